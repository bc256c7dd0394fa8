//! The correlation engine: given the attributes of one event (or a loose set
//! of values) and a source of postings, find the related events, ranked.
//!
//! The source is abstract ([`PostingSource`]) so the in-memory index and the
//! SQLite store share the rules: exclusions, the over-correlation cap, the
//! relation filter, "never within the same event" and the ranking.

use std::collections::{HashMap, HashSet};

use super::exclusion::{ExclusionReason, Exclusions};
use super::keys::{attribute_parts, CorrelationKey, KeyRole};
use super::network::IpNet;
use super::{AttributeInput, CorrelationOptions, Relation};

/// An attribute that holds a key: its event and attribute identifiers in the
/// source's own numbering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Holder {
    /// The event's identifier.
    pub event: u64,
    /// The attribute's identifier.
    pub attribute: u64,
}

/// Where the engine finds who holds a key. Sources index only correlating
/// attributes: non-correlating types and disabled attributes or events are
/// never returned.
pub trait PostingSource {
    /// The error of a lookup.
    type Error;

    /// Appends to `out` the holders of `value` in `role`.
    fn holders(
        &mut self,
        role: KeyRole,
        value: &str,
        out: &mut Vec<Holder>,
    ) -> Result<(), Self::Error>;

    /// For a single address, appends the networks containing it; for a
    /// network, the single addresses inside it; each with the holder's value.
    fn network_holders(
        &mut self,
        net: &IpNet,
        out: &mut Vec<(Holder, String)>,
    ) -> Result<(), Self::Error>;
}

/// A value the queried event shares with a related event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedValue {
    /// The value on the queried side (a part of a composite, normalised).
    pub value: String,
    /// The MISP type of the attribute it came from.
    pub misp_type: String,
    /// How it relates.
    pub relation: Relation,
    /// The first attribute of the related event it relates to.
    pub other: Holder,
}

/// An event related to the queried one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedEvent {
    /// The event's identifier in the source.
    pub event: u64,
    /// How many distinct values of the queried event relate to it.
    pub shared: usize,
    /// Those values with their relation, sorted by value then relation.
    pub values: Vec<SharedValue>,
}

/// A value held by more events than the cap allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverCorrelation {
    /// The value.
    pub value: String,
    /// The MISP type of the attribute it came from.
    pub misp_type: String,
    /// How many other events hold it (through the relation that exceeded).
    pub events: usize,
}

/// A value left out because a rule or warninglist excludes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExcludedValue {
    /// The value.
    pub value: String,
    /// The MISP type of the attribute it came from.
    pub misp_type: String,
    /// The rule or list that matched.
    pub reason: ExclusionReason,
}

/// The answer to a correlation query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Correlation {
    /// Related events, most shared values first, then by identifier.
    pub related: Vec<RelatedEvent>,
    /// Values past the cap, each once, in query order.
    pub over_correlating: Vec<OverCorrelation>,
    /// Excluded values, each once, in query order.
    pub excluded: Vec<ExcludedValue>,
}

/// Correlates `attributes` against `source`. `self_event` (the queried
/// event's identifier in the source, if it is stored there) never relates to
/// itself; `event_disabled` is the event-level `disable_correlation`.
pub fn correlate<S: PostingSource>(
    source: &mut S,
    attributes: &[AttributeInput],
    event_disabled: bool,
    self_event: Option<u64>,
    options: &CorrelationOptions,
    exclusions: &Exclusions,
) -> Result<Correlation, S::Error> {
    let mut run = Run {
        self_event,
        options,
        values: Vec::new(),
        value_ids: HashMap::new(),
        seen: HashSet::new(),
        per_event: HashMap::new(),
        over: Vec::new(),
        over_seen: HashSet::new(),
        excluded: Vec::new(),
        excluded_seen: HashSet::new(),
    };
    if event_disabled {
        return Ok(Correlation::default());
    }
    let mut holders = Vec::new();
    let mut net_holders = Vec::new();
    for attribute in attributes.iter().filter(|a| !a.disable_correlation) {
        for part in attribute_parts(&attribute.misp_type, &attribute.value) {
            let types = [part.part_type.as_str(), attribute.misp_type.as_str()];
            if let Some(reason) = exclusions.check(&part.value, &types) {
                run.exclude(&part.value, &attribute.misp_type, reason);
                continue;
            }
            let value_id = run.value_id(&part.value, &attribute.misp_type);
            for key in &part.keys {
                match key {
                    CorrelationKey::Value(role, key_value) => {
                        if *role != KeyRole::Exact && key_value != &part.value {
                            if let Some(reason) =
                                exclusions.check(key_value, derived_types(key_value))
                            {
                                run.exclude(key_value, &attribute.misp_type, reason);
                                continue;
                            }
                        }
                        for &(holder_role, relation) in role.counterparts() {
                            if !options.relations.contains(relation) {
                                continue;
                            }
                            holders.clear();
                            source.holders(holder_role, key_value, &mut holders)?;
                            run.consider(value_id, relation, &holders);
                        }
                    }
                    CorrelationKey::Network(net) => {
                        if !options.relations.contains(Relation::Cidr) {
                            continue;
                        }
                        net_holders.clear();
                        source.network_holders(net, &mut net_holders)?;
                        holders.clear();
                        holders.extend(
                            net_holders
                                .iter()
                                .filter(|(_, v)| {
                                    exclusions.check(v, &["ip-dst", "ip-src"]).is_none()
                                })
                                .map(|(h, _)| *h),
                        );
                        run.consider(value_id, Relation::Cidr, &holders);
                    }
                }
            }
        }
    }
    Ok(run.finish())
}

/// The MISP types a derived key (a host, a domain) is checked as.
fn derived_types(value: &str) -> &'static [&'static str] {
    if IpNet::parse(value).is_some() {
        &["ip-dst", "ip-src"]
    } else {
        &["domain", "hostname"]
    }
}

struct Run<'o> {
    self_event: Option<u64>,
    options: &'o CorrelationOptions,
    /// Distinct query values with the type of their first attribute.
    values: Vec<(String, String)>,
    value_ids: HashMap<String, u32>,
    seen: HashSet<(u64, u32, Relation)>,
    per_event: HashMap<u64, Vec<(u32, Relation, Holder)>>,
    over: Vec<OverCorrelation>,
    over_seen: HashSet<u32>,
    excluded: Vec<ExcludedValue>,
    excluded_seen: HashSet<String>,
}

impl Run<'_> {
    fn value_id(&mut self, value: &str, misp_type: &str) -> u32 {
        if let Some(&id) = self.value_ids.get(value) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push((value.to_string(), misp_type.to_string()));
        self.value_ids.insert(value.to_string(), id);
        id
    }

    fn exclude(&mut self, value: &str, misp_type: &str, reason: ExclusionReason) {
        if self.excluded_seen.insert(value.to_string()) {
            self.excluded.push(ExcludedValue {
                value: value.to_string(),
                misp_type: misp_type.to_string(),
                reason,
            });
        }
    }

    fn consider(&mut self, value_id: u32, relation: Relation, holders: &[Holder]) {
        let self_event = self.self_event;
        let others = || holders.iter().filter(move |h| Some(h.event) != self_event);
        let mut events: Vec<u64> = others().map(|h| h.event).collect();
        if events.is_empty() {
            return;
        }
        events.sort_unstable();
        events.dedup();
        if events.len() > self.options.cap {
            if self.over_seen.insert(value_id) {
                let (value, misp_type) = self.values[value_id as usize].clone();
                self.over.push(OverCorrelation {
                    value,
                    misp_type,
                    events: events.len(),
                });
            }
            return;
        }
        for holder in others() {
            if self.seen.insert((holder.event, value_id, relation)) {
                self.per_event
                    .entry(holder.event)
                    .or_default()
                    .push((value_id, relation, *holder));
            }
        }
    }

    fn finish(self) -> Correlation {
        let values = &self.values;
        let mut related: Vec<RelatedEvent> = self
            .per_event
            .into_iter()
            .map(|(event, mut shared)| {
                shared.sort_by(|a, b| {
                    (values[a.0 as usize].0.as_str(), a.1)
                        .cmp(&(values[b.0 as usize].0.as_str(), b.1))
                });
                let mut ids: Vec<u32> = shared.iter().map(|s| s.0).collect();
                ids.dedup();
                RelatedEvent {
                    event,
                    shared: ids.len(),
                    values: shared
                        .into_iter()
                        .map(|(id, relation, other)| SharedValue {
                            value: values[id as usize].0.clone(),
                            misp_type: values[id as usize].1.clone(),
                            relation,
                            other,
                        })
                        .collect(),
                }
            })
            .collect();
        related.sort_by(|a, b| b.shared.cmp(&a.shared).then(a.event.cmp(&b.event)));
        Correlation {
            related,
            over_correlating: self.over,
            excluded: self.excluded,
        }
    }
}

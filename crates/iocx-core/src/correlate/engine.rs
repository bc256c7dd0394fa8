//! The correlation engine: given the attributes of one event (or a loose set
//! of values) and a source of postings, find the related events, ranked.
//!
//! The source is abstract ([`PostingSource`]) so the in-memory index and the
//! SQLite store share the rules: exclusions, the over-correlation cap, the
//! relation filter, "never within the same event" and the ranking.

use std::collections::hash_map::Entry;

use super::exclusion::{ExclusionReason, Exclusions};
use super::interner::Interner;
use super::keys::{for_each_part, KeyRef, KeyRole};
use super::network::IpNet;
use super::{AttributeInput, CorrelationOptions, Relation};
use crate::fasthash::FastMap;

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
    let skip = |event: u64| Some(event) == self_event;
    correlate_skipping(
        source,
        attributes,
        event_disabled,
        &skip,
        options,
        exclusions,
    )
}

/// [`correlate`], treating every event for which `skip` holds as absent
/// (the queried event itself, events stored after it, …): skipped events
/// neither relate nor count towards the over-correlation cap.
pub fn correlate_skipping<S: PostingSource>(
    source: &mut S,
    attributes: &[AttributeInput],
    event_disabled: bool,
    skip: &dyn Fn(u64) -> bool,
    options: &CorrelationOptions,
    exclusions: &Exclusions,
) -> Result<Correlation, S::Error> {
    let mut run = Run {
        skip,
        options,
        attributes,
        values: Interner::default(),
        positions: Vec::new(),
        seen: FastMap::default(),
        per_event: FastMap::default(),
        events: Vec::new(),
        over: Vec::new(),
        over_seen: Vec::new(),
        excluded: Vec::new(),
        excluded_seen: FastMap::default(),
    };
    if event_disabled {
        return Ok(Correlation::default());
    }
    let mut holders = Vec::new();
    let mut net_holders = Vec::new();
    let mut failed = None;
    for (position, attribute) in attributes.iter().enumerate() {
        if attribute.disable_correlation || failed.is_some() {
            continue;
        }
        for_each_part(&attribute.misp_type, &attribute.value, |part| {
            if failed.is_some() {
                return;
            }
            let types = [part.part_type, attribute.misp_type.as_str()];
            if let Some(reason) = exclusions.check(&part.value, &types) {
                run.exclude(&part.value, position, reason);
                return;
            }
            let value_id = run.value_id(&part.value, position);
            let mut result = lookup(
                source,
                &mut holders,
                &mut run,
                value_id,
                KeyRole::Exact,
                &part.value,
            );
            part.for_each_key(|key| {
                if result.is_err() {
                    return;
                }
                result = match key {
                    KeyRef::Own(role) => {
                        lookup(source, &mut holders, &mut run, value_id, role, &part.value)
                    }
                    KeyRef::Other(role, key_value) => {
                        match exclusions.check(&key_value, derived_types(&key_value)) {
                            Some(reason) => {
                                run.exclude(&key_value, position, reason);
                                Ok(())
                            }
                            None => {
                                lookup(source, &mut holders, &mut run, value_id, role, &key_value)
                            }
                        }
                    }
                    KeyRef::Network(net) if options.relations.contains(Relation::Cidr) => {
                        source.network_holders(&net, &mut net_holders).map(|()| {
                            holders.clear();
                            holders.extend(
                                net_holders
                                    .drain(..)
                                    .filter(|(_, v)| {
                                        exclusions.check(v, &["ip-dst", "ip-src"]).is_none()
                                    })
                                    .map(|(h, _)| h),
                            );
                            run.consider(value_id, Relation::Cidr, &holders);
                        })
                    }
                    KeyRef::Network(_) => Ok(()),
                };
            });
            if let Err(e) = result {
                failed = Some(e);
            }
        });
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(run.finish()),
    }
}

/// Looks up who holds `key_value` in the counterpart roles of `role` that
/// the options count, and records what relates.
fn lookup<S: PostingSource>(
    source: &mut S,
    holders: &mut Vec<Holder>,
    run: &mut Run<'_, '_>,
    value_id: u32,
    role: KeyRole,
    key_value: &str,
) -> Result<(), S::Error> {
    for &(holder_role, relation) in role.counterparts() {
        if !run.options.relations.contains(relation) {
            continue;
        }
        holders.clear();
        source.holders(holder_role, key_value, holders)?;
        run.consider(value_id, relation, holders);
    }
    Ok(())
}

/// The MISP types a derived key (a host, a domain) is checked as.
fn derived_types(value: &str) -> &'static [&'static str] {
    if IpNet::parse(value).is_some() {
        &["ip-dst", "ip-src"]
    } else {
        &["domain", "hostname"]
    }
}

/// One relation of a query value to an event, through the attribute it meets.
struct Link {
    value: u32,
    relation: Relation,
    other: Holder,
}

struct Run<'a, 'o> {
    skip: &'o dyn Fn(u64) -> bool,
    options: &'o CorrelationOptions,
    attributes: &'a [AttributeInput],
    /// Distinct query values, numbered.
    values: Interner,
    /// The position of each value's first attribute.
    positions: Vec<usize>,
    /// Where each (event, value, relation) sits in `per_event`.
    seen: FastMap<(u64, u32, Relation), usize>,
    per_event: FastMap<u64, Vec<Link>>,
    /// Scratch space for the distinct events of one lookup.
    events: Vec<u64>,
    over: Vec<OverCorrelation>,
    over_seen: Vec<bool>,
    excluded: Vec<ExcludedValue>,
    excluded_seen: FastMap<Box<str>, ()>,
}

impl Run<'_, '_> {
    fn value_id(&mut self, value: &str, position: usize) -> u32 {
        let id = self.values.intern(value);
        if id as usize == self.positions.len() {
            self.positions.push(position);
            self.over_seen.push(false);
        }
        id
    }

    fn exclude(&mut self, value: &str, position: usize, reason: ExclusionReason) {
        if self.excluded_seen.insert(value.into(), ()).is_none() {
            self.excluded.push(ExcludedValue {
                value: value.to_string(),
                misp_type: self.attributes[position].misp_type.clone(),
                reason,
            });
        }
    }

    fn consider(&mut self, value_id: u32, relation: Relation, holders: &[Holder]) {
        let skip = self.skip;
        let others = || holders.iter().filter(move |h| !skip(h.event));
        self.events.clear();
        self.events.extend(others().map(|h| h.event));
        if self.events.is_empty() {
            return;
        }
        self.events.sort_unstable();
        self.events.dedup();
        if self.events.len() > self.options.cap {
            if !std::mem::replace(&mut self.over_seen[value_id as usize], true) {
                let position = self.positions[value_id as usize];
                self.over.push(OverCorrelation {
                    value: self.values.resolve(value_id).to_string(),
                    misp_type: self.attributes[position].misp_type.clone(),
                    events: self.events.len(),
                });
            }
            return;
        }
        for holder in others() {
            let links = self.per_event.entry(holder.event).or_default();
            match self.seen.entry((holder.event, value_id, relation)) {
                Entry::Vacant(slot) => {
                    slot.insert(links.len());
                    links.push(Link {
                        value: value_id,
                        relation,
                        other: *holder,
                    });
                }
                // Sources list holders in their own order; keeping the
                // lowest attribute makes "the first attribute it meets" the
                // same whichever source answered.
                Entry::Occupied(slot) => {
                    let link = &mut links[*slot.get()];
                    if holder.attribute < link.other.attribute {
                        link.other = *holder;
                    }
                }
            }
        }
    }

    fn finish(self) -> Correlation {
        let values = &self.values;
        let positions = &self.positions;
        let attributes = self.attributes;
        let mut related: Vec<RelatedEvent> = self
            .per_event
            .into_iter()
            .map(|(event, mut links)| {
                links.sort_by(|a, b| {
                    (values.resolve(a.value), a.relation)
                        .cmp(&(values.resolve(b.value), b.relation))
                });
                let mut ids: Vec<u32> = links.iter().map(|l| l.value).collect();
                ids.dedup();
                RelatedEvent {
                    event,
                    shared: ids.len(),
                    values: links
                        .into_iter()
                        .map(|link| SharedValue {
                            value: values.resolve(link.value).to_string(),
                            misp_type: attributes[positions[link.value as usize]].misp_type.clone(),
                            relation: link.relation,
                            other: link.other,
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

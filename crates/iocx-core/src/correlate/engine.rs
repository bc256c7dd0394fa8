//! The correlation engine: given the attributes of one event (or a loose set
//! of values) and a source of postings, find the related events, ranked.
//!
//! The source is abstract ([`PostingSource`]) so the in-memory index and the
//! SQLite store share the rules: exclusions, the over-correlation cap, the
//! relation filter, "never within the same event" and the ranking.

use std::collections::hash_map::Entry;
use std::sync::Arc;

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

    /// Appends to `out` the holders of each key in turn, pushing to `ends`
    /// where each key's holders end. The engine asks for all of a query's
    /// keys at once: the default answers them one by one through
    /// [`PostingSource::holders`], and an in-memory source answers in
    /// passes over the batch, so the cache misses of different keys are in
    /// flight together instead of queuing one behind the other.
    fn holders_batch(
        &mut self,
        keys: &[(KeyRole, &str)],
        out: &mut Vec<Holder>,
        ends: &mut Vec<usize>,
    ) -> Result<(), Self::Error> {
        for &(role, value) in keys {
            self.holders(role, value, out)?;
            ends.push(out.len());
        }
        Ok(())
    }
}

/// A value the queried event shares with a related event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedValue {
    /// The value on the queried side (a part of a composite, normalised).
    /// Shared, like the type, by every event the value relates to: a query
    /// that meets thousands of events builds each string once.
    pub value: Arc<str>,
    /// The MISP type of the attribute it came from.
    pub misp_type: Arc<str>,
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
        values: Interner::with_capacity(attributes.len()),
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
    // First every key of the query (applying exclusions and numbering the
    // values), then one batch of lookups, then the holders considered in
    // query order, so that what is reported first stays first.
    let mut plan = Plan::with_capacity(attributes);
    for (position, attribute) in attributes.iter().enumerate() {
        if attribute.disable_correlation {
            continue;
        }
        for_each_part(&attribute.misp_type, &attribute.value, |part| {
            let types = [part.part_type, attribute.misp_type.as_str()];
            if let Some(reason) = exclusions.check(&part.value, &types) {
                run.exclude(&part.value, position, reason);
                return;
            }
            let value_id = run.value_id(&part.value, position);
            plan.key(options, value_id, KeyRole::Exact, &part.value);
            part.for_each_key(|key| match key {
                KeyRef::Own(role) => plan.key(options, value_id, role, &part.value),
                KeyRef::Other(role, key_value) => {
                    match exclusions.check(&key_value, derived_types(&key_value)) {
                        Some(reason) => run.exclude(&key_value, position, reason),
                        None => plan.key(options, value_id, role, &key_value),
                    }
                }
                KeyRef::Network(net) if options.relations.contains(Relation::Cidr) => {
                    plan.steps.push(Step {
                        value: value_id,
                        relation: Relation::Cidr,
                        lookup: Lookup::Network(net),
                    })
                }
                KeyRef::Network(_) => {}
            });
        });
    }

    let keys: Vec<(KeyRole, &str)> = plan
        .keys
        .iter()
        .map(|&(role, start, end)| (role, &plan.text[start..end]))
        .collect();
    let mut holders = Vec::with_capacity(keys.len());
    let mut ends = Vec::with_capacity(keys.len());
    source.holders_batch(&keys, &mut holders, &mut ends)?;

    let mut net_holders = Vec::new();
    let mut net_found = Vec::new();
    for step in &plan.steps {
        match step.lookup {
            Lookup::Key(k) => {
                let start = if k == 0 { 0 } else { ends[k - 1] };
                run.consider(step.value, step.relation, &holders[start..ends[k]]);
            }
            Lookup::Network(net) => {
                source.network_holders(&net, &mut net_holders)?;
                net_found.clear();
                net_found.extend(
                    net_holders
                        .drain(..)
                        .filter(|(_, v)| exclusions.check(v, &["ip-dst", "ip-src"]).is_none())
                        .map(|(h, _)| h),
                );
                run.consider(step.value, step.relation, &net_found);
            }
        }
    }
    Ok(run.finish())
}

/// The lookups of one query, in the order their answers are considered.
struct Plan {
    steps: Vec<Step>,
    /// String keys as (role looked up, start, end in `text`).
    keys: Vec<(KeyRole, usize, usize)>,
    text: String,
    /// Where the last key's text is in `text`.
    last: (usize, usize),
}

struct Step {
    value: u32,
    relation: Relation,
    lookup: Lookup,
}

enum Lookup {
    /// The holders of `keys[i]`.
    Key(usize),
    /// The networks containing an address, or the addresses in a network.
    Network(IpNet),
}

impl Plan {
    /// A plan sized for `attributes`: a host name has five lookups, other
    /// parts fewer, and growing these arrays cost more than reserving.
    fn with_capacity(attributes: &[AttributeInput]) -> Plan {
        let text: usize = attributes.iter().map(|a| a.value.len()).sum();
        Plan {
            steps: Vec::with_capacity(attributes.len() * 5),
            keys: Vec::with_capacity(attributes.len() * 5),
            text: String::with_capacity(text * 2),
            last: (0, 0),
        }
    }

    /// Plans the lookups of `key_value` in the counterpart roles of `role`
    /// that the options count.
    fn key(&mut self, options: &CorrelationOptions, value: u32, role: KeyRole, key_value: &str) {
        // A part's value comes as its exact key and then in its own other
        // roles: keep its text once.
        let (start, end) = match self.last {
            (start, end) if self.text[start..end] == *key_value => (start, end),
            _ => {
                let start = self.text.len();
                self.text.push_str(key_value);
                self.last = (start, self.text.len());
                self.last
            }
        };
        for &(holder_role, relation) in role.counterparts() {
            if options.relations.contains(relation) {
                self.steps.push(Step {
                    value,
                    relation,
                    lookup: Lookup::Key(self.keys.len()),
                });
                self.keys.push((holder_role, start, end));
            }
        }
    }
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
        if holders.is_empty() {
            return;
        }
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
        let mut texts: Vec<Option<(Arc<str>, Arc<str>)>> = vec![None; positions.len()];
        let mut types: Vec<Arc<str>> = Vec::new();
        let mut shared_value = |id: u32| -> (Arc<str>, Arc<str>) {
            texts[id as usize]
                .get_or_insert_with(|| {
                    let misp_type = &attributes[positions[id as usize]].misp_type;
                    let misp_type = match types.iter().find(|t| ***t == **misp_type) {
                        Some(t) => t.clone(),
                        None => {
                            types.push(misp_type.as_str().into());
                            types[types.len() - 1].clone()
                        }
                    };
                    (values.resolve(id).into(), misp_type)
                })
                .clone()
        };
        let mut related: Vec<RelatedEvent> = self
            .per_event
            .into_iter()
            .map(|(event, mut links)| {
                links.sort_by(|a, b| {
                    (values.resolve(a.value), a.relation)
                        .cmp(&(values.resolve(b.value), b.relation))
                });
                let shared = 1 + links
                    .windows(2)
                    .filter(|w| w[0].value != w[1].value)
                    .count();
                RelatedEvent {
                    event,
                    shared,
                    values: links
                        .into_iter()
                        .map(|link| {
                            let (value, misp_type) = shared_value(link.value);
                            SharedValue {
                                value,
                                misp_type,
                                relation: link.relation,
                                other: link.other,
                            }
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

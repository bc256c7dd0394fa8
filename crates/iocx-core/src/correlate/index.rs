//! The in-memory inverted index: interned values, compact posting lists,
//! and the queries analysts ask of it.

use std::convert::Infallible;

use super::engine::{correlate, Correlation, Holder, PostingSource};
use super::exclusion::Exclusions;
use super::interner::Interner;
use super::keys::{for_each_part, KeyRef, KeyRole};
use super::network::{IpNet, NetworkIndex};
use super::normalise::search_keys;
use super::{AttributeInput, CorrelationOptions, EventInput};
use crate::fasthash::FastMap;

/// An event's position in the index.
pub type EventId = u32;

/// One (event, attribute) occurrence of a key; the attribute is its position
/// in the event.
pub type Posting = (EventId, u32);

#[derive(Debug, Clone)]
struct IndexedAttribute {
    misp_type: u32,
    value: u32,
    disable_correlation: bool,
    to_ids: bool,
}

#[derive(Debug, Clone)]
struct IndexedEvent {
    uuid: Box<str>,
    info: Box<str>,
    disable_correlation: bool,
    attributes: Vec<IndexedAttribute>,
}

/// Posting lists as chains through one array, newest first. Most keys have
/// a single holder, so a `Vec` per key would cost an allocation per key for
/// nothing; a chain costs one array slot per posting. Node 0 is the end.
#[derive(Debug, Clone)]
struct Chains {
    nodes: Vec<(Posting, u32)>,
}

impl Default for Chains {
    fn default() -> Self {
        Chains {
            nodes: vec![((0, 0), 0)],
        }
    }
}

impl Chains {
    /// Prepends `posting` to the chain starting at `*head` unless it is
    /// already its newest element (one attribute can yield a key twice).
    fn push(&mut self, head: &mut u32, posting: Posting) {
        if *head != 0 && self.nodes[*head as usize].0 == posting {
            return;
        }
        self.nodes.push((posting, *head));
        *head = (self.nodes.len() - 1) as u32;
    }

    fn iter(&self, head: u32) -> impl Iterator<Item = Posting> + '_ {
        let mut at = head;
        std::iter::from_fn(move || {
            if at == 0 {
                return None;
            }
            let (posting, next) = self.nodes[at as usize];
            at = next;
            Some(posting)
        })
    }
}

/// The chain heads of one interned string, one per [`KeyRole`] (0: none).
/// Keeping a string's heads together makes each key one indexed access
/// into memory the string's other keys have just touched, where a map per
/// role cost a hash probe per key.
type Heads = [u32; KeyRole::ALL.len()];

/// An in-memory correlation index over a set of events.
#[derive(Debug, Clone, Default)]
pub struct CorrelationIndex {
    events: Vec<IndexedEvent>,
    by_uuid: FastMap<Box<str>, EventId>,
    /// Every string, with the heads of its posting chains.
    strings: Interner<Heads>,
    chains: Chains,
    networks: NetworkIndex<(Posting, u32)>,
    attribute_count: usize,
}

impl CorrelationIndex {
    /// An empty index.
    pub fn new() -> CorrelationIndex {
        CorrelationIndex::default()
    }

    /// Builds an index over `events`, numbered in order.
    pub fn build<'a>(events: impl IntoIterator<Item = &'a EventInput>) -> CorrelationIndex {
        let events: Vec<&EventInput> = events.into_iter().collect();
        let mut index = CorrelationIndex::new();
        // About one string per attribute (values recur, derived keys add).
        let attributes: usize = events.iter().map(|e| e.attributes.len()).sum();
        index.strings.reserve(attributes);
        index.events.reserve(events.len());
        for event in events {
            index.add_event(event);
        }
        index
    }

    /// Adds an event and returns its id. Uuids are expected to be unique;
    /// [`CorrelationIndex::find_uuid`] returns the first event with a uuid.
    pub fn add_event(&mut self, event: &EventInput) -> EventId {
        let id = self.events.len() as EventId;
        let mut attributes = Vec::with_capacity(event.attributes.len());
        // Attributes of one type tend to come in runs; remembering the last
        // type saves a hash lookup per attribute.
        let mut last_type: Option<(&str, u32)> = None;
        let mut values = Vec::with_capacity(event.attributes.len());
        self.strings.intern_batch(
            event.attributes.iter().map(|a| a.value.as_str()),
            &mut values,
        );
        for ((position, attribute), &value) in event.attributes.iter().enumerate().zip(&values) {
            let misp_type = match last_type {
                Some((t, id)) if t == attribute.misp_type => id,
                _ => {
                    let id = self.strings.intern(&attribute.misp_type);
                    last_type = Some((&attribute.misp_type, id));
                    id
                }
            };
            attributes.push(IndexedAttribute {
                misp_type,
                value,
                disable_correlation: attribute.disable_correlation,
                to_ids: attribute.to_ids,
            });
            if !(event.disable_correlation || attribute.disable_correlation) {
                self.index_attribute((id, position as u32), attribute, value);
            }
        }
        self.attribute_count += attributes.len();
        self.by_uuid.entry(event.uuid.as_str().into()).or_insert(id);
        self.events.push(IndexedEvent {
            uuid: event.uuid.as_str().into(),
            info: event.info.as_str().into(),
            disable_correlation: event.disable_correlation,
            attributes,
        });
        id
    }

    /// Indexes the keys of one attribute; `raw_id` is its interned value,
    /// reused when a part's normalised value is the whole raw value.
    fn index_attribute(&mut self, posting: Posting, attribute: &AttributeInput, raw_id: u32) {
        let Self {
            strings,
            chains,
            networks,
            ..
        } = self;
        let mut push = |strings: &mut Interner<Heads>, id: u32, role: KeyRole| {
            chains.push(&mut strings.extra_mut(id)[role.code() as usize], posting);
        };
        for_each_part(&attribute.misp_type, &attribute.value, |part| {
            let value_id = if *part.value == *attribute.value {
                raw_id
            } else {
                strings.intern(&part.value)
            };
            push(strings, value_id, KeyRole::Exact);
            part.for_each_key(|key| match key {
                KeyRef::Own(role) => push(strings, value_id, role),
                KeyRef::Other(role, value) => {
                    let id = strings.intern(&value);
                    push(strings, id, role)
                }
                KeyRef::Network(net) => networks.insert(net, (posting, value_id)),
            });
        });
    }

    /// Number of events.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// Number of attributes over all events.
    pub fn attribute_count(&self) -> usize {
        self.attribute_count
    }

    /// The event with this uuid.
    pub fn find_uuid(&self, uuid: &str) -> Option<EventId> {
        self.by_uuid.get(uuid).copied()
    }

    /// An event's uuid.
    pub fn uuid(&self, event: EventId) -> &str {
        &self.events[event as usize].uuid
    }

    /// An event's `info`.
    pub fn info(&self, event: EventId) -> &str {
        &self.events[event as usize].info
    }

    /// An event's attributes as they were added.
    pub fn attributes(&self, event: EventId) -> Vec<AttributeInput> {
        self.events[event as usize]
            .attributes
            .iter()
            .map(|a| AttributeInput {
                misp_type: self.strings.resolve(a.misp_type).to_string(),
                value: self.strings.resolve(a.value).to_string(),
                disable_correlation: a.disable_correlation,
                to_ids: a.to_ids,
            })
            .collect()
    }

    /// The (type, value) of one posting's attribute.
    pub fn attribute(&self, posting: Posting) -> (&str, &str) {
        let a = &self.events[posting.0 as usize].attributes[posting.1 as usize];
        (
            self.strings.resolve(a.misp_type),
            self.strings.resolve(a.value),
        )
    }

    /// The events related to `event`, ranked.
    pub fn related(
        &self,
        event: EventId,
        options: &CorrelationOptions,
        exclusions: &Exclusions,
    ) -> Correlation {
        let stored = &self.events[event as usize];
        let attributes = self.attributes(event);
        let mut source = IndexSource::new(self);
        let found = correlate(
            &mut source,
            &attributes,
            stored.disable_correlation,
            Some(event as u64),
            options,
            exclusions,
        );
        match found {
            Ok(found) => found,
            Err(never) => match never {},
        }
    }

    /// The events related to a loose set of values (not an indexed event).
    pub fn related_to_values(
        &self,
        attributes: &[AttributeInput],
        options: &CorrelationOptions,
        exclusions: &Exclusions,
    ) -> Correlation {
        let found = correlate(
            &mut IndexSource::new(self),
            attributes,
            false,
            None,
            options,
            exclusions,
        );
        match found {
            Ok(found) => found,
            Err(never) => match never {},
        }
    }

    /// MISP's "Corr" figure: how many other events `event` relates to.
    pub fn corr_count(
        &self,
        event: EventId,
        options: &CorrelationOptions,
        exclusions: &Exclusions,
    ) -> usize {
        self.related(event, options, exclusions).related.len()
    }

    /// The attributes holding `value` exactly (any type, any composite part),
    /// trying the forms returned by [`search_keys`]; in event order.
    pub fn events_with_value(&self, value: &str) -> Vec<Posting> {
        let mut hits = Vec::new();
        for key in search_keys(value) {
            if let Some((_, heads)) = self.strings.get_with_extra(&key) {
                hits.extend(self.chains.iter(heads[KeyRole::Exact.code() as usize]));
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

fn holder((event, attribute): Posting) -> Holder {
    Holder {
        event: event as u64,
        attribute: attribute as u64,
    }
}

/// The index as a [`PostingSource`] for the shared engine.
struct IndexSource<'a> {
    index: &'a CorrelationIndex,
}

impl<'a> IndexSource<'a> {
    fn new(index: &'a CorrelationIndex) -> Self {
        IndexSource { index }
    }
}

impl PostingSource for IndexSource<'_> {
    type Error = Infallible;

    /// One key on its own; the engine asks in batches (below).
    fn holders(
        &mut self,
        role: KeyRole,
        value: &str,
        out: &mut Vec<Holder>,
    ) -> Result<(), Infallible> {
        let index = self.index;
        if let Some((_, heads)) = index.strings.get_with_extra(value) {
            out.extend(index.chains.iter(heads[role.code() as usize]).map(holder));
        }
        Ok(())
    }

    fn holders_batch(
        &mut self,
        keys: &[(KeyRole, &str)],
        out: &mut Vec<Holder>,
        ends: &mut Vec<usize>,
    ) -> Result<(), Infallible> {
        let index = self.index;
        // A part's value comes in several roles in a row: look each run of
        // one string up once.
        let mut strings: Vec<&str> = Vec::with_capacity(keys.len());
        let mut which: Vec<u32> = Vec::with_capacity(keys.len());
        for &(_, key) in keys {
            if strings.last() != Some(&key) {
                strings.push(key);
            }
            which.push(strings.len() as u32 - 1);
        }
        let mut ids = Vec::with_capacity(strings.len());
        index.strings.get_batch(&strings, &mut ids);
        let heads: Vec<u32> = keys
            .iter()
            .zip(&which)
            .map(|(&(role, _), &at)| {
                ids[at as usize].map_or(0, |id| index.strings.extra(id)[role.code() as usize])
            })
            .collect();
        // Like the interner's passes: load each chain's first node for all
        // keys before walking any chain.
        let firsts: Vec<(Posting, u32)> = heads
            .iter()
            .map(|&head| index.chains.nodes[head as usize])
            .collect();
        for (&head, &(posting, next)) in heads.iter().zip(&firsts) {
            if head != 0 {
                out.push(holder(posting));
                out.extend(index.chains.iter(next).map(holder));
            }
            ends.push(out.len());
        }
        Ok(())
    }

    fn network_holders(
        &mut self,
        net: &IpNet,
        out: &mut Vec<(Holder, String)>,
    ) -> Result<(), Infallible> {
        let index = self.index;
        let mut push = |&((e, a), value): &(Posting, u32)| {
            out.push((
                Holder {
                    event: e as u64,
                    attribute: a as u64,
                },
                index.strings.resolve(value).to_string(),
            ))
        };
        if net.is_single() {
            index.networks.for_each_containing(net, &mut push);
        } else {
            index.networks.for_each_address_inside(net, &mut push);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_answers_as_single_lookups_do() {
        let events: Vec<EventInput> = (0..50)
            .map(|e| EventInput {
                uuid: format!("e{e}"),
                info: format!("event {e}"),
                disable_correlation: false,
                attributes: (0..40)
                    .map(|a| {
                        let n = (e * 7 + a) % 90;
                        match a % 3 {
                            0 => AttributeInput::new("domain", &format!("d{n}.example.com")),
                            1 => AttributeInput::new("url", &format!("http://d{n}.example.com/x")),
                            _ => AttributeInput::new("hostname", &format!("www.d{n}.example.com")),
                        }
                    })
                    .collect(),
            })
            .collect();
        let index = CorrelationIndex::build(&events);
        let names: Vec<String> = (0..120).map(|n| format!("d{n}.example.com")).collect();
        let keys: Vec<(KeyRole, &str)> = names
            .iter()
            .flat_map(|n| KeyRole::ALL.iter().map(move |&role| (role, n.as_str())))
            .collect();
        let mut source = IndexSource::new(&index);
        let (mut out, mut ends) = (Vec::new(), Vec::new());
        source.holders_batch(&keys, &mut out, &mut ends).unwrap();
        let mut start = 0;
        let mut hits = 0;
        for (&(role, value), &end) in keys.iter().zip(&ends) {
            let mut single = Vec::new();
            source.holders(role, value, &mut single).unwrap();
            assert_eq!(out[start..end], single[..], "{role:?} {value}");
            hits += single.len();
            start = end;
        }
        assert!(hits > 0 && names.len() * KeyRole::ALL.len() == ends.len());
    }
}

//! The in-memory inverted index: interned values, compact posting lists,
//! and the queries analysts ask of it.

use std::collections::HashMap;
use std::convert::Infallible;

use super::engine::{correlate, Correlation, Holder, PostingSource};
use super::exclusion::Exclusions;
use super::keys::{attribute_parts, search_keys, CorrelationKey, KeyRole};
use super::network::{IpNet, NetworkIndex};
use super::{AttributeInput, CorrelationOptions, EventInput};

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

/// Strings (values, types, derived keys) stored once, by number.
#[derive(Debug, Clone, Default)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        let boxed: Box<str> = s.into();
        self.strings.push(boxed.clone());
        self.ids.insert(boxed, id);
        id
    }

    fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    fn resolve(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
}

/// An in-memory correlation index over a set of events.
#[derive(Debug, Clone, Default)]
pub struct CorrelationIndex {
    events: Vec<IndexedEvent>,
    by_uuid: HashMap<Box<str>, EventId>,
    strings: Interner,
    /// Exact-value postings, indexed by interned value id.
    exact: Vec<Vec<Posting>>,
    /// Postings of the derived roles.
    derived: HashMap<(KeyRole, u32), Vec<Posting>>,
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
        let mut index = CorrelationIndex::new();
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
        for (position, attribute) in event.attributes.iter().enumerate() {
            attributes.push(IndexedAttribute {
                misp_type: self.strings.intern(&attribute.misp_type),
                value: self.strings.intern(&attribute.value),
                disable_correlation: attribute.disable_correlation,
                to_ids: attribute.to_ids,
            });
            if !(event.disable_correlation || attribute.disable_correlation) {
                self.index_attribute((id, position as u32), attribute);
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

    fn index_attribute(&mut self, posting: Posting, attribute: &AttributeInput) {
        for part in attribute_parts(&attribute.misp_type, &attribute.value) {
            for key in part.keys {
                match key {
                    CorrelationKey::Value(KeyRole::Exact, value) => {
                        let id = self.strings.intern(&value) as usize;
                        if self.exact.len() <= id {
                            self.exact.resize_with(id + 1, Vec::new);
                        }
                        let list = &mut self.exact[id];
                        if list.last() != Some(&posting) {
                            list.push(posting);
                        }
                    }
                    CorrelationKey::Value(role, value) => {
                        let id = self.strings.intern(&value);
                        let list = self.derived.entry((role, id)).or_default();
                        if list.last() != Some(&posting) {
                            list.push(posting);
                        }
                    }
                    CorrelationKey::Network(net) => {
                        let id = self.strings.intern(&part.value);
                        self.networks.insert(net, (posting, id));
                    }
                }
            }
        }
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
        let mut source = IndexSource(self);
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
            &mut IndexSource(self),
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
            if let Some(list) = self
                .strings
                .get(&key)
                .and_then(|id| self.exact.get(id as usize))
            {
                hits.extend_from_slice(list);
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

/// The index as a [`PostingSource`] for the shared engine.
struct IndexSource<'a>(&'a CorrelationIndex);

impl PostingSource for IndexSource<'_> {
    type Error = Infallible;

    fn holders(
        &mut self,
        role: KeyRole,
        value: &str,
        out: &mut Vec<Holder>,
    ) -> Result<(), Infallible> {
        let index = self.0;
        let Some(id) = index.strings.get(value) else {
            return Ok(());
        };
        let list = if role == KeyRole::Exact {
            index.exact.get(id as usize)
        } else {
            index.derived.get(&(role, id))
        };
        if let Some(list) = list {
            out.extend(list.iter().map(|&(e, a)| Holder {
                event: e as u64,
                attribute: a as u64,
            }));
        }
        Ok(())
    }

    fn network_holders(
        &mut self,
        net: &IpNet,
        out: &mut Vec<(Holder, String)>,
    ) -> Result<(), Infallible> {
        let index = self.0;
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

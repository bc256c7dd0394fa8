//! Correlation of indicators across events: which events share values.
//!
//! MISP stores one row per correlating *pair* of attributes, which grows
//! quadratically. iocx keeps an inverted index instead: every value is
//! interned once and maps to a sorted posting list of (event, attribute).
//! Correlating an event is one lookup per key of each of its attributes.
//!
//! The rules (see [`attribute_parts`] for the per-attribute side):
//! - exact match of the normalised value across types (`domain` = `hostname`
//!   = a `filename|md5`'s md5 part); composites correlate on each part, the
//!   primary-only composites (`ip-dst|port`, …) on their first part;
//! - non-correlating types never correlate; attribute- and event-level
//!   `disable_correlation` are honoured; an event never correlates with itself;
//! - an IP address correlates with each CIDR network containing it and back
//!   ([`Relation::Cidr`]); a URL's host with a domain/host name/IP
//!   ([`Relation::UrlHost`]); a host name with its registrable domain
//!   ([`Relation::RegistrableDomain`]); an e-mail's domain with a domain
//!   ([`Relation::EmailDomain`]);
//! - a value held by more than the cap of other events is reported once as
//!   over-correlating, not as pairs; excluded and warninglisted values are
//!   reported with the rule or list that matched.
//!
//! The same engine ([`correlate`]) runs over the in-memory
//! [`CorrelationIndex`] and over any other [`PostingSource`], such as the
//! SQLite store, so both give the same answers.

mod engine;
mod exclusion;
mod graph;
mod index;
mod interner;
mod keys;
mod network;
mod normalise;

use std::fmt;
use std::str::FromStr;

pub use engine::{
    correlate, correlate_skipping, Correlation, ExcludedValue, Holder, OverCorrelation,
    PostingSource, RelatedEvent, SharedValue,
};
pub use exclusion::{
    ExclusionError, ExclusionReason, ExclusionRule, Exclusions, Warninglist, WarninglistKind,
};
pub use graph::{CorrelationGraph, GraphEdge};
pub use index::{CorrelationIndex, EventId, Posting};
pub use keys::{
    attribute_parts, is_non_correlating, AttributePart, CorrelationKey, KeyRole,
    NON_CORRELATING_TYPES, PRIMARY_ONLY_COMPOSITES,
};
pub use network::{IpNet, NetworkIndex};
pub use normalise::{normalise_value, search_keys, url_host};

/// How two events are related through a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relation {
    /// The same normalised value.
    Exact,
    /// An IP address inside a CIDR network.
    Cidr,
    /// A URL's host equals a domain, host name or IP address.
    UrlHost,
    /// A host name's registrable domain (eTLD+1) equals a domain.
    RegistrableDomain,
    /// An e-mail address's domain equals a domain.
    EmailDomain,
}

impl Relation {
    /// Every relation.
    pub const ALL: [Relation; 5] = [
        Relation::Exact,
        Relation::Cidr,
        Relation::UrlHost,
        Relation::RegistrableDomain,
        Relation::EmailDomain,
    ];

    /// The stable name used in output and in `--relations`.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Exact => "exact",
            Relation::Cidr => "cidr",
            Relation::UrlHost => "url-host",
            Relation::RegistrableDomain => "registrable-domain",
            Relation::EmailDomain => "email-domain",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown relation name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown relation `{0}` (expected one of: exact, cidr, url-host, registrable-domain, email-domain)")]
pub struct UnknownRelation(pub String);

impl FromStr for Relation {
    type Err = UnknownRelation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        Relation::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .ok_or_else(|| UnknownRelation(s.to_string()))
    }
}

/// A set of relations; [`RelationSet::all`] by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelationSet(u8);

impl RelationSet {
    /// Every relation.
    pub fn all() -> RelationSet {
        RelationSet::of(&Relation::ALL)
    }

    /// Just these relations.
    pub fn of(relations: &[Relation]) -> RelationSet {
        RelationSet(relations.iter().fold(0, |bits, r| bits | 1 << *r as u8))
    }

    /// True when `relation` is in the set.
    pub fn contains(self, relation: Relation) -> bool {
        self.0 & 1 << relation as u8 != 0
    }
}

impl Default for RelationSet {
    fn default() -> Self {
        RelationSet::all()
    }
}

impl FromStr for RelationSet {
    type Err = UnknownRelation;

    /// Parses a comma-separated list such as `exact,cidr`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let relations = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Relation::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        if relations.is_empty() {
            return Err(UnknownRelation(s.to_string()));
        }
        Ok(RelationSet::of(&relations))
    }
}

/// One attribute as the index sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeInput {
    /// The MISP type (`ip-dst`, `filename|sha256`, …).
    pub misp_type: String,
    /// The value as stored in the event (normalised again by the index).
    pub value: String,
    /// MISP's attribute-level `disable_correlation`.
    pub disable_correlation: bool,
    /// MISP's `to_ids` flag (kept for output; it does not change correlation).
    pub to_ids: bool,
}

impl AttributeInput {
    /// A correlating attribute with `to_ids` set.
    pub fn new(misp_type: &str, value: &str) -> AttributeInput {
        AttributeInput {
            misp_type: misp_type.to_string(),
            value: value.to_string(),
            disable_correlation: false,
            to_ids: true,
        }
    }
}

/// One event as the index sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventInput {
    /// The event's uuid (its identity in the index).
    pub uuid: String,
    /// The event's `info` title.
    pub info: String,
    /// MISP's event-level `disable_correlation`.
    pub disable_correlation: bool,
    /// The attributes, top-level and inside objects alike.
    pub attributes: Vec<AttributeInput>,
}

/// The knobs of a correlation query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CorrelationOptions {
    /// Which relations count.
    pub relations: RelationSet,
    /// A value held by more than this many other events over-correlates.
    pub cap: usize,
}

impl CorrelationOptions {
    /// MISP's default cap of 20 other events.
    pub const DEFAULT_CAP: usize = 20;
}

impl Default for CorrelationOptions {
    fn default() -> Self {
        CorrelationOptions {
            relations: RelationSet::all(),
            cap: CorrelationOptions::DEFAULT_CAP,
        }
    }
}

#[cfg(test)]
mod tests;

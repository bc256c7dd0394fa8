//! The parts of a MISP event that correlation needs.
//!
//! Only what iocx uses is kept; everything else in MISP's JSON (sharing
//! groups, sightings, shadow attributes, object references, …) is read past.

use crate::types;

/// One MISP event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// The event uuid, when the file has one.
    pub uuid: Option<String>,
    /// The numeric id on the MISP instance it came from (feeds have none).
    pub id: Option<String>,
    /// The event title.
    pub info: String,
    /// The event date, `YYYY-MM-DD` as written.
    pub date: Option<String>,
    /// Last change, seconds since the Unix epoch.
    pub timestamp: Option<u64>,
    /// Whether the event was published.
    pub published: bool,
    /// The name of the organisation that created it.
    pub orgc: Option<String>,
    /// Tag names: the event's tags, then galaxy cluster tags not already listed.
    pub tags: Vec<String>,
    /// When true, no attribute of this event correlates.
    pub disable_correlation: bool,
    /// The live attributes, top-level ones first, then those of each object in
    /// order. Deleted and invalid attributes are not here.
    pub attributes: Vec<Attribute>,
    /// The event's objects (name and uuid); attributes point into this list.
    pub objects: Vec<MispObject>,
}

/// A MISP object: a named group of attributes (`file`, `url`, `ip-port` …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MispObject {
    /// The object template name.
    pub name: String,
    /// The object uuid, when present.
    pub uuid: Option<String>,
    /// Whether the object itself was deleted (its attributes then count as deleted).
    pub deleted: bool,
}

/// One attribute, at the top level of an event or inside an object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute uuid, when present.
    pub uuid: Option<String>,
    /// The MISP type string (`ip-dst`, `filename|sha256`, …).
    pub misp_type: String,
    /// The MISP category (`Network activity`, …), when present.
    pub category: Option<String>,
    /// The value, normalised as MISP compares values (see [`normalize_value`](crate::normalize_value)).
    pub value: String,
    /// Whether the attribute is meant for detection.
    pub to_ids: bool,
    /// Free-text comment (empty when none).
    pub comment: String,
    /// Last change, seconds since the Unix epoch.
    pub timestamp: Option<u64>,
    /// When true, this attribute does not correlate.
    pub disable_correlation: bool,
    /// Whether it was deleted (readers skip deleted attributes, so normally false).
    pub deleted: bool,
    /// Where it sits when it belongs to an object.
    pub object: Option<ObjectMembership>,
    /// The attribute's own tag names (galaxy cluster tags included).
    pub tags: Vec<String>,
}

/// The object an attribute belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectMembership {
    /// Index into [`Event::objects`].
    pub index: usize,
    /// The object's template name (`file`, `domain-ip` …).
    pub name: String,
    /// The attribute's role in the object (`sha256`, `ip`, …), when given.
    pub relation: Option<String>,
}

impl Attribute {
    /// True for composite types (`domain|ip`, `filename|md5`, …).
    pub fn is_composite(&self) -> bool {
        types::is_composite(&self.misp_type)
    }

    /// The two parts of a composite value (`evil.com|1.2.3.4` → (`evil.com`,
    /// `1.2.3.4`)). Readers only keep composite attributes whose value has
    /// exactly one `|`, so for them this is always `Some`.
    pub fn split(&self) -> Option<(&str, &str)> {
        if !self.is_composite() {
            return None;
        }
        split_composite(&self.value)
    }

    /// The first value: the whole value for a simple type, the part before `|`
    /// for a composite.
    pub fn value1(&self) -> &str {
        self.split().map_or(self.value.as_str(), |(a, _)| a)
    }

    /// The second part of a composite value; `None` for simple types.
    pub fn value2(&self) -> Option<&str> {
        self.split().map(|(_, b)| b)
    }

    /// The name of the object the attribute is in, if any.
    pub fn object_name(&self) -> Option<&str> {
        self.object.as_ref().map(|o| o.name.as_str())
    }

    /// The attribute's relation inside its object, if any.
    pub fn object_relation(&self) -> Option<&str> {
        self.object.as_ref().and_then(|o| o.relation.as_deref())
    }
}

/// Splits a composite value at its only `|`; `None` when it has zero or several.
pub fn split_composite(value: &str) -> Option<(&str, &str)> {
    let (a, b) = value.split_once('|')?;
    if b.contains('|') {
        return None;
    }
    Some((a, b))
}

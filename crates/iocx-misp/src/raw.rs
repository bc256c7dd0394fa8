//! The lenient intermediate form MISP JSON is read into before it becomes
//! the [`crate::Event`] model.
//!
//! Every field is optional and loosely typed (see [`crate::loose`]); unknown
//! fields are skipped without being stored. Attributes are decoded one at a
//! time from a small JSON value, so a malformed attribute costs only itself
//! (it becomes an `Err` with serde's message) and never the whole file.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::loose;

/// An event as read, before validation.
#[derive(Debug, Default)]
pub(crate) struct RawEvent {
    pub id: Option<String>,
    pub uuid: Option<String>,
    pub info: Option<String>,
    pub date: Option<String>,
    pub timestamp: Option<u64>,
    pub published: bool,
    pub disable_correlation: bool,
    pub orgc: Option<String>,
    pub tags: Vec<RawTag>,
    pub event_tags: Vec<RawTagLink>,
    pub galaxies: Vec<RawGalaxy>,
    pub attributes: Vec<Result<RawAttribute, String>>,
    pub objects: Vec<RawObject>,
}

impl RawEvent {
    /// Reads the value of one event field named `key` from `map`. Shared by
    /// the event visitor and by the document visitor, which only learns that
    /// an object is a bare event while reading its keys.
    pub fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match key {
            "id" => self.id = map.next_value::<LooseString>()?.0,
            "uuid" => self.uuid = map.next_value::<LooseString>()?.0,
            "info" => self.info = map.next_value::<LooseString>()?.0,
            "date" => self.date = map.next_value::<LooseString>()?.0,
            "timestamp" => {
                self.timestamp = map
                    .next_value::<LooseString>()?
                    .0
                    .and_then(|t| t.trim().parse().ok())
            }
            "published" => self.published = map.next_value::<LooseFlag>()?.0,
            "disable_correlation" => self.disable_correlation = map.next_value::<LooseFlag>()?.0,
            "Orgc" => self.orgc = map.next_value::<RawOrg>()?.name,
            "Tag" => self.tags = map.next_value::<Nullable<RawTag>>()?.0,
            "EventTag" => self.event_tags = map.next_value::<Nullable<RawTagLink>>()?.0,
            "Galaxy" => self.galaxies = map.next_value::<Nullable<RawGalaxy>>()?.0,
            "Attribute" => self.attributes = map.next_value::<AttributeList>()?.0,
            "Object" => self.objects = map.next_value::<Nullable<RawObject>>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for RawEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EventVisitor;
        impl<'de> Visitor<'de> for EventVisitor {
            type Value = RawEvent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a MISP event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEvent, A::Error> {
                let mut event = RawEvent::default();
                while let Some(key) = map.next_key::<String>()? {
                    event.read_field(&key, &mut map)?;
                }
                Ok(event)
            }
        }
        d.deserialize_map(EventVisitor)
    }
}

/// An attribute as read, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawAttribute {
    #[serde(deserialize_with = "loose::string")]
    pub uuid: Option<String>,
    #[serde(rename = "type", deserialize_with = "loose::string")]
    pub misp_type: Option<String>,
    #[serde(deserialize_with = "loose::string")]
    pub category: Option<String>,
    #[serde(deserialize_with = "loose::string")]
    pub value: Option<String>,
    #[serde(deserialize_with = "loose::flag")]
    pub to_ids: bool,
    #[serde(deserialize_with = "loose::string")]
    pub comment: Option<String>,
    #[serde(deserialize_with = "loose::unsigned")]
    pub timestamp: Option<u64>,
    #[serde(deserialize_with = "loose::flag")]
    pub disable_correlation: bool,
    #[serde(deserialize_with = "loose::flag")]
    pub deleted: bool,
    #[serde(deserialize_with = "loose::string")]
    pub object_relation: Option<String>,
    #[serde(rename = "Tag", deserialize_with = "loose::list")]
    pub tags: Vec<RawTag>,
    #[serde(rename = "AttributeTag", deserialize_with = "loose::list")]
    pub attribute_tags: Vec<RawTagLink>,
    #[serde(rename = "Galaxy", deserialize_with = "loose::list")]
    pub galaxies: Vec<RawGalaxy>,
}

/// An object as read: its attributes are decoded one by one like the event's.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawObject {
    #[serde(deserialize_with = "loose::string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "loose::string")]
    pub uuid: Option<String>,
    #[serde(deserialize_with = "loose::flag")]
    pub deleted: bool,
    #[serde(rename = "Attribute")]
    pub attributes: AttributeList,
}

/// `{"name": ...}` inside `Tag` lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawTag {
    #[serde(deserialize_with = "loose::string")]
    pub name: Option<String>,
}

/// `{"Tag": {"name": ...}}` inside `EventTag` / `AttributeTag` lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawTagLink {
    #[serde(rename = "Tag")]
    pub tag: RawTag,
}

/// A galaxy with its clusters; only the clusters' tag names are kept.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawGalaxy {
    #[serde(rename = "GalaxyCluster", deserialize_with = "loose::list")]
    pub clusters: Vec<RawCluster>,
}

/// A galaxy cluster.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawCluster {
    #[serde(deserialize_with = "loose::string")]
    pub tag_name: Option<String>,
    #[serde(rename = "type", deserialize_with = "loose::string")]
    pub cluster_type: Option<String>,
    #[serde(deserialize_with = "loose::string")]
    pub value: Option<String>,
}

impl RawCluster {
    /// The tag MISP attaches for this cluster: `tag_name`, or the
    /// `misp-galaxy:<type>="<value>"` form it is built from.
    pub fn tag(&self) -> Option<String> {
        match (&self.tag_name, &self.cluster_type, &self.value) {
            (Some(tag), _, _) if !tag.is_empty() => Some(tag.clone()),
            (_, Some(t), Some(v)) => Some(format!("misp-galaxy:{t}=\"{v}\"")),
            _ => None,
        }
    }
}

/// `Orgc`: an object whose `name` is kept; any other shape counts as absent.
#[derive(Debug, Default)]
pub(crate) struct RawOrg {
    pub name: Option<String>,
}

impl<'de> Deserialize<'de> for RawOrg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let name = value
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_string);
        Ok(RawOrg { name })
    }
}

/// A list of attributes, each decoded on its own.
#[derive(Debug, Default)]
pub(crate) struct AttributeList(pub Vec<Result<RawAttribute, String>>);

impl<'de> Deserialize<'de> for AttributeList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = AttributeList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of MISP attributes")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<AttributeList, E> {
                Ok(AttributeList::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttributeList, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(value) = seq.next_element::<serde_json::Value>()? {
                    out.push(RawAttribute::deserialize(value).map_err(|e| e.to_string()));
                }
                Ok(AttributeList(out))
            }
        }
        d.deserialize_any(ListVisitor)
    }
}

/// A list that may be `null`.
struct Nullable<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        loose::list(d).map(Nullable)
    }
}

struct LooseString(Option<String>);

impl<'de> Deserialize<'de> for LooseString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        loose::string(d).map(LooseString)
    }
}

struct LooseFlag(bool);

impl<'de> Deserialize<'de> for LooseFlag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        loose::flag(d).map(LooseFlag)
    }
}

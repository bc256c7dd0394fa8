//! Reading MISP event JSON from any `Read`, streaming.
//!
//! The document is decoded in one pass straight from the reader (nothing is
//! buffered as a whole string), then each event is validated: deleted
//! attributes are skipped and counted, bad attributes are skipped with a
//! [`Warning`] and counted as invalid, and values are normalised.

use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::AddAssign;
use std::path::{Path, PathBuf};

use serde::de::DeserializeSeed;

use crate::document::{DocumentSeed, LocatedEvent};
use crate::error::{MispError, Warning};
use crate::model::{split_composite, Attribute, Event, MispObject, ObjectMembership};
use crate::normalize::normalize_value;
use crate::raw::{RawAttribute, RawEvent, RawGalaxy, RawTag, RawTagLink};
use crate::types::{is_composite, is_known_type};

/// How much a file or feed held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Events.
    pub events: usize,
    /// Every `Attribute` entry, top-level and inside objects, deleted and
    /// invalid ones included (shadow attributes are not attributes).
    pub attributes: usize,
    /// `Object` entries.
    pub objects: usize,
    /// Deleted attributes (own flag, or inside a deleted object), skipped.
    pub deleted: usize,
    /// Attributes skipped as invalid, each with a warning.
    pub invalid: usize,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.events += other.events;
        self.attributes += other.attributes;
        self.objects += other.objects;
        self.deleted += other.deleted;
        self.invalid += other.invalid;
    }
}

/// The events of one MISP JSON document.
#[derive(Clone, Debug, Default)]
pub struct EventFile {
    /// The events, in document order.
    pub events: Vec<Event>,
    /// What was read, skipped and rejected.
    pub counts: Counts,
    /// One per skipped invalid attribute.
    pub warnings: Vec<Warning>,
}

/// Reads every event of a MISP JSON document from `reader`; `path` names the
/// source in errors and warnings. Wrap unbuffered readers in a `BufReader`.
pub fn read_events<R: Read>(reader: R, path: &Path) -> Result<EventFile, MispError> {
    let mut located = Vec::new();
    let mut json = serde_json::Deserializer::from_reader(reader);
    let mut track = serde_path_to_error::Track::new();
    let seed = DocumentSeed {
        path: String::new(),
        out: &mut located,
    };
    let tracked = serde_path_to_error::Deserializer::new(&mut json, &mut track);
    if let Err(e) = seed.deserialize(tracked) {
        return Err(MispError::json(path, json_path_of(track), e));
    }
    json.end()
        .map_err(|e| MispError::json(path, String::new(), e))?;
    let mut file = EventFile::default();
    for event in located {
        convert_event(event, path, &mut file);
    }
    Ok(file)
}

/// Reads a MISP JSON file from disk.
pub fn read_event_file(path: &Path) -> Result<EventFile, MispError> {
    let file = File::open(path).map_err(|e| MispError::io(path, e))?;
    read_events(BufReader::with_capacity(1 << 16, file), path)
}

fn json_path_of(track: serde_path_to_error::Track) -> String {
    let path = track.path().to_string();
    // The tracker prints `.` for "no path"; an empty path reads better.
    if path == "." {
        String::new()
    } else {
        path
    }
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn convert_event(located: LocatedEvent, path: &Path, file: &mut EventFile) {
    let LocatedEvent { json_path, raw } = located;
    let RawEvent {
        id,
        uuid,
        info,
        date,
        timestamp,
        published,
        disable_correlation,
        orgc,
        tags,
        event_tags,
        galaxies,
        attributes,
        objects,
    } = raw;
    let mut event = Event {
        uuid: uuid.filter(|u| !u.is_empty()),
        id: id.filter(|i| !i.is_empty()),
        info: info.unwrap_or_default(),
        date: date.filter(|d| !d.is_empty()),
        timestamp,
        published,
        orgc,
        tags: tag_names(&tags, &event_tags, &galaxies),
        disable_correlation,
        attributes: Vec::new(),
        objects: Vec::new(),
    };
    let mut converter = Converter {
        path,
        counts: Counts {
            events: 1,
            objects: objects.len(),
            ..Counts::default()
        },
        warnings: &mut file.warnings,
    };
    let attribute_path = child_path(&json_path, "Attribute");
    for (index, entry) in attributes.into_iter().enumerate() {
        let at = format!("{attribute_path}[{index}]");
        if let Some(attribute) = converter.attribute(entry, &at, None, false) {
            event.attributes.push(attribute);
        }
    }
    let object_path = child_path(&json_path, "Object");
    for (object_index, object) in objects.into_iter().enumerate() {
        let name = object.name.unwrap_or_default();
        event.objects.push(MispObject {
            name: name.clone(),
            uuid: object.uuid,
            deleted: object.deleted,
        });
        for (index, entry) in object.attributes.0.into_iter().enumerate() {
            let at = format!("{object_path}[{object_index}].Attribute[{index}]");
            let membership = ObjectMembership {
                index: object_index,
                name: name.clone(),
                relation: None,
            };
            if let Some(attribute) =
                converter.attribute(entry, &at, Some(membership), object.deleted)
            {
                event.attributes.push(attribute);
            }
        }
    }
    file.counts += converter.counts;
    file.events.push(event);
}

struct Converter<'a> {
    path: &'a Path,
    counts: Counts,
    warnings: &'a mut Vec<Warning>,
}

impl Converter<'_> {
    /// Validates one attribute entry; `None` when it is deleted or invalid.
    fn attribute(
        &mut self,
        entry: Result<RawAttribute, String>,
        at: &str,
        object: Option<ObjectMembership>,
        object_deleted: bool,
    ) -> Option<Attribute> {
        self.counts.attributes += 1;
        let raw = match entry {
            Ok(raw) => raw,
            Err(message) => return self.invalid(at, format!("unreadable attribute: {message}")),
        };
        if raw.deleted || object_deleted {
            self.counts.deleted += 1;
            return None;
        }
        let misp_type = match raw.misp_type {
            Some(t) if !t.trim().is_empty() => t.trim().to_string(),
            _ => return self.invalid(at, "attribute has no type".to_string()),
        };
        let value = match raw.value {
            Some(v) if !v.trim().is_empty() => v,
            Some(_) => {
                return self.invalid(at, format!("{misp_type} attribute has an empty value"))
            }
            None => return self.invalid(at, format!("{misp_type} attribute has no value")),
        };
        if !is_known_type(&misp_type) {
            return self.invalid(at, format!("unknown MISP attribute type `{misp_type}`"));
        }
        if is_composite(&misp_type) && split_composite(&value).is_none() {
            let bars = value.matches('|').count();
            return self.invalid(
                at,
                format!("composite type {misp_type} needs exactly one `|` in its value, found {bars}: {value:?}"),
            );
        }
        let object = object.map(|o| ObjectMembership {
            relation: raw.object_relation.filter(|r| !r.is_empty()),
            ..o
        });
        Some(Attribute {
            uuid: raw.uuid.filter(|u| !u.is_empty()),
            value: normalize_value(&misp_type, &value),
            misp_type,
            category: raw.category.filter(|c| !c.is_empty()),
            to_ids: raw.to_ids,
            comment: raw.comment.unwrap_or_default(),
            timestamp: raw.timestamp,
            disable_correlation: raw.disable_correlation,
            deleted: false,
            object,
            tags: tag_names(&raw.tags, &raw.attribute_tags, &raw.galaxies),
        })
    }

    fn invalid(&mut self, at: &str, message: String) -> Option<Attribute> {
        self.counts.invalid += 1;
        self.warnings.push(Warning {
            path: PathBuf::from(self.path),
            json_path: at.to_string(),
            message,
        });
        None
    }
}

/// Tag names from `Tag`, `EventTag`/`AttributeTag` and galaxy clusters, in
/// that order, each once.
fn tag_names(tags: &[RawTag], links: &[RawTagLink], galaxies: &[RawGalaxy]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let direct = tags.iter().chain(links.iter().map(|l| &l.tag));
    let clusters = galaxies
        .iter()
        .flat_map(|g| g.clusters.iter())
        .filter_map(|c| c.tag());
    for name in direct.filter_map(|t| t.name.clone()).chain(clusters) {
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

//! Finding the events in a MISP JSON document, whatever wrapper it uses.
//!
//! MISP, PyMISP and feeds write `{"Event": {...}}`, `{"response": [...]}`
//! whose items are wrapped or bare events, a bare event object, or a JSON
//! array of any of these. The visitor here walks that shape while streaming,
//! recording where each event sits (`response[0].Event`) for messages.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::raw::RawEvent;

/// An event with the JSON path of its object in the document.
pub(crate) struct LocatedEvent {
    /// `Event`, `response[2].Event`, `[0]` …; empty for a bare top-level event.
    pub json_path: String,
    pub raw: RawEvent,
}

/// Reads a document (or a part of one at `path`), appending its events to `out`.
pub(crate) struct DocumentSeed<'a> {
    pub path: String,
    pub out: &'a mut Vec<LocatedEvent>,
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MISP event, an {\"Event\": ...} or {\"response\": [...]} wrapper, or an array of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let seed = DocumentSeed {
                path: format!("{}[{index}]", self.path),
                out: &mut *self.out,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut bare = RawEvent::default();
        let mut wrapped = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "Event" => {
                    wrapped = true;
                    let raw = map.next_value::<RawEvent>()?;
                    self.out.push(LocatedEvent {
                        json_path: child(&self.path, "Event"),
                        raw,
                    });
                }
                "response" => {
                    wrapped = true;
                    map.next_value_seed(DocumentSeed {
                        path: child(&self.path, "response"),
                        out: &mut *self.out,
                    })?;
                }
                _ => bare.read_field(&key, &mut map)?,
            }
        }
        if !wrapped {
            self.out.push(LocatedEvent {
                json_path: self.path,
                raw: bare,
            });
        }
        Ok(())
    }
}

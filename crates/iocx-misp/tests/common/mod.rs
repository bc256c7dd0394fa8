//! Shared by the integration tests: fixture paths and an independent count of
//! events and attributes by a plain `serde_json::Value` walk.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// `tests/fixtures/misp/<name>` at the repository root.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/misp")
        .join(name)
}

/// Counts found by walking the JSON tree without the crate's reader.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WalkCounts {
    pub events: usize,
    pub attributes: usize,
    pub objects: usize,
}

/// Walks a document as MISP defines its wrappers, counting events, every
/// `Attribute` entry (top level and in objects) and `Object` entries.
pub fn walk(document: &Value) -> WalkCounts {
    let mut counts = WalkCounts::default();
    walk_into(document, &mut counts);
    counts
}

fn walk_into(value: &Value, counts: &mut WalkCounts) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| walk_into(v, counts)),
        Value::Object(map) => {
            if map.contains_key("Event") || map.contains_key("response") {
                if let Some(event) = map.get("Event") {
                    count_event(event, counts);
                }
                if let Some(response) = map.get("response") {
                    walk_into(response, counts);
                }
            } else {
                count_event(value, counts);
            }
        }
        _ => {}
    }
}

fn count_event(event: &Value, counts: &mut WalkCounts) {
    counts.events += 1;
    let list_len = |v: Option<&Value>| v.and_then(Value::as_array).map_or(0, Vec::len);
    counts.attributes += list_len(event.get("Attribute"));
    if let Some(objects) = event.get("Object").and_then(Value::as_array) {
        counts.objects += objects.len();
        for object in objects {
            counts.attributes += list_len(object.get("Attribute"));
        }
    }
}

/// Reads and walks a JSON file.
pub fn walk_file(path: &std::path::Path) -> WalkCounts {
    let text = std::fs::read_to_string(path).unwrap();
    walk(&serde_json::from_str(&text).unwrap())
}

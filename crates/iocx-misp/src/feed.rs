//! MISP feed directories: reading and writing `manifest.json`, one
//! `<uuid>.json` per event, and `hashes.csv`.
//!
//! The manifest is the index: every event it names must have its file, and a
//! missing one is reported in [`Feed::errors`] rather than skipped. Other
//! files' failures are reported the same way, so one bad event file does not
//! hide the rest of the feed.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{MispError, Warning};
use crate::loose;
use crate::model::Event;
use crate::raw::{RawOrg, RawTag};
use crate::read::{read_event_file, Counts};
use crate::write::event_json;

/// One event as the manifest describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The event uuid (the manifest key).
    pub uuid: String,
    /// The event title.
    pub info: String,
    /// The event date.
    pub date: Option<String>,
    /// Last change, seconds since the Unix epoch.
    pub timestamp: Option<u64>,
    /// The creating organisation's name.
    pub orgc: Option<String>,
    /// Event tag names.
    pub tags: Vec<String>,
}

/// One line of `hashes.csv`: the MD5 of an attribute value (or of one half of
/// a composite value) and the event holding it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedHash {
    /// Lower-case hex MD5 of the value.
    pub md5: String,
    /// The uuid of the event with that value.
    pub event_uuid: String,
}

/// A feed directory as read.
#[derive(Debug, Default)]
pub struct Feed {
    /// The manifest entries, by uuid order.
    pub manifest: Vec<ManifestEntry>,
    /// The events of every event file that could be read, in manifest order.
    pub events: Vec<Event>,
    /// Totals over the event files read.
    pub counts: Counts,
    /// Skipped attributes across the feed.
    pub warnings: Vec<Warning>,
    /// The `hashes.csv` lines; empty when the feed has none.
    pub hashes: Vec<FeedHash>,
    /// Event files that are missing or failed, and a bad `hashes.csv`.
    pub errors: Vec<MispError>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawManifestEntry {
    #[serde(deserialize_with = "loose::string")]
    info: Option<String>,
    #[serde(deserialize_with = "loose::string")]
    date: Option<String>,
    #[serde(deserialize_with = "loose::unsigned")]
    timestamp: Option<u64>,
    #[serde(rename = "Orgc")]
    orgc: RawOrg,
    #[serde(rename = "Tag", deserialize_with = "loose::list")]
    tags: Vec<RawTag>,
}

/// Reads the feed in `dir`. Fails only when `manifest.json` is absent or
/// unreadable; problems with individual files are collected in
/// [`Feed::errors`].
pub fn read_feed(dir: &Path) -> Result<Feed, MispError> {
    let manifest_path = dir.join("manifest.json");
    if !manifest_path.is_file() {
        return Err(MispError::NotAFeed {
            path: dir.to_path_buf(),
        });
    }
    let mut feed = Feed {
        manifest: read_manifest(&manifest_path)?,
        ..Feed::default()
    };
    for entry in &feed.manifest {
        let event_path = dir.join(format!("{}.json", entry.uuid));
        if !event_path.is_file() {
            feed.errors.push(MispError::MissingEventFile {
                path: event_path,
                uuid: entry.uuid.clone(),
            });
            continue;
        }
        match read_event_file(&event_path) {
            Ok(file) => {
                feed.counts += file.counts;
                feed.warnings.extend(file.warnings);
                feed.events.extend(file.events);
            }
            Err(e) => feed.errors.push(e),
        }
    }
    let hashes_path = dir.join("hashes.csv");
    if hashes_path.is_file() {
        match read_hashes(&hashes_path) {
            Ok(hashes) => feed.hashes = hashes,
            Err(e) => feed.errors.push(e),
        }
    }
    Ok(feed)
}

fn read_manifest(path: &Path) -> Result<Vec<ManifestEntry>, MispError> {
    let file = File::open(path).map_err(|e| MispError::io(path, e))?;
    let mut json = serde_json::Deserializer::from_reader(BufReader::new(file));
    let entries: BTreeMap<String, RawManifestEntry> = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| {
        let json_path = e.path().to_string();
        let json_path = if json_path == "." {
            String::new()
        } else {
            json_path
        };
        MispError::json(path, json_path, e.into_inner())
    })?;
    json.end()
        .map_err(|e| MispError::json(path, String::new(), e))?;
    Ok(entries
        .into_iter()
        .map(|(uuid, raw)| ManifestEntry {
            uuid,
            info: raw.info.unwrap_or_default(),
            date: raw.date,
            timestamp: raw.timestamp,
            orgc: raw.orgc.name,
            tags: raw.tags.into_iter().filter_map(|t| t.name).collect(),
        })
        .collect())
}

fn read_hashes(path: &Path) -> Result<Vec<FeedHash>, MispError> {
    let file = File::open(path).map_err(|e| MispError::io(path, e))?;
    let mut hashes = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| MispError::io(path, e))?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |message: String| MispError::HashesCsv {
            path: path.to_path_buf(),
            line: index + 1,
            message,
        };
        let (md5, event_uuid) = line
            .split_once(',')
            .ok_or_else(|| bad(format!("expected `md5,event_uuid`, found {line:?}")))?;
        if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(format!("{md5:?} is not an MD5 hex digest")));
        }
        hashes.push(FeedHash {
            md5: md5.to_ascii_lowercase(),
            event_uuid: event_uuid.trim().to_string(),
        });
    }
    Ok(hashes)
}

/// The MD5 hex digest MISP feeds list for a value.
pub(crate) fn value_md5(value: &str) -> String {
    let digest = Md5::digest(value.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `events` as a MISP feed into `dir` (created if needed):
/// `manifest.json`, `<uuid>.json` per event and `hashes.csv` with the MD5 of
/// every attribute value (both halves of composites, as PyMISP's feed
/// generator does). Every event needs a uuid.
pub fn write_feed(dir: &Path, events: &[Event]) -> Result<(), MispError> {
    fs::create_dir_all(dir).map_err(|e| MispError::io(dir, e))?;
    let mut manifest = Map::new();
    let mut hashes = String::new();
    for event in events {
        let uuid = event
            .uuid
            .as_deref()
            .ok_or_else(|| MispError::MissingUuid {
                info: event.info.clone(),
            })?;
        write_json(&dir.join(format!("{uuid}.json")), &event_json(event))?;
        manifest.insert(uuid.to_string(), manifest_entry(event));
        for attribute in &event.attributes {
            let parts = match attribute.split() {
                Some((a, b)) => vec![a, b],
                None => vec![attribute.value.as_str()],
            };
            for part in parts {
                hashes.push_str(&value_md5(part));
                hashes.push(',');
                hashes.push_str(uuid);
                hashes.push('\n');
            }
        }
    }
    write_json(&dir.join("manifest.json"), &Value::Object(manifest))?;
    let hashes_path = dir.join("hashes.csv");
    fs::write(&hashes_path, hashes).map_err(|e| MispError::io(hashes_path, e))
}

fn manifest_entry(event: &Event) -> Value {
    let mut entry = Map::new();
    entry.insert("info".into(), json!(event.info));
    if let Some(date) = &event.date {
        entry.insert("date".into(), json!(date));
    }
    if let Some(timestamp) = event.timestamp {
        entry.insert("timestamp".into(), json!(timestamp));
    }
    if let Some(orgc) = &event.orgc {
        entry.insert("Orgc".into(), json!({ "name": orgc }));
    }
    let tags: Vec<Value> = event.tags.iter().map(|t| json!({ "name": t })).collect();
    entry.insert("Tag".into(), Value::Array(tags));
    Value::Object(entry)
}

fn write_json(path: &PathBuf, value: &Value) -> Result<(), MispError> {
    let file = File::create(path).map_err(|e| MispError::io(path, e))?;
    let mut out = BufWriter::new(file);
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| MispError::io(path, e.into()))?;
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .map_err(|e| MispError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::value_md5;

    #[test]
    fn md5_of_values() {
        assert_eq!(value_md5(""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(value_md5("abc"), "900150983cd24fb0d6963f7d28e17f72");
    }
}

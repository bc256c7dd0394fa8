//! Reading misp-warninglists `list.json` files.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::StoreError;

/// A warninglist as its JSON file describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarninglistFile {
    /// The file it was read from.
    pub path: PathBuf,
    /// `name`.
    pub name: String,
    /// `type`: string, substring, hostname, cidr or regex.
    pub kind: String,
    /// `version`, as text.
    pub version: String,
    /// `description`.
    pub description: String,
    /// `matching_attributes` (empty: every type).
    pub matching_attributes: Vec<String>,
    /// `list`.
    pub entries: Vec<String>,
}

#[derive(Deserialize)]
struct Raw {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    version: Option<serde_json::Value>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    matching_attributes: Vec<String>,
    list: Vec<String>,
}

impl WarninglistFile {
    /// Reads one list file.
    pub fn read(path: &Path) -> Result<WarninglistFile, StoreError> {
        let text = std::fs::read_to_string(path).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let raw: Raw = serde_json::from_str(&text).map_err(|e| json_error(path, &e))?;
        let version = match raw.version {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        Ok(WarninglistFile {
            path: path.to_path_buf(),
            name: raw.name,
            kind: raw.kind,
            version,
            description: raw.description,
            matching_attributes: raw.matching_attributes,
            entries: raw.list,
        })
    }

    /// Reads every `*.json` list in `dir` (recursively, so a checkout of
    /// misp-warninglists with its `lists/<name>/list.json` layout works),
    /// skipping JSON files that are not lists (such as `schema.json`, which
    /// has no `list` field). Files come back sorted by path.
    pub fn read_dir(dir: &Path) -> Result<Vec<WarninglistFile>, StoreError> {
        let mut paths = Vec::new();
        collect_json(dir, &mut paths)?;
        paths.sort();
        let mut lists = Vec::new();
        for path in paths {
            if is_list_file(&path)? {
                lists.push(WarninglistFile::read(&path)?);
            }
        }
        Ok(lists)
    }
}

/// A JSON error as `line L column C: what`, without serde's own trailing
/// ` at line L column C`, which would say the place twice.
fn json_error(path: &Path, e: &serde_json::Error) -> StoreError {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = text.strip_suffix(&suffix).unwrap_or(&text);
    StoreError::Warninglist {
        path: path.to_path_buf(),
        message: format!("line {} column {}: {what}", e.line(), e.column()),
    }
}

fn is_list_file(path: &Path) -> Result<bool, StoreError> {
    let text = std::fs::read_to_string(path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| json_error(path, &e))?;
    Ok(value.get("list").is_some_and(|l| l.is_array()))
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

//! The database schema, its version, and opening a connection with the
//! settings the store relies on (WAL, foreign keys).
//!
//! Correlation keys live in `attribute_keys` (one row per key of each
//! correlating attribute part, keyed by interned value and role), IP
//! addresses and networks in `networks` as 16-byte big-endian integers so an
//! address range is one index range and "networks containing this address"
//! is one index probe per prefix length present.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{AtPath, StoreError};

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    info TEXT NOT NULL,
    date TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    disable_correlation INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_info ON events(info);
CREATE TABLE interned_values (
    id INTEGER PRIMARY KEY,
    value TEXT NOT NULL UNIQUE
);
CREATE TABLE attributes (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    to_ids INTEGER NOT NULL,
    disable_correlation INTEGER NOT NULL
);
CREATE INDEX attributes_event ON attributes(event_id, position);
CREATE TABLE attribute_keys (
    value_id INTEGER NOT NULL REFERENCES interned_values(id),
    role INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (value_id, role, attribute_id)
) WITHOUT ROWID;
CREATE INDEX attribute_keys_event ON attribute_keys(event_id);
CREATE TABLE networks (
    family INTEGER NOT NULL,
    prefix_len INTEGER NOT NULL,
    start BLOB NOT NULL,
    attribute_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    value TEXT NOT NULL
);
CREATE INDEX networks_lookup ON networks(family, prefix_len, start);
CREATE INDEX networks_event ON networks(event_id);
CREATE TABLE exclusions (
    pattern TEXT PRIMARY KEY,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE TABLE warninglists (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    matching_attributes TEXT NOT NULL,
    entries TEXT NOT NULL
);
";

/// Opens (creating if needed) the database at `path` and brings its schema
/// to [`SCHEMA_VERSION`]; refuses a newer schema.
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = if path.as_os_str() == ":memory:" {
        Connection::open_in_memory().at(path)?
    } else {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        Connection::open(path).at(path)?
    };
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .at(path)?;
    conn.pragma_update(None, "journal_mode", "WAL").at(path)?;
    conn.pragma_update(None, "synchronous", "NORMAL").at(path)?;
    conn.pragma_update(None, "foreign_keys", "ON").at(path)?;
    // A correlation query touches pages all over the key index; SQLite's
    // default 2 MiB page cache made it re-read them from the OS for every
    // lookup. 64 MiB is a ceiling, filled only as pages are read.
    conn.pragma_update(None, "cache_size", -65536).at(path)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .at(path)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version == 0 {
        let tx = conn.unchecked_transaction().at(path)?;
        tx.execute_batch(SCHEMA).at(path)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .at(path)?;
        tx.commit().at(path)?;
    }
    Ok(conn)
}

//! The iocx event store: MISP-style events, their attributes and the
//! correlation keys in SQLite, so correlation queries are index lookups and
//! nothing has to be loaded whole to answer "what does this event hit".
//!
//! The store runs in WAL mode with foreign keys on; each import is one
//! transaction, so a crash leaves either the whole import or none of it.
//! `PRAGMA user_version` records the schema version and a store written by
//! a newer schema is refused. The correlation rules are the core crate's
//! ([`iocx_core::correlate`]): the store is one more [`PostingSource`] for
//! the same engine, and can also build the in-memory [`CorrelationIndex`]
//! for bulk work.
//!
//! [`PostingSource`]: iocx_core::correlate::PostingSource
//! [`CorrelationIndex`]: iocx_core::CorrelationIndex
#![deny(missing_docs)]

mod error;
mod exclusions;
mod import;
mod query;
mod schema;
mod warninglist_file;

use std::path::{Path, PathBuf};

use iocx_core::correlate::IpNet;
use rusqlite::Connection;

pub use error::StoreError;
pub use exclusions::{ExclusionRow, WarninglistRow};
pub use import::{ImportOutcome, NewEvent};
pub use query::{EventRow, SearchHit};
pub use schema::SCHEMA_VERSION;
pub use warninglist_file::WarninglistFile;

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens or creates the store at `path` (`:memory:` for a private
    /// in-memory store), creating its directory if needed.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = schema::open(path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A private in-memory store (for tests and one-off work).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::open(Path::new(":memory:"))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for checks such as `PRAGMA integrity_check`.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// The address family code and 16-byte big-endian start of a network, as
/// stored in the `networks` table (byte order makes BLOB order numeric).
pub(crate) fn network_row(net: &IpNet) -> (i64, [u8; 16]) {
    (net.v6 as i64, net.addr.to_be_bytes())
}

//! The store's error type: every error names the database file.

use std::path::{Path, PathBuf};

/// What can go wrong opening, reading or writing a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An SQLite error.
    #[error("{path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The underlying error.
        source: rusqlite::Error,
    },
    /// The database was written by a newer iocx.
    #[error("{path}: store schema version {found} is newer than this iocx supports (version {supported}); upgrade iocx or use another --db")]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The version found in `PRAGMA user_version`.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A file-system error (creating the directory, reading a warninglist).
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A warninglist file that is not valid misp-warninglists JSON.
    #[error("{path}: {message}")]
    Warninglist {
        /// The list file.
        path: PathBuf,
        /// What is wrong, with line and column where known.
        message: String,
    },
    /// A bad exclusion pattern or warninglist entry.
    #[error("{path}: {source}")]
    Exclusion {
        /// The database file or list file.
        path: PathBuf,
        /// The underlying error.
        source: iocx_core::correlate::ExclusionError,
    },
    /// The file exists but is not an SQLite database at all.
    #[error("{path}: not an iocx store (not an SQLite database); check --db or $IOCX_DB")]
    NotAStore {
        /// The file.
        path: PathBuf,
    },
    /// Stored data that does not parse (a corrupted or hand-edited store).
    #[error("{path}: corrupt store: {message}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
}

/// Attaches the database path to SQLite results.
pub(crate) trait AtPath<T> {
    fn at(self, path: &Path) -> Result<T, StoreError>;
}

impl<T> AtPath<T> for Result<T, rusqlite::Error> {
    fn at(self, path: &Path) -> Result<T, StoreError> {
        self.map_err(|source| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotAStore {
                path: path.to_path_buf(),
            },
            _ => StoreError::Sqlite {
                path: path.to_path_buf(),
                source,
            },
        })
    }
}

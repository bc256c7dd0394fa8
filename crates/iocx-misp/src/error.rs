//! The one error type of this crate, and the warnings readers collect.
//!
//! Every error names the file it is about; JSON errors add the JSON path
//! (`response[0].Event.Attribute[12]`) and the line and column serde reports,
//! so a user can open the file at the right place.

use std::fmt;
use std::path::PathBuf;

/// Why reading or writing MISP data failed.
#[derive(Debug, thiserror::Error)]
pub enum MispError {
    /// The file could not be opened, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not valid JSON, or a value has a type MISP never writes there.
    #[error("{}:{line}:{column}: {}{message}", path.display(), at_path(json_path))]
    Json {
        /// The file.
        path: PathBuf,
        /// Where in the document the error is (empty at the top level).
        json_path: String,
        /// 1-based line, 0 when serde gave none.
        line: usize,
        /// 1-based column, 0 when serde gave none.
        column: usize,
        /// serde's description.
        message: String,
    },
    /// Valid JSON that is not a MISP event, event wrapper or feed manifest.
    #[error("{}: {}{message}", path.display(), at_path(json_path))]
    Shape {
        /// The file.
        path: PathBuf,
        /// Where in the document the problem is.
        json_path: String,
        /// What was expected.
        message: String,
    },
    /// A feed manifest names an event whose `<uuid>.json` file is absent.
    #[error("{}: event {uuid} is listed in manifest.json but its file is missing", path.display())]
    MissingEventFile {
        /// The path the event file should have.
        path: PathBuf,
        /// The event uuid from the manifest.
        uuid: String,
    },
    /// A line of a feed's `hashes.csv` is not `md5,event_uuid`.
    #[error("{}:{line}: {message}", path.display())]
    HashesCsv {
        /// The `hashes.csv` file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A path given as a feed directory has no `manifest.json`.
    #[error("{}: not a MISP feed directory (no manifest.json)", path.display())]
    NotAFeed {
        /// The directory.
        path: PathBuf,
    },
    /// An event to be written into a feed has no uuid to name its file by.
    #[error("event {info:?} has no uuid; a feed names event files by uuid")]
    MissingUuid {
        /// The event's `info`, to tell which one.
        info: String,
    },
}

fn at_path(json_path: &str) -> String {
    if json_path.is_empty() {
        String::new()
    } else {
        format!("at {json_path}: ")
    }
}

impl MispError {
    /// An I/O error about `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> MispError {
        MispError::Io {
            path: path.into(),
            source,
        }
    }

    /// A serde error found at `json_path` in `path`. I/O failures that serde
    /// met while reading become [`MispError::Io`].
    pub(crate) fn json(
        path: impl Into<PathBuf>,
        json_path: String,
        error: serde_json::Error,
    ) -> MispError {
        let path = path.into();
        if error.is_io() {
            let source = std::io::Error::from(error);
            return MispError::Io { path, source };
        }
        // serde_json appends " at line L column C" to its messages; the
        // position is carried in its own fields, so drop the duplicate.
        let mut message = error.to_string();
        if error.line() > 0 {
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
        }
        MispError::Json {
            path,
            json_path,
            line: error.line(),
            column: error.column(),
            message,
        }
    }
}

/// A problem that skipped one attribute but kept the rest of its event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The file the attribute is in.
    pub path: PathBuf,
    /// Where the attribute is: `Event.Attribute[12]`, `Event.Object[3].Attribute[0]`.
    pub json_path: String,
    /// Why it was skipped.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.path.display(),
            self.json_path,
            self.message
        )
    }
}

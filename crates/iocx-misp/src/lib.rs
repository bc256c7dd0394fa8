//! Reading and writing MISP events and feeds for iocx.
//!
//! MISP is where analysts keep events; this crate reads MISP's JSON exactly
//! as MISP, PyMISP and MISP feeds write it, and writes iocx's findings back in
//! a form they import.
//!
//! - [`read_events`] / [`read_event_file`]: every wrapper shape
//!   (`{"Event": …}`, `{"response": […]}`, bare events, arrays of them), with
//!   MISP's loose typing, streamed from any `Read`.
//! - [`read_feed`]: a MISP feed directory (`manifest.json`, `<uuid>.json`,
//!   `hashes.csv`).
//! - [`normalize_value`]: values as MISP compares them.
//! - [`misp_type_for`], [`indicator_for`], [`correlation`], [`type_defaults`]:
//!   MISP's attribute types and how they map to iocx's kinds.
//! - [`event_from_matches`], [`write_event`], [`write_feed`]: output.
//!
//! Invalid attributes are skipped with a [`Warning`] and counted, never
//! failing their event; a file that is not JSON, or not MISP-shaped, fails
//! with a [`MispError`] naming the file, JSON path and line/column.
#![deny(missing_docs)]

mod document;
mod error;
mod feed;
mod loose;
mod model;
mod normalize;
mod raw;
mod read;
mod type_table;
mod types;
mod write;

pub use error::{MispError, Warning};
pub use feed::{read_feed, write_feed, Feed, FeedHash, ManifestEntry};
pub use model::{split_composite, Attribute, Event, MispObject, ObjectMembership};
pub use normalize::normalize_value;
pub use read::{read_event_file, read_events, Counts, EventFile};
pub use types::{
    all_types, composite_parts, correlation, indicator_for, indicators_of, is_composite,
    is_known_type, misp_type_for, type_defaults, Correlation, TypeDefaults, NON_CORRELATING_TYPES,
    PRIMARY_ONLY_TYPES,
};
pub use write::{event_from_matches, event_json, today, write_event};

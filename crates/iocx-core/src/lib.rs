//! Defang-aware extraction of indicators of compromise from bytes.
//!
//! (The full design notes are written alongside the extractor.)
#![deny(missing_docs)]

pub mod correlate;
pub mod decode;
pub mod extract;
mod kind;
mod matches;
pub mod psl;
pub mod refang;

pub use correlate::CorrelationIndex;
pub use extract::{Extractor, ExtractorBuilder, Strictness};
pub use kind::{IndicatorKind, UnknownKind};
pub use matches::{Match, Span};
pub use refang::{defang, refang, Refanger};

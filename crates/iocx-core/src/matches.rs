//! What the extractor reports: a [`Match`] with its [`Span`] in the input.

use crate::IndicatorKind;

/// A half-open byte range `start..end` into the text that was searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }

    /// Number of bytes covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The span as a range, for slicing.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// One indicator found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// What it is.
    pub kind: IndicatorKind,
    /// The canonical (refanged, normalised) value.
    pub value: String,
    /// Where the raw text lies in the input (including a `:port` suffix).
    pub span: Span,
    /// True when the raw text was defanged (`[.]`, `hxxp`, `[@]` …).
    pub defanged: bool,
    /// The port written after an address (`1.2.3.4:8080`), when there was one.
    pub port: Option<u16>,
}

impl Match {
    /// The raw bytes of the match in `haystack` (the input it was found in).
    pub fn raw<'h>(&self, haystack: &'h [u8]) -> &'h [u8] {
        &haystack[self.span.range()]
    }
}

//! What the extractor reports: a [`Match`] with its [`Span`] in the input,
//! and [`Matches`], the matches of one search with their values in one
//! buffer.

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
    #[inline]
    pub fn raw<'h>(&self, haystack: &'h [u8]) -> &'h [u8] {
        &haystack[self.span.range()]
    }
}

impl<'a> From<&'a Match> for MatchRef<'a> {
    fn from(m: &'a Match) -> MatchRef<'a> {
        MatchRef {
            kind: m.kind,
            value: &m.value,
            span: m.span,
            defanged: m.defanged,
            port: m.port,
        }
    }
}

/// One match of [`Matches`]: a [`Match`] whose value is borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchRef<'a> {
    /// What it is.
    pub kind: IndicatorKind,
    /// The canonical (refanged, normalised) value.
    pub value: &'a str,
    /// Where the raw text lies in the input (including a `:port` suffix).
    pub span: Span,
    /// True when the raw text was defanged (`[.]`, `hxxp`, `[@]` …).
    pub defanged: bool,
    /// The port written after an address (`1.2.3.4:8080`), when there was one.
    pub port: Option<u16>,
}

impl MatchRef<'_> {
    /// The raw bytes of the match in `haystack` (the input it was found in).
    #[inline]
    pub fn raw<'h>(&self, haystack: &'h [u8]) -> &'h [u8] {
        &haystack[self.span.range()]
    }

    /// The match with a value of its own.
    pub fn to_match(&self) -> Match {
        Match {
            kind: self.kind,
            value: self.value.to_owned(),
            span: self.span,
            defanged: self.defanged,
            port: self.port,
        }
    }
}

/// A match of [`Matches`]: its value is `values[value_start..value_end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) kind: IndicatorKind,
    pub(crate) value_start: usize,
    pub(crate) value_end: usize,
    pub(crate) span: Span,
    pub(crate) defanged: bool,
    pub(crate) port: Option<u16>,
}

/// The matches of one search, in input order, their values in one buffer.
///
/// A `Vec<Match>` holds one allocation per match; on report text, with a
/// match every 150 bytes or so, allocating and freeing them cost 9 % of the
/// instructions of `iocx extract`. `Matches` holds two allocations whatever
/// the count, filled as the recognisers build the values, so a caller that
/// only reads the matches (prints or counts them) pays for no more;
/// [`Matches::to_vec`] gives owned ones.
///
/// Two `Matches` are equal when they hold equal matches in the same order,
/// however their buffers are laid out.
#[derive(Clone, Debug, Default)]
pub struct Matches {
    pub(crate) values: String,
    /// `entries[first..]` are the matches; the ones before were dropped by
    /// [`Matches::drop_before`] without moving the rest.
    pub(crate) entries: Vec<Entry>,
    pub(crate) first: usize,
}

impl Matches {
    /// No matches.
    pub fn new() -> Matches {
        Matches::default()
    }

    /// Number of matches.
    #[inline]
    pub fn len(&self) -> usize {
        self.live().len()
    }

    /// True when there is no match.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.live().is_empty()
    }

    /// The `i`-th match, if there are that many.
    #[inline]
    pub fn get(&self, i: usize) -> Option<MatchRef<'_>> {
        self.live().get(i).map(|e| self.expand(e))
    }

    /// The matches in order.
    #[inline]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            values: &self.values,
            entries: self.live().iter(),
        }
    }

    /// Appends a match (its value is copied).
    pub fn push(&mut self, m: MatchRef<'_>) {
        let value_start = self.values.len();
        self.values.push_str(m.value);
        self.entries.push(Entry {
            kind: m.kind,
            value_start,
            value_end: self.values.len(),
            span: m.span,
            defanged: m.defanged,
            port: m.port,
        });
    }

    /// Keeps only the matches for which `keep` is true, in order. The
    /// values of the others stay in the buffer until it is dropped.
    pub fn retain(&mut self, mut keep: impl FnMut(MatchRef<'_>) -> bool) {
        self.entries.drain(..self.first);
        self.first = 0;
        let values = &self.values;
        self.entries.retain(|e| keep(expand(values, e)));
    }

    /// Adds `by` to the start and end of every span: matches found in a
    /// slice made relative to the buffer it was cut from.
    pub fn offset_spans(&mut self, by: usize) {
        let first = self.first;
        for e in &mut self.entries[first..] {
            e.span.start += by;
            e.span.end += by;
        }
    }

    /// Moves the matches of `other` after these.
    pub fn append(&mut self, other: Matches) {
        let base = self.values.len();
        self.values.push_str(&other.values);
        self.entries.extend(other.live().iter().map(|e| Entry {
            value_start: e.value_start + base,
            value_end: e.value_end + base,
            ..*e
        }));
    }

    /// Reserves room for `matches` more matches with `value_bytes` bytes
    /// of values in all.
    pub fn reserve(&mut self, matches: usize, value_bytes: usize) {
        self.entries.reserve(matches);
        self.values.reserve(value_bytes);
    }

    /// The matches with values of their own.
    pub fn to_vec(&self) -> Vec<Match> {
        self.iter().map(|m| m.to_match()).collect()
    }

    /// The bytes all values take (with those of matches dropped by
    /// [`Matches::retain`]), for sizing a buffer that collects several.
    pub fn value_bytes(&self) -> usize {
        self.values.len()
    }

    /// Drops the matches that start before `start`, which must be a prefix
    /// of them (matches are in input order): the context a chunk is
    /// scanned with, whose matches another chunk reports. Nothing moves.
    pub(crate) fn drop_before(&mut self, start: usize) {
        self.first += self.live().partition_point(|e| e.span.start < start);
    }

    fn live(&self) -> &[Entry] {
        &self.entries[self.first..]
    }

    fn expand(&self, e: &Entry) -> MatchRef<'_> {
        expand(&self.values, e)
    }
}

#[inline]
fn expand<'a>(values: &'a str, e: &Entry) -> MatchRef<'a> {
    MatchRef {
        kind: e.kind,
        value: &values[e.value_start..e.value_end],
        span: e.span,
        defanged: e.defanged,
        port: e.port,
    }
}

impl PartialEq for Matches {
    fn eq(&self, other: &Matches) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Matches {}

impl From<Matches> for Vec<Match> {
    fn from(matches: Matches) -> Vec<Match> {
        matches.to_vec()
    }
}

impl<'a> Extend<MatchRef<'a>> for Matches {
    fn extend<I: IntoIterator<Item = MatchRef<'a>>>(&mut self, iter: I) {
        for m in iter {
            self.push(m);
        }
    }
}

impl<'a> FromIterator<MatchRef<'a>> for Matches {
    fn from_iter<I: IntoIterator<Item = MatchRef<'a>>>(iter: I) -> Matches {
        let mut matches = Matches::new();
        matches.extend(iter);
        matches
    }
}

impl<'a> IntoIterator for &'a Matches {
    type Item = MatchRef<'a>;
    type IntoIter = Iter<'a>;

    #[inline]
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The iterator of [`Matches::iter`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    values: &'a str,
    entries: std::slice::Iter<'a, Entry>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = MatchRef<'a>;

    #[inline]
    fn next(&mut self) -> Option<MatchRef<'a>> {
        self.entries.next().map(|e| expand(self.values, e))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> DoubleEndedIterator for Iter<'a> {
    #[inline]
    fn next_back(&mut self) -> Option<MatchRef<'a>> {
        self.entries.next_back().map(|e| expand(self.values, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(kind: IndicatorKind, value: &str, start: usize) -> Match {
        Match {
            kind,
            value: value.to_owned(),
            span: Span::new(start, start + value.len()),
            defanged: false,
            port: None,
        }
    }

    #[test]
    fn push_retain_append_and_offset_keep_values_with_their_matches() {
        let a = owned(IndicatorKind::Domain, "evil.com", 3);
        let b = owned(IndicatorKind::Ipv4, "1.2.3.4", 20);
        let c = owned(IndicatorKind::Md5, "d41d8cd98f00b204e9800998ecf8427e", 40);
        let mut first = Matches::new();
        first.push((&a).into());
        first.push((&b).into());
        first.retain(|m| m.kind != IndicatorKind::Domain);
        let mut second = Matches::new();
        second.push((&c).into());
        second.offset_spans(100);
        first.append(second);
        let mut shifted = c.clone();
        shifted.span = Span::new(140, 172);
        assert_eq!(first.to_vec(), [b.clone(), shifted.clone()]);
        assert_eq!(first.len(), 2);
        assert_eq!(first.get(1).map(|m| m.value), Some(c.value.as_str()));
        assert_eq!(first.iter().next_back().map(|m| m.span), Some(shifted.span));
    }

    #[test]
    fn dropped_matches_stay_dropped() {
        let all = [
            owned(IndicatorKind::Domain, "a.com", 0),
            owned(IndicatorKind::Domain, "b.com", 10),
            owned(IndicatorKind::Ipv4, "1.2.3.4", 20),
        ];
        let mut matches: Matches = all.iter().map(MatchRef::from).collect();
        matches.drop_before(10);
        assert_eq!(matches.len(), 2);
        assert_eq!(matches.get(0).map(|m| m.value), Some("b.com"));
        let mut appended = Matches::new();
        appended.append(matches.clone());
        assert_eq!(appended.to_vec(), all[1..]);
        matches.offset_spans(5);
        matches.retain(|m| m.kind == IndicatorKind::Domain);
        let mut moved = all[1].clone();
        moved.span = Span::new(15, 20);
        assert_eq!(matches.to_vec(), [moved]);
    }
}

//! The extractor: configuration, the public entry points and match ordering.
//!
//! `find_all` builds the refanged `view`, runs the anchor `scan` and the
//! anchor-free `tokens` passes over it, then merges the passes' candidates
//! by position, drops kinds that were not asked for and maps the rest back
//! to input offsets.

/// A `[bool; 256]` answering `$test` for every byte value `$b`, built at
/// compile time: the recognisers ask such questions of every byte they
/// grow a token over, and one load beats a chain of comparisons.
macro_rules! byte_table {
    (|$b:ident| $test:expr) => {{
        let mut table = [false; 256];
        let mut i = 0;
        while i < 256 {
            let $b = i as u8;
            table[i] = $test;
            i += 1;
        }
        table
    }};
}

mod classify;
mod context;
mod defang;
mod detection;
mod host;
mod invisible;
mod lexicon;
mod name_masks;
mod network;
mod scan;
mod table;
mod tokens;
pub(crate) mod url;
mod version;
pub(crate) mod view;

use std::ops::Range;

use crate::matches::Entry;
use crate::{IndicatorKind, Match, Matches, Span};
pub(crate) use defang::ends_in_wrapped_dot_opening;

/// True when the line end at `newline` (a `\n` byte) lies inside one
/// indicator: a wrapped defang dot (`evil[.\n]com`) or a URL wrapped at a
/// hyphen (`…/runs-on-\nhacked/`, or with a blank line between, whatever
/// follows). Chunked and streamed extraction never end a piece there, so
/// they read such an indicator whole, as one pass does.
pub(crate) fn joins_lines_at(raw: &[u8], newline: usize) -> bool {
    let line_end = |s: &[u8]| s.strip_suffix(b"\r").unwrap_or(s).len();
    // The view reads a PDF export's hyphen as one, so a line that ends in
    // one ends in a hyphen there (fuzz).
    let hyphen_end = |s: &[u8]| s.ends_with(b"-") || s.ends_with(defang::PDF_HYPHEN);
    let before = &raw[..line_end(&raw[..newline])];
    let blank_before = before
        .strip_suffix(b"\n")
        .map(|b| &b[..line_end(b)])
        .is_some_and(hyphen_end);
    defang::newline_in_wrapped_dot(raw, newline) || hyphen_end(before) || blank_before
}

/// How far above a candidate's line the context guards may look (a table's
/// header row, a version label at the end of the line above).
/// Chunked and streamed extraction give each piece the lines in this much of
/// the text before it, so they decide exactly as one pass over the whole
/// input does.
pub const CONTEXT_LOOKBACK: usize = 128 << 10;

/// What the scanners need to know of the configuration.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub(crate) all_parts: bool,
    pub(crate) strictness: Strictness,
}

/// A candidate in view offsets, before it becomes a [`Match`]; its value is
/// `values[value]` of the [`Candidates`] it belongs to.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub(crate) kind: IndicatorKind,
    pub(crate) value: Range<usize>,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) port: Option<u16>,
    /// Defanged in a way the view does not record (a scheme like `hxxp`).
    pub(crate) forced_defang: bool,
}

impl Found {
    /// The output's order: by start, the longer first, then by kind.
    fn order_key(&self) -> (usize, std::cmp::Reverse<usize>, IndicatorKind) {
        (self.start, std::cmp::Reverse(self.end), self.kind)
    }
}

/// The candidates of one search, their values built in one buffer that
/// becomes the [`Matches`]' own: no allocation per candidate.
///
/// A recogniser appends a value to `values` as it checks it, and on
/// failure truncates `values` back to where it started.
#[derive(Debug, Default)]
pub(crate) struct Candidates {
    pub(crate) list: Vec<Found>,
    pub(crate) values: String,
}

impl Candidates {
    /// Pushes a candidate whose value is `values[value]`.
    pub(crate) fn push(
        &mut self,
        kind: IndicatorKind,
        value: Range<usize>,
        start: usize,
        end: usize,
    ) -> &mut Found {
        self.list.push(Found {
            kind,
            value,
            start,
            end,
            port: None,
            forced_defang: false,
        });
        self.list.last_mut().expect("just pushed")
    }

    /// Appends a copy of `values[range]`, a value pushed before.
    pub(crate) fn copy_value(&mut self, range: Range<usize>) {
        assert!(
            self.values.is_char_boundary(range.start) && self.values.is_char_boundary(range.end)
        );
        // SAFETY: the bytes copied are whole characters of the string itself.
        unsafe { self.values.as_mut_vec() }.extend_from_within(range);
    }

    /// The range of what `values` gained since its length was `mark`.
    pub(crate) fn since(&self, mark: usize) -> Range<usize> {
        mark..self.values.len()
    }

    /// Pushes a candidate whose value is `bytes` as [`push_lossy`] reads
    /// them (the raw text of an address, a digest).
    pub(crate) fn push_text(
        &mut self,
        kind: IndicatorKind,
        bytes: &[u8],
        start: usize,
        end: usize,
    ) -> &mut Found {
        let mark = self.values.len();
        push_lossy(&mut self.values, bytes);
        let value = self.since(mark);
        self.push(kind, value, start, end)
    }
}

/// `bytes` as a `&str` when they are all ASCII.
///
/// Candidates are nearly always ASCII; the ASCII test reads a word at a
/// time, where `std::str::from_utf8` on the short strings of candidates
/// costs several times more.
pub(crate) fn ascii_str(bytes: &[u8]) -> Option<&str> {
    if bytes.is_ascii() {
        // SAFETY: ASCII is valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        None
    }
}

/// Appends `bytes` to `out`, invalid UTF-8 replaced.
pub(crate) fn push_lossy(out: &mut String, bytes: &[u8]) {
    match ascii_str(bytes) {
        Some(s) => out.push_str(s),
        None => out.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// How hard the context guards work against false positives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strictness {
    /// Only the syntactic checks: every well-formed candidate is reported.
    Lenient,
    /// Syntactic checks plus the context guards (file names, code
    /// identifiers, version numbers). The default.
    #[default]
    Normal,
    /// As `Normal`, and bare (undefanged) domains whose suffix is also a
    /// common file extension are dropped whatever their context.
    Strict,
}

/// Configures and builds an [`Extractor`].
#[derive(Clone, Debug)]
pub struct ExtractorBuilder {
    kinds: [bool; IndicatorKind::ALL.len()],
    refang: bool,
    all_parts: bool,
    strictness: Strictness,
}

impl Default for ExtractorBuilder {
    fn default() -> Self {
        ExtractorBuilder::new()
    }
}

impl ExtractorBuilder {
    /// All kinds, refanging on, URL hosts not repeated, normal strictness.
    pub fn new() -> ExtractorBuilder {
        ExtractorBuilder {
            kinds: [true; IndicatorKind::ALL.len()],
            refang: true,
            all_parts: false,
            strictness: Strictness::Normal,
        }
    }

    /// Reports only these kinds.
    pub fn kinds(&mut self, kinds: &[IndicatorKind]) -> &mut Self {
        self.kinds = [false; IndicatorKind::ALL.len()];
        for k in kinds {
            self.kinds[*k as usize] = true;
        }
        self
    }

    /// With `false`, each match's `value` is its raw text as written.
    pub fn refang(&mut self, yes: bool) -> &mut Self {
        self.refang = yes;
        self
    }

    /// With `true`, a URL's host and an e-mail's domain are also reported on
    /// their own.
    pub fn all_parts(&mut self, yes: bool) -> &mut Self {
        self.all_parts = yes;
        self
    }

    /// Sets how hard the false-positive guards work.
    pub fn strictness(&mut self, s: Strictness) -> &mut Self {
        self.strictness = s;
        self
    }

    /// Builds a reusable extractor.
    pub fn build(&self) -> Extractor {
        crate::psl::preload();
        Extractor {
            kinds: self.kinds,
            refang: self.refang,
            all_parts: self.all_parts,
            strictness: self.strictness,
        }
    }
}

/// Finds indicators in bytes. Cheap to share between threads.
#[derive(Clone, Debug)]
pub struct Extractor {
    kinds: [bool; IndicatorKind::ALL.len()],
    refang: bool,
    all_parts: bool,
    strictness: Strictness,
}

impl Default for Extractor {
    fn default() -> Self {
        ExtractorBuilder::new().build()
    }
}

impl Extractor {
    /// An extractor with the default configuration.
    pub fn new() -> Extractor {
        Extractor::default()
    }

    /// True when this extractor reports `kind`.
    pub fn reports(&self, kind: IndicatorKind) -> bool {
        self.kinds[kind as usize]
    }

    /// Every match in `haystack`, in input order.
    pub fn find_iter(&self, haystack: &[u8]) -> std::vec::IntoIter<Match> {
        self.find_all(haystack).into_iter()
    }

    /// Every match in `haystack`, in input order, as a vector.
    pub fn find_all(&self, haystack: &[u8]) -> Vec<Match> {
        self.find_matches(haystack).to_vec()
    }

    /// Every match in `haystack`, in input order, their values in one
    /// buffer: what [`Extractor::find_all`] gives without an allocation per
    /// match.
    ///
    /// ```
    /// use iocx_core::{Extractor, IndicatorKind};
    ///
    /// let text = b"beacon to hxxp://evil[.]com/a and 10.0.0[.]5";
    /// let matches = Extractor::new().find_matches(text);
    /// let found: Vec<(IndicatorKind, &str)> = matches.iter().map(|m| (m.kind, m.value)).collect();
    /// assert_eq!(
    ///     found,
    ///     [(IndicatorKind::Url, "http://evil.com/a"), (IndicatorKind::Ipv4, "10.0.0.5")]
    /// );
    /// assert_eq!(matches.get(1).unwrap().raw(text), b"10.0.0[.]5");
    /// ```
    pub fn find_matches(&self, haystack: &[u8]) -> Matches {
        let view = view::View::new(haystack);
        let settings = Settings {
            all_parts: self.all_parts,
            strictness: self.strictness,
        };
        let mut scanner = scan::Scanner::new(&view, &settings);
        let wants_network = IndicatorKind::ALL
            .iter()
            .any(|k| k.is_network() && self.reports(*k));
        let marks = if wants_network || self.reports(IndicatorKind::Ssdeep) {
            scanner.run()
        } else {
            None
        };
        let mut found = scanner.out;
        let scanned = found.list.len();
        let text = view.text();
        if IndicatorKind::ALL
            .iter()
            .any(|k| k.is_hash() && self.reports(*k))
        {
            let chunks = marks.as_ref().map(|m| &m.hex_chunks[..]);
            tokens::find_hashes(text, chunks, &mut found);
        }
        let hashed = found.list.len();
        let (cves, asns) = (
            self.reports(IndicatorKind::Cve),
            self.reports(IndicatorKind::Asn),
        );
        if cves || asns {
            let starts = marks.as_ref().map(|m| &m.cve_or_asn[..]);
            tokens::find_cves_and_asns(text, starts, cves, asns, self.strictness, &mut found);
        }
        let Candidates {
            list: mut found,
            mut values,
        } = found;
        // Each pass found its candidates in output order (by view start, the
        // longer first); they are merged in that order, so the offsets map
        // back in one forward walk, and the map from view to input is
        // monotonic, so the output rarely needs a sort of its own.
        let runs = [0..scanned, scanned..hashed, hashed..found.len()];
        for run in runs.clone() {
            let run = &mut found[run];
            if !run.windows(2).all(|w| w[0].order_key() <= w[1].order_key()) {
                // Stable: equal keys keep the order they were found in.
                run.sort_by_key(Found::order_key);
            }
        }
        let mut heads = runs.clone().map(|r| r.start);
        let mut map = view.sequential();
        let mut matches = Vec::with_capacity(found.len());
        loop {
            // The run whose head comes first; on a tie the earlier run, as
            // the candidates' order of discovery would have it.
            let mut next: Option<usize> = None;
            for (r, run) in runs.iter().enumerate() {
                if heads[r] < run.end
                    && next
                        .is_none_or(|n| found[heads[r]].order_key() < found[heads[n]].order_key())
                {
                    next = Some(r);
                }
            }
            let Some(r) = next else { break };
            let f = &found[heads[r]];
            heads[r] += 1;
            if !self.reports(f.kind) {
                continue;
            }
            let (start, end, edited) = map.map(f.start, f.end);
            let value = if self.refang {
                f.value.clone()
            } else {
                let mark = values.len();
                push_lossy(&mut values, &haystack[start..end]);
                mark..values.len()
            };
            matches.push(Entry {
                kind: f.kind,
                value_start: value.start,
                value_end: value.end,
                span: Span::new(start, end),
                defanged: f.forced_defang || edited,
                port: f.port,
            });
        }
        let key = |m: &Entry| (m.span.start, std::cmp::Reverse(m.span.end), m.kind);
        // In order already unless two view offsets inside one defang token
        // map to the same input offset.
        if !matches.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
            matches.sort_by_key(key);
        }
        matches.dedup_by(|a, b| a.kind == b.kind && a.span == b.span);
        Matches {
            values,
            entries: matches,
            first: 0,
        }
    }
}

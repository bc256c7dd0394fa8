//! Extraction over large buffers and streams: line-aligned chunks scanned in
//! parallel, and the cut rule for streaming input in bounded windows.
//!
//! # The assumption that makes chunking exact
//!
//! No indicator contains a newline byte (`\n`), defanged forms included
//! (`[.]`, `(dot)`, ` dot `, `[://]` and the rest are all written within one
//! line) but one: a dot in brackets wrapped across a line end, `evil[.\n]com`
//! (text exported with a break after every period), and every cut below
//! passes over a line end inside one. The extractor decides about a
//! candidate from its own line and the lines that start at most
//! [`CONTEXT_LOOKBACK`] bytes before it (a table's header row, a version
//! label ending the line above). Each chunk is therefore scanned together
//! with the whole lines in the [`CONTEXT_LOOKBACK`] bytes before it, and
//! only the matches that start inside the chunk are kept: that yields
//! exactly the matches a single [`Extractor::find_all`] over the whole buffer
//! yields, with the spans shifted back to be relative to the whole buffer.
//!
//! A chunk that would contain no newline is extended to the next newline (or
//! the end of the buffer), so a single huge line is scanned in one piece
//! rather than cut mid-token.
//!
//! # Streams
//!
//! Stream input (stdin, pipes) cannot be seen whole. [`plan_stream_cut`]
//! decides, for the window read so far, how much to scan now and what to
//! carry into the next window; the caller does the reading. Normally it cuts
//! after the window's last newline, which is exact for the reason above. When
//! one line grows past a cap without a newline, the window is cut at its last
//! whitespace and the last `overlap` bytes before that cut are scanned again
//! with the next window; matches starting in that re-scanned region are
//! dropped from the first scan, so nothing is reported twice and nothing that
//! straddles the cut is lost (as long as it is shorter than `overlap`).

use std::ops::Range;

use rayon::prelude::*;

pub use crate::extract::CONTEXT_LOOKBACK;
use crate::{Extractor, Matches};

/// The chunk length used for parallel extraction over a file when the caller
/// has no better figure: large enough that per-chunk overhead is negligible.
pub const DEFAULT_CHUNK_SIZE: usize = 4 << 20;

/// Splits `buf` into consecutive ranges, each at least `chunk_size` bytes
/// long (except the last) and each ending just after a `\n` (except the
/// last, which ends at the end of the buffer).
///
/// The ranges cover `buf` exactly, in order. An empty buffer gives no range.
pub fn line_chunks(buf: &[u8], chunk_size: usize) -> Vec<Range<usize>> {
    let chunk_size = chunk_size.max(1);
    let mut ranges = Vec::with_capacity(buf.len() / chunk_size + 1);
    let mut start = 0;
    while start < buf.len() {
        let target = start.saturating_add(chunk_size);
        let end = if target >= buf.len() {
            buf.len()
        } else {
            // The byte at `target - 1` is the last one the chunk must hold;
            // the first newline from there on closes it.
            next_cut(buf, target - 1).unwrap_or(buf.len())
        };
        ranges.push(start..end);
        start = end;
    }
    ranges
}

/// Just after the first newline at or after `from` that may end a piece:
/// one that is not inside a wrapped defang dot (`[.\n]`) nor after the
/// hyphen of a wrapped URL (see `extract::joins_lines_at`).
fn next_cut(buf: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let newline = at + memchr::memchr(b'\n', &buf[at..])?;
        if !crate::extract::joins_lines_at(buf, newline) {
            return Some(newline + 1);
        }
        at = newline + 1;
    }
}

/// Just after the last newline before `end` that may end a piece (see
/// [`next_cut`]).
fn last_cut(buf: &[u8], end: usize) -> Option<usize> {
    let mut before = end;
    loop {
        let newline = memchr::memrchr(b'\n', &buf[..before])?;
        if !crate::extract::joins_lines_at(buf, newline) {
            return Some(newline + 1);
        }
        before = newline;
    }
}

/// Where the text scanned with a piece starting at `start` (a line start)
/// begins: the first line start at most [`CONTEXT_LOOKBACK`] bytes before
/// it, so the context never exceeds that size.
pub fn context_start(buf: &[u8], start: usize) -> usize {
    let at = start.saturating_sub(CONTEXT_LOOKBACK);
    if at == 0 {
        return 0;
    }
    next_cut(&buf[..start], at - 1).unwrap_or(start)
}

/// Runs `find` over the line-aligned chunks of `buf` in parallel (rayon) and
/// returns all matches in input order with spans relative to `buf`.
///
/// `find` stands for an extractor's `find_matches`; taking a closure lets
/// tests check the chunk plumbing with a fake. Like `find_matches`, it must
/// return its matches in input order (by start).
pub fn find_all_in_chunks<F>(buf: &[u8], chunk_size: usize, find: F) -> Matches
where
    F: Fn(&[u8]) -> Matches + Sync,
{
    let ranges = line_chunks(buf, chunk_size);
    if ranges.len() <= 1 {
        return find(buf);
    }
    let per_chunk = map_chunks(buf, &ranges, find, |found| found);
    // Sized up front: a buffer of a million matches grown by doubling is
    // moved twenty times, each time into fresh pages.
    let mut all = Matches::new();
    all.reserve(
        per_chunk.iter().map(Matches::len).sum(),
        per_chunk.iter().map(Matches::value_bytes).sum(),
    );
    for found in per_chunk {
        all.append(found);
    }
    all
}

/// Runs `find` over each of `ranges` in parallel (rayon), each together with
/// its context (see [`context_start`]), and hands `each` the matches that
/// start in it, with spans relative to `buf`. Returns what `each` returns,
/// in the order of `ranges`.
///
/// `ranges` must be consecutive line-aligned ranges of `buf`, such as a run
/// of [`line_chunks`]. Doing a caller's work on the matches (rendering them,
/// say) inside `each` keeps it on the worker threads and drops each chunk's
/// matches where they were made, rather than in one thread after a merge.
pub fn map_chunks<F, G, T>(buf: &[u8], ranges: &[Range<usize>], find: F, each: G) -> Vec<T>
where
    F: Fn(&[u8]) -> Matches + Sync,
    G: Fn(Matches) -> T + Sync,
    T: Send,
{
    ranges
        .par_iter()
        .map(|range| each(find_in_chunk(buf, range.clone(), &find)))
        .collect()
}

/// The matches that start in `range`, a line-aligned range of `buf`, found
/// by `find` over the range and its context (see [`context_start`]), with
/// spans relative to `buf`: one chunk's share of [`find_all_in_chunks`],
/// for callers that schedule the chunks themselves. `find` returns its
/// matches in input order, as there.
pub fn find_in_chunk<F>(buf: &[u8], range: Range<usize>, find: F) -> Matches
where
    F: Fn(&[u8]) -> Matches,
{
    let offset = context_start(buf, range.start);
    let mut found = find(&buf[offset..range.end]);
    found.drop_before(range.start - offset);
    found.offset_spans(offset);
    found
}

/// [`Extractor::find_matches`] over `buf`, split into line-aligned chunks of
/// at least `chunk_size` bytes that are scanned in parallel. The result
/// equals `extractor.find_matches(buf)` (see the module docs for why).
pub fn find_all_parallel(extractor: &Extractor, buf: &[u8], chunk_size: usize) -> Matches {
    find_all_in_chunks(buf, chunk_size, |chunk| extractor.find_matches(chunk))
}

/// What to do with a stream window: see [`plan_stream_cut`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamCut {
    /// Scan `window[..scan_end]` now.
    pub scan_end: usize,
    /// Report only the matches of that scan that start before this offset;
    /// the others lie in text that the next window scans again.
    pub report_end: usize,
    /// The next window starts with `window[keep_from..]`.
    pub keep_from: usize,
}

/// Decides how to cut a window of streamed input.
///
/// - At the end of input, everything is scanned and reported.
/// - Otherwise the window is cut just after its last `\n` (not one inside a
///   wrapped dot `[.\n]` or after a hyphen, where a URL may go on, nor a
///   final one after `[.`, whose closer may be still unread): scanned and
///   reported up to there, the rest carried over.
/// - Without a newline, `None` asks the caller to read more, until the window
///   reaches `max_line` bytes; then it is cut after its last ASCII whitespace
///   (if that lies in the second half of the window, else at the window's
///   end), and the last `overlap` bytes before the cut are carried over and
///   scanned again. The carried region starts after a whitespace when there is
///   one, so the next scan does not begin mid-token.
///
/// `overlap` is clamped to a quarter of `max_line` so that every forced cut
/// makes progress.
pub fn plan_stream_cut(
    window: &[u8],
    at_eof: bool,
    max_line: usize,
    overlap: usize,
) -> Option<StreamCut> {
    let len = window.len();
    if at_eof {
        return Some(StreamCut {
            scan_end: len,
            report_end: len,
            keep_from: len,
        });
    }
    // A window that ends in `[.\n` may end inside a wrapped dot whose
    // closer is still unread: cut at the line end before it.
    let cut = match last_cut(window, len) {
        Some(cut) if cut == len && crate::extract::ends_in_wrapped_dot_opening(window) => {
            last_cut(window, cut - 1)
        }
        cut => cut,
    };
    if let Some(cut) = cut {
        return Some(StreamCut {
            scan_end: cut,
            report_end: cut,
            keep_from: cut,
        });
    }
    let max_line = max_line.max(4);
    if len < max_line {
        return None;
    }
    let overlap = overlap.min(max_line / 4);
    let scan_end = match window.iter().rposition(u8::is_ascii_whitespace) {
        Some(ws) if ws >= len / 2 => ws + 1,
        _ => len,
    };
    let earliest = scan_end - overlap;
    // Start the re-scanned region at a token boundary within the overlap, if
    // there is one, so the next scan sees whole tokens.
    let keep_from = match window[earliest..scan_end]
        .iter()
        .position(u8::is_ascii_whitespace)
    {
        Some(ws) => earliest + ws + 1,
        None => earliest,
    };
    Some(StreamCut {
        scan_end,
        report_end: keep_from,
        keep_from,
    })
}

#[cfg(test)]
mod tests;

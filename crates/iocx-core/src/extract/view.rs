//! The refanged view: the input with defang tokens replaced by the bytes they
//! stand for, and a map from view offsets back to input offsets.
//!
//! Every recogniser works on the view, so `evil[.]com`, `evil(dot)com` and
//! `evil。com` all look like `evil.com` to it. Building the view costs one
//! [`classify`] pass over the input (marking the bytes that can start a
//! defang token), a check per mark (the handlers of [`defang`]) and, only
//! when some token was found, one copy. Offsets are mapped back by a forward
//! walk over the edits, so the cost of a defang token is paid once, not per
//! byte.

use std::cell::{Cell, RefCell};

use super::classify;
use super::defang;

/// The view's bytes: the input itself, or an edited copy.
enum Text<'h> {
    Borrowed(&'h [u8]),
    Owned(Vec<u8>),
}

/// Copies up to this size are kept for the thread's next view.
const KEEP_CAPACITY: usize = 64 << 20;

thread_local! {
    /// The last view's buffer, reused by the next one on the same thread:
    /// a fresh multi-megabyte allocation per call costs a page fault per
    /// 4 KiB page touched, about a tenth of the extraction time.
    static SPARE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn take_spare(capacity: usize) -> Vec<u8> {
    let mut buf = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
    buf.clear();
    buf.reserve(capacity);
    buf
}

impl Drop for View<'_> {
    fn drop(&mut self) {
        if let Text::Owned(buf) = &mut self.text {
            if buf.capacity() <= KEEP_CAPACITY {
                let buf = std::mem::take(buf);
                SPARE.with(|s| {
                    let mut spare = s.borrow_mut();
                    if spare.capacity() < buf.capacity() {
                        *spare = buf;
                    }
                });
            }
        }
    }
}

/// One replacement: `raw[raw_start..raw_end()]` became
/// `view[view_start..view_end()]`. Lengths rather than ends, and as small
/// as a token's: input dense with tokens holds one edit per few bytes.
#[derive(Clone, Copy, Debug)]
struct Edit {
    raw_start: usize,
    view_start: usize,
    raw_len: u16,
    view_len: u16,
    /// An escape rather than a defang (see `Pending::weak`).
    weak: bool,
    /// Neither: an invisible character dropped (see
    /// [`invisible`](super::invisible)), which leaves a match undefanged.
    silent: bool,
}

// The view's in-place collect turns each `Pending` into an `Edit` in the
// same memory only while the two have one size and alignment.
const _: () = assert!(
    std::mem::size_of::<Edit>() == std::mem::size_of::<defang::Pending>()
        && std::mem::align_of::<Edit>() == std::mem::align_of::<defang::Pending>()
);

impl Edit {
    fn raw_end(&self) -> usize {
        self.raw_start + usize::from(self.raw_len)
    }

    fn view_end(&self) -> usize {
        self.view_start + usize::from(self.view_len)
    }
}

/// The refanged text and the way back to input offsets.
pub(crate) struct View<'h> {
    text: Text<'h>,
    edits: Vec<Edit>,
    /// Where the last search over `edits` ended; see [`View::count_below`].
    hint: Cell<usize>,
}

impl<'h> View<'h> {
    /// Builds the view of `raw`.
    pub(crate) fn new(raw: &'h [u8]) -> View<'h> {
        let mut pending = Vec::new();
        classify::for_each::<classify::DefangStart>(raw, |i| {
            defang::token_at(raw, i, &mut pending)
        });
        defang::swallow_stray_brackets(raw, &mut pending);
        if pending.is_empty() {
            return View {
                text: Text::Borrowed(raw),
                edits: Vec::new(),
                hint: Cell::new(0),
            };
        }
        pending.sort_by_key(|p| (p.start, std::cmp::Reverse(p.end)));
        let mut text = take_spare(raw.len());
        let mut copied = 0;
        // `Pending` and `Edit` have one size, so the edits take the pending
        // list's memory (an in-place collect) instead of a second list.
        let edits: Vec<Edit> = pending
            .into_iter()
            .filter_map(|p| {
                if p.start < copied {
                    return None; // overlaps an earlier, longer token
                }
                text.extend_from_slice(&raw[copied..p.start]);
                let with = p.with.bytes();
                let edit = Edit {
                    raw_start: p.start,
                    view_start: text.len(),
                    raw_len: u16::try_from(p.end - p.start).expect("a defang token is short"),
                    view_len: with.len() as u16,
                    weak: p.weak,
                    silent: p.with == defang::Meaning::Invisible,
                };
                text.extend_from_slice(with);
                copied = p.end;
                Some(edit)
            })
            .collect();
        text.extend_from_slice(&raw[copied..]);
        View {
            text: Text::Owned(text),
            edits,
            hint: Cell::new(0),
        }
    }

    /// The number of edits for which `below` holds, which must hold for a
    /// prefix of them (edits are in order in the input and in the view).
    ///
    /// The scanner asks about increasing offsets, so the search gallops
    /// forward from where the last one ended: a binary search over the
    /// whole list cost a cache miss per step on large inputs (tens of
    /// thousands of edits), a quarter of the URL recogniser's time.
    fn count_below(&self, below: impl Fn(&Edit) -> bool) -> usize {
        let edits = &self.edits;
        let hint = self.hint.get().min(edits.len());
        let i = if hint == 0 || below(&edits[hint - 1]) {
            // `below` holds for every edit before `lo`.
            let mut lo = hint;
            let mut step = 1;
            let hi = loop {
                let probe = lo + step;
                if probe > edits.len() {
                    break edits.len();
                }
                if !below(&edits[probe - 1]) {
                    break probe - 1;
                }
                lo = probe;
                step *= 2;
            };
            lo + edits[lo..hi].partition_point(&below)
        } else {
            edits[..hint].partition_point(&below)
        };
        self.hint.set(i);
        i
    }

    /// The refanged bytes.
    pub(crate) fn text(&self) -> &[u8] {
        match &self.text {
            Text::Borrowed(raw) => raw,
            Text::Owned(buf) => buf,
        }
    }

    /// The input offset where a match starting at view offset `v` starts.
    pub(crate) fn raw_start(&self, v: usize) -> usize {
        let i = self.count_below(|e| e.view_start <= v);
        if i == 0 {
            return v;
        }
        let e = &self.edits[i - 1];
        if v < e.view_end() {
            e.raw_start
        } else {
            e.raw_end() + (v - e.view_end())
        }
    }

    /// The input offset where a match ending at view offset `v` ends.
    pub(crate) fn raw_end(&self, v: usize) -> usize {
        let i = self.count_below(|e| e.view_start < v);
        if i == 0 {
            return v;
        }
        let e = &self.edits[i - 1];
        if v <= e.view_end() {
            e.raw_end()
        } else {
            e.raw_end() + (v - e.view_end())
        }
    }

    /// The input length of the edit whose replacement starts at view offset
    /// `v`, if one does.
    pub(crate) fn edit_len_at(&self, v: usize) -> Option<usize> {
        let i = self.count_below(|e| e.view_start < v);
        self.edits
            .get(i)
            .filter(|e| e.view_start == v)
            .map(|e| e.raw_end() - e.raw_start)
    }

    /// A mapper for matches taken in order of their view start, which finds
    /// each edit by walking forward instead of searching the whole list.
    pub(crate) fn sequential(&self) -> SequentialMap<'_> {
        SequentialMap {
            edits: &self.edits,
            next: 0,
        }
    }

    /// True when some edit that is not a mere escape lies inside the input
    /// range `start..end`: the writer meant what it joins as an indicator.
    pub(crate) fn defanged(&self, start: usize, end: usize) -> bool {
        let i = self.count_below(|e| e.raw_start < start);
        self.edits[i..]
            .iter()
            .take_while(|e| e.raw_start < end)
            .any(|e| !e.weak)
    }
}

/// Maps view ranges to input ranges for matches visited in order of their
/// view start; the whole walk is linear in matches plus edits.
pub(crate) struct SequentialMap<'v> {
    edits: &'v [Edit],
    /// The number of edits whose view start is at or before the last start.
    next: usize,
}

impl SequentialMap<'_> {
    /// The input range of the view range `start..end`, and whether an edit
    /// lies inside it. `start` must not be less than the previous call's.
    pub(crate) fn map(&mut self, start: usize, end: usize) -> (usize, usize, bool) {
        let edits = self.edits;
        while self.next < edits.len() && edits[self.next].view_start <= start {
            self.next += 1;
        }
        let raw_start = match self.next.checked_sub(1).map(|i| &edits[i]) {
            None => start,
            Some(e) if start < e.view_end() => e.raw_start,
            Some(e) => e.raw_end() + (start - e.view_end()),
        };
        // Edits that begin inside the match; bounded by the match's length.
        let mut j = self.next;
        while j < edits.len() && edits[j].view_start < end {
            j += 1;
        }
        let raw_end = match j.checked_sub(1).map(|i| &edits[i]) {
            None => end,
            Some(e) if end <= e.view_end() => e.raw_end(),
            Some(e) => e.raw_end() + (end - e.view_end()),
        }
        .max(raw_start);
        // An edit inside `raw_start..raw_end` either contains the start (the
        // last one before `next`) or begins inside the match.
        let edited = j > self.next && edits[self.next..j].iter().any(|e| !e.silent)
            || self.next > 0 && {
                let e = &edits[self.next - 1];
                !e.silent && e.raw_start >= raw_start && e.raw_start < raw_end
            };
        (raw_start, raw_end, edited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refanged(s: &str) -> String {
        String::from_utf8(View::new(s.as_bytes()).text().to_vec()).unwrap()
    }

    #[test]
    fn tokens() {
        assert_eq!(refanged("evil[.]com"), "evil.com");
        assert_eq!(refanged("evil [.] com"), "evil.com");
        assert_eq!(refanged("evil(dot)com"), "evil.com");
        assert_eq!(refanged("evil{.}com"), "evil.com");
        assert_eq!(refanged("evil[.com"), "evil.com");
        assert_eq!(refanged("evil.]com"), "evil.com");
        assert_eq!(refanged("evil\\.com"), "evil.com");
        assert_eq!(refanged("a[at]b.com"), "a@b.com");
        assert_eq!(refanged("hxxp[:]//x"), "hxxp://x");
        assert_eq!(refanged("http:\\\\x"), "http://x");
        assert_eq!(refanged("http:\\/\\/x"), "http://x");
        assert_eq!(refanged("evil。com"), "evil.com");
        assert_eq!(refanged("example dot com"), "example.com");
        assert_eq!(refanged("the dot com era"), "the dot com era");
        assert_eq!(refanged("regex (.) to"), "regex (.) to");
        assert_eq!(refanged("evil [dot] com"), "evil.com");
        assert_eq!(refanged("(.)"), "(.)");
    }

    proptest::proptest! {
        /// The galloping search answers as a binary search over the whole
        /// list does, whatever order the questions come in.
        #[test]
        fn count_below_agrees_with_partition_point(
            gaps in proptest::collection::vec(1usize..20, 0..60),
            queries in proptest::collection::vec(0usize..700, 1..40),
        ) {
            let mut at = 0;
            let edits: Vec<Edit> = gaps
                .iter()
                .map(|g| {
                    at += g;
                    Edit { raw_start: at, view_start: at, raw_len: 3, view_len: 1, weak: false, silent: false }
                })
                .collect();
            let view = View { text: Text::Borrowed(b""), edits, hint: Cell::new(0) };
            for q in queries {
                let want = view.edits.partition_point(|e| e.view_start <= q);
                proptest::prop_assert_eq!(view.count_below(|e| e.view_start <= q), want);
                let want = view.edits.partition_point(|e| e.raw_start < q);
                proptest::prop_assert_eq!(view.count_below(|e| e.raw_start < q), want);
            }
        }
    }

    #[test]
    fn offsets_map_back() {
        let raw = b"x evil[.]com y";
        let v = View::new(raw);
        assert_eq!(v.text(), b"x evil.com y");
        // "evil.com" is view 2..10
        assert_eq!(v.raw_start(2), 2);
        assert_eq!(v.raw_end(10), 12);
        assert_eq!(&raw[v.raw_start(2)..v.raw_end(10)], b"evil[.]com");
        assert!(v.defanged(2, 12));
        assert!(!v.defanged(0, 2));
        assert!(!v.defanged(12, 14));
        // An escaped dot is refanged but is no sign of intent.
        let raw = b"x evil\\.com y a\\.evil[.]com";
        let v = View::new(raw);
        assert_eq!(v.text(), b"x evil.com y a.evil.com");
        assert!(!v.defanged(2, 11));
        assert!(v.defanged(14, raw.len()));
    }
}

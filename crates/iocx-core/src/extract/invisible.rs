//! Invisible characters inside indicators: the zero-width space, non-joiner
//! and joiner (U+200B–U+200D), the byte-order mark (U+FEFF) and the soft
//! hyphen (U+00AD).
//!
//! Web pages put a zero-width space after every dot of a long list so that
//! it wraps (`172.​104.​208.​241`, `ddl.​okyesmobi[.​]com`), and text copied
//! from them keeps it: the indicator is there for a reader, and cut in
//! pieces for a byte scanner. The view drops a run of these characters
//! where it stands between two visible ASCII bytes (but for the bytes of
//! defang tokens, see [`visible`]), and the bracketed
//! tokens look through them (`[.​]`). Elsewhere (before a word, at a line
//! end) they are left as they are: they join nothing there.
//!
//! Dropping one is not a defang: the writer did not mean to disarm
//! anything, so the edit is weak (the guards judge what it joins) and
//! leaves a match's `defanged` flag as it finds it.

use super::defang::{Meaning, Pending};

/// The most invisible characters one edit drops. A longer run is no
/// wrapping hint, and an edit's length must fit its `u16`.
const MAX_RUN: usize = 8;

/// The length of the invisible character that starts at `i`, or 0.
pub(super) fn len_at(raw: &[u8], i: usize) -> usize {
    match raw.get(i..) {
        Some([0xE2, 0x80, 0x8B..=0x8D, ..]) | Some([0xEF, 0xBB, 0xBF, ..]) => 3,
        Some([0xC2, 0xAD, ..]) => 2,
        _ => 0,
    }
}

/// True for the bytes an invisible run must stand between to be dropped:
/// visible ASCII, but for the bytes that begin or end a defang token
/// (`__`, `%3A`, `"&"`, brackets, backslashes), whose handlers read the
/// input around them as it is: dropped there, a run would make a token
/// of the value that was none in the text (`socks__\u{AD}b`), and the
/// value would read otherwise when extracted again (fuzz).
fn visible(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'_' | b'%' | b'&' | b'[' | b']' | b'(' | b')' | b'{' | b'}' | b'\\'
        )
}

/// Appends the edit that drops the run of invisible characters holding the
/// byte at `i` (the last byte of a zero-width character, the second of a
/// soft hyphen, the first of a byte-order mark), if the run joins two
/// visible bytes. Only the run's first character answers, so a run is
/// dropped once.
pub(super) fn run_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    let Some(start) = [i.checked_sub(2), i.checked_sub(1), Some(i)]
        .into_iter()
        .flatten()
        .find(|&s| s + len_at(raw, s) > i)
    else {
        return;
    };
    if start == 0 || !visible(raw[start - 1]) {
        return; // the run's first character is not here, or it joins nothing
    }
    let mut end = start;
    for _ in 0..MAX_RUN {
        match len_at(raw, end) {
            0 => break,
            n => end += n,
        }
    }
    if raw.get(end).is_some_and(|&b| visible(b)) {
        out.push(Pending {
            start,
            end,
            with: Meaning::Invisible,
            weak: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs dropped in `raw`, asked at the bytes the defang class marks.
    fn dropped(raw: &str) -> Vec<&str> {
        let raw = raw.as_bytes();
        let mut out = Vec::new();
        for (i, b) in raw.iter().enumerate() {
            if matches!(b, 0x8B..=0x8D | 0xAD | 0xEF) {
                run_at(raw, i, &mut out);
            }
        }
        out.iter()
            .map(|p| {
                assert_eq!(p.with, Meaning::Invisible);
                assert!(p.weak);
                std::str::from_utf8(&raw[p.start..p.end]).unwrap()
            })
            .collect()
    }

    #[test]
    fn a_run_between_visible_bytes_is_dropped_once() {
        assert_eq!(dropped("1.\u{200B}2"), ["\u{200B}"]);
        assert_eq!(
            dropped("a\u{200B}\u{AD}\u{FEFF}\u{200D}b"),
            ["\u{200B}\u{AD}\u{FEFF}\u{200D}"]
        );
    }

    #[test]
    fn a_run_beside_a_space_or_an_end_joins_nothing() {
        for raw in [
            "a \u{200B}b",
            "a\u{200B} b",
            "\u{200B}b",
            "a\u{200B}",
            "ы\u{200B}b",
            "a\u{200B}ы",
        ] {
            assert_eq!(dropped(raw), Vec::<&str>::new(), "{raw:?}");
        }
    }

    #[test]
    fn other_characters_with_the_marked_bytes_are_not_invisible() {
        // `ы` (D1 8B), `э` (D1 8D), `í` (C3 AD), U+FFFC (EF BF BC).
        assert_eq!(dropped("aыb aэb aíb a\u{FFFC}b"), Vec::<&str>::new());
    }

    #[test]
    fn a_long_run_is_no_wrapping_hint() {
        let within = format!("a{}b", "\u{200B}".repeat(MAX_RUN));
        assert_eq!(dropped(&within).len(), 1);
        let beyond = format!("a{}b", "\u{200B}".repeat(MAX_RUN + 1));
        assert_eq!(dropped(&beyond), Vec::<&str>::new());
        let huge = format!("a{}b", "\u{200B}".repeat(100_000));
        assert_eq!(dropped(&huge), Vec::<&str>::new());
    }
}

//! The bracketed tokens (`[.]`, `(dot)`, `{ @ }`, `[://]` …), a dot in
//! brackets wrapped across a line end, and stray half brackets beside a
//! dot token.

use super::{invisible, is_label_byte, Meaning, Pending};

/// The bracketed tokens: what may stand between the brackets, and what the
/// whole token means. Matching is case-insensitive and tolerates inner spaces.
const BRACKETED: &[(&[u8], Meaning)] = &[
    (b".", Meaning::Dot),
    (b"dot", Meaning::Dot),
    (b"d0t", Meaning::Dot),
    (b":", Meaning::Colon),
    (b"://", Meaning::SchemeSeparator),
    (b"/", Meaning::Slash),
    (b"//", Meaning::DoubleSlash),
    (b"@", Meaning::At),
    (b"at", Meaning::At),
    (b"-", Meaning::Hyphen),
];

/// The most pairs of brackets swallowed around one token: an edit's length
/// must fit its `u16`, and no text nests brackets this deep.
const MAX_PAIRS: usize = 1000;

/// Widens every token by the pairs of brackets around it, of any kind
/// (`user[[@]]example.com`, `/a[[[//]]]b`, `a([.])b`), and each dot token
/// by a stray half bracket beside it (`evil[.]]com`, `evil[[.]com`). Left
/// in the view, `[[@]]` would leave `[@]`, and `.]` or `[.` is a
/// half-bracket defang of its own: the value would refang again when
/// extracted on its own (found by the fuzz target), and a host would not
/// read as one at all. A token in brackets nested deeper than
/// [`MAX_PAIRS`] is left as written.
pub(in crate::extract) fn swallow_stray_brackets(raw: &[u8], pending: &mut Vec<Pending>) {
    let label = |i: Option<usize>| {
        i.and_then(|i| raw.get(i))
            .is_some_and(|&b| is_label_byte(b))
    };
    pending.retain_mut(|p| {
        let mut pairs = 0;
        while p.start > 0
            && matches!(raw[p.start - 1], b'[' | b'(' | b'{')
            && raw.get(p.end) == Some(&closer(raw[p.start - 1]))
        {
            if pairs == MAX_PAIRS {
                return false;
            }
            p.start -= 1;
            p.end += 1;
            pairs += 1;
        }
        if pairs > 0 || p.with != Meaning::Dot {
            return true;
        }
        let stray_after = raw.get(p.end) == Some(&b']') && label(Some(p.end + 1));
        let stray_before =
            p.start.checked_sub(1).map(|i| raw[i]) == Some(b'[') && label(p.start.checked_sub(2));
        let joins_before = stray_before || label(p.start.checked_sub(1));
        let joins_after = stray_after || label(Some(p.end));
        if stray_after && joins_before {
            p.end += 1;
        }
        if stray_before && joins_after {
            p.start -= 1;
        }
        true
    });
}

/// The closing bracket for the opening one `open`.
fn closer(open: u8) -> u8 {
    match open {
        b'[' => b']',
        b'(' => b')',
        _ => b'}',
    }
}

/// Where a dot in brackets wrapped across a line end (`[.\n]`, `(.\r\n)`)
/// that opens at `open` ends. Text exported with a line break after every
/// period writes `evil[.\n]com`; it is the only token that holds a line
/// end, and [`newline_in_wrapped_dot`] keeps the chunk and stream cuts out
/// of it.
fn wrapped_dot_end(raw: &[u8], open: usize) -> Option<usize> {
    let close = closer(raw[open]);
    let rest = raw.get(open + 1..)?;
    match rest {
        [b'.', b'\n', c, ..] if *c == close => Some(open + 4),
        [b'.', b'\r', b'\n', c, ..] if *c == close => Some(open + 5),
        _ => None,
    }
}

/// True when the line end at `newline` (the `\n` byte) lies inside a
/// wrapped dot `[.\n]`: input cut there would split the token.
pub(crate) fn newline_in_wrapped_dot(raw: &[u8], newline: usize) -> bool {
    let opener_at = |back: usize| {
        newline
            .checked_sub(back)
            .filter(|&o| matches!(raw[o], b'[' | b'(' | b'{'))
    };
    [2, 3]
        .into_iter()
        .filter_map(opener_at)
        .any(|open| wrapped_dot_end(raw, open).is_some_and(|end| end > newline))
}

/// True when `raw` ends with what may open a wrapped dot (`[.\n`,
/// `(.\r\n`) whose closer is not there yet, as a stream window may.
pub(crate) fn ends_in_wrapped_dot_opening(raw: &[u8]) -> bool {
    let opener = |i: Option<usize>| i.is_some_and(|i| matches!(raw[i], b'[' | b'(' | b'{'));
    raw.ends_with(b".\n") && opener(raw.len().checked_sub(3))
        || raw.ends_with(b".\r\n") && opener(raw.len().checked_sub(4))
}

/// What stands between two brackets: up to three bytes, without the
/// spaces around them and the invisible characters among them (`[.​]`).
struct Inner {
    bytes: [u8; 3],
    len: usize,
    /// Where the token ends, after its closing bracket.
    end: usize,
    /// Whether spaces stand inside the brackets (`[ . ]`).
    spaced: bool,
}

/// The [`Inner`] of the bracket opened at `open` and closed by `close`,
/// if it closes within reach: up to two spaces, then at most three bytes
/// (trailing spaces among them), which hold every token of [`BRACKETED`].
/// Never on the next line: chunked extraction decides about a line without
/// the lines after it (the one token that holds a line end, `[.\n]`, is
/// [`wrapped_dot_end`]'s).
fn inner(raw: &[u8], open: usize, close: u8) -> Option<Inner> {
    let mut bytes = [0; 3];
    // One byte, as `[.]` and `[@]` write it: most brackets in reports.
    if let [b, c, ..] = raw[open + 1..] {
        if c == close && b != close && b != b' ' {
            bytes[0] = b;
            return Some(Inner {
                bytes,
                len: 1,
                end: open + 3,
                spaced: false,
            });
        }
    }
    let (mut len, mut lead, mut trail) = (0, 0, 0);
    let (mut i, mut invisibles) = (open + 1, 0);
    while i < raw.len() {
        let invisible = if raw[i] < 0x80 {
            0
        } else {
            invisible::len_at(raw, i)
        };
        if invisible > 0 {
            // A few, as a wrapping page writes them; no unbounded walk.
            invisibles += 1;
            if invisibles > 3 {
                return None;
            }
            i += invisible;
            continue;
        }
        match raw[i] {
            b if b == close => {
                return Some(Inner {
                    bytes,
                    len: len - trail,
                    end: i + 1,
                    spaced: lead + trail > 0,
                });
            }
            b' ' if len == 0 && lead < 2 => lead += 1,
            b'\n' => return None,
            b => {
                if len == bytes.len() {
                    return None;
                }
                trail = if b == b' ' { trail + 1 } else { 0 };
                bytes[len] = b;
                len += 1;
            }
        }
        i += 1;
    }
    None
}

/// `[.]`, `(dot)`, `{ @ }`, `[://]` …, and ` [.] ` with the spaces around it
/// when it joins two labels, for the bracket at `open`.
pub(super) fn bracketed_at(raw: &[u8], open: usize, out: &mut Vec<Pending>) {
    let close = closer(raw[open]);
    if let Some(end) = wrapped_dot_end(raw, open) {
        // Only where it joins two labels, as the spaced forms below.
        let joins = open > 0
            && is_label_byte(raw[open - 1])
            && raw.get(end).is_some_and(|&b| is_label_byte(b));
        if joins {
            out.push(Pending {
                start: open,
                end,
                with: Meaning::Dot,
                weak: false,
            });
        }
        return;
    }
    let Some(Inner {
        bytes,
        len,
        end,
        spaced,
    }) = inner(raw, open, close)
    else {
        // A half bracket: `evil[.com`.
        if raw[open] == b'['
            && raw.get(open + 1) == Some(&b'.')
            && open > 0
            && is_label_byte(raw[open - 1])
            && raw.get(open + 2).is_some_and(|&b| is_label_byte(b))
        {
            out.push(Pending {
                start: open,
                end: open + 1,
                with: Meaning::Nothing,
                weak: false,
            });
        }
        return;
    };
    let inner = &bytes[..len];
    let Some(&(_, with)) = BRACKETED
        .iter()
        .find(|(tok, _)| inner.eq_ignore_ascii_case(tok))
    else {
        return;
    };
    let (mut start, mut stop) = (open, end);
    let label_at = |i: usize| raw.get(i).is_some_and(|&b| is_label_byte(b));
    // `visa[-]fraud[-]monitoring[.]com`: a hyphen only inside a label, so a
    // list's `[-] http://…` bullet stays what it is.
    if with == Meaning::Hyphen
        && !(raw[open] == b'[' && open > 0 && label_at(open - 1) && label_at(end))
    {
        return;
    }
    // `[.]` and `[@]` written tight are unambiguous; other forms only
    // count where they join two words (`(.)` alone in prose is not a dot).
    let tight = raw[open] == b'[' && !spaced;
    if with == Meaning::Dot || with == Meaning::At {
        let before = open.checked_sub(1).map(|i| raw[i]);
        let after = raw.get(end).copied();
        // Spaced forms only with square brackets, `regex (.) to` being
        // prose, but for the at, which prose does not write in brackets:
        // `intel (at) example.com`.
        let square = raw[open] == b'[' || with == Meaning::At;
        let spaced_after =
            square && after == Some(b' ') && raw.get(end + 1).is_some_and(|&b| is_label_byte(b));
        // A dot with a space before only is a TLD named in prose (`we
        // observed [.]info and [.]pw domains`), not a host: that space joins
        // only with one after (`evil [.] com`). A space after only is a
        // host's (`revcode[.] eu`).
        let spaced_before = square
            && (spaced_after || with == Meaning::At)
            && before == Some(b' ')
            && open >= 2
            && is_label_byte(raw[open - 2]);
        let joins_before = before.is_some_and(is_label_byte) || spaced_before;
        let joins_after = after.is_some_and(is_label_byte) || spaced_after;
        if !(tight || joins_before && joins_after) {
            return;
        }
        if spaced_before && joins_after {
            start -= 1;
        }
        if spaced_after && joins_before {
            stop += 1;
        }
        // A stray dot beside a tight token (`zloojq[.].com`,
        // `185.62.103.[.]33`) is the same separator written twice.
        if tight && with == Meaning::Dot {
            if after == Some(b'.') && before.is_some_and(is_label_byte) && label_at(end + 1) {
                stop += 1;
            } else if before == Some(b'.')
                && after.is_some_and(is_label_byte)
                && open >= 2
                && label_at(open - 2)
            {
                start -= 1;
            }
        }
    }
    out.push(Pending {
        start,
        end: stop,
        with,
        weak: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans of the tokens found for the bracket before the first dot of
    /// `raw`, once widened.
    fn swallowed(raw: &[u8]) -> Vec<(usize, usize)> {
        let open = raw.iter().position(|&b| b == b'.').expect("a dot") - 1;
        let mut pending = Vec::new();
        bracketed_at(raw, open, &mut pending);
        swallow_stray_brackets(raw, &mut pending);
        pending.iter().map(|p| (p.start, p.end)).collect()
    }

    /// `a` and `b` joined by `[.]` in `n` more pairs of brackets.
    fn nested(n: usize) -> Vec<u8> {
        [&b"a"[..], &vec![b'['; n], b"[.]", &vec![b']'; n], b"b"].concat()
    }

    #[test]
    fn nested_pairs_are_swallowed_up_to_the_limit() {
        assert_eq!(swallowed(&nested(0)), [(1, 4)]);
        assert_eq!(swallowed(&nested(3)), [(1, 10)]);
        assert_eq!(swallowed(&nested(MAX_PAIRS)), [(1, 2 * MAX_PAIRS + 4)]);
        assert_eq!(swallowed(&nested(MAX_PAIRS + 1)), []);
    }
}

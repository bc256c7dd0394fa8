//! Defang tokens: what each looks like in raw input and what it stands for.
//!
//! The refanged [`View`](super::view::View) asks [`token_at`] about every
//! position its [`classify`](super::classify) pass marks (a bracket, a
//! backslash, the lead byte of a wide dot, an escape, a `%`, a `__`, the
//! space before ` dot ` or ` AT `, a `://` a space follows, a soft hyphen's
//! second byte, a zero-width character's last, an `&`); the handler for
//! that byte decides from the bytes around it whether a token stands there
//! and what replaces it. The bracketed tokens live in [`bracketed`],
//! invisible characters in [`invisible`].
//! Tokens that are also ordinary prose (`(.)`, ` dot `, ` AT `) count only
//! where they join two words that can be labels.

use super::invisible;

mod bracketed;

use bracketed::bracketed_at;
pub(super) use bracketed::swallow_stray_brackets;
pub(crate) use bracketed::{ends_in_wrapped_dot_opening, newline_in_wrapped_dot};

/// What a defang token stands for. A byte, not the bytes themselves: input
/// dense with tokens (`"a"&"b"&…`, `a[.]b[.]…` on one line) holds one
/// `Pending` per few bytes, and their size is the view's peak memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Meaning {
    Nothing,
    Dot,
    At,
    Colon,
    SchemeSeparator,
    Slash,
    DoubleSlash,
    Hyphen,
    Space,
    /// Nothing, for an invisible character: no defang either.
    Invisible,
}

impl Meaning {
    /// The bytes the token stands for.
    pub(super) fn bytes(self) -> &'static [u8] {
        match self {
            Meaning::Nothing => b"",
            Meaning::Dot => b".",
            Meaning::At => b"@",
            Meaning::Colon => b":",
            Meaning::SchemeSeparator => b"://",
            Meaning::Slash => b"/",
            Meaning::DoubleSlash => b"//",
            Meaning::Hyphen => b"-",
            Meaning::Space => b" ",
            Meaning::Invisible => b"",
        }
    }
}

/// A replacement found in the raw input, before the view is assembled.
pub(super) struct Pending {
    /// Where the token starts in the input.
    pub(super) start: usize,
    /// Where it ends.
    pub(super) end: usize,
    /// What it stands for.
    pub(super) with: Meaning,
    /// A token that escapes rather than defangs: `\.` is how every regex,
    /// Sigma rule and escaped path writes a dot, so it says nothing of the
    /// writer's intent, and the context guards still apply to what it joins.
    pub(super) weak: bool,
}

/// True for bytes that may stand in a host label next to a token.
fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b >= 0x80
}

fn eq_ignore_case(hay: &[u8], at: usize, needle: &[u8]) -> bool {
    hay.len() >= at + needle.len() && hay[at..at + needle.len()].eq_ignore_ascii_case(needle)
}

/// Words a ` dot ` may not follow: "the dot com era" is not `the.com`.
const DOT_STOPWORDS: &[&[u8]] = &[
    b"the", b"a", b"an", b"and", b"or", b"of", b"to", b"in", b"on", b"at", b"by", b"is", b"as",
    b"with", b"for", b"from", b"that", b"this", b"red", b"blue", b"green", b"black", b"white",
    b"small", b"big", b"single", b"one",
];

/// Words a ` dot ` may not precede, though they are TLDs.
const DOT_STOPWORDS_RIGHT: &[&str] = &[
    "is", "in", "it", "at", "be", "me", "no", "to", "us", "so", "do", "my", "am", "as", "by",
    "one", "you", "now", "new", "how", "top", "win", "best",
];

/// Appends the defang token that starts at `i` (a position of the
/// [`DefangStart`](super::classify::DefangStart) class), if one does, to
/// `out`.
pub(super) fn token_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    match raw[i] {
        b'[' | b'(' | b'{' => bracketed_at(raw, i, out),
        b'\\' | b']' => backslash_or_half_bracket_at(raw, i, out),
        0xE3 => wide_dot_at(raw, i, out),
        0xEF => {
            wide_dot_at(raw, i, out);
            invisible::run_at(raw, i, out);
        }
        0xAD => {
            pdf_hyphen_at(raw, i, out);
            invisible::run_at(raw, i, out);
        }
        0x8B..=0x8D => invisible::run_at(raw, i, out),
        b'&' => excel_concatenation_at(raw, i, out),
        0x1B => terminal_escape_at(raw, i, out),
        b'%' => percent_separator_at(raw, i, out),
        b'_' => underscore_scheme_at(raw, i, out),
        b':' => spaced_scheme_separator_at(raw, i, out),
        _ => word_at(raw, i, out),
    }
}

/// `evil\.com`, `http:\/\/x`, `http:\\x` for the backslash at `i`, and the
/// half bracket `evil.]com` for the `]` at `i`.
fn backslash_or_half_bracket_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    let prev = i.checked_sub(1).map(|p| raw[p]);
    let next = raw.get(i + 1).copied();
    if raw[i] == b']' {
        if prev == Some(b'.')
            && i >= 2
            && is_label_byte(raw[i - 2])
            && next.is_some_and(is_label_byte)
        {
            out.push(Pending {
                start: i,
                end: i + 1,
                with: Meaning::Nothing,
                weak: false,
            });
        }
        return;
    }
    match next {
        Some(b'.')
            if prev.is_some_and(|b| b.is_ascii_alphanumeric())
                && raw.get(i + 2).is_some_and(|b| b.is_ascii_alphanumeric()) =>
        {
            out.push(Pending {
                start: i,
                end: i + 1,
                with: Meaning::Nothing,
                weak: true,
            });
        }
        Some(b'/') => out.push(Pending {
            start: i,
            end: i + 1,
            with: Meaning::Nothing,
            weak: false,
        }),
        Some(b'\\') if prev == Some(b':') && scheme_before(raw, i - 1) => out.push(Pending {
            start: i,
            end: i + 2,
            with: Meaning::DoubleSlash,
            weak: false,
        }),
        _ => {}
    }
}

/// `hxxp:// evil.com/x`: a scheme separator, at `colon`, that a space parts
/// from the host. Only a scheme before it and a label byte after the space
/// make it one: `the https:// prefix` then joins no host the URL
/// recogniser accepts, and `http:// [domain]` is left alone.
fn spaced_scheme_separator_at(raw: &[u8], colon: usize, out: &mut Vec<Pending>) {
    if scheme_before(raw, colon) && raw.get(colon + 4).is_some_and(u8::is_ascii_alphanumeric) {
        out.push(Pending {
            start: colon,
            end: colon + 4,
            with: Meaning::SchemeSeparator,
            weak: false,
        });
    }
}

/// True when letters that could be a URL scheme end at `colon` (exclusive).
fn scheme_before(raw: &[u8], colon: usize) -> bool {
    let mut s = colon;
    while s > 0 && (raw[s - 1].is_ascii_alphabetic() || raw[s - 1] == b'*') && colon - s < 8 {
        s -= 1;
    }
    colon - s >= 3
}

/// An ideographic or full-width dot (`。` `．` `・`) or the full-width at
/// (`＠`) whose lead byte is at `i`.
fn wide_dot_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    let seq = &raw[i..raw.len().min(i + 3)];
    let with = match seq {
        [0xE3, 0x80, 0x82] | [0xEF, 0xBC, 0x8E] | [0xE3, 0x83, 0xBB] => Meaning::Dot,
        [0xEF, 0xBC, 0xA0] => Meaning::At,
        _ => return,
    };
    let joins = i > 0
        && is_label_byte(raw[i - 1])
        && raw.get(i + 3).is_some_and(|b| b.is_ascii_alphanumeric());
    if joins {
        out.push(Pending {
            start: i,
            end: i + 3,
            with,
            weak: false,
        });
    }
}

/// `-\u{AD}\u{2010}` (a hyphen, a soft hyphen and a Unicode hyphen), which
/// some PDF exports write for every hyphen (`the-\u{AD}\u{2010}casgroup.com`).
pub(crate) const PDF_HYPHEN: &[u8] = b"-\xC2\xAD\xE2\x80\x90";

/// A [`PDF_HYPHEN`], for the soft hyphen's second byte at `i`: one hyphen.
/// Not a defang, so weak.
fn pdf_hyphen_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    if i >= 2 && raw[i - 2..].starts_with(PDF_HYPHEN) {
        out.push(Pending {
            start: i - 2,
            end: i + 4,
            with: Meaning::Hyphen,
            weak: true,
        });
    }
}

/// `"&"` joining two pieces of a name or path, for the `&` at `i`: nothing.
/// Excel 4.0 macros build their download URLs from pieces
/// (`"http://b"&"yr"&"dn.c"&"o"&"m/x"`). Weak: the guards still judge
/// what it joins.
///
/// A join inside a word with a scheme's `p__` or `s__` stays: the `__`
/// scheme separator (`hxxp__evil.com`) is decided on the input as written,
/// so a join dropped beside it (`hxxp__"&"evil`, `hxxp_"&"_evil`) would make
/// a value that reads differently when extracted on its own (fuzz).
fn excel_concatenation_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    let piece =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b':' | b'-' | b'_' | b'%');
    if i >= 2
        && raw[i - 1..].starts_with(b"\"&\"")
        && piece(raw[i - 2])
        && raw.get(i + 2).is_some_and(|&b| piece(b))
        && !joins_scheme_underscores(raw, i - 1, i + 2)
    {
        out.push(Pending {
            start: i - 1,
            end: i + 2,
            with: Meaning::Nothing,
            weak: true,
        });
    }
}

/// True when the word that a join `raw[start..end]` would make of the
/// words beside it holds what may be a scheme's `p__` or `s__`. A scheme
/// word is short, so a few bytes on either side are enough, and the look
/// stays bounded on any input.
fn joins_scheme_underscores(raw: &[u8], start: usize, end: usize) -> bool {
    const NEAR: usize = 16;
    let in_word = |b: &&u8| b.is_ascii_alphanumeric() || **b == b'_';
    let back = raw[..start]
        .iter()
        .rev()
        .take(NEAR)
        .take_while(in_word)
        .count();
    let ahead = raw[end..].iter().take(NEAR).take_while(in_word).count();
    let mut joined = [0u8; 2 * NEAR];
    joined[..back].copy_from_slice(&raw[start - back..start]);
    joined[back..back + ahead].copy_from_slice(&raw[end..end + ahead]);
    joined[..back + ahead]
        .windows(3)
        .any(|w| matches!(w, [b'p' | b'P' | b's' | b'S', b'_', b'_']))
}

/// ` dot `, ` DOT ` between labels, and ` AT ` between a local part and a
/// host, starting with the space at `i`.
fn word_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    let (needle, with): (&[u8], Meaning) = match raw.get(i + 1) {
        Some(b'd') => (b" dot ", Meaning::Dot),
        Some(b'D') => (b" DOT ", Meaning::Dot),
        _ => (b" AT ", Meaning::At),
    };
    if !raw[i..].starts_with(needle) {
        return;
    }
    let end = i + needle.len();
    let after_ok = raw.get(end).is_some_and(|b| b.is_ascii_alphanumeric());
    if !after_ok || i == 0 || !raw[i - 1].is_ascii_alphanumeric() {
        return;
    }
    if with == Meaning::Dot {
        let mut w = i;
        while w > 0 && is_label_byte(raw[w - 1]) {
            w -= 1;
        }
        let word = &raw[w..i];
        if DOT_STOPWORDS.iter().any(|s| word.eq_ignore_ascii_case(s)) {
            return;
        }
        // The right side must continue as a host: a label and then a
        // TLD-looking end, not a sentence.
        let mut e = end;
        while e < raw.len() && is_label_byte(raw[e]) {
            e += 1;
        }
        let right = String::from_utf8_lossy(&raw[end..e]).to_ascii_lowercase();
        // `the escaped dot is regex syntax`: English words that are TLDs.
        if DOT_STOPWORDS_RIGHT.contains(&right.as_str()) {
            return;
        }
        if !crate::psl::is_tld(&right)
            && !eq_ignore_case(raw, e, b" dot ")
            && raw.get(e) != Some(&b'.')
        {
            return;
        }
    } else if shouted_at(raw, i) {
        return;
    }
    out.push(Pending {
        start: i,
        end,
        with,
        weak: false,
    });
}

/// True when the ` AT ` at `i` stands in a line written in capitals
/// (`ENCODED DATA FROM PNG AT TANK50[.]TOP`): the word before it is in
/// capitals and so is the word before that. An address spelled out in
/// capitals follows a label or a line start (`E-MAIL: JOHN AT EVIL.COM`).
fn shouted_at(raw: &[u8], i: usize) -> bool {
    let upper_word_before = |end: usize| {
        let mut s = end;
        while s > 0 && raw[s - 1].is_ascii_alphanumeric() {
            s -= 1;
        }
        let word = &raw[s..end];
        let shouted = word.len() >= 2
            && word.iter().any(u8::is_ascii_uppercase)
            && !word.iter().any(u8::is_ascii_lowercase);
        shouted.then_some(s)
    };
    match upper_word_before(i) {
        Some(s) if s > 0 && raw[s - 1] == b' ' => upper_word_before(s - 1).is_some(),
        _ => false,
    }
}

/// `http__evil.com`: a scheme followed by the two underscores at `i`. The
/// word before must be a scheme (`hxxps__`), not any word (`class__init`,
/// a path's `aas__0`): identifiers are full of double underscores.
fn underscore_scheme_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    if i == 0
        || !matches!(raw[i - 1], b'p' | b'P' | b's' | b'S')
        || crate::extract::url::scheme_before(raw, i, 0).is_none()
    {
        return;
    }
    if raw.get(i + 2).is_some_and(|b| b.is_ascii_alphanumeric()) {
        out.push(Pending {
            start: i,
            end: i + 2,
            with: Meaning::SchemeSeparator,
            weak: false,
        });
    }
}

/// `https%3A%2F%2Fevil.com`: a percent-encoded scheme separator at `i`.
fn percent_separator_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    if eq_ignore_case(raw, i, b"%3a%2f%2f") && scheme_before(raw, i) {
        out.push(Pending {
            start: i,
            end: i + 9,
            with: Meaning::SchemeSeparator,
            weak: false,
        });
    }
}

/// An ANSI terminal escape (`ESC [ 1 m`) at `i` in pasted console output
/// becomes a space, so `\x1b[1mevil.com` reads as `evil.com`.
fn terminal_escape_at(raw: &[u8], i: usize, out: &mut Vec<Pending>) {
    if raw.get(i + 1) != Some(&b'[') {
        return;
    }
    let mut e = i + 2;
    while e < raw.len() && e - i < 16 && (raw[e].is_ascii_digit() || raw[e] == b';') {
        e += 1;
    }
    if raw.get(e).is_some_and(u8::is_ascii_alphabetic) {
        out.push(Pending {
            start: i,
            end: e + 1,
            with: Meaning::Space,
            weak: false,
        });
    }
}

//! URL recognition: schemes (plain and defanged), authorities and where a
//! URL written in prose ends.
//!
//! A URL ends at whitespace, a quote or angle bracket, or a closing bracket
//! that has no opening partner inside the URL (so `(see http://x.com/a)` and
//! markdown links `[t](http://x.com/a)` end where a reader expects, while
//! `http://x.com/wiki/A_(b)` keeps its parentheses), a comma that starts
//! the next field of a list or CSV row rather than a path segment (another
//! URL, a date, a digest), an AsciiDoc link title (`URL[title]`), or the
//! scheme of the next URL of a list run together (`/a.exehttp://b/`).
//! Trailing sentence punctuation is then trimmed. One line end does not end
//! a URL: the one after a hyphen where PDF exports wrap long paths.

/// A scheme as written and what it stands for.
pub(crate) struct Scheme {
    /// Offset of its first byte in the view.
    pub start: usize,
    /// The canonical scheme (`http`, `https`, `ftp` …).
    pub canonical: &'static str,
    /// True when it was written defanged (`hxxp`, `h[tt]p`, `meow` …).
    pub defanged: bool,
}

const PLAIN_SCHEMES: &[&str] = &[
    "http", "https", "ftp", "ftps", "sftp", "ws", "wss", "tcp", "udp", "smb", "ldap", "ldaps",
    "rtsp", "ssh", "telnet", "tftp", "irc", "file", "git", "svn", "rdp", "vnc", "socks5", "socks4",
    "socks",
];

/// Recognises the scheme that ends at `colon` (the `:` of `://`), looking no
/// further left than `floor`.
pub(crate) fn scheme_before(text: &[u8], colon: usize, floor: usize) -> Option<Scheme> {
    let mut s = colon;
    while s > floor
        && (text[s - 1].is_ascii_alphanumeric() || matches!(text[s - 1], b'*' | b'_' | b'[' | b']'))
        && colon - s < 16
    {
        s -= 1;
    }
    // Try the longest run first, then shorter tails (`urlhttp://` → `http`).
    // The run is at most 16 bytes, so each tail is lower-cased on the stack.
    let mut buf = [0u8; 16];
    (s..colon).find_map(|start| {
        let run = &text[start..colon];
        // A bracket that opens the run and closes nowhere in it is the
        // text's (a Markdown link's `[https://…](…)`), not the scheme's
        // (`[http]`, `h[tt]p`, `hxxp[://`).
        if run[0] == b'[' && !run.contains(&b']') {
            return None;
        }
        let mut len = 0;
        for &b in run {
            if !matches!(b, b'[' | b']') {
                buf[len] = b.to_ascii_lowercase();
                len += 1;
            }
        }
        let had_brackets = colon - start != len;
        classify(&buf[..len]).map(|(canonical, defanged)| Scheme {
            start,
            canonical,
            defanged: defanged || had_brackets,
        })
    })
}

/// The scheme of a URL written without the colon of `://` (`http//host`,
/// `hxxps//1.2.3.4/x`) whose host starts at `host`: a word of the http
/// family right before a `//` there. Other schemes need their colon: `C//`
/// or `file//` in a path says nothing of a URL.
pub(crate) fn colonless_scheme(text: &[u8], host: usize) -> Option<Scheme> {
    if host < 6 || &text[host - 2..host] != b"//" {
        return None;
    }
    let scheme = scheme_before(text, host - 2, host - 2 - (host - 2).min(16))?;
    scheme.canonical.starts_with("http").then_some(scheme)
}

/// Maps a lower-cased scheme word to its canonical scheme.
fn classify(word: &[u8]) -> Option<(&'static str, bool)> {
    if let Some(p) = PLAIN_SCHEMES.iter().find(|p| p.as_bytes() == word) {
        return Some((p, false));
    }
    match word {
        b"meow" => return Some(("http", true)),
        b"meows" => return Some(("https", true)),
        b"fxp" | b"fxxp" => return Some(("ftp", true)),
        b"fxps" => return Some(("ftps", true)),
        // A letter dropped (`htps://`, `xxps://`) defangs as well as one
        // replaced.
        b"htp" | b"xxp" => return Some(("http", true)),
        b"htps" | b"xxps" => return Some(("https", true)),
        _ => {}
    }
    // The http family: h, then 2–3 of t/x/*/_, then p, then an optional s.
    let (body, secure) = match word {
        [b'h', body @ .., b'p', b's'] => (body, true),
        [b'h', body @ .., b'p'] => (body, false),
        _ => return None,
    };
    let fits = (2..=3).contains(&body.len())
        && body.iter().all(|b| matches!(b, b't' | b'x' | b'*' | b'_'));
    fits.then_some((if secure { "https" } else { "http" }, true))
}

/// True for bytes that may appear inside a URL written in text.
/// Non-ASCII ends a URL: text glued to a URL in CJK prose, typographic quotes
/// and no-break spaces are far more common in reports than IRIs.
pub(crate) const fn is_url_byte(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | b'|' | b'^' | b'\\'
        )
}

/// What a byte is to [`rest_end`]: the end of the URL, an ordinary URL
/// byte, a bracket to balance, or a comma to look past.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UrlByte {
    End,
    Plain,
    Bracket,
    Comma,
    Colon,
}

const fn url_byte_table() -> [UrlByte; 256] {
    let mut t = [UrlByte::End; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if !is_url_byte(b) {
            UrlByte::End
        } else if matches!(b, b'(' | b')' | b'[' | b']') {
            UrlByte::Bracket
        } else if b == b',' {
            UrlByte::Comma
        } else if b == b':' {
            UrlByte::Colon
        } else {
            UrlByte::Plain
        };
        i += 1;
    }
    t
}

static URL_BYTE: [UrlByte; 256] = url_byte_table();

/// The bytes of 16 that [`URL_BYTE`] calls plain, as a bit mask: ASCII
/// graphic bytes but for `"<>`{}|^\`, the brackets, `,` and `:`.
///
/// # Safety
/// `block` must be readable for 16 bytes.
#[cfg(target_arch = "x86_64")]
unsafe fn plain_mask_sse2(block: *const u8) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64; the caller guarantees the bytes.
    unsafe {
        let in_range = super::classify::in_range_sse2;
        let eq = |v, b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        let or = |a, b| _mm_or_si128(a, b);
        let v = _mm_loadu_si128(block.cast());
        let special = or(
            or(
                or(eq(v, b'"'), in_range(v, b'(', b')')),
                or(eq(v, b','), eq(v, b':')),
            ),
            or(
                or(eq(v, b'<'), eq(v, b'>')),
                or(
                    or(in_range(v, b'[', b'^'), eq(v, b'`')),
                    in_range(v, b'{', b'}'),
                ),
            ),
        );
        let graphic = in_range(v, b'!', b'~');
        _mm_movemask_epi8(_mm_andnot_si128(special, graphic)) as u32
    }
}

/// The end of the URL text whose path, query or fragment starts at `at`
/// (after the authority), with unbalanced closers and trailing punctuation
/// left out.
///
/// The helpers for the rarer ends (a hyphen-wrapped line, a link title, a
/// glued scheme) are kept out of line: inlined, they cost every path's byte
/// loop about four instructions a byte (`quoted_rest_end` on
/// `reports-part01.txt`: 6.6 M instructions out of line, 9.4 M inlined).
pub(crate) fn rest_end(text: &[u8], at: usize) -> usize {
    let mut depth_paren = 0i32;
    let mut depth_square = 0i32;
    let mut e = at;
    while e < text.len() {
        // Paths are mostly plain bytes: 16 are skipped at once, and the
        // byte loop only sees the others.
        #[cfg(target_arch = "x86_64")]
        if e + 16 <= text.len() {
            // SAFETY: 16 bytes are readable at `e`.
            let plain = unsafe { plain_mask_sse2(text.as_ptr().add(e)) };
            if plain == 0xFFFF {
                e += 16;
                continue;
            }
            e += plain.trailing_ones() as usize;
        }
        let b = text[e];
        match URL_BYTE[usize::from(b)] {
            UrlByte::Plain => {}
            UrlByte::End => match hyphen_wrap_end(text, at, e) {
                Some(next) => {
                    e = next;
                    continue;
                }
                None => break,
            },
            UrlByte::Bracket => match b {
                b'(' => depth_paren += 1,
                b')' if depth_paren == 0 => break,
                b')' => depth_paren -= 1,
                // `[.` left in the view is a bracket before a refanged dot
                // that joins no labels (`a[[.]-`): the URL ends there, or
                // its value, alone, would read as a half-bracket defang.
                b'[' if text.get(e + 1) == Some(&b'.') || opens_link_text(&text[e + 1..]) => break,
                b'[' => depth_square += 1,
                b']' if depth_square == 0 => break,
                _ => depth_square -= 1,
            },
            UrlByte::Comma if starts_next_field(&text[e + 1..]) => break,
            UrlByte::Comma => {}
            UrlByte::Colon => {
                if let Some(next) = glued_next_url(text, at, e) {
                    e = next;
                    break;
                }
            }
        }
        e += 1;
    }
    let end = trim_trailing(text, at, e);
    match note_number_start(&text[at..end]) {
        Some(open) => trim_trailing(text, at, at + open),
        None => end,
    }
}

/// Where a note's number glued to the end of a URL's `rest` starts: a
/// reference list numbers its entries right after the URL
/// (`/msg07625.html[2] September 8`, `/status/1262[3]:`), where an index
/// inside a query is followed by more of it (`?a[0]=1`). Read off the
/// URL's own end, so its value alone ends where it did in the text.
fn note_number_start(rest: &[u8]) -> Option<usize> {
    let [head @ .., b']'] = rest else {
        return None;
    };
    let digits = head
        .iter()
        .rev()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let open = head.len().checked_sub(digits + 1)?;
    ((1..=3).contains(&digits) && head[open] == b'[').then_some(open)
}

/// True when the `[` before `after` opens a link's text rather than part
/// of the URL: AsciiDoc writes `https://x/y[the title]`, and a title holds
/// a space or runs past the line end; placeholders (`?id=[attackerID]`) do
/// not. Looks at most 64 bytes ahead.
#[inline(never)]
fn opens_link_text(after: &[u8]) -> bool {
    // A closing markup tag: `[param]http://x/raw/2cLs[/param]`.
    if let [b'/', rest @ ..] = after {
        let name = leading(rest, 16, u8::is_ascii_alphabetic);
        if name > 0 && rest.get(name) == Some(&b']') {
            return true;
        }
    }
    for &b in after.iter().take(64) {
        match b {
            b']' => return false,
            b' ' | b'\t' | b'\n' | b'\r' => return true,
            _ => {}
        }
    }
    false
}

/// How many of the first `most` bytes of `bytes` are of the class `is`.
fn leading(bytes: &[u8], most: usize, is: impl Fn(&u8) -> bool) -> usize {
    bytes.iter().take(most).take_while(|b| is(b)).count()
}

/// [`rest_end`] for a URL that starts at `url_start`: a URL that a quote
/// or AsciiDoc's `++` or `` `+ `` opens (`'http://x/a.php';`,
/// `` `evil.com/x` ``, `++http://x/a.js++`) ends where the same mark closes
/// it, which a path may otherwise hold.
pub(crate) fn quoted_rest_end(text: &[u8], url_start: usize, at: usize) -> usize {
    let end = rest_end(text, at);
    if url_start >= 2 {
        // AsciiDoc passthrough: `++…++`, or `+…+` inside backticks.
        let closer: Option<&[u8]> = match &text[url_start - 2..url_start] {
            b"++" => Some(b"++"),
            b"`+" => Some(b"+`"),
            _ => None,
        };
        // The backtick of `+` ends the URL bytes: the search takes it in.
        let hay = &text[at..(end + 1).min(text.len())];
        if let Some(i) = closer.and_then(|c| memchr::memmem::find(hay, c)) {
            return trim_trailing(text, at, at + i);
        }
    }
    match url_start.checked_sub(1).map(|i| text[i]) {
        Some(quote @ (b'\'' | b'`')) => match memchr::memchr(quote, &text[at..end]) {
            Some(i) => trim_trailing(text, at, at + i),
            None => end,
        },
        _ => end,
    }
}

/// True when the text after a comma is the next field of a list or CSV row
/// rather than more of the URL: another URL (`/a/,http://b`, `','http`), a
/// date (`/gate/,2016-08-21 14:38`) or a digest. Commas inside paths and
/// queries (`?ids=1,2,3`, `/win%2021,0,0,182`) are followed by none of
/// these. Looks at most 129 bytes ahead, so a run of commas stays linear.
fn starts_next_field(after: &[u8]) -> bool {
    let after = match after.first() {
        Some(b'\'' | b'"') => &after[1..],
        _ => after,
    };
    let letters = after
        .iter()
        .take(9)
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    if (3..=8).contains(&letters) && after[letters..].starts_with(b"://") {
        return true;
    }
    let digit = |i: usize| after.get(i).is_some_and(u8::is_ascii_digit);
    let date = (0..4).all(digit)
        && matches!(after.get(4), Some(b'-' | b'/'))
        && digit(5)
        && digit(6)
        && after.get(7) == after.get(4)
        && digit(8)
        && digit(9);
    if date {
        return true;
    }
    let hex = leading(after, 129, u8::is_ascii_hexdigit);
    crate::IndicatorKind::hash_for_len(hex).is_some()
        && !after.get(hex).is_some_and(u8::is_ascii_alphanumeric)
}

/// Where the next line goes on with the URL whose path, broken at a hyphen,
/// reaches the line end at `e`: text exported from PDF wraps long URLs
/// there (`…/lizard-stresser-runs-on-\nhacked-home-routers/`), sometimes
/// with a blank line between (`…/operation-\n\nclandestine-wolf/`). A URL
/// never ends in `-`, and the next line must start like a path goes on (a
/// lower-case letter or a digit). [`crate::chunked`] never cuts a piece
/// after such a line end.
#[inline(never)]
fn hyphen_wrap_end(text: &[u8], at: usize, e: usize) -> Option<usize> {
    if e <= at || text[e - 1] != b'-' {
        return None;
    }
    let line_end = |i: usize| match &text[i..] {
        [b'\n', ..] => Some(i + 1),
        [b'\r', b'\n', ..] => Some(i + 2),
        _ => None,
    };
    let mut next = line_end(e)?;
    if let Some(after_blank) = line_end(next) {
        next = after_blank;
    }
    if !text
        .get(next)
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return None;
    }
    // The next item of a list is no rest of this path: another URL
    // (`…/--\nhttps://b/`), or a host or address alone on its line
    // (`…/four-rooms-\npiratebays.fi`, `…?id=-email-\n47.91.31.166`).
    let line = &text[next..];
    let token = &line[..line
        .iter()
        .position(|&b| !is_url_byte(b))
        .unwrap_or(line.len())];
    let another_url = memchr::memmem::find(token, b"://").is_some();
    let host_alone = !token.contains(&b'/')
        && (token.iter().all(|&b| b.is_ascii_digit() || b == b'.')
            || std::str::from_utf8(token).is_ok_and(crate::psl::has_known_suffix));
    (!another_url && !host_alone).then_some(next)
}

/// Appends the path, query and fragment `rest` of a URL to `out` as
/// [`push_lossy`](super::push_lossy) does, without the line ends of a URL
/// wrapped at a hyphen.
pub(crate) fn push_rest(out: &mut String, rest: &[u8]) {
    if memchr::memchr(b'\n', rest).is_none() {
        super::push_lossy(out, rest);
        return;
    }
    for line in rest.split(|&b| b == b'\n') {
        super::push_lossy(out, line.strip_suffix(b"\r").unwrap_or(line));
    }
}

/// The start of the next URL of a list run together without separators
/// (`/ts.exehttp://b.com/u2.exe`, text copied out of a PDF), when the `:`
/// at `colon` is its scheme's: the scheme is glued to a file extension.
/// A URL nested in a query or path (`?u=http://`, `/web/2019/http://`)
/// has a separator before its scheme and goes on.
#[inline(never)]
fn glued_next_url(text: &[u8], at: usize, colon: usize) -> Option<usize> {
    if !text[colon + 1..].starts_with(b"//") {
        return None;
    }
    let scheme = scheme_before(text, colon, at)?;
    let mut ext = scheme.start;
    while ext > at && text[ext - 1].is_ascii_alphanumeric() && scheme.start - ext < 6 {
        ext -= 1;
    }
    let glued = (2..=5).contains(&(scheme.start - ext)) && ext > at && text[ext - 1] == b'.';
    glued.then_some(scheme.start)
}

/// Drops sentence punctuation from the end of `text[start..end]`.
pub(crate) fn trim_trailing(text: &[u8], start: usize, mut end: usize) -> usize {
    while end > start {
        match text[end - 1] {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' | b'*' => end -= 1,
            b')' if unbalanced(&text[start..end], b'(', b')') => end -= 1,
            b']' if unbalanced(&text[start..end], b'[', b']') => end -= 1,
            _ => break,
        }
    }
    end
}

fn unbalanced(s: &[u8], open: u8, close: u8) -> bool {
    let opens = s.iter().filter(|&&b| b == open).count();
    let closes = s.iter().filter(|&&b| b == close).count();
    closes > opens
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value in every lane: the mask calls plain exactly the
    /// bytes the table does.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn plain_mask_agrees_with_the_table() {
        for b in 0..=255u8 {
            for lane in 0..16 {
                let mut block = [b'a'; 16];
                block[lane] = b;
                // SAFETY: 16 bytes.
                let mask = unsafe { plain_mask_sse2(block.as_ptr()) };
                let plain = URL_BYTE[usize::from(b)] == UrlByte::Plain;
                assert_eq!(mask >> lane & 1 == 1, plain, "byte {b:#04x} lane {lane}");
                assert_eq!(mask | 1 << lane, 0xFFFF, "byte {b:#04x} lane {lane}");
            }
        }
    }

    fn scheme(s: &str) -> Option<(&'static str, bool)> {
        let colon = s.find(':').unwrap();
        scheme_before(s.as_bytes(), colon, 0).map(|x| (x.canonical, x.defanged))
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("http://"), Some(("http", false)));
        assert_eq!(scheme("hxxps://"), Some(("https", true)));
        assert_eq!(
            scheme("hXXp://".to_ascii_lowercase().as_str()),
            Some(("http", true))
        );
        assert_eq!(scheme("h**p://"), Some(("http", true)));
        assert_eq!(scheme("h[tt]p://"), Some(("http", true)));
        assert_eq!(scheme("htxp://"), Some(("http", true)));
        assert_eq!(scheme("meow://"), Some(("http", true)));
        assert_eq!(scheme("fxp://"), Some(("ftp", true)));
        assert_eq!(scheme("urlhttp://"), Some(("http", false)));
        assert_eq!(scheme("foo://"), None);
    }

    #[test]
    fn ends() {
        let t = b"/a/b(c)/d). next";
        assert_eq!(&t[..rest_end(t, 0)], b"/a/b(c)/d");
        let t = b"/gate.php?id=1, then";
        assert_eq!(&t[..rest_end(t, 0)], b"/gate.php?id=1");
        let t = b"/x](http://y)";
        assert_eq!(&t[..rest_end(t, 0)], b"/x");
        for (t, want) in [
            (&b"/panel/,2016-08-21 14:38:31,ba20"[..], &b"/panel/"[..]),
            (b"/a/,http://b.top/,http://c.top/", b"/a/"),
            (b"/a.php','https://b.top/'", b"/a.php"),
            (b"/p,d41d8cd98f00b204e9800998ecf8427e,x", b"/p"),
            (b"/q?ids=1,2,3 next", b"/q?ids=1,2,3"),
            (b"/win%2021,0,0,182 x", b"/win%2021,0,0,182"),
            (b"/a,b,c/d", b"/a,b,c/d"),
            (b"/a,2016-08", b"/a,2016-08"),
            (b"/ts.exehttp://b.com/u.exe", b"/ts.exe"),
            (b"/index.gifhxxp://b.com/", b"/index.gif"),
            (b"/?u=http://b.com/", b"/?u=http://b.com/"),
            (b"/web/2019/http://b.com/", b"/web/2019/http://b.com/"),
            (b"/a.phpurlhttp://b.com/", b"/a.phpurlhttp://b.com/"),
            (b"/runs-on-\nhacked-home/ next", b"/runs-on-\nhacked-home/"),
            (b"/runs-on-\r\nhacked/ x", b"/runs-on-\r\nhacked/"),
            (b"/runs-on-\nThe next", b"/runs-on-"),
            (b"/runs-on\nhacked", b"/runs-on"),
            (b"/four-rooms-\npiratebays.fi\n", b"/four-rooms-"),
            (b"/--\nhttps://b.com/x\n", b"/--"),
            (b"?id=-email-\n47.91.31.166\n", b"?id=-email-"),
            (b"/formu-\nlaire15.php x", b"/formu-\nlaire15.php"),
            (
                b"/2018/12/06/danabot/[DanaBot evolves]",
                b"/2018/12/06/danabot/",
            ),
            (b"/x.pdf[\n\"A wild", b"/x.pdf"),
            (b"/a[.hxxpa-", b"/a"),
            (
                b"/p.php?id=[attackerID]&k=[key] x",
                b"/p.php?id=[attackerID]&k=[key]",
            ),
            (
                b"/a,d41d8cd98f00b204e9800998ecf8427eff",
                b"/a,d41d8cd98f00b204e9800998ecf8427eff",
            ),
        ] {
            let got = &t[..rest_end(t, 0)];
            assert_eq!(
                got,
                want,
                "{} gave {}",
                String::from_utf8_lossy(t),
                String::from_utf8_lossy(got)
            );
        }
    }
}

//! Host names: where a host token starts and ends, and whether it is a domain.
//!
//! A domain is accepted when its labels are well-formed and its suffix is an
//! explicit entry of the Public Suffix List (the implicit `*` rule is not
//! enough: `setup.exe` has no known suffix). Internationalised names are
//! converted to A-labels (`xn--…`) before the lookup, so the canonical value
//! is always ASCII.

use super::lexicon::GLUED_WORD_TLDS;
use super::name_masks::{Labels, NameMasks, MAX_LEN};
use crate::psl;

/// True for bytes that may form a host token (labels and dots).
pub(crate) fn is_host_byte(b: u8) -> bool {
    // Asked of every byte of every token grown: one load, not five tests.
    HOST_BYTE[usize::from(b)]
}

static HOST_BYTE: [bool; 256] =
    byte_table!(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') || b >= 0x80);

/// Narrows `text[start..end]` (host bytes around `anchor`) to the part made
/// of letters, digits, `-`, `_` and `.`, dropping non-ASCII punctuation
/// (typographic quotes, ideographic full stops) and everything beyond it.
pub(crate) fn narrow_token(text: &[u8], start: usize, end: usize, anchor: usize) -> (usize, usize) {
    if text[start..end].is_ascii() {
        return (start, end);
    }
    let s = String::from_utf8_lossy(&text[start..end]);
    if s.len() != end - start {
        // Invalid UTF-8 inside: keep the ASCII run around the anchor.
        let mut a = anchor;
        while a > start && text[a - 1].is_ascii() && is_host_byte(text[a - 1]) {
            a -= 1;
        }
        let mut b = anchor;
        while b < end && text[b].is_ascii() && is_host_byte(text[b]) {
            b += 1;
        }
        return (a, b);
    }
    let rel = anchor - start;
    let ok = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut a = rel;
    for (i, c) in s[..rel].char_indices().rev() {
        if !ok(c) {
            break;
        }
        a = i;
    }
    let mut b = rel;
    for (i, c) in s[rel..].char_indices() {
        if !ok(c) {
            break;
        }
        b = rel + i + c.len_utf8();
    }
    (start + a, start + b)
}

/// Where a host token ends when a capitalised word is glued to its last
/// label (`walrmart44.comFigure 10`, `Host: innah.cnCache-Control:`): text
/// taken from web pages loses the break before a caption or the next
/// header. The token is cut after the lower-case run that starts the label
/// when that run is one of the TLDs most hosts use and the rest is
/// capitalised words (`Content-Length`, `CertVerifyCertificate`) that no
/// `(` follows. Code names members the same way (`baos.toByteArray()`,
/// `bi.appChannel`, `hdr.usLength`), with verbs and prefixes that rarer TLDs
/// share, hence the short list; `deSigN` or `comPIN` stay whole (and then
/// read as no host). Otherwise `end`.
pub(crate) fn cut_glued_word(text: &[u8], start: usize, end: usize) -> usize {
    let Some(dot) = memchr::memrchr(b'.', &text[start..end]) else {
        return end;
    };
    let label = start + dot + 1;
    let mut i = label;
    while i < end && text[i].is_ascii_lowercase() {
        i += 1;
    }
    if i == label || i == end || !text[i].is_ascii_uppercase() {
        return end;
    }
    let mut j = i;
    while j < end {
        // One capitalised word, then a hyphen or the next word.
        if !text[j].is_ascii_uppercase() {
            return end;
        }
        let word = j + 1;
        j = word;
        while j < end && text[j].is_ascii_lowercase() {
            j += 1;
        }
        if j == word {
            return end;
        }
        if j < end && text[j] == b'-' {
            j += 1;
            if j == end {
                return end;
            }
        }
    }
    if text.get(end) == Some(&b'(') {
        return end;
    }
    if common_tld(&text[label..i]) {
        i
    } else {
        end
    }
}

/// True for one of [`GLUED_WORD_TLDS`], the TLDs most hosts use.
fn common_tld(label: &[u8]) -> bool {
    GLUED_WORD_TLDS
        .iter()
        .any(|t| t.as_bytes().eq_ignore_ascii_case(label))
}

/// Where the first host of a list run together ends
/// (`www.google.comwww.yahoo.com`, `mail.google.comwww.google.com`), given
/// `www`, the start of a `www.` inside `text[start..end]`: there, when it
/// is glued to a label that is one of the commonest TLDs and a dot comes
/// before that label. A token longer than a host name may be is a list
/// glued together more often without `www.` than with it, so it is left
/// whole (and reads as no host). Otherwise `end`.
pub(crate) fn cut_glued_host_list(text: &[u8], start: usize, end: usize, www: usize) -> usize {
    if end - start > 253 || www <= start {
        return end;
    }
    let Some(dot) = memchr::memrchr(b'.', &text[start..www]).map(|d| start + d) else {
        return end;
    };
    if common_tld(&text[dot + 1..www]) {
        www
    } else {
        end
    }
}

/// Where a host token ends when the first word of the next sentence is
/// glued to it by a missing space (`foodsgoodforliver.com.If you`,
/// `script.google[.]com.The`): before that word, a capitalised last label,
/// when the label before it is one of the TLDs most hosts use, in lower
/// case. Java names classes the same way after their package
/// (`android.app.Application`, `com.android.Olympics`), under words that
/// are no such TLD; code that keeps its capitals (`System.IO.File`) stays
/// whole, to be turned down by the guards. Otherwise `end`.
pub(crate) fn cut_glued_sentence(text: &[u8], start: usize, end: usize) -> usize {
    let Some(dot) = memchr::memrchr(b'.', &text[start..end]).map(|d| start + d) else {
        return end;
    };
    let word = &text[dot + 1..end];
    let capitalised = word.len() >= 2
        && word[0].is_ascii_uppercase()
        && word[1..].iter().all(u8::is_ascii_lowercase);
    if !capitalised {
        return end;
    }
    let label_start = memchr::memrchr(b'.', &text[start..dot]).map_or(start, |d| start + d + 1);
    // `…on.com.Mozilla/5.0`: a User-Agent's product goes on past the word.
    if common_tld(&text[label_start..dot]) && label_start > start && text.get(end) != Some(&b'/') {
        dot
    } else {
        end
    }
}

/// Trims the punctuation a host cannot start or end with.
pub(crate) fn trim_host(text: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && matches!(text[start], b'.' | b'-' | b'_') {
        start += 1;
    }
    while end > start && matches!(text[end - 1], b'.' | b'-' | b'_') {
        end -= 1;
    }
    (start, end)
}

/// Appends the canonical domain for `token` to `out` and returns its
/// labels, or returns `None` and leaves `out` alone when it is not one:
/// values are built in the buffer of a search's candidates, and a URL's
/// around its host, without a string of the host's own.
///
/// Most dotted tokens in prose are not domains (`e.g`, `file.exe`,
/// `System.Net`), and the suffix list rejects most of them on the probe of
/// their last label, before the labels are checked. An ASCII token is
/// lower-cased into a copy on the stack first all the same: for a name of
/// up to 64 bytes its bit masks (one SSE2 pass over the copy) then give the
/// suffix walk its label starts and the label check its answer, where
/// loops over the bytes would each end on an often mispredicted branch (on
/// a feed of domains: 4 % fewer instructions, 9 % fewer mispredicted
/// branches, 6–12 % less time).
/// Only a domain is written out.
pub(crate) fn push_canonical_domain(out: &mut String, token: &[u8]) -> Option<Labels> {
    if token.len() < 3 || token.len() > 253 {
        return None;
    }
    if token.is_ascii() {
        let len = token.len();
        // Zeros after the name: a short name's masks are read off the copy.
        let mut buf = [0u8; 253];
        buf[..len].copy_from_slice(token);
        buf[..len].make_ascii_lowercase();
        let (lower, head) = (&buf[..len], buf.first_chunk::<MAX_LEN>()?);
        // A short name's dots guide the suffix walk, and its masks are the
        // label check's.
        let masks = (len <= MAX_LEN).then(|| NameMasks::of_block(head, len));
        let mut suffix = match &masks {
            Some(masks) => psl::suffix_len_dotted(lower, masks.dots()),
            None => psl::suffix_len_bytes(lower),
        }?;
        if suffix == len {
            suffix = psl::wildcard_host_parent_len(lower)
                .or_else(|| psl::private_rule_parent_len(lower))?;
        }
        let (name, labels) = checked_ascii_domain(lower, suffix, masks)?;
        out.push_str(name);
        return Some(labels);
    }
    let last = token.rsplit(|&b| b == b'.').next().unwrap_or_default();
    if last.is_ascii() && !psl::ends_some_rule(last) {
        return None;
    }
    let name = std::str::from_utf8(token)
        .ok()
        .and_then(|u| idna::domain_to_ascii(u).ok())?;
    let suffix = psl::suffix_len_bytes(name.as_bytes())?;
    let (_, labels) = checked_ascii_domain(name.as_bytes(), suffix, None)?;
    out.push_str(&name);
    Some(labels)
}

/// `name` (lower-case ASCII) as a `&str`, with its labels, when it is a
/// well-formed host name whose public suffix, `suffix` bytes long, leaves a
/// real registrable label before it.
///
/// An all-digit registrable label is well-formed (`163.com`, `4399.com`);
/// whether `3.com` in prose is a number is for the context guards.
/// `masks`, when given, are the name's own.
fn checked_ascii_domain(
    name: &[u8],
    suffix: usize,
    masks: Option<NameMasks>,
) -> Option<(&str, Labels)> {
    if name.len() < 3 || name.len() > 253 || suffix >= name.len() {
        return None;
    }
    let labels = match masks {
        Some(masks) => masks.labels(),
        None => Labels::of(name),
    }?;
    if labels.count < 2 {
        return None;
    }
    // The registrable label must be a real host label: no underscore
    // (`my_var.com` is code), except under a platform's suffix, which
    // hands out whatever name its customer types
    // (`coinbase_x_login.godaddysites.com`). Underscores are rare, so the
    // label is looked for only after one.
    if labels.underscore {
        let head = &name[..name.len() - suffix - 1];
        let label = &head[head.iter().rposition(|&b| b == b'.').map_or(0, |d| d + 1)..];
        if label.contains(&b'_') && !crate::psl::is_private_rule(&name[name.len() - suffix..]) {
            return None;
        }
    }
    // SAFETY: the label checks admit ASCII letters, digits, `-`, `_` and
    // dots only.
    Some((unsafe { std::str::from_utf8_unchecked(name) }, labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical_domain(token: &[u8]) -> Option<String> {
        let mut out = String::new();
        push_canonical_domain(&mut out, token).map(|_| out)
    }

    #[test]
    fn domains() {
        assert_eq!(canonical_domain(b"Evil.COM").as_deref(), Some("evil.com"));
        assert_eq!(
            canonical_domain(b"a.b.evil.co.uk").as_deref(),
            Some("a.b.evil.co.uk")
        );
        assert_eq!(
            canonical_domain("пример.рф".as_bytes()).as_deref(),
            Some("xn--e1afmkfd.xn--p1ai")
        );
        assert_eq!(
            canonical_domain("bücher.de".as_bytes()).as_deref(),
            Some("xn--bcher-kva.de")
        );
        for bad in [
            &b"setup.exe"[..],
            b"co.uk",
            b"a..com",
            b"-a.com",
            b"evil_x.com",
            b"3.14",
        ] {
            assert_eq!(
                canonical_domain(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn narrowing() {
        let t = "see “evil.com” now".as_bytes();
        let s = t.iter().position(|&b| b == b'e').unwrap();
        let dot = s + t[s..].iter().position(|&b| b == b'.').unwrap();
        let (mut a, mut b) = (dot, dot);
        while a > 0 && is_host_byte(t[a - 1]) {
            a -= 1;
        }
        while b < t.len() && is_host_byte(t[b]) {
            b += 1;
        }
        let (a, b) = narrow_token(t, a, b, dot);
        assert_eq!(&t[a..b], b"evil.com");
    }
}

//! Recognisers that need no anchor punctuation: hex digests, CVE identifiers
//! and AS numbers.
//!
//! Hex digests are found from whole hex chunks: a run of at least 32 hex
//! digits covers a 16-byte-aligned chunk of hex digits, which a
//! [`classify`](super::classify) pass finds 32 bytes at a time, so a run is
//! only grown where one is. CVEs and ASNs share one
//! [`classify`](super::classify) pass that stops only at `cve` (any case)
//! and `AS`.

use std::fmt::Write;

use super::classify::{hex_run_end, hex_run_start};
use super::{Candidates, Strictness};
use crate::IndicatorKind;

fn glued(b: Option<&u8>) -> bool {
    b.is_some_and(|&b| b.is_ascii_alphanumeric())
}

/// Appends every hex digest in `text` to `out`, from its all-hex chunks
/// (see [`for_each_hex_chunk`](super::classify::for_each_hex_chunk)): the
/// ones given, or found here.
pub(crate) fn find_hashes(text: &[u8], chunks: Option<&[usize]>, out: &mut Candidates) {
    let mut resume = 0; // runs that end before this offset have been handled
    let mut at_chunk = |i: usize| {
        if i < resume {
            return;
        }
        let s = hex_run_start(text, resume, i);
        let e = hex_run_end(text, i + 16);
        resume = e;
        let Some(kind) = IndicatorKind::hash_for_len(e - s) else {
            return;
        };
        if (s > 0 && glued(text.get(s - 1))) || glued(text.get(e)) {
            return;
        }
        if opens_yara_hex_string(text, s) {
            return;
        }
        let run = &text[s..e];
        // A decimal number or a run of one repeated digit (in any case:
        // `ffffFfff…`) is not a digest.
        if run.iter().all(|b| b.eq_ignore_ascii_case(&run[0]))
            || !run.iter().any(u8::is_ascii_alphabetic) && !labelled_as_hash(text, s)
        {
            return;
        }
        // The run is hex digits: ASCII.
        let value = out.push_text(kind, run, s, e).value.clone();
        out.values[value].make_ascii_lowercase();
    };
    match chunks {
        Some(chunks) => chunks.iter().for_each(|&i| at_chunk(i)),
        None => super::classify::for_each_hex_chunk(text, at_chunk),
    }
}

/// True when `at` starts the bytes of a YARA hex string (`$op = {
/// 5589e553575683e4f083ec408a42048b }`): code bytes to match, no digest.
fn opens_yara_hex_string(text: &[u8], at: usize) -> bool {
    let skip_spaces = |mut i: usize| {
        while i > 0 && matches!(text[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        i
    };
    let i = skip_spaces(at);
    if i == 0 || text[i - 1] != b'{' {
        return false;
    }
    let i = skip_spaces(i - 1);
    if i == 0 || text[i - 1] != b'=' {
        return false;
    }
    let end = skip_spaces(i - 1);
    let mut s = end;
    while s > 0 && (text[s - 1].is_ascii_alphanumeric() || text[s - 1] == b'_') && end - s < 64 {
        s -= 1;
    }
    s < end && s > 0 && text[s - 1] == b'$'
}

/// True when a hash name (`md5`, `sha256`, `hash`) stands just before `at`:
/// only then is an all-decimal run taken for a digest.
fn labelled_as_hash(text: &[u8], at: usize) -> bool {
    let before = &text[at.saturating_sub(16)..at];
    [&b"md5"[..], b"sha", b"hash"]
        .iter()
        .any(|n| before.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n)))
}

/// The dashes reports write between CVE parts: ASCII, non-breaking hyphen,
/// en and em dash. Returns the dash length at `at`.
fn dash_len(text: &[u8], at: usize) -> usize {
    match text.get(at..).unwrap_or_default() {
        [b'-', ..] => 1,
        [0xE2, 0x80, 0x91 | 0x93 | 0x94, ..] => 3,
        _ => 0,
    }
}

fn digits(text: &[u8], at: usize) -> usize {
    text[at.min(text.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// Appends every CVE identifier and AS number in `text` to `out`, from
/// the positions of [`CveOrAsnStart`](super::classify::CveOrAsnStart):
/// the ones given, or found here.
pub(crate) fn find_cves_and_asns(
    text: &[u8],
    starts: Option<&[usize]>,
    cves: bool,
    asns: bool,
    strictness: Strictness,
    out: &mut Candidates,
) {
    let mut at = |s: usize| {
        if text[s] == b'A' {
            if asns {
                asn_at(text, s, strictness, out);
            }
        } else if cves {
            cve_at(text, s, out);
        }
    };
    match starts {
        Some(starts) => starts.iter().for_each(|&s| at(s)),
        None => super::classify::for_each::<super::classify::CveOrAsnStart>(text, at),
    }
}

/// A `CVE-YYYY-NNNN…` identifier at `s`, written `CVE`, `cve` or `Cve`.
///
/// Besides the dashes, reports write a space or a colon after the prefix
/// (`CVE 2019-5786`, `CVE:2010-1885`), leave the first dash out
/// (`CVE2013-0422`), wrap the line after a dash (`CVE-\n2013-5122`) and lose
/// the space before the prefix when text is taken from a page
/// (`VulnerabilityCVE-2015-8651`).
fn cve_at(text: &[u8], s: usize, out: &mut Candidates) {
    let prefix = &text[s..s + 3];
    if !matches!(prefix, b"CVE" | b"cve" | b"Cve") {
        return;
    }
    if s > 0 && glued(text.get(s - 1)) && !(prefix == b"CVE" && text[s - 1].is_ascii_lowercase()) {
        return;
    }
    let y = cve_separator(text, s + 3, true).unwrap_or(s + 3);
    if digits(text, y) < 4 || !matches!(&text[y..y + 2], b"19" | b"20") {
        return;
    }
    let Some(n) = cve_separator(text, y + 4, false) else {
        return;
    };
    let count = digits(text, n);
    if !(4..=7).contains(&count) || glued(text.get(n + count)) {
        return;
    }
    // The year and the number are ASCII digits.
    let mark = out.values.len();
    out.values.push_str("CVE-");
    super::push_lossy(&mut out.values, &text[y..y + 4]);
    out.values.push('-');
    super::push_lossy(&mut out.values, &text[n..n + count]);
    let value = out.since(mark);
    out.push(IndicatorKind::Cve, value, s, n + count);
}

/// The end of the separator at `at` between a CVE's parts: a dash, which a
/// line break or a space may follow; after the prefix (`first`) also a
/// space, a colon, or a space and a dash.
fn cve_separator(text: &[u8], at: usize, first: bool) -> Option<usize> {
    let rest = text.get(at..).unwrap_or_default();
    let dash_at = match rest {
        [b' ', ..] | [b':', b' ', ..] if first && dash_len(text, at + 1) > 0 => at + 1,
        [b':', b' ', ..] if first => return Some(at + 2),
        [b' ' | b':', ..] if first => return Some(at + 1),
        _ => at,
    };
    let dash = dash_len(text, dash_at);
    if dash == 0 {
        return None;
    }
    let after = dash_at + dash;
    Some(match text.get(after..).unwrap_or_default() {
        [b'\r', b'\n', ..] => after + 2,
        [b'\n' | b' ', ..] => after + 1,
        _ => after,
    })
}

/// `AS15169` / `ASN 15169` / `ASN: 15169` / `AS 15169` at `s`.
fn asn_at(text: &[u8], s: usize, strictness: Strictness, out: &mut Candidates) {
    // `__AS3__.vec`, `i2c_ASN1_INTEGER`: an identifier's part.
    let in_identifier = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_');
    if s > 0 && in_identifier(text.get(s - 1)) {
        return;
    }
    let mut at = s + 2;
    let long = text.get(at) == Some(&b'N');
    let mut separated = false;
    if long {
        at += 1;
        if text.get(at) == Some(&b':') {
            at += 1;
            separated = true;
        }
        if text.get(at) == Some(&b' ') {
            at += 1;
            separated = true;
        }
    } else if text.get(at) == Some(&b' ') {
        at += 1;
        separated = true;
    }
    let count = digits(text, at);
    if count == 0 || count > 10 || text[at] == b'0' || in_identifier(text.get(at + count)) {
        return;
    }
    // `AS3` and `AS2` name ActionScript versions and `ASN1` the notation
    // (`ASN1_TIME`); a one-digit AS number is written apart (`ASN 7`).
    // A context guard, so `Lenient` reports them.
    if count == 1 && !separated && strictness != Strictness::Lenient {
        return;
    }
    // `AS 15169` (the short form apart) also reads capitalised prose:
    // `SEEN AS EARLY AS 2024-06-04`, `AS 2 ITEMS`.
    if !long && separated && (count < 3 || starts_date_or_year(text, at, count)) {
        return;
    }
    // IBM's midrange computer: `the AS400 system`, `IBM AS400`.
    if !long
        && !separated
        && &text[at..at + count] == b"400"
        && names_the_ibm_machine(text, s, at + 3)
        && strictness != Strictness::Lenient
    {
        return;
    }
    let number: u64 = std::str::from_utf8(&text[at..at + count])
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(u64::MAX);
    if number > u64::from(u32::MAX) {
        return;
    }
    let mark = out.values.len();
    write!(out.values, "AS{number}").expect("a String takes any text");
    let value = out.since(mark);
    out.push(IndicatorKind::Asn, value, s, at + count);
}

/// True when `AS400` at `text[start..end]` names IBM's computer rather than
/// an AS number: after `IBM`, or before a word that a machine takes
/// (`system`, `server`, `host` …) or `i`/`/400`-style product names.
fn names_the_ibm_machine(text: &[u8], start: usize, end: usize) -> bool {
    let before = &text[start.saturating_sub(4)..start];
    let ibm = before.eq_ignore_ascii_case(b"IBM ") || before.ends_with(b"IBM");
    let after = text.get(end + 1..).unwrap_or_default();
    let word = &after[..after
        .iter()
        .take(12)
        .take_while(|b| b.is_ascii_alphabetic())
        .count()];
    let machine_word = text.get(end) == Some(&b' ')
        && [
            &b"system"[..],
            b"systems",
            b"server",
            b"servers",
            b"host",
            b"machine",
            b"mainframe",
            b"platform",
            b"terminal",
            b"environment",
        ]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w));
    ibm || machine_word
}

/// True when the `count` digits at `at` are a year (`1990`–`2039`) or
/// start a date or a version (`2024-06-04`, `10.2`).
fn starts_date_or_year(text: &[u8], at: usize, count: usize) -> bool {
    let year = count == 4 && matches!(&text[at..at + 2], b"19" | b"20") && text[at + 2] <= b'3';
    let joined = matches!(text.get(at + count), Some(b'-' | b'/' | b'.' | b':'))
        && text.get(at + count + 1).is_some_and(u8::is_ascii_digit);
    year || joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(f: fn(&[u8], &mut Candidates), text: &str) -> Vec<String> {
        let mut out = Candidates::default();
        f(text.as_bytes(), &mut out);
        out.list
            .iter()
            .map(|f| out.values[f.value.clone()].to_owned())
            .collect()
    }

    fn hashes(text: &[u8], out: &mut Candidates) {
        find_hashes(text, None, out);
    }

    fn find_cves(text: &[u8], out: &mut Candidates) {
        find_cves_and_asns(text, None, true, false, Strictness::Normal, out);
    }

    fn find_asns(text: &[u8], out: &mut Candidates) {
        find_cves_and_asns(text, None, false, true, Strictness::Normal, out);
    }

    #[test]
    fn hashes_by_exact_length() {
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        assert_eq!(values(hashes, &format!("md5 {md5}.")), [md5]);
        assert_eq!(values(hashes, &format!("x{md5}")), Vec::<String>::new());
        assert_eq!(values(hashes, &format!("0x{md5}")), Vec::<String>::new());
        assert_eq!(values(hashes, &format!("{md5}a")), Vec::<String>::new());
        assert_eq!(values(hashes, &md5.to_uppercase()), [md5]);
        let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            values(hashes, &format!("a {md5} b {sha256}")),
            [md5, sha256]
        );
    }

    #[test]
    fn cves_and_asns() {
        assert_eq!(
            values(find_cves, "see cve-2021-44228, and CVE‑2017‑0144."),
            ["CVE-2021-44228", "CVE-2017-0144"]
        );
        assert_eq!(
            values(find_cves, "CVE-21-1234 XCVE-2021-1234"),
            Vec::<String>::new()
        );
        assert_eq!(
            values(
                find_asns,
                "AS15169, ASN 13335 and ASN: 9009 not HAS1 nor AS0"
            ),
            ["AS15169", "AS13335", "AS9009"]
        );
    }
}

//! Strict parsers for IP addresses, prefix lengths and ports.
//!
//! These accept only what an analyst would call an address: four decimal
//! octets without leading zeros for IPv4, the RFC 4291 text forms for IPv6.
//! They never look beyond the bytes they are given; the recognisers in
//! `scan` decide where a candidate starts and ends.

use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv4 address written as one number, as a URL's host may be
/// (`http://258476380/`, `http://0x5E469BFD/`; browsers read both as
/// dotted quads). Only numbers from `1.0.0.0` up: a short number after a
/// scheme is a placeholder or a port, not an address.
pub(crate) fn parse_ipv4_number(s: &[u8]) -> Option<Ipv4Addr> {
    let value = match s {
        [b'0', b'x' | b'X', hex @ ..] if (7..=8).contains(&hex.len()) => {
            u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?
        }
        _ if (8..=10).contains(&s.len()) && s[0] != b'0' && s.iter().all(u8::is_ascii_digit) => {
            std::str::from_utf8(s).ok()?.parse().ok()?
        }
        _ => return None,
    };
    (value >= 1 << 24).then(|| Ipv4Addr::from(value))
}

/// Parses exactly four dotted decimal octets, each 0–255 without a leading zero.
pub(crate) fn parse_ipv4(s: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut n = 0;
    for part in s.split(|&b| b == b'.') {
        if n == 4 || part.is_empty() || part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
            return None;
        }
        let mut v: u32 = 0;
        for &b in part {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(b - b'0');
        }
        octets[n] = u8::try_from(v).ok()?;
        n += 1;
    }
    (n == 4).then(|| Ipv4Addr::from(octets))
}

/// Parses an IPv6 address (without zone or brackets). Groups must have 1–4
/// hex digits; an embedded IPv4 tail must itself be a strict IPv4 address.
pub(crate) fn parse_ipv6(s: &[u8]) -> Option<Ipv6Addr> {
    if s.len() < 2 || s.len() > 45 {
        return None;
    }
    // Without `::` every group is written: 7 colons, or 6 before an IPv4
    // tail. Most colon runs in prose (`16:30:46`, `a:b`) fail this count,
    // which is cheaper than the full parse.
    let colons = s.iter().filter(|&&b| b == b':').count();
    let dot = s.iter().position(|&b| b == b'.');
    let full = if dot.is_some() { 6 } else { 7 };
    if colons != full && !s.windows(2).any(|w| w == b"::") {
        return None;
    }
    // std accepts leading zeros in an embedded IPv4 tail; iocx does not.
    if let Some(dot) = dot {
        let colon = s[..dot].iter().rposition(|&b| b == b':')?;
        parse_ipv4(&s[colon + 1..])?;
    }
    let text = std::str::from_utf8(s).ok()?;
    text.parse().ok()
}

/// The RFC 5952 text of an IPv6 address.
pub(crate) fn ipv6_text(a: Ipv6Addr) -> String {
    a.to_string()
}

/// Reads `/len` at `at` (which holds the `/`), `len` ≤ `max`, no leading zero.
/// Returns the length and the offset after it.
pub(crate) fn parse_prefix(text: &[u8], at: usize, max: u8) -> Option<(u8, usize)> {
    if text.get(at) != Some(&b'/') {
        return None;
    }
    let (v, end) = read_decimal(text, at + 1, 3)?;
    if end - (at + 1) > 1 && text[at + 1] == b'0' {
        return None;
    }
    let v = u8::try_from(v).ok().filter(|&v| v <= max)?;
    Some((v, end))
}

/// A port, 1–65535, written right after the separator `sep` at `at`: the
/// port and the offset after it.
fn port_after(text: &[u8], at: usize, sep: u8) -> Option<(u16, usize)> {
    if text.get(at) != Some(&sep) {
        return None;
    }
    let (v, end) = read_decimal(text, at + 1, 5)?;
    let v = u16::try_from(v).ok().filter(|&v| v > 0)?;
    Some((v, end))
}

/// Reads `:port` at `at` (which holds the `:`), 1–65535. Returns the port and
/// the offset after it.
pub(crate) fn parse_port(text: &[u8], at: usize) -> Option<(u16, usize)> {
    port_after(text, at, b':')
}

/// The port of a shell socket path, `/dev/tcp/HOST/PORT` (bash reverse
/// shells), when the host at `start..at` sits in one: the port and where it
/// ends.
pub(crate) fn parse_shell_socket_port(
    text: &[u8],
    start: usize,
    at: usize,
) -> Option<(u16, usize)> {
    let before = &text[..start];
    if !(before.ends_with(b"/dev/tcp/") || before.ends_with(b"/dev/udp/")) {
        return None;
    }
    port_after(text, at, b'/')
}

/// What may follow a host: `:PORT`, or a WebDAV suffix (see
/// [`parse_webdav_suffix`]). The port when one is written, and where the
/// suffix ends.
pub(crate) fn parse_host_suffix(text: &[u8], at: usize) -> Option<(Option<u16>, usize)> {
    parse_port(text, at)
        .map(|(port, end)| (Some(port), end))
        .or_else(|| parse_webdav_suffix(text, at))
}

/// The suffix of a WebDAV host written `HOST@PORT`, `HOST@SSL` or
/// `HOST@SSL@PORT` (`\\1.2.3.4@80\share`,
/// `\\x.trycloudflare.com@SSL\DavWWWRoot`, `file://1.2.3.4@80/x.zip`), for
/// the `@` at `at`: the port when one is written, and where the suffix
/// ends, which a path separator, a space or the end follows.
pub(crate) fn parse_webdav_suffix(text: &[u8], at: usize) -> Option<(Option<u16>, usize)> {
    if text.get(at) != Some(&b'@') {
        return None;
    }
    let ssl = text
        .get(at + 1..at + 4)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"ssl"));
    let (port, end) = match port_after(text, if ssl { at + 4 } else { at }, b'@') {
        Some((port, end)) => (Some(port), end),
        None if ssl => (None, at + 4),
        None => return None,
    };
    matches!(
        text.get(end),
        None | Some(b'/' | b'\\' | b' ' | b'\t' | b'\n' | b'\r')
    )
    .then_some((port, end))
}

/// Reads 1..=`max_digits` decimal digits at `at` that are not followed by
/// another alphanumeric byte.
fn read_decimal(text: &[u8], at: usize, max_digits: usize) -> Option<(u32, usize)> {
    let mut end = at;
    let mut v: u32 = 0;
    while end < text.len() && text[end].is_ascii_digit() {
        if end - at == max_digits {
            return None;
        }
        v = v * 10 + u32::from(text[end] - b'0');
        end += 1;
    }
    if end == at || text.get(end).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some((v, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_strict() {
        assert_eq!(parse_ipv4(b"1.2.3.4"), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(
            parse_ipv4(b"255.255.255.255").map(|a| a.octets()[0]),
            Some(255)
        );
        for bad in [
            &b"256.1.1.1"[..],
            b"01.2.3.4",
            b"1.2.3",
            b"1.2.3.4.5",
            b"1..2.3",
            b"1.2.3.a",
        ] {
            assert_eq!(parse_ipv4(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn ipv6_forms() {
        assert_eq!(
            ipv6_text(parse_ipv6(b"2001:DB8:0:0:0:0:0:1").unwrap()),
            "2001:db8::1"
        );
        assert_eq!(
            ipv6_text(parse_ipv6(b"::ffff:1.2.3.4").unwrap()),
            "::ffff:1.2.3.4"
        );
        assert!(parse_ipv6(b"::ffff:01.2.3.4").is_none());
        assert!(parse_ipv6(b"16:30:46").is_none());
        assert!(parse_ipv6(b"00:1a:2b:3c:4d:5e").is_none());
    }

    #[test]
    fn ports_and_prefixes() {
        assert_eq!(parse_port(b":8080 x", 0), Some((8080, 5)));
        assert_eq!(parse_port(b":0", 0), None);
        assert_eq!(parse_port(b":65536", 0), None);
        assert_eq!(parse_port(b":80a", 0), None);
        assert_eq!(parse_prefix(b"/24", 0, 32), Some((24, 3)));
        assert_eq!(parse_prefix(b"/33", 0, 32), None);
        assert_eq!(parse_prefix(b"/08", 0, 32), None);
    }
}

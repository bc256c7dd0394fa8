//! The `:` anchor: URLs with a scheme (`://`, plain, defanged or
//! percent-encoded), ssdeep hashes (`96:…:…`) and IPv6 addresses and
//! networks.

use std::fmt::Write;
use std::net::IpAddr;

use super::Scanner;
use crate::extract::host::{is_host_byte, narrow_token, push_canonical_domain, trim_host};
use crate::extract::network::{
    ipv6_text, parse_host_suffix, parse_ipv4, parse_ipv4_number, parse_ipv6, parse_port,
    parse_prefix, parse_webdav_suffix,
};
use crate::extract::push_lossy;
use crate::extract::url::{is_url_byte, push_rest, quoted_rest_end, scheme_before, Scheme};
use crate::IndicatorKind;

impl Scanner<'_, '_> {
    /// Grows the token around the `:` at `p`; returns where scanning resumes.
    pub(super) fn at_colon(&mut self, p: usize) -> usize {
        let text = self.text;
        let url = if text[p + 1..].starts_with(b"//") {
            scheme_before(text, p, self.floor).map(|scheme| (scheme, 3))
        } else {
            self.slashes_dropped(p)
        };
        if let Some((scheme, separator)) = url {
            if let Some(next) = self.url_with_scheme(p, scheme, separator) {
                return next;
            }
        }
        if p > 0 && text[p - 1].is_ascii_digit() {
            if let Some(next) = self.ssdeep(p) {
                return next;
            }
        }
        self.ipv6(p)
    }

    /// The scheme and the length of the separator at `colon` when a
    /// defanged http scheme lost one or both slashes of it
    /// (`hxxp:/server.ua/wd.php`, `hxxps[:]kupaywallet.com/product/`): the
    /// defang says a URL was meant.
    /// A plain `http:` without slashes is prose or a label (`http: 80`).
    fn slashes_dropped(&self, colon: usize) -> Option<(Scheme, usize)> {
        let text = self.text;
        // Most colons end no scheme word at all (`Note:`, `12:34`, IPv6).
        if colon == 0 || !matches!(text[colon - 1], b'p' | b'P' | b's' | b'S') {
            return None;
        }
        let separator = if text.get(colon + 1) == Some(&b'/') {
            2
        } else {
            1
        };
        let host = *text.get(colon + separator)?;
        if !host.is_ascii_alphanumeric() {
            return None;
        }
        let scheme = scheme_before(text, colon, self.floor)?;
        (scheme.defanged && scheme.canonical.starts_with("http")).then_some((scheme, separator))
    }

    /// The URL whose `scheme` ends at `colon`, followed by a separator of
    /// `separator` bytes (`://`, or what is left of it).
    fn url_with_scheme(&mut self, colon: usize, scheme: Scheme, separator: usize) -> Option<usize> {
        let text = self.text;
        let mut auth = colon + separator;
        // `hxxps[:]///host/`: browsers read extra slashes before a host as
        // none. A `file:///` URL is a local path, its first segment no host.
        if scheme.canonical != "file" {
            while auth < text.len().min(colon + 5) && text[auth] == b'/' {
                auth += 1;
            }
        }
        // Optional user info, then the host.
        let mut host_start = auth;
        let mut e = auth;
        while e < text.len() && is_url_byte(text[e]) && !matches!(text[e], b'/' | b'?' | b'#') {
            if text[e] == b'@' {
                host_start = e + 1;
            }
            e += 1;
        }
        // `file://1.2.3.4@80/x`, `file://x.com@SSL/DavWWWRoot/`: a WebDAV
        // host, not user info.
        if host_start > auth && parse_webdav_suffix(text, host_start - 1).is_some() {
            host_start = auth;
        }
        let host_end = self.url_host_end(host_start)?;
        let mut after_host = host_end;
        if let Some((_, pe)) = parse_host_suffix(text, host_end) {
            after_host = pe;
        }
        let percent = self.view.edit_len_at(colon) == Some(9);
        let end = if matches!(text.get(after_host), Some(b'/' | b'?' | b'#'))
            || percent && encoded_path_start(&text[after_host..])
        {
            quoted_rest_end(text, scheme.start, after_host)
        } else {
            after_host
        };
        // The value is built around the host as it is checked, so the host
        // needs no string of its own.
        let mark = self.out.values.len();
        let value = &mut self.out.values;
        value.push_str(scheme.canonical);
        value.push_str("://");
        push_lossy(value, &text[auth..host_start]);
        let host_at = value.len();
        let Some(ip) = push_url_host(value, &text[host_start..host_end]) else {
            value.truncate(mark);
            return None;
        };
        let host_stop = value.len();
        let rest = &text[host_end..end];
        if percent {
            // The separator was `%3A%2F%2F`: the whole URL was percent-encoded
            // as a parameter of another, so its path is decoded too.
            let rest: Vec<u8> = rest
                .iter()
                .copied()
                .filter(|&b| b != b'\n' && b != b'\r')
                .collect();
            value.push_str(&percent_decode(&rest));
        } else {
            push_rest(value, rest);
        }
        // The host's own value is the URL's host without brackets.
        let bracketed = value.as_bytes()[host_at] == b'[';
        let host_value = host_at + usize::from(bracketed)..host_stop - usize::from(bracketed);
        let value = self.out.since(mark);
        let start = scheme.start;
        self.out
            .push(IndicatorKind::Url, value, start, end)
            .forced_defang = scheme.defanged;
        if self.settings.all_parts {
            let kind = match ip {
                Some(IpAddr::V4(_)) => IndicatorKind::Ipv4,
                Some(IpAddr::V6(_)) => IndicatorKind::Ipv6,
                None => IndicatorKind::Domain,
            };
            self.out.push(kind, host_value, host_start, host_end);
        }
        // A URL inside this one's path or query (`?redirect_uri=http://x/`,
        // `/web/2019/http://x/`, `?url=https://x/`) is an indicator of its
        // own: the scan resumes at its scheme. Only one level deep, so a run
        // of nested URLs is read at most twice, not once per level.
        if start >= self.nested_until {
            // Most URLs have no colon after their host, so a byte search
            // for `:` beats building a substring searcher per URL.
            let rest = &text[after_host..end];
            let inner = memchr::memchr_iter(b':', rest).find(|&c| rest[c + 1..].starts_with(b"//"));
            if let Some(inner) = inner {
                if let Some(inner) = scheme_before(text, after_host + inner, after_host) {
                    self.nested_until = end;
                    self.floor = inner.start;
                    return Some(inner.start);
                }
            }
        }
        self.floor = end;
        Some(end)
    }

    /// The end of the URL host that starts at `at`, if one can: a bracketed
    /// literal or a host token that starts right there.
    fn url_host_end(&self, at: usize) -> Option<usize> {
        let text = self.text;
        if text.get(at) == Some(&b'[') {
            let close = at + 1 + memchr::memchr(b']', &text[at + 1..text.len().min(at + 48)])?;
            return Some(close + 1);
        }
        let mut e = at;
        while e < text.len() && is_host_byte(text[e]) {
            e += 1;
        }
        let (s, e) = narrow_token(text, at, e, at);
        let (s, e) = trim_host(text, s, e);
        (s == at && s < e).then_some(e)
    }

    /// `blocksize:hash1:hash2`, with the block size a power of two times 3.
    fn ssdeep(&mut self, colon: usize) -> Option<usize> {
        let text = self.text;
        let mut s = colon;
        while s > self.floor && text[s - 1].is_ascii_digit() {
            s -= 1;
        }
        if s > 0
            && (text[s - 1].is_ascii_alphanumeric() || matches!(text[s - 1], b':' | b'+' | b'/'))
        {
            return None;
        }
        let block: u64 = std::str::from_utf8(&text[s..colon]).ok()?.parse().ok()?;
        if block < 3 || !block.is_multiple_of(3) || !(block / 3).is_power_of_two() {
            return None;
        }
        let b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
        let mut m = colon + 1;
        while m < text.len() && b64(text[m]) {
            m += 1;
        }
        if m - colon - 1 < 3 || m - colon - 1 > 64 || text.get(m) != Some(&b':') {
            return None;
        }
        let mut e = m + 1;
        while e < text.len() && b64(text[e]) {
            e += 1;
        }
        if e - m - 1 < 3 || e - m - 1 > 64 {
            return None;
        }
        if text.get(e).is_some_and(|&b| b == b':' || b == b'_') {
            return None;
        }
        self.out.push_text(IndicatorKind::Ssdeep, &text[s..e], s, e);
        self.floor = e;
        Some(e)
    }

    fn ipv6(&mut self, p: usize) -> usize {
        let text = self.text;
        let (mut s, mut e) = self.grow(p, |b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        let run_end = e;
        // `IP:2001:db8::1`, `IP:1.2.3.4`: a lone leading colon is a separator.
        if text[s] == b':' && text.get(s + 1) != Some(&b':') {
            s += 1;
        }
        // On failure resume at the run's first dot, so the IPv4 recogniser
        // still sees a dotted quad after a label (`IP:1.2.3.4`), and never
        // re-read the colons (linear time on `1:2:3:…`).
        let fail = memchr::memchr(b'.', &text[p..run_end]).map_or(run_end, |d| p + d);
        self.floor = self.floor.max(s);
        let glued = |b: Option<&u8>| {
            b.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        };
        if s > 0 && glued(text.get(s - 1)) || glued(text.get(e)) {
            return fail;
        }
        while e > s && text[e - 1] == b'.' {
            e -= 1;
        }
        if e > s + 1 && text[e - 1] == b':' && text[e - 2] != b':' {
            e -= 1;
        }
        let Some(addr) = parse_ipv6(&text[s..e]) else {
            return fail;
        };
        // Hex words joined by colons (`dead:beef::`) are not addresses: a
        // digit must show, in the text and in the canonical form alike (so
        // `00ab::` is judged as the `ab::` it stands for).
        let canonical = ipv6_text(addr);
        if addr.is_unspecified()
            || !text[s..e].iter().any(u8::is_ascii_digit)
            || !canonical.bytes().any(|b| b.is_ascii_digit())
            || (is_numeric_fields(canonical.as_bytes()) && in_record(text, s, e)
                || is_byte_dump(canonical.as_bytes()))
                && parse_prefix(text, e, 128).is_none()
        {
            return fail;
        }
        let mut end = e;
        if text.get(e) == Some(&b'%') {
            let mut z = e + 1;
            while z < text.len()
                && (text[z].is_ascii_alphanumeric() || matches!(text[z], b'_' | b'-'))
            {
                z += 1;
            }
            if z > e + 1 {
                end = z;
            }
        }
        if end == e {
            if let Some((len, pe)) = parse_prefix(text, e, 128) {
                let mark = self.out.values.len();
                write!(self.out.values, "{canonical}/{len}").expect("a String takes any text");
                let value = self.out.since(mark);
                self.out.push(IndicatorKind::Cidr, value, s, pe);
                self.floor = pe;
                return pe;
            }
        }
        let mut start = s;
        let mut port = None;
        if s > 0 && text[s - 1] == b'[' && text.get(end) == Some(&b']') {
            start = s - 1;
            end += 1;
            if let Some((p, pe)) = parse_port(text, end) {
                port = Some(p);
                end = pe;
            }
        }
        self.out
            .push_text(IndicatorKind::Ipv6, canonical.as_bytes(), start, end)
            .port = port;
        self.floor = end;
        end.max(run_end)
    }
}

/// Appends the canonical text of the URL host `host` to `out` and returns
/// the address when it is an IP literal, or returns `None` (and leaves `out`
/// alone) when it is no host.
fn push_url_host(out: &mut String, host: &[u8]) -> Option<Option<IpAddr>> {
    if host[0] == b'[' {
        let a = parse_ipv6(&host[1..host.len() - 1])?;
        out.push('[');
        out.push_str(&ipv6_text(a));
        out.push(']');
        return Some(Some(IpAddr::V6(a)));
    }
    if let Some(a) = parse_ipv4(host) {
        // Strict parsing makes the raw text the canonical form.
        push_lossy(out, host);
        return Some(Some(IpAddr::V4(a)));
    }
    if let Some(a) = parse_ipv4_number(host) {
        // The dotted form the browser connects to, so the URL meets
        // others naming the same address.
        out.push_str(&a.to_string());
        return Some(Some(IpAddr::V4(a)));
    }
    if host.eq_ignore_ascii_case(b"localhost") {
        out.push_str("localhost");
        return Some(None);
    }
    push_canonical_domain(out, host).map(|_| None)
}

/// True for one or two decimal numbers before a closing `::`, which
/// [`in_record`] decides between an address (`2001::`) and the empty
/// fields of a colon-separated record (`jon:x:502:503::/home/jon` in
/// `/etc/passwd`) or a date before a label (`2015-05-26::`).
fn is_numeric_fields(canonical: &[u8]) -> bool {
    let Some(head) = canonical.strip_suffix(b"::") else {
        return false;
    };
    let mut fields = head.split(|&b| b == b':');
    fields.clone().count() <= 2 && fields.all(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit))
}

/// True when `text[s..e]` stands inside a record rather than alone: a field
/// separator or a date's dash before it, a path after it.
fn in_record(text: &[u8], s: usize, e: usize) -> bool {
    s.checked_sub(1)
        .is_some_and(|i| matches!(text[i], b':' | b'-'))
        || text.get(e) == Some(&b'/')
}

/// True for colon-separated byte pairs (`F1:39:8E:53:D1:F8:FC:0`, a
/// certificate fingerprint cut by a line end) and for a lone small number
/// after `::` other than the loopback (`#::9` in obfuscated script): an
/// address's groups are hex words of varying width.
fn is_byte_dump(canonical: &[u8]) -> bool {
    if let Some(tail) = canonical.strip_prefix(b"::") {
        return tail.len() <= 2 && tail != b"1" && tail.iter().all(u8::is_ascii_hexdigit);
    }
    let groups = canonical.split(|&b| b == b':');
    let n = groups.clone().count();
    n >= 6
        && groups
            .enumerate()
            .all(|(i, g)| !g.is_empty() && (g.len() == 2 || i + 1 == n))
}

/// True when `rest` starts with a percent-encoded `/`, `?` or `#`: the path
/// of a URL that was itself percent-encoded.
fn encoded_path_start(rest: &[u8]) -> bool {
    rest.len() >= 3
        && [&b"%2f"[..], b"%3f", b"%23"]
            .iter()
            .any(|e| rest[..3].eq_ignore_ascii_case(e))
}

/// Decodes `%XX` escapes that stand for printable ASCII.
fn percent_decode(rest: &[u8]) -> String {
    let mut out = Vec::with_capacity(rest.len());
    let mut i = 0;
    while i < rest.len() {
        if rest[i] == b'%' && i + 2 < rest.len() {
            let hex = std::str::from_utf8(&rest[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                if b.is_ascii_graphic() {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
        }
        out.push(rest[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

//! How MISP values are normalised before they are compared: canonical IP
//! text, lower-case names and hashes, URL hosts, and the forms a value a
//! user types may be stored under. Borrowing variants serve the index's
//! hot paths, where almost every value is already in normal form.

use std::borrow::Cow;

use super::network::IpNet;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartClass {
    Ip,
    Host,
    Url,
    Email,
    Other,
}

pub(crate) fn part_class(part_type: &str) -> PartClass {
    match part_type {
        "ip-src" | "ip-dst" | "ip" => PartClass::Ip,
        "domain" | "hostname" => PartClass::Host,
        "url" | "link" => PartClass::Url,
        "email"
        | "email-src"
        | "email-dst"
        | "target-email"
        | "email-reply-to"
        | "whois-registrant-email"
        | "dns-soa-email" => PartClass::Email,
        _ => PartClass::Other,
    }
}

/// Types whose values MISP compares case-insensitively.
fn is_case_insensitive(part_type: &str) -> bool {
    matches!(
        part_type,
        "md5"
            | "sha1"
            | "sha224"
            | "sha256"
            | "sha384"
            | "sha512"
            | "sha512/224"
            | "sha512/256"
            | "sha3-224"
            | "sha3-256"
            | "sha3-384"
            | "sha3-512"
            | "ssdeep"
            | "imphash"
            | "tlsh"
            | "authentihash"
            | "impfuzzy"
            | "pehash"
            | "vhash"
            | "telfhash"
            | "x509-fingerprint-md5"
            | "x509-fingerprint-sha1"
            | "x509-fingerprint-sha256"
            | "ja3-fingerprint-md5"
            | "jarm-fingerprint"
            | "hassh-md5"
            | "hasshserver-md5"
            | "domain"
            | "hostname"
            | "email"
            | "email-src"
            | "email-dst"
            | "target-email"
            | "email-reply-to"
            | "whois-registrant-email"
            | "dns-soa-email"
            | "vulnerability"
    )
}

/// The value as iocx compares it: trimmed; hashes, names and e-mails lower
/// case; IP addresses in canonical text with `/32` and `/128` dropped; the
/// `AS` prefix removed from AS numbers.
pub fn normalise_value(part_type: &str, raw: &str) -> String {
    normalise(part_type, part_class(part_type), raw)
        .0
        .into_owned()
}

/// [`normalise_value`], borrowing when nothing changes, with the parsed
/// network of an IP part.
pub(crate) fn normalise<'a>(
    part_type: &str,
    class: PartClass,
    raw: &'a str,
) -> (Cow<'a, str>, Option<IpNet>) {
    let value = raw.trim();
    match class {
        PartClass::Ip => {
            return match IpNet::parse(value) {
                // std's IPv4 parser accepts only the canonical dotted quad,
                // so a bare IPv4 address is already in canonical text.
                Some(net) if !net.v6 && !value.contains('/') => (Cow::Borrowed(value), Some(net)),
                Some(net) => (Cow::Owned(net.canonical_text()), Some(net)),
                None => (Cow::Borrowed(value), None),
            };
        }
        PartClass::Host => {
            let bare = value.trim_end_matches('.');
            return (lower(bare), None);
        }
        _ => {}
    }
    if part_type == "AS" {
        let digits = value
            .strip_prefix("AS")
            .or_else(|| value.strip_prefix("as"))
            .unwrap_or(value);
        return (Cow::Borrowed(digits.trim()), None);
    }
    if is_case_insensitive(part_type) {
        return (lower(value), None);
    }
    (Cow::Borrowed(value), None)
}

/// `value` in ASCII lower case, borrowed when it already is.
pub(crate) fn lower(value: &str) -> Cow<'_, str> {
    if value.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(value.to_ascii_lowercase())
    } else {
        Cow::Borrowed(value)
    }
}

/// The host of a URL, lower case, without user info, port or IPv6 brackets;
/// IP hosts in canonical text. Scheme-less `host/path` URLs are accepted.
pub fn url_host(url: &str) -> Option<String> {
    url_host_ref(url).map(Cow::into_owned)
}

/// [`url_host`], borrowing from `url` when the host needs no change.
pub(crate) fn url_host_ref(url: &str) -> Option<Cow<'_, str>> {
    // Byte scans: the general substring and char-set searchers cost more
    // to set up than these short values take to walk.
    let bytes = url.as_bytes();
    let scheme_end = (0..bytes.len().saturating_sub(2))
        .filter(|&i| bytes[i] == b':')
        .find(|&i| bytes[i + 1] == b'/' && bytes[i + 2] == b'/');
    let rest = match scheme_end {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let authority_end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(inner) = host_port.strip_prefix('[') {
        inner.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return None;
    }
    if let Some(net) = IpNet::parse(host) {
        if net.v6 || host.contains('/') {
            return Some(Cow::Owned(net.canonical_text()));
        }
        return Some(Cow::Borrowed(host));
    }
    Some(lower(host))
}

/// The forms a value typed by a user may be stored under, most specific
/// first and without duplicates: canonical IP text for addresses, else the
/// value as typed and in lower case (hashes, names and e-mails are stored
/// lower case; free text keeps its case).
pub fn search_keys(value: &str) -> Vec<String> {
    let value = value.trim();
    if let Some(net) = IpNet::parse(value) {
        return vec![net.canonical_text()];
    }
    let mut keys = vec![value.to_string()];
    let lower = value.trim_end_matches('.').to_ascii_lowercase();
    if lower != value {
        keys.push(lower);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalised_per_type() {
        assert_eq!(normalise_value("ip-dst", "2001:DB8:0:0::1"), "2001:db8::1");
        assert_eq!(normalise_value("ip-dst", "10.0.0.1/32"), "10.0.0.1");
        assert_eq!(normalise_value("ip-src", "10.0.0.0/8"), "10.0.0.0/8");
        assert_eq!(
            normalise_value("md5", " D41D8CD98F00B204E9800998ECF8427E "),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(normalise_value("AS", "AS15169"), "15169");
        assert_eq!(
            normalise_value("url", "http://Evil.com/A"),
            "http://Evil.com/A"
        );
    }

    #[test]
    fn search_keys_cover_stored_forms() {
        assert_eq!(search_keys(" 10.0.0.1/32 "), ["10.0.0.1"]);
        assert_eq!(search_keys("Evil.COM."), ["Evil.COM.", "evil.com"]);
        assert_eq!(search_keys("abc"), ["abc"]);
    }

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("http://[2001:DB8::1]:80/x").as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(url_host("evil.com/gate.php").as_deref(), Some("evil.com"));
        assert_eq!(url_host("http:///path"), None);
    }
}

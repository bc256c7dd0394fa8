//! Per-type value normalisation, so stored values compare as MISP compares
//! them.
//!
//! MISP rewrites values on save (lowercases hashes and host names, compresses
//! IPv6, drops host-length prefixes, strips `AS`); values read from files
//! written by other tools, or defanged by an analyst, are brought to the same
//! form here. Composite values are normalised half by half.

use std::net::IpAddr;

use crate::model::split_composite;
use crate::types::composite_parts;

/// Hex digest types, which MISP lowercases.
const HEX_HASH_TYPES: &[&str] = &[
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha512/224",
    "sha512/256",
    "sha3-224",
    "sha3-256",
    "sha3-384",
    "sha3-512",
    "imphash",
    "authentihash",
    "pehash",
    "tlsh",
    "telfhash",
    "cdhash",
    "x509-fingerprint-md5",
    "x509-fingerprint-sha1",
    "x509-fingerprint-sha256",
    "ja3-fingerprint-md5",
    "hassh-md5",
    "hasshserver-md5",
];

const HOST_TYPES: &[&str] = &["domain", "hostname"];

const EMAIL_TYPES: &[&str] = &[
    "email",
    "email-src",
    "email-dst",
    "email-reply-to",
    "target-email",
    "whois-registrant-email",
    "dns-soa-email",
];

const IP_TYPES: &[&str] = &["ip-src", "ip-dst", "ip"];

const URL_TYPES: &[&str] = &["url", "uri", "link"];

/// `value` as MISP would store it for an attribute of `misp_type`.
///
/// Leading and trailing white space is always removed. A composite value
/// without exactly one `|` is returned trimmed but otherwise unchanged, since
/// it cannot be split (readers reject it separately).
pub fn normalize_value(misp_type: &str, value: &str) -> String {
    let value = value.trim();
    if let Some((first_type, second_type)) = composite_parts(misp_type) {
        return match split_composite(value) {
            Some((a, b)) => format!(
                "{}|{}",
                normalize_simple(first_type, a),
                normalize_simple(second_type, b)
            ),
            None => value.to_string(),
        };
    }
    normalize_simple(misp_type, value)
}

fn normalize_simple(misp_type: &str, value: &str) -> String {
    let value = value.trim();
    if HEX_HASH_TYPES.contains(&misp_type) {
        value.to_ascii_lowercase()
    } else if HOST_TYPES.contains(&misp_type) {
        let plain = iocx_core::refang(value).to_lowercase();
        plain.trim_end_matches('.').to_string()
    } else if EMAIL_TYPES.contains(&misp_type) {
        iocx_core::refang(value).to_lowercase()
    } else if IP_TYPES.contains(&misp_type) {
        normalize_ip(&iocx_core::refang(value))
    } else if URL_TYPES.contains(&misp_type) {
        iocx_core::refang(value)
    } else if misp_type == "AS" {
        strip_as_prefix(value).to_string()
    } else if misp_type == "vulnerability" {
        // MISP also turns the en dash some reports use into a hyphen.
        value.replace('\u{2013}', "-").to_uppercase()
    } else {
        value.to_string()
    }
}

/// Compresses IPv6, and drops a `/32` (IPv4) or `/128` (IPv6) prefix length
/// that denotes a single host. Anything that does not parse is kept as is.
fn normalize_ip(value: &str) -> String {
    let (address, prefix) = match value.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (value, None),
    };
    let Ok(ip) = address.parse::<IpAddr>() else {
        return value.to_string();
    };
    let host_prefix = if ip.is_ipv4() { "32" } else { "128" };
    match prefix {
        None => ip.to_string(),
        Some(p) if p == host_prefix => ip.to_string(),
        Some(p) => format!("{ip}/{p}"),
    }
}

fn strip_as_prefix(value: &str) -> &str {
    match value.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("as") => value[2..].trim_start(),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_value;

    #[test]
    fn values_compare_as_misp_stores_them() {
        let cases = [
            (
                "md5",
                " D41D8CD98F00B204E9800998ECF8427E ",
                "d41d8cd98f00b204e9800998ecf8427e",
            ),
            ("sha256", "ABCDEF", "abcdef"),
            (
                "ssdeep",
                "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
                "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
            ),
            ("domain", "Evil.COM.", "evil.com"),
            ("hostname", "WWW.Evil.com", "www.evil.com"),
            ("email-src", "Bad.Guy@Evil.com", "bad.guy@evil.com"),
            (
                "ip-dst",
                "2001:0db8:0000:0000:0000:0000:0000:0001",
                "2001:db8::1",
            ),
            ("ip-dst", "10.0.0.1/32", "10.0.0.1"),
            ("ip-src", "2001:db8::1/128", "2001:db8::1"),
            ("ip-dst", "10.0.0.0/8", "10.0.0.0/8"),
            ("ip-dst", "2001:DB8:0:0::/32", "2001:db8::/32"),
            ("ip-dst", "not an ip", "not an ip"),
            ("AS", "AS15169", "15169"),
            ("AS", "as 3356", "3356"),
            ("AS", "3356", "3356"),
            ("vulnerability", "cve-2017\u{2013}0199", "CVE-2017-0199"),
            ("filename", "Setup.EXE", "Setup.EXE"),
            ("url", "http://Evil.com/A", "http://Evil.com/A"),
            ("domain|ip", "Evil.com|10.0.0.1/32", "evil.com|10.0.0.1"),
            ("filename|sha1", "A.exe|ABCD", "A.exe|abcd"),
            ("ip-dst|port", "2001:db8:0::1|443", "2001:db8::1|443"),
            ("filename|md5", "no-bar-here", "no-bar-here"),
        ];
        for (misp_type, input, expected) in cases {
            assert_eq!(
                normalize_value(misp_type, input),
                expected,
                "{misp_type} {input:?}"
            );
        }
    }

    /// Needs the core crate's refanger (a stub until the extractor lands).
    #[test]
    fn defanged_network_values_are_refanged() {
        assert_eq!(normalize_value("domain", "evil[.]com"), "evil.com");
        assert_eq!(
            normalize_value("url", "hxxp://evil[.]com/a"),
            "http://evil.com/a"
        );
        assert_eq!(normalize_value("ip-dst", "10[.]0[.]0[.]1"), "10.0.0.1");
        assert_eq!(normalize_value("email-dst", "a[@]evil[.]com"), "a@evil.com");
    }
}

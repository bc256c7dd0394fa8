//! The kinds of indicator iocx recognises and their stable names.
//!
//! The names returned by [`IndicatorKind::name`] appear in every output format
//! (`type` in JSONL and CSV) and are accepted by `--types`; they never change.

use std::fmt;
use std::str::FromStr;

/// What an extracted indicator is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndicatorKind {
    /// An IPv4 address in dotted decimal.
    Ipv4,
    /// An IPv6 address (RFC 5952 text form).
    Ipv6,
    /// An IPv4 or IPv6 network in `address/length` form.
    Cidr,
    /// A host or domain name whose suffix is on the Public Suffix List.
    Domain,
    /// A URL, with or without a scheme.
    Url,
    /// An e-mail address.
    Email,
    /// 32 hex digits.
    Md5,
    /// 40 hex digits.
    Sha1,
    /// 56 hex digits.
    Sha224,
    /// 64 hex digits.
    Sha256,
    /// 96 hex digits.
    Sha384,
    /// 128 hex digits.
    Sha512,
    /// A context-triggered piecewise hash (`blocksize:hash:hash`).
    Ssdeep,
    /// A CVE identifier (`CVE-YYYY-NNNN`).
    Cve,
    /// An autonomous system number (`AS15169`).
    Asn,
}

impl IndicatorKind {
    /// Every kind, in the order used for documentation and `--types` help.
    pub const ALL: [IndicatorKind; 15] = [
        IndicatorKind::Ipv4,
        IndicatorKind::Ipv6,
        IndicatorKind::Cidr,
        IndicatorKind::Domain,
        IndicatorKind::Url,
        IndicatorKind::Email,
        IndicatorKind::Md5,
        IndicatorKind::Sha1,
        IndicatorKind::Sha224,
        IndicatorKind::Sha256,
        IndicatorKind::Sha384,
        IndicatorKind::Sha512,
        IndicatorKind::Ssdeep,
        IndicatorKind::Cve,
        IndicatorKind::Asn,
    ];

    /// The stable lower-case name (`ipv4`, `sha256`, …).
    pub fn name(self) -> &'static str {
        match self {
            IndicatorKind::Ipv4 => "ipv4",
            IndicatorKind::Ipv6 => "ipv6",
            IndicatorKind::Cidr => "cidr",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            IndicatorKind::Email => "email",
            IndicatorKind::Md5 => "md5",
            IndicatorKind::Sha1 => "sha1",
            IndicatorKind::Sha224 => "sha224",
            IndicatorKind::Sha256 => "sha256",
            IndicatorKind::Sha384 => "sha384",
            IndicatorKind::Sha512 => "sha512",
            IndicatorKind::Ssdeep => "ssdeep",
            IndicatorKind::Cve => "cve",
            IndicatorKind::Asn => "asn",
        }
    }

    /// The hash kind for a hex run of exactly `len` digits, if any.
    pub fn hash_for_len(len: usize) -> Option<IndicatorKind> {
        Some(match len {
            32 => IndicatorKind::Md5,
            40 => IndicatorKind::Sha1,
            56 => IndicatorKind::Sha224,
            64 => IndicatorKind::Sha256,
            96 => IndicatorKind::Sha384,
            128 => IndicatorKind::Sha512,
            _ => return None,
        })
    }

    /// True for the fixed-length hex digests.
    pub fn is_hash(self) -> bool {
        matches!(
            self,
            IndicatorKind::Md5
                | IndicatorKind::Sha1
                | IndicatorKind::Sha224
                | IndicatorKind::Sha256
                | IndicatorKind::Sha384
                | IndicatorKind::Sha512
        )
    }

    /// True for kinds that name a network location.
    pub fn is_network(self) -> bool {
        matches!(
            self,
            IndicatorKind::Ipv4
                | IndicatorKind::Ipv6
                | IndicatorKind::Cidr
                | IndicatorKind::Domain
                | IndicatorKind::Url
                | IndicatorKind::Email
        )
    }
}

impl fmt::Display for IndicatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown kind name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown indicator kind `{0}` (expected one of: ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha224, sha256, sha384, sha512, ssdeep, cve, asn)")]
pub struct UnknownKind(pub String);

impl FromStr for IndicatorKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        IndicatorKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == lower)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

//! MISP attribute types: defaults, correlation behaviour, composites, and the
//! mapping between them and iocx's [`IndicatorKind`]s.

use std::net::IpAddr;

use iocx_core::{psl, IndicatorKind};

use crate::type_table::TYPE_DEFAULTS;

/// What MISP's `describeTypes.json` says about one attribute type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeDefaults {
    /// The type name.
    pub name: &'static str,
    /// The category MISP picks when none is given.
    pub default_category: &'static str,
    /// Whether MISP sets `to_ids` by default.
    pub to_ids: bool,
}

/// The defaults for a MISP type; `None` for a type MISP does not know.
pub fn type_defaults(misp_type: &str) -> Option<TypeDefaults> {
    let i = TYPE_DEFAULTS
        .binary_search_by(|(name, _, _)| name.as_bytes().cmp(misp_type.as_bytes()))
        .ok()?;
    let (name, default_category, to_ids) = TYPE_DEFAULTS[i];
    Some(TypeDefaults {
        name,
        default_category,
        to_ids,
    })
}

/// True when MISP knows the type.
pub fn is_known_type(misp_type: &str) -> bool {
    type_defaults(misp_type).is_some()
}

/// Every MISP type name, in byte order.
pub fn all_types() -> impl Iterator<Item = &'static str> {
    TYPE_DEFAULTS.iter().map(|(name, _, _)| *name)
}

/// True for composite types, whose value is two values joined by `|`.
pub fn is_composite(misp_type: &str) -> bool {
    misp_type.contains('|')
}

/// The simple types of the two halves of a composite type, used to normalise
/// each half (`domain|ip` → (`domain`, `ip-dst`), `filename|md5` →
/// (`filename`, `md5`)). `None` for simple types.
pub fn composite_parts(misp_type: &str) -> Option<(&str, &str)> {
    let (first, second) = misp_type.split_once('|')?;
    Some(match (first, second) {
        ("domain", "ip") => ("domain", "ip-dst"),
        ("regkey", "value") => ("regkey", "text"),
        pair => pair,
    })
}

/// How values of a type take part in correlation, as MISP decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Correlation {
    /// The whole value (and, for composites, both halves) correlate.
    Full,
    /// Only the first half of a composite correlates (the port never does).
    PrimaryOnly,
    /// The type never correlates.
    None,
}

/// Types MISP never correlates on (`Attribute::NON_CORRELATING_TYPES`), as
/// the correlation index applies them.
pub use iocx_core::correlate::NON_CORRELATING_TYPES;

/// Composite types whose second half (a port) does not correlate.
pub use iocx_core::correlate::PRIMARY_ONLY_COMPOSITES as PRIMARY_ONLY_TYPES;

/// How a MISP type correlates.
pub fn correlation(misp_type: &str) -> Correlation {
    if NON_CORRELATING_TYPES.contains(&misp_type) {
        Correlation::None
    } else if PRIMARY_ONLY_TYPES.contains(&misp_type) {
        Correlation::PrimaryOnly
    } else {
        Correlation::Full
    }
}

/// The MISP type for an iocx indicator with canonical `value`.
///
/// A domain is `domain` when it is its own registrable domain (`evil.co.uk`)
/// and `hostname` when it has more labels (`www.evil.co.uk`).
pub fn misp_type_for(kind: IndicatorKind, value: &str) -> &'static str {
    match kind {
        IndicatorKind::Ipv4 | IndicatorKind::Ipv6 | IndicatorKind::Cidr => "ip-dst",
        IndicatorKind::Domain => {
            let lower = value.to_ascii_lowercase();
            let name = lower.trim_end_matches('.');
            match psl::registrable_domain(name) {
                Some(registrable) if registrable.len() < name.len() => "hostname",
                _ => "domain",
            }
        }
        IndicatorKind::Url => "url",
        IndicatorKind::Email => "email-src",
        IndicatorKind::Md5 => "md5",
        IndicatorKind::Sha1 => "sha1",
        IndicatorKind::Sha224 => "sha224",
        IndicatorKind::Sha256 => "sha256",
        IndicatorKind::Sha384 => "sha384",
        IndicatorKind::Sha512 => "sha512",
        IndicatorKind::Ssdeep => "ssdeep",
        IndicatorKind::Cve => "vulnerability",
        IndicatorKind::Asn => "AS",
    }
}

/// The iocx kind and canonical value for a simple MISP type and its
/// (normalised) value; `None` for types iocx does not extract.
pub fn indicator_for(misp_type: &str, value: &str) -> Option<(IndicatorKind, String)> {
    let kind = match misp_type {
        "ip-dst" | "ip-src" | "ip" => {
            if value.contains('/') {
                IndicatorKind::Cidr
            } else {
                match value.parse::<IpAddr>().ok()? {
                    IpAddr::V4(_) => IndicatorKind::Ipv4,
                    IpAddr::V6(_) => IndicatorKind::Ipv6,
                }
            }
        }
        "domain" | "hostname" => IndicatorKind::Domain,
        "url" => IndicatorKind::Url,
        "email" | "email-src" | "email-dst" => IndicatorKind::Email,
        "md5" => IndicatorKind::Md5,
        "sha1" => IndicatorKind::Sha1,
        "sha224" => IndicatorKind::Sha224,
        "sha256" => IndicatorKind::Sha256,
        "sha384" => IndicatorKind::Sha384,
        "sha512" => IndicatorKind::Sha512,
        "ssdeep" => IndicatorKind::Ssdeep,
        "vulnerability" if value.starts_with("CVE-") => IndicatorKind::Cve,
        "AS" => return Some((IndicatorKind::Asn, format!("AS{value}"))),
        _ => return None,
    };
    Some((kind, value.to_string()))
}

/// The iocx indicators an attribute carries: one for a simple type, up to two
/// for a composite (`domain|ip` gives a domain and an address; the port of
/// `ip-dst|port` gives none).
pub fn indicators_of(attribute: &crate::Attribute) -> Vec<(IndicatorKind, String)> {
    match (composite_parts(&attribute.misp_type), attribute.split()) {
        (Some((t1, t2)), Some((v1, v2))) => indicator_for(t1, v1)
            .into_iter()
            .chain(indicator_for(t2, v2))
            .collect(),
        (Some(_), None) => Vec::new(),
        (None, _) => indicator_for(&attribute.misp_type, &attribute.value)
            .into_iter()
            .collect(),
    }
}

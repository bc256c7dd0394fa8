//! How one MISP attribute turns into the keys it correlates on.
//!
//! Every correlating part of an attribute yields an [`KeyRole::Exact`] key
//! (its normalised value) and, depending on what the part is, derived keys
//! for the labelled relations: a URL's host, a host name's registrable
//! domain, an e-mail's domain, and an IP address or network for CIDR
//! containment. The in-memory index and the SQLite store both index exactly
//! these keys, so they cannot disagree about what correlates.

use super::network::IpNet;
use super::Relation;

/// MISP types that never correlate (MISP's `non_correlating_types`).
pub const NON_CORRELATING_TYPES: [&str; 12] = [
    "comment",
    "http-method",
    "aba-rtn",
    "gender",
    "counter",
    "integer",
    "float",
    "port",
    "nationality",
    "cortex",
    "boolean",
    "anonymised",
];

/// Composite types that correlate on their first part only.
pub const PRIMARY_ONLY_COMPOSITES: [&str; 3] = ["ip-dst|port", "ip-src|port", "hostname|port"];

/// True when attributes of `misp_type` never correlate.
pub fn is_non_correlating(misp_type: &str) -> bool {
    NON_CORRELATING_TYPES.contains(&misp_type)
}

/// The role a key plays; a lookup pairs a role with its counterpart role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyRole {
    /// The normalised value of a part; matches the same value in any type.
    Exact = 0,
    /// The host of a URL.
    UrlHost = 1,
    /// A domain, host name or IP address that a URL's host can point at.
    HostTarget = 2,
    /// The registrable domain (eTLD+1) of a host name that is longer than it.
    HostRegistrable = 3,
    /// A domain or host name that a registrable domain or e-mail domain can equal.
    DomainTarget = 4,
    /// The domain of an e-mail address.
    EmailDomain = 5,
}

impl KeyRole {
    /// Every role, in the order of their numeric codes.
    pub const ALL: [KeyRole; 6] = [
        KeyRole::Exact,
        KeyRole::UrlHost,
        KeyRole::HostTarget,
        KeyRole::HostRegistrable,
        KeyRole::DomainTarget,
        KeyRole::EmailDomain,
    ];

    /// The stable numeric code stored in the database.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The role for a stored code.
    pub fn from_code(code: u8) -> Option<KeyRole> {
        KeyRole::ALL.get(code as usize).copied()
    }

    /// The roles a key of this role is looked up against, with the relation
    /// such a match establishes.
    pub fn counterparts(self) -> &'static [(KeyRole, Relation)] {
        match self {
            KeyRole::Exact => &[(KeyRole::Exact, Relation::Exact)],
            KeyRole::UrlHost => &[(KeyRole::HostTarget, Relation::UrlHost)],
            KeyRole::HostTarget => &[(KeyRole::UrlHost, Relation::UrlHost)],
            KeyRole::HostRegistrable => &[(KeyRole::DomainTarget, Relation::RegistrableDomain)],
            KeyRole::DomainTarget => &[
                (KeyRole::HostRegistrable, Relation::RegistrableDomain),
                (KeyRole::EmailDomain, Relation::EmailDomain),
            ],
            KeyRole::EmailDomain => &[(KeyRole::DomainTarget, Relation::EmailDomain)],
        }
    }
}

/// One key of one attribute part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorrelationKey {
    /// A string key with its role.
    Value(KeyRole, String),
    /// A single IP address (a network of full length) or a CIDR network.
    Network(IpNet),
}

/// A correlating part of an attribute: its MISP (sub-)type, normalised value
/// and the keys it is indexed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributePart {
    /// The part's own type: `filename|sha256` has parts `filename` and `sha256`.
    pub part_type: String,
    /// The normalised value.
    pub value: String,
    /// The keys, `Exact` first.
    pub keys: Vec<CorrelationKey>,
}

/// The correlating parts of an attribute of `misp_type` holding `value`.
/// Empty for non-correlating types and empty values; the caller handles
/// `disable_correlation`.
pub fn attribute_parts(misp_type: &str, value: &str) -> Vec<AttributePart> {
    let mut parts = Vec::with_capacity(1);
    if is_non_correlating(misp_type) {
        return parts;
    }
    match (misp_type.split_once('|'), value.split_once('|')) {
        (Some((first_type, second_type)), Some((first, second))) => {
            push_part(&mut parts, first_type, first);
            if !PRIMARY_ONLY_COMPOSITES.contains(&misp_type) && !is_non_correlating(second_type) {
                push_part(&mut parts, second_type, second);
            }
        }
        // A composite value without its `|` still correlates as a whole on
        // the first part's type, which is what the analyst typed.
        (Some((first_type, _)), None) => push_part(&mut parts, first_type, value),
        _ => push_part(&mut parts, misp_type, value),
    }
    parts
}

fn push_part(parts: &mut Vec<AttributePart>, part_type: &str, raw: &str) {
    let value = normalise_value(part_type, raw);
    if value.is_empty() {
        return;
    }
    let mut keys = vec![CorrelationKey::Value(KeyRole::Exact, value.clone())];
    match part_class(part_type) {
        PartClass::Ip => {
            if let Some(net) = IpNet::parse(&value) {
                if net.is_single() {
                    keys.push(CorrelationKey::Value(KeyRole::HostTarget, value.clone()));
                }
                keys.push(CorrelationKey::Network(net));
            }
        }
        PartClass::Host => {
            keys.push(CorrelationKey::Value(KeyRole::HostTarget, value.clone()));
            keys.push(CorrelationKey::Value(KeyRole::DomainTarget, value.clone()));
            if let Some(registrable) = crate::psl::registrable_domain(&value) {
                if registrable != value {
                    keys.push(CorrelationKey::Value(
                        KeyRole::HostRegistrable,
                        registrable.to_string(),
                    ));
                }
            }
        }
        PartClass::Url => {
            if let Some(host) = url_host(&value) {
                keys.push(CorrelationKey::Value(KeyRole::UrlHost, host));
            }
        }
        PartClass::Email => {
            if let Some((_, domain)) = value.rsplit_once('@') {
                let domain = domain.trim_end_matches('.');
                if !domain.is_empty() {
                    keys.push(CorrelationKey::Value(
                        KeyRole::EmailDomain,
                        domain.to_string(),
                    ));
                }
            }
        }
        PartClass::Other => {}
    }
    parts.push(AttributePart {
        part_type: part_type.to_string(),
        value,
        keys,
    });
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PartClass {
    Ip,
    Host,
    Url,
    Email,
    Other,
}

fn part_class(part_type: &str) -> PartClass {
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
    let value = raw.trim();
    match part_class(part_type) {
        PartClass::Ip => {
            return match IpNet::parse(value) {
                Some(net) => net.canonical_text(),
                None => value.to_string(),
            }
        }
        PartClass::Host => return value.trim_end_matches('.').to_ascii_lowercase(),
        _ => {}
    }
    if part_type == "AS" {
        let digits = value
            .strip_prefix("AS")
            .or_else(|| value.strip_prefix("as"))
            .unwrap_or(value);
        return digits.trim().to_string();
    }
    if is_case_insensitive(part_type) {
        if value.bytes().any(|b| b.is_ascii_uppercase()) {
            return value.to_ascii_lowercase();
        }
        return value.to_string();
    }
    value.to_string()
}

/// The host of a URL, lower case, without user info, port or IPv6 brackets;
/// IP hosts in canonical text. Scheme-less `host/path` URLs are accepted.
pub fn url_host(url: &str) -> Option<String> {
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
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
        return Some(net.canonical_text());
    }
    Some(host.to_ascii_lowercase())
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

    fn exact_values(t: &str, v: &str) -> Vec<String> {
        attribute_parts(t, v).into_iter().map(|p| p.value).collect()
    }

    #[test]
    fn non_correlating_types_yield_no_parts() {
        for t in NON_CORRELATING_TYPES {
            assert!(attribute_parts(t, "443").is_empty(), "{t}");
        }
        assert_eq!(
            exact_values("text", "Linux/SSHDoor.BO"),
            ["Linux/SSHDoor.BO"]
        );
    }

    #[test]
    fn composites_correlate_on_each_part_except_primary_only() {
        assert_eq!(
            exact_values("filename|SHA256", "a.exe|ABCD"),
            ["a.exe", "ABCD"],
            "an unknown sub-type keeps its case"
        );
        assert_eq!(
            exact_values("filename|sha256", "a.exe|ABCD"),
            ["a.exe", "abcd"]
        );
        assert_eq!(exact_values("ip-dst|port", "10.0.0.1|443"), ["10.0.0.1"]);
        assert_eq!(exact_values("hostname|port", "Evil.com.|80"), ["evil.com"]);
        assert_eq!(
            exact_values("domain|ip", "evil.com|1.2.3.4"),
            ["evil.com", "1.2.3.4"]
        );
        assert_eq!(exact_values("filename|sha256", "nopipe"), ["nopipe"]);
    }

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
    fn derived_keys_per_class() {
        let parts = attribute_parts("hostname", "www.evil.co.uk");
        assert!(parts[0].keys.contains(&CorrelationKey::Value(
            KeyRole::HostRegistrable,
            "evil.co.uk".into()
        )));
        let parts = attribute_parts("domain", "evil.co.uk");
        assert!(!parts[0]
            .keys
            .iter()
            .any(|k| matches!(k, CorrelationKey::Value(KeyRole::HostRegistrable, _))));
        let parts = attribute_parts("url", "https://user@WWW.Evil.com:8443/x?y");
        assert!(parts[0].keys.contains(&CorrelationKey::Value(
            KeyRole::UrlHost,
            "www.evil.com".into()
        )));
        let parts = attribute_parts("email-src", "bob@mail.evil.com");
        assert!(parts[0].keys.contains(&CorrelationKey::Value(
            KeyRole::EmailDomain,
            "mail.evil.com".into()
        )));
        let parts = attribute_parts("ip-dst", "10.0.0.0/8");
        assert!(matches!(parts[0].keys[1], CorrelationKey::Network(n) if n.len == 8));
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

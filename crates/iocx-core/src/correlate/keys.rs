//! How one MISP attribute turns into the keys it correlates on.
//!
//! Every correlating part of an attribute yields an [`KeyRole::Exact`] key
//! (its normalised value) and, depending on what the part is, derived keys
//! for the labelled relations: a URL's host, a host name's registrable
//! domain, an e-mail's domain, and an IP address or network for CIDR
//! containment. The in-memory index and the SQLite store both index exactly
//! these keys, so they cannot disagree about what correlates.

use std::borrow::Cow;

use super::network::IpNet;
use super::normalise::{normalise, part_class, url_host_ref, PartClass};
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
    for_each_part(misp_type, value, |part| {
        let mut keys = vec![CorrelationKey::Value(
            KeyRole::Exact,
            part.value.to_string(),
        )];
        part.for_each_key(|key| {
            keys.push(match key {
                KeyRef::Own(role) => CorrelationKey::Value(role, part.value.to_string()),
                KeyRef::Other(role, value) => CorrelationKey::Value(role, value.into_owned()),
                KeyRef::Network(net) => CorrelationKey::Network(net),
            })
        });
        parts.push(AttributePart {
            part_type: part.part_type.to_string(),
            value: part.value.to_string(),
            keys,
        });
    });
    parts
}

/// A correlating part as the hot paths see it: borrowed from the attribute
/// wherever normalising changed nothing, which is almost always.
pub(crate) struct PartRef<'a> {
    /// The part's own type.
    pub part_type: &'a str,
    /// The normalised value.
    pub value: Cow<'a, str>,
    class: PartClass,
    /// The parsed address or network of an IP part.
    net: Option<IpNet>,
}

/// A key of a [`PartRef`] besides its [`KeyRole::Exact`] key.
pub(crate) enum KeyRef<'a> {
    /// The part's own value, in another role.
    Own(KeyRole),
    /// A string derived from the value (a URL's host, a registrable
    /// domain, an e-mail's domain).
    Other(KeyRole, Cow<'a, str>),
    /// The address or network of an IP part.
    Network(IpNet),
}

/// Calls `f` for each correlating part of an attribute, in order, without
/// allocating unless a value needs normalising. [`attribute_parts`] is the
/// owned form of the same walk.
pub(crate) fn for_each_part<'a>(
    misp_type: &'a str,
    value: &'a str,
    mut f: impl FnMut(PartRef<'a>),
) {
    if is_non_correlating(misp_type) {
        return;
    }
    let mut push = |part_type: &'a str, raw: &'a str| {
        let class = part_class(part_type);
        let (value, net) = normalise(part_type, class, raw);
        if !value.is_empty() {
            f(PartRef {
                part_type,
                value,
                class,
                net,
            });
        }
    };
    // Only a composite type splits its value: a `|` in a plain value is
    // part of it (and not scanning for one saves time on every attribute).
    let Some((first_type, second_type)) = misp_type.split_once('|') else {
        return push(misp_type, value);
    };
    match value.split_once('|') {
        Some((first, second)) => {
            push(first_type, first);
            if !PRIMARY_ONLY_COMPOSITES.contains(&misp_type) && !is_non_correlating(second_type) {
                push(second_type, second);
            }
        }
        // A composite value without its `|` still correlates as a whole on
        // the first part's type, which is what the analyst typed.
        None => push(first_type, value),
    }
}

impl PartRef<'_> {
    /// Calls `f` for each key besides the exact one.
    pub(crate) fn for_each_key<'s>(&'s self, mut f: impl FnMut(KeyRef<'s>)) {
        match self.class {
            PartClass::Ip => {
                if let Some(net) = self.net {
                    if net.is_single() {
                        f(KeyRef::Own(KeyRole::HostTarget));
                    }
                    f(KeyRef::Network(net));
                }
            }
            PartClass::Host => {
                f(KeyRef::Own(KeyRole::HostTarget));
                f(KeyRef::Own(KeyRole::DomainTarget));
                if let Some(registrable) = crate::psl::registrable_domain(&self.value) {
                    if registrable.len() != self.value.len() {
                        f(KeyRef::Other(
                            KeyRole::HostRegistrable,
                            Cow::Borrowed(registrable),
                        ));
                    }
                }
            }
            PartClass::Url => {
                if let Some(host) = url_host_ref(&self.value) {
                    f(KeyRef::Other(KeyRole::UrlHost, host));
                }
            }
            PartClass::Email => {
                if let Some((_, domain)) = self.value.rsplit_once('@') {
                    let domain = domain.trim_end_matches('.');
                    if !domain.is_empty() {
                        f(KeyRef::Other(KeyRole::EmailDomain, Cow::Borrowed(domain)));
                    }
                }
            }
            PartClass::Other => {}
        }
    }
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
}

//! Values that must not correlate: analyst exclusion rules and MISP
//! warninglists, each verdict naming the rule or list that matched.
//!
//! Exclusion patterns follow MISP's correlation exclusions: `x%` is a
//! prefix, `%x` a suffix, `%x%` a substring, anything else an exact value;
//! comparison ignores ASCII case. Warninglists follow the misp-warninglists
//! JSON format (`string`, `substring`, `hostname`, `cidr`, `regex`) and are
//! applied only to the types in their `matching_attributes` (all types when
//! that is empty). Entries of a `string` list that start with `.` match
//! that suffix (`.google.com` matches `mail.google.com`), as MISP does.

use std::collections::{HashMap, HashSet};
use std::fmt;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::network::{IpNet, NetworkIndex};
use super::normalise::url_host;

/// The error of building a warninglist or an exclusion rule.
#[derive(Debug, thiserror::Error)]
pub enum ExclusionError {
    /// A `regex` warninglist entry that does not compile.
    #[error("warninglist `{list}`: entry {index} `{entry}` is not a valid regular expression: {message}")]
    BadRegex {
        /// The list's name.
        list: String,
        /// The entry's position in `list`.
        index: usize,
        /// The entry.
        entry: String,
        /// Why it does not compile.
        message: String,
    },
    /// A warninglist `type` iocx does not know.
    #[error("warninglist `{list}`: unknown type `{kind}` (expected string, substring, hostname, cidr or regex)")]
    UnknownType {
        /// The list's name.
        list: String,
        /// The type given.
        kind: String,
    },
    /// An empty exclusion pattern (or one made only of `%`).
    #[error("empty exclusion pattern `{0}`")]
    EmptyPattern(String),
}

/// Why a value was excluded.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExclusionReason {
    /// An analyst exclusion rule, by its pattern.
    Rule(String),
    /// A warninglist, by its name.
    Warninglist(String),
}

impl fmt::Display for ExclusionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExclusionReason::Rule(p) => write!(f, "exclusion {p}"),
            ExclusionReason::Warninglist(n) => write!(f, "warninglist {n}"),
        }
    }
}

/// An exclusion pattern after parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExclusionRule {
    /// The whole value.
    Exact(String),
    /// `x%`.
    Prefix(String),
    /// `%x`.
    Suffix(String),
    /// `%x%`.
    Contains(String),
}

impl ExclusionRule {
    /// Parses a MISP-style pattern.
    pub fn parse(pattern: &str) -> Result<ExclusionRule, ExclusionError> {
        let lower = pattern.trim().to_ascii_lowercase();
        let (starts, rest) = match lower.strip_prefix('%') {
            Some(rest) => (true, rest),
            None => (false, lower.as_str()),
        };
        let (ends, core) = match rest.strip_suffix('%') {
            Some(core) => (true, core.to_string()),
            None => (false, rest.to_string()),
        };
        if core.is_empty() {
            return Err(ExclusionError::EmptyPattern(pattern.to_string()));
        }
        Ok(match (starts, ends) {
            (true, true) => ExclusionRule::Contains(core),
            (true, false) => ExclusionRule::Suffix(core),
            (false, true) => ExclusionRule::Prefix(core),
            (false, false) => ExclusionRule::Exact(core),
        })
    }

    fn matches(&self, lower: &str) -> bool {
        match self {
            ExclusionRule::Exact(x) => lower == x,
            ExclusionRule::Prefix(x) => lower.starts_with(x.as_str()),
            ExclusionRule::Suffix(x) => lower.ends_with(x.as_str()),
            ExclusionRule::Contains(x) => lower.contains(x.as_str()),
        }
    }
}

/// The matching style of a warninglist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarninglistKind {
    /// Whole-value equality.
    String,
    /// The entry occurs in the value.
    Substring,
    /// The value's host, or one of its parent domains, is an entry.
    Hostname,
    /// The value is an address inside an entry network.
    Cidr,
    /// The value matches an entry regular expression (`/re/flags`).
    Regex,
}

impl WarninglistKind {
    /// Parses the `type` field of a warninglist.
    pub fn parse(list: &str, kind: &str) -> Result<WarninglistKind, ExclusionError> {
        Ok(match kind {
            "string" => WarninglistKind::String,
            "substring" => WarninglistKind::Substring,
            "hostname" => WarninglistKind::Hostname,
            "cidr" => WarninglistKind::Cidr,
            "regex" => WarninglistKind::Regex,
            _ => {
                return Err(ExclusionError::UnknownType {
                    list: list.to_string(),
                    kind: kind.to_string(),
                })
            }
        })
    }
}

#[derive(Debug)]
enum Matcher {
    Strings {
        exact: HashSet<String>,
        suffixes: Vec<String>,
    },
    Substrings(Option<AhoCorasick>),
    Hostnames(HashSet<String>),
    Networks(NetworkIndex<()>),
    Regexes(Vec<Regex>),
}

/// A loaded warninglist.
#[derive(Debug)]
pub struct Warninglist {
    name: String,
    matching_attributes: HashSet<String>,
    matcher: Matcher,
}

impl Warninglist {
    /// Builds a list from the fields of its JSON file.
    pub fn new(
        name: &str,
        kind: WarninglistKind,
        matching_attributes: &[String],
        entries: &[String],
    ) -> Result<Warninglist, ExclusionError> {
        let lowered = entries.iter().map(|e| e.trim().to_ascii_lowercase());
        let matcher = match kind {
            WarninglistKind::String => {
                let mut exact = HashSet::new();
                let mut suffixes = Vec::new();
                for e in lowered {
                    if let Some(bare) = e.strip_prefix('.') {
                        exact.insert(bare.to_string());
                        suffixes.push(e);
                    } else {
                        exact.insert(e);
                    }
                }
                Matcher::Strings { exact, suffixes }
            }
            WarninglistKind::Substring => {
                let patterns: Vec<String> = lowered.filter(|e| !e.is_empty()).collect();
                Matcher::Substrings(AhoCorasick::new(&patterns).ok())
            }
            WarninglistKind::Hostname => Matcher::Hostnames(
                lowered
                    .map(|e| e.trim_matches('.').to_string())
                    .filter(|e| !e.is_empty())
                    .collect(),
            ),
            WarninglistKind::Cidr => {
                let mut index = NetworkIndex::new();
                for net in entries.iter().filter_map(|e| IpNet::parse(e.trim())) {
                    index.insert(net, ());
                }
                Matcher::Networks(index)
            }
            WarninglistKind::Regex => {
                let mut regexes = Vec::with_capacity(entries.len());
                for (index, entry) in entries.iter().enumerate() {
                    let re =
                        compile_misp_regex(entry).map_err(|message| ExclusionError::BadRegex {
                            list: name.to_string(),
                            index,
                            entry: entry.clone(),
                            message,
                        })?;
                    regexes.push(re);
                }
                Matcher::Regexes(regexes)
            }
        };
        Ok(Warninglist {
            name: name.to_string(),
            matching_attributes: matching_attributes.iter().cloned().collect(),
            matcher,
        })
    }

    /// The list's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when the list applies to one of `types` and matches `value`.
    pub fn matches(&self, value: &str, types: &[&str]) -> bool {
        if !self.matching_attributes.is_empty()
            && !types.iter().any(|t| self.matching_attributes.contains(*t))
        {
            return false;
        }
        let lower = value.to_ascii_lowercase();
        let is_url = types.iter().any(|t| matches!(*t, "url" | "uri" | "link"));
        let host = if is_url { url_host(&lower) } else { None };
        match &self.matcher {
            Matcher::Strings { exact, suffixes } => {
                let hit =
                    |s: &str| exact.contains(s) || suffixes.iter().any(|x| s.ends_with(x.as_str()));
                hit(&lower) || host.as_deref().is_some_and(hit)
            }
            Matcher::Substrings(ac) => ac.as_ref().is_some_and(|ac| ac.is_match(&lower)),
            Matcher::Hostnames(set) => {
                let name = host.as_deref().unwrap_or(&lower);
                let mut rest = name.trim_end_matches('.');
                loop {
                    if set.contains(rest) {
                        return true;
                    }
                    match rest.split_once('.') {
                        Some((_, parent)) => rest = parent,
                        None => return false,
                    }
                }
            }
            Matcher::Networks(index) => {
                let text = host.as_deref().unwrap_or(&lower);
                IpNet::parse(text).is_some_and(|net| index.covers(&net))
            }
            Matcher::Regexes(res) => res.iter().any(|re| re.is_match(value)),
        }
    }
}

/// Turns a PCRE-style `/pattern/flags` entry into a regex; `i`, `m`, `s`
/// and `x` carry over, `g` and `u` mean nothing for a yes/no match.
fn compile_misp_regex(entry: &str) -> Result<Regex, String> {
    let (pattern, flags) = match entry.strip_prefix('/').and_then(|r| r.rsplit_once('/')) {
        Some((p, f)) => (p, f),
        None => (entry, ""),
    };
    let inline: String = flags
        .chars()
        .filter(|c| matches!(c, 'i' | 'm' | 's' | 'x'))
        .collect();
    let full = if inline.is_empty() {
        pattern.to_string()
    } else {
        format!("(?{inline}){pattern}")
    };
    Regex::new(&full).map_err(|e| {
        e.to_string()
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_string()
    })
}

/// Exclusion rules and warninglists together.
#[derive(Debug, Default)]
pub struct Exclusions {
    exact: HashMap<String, String>,
    patterns: Vec<(ExclusionRule, String)>,
    lists: Vec<Warninglist>,
}

impl Exclusions {
    /// No exclusions.
    pub fn new() -> Exclusions {
        Exclusions::default()
    }

    /// Adds an exclusion pattern (`x`, `x%`, `%x`, `%x%`).
    pub fn add_rule(&mut self, pattern: &str) -> Result<(), ExclusionError> {
        match ExclusionRule::parse(pattern)? {
            ExclusionRule::Exact(x) => {
                self.exact.insert(x, pattern.to_string());
            }
            rule => self.patterns.push((rule, pattern.to_string())),
        }
        Ok(())
    }

    /// Adds a warninglist.
    pub fn add_warninglist(&mut self, list: Warninglist) {
        self.lists.push(list);
    }

    /// True when nothing is excluded.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.patterns.is_empty() && self.lists.is_empty()
    }

    /// Why `value` (of one of the MISP `types`) is excluded, if it is.
    /// Rules are tried before warninglists, in the order they were added.
    pub fn check(&self, value: &str, types: &[&str]) -> Option<ExclusionReason> {
        if self.is_empty() {
            return None;
        }
        let lower = value.to_ascii_lowercase();
        if let Some(pattern) = self.exact.get(&lower) {
            return Some(ExclusionReason::Rule(pattern.clone()));
        }
        if let Some((_, pattern)) = self.patterns.iter().find(|(r, _)| r.matches(&lower)) {
            return Some(ExclusionReason::Rule(pattern.clone()));
        }
        self.lists
            .iter()
            .find(|l| l.matches(value, types))
            .map(|l| ExclusionReason::Warninglist(l.name.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rule_patterns() {
        let cases = [
            ("evil.com", ExclusionRule::Exact("evil.com".into())),
            ("10.%", ExclusionRule::Prefix("10.".into())),
            ("%.local", ExclusionRule::Suffix(".local".into())),
            ("%Test%", ExclusionRule::Contains("test".into())),
        ];
        for (p, want) in cases {
            assert_eq!(ExclusionRule::parse(p).unwrap(), want, "{p}");
        }
        assert!(ExclusionRule::parse("%%").is_err());
        let mut ex = Exclusions::new();
        for p in ["Evil.com", "10.%", "%.local", "%test%"] {
            ex.add_rule(p).unwrap();
        }
        let verdict = |v: &str| ex.check(v, &["domain"]).map(|r| r.to_string());
        assert_eq!(verdict("evil.COM").as_deref(), Some("exclusion Evil.com"));
        assert_eq!(verdict("10.1.1.1").as_deref(), Some("exclusion 10.%"));
        assert_eq!(
            verdict("printer.local").as_deref(),
            Some("exclusion %.local")
        );
        assert_eq!(verdict("a-TEST-b.com").as_deref(), Some("exclusion %test%"));
        assert_eq!(verdict("sub.evil.com"), None);
        assert_eq!(verdict("110.1.1.1"), None);
    }

    #[test]
    fn warninglist_kinds() {
        let list = |kind, types: &[&str], entries: &[&str]| {
            Warninglist::new("L", kind, &strings(types), &strings(entries)).unwrap()
        };
        let s = list(WarninglistKind::String, &[], &["AAA", ".google.com"]);
        assert!(s.matches("aaa", &["domain"]));
        assert!(s.matches("mail.google.com", &["hostname"]));
        assert!(s.matches("google.com", &["hostname"]));
        assert!(!s.matches("notgoogle.com", &["hostname"]));
        let sub = list(WarninglistKind::Substring, &["domain"], &["mobiseclab"]);
        assert!(sub.matches("akana.mobiseclab.org", &["domain"]));
        assert!(
            !sub.matches("akana.mobiseclab.org", &["md5"]),
            "matching_attributes"
        );
        let host = list(WarninglistKind::Hostname, &[], &["tinyurl.com"]);
        assert!(host.matches("a.b.tinyurl.com", &["hostname"]));
        assert!(host.matches("https://tinyurl.com/x", &["url"]));
        assert!(!host.matches("nottinyurl.com", &["hostname"]));
        let cidr = list(
            WarninglistKind::Cidr,
            &[],
            &["10.0.0.0/8", "8.8.8.8", "FE80::/10"],
        );
        assert!(cidr.matches("10.9.9.9", &["ip-dst"]));
        assert!(cidr.matches("8.8.8.8", &["ip-dst"]));
        assert!(cidr.matches("fe80::1", &["ip-dst"]));
        assert!(!cidr.matches("8.8.4.4", &["ip-dst"]));
        let re = list(
            WarninglistKind::Regex,
            &[],
            &["/^(security|noc)\\@.*\\..*$/i"],
        );
        assert!(re.matches("NOC@example.com", &["email-src"]));
        assert!(!re.matches("bob@example.com", &["email-src"]));
        let bad = Warninglist::new("R", WarninglistKind::Regex, &[], &strings(&["/(/"]));
        assert!(bad
            .unwrap_err()
            .to_string()
            .starts_with("warninglist `R`: entry 0 `/(/`"));
    }

    #[test]
    fn check_names_the_list() {
        let mut ex = Exclusions::new();
        ex.add_warninglist(
            Warninglist::new(
                "public-dns-v4",
                WarninglistKind::Cidr,
                &[],
                &strings(&["8.8.8.8"]),
            )
            .unwrap(),
        );
        assert_eq!(
            ex.check("8.8.8.8", &["ip-dst"]),
            Some(ExclusionReason::Warninglist("public-dns-v4".into()))
        );
    }
}

//! The Public Suffix List snapshot and the questions iocx asks of it.
//!
//! The list is `data/public_suffix_list.dat`, shipped in the repository (see
//! `data/README.md` for its version and `scripts/update-psl.sh`), compiled in
//! and parsed once per process on first use.
//!
//! Why not the `publicsuffix` crate: the extractor asks the list about every
//! dotted token in the input (`e.g.`, `file.exe`, `System.Net` …), so the
//! lookup is on the hot path. The crate walks a trie with byte comparisons
//! and compares case-sensitively, so each question also needed a lower-cased
//! copy. This matcher keeps every rule and every suffix of a rule in one hash
//! map keyed by the lower-case ASCII name: a lookup walks the name's labels
//! from the right, one hash probe per label, and most non-domains fail on the
//! first probe (their last label is not a TLD) without allocating. Unicode
//! rules are stored as punycode A-labels, the form the extractor produces.
//! The algorithm is the list's own: the longest matching rule wins, `*.x`
//! matches any one label under `x`, `!y.x` is an exception to such a
//! wildcard.

use std::sync::LazyLock;

use crate::fasthash::FastMap;

/// What the list says of one name.
#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    /// The name is a rule: it is a public suffix.
    rule: bool,
    /// `*.name` is a rule: any label under the name is a public suffix.
    wildcard: bool,
    /// `!name` is a rule: the name is not a public suffix after all.
    exception: bool,
    /// Some rule is longer than the name and ends with it.
    parent: bool,
}

// Hashed with the fast hasher: a lookup per label of every dotted token
// the extractor meets made SipHash a visible cost.
static LIST: LazyLock<FastMap<String, Entry>> = LazyLock::new(|| {
    let mut map: FastMap<String, Entry> =
        FastMap::with_capacity_and_hasher(16 * 1024, Default::default());
    for line in include_str!("../data/public_suffix_list.dat").lines() {
        let rule = line.split_whitespace().next().unwrap_or_default();
        if rule.is_empty() || rule.starts_with("//") {
            continue;
        }
        let (name, kind) = if let Some(rest) = rule.strip_prefix("*.") {
            (rest, 1)
        } else if let Some(rest) = rule.strip_prefix('!') {
            (rest, 2)
        } else {
            (rule, 0)
        };
        // Most rules are ASCII already; IDNA processing for all of them was
        // most of the start-up time of `iocx extract` on a small file.
        let name = if name.is_ascii() {
            name.to_ascii_lowercase()
        } else {
            match idna::domain_to_ascii(name) {
                Ok(name) => name,
                Err(_) => continue,
            }
        };
        let entry = map.entry(name.clone()).or_default();
        match kind {
            0 => entry.rule = true,
            1 => entry.wildcard = true,
            _ => entry.exception = true,
        }
        if kind == 1 {
            // `*.x` makes `x` the parent of whatever stands under it.
            entry.parent = true;
        }
        let mut rest = name.as_str();
        while let Some(dot) = rest.find('.') {
            rest = &rest[dot + 1..];
            map.entry(rest.to_string()).or_default().parent = true;
        }
    }
    map
});

/// Forces the list to be parsed now rather than on first lookup.
pub fn preload() {
    LazyLock::force(&LIST);
}

/// The length in bytes of the public suffix of `name` (lower-case ASCII),
/// when its suffix is explicitly on the list (not the implicit `*` rule).
fn suffix_len(name: &str) -> Option<usize> {
    let list = &*LIST;
    let bytes = name.as_bytes();
    let mut best = None;
    let mut end_label = name.len(); // start of the previous (shorter) suffix
    let mut parent_wildcard = false;
    loop {
        let start = bytes[..end_label.saturating_sub(1)]
            .iter()
            .rposition(|&b| b == b'.')
            .map_or(0, |i| i + 1);
        let suffix = &name[start..];
        let entry = list.get(suffix).copied().unwrap_or_default();
        if entry.exception {
            // `!www.ck`: the suffix is the rule without its first label.
            return Some(name.len() - end_label);
        }
        if entry.rule || parent_wildcard {
            best = Some(suffix.len());
        }
        if start == 0 || !(entry.parent || entry.wildcard) {
            return best;
        }
        parent_wildcard = entry.wildcard;
        end_label = start;
    }
}

/// True when the last labels of `name` (ASCII, lower case, punycode for IDNs)
/// form a suffix that is explicitly on the list and some label stands
/// before it.
pub fn has_known_suffix(name: &str) -> bool {
    suffix_len(name).is_some_and(|n| n < name.len())
}

/// True when some rule ends in `label` (ASCII, any case, up to 63 bytes):
/// a quick test that rejects most dotted tokens of prose on their last label
/// before any other work.
pub(crate) fn ends_some_rule(label: &[u8]) -> bool {
    if label.is_empty() || label.len() > 63 {
        return false;
    }
    let mut buf = [0u8; 63];
    let lower = &mut buf[..label.len()];
    lower.copy_from_slice(label);
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).is_ok_and(|l| LIST.contains_key(l))
}

/// True when `label` alone (lower case) is a top-level domain on the list.
pub fn is_tld(label: &str) -> bool {
    !label.contains('.') && LIST.get(label).is_some_and(|e| e.rule)
}

/// The public suffix of `name`, when it is a known one.
pub fn public_suffix(name: &str) -> Option<&str> {
    suffix_len(name).map(|n| &name[name.len() - n..])
}

/// The registrable domain (eTLD+1) of `name`: `www.evil.co.uk` → `evil.co.uk`.
/// `None` when `name` is itself a public suffix or its suffix is unknown.
pub fn registrable_domain(name: &str) -> Option<&str> {
    let n = suffix_len(name)?;
    if n >= name.len() {
        return None;
    }
    let head = &name[..name.len() - n - 1];
    let start = head.rfind('.').map_or(0, |i| i + 1);
    Some(&name[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        assert!(has_known_suffix("evil.com"));
        assert!(has_known_suffix("evil.co.uk"));
        assert!(!has_known_suffix("com"));
        assert!(!has_known_suffix("setup.exe"));
        assert!(is_tld("zip"));
        assert!(!is_tld("exe"));
        assert!(!is_tld("co.uk"));
        assert_eq!(registrable_domain("a.b.evil.co.uk"), Some("evil.co.uk"));
        assert_eq!(registrable_domain("co.uk"), None);
        assert_eq!(registrable_domain("evil.com"), Some("evil.com"));
        assert_eq!(public_suffix("x.github.io"), Some("github.io"));
        assert_eq!(public_suffix("x.y.z.com"), Some("com"));
        assert_eq!(
            registrable_domain("xn--e1afmkfd.xn--p1ai"),
            Some("xn--e1afmkfd.xn--p1ai")
        );
    }

    #[test]
    fn wildcards_and_exceptions() {
        // `*.ck` and `!www.ck` are on the list.
        assert_eq!(public_suffix("a.b.ck"), Some("b.ck"));
        assert_eq!(registrable_domain("a.b.ck"), Some("a.b.ck"));
        assert_eq!(public_suffix("www.ck"), Some("ck"));
        assert_eq!(registrable_domain("www.ck"), Some("www.ck"));
        // `*.kawasaki.jp` with `!city.kawasaki.jp`.
        assert_eq!(
            registrable_domain("x.city.kawasaki.jp"),
            Some("city.kawasaki.jp")
        );
        assert_eq!(
            registrable_domain("x.y.kawasaki.jp"),
            Some("x.y.kawasaki.jp")
        );
    }
}

//! The Public Suffix List snapshot and the questions iocx asks of it.
//!
//! The list is `data/public_suffix_list.dat`, shipped in the repository
//! (see `data/README.md` for its version and `scripts/update-psl.sh`). It is
//! parsed once per process on first use. The `publicsuffix` crate compares
//! labels byte-for-byte, so every lookup here lowercases first.

use std::sync::LazyLock;

use publicsuffix::{List, Psl};

static LIST: LazyLock<List> = LazyLock::new(|| {
    let source = include_str!("../data/public_suffix_list.dat");
    // The list writes internationalised rules in Unicode; iocx looks names up
    // as A-labels, so every such rule is added once more in punycode.
    let mut text = String::with_capacity(source.len() + 64 * 1024);
    for line in source.lines() {
        text.push_str(line);
        text.push('\n');
        let rule = line.trim();
        if rule.is_ascii() || rule.starts_with("//") {
            continue;
        }
        let (prefix, name) = match rule.strip_prefix("*.") {
            Some(rest) => ("*.", rest),
            None => match rule.strip_prefix('!') {
                Some(rest) => ("!", rest),
                None => ("", rule),
            },
        };
        if let Ok(ascii) = idna::domain_to_ascii(name) {
            text.push_str(prefix);
            text.push_str(&ascii);
            text.push('\n');
        }
    }
    text.parse().expect("the bundled public suffix list parses")
});

/// Forces the list to be parsed now rather than on first lookup.
pub fn preload() {
    LazyLock::force(&LIST);
}

/// True when the last labels of `name` (ASCII, lower case, punycode for IDNs)
/// form a suffix that is explicitly on the list, as opposed to the implicit
/// `*` rule that makes any unknown TLD a suffix.
pub fn has_known_suffix(name: &str) -> bool {
    match LIST.suffix(name.as_bytes()) {
        Some(s) => s.is_known() && s.as_bytes().len() < name.len(),
        None => false,
    }
}

/// True when `label` alone (lower case) is a top-level domain on the list.
pub fn is_tld(label: &str) -> bool {
    match LIST.suffix(label.as_bytes()) {
        Some(s) => s.is_known() && s.as_bytes().len() == label.len(),
        None => false,
    }
}

/// The public suffix of `name`, when it is a known one.
pub fn public_suffix(name: &str) -> Option<&str> {
    let s = LIST.suffix(name.as_bytes())?;
    if !s.is_known() {
        return None;
    }
    let n = s.as_bytes().len();
    Some(&name[name.len() - n..])
}

/// The registrable domain (eTLD+1) of `name`: `www.evil.co.uk` → `evil.co.uk`.
/// `None` when `name` is itself a public suffix or its suffix is unknown.
pub fn registrable_domain(name: &str) -> Option<&str> {
    let d = LIST.domain(name.as_bytes())?;
    if !d.suffix().is_known() {
        return None;
    }
    let n = d.as_bytes().len();
    Some(&name[name.len() - n..])
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
        assert_eq!(registrable_domain("a.b.evil.co.uk"), Some("evil.co.uk"));
        assert_eq!(registrable_domain("co.uk"), None);
        assert_eq!(public_suffix("x.github.io"), Some("github.io"));
    }
}

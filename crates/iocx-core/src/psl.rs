//! The Public Suffix List snapshot and the questions iocx asks of it.
//!
//! The list is `data/public_suffix_list.dat`, shipped in the repository (see
//! `data/README.md` for its version and `scripts/update-psl.sh`), made into
//! the lookup table by the build script (`build.rs`, with `psl/table.rs`)
//! and read once per process on first use.
//!
//! Why not the `publicsuffix` crate: the extractor asks the list about every
//! dotted token in the input (`e.g.`, `file.exe`, `System.Net` …), so the
//! lookup is on the hot path. The crate walks a trie with byte comparisons
//! and compares case-sensitively, so each question also needed a lower-cased
//! copy. This matcher keeps every rule and every suffix of a rule in one
//! hash table keyed by the lower-case ASCII name: a lookup walks the name's
//! bytes once from the right, extending one hash as it goes, with one probe
//! per label, and most non-domains fail on the first probe (their last
//! label is not a TLD) without allocating or copying. Unicode
//! rules are stored as punycode A-labels, the form the extractor produces.
//! The algorithm is the list's own: the longest matching rule wins, `*.x`
//! matches any one label under `x`, `!y.x` is an exception to such a
//! wildcard. A few alternative roots (`.bit`, `.bazar`) are added as
//! top-level rules.

use std::sync::LazyLock;

// The building half of the table is the build script's (and the tests').
#[cfg_attr(not(test), allow(dead_code))]
mod table;

use table::{Lookup, RightHash, TableView};

/// The table the build script made of the list (see [`table`]).
static TABLE_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/psl.table"));

/// [`TABLE_BYTES`] read where they lie: the header checked once per
/// process, nothing copied, nothing parsed.
static LIST: LazyLock<TableView<'static>> = LazyLock::new(|| TableView::from_bytes(TABLE_BYTES));

/// Reads the compiled table's header now rather than on first lookup.
pub fn preload() {
    LazyLock::force(&LIST);
}

/// The length in bytes of the public suffix of `name` (ASCII, any case),
/// when its suffix is explicitly on the list (not the implicit `*` rule).
fn suffix_len(name: &str) -> Option<usize> {
    suffix_len_bytes(name.as_bytes())
}

/// [`suffix_len`] of bytes that need not be valid host text: the extractor
/// asks before it checks the labels, because most dotted tokens of prose
/// fail here, on the probe of their last label.
pub(crate) fn suffix_len_bytes(bytes: &[u8]) -> Option<usize> {
    suffix_len_by(bytes, |end| {
        let mut start = end;
        while start > 0 && bytes[start - 1] != b'.' {
            start -= 1;
        }
        start
    })
}

/// [`suffix_len_bytes`] of a name of at most 64 bytes whose dots are the
/// set bits of `dots` (bit `k` for byte `k`): each label's start is read
/// off the mask instead of found by a loop over its bytes, whose exit is
/// often mispredicted (labels vary in length).
pub(crate) fn suffix_len_dotted(bytes: &[u8], dots: u64) -> Option<usize> {
    debug_assert!(bytes.len() <= 64);
    suffix_len_by(bytes, |end| {
        // The dots before `end`.
        let before = if end >= 64 {
            dots
        } else {
            dots & ((1 << end) - 1)
        };
        if before == 0 {
            0
        } else {
            64 - before.leading_zeros() as usize
        }
    })
}

/// The longest-rule walk, right to left; `label_start(end)` is the start
/// of the label that ends at `end`.
#[inline(always)]
fn suffix_len_by(bytes: &[u8], label_start: impl Fn(usize) -> usize) -> Option<usize> {
    let list = &*LIST;
    let mut best = None;
    let mut end_label = bytes.len(); // start of the previous (shorter) suffix
    let mut parent_wildcard = false;
    let mut hash = RightHash::new();
    let mut start = bytes.len();
    loop {
        let label_end = start;
        start = label_start(label_end);
        hash.push_label(bytes, start, label_end);
        let suffix = &bytes[start..];
        let entry = list.get_hashed(hash.finish(), suffix).unwrap_or_default();
        if entry.exception {
            // `!www.ck`: the suffix is the rule without its first label.
            return Some(bytes.len() - end_label);
        }
        if entry.rule || parent_wildcard {
            best = Some(suffix.len());
        }
        if start == 0 || !(entry.parent || entry.wildcard) {
            return best;
        }
        parent_wildcard = entry.wildcard;
        end_label = start;
        start -= 1;
    }
}

/// For `name` (ASCII, any case) that is a public suffix only because a
/// wildcard rule of two or more labels covers its first label, the length
/// of the rest: `ec2-3-80-1-2.compute-1.amazonaws.com` under
/// `*.compute-1.amazonaws.com` gives the length of `compute-1.amazonaws.com`.
///
/// Such a label is one customer's host, not a suffix anyone registers
/// under, so the extractor reports the name as a domain. Country wildcards
/// (`*.ck`) are left out: `b.ck` in prose is a second-level suffix.
pub(crate) fn wildcard_host_parent_len(name: &[u8]) -> Option<usize> {
    let dot = name.iter().position(|&b| b == b'.')?;
    let parent = &name[dot + 1..];
    let own = LIST.get(name).unwrap_or_default();
    let covered = LIST.get(parent).unwrap_or_default().wildcard;
    (covered && !own.rule && !own.exception && parent.contains(&b'.')).then_some(parent.len())
}

/// For `name` (ASCII, any case) that is itself a rule of the list's private
/// section, the length of the name without its first label: `duckdns.org`
/// gives the length of `org`, `s3.amazonaws.com` that of `amazonaws.com`.
///
/// Such a name is a provider's own host (its dynamic DNS service, its
/// path-style storage endpoint), which reports name as often as the names
/// under it, so the extractor reports it as a domain with its first label
/// as the registrable one. Rules of the ICANN section (`co.uk`) are left
/// out: nobody's host, and prose writes them as suffixes.
pub(crate) fn private_rule_parent_len(name: &[u8]) -> Option<usize> {
    let dot = name.iter().position(|&b| b == b'.')?;
    let own = LIST.get(name).unwrap_or_default();
    (own.rule && own.private && !own.exception).then_some(name.len() - dot - 1)
}

/// True when `suffix` (ASCII, any case) is a rule of the list's private
/// section: a platform that gives its customers names under it
/// (`typedream.app`, `godaddysites.com`).
pub(crate) fn is_private_rule(suffix: &[u8]) -> bool {
    LIST.get(suffix).is_some_and(|e| e.rule && e.private)
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
    !label.is_empty() && label.len() <= 63 && LIST.get(label).is_some()
}

/// True when `label` alone (lower case) is a top-level domain on the list.
pub fn is_tld(label: &str) -> bool {
    !label.contains('.') && LIST.get(label.as_bytes()).is_some_and(|e| e.rule)
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

    fn dots_of(name: &[u8]) -> u64 {
        name.iter()
            .enumerate()
            .filter(|(_, &b)| b == b'.')
            .fold(0, |m, (k, _)| m | 1 << k)
    }

    proptest::proptest! {
        /// The walk guided by a mask of the dots finds what the walk over
        /// the bytes finds, on names of every shape up to 64 bytes: rules,
        /// wildcards (`*.ck`, `*.compute-1.amazonaws.com`, `*.kawasaki.jp`),
        /// exceptions (`!www.ck`, `!city.kawasaki.jp`), one-letter and empty
        /// labels, dots at either end.
        #[test]
        fn the_dotted_walk_agrees_with_the_byte_walk(
            labels in proptest::collection::vec(
                proptest::sample::select(vec!["", "a", "b", "www", "evil", "ec2-3-80-1-2", "x-y"]),
                0..5,
            ),
            suffix in proptest::sample::select(vec![
                "com", "co.uk", "ck", "www.ck", "compute-1.amazonaws.com", "github.io",
                "kawasaki.jp", "city.kawasaki.jp", "blogspot.com", "duckdns.org", "org",
                "EXAMPLE", "xn--p1ai", "", "uk.", ".com",
            ]),
        ) {
            let mut name = labels.join(".");
            if !labels.is_empty() {
                name.push('.');
            }
            name.push_str(suffix);
            proptest::prop_assume!(name.len() <= 64);
            let name = name.as_bytes();
            proptest::prop_assert_eq!(
                suffix_len_dotted(name, dots_of(name)),
                suffix_len_bytes(name),
                "{}",
                String::from_utf8_lossy(name)
            );
        }
    }

    #[test]
    fn the_table_grows_and_keeps_every_name() {
        let mut table = table::Table::with_capacity(2);
        let names: Vec<String> = (0..500).map(|i| format!("n{i}.example")).collect();
        for (i, name) in names.iter().enumerate() {
            table
                .entry(RightHash::of(name.as_bytes()), name.as_bytes())
                .rule = i % 2 == 0;
        }
        assert_eq!(table.len, 500);
        for (i, name) in names.iter().enumerate() {
            let entry = table.get(name.to_ascii_uppercase().as_bytes());
            assert_eq!(entry.map(|e| e.rule), Some(i % 2 == 0), "{name}");
        }
        assert!(table.get(b"n500.example").is_none());
        // The same lookups through the bytes the build script writes.
        let bytes = table.to_bytes();
        let view = TableView::from_bytes(&bytes);
        for (i, name) in names.iter().enumerate() {
            let entry = view.get(name.to_ascii_uppercase().as_bytes());
            assert_eq!(entry.map(|e| e.rule), Some(i % 2 == 0), "{name}");
        }
        assert!(view.get(b"n500.example").is_none());
    }

    #[test]
    fn the_compiled_table_is_the_list_built_now() {
        let list = include_str!("../data/public_suffix_list.dat");
        let built = table::Table::from_list(list, |name| idna::domain_to_ascii(name).ok());
        assert!(built.len > 10_000);
        assert!(
            TABLE_BYTES == built.to_bytes(),
            "the compiled table is stale"
        );
    }

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

    #[test]
    fn hosts_under_a_wildcard() {
        let host = b"ec2-3-80-1-2.Compute-1.amazonaws.com";
        assert_eq!(
            wildcard_host_parent_len(host),
            Some("compute-1.amazonaws.com".len())
        );
        // A ccTLD wildcard, a plain suffix, and a name under the host.
        assert_eq!(wildcard_host_parent_len(b"b.ck"), None);
        assert_eq!(wildcard_host_parent_len(b"co.uk"), None);
        assert_eq!(wildcard_host_parent_len(b"s3.amazonaws.com"), None);
        assert_eq!(
            wildcard_host_parent_len(b"x.ec2-3-80-1-2.compute-1.amazonaws.com"),
            None
        );
    }
}

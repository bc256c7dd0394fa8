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
    /// The rule is in the list's private section: a provider's own domain
    /// under which its customers get names (`duckdns.org`, `s3.amazonaws.com`).
    private: bool,
}

/// The list as an open-addressing table over one arena of names.
///
/// The hash is built label by label from the right ([`RightHash`]), so
/// `suffix_len` extends it one label at a time as it walks a name leftwards
/// and probes each suffix without hashing it again from scratch; bytes are
/// folded to lower case as they are hashed and compared, so callers need no
/// lower-cased copy. The table is filled once, from the list, and only read
/// after that; its keys come from the list, not from input, so crafted
/// input can at worst walk the longest probe sequence of this one table.
///
/// Most lookups are misses (`e.g`, `file.exe`, `evil.com` under `com`), and
/// the slots (~0.8 MB) do not stay in the caches between them, so a probe
/// first reads `tags`, 16 bits of each slot's hash (64 KB), and touches a
/// slot only when its tag matches: a miss usually costs one or two reads
/// of the tags alone.
struct Table {
    tags: Vec<u16>,
    slots: Vec<Slot>,
    names: Vec<u8>,
    /// Names held.
    len: usize,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// The finished hash.
    hash: u64,
    start: u32,
    len: u32,
    entry: Entry,
}

/// A hash of a dotted name built by adding whole labels at its front.
///
/// Each label is read eight bytes at a time, folded towards lower case by
/// setting bit 5 of every byte (which maps each letter's two cases
/// together; the few other bytes it merges, `_` with DEL, only collide,
/// and the probe compares names in full). A hash extended one byte at a
/// time cost two dependent multiplications per byte of every dotted token
/// in the input.
#[derive(Clone, Copy)]
struct RightHash {
    sum: u64,
}

impl RightHash {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    fn new() -> RightHash {
        RightHash { sum: 0 }
    }

    /// Adds `name[start..end]`, one label, at the front. `name` is the
    /// whole name: a short label is read with the bytes around it and
    /// shifted out.
    fn push_label(&mut self, name: &[u8], start: usize, end: usize) {
        let mut h = self.sum.rotate_left(23) ^ (end - start) as u64;
        let mut e = end;
        while e > start {
            let n = (e - start).min(8);
            h = (h ^ word(name, e - n, n)).wrapping_mul(Self::K);
            e -= n;
        }
        self.sum = h.wrapping_mul(Self::K);
    }

    fn finish(self) -> u64 {
        // Spread the high bits of the sum into the low bits that pick a slot.
        let x = self.sum.wrapping_mul(Self::K);
        (x ^ (x >> 29)) | 1
    }

    /// The slot's tag for a finished hash: its top 16 bits, never 0 (which
    /// marks an empty slot).
    fn tag(hash: u64) -> u16 {
        ((hash >> 48) as u16).max(1)
    }

    fn of(name: &[u8]) -> u64 {
        let mut h = RightHash::new();
        let mut end = name.len();
        loop {
            let start = name[..end]
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(0, |d| d + 1);
            h.push_label(name, start, end);
            if start == 0 {
                return h.finish();
            }
            end = start - 1;
        }
    }
}

/// `name[at..at + n]` (`n` at most 8) as the low bytes of a word, every
/// byte with bit 5 set, the rest zero: an 8-byte load around it when the
/// name is that long, which is nearly always.
fn word(name: &[u8], at: usize, n: usize) -> u64 {
    let w = if name.len() >= 8 {
        let from = at.min(name.len() - 8);
        let chunk: [u8; 8] = name[from..from + 8].try_into().expect("8 bytes");
        u64::from_le_bytes(chunk) >> (8 * (at - from))
    } else {
        let mut chunk = [0; 8];
        chunk[..n].copy_from_slice(&name[at..at + n]);
        u64::from_le_bytes(chunk)
    };
    let keep = if n == 8 { u64::MAX } else { (1 << (8 * n)) - 1 };
    (w | 0x2020_2020_2020_2020) & keep
}

impl Table {
    /// An empty table with room for `n` names before it grows.
    fn with_capacity(n: usize) -> Table {
        let size = (n * 2).next_power_of_two();
        Table {
            tags: vec![0; size],
            slots: vec![Slot::default(); size],
            names: Vec::with_capacity(n * 12),
            len: 0,
        }
    }

    /// The entry of `name` (lower-case ASCII) whose hash is `hash`, added
    /// empty when absent.
    /// Building the list this way, straight into the table, allocates
    /// nothing per rule (a map of owned names first was most of the
    /// start-up time of `iocx extract` on a small file).
    fn entry(&mut self, hash: u64, name: &[u8]) -> &mut Entry {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let i = match self.probe(hash, name) {
            Ok(i) => i,
            Err(i) => {
                self.tags[i] = RightHash::tag(hash);
                self.slots[i] = Slot {
                    hash,
                    start: self.names.len() as u32,
                    len: name.len() as u32,
                    entry: Entry::default(),
                };
                self.names.extend_from_slice(name);
                self.len += 1;
                i
            }
        };
        &mut self.slots[i].entry
    }

    /// Doubles the slots, placing each name again by its stored hash.
    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let mut tags = vec![0; size];
        let mut slots = vec![Slot::default(); size];
        for (&tag, slot) in self.tags.iter().zip(&self.slots) {
            if tag == 0 {
                continue;
            }
            let mut i = slot.hash as usize & (size - 1);
            while tags[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            tags[i] = tag;
            slots[i] = *slot;
        }
        self.tags = tags;
        self.slots = slots;
    }

    /// The entry of `name` (any ASCII case) whose hash is `hash`.
    fn get_hashed(&self, hash: u64, name: &[u8]) -> Option<Entry> {
        self.probe(hash, name).ok().map(|i| self.slots[i].entry)
    }

    /// The slot holding `name` (any ASCII case) whose hash is `hash`, or
    /// else the empty slot that ends its probe sequence.
    fn probe(&self, hash: u64, name: &[u8]) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let tag = RightHash::tag(hash);
        let mut i = hash as usize & mask;
        loop {
            let t = self.tags[i];
            if t == 0 {
                return Err(i);
            }
            let slot = &self.slots[i];
            if t == tag && slot.hash == hash && slot.len as usize == name.len() {
                let start = slot.start as usize;
                let stored = &self.names[start..start + name.len()];
                if stored.eq_ignore_ascii_case(name) {
                    return Ok(i);
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn get(&self, name: &[u8]) -> Option<Entry> {
        self.get_hashed(RightHash::of(name), name)
    }
}

static LIST: LazyLock<Table> = LazyLock::new(|| {
    let mut table = Table::with_capacity(16 * 1024);
    let mut private = false;
    let mut lower = String::new();
    for line in include_str!("../data/public_suffix_list.dat").lines() {
        private |= line.starts_with("// ===BEGIN PRIVATE DOMAINS===");
        let rule = line.split_ascii_whitespace().next().unwrap_or_default();
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
        let unicode;
        let name = if name.is_ascii() {
            lower.clear();
            lower.push_str(name);
            lower.make_ascii_lowercase();
            lower.as_str()
        } else {
            match idna::domain_to_ascii(name) {
                Ok(name) => {
                    unicode = name;
                    unicode.as_str()
                }
                Err(_) => continue,
            }
        };
        // Every shorter suffix is a parent: their hashes are the steps of
        // the name's own, which grows from the right.
        let name = name.as_bytes();
        let mut hash = RightHash::new();
        let mut end = name.len();
        while let Some(dot) = name[..end].iter().rposition(|&b| b == b'.') {
            hash.push_label(name, dot + 1, end);
            table.entry(hash.finish(), &name[dot + 1..]).parent = true;
            end = dot;
        }
        hash.push_label(name, 0, end);
        let entry = table.entry(hash.finish(), name);
        entry.private |= private && kind == 0;
        match kind {
            0 => entry.rule = true,
            1 => entry.wildcard = true,
            _ => entry.exception = true,
        }
        if kind == 1 {
            // `*.x` makes `x` the parent of whatever stands under it.
            entry.parent = true;
        }
    }
    for root in ALTERNATIVE_ROOTS {
        table
            .entry(RightHash::of(root.as_bytes()), root.as_bytes())
            .rule = true;
    }
    table
});

/// Top-level names of alternative DNS roots that malware resolves through
/// their own resolvers (Namecoin's `.bit`, EmerDNS's `.bazar` of
/// BazarLoader, OpenNIC's): outside the list, but indicators all the same,
/// in reports (`gandcrab[.]bit`) and feeds alike. Left out are those that
/// read as file extensions, code or names far more often (`.lib`, `.oss`,
/// `.dyn`, `.emc`: `system compromise.EMC RecoverPoint`).
const ALTERNATIVE_ROOTS: &[&str] = &[
    "bit", "bazar", "coin", "geek", "parody", "pirate", "libre", "gopher", "indy",
];

/// Forces the list to be parsed now rather than on first lookup.
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
    let list = &*LIST;
    let mut best = None;
    let mut end_label = bytes.len(); // start of the previous (shorter) suffix
    let mut parent_wildcard = false;
    let mut hash = RightHash::new();
    let mut start = bytes.len();
    loop {
        let label_end = start;
        while start > 0 && bytes[start - 1] != b'.' {
            start -= 1;
        }
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

    #[test]
    fn the_table_grows_and_keeps_every_name() {
        let mut table = Table::with_capacity(2);
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

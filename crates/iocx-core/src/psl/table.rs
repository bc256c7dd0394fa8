//! The Public Suffix List as an open-addressing hash table: how it is
//! built from the list's text, hashed, probed, and written to and read from
//! bytes.
//!
//! This file is also compiled into the crate's build script (`build.rs`,
//! through `#[path]`), which builds the table from
//! `data/public_suffix_list.dat` once, at build time, and writes it out:
//! the process then reads the finished table instead of parsing ten
//! thousand rules (and converting the Unicode ones to punycode) at every
//! start, which was nearly all of the start-up time of `iocx extract` on a
//! small file. Hence it depends on nothing of the crate's own.

/// What the list says of one name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The name is a rule: it is a public suffix.
    pub(crate) rule: bool,
    /// `*.name` is a rule: any label under the name is a public suffix.
    pub(crate) wildcard: bool,
    /// `!name` is a rule: the name is not a public suffix after all.
    pub(crate) exception: bool,
    /// Some rule is longer than the name and ends with it.
    pub(crate) parent: bool,
    /// The rule is in the list's private section: a provider's own domain
    /// under which its customers get names (`duckdns.org`, `s3.amazonaws.com`).
    pub(crate) private: bool,
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
/// the slots (~0.6 MB) do not stay in the caches between them, so a probe
/// first reads `tags`, 16 bits of each slot's hash (64 KB), and touches a
/// slot only when its tag matches: a miss usually costs one or two reads
/// of the tags alone.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Table {
    tags: Vec<u16>,
    slots: Vec<Slot>,
    names: Vec<u8>,
    /// Names held.
    pub(crate) len: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Slot {
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
pub(crate) struct RightHash {
    sum: u64,
}

impl RightHash {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    pub(crate) fn new() -> RightHash {
        RightHash { sum: 0 }
    }

    /// Adds `name[start..end]`, one label, at the front. `name` is the
    /// whole name: a short label is read with the bytes around it and
    /// shifted out.
    pub(crate) fn push_label(&mut self, name: &[u8], start: usize, end: usize) {
        let mut h = self.sum.rotate_left(23) ^ (end - start) as u64;
        let mut e = end;
        while e > start {
            let n = (e - start).min(8);
            h = (h ^ word(name, e - n, n)).wrapping_mul(Self::K);
            e -= n;
        }
        self.sum = h.wrapping_mul(Self::K);
    }

    pub(crate) fn finish(self) -> u64 {
        // Spread the high bits of the sum into the low bits that pick a slot.
        let x = self.sum.wrapping_mul(Self::K);
        (x ^ (x >> 29)) | 1
    }

    /// The slot's tag for a finished hash: its top 16 bits, never 0 (which
    /// marks an empty slot).
    fn tag(hash: u64) -> u16 {
        ((hash >> 48) as u16).max(1)
    }

    pub(crate) fn of(name: &[u8]) -> u64 {
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
    pub(crate) fn with_capacity(n: usize) -> Table {
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
    pub(crate) fn entry(&mut self, hash: u64, name: &[u8]) -> &mut Entry {
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
}

/// Reading a table, the one being built ([`Table`]) or the one compiled in
/// ([`TableView`]): the probe is written once, over these accessors.
pub(crate) trait Lookup {
    /// The number of slots, a power of two.
    fn size(&self) -> usize;
    /// The tag of slot `i`; 0 when it is empty.
    fn tag(&self, i: usize) -> u16;
    /// Slot `i` (which is not empty).
    fn slot(&self, i: usize) -> Slot;
    /// `len` bytes of the names' arena from `start`.
    fn name(&self, start: usize, len: usize) -> &[u8];

    /// The slot holding `name` (any ASCII case) whose hash is `hash`, or
    /// else the empty slot that ends its probe sequence.
    fn probe(&self, hash: u64, name: &[u8]) -> Result<usize, usize> {
        let mask = self.size() - 1;
        let tag = RightHash::tag(hash);
        let mut i = hash as usize & mask;
        loop {
            let t = self.tag(i);
            if t == 0 {
                return Err(i);
            }
            if t == tag {
                let slot = self.slot(i);
                if slot.hash == hash
                    && slot.len as usize == name.len()
                    && self
                        .name(slot.start as usize, name.len())
                        .eq_ignore_ascii_case(name)
                {
                    return Ok(i);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The entry of `name` (any ASCII case) whose hash is `hash`.
    fn get_hashed(&self, hash: u64, name: &[u8]) -> Option<Entry> {
        self.probe(hash, name).ok().map(|i| self.slot(i).entry)
    }

    /// The entry of `name` (any ASCII case).
    fn get(&self, name: &[u8]) -> Option<Entry> {
        self.get_hashed(RightHash::of(name), name)
    }
}

impl Lookup for Table {
    fn size(&self) -> usize {
        self.slots.len()
    }

    fn tag(&self, i: usize) -> u16 {
        self.tags[i]
    }

    fn slot(&self, i: usize) -> Slot {
        self.slots[i]
    }

    fn name(&self, start: usize, len: usize) -> &[u8] {
        &self.names[start..start + len]
    }
}

impl Table {
    /// The table of the list's text `list` (the format of
    /// `public_suffix_list.dat`) and [`ALTERNATIVE_ROOTS`]; `to_ascii`
    /// turns a Unicode rule into punycode (IDNA), or gives `None` to skip
    /// it.
    pub(crate) fn from_list(list: &str, to_ascii: impl Fn(&str) -> Option<String>) -> Table {
        let mut table = Table::with_capacity(16 * 1024);
        let mut private = false;
        let mut lower = String::new();
        for line in list.lines() {
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
                match to_ascii(name) {
                    Some(name) => {
                        unicode = name;
                        unicode.as_str()
                    }
                    None => continue,
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
    }

    /// The table as bytes, for [`TableView`]: a magic word and three sizes
    /// (slots, names' bytes, names), then the tags, the slots and the
    /// names, little-endian.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(16 + self.slots.len() * (2 + SLOT_BYTES) + self.names.len());
        out.extend_from_slice(MAGIC);
        for n in [self.slots.len(), self.names.len(), self.len] {
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        for tag in &self.tags {
            out.extend_from_slice(&tag.to_le_bytes());
        }
        for slot in &self.slots {
            out.extend_from_slice(&slot.hash.to_le_bytes());
            out.extend_from_slice(&slot.start.to_le_bytes());
            out.extend_from_slice(&slot.len.to_le_bytes());
            out.push(slot.entry.to_bits());
        }
        out.extend_from_slice(&self.names);
        out
    }
}

/// A table as [`Table::to_bytes`] wrote it, read where it lies: the build
/// script's output is compiled into the crate, and a lookup decodes the
/// slot it reaches, so nothing is copied at start-up.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TableView<'a> {
    tags: &'a [u8],
    slots: &'a [u8],
    names: &'a [u8],
    size: usize,
}

impl<'a> TableView<'a> {
    /// The table in `bytes`.
    ///
    /// # Panics
    /// When `bytes` are not such a table: they are the build script's
    /// output, compiled into the crate, so a mismatch is a build error.
    pub(crate) fn from_bytes(bytes: &'a [u8]) -> TableView<'a> {
        assert!(bytes.starts_with(MAGIC), "not a PSL table of this version");
        let u32_at =
            |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let (size, names_len) = (u32_at(4), u32_at(8));
        let (tags_at, slots_at) = (16, 16 + 2 * size);
        let names_at = slots_at + SLOT_BYTES * size;
        assert!(size.is_power_of_two(), "a PSL table of {size} slots");
        assert_eq!(
            bytes.len(),
            names_at + names_len,
            "a PSL table of the wrong size"
        );
        TableView {
            tags: &bytes[tags_at..slots_at],
            slots: &bytes[slots_at..names_at],
            names: &bytes[names_at..],
            size,
        }
    }
}

impl Lookup for TableView<'_> {
    fn size(&self) -> usize {
        self.size
    }

    fn tag(&self, i: usize) -> u16 {
        let b: [u8; 2] = self.tags[2 * i..2 * i + 2].try_into().expect("2 bytes");
        u16::from_le_bytes(b)
    }

    fn slot(&self, i: usize) -> Slot {
        // One bounds check for the whole slot; the fields are then read at
        // fixed offsets of an array.
        let b: &[u8; SLOT_BYTES] = self.slots[SLOT_BYTES * i..SLOT_BYTES * (i + 1)]
            .try_into()
            .expect("a whole slot");
        let [h0, h1, h2, h3, h4, h5, h6, h7, s0, s1, s2, s3, l0, l1, l2, l3, bits] = *b;
        Slot {
            hash: u64::from_le_bytes([h0, h1, h2, h3, h4, h5, h6, h7]),
            start: u32::from_le_bytes([s0, s1, s2, s3]),
            len: u32::from_le_bytes([l0, l1, l2, l3]),
            entry: Entry::from_bits(bits),
        }
    }

    fn name(&self, start: usize, len: usize) -> &[u8] {
        &self.names[start..start + len]
    }
}

/// The first bytes of [`Table::to_bytes`]; a new layout takes a new word.
const MAGIC: &[u8; 4] = b"PSL1";

/// A slot's bytes in [`Table::to_bytes`]: hash, start, length, entry bits.
const SLOT_BYTES: usize = 8 + 4 + 4 + 1;

impl Entry {
    fn to_bits(self) -> u8 {
        u8::from(self.rule)
            | u8::from(self.wildcard) << 1
            | u8::from(self.exception) << 2
            | u8::from(self.parent) << 3
            | u8::from(self.private) << 4
    }

    fn from_bits(bits: u8) -> Entry {
        Entry {
            rule: bits & 1 != 0,
            wildcard: bits & 1 << 1 != 0,
            exception: bits & 1 << 2 != 0,
            parent: bits & 1 << 3 != 0,
            private: bits & 1 << 4 != 0,
        }
    }
}

/// Top-level names of alternative DNS roots that malware resolves through
/// their own resolvers (Namecoin's `.bit`, EmerDNS's `.bazar` of
/// BazarLoader, OpenNIC's): outside the list, but indicators all the same,
/// in reports (`gandcrab[.]bit`) and feeds alike. Left out are those that
/// read as file extensions, code or names far more often (`.lib`, `.oss`,
/// `.dyn`, `.emc`: `system compromise.EMC RecoverPoint`).
pub(crate) const ALTERNATIVE_ROOTS: &[&str] = &[
    "bit", "bazar", "coin", "geek", "parody", "pirate", "libre", "gopher", "indy",
];

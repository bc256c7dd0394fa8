//! The index's string interner: every value, type and derived key stored
//! once, numbered densely from 0.
//!
//! Interning is most of an index build, and most interned strings are new,
//! so the general-purpose map cost twice: a lookup and then an insert, each
//! hashing the string, plus an allocation per string. This table hashes once
//! per call, probes once (linear probing over a power-of-two table), and
//! keeps the bytes of all strings end to end in one buffer. A table slot
//! holds the id with the top half of its hash, so a probe that meets another
//! string is rejected there, without the cache misses of reading that
//! string; each id's full hash is kept so growing never rehashes a string.
//!
//! Each string's entry holds its place in the buffer next to a caller's
//! payload (the index keeps its posting-chain heads there), so the probe
//! that finds a string has also fetched what the caller wants to know
//! about it: one cache miss fewer per lookup, which is what a correlation
//! query over a large index spends its time on.

use std::hash::BuildHasher;

use crate::fasthash::FastState;

/// Strings by dense id, each with a payload `X`.
#[derive(Debug, Clone)]
pub(crate) struct Interner<X = ()> {
    /// All strings, end to end.
    bytes: String,
    entries: Vec<Entry<X>>,
    hashes: Vec<u64>,
    /// Open-addressing table of `(hash >> 32) << 32 | (id + 1)`; 0 is empty.
    table: Vec<u64>,
    state: FastState,
}

/// Where a string is in the buffer, and its payload.
#[derive(Debug, Clone)]
struct Entry<X> {
    start: usize,
    len: u32,
    extra: X,
}

impl<X> Default for Interner<X> {
    fn default() -> Self {
        Interner {
            bytes: String::new(),
            entries: Vec::new(),
            hashes: Vec::new(),
            table: vec![0; 16],
            state: FastState::default(),
        }
    }
}

impl<X> Interner<X> {
    /// An interner that takes `strings` strings before it grows its table.
    pub(crate) fn with_capacity(strings: usize) -> Self {
        let mut interner = Interner::default();
        interner.reserve(strings);
        interner
    }
}

impl<X: Default> Interner<X> {
    /// The id of `s`, adding it (with a default payload) if it is new.
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        self.intern_hashed(s, self.hash(s))
    }

    /// The ids of `strings`, adding those that are new, in two passes: the
    /// first only hashes each string and loads its home slot, so those
    /// cache misses overlap (nothing in one iteration waits for another)
    /// and the second finds the slots it probes in cache.
    pub(crate) fn intern_batch<'s>(
        &mut self,
        strings: impl Iterator<Item = &'s str> + Clone,
        ids: &mut Vec<u32>,
    ) {
        let hashes: Vec<u64> = strings.clone().map(|s| self.hash(s)).collect();
        let mask = self.table.len() - 1;
        let touched = hashes
            .iter()
            .fold(0u64, |acc, &hash| acc ^ self.table[hash as usize & mask]);
        std::hint::black_box(touched);
        ids.extend(
            strings
                .zip(hashes)
                .map(|(s, hash)| self.intern_hashed(s, hash)),
        );
    }

    /// [`Interner::intern`] with the string's hash already computed.
    fn intern_hashed(&mut self, s: &str, hash: u64) -> u32 {
        let slot = match self.find(s, hash) {
            Ok(id) => return id,
            Err(slot) => slot,
        };
        let id = self.entries.len() as u32;
        self.entries.push(Entry {
            start: self.bytes.len(),
            len: s.len() as u32,
            extra: X::default(),
        });
        self.bytes.push_str(s);
        self.hashes.push(hash);
        self.table[slot] = slot_entry(hash, id);
        // Keep the table at most half full so probe runs stay short.
        if self.entries.len() * 2 > self.table.len() {
            self.grow();
        }
        id
    }
}

impl<X> Interner<X> {
    /// Makes room for `additional` more strings without growing the table
    /// on the way: each growth re-places every string at a random slot, and
    /// a build of a million strings grew about twenty times.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let wanted = self.entries.len() + additional;
        self.entries.reserve(additional);
        self.hashes.reserve(additional);
        if wanted * 2 > self.table.len() {
            self.rebuild((wanted * 2).next_power_of_two());
        }
    }

    /// The payload of string `id`.
    pub(crate) fn extra(&self, id: u32) -> &X {
        &self.entries[id as usize].extra
    }

    /// The payload of string `id`, to change.
    pub(crate) fn extra_mut(&mut self, id: u32) -> &mut X {
        &mut self.entries[id as usize].extra
    }

    /// The id of `s` with its payload, if it was interned.
    pub(crate) fn get_with_extra(&self, s: &str) -> Option<(u32, &X)> {
        let id = self.get(s)?;
        Some((id, self.extra(id)))
    }

    /// The id of `s`, if it was interned.
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.find(s, self.hash(s)).ok()
    }

    fn hash(&self, s: &str) -> u64 {
        self.state.hash_one(s)
    }

    /// The ids of `strings` (`None`: not interned), in passes over the
    /// whole batch rather than one string after another. A lookup in a
    /// large table misses the cache at its slot, at its entry and at its
    /// bytes, each miss waiting for the one before; a pass that only loads
    /// every string's home slot, then one that probes (now from cache) and
    /// compares, lets the processor keep many misses of different strings
    /// in flight, since nothing in one iteration waits for the last.
    pub(crate) fn get_batch(&self, strings: &[&str], ids: &mut Vec<Option<u32>>) {
        if self.entries.is_empty() {
            ids.extend(strings.iter().map(|_| None));
            return;
        }
        let mask = self.table.len() - 1;
        let hashes: Vec<u64> = strings.iter().map(|s| self.hash(s)).collect();
        let homes: Vec<u64> = hashes
            .iter()
            .map(|&hash| self.table[hash as usize & mask])
            .collect();
        // The first slot in each probe run whose tag matches: almost always
        // the string itself, or nothing when the string is absent.
        let candidates: Vec<Option<u32>> = hashes
            .iter()
            .zip(&homes)
            .map(|(&hash, &home)| {
                let mut slot = hash as usize & mask;
                let mut entry = home;
                loop {
                    match entry {
                        0 => return None,
                        e if e >> 32 == hash >> 32 => return Some((e as u32) - 1),
                        _ => {}
                    }
                    slot = (slot + 1) & mask;
                    entry = self.table[slot];
                }
            })
            .collect();
        // Where each candidate's bytes are, then their first byte: loads
        // with no branch on what they find, so they overlap too.
        let spans: Vec<(usize, usize)> = candidates
            .iter()
            .map(|&candidate| {
                let entry = &self.entries[candidate.unwrap_or(0) as usize];
                (entry.start, entry.start + entry.len as usize)
            })
            .collect();
        let bytes = self.bytes.as_bytes();
        ids.extend(
            strings
                .iter()
                .zip(&hashes)
                .zip(&candidates)
                .zip(&spans)
                .map(
                    |(((s, &hash), &candidate), &(start, end))| match candidate {
                        Some(id) if &bytes[start..end] == s.as_bytes() => Some(id),
                        // Another string with the same tag: rare, so the plain probe.
                        Some(_) => self.find(s, hash).ok(),
                        None => None,
                    },
                ),
        );
    }

    /// String `id`.
    pub(crate) fn resolve(&self, id: u32) -> &str {
        let entry = &self.entries[id as usize];
        &self.bytes[entry.start..entry.start + entry.len as usize]
    }

    /// `Ok(id)` when `s` is there, else `Err(empty slot)` where it would go.
    fn find(&self, s: &str, hash: u64) -> Result<u32, usize> {
        let mask = self.table.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            match self.table[slot] {
                0 => return Err(slot),
                entry if entry >> 32 == hash >> 32 => {
                    let id = (entry as u32) - 1;
                    if self.resolve(id) == s {
                        return Ok(id);
                    }
                }
                _ => {}
            }
            slot = (slot + 1) & mask;
        }
    }

    fn grow(&mut self) {
        self.rebuild(self.table.len() * 2);
    }

    /// Places every string anew in a table of `size` slots (a power of two).
    fn rebuild(&mut self, size: usize) {
        let mask = size - 1;
        let mut table = vec![0u64; size];
        for (id, &hash) in self.hashes.iter().enumerate() {
            let mut slot = hash as usize & mask;
            while table[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            table[slot] = slot_entry(hash, id as u32);
        }
        self.table = table;
    }
}

/// A table slot for string `id` with hash `hash`.
fn slot_entry(hash: u64, id: u32) -> u64 {
    (hash >> 32) << 32 | (id as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_stable_and_round_trip() {
        let mut interner: Interner = Interner::default();
        let words: Vec<String> = (0..5_000).map(|i| format!("value-{i}")).collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(interner.intern(w), i as u32);
        }
        assert_eq!(interner.intern(""), 5_000);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(interner.intern(w), i as u32, "again");
            assert_eq!(interner.get(w), Some(i as u32));
            assert_eq!(interner.resolve(i as u32), w);
        }
        assert_eq!(interner.resolve(5_000), "");
        assert_eq!(interner.get(""), Some(5_000));
        assert_eq!(interner.get("value-5000"), None);
        assert_eq!(interner.entries.len(), 5_001);
    }

    #[test]
    fn batch_lookup_agrees_with_single_lookups() {
        let mut interner: Interner = Interner::default();
        for i in 0..20_000 {
            interner.intern(&format!("v{i}"));
        }
        let probes: Vec<String> = (0..30_000).step_by(7).map(|i| format!("v{i}")).collect();
        let probes: Vec<&str> = probes.iter().map(String::as_str).collect();
        let mut ids = Vec::new();
        interner.get_batch(&probes, &mut ids);
        let single: Vec<Option<u32>> = probes.iter().map(|p| interner.get(p)).collect();
        assert_eq!(ids, single);
        assert!(ids.iter().any(Option::is_none) && ids.iter().any(Option::is_some));
    }
}

//! A fast, per-process seeded hasher for the hot maps: the correlation
//! index, and the Public Suffix List while its table is built.
//!
//! Building an index of a million attributes is mostly hashing indicator
//! strings; std's SipHash made it a third of the build. Plain FxHash would
//! be fast but lets anyone who writes a feed craft colliding values and turn
//! every insert quadratic, and feeds come from third parties. This is the
//! folded-multiply construction of foldhash/ahash: one 64×64→128-bit multiply
//! per 16 bytes, keyed with random per-process seeds, which keeps collisions
//! unpredictable at a fraction of SipHash's cost.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

/// A `HashMap` keyed with [`FastState`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, FastState>;

/// Builds [`FastHasher`]s with this process's seeds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FastState {
    seeds: [u64; 3],
}

impl Default for FastState {
    fn default() -> Self {
        static SEEDS: OnceLock<[u64; 3]> = OnceLock::new();
        let seeds = *SEEDS.get_or_init(|| {
            // std's RandomState draws its keys from the OS; hashing three
            // distinct words with it yields three independent random seeds.
            let state = RandomState::new();
            let draw = |i: u64| {
                let mut h = state.build_hasher();
                h.write_u64(i);
                h.finish() | 1
            };
            [draw(1), draw(2), draw(3)]
        });
        FastState { seeds }
    }
}

impl BuildHasher for FastState {
    type Hasher = FastHasher;

    fn build_hasher(&self) -> FastHasher {
        FastHasher {
            state: self.seeds[0],
            seeds: self.seeds,
        }
    }
}

/// The hasher [`FastState`] builds.
pub(crate) struct FastHasher {
    state: u64,
    seeds: [u64; 3],
}

#[inline]
fn folded_multiply(x: u64, y: u64) -> u64 {
    let full = (x as u128).wrapping_mul(y as u128);
    (full as u64) ^ ((full >> 64) as u64)
}

impl FastHasher {
    #[inline]
    fn mix(&mut self, a: u64, b: u64) {
        self.state = folded_multiply(a ^ self.state ^ self.seeds[1], b ^ self.seeds[2]);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(16);
        for chunk in &mut chunks {
            let a = u64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
            let b = u64::from_le_bytes(chunk[8..].try_into().expect("8 bytes"));
            self.mix(a, b);
        }
        let rest = chunks.remainder();
        let (a, b) = match rest.len() {
            0 => return self.mix(0, bytes.len() as u64),
            1..=8 => {
                let mut buf = [0u8; 8];
                buf[..rest.len()].copy_from_slice(rest);
                (u64::from_le_bytes(buf), 0)
            }
            _ => {
                let mut buf = [0u8; 8];
                buf[..rest.len() - 8].copy_from_slice(&rest[8..]);
                (
                    u64::from_le_bytes(rest[..8].try_into().expect("8 bytes")),
                    u64::from_le_bytes(buf),
                )
            }
        };
        // The length goes into the last block so `ab` + `` and `a` + `b`
        // written as two calls hash differently from one call.
        self.mix(a, b ^ (bytes.len() as u64).rotate_left(56));
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(i as u64, 0xff);
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(i as u64, 0x1_0000_0000);
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i, 0x2_0000_0000);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        folded_multiply(self.state, self.seeds[0].rotate_left(23) | 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::Hash;

    fn hash(value: impl Hash) -> u64 {
        FastState::default().hash_one(value)
    }

    #[test]
    fn distinct_inputs_hash_apart_and_equal_inputs_alike() {
        let inputs: Vec<String> = (0..20_000)
            .map(|i| format!("{}.example{}.com", i, i % 7))
            .chain((0..40).map(|n| "a".repeat(n)))
            .collect();
        let hashes: HashSet<u64> = inputs.iter().map(hash).collect();
        assert_eq!(hashes.len(), inputs.len());
        assert_eq!(hash("evil.com"), hash(String::from("evil.com")));
        assert_ne!(hash(("ab", "")), hash(("a", "b")));
        assert_ne!(hash(1u32), hash(2u32));
    }
}

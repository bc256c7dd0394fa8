//! Bit masks over a host name of at most 64 bytes: where its dots,
//! hyphens and underscores are and which bytes no label may hold, so the
//! label rules are checked with a few integer operations instead of a loop
//! over the bytes.
//!
//! Every domain candidate that has a public suffix is checked this way,
//! once per candidate; a byte loop with a branch per byte took about 15
//! instructions a byte of it (on a feed of domains, a tenth of the whole
//! extraction). The masks are built 16 bytes at a time with SSE2, which
//! every x86-64 CPU has, and by a byte loop elsewhere; a test holds the two
//! to each other.

/// The longest name [`NameMasks::of`] takes.
pub(super) const MAX_LEN: usize = 64;

/// What the label check and the context guards ask of a well-formed
/// name's labels, found in the one pass that checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Labels {
    /// How many labels there are.
    pub(crate) count: u32,
    /// The offset of the first dot (the name's length when there is none).
    pub(crate) first_dot: usize,
    /// The offset of the last label.
    pub(crate) last_start: usize,
    /// True when some label holds an underscore.
    pub(crate) underscore: bool,
    /// True when `0x` occurs (a memory address as a label).
    pub(crate) zero_x: bool,
}

impl Labels {
    /// The labels of `name` when every label is 1 to 63 bytes of letters,
    /// digits, hyphens and underscores and neither starts nor ends with a
    /// hyphen; `None` otherwise (an empty name too).
    pub(crate) fn of(name: &[u8]) -> Option<Labels> {
        if name.len() <= MAX_LEN {
            NameMasks::of(name).labels()
        } else {
            labels_by_loop(name)
        }
    }
}

/// [`Labels::of`] label by label, for names longer than the masks take.
fn labels_by_loop(name: &[u8]) -> Option<Labels> {
    let mut count = 0;
    for label in name.split(|&b| b == b'.') {
        let ok = (1..=63).contains(&label.len())
            && label
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && label[0] != b'-'
            && label[label.len() - 1] != b'-';
        if !ok {
            return None;
        }
        count += 1;
    }
    Some(Labels {
        count,
        first_dot: name.iter().position(|&b| b == b'.').unwrap_or(name.len()),
        last_start: name.iter().rposition(|&b| b == b'.').map_or(0, |d| d + 1),
        underscore: name.contains(&b'_'),
        zero_x: name.windows(2).any(|w| w == b"0x"),
    })
}

/// Bit `k` of each mask describes byte `k` of the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct NameMasks {
    len: usize,
    dots: u64,
    hyphens: u64,
    underscores: u64,
    /// Bytes that are none of ASCII letters, digits, `-`, `_` and `.`.
    invalid: u64,
    /// The `0` of each `0x`.
    zero_x: u64,
}

impl NameMasks {
    /// The masks of `name`, at most [`MAX_LEN`] bytes long.
    pub(super) fn of(name: &[u8]) -> NameMasks {
        assert!(name.len() <= MAX_LEN);
        #[cfg(target_arch = "x86_64")]
        {
            let mut block = [0u8; MAX_LEN];
            block[..name.len()].copy_from_slice(name);
            masks_sse2(&block, name.len())
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            masks_scalar(name)
        }
    }

    /// The masks of the first `len` bytes of `block`, whose other bytes are
    /// zero: a name already copied out needs no second copy.
    pub(super) fn of_block(block: &[u8; MAX_LEN], len: usize) -> NameMasks {
        assert!(len <= MAX_LEN);
        #[cfg(target_arch = "x86_64")]
        {
            masks_sse2(block, len)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            masks_scalar(&block[..len])
        }
    }

    /// Bit `k` set when byte `k` is a dot.
    pub(super) fn dots(&self) -> u64 {
        self.dots
    }

    /// [`Labels::of`] the name.
    pub(super) fn labels(&self) -> Option<Labels> {
        let len = self.len;
        if len == 0 {
            return None;
        }
        let all = u64::MAX >> (64 - len);
        let last = 1u64 << (len - 1);
        let dots = self.dots & all;
        let starts = (dots << 1 | 1) & all; // first bytes of labels
        let ends = dots >> 1 | last; // last bytes of labels
                                     // A dot that starts a label or ends the name leaves a label empty;
                                     // 64 bytes without a dot are one label too long.
        let malformed = self.invalid & all != 0
            || dots & (starts | last) != 0
            || self.hyphens & (starts | ends) != 0
            || dots == 0 && len > 63;
        (!malformed).then(|| Labels {
            count: dots.count_ones() + 1,
            first_dot: if dots == 0 {
                len
            } else {
                dots.trailing_zeros() as usize
            },
            last_start: if dots == 0 {
                0
            } else {
                64 - dots.leading_zeros() as usize
            },
            underscore: self.underscores != 0,
            zero_x: self.zero_x != 0,
        })
    }
}

#[cfg(any(test, not(target_arch = "x86_64")))]
fn masks_scalar(name: &[u8]) -> NameMasks {
    let mut masks = NameMasks {
        len: name.len(),
        dots: 0,
        hyphens: 0,
        underscores: 0,
        invalid: 0,
        zero_x: 0,
    };
    for (k, &b) in name.iter().enumerate() {
        if name[k..].starts_with(b"0x") {
            masks.zero_x |= 1 << k;
        }
        let bit = 1u64 << k;
        match b {
            b'.' => masks.dots |= bit,
            b'-' => masks.hyphens |= bit,
            b'_' => masks.underscores |= bit,
            b if b.is_ascii_alphanumeric() => {}
            _ => masks.invalid |= bit,
        }
    }
    masks
}

#[cfg(target_arch = "x86_64")]
fn masks_sse2(block: &[u8; MAX_LEN], len: usize) -> NameMasks {
    use std::arch::x86_64::*;
    let mut masks = NameMasks {
        len,
        dots: 0,
        hyphens: 0,
        underscores: 0,
        invalid: 0,
        zero_x: 0,
    };
    let mut xs = 0;
    for chunk in 0..len.div_ceil(16) {
        // SAFETY: SSE2 is part of x86-64, and `block` holds 16 bytes at
        // `16 * chunk` for every chunk below 4.
        let (dots, hyphens, underscores, valid, zeros, xs16) = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * chunk).cast());
            let in_range = |lo, hi| super::classify::in_range_sse2(v, lo, hi);
            let is = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let (dots, hyphens, underscores) = (is(b'.'), is(b'-'), is(b'_'));
            let valid = _mm_or_si128(
                _mm_or_si128(in_range(b'a', b'z'), in_range(b'A', b'Z')),
                _mm_or_si128(
                    _mm_or_si128(in_range(b'0', b'9'), dots),
                    _mm_or_si128(hyphens, underscores),
                ),
            );
            (
                _mm_movemask_epi8(dots),
                _mm_movemask_epi8(hyphens),
                _mm_movemask_epi8(underscores),
                _mm_movemask_epi8(valid),
                _mm_movemask_epi8(is(b'0')),
                _mm_movemask_epi8(is(b'x')),
            )
        };
        let shift = 16 * chunk;
        let bits = |m: i32| u64::from(m as u16) << shift;
        masks.dots |= bits(dots);
        masks.hyphens |= bits(hyphens);
        masks.underscores |= bits(underscores);
        masks.invalid |= bits(!valid);
        masks.zero_x |= bits(zeros);
        xs |= bits(xs16);
    }
    let all = u64::MAX >> (64 - len.max(1));
    masks.dots &= all;
    masks.hyphens &= all;
    masks.underscores &= all;
    masks.invalid &= all;
    masks.zero_x &= xs >> 1 & all;
    masks
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn label_rules() {
        for (name, want) in [
            (&b"evil.com"[..], Some(2)),
            (b"a-b.c_d.e", Some(3)),
            (b"-a.com", None),
            (b"a-.com", None),
            (b"a.-com", None),
            (b"a..com", None),
            (b".a.com", None),
            (b"a.com.", None),
            (b"a.c\xc3\xb6m", None),
            (b"a.c m", None),
            (b"x", Some(1)),
            (b"", None),
        ] {
            let got = Labels::of(name).map(|l| l.count);
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(name));
        }
        let long = [b'a'; 64];
        assert_eq!(Labels::of(&long), None);
        let mut split = long;
        split[30] = b'.';
        assert_eq!(Labels::of(&split).map(|l| l.count), Some(2));
    }

    #[test]
    fn labels_locate_the_first_and_last_label() {
        let labels = Labels::of(b"proc.0x3d0000.my_dump.dm").unwrap();
        assert_eq!(
            labels,
            Labels {
                count: 4,
                first_dot: 4,
                last_start: 22,
                underscore: true,
                zero_x: true,
            }
        );
        let one = Labels::of(b"localhost").unwrap();
        assert_eq!((one.first_dot, one.last_start, one.zero_x), (9, 0, false));
        // Past the masks' 64 bytes, the loop answers the same questions.
        let long = format!("{}.0x1.{}.com", "a".repeat(40), "b".repeat(40));
        let labels = Labels::of(long.as_bytes()).unwrap();
        assert_eq!(
            (labels.count, labels.first_dot, labels.last_start),
            (4, 40, 86)
        );
        assert!(labels.zero_x && !labels.underscore);
    }

    fn name_bytes() -> impl Strategy<Value = Vec<u8>> {
        // Mostly label bytes, so that many names are well formed.
        let byte = prop_oneof![
            12 => prop::sample::select(vec![b'a', b'Z', b'7', b'0', b'x']),
            3 => Just(b'.'),
            2 => Just(b'-'),
            1 => Just(b'_'),
            1 => prop::sample::select(vec![b' ', b'/', 0xC3, 0x7F, 0]),
        ];
        prop::collection::vec(byte, 0..=MAX_LEN)
    }

    proptest! {
        #[test]
        fn masks_match_the_byte_loop(name in name_bytes()) {
            prop_assert_eq!(NameMasks::of(&name), masks_scalar(&name));
        }

        #[test]
        fn masks_and_the_label_loop_agree(name in name_bytes()) {
            prop_assert_eq!(NameMasks::of(&name).labels(), labels_by_loop(&name));
        }
    }
}

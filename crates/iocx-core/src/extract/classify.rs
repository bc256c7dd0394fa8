//! Byte classification: one SIMD pass that finds every position where some
//! recogniser could start, instead of one `memchr`/`memmem` pass per token.
//!
//! The refanged view used to look for its defang tokens with ten searches
//! (`[` `(` `{`, `\` `]`, two lead bytes of wide dots, ` dot `, ` DOT `,
//! ` AT `, `__`, `%3`, ESC), and the CVE and ASN recognisers with four more;
//! each read the whole input, and the substring searches stopped at every
//! frequent letter of their needle. A [`Class`] instead says, for 32
//! positions at once, which ones its recognisers want to see: a handful of
//! byte comparisons (or, for a set of single bytes, two nibble-table
//! lookups) on four overlapping loads (so a position can depend on the
//! three bytes after it), one mask. Prose yields an empty mask for most
//! blocks, so the pass costs about one instruction per byte.
//!
//! Each class has a scalar twin that decides one position the same way: it
//! serves CPUs without AVX2 and the last bytes of the input, and the tests
//! hold the two to the same answers on arbitrary bytes. The recognisers
//! still check every candidate in full; a class only needs to be a superset
//! of the positions they would accept.

/// A set of positions decided from the byte there and the three after it.
pub(crate) trait Class {
    /// True when the recognisers want to see `text[i]`.
    fn at(text: &[u8], i: usize) -> bool;

    /// The mask of [`Class::at`] for positions `0..32` of `block`.
    ///
    /// # Safety
    /// The CPU must support AVX2, and `block` must be readable for
    /// `32 + 3` bytes.
    #[cfg(target_arch = "x86_64")]
    unsafe fn avx2_mask(block: *const u8) -> u32;
}

/// The lanes of `$v` equal to the byte `$b`, for the AVX2 masks: a macro, so
/// it expands in place inside the function that enables the feature.
#[cfg(target_arch = "x86_64")]
macro_rules! eq {
    ($v:expr, $b:expr) => {
        std::arch::x86_64::_mm256_cmpeq_epi8($v, std::arch::x86_64::_mm256_set1_epi8($b as i8))
    };
}

/// The bytes the mask of a block may look at beyond its 32 positions.
const LOOKAHEAD: usize = 3;

/// Calls `f` with every position of `text` in `C`, in increasing order.
pub(crate) fn for_each<C: Class>(text: &[u8], f: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present.
            unsafe { for_each_avx2::<C>(text, f) };
            return;
        }
    }
    for_each_scalar::<C>(text, 0, f);
}

fn for_each_scalar<C: Class>(text: &[u8], from: usize, mut f: impl FnMut(usize)) {
    for i in from..text.len() {
        if C::at(text, i) {
            f(i);
        }
    }
}

/// The whole loop carries the target feature, so that the class's mask
/// (and its constants) are inlined into it rather than called per block.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn for_each_avx2<C: Class>(text: &[u8], mut f: impl FnMut(usize)) {
    let mut i = 0;
    // Two blocks' masks walked as one: the loop over a mask's bits ends on a
    // branch that mispredicts about once per walk, whatever its length.
    while i + 64 + LOOKAHEAD <= text.len() {
        // SAFETY: AVX2 is present (the caller's promise), and `i + 67 <= len`.
        let mut mask = unsafe {
            u64::from(C::avx2_mask(text.as_ptr().add(i)))
                | u64::from(C::avx2_mask(text.as_ptr().add(i + 32))) << 32
        };
        while mask != 0 {
            f(i + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
        i += 64;
    }
    while i + 32 + LOOKAHEAD <= text.len() {
        // SAFETY: AVX2 is present (the caller's promise), and `i + 35 <= len`.
        let mut mask = unsafe { C::avx2_mask(text.as_ptr().add(i)) };
        while mask != 0 {
            f(i + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
        i += 32;
    }
    for_each_scalar::<C>(text, i, f);
}

/// Calls `f` with the start of every 16-byte-aligned chunk of `text` made
/// of hex digits only, in increasing order. A digest (32 hex digits or
/// more) always covers such a chunk, so the digest recogniser starts only
/// there; prose has almost none.
pub(crate) fn for_each_hex_chunk(text: &[u8], f: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present.
            unsafe { for_each_hex_chunk_avx2(text, f) };
            return;
        }
    }
    for_each_hex_chunk_scalar(text, 0, f);
}

fn for_each_hex_chunk_scalar(text: &[u8], from: usize, mut f: impl FnMut(usize)) {
    let mut i = from;
    while i + 16 <= text.len() {
        if text[i..i + 16].iter().all(u8::is_ascii_hexdigit) {
            f(i);
        }
        i += 16;
    }
}

/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn for_each_hex_chunk_avx2(text: &[u8], mut f: impl FnMut(usize)) {
    use std::arch::x86_64::*;
    let in_range = |v, lo: u8, hi: u8| {
        // Unsigned `lo <= v <= hi`: `max(v, lo) == v` and `min(v, hi) == v`.
        _mm256_and_si256(
            _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(lo as i8)), v),
            _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(hi as i8)), v),
        )
    };
    let mut i = 0;
    while i + 32 <= text.len() {
        // SAFETY: `i + 32 <= len`.
        let v = unsafe { _mm256_loadu_si256(text.as_ptr().add(i).cast()) };
        let lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        let hex = _mm256_or_si256(in_range(v, b'0', b'9'), in_range(lower, b'a', b'f'));
        let mask = _mm256_movemask_epi8(hex) as u32;
        if mask & 0xFFFF == 0xFFFF {
            f(i);
        }
        if mask >> 16 == 0xFFFF {
            f(i + 16);
        }
        i += 32;
    }
    for_each_hex_chunk_scalar(text, i, f);
}

/// The end of the run of hex digits that goes on at `at`: `at` itself
/// when `text[at]` is none.
///
/// A digest is grown from its chunk 16 bytes at a time (SSE2, which every
/// x86-64 CPU has): a byte loop took about four instructions per digit of
/// every digest in the input.
pub(crate) fn hex_run_end(text: &[u8], mut at: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    while at + 16 <= text.len() {
        // SAFETY: 16 bytes are readable at `at`.
        let mask = unsafe { hex_mask_sse2(text.as_ptr().add(at)) };
        if mask != 0xFFFF {
            return at + mask.trailing_ones() as usize;
        }
        at += 16;
    }
    hex_run_end_scalar(text, at)
}

fn hex_run_end_scalar(text: &[u8], mut at: usize) -> usize {
    while at < text.len() && text[at].is_ascii_hexdigit() {
        at += 1;
    }
    at
}

/// The start of the run of hex digits that ends at `at`, not before
/// `floor`: `at` itself when `text[at - 1]` is none.
pub(crate) fn hex_run_start(text: &[u8], floor: usize, mut at: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    while at >= 16 && at > floor {
        let base = at - 16;
        // SAFETY: the 16 bytes before `at` are readable.
        let mut mask = unsafe { hex_mask_sse2(text.as_ptr().add(base)) };
        // Bytes below the floor count as no hex digits: in a list of
        // digests the floor (the end of the last run) often lies in these
        // 16 bytes, and a byte loop there mispredicted its exit.
        mask &= !((1u32 << floor.saturating_sub(base)) - 1);
        if mask != 0xFFFF {
            // Bit 15 is the byte right before `at`.
            return at - (mask << 16).leading_ones() as usize;
        }
        at = base;
    }
    hex_run_start_scalar(text, floor, at)
}

fn hex_run_start_scalar(text: &[u8], floor: usize, mut at: usize) -> usize {
    while at > floor && text[at - 1].is_ascii_hexdigit() {
        at -= 1;
    }
    at
}

/// Bit `k` set when `block[k]` is a hex digit, for `k` in `0..16`.
///
/// # Safety
/// `block` must be readable for 16 bytes.
#[cfg(target_arch = "x86_64")]
unsafe fn hex_mask_sse2(block: *const u8) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64; the caller guarantees 16 bytes.
    unsafe {
        let v = _mm_loadu_si128(block.cast());
        let lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let hex = _mm_or_si128(
            in_range_sse2(v, b'0', b'9'),
            in_range_sse2(lower, b'a', b'f'),
        );
        _mm_movemask_epi8(hex) as u32
    }
}

/// The lanes of `v` from `lo` to `hi` (unsigned, inclusive), as one signed
/// comparison: `v - lo`, moved down by 0x80, below `hi - lo + 1` moved
/// down too. The SSE2 masks of the digest, label and URL recognisers share
/// it.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn in_range_sse2(
    v: std::arch::x86_64::__m128i,
    lo: u8,
    hi: u8,
) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64.
    unsafe {
        let down = |x| _mm_xor_si128(x, _mm_set1_epi8(i8::MIN));
        _mm_cmplt_epi8(
            down(_mm_sub_epi8(v, _mm_set1_epi8(lo as i8))),
            down(_mm_set1_epi8(hi.wrapping_sub(lo).wrapping_add(1) as i8)),
        )
    }
}

fn byte(text: &[u8], i: usize) -> u8 {
    text.get(i).copied().unwrap_or(0)
}

/// Where a defang token may start in raw input: a bracket (`[.]`, `(dot)`,
/// `{@}`), a backslash or half bracket (`evil\.com`, `evil.]com`), the lead
/// byte of a wide dot or at (`。` `．` `・` `＠`), an ANSI escape, a percent
/// sign (`%3A%2F%2F`), a doubled underscore (`http__`), the space before
/// ` dot `, ` DOT ` or ` AT `, a scheme separator a space follows
/// (`hxxp:// evil.com`), the second byte of a soft hyphen (PDF exports
/// write one hyphen as `-\u{AD}\u{2010}`), the last byte of a zero-width
/// space, non-joiner or joiner (see [`invisible`](super::invisible)), and
/// an `&` (the `"&"` that joins strings in Excel formulas); the last three
/// tokens start before the mark.
pub(crate) struct DefangStart;

impl Class for DefangStart {
    fn at(text: &[u8], i: usize) -> bool {
        let b = text[i];
        matches!(
            b,
            // The soft hyphen's second byte, the zero-width characters' last
            // and `&` alone: rare enough that their handlers, which look
            // back at what stands before, cost less than a test of the
            // bytes around them in every block.
            b'[' | b'(' | b'{' | b'\\' | b']' | 0xE3 | 0xEF | 0x1B | b'%' | 0xAD | b'&' | 0x8B
                ..=0x8D
        ) || b == b'_' && byte(text, i + 1) == b'_'
            || b == b' '
                && matches!(
                    [byte(text, i + 1), byte(text, i + 2), byte(text, i + 3)],
                    [b'd', b'o', b't'] | [b'D', b'O', b'T'] | [b'A', b'T', b' ']
                )
            || b == b':' && [byte(text, i + 1), byte(text, i + 2), byte(text, i + 3)] == *b"// "
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn avx2_mask(block: *const u8) -> u32 {
        use std::arch::x86_64::*;
        // SAFETY: the caller guarantees 35 readable bytes.
        let (v0, v1, v2, v3) = unsafe {
            (
                _mm256_loadu_si256(block.cast()),
                _mm256_loadu_si256(block.add(1).cast()),
                _mm256_loadu_si256(block.add(2).cast()),
                _mm256_loadu_si256(block.add(3).cast()),
            )
        };
        let or = |a, b| _mm256_or_si256(a, b);
        let and = |a, b| _mm256_and_si256(a, b);
        // The fourteen single bytes by nibbles (two table lookups instead
        // of fourteen comparisons): each high nibble that holds some of
        // them has a bit, set in the low nibbles' entries of its members
        // (`0x1B`; `%&(`; `[\\]`; `{`; `0x8B`–`0x8D`; `0xAD`; `0xE3`,
        // `0xEF`).
        #[rustfmt::skip]
        let (low_table, high_table) = (
            _mm256_setr_epi8(
                0, 0, 0, 0x20, 0, 0x02, 0x02, 0, 0x02, 0, 0, 0x4D, 0x44, 0x54, 0, 0x20,
                0, 0, 0, 0x20, 0, 0x02, 0x02, 0, 0x02, 0, 0, 0x4D, 0x44, 0x54, 0, 0x20,
            ),
            _mm256_setr_epi8(
                0, 0x01, 0x02, 0, 0, 0x04, 0, 0x08, 0x40, 0, 0x10, 0, 0, 0, 0x20, 0,
                0, 0x01, 0x02, 0, 0, 0x04, 0, 0x08, 0x40, 0, 0x10, 0, 0, 0, 0x20, 0,
            ),
        );
        let nibble = _mm256_set1_epi8(0x0F);
        let low = _mm256_shuffle_epi8(low_table, and(v0, nibble));
        let high = _mm256_shuffle_epi8(high_table, and(_mm256_srli_epi16(v0, 4), nibble));
        let not_single = _mm256_cmpeq_epi8(and(low, high), _mm256_setzero_si256());
        let underscores = and(eq!(v0, b'_'), eq!(v1, b'_'));
        let dot = and(and(eq!(v1, b'd'), eq!(v2, b'o')), eq!(v3, b't'));
        let upper_dot = and(and(eq!(v1, b'D'), eq!(v2, b'O')), eq!(v3, b'T'));
        let at = and(and(eq!(v1, b'A'), eq!(v2, b'T')), eq!(v3, b' '));
        let words = and(eq!(v0, b' '), or(or(dot, upper_dot), at));
        let spaced_scheme = and(
            and(eq!(v0, b':'), eq!(v1, b'/')),
            and(eq!(v2, b'/'), eq!(v3, b' ')),
        );
        let pairs = or(underscores, or(words, spaced_scheme));
        !(_mm256_movemask_epi8(not_single) as u32) | _mm256_movemask_epi8(pairs) as u32
    }
}

/// The anchors of the scanner in the refanged view: `.`, `:` and `@`,
/// except a dot or colon before a space, a line end or a byte up to `,`
/// (`"`, `'`, `)` …). Walking their mask replaces a `memchr3` call
/// restarted after each anchor (about one every fifty bytes of report
/// text). No token goes on across such a byte: the dot handler returns at
/// once when no host byte follows, and the colon's handlers (URL, ssdeep,
/// IPv6) find nothing after it and resume at the next byte; only the
/// floor the IPv6 handler leaves would differ, and no later token can
/// grow back across the byte to reach it. Sentence ends and `Label: `
/// are a quarter of all anchors in report text; leaving them out spares
/// each a call and, often, a mispredicted branch.
pub(crate) struct Anchor;

impl Class for Anchor {
    fn at(text: &[u8], i: usize) -> bool {
        match text[i] {
            b'.' | b':' => byte(text, i + 1) > b',',
            b'@' => true,
            _ => false,
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn avx2_mask(block: *const u8) -> u32 {
        use std::arch::x86_64::*;
        // SAFETY: the caller guarantees 35 readable bytes.
        let (v, next) = unsafe {
            (
                _mm256_loadu_si256(block.cast()),
                _mm256_loadu_si256(block.add(1).cast()),
            )
        };
        // Unsigned `next <= b','`: `min(next, b',') == next`.
        let ends = _mm256_cmpeq_epi8(_mm256_min_epu8(next, _mm256_set1_epi8(b',' as i8)), next);
        let dots_and_colons =
            _mm256_andnot_si256(ends, _mm256_or_si256(eq!(v, b'.'), eq!(v, b':')));
        _mm256_movemask_epi8(_mm256_or_si256(dots_and_colons, eq!(v, b'@'))) as u32
    }
}

/// Where a CVE identifier (`CVE`, `cve`, `Cve`, any case here) or an AS
/// number (`AS`) may start in the refanged view.
pub(crate) struct CveOrAsnStart;

impl Class for CveOrAsnStart {
    fn at(text: &[u8], i: usize) -> bool {
        let b = text[i];
        let next = byte(text, i + 1);
        b == b'A' && next == b'S'
            || b.eq_ignore_ascii_case(&b'c')
                && next.eq_ignore_ascii_case(&b'v')
                && byte(text, i + 2).eq_ignore_ascii_case(&b'e')
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn avx2_mask(block: *const u8) -> u32 {
        use std::arch::x86_64::*;
        // SAFETY: the caller guarantees 35 readable bytes.
        let (v0, v1, v2) = unsafe {
            (
                _mm256_loadu_si256(block.cast()),
                _mm256_loadu_si256(block.add(1).cast()),
                _mm256_loadu_si256(block.add(2).cast()),
            )
        };
        // Setting bit 5 folds ASCII upper case onto lower case; the bytes it
        // also folds (`C` ← `c`, `v` ← `V` …) are exactly the ones wanted.
        let fold = |v| _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        let cve = _mm256_and_si256(
            _mm256_and_si256(eq!(fold(v0), b'c'), eq!(fold(v1), b'v')),
            eq!(fold(v2), b'e'),
        );
        let asn = _mm256_and_si256(eq!(v0, b'A'), eq!(v1, b'S'));
        _mm256_movemask_epi8(_mm256_or_si256(cve, asn)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn positions<C: Class>(text: &[u8]) -> Vec<usize> {
        let mut out = Vec::new();
        for_each::<C>(text, |i| out.push(i));
        out
    }

    fn scalar_positions<C: Class>(text: &[u8]) -> Vec<usize> {
        let mut out = Vec::new();
        for_each_scalar::<C>(text, 0, |i| out.push(i));
        out
    }

    #[test]
    fn defang_starts() {
        let text = b"a[.]b (dot) x\\.y z.]w \xE3\x80\x82 \x1b[1m %3A a__b a_b \
                     x dot y x DOT y a AT b a Dot b a At b hxxp:// x http://y \
                     a-\xC2\xAD\xE2\x80\x90b a\xC2\xADb a\xC2\xA0b \"a\"&\"b\" \"&";
        let found: Vec<u8> = positions::<DefangStart>(text)
            .into_iter()
            .map(|i| text[i])
            .collect();
        assert_eq!(found, b"[](\\]\xE3\x1b[%_   :\xAD\xAD&&".to_vec());
    }

    #[test]
    fn cve_and_asn_starts() {
        let text = b"CVE-1 cve-2 Cve-3 cVE-4 cv AS1 As2 as3 HAS";
        let found: Vec<&[u8]> = positions::<CveOrAsnStart>(text)
            .into_iter()
            .map(|i| &text[i..i + 2])
            .collect();
        assert_eq!(found, [b"CV", b"cv", b"Cv", b"cV", b"AS", b"AS"]);
    }

    /// Every byte value, alone among spaces and repeated: the nibble tables
    /// of `DefangStart` must mark exactly the bytes its scalar twin does.
    #[test]
    fn simd_agrees_with_scalar_on_every_byte() {
        for b in 0..=255u8 {
            for text in [
                [b; 40].to_vec(),
                [&[b'x'; 5][..], &[b], &[b'x'; 40]].concat(),
            ] {
                assert_eq!(
                    positions::<DefangStart>(&text),
                    scalar_positions::<DefangStart>(&text),
                    "byte {b:#04x}"
                );
            }
        }
    }

    // Bytes the classes care about, runs of hex digits and the bytes just
    // outside the hex ranges, so random text hits every case often.
    fn soup() -> impl Strategy<Value = Vec<u8>> {
        use proptest::collection::vec;
        use proptest::sample::select;
        let special =
            b"[](){}\\%_ dotDOTATcveCVEsS.:@,-\nx\x1b\xE3\xEF\x80\xC2\xAD\xE2&\"".to_vec();
        let byte = prop_oneof![select(special), any::<u8>()].prop_map(|b| vec![b]);
        let hex_run = vec(select(b"0129afAF".to_vec()), 1..48);
        let edge = select(b"/:@`gG".to_vec()).prop_map(|b| vec![b]);
        vec(prop_oneof![4 => byte, 1 => hex_run, 1 => edge], 0..120).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn simd_agrees_with_scalar(text in soup()) {
            prop_assert_eq!(
                positions::<DefangStart>(&text),
                scalar_positions::<DefangStart>(&text)
            );
            prop_assert_eq!(positions::<Anchor>(&text), scalar_positions::<Anchor>(&text));
            let mut simd = Vec::new();
            for_each_hex_chunk(&text, |i| simd.push(i));
            let mut scalar = Vec::new();
            for_each_hex_chunk_scalar(&text, 0, |i| scalar.push(i));
            prop_assert_eq!(simd, scalar);
            prop_assert_eq!(
                positions::<CveOrAsnStart>(&text),
                scalar_positions::<CveOrAsnStart>(&text)
            );
            for at in 0..=text.len() {
                prop_assert_eq!(hex_run_end(&text, at), hex_run_end_scalar(&text, at));
                // Floors within the 16 bytes a mask reads too.
                let near = [1, 7, 15, 16].map(|d| at.saturating_sub(d));
                for floor in [0, at / 2, at].into_iter().chain(near) {
                    prop_assert_eq!(
                        hex_run_start(&text, floor, at),
                        hex_run_start_scalar(&text, floor, at)
                    );
                }
            }
        }
    }
}

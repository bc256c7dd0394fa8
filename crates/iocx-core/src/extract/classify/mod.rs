//! Byte classification: one SIMD pass that finds every position where some
//! recogniser could start, instead of one `memchr`/`memmem` pass per token.
//!
//! The refanged view used to look for its defang tokens with ten searches
//! (`[` `(` `{`, `\` `]`, two lead bytes of wide dots, ` dot `, ` DOT `,
//! ` AT `, `__`, `%3`, ESC), and the CVE and ASN recognisers with four more;
//! each read the whole input, and the substring searches stopped at every
//! frequent letter of their needle. A [`Class`] instead says, for 32
//! positions at once (AVX2), which ones its recognisers want to see: a
//! handful of byte comparisons (or, for a set of single bytes, two
//! nibble-table lookups) on four overlapping loads (so a position can
//! depend on the three bytes after it), one mask. Prose yields an empty
//! mask for most blocks, so the pass costs one to two instructions per
//! byte.
//!
//! Where the CPU has AVX-512BW a class also gives the mask of 64 positions
//! at once: each comparison yields a bit mask, combined in mask registers,
//! where AVX2 spends a vector operation on every comparison and every
//! `and`/`or` of their results, and two blocks' worth for 64 bytes. The
//! defang pass took 45 vector operations per 32 bytes with AVX2 and ran at
//! about 1.6 GB/s, well below memory speed; with AVX-512 it runs at 3–4
//! GB/s (100 MB of reports: 61 ms → 23–33 ms).
//!
//! Each class has a scalar twin that decides one position the same way: it
//! serves CPUs without AVX2 and the last bytes of the input, and the tests
//! hold every loop the CPU can run (AVX-512, AVX2) to the scalar answers
//! on arbitrary bytes. The recognisers still check every candidate in
//! full; a class only needs to be a superset of the positions they would
//! accept.

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

    /// The mask of [`Class::at`] for positions `0..64` of `block`.
    ///
    /// # Safety
    /// The CPU must support AVX-512BW, and `block` must be readable for
    /// `64 + 3` bytes.
    #[cfg(target_arch = "x86_64")]
    unsafe fn avx512_mask(block: *const u8) -> u64;
}

/// The lanes of `$v` equal to the byte `$b`, as a bit mask, for the
/// AVX-512 masks.
#[cfg(target_arch = "x86_64")]
macro_rules! eq64 {
    ($v:expr, $b:expr) => {
        std::arch::x86_64::_mm512_cmpeq_epi8_mask($v, std::arch::x86_64::_mm512_set1_epi8($b as i8))
    };
}

/// The lanes of `$v` equal to the byte `$b`, for the AVX2 masks: a macro, so
/// it expands in place inside the function that enables the feature.
#[cfg(target_arch = "x86_64")]
macro_rules! eq {
    ($v:expr, $b:expr) => {
        std::arch::x86_64::_mm256_cmpeq_epi8($v, std::arch::x86_64::_mm256_set1_epi8($b as i8))
    };
}

mod classes;
pub(crate) use classes::{Anchor, CveOrAsnStart, DefangStart};

/// The bytes the mask of a block may look at beyond its positions.
const LOOKAHEAD: usize = 3;

/// Calls `f` with every position of `text` in `C`, in increasing order.
pub(crate) fn for_each<C: Class>(text: &[u8], f: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: AVX-512BW (and so AVX2) is present.
            unsafe { for_each_avx512::<C>(text, f) };
            return;
        }
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

/// Calls `f` with `base` plus the index of every set bit of `mask`, in
/// increasing order.
#[inline(always)]
fn walk(mut mask: u64, base: usize, f: &mut impl FnMut(usize)) {
    while mask != 0 {
        f(base + mask.trailing_zeros() as usize);
        mask &= mask - 1;
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
        let mask = unsafe {
            u64::from(C::avx2_mask(text.as_ptr().add(i)))
                | u64::from(C::avx2_mask(text.as_ptr().add(i + 32))) << 32
        };
        walk(mask, i, &mut f);
        i += 64;
    }
    while i + 32 + LOOKAHEAD <= text.len() {
        // SAFETY: AVX2 is present (the caller's promise), and `i + 35 <= len`.
        let mask = unsafe { C::avx2_mask(text.as_ptr().add(i)) };
        walk(mask.into(), i, &mut f);
        i += 32;
    }
    for_each_scalar::<C>(text, i, f);
}

/// The AVX-512 loop: one mask per 64 bytes, computed in mask registers,
/// where AVX2 needs two and a vector operation per comparison and
/// combination; the rest of the input goes to the AVX2 loop.
///
/// # Safety
/// The CPU must support AVX-512BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw,avx2")]
unsafe fn for_each_avx512<C: Class>(text: &[u8], mut f: impl FnMut(usize)) {
    let mut i = 0;
    while i + 64 + LOOKAHEAD <= text.len() {
        // SAFETY: AVX-512BW is present (the caller's promise), and
        // `i + 67 <= len`.
        let mask = unsafe { C::avx512_mask(text.as_ptr().add(i)) };
        walk(mask, i, &mut f);
        i += 64;
    }
    // SAFETY: AVX2 is present (implied by AVX-512BW here).
    unsafe { for_each_avx2::<C>(&text[i..], |j| f(i + j)) };
}

/// Calls `f` with the start of every 16-byte-aligned chunk of `text` made
/// of hex digits only, in increasing order. A digest (32 hex digits or
/// more) always covers such a chunk, so the digest recogniser starts only
/// there; prose has almost none.
pub(crate) fn for_each_hex_chunk(text: &[u8], f: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: AVX-512BW (and so AVX2) is present.
            unsafe { for_each_hex_chunk_avx512(text, f) };
            return;
        }
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

/// # Safety
/// The CPU must support AVX-512BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw,avx2")]
unsafe fn for_each_hex_chunk_avx512(text: &[u8], mut f: impl FnMut(usize)) {
    let mut i = 0;
    while i + 64 <= text.len() {
        // SAFETY: AVX-512BW is present (the caller's promise), and
        // `i + 64 <= len`.
        let starts = unsafe { hex_chunks_avx512(text.as_ptr().add(i)) };
        walk(starts, i, &mut f);
        i += 64;
    }
    // SAFETY: AVX2 is present (implied by AVX-512BW here).
    unsafe { for_each_hex_chunk_avx2(&text[i..], |j| f(i + j)) };
}

/// Bits 0, 16, 32 and 48: which of the four 16-byte chunks of `block`
/// are all hex digits.
///
/// # Safety
/// The CPU must support AVX-512BW, and `block` must be readable for 64
/// bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
#[inline]
unsafe fn hex_chunks_avx512(block: *const u8) -> u64 {
    use std::arch::x86_64::*;
    // Unsigned `lo <= v <= hi`: `v - lo <= hi - lo`.
    let in_range = |v, lo: u8, hi: u8| {
        _mm512_cmple_epu8_mask(
            _mm512_sub_epi8(v, _mm512_set1_epi8(lo as i8)),
            _mm512_set1_epi8((hi - lo) as i8),
        )
    };
    // SAFETY: the caller guarantees 64 readable bytes.
    let v = unsafe { _mm512_loadu_si512(block.cast()) };
    let lower = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
    let hex = in_range(v, b'0', b'9') | in_range(lower, b'a', b'f');
    let full = hex & hex >> 1;
    let full = full & full >> 2;
    let full = full & full >> 4;
    full & full >> 8 & 0x0001_0001_0001_0001
}

/// What the view's other recognisers want to see, noted during the
/// anchor pass: the starts of [`CveOrAsnStart`] and of the all-hex
/// chunks (see [`for_each_hex_chunk`]), in increasing order.
#[derive(Default)]
pub(crate) struct ViewMarks {
    pub(crate) cve_or_asn: Vec<usize>,
    pub(crate) hex_chunks: Vec<usize>,
}

/// [`for_each`] of [`Anchor`] over the view, and where the CPU has
/// AVX-512BW, its [`ViewMarks`] noted on the way: each block is loaded
/// once for the three classes instead of once per pass (100 MB of
/// reports: 40 ms for the three passes, 25–27 ms together). Without
/// AVX-512, `None`, and the recognisers run their own passes.
pub(crate) fn anchors_noting_marks(text: &[u8], f: impl FnMut(usize)) -> Option<ViewMarks> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: AVX-512BW (and so AVX2) is present.
            return Some(unsafe { anchors_noting_marks_avx512(text, f) });
        }
    }
    for_each::<Anchor>(text, f);
    None
}

/// # Safety
/// The CPU must support AVX-512BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw,avx2")]
unsafe fn anchors_noting_marks_avx512(text: &[u8], mut f: impl FnMut(usize)) -> ViewMarks {
    let mut marks = ViewMarks::default();
    let mut i = 0;
    while i + 64 + LOOKAHEAD <= text.len() {
        // SAFETY: AVX-512BW is present (the caller's promise), and
        // `i + 67 <= len`. The masks load the same bytes; the loads are
        // shared once inlined.
        let (anchors, cve_or_asn, hex_chunks) = unsafe {
            let block = text.as_ptr().add(i);
            (
                Anchor::avx512_mask(block),
                CveOrAsnStart::avx512_mask(block),
                hex_chunks_avx512(block),
            )
        };
        walk(anchors, i, &mut f);
        walk(cve_or_asn, i, &mut |p| marks.cve_or_asn.push(p));
        walk(hex_chunks, i, &mut |p| marks.hex_chunks.push(p));
        i += 64;
    }
    let rest = &text[i..];
    // SAFETY: AVX2 is present (implied by AVX-512BW here).
    unsafe { for_each_avx2::<Anchor>(rest, |j| f(i + j)) };
    for_each::<CveOrAsnStart>(rest, |j| marks.cve_or_asn.push(i + j));
    for_each_hex_chunk(rest, |j| marks.hex_chunks.push(i + j));
    marks
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

#[cfg(test)]
mod tests;

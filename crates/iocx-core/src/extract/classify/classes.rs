//! The classes: which bytes of the input or the view each recogniser wants
//! to see, as a scalar test and as AVX2 and AVX-512 masks.

use super::{byte, Class};

/// Where a defang token may start in raw input: a bracket (`[.]`, `(dot)`,
/// `{@}`), a backslash or half bracket (`evil\.com`, `evil.]com`), the lead
/// byte of a wide dot or at (`。` `．` `・` `＠`), an ANSI escape, a percent
/// sign (`%3A%2F%2F`), a doubled underscore (`http__`), the space before
/// ` dot `, ` DOT ` or ` AT `, a scheme separator a space follows
/// (`hxxp:// evil.com`), the second byte of a soft hyphen (PDF exports
/// write one hyphen as `-\u{AD}\u{2010}`), the last byte of a zero-width
/// space, non-joiner or joiner (see [`invisible`](crate::extract::invisible)), and
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

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512bw")]
    unsafe fn avx512_mask(block: *const u8) -> u64 {
        use std::arch::x86_64::*;
        // SAFETY: the caller guarantees 67 readable bytes.
        let (v0, v1, v2, v3) = unsafe {
            (
                _mm512_loadu_si512(block.cast()),
                _mm512_loadu_si512(block.add(1).cast()),
                _mm512_loadu_si512(block.add(2).cast()),
                _mm512_loadu_si512(block.add(3).cast()),
            )
        };
        // The same nibble tables as the AVX2 mask, in each 128-bit lane.
        #[rustfmt::skip]
        let (low_table, high_table) = (
            _mm512_broadcast_i32x4(_mm_setr_epi8(
                0, 0, 0, 0x20, 0, 0x02, 0x02, 0, 0x02, 0, 0, 0x4D, 0x44, 0x54, 0, 0x20,
            )),
            _mm512_broadcast_i32x4(_mm_setr_epi8(
                0, 0x01, 0x02, 0, 0, 0x04, 0, 0x08, 0x40, 0, 0x10, 0, 0, 0, 0x20, 0,
            )),
        );
        let nibble = _mm512_set1_epi8(0x0F);
        let low = _mm512_shuffle_epi8(low_table, _mm512_and_si512(v0, nibble));
        let high = _mm512_shuffle_epi8(
            high_table,
            _mm512_and_si512(_mm512_srli_epi16::<4>(v0), nibble),
        );
        let singles = _mm512_test_epi8_mask(low, high);
        let underscores = eq64!(v0, b'_') & eq64!(v1, b'_');
        let space_after = eq64!(v3, b' ');
        let dot = eq64!(v1, b'd') & eq64!(v2, b'o') & eq64!(v3, b't');
        let upper_dot = eq64!(v1, b'D') & eq64!(v2, b'O') & eq64!(v3, b'T');
        let at = eq64!(v1, b'A') & eq64!(v2, b'T') & space_after;
        let words = eq64!(v0, b' ') & (dot | upper_dot | at);
        let spaced_scheme = eq64!(v0, b':') & eq64!(v1, b'/') & eq64!(v2, b'/') & space_after;
        singles | underscores | words | spaced_scheme
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

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512bw")]
    unsafe fn avx512_mask(block: *const u8) -> u64 {
        use std::arch::x86_64::*;
        // SAFETY: the caller guarantees 67 readable bytes.
        let (v, next) = unsafe {
            (
                _mm512_loadu_si512(block.cast()),
                _mm512_loadu_si512(block.add(1).cast()),
            )
        };
        let ends = _mm512_cmple_epu8_mask(next, _mm512_set1_epi8(b',' as i8));
        (eq64!(v, b'.') | eq64!(v, b':')) & !ends | eq64!(v, b'@')
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

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512bw")]
    unsafe fn avx512_mask(block: *const u8) -> u64 {
        use std::arch::x86_64::*;
        // SAFETY: the caller guarantees 67 readable bytes.
        let (v0, v1, v2) = unsafe {
            (
                _mm512_loadu_si512(block.cast()),
                _mm512_loadu_si512(block.add(1).cast()),
                _mm512_loadu_si512(block.add(2).cast()),
            )
        };
        let fold = |v| _mm512_or_si512(v, _mm512_set1_epi8(0x20));
        let cve = eq64!(fold(v0), b'c') & eq64!(fold(v1), b'v') & eq64!(fold(v2), b'e');
        cve | eq64!(v0, b'A') & eq64!(v1, b'S')
    }
}

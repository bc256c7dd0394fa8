//! The classes and loops against their scalar twins, on every loop this
//! CPU can run.

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

/// The positions a loop reports.
fn collect(run: impl FnOnce(&mut dyn FnMut(usize))) -> Vec<usize> {
    let mut out = Vec::new();
    run(&mut |i| out.push(i));
    out
}

/// Where a SIMD loop this CPU can run reports other positions than the
/// scalar one, named.
#[cfg(target_arch = "x86_64")]
fn compare(
    scalar: Vec<usize>,
    avx2: impl FnOnce(&mut dyn FnMut(usize)),
    avx512: impl FnOnce(&mut dyn FnMut(usize)),
) -> Option<String> {
    let mut paths = Vec::new();
    if std::arch::is_x86_feature_detected!("avx2") {
        paths.push(("avx2", collect(avx2)));
    }
    if std::arch::is_x86_feature_detected!("avx512bw") {
        paths.push(("avx512", collect(avx512)));
    }
    paths
        .into_iter()
        .find(|(_, found)| *found != scalar)
        .map(|(name, found)| format!("{name}: {found:?}, scalar: {scalar:?}"))
}

/// [`compare`] for the positions of `C`.
fn disagreement<C: Class>(text: &[u8]) -> Option<String> {
    #[cfg(target_arch = "x86_64")]
    return compare(
        scalar_positions::<C>(text),
        // SAFETY: `compare` runs each only where the CPU has its feature.
        |f| unsafe { for_each_avx2::<C>(text, f) },
        |f| unsafe { for_each_avx512::<C>(text, f) },
    );
    #[cfg(not(target_arch = "x86_64"))]
    None
}

/// [`compare`] for the all-hex chunks.
fn hex_chunk_disagreement(text: &[u8]) -> Option<String> {
    #[cfg(target_arch = "x86_64")]
    return compare(
        collect(|f| for_each_hex_chunk_scalar(text, 0, f)),
        // SAFETY: `compare` runs each only where the CPU has its feature.
        |f| unsafe { for_each_hex_chunk_avx2(text, f) },
        |f| unsafe { for_each_hex_chunk_avx512(text, f) },
    );
    #[cfg(not(target_arch = "x86_64"))]
    None
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

/// Every byte value, alone among `x`s and repeated, long enough for every
/// loop: the nibble tables and comparisons of each class must mark
/// exactly the bytes its scalar twin does.
#[test]
fn simd_agrees_with_scalar_on_every_byte() {
    for b in 0..=255u8 {
        for text in [
            [b; 150].to_vec(),
            [&[b'x'; 5][..], &[b], &[b'x'; 70], &[b], &[b'x'; 70]].concat(),
        ] {
            for found in [
                disagreement::<DefangStart>(&text),
                disagreement::<Anchor>(&text),
                disagreement::<CveOrAsnStart>(&text),
            ] {
                assert_eq!(found, None, "byte {b:#04x}");
            }
        }
    }
}

// Bytes the classes care about, runs of hex digits and the bytes just
// outside the hex ranges, so random text hits every case often.
fn soup() -> impl Strategy<Value = Vec<u8>> {
    use proptest::collection::vec;
    use proptest::sample::select;
    let special = b"[](){}\\%_ dotDOTATcveCVEsS.:@,-\nx\x1b\xE3\xEF\x80\xC2\xAD\xE2&\"".to_vec();
    let byte = prop_oneof![select(special), any::<u8>()].prop_map(|b| vec![b]);
    let hex_run = vec(select(b"0129afAF".to_vec()), 1..48);
    let edge = select(b"/:@`gG".to_vec()).prop_map(|b| vec![b]);
    vec(prop_oneof![4 => byte, 1 => hex_run, 1 => edge], 0..160).prop_map(|p| p.concat())
}

/// The same at every offset from a block edge, so that each mark falls in
/// the 64-byte loop and in the rest after it.
#[test]
fn marks_noted_in_the_anchor_pass_at_every_offset() {
    for pad in 0..160 {
        let text = [
            &vec![b'x'; pad][..],
            b" CVE-1 AS2 a.b 0123456789abcdef0123456789ABCDEF.",
        ]
        .concat();
        let mut anchors = Vec::new();
        let marks = anchors_noting_marks(&text, |i| anchors.push(i));
        assert_eq!(anchors, positions::<Anchor>(&text), "pad {pad}");
        if let Some(marks) = marks {
            assert_eq!(
                marks.cve_or_asn,
                positions::<CveOrAsnStart>(&text),
                "pad {pad}"
            );
            let chunks = collect(|f| for_each_hex_chunk(&text, f));
            assert!(!chunks.is_empty(), "pad {pad}");
            assert_eq!(marks.hex_chunks, chunks, "pad {pad}");
        }
    }
}

proptest! {
    /// The anchor pass that notes the other classes' marks finds what the
    /// three passes find.
    #[test]
    fn marks_noted_in_the_anchor_pass_are_the_passes_own(text in soup()) {
        let mut anchors = Vec::new();
        let marks = anchors_noting_marks(&text, |i| anchors.push(i));
        prop_assert_eq!(anchors, positions::<Anchor>(&text));
        if let Some(marks) = marks {
            prop_assert_eq!(marks.cve_or_asn, positions::<CveOrAsnStart>(&text));
            prop_assert_eq!(marks.hex_chunks, collect(|f| for_each_hex_chunk(&text, f)));
        }
    }

    #[test]
    fn simd_agrees_with_scalar(text in soup()) {
        prop_assert_eq!(disagreement::<DefangStart>(&text), None);
        prop_assert_eq!(disagreement::<Anchor>(&text), None);
        prop_assert_eq!(disagreement::<CveOrAsnStart>(&text), None);
        prop_assert_eq!(hex_chunk_disagreement(&text), None);
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

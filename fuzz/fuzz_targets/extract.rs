//! Fuzz target: the extractor over arbitrary bytes. Every span must slice
//! the input, and every value must re-validate as its kind when extracted
//! again on its own.
#![no_main]

use iocx_core::{Extractor, ExtractorBuilder, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let extractor = Extractor::new();
    // Re-validation is syntactic: the context guards judge a value by the
    // text around it, which the value alone lacks.
    let lenient = ExtractorBuilder::new()
        .strictness(Strictness::Lenient)
        .build();
    let mut last_start = 0;
    for m in extractor.find_iter(data) {
        assert!(m.span.start <= m.span.end && m.span.end <= data.len());
        assert!(m.span.start >= last_start, "matches come in input order");
        last_start = m.span.start;
        // An all-decimal digest counts only after a label such as `md5`.
        let alone = if m.kind.is_hash() {
            format!("hash {}", m.value)
        } else {
            m.value.clone()
        };
        let again = lenient.find_all(alone.as_bytes());
        let same = again.iter().any(|n| n.kind == m.kind && n.value == m.value);
        assert!(same, "{:?} did not re-validate: {:?}", m, again);
    }
});

//! Fuzz target: extraction chunk by chunk, as `iocx extract` reads a large
//! file (cut at line ends, each chunk seeing the text before it as
//! context), finds exactly what one pass over the whole input finds.
#![no_main]

use iocx_core::chunked::find_all_parallel;
use iocx_core::Extractor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes pick the chunk size, so cuts fall anywhere.
    let [a, b, text @ ..] = data else {
        return;
    };
    let chunk_size = 1 + usize::from(u16::from_le_bytes([*a, *b]) % 2048);
    let extractor = Extractor::new();
    let whole = extractor.find_all(text);
    let chunked = find_all_parallel(&extractor, text, chunk_size).to_vec();
    assert_eq!(chunked, whole, "chunk size {chunk_size}");
});

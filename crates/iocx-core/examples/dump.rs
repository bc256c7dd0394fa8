//! Prints every match in stdin as `kind<TAB>value<TAB>raw`: a debugging aid.
use std::io::Read;

fn main() {
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .expect("read stdin");
    let extractor = iocx_core::Extractor::new();
    for m in extractor.find_iter(&input) {
        let raw = String::from_utf8_lossy(m.raw(&input));
        println!(
            "{}\t{}\t{}{}",
            m.kind,
            m.value,
            raw,
            if m.defanged { "\t(defanged)" } else { "" }
        );
    }
}

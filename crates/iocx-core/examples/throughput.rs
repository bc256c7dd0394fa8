//! Prints single-thread extraction throughput over the files given:
//! `cargo run --release -p iocx-core --example throughput -- FILE...`.
use std::time::Instant;

fn main() {
    let extractor = iocx_core::Extractor::new();
    for path in std::env::args().skip(1) {
        let data = std::fs::read(&path).expect("read input");
        let count = extractor.find_all(&data).len(); // warm-up
                                                     // IOCX_RUNS=1 under callgrind keeps instruction counts quick.
        let runs = std::env::var("IOCX_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(5u32);
        let start = Instant::now();
        for _ in 0..runs {
            assert_eq!(extractor.find_all(&data).len(), count);
        }
        let secs = start.elapsed().as_secs_f64() / f64::from(runs);
        println!(
            "{path}: {:.1} MB in {:.1} ms = {:.0} MB/s, {count} matches",
            data.len() as f64 / 1e6,
            secs * 1e3,
            data.len() as f64 / 1e6 / secs
        );
    }
}

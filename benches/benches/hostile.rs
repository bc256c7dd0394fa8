//! Linear time on hostile input: each pattern of `iocx_benches::HOSTILE`
//! (all dots, all `[.]`, one hex run, `@` repeated, one line of dotted words,
//! digits and dots, nested brackets, colons and hex digits, `hxxp://`
//! repeated, `%3A%2F%2F` repeated, and two label-chain extras) as one 2 MB and
//! one 20 MB line, extracted with all kinds, single-thread.
//!
//! Before criterion runs, a plain check times each pattern at both sizes
//! (best of 3 at 2 MB, best of 2 at 20 MB) and prints the ratio
//! time(20 MB) / time(2 MB), which is near 10 for a linear extractor and near
//! 100 for a quadratic one. A ratio of `MAX_RATIO` or more fails the bench
//! (exit status 1, after the criterion runs of the other patterns). A 20 MB
//! run that has not finished long after a linear one would have is given up
//! and fails at once, before criterion runs, so the bench cannot hang.
//!
//! Criterion then measures both sizes with `Throughput::Bytes`, so the
//! bytes/s figures of the two sizes are comparable. With
//! `IOCX_HOSTILE_CHECK_ONLY=1` only the plain check runs.
//!
//! Run: `cargo bench -p iocx-benches --bench hostile`.

use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use iocx_benches::{hostile_input, Hostile, HOSTILE};
use iocx_core::Extractor;

const SMALL: usize = 2_000_000;
const LARGE: usize = 20_000_000;
/// The check fails at or above this ratio of 20 MB time to 2 MB time.
/// Linear is 10; a 2 MB input that still fits in the caches, or a busy
/// second core, pushes some patterns to 25; quadratic is 100.
const MAX_RATIO: f64 = 40.0;
/// A 20 MB run is given up after this many times the 2 MB time (and at
/// least `MIN_WAIT`, at most `MAX_WAIT`).
const GIVE_UP_FACTOR: u32 = 200;
const MIN_WAIT: Duration = Duration::from_secs(5);
const MAX_WAIT: Duration = Duration::from_secs(120);

struct Checked {
    pattern: Hostile,
    small: Duration,
    small_count: usize,
    /// `None` when the 20 MB run was given up.
    large: Option<(Duration, usize)>,
    waited: Duration,
}

impl Checked {
    fn ratio(&self) -> f64 {
        match self.large {
            Some((t, _)) => t.as_secs_f64() / self.small.as_secs_f64(),
            None => self.waited.as_secs_f64() / self.small.as_secs_f64(),
        }
    }

    fn passed(&self) -> bool {
        self.large.is_some() && self.ratio() < MAX_RATIO
    }
}

fn best_of(runs: usize, extractor: &Extractor, data: &[u8]) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut count = 0;
    for _ in 0..runs {
        let start = Instant::now();
        count = extractor.find_matches(black_box(data)).len();
        best = best.min(start.elapsed());
    }
    (best, count)
}

fn check(pattern: Hostile) -> Checked {
    let extractor = Extractor::new();
    let small_input = hostile_input(&pattern, SMALL);
    best_of(1, &extractor, &small_input); // warm-up
    let (small, small_count) = best_of(3, &extractor, &small_input);

    let wait = (small * GIVE_UP_FACTOR).clamp(MIN_WAIT, MAX_WAIT);
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    // Detached on purpose: a run that is given up keeps its thread until the
    // process exits, which it then does before criterion starts.
    std::thread::spawn(move || {
        let large_input = hostile_input(&pattern, LARGE);
        let _ = tx.send(best_of(2, &extractor, &large_input));
    });
    let large = rx.recv_timeout(wait).ok();
    Checked {
        pattern,
        small,
        small_count,
        large,
        waited: started.elapsed(),
    }
}

fn mb_per_s(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / 1e6 / t.as_secs_f64()
}

fn print_row(c: &Checked) {
    let (large_ms, large_speed, large_count) = match c.large {
        Some((t, n)) => (
            format!("{:.1}", t.as_secs_f64() * 1e3),
            format!("{:.0}", mb_per_s(LARGE, t)),
            n.to_string(),
        ),
        None => (
            format!(">{:.0}", c.waited.as_secs_f64() * 1e3),
            "-".into(),
            "-".into(),
        ),
    };
    println!(
        "{:<16} {:>9.1} {:>9} {:>10.0} {:>10} {:>8} {:>8} {:>7.1}{}  {}",
        c.pattern.name,
        c.small.as_secs_f64() * 1e3,
        large_ms,
        mb_per_s(SMALL, c.small),
        large_speed,
        c.small_count,
        large_count,
        c.ratio(),
        if c.large.is_none() { "+" } else { " " },
        if c.passed() { "ok" } else { "NON-LINEAR" }
    );
}

fn main() {
    println!(
        "linear-time check: time(20 MB) / time(2 MB) must stay below {MAX_RATIO} (linear: ~10)"
    );
    println!(
        "{:<16} {:>9} {:>9} {:>10} {:>10} {:>8} {:>8} {:>8}  verdict",
        "pattern", "2MB ms", "20MB ms", "2MB MB/s", "20MB MB/s", "n 2MB", "n 20MB", "ratio"
    );
    let mut checked = Vec::new();
    for &pattern in HOSTILE {
        let c = check(pattern);
        print_row(&c);
        let gave_up = c.large.is_none();
        checked.push(c);
        if gave_up {
            // Its thread still runs and would distort every later figure.
            println!(
                "FAIL: {}: the 20 MB run was given up after {:.1} s \
                 (2 MB took {:.1} ms); not running the other patterns",
                pattern.name,
                checked.last().unwrap().waited.as_secs_f64(),
                checked.last().unwrap().small.as_secs_f64() * 1e3
            );
            std::process::exit(1);
        }
    }
    let failures: Vec<&Checked> = checked.iter().filter(|c| !c.passed()).collect();

    if std::env::var_os("IOCX_HOSTILE_CHECK_ONLY").is_none_or(|v| v.is_empty()) {
        let mut c = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            .configure_from_args();
        let extractor = Extractor::new();
        let mut group = c.benchmark_group("hostile");
        group.sampling_mode(SamplingMode::Flat);
        for checked in checked.iter().filter(|c| c.passed()) {
            let pattern = checked.pattern;
            for (size, label) in [(SMALL, "2MB"), (LARGE, "20MB")] {
                let input = hostile_input(&pattern, size);
                group.throughput(Throughput::Bytes(size as u64));
                group.bench_function(BenchmarkId::new(pattern.name, label), |b| {
                    b.iter(|| extractor.find_matches(black_box(&input)).len())
                });
            }
        }
        group.finish();
        c.final_summary();
    }

    if !failures.is_empty() {
        for f in &failures {
            println!(
                "FAIL: {} is not linear: 2 MB in {:.1} ms, 20 MB in {:.1} ms, ratio {:.1} (limit {MAX_RATIO})",
                f.pattern.name,
                f.small.as_secs_f64() * 1e3,
                f.large.map_or(0.0, |(t, _)| t.as_secs_f64() * 1e3),
                f.ratio()
            );
        }
        std::process::exit(1);
    }
    println!("linear-time check: all {} patterns passed", checked.len());
}

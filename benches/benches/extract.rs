//! Extraction throughput in bytes/s per kind mix (all kinds; hashes only;
//! network kinds only), single-thread (`Extractor::find_matches`) and parallel
//! (`iocx_core::chunked::find_all_parallel`, line-aligned chunks on rayon's
//! pool, one thread per core).
//!
//! Inputs:
//! - `project`: the project's own corpus (`corpora/`, see
//!   `iocx_benches::PROJECT_CORPUS_FILES`), single-thread only (it is one
//!   chunk);
//! - `project-xN`: the same text repeated N times to at least 16 MiB, single
//!   and parallel;
//! - when `IOCX_BENCH_CORPUS` names a folder like `../shared/corpora`:
//!   `reports` (all its `reports-part*.txt`, concatenated) and `feeds` (all
//!   `feeds/*.txt`, concatenated), single and parallel.
//!
//! Every bench counts its matches before it is timed and checks the count:
//! exactly for the project corpus (`iocx_benches::PROJECT_COUNTS`), against
//! a lower bound for the external corpus (below); a parallel count must also
//! equal the single-thread one. A wrong count is printed as `FAIL:` and makes
//! the bench exit with status 1 after everything has been timed, so a fast
//! wrong answer fails.
//! At the end a plain best-of-3 timing prints the parallel/single ratio for
//! each input that has both.
//!
//! Run: `IOCX_BENCH_CORPUS=../shared/corpora cargo bench -p iocx-benches --bench extract`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use iocx_benches::{
    concat_files, external_corpus_dir, files_matching, project_corpus, project_count, repeat_to,
    Mix,
};
use iocx_core::chunked::{find_all_parallel, DEFAULT_CHUNK_SIZE};
use iocx_core::Extractor;

/// Lower bounds on the matches in the concatenated `reports-part*.txt` of the
/// shared corpus (49.7 MB), per mix. They sit at roughly 80 % of what the
/// extractor found when they were set (all 362,867; hashes 157,497;
/// network 201,810), so that accuracy work can move the counts a little
/// while an extractor that loses a whole family fails. Regenerate with
/// `cat reports-part*.txt > all.txt; iocx extract [--types ...] all.txt | wc -l`.
const REPORTS_MIN: [(Mix, usize); 3] = [
    (Mix::All, 290_000),
    (Mix::Hashes, 125_000),
    (Mix::Network, 160_000),
];

/// Lower bounds on the matches in the concatenated `feeds/*.txt` (86.2 MB of
/// one-indicator-per-line lists), per mix; set the same way (found: all
/// 2,806,495; hashes 101,779; network 2,704,668).
const FEEDS_MIN: [(Mix, usize); 3] = [
    (Mix::All, 2_240_000),
    (Mix::Hashes, 81_000),
    (Mix::Network, 2_160_000),
];

#[derive(Clone, Copy)]
enum Mode {
    Single,
    Parallel,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Single => "single",
            Mode::Parallel => "parallel",
        }
    }

    fn count(self, extractor: &Extractor, data: &[u8]) -> usize {
        match self {
            Mode::Single => extractor.find_matches(data).len(),
            Mode::Parallel => find_all_parallel(extractor, data, DEFAULT_CHUNK_SIZE).len(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Expect {
    Exact(usize),
    AtLeast(usize),
}

impl Expect {
    fn check(self, what: &str, found: usize) -> Result<(), String> {
        match self {
            Expect::Exact(n) if found != n => Err(format!(
                "{what}: found {found} matches, expected exactly {n} \
                 (see PROJECT_COUNTS in benches/lib.rs)"
            )),
            Expect::AtLeast(n) if found < n => Err(format!(
                "{what}: found {found} matches, expected at least {n}"
            )),
            _ => Ok(()),
        }
    }
}

fn lookup(table: &[(Mix, usize); 3], mix: Mix) -> usize {
    table
        .iter()
        .find(|(m, _)| *m == mix)
        .map(|(_, n)| *n)
        .unwrap()
}

struct Input {
    name: String,
    data: Vec<u8>,
    expect: Box<dyn Fn(Mix) -> Expect>,
    modes: &'static [Mode],
}

/// Benches `input` for every mix and mode. A wrong count (against the
/// expectation, or a parallel count that differs from the single-thread
/// one) is printed and added to `failures`; the input is still timed, and
/// `main` fails the bench at the end.
fn bench_input(c: &mut Criterion, input: &Input, failures: &mut Vec<String>) {
    let mut group = c.benchmark_group(format!("extract/{}", input.name));
    group.throughput(Throughput::Bytes(input.data.len() as u64));
    if input.data.len() > 1 << 20 {
        // Few, long iterations: take every sample with the same count.
        group.sampling_mode(SamplingMode::Flat);
    }
    for mix in Mix::ALL {
        let extractor = mix.extractor();
        let mut single = None;
        for &mode in input.modes {
            let what = format!("{}/{}/{}", input.name, mix.name(), mode.name());
            let count = mode.count(&extractor, &input.data);
            println!("{what}: {count} matches");
            let mut verdict = (input.expect)(mix).check(&what, count);
            match (mode, single) {
                (Mode::Single, _) => single = Some(count),
                (Mode::Parallel, Some(n)) if n != count && verdict.is_ok() => {
                    verdict = Err(format!(
                        "{what}: found {count} matches, the single-thread scan {n}"
                    ));
                }
                _ => {}
            }
            if let Err(message) = verdict {
                println!("FAIL: {message}");
                failures.push(message);
            }
            group.bench_function(BenchmarkId::new(mix.name(), mode.name()), |b| {
                b.iter(|| {
                    let n = mode.count(&extractor, black_box(&input.data));
                    assert_eq!(n, count, "{what}: count changed between runs");
                    n
                })
            });
        }
    }
    group.finish();
}

/// Best-of-3 wall time of one mode over `data`, for the speed-up summary.
fn best_of_3(mode: Mode, extractor: &Extractor, data: &[u8]) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            black_box(mode.count(extractor, black_box(data)));
            start.elapsed()
        })
        .min()
        .unwrap()
}

fn mb_per_s(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / 1e6 / t.as_secs_f64()
}

fn inputs() -> Vec<Input> {
    let mut inputs = Vec::new();
    let project = project_corpus();
    inputs.push(Input {
        name: "project".into(),
        data: project.clone(),
        expect: Box::new(|mix| Expect::Exact(project_count(mix))),
        modes: &[Mode::Single],
    });
    let (repeated, copies) = repeat_to(&project, 16 << 20);
    inputs.push(Input {
        name: format!("project-x{copies}"),
        data: repeated,
        expect: Box::new(move |mix| Expect::Exact(copies * project_count(mix))),
        modes: &[Mode::Single, Mode::Parallel],
    });

    let Some(dir) = external_corpus_dir() else {
        println!(
            "skipping: IOCX_BENCH_CORPUS not set (point it at a folder like \
             ../shared/corpora to bench the report corpus and feed lists)"
        );
        return inputs;
    };
    let reports = files_matching(&dir, "reports-part", ".txt");
    if reports.is_empty() {
        println!(
            "skipping reports: no reports-part*.txt in {} (IOCX_BENCH_CORPUS)",
            dir.display()
        );
    } else {
        let data = concat_files(&reports).expect("read reports-part*.txt");
        println!(
            "reports: {} files, {:.1} MB",
            reports.len(),
            data.len() as f64 / 1e6
        );
        inputs.push(Input {
            name: "reports".into(),
            data,
            expect: Box::new(|mix| Expect::AtLeast(lookup(&REPORTS_MIN, mix))),
            modes: &[Mode::Single, Mode::Parallel],
        });
    }
    let feeds = files_matching(&dir.join("feeds"), "", ".txt");
    if feeds.is_empty() {
        println!(
            "skipping feeds: no feeds/*.txt in {} (IOCX_BENCH_CORPUS)",
            dir.display()
        );
    } else {
        let data = concat_files(&feeds).expect("read feeds/*.txt");
        println!(
            "feeds: {} files, {:.1} MB",
            feeds.len(),
            data.len() as f64 / 1e6
        );
        inputs.push(Input {
            name: "feeds".into(),
            data,
            expect: Box::new(|mix| Expect::AtLeast(lookup(&FEEDS_MIN, mix))),
            modes: &[Mode::Single, Mode::Parallel],
        });
    }
    inputs
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let inputs = inputs();
    let mut failures = Vec::new();
    for input in &inputs {
        bench_input(&mut c, input, &mut failures);
    }
    c.final_summary();

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("\nparallel speed-up, all kinds, best of 3 ({threads} cores):");
    let extractor = Mix::All.extractor();
    for input in inputs.iter().filter(|i| i.modes.len() == 2) {
        let single = best_of_3(Mode::Single, &extractor, &input.data);
        let parallel = best_of_3(Mode::Parallel, &extractor, &input.data);
        println!(
            "  {:<14} single {:>7.0} MB/s   parallel {:>7.0} MB/s   ratio {:.2}x",
            input.name,
            mb_per_s(input.data.len(), single),
            mb_per_s(input.data.len(), parallel),
            single.as_secs_f64() / parallel.as_secs_f64()
        );
    }
    if !failures.is_empty() {
        println!("\n{} wrong match count(s):", failures.len());
        for f in &failures {
            println!("FAIL: {f}");
        }
        std::process::exit(1);
    }
}

//! Correlation throughput: building an in-memory index of 1 M attributes,
//! and correlating a 10 k-value event in memory and from the SQLite store.
//!
//! Attributes are generated (a mix of domains, host names, IPv4 addresses,
//! CIDRs, URLs and sha256 hashes over 1,000 events), or read from the feed
//! lists under `$IOCX_BENCH_CORPUS` (one value per line, files as events)
//! when that variable points at `../shared/corpora/feeds`. The query event
//! takes half its values from the index and half fresh, so both hits and
//! misses are measured. Targets: build ≥ 1 M attributes/s; correlation
//! < 10 ms in memory and < 200 ms from the store.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iocx_core::correlate::{AttributeInput, CorrelationOptions, EventInput, Exclusions};
use iocx_core::CorrelationIndex;
use iocx_store::{NewEvent, Store};

const ATTRIBUTES: usize = 1_000_000;
const EVENTS: usize = 1_000;
const QUERY: usize = 10_000;

fn generated_attribute(i: usize) -> AttributeInput {
    // A small multiplier spreads values so most are unique and some recur.
    let n = (i * 7919) % (ATTRIBUTES * 3 / 4);
    match i % 6 {
        0 => AttributeInput::new("domain", &format!("d{n}.example{}.com", n % 97)),
        1 => AttributeInput::new("hostname", &format!("www.h{n}.example.net")),
        2 => AttributeInput::new(
            "ip-dst",
            &format!("10.{}.{}.{}", n >> 16 & 255, n >> 8 & 255, n & 255),
        ),
        3 => AttributeInput::new(
            "ip-dst",
            &format!("172.{}.{}.0/24", 16 + (n >> 8 & 15), n & 255),
        ),
        4 => AttributeInput::new("url", &format!("http://u{n}.example.org/gate.php")),
        _ => AttributeInput::new("sha256", &format!("{n:064x}")),
    }
}

fn corpus_events(dir: &Path) -> Option<Vec<EventInput>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut events = Vec::new();
    let mut total = 0;
    for file in files.iter().filter(|p| p.is_file()) {
        let text = std::fs::read_to_string(file).ok()?;
        let mut event = EventInput {
            uuid: file.display().to_string(),
            info: file.display().to_string(),
            ..EventInput::default()
        };
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            if total == ATTRIBUTES {
                break;
            }
            let value = line.split([',', ' ', '\t']).next().unwrap_or(line);
            event
                .attributes
                .push(AttributeInput::new(guess_type(value), value));
            total += 1;
        }
        events.push(event);
    }
    (total > 0).then_some(events)
}

fn guess_type(value: &str) -> &'static str {
    if iocx_core::correlate::IpNet::parse(value).is_some() {
        "ip-dst"
    } else if value.contains("://") {
        "url"
    } else if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        "sha256"
    } else if value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        "md5"
    } else {
        "domain"
    }
}

fn events() -> Vec<EventInput> {
    if let Some(dir) = std::env::var_os("IOCX_BENCH_CORPUS") {
        let feeds = Path::new(&dir).join("feeds");
        let dir = if feeds.is_dir() {
            feeds
        } else {
            Path::new(&dir).to_path_buf()
        };
        if let Some(events) = corpus_events(&dir) {
            return events;
        }
        eprintln!("IOCX_BENCH_CORPUS has no readable feed lists; using generated data");
    }
    let per_event = ATTRIBUTES / EVENTS;
    (0..EVENTS)
        .map(|e| EventInput {
            uuid: format!("00000000-0000-4000-8000-{e:012}"),
            info: format!("generated {e}"),
            disable_correlation: false,
            attributes: (e * per_event..(e + 1) * per_event)
                .map(generated_attribute)
                .collect(),
        })
        .collect()
}

fn query(events: &[EventInput]) -> Vec<AttributeInput> {
    let all: Vec<&AttributeInput> = events.iter().flat_map(|e| &e.attributes).collect();
    let step = (all.len() / (QUERY / 2)).max(1);
    let mut values: Vec<AttributeInput> = all
        .iter()
        .step_by(step)
        .take(QUERY / 2)
        .map(|a| (*a).clone())
        .collect();
    values.extend(
        (0..QUERY - values.len())
            .map(|i| AttributeInput::new("domain", &format!("fresh{i}.example.com"))),
    );
    values
}

fn bench(c: &mut Criterion) {
    let events = events();
    let total: usize = events.iter().map(|e| e.attributes.len()).sum();
    let values = query(&events);
    let options = CorrelationOptions::default();
    let exclusions = Exclusions::new();

    let mut group = c.benchmark_group("correlate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(total as u64));
    group.bench_function(format!("build_index_{total}_attributes"), |b| {
        b.iter(|| CorrelationIndex::build(&events))
    });

    let index = CorrelationIndex::build(&events);
    let found = index.related_to_values(&values, &options, &exclusions);
    assert!(
        !found.related.is_empty() || !found.over_correlating.is_empty(),
        "the query must hit the index"
    );
    group.throughput(Throughput::Elements(values.len() as u64));
    group.bench_function("in_memory_10k_values", |b| {
        b.iter(|| index.related_to_values(&values, &options, &exclusions))
    });

    let dir = tempfile_dir();
    let mut store = Store::open(&dir.join("bench.db")).expect("store opens");
    let new_events: Vec<NewEvent> = events
        .iter()
        .map(|e| NewEvent {
            event: e.clone(),
            date: "2024-01-01".into(),
            timestamp: 1,
        })
        .collect();
    store.import(&new_events, &mut |_| {}).expect("import");
    let from_store = store
        .correlate_values(&values, &options, &exclusions)
        .expect("query");
    assert_eq!(
        from_store.related.len(),
        found.related.len(),
        "store and index agree"
    );
    group.bench_function("store_10k_values", |b| {
        b.iter(|| {
            store
                .correlate_values(&values, &options, &exclusions)
                .expect("query")
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("iocx-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

criterion_group!(benches, bench);
criterion_main!(benches);

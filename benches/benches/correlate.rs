//! Correlation throughput: building an in-memory index of 1 M attributes,
//! and correlating a 10 k-value event in memory and from the SQLite store.
//!
//! Attributes are generated (a mix of domains, host names, IPv4 addresses,
//! CIDRs, URLs and sha256 hashes over 1,000 events), or read from the feed
//! lists under `$IOCX_BENCH_CORPUS` (`../shared/corpora` or its `feeds`
//! directory: one indicator per line, `# event: NAME` starting an event).
//! The query event takes half its values from the index and half fresh, so
//! both hits and misses are measured. Targets: build ≥ 1 M attributes/s;
//! correlation < 10 ms in memory and < 200 ms from the store.
//!
//! A fast wrong answer must not pass: before timing, the index and the store
//! are checked against a naive reference (a map from value to the events
//! holding it) on the number of related events, of shared values and of
//! over-correlating values, and the index is checked to hold every attribute.

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iocx_core::correlate::{
    attribute_parts, AttributeInput, Correlation, CorrelationOptions, EventInput, Exclusions,
    IpNet, Relation, RelationSet,
};
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

/// Events from the feed lists in `dir`, up to [`ATTRIBUTES`] indicators.
fn corpus_events(dir: &Path) -> Option<Vec<EventInput>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut events: Vec<EventInput> = Vec::new();
    let mut total = 0;
    'files: for file in &files {
        let text = std::fs::read_to_string(file).ok()?;
        let name = file.file_name()?.to_string_lossy().into_owned();
        let mut current = EventInput {
            uuid: name.clone(),
            info: name.clone(),
            ..EventInput::default()
        };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(event) = line.strip_prefix("# event:") {
                let event = format!("{name}: {}", event.trim());
                let done = std::mem::replace(
                    &mut current,
                    EventInput {
                        uuid: event.clone(),
                        info: event,
                        ..EventInput::default()
                    },
                );
                if !done.attributes.is_empty() {
                    events.push(done);
                }
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            if total == ATTRIBUTES {
                events.push(current);
                break 'files;
            }
            current.attributes.push(typed(line));
            total += 1;
        }
        if !current.attributes.is_empty() {
            events.push(current);
        }
    }
    (total > 0).then_some(events)
}

/// A feed line as a MISP attribute, its type guessed from its shape.
fn typed(value: &str) -> AttributeInput {
    let hex = value.bytes().all(|b| b.is_ascii_hexdigit());
    let misp_type = if IpNet::parse(value).is_some() {
        "ip-dst"
    } else if let Some((ip, port)) = value
        .rsplit_once(':')
        .filter(|(ip, port)| IpNet::parse(ip).is_some() && port.parse::<u16>().is_ok())
    {
        return AttributeInput::new("ip-dst|port", &format!("{ip}|{port}"));
    } else if value.contains("://") || value.contains('/') {
        "url"
    } else if hex && value.len() == 64 {
        "sha256"
    } else if hex && value.len() == 40 {
        "sha1"
    } else if hex && value.len() == 32 {
        "md5"
    } else if value.contains('@') {
        "email-src"
    } else {
        "domain"
    };
    AttributeInput::new(misp_type, value)
}

fn events() -> Vec<EventInput> {
    if let Some(dir) = std::env::var_os("IOCX_BENCH_CORPUS") {
        let feeds = Path::new(&dir).join("feeds");
        let dir = if feeds.is_dir() {
            feeds
        } else {
            Path::new(&dir).to_path_buf()
        };
        if let Some(mut events) = corpus_events(&dir) {
            // Feed event names can repeat; the store keys events by uuid.
            for (i, event) in events.iter_mut().enumerate() {
                event.uuid = format!("corpus-{i}");
            }
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

/// (related events, shared values summed over them, over-correlating values).
type Counts = (usize, usize, usize);

fn counts(found: &Correlation) -> Counts {
    (
        found.related.len(),
        found.related.iter().map(|r| r.shared).sum(),
        found.over_correlating.len(),
    )
}

/// The exact-match answer computed the slow, obvious way.
fn reference(events: &[EventInput], values: &[AttributeInput], cap: usize) -> Counts {
    let mut holders: HashMap<String, BTreeSet<usize>> = HashMap::new();
    for (e, event) in events.iter().enumerate() {
        for a in &event.attributes {
            for part in attribute_parts(&a.misp_type, &a.value) {
                holders.entry(part.value).or_default().insert(e);
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut per_event: HashMap<usize, BTreeSet<String>> = HashMap::new();
    let mut over = 0;
    for a in values {
        for part in attribute_parts(&a.misp_type, &a.value) {
            if !seen.insert(part.value.clone()) {
                continue;
            }
            let Some(events) = holders.get(&part.value) else {
                continue;
            };
            if events.len() > cap {
                over += 1;
                continue;
            }
            for &e in events {
                per_event.entry(e).or_default().insert(part.value.clone());
            }
        }
    }
    let shared = per_event.values().map(BTreeSet::len).sum();
    (per_event.len(), shared, over)
}

fn bench(c: &mut Criterion) {
    let events = events();
    let total: usize = events.iter().map(|e| e.attributes.len()).sum();
    let values = query(&events);
    let options = CorrelationOptions::default();
    let exact = CorrelationOptions {
        relations: RelationSet::of(&[Relation::Exact]),
        ..options
    };
    let exclusions = Exclusions::new();
    let expected = reference(&events, &values, options.cap);
    eprintln!(
        "{} events, {total} attributes; query of {} values: expect {} related events, {} shared values, {} over-correlating",
        events.len(),
        values.len(),
        expected.0,
        expected.1,
        expected.2
    );
    assert!(expected.0 > 0, "the query must hit the index");

    let mut group = c.benchmark_group("correlate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(total as u64));
    group.bench_function(format!("build_index_{total}_attributes"), |b| {
        b.iter(|| CorrelationIndex::build(&events))
    });

    // Built (and checked) only when a benchmark that needs it runs.
    let index = OnceCell::new();
    let index = || {
        index.get_or_init(|| {
            let index = CorrelationIndex::build(&events);
            assert_eq!(index.attribute_count(), total);
            let found = index.related_to_values(&values, &exact, &exclusions);
            assert_eq!(counts(&found), expected, "index against the reference");
            index
        })
    };
    group.throughput(Throughput::Elements(values.len() as u64));
    group.bench_function("in_memory_10k_values", |b| {
        let index = index();
        let all = counts(&index.related_to_values(&values, &options, &exclusions));
        if std::env::var_os("IOCX_BENCH_CORPUS").is_none() {
            // The generated values meet only through exact matches.
            assert_eq!(all, expected, "every relation on generated data");
        }
        b.iter(|| index.related_to_values(&values, &options, &exclusions))
    });

    let dir = tempfile_dir();
    let store = OnceCell::new();
    let store = || {
        store.get_or_init(|| {
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
            let found = store
                .correlate_values(&values, &exact, &exclusions)
                .expect("query");
            assert_eq!(counts(&found), expected, "store against the reference");
            let all = store
                .correlate_values(&values, &options, &exclusions)
                .expect("query");
            let in_memory = index().related_to_values(&values, &options, &exclusions);
            assert_eq!(counts(&all), counts(&in_memory), "store and index agree");
            std::cell::RefCell::new(store)
        })
    };
    group.bench_function("store_10k_values", |b| {
        let store = store();
        b.iter(|| {
            store
                .borrow_mut()
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

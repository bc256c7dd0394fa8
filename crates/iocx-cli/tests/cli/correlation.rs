//! The correlation scenario through the real `iocx` binary on a temporary
//! store: an incident and feed events sharing a domain, an IP inside a feed
//! CIDR, a `filename|sha256` part, a port that must not correlate, a value
//! past the cap, an excluded value and a warninglisted resolver IP; then
//! `iocx events` Corr counts, search, lookup, graph, re-import and crash
//! safety.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const INCIDENT: &str = "11111111-1111-4111-8111-111111111111";
const FEED_A: &str = "22222222-2222-4222-8222-222222222222";
const FEED_B: &str = "33333333-3333-4333-8333-333333333333";
const SHA: &str = "9f2c1b7e4a5d6c8b0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/correlation")
}

fn iocx(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iocx"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("IOCX_DB")
        .output()
        .expect("iocx runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A store with feeds A–D, the `%.example` exclusion, the resolver list,
/// and then the incident.
fn scenario() -> (tempfile::TempDir, PathBuf, Output) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("iocx.db");
    let f = fixtures();
    let feeds: Vec<String> = ["feed-a", "feed-b", "feed-c", "feed-d"]
        .iter()
        .map(|n| f.join(format!("{n}.json")).display().to_string())
        .collect();
    let mut args = vec!["import", "misp", "--format", "jsonl"];
    args.extend(feeds.iter().map(String::as_str));
    let o = iocx(&db, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = iocx(
        &db,
        &["exclude", "add", "%.example", "--comment", "lab hosts"],
    );
    assert_eq!(stdout(&o), "added exclusion %.example\n");
    let lists = f.join("warninglists").display().to_string();
    let o = iocx(&db, &["warninglists", "load", &lists]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let incident = f.join("incident.json").display().to_string();
    let o = iocx(
        &db,
        &[
            "import", "misp", &incident, "--format", "jsonl", "--cap", "2",
        ],
    );
    (dir, db, o)
}

#[test]
fn incident_import_reports_the_feeds_it_hits() {
    let (_dir, _db, o) = scenario();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "{{\"event\":\"{INCIDENT}\",\"info\":\"SOC-Incident 001\",\"attributes\":7,\"related\":[\
             {{\"event\":\"{FEED_B}\",\"info\":\"Feed B: botnet infrastructure\",\"shared\":2}},\
             {{\"event\":\"{FEED_A}\",\"info\":\"Feed A: phishing domains\",\"shared\":1}}]}}\n"
        )
    );
}

#[test]
fn correlate_lists_shared_values_with_relations_and_notes() {
    let (_dir, db, _) = scenario();
    let o = iocx(
        &db,
        &[
            "correlate",
            "SOC-Incident 001",
            "--cap",
            "2",
            "--format",
            "jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        format!(
            "{{\"event\":\"{FEED_B}\",\"info\":\"Feed B: botnet infrastructure\",\"shared\":2,\"values\":[\
             {{\"value\":\"203.0.113.45\",\"type\":\"ip-dst\",\"relation\":\"cidr\"}},\
             {{\"value\":\"{SHA}\",\"type\":\"sha256\",\"relation\":\"exact\"}}]}}\n\
             {{\"event\":\"{FEED_A}\",\"info\":\"Feed A: phishing domains\",\"shared\":1,\"values\":[\
             {{\"value\":\"evil-update.com\",\"type\":\"domain\",\"relation\":\"exact\"}}]}}\n"
        )
    );
    assert_eq!(
        stderr(&o),
        "over-correlating: popular-cdn.net (domain) is in 3 other events\n\
         excluded: intranet.corp.example (domain) by exclusion %.example\n\
         excluded: 8.8.8.8 (ip-dst) by warninglist List of known IPv4 public DNS resolvers\n"
    );
    // Text output, by numeric id, narrowed to MISP's exact view.
    let o = iocx(
        &db,
        &["correlate", "5", "--cap", "2", "--relations", "exact"],
    );
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("SHARED  EVENT"), "{text}");
    assert!(
        lines[1].starts_with(&format!("1       {FEED_A}  Feed A: phishing domains")),
        "{text}"
    );
    assert!(lines[1].contains("exact     evil-update.com"), "{text}");
    assert!(lines[2].starts_with(&format!("1       {FEED_B}")), "{text}");
    assert!(lines[2].ends_with(&format!("dropper.exe|{SHA}")), "{text}");
    assert_eq!(
        lines[3],
        "over-correlating: popular-cdn.net (domain) is in 3 other events"
    );
    // Feed D shares only a port with the incident: nothing related.
    let o = iocx(&db, &["correlate", "55555555-5555-4555-8555-555555555555"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(1), String::new()));
    let o = iocx(&db, &["correlate", "no such event"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "iocx: no event matches `no such event` (by uuid, id or info)\n"
    );
}

#[test]
fn events_show_corr_counts() {
    let (_dir, db, _) = scenario();
    let o = iocx(&db, &["events", "--cap", "2", "--format", "jsonl"]);
    let corr: Vec<(String, u64)> = stdout(&o)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["info"].as_str().unwrap().to_string(),
                v["corr"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("Feed A: phishing domains", 1),
        ("Feed B: botnet infrastructure", 1),
        ("Feed C: resolver noise", 0),
        ("Feed D: unrelated", 0),
        ("SOC-Incident 001", 2),
    ];
    assert_eq!(corr, expected.map(|(i, c)| (i.to_string(), c)));
    // Under the default cap popular-cdn.net links the incident and feeds A–C.
    let o = iocx(&db, &["events"]);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "ID  DATE        ATTRS  CORR  UUID                                  INFO"
    );
    assert_eq!(
        lines[5],
        format!("5   2024-03-01  7      3     {INCIDENT}  SOC-Incident 001")
    );
    assert_eq!(
        lines[4],
        "4   2024-03-05  2      0     55555555-5555-4555-8555-555555555555  Feed D: unrelated"
    );
    let first: serde_json::Value = serde_json::from_str(
        stdout(&iocx(&db, &["events", "--format", "jsonl"]))
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        first.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["attributes", "corr", "date", "event", "info"]
    );
}

#[test]
fn search_lookup_and_graph() {
    let (_dir, db, _) = scenario();
    let o = iocx(&db, &["search", "EVIL-UPDATE.COM", "--format", "jsonl"]);
    assert_eq!(
        stdout(&o),
        format!(
            "{{\"value\":\"EVIL-UPDATE.COM\",\"event\":\"{FEED_A}\",\"info\":\"Feed A: phishing domains\",\"type\":\"domain\"}}\n\
             {{\"value\":\"EVIL-UPDATE.COM\",\"event\":\"{INCIDENT}\",\"info\":\"SOC-Incident 001\",\"type\":\"domain\"}}\n"
        )
    );
    let o = iocx(&db, &["search", "nothing.invalid"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(1), String::new()));

    let mut child = Command::new(env!("CARGO_BIN_EXE_iocx"))
        .args(["lookup", "--column", "dest", "--db"])
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"time,dest\n1,203.0.113.0/24\n2,192.0.2.1\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        stdout(&o),
        format!("time,dest,iocx_events,iocx_info\n1,203.0.113.0/24,{FEED_B},Feed B: botnet infrastructure\n2,192.0.2.1,,\n")
    );

    let o = iocx(
        &db,
        &[
            "graph", INCIDENT, "--format", "json", "--depth", "1", "--cap", "2",
        ],
    );
    let graph: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(graph["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(graph["edges"][0]["to"], FEED_B);
    assert_eq!(
        graph["edges"][0]["relations"],
        serde_json::json!(["exact", "cidr"])
    );
    let o = iocx(&db, &["graph", INCIDENT, "--format", "dot", "--cap", "2"]);
    assert!(stdout(&o).starts_with("graph correlation {\n"));
    assert!(stdout(&o).contains(&format!(
        "\"{INCIDENT}\" -- \"{FEED_A}\" [label=\"1 (exact)\"];"
    )));
}

#[test]
fn reimport_by_uuid_and_timestamp() {
    let (dir, db, _) = scenario();
    let feed_a = fixtures().join("feed-a.json");
    let o = iocx(&db, &["import", "misp", feed_a.to_str().unwrap()]);
    assert!(
        stdout(&o).starts_with(&format!("unchanged {FEED_A} \"Feed A: phishing domains\"")),
        "{}",
        stdout(&o)
    );
    let newer = std::fs::read_to_string(&feed_a)
        .unwrap()
        .replace(
            "\"timestamp\": \"1700000002\"",
            "\"timestamp\": \"1800000000\"",
        )
        .replace("evil-update.com", "other.example.net");
    let path = dir.path().join("feed-a-newer.json");
    std::fs::write(&path, newer).unwrap();
    let o = iocx(
        &db,
        &[
            "import",
            "misp",
            path.to_str().unwrap(),
            "--format",
            "jsonl",
            "--cap",
            "2",
        ],
    );
    let line: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(line["related"], serde_json::json!([]));
    let o = iocx(&db, &["search", "evil-update.com", "--format", "jsonl"]);
    assert_eq!(
        stdout(&o).lines().count(),
        1,
        "the replaced event no longer holds it"
    );
    let o = iocx(&db, &["events", "--format", "jsonl"]);
    assert_eq!(stdout(&o).lines().count(), 5);
}

#[test]
fn newer_store_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("iocx.db");
    assert_eq!(iocx(&db, &["events"]).status.code(), Some(1));
    let store = iocx_store::Store::open(&db).unwrap();
    store
        .connection()
        .pragma_update(None, "user_version", 7)
        .unwrap();
    drop(store);
    let o = iocx(&db, &["events"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("store schema version 7 is newer than this iocx supports"),
        "{}",
        stderr(&o)
    );
}

/// Extraction-backed: passes once the core extractor is in place.
#[test]
fn import_text_creates_an_event_and_reports_hits() {
    let (dir, db, _) = scenario();
    let notes = dir.path().join("notes.txt");
    std::fs::write(
        &notes,
        "Beacon to evil-update[.]com and 203.0.113.45 seen.\n",
    )
    .unwrap();
    let o = iocx(
        &db,
        &[
            "import",
            "text",
            notes.to_str().unwrap(),
            "--event",
            "SOC-Incident 002",
            "--format",
            "jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(line["info"], "SOC-Incident 002");
    assert_eq!(line["attributes"], 2);
    let related: Vec<&str> = line["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert_eq!(related, [INCIDENT, FEED_A, FEED_B]);
}

/// SIGKILL in the middle of a large import leaves a store that opens,
/// passes `PRAGMA integrity_check`, and holds all or none of the import.
#[test]
fn killed_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("iocx.db");
    let f = fixtures();
    assert_eq!(
        iocx(
            &db,
            &["import", "misp", f.join("feed-a.json").to_str().unwrap()]
        )
        .status
        .code(),
        Some(0)
    );
    const N: usize = 300_000;
    let mut big = String::from("{\"Event\": {\"uuid\": \"99999999-9999-4999-8999-999999999999\", \"info\": \"big\", \"timestamp\": \"1\", \"Attribute\": [");
    for i in 0..N {
        if i > 0 {
            big.push(',');
        }
        big.push_str(&format!(
            "{{\"type\": \"hostname\", \"value\": \"h{i}.big-example.com\"}},{{\"type\": \"ip-dst\", \"value\": \"10.{}.{}.{}\"}}",
            i >> 16 & 255,
            i >> 8 & 255,
            i & 255
        ));
    }
    big.push_str("]}}");
    let big_path = dir.path().join("big.json");
    std::fs::write(&big_path, big).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_iocx"))
        .args(["import", "misp", big_path.to_str().unwrap(), "--db"])
        .arg(&db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is writing (the WAL grows), then kill it.
    let wal = dir.path().join("iocx.db-wal");
    let start = Instant::now();
    let mut base = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    if base == 0 {
        base = 1;
    }
    while start.elapsed() < Duration::from_secs(60) {
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if size > base + 4 * 1024 * 1024 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let finished_before_kill = child.try_wait().unwrap().is_some();
    child.kill().ok(); // SIGKILL on Unix
    child.wait().unwrap();

    let store = iocx_store::Store::open(&db).unwrap();
    let check: String = store
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let big_events: i64 = store
        .connection()
        .query_row("SELECT COUNT(*) FROM events WHERE info = 'big'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let big_attributes: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM attributes a JOIN events e ON e.id = a.event_id WHERE e.info = 'big'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        (big_events, big_attributes) == (0, 0) || (big_events, big_attributes) == (1, 2 * N as i64),
        "partial import: {big_events} events, {big_attributes} attributes"
    );
    if !finished_before_kill {
        assert_eq!(
            big_events, 0,
            "killed mid-way, nothing of the import may remain"
        );
    }
    assert_eq!(
        store.events().unwrap().len() as i64,
        1 + big_events,
        "the earlier import survives"
    );
}

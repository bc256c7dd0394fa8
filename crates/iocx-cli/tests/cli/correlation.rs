//! The correlation scenario of issue 4 through the real `iocx` binary on a
//! temporary store: an incident and feed events sharing a domain, an IP
//! inside a feed CIDR, a `filename|sha256` part, a port that must not
//! correlate, a value past the cap, an excluded value and a warninglisted
//! resolver IP; then the Corr counts of `iocx events`, search, lookup and
//! graph, each with its exact output.

use std::path::Path;

use crate::assert_run;
use crate::store_support::{db_ok, db_run, fixtures, table};

const INCIDENT: &str = "11111111-1111-4111-8111-111111111111";
const FEED_A: &str = "22222222-2222-4222-8222-222222222222";
const FEED_B: &str = "33333333-3333-4333-8333-333333333333";
const FEED_C: &str = "44444444-4444-4444-8444-444444444444";
const FEED_D: &str = "55555555-5555-4555-8555-555555555555";
const SHA: &str = "9f2c1b7e4a5d6c8b0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f";

const NOTES: &str = "over-correlating: popular-cdn.net (domain) is in 3 other events\n\
                     excluded: intranet.corp.example (domain) by exclusion %.example\n\
                     excluded: 8.8.8.8 (ip-dst) by warninglist List of known IPv4 public DNS resolvers\n";

/// A scratch directory holding the fixtures and a store with feeds A–D,
/// the `%.example` exclusion and the resolver list; the incident is
/// imported by [`scenario`].
fn feeds() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures(), dir.path());
    db_ok(
        dir.path(),
        &[
            "import",
            "misp",
            "feed-a.json",
            "feed-b.json",
            "feed-c.json",
            "feed-d.json",
            "--format",
            "jsonl",
        ],
    );
    let r = db_ok(
        dir.path(),
        &["exclude", "add", "%.example", "--comment", "lab hosts"],
    );
    assert_eq!(r.stdout, "added exclusion %.example\n");
    let r = db_ok(dir.path(), &["warninglists", "load", "warninglists"]);
    assert_eq!(r.stdout, "loaded 1 warninglist from warninglists\n");
    dir
}

/// [`feeds`] plus the incident, imported with `--cap 2` in `format`;
/// returns the import's run too.
fn scenario(format: &str) -> (tempfile::TempDir, crate::Run) {
    let dir = feeds();
    let r = db_run(
        dir.path(),
        &[
            "import",
            "misp",
            "incident.json",
            "--format",
            format,
            "--cap",
            "2",
        ],
        b"",
    );
    (dir, r)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn incident_import_reports_the_feeds_it_hits() {
    let (_dir, r) = scenario("jsonl");
    assert_run(
        &r,
        0,
        &format!(
            "{{\"event\":\"{INCIDENT}\",\"info\":\"SOC-Incident 001\",\"attributes\":7,\"related\":[\
             {{\"event\":\"{FEED_B}\",\"info\":\"Feed B: botnet infrastructure\",\"shared\":2}},\
             {{\"event\":\"{FEED_A}\",\"info\":\"Feed A: phishing domains\",\"shared\":1}}]}}\n"
        ),
        NOTES,
    );
    let (_dir, r) = scenario("text");
    assert_run(
        &r,
        0,
        &format!(
            "imported {INCIDENT} \"SOC-Incident 001\": 7 attributes, related to 2 events\n\
             SHARED  EVENT                                 INFO\n\
             2       {FEED_B}  Feed B: botnet infrastructure\n\
             1       {FEED_A}  Feed A: phishing domains\n{NOTES}"
        ),
        "",
    );
}

#[test]
fn correlate_lists_shared_values_with_relations_and_notes() {
    let (dir, _) = scenario("jsonl");
    let r = db_run(
        dir.path(),
        &[
            "correlate",
            "SOC-Incident 001",
            "--cap",
            "2",
            "--format",
            "jsonl",
        ],
        b"",
    );
    assert_run(
        &r,
        0,
        &format!(
            "{{\"event\":\"{FEED_B}\",\"info\":\"Feed B: botnet infrastructure\",\"shared\":2,\"values\":[\
             {{\"value\":\"203.0.113.45\",\"type\":\"ip-dst\",\"relation\":\"cidr\"}},\
             {{\"value\":\"{SHA}\",\"type\":\"sha256\",\"relation\":\"exact\"}}]}}\n\
             {{\"event\":\"{FEED_A}\",\"info\":\"Feed A: phishing domains\",\"shared\":1,\"values\":[\
             {{\"value\":\"evil-update.com\",\"type\":\"domain\",\"relation\":\"exact\"}}]}}\n"
        ),
        NOTES,
    );
    // Text, by numeric id, narrowed to MISP's exact view: the CIDR link
    // to feed B goes, its hash part stays.
    let r = db_run(
        dir.path(),
        &["correlate", "5", "--cap", "2", "--relations", "exact"],
        b"",
    );
    let dropper = format!("dropper.exe|{SHA}");
    let want = table(&[
        &["SHARED", "EVENT", "INFO", "RELATION", "VALUE", "MATCHES"],
        &[
            "1",
            FEED_A,
            "Feed A: phishing domains",
            "exact",
            "evil-update.com",
            "evil-update.com",
        ],
        &[
            "1",
            FEED_B,
            "Feed B: botnet infrastructure",
            "exact",
            SHA,
            &dropper,
        ],
    ]);
    assert_run(&r, 0, &format!("{want}{NOTES}"), "");
    // Under the default cap popular-cdn.net counts, and feed C relates.
    let r = db_run(
        dir.path(),
        &["correlate", INCIDENT, "--format", "jsonl"],
        b"",
    );
    let related: Vec<(String, u64)> = r
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["event"].as_str().unwrap().into(),
                v["shared"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [(FEED_B, 3), (FEED_A, 2), (FEED_C, 1)];
    assert_eq!(related, want.map(|(e, n)| (e.to_string(), n)));
    // Feed D shares only a port with the incident: nothing related.
    let r = db_run(dir.path(), &["correlate", FEED_D], b"");
    assert_run(&r, 1, "", "");
}

#[test]
fn events_show_corr_counts() {
    let (dir, _) = scenario("jsonl");
    let r = db_run(
        dir.path(),
        &["events", "--cap", "2", "--format", "jsonl"],
        b"",
    );
    let line = |uuid: &str, info: &str, date: &str, attributes: u32, corr: u32| {
        format!(
            "{{\"event\":\"{uuid}\",\"info\":\"{info}\",\"date\":\"{date}\",\"attributes\":{attributes},\"corr\":{corr}}}\n"
        )
    };
    let want = [
        line(FEED_A, "Feed A: phishing domains", "2024-03-02", 3, 1),
        line(FEED_B, "Feed B: botnet infrastructure", "2024-03-03", 3, 1),
        line(FEED_C, "Feed C: resolver noise", "2024-03-04", 3, 0),
        line(FEED_D, "Feed D: unrelated", "2024-03-05", 2, 0),
        line(INCIDENT, "SOC-Incident 001", "2024-03-01", 7, 2),
    ];
    assert_run(&r, 0, &want.concat(), "");
    // Under the default cap popular-cdn.net links the incident and feeds
    // A–C; `--relations cidr` leaves only the incident and feed B.
    let table = |corr: [u32; 5]| {
        format!(
            "ID  DATE        ATTRS  CORR  UUID                                  INFO\n\
             1   2024-03-02  3      {}     {FEED_A}  Feed A: phishing domains\n\
             2   2024-03-03  3      {}     {FEED_B}  Feed B: botnet infrastructure\n\
             3   2024-03-04  3      {}     {FEED_C}  Feed C: resolver noise\n\
             4   2024-03-05  2      {}     {FEED_D}  Feed D: unrelated\n\
             5   2024-03-01  7      {}     {INCIDENT}  SOC-Incident 001\n",
            corr[0], corr[1], corr[2], corr[3], corr[4]
        )
    };
    assert_run(
        &db_run(dir.path(), &["events"], b""),
        0,
        &table([3, 3, 3, 0, 3]),
        "",
    );
    let r = db_run(dir.path(), &["events", "--relations", "cidr"], b"");
    assert_run(&r, 0, &table([0, 1, 0, 0, 1]), "");
    let r = db_run(
        dir.path(),
        &["events", "--relations", "exact", "--cap", "2"],
        b"",
    );
    assert_run(&r, 0, &table([1, 1, 0, 0, 2]), "");
}

#[test]
fn search_refangs_and_finds_every_holder() {
    let (dir, _) = scenario("jsonl");
    let r = db_run(
        dir.path(),
        &["search", "EVIL-UPDATE[.]COM", "--format", "jsonl"],
        b"",
    );
    assert_run(
        &r,
        0,
        &format!(
            "{{\"value\":\"EVIL-UPDATE.COM\",\"event\":\"{FEED_A}\",\"info\":\"Feed A: phishing domains\",\"type\":\"domain\"}}\n\
             {{\"value\":\"EVIL-UPDATE.COM\",\"event\":\"{INCIDENT}\",\"info\":\"SOC-Incident 001\",\"type\":\"domain\"}}\n"
        ),
        "",
    );
    let r = db_run(dir.path(), &["search", SHA, "203.0.113.0/24"], b"");
    assert_run(
        &r,
        0,
        &format!(
            "VALUE{0}  TYPE             EVENT                                 INFO\n\
             {SHA}  filename|sha256  {FEED_B}  Feed B: botnet infrastructure\n\
             {SHA}  sha256           {INCIDENT}  SOC-Incident 001\n\
             203.0.113.0/24{1}  ip-dst           {FEED_B}  Feed B: botnet infrastructure\n",
            " ".repeat(59),
            " ".repeat(50)
        ),
        "",
    );
    assert_run(
        &db_run(dir.path(), &["search", "nothing.invalid"], b""),
        1,
        "",
        "",
    );
}

#[test]
fn lookup_enriches_a_csv_log() {
    let (dir, _) = scenario("jsonl");
    let r = db_run(
        dir.path(),
        &["lookup", "--column", "dest_ip"],
        b"time,dest_ip\n1,203.0.113.0/24\n2,192.0.2.1\n3,8.8.8[.]8\n",
    );
    assert_run(
        &r,
        0,
        &format!(
            "time,dest_ip,iocx_events,iocx_info\n\
             1,203.0.113.0/24,{FEED_B},Feed B: botnet infrastructure\n\
             2,192.0.2.1,,\n\
             3,8.8.8[.]8,{FEED_C};{INCIDENT},Feed C: resolver noise;SOC-Incident 001\n"
        ),
        "",
    );
}

#[test]
fn graph_as_json_and_dot_to_a_depth() {
    let (dir, _) = scenario("jsonl");
    let r = db_run(
        dir.path(),
        &[
            "graph", INCIDENT, "--format", "json", "--depth", "1", "--cap", "2",
        ],
        b"",
    );
    let node = |e: &str, info: &str, depth: u32| {
        format!("    {{\n      \"event\": \"{e}\",\n      \"info\": \"{info}\",\n      \"depth\": {depth}\n    }}")
    };
    let edge = |to: &str, shared: u32, relations: &str| {
        format!("    {{\n      \"from\": \"{INCIDENT}\",\n      \"to\": \"{to}\",\n      \"shared\": {shared},\n      \"relations\": [\n{relations}\n      ]\n    }}")
    };
    let want = format!(
        "{{\n  \"nodes\": [\n{},\n{},\n{}\n  ],\n  \"edges\": [\n{},\n{}\n  ]\n}}\n",
        node(INCIDENT, "SOC-Incident 001", 0),
        node(FEED_B, "Feed B: botnet infrastructure", 1),
        node(FEED_A, "Feed A: phishing domains", 1),
        edge(FEED_B, 2, "        \"exact\",\n        \"cidr\""),
        edge(FEED_A, 1, "        \"exact\""),
    );
    assert_run(&r, 0, &want, "");
    // Depth 2 under the default cap reaches feed C through popular-cdn.net
    // and draws the feeds' own links.
    let r = db_run(
        dir.path(),
        &["graph", "SOC-Incident 001", "--depth", "2"],
        b"",
    );
    assert_run(
        &r,
        0,
        &format!(
            "graph correlation {{\n  node [shape=box];\n\
             \x20 \"{INCIDENT}\" [label=\"SOC-Incident 001\", style=bold];\n\
             \x20 \"{FEED_B}\" [label=\"Feed B: botnet infrastructure\"];\n\
             \x20 \"{FEED_A}\" [label=\"Feed A: phishing domains\"];\n\
             \x20 \"{FEED_C}\" [label=\"Feed C: resolver noise\"];\n\
             \x20 \"{INCIDENT}\" -- \"{FEED_B}\" [label=\"3 (exact, cidr)\"];\n\
             \x20 \"{INCIDENT}\" -- \"{FEED_A}\" [label=\"2 (exact)\"];\n\
             \x20 \"{INCIDENT}\" -- \"{FEED_C}\" [label=\"1 (exact)\"];\n\
             \x20 \"{FEED_B}\" -- \"{FEED_A}\" [label=\"1 (exact)\"];\n\
             \x20 \"{FEED_B}\" -- \"{FEED_C}\" [label=\"1 (exact)\"];\n\
             \x20 \"{FEED_A}\" -- \"{FEED_C}\" [label=\"1 (exact)\"];\n}}\n"
        ),
        "",
    );
    let r = db_run(
        dir.path(),
        &["graph", "4", "--format", "json", "--depth", "0"],
        b"",
    );
    assert_run(
        &r,
        1,
        &format!(
            "{{\n  \"nodes\": [\n{}\n  ],\n  \"edges\": []\n}}\n",
            node(FEED_D, "Feed D: unrelated", 0)
        ),
        "",
    );
}

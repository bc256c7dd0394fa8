//! The store behind the correlation commands, through the CLI: where it
//! lives (`--db` before or after the subcommand, `$IOCX_DB`, the platform
//! data directory), re-import by uuid and timestamp, what an import reports,
//! free-text import from a file or stdin, schema versioning and crash safety.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::store_support::{db_ok, db_run, event_json, table, uuid, write_events, Ev};
use crate::{assert_run, iocx, run, run_with_stdin};

#[test]
fn the_store_is_found_by_flag_environment_or_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_events(dir.path(), &[Ev::new('a', &[("domain", "evil.com")])]);
    let listed = |r: &crate::Run| r.stdout.lines().count() - 1;
    // --db after the subcommand and before it name the same store.
    db_ok(dir.path(), &["import", "misp", &files[0]]);
    let r = run(dir.path(), &["--db", "iocx.db", "events"], b"");
    assert_eq!((r.code, listed(&r)), (Some(0), 1), "{}", r.stderr);
    // $IOCX_DB when there is no --db; --db wins over it.
    let r = run_with_stdin(
        iocx(dir.path()).arg("events").env("IOCX_DB", "iocx.db"),
        b"",
    );
    assert_eq!((r.code, listed(&r)), (Some(0), 1), "{}", r.stderr);
    let r = run_with_stdin(
        iocx(dir.path())
            .args(["events", "--db", "other.db"])
            .env("IOCX_DB", "iocx.db"),
        b"",
    );
    assert_run(&r, 1, "", "");
    // Neither: the platform data directory ($XDG_DATA_HOME, else
    // ~/.local/share on Linux), created on first use.
    let home = dir.path().join("home");
    let r = run_with_stdin(
        iocx(dir.path())
            .args(["import", "misp", &files[0]])
            .env("HOME", &home)
            .env_remove("XDG_DATA_HOME"),
        b"",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(home.join(".local/share/iocx/iocx.db").is_file());
    let xdg = dir.path().join("xdg");
    let r = run_with_stdin(
        iocx(dir.path())
            .args(["import", "misp", &files[0]])
            .env("XDG_DATA_HOME", &xdg),
        b"",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(xdg.join("iocx/iocx.db").is_file());
}

#[test]
fn reimport_replaces_newer_keeps_ids_and_ignores_same_or_older() {
    let dir = tempfile::tempdir().unwrap();
    let events = [
        Ev::new('a', &[("domain", "evil.com")]),
        Ev::new('b', &[("domain", "evil.com"), ("md5", "ff")]),
    ];
    let files = write_events(dir.path(), &events);
    db_ok(dir.path(), &["import", "misp", &files[0], &files[1]]);
    let version = |timestamp: u64, attributes: &'static [(&str, &str)]| {
        std::fs::write(
            dir.path().join("a2.json"),
            event_json(&Ev::new('a', attributes), timestamp),
        )
        .unwrap();
        db_run(dir.path(), &["import", "misp", "a2.json"], b"")
    };
    let a = uuid('a');
    let b = uuid('b');
    let r = version(1_700_000_000, &[("md5", "FF")]);
    assert_run(
        &r,
        0,
        &format!(
            "unchanged {a} \"Event A\": 1 attribute, related to 1 event\n{}",
            table(&[&["SHARED", "EVENT", "INFO"], &["1", &b, "Event B"]])
        ),
        "",
    );
    let r = version(1_600_000_000, &[("md5", "FF")]);
    assert!(
        r.stdout.starts_with(&format!("kept newer {a} ")),
        "{}",
        r.stdout
    );
    let r = version(1_800_000_000, &[("md5", "FF"), ("sha1", "ee")]);
    assert_run(
        &r,
        0,
        &format!(
            "replaced {a} \"Event A\": 2 attributes, related to 1 event\n{}",
            table(&[&["SHARED", "EVENT", "INFO"], &["1", &b, "Event B"]])
        ),
        "",
    );
    // Event A keeps id 1 and now shares the hash, not the domain.
    let r = db_run(dir.path(), &["correlate", "1", "--format", "jsonl"], b"");
    assert_run(
        &r,
        0,
        &format!("{{\"event\":\"{b}\",\"info\":\"Event B\",\"shared\":1,\"values\":[{{\"value\":\"ff\",\"type\":\"md5\",\"relation\":\"exact\"}}]}}\n"),
        "",
    );
    let r = db_run(
        dir.path(),
        &["search", "evil.com", "--format", "jsonl"],
        b"",
    );
    assert_run(
        &r,
        0,
        &format!("{{\"value\":\"evil.com\",\"event\":\"{b}\",\"info\":\"Event B\",\"type\":\"domain\"}}\n"),
        "",
    );
}

#[test]
fn an_import_reports_only_events_stored_before_each_event() {
    // Imported together, A sees nothing, B sees A, C sees A and B: what
    // importing them one by one prints. The cap counts the same way.
    let dir = tempfile::tempdir().unwrap();
    let files = write_events(
        dir.path(),
        &[
            Ev::new('a', &[("domain", "shared.net")]),
            Ev::new('b', &[("domain", "shared.net")]),
            Ev::new('c', &[("domain", "shared.net")]),
        ],
    );
    let mut args = vec!["import", "misp", "--format", "jsonl", "--cap", "1"];
    args.extend(files.iter().map(String::as_str));
    let r = db_run(dir.path(), &args, b"");
    let line = |k: char, related: &str| {
        format!(
            "{{\"event\":\"{}\",\"info\":\"Event {}\",\"attributes\":1,\"related\":[{related}]}}\n",
            uuid(k),
            k.to_ascii_uppercase()
        )
    };
    let want = [
        line('a', ""),
        line(
            'b',
            &format!(
                "{{\"event\":\"{}\",\"info\":\"Event A\",\"shared\":1}}",
                uuid('a')
            ),
        ),
        line('c', ""),
    ];
    assert_run(
        &r,
        0,
        &want.concat(),
        "over-correlating: shared.net (domain) is in 2 other events\n",
    );
}

#[test]
fn import_text_from_a_file_or_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_events(
        dir.path(),
        &[Ev::new(
            'a',
            &[("domain", "evil-update.com"), ("ip-dst", "203.0.113.0/24")],
        )],
    );
    db_ok(dir.path(), &["import", "misp", &files[0]]);
    std::fs::write(
        dir.path().join("notes.txt"),
        "Beacon to evil-update[.]com and 203.0.113.45 seen.\n",
    )
    .unwrap();
    let r = db_ok(
        dir.path(),
        &[
            "import",
            "text",
            "notes.txt",
            "--event",
            "SOC-Incident 002",
            "--format",
            "jsonl",
        ],
    );
    let line: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(
        (line["info"].as_str(), line["attributes"].as_u64()),
        (Some("SOC-Incident 002"), Some(2))
    );
    assert_eq!(
        line["related"],
        serde_json::json!([{"event": uuid('a'), "info": "Event A", "shared": 2}])
    );
    let r = db_run(
        dir.path(),
        &["import", "text", "-", "--event", "From stdin"],
        b"seen hxxps://evil-update[.]com/x\n",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("\"From stdin\": 1 attribute, related to 2 events\n"),
        "{}",
        r.stdout
    );
    // The two text events are distinct events, not one replacing the other.
    let r = db_ok(dir.path(), &["events", "--format", "jsonl"]);
    assert_eq!(r.stdout.lines().count(), 3);
}

#[test]
fn newer_store_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert_run(&db_run(dir.path(), &["events"], b""), 1, "", "");
    let store = iocx_store::Store::open(&dir.path().join("iocx.db")).unwrap();
    store
        .connection()
        .pragma_update(None, "user_version", 7)
        .unwrap();
    drop(store);
    assert_run(
        &db_run(dir.path(), &["events"], b""),
        2,
        "",
        "iocx: iocx.db: store schema version 7 is newer than this iocx supports (version 1); upgrade iocx or use another --db\n",
    );
}

/// SIGKILL in the middle of a large import leaves a store that opens,
/// passes `PRAGMA integrity_check`, and holds all or none of the import.
#[test]
fn killed_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("iocx.db");
    let files = write_events(dir.path(), &[Ev::new('a', &[("domain", "evil.com")])]);
    db_ok(dir.path(), &["import", "misp", &files[0]]);
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
    std::fs::write(dir.path().join("big.json"), big).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_iocx"))
        .current_dir(dir.path())
        .args(["import", "misp", "big.json", "--db", "iocx.db"])
        .env_remove("IOCX_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is writing (the WAL grows well past its size
    // after the first import), then kill it.
    let wal = dir.path().join("iocx.db-wal");
    let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let base = size().max(1);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if size() > base + 4 * 1024 * 1024 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let finished_before_kill = child.try_wait().unwrap().is_some();
    child.kill().ok(); // SIGKILL on Unix
    child.wait().unwrap();

    let store = iocx_store::Store::open(&db).unwrap();
    let count = |sql: &str| -> i64 { store.connection().query_row(sql, [], |r| r.get(0)).unwrap() };
    let check: String = store
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let big_events = count("SELECT COUNT(*) FROM events WHERE info = 'big'");
    let big_attributes = count(
        "SELECT COUNT(*) FROM attributes a JOIN events e ON e.id = a.event_id WHERE e.info = 'big'",
    );
    assert!(
        (big_events, big_attributes) == (0, 0) || (big_events, big_attributes) == (1, 2 * N as i64),
        "partial import: {big_events} events, {big_attributes} attributes"
    );
    if !finished_before_kill {
        // The import commits once, after writing every attribute; the WAL
        // grew by 4 MiB long before that.
        assert_eq!(
            big_events, 0,
            "killed mid-way, nothing of the import may remain"
        );
    }
    assert_eq!(
        count("SELECT COUNT(*) FROM events"),
        1 + big_events,
        "the earlier import survives"
    );
    // And the store still works.
    let r = db_run(
        dir.path(),
        &["search", "evil.com", "--format", "jsonl"],
        b"",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

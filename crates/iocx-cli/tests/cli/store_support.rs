//! Helpers for the store-backed command tests: small MISP events written
//! as files, a scratch store, and runs of `iocx` against it.

use std::path::{Path, PathBuf};

use crate::{run, Run};

/// An event for [`write_events`]: a one-letter key (which makes its uuid),
/// its attributes as (type, value), and MISP's correlation flags.
pub struct Ev<'a> {
    pub key: char,
    pub attributes: &'a [(&'a str, &'a str)],
    /// Event-level `disable_correlation`.
    pub disabled: bool,
    /// Positions of attributes with `disable_correlation`.
    pub disabled_attributes: &'a [usize],
}

impl<'a> Ev<'a> {
    /// A correlating event.
    pub fn new(key: char, attributes: &'a [(&'a str, &'a str)]) -> Ev<'a> {
        Ev {
            key,
            attributes,
            disabled: false,
            disabled_attributes: &[],
        }
    }
}

/// The uuid of the event with key `k`: `kkkkkkkk-kkkk-4kkk-8kkk-kkkkkkkkkkkk`.
pub fn uuid(k: char) -> String {
    let r = |n: usize| k.to_string().repeat(n);
    format!("{}-{}-4{}-8{}-{}", r(8), r(4), r(3), r(3), r(12))
}

/// The event as MISP JSON, titled `Event K` with the given timestamp.
pub fn event_json(ev: &Ev, timestamp: u64) -> String {
    let attributes: Vec<serde_json::Value> = ev
        .attributes
        .iter()
        .enumerate()
        .map(|(i, (t, v))| {
            serde_json::json!({
                "type": t,
                "value": v,
                "disable_correlation": ev.disabled_attributes.contains(&i),
            })
        })
        .collect();
    serde_json::json!({"Event": {
        "uuid": uuid(ev.key),
        "info": format!("Event {}", ev.key.to_ascii_uppercase()),
        "date": "2024-05-01",
        "timestamp": timestamp.to_string(),
        "disable_correlation": ev.disabled,
        "Attribute": attributes,
    }})
    .to_string()
}

/// Writes each event to `DIR/K.json` and returns the file names, in order.
pub fn write_events(dir: &Path, events: &[Ev]) -> Vec<String> {
    events
        .iter()
        .map(|ev| {
            let name = format!("{}.json", ev.key);
            std::fs::write(dir.join(&name), event_json(ev, 1_700_000_000)).expect("write event");
            name
        })
        .collect()
}

/// Runs `iocx ARGS --db iocx.db` in `dir`.
pub fn db_run(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--db", "iocx.db"]);
    run(dir, &all, stdin)
}

/// Like [`db_run`] and asserts exit status 0 (printing stderr if not).
#[track_caller]
pub fn db_ok(dir: &Path, args: &[&str]) -> Run {
    let r = db_run(dir, args, b"");
    assert_eq!(r.code, Some(0), "iocx {args:?}: {}", r.stderr);
    r
}

/// The shared scenario fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/correlation")
}

/// The text the store commands print for a table: each column as wide as
/// its widest cell plus two spaces, the last column unpadded, no trailing
/// blanks. Written out here so the tests state the layout, not reuse it.
pub fn table(rows: &[&[&str]]) -> String {
    let columns = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

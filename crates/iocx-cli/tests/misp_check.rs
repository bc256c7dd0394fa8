//! `iocx misp check` on the MISP fixtures: exact jsonl lines, text table,
//! warnings on stderr, errors per path.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/misp")
        .join(name)
}

fn iocx() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iocx"))
}

#[test]
fn jsonl_lines_per_path() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\"Event\": {\"info\": \"x\",\n\"Attribute\": [}\n",
    )
    .unwrap();
    let paths = [
        fixture("eset-cloudmensis.json"),
        fixture("loose-typing.json"),
        broken.clone(),
        fixture("feed"),
    ];
    let output = iocx()
        .args(["misp", "check", "--format", "jsonl"])
        .args(&paths)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "an error makes the run fail");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let expect = |path: &PathBuf, counts: [u64; 5]| {
        json!({
            "path": path.display().to_string(),
            "events": counts[0], "attributes": counts[1], "objects": counts[2],
            "deleted": counts[3], "invalid": counts[4], "error": null,
        })
    };
    assert_eq!(lines[0], expect(&paths[0], [1, 22, 8, 0, 0]));
    assert_eq!(lines[1], expect(&paths[1], [3, 16, 2, 4, 4]));
    assert_eq!(lines[3], expect(&paths[3], [5, 89, 0, 0, 1]));
    let error = lines[2]["error"].as_str().unwrap();
    assert_eq!(
        error,
        format!(
            "{}:2:15: at Event.Attribute[0]: expected value",
            broken.display()
        )
    );
    // Keys in the documented order.
    let first_line = stdout.lines().next().unwrap();
    let order: Vec<usize> = [
        "\"path\"",
        "\"events\"",
        "\"attributes\"",
        "\"objects\"",
        "\"deleted\"",
        "\"invalid\"",
        "\"error\"",
    ]
    .iter()
    .map(|k| first_line.find(k).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{first_line}");

    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("[0].Event.Attribute[3]: composite type filename|sha256"),
        "{stderr}"
    );
    assert!(
        stderr.contains("68f58844-4aa6-4e1c-8ee5-cfb58eb6665e.json: Event.Attribute[28]"),
        "{stderr}"
    );
}

#[test]
fn text_table_is_aligned_with_a_header() {
    let paths = [fixture("eset-sshdoor-kessel.json"), fixture("feed")];
    let output = iocx()
        .args(["misp", "check"])
        .args(&paths)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("PATH "));
    let fields: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        fields[0],
        [
            "PATH",
            "EVENTS",
            "ATTRIBUTES",
            "OBJECTS",
            "DELETED",
            "INVALID",
            "ERROR"
        ]
    );
    assert_eq!(fields[1][1..], ["1", "8", "0", "0", "0", "-"]);
    assert_eq!(fields[2][1..], ["5", "89", "0", "0", "1", "-"]);
    // Right-aligned numbers end in the same column as their header.
    let end = lines[0].find("ATTRIBUTES").unwrap() + "ATTRIBUTES".len();
    assert_eq!(&lines[1][end - 1..end], "8");
    assert_eq!(&lines[2][end - 2..end], "89");
}

#[test]
fn a_directory_without_manifest_is_an_error_line() {
    let tmp = tempfile::tempdir().unwrap();
    let output = iocx()
        .args(["misp", "check", "--format", "jsonl"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(line["error"].as_str().unwrap().contains("no manifest.json"));
    assert_eq!(line["events"], 0);
}

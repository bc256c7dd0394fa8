//! Bad input to the store commands: every case ends with one line on
//! stderr naming the file (or stdin) and the place, and exit status 2, or
//! with status 1 and nothing to say when there is simply nothing to do. No
//! case may panic (a panic exits with 101).

use crate::store_support::{db_ok, uuid, write_events, Ev};
use crate::{run, scratch};

struct Case {
    args: &'static [&'static str],
    stdin: &'static [u8],
    code: i32,
    stderr: &'static str,
}

const fn case(
    args: &'static [&'static str],
    stdin: &'static [u8],
    code: i32,
    stderr: &'static str,
) -> Case {
    Case {
        args,
        stdin,
        code,
        stderr,
    }
}

const CASES: &[Case] = &[
    case(
        &["import", "misp", "empty.json"],
        b"",
        2,
        "iocx: empty.json:1:0: EOF while parsing a value\n",
    ),
    case(
        &["import", "misp", "bad.json"],
        b"",
        2,
        "iocx: bad.json:1:80: at Event.Attribute: trailing comma\n",
    ),
    case(
        &["import", "misp", "missing.json"],
        b"",
        2,
        "iocx: missing.json: No such file or directory (os error 2)\n",
    ),
    case(
        &["import", "misp", "lists"],
        b"",
        2,
        "iocx: lists: not a MISP feed directory (no manifest.json)\n",
    ),
    case(
        &["import", "text", "missing.txt", "--event", "X"],
        b"",
        2,
        "iocx: missing.txt: cannot read: No such file or directory (os error 2)\n",
    ),
    case(
        &["import", "text", "empty.json", "--event", "X"],
        b"",
        1,
        "iocx: no indicators found in the input; no event created\n",
    ),
    case(
        &["import", "text", "-", "--event", "X"],
        b"",
        1,
        "iocx: no indicators found in the input; no event created\n",
    ),
    case(&["correlate", "--values", "-"], b"", 1, ""),
    case(&["correlate", "--values", "-"], b"\n# only a comment\n", 1, ""),
    case(
        &["correlate", "--values", "missing.txt"],
        b"",
        2,
        "iocx: missing.txt: cannot open: No such file or directory (os error 2)\n",
    ),
    case(
        &["correlate", "--values", "binary.txt"],
        b"",
        2,
        "iocx: binary.txt: line 1: stream did not contain valid UTF-8\n",
    ),
    case(
        &["correlate", "no such event"],
        b"",
        2,
        "iocx: no event matches `no such event` (by uuid, id or info)\n",
    ),
    case(
        &["correlate", "999"],
        b"",
        2,
        "iocx: no event matches `999` (by uuid, id or info)\n",
    ),
    case(
        &["graph", "nope", "--format", "json"],
        b"",
        2,
        "iocx: no event matches `nope` (by uuid, id or info)\n",
    ),
    case(
        &["correlate", "Same title"],
        b"",
        2,
        "iocx: `Same title` names 2 events (bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb, cccccccc-cccc-4ccc-8ccc-cccccccccccc); pass a uuid or id\n",
    ),
    case(
        &["warninglists", "load", "lists"],
        b"",
        2,
        "iocx: lists/regex.json: warninglist `R`: entry 1 `/(/` is not a valid regular expression: error: unclosed group\n",
    ),
    case(
        &["warninglists", "load", "badjson"],
        b"",
        2,
        "iocx: badjson/list.json: line 1 column 41: trailing comma\n",
    ),
    case(
        &["warninglists", "load", "missing"],
        b"",
        2,
        "iocx: missing: No such file or directory (os error 2)\n",
    ),
    case(
        &["exclude", "add", "%%"],
        b"",
        2,
        "iocx: empty exclusion pattern `%%`\n",
    ),
    case(&["exclude", "remove", "zz"], b"", 1, "iocx: no exclusion zz\n"),
    case(
        &["lookup", "--column", "dest"],
        b"",
        2,
        "iocx: stdin: no CSV header (the input is empty)\n",
    ),
    case(
        &["lookup", "--column", "dest"],
        b"a,b\n1,2\n",
        2,
        "iocx: stdin: no column `dest` in the CSV header (a, b)\n",
    ),
    case(
        &["lookup", "--column", "dest", "--format", "jsonl"],
        b"{\"dest\": 1}\n{bad\n",
        2,
        "iocx: stdin: line 2 column 2: not JSON: key must be a string\n",
    ),
    case(
        &["lookup", "--column", "dest", "--format", "jsonl"],
        b"[1]\n",
        2,
        "iocx: stdin: line 1: not a JSON object\n",
    ),
];

#[test]
fn bad_input_is_one_line_naming_the_place() {
    let dir = scratch(&[
        ("empty.json", b""),
        (
            "bad.json",
            br#"{"Event": {"info": "x", "Attribute": [ {"type": "ip-dst", "value": "1.2.3.4"}, ]}}"#,
        ),
        ("binary.txt", b"\xff\xfe\n"),
        (
            "lists/regex.json",
            br#"{"name": "R", "type": "regex", "list": ["/a/", "/(/"]}"#,
        ),
        ("badjson/list.json", b"{\"name\":\"r\",\"type\":\"string\",\"list\":[\"a\",]}\n"),
    ]);
    let same = [
        Ev::new('b', &[("domain", "b.net")]),
        Ev::new('c', &[("domain", "c.net")]),
    ];
    let files = write_events(dir.path(), &same);
    for (file, ev) in files.iter().zip(&same) {
        // Both events titled alike, so the info names two events.
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let text = text.replace(
            &format!("Event {}", ev.key.to_ascii_uppercase()),
            "Same title",
        );
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    db_ok(dir.path(), &["import", "misp", &files[0], &files[1]]);
    assert_eq!(uuid('b'), "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb");
    let mut failures = Vec::new();
    for case in CASES {
        let mut args = case.args.to_vec();
        args.extend(["--db", "iocx.db"]);
        let r = run(dir.path(), &args, case.stdin);
        if (r.code, r.stderr.as_str()) != (Some(case.code), case.stderr) {
            failures.push(format!(
                "iocx {:?}: want {} {:?}, got {:?} {:?}",
                case.args, case.code, case.stderr, r.code, r.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_file_that_is_not_a_store_is_named() {
    let dir = scratch(&[(
        "notes.db",
        b"not SQLite, just text that is long enough to have a header\n",
    )]);
    let r = run(dir.path(), &["events", "--db", "notes.db"], b"");
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            Some(2),
            "",
            "iocx: notes.db: not an iocx store (not an SQLite database); check --db or $IOCX_DB\n"
        )
    );
}

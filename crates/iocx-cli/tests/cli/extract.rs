//! `iocx extract`: formats, options, inputs and exit codes.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use super::{assert_run, iocx, run, scratch};

const REPORT: &[u8] = b"C2: hxxp://evil[.]com/gate.php and 8.8.8.8\n";

fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    bytes
}

#[test]
fn text_format_is_kind_tab_value_in_input_order() {
    let dir = scratch(&[("report.txt", REPORT)]);
    let r = run(dir.path(), &["extract", "report.txt"], b"");
    assert_run(&r, 0, "url\thttp://evil.com/gate.php\nipv4\t8.8.8.8\n", "");
}

#[test]
fn jsonl_has_exactly_the_documented_fields() {
    let dir = scratch(&[("report.txt", REPORT)]);
    let r = run(
        dir.path(),
        &["extract", "--format", "jsonl", "report.txt"],
        b"",
    );
    let expected = concat!(
        r#"{"type":"url","value":"http://evil.com/gate.php","raw":"hxxp://evil[.]com/gate.php","start":4,"end":30,"defanged":true,"source":"report.txt"}"#,
        "\n",
        r#"{"type":"ipv4","value":"8.8.8.8","raw":"8.8.8.8","start":35,"end":42,"defanged":false,"source":"report.txt"}"#,
        "\n",
    );
    assert_run(&r, 0, expected, "");
}

#[test]
fn csv_has_a_header_and_quotes_where_needed() {
    let dir = scratch(&[("a,b.txt", REPORT)]);
    let r = run(dir.path(), &["extract", "--format", "csv", "a,b.txt"], b"");
    let expected = "type,value,raw,start,end,defanged,source\n\
        url,http://evil.com/gate.php,hxxp://evil[.]com/gate.php,4,30,true,\"a,b.txt\"\n\
        ipv4,8.8.8.8,8.8.8.8,35,42,false,\"a,b.txt\"\n";
    assert_run(&r, 0, expected, "");
}

#[test]
fn csv_header_is_printed_even_when_nothing_is_found() {
    let dir = scratch(&[]);
    let r = run(
        dir.path(),
        &["extract", "--format", "csv"],
        b"nothing to see here\n",
    );
    assert_run(&r, 1, "type,value,raw,start,end,defanged,source\n", "");
}

#[test]
fn stdin_by_dash_and_by_default() {
    let dir = scratch(&[]);
    for args in [&["extract", "-"][..], &["extract"][..]] {
        let r = run(dir.path(), args, REPORT);
        assert_run(&r, 0, "url\thttp://evil.com/gate.php\nipv4\t8.8.8.8\n", "");
    }
    let r = run(
        dir.path(),
        &["extract", "--format", "jsonl", "--types", "ipv4"],
        REPORT,
    );
    let expected = concat!(
        r#"{"type":"ipv4","value":"8.8.8.8","raw":"8.8.8.8","start":35,"end":42,"defanged":false,"source":"-"}"#,
        "\n"
    );
    assert_run(&r, 0, expected, "");
}

#[test]
fn types_filter_kinds() {
    let dir = scratch(&[]);
    let input = b"see evil[.]com/x and 8.8.8.8, hash d41d8cd98f00b204e9800998ecf8427e\n";
    let r = run(dir.path(), &["extract", "--types", "ipv4,md5"], input);
    assert_run(
        &r,
        0,
        "ipv4\t8.8.8.8\nmd5\td41d8cd98f00b204e9800998ecf8427e\n",
        "",
    );
    let r = run(dir.path(), &["extract", "--types", "sha256"], input);
    assert_run(&r, 1, "", "");
}

#[test]
fn schemeless_url_also_gives_its_domain() {
    let dir = scratch(&[]);
    let r = run(dir.path(), &["extract"], b"see evil[.]com/x today\n");
    let mut lines: Vec<&str> = r.stdout.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        ["domain\tevil.com", "url\tevil.com/x"],
        "{}",
        r.stdout
    );
    assert_eq!(r.code, Some(0));
}

#[test]
fn all_parts_reports_the_url_host_too() {
    let dir = scratch(&[]);
    let r = run(
        dir.path(),
        &["extract", "--all-parts", "--types", "url,domain"],
        REPORT,
    );
    assert_run(
        &r,
        0,
        "url\thttp://evil.com/gate.php\ndomain\tevil.com\n",
        "",
    );
}

#[test]
fn unknown_type_is_a_clear_usage_error() {
    let dir = scratch(&[]);
    let r = run(dir.path(), &["extract", "--types", "ipv4,ipv5"], REPORT);
    assert_eq!(r.code, Some(2));
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("unknown indicator kind `ipv5`"),
        "stderr: {}",
        r.stderr
    );
}

#[test]
fn unique_keeps_the_first_occurrence_per_source() {
    let text = b"8.8.8[.]8 then 8.8.8.8 and 1.1.1.1\n8.8.8.8 again\n";
    let dir = scratch(&[("one.txt", text), ("two.txt", text)]);
    let r = run(dir.path(), &["extract", "one.txt"], b"");
    assert_run(
        &r,
        0,
        "ipv4\t8.8.8.8\nipv4\t8.8.8.8\nipv4\t1.1.1.1\nipv4\t8.8.8.8\n",
        "",
    );
    let r = run(
        dir.path(),
        &[
            "extract", "--unique", "--format", "jsonl", "one.txt", "two.txt",
        ],
        b"",
    );
    let mut expected = String::new();
    for source in ["one.txt", "two.txt"] {
        expected += &format!(
            "{{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"raw\":\"8.8.8[.]8\",\"start\":0,\"end\":9,\"defanged\":true,\"source\":\"{source}\"}}\n\
             {{\"type\":\"ipv4\",\"value\":\"1.1.1.1\",\"raw\":\"1.1.1.1\",\"start\":27,\"end\":34,\"defanged\":false,\"source\":\"{source}\"}}\n"
        );
    }
    assert_run(&r, 0, &expected, "");
}

#[test]
fn no_refang_reports_the_raw_text() {
    let dir = scratch(&[]);
    let r = run(
        dir.path(),
        &["extract", "--no-refang"],
        b"C2: hxxp://evil[.]com/gate.php and 1.2.3[.]4\n",
    );
    assert_run(
        &r,
        0,
        "url\thxxp://evil[.]com/gate.php\nipv4\t1.2.3[.]4\n",
        "",
    );
}

#[test]
fn directories_are_walked_recursively_in_sorted_order() {
    let dir = scratch(&[
        ("in/c.txt", b"10.0.0.3\n"),
        ("in/b/z.txt", b"10.0.0.22\n"),
        ("in/a.txt", b"10.0.0.1\n"),
        ("in/b/a.txt", b"10.0.0.21\n"),
        ("in/b/deeper/m.txt", b"10.0.0.211\n"),
        ("top.txt", b"10.0.0.9\n"),
    ]);
    let r = run(
        dir.path(),
        &["extract", "--format", "csv", "in/", "top.txt"],
        b"",
    );
    let expected = "type,value,raw,start,end,defanged,source\n\
        ipv4,10.0.0.1,10.0.0.1,0,8,false,in/a.txt\n\
        ipv4,10.0.0.21,10.0.0.21,0,9,false,in/b/a.txt\n\
        ipv4,10.0.0.211,10.0.0.211,0,10,false,in/b/deeper/m.txt\n\
        ipv4,10.0.0.22,10.0.0.22,0,9,false,in/b/z.txt\n\
        ipv4,10.0.0.3,10.0.0.3,0,8,false,in/c.txt\n\
        ipv4,10.0.0.9,10.0.0.9,0,8,false,top.txt\n";
    assert_run(&r, 0, expected, "");
    // Same order whatever the number of threads.
    for threads in ["1", "2", "7"] {
        let again = run(
            dir.path(),
            &[
                "extract",
                "--threads",
                threads,
                "--format",
                "csv",
                "in",
                "top.txt",
            ],
            b"",
        );
        assert_run(&again, 0, expected, "");
    }
}

#[test]
fn batches_of_small_files_keep_input_order_around_large_and_missing_ones() {
    // With 64-byte chunks a batch holds a few hundred bytes of files, so
    // these 60 files make several batches, the large file is processed
    // alone between them, and the missing one is reported in its place.
    let mut files: Vec<(String, Vec<u8>)> = (0..60)
        .map(|i| {
            (
                format!("f{i:02}.txt"),
                format!("host{i}.example.com\n").into_bytes(),
            )
        })
        .collect();
    let large: Vec<u8> = (0..200)
        .flat_map(|i| format!("line {i} 10.1.{}.{}\n", i / 256, i % 256).into_bytes())
        .collect();
    files[30] = ("f30.txt".to_string(), large.clone());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let dir = scratch(
        &files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect::<Vec<_>>(),
    );
    let mut expected = String::new();
    for i in 0..60 {
        match i {
            30 => {
                for j in 0..200 {
                    expected.push_str(&format!("ipv4\t10.1.{}.{}\n", j / 256, j % 256));
                }
            }
            45 => {}
            _ => expected.push_str(&format!("domain\thost{i}.example.com\n")),
        }
    }
    let mut args: Vec<&str> = vec!["extract"];
    args.extend(
        names
            .iter()
            .map(|n| if *n == "f45.txt" { "gone.txt" } else { n }),
    );
    for threads in ["1", "2", "3"] {
        let mut with_threads = args.clone();
        with_threads.extend(["--threads", threads]);
        let r = iocx(dir.path())
            .env("IOCX_CHUNK_SIZE", "64")
            .args(&with_threads)
            .output()
            .expect("iocx runs");
        assert_eq!(
            String::from_utf8_lossy(&r.stdout),
            expected,
            "--threads {threads}"
        );
        assert_eq!(
            String::from_utf8_lossy(&r.stderr),
            "iocx: gone.txt: No such file or directory (os error 2)\n"
        );
        assert_eq!(r.status.code(), Some(2));
    }
}

#[test]
fn stdin_keeps_its_place_among_files() {
    let dir = scratch(&[("a.txt", b"10.0.0.1\n"), ("b.txt", b"10.0.0.2\n")]);
    let r = run(
        dir.path(),
        &["extract", "a.txt", "-", "b.txt"],
        b"10.0.0.99\n",
    );
    assert_run(
        &r,
        0,
        "ipv4\t10.0.0.1\nipv4\t10.0.0.99\nipv4\t10.0.0.2\n",
        "",
    );
}

#[test]
fn nothing_found_exits_1() {
    let dir = scratch(&[
        (
            "clean.txt",
            b"Nothing to see here, version 1.2.3.4 of setup.zip.\n",
        ),
        ("empty.txt", b""),
    ]);
    let r = run(dir.path(), &["extract", "clean.txt", "empty.txt"], b"");
    assert_run(&r, 1, "", "");
}

#[test]
fn missing_file_exits_2_naming_it() {
    let dir = scratch(&[]);
    let r = run(dir.path(), &["extract", "missing.txt"], b"");
    assert_run(
        &r,
        2,
        "",
        "iocx: missing.txt: No such file or directory (os error 2)\n",
    );
}

#[test]
fn missing_file_among_good_ones_still_processes_the_others() {
    let dir = scratch(&[("a.txt", b"10.0.0.1\n"), ("c.txt", b"10.0.0.3\n")]);
    let r = run(
        dir.path(),
        &["extract", "a.txt", "nope/b.txt", "c.txt"],
        b"",
    );
    assert_run(
        &r,
        2,
        "ipv4\t10.0.0.1\nipv4\t10.0.0.3\n",
        "iocx: nope/b.txt: No such file or directory (os error 2)\n",
    );
}

#[test]
fn closed_pipe_is_not_an_error() {
    let big: Vec<u8> = (0..200_000u32)
        .flat_map(|i| format!("10.{}.{}.{}\n", i >> 16, (i >> 8) & 255, i & 255).into_bytes())
        .collect();
    let dir = scratch(&[("big.txt", &big)]);
    let mut child = iocx(dir.path())
        .args(["extract", "big.txt"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iocx starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("one line");
    assert_eq!(first, "ipv4\t10.0.0.0\n");
    drop(stdout);
    let out = child.wait_with_output().expect("iocx ends");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn utf16_files_and_stdin_are_decoded_and_spans_refer_to_the_decoded_text() {
    let text = "C2 8.8.8.8 and evil[.]com\n";
    let dir = scratch(&[("le.txt", &utf16le(text)), ("be.txt", &utf16be(text))]);
    let expected = |source: &str| {
        format!(
            "{{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"raw\":\"8.8.8.8\",\"start\":3,\"end\":10,\"defanged\":false,\"source\":\"{source}\"}}\n\
             {{\"type\":\"domain\",\"value\":\"evil.com\",\"raw\":\"evil[.]com\",\"start\":15,\"end\":25,\"defanged\":true,\"source\":\"{source}\"}}\n"
        )
    };
    let r = run(
        dir.path(),
        &["extract", "--format", "jsonl", "le.txt", "be.txt"],
        b"",
    );
    assert_run(&r, 0, &(expected("le.txt") + &expected("be.txt")), "");
    let r = run(
        dir.path(),
        &["extract", "--format", "jsonl"],
        &utf16le(text),
    );
    assert_run(&r, 0, &expected("-"), "");
}

#[test]
fn db_option_is_global() {
    let dir = scratch(&[("a.txt", b"10.0.0.1\n")]);
    for args in [
        &["--db", "x.db", "extract", "a.txt"][..],
        &["extract", "a.txt", "--db", "x.db"][..],
    ] {
        let r = run(dir.path(), args, b"");
        assert_run(&r, 0, "ipv4\t10.0.0.1\n", "");
    }
}

//! Chunked and streamed extraction: with tiny chunks and windows (set through
//! `IOCX_CHUNK_SIZE` and `IOCX_MAX_LINE`) every indicator must still come out
//! exactly once, at the right offset, whether it straddles an edge or not.

use std::fmt::Write as _;

use super::{assert_run, iocx, run_with_stdin, scratch};

/// A deterministic 64-digit hex string for `i` (splitmix64 steps), so the
/// hashes look like real digests rather than runs of zeros.
fn sha256_like(i: u64) -> String {
    let mut state = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..4)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            format!("{:016x}", z ^ (z >> 31))
        })
        .collect()
}

/// Lines of mixed indicators and the `text` output they must give.
fn report_lines(count: u64) -> (Vec<u8>, String) {
    let mut input = String::new();
    let mut expected = String::new();
    for i in 0..count {
        let (a, b) = (i / 250, i % 250);
        let hash = sha256_like(i);
        writeln!(
            input,
            "n{i} 10.{a}.{b}.7 host{i}[.]example[.]com {hash} hxxps://site{i}[.]org/p/{i}"
        )
        .unwrap();
        write!(
            expected,
            "ipv4\t10.{a}.{b}.7\ndomain\thost{i}.example.com\nsha256\t{hash}\nurl\thttps://site{i}.org/p/{i}\n"
        )
        .unwrap();
    }
    (input.into_bytes(), expected)
}

#[test]
fn files_split_into_tiny_chunks_give_the_same_matches() {
    let (input, expected) = report_lines(200);
    let dir = scratch(&[("report.txt", &input)]);
    for chunk in ["16", "97", "1000", "100000"] {
        for threads in ["1", "2"] {
            let r = run_with_stdin(
                iocx(dir.path()).env("IOCX_CHUNK_SIZE", chunk).args([
                    "extract",
                    "--threads",
                    threads,
                    "report.txt",
                ]),
                b"",
            );
            assert_run(&r, 0, &expected, "");
        }
    }
}

#[test]
fn stdin_windows_do_not_lose_or_double_straddling_indicators() {
    let (input, expected) = report_lines(200);
    let dir = scratch(&[]);
    for chunk in ["16", "97", "1000"] {
        let r = run_with_stdin(
            iocx(dir.path())
                .env("IOCX_CHUNK_SIZE", chunk)
                .args(["extract", "-"]),
            &input,
        );
        assert_run(&r, 0, &expected, "");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn non_regular_files_are_streamed() {
    let (input, expected) = report_lines(50);
    let dir = scratch(&[]);
    let r = run_with_stdin(
        iocx(dir.path())
            .env("IOCX_CHUNK_SIZE", "64")
            .args(["extract", "/dev/stdin"]),
        &input,
    );
    assert_run(&r, 0, &expected, "");
}

#[test]
fn one_long_line_is_cut_at_whitespace_with_exact_offsets() {
    // No newline at all: past IOCX_MAX_LINE the stream is cut at whitespace
    // and the tail re-scanned.
    let mut input = String::new();
    let mut expected = String::new();
    for i in 0..400u32 {
        let ip = format!("10.3.{}.{}", i / 200, i % 200);
        let start = input.len();
        input += &ip;
        input += " ";
        writeln!(
            expected,
            r#"{{"type":"ipv4","value":"{ip}","raw":"{ip}","start":{start},"end":{},"defanged":false,"source":"-"}}"#,
            start + ip.len()
        )
        .unwrap();
        let raw = format!("evil{i}[.]net");
        let start = input.len();
        input += &raw;
        input += " ";
        writeln!(
            expected,
            r#"{{"type":"domain","value":"evil{i}.net","raw":"{raw}","start":{start},"end":{},"defanged":true,"source":"-"}}"#,
            start + raw.len()
        )
        .unwrap();
    }
    let dir = scratch(&[]);
    for (chunk, max_line) in [("32", "256"), ("50", "200"), ("7", "4096")] {
        let r = run_with_stdin(
            iocx(dir.path())
                .env("IOCX_CHUNK_SIZE", chunk)
                .env("IOCX_MAX_LINE", max_line)
                .args(["extract", "--format", "jsonl"]),
            input.as_bytes(),
        );
        assert_run(&r, 0, &expected, "");
    }
}

#[test]
fn bad_chunk_size_is_an_error() {
    let dir = scratch(&[]);
    let r = run_with_stdin(
        iocx(dir.path())
            .env("IOCX_CHUNK_SIZE", "lots")
            .args(["extract"]),
        b"10.0.0.1\n",
    );
    assert_run(
        &r,
        2,
        "",
        "iocx: IOCX_CHUNK_SIZE: expected a number of bytes, got `lots`\n",
    );
}

#[test]
fn unique_holds_across_pieces_of_a_large_file_and_stdin_windows() {
    let input: String = (0..300)
        .map(|i| format!("seen 10.9.0.{} and evil{}[.]com\n", i % 3, i % 2))
        .collect();
    let expected =
        "ipv4\t10.9.0.0\ndomain\tevil0.com\nipv4\t10.9.0.1\ndomain\tevil1.com\nipv4\t10.9.0.2\n";
    let dir = scratch(&[("big.txt", input.as_bytes())]);
    for args in [
        &["extract", "--unique", "big.txt"][..],
        &["extract", "--unique", "-"][..],
    ] {
        let r = run_with_stdin(
            iocx(dir.path()).env("IOCX_CHUNK_SIZE", "40").args(args),
            input.as_bytes(),
        );
        assert_run(&r, 0, expected, "");
    }
}

/// Guards read text above a candidate's line (a version label, a table's
/// header row); chunks, pieces and stdin windows carry it along, so every
/// way of reading gives what one pass gives.
#[test]
fn context_above_a_line_survives_chunk_and_window_edges() {
    let mut input = String::new();
    let mut expected = String::new();
    for i in 0..60 {
        write!(
            input,
            "carries the file version\n2.4.1.{i} in its resources\n\
             | File name | Size |\n|---|---|\n| setup{i}.zip | 1 |\n\
             seen at 10.0.0.{i} and evil{i}.com\n"
        )
        .unwrap();
        write!(expected, "ipv4\t10.0.0.{i}\ndomain\tevil{i}.com\n").unwrap();
    }
    let dir = scratch(&[("notes.txt", input.as_bytes())]);
    for chunk in ["8", "61", "500"] {
        for threads in ["1", "2"] {
            let r = run_with_stdin(
                iocx(dir.path()).env("IOCX_CHUNK_SIZE", chunk).args([
                    "extract",
                    "--threads",
                    threads,
                    "notes.txt",
                ]),
                b"",
            );
            assert_run(&r, 0, &expected, "");
        }
        let r = run_with_stdin(
            iocx(dir.path())
                .env("IOCX_CHUNK_SIZE", chunk)
                .args(["extract", "-"]),
            input.as_bytes(),
        );
        assert_run(&r, 0, &expected, "");
    }
}

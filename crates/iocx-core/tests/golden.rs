//! Golden test: the bundled sample report in `corpora/`, extracted with the
//! default settings, must give exactly the indicators listed in its
//! `.expected.tsv` file (sorted, unique `type<TAB>value` lines).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use iocx_core::Extractor;

fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpora")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares one report with its expected lines and returns the differences.
fn diff_against_expected(report: &str) -> String {
    let dir = corpora();
    let text = read(&dir.join(format!("{report}.md")));
    let expected_path = dir.join(format!("{report}.expected.tsv"));
    let expected_text = String::from_utf8(read(&expected_path))
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));

    let expected_lines: Vec<&str> = expected_text.lines().filter(|l| !l.is_empty()).collect();
    let expected: BTreeSet<&str> = expected_lines.iter().copied().collect();
    assert_eq!(
        expected.len(),
        expected_lines.len(),
        "{}: lines must be unique",
        expected_path.display()
    );
    assert!(
        expected_lines.windows(2).all(|w| w[0] < w[1]),
        "{}: lines must be sorted",
        expected_path.display()
    );

    let found: BTreeSet<String> = Extractor::new()
        .find_all(&text)
        .into_iter()
        .map(|m| format!("{}\t{}", m.kind, m.value))
        .collect();
    let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();

    let mut out = String::new();
    for line in expected.difference(&found) {
        let _ = writeln!(out, "  missing:    {line}");
    }
    for line in found.difference(&expected) {
        let _ = writeln!(out, "  unexpected: {line}");
    }
    if !out.is_empty() {
        out = format!(
            "{report}: {} expected, {} found\n{out}",
            expected.len(),
            found.len()
        );
    }
    out
}

#[test]
fn apt_sample_report_gives_the_expected_indicators() {
    let diff = diff_against_expected("report-apt-sample");
    assert!(diff.is_empty(), "\n{diff}");
}

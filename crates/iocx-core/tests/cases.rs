//! The data-driven accuracy suite: every `tests/cases/*.toml` at the
//! repository root, run through the extractor and compared as exact sets.
//!
//! Each `[[case]]` names an input and the exact set of `(type, value)` pairs an
//! analyst expects from it; `[]` means nothing may be found. Optional fields:
//! `input_hex` (raw bytes instead of `input`, for invalid UTF-8), `all_parts`,
//! `kinds` (restrict the extractor) and `defanged` (every match must carry
//! this flag). Set `IOCX_CASE=<substring>` to run only the cases whose name
//! contains it.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use iocx_core::{ExtractorBuilder, IndicatorKind, Match};
use serde::Deserialize;

/// The suite must stay at least this large; shrinking it is a regression.
const MIN_CASES: usize = 400;

#[derive(Debug, Deserialize)]
struct CaseFile {
    #[serde(default)]
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    input: Option<String>,
    #[serde(default)]
    input_hex: Option<String>,
    expect: Vec<(String, String)>,
    #[serde(default)]
    all_parts: bool,
    #[serde(default)]
    kinds: Option<Vec<String>>,
    #[serde(default)]
    defanged: Option<bool>,
    /// Free text for the reader of the case file; ignored by the harness.
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

/// A case ready to run: its origin, bytes and parsed expectations.
struct LoadedCase {
    file: String,
    case: Case,
    input: Vec<u8>,
    expect: BTreeSet<(String, String)>,
    kinds: Option<Vec<IndicatorKind>>,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases")
}

fn decode_hex(file: &str, name: &str, hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(
        digits.len().is_multiple_of(2),
        "{file}: case `{name}`: input_hex has an odd number of digits"
    );
    digits
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).unwrap_or("??");
            u8::from_str_radix(text, 16).unwrap_or_else(|_| {
                panic!("{file}: case `{name}`: input_hex has a non-hex pair `{text}`")
            })
        })
        .collect()
}

fn parse_kind(file: &str, name: &str, text: &str) -> IndicatorKind {
    text.parse()
        .unwrap_or_else(|e| panic!("{file}: case `{name}`: {e}"))
}

fn load_file(path: &Path) -> Vec<LoadedCase> {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let parsed: CaseFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    parsed
        .case
        .into_iter()
        .map(|case| {
            let input = match (&case.input, &case.input_hex) {
                (Some(s), None) => s.as_bytes().to_vec(),
                (None, Some(h)) => decode_hex(&file, &case.name, h),
                _ => panic!(
                    "{file}: case `{}` needs exactly one of `input` and `input_hex`",
                    case.name
                ),
            };
            let expect = case
                .expect
                .iter()
                .map(|(t, v)| {
                    parse_kind(&file, &case.name, t);
                    (t.clone(), v.clone())
                })
                .collect::<BTreeSet<_>>();
            assert_eq!(
                expect.len(),
                case.expect.len(),
                "{file}: case `{}` lists a pair twice",
                case.name
            );
            let kinds = case.kinds.as_ref().map(|ks| {
                ks.iter()
                    .map(|k| parse_kind(&file, &case.name, k))
                    .collect()
            });
            LoadedCase {
                file: file.clone(),
                case,
                input,
                expect,
                kinds,
            }
        })
        .collect()
}

fn load_all() -> Vec<LoadedCase> {
    let dir = cases_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths.iter().flat_map(|p| load_file(p)).collect()
}

/// Everything wrong with one case's result, or an empty string.
fn check(case: &LoadedCase) -> String {
    let mut builder = ExtractorBuilder::new();
    builder.all_parts(case.case.all_parts);
    if let Some(kinds) = &case.kinds {
        builder.kinds(kinds);
    }
    // UTF-16 input (with a BOM) is decoded first, as the CLI does; spans then
    // refer to the decoded text, so that is what they are checked against.
    let (text, _) = iocx_core::decode::decode(&case.input);
    let text: &[u8] = &text;
    let matches = builder.build().find_all(text);
    let mut problems = String::new();

    let found: BTreeSet<(String, String)> = matches
        .iter()
        .map(|m| (m.kind.name().to_string(), m.value.clone()))
        .collect();
    for (t, v) in case.expect.difference(&found) {
        let _ = writeln!(problems, "  missing:    {t:<7} {v}");
    }
    for (t, v) in found.difference(&case.expect) {
        let raws: Vec<String> = matches
            .iter()
            .filter(|m| m.kind.name() == t && &m.value == v)
            .map(|m| describe_raw(text, m))
            .collect();
        let _ = writeln!(
            problems,
            "  unexpected: {t:<7} {v}   (raw {})",
            raws.join(", ")
        );
    }

    let as_text = std::str::from_utf8(text).ok();
    for m in &matches {
        let Match { span, .. } = m;
        if span.start >= span.end || span.end > text.len() {
            let _ = writeln!(
                problems,
                "  bad span:   {} {} at {}..{} (input is {} bytes)",
                m.kind,
                m.value,
                span.start,
                span.end,
                text.len()
            );
            continue;
        }
        if let Some(text) = as_text {
            if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
                let _ = writeln!(
                    problems,
                    "  bad span:   {} {} at {}..{} cuts a UTF-8 character",
                    m.kind, m.value, span.start, span.end
                );
            }
        }
        if let Some(want) = case.case.defanged {
            if m.defanged != want {
                let _ = writeln!(
                    problems,
                    "  defanged:   {} {} is {} (raw {}), expected {want}",
                    m.kind,
                    m.value,
                    m.defanged,
                    describe_raw(text, m)
                );
            }
        }
    }
    problems
}

fn describe_raw(text: &[u8], m: &Match) -> String {
    match text.get(m.span.range()) {
        Some(raw) => format!(
            "{:?} at {}..{}",
            String::from_utf8_lossy(raw),
            m.span.start,
            m.span.end
        ),
        None => format!("<out of bounds {}..{}>", m.span.start, m.span.end),
    }
}

#[test]
fn case_names_are_unique_and_the_suite_is_large_enough() {
    let cases = load_all();
    let mut seen = HashSet::new();
    let dupes: Vec<String> = cases
        .iter()
        .filter(|c| !seen.insert(c.case.name.clone()))
        .map(|c| format!("{} ({})", c.case.name, c.file))
        .collect();
    assert!(dupes.is_empty(), "duplicate case names: {dupes:?}");
    assert!(
        cases.len() >= MIN_CASES,
        "only {} cases; the suite must keep at least {MIN_CASES}",
        cases.len()
    );
}

#[test]
fn every_case_extracts_exactly_what_it_expects() {
    let filter = std::env::var("IOCX_CASE").ok();
    let cases: Vec<LoadedCase> = load_all()
        .into_iter()
        .filter(|c| filter.as_deref().is_none_or(|f| c.case.name.contains(f)))
        .collect();
    assert!(
        !cases.is_empty(),
        "no case matches IOCX_CASE={}",
        filter.unwrap_or_default()
    );

    let mut report = String::new();
    let mut failed = 0;
    for case in &cases {
        let problems = check(case);
        if problems.is_empty() {
            continue;
        }
        failed += 1;
        let _ = writeln!(
            report,
            "--- {} :: {}\n  input:      {:?}\n{problems}",
            case.file,
            case.case.name,
            String::from_utf8_lossy(&case.input)
        );
    }
    assert!(
        failed == 0,
        "\n{report}{failed} of {} cases failed",
        cases.len()
    );
}

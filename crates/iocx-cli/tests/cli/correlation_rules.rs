//! Each correlation rule of issue 4 through the real binary: small MISP
//! events imported into a scratch store, then `iocx correlate` on event A
//! with its exact JSONL lines, notes and exit status. One table row per
//! rule, so a rule that stops holding names itself.

use crate::store_support::{db_ok, db_run, uuid, write_events, Ev};

/// A related event as the test expects it: key, shared count and
/// (value, type, relation) per shared value.
type Related = (
    char,
    usize,
    &'static [(&'static str, &'static str, &'static str)],
);

struct Case {
    name: &'static str,
    events: Vec<Ev<'static>>,
    /// Commands run after the import (exclusions, warninglists).
    setup: &'static [&'static [&'static str]],
    /// Warninglist files written under `lists/` before `setup` runs.
    lists: &'static [(&'static str, &'static str)],
    /// Options for `iocx correlate A --format jsonl`.
    args: &'static [&'static str],
    related: &'static [Related],
    /// The notes on stderr (over-correlating and excluded values).
    notes: &'static str,
}

fn case(name: &'static str, events: Vec<Ev<'static>>, related: &'static [Related]) -> Case {
    Case {
        name,
        events,
        setup: &[],
        lists: &[],
        args: &[],
        related,
        notes: "",
    }
}

fn line((key, shared, values): &Related) -> String {
    let values: Vec<String> = values
        .iter()
        .map(|(v, t, r)| format!("{{\"value\":\"{v}\",\"type\":\"{t}\",\"relation\":\"{r}\"}}"))
        .collect();
    format!(
        "{{\"event\":\"{}\",\"info\":\"Event {}\",\"shared\":{shared},\"values\":[{}]}}\n",
        uuid(*key),
        key.to_ascii_uppercase(),
        values.join(",")
    )
}

const DNS_LIST: &str = r#"{"name": "Public DNS", "type": "cidr", "matching_attributes": ["ip-dst", "ip-src"], "list": ["8.8.8.8", "1.1.1.0/24"]}"#;
const STRING_LIST: &str = r#"{"name": "Top sites", "type": "string", "matching_attributes": [], "list": ["example.org", ".google.com"]}"#;
const SUBSTRING_LIST: &str = r#"{"name": "Sinkholes", "type": "substring", "matching_attributes": ["domain", "hostname"], "list": ["sinkhole"]}"#;
const HOSTNAME_LIST: &str = r#"{"name": "Shorteners", "type": "hostname", "matching_attributes": ["url", "domain", "hostname"], "list": ["bit.ly"]}"#;
const REGEX_LIST: &str = r#"{"name": "Role mailboxes", "type": "regex", "matching_attributes": ["email-src"], "list": ["/^(abuse|noc)@/i"]}"#;

fn cases() -> Vec<Case> {
    vec![
        case(
            "a domain and a host name with the same string match",
            vec![
                Ev::new('a', &[("domain", "Evil.com")]),
                Ev::new('b', &[("hostname", "evil.com.")]),
            ],
            &[('b', 1, &[("evil.com", "domain", "exact")])],
        ),
        case(
            "a filename|sha256 correlates on its hash part",
            vec![
                Ev::new('a', &[("sha256", "AB12")]),
                Ev::new('b', &[("filename|sha256", "drop.exe|ab12")]),
                Ev::new('c', &[("filename", "drop.exe")]),
            ],
            &[('b', 1, &[("ab12", "sha256", "exact")])],
        ),
        case(
            "ip-dst|port correlates on the address only; a port never",
            vec![
                Ev::new('a', &[("ip-dst|port", "192.0.2.1|443"), ("port", "8080")]),
                Ev::new('b', &[("ip-src", "192.0.2.1"), ("port", "443")]),
                Ev::new('c', &[("port", "8080"), ("ip-dst|port", "192.0.2.9|443")]),
            ],
            &[('b', 1, &[("192.0.2.1", "ip-dst|port", "exact")])],
        ),
        case(
            "an IPv4 address inside a CIDR, and the CIDR around addresses",
            vec![
                Ev::new('a', &[("ip-dst", "203.0.113.0/24")]),
                Ev::new('b', &[("ip-src", "203.0.113.45")]),
                Ev::new('c', &[("ip-dst", "198.51.100.1")]),
            ],
            &[('b', 1, &[("203.0.113.0/24", "ip-dst", "cidr")])],
        ),
        case(
            "an IPv6 address inside a CIDR",
            vec![
                Ev::new('a', &[("ip-dst", "2001:DB8:0::7")]),
                Ev::new('b', &[("ip-dst", "2001:db8::/32")]),
                Ev::new('c', &[("ip-dst", "2001:db9::/32")]),
            ],
            &[('b', 1, &[("2001:db8::7", "ip-dst", "cidr")])],
        ),
        case(
            "a URL's host, a registrable domain, an e-mail's domain",
            vec![
                Ev::new(
                    'a',
                    &[
                        ("url", "https://www.evil.co.uk/gate.php"),
                        ("domain", "evil.co.uk"),
                    ],
                ),
                Ev::new('b', &[("hostname", "www.evil.co.uk")]),
                Ev::new('c', &[("email-src", "bob@evil.co.uk")]),
            ],
            &[
                (
                    'b',
                    2,
                    &[
                        ("evil.co.uk", "domain", "registrable-domain"),
                        ("https://www.evil.co.uk/gate.php", "url", "url-host"),
                    ],
                ),
                ('c', 1, &[("evil.co.uk", "domain", "email-domain")]),
            ],
        ),
        Case {
            args: &["--relations", "exact,email-domain"],
            ..case(
                "--relations narrows what counts",
                vec![
                    Ev::new(
                        'a',
                        &[
                            ("url", "https://www.evil.co.uk/x"),
                            ("domain", "evil.co.uk"),
                        ],
                    ),
                    Ev::new('b', &[("hostname", "www.evil.co.uk")]),
                    Ev::new('c', &[("email-src", "bob@evil.co.uk")]),
                ],
                &[('c', 1, &[("evil.co.uk", "domain", "email-domain")])],
            )
        },
        case(
            "disable_correlation on an attribute and on an event",
            vec![
                Ev::new('a', &[("domain", "evil.com"), ("md5", "ff")]),
                Ev {
                    disabled_attributes: &[0],
                    ..Ev::new('b', &[("domain", "evil.com"), ("md5", "ff")])
                },
                Ev {
                    disabled: true,
                    ..Ev::new('c', &[("domain", "evil.com")])
                },
            ],
            &[('b', 1, &[("ff", "md5", "exact")])],
        ),
        case(
            "never within the same event",
            vec![Ev::new(
                'a',
                &[
                    ("domain", "evil.com"),
                    ("hostname", "evil.com"),
                    ("ip-dst", "10.0.0.0/8"),
                    ("ip-src", "10.1.1.1"),
                ],
            )],
            &[],
        ),
        Case {
            args: &["--cap", "2"],
            notes: "over-correlating: popular.net (domain) is in 3 other events\n",
            ..case(
                "a value past the cap is reported once, with its count",
                vec![
                    Ev::new(
                        'a',
                        &[
                            ("domain", "popular.net"),
                            ("hostname", "popular.net"),
                            ("md5", "aa"),
                        ],
                    ),
                    Ev::new('b', &[("domain", "popular.net"), ("md5", "aa")]),
                    Ev::new('c', &[("domain", "popular.net")]),
                    Ev::new('d', &[("domain", "popular.net")]),
                ],
                &[('b', 1, &[("aa", "md5", "exact")])],
            )
        },
        Case {
            args: &["--cap", "3"],
            ..case(
                "the cap is configurable",
                vec![
                    Ev::new('a', &[("domain", "popular.net")]),
                    Ev::new('b', &[("domain", "popular.net")]),
                    Ev::new('c', &[("domain", "popular.net")]),
                    Ev::new('d', &[("domain", "popular.net")]),
                ],
                &[
                    ('b', 1, &[("popular.net", "domain", "exact")]),
                    ('c', 1, &[("popular.net", "domain", "exact")]),
                    ('d', 1, &[("popular.net", "domain", "exact")]),
                ],
            )
        },
        Case {
            setup: &[
                &["exclude", "add", "Evil.com"],
                &["exclude", "add", "10.%"],
                &["exclude", "add", "%.local"],
                &["exclude", "add", "%test%"],
            ],
            notes: "excluded: evil.com (domain) by exclusion Evil.com\n\
                    excluded: 10.1.1.1 (ip-dst) by exclusion 10.%\n\
                    excluded: printer.local (hostname) by exclusion %.local\n\
                    excluded: a-test-b.net (domain) by exclusion %test%\n",
            ..case(
                "exclusions: exact, prefix, suffix, contains",
                vec![
                    Ev::new(
                        'a',
                        &[
                            ("domain", "evil.com"),
                            ("ip-dst", "10.1.1.1"),
                            ("hostname", "printer.local"),
                            ("domain", "a-test-b.net"),
                            ("domain", "kept.net"),
                            ("ip-dst", "110.1.1.1"),
                        ],
                    ),
                    Ev::new(
                        'b',
                        &[
                            ("domain", "evil.com"),
                            ("ip-dst", "10.1.1.1"),
                            ("hostname", "printer.local"),
                            ("domain", "a-test-b.net"),
                            ("domain", "kept.net"),
                            ("ip-dst", "110.1.1.1"),
                        ],
                    ),
                ],
                &[(
                    'b',
                    2,
                    &[
                        ("110.1.1.1", "ip-dst", "exact"),
                        ("kept.net", "domain", "exact"),
                    ],
                )],
            )
        },
        Case {
            lists: &[
                ("dns.json", DNS_LIST),
                ("sites.json", STRING_LIST),
                ("sinkholes.json", SUBSTRING_LIST),
                ("shorteners.json", HOSTNAME_LIST),
                ("roles.json", REGEX_LIST),
            ],
            setup: &[&["warninglists", "load", "lists"]],
            notes: "excluded: 8.8.8.8 (ip-dst) by warninglist Public DNS\n\
                    excluded: 1.1.1.1 (ip-src) by warninglist Public DNS\n\
                    excluded: example.org (domain) by warninglist Top sites\n\
                    excluded: mail.google.com (hostname) by warninglist Top sites\n\
                    excluded: x.sinkhole.net (domain) by warninglist Sinkholes\n\
                    excluded: https://bit.ly/abc (url) by warninglist Shorteners\n\
                    excluded: noc@corp.net (email-src) by warninglist Role mailboxes\n",
            ..case(
                "warninglists of every type, named in the notes",
                vec![
                    Ev::new(
                        'a',
                        &[
                            ("ip-dst", "8.8.8.8"),
                            ("ip-src", "1.1.1.1"),
                            ("domain", "example.org"),
                            ("hostname", "mail.google.com"),
                            ("domain", "x.sinkhole.net"),
                            ("url", "https://bit.ly/abc"),
                            ("email-src", "NOC@corp.net"),
                            ("ip-dst", "8.8.4.4"),
                        ],
                    ),
                    Ev::new(
                        'b',
                        &[
                            ("ip-dst", "8.8.8.8"),
                            ("ip-src", "1.1.1.1"),
                            ("domain", "example.org"),
                            ("hostname", "mail.google.com"),
                            ("domain", "x.sinkhole.net"),
                            ("url", "https://bit.ly/abc"),
                            ("email-src", "noc@corp.net"),
                            ("ip-dst", "8.8.4.4"),
                        ],
                    ),
                ],
                &[('b', 1, &[("8.8.4.4", "ip-dst", "exact")])],
            )
        },
    ]
}

#[test]
fn each_rule_through_the_cli() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let files = write_events(dir.path(), &case.events);
        let mut import = vec!["import", "misp"];
        import.extend(files.iter().map(String::as_str));
        db_ok(dir.path(), &import);
        if !case.lists.is_empty() {
            std::fs::create_dir(dir.path().join("lists")).unwrap();
            for (name, json) in case.lists {
                std::fs::write(dir.path().join("lists").join(name), json).unwrap();
            }
        }
        for command in case.setup {
            db_ok(dir.path(), command);
        }
        let a = uuid('a');
        let mut args = vec!["correlate", a.as_str(), "--format", "jsonl"];
        args.extend(case.args);
        let got = db_run(dir.path(), &args, b"");
        let want: String = case.related.iter().map(line).collect();
        let code = if case.related.is_empty() { 1 } else { 0 };
        if (got.code, got.stdout.as_str(), got.stderr.as_str())
            != (Some(code), want.as_str(), case.notes)
        {
            failures.push(format!(
                "{}:\n  want {code} {want:?} {:?}\n  got  {:?} {:?} {:?}",
                case.name, case.notes, got.code, got.stdout, got.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

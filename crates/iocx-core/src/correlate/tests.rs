//! Rule-by-rule tests of the index and engine: each builds a few small
//! events and checks exactly which events relate, through which values.

use super::*;

/// (related uuid, shared count, [(value, relation name)]).
type RelatedRow = (String, usize, Vec<(String, &'static str)>);

fn event(uuid: &str, attributes: &[(&str, &str)]) -> EventInput {
    EventInput {
        uuid: uuid.to_string(),
        info: format!("info {uuid}"),
        disable_correlation: false,
        attributes: attributes
            .iter()
            .map(|(t, v)| AttributeInput::new(t, v))
            .collect(),
    }
}

/// The related events of `uuid` as (uuid, shared, [(value, relation)]).
fn related_with(
    index: &CorrelationIndex,
    uuid: &str,
    options: &CorrelationOptions,
    exclusions: &Exclusions,
) -> Vec<RelatedRow> {
    let id = index.find_uuid(uuid).unwrap();
    index
        .related(id, options, exclusions)
        .related
        .into_iter()
        .map(|r| {
            (
                index.uuid(r.event as EventId).to_string(),
                r.shared,
                r.values
                    .into_iter()
                    .map(|v| (v.value.to_string(), v.relation.name()))
                    .collect(),
            )
        })
        .collect()
}

fn related(index: &CorrelationIndex, uuid: &str) -> Vec<RelatedRow> {
    related_with(
        index,
        uuid,
        &CorrelationOptions::default(),
        &Exclusions::new(),
    )
}

fn pair(uuid: &str, shared: usize, values: &[(&str, &'static str)]) -> RelatedRow {
    (
        uuid.to_string(),
        shared,
        values.iter().map(|(v, r)| (v.to_string(), *r)).collect(),
    )
}

#[test]
fn exact_match_across_types_and_composite_parts() {
    let index = CorrelationIndex::build(&[
        event("a", &[("domain", "Evil.com"), ("sha256", "AA11")]),
        event("b", &[("hostname", "evil.com")]),
        event("c", &[("filename|sha256", "drop.exe|aa11")]),
        event("d", &[("text", "unrelated")]),
    ]);
    assert_eq!(
        related(&index, "a"),
        [
            pair("b", 1, &[("evil.com", "exact")]),
            pair("c", 1, &[("aa11", "exact")]),
        ]
    );
    assert_eq!(related(&index, "d"), []);
}

#[test]
fn primary_only_composites_and_non_correlating_types() {
    let index = CorrelationIndex::build(&[
        event("a", &[("ip-dst|port", "192.0.2.1|443"), ("port", "8080")]),
        event("b", &[("port", "443"), ("ip-dst", "192.0.2.1")]),
        event("c", &[("port", "8080"), ("comment", "8080")]),
        event("d", &[("hostname|port", "x.evil.com|443")]),
    ]);
    assert_eq!(
        related(&index, "a"),
        [pair("b", 1, &[("192.0.2.1", "exact")])]
    );
    assert_eq!(related(&index, "c"), []);
    assert_eq!(related(&index, "d"), []);
}

#[test]
fn disable_correlation_at_both_levels() {
    let mut disabled_attr = event("b", &[("domain", "evil.com")]);
    disabled_attr.attributes[0].disable_correlation = true;
    let mut disabled_event = event("c", &[("domain", "evil.com")]);
    disabled_event.disable_correlation = true;
    let index = CorrelationIndex::build(&[
        event("a", &[("domain", "evil.com")]),
        disabled_attr,
        disabled_event,
        event("d", &[("domain", "evil.com")]),
    ]);
    assert_eq!(
        related(&index, "a"),
        [pair("d", 1, &[("evil.com", "exact")])]
    );
    assert_eq!(related(&index, "b"), []);
    assert_eq!(related(&index, "c"), []);
}

#[test]
fn never_within_the_same_event() {
    let index = CorrelationIndex::build(&[event(
        "a",
        &[
            ("domain", "evil.com"),
            ("hostname", "evil.com"),
            ("ip-dst", "10.0.0.0/8"),
            ("ip-src", "10.1.1.1"),
        ],
    )]);
    assert_eq!(related(&index, "a"), []);
}

#[test]
fn cidr_containment_both_ways_v4_and_v6() {
    let index = CorrelationIndex::build(&[
        event(
            "ip",
            &[("ip-dst", "203.0.113.5"), ("ip-src", "2001:db8::7")],
        ),
        event("net4", &[("ip-dst", "203.0.113.0/24")]),
        event("net6", &[("ip-src", "2001:DB8::/32")]),
        event("other", &[("ip-dst", "198.51.100.0/24")]),
    ]);
    assert_eq!(
        related(&index, "ip"),
        [
            pair("net4", 1, &[("203.0.113.5", "cidr")]),
            pair("net6", 1, &[("2001:db8::7", "cidr")]),
        ]
    );
    assert_eq!(
        related(&index, "net4"),
        [pair("ip", 1, &[("203.0.113.0/24", "cidr")])]
    );
    assert_eq!(
        related(&index, "net6"),
        [pair("ip", 1, &[("2001:db8::/32", "cidr")])]
    );
}

#[test]
fn labelled_relations() {
    let index = CorrelationIndex::build(&[
        event(
            "url",
            &[
                ("url", "https://www.evil.com/gate.php"),
                ("url", "http://192.0.2.9:8080/x"),
            ],
        ),
        event(
            "host",
            &[("hostname", "www.evil.com"), ("ip-dst", "192.0.2.9")],
        ),
        event("reg", &[("domain", "evil.com")]),
        event("mail", &[("email-src", "bob@evil.com")]),
    ]);
    assert_eq!(
        related(&index, "url"),
        [pair(
            "host",
            2,
            &[
                ("http://192.0.2.9:8080/x", "url-host"),
                ("https://www.evil.com/gate.php", "url-host")
            ]
        )]
    );
    assert_eq!(
        related(&index, "reg"),
        [
            pair("host", 1, &[("evil.com", "registrable-domain")]),
            pair("mail", 1, &[("evil.com", "email-domain")]),
        ]
    );
    assert_eq!(
        related(&index, "mail"),
        [pair("reg", 1, &[("bob@evil.com", "email-domain")])]
    );
    let exact_only = CorrelationOptions {
        relations: "exact".parse().unwrap(),
        ..CorrelationOptions::default()
    };
    assert_eq!(
        related_with(&index, "url", &exact_only, &Exclusions::new()),
        []
    );
    let hosts: RelationSet = "url-host,cidr".parse().unwrap();
    assert!(hosts.contains(Relation::UrlHost) && !hosts.contains(Relation::Exact));
    assert!("exact,bogus".parse::<RelationSet>().is_err());
}

#[test]
fn over_correlation_cap_reports_the_value_once() {
    let mut events = vec![event("q", &[("domain", "popular.com"), ("md5", "ab")])];
    for i in 0..4 {
        events.push(event(&format!("f{i}"), &[("domain", "popular.com")]));
    }
    events.push(event("f9", &[("md5", "ab")]));
    let index = CorrelationIndex::build(&events);
    let options = CorrelationOptions {
        cap: 3,
        ..CorrelationOptions::default()
    };
    let found = index.related(index.find_uuid("q").unwrap(), &options, &Exclusions::new());
    assert_eq!(found.related.len(), 1);
    assert_eq!(index.uuid(found.related[0].event as EventId), "f9");
    assert_eq!(
        found.over_correlating,
        [OverCorrelation {
            value: "popular.com".into(),
            misp_type: "domain".into(),
            events: 4
        }]
    );
    let relaxed = CorrelationOptions {
        cap: 4,
        ..CorrelationOptions::default()
    };
    assert_eq!(index.corr_count(0, &relaxed, &Exclusions::new()), 5);
    assert_eq!(index.corr_count(0, &options, &Exclusions::new()), 1);
}

#[test]
fn exclusions_and_warninglists_name_what_matched() {
    let index = CorrelationIndex::build(&[
        event(
            "a",
            &[
                ("ip-dst", "8.8.8.8"),
                ("domain", "safe.example"),
                ("domain", "evil.com"),
                ("url", "https://tinyurl.com/abc"),
            ],
        ),
        event(
            "b",
            &[
                ("ip-dst", "8.8.8.8"),
                ("domain", "safe.example"),
                ("domain", "evil.com"),
                ("hostname", "tinyurl.com"),
            ],
        ),
    ]);
    let mut exclusions = Exclusions::new();
    exclusions.add_rule("%.example").unwrap();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    exclusions.add_warninglist(
        Warninglist::new(
            "public-dns-v4",
            WarninglistKind::Cidr,
            &strings(&["ip-dst"]),
            &strings(&["8.8.8.8"]),
        )
        .unwrap(),
    );
    exclusions.add_warninglist(
        Warninglist::new(
            "url-shortener",
            WarninglistKind::Hostname,
            &strings(&["url", "hostname"]),
            &strings(&["tinyurl.com"]),
        )
        .unwrap(),
    );
    let found = index.related(0, &CorrelationOptions::default(), &exclusions);
    let excluded: Vec<(String, String)> = found
        .excluded
        .iter()
        .map(|e| (e.value.clone(), e.reason.to_string()))
        .collect();
    assert_eq!(
        excluded,
        [
            (
                "8.8.8.8".to_string(),
                "warninglist public-dns-v4".to_string()
            ),
            (
                "safe.example".to_string(),
                "exclusion %.example".to_string()
            ),
            (
                "https://tinyurl.com/abc".to_string(),
                "warninglist url-shortener".to_string()
            ),
        ]
    );
    assert_eq!(
        related_with(&index, "a", &CorrelationOptions::default(), &exclusions),
        [pair("b", 1, &[("evil.com", "exact")])]
    );
}

#[test]
fn value_queries_and_search() {
    let index = CorrelationIndex::build(&[
        event(
            "a",
            &[("ip-dst|port", "10.0.0.1|80"), ("text", "Linux/SSHDoor.BO")],
        ),
        event("b", &[("domain|ip", "evil.com|10.0.0.1")]),
    ]);
    assert_eq!(index.events_with_value("10.0.0.1/32"), [(0, 0), (1, 0)]);
    assert_eq!(index.events_with_value("Linux/SSHDoor.BO"), [(0, 1)]);
    assert_eq!(index.events_with_value("linux/sshdoor.bo"), []);
    assert_eq!(index.events_with_value("EVIL.com"), [(1, 0)]);
    assert_eq!(index.attribute((1, 0)), ("domain|ip", "evil.com|10.0.0.1"));
    let values = [AttributeInput::new("ip-dst", "10.0.0.1")];
    let found =
        index.related_to_values(&values, &CorrelationOptions::default(), &Exclusions::new());
    assert_eq!(
        found.related.iter().map(|r| r.event).collect::<Vec<_>>(),
        [0, 1]
    );
    assert_eq!(index.attribute_count(), 3);
}

#[test]
fn graph_to_depth() {
    let index = CorrelationIndex::build(&[
        event("a", &[("domain", "one.com")]),
        event("b", &[("domain", "one.com"), ("md5", "ff")]),
        event("c", &[("md5", "ff"), ("sha1", "ee")]),
        event("d", &[("sha1", "ee")]),
    ]);
    let options = CorrelationOptions::default();
    let graph = CorrelationGraph::explore(&index, 0, 2, &options, &Exclusions::new());
    assert_eq!(graph.nodes, [(0, 0), (1, 1), (2, 2)]);
    assert_eq!(graph.edges.len(), 2);
    assert_eq!((graph.edges[1].from, graph.edges[1].to), (1, 2));
    let dot = graph.to_dot(|e| (index.uuid(e as EventId), index.info(e as EventId)));
    assert!(
        dot.contains("\"a\" [label=\"info a\", style=bold];"),
        "{dot}"
    );
    assert!(
        dot.contains("\"b\" -- \"c\" [label=\"1 (exact)\"];"),
        "{dot}"
    );
    let deep = CorrelationGraph::explore(&index, 0, 5, &options, &Exclusions::new());
    assert_eq!(deep.nodes.len(), 4);
    assert_eq!(deep.edges.len(), 3);
}

#[test]
fn the_related_attribute_is_the_first_of_the_event_that_matches() {
    // Postings come back newest first from the index and by id from the
    // store; either way the link names the event's first matching attribute.
    let index = CorrelationIndex::build(&[
        event("a", &[("domain", "evil.com")]),
        event(
            "b",
            &[
                ("md5", "ff"),
                ("hostname", "evil.com"),
                ("domain", "EVIL.com"),
            ],
        ),
    ]);
    let found = index.related(0, &CorrelationOptions::default(), &Exclusions::new());
    let links: Vec<(&str, u64)> = found.related[0]
        .values
        .iter()
        .map(|v| (v.relation.name(), v.other.attribute))
        .collect();
    assert_eq!(links, [("exact", 1)]);
}

//! The store against the in-memory index: same events, same answers; plus
//! re-import rules, schema versioning, exclusions and warninglists.

use iocx_core::correlate::{AttributeInput, CorrelationOptions, EventInput, Exclusions};
use iocx_store::{ImportOutcome, NewEvent, Store, StoreError, WarninglistFile};

fn new_event(uuid: &str, timestamp: i64, attributes: &[(&str, &str)]) -> NewEvent {
    NewEvent {
        event: EventInput {
            uuid: uuid.to_string(),
            info: format!("info {uuid}"),
            disable_correlation: false,
            attributes: attributes
                .iter()
                .map(|(t, v)| AttributeInput::new(t, v))
                .collect(),
        },
        date: "2024-01-02".to_string(),
        timestamp,
    }
}

fn sample_events() -> Vec<NewEvent> {
    vec![
        new_event(
            "e1",
            1,
            &[
                ("domain", "evil.com"),
                ("ip-dst", "203.0.113.5"),
                ("url", "http://www.evil.com/a"),
                ("port", "443"),
            ],
        ),
        new_event(
            "e2",
            1,
            &[
                ("hostname", "www.evil.com"),
                ("ip-dst", "203.0.113.0/24"),
                ("port", "443"),
            ],
        ),
        new_event(
            "e3",
            1,
            &[
                ("email-src", "bob@evil.com"),
                ("filename|sha256", "x.exe|AB12"),
            ],
        ),
        new_event(
            "e4",
            1,
            &[("sha256", "ab12"), ("ip-dst|port", "2001:db8::1|443")],
        ),
        new_event(
            "e5",
            1,
            &[("ip-src", "2001:DB8::/32"), ("text", "free text")],
        ),
    ]
}

/// (uuid, shared, [(value, relation)]) per related event.
type Summary = Vec<(String, usize, Vec<(String, String)>)>;

#[test]
fn store_and_index_agree_on_every_event() {
    let mut store = Store::open_in_memory().unwrap();
    let outcomes = store.import(&sample_events(), &mut |_| {}).unwrap();
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, ImportOutcome::Inserted(_))));
    let (index, ids) = store.build_index().unwrap();
    assert_eq!(index.event_count(), 5);
    assert_eq!(index.attribute_count(), 13);
    let options = CorrelationOptions::default();
    let exclusions = Exclusions::new();
    let mut total_related = 0;
    for (i, row) in store.events().unwrap().iter().enumerate() {
        assert_eq!(ids[i], row.id);
        let from_store = store.correlate_event(row, &options, &exclusions).unwrap();
        let from_index = index.related(i as u32, &options, &exclusions);
        let store_summary: Summary = from_store
            .related
            .iter()
            .map(|r| {
                let uuid = store.event(r.event as i64).unwrap().unwrap().uuid;
                (
                    uuid,
                    r.shared,
                    r.values
                        .iter()
                        .map(|v| (v.value.to_string(), v.relation.to_string()))
                        .collect(),
                )
            })
            .collect();
        let index_summary: Summary = from_index
            .related
            .iter()
            .map(|r| {
                let uuid = index.uuid(r.event as u32).to_string();
                (
                    uuid,
                    r.shared,
                    r.values
                        .iter()
                        .map(|v| (v.value.to_string(), v.relation.to_string()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(store_summary, index_summary, "event {}", row.uuid);
        total_related += store_summary.len();
    }
    // e1-e2 (url-host, registrable-domain, cidr), e1-e3 (email-domain),
    // e3-e4 (sha256 part), e4-e5 (cidr v6), each seen from both ends.
    assert_eq!(total_related, 8);
    let e1 = &store.resolve_event("e1").unwrap()[0];
    let found = store.correlate_event(e1, &options, &exclusions).unwrap();
    let relations: Vec<(String, String)> = found.related[0]
        .values
        .iter()
        .map(|v| (v.value.to_string(), v.relation.to_string()))
        .collect();
    assert_eq!(
        relations,
        [
            ("203.0.113.5".to_string(), "cidr".to_string()),
            ("evil.com".to_string(), "registrable-domain".to_string()),
            ("http://www.evil.com/a".to_string(), "url-host".to_string()),
        ]
    );
}

#[test]
fn reimport_replaces_only_when_newer() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(&[new_event("first", 1, &[("md5", "aa")])], &mut |_| {})
        .unwrap();
    let first = store
        .import(&[new_event("u", 10, &[("domain", "a.com")])], &mut |_| {})
        .unwrap();
    assert_eq!(first, [ImportOutcome::Inserted(2)]);
    let same = store
        .import(&[new_event("u", 10, &[("domain", "b.com")])], &mut |_| {})
        .unwrap();
    assert!(matches!(same[0], ImportOutcome::Unchanged(_)));
    let older = store
        .import(&[new_event("u", 9, &[("domain", "b.com")])], &mut |_| {})
        .unwrap();
    assert!(matches!(older[0], ImportOutcome::Outdated(_)));
    assert_eq!(store.search("a.com").unwrap().len(), 1);
    let newer = store
        .import(
            &[new_event("u", 11, &[("domain", "b.com"), ("md5", "ff")])],
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(newer, [ImportOutcome::Replaced(2)], "the id is kept");
    assert_eq!(store.search("a.com").unwrap().len(), 0);
    let hits = store.search("B.COM").unwrap();
    assert_eq!(
        (hits[0].event.uuid.as_str(), hits[0].event.attributes),
        ("u", 2)
    );
    assert_eq!(store.events().unwrap().len(), 2);
    let count = |sql: &str| -> i64 { store.connection().query_row(sql, [], |r| r.get(0)).unwrap() };
    // b.com: exact, host target, domain target; ff: exact.
    assert_eq!(
        count("SELECT COUNT(*) FROM attribute_keys WHERE event_id = 2"),
        4
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM attributes WHERE event_id = 2"),
        2
    );
}

#[test]
fn resolve_by_uuid_id_or_info() {
    let mut store = Store::open_in_memory().unwrap();
    store.import(&sample_events(), &mut |_| {}).unwrap();
    assert_eq!(store.resolve_event("e3").unwrap()[0].uuid, "e3");
    assert_eq!(store.resolve_event("2").unwrap()[0].uuid, "e2");
    assert_eq!(store.resolve_event("info e4").unwrap()[0].uuid, "e4");
    assert!(store.resolve_event("nope").unwrap().is_empty());
}

#[test]
fn newer_schema_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/iocx.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }));
    assert!(
        err.to_string()
            .contains("store schema version 99 is newer than this iocx supports (version 1)"),
        "{err}"
    );
    assert!(err.to_string().starts_with(&path.display().to_string()));
}

#[test]
fn exclusions_and_warninglists_persist() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("dns.json");
    std::fs::write(&list, r#"{"name": "public-dns-v4", "type": "cidr", "version": 3, "description": "d", "matching_attributes": ["ip-dst"], "list": ["8.8.8.8", "9.9.9.0/24"]}"#).unwrap();
    std::fs::write(dir.path().join("schema.json"), r#"{"type": "object"}"#).unwrap();
    let lists = WarninglistFile::read_dir(dir.path()).unwrap();
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].version, "3");
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    store.load_warninglist(&lists[0]).unwrap();
    assert!(store.add_exclusion("%.example", "lab").unwrap());
    assert!(!store.add_exclusion("%.example", "again").unwrap());
    assert!(store.add_exclusion("%", "").is_err());
    store
        .import(
            &[
                new_event(
                    "a",
                    1,
                    &[
                        ("ip-dst", "8.8.8.8"),
                        ("domain", "lab.example"),
                        ("md5", "aa"),
                    ],
                ),
                new_event(
                    "b",
                    1,
                    &[
                        ("ip-dst", "8.8.8.8"),
                        ("domain", "lab.example"),
                        ("md5", "aa"),
                    ],
                ),
            ],
            &mut |_| {},
        )
        .unwrap();
    drop(store);
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let exclusions = store.exclusions().unwrap();
    let a = &store.resolve_event("a").unwrap()[0];
    let found = store
        .correlate_event(a, &CorrelationOptions::default(), &exclusions)
        .unwrap();
    let reasons: Vec<String> = found
        .excluded
        .iter()
        .map(|e| format!("{} {}", e.value, e.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            "8.8.8.8 warninglist public-dns-v4",
            "lab.example exclusion %.example"
        ]
    );
    assert_eq!(found.related[0].shared, 1);
    let lists = store.warninglists().unwrap();
    assert_eq!(
        (lists[0].name.as_str(), lists[0].entries),
        ("public-dns-v4", 2)
    );
    assert!(store.remove_exclusion("%.example").unwrap());
    assert!(store.exclusion_rules().unwrap().is_empty());
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("x.json"), "{\n  \"name\": 1,").unwrap();
    let err = WarninglistFile::read_dir(&bad).unwrap_err().to_string();
    assert!(err.contains("x.json: line 2 column"), "{err}");
}

#[test]
fn the_graph_from_the_store_matches_the_index() {
    use iocx_core::correlate::CorrelationGraph;
    let mut store = Store::open_in_memory().unwrap();
    store.import(&sample_events(), &mut |_| {}).unwrap();
    let (index, ids) = store.build_index().unwrap();
    let options = CorrelationOptions::default();
    let exclusions = Exclusions::new();
    for depth in 0..4 {
        let in_memory = CorrelationGraph::explore(&index, 0, depth, &options, &exclusions);
        let from_store = CorrelationGraph::explore_with(ids[0] as u64, depth, |event| {
            let row = store.event(event as i64)?.expect("stored");
            store.correlate_event(&row, &options, &exclusions)
        })
        .unwrap();
        let uuid = |e: u64| store.event(e as i64).unwrap().unwrap().uuid;
        let store_view: Vec<(String, usize)> = from_store
            .nodes
            .iter()
            .map(|&(e, d)| (uuid(e), d))
            .collect();
        let index_view: Vec<(String, usize)> = in_memory
            .nodes
            .iter()
            .map(|&(e, d)| (index.uuid(e as u32).to_string(), d))
            .collect();
        assert_eq!(store_view, index_view, "depth {depth}");
        let store_edges: Vec<(String, String, usize)> = from_store
            .edges
            .iter()
            .map(|e| (uuid(e.from), uuid(e.to), e.shared))
            .collect();
        let index_edges: Vec<(String, String, usize)> = in_memory
            .edges
            .iter()
            .map(|e| {
                let u = |x: u64| index.uuid(x as u32).to_string();
                (u(e.from), u(e.to), e.shared)
            })
            .collect();
        assert_eq!(store_edges, index_edges, "depth {depth}");
    }
    // e1 reaches e2 and e3 directly, e4 through e3 and e5 through e4.
    let deep = CorrelationGraph::explore(&index, 0, 3, &options, &exclusions);
    assert_eq!(deep.nodes, [(0, 0), (1, 1), (2, 1), (3, 2), (4, 3)]);
}

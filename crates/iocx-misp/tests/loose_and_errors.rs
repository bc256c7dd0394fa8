//! MISP's loose typing, deleted and invalid attributes, and file-level errors
//! with their positions.

mod common;

use std::path::Path;

use common::fixture;
use iocx_misp::{read_event_file, read_events, MispError};

#[test]
fn loose_typing_fixture_values() {
    let file = read_event_file(&fixture("loose-typing.json")).unwrap();
    assert_eq!(file.events.len(), 3);
    let first = &file.events[0];
    assert_eq!(first.id.as_deref(), Some("12"));
    assert_eq!(first.timestamp, Some(1_700_000_000));
    assert!(first.published);
    assert!(!first.disable_correlation);
    assert_eq!(first.orgc.as_deref(), Some("ACME"));
    assert_eq!(
        first.tags,
        ["tlp:white", "misp-galaxy:threat-actor=\"Example Actor\""]
    );
    let kept: Vec<(&str, &str, bool)> = first
        .attributes
        .iter()
        .map(|a| (a.misp_type.as_str(), a.value.as_str(), a.to_ids))
        .collect();
    assert_eq!(
        kept,
        [
            ("ip-dst", "2001:db8::1", true),
            ("domain|ip", "evil.example.com|10.0.0.1", true),
            ("AS", "15169", false),
            ("url", "http://x.example/a", false),
            ("text", "5", false),
            ("domain", "example.org", false),
            (
                "sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                false
            ),
        ]
    );
    let ip = &first.attributes[0];
    assert_eq!(ip.timestamp, Some(1_700_000_001));
    assert_eq!(ip.category.as_deref(), Some("Network activity"));
    assert_eq!(
        ip.uuid.as_deref(),
        Some("a0000000-0000-4000-8000-000000000000")
    );
    assert_eq!(first.attributes[2].comment, "");
    assert_eq!(first.attributes[3].tags, ["kill-chain:c2"]);
    assert!(first.attributes[4].disable_correlation);
    assert_eq!(first.attributes[5].tags, ["linked-tag"]);
    assert_eq!(first.attributes[6].object_relation(), Some("sha256"));
    assert_eq!(first.objects[1].name, "ip-port");
    assert!(first.objects[1].deleted);

    assert_eq!(file.events[1].info, "second");
    assert!(file.events[1].attributes.is_empty());
    assert_eq!(file.events[2].info, "third, bare");
    assert_eq!(file.events[2].attributes[0].misp_type, "ssdeep");
}

#[test]
fn invalid_attributes_are_warned_with_their_json_path() {
    let path = fixture("loose-typing.json");
    let file = read_event_file(&path).unwrap();
    let warnings: Vec<(String, String)> = file
        .warnings
        .iter()
        .map(|w| (w.json_path.clone(), w.message.clone()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "[0].Event.Attribute[3]".to_string(),
                "composite type filename|sha256 needs exactly one `|` in its value, found 0: \"no-bar-in-this-value\"".to_string()
            ),
            ("[0].Event.Attribute[4]".to_string(), "md5 attribute has no value".to_string()),
            ("[0].Event.Attribute[5]".to_string(), "attribute has no type".to_string()),
            (
                "[0].Event.Attribute[6]".to_string(),
                "unknown MISP attribute type `not-a-misp-type`".to_string()
            ),
        ]
    );
    let shown = file.warnings[0].to_string();
    assert!(
        shown.starts_with(&format!("{}: [0].Event.Attribute[3]: ", path.display())),
        "{shown}"
    );
}

#[test]
fn attribute_paths_in_plain_wrappers() {
    let doc = br#"{"Event": {"info": "x", "Attribute": [
        {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"},
        {"type": "domain|ip", "value": "a.example|1.2.3.4|5"}],
        "Object": [{"name": "file", "Attribute": [{"type": "sha1"}]}]}}"#;
    let file = read_events(&doc[..], Path::new("mem.json")).unwrap();
    let paths: Vec<&str> = file.warnings.iter().map(|w| w.json_path.as_str()).collect();
    assert_eq!(
        paths,
        ["Event.Attribute[1]", "Event.Object[0].Attribute[0]"]
    );
    assert_eq!(file.counts.invalid, 2);
    assert_eq!(file.events[0].attributes.len(), 1);

    let doc = br#"{"response": [{"Event": {"Attribute": [{"value": "v"}]}}, {"Attribute": [{"type": "x-unknown", "value": "v"}]}]}"#;
    let file = read_events(&doc[..], Path::new("mem.json")).unwrap();
    let paths: Vec<&str> = file.warnings.iter().map(|w| w.json_path.as_str()).collect();
    assert_eq!(
        paths,
        ["response[0].Event.Attribute[0]", "response[1].Attribute[0]"]
    );
}

#[test]
fn an_attribute_of_the_wrong_shape_is_invalid_not_fatal() {
    let doc = br#"{"Event": {"Attribute": [42, {"type": "md5", "value": "00000000000000000000000000000000", "Tag": "not-a-list"}, {"type": "text", "value": "ok"}]}}"#;
    let file = read_events(&doc[..], Path::new("mem.json")).unwrap();
    assert_eq!(file.counts.attributes, 3);
    assert_eq!(file.counts.invalid, 2);
    assert_eq!(file.events[0].attributes[0].value, "ok");
    assert!(file.warnings[0]
        .message
        .starts_with("unreadable attribute: "));
}

#[test]
fn malformed_json_names_file_position_and_path() {
    let doc = b"{\"Event\": {\"info\": \"x\",\n \"Attribute\": [\n  {\"type\": \"md5\", \"value\": \"a\"},\n  {\"type\": ,}\n ]}}";
    let err = read_events(&doc[..], Path::new("bad.json")).unwrap_err();
    match &err {
        MispError::Json {
            path,
            json_path,
            line,
            column,
            ..
        } => {
            assert_eq!(path, Path::new("bad.json"));
            assert_eq!(json_path, "Event.Attribute[1].type");
            assert_eq!((*line, *column), (4, 12));
        }
        other => panic!("unexpected {other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.starts_with("bad.json:4:12: at Event.Attribute[1].type: "),
        "{shown}"
    );
    assert!(!shown.contains("at line"), "{shown}");
}

#[test]
fn wrong_shapes_fail_the_file() {
    let cases: [(&[u8], &str); 5] = [
        (b"\"just a string\"", ""),
        (b"{\"Event\": [1, 2]}", "Event"),
        (b"{\"response\": 5}", "response"),
        (b"[{\"Event\": {}}, 7]", "[1]"),
        (b"{\"Event\": {}} trailing", ""),
    ];
    for (doc, expected_path) in cases {
        let err = read_events(doc, Path::new("shape.json")).unwrap_err();
        match err {
            MispError::Json { json_path, .. } => {
                assert_eq!(json_path, expected_path, "{}", String::from_utf8_lossy(doc))
            }
            other => panic!("{}: unexpected {other:?}", String::from_utf8_lossy(doc)),
        }
    }
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let err = read_event_file(Path::new("/nonexistent/iocx/event.json")).unwrap_err();
    assert!(matches!(err, MispError::Io { .. }));
    assert!(err
        .to_string()
        .starts_with("/nonexistent/iocx/event.json: "));
}

#[test]
fn empty_document_shapes_hold_no_events_or_one_empty_event() {
    let file = read_events(&b"[]"[..], Path::new("m")).unwrap();
    assert_eq!(file.events.len(), 0);
    let file = read_events(&b"{\"response\": []}"[..], Path::new("m")).unwrap();
    assert_eq!(file.events.len(), 0);
    let file = read_events(&b"{}"[..], Path::new("m")).unwrap();
    assert_eq!(file.events.len(), 1);
    assert_eq!(file.counts.attributes, 0);
}

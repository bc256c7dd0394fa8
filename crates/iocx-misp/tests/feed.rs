//! Feed directories: manifest, event files, hashes.csv; reading and writing.

mod common;

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use common::{fixture, walk_file};
use iocx_misp::{read_event_file, read_feed, write_event, write_feed, Event, MispError};
use md5::{Digest, Md5};

fn md5_hex(value: &str) -> String {
    Md5::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn fixture_feed_reads_completely() {
    let dir = fixture("feed");
    let feed = read_feed(&dir).unwrap();
    assert!(feed.errors.is_empty(), "{:?}", feed.errors);
    let uuids: Vec<&str> = feed.manifest.iter().map(|m| m.uuid.as_str()).collect();
    assert_eq!(
        uuids,
        [
            "24e799ca-aad8-4244-8005-90b3ceb44540",
            "68f58844-4aa6-4e1c-8ee5-cfb58eb6665e",
            "6c1c6c4f-5cde-474f-bb69-8e5b8b041f81",
            "aacc7574-34ba-40fa-b39c-b682cea1387b",
            "dad88707-beb8-4a14-94e2-5ffecf5a5f85",
        ]
    );
    let dad = &feed.manifest[4];
    assert_eq!(dad.info, "c2_beacon_20230414_iocs");
    assert_eq!(dad.date.as_deref(), Some("2023-04-14"));
    assert_eq!(dad.timestamp, Some(1_715_767_121));
    assert_eq!(dad.orgc.as_deref(), Some("Infoblox"));
    assert_eq!(dad.tags, ["tlp:white", "infoblox"]);

    let mut walked = 0;
    for entry in &feed.manifest {
        walked += walk_file(&dir.join(format!("{}.json", entry.uuid))).attributes;
    }
    assert_eq!(feed.counts.events, 5);
    assert_eq!(feed.counts.attributes, walked);
    assert_eq!(feed.counts.attributes, 89);
    assert_eq!(feed.counts.invalid, 1);
    let warning = &feed.warnings[0];
    assert_eq!(warning.json_path, "Event.Attribute[28]");
    assert!(warning
        .path
        .ends_with("68f58844-4aa6-4e1c-8ee5-cfb58eb6665e.json"));

    // Every kept value (each half of a composite) is listed in hashes.csv
    // under its event.
    let lines = fs::read_to_string(dir.join("hashes.csv")).unwrap();
    assert_eq!(feed.hashes.len(), lines.lines().count());
    let listed: HashSet<(String, String)> = feed
        .hashes
        .iter()
        .map(|h| (h.md5.clone(), h.event_uuid.clone()))
        .collect();
    let mut checked = 0;
    for event in &feed.events {
        let uuid = event.uuid.clone().unwrap();
        for attribute in &event.attributes {
            let parts = match attribute.split() {
                Some((a, b)) => vec![a, b],
                None => vec![attribute.value.as_str()],
            };
            for part in parts {
                assert!(
                    listed.contains(&(md5_hex(part), uuid.clone())),
                    "{uuid} {part}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 88);
}

#[test]
fn a_missing_event_file_is_reported_and_the_rest_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("feed"), tmp.path());
    fs::remove_file(tmp.path().join("6c1c6c4f-5cde-474f-bb69-8e5b8b041f81.json")).unwrap();
    let feed = read_feed(tmp.path()).unwrap();
    assert_eq!(feed.events.len(), 4);
    assert_eq!(feed.errors.len(), 1);
    match &feed.errors[0] {
        MispError::MissingEventFile { uuid, path } => {
            assert_eq!(uuid, "6c1c6c4f-5cde-474f-bb69-8e5b8b041f81");
            assert!(path.ends_with("6c1c6c4f-5cde-474f-bb69-8e5b8b041f81.json"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_bad_hashes_csv_line_is_reported_with_its_line_number() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("feed"), tmp.path());
    fs::write(
        tmp.path().join("hashes.csv"),
        "d41d8cd98f00b204e9800998ecf8427e,x\nnot-a-hash,y\n",
    )
    .unwrap();
    let feed = read_feed(tmp.path()).unwrap();
    assert_eq!(feed.events.len(), 5);
    match &feed.errors[..] {
        [MispError::HashesCsv { line, .. }] => assert_eq!(*line, 2),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_directory_without_manifest_is_not_a_feed() {
    let tmp = tempfile::tempdir().unwrap();
    let err = read_feed(tmp.path()).unwrap_err();
    assert!(matches!(err, MispError::NotAFeed { .. }));
}

fn without_ids(mut events: Vec<Event>) -> Vec<Event> {
    // Ids belong to one MISP instance; feeds and iocx's output carry none.
    for event in &mut events {
        event.id = None;
    }
    events
}

#[test]
fn written_feed_reads_back_the_same_events() {
    let original = read_feed(&fixture("feed")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    write_feed(tmp.path(), &original.events).unwrap();
    let reread = read_feed(tmp.path()).unwrap();
    assert!(reread.errors.is_empty(), "{:?}", reread.errors);
    assert_eq!(reread.counts.invalid, 0);
    assert_eq!(
        without_ids(reread.events),
        without_ids(original.events.clone())
    );
    let entries: Vec<_> = reread
        .manifest
        .iter()
        .map(|m| (&m.uuid, &m.info, &m.tags))
        .collect();
    let expected: Vec<_> = original
        .manifest
        .iter()
        .map(|m| (&m.uuid, &m.info, &m.tags))
        .collect();
    assert_eq!(entries, expected);
    // Our hashes are those of the original feed minus the invalid attribute's.
    let ours: HashSet<_> = reread
        .hashes
        .iter()
        .map(|h| (&h.md5, &h.event_uuid))
        .collect();
    let theirs: HashSet<_> = original
        .hashes
        .iter()
        .map(|h| (&h.md5, &h.event_uuid))
        .collect();
    assert!(ours.is_subset(&theirs));
    assert_eq!(theirs.len() - ours.len(), 1);
}

#[test]
fn an_event_without_uuid_cannot_go_into_a_feed() {
    let tmp = tempfile::tempdir().unwrap();
    let event = Event {
        info: "no uuid".into(),
        ..Event::default()
    };
    let err = write_feed(tmp.path(), &[event]).unwrap_err();
    assert!(matches!(err, MispError::MissingUuid { .. }));
}

#[test]
fn written_event_with_objects_reads_back_the_same() {
    for name in [
        "eset-cloudmensis.json",
        "loose-typing.json",
        "eset-oceanlotus.json",
    ] {
        let original = read_event_file(&fixture(name)).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        for (index, event) in original.events.iter().enumerate() {
            let path = tmp.path().join(format!("{index}.json"));
            write_event(event, fs::File::create(&path).unwrap()).unwrap();
            let reread = read_event_file(&path).unwrap();
            assert_eq!(reread.counts.invalid, 0, "{name}");
            assert_eq!(
                without_ids(reread.events),
                without_ids(vec![event.clone()]),
                "{name} event {index}"
            );
        }
    }
}

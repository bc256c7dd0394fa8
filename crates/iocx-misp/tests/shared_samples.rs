//! Opt-in: every real MISP sample in the project's shared data folder parses
//! without error and its counts equal a plain JSON walk. Runs only with
//! `IOCX_SHARED=/path/to/shared` (the folder holding `misp/`).

mod common;

use std::path::PathBuf;

use common::walk_file;
use iocx_misp::{read_event_file, read_feed};

/// Not an event: an `/events/index` style list of event headers.
const NOT_AN_EVENT: &str = "pymisp-search_index_result.json";

fn shared_misp() -> Option<PathBuf> {
    let root = std::env::var_os("IOCX_SHARED")?;
    Some(PathBuf::from(root).join("misp"))
}

#[test]
fn every_shared_event_file_reads_with_walk_counts() {
    let Some(misp) = shared_misp() else {
        eprintln!("skipped: set IOCX_SHARED to the shared data folder to run");
        return;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(misp.join("events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| !p.ends_with(NOT_AN_EVENT))
        .collect();
    paths.sort();
    assert!(paths.len() >= 28, "found only {} files", paths.len());
    for path in &paths {
        let file = read_event_file(path).unwrap_or_else(|e| panic!("{e}"));
        let walked = walk_file(path);
        assert_eq!(file.counts.events, walked.events, "{}", path.display());
        assert_eq!(
            file.counts.attributes,
            walked.attributes,
            "{}",
            path.display()
        );
        assert_eq!(file.counts.objects, walked.objects, "{}", path.display());
    }
}

#[test]
fn shared_feed_reads_with_walk_counts() {
    let Some(misp) = shared_misp() else {
        eprintln!("skipped: set IOCX_SHARED to the shared data folder to run");
        return;
    };
    let dir = misp.join("feed");
    let feed = read_feed(&dir).unwrap();
    assert!(feed.errors.is_empty(), "{:?}", feed.errors);
    let mut events = 0;
    let mut attributes = 0;
    for entry in &feed.manifest {
        let walked = walk_file(&dir.join(format!("{}.json", entry.uuid)));
        events += walked.events;
        attributes += walked.attributes;
    }
    assert_eq!(feed.counts.events, events);
    assert_eq!(feed.counts.attributes, attributes);
    assert!(!feed.hashes.is_empty());
}

//! Extraction results → MISP event JSON → reader: the same indicators.

use std::collections::BTreeSet;
use std::path::Path;

use iocx_core::{IndicatorKind, Match, Span};
use iocx_misp::{event_from_matches, indicators_of, read_events, write_event};

/// Builds matches by hand over a defanged report line, since the extractor is
/// tested elsewhere; each value is the canonical form the extractor reports.
fn report_matches() -> (String, Vec<(Match, String)>) {
    let pieces: [(IndicatorKind, &str, &str); 18] = [
        (IndicatorKind::Ipv4, "45.77.12[.]9:8443", "45.77.12.9"),
        (IndicatorKind::Ipv6, "2001:db8::7", "2001:db8::7"),
        (IndicatorKind::Cidr, "198.51.100.0/24", "198.51.100.0/24"),
        (IndicatorKind::Domain, "evil[.]com", "evil.com"),
        (IndicatorKind::Domain, "cdn.evil[.]co.uk", "cdn.evil.co.uk"),
        (IndicatorKind::Url, "hxxps://evil[.]com/gate.php?id=1", "https://evil.com/gate.php?id=1"),
        (IndicatorKind::Email, "ops[@]evil[.]com", "ops@evil.com"),
        (IndicatorKind::Md5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
        (IndicatorKind::Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        (IndicatorKind::Sha224, "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"),
        (IndicatorKind::Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (IndicatorKind::Sha384, "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b", "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"),
        (IndicatorKind::Sha512, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
        (IndicatorKind::Ssdeep, "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"),
        (IndicatorKind::Cve, "cve-2017-0199", "CVE-2017-0199"),
        (IndicatorKind::Asn, "AS15169", "AS15169"),
        // Repeats collapse into one attribute.
        (IndicatorKind::Domain, "evil.com", "evil.com"),
        (IndicatorKind::Ipv4, "45.77.12.9", "45.77.12.9"),
    ];
    let mut text = String::from("Report: ");
    let mut matches = Vec::new();
    for (kind, raw, value) in pieces {
        let start = text.len();
        text.push_str(raw);
        let span = Span::new(start, text.len());
        text.push_str(" and ");
        let found = Match {
            kind,
            value: value.to_string(),
            span,
            defanged: raw.contains('['),
            port: raw
                .rsplit_once(':')
                .and_then(|(_, p)| p.parse().ok())
                .filter(|_| kind == IndicatorKind::Ipv4),
        };
        let raw_text = String::from_utf8(found.raw(text.as_bytes()).to_vec()).unwrap();
        matches.push((found, raw_text));
    }
    (text, matches)
}

#[test]
fn matches_survive_misp_json_and_back() {
    let (_, matches) = report_matches();
    let event = event_from_matches("iocx round trip", &matches);
    let mut json = Vec::new();
    write_event(&event, &mut json).unwrap();
    let file = read_events(&json[..], Path::new("roundtrip.json")).unwrap();
    assert_eq!(file.counts.invalid, 0);
    assert_eq!(file.events.len(), 1);
    let reread = &file.events[0];
    assert_eq!(reread, &event);
    assert_eq!(reread.info, "iocx round trip");

    let expected_types: BTreeSet<(String, String)> = [
        ("ip-dst", "45.77.12.9"),
        ("ip-dst", "2001:db8::7"),
        ("ip-dst", "198.51.100.0/24"),
        ("domain", "evil.com"),
        ("hostname", "cdn.evil.co.uk"),
        ("url", "https://evil.com/gate.php?id=1"),
        ("email-src", "ops@evil.com"),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e"),
        ("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("sha224", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"),
        ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("sha384", "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"),
        ("sha512", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
        ("ssdeep", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"),
        ("vulnerability", "CVE-2017-0199"),
        ("AS", "15169"),
    ]
    .iter()
    .map(|(t, v)| (t.to_string(), v.to_string()))
    .collect();
    let read_types: BTreeSet<(String, String)> = reread
        .attributes
        .iter()
        .map(|a| (a.misp_type.clone(), a.value.clone()))
        .collect();
    assert_eq!(read_types, expected_types);
    assert_eq!(reread.attributes.len(), expected_types.len());

    // And back to iocx kinds: exactly the distinct canonical matches.
    let original: BTreeSet<(IndicatorKind, String)> = matches
        .iter()
        .map(|(m, _)| (m.kind, m.value.clone()))
        .collect();
    let back: BTreeSet<(IndicatorKind, String)> =
        reread.attributes.iter().flat_map(indicators_of).collect();
    assert_eq!(back, original);
}

#[test]
fn attributes_carry_defaults_and_the_raw_text() {
    let (_, matches) = report_matches();
    let event = event_from_matches("defaults", &matches);
    let ip = &event.attributes[0];
    assert_eq!(ip.misp_type, "ip-dst");
    assert_eq!(ip.category.as_deref(), Some("Network activity"));
    assert!(ip.to_ids);
    assert_eq!(ip.comment, "45.77.12[.]9:8443");
    let email = event
        .attributes
        .iter()
        .find(|a| a.misp_type == "email-src")
        .unwrap();
    assert_eq!(email.category.as_deref(), Some("Payload delivery"));
    assert_eq!(email.comment, "ops[@]evil[.]com");
    let cve = event
        .attributes
        .iter()
        .find(|a| a.misp_type == "vulnerability")
        .unwrap();
    assert_eq!(cve.category.as_deref(), Some("External analysis"));
    assert!(!cve.to_ids);
    assert_eq!(cve.comment, "cve-2017-0199");

    let uuid = event.uuid.as_deref().unwrap();
    assert!(uuid::Uuid::parse_str(uuid).is_ok());
    let date = event.date.as_deref().unwrap();
    assert_eq!(date.len(), 10);
    assert_eq!(date.as_bytes()[4], b'-');
    let distinct: BTreeSet<_> = event.attributes.iter().map(|a| a.uuid.clone()).collect();
    assert_eq!(distinct.len(), event.attributes.len());
}

#[test]
fn written_json_has_the_misp_shape() {
    let (_, matches) = report_matches();
    let event = event_from_matches("shape", &matches[..1]);
    let value = iocx_misp::event_json(&event);
    let body = &value["Event"];
    assert_eq!(body["info"], "shape");
    assert!(body["uuid"].is_string());
    assert!(body["date"].is_string());
    let attribute = &body["Attribute"][0];
    let mut keys: Vec<&str> = attribute
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["category", "comment", "to_ids", "type", "uuid", "value"]
    );
    assert_eq!(attribute["to_ids"], true);
}

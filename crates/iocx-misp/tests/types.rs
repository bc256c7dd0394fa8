//! MISP type names and defaults against MISP's own describeTypes.json, and
//! the mapping to and from iocx kinds.

mod common;

use std::collections::BTreeSet;

use common::fixture;
use iocx_core::IndicatorKind;
use iocx_misp::{
    all_types, composite_parts, correlation, indicator_for, misp_type_for, type_defaults,
    Correlation, NON_CORRELATING_TYPES, PRIMARY_ONLY_TYPES,
};
use serde_json::Value;

fn describe_types() -> Value {
    let text = std::fs::read_to_string(fixture("describeTypes.json")).unwrap();
    let document: Value = serde_json::from_str(&text).unwrap();
    document["result"].clone()
}

fn known_types() -> BTreeSet<String> {
    describe_types()["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn type_table_equals_describe_types_defaults() {
    let described = describe_types();
    let defaults = described["sane_defaults"].as_object().unwrap();
    let ours: BTreeSet<String> = all_types().map(str::to_string).collect();
    assert_eq!(ours, known_types());
    assert_eq!(ours.len(), defaults.len());
    for (name, entry) in defaults {
        let ours = type_defaults(name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(ours.default_category, entry["default_category"], "{name}");
        assert_eq!(u64::from(ours.to_ids), entry["to_ids"], "{name}");
    }
    assert_eq!(type_defaults("no-such-type"), None);
}

#[test]
fn every_type_name_we_use_exists_in_describe_types() {
    let known = known_types();
    let samples = [
        "1.2.3.4",
        "::1",
        "10.0.0.0/8",
        "www.evil.com",
        "evil.com",
        "http://evil.com/",
        "a@evil.com",
    ];
    for kind in IndicatorKind::ALL {
        for value in samples {
            let name = misp_type_for(kind, value);
            assert!(known.contains(name), "{kind}: {name}");
        }
    }
    for name in NON_CORRELATING_TYPES.iter().chain(&PRIMARY_ONLY_TYPES) {
        assert!(known.contains(*name), "{name}");
    }
    for name in known.iter().filter(|n| n.contains('|')) {
        let (first, second) = composite_parts(name).unwrap();
        assert!(known.contains(first), "{name}: {first}");
        assert!(known.contains(second), "{name}: {second}");
    }
}

#[test]
fn correlation_marks() {
    assert_eq!(correlation("port"), Correlation::None);
    assert_eq!(correlation("comment"), Correlation::None);
    assert_eq!(correlation("ip-dst|port"), Correlation::PrimaryOnly);
    assert_eq!(correlation("hostname|port"), Correlation::PrimaryOnly);
    assert_eq!(correlation("domain|ip"), Correlation::Full);
    assert_eq!(correlation("text"), Correlation::Full);
}

#[test]
fn kind_to_misp_type() {
    let cases = [
        (IndicatorKind::Ipv4, "1.2.3.4", "ip-dst"),
        (IndicatorKind::Ipv6, "2001:db8::1", "ip-dst"),
        (IndicatorKind::Cidr, "10.0.0.0/8", "ip-dst"),
        (IndicatorKind::Domain, "evil.com", "domain"),
        (IndicatorKind::Domain, "evil.co.uk", "domain"),
        (IndicatorKind::Domain, "www.evil.com", "hostname"),
        (IndicatorKind::Domain, "a.b.evil.co.uk", "hostname"),
        (IndicatorKind::Domain, "x.github.io", "domain"),
        (IndicatorKind::Url, "http://evil.com/a", "url"),
        (IndicatorKind::Email, "a@evil.com", "email-src"),
        (IndicatorKind::Md5, "", "md5"),
        (IndicatorKind::Sha1, "", "sha1"),
        (IndicatorKind::Sha224, "", "sha224"),
        (IndicatorKind::Sha256, "", "sha256"),
        (IndicatorKind::Sha384, "", "sha384"),
        (IndicatorKind::Sha512, "", "sha512"),
        (IndicatorKind::Ssdeep, "", "ssdeep"),
        (IndicatorKind::Cve, "CVE-2017-0199", "vulnerability"),
        (IndicatorKind::Asn, "AS15169", "AS"),
    ];
    for (kind, value, expected) in cases {
        assert_eq!(misp_type_for(kind, value), expected, "{kind} {value}");
    }
}

#[test]
fn misp_type_to_kind() {
    let cases = [
        ("ip-dst", "1.2.3.4", Some((IndicatorKind::Ipv4, "1.2.3.4"))),
        (
            "ip-src",
            "2001:db8::1",
            Some((IndicatorKind::Ipv6, "2001:db8::1")),
        ),
        (
            "ip-dst",
            "10.0.0.0/8",
            Some((IndicatorKind::Cidr, "10.0.0.0/8")),
        ),
        ("ip-dst", "garbage", None),
        (
            "hostname",
            "www.evil.com",
            Some((IndicatorKind::Domain, "www.evil.com")),
        ),
        (
            "email-dst",
            "a@evil.com",
            Some((IndicatorKind::Email, "a@evil.com")),
        ),
        ("AS", "15169", Some((IndicatorKind::Asn, "AS15169"))),
        (
            "vulnerability",
            "CVE-2017-0199",
            Some((IndicatorKind::Cve, "CVE-2017-0199")),
        ),
        ("vulnerability", "MS17-010", None),
        ("filename", "a.exe", None),
        ("port", "443", None),
    ];
    for (misp_type, value, expected) in cases {
        let got = indicator_for(misp_type, value);
        let expected = expected.map(|(k, v)| (k, v.to_string()));
        assert_eq!(got, expected, "{misp_type} {value}");
    }
}

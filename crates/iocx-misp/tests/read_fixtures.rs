//! Reading real MISP files: counts against an independent JSON walk and
//! against known numbers, composite splits, galaxies, objects.

mod common;

use common::{fixture, walk_file};
use iocx_misp::{read_event_file, Counts, Event};

fn read(name: &str) -> iocx_misp::EventFile {
    read_event_file(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn counts(
    events: usize,
    attributes: usize,
    objects: usize,
    deleted: usize,
    invalid: usize,
) -> Counts {
    Counts {
        events,
        attributes,
        objects,
        deleted,
        invalid,
    }
}

fn only_event(file: &iocx_misp::EventFile) -> &Event {
    assert_eq!(file.events.len(), 1);
    &file.events[0]
}

#[test]
fn counts_match_known_numbers_and_a_plain_json_walk() {
    let cases = [
        ("eset-sshdoor-borleias.json", counts(1, 3, 0, 0, 0)),
        ("eset-sshdoor-coruscant.json", counts(1, 4, 0, 0, 0)),
        ("eset-sshdoor-kessel.json", counts(1, 8, 0, 0, 0)),
        ("eset-oceanlotus.json", counts(1, 111, 0, 0, 0)),
        ("eset-turla-outlook.json", counts(1, 12, 0, 0, 0)),
        ("eset-cloudmensis.json", counts(1, 22, 8, 0, 0)),
        ("pymisp-malware_exist.json", counts(1, 6, 1, 0, 0)),
        ("pymisp-misp_event.json", counts(1, 2, 0, 0, 0)),
        ("pymisp-shadow.json", counts(1, 3, 1, 0, 0)),
        ("pymisp-event_obj_attr_tag.json", counts(1, 2, 2, 0, 0)),
        ("loose-typing.json", counts(3, 16, 2, 4, 4)),
    ];
    for (name, expected) in cases {
        let file = read(name);
        assert_eq!(file.counts, expected, "{name}");
        let walked = walk_file(&fixture(name));
        assert_eq!(file.counts.events, walked.events, "{name}: events vs walk");
        assert_eq!(
            file.counts.attributes, walked.attributes,
            "{name}: attributes vs walk"
        );
        assert_eq!(
            file.counts.objects, walked.objects,
            "{name}: objects vs walk"
        );
        let live: usize = file.events.iter().map(|e| e.attributes.len()).sum();
        assert_eq!(
            live,
            expected.attributes - expected.deleted - expected.invalid,
            "{name}: kept attributes"
        );
        assert_eq!(file.warnings.len(), expected.invalid, "{name}: warnings");
    }
}

#[test]
fn wrapped_event_fields_and_composite_port() {
    let file = read("eset-sshdoor-borleias.json");
    let event = only_event(&file);
    assert_eq!(event.id.as_deref(), Some("277"));
    assert_eq!(event.date.as_deref(), Some("2018-10-10"));
    assert_eq!(event.orgc.as_deref(), Some("ESET"));
    let first = &event.attributes[0];
    assert_eq!(first.misp_type, "ip-dst|port");
    assert_eq!(first.value, "94.75.207.3|35247");
    assert_eq!(first.split(), Some(("94.75.207.3", "35247")));
    assert_eq!(first.value1(), "94.75.207.3");
    assert_eq!(first.value2(), Some("35247"));
    let simple = &event.attributes[2];
    assert_eq!(simple.misp_type, "sha1");
    assert_eq!(simple.value1(), "846cdb8cd32cac0bd6d739746f9368850ff5228d");
    assert_eq!(simple.value2(), None);
}

#[test]
fn domain_ip_and_regkey_value_split() {
    let file = read("eset-sshdoor-coruscant.json");
    let domain_ip = &only_event(&file).attributes[3];
    assert_eq!(domain_ip.misp_type, "domain|ip");
    assert_eq!(domain_ip.split(), Some(("patf.site90.net", "153.92.0.100")));

    let file = read("eset-oceanlotus.json");
    let event = only_event(&file);
    let regkey = &event.attributes[15];
    assert_eq!(regkey.misp_type, "regkey|value");
    assert_eq!(
        regkey.split(),
        Some((
            "HKCU\\SOFTWARE\\Classes\\AppXc52346ec40fb4061ad96be0e6cb7d16a\\DefaultIcon",
            "Data"
        ))
    );
    assert_eq!(
        event.attributes[16].split(),
        Some(("dwarduong.com", "46.183.78.191"))
    );
}

#[test]
fn galaxy_clusters_become_tags_once() {
    let file = read("eset-turla-outlook.json");
    let event = only_event(&file);
    assert_eq!(
        event.tags,
        [
            "misp-galaxy:threat-actor=\"Turla Group\"",
            "misp-galaxy:mitre-attack-pattern=\"Component Object Model Hijacking\"",
            "misp-galaxy:mitre-attack-pattern=\"Email Collection\"",
        ]
    );
    assert!(!event.published);
    assert_eq!(event.timestamp, Some(1_534_881_925));
}

#[test]
fn object_attributes_keep_object_name_relation_and_correlation_flag() {
    let file = read("eset-cloudmensis.json");
    let event = only_event(&file);
    assert_eq!(event.objects.len(), 8);
    assert_eq!(event.objects[0].name, "av-signature");
    let software = event
        .attributes
        .iter()
        .find(|a| a.object_relation() == Some("software"))
        .unwrap();
    assert_eq!(software.object_name(), Some("av-signature"));
    assert_eq!(software.value, "ESET");
    assert!(software.disable_correlation);
    let md5 = event
        .attributes
        .iter()
        .find(|a| a.object_name() == Some("file") && a.misp_type == "md5")
        .unwrap();
    assert_eq!(md5.value, "01c0b7c5bf605ed267b2be3d024eb90f");
    assert!(!md5.disable_correlation);
    assert_eq!(md5.object_relation(), Some("md5"));
}

#[test]
fn response_wrapper_around_a_bare_event() {
    let file = read("pymisp-malware_exist.json");
    let event = only_event(&file);
    assert_eq!(
        event.uuid.as_deref(),
        Some("5a4e4fdd-1eb4-4ff3-9e87-43fa950d210f")
    );
    assert_eq!(event.info, "Test existing malware PyMISP");
    let relations: Vec<_> = event
        .attributes
        .iter()
        .map(|a| (a.object_relation().unwrap(), a.misp_type.as_str()))
        .collect();
    assert_eq!(
        relations,
        [
            ("malware-sample", "malware-sample"),
            ("filename", "filename"),
            ("md5", "md5"),
            ("sha1", "sha1"),
            ("sha256", "sha256"),
            ("size-in-bytes", "size-in-bytes"),
        ]
    );
}

#[test]
fn shadow_attributes_are_not_attributes() {
    let file = read("pymisp-shadow.json");
    let event = only_event(&file);
    let values: Vec<_> = event.attributes.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(values, ["blah.exe", "baz.png", "Malicious"]);
}

#[test]
fn object_only_document_without_event_fields() {
    let file = read("pymisp-event_obj_attr_tag.json");
    let event = only_event(&file);
    assert_eq!(event.uuid, None);
    assert_eq!(event.info, "");
    let filename = &event.attributes[0];
    assert_eq!(filename.value, "bar");
    assert_eq!(filename.tags, ["blah"]);
    assert!(filename.disable_correlation);
    assert!(filename.to_ids);
    assert_eq!(event.attributes[1].value, "https://www.circl.lu");
}

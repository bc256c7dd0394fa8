//! Prints a MISP event built from hand-made extraction results, one per
//! indicator kind, for checking the output with PyMISP
//! (`tests/pymisp_load.py`) until `iocx extract --format misp` can be used.
//! With a MISP JSON file as argument, it instead re-writes that file's first
//! event (objects and tags included) the way iocx writes events.

use iocx_core::{IndicatorKind, Match, Span};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(path) = std::env::args_os().nth(1) {
        let file = iocx_misp::read_event_file(std::path::Path::new(&path))?;
        let event = file.events.first().ok_or("no event in the file")?;
        iocx_misp::write_event(event, std::io::stdout().lock())?;
        return Ok(());
    }
    let samples = [
        (IndicatorKind::Ipv4, "45.77.12[.]9:8443", "45.77.12.9"),
        (IndicatorKind::Ipv6, "2001:db8::7", "2001:db8::7"),
        (IndicatorKind::Cidr, "198.51.100.0/24", "198.51.100.0/24"),
        (IndicatorKind::Domain, "evil[.]com", "evil.com"),
        (IndicatorKind::Domain, "cdn.evil[.]co.uk", "cdn.evil.co.uk"),
        (
            IndicatorKind::Url,
            "hxxps://evil[.]com/gate.php",
            "https://evil.com/gate.php",
        ),
        (IndicatorKind::Email, "ops[@]evil[.]com", "ops@evil.com"),
        (
            IndicatorKind::Md5,
            "d41d8cd98f00b204e9800998ecf8427e",
            "d41d8cd98f00b204e9800998ecf8427e",
        ),
        (
            IndicatorKind::Sha1,
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        ),
        (
            IndicatorKind::Sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            IndicatorKind::Ssdeep,
            "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
            "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
        ),
        (IndicatorKind::Cve, "CVE-2017-0199", "CVE-2017-0199"),
        (IndicatorKind::Asn, "AS15169", "AS15169"),
    ];
    let mut text = String::new();
    let mut matches = Vec::new();
    for (kind, raw, value) in samples {
        let start = text.len();
        text.push_str(raw);
        text.push('\n');
        let found = Match {
            kind,
            value: value.to_string(),
            span: Span::new(start, start + raw.len()),
            defanged: raw.contains('['),
            port: None,
        };
        matches.push((found, raw.to_string()));
    }
    let event = iocx_misp::event_from_matches("iocx sample event", &matches);
    iocx_misp::write_event(&event, std::io::stdout().lock())?;
    Ok(())
}

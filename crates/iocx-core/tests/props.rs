//! Property tests: defanging round-trips through `refang` and through the
//! extractor for generated indicators of every kind, spans always slice the
//! input, and arbitrary bytes never panic and only yield values that
//! re-validate as their kind.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use iocx_core::{defang, refang, Extractor, ExtractorBuilder, IndicatorKind, Match, Strictness};
use proptest::prelude::*;

/// A generated indicator in its canonical form.
#[derive(Clone, Debug)]
struct Indicator {
    kind: IndicatorKind,
    value: String,
}

/// Defang tokens a generated label must not contain by accident, or the
/// refanger would rightly turn them into something else.
const DEFANG_LOOKALIKES: [&str; 7] = ["http", "hxxp", "hxtp", "htxp", "meow", "fxp", "dot"];

fn plain_word(pattern: &'static str) -> impl Strategy<Value = String> {
    pattern.prop_filter("contains a defang token", |w| {
        let lower = w.to_ascii_lowercase();
        !DEFANG_LOOKALIKES.iter().any(|t| lower.contains(t))
    })
}

fn label() -> impl Strategy<Value = String> {
    plain_word("[a-z][a-z0-9]{0,9}(-[a-z0-9]{1,6})?")
}

fn domain_name() -> impl Strategy<Value = String> {
    let suffix = prop::sample::select(vec![
        "com", "net", "org", "io", "ru", "info", "co.uk", "de", "xyz", "top",
    ]);
    (prop::collection::vec(label(), 1..4), suffix)
        .prop_map(|(labels, suffix)| format!("{}.{suffix}", labels.join(".")))
        // Technology names the extractor turns down by design (`ASP.NET`);
        // `j.net` alone came up about once in twenty runs.
        .prop_filter("a technology name", |d| {
            !["asp.net", "vb.net", "ado.net", "j.net"].contains(&d.as_str())
        })
}

fn ipv4_text() -> impl Strategy<Value = String> {
    any::<u32>().prop_map(|n| Ipv4Addr::from(n).to_string())
}

/// Global-unicast-looking addresses with zero runs, printed by the standard
/// library, whose `Display` follows RFC 5952.
fn ipv6_text() -> impl Strategy<Value = String> {
    let group = prop_oneof![Just(0u16), Just(1u16), any::<u16>()];
    (0x2000u16..=0x3fff, prop::collection::vec(group, 7)).prop_map(|(first, rest)| {
        let mut groups = [0u16; 8];
        groups[0] = first;
        groups[1..].copy_from_slice(&rest);
        Ipv6Addr::from(groups).to_string()
    })
}

fn cidr_text() -> impl Strategy<Value = String> {
    let v4 = (any::<u32>(), 8u32..=32).prop_map(|(n, len)| {
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        format!("{}/{len}", Ipv4Addr::from(n & mask))
    });
    let v6 =
        (0x2000u16..=0x3fff, any::<u16>(), any::<u16>(), 16u32..=64).prop_map(|(a, b, c, len)| {
            let n = (u128::from(a) << 112) | (u128::from(b) << 96) | (u128::from(c) << 80);
            let mask = u128::MAX << (128 - len);
            format!("{}/{len}", Ipv6Addr::from(n & mask))
        });
    prop_oneof![v4, v6]
}

fn url_text() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["http", "https"]);
    let host = prop_oneof![3 => domain_name(), 1 => ipv4_text()];
    let port = prop::option::of(1u16..=65535);
    let segments = prop::collection::vec(plain_word("[A-Za-z0-9_-]{1,8}"), 0..4);
    let ext = prop::sample::select(vec!["", ".php", ".exe", ".html", ".bin"]);
    let query = prop::option::of(plain_word("[a-z]{1,5}=[A-Za-z0-9]{1,6}"));
    (scheme, host, port, segments, ext, query).prop_map(
        |(scheme, host, port, segments, ext, query)| {
            let mut url = format!("{scheme}://{host}");
            if let Some(p) = port {
                url.push_str(&format!(":{p}"));
            }
            if !segments.is_empty() {
                url.push('/');
                url.push_str(&segments.join("/"));
                url.push_str(ext);
            }
            if let Some(q) = query {
                if segments.is_empty() {
                    url.push('/');
                }
                url.push('?');
                url.push_str(&q);
            }
            url
        },
    )
}

fn email_text() -> impl Strategy<Value = String> {
    (
        plain_word("[a-z][a-z0-9]{0,7}([._+-][a-z0-9]{1,6})?"),
        domain_name(),
    )
        .prop_map(|(local, domain)| format!("{local}@{domain}"))
}

fn indicator() -> impl Strategy<Value = Indicator> {
    fn of(
        kind: IndicatorKind,
        s: impl Strategy<Value = String>,
    ) -> impl Strategy<Value = Indicator> {
        s.prop_map(move |value| Indicator { kind, value })
    }
    prop_oneof![
        of(IndicatorKind::Domain, domain_name()),
        of(IndicatorKind::Ipv4, ipv4_text()),
        of(IndicatorKind::Ipv6, ipv6_text()),
        of(IndicatorKind::Cidr, cidr_text()),
        of(IndicatorKind::Url, url_text()),
        of(IndicatorKind::Email, email_text()),
        of(IndicatorKind::Md5, "[0-9a-f]{32}"),
        of(IndicatorKind::Sha1, "[0-9a-f]{40}"),
        of(IndicatorKind::Sha224, "[0-9a-f]{56}"),
        of(IndicatorKind::Sha256, "[0-9a-f]{64}"),
        of(IndicatorKind::Sha384, "[0-9a-f]{96}"),
        of(IndicatorKind::Sha512, "[0-9a-f]{128}"),
        of(IndicatorKind::Cve, "CVE-(1999|20[0-2][0-9])-[0-9]{4,7}"),
        // One digit glued (`AS3`) reads as ActionScript to the guards.
        of(IndicatorKind::Asn, "AS[1-9][0-9]{1,5}"),
    ]
}

/// Contexts an indicator is written in; `{}` marks the indicator.
const SENTENCES: [&str; 7] = [
    "Beacon traffic to {} was observed by the sensor.",
    "The payload came from {}.",
    "IOC: {}\n",
    "({})",
    "\"{}\", then nothing",
    "| {} | C2 |",
    "{}",
];

fn pairs(matches: &[Match]) -> BTreeSet<(IndicatorKind, String)> {
    matches.iter().map(|m| (m.kind, m.value.clone())).collect()
}

/// Spans are non-empty, inside the input, in input order, and cut no UTF-8
/// character of a valid UTF-8 input.
fn check_spans(input: &[u8], matches: &[Match]) -> Result<(), TestCaseError> {
    let text = std::str::from_utf8(input).ok();
    let mut previous_start = 0;
    for m in matches {
        prop_assert!(m.span.start < m.span.end, "empty span {:?}", m);
        prop_assert!(m.span.end <= input.len(), "span past the end {:?}", m);
        prop_assert!(m.span.start >= previous_start, "out of input order {:?}", m);
        previous_start = m.span.start;
        if let Some(t) = text {
            prop_assert!(
                t.is_char_boundary(m.span.start) && t.is_char_boundary(m.span.end),
                "span cuts a character {:?}",
                m
            );
        }
    }
    Ok(())
}

/// Extracting a match's value on its own finds the same kind and value.
/// The check is syntactic (lenient strictness): the context guards judge a
/// value by the text around it, and a defanged value skipped them.
fn check_revalidates(_extractor: &Extractor, matches: &[Match]) -> Result<(), TestCaseError> {
    let extractor = ExtractorBuilder::new()
        .strictness(Strictness::Lenient)
        .build();
    for m in matches {
        let again = pairs(&extractor.find_all(m.value.as_bytes()));
        prop_assert!(
            again.contains(&(m.kind, m.value.clone())),
            "{} `{}` does not re-validate on its own (got {:?})",
            m.kind,
            m.value,
            again
        );
    }
    Ok(())
}

fn ioc_soup() -> impl Strategy<Value = Vec<u8>> {
    let token = prop::sample::select(vec![
        "a", "evil", "x9", "com", "net", "co.uk", ".", "[.]", "(.)", "[dot]", " ", "\n", "-", "_",
        "/", ":", "::", "[:]", "://", "@", "[@]", "hxxp", "http", "https", "1", "25", "255", "0",
        "10", "300", "fe80", "db8", "ff", "deadbeef", "0x", "CVE-", "2024", "AS", "ASN ", "?", "#",
        "=", "(", ")", "[", "]", "\"", "'", ",", "%2F", "\\", "\u{3002}", "\u{fffd}", "\0", "é",
        "\u{200B}", "\u{AD}",
    ]);
    prop::collection::vec(token, 0..80).prop_map(|tokens| tokens.concat().into_bytes())
}

/// `ioc`, written as `written` in `sentence`, is found alone, with a span
/// that slices what was written and the defanged flag given.
fn finds_as_written(
    ioc: &Indicator,
    sentence: &str,
    written: &str,
    defanged: bool,
) -> Result<(), TestCaseError> {
    let input = sentence.replacen("{}", written, 1);
    let matches = Extractor::new().find_all(input.as_bytes());
    check_spans(input.as_bytes(), &matches)?;
    let expected = BTreeSet::from([(ioc.kind, ioc.value.clone())]);
    prop_assert_eq!(pairs(&matches), expected, "input {:?}", input);
    for m in &matches {
        prop_assert_eq!(
            m.raw(input.as_bytes()),
            written.as_bytes(),
            "input {:?}",
            input
        );
        prop_assert_eq!(m.defanged, defanged, "input {:?}", input);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn refang_undoes_defang(ioc in indicator()) {
        prop_assert_eq!(refang(&defang(&ioc.value)), ioc.value);
    }

    #[test]
    fn extractor_recovers_a_defanged_indicator(
        ioc in indicator(),
        sentence in prop::sample::select(SENTENCES.to_vec()),
    ) {
        let written = defang(&ioc.value);
        let defanged = written != ioc.value;
        finds_as_written(&ioc, sentence, &written, defanged)?;
    }

    #[test]
    fn extractor_finds_a_plain_indicator(
        ioc in indicator(),
        sentence in prop::sample::select(SENTENCES.to_vec()),
    ) {
        finds_as_written(&ioc, sentence, &ioc.value, false)?;
    }

    #[test]
    fn extractor_reads_through_zero_width_spaces(
        ioc in indicator(),
        sentence in prop::sample::select(SENTENCES.to_vec()),
    ) {
        // As a web page writes a long list so that it wraps.
        let written = ioc.value.replace('.', ".\u{200B}");
        finds_as_written(&ioc, sentence, &written, false)?;
    }

    #[test]
    fn arbitrary_bytes_yield_sound_matches(input in prop::collection::vec(any::<u8>(), 0..2000)) {
        let extractor = Extractor::new();
        let matches = extractor.find_all(&input);
        check_spans(&input, &matches)?;
        check_revalidates(&extractor, &matches)?;
    }

    #[test]
    fn indicator_like_soup_yields_sound_matches(input in ioc_soup()) {
        let extractor = Extractor::new();
        let matches = extractor.find_all(&input);
        check_spans(&input, &matches)?;
        check_revalidates(&extractor, &matches)?;
    }
}

/// The soup generator must reach the extractor's interesting paths; this pins
/// one hand-made soup sentence so a silent generator change is noticed.
#[test]
fn soup_tokens_can_form_an_indicator() {
    let input = b"evil[.]com hxxp://x9[.]net/a 10.25.0.255 CVE-2024-0000";
    let found = pairs(&Extractor::new().find_all(input));
    let want: BTreeSet<_> = [
        (IndicatorKind::Domain, "evil.com".to_string()),
        (IndicatorKind::Url, "http://x9.net/a".to_string()),
        (IndicatorKind::Ipv4, "10.25.0.255".to_string()),
        (IndicatorKind::Cve, "CVE-2024-0000".to_string()),
    ]
    .into();
    assert_eq!(found, want);
}

//! The anchor scanner's own tests: the anchors the classification leaves
//! out find nothing.

use super::*;
use crate::extract::Strictness;

/// The candidates of one scan over `text`'s view, handed either the
/// anchors of [`classify::Anchor`] or every `.`, `:` and `@`.
fn scan(text: &[u8], every_anchor: bool) -> Vec<(IndicatorKind, String, usize, usize)> {
    let view = View::new(text);
    let settings = Settings {
        all_parts: true,
        strictness: Strictness::Normal,
    };
    let mut scanner = Scanner::new(&view, &settings);
    if every_anchor {
        let mut pos = 0;
        for (p, b) in view.text().iter().enumerate() {
            if matches!(b, b'.' | b':' | b'@') {
                scanner.visit(p, &mut pos);
            }
        }
    } else {
        scanner.run();
    }
    let out = &scanner.out;
    out.list
        .iter()
        .map(|f| {
            (
                f.kind,
                out.values[f.value.clone()].to_string(),
                f.start,
                f.end,
            )
        })
        .collect()
}

proptest::proptest! {
    /// The anchors the classification leaves out (a dot or colon before
    /// a space or punctuation up to `,`) change nothing: scanning every
    /// `.`, `:` and `@` finds the same candidates.
    #[test]
    fn left_out_anchors_find_nothing(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                ". ", ": ", ".\n", ":\n", ".)", ":)", ".,", ":,", ".\"", ":'", "(", " ",
                "evil.com", "1.2.3.4", "fe80::1", "2001:db8::", "::", "http://", "hxxp:",
                "3072:abcDEF+/:xyz", "user@", "mail.", "10.0.0.", "/24", "ab:cd", "Note",
                "x.y", "@evil.org", "12:34", "www.", ":8080", "dead:beef", "a", "0", "-",
            ]),
            0..60,
        ),
    ) {
        let text = pieces.concat();
        proptest::prop_assert_eq!(
            scan(text.as_bytes(), false),
            scan(text.as_bytes(), true),
            "{:?}",
            text
        );
    }
}

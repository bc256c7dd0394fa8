//! Version numbers that parse as IPv4 addresses: `version 1.2.3.4`,
//! `Flash Player 21.0.0.226`, `WinHttp/1.6.3.8`.
//!
//! A four-part version is a valid dotted quad, and reports quote many
//! (Flash Player advisories above all). An undefanged quad is taken for a
//! version when a labelling word comes right before it, a User-Agent's
//! product token, an advisory's phrase (`prior to`, `fixed in`, `update
//! to`) or its range (`… and earlier`, `… or later`).

use super::context::{in_list, word_after, word_before};

/// Words after which a dotted quad is a version number.
const VERSION_WORDS: &[&str] = &[
    "version",
    "versions",
    "ver",
    "v",
    "build",
    "release",
    "rel",
    "rev",
    "revision",
    "firmware",
    "fw",
    "update",
    "patch",
    "kb",
    "driver",
    "agent",
    "sdk",
    "os",
    "kernel",
    "windows",
    "chrome",
    "firefox",
    "edge",
    "office",
    "java",
    "python",
    "openssl",
    "android",
    "ios",
    "macos",
    "release:",
    "released",
    "before",
    "flash",
    "player",
    "runtime",
    "air",
    "nuget",
    "package",
    "assemblyversion",
    "fileversion",
    "productversion",
];

/// Second words of the phrases that end right before a version
/// (`prior to`, `update to`, `fixed in`), each with the first words it
/// takes. Neither word alone says version: `download from`, `logged in`.
const VERSION_PHRASES: &[(&str, &[&str])] = &[
    (
        "to",
        &[
            "prior",
            "update",
            "updated",
            "upgrade",
            "upgraded",
            "updating",
            "upgrading",
        ],
    ),
    ("in", &["fixed", "patched", "resolved", "addressed"]),
];

/// Words after `and`/`or` that close a range of versions (`21.0.0.197
/// and earlier`, `5.4.0.7 and later`).
const RANGE_ENDS: &[&str] = &[
    "earlier", "later", "below", "prior", "newer", "older", "above",
];

/// True when the dotted quad `text[start..end]` reads as a version number.
pub(crate) fn is_version_number(text: &[u8], start: usize, end: usize) -> bool {
    let before = word_before(text, start);
    if follows_product_token(text, start) || in_list(before, VERSION_WORDS) {
        return true;
    }
    if let Some((_, firsts)) = VERSION_PHRASES
        .iter()
        .find(|(second, _)| in_list(before, &[second]))
    {
        if in_list(word_before(text, offset_in(text, before)), firsts) {
            return true;
        }
    }
    let after = word_after(text, end);
    if !in_list(after, &["and", "or"]) {
        return false;
    }
    let range_end = word_after(text, offset_in(text, after) + after.len());
    if !in_list(range_end, RANGE_ENDS) {
        return false;
    }
    // `1.2.3.4 and later switched to …` is a story, not a range: a range
    // ends the clause or names what it counts.
    let next = word_after(text, offset_in(text, range_end) + range_end.len());
    next.is_empty()
        || in_list(
            next,
            &[
                "and", "or", "version", "versions", "release", "releases", "builds",
            ],
        )
}

/// Where the subslice `part` of `text` starts.
fn offset_in(text: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

/// True when a capitalised product name and a slash come right before
/// `start`, as User-Agents write versions (`WinHttp/1.6.3.8`,
/// `Chrome/131.0.0.0`). A path segment (`/dev/tcp/`, `/UploadFiles/`) and a
/// URL's `//` are no product token.
fn follows_product_token(text: &[u8], start: usize) -> bool {
    if start < 2 || text[start - 1] != b'/' {
        return false;
    }
    let end = start - 1;
    let mut s = end;
    while s > 0 && text[s - 1].is_ascii_alphanumeric() && end - s < 32 {
        s -= 1;
    }
    s < end && text[s].is_ascii_uppercase() && (s == 0 || text[s - 1] != b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let check = |text: &str| {
            let start = text.find("1.2").unwrap();
            is_version_number(text.as_bytes(), start, start + 7)
        };
        assert!(check("version 1.2.3.4"));
        assert!(check("Version: 1.2.3.4"));
        assert!(check("versions prior to 1.2.3.4 are"));
        assert!(check("1.2.3.4 and earlier, and"));
        assert!(check("1.2.3.4 and earlier versions"));
        assert!(!check("C2 1.2.3.4"));
        assert!(!check("downloaded from 1.2.3.4 and"));
        assert!(!check("connects to 1.2.3.4 and later switched"));
    }
}

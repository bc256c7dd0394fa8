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

/// How many items back a list of versions is followed (`versions 6.1.0.2,
/// 6.2.0.1, 6.3.0.0 and 7.0.0.0`): a bound keeps a long list of addresses
/// from being walked back once per address.
const LIST_DEPTH: usize = 6;

/// True when the dotted quad `text[start..end]` reads as a version number.
pub(crate) fn is_version_number(text: &[u8], start: usize, end: usize) -> bool {
    is_version_at_depth(text, start, end, LIST_DEPTH)
}

fn is_version_at_depth(text: &[u8], start: usize, end: usize, depth: usize) -> bool {
    let before = word_before(text, start);
    if follows_product_token(text, start) || in_list(before, VERSION_WORDS) {
        return true;
    }
    if depth > 0 && continues_version_list(text, start, before, depth) {
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

/// True when the item before `start` in a list (`A and B`, `A or B`,
/// `A, B`) is a version: the dotted quad `A` reads as one, or `A` has more
/// than four parts (`11.1.2.1.0`), which no address has.
fn continues_version_list(text: &[u8], start: usize, before: &[u8], depth: usize) -> bool {
    let mut i = start;
    if in_list(before, &["and", "or"]) {
        i = offset_in(text, before);
    }
    while i > 0 && text[i - 1] == b' ' {
        i -= 1;
    }
    if i > 0 && text[i - 1] == b',' {
        i -= 1;
    } else if i == start {
        return false; // neither a conjunction nor a comma
    }
    let end = i;
    let mut s = end;
    while s > 0 && (text[s - 1].is_ascii_digit() || text[s - 1] == b'.') && end - s < 24 {
        s -= 1;
    }
    if s == end || s > 0 && (text[s - 1].is_ascii_alphanumeric() || text[s - 1] == b'.') {
        return false;
    }
    let item = &text[s..end];
    let dots = item.iter().filter(|&&b| b == b'.').count();
    if item[0] == b'.' || item[item.len() - 1] == b'.' || dots < 3 {
        return false;
    }
    dots > 3 || is_version_at_depth(text, s, end, depth - 1)
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
        assert!(check("versions 9.9.9.9 and 1.2.3.4 are"));
        assert!(check("versions 9.9.9.9, 8.8.8.8, 1.2.3.4 are"));
        assert!(check("versions 11.4.2.1.0, 1.2.3.4 are"));
        assert!(!check("C2 9.9.9.9 and 1.2.3.4"));
        assert!(!check("version 2, 1.2.3.4"));
    }
}

//! Version numbers that parse as IPv4 addresses: `version 1.2.3.4`,
//! `Flash Player 21.0.0.226`, `WinHttp/1.6.3.8`.
//!
//! A four-part version is a valid dotted quad, and reports quote many
//! (Flash Player advisories above all). An undefanged quad is taken for a
//! version when a labelling word comes right before it, or a User-Agent's
//! product token.

use super::context::{in_list, word_before};

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

/// True when the dotted quad at `start` follows a word that makes it a version.
pub(crate) fn is_version_number(text: &[u8], start: usize) -> bool {
    follows_product_token(text, start) || in_list(word_before(text, start), VERSION_WORDS)
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
        assert!(is_version_number(b"version 1.2.3.4", 8));
        assert!(is_version_number(b"Version: 1.2.3.4", 9));
        assert!(!is_version_number(b"C2 1.2.3.4", 3));
    }
}

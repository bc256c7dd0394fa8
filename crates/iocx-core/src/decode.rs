//! Text decoding in front of the extractor: UTF-16 with a byte-order mark.
//!
//! Extraction works on bytes and is UTF-8-oriented. A UTF-16 file (as Windows
//! tools write them, always with a BOM) is decoded to UTF-8 first; spans then
//! refer to the decoded text, not the original file.

use std::borrow::Cow;

/// The encoding [`decode`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes used as they are (UTF-8, ASCII or anything without a UTF-16 BOM).
    Bytes,
    /// UTF-16 little-endian, decoded.
    Utf16Le,
    /// UTF-16 big-endian, decoded.
    Utf16Be,
}

/// Decodes UTF-16LE/BE input that starts with a BOM into UTF-8; anything else
/// is borrowed unchanged. Unpaired surrogates become U+FFFD.
pub fn decode(input: &[u8]) -> (Cow<'_, [u8]>, Encoding) {
    let (le, enc) = match input {
        [0xFF, 0xFE, ..] => (true, Encoding::Utf16Le),
        [0xFE, 0xFF, ..] => (false, Encoding::Utf16Be),
        _ => return (Cow::Borrowed(input), Encoding::Bytes),
    };
    let units = input[2..].chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let mut out = String::with_capacity(input.len() / 2);
    out.extend(char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)));
    (Cow::Owned(out.into_bytes()), enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_both_orders() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("evil.com".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("evil.com".encode_utf16().flat_map(|u| u.to_be_bytes()))
            .collect();
        assert_eq!(
            decode(&le),
            (Cow::Owned(b"evil.com".to_vec()), Encoding::Utf16Le)
        );
        assert_eq!(
            decode(&be),
            (Cow::Owned(b"evil.com".to_vec()), Encoding::Utf16Be)
        );
        assert_eq!(decode(b"plain").1, Encoding::Bytes);
    }
}

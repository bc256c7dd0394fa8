//! Refanging single values, and the defanging used by tests and output.
//!
//! Refanging a value uses the same token table as the extractor's refanged
//! view, so `iocx search hxxp://evil[.]com` and extraction agree on what a
//! defanged form means.

use crate::extract::view::View;

/// Turns defanged text back into its plain form. Cheap to construct.
#[derive(Clone, Debug, Default)]
pub struct Refanger;

impl Refanger {
    /// A refanger.
    pub fn new() -> Refanger {
        Refanger
    }

    /// The plain form of one defanged value: `hxxp://evil[.]com` →
    /// `http://evil.com`, `user[at]evil(dot)com` → `user@evil.com`. Text that
    /// holds no defang token is returned unchanged; nothing is lowercased.
    pub fn refang(&self, value: &str) -> String {
        let view = View::new(value.trim().as_bytes());
        let text = view.text();
        let mut out = String::from_utf8_lossy(text).into_owned();
        if let Some(colon) = memchr::memmem::find(text, b"://") {
            if let Some(scheme) = crate::extract::url::scheme_before(text, colon, 0) {
                if scheme.defanged {
                    out.replace_range(scheme.start..colon, scheme.canonical);
                }
            }
        }
        out
    }
}

/// Shorthand for [`Refanger::refang`].
pub fn refang(value: &str) -> String {
    Refanger::new().refang(value)
}

/// A defanged form of `value`: dots as `[.]`, `@` as `[@]`, the `http`
/// scheme as `hxxp` and `://` as `[://]`. `refang(&defang(x)) == x` for
/// every indicator value `x`.
pub fn defang(value: &str) -> String {
    let (scheme, rest) = match value.find("://") {
        Some(i) => (&value[..i], &value[i + 3..]),
        None => ("", value),
    };
    let mut out = String::with_capacity(value.len() + 16);
    if !scheme.is_empty() {
        match scheme.strip_prefix("http") {
            Some(tail) => {
                out.push_str("hxxp");
                out.push_str(tail);
            }
            None => out.push_str(scheme),
        }
        out.push_str("[://]");
    }
    for c in rest.chars() {
        match c {
            '.' => out.push_str("[.]"),
            '@' => out.push_str("[@]"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refang_values() {
        assert_eq!(refang("hxxp://evil[.]com/a"), "http://evil.com/a");
        assert_eq!(refang("hXXps[:]//evil(dot)com"), "https://evil.com");
        assert_eq!(refang("user[at]evil[.]com"), "user@evil.com");
        assert_eq!(refang("1.2.3[.]4"), "1.2.3.4");
        assert_eq!(refang(" evil.com "), "evil.com");
        assert_eq!(refang("Plain Text"), "Plain Text");
    }

    #[test]
    fn defang_round_trips() {
        for v in [
            "http://a.b.com/x.php?q=1",
            "https://[2001:db8::1]:8443/",
            "a.b@c.co.uk",
            "1.2.3.4",
            "ftp://x.org/.well-known/y",
        ] {
            let d = defang(v);
            assert_ne!(d, v);
            assert_eq!(refang(&d), v, "{d}");
        }
    }
}

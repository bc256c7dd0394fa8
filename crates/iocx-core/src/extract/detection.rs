//! Antivirus detection names: `Trojan.Win32.Explosion.ae`,
//! `HackTool.MSIL.Mimikatz.AF`, `Backdoor.Linux.Tsunami.bh`.
//!
//! Vendors name detections `Type.Platform.Family.variant`, and the variant
//! is often two letters that are also a country code, so the whole name
//! parses as a domain. Reports quote them in prose and tables; a context
//! guard turns them down by their first two labels, which a host name does
//! not combine that way.

/// Platforms in antivirus detection names that no host name uses as its
/// second label.
const DETECTION_PLATFORMS: &[&str] = &["win32", "win64", "w32", "w64", "msil", "androidos"];

/// Platforms that do name hosts (`ftp.linux.org.uk`): a detection name only
/// after a detection type.
const DETECTION_PLATFORMS_AFTER_TYPE: &[&str] = &[
    "linux",
    "js",
    "java",
    "swf",
    "msword",
    "msexcel",
    "msoffice",
    "html",
    "vbs",
    "macos",
    "osx",
    "multi",
    "script",
    "unix",
    "python",
    "php",
    "powershell",
    "bat",
    "pdf",
    "nsis",
    "autoit",
    "dos",
    "boot",
    "symbos",
    "iphoneos",
    "w97m",
    "x97m",
    "o97m",
];

/// The first word of a detection name (`Trojan`, `Backdoor`, …); `trojan-*`
/// and `*-worm` are matched by shape.
const DETECTION_TYPES: &[&str] = &[
    "trojan",
    "trojanspy",
    "backdoor",
    "rootkit",
    "hacktool",
    "exploit",
    "virus",
    "worm",
    "riskware",
    "adware",
    "downloader",
    "dropper",
    "spyware",
    "ransom",
    "pws",
    "psw",
    "monitor",
    "webtoolbar",
    "not-a-virus",
];

/// True for an antivirus detection name of three labels or more, in the
/// `Type.Platform.Family.variant` form (`Trojan.Win32.Explosion.ae`,
/// `HackTool.MSIL.Mimikatz.AF`): their last label is often a country code.
///
/// `first` is the name's first label and `rest` what follows its dot.
pub(crate) fn is_detection_name(first: &str, rest: &str, labels: usize) -> bool {
    let second = &rest[..rest.bytes().position(|b| b == b'.').unwrap_or(rest.len())];
    let typed = DETECTION_TYPES.contains(&first)
        || first.starts_with("trojan-")
        || first.ends_with("-worm");
    // `updates.win32.live` (three labels, no type before the platform) has
    // been seen as a real host; four labels with a Windows platform second
    // has not.
    DETECTION_PLATFORMS.contains(&second) && (typed || labels >= 4)
        || typed && DETECTION_PLATFORMS_AFTER_TYPE.contains(&second)
}

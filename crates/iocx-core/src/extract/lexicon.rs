//! The word lists the context guards consult: TLDs that are file
//! extensions, words that announce a file name, code object names, the
//! commonest TLDs. Kept apart from the guards' logic in
//! [`context`](super::context) so either reads in one sitting. An entry
//! added or taken out changes what is reported: add a case to
//! `tests/cases/` and compare the output on the report corpus and the feed
//! lists, as the entries here were.

/// TLDs that are, far more often than not, a file extension in reports
/// (`F64.data`, Word templates `nato.dot`, a saved hive `sam.save`), or a
/// method name after an object (`http.open`, `chrome.search`): the last
/// are brand TLDs that publish no hosts of others.
pub(super) const FILE_TLDS: &[&str] = &[
    "zip", "mov", "md", "py", "sh", "so", "ps", "mo", "cab", "java", "data", "dot", "jmp", "save",
    "abc", "open", "search", "ping",
];

/// TLDs that are also file extensions, but are common domain suffixes: file
/// only with a file context around them.
pub(super) const FILE_TLDS_IN_CONTEXT: &[&str] = &[
    "com", "app", "one", "pub", "ai", "cc", "ms", "run", "bin", "link", "exe", "dll", "info",
    "dat", "img", "docx", "rar", "pl", "rs", "pm", "tf",
];

/// File extensions that are no TLD: a name ending in one beside a
/// candidate (`config.json, app.rs`) says the list is of files.
pub(super) const FILE_EXTENSIONS: &[&str] = &[
    "exe", "dll", "sys", "scr", "ocx", "js", "vbs", "vbe", "ps1", "psm1", "bat", "cmd", "hta",
    "lnk", "jar", "class", "go", "c", "h", "cpp", "cs", "txt", "log", "json", "xml", "yaml", "yml",
    "ini", "cfg", "conf", "html", "htm", "php", "asp", "aspx", "jsp", "css", "png", "jpg", "jpeg",
    "gif", "bmp", "ico", "pdf", "doc", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "rtf", "csv",
    "rar", "7z", "gz", "tar", "iso", "msi", "apk", "dmg", "elf", "tmp", "bak", "db", "sqlite",
    "lua", "rb", "pyc", "vba", "wsf", "dylib", "plist", "ts", "tsx", "jsx",
];

/// TLDs that are also the product words ending app and package
/// identifiers (`jp.naver.line.android`, `kr.co.bank.mobile`).
pub(super) const APP_ID_ENDS: &[&str] = &[
    "android", "app", "apps", "mobile", "phone", "music", "video", "camera", "photo", "photos",
    "game", "games", "shell", "exchange", "email", "mail", "chat", "news", "play", "free",
    "launcher", "browser", "pay", "bank", "wallet", "plus", "lite",
];

/// Words other than [`FILE_NOUNS`] that announce a file name before it
/// (`dropped x.com`, `named x.com`).
pub(super) const FILE_WORDS_BEFORE: &[&str] = &[
    "filename",
    "attached",
    "dropped",
    "drops",
    "drop",
    "named",
    "called",
    "dll",
    "launched",
    "executes",
    "executed",
    "runs",
    "opened",
    "extracted",
    "unpacked",
    "saved",
    "writes",
    "wrote",
    "creates",
    "created",
    "transferred",
    "copied",
    "copies",
    "renamed",
    "moved",
    "deleted",
    "uploaded",
    "executing",
    "loads",
    "loaded",
];

/// Nouns that announce a file name before or after it (`the file x.com`,
/// `x.com script`).
pub(super) const FILE_NOUNS: &[&str] = &[
    "file",
    "files",
    "attachment",
    "archive",
    "executable",
    "binary",
    "script",
    "document",
    "installer",
    "module",
    "library",
    "process",
];

/// Object names that make `x.name` a property access, not a domain.
pub(super) const CODE_OBJECTS: &[&str] = &[
    "this",
    "self",
    "obj",
    "object",
    "document",
    "window",
    "console",
    "math",
    "json",
    "string",
    "system",
    "process",
    "request",
    "response",
    "req",
    "res",
    "err",
    "error",
    "event",
    "args",
    "kwargs",
    "ctx",
    "context",
    "config",
    "cfg",
    "settings",
    "data",
    "item",
    "element",
    "el",
    "node",
    "module",
    "exports",
    "os",
    "sys",
    "util",
    "array",
    "path",
    "fs",
    "user",
    "client",
    "target",
    "params",
    "options",
    "opts",
    "result",
    "value",
    "input",
    "output",
    "adodb",
    "msxml2",
    "form",
    "elem",
    "button",
    "link",
    "location",
    "navigator",
    "wscript",
    "shell",
    "file",
    "new",
];

/// Suffixes common enough among real domains that `target.com` or `file.io`
/// stay domains even though their first label is also an object name.
pub(super) const COMMON_TLDS: &[&str] = &[
    "com", "net", "org", "io", "co", "ru", "cn", "de", "uk", "fr", "jp", "us", "biz", "xyz", "top",
    "online", "site", "me", "cc", "tk", "su", "ir", "in", "br", "kr", "eu",
];

/// TLDs after which a glued capitalised word is cut off a host
/// (`evil.comFigure 3`): the ones most hosts in reports use, and none that
/// doubles as a member prefix in code (`to`, `do`, `at`, `us`, `io`, `app`).
pub(super) const GLUED_WORD_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "xyz", "top", "online", "site", "club", "onion", "ru",
    "cn", "br", "uk", "de", "fr", "jp", "kr", "eu", "cc", "tk", "su", "ir", "pw", "icu",
];

/// Technology names written like domains.
pub(super) const TECH_NAMES: &[&str] = &["asp.net", "vb.net", "ado.net", "j.net"];

/// Bits of [`classes`]: the lists the context guards ask about one word at
/// a time.
pub(super) const COMMON_TLD: u8 = 1;
/// See [`COMMON_TLD`].
pub(super) const FILE_TLD: u8 = 1 << 1;
/// See [`COMMON_TLD`].
pub(super) const FILE_TLD_IN_CONTEXT: u8 = 1 << 2;
/// See [`COMMON_TLD`].
pub(super) const APP_ID_END: u8 = 1 << 3;
/// See [`COMMON_TLD`].
pub(super) const CODE_OBJECT: u8 = 1 << 4;

/// A power of two, at least twice the words of the lists below.
const SLOTS: usize = 512;

/// [`COMMON_TLDS`], [`FILE_TLDS`], [`FILE_TLDS_IN_CONTEXT`], [`APP_ID_ENDS`]
/// and [`CODE_OBJECTS`] as one open-addressing table built at compile time,
/// each word with the bits of the lists it is on. Every domain candidate
/// asks about its TLD and first label: scanning the five lists for them
/// took about 150 string comparisons, a probe here takes one or two.
static CLASSES: [(&str, u8); SLOTS] = {
    let mut table = [("", 0u8); SLOTS];
    table = insert_all(table, COMMON_TLDS, COMMON_TLD);
    table = insert_all(table, FILE_TLDS, FILE_TLD);
    table = insert_all(table, FILE_TLDS_IN_CONTEXT, FILE_TLD_IN_CONTEXT);
    table = insert_all(table, APP_ID_ENDS, APP_ID_END);
    insert_all(table, CODE_OBJECTS, CODE_OBJECT)
};

/// The bits of the lists `word` (lower case) is on; 0 for none.
pub(super) fn classes(word: &str) -> u8 {
    let word = word.as_bytes();
    let mut slot = slot_of(word);
    loop {
        let (entry, bits) = CLASSES[slot];
        if entry.as_bytes() == word {
            return bits;
        }
        if entry.is_empty() {
            return 0;
        }
        slot = (slot + 1) % SLOTS;
    }
}

/// The first slot to probe for `word`: its length and three of its bytes
/// mixed by one multiplication, which the short words here need no more
/// than.
const fn slot_of(word: &[u8]) -> usize {
    let n = word.len();
    if n == 0 {
        return 0;
    }
    let key =
        word[0] as u32 | (word[n / 2] as u32) << 8 | (word[n - 1] as u32) << 16 | (n as u32) << 24;
    (key.wrapping_mul(0x9E37_79B1) >> (32 - SLOTS.trailing_zeros())) as usize
}

/// `table` with every word of `list` given `bit` (added when absent).
/// By value: MSRV 1.80 has no `&mut` in `const fn`.
const fn insert_all(
    mut table: [(&'static str, u8); SLOTS],
    list: &[&'static str],
    bit: u8,
) -> [(&'static str, u8); SLOTS] {
    let mut i = 0;
    let mut used = 0;
    while i < SLOTS {
        if !table[i].0.is_empty() {
            used += 1;
        }
        i += 1;
    }
    assert!((used + list.len()) * 2 <= SLOTS, "lexicon table too small");
    i = 0;
    while i < list.len() {
        let word = list[i];
        let mut slot = slot_of(word.as_bytes());
        loop {
            if table[slot].0.is_empty() {
                table[slot] = (word, bit);
                break;
            }
            if same(table[slot].0.as_bytes(), word.as_bytes()) {
                table[slot].1 |= bit;
                break;
            }
            slot = (slot + 1) % SLOTS;
        }
        i += 1;
    }
    table
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_the_lists_words_are_on() {
        let lists = [
            (COMMON_TLDS, COMMON_TLD),
            (FILE_TLDS, FILE_TLD),
            (FILE_TLDS_IN_CONTEXT, FILE_TLD_IN_CONTEXT),
            (APP_ID_ENDS, APP_ID_END),
            (CODE_OBJECTS, CODE_OBJECT),
        ];
        let others = [
            "", "x", "comm", "co.uk", "zipx", "exe1", "ndroid", "Com", "wscrip",
        ];
        let words = lists
            .iter()
            .flat_map(|(list, _)| list.iter())
            .chain(FILE_EXTENSIONS)
            .chain(GLUED_WORD_TLDS)
            .chain(&others);
        let mut on_some = 0;
        for word in words {
            let want = lists
                .iter()
                .filter(|(list, _)| list.contains(word))
                .fold(0, |bits, (_, bit)| bits | bit);
            assert_eq!(classes(word), want, "{word:?}");
            on_some += usize::from(want != 0);
        }
        assert!(on_some > 100);
    }

    #[test]
    fn file_extensions_are_no_tlds() {
        let tlds: Vec<&str> = FILE_EXTENSIONS
            .iter()
            .copied()
            .filter(|e| crate::psl::is_tld(e))
            .collect();
        assert!(tlds.is_empty(), "these are TLDs too: {tlds:?}");
    }

    #[test]
    fn glued_word_tlds_are_tlds() {
        for tld in GLUED_WORD_TLDS {
            assert!(crate::psl::is_tld(tld), "{tld} is no TLD");
        }
    }
}

//! Context guards: the reasons a syntactically valid, undefanged candidate is
//! still not an indicator.
//!
//! Reports are full of names that parse as domains (`setup.zip`,
//! `System.Security`, `obj.name`, `ASP.NET`, and the detection names of
//! [`detection`](super::detection)) and dotted numbers that parse as
//! addresses (`version 1.2.3.4`, see [`version`](super::version)). A
//! defanged candidate never reaches these checks: whoever defanged it meant
//! it as an indicator. The checks only look at a few bytes around the
//! candidate (and, for tables, the header line of the table it sits in), so
//! their cost is per candidate, not per byte.

use super::lexicon::{
    classes, APP_ID_END, CODE_OBJECT, COMMON_TLD, FILE_EXTENSIONS, FILE_NOUNS, FILE_TLD,
    FILE_TLD_IN_CONTEXT, FILE_WORDS_BEFORE, TECH_NAMES,
};
use super::name_masks::Labels;
use super::table::TableMemo;
use crate::Strictness;

/// The word (ASCII letters only) that ends right before `at`, skipping spaces,
/// quotes and `:`/`=` between them, and a line end: reports wrap prose, so
/// `file version` may end the line above `2.4.1.3`. That line must start
/// within [`CONTEXT_LOOKBACK`](super::CONTEXT_LOOKBACK) of `at`, the text
/// chunked extraction carries.
pub(super) fn word_before(text: &[u8], at: usize) -> &[u8] {
    let mut e = at;
    let mut crossed_line = false;
    while e > 0
        && matches!(
            text[e - 1],
            b' ' | b'\t' | b'"' | b'\'' | b':' | b'=' | b'`' | b'(' | b'.' | b'\n' | b'\r'
        )
    {
        crossed_line |= text[e - 1] == b'\n';
        e -= 1;
    }
    let mut s = e;
    while s > 0 && text[s - 1].is_ascii_alphabetic() && e - s < 24 {
        s -= 1;
    }
    // The tail of a longer token (`gen_player`, `/player`, `x.dll`,
    // `?file=`, `price-drop`, a URL on the line above) is no word: a word
    // stands after a space, a line end, an opening quote or bracket or a
    // separator (non-ASCII bytes end typographic quotes and spaces).
    if s > 0
        && !matches!(
            text[s - 1],
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'"'
                | b'\''
                | b'`'
                | b'('
                | b'['
                | b'{'
                | b'<'
                | b'>'
                | b'*'
                | b'|'
                | b','
                | b';'
                | b':'
                | b'='
                | 0x80..=0xFF
        )
    {
        return &[];
    }
    let floor = at.saturating_sub(super::CONTEXT_LOOKBACK);
    if crossed_line && line_start_from(text, s, floor).is_none() {
        return &[];
    }
    &text[s..e]
}

/// The word that starts right after `at`, skipping spaces and quotes.
pub(super) fn word_after(text: &[u8], at: usize) -> &[u8] {
    let mut s = at;
    while s < text.len() && matches!(text[s], b' ' | b'\t' | b'"' | b'\'' | b'`' | b')') {
        s += 1;
    }
    let mut e = s;
    while e < text.len() && text[e].is_ascii_alphabetic() && e - s < 24 {
        e += 1;
    }
    &text[s..e]
}

pub(super) fn in_list(word: &[u8], list: &[&str]) -> bool {
    !word.is_empty() && list.iter().any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
}

/// True when the undefanged domain candidate `text[start..end]`, whose
/// canonical form is `domain`, is a file name or code identifier instead.
pub(crate) fn rejects_domain(
    text: &[u8],
    start: usize,
    end: usize,
    domain: &str,
    labels: &Labels,
    strictness: Strictness,
    tables: &mut TableMemo,
) -> bool {
    if strictness == Strictness::Lenient {
        return false;
    }
    let raw = &text[start..end];
    let raw_tld = &raw[raw.iter().rposition(|&b| b == b'.').map_or(0, |d| d + 1)..];
    // The label check found the first label, the last and their count;
    // the lists below are only asked what the earlier answers leave open
    // (most candidates end in a common suffix).
    let (first_dot, last_dot, has_0x) = (labels.first_dot, labels.last_start, labels.zero_x);
    let labels = labels.count as usize;
    let first = &domain[..first_dot];
    let tld = &domain[last_dot..];
    let tld_classes = classes(tld);
    let common_tld = tld_classes & COMMON_TLD != 0;

    // `executed.It`, `System.Security`, `obj.Name`: a capitalised suffix.
    let upper = raw_tld.iter().filter(|b| b.is_ascii_uppercase()).count();
    if upper > 0 && upper < raw_tld.len() {
        return true;
    }
    // `Agile.NET`, `BigInteger.ZERO`: the .NET framework or a constant after
    // a name in mixed case. A host in capitals is capitals throughout
    // (`EVIL.NET`); the commonest TLDs are capitalised at whim
    // (`APPLE.ikwb.COM`), and two letters are as often a country as a
    // detection's variant (`Abuse.CH`, `Nymaim.BA`).
    if upper == raw_tld.len() && upper >= 3 && !matches!(tld, "com" | "org" | "info") && {
        let head = &raw[..raw.len() - raw_tld.len() - 1];
        let label = &head[head.iter().rposition(|&b| b == b'.').map_or(0, |d| d + 1)..];
        label.iter().any(u8::is_ascii_lowercase)
    } {
        return true;
    }
    if TECH_NAMES.contains(&domain) {
        return true;
    }
    // A redaction mask: `xxx.xxx.xxx.xxx`, `ns1.xx.xxx`: the last two
    // labels are all `x`.
    if tld.bytes().all(|b| b == b'x') && {
        let second_last_dot = domain[..last_dot.saturating_sub(1)]
            .rfind('.')
            .map_or(0, |d| d + 1);
        domain[second_last_dot..]
            .bytes()
            .all(|b| b == b'x' || b == b'.')
    } {
        return true;
    }
    // ActionScript classes: `MyClass.as`. Hosts in American Samoa are not
    // written in UpperCamelCase.
    if labels == 2 && tld == "as" && is_upper_camel_case(&raw[..raw.len() - 3]) {
        return true;
    }
    if labels >= 3 && super::detection::is_detection_name(first, &domain[first_dot + 1..], labels) {
        return true;
    }
    // `e.g.windows/meterpreter`: an abbreviation glued to the next word
    // (feeds do list hosts such as `e.g.ulitron.ru`, under common TLDs).
    if labels == 3 && !common_tld && (domain.starts_with("e.g.") || domain.starts_with("i.e.")) {
        return true;
    }
    // ESET puts the platform first and capitalises (`Win32.Agent.RIL`);
    // hosts such as `win32.ddns.net` are written in lower case.
    if labels >= 3
        && matches!(first, "win32" | "win64" | "msil")
        && raw.get(first_dot + 1).is_some_and(u8::is_ascii_uppercase)
    {
        return true;
    }
    // Reversed-DNS identifiers: `com.example.app`, `jp.naver.line.android`.
    // `de.wikipedia.org` also starts with a TLD, but ends in a common one.
    // Identifiers start with the TLD of their owner's domain, a country code
    // or a legacy one, and end in a product word; a host's first label may
    // well be a newer generic TLD word (`store.example.as`, `app.example.ai`),
    // and hosts with a country-code first label end in a country code, a
    // legacy TLD or, phishing under cheap generic TLDs, any word
    // (`bz.kimoo.com.tw`, `ca.gov-zae.cfd`, `fr.wzhzfd2.cyou`).
    // A name that starts like a package (`com.`, `android.`) but ends in
    // one of the commonest TLDs is a host dressed as one
    // (`com.ledgorwallet.com`, `android.tetulus.com`); packages end in
    // product words or codes (`com.tencent.mm`, `com.lbe.security.miui.su`).
    let host_end = matches!(
        tld,
        "com" | "net" | "org" | "info" | "biz" | "xyz" | "top" | "online" | "site" | "ru" | "cn"
    );
    if labels >= 3
        && (matches!(
            first,
            "com" | "org" | "android" | "androidx" | "java" | "javax" | "kotlin"
        ) && !host_end
            || (first.len() == 2 || matches!(first, "net" | "edu" | "gov" | "info" | "biz"))
                && tld_classes & APP_ID_END != 0
                && crate::psl::is_tld(first))
    {
        return true;
    }
    // A list number, a year or a date before a TLD (`2.do`, `2019.in`,
    // `16032023.one`) is prose or a file name glued to what follows, and so
    // is any number before a TLD that is also a file extension (`408709.one`,
    // an invoice); other numbers are the numeric domains of gambling and
    // Chinese infrastructure (`163.com`, `3322.org`, `105711.com`).
    if labels == 2
        && first.bytes().all(|b| b.is_ascii_digit())
        && (is_count_or_date(first)
            || matches!(
                tld,
                "one" | "exe" | "dll" | "dat" | "img" | "docx" | "rar" | "bin"
            ))
    {
        return true;
    }
    // A file named after its digest: `e990e0d1ee90cd10c4be7bfde6cc3e5a.pe`
    // (hosts under a platform take digests too: `8a78…ae.pages.dev`).
    if labels == 2 && first.len() >= 32 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    let before = start.checked_sub(1).map(|i| text[i]);
    let after = text.get(end).copied();
    // After a path separator or a sigil: `C:\dir\setup.exe`, `/tmp/x.sh`,
    // `$obj.name`, a number sign (`Invoice #Q0092871.one`). A host after `//` is a URL's, written protocol-relative
    // (`'//cdn.example.com/x.js'`) or with its scheme apart (`'http' + '://`).
    let after_double_slash = start >= 2 && &text[start - 2..start] == b"//";
    if matches!(before, Some(b'/' | b'\\' | b'$' | b'%' | b'~' | b'#'))
        && !after_double_slash
        && !starts_unc_path(text, start)
    {
        return true;
    }
    // A call or an assignment: `document.write(`, `obj.name=`; a
    // PowerShell type: `[system.io.directory]::`.
    if matches!(after, Some(b'(' | b'=' | b'[')) || text[end..].starts_with(b"]::") {
        return true;
    }
    // Memory addresses as labels: `process.0xffffe800239e8080.0x3d0000.dm`
    // names a dump file (one such label is a host's: `0x0.st`).
    let address = |l: &&str| {
        l.len() > 2 && l.starts_with("0x") && l[2..].bytes().all(|b| b.is_ascii_hexdigit())
    };
    if has_0x && domain.split('.').filter(address).count() >= 2 {
        return true;
    }
    // `obj.name`, `window.location.host`; a host under a cheap generic TLD
    // may start with such a word too (`data.fastworknode.lat`), but then
    // its next label is no code word.
    if !common_tld && classes(first) & CODE_OBJECT != 0 && (labels == 2 || code_path(domain)) {
        return true;
    }
    // A name with a path after it is a host (`fii.sh/k0ul4ia`,
    // `waddanka.so/index.php`), unless it is an archive whose members a
    // path names (`build.zip/setup.msi`).
    let path_after = after == Some(b'/')
        && text.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
        && !matches!(tld, "zip" | "cab" | "rar");
    // So is a name under `www.` (`www.makharza.ps`, `www.os.md`): nobody
    // names a file so.
    let host_shaped = path_after || first == "www" && labels >= 3;
    // Under a suffix of two labels or more the last label is no file
    // extension: `roal.com.py`, `x.surge.sh`, `app.webstudio.so`.
    let host_suffix = || {
        crate::psl::suffix_len_bytes(domain.as_bytes())
            .is_some_and(|n| domain[domain.len() - n..].contains('.'))
    };
    // Asked last: it walks the suffix list again.
    if tld_classes & FILE_TLD != 0 && !host_shaped && !host_suffix() {
        return true;
    }
    let file_tld = tld_classes & FILE_TLD_IN_CONTEXT != 0 && !host_shaped;
    if strictness == Strictness::Strict
        && file_tld
        && tld != "com"
        && tld != "info"
        && !host_suffix()
    {
        return true;
    }
    // A name with a path is a host (`<md5> corona-virusus.com/x.zip`).
    if follows_digest(text, start) && !host_shaped {
        return true;
    }
    if tld == "app" && raw.first().is_some_and(|b| b.is_ascii_uppercase()) {
        return true; // macOS bundles: `Safari.app`
    }
    if !file_tld {
        return false;
    }
    let before = word_before(text, start);
    (in_list(before, FILE_NOUNS)
        || in_list(before, FILE_WORDS_BEFORE)
        || in_list(word_after(text, end), FILE_NOUNS)
        || beside_a_file_name(text, start, end)
        || super::table::in_file_column(text, start, tables))
        && !host_suffix()
}

/// True when `text[start..]` is the host of a UNC path (`\\evil.com\share`,
/// `\\x.trycloudflare.com@SSL\DavWWWRoot`, or with its backslashes
/// escaped as in JSON): two or four backslashes that start a word. After a
/// directory or a drive (`C:\\Users\\setup.exe`) they only separate a
/// path.
fn starts_unc_path(text: &[u8], start: usize) -> bool {
    // Five at most: enough to tell two or four from more.
    let slashes = text[..start]
        .iter()
        .rev()
        .take(5)
        .take_while(|&&b| b == b'\\')
        .count();
    let before = start.checked_sub(slashes + 1).map(|i| text[i]);
    matches!(slashes, 2 | 4)
        && !before.is_some_and(|b| b.is_ascii_alphanumeric() || b"\\:._-%$/".contains(&b))
}

/// True when the item listed right before or after `text[start..end]`
/// (across a comma, a space or `and`/`or`) is a file name whose extension
/// is no TLD: `config.json, app.rs, script.ps1`.
fn beside_a_file_name(text: &[u8], start: usize, end: usize) -> bool {
    let is_name_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    // A name that ends a URL's path (`…/image2.png www.goole.com`) or a
    // path is no item of a list.
    let stands_alone =
        |s: usize| s == 0 || !matches!(text[s - 1], b'/' | b'\\' | b':' | b'=' | b'?');
    let file_name = |name: &[u8]| {
        let Some(dot) = name.iter().rposition(|&b| b == b'.') else {
            return false;
        };
        dot > 0 && in_list(&name[dot + 1..], FILE_EXTENSIONS)
    };
    // Before: separators, then the name that ends there.
    let mut e = start;
    while e > 0 && matches!(text[e - 1], b' ' | b',' | b'\t') && start - e < 4 {
        e -= 1;
    }
    if e < start {
        let e = if text[..e].ends_with(b" and") || text[..e].ends_with(b" or") {
            text[..e].iter().rposition(|&b| b == b' ').unwrap_or(e)
        } else {
            e
        };
        let mut s = e;
        while s > 0 && is_name_byte(text[s - 1]) && e - s < 64 {
            s -= 1;
        }
        if stands_alone(s) && file_name(&text[s..e]) {
            return true;
        }
    }
    // After: separators, then the name that starts there.
    let mut s = end;
    while s < text.len() && matches!(text[s], b' ' | b',' | b'\t') && s - end < 4 {
        s += 1;
    }
    if s == end {
        return false;
    }
    for word in [&b"and "[..], b"or "] {
        if text[s..].starts_with(word) {
            s += word.len();
        }
    }
    let mut e = s;
    while e < text.len() && is_name_byte(text[e]) && e - s < 64 {
        e += 1;
    }
    while e > s && text[e - 1] == b'.' {
        e -= 1; // a sentence's full stop
    }
    !matches!(text.get(e), Some(b'/' | b'\\')) && file_name(&text[s..e])
}

/// True when every label but the last of `domain` is a code object name
/// or a common member name (`window.location.host`, `this.config.data`).
fn code_path(domain: &str) -> bool {
    let members = &domain[..domain.rfind('.').unwrap_or(0)];
    members.split('.').all(|label| {
        classes(label) & CODE_OBJECT != 0
            || matches!(label, "location" | "prototype" | "body" | "head")
    })
}

/// True when the digits `number` read as a count (one or two digits), a
/// year (`19xx`, `20xx`) or a date with its year first or last
/// (`20230316`, `16032023`).
fn is_count_or_date(number: &str) -> bool {
    let year = |y: &str| y.starts_with("19") || y.starts_with("20");
    let in_range = |d: &str, hi: u8| d.parse::<u8>().is_ok_and(|n| (1..=hi).contains(&n));
    // Day and month in either order (`16032023`, `03162023`).
    let day_month = |d: &str| {
        in_range(&d[..2], 31) && in_range(&d[2..], 12)
            || in_range(&d[..2], 12) && in_range(&d[2..], 31)
    };
    match number.len() {
        1 | 2 => true,
        4 => year(number),
        8 => {
            year(&number[..4]) && day_month(&number[4..])
                || year(&number[4..]) && day_month(&number[..4])
        }
        _ => false,
    }
}

/// True for a word in UpperCamelCase: a capital, then a lower-case letter
/// or digit, then another capital somewhere (`MyClass`, `MainActivity`).
fn is_upper_camel_case(word: &[u8]) -> bool {
    word.len() >= 3
        && word[0].is_ascii_uppercase()
        && !word[1].is_ascii_uppercase()
        && word[2..].iter().any(u8::is_ascii_uppercase)
        && word.iter().all(u8::is_ascii_alphanumeric)
}

/// True when a hex digest and spaces come right before `start`, as in the
/// `sha256sum` listing format `<digest>  <file name>`.
fn follows_digest(text: &[u8], start: usize) -> bool {
    let mut e = start;
    while e > 0 && matches!(text[e - 1], b' ' | b'*') && start - e < 3 {
        e -= 1;
    }
    if e == start {
        return false;
    }
    let mut s = e;
    while s > 0 && text[s - 1].is_ascii_hexdigit() {
        s -= 1;
    }
    e - s >= 32 && (s == 0 || !text[s - 1].is_ascii_alphanumeric())
}

/// The start of the line holding `pos`, if that line starts at or after
/// `floor`. The newline just before `floor` is looked at, so the answer does
/// not depend on whether the text begins at `floor` or earlier.
pub(super) fn line_start_from(text: &[u8], pos: usize, floor: usize) -> Option<usize> {
    let lo = floor.saturating_sub(1);
    match memchr::memrchr(b'\n', &text[lo..pos]) {
        Some(i) => Some(lo + i + 1).filter(|&s| s >= floor),
        None => (floor == 0).then_some(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejects(text: &str, token: &str) -> bool {
        let start = text.find(token).unwrap();
        let domain = token.to_ascii_lowercase();
        rejects_domain(
            text.as_bytes(),
            start,
            start + token.len(),
            &domain,
            &Labels::of(domain.as_bytes()).unwrap(),
            Strictness::Normal,
            &mut TableMemo::default(),
        )
    }

    #[test]
    fn files_and_code() {
        assert!(rejects("run setup.zip now", "setup.zip"));
        assert!(rejects("the System.Security namespace", "System.Security"));
        assert!(rejects("x = obj.name;", "obj.name"));
        assert!(rejects("dropped payload.com", "payload.com"));
        assert!(rejects("C:\\Temp\\payload.com", "payload.com"));
        assert!(!rejects("beacons to payload.com daily", "payload.com"));
        assert!(!rejects("C2: evil.com", "evil.com"));
    }

    #[test]
    fn table_columns() {
        let t = "| File name | SHA-256 |\n|---|---|\n| loader.com | abc |\n";
        assert!(rejects(t, "loader.com"));
        let t = "| Domain | First seen |\n|---|---|\n| loader.com | 2024 |\n";
        assert!(!rejects(t, "loader.com"));
    }
}

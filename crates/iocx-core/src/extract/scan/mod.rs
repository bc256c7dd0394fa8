//! The anchor scanner: one pass over the refanged view that stops only at
//! `.`, `:` and `@` (found by a [`classify`] pass) and grows each anchor into the
//! token around it: a URL (at `://`), an e-mail (at `@`), an IPv6 address or
//! ssdeep hash (at `:`), an IPv4 address, CIDR, domain or scheme-less URL (at
//! `.`).
//!
//! The `:` handlers live in [`colon`].
//!
//! Every handler returns where scanning resumes, at or after the end of the
//! token it examined, and never looks left of the last token: each byte is
//! looked at a bounded number of times, so the scan is linear even on
//! adversarial input (a 100 MB run of dots and letters is one token).

mod colon;

use super::classify;
use super::context;
use super::host::{
    cut_glued_host_list, cut_glued_sentence, cut_glued_word, is_host_byte, narrow_token,
    push_canonical_domain, trim_host,
};
use super::network::{
    parse_host_suffix, parse_ipv4, parse_prefix, parse_shell_socket_port, parse_webdav_suffix,
};
use super::table;
use super::url::{colonless_scheme, push_rest, quoted_rest_end, scheme_before, Scheme};
use super::version;
use super::view::View;
use super::{push_lossy, Candidates, Settings};
use crate::IndicatorKind;

/// Scanner state over one view.
pub(crate) struct Scanner<'v, 'h> {
    view: &'v View<'h>,
    text: &'v [u8],
    settings: &'v Settings,
    /// No token may start before this offset.
    floor: usize,
    /// The end of the URL whose inner URL the scan went back into: no URL
    /// that starts before it looks for one of its own.
    nested_until: usize,
    /// The table block the scan is in, for the file-name column guard.
    tables: table::TableMemo,
    pub(crate) out: Candidates,
}

impl<'v, 'h> Scanner<'v, 'h> {
    pub(crate) fn new(view: &'v View<'h>, settings: &'v Settings) -> Self {
        Scanner {
            view,
            text: view.text(),
            settings,
            floor: 0,
            nested_until: 0,
            tables: table::TableMemo::default(),
            // Report text holds about one candidate per 150 bytes; the cap
            // keeps a huge single call from reserving for what it may not use.
            out: Candidates {
                list: Vec::with_capacity((view.text().len() / 128).min(1 << 15)),
                // Values take about a fifth of report text's bytes.
                values: String::with_capacity((view.text().len() / 4).min(1 << 20)),
            },
        }
    }

    /// Runs the anchor pass over the whole view, and returns what it noted
    /// for the other recognisers, if anything (see
    /// [`classify::anchors_noting_marks`]).
    pub(crate) fn run(&mut self) -> Option<classify::ViewMarks> {
        let mut pos = 0;
        classify::anchors_noting_marks(self.text, |p| self.visit(p, &mut pos))
    }

    /// Hands the anchor at `p` to its handler, unless it lies inside a token
    /// a handler already took (before `pos`, which moves past the token).
    #[inline(always)]
    fn visit(&mut self, p: usize, pos: &mut usize) {
        if p < *pos {
            return;
        }
        let next = match self.text[p] {
            b'.' => self.at_dot(p),
            b':' => self.at_colon(p),
            _ => self.at_at(p),
        };
        *pos = next.max(p + 1);
    }

    fn defanged(&self, start: usize, end: usize) -> bool {
        self.view
            .defanged(self.view.raw_start(start), self.view.raw_end(end))
    }

    /// Grows the run of bytes for which `in_token` holds around `anchor`,
    /// without crossing the floor.
    fn grow(&self, anchor: usize, in_token: impl Fn(u8) -> bool) -> (usize, usize) {
        let text = self.text;
        let mut s = anchor;
        while s > self.floor && in_token(text[s - 1]) {
            s -= 1;
        }
        let mut e = anchor;
        while e < text.len() && in_token(text[e]) {
            e += 1;
        }
        (s, e)
    }

    fn at_dot(&mut self, p: usize) -> usize {
        let text = self.text;
        // A dot that no host byte follows (most sentence ends) can only close
        // a token whose earlier dot was already examined, and that anchor's
        // handler grew the whole token: nothing starts here.
        if !text.get(p + 1).is_some_and(|&b| is_host_byte(b)) {
            return p + 1;
        }
        let digit_near = (p > 0 && text[p - 1].is_ascii_digit())
            || text.get(p + 1).is_some_and(u8::is_ascii_digit);
        if digit_near {
            let mut s = p;
            while s > self.floor && (text[s - 1].is_ascii_digit() || text[s - 1] == b'.') {
                s -= 1;
            }
            let mut e = p;
            while e < text.len() && (text[e].is_ascii_digit() || text[e] == b'.') {
                e += 1;
            }
            let letter_before = char_before(text, s).is_some_and(char::is_alphabetic);
            // `Host: 92.62.101.60Pragma: no-cache`: a capitalised word
            // glued on by a lost line break is no part of the address; after
            // a dot (`1598978928194.JavaMail.root@`) it is the next label.
            let capitalised_word = text.get(e).is_some_and(u8::is_ascii_uppercase)
                && text
                    .get(e + 1..e + 3)
                    .is_some_and(|w| w.iter().all(u8::is_ascii_lowercase));
            // `46[.]243[.]189[.]102.Muhstik relies on`: the next sentence,
            // its space lost, unless the word is a label of a longer name
            // (`10.0.0.1.Example.com`).
            let next_sentence = text[e - 1] == b'.' && capitalised_word && {
                // A word, not a run of megabytes: 64 bytes at most.
                let word_end = e + text[e..]
                    .iter()
                    .take(64)
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                !(text.get(word_end) == Some(&b'.')
                    && text
                        .get(word_end + 1)
                        .is_some_and(u8::is_ascii_alphanumeric))
            };
            let glued_word = text[e - 1].is_ascii_digit() && capitalised_word || next_sentence;
            // `1.2.3.4@80` is a WebDAV host and port (`\\1.2.3.4@80\share`,
            // `file://1.2.3.4@80/x`); other text glued by an `@` is a local
            // part.
            let letter_after = text.get(e) == Some(&b'@') && parse_webdav_suffix(text, e).is_none()
                || !glued_word && char_after(text, e).is_some_and(char::is_alphabetic);
            if !letter_before && !letter_after {
                return self.ipv4_run(s, e);
            }
        }
        let (s, mut e, glued_www, ascii) = self.grow_host(p);
        // `index.gifhttp://…`: a list run together; the scheme glued to the
        // token is the next URL's, which the `:` anchor reads.
        if text[e..].starts_with(b"://") {
            if let Some(scheme) = scheme_before(text, e, p + 1) {
                e = scheme.start;
            }
        }
        // An ASCII token is all host bytes already.
        let (s, e) = if ascii {
            (s, e)
        } else {
            narrow_token(text, s, e, p)
        };
        if text.get(e) == Some(&b'@') && parse_webdav_suffix(text, e).is_none()
            || local_part_goes_on(text, e)
        {
            return e; // the local part of an e-mail: the `@` handler takes it
        }
        let (s, mut e) = trim_host(text, s, e);
        if let Some(www) = glued_www.filter(|&w| w < e) {
            e = cut_glued_host_list(text, s, e, www);
        }
        // A capitalised word glued to a host makes it read as none
        // (`evil.comFigure`, `evil.com.If`): the cuts are looked for only
        // then, not in every token (3 M instructions on
        // `reports-part01.txt`), and the token is tried once more without
        // the word. One call site keeps `domain_token` inlined (3 M more).
        let mut tried = false;
        while !self.domain_token(s, e) && !tried && capital_in_last_label(text, s, e) {
            tried = true;
            let mut cut = cut_glued_word(text, s, e);
            let sentence_cut = cut_glued_sentence(text, s, cut);
            // `alcatelupd [.] Xyz`: a defanged dot joins a label, however
            // cased.
            if sentence_cut < cut && !self.defanged(sentence_cut, sentence_cut + 1) {
                cut = sentence_cut;
            }
            if cut == e {
                break;
            }
            e = cut;
        }
        e.max(p + 1)
    }

    /// [`Scanner::grow`] for a host token around the dot at `p`, which also
    /// notes the first `www.` glued to a label after it (`….comwww.b.com`,
    /// see [`cut_glued_host_list`]): the check rides on the loop that reads
    /// the token anyway (0.2 M instructions on `reports-part01.txt`; a
    /// second loop over long tokens costs 0.9 M), and whether the token is
    /// ASCII, which spares [`narrow_token`] its own pass.
    fn grow_host(&self, p: usize) -> (usize, usize, Option<usize>, bool) {
        let text = self.text;
        // The bytes' union: ASCII when its top bit is clear.
        let mut union = 0;
        let mut s = p;
        while s > self.floor && is_host_byte(text[s - 1]) {
            union |= text[s - 1];
            s -= 1;
        }
        let mut e = p + 1;
        let mut glued_www = None;
        while e < text.len() && is_host_byte(text[e]) {
            union |= text[e];
            // In any case, as the value is lower-cased: `….COMWWW.b.com`
            // read whole would split when extracted again (fuzz).
            if text[e] == b'.'
                && glued_www.is_none()
                && e >= p + 5
                && text[e - 3..e].eq_ignore_ascii_case(b"www")
            {
                glued_www = Some(e - 3);
            }
            e += 1;
        }
        (s, e, glued_www, union.is_ascii())
    }

    /// A run of digits and dots with no letter glued to it.
    fn ipv4_run(&mut self, s: usize, e: usize) -> usize {
        let text = self.text;
        let mut end = e;
        while end > s && text[end - 1] == b'.' {
            end -= 1; // sentence end
        }
        self.floor = e;
        if text[s] == b'.' || end == s {
            return e;
        }
        if parse_ipv4(&text[s..end]).is_none() {
            return e;
        }
        let prefix_end = parse_prefix(text, end, 32).map(|(_, pe)| pe).filter(|&pe| {
            end == e
                && !text
                    .get(pe)
                    .is_some_and(|&b| b == b'.' && text.get(pe + 1).is_some_and(u8::is_ascii_digit))
        });
        // A network is never a version (`Tor version 50.7.0.0/16`).
        if prefix_end.is_none()
            && self.settings.strictness != crate::Strictness::Lenient
            && version::is_version_number(text, s, end)
            && !self.defanged(s, end)
        {
            return e;
        }
        if let Some(pe) = prefix_end {
            // Strict parsing (no leading zeros) makes the raw text of an
            // address its canonical form.
            self.out.push_text(IndicatorKind::Cidr, &text[s..pe], s, pe);
            self.floor = pe;
            return pe;
        }
        let mut addr_end = end;
        let mut port = None;
        if end == e {
            if let Some((p, pe)) = parse_host_suffix(text, end)
                .or_else(|| parse_shell_socket_port(text, s, end).map(|(p, pe)| (Some(p), pe)))
            {
                port = p;
                addr_end = pe;
            }
        }
        // The URL first: candidates are pushed in output order (by start,
        // the longer first), which `find_all` relies on to merge the passes.
        let scheme = colonless_scheme(text, s);
        let url_end = self
            .schemeless_url_end(s, addr_end)
            .or(scheme.as_ref().map(|_| addr_end));
        if let Some(ue) = url_end {
            let host = |out: &mut Candidates| push_lossy(&mut out.values, &text[s..addr_end]);
            self.push_host_url(scheme.as_ref(), s, host, addr_end, ue);
        }
        // A URL with a scheme reports its host only as a part, whether the
        // scheme kept its colon or not.
        if scheme.is_none() || self.settings.all_parts {
            self.out
                .push_text(IndicatorKind::Ipv4, &text[s..end], s, addr_end)
                .port = port;
        }
        self.floor = url_end.unwrap_or(addr_end.max(e));
        self.floor
    }

    /// A host token that is not a bare dotted quad; true when it is a host.
    fn domain_token(&mut self, s: usize, e: usize) -> bool {
        let text = self.text;
        self.floor = e;
        // From the end: the last dot is a few bytes before it, and a loop
        // that finds it there beats a `memchr` call on so short a slice.
        if s >= e || !text[s..e].iter().rev().any(|&b| b == b'.') {
            return false;
        }
        let mark = self.out.values.len();
        let Some(labels) = push_canonical_domain(&mut self.out.values, &text[s..e]) else {
            return false;
        };
        let domain = self.out.since(mark);
        // The guards are cheaper than the edit lookup, so they go first.
        if context::rejects_domain(
            text,
            s,
            e,
            &self.out.values[domain.clone()],
            &labels,
            self.settings.strictness,
            &mut self.tables,
        ) && !self.defanged(s, e)
        {
            self.out.values.truncate(mark);
            return false;
        }
        let mut host_end = e;
        let mut port = None;
        if let Some((p, pe)) = parse_host_suffix(text, e) {
            port = p;
            host_end = pe;
        }
        let scheme = colonless_scheme(text, s);
        let url_end = self
            .schemeless_url_end(s, host_end)
            .or(scheme.as_ref().map(|_| host_end));
        if let Some(ue) = url_end {
            // The floor stays at the host's end: scanning resumes there, and
            // a host named inside the path (`?next=login.example.com`) is
            // found whole.
            let host = |out: &mut Candidates| out.copy_value(domain.clone());
            self.push_host_url(scheme.as_ref(), s, host, e, ue);
        }
        if scheme.is_none() || self.settings.all_parts {
            let f = self.out.push(
                IndicatorKind::Domain,
                domain,
                s,
                if url_end.is_some() { e } else { host_end },
            );
            if url_end.is_none() {
                f.port = port;
            }
        }
        true
    }

    /// Pushes the URL whose host starts at `s` and whose value is `scheme://`
    /// (when its scheme was written without the colon, `http//host`), the
    /// host `host` appends, then `text[rest..end]`: a port, a path.
    fn push_host_url(
        &mut self,
        scheme: Option<&Scheme>,
        s: usize,
        host: impl FnOnce(&mut Candidates),
        rest: usize,
        end: usize,
    ) {
        let mark = self.out.values.len();
        if let Some(scheme) = scheme {
            self.out.values.push_str(scheme.canonical);
            self.out.values.push_str("://");
        }
        host(&mut self.out);
        push_rest(&mut self.out.values, &self.text[rest..end]);
        let value = self.out.since(mark);
        let start = scheme.map_or(s, |scheme| scheme.start);
        self.out
            .push(IndicatorKind::Url, value, start, end)
            .forced_defang = scheme.is_some();
    }

    /// The end of a scheme-less URL that starts at `start` and whose path
    /// starts at `at`, if one does.
    fn schemeless_url_end(&self, start: usize, at: usize) -> Option<usize> {
        let text = self.text;
        if text.get(at) != Some(&b'/') {
            return None;
        }
        let end = quoted_rest_end(text, start, at);
        // `evil.com/` alone, or `a.b/ c`: no path to speak of.
        (end > at + 1 && text[at + 1] != b'/').then_some(end)
    }

    fn at_at(&mut self, p: usize) -> usize {
        let text = self.text;
        let mut s = p;
        while s > self.floor
            && (text[s - 1].is_ascii_alphanumeric()
                || matches!(text[s - 1], b'.' | b'_' | b'%' | b'+' | b'-'))
        {
            s -= 1;
        }
        while s < p && matches!(text[s], b'.' | b'-') {
            s += 1;
        }
        if s == p || text[p - 1] == b'.' || p - s > 64 {
            return p + 1;
        }
        let mut e = p + 1;
        while e < text.len() && is_host_byte(text[e]) {
            e += 1;
        }
        let (ds, de) = narrow_token(text, p + 1, e, p + 1);
        let (ds, de) = trim_host(text, ds, de);
        let de = cut_glued_word(text, ds, de);
        if ds != p + 1 {
            return p + 1;
        }
        let mark = self.out.values.len();
        if push_canonical_domain(&mut self.out.values, &text[ds..de]).is_none() {
            return p + 1;
        }
        let domain = self.out.since(mark);
        let email = self.out.values.len();
        // The local part is ASCII (the loop above took only ASCII bytes).
        push_lossy(&mut self.out.values, &text[s..p]);
        self.out.values[email..].make_ascii_lowercase();
        self.out.values.push('@');
        self.out.copy_value(domain.clone());
        let value = self.out.since(email);
        self.out.push(IndicatorKind::Email, value, s, de);
        if self.settings.all_parts {
            self.out.push(IndicatorKind::Domain, domain, ds, de);
        }
        self.floor = de;
        de
    }
}

/// True when the host token that ends at `at` goes on, past a `+` or `%`
/// no host holds, as the local part of an e-mail (`john.doe+tag@x.com`):
/// the token is then left to the `@` handler, which reads the local part
/// whole. Looks at most 64 bytes ahead, a local part's longest.
fn local_part_goes_on(text: &[u8], at: usize) -> bool {
    if !matches!(text.get(at), Some(b'+' | b'%')) {
        return false;
    }
    let local = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    let run = text[at..].iter().take(64).take_while(|b| local(b)).count();
    text.get(at + run) == Some(&b'@')
}

/// True when the last label of `text[start..end]` has a capital letter.
fn capital_in_last_label(text: &[u8], start: usize, end: usize) -> bool {
    text[start..end]
        .iter()
        .rev()
        .take_while(|&&b| b != b'.')
        .any(u8::is_ascii_uppercase)
}

/// The character that ends right before `at`, if `text` is UTF-8 there.
fn char_before(text: &[u8], at: usize) -> Option<char> {
    match at.checked_sub(1).map(|i| text[i]) {
        None => return None,
        Some(b) if b.is_ascii() => return Some(char::from(b)),
        Some(_) => {}
    }
    let start = at.saturating_sub(4);
    (start..at).find_map(|s| std::str::from_utf8(&text[s..at]).ok()?.chars().next_back())
}

/// The character that starts at `at`, if `text` is UTF-8 there.
fn char_after(text: &[u8], at: usize) -> Option<char> {
    match text.get(at) {
        None => return None,
        Some(&b) if b.is_ascii() => return Some(char::from(b)),
        Some(_) => {}
    }
    let end = (at + 4).min(text.len());
    (at + 1..=end).find_map(|e| std::str::from_utf8(&text[at..e]).ok()?.chars().next())
}

#[cfg(test)]
mod tests;

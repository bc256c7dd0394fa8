//! Chunk plumbing checked against a fake, line-local extractor, so these
//! tests do not depend on the real extractor's rules.

use proptest::prelude::*;

use super::*;
use crate::{IndicatorKind, Match, MatchRef, Span};

/// Reports every whitespace-delimited token that contains a dot, which is
/// line-local like the real extractor.
fn dotted_tokens(buf: &[u8]) -> Matches {
    let mut found = Matches::new();
    let mut i = 0;
    while i < buf.len() {
        if buf[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < buf.len() && !buf[i].is_ascii_whitespace() {
            i += 1;
        }
        if buf[start..i].contains(&b'.') {
            found.push(MatchRef {
                kind: IndicatorKind::Domain,
                value: &String::from_utf8_lossy(&buf[start..i]),
                span: Span::new(start, i),
                defanged: false,
                port: None,
            });
        }
    }
    found
}

#[test]
fn chunks_end_after_newlines_and_cover_the_buffer() {
    let buf = b"aa.b\ncc\ndd.e ff\n\ngg.h";
    assert_eq!(line_chunks(buf, 3), vec![0..5, 5..8, 8..16, 16..21]);
    assert_eq!(line_chunks(buf, 100), vec![0..21]);
    assert_eq!(line_chunks(b"", 4), Vec::<Range<usize>>::new());
}

#[test]
fn a_chunk_without_newline_extends_to_the_next_one() {
    let buf = b"one.very.long.line.without.break\nx.y\n";
    assert_eq!(line_chunks(buf, 4), vec![0..33, 33..37]);
    assert_eq!(line_chunks(b"no.newline.at.all", 2), vec![0..17]);
}

#[test]
fn chunked_spans_are_relative_to_the_whole_buffer() {
    let buf = b"first a.b\nsecond c.d\nthird e.f\n";
    let found = find_all_in_chunks(buf, 1, dotted_tokens);
    let spans: Vec<(usize, usize)> = found.iter().map(|m| (m.span.start, m.span.end)).collect();
    assert_eq!(spans, vec![(6, 9), (17, 20), (27, 30)]);
    for m in &found {
        assert_eq!(m.raw(buf), m.value.as_bytes());
    }
}

#[test]
fn eof_scans_everything() {
    let cut = plan_stream_cut(b"a.b c", true, 64, 8).unwrap();
    assert_eq!(
        cut,
        StreamCut {
            scan_end: 5,
            report_end: 5,
            keep_from: 5
        }
    );
}

#[test]
fn stream_cut_after_last_newline() {
    let cut = plan_stream_cut(b"a.b\nc.d\ne.", false, 64, 8).unwrap();
    assert_eq!(
        cut,
        StreamCut {
            scan_end: 8,
            report_end: 8,
            keep_from: 8
        }
    );
}

#[test]
fn stream_asks_for_more_below_the_line_cap() {
    assert_eq!(plan_stream_cut(b"a.b c.d", false, 64, 8), None);
}

#[test]
fn forced_cut_at_whitespace_with_overlap_at_a_token_boundary() {
    // 40 bytes, no newline, cap 32, overlap 8.
    let window = b"aaaa bbbb cccc dddd eeee ffff gggg hhhh";
    let window = &window[..];
    let cut = plan_stream_cut(window, false, 32, 8).unwrap();
    // Last whitespace at 34 -> scan_end 35; overlap region 27..35 whose
    // first whitespace is at 29 -> keep_from 30.
    assert_eq!(
        cut,
        StreamCut {
            scan_end: 35,
            report_end: 30,
            keep_from: 30
        }
    );
}

#[test]
fn forced_cut_without_whitespace_cuts_at_the_end() {
    let window = [b'x'; 40];
    let cut = plan_stream_cut(&window, false, 32, 8).unwrap();
    assert_eq!(
        cut,
        StreamCut {
            scan_end: 40,
            report_end: 32,
            keep_from: 32
        }
    );
}

/// Feeds `input` to the planner in reads of `read_size` bytes, like the CLI
/// does with stdin, and collects the reported matches with absolute spans.
fn stream_through_planner(
    input: &[u8],
    read_size: usize,
    max_line: usize,
    overlap: usize,
    find: impl Fn(&[u8]) -> Matches,
) -> Vec<Match> {
    let mut window: Vec<u8> = Vec::new();
    let mut base = 0;
    let mut pos = 0;
    let mut reported = Vec::new();
    loop {
        let take = read_size.min(input.len() - pos);
        window.extend_from_slice(&input[pos..pos + take]);
        pos += take;
        let at_eof = pos == input.len();
        let Some(cut) = plan_stream_cut(&window, at_eof, max_line, overlap) else {
            continue;
        };
        for m in &find(&window[..cut.scan_end]) {
            if m.span.start < cut.report_end {
                let mut m = m.to_match();
                m.span.start += base;
                m.span.end += base;
                reported.push(m);
            }
        }
        window.drain(..cut.keep_from);
        base += cut.keep_from;
        if at_eof {
            assert!(window.is_empty());
            return reported;
        }
    }
}

#[test]
fn stream_over_long_lines_matches_whole_buffer() {
    let mut input = Vec::new();
    for i in 0..200 {
        input.extend_from_slice(format!("host{i}.example.com word{i} ").as_bytes());
        if i % 50 == 49 {
            input.push(b'\n');
        }
    }
    let whole = dotted_tokens(&input).to_vec();
    for (read_size, max_line, overlap) in [
        (7, 64, 32),
        (13, 100, 40),
        (64, 256, 64),
        (1000, 4096, 4096),
    ] {
        assert_eq!(
            stream_through_planner(&input, read_size, max_line, overlap, dotted_tokens),
            whole,
            "read {read_size}, cap {max_line}, overlap {overlap}"
        );
    }
}

/// The real extractor reads text above a candidate's line (a version label,
/// a table header): each chunk is scanned with that context, so chunked
/// extraction still equals one pass.
#[test]
fn chunks_carry_the_context_the_guards_read() {
    let mut input = Vec::new();
    for i in 0..40 {
        input.extend_from_slice(
            format!(
                "carries the file version\n2.4.1.{i} in its resources\n\
                 | File name | Size |\n|---|---|\n| setup{i}.zip | 1 |\n| tool{i}.md | 2 |\n\
                 seen at 10.0.0.{i} and evil{i}.com\n"
            )
            .as_bytes(),
        );
    }
    let extractor = Extractor::new();
    let whole = extractor.find_all(&input);
    let values: Vec<&str> = whole.iter().take(2).map(|m| m.value.as_str()).collect();
    assert_eq!(values, ["10.0.0.0", "evil0.com"]);
    assert_eq!(whole.len(), 80);
    for chunk in [1, 8, 40, 100, 1000] {
        assert_eq!(
            find_all_parallel(&extractor, &input, chunk).to_vec(),
            whole,
            "chunk size {chunk}"
        );
    }
}

/// A fake that looks one line up: tokens count only under a line that
/// says `keep`.
fn tokens_under_keep(buf: &[u8]) -> Matches {
    let mut found = dotted_tokens(buf);
    found.retain(|m| {
        let line_start = memchr::memrchr(b'\n', &buf[..m.span.start]).map_or(0, |i| i + 1);
        let above_end = line_start.saturating_sub(1);
        let above_start = memchr::memrchr(b'\n', &buf[..above_end]).map_or(0, |i| i + 1);
        line_start > 0 && buf[above_start..above_end].starts_with(b"keep")
    });
    found
}

#[test]
fn chunks_see_the_line_above() {
    let input = b"keep\na.b\nx\nc.d\nkeep\ne.f\n".repeat(20);
    let whole = tokens_under_keep(&input);
    assert_eq!(whole.len(), 40);
    for chunk in 1..12 {
        assert_eq!(find_all_in_chunks(&input, chunk, tokens_under_keep), whole);
    }
}

fn text_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            Just(b'a'),
            Just(b'b'),
            Just(b'.'),
            Just(b' '),
            Just(b'\n'),
            Just(b'\t')
        ],
        0..400,
    )
}

proptest! {
    #[test]
    fn chunked_equals_whole_buffer(buf in text_strategy(), chunk in 1usize..64) {
        prop_assert_eq!(find_all_in_chunks(&buf, chunk, dotted_tokens), dotted_tokens(&buf));
    }

    #[test]
    fn chunks_tile_the_buffer(buf in text_strategy(), chunk in 1usize..64) {
        let ranges = line_chunks(&buf, chunk);
        let mut expect_start = 0;
        for (i, r) in ranges.iter().enumerate() {
            prop_assert_eq!(r.start, expect_start);
            prop_assert!(r.end > r.start);
            if i + 1 < ranges.len() {
                prop_assert!(r.len() >= chunk);
                prop_assert_eq!(buf[r.end - 1], b'\n');
            }
            expect_start = r.end;
        }
        prop_assert_eq!(expect_start, buf.len());
    }

    #[test]
    fn streaming_equals_whole_buffer(buf in text_strategy(), read_size in 1usize..50) {
        // Tokens here are far shorter than the overlap, the case the
        // streaming rule promises to handle exactly.
        prop_assert_eq!(
            stream_through_planner(&buf, read_size, 48, 12, dotted_tokens),
            dotted_tokens(&buf).to_vec()
        );
    }
}

/// Text with the two things that hold a line end among other line ends:
/// dots in brackets wrapped across one (`evil[.\n]com`) and URLs wrapped
/// at a hyphen (`http://evil.com/runs-\non/`), a PDF export's hyphen
/// among them.
fn wrapped_dot_text() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        &b"evil"[..],
        b"com",
        b"42",
        b"[.\n]",
        b"(.\r\n)",
        b"[.]",
        b".",
        b" ",
        b"\n",
        b"http://evil.com/runs-",
        b"http://evil.com/pdf-\xC2\xAD\xE2\x80\x90",
        b"on/",
        b"-",
        b"\r\n",
    ]);
    prop::collection::vec(piece, 0..80).prop_map(|p| p.concat())
}

proptest! {
    /// The real extractor joins `evil[.\n]com` into `evil.com` and a URL
    /// wrapped at a hyphen into one; no chunk or stream window may be cut
    /// inside either, whatever the chunk size or read size.
    #[test]
    fn wrapped_dots_are_never_cut(
        buf in wrapped_dot_text(),
        chunk in 1usize..40,
        read_size in 1usize..40,
    ) {
        let extractor = Extractor::new();
        let whole = extractor.find_all(&buf);
        let chunked = find_all_in_chunks(&buf, chunk, |c| extractor.find_matches(c));
        prop_assert_eq!(&chunked.to_vec(), &whole);
        let streamed =
            stream_through_planner(&buf, read_size, 1 << 20, 64, |w| extractor.find_matches(w));
        prop_assert_eq!(&streamed, &whole);
    }
}

/// The two things that hold a line end are found whole, and a chunk that
/// would end at that line end runs on to the next one.
#[test]
fn joined_lines_are_found_whole_and_chunks_pass_over_them() {
    let extractor = Extractor::new();
    for (buf, want) in [
        (&b"a\nto evil[.\n]com now\n"[..], "evil.com"),
        (
            b"a\nsee http://evil.com/runs-\non/x now\n",
            "http://evil.com/runs-on/x",
        ),
        (
            b"a\nsee http://evil.com/runs-\r\n\non/x now\n",
            "http://evil.com/runs-on/x",
        ),
        (
            b"a\nsee http://evil.com/runs-\xC2\xAD\xE2\x80\x90\non/x now\n",
            "http://evil.com/runs-on/x",
        ),
    ] {
        let values: Vec<String> = extractor
            .find_all(buf)
            .into_iter()
            .map(|m| m.value)
            .collect();
        assert_eq!(values, [want]);
        // Asked for a cut right after `a\n`'s line, the next newlines are
        // joined ones: the chunk runs on to the one after them.
        assert_eq!(line_chunks(buf, 2), [0..2, 2..buf.len()]);
    }
}

/// A bracket is never read as closed on the next line (`[.a\n]`): the
/// chunk that ends at that line end must decide as one pass does, and
/// without the next line `[.a` is a half-bracket dot (`evil.com.a`, no
/// host).
#[test]
fn brackets_do_not_close_on_the_next_line() {
    let extractor = Extractor::new();
    let buf = b"see evil[.com[.a\n] and bad.org\n";
    let whole = extractor.find_all(buf);
    let values: Vec<&str> = whole.iter().map(|m| m.value.as_str()).collect();
    assert_eq!(values, ["bad.org"]);
    for chunk in 1..buf.len() {
        let chunked = find_all_in_chunks(buf, chunk, |c| extractor.find_matches(c));
        assert_eq!(chunked.to_vec(), whole, "chunk size {chunk}");
    }
}

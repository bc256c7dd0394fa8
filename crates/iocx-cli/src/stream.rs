//! Extraction from a stream (stdin, a pipe) in bounded windows: read a
//! window, cut it where [`plan_stream_cut`] says, scan, report, carry the
//! rest over. Memory stays bounded by the line cap whatever the input size.

use std::io::{self, Read};

use iocx_core::chunked::{context_start, plan_stream_cut};
use iocx_core::decode::{decode, Encoding};
use iocx_core::Matches;

/// Window sizes for streaming.
#[derive(Clone, Copy, Debug)]
pub struct StreamLimits {
    /// Bytes read before a window is scanned.
    pub window: usize,
    /// Longest run without a newline that is kept whole before a forced cut.
    pub max_line: usize,
    /// Bytes scanned again after a forced cut.
    pub overlap: usize,
}

/// Why a stream stopped.
#[derive(Debug)]
pub enum StreamError {
    /// Reading the input failed.
    Read(io::Error),
    /// The consumer of the matches failed (e.g. writing to a closed pipe).
    Emit(io::Error),
}

/// Reads `reader` to its end and calls `emit(text, base, matches)` for each
/// scanned window, in order: `matches` come from `find(text)`, their spans are
/// relative to `text`, and `text` starts at byte `base` of the stream.
///
/// Input that starts with a UTF-16 byte-order mark cannot be cut safely
/// before decoding, so it is read whole, decoded and scanned at once; spans
/// then refer to the decoded text.
pub fn scan_stream<R, F, E>(
    mut reader: R,
    limits: StreamLimits,
    find: F,
    mut emit: E,
) -> Result<(), StreamError>
where
    R: Read,
    F: Fn(&[u8]) -> Matches,
    E: FnMut(&[u8], u64, Matches) -> io::Result<()>,
{
    let window_size = limits.window.max(2);
    let mut window: Vec<u8> = Vec::with_capacity(window_size);
    let mut base: u64 = 0;
    let mut want = window_size;
    let mut at_eof = false;
    let mut bom_checked = false;
    let mut context = 0;
    loop {
        if window.len() < want && !at_eof {
            let missing = (want - window.len()) as u64;
            reader
                .by_ref()
                .take(missing)
                .read_to_end(&mut window)
                .map_err(StreamError::Read)?;
            at_eof = window.len() < want;
        }
        if !bom_checked {
            bom_checked = true;
            if decode(&window[..window.len().min(2)]).1 != Encoding::Bytes {
                reader.read_to_end(&mut window).map_err(StreamError::Read)?;
                let (text, _) = decode(&window);
                let matches = find(&text);
                return emit(&text, 0, matches).map_err(StreamError::Emit);
            }
        }
        // `window[..context]` was reported already and is scanned again only
        // as look-back text for the context guards (a table's header row, a
        // label on the line above), so windows decide as one pass would.
        let fresh = &window[context..];
        let Some(cut) = plan_stream_cut(fresh, at_eof, limits.max_line, limits.overlap) else {
            want =
                (window.len() + window_size).min((context + limits.max_line).max(window.len() + 1));
            continue;
        };
        let (scan_end, report_end, keep_from) = (
            context + cut.scan_end,
            context + cut.report_end,
            context + cut.keep_from,
        );
        let text = &window[..scan_end];
        let mut matches = find(text);
        matches.retain(|m| m.span.start >= context && m.span.start < report_end);
        emit(text, base, matches).map_err(StreamError::Emit)?;
        if at_eof {
            return Ok(());
        }
        let carry_from = context_start(&window[..keep_from], keep_from);
        window.drain(..carry_from);
        base += carry_from as u64;
        context = keep_from - carry_from;
        want = context + window_size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iocx_core::{IndicatorKind, MatchRef, Span};

    /// Hands out at most `step` bytes per read, as a slow pipe would.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// A line-local fake extractor: every whitespace-delimited token that
    /// holds a dot.
    fn dotted_tokens(buf: &[u8]) -> Matches {
        let mut found = Matches::new();
        let mut start = None;
        for (i, b) in buf.iter().chain([b' '].iter()).enumerate() {
            match (b.is_ascii_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    if buf[s..i].contains(&b'.') {
                        found.push(MatchRef {
                            kind: IndicatorKind::Domain,
                            value: &String::from_utf8_lossy(&buf[s..i]),
                            span: Span::new(s, i),
                            defanged: false,
                            port: None,
                        });
                    }
                    start = None;
                }
                _ => {}
            }
        }
        found
    }

    fn collect(input: &[u8], step: usize, limits: StreamLimits) -> Vec<(usize, usize, String)> {
        collect_with(input, step, limits, dotted_tokens)
    }

    fn collect_with(
        input: &[u8],
        step: usize,
        limits: StreamLimits,
        find: impl Fn(&[u8]) -> Matches,
    ) -> Vec<(usize, usize, String)> {
        let mut got = Vec::new();
        scan_stream(
            Trickle { data: input, step },
            limits,
            find,
            |text, base, ms| {
                for m in &ms {
                    assert_eq!(m.raw(text), m.value.as_bytes());
                    let start = base as usize + m.span.start;
                    got.push((start, base as usize + m.span.end, m.value.to_owned()));
                }
                Ok(())
            },
        )
        .unwrap();
        got
    }

    fn whole(input: &[u8]) -> Vec<(usize, usize, String)> {
        dotted_tokens(input)
            .iter()
            .map(|m| (m.span.start, m.span.end, m.value.to_owned()))
            .collect()
    }

    #[test]
    fn windows_agree_with_whole_input() {
        let mut input = Vec::new();
        for i in 0..300 {
            input.extend_from_slice(format!("w{i} host{i}.example.org ").as_bytes());
            if i % 7 == 0 {
                input.push(b'\n');
            }
        }
        for (step, window, max_line, overlap) in [
            (1, 16, 64, 16),
            (5, 32, 64, 16),
            (100, 50, 200, 40),
            (4096, 8192, 65536, 4096),
        ] {
            let limits = StreamLimits {
                window,
                max_line,
                overlap,
            };
            assert_eq!(
                collect(&input, step, limits),
                whole(&input),
                "{limits:?} step {step}"
            );
        }
    }

    /// The real extractor looks above a line (a table's header row, a label
    /// on the line before): windows carry that text along, so they decide
    /// as one pass over the whole input does.
    #[test]
    fn windows_keep_the_context_the_guards_read() {
        // Tab-separated this time, with the label split from its value by a
        // line end, as wrapped prose does.
        let mut input = String::from("attachment\tsha1\n");
        for i in 0..40 {
            input.push_str(&format!(
                "report{i}.zip\t{:040x}\nbuild Version:\n10.0.{i}.1 shipped; see 10.1.{i}.9 and x{i}.org\n",
                0xfeed_0000_u64 + i
            ));
        }
        let input = input.into_bytes();
        let extractor = iocx_core::Extractor::new();
        let whole: Vec<_> = extractor
            .find_all(&input)
            .into_iter()
            .map(|m| (m.span.start, m.span.end, m.value))
            .collect();
        // Per block: the digest, the unlabelled address and the domain; the
        // file name and the version on the line above are not.
        assert_eq!(whole.len(), 120, "{whole:?}");
        assert_eq!(whole[0].2, format!("{:040x}", 0xfeed_0000_u64));
        assert_eq!(whole[1].2, "10.1.0.9");
        for (step, window) in [(3, 8), (17, 40), (64, 100), (1000, 4096)] {
            let limits = StreamLimits {
                window,
                max_line: 1 << 16,
                overlap: 256,
            };
            let got = collect_with(&input, step, limits, |t| extractor.find_matches(t));
            assert_eq!(got, whole, "{limits:?} step {step}");
        }
    }

    #[test]
    fn one_long_line_is_cut_at_whitespace_without_loss_or_doubles() {
        let input: Vec<u8> = (0..500)
            .flat_map(|i| format!("a{i}.b x ").into_bytes())
            .collect();
        let limits = StreamLimits {
            window: 16,
            max_line: 64,
            overlap: 16,
        };
        assert_eq!(collect(&input, 7, limits), whole(&input));
    }

    #[test]
    fn utf16_stream_is_decoded_whole() {
        let mut input = vec![0xFF, 0xFE];
        input.extend("x evil.com\ny".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let limits = StreamLimits {
            window: 4,
            max_line: 16,
            overlap: 4,
        };
        assert_eq!(
            collect(&input, 3, limits),
            vec![(2, 10, "evil.com".to_string())]
        );
    }

    #[test]
    fn empty_stream_emits_nothing() {
        let limits = StreamLimits {
            window: 4,
            max_line: 16,
            overlap: 4,
        };
        assert!(collect(b"", 3, limits).is_empty());
    }

    #[test]
    fn emit_errors_stop_the_stream() {
        let limits = StreamLimits {
            window: 4,
            max_line: 16,
            overlap: 4,
        };
        let result = scan_stream(&b"a.b\nc.d\n"[..], limits, dotted_tokens, |_, _, _| {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        });
        assert!(
            matches!(result, Err(StreamError::Emit(e)) if e.kind() == io::ErrorKind::BrokenPipe)
        );
    }
}

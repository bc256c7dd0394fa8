//! Where matches go: the [`Sink`] interface the extraction pipeline writes
//! to, and the line formats `text` (`kind<TAB>value`), `jsonl` and `csv`.
//!
//! Rendering is per input into a byte buffer, so that inputs can be rendered
//! in parallel and written in input order.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Mutex;

use iocx_core::{Match, MatchRef, Matches};
use serde::Serialize;

/// A destination for matches. The pipeline calls [`Sink::part`] for each
/// input (in parallel, in any order), then [`Sink::write`] with the parts in
/// input order, then [`Sink::finish`] once. A format that prints one document
/// for the whole run (MISP JSON) collects in `write` and prints in `finish`.
pub trait Sink: Sync {
    /// What one input (or one window of a stream) turns into.
    type Part: Send;

    /// Called once before anything else is written.
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()>;

    /// Converts the matches found in `text`, which starts at byte `base` of
    /// the input named `source`; spans are relative to `text`.
    fn part(&self, source: &str, text: &[u8], base: u64, matches: &Matches) -> Self::Part;

    /// Takes the next part in input order. It takes `&self` because workers
    /// may still be rendering later parts while earlier ones are written.
    fn write(&self, part: Self::Part, out: &mut dyn Write) -> io::Result<()>;

    /// Called once after the last part.
    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// A [`Sink`] that prints lines as the parts arrive.
pub struct LineSink {
    format: LineFormat,
    /// Buffers already written, for the next parts: a large file's parts
    /// are rendered on worker threads, and a fresh multi-megabyte buffer per
    /// chunk was faulted in page by page (1 GB of reports: 123,000 page
    /// faults with fresh buffers, 60,000 with reused ones).
    spare: Mutex<Vec<Vec<u8>>>,
}

/// Rendered buffers up to this size are kept for reuse.
const KEEP_CAPACITY: usize = 16 << 20;

impl LineSink {
    /// A sink printing `format`.
    pub fn new(format: LineFormat) -> LineSink {
        LineSink {
            format,
            spare: Mutex::new(Vec::new()),
        }
    }
}

impl Sink for LineSink {
    type Part = Vec<u8>;

    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.format.header() {
            Some(header) => out.write_all(header.as_bytes()),
            None => Ok(()),
        }
    }

    fn part(&self, source: &str, text: &[u8], base: u64, matches: &Matches) -> Vec<u8> {
        let spare = self.spare.lock().ok().and_then(|mut s| s.pop());
        let mut rendered = spare.unwrap_or_default();
        self.format
            .render(source, text, base, matches, &mut rendered);
        rendered
    }

    fn write(&self, mut part: Vec<u8>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&part)?;
        part.clear();
        if let Ok(mut spare) = self.spare.lock() {
            // About as many as are rendered at once (a window of chunks),
            // and none that a huge part left huge: beyond that they only
            // hold memory.
            if spare.len() < rayon::current_num_threads() * 4 && part.capacity() <= KEEP_CAPACITY {
                spare.push(part);
            }
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// The line-oriented output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// `kind<TAB>value`, one per line.
    Text,
    /// One JSON object per line: type, value, raw, start, end, defanged, source.
    Jsonl,
    /// CSV with a header row: type,value,raw,start,end,defanged,source.
    Csv,
}

/// The CSV header row, naming the same fields as JSONL in the same order.
pub const CSV_HEADER: &str = "type,value,raw,start,end,defanged,source\n";

/// One output record; field order is the output's field order.
#[derive(Serialize)]
struct Record<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'a str,
    raw: &'a str,
    start: u64,
    end: u64,
    defanged: bool,
    source: &'a str,
}

impl LineFormat {
    /// Text written once before any match (the CSV header).
    pub fn header(self) -> Option<&'static str> {
        match self {
            LineFormat::Csv => Some(CSV_HEADER),
            LineFormat::Text | LineFormat::Jsonl => None,
        }
    }

    /// Appends the lines for `matches` to `out`. Spans are relative to
    /// `haystack`, which starts at byte `base` of the input named `source`.
    pub fn render(
        self,
        source: &str,
        haystack: &[u8],
        base: u64,
        matches: &Matches,
        out: &mut Vec<u8>,
    ) {
        match self {
            LineFormat::Text => {
                for m in matches {
                    out.extend_from_slice(m.kind.name().as_bytes());
                    out.push(b'\t');
                    out.extend_from_slice(m.value.as_bytes());
                    out.push(b'\n');
                }
            }
            LineFormat::Jsonl => {
                for m in matches {
                    let raw = String::from_utf8_lossy(m.raw(haystack));
                    let record = record(source, &raw, base, &m);
                    serde_json::to_writer(&mut *out, &record)
                        .expect("serialising to a Vec cannot fail");
                    out.push(b'\n');
                }
            }
            LineFormat::Csv => {
                let mut writer = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(&mut *out);
                for m in matches {
                    let raw = String::from_utf8_lossy(m.raw(haystack));
                    writer
                        .serialize(record(source, &raw, base, &m))
                        .expect("serialising to a Vec cannot fail");
                }
                writer.flush().expect("flushing a Vec cannot fail");
            }
        }
    }
}

fn record<'a>(source: &'a str, raw: &'a str, base: u64, m: &MatchRef<'a>) -> Record<'a> {
    Record {
        kind: m.kind.name(),
        value: m.value,
        raw,
        start: base + m.span.start as u64,
        end: base + m.span.end as u64,
        defanged: m.defanged,
        source,
    }
}

/// Remembers which (kind, value) pairs one input has already reported, for
/// `--unique`.
#[derive(Default)]
pub struct SeenValues {
    /// Each value with a bit per kind it was reported as: looked up by
    /// `&str`, so a value seen before is not copied.
    seen: HashMap<String, u32>,
}

impl SeenValues {
    /// Drops from `matches` every pair reported before (here or in an earlier
    /// call), keeping the first occurrence of each.
    pub fn retain_first(&mut self, matches: &mut Matches) {
        matches.retain(|m| {
            let bit = 1u32 << (m.kind as u32);
            match self.seen.get_mut(m.value) {
                Some(kinds) => std::mem::replace(kinds, *kinds | bit) & bit == 0,
                None => {
                    self.seen.insert(m.value.to_owned(), bit);
                    true
                }
            }
        });
    }
}

/// A [`Sink`] that collects every match of the run and prints them as one
/// MISP event (`--format misp`), with the raw text of each in `comment`.
pub struct MispSink {
    info: String,
    /// Behind a lock only because [`Sink::write`] takes `&self`: parts
    /// arrive one at a time, in order.
    matches: Mutex<Vec<(Match, String)>>,
}

impl MispSink {
    /// A sink for an event whose `info` is `info`.
    pub fn new(info: String) -> MispSink {
        MispSink {
            info,
            matches: Mutex::new(Vec::new()),
        }
    }
}

impl Sink for MispSink {
    type Part = Vec<(Match, String)>;

    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn part(&self, _source: &str, text: &[u8], _base: u64, matches: &Matches) -> Self::Part {
        matches
            .iter()
            .map(|m| {
                (
                    m.to_match(),
                    String::from_utf8_lossy(m.raw(text)).into_owned(),
                )
            })
            .collect()
    }

    fn write(&self, part: Self::Part, _out: &mut dyn Write) -> io::Result<()> {
        let mut matches = self
            .matches
            .lock()
            .map_err(|_| io::Error::other("a worker panicked"))?;
        matches.extend(part);
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let matches = std::mem::take(
            self.matches
                .get_mut()
                .map_err(|_| io::Error::other("a worker panicked"))?,
        );
        let event = iocx_misp::event_from_matches(&self.info, &matches);
        iocx_misp::write_event(&event, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iocx_core::{IndicatorKind, Span};

    fn sample() -> (Vec<u8>, Matches) {
        let haystack = b"see hxxp://a[.]b/x,\"q\" 1.2.3.4".to_vec();
        let matches = [
            MatchRef {
                kind: IndicatorKind::Url,
                value: "http://a.b/x,\"q\"",
                span: Span::new(4, 22),
                defanged: true,
                port: None,
            },
            MatchRef {
                kind: IndicatorKind::Ipv4,
                value: "1.2.3.4",
                span: Span::new(23, 30),
                defanged: false,
                port: None,
            },
        ];
        (haystack, matches.into_iter().collect())
    }

    #[test]
    fn text_is_kind_tab_value() {
        let (haystack, matches) = sample();
        let mut out = Vec::new();
        LineFormat::Text.render("-", &haystack, 0, &matches, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "url\thttp://a.b/x,\"q\"\nipv4\t1.2.3.4\n"
        );
    }

    #[test]
    fn jsonl_fields_in_order_with_base_offset() {
        let (haystack, matches) = sample();
        let mut out = Vec::new();
        let mut matches = matches;
        matches.retain(|m| m.kind == IndicatorKind::Ipv4);
        LineFormat::Jsonl.render("in.txt", &haystack, 100, &matches, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"type\":\"ipv4\",\"value\":\"1.2.3.4\",\"raw\":\"1.2.3.4\",\"start\":123,\"end\":130,\"defanged\":false,\"source\":\"in.txt\"}\n"
        );
    }

    #[test]
    fn csv_quotes_commas_and_quotes() {
        let (haystack, matches) = sample();
        let mut out = Vec::new();
        let mut matches = matches;
        matches.retain(|m| m.kind == IndicatorKind::Url);
        LineFormat::Csv.render("a,b.txt", &haystack, 0, &matches, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "url,\"http://a.b/x,\"\"q\"\"\",\"hxxp://a[.]b/x,\"\"q\"\"\",4,22,true,\"a,b.txt\"\n"
        );
    }

    #[test]
    fn unique_keeps_first_across_calls() {
        let (_, matches) = sample();
        let (url, ip) = (matches.get(0).unwrap(), matches.get(1).unwrap());
        // The same value as another kind is another pair.
        let ip_as_domain = MatchRef {
            kind: IndicatorKind::Domain,
            ..ip
        };
        let mut seen = SeenValues::default();
        let mut first: Matches = [ip, url, ip, ip_as_domain].into_iter().collect();
        seen.retain_first(&mut first);
        assert_eq!(
            first.to_vec(),
            [ip.to_match(), url.to_match(), ip_as_domain.to_match()]
        );
        let mut second = matches.clone();
        seen.retain_first(&mut second);
        assert!(second.is_empty());
    }
}

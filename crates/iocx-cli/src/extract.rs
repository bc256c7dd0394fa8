//! `iocx extract`: find indicators in files, directories and stdin.
//!
//! Files are processed in parallel batches (rayon) and written in input
//! order; each large file is itself split into line-aligned chunks scanned in
//! parallel. Stdin and other non-regular inputs are streamed in windows.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use iocx_core::chunked::{find_all_parallel, DEFAULT_CHUNK_SIZE};
use iocx_core::decode::decode;
use iocx_core::{Extractor, ExtractorBuilder, IndicatorKind, Match, Strictness};
use rayon::prelude::*;

use crate::inputs::{self, Input, Opened};
use crate::output::{LineFormat, LineSink, SeenValues, Sink};
use crate::stream::{scan_stream, StreamError, StreamLimits};
use crate::Outcome;

const LONG_ABOUT: &str = "\
Extract indicators of compromise (IPs, domains, URLs, e-mails, hashes, CVEs, \
ASNs …) from text, refanging defanged forms such as hxxp://evil[.]com.

Input is read as bytes: invalid UTF-8, NUL bytes and very long lines are fine. \
A file (or stdin) that starts with a UTF-16 byte-order mark is decoded to UTF-8 \
first; `start` and `end` then are byte offsets into the decoded UTF-8 text, not \
into the file. Otherwise they are byte offsets into the input.

Exit status, as grep: 0 when something was found, 1 when nothing was, 2 when an \
input could not be read (the others are still processed) or the arguments are \
wrong. A closed output pipe (`| head`) ends the run quietly with status 0.";

const AFTER_HELP: &str = "\
Examples:
  iocx extract corpora/report-apt-sample.md
  iocx extract --format jsonl --unique reports/
  cat notes.txt | iocx extract --types url,domain,ipv4 -";

/// Arguments of `iocx extract`.
#[derive(Debug, Args)]
#[command(long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub struct ExtractArgs {
    /// Files or directories (searched recursively, in sorted order); `-` or
    /// no path reads stdin.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output format. text: `kind<TAB>value`; jsonl and csv: the fields
    /// type, value, raw, start, end, defanged, source (csv with a header).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,

    /// Report only these kinds (comma-separated): ipv4, ipv6, cidr, domain,
    /// url, email, md5, sha1, sha224, sha256, sha384, sha512, ssdeep, cve, asn.
    #[arg(long, value_name = "TYPE,...", value_delimiter = ',', value_parser = parse_kind)]
    types: Vec<IndicatorKind>,

    /// One line per distinct type and value per input (the first occurrence).
    #[arg(long)]
    unique: bool,

    /// Report the raw text as written (e.g. `evil[.]com`) as the value.
    #[arg(long)]
    no_refang: bool,

    /// Also report a URL's host and an e-mail's domain on their own.
    #[arg(long)]
    all_parts: bool,

    /// How hard the false-positive guards work.
    #[arg(long, value_enum, default_value_t = StrictnessArg::Normal)]
    strictness: StrictnessArg,

    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    /// Bytes per parallel chunk and stream window (also `IOCX_CHUNK_SIZE`);
    /// for tests.
    #[arg(long, hide = true)]
    chunk_size: Option<usize>,

    /// Longest line kept whole when streaming (also `IOCX_MAX_LINE`); for
    /// tests.
    #[arg(long, hide = true)]
    max_line: Option<usize>,
}

/// The `--format` values. A format that prints one document for the whole
/// run (MISP JSON, with `--event-info`) joins here with its own [`Sink`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// `kind<TAB>value` per line.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StrictnessArg {
    /// Only the syntactic checks.
    Lenient,
    /// Syntactic checks plus the context guards.
    Normal,
    /// Also drop bare domains whose suffix is a common file extension.
    Strict,
}

fn parse_kind(name: &str) -> Result<IndicatorKind, String> {
    name.parse()
        .map_err(|e: iocx_core::UnknownKind| e.to_string())
}

/// Stream windows default to this many bytes; parallel chunks to
/// [`DEFAULT_CHUNK_SIZE`].
const DEFAULT_STREAM_WINDOW: usize = 8 << 20;
/// A line longer than this is cut at whitespace when streaming.
const DEFAULT_MAX_LINE: usize = 64 << 20;
/// Bytes re-scanned after such a forced cut; longer than any real indicator.
const STREAM_OVERLAP: usize = 4 << 10;

/// Everything a worker needs to process one input.
struct Settings {
    extractor: Extractor,
    chunk_size: usize,
    limits: StreamLimits,
    unique: bool,
}

impl Settings {
    fn find(&self, text: &[u8]) -> Vec<Match> {
        find_all_parallel(&self.extractor, text, self.chunk_size)
    }
}

/// Runs `iocx extract`.
pub fn run(args: &ExtractArgs) -> anyhow::Result<Outcome> {
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("starting the worker threads")?;
    }
    let settings = settings(args)?;
    let inputs = inputs::expand(&args.paths);
    let mut sink = match args.format {
        OutputFormat::Text => LineSink(LineFormat::Text),
        OutputFormat::Jsonl => LineSink(LineFormat::Jsonl),
        OutputFormat::Csv => LineSink(LineFormat::Csv),
    };
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match extract_all(&mut sink, &inputs, &settings, &mut out) {
        Ok(outcome) => Ok(outcome),
        // The reader went away (`| head`): what it wanted, it got.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(Outcome::Found),
        Err(err) => Err(err).context("writing the output"),
    }
}

fn settings(args: &ExtractArgs) -> anyhow::Result<Settings> {
    let mut builder = ExtractorBuilder::new();
    if !args.types.is_empty() {
        builder.kinds(&args.types);
    }
    builder
        .refang(!args.no_refang)
        .all_parts(args.all_parts)
        .strictness(match args.strictness {
            StrictnessArg::Lenient => Strictness::Lenient,
            StrictnessArg::Normal => Strictness::Normal,
            StrictnessArg::Strict => Strictness::Strict,
        });
    let chunk_override = size_setting(args.chunk_size, "IOCX_CHUNK_SIZE")?;
    let window = chunk_override.unwrap_or(DEFAULT_STREAM_WINDOW);
    let max_line = size_setting(args.max_line, "IOCX_MAX_LINE")?
        .unwrap_or_else(|| DEFAULT_MAX_LINE.max(window.saturating_mul(4)));
    Ok(Settings {
        extractor: builder.build(),
        chunk_size: chunk_override.unwrap_or(DEFAULT_CHUNK_SIZE),
        limits: StreamLimits {
            window,
            max_line,
            overlap: STREAM_OVERLAP,
        },
        unique: args.unique,
    })
}

/// A size from its hidden flag, else from its environment variable.
fn size_setting(flag: Option<usize>, var: &str) -> anyhow::Result<Option<usize>> {
    let size = match (flag, std::env::var(var)) {
        (Some(size), _) => size,
        (None, Ok(text)) => match text.trim().parse() {
            Ok(size) => size,
            Err(_) => bail!("{var}: expected a number of bytes, got `{text}`"),
        },
        (None, Err(_)) => return Ok(None),
    };
    if size == 0 {
        bail!("{var}: must be at least 1 byte");
    }
    Ok(Some(size))
}

/// What one file turned into.
struct FileResult<P> {
    parts: Vec<P>,
    matches: usize,
}

/// Extracts from every input, writing to `out` in input order. Input errors
/// are printed to stderr and counted; only an output error stops the run.
fn extract_all<S: Sink>(
    sink: &mut S,
    inputs: &[Input],
    settings: &Settings,
    out: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut found = false;
    let mut failed = false;
    sink.start(out)?;
    // Batches keep every core busy while bounding how much rendered output
    // waits for an earlier, slower file.
    let batch_len = rayon::current_num_threads() * 4;
    let mut rest = inputs;
    while let Some(first) = rest.first() {
        if matches!(first, Input::Stdin) {
            rest = &rest[1..];
            let stdin = io::stdin().lock();
            let mut seen = SeenValues::default();
            let result = scan_stream(
                stdin,
                settings.limits,
                |t| settings.find(t),
                |text, base, mut matches| {
                    if settings.unique {
                        seen.retain_first(&mut matches);
                    }
                    found |= !matches.is_empty();
                    let part = sink.part("-", text, base, &matches);
                    sink.write(part, out)?;
                    // Streamed input may be slow (`tail -f`): show each window.
                    out.flush()
                },
            );
            match result {
                Ok(()) => {}
                Err(StreamError::Emit(err)) => return Err(err),
                Err(StreamError::Read(err)) => {
                    report_error(out, "-", &err)?;
                    failed = true;
                }
            }
            continue;
        }
        let len = rest
            .iter()
            .take(batch_len)
            .position(|i| matches!(i, Input::Stdin))
            .unwrap_or(rest.len().min(batch_len));
        let (batch, after) = rest.split_at(len);
        rest = after;
        let results: Vec<_> = batch
            .par_iter()
            .map(|input| match input {
                Input::File { source, path } => {
                    extract_file(&*sink, source, path, settings).map_err(|e| (source, e))
                }
                Input::Unreadable { source, error } => {
                    Err((source, io::Error::new(error.kind(), error.to_string())))
                }
                Input::Stdin => unreachable!("stdin is never part of a batch"),
            })
            .collect();
        for result in results {
            match result {
                Ok(file) => {
                    found |= file.matches > 0;
                    for part in file.parts {
                        sink.write(part, out)?;
                    }
                }
                Err((source, err)) => {
                    report_error(out, source, &err)?;
                    failed = true;
                }
            }
        }
    }
    sink.finish(out)?;
    out.flush()?;
    Ok(if failed {
        Outcome::Failed
    } else if found {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

/// Prints `iocx: SOURCE: ERROR` after what was written so far.
fn report_error(out: &mut dyn Write, source: &str, err: &io::Error) -> io::Result<()> {
    out.flush()?;
    eprintln!("iocx: {source}: {err}");
    Ok(())
}

fn extract_file<S: Sink>(
    sink: &S,
    source: &str,
    path: &std::path::Path,
    settings: &Settings,
) -> io::Result<FileResult<S::Part>> {
    match inputs::open(path)? {
        Opened::Whole(contents) => {
            let (text, _) = decode(&contents);
            let mut matches = settings.find(&text);
            if settings.unique {
                SeenValues::default().retain_first(&mut matches);
            }
            Ok(FileResult {
                parts: vec![sink.part(source, &text, 0, &matches)],
                matches: matches.len(),
            })
        }
        Opened::Stream(file) => extract_file_stream(sink, source, file, settings),
    }
}

fn extract_file_stream<S: Sink>(
    sink: &S,
    source: &str,
    file: File,
    settings: &Settings,
) -> io::Result<FileResult<S::Part>> {
    let mut result = FileResult {
        parts: Vec::new(),
        matches: 0,
    };
    let mut seen = SeenValues::default();
    let streamed = scan_stream(
        file,
        settings.limits,
        |t| settings.find(t),
        |text, base, mut matches| {
            if settings.unique {
                seen.retain_first(&mut matches);
            }
            result.matches += matches.len();
            result.parts.push(sink.part(source, text, base, &matches));
            Ok(())
        },
    );
    match streamed {
        Ok(()) => Ok(result),
        Err(StreamError::Read(err) | StreamError::Emit(err)) => Err(err),
    }
}

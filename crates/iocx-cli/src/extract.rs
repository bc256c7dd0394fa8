//! `iocx extract`: its arguments, and turning them into a pipeline run.

use std::io::{self, BufWriter};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use iocx_core::chunked::DEFAULT_CHUNK_SIZE;
use iocx_core::{ExtractorBuilder, IndicatorKind, Strictness};

use crate::inputs;
use crate::output::{LineFormat, LineSink, MispSink};
use crate::pipeline::{extract_all, Settings};
use crate::stream::StreamLimits;
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
    /// type, value, raw, start, end, defanged, source (csv with a header);
    /// misp: one MISP event JSON (see --event-info).
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

    /// The `info` of the event printed by `--format misp`.
    #[arg(long, value_name = "TEXT", default_value = "iocx extraction")]
    event_info: String,

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
/// run (MISP JSON, with `--event-info`) joins here with its own
/// [`Sink`](crate::output::Sink), dispatched in [`run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// `kind<TAB>value` per line.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// One MISP event JSON (`{"Event": {...}}`) holding every indicator.
    Misp,
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
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let lines = LineSink::new;
    let result = match args.format {
        OutputFormat::Text => {
            extract_all(&mut lines(LineFormat::Text), &inputs, &settings, &mut out)
        }
        OutputFormat::Jsonl => {
            extract_all(&mut lines(LineFormat::Jsonl), &inputs, &settings, &mut out)
        }
        OutputFormat::Csv => extract_all(&mut lines(LineFormat::Csv), &inputs, &settings, &mut out),
        OutputFormat::Misp => extract_all(
            &mut MispSink::new(args.event_info.clone()),
            &inputs,
            &settings,
            &mut out,
        ),
    };
    match result {
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

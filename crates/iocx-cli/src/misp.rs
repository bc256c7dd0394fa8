//! `iocx misp check`: parse MISP event files and feed directories and report
//! what each holds, one line per path as given.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use iocx_misp::{read_event_file, read_feed, Counts, Warning};
use serde::Serialize;

/// Output format of `iocx misp check`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Aligned columns under a header.
    #[default]
    Text,
    /// One JSON object per line.
    Jsonl,
}

/// Arguments of `iocx misp check`.
#[derive(Debug, clap::Args)]
pub struct MispCheckArgs {
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// MISP event JSON files, or MISP feed directories (with manifest.json).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// One output line; field order is the documented jsonl order.
#[derive(Debug, Serialize)]
struct CheckLine {
    path: String,
    events: usize,
    attributes: usize,
    objects: usize,
    deleted: usize,
    invalid: usize,
    error: Option<String>,
}

/// Checks every path, printing one line each to `out` and warnings about
/// skipped attributes to stderr. Returns true when no path had an error.
pub fn run_check(args: &MispCheckArgs, out: &mut dyn Write) -> Result<bool> {
    let lines: Vec<CheckLine> = args.paths.iter().map(|p| check_path(p)).collect();
    let all_ok = lines.iter().all(|l| l.error.is_none());
    match args.format {
        CheckFormat::Jsonl => {
            for line in &lines {
                serde_json::to_writer(&mut *out, line)?;
                out.write_all(b"\n")?;
            }
        }
        CheckFormat::Text => write_table(&lines, out)?,
    }
    out.flush()?;
    Ok(all_ok)
}

fn check_path(path: &Path) -> CheckLine {
    let (counts, warnings, error) = if path.is_dir() {
        match read_feed(path) {
            Ok(feed) => {
                let error = (!feed.errors.is_empty()).then(|| {
                    let messages: Vec<String> = feed.errors.iter().map(|e| e.to_string()).collect();
                    messages.join("; ")
                });
                (feed.counts, feed.warnings, error)
            }
            Err(e) => (Counts::default(), Vec::new(), Some(e.to_string())),
        }
    } else {
        match read_event_file(path) {
            Ok(file) => (file.counts, file.warnings, None),
            Err(e) => (Counts::default(), Vec::new(), Some(e.to_string())),
        }
    };
    report_warnings(&warnings);
    CheckLine {
        path: path.display().to_string(),
        events: counts.events,
        attributes: counts.attributes,
        objects: counts.objects,
        deleted: counts.deleted,
        invalid: counts.invalid,
        error,
    }
}

fn report_warnings(warnings: &[Warning]) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for warning in warnings {
        // A closed stderr must not abort the check itself.
        let _ = writeln!(err, "warning: {warning}");
    }
}

fn write_table(lines: &[CheckLine], out: &mut dyn Write) -> std::io::Result<()> {
    const HEADER: [&str; 7] = [
        "PATH",
        "EVENTS",
        "ATTRIBUTES",
        "OBJECTS",
        "DELETED",
        "INVALID",
        "ERROR",
    ];
    let rows: Vec<[String; 7]> = lines
        .iter()
        .map(|l| {
            [
                l.path.clone(),
                l.events.to_string(),
                l.attributes.to_string(),
                l.objects.to_string(),
                l.deleted.to_string(),
                l.invalid.to_string(),
                l.error.clone().unwrap_or_else(|| "-".to_string()),
            ]
        })
        .collect();
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header = HEADER.map(str::to_string);
    for row in std::iter::once(&header).chain(&rows) {
        let mut text = format!("{:<w$}", row[0], w = widths[0]);
        for (i, cell) in row.iter().enumerate().take(6).skip(1) {
            text.push_str(&format!("  {:>w$}", cell, w = widths[i]));
        }
        text.push_str("  ");
        text.push_str(&row[6]);
        writeln!(out, "{text}")?;
    }
    Ok(())
}

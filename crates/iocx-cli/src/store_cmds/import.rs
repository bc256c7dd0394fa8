//! `iocx import text|misp`: store events and print what each correlates with.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use iocx_core::correlate::{AttributeInput, EventInput};
use iocx_misp::{event_from_matches, read_event_file, read_feed, today, Event};
use iocx_store::{ImportOutcome, NewEvent, Store};

use super::output::{json_line, ImportLine, RelatedBrief, Table};
use super::progress::Progress;
use super::report::{count, related_views, write_notes};
use super::{CorrelationArgs, Format, Outcome};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Extract indicators from text files (`-` for stdin) into one new event.
    Text(TextArgs),
    /// Import MISP event files or MISP feed directories.
    Misp(MispArgs),
}

#[derive(Args, Debug)]
pub struct TextArgs {
    /// Files to read; `-` is stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// The new event's info (title).
    #[arg(long, value_name = "INFO")]
    event: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    correlation: CorrelationArgs,
}

#[derive(Args, Debug)]
pub struct MispArgs {
    /// MISP event files or feed directories.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    correlation: CorrelationArgs,
}

pub fn run(command: ImportCommand, store: &mut Store, out: &mut dyn Write) -> Result<Outcome> {
    match command {
        ImportCommand::Text(args) => {
            let event = text_event(&args.paths, &args.event)?;
            if event.event.attributes.is_empty() {
                eprintln!("iocx: no indicators found in the input; no event created");
                return Ok(Outcome::Nothing);
            }
            store_and_report(store, vec![event], args.format, &args.correlation, out)
        }
        ImportCommand::Misp(args) => {
            let events = misp_events(&args.paths)?;
            store_and_report(store, events, args.format, &args.correlation, out)
        }
    }
}

fn text_event(paths: &[PathBuf], info: &str) -> Result<NewEvent> {
    let extractor = iocx_core::Extractor::new();
    let mut matches = Vec::new();
    for path in paths {
        let bytes = if path == Path::new("-") {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("-: reading stdin")?;
            bytes
        } else {
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?
        };
        let (text, _) = iocx_core::decode::decode(&bytes);
        for found in extractor.find_iter(&text) {
            let raw = String::from_utf8_lossy(found.raw(&text)).into_owned();
            matches.push((found, raw));
        }
    }
    Ok(new_event(
        event_from_matches(info, &matches),
        Path::new("-"),
        0,
    ))
}

fn misp_events(paths: &[PathBuf]) -> Result<Vec<NewEvent>> {
    let mut events = Vec::new();
    for path in paths {
        if path.is_dir() {
            let feed = read_feed(path)?;
            for warning in &feed.warnings {
                eprintln!("iocx: warning: {warning}");
            }
            if let Some(error) = feed.errors.first() {
                bail!("{error}");
            }
            events.extend(
                feed.events
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| new_event(e, path, i)),
            );
        } else {
            let file = read_event_file(path)?;
            for warning in &file.warnings {
                eprintln!("iocx: warning: {warning}");
            }
            events.extend(
                file.events
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| new_event(e, path, i)),
            );
        }
    }
    Ok(events)
}

/// The store's form of a MISP event. An event without a uuid gets one
/// derived from its file and position, so re-importing the file matches it.
fn new_event(event: Event, path: &Path, position: usize) -> NewEvent {
    let uuid = event.uuid.clone().unwrap_or_else(|| {
        let name = format!("{}#{position}", path.display());
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
    });
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    NewEvent {
        event: EventInput {
            uuid: uuid.to_ascii_lowercase(),
            info: event.info,
            disable_correlation: event.disable_correlation,
            attributes: event
                .attributes
                .into_iter()
                .filter(|a| !a.deleted)
                .map(|a| AttributeInput {
                    misp_type: a.misp_type,
                    value: a.value,
                    disable_correlation: a.disable_correlation,
                    to_ids: a.to_ids,
                })
                .collect(),
        },
        date: event.date.unwrap_or_else(today),
        timestamp: event.timestamp.unwrap_or(now) as i64,
    }
}

fn store_and_report(
    store: &mut Store,
    events: Vec<NewEvent>,
    format: Format,
    correlation: &CorrelationArgs,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let total: u64 = events.iter().map(|e| e.event.attributes.len() as u64).sum();
    let mut progress = Progress::new(total, "storing");
    let outcomes = store.import(&events, &mut |done| progress.set(done))?;
    // Correlating a large import takes as long as storing it.
    progress.phase(total, "correlating");
    let mut correlated = 0;
    let exclusions = store.exclusions()?;
    let options = correlation.options();
    // Each event reports the events that were stored before it: those from
    // earlier runs and those earlier in this one, so importing files
    // together prints what importing them one by one would.
    let inserted_at: HashMap<u64, usize> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| match o {
            ImportOutcome::Inserted(id) => Some((*id as u64, i)),
            _ => None,
        })
        .collect();
    for (position, (event, outcome)) in events.iter().zip(outcomes).enumerate() {
        let row = store
            .event(outcome.event_id())?
            .context("imported event is missing from the store")?;
        let later = |e: u64| inserted_at.get(&e).is_some_and(|&at| at > position);
        let found = store.correlate_event_skipping(&row, &options, &exclusions, &later)?;
        correlated += event.event.attributes.len() as u64;
        progress.set(correlated);
        let related = related_views(store, &found)?;
        match format {
            Format::Jsonl => {
                let related = related
                    .iter()
                    .map(|r| RelatedBrief {
                        event: &r.uuid,
                        info: &r.info,
                        shared: r.shared,
                    })
                    .collect();
                let line = ImportLine {
                    event: &row.uuid,
                    info: &row.info,
                    attributes: row.attributes,
                    related,
                };
                json_line(out, &line)?;
                write_notes(&mut std::io::stderr(), &found)?;
            }
            Format::Text => {
                let status = match outcome {
                    ImportOutcome::Inserted(_) => "imported",
                    ImportOutcome::Replaced(_) => "replaced",
                    ImportOutcome::Unchanged(_) => "unchanged",
                    ImportOutcome::Outdated(_) => "kept newer",
                };
                writeln!(
                    out,
                    "{status} {} \"{}\": {}, related to {}",
                    row.uuid,
                    row.info,
                    count(row.attributes, "attribute"),
                    count(related.len(), "event")
                )?;
                if !related.is_empty() {
                    let mut table = Table::new(&["SHARED", "EVENT", "INFO"]);
                    for r in &related {
                        table.row(vec![r.shared.to_string(), r.uuid.clone(), r.info.clone()]);
                    }
                    table.write(out)?;
                }
                write_notes(out, &found)?;
            }
        }
    }
    progress.finish();
    Ok(Outcome::Found)
}

//! The store-backed commands: import, correlate, search, lookup, events,
//! graph, exclude and warninglists. Each lives in its own module; this one
//! holds their shared arguments, store location and exit-code handling.

mod correlate;
mod events;
mod exclude;
mod graph;
mod import;
mod lookup;
mod output;
mod progress;
mod report;
mod search;
mod warninglists;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use iocx_core::correlate::{CorrelationOptions, RelationSet};
use iocx_store::{EventRow, Store};

/// The store commands, flattened into the top-level command list.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Import events: free text (extracted) or MISP JSON; print what each correlates with.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Events related to an event (or to values read from stdin), ranked by shared values.
    Correlate(correlate::CorrelateArgs),
    /// Which events hold these values (input is refanged).
    Search(search::SearchArgs),
    /// Enrich each row of a CSV or JSONL log on stdin with the events its column's value is in.
    Lookup(lookup::LookupArgs),
    /// List events with date, info, attribute count and Corr count.
    Events(events::EventsArgs),
    /// The correlation graph of an event as Graphviz DOT or JSON.
    Graph(graph::GraphArgs),
    /// Manage correlation exclusions (`x`, `x%`, `%x`, `%x%`).
    #[command(subcommand)]
    Exclude(exclude::ExcludeCommand),
    /// Manage MISP warninglists used as exclusions.
    #[command(subcommand)]
    Warninglists(warninglists::WarninglistsCommand),
}

/// Output format of the store commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns under a header, for people.
    #[default]
    Text,
    /// One JSON object per line.
    Jsonl,
}

/// Which relations count and the over-correlation cap.
#[derive(Args, Clone, Debug)]
pub struct CorrelationArgs {
    /// Relations that count (comma-separated): exact, cidr, url-host, registrable-domain, email-domain. Default: all.
    #[arg(long, value_name = "LIST", value_parser = parse_relations)]
    relations: Option<RelationSet>,
    /// A value held by more than this many other events is reported as over-correlating.
    #[arg(long, value_name = "N", default_value_t = CorrelationOptions::DEFAULT_CAP)]
    cap: usize,
}

fn parse_relations(s: &str) -> Result<RelationSet, String> {
    s.parse()
        .map_err(|e: iocx_core::correlate::UnknownRelation| e.to_string())
}

impl CorrelationArgs {
    fn options(&self) -> CorrelationOptions {
        CorrelationOptions {
            relations: self.relations.unwrap_or_default(),
            cap: self.cap,
        }
    }
}

/// What a command found: decides the exit code (0 found/ok, 1 nothing).
pub enum Outcome {
    Found,
    Nothing,
}

/// Runs a store command and maps its result to the exit code: 0 found or
/// done, 1 nothing found, 2 error (a closed stdout is not an error).
pub fn run(command: StoreCommand, db: Option<PathBuf>) -> ExitCode {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = dispatch(command, db, &mut out).and_then(|o| {
        out.flush()?;
        Ok(o)
    });
    match result {
        Ok(Outcome::Found) => ExitCode::SUCCESS,
        Ok(Outcome::Nothing) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iocx: {}", crate::error_line(&e));
            ExitCode::from(2)
        }
    }
}

fn dispatch(command: StoreCommand, db: Option<PathBuf>, out: &mut dyn Write) -> Result<Outcome> {
    let path = db_path(db)?;
    let open = || Store::open(&path).map_err(anyhow::Error::from);
    match command {
        StoreCommand::Import(cmd) => import::run(cmd, &mut open()?, out),
        StoreCommand::Correlate(args) => correlate::run(args, &mut open()?, out),
        StoreCommand::Search(args) => search::run(args, &open()?, out),
        StoreCommand::Lookup(args) => lookup::run(args, &open()?, out),
        StoreCommand::Events(args) => events::run(args, &open()?, out),
        StoreCommand::Graph(args) => graph::run(args, &mut open()?, out),
        StoreCommand::Exclude(cmd) => exclude::run(cmd, &mut open()?, out),
        StoreCommand::Warninglists(cmd) => warninglists::run(cmd, &mut open()?, out),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// `--db`, else `$IOCX_DB`, else `<data dir>/iocx/iocx.db`.
fn db_path(db: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(path) = db {
        return Ok(path);
    }
    if let Some(path) = std::env::var_os("IOCX_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dir =
        dirs::data_dir().context("no platform data directory; pass --db PATH or set IOCX_DB")?;
    Ok(dir.join("iocx").join("iocx.db"))
}

/// The one event an EVENT argument (uuid, numeric id or exact info) names.
/// `Ok(None)` when none does; an error when an info names several.
fn resolve_event(store: &Store, arg: &str) -> Result<Option<EventRow>> {
    let mut found = store.resolve_event(arg)?;
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => {
            let uuids: Vec<&str> = found.iter().map(|e| e.uuid.as_str()).collect();
            bail!(
                "`{arg}` names {} events ({}); pass a uuid or id",
                found.len(),
                uuids.join(", ")
            )
        }
    }
}

/// Like [`resolve_event`] but a missing event is an error message.
fn require_event(store: &Store, arg: &str) -> Result<EventRow> {
    resolve_event(store, arg)?
        .ok_or_else(|| anyhow!("no event matches `{arg}` (by uuid, id or info)"))
}

//! `iocx lookup --column NAME [--format csv|jsonl] < log`: enrich each log
//! row with the events its column's value appears in, the way SOC teams
//! join proxy or firewall logs against MISP.
//!
//! CSV rows gain two columns, `iocx_events` (uuids) and `iocx_info`
//! (titles), each `;`-separated; JSONL rows gain `iocx_events`, a list of
//! `{"event", "info"}`. Rows keep their order; unmatched rows pass through
//! with empty additions.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use iocx_store::Store;
use serde_json::{json, Value};

use super::output::json_line;
use super::Outcome;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Comma-separated with a header row.
    #[default]
    Csv,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Args, Debug)]
pub struct LookupArgs {
    /// The column (CSV header or JSON field) holding the value to look up.
    #[arg(long, value_name = "NAME")]
    column: String,
    /// The log format on stdin; the output has the same format.
    #[arg(long, value_enum, default_value_t)]
    format: LogFormat,
}

/// Looks values up once each.
struct Matcher<'s> {
    store: &'s Store,
    cache: HashMap<String, Vec<(String, String)>>,
}

impl Matcher<'_> {
    fn events(&mut self, raw: &str) -> Result<&[(String, String)]> {
        if !self.cache.contains_key(raw) {
            let value = iocx_core::refang(raw.trim());
            let mut events: Vec<(String, String)> = Vec::new();
            if !value.is_empty() {
                for hit in self.store.search(&value)? {
                    if !events.iter().any(|(uuid, _)| *uuid == hit.event.uuid) {
                        events.push((hit.event.uuid, hit.event.info));
                    }
                }
            }
            self.cache.insert(raw.to_string(), events);
        }
        Ok(&self.cache[raw])
    }
}

pub fn run(args: LookupArgs, store: &Store, out: &mut dyn Write) -> Result<Outcome> {
    let mut matcher = Matcher {
        store,
        cache: HashMap::new(),
    };
    let stdin = std::io::stdin();
    let matched = match args.format {
        LogFormat::Csv => lookup_csv(stdin.lock(), &args.column, &mut matcher, out)?,
        LogFormat::Jsonl => lookup_jsonl(stdin.lock(), &args.column, &mut matcher, out)?,
    };
    Ok(if matched > 0 {
        Outcome::Found
    } else {
        Outcome::Nothing
    })
}

fn lookup_csv(
    input: impl std::io::Read,
    column: &str,
    matcher: &mut Matcher,
    out: &mut dyn Write,
) -> Result<usize> {
    // Byte records: a log line that is not UTF-8 passes through unchanged
    // rather than stopping the run.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .byte_headers()
        .context("stdin: reading the CSV header")?
        .clone();
    if headers.is_empty() {
        bail!("stdin: no CSV header (the input is empty)");
    }
    let Some(index) = headers.iter().position(|h| h == column.as_bytes()) else {
        let names: Vec<String> = headers
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        bail!(
            "stdin: no column `{column}` in the CSV header ({})",
            names.join(", ")
        );
    };
    let mut writer = csv::Writer::from_writer(out);
    let mut header_out = headers.clone();
    header_out.push_field(b"iocx_events");
    header_out.push_field(b"iocx_info");
    writer.write_byte_record(&header_out)?;
    let mut matched = 0;
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader
        .read_byte_record(&mut record)
        .with_context(|| format!("stdin: CSV record {}", n + 1))?
    {
        n += 1;
        let value = String::from_utf8_lossy(record.get(index).unwrap_or(b""));
        let events = matcher.events(&value)?;
        if !events.is_empty() {
            matched += 1;
        }
        let uuids: Vec<&str> = events.iter().map(|(u, _)| u.as_str()).collect();
        let infos: Vec<&str> = events.iter().map(|(_, i)| i.as_str()).collect();
        record.push_field(uuids.join(";").as_bytes());
        record.push_field(infos.join(";").as_bytes());
        writer.write_byte_record(&record)?;
    }
    writer.flush()?;
    Ok(matched)
}

fn lookup_jsonl(
    input: impl BufRead,
    column: &str,
    matcher: &mut Matcher,
    out: &mut dyn Write,
) -> Result<usize> {
    let mut matched = 0;
    for (n, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("stdin: line {}", n + 1))?;
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let row: Value = match serde_json::from_str(line) {
            Ok(row) => row,
            Err(e) => {
                // serde places the error within the line it was given.
                let text = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let what = text.strip_suffix(&suffix).unwrap_or(&text);
                bail!(
                    "stdin: line {} column {}: not JSON: {what}",
                    n + 1,
                    e.column()
                );
            }
        };
        let Some(object) = row.as_object() else {
            bail!("stdin: line {}: not a JSON object", n + 1);
        };
        let value = match object.get(column) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let events = matcher.events(&value)?;
        if !events.is_empty() {
            matched += 1;
        }
        let list: Vec<Value> = events
            .iter()
            .map(|(u, i)| json!({"event": u, "info": i}))
            .collect();
        if object.contains_key(FIELD) {
            // The row already has the field: replace it (re-serialising).
            let mut row = row.clone();
            row[FIELD] = Value::Array(list);
            json_line(out, &row)?;
        } else {
            // Append the field to the row as written, so its own fields
            // keep their order and exact text (numbers, escapes).
            let body = line.strip_suffix('}').expect("a JSON object ends with }");
            let separator = if object.is_empty() { "" } else { "," };
            writeln!(out, "{body}{separator}\"{FIELD}\":{}}}", Value::Array(list))?;
        }
    }
    Ok(matched)
}

/// The field JSONL rows gain.
const FIELD: &str = "iocx_events";

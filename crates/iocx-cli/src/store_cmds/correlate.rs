//! `iocx correlate EVENT | --values -`: related events, ranked by how many
//! values they share, with the shared values and their relation.

use std::io::{BufRead, Write};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use clap::Args;
use iocx_core::correlate::{AttributeInput, IpNet};
use iocx_core::IndicatorKind;
use iocx_store::Store;

use super::output::{json_line, CorrelateLine, Table};
use super::report::{related_views, write_notes};
use super::{require_event, CorrelationArgs, Format, Outcome};

#[derive(Args, Debug)]
pub struct CorrelateArgs {
    /// The event: uuid, numeric id or exact info.
    #[arg(value_name = "EVENT", required_unless_present = "values")]
    event: Option<String>,
    /// Read values from this file (`-` for stdin), one per line, optionally
    /// as `TYPE<TAB>VALUE` (a MISP type or an iocx kind, as `iocx extract` prints).
    #[arg(long, value_name = "PATH", conflicts_with = "event")]
    values: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    correlation: CorrelationArgs,
}

pub fn run(args: CorrelateArgs, store: &mut Store, out: &mut dyn Write) -> Result<Outcome> {
    let exclusions = store.exclusions()?;
    let options = args.correlation.options();
    let found = match (&args.event, &args.values) {
        (Some(event), _) => {
            let row = require_event(store, event)?;
            store.correlate_event(&row, &options, &exclusions)?
        }
        (None, Some(path)) => {
            let values = read_values(path)?;
            store.correlate_values(&values, &options, &exclusions)?
        }
        (None, None) => bail!("give an EVENT or --values PATH"),
    };
    let related = related_views(store, &found)?;
    match args.format {
        Format::Jsonl => {
            for r in &related {
                let line = CorrelateLine {
                    event: &r.uuid,
                    info: &r.info,
                    shared: r.shared,
                    values: &r.values,
                };
                json_line(out, &line)?;
            }
            write_notes(&mut std::io::stderr(), &found)?;
        }
        Format::Text => {
            let mut table =
                Table::new(&["SHARED", "EVENT", "INFO", "RELATION", "VALUE", "MATCHES"]);
            for r in &related {
                for (i, v) in r.values.iter().enumerate() {
                    let (shared, uuid, info) = if i == 0 {
                        (r.shared.to_string(), r.uuid.clone(), r.info.clone())
                    } else {
                        (String::new(), String::new(), String::new())
                    };
                    table.row(vec![
                        shared,
                        uuid,
                        info,
                        v.relation.to_string(),
                        v.value.clone(),
                        v.other.clone(),
                    ]);
                }
            }
            if !table.is_empty() {
                table.write(out)?;
            }
            write_notes(out, &found)?;
        }
    }
    Ok(if related.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

fn read_values(path: &str) -> Result<Vec<AttributeInput>> {
    let reader: Box<dyn BufRead> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("{path}: cannot open"))?,
        ))
    };
    let mut values = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{path}: line {}", n + 1))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (misp_type, value) = match line.split_once('\t') {
            Some((kind, value)) => (typed(kind.trim(), value.trim()), value.trim().to_string()),
            None => {
                let value = iocx_core::refang(line);
                (guess_type(&value), value)
            }
        };
        values.push(AttributeInput::new(&misp_type, &value));
    }
    Ok(values)
}

/// A MISP type from a `TYPE` column: an iocx kind name maps to its MISP type.
fn typed(kind: &str, value: &str) -> String {
    match IndicatorKind::from_str(kind) {
        Ok(kind) => iocx_misp::misp_type_for(kind, value).to_string(),
        Err(_) => kind.to_string(),
    }
}

/// The MISP type a bare value most likely has, so it meets the right
/// relations (CIDR containment for addresses, host relations for names).
pub fn guess_type(value: &str) -> String {
    let kind = if IpNet::parse(value).is_some() {
        IndicatorKind::Cidr
    } else if value.contains("://") {
        IndicatorKind::Url
    } else if value.contains('@') && !value.contains(' ') {
        IndicatorKind::Email
    } else if let Some(kind) = value
        .bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then(|| IndicatorKind::hash_for_len(value.len()))
        .flatten()
    {
        kind
    } else if value.contains('.')
        && !value.contains([' ', '/', '\\'])
        && iocx_core::psl::has_known_suffix(&value.to_ascii_lowercase())
    {
        IndicatorKind::Domain
    } else {
        return "text".to_string();
    };
    iocx_misp::misp_type_for(kind, value).to_string()
}

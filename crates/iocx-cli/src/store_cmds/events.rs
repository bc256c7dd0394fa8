//! `iocx events`: every event with its date, info, attribute count and Corr
//! count (how many other events it correlates with).

use std::io::Write;

use anyhow::Result;
use clap::Args;
use iocx_store::Store;

use super::output::{json_line, EventLine, Table};
use super::{CorrelationArgs, Format, Outcome};

#[derive(Args, Debug)]
pub struct EventsArgs {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    correlation: CorrelationArgs,
}

pub fn run(args: EventsArgs, store: &Store, out: &mut dyn Write) -> Result<Outcome> {
    let rows = store.events()?;
    let (index, ids) = store.build_index()?;
    let exclusions = store.exclusions()?;
    let options = args.correlation.options();
    let mut table = Table::new(&["ID", "DATE", "ATTRS", "CORR", "UUID", "INFO"]);
    for (position, row) in rows.iter().enumerate() {
        debug_assert_eq!(ids[position], row.id);
        let corr = index.corr_count(position as u32, &options, &exclusions);
        match args.format {
            Format::Jsonl => json_line(
                out,
                &EventLine {
                    event: &row.uuid,
                    info: &row.info,
                    date: &row.date,
                    attributes: row.attributes,
                    corr,
                },
            )?,
            Format::Text => table.row(vec![
                row.id.to_string(),
                row.date.clone(),
                row.attributes.to_string(),
                corr.to_string(),
                row.uuid.clone(),
                row.info.clone(),
            ]),
        }
    }
    if args.format == Format::Text && !rows.is_empty() {
        table.write(out)?;
    }
    Ok(if rows.is_empty() {
        Outcome::Nothing
    } else {
        Outcome::Found
    })
}

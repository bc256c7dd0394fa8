//! `iocx search VALUE...`: which events hold these values.

use std::io::Write;

use anyhow::Result;
use clap::Args;
use iocx_store::Store;

use super::output::{json_line, SearchLine, Table};
use super::{Format, Outcome};

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Values to look for (defanged input is refanged).
    #[arg(required = true, value_name = "VALUE")]
    values: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: SearchArgs, store: &Store, out: &mut dyn Write) -> Result<Outcome> {
    let mut table = Table::new(&["VALUE", "TYPE", "EVENT", "INFO"]);
    let mut any = false;
    for raw in &args.values {
        let value = iocx_core::refang(raw.trim());
        for hit in store.search(&value)? {
            any = true;
            match args.format {
                Format::Jsonl => json_line(
                    out,
                    &SearchLine {
                        value: &value,
                        event: &hit.event.uuid,
                        info: &hit.event.info,
                        misp_type: &hit.misp_type,
                    },
                )?,
                Format::Text => table.row(vec![
                    value.clone(),
                    hit.misp_type,
                    hit.event.uuid,
                    hit.event.info,
                ]),
            }
        }
    }
    if args.format == Format::Text && any {
        table.write(out)?;
    }
    Ok(if any {
        Outcome::Found
    } else {
        Outcome::Nothing
    })
}

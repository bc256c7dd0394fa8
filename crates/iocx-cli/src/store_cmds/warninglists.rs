//! `iocx warninglists load DIR | list`: MISP warninglists as exclusions.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use iocx_store::{Store, WarninglistFile};

use super::output::Table;
use super::Outcome;

#[derive(Debug, Subcommand)]
pub enum WarninglistsCommand {
    /// Load every list (`*.json` with a `list` field) under DIR; a list with
    /// the same name is replaced.
    Load {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// List the loaded warninglists.
    List,
}

pub fn run(
    command: WarninglistsCommand,
    store: &mut Store,
    out: &mut dyn Write,
) -> Result<Outcome> {
    match command {
        WarninglistsCommand::Load { dir } => {
            let lists = WarninglistFile::read_dir(&dir)?;
            for list in &lists {
                store.load_warninglist(list)?;
            }
            writeln!(
                out,
                "loaded {} from {}",
                super::report::count(lists.len(), "warninglist"),
                dir.display()
            )?;
            Ok(if lists.is_empty() {
                Outcome::Nothing
            } else {
                Outcome::Found
            })
        }
        WarninglistsCommand::List => {
            let lists = store.warninglists()?;
            if lists.is_empty() {
                return Ok(Outcome::Nothing);
            }
            let mut table = Table::new(&["NAME", "TYPE", "VERSION", "ENTRIES"]);
            for list in lists {
                table.row(vec![
                    list.name,
                    list.kind,
                    list.version,
                    list.entries.to_string(),
                ]);
            }
            table.write(out)?;
            Ok(Outcome::Found)
        }
    }
}

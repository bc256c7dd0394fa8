//! `iocx exclude add|list|remove`: correlation exclusion rules.

use std::io::Write;

use anyhow::Result;
use clap::Subcommand;
use iocx_core::correlate::ExclusionRule;
use iocx_store::Store;

use super::output::Table;
use super::Outcome;

#[derive(Debug, Subcommand)]
pub enum ExcludeCommand {
    /// Add a rule: `value` exact, `x%` prefix, `%x` suffix, `%x%` contains.
    Add {
        #[arg(value_name = "PATTERN")]
        pattern: String,
        /// Why the value is excluded.
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// List the rules.
    List,
    /// Remove a rule.
    Remove {
        #[arg(value_name = "PATTERN")]
        pattern: String,
    },
}

pub fn run(command: ExcludeCommand, store: &mut Store, out: &mut dyn Write) -> Result<Outcome> {
    match command {
        ExcludeCommand::Add { pattern, comment } => {
            // A bad pattern is the user's argument, not the store's fault.
            ExclusionRule::parse(&pattern)?;
            if store.add_exclusion(&pattern, &comment)? {
                writeln!(out, "added exclusion {pattern}")?;
            } else {
                writeln!(out, "exclusion {pattern} already present")?;
            }
            Ok(Outcome::Found)
        }
        ExcludeCommand::List => {
            let rules = store.exclusion_rules()?;
            if rules.is_empty() {
                return Ok(Outcome::Nothing);
            }
            let mut table = Table::new(&["PATTERN", "COMMENT"]);
            for rule in rules {
                table.row(vec![rule.pattern, rule.comment]);
            }
            table.write(out)?;
            Ok(Outcome::Found)
        }
        ExcludeCommand::Remove { pattern } => {
            if store.remove_exclusion(&pattern)? {
                writeln!(out, "removed exclusion {pattern}")?;
                Ok(Outcome::Found)
            } else {
                eprintln!("iocx: no exclusion {pattern}");
                Ok(Outcome::Nothing)
            }
        }
    }
}

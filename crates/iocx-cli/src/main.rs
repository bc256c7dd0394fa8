//! The `iocx` command: parses arguments, dispatches to a subcommand and maps
//! the outcome to a grep-like exit status (0 found, 1 nothing found, 2 error).

mod extract;
mod inputs;
mod misp;
mod output;
mod pipeline;
mod store_cmds;
mod stream;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Extract indicators of compromise from text and correlate them across MISP
/// events.
#[derive(Debug, Parser)]
#[command(name = "iocx", version, about, propagate_version = true)]
struct Cli {
    /// The correlation store (default: $IOCX_DB, else the platform data
    /// directory). Accepted before or after the subcommand.
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract indicators from files, directories or stdin.
    Extract(extract::ExtractArgs),
    /// Read and check MISP events and feeds.
    #[command(subcommand)]
    Misp(MispCommand),
    #[command(flatten)]
    Store(store_cmds::StoreCommand),
}

#[derive(Debug, Subcommand)]
enum MispCommand {
    /// Parse MISP event files or feed directories and count what they hold.
    Check(misp::MispCheckArgs),
}

/// How a subcommand ended, as the exit status reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found (or the reader closed the pipe).
    Found,
    /// The run went through and found nothing.
    NothingFound,
    /// At least one input failed; its error was already printed.
    Failed,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        match outcome {
            Outcome::Found => ExitCode::SUCCESS,
            Outcome::NothingFound => ExitCode::from(1),
            Outcome::Failed => ExitCode::from(2),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract::run(&args),
        Command::Misp(MispCommand::Check(args)) => {
            misp::run_check(&args, &mut std::io::stdout().lock()).map(|ok| {
                if ok {
                    Outcome::Found
                } else {
                    Outcome::Failed
                }
            })
        }
        Command::Store(command) => return store_cmds::run(command, cli.db),
    };
    match result {
        Ok(outcome) => outcome.into(),
        Err(err) => {
            eprintln!("iocx: {err:#}");
            ExitCode::from(2)
        }
    }
}

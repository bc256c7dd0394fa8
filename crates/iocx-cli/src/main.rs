//! The `iocx` command-line tool.

mod misp;
mod store_cmds;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "iocx",
    version,
    about = "Extract and correlate indicators of compromise"
)]
struct Cli {
    /// The event store (default: $IOCX_DB, else the platform data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// MISP event and feed tools.
    #[command(subcommand)]
    Misp(MispCommand),
    #[command(flatten)]
    Store(store_cmds::StoreCommand),
}

#[derive(Subcommand)]
enum MispCommand {
    /// Parse MISP event files or feed directories and report their counts.
    Check(misp::MispCheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Misp(MispCommand::Check(args)) => {
            let stdout = std::io::stdout();
            match misp::run_check(&args, &mut stdout.lock()) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(2),
                Err(e) => {
                    eprintln!("iocx: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Store(command) => store_cmds::run(command, cli.db),
    }
}

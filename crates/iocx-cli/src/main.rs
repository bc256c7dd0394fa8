//! The `iocx` command: parses arguments, dispatches to a subcommand and maps
//! the outcome to a grep-like exit status (0 found, 1 nothing found, 2 error).

mod extract;
mod inputs;
mod malloc_tuning;
mod misp;
mod ordered;
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
    malloc_tuning::tune();
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
            eprintln!("iocx: {}", error_line(&err));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes on one line, `: `-separated, leaving out a cause
/// whose text the line already holds: library errors (`thiserror`'s
/// `{source}` convention) often print their source themselves, and `{:#}`
/// alone would then say everything twice.
pub fn error_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
        // A store error already says what SQLite said; below it is only
        // SQLite's generic text for the error code.
        if cause.is::<iocx_store::StoreError>() {
            break;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::error_line;

    /// An error that prints its source and also returns it, as
    /// `thiserror` does for a `source` field shown in the message.
    #[derive(Debug)]
    struct Outer {
        source: std::io::Error,
    }

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "db.sqlite: {}", self.source)
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn error_line_says_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = anyhow::Error::from(Outer { source: io }).context("opening the store");
        assert_eq!(
            error_line(&err),
            "opening the store: db.sqlite: no such file"
        );
        let plain = anyhow::anyhow!("inner").context("outer");
        assert_eq!(error_line(&plain), "outer: inner");
    }
}

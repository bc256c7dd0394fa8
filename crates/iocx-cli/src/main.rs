// Minimal entry point for the `misp` branch; the lead merges `misp check`
// into the real CLI by hand.
mod misp;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "iocx")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// MISP event and feed tools.
    #[command(subcommand)]
    Misp(MispCommand),
}

#[derive(Subcommand)]
enum MispCommand {
    /// Parse MISP event files or feed directories and report their counts.
    Check(misp::MispCheckArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let Command::Misp(MispCommand::Check(args)) = cli.command;
    let stdout = std::io::stdout();
    match misp::run_check(&args, &mut stdout.lock()) {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(2),
        Err(e) => {
            eprintln!("iocx: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

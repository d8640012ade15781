//! Command-line front end: argument parsing and the exit-code policy.
//!
//! Exit codes: 0 success, 1 a trap or a failed script assertion, 2 a usage,
//! read, parse, validation or link error.

mod run;
mod wast_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// watlab: an interactive workbench for WebAssembly Text.
#[derive(Debug, Parser)]
#[command(name = "watlab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run WebAssembly spec scripts (.wast) and report `N passed, N failed`.
    Wast {
        /// Script files.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// Execute every invocation one instruction at a time through the stepper.
        #[arg(long)]
        step: bool,
    },
    /// Instantiate a module and optionally call one of its exports.
    Run(run::RunArgs),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Some(Command::Wast { files, step }) => wast_cmd::run(&files, step),
        Some(Command::Run(args)) => run::run(&args),
        None => {
            eprintln!(
                "watlab: the interactive workbench is not built yet; try `watlab run` or `watlab wast` (see --help)"
            );
            ExitCode::from(2)
        }
    }
}

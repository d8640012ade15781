//! Command-line front end: argument parsing and the exit-code policy.
//!
//! Exit codes: 0 success, 1 a trap or a failed script assertion, 2 a usage,
//! read, parse, validation or link error.

mod check;
mod run;
mod wast_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// watlab: an interactive workbench for WebAssembly Text.
#[derive(Debug, Parser)]
#[command(
    name = "watlab",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A .wat or .wasm module to load into the session first.
    file: Option<std::path::PathBuf>,
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
        /// Also accept the threads proposal (shared memories, atomics).
        #[arg(long)]
        threads: bool,
    },
    /// Instantiate a module and optionally call one of its exports.
    Run(run::RunArgs),
    /// Replay transcripts in fresh sessions and compare with what they recorded.
    Check {
        /// Transcript files.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// Rewrite each transcript with the output the session produces now.
        #[arg(long)]
        bless: bool,
    },
    /// List the lessons with your progress, or open lesson N in the workbench.
    Lesson {
        /// The lesson's number.
        number: Option<usize>,
    },
    /// Run the inputs of a file (a transcript or plain WAT inputs) and print the output.
    Script {
        /// The file.
        file: std::path::PathBuf,
    },
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
        Some(Command::Wast {
            files,
            step,
            threads,
        }) => wast_cmd::run(&files, step, threads),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Check { files, bless }) => check::check(&files, bless),
        Some(Command::Script { file }) => check::script(&file),
        Some(Command::Lesson { number: None }) => {
            let progress = crate::commands::data_file("progress")
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default();
            print!("{}", crate::lesson::guided::listing(&progress));
            ExitCode::SUCCESS
        }
        Some(Command::Lesson { number: Some(n) }) => start(vec![format!(":lesson {n}")]),
        None => workbench(cli.file.as_deref()),
    }
}

/// `watlab [FILE]`: the interactive workbench on a terminal, a script otherwise.
fn workbench(file: Option<&std::path::Path>) -> ExitCode {
    if let Some(path) = file
        && let Err(e) = std::fs::metadata(path)
    {
        eprintln!("watlab: cannot read {}: {e}", path.display());
        return ExitCode::from(2);
    }
    let preload: Vec<String> = file
        .map(|f| format!(":load {}", f.display()))
        .into_iter()
        .collect();
    start(preload)
}

/// The workbench after `preload` inputs: interactive on a terminal, a script otherwise.
fn start(preload: Vec<String>) -> ExitCode {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        match crate::repl::interactive(&preload) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("watlab: {e}");
                ExitCode::from(2)
            }
        }
    } else {
        match crate::repl::script(std::io::stdin().lock(), &preload) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => {
                eprintln!("watlab: {e}");
                ExitCode::from(2)
            }
        }
    }
}

/// Reads a file named on the command line, or says on stderr why it cannot.
fn read_input(file: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(file)
        .map_err(|e| eprintln!("watlab: cannot read {}: {e}", file.display()))
        .ok()
}

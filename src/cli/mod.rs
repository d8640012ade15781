//! Command-line front end: argument parsing and the exit-code policy.
//!
//! Exit codes: 0 success, 1 a trap, a failed script assertion or input, or a
//! transcript that does not match; 2 a usage, read, parse, validation or link
//! error. Output goes through one writer ([`output::Stdout`]), so a closed
//! pipe ends a command quietly with 0, the interactive workbench included.

mod check;
mod exercises;
mod keys;
mod output;
mod run;
mod wast_cmd;
mod watch;

use clap::{Parser, Subcommand};
use output::Stdout;
use std::io::Write;
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
        /// Fuel for each invocation and instantiation: 1 unit per loop
        /// iteration or call, 1 per 64 bytes a bulk instruction touches.
        #[arg(long, default_value_t = crate::vm::budget::DEFAULT_FUEL)]
        fuel: u64,
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
    /// Write every exercise of the course as a .wat file to edit (existing files are kept).
    Exercises {
        /// Where to write them.
        #[arg(default_value = exercises::DEFAULT_DIR)]
        dir: std::path::PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
    /// Check the current exercise's file each time it is saved, with hints and a progress bar.
    Watch {
        /// The exercises directory (missing files are written first).
        #[arg(default_value = exercises::DEFAULT_DIR)]
        dir: std::path::PathBuf,
    },
    /// Check one exercise file (as `watlab exercises` writes them) once; exit 1 when a check fails.
    CheckExercise {
        /// The exercise file.
        file: std::path::PathBuf,
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
    let mut out = Stdout::new();
    let result = match cli.command {
        Some(Command::Wast {
            files,
            step,
            threads,
            fuel,
        }) => wast_cmd::run(&mut out, &files, step, threads, fuel),
        Some(Command::Run(args)) => run::run(&mut out, &args),
        Some(Command::Check { files, bless }) => check::check(&mut out, &files, bless),
        Some(Command::Script { file }) => check::script(&mut out, &file),
        Some(Command::Exercises { dir, force }) => exercises::run(&mut out, &dir, force),
        Some(Command::Watch { dir }) => watch::run(&mut out, &dir),
        Some(Command::CheckExercise { file }) => watch::check_once(&mut out, &file),
        Some(Command::Lesson { number: None }) => {
            let progress = crate::commands::data_file("progress")
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default();
            // Wrapped as `:lesson` wraps it in the workbench.
            let doc = crate::session::Doc::plain(&crate::lesson::guided::listing(&progress));
            let text = crate::view::render_doc(&doc, output::terminal_width()).plain();
            write!(out, "{text}").map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Lesson { number: Some(n) }) => start(&mut out, vec![format!(":lesson {n}")]),
        None => workbench(&mut out, cli.file.as_deref()),
    };
    output::finish(&mut out, result)
}

/// `watlab [FILE]`: the interactive workbench on a terminal, a script otherwise.
fn workbench(out: &mut Stdout, file: Option<&std::path::Path>) -> std::io::Result<ExitCode> {
    if let Some(path) = file
        && let Err(e) = std::fs::metadata(path)
    {
        eprintln!("watlab: cannot read {}: {e}", path.display());
        return Ok(ExitCode::from(2));
    }
    let preload: Vec<String> = file
        .map(|f| format!(":load {}", f.display()))
        .into_iter()
        .collect();
    start(out, preload)
}

/// The workbench after `preload` inputs: interactive on a terminal, a script otherwise.
fn start(out: &mut Stdout, preload: Vec<String>) -> std::io::Result<ExitCode> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        crate::repl::interactive(out, &preload).map(|()| ExitCode::SUCCESS)
    } else {
        let lines = crate::repl::script_lines(std::io::stdin().lock(), |n| format!("<stdin>:{n}"));
        script_exit(crate::repl::script(lines, out, &preload))
    }
}

/// The exit code of a script: 0 when every input succeeded, 1 otherwise.
fn script_exit(result: std::io::Result<bool>) -> std::io::Result<ExitCode> {
    result.map(|ok| {
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    })
}

/// Reads a file named on the command line, or says on stderr why it cannot
/// (for text that is not UTF-8: the line, the column and the byte).
fn read_input(file: &std::path::Path) -> Option<String> {
    let bytes = std::fs::read(file)
        .map_err(|e| eprintln!("watlab: cannot read {}: {e}", file.display()))
        .ok()?;
    String::from_utf8(bytes)
        .map_err(|e| {
            let bytes = e.as_bytes();
            let valid = e.utf8_error().valid_up_to();
            let line_start = bytes[..valid]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            let column = String::from_utf8_lossy(&bytes[line_start..valid])
                .chars()
                .count()
                + 1;
            let byte = bytes.get(valid).copied().unwrap_or_default();
            eprintln!(
                "watlab: {}:{line}:{column}: not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8",
                file.display()
            );
        })
        .ok()
}

//! `watlab wast FILE...`: run spec scripts and print failures, skips and the
//! summary: per file when there are several, then the total.

use crate::script::{ExecMode, Failure, Report, Totals, run_script_with_fuel};
use crate::vm::TrapCode;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Runs each script, prints a line per failure and skip, then the summary.
pub fn run(
    out: &mut impl Write,
    files: &[PathBuf],
    step: bool,
    threads: bool,
    fuel: u64,
) -> io::Result<ExitCode> {
    let features = if threads {
        crate::vm::module::features_with_threads()
    } else {
        crate::vm::module::features()
    };
    let mode = if step { ExecMode::Step } else { ExecMode::Run };
    let mut total = Totals::default();
    let mut per_file = Vec::new();
    let mut unreadable = false;
    for file in files {
        let name = file.display().to_string();
        let Some(text) = super::read_input(file) else {
            unreadable = true;
            continue;
        };
        let report = run_script_with_fuel(&name, &text, mode, features, fuel);
        print_problems(out, &name, &report, fuel)?;
        let totals = Totals::of(&report);
        total.add(totals);
        per_file.push((name, totals));
    }
    if per_file.len() > 1 {
        for (name, totals) in &per_file {
            writeln!(out, "{name}: {totals}")?;
        }
    }
    // A summary of no script at all would read as a pass next to the error.
    if !per_file.is_empty() {
        writeln!(out, "{total}")?;
    }
    Ok(if unreadable {
        ExitCode::from(2)
    } else if total.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One line per failed or skipped directive, and per module rejected with
/// another message than the script expects.
fn print_problems(out: &mut impl Write, name: &str, report: &Report, fuel: u64) -> io::Result<()> {
    for (directive, failure) in report.failures() {
        writeln!(
            out,
            "{name}:{}: {}: {failure}",
            directive.line, directive.keyword
        )?;
        if matches!(failure, Failure::Trap(t) if t.code == TrapCode::OutOfFuel) {
            writeln!(
                out,
                "  a runaway loop? --fuel N gives each invocation N units (now {fuel})"
            )?;
        }
    }
    for (directive, reason) in report.skips() {
        writeln!(out, "{name}:{}: skipped: {reason}", directive.line)?;
    }
    for (directive, rejection) in report.message_mismatches() {
        writeln!(
            out,
            "{name}:{}: {}: rejected, but with another message: expected \"{}\", ours \"{}\"",
            directive.line, directive.keyword, rejection.expected, rejection.ours
        )?;
    }
    Ok(())
}

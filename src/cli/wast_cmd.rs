//! `watlab wast FILE...`: run spec scripts and print failures, skips and one summary line.

use crate::wast::{ExecMode, Report, Summary, run_script_with};
use std::path::PathBuf;
use std::process::ExitCode;

/// Runs each script, prints a line per failure and skip, then the summary.
pub fn run(files: &[PathBuf], step: bool, threads: bool) -> ExitCode {
    let features = if threads {
        crate::vm::module::features_with_threads()
    } else {
        crate::vm::module::features()
    };
    let mode = if step { ExecMode::Step } else { ExecMode::Run };
    let mut total = Report::default();
    let mut unreadable = false;
    for file in files {
        let name = file.display().to_string();
        let Some(text) = super::read_input(file) else {
            unreadable = true;
            continue;
        };
        let report = run_script_with(&name, &text, mode, features);
        for failure in &report.failed {
            println!(
                "{name}:{}: {}: {}",
                failure.line, failure.directive, failure.message
            );
        }
        for skip in &report.skipped {
            println!("{name}:{}: skipped: {}", skip.line, skip.reason);
        }
        total.absorb(report);
    }
    println!("{}", Summary(&total));
    if unreadable {
        ExitCode::from(2)
    } else if total.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

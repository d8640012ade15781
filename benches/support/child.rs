//! Shared by the benchmarks that measure one scenario in a child process
//! (so peak memory is the scenario's own): the child's way of reporting.

use std::process::ExitCode;

/// Prints a scenario's result line on stdout, or its error on stderr, and
/// gives the child's exit status.
pub fn report(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

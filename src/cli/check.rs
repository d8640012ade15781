//! `watlab check` and `watlab script`: transcripts from files.

use crate::transcript::{self, Check};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Replays each transcript; prints a diff per mismatch (or rewrites with `bless`).
pub fn check(files: &[PathBuf], bless: bool) -> ExitCode {
    let (mut passed, mut failed, mut unreadable) = (0, 0, false);
    for file in files {
        let name = file.display().to_string();
        let Some(text) = super::read_input(file) else {
            unreadable = true;
            continue;
        };
        match transcript::check(&name, &text) {
            (Check::Pass, _) => passed += 1,
            (Check::Mismatch(_), actual) if bless => match std::fs::write(file, actual) {
                Ok(()) => {
                    println!("blessed {name}");
                    passed += 1;
                }
                Err(e) => {
                    eprintln!("watlab: cannot write {name}: {e}");
                    unreadable = true;
                }
            },
            (Check::Mismatch(diff), _) => {
                print!("{diff}");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if unreadable {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs the inputs of `file` (prompts, if any, are stripped) and prints the output.
pub fn script(file: &Path) -> ExitCode {
    let Some(text) = super::read_input(file) else {
        return ExitCode::from(2);
    };
    let parsed = transcript::parse(&text);
    let inputs: String = if parsed.entries.is_empty() {
        text
    } else {
        parsed
            .entries
            .iter()
            .map(|e| format!("{}\n", e.input.join("\n")))
            .collect()
    };
    match crate::repl::script(inputs.as_bytes(), &[]) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("watlab: {e}");
            ExitCode::from(2)
        }
    }
}

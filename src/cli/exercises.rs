//! `watlab exercises [DIR]`: every exercise of the course as a `.wat` file
//! to edit in your own editor, never overwriting one you edited.

use crate::lesson::files::{CourseExercise, course};
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

/// The directory exercises are written to when none is named.
pub const DEFAULT_DIR: &str = "watlab-exercises";

/// What writing the files did.
#[derive(Debug, Default)]
pub struct Written {
    /// Files written.
    pub written: usize,
    /// Files that existed and were kept.
    pub kept: Vec<String>,
}

/// Writes the file of each exercise in `exercises` under `dir` that does not
/// exist yet (every one with `force`).
///
/// # Errors
/// A directory or file cannot be written; the message names it.
pub fn write_files(
    dir: &Path,
    exercises: &[CourseExercise],
    force: bool,
) -> Result<Written, String> {
    let mut done = Written::default();
    for exercise in exercises {
        let path = dir.join(exercise.path());
        if !force && path.exists() {
            done.kept.push(path.display().to_string());
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create the directory {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, exercise.starter())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        done.written += 1;
    }
    Ok(done)
}

/// `watlab exercises [DIR] [--force]`.
pub fn run(out: &mut impl Write, dir: &Path, force: bool) -> io::Result<ExitCode> {
    let exercises = course();
    let done = match write_files(dir, &exercises, force) {
        Ok(done) => done,
        Err(message) => {
            eprintln!("watlab: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    for path in &done.kept {
        writeln!(out, "kept {path}: it exists (--force overwrites it)")?;
    }
    writeln!(
        out,
        "wrote {} of {} exercise files to {}; `watlab watch {}` checks each as you save it",
        done.written,
        exercises.len(),
        dir.display(),
        dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

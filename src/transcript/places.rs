//! Errors of a script (`watlab script FILE`, piped input) named by the
//! file's own lines: `s2.txt:5:3: ...` with the file's line under it, as
//! `watlab run` names `bad.wat:4:5`.
//!
//! The session sees one input at a time and points into that input (or
//! into the text a function was defined with). The script keeps every input
//! at its place in a copy of the file, so such a spot is found again there
//! and moved, whichever earlier input it lies in.

use crate::session::SessionError;

/// The inputs a script has run, each at its lines.
#[derive(Debug, Default)]
pub struct ScriptPlaces {
    /// The inputs placed at their line numbers, blank lines between.
    text: String,
    /// Lines in `text` so far.
    lines: usize,
}

impl ScriptPlaces {
    /// Records `input`, which starts at `place` (`FILE:LINE`), and names the
    /// place of its error, if it failed: the spot's own line and column
    /// when the spot lies in an input of this script, else the input's line.
    pub fn locate(
        &mut self,
        place: &str,
        input: &str,
        outcome: Result<Vec<crate::session::Reply>, SessionError>,
    ) -> Result<Vec<crate::session::Reply>, SessionError> {
        let Some((file, line)) = place
            .rsplit_once(':')
            .and_then(|(file, n)| Some((file, n.parse::<usize>().ok()?)))
        else {
            return outcome;
        };
        while self.lines + 1 < line {
            self.text.push('\n');
            self.lines += 1;
        }
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
            self.lines += 1;
        }
        let input_start = self.text.len();
        self.text.push_str(input);
        self.lines += input.matches('\n').count();
        outcome.map_err(|error| {
            let error = swallowed_lines(error, input);
            self.place_error(error, file, line, input_start)
        })
    }
}

/// A `(` never closed in a file takes the rest of the file into its input:
/// `error` then says that those lines did not run.
fn swallowed_lines(mut error: SessionError, input: &str) -> SessionError {
    let open = crate::text::lex::is_never_closed(&error.message)
        .then_some(error.spot.as_ref())
        .flatten()
        .filter(|spot| spot.text == input);
    let after = open.map_or(0, |spot| {
        let rest = input.get(spot.offset..).unwrap_or("").trim_end();
        rest.lines().count().saturating_sub(1)
    });
    match after {
        0 => {}
        1 => error
            .notes
            .push("the line after it was read as part of this input, so it did not run".into()),
        n => error.notes.push(format!(
            "the {n} lines after it were read as part of this input, so none of them ran"
        )),
    }
    error
}

impl ScriptPlaces {
    /// `error` named by the file: at its spot's place in the script, or at
    /// the input's `line` (a spot elsewhere, in a loaded file, stays).
    fn place_error(
        &self,
        error: SessionError,
        file: &str,
        line: usize,
        input_start: usize,
    ) -> SessionError {
        let start = error
            .spot
            .as_ref()
            .and_then(|spot| self.text.rfind(spot.text.as_str()));
        match start {
            Some(start) if start < input_start => {
                let mut error = error.in_file(file, &self.text, start);
                error.notes.push(format!("for the input at {file}:{line}"));
                error
            }
            Some(start) => error.in_file(file, &self.text, start),
            None if error.spot.is_none() => SessionError {
                message: format!("{file}:{line}:1: {}", error.message),
                ..error
            },
            // A spot in a file the input loaded, which the message names.
            None => {
                let mut error = error;
                error.notes.push(format!("for the input at {file}:{line}"));
                error
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{ErrorKind, Reply};

    fn failed(text: &str, offset: usize) -> Result<Vec<Reply>, SessionError> {
        Err(SessionError::new(ErrorKind::Syntax, "bad").at(text, offset, 3))
    }

    #[test]
    fn spots_in_this_input_or_an_earlier_one_name_the_files_lines() {
        let mut places = ScriptPlaces::default();
        assert!(
            places
                .locate("s.txt:2", "(func $f\n  nop)", Ok(vec![]))
                .is_ok()
        );
        let error = places.locate(
            "s.txt:5",
            "i32.const 1\nfoo",
            failed("i32.const 1\nfoo", 12),
        );
        let error = error.expect_err("failed");
        assert_eq!(error.message, "s.txt:6:1: bad");
        let spot = error.spot.expect("a spot");
        assert_eq!(
            crate::text::assemble::line_col(&spot.text, spot.offset),
            (5, 0)
        );
        let error = places.locate("s.txt:7", "call $f", failed("  nop)", 2));
        let error = error.expect_err("failed");
        assert_eq!(error.message, "s.txt:3:3: bad");
        assert_eq!(error.notes, ["for the input at s.txt:7"]);
        let error = places.locate("s.txt:8", ":nosuch", Err(SessionError::usage("no")));
        assert_eq!(error.expect_err("failed").message, "s.txt:8:1: no");
    }
}

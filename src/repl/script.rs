//! The workbench without a terminal: `watlab script FILE`, and `watlab`
//! reading its inputs from a pipe. Each input's answer goes to standard
//! output and each error to standard error (as compilers and `wasm-tools`
//! do), so `watlab script f > out.txt` still shows what failed; the exit
//! status says whether every input succeeded.
//!
//! A reader that goes away (`watlab script f | head -1`) stops the output,
//! not the script: the inputs still run, errors still reach standard error,
//! and a failure still makes the status 1, so a pipeline never reports
//! success for a script that failed.

use crate::commands::Workbench;
use crate::session::{Reply, SessionError};
use crate::text::lex;
use std::io::{BufRead, ErrorKind, Write};

/// One line of a script: where it is (`FILE:LINE`, `<stdin>:LINE` for standard input)
/// and its bytes without the line ending; a line need not be UTF-8.
pub type ScriptLine = (String, Vec<u8>);

/// The lines of `reader` as [`ScriptLine`]s, numbered from 1, located by `place(number)`.
pub fn script_lines(
    mut reader: impl BufRead,
    place: impl Fn(usize) -> String,
) -> impl Iterator<Item = std::io::Result<ScriptLine>> {
    let mut number = 0;
    std::iter::from_fn(move || {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => None,
            Ok(_) => {
                number += 1;
                Some(Ok((place(number), trim_line_ending(line))))
            }
            Err(e) => Some(Err(std::io::Error::new(
                e.kind(),
                format!("cannot read the script: {e}"),
            ))),
        }
    })
}

/// Where a script's answers go: outputs to `out` until its reader goes
/// away, errors to standard error.
struct Answers<'a, W: Write> {
    out: &'a mut W,
    /// Whether the reader of `out` went away (a closed pipe).
    closed: bool,
}

impl<W: Write> Answers<'_, W> {
    /// Writes the answer to one input as it is made, so a long `:mem` goes
    /// to the pipe row by row and is never held whole (issue 13).
    fn answer(
        &mut self,
        outcome: &Result<Vec<Reply>, SessionError>,
        session: &Workbench,
    ) -> std::io::Result<()> {
        if outcome.is_err() {
            let mut err = std::io::stderr().lock();
            return quiet_if_closed(stream(&mut err, outcome, session));
        }
        if self.closed {
            return Ok(());
        }
        let written = stream(&mut *self.out, outcome, session);
        if matches!(&written, Err(e) if e.kind() == ErrorKind::BrokenPipe) {
            self.closed = true;
            return Ok(());
        }
        written
    }

    /// Writes an error the script found itself (a line that is not UTF-8).
    fn error(&mut self, text: &str) -> std::io::Result<()> {
        quiet_if_closed(std::io::stderr().lock().write_all(text.as_bytes()))
    }
}

/// `result`, except that a closed pipe is no error: nobody is reading.
fn quiet_if_closed(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// `outcome` rendered as plain text into `to`, piece by piece.
fn stream(
    to: &mut impl Write,
    outcome: &Result<Vec<Reply>, SessionError>,
    session: &Workbench,
) -> std::io::Result<()> {
    let mut to = std::io::BufWriter::new(to);
    crate::view::stream_outcome(outcome, None, &session.session, &mut |piece| {
        to.write_all(piece.plain().as_bytes())?;
        Ok(true)
    })?;
    to.flush()
}

/// Whether an input succeeded: it ran, and no reply reports a failure.
fn succeeded(outcome: &Result<Vec<Reply>, SessionError>) -> bool {
    outcome
        .as_ref()
        .is_ok_and(|replies| !replies.iter().any(Reply::is_failure))
}

/// `line` without its `\n` or `\r\n`, as `BufRead::lines` gives it.
fn trim_line_ending(mut line: Vec<u8>) -> Vec<u8> {
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    line
}

/// The error for a line that is not UTF-8: where, which byte, and the fix.
fn not_utf8(place: &str, bytes: &[u8], error: std::str::Utf8Error) -> String {
    let valid = &bytes[..error.valid_up_to()];
    let column = String::from_utf8_lossy(valid).chars().count() + 1;
    let byte = bytes.get(error.valid_up_to()).copied().unwrap_or_default();
    format!(
        "error: {place}: not UTF-8 text (byte 0x{byte:02x} at column {column}), so the input \
         holding it was skipped; save the script as UTF-8\n"
    )
}

/// Runs the inputs in `lines` without prompts or colour, writing the
/// answers to `out` and the errors to standard error. Returns whether
/// every input succeeded.
///
/// An input holding a line that is not UTF-8 is not run: an error names the
/// line and the script goes on with the next input. When the reader of
/// `out` goes away the inputs still run, without output.
///
/// # Errors
/// Reading a line or writing the output failed (not a closed pipe); the
/// script stops there.
pub fn script(
    lines: impl IntoIterator<Item = std::io::Result<ScriptLine>>,
    out: &mut impl Write,
    preload: &[String],
) -> std::io::Result<bool> {
    let mut answers = Answers { out, closed: false };
    let mut session = Workbench::new(None);
    let mut ok = true;
    for input in preload {
        let outcome = session.eval(input);
        ok &= succeeded(&outcome);
        answers.answer(&outcome, &session)?;
    }
    let mut pending = String::new();
    // The first line of the pending input that is not UTF-8, as its error.
    let mut broken: Option<String> = None;
    // Errors name the script's lines: the inputs so far, and where the pending one starts.
    let (mut places, mut start) = (crate::transcript::ScriptPlaces::default(), String::new());
    for line in lines {
        let (place, bytes) = line?;
        if pending.is_empty() {
            start.clone_from(&place);
        }
        if let Err(e) = std::str::from_utf8(&bytes) {
            broken.get_or_insert_with(|| not_utf8(&place, &bytes, e));
        }
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&String::from_utf8_lossy(&bytes));
        if !lex::is_complete(&pending) {
            continue;
        }
        let input = std::mem::take(&mut pending);
        if let Some(error) = broken.take() {
            ok = false;
            answers.error(&error)?;
            continue;
        }
        let outcome = places.locate(&start, &input, session.eval(&input));
        ok &= succeeded(&outcome);
        let quit = matches!(&outcome, Ok(replies) if replies.contains(&Reply::Quit));
        answers.answer(&outcome, &session)?;
        if quit {
            return Ok(ok);
        }
    }
    if let Some(error) = broken {
        ok = false;
        answers.error(&error)?;
    } else if !pending.trim().is_empty() {
        let outcome = places.locate(&start, &pending, session.eval(&pending));
        ok &= succeeded(&outcome);
        answers.answer(&outcome, &session)?;
    }
    Ok(ok)
}

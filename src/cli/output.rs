//! Standard output for every command, and what a failed write means.
//!
//! Every command writes through [`Stdout`] and returns `io::Result`; [`finish`]
//! turns the result into the exit code. A closed pipe (`watlab ... | head -1`)
//! is the reader saying "enough": the command stops and exits 0 without a
//! word, as ripgrep does. Any other write error (a full disk) is reported and
//! exits 2. No command uses `print!`, which panics on a closed pipe.

use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

/// Standard output whose errors say that writing the output failed.
pub struct Stdout(io::Stdout);

impl Stdout {
    /// Standard output for one command (locked per write, so the interactive
    /// workbench, which prints on its own, can run while this is held).
    pub fn new() -> Self {
        Stdout(io::stdout())
    }
}

/// Adds "cannot write the output" to every error but a closed pipe, which stays as it is.
fn explain(e: io::Error) -> io::Error {
    if e.kind() == ErrorKind::BrokenPipe {
        e
    } else {
        io::Error::new(e.kind(), format!("cannot write the output: {e}"))
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(explain)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(explain)
    }
}

/// The exit code of a command that wrote to `out`: its own (also when its
/// reader went away after it knew it: a script that failed stays failed), or
/// 0 when a closed pipe stopped it, or 2 (with the message on standard
/// error) after another I/O error.
pub fn finish(out: &mut Stdout, result: io::Result<ExitCode>) -> ExitCode {
    let flushed = |code| match out.flush() {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e),
        _ => Ok(code),
    };
    match result.and_then(flushed) {
        Ok(code) => code,
        Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("watlab: {e}");
            ExitCode::from(2)
        }
    }
}

/// The width of the terminal standard output is, when it is one at least 20
/// columns wide: documents wrap to it; pipes get no wrapping.
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(columns, _)| usize::from(columns))
        .filter(|columns| *columns >= 20)
}

//! One screen at a time, as gdb and `less` page: an answer taller than the
//! terminal stops after a screenful at a `-- more --` prompt (Enter or Space:
//! the next screen; q, Ctrl-C or Ctrl-D: stop there), so a long lesson
//! section or help page is read from its beginning. Any other key stops too,
//! and what was typed starts the next input line at the prompt, so a reader
//! who starts typing loses nothing (issue 13).
//!
//! Answers come a piece at a time ([`Pager::write`]): a long `:mem` is made
//! while it is read, and stopping the pager stops making it.
//!
//! Only the interactive workbench on a terminal pages; scripts, pipes and
//! transcripts get every line at once, so their output stays complete and
//! deterministic.

use super::helper::WatHelper;
use rustyline::history::DefaultHistory;
use rustyline::{
    Cmd, ConditionalEventHandler, Editor, Event, EventContext, EventHandler, KeyCode, KeyEvent,
    Modifiers, RepeatCount,
};
use std::cell::RefCell;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The `-- more --` prompt: what each key does.
const MORE: &str = "-- more (Enter or Space: next screen, q: stop) --";

/// Pages output through the line editor, whose keys it binds.
pub struct Pager {
    /// Whether the `-- more --` prompt is up (the key bindings only act then).
    prompting: Arc<AtomicBool>,
    /// The text key that ended the last `-- more --` prompt, if one did.
    key: Arc<Mutex<Option<char>>>,
    /// Text typed at a `-- more --` prompt, to start the next input line.
    typed: RefCell<Option<String>>,
}

/// A key that does `cmd` at the `-- more --` prompt and its usual work elsewhere.
struct MoreKey {
    prompting: Arc<AtomicBool>,
    cmd: Cmd,
}

impl ConditionalEventHandler for MoreKey {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, _: &EventContext) -> Option<Cmd> {
        self.prompting
            .load(Ordering::Relaxed)
            .then(|| self.cmd.clone())
    }
}

/// Any other key at the `-- more --` prompt stops paging, as in `less` and
/// gdb; a text key is kept to start the next input line, so nothing typed
/// is lost. Enter and control keys (Ctrl-C, Ctrl-D) keep their usual work.
struct OtherKey {
    prompting: Arc<AtomicBool>,
    key: Arc<Mutex<Option<char>>>,
}

impl ConditionalEventHandler for OtherKey {
    fn handle(&self, event: &Event, _: RepeatCount, _: bool, _: &EventContext) -> Option<Cmd> {
        if !self.prompting.load(Ordering::Relaxed) {
            return None;
        }
        match event.get(0) {
            Some(KeyEvent(KeyCode::Char(c), Modifiers::NONE | Modifiers::SHIFT))
                if !c.is_control() =>
            {
                if let Ok(mut key) = self.key.lock() {
                    *key = Some(*c);
                }
                Some(Cmd::Interrupt)
            }
            Some(KeyEvent(KeyCode::Enter | KeyCode::BracketedPasteStart, _)) => None,
            Some(KeyEvent(_, modifiers)) if modifiers.contains(Modifiers::CTRL) => None,
            _ => Some(Cmd::Interrupt),
        }
    }
}

/// Where the current answer stands on the screen: how many rows of it the
/// screen shows since the last `-- more --` prompt.
pub struct Screen {
    /// The terminal's (columns, rows); `None`: not a terminal, no paging.
    size: Option<(usize, usize)>,
    /// Rows used since the answer began or the last prompt.
    used: usize,
}

impl Screen {
    /// A fresh screen for one answer on a terminal of `size` (columns, rows).
    pub fn new(size: Option<(usize, usize)>) -> Screen {
        Screen { size, used: 0 }
    }

    /// Counts `line` (without its newline) onto the screen; `false` when it
    /// does not fit and a new screen must begin with it. A screen keeps its
    /// last row for a prompt (`-- more --` or the next `wat> `), a line wider
    /// than the terminal takes several rows, and every screen shows at
    /// least one line.
    fn fits(&mut self, line: &str) -> bool {
        let Some((columns, rows)) = self.size else {
            return true;
        };
        let room = rows.saturating_sub(1).max(1);
        let height = line.chars().count().div_ceil(columns.max(1)).max(1);
        if self.used > 0 && self.used + height > room {
            self.used = height;
            return false;
        }
        self.used += height;
        true
    }
}

impl Pager {
    /// A pager whose one-key answers (Space, q, any other key) are bound in `editor`.
    pub fn install(editor: &mut Editor<WatHelper, DefaultHistory>) -> Pager {
        let prompting = Arc::new(AtomicBool::new(false));
        for (key, cmd) in [(' ', Cmd::AcceptLine), ('q', Cmd::Interrupt)] {
            let handler = MoreKey {
                prompting: prompting.clone(),
                cmd,
            };
            editor.bind_sequence(
                KeyEvent::new(key, Modifiers::NONE),
                EventHandler::Conditional(Box::new(handler)),
            );
        }
        let key = Arc::new(Mutex::new(None));
        editor.bind_sequence(
            Event::Any,
            EventHandler::Conditional(Box::new(OtherKey {
                prompting: prompting.clone(),
                key: key.clone(),
            })),
        );
        Pager {
            prompting,
            key,
            typed: RefCell::new(None),
        }
    }

    /// Writes `painted` (whose visible text is `plain`, line for line), a
    /// screen at a time on `screen`: when the screen is full, asks whether
    /// to go on. Returns `false` when the reader stopped the paging; the
    /// rest of the answer is then not to be made.
    ///
    /// # Errors
    /// Writing to `out` failed.
    pub fn write(
        &self,
        screen: &mut Screen,
        out: &mut impl Write,
        editor: &mut Editor<WatHelper, DefaultHistory>,
        painted: &str,
        plain: &str,
    ) -> std::io::Result<bool> {
        if screen.size.is_none() {
            out.write_all(painted.as_bytes())?;
            return Ok(true);
        }
        for (line, plain) in painted
            .split_inclusive('\n')
            .zip(plain.split_inclusive('\n'))
        {
            if !screen.fits(plain.trim_end_matches('\n')) && !self.more(out, editor)? {
                return Ok(false);
            }
            out.write_all(line.as_bytes())?;
        }
        Ok(true)
    }

    /// Whether the `-- more --` prompt is up, for other key bindings.
    pub fn paging(&self) -> Arc<AtomicBool> {
        self.prompting.clone()
    }

    /// Text typed at the last `-- more --` prompt, to start the next input.
    pub fn take_typed(&self) -> Option<String> {
        self.typed.borrow_mut().take()
    }

    /// Asks whether to go on; the prompt is erased afterwards, so the pages
    /// read on without it. Enter or Space go on; q, Ctrl-C and Ctrl-D stop;
    /// any other key stops and starts the next input line (kept for
    /// [`Pager::take_typed`]).
    fn more(
        &self,
        out: &mut impl Write,
        editor: &mut Editor<WatHelper, DefaultHistory>,
    ) -> std::io::Result<bool> {
        out.flush()?;
        if let Ok(mut key) = self.key.lock() {
            *key = None;
        }
        self.prompting.store(true, Ordering::Relaxed);
        let answer = editor.readline(MORE);
        self.prompting.store(false, Ordering::Relaxed);
        // Up to the prompt's line (the editor ended it), and clear it.
        write!(out, "\x1b[1A\x1b[2K")?;
        let key = self.key.lock().ok().and_then(|mut key| key.take());
        let typed = match answer {
            Ok(text) if text.is_empty() => return Ok(true),
            // A paste, say: it starts the next input.
            Ok(text) => Some(text),
            Err(_) => key.map(String::from),
        };
        *self.typed.borrow_mut() = typed;
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many lines each screen shows, answering "go on" at every prompt.
    fn screens(lines: &[&str], columns: usize, rows: usize) -> Vec<usize> {
        let mut screen = Screen::new(Some((columns, rows)));
        let mut counts: Vec<usize> = Vec::new();
        for line in lines {
            let fits = screen.fits(line);
            match counts.last_mut() {
                Some(count) if fits => *count += 1,
                _ => counts.push(1),
            }
        }
        counts
    }

    #[test]
    fn a_screen_keeps_a_row_for_the_prompt_and_long_lines_take_several() {
        let lines = vec!["a"; 10];
        assert_eq!(screens(&lines, 80, 4), vec![3, 3, 3, 1]);
        assert_eq!(screens(&lines, 80, 40), vec![10]);
        assert_eq!(screens(&lines, 80, 11), vec![10]);
        let wide = "x".repeat(100);
        let lines = vec![wide.as_str(), "b", "c", "d"];
        // The wide line takes two rows of a 60-column terminal.
        assert_eq!(screens(&lines, 60, 4), vec![2, 2]);
        assert_eq!(screens(&[], 60, 4), Vec::<usize>::new());
        assert_eq!(screens(&lines, 60, 0), vec![1, 1, 1, 1]);
        // Not a terminal: everything fits.
        let mut pipe = Screen::new(None);
        assert!((0..10_000).all(|_| pipe.fits("a")));
    }
}

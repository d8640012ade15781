//! One-key commands for `watlab watch`: on a terminal a key acts at once (raw
//! mode, through crossterm, restored when the [`RawMode`] guard drops, on
//! Ctrl-C too: raw mode delivers it as a key); otherwise each line of
//! standard input is one key (its first character), so scripts and tests can
//! drive the loop. The end of the input quits.

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use std::io::BufRead;
use std::sync::mpsc::Sender;

/// What the keyboard said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A character key.
    Char(char),
    /// Ctrl-C, or the end of the input: stop.
    Quit,
}

/// Raw mode on the terminal while it lives.
pub struct RawMode;

impl RawMode {
    /// Turns raw mode on.
    ///
    /// # Errors
    /// The terminal refuses.
    pub fn enable() -> std::io::Result<RawMode> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Reads keys on a thread of its own and sends each, wrapped by `wrap`;
/// `raw` reads terminal key events, otherwise lines of standard input.
pub fn spawn<E: Send + 'static>(raw: bool, send: Sender<E>, wrap: fn(Key) -> E) {
    std::thread::spawn(move || {
        let mut next: Box<dyn FnMut() -> Key> = if raw {
            Box::new(terminal_key)
        } else {
            let mut lines = std::io::stdin().lock().lines();
            Box::new(move || match lines.next() {
                Some(Ok(line)) => Key::Char(line.trim().chars().next().unwrap_or('\n')),
                _ => Key::Quit,
            })
        };
        loop {
            let key = next();
            if send.send(wrap(key)).is_err() || key == Key::Quit {
                break;
            }
        }
    });
}

/// The next key pressed on the terminal (other events skipped); a terminal
/// that cannot be read any more quits.
fn terminal_key() -> Key {
    loop {
        let key = match event::read() {
            Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => key,
            Ok(_) => continue,
            Err(_) => return Key::Quit,
        };
        return match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Key::Quit,
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::Enter => Key::Char('\n'),
            _ => continue,
        };
    }
}

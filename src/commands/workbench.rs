//! The workbench as its front ends drive it: a [`Session`] plus the guided
//! lesson being followed, and the one entry point, [`Workbench::eval`], that
//! sends each input where it belongs: a `:command` to the registry, a bare
//! word to the stepper while a fragment is paused, anything else (WAT, script
//! commands) to the session.

use super::registry::{self, Scope};
use crate::lesson::guided::Guide;
use crate::session::input::{Input, classify};
use crate::session::{Reply, Session, SessionError};
use std::path::PathBuf;

/// `NAME` in the user's data directory: `$XDG_DATA_HOME/watlab/NAME`, or
/// `~/.local/share/watlab/NAME` (the history and lesson progress live there).
pub fn data_file(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("watlab").join(name))
}

/// A session, the lesson being followed, and where progress is saved.
pub struct Workbench {
    /// The session.
    pub session: Session,
    /// The lesson being followed, if any.
    pub guide: Option<Guide>,
    /// Where progress is saved (`None`: not saved, as in transcripts).
    pub progress: Option<PathBuf>,
    /// The last stepper command, repeated by an empty line while paused.
    last_stepper_line: String,
    /// Commands whose output is shown at every pause (`display CMD`).
    pub(super) displays: Vec<String>,
}

impl Workbench {
    /// A workbench; `progress` is where finished exercises are recorded.
    pub fn new(progress: Option<PathBuf>) -> Workbench {
        Workbench {
            session: Session::new(),
            guide: None,
            progress,
            last_stepper_line: String::new(),
            displays: Vec::new(),
        }
    }

    /// Evaluates one input.
    ///
    /// # Errors
    /// What went wrong: a syntax, validation or link error, a trap, a command
    /// used wrongly. Such an input changes nothing but what WebAssembly keeps.
    pub fn eval(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let was_stepping = self.session.is_stepping();
        let module_before = self.session.session_instance().map(|(_, addr)| addr);
        // `:undo` itself is not an input `:undo` takes back.
        let undoable = !matches!(classify(text), Input::Meta { name: "undo", .. });
        if undoable {
            self.session.begin_input(text);
        }
        let outcome = self.dispatch(text);
        let outcome = self.session.attach_console(outcome);
        let outcome = self.warn_moved_offsets(outcome, module_before);
        let note = undoable.then(|| self.session.end_input()).flatten();
        let outcome = match (outcome, note) {
            (Ok(mut replies), Some(note)) => {
                replies.push(Reply::Note(note));
                Ok(replies)
            }
            (Err(mut error), Some(note)) => {
                error.notes.push(note);
                Err(error)
            }
            (outcome, None) => outcome,
        };
        if !self.session.is_stepping() {
            self.displays.clear();
            return outcome;
        }
        let mut replies = outcome?;
        if !was_stepping {
            // However stepping began (`:step`, a breakpoint, Ctrl-C, `:thread`), say how to go on.
            let at = replies.iter().position(is_pause).unwrap_or(replies.len());
            replies.insert(at, Reply::Note(super::stepper::words("stepping")));
        }
        if replies.iter().any(is_pause) {
            for command in self.displays.clone() {
                match self.dispatch(&command) {
                    Ok(more) => replies.extend(more),
                    Err(error) => replies.push(Reply::Error(Box::new(error))),
                }
            }
        }
        Ok(replies)
    }

    /// After an input that rebuilt the session module, says which breakpoints
    /// set by byte offset now point into code that may have moved.
    fn warn_moved_offsets(
        &self,
        outcome: Result<Vec<Reply>, SessionError>,
        module_before: Option<crate::vm::store::InstanceAddr>,
    ) -> Result<Vec<Reply>, SessionError> {
        let module_after = self.session.session_instance().map(|(_, addr)| addr);
        let offsets = self.session.offset_breakpoints();
        match outcome {
            Ok(mut replies)
                if module_before.is_some()
                    && module_after != module_before
                    && !offsets.is_empty() =>
            {
                for (number, offset) in offsets {
                    replies.push(Reply::Note(format!(
                        "breakpoint {number} at byte 0x{offset:x} was set in the module before this change, \
                         whose code may have moved: :delete {number} and set it again, or use $func:LINE, \
                         which follows the text"
                    )));
                }
                Ok(replies)
            }
            other => other,
        }
    }

    fn dispatch(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        match classify(text) {
            Input::Meta { name, args } => match registry::find_colon(name) {
                Some(command) => (command.run)(self, args),
                None => Err(registry::unknown(Scope::Workbench, name)),
            },
            // A comment while paused does nothing; an empty line repeats the last command.
            Input::Empty if self.session.is_stepping() && !text.trim().is_empty() => Ok(Vec::new()),
            _ if self.session.is_stepping() => self.stepper_command(text),
            Input::Instructions(code) if not_stepping_word(code).is_some() => {
                let word = not_stepping_word(code).unwrap_or_default();
                let colon = registry::find_colon(word)
                    .map(|c| format!("; outside the stepper, :{} does that", c.name))
                    .unwrap_or_default();
                Err(SessionError::usage(format!(
                    "not paused: `{word}` is a stepper command; start stepping with :step FRAGMENT \
                     (or :break $FUNC, then run an input){colon}"
                )))
            }
            _ => self.session.eval(text).map_err(|mut e| {
                e.message += &registry::colon_hint(text).unwrap_or_default();
                e
            }),
        }
    }

    fn stepper_command(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let line = match text.trim() {
            "" => self.last_stepper_line.clone(),
            line => line.to_string(),
        };
        let (word, args) = super::stepper::split(&line);
        let command = registry::find(Scope::Stepper, word)
            .ok_or_else(|| super::stepper::not_a_command(word, &line))?;
        self.last_stepper_line = line.clone();
        (command.run)(self, args.trim())
    }
}

/// The first word of `code` when it is a stepper command (`s`, `back 2`),
/// which no WAT instruction is.
fn not_stepping_word(code: &str) -> Option<&str> {
    let (word, _) = super::stepper::split(code);
    registry::find(Scope::Stepper, word).map(|_| word)
}

/// Whether a reply is the stepper's pause screen.
fn is_pause(reply: &Reply) -> bool {
    matches!(reply, Reply::Pause(_))
}

impl crate::lesson::Learner for Workbench {
    fn eval(&mut self, input: &str) -> Result<Vec<Reply>, SessionError> {
        Workbench::eval(self, input)
    }

    fn session(&self) -> &Session {
        &self.session
    }
}

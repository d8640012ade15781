//! The workbench as its front ends drive it: a [`Session`] plus, when the
//! learner follows one, a guided lesson. Lesson commands (`:lesson`, `:next`,
//! `:prev`, `:check`, `:hint`, `:solution`) are handled here; everything else
//! goes to the session.

use crate::lesson::guided::{Guide, listing};
use crate::session::{ErrorKind, Reply, Session, SessionError};
use std::path::PathBuf;

/// A session and the lesson being followed.
pub struct Workbench {
    /// The session.
    pub session: Session,
    guide: Option<Guide>,
    /// Where progress is saved (`None`: not saved, as in transcripts).
    progress: Option<PathBuf>,
}

/// `$XDG_DATA_HOME/watlab/progress`, or `~/.local/share/watlab/progress`.
pub fn progress_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("watlab").join("progress"))
}

impl Workbench {
    /// A workbench; `progress` is where finished exercises are recorded.
    pub fn new(progress: Option<PathBuf>) -> Workbench {
        Workbench {
            session: Session::new(),
            guide: None,
            progress,
        }
    }

    /// Evaluates one input.
    ///
    /// # Errors
    /// As [`Session::eval`], and for lesson commands used wrongly.
    pub fn eval(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let trimmed = text.trim();
        let (command, args) = trimmed
            .split_once(char::is_whitespace)
            .unwrap_or((trimmed, ""));
        let usage = |m: String| SessionError::new(ErrorKind::Usage, m);
        let no_lesson =
            || usage("no lesson is open: :lesson lists them, :lesson N opens one".into());
        match command {
            ":lesson" if args.trim().is_empty() => {
                Ok(vec![Reply::Text(listing(&self.progress_text()))])
            }
            ":lesson" => {
                let number = args
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| usage("usage: :lesson N".into()))?;
                let guide = Guide::start(number).map_err(usage)?;
                let shown = guide.show();
                self.guide = Some(guide);
                Ok(vec![Reply::Text(shown)])
            }
            ":next" | ":prev" => {
                let guide = self.guide.as_mut().ok_or_else(no_lesson)?;
                let delta = if command == ":next" { 1 } else { -1 };
                match guide.advance(delta) {
                    Some(shown) => Ok(vec![Reply::Text(shown)]),
                    None if delta > 0 => Ok(vec![Reply::Note(
                        "that was the last section of this lesson: :lesson lists the others".into(),
                    )]),
                    None => Ok(vec![Reply::Note("this is the first section".into())]),
                }
            }
            ":hint" => Ok(vec![Reply::Note(
                self.guide
                    .as_mut()
                    .ok_or_else(no_lesson)?
                    .hint()
                    .map_err(usage)?,
            )]),
            ":solution" => Ok(vec![Reply::Text(
                self.guide
                    .as_ref()
                    .ok_or_else(no_lesson)?
                    .solution()
                    .map_err(usage)?,
            )]),
            ":check" => {
                let guide = self.guide.as_ref().ok_or_else(no_lesson)?;
                match guide.check(&mut self.session) {
                    Ok(message) => {
                        let record = guide
                            .exercise_title()
                            .map(|t| format!("{}: {t}", guide.file()));
                        let mut replies = vec![Reply::Note(message)];
                        if let Some(warning) = record.and_then(|r| self.record(&r)) {
                            replies.push(Reply::Note(warning));
                        }
                        Ok(replies)
                    }
                    Err(message) => Err(SessionError::new(
                        ErrorKind::Assertion,
                        format!("not yet: {message}"),
                    )),
                }
            }
            _ => self.session.eval(text),
        }
    }

    fn progress_text(&self) -> String {
        self.progress
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default()
    }

    /// Records a finished exercise; returns a warning when it cannot.
    fn record(&self, line: &str) -> Option<String> {
        let path = self.progress.as_ref()?;
        let mut text = self.progress_text();
        if text.lines().any(|l| l == line) {
            return None;
        }
        text.push_str(line);
        text.push('\n');
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(path, text));
        written
            .err()
            .map(|e| format!("warning: progress not saved to {}: {e}", path.display()))
    }
}

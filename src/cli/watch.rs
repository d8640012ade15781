//! `watlab watch [DIR]`: the course rustlings-style (issue 11). Shows the
//! first exercise not done (in the progress file the workbench uses), its
//! file and a progress bar, and checks the file each time it is saved: its
//! inputs in a fresh workbench, then the exercise's checks. A pass is
//! recorded and the next exercise comes up. Keys: `h` a hint (the one for
//! the failing check first), `n` the next exercise, `l` the list, `q` quit.
//!
//! ```text
//!   file saved ──notify (debounced)──┐
//!   key pressed ──keys thread────────┴──▶ channel ──▶ one loop: check, show, move on
//! ```

use super::keys::{self, Key, RawMode};
use crate::commands::{Workbench, data_file};
use crate::lesson::files::{CourseExercise, FileCheck, check_file, course};
use crate::lesson::hints::HintState;
use crate::lesson::progress;
use crate::session::CheckReport;
use crate::view::{Styled, checks, render_error, theme};
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

/// How long a burst of file events is gathered before one check (editors
/// save in several steps: write a temporary file, rename it).
const DEBOUNCE: Duration = Duration::from_millis(200);

/// What the loop waits for.
enum Event {
    /// Files changed under the directory.
    Saved(Vec<PathBuf>),
    /// Watching failed.
    WatchFailed(String),
    /// A key.
    Key(Key),
}

/// The loop's state and where it writes.
struct Watch<'a, W: Write> {
    out: &'a mut W,
    /// Raw mode: lines end in `\r\n`.
    raw: bool,
    colour: bool,
    /// The directory as the learner named it, and as the watcher reports it.
    dir: PathBuf,
    canonical: PathBuf,
    course: Vec<CourseExercise>,
    progress: Option<PathBuf>,
    current: usize,
    hints: HintState,
    /// The text last checked, so that reading the file (which the watcher
    /// reports too) or saving it unchanged does not check it again.
    checked: Option<String>,
}

/// `watlab watch DIR`.
pub fn run(out: &mut impl Write, dir: &Path) -> io::Result<ExitCode> {
    let course = course();
    let written = match super::exercises::write_files(dir, &course, false) {
        Ok(written) => written,
        Err(message) => {
            eprintln!("watlab: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let canonical = match std::fs::canonicalize(dir) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("watlab: cannot watch {}: {e}", dir.display());
            return Ok(ExitCode::from(2));
        }
    };
    let (send, events) = mpsc::channel();
    let to_loop = send.clone();
    let debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        let event = match result {
            Ok(found) => Event::Saved(found.into_iter().map(|e| e.path).collect()),
            Err(e) => Event::WatchFailed(e.to_string()),
        };
        let _ = to_loop.send(event);
    });
    let mut debouncer = match debouncer {
        Ok(debouncer) => debouncer,
        Err(e) => {
            eprintln!("watlab: cannot watch {}: {e}", dir.display());
            return Ok(ExitCode::from(2));
        }
    };
    if let Err(e) = debouncer
        .watcher()
        .watch(&canonical, RecursiveMode::Recursive)
    {
        eprintln!("watlab: cannot watch {}: {e}", dir.display());
        return Ok(ExitCode::from(2));
    }
    let raw = std::io::stdin().is_terminal();
    let _raw_mode = if raw { Some(RawMode::enable()?) } else { None };
    keys::spawn(raw, send, Event::Key);
    let progress = data_file("progress");
    let done = progress::read(progress.as_deref());
    let mut watch = Watch {
        out,
        raw,
        colour: theme::use_colour(std::io::stdout().is_terminal()),
        dir: dir.to_path_buf(),
        canonical,
        current: 0,
        course,
        progress,
        hints: HintState::default(),
        checked: None,
    };
    if written.written > 0 {
        watch.say(&format!(
            "wrote {} exercise file(s) to {}",
            written.written,
            dir.display()
        ))?;
    }
    match watch.next_not_done(&done, 0) {
        Some(first) => watch.current = first,
        None => {
            watch.say("every exercise is done: well done! (the files stay for you to revisit)")?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    watch.show()?;
    if watch.check()? {
        return Ok(ExitCode::SUCCESS);
    }
    for event in events {
        let finished = match event {
            Event::Saved(paths) if paths.contains(&watch.current_path()) => watch.recheck()?,
            Event::Saved(_) => false,
            Event::WatchFailed(message) => {
                watch.say(&format!("watching failed: {message}"))?;
                false
            }
            Event::Key(key) => watch.key(key)?,
        };
        if finished {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks the exercise file at `path` holding `text`: what to show (the
/// errors of its inputs, then each check) and the report.
fn verdict(path: &Path, text: &str, exercise: &CourseExercise) -> (Styled, CheckReport) {
    let shown = path.display().to_string();
    let FileCheck { errors, report } =
        check_file(&shown, text, &exercise.exercise, Workbench::new(None));
    let mut out = Styled::default();
    out.plain_text(format!("checking {shown}\n"));
    for error in &errors {
        out.append(render_error(error));
    }
    out.append(checks::render(&report, super::output::terminal_width()));
    (out, report)
}

/// `watlab check-exercise FILE`: checks one exercise file once (the
/// exercise is the one whose file name it has) and records a pass.
pub fn check_once(out: &mut impl Write, file: &Path) -> io::Result<ExitCode> {
    let Some(text) = super::read_input(file) else {
        return Ok(ExitCode::from(2));
    };
    let course = course();
    let Some(exercise) = course.iter().find(|e| file.ends_with(e.path())) else {
        eprintln!(
            "watlab: {} is not an exercise file: its path must end in LESSON/N-TITLE.wat as \
             `watlab exercises` writes them (01-stack-machine/1-compute-6-7-1.wat)",
            file.display()
        );
        return Ok(ExitCode::from(2));
    };
    let (shown, report) = verdict(file, &text, exercise);
    let colour = theme::use_colour(std::io::stdout().is_terminal());
    write!(
        out,
        "{}",
        if colour {
            theme::paint(&shown)
        } else {
            shown.plain()
        }
    )?;
    if !report.passed() {
        return Ok(ExitCode::from(1));
    }
    if let Some(warning) = data_file("progress")
        .and_then(|path| progress::record(&path, exercise.file, &exercise.exercise.title))
    {
        writeln!(out, "{warning}")?;
    }
    Ok(ExitCode::SUCCESS)
}

impl<W: Write> Watch<'_, W> {
    /// Writes text (lines end in `\r\n` in raw mode).
    fn write(&mut self, text: &str) -> io::Result<()> {
        if self.raw {
            self.out.write_all(text.replace('\n', "\r\n").as_bytes())?;
        } else {
            self.out.write_all(text.as_bytes())?;
        }
        self.out.flush()
    }

    /// Writes one line.
    fn say(&mut self, line: &str) -> io::Result<()> {
        self.write(&format!("{line}\n"))
    }

    /// Writes rendered output, coloured on a terminal.
    fn styled(&mut self, styled: &Styled) -> io::Result<()> {
        let text = if self.colour {
            theme::paint(styled)
        } else {
            styled.plain()
        };
        self.write(&text)
    }

    fn exercise(&self) -> &CourseExercise {
        &self.course[self.current]
    }

    /// The current exercise's file as the learner names it.
    fn shown_path(&self) -> PathBuf {
        self.dir.join(self.exercise().path())
    }

    /// The current exercise's file as the watcher reports it.
    fn current_path(&self) -> PathBuf {
        self.canonical.join(self.exercise().path())
    }

    /// The first exercise not done from `from` on, wrapping around.
    fn next_not_done(&self, done: &str, from: usize) -> Option<usize> {
        let n = self.course.len();
        (0..n).map(|i| (from + i) % n).find(|&i| {
            !progress::is_done(done, self.course[i].file, &self.course[i].exercise.title)
        })
    }

    /// The exercise, its file, the progress bar and the keys.
    fn show(&mut self) -> io::Result<()> {
        let done = progress::read(self.progress.as_deref());
        let count = self
            .course
            .iter()
            .filter(|e| progress::is_done(&done, e.file, &e.exercise.title))
            .count();
        let text = format!(
            "\nprogress: {} {count}/{}\nexercise {} of {}: {}\nfile: {}\nedit the file and save it to check it; keys: h hint, n next exercise, l list, q quit\n",
            progress::bar(count, self.course.len()),
            self.course.len(),
            self.current + 1,
            self.course.len(),
            self.exercise().name(),
            self.shown_path().display()
        );
        self.write(&text)
    }

    /// Checks the current exercise's file again if its text changed.
    fn recheck(&mut self) -> io::Result<bool> {
        let text = std::fs::read_to_string(self.shown_path()).ok();
        if text.is_some() && text == self.checked {
            return Ok(false);
        }
        self.check()
    }

    /// Checks the current exercise's file; on a pass records it and moves
    /// to the next exercise. Returns whether the course is finished.
    fn check(&mut self) -> io::Result<bool> {
        let path = self.shown_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                self.say(&format!("cannot read {}: {e}", path.display()))?;
                return Ok(false);
            }
        };
        self.checked = Some(text.clone());
        let (shown, report) = verdict(&path, &text, self.exercise());
        self.styled(&shown)?;
        self.hints.failing = report.first_failure().map(|r| r.number);
        if !report.passed() {
            self.say("(h: a hint)")?;
            return Ok(false);
        }
        let exercise = self.exercise().clone();
        if let Some(path) = &self.progress
            && let Some(warning) = progress::record(path, exercise.file, &exercise.exercise.title)
        {
            self.say(&warning)?;
        }
        self.say(&format!("done: {}", exercise.name()))?;
        self.advance()
    }

    /// Moves to the next exercise not done and checks its file (it may be
    /// answered already); says so, or that all are done.
    fn advance(&mut self) -> io::Result<bool> {
        let done = progress::read(self.progress.as_deref());
        match self.next_not_done(&done, self.current + 1) {
            Some(next) if next != self.current => {
                self.current = next;
                self.hints = HintState::default();
                self.say(&format!("next exercise: {}", self.exercise().name()))?;
                self.show()?;
                self.check()
            }
            _ => {
                self.say("every exercise is done: well done!")?;
                Ok(true)
            }
        }
    }

    /// Acts on a key; returns whether to stop.
    fn key(&mut self, key: Key) -> io::Result<bool> {
        match key {
            Key::Quit | Key::Char('q') => {
                self.say("bye: your progress is saved")?;
                Ok(true)
            }
            Key::Char('h') => {
                let hints = self.exercise().exercise.hints.clone();
                let line = self
                    .hints
                    .reveal(&hints, "press n to go on to the next exercise")
                    .unwrap_or_else(|e| e);
                self.say(&line)?;
                Ok(false)
            }
            Key::Char('n') => {
                let done = progress::read(self.progress.as_deref());
                let Some(next) = self.next_not_done(&done, self.current + 1) else {
                    self.say("no other exercise is left to do")?;
                    return Ok(false);
                };
                self.current = next;
                self.hints = HintState::default();
                self.say(&format!("skipped to: {}", self.exercise().name()))?;
                self.show()?;
                self.check()
            }
            Key::Char('l') => {
                let list = self.list();
                self.write(&list)?;
                Ok(false)
            }
            Key::Char(_) => {
                self.say("keys: h hint, n next exercise, l list, q quit")?;
                Ok(false)
            }
        }
    }

    /// Every exercise with its done mark; `>` marks the current one.
    fn list(&self) -> String {
        let done = progress::read(self.progress.as_deref());
        let mut text = String::new();
        for (i, exercise) in self.course.iter().enumerate() {
            let mark = if progress::is_done(&done, exercise.file, &exercise.exercise.title) {
                "[done]"
            } else {
                "[    ]"
            };
            let here = if i == self.current { ">" } else { " " };
            text.push_str(&format!(
                "{here} {mark} {}  {}\n",
                exercise.path().display(),
                exercise.exercise.title
            ));
        }
        text
    }
}

//! Gathering whole inputs from the line editor (issue 10, item 7).
//!
//! One `readline` call gives one line as typed, or, after a bracketed paste,
//! everything pasted (newlines included). Either way the workbench runs
//! complete inputs one at a time, in order:
//!
//! ```text
//! readline ──► lines ──► queue ──► first line ──► open `(`? ──► ...> lines ──► Input
//! ```
//!
//! Lines of a paste wait in a queue and feed the next inputs before the editor
//! is asked again. A paste without bracketed-paste markers arrives as typed
//! keys: rustyline keeps what it read past the first Enter for its next call
//! (its `buffer-redux` feature), so those lines come back one per call.
//!
//! Blank lines: a typed blank line at `...> ` submits what there is (the
//! session says what is missing), as evcxr never calls a blank line
//! incomplete; a blank line at `wat> ` is an input of its own (the stepper
//! repeats its last command). Blank lines inside a bracketed paste are part of
//! the text pasted: they never submit and never repeat.

use crate::text::lex;
use crate::transcript::{CONTINUATION, PROMPT};
use rustyline::error::ReadlineError;
use std::collections::VecDeque;

/// What the person at the prompt gave.
#[derive(Debug)]
pub enum Gathered {
    /// An input to evaluate: complete, or submitted by a blank line.
    Input(String),
    /// Ctrl-C at `wat> `: the line was cleared, nothing to run.
    Cleared,
    /// Ctrl-C or Ctrl-D at `...> `: the unfinished input was dropped.
    Cancelled,
    /// Ctrl-D at an empty `wat> `: leave the workbench.
    End,
    /// The terminal failed.
    Failed(ReadlineError),
}

/// Turns what the editor reads into inputs, keeping the rest of a paste.
#[derive(Default)]
pub struct Gatherer {
    /// Lines of a bracketed paste not yet used.
    queued: VecDeque<String>,
    /// The prompt of a new input when it is not `wat> `: while a program is
    /// paused, where it is (`step $fill:7> `).
    pub prompt: Option<String>,
}

impl Gatherer {
    /// Gathers the next input, calling `read(prompt)` for lines when no pasted
    /// line is waiting.
    pub fn next(&mut self, read: &mut dyn FnMut(&str) -> rustyline::Result<String>) -> Gathered {
        let mut input = loop {
            if let Some(line) = self.queued.pop_front() {
                if line.trim().is_empty() {
                    continue;
                }
                break line;
            }
            match read(self.prompt.as_deref().unwrap_or(PROMPT)) {
                Ok(text) if text.contains('\n') => self.queue(&text),
                Ok(line) => break line,
                Err(ReadlineError::Interrupted) => return Gathered::Cleared,
                Err(ReadlineError::Eof) => return Gathered::End,
                Err(e) => return Gathered::Failed(e),
            }
        };
        while !lex::is_complete(&input) {
            let line = if let Some(line) = self.queued.pop_front() {
                line
            } else {
                match read(CONTINUATION) {
                    Ok(text) if text.contains('\n') => {
                        self.queue(&text);
                        continue;
                    }
                    Ok(line) if line.trim().is_empty() && lex::open_parens(&input) > 0 => break,
                    Ok(line) => line,
                    Err(ReadlineError::Interrupted | ReadlineError::Eof) => {
                        return Gathered::Cancelled;
                    }
                    Err(e) => return Gathered::Failed(e),
                }
            };
            input.push('\n');
            input.push_str(&line);
        }
        Gathered::Input(input)
    }

    /// Queues the lines of a paste; the newline that ends it adds none.
    fn queue(&mut self, text: &str) {
        let text = text.strip_suffix('\n').unwrap_or(text);
        self.queued.extend(text.split('\n').map(str::to_owned));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line editor that answers from a list and records the prompts it showed.
    struct Scripted {
        answers: VecDeque<rustyline::Result<&'static str>>,
        prompts: Vec<&'static str>,
    }

    impl Scripted {
        fn new(answers: Vec<rustyline::Result<&'static str>>) -> Self {
            Scripted {
                answers: answers.into(),
                prompts: Vec::new(),
            }
        }

        /// Gathers the next input from the answers left.
        fn next(&mut self, gatherer: &mut Gatherer) -> Gathered {
            gatherer.next(&mut |prompt| {
                self.prompts.push(if prompt == PROMPT {
                    PROMPT
                } else {
                    CONTINUATION
                });
                self.answers
                    .pop_front()
                    .unwrap_or(Err(ReadlineError::Eof))
                    .map(str::to_owned)
            })
        }
    }

    fn input(gathered: Gathered) -> String {
        match gathered {
            Gathered::Input(text) => text,
            other => panic!("expected an input, got {other:?}"),
        }
    }

    #[test]
    fn a_bracketed_paste_gives_each_input_in_order() {
        let mut read = Scripted::new(vec![Ok(
            "(func $f (result i32)\n\n  i32.const 9)\ncall $f\n\n:stack\n",
        )]);
        let mut gatherer = Gatherer::default();
        assert_eq!(
            input(read.next(&mut gatherer)),
            "(func $f (result i32)\n\n  i32.const 9)"
        );
        assert_eq!(input(read.next(&mut gatherer)), "call $f");
        assert_eq!(input(read.next(&mut gatherer)), ":stack");
        assert_eq!(read.prompts, vec![PROMPT]);
        assert!(matches!(read.next(&mut gatherer), Gathered::End));
    }

    #[test]
    fn a_paste_ending_inside_a_form_continues_at_the_prompt() {
        let mut read = Scripted::new(vec![Ok("i32.const 1\n(func $g"), Ok("nop)")]);
        let mut gatherer = Gatherer::default();
        assert_eq!(input(read.next(&mut gatherer)), "i32.const 1");
        assert_eq!(input(read.next(&mut gatherer)), "(func $g\nnop)");
        assert_eq!(read.prompts, vec![PROMPT, CONTINUATION]);
    }

    #[test]
    fn typed_lines_continue_and_a_blank_line_submits() {
        let mut read = Scripted::new(vec![Ok("(func $h"), Ok("(param i32)"), Ok("  "), Ok("")]);
        let mut gatherer = Gatherer::default();
        assert_eq!(input(read.next(&mut gatherer)), "(func $h\n(param i32)");
        // A blank line at `wat> ` is an input: the stepper repeats its last command.
        assert_eq!(input(read.next(&mut gatherer)), "");
    }

    #[test]
    fn ctrl_c_and_ctrl_d() {
        let mut read = Scripted::new(vec![
            Err(ReadlineError::Interrupted),
            Ok("(func"),
            Err(ReadlineError::Eof),
            Ok("(func"),
            Err(ReadlineError::Interrupted),
            Ok("nop"),
            Err(ReadlineError::Eof),
        ]);
        let mut gatherer = Gatherer::default();
        assert!(matches!(read.next(&mut gatherer), Gathered::Cleared));
        assert!(matches!(read.next(&mut gatherer), Gathered::Cancelled));
        assert!(matches!(read.next(&mut gatherer), Gathered::Cancelled));
        assert_eq!(input(read.next(&mut gatherer)), "nop");
        assert!(matches!(read.next(&mut gatherer), Gathered::End));
        assert_eq!(
            read.prompts,
            vec![
                PROMPT,
                PROMPT,
                CONTINUATION,
                PROMPT,
                CONTINUATION,
                PROMPT,
                PROMPT
            ]
        );
    }
}

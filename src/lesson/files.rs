//! Exercises as files, rustlings-style (issue 11): each exercise of every
//! lesson becomes `NN-lesson/K-slug.wat`, its instructions in `;;` comments
//! at the top, then room for the answer. Checking a file evaluates its
//! inputs in a fresh workbench and runs the exercise's checks there.
//!
//! The file holds workbench inputs, as the lesson's solutions do: WAT
//! fields, instructions for the scratch stack, script commands such as
//! `(invoke ...)`, and `:host` lines for exercises that need the host.

use super::guided::LESSONS;
use super::{Exercise, Learner, check, parse};
use crate::session::input::skip_trivia;
use crate::session::{CheckReport, SessionError};
use std::path::PathBuf;

/// Columns of the instructions at the top of a file.
const WIDTH: usize = 80;

/// An exercise of the course and where its file goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseExercise {
    /// The lesson's number (1-based).
    pub lesson: usize,
    /// The lesson's file (`01-stack-machine.md`), as progress names it.
    pub file: &'static str,
    /// The lesson's title without its number (`The stack machine`).
    pub lesson_title: String,
    /// The exercise's number in its lesson (1-based).
    pub number: usize,
    /// The exercise.
    pub exercise: Exercise,
    /// Its instructions: the lesson's text between the exercise's heading
    /// and its checks (so neither hints nor answers).
    pub text: String,
}

/// Every exercise of the built-in lessons, in course order. Lessons with
/// errors in their file are left out (they cannot be checked).
pub fn course() -> Vec<CourseExercise> {
    let mut all = Vec::new();
    for (i, (file, body)) in LESSONS.iter().enumerate() {
        let lesson = parse(body);
        if !lesson.errors.is_empty() {
            continue;
        }
        let lesson_title = lesson
            .title
            .split_once(". ")
            .map_or(lesson.title.as_str(), |(_, t)| t)
            .to_string();
        for (n, exercise) in lesson.exercises.into_iter().enumerate() {
            let text = instructions(body, exercise.line);
            all.push(CourseExercise {
                lesson: i + 1,
                file,
                lesson_title: lesson_title.clone(),
                number: n + 1,
                exercise,
                text,
            });
        }
    }
    all
}

impl CourseExercise {
    /// Its file, relative to the exercises directory:
    /// `01-stack-machine/2-a-negative-result.wat`.
    pub fn path(&self) -> PathBuf {
        let lesson = self.file.strip_suffix(".md").unwrap_or(self.file);
        PathBuf::from(lesson).join(format!(
            "{}-{}.wat",
            self.number,
            slug(&self.exercise.title)
        ))
    }

    /// `lesson 1 (The stack machine), exercise 2: "a negative result"`.
    pub fn name(&self) -> String {
        format!(
            "lesson {} ({}), exercise {}: \"{}\"",
            self.lesson, self.lesson_title, self.number, self.exercise.title
        )
    }

    /// The file as first written: the instructions in comments, wrapped at
    /// 80 columns, then where the answer goes. No hint, no solution.
    pub fn starter(&self) -> String {
        let mut text = String::new();
        let lesson = format!("lesson {} ({})", self.lesson, self.lesson_title);
        let exercise = format!("exercise {}: \"{}\"", self.number, self.exercise.title);
        let mut lines = reflow(&lesson, WIDTH - 3);
        lines.extend(reflow(&exercise, WIDTH - 3));
        lines.push(String::new());
        lines.extend(reflow(&self.text, WIDTH - 3));
        for line in lines {
            text.push_str(format!(";; {line}").trim_end());
            text.push('\n');
        }
        text.push_str(
            ";;\n\
             ;; Write workbench inputs below, as you would type them at `wat>`: module\n\
             ;; fields, instructions, script commands such as (invoke ...), `:host` lines.\n\
             ;; `watlab watch` checks this file each time you save it.\n\
             \n\
             ;; write your answer here\n",
        );
        text
    }
}

/// The lines after the heading on line `heading` (1-based) up to the first
/// ```` ```check ```` block or the next heading.
fn instructions(body: &str, heading: usize) -> String {
    let mut text = String::new();
    for line in body.lines().skip(heading) {
        if line.trim_start().starts_with("```check") || line.starts_with("## ") {
            break;
        }
        text.push_str(line);
        text.push('\n');
    }
    text.trim().to_string() + "\n"
}

/// A title as a file name: lower case letters and digits, words joined by `-`.
fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "exercise".to_string()
    } else {
        words.join("-")
    }
}

/// Markdown text re-wrapped to `width` columns at spaces (never mid-word):
/// a paragraph's lines are joined first; code blocks and table rows stay as
/// they are; list items keep a hanging indent.
fn reflow(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut item: Option<(String, usize)> = None;
    let mut in_code = false;
    let flush = |item: &mut Option<(String, usize)>, out: &mut Vec<String>| {
        if let Some((words, indent)) = item.take() {
            out.extend(wrap(&words, width, indent));
        }
    };
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            flush(&mut item, &mut out);
            in_code = !in_code;
            out.push(line.to_string());
        } else if in_code || trimmed.starts_with('|') {
            out.push(line.to_string());
        } else if trimmed.is_empty() {
            flush(&mut item, &mut out);
            out.push(String::new());
        } else if let Some(indent) = list_indent(line) {
            flush(&mut item, &mut out);
            item = Some((line.to_string(), indent));
        } else if let Some((words, _)) = &mut item {
            words.push(' ');
            words.push_str(trimmed);
        } else {
            item = Some((line.to_string(), 0));
        }
    }
    flush(&mut item, &mut out);
    out
}

/// The hanging indent of a line that starts a list item (`- `, `* `,
/// `1. `), `None` for other lines.
fn list_indent(line: &str) -> Option<usize> {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    let marker = if rest.starts_with("- ") || rest.starts_with("* ") {
        2
    } else {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || !rest[digits..].starts_with(". ") {
            return None;
        }
        digits + 2
    };
    Some(lead + marker)
}

/// `text` wrapped at spaces to `width` columns, continuation lines indented.
fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let lead = text.len() - text.trim_start().len();
    let mut line = text[..lead].to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    lines.push(line);
    lines
}

/// The inputs of a file with their byte offsets: each complete input (a
/// multi-line form stays whole) as a slice of `text`; inputs that are only
/// comments are left out.
pub fn inputs_at(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let begin = *start.get_or_insert(offset);
        offset += line.len();
        let pending = text[begin..offset].trim_end_matches(['\n', '\r']);
        if crate::text::lex::is_complete(pending) {
            if !skip_trivia(pending).is_empty() {
                out.push((begin, pending));
            }
            start = None;
        }
    }
    if let Some(begin) = start {
        let pending = text[begin..].trim_end_matches(['\n', '\r']);
        if !skip_trivia(pending).is_empty() {
            out.push((begin, pending));
        }
    }
    out
}

/// What checking an exercise file found: the errors of its inputs (placed
/// in the file: `PATH:LINE:COL`) and the exercise's checks.
#[derive(Clone, Debug, PartialEq)]
pub struct FileCheck {
    /// Inputs that failed, in order.
    pub errors: Vec<SessionError>,
    /// The checks.
    pub report: CheckReport,
}

/// Evaluates the inputs of a file's `text` (named `path` in messages) in
/// `fresh`, then runs the exercise's checks there.
pub fn check_file(
    path: &str,
    text: &str,
    exercise: &Exercise,
    mut fresh: impl Learner,
) -> FileCheck {
    let mut errors = Vec::new();
    for (start, input) in inputs_at(text) {
        if let Err(error) = fresh.eval(input) {
            errors.push(placed(error, path, text, start, input));
        }
    }
    FileCheck {
        errors,
        report: check(&mut fresh, exercise),
    }
}

/// An input's error placed in its file: at its spot when it has one in the
/// input (the session may have trimmed the input), else at the input's
/// first line.
fn placed(error: SessionError, path: &str, text: &str, start: usize, input: &str) -> SessionError {
    let unplaced = error.message.clone();
    let within = error
        .spot
        .as_ref()
        .and_then(|spot| input.find(&spot.text))
        .unwrap_or(0);
    let error = error.in_file(path, text, start + within);
    if error.message != unplaced {
        return error;
    }
    let line = text[..start].matches('\n').count() + 1;
    SessionError {
        message: format!("{path}:{line}: {}", error.message),
        ..error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    #[test]
    fn every_exercise_has_its_own_file_name() {
        let course = course();
        assert!(course.len() >= 17, "{}", course.len());
        let first = &course[0];
        assert_eq!(
            first.path(),
            PathBuf::from("01-stack-machine/1-compute-6-7-1.wat")
        );
        let mut paths: Vec<PathBuf> = course.iter().map(CourseExercise::path).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), course.len());
        assert_eq!(slug("a, b & C!"), "a-b-c");
        assert_eq!(slug("?"), "exercise");
    }

    #[test]
    fn a_starter_holds_the_instructions_but_no_hint_or_answer() {
        for exercise in course() {
            let text = exercise.starter();
            let at = exercise.path();
            assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{at:?}");
            assert!(text.contains(";; write your answer here"), "{at:?}");
            for hint in &exercise.exercise.hints {
                assert!(!text.contains(&hint.text), "{at:?} shows a hint");
            }
            // (A solution as short as `:host` may be a word of the text, and a
            // `:host` command the instructions ask for is set-up, not the answer.)
            // (Code to fix, quoted by the instructions, shares lines with the answer.)
            let answer = |i: &&String| i.len() > 8 && !i.starts_with(':');
            let mut answer = exercise.exercise.solution.iter().filter(answer).peekable();
            if answer.peek().is_some() {
                assert!(
                    answer.any(|input| !text.contains(input.as_str())),
                    "{at:?} shows the solution"
                );
            }
            // Only comments: the starter checks as an empty answer.
            assert_eq!(inputs_at(&text), vec![], "{at:?}");
        }
        let first = course()[0].starter();
        assert!(
            first.starts_with(
                ";; lesson 1 (The stack machine)\n;; exercise 1: \"compute 6 * 7 + 1\"\n;;\n\
                 ;; Leave exactly one value on the stack: the result of 6 × 7 + 1, computed with\n\
                 ;; `i32.mul` and `i32.add`.\n"
            ),
            "{first}"
        );
    }

    #[test]
    fn reflow_joins_paragraphs_and_keeps_code_and_list_indents() {
        let text =
            "one two\nthree four five\n\n- item one\n  two\n```\nkeep   this line as it is\n```\n";
        assert_eq!(
            reflow(text, 10),
            [
                "one two",
                "three four",
                "five",
                "",
                "- item one",
                "  two",
                "```",
                "keep   this line as it is",
                "```"
            ]
        );
    }

    #[test]
    fn file_inputs_keep_their_offsets_and_skip_comments() {
        let text =
            ";; a comment\n(func $f\n  nop)\r\n\ni32.const 1 ;; trailing\n(; block ;)\n(memory 1";
        assert_eq!(
            inputs_at(text),
            vec![
                (13, "(func $f\n  nop)"),
                (31, "i32.const 1 ;; trailing"),
                (67, "(memory 1"),
            ]
        );
    }

    #[test]
    fn a_file_is_checked_in_a_fresh_session_with_errors_placed_in_it() {
        let course = course();
        let exercise = &course[0].exercise;
        let text = ";; answer\ni32.const 6 i32.const 7 i32.mul\n  i32.const 1 i32.ad\n";
        let checked = check_file("ex.wat", text, exercise, Session::new());
        assert!(!checked.report.passed());
        assert_eq!(checked.errors.len(), 1);
        assert!(
            checked.errors[0].message.starts_with("ex.wat:3:15: "),
            "{}",
            checked.errors[0].message
        );
        let right = "i32.const 6 i32.const 7 i32.mul\ni32.const 1 i32.add\n";
        let checked = check_file("ex.wat", right, exercise, Session::new());
        assert_eq!((checked.errors.len(), checked.report.passed()), (0, true));
    }
}

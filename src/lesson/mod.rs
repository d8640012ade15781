//! Lessons: Markdown files in `lessons/` that read well on their own and
//! that `cargo test` replays, so text and behaviour cannot drift apart.
//!
//! A lesson is ordinary Markdown plus fenced blocks with a meaning:
//! - ```` ```watlab ```` a worked example: a transcript (`wat> ` inputs and
//!   the output they produce), replayed in order in one session per lesson;
//! - under a `## Exercise: ...` heading, ```` ```check ```` lines the
//!   learner's session must pass (`(assert_return ...)`, `(assert_trap ...)`,
//!   `stack TYPE:VALUE...` for the scratch stack, `memory ADDR HEX...` for
//!   bytes of memory 0, `link-error INPUT` for an input that must not link,
//!   any other script or `:` command that must succeed; a malformed line is
//!   an error in the file, see [`Lesson::errors`]), ```` ```solution ````
//!   inputs that pass them, ```` ```mistake ```` inputs that must fail them
//!   (a common wrong answer, shown to the reader too), and `> Hint: ...`
//!   lines revealed one at a time.

pub mod guided;

use crate::session::{Reply, Session, SessionError};
use crate::text::lex;

/// An exercise of a lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exercise {
    /// Its title (after `## Exercise:`).
    pub title: String,
    /// Line of the heading in the file (1-based).
    pub line: usize,
    /// Checks, one per line of its ```` ```check ```` blocks.
    pub checks: Vec<Check>,
    /// Hints, in the order they are revealed.
    pub hints: Vec<String>,
    /// Inputs of the solution.
    pub solution: Vec<String>,
    /// Inputs of a common wrong answer.
    pub mistake: Vec<String>,
}

/// One line of a ```` ```check ```` block, parsed when the lesson is, so a
/// malformed line is an error in the lesson file rather than a check that
/// passes (issue 9: `memory 0 zz` used to check zero bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// `stack TYPE:VALUE...`: the scratch stack, bottom first, exactly.
    Stack(Vec<String>),
    /// `memory ADDR HEX...`: these bytes of memory 0, from `addr` on.
    Memory {
        /// The first address.
        addr: u64,
        /// The bytes expected there (at least one).
        bytes: Vec<u8>,
    },
    /// `link-error INPUT`: the input must fail to link.
    LinkError(String),
    /// A script command (`(assert_return ...)`, `(invoke ...)`) or a `:`
    /// command that must succeed.
    Input(String),
}

impl Check {
    /// Parses one check line; `Err` says what is wrong with it.
    ///
    /// # Errors
    /// An unknown kind of check, a `memory` check without an address or
    /// bytes or with a byte that is not two hex digits, a `link-error`
    /// without an input.
    pub fn parse(line: &str) -> Result<Check, String> {
        let line = line.trim();
        let (kind, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        match kind {
            "stack" => Ok(Check::Stack(
                rest.split_whitespace().map(str::to_string).collect(),
            )),
            "memory" => parse_memory(rest),
            "link-error" if rest.trim().is_empty() => {
                Err("link-error needs the input that must fail to link".to_string())
            }
            "link-error" => Ok(Check::LinkError(rest.trim().to_string())),
            _ if line.starts_with('(') || line.starts_with(':') => {
                Ok(Check::Input(line.to_string()))
            }
            _ => Err(format!(
                "`{line}` is not a check: a check is `stack TYPE:VALUE...`, \
                 `memory ADDR HEX...`, `link-error INPUT`, a script command `(...)` \
                 or a `:` command"
            )),
        }
    }
}

/// The operands of `memory ADDR HEX...`: an address, then bytes written as
/// two hex digits each.
fn parse_memory(spec: &str) -> Result<Check, String> {
    let mut words = spec.split_whitespace();
    let addr = words
        .next()
        .ok_or("memory check without an address: write `memory ADDR HEX...`")?;
    let addr = match crate::text::literal::parse_value(crate::vm::ValType::I64, addr) {
        Ok(crate::vm::Value::I64(a)) if a >= 0 => a as u64,
        _ => {
            return Err(format!(
                "memory check: `{addr}` is not an address (a number such as 8 or 0x100)"
            ));
        }
    };
    let bytes = words
        .map(|word| {
            if !word.chars().all(|c| c.is_ascii_hexdigit()) {
                Err(format!(
                    "memory check: `{word}` is not a byte in hex (like 0a)"
                ))
            } else if word.len() != 2 {
                Err(format!(
                    "memory check: `{word}` has {} hex digits, a byte has two (like 0a)",
                    word.len()
                ))
            } else {
                u8::from_str_radix(word, 16).map_err(|e| format!("memory check: `{word}`: {e}"))
            }
        })
        .collect::<Result<Vec<u8>, String>>()?;
    if bytes.is_empty() {
        return Err("memory check without bytes: write `memory ADDR HEX...`".to_string());
    }
    Ok(Check::Memory { addr, bytes })
}

/// A worked example: the transcript and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// Line of the opening fence (1-based).
    pub line: usize,
    /// The transcript text.
    pub transcript: String,
}

/// A mistake in a lesson file: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for LessonError {
    /// `LINE: MESSAGE`, for the caller to prefix with the file name.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

/// A parsed lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lesson {
    /// Title (the `# ` heading).
    pub title: String,
    /// Worked examples, in order.
    pub examples: Vec<Example>,
    /// Exercises, in order.
    pub exercises: Vec<Exercise>,
    /// Mistakes in the file (malformed checks, a check block outside an
    /// exercise, an exercise without checks, an unclosed block). A lesson
    /// with errors must not be offered: its checks are incomplete.
    pub errors: Vec<LessonError>,
}

/// Parses a lesson file; mistakes in it are collected in [`Lesson::errors`].
pub fn parse(text: &str) -> Lesson {
    let mut lesson = Lesson::default();
    let mut fence: Option<(String, usize, Vec<String>)> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some((kind, start, mut body)) = fence.take() {
            if line.trim_start().starts_with("```") {
                finish_block(&mut lesson, &kind, start, &body);
            } else {
                body.push(line.to_string());
                fence = Some((kind, start, body));
            }
            continue;
        }
        if let Some(kind) = line.trim_start().strip_prefix("```") {
            fence = Some((kind.trim().to_string(), i + 1, Vec::new()));
        } else if let Some(title) = line.strip_prefix("# ") {
            if lesson.title.is_empty() {
                lesson.title = title.trim().to_string();
            }
        } else if let Some(title) = line.strip_prefix("## Exercise:") {
            lesson.exercises.push(Exercise {
                title: title.trim().to_string(),
                line: i + 1,
                ..Exercise::default()
            });
        } else if let Some(hint) = line.trim_start().strip_prefix("> Hint:")
            && let Some(exercise) = lesson.exercises.last_mut()
        {
            exercise.hints.push(hint.trim().to_string());
        }
    }
    if let Some((kind, start, _)) = fence {
        lesson.errors.push(LessonError {
            line: start,
            message: format!("the ```{kind} block is not closed"),
        });
    }
    for exercise in &lesson.exercises {
        if exercise.checks.is_empty() {
            lesson.errors.push(LessonError {
                line: exercise.line,
                message: format!("exercise \"{}\" has no checks", exercise.title),
            });
        }
    }
    lesson.errors.sort_by_key(|e| e.line);
    lesson
}

fn finish_block(lesson: &mut Lesson, kind: &str, start: usize, body: &[String]) {
    let text = body.join("\n");
    match (kind, lesson.exercises.last_mut()) {
        ("watlab", _) => lesson.examples.push(Example {
            line: start,
            transcript: text + "\n",
        }),
        ("check", Some(e)) => {
            for (i, line) in body.iter().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match Check::parse(line) {
                    Ok(check) => e.checks.push(check),
                    Err(message) => lesson.errors.push(LessonError {
                        line: start + 1 + i,
                        message,
                    }),
                }
            }
        }
        ("check", None) => lesson.errors.push(LessonError {
            line: start,
            message: "a ```check block outside an exercise (under `## Exercise: ...`)".to_string(),
        }),
        ("solution", Some(e)) => e.solution = inputs(&text),
        ("mistake", Some(e)) => e.mistake = inputs(&text),
        _ => {}
    }
}

/// Splits text into complete inputs (multi-line forms stay together).
pub fn inputs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if lex::is_complete(&pending) {
            if !pending.trim().is_empty() {
                out.push(std::mem::take(&mut pending));
            }
            pending.clear();
        }
    }
    if !pending.trim().is_empty() {
        out.push(pending);
    }
    out
}

/// What an exercise's checks need from the learner's workbench: evaluating
/// inputs (WAT, script commands, and for a whole workbench its `:commands`)
/// and reading the session's state.
pub trait Learner {
    /// Evaluates one input.
    ///
    /// # Errors
    /// As the input fails.
    fn eval(&mut self, input: &str) -> Result<Vec<Reply>, SessionError>;

    /// The session the inputs built.
    fn session(&self) -> &Session;
}

impl Learner for Session {
    fn eval(&mut self, input: &str) -> Result<Vec<Reply>, SessionError> {
        Session::eval(self, input)
    }

    fn session(&self) -> &Session {
        self
    }
}

/// Runs an exercise's checks against a learner's workbench: `Ok` when all
/// pass, else what failed, precisely (expected versus actual).
pub fn check(learner: &mut impl Learner, exercise: &Exercise) -> Result<(), String> {
    for check in &exercise.checks {
        match check {
            Check::LinkError(input) => match learner.eval(input) {
                Err(e) if e.kind == crate::session::ErrorKind::Link => {}
                Err(e) => {
                    return Err(format!(
                        "{input}: expected a link error, got: {}",
                        e.message
                    ));
                }
                Ok(_) => return Err(format!("{input}: expected a link error, but it linked")),
            },
            Check::Memory { addr, bytes } => {
                let have = learner.session().memory0_bytes(*addr, bytes.len() as u64);
                if &have != bytes {
                    let hex = |b: &[u8]| {
                        b.iter()
                            .map(|x| format!("{x:02x}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    return Err(format!(
                        "memory at 0x{addr:x} should hold {}, it holds {}",
                        hex(bytes),
                        hex(&have)
                    ));
                }
            }
            Check::Stack(want) => {
                let have: Vec<String> = learner
                    .session()
                    .stack()
                    .iter()
                    .map(|v| v.to_string())
                    .collect();
                if want != &have {
                    return Err(format!(
                        "the stack should be [{}], it is [{}]",
                        want.join(" "),
                        have.join(" ")
                    ));
                }
            }
            Check::Input(input) => match learner.eval(input) {
                Ok(replies) if !replies.contains(&Reply::Quit) => {}
                Ok(_) => return Err(format!("{input}: not a check")),
                Err(e) => return Err(format!("{input}: {}", e.message)),
            },
        }
    }
    Ok(())
}

/// Runs `inputs` in `fresh` (a new workbench) and checks the exercise.
pub fn try_answer(
    exercise: &Exercise,
    inputs: &[String],
    mut fresh: impl Learner,
) -> Result<(), String> {
    for input in inputs {
        let _ = fresh.eval(input);
    }
    check(&mut fresh, exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# 1. Sample\n\nText.\n\n```watlab\nwat> i32.const 1\n```\n\n## Exercise: make 3\n\n```check\nstack i32:3\n```\n\n> Hint: add\n> Hint: 1 + 2\n\n```solution\ni32.const 1\ni32.const 2 i32.add\n```\n\n```mistake\ni32.const 1 i32.const 1 i32.add\n```\n";

    #[test]
    fn blocks_and_exercises_are_found() {
        let lesson = parse(SAMPLE);
        assert_eq!(lesson.title, "1. Sample");
        assert_eq!(lesson.examples.len(), 1);
        assert_eq!(lesson.examples[0].line, 5);
        let e = &lesson.exercises[0];
        assert_eq!(e.title, "make 3");
        assert_eq!(e.hints, vec!["add", "1 + 2"]);
        assert_eq!(e.solution, vec!["i32.const 1", "i32.const 2 i32.add"]);
        assert_eq!(try_answer(e, &e.solution, Session::new()), Ok(()));
        assert_eq!(
            try_answer(e, &e.mistake, Session::new()),
            Err("the stack should be [i32:3], it is [i32:2]".into())
        );
    }

    /// A lesson with one exercise whose check block is `checks`; the first
    /// check line is line 6 of the file.
    fn with_checks(checks: &str) -> Lesson {
        parse(&format!(
            "# T\n\n## Exercise: e\n\n```check\n{checks}\n```\n\n```solution\ni32.const 1\n```\n"
        ))
    }

    #[test]
    fn malformed_check_lines_are_errors_of_the_lesson_naming_their_line() {
        let cases = [
            ("memory 0 zz", "`zz` is not a byte in hex"),
            ("memory 0 00 zz 01", "`zz` is not a byte in hex"),
            ("memory 0 4", "`4` has 1 hex digits, a byte has two"),
            ("memory 0 0403", "`0403` has 4 hex digits, a byte has two"),
            ("memory", "memory check without an address"),
            ("memory 0", "memory check without bytes"),
            ("memory zz 00", "`zz` is not an address"),
            ("memory -1 00", "`-1` is not an address"),
            ("link-error", "link-error needs the input"),
            ("memroy 0 00", "`memroy 0 00` is not a check"),
            ("i32.const 1", "`i32.const 1` is not a check"),
            ("stacks i32:1", "`stacks i32:1` is not a check"),
        ];
        for (line, want) in cases {
            let lesson = with_checks(&format!("stack i32:1\n{line}"));
            let first = lesson.errors.first();
            assert!(
                first.is_some_and(|e| e.line == 7 && e.message.contains(want)),
                "{line}: expected an error at line 7 containing {want:?}, got {:?}",
                lesson.errors
            );
            assert_eq!(lesson.errors.len(), 1, "{line}: {:?}", lesson.errors);
            assert_eq!(
                lesson.exercises[0].checks,
                vec![Check::Stack(vec!["i32:1".into()])],
                "{line}: the malformed line is not a check"
            );
        }
    }

    #[test]
    fn well_formed_check_lines_parse_to_their_checks() {
        let lesson = with_checks(
            "stack\nstack i32:1 i64:-2\nmemory 0x10 0a FF\nlink-error (func (import \"a\" \"b\"))\n  (invoke \"f\")\n:run 3",
        );
        assert_eq!(lesson.errors, vec![]);
        assert_eq!(
            lesson.exercises[0].checks,
            vec![
                Check::Stack(vec![]),
                Check::Stack(vec!["i32:1".into(), "i64:-2".into()]),
                Check::Memory {
                    addr: 16,
                    bytes: vec![0x0a, 0xff]
                },
                Check::LinkError("(func (import \"a\" \"b\"))".into()),
                Check::Input("(invoke \"f\")".into()),
                Check::Input(":run 3".into()),
            ]
        );
    }

    #[test]
    fn a_memory_check_compares_the_bytes_it_names() {
        let lesson = with_checks("memory 8 2a 00");
        let e = &lesson.exercises[0];
        let mut session = Session::new();
        for input in ["(memory 1)", "(data (i32.const 8) \"*\")"] {
            session.eval(input).expect(input);
        }
        assert_eq!(check(&mut session, e), Ok(()));
        session
            .eval("(data (i32.const 9) \"*\")")
            .expect("a second segment");
        assert_eq!(
            check(&mut session, e),
            Err("memory at 0x8 should hold 2a 00, it holds 2a 2a".into())
        );
    }

    #[test]
    fn checks_outside_exercises_exercises_without_checks_and_open_blocks_are_errors() {
        let lesson = parse("# T\n```check\nstack\n```\n## Exercise: e\n\n```watlab\nwat> 1\n");
        let errors: Vec<String> = lesson.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errors,
            vec![
                "2: a ```check block outside an exercise (under `## Exercise: ...`)",
                "5: exercise \"e\" has no checks",
                "7: the ```watlab block is not closed",
            ]
        );
        assert_eq!(parse(SAMPLE).errors, vec![]);
    }
}

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
//!   (a common wrong answer, shown to the reader too), and hint lines
//!   revealed one at a time: `> Hint: TEXT` is a general hint, and
//!   `> Hint [N]: TEXT` helps with the exercise's check number N (its
//!   non-empty check lines counted from 1 in file order). After a failed
//!   `:check`, `:hint` reveals the first hint for the first failing check,
//!   else the next general one ([`hints::next_hint`]); a tag naming a check
//!   the exercise does not have is an error in the file.
//!
//! [`check`] runs an exercise's checks and reports each one as data
//! ([`CheckReport`]): expected, actual, and where (the function called and
//! its arguments, the global, the bytes of memory, the stack).

pub mod files;
pub mod guided;
pub mod hints;
mod locate;
pub mod progress;

use crate::session::memory_rows::spaced_hex as hex;
use crate::session::{
    CheckFailure, CheckPlace, CheckReport, CheckResult, Reply, Session, SessionError,
};
pub use hints::Hint;

/// An exercise of a lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exercise {
    /// Its title (after `## Exercise:`).
    pub title: String,
    /// Line of the heading in the file (1-based).
    pub line: usize,
    /// Checks, one per line of its ```` ```check ```` blocks.
    pub checks: Vec<Check>,
    /// Hints, in the order the lesson writes them.
    pub hints: Vec<Hint>,
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
        } else if let Some(hint) = hints::parse_line(line)
            && let Some(exercise) = lesson.exercises.last_mut()
        {
            match hint {
                Ok((check, text)) => exercise.hints.push(Hint {
                    check,
                    text,
                    line: i + 1,
                }),
                Err(message) => lesson.errors.push(LessonError {
                    line: i + 1,
                    message,
                }),
            }
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
        for hint in &exercise.hints {
            if let Some(n) = hint.check.filter(|n| *n > exercise.checks.len()) {
                lesson.errors.push(LessonError {
                    line: hint.line,
                    message: format!(
                        "hint tag [{n}]: exercise \"{}\" has {} check(s), so there is no check {n}",
                        exercise.title,
                        exercise.checks.len()
                    ),
                });
            }
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

/// Splits text into complete inputs (multi-line forms stay together;
/// inputs that are only comments are left out).
pub fn inputs(text: &str) -> Vec<String> {
    files::inputs_at(text)
        .into_iter()
        .map(|(_, input)| input.to_string())
        .collect()
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

/// Runs every check of an exercise against a learner's workbench and
/// reports each: passed, or what was expected, what was found and where.
pub fn check(learner: &mut impl Learner, exercise: &Exercise) -> CheckReport {
    let results = exercise
        .checks
        .iter()
        .enumerate()
        .map(|(i, check)| CheckResult {
            number: i + 1,
            check: check.to_string(),
            failure: run_check(learner, check).err().map(|f| *f),
        })
        .collect();
    CheckReport {
        exercise: exercise.title.clone(),
        results,
    }
}

/// Runs one check: `Err` says how it failed.
fn run_check(learner: &mut impl Learner, check: &Check) -> Result<(), Box<CheckFailure>> {
    let fail = |message: String, place: CheckPlace| {
        Err(Box::new(CheckFailure {
            message,
            place,
            spot: None,
        }))
    };
    match check {
        Check::LinkError(input) => match learner.eval(input) {
            Err(e) if e.kind == crate::session::ErrorKind::Link => Ok(()),
            Err(e) => fail(
                format!("expected a link error, got: {}", e.message),
                CheckPlace::Input,
            ),
            Ok(_) => fail(
                "expected a link error, but it linked".to_string(),
                CheckPlace::Input,
            ),
        },
        Check::Memory { addr, bytes } => {
            let have = learner.session().memory0_bytes(*addr, bytes.len() as u64);
            if &have == bytes {
                return Ok(());
            }
            let found = if learner.session().memory0_bytes(0, 1).is_empty() {
                "but the session module has no memory".to_string()
            } else if have.len() < bytes.len() {
                format!("it holds [{}] and then the memory ends", hex(&have))
            } else {
                format!("it holds {}", hex(&have))
            };
            fail(
                format!("memory at 0x{addr:x} should hold {}, {found}", hex(bytes)),
                CheckPlace::Memory {
                    addr: *addr,
                    expected: bytes.clone(),
                    actual: have,
                },
            )
        }
        Check::Stack(want) => {
            let have: Vec<String> = learner
                .session()
                .stack()
                .iter()
                .map(|v| v.to_string())
                .collect();
            if want == &have {
                return Ok(());
            }
            // Values left from earlier tries: say how to start afresh.
            let leftover = if have.len() > want.len() {
                " (:clear empties the stack)"
            } else {
                ""
            };
            fail(
                format!(
                    "the stack should be [{}], it is [{}]{leftover}",
                    want.join(" "),
                    have.join(" ")
                ),
                CheckPlace::Stack {
                    expected: want.clone(),
                    actual: have,
                },
            )
        }
        Check::Input(input) => {
            let outcome = learner.eval(input);
            let place = || locate::locate(input, learner.session());
            match outcome {
                Ok(replies) if !replies.contains(&Reply::Quit) => Ok(()),
                Ok(_) => fail("not a check".to_string(), CheckPlace::Input),
                // The message, then the trap's instruction marked in the
                // learner's text, then the notes: as the prompt shows it.
                Err(e) => Err(Box::new(CheckFailure {
                    message: std::iter::once(e.message)
                        .chain(e.notes)
                        .collect::<Vec<_>>()
                        .join("\n"),
                    place: place(),
                    spot: e.spot,
                })),
            }
        }
    }
}

impl std::fmt::Display for Check {
    /// The check as a lesson writes it (`stack i32:3`, `memory 8 2a 00`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Check::Stack(values) if values.is_empty() => f.write_str("stack"),
            Check::Stack(values) => write!(f, "stack {}", values.join(" ")),
            Check::Memory { addr, bytes } => write!(f, "memory {addr} {}", hex(bytes)),
            Check::LinkError(input) => write!(f, "link-error {input}"),
            Check::Input(input) => f.write_str(input),
        }
    }
}

/// The first failed check of `report` in one line, naming it:
/// `check 2 (stack i32:3): the stack should be [i32:3], it is [i32:2]`.
pub fn first_failure(report: &CheckReport) -> Option<String> {
    let result = report.first_failure()?;
    let failure = result.failure.as_ref()?;
    Some(format!(
        "check {} ({}): {}",
        result.number, result.check, failure.message
    ))
}

/// Runs `inputs` in `fresh` (a new workbench) and checks the exercise:
/// `Err` names the first check that fails and how.
pub fn try_answer(
    exercise: &Exercise,
    inputs: &[String],
    mut fresh: impl Learner,
) -> Result<(), String> {
    for input in inputs {
        let _ = fresh.eval(input);
    }
    first_failure(&check(&mut fresh, exercise)).map_or(Ok(()), Err)
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
        let hints: Vec<&str> = e.hints.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(hints, ["add", "1 + 2"]);
        assert_eq!((e.hints[0].line, e.hints[0].check), (15, None));
        assert_eq!(e.solution, vec!["i32.const 1", "i32.const 2 i32.add"]);
        assert_eq!(try_answer(e, &e.solution, Session::new()), Ok(()));
        assert_eq!(
            try_answer(e, &e.mistake, Session::new()),
            Err("check 1 (stack i32:3): the stack should be [i32:3], it is [i32:2]".into())
        );
        // A value left from an earlier try: the message says how to start afresh.
        let leftover = ["i32.const 13", "i32.const 1 i32.const 2 i32.add"].map(String::from);
        assert_eq!(
            try_answer(e, &leftover, Session::new()),
            Err("check 1 (stack i32:3): the stack should be [i32:3], it is [i32:13 i32:3] (:clear empties the stack)".into())
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
        assert!(check(&mut session, e).passed());
        session
            .eval("(data (i32.const 9) \"*\")")
            .expect("a second segment");
        let report = check(&mut session, e);
        assert_eq!(
            report.results[0].failure,
            Some(CheckFailure {
                spot: None,
                message: "memory at 0x8 should hold 2a 00, it holds 2a 2a".into(),
                place: CheckPlace::Memory {
                    addr: 8,
                    expected: vec![0x2a, 0],
                    actual: vec![0x2a, 0x2a]
                }
            })
        );
    }

    #[test]
    fn every_check_is_reported_with_where_it_failed() {
        let lesson = with_checks(
            "(invoke \"set\")\n(assert_return (invoke \"avg\" (i32.const 10) (i32.const 20)) (i32.const 15))\nstack i32:1\n:nosuchcommand",
        );
        let e = &lesson.exercises[0];
        let mut session = Session::new();
        for input in [
            "(func $set (export \"set\"))",
            "(func $avg (export \"avg\") (param i32 i32) (result i32) (local.get 0))",
            "i32.const 1",
        ] {
            session.eval(input).expect(input);
        }
        let report = check(&mut session, e);
        assert_eq!(report.exercise, "e");
        let failed: Vec<(usize, &str, bool)> = report
            .results
            .iter()
            .map(|r| (r.number, r.check.as_str(), r.failure.is_some()))
            .collect();
        assert_eq!(
            failed,
            [
                (1, "(invoke \"set\")", false),
                (
                    2,
                    "(assert_return (invoke \"avg\" (i32.const 10) (i32.const 20)) (i32.const 15))",
                    true
                ),
                (3, "stack i32:1", false),
                (4, ":nosuchcommand", true),
            ]
        );
        assert_eq!((report.failures(), report.passed()), (2, false));
        assert_eq!(
            report.results[1].failure,
            Some(CheckFailure {
                spot: None,
                message: "assertion failed: expected [i32:15], got [i32:10]".into(),
                place: CheckPlace::Call {
                    module: None,
                    export: "avg".into(),
                    func: Some("$avg".into()),
                    args: vec!["(i32.const 10)".into(), "(i32.const 20)".into()],
                }
            })
        );
        assert_eq!(
            first_failure(&report).as_deref(),
            Some(
                "check 2 ((assert_return (invoke \"avg\" (i32.const 10) (i32.const 20)) \
                 (i32.const 15))): assertion failed: expected [i32:15], got [i32:10]"
            )
        );
    }

    #[test]
    fn hint_tags_name_checks_the_exercise_has() {
        let lesson = parse(
            "# T\n## Exercise: e\n```check\nstack\n\nstack\n```\n> Hint [2]: ok\n> Hint [3]: no\n> Hint [z]: bad\n",
        );
        let errors: Vec<String> = lesson.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errors,
            [
                "9: hint tag [3]: exercise \"e\" has 2 check(s), so there is no check 3",
                "10: hint tag `[z]` is not a check number: write `> Hint [N]: TEXT` with N from 1, \
                 the exercise's check lines counted in order",
            ]
        );
        assert_eq!(lesson.exercises[0].hints[0].check, Some(2));
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

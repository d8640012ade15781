//! Lessons: Markdown files in `lessons/` that read well on their own and
//! that `cargo test` replays, so text and behaviour cannot drift apart.
//!
//! A lesson is ordinary Markdown plus fenced blocks with a meaning:
//! - ```` ```watlab ```` a worked example: a transcript (`wat> ` inputs and
//!   the output they produce), replayed in order in one session per lesson;
//! - under a `## Exercise: ...` heading, ```` ```check ```` lines the
//!   learner's session must pass (`(assert_return ...)`, `(assert_trap ...)`,
//!   `stack TYPE:VALUE...` for the scratch stack, `memory ADDR HEX...` for
//!   bytes of memory 0, `link-error INPUT` for an input that must not link), ```` ```solution ````
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
    /// Checks, one per line.
    pub checks: Vec<String>,
    /// Hints, in the order they are revealed.
    pub hints: Vec<String>,
    /// Inputs of the solution.
    pub solution: Vec<String>,
    /// Inputs of a common wrong answer.
    pub mistake: Vec<String>,
}

/// A worked example: the transcript and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// Line of the opening fence (1-based).
    pub line: usize,
    /// The transcript text.
    pub transcript: String,
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
}

/// Parses a lesson file.
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
            e.checks = body
                .iter()
                .filter(|l| !l.trim().is_empty())
                .cloned()
                .collect()
        }
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
        if let Some(input) = check.trim().strip_prefix("link-error ") {
            match learner.eval(input) {
                Err(e) if e.kind == crate::session::ErrorKind::Link => continue,
                Err(e) => {
                    return Err(format!(
                        "{input}: expected a link error, got: {}",
                        e.message
                    ));
                }
                Ok(_) => return Err(format!("{input}: expected a link error, but it linked")),
            }
        }
        if let Some(spec) = check.trim().strip_prefix("memory ") {
            let mut words = spec.split_whitespace();
            let addr = words
                .next()
                .and_then(|a| crate::text::literal::parse_value(crate::vm::ValType::I64, a).ok());
            let want: Vec<u8> = words
                .filter_map(|b| u8::from_str_radix(b, 16).ok())
                .collect();
            let addr = addr
                .map(|a| a.to_slot())
                .ok_or_else(|| format!("{check}: malformed memory check"))?;
            let have = learner.session().memory0_bytes(addr, want.len() as u64);
            if have != want {
                let hex = |b: &[u8]| {
                    b.iter()
                        .map(|x| format!("{x:02x}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                return Err(format!(
                    "memory at 0x{addr:x} should hold {}, it holds {}",
                    hex(&want),
                    hex(&have)
                ));
            }
            continue;
        }
        if let Some(want) = check.trim().strip_prefix("stack") {
            let want: Vec<&str> = want.split_whitespace().collect();
            let have: Vec<String> = learner
                .session()
                .stack()
                .iter()
                .map(|v| v.to_string())
                .collect();
            if want != have {
                return Err(format!(
                    "the stack should be [{}], it is [{}]",
                    want.join(" "),
                    have.join(" ")
                ));
            }
            continue;
        }
        match learner.eval(check) {
            Ok(replies) if !replies.contains(&Reply::Quit) => {}
            Ok(_) => return Err(format!("{check}: not a check")),
            Err(e) => return Err(format!("{}: {}", check.trim(), e.message)),
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
}

//! Lessons are tested: every worked example (```watlab blocks) is replayed in
//! one workbench per lesson, opened with `:lesson N` and moved on with
//! `:next` at each section, as a learner sees it (each section begins with an
//! empty scratch stack), and must print what the lesson shows; every
//! exercise's solution must pass its checks and its "mistake" must fail them
//! with a message. `WATLAB_BLESS=1 cargo test --test lessons` rewrites the
//! examples' output from the current behaviour (review the diff).

use std::path::{Path, PathBuf};
use watlab::commands::Workbench;
use watlab::lesson::guided::{LESSONS, sections};
use watlab::lesson::{self, Lesson};
use watlab::transcript::{CONTINUATION, PROMPT, parse, render_outcome};

fn lesson_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("lessons directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "README.md")
        })
        .collect();
    files.sort();
    files
}

/// Replays one example block in `session`; returns the text it should have.
fn replay(session: &mut Workbench, transcript: &str) -> String {
    let mut out = String::new();
    for entry in parse(transcript).entries {
        for (i, line) in entry.input.iter().enumerate() {
            let prompt = if i == 0 { PROMPT } else { CONTINUATION };
            out.push_str(format!("{prompt}{line}").trim_end());
            out.push('\n');
        }
        let outcome = session.eval(&entry.input.join("\n"));
        for line in render_outcome(&outcome, session).lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Runs a lesson command that must succeed (`:lesson N`, `:next`).
fn open(session: &mut Workbench, command: &str) {
    if let Err(error) = session.eval(command) {
        panic!("{command}: {}", error.message);
    }
}

#[test]
fn every_lesson_file_parses_without_errors() {
    let mut errors = Vec::new();
    let files = lesson_files();
    assert!(files.len() >= 14, "the lessons are found: {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable lesson");
        for error in lesson::parse(&text).errors {
            errors.push(format!("{}:{error}", file.display()));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn worked_examples_print_what_the_lessons_show() {
    let bless = std::env::var_os("WATLAB_BLESS").is_some();
    let mut problems = Vec::new();
    for file in lesson_files() {
        let text = std::fs::read_to_string(&file).expect("readable lesson");
        let lesson: Lesson = lesson::parse(&text);
        assert!(!lesson.title.is_empty(), "{}: no title", file.display());
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let number = 1 + LESSONS
            .iter()
            .position(|(built_in, _)| *built_in == name)
            .expect("a built-in lesson");
        // The section of each example, in order: the workbench's own split.
        let section_of: Vec<usize> = sections(&text)
            .iter()
            .enumerate()
            .flat_map(|(i, s)| std::iter::repeat_n(i, lesson::parse(&s.text).examples.len()))
            .collect();
        assert_eq!(section_of.len(), lesson.examples.len(), "{name}");
        let mut session = Workbench::new(None);
        open(&mut session, &format!(":lesson {number}"));
        let mut section = 0;
        let mut fixed = text.clone();
        for (example, &at) in lesson.examples.iter().zip(&section_of) {
            while section < at {
                open(&mut session, ":next");
                section += 1;
            }
            let actual = replay(&mut session, &example.transcript);
            if actual != example.transcript {
                if bless {
                    fixed = fixed.replacen(&example.transcript, &actual, 1);
                } else {
                    problems.push(format!(
                        "{}:{}: the example prints\n{actual}\nbut the lesson shows\n{}",
                        file.display(),
                        example.line,
                        example.transcript
                    ));
                }
            }
        }
        if bless && fixed != text {
            std::fs::write(&file, fixed).expect("write lesson");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check a failure names: "check N (THE CHECK): ...".
fn failing_check(message: &str) -> Option<usize> {
    let (n, _) = message.strip_prefix("check ")?.split_once(" (")?;
    n.parse::<usize>().ok().filter(|n| *n >= 1)
}

#[test]
fn every_exercise_has_a_passing_solution_and_a_failing_mistake() {
    let (mut count, mut helped) = (0, 0);
    for file in lesson_files() {
        let text = std::fs::read_to_string(&file).expect("readable lesson");
        for exercise in lesson::parse(&text).exercises {
            let at = format!("{}:{} ({})", file.display(), exercise.line, exercise.title);
            assert!(!exercise.checks.is_empty(), "{at}: no checks");
            assert!(!exercise.hints.is_empty(), "{at}: no hints");
            assert_eq!(
                lesson::try_answer(&exercise, &exercise.solution, Workbench::new(None)),
                Ok(()),
                "{at}: the solution fails"
            );
            let wrong = lesson::try_answer(&exercise, &exercise.mistake, Workbench::new(None));
            if let Err(m) = &wrong
                && let Some(n) = failing_check(m)
                && exercise.hints.iter().any(|h| h.check == Some(n))
            {
                helped += 1;
            }
            assert!(
                matches!(&wrong, Err(m) if failing_check(m).is_some()),
                "{at}: the mistake passes or fails without naming its check: {wrong:?}"
            );
            count += 1;
        }
    }
    assert!(
        count >= 50,
        "the course has at least 50 exercises, not {count}"
    );
    // After the common mistake fails check N, `:hint` starts with a hint
    // written for check N in most exercises (issue 11).
    assert!(
        helped >= 25,
        "only {helped} mistakes get a hint for the check they fail"
    );
    assert!(
        lesson_files().len() >= 24,
        "the course has at least 24 lessons"
    );
}

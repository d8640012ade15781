//! Guided mode: a lesson inside the workbench, a section at a time, with
//! `:check`, `:hint`, `:solution`, `:next` and `:prev`, and progress kept in
//! the user's data directory.

use super::hints::{HintState, is_hint_line};
use super::{Exercise, check, parse};
use crate::session::CheckReport;

/// The lessons, built into the binary so `watlab lesson` works anywhere.
pub const LESSONS: &[(&str, &str)] = &[
    (
        "01-stack-machine.md",
        include_str!("../../lessons/01-stack-machine.md"),
    ),
    ("02-locals.md", include_str!("../../lessons/02-locals.md")),
    (
        "03-functions.md",
        include_str!("../../lessons/03-functions.md"),
    ),
    ("04-globals.md", include_str!("../../lessons/04-globals.md")),
    (
        "05-control-flow.md",
        include_str!("../../lessons/05-control-flow.md"),
    ),
    (
        "06-linear-memory.md",
        include_str!("../../lessons/06-linear-memory.md"),
    ),
    (
        "07-data-and-strings.md",
        include_str!("../../lessons/07-data-and-strings.md"),
    ),
    (
        "08-growing-memory.md",
        include_str!("../../lessons/08-growing-memory.md"),
    ),
    (
        "09-host-imports.md",
        include_str!("../../lessons/09-host-imports.md"),
    ),
    (
        "10-host-memory.md",
        include_str!("../../lessons/10-host-memory.md"),
    ),
    (
        "11-results-to-the-host.md",
        include_str!("../../lessons/11-results-to-the-host.md"),
    ),
    (
        "12-one-memory-several-instances.md",
        include_str!("../../lessons/12-one-memory-several-instances.md"),
    ),
    (
        "13-shared-memory-and-threads.md",
        include_str!("../../lessons/13-shared-memory-and-threads.md"),
    ),
    (
        "14-memory-safety.md",
        include_str!("../../lessons/14-memory-safety.md"),
    ),
    (
        "15-tables-and-call-indirect.md",
        include_str!("../../lessons/15-tables-and-call-indirect.md"),
    ),
    (
        "16-bulk-memory.md",
        include_str!("../../lessons/16-bulk-memory.md"),
    ),
    (
        "17-multi-value.md",
        include_str!("../../lessons/17-multi-value.md"),
    ),
    (
        "18-reference-types.md",
        include_str!("../../lessons/18-reference-types.md"),
    ),
    (
        "19-allocator.md",
        include_str!("../../lessons/19-allocator.md"),
    ),
    (
        "20-utf8-strings.md",
        include_str!("../../lessons/20-utf8-strings.md"),
    ),
    (
        "21-debugging.md",
        include_str!("../../lessons/21-debugging.md"),
    ),
    (
        "22-what-a-trap-keeps.md",
        include_str!("../../lessons/22-what-a-trap-keeps.md"),
    ),
    ("23-numbers.md", include_str!("../../lessons/23-numbers.md")),
    (
        "24-recursion.md",
        include_str!("../../lessons/24-recursion.md"),
    ),
    (
        "25-simd-basics.md",
        include_str!("../../lessons/25-simd-basics.md"),
    ),
    (
        "26-tail-calls.md",
        include_str!("../../lessons/26-tail-calls.md"),
    ),
    (
        "27-several-memories.md",
        include_str!("../../lessons/27-several-memories.md"),
    ),
    (
        "28-exceptions.md",
        include_str!("../../lessons/28-exceptions.md"),
    ),
];

/// One screen of a lesson: text up to the next `## ` heading, and the
/// exercise it holds, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The text, without the solution and the hints.
    pub text: String,
    /// The exercise of this section.
    pub exercise: Option<Exercise>,
}

/// Splits a lesson file into sections.
pub fn sections(text: &str) -> Vec<Section> {
    let mut chunks: Vec<String> = vec![String::new()];
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence
            && line.starts_with("## ")
            && !chunks.last().is_some_and(|c| c.trim().is_empty())
        {
            chunks.push(String::new());
        }
        if let Some(chunk) = chunks.last_mut() {
            chunk.push_str(line);
            chunk.push('\n');
        }
    }
    chunks
        .into_iter()
        .map(|chunk| Section {
            text: shown_text(&chunk),
            exercise: parse(&chunk).exercises.into_iter().next(),
        })
        .collect()
}

/// The text a learner sees: without the blocks meant for the machine or for
/// later (```` ```check ````, ```` ```solution ````, ```` ```mistake ````), without hint
/// lines, and without the blank lines they leave behind.
fn shown_text(chunk: &str) -> String {
    const HIDDEN: [&str; 3] = ["check", "solution", "mistake"];
    let mut out: Vec<&str> = Vec::new();
    let mut hidden = false;
    let mut ended: Vec<usize> = Vec::new();
    for line in chunk.lines() {
        if let Some(kind) = line.trim_start().strip_prefix("```") {
            if hidden {
                hidden = false;
                continue;
            }
            if HIDDEN.contains(&kind.trim()) {
                hidden = true;
                let last = out.iter().rposition(|l| !l.trim().is_empty());
                if kind.trim() == "mistake" && last.is_some_and(|i| out[i].ends_with(':')) {
                    // The paragraph introducing a wrong answer goes with it.
                    out.truncate(last.map_or(0, |i| i + 1));
                    while out.last().is_some_and(|l| !l.trim().is_empty()) {
                        out.pop();
                    }
                } else if let Some(last) = last {
                    // A sentence that introduced the hidden block ends here instead.
                    ended.push(last);
                }
                continue;
            }
        }
        let blank_again = line.trim().is_empty() && out.last().is_some_and(|l| l.trim().is_empty());
        if hidden || is_hint_line(line) || blank_again {
            continue;
        }
        out.push(line);
    }
    let mut text = String::new();
    for (i, line) in out.iter().enumerate() {
        match line.strip_suffix(':') {
            Some(sentence) if ended.contains(&i) => {
                text.push_str(sentence);
                text.push('.');
            }
            _ => text.push_str(line),
        }
        text.push('\n');
    }
    text.trim_end().to_string() + "\n"
}

/// Where a learner is in a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guide {
    /// Index into [`LESSONS`].
    pub lesson: usize,
    /// The lesson's sections.
    pub sections: Vec<Section>,
    /// The section shown.
    pub current: usize,
    /// Hints revealed for the current section's exercise, and the check
    /// that failed first at its last `:check`.
    pub hints: HintState,
}

impl Guide {
    /// Lesson `number` (1-based), at its first section.
    ///
    /// # Errors
    /// No such lesson, or mistakes in its file (`lessons/FILE:LINE: ...`).
    pub fn start(number: usize) -> Result<Guide, String> {
        let index = number
            .checked_sub(1)
            .filter(|i| *i < LESSONS.len())
            .ok_or_else(|| {
                format!(
                    "there is no lesson {number}: the lessons are 1 to {} (:lesson lists them)",
                    LESSONS.len()
                )
            })?;
        let (file, text) = LESSONS[index];
        let errors = parse(text).errors;
        if !errors.is_empty() {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("lessons/{file}:{e}"))
                .collect();
            return Err(lines.join("\n"));
        }
        Ok(Guide {
            lesson: index,
            sections: sections(text),
            current: 0,
            hints: HintState::default(),
        })
    }

    /// The current section's text, as Markdown (the view lays it out).
    pub fn show(&self) -> String {
        self.section().text.clone()
    }

    /// Where the learner is and what they can do next:
    /// `[lesson 1, section 2 of 3: :next, :prev, :check, :hint, :solution]`.
    pub fn place(&self) -> String {
        format!(
            "[lesson {}, section {} of {}: :next, :prev{}]",
            self.lesson + 1,
            self.current + 1,
            self.sections.len(),
            if self.section().exercise.is_some() {
                ", :check, :hint, :solution"
            } else {
                ""
            }
        )
    }

    fn section(&self) -> &Section {
        &self.sections[self.current.min(self.sections.len().saturating_sub(1))]
    }

    /// Where to go once the current section's exercise passes: the next
    /// section, or the next lesson after the last one.
    pub fn after_passing(&self) -> String {
        let (next, total) = (self.current + 2, self.sections.len());
        if next <= total {
            format!(":next goes on to section {next} of {total}")
        } else if self.lesson + 1 < LESSONS.len() {
            format!(
                "that was this lesson's last section: :lesson {} opens the next one",
                self.lesson + 2
            )
        } else {
            "that was the last section of the last lesson".to_string()
        }
    }

    /// Moves by `delta` sections; `None` at either end.
    pub fn advance(&mut self, delta: isize) -> Option<String> {
        let next = self
            .current
            .checked_add_signed(delta)
            .filter(|n| *n < self.sections.len())?;
        self.current = next;
        self.hints = HintState::default();
        Some(self.show())
    }

    fn exercise(&self) -> Result<&Exercise, String> {
        self.sections[self.current]
            .exercise
            .as_ref()
            .ok_or_else(|| "this section has no exercise: :next goes on".to_string())
    }

    /// The next hint of the current exercise: after a failed `:check`, the
    /// first one for the first failing check.
    ///
    /// # Errors
    /// No exercise here, or it has no hints.
    pub fn hint(&mut self) -> Result<String, String> {
        let hints = self.exercise()?.hints.clone();
        self.hints.reveal(&hints, ":solution shows an answer")
    }

    /// The solution of the current exercise, as Markdown (a WAT code block).
    pub fn solution(&self) -> Result<String, String> {
        Ok(format!(
            "A solution:\n\n```wat\n{}\n```\n",
            self.exercise()?.solution.join("\n")
        ))
    }

    /// Checks the learner's session against the current exercise, and
    /// remembers the first failing check for [`Guide::hint`].
    ///
    /// # Errors
    /// This section has no exercise.
    pub fn check(&mut self, learner: &mut impl super::Learner) -> Result<CheckReport, String> {
        let exercise = self.exercise()?.clone();
        let report = check(learner, &exercise);
        self.hints.failing = report.first_failure().map(|r| r.number);
        Ok(report)
    }

    /// What `:next` says after the last section: the lesson is complete,
    /// and which comes next.
    pub fn completed(&self) -> String {
        let number = self.lesson + 1;
        if number < LESSONS.len() {
            format!(
                "lesson {number} is complete: :lesson {} starts the next one (:lesson lists them all)",
                number + 1
            )
        } else {
            format!("lesson {number} is complete, and it is the last one: :lesson lists them all")
        }
    }

    /// The name of the lesson file.
    pub fn file(&self) -> &'static str {
        LESSONS[self.lesson].0
    }
}

/// The lessons with their titles, and how many of their exercises are done
/// according to `progress` (lines `FILE: EXERCISE`).
pub fn listing(progress: &str) -> String {
    let mut rows = String::new();
    let (mut done_all, mut total_all) = (0, 0);
    let mut next: Option<(usize, String)> = None;
    for (i, (file, body)) in LESSONS.iter().enumerate() {
        let lesson = parse(body);
        let done = lesson
            .exercises
            .iter()
            .filter(|e| super::progress::is_done(progress, file, &e.title))
            .count();
        let total = lesson.exercises.len();
        // Inline code shows without its backticks (`externref`).
        let title = lesson
            .title
            .split_once(". ")
            .map_or(lesson.title.as_str(), |(_, t)| t)
            .replace('`', "");
        if done < total && next.is_none() {
            next = Some((i + 1, title.clone()));
        }
        done_all += done;
        total_all += total;
        // The count comes first so a narrow terminal wraps only long titles.
        let mark = if done == total { "  (done)" } else { "" };
        rows.push_str(&format!("  {:>2}. {done}/{total}  {title}{mark}\n", i + 1));
    }
    let mut text = format!(
        "progress: {} {done_all} of {total_all} exercises",
        super::progress::bar(done_all, total_all)
    );
    match next {
        Some((n, title)) => text.push_str(&format!(
            "\nnext: lesson {n}, {title} (watlab lesson {n}, or :lesson {n} in the workbench)\n"
        )),
        None => text.push_str(", every one done\n"),
    }
    text.push_str("lessons (exercises done/total):\n");
    text.push_str(&rows);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_shows_progress_and_the_next_lesson() {
        let (file, body) = LESSONS[0];
        let lesson = parse(body);
        let progress: String = lesson
            .exercises
            .iter()
            .map(|e| format!("{file}: {}\n", e.title))
            .collect();
        let text = listing(&progress);
        assert!(text.starts_with("progress: ["), "{text}");
        assert!(text.contains("next: lesson 2,"), "{text}");
        assert!(
            text.contains(" 1. 3/3  The stack machine  (done)\n"),
            "{text}"
        );
        assert!(text.contains(" 2. 0/2  Locals and parameters\n"), "{text}");
        assert!(text.contains("\n  10. "), "{text}");
        assert!(text.contains("\nnext: lesson 2, Locals"), "{text}");
        assert!(
            text.contains("18. 0/2  Reference types and externref\n"),
            "{text}"
        );
    }

    #[test]
    fn exercises_show_neither_their_checks_nor_their_answers() {
        let text = "## Exercise: x\n\nDo it.\n\n```check\nstack i32:3\n```\n\n> Hint: add\n\n```solution\ni32.const 3\n```\n\nAdding instead:\n\n```mistake\ni32.const 4\n```\n\nAfter.\n";
        assert_eq!(
            shown_text(text),
            "## Exercise: x\n\nDo it.\n\nAfter.\n",
            "the paragraph introducing the mistake is hidden with it"
        );
    }

    #[test]
    fn every_lesson_file_is_built_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("lessons directory")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".md") && n != "README.md")
            .collect();
        files.sort();
        let built_in: Vec<&str> = LESSONS.iter().map(|(f, _)| *f).collect();
        assert_eq!(files, built_in, "list new lessons in LESSONS");
    }

    #[test]
    fn sections_hide_solutions_and_hints_and_reveal_them_on_request() {
        let mut guide = Guide::start(1).expect("lesson 1");
        assert!(guide.sections.len() >= 3);
        let exercise_at = guide
            .sections
            .iter()
            .position(|s| s.exercise.is_some())
            .expect("an exercise");
        guide.current = exercise_at;
        let shown = guide.show();
        assert!(
            !shown.contains("> Hint:") && !shown.contains("```solution"),
            "{shown}"
        );
        assert!(guide.hint().expect("a hint").starts_with("hint 1 of 2: "));
        assert!(guide.solution().expect("a solution").contains("i32.mul"));
        let mut session = crate::session::Session::new();
        assert!(!guide.check(&mut session).expect("an exercise").passed());
        for input in &guide.sections[exercise_at]
            .exercise
            .clone()
            .expect("exercise")
            .solution
        {
            let _ = session.eval(input);
        }
        assert!(guide.check(&mut session).expect("an exercise").passed());
        assert!(Guide::start(99).is_err());
    }
}

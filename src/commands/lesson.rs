//! Commands for following a guided lesson: `:lesson`, `:next`, `:prev`,
//! `:check`, `:hint`, `:solution`.

use super::Workbench;
use super::registry::{Command, Scope};
use crate::lesson::guided::{Guide, listing};
use crate::lesson::progress;
use crate::session::{Doc, ErrorKind, Reply, SessionError};

/// The lesson commands, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        scope: Scope::Lesson,
        name: "lesson",
        aliases: &["lessons"],
        synopsis: "[N]",
        summary: "list the lessons with your progress, or open lesson N",
        help: "A lesson is shown a section at a time, each beginning with an empty scratch stack. Worked examples show what to type; exercises end in a check (:check), with hints (:hint) and a solution (:solution).",
        run: lesson,
    },
    Command {
        scope: Scope::Lesson,
        name: "next",
        aliases: &[],
        synopsis: "",
        summary: "show the next section of the lesson",
        help: "Each section begins with an empty scratch stack.",
        run: next,
    },
    Command {
        scope: Scope::Lesson,
        name: "prev",
        aliases: &[],
        synopsis: "",
        summary: "show the previous section of the lesson",
        help: "Each section begins with an empty scratch stack.",
        run: prev,
    },
    Command {
        scope: Scope::Lesson,
        name: "check",
        aliases: &[],
        synopsis: "",
        summary: "check your answer to the current exercise",
        help: "Runs the exercise's checks (expected results, memory bytes, the scratch stack) on your session as it is, then takes back everything they did, so checking never changes your session and checking twice gives the same answer. Reports each check: ok, or what it expected, what it found and where (the function and its arguments, the global, the bytes of memory, the stack). A finished exercise is recorded in your progress.",
        run: check,
    },
    Command {
        scope: Scope::Lesson,
        name: "hint",
        aliases: &[],
        synopsis: "",
        summary: "show the next hint of the current exercise",
        help: "Hints come one at a time, from a nudge to nearly the answer. After a failed :check, the first hint is one for the first check that failed, when the lesson has one.",
        run: hint,
    },
    Command {
        scope: Scope::Lesson,
        name: "solution",
        aliases: &[],
        synopsis: "",
        summary: "show a solution of the current exercise",
        help: "",
        run: solution,
    },
];

fn usage(message: impl Into<String>) -> SessionError {
    SessionError::new(ErrorKind::Usage, message)
}

fn no_lesson() -> SessionError {
    usage("no lesson is open: :lesson lists them, :lesson N opens one")
}

fn guide(wb: &mut Workbench) -> Result<&mut Guide, SessionError> {
    wb.guide.as_mut().ok_or_else(no_lesson)
}

fn lesson(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    if args.trim().is_empty() {
        return Ok(vec![Reply::Doc(Doc::plain(&listing(&progress_text(wb))))]);
    }
    let number = args
        .trim()
        .parse::<usize>()
        .map_err(|_| usage("usage: :lesson N"))?;
    let guide = Guide::start(number).map_err(usage)?;
    let shown = guide.show();
    wb.guide = Some(guide);
    Ok(begin_section(wb, &shown))
}

/// A section shown as it begins (its Markdown text, then where it is): with
/// an empty scratch stack (what the text assumes is set up by the section
/// itself), saying so when it was not.
fn begin_section(wb: &mut Workbench, shown: &str) -> Vec<Reply> {
    let place = wb.guide.as_ref().map(Guide::place).unwrap_or_default();
    let mut replies = vec![Reply::Markdown(shown.to_string())];
    // The place line comes last: it is what the learner reads before typing.
    if wb.session.stack().is_empty() {
        replies.push(Reply::Note(format!("\n{place}")));
    } else {
        wb.session.clear_stack();
        replies.push(Reply::Note(
            "\n(scratch stack cleared for this section)".into(),
        ));
        replies.push(Reply::Note(place));
    }
    replies
}

fn next(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    match guide(wb)?.advance(1) {
        Some(shown) => Ok(begin_section(wb, &shown)),
        None => Ok(vec![Reply::Note(guide(wb)?.completed())]),
    }
}

fn prev(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    match guide(wb)?.advance(-1) {
        Some(shown) => Ok(begin_section(wb, &shown)),
        None => Ok(vec![Reply::Note("this is the first section".into())]),
    }
}

fn hint(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Note(guide(wb)?.hint().map_err(usage)?)])
}

fn solution(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Markdown(guide(wb)?.solution().map_err(usage)?)])
}

fn check(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let mut guide = wb.guide.take().ok_or_else(no_lesson)?;
    // The checks run on the session as it is, then everything they did is
    // taken back: checking never changes the live session (issue 11).
    let sandbox = match wb.session.open_sandbox() {
        Ok(sandbox) => sandbox,
        Err(error) => {
            wb.guide = Some(guide);
            return Err(error);
        }
    };
    let outcome = guide.check(wb);
    wb.session.close_sandbox(sandbox);
    let file = guide.file();
    let onwards = guide.after_passing();
    wb.guide = Some(guide);
    let report = outcome.map_err(usage)?;
    let passed = report.passed();
    let title = report.exercise.clone();
    let mut replies = vec![Reply::Checks(report)];
    if passed {
        if let Some(path) = &wb.progress
            && let Some(warning) = progress::record(path, file, &title)
        {
            replies.push(Reply::Note(warning));
        }
        replies.push(Reply::Note(onwards));
    }
    Ok(replies)
}

fn progress_text(wb: &Workbench) -> String {
    progress::read(wb.progress.as_deref())
}

#[cfg(test)]
mod tests {
    use super::super::Workbench;
    use crate::session::Reply;

    /// What the learner can see of a workbench's session.
    fn observe(wb: &mut Workbench) -> Vec<String> {
        [
            ":stack",
            ":locals",
            ":globals",
            ":mem 0 16",
            ":threads",
            ":instances",
            ":host",
            ":wat",
            ":breakpoints",
        ]
        .iter()
        .map(|command| format!("{command}: {:?}", wb.eval(command)))
        .collect()
    }

    fn run(wb: &mut Workbench, input: &str) -> Vec<Reply> {
        match wb.eval(input) {
            Ok(replies) => replies,
            Err(error) => panic!("{input}: {}", error.message),
        }
    }

    #[test]
    fn a_section_is_handed_over_as_markdown_without_its_hidden_blocks() {
        let mut wb = Workbench::new(None);
        run(&mut wb, ":lesson 1");
        let replies = run(&mut wb, ":next");
        let Some(Reply::Markdown(text)) = replies.first() else {
            panic!("not Markdown: {replies:?}");
        };
        assert!(
            text.starts_with("## Exercise: compute 6 * 7 + 1\n"),
            "{text}"
        );
        // Neither the mistake, nor the solution, nor the hints, nor the checks.
        for hidden in ["i32.const 1 i32.add", "```", "Hint", "stack i32:43"] {
            assert!(!text.contains(hidden), "{hidden:?} shown in {text}");
        }
        assert_eq!(
            replies.get(1),
            Some(&Reply::Note(
                "\n[lesson 1, section 2 of 4: :next, :prev, :check, :hint, :solution]".into()
            ))
        );
    }

    #[test]
    fn check_leaves_the_session_as_it_was() {
        let mut wb = Workbench::new(None);
        run(&mut wb, ":lesson 13");
        run(&mut wb, ":next");
        run(&mut wb, "(memory 1 1 shared)");
        run(
            &mut wb,
            "(func $add_all (export \"add_all\") (param $n i32) (loop $again \
             (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1))) \
             (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (br_if $again)))",
        );
        run(
            &mut wb,
            "(func (export \"total\") (result i32) (i32.atomic.load (i32.const 0)))",
        );
        run(&mut wb, "(global $g (mut i32) (i32.const 7))");
        run(&mut wb, "(local $x i32)");
        run(&mut wb, "i32.const 3 local.set $x i32.const 5");
        // The checks call $add_all, but never stop at the learner's breakpoint.
        run(&mut wb, ":break $add_all");
        let before = observe(&mut wb);
        for _ in 0..2 {
            let replies = run(&mut wb, ":check");
            assert!(
                matches!(&replies[..], [Reply::Checks(report), Reply::Note(_)] if report.passed()),
                "{replies:?}"
            );
            assert!(!wb.session.is_stepping());
            assert_eq!(observe(&mut wb), before);
        }
        assert_eq!(wb.session.memory0_bytes(0, 4), vec![0; 4]);
        // `:check` is not an input `:undo` takes back.
        assert_eq!(
            run(&mut wb, ":undo"),
            vec![Reply::Note(
                "undid: i32.const 3 local.set $x i32.const 5".into()
            )]
        );
    }
}

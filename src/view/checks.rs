//! An exercise's check report as text: a verdict line, then each check with
//! `ok` or `FAIL`; under a failure what went wrong and where (the call and
//! its arguments, the global, a hex view of expected against actual memory
//! with the differing bytes marked, the stack).

use super::Styled;
use super::wrap::{Piece, hanging};
use crate::session::{CheckPlace, CheckReport, Role};

/// Holds an argument's words together while a line wraps (a no-break space).
const HELD: &str = "\u{a0}";

/// Bytes per row of the memory comparison, the most that fit: 16, 8, 4.
const ROWS: [usize; 3] = [16, 8, 4];

/// Renders a report (issue 11); on a terminal `width` columns wide, its
/// lines wrap at spaces, the verdict under itself plus two, a check under
/// its text, a failure under its message.
pub fn render(report: &CheckReport, width: Option<usize>) -> Styled {
    let mut out = Styled::default();
    let total = report.results.len();
    let verdict = if report.passed() {
        (
            format!("correct: \"{}\" passes every check", report.exercise),
            Role::Plain,
        )
    } else {
        let failed = report.failures();
        (
            format!(
                "not yet: {failed} of {total} check{} of \"{}\" fail{}",
                if total == 1 { "" } else { "s" },
                report.exercise,
                if failed == 1 { "s" } else { "" }
            ),
            Role::Error,
        )
    };
    line(&mut out, vec![verdict], 2, width);
    for result in &report.results {
        let (mark, role) = match result.failure {
            None => ("  ok  ", Role::Plain),
            Some(_) => ("  FAIL", Role::Error),
        };
        let number = format!("  {}. ", result.number);
        let hang = mark.len() + number.len();
        let check = (format!("{number}{}", result.check), Role::Plain);
        line(&mut out, vec![(mark.to_string(), role), check], hang, width);
        if let Some(failure) = &result.failure {
            for (i, text) in failure.message.lines().enumerate() {
                line(
                    &mut out,
                    vec![(format!("        {text}"), Role::Error)],
                    10,
                    width,
                );
                // A trap's instruction, marked in the learner's text, as the prompt does.
                if let (0, Some(spot)) = (i, &failure.spot) {
                    super::marked_source(&mut out, spot, "        ", width, Role::Error, false);
                }
            }
            place(&mut out, &failure.place, width);
        }
    }
    out
}

/// One line of the report, wrapped to `width` with the lines after the first
/// indented by `hang`.
fn line(out: &mut Styled, pieces: Vec<Piece>, hang: usize, width: Option<usize>) {
    let lines = match width {
        Some(width) => hanging(&pieces, width, hang),
        None => vec![pieces],
    };
    for pieces in lines {
        for (text, role) in pieces {
            out.push(text.replace(HELD, " "), role);
        }
        out.plain_text("\n");
    }
}

/// The lines saying where a failed check looked, for a terminal `width`
/// wide when there is one (they go on under what follows `where: `).
fn place(out: &mut Styled, place: &CheckPlace, width: Option<usize>) {
    const INDENT: &str = "        ";
    let hang = INDENT.len() + "where: ".len();
    let mut say = |text: String| line(out, vec![(text, Role::Plain)], hang, width);
    match place {
        CheckPlace::Call {
            module,
            export,
            func,
            args,
        } => {
            let args = if args.is_empty() {
                "no arguments".to_string()
            } else {
                let held: Vec<String> = args.iter().map(|a| a.replace(' ', HELD)).collect();
                held.join(" ")
            };
            say(format!(
                "{INDENT}where: \"{export}\"{}{}, called with {args}",
                of_module(module.as_deref()),
                func.as_ref()
                    .map_or(String::new(), |f| format!(" (func {f})")),
            ));
        }
        CheckPlace::Global {
            module,
            export,
            name,
        } => say(format!(
            "{INDENT}where: global \"{export}\"{}{}",
            of_module(module.as_deref()),
            name.as_ref().map_or(String::new(), |n| format!(" ({n})")),
        )),
        CheckPlace::Memory {
            addr,
            expected,
            actual,
        } => {
            say(format!(
                "{INDENT}where: memory 0, bytes 0x{addr:x} to 0x{:x} ({} byte{})",
                addr.saturating_add(expected.len().saturating_sub(1) as u64),
                expected.len(),
                if expected.len() == 1 { "" } else { "s" }
            ));
            memory(out, INDENT, *addr, expected, actual, width);
        }
        CheckPlace::Stack { .. } => say(format!("{INDENT}where: the scratch stack, bottom first")),
        CheckPlace::Input => {}
    }
}

fn of_module(module: Option<&str>) -> String {
    module.map_or(String::new(), |m| format!(" of module {m}"))
}

/// Expected against actual bytes, as many a row as fit in `width` (16 when
/// not a terminal), differing bytes marked `^^`.
fn memory(
    out: &mut Styled,
    indent: &str,
    addr: u64,
    expected: &[u8],
    actual: &[u8],
    width: Option<usize>,
) {
    // `  0x00000008  expected ` and three columns a byte.
    let fits = |n: &usize| width.is_none_or(|w| indent.len() + 23 + 3 * n <= w);
    let per_row = ROWS.into_iter().find(fits).unwrap_or(4);
    for (row, want) in expected.chunks(per_row).enumerate() {
        let from = row * per_row;
        let have = actual.get(from..).unwrap_or_default();
        let at = addr.saturating_add(from as u64);
        out.plain_text(format!("{indent}  0x{at:08x}  expected "));
        for byte in want {
            out.plain_text(format!(" {byte:02x}"));
        }
        out.plain_text(format!("\n{indent}              actual   "));
        let mut marks = String::new();
        for (i, byte) in want.iter().enumerate() {
            let got = have.get(i).copied();
            let differs = got != Some(*byte);
            let shown = got.map_or("--".to_string(), |b| format!("{b:02x}"));
            out.plain_text(" ");
            out.push(shown, if differs { Role::Changed } else { Role::Plain });
            marks.push_str(if differs { " ^^" } else { "   " });
        }
        out.plain_text("\n");
        if !marks.trim().is_empty() {
            out.plain_text(format!("{indent}                       "));
            out.push(marks.trim_end().to_string(), Role::Changed);
            out.plain_text("\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{CheckFailure, CheckResult};

    fn report(failure: Option<CheckFailure>) -> CheckReport {
        CheckReport {
            exercise: "x".into(),
            results: vec![
                CheckResult {
                    number: 1,
                    check: "(invoke \"set\")".into(),
                    failure: None,
                },
                CheckResult {
                    number: 2,
                    check: "the second".into(),
                    failure,
                },
            ],
        }
    }

    #[test]
    fn a_passing_report_lists_every_check() {
        assert_eq!(
            render(&report(None), None).plain(),
            "correct: \"x\" passes every check\n  ok    1. (invoke \"set\")\n  ok    2. the second\n"
        );
    }

    #[test]
    fn a_failed_call_says_which_function_and_arguments() {
        let failure = CheckFailure {
            spot: None,
            message: "assertion failed: expected [i32:4], got [i32:1]".into(),
            place: CheckPlace::Call {
                module: None,
                export: "at".into(),
                func: Some("$at".into()),
                args: vec!["(i32.const 40)".into()],
            },
        };
        assert_eq!(
            render(&report(Some(failure)), None).plain(),
            "not yet: 1 of 2 checks of \"x\" fails\n\
             \x20 ok    1. (invoke \"set\")\n\
             \x20 FAIL  2. the second\n\
             \x20       assertion failed: expected [i32:4], got [i32:1]\n\
             \x20       where: \"at\" (func $at), called with (i32.const 40)\n"
        );
    }

    #[test]
    fn report_lines_wrap_at_spaces_under_their_text() {
        let failure = CheckFailure {
            spot: None,
            message: "assertion failed: expected [i32:4], got [i32:1]".into(),
            place: CheckPlace::Input,
        };
        let mut long = report(Some(failure));
        long.exercise = "a bump allocator with alignment".into();
        assert_eq!(
            render(&long, Some(30)).plain(),
            "not yet: 1 of 2 checks of \"a\n\
             \x20 bump allocator with\n\
             \x20 alignment\" fails\n\
             \x20 ok    1. (invoke \"set\")\n\
             \x20 FAIL  2. the second\n\
             \x20       assertion failed:\n\
             \x20         expected [i32:4],\n\
             \x20         got [i32:1]\n"
        );
        long.results.truncate(1);
        assert_eq!(
            render(&long, Some(24)).plain().lines().next(),
            Some("correct: \"a bump")
        );
    }

    #[test]
    fn a_failed_memory_check_shows_both_byte_rows_and_marks_the_differences() {
        let failure = CheckFailure {
            spot: None,
            message: "memory at 0x8 should hold ...".into(),
            place: CheckPlace::Memory {
                addr: 8,
                expected: (0..18).collect(),
                actual: (0..17).chain([0xff]).collect(),
            },
        };
        let text = render(&report(Some(failure)), None).plain();
        let lines: Vec<&str> = text.lines().skip(4).collect();
        assert_eq!(
            lines,
            [
                "        where: memory 0, bytes 0x8 to 0x19 (18 bytes)",
                "          0x00000008  expected  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f",
                "                      actual    00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f",
                "          0x00000018  expected  10 11",
                "                      actual    10 ff",
                "                                   ^^",
            ]
        );
    }

    #[test]
    fn at_sixty_columns_where_wraps_and_memory_rows_hold_eight_bytes() {
        let call = CheckFailure {
            spot: None,
            message: "no function is exported as \"hyp2\"".into(),
            place: CheckPlace::Call {
                module: None,
                export: "hyp2".into(),
                func: None,
                args: vec!["(i32.const 3)".into(), "(i32.const 4)".into()],
            },
        };
        let text = render(&report(Some(call)), Some(60)).plain();
        assert!(
            text.ends_with(
                "        where: \"hyp2\", called with (i32.const 3)\n               (i32.const 4)\n"
            ),
            "{text}"
        );
        let memory = CheckFailure {
            spot: None,
            message: "memory at 0x8 should hold ...".into(),
            place: CheckPlace::Memory {
                addr: 8,
                expected: (0..10).collect(),
                actual: (0..9).chain([0xff]).collect(),
            },
        };
        let text = render(&report(Some(memory)), Some(60)).plain();
        let lines: Vec<&str> = text.lines().skip(5).collect();
        assert_eq!(
            lines,
            [
                "          0x00000008  expected  00 01 02 03 04 05 06 07",
                "                      actual    00 01 02 03 04 05 06 07",
                "          0x00000010  expected  08 09",
                "                      actual    08 ff",
                "                                   ^^",
            ]
        );
    }
}

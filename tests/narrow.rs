//! Views laid out for a narrow terminal, as a learner trial in tmux at 60
//! and 120 columns saw them:
//! - every lesson at 60 columns (the trial found worked examples
//!   overflowing, the terminal wrapping them, and a caret landing on a line
//!   of its own): no line is wider than 60 columns but code that cannot
//!   break at a space (what a learner types, and other code blocks), and
//!   every caret has a character above it;
//! - `:help`, `:help host`, `:help mem` at 60 and 120 columns: every line
//!   fits, and a summary stacked under its command keeps one column (the
//!   trial found its continuation lines hanging two columns deeper);
//! - the live views the trial tried (`:globals`, `:stack`, `:instances`,
//!   `:host`, `:memory`, `:heap`, `:step`, a trace, a trap) at 60 columns:
//!   every line fits.

use std::path::Path;
use watlab::commands::Workbench;
use watlab::view::markdown::render;
use watlab::view::stream_outcome;

/// The narrow terminal of the trial.
const WIDTH: usize = 60;

/// The lines of `markdown` that are code: lines of blocks other than worked
/// examples, and the typed lines of worked examples.
fn code_lines(markdown: &str) -> Vec<String> {
    let mut code = Vec::new();
    let mut block: Option<&str> = None;
    for line in markdown.lines() {
        if let Some(info) = line.strip_prefix("```") {
            block = if block.is_some() { None } else { Some(info) };
            continue;
        }
        let typed = line.starts_with("wat> ") || line.starts_with("...> ");
        if block.is_some_and(|info| info != "watlab" || typed) {
            code.push(line.trim().to_string());
        }
    }
    code
}

#[test]
fn every_lesson_fits_sixty_columns_and_its_carets_point_at_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("lessons directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    assert!(files.len() > 20, "the lessons are found: {files:?}");
    let mut problems = Vec::new();
    for file in &files {
        let markdown = std::fs::read_to_string(file).expect("readable lesson");
        let code = code_lines(&markdown);
        let text = render(&markdown, WIDTH).plain();
        let lines: Vec<&str> = text.lines().collect();
        let name = file.file_name().map(|n| n.to_string_lossy().to_string());
        let name = name.unwrap_or_default();
        for (i, line) in lines.iter().enumerate() {
            // Typed code that cannot break (flat instructions, a long
            // string) stays whole; a folded form goes on at `...> `.
            let typed = ["wat> ", "...> "]
                .iter()
                .any(|p| line.trim().starts_with(p));
            if line.chars().count() > WIDTH && !typed && !code.contains(&line.trim().to_string()) {
                problems.push(format!("{name}: too wide: {line}"));
            }
            if !line.contains('^') || !line.chars().all(|c| c == '^' || c == ' ') {
                continue;
            }
            let above: Vec<char> = i
                .checked_sub(1)
                .map(|j| lines[j].chars().collect())
                .unwrap_or_default();
            for (col, c) in line.chars().enumerate() {
                if c == '^' && above.get(col).is_none_or(|a| *a == ' ') {
                    problems.push(format!(
                        "{name}: caret at column {col} under nothing: {line}"
                    ));
                    break;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `input`'s answer in `workbench` as a terminal `width` columns wide shows it.
fn answer_at(workbench: &mut Workbench, input: &str, width: usize) -> String {
    let outcome = workbench.eval(input);
    let mut text = String::new();
    let done = stream_outcome(&outcome, Some(width), &workbench.session, &mut |piece| {
        text.push_str(&piece.plain());
        Ok(true)
    });
    assert!(matches!(done, Ok(true)), "{input}: {done:?}");
    text
}

#[test]
fn help_fits_and_stacked_summaries_keep_their_column() {
    for width in [60, 120] {
        for input in [":help", ":help host", ":help mem"] {
            let text = answer_at(&mut Workbench::new(None), input, width);
            let lines: Vec<&str> = text.lines().collect();
            assert!(lines.len() > 3, "{input} at {width}:\n{text}");
            for (i, line) in lines.iter().enumerate() {
                assert!(
                    line.chars().count() <= width,
                    "{input} at {width}: too wide: {line}\n{text}"
                );
                // A line indented six (a summary under its command) goes on
                // in the same column.
                let indent = |l: &str| l.len() - l.trim_start().len();
                if i > 0 && indent(lines[i - 1]) == 6 {
                    assert!(
                        indent(line) <= 6,
                        "{input} at {width}: a summary's line hangs at {}: {line}\n{text}",
                        indent(line)
                    );
                }
            }
        }
    }
}

/// The views a learner trial looked at in tmux at 60 columns, with values,
/// names and types long enough to need wrapping.
#[test]
fn live_views_fit_sixty_columns() {
    let mut workbench = Workbench::new(None);
    for input in [
        "(memory 1)",
        "(global $big (mut i64) (i64.const -1))",
        "(global $v (mut v128) (v128.const i32x4 1 2 3 4))",
        "(type $point (struct (field $x (mut i32)) (field $y (mut i32))))",
        "(global $p (mut (ref null $point)) (ref.null $point))",
        "(struct.new $point (i32.const 7) (i32.const 2)) global.set $p",
        "(func $sum_of_three (export \"sum_of_three\") (param $a i64) (param $b i64) (param $c i64) (result i64) (i64.add (i64.add (local.get $a) (local.get $b)) (local.get $c)))",
    ] {
        if let Err(error) = workbench.eval(input) {
            panic!("{input}: {}", error.message);
        }
    }
    for (input, shows) in [
        (":globals", "u64:18446744073709551615"),
        (
            "v128.const i32x4 -1 2 3 4 i64.const -5",
            "u64:18446744073709551611",
        ),
        (":instances", "sum_of_three"),
        (":host", "functions of Math"),
        (":memory", "all bytes are zero"),
        (":heap", "$point#0"),
        (
            ":step (call $sum_of_three (i64.const 1) (i64.const 2) (i64.const 3))",
            "(byte 0x",
        ),
        ("s 5", "calls:"),
        ("abort", ""),
        (":trace on", "trace on"),
        (
            "(call $sum_of_three (i64.const 1) (i64.const 2) (i64.const 3))",
            "i64.add",
        ),
        (
            "i32.const 1 i32.const 0 i32.div_s",
            "integer divide by zero",
        ),
    ] {
        let text = answer_at(&mut workbench, input, WIDTH);
        assert!(text.contains(shows), "{input}:\n{text}");
        for line in text.lines() {
            assert!(
                line.chars().count() <= WIDTH,
                "{input}: too wide: {line}\n{text}"
            );
        }
    }
}

/// A vector in the stepper at 60 columns (the trial saw `pushed
/// [v128:i32x4[2 4 6` / `8] 0x...`): its lane list and its hex each stay on
/// one line, and the hex is written lane 0 first, as the lanes are.
#[test]
fn vectors_break_between_their_lane_list_and_hex_never_inside() {
    let mut workbench = Workbench::new(None);
    let define = "(func $dbl (param $v v128) (result v128) (local $w v128) (local.set $w (i32x4.add (local.get $v) (local.get $v))) (local.get $w))";
    workbench.eval(define).expect("defines $dbl");
    let start = answer_at(
        &mut workbench,
        ":step (call $dbl (v128.const i32x4 1 2 3 4))",
        WIDTH,
    );
    assert!(start.contains("stack:"), "{start}");
    for input in ["s 5", "s"] {
        let text = answer_at(&mut workbench, input, WIDTH);
        for line in text.lines() {
            assert!(
                line.chars().count() <= WIDTH,
                "{input}: too wide: {line}\n{text}"
            );
            let (opened, closed) = (line.matches('[').count(), line.matches(']').count());
            let inside_lanes = line.trim_start().starts_with(|c: char| c.is_ascii_digit())
                || (line.contains("hex[") && !line.contains(']'));
            assert!(
                !inside_lanes && (opened > 0 || closed == 0 || line.contains("pushed []")),
                "{input}: a line breaks inside a lane list: {line}\n{text}"
            );
        }
        assert!(
            text.contains("v128:i32x4[2 4 6 8]")
                && text.contains("hex[00000002 00000004 00000006 00000008]"),
            "{input}: lane list and hex whole, lane 0 first:\n{text}"
        );
    }
}

/// Learner trial 6 at 60 columns: `:stack` padded an `i32` row to a
/// vector's width (wrapping `0xe` onto its own line), the stepper's
/// `stack:` line broke inside a lane list and ran two vectors together,
/// and `:bytes` cut a `v128` literal's hex in the middle.
#[test]
fn numbers_beside_vectors_stay_narrow_and_vectors_keep_their_lanes_whole() {
    let mut workbench = Workbench::new(None);
    let input = "i32.const 14 v128.const i32x4 100000 200000 300000 400000 \
                 v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16";
    let stack = answer_at(&mut workbench, input, WIDTH);
    assert!(
        stack
            .lines()
            .any(|l| l.contains("[0]  i32") && l.contains("0xe")),
        "the i32 row is one line:\n{stack}"
    );
    let step = answer_at(&mut workbench, ":step i32.const 1 drop", WIDTH);
    let bytes = answer_at(&mut workbench, ":bytes v128.const i32x4 1 2 3 4", WIDTH);
    for text in [&stack, &step, &bytes] {
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "too wide: {line}\n{text}");
        }
    }
    let stack_lines: Vec<&str> = (step.lines())
        .skip_while(|l| !l.starts_with("  stack:"))
        .take_while(|l| l.starts_with("  stack:") || l.starts_with("    "))
        .collect();
    assert_eq!(
        stack_lines,
        [
            "  stack:  i32:14",
            "          v128:i32x4[100000 200000 300000 400000]",
            "          hex[000186a0 00030d40 000493e0 00061a80]",
            "          v128:i8x16[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16]",
            "    hex[01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10]",
        ],
        "{step}"
    );
    // The literal's lanes are each whole, on the lines of its bytes.
    for lane in ["00000001", "00000002", "00000003", "00000004"] {
        assert!(
            bytes
                .split_whitespace()
                .any(|w| w.trim_matches(['[', ']']).ends_with(lane)),
            "{lane} is cut:\n{bytes}"
        );
    }
}

/// Learner trial 6: `:help undo` at 120 columns ended a line at 75, moving
/// a long aside in parentheses whole to the next line. A help paragraph's
/// line ends only where its next word would not fit.
#[test]
fn help_paragraphs_fill_their_lines_at_120_columns() {
    let width = 120;
    for input in [":help undo", ":help mem", ":help step"] {
        let text = answer_at(&mut Workbench::new(None), input, width);
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            let (line, next) = (pair[0], pair[1]);
            // A paragraph goes on four columns in, under a summary line.
            let goes_on = next.starts_with("    ") && !next.starts_with("     ");
            let word = next.split_whitespace().next().unwrap_or("");
            if goes_on && line.starts_with("  ") {
                assert!(
                    line.chars().count() + 1 + word.chars().count() > width,
                    "{input}: `{word}` fits after: {line}\n{text}"
                );
            }
        }
    }
}

/// Learner trial 12: a vector was written differently in each view. At 60
/// and 120 columns every view writes `v128:f32x4[...] hex[...]` (or, in a
/// table, the lanes with the hex in a column under or beside them), and a
/// hex list that fits on a line is never broken.
#[test]
fn a_vector_is_written_one_way_in_every_view_at_60_and_120_columns() {
    for width in [WIDTH, 120] {
        let mut workbench = Workbench::new(None);
        for input in [
            "(global $v (mut v128) (v128.const f32x4 1.5 2 3 4))",
            "(func $vb (global.set $v (v128.const f32x4 1.5 2 3 4)))",
        ] {
            workbench.eval(input).expect("defines");
        }
        let changed = answer_at(
            &mut workbench,
            "(global.set $v (f32x4.splat (f32.const 0.5)))",
            width,
        );
        let globals = answer_at(&mut workbench, ":globals", width);
        let stack = answer_at(
            &mut workbench,
            "i32.const 100000 v128.const f32x4 1.5 2 3 4",
            width,
        );
        let bytes = answer_at(&mut workbench, ":bytes v128.const f32x4 1.5 2 3 4", width);
        answer_at(&mut workbench, ":step call $vb", width);
        answer_at(&mut workbench, "s", width);
        let constant = answer_at(&mut workbench, "s", width);
        answer_at(&mut workbench, "c", width);
        answer_at(&mut workbench, ":step global.get $v", width);
        let got = answer_at(&mut workbench, "s", width);
        let all = [&changed, &globals, &stack, &bytes, &constant, &got];
        for text in all {
            for line in text.lines() {
                assert!(
                    line.chars().count() <= width,
                    "{width}: too wide: {line}\n{text}"
                );
                assert!(
                    !line.ends_with("]]"),
                    "{width}: a list ends after a vector's hex: {line}\n{text}"
                );
            }
        }
        // Hex lists whole (the :bytes column at 60 is narrower than one).
        for text in [&changed, &globals, &stack, &constant, &got] {
            for line in text.lines().filter(|l| l.contains("hex[")) {
                assert!(
                    line.contains(']'),
                    "{width}: a hex list breaks: {line}\n{text}"
                );
            }
        }
        assert!(
            changed.contains("changed: global $v v128:f32x4[1.5 2 3 4]")
                && changed.contains("v128:f32x4[0.5 0.5 0.5 0.5]"),
            "{changed}"
        );
        assert!(
            constant.contains("-> v128:f32x4[1.5 2 3 4]") && constant.contains("hex[3fc00000"),
            "{constant}"
        );
        assert!(
            got.contains("global.get $v -> v128:f32x4[1.5 2 3 4]"),
            "{got}"
        );
        assert!(bytes.contains("v128:f32x4[1.5 2 3 4]"), "{bytes}");
        // In a table the hex starts in the lanes' column.
        for table in [&globals, &stack] {
            let lines: Vec<&str> = table.lines().collect();
            let lanes = lines.iter().find_map(|l| l.find("[1.5").or(l.find("[0.5")));
            let hex = lines.iter().find_map(|l| l.find("hex["));
            match width {
                WIDTH => assert_eq!(lanes, hex, "hex under the lanes:\n{table}"),
                _ => assert!(lanes < hex, "{table}"),
            }
        }
    }
}

/// Learner trial 12: `:mem 0 128` at 60 columns showed rows 0x0 and 0x8 and
/// then zero rows unfolded before a folded run: a 16-byte row was folded
/// whole or not at all. Every run of two or more zero rows of the rows
/// shown folds into one line.
#[test]
fn zero_rows_fold_alike_in_the_rows_a_narrow_terminal_shows() {
    let mut workbench = Workbench::new(None);
    workbench.eval("(memory 1)").expect("defines memory");
    workbench
        .eval("(i32.store (i32.const 0) (i32.const 7))")
        .expect("stores");
    let whole = answer_at(&mut workbench, ":mem 0 128", WIDTH);
    assert!(
        whole.ends_with("* 15 zero rows (0x00000008..0x00000080)\n"),
        "{whole}"
    );
    let short = answer_at(&mut workbench, ":mem 0 40", WIDTH);
    assert!(
        short.ends_with("* 4 zero rows (0x00000008..0x00000028)\n"),
        "{short}"
    );
    let rows = short.lines().filter(|l| l.starts_with("000000")).count();
    assert_eq!(rows, 1, "{short}");
}

//! The stepper's pause screen (rendered from the session's
//! [`PauseInfo`]): where execution is, the source with the next
//! instruction marked, what the last instruction did, the operand stack split
//! by control frame, labels, locals, globals and the call stack.

use super::clip;
use crate::session::FuncNames;
use crate::session::SourceSpot;
use crate::session::stepper::{BranchPreview, Decision, PauseInfo, blocks_inside, label_word};
use crate::vm::inspect::LabelKind;
use crate::vm::lanes::Shape;
use crate::vm::{FrameView, Value};
use std::fmt::Write as _;

/// The most entries the pause's `calls:` line shows (after folding runs).
const MAX_CALLS: usize = 8;

/// A value as the pause shows it: a `v128` in `shape` (`i32x4` when none),
/// a reference by the name `:stack` gives it, a struct or array with its
/// type and fields.
fn shown(value: &Value, shape: Option<Shape>, names: &FuncNames) -> String {
    match value {
        Value::V128(_) => Shape::value_in(value, shape),
        _ => crate::vm::gc_names::value_text(value, names),
    }
}

/// `[i32:1 funcref:$add]`: values as the pause shows them, value `i` in `shapes[i]`.
fn shown_list(values: &[Value], shapes: &[Option<Shape>], names: &FuncNames) -> String {
    let shown: Vec<String> = (values.iter().enumerate())
        .map(|(i, v)| shown(v, shapes.get(i).copied().flatten(), names))
        .collect();
    format!("[{}]", shown.join(" "))
}

/// Renders the pause screen as plain text, for a terminal `width` columns
/// wide when there is one: long lines wrap at spaces under their values
/// (`  stack:  ...`), notes as prose, the source line is cut around the
/// next instruction.
pub fn render(info: &PauseInfo, width: Option<usize>) -> String {
    let mut out = prose(&head(info), width);
    for diff in &info.watch_diffs {
        for (label, rows) in [("before", &diff.before), ("after", &diff.after)] {
            let _ = writeln!(out, "  {label}:");
            let rows = super::hexdump::render(
                rows,
                width.map(|w| w.saturating_sub(4)),
                crate::session::memory_rows::MIN_ADDR_DIGITS,
            );
            for line in rows.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    if let Some(spot) = &info.source {
        render_source(&mut out, spot, width);
    }
    let state = frames_state(info, width);
    // A label's value goes on under it, ten columns in (`  locals: `).
    let state = width.map_or(state.clone(), |w| hold_groups(&state, w.saturating_sub(10)));
    out.push_str(&fit(&state, width));
    if let Some(trap) = &info.trap {
        out.push_str(&prose(&format!("{}\n", trap.choices), width));
    }
    out.replace(HELD, " ")
}

/// The pause screen's `next:` line alone, for a branch a `set` redirected.
pub fn render_next_branch(
    branch: &BranchPreview,
    names: &FuncNames,
    width: Option<usize>,
) -> String {
    fit(
        &format!("  next:   {}\n", branch_line(branch, names)),
        width,
    )
    .replace(HELD, " ")
}

/// `text` with the spaces inside each bracketed group (a lane list
/// `[1 2 3 4]`, its `hex[...]`, a `popped [...]` list) held, so a line
/// breaks between groups, not inside one, when the group fits in `max`
/// columns; a longer group's own groups are held instead.
fn hold_groups(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = matching_bracket(&rest[open..]) else {
            break;
        };
        let group = &rest[open..open + close + 1];
        out.push_str(&rest[..open]);
        // What stays on the group's line with it: `v128:i32x4` before `[`.
        let glued = rest[..open].chars().rev().take_while(|c| *c != ' ').count();
        if glued + group.chars().count() <= max {
            out.push_str(&group.replace(' ', HELD));
        } else {
            out.push('[');
            out.push_str(&hold_groups(&group[1..group.len() - 1], max));
            out.push(']');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The byte offset in `text` (which starts with `[`) of the `]` closing it.
fn matching_bracket(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 1 => return Some(i),
            ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Holds two words together while the screen is wrapped (a no-break space).
const HELD: &str = "\u{a0}";

/// Lines of prose (a note, a trap, what can be done at one) wrapped at
/// spaces to `width`, each going on under its indentation plus two, as an
/// error's lines do (a colon in a sentence is no label to hang under).
fn prose(text: &str, width: Option<usize>) -> String {
    laid_out(text, width, |line, width| {
        let span = [crate::session::Span {
            text: line.to_string(),
            role: crate::session::Role::Plain,
        }];
        super::wrap::prose(&span, width)
    })
}

/// Lines wrapped at spaces to `width`, each continuing under the value after
/// its label (`  locals: `), or under its indentation plus two.
fn fit(text: &str, width: Option<usize>) -> String {
    laid_out(text, width, super::wrap::under_label)
}

/// Each line of `text` laid out by `layout` for `width` columns, if any.
fn laid_out(
    text: &str,
    width: Option<usize>,
    layout: impl Fn(&str, usize) -> Vec<Vec<super::wrap::Piece>>,
) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    let mut out = String::new();
    for line in text.lines() {
        for piece in layout(line, width) {
            out.extend(piece.iter().map(|(text, _)| text.as_str()));
            out.push('\n');
        }
    }
    out
}

/// The notes, the trap, and the `paused after ...` line.
fn head(info: &PauseInfo) -> String {
    let mut out = String::new();
    for note in &info.notes {
        let _ = writeln!(out, "{note}");
    }
    if let Some(trap) = &info.trap {
        let _ = writeln!(out, "{}", trap.message);
        for note in &trap.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    let at = if info.trap.is_some() {
        " at the trap"
    } else {
        ""
    };
    let top = info.frames.last();
    let name = info.names.last().map_or("?", String::as_str);
    let next = info.next.as_deref().unwrap_or("?");
    let offset = top.map_or(0, |f| f.offset);
    let _ = writeln!(
        out,
        "paused{at} after {} step{}, in {name}, before {next}  (byte{HELD}0x{offset:x})",
        info.step,
        if info.step == 1 { "" } else { "s" }
    );
    out
}

/// What the last instruction did, the branch ahead, the stack, labels,
/// locals, globals and calls.
fn frames_state(info: &PauseInfo, width: Option<usize>) -> String {
    let mut out = String::new();
    let top = info.frames.last();
    if let Some(effect) = &info.effect {
        match &effect.note {
            Some(note) if effect.popped.is_empty() => {
                let _ = writeln!(out, "  did:    {}  ({note})", effect.instruction);
            }
            Some(note) => {
                let _ = writeln!(
                    out,
                    "  did:    {}  popped{HELD}{}  ({note})",
                    effect.instruction,
                    shown_list(&effect.popped, &effect.shapes.0, &info.func_names),
                );
            }
            // A vector moved by any instruction reads as a vector instruction's do.
            None if super::vector::is_vector(&effect.instruction)
                || (effect.popped.iter().chain(&effect.pushed))
                    .any(|v| matches!(v, crate::vm::Value::V128(_))) =>
            {
                let line = super::vector::did_line(
                    &effect.instruction,
                    &effect.popped,
                    &effect.pushed,
                    &effect.shapes,
                );
                let _ = writeln!(out, "  did:    {line}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "  did:    {}  popped{HELD}{}  pushed{HELD}{}",
                    effect.instruction,
                    shown_list(&effect.popped, &effect.shapes.0, &info.func_names),
                    shown_list(&effect.pushed, &effect.shapes.1, &info.func_names)
                );
            }
        }
        if let Some(memory) = &effect.memory {
            let _ = writeln!(out, "  memory: {memory}");
        }
        for (i, line) in effect.unwinding.iter().enumerate() {
            let head = if i == 0 { "unwind:" } else { "" };
            let _ = writeln!(out, "  {head:<7} {line}");
        }
    }
    let Some(top) = top else { return out };
    if let Some(branch) = &info.branch {
        let _ = writeln!(out, "  next:   {}", branch_line(branch, &info.func_names));
    }
    let stack = stack_by_label(top, &info.shapes, &info.func_names);
    let _ = writeln!(out, "  stack:  {}", laid_out_items(&stack, width));
    // The blocks the next instruction is inside, in plain words (the
    // function's own label is the frame; heights show as `|` in the stack).
    let blocks = blocks_inside(&top.labels, &info.label_names);
    if !blocks.is_empty() {
        let _ = writeln!(out, "  inside: {}", blocks.join(" > "));
    }
    // Only the input's own frame has scratch parameters and no caller.
    let in_input = info.frames.len() == 1 && !info.called_by_input;
    let skip = if in_input { info.scratch_params } else { 0 };
    let locals: Vec<String> = top
        .locals
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, l)| {
            let name = l
                .name
                .as_ref()
                .map_or_else(|| format!("{i}"), |n| format!("${n}"));
            let param = if l.is_param && !in_input {
                "\u{a0}(param)" // held to the name (HELD)
            } else {
                ""
            };
            let changed = if info.changed_locals.contains(&i) {
                " (changed)"
            } else {
                ""
            };
            let shape = info.local_shapes.get(i).copied().flatten();
            format!(
                "{name}{param}={}{changed}",
                shown(&l.value, shape, &info.func_names)
            )
        })
        .collect();
    if !locals.is_empty() {
        let _ = writeln!(out, "  locals: {}", locals.join("  "));
    }
    if !info.globals.is_empty() {
        let globals: Vec<String> = info
            .globals
            .iter()
            .map(|(n, v, changed, shape)| {
                let changed = if *changed { " (changed)" } else { "" };
                format!("{n}={}{changed}", shown(v, *shape, &info.func_names))
            })
            .collect();
        let _ = writeln!(out, "  globals: {}", globals.join("  "));
    }
    if !in_input {
        let frames = (info.frames.iter().zip(&info.names).rev())
            .map(|(f, n)| format!("{n} @0x{:x}", f.offset));
        // An invoked function's caller is the input, which has no code of its own.
        let input = info.called_by_input.then(|| "your input".to_string());
        let frames = frames.chain(input);
        // Recursion: a run of the same frame is written once, with its count.
        let mut calls: Vec<String> = super::stepper::runs(frames, 4)
            .into_iter()
            .map(|(call, n)| match n {
                1 => call,
                n => format!("{call} ×{}", crate::session::grouped(n as u64)),
            })
            .collect();
        if calls.len() > MAX_CALLS {
            let hidden = calls.len() - MAX_CALLS + 1;
            calls.splice(
                MAX_CALLS - 2..calls.len() - 1,
                [format!("... ({hidden} more; bt lists them)")],
            );
        }
        let _ = writeln!(out, "  calls:  {}", calls.join(" < "));
    }
    out
}

/// The source around the next instruction: one line of context on either
/// side (numbered, when the text has several lines), the instruction marked.
/// Lines longer than `width` are cut around the instruction (see [`clip`]).
pub(super) fn render_source(out: &mut String, spot: &SourceSpot, width: Option<usize>) {
    let (line_no, col) = crate::text::assemble::line_col(&spot.text, spot.offset);
    let lines: Vec<&str> = spot.text.lines().collect();
    if lines.len() <= 1 {
        let line = lines.first().copied().unwrap_or("");
        let room = width.map(|w| w.saturating_sub(4));
        let (line, col, len) = clip::around(line, col, spot.len, room);
        let _ = writeln!(out, "  | {line}");
        let _ = writeln!(out, "    {}{}", " ".repeat(col), "^".repeat(len));
        return;
    }
    let first = line_no.saturating_sub(1);
    let last = (line_no + 1).min(lines.len() - 1);
    let room = width.map(|w| w.saturating_sub(8));
    for (n, line) in lines.iter().enumerate().take(last + 1).skip(first) {
        let marker = if n == line_no { '>' } else { ' ' };
        // Context lines are cut at the same place as the marked one.
        let (text, at, len) = clip::around(line, col, spot.len, room);
        let _ = writeln!(out, " {marker}{:>3} | {text}", n + 1);
        if n == line_no {
            let _ = writeln!(out, "        {}{}", " ".repeat(at), "^".repeat(len));
        }
    }
}

/// Where a state line's value starts (`  stack:  `).
const VALUE_COLUMN: usize = 10;

/// A state line's `items` (values, `|`) for a terminal `width` wide: all on
/// one line when they fit, else broken between items, a vector that does
/// not fit beside the others on lines of its own (its lanes, then its
/// `hex[...]`), so two vectors never share a line and a lane list breaks
/// only when it is wider than the terminal itself.
fn laid_out_items(items: &[String], width: Option<usize>) -> String {
    let one_line = items.join(" ");
    let room = match width {
        Some(width) if VALUE_COLUMN + one_line.chars().count() > width => {
            width.saturating_sub(VALUE_COLUMN)
        }
        _ => return one_line,
    };
    let mut lines: Vec<String> = vec![String::new()];
    let mut alone = false;
    for item in items {
        let len = |text: &str| text.chars().count();
        let last = lines.last().map_or(0, |l| len(l));
        if last == 0 {
        } else if !alone && last + 1 + len(item) <= room {
            if let Some(line) = lines.last_mut() {
                line.push(' ');
            }
        } else {
            lines.push(String::new());
        }
        alone = false;
        let parts = match (len(item) > room, item.split_once(" hex[")) {
            (true, Some((lanes, hex))) => vec![lanes.to_string(), format!("hex[{hex}")],
            _ => vec![item.clone()],
        };
        if parts.len() > 1 {
            if lines.last().is_some_and(|l| !l.is_empty()) {
                lines.push(String::new());
            }
            alone = true;
        }
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                lines.push(String::new());
            }
            if let Some(line) = lines.last_mut() {
                line.push_str(part);
            }
        }
    }
    // A part wider than the room beside the label starts further left.
    let indent = |line: &String| match line.chars().count() > room {
        true => NARROW_COLUMN,
        false => VALUE_COLUMN,
    };
    let mut out = lines.first().cloned().unwrap_or_default();
    for line in lines.iter().skip(1) {
        let _ = write!(out, "\n{}{line}", " ".repeat(indent(line)));
    }
    out
}

/// Where a state line's part too wide to go on under its value starts.
const NARROW_COLUMN: usize = 4;

/// The operand stack's items with a `|` where each enclosing label's part
/// begins; a vector at index `i` is shown in `shapes[i]`.
fn stack_by_label(frame: &FrameView, shapes: &[Option<Shape>], names: &FuncNames) -> Vec<String> {
    if frame.operands.is_empty() {
        return vec!["empty".into()];
    }
    let mut parts = Vec::new();
    for (i, v) in frame.operands.iter().enumerate() {
        if i > 0 && frame.labels.iter().skip(1).any(|l| l.height == i) {
            parts.push("|".to_string());
        }
        parts.push(shown(v, shapes.get(i).copied().flatten(), names));
    }
    parts
}

/// The `next:` line for a branch: `br_if $top: jumps back to the start of
/// loop $top (the condition i32:1 is not 0)`, or `... falls through`.
fn branch_line(branch: &BranchPreview, names: &FuncNames) -> String {
    let name = |word: &str| match branch.label.as_deref() {
        Some(label) if label.starts_with('$') => format!("{word} {label}"),
        _ => format!("the {word}"),
    };
    let action = if !branch.taken {
        "falls through".to_string()
    } else {
        match branch.kind {
            LabelKind::Loop => format!("jumps back to the start of {}", name("loop")),
            LabelKind::Function => "leaves the function".to_string(),
            kind => format!("jumps past the end of {}", name(label_word(kind))),
        }
    };
    let carrying = if branch.carried.is_empty() {
        String::new()
    } else {
        format!(", carrying {}", shown_list(&branch.carried, &[], names))
    };
    let why = match branch.decided_by {
        Decision::Always => String::new(),
        Decision::Condition(c) if branch.taken => format!(" (the condition {c} is not 0)"),
        Decision::Condition(c) => format!(" (the condition is {c})"),
        Decision::Index {
            index,
            default: false,
        } => format!(" (chosen by the index {index})"),
        Decision::Index {
            index,
            default: true,
        } => format!(" (the index {index} is past the list: the default label)"),
    };
    format!("{}: {action}{carrying}{why}", branch.instruction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_groups_are_held_when_they_fit_else_their_own_groups_are() {
        let held = |text: &str, max| hold_groups(text, max).replace(HELD, "_");
        assert_eq!(
            held("stack:  v128:i32x4[2 4 6 8] hex[02 04 06 08]", 30),
            "stack:  v128:i32x4[2_4_6_8] hex[02_04_06_08]"
        );
        assert_eq!(
            held("popped [v128:i32x4[2 4] hex[02 04]]  pushed []", 20),
            "popped [v128:i32x4[2_4] hex[02_04]]  pushed []"
        );
        assert_eq!(
            held("popped [v128:i32x4[2 4] hex[02 04]]", 40),
            "popped [v128:i32x4[2_4]_hex[02_04]]"
        );
        assert_eq!(held("x [1 2 3 4 5 6", 3), "x [1 2 3 4 5 6");
    }

    #[test]
    fn a_note_with_a_colon_goes_on_two_columns_in_not_under_its_colon() {
        let note = "the next instruction traps and cannot run: look around (info locals, p, x, bt), \
                    go back (back, reverse-step, reverse-continue, last-write, history) or leave\n";
        let text = prose(note, Some(120));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        // Under two spaces (it went on at column 43, under the colon).
        assert!(
            lines[1].starts_with("  ") && !lines[1].starts_with("   "),
            "{text}"
        );
        // A labelled state line still goes on under its value.
        let held = fit("  locals: $a=1  $b=2  $c=3\n", Some(20));
        assert_eq!(held, "  locals: $a=1  $b=2\n          $c=3\n");
    }

    #[test]
    fn a_vector_did_line_wraps_under_its_value_at_60_columns() {
        use crate::vm::Value;
        use crate::vm::lanes::from_i8s;
        let a = Value::V128(from_i8s([-100; 16]));
        let b = Value::V128(from_i8s([100; 16]));
        let line = super::super::vector::did_line(
            "i8x16.add",
            &[a, b],
            &[Value::V128(0)],
            &Default::default(),
        );
        let text = fit(&format!("  did:    {line}\n"), Some(60));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() > 1, "{text}");
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{text}");
        assert!(
            lines[1..].iter().all(|l| l.starts_with("          ")),
            "{text}"
        );
        assert!(
            lines[0].starts_with("  did:    i8x16.add v128:i8x16[-100 -100"),
            "{text}"
        );
    }
}

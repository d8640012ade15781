//! The stepper's pause screen (rendered from the session's
//! [`PauseInfo`]): where execution is, the source with the next
//! instruction marked, what the last instruction did, the operand stack split
//! by control frame, labels, locals, globals and the call stack.

use crate::session::SourceSpot;
use crate::session::stepper::{BranchPreview, Decision, PauseInfo};
use crate::vm::FrameView;
use crate::vm::inspect::LabelKind;
use crate::vm::value::list;
use std::fmt::Write as _;

fn label_word(kind: LabelKind) -> &'static str {
    match kind {
        LabelKind::Function => "function",
        LabelKind::Block => "block",
        LabelKind::Loop => "loop",
        LabelKind::If => "if",
        LabelKind::Else => "else",
    }
}

/// Renders the pause screen as plain text.
pub fn render(info: &PauseInfo) -> String {
    let mut out = String::new();
    for note in &info.notes {
        let _ = writeln!(out, "{note}");
    }
    let top = info.frames.last();
    let name = info.names.last().map_or("?", String::as_str);
    let next = info.next.as_deref().unwrap_or("?");
    let offset = top.map_or(0, |f| f.offset);
    let _ = writeln!(
        out,
        "paused after {} step{}, in {name}, before {next}  (byte 0x{offset:x})",
        info.step,
        if info.step == 1 { "" } else { "s" }
    );
    if let Some(spot) = &info.source {
        render_source(&mut out, spot);
    }

    if let Some(effect) = &info.effect {
        match &effect.note {
            Some(note) => {
                let _ = writeln!(out, "  did:    {}  ({note})", effect.instruction);
            }
            None => {
                let _ = writeln!(
                    out,
                    "  did:    {}  popped {}  pushed {}",
                    effect.instruction,
                    list(&effect.popped),
                    list(&effect.pushed)
                );
            }
        }
        if let Some(memory) = &effect.memory {
            let _ = writeln!(out, "  memory: {memory}");
        }
    }
    let Some(top) = top else { return out };
    if let Some(branch) = &info.branch {
        let _ = writeln!(out, "  next:   {}", branch_line(branch));
    }
    let _ = writeln!(out, "  stack:  {}", stack_by_label(top));
    let labels: Vec<String> = top
        .labels
        .iter()
        .map(|l| {
            format!(
                "{} (height {}, carries {})",
                label_word(l.kind),
                l.height,
                l.branch_arity()
            )
        })
        .collect();
    let _ = writeln!(out, "  labels: {}", labels.join(" > "));
    let skip = if info.frames.len() == 1 {
        info.scratch_params
    } else {
        0
    };
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
            let param = if l.is_param && info.frames.len() > 1 {
                " (param)"
            } else {
                ""
            };
            let changed = if info.changed_locals.contains(&i) {
                " (changed)"
            } else {
                ""
            };
            format!("{name}{param}={}{changed}", l.value)
        })
        .collect();
    if !locals.is_empty() {
        let _ = writeln!(out, "  locals: {}", locals.join("  "));
    }
    if !info.globals.is_empty() {
        let globals: Vec<String> = info
            .globals
            .iter()
            .map(|(n, v, changed)| format!("{n}={v}{}", if *changed { " (changed)" } else { "" }))
            .collect();
        let _ = writeln!(out, "  globals: {}", globals.join("  "));
    }
    if info.frames.len() > 1 {
        let calls: Vec<String> = info
            .frames
            .iter()
            .zip(&info.names)
            .rev()
            .map(|(f, n)| format!("{n} @0x{:x}", f.offset))
            .collect();
        let _ = writeln!(out, "  calls:  {}", calls.join(" < "));
    }
    out
}

/// The source around the next instruction: one line of context on either
/// side (numbered, when the text has several lines), the instruction marked.
fn render_source(out: &mut String, spot: &SourceSpot) {
    let (line_no, col) = crate::text::assemble::line_col(&spot.text, spot.offset);
    let lines: Vec<&str> = spot.text.lines().collect();
    if lines.len() <= 1 {
        let _ = writeln!(out, "  | {}", lines.first().copied().unwrap_or(""));
        let _ = writeln!(
            out,
            "    {}{}",
            " ".repeat(col),
            "^".repeat(spot.len.max(1))
        );
        return;
    }
    let first = line_no.saturating_sub(1);
    let last = (line_no + 1).min(lines.len() - 1);
    for (n, line) in lines.iter().enumerate().take(last + 1).skip(first) {
        let marker = if n == line_no { '>' } else { ' ' };
        let _ = writeln!(out, " {marker}{:>3} | {line}", n + 1);
        if n == line_no {
            let _ = writeln!(
                out,
                "        {}{}",
                " ".repeat(col),
                "^".repeat(spot.len.max(1))
            );
        }
    }
}

/// The operand stack with a `|` where each enclosing label's part begins.
fn stack_by_label(frame: &FrameView) -> String {
    if frame.operands.is_empty() {
        return "empty".into();
    }
    let mut parts = Vec::new();
    for (i, v) in frame.operands.iter().enumerate() {
        if i > 0 && frame.labels.iter().skip(1).any(|l| l.height == i) {
            parts.push("|".to_string());
        }
        parts.push(v.to_string());
    }
    parts.join(" ")
}

/// The `next:` line for a branch: `br_if $top: jumps back to the start of
/// loop $top (the condition i32:1 is not 0)`, or `... falls through`.
fn branch_line(branch: &BranchPreview) -> String {
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
        format!(", carrying {}", list(&branch.carried))
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

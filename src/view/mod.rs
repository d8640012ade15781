//! Views: session replies and errors rendered as text.
//!
//! Everything here produces plain, deterministic text (what transcripts
//! record). Colour is added by [`theme`] only when the output is a terminal.

pub mod bytes;
pub mod hexdump;
pub mod pause;
pub mod stepper;
pub mod theme;
pub mod trace;

use crate::session::{Reply, SessionError};
use crate::vm::Value;
use crate::vm::value::{format_f32, format_f64};
use std::fmt::Write as _;

/// A value as `TYPE:VALUE`, e.g. `i32:42`.
pub fn value_text(value: &Value) -> String {
    value.to_string()
}

/// The columns of one value in a stack or table view: type, decimal, and
/// for integers the hex form and the unsigned reading when it differs.
pub fn value_columns(value: &Value) -> (String, String, String) {
    match *value {
        Value::I32(v) => {
            let unsigned = if v < 0 {
                format!("  u32:{}", v as u32)
            } else {
                String::new()
            };
            (
                "i32".into(),
                v.to_string(),
                format!("0x{:x}{unsigned}", v as u32),
            )
        }
        Value::I64(v) => {
            let unsigned = if v < 0 {
                format!("  u64:{}", v as u64)
            } else {
                String::new()
            };
            (
                "i64".into(),
                v.to_string(),
                format!("0x{:x}{unsigned}", v as u64),
            )
        }
        Value::F32(bits) => ("f32".into(), format_f32(bits), String::new()),
        Value::F64(bits) => ("f64".into(), format_f64(bits), String::new()),
        Value::FuncRef(r) => (
            "funcref".into(),
            r.map_or("null".into(), |a| format!("func#{a}")),
            String::new(),
        ),
        Value::ExternRef(r) => (
            "externref".into(),
            r.map_or("null".into(), |a| a.to_string()),
            String::new(),
        ),
    }
}

/// Rows of values, aligned in columns, with an optional marker per row.
pub fn value_table(rows: &[(String, Value, bool)]) -> String {
    let cells: Vec<(String, String, String, String, bool)> = rows
        .iter()
        .map(|(label, v, changed)| {
            let (ty, dec, hex) = value_columns(v);
            (label.clone(), ty, dec, hex, *changed)
        })
        .collect();
    let w0 = cells.iter().map(|c| c.0.chars().count()).max().unwrap_or(0);
    let w1 = cells.iter().map(|c| c.1.len()).max().unwrap_or(0);
    let w2 = cells.iter().map(|c| c.2.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (label, ty, dec, hex, changed) in cells {
        let mut line = String::from("  ");
        if w0 > 0 {
            let _ = write!(line, "{label:<w0$}  ");
        }
        let _ = write!(line, "{ty:<w1$}  {dec:>w2$}");
        if !hex.is_empty() {
            let _ = write!(line, "  {hex}");
        }
        if changed {
            line.push_str("  <- changed");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Renders one reply as plain text (ending in a newline unless empty).
pub fn render_reply(reply: &Reply) -> String {
    match reply {
        Reply::Stack {
            values,
            changed_from,
        } => render_stack(values, *changed_from),
        Reply::Values(values) if values.is_empty() => "returned nothing\n".into(),
        Reply::Values(values) => {
            let rows: Vec<(String, Value, bool)> =
                values.iter().map(|v| (String::new(), *v, false)).collect();
            format!("returned:\n{}", value_table(&rows))
        }
        Reply::Note(note) => format!("{note}\n"),
        Reply::Text(text) if text.ends_with('\n') || text.is_empty() => text.clone(),
        Reply::Text(text) => format!("{text}\n"),
        Reply::Bytes(rows) => bytes::render(rows),
        Reply::Error(error) => render_error(error),
        Reply::Pause(info) => pause::render(info),
        Reply::Breakpoints(points) => stepper::render_breakpoints(points),
        Reply::Backtrace(frames) => stepper::render_backtrace(frames),
        Reply::Trace(trace) => trace::render(trace),
        Reply::Quit => String::new(),
    }
}

/// The scratch stack, bottom first; new entries marked.
pub fn render_stack(values: &[Value], changed_from: usize) -> String {
    if values.is_empty() {
        return "stack: empty\n".into();
    }
    let rows: Vec<(String, Value, bool)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("[{i}]"), *v, i >= changed_from))
        .collect();
    format!(
        "stack (bottom to top):\n{}",
        value_table(&rows).replace("<- changed", "<- new")
    )
}

/// Renders an error: the message, the input line with a caret under the
/// problem, and any notes.
pub fn render_error(error: &SessionError) -> String {
    let mut out = format!("error: {}\n", error.message);
    if let Some(spot) = &error.spot {
        let (line_no, col) = crate::text::assemble::line_col(&spot.text, spot.offset);
        let line = spot.text.lines().nth(line_no).unwrap_or("");
        let width = spot
            .len
            .min(line.chars().count().saturating_sub(col).max(1));
        let gutter = if spot.text.lines().count() > 1 {
            format!("{:>3} | ", line_no + 1)
        } else {
            "  | ".into()
        };
        let _ = writeln!(out, "{gutter}{line}");
        let _ = writeln!(
            out,
            "{}{}{}",
            " ".repeat(gutter.len()),
            " ".repeat(col),
            "^".repeat(width)
        );
    }
    for note in &error.notes {
        for line in note.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{ErrorKind, SessionError, SourceSpot};

    #[test]
    fn stack_rows_show_hex_and_unsigned_readings() {
        let text = render_stack(&[Value::I32(40), Value::I32(-1)], 1);
        assert_eq!(
            text,
            "stack (bottom to top):\n  [0]  i32  40  0x28\n  [1]  i32  -1  0xffffffff  u32:4294967295  <- new\n"
        );
    }

    #[test]
    fn errors_point_at_the_token() {
        let error = SessionError {
            kind: ErrorKind::Syntax,
            message: "unknown operator or unexpected token".into(),
            spot: Some(SourceSpot {
                text: "i32.const 1 i32.ad".into(),
                offset: 12,
                len: 6,
            }),
            notes: vec![],
        };
        assert_eq!(
            render_error(&error),
            "error: unknown operator or unexpected token\n  | i32.const 1 i32.ad\n                ^^^^^^\n"
        );
    }
}

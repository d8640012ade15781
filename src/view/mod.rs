//! Views: session replies and errors rendered as text.
//!
//! Everything here produces plain, deterministic text (what transcripts
//! record). Colour is added by [`theme`] only when the output is a terminal.

pub mod bytes;
pub mod checks;
mod clip;
mod example;
pub mod hexdump;
mod listing;
pub mod markdown;
mod narrow_rows;
pub mod pause;
pub mod stepper;
pub mod styled;
pub mod theme;
pub mod trace;
mod values;
pub mod vector;
mod wrap;

use crate::session::{ErrorKind, FuncNames, Reply, Role, Session, SessionError, Span};
use crate::vm::Value;
use crate::vm::lanes::Shape;
use crate::vm::value::{AnyRef, format_f32, format_f64};
pub use styled::Styled;
pub use values::{render_stack, value_table, value_table_with};

/// The columns of one value in a stack or table view: type, decimal, and
/// for integers the hex form and the unsigned reading when it differs.
pub fn value_columns(value: &Value) -> (String, String, String) {
    value_columns_in(value, None, &FuncNames::default())
}

/// [`value_columns`], a `v128` read in `shape` (`i32x4` when none), a
/// function reference by its name in `names`.
pub fn value_columns_in(
    value: &Value,
    shape: Option<Shape>,
    names: &FuncNames,
) -> (String, String, String) {
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
        Value::V128(bits) => v128_columns(bits, shape.unwrap_or(Shape::I32x4)),
        Value::FuncRef(r) => (
            "funcref".into(),
            r.map_or("null".into(), |a| names.of(a)),
            String::new(),
        ),
        Value::ExternRef(r) => (
            "externref".into(),
            r.map_or("null".into(), |a| a.to_string()),
            String::new(),
        ),
        Value::ExnRef(r) => (
            "exnref".into(),
            r.map_or("null".into(), |a| names.exn(a)),
            String::new(),
        ),
        Value::AnyRef(None) => ("anyref".into(), "null".into(), String::new()),
        Value::AnyRef(Some(AnyRef::I31(bits))) => (
            "i31ref".into(),
            format!("i31 {}", AnyRef::i31_signed(bits)),
            String::new(),
        ),
        Value::AnyRef(Some(AnyRef::Struct(a) | AnyRef::Array(a))) => {
            ("ref".into(), names.object(a), String::new())
        }
        Value::AnyRef(Some(r @ AnyRef::Host(_))) => ("anyref".into(), r.to_string(), String::new()),
        Value::Null(heap) => (names.null_type(heap), "null".into(), String::new()),
    }
}

/// The columns of a `v128` read in `shape`: the type, the lanes, the hex.
pub fn v128_columns(bits: u128, shape: Shape) -> (String, String, String) {
    (
        format!("v128 {}", shape.name()),
        format!("[{}]", shape.lane_texts(bits).join(" ")),
        shape.hex(bits),
    )
}

/// Where rendered pieces go as they are made: `Ok(true)` to go on,
/// `Ok(false)` to stop there (the reader pressed q at the pager).
pub type Emit<'a> = dyn FnMut(Styled) -> std::io::Result<bool> + 'a;

/// The output of one evaluated input, with roles for a theme, as a
/// non-terminal shows it (transcripts, tests); memory rows are read from
/// `session`.
pub fn render_outcome(outcome: &Result<Vec<Reply>, SessionError>, session: &Session) -> Styled {
    let mut out = Styled::default();
    let _ = stream_outcome(outcome, None, session, &mut |piece| {
        out.append(piece);
        Ok(true)
    });
    out
}

/// The output of one evaluated input a piece at a time, for a terminal
/// `width` columns wide when there is one (documents wrap at spaces to fit
/// it, Markdown is laid out to it, memory rows and error lines are cut to
/// fit it): each reply, and each line of a
/// memory view as `session` makes it, goes to `emit` at once, so a 64 MiB
/// `:mem` is printed as it is made and never held whole (issue 13).
/// Returns whether `emit` took everything (`false`: it asked to stop).
///
/// # Errors
/// The first error `emit` returned.
pub fn stream_outcome(
    outcome: &Result<Vec<Reply>, SessionError>,
    width: Option<usize>,
    session: &Session,
    emit: &mut Emit<'_>,
) -> std::io::Result<bool> {
    match outcome {
        Ok(replies) => {
            for reply in replies {
                let done = match reply {
                    Reply::Memory(window) => {
                        let lines = session.memory_lines(window);
                        listing::memory_window(window, lines, width, emit)?
                    }
                    other => emit(render_reply_in(other, width))?,
                };
                if !done {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Err(error) => emit(render_error_in(error, width)),
    }
}

/// Renders one reply that holds all its data (ending in a newline unless
/// empty); a memory view, whose rows the session makes, is [`stream_outcome`]'s.
fn render_reply_in(reply: &Reply, width: Option<usize>) -> Styled {
    let mut out = Styled::default();
    match reply {
        Reply::Stack {
            values,
            shapes,
            changed_from,
            names,
        } => return render_stack(values, shapes, *changed_from, names, width),
        Reply::Values(values, _) if values.is_empty() => out.plain_text("returned nothing\n"),
        Reply::Values(values, names) => {
            out.plain_text("returned:\n");
            let rows: Vec<(String, Value, bool)> =
                values.iter().map(|v| (String::new(), *v, false)).collect();
            value_table(&mut out, &rows, "<- changed", &[], names, width);
        }
        // A note is prose: `$i = i32:1  (was i32:0) by ...` has no columns.
        Reply::Note(note) => prose(&mut out, note, width),
        Reply::Console(lines) => {
            for line in lines {
                out.push("console.log: ", Role::Dim);
                out.plain_text(format!("{line}\n"));
            }
        }
        Reply::Rows(rows) => listing::rows(&mut out, rows, width),
        // Its rows come from the session: `stream_outcome` renders it.
        Reply::Memory(_) => {}
        Reply::Memories(memories) => listing::memories(&mut out, memories, width),
        Reply::Instances(instances) => listing::instances(&mut out, instances, width),
        Reply::Regions(regions) => listing::regions(&mut out, regions),
        Reply::HostObject(modules) => listing::host_object(&mut out, modules, width),
        Reply::Threads(threads) => listing::threads(&mut out, threads, width),
        Reply::Wat(text) => {
            wat(&mut out, text);
            if !text.ends_with('\n') && !text.is_empty() {
                out.plain_text("\n");
            }
        }
        Reply::Doc(doc) => return render_doc(doc, width),
        Reply::Markdown(text) => {
            return markdown::render(text, width.unwrap_or(markdown::PLAIN_WIDTH));
        }
        Reply::Bytes(rows) => out.plain_text(bytes::render(rows, width)),
        Reply::Error(error) => return render_error_in(error, width),
        Reply::Pause(info) => marked_lines(&mut out, &pause::render(info, width)),
        Reply::NextBranch(branch, names) => {
            marked_lines(&mut out, &pause::render_next_branch(branch, names, width));
        }
        Reply::Breakpoints(points) => out.plain_text(stepper::render_breakpoints(points)),
        Reply::Examine(examined) => out.plain_text(stepper::render_examined(examined)),
        // Broken at spaces, `(byte 0x24)` kept whole (a long file path made
        // the terminal cut it).
        Reply::Backtrace(frames) => {
            let text = stepper::render_backtrace(frames);
            prose(&mut out, text.trim_end_matches('\n'), width);
        }
        Reply::Frame(frame) => out.plain_text(stepper::render_frame(frame, width)),
        Reply::Trace(trace) => {
            for line in trace::render(trace).lines() {
                let line = [Span {
                    text: line.to_string(),
                    role: Role::Plain,
                }];
                for line in wrapped_with(&line, width, wrap::prose) {
                    out.append(line);
                }
            }
        }
        Reply::Checks(report) => return checks::render(report, width),
        Reply::Quit => {}
    }
    out
}

/// WAT text, its keywords, names and numbers tagged from the lexer.
pub(crate) fn wat(out: &mut Styled, text: &str) {
    use crate::text::lex::{TokenKind, tokens};
    for token in tokens(text) {
        let role = match token.kind {
            TokenKind::Keyword => Role::Keyword,
            TokenKind::Name => Role::Name,
            TokenKind::Number => Role::Number,
            TokenKind::Comment => Role::Dim,
            _ => Role::Plain,
        };
        out.push(&text[token.range], role);
    }
}

/// Text whose caret lines (`^^^`, under a spot or a changed byte) mark change.
fn marked_lines(out: &mut Styled, text: &str) {
    for line in text.split_inclusive('\n') {
        let role = if line.trim_start().starts_with('^') {
            Role::Changed
        } else if line.starts_with("trap: ") {
            Role::Trap
        } else {
            Role::Plain
        };
        out.push(line, role);
    }
}

/// Renders an error: the message, the input line with a caret under the
/// problem, and any notes.
pub fn render_error(error: &SessionError) -> Styled {
    render_error_in(error, None)
}

/// [`render_error`] for a terminal `width` columns wide: the message and
/// notes wrap at spaces, a long input line is cut around the caret.
pub fn render_error_in(error: &SessionError, width: Option<usize>) -> Styled {
    let mut out = Styled::default();
    let role = if matches!(error.kind, ErrorKind::Trap | ErrorKind::Exception) {
        Role::Trap
    } else {
        Role::Error
    };
    let text = |line: &str, role: Role| Span {
        text: line.to_string(),
        role,
    };
    let message = [text(&format!("error: {}", error.message), role)];
    for line in wrapped_with(&message, width, wrap::prose) {
        out.append(line);
    }
    if let Some(spot) = &error.spot {
        // A message located in a file (`f.wat:1:5: ...`) numbers even a
        // one-line file's line, as it does every other line of a file.
        let (line, col) = crate::text::assemble::line_col(&spot.text, spot.offset);
        let in_file = error
            .message
            .contains(&format!(":{}:{}: ", line + 1, col + 1));
        marked_source(&mut out, spot, "", width, role, in_file);
    }
    for note in &error.notes {
        for line in note.lines() {
            let line = [text(&format!("  {line}"), Role::Plain)];
            for line in wrapped_with(&line, width, wrap::prose) {
                out.append(line);
            }
        }
    }
    out
}

/// The line of `spot.text` holding the spot, after `indent` and a gutter
/// (its line number when the text has several lines, or when `numbered`),
/// then a caret line under the spot in `role`; cut around the spot to fit `width`.
pub(super) fn marked_source(
    out: &mut Styled,
    spot: &crate::session::SourceSpot,
    indent: &str,
    width: Option<usize>,
    role: Role,
    numbered: bool,
) {
    let (line_no, col) = crate::text::assemble::line_col(&spot.text, spot.offset);
    let line = spot.text.lines().nth(line_no).unwrap_or("");
    let len = spot
        .len
        .min(line.chars().count().saturating_sub(col).max(1));
    let gutter = if numbered || spot.text.lines().count() > 1 {
        format!("{indent}{:>3} | ", line_no + 1)
    } else {
        format!("{indent}  | ")
    };
    let room = width.map(|w| w.saturating_sub(gutter.len()));
    let (line, col, len) = clip::around(line, col, len, room);
    out.push(gutter.clone(), Role::Dim);
    out.plain_text(format!("{line}\n"));
    out.plain_text(format!("{}{}", " ".repeat(gutter.len()), " ".repeat(col)));
    out.push("^".repeat(len), role);
    out.plain_text("\n");
}

/// One line of a document (spans), wrapped at spaces to `width` when there
/// is one (see [`wrap::wrap_line`]), each line ending in a newline.
/// A document (help, a listing) laid out for a terminal `width` wide when
/// there is one, as the workbench shows it (`watlab lesson` too).
pub fn render_doc(doc: &crate::session::Doc, width: Option<usize>) -> Styled {
    let mut out = Styled::default();
    for line in &doc.lines {
        for line in wrapped(line, width) {
            out.append(line);
        }
    }
    out
}

fn wrapped(line: &[Span], width: Option<usize>) -> Vec<Styled> {
    wrapped_with(line, width, wrap::wrap_line)
}

/// Each line of `text` as prose (see [`wrap::prose`]) for a terminal
/// `width` wide when there is one.
fn prose(out: &mut Styled, text: &str, width: Option<usize>) {
    for line in text.split('\n') {
        let line = [Span {
            text: line.to_string(),
            role: Role::Plain,
        }];
        for line in wrapped_with(&line, width, wrap::prose) {
            out.append(line);
        }
    }
}

/// [`wrapped`], laid out by `layout`.
fn wrapped_with(
    line: &[Span],
    width: Option<usize>,
    layout: fn(&[Span], usize) -> Vec<Vec<wrap::Piece>>,
) -> Vec<Styled> {
    let lines = match width {
        Some(width) => layout(line, width),
        None => vec![line.iter().map(|s| (s.text.clone(), s.role)).collect()],
    };
    lines
        .into_iter()
        .map(|pieces| {
            let mut out = Styled::default();
            for (text, role) in pieces {
                out.push(text, role);
            }
            out.plain_text("\n");
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{ErrorKind, SessionError, SourceSpot};

    #[test]
    fn a_backtrace_on_a_narrow_terminal_breaks_between_words_never_in_its_byte_offset() {
        let frame = crate::session::stepper::BacktraceFrame {
            name: "$sq".into(),
            args: Some(vec!["n=5".into()]),
            at: Some("/tmp/some/longer/path/to/it/f.wat:3:15".into()),
            offset: 0x24,
            selected: false,
        };
        let text = render_reply_in(&Reply::Backtrace(vec![frame]), Some(60)).plain();
        assert_eq!(
            text,
            "#0 $sq (n=5) at /tmp/some/longer/path/to/it/f.wat:3:15\n  (byte 0x24)\n"
        );
    }

    #[test]
    fn stack_rows_show_hex_and_unsigned_readings() {
        let text = render_stack(
            &[Value::I32(40), Value::I32(-1)],
            &[],
            1,
            &Default::default(),
            None,
        )
        .plain();
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
            render_error(&error).plain(),
            "error: unknown operator or unexpected token\n  | i32.const 1 i32.ad\n                ^^^^^^\n"
        );
    }

    #[test]
    fn on_a_narrow_terminal_errors_wrap_and_the_line_is_cut_around_the_caret() {
        let text = "i32.const 1 i32.const 2 i32.const 3 i32.const 4 i32.const 5 i64.add drop drop";
        let error = SessionError {
            kind: ErrorKind::Syntax,
            message: "i64.add needs [i64 i64] on top of the stack, but the top is [i32 i32]".into(),
            spot: Some(SourceSpot {
                text: text.into(),
                offset: text.find("i64.add").unwrap_or(0),
                len: 7,
            }),
            notes: vec![],
        };
        assert_eq!(
            render_error_in(&error, Some(40)).plain(),
            "error: i64.add needs [i64 i64] on top of\n  the stack, but the top is [i32 i32]\n  | …st 4 i32.const 5 i64.add drop drop\n                      ^^^^^^^\n"
        );
        assert_eq!(render_error_in(&error, None), render_error(&error));
    }
}

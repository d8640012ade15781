//! Values in aligned columns: the scratch stack, locals, globals, what an
//! invocation returned. A row is its label's columns (`$g`, `mut`), the
//! type, the decimal reading (right-aligned), the hex and unsigned
//! readings, a change mark and any note (`imported from env.g`):
//!
//! ```text
//!   $counter  mut    i32  41  0x29  <- changed
//!   $limit    const  i64  -1  0xffffffffffffffff  u64:18446744073709551615
//! ```
//!
//! On a terminal too narrow for a row, the row goes on under its decimal
//! column (under its indentation plus four when that is past the middle or
//! leaves a cell no room), never inside a cell.

use super::{Styled, value_columns_in, wrap};
use crate::session::{FuncNames, Role};
use crate::vm::Value;
use crate::vm::lanes::Shape;
use std::fmt::Write as _;

/// Holds a cell's words together while a row is wrapped (a no-break space).
const HELD: &str = "\u{a0}";

/// Rows of values, aligned in columns; a changed row ends in `marker`; a
/// `v128` in row `i` is read in `shapes[i]` (`i32x4` when none); rows fit a
/// terminal `width` wide when there is one.
pub fn value_table(
    out: &mut Styled,
    rows: &[(String, Value, bool)],
    marker: &str,
    shapes: &[Option<Shape>],
    names: &FuncNames,
    width: Option<usize>,
) {
    let suffixes: Vec<Option<String>> = rows.iter().map(|_| None).collect();
    value_table_with(out, rows, marker, &suffixes, shapes, names, width);
}

/// [`value_table`], with text after some rows (`imported from env.g`); a
/// tab in a label separates its columns (`$g\tmut`), each aligned.
pub fn value_table_with(
    out: &mut Styled,
    rows: &[(String, Value, bool)],
    marker: &str,
    suffixes: &[Option<String>],
    shapes: &[Option<Shape>],
    names: &FuncNames,
    width: Option<usize>,
) {
    let cells: Vec<(Vec<String>, String, String, String, bool)> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, v, changed))| {
            let (ty, dec, hex) = value_columns_in(v, shapes.get(i).copied().flatten(), names);
            let label = label.split('\t').map(hold).collect();
            // A vector's hex lanes stay together, as its lane list does.
            let hex = match v {
                Value::V128(_) => hold(&hex),
                _ => hex,
            };
            (label, hold(&ty), hold(&dec), hex, *changed)
        })
        .collect();
    let count = |text: &String| text.chars().count();
    let label_widths: Vec<usize> = (0..cells.iter().map(|c| c.0.len()).max().unwrap_or(0))
        .map(|c| {
            let width = |cell: &(Vec<String>, _, _, _, _)| cell.0.get(c).map_or(0, count);
            cells.iter().map(width).max().unwrap_or(0)
        })
        .collect();
    let w1 = cells.iter().map(|c| count(&c.1)).max().unwrap_or(0);
    // Vectors' lane lists align among themselves, numbers among themselves:
    // a wide vector does not push every number's row past the terminal.
    let is_vector = |i: usize| matches!(rows.get(i), Some((_, Value::V128(_), _)));
    let widest = |vectors: bool| {
        (cells.iter().enumerate())
            .filter(|(i, _)| is_vector(*i) == vectors)
            .map(|(_, c)| count(&c.2))
            .max()
            .unwrap_or(0)
    };
    let (w_numbers, w_vectors) = (widest(false), widest(true));
    for (i, (label, ty, dec, hex, changed)) in cells.iter().enumerate() {
        let w2 = if is_vector(i) { w_vectors } else { w_numbers };
        let mut head = String::from("  ");
        for (c, width) in label_widths.iter().enumerate().filter(|(_, w)| **w > 0) {
            let text = label.get(c).map_or("", String::as_str);
            let _ = write!(head, "{text:<width$}  ");
        }
        let _ = write!(head, "{ty:<w1$}  ");
        // Where a row too wide goes on.
        let hang = head.chars().count();
        let role = if *changed { Role::Changed } else { Role::Plain };
        let row = |dec: &str, hex: &str| {
            let mut line = head.clone();
            // Numbers right-aligned; a lane list starts where its hex line does.
            match is_vector(i) {
                true => write!(line, "{dec:<w2$}"),
                false => write!(line, "{dec:>w2$}"),
            }
            .unwrap_or_default();
            if !hex.is_empty() {
                let _ = write!(line, "  {hex}");
            }
            if *changed {
                line.push_str("  ");
                line.push_str(&hold(marker));
            }
            let mut pieces = vec![(line.trim_end().to_string(), role)];
            if let Some(Some(suffix)) = suffixes.get(i) {
                pieces.push((format!("  {}", hold(suffix)), Role::Plain));
            }
            pieces
        };
        let pieces = row(dec, hex);
        let lines = match width {
            Some(width) if wrap::length(&pieces) > width => {
                // A vector whose hex would not fit under its lanes: the lanes
                // go on under the row's head too, the hex with or under them.
                let apart = is_vector(i) && hang + count(hex) > width && 6 + count(dec) <= width;
                let layout = |pieces: Vec<wrap::Piece>| match apart {
                    true => std::iter::once(vec![(head.trim_end().to_string(), role)])
                        .chain(hanging_row(&without_head(pieces, &head), 6, width))
                        .collect(),
                    false => hanging_row(&pieces, hang, width),
                };
                let lines: Vec<Vec<wrap::Piece>> = layout(pieces);
                // A lane list wider than the terminal breaks between lanes,
                // never inside a number.
                let free = |cell: &str| match cell.chars().count() + 6 > width {
                    true => cell.replace(HELD, " "),
                    false => cell.to_string(),
                };
                match lines.iter().any(|l| wrap::length(l) > width) {
                    true => layout(row(&free(dec), &free(hex))),
                    false => lines,
                }
            }
            _ => vec![pieces],
        };
        for line in lines {
            for (text, role) in line {
                out.push(text.replace(HELD, " "), role);
            }
            out.plain_text("\n");
        }
    }
}

/// A row's `pieces` wrapped to `width`, going on under its decimal column
/// (`hang`) when that is in the first half and leaves its widest cell room,
/// else under six spaces.
fn hanging_row(pieces: &[wrap::Piece], hang: usize, width: usize) -> Vec<Vec<wrap::Piece>> {
    let widest = pieces
        .iter()
        .flat_map(|(text, _)| text.split(' '))
        .map(|cell| cell.chars().count())
        .max()
        .unwrap_or(0);
    let fits = hang <= width / 2 && hang + widest <= width;
    wrap::hanging(pieces, width, if fits { hang } else { 6 })
}

/// A row's `pieces` without its `head`, indented six to go on under it.
fn without_head(mut pieces: Vec<wrap::Piece>, head: &str) -> Vec<wrap::Piece> {
    if let Some((text, _)) = pieces.first_mut() {
        *text = format!("      {}", text.strip_prefix(head).unwrap_or(text));
    }
    pieces
}

/// `text` with its spaces held (no-break).
fn hold(text: &str) -> String {
    text.replace(' ', HELD)
}

/// The scratch stack, bottom first, vectors in their `shapes`, function
/// references by their `names`; new entries marked; for a terminal `width`
/// wide when there is one.
pub fn render_stack(
    values: &[Value],
    shapes: &[Option<Shape>],
    changed_from: usize,
    names: &FuncNames,
    width: Option<usize>,
) -> Styled {
    let mut out = Styled::default();
    if values.is_empty() {
        out.plain_text("stack: empty\n");
        return out;
    }
    let rows: Vec<(String, Value, bool)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("[{i}]"), *v, i >= changed_from))
        .collect();
    out.plain_text("stack (bottom to top):\n");
    value_table(&mut out, &rows, "<- new", shapes, names, width);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_list_wider_than_the_terminal_breaks_between_lanes() {
        let hundreds = Value::V128(u128::from_le_bytes([100; 16]));
        let out = render_stack(
            &[hundreds],
            &[Some(Shape::I8x16)],
            1,
            &FuncNames::default(),
            Some(60),
        );
        assert_eq!(
            out.plain(),
            "stack (bottom to top):
  [0]  v128 i8x16  [100 100 100 100 100 100 100 100 100 100
      100 100 100 100 100 100]
      hex[64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64]
"
        );
    }

    #[test]
    fn label_columns_align_name_and_mutability() {
        let rows = [
            ("$a\tmut".to_string(), Value::I32(1), false),
            ("$limit\tconst".to_string(), Value::I64(-1), true),
        ];
        let mut out = Styled::default();
        value_table(
            &mut out,
            &rows,
            "<- changed",
            &[],
            &FuncNames::default(),
            None,
        );
        assert_eq!(
            out.plain(),
            "  $a      mut    i32   1  0x1\n  $limit  const  i64  -1  0xffffffffffffffff  u64:18446744073709551615  <- changed\n"
        );
    }

    #[test]
    fn a_row_too_wide_goes_on_under_its_value_never_inside_a_cell() {
        let rows = [
            ("$a\tmut".to_string(), Value::I32(1), false),
            ("$limit\tconst".to_string(), Value::I64(-1), true),
            ("$v\tmut".to_string(), Value::V128(1), false),
        ];
        let suffixes = [None, None, Some("imported from env.v".to_string())];
        let mut out = Styled::default();
        let names = FuncNames::default();
        value_table_with(
            &mut out,
            &rows,
            "<- changed",
            &suffixes,
            &[],
            &names,
            Some(60),
        );
        let text = out.plain();
        assert_eq!(
            text,
            "  $a      mut    i32          1  0x1
  $limit  const  i64         -1  0xffffffffffffffff
                             u64:18446744073709551615
                             <- changed
  $v      mut    v128 i32x4
      [1 0 0 0]  hex[00000001 00000000 00000000 00000000]
      imported from env.v
"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        // Past the middle, a row goes on under its indentation plus four.
        let mut out = Styled::default();
        value_table_with(
            &mut out,
            &rows[1..2],
            "<- changed",
            &[],
            &[],
            &names,
            Some(40),
        );
        assert_eq!(
            out.plain(),
            "  $limit  const  i64  -1\n      0xffffffffffffffff\n      u64:18446744073709551615\n      <- changed\n"
        );
        let changed = out.pieces().iter().find(|(t, _)| t.contains("<- changed"));
        assert_eq!(changed.map(|(_, r)| *r), Some(Role::Changed));
    }
}

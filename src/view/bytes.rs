//! The `:bytes` view: explained rows rendered in the style of
//! `wasm-tools dump`, one aligned line per row:
//!
//! ```text
//! 0x0018 | 41          |       i32.const
//! 0x0019 | 2a          |         i32 literal 42 (signed LEB128)
//! ```

use std::fmt::Write as _;

use crate::binary::{ByteRow, Float, Meaning, Part};
use crate::vm::value::{format_f32, format_f64};

/// At most this many bytes are shown on one rendered line.
const BYTES_PER_LINE: usize = 8;

/// Plain text, one line per row: `0x0012 | 41 2a          | i32.const 42`.
///
/// The meaning is indented by two spaces per depth level; the hex column is
/// padded to fit the widest row. Rows longer than 8 bytes are wrapped onto
/// continuation lines (with their own offsets and an empty meaning). Every
/// line ends with a newline; trailing spaces are trimmed.
pub fn render(rows: &[ByteRow]) -> String {
    let last = rows.iter().map(|r| r.range().end).max().unwrap_or(0);
    let offset_width = format!("{last:x}").len().max(4);
    let widest = rows
        .iter()
        .map(|r| r.bytes.len().min(BYTES_PER_LINE))
        .max()
        .unwrap_or(1)
        .max(1);
    let hex_width = widest * 3 - 1;

    let mut out = String::new();
    for row in rows {
        let mut line = |offset: usize, chunk: &[u8], meaning: &str| {
            let hex = chunk
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ");
            let text = format!("0x{offset:0offset_width$x} | {hex:<hex_width$} | {meaning}");
            out.push_str(text.trim_end());
            out.push('\n');
        };
        let meaning = format!("{}{}", "  ".repeat(row.depth), meaning_text(&row.meaning));
        if row.bytes.is_empty() {
            line(row.offset, &[], &meaning);
        }
        for (i, chunk) in row.bytes.chunks(BYTES_PER_LINE).enumerate() {
            let offset = row.offset.saturating_add(i * BYTES_PER_LINE);
            line(offset, chunk, if i == 0 { &meaning } else { "" });
        }
    }
    out
}

/// A meaning as plain words: parts joined, names quoted, floats written by
/// the one float formatter, data shown as an ASCII preview.
pub fn meaning_text(meaning: &Meaning) -> String {
    let mut s = String::new();
    for part in &meaning.0 {
        match part {
            Part::Text(text) | Part::Instruction(text) | Part::Type(text) => s.push_str(text),
            Part::Int(n) => {
                let _ = write!(s, "{n}");
            }
            Part::Float(Float::F32(bits)) => s.push_str(&format_f32(*bits)),
            Part::Float(Float::F64(bits)) => s.push_str(&format_f64(*bits)),
            Part::Name(name) => {
                let _ = write!(s, "{name:?}");
            }
            Part::Data(bytes) => s.push_str(&ascii_preview(bytes)),
        }
    }
    s
}

/// Bytes as a quoted, escaped ASCII preview (at most 48 bytes).
fn ascii_preview(bytes: &[u8]) -> String {
    const MAX: usize = 48;
    let mut s = String::from("\"");
    for &b in bytes.iter().take(MAX) {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(char::from(b)),
            _ => {
                let _ = write!(s, "\\{b:02x}");
            }
        }
    }
    s.push('"');
    if bytes.len() > MAX {
        s.push_str("...");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::{explain, explain_function_body, tests::sample_modules};

    fn wasm(src: &str) -> Vec<u8> {
        match wat::parse_str(src) {
            Ok(bytes) => bytes,
            Err(e) => panic!("test module does not assemble: {e}"),
        }
    }

    fn rows_of(module: &[u8]) -> Vec<ByteRow> {
        match explain(module) {
            Ok(rows) => rows,
            Err(e) => panic!("explain failed: {e}"),
        }
    }

    #[test]
    fn every_row_gets_at_least_one_line() {
        for src in sample_modules() {
            let rows = rows_of(&wasm(src));
            let text = render(&rows);
            assert!(text.lines().count() >= rows.len(), "{text}");
            assert!(text.lines().all(|l| l.starts_with("0x")), "{text}");
        }
    }

    #[test]
    fn i32_const_42_body_lines() {
        let module = wasm("(module (func (result i32) (i32.const 42)))");
        let body = match explain_function_body(&module, 0) {
            Ok(rows) => rows,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            render(&body),
            "\
0x0016 | 04 | function 0 body size: 4 bytes
0x0017 | 00 |   0 local declarations
0x0018 | 41 |   i32.const
0x0019 | 2a |     i32 literal 42 (signed LEB128)
0x001a | 0b |   end (function body)
"
        );
    }

    #[test]
    fn meanings_quote_names_preview_data_and_format_floats() {
        let name = Meaning::text("export name ").and(Part::Name("a\"b".into()));
        assert_eq!(meaning_text(&name), r#"export name "a\"b""#);
        let data = Meaning::text("data ").and(Part::Data(b"hi\n\0\\".to_vec()));
        assert_eq!(meaning_text(&data), r#"data "hi\0a\00\\""#);
        let long = Meaning::of(Part::Data(vec![b'x'; 50]));
        assert_eq!(meaning_text(&long), format!("\"{}\"...", "x".repeat(48)));
        let tiny = Meaning::of(Part::Float(Float::F64(1e-7f64.to_bits())));
        assert_eq!(meaning_text(&tiny), "0.0000001");
        let nan = Meaning::of(Part::Float(Float::F32(0xffa0_0000)));
        assert_eq!(meaning_text(&nan), "-nan:0x200000");
        let count = Meaning::count(3, "type", "types").and(Part::Type(" i32".into()));
        assert_eq!(meaning_text(&count), "3 types i32");
    }

    #[test]
    fn render_pads_and_wraps() {
        let module = wasm(r#"(module (memory 1) (data (i32.const 0) "0123456789abcdefXYZ"))"#);
        let text = render(&rows_of(&module));
        let data_row = text
            .lines()
            .position(|l| l.contains("data \"0123456789abcdefXYZ\""))
            .unwrap_or_else(|| panic!("{text}"));
        let lines: Vec<&str> = text.lines().collect();
        // 19 bytes: 8 + 8 + 3, continuation lines have no meaning.
        assert!(
            lines[data_row].contains("| 30 31 32 33 34 35 36 37 |"),
            "{text}"
        );
        assert!(
            lines[data_row + 1].ends_with("| 38 39 61 62 63 64 65 66 |"),
            "{text}"
        );
        assert!(
            lines[data_row + 2].ends_with("| 58 59 5a                |"),
            "{text}"
        );
        // Every line has its separator columns at the same place.
        let bars: Vec<Vec<usize>> = lines
            .iter()
            .map(|l| l.match_indices(" | ").map(|(i, _)| i).take(2).collect())
            .collect();
        assert!(bars.iter().all(|b| !b.is_empty() && b[0] == 6), "{text}");
        assert!(
            bars.iter().filter(|b| b.len() == 2).all(|b| b[1] == 32),
            "{text}"
        );
        assert_eq!(
            lines[0],
            "0x0000 | 00 61 73 6d             | magic \"\\0asm\""
        );
        assert!(text.ends_with('\n'));
        assert!(lines.iter().all(|l| l == &l.trim_end()));
    }
}

//! The `:bytes` view: explained rows rendered in the style of
//! `wasm-tools dump`, one aligned line per row:
//!
//! ```text
//! 0x0018 | 41          |       i32.const
//! 0x0019 | 2a          |         i32 literal 42 (signed LEB128)
//! ```

use std::fmt::Write as _;

use super::wrap;
use crate::binary::{ByteRow, Float, Meaning, Part};
use crate::session::Role;
use crate::vm::value::{format_f32, format_f64};

/// At most this many bytes are shown on one rendered line.
const BYTES_PER_LINE: usize = 8;

/// On a terminal, fewer bytes a line when 8 would leave the meaning less
/// than this many columns.
const MIN_MEANING: usize = 30;

/// Plain text, one line per row: `0x0012 | 41 2a          | i32.const 42`.
///
/// The meaning is indented by two spaces per depth level; the hex column is
/// padded to fit the widest row. Rows longer than 8 bytes are wrapped onto
/// continuation lines (with their own offsets and an empty meaning). Every
/// line ends with a newline; trailing spaces are trimmed. On a terminal
/// `width` columns wide, a line shows 4 bytes when 8 would leave the
/// meaning too little room, and a meaning too long wraps at spaces within
/// its column, on the row's next lines.
pub fn render(rows: &[ByteRow], width: Option<usize>) -> String {
    let last = rows.iter().map(|r| r.range().end).max().unwrap_or(0);
    let offset_width = format!("{last:x}").len().max(4);
    let widest = |per_line: usize| {
        rows.iter()
            .map(|r| r.bytes.len().min(per_line))
            .max()
            .unwrap_or(1)
            .max(1)
    };
    // `0x0012 | ` + the hex column + ` | `.
    let meaning_at = |per_line: usize| 2 + offset_width + 3 + widest(per_line) * 3 - 1 + 3;
    let per_line = match width {
        Some(width) if meaning_at(BYTES_PER_LINE) + MIN_MEANING > width => BYTES_PER_LINE / 2,
        _ => BYTES_PER_LINE,
    };
    let hex_width = widest(per_line) * 3 - 1;
    let room = width.map(|w| w.saturating_sub(meaning_at(per_line)));

    let mut out = String::new();
    for row in rows {
        let indent = "  ".repeat(row.depth);
        let meaning = format!("{indent}{}", meaning_text(&row.meaning));
        let meanings: Vec<String> = match room {
            Some(room) if meaning.chars().count() > room => fit(&meaning, room, indent.len() + 2),
            _ => vec![meaning],
        };
        let chunks: Vec<&[u8]> = row.bytes.chunks(per_line).collect();
        for i in 0..chunks.len().max(meanings.len()).max(1) {
            let meaning = meanings.get(i).map_or("", String::as_str);
            let (offset, hex) = match chunks.get(i) {
                Some(chunk) => {
                    let offset = row.offset.saturating_add(i * per_line);
                    let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
                    (format!("0x{offset:0offset_width$x}"), hex.join(" "))
                }
                // A meaning's next line, under no bytes of its own.
                None if i > 0 => (" ".repeat(2 + offset_width), String::new()),
                None => (format!("0x{:0offset_width$x}", row.offset), String::new()),
            };
            let text = format!("{offset} | {hex:<hex_width$} | {meaning}");
            out.push_str(text.trim_end());
            out.push('\n');
        }
    }
    out
}

/// `meaning` in lines of at most `room` characters, the later ones indented
/// by `hang`: broken at spaces, and a word longer than that (a long name)
/// cut where the line ends.
fn fit(meaning: &str, room: usize, hang: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in wrap::hanging(&[(meaning.to_string(), Role::Plain)], room, hang) {
        let mut line: String = line.into_iter().map(|(text, _)| text).collect();
        while line.chars().count() > room && room > hang {
            let head: String = line.chars().take(room).collect();
            let rest: String = line.chars().skip(room).collect();
            out.push(head);
            line = format!("{}{rest}", " ".repeat(hang));
        }
        out.push(line);
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
            let text = render(&rows, None);
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
            render(&body, None),
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

    /// At 60 columns a line shows 4 bytes, and a long meaning goes on in its
    /// column on the row's next lines (under no offset once the bytes end),
    /// a name longer than the column cut where the line ends.
    #[test]
    fn at_sixty_columns_meanings_wrap_in_their_column() {
        let module = wasm(
            r#"(module (func (export "add_two_numbers_with_a_long_name") (result i32) (i32.const 1)))"#,
        );
        let text = render(&rows_of(&module), Some(60));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{text}");
        let bars = |l: &str| -> Vec<usize> { l.match_indices('|').map(|(i, _)| i).collect() };
        assert!(lines.iter().all(|l| bars(l) == bars(lines[0])), "{text}");
        let name = lines
            .iter()
            .position(|l| l.ends_with("export name"))
            .unwrap_or_else(|| panic!("{text}"));
        assert_eq!(
            &lines[name..name + 3],
            [
                "0x0017 | 61 64 64 5f |     export name",
                "0x001b | 74 77 6f 5f |       \"add_two_numbers_with_a_long_na",
                "0x001f | 6e 75 6d 62 |       me\"",
            ]
        );
        // Narrower, a one-byte row's meaning goes on under no offset.
        let text = render(&rows_of(&module), Some(40));
        let lines: Vec<&str> = text.lines().collect();
        let size = lines
            .iter()
            .position(|l| l.ends_with("| 20          |     export name"))
            .unwrap_or_else(|| panic!("{text}"));
        assert_eq!(
            &lines[size..size + 3],
            [
                "0x0016 | 20          |     export name",
                "       |             |       length: 32",
                "       |             |       bytes",
            ]
        );
    }

    #[test]
    fn render_pads_and_wraps() {
        let module = wasm(r#"(module (memory 1) (data (i32.const 0) "0123456789abcdefXYZ"))"#);
        let text = render(&rows_of(&module), None);
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

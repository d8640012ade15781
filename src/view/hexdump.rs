//! Rendering of a linear-memory region as text, for the `:mem` command.
//!
//! This module is pure: it knows nothing about terminals or colour. The
//! session's [`crate::session::memory_rows::lines`] gives structured [`Line`]s one at a time;
//! [`RowLayout::line`] turns each into deterministic plain text as it comes (so
//! a 64 MiB view is printed as it is made, issue 13), and [`render_plain`] is
//! the same for a whole slice, for transcripts, tests and non-terminals.
//!
//! # Plain-text format
//!
//! A byte view (`:mem 0 32`, after a function stored `0x2a` at address 16):
//!
//! ```text
//! -- page 0 (0x00000000) --
//! 00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................
//! 00000010: 2a00 0000 0000 0000 0000 0000 0000 0000  *...............
//!           ^^
//! ```
//!
//! - Rows are `xxd` style: 16 bytes per row, rows aligned to 16-byte
//!   addresses. On a terminal too narrow for that ([`render`] with its
//!   width: under 67 columns), each row is shown as two rows of 8 bytes (or
//!   four of 4), each with its address and ASCII column, and zero runs count
//!   those rows. The address is in hex, at least 8 digits, and every address
//!   in one rendering uses the same width so the columns line up. Bytes are
//!   in groups of two, then two spaces and an ASCII column (`.` for anything
//!   outside `0x20..=0x7e`). Bytes of a row outside the requested range are
//!   blank in both columns, so alignment holds. Trailing blanks are trimmed.
//! - Bytes written by the last input are marked by a line of `^^` under their
//!   hex digits. Colour cannot survive a transcript, a pipe or a test
//!   expectation, so the change is spelled out in the text itself; a
//!   colouring front end may replace the marker line with highlighting (it
//!   has [`Line::Row::changed`](Line::Row)).
//! - `-- page N (0x...) --` precedes the first line in each page the shown
//!   range starts in or enters, pages of the memory's own size (64 KiB unless
//!   it declares `(pagesize 1)`; pages smaller than a row get no label).
//! - Two or more consecutive rows that are fully inside the range, all zero
//!   and have no changed byte collapse into
//!   `* 3 zero rows (0x00000020..0x00000050)` (the end is exclusive). A run
//!   never spans a page boundary. A single zero row is shown as is.
//! - A typed view (`:mem 0 16 i32`) shows one element per line, read
//!   little-endian like JS typed arrays:
//!   `0x00000010  i32  42`, with `  <- changed` appended when any of its
//!   bytes changed. Floats are written exactly as the stack writes them
//!   ([`crate::vm::value::format_f64`]: `0.0000001`, `1e300`, `-0`, `inf`, `nan:0x200000`).
//!   Bytes left over at the end that
//!   do not make a whole element are reported in one line:
//!   `(2 trailing bytes at 0x0000000c ignored: i32 needs 4)`.
//! - A range that goes past the end of memory shows what exists, then
//!   `(memory ends at 0x00010000: 65536 bytes, 1 page)` (`3 pages of 1 byte`
//!   for a memory of 1-byte pages). A range that starts
//!   past the end shows only that line. An empty range shows nothing.
//!
//! Nothing here panics, whatever the addresses and lengths.

use crate::session::Role;
#[cfg(test)]
use crate::session::memory_rows::{DumpRequest, Elem, Layout, dump};
use crate::session::memory_rows::{Line, MAX_LINES, MIN_ADDR_DIGITS, ROW};
use crate::vm::memory::pages_text;
use std::fmt::Write as _;
#[cfg(test)]
use std::ops::Range;

/// Plain text, deterministic, for transcripts and non-terminals: one text
/// line per line (plus a `^^` marker line under rows with changed bytes),
/// each ending in `\n`.
pub fn render_plain(lines: &[Line]) -> String {
    render(lines, None, MIN_ADDR_DIGITS)
}

/// [`render_plain`] for a terminal `columns` wide, with addresses at least
/// `digits` hex digits wide (16 for a 64-bit memory): a byte row that does
/// not fit is shown as two rows of 8 bytes (or four of 4), each with its own
/// address and ASCII column.
pub fn render(lines: &[Line], columns: Option<usize>, digits: usize) -> String {
    let layout = RowLayout::new(address_width(lines).max(digits), columns);
    let mut s = String::new();
    for line in layout.rows(lines.iter().cloned()) {
        layout.line(&mut s, &line);
    }
    s
}

/// How the lines of one rendering are laid out: the address width every
/// line shares and the bytes a row shows. Rendering line by line with one
/// layout gives the text [`render`] gives, so a long view can be printed as
/// it is made (issue 13) without holding its text.
#[derive(Clone, Copy, Debug)]
pub struct RowLayout {
    width: usize,
    per_row: usize,
    /// The terminal's width, when there is one: a typed line wider wraps.
    columns: Option<usize>,
}

impl RowLayout {
    /// Addresses of `digits` hex digits (at least 8), rows as wide as fit in
    /// `columns` (16 bytes when not a terminal).
    pub fn new(digits: usize, columns: Option<usize>) -> RowLayout {
        let width = digits.max(MIN_ADDR_DIGITS);
        RowLayout {
            width,
            per_row: columns.map_or(ROW as usize, |columns| bytes_per_row(width, columns)),
            columns,
        }
    }

    /// Hex digits an address needs (at least 8) to show `address`.
    pub fn digits_for(address: u64) -> usize {
        let digits = (64 - address.leading_zeros() as usize).div_ceil(4);
        digits.max(MIN_ADDR_DIGITS)
    }

    /// `lines` in the rows this layout shows: a byte row split into rows
    /// that fit, and zero rows folded in those rows (see [`super::narrow_rows`]).
    /// [`RowLayout::line`] writes what this gives.
    pub fn rows(&self, lines: impl Iterator<Item = Line>) -> impl Iterator<Item = Line> {
        super::narrow_rows::split_rows(lines, self.per_row)
    }

    /// Appends the text of one line to `s`: one or more text lines, each
    /// ending in `\n`.
    pub fn line(&self, s: &mut String, line: &Line) {
        let (width, per_row) = (self.width, self.per_row);
        let start = s.len();
        match line {
            Line::PageBoundary { page, address } => {
                let _ = write!(s, "-- page {page} (0x{address:0width$x}) --");
            }
            Line::Row {
                address,
                bytes,
                changed,
            } => {
                let mut first = true;
                for (i, part) in bytes.chunks(per_row).enumerate() {
                    if part.iter().all(Option::is_none) {
                        continue;
                    }
                    if !first {
                        trim_end_from(s, start);
                        s.push('\n');
                    }
                    first = false;
                    let at = i * per_row;
                    let marks = changed.get(at..).unwrap_or_default();
                    let address = address.saturating_add(at as u64);
                    render_row(s, width, address, part, marks, per_row);
                }
            }
            Line::ZeroRun { rows, from, to } => {
                let _ = write!(
                    s,
                    "* {rows} zero {} (0x{from:0width$x}..0x{to:0width$x})",
                    plural(*rows, "row", "rows"),
                );
            }
            Line::ZeroValues {
                count,
                elem,
                from,
                to,
            } => {
                let _ = write!(
                    s,
                    "* {count} zero {}s (0x{from:0width$x}..0x{to:0width$x})",
                    elem.name()
                );
            }
            Line::Typed {
                address,
                elem,
                value,
                changed,
            } => {
                let head = format!("0x{address:0width$x}  {:<3}  ", elem.name());
                let mark = if *changed { "  <-\u{a0}changed" } else { "" };
                let text = format!("{head}{value}{mark}");
                // The lanes of a vector go on under the first.
                let lines = match self.columns {
                    Some(columns) if text.chars().count() > columns => {
                        let hang = head.len();
                        let hang = if hang <= columns / 2 { hang } else { 4 };
                        super::wrap::hanging(&[(text, Role::Plain)], columns, hang)
                    }
                    _ => vec![vec![(text, Role::Plain)]],
                };
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        s.push('\n');
                    }
                    for (text, _) in line {
                        s.push_str(&text.replace('\u{a0}', " "));
                    }
                }
            }
            Line::Leftover {
                address,
                bytes,
                elem,
            } => {
                let _ = write!(
                    s,
                    "({bytes} trailing {} at 0x{address:0width$x} ignored: {} needs {})",
                    plural(*bytes, "byte", "bytes"),
                    elem.name(),
                    elem.size(),
                );
            }
            Line::Capped { next } => {
                let _ = write!(
                    s,
                    "(stopped after {} lines that are not zero; the rest starts at 0x{next:0width$x}: \
                     give :mem that address to see more)",
                    crate::session::grouped(MAX_LINES),
                );
            }
            Line::PastEnd {
                memory_len,
                page_size,
            } => {
                let _ = write!(
                    s,
                    "(memory ends at 0x{memory_len:0width$x}: {memory_len} {}",
                    plural(*memory_len, "byte", "bytes"),
                );
                if *page_size > 0 && memory_len % page_size == 0 {
                    let _ = write!(s, ", {}", pages_text(memory_len / page_size, *page_size));
                }
                s.push(')');
            }
        }
        trim_end_from(s, start);
        s.push('\n');
    }
}

/// The most bytes a row can show (16, 8 or 4) in `columns`, with addresses
/// of `digits` hex digits.
fn bytes_per_row(digits: usize, columns: usize) -> usize {
    // `ADDR: ` + hex in pairs with a space between pairs + 2 spaces + ASCII.
    let row = |n: usize| digits + 2 + 2 * n + (n / 2 - 1) + 2 + n;
    [16, 8]
        .into_iter()
        .find(|n| row(*n) <= columns)
        .unwrap_or(4)
}

/// One hex row of `slots` bytes, and its marker line when any byte changed.
fn render_row(
    s: &mut String,
    width: usize,
    address: u64,
    bytes: &[Option<u8>],
    changed: &[bool],
    slots: usize,
) {
    let slots = bytes.len().max(slots);
    let line_start = s.len();
    let _ = write!(s, "{address:0width$x}: ");
    let hex_start = s.len() - line_start;
    let mut marks = Vec::new();
    for i in 0..slots {
        if i > 0 && i % 2 == 0 {
            s.push(' ');
        }
        if changed.get(i).copied().unwrap_or(false) {
            marks.push(s.len() - line_start);
        }
        match bytes.get(i).copied().flatten() {
            Some(b) => {
                let _ = write!(s, "{b:02x}");
            }
            None => s.push_str("  "),
        }
    }
    s.push_str("  ");
    for i in 0..slots {
        s.push(match bytes.get(i).copied().flatten() {
            Some(b @ 0x20..=0x7e) => char::from(b),
            Some(_) => '.',
            None => ' ',
        });
    }
    if !marks.is_empty() {
        trim_end_from(s, line_start);
        s.push('\n');
        let mut marker = String::new();
        for col in marks {
            debug_assert!(col >= hex_start);
            while marker.len() < col {
                marker.push(' ');
            }
            marker.push_str("^^");
        }
        s.push_str(&marker);
    }
}

/// Address digits for this rendering: at least 8, enough for every address
/// that starts a line, so the columns line up.
fn address_width(lines: &[Line]) -> usize {
    let max = lines
        .iter()
        .map(|l| match l {
            Line::PageBoundary { address, .. }
            | Line::Row { address, .. }
            | Line::Typed { address, .. }
            | Line::Leftover { address, .. } => *address,
            Line::ZeroRun { from, .. } | Line::ZeroValues { from, .. } => *from,
            Line::Capped { next } => *next,
            Line::PastEnd { .. } => 0,
        })
        .max()
        .unwrap_or(0);
    RowLayout::digits_for(max)
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Removes trailing spaces from `s`, but not before byte `from`.
fn trim_end_from(s: &mut String, from: usize) {
    let keep = s[from..].trim_end_matches(' ').len();
    s.truncate(from + keep);
}

#[cfg(test)]
// `changed: &[16..17]` is a slice of one range on purpose.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn render(
        memory: &[u8],
        start: u64,
        len: u64,
        changed: &[Range<u64>],
        layout: Layout,
    ) -> String {
        render_plain(&dump(&DumpRequest {
            memory,
            start,
            len,
            changed,
            layout,
            page_size: 65536,
        }))
    }

    fn bytes(memory: &[u8], start: u64, len: u64, changed: &[Range<u64>]) -> String {
        render(memory, start, len, changed, Layout::Bytes)
    }

    fn typed(memory: &[u8], start: u64, len: u64, changed: &[Range<u64>], elem: Elem) -> String {
        render(memory, start, len, changed, Layout::Typed(elem))
    }

    /// `:mem 0x18 64` at 120 and at 60 columns: 16 bytes a row, then 8.
    #[test]
    fn narrow_terminals_get_fewer_bytes_a_row() {
        let mut memory = vec![0u8; 256];
        memory[0x1c..0x1c + 19].copy_from_slice(b"Hello, WebAssembly!");
        let lines = dump(&DumpRequest {
            memory: &memory,
            start: 0x18,
            len: 64,
            changed: &[0x20..0x22],
            layout: Layout::Bytes,
            page_size: 65536,
        });
        let wide = super::render(&lines, Some(120), MIN_ADDR_DIGITS);
        assert_eq!(wide, render_plain(&lines));
        assert_eq!(
            wide,
            "\
-- page 0 (0x00000000) --
00000010:                     0000 0000 4865 6c6c          ....Hell
00000020: 6f2c 2057 6562 4173 7365 6d62 6c79 2100  o, WebAssembly!.
          ^^^^
* 2 zero rows (0x00000030..0x00000050)
00000050: 0000 0000 0000 0000                      ........
"
        );
        let narrow = super::render(&lines, Some(60), MIN_ADDR_DIGITS);
        assert_eq!(
            narrow,
            "\
-- page 0 (0x00000000) --
00000018: 0000 0000 4865 6c6c  ....Hell
00000020: 6f2c 2057 6562 4173  o, WebAs
          ^^^^
00000028: 7365 6d62 6c79 2100  sembly!.
* 5 zero rows (0x00000030..0x00000058)
"
        );
        // Every run of zero rows folds alike, the half row after the last
        // whole zero row included (learner trial 12).
        assert!(narrow.lines().all(|l| l.chars().count() <= 60));
        // Narrower than a row of 8: byte rows of 4.
        let tiny = super::render(&lines, Some(30), MIN_ADDR_DIGITS);
        let rows = tiny.lines().filter(|l| l.starts_with('0'));
        assert!(rows.clone().all(|l| l.chars().count() <= 30), "{tiny}");
        assert_eq!(rows.count(), 6, "{tiny}");
        assert!(
            tiny.contains("00000020: 6f2c 2057  o, W\n          ^^^^\n00000024: "),
            "{tiny}"
        );
    }

    /// The issue's scenario: a function stores 0x2a at address 16, then
    /// `:mem 0 32` shows it, marked.
    #[test]
    fn store_at_16_is_marked() {
        let mut memory = vec![0u8; 65536];
        memory[16] = 0x2a;
        let changed = [16..17];
        let lines = dump(&DumpRequest {
            memory: &memory,
            start: 0,
            len: 32,
            changed: &changed,
            layout: Layout::Bytes,
            page_size: 65536,
        });
        let mut expected_changed = vec![false; 16];
        expected_changed[0] = true;
        let mut expected_bytes = vec![Some(0); 16];
        expected_bytes[0] = Some(0x2a);
        assert_eq!(
            lines[2],
            Line::Row {
                address: 16,
                bytes: expected_bytes,
                changed: expected_changed,
            }
        );
        assert_eq!(
            render_plain(&lines),
            "\
-- page 0 (0x00000000) --
00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................
00000010: 2a00 0000 0000 0000 0000 0000 0000 0000  *...............
          ^^
"
        );
    }

    #[test]
    fn store_of_four_bytes_is_marked() {
        let mut memory = vec![0u8; 64];
        memory[16] = 0x2a;
        assert_eq!(
            bytes(&memory, 16, 16, &[16..20]),
            "\
-- page 0 (0x00000000) --
00000010: 2a00 0000 0000 0000 0000 0000 0000 0000  *...............
          ^^^^ ^^^^
"
        );
    }

    #[test]
    fn crossing_a_page_boundary() {
        let mut memory = vec![0u8; 2 * 65536];
        for (k, b) in memory[0xfff8..0x10008].iter_mut().enumerate() {
            *b = b'A' + k as u8;
        }
        assert_eq!(
            bytes(&memory, 0xfff8, 16, &[0x10001..0x10002]),
            "\
-- page 0 (0x00000000) --
0000fff0:                     4142 4344 4546 4748          ABCDEFGH
-- page 1 (0x00010000) --
00010000: 494a 4b4c 4d4e 4f50                      IJKLMNOP
            ^^
"
        );
    }

    #[test]
    fn zero_rows_collapse() {
        let mut memory = vec![0u8; 256];
        memory[0x10] = 1;
        memory[0x50] = 2;
        // 0x80..0x84 was written, with zeros: not collapsed.
        assert_eq!(
            bytes(&memory, 0, 0xa0, &[0x80..0x84]),
            "\
-- page 0 (0x00000000) --
00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................
00000010: 0100 0000 0000 0000 0000 0000 0000 0000  ................
* 3 zero rows (0x00000020..0x00000050)
00000050: 0200 0000 0000 0000 0000 0000 0000 0000  ................
* 2 zero rows (0x00000060..0x00000080)
00000080: 0000 0000 0000 0000 0000 0000 0000 0000  ................
          ^^^^ ^^^^
00000090: 0000 0000 0000 0000 0000 0000 0000 0000  ................
"
        );
    }

    #[test]
    fn zero_runs_split_at_pages_and_partial_rows_stay() {
        let memory = vec![0u8; 3 * 65536];
        assert_eq!(
            bytes(&memory, 0xffc4, 0x80, &[]),
            "\
-- page 0 (0x00000000) --
0000ffc0:           0000 0000 0000 0000 0000 0000      ............
* 3 zero rows (0x0000ffd0..0x00010000)
-- page 1 (0x00010000) --
* 4 zero rows (0x00010000..0x00010040)
00010040: 0000 0000                                ....
"
        );
        // A whole page of zeros is two lines.
        assert_eq!(
            bytes(&memory, 65536, 65536, &[]),
            "\
-- page 1 (0x00010000) --
* 4096 zero rows (0x00010000..0x00020000)
"
        );
    }

    #[test]
    fn partial_first_row() {
        let memory: Vec<u8> = (0..32).map(|i| b'0' + i).collect();
        assert_eq!(
            bytes(&memory, 5, 8, &[6..7]),
            "\
-- page 0 (0x00000000) --
00000000:             35 3637 3839 3a3b 3c              56789:;<
                         ^^
"
        );
    }

    #[test]
    fn ascii_column() {
        let memory = *b"Hi \x00\x7f~\x80\xff0123456789";
        assert_eq!(
            bytes(&memory, 0, 16, &[]),
            "\
-- page 0 (0x00000000) --
00000000: 4869 2000 7f7e 80ff 3031 3233 3435 3637  Hi ..~..01234567
"
        );
    }

    #[test]
    fn typed_i32_with_leftover() {
        let mut memory = vec![0u8; 32];
        memory[0..4].copy_from_slice(&42i32.to_le_bytes());
        memory[4..8].copy_from_slice(&(-1i32).to_le_bytes());
        memory[8..12].copy_from_slice(&i32::MIN.to_le_bytes());
        assert_eq!(
            typed(&memory, 0, 14, &[5..6], Elem::I32),
            "\
-- page 0 (0x00000000) --
0x00000000  i32  42
0x00000004  i32  -1  <- changed
0x00000008  i32  -2147483648
(2 trailing bytes at 0x0000000c ignored: i32 needs 4)
"
        );
        assert_eq!(
            typed(&memory, 4, 4, &[], Elem::U32),
            "\
-- page 0 (0x00000000) --
0x00000004  u32  4294967295
"
        );
    }

    #[test]
    fn typed_u8_and_i8() {
        let memory = [0x00, 0x7f, 0x80, 0xff];
        assert_eq!(
            typed(&memory, 0, 4, &[3..4], Elem::U8),
            "\
-- page 0 (0x00000000) --
0x00000000  u8   0
0x00000001  u8   127
0x00000002  u8   128
0x00000003  u8   255  <- changed
"
        );
        assert_eq!(
            typed(&memory, 1, 3, &[], Elem::I8),
            "\
-- page 0 (0x00000000) --
0x00000001  i8   127
0x00000002  i8   -128
0x00000003  i8   -1
"
        );
    }

    #[test]
    fn typed_i16_unaligned() {
        // Little-endian: 2a 00 -> 42, ff ff -> -1, 00 80 -> -32768.
        let memory = [0x99, 0x2a, 0x00, 0xff, 0xff, 0x00, 0x80, 0x34, 0x12];
        assert_eq!(
            typed(&memory, 1, 8, &[], Elem::I16),
            "\
-- page 0 (0x00000000) --
0x00000001  i16  42
0x00000003  i16  -1
0x00000005  i16  -32768
0x00000007  i16  4660
"
        );
        assert_eq!(
            typed(&memory, 5, 2, &[6..7], Elem::U16),
            "\
-- page 0 (0x00000000) --
0x00000005  u16  32768  <- changed
"
        );
    }

    #[test]
    fn typed_f64() {
        let values: [u64; 10] = [
            1.5f64.to_bits(),
            (-0.1f64).to_bits(),
            (-0.0f64).to_bits(),
            0x7ff8_0000_0000_0000,       // canonical NaN
            0xfff8_0000_0000_0000,       // negative canonical NaN
            0x7ff0_0000_0000_0001,       // signalling NaN, payload 1
            f64::NEG_INFINITY.to_bits(), // -inf
            1e300f64.to_bits(),
            5e-324f64.to_bits(), // smallest subnormal
            123456.789f64.to_bits(),
        ];
        let memory: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(
            typed(&memory, 0, 80, &[24..25], Elem::F64),
            "\
-- page 0 (0x00000000) --
0x00000000  f64  1.5
0x00000008  f64  -0.1
0x00000010  f64  -0
0x00000018  f64  nan  <- changed
0x00000020  f64  -nan
0x00000028  f64  nan:0x1
0x00000030  f64  -inf
0x00000038  f64  1e300
0x00000040  f64  5e-324
0x00000048  f64  123456.789
"
        );
        assert_eq!(
            typed(&memory, 0, 12, &[], Elem::I64),
            "\
-- page 0 (0x00000000) --
0x00000000  i64  4609434218613702656
(4 trailing bytes at 0x00000008 ignored: i64 needs 8)
"
        );
    }

    /// `:mem ... as f64` and the stack write a float the same way (issue 9,
    /// item 7: the view once wrote `1e-7` where the stack wrote `0.0000001`).
    #[test]
    fn typed_floats_read_as_the_stack_writes_them() {
        use crate::vm::Value;
        let f64s = [
            1e-7f64.to_bits(),
            (-1e-7f64).to_bits(),
            (-0.0f64).to_bits(),
            1e300f64.to_bits(),
            1e20f64.to_bits(),
            5e-324f64.to_bits(),
            0x7ff0_0000_0000_0001,
            0xfff8_0000_0000_0000,
            f64::INFINITY.to_bits(),
        ];
        for bits in f64s {
            let (_, stack, _) = crate::view::value_columns(&Value::F64(bits));
            let view = typed(&bits.to_le_bytes(), 0, 8, &[], Elem::F64);
            assert_eq!(
                view,
                format!("-- page 0 (0x00000000) --\n0x00000000  f64  {stack}\n")
            );
        }
        let f32s = [
            1e-7f32.to_bits(),
            2.5e-10f32.to_bits(),
            f32::MAX.to_bits(),
            0xff80_0001,
        ];
        for bits in f32s {
            let (_, stack, _) = crate::view::value_columns(&Value::F32(bits));
            let view = typed(&bits.to_le_bytes(), 0, 4, &[], Elem::F32);
            assert_eq!(
                view,
                format!("-- page 0 (0x00000000) --\n0x00000000  f32  {stack}\n")
            );
        }
    }

    #[test]
    fn typed_f32() {
        let values: [u32; 8] = [
            0.1f32.to_bits(),
            16777216f32.to_bits(),
            1e30f32.to_bits(),
            0x7fa0_0000, // nan:0x200000
            0xffc0_0000, // -nan
            0xff80_0001, // -nan:0x1
            f32::INFINITY.to_bits(),
            (-2.5e-7f32).to_bits(),
        ];
        let memory: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(
            typed(&memory, 0, 32, &[], Elem::F32),
            "\
-- page 0 (0x00000000) --
0x00000000  f32  0.1
0x00000004  f32  16777216
0x00000008  f32  1e30
0x0000000c  f32  nan:0x200000
0x00000010  f32  -nan
0x00000014  f32  -nan:0x1
0x00000018  f32  inf
0x0000001c  f32  -0.00000025
"
        );
    }

    /// `:mem 0 32 as f32x4` on a 60-column terminal: the lanes of a row
    /// that does not fit go on under the first.
    #[test]
    fn typed_vectors_wrap_their_lanes_at_sixty_columns() {
        let values: [f32; 8] = [
            1.1431415e27,
            7.6482007e28,
            3.2460948e-12,
            1.7563698e25,
            1.0,
            2.0,
            3.0,
            4.0,
        ];
        let memory: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let lines = dump(&DumpRequest {
            memory: &memory,
            start: 0,
            len: 32,
            changed: &[0..4],
            layout: Layout::Typed(Elem::V128(crate::vm::lanes::Shape::F32x4)),
            page_size: 65536,
        });
        assert_eq!(
            super::render(&lines, Some(60), MIN_ADDR_DIGITS),
            "\
-- page 0 (0x00000000) --
0x00000000  f32x4  [1.1431415e27 7.6482007e28 3.2460948e-12
                   1.7563698e25]  <- changed
0x00000010  f32x4  [1 2 3 4]
"
        );
    }

    #[test]
    fn typed_crossing_a_page() {
        let memory = vec![0u8; 2 * 65536];
        assert_eq!(
            typed(&memory, 0xfffa, 12, &[], Elem::I32),
            "\
-- page 0 (0x00000000) --
0x0000fffa  i32  0
0x0000fffe  i32  0
-- page 1 (0x00010000) --
0x00010002  i32  0
"
        );
    }

    #[test]
    fn past_end() {
        let mut memory = vec![0u8; 65536];
        memory[0xfffc] = 0xab;
        assert_eq!(
            bytes(&memory, 0xfff0, 0x20, &[]),
            "\
-- page 0 (0x00000000) --
0000fff0: 0000 0000 0000 0000 0000 0000 ab00 0000  ................
(memory ends at 0x00010000: 65536 bytes, 1 page)
"
        );
        // Starting past the end: only the note.
        assert_eq!(
            bytes(&memory, 0x20000, 4, &[]),
            "(memory ends at 0x00010000: 65536 bytes, 1 page)\n"
        );
        assert_eq!(
            dump(&DumpRequest {
                memory: &memory,
                start: 65536,
                len: 1,
                changed: &[],
                layout: Layout::Bytes,
                page_size: 65536,
            }),
            vec![Line::PastEnd {
                memory_len: 65536,
                page_size: 65536
            }]
        );
        // Typed: whole elements that exist, the cut one, then the note.
        assert_eq!(
            typed(&memory, 0xfff8, 12, &[], Elem::I32),
            "\
-- page 0 (0x00000000) --
0x0000fff8  i32  0
0x0000fffc  i32  171
(memory ends at 0x00010000: 65536 bytes, 1 page)
"
        );
        assert_eq!(
            typed(&memory, 0xfffe, 4, &[], Elem::I32),
            "\
-- page 0 (0x00000000) --
(2 trailing bytes at 0x0000fffe ignored: i32 needs 4)
(memory ends at 0x00010000: 65536 bytes, 1 page)
"
        );
        assert_eq!(
            bytes(&[], 0, 1, &[]),
            "(memory ends at 0x00000000: 0 bytes, 0 pages)\n"
        );
        assert_eq!(
            bytes(&vec![0u8; 2 * 65536 + 1], 0x30000, u64::MAX, &[]),
            "(memory ends at 0x00020001: 131073 bytes)\n"
        );
        // Exactly up to the end is not past it.
        assert!(!bytes(&memory, 0xfff0, 0x10, &[]).contains("memory ends"));
    }

    #[test]
    fn empty_range_renders_nothing() {
        let memory = vec![1u8; 64];
        for layout in [Layout::Bytes, Layout::Typed(Elem::I32)] {
            for start in [0, 10, 64, 1000, u64::MAX] {
                let req = DumpRequest {
                    memory: &memory,
                    start,
                    len: 0,
                    changed: &[0..64],
                    layout,
                    page_size: 65536,
                };
                assert!(dump(&req).is_empty());
            }
        }
        assert_eq!(render_plain(&[]), "");
    }

    #[test]
    fn wide_addresses_widen_every_line() {
        let lines = [
            Line::PageBoundary {
                page: 0x10000,
                address: 0x1_0000_0000,
            },
            Line::Row {
                address: 0x1_0000_0000,
                bytes: vec![Some(0x41)],
                changed: vec![true],
            },
            Line::Typed {
                address: 0x10,
                elem: Elem::U8,
                value: "7".into(),
                changed: false,
            },
        ];
        assert_eq!(
            render_plain(&lines),
            "\
-- page 65536 (0x100000000) --
100000000: 41                                       A
           ^^
0x000000010  u8   7
"
        );
    }

    #[test]
    fn elem_names() {
        for e in Elem::ALL {
            assert_eq!(Elem::parse(e.name()), Some(e));
            assert_eq!(Elem::parse(&e.name().to_uppercase()), Some(e));
        }
        assert_eq!(Elem::parse(" f64 "), Some(Elem::F64));
        assert_eq!(Elem::parse("u64"), None);
        assert_eq!(Elem::parse(""), None);
        let sizes: Vec<usize> = Elem::ALL.iter().map(|e| e.size()).collect();
        assert_eq!(sizes, [1, 1, 2, 2, 4, 4, 8, 4, 8]);
    }

    /// `dump` and `render_plain` must never panic, and keep their shape,
    /// whatever the request.
    #[test]
    fn never_panics() {
        let nasty: &[u64] = &[
            0,
            1,
            2,
            3,
            7,
            15,
            16,
            17,
            31,
            65535,
            65536,
            65537,
            u64::from(u32::MAX),
            1 << 32,
            1 << 63,
            u64::MAX - 16,
            u64::MAX - 1,
            u64::MAX,
        ];
        let changed_sets: &[&[Range<u64>]] = &[
            &[],
            &[0..u64::MAX],
            // Reversed, hence empty.
            &[Range {
                start: u64::MAX,
                end: 0,
            }],
            &[5..5, 3..9, 2..4, 65530..65540],
            &[u64::MAX - 1..u64::MAX, 0..1],
        ];
        let layouts: Vec<Layout> = std::iter::once(Layout::Bytes)
            .chain(Elem::ALL.into_iter().map(Layout::Typed))
            .collect();
        let small_memories: [Vec<u8>; 4] = [
            vec![],
            vec![0xff],
            (0..17).collect(),
            (0..=255).cycle().take(100).collect(),
        ];
        let check = |memory: &[u8], start: u64, len: u64| {
            for changed in changed_sets {
                for &layout in &layouts {
                    let req = DumpRequest {
                        memory,
                        start,
                        len,
                        changed,
                        layout,
                        page_size: 65536,
                    };
                    let lines = dump(&req);
                    let text = render_plain(&lines);
                    let mem_len = memory.len() as u128;
                    let past = len > 0 && u128::from(start) + u128::from(len) > mem_len;
                    assert_eq!(
                        lines.last()
                            == Some(&Line::PastEnd {
                                memory_len: mem_len as u64,
                                page_size: 65536,
                            }),
                        past,
                        "{req:?}"
                    );
                    if len == 0 {
                        assert!(text.is_empty());
                    }
                    for line in &lines {
                        if let Line::Row { bytes, changed, .. } = line {
                            assert_eq!(bytes.len(), 16);
                            assert_eq!(changed.len(), 16);
                            assert!(bytes.iter().any(Option::is_some));
                        }
                    }
                }
            }
        };
        for memory in &small_memories {
            for &start in nasty {
                for &len in nasty {
                    check(memory, start, len);
                }
            }
        }
        // Around the end of a page-and-a-bit memory, where lines stay few.
        let big: Vec<u8> = (0..=255).cycle().take(65536 + 3).collect();
        for start in [65520, 65530, 65535, 65536, 65538, 65539, 65540, u64::MAX] {
            for &len in nasty {
                check(&big, start, len);
            }
        }
    }

    #[test]
    fn render_plain_accepts_odd_lines() {
        let lines = [
            Line::Row {
                address: u64::MAX,
                bytes: vec![],
                changed: vec![true; 40],
            },
            Line::Row {
                address: 0,
                bytes: vec![Some(1); 20],
                changed: vec![],
            },
            Line::ZeroRun {
                rows: 1,
                from: u64::MAX,
                to: 0,
            },
            Line::Typed {
                address: u64::MAX,
                elem: Elem::F64,
                value: String::new(),
                changed: true,
            },
            Line::Leftover {
                address: 0,
                bytes: 1,
                elem: Elem::I16,
            },
            Line::PastEnd {
                memory_len: u64::MAX,
                page_size: 65536,
            },
        ];
        let text = render_plain(&lines);
        assert!(text.contains("* 1 zero row (0xffffffffffffffff..0x0000000000000000)"));
        assert!(text.contains("(1 trailing byte at 0x0000000000000000 ignored: i16 needs 2)"));
        assert!(text.lines().all(|l| !l.ends_with(' ')));
    }
}

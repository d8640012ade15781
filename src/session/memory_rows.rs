//! A window of linear memory as rows with change marks: the data behind
//! `:mem`. [`lines`] turns a [`DumpRequest`] into structured [`Line`]s (hex rows,
//! typed elements, page boundaries, collapsed zero runs, where memory ends);
//! one at a time as they are asked for, so a 64 MiB view is printed as it is
//! made (issue 13); `view::hexdump` renders them (its module docs describe
//! the text format).
//! Nothing here panics, whatever the addresses and lengths.

use crate::vm::lanes::Shape;
use crate::vm::value::{format_f32, format_f64};
use std::collections::VecDeque;
use std::ops::Range;

/// Bytes per row of the byte view.
pub const ROW: u64 = 16;
/// Minimum number of hex digits in an address.
pub const MIN_ADDR_DIGITS: usize = 8;

/// How to read the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Raw bytes, `xxd` style.
    Bytes,
    /// One element of the given type per line.
    Typed(Elem),
}

/// Element type of a typed view, little-endian like JS typed arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Elem {
    /// Signed 8-bit integer.
    I8,
    /// Unsigned 8-bit integer.
    U8,
    /// Signed 16-bit integer.
    I16,
    /// Unsigned 16-bit integer.
    U16,
    /// Signed 32-bit integer.
    I32,
    /// Unsigned 32-bit integer.
    U32,
    /// Signed 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// A 128-bit vector, read as lanes in a shape (`:mem ... as v128`, `as f32x4`).
    V128(Shape),
}

impl Elem {
    /// Every scalar element type, in declaration order.
    pub const ALL: [Elem; 9] = [
        Elem::I8,
        Elem::U8,
        Elem::I16,
        Elem::U16,
        Elem::I32,
        Elem::U32,
        Elem::I64,
        Elem::F32,
        Elem::F64,
    ];

    /// Parses a type name as written in `:mem` (`i32`, `u8`, `f64`, ...),
    /// ignoring case and surrounding whitespace.
    pub fn parse(s: &str) -> Option<Elem> {
        let s = s.trim();
        Elem::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(s))
    }

    /// [`Elem::parse`], and also the vector types a memory view reads:
    /// `v128` (as `i32x4`) or a shape (`i8x16` ... `f64x2`).
    pub fn parse_view(s: &str) -> Option<Elem> {
        let s = s.trim().to_ascii_lowercase();
        if s == "v128" {
            return Some(Elem::V128(Shape::I32x4));
        }
        Elem::parse(&s).or_else(|| {
            Shape::ALL
                .into_iter()
                .find(|shape| shape.name() == s)
                .map(Elem::V128)
        })
    }

    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            Elem::I8 | Elem::U8 => 1,
            Elem::I16 | Elem::U16 => 2,
            Elem::I32 | Elem::U32 | Elem::F32 => 4,
            Elem::I64 | Elem::F64 => 8,
            Elem::V128(_) => 16,
        }
    }

    /// The lower-case name, as accepted by [`Elem::parse`].
    pub fn name(self) -> &'static str {
        match self {
            Elem::I8 => "i8",
            Elem::U8 => "u8",
            Elem::I16 => "i16",
            Elem::U16 => "u16",
            Elem::I32 => "i32",
            Elem::U32 => "u32",
            Elem::I64 => "i64",
            Elem::F32 => "f32",
            Elem::F64 => "f64",
            Elem::V128(shape) => shape.name(),
        }
    }

    /// Formats one element from exactly `self.size()` little-endian bytes;
    /// any other length gives `?`.
    pub fn format(self, b: &[u8]) -> String {
        fn arr<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
            b.try_into().ok()
        }
        let s = match self {
            Elem::I8 => arr::<1>(b).map(|a| i8::from_le_bytes(a).to_string()),
            Elem::U8 => arr::<1>(b).map(|a| u8::from_le_bytes(a).to_string()),
            Elem::I16 => arr::<2>(b).map(|a| i16::from_le_bytes(a).to_string()),
            Elem::U16 => arr::<2>(b).map(|a| u16::from_le_bytes(a).to_string()),
            Elem::I32 => arr::<4>(b).map(|a| i32::from_le_bytes(a).to_string()),
            Elem::U32 => arr::<4>(b).map(|a| u32::from_le_bytes(a).to_string()),
            Elem::I64 => arr::<8>(b).map(|a| i64::from_le_bytes(a).to_string()),
            Elem::F32 => arr::<4>(b).map(|a| format_f32(u32::from_le_bytes(a))),
            Elem::F64 => arr::<8>(b).map(|a| format_f64(u64::from_le_bytes(a))),
            Elem::V128(shape) => arr::<16>(b)
                .map(|a| format!("[{}]", shape.lane_texts(u128::from_le_bytes(a)).join(" "))),
        };
        s.unwrap_or_else(|| "?".to_string())
    }
}

/// What to show.
#[derive(Debug, Clone)]
pub struct DumpRequest<'a> {
    /// The whole memory.
    pub memory: &'a [u8],
    /// First address to show.
    pub start: u64,
    /// Number of bytes to show.
    pub len: u64,
    /// Byte ranges written by the last input; these are marked.
    pub changed: &'a [Range<u64>],
    /// How to read the bytes.
    pub layout: Layout,
    /// Bytes in one page of this memory: 65536, or 1 with custom page sizes.
    pub page_size: u64,
}

/// One rendered line with enough structure for a colouring front end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// `-- page 1 (0x00010000) --`: the following lines are in this page.
    PageBoundary {
        /// Page number.
        page: u64,
        /// Address of the page's first byte (`page * page_size`).
        address: u64,
    },
    /// A row of the byte view. `dump` always gives 16 entries in `bytes` and
    /// `changed`; `None` is a byte of the row outside the requested range.
    Row {
        /// Address of the row's first byte (a multiple of 16).
        address: u64,
        /// The row's bytes, `None` where outside the requested range.
        bytes: Vec<Option<u8>>,
        /// Whether each byte was written by the last input.
        changed: Vec<bool>,
    },
    /// `* 12 zero rows (0x00000100..0x000001c0)`: a collapsed run of rows.
    ZeroRun {
        /// Number of rows collapsed (at least 2 from `dump`).
        rows: u64,
        /// Address of the first collapsed byte.
        from: u64,
        /// Address just past the last collapsed byte.
        to: u64,
    },
    /// One element of a typed view.
    Typed {
        /// Address of the element's first byte.
        address: u64,
        /// Element type, for the type column.
        elem: Elem,
        /// The value as text.
        value: String,
        /// Whether any of its bytes was written by the last input.
        changed: bool,
    },
    /// `* 48 zero i32s (0x00000000..0x000000c0)`: a collapsed run of zero
    /// elements of a typed view, at least a row's worth of bytes.
    ZeroValues {
        /// Number of elements collapsed.
        count: u64,
        /// Their type.
        elem: Elem,
        /// Address of the first collapsed byte.
        from: u64,
        /// Address just past the last collapsed byte.
        to: u64,
    },
    /// Typed view: trailing bytes too few to make one more element.
    Leftover {
        /// Address of the first leftover byte.
        address: u64,
        /// Number of leftover bytes (less than `elem.size()`).
        bytes: u64,
        /// Element type of the view.
        elem: Elem,
    },
    /// The view stopped after [`MAX_LINES`] rows or values: `next` is the
    /// address of the first one not shown.
    Capped {
        /// Where the rest of the view starts.
        next: u64,
    },
    /// The range goes past the end of memory: this is where memory ends.
    PastEnd {
        /// Length of the memory in bytes.
        memory_len: u64,
        /// Bytes in one of its pages.
        page_size: u64,
    },
}

/// Most rows (or typed values) one view shows, 1 MiB of the byte view: past
/// them it stops with [`Line::Capped`], saying where the rest starts. Zero
/// runs and page labels do not count.
pub const MAX_LINES: u64 = 65536;

/// Renders the requested region as structured lines (see the module docs).
pub fn dump(req: &DumpRequest<'_>) -> Vec<Line> {
    lines(req).collect()
}

/// The lines of [`dump`], produced one at a time as they are asked for, so
/// showing a range costs the same memory whatever its length (issue 13).
pub fn lines<'a>(req: &DumpRequest<'a>) -> Lines<'a> {
    let memory_len = req.memory.len() as u64;
    let start = req.start;
    // Exact end of the request; u128 because start + len may overflow u64.
    let end = u128::from(start) + u128::from(req.len);
    let shown = (req.len > 0 && start < memory_len).then(|| {
        // Always <= memory_len, so it fits in u64.
        let shown_end = end.min(u128::from(memory_len)) as u64;
        Shown {
            memory: req.memory,
            start,
            end: shown_end,
            changed: Changed::new(req.changed, start, shown_end),
        }
    });
    let next = match req.layout {
        Layout::Bytes => start - start % ROW,
        Layout::Typed(_) => start,
    };
    Lines {
        finished: shown.is_none(),
        shown,
        layout: req.layout,
        next,
        pages: Pages {
            last: None,
            size: req.page_size.max(1),
        },
        run: None,
        label_due: None,
        lines_left: MAX_LINES,
        ready: VecDeque::new(),
        past_end: (req.len > 0 && end > u128::from(memory_len)).then_some(Line::PastEnd {
            memory_len,
            page_size: req.page_size,
        }),
    }
}

/// Most lines [`Lines`] holds before handing them out: a zero run, a page
/// label and a row.
#[cfg(test)]
const LINES_HELD: usize = 3;

/// The lines of one request, made as they are asked for ([`lines`]).
pub struct Lines<'a> {
    shown: Option<Shown<'a>>,
    layout: Layout,
    /// Address of the next row (bytes) or element (typed) to look at.
    next: u64,
    /// Whether every line of the shown part has been made.
    finished: bool,
    pages: Pages,
    /// Pending run of zero rows or typed elements: (first address, how many).
    run: Option<(u64, u64)>,
    /// The first address of a page entered whose label is not shown yet: a
    /// label comes before the page's first row that is not zero, so a run
    /// of zero rows goes on across pages as one line.
    label_due: Option<u64>,
    /// Rows or values still to show before the view stops ([`MAX_LINES`]).
    lines_left: u64,
    /// Lines made and not handed out yet: at most 3 (a zero run, a page
    /// label and a row).
    ready: VecDeque<Line>,
    /// The closing `PastEnd` line, when the range goes past the end.
    past_end: Option<Line>,
}

impl Lines<'_> {
    /// Lines made and not yet handed out.
    #[cfg(test)]
    fn held(&self) -> usize {
        self.ready.len()
    }

    /// The highest address a line of this request can start at, which
    /// sets the width of every address column.
    pub fn last_address(&self) -> u64 {
        self.shown.as_ref().map_or(0, |s| s.end.saturating_sub(1))
    }

    /// Makes the next row or element, queueing the lines it completes.
    fn advance(&mut self) {
        let Some(shown) = &self.shown else {
            self.finished = true;
            return;
        };
        match self.layout {
            Layout::Bytes => {
                let row = self.next;
                if row >= shown.end {
                    flush_zero_run(&mut self.run, &mut self.ready);
                    self.finished = true;
                    return;
                }
                let row_end = row.saturating_add(ROW);
                // The view's first page is labelled at once, later ones
                // before their first row that is not zero.
                let first = self.pages.last.is_none();
                if self.pages.is_new(row) {
                    match first {
                        true => self.ready.push_back(self.pages.label(row)),
                        false => self.label_due = Some(row),
                    }
                }
                let full = row >= shown.start && row_end <= shown.end;
                let zero = full
                    && shown.slice(row, row_end).iter().all(|&b| b == 0)
                    && !shown.changed.any(row, row_end);
                if zero {
                    match &mut self.run {
                        Some((_, rows)) => *rows += 1,
                        None => self.run = Some((row, 1)),
                    }
                } else if self.lines_left == 0 {
                    self.stop_at(row);
                    return;
                } else {
                    self.lines_left -= 1;
                    let line = shown.row(row);
                    self.flush_run_and_label();
                    self.ready.push_back(line);
                }
                self.next = row_end;
                if row_end == u64::MAX {
                    flush_zero_run(&mut self.run, &mut self.ready);
                    self.finished = true;
                }
            }
            Layout::Typed(elem) => {
                let size = elem.size() as u64;
                let address = self.next;
                if address < shown.end && self.pages.is_new(address) {
                    flush_zero_values(&mut self.run, elem, &mut self.ready);
                    self.ready.push_back(self.pages.label(address));
                }
                if shown.end - address >= size {
                    let to = address + size;
                    let bytes = shown.slice(address, to);
                    let changed = shown.changed.any(address, to);
                    // Zero elements fold as zero rows do in the byte view.
                    if !changed && bytes.iter().all(|&b| b == 0) {
                        match &mut self.run {
                            Some((_, count)) => *count += 1,
                            None => self.run = Some((address, 1)),
                        }
                    } else if self.lines_left == 0 {
                        flush_zero_values(&mut self.run, elem, &mut self.ready);
                        self.stop_at(address);
                        return;
                    } else {
                        self.lines_left -= 1;
                        flush_zero_values(&mut self.run, elem, &mut self.ready);
                        self.ready.push_back(Line::Typed {
                            address,
                            elem,
                            value: elem.format(bytes),
                            changed,
                        });
                    }
                    self.next = to;
                } else {
                    flush_zero_values(&mut self.run, elem, &mut self.ready);
                    if address < shown.end {
                        self.ready.push_back(Line::Leftover {
                            address,
                            bytes: shown.end - address,
                            elem,
                        });
                    }
                    self.finished = true;
                }
            }
        }
    }
}

impl Lines<'_> {
    /// Ends the view before `next`, saying where the rest starts.
    fn stop_at(&mut self, next: u64) {
        flush_zero_run(&mut self.run, &mut self.ready);
        self.ready.push_back(Line::Capped { next });
        self.past_end = None;
        self.finished = true;
    }

    /// Before a row that is not zero: the pending zero run and the label of
    /// the page the row is in, when not shown yet. A run that began before
    /// that page ends at the label and goes on after it.
    fn flush_run_and_label(&mut self) {
        let Some(entered) = self.label_due.take() else {
            flush_zero_run(&mut self.run, &mut self.ready);
            return;
        };
        let label = self.pages.label(entered);
        let page_start = match label {
            Line::PageBoundary { address, .. } => address,
            _ => entered,
        };
        let (before, after) = match self.run.take() {
            Some((from, rows)) if from < page_start => {
                let n = ((page_start - from) / ROW).min(rows);
                (Some((from, n)), (rows > n).then(|| (page_start, rows - n)))
            }
            // A run that began in this page goes on after its label.
            run => (None, run),
        };
        self.run = before;
        flush_zero_run(&mut self.run, &mut self.ready);
        self.ready.push_back(label);
        self.run = after;
        flush_zero_run(&mut self.run, &mut self.ready);
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        loop {
            if let Some(line) = self.ready.pop_front() {
                return Some(line);
            }
            if self.finished {
                return self.past_end.take();
            }
            self.advance();
        }
    }
}

/// The part of the request that lies inside memory: `start < end <= memory.len()`.
struct Shown<'a> {
    memory: &'a [u8],
    start: u64,
    end: u64,
    changed: Changed,
}

impl Shown<'_> {
    /// The memory bytes at `[from, to)`, clipped to memory.
    fn slice(&self, from: u64, to: u64) -> &[u8] {
        let len = self.memory.len();
        let from = usize::try_from(from).unwrap_or(len).min(len);
        let to = usize::try_from(to).unwrap_or(len).clamp(from, len);
        &self.memory[from..to]
    }

    fn row(&self, address: u64) -> Line {
        let mut bytes = Vec::with_capacity(ROW as usize);
        let mut changed = Vec::with_capacity(ROW as usize);
        for i in 0..ROW {
            let a = address.saturating_add(i);
            let inside = a >= self.start && a < self.end;
            let byte = if inside {
                usize::try_from(a)
                    .ok()
                    .and_then(|a| self.memory.get(a))
                    .copied()
            } else {
                None
            };
            bytes.push(byte);
            changed.push(byte.is_some() && self.changed.contains(a));
        }
        Line::Row {
            address,
            bytes,
            changed,
        }
    }
}

/// Pushes the pending zero run, as a `ZeroRun` if it has two rows or more,
/// else as the plain row it is.
fn flush_zero_run(run: &mut Option<(u64, u64)>, out: &mut VecDeque<Line>) {
    match run.take() {
        None => {}
        Some((address, 1)) => out.push_back(Line::Row {
            address,
            bytes: vec![Some(0); ROW as usize],
            changed: vec![false; ROW as usize],
        }),
        Some((from, rows)) => out.push_back(Line::ZeroRun {
            rows,
            from,
            to: from.saturating_add(rows.saturating_mul(ROW)),
        }),
    }
}

/// Ends a pending run of zero elements of type `elem` (first address,
/// count): folded into one line when it covers at least a row's worth of
/// bytes and two elements, else each element on its own line.
fn flush_zero_values(run: &mut Option<(u64, u64)>, elem: Elem, out: &mut VecDeque<Line>) {
    let Some((from, count)) = run.take() else {
        return;
    };
    let size = elem.size() as u64;
    if count >= 2 && count.saturating_mul(size) >= ROW {
        out.push_back(Line::ZeroValues {
            count,
            elem,
            from,
            to: from.saturating_add(count.saturating_mul(size)),
        });
        return;
    }
    let zero = vec![0u8; elem.size()];
    for i in 0..count {
        out.push_back(Line::Typed {
            address: from + i * size,
            elem,
            value: elem.format(&zero),
            changed: false,
        });
    }
}

/// Tracks which page the last label was for. Pages smaller than a row
/// (1-byte pages) get no labels: a label a byte would bury the bytes.
struct Pages {
    last: Option<u64>,
    /// Bytes in one page.
    size: u64,
}

impl Pages {
    /// Whether `address` is in a page not labelled yet (and records it).
    fn is_new(&mut self, address: u64) -> bool {
        if self.size < ROW {
            return false;
        }
        let page = address / self.size;
        let new = self.last != Some(page);
        self.last = Some(page);
        new
    }

    fn label(&self, address: u64) -> Line {
        let page = address / self.size;
        Line::PageBoundary {
            page,
            address: page * self.size,
        }
    }
}

/// The changed ranges, clipped to the shown region, sorted and merged.
struct Changed(Vec<Range<u64>>);

impl Changed {
    fn new(ranges: &[Range<u64>], lo: u64, hi: u64) -> Changed {
        let mut v: Vec<Range<u64>> = ranges
            .iter()
            .map(|r| r.start.max(lo)..r.end.min(hi))
            .filter(|r| r.start < r.end)
            .collect();
        v.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<u64>> = Vec::with_capacity(v.len());
        for r in v {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Changed(merged)
    }

    /// Whether any byte of `[from, to)` changed.
    fn any(&self, from: u64, to: u64) -> bool {
        // First range that ends after `from`; it is the only candidate.
        let i = self.0.partition_point(|r| r.end <= from);
        self.0.get(i).is_some_and(|r| r.start < to && from < to)
    }

    /// Whether byte `a` changed.
    fn contains(&self, a: u64) -> bool {
        a < u64::MAX && self.any(a, a + 1)
    }
}

/// Bytes as two hex digits each, spaced (`2a 00 01`): how checks and
/// watchpoint reports quote memory.
pub fn spaced_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of `req`, checking at each that no more than
    /// [`LINES_HELD`] lines wait in the iterator.
    fn made_one_at_a_time(req: &DumpRequest<'_>) -> Vec<Line> {
        let mut lines = lines(req);
        let mut out = Vec::new();
        while let Some(line) = lines.next() {
            assert!(lines.held() <= LINES_HELD, "{} lines held", lines.held());
            out.push(line);
        }
        out
    }

    /// A 1 MiB memory with no zero row: 65,536 rows, 16 page labels and the
    /// end, made as they are asked for (issue 13).
    #[test]
    fn a_long_view_holds_a_few_lines_at_most() {
        let memory: Vec<u8> = (1..=255u8).cycle().take(1 << 20).collect();
        let mut req = DumpRequest {
            memory: &memory,
            start: 0,
            len: u64::MAX,
            changed: &[0..3, 70_000..70_100],
            layout: Layout::Bytes,
            page_size: 65536,
        };
        let lines = made_one_at_a_time(&req);
        assert_eq!(lines.len(), 65536 + 16 + 1);
        assert_eq!(
            lines
                .iter()
                .filter(|l| matches!(l, Line::PageBoundary { .. }))
                .count(),
            16
        );
        // 2^18 values are more than a view shows: it stops, saying where.
        req.layout = Layout::Typed(Elem::I32);
        let typed = made_one_at_a_time(&req);
        // Four full pages, the fifth's label, and where the rest starts.
        assert_eq!(typed.len(), MAX_LINES as usize + 5 + 1);
        let next = MAX_LINES * 4;
        assert_eq!(typed.last(), Some(&Line::Capped { next }));
        // Zero runs wait in the iterator as a count, not as rows, and go on
        // across pages: one line for the whole megabyte.
        let zeros = vec![0u8; 1 << 20];
        req.memory = &zeros;
        req.layout = Layout::Bytes;
        req.changed = &[];
        let lines = made_one_at_a_time(&req);
        assert_eq!(
            lines[..2],
            [
                Line::PageBoundary {
                    page: 0,
                    address: 0
                },
                Line::ZeroRun {
                    rows: 65536,
                    from: 0,
                    to: 1 << 20
                }
            ]
        );
        assert_eq!(lines.len(), 3, "and where memory ends");
    }

    /// A run of zero rows that crosses into the page of the next row that
    /// is not zero ends at that page's label and goes on after it.
    #[test]
    fn a_zero_run_splits_at_the_label_of_the_page_its_next_row_is_in() {
        let mut memory = vec![0u8; 3 << 16];
        memory[(2 << 16) + 0x20] = 7;
        let lines = dump(&DumpRequest {
            memory: &memory,
            start: 0x10,
            len: (2 << 16) + 0x20,
            changed: &[],
            layout: Layout::Bytes,
            page_size: 65536,
        });
        let label = |page| Line::PageBoundary {
            page,
            address: page << 16,
        };
        assert_eq!(
            lines[..4],
            [
                label(0),
                Line::ZeroRun {
                    rows: 8191,
                    from: 0x10,
                    to: 2 << 16
                },
                label(2),
                Line::ZeroRun {
                    rows: 2,
                    from: 2 << 16,
                    to: (2 << 16) + 0x20
                },
            ]
        );
        assert!(matches!(
            lines[4],
            Line::Row {
                address: 0x20020,
                ..
            }
        ));
        assert_eq!(lines.len(), 5);
    }

    /// 1-byte pages (custom page sizes) get no label a byte, and zero runs
    /// go on across their pages; the end counts pages of 1 byte.
    #[test]
    fn pages_smaller_than_a_row_get_no_labels() {
        let memory = vec![0u8; 100];
        let lines = dump(&DumpRequest {
            memory: &memory,
            start: 0,
            len: 200,
            changed: &[],
            layout: Layout::Bytes,
            page_size: 1,
        });
        assert_eq!(
            lines,
            vec![
                Line::ZeroRun {
                    rows: 6,
                    from: 0,
                    to: 96
                },
                Line::Row {
                    address: 96,
                    bytes: [vec![Some(0); 4], vec![None; 12]].concat(),
                    changed: vec![false; 16],
                },
                Line::PastEnd {
                    memory_len: 100,
                    page_size: 1
                },
            ]
        );
    }
}

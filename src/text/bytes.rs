//! The engine behind `:bytes`: the binary encoding of a module, byte by byte,
//! with what each byte means — a window into the WebAssembly binary format.
//!
//! [`explain`] walks a complete core-module binary and produces one
//! [`ByteRow`] per meaningful piece of the encoding: the magic and version,
//! every section header (id byte, then size LEB), vector counts, names
//! (length, then the UTF-8 bytes), value types, limits, and — inside function
//! bodies and constant expressions — every instruction split into its opcode
//! byte(s) and each immediate separately (`41` "i32.const", then `2a`
//! "i32 literal 42 (signed LEB128)").
//!
//! The rows *tile* the input: they are contiguous, in order, and together
//! cover every byte exactly once. Boundaries and values come from
//! [`wasmparser`] (the [`Parser`] checks the overall structure first, then
//! [`BinaryReader`] and [`OperatorsReader::read_with_offset`] decode each
//! piece); a row's byte range is always "where the reader was before" to
//! "where it is after", so nothing can be skipped or counted twice. Where an
//! instruction's immediates are too exotic to split (some GC, stack-switching
//! and shared-everything instructions) they are shown as one row.
//!
//! [`render`] turns rows into the text shown to the user, in the style of
//! `wasm-tools dump`:
//!
//! ```text
//! 0x0017 | 41          |       i32.const
//! 0x0018 | 2a          |         i32 literal 42 (signed LEB128)
//! ```

use std::fmt::Write as _;

use wasmparser::{
    BinaryReader, BlockType, BrTable, HeapType, Ieee32, Ieee64, MemArg, Operator, OperatorsReader,
    Ordering, Parser, RefType, ResumeTable, TryTable, UnpackedIndex, V128, ValType,
};

/// One row: the bytes at `offset` and what they mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteRow {
    /// Offset of the first byte within the module binary.
    pub offset: usize,
    /// The bytes this row explains (never empty).
    pub bytes: Vec<u8>,
    /// What the bytes mean, e.g. `"i32.const"` or `"section size 7 bytes"`.
    pub meaning: String,
    /// Nesting level, used for indentation: 0 for the header and section
    /// headers, growing inside section contents, items and blocks.
    pub depth: usize,
}

/// Explains every byte of `module`, in order, with no byte left out or
/// repeated.
///
/// `module` must be a complete core WebAssembly module binary; malformed or
/// truncated input is reported as `Err` with a message (never a panic).
pub fn explain(module: &[u8]) -> Result<Vec<ByteRow>, String> {
    let mut ex = Explainer::new(module);
    ex.module()?;
    Ok(ex.rows)
}

/// Only the rows of function `defined_index`'s body (index among the
/// module's *defined* functions, i.e. not counting imports), for `:bytes` on
/// instructions.
///
/// The rows start with the body-size LEB, followed by the local declarations
/// and the instructions up to and including the body's final `end`. Depths
/// are rebased so the body-size row is at depth 0.
pub fn explain_function_body(module: &[u8], defined_index: usize) -> Result<Vec<ByteRow>, String> {
    let mut ex = Explainer::new(module);
    ex.module()?;
    let Some(range) = ex.bodies.get(defined_index).cloned() else {
        return Err(format!(
            "no defined function {defined_index}: the module defines {}",
            plural(ex.bodies.len() as u64, "function", "functions")
        ));
    };
    let mut rows = ex
        .rows
        .get(range)
        .ok_or_else(|| "internal error: function body rows out of range".to_string())?
        .to_vec();
    let base = rows.iter().map(|r| r.depth).min().unwrap_or(0);
    for row in &mut rows {
        row.depth -= base;
    }
    Ok(rows)
}

/// At most this many bytes are shown on one rendered line.
const BYTES_PER_LINE: usize = 8;

/// Plain text, one line per row: `0x0012 | 41 2a          | i32.const 42`.
///
/// The meaning is indented by two spaces per depth level; the hex column is
/// padded to fit the widest row. Rows longer than 8 bytes are wrapped onto
/// continuation lines (with their own offsets and an empty meaning). Every
/// line ends with a newline; trailing spaces are trimmed.
pub fn render(rows: &[ByteRow]) -> String {
    let last = rows
        .iter()
        .map(|r| r.offset.saturating_add(r.bytes.len()))
        .max()
        .unwrap_or(0);
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
        let meaning = format!("{}{}", "  ".repeat(row.depth), row.meaning);
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

type Res<T> = Result<T, String>;

/// Walks a module, appending rows.
struct Explainer<'a> {
    module: &'a [u8],
    rows: Vec<ByteRow>,
    /// Number of imported functions, so defined functions get their real
    /// index in the function index space.
    imported_funcs: u64,
    /// For each function body, the range of its rows in `rows`.
    bodies: Vec<std::ops::Range<usize>>,
}

fn pos(r: &BinaryReader<'_>) -> u64 {
    r.original_position()
}

fn to_usize(v: u64) -> Res<usize> {
    usize::try_from(v).map_err(|_| format!("offset {v} does not fit in memory"))
}

/// The next byte, without consuming it.
fn peek(r: &BinaryReader<'_>) -> Res<u8> {
    r.clone().read_u8().map_err(|e| e.to_string())
}

/// `1 type`, `3 types`.
fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn section_name(id: u8) -> &'static str {
    match id {
        0 => "custom",
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "data count",
        13 => "tag",
        _ => "unknown",
    }
}

fn external_kind(kind: u8) -> &'static str {
    match kind {
        0x00 => "function",
        0x01 => "table",
        0x02 => "memory",
        0x03 => "global",
        0x04 => "tag",
        0x20 => "exact function",
        _ => "unknown",
    }
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

/// A type index as a plain number (wasmparser's `Display` adds `(module N)`).
fn index_str(index: &UnpackedIndex) -> String {
    match index {
        UnpackedIndex::Module(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// A reference type in text-format style: `funcref`, `(ref null 3)`.
fn reftype_str(ty: &RefType) -> String {
    let null = if ty.is_nullable() { "null " } else { "" };
    match ty.heap_type() {
        HeapType::Concrete(i) => format!("(ref {null}{})", index_str(&i)),
        HeapType::Exact(i) => format!("(ref {null}(exact {}))", index_str(&i)),
        HeapType::Abstract { .. } => ty.to_string(),
    }
}

/// A value type in text-format style: `i32`, `funcref`, `(ref null 3)`.
fn valtype_str(ty: &ValType) -> String {
    match ty {
        ValType::Ref(r) => reftype_str(r),
        other => other.to_string(),
    }
}

impl<'a> Explainer<'a> {
    fn new(module: &'a [u8]) -> Self {
        Explainer {
            module,
            rows: Vec::new(),
            imported_funcs: 0,
            bodies: Vec::new(),
        }
    }

    /// Records the bytes `start..end` (absolute offsets) as one row.
    fn push(&mut self, start: u64, end: u64, depth: usize, meaning: String) -> Res<()> {
        if start >= end {
            return Ok(());
        }
        let (s, e) = (to_usize(start)?, to_usize(end)?);
        let bytes = self
            .module
            .get(s..e)
            .ok_or_else(|| format!("bytes {s:#x}..{e:#x} are outside the module"))?
            .to_vec();
        self.rows.push(ByteRow {
            offset: s,
            bytes,
            meaning,
            depth,
        });
        Ok(())
    }

    /// Reads one value with `read` and records the bytes it consumed as a
    /// row whose meaning is `describe(&value)`.
    fn take<T>(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        read: impl FnOnce(&mut BinaryReader<'a>) -> wasmparser::Result<T>,
        describe: impl FnOnce(&T) -> String,
    ) -> Res<T> {
        let start = pos(r);
        let value = read(r).map_err(|e| e.to_string())?;
        self.push(start, pos(r), depth, describe(&value))?;
        Ok(value)
    }

    fn u32(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        f: impl FnOnce(u32) -> String,
    ) -> Res<u32> {
        self.take(r, depth, |r| r.read_var_u32(), |v| f(*v))
    }

    fn byte(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        f: impl FnOnce(u8) -> String,
    ) -> Res<u8> {
        self.take(r, depth, |r| r.read_u8(), |v| f(*v))
    }

    /// A vector count: `3 types`.
    fn count(&mut self, r: &mut BinaryReader<'a>, depth: usize, one: &str, many: &str) -> Res<u32> {
        self.u32(r, depth, |n| plural(n.into(), one, many))
    }

    fn valtype(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<ValType> {
        self.take(r, depth, |r| r.read::<ValType>(), valtype_str)
    }

    /// A name: its length LEB, then its UTF-8 bytes.
    fn name(&mut self, r: &mut BinaryReader<'a>, depth: usize, what: &str) -> Res<&'a str> {
        let len = self.u32(r, depth, |n| {
            format!("{what} length: {}", plural(n.into(), "byte", "bytes"))
        })?;
        let start = pos(r);
        let bytes = r
            .read_bytes(to_usize(len.into())?)
            .map_err(|e| e.to_string())?;
        let text = std::str::from_utf8(bytes)
            .map_err(|_| format!("{what} at offset {start:#x} is not valid UTF-8"))?;
        self.push(start, pos(r), depth, format!("{what} {text:?}"))?;
        Ok(text)
    }

    /// Memory or table limits: flag byte, min, optional max (and page size).
    fn limits(&mut self, r: &mut BinaryReader<'a>, depth: usize, unit: (&str, &str)) -> Res<()> {
        let flags = self.byte(r, depth, |f| {
            let mut m = String::from(if f & 1 == 0 {
                "limits: min only"
            } else {
                "limits: min and max"
            });
            if f & 2 != 0 {
                m.push_str(", shared");
            }
            if f & 4 != 0 {
                m.push_str(", 64-bit addresses");
            }
            if f & 8 != 0 {
                m.push_str(", custom page size");
            }
            m
        })?;
        if flags & !0b1111 != 0 {
            return Err(format!("invalid limits flags {flags:#04x}"));
        }
        let (one, many) = unit;
        self.take(
            r,
            depth + 1,
            |r| r.read_var_u64(),
            |n| format!("min {}", plural(*n, one, many)),
        )?;
        if flags & 1 != 0 {
            self.take(
                r,
                depth + 1,
                |r| r.read_var_u64(),
                |n| format!("max {}", plural(*n, one, many)),
            )?;
        }
        if flags & 8 != 0 {
            self.u32(r, depth + 1, |n| format!("page size 2^{n} bytes"))?;
        }
        Ok(())
    }

    fn module(&mut self) -> Res<()> {
        let module = self.module;
        // Let wasmparser check the overall structure first (header, section
        // framing and order, function/code counts) for its precise messages.
        for payload in Parser::new(0).parse_all(module) {
            payload.map_err(|e| e.to_string())?;
        }
        let mut r = BinaryReader::new(module, 0);
        let magic = self.take(
            &mut r,
            0,
            |r| r.read_bytes(4),
            |_| "magic \"\\0asm\"".to_string(),
        )?;
        if magic != b"\0asm" {
            return Err("not a WebAssembly binary: bad magic number".to_string());
        }
        let version = self.take(&mut r, 0, |r| r.read_u32(), |v| format!("version {v}"))?;
        if version != 1 {
            return Err(format!(
                "unsupported binary version {version:#x} (only core modules, version 1, are supported)"
            ));
        }
        while !r.eof() {
            self.section(&mut r)?;
        }
        Ok(())
    }

    fn section(&mut self, r: &mut BinaryReader<'a>) -> Res<()> {
        let id = self.byte(r, 0, |id| format!("section id {id}: {}", section_name(id)))?;
        let size = self.u32(r, 0, |n| {
            format!("section size {}", plural(n.into(), "byte", "bytes"))
        })?;
        let start = pos(r);
        let contents = r
            .read_bytes(to_usize(size.into())?)
            .map_err(|e| e.to_string())?;
        let mut s = BinaryReader::new(contents, start);
        let s = &mut s;
        match id {
            0 => {
                let name = self.name(s, 1, "custom section name")?;
                let rest = s.bytes_remaining();
                let what = if name == "name" { " (debug names)" } else { "" };
                self.take(
                    s,
                    1,
                    |s| s.read_bytes(rest),
                    |_| {
                        format!(
                            "{} of custom section data{what}",
                            plural(rest as u64, "byte", "bytes")
                        )
                    },
                )?;
            }
            1 => {
                let n = self.count(s, 1, "type", "types")?;
                for _ in 0..n {
                    self.rec_group(s, 2)?;
                }
            }
            2 => {
                let n = self.count(s, 1, "import", "imports")?;
                for _ in 0..n {
                    self.import(s, 2)?;
                }
            }
            3 => {
                let n = self.count(s, 1, "function", "functions")?;
                for i in 0..u64::from(n) {
                    let index = self.imported_funcs + i;
                    self.u32(s, 2, |t| format!("function {index}: type index {t}"))?;
                }
            }
            4 => {
                let n = self.count(s, 1, "table", "tables")?;
                for _ in 0..n {
                    self.table(s, 2)?;
                }
            }
            5 => {
                let n = self.count(s, 1, "memory", "memories")?;
                for _ in 0..n {
                    self.limits(s, 2, ("page", "pages"))?;
                }
            }
            6 => {
                let n = self.count(s, 1, "global", "globals")?;
                for _ in 0..n {
                    self.valtype(s, 2)?;
                    self.mutability(s, 2)?;
                    self.expr(s, 3, "init expression")?;
                }
            }
            7 => {
                let n = self.count(s, 1, "export", "exports")?;
                for _ in 0..n {
                    self.name(s, 2, "export name")?;
                    let kind = self.byte(s, 2, |k| format!("export kind: {}", external_kind(k)))?;
                    if external_kind(kind) == "unknown" {
                        return Err(format!("unknown export kind {kind:#04x}"));
                    }
                    self.u32(s, 3, |i| format!("{} index {i}", external_kind(kind)))?;
                }
            }
            8 => {
                self.u32(s, 1, |i| format!("start function index {i}"))?;
            }
            9 => {
                let n = self.count(s, 1, "element segment", "element segments")?;
                for _ in 0..n {
                    self.element(s, 2)?;
                }
            }
            10 => {
                let n = self.count(s, 1, "function body", "function bodies")?;
                for i in 0..u64::from(n) {
                    self.body(s, 2, self.imported_funcs + i)?;
                }
            }
            11 => {
                let n = self.count(s, 1, "data segment", "data segments")?;
                for _ in 0..n {
                    self.data(s, 2)?;
                }
            }
            12 => {
                self.u32(s, 1, |n| {
                    format!(
                        "data count: {}",
                        plural(n.into(), "data segment", "data segments")
                    )
                })?;
            }
            13 => {
                let n = self.count(s, 1, "tag", "tags")?;
                for _ in 0..n {
                    let attr = self.byte(s, 2, |a| match a {
                        0 => "tag attribute: exception".to_string(),
                        a => format!("unknown tag attribute {a:#04x}"),
                    })?;
                    if attr != 0 {
                        return Err(format!("unknown tag attribute {attr:#04x}"));
                    }
                    self.u32(s, 2, |t| format!("type index {t}"))?;
                }
            }
            _ => {
                return Err(format!(
                    "unknown section id {id} at offset {:#x}",
                    start.saturating_sub(1)
                ));
            }
        }
        if !s.eof() {
            return Err(format!(
                "{} section has {} after its contents",
                section_name(id),
                plural(
                    s.bytes_remaining() as u64,
                    "unexpected byte",
                    "unexpected bytes"
                )
            ));
        }
        Ok(())
    }

    fn mutability(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let m = self.byte(r, depth, |m| match m {
            0 => "immutable".to_string(),
            1 => "mutable".to_string(),
            2 => "immutable, shared".to_string(),
            3 => "mutable, shared".to_string(),
            m => format!("invalid mutability {m:#04x}"),
        })?;
        if m > 3 {
            return Err(format!("invalid mutability byte {m:#04x}"));
        }
        Ok(())
    }

    fn rec_group(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        if peek(r)? == 0x4e {
            self.byte(r, depth, |_| "rec group".to_string())?;
            let n = self.count(r, depth + 1, "type in rec group", "types in rec group")?;
            for _ in 0..n {
                self.sub_type(r, depth + 2)?;
            }
            Ok(())
        } else {
            self.sub_type(r, depth)
        }
    }

    fn sub_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let b = peek(r)?;
        if b == 0x50 || b == 0x4f {
            self.byte(r, depth, |b| {
                if b == 0x4f {
                    "sub final type"
                } else {
                    "sub type (non-final)"
                }
                .to_string()
            })?;
            let n = self.count(r, depth + 1, "supertype", "supertypes")?;
            for _ in 0..n {
                self.u32(r, depth + 2, |i| format!("supertype index {i}"))?;
            }
            self.composite_type(r, depth + 1)
        } else {
            self.composite_type(r, depth)
        }
    }

    fn composite_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        if peek(r)? == 0x65 {
            self.byte(r, depth, |_| "shared".to_string())?;
        }
        if peek(r)? == 0x4c {
            self.byte(r, depth, |_| "describes".to_string())?;
            self.u32(r, depth + 1, |i| format!("described type index {i}"))?;
        }
        if peek(r)? == 0x4d {
            self.byte(r, depth, |_| "descriptor".to_string())?;
            self.u32(r, depth + 1, |i| format!("descriptor type index {i}"))?;
        }
        let form = self.byte(r, depth, |f| {
            match f {
                0x60 => "func type",
                0x5f => "struct type",
                0x5e => "array type",
                0x5d => "cont type",
                _ => "unknown type form",
            }
            .to_string()
        })?;
        match form {
            0x60 => {
                let n = self.count(r, depth + 1, "param", "params")?;
                for _ in 0..n {
                    self.valtype(r, depth + 2)?;
                }
                let n = self.count(r, depth + 1, "result", "results")?;
                for _ in 0..n {
                    self.valtype(r, depth + 2)?;
                }
            }
            0x5f => {
                let n = self.count(r, depth + 1, "field", "fields")?;
                for _ in 0..n {
                    self.field_type(r, depth + 2)?;
                }
            }
            0x5e => self.field_type(r, depth + 1)?,
            0x5d => {
                self.take(
                    r,
                    depth + 1,
                    |r| r.read_var_s33(),
                    |i| format!("function type index {i}"),
                )?;
            }
            f => return Err(format!("invalid leading byte {f:#04x} for a type")),
        }
        Ok(())
    }

    fn field_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        match peek(r)? {
            0x78 => self.byte(r, depth, |_| "i8 (packed)".to_string())?,
            0x77 => self.byte(r, depth, |_| "i16 (packed)".to_string())?,
            _ => {
                self.valtype(r, depth)?;
                0
            }
        };
        let m = self.byte(r, depth, |m| match m {
            0 => "immutable".to_string(),
            1 => "mutable".to_string(),
            m => format!("invalid mutability {m:#04x}"),
        })?;
        if m > 1 {
            return Err(format!("invalid field mutability byte {m:#04x}"));
        }
        Ok(())
    }

    fn import(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        self.name(r, depth, "module name")?;
        self.name(r, depth, "item name")?;
        let kind = self.byte(r, depth, |k| format!("import kind: {}", external_kind(k)))?;
        match kind {
            0x00 | 0x20 => {
                self.u32(r, depth + 1, |t| format!("type index {t}"))?;
                self.imported_funcs += 1;
            }
            0x01 => self.table_type(r, depth + 1)?,
            0x02 => self.limits(r, depth + 1, ("page", "pages"))?,
            0x03 => {
                self.valtype(r, depth + 1)?;
                self.mutability(r, depth + 1)?;
            }
            0x04 => {
                let attr = self.byte(r, depth + 1, |_| "tag attribute: exception".to_string())?;
                if attr != 0 {
                    return Err(format!("unknown tag attribute {attr:#04x}"));
                }
                self.u32(r, depth + 1, |t| format!("type index {t}"))?;
            }
            k => return Err(format!("unsupported import kind {k:#04x}")),
        }
        Ok(())
    }

    fn table_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        self.take(
            r,
            depth,
            |r| r.read::<RefType>(),
            |t| format!("element type {}", reftype_str(t)),
        )?;
        self.limits(r, depth, ("element", "elements"))
    }

    fn table(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        if peek(r)? == 0x40 {
            self.byte(r, depth, |_| {
                "table with initializer expression".to_string()
            })?;
            let reserved = self.byte(r, depth, |_| "reserved byte".to_string())?;
            if reserved != 0 {
                return Err(format!("invalid table reserved byte {reserved:#04x}"));
            }
            self.table_type(r, depth)?;
            self.expr(r, depth + 1, "init expression")
        } else {
            self.table_type(r, depth)
        }
    }

    fn element(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let flags = self.u32(r, depth, |f| {
            let what = match f {
                0 => "active, table 0, function indices",
                1 => "passive, function indices",
                2 => "active, explicit table index, function indices",
                3 => "declarative, function indices",
                4 => "active, table 0, expressions",
                5 => "passive, expressions",
                6 => "active, explicit table index, expressions",
                7 => "declarative, expressions",
                _ => "invalid",
            };
            format!("segment flags {f}: {what}")
        })?;
        if flags > 7 {
            return Err(format!("invalid element segment flags {flags}"));
        }
        let active = flags & 1 == 0;
        let exprs = flags & 4 != 0;
        if active && flags & 2 != 0 {
            self.u32(r, depth + 1, |t| format!("table index {t}"))?;
        }
        if active {
            self.expr(r, depth + 1, "offset expression")?;
        }
        if flags & 3 != 0 {
            if exprs {
                self.take(
                    r,
                    depth + 1,
                    |r| r.read::<RefType>(),
                    |t| format!("element type {}", reftype_str(t)),
                )?;
            } else {
                let kind = self.byte(r, depth + 1, |k| match k {
                    0 => "element kind: funcref".to_string(),
                    k => format!("invalid element kind {k:#04x}"),
                })?;
                if kind != 0 {
                    return Err(format!("invalid element kind {kind:#04x}"));
                }
            }
        }
        if exprs {
            let n = self.count(r, depth + 1, "element expression", "element expressions")?;
            for _ in 0..n {
                self.expr(r, depth + 2, "element expression")?;
            }
        } else {
            let n = self.count(r, depth + 1, "function index", "function indices")?;
            for _ in 0..n {
                self.u32(r, depth + 2, |i| format!("function index {i}"))?;
            }
        }
        Ok(())
    }

    fn data(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let flags = self.u32(r, depth, |f| {
            let what = match f {
                0 => "active, memory 0",
                1 => "passive",
                2 => "active, explicit memory index",
                _ => "invalid",
            };
            format!("segment flags {f}: {what}")
        })?;
        match flags {
            0 => self.expr(r, depth + 1, "offset expression")?,
            1 => {}
            2 => {
                self.u32(r, depth + 1, |m| format!("memory index {m}"))?;
                self.expr(r, depth + 1, "offset expression")?;
            }
            f => return Err(format!("invalid data segment flags {f}")),
        }
        let len = self.u32(r, depth + 1, |n| {
            format!("{} of data", plural(n.into(), "byte", "bytes"))
        })?;
        self.take(
            r,
            depth + 2,
            |r| r.read_bytes(len.try_into().unwrap_or(usize::MAX)),
            |b| format!("data {}", ascii_preview(b)),
        )?;
        Ok(())
    }

    fn body(&mut self, r: &mut BinaryReader<'a>, depth: usize, func_index: u64) -> Res<()> {
        let first_row = self.rows.len();
        let size = self.u32(r, depth, |n| {
            format!(
                "function {func_index} body size: {}",
                plural(n.into(), "byte", "bytes")
            )
        })?;
        let start = pos(r);
        let contents = r
            .read_bytes(to_usize(size.into())?)
            .map_err(|e| e.to_string())?;
        let mut b = BinaryReader::new(contents, start);
        let n = self.count(&mut b, depth + 1, "local declaration", "local declarations")?;
        for _ in 0..n {
            self.u32(&mut b, depth + 2, |c| plural(c.into(), "local", "locals"))?;
            self.valtype(&mut b, depth + 2)?;
        }
        self.expr(&mut b, depth + 1, "function body")?;
        if !b.eof() {
            return Err(format!(
                "function {func_index} has {} after its final `end`",
                plural(
                    b.bytes_remaining() as u64,
                    "unexpected byte",
                    "unexpected bytes"
                )
            ));
        }
        self.bodies.push(first_row..self.rows.len());
        Ok(())
    }

    /// An instruction sequence up to and including the `end` that closes it.
    fn expr(&mut self, r: &mut BinaryReader<'a>, depth: usize, what: &str) -> Res<()> {
        let mut ops = OperatorsReader::new(r.clone());
        let mut frames: Vec<&'static str> = Vec::new();
        loop {
            let (op, start) = ops.read_with_offset().map_err(|e| e.to_string())?;
            let end = ops.original_position();
            let nest = frames.len();
            let mut label = None;
            let mut done = false;
            let d = match &op {
                Operator::Block { .. } => {
                    frames.push("block");
                    depth + nest
                }
                Operator::Loop { .. } => {
                    frames.push("loop");
                    depth + nest
                }
                Operator::If { .. } => {
                    frames.push("if");
                    depth + nest
                }
                Operator::TryTable { .. } => {
                    frames.push("try_table");
                    depth + nest
                }
                Operator::Try { .. } => {
                    frames.push("try");
                    depth + nest
                }
                Operator::Else | Operator::Catch { .. } | Operator::CatchAll => {
                    depth + nest.saturating_sub(1)
                }
                Operator::End | Operator::Delegate { .. } => match frames.pop() {
                    Some(kind) => {
                        if matches!(op, Operator::End) {
                            label = Some(format!("end ({kind})"));
                        }
                        depth + nest - 1
                    }
                    None => {
                        done = true;
                        label = Some(format!("end ({what})"));
                        depth
                    }
                },
                _ => depth + nest,
            };
            self.instruction(&op, start, end, d, label)?;
            if done {
                break;
            }
        }
        let consumed = ops.original_position().saturating_sub(pos(r));
        r.read_bytes(to_usize(consumed)?)
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// One instruction at `start..end`: its opcode row, then a row per
    /// immediate (or one row for all immediates if they can't be split).
    fn instruction(
        &mut self,
        op: &Operator<'_>,
        start: u64,
        end: u64,
        depth: usize,
        label: Option<String>,
    ) -> Res<()> {
        let (s, e) = (to_usize(start)?, to_usize(end)?);
        let module = self.module;
        let bytes = module
            .get(s..e)
            .ok_or_else(|| format!("instruction at {s:#x} extends past the module"))?;
        let mut r = BinaryReader::new(bytes, start);
        let first = r.read_u8().map_err(|e| e.to_string())?;
        if matches!(first, 0xfb..=0xfe) {
            r.read_var_u32().map_err(|e| e.to_string())?;
        }
        let name = wat_name(visit_name(op));
        let opcode_end = pos(&r);
        self.push(
            start,
            opcode_end,
            depth,
            label.unwrap_or_else(|| name.clone()),
        )?;

        let checkpoint = self.rows.len();
        let split = self.immediates(&mut r, &fields(op), depth + 1);
        if split.is_err() || !r.eof() {
            // Couldn't split the immediates exactly: one row for all of them.
            self.rows.truncate(checkpoint);
            let debug = format!("{op:?}");
            let detail = debug
                .split_once(" { ")
                .map(|(_, rest)| rest.trim_end_matches(" }").to_string())
                .unwrap_or(debug);
            self.push(
                opcode_end,
                end,
                depth + 1,
                format!("immediates of {name}: {detail}"),
            )?;
        }
        Ok(())
    }

    fn immediates(&mut self, r: &mut BinaryReader<'a>, pieces: &[Piece], depth: usize) -> Res<()> {
        for piece in pieces {
            match piece {
                Piece::U32(label) => {
                    self.u32(r, depth, |v| format!("{label} {v}"))?;
                }
                Piece::Byte(label) => {
                    self.byte(r, depth, |v| format!("{label} {v}"))?;
                }
                Piece::I32 => {
                    self.take(
                        r,
                        depth,
                        |r| r.read_var_i32(),
                        |v| format!("i32 literal {v} (signed LEB128)"),
                    )?;
                }
                Piece::I64 => {
                    self.take(
                        r,
                        depth,
                        |r| r.read_var_i64(),
                        |v| format!("i64 literal {v} (signed LEB128)"),
                    )?;
                }
                Piece::F32 => {
                    self.take(
                        r,
                        depth,
                        |r| r.read_f32(),
                        |v| {
                            format!(
                                "f32 literal {} (IEEE 754, little-endian)",
                                crate::vm::value::format_f32(v.bits())
                            )
                        },
                    )?;
                }
                Piece::F64 => {
                    self.take(
                        r,
                        depth,
                        |r| r.read_f64(),
                        |v| {
                            format!(
                                "f64 literal {} (IEEE 754, little-endian)",
                                crate::vm::value::format_f64(v.bits())
                            )
                        },
                    )?;
                }
                Piece::Fixed(n, meaning) => {
                    self.take(r, depth, |r| r.read_bytes(*n), |_| meaning.clone())?;
                }
                Piece::MemArg => self.memarg(r, depth)?,
                Piece::BlockType => self.block_type(r, depth)?,
                Piece::TryTable => {
                    self.block_type(r, depth)?;
                    let n = self.count(r, depth, "catch clause", "catch clauses")?;
                    for _ in 0..n {
                        let kind = self.byte(r, depth + 1, |k| {
                            match k {
                                0x00 => "catch",
                                0x01 => "catch_ref",
                                0x02 => "catch_all",
                                0x03 => "catch_all_ref",
                                _ => "invalid catch kind",
                            }
                            .to_string()
                        })?;
                        match kind {
                            0x00 | 0x01 => {
                                self.u32(r, depth + 2, |t| format!("tag index {t}"))?;
                            }
                            0x02 | 0x03 => {}
                            k => return Err(format!("invalid catch kind {k:#04x}")),
                        }
                        self.u32(r, depth + 2, |l| format!("label depth {l}"))?;
                    }
                }
                Piece::BrTable => {
                    let n = self.count(r, depth, "branch target", "branch targets")?;
                    for _ in 0..n {
                        self.u32(r, depth + 1, |v| format!("label depth {v}"))?;
                    }
                    self.u32(r, depth, |v| format!("default label depth {v}"))?;
                }
                Piece::Whole(meaning) => {
                    if pieces.len() != 1 {
                        return Err("immediates not splittable".to_string());
                    }
                    let rest = r.bytes_remaining();
                    self.take(r, depth, |r| r.read_bytes(rest), |_| meaning.clone())?;
                }
            }
        }
        Ok(())
    }

    /// A block type: `0x40` (empty), a value type, or an `s33` type index.
    fn block_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let b = peek(r)?;
        if b == 0x40 {
            self.byte(r, depth, |_| "block type: empty".to_string())?;
        } else if b & 0x80 == 0 && b & 0x40 != 0 {
            self.take(
                r,
                depth,
                |r| r.read::<ValType>(),
                |t| format!("block type: result {}", valtype_str(t)),
            )?;
        } else {
            self.take(
                r,
                depth,
                |r| r.read_var_s33(),
                |i| format!("block type: type index {i}"),
            )?;
        }
        Ok(())
    }

    /// A memory immediate: alignment (and flags), optional memory index, offset.
    fn memarg(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let flags = self.u32(r, depth, |f| {
            let mut m = format!("memarg align 2^{}", f & 0b1111);
            if f & (1 << 6) != 0 {
                m.push_str(" (memory index follows)");
            }
            if f & (1 << 5) != 0 {
                m.push_str(" (array type index follows)");
            }
            if f & (1 << 4) != 0 {
                m.push_str(" (memory ordering follows)");
            }
            m
        })?;
        if flags & (1 << 6) != 0 {
            self.u32(r, depth, |m| format!("memory index {m}"))?;
        } else if flags & (1 << 5) != 0 {
            self.u32(r, depth, |t| format!("array type index {t}"))?;
        }
        if flags & (1 << 4) != 0 {
            self.byte(r, depth, |o| match o {
                0x00 => "memory ordering: seq_cst".to_string(),
                0x01 | 0x11 => "memory ordering: acq_rel".to_string(),
                o => format!("memory ordering {o:#04x}"),
            })?;
        }
        self.take(r, depth, |r| r.read_var_u64(), |o| format!("offset {o}"))?;
        Ok(())
    }
}

/// How one immediate of an instruction is encoded, and how to describe it.
enum Piece {
    /// An unsigned LEB128; the label is followed by the value.
    U32(String),
    /// A single byte; the label is followed by the value.
    Byte(String),
    /// A signed LEB128 `i32` literal.
    I32,
    /// A signed LEB128 `i64` literal.
    I64,
    /// A 4-byte IEEE 754 literal.
    F32,
    /// An 8-byte IEEE 754 literal.
    F64,
    /// A fixed number of raw bytes.
    Fixed(usize, String),
    /// A memory immediate.
    MemArg,
    /// A `br_table` label vector plus default.
    BrTable,
    /// A block type.
    BlockType,
    /// A `try_table` block type and catch clauses.
    TryTable,
    /// Something only shown as a whole (block types, heap types, ...): only
    /// usable when it is the instruction's sole immediate.
    Whole(String),
}

/// Describes an operator field as a [`Piece`], given the field's name.
trait ToPiece {
    fn to_piece(&self, field: &str) -> Piece;
}

fn field_label(field: &str) -> String {
    match field {
        "relative_depth" => "label depth",
        "function_index" => "function index",
        "type_index" => "type index",
        "table_index" | "table" => "table index",
        "local_index" => "local index",
        "global_index" => "global index",
        "mem" => "memory index",
        "dst_mem" => "destination memory index",
        "src_mem" => "source memory index",
        "dst_table" => "destination table index",
        "src_table" => "source table index",
        "data_index" => "data segment index",
        "elem_index" => "element segment index",
        "tag_index" => "tag index",
        "lane" => "lane index",
        other => return other.replace('_', " "),
    }
    .to_string()
}

impl ToPiece for u32 {
    fn to_piece(&self, field: &str) -> Piece {
        Piece::U32(field_label(field))
    }
}

impl ToPiece for u8 {
    fn to_piece(&self, field: &str) -> Piece {
        Piece::Byte(field_label(field))
    }
}

impl ToPiece for i32 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::I32
    }
}

impl ToPiece for i64 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::I64
    }
}

impl ToPiece for Ieee32 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::F32
    }
}

impl ToPiece for Ieee64 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::F64
    }
}

impl ToPiece for V128 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::Fixed(
            16,
            format!(
                "v128 literal 0x{:032x} (16 bytes, little-endian)",
                self.i128()
            ),
        )
    }
}

impl ToPiece for [u8; 16] {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::Fixed(16, format!("shuffle lane indices {self:?}"))
    }
}

impl ToPiece for MemArg {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::MemArg
    }
}

impl ToPiece for BrTable<'_> {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::BrTable
    }
}

impl ToPiece for BlockType {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::BlockType
    }
}

impl ToPiece for Ordering {
    fn to_piece(&self, _: &str) -> Piece {
        let name = match self {
            Ordering::SeqCst => "seq_cst",
            Ordering::AcqRel => "acq_rel",
        };
        Piece::Fixed(1, format!("memory ordering: {name}"))
    }
}

impl ToPiece for HeapType {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::Whole(match self {
            HeapType::Abstract { shared, ty } => {
                let ty = format!("{ty:?}").to_lowercase();
                if *shared {
                    format!("heap type: shared {ty}")
                } else {
                    format!("heap type: {ty}")
                }
            }
            HeapType::Concrete(i) => format!("heap type: type index {}", index_str(i)),
            HeapType::Exact(i) => format!("heap type: exact type index {}", index_str(i)),
        })
    }
}

impl ToPiece for RefType {
    fn to_piece(&self, field: &str) -> Piece {
        Piece::Whole(format!(
            "{}: {}",
            field.replace('_', " "),
            reftype_str(self)
        ))
    }
}

impl ToPiece for ValType {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::Whole(format!("1 type: {}", valtype_str(self)))
    }
}

impl ToPiece for Vec<ValType> {
    fn to_piece(&self, _: &str) -> Piece {
        let tys: Vec<String> = self.iter().map(valtype_str).collect();
        Piece::Whole(format!(
            "{}: {}",
            plural(tys.len() as u64, "type", "types"),
            tys.join(" ")
        ))
    }
}

impl ToPiece for TryTable {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::TryTable
    }
}

impl ToPiece for ResumeTable {
    fn to_piece(&self, field: &str) -> Piece {
        Piece::Whole(format!("{}: {self:?}", field.replace('_', " ")))
    }
}

macro_rules! define_operator_tables {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The `visit_*` method name of an operator, e.g. `visit_i32_const`.
        fn visit_name(op: &Operator<'_>) -> &'static str {
            match op {
                $( Operator::$op { .. } => stringify!($visit), )*
                _ => "visit_unknown",
            }
        }

        /// The operator's immediates, in binary encoding order.
        fn fields(op: &Operator<'_>) -> Vec<Piece> {
            match op {
                $( Operator::$op $({ $($arg),* })? => vec![$($( $arg.to_piece(stringify!($arg)) ),*)?], )*
                _ => vec![Piece::Whole("immediates".to_string())],
            }
        }
    };
}
wasmparser::for_each_operator!(define_operator_tables);

/// Turns a `visit_*` name into the text-format instruction name:
/// `visit_i32_const` -> `i32.const`, `visit_i32_atomic_rmw8_add_u` ->
/// `i32.atomic.rmw8.add_u`, `visit_br_if` -> `br_if`.
fn wat_name(visit: &str) -> String {
    let name = visit.strip_prefix("visit_").unwrap_or(visit);
    match name {
        "typed_select" | "typed_select_multi" => return "select".to_string(),
        "ref_cast_nullable" | "ref_cast_non_null" => return "ref.cast".to_string(),
        "ref_test_nullable" | "ref_test_non_null" => return "ref.test".to_string(),
        "atomic_fence" => return "atomic.fence".to_string(),
        _ => {}
    }
    const NAMESPACES: &[&str] = &[
        "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
        "local", "global", "table", "memory", "ref", "elem", "data", "struct", "array", "any",
        "extern", "i31", "cont",
    ];
    let Some((head, tail)) = name.split_once('_') else {
        return name.to_string();
    };
    if !NAMESPACES.contains(&head) {
        return name.to_string();
    }
    let tail = match tail.strip_prefix("atomic_") {
        Some(rest) => match rest.split_once('_') {
            Some((rmw, op)) if rmw.starts_with("rmw") => format!("atomic.{rmw}.{op}"),
            _ => format!("atomic.{rest}"),
        },
        None => tail.to_string(),
    };
    format!("{head}.{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wasm(src: &str) -> Vec<u8> {
        match wat::parse_str(src) {
            Ok(bytes) => bytes,
            Err(e) => panic!("test module does not assemble: {e}"),
        }
    }

    /// Rows are contiguous from offset 0 and cover every byte exactly once.
    fn assert_tiles(module: &[u8], rows: &[ByteRow]) {
        let mut next = 0;
        for row in rows {
            assert_eq!(row.offset, next, "gap or overlap before row {row:?}");
            assert!(!row.bytes.is_empty(), "empty row {row:?}");
            assert_eq!(
                &module[row.offset..row.offset + row.bytes.len()],
                &row.bytes[..],
                "row bytes differ from the module: {row:?}"
            );
            next += row.bytes.len();
        }
        assert_eq!(next, module.len(), "rows stop before the end of the module");
    }

    fn explain_ok(module: &[u8]) -> Vec<ByteRow> {
        match explain(module) {
            Ok(rows) => rows,
            Err(e) => panic!("explain failed: {e}"),
        }
    }

    const RICH: &str = r#"
        (module
          (import "env" "log" (func $log (param i32)))
          (memory (export "mem") 1 2)
          (data (i32.const 16) "hello, world\n\00")
          (global $g (mut i32) (i32.const 7))
          (func $sum (export "sum") (param $p i32) (param $n i32) (result i32)
            (local $acc i32)
            (block $done
              (loop $again
                (br_if $done (i32.eqz (local.get $n)))
                (local.set $acc
                  (i32.add (local.get $acc) (i32.load offset=16 align=4 (local.get $p))))
                (i32.store8 offset=1 (local.get $p) (i32.const 255))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $again)))
            (call $log (local.get $acc))
            (memory.fill (i32.const 0) (i32.const 0) (i32.const 8))
            (global.set $g (i32.const -300))
            (local.get $acc))
          (export "g" (global $g)))
    "#;

    const OTHERS: &[&str] = &[
        "(module)",
        "(module (func (result i32) (i32.add (i32.const 40) (i32.const 2))))",
        r#"(module
             (type $t (func (param i32) (result i32)))
             (table $tab 2 funcref)
             (elem (i32.const 0) $a $b)
             (func $a (type $t) (local.get 0))
             (func $b (type $t) (i32.mul (local.get 0) (i32.const 2)))
             (func (export "go") (param i32 i32) (result i32)
               (call_indirect (type $t) (local.get 1) (local.get 0)))
             (func $start)
             (start $start))"#,
        r#"(module
             (func (param i32) (result i64 f32)
               (if (result i64) (local.get 0)
                 (then (i64.const 0x7fffffffffff))
                 (else (i64.const -1)))
               (f32.const 1.5))
             (func (param i32) (result i32)
               (block (block (block
                 (br_table 0 1 2 (local.get 0)))
                 (return (i32.const 1)))
                 (return (i32.const 2)))
               (f64.const 2.25) drop
               (select (i32.const 1) (i32.const 2) (local.get 0))
               drop
               (select (result i32) (i32.const 3) (i32.const 4) (local.get 0))))"#,
        r#"(module
             (memory 1) (memory $m2 1 1)
             (data $d "abc")
             (elem $e func 0)
             (table 1 funcref)
             (func
               (i32.store $m2 (i32.const 0) (i32.load $m2 (i32.const 4)))
               (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3))
               (data.drop $d)
               (memory.copy (i32.const 0) (i32.const 1) (i32.const 1))
               (table.init $e (i32.const 0) (i32.const 0) (i32.const 1))
               (elem.drop $e)
               (drop (memory.grow (i32.const 1)))
               (drop (memory.size))
               (drop (ref.null func))
               (drop (i32.trunc_sat_f32_s (f32.const 1)))))"#,
        r#"(module
             (func (result v128)
               (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
                 (v128.const i32x4 1 2 3 4) (v128.const i64x2 5 6))
               (v128.load8_lane 3 (i32.const 0))
               )
             (memory 1))"#,
        r#"(module
             (type $pt (struct (field $x i32) (field (mut f64))))
             (type $arr (array (mut i8)))
             (rec (type $a (sub (func))) (type $b (sub final $a (func))))
             (global (ref null $pt) (ref.null $pt))
             (tag $e (param i32))
             (func (param i32)
               (try_table (catch $e 0) (throw $e (local.get 0)))
               (drop (struct.new $pt (i32.const 1) (f64.const 2)))
               (drop (array.new_default $arr (i32.const 4)))))"#,
        r#"(module
             (import "m" "t" (table 1 funcref))
             (import "m" "mem" (memory 1 10 shared))
             (import "m" "g" (global i64))
             (func
               (drop (i32.atomic.rmw8.add_u (i32.const 0) (i32.const 1)))
               (atomic.fence)))"#,
    ];

    #[test]
    fn rows_tile_every_module() {
        for src in std::iter::once(RICH).chain(OTHERS.iter().copied()) {
            let module = wasm(src);
            let rows = explain_ok(&module);
            assert_tiles(&module, &rows);
            assert!(render(&rows).lines().count() >= rows.len());
            // Every instruction's immediates are split exactly here.
            assert!(
                rows.iter().all(|r| !r.meaning.starts_with("immediates")),
                "{}",
                render(&rows)
            );
        }
    }

    #[test]
    fn unsplittable_immediates_become_one_row() {
        let module = wasm(
            r#"(module
                 (type $s (struct (field i32)))
                 (func (param anyref) (result (ref $s))
                   (block $l (result (ref $s))
                     (br_on_cast $l anyref (ref $s) (local.get 0))
                     unreachable)))"#,
        );
        let rows = explain_ok(&module);
        assert_tiles(&module, &rows);
        let at = rows
            .iter()
            .position(|r| r.meaning == "br_on_cast")
            .unwrap_or_else(|| panic!("{}", render(&rows)));
        assert_eq!(rows[at].bytes, [0xfb, 0x18]);
        assert!(
            rows[at + 1]
                .meaning
                .starts_with("immediates of br_on_cast:")
        );
        assert_eq!(rows[at + 1].bytes, [0x01, 0x00, 0x6e, 0x00]);
        assert_eq!(rows[at + 2].meaning, "unreachable");
    }

    #[test]
    fn rich_module_is_split_into_precise_pieces() {
        let module = wasm(RICH);
        let rows = explain_ok(&module);
        // Every instruction's immediates are split exactly, no fallback rows.
        assert!(
            rows.iter().all(|r| !r.meaning.starts_with("immediates")),
            "{}",
            render(&rows)
        );
        let find = |meaning: &str| {
            rows.iter()
                .find(|r| r.meaning == meaning)
                .unwrap_or_else(|| panic!("no row {meaning:?} in\n{}", render(&rows)))
        };
        assert_eq!(find("memory.fill").bytes, [0xfc, 0x0b]);
        assert_eq!(find("memory index 0").bytes, [0x00]);
        assert_eq!(find("memarg align 2^2").bytes, [0x02]);
        assert_eq!(find("offset 16").bytes, [0x10]);
        assert_eq!(find("memarg align 2^0").bytes, [0x00]);
        assert_eq!(find("i32.store8").bytes, [0x3a]);
        assert_eq!(find("br_if").bytes, [0x0d]);
        assert_eq!(find("label depth 1").bytes, [0x01]);
        assert_eq!(find("block type: empty").bytes, [0x40]);
        assert_eq!(find("call").bytes, [0x10]);
        assert_eq!(find("function index 0").bytes, [0x00]);
        assert_eq!(find("i32 literal -300 (signed LEB128)").bytes, [0xd4, 0x7d]);
        assert_eq!(find("i32 literal 255 (signed LEB128)").bytes, [0xff, 0x01]);
        assert_eq!(find("end (loop)").bytes, [0x0b]);
        assert_eq!(find("section id 11: data").bytes, [0x0b]);
        assert_eq!(find("module name \"env\"").bytes, b"env");
        assert_eq!(find("export name \"sum\"").bytes, b"sum");
        assert_eq!(find("limits: min and max").bytes, [0x01]);
        assert_eq!(find("min 1 page").bytes, [0x01]);
        assert_eq!(find("max 2 pages").bytes, [0x02]);
        assert_eq!(find("mutable").bytes, [0x01]);
        assert_eq!(find("export kind: global").bytes, [0x03]);
        assert_eq!(find("function 1: type index 1").bytes, [0x01]);
        assert_eq!(
            find("data \"hello, world\\0a\\00\"").bytes,
            b"hello, world\n\0"
        );
        assert!(
            rows.iter()
                .any(|r| r.meaning.ends_with("of custom section data (debug names)"))
        );
    }

    #[test]
    fn i32_const_42_rows() {
        let module = wasm("(module (func (result i32) (i32.const 42)))");
        let rows = explain_ok(&module);
        assert_eq!(rows[0].bytes, b"\0asm");
        assert_eq!(rows[0].meaning, "magic \"\\0asm\"");
        assert_eq!(rows[1].bytes, [1, 0, 0, 0]);
        assert_eq!(rows[1].meaning, "version 1");
        assert_eq!(rows[2].meaning, "section id 1: type");
        assert_eq!(rows[3].meaning, "section size 5 bytes");
        assert_eq!(rows[4].meaning, "1 type");
        assert_eq!(rows[5].meaning, "func type");
        assert_eq!(rows[5].bytes, [0x60]);

        let body = match explain_function_body(&module, 0) {
            Ok(rows) => rows,
            Err(e) => panic!("{e}"),
        };
        let summary: Vec<(Vec<u8>, &str, usize)> = body
            .iter()
            .map(|r| (r.bytes.clone(), r.meaning.as_str(), r.depth))
            .collect();
        assert_eq!(
            summary,
            vec![
                (vec![0x04], "function 0 body size: 4 bytes", 0),
                (vec![0x00], "0 local declarations", 1),
                (vec![0x41], "i32.const", 1),
                (vec![0x2a], "i32 literal 42 (signed LEB128)", 2),
                (vec![0x0b], "end (function body)", 1),
            ]
        );
        let text = render(&body);
        let i32_line = text.lines().nth(2).unwrap_or_default();
        assert!(i32_line.contains(" | 41 | "), "{i32_line:?}");
        assert!(i32_line.ends_with("  i32.const"), "{i32_line:?}");
        assert!(i32_line.starts_with("0x"), "{i32_line:?}");
    }

    #[test]
    fn function_body_skips_imports_and_checks_range() {
        let module = wasm(
            r#"(module (import "m" "f" (func)) (func nop) (func (local i64 i64 f32) unreachable))"#,
        );
        let body = match explain_function_body(&module, 1) {
            Ok(rows) => rows,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(body[0].meaning, "function 2 body size: 7 bytes");
        assert_eq!(body[1].meaning, "2 local declarations");
        assert_eq!(body[2].meaning, "2 locals");
        assert_eq!(body[3].meaning, "i64");
        assert!(body.iter().any(|r| r.meaning == "unreachable"));
        assert_eq!(
            body.last().map(|r| r.meaning.as_str()),
            Some("end (function body)")
        );
        let err = explain_function_body(&module, 2);
        assert!(err.is_err_and(|e| e.contains("defines 2 functions")));
    }

    #[test]
    fn render_pads_and_wraps() {
        let module = wasm(r#"(module (memory 1) (data (i32.const 0) "0123456789abcdefXYZ"))"#);
        let rows = explain_ok(&module);
        let text = render(&rows);
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

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        for src in [
            RICH,
            "(module (func (result i32) (i32.add (i32.const 40) (i32.const 2))))",
        ] {
            let module = wasm(src);
            let rows = explain_ok(&module);
            // Cutting right after a section yields a (shorter) valid module.
            let mut boundaries: Vec<usize> = rows
                .iter()
                .filter(|r| r.meaning.starts_with("section id"))
                .map(|r| r.offset)
                .collect();
            boundaries.push(8);
            for len in 0..module.len() {
                let cut = &module[..len];
                match explain(cut) {
                    Ok(rows) => {
                        assert!(boundaries.contains(&len), "length {len} accepted");
                        assert_tiles(cut, &rows);
                    }
                    Err(e) => assert!(!e.is_empty()),
                }
                assert!(explain_function_body(cut, 0).is_err() || boundaries.contains(&len));
            }
        }
    }

    #[test]
    fn corrupted_bytes_never_panic_and_always_tile() {
        let module = wasm(RICH);
        for i in 0..module.len() {
            for value in [0x00, 0x01, 0x0b, 0x40, 0x7f, 0x80, 0xff, module[i] ^ 0x01] {
                let mut bad = module.clone();
                bad[i] = value;
                if let Ok(rows) = explain(&bad) {
                    assert_tiles(&bad, &rows);
                    let _ = render(&rows);
                }
            }
        }
    }

    #[test]
    fn not_a_module_is_an_error() {
        assert!(explain(b"").is_err());
        assert!(explain(b"hello world").is_err());
        assert!(explain(b"\0asm\x02\0\0\0").is_err());
        // A component binary is not a core module.
        assert!(explain(b"\0asm\x0d\0\x01\0").is_err());
    }

    #[test]
    fn operator_names() {
        assert_eq!(wat_name("visit_i32_const"), "i32.const");
        assert_eq!(wat_name("visit_br_if"), "br_if");
        assert_eq!(wat_name("visit_memory_fill"), "memory.fill");
        assert_eq!(
            wat_name("visit_i32_atomic_rmw8_add_u"),
            "i32.atomic.rmw8.add_u"
        );
        assert_eq!(
            wat_name("visit_memory_atomic_wait32"),
            "memory.atomic.wait32"
        );
        assert_eq!(wat_name("visit_i32_trunc_sat_f32_s"), "i32.trunc_sat_f32_s");
        assert_eq!(wat_name("visit_call_indirect"), "call_indirect");
        assert_eq!(wat_name("visit_typed_select"), "select");
    }
}

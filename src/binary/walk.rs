//! The walk itself: the module header, section framing, and the reading
//! primitives (LEB128 numbers, bytes, names, value types, limits) that turn
//! "where the reader was" to "where it is now" into one [`ByteRow`].

use wasmparser::{BinaryReader, Parser, ValType};

use super::meaning::{limits_flags, plural, section_name, valtype_str};
use super::{ByteRow, Meaning, Part};

/// A walker's result: a row list, or a message saying why the bytes are
/// not a module.
pub(super) type Res<T> = Result<T, String>;

/// Explains every byte of `module`, in order, with no byte left out or
/// repeated.
///
/// # Errors
/// `module` must be a complete core WebAssembly module binary; malformed or
/// truncated input is reported with a message (never a panic).
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
///
/// # Errors
/// As [`explain`], and when the module defines fewer functions.
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

/// Walks a module, appending rows.
pub(super) struct Explainer<'a> {
    pub(super) module: &'a [u8],
    pub(super) rows: Vec<ByteRow>,
    /// Number of imported functions, so defined functions get their real
    /// index in the function index space.
    pub(super) imported_funcs: u64,
    /// For each function body, the range of its rows in `rows`.
    pub(super) bodies: Vec<std::ops::Range<usize>>,
}

/// The reader's absolute offset in the module.
pub(super) fn pos(r: &BinaryReader<'_>) -> u64 {
    r.original_position()
}

/// An offset or length from the binary as a `usize`.
pub(super) fn to_usize(v: u64) -> Res<usize> {
    usize::try_from(v).map_err(|_| format!("offset {v} does not fit in memory"))
}

/// The next byte, without consuming it.
pub(super) fn peek(r: &BinaryReader<'_>) -> Res<u8> {
    r.clone().read_u8().map_err(|e| e.to_string())
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
    pub(super) fn push(&mut self, start: u64, end: u64, depth: usize, meaning: Meaning) -> Res<()> {
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
    pub(super) fn take<T>(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        read: impl FnOnce(&mut BinaryReader<'a>) -> wasmparser::Result<T>,
        describe: impl FnOnce(&T) -> Meaning,
    ) -> Res<T> {
        let start = pos(r);
        let value = read(r).map_err(|e| e.to_string())?;
        self.push(start, pos(r), depth, describe(&value))?;
        Ok(value)
    }

    /// An unsigned LEB128 `u32`.
    pub(super) fn u32(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        f: impl FnOnce(u32) -> Meaning,
    ) -> Res<u32> {
        self.take(r, depth, |r| r.read_var_u32(), |v| f(*v))
    }

    /// A single byte.
    pub(super) fn byte(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        f: impl FnOnce(u8) -> Meaning,
    ) -> Res<u8> {
        self.take(r, depth, |r| r.read_u8(), |v| f(*v))
    }

    /// A vector count: `3 types`.
    pub(super) fn count(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        one: &str,
        many: &str,
    ) -> Res<u32> {
        self.u32(r, depth, |n| Meaning::count(n, one, many))
    }

    /// A value type.
    pub(super) fn valtype(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<ValType> {
        self.take(
            r,
            depth,
            |r| r.read::<ValType>(),
            |t| Meaning::of(Part::Type(valtype_str(t))),
        )
    }

    /// A name: its length LEB, then its UTF-8 bytes.
    pub(super) fn name(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        what: &str,
    ) -> Res<&'a str> {
        let len = self.u32(r, depth, |n| {
            Meaning::text(format!("{what} length: ")).and_count(n, "byte", "bytes")
        })?;
        let start = pos(r);
        let bytes = r
            .read_bytes(to_usize(len.into())?)
            .map_err(|e| e.to_string())?;
        let text = std::str::from_utf8(bytes)
            .map_err(|_| format!("{what} at offset {start:#x} is not valid UTF-8"))?;
        let meaning = Meaning::text(format!("{what} ")).and(Part::Name(text.to_string()));
        self.push(start, pos(r), depth, meaning)?;
        Ok(text)
    }

    /// Memory or table limits: flag byte, min, optional max (and page size).
    pub(super) fn limits(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        unit: (&str, &str),
    ) -> Res<()> {
        let flags = self.byte(r, depth, |f| Meaning::text(limits_flags(f)))?;
        if flags & !0b1111 != 0 {
            return Err(format!("invalid limits flags {flags:#04x}"));
        }
        let (one, many) = unit;
        self.take(
            r,
            depth + 1,
            |r| r.read_var_u64(),
            |n| Meaning::text("min ").and_count(*n, one, many),
        )?;
        if flags & 1 != 0 {
            self.take(
                r,
                depth + 1,
                |r| r.read_var_u64(),
                |n| Meaning::text("max ").and_count(*n, one, many),
            )?;
        }
        if flags & 8 != 0 {
            self.u32(r, depth + 1, |n| {
                Meaning::text("page size 2^").and_int(n).and_text(" bytes")
            })?;
        }
        Ok(())
    }

    /// The whole module: header, then each section in turn.
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
            |_| Meaning::text("magic \"\\0asm\""),
        )?;
        if magic != b"\0asm" {
            return Err("not a WebAssembly binary: bad magic number".to_string());
        }
        let version = self.take(
            &mut r,
            0,
            |r| r.read_u32(),
            |v| Meaning::text("version ").and_int(*v),
        )?;
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

    /// One section: id byte, size LEB, then its contents, which must fill
    /// the size exactly.
    fn section(&mut self, r: &mut BinaryReader<'a>) -> Res<()> {
        let id = self.byte(r, 0, |id| {
            Meaning::text("section id ")
                .and_int(id)
                .and_text(format!(": {}", section_name(id)))
        })?;
        let size = self.u32(r, 0, |n| {
            Meaning::text("section size ").and_count(n, "byte", "bytes")
        })?;
        let start = pos(r);
        let contents = r
            .read_bytes(to_usize(size.into())?)
            .map_err(|e| e.to_string())?;
        let mut s = BinaryReader::new(contents, start);
        self.section_contents(id, &mut s)?;
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
}

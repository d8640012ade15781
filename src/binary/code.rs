//! Function bodies and constant expressions: locals, then every
//! instruction split into its opcode byte(s) and each immediate separately.

use wasmparser::{BinaryReader, Operator, OperatorsReader, ValType};

use super::meaning::{catch_kind, plural, valtype_str};
use super::operators::{Piece, immediates_of, wat_name};
use super::walk::{Explainer, Res, peek, pos, to_usize};
use super::{Float, Meaning, Part};

impl<'a> Explainer<'a> {
    /// A function body: size, local declarations, then the instructions.
    pub(super) fn body(
        &mut self,
        r: &mut BinaryReader<'a>,
        depth: usize,
        func_index: u64,
    ) -> Res<()> {
        let first_row = self.rows.len();
        let size = self.u32(r, depth, |n| {
            Meaning::text("function ")
                .and_int(func_index)
                .and_text(" body size: ")
                .and_count(n, "byte", "bytes")
        })?;
        let start = pos(r);
        let contents = r
            .read_bytes(to_usize(size.into())?)
            .map_err(|e| e.to_string())?;
        self.locals_and_code(&mut BinaryReader::new(contents, start), depth, func_index)?;
        self.bodies.push(first_row..self.rows.len());
        Ok(())
    }

    /// The inside of a body, which must end exactly at its final `end`.
    fn locals_and_code(
        &mut self,
        b: &mut BinaryReader<'a>,
        depth: usize,
        func_index: u64,
    ) -> Res<()> {
        let n = self.count(b, depth + 1, "local declaration", "local declarations")?;
        for _ in 0..n {
            self.u32(b, depth + 2, |c| Meaning::count(c, "local", "locals"))?;
            self.valtype(b, depth + 2)?;
        }
        self.expr(b, depth + 1, "function body")?;
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
        Ok(())
    }

    /// An instruction sequence up to and including the `end` that closes it.
    pub(super) fn expr(&mut self, r: &mut BinaryReader<'a>, depth: usize, what: &str) -> Res<()> {
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
                            label = Some(format!(" ({kind})"));
                        }
                        depth + nest - 1
                    }
                    None => {
                        done = true;
                        label = Some(format!(" ({what})"));
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

    /// One instruction at `start..end`: its opcode row (the name, then
    /// `closes`, e.g. ` (loop)` for an `end`), then a row per immediate (or
    /// one row for all immediates if they can't be split).
    fn instruction(
        &mut self,
        op: &Operator<'_>,
        start: u64,
        end: u64,
        depth: usize,
        closes: Option<String>,
    ) -> Res<()> {
        let (s, e) = (to_usize(start)?, to_usize(end)?);
        let module = self.module;
        let bytes = module
            .get(s..e)
            .ok_or_else(|| format!("instruction at {s:#x} extends past the module"))?;
        let mut r = BinaryReader::new(bytes, start);
        let first = r.read_u8().map_err(|e| e.to_string())?;
        let sub = if matches!(first, 0xfb..=0xfe) {
            Some(r.read_var_u32().map_err(|e| e.to_string())?)
        } else {
            None
        };
        let name = wat_name(op);
        let opcode_end = pos(&r);
        let mut meaning = Meaning::of(Part::Instruction(name.clone()));
        if let Some(sub) = sub.filter(|_| first == 0xfd) {
            // A vector opcode: the prefix byte, then a LEB128 number.
            meaning = meaning.and_text(format!(" (prefix 0x{first:02x}, opcode {sub} as LEB128)"));
        }
        if let Some(closes) = closes {
            meaning = meaning.and_text(closes);
        }
        self.push(start, opcode_end, depth, meaning)?;

        let checkpoint = self.rows.len();
        let split = self.immediates(&mut r, &immediates_of(op), depth + 1);
        if split.is_err() || !r.eof() {
            // Couldn't split the immediates exactly: one row for all of them.
            self.rows.truncate(checkpoint);
            let debug = format!("{op:?}");
            let detail = debug
                .split_once(" { ")
                .map(|(_, rest)| rest.trim_end_matches(" }").to_string())
                .unwrap_or(debug);
            let meaning = Meaning::text("immediates of ")
                .and(Part::Instruction(name))
                .and_text(format!(": {detail}"));
            self.push(opcode_end, end, depth + 1, meaning)?;
        }
        Ok(())
    }

    /// The immediates of one instruction, a row for each piece.
    fn immediates(&mut self, r: &mut BinaryReader<'a>, pieces: &[Piece], depth: usize) -> Res<()> {
        for piece in pieces {
            match piece {
                Piece::U32(label) => {
                    self.u32(r, depth, |v| Meaning::text(format!("{label} ")).and_int(v))?;
                }
                Piece::Byte(label) => {
                    self.byte(r, depth, |v| Meaning::text(format!("{label} ")).and_int(v))?;
                }
                Piece::I32 => {
                    self.take(r, depth, |r| r.read_var_i32(), |v| literal("i32", *v))?;
                }
                Piece::I64 => {
                    self.take(r, depth, |r| r.read_var_i64(), |v| literal("i64", *v))?;
                }
                Piece::F32 => {
                    self.take(r, depth, |r| r.read_f32(), |v| float(Float::F32(v.bits())))?;
                }
                Piece::F64 => {
                    self.take(r, depth, |r| r.read_f64(), |v| float(Float::F64(v.bits())))?;
                }
                Piece::Fixed(n, meaning) => {
                    self.take(r, depth, |r| r.read_bytes(*n), |_| meaning.clone())?;
                }
                Piece::MemArg => self.memarg(r, depth)?,
                Piece::BlockType => self.block_type(r, depth)?,
                Piece::TryTable => self.try_table(r, depth)?,
                Piece::BrTable => {
                    let n = self.count(r, depth, "branch target", "branch targets")?;
                    for _ in 0..n {
                        self.u32(r, depth + 1, |v| Meaning::text("label depth ").and_int(v))?;
                    }
                    self.u32(r, depth, |v| {
                        Meaning::text("default label depth ").and_int(v)
                    })?;
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

    /// A `try_table`'s block type and catch clauses.
    fn try_table(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        self.block_type(r, depth)?;
        let n = self.count(r, depth, "catch clause", "catch clauses")?;
        for _ in 0..n {
            let kind = self.byte(r, depth + 1, |k| Meaning::text(catch_kind(k)))?;
            match kind {
                0x00 | 0x01 => {
                    self.u32(r, depth + 2, |t| Meaning::text("tag index ").and_int(t))?;
                }
                0x02 | 0x03 => {}
                k => return Err(format!("invalid catch kind {k:#04x}")),
            }
            self.u32(r, depth + 2, |l| Meaning::text("label depth ").and_int(l))?;
        }
        Ok(())
    }

    /// A block type: `0x40` (empty), a value type, or an `s33` type index.
    fn block_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let b = peek(r)?;
        if b == 0x40 {
            self.byte(r, depth, |_| Meaning::text("block type: empty"))?;
        } else if b & 0x80 == 0 && b & 0x40 != 0 {
            self.take(
                r,
                depth,
                |r| r.read::<ValType>(),
                |t| Meaning::text("block type: result ").and(Part::Type(valtype_str(t))),
            )?;
        } else {
            self.take(
                r,
                depth,
                |r| r.read_var_s33(),
                |i| Meaning::text("block type: type index ").and_int(*i),
            )?;
        }
        Ok(())
    }

    /// A memory immediate: alignment (and flags), optional memory index, offset.
    fn memarg(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let flags = self.u32(r, depth, |f| {
            let mut m = Meaning::text("memarg align 2^").and_int(f & 0b1111);
            if f & (1 << 6) != 0 {
                m = m.and_text(" (memory index follows)");
            }
            if f & (1 << 5) != 0 {
                m = m.and_text(" (array type index follows)");
            }
            if f & (1 << 4) != 0 {
                m = m.and_text(" (memory ordering follows)");
            }
            m
        })?;
        if flags & (1 << 6) != 0 {
            self.u32(r, depth, |m| Meaning::text("memory index ").and_int(m))?;
        } else if flags & (1 << 5) != 0 {
            self.u32(r, depth, |t| Meaning::text("array type index ").and_int(t))?;
        }
        if flags & (1 << 4) != 0 {
            self.byte(r, depth, |o| match o {
                0x00 => Meaning::text("memory ordering: seq_cst"),
                0x01 | 0x11 => Meaning::text("memory ordering: acq_rel"),
                o => Meaning::text(format!("memory ordering {o:#04x}")),
            })?;
        }
        self.take(
            r,
            depth,
            |r| r.read_var_u64(),
            |o| Meaning::text("offset ").and_int(*o),
        )?;
        Ok(())
    }
}

/// `i32 literal 42 (signed LEB128)`.
fn literal(ty: &str, value: impl Into<i128>) -> Meaning {
    Meaning::text(format!("{ty} literal "))
        .and_int(value)
        .and_text(" (signed LEB128)")
}

/// `f64 literal 0.5 (IEEE 754, little-endian)`.
fn float(value: Float) -> Meaning {
    let ty = match value {
        Float::F32(_) => "f32",
        Float::F64(_) => "f64",
    };
    Meaning::text(format!("{ty} literal "))
        .and(Part::Float(value))
        .and_text(" (IEEE 754, little-endian)")
}

//! Section contents other than code: types, imports, functions, tables,
//! memories, globals, exports, start, elements, data, data count and tags.

use wasmparser::{BinaryReader, RefType};

use super::meaning::{
    data_flags, element_flags, external_kind, global_mutability, reftype_str, type_form,
};
use super::walk::{Explainer, Res, peek, pos};
use super::{Meaning, Part};

impl<'a> Explainer<'a> {
    /// The contents of section `id`, read from `s` (which holds exactly them).
    pub(super) fn section_contents(&mut self, id: u8, s: &mut BinaryReader<'a>) -> Res<()> {
        match id {
            0 => self.custom(s)?,
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
                    self.u32(s, 2, |t| {
                        Meaning::text("function ")
                            .and_int(index)
                            .and_text(": type index ")
                            .and_int(t)
                    })?;
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
                    self.export(s, 2)?;
                }
            }
            8 => {
                self.u32(s, 1, |i| Meaning::text("start function index ").and_int(i))?;
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
                    Meaning::text("data count: ").and_count(n, "data segment", "data segments")
                })?;
            }
            13 => {
                let n = self.count(s, 1, "tag", "tags")?;
                for _ in 0..n {
                    self.tag(s, 2)?;
                }
            }
            _ => {
                return Err(format!(
                    "unknown section id {id} at offset {:#x}",
                    pos(s).saturating_sub(1)
                ));
            }
        }
        Ok(())
    }

    /// A custom section: its name, then opaque bytes.
    fn custom(&mut self, s: &mut BinaryReader<'a>) -> Res<()> {
        let name = self.name(s, 1, "custom section name")?;
        let rest = s.bytes_remaining();
        let what = if name == "name" { " (debug names)" } else { "" };
        self.take(
            s,
            1,
            |s| s.read_bytes(rest),
            |_| {
                Meaning::count(rest as u64, "byte", "bytes")
                    .and_text(format!(" of custom section data{what}"))
            },
        )?;
        Ok(())
    }

    /// A tag: attribute byte (0, exception) and type index.
    fn tag(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let attr = self.byte(r, depth, |a| match a {
            0 => Meaning::text("tag attribute: exception"),
            a => Meaning::text(format!("unknown tag attribute {a:#04x}")),
        })?;
        if attr != 0 {
            return Err(format!("unknown tag attribute {attr:#04x}"));
        }
        self.u32(r, depth, |t| Meaning::text("type index ").and_int(t))?;
        Ok(())
    }

    /// An export: name, kind byte, index.
    fn export(&mut self, s: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        self.name(s, depth, "export name")?;
        let kind = self.byte(s, depth, |k| {
            Meaning::text(format!("export kind: {}", external_kind(k)))
        })?;
        if external_kind(kind) == "unknown" {
            return Err(format!("unknown export kind {kind:#04x}"));
        }
        self.u32(s, depth + 1, |i| {
            Meaning::text(format!("{} index ", external_kind(kind))).and_int(i)
        })?;
        Ok(())
    }

    /// A global's mutability byte.
    fn mutability(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let m = self.byte(r, depth, |m| match global_mutability(m) {
            Some(words) => Meaning::text(words),
            None => Meaning::text(format!("invalid mutability {m:#04x}")),
        })?;
        if global_mutability(m).is_none() {
            return Err(format!("invalid mutability byte {m:#04x}"));
        }
        Ok(())
    }

    /// A type definition, or a `rec` group of them.
    fn rec_group(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        if peek(r)? == 0x4e {
            self.byte(r, depth, |_| Meaning::text("rec group"))?;
            let n = self.count(r, depth + 1, "type in rec group", "types in rec group")?;
            for _ in 0..n {
                self.sub_type(r, depth + 2)?;
            }
            Ok(())
        } else {
            self.sub_type(r, depth)
        }
    }

    /// A type with optional `sub`/`sub final` and supertypes.
    fn sub_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let b = peek(r)?;
        if b == 0x50 || b == 0x4f {
            self.byte(r, depth, |b| {
                Meaning::text(if b == 0x4f {
                    "sub final type"
                } else {
                    "sub type (non-final)"
                })
            })?;
            let n = self.count(r, depth + 1, "supertype", "supertypes")?;
            for _ in 0..n {
                self.u32(r, depth + 2, |i| {
                    Meaning::text("supertype index ").and_int(i)
                })?;
            }
            self.composite_type(r, depth + 1)
        } else {
            self.composite_type(r, depth)
        }
    }

    /// A function, struct, array or continuation type.
    fn composite_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        if peek(r)? == 0x65 {
            self.byte(r, depth, |_| Meaning::text("shared"))?;
        }
        if peek(r)? == 0x4c {
            self.byte(r, depth, |_| Meaning::text("describes"))?;
            self.u32(r, depth + 1, |i| {
                Meaning::text("described type index ").and_int(i)
            })?;
        }
        if peek(r)? == 0x4d {
            self.byte(r, depth, |_| Meaning::text("descriptor"))?;
            self.u32(r, depth + 1, |i| {
                Meaning::text("descriptor type index ").and_int(i)
            })?;
        }
        let form = self.byte(r, depth, |f| Meaning::text(type_form(f)))?;
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
                    |i| Meaning::text("function type index ").and_int(*i),
                )?;
            }
            f => return Err(format!("invalid leading byte {f:#04x} for a type")),
        }
        Ok(())
    }

    /// A struct field or array element: storage type and mutability.
    fn field_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        match peek(r)? {
            0x78 => self.byte(r, depth, |_| {
                Meaning::of(Part::Type("i8".into())).and_text(" (packed)")
            })?,
            0x77 => self.byte(r, depth, |_| {
                Meaning::of(Part::Type("i16".into())).and_text(" (packed)")
            })?,
            _ => {
                self.valtype(r, depth)?;
                0
            }
        };
        let m = self.byte(r, depth, |m| match m {
            0 => Meaning::text("immutable"),
            1 => Meaning::text("mutable"),
            m => Meaning::text(format!("invalid mutability {m:#04x}")),
        })?;
        if m > 1 {
            return Err(format!("invalid field mutability byte {m:#04x}"));
        }
        Ok(())
    }

    /// An import: module name, item name, kind, then what the kind needs.
    fn import(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        self.name(r, depth, "module name")?;
        self.name(r, depth, "item name")?;
        let kind = self.byte(r, depth, |k| {
            Meaning::text(format!("import kind: {}", external_kind(k)))
        })?;
        match kind {
            0x00 | 0x20 => {
                self.u32(r, depth + 1, |t| Meaning::text("type index ").and_int(t))?;
                self.imported_funcs += 1;
            }
            0x01 => self.table_type(r, depth + 1)?,
            0x02 => self.limits(r, depth + 1, ("page", "pages"))?,
            0x03 => {
                self.valtype(r, depth + 1)?;
                self.mutability(r, depth + 1)?;
            }
            0x04 => self.tag(r, depth + 1)?,
            k => return Err(format!("unsupported import kind {k:#04x}")),
        }
        Ok(())
    }

    /// A reference type as a table's or segment's element type.
    fn element_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        self.take(
            r,
            depth,
            |r| r.read::<RefType>(),
            |t| Meaning::text("element type ").and(Part::Type(reftype_str(t))),
        )?;
        Ok(())
    }

    /// A table type: element type and limits.
    fn table_type(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        self.element_type(r, depth)?;
        self.limits(r, depth, ("element", "elements"))
    }

    /// A table definition, optionally with an initializer expression.
    fn table(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        if peek(r)? == 0x40 {
            self.byte(r, depth, |_| {
                Meaning::text("table with initializer expression")
            })?;
            let reserved = self.byte(r, depth, |_| Meaning::text("reserved byte"))?;
            if reserved != 0 {
                return Err(format!("invalid table reserved byte {reserved:#04x}"));
            }
            self.table_type(r, depth)?;
            self.expr(r, depth + 1, "init expression")
        } else {
            self.table_type(r, depth)
        }
    }

    /// An element segment: flags, then what they say follows.
    fn element(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let flags = self.u32(r, depth, |f| {
            Meaning::text("segment flags ")
                .and_int(f)
                .and_text(format!(": {}", element_flags(f)))
        })?;
        if flags > 7 {
            return Err(format!("invalid element segment flags {flags}"));
        }
        let active = flags & 1 == 0;
        let exprs = flags & 4 != 0;
        if active && flags & 2 != 0 {
            self.u32(r, depth + 1, |t| Meaning::text("table index ").and_int(t))?;
        }
        if active {
            self.expr(r, depth + 1, "offset expression")?;
        }
        if flags & 3 != 0 {
            if exprs {
                self.element_type(r, depth + 1)?;
            } else {
                let kind = self.byte(r, depth + 1, |k| match k {
                    0 => Meaning::text("element kind: ").and(Part::Type("funcref".into())),
                    k => Meaning::text(format!("invalid element kind {k:#04x}")),
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
                self.u32(r, depth + 2, |i| {
                    Meaning::text("function index ").and_int(i)
                })?;
            }
        }
        Ok(())
    }

    /// A data segment: flags, optional memory index and offset, the bytes.
    fn data(&mut self, r: &mut BinaryReader<'a>, depth: usize) -> Res<()> {
        let flags = self.u32(r, depth, |f| {
            Meaning::text("segment flags ")
                .and_int(f)
                .and_text(format!(": {}", data_flags(f)))
        })?;
        match flags {
            0 => self.expr(r, depth + 1, "offset expression")?,
            1 => {}
            2 => {
                self.u32(r, depth + 1, |m| Meaning::text("memory index ").and_int(m))?;
                self.expr(r, depth + 1, "offset expression")?;
            }
            f => return Err(format!("invalid data segment flags {f}")),
        }
        let len = self.u32(r, depth + 1, |n| {
            Meaning::count(n, "byte", "bytes").and_text(" of data")
        })?;
        self.take(
            r,
            depth + 2,
            |r| r.read_bytes(len.try_into().unwrap_or(usize::MAX)),
            |b| Meaning::text("data ").and(Part::Data(b.to_vec())),
        )?;
        Ok(())
    }
}

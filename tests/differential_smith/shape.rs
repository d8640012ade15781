//! What the harness needs to know about a module, read with wasmparser (not
//! with watlab, so that a watlab decoding bug cannot hide itself): each
//! export's kind and type.

use crate::generate::FUEL_EXPORT;
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

/// A value type the harness can pass and compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
    FuncRef,
    ExternRef,
    /// Compared between watlab and wasmi only: JavaScript cannot call a
    /// function nor read a global of this type.
    V128,
}

impl Ty {
    fn from_wasmparser(ty: wasmparser::ValType) -> Result<Ty, String> {
        use wasmparser::ValType as V;
        Ok(match ty {
            V::I32 => Ty::I32,
            V::I64 => Ty::I64,
            V::F32 => Ty::F32,
            V::F64 => Ty::F64,
            V::V128 => Ty::V128,
            V::Ref(r) if r == wasmparser::RefType::FUNCREF => Ty::FuncRef,
            V::Ref(r) if r == wasmparser::RefType::EXTERNREF => Ty::ExternRef,
            other => return Err(format!("the harness does not handle {other:?} yet")),
        })
    }

    /// The WAT and driver name.
    pub fn name(self) -> &'static str {
        match self {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
            Ty::FuncRef => "funcref",
            Ty::ExternRef => "externref",
            Ty::V128 => "v128",
        }
    }
}

/// Limits of a memory (pages) or table (elements).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl Limits {
    fn wat(self) -> String {
        match self.max {
            Some(max) => format!("{} {max}", self.min),
            None => self.min.to_string(),
        }
    }
}

/// What an export is, with its type.
#[derive(Clone, Debug)]
pub enum ExportType {
    Func { params: Vec<Ty>, results: Vec<Ty> },
    Memory(Limits),
    Table { elem: Ty, limits: Limits },
    Global { ty: Ty, mutable: bool },
}

/// One export.
#[derive(Clone, Debug)]
pub struct Export {
    pub name: String,
    pub ty: ExportType,
}

/// A module's exports, in order, and how many things it imports.
#[derive(Clone, Debug, Default)]
pub struct Shape {
    pub exports: Vec<Export>,
    /// Imported functions, tables, memories and globals.
    pub imports: Imports,
    /// Which newer proposals its code uses.
    pub uses: Uses,
}

/// Newer proposals a module's code uses, so a tally can show they were
/// exercised (extended-const and multi-memory show in constant expressions
/// and immediates rather than operators, and are not counted).
#[derive(Clone, Copy, Debug, Default)]
pub struct Uses {
    pub simd: bool,
    /// A vector load or store on a memory other than a 32-bit memory 0.
    pub vector_memory_n: bool,
    pub tail_calls: bool,
    pub wide_arithmetic: bool,
}

impl Uses {
    /// Notes what `op` uses; `wide[m]` says whether memory `m` has 64-bit addresses.
    fn add(&mut self, op: &wasmparser::Operator<'_>, wide: &[bool]) {
        use wasmparser::Operator as O;
        if let Some(access) = watlab::vm::memop::MemoryOp::vector(op) {
            let memory = access.memories()[0];
            self.vector_memory_n |= memory != 0 || wide.first() == Some(&true);
        }
        match op {
            O::ReturnCall { .. } | O::ReturnCallIndirect { .. } | O::ReturnCallRef { .. } => {
                self.tail_calls = true
            }
            O::I64Add128 | O::I64Sub128 | O::I64MulWideS | O::I64MulWideU => {
                self.wide_arithmetic = true
            }
            _ => {
                // The vector operators are many; their names say what they are.
                let name = format!("{op:?}");
                let vector = ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"];
                self.simd |= vector.iter().any(|v| name.starts_with(v));
            }
        }
    }
}

/// Counts of imports by kind.
#[derive(Clone, Copy, Debug, Default)]
pub struct Imports {
    pub funcs: usize,
    pub tables: usize,
    pub memories: usize,
    pub globals: usize,
}

fn tys(list: &[wasmparser::ValType]) -> Result<Vec<Ty>, String> {
    list.iter().map(|t| Ty::from_wasmparser(*t)).collect()
}

fn limits(min: u64, max: Option<u64>) -> Limits {
    Limits { min, max }
}

impl Shape {
    /// Reads the exports of a valid module binary.
    pub fn read(wasm: &[u8]) -> Result<Shape, String> {
        let err = |e: wasmparser::BinaryReaderError| e.to_string();
        let mut types: Vec<(Vec<Ty>, Vec<Ty>)> = Vec::new();
        let mut funcs: Vec<u32> = Vec::new();
        let mut memories: Vec<Limits> = Vec::new();
        let mut tables: Vec<(Ty, Limits)> = Vec::new();
        let mut globals: Vec<(Ty, bool)> = Vec::new();
        let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
        let mut imported = [0usize; 4];
        let mut uses = Uses::default();
        let mut wide: Vec<bool> = Vec::new();
        let table = |t: wasmparser::TableType| -> Result<(Ty, Limits), String> {
            let elem = Ty::from_wasmparser(wasmparser::ValType::Ref(t.element_type))?;
            Ok((elem, limits(t.initial, t.maximum)))
        };
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.map_err(err)? {
                Payload::TypeSection(reader) => {
                    for ty in reader.into_iter_err_on_gc_types() {
                        let ty = ty.map_err(err)?;
                        types.push((tys(ty.params())?, tys(ty.results())?));
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let ty = import.map_err(err)?.ty;
                        let kind = match ty {
                            TypeRef::Func(_) => 0,
                            TypeRef::Table(_) => 1,
                            TypeRef::Memory(_) => 2,
                            _ => 3,
                        };
                        imported[kind] += 1;
                        match ty {
                            TypeRef::Func(t) => funcs.push(t),
                            TypeRef::Memory(m) => {
                                memories.push(limits(m.initial, m.maximum));
                                wide.push(m.memory64);
                            }
                            TypeRef::Table(t) => tables.push(table(t)?),
                            TypeRef::Global(g) => {
                                globals.push((Ty::from_wasmparser(g.content_type)?, g.mutable))
                            }
                            other => return Err(format!("unhandled import {other:?}")),
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for f in reader {
                        funcs.push(f.map_err(err)?);
                    }
                }
                Payload::MemorySection(reader) => {
                    for m in reader {
                        let m = m.map_err(err)?;
                        memories.push(limits(m.initial, m.maximum));
                        wide.push(m.memory64);
                    }
                }
                Payload::TableSection(reader) => {
                    for t in reader {
                        tables.push(table(t.map_err(err)?.ty)?);
                    }
                }
                Payload::GlobalSection(reader) => {
                    for g in reader {
                        let ty = g.map_err(err)?.ty;
                        globals.push((Ty::from_wasmparser(ty.content_type)?, ty.mutable));
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let mut ops = body.get_operators_reader().map_err(err)?;
                    while !ops.eof() {
                        uses.add(&ops.read().map_err(err)?, &wide);
                    }
                }
                Payload::ExportSection(reader) => {
                    for e in reader {
                        let e = e.map_err(err)?;
                        exports.push((e.name.to_string(), e.kind, e.index));
                    }
                }
                _ => {}
            }
        }
        let missing = |what: &str, index: u32| format!("export of unknown {what} {index}");
        let exports = exports
            .into_iter()
            .map(|(name, kind, index)| {
                let i = index as usize;
                let ty = match kind {
                    ExternalKind::Func => {
                        let (params, results) = funcs
                            .get(i)
                            .and_then(|t| types.get(*t as usize))
                            .ok_or_else(|| missing("function", index))?
                            .clone();
                        ExportType::Func { params, results }
                    }
                    ExternalKind::Memory => ExportType::Memory(
                        *memories.get(i).ok_or_else(|| missing("memory", index))?,
                    ),
                    ExternalKind::Table => {
                        let (elem, limits) =
                            *tables.get(i).ok_or_else(|| missing("table", index))?;
                        ExportType::Table { elem, limits }
                    }
                    ExternalKind::Global => {
                        let (ty, mutable) =
                            *globals.get(i).ok_or_else(|| missing("global", index))?;
                        ExportType::Global { ty, mutable }
                    }
                    other => return Err(format!("unhandled export kind {other:?}")),
                };
                Ok(Export { name, ty })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let imports = Imports {
            funcs: imported[0],
            tables: imported[1],
            memories: imported[2],
            globals: imported[3],
        };
        Ok(Shape {
            exports,
            imports,
            uses,
        })
    }

    /// A module that only imports, from module `a`, everything this one
    /// exports: wasm-smith's `available_imports` for the second module of a
    /// linked pair.
    pub fn importer_wat(&self) -> String {
        let mut wat = String::from("(module\n");
        // The fuel global stays the harness's: an importer could set it high.
        let exports = self.exports.iter().filter(|e| e.name != FUEL_EXPORT);
        for export in exports {
            let name: String = export.name.bytes().map(|b| format!("\\{b:02x}")).collect();
            let desc = match &export.ty {
                ExportType::Func { params, results } => {
                    let list = |l: &[Ty]| l.iter().map(|t| t.name()).collect::<Vec<_>>().join(" ");
                    format!("func (param {}) (result {})", list(params), list(results))
                }
                ExportType::Memory(l) => format!("memory {}", l.wat()),
                ExportType::Table { elem, limits } => {
                    format!("table {} {}", limits.wat(), elem.name())
                }
                ExportType::Global { ty, mutable: true } => format!("global (mut {})", ty.name()),
                ExportType::Global { ty, mutable: false } => format!("global {}", ty.name()),
            };
            wat.push_str(&format!("  (import \"a\" \"{name}\" ({desc}))\n"));
        }
        wat.push(')');
        wat
    }
}

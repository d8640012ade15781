//! A validated, translated module: everything needed to instantiate it.

mod splice;

use super::translate::{self, Compiled, Mode, ModuleContext};
use super::types::{
    CompositeType, ExternType, FuncType, GlobalType, Limits, MemoryType, SubType, TableType,
};
use super::value::{ValType, Value};
pub use splice::Change;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use wasmparser::{
    BinaryReaderError, ElementItems, ElementKind, ExternalKind, Name, NameSectionReader, Parser,
    Payload, TypeRef, Validator, ValidatorResources, WasmFeatures,
};

/// The feature set watlab runs: WebAssembly 2.0 (SIMD included), relaxed
/// SIMD, and the parts of WebAssembly 3.0 it implements (see the README's list).
pub fn features() -> WasmFeatures {
    features_2_0()
        .union(WasmFeatures::RELAXED_SIMD)
        .union(WasmFeatures::TAIL_CALL)
        .union(WasmFeatures::EXTENDED_CONST)
        .union(WasmFeatures::MULTI_MEMORY)
        .union(WasmFeatures::MEMORY64)
        .union(WasmFeatures::CUSTOM_PAGE_SIZES)
        .union(WasmFeatures::WIDE_ARITHMETIC)
        .union(WasmFeatures::FUNCTION_REFERENCES)
        .union(WasmFeatures::EXCEPTIONS)
        .union(WasmFeatures::GC)
}

/// WebAssembly 2.0: the rules the wasm-v1 and wasm-v2 suites test (3.0 makes
/// some of their invalid modules valid, e.g. two memories).
pub fn features_2_0() -> WasmFeatures {
    WasmFeatures::WASM2
}

/// WebAssembly 2.0 plus the threads proposal's validation (shared memories),
/// as the workbench accepts it. Atomic instructions validate but are not run yet.
pub fn features_with_threads() -> WasmFeatures {
    features().union(WasmFeatures::THREADS)
}

/// Why a binary could not become a [`Module`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// The decoder's or validator's message.
    pub message: String,
    /// Byte offset in the binary where the problem was found.
    pub offset: usize,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte 0x{:x})", self.message, self.offset)
    }
}

impl std::error::Error for CompileError {}

impl From<BinaryReaderError> for CompileError {
    fn from(e: BinaryReaderError) -> CompileError {
        CompileError {
            message: e.message().to_string(),
            offset: e.offset() as usize,
        }
    }
}

/// A constant expression: one instruction (WebAssembly 2.0), or several
/// with integer `add`/`sub`/`mul` (3.0's extended constant expressions).
#[derive(Clone, Debug, PartialEq)]
pub enum ConstExpr {
    /// A literal value (`t.const`, `ref.null`).
    Value(Value),
    /// The value of global `n` (an import).
    Global(u32),
    /// A reference to module function `n`.
    RefFunc(u32),
    /// Several instructions, run on a stack.
    Extended(Arc<[ConstOp]>),
}

/// One instruction of an extended constant expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstOp {
    /// Pushes a one-instruction expression's value.
    Push(ConstExpr),
    /// `i32.add`, `i32.sub`, `i32.mul`, `i64.add`, `i64.sub`, `i64.mul`.
    Arith(ConstArith),
    /// A GC instruction: allocation, `ref.i31`, a conversion.
    Gc(super::gc::GcConst),
}

/// The arithmetic an extended constant expression may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstArith {
    /// `i32.add`.
    I32Add,
    /// `i32.sub`.
    I32Sub,
    /// `i32.mul`.
    I32Mul,
    /// `i64.add`.
    I64Add,
    /// `i64.sub`.
    I64Sub,
    /// `i64.mul`.
    I64Mul,
}

impl ConstArith {
    /// Applies the operator to two operands of its type (others give `a`).
    pub fn apply(self, a: Value, b: Value) -> Value {
        match (self, a, b) {
            (ConstArith::I32Add, Value::I32(x), Value::I32(y)) => Value::I32(x.wrapping_add(y)),
            (ConstArith::I32Sub, Value::I32(x), Value::I32(y)) => Value::I32(x.wrapping_sub(y)),
            (ConstArith::I32Mul, Value::I32(x), Value::I32(y)) => Value::I32(x.wrapping_mul(y)),
            (ConstArith::I64Add, Value::I64(x), Value::I64(y)) => Value::I64(x.wrapping_add(y)),
            (ConstArith::I64Sub, Value::I64(x), Value::I64(y)) => Value::I64(x.wrapping_sub(y)),
            (ConstArith::I64Mul, Value::I64(x), Value::I64(y)) => Value::I64(x.wrapping_mul(y)),
            _ => a,
        }
    }
}

/// What an import asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// A function of the module type with this index.
    Func(u32),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
    /// An exception tag of this type (WebAssembly 3.0).
    Tag(FuncType),
}

/// One import: two-level name and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// First-level name (the host object's key).
    pub module: String,
    /// Second-level name.
    pub name: String,
    /// What is expected.
    pub kind: ImportKind,
}

/// What kind of entity an export names, and its index in that index space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// Function index.
    Func(u32),
    /// Table index.
    Table(u32),
    /// Memory index.
    Memory(u32),
    /// Global index.
    Global(u32),
    /// Tag index.
    Tag(u32),
}

/// One export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The exported name (shared with the instances' export lists).
    pub name: Arc<str>,
    /// What it exports.
    pub kind: ExportKind,
}

/// How an element segment is used.
#[derive(Clone, Debug, PartialEq)]
pub enum SegmentMode {
    /// Copied in at instantiation at the offset into table/memory `index`.
    Active {
        /// Table or memory index.
        index: u32,
        /// Where to copy.
        offset: ConstExpr,
    },
    /// Available to `memory.init` / `table.init`.
    Passive,
    /// Only declares functions as referenceable; dropped at instantiation.
    Declared,
}

/// An element segment.
#[derive(Clone, Debug, PartialEq)]
pub struct ElemSegment {
    /// Element type.
    pub ty: ValType,
    /// Active, passive or declared.
    pub mode: SegmentMode,
    /// The references.
    pub items: Vec<ConstExpr>,
}

/// A data segment.
#[derive(Clone, Debug, PartialEq)]
pub struct DataSegment {
    /// Active or passive.
    pub mode: SegmentMode,
    /// The bytes.
    pub bytes: Arc<[u8]>,
    /// Byte offset of the segment in the module binary.
    pub offset: usize,
}

/// A defined global: type and initializer.
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalDef {
    /// Type.
    pub ty: GlobalType,
    /// Initial value.
    pub init: ConstExpr,
}

/// A function defined in the module: where its body sits in the binary and
/// its code. The code counts byte offsets from the body's start, so every
/// version of a session module that holds the same body shares it wherever
/// the body moved (issue 14: an input costs what its field costs).
#[derive(Clone, Debug)]
pub struct FuncBody {
    /// Byte offset of the body in the module binary.
    pub start: usize,
    /// The code, shared by the modules that hold these bytes.
    pub code: Arc<BodyCode>,
}

impl std::ops::Deref for FuncBody {
    type Target = BodyCode;

    fn deref(&self) -> &BodyCode {
        &self.code
    }
}

impl FuncBody {
    /// Byte range of the body in the module binary.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.start + self.code.len as usize
    }

    /// The module-binary offset of the wasm instruction instruction `pc` of
    /// `code` (one of this body's two forms) came from; the body's end past
    /// the last instruction.
    pub fn offset_at(&self, code: &Compiled, pc: usize) -> usize {
        self.start + code.offsets.get(pc).map_or(self.code.len, |&o| o) as usize
    }
}

/// The code of a function body in both forms, independent of where the body
/// sits in its module's binary.
#[derive(Debug)]
pub struct BodyCode {
    /// Type index.
    pub type_index: u32,
    /// Number of parameters (the first `params` entries of `locals`).
    pub params: u32,
    /// Types of the parameters followed by the declared locals.
    pub locals: Box<[ValType]>,
    /// Slots the parameters take (a `v128` takes two).
    pub param_slots: u32,
    /// Slots the parameters and locals take.
    pub local_slots: u32,
    /// Length of the body in bytes.
    pub len: u32,
    /// Fused code for run mode.
    pub run: Compiled,
    /// One instruction per wasm instruction, for stepping.
    pub step: Compiled,
}

/// Names from the `name` custom section, where the module has one.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// The module's own name.
    pub module: Option<String>,
    /// Function names by function index (shared by the versions of a
    /// session module, issue 14).
    pub funcs: BTreeMap<u32, Arc<str>>,
    /// Local names by function index, then local index.
    pub locals: BTreeMap<u32, BTreeMap<u32, String>>,
    /// Global names by global index.
    pub globals: BTreeMap<u32, String>,
    /// Memory names by memory index.
    pub memories: BTreeMap<u32, String>,
    /// Table names by table index.
    pub tables: BTreeMap<u32, String>,
    /// Data segment names by segment index.
    pub datas: BTreeMap<u32, String>,
    /// Tag names by tag index.
    pub tags: BTreeMap<u32, String>,
    /// Type names by type index.
    pub types: BTreeMap<u32, String>,
    /// Struct field names by type index, then field index.
    pub fields: BTreeMap<u32, BTreeMap<u32, String>>,
}

/// A validated module, translated and ready to instantiate any number of times.
#[derive(Debug)]
pub struct Module {
    /// The binary it was made from.
    pub bytes: Arc<[u8]>,
    /// The signature of each type index (empty for a struct or array type).
    pub types: Vec<FuncType>,
    /// Every defined type, by type index (type indices inside).
    pub subtypes: Vec<SubType>,
    /// The recursion groups: the first type index and the count of each.
    pub rec_groups: Vec<(u32, u32)>,
    /// Imports, in order.
    pub imports: Vec<Import>,
    /// Type index of every function, imports first.
    pub func_types: Vec<u32>,
    /// Defined functions, in order after the imported ones.
    pub bodies: Vec<FuncBody>,
    /// Every table type, imports first.
    pub tables: Vec<TableType>,
    /// Initializers of defined tables (None: null-filled).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Every memory type, imports first.
    pub memories: Vec<MemoryType>,
    /// Every global type, imports first.
    pub global_types: Vec<GlobalType>,
    /// Defined globals.
    pub globals: Vec<GlobalDef>,
    /// Every tag's type, imports first.
    pub tags: Vec<FuncType>,
    /// Every tag's type index, imports first.
    pub tag_types: Vec<u32>,
    /// Exports, in order.
    pub exports: Vec<Export>,
    /// Start function index.
    pub start: Option<u32>,
    /// Element segments.
    pub elems: Vec<ElemSegment>,
    /// Data segments.
    pub datas: Vec<DataSegment>,
    /// Names from the name section.
    pub names: Names,
    /// Validation state, to re-derive operand types at a pause: kept from
    /// validation, or found again from `bytes` when first asked for.
    pub(super) resources: std::sync::OnceLock<Option<ValidatorResources>>,
    /// Number of imported functions.
    pub imported_funcs: u32,
    /// The features it was validated with.
    pub features: WasmFeatures,
}

impl Module {
    /// Decodes, validates and translates a binary module.
    ///
    /// # Errors
    /// A [`CompileError`] with the decoder's or validator's message and offset.
    pub fn from_binary(bytes: &[u8]) -> Result<Module, CompileError> {
        Builder::new(bytes).build(features())
    }

    /// Like [`Module::from_binary`], validating with the given features.
    ///
    /// # Errors
    /// As [`Module::from_binary`].
    pub fn from_binary_with(bytes: &[u8], features: WasmFeatures) -> Result<Module, CompileError> {
        Builder::new(bytes).build(features)
    }

    /// Like [`Module::from_binary_with`], taking the compiled code of each
    /// function body from `earlier` where that module had the same body at
    /// the same place in a context it still has (issue 14: a definition
    /// re-validates and re-translates only what changed).
    ///
    /// # Errors
    /// As [`Module::from_binary`].
    pub fn from_binary_reusing(
        bytes: &[u8],
        features: WasmFeatures,
        earlier: &Module,
    ) -> Result<Module, CompileError> {
        let mut builder = Builder::new(bytes);
        builder.earlier = Some(earlier);
        builder.build(features)
    }

    /// Assembles WAT text with the `wat` crate, then builds the module.
    ///
    /// # Errors
    /// The assembler's message (with line and column) or a [`CompileError`].
    pub fn from_wat(text: &str) -> Result<Module, String> {
        let bytes = wat::parse_str(text).map_err(|e| e.to_string())?;
        Module::from_binary(&bytes).map_err(|e| e.to_string())
    }

    /// The validation state of the module's functions, to re-derive operand
    /// types at a pause (`None` when it has no function bodies).
    pub fn resources(&self) -> Option<ValidatorResources> {
        let found = || {
            let mut validator = Validator::new_with_features(self.features);
            for payload in Parser::new(0).parse_all(&self.bytes) {
                let payload = payload.ok()?;
                if let wasmparser::ValidPayload::Func(func, _) = validator.payload(&payload).ok()? {
                    return Some(func.resources);
                }
            }
            None
        };
        self.resources.get_or_init(found).clone()
    }

    /// The signature of function `index` (imports first).
    pub fn func_type(&self, index: u32) -> Option<&FuncType> {
        self.types
            .get(*self.func_types.get(index as usize)? as usize)
    }

    /// The defined body of function `index`, if it is not an import.
    pub fn body(&self, index: u32) -> Option<&FuncBody> {
        self.bodies
            .get(index.checked_sub(self.imported_funcs)? as usize)
    }

    /// Import `i` as an index into its kind's index space, for [`Module::extern_type`].
    pub fn import_kind(&self, i: usize) -> ExportKind {
        let before = &self.imports[..i.min(self.imports.len())];
        let count =
            |f: fn(&ImportKind) -> bool| before.iter().filter(|imp| f(&imp.kind)).count() as u32;
        match self.imports.get(i).map(|imp| &imp.kind) {
            Some(ImportKind::Table(_)) => {
                ExportKind::Table(count(|k| matches!(k, ImportKind::Table(_))))
            }
            Some(ImportKind::Memory(_)) => {
                ExportKind::Memory(count(|k| matches!(k, ImportKind::Memory(_))))
            }
            Some(ImportKind::Global(_)) => {
                ExportKind::Global(count(|k| matches!(k, ImportKind::Global(_))))
            }
            Some(ImportKind::Tag(_)) => ExportKind::Tag(count(|k| matches!(k, ImportKind::Tag(_)))),
            _ => ExportKind::Func(count(|k| matches!(k, ImportKind::Func(_)))),
        }
    }

    /// The type of import or export kind `kind`.
    pub fn extern_type(&self, kind: ExportKind) -> Option<ExternType> {
        Some(match kind {
            ExportKind::Func(i) => ExternType::Func(self.func_type(i)?.clone()),
            ExportKind::Table(i) => ExternType::Table(*self.tables.get(i as usize)?),
            ExportKind::Memory(i) => ExternType::Memory(*self.memories.get(i as usize)?),
            ExportKind::Global(i) => ExternType::Global(*self.global_types.get(i as usize)?),
            ExportKind::Tag(i) => ExternType::Tag(self.tags.get(i as usize)?.clone()),
        })
    }

    /// A display name for function `index`: its name-section name or `func[index]`.
    pub fn func_name(&self, index: u32) -> String {
        match self.names.funcs.get(&index) {
            Some(name) => format!("${name}"),
            None => format!("func[{index}]"),
        }
    }

    /// A display name for type `index`: its name-section name or `type[index]`.
    pub fn type_name(&self, index: u32) -> String {
        match self.names.types.get(&index) {
            Some(name) => format!("${name}"),
            None => format!("type[{index}]"),
        }
    }

    /// A display name for tag `index`: its name-section name or `tag[index]`.
    pub fn tag_name(&self, index: u32) -> String {
        match self.names.tags.get(&index) {
            Some(name) => format!("${name}"),
            None => format!("tag[{index}]"),
        }
    }
}

struct Builder<'a> {
    bytes: &'a [u8],
    module: Module,
    /// A module whose compiled bodies may be taken over (`Builder::reused`).
    earlier: Option<&'a Module>,
    /// Whether `earlier`'s bodies fit this module's context, once known.
    reuse: Option<bool>,
}

impl<'a> Builder<'a> {
    fn new(bytes: &'a [u8]) -> Builder<'a> {
        Builder {
            bytes,
            module: Module {
                bytes: Arc::from(bytes),
                types: Vec::new(),
                subtypes: Vec::new(),
                rec_groups: Vec::new(),
                imports: Vec::new(),
                func_types: Vec::new(),
                bodies: Vec::new(),
                tables: Vec::new(),
                table_inits: Vec::new(),
                memories: Vec::new(),
                global_types: Vec::new(),
                globals: Vec::new(),
                tags: Vec::new(),
                tag_types: Vec::new(),
                exports: Vec::new(),
                start: None,
                elems: Vec::new(),
                datas: Vec::new(),
                names: Names::default(),
                resources: std::sync::OnceLock::new(),
                imported_funcs: 0,
                features: features(),
            },
            earlier: None,
            reuse: None,
        }
    }

    fn build(mut self, features: WasmFeatures) -> Result<Module, CompileError> {
        self.module.features = features;
        let mut validator = Validator::new_with_features(features);
        for payload in Parser::new(0).parse_all(self.bytes) {
            let payload = payload?;
            match validator.payload(&payload)? {
                wasmparser::ValidPayload::Func(to_validate, body) => {
                    if self.module.resources.get().is_none() {
                        let _ = (self.module.resources).set(Some(to_validate.resources.clone()));
                    }
                    if let Some(reused) = self.reused(&body) {
                        self.module.bodies.push(reused);
                        continue;
                    }
                    let mut func_validator = to_validate.into_validator(Default::default());
                    self.body(&body, Some(&mut func_validator))?;
                }
                wasmparser::ValidPayload::Parser(_) => {
                    return Err(CompileError {
                        message: "components are not supported".into(),
                        offset: 0,
                    });
                }
                _ => self.section(payload)?,
            }
        }
        Ok(self.module)
    }

    fn section(&mut self, payload: Payload<'_>) -> Result<(), CompileError> {
        let bytes = self.bytes;
        let m = &mut self.module;
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group?;
                    let start = m.subtypes.len() as u32;
                    for (offset, ty) in group.into_types_and_offsets() {
                        let ty = SubType::from_wasmparser(&ty)
                            .ok_or_else(|| unsupported("this type", offset as usize))?;
                        m.types.push(match &ty.composite {
                            CompositeType::Func(f) => f.clone(),
                            _ => FuncType::new([], []),
                        });
                        m.subtypes.push(ty);
                    }
                    m.rec_groups.push((start, m.subtypes.len() as u32 - start));
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let kind = match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            m.func_types.push(t);
                            m.imported_funcs += 1;
                            ImportKind::Func(t)
                        }
                        TypeRef::Table(t) => {
                            let t = table_type(&t)?;
                            m.tables.push(t);
                            ImportKind::Table(t)
                        }
                        TypeRef::Memory(t) => {
                            let t = memory_type(&t);
                            m.memories.push(t);
                            ImportKind::Memory(t)
                        }
                        TypeRef::Global(t) => {
                            let t = global_type(&t)?;
                            m.global_types.push(t);
                            ImportKind::Global(t)
                        }
                        TypeRef::Tag(t) => {
                            m.tag_types.push(t.func_type_idx);
                            let t = tag_type(&m.types, &t)?;
                            m.tags.push(t.clone());
                            ImportKind::Tag(t)
                        }
                    };
                    m.imports.push(Import {
                        module: import.module.into(),
                        name: import.name.into(),
                        kind,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    m.func_types.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    m.tables.push(table_type(&table.ty)?);
                    m.table_inits.push(match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(&e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                let range = reader.range();
                if !m.features.contains(WasmFeatures::MEMORY64) {
                    check_memory_limits_encoding(
                        &bytes[range.start as usize..range.end as usize],
                        range.start as usize,
                    )?;
                }
                for mem in reader {
                    m.memories.push(memory_type(&mem?));
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    let ty = global_type(&global.ty)?;
                    m.global_types.push(ty);
                    m.globals.push(GlobalDef {
                        ty,
                        init: const_expr(&global.init_expr)?,
                    });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let kind = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            ExportKind::Func(export.index)
                        }
                        ExternalKind::Table => ExportKind::Table(export.index),
                        ExternalKind::Memory => ExportKind::Memory(export.index),
                        ExternalKind::Global => ExportKind::Global(export.index),
                        ExternalKind::Tag => ExportKind::Tag(export.index),
                    };
                    // The earlier module's name where it is the same (issue 14).
                    let name = (self.earlier)
                        .and_then(|e| e.exports.get(m.exports.len()))
                        .filter(|e| *e.name == *export.name)
                        .map_or_else(|| Arc::from(export.name), |e| e.name.clone());
                    m.exports.push(Export { name, kind });
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader {
                    let tag = tag?;
                    m.tag_types.push(tag.func_type_idx);
                    let tag = tag_type(&m.types, &tag)?;
                    m.tags.push(tag);
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    m.elems.push(elem_segment(elem?)?);
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let mode = match data.kind {
                        wasmparser::DataKind::Passive => SegmentMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    m.datas.push(DataSegment {
                        mode,
                        bytes: Arc::from(data.data),
                        offset: data.range.start as usize,
                    });
                }
            }
            Payload::CustomSection(reader) if reader.name() == "name" => {
                // A malformed name section is ignored, as the spec asks of custom sections.
                let reader = NameSectionReader::new(wasmparser::BinaryReader::new(
                    reader.data(),
                    reader.data_offset(),
                ));
                read_names(reader, &mut m.names, self.earlier.map(|e| &e.names));
            }
            _ => {}
        }
        Ok(())
    }

    /// Translates `body`, validating it with `validator` (without one, it
    /// is known to be valid).
    pub(super) fn body(
        &mut self,
        body: &wasmparser::FunctionBody<'_>,
        mut validator: Option<&mut wasmparser::FuncValidator<ValidatorResources>>,
    ) -> Result<(), CompileError> {
        let m = &mut self.module;
        let index = m.imported_funcs + m.bodies.len() as u32;
        let type_index = m.func_types.get(index as usize).copied().unwrap_or(0);
        let ty = m
            .types
            .get(type_index as usize)
            .cloned()
            .ok_or_else(|| unsupported("a function type", 0))?;
        let mut locals: Vec<ValType> = ty.params.to_vec();
        let mut reader = body.get_locals_reader()?;
        for _ in 0..reader.get_count() {
            let offset = reader.original_position();
            let (count, wty) = reader.read()?;
            if let Some(validator) = validator.as_deref_mut() {
                validator.define_locals(offset, count, wty)?;
            }
            let vt = ValType::from_wasmparser(wty)
                .ok_or_else(|| unsupported("this local type", offset as usize))?;
            locals.extend(std::iter::repeat_n(vt, count as usize));
        }
        let ctx = ModuleContext {
            types: &m.types,
            func_types: &m.func_types,
            global_types: &m.global_types,
            memories: &m.memories,
            features: m.features,
            tags: &m.tags,
            subtypes: &m.subtypes,
        };
        let bytes = self.bytes;
        let run = translate::translate(&ctx, &ty, body, &locals, Mode::Run, validator, bytes)?;
        let step = translate::translate(&ctx, &ty, body, &locals, Mode::Step, None, bytes)?;
        let range = body.range();
        m.bodies.push(FuncBody {
            start: range.start as usize,
            code: Arc::new(BodyCode {
                type_index,
                params: ty.params.len() as u32,
                param_slots: ValType::slots_of(&ty.params) as u32,
                local_slots: ValType::slots_of(&locals) as u32,
                locals: locals.into_boxed_slice(),
                len: (range.end - range.start) as u32,
                run,
                step,
            }),
        });
        Ok(())
    }
}

// When a compiled body of an earlier module can stand for a body of a new
// one (`Builder::reused`): translation (and validation) is a function of the body's bytes and
/// of the module context it reads, so the code carries over when
///
/// - the bytes are the same, at the same function index, with the same type;
/// - every type, function signature, table, memory, global and tag the
///   earlier module had is still there, at the same index (new ones may
///   follow: a body that validated cannot refer to them);
/// - the body uses no element or data segment and no `ref.func` (what those
///   need is declared outside the functions, and may have gone).
///
/// The code is shared; only where the body now sits is new.
/// Whether the context of `earlier` is a prefix of the one of `new` (the
/// sections before the code section are all read by now).
fn context_kept(earlier: &Module, new: &Module) -> bool {
    fn prefix<T: PartialEq>(old: &[T], new: &[T]) -> bool {
        new.get(..old.len()) == Some(old)
    }
    earlier.features == new.features
        && earlier.imported_funcs == new.imported_funcs
        && prefix(&earlier.subtypes, &new.subtypes)
        && prefix(&earlier.rec_groups, &new.rec_groups)
        && prefix(&earlier.func_types, &new.func_types)
        && prefix(&earlier.tables, &new.tables)
        && prefix(&earlier.memories, &new.memories)
        && prefix(&earlier.global_types, &new.global_types)
        && prefix(&earlier.tag_types, &new.tag_types)
}

/// Whether the body reads something declared outside the functions
/// that may have changed: a segment, or the functions `ref.func` may name.
fn reads_declarations(body: &wasmparser::FunctionBody<'_>) -> bool {
    use wasmparser::Operator as O;
    let Ok(mut reader) = body.get_operators_reader() else {
        return true;
    };
    while !reader.eof() {
        match reader.read() {
            Ok(
                O::RefFunc { .. }
                | O::TableInit { .. }
                | O::ElemDrop { .. }
                | O::MemoryInit { .. }
                | O::DataDrop { .. }
                | O::ArrayNewData { .. }
                | O::ArrayNewElem { .. }
                | O::ArrayInitData { .. }
                | O::ArrayInitElem { .. },
            )
            | Err(_) => return true,
            Ok(_) => {}
        }
    }
    false
}

impl Builder<'_> {
    /// The earlier module's compiled code for `body`, when it carries over
    /// (see the rules above [`context_kept`]).
    fn reused(&mut self, body: &wasmparser::FunctionBody<'_>) -> Option<FuncBody> {
        let earlier = self.earlier?;
        let fits = *self
            .reuse
            .get_or_insert_with(|| context_kept(earlier, &self.module));
        let m = &self.module;
        let old = earlier.bodies.get(m.bodies.len()).filter(|_| fits)?;
        let index = m.imported_funcs as usize + m.bodies.len();
        let range = body.range();
        let range = range.start as usize..range.end as usize;
        let same = old.type_index == *m.func_types.get(index)?
            && earlier.bytes.get(old.range()) == self.bytes.get(range.clone());
        if !same || reads_declarations(body) {
            return None;
        }
        Some(FuncBody {
            start: range.start,
            code: old.code.clone(),
        })
    }
}

/// WebAssembly 2.0 encodes memory limits as u32 LEB128 (at most 5 bytes);
/// wasmparser reads them as u64 for memory64, so the 2.0 rule is checked here.
fn check_memory_limits_encoding(section: &[u8], base: usize) -> Result<(), CompileError> {
    let mut pos = 0;
    let leb = |pos: &mut usize| -> Result<(), CompileError> {
        let start = *pos;
        while section.get(*pos).is_some_and(|b| b & 0x80 != 0) {
            *pos += 1;
        }
        *pos += 1;
        if *pos - start > 5 {
            return Err(CompileError {
                message: "integer representation too long".into(),
                offset: base + start,
            });
        }
        Ok(())
    };
    leb(&mut pos)?;
    while pos < section.len() {
        let flags = section[pos];
        pos += 1;
        leb(&mut pos)?;
        if flags & 1 != 0 {
            leb(&mut pos)?;
        }
    }
    Ok(())
}

fn unsupported(what: &str, offset: usize) -> CompileError {
    CompileError {
        message: format!("watlab does not support {what} yet"),
        offset,
    }
}

fn ref_type(ty: wasmparser::RefType) -> Result<ValType, CompileError> {
    ValType::from_wasmparser(wasmparser::ValType::Ref(ty))
        .ok_or_else(|| unsupported("this reference type", 0))
}

fn table_type(ty: &wasmparser::TableType) -> Result<TableType, CompileError> {
    Ok(TableType {
        elem: ref_type(ty.element_type)?,
        limits: Limits {
            min: ty.initial,
            max: ty.maximum,
        },
        table64: ty.table64,
    })
}

fn memory_type(ty: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        limits: Limits {
            min: ty.initial,
            max: ty.maximum,
        },
        shared: ty.shared,
        memory64: ty.memory64,
        page_size_log2: ty.page_size_log2.map_or(16, |log2| log2 as u8),
    }
}

fn global_type(ty: &wasmparser::GlobalType) -> Result<GlobalType, CompileError> {
    Ok(GlobalType {
        ty: ValType::from_wasmparser(ty.content_type)
            .ok_or_else(|| unsupported("this global type", 0))?,
        mutable: ty.mutable,
    })
}

/// A tag's payload types, from its function type.
fn tag_type(types: &[FuncType], tag: &wasmparser::TagType) -> Result<FuncType, CompileError> {
    types
        .get(tag.func_type_idx as usize)
        .cloned()
        .ok_or_else(|| unsupported("this tag type", 0))
}

fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, CompileError> {
    let mut reader = expr.get_operators_reader();
    let mut ops = Vec::new();
    while !reader.eof() {
        let op = reader.read()?;
        let arith = |a| Ok(ConstOp::Arith(a));
        ops.push(match op {
            wasmparser::Operator::End => continue,
            wasmparser::Operator::I32Add => arith(ConstArith::I32Add),
            wasmparser::Operator::I32Sub => arith(ConstArith::I32Sub),
            wasmparser::Operator::I32Mul => arith(ConstArith::I32Mul),
            wasmparser::Operator::I64Add => arith(ConstArith::I64Add),
            wasmparser::Operator::I64Sub => arith(ConstArith::I64Sub),
            wasmparser::Operator::I64Mul => arith(ConstArith::I64Mul),
            other if super::gc::GcConst::from_operator(&other).is_some() => Ok(ConstOp::Gc(
                super::gc::GcConst::from_operator(&other)
                    .ok_or_else(|| unsupported("this constant expression", 0))?,
            )),
            other => const_operand(&other).map(ConstOp::Push).ok_or_else(|| {
                unsupported(
                    "this constant expression",
                    reader.original_position() as usize,
                )
            }),
        }?);
    }
    Ok(match <[ConstOp; 1]>::try_from(ops) {
        Ok([ConstOp::Push(single)]) => single,
        Ok(one) => ConstExpr::Extended(Arc::from(one)),
        Err(many) => ConstExpr::Extended(Arc::from(many)),
    })
}

/// A constant instruction that pushes one value.
fn const_operand(op: &wasmparser::Operator<'_>) -> Option<ConstExpr> {
    Some(match *op {
        wasmparser::Operator::I32Const { value } => ConstExpr::Value(Value::I32(value)),
        wasmparser::Operator::I64Const { value } => ConstExpr::Value(Value::I64(value)),
        wasmparser::Operator::F32Const { value } => ConstExpr::Value(Value::F32(value.bits())),
        wasmparser::Operator::F64Const { value } => ConstExpr::Value(Value::F64(value.bits())),
        wasmparser::Operator::V128Const { value } => {
            ConstExpr::Value(Value::V128(u128::from_le_bytes(*value.bytes())))
        }
        wasmparser::Operator::RefNull { hty } => ConstExpr::Value(match hty {
            wasmparser::HeapType::Abstract {
                ty: wasmparser::AbstractHeapType::Extern,
                ..
            } => Value::ExternRef(None),
            wasmparser::HeapType::Abstract {
                ty: wasmparser::AbstractHeapType::Exn | wasmparser::AbstractHeapType::NoExn,
                ..
            } => Value::ExnRef(None),
            _ => Value::FuncRef(None),
        }),
        wasmparser::Operator::RefFunc { function_index } => ConstExpr::RefFunc(function_index),
        wasmparser::Operator::GlobalGet { global_index } => ConstExpr::Global(global_index),
        _ => return None,
    })
}

fn elem_segment(elem: wasmparser::Element<'_>) -> Result<ElemSegment, CompileError> {
    let mode = match elem.kind {
        ElementKind::Passive => SegmentMode::Passive,
        ElementKind::Declared => SegmentMode::Declared,
        ElementKind::Active {
            table_index,
            offset_expr,
        } => SegmentMode::Active {
            index: table_index.unwrap_or(0),
            offset: const_expr(&offset_expr)?,
        },
    };
    let (ty, items) = match elem.items {
        ElementItems::Functions(reader) => {
            let mut items = Vec::new();
            for f in reader {
                items.push(ConstExpr::RefFunc(f?));
            }
            (ValType::FuncRef, items)
        }
        ElementItems::Expressions(ty, reader) => {
            let mut items = Vec::new();
            for e in reader {
                items.push(const_expr(&e?)?);
            }
            (ref_type(ty)?, items)
        }
    };
    Ok(ElemSegment { ty, mode, items })
}

/// Reads the name section into `names`, sharing the function names
/// `earlier` (an earlier version of the module) has.
fn read_names(reader: NameSectionReader<'_>, names: &mut Names, earlier: Option<&Names>) {
    for subsection in reader {
        let Ok(subsection) = subsection else { return };
        match subsection {
            Name::Module { name, .. } => names.module = Some(name.to_string()),
            Name::Function(map) => {
                // The earlier module's names (in index order, as these) where
                // they are the same, and the map built at once from the list.
                let mut old = earlier.map(|e| e.funcs.iter().peekable());
                let mut list = Vec::new();
                for naming in map.into_iter().flatten() {
                    let shared = old.as_mut().and_then(|old| {
                        while old.next_if(|(i, _)| **i < naming.index).is_some() {}
                        old.next_if(|(i, n)| **i == naming.index && ***n == *naming.name)
                    });
                    let name = shared.map_or_else(|| Arc::from(naming.name), |(_, n)| n.clone());
                    list.push((naming.index, name));
                }
                let funcs = std::mem::take(&mut names.funcs).into_iter().chain(list);
                names.funcs = funcs.collect();
            }
            Name::Local(map) => {
                for indirect in map.into_iter().flatten() {
                    let locals = names.locals.entry(indirect.index).or_default();
                    for naming in indirect.names.flatten() {
                        locals.insert(naming.index, naming.name.to_string());
                    }
                }
            }
            Name::Global(map) => {
                for naming in map.into_iter().flatten() {
                    names.globals.insert(naming.index, naming.name.to_string());
                }
            }
            Name::Memory(map) => {
                for naming in map.into_iter().flatten() {
                    names.memories.insert(naming.index, naming.name.to_string());
                }
            }
            Name::Data(map) => {
                for naming in map.into_iter().flatten() {
                    names.datas.insert(naming.index, naming.name.to_string());
                }
            }
            Name::Table(map) => {
                for naming in map.into_iter().flatten() {
                    names.tables.insert(naming.index, naming.name.to_string());
                }
            }
            Name::Field(map) => {
                for indirect in map.into_iter().flatten() {
                    let fields = names.fields.entry(indirect.index).or_default();
                    for naming in indirect.names.flatten() {
                        fields.insert(naming.index, naming.name.to_string());
                    }
                }
            }
            Name::Type(map) => {
                for naming in map.into_iter().flatten() {
                    names.types.insert(naming.index, naming.name.to_string());
                }
            }
            Name::Tag(map) => {
                for naming in map.into_iter().flatten() {
                    names.tags.insert(naming.index, naming.name.to_string());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Module, features};
    use std::sync::Arc;

    fn binary(text: &str) -> Vec<u8> {
        wat::parse_str(text).expect("assembles")
    }

    #[test]
    fn unchanged_bodies_are_taken_over_where_they_now_sit() {
        let first = binary(
            "(module (func $a (result i32) i32.const 1)
                     (func $b (param i32) (result i32) (block (result i32) local.get 0)))",
        );
        // A function (and an export, a new type) added: the bodies move.
        let second = binary(
            "(module (func $a (result i32) i32.const 1)
                     (func $b (param i32) (result i32) (block (result i32) local.get 0))
                     (func $c (export \"c\") (param i64) (result i64) local.get 0))",
        );
        let earlier = Module::from_binary(&first).expect("valid");
        let reused = Module::from_binary_reusing(&second, features(), &earlier).expect("valid");
        let fresh = Module::from_binary(&second).expect("valid");
        for (i, (got, want)) in reused.bodies.iter().zip(&fresh.bodies).enumerate() {
            assert_eq!(got.range(), want.range(), "body {i}");
            assert_eq!(got.run.offsets, want.run.offsets, "body {i}");
            assert_eq!(got.step.offsets, want.step.offsets, "body {i}");
        }
        assert_eq!(reused.bodies.len(), 3);
        // The two old bodies moved (the new type and function entries come
        // before them) and share their code with the earlier module.
        for (got, old) in reused.bodies.iter().zip(&earlier.bodies) {
            assert!(got.start > old.start);
            assert!(Arc::ptr_eq(&got.code, &old.code));
        }
        let same_place = Module::from_binary_reusing(&first, features(), &earlier).expect("valid");
        assert!(Arc::ptr_eq(
            &same_place.bodies[1].code,
            &earlier.bodies[1].code
        ));
    }

    #[test]
    fn a_changed_signature_checks_its_callers_again() {
        let earlier = Module::from_binary(&binary(
            "(module (func $f (result i32) i32.const 1)
                     (func $g (result i32) call $f))",
        ))
        .expect("valid");
        // $g's bytes are the same, but $f now returns an i64.
        let changed = binary(
            "(module (func $f (result i64) i64.const 1)
                     (func $g (result i32) call $f))",
        );
        let error = Module::from_binary_reusing(&changed, features(), &earlier)
            .expect_err("$g returns an i64 as an i32");
        assert!(error.message.contains("type mismatch"), "{}", error.message);
    }
}

//! Types of module entities: functions, memories, tables, globals, tags.

use super::value::{HeapType, ValType};
use std::fmt;

/// Bytes in one WebAssembly page (64 KiB).
pub const PAGE_SIZE: u64 = 65536;

/// Largest number of pages a 32-bit memory may have (4 GiB).
pub const MAX_PAGES: u32 = 65536;

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Parameter types, in order.
    pub params: Box<[ValType]>,
    /// Result types, in order.
    pub results: Box<[ValType]>,
}

impl FuncType {
    /// Builds a signature from parameter and result lists.
    pub fn new(params: impl Into<Box<[ValType]>>, results: impl Into<Box<[ValType]>>) -> FuncType {
        FuncType {
            params: params.into(),
            results: results.into(),
        }
    }

    pub(crate) fn from_wasmparser(ty: &wasmparser::FuncType) -> Option<FuncType> {
        let params = ty
            .params()
            .iter()
            .map(|t| ValType::from_wasmparser(*t))
            .collect::<Option<Vec<_>>>()?;
        let results = ty
            .results()
            .iter()
            .map(|t| ValType::from_wasmparser(*t))
            .collect::<Option<Vec<_>>>()?;
        Some(FuncType::new(params, results))
    }
}

impl FuncType {
    /// `[i32] -> [(ref $point)]`: the signature, defined types written by `name`.
    pub fn text_with(&self, name: &dyn Fn(u32) -> String) -> String {
        let list = |tys: &[ValType]| {
            tys.iter()
                .map(|t| t.text_with(name))
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!("[{}] -> [{}]", list(&self.params), list(&self.results))
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text_with(&|i| i.to_string()))
    }
}

/// How a struct field or array element is stored: a value type, or a packed
/// 8- or 16-bit integer (read as `i32` with `_s`/`_u`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageType {
    /// Packed 8-bit integer.
    I8,
    /// Packed 16-bit integer.
    I16,
    /// A full value.
    Val(ValType),
}

impl StorageType {
    /// The value type it is read as (`i32` for packed storage).
    pub fn unpacked(self) -> ValType {
        match self {
            StorageType::Val(t) => t,
            _ => ValType::I32,
        }
    }

    /// Bytes per element in a data segment (`array.new_data`): 1, 2, or the value's size.
    pub fn byte_size(self) -> usize {
        match self {
            StorageType::I8 => 1,
            StorageType::I16 => 2,
            StorageType::Val(ValType::I32 | ValType::F32) => 4,
            StorageType::Val(ValType::V128) => 16,
            StorageType::Val(_) => 8,
        }
    }
}

impl fmt::Display for StorageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageType::I8 => f.write_str("i8"),
            StorageType::I16 => f.write_str("i16"),
            StorageType::Val(t) => t.fmt(f),
        }
    }
}

/// A struct field or the element of an array type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    /// How it is stored.
    pub storage: StorageType,
    /// Whether `struct.set`/`array.set` may change it.
    pub mutable: bool,
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable {
            write!(f, "(mut {})", self.storage)
        } else {
            self.storage.fmt(f)
        }
    }
}

/// What a defined type describes (WebAssembly 3.0 "composite type").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompositeType {
    /// A function signature.
    Func(FuncType),
    /// A struct's fields, in order.
    Struct(Box<[FieldType]>),
    /// An array's element.
    Array(FieldType),
}

/// A defined type: its composite type, whether it is final, and its
/// declared supertype (a type index in a module, a canonical id in the store).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubType {
    /// Whether no type may declare it as a supertype.
    pub is_final: bool,
    /// The declared supertype, if any.
    pub supertype: Option<u32>,
    /// What it describes.
    pub composite: CompositeType,
}

impl SubType {
    /// The same type with every defined type index mapped by `f`.
    pub fn map_index(&self, f: &impl Fn(u32) -> u32) -> SubType {
        let field = |t: &FieldType| FieldType {
            storage: match t.storage {
                StorageType::Val(v) => StorageType::Val(v.map_index(f)),
                packed => packed,
            },
            mutable: t.mutable,
        };
        let vals = |ts: &[ValType]| ts.iter().map(|t| t.map_index(f)).collect::<Box<[_]>>();
        SubType {
            is_final: self.is_final,
            supertype: self.supertype.map(f),
            composite: match &self.composite {
                CompositeType::Func(t) => {
                    CompositeType::Func(FuncType::new(vals(&t.params), vals(&t.results)))
                }
                CompositeType::Struct(fields) => {
                    CompositeType::Struct(fields.iter().map(field).collect())
                }
                CompositeType::Array(elem) => CompositeType::Array(field(elem)),
            },
        }
    }

    /// The abstract heap type just above it: `func`, `struct` or `array`.
    pub fn abstract_heap(&self) -> HeapType {
        match self.composite {
            CompositeType::Func(_) => HeapType::Func,
            CompositeType::Struct(_) => HeapType::Struct,
            CompositeType::Array(_) => HeapType::Array,
        }
    }

    /// Converts from wasmparser's (module indices), rejecting shared types.
    pub(crate) fn from_wasmparser(ty: &wasmparser::SubType) -> Option<SubType> {
        use wasmparser::CompositeInnerType as C;
        if ty.composite_type.shared || ty.composite_type.descriptor_idx.is_some() {
            return None;
        }
        let field = |f: &wasmparser::FieldType| -> Option<FieldType> {
            Some(FieldType {
                storage: match f.element_type {
                    wasmparser::StorageType::I8 => StorageType::I8,
                    wasmparser::StorageType::I16 => StorageType::I16,
                    wasmparser::StorageType::Val(v) => {
                        StorageType::Val(ValType::from_wasmparser(v)?)
                    }
                },
                mutable: f.mutable,
            })
        };
        Some(SubType {
            is_final: ty.is_final,
            supertype: match ty.supertype_idxs.first() {
                Some(i) => Some(i.as_module_index()?),
                None => None,
            },
            composite: match &ty.composite_type.inner {
                C::Func(f) => CompositeType::Func(FuncType::from_wasmparser(f)?),
                C::Struct(s) => {
                    CompositeType::Struct(s.fields.iter().map(field).collect::<Option<Box<[_]>>>()?)
                }
                C::Array(a) => CompositeType::Array(field(&a.0)?),
                C::Cont(_) => return None,
            },
        })
    }
}

/// Size limits in pages or elements (64-bit: a 64-bit memory's, or a
/// 1-byte-page memory's, may pass `u32::MAX`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Initial size.
    pub min: u64,
    /// Largest size it may grow to, if bounded.
    pub max: Option<u64>,
}

impl Limits {
    /// Import matching (spec "limits subtyping"): `self` offered where `wanted` is declared.
    pub fn fits(&self, wanted: &Limits) -> bool {
        self.min >= wanted.min
            && match (self.max, wanted.max) {
                (_, None) => true,
                (Some(have), Some(want)) => have <= want,
                (None, Some(_)) => false,
            }
    }
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) => write!(f, "{} {}", self.min, max),
            None => write!(f, "{}", self.min),
        }
    }
}

/// A memory's type: limits in pages, whether it is shared between threads,
/// its address type and its page size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryType {
    /// Limits in pages.
    pub limits: Limits,
    /// Whether the memory is shared (threads proposal).
    pub shared: bool,
    /// Whether addresses are `i64` (WebAssembly 3.0's 64-bit memories).
    pub memory64: bool,
    /// Log2 of the page size: 16 (64 KiB) or 0 (1 byte, custom page sizes).
    pub page_size_log2: u8,
}

impl Default for MemoryType {
    /// No pages, no maximum, not shared, 32-bit, 64 KiB pages.
    fn default() -> MemoryType {
        MemoryType {
            limits: Limits { min: 0, max: None },
            shared: false,
            memory64: false,
            page_size_log2: 16,
        }
    }
}

impl MemoryType {
    /// Bytes in one page.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }

    /// The most pages its address type allows (4 GiB, or 2^64 bytes, of pages).
    pub fn max_pages(&self) -> u64 {
        let bits = if self.memory64 { 64 } else { 32 };
        (1u128 << bits >> self.page_size_log2).min(u64::MAX as u128) as u64
    }
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "memory {}{}{}",
            if self.memory64 { "i64 " } else { "" },
            self.limits,
            if self.shared { " shared" } else { "" }
        )?;
        if self.page_size_log2 != 16 {
            write!(f, " (pagesize {})", self.page_size())?;
        }
        Ok(())
    }
}

/// A table's type: element type and limits in elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableType {
    /// `funcref` or `externref`.
    pub elem: ValType,
    /// Limits in elements.
    pub limits: Limits,
    /// Whether elements are indexed by `i64` (a 64-bit table, memory64 proposal).
    pub table64: bool,
}

impl TableType {
    /// `table 1 funcref`, a defined element type written by `name`.
    pub fn text_with(&self, name: &dyn Fn(u32) -> String) -> String {
        let index = if self.table64 { "i64 " } else { "" };
        format!("table {index}{} {}", self.limits, self.elem.text_with(name))
    }
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text_with(&|i| i.to_string()))
    }
}

/// A global's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalType {
    /// The value type.
    pub ty: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}

impl GlobalType {
    /// `global (mut i32)`, a defined type written by `name`.
    pub fn text_with(&self, name: &dyn Fn(u32) -> String) -> String {
        let ty = self.ty.text_with(name);
        if self.mutable {
            format!("global (mut {ty})")
        } else {
            format!("global {ty}")
        }
    }
}

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text_with(&|i| i.to_string()))
    }
}

/// The type of anything that can be imported or exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
    /// An exception tag: the types of its payload (WebAssembly 3.0).
    Tag(FuncType),
}

impl ExternType {
    /// The type as [`fmt::Display`] writes it, defined types written by
    /// `name` (`$point`, its definition) instead of their index.
    pub fn text_with(&self, name: &dyn Fn(u32) -> String) -> String {
        match self {
            ExternType::Func(t) => format!("func {}", t.text_with(name)),
            ExternType::Table(t) => t.text_with(name),
            ExternType::Memory(t) => t.to_string(),
            ExternType::Global(t) => t.text_with(name),
            ExternType::Tag(t) => format!("tag {}", t.text_with(name)),
        }
    }
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text_with(&|i| i.to_string()))
    }
}

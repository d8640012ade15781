//! Types of module entities: functions, memories, tables, globals, tags.

use super::value::ValType;
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

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |tys: &[ValType]| {
            tys.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(f, "[{}] -> [{}]", list(&self.params), list(&self.results))
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

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index = if self.table64 { "i64 " } else { "" };
        write!(f, "table {index}{} {}", self.limits, self.elem)
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

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable {
            write!(f, "global (mut {})", self.ty)
        } else {
            write!(f, "global {}", self.ty)
        }
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

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => write!(f, "func {t}"),
            ExternType::Table(t) => t.fmt(f),
            ExternType::Memory(t) => t.fmt(f),
            ExternType::Global(t) => t.fmt(f),
            ExternType::Tag(t) => write!(f, "tag {t}"),
        }
    }
}

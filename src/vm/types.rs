//! Types of module entities: functions, memories, tables, globals.

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

/// Size limits in pages or elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Initial size.
    pub min: u32,
    /// Largest size it may grow to, if bounded.
    pub max: Option<u32>,
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

/// A memory's type: limits in pages and whether it is shared between threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryType {
    /// Limits in 64 KiB pages.
    pub limits: Limits,
    /// Whether the memory is shared (threads proposal).
    pub shared: bool,
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "memory {}{}",
            self.limits,
            if self.shared { " shared" } else { "" }
        )
    }
}

/// A table's type: element type and limits in elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableType {
    /// `funcref` or `externref`.
    pub elem: ValType,
    /// Limits in elements.
    pub limits: Limits,
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "table {} {}", self.limits, self.elem)
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
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => write!(f, "func {t}"),
            ExternType::Table(t) => t.fmt(f),
            ExternType::Memory(t) => t.fmt(f),
            ExternType::Global(t) => t.fmt(f),
        }
    }
}

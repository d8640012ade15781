//! What a `:host` input asks for, as data: the objects to allocate and the
//! properties of a whole import object. The parsers ([`super::command`],
//! [`super::literal`]) produce these; [`super::env::HostEnv`] carries them out.

use crate::vm::Value;
use crate::vm::types::{GlobalType, MemoryType, TableType};
use std::ops::Range;

/// A host property's two-level name, `MODULE.NAME` (`mem.pages`), as an
/// import names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyPath {
    /// The first level (the import's module name).
    pub module: String,
    /// The second level (the import's name).
    pub name: String,
}

/// An object the host allocates in the store.
#[derive(Clone, Debug, PartialEq)]
pub enum NewObject {
    /// `new WebAssembly.Memory({...})`.
    Memory(MemoryType),
    /// `new WebAssembly.Table({...})`.
    Table(TableType),
    /// `new WebAssembly.Global({...}, value)`.
    Global(GlobalType, Value),
    /// `new WebAssembly.Tag({ parameters: [...] })`: an exception tag whose
    /// exceptions carry values of these types.
    Tag(Vec<crate::vm::ValType>),
}

/// One property of an import-object module, before it is allocated.
#[derive(Clone, Debug, PartialEq)]
pub enum Property {
    /// A function of `Math` (`Math.sin`).
    Math(&'static str),
    /// A plain number (`0`, `Math.PI`).
    Number(f64),
    /// A plain BigInt (`5n`): importable as an immutable i64 global.
    BigInt(i64),
    /// `console.log`.
    ConsoleLog,
    /// `console.log_utf8`.
    ConsoleLogUtf8,
    /// A memory, table or global to allocate.
    New(NewObject),
}

/// One module of an import object.
#[derive(Clone, Debug, PartialEq)]
pub enum ModuleSpec {
    /// `Math` itself: every function and constant of `Math`.
    Math,
    /// `console` itself: `log` and `log_utf8`.
    Console,
    /// An object literal of properties, in source order.
    Properties(Vec<(String, Property)>),
}

/// A value given to a host object's method (`:host set g.x 42`), as
/// JavaScript would pass it.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A Number (`42`, `-1.5`, `NaN`).
    Number(f64),
    /// A BigInt (`42n`), modulo 2^64.
    BigInt(i64),
    /// `null`.
    Null,
    /// A function of the session module by name (`$f`), as JavaScript passes
    /// an exported function.
    Func(String),
}

impl std::fmt::Display for Operand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Operand::Number(n) => f.write_str(&super::convert::number_to_string(*n)),
            Operand::BigInt(n) => write!(f, "{n}n"),
            Operand::Null => f.write_str("null"),
            Operand::Func(name) => f.write_str(name),
        }
    }
}

/// A part of a `:host` input and where it is in the text after `:host`.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    /// The part.
    pub value: T,
    /// Where it was written.
    pub span: Range<usize>,
}

/// A method of a host object, as the JavaScript API has it.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// `global.value`, or `table.get(index)` with an index.
    Get {
        /// The table index, for a table.
        index: Option<At<Operand>>,
    },
    /// `global.value = value`, or `table.set(index, value)` with an index.
    Set {
        /// The table index, for a table.
        index: Option<At<Operand>>,
        /// The new value.
        value: At<Operand>,
    },
    /// `memory.grow(delta)` or `table.grow(delta)`.
    Grow {
        /// How many pages or elements to add.
        delta: At<Operand>,
    },
}

impl Method {
    /// The sub-command's name.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Get { .. } => "get",
            Method::Set { .. } => "set",
            Method::Grow { .. } => "grow",
        }
    }
}

/// A whole import object (`:host { ... }`), modules in source order.
pub type ImportObject = Vec<(String, ModuleSpec)>;

//! The JavaScript API's methods on host objects, called from the host side
//! (`:host get|set|grow`): `Global.value` read and assigned, `Memory.grow`,
//! `Table.get`, `Table.set` and `Table.grow` (WebAssembly JS API, sections
//! "Globals", "Memories", "Tables").
//!
//! ```text
//!   :host set g.x 42   ->  Method::Set  ->  call(env, store, ...)  ->  Done::Set { old, new }
//!                                                    \-> CallError: TypeError / RangeError, and which word
//! ```
//!
//! Every object lives in the store, so an instance importing a memory sees it
//! grow: the host and the instances hold the same address.

use super::convert::{self, TypeError, number_to_string};
use super::env::{HostEnv, HostValue, similar_names};
use super::request::{Method, Operand, PropertyPath};
use crate::vm::store::{Extern, FuncAddr, Store};
use crate::vm::table::MAX_TABLE_ELEMENTS;
use crate::vm::{ValType, Value};
use std::fmt;

/// Which word of the command an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// The object's `MODULE.NAME`.
    Path,
    /// A table index, or the size to grow by.
    Index,
    /// The value to set.
    Value,
}

/// What a method did.
#[derive(Clone, Debug, PartialEq)]
pub enum Done {
    /// `global.value` or `table.get(i)`.
    Got(Value),
    /// An assignment: the value before and after.
    Set {
        /// Before.
        old: Value,
        /// After.
        new: Value,
    },
    /// `grow`: the old size (what JavaScript returns) and the new one.
    Grew {
        /// Pages or elements before.
        old: u32,
        /// Pages or elements after.
        new: u32,
        /// `pages` or `elements`.
        unit: &'static str,
    },
}

/// Why a method call is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The host object has no such property; names that are close.
    NoSuchProperty(Vec<String>),
    /// A property with no methods (a number, a function), as JavaScript shows it.
    NotAnObject(String),
    /// The object has no such method: what it is, and what to use instead.
    NoSuchMethod(&'static str, &'static str),
    /// A table method without an index.
    NeedsIndex,
    /// A global given an index.
    ExtraIndex,
    /// Assigning to an immutable global.
    Immutable,
    /// A value JavaScript would not convert.
    Convert(TypeError, Arg),
    /// `grow` past the maximum (or the session's limit when there is none).
    GrowPastMaximum {
        /// Pages or elements now.
        old: u32,
        /// The requested growth.
        delta: u32,
        /// The declared maximum.
        max: Option<u32>,
        /// The session's own limit.
        limit: u32,
        /// `pages` or `elements`.
        unit: &'static str,
    },
    /// A table index at or past the length.
    OutOfBounds {
        /// The index.
        index: u32,
        /// The table's length.
        length: u32,
    },
    /// A value a table of that element type cannot hold.
    NotAnElement {
        /// The table's element type.
        elem: ValType,
        /// The value as written.
        given: String,
    },
    /// `$name` that names no function of the session module.
    UnknownFunction(String),
}

/// A refused method call on the host property `path`.
#[derive(Clone, Debug, PartialEq)]
pub struct CallError {
    /// The property, as `module.name`.
    pub path: String,
    /// What is wrong.
    pub problem: Problem,
}

impl CallError {
    /// The word of the command the error is about.
    pub fn arg(&self) -> Arg {
        match &self.problem {
            Problem::Convert(_, arg) => *arg,
            Problem::GrowPastMaximum { .. } | Problem::OutOfBounds { .. } | Problem::ExtraIndex => {
                Arg::Index
            }
            Problem::NotAnElement { .. } | Problem::UnknownFunction(_) | Problem::Immutable => {
                Arg::Value
            }
            _ => Arg::Path,
        }
    }

    /// Whether JavaScript would throw this (a TypeError or RangeError), as
    /// opposed to a command used wrongly.
    pub fn is_exception(&self) -> bool {
        matches!(
            self.problem,
            Problem::Immutable
                | Problem::Convert(..)
                | Problem::GrowPastMaximum { .. }
                | Problem::OutOfBounds { .. }
        ) || matches!(
            self.problem,
            Problem::NotAnElement {
                elem: ValType::FuncRef,
                ..
            }
        )
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        match &self.problem {
            Problem::NoSuchProperty(close) if close.is_empty() => {
                write!(f, "the host object has no {path} (:host lists what it has)")
            }
            Problem::NoSuchProperty(close) => write!(
                f,
                "the host object has no {path} (close: {}; :host lists what it has)",
                close.join(", ")
            ),
            Problem::NotAnObject(is) => write!(
                f,
                "{path} is {is}, not a WebAssembly.Global, Memory or Table, so it has no get, set or grow"
            ),
            Problem::NoSuchMethod(is, instead) => write!(f, "{path} is {is}: {instead}"),
            Problem::NeedsIndex => write!(
                f,
                "{path} is a WebAssembly.Table: give the element's index, like :host get {path} 0 or :host set {path} 0 VALUE"
            ),
            Problem::ExtraIndex => write!(
                f,
                "{path} is a WebAssembly.Global, which holds one value: :host get {path} or :host set {path} VALUE, without an index"
            ),
            Problem::Immutable => write!(
                f,
                "TypeError: {path} is an immutable global: its value cannot be set (JavaScript: Can't set the value of an immutable global); create it with mutable: true, or :host global {path} TYPE VALUE mut"
            ),
            Problem::Convert(e, _) => e.fmt(f),
            Problem::GrowPastMaximum {
                old,
                delta,
                max,
                limit,
                unit,
            } => {
                let unit = if *delta == 1 {
                    unit.trim_end_matches('s')
                } else {
                    unit
                };
                write!(
                    f,
                    "RangeError: {path} cannot grow by {delta} {unit}: it has {old}"
                )?;
                match max {
                    Some(max) if max <= limit => write!(f, " and its maximum is {max}"),
                    _ => write!(f, " and this session allows at most {limit}"),
                }
            }
            Problem::OutOfBounds { index, length: 0 } => write!(
                f,
                "RangeError: index {index} is outside {path}, which has no elements (:host grow {path} N adds some)"
            ),
            Problem::OutOfBounds { index, length } => write!(
                f,
                "RangeError: index {index} is outside {path}, which has {length} element{} (indexes 0 to {})",
                if *length == 1 { "" } else { "s" },
                length - 1
            ),
            Problem::NotAnElement {
                elem: ValType::FuncRef,
                given,
            } => write!(
                f,
                "TypeError: {path} holds functions (anyfunc): {given} is neither a function nor null; name a function of the session module, like $f"
            ),
            Problem::NotAnElement { given, .. } => write!(
                f,
                "{path} holds host references (externref), which watlab numbers: {given} is not a whole number from 0 to 4294967295 or null"
            ),
            Problem::UnknownFunction(name) => write!(
                f,
                "the session module has no function {name} (define one with (func {name} ...))"
            ),
        }
    }
}

impl std::error::Error for CallError {}

/// A value as JavaScript would show it: `42`, `5n`, `1.5`, `null`, `$f`,
/// `ref.extern 7`.
pub fn shown(store: &Store, value: &Value) -> String {
    match *value {
        Value::I32(v) => v.to_string(),
        Value::I64(v) => format!("{v}n"),
        Value::F32(bits) => number_to_string(f64::from(f32::from_bits(bits))),
        Value::F64(bits) => number_to_string(f64::from_bits(bits)),
        Value::V128(bits) => format!("v128 {}", crate::vm::lanes::hex(bits)),
        Value::FuncRef(Some(a)) => store.func_name(FuncAddr(a)),
        Value::FuncRef(None) | Value::ExternRef(None) | Value::ExnRef(None) => "null".into(),
        Value::ExternRef(Some(n)) => format!("ref.extern {n}"),
        Value::ExnRef(Some(n)) => store.describe_exn(n),
        Value::AnyRef(None) | Value::Null(_) => "null".into(),
        // ToJSValue of an i31 is its Number (JS API, GC).
        Value::AnyRef(Some(crate::vm::value::AnyRef::I31(bits))) => {
            crate::vm::value::AnyRef::i31_signed(bits).to_string()
        }
        Value::AnyRef(Some(r)) => r.to_string(),
    }
}

/// Runs `method` on the host property `path`; `func` finds a session
/// function by `$name`.
///
/// # Errors
/// The property is missing or not an object with that method, or the
/// JavaScript API refuses the arguments (TypeError, RangeError).
pub fn call(
    env: &HostEnv,
    store: &mut Store,
    path: &PropertyPath,
    method: &Method,
    func: &dyn Fn(&str) -> Option<FuncAddr>,
) -> Result<Done, CallError> {
    let error = |problem| CallError {
        path: format!("{}.{}", path.module, path.name),
        problem,
    };
    let known = env.modules.get(&path.module);
    let value = known.and_then(|m| m.get(&path.name)).ok_or_else(|| {
        let close = known.map_or_else(Vec::new, |m| {
            similar_names(&path.name, m.keys())
                .into_iter()
                .map(|name| format!("{}.{name}", path.module))
                .collect()
        });
        error(Problem::NoSuchProperty(close))
    })?;
    let HostValue::Object(ext) = value else {
        return Err(error(Problem::NotAnObject(value.describe(store))));
    };
    let index = |operand: &Operand| {
        convert::operand_to_index(operand).map_err(|e| error(Problem::Convert(e, Arg::Index)))
    };
    match (*ext, method) {
        (
            Extern::Global(_),
            Method::Get { index: Some(_) } | Method::Set { index: Some(_), .. },
        ) => Err(error(Problem::ExtraIndex)),
        (Extern::Global(addr), Method::Get { index: None }) => store
            .global(addr)
            .map(|g| Done::Got(g.get()))
            .ok_or_else(|| error(Problem::NoSuchProperty(Vec::new()))),
        (Extern::Global(addr), Method::Set { value, .. }) => {
            let global = store
                .global(addr)
                .copied()
                .ok_or_else(|| error(Problem::NoSuchProperty(Vec::new())))?;
            if !global.ty.mutable {
                return Err(error(Problem::Immutable));
            }
            let new = convert::operand_to_value(&value.value, global.ty.ty)
                .map_err(|e| error(Problem::Convert(e, Arg::Value)))?;
            store.set_global(addr, new);
            Ok(Done::Set {
                old: global.get(),
                new,
            })
        }
        (Extern::Tag(_), _) => Err(error(Problem::NoSuchMethod(
            "a WebAssembly.Tag, which holds no value",
            "make a host function throw it with :host thrower NAME.FIELD TAG VALUE...",
        ))),
        (Extern::Global(_), Method::Grow { .. }) => Err(error(Problem::NoSuchMethod(
            "a WebAssembly.Global, which cannot grow",
            "set its value with :host set",
        ))),
        (Extern::Memory(_), Method::Get { .. } | Method::Set { .. }) => {
            Err(error(Problem::NoSuchMethod(
                "a WebAssembly.Memory",
                "read its bytes with :mem, write them with :write",
            )))
        }
        (Extern::Memory(addr), Method::Grow { delta }) => {
            let delta = index(&delta.value)?;
            let limit = store.limits.max_memory_pages;
            let memory = store
                .memory_mut(addr)
                .ok_or_else(|| error(Problem::NoSuchProperty(Vec::new())))?;
            // Host-made memories have 64 KiB pages, under the store's u32 page limit.
            let old = saturate(memory.pages());
            let max = memory.ty.limits.max.map(saturate);
            memory
                .grow(delta.into())
                .map(|old| Done::Grew {
                    old: saturate(old),
                    new: saturate(old) + delta,
                    unit: "pages",
                })
                .ok_or_else(|| {
                    error(Problem::GrowPastMaximum {
                        old,
                        delta,
                        max,
                        limit,
                        unit: "pages",
                    })
                })
        }
        (Extern::Table(_), Method::Get { index: None } | Method::Set { index: None, .. }) => {
            Err(error(Problem::NeedsIndex))
        }
        (Extern::Table(addr), Method::Get { index: Some(i) }) => {
            let i = index(&i.value)?;
            let table = store
                .table(addr)
                .ok_or_else(|| error(Problem::NoSuchProperty(Vec::new())))?;
            let slot = table.elements.get(i as usize).copied().ok_or_else(|| {
                error(Problem::OutOfBounds {
                    index: i,
                    length: table.size(),
                })
            })?;
            Ok(Done::Got(Value::from_slot(table.ty.elem, slot)))
        }
        (
            Extern::Table(addr),
            Method::Set {
                index: Some(i),
                value,
            },
        ) => {
            let i = index(&i.value)?;
            let elem = store
                .table(addr)
                .map(|t| t.ty.elem)
                .ok_or_else(|| error(Problem::NoSuchProperty(Vec::new())))?;
            let new = element(elem, &value.value, func).map_err(error)?;
            let table = store
                .data
                .tables
                .get_mut(addr.index())
                .ok_or_else(|| error(Problem::NoSuchProperty(Vec::new())))?;
            let length = table.size();
            let slot = table
                .elements
                .get_mut(i as usize)
                .ok_or_else(|| error(Problem::OutOfBounds { index: i, length }))?;
            let old = Value::from_slot(elem, *slot);
            *slot = new.to_slot();
            Ok(Done::Set { old, new })
        }
        (Extern::Table(addr), Method::Grow { delta }) => {
            let delta = index(&delta.value)?;
            let table = store
                .data
                .tables
                .get_mut(addr.index())
                .ok_or_else(|| error(Problem::NoSuchProperty(Vec::new())))?;
            let (old, max) = (table.size(), table.ty.limits.max.map(saturate));
            table
                .grow(delta, Value::from_slot(table.ty.elem, 0).to_slot())
                .map(|old| Done::Grew {
                    old,
                    new: old + delta,
                    unit: "elements",
                })
                .ok_or_else(|| {
                    error(Problem::GrowPastMaximum {
                        old,
                        delta,
                        max,
                        limit: MAX_TABLE_ELEMENTS,
                        unit: "elements",
                    })
                })
        }
        (Extern::Func(_), _) => Err(error(Problem::NotAnObject("a function".into()))),
    }
}

/// `operand` as an element of a table of `elem`s: `null` or `$f` for
/// functions; `null` or a whole Number (watlab's number for a host value)
/// for host references.
/// A 64-bit size as the host's 32-bit reports show it (host objects stay
/// far below `u32::MAX`).
fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn element(
    elem: ValType,
    operand: &Operand,
    func: &dyn Fn(&str) -> Option<FuncAddr>,
) -> Result<Value, Problem> {
    let not = || Problem::NotAnElement {
        elem,
        given: operand.to_string(),
    };
    match (elem, operand) {
        (ValType::FuncRef, Operand::Null) => Ok(Value::FuncRef(None)),
        (ValType::ExternRef, Operand::Null) => Ok(Value::ExternRef(None)),
        (ValType::FuncRef, Operand::Func(name)) => func(name)
            .map(|a| Value::FuncRef(Some(a.0)))
            .ok_or_else(|| Problem::UnknownFunction(name.clone())),
        (ValType::ExternRef, Operand::Number(n))
            if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n) =>
        {
            Ok(Value::ExternRef(Some(*n as u32)))
        }
        _ => Err(not()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::request::{At, NewObject};
    use crate::vm::store::Limits as StoreLimits;
    use crate::vm::types::{GlobalType, Limits, MemoryType, TableType};

    fn path(text: &str) -> PropertyPath {
        let (module, name) = text.split_once('.').expect("two levels");
        PropertyPath {
            module: module.into(),
            name: name.into(),
        }
    }

    fn at(value: Operand) -> At<Operand> {
        At { value, span: 0..0 }
    }

    /// A host object with a mutable i32, an immutable f64 and an i64 global,
    /// a memory of 1 to 2 pages and a function table of 2 to 3 elements.
    fn host() -> (HostEnv, Store) {
        let mut env = HostEnv::new();
        let mut store = Store::new(StoreLimits::default());
        let global = |ty, mutable, value| NewObject::Global(GlobalType { ty, mutable }, value);
        let limits = |min, max| Limits {
            min,
            max: Some(max),
        };
        let objects = [
            ("g.i", global(ValType::I32, true, Value::I32(0))),
            ("g.f", global(ValType::F64, false, Value::f64(0.5))),
            ("g.big", global(ValType::I64, true, Value::I64(5))),
            (
                "m.pages",
                NewObject::Memory(MemoryType {
                    limits: limits(1, 2),
                    shared: false,
                    ..MemoryType::default()
                }),
            ),
            (
                "t.tab",
                NewObject::Table(TableType {
                    table64: false,
                    elem: ValType::FuncRef,
                    limits: limits(2, 3),
                }),
            ),
        ];
        for (name, object) in objects {
            env.define(&mut store, &path(name), &object)
                .expect("allocated");
        }
        (env, store)
    }

    fn run(env: &HostEnv, store: &mut Store, name: &str, method: Method) -> Result<Done, Problem> {
        let func = |name: &str| (name == "$f").then_some(FuncAddr(0));
        call(env, store, &path(name), &method, &func).map_err(|e| e.problem)
    }

    fn set(index: Option<Operand>, value: Operand) -> Method {
        Method::Set {
            index: index.map(at),
            value: at(value),
        }
    }

    #[test]
    fn globals_read_and_assign_as_javascript_does() {
        let (env, mut store) = host();
        let got = run(
            &env,
            &mut store,
            "g.i",
            set(None, Operand::Number(4294967299.0)),
        );
        assert_eq!(
            got,
            Ok(Done::Set {
                old: Value::I32(0),
                new: Value::I32(3)
            })
        );
        assert_eq!(
            run(&env, &mut store, "g.i", Method::Get { index: None }),
            Ok(Done::Got(Value::I32(3)))
        );
        assert_eq!(
            run(&env, &mut store, "g.f", set(None, Operand::Number(1.0))),
            Err(Problem::Immutable)
        );
        assert_eq!(
            run(&env, &mut store, "g.big", set(None, Operand::Number(1.0))),
            Err(Problem::Convert(
                TypeError::NotBigInt("1".into()),
                Arg::Value
            ))
        );
        assert_eq!(
            run(&env, &mut store, "g.i", set(None, Operand::BigInt(1))),
            Err(Problem::Convert(
                TypeError::BigIntForNumber("an i32 global".into()),
                Arg::Value
            ))
        );
        assert_eq!(
            run(&env, &mut store, "g.big", set(None, Operand::BigInt(-1))),
            Ok(Done::Set {
                old: Value::I64(5),
                new: Value::I64(-1)
            })
        );
        assert_eq!(
            run(
                &env,
                &mut store,
                "g.i",
                Method::Grow {
                    delta: at(Operand::Number(1.0))
                }
            ),
            Err(Problem::NoSuchMethod(
                "a WebAssembly.Global, which cannot grow",
                "set its value with :host set"
            ))
        );
        assert!(matches!(
            run(&env, &mut store, "math.PI", Method::Get { index: None }),
            Err(Problem::NotAnObject(_))
        ));
        assert_eq!(
            run(&env, &mut store, "g.j", Method::Get { index: None }),
            Err(Problem::NoSuchProperty(vec![]))
        );
    }

    #[test]
    fn memories_grow_to_their_maximum() {
        let (env, mut store) = host();
        let grow = |n| Method::Grow {
            delta: at(Operand::Number(n)),
        };
        assert_eq!(
            run(&env, &mut store, "m.pages", grow(1.0)),
            Ok(Done::Grew {
                old: 1,
                new: 2,
                unit: "pages"
            })
        );
        let refused = run(&env, &mut store, "m.pages", grow(1.0));
        assert_eq!(
            refused,
            Err(Problem::GrowPastMaximum {
                old: 2,
                delta: 1,
                max: Some(2),
                limit: 16_384,
                unit: "pages"
            })
        );
        let message = CallError {
            path: "m.pages".into(),
            problem: refused.expect_err("refused"),
        }
        .to_string();
        assert_eq!(
            message,
            "RangeError: m.pages cannot grow by 1 page: it has 2 and its maximum is 2"
        );
        assert_eq!(
            run(&env, &mut store, "m.pages", grow(-1.0)),
            Err(Problem::Convert(TypeError::NotAnIndex(-1.0), Arg::Index))
        );
    }

    #[test]
    fn tables_get_set_and_grow_with_the_api_errors() {
        let (env, mut store) = host();
        let get = |i| Method::Get {
            index: Some(at(Operand::Number(i))),
        };
        assert_eq!(
            run(
                &env,
                &mut store,
                "t.tab",
                set(Some(Operand::Number(1.0)), Operand::Func("$f".into()))
            ),
            Ok(Done::Set {
                old: Value::FuncRef(None),
                new: Value::FuncRef(Some(0))
            })
        );
        assert_eq!(
            run(&env, &mut store, "t.tab", get(1.0)),
            Ok(Done::Got(Value::FuncRef(Some(0))))
        );
        assert_eq!(
            run(&env, &mut store, "t.tab", get(2.0)),
            Err(Problem::OutOfBounds {
                index: 2,
                length: 2
            })
        );
        assert_eq!(
            run(
                &env,
                &mut store,
                "t.tab",
                set(Some(Operand::Number(0.0)), Operand::Number(42.0))
            ),
            Err(Problem::NotAnElement {
                elem: ValType::FuncRef,
                given: "42".into()
            })
        );
        assert_eq!(
            run(
                &env,
                &mut store,
                "t.tab",
                set(Some(Operand::Number(0.0)), Operand::Func("$g".into()))
            ),
            Err(Problem::UnknownFunction("$g".into()))
        );
        assert_eq!(
            run(&env, &mut store, "t.tab", Method::Get { index: None }),
            Err(Problem::NeedsIndex)
        );
        let grow = Method::Grow {
            delta: at(Operand::Number(1.0)),
        };
        assert_eq!(
            run(&env, &mut store, "t.tab", grow.clone()),
            Ok(Done::Grew {
                old: 2,
                new: 3,
                unit: "elements"
            })
        );
        assert_eq!(
            run(&env, &mut store, "t.tab", get(2.0)),
            Ok(Done::Got(Value::FuncRef(None)))
        );
        assert!(matches!(
            run(&env, &mut store, "t.tab", grow),
            Err(Problem::GrowPastMaximum {
                old: 3,
                max: Some(3),
                ..
            })
        ));
    }

    #[test]
    fn externref_elements_are_numbered_host_values() {
        let not = |given: &str| Problem::NotAnElement {
            elem: ValType::ExternRef,
            given: given.into(),
        };
        let none = |_: &str| None;
        assert_eq!(
            element(ValType::ExternRef, &Operand::Number(7.0), &none),
            Ok(Value::ExternRef(Some(7)))
        );
        assert_eq!(
            element(ValType::ExternRef, &Operand::Null, &none),
            Ok(Value::ExternRef(None))
        );
        assert_eq!(
            element(ValType::ExternRef, &Operand::Number(1.5), &none),
            Err(not("1.5"))
        );
        assert_eq!(
            element(ValType::ExternRef, &Operand::Func("$f".into()), &none),
            Err(not("$f"))
        );
    }
}

//! The host object: first-level names (modules) to properties, as a
//! JavaScript host passes it to `WebAssembly.instantiate`. Every session
//! starts with `math` (JavaScript's `Math`) and `console`; requests add
//! memories, tables and globals the host allocates in the store.
//!
//! Host functions take whatever numeric signature the importing module
//! declares, converting values as the JavaScript API does ([`super::convert`]).

use super::console::{self, Console};
use super::convert::{self, from_number, number_to_string, to_number};
use super::math::{self, Random};
use super::request::{ImportObject, ModuleSpec, NewObject, Property, PropertyPath};
use crate::vm::store::{Extern, Store};
use crate::vm::types::{ExternType, FuncType, GlobalType, MemoryType, TableType};
use crate::vm::{FuncAddr, MemAddr, Trap, ValType, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// One property of a host object.
#[derive(Clone, Debug, PartialEq)]
pub enum HostValue {
    /// A function of `Math`.
    Math(&'static str),
    /// `console.log`.
    ConsoleLog,
    /// `console.log_utf8(offset, length)`: prints a UTF-8 string from the caller's memory.
    ConsoleLogUtf8,
    /// A plain number: importable as an immutable global.
    Number(f64),
    /// A plain BigInt: importable as an immutable i64 global.
    BigInt(i64),
    /// A memory, table, global or tag the host allocated.
    Object(Extern),
    /// A function that throws an exception of a host tag with these values:
    /// `() => { throw new WebAssembly.Exception(tag, [values]) }`.
    Thrower {
        /// The tag, as the host object names it (`env.oops`).
        tag_path: String,
        /// The tag.
        tag: crate::vm::TagAddr,
        /// The exception's values, of the tag's types.
        payload: Vec<Value>,
    },
}

impl HostValue {
    /// The property as JavaScript would show it (`Math.sin`,
    /// `new WebAssembly.Memory({ ... }) (now 1 pages)`).
    pub fn describe(&self, store: &Store) -> String {
        match self {
            HostValue::Math(name) => format!("Math.{name}"),
            HostValue::ConsoleLog => "console.log".into(),
            HostValue::ConsoleLogUtf8 => {
                "(offset, length) => console.log(UTF-8 text of the caller's memory)".into()
            }
            HostValue::Number(n) => number_to_string(*n),
            HostValue::BigInt(n) => format!("{n}n"),
            HostValue::Object(ext) => describe_object(store, *ext),
            HostValue::Thrower {
                tag_path, payload, ..
            } => format!(
                "() => {{ throw new WebAssembly.Exception({tag_path}, [{}]) }}",
                payload
                    .iter()
                    .map(|v| crate::host::methods::shown(store, v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

fn describe_object(store: &Store, ext: Extern) -> String {
    match (ext, store.extern_type(ext)) {
        (Extern::Memory(addr), Some(ExternType::Memory(m))) => {
            let pages = store.memory(addr).map_or(0, |m| m.pages());
            format!(
                "new WebAssembly.Memory({{ initial: {}, maximum: {}, shared: {} }}) (now {pages} page{})",
                m.limits.min,
                m.limits.max.map_or("none".into(), |x| x.to_string()),
                m.shared,
                if pages == 1 { "" } else { "s" }
            )
        }
        (Extern::Global(addr), Some(ExternType::Global(g))) => {
            let value = store
                .global(addr)
                .map(|g| g.get().to_string())
                .unwrap_or_default();
            format!(
                "new WebAssembly.Global({{ value: \"{}\", mutable: {} }}) = {value}",
                g.ty, g.mutable
            )
        }
        (Extern::Tag(_), Some(ExternType::Tag(t))) => format!(
            "new WebAssembly.Tag({{ parameters: [{}] }})",
            t.params
                .iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (_, Some(other)) => other.to_string(),
        (_, None) => "?".into(),
    }
}

/// `new WebAssembly.Memory({...})` as written to create a memory of `ty`.
pub fn memory_constructor(ty: &MemoryType) -> String {
    let maximum = ty
        .limits
        .max
        .map(|m| format!(", maximum: {m}"))
        .unwrap_or_default();
    let shared = if ty.shared { ", shared: true" } else { "" };
    format!(
        "new WebAssembly.Memory({{ initial: {}{maximum}{shared} }})",
        ty.limits.min
    )
}

/// `new WebAssembly.Table({...})` as written to create a table of `ty`.
pub fn table_constructor(ty: &TableType) -> String {
    let element = if ty.elem == ValType::FuncRef {
        "anyfunc"
    } else {
        "externref"
    };
    let maximum = (ty.limits.max)
        .map(|m| format!(", maximum: {m}"))
        .unwrap_or_default();
    format!(
        "new WebAssembly.Table({{ element: \"{element}\", initial: {}{maximum} }})",
        ty.limits.min
    )
}

/// `new WebAssembly.Global({...}, value)` as written to create a global
/// of `ty` holding `value`; `None` when JavaScript cannot write `value`.
fn global_constructor(ty: &GlobalType, value: &Value) -> Option<String> {
    Some(format!(
        "new WebAssembly.Global({{ value: '{}', mutable: {} }}, {})",
        ty.ty,
        ty.mutable,
        super::export_js::js_plain_value(value)?
    ))
}

/// Allocates `object` in the store as `path`, noting how memories, tables
/// and globals were created in `created` (`:export-js` makes them so).
fn allocate(
    store: &mut Store,
    path: &PropertyPath,
    object: &NewObject,
    created: &mut BTreeMap<Extern, String>,
) -> Result<Extern, String> {
    Ok(match object {
        NewObject::Memory(ty) => {
            let ext = Extern::Memory(store.add_memory(*ty)?);
            created.insert(ext, memory_constructor(ty));
            ext
        }
        NewObject::Table(ty) => {
            let ext = Extern::Table(store.add_table(*ty, Value::from_slot(ty.elem, 0))?);
            created.insert(ext, table_constructor(ty));
            ext
        }
        NewObject::Global(ty, value) => {
            let ext = Extern::Global(store.add_global(*ty, *value));
            created.extend(global_constructor(ty, value).map(|js| (ext, js)));
            ext
        }
        NewObject::Tag(params) => {
            Extern::Tag(store.add_tag(params, format!("{}.{}", path.module, path.name)))
        }
    })
}

/// A property of an import object as a host value, allocating what it creates.
fn property_value(
    store: &mut Store,
    path: &PropertyPath,
    property: &Property,
    created: &mut BTreeMap<Extern, String>,
) -> Result<HostValue, StoreRefused> {
    Ok(match property {
        Property::Math(f) => HostValue::Math(f),
        Property::Number(n) => HostValue::Number(*n),
        Property::BigInt(n) => HostValue::BigInt(*n),
        Property::ConsoleLog => HostValue::ConsoleLog,
        Property::ConsoleLogUtf8 => HostValue::ConsoleLogUtf8,
        Property::New(new) => {
            HostValue::Object(allocate(store, path, new, created).map_err(|reason| {
                StoreRefused {
                    path: path.clone(),
                    reason,
                }
            })?)
        }
    })
}

/// Why a host property cannot serve as an import.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    /// The module has no property of that name; `close` are similar names.
    NoSuchProperty {
        /// Names that start like the one asked for.
        close: Vec<String>,
    },
    /// `console.log_utf8` declared with another signature.
    LogUtf8Signature(PropertyPath),
    /// A plain number (or BigInt) imported as a mutable global.
    NumberAsMutable(PropertyPath),
    /// A plain number imported as a global of a type a Number cannot become.
    NumberAsType(PropertyPath, ValType),
    /// A plain BigInt imported as a global of another type than i64.
    BigIntAsType(PropertyPath, ValType),
    /// The property is of another kind than the import.
    WrongKind {
        /// Its name.
        path: PropertyPath,
        /// What it is, as JavaScript shows it.
        is: String,
        /// What the import asks for.
        want: ExternType,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |p: &PropertyPath| format!("{}.{}", p.module, p.name);
        match self {
            ImportError::NoSuchProperty { close } if close.is_empty() => {
                f.write_str("the host object has no such property")
            }
            ImportError::NoSuchProperty { close } => write!(
                f,
                "the host object has no such property (close: {})",
                close.join(", ")
            ),
            ImportError::LogUtf8Signature(p) => write!(
                f,
                "{} takes (offset, length): declare it as (param i32 i32)",
                name(p)
            ),
            ImportError::NumberAsMutable(p) => write!(
                f,
                "{} is a plain number, which imports only as an immutable global (use new WebAssembly.Global for a mutable one)",
                name(p)
            ),
            ImportError::NumberAsType(p, ty) => write!(
                f,
                "{} is a number, which cannot become an {ty} global (JavaScript: LinkError; an i64 global imports a BigInt, like 5n)",
                name(p)
            ),
            ImportError::BigIntAsType(p, ty) => write!(
                f,
                "{} is a BigInt, which only an i64 global can import (JavaScript: LinkError; an {ty} global imports a Number)",
                name(p)
            ),
            ImportError::WrongKind { path, is, want } => write!(
                f,
                "{} is {is}, but the import asks for a {want}",
                name(path)
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// An import whose module the import object does not have at all. JavaScript's
/// `WebAssembly.instantiate` reads `importObject[module]` first and throws a
/// `TypeError` when it is not an object, before it looks at the name; a
/// missing name in a module that exists is a `LinkError` (JS API,
/// "read the imports", step 3.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingModule {
    /// The import's two-level name.
    pub path: PropertyPath,
    /// The import's declared type, as `func [] -> []`, `memory 1`, ...
    pub expected: String,
    /// Modules with a similar name.
    pub close: Vec<String>,
}

impl MissingModule {
    /// Why it is a `TypeError`, and how to provide the module, by the kind of import.
    pub fn notes(&self) -> Vec<String> {
        let PropertyPath { module, name } = &self.path;
        let property = match self.expected.split_whitespace().next() {
            Some("memory") => format!(":host memory {module}.{name} initial=N"),
            Some("table") => format!(":host table {module}.{name} initial=N"),
            Some("global") => format!(":host global {module}.{name} TYPE VALUE"),
            Some("tag") => format!(":host tag {module}.{name} TYPE..."),
            _ => format!(
                ":host {{ math: Math, console: console, {module}: {{ {name}: Math.sin }} }} (the {{ }} form replaces the whole host object)"
            ),
        };
        vec![
            format!(
                "JavaScript's WebAssembly.instantiate looks up importObject.{module} first and throws a TypeError when it is missing; a missing {name} in a module that exists is a LinkError"
            ),
            format!(
                "add the module: {property}; or (register \"{module}\" $lib) to import the exports of a module $lib"
            ),
        ]
    }
}

impl fmt::Display for MissingModule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let PropertyPath { module, name } = &self.path;
        write!(
            f,
            "TypeError: the host object has no module {module:?}, which the import {module}.{name} ({}) needs",
            self.expected
        )?;
        if !self.close.is_empty() {
            write!(f, " (close: {})", self.close.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for MissingModule {}

/// Names among `known` similar to `name`: the same ignoring case, or
/// starting with the same two letters.
pub fn similar_names<'a>(name: &str, known: impl Iterator<Item = &'a String>) -> Vec<String> {
    let lower = name.to_lowercase();
    let prefix: String = lower.chars().take(2).collect();
    known
        .filter(|k| {
            let k = k.to_lowercase();
            k == lower || (!prefix.is_empty() && k.starts_with(&prefix))
        })
        .cloned()
        .collect()
}

/// The store refused to allocate a host object (a memory larger than it
/// allows, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreRefused {
    /// The property the object was for.
    pub path: PropertyPath,
    /// The store's reason.
    pub reason: String,
}

impl fmt::Display for StoreRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}: {}",
            self.path.module, self.path.name, self.reason
        )
    }
}

impl std::error::Error for StoreRefused {}

/// The host object: first-level names to properties.
#[derive(Clone)]
pub struct HostEnv {
    /// `module -> name -> value`.
    pub modules: BTreeMap<String, BTreeMap<String, HostValue>>,
    /// Lines printed by `console.log` since they were last taken.
    pub console: Console,
    /// `Math.random`'s generator.
    random: Arc<Mutex<Random>>,
    /// How each host memory, table and global was created, as JavaScript
    /// (for `:export-js`).
    pub created: BTreeMap<Extern, String>,
}

impl Default for HostEnv {
    fn default() -> HostEnv {
        HostEnv::new()
    }
}

/// Every function and constant of `Math`, as a host module.
fn math_module() -> BTreeMap<String, HostValue> {
    let functions = math::FUNCTIONS
        .iter()
        .map(|(name, _)| (name.to_string(), HostValue::Math(name)));
    let constants = math::CONSTANTS
        .iter()
        .map(|(name, value)| (name.to_string(), HostValue::Number(*value)));
    functions.chain(constants).collect()
}

/// `console.log` and `console.log_utf8`, as a host module.
fn console_module() -> BTreeMap<String, HostValue> {
    BTreeMap::from([
        ("log".to_string(), HostValue::ConsoleLog),
        ("log_utf8".to_string(), HostValue::ConsoleLogUtf8),
    ])
}

impl HostEnv {
    /// `math` and `console`, as a JavaScript host would pass them.
    pub fn new() -> HostEnv {
        HostEnv {
            modules: BTreeMap::from([
                ("math".to_string(), math_module()),
                ("console".to_string(), console_module()),
            ]),
            console: Console::default(),
            random: Arc::new(Mutex::new(Random::new(1))),
            created: BTreeMap::new(),
        }
    }

    /// Restarts `Math.random` from `seed`, so a session replays exactly.
    pub fn seed(&self, seed: u64) {
        if let Ok(mut random) = self.random.lock() {
            *random = Random::new(seed);
        }
    }

    /// Allocates `object` in the store and names it `path` in the host object.
    ///
    /// # Errors
    /// The store's refusal.
    pub fn define(
        &mut self,
        store: &mut Store,
        path: &PropertyPath,
        object: &NewObject,
    ) -> Result<Extern, StoreRefused> {
        let mut created = BTreeMap::new();
        let ext = allocate(store, path, object, &mut created).map_err(|reason| StoreRefused {
            path: path.clone(),
            reason,
        })?;
        self.created.extend(created);
        self.modules
            .entry(path.module.clone())
            .or_default()
            .insert(path.name.clone(), HostValue::Object(ext));
        Ok(ext)
    }

    /// Replaces the whole host object with `object`, allocating what it creates.
    /// On an error the host object is unchanged, but the store may hold
    /// objects allocated before it: the caller restores the store.
    ///
    /// # Errors
    /// The first object the store refuses, with its name.
    pub fn replace(
        &mut self,
        store: &mut Store,
        object: &ImportObject,
    ) -> Result<(), StoreRefused> {
        let mut modules = BTreeMap::new();
        let mut created = BTreeMap::new();
        for (module, spec) in object {
            let props = match spec {
                ModuleSpec::Math => math_module(),
                ModuleSpec::Console => console_module(),
                ModuleSpec::Properties(properties) => {
                    let mut props = BTreeMap::new();
                    for (name, property) in properties {
                        let path = PropertyPath {
                            module: module.clone(),
                            name: name.clone(),
                        };
                        let value = property_value(store, &path, property, &mut created)?;
                        props.insert(name.clone(), value);
                    }
                    props
                }
            };
            modules.insert(module.clone(), props);
        }
        self.modules = modules;
        self.created.extend(created);
        Ok(())
    }

    /// Makes a host property into a store object of the type an import declares.
    ///
    /// # Errors
    /// The property is missing or cannot serve as that import.
    pub fn materialize(
        &self,
        store: &mut Store,
        module: &str,
        name: &str,
        want: &ExternType,
    ) -> Result<Extern, ImportError> {
        let path = || PropertyPath {
            module: module.to_string(),
            name: name.to_string(),
        };
        let value = self
            .modules
            .get(module)
            .and_then(|m| m.get(name))
            .ok_or_else(|| ImportError::NoSuchProperty {
                close: self.close_names(module, name),
            })?;
        match (value, want) {
            (HostValue::Math(f), ExternType::Func(ty)) => {
                Ok(Extern::Func(self.math_func(store, f, ty)))
            }
            (HostValue::ConsoleLog, ExternType::Func(ty)) => {
                Ok(Extern::Func(self.console.add_log(store, ty)))
            }
            (HostValue::ConsoleLogUtf8, ExternType::Func(ty)) => {
                if *ty != console::log_utf8_type() {
                    return Err(ImportError::LogUtf8Signature(path()));
                }
                Ok(Extern::Func(self.console.add_log_utf8(store)))
            }
            (HostValue::Number(n), ExternType::Global(g)) => {
                if g.mutable {
                    return Err(ImportError::NumberAsMutable(path()));
                }
                let value = convert::number_to_value(*n, g.ty)
                    .ok_or_else(|| ImportError::NumberAsType(path(), g.ty))?;
                Ok(Extern::Global(store.add_global(*g, value)))
            }
            (HostValue::BigInt(n), ExternType::Global(g)) => {
                if g.mutable {
                    return Err(ImportError::NumberAsMutable(path()));
                }
                if g.ty != ValType::I64 {
                    return Err(ImportError::BigIntAsType(path(), g.ty));
                }
                Ok(Extern::Global(store.add_global(*g, Value::I64(*n))))
            }
            (HostValue::Object(ext), _) => Ok(*ext),
            (HostValue::Thrower { tag, payload, .. }, ExternType::Func(ty)) => {
                let (tag, payload) = (*tag, payload.clone());
                let name = format!("{module}.{name}");
                Ok(Extern::Func(store.add_host_func(
                    name,
                    ty.clone(),
                    move |cx, _| Err(cx.data.throw(tag, payload.clone())),
                )))
            }
            (value, want) => Err(ImportError::WrongKind {
                path: path(),
                is: value.describe(store),
                want: want.clone(),
            }),
        }
    }

    /// Names in `module` that start with the first two letters of `name`.
    fn close_names(&self, module: &str, name: &str) -> Vec<String> {
        let prefix: String = name.to_lowercase().chars().take(2).collect();
        self.modules
            .get(module)
            .map(|m| {
                m.keys()
                    .filter(|k| k.to_lowercase().starts_with(&prefix))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    fn math_func(&self, store: &mut Store, name: &'static str, ty: &FuncType) -> FuncAddr {
        let random = self.random.clone();
        let results = ty.results.clone();
        store.add_host_func(format!("math.{name}"), ty.clone(), move |_, args| {
            let numbers = args
                .iter()
                .map(to_number)
                .collect::<Result<Vec<f64>, _>>()
                .map_err(|e| Trap::host(e.to_string()))?;
            let mut random = random
                .lock()
                .map_err(|_| Trap::host("the random generator is unavailable"))?;
            let result = math::call(name, &numbers, &mut random).unwrap_or(f64::NAN);
            from_number(Some(result), &results).map_err(|e| Trap::host(e.to_string()))
        })
    }

    /// The `module.name` a memory was allocated as, if the host allocated it.
    pub fn name_of(&self, memory: MemAddr) -> Option<String> {
        self.modules.iter().find_map(|(module, props)| {
            props.iter().find_map(|(name, value)| {
                (*value == HostValue::Object(Extern::Memory(memory)))
                    .then(|| format!("{module}.{name}"))
            })
        })
    }

    /// Makes `path` a function that throws an exception of the host tag at
    /// `tag_path` with `values` (each read as the tag's type says).
    ///
    /// # Errors
    /// No such tag, or values that do not fit it.
    pub fn define_thrower(
        &mut self,
        store: &Store,
        path: &PropertyPath,
        tag_path: &str,
        values: &[&str],
    ) -> Result<(), String> {
        let tag = tag_path
            .split_once('.')
            .and_then(|(m, n)| self.modules.get(m)?.get(n))
            .and_then(|v| match v {
                HostValue::Object(Extern::Tag(tag)) => Some(*tag),
                _ => None,
            })
            .ok_or_else(|| {
                format!(
                    "{tag_path} is no host tag: make one first with :host tag {tag_path} TYPE..."
                )
            })?;
        let params = store
            .tag(tag)
            .map(|t| t.ty.params.clone())
            .unwrap_or_default();
        if params.len() != values.len() {
            return Err(format!(
                "{tag_path} carries {} value{} ({}), but {} {} given",
                params.len(),
                if params.len() == 1 { "" } else { "s" },
                params
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                values.len(),
                if values.len() == 1 { "was" } else { "were" }
            ));
        }
        let payload = params
            .iter()
            .zip(values)
            .map(|(ty, text)| crate::text::literal::parse_value(*ty, text))
            .collect::<Result<Vec<Value>, String>>()?;
        self.modules.entry(path.module.clone()).or_default().insert(
            path.name.clone(),
            HostValue::Thrower {
                tag_path: tag_path.to_string(),
                tag,
                payload,
            },
        );
        Ok(())
    }

    /// A memory the host object holds, by `module.name`.
    pub fn memory_named(&self, path: &str) -> Option<MemAddr> {
        let (module, name) = path.split_once('.')?;
        match self.modules.get(module)?.get(name)? {
            HostValue::Object(Extern::Memory(addr)) => Some(*addr),
            _ => None,
        }
    }
}

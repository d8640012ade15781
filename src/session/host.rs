//! The host environment: what a JavaScript host would pass to
//! `WebAssembly.instantiate` as its import object. Every session starts with
//! `math` (JavaScript's `Math`) and `console` (`console.log`); `:host` adds
//! memories and globals the host allocates (`mem.pages`, `mem.data_offset`).
//!
//! Host functions take whatever numeric signature the importing module
//! declares, converting values the way the JavaScript API does: numbers in,
//! ToInt32/fround/ToNumber out, and a TypeError where JavaScript raises one
//! (an i64 is a BigInt, which `Math` functions refuse).

use super::jsmath::{self, Random};
use super::{ErrorKind, Reply, Session, SessionError};
use crate::vm::store::{Extern, Store};
use crate::vm::types::{ExternType, FuncType, GlobalType, Limits, MemoryType};
use crate::vm::{Trap, ValType, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
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
    /// A memory, table or global the host allocated.
    Object(Extern),
}

impl HostValue {
    fn describe(&self, store: &Store) -> String {
        match self {
            HostValue::Math(name) => format!("Math.{name}"),
            HostValue::ConsoleLog => "console.log".into(),
            HostValue::ConsoleLogUtf8 => {
                "(offset, length) => console.log(UTF-8 text of the caller's memory)".into()
            }
            HostValue::Number(n) => jsmath::number_to_string(*n),
            HostValue::Object(ext) => match store.extern_type(*ext) {
                Some(ExternType::Memory(m)) => format!(
                    "new WebAssembly.Memory({{ initial: {}, maximum: {}, shared: {} }}) (now {} pages)",
                    m.limits.min,
                    m.limits.max.map_or("none".into(), |x| x.to_string()),
                    m.shared,
                    store
                        .memory(match ext {
                            Extern::Memory(a) => *a,
                            _ => return String::new(),
                        })
                        .map_or(0, |m| m.pages())
                ),
                Some(ExternType::Global(g)) => {
                    let value = match ext {
                        Extern::Global(a) => store
                            .global(*a)
                            .map(|g| g.get().to_string())
                            .unwrap_or_default(),
                        _ => String::new(),
                    };
                    format!(
                        "new WebAssembly.Global({{ value: \"{}\", mutable: {} }}) = {value}",
                        g.ty, g.mutable
                    )
                }
                Some(other) => other.to_string(),
                None => "?".into(),
            },
        }
    }
}

/// The host object: first-level names to properties.
pub struct HostEnv {
    /// `module -> name -> value`.
    pub modules: BTreeMap<String, BTreeMap<String, HostValue>>,
    /// Lines printed by `console.log` since the last input.
    pub console: Arc<Mutex<Vec<String>>>,
    /// `Math.random`'s generator.
    pub random: Arc<Mutex<Random>>,
    /// How each host object was created, as JavaScript (for `:export-js`).
    pub created: BTreeMap<Extern, String>,
}

impl HostEnv {
    /// `math` and `console`, as a JavaScript host would pass them.
    pub fn new() -> HostEnv {
        let mut math = BTreeMap::new();
        for (name, _) in jsmath::FUNCTIONS {
            math.insert(name.to_string(), HostValue::Math(name));
        }
        for (name, value) in jsmath::CONSTANTS {
            math.insert(name.to_string(), HostValue::Number(*value));
        }
        let mut console = BTreeMap::new();
        console.insert("log".to_string(), HostValue::ConsoleLog);
        console.insert("log_utf8".to_string(), HostValue::ConsoleLogUtf8);
        let mut modules = BTreeMap::new();
        modules.insert("math".to_string(), math);
        modules.insert("console".to_string(), console);
        HostEnv {
            modules,
            console: Arc::default(),
            random: Arc::new(Mutex::new(Random::new(1))),
            created: BTreeMap::new(),
        }
    }

    /// Makes a host property into a store object of the type an import declares.
    ///
    /// # Errors
    /// A link-error message when the property cannot serve as that import.
    pub fn materialize(
        &self,
        store: &mut Store,
        module: &str,
        name: &str,
        want: &ExternType,
    ) -> Result<Extern, String> {
        let value = self
            .modules
            .get(module)
            .and_then(|m| m.get(name))
            .ok_or_else(|| {
                let close: Vec<&String> = self
                    .modules
                    .get(module)
                    .map(|m| {
                        m.keys()
                            .filter(|k| {
                                k.to_lowercase()
                                    .starts_with(&name.to_lowercase()[..name.len().min(2)])
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let hint = if close.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (close: {})",
                        close
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                format!("the host object has no such property{hint}")
            })?;
        match (value, want) {
            (HostValue::Math(f), ExternType::Func(ty)) => {
                Ok(Extern::Func(self.math_func(store, f, ty)))
            }
            (HostValue::ConsoleLog, ExternType::Func(ty)) => {
                Ok(Extern::Func(self.console_log(store, ty)))
            }
            (HostValue::ConsoleLogUtf8, ExternType::Func(ty)) => {
                if ty.params[..] != [ValType::I32, ValType::I32] || !ty.results.is_empty() {
                    return Err(format!(
                        "{module}.{name} takes (offset, length): declare it as (param i32 i32)"
                    ));
                }
                Ok(Extern::Func(self.console_log_utf8(store)))
            }
            (HostValue::Number(n), ExternType::Global(g)) => {
                if g.mutable {
                    return Err(format!(
                        "{module}.{name} is a plain number, which imports only as an immutable global (use new WebAssembly.Global for a mutable one)"
                    ));
                }
                let value = match g.ty {
                    ValType::I32 => Value::I32(jsmath::to_int32(*n)),
                    ValType::F32 => Value::f32(*n as f32),
                    ValType::F64 => Value::f64(*n),
                    other => {
                        return Err(format!(
                            "{module}.{name} is a number, which cannot become a {other} global (JavaScript: TypeError)"
                        ));
                    }
                };
                Ok(Extern::Global(store.add_global(*g, value)))
            }
            (HostValue::Object(ext), _) => Ok(*ext),
            (value, want) => Err(format!(
                "{module}.{name} is {}, but the import asks for a {want}",
                value.describe(store)
            )),
        }
    }

    fn math_func(
        &self,
        store: &mut Store,
        name: &'static str,
        ty: &FuncType,
    ) -> crate::vm::FuncAddr {
        let random = self.random.clone();
        let results = ty.results.clone();
        store.add_host_func(format!("math.{name}"), ty.clone(), move |_, args| {
            let numbers = args
                .iter()
                .map(to_number)
                .collect::<Result<Vec<f64>, Trap>>()?;
            let mut random = random
                .lock()
                .map_err(|_| Trap::host("the random generator is unavailable"))?;
            let result = jsmath::call(name, &numbers, &mut random).unwrap_or(f64::NAN);
            from_number(Some(result), &results)
        })
    }

    fn console_log(&self, store: &mut Store, ty: &FuncType) -> crate::vm::FuncAddr {
        let console = self.console.clone();
        let results = ty.results.clone();
        store.add_host_func("console.log", ty.clone(), move |_, args| {
            let line: Vec<String> = args
                .iter()
                .map(|v| match v {
                    Value::I64(n) => format!("{n}n"),
                    other => to_number(other)
                        .map_or_else(|_| other.to_string(), jsmath::number_to_string),
                })
                .collect();
            if let Ok(mut out) = console.lock() {
                out.push(line.join(" "));
            }
            from_number(None, &results)
        })
    }
}

impl HostEnv {
    fn console_log_utf8(&self, store: &mut Store) -> crate::vm::FuncAddr {
        let console = self.console.clone();
        let ty = FuncType::new(vec![ValType::I32, ValType::I32], vec![]);
        store.add_host_func("console.log_utf8", ty, move |ctx, args| {
            let (Some(Value::I32(offset)), Some(Value::I32(len))) = (args.first(), args.get(1))
            else {
                return Err(Trap::host("console.log_utf8 takes (offset, length)"));
            };
            let memory = ctx
                .caller_memory
                .and_then(|m| ctx.data.memories.get(m.index()))
                .ok_or_else(|| Trap::host("console.log_utf8: the calling module has no memory"))?;
            let range = memory
                .range(*offset as u32 as u64, *len as u32 as u64)
                .ok_or_else(|| {
                    Trap::host(format!(
                        "RangeError: bytes {offset}..{} lie outside the memory",
                        *offset as u32 as u64 + *len as u32 as u64
                    ))
                })?;
            let text = String::from_utf8_lossy(&memory.bytes()[range]).into_owned();
            if let Ok(mut out) = console.lock() {
                out.push(text);
            }
            Ok(Vec::new())
        })
    }
}

impl Default for HostEnv {
    fn default() -> HostEnv {
        HostEnv::new()
    }
}

/// A wasm value passed to JavaScript, as a Number.
fn to_number(value: &Value) -> Result<f64, Trap> {
    Ok(match *value {
        Value::I32(v) => v as f64,
        Value::F32(bits) => f32::from_bits(bits) as f64,
        Value::F64(bits) => f64::from_bits(bits),
        Value::I64(_) => {
            return Err(Trap::host(
                "TypeError: Cannot convert a BigInt value to a number (an i64 reaches JavaScript as a BigInt)",
            ));
        }
        Value::FuncRef(_) | Value::ExternRef(_) => {
            return Err(Trap::host("TypeError: a reference is not a number"));
        }
    })
}

/// A JavaScript result (`None`: undefined) converted to the declared results.
fn from_number(result: Option<f64>, results: &[ValType]) -> Result<Vec<Value>, Trap> {
    let number = result.unwrap_or(f64::NAN);
    match results {
        [] => Ok(Vec::new()),
        [ValType::I32] => Ok(vec![Value::I32(jsmath::to_int32(number))]),
        [ValType::F32] => Ok(vec![Value::f32(number as f32)]),
        [ValType::F64] => Ok(vec![Value::f64(number)]),
        [ValType::I64] => Err(Trap::host(format!(
            "TypeError: Cannot convert {} to a BigInt (an i64 result needs a BigInt)",
            result.map_or("undefined".into(), jsmath::number_to_string)
        ))),
        [_] => Err(Trap::host("TypeError: a number cannot become a reference")),
        _ => Err(Trap::host(
            "TypeError: a JavaScript function returns one value, but the import declares several",
        )),
    }
}

impl Session {
    /// `:host` commands: list, `memory`, `global`, `seed`.
    pub(super) fn host_command(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let words: Vec<&str> = args.split_whitespace().collect();
        match words.first().copied() {
            None => Ok(vec![Reply::Text(self.host_listing())]),
            Some("memory") => self.host_memory(&words[1..]),
            Some("global") => self.host_global(&words[1..]),
            Some("seed") => {
                let seed = words
                    .get(1)
                    .and_then(|w| w.parse::<u64>().ok())
                    .ok_or_else(|| SessionError::usage("usage: :host seed N"))?;
                if let Ok(mut random) = self.host.random.lock() {
                    *random = Random::new(seed);
                }
                Ok(vec![Reply::Note(format!(
                    "Math.random starts again from seed {seed}"
                ))])
            }
            Some(other) => Err(SessionError::usage(format!(
                "unknown :host command {other}: use :host, :host memory NAME.FIELD initial=N [maximum=M] [shared], :host global NAME.FIELD TYPE VALUE [mut], :host seed N"
            ))),
        }
    }

    fn host_listing(&self) -> String {
        let mut text = String::from("host object:\n");
        for (module, props) in &self.host.modules {
            let _ = writeln!(text, "  {module}:");
            let (functions, others): (Vec<_>, Vec<_>) = props
                .iter()
                .partition(|(_, v)| matches!(v, HostValue::Math(_)));
            if !functions.is_empty() {
                let names: Vec<&str> = functions.iter().map(|(n, _)| n.as_str()).collect();
                let _ = writeln!(text, "    functions of Math: {}", names.join(" "));
            }
            for (name, value) in others {
                let _ = writeln!(text, "    {name}: {}", value.describe(&self.store));
            }
        }
        text
    }

    fn host_path(word: Option<&&str>) -> Result<(String, String), SessionError> {
        let path = word.ok_or_else(|| {
            SessionError::usage("name the property as MODULE.NAME, e.g. mem.pages")
        })?;
        let (module, name) = path.split_once('.').filter(|(m, n)| !m.is_empty() && !n.is_empty() && !n.contains('.')).ok_or_else(|| {
            SessionError::usage(format!("{path}: a host property has a two-level name MODULE.NAME (an import names exactly two levels)"))
        })?;
        Ok((module.to_string(), name.to_string()))
    }

    fn host_memory(&mut self, words: &[&str]) -> Result<Vec<Reply>, SessionError> {
        let (module, name) = Session::host_path(words.first())?;
        let (mut initial, mut maximum, mut shared) = (None, None, false);
        for word in &words[1..] {
            match word.split_once('=') {
                Some(("initial", n)) => initial = n.parse::<u32>().ok(),
                Some(("maximum", n)) => {
                    maximum = Some(n.parse::<u32>().map_err(|_| {
                        SessionError::usage(format!("maximum={n} is not a number of pages"))
                    })?)
                }
                None if *word == "shared" => shared = true,
                _ => {
                    return Err(SessionError::usage(format!(
                        "{word}: use initial=N, maximum=M, shared"
                    )));
                }
            }
        }
        let initial = initial.ok_or_else(|| {
            SessionError::usage("TypeError: WebAssembly.Memory(): Property 'initial' is required")
        })?;
        if shared && maximum.is_none() {
            return Err(SessionError::new(ErrorKind::Usage, "TypeError: WebAssembly.Memory(): a shared memory needs a maximum")
                .with_notes(vec!["threads may grow a shared memory concurrently, so its largest size must be fixed up front: add maximum=N".into()]));
        }
        if maximum.is_some_and(|m| m < initial) {
            return Err(SessionError::usage(
                "RangeError: WebAssembly.Memory(): maximum is smaller than initial",
            ));
        }
        let ty = MemoryType {
            limits: Limits {
                min: initial,
                max: maximum,
            },
            shared,
        };
        let addr = self.store.add_memory(ty).map_err(SessionError::usage)?;
        let maximum = maximum
            .map(|m| format!(", maximum: {m}"))
            .unwrap_or_default();
        let shared = if shared { ", shared: true" } else { "" };
        self.host.created.insert(
            Extern::Memory(addr),
            format!("new WebAssembly.Memory({{ initial: {initial}{maximum}{shared} }})"),
        );
        self.host
            .modules
            .entry(module.clone())
            .or_default()
            .insert(name.clone(), HostValue::Object(Extern::Memory(addr)));
        Ok(vec![Reply::Note(format!(
            "host {module}.{name} = {}",
            HostValue::Object(Extern::Memory(addr)).describe(&self.store)
        ))])
    }

    fn host_global(&mut self, words: &[&str]) -> Result<Vec<Reply>, SessionError> {
        let (module, name) = Session::host_path(words.first())?;
        let usage = || {
            SessionError::usage(
                "usage: :host global MODULE.NAME TYPE VALUE [mut], e.g. :host global mem.data_offset i32 0",
            )
        };
        let ty = words
            .get(1)
            .and_then(|t| super::parse_valtype(t))
            .ok_or_else(usage)?;
        let text = words.get(2).ok_or_else(usage)?;
        let mutable = words.get(3) == Some(&"mut");
        let value = crate::text::literal::parse_value(ty, text).map_err(SessionError::usage)?;
        let addr = self.store.add_global(GlobalType { ty, mutable }, value);
        self.host
            .modules
            .entry(module.clone())
            .or_default()
            .insert(name.clone(), HostValue::Object(Extern::Global(addr)));
        Ok(vec![Reply::Note(format!(
            "host {module}.{name} = {}",
            HostValue::Object(Extern::Global(addr)).describe(&self.store)
        ))])
    }

    /// The host property a memory was allocated as, if the host allocated it.
    pub(super) fn host_name_of(&self, memory: crate::vm::MemAddr) -> Option<String> {
        self.host.modules.iter().find_map(|(module, props)| {
            props.iter().find_map(|(name, value)| {
                (*value == HostValue::Object(Extern::Memory(memory)))
                    .then(|| format!("{module}.{name}"))
            })
        })
    }

    /// A memory the host object holds, by `module.name`.
    pub(super) fn host_memory_named(&self, path: &str) -> Option<crate::vm::MemAddr> {
        let (module, name) = path.split_once('.')?;
        match self.host.modules.get(module)?.get(name)? {
            HostValue::Object(Extern::Memory(addr)) => Some(*addr),
            _ => None,
        }
    }

    /// Lines `console.log` printed during the last input.
    pub(super) fn take_console(&self) -> Vec<String> {
        self.host
            .console
            .lock()
            .map(|mut out| std::mem::take(&mut *out))
            .unwrap_or_default()
    }
}

impl SessionError {
    fn with_notes(mut self, notes: Vec<String>) -> SessionError {
        self.notes.extend(notes);
        self
    }
}

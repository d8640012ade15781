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
                                k.to_lowercase().starts_with(
                                    &name.to_lowercase().chars().take(2).collect::<String>(),
                                )
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
    pub fn host_command(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        if args.trim_start().starts_with('{') {
            return self.host_literal(args);
        }
        let words: Vec<&str> = args.split_whitespace().collect();
        match words.first().copied() {
            None => Ok(vec![Reply::Text(self.host_listing())]),
            Some("memory") => self.host_memory(&words[1..]),
            Some("global") => self.host_global(&words[1..]),
            Some("table") => self.host_table(&words[1..]),
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

    /// `:host { ... }`: a whole import object written as in JavaScript. It
    /// replaces the host object, as passing it to `WebAssembly.instantiate` would.
    fn host_literal(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        use crate::text::jsobject::{self, JsValue, Span};
        let at = |message: String, span: Span| {
            SessionError::new(ErrorKind::Syntax, message).at(
                text,
                span.start,
                span.end.saturating_sub(span.start),
            )
        };
        let value = jsobject::parse(text).map_err(|e| at(e.message.clone(), e.span))?;
        jsobject::check_two_levels(&value).map_err(|e| at(e.message.clone(), e.span))?;
        let JsValue::Object(entries) = value else {
            return Err(SessionError::usage(
                "the host object must be an object literal { ... }",
            ));
        };
        let before = self.store.data.clone();
        let mut modules: BTreeMap<String, BTreeMap<String, HostValue>> = BTreeMap::new();
        let mut created = BTreeMap::new();
        let mut result = Ok(());
        'modules: for (module, props, span) in &entries {
            let mut out = BTreeMap::new();
            match props {
                JsValue::Math => {
                    out = HostEnv::new().modules.remove("math").unwrap_or_default();
                }
                JsValue::Console => {
                    out = HostEnv::new().modules.remove("console").unwrap_or_default();
                }
                JsValue::Object(items) => {
                    for (name, item, span) in items {
                        match self.host_property(item) {
                            Ok((value, js)) => {
                                if let (HostValue::Object(ext), Some(js)) = (&value, js) {
                                    created.insert(*ext, js);
                                }
                                out.insert(name.clone(), value);
                            }
                            Err(message) => {
                                result = Err(at(format!("{module}.{name}: {message}"), *span));
                                break 'modules;
                            }
                        }
                    }
                }
                _ => {
                    result = Err(at(
                        format!(
                            "{module}: a module of the host object is an object {{ ... }} (or Math, console)"
                        ),
                        *span,
                    ));
                    break;
                }
            }
            modules.insert(module.clone(), out);
        }
        if let Err(e) = result {
            self.store.data = before;
            return Err(e);
        }
        self.host.modules = modules;
        self.host.created.extend(created);
        let mut replies = vec![Reply::Note("the host object is replaced".into())];
        replies.push(Reply::Text(self.host_listing()));
        Ok(replies)
    }

    /// One property of `:host { ... }` as a host value (and, for objects it
    /// creates, the JavaScript that creates them).
    fn host_property(
        &mut self,
        value: &crate::text::jsobject::JsValue,
    ) -> Result<(HostValue, Option<String>), String> {
        use crate::text::jsobject::JsValue;
        let field = |args: &[JsValue], key: &str| -> Option<JsValue> {
            match args.first() {
                Some(JsValue::Object(entries)) => entries
                    .iter()
                    .find(|(k, _, _)| k == key)
                    .map(|(_, v, _)| v.clone()),
                _ => None,
            }
        };
        let count = |v: Option<JsValue>, what: &str| -> Result<Option<u32>, String> {
            match v {
                None => Ok(None),
                Some(JsValue::Number(n))
                    if n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64 =>
                {
                    Ok(Some(n as u32))
                }
                Some(_) => Err(format!("TypeError: {what} must be a whole number")),
            }
        };
        Ok(match value {
            JsValue::Number(n) => (HostValue::Number(*n), None),
            JsValue::MathMember(name) => match jsmath::FUNCTIONS.iter().find(|(f, _)| f == name) {
                Some((f, _)) => (HostValue::Math(f), None),
                None => match jsmath::CONSTANTS.iter().find(|(c, _)| c == name) {
                    Some((_, v)) => (HostValue::Number(*v), None),
                    None => return Err(format!("Math has no {name}")),
                },
            },
            JsValue::ConsoleMember(name) if name == "log" => (HostValue::ConsoleLog, None),
            JsValue::ConsoleMember(name) if name == "log_utf8" => (HostValue::ConsoleLogUtf8, None),
            JsValue::ConsoleMember(name) => {
                return Err(format!(
                    "console.{name} is not available: use console.log or console.log_utf8"
                ));
            }
            JsValue::New { class, args, .. } if class == "Memory" => {
                let initial = count(field(args, "initial"), "initial")?
                    .ok_or("TypeError: WebAssembly.Memory(): Property 'initial' is required")?;
                let maximum = count(field(args, "maximum"), "maximum")?;
                let shared = matches!(field(args, "shared"), Some(JsValue::Bool(true)));
                if shared && maximum.is_none() {
                    return Err("TypeError: WebAssembly.Memory(): a shared memory needs a maximum (threads may grow it concurrently, so its largest size is fixed up front)".into());
                }
                if maximum.is_some_and(|m| m < initial) {
                    return Err(
                        "RangeError: WebAssembly.Memory(): maximum is smaller than initial".into(),
                    );
                }
                let ty = MemoryType {
                    limits: Limits {
                        min: initial,
                        max: maximum,
                    },
                    shared,
                };
                let addr = self.store.add_memory(ty)?;
                let max = maximum
                    .map(|m| format!(", maximum: {m}"))
                    .unwrap_or_default();
                let shared = if shared { ", shared: true" } else { "" };
                (
                    HostValue::Object(Extern::Memory(addr)),
                    Some(format!(
                        "new WebAssembly.Memory({{ initial: {initial}{max}{shared} }})"
                    )),
                )
            }
            JsValue::New { class, args, .. } if class == "Global" => {
                let ty = match field(args, "value") {
                    Some(JsValue::String(t)) => super::parse_valtype(&t).filter(|t| !t.is_ref()).ok_or(format!("TypeError: value type {t} is not i32, i64, f32 or f64"))?,
                    _ => return Err("TypeError: WebAssembly.Global(): the descriptor needs value: \"i32\" (or i64, f32, f64)".into()),
                };
                let mutable = matches!(field(args, "mutable"), Some(JsValue::Bool(true)));
                let value = match (args.get(1), ty) {
                    (None, _) => ty.default_value(),
                    (Some(JsValue::Number(n)), ValType::I32) => Value::I32(jsmath::to_int32(*n)),
                    (Some(JsValue::Number(n)), ValType::F32) => Value::f32(*n as f32),
                    (Some(JsValue::Number(n)), ValType::F64) => Value::f64(*n),
                    (Some(JsValue::Number(_)), _) => return Err("TypeError: Cannot convert a Number to a BigInt (an i64 global needs a BigInt)".into()),
                    (Some(_), _) => return Err("TypeError: the initial value must be a number".into()),
                };
                let addr = self.store.add_global(GlobalType { ty, mutable }, value);
                (HostValue::Object(Extern::Global(addr)), None)
            }
            JsValue::New { class, args, .. } if class == "Table" => {
                let elem = match field(args, "element") {
                    Some(JsValue::String(e)) if e == "anyfunc" || e == "funcref" => ValType::FuncRef,
                    Some(JsValue::String(e)) if e == "externref" => ValType::ExternRef,
                    _ => return Err("TypeError: WebAssembly.Table(): the descriptor needs element: \"anyfunc\" or \"externref\"".into()),
                };
                let initial = count(field(args, "initial"), "initial")?
                    .ok_or("TypeError: WebAssembly.Table(): Property 'initial' is required")?;
                let maximum = count(field(args, "maximum"), "maximum")?;
                let ty = crate::vm::TableType {
                    elem,
                    limits: Limits {
                        min: initial,
                        max: maximum,
                    },
                };
                let addr = self.store.add_table(ty, Value::from_slot(elem, 0))?;
                (HostValue::Object(Extern::Table(addr)), None)
            }
            JsValue::String(_) | JsValue::Bool(_) => {
                return Err("a string or boolean cannot be imported by wasm".into());
            }
            _ => return Err("this value cannot be imported".into()),
        })
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

    fn host_table(&mut self, words: &[&str]) -> Result<Vec<Reply>, SessionError> {
        let (module, name) = Session::host_path(words.first())?;
        let (mut initial, mut maximum, mut elem) = (None, None, ValType::FuncRef);
        for word in &words[1..] {
            match word.split_once('=') {
                Some(("initial", n)) => initial = n.parse::<u32>().ok(),
                Some(("maximum", n)) => maximum = n.parse::<u32>().ok(),
                None if *word == "externref" => elem = ValType::ExternRef,
                None if *word == "funcref" || *word == "anyfunc" => elem = ValType::FuncRef,
                _ => {
                    return Err(SessionError::usage(format!(
                        "{word}: use initial=N, maximum=M, funcref or externref"
                    )));
                }
            }
        }
        let initial = initial.ok_or_else(|| {
            SessionError::usage("TypeError: WebAssembly.Table(): Property 'initial' is required")
        })?;
        let ty = crate::vm::TableType {
            elem,
            limits: Limits {
                min: initial,
                max: maximum,
            },
        };
        let addr = self
            .store
            .add_table(ty, Value::from_slot(elem, 0))
            .map_err(SessionError::usage)?;
        self.host
            .modules
            .entry(module.clone())
            .or_default()
            .insert(name.clone(), HostValue::Object(Extern::Table(addr)));
        Ok(vec![Reply::Note(format!(
            "host {module}.{name} = new WebAssembly.Table({{ element: \"{}\", initial: {initial} }})",
            if elem == ValType::FuncRef {
                "anyfunc"
            } else {
                "externref"
            }
        ))])
    }

    /// `:write MEMORY ADDR TYPE VALUE...`: the host writes into a memory, like
    /// `new Int32Array(mem.buffer, addr)[i] = value`.
    pub fn host_write(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        use crate::view::hexdump::Elem;
        let usage = || {
            SessionError::usage(
                "usage: :write MEMORY ADDR TYPE VALUE..., e.g. :write mem.pages 0 i32 1 2 3",
            )
        };
        let words: Vec<&str> = args.split_whitespace().collect();
        let [memory, addr, ty, values @ ..] = words.as_slice() else {
            return Err(usage());
        };
        if values.is_empty() {
            return Err(usage());
        }
        let addr = crate::text::literal::parse_value(ValType::I64, addr)
            .map_err(|_| usage())?
            .to_slot();
        let elem = Elem::parse(ty).ok_or_else(usage)?;
        let mem = match self.host_memory_named(memory) {
            Some(m) => m,
            None => self.memory_by_name(memory)?,
        };
        let mut bytes = Vec::new();
        for text in values {
            let value_ty = match elem {
                Elem::I64 => ValType::I64,
                Elem::F32 => ValType::F32,
                Elem::F64 => ValType::F64,
                _ => ValType::I64,
            };
            let slot = crate::text::literal::parse_value(value_ty, text)
                .map_err(SessionError::usage)?
                .to_slot();
            bytes.extend_from_slice(&slot.to_le_bytes()[..elem.size()]);
        }
        let before = self.snapshot();
        let memory = self.store.memory_mut(mem).ok_or_else(usage)?;
        if !memory.write(addr, &bytes) {
            return Err(SessionError::new(
                ErrorKind::Trap,
                "RangeError: the bytes do not fit in the memory",
            ));
        }
        if let Some(before) = before {
            self.changes = super::diff(&before, &self.store.data);
        }
        Ok(vec![Reply::Note(format!(
            "wrote {} bytes at 0x{addr:x}",
            bytes.len()
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
    pub fn host_name_of(&self, memory: crate::vm::MemAddr) -> Option<String> {
        self.host.modules.iter().find_map(|(module, props)| {
            props.iter().find_map(|(name, value)| {
                (*value == HostValue::Object(Extern::Memory(memory)))
                    .then(|| format!("{module}.{name}"))
            })
        })
    }

    /// A memory the host object holds, by `module.name`.
    pub fn host_memory_named(&self, path: &str) -> Option<crate::vm::MemAddr> {
        let (module, name) = path.split_once('.')?;
        match self.host.modules.get(module)?.get(name)? {
            HostValue::Object(Extern::Memory(addr)) => Some(*addr),
            _ => None,
        }
    }

    /// Lines `console.log` printed during the last input.
    pub fn take_console(&self) -> Vec<String> {
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

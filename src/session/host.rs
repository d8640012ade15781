//! The `:host`, `:write` and `:export-js` commands applied to the live session: the
//! request comes from [`crate::host::command::parse`], the host object from
//! [`crate::host::env`]; this file only runs them against the store and words
//! the outcome.

use super::{ErrorKind, HostModuleInfo, Reply, Session, SessionError};
use crate::host::command::{self, CommandError, HostCommand};
use crate::host::env::{HostValue, MissingModule, similar_names};
use crate::host::export_js;
use crate::host::methods::{self, Arg, CallError, Done};
use crate::host::request::{At, Method, NewObject, PropertyPath};
use crate::vm::store::FuncAddr;
use crate::vm::{LinkError, MemAddr, ValType, Value};
use std::path::Path;

impl Session {
    /// `:host` commands: list, `memory`, `table`, `global`, `seed`, `{ ... }`.
    pub fn host_command(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let request = command::parse(args).map_err(|e| command_error(args, &e))?;
        match request {
            HostCommand::List => Ok(vec![Reply::HostObject(self.host_listing())]),
            HostCommand::Seed(seed) => {
                self.host.seed(seed);
                Ok(vec![Reply::Note(format!(
                    "Math.random starts again from seed {seed}"
                ))])
            }
            HostCommand::Define { path, object } => self.host_define(&path, &object),
            HostCommand::Thrower { path, tag, values } => {
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                self.host
                    .define_thrower(&self.store, &path, &tag, &values)
                    .map_err(SessionError::usage)?;
                let shown = self
                    .host
                    .modules
                    .get(&path.module)
                    .and_then(|m| m.get(&path.name))
                    .map(|v| v.describe(&self.store))
                    .unwrap_or_default();
                Ok(vec![Reply::Note(format!(
                    "host {}.{} = {shown}",
                    path.module, path.name
                ))])
            }
            HostCommand::Call { path, method } => self.host_call(args, &path, &method),
            HostCommand::Replace(object) => {
                let before = self.store.data.clone();
                if let Err(e) = self.host.replace(&mut self.store, &object) {
                    self.store.data = before;
                    return Err(SessionError::usage(e.to_string()));
                }
                Ok(vec![
                    Reply::Note("the host object is replaced".into()),
                    Reply::HostObject(self.host_listing()),
                ])
            }
        }
    }

    /// `:host memory|table|global PATH ...`: allocates the object and names it.
    fn host_define(
        &mut self,
        path: &PropertyPath,
        object: &NewObject,
    ) -> Result<Vec<Reply>, SessionError> {
        let ext = self
            .host
            .define(&mut self.store, path, object)
            .map_err(|e| SessionError::usage(e.to_string()))?;
        let shown = match object {
            // Shown by its initial size, as `:host table` says it.
            NewObject::Table(ty) => crate::host::env::table_constructor(&crate::vm::TableType {
                limits: crate::vm::types::Limits {
                    max: None,
                    ..ty.limits
                },
                ..*ty
            }),
            _ => HostValue::Object(ext).describe(&self.store),
        };
        Ok(vec![Reply::Note(format!(
            "host {}.{} = {shown}",
            path.module, path.name
        ))])
    }

    /// `:host get|set|grow PATH ...`: a JavaScript API method of a host
    /// object, run against the store so every instance importing it sees
    /// the change.
    fn host_call(
        &mut self,
        args: &str,
        path: &At<PropertyPath>,
        method: &Method,
    ) -> Result<Vec<Reply>, SessionError> {
        let funcs: Vec<(String, FuncAddr)> = self
            .session_instance()
            .and_then(|(module, addr)| {
                let instance = self.store.instance(addr)?;
                Some(
                    module
                        .names
                        .funcs
                        .iter()
                        .filter_map(|(i, name)| {
                            Some((format!("${name}"), *instance.funcs.get(*i as usize)?))
                        })
                        .collect(),
                )
            })
            .unwrap_or_default();
        let find = |name: &str| funcs.iter().find(|(n, _)| n == name).map(|(_, a)| *a);
        let before = self.snapshot();
        let done = methods::call(&self.host, &mut self.store, &path.value, method, &find)
            .map_err(|e| call_error(args, path, method, &e))?;
        if let Some(before) = before {
            self.changes = super::diff(&before, &self.store.data);
        }
        self.journal_host_call(args, &path.value, method, &done);
        let name = format!("{}.{}", path.value.module, path.value.name);
        let show = |v: &Value| methods::shown(&self.store, v);
        let index = match method {
            Method::Get { index: Some(i) } | Method::Set { index: Some(i), .. } => {
                Some(i.value.to_string())
            }
            _ => None,
        };
        let text = match (done, index) {
            (Done::Got(value), None) => format!("{name}.value is {}", show(&value)),
            (Done::Got(value), Some(i)) => format!("{name}.get({i}) is {}", show(&value)),
            (Done::Set { old, new }, None) => {
                format!("{name}.value = {} (it was {})", show(&new), show(&old))
            }
            (Done::Set { old, new }, Some(i)) => format!(
                "{name}.set({i}, {}): element {i} was {}",
                show(&new),
                show(&old)
            ),
            (Done::Grew { old, new, unit }, _) => format!(
                "{name}.grow({}) returned {old}, the old size: it has {new} {unit} now",
                new - old
            ),
        };
        Ok(vec![Reply::Note(text)])
    }

    /// Journals a host method call that changed something (`set`, `grow`)
    /// as the statement that does it in JavaScript.
    fn journal_host_call(&mut self, args: &str, path: &PropertyPath, method: &Method, done: &Done) {
        let object = export_js::js_host(&path.module, &path.name);
        let js = match done {
            Done::Got(_) => return,
            Done::Set { new, .. } => {
                let value = self.js_value(new);
                match method {
                    Method::Set { index: Some(i), .. } => {
                        value.map(|v| format!("{object}.set({}, {v});", i.value))
                    }
                    _ => value.map(|v| format!("{object}.value = {v};")),
                }
            }
            Done::Grew { old, new, .. } => Some(format!("{object}.grow({});", new - old)),
        };
        self.journal_statement(&format!(":host {args}"), js);
    }

    fn host_listing(&self) -> Vec<HostModuleInfo> {
        self.host
            .modules
            .iter()
            .map(|(module, props)| {
                let (functions, others): (Vec<_>, Vec<_>) = props
                    .iter()
                    .partition(|(_, v)| matches!(v, HostValue::Math(_)));
                HostModuleInfo {
                    name: module.clone(),
                    math_functions: functions.iter().map(|(n, _)| (*n).clone()).collect(),
                    properties: others
                        .iter()
                        .map(|(name, value)| ((*name).clone(), value.describe(&self.store)))
                        .collect(),
                }
            })
            .collect()
    }

    /// `:write MEMORY ADDR TYPE VALUE...`: the host writes into a memory, like
    /// `new Int32Array(mem.buffer, addr)[i] = value`.
    pub fn host_write(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        use crate::session::memory_rows::Elem;
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
            bytes.extend_from_slice(&element_bytes(elem, text)?);
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
        self.journal_write(&format!(":write {args}"), mem, addr, &bytes);
        Ok(vec![Reply::Note(format!(
            "wrote {} bytes at 0x{addr:x}",
            bytes.len()
        ))])
    }

    /// `:export-js DIR`: writes the session's modules and `host.mjs` into `dir`.
    pub fn export_js(&mut self, dir: &str) -> Result<Vec<Reply>, SessionError> {
        let dir = dir.trim();
        if dir.is_empty() {
            return Err(SessionError::usage("usage: :export-js DIR"));
        }
        let io = |e: std::io::Error| SessionError::usage(format!("cannot write to {dir}: {e}"));
        let program = export_js::program(&self.host, &self.store, &self.journal);
        std::fs::create_dir_all(dir).map_err(io)?;
        for (file, bytes) in &program.modules {
            std::fs::write(Path::new(dir).join(file), bytes).map_err(io)?;
        }
        std::fs::write(Path::new(dir).join("host.mjs"), &program.script).map_err(io)?;
        let written = program.modules.len();
        let mut replies = vec![Reply::Note(format!(
            "wrote {written} module{} and host.mjs to {dir}: run it with node {dir}/host.mjs",
            if written == 1 { "" } else { "s" }
        ))];
        replies.extend(program.unreplayed.iter().map(|line| {
            Reply::Note(format!(
                "warning: host.mjs does not match the session at {line}"
            ))
        }));
        Ok(replies)
    }

    /// The host property a memory was allocated as, if the host allocated it.
    pub fn host_name_of(&self, memory: MemAddr) -> Option<String> {
        self.host.name_of(memory)
    }

    /// A memory the host object holds, by `module.name`.
    pub fn host_memory_named(&self, path: &str) -> Option<MemAddr> {
        self.host.memory_named(path)
    }

    /// A failed link as JavaScript reports it: a `TypeError` when no module
    /// object of the import's first-level name exists (neither in the host
    /// object nor registered), else the link error as it is.
    pub(super) fn link_error(&self, link: &LinkError) -> SessionError {
        let known = |module: &str| {
            self.host.modules.contains_key(module) || self.registry.contains_key(module)
        };
        // `import` is `module.name`; either may hold dots, so the module is
        // missing only when no way of splitting names a known one.
        let mut splits = link
            .import
            .match_indices('.')
            .map(|(i, _)| (&link.import[..i], &link.import[i + 1..]));
        let first = splits.clone().next();
        match first {
            Some((module, name)) if link.offered.is_none() && !splits.any(|(m, _)| known(m)) => {
                let missing = MissingModule {
                    path: PropertyPath {
                        module: module.to_string(),
                        name: name.to_string(),
                    },
                    expected: link.expected.clone(),
                    close: similar_names(
                        module,
                        self.host.modules.keys().chain(self.registry.keys()),
                    ),
                };
                let mut error = SessionError::new(ErrorKind::Link, missing.to_string());
                error.notes.extend(missing.notes());
                error
            }
            _ => SessionError::new(ErrorKind::Link, format!("link error: {link}")),
        }
    }

    /// Lines `console.log` printed during the last input.
    pub fn take_console(&self) -> Vec<String> {
        self.host.console.take()
    }
}

/// A refused method call as a session error pointing at the word it is about.
fn call_error(
    args: &str,
    path: &At<PropertyPath>,
    method: &Method,
    error: &CallError,
) -> SessionError {
    let span = match (error.arg(), method) {
        (Arg::Index, Method::Grow { delta }) => delta.span.clone(),
        (Arg::Index, Method::Get { index: Some(i) } | Method::Set { index: Some(i), .. }) => {
            i.span.clone()
        }
        (Arg::Value, Method::Set { value, .. }) => value.span.clone(),
        _ => path.span.clone(),
    };
    let kind = if error.is_exception() {
        ErrorKind::Trap
    } else {
        ErrorKind::Usage
    };
    const TYPED: &str = ":host ";
    let typed = format!("{TYPED}{args}");
    SessionError::new(kind, error.to_string()).at(&typed, TYPED.len() + span.start, span.len())
}

/// A refused `:host` input as a session error pointing into `args`.
fn command_error(args: &str, error: &CommandError) -> SessionError {
    let kind = match error {
        CommandError::Literal(_) => ErrorKind::Syntax,
        _ => ErrorKind::Usage,
    };
    // Point into the command as typed, `:host` included.
    const TYPED: &str = ":host ";
    let span = error.span();
    let typed = format!("{TYPED}{args}");
    let mut e =
        SessionError::new(kind, error.to_string()).at(&typed, TYPED.len() + span.start, span.len());
    e.notes.extend(error.hint());
    e
}

/// The little-endian bytes of `text` read as one `elem`, or an error that
/// names the type the user wrote and the values it takes.
fn element_bytes(
    elem: crate::session::memory_rows::Elem,
    text: &str,
) -> Result<Vec<u8>, SessionError> {
    use crate::session::memory_rows::Elem;
    let parse_ty = match elem {
        Elem::F32 => ValType::F32,
        Elem::F64 => ValType::F64,
        _ => ValType::I64,
    };
    let bits = 8 * elem.size() as u32;
    let not_valid = || {
        let example = match elem {
            Elem::F32 | Elem::F64 => "1.5, -0.25, inf or nan",
            Elem::U8 | Elem::U16 | Elem::U32 => "42 or 0x2a",
            _ => "42, -1 or 0x2a",
        };
        SessionError::usage(format!(
            "{text:?} is not a valid {} value: write a number such as {example}",
            elem.name()
        ))
    };
    let slot = crate::text::literal::parse_value(parse_ty, text)
        .map_err(|_| not_valid())?
        .to_slot();
    if parse_ty == ValType::I64 && bits < 64 {
        let value = slot as i64;
        let (low, high) = (-(1i64 << (bits - 1)), (1i64 << bits) - 1);
        if value < low || value > high {
            return Err(SessionError::usage(format!(
                "{text} does not fit in {}: it takes {low} to {high} (negative values are stored as their two's complement)",
                elem.name()
            )));
        }
    }
    Ok(slot.to_le_bytes()[..elem.size()].to_vec())
}

//! The live session behind the workbench: the module being built up field by
//! field, named module instances, the scratch operand stack and locals, and
//! what the last input changed.
//!
//! [`Session::eval`] takes one input and returns [`Reply`] data; it never
//! prints. A rejected input (syntax, validation, link) leaves the session
//! exactly as it was. An input whose code trapped keeps what it wrote to
//! memories, tables and globals, as WebAssembly does, and its error says
//! what that was; its stack, locals and definitions stay as before. `:undo`
//! takes back any input explicitly.

mod agents;
mod exception;
mod explore;
mod explore_replay;
mod explore_report;
pub use explore_report::grouped;
mod fields;
mod fragment;
mod func_names;
pub use func_names::func_index_named;
mod heap;
mod host;
pub mod input;
mod inspect;
mod instr_text;
mod journal;
mod journal_compact;
mod kept;
mod kinds;
mod local_types;
mod memory_retype;
pub mod memory_rows;
mod module;
mod module_text;
mod regions;
mod reply;
mod saved;
mod script;
mod shapes;
mod splice;
mod splice_replace;
pub mod state;
pub mod stepper;
pub mod trace;
mod undo;
mod verdict;

use crate::host::export_js;
use crate::vm::memory::Chunks;
use crate::vm::store::{Extern, InstanceAddr, MemAddr, Store, StoreData};
use crate::vm::{Limits, Module, Trap, ValType, Value};
pub use heap::HeapRow;
use input::Input;
pub use module::token_len;
pub use reply::*;
pub use saved::Sandbox;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
pub use undo::{UNDO_BYTES, UNDO_INPUTS};
pub use verdict::{CheckFailure, CheckPlace, CheckReport, CheckResult};

/// Where an error is in the user's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpot {
    /// The input text.
    pub text: String,
    /// Byte offset of the problem in `text`.
    pub offset: usize,
    /// Length of the offending token in bytes (at least 1).
    pub len: usize,
}

/// What kind of failure, so front ends can pick a colour and exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text does not assemble.
    Syntax,
    /// The module or fragment does not validate.
    Invalid,
    /// An import could not be satisfied.
    Link,
    /// Execution trapped.
    Trap,
    /// An exception left the code uncaught (like a trap, it keeps what the code wrote).
    Exception,
    /// A meta command or script command was used wrongly.
    Usage,
    /// An `assert_*` command did not hold.
    Assertion,
}

/// A failed input: what went wrong, where, and often how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionError {
    /// Category.
    pub kind: ErrorKind,
    /// The message.
    pub message: String,
    /// The spot in the input, when known.
    pub spot: Option<SourceSpot>,
    /// Extra lines (trap details, hints).
    pub notes: Vec<String>,
}

impl SessionError {
    /// An error with only a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> SessionError {
        SessionError {
            kind,
            message: message.into(),
            spot: None,
            notes: Vec::new(),
        }
    }

    /// A command used wrongly.
    pub fn usage(message: impl Into<String>) -> SessionError {
        SessionError::new(ErrorKind::Usage, message)
    }

    /// The error, pointing at `len` bytes from `offset` of the input `text`.
    pub fn at(mut self, text: &str, offset: usize, len: usize) -> SessionError {
        self.spot = Some(SourceSpot {
            text: text.to_string(),
            offset: offset.min(text.len()),
            len: len.max(1),
        });
        self
    }

    fn trap(trap: &Trap) -> SessionError {
        let mut e = SessionError::new(ErrorKind::Trap, format!("trap: {}", trap.headline()));
        e.notes.extend(trap.detail_note().map(String::from));
        e
    }
}

/// A scratch local declared with `(local $x T)`.
#[derive(Clone, Debug, PartialEq)]
pub struct ScratchLocal {
    /// Name without `$`.
    pub name: String,
    /// Current value.
    pub value: Value,
    /// Its declared type, with the store's canonical type ids.
    pub ty: ValType,
}

/// What the last successful input changed, for highlighting.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// Byte ranges written, per memory.
    pub memory: BTreeMap<MemAddr, Vec<Range<u64>>>,
    /// Globals whose value changed.
    pub globals: Vec<crate::vm::GlobalAddr>,
    /// Memories that grew: old and new size in pages.
    pub grown: BTreeMap<MemAddr, (u64, u64)>,
}

/// Most bytes of memory copied before an input to mark what it changed.
const SNAPSHOT_LIMIT: usize = undo::UNDO_BYTES;

/// The workbench session.
pub struct Session {
    store: Store,
    /// Export maps of registered instances (and host modules) by name.
    registry: BTreeMap<String, BTreeMap<String, Extern>>,
    /// The session module: its fields and, once it has any, its instance.
    /// Shared with the states `:undo` keeps, so saving them copies nothing.
    fields: Arc<Vec<fields::Field>>,
    /// For each defined function of the session module, where each of its
    /// instructions was written: (field index, byte offset in the field).
    sources: Arc<splice::Sources>,
    /// Where the fields of each kind are, for the fields it was found for
    /// (`fields` while they are the same list).
    kinds: Option<(Arc<Vec<fields::Field>>, Arc<kinds::Kinds>)>,
    session: Option<(Arc<Module>, InstanceAddr)>,
    /// The text of each whole module typed at the prompt (see [`module_text`]).
    module_texts: Vec<module_text::ModuleText>,
    /// Earlier session-module instances whose code is not freed yet (see
    /// [`Session::retire_stale`]).
    stale: Vec<InstanceAddr>,
    /// Instances of whole modules typed in, by `$name` (or `#n`).
    named: Vec<(String, InstanceAddr)>,
    /// Target of `invoke`/`get` without a module name.
    current: Option<InstanceAddr>,
    /// Modules declared with `(module definition $id ...)`, by `$id`.
    definitions: BTreeMap<String, Arc<Module>>,
    stack: Vec<Value>,
    /// The lane shape each scratch-stack value was made in (see [`shapes`]).
    stack_shapes: Vec<Option<crate::vm::lanes::Shape>>,
    /// Vectors an input's `global.set` wrote into globals, with the shape
    /// they were made in: `:globals` shows a global in it while it still
    /// holds that value (see [`Session::global_shape`]).
    global_shapes: Vec<(String, u128, crate::vm::lanes::Shape)>,
    locals: Vec<ScratchLocal>,
    /// Scratch locals the last instruction input changed.
    changed_locals: Vec<String>,
    changes: Changes,
    /// The state this input's changes count from when it is not the state
    /// before the input: the new instance's, just before its start function ran.
    changes_since: Option<StoreData>,
    /// A fragment paused in the stepper, if any.
    debugger: Option<Box<stepper::Debugger>>,
    /// Whether instruction inputs print a line per executed instruction.
    trace: bool,
    /// Breakpoints, kept across inputs and checked in every run of an input.
    breakpoints: Vec<stepper::Breakpoint>,
    /// Named ranges of memory 0.
    regions: Vec<regions::Region>,
    /// The JavaScript-style host object: math, console, host memories and globals.
    host: crate::host::env::HostEnv,
    /// Instantiations, registrations and calls of named modules, for
    /// `:export-js`. Only ever appended to, so a saved state keeps its length.
    journal: Vec<export_js::JsEvent>,
    /// How far the journal's versions were merged (see `journal_compact`).
    journal_compacted: usize,
    /// Threads started with `:spawn`.
    agents: Vec<agents::Agent>,
    /// What the last `:explore` found, for `:replay`.
    explored: Option<explore::Explored>,
    /// The inputs `:undo` can take back.
    undo: undo::History,
    /// Most bytes the stepper's recording may hold (`:limit record`).
    record_budget: usize,
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

impl Session {
    /// A fresh session with the `spectest` host module registered.
    pub fn new() -> Session {
        let limits = Limits {
            fuel: Some(crate::vm::budget::DEFAULT_FUEL),
            ..Limits::default()
        };
        let mut store = Store::new(limits);
        let mut registry = BTreeMap::new();
        registry.insert(
            "spectest".to_string(),
            crate::script::spectest_exports(&mut store),
        );
        Session {
            store,
            registry,
            fields: Arc::default(),
            sources: Arc::default(),
            kinds: None,
            session: None,
            module_texts: Vec::new(),
            stale: Vec::new(),
            named: Vec::new(),
            current: None,
            definitions: BTreeMap::new(),
            stack: Vec::new(),
            stack_shapes: Vec::new(),
            global_shapes: Vec::new(),
            locals: Vec::new(),
            changed_locals: Vec::new(),
            changes: Changes::default(),
            changes_since: None,
            debugger: None,
            trace: false,
            breakpoints: Vec::new(),
            regions: Vec::new(),
            host: crate::host::env::HostEnv::new(),
            journal: Vec::new(),
            journal_compacted: 0,
            agents: Vec::new(),
            explored: None,
            undo: undo::History::default(),
            record_budget: stepper::DEFAULT_RECORD_BUDGET,
        }
    }

    /// Evaluates one complete input.
    ///
    /// # Errors
    /// A [`SessionError`]. A rejected input (syntax, validation, link,
    /// usage) leaves the session exactly as before; one whose code trapped
    /// keeps what it wrote to memories, tables and globals (a `kept:` note
    /// says what), with the stack, locals and definitions as before.
    pub fn eval(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let outcome = self.eval_input(text);
        self.attach_console(outcome)
    }

    /// Adds what the code printed with `console.log` since the last call to
    /// an input's outcome: before the replies, or as notes of the error.
    ///
    /// # Errors
    /// The outcome's error, with the console lines added.
    pub fn attach_console(
        &mut self,
        outcome: Result<Vec<Reply>, SessionError>,
    ) -> Result<Vec<Reply>, SessionError> {
        let console = self.take_console();
        if console.is_empty() {
            return outcome;
        }
        match outcome {
            Ok(mut replies) => {
                replies.insert(0, Reply::Console(console));
                Ok(replies)
            }
            Err(mut error) => {
                error
                    .notes
                    .extend(console.iter().map(|l| format!("console.log: {l}")));
                Err(error)
            }
        }
    }

    fn eval_input(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        if self.debugger.is_some() {
            return Err(SessionError::usage(
                "a fragment is paused in the stepper: step it, or abort it first",
            ));
        }
        if !matches!(input::classify(text), Input::Meta { .. })
            && let Some(at) = crate::text::lex::stray_close(text)
        {
            return Err(
                SessionError::new(ErrorKind::Syntax, "this `)` closes nothing: remove it")
                    .at(text, at, 1),
            );
        }
        if !matches!(input::classify(text), Input::Meta { .. })
            && let Some(at) = crate::text::lex::unclosed(text)
        {
            return Err(SessionError::new(
                ErrorKind::Syntax,
                crate::text::lex::never_closed(text, at),
            )
            .at(text, at, 1));
        }
        match input::classify(text) {
            Input::Empty => Ok(Vec::new()),
            Input::Meta { name, .. } => Err(SessionError::usage(format!(
                ":{name} is a workbench command, not WAT"
            ))),
            Input::Local(form) => self.declare_local(form),
            Input::Fields(forms) => (self.transact_journalled(text, |s| s.add_fields(forms))).map_err(|mut e| {
                if matches!(e.kind, ErrorKind::Trap | ErrorKind::Exception) {
                    e.notes.push(
                        "the session module stays as it was: the new instance failed, so what it wrote into its own memory is gone (an imported memory keeps it)"
                            .into(),
                    );
                }
                e
            }),
            Input::Module(form) => self.transact_journalled(text, |s| s.add_module(form)),
            Input::Script(form) => self.transact_journalled(text, |s| s.script(form)),
            Input::Instructions(code) => self.run_instructions(code),
        }
    }

    /// Runs `f` as one input: on error it changes nothing but what
    /// WebAssembly keeps (see [`Session::settle_error`]).
    fn transact(
        &mut self,
        f: impl FnOnce(&mut Session) -> Result<Vec<Reply>, SessionError>,
    ) -> Result<Vec<Reply>, SessionError> {
        let before = self.snapshot();
        let saved = self.save_definitions();
        self.changed_locals.clear();
        match f(self) {
            Ok(replies) => {
                self.changes = (self.changes_since.take().or(before))
                    .map(|b| diff(&b, &self.store.data))
                    .unwrap_or_default();
                Ok(replies)
            }
            Err(error) => {
                self.changes_since = None;
                Err(self.settle_error(error, before.as_ref(), saved))
            }
        }
    }

    /// The flag that makes running code pause (the REPL sets it on Ctrl-C).
    pub fn interrupt_flag(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        self.store.interrupt.clone()
    }

    /// Bytes a copy of the store's memories holds (their chunks that are
    /// not zero), if they are small enough to look at (see [`saved::held_bytes`]).
    fn memory_bytes_held(&self) -> Option<usize> {
        saved::held_bytes(&self.store.data)
    }

    fn snapshot(&self) -> Option<StoreData> {
        (self.memory_bytes_held()? <= SNAPSHOT_LIMIT).then(|| self.store.data.clone())
    }

    fn declare_local(&mut self, form: &str) -> Result<Vec<Reply>, SessionError> {
        let inner = form.trim();
        let inner = inner.strip_prefix('(').unwrap_or(inner);
        let inner = inner.strip_suffix(')').unwrap_or(inner);
        let words: Vec<&str> = inner.splitn(3, char::is_whitespace).collect();
        let (name, ty) = match words.as_slice() {
            ["local", name, ty] if name.starts_with('$') && !ty.trim().is_empty() => {
                (&name[1..], ty.trim())
            }
            _ => {
                return Err(SessionError::usage(
                    "a scratch local is declared as (local $name TYPE), e.g. (local $x i32)",
                )
                .at(form, 0, form.len()));
            }
        };
        let text = ty;
        let ty = self.scratch_local_type(text)?;
        let value = ty.default_value();
        self.changed_locals = vec![name.to_string()];
        match self.locals.iter_mut().find(|l| l.name == name) {
            Some(local) => (local.value, local.ty) = (value, ty),
            None => self.locals.push(ScratchLocal {
                name: name.to_string(),
                value,
                ty,
            }),
        }
        let shown = if value.is_null() {
            "null".to_string()
        } else {
            value.to_string()
        };
        Ok(vec![Reply::Note(format!("local ${name} {text} = {shown}"))])
    }

    /// Up to `len` bytes of the session module's memory 0 from `addr` (fewer
    /// where the memory ends; none without a memory).
    pub fn memory0_bytes(&self, addr: u64, len: u64) -> Vec<u8> {
        let memory = self
            .session_instance()
            .and_then(|(_, i)| self.store.instance(i))
            .and_then(|i| i.memories.first().copied());
        memory.map_or_else(Vec::new, |m| self.memory_bytes_at(m, addr, len))
    }

    /// Bytes `start..start + len` of `memory`, as far as it holds them.
    pub(crate) fn memory_bytes_at(&self, memory: MemAddr, start: u64, len: u64) -> Vec<u8> {
        let Some(bytes) = self.store.memory(memory).map(|m| m.bytes()) else {
            return Vec::new();
        };
        let from = (start as usize).min(bytes.len());
        let to = (start.saturating_add(len) as usize).min(bytes.len());
        bytes[from..to].to_vec()
    }

    /// The scratch operand stack, bottom first.
    pub fn stack(&self) -> &[Value] {
        &self.stack
    }

    /// The scratch locals.
    pub fn locals(&self) -> &[ScratchLocal] {
        &self.locals
    }

    /// The store, for views.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What the last input changed.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// The session module and its instance, once a field was added.
    pub fn session_instance(&self) -> Option<(&Arc<Module>, InstanceAddr)> {
        self.session.as_ref().map(|(m, i)| (m, *i))
    }

    /// The session name of a named instance.
    fn instance_name(&self, addr: InstanceAddr) -> Option<String> {
        if self.session.as_ref().is_some_and(|(_, i)| *i == addr) {
            return Some(export_js::SESSION.to_string());
        }
        self.named
            .iter()
            .find(|(_, a)| *a == addr)
            .map(|(n, _)| n.clone())
    }

    /// Named instances, in creation order.
    pub fn named_instances(&self) -> &[(String, InstanceAddr)] {
        &self.named
    }

    /// Registered names and their exports.
    pub fn registry(&self) -> &BTreeMap<String, BTreeMap<String, Extern>> {
        &self.registry
    }

    /// The session module's fields as WAT text, in the order a module lists
    /// them (imports first), so a saved session is a valid module.
    pub fn field_texts(&self) -> Vec<&str> {
        fields::module_order(&self.fields)
            .into_iter()
            .map(|i| self.fields[i].text.as_str())
            .collect()
    }
}

/// Byte ranges and globals that differ between two states of the store.
fn diff(before: &StoreData, after: &StoreData) -> Changes {
    let mut changes = Changes::default();
    for (i, (old_memory, new_memory)) in before.memories.iter().zip(&after.memories).enumerate() {
        let pages = (old_memory.pages(), new_memory.pages());
        let (old, new) = (old_memory.chunks(), new_memory.chunks());
        let mut ranges: Vec<Range<u64>> = Vec::new();
        // Only the chunks either side may have written are compared (a
        // memcmp, fast in every build), then 64 bytes at a time.
        for chunk in (0..old.len().min(new.len())).filter(|c| old.written(*c) || new.written(*c)) {
            let (a, b) = (old.get(chunk), new.get(chunk));
            let len = a.len().min(b.len());
            let (a, b) = (&a[..len], &b[..len]);
            if a == b {
                continue;
            }
            let base = Chunks::offset(chunk);
            for at in (0..len).step_by(64) {
                let end = (at + 64).min(len);
                if a[at..end] == b[at..end] {
                    continue;
                }
                for j in (at..end).filter(|j| a[*j] != b[*j]) {
                    let j = (base + j) as u64;
                    match ranges.last_mut() {
                        Some(r) if r.end == j => r.end += 1,
                        _ => ranges.push(j..j + 1),
                    }
                }
            }
        }
        if !ranges.is_empty() {
            changes.memory.insert(MemAddr(i as u32), ranges);
        }
        if new_memory.bytes().len() > old_memory.bytes().len() {
            changes.grown.insert(MemAddr(i as u32), pages);
        }
    }
    for (i, (old, new)) in before.globals.iter().zip(&after.globals).enumerate() {
        if old.value != new.value {
            changes.globals.push(crate::vm::GlobalAddr(i as u32));
        }
    }
    changes
}

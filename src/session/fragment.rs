//! Instruction fragments: code typed at the prompt runs against the scratch
//! operand stack and scratch locals.
//!
//! A fragment becomes a one-function module that imports everything the
//! session module has (under the same `$names`), takes the current stack
//! and the scratch locals as parameters, and returns the new stack followed
//! by the locals. Its result types are found by validating the fragment up
//! to its end first, so `i32.const 2 i32.const 3` simply leaves two values.

use super::module::token_len;
use super::shapes::OpStack;
use super::{ErrorKind, Reply, Session, SessionError};
use crate::text::assemble::AsmError;
use crate::text::body_check::check_body_observed;
use crate::text::folded::{OpSite, extra_operand_notes, is_folded_head};
use crate::vm::module::features_with_threads;
use crate::vm::store::{Extern, StoreMark};
use crate::vm::{Execution, Module, Outcome, TrapCode, ValType, Value};
use std::fmt::Write as _;
use std::sync::Arc;
use wasmparser::{Parser, ValidPayload, Validator};

/// Instructions run between looks at the interrupt flag's outcome.
pub(super) const STEP_CHUNK: u64 = 1 << 20;

/// How an instruction input ended.
enum Run {
    /// It finished; the replies show the new stack.
    Finished(Vec<Reply>),
    /// Ctrl-C paused it after this many of the user's instructions; the stepper takes over.
    Interrupted(Box<Prepared>, Box<Execution>, u64),
    /// It reached a breakpoint after this many instructions; the stepper takes over.
    Breakpoint(Box<Prepared>, Box<Execution>, u64),
}

/// Most values the scratch stack and the scratch locals hold together: the
/// fragment function takes them as parameters and returns them, and
/// WebAssembly tools (wasmparser) allow a function at most 1000 of each.
pub const STACK_LIMIT: usize = 1000;

/// The generated function's name; users cannot name theirs like this.
const FRAGMENT: &str = "$__watlab_fragment";

/// A fragment ready to call: its function, arguments, and what is needed to
/// map its instructions back to the user's text.
#[derive(Clone)]
pub(super) struct Prepared {
    pub(super) func: crate::vm::FuncAddr,
    pub(super) args: Vec<Value>,
    pub(super) bytes: Vec<u8>,
    pub(super) spans: Vec<usize>,
    pub(super) code_start: usize,
    prologue: usize,
    /// The lane shape of each value the fragment leaves on the stack.
    pub(super) shapes: Vec<Option<crate::vm::lanes::Shape>>,
    /// The globals its `global.set`s write (as written) and the shape of
    /// each value written, where known.
    pub(super) global_sets: Vec<(String, crate::vm::lanes::Shape)>,
    /// Notes shown when the input finishes (operands a folded form leaves).
    pub(super) advice: Vec<String>,
    /// The instance and export an `(invoke ...)` called, journalled for
    /// `:export-js` when the call returns.
    pub(super) invoked: Option<(crate::vm::store::InstanceAddr, String)>,
}

impl Prepared {
    /// Whether the instruction at binary `offset` is one of the prologue's,
    /// which push the scratch stack's values before the input runs.
    pub(super) fn in_prologue(&self, offset: usize) -> bool {
        operator_index(&self.bytes, offset).is_some_and(|i| i < self.prologue)
    }

    /// A call of `func` with `args` that no fragment text wraps (`:step (invoke ...)`).
    pub(super) fn call(func: crate::vm::FuncAddr, args: Vec<Value>) -> Prepared {
        Prepared {
            func,
            args,
            bytes: Vec::new(),
            spans: Vec::new(),
            code_start: 0,
            prologue: 0,
            shapes: Vec::new(),
            global_sets: Vec::new(),
            advice: Vec::new(),
            invoked: None,
        }
    }

    /// The call an `(invoke ...)` makes, journalled when it returns.
    pub(super) fn invoke(call: &crate::script::Call) -> Prepared {
        Prepared {
            invoked: Some((call.instance, call.export.clone())),
            ..Prepared::call(call.func, call.args.clone())
        }
    }

    /// Whether this is a typed fragment (not a [`Prepared::call`]).
    pub(super) fn is_fragment(&self) -> bool {
        !self.bytes.is_empty()
    }
}

/// What validating a fragment found (see [`Session::fragment_results`]).
struct Validated {
    /// The types left on the stack at the end.
    types: Vec<ValType>,
    /// The stack after each operator.
    ops: Vec<OpStack>,
    /// Notes on operands that folded forms leave on the stack.
    advice: Vec<String>,
}

/// A generated fragment module and where the user's code sits in it.
struct FragmentText {
    text: String,
    code_start: usize,
    imports: Vec<Extern>,
}

impl Session {
    /// Runs an instruction input to completion, one instruction at a time in
    /// step code so that Ctrl-C can pause it anywhere and hand it to the
    /// stepper. On failure the stack and locals stay as they were; a trap
    /// keeps what the code wrote (see [`Session::settle_error`]).
    pub(super) fn run_instructions(&mut self, code: &str) -> Result<Vec<Reply>, SessionError> {
        let before = self.snapshot();
        let host_calls = self.store.host_calls();
        let saved = self.save_definitions();
        let mark = self.store.mark();
        self.changed_locals.clear();
        let mut ran = None;
        match self.run_interruptible(code, &mut ran) {
            Err(error) => {
                let error = self.settle_error(error, before.as_ref(), saved);
                // What it wrote before the trap stays: `:export-js` repeats it.
                if let (Some(prepared), ErrorKind::Trap | ErrorKind::Exception) = (&ran, error.kind)
                {
                    self.journal_run(code, prepared);
                }
                self.release_fragment(mark);
                Err(error)
            }
            Ok(Run::Finished(mut replies)) => {
                if let Some(prepared) = &ran
                    && !self.left_nothing(before.as_ref(), host_calls)
                {
                    self.journal_fragment(code, prepared);
                }
                self.changes = Default::default();
                // A store or `global.set` says what it changed, as a trap's `kept:` does.
                if let Some(note) = self.changed_reply(before.as_ref()) {
                    replies.insert(0, note);
                }
                self.release_fragment(mark);
                Ok(replies)
            }
            Ok(Run::Interrupted(prepared, execution, steps)) => {
                Ok(self.pause_interrupted(code, *prepared, *execution, before, steps))
            }
            Ok(Run::Breakpoint(prepared, execution, steps)) => {
                Ok(self.pause_at_breakpoint(code, *prepared, *execution, before, steps))
            }
        }
    }

    /// Drops the fragment module of a finished input (its instance and
    /// code) unless something still refers to its function, so that
    /// instruction inputs do not grow the store (issue 14).
    fn release_fragment(&mut self, mark: StoreMark) {
        let values: Vec<Value> = self
            .stack
            .iter()
            .copied()
            .chain(self.locals.iter().map(|l| l.value))
            .collect();
        if self.debugger.is_none() && !self.store.refers_since(mark, &values) {
            self.store.release(mark);
        }
    }

    /// Runs `code`; `ran` is the fragment once it is ready to run.
    fn run_interruptible(
        &mut self,
        code: &str,
        ran: &mut Option<Prepared>,
    ) -> Result<Run, SessionError> {
        // Without tracing or breakpoints no byte offset of the fragment is
        // shown, so it may import only the functions it names.
        let lean = !self.trace && self.breakpoints.is_empty();
        let prepared = self.prepare_fragment_with(code, lean)?;
        *ran = Some(prepared.clone());
        let mut execution = Execution::new(&self.store, prepared.func, &prepared.args)
            .map_err(|t| SessionError::new(ErrorKind::Trap, t.to_string()))?;
        execution.use_step_mode();
        let (entries, offsets) = self.breakpoint_sites(prepared.func);
        execution.set_breakpoints(entries, offsets);
        if self.trace {
            let fragment = prepared.func;
            let skip = self.stack.len();
            let (result, trace) = super::trace::trace_call(
                &mut self.store,
                &mut execution,
                skip,
                super::trace::TRACE_LIMIT,
                &|s, f| {
                    if f == fragment {
                        "your input".into()
                    } else {
                        s.func_name(f)
                    }
                },
            );
            let values = result.map_err(|trap| {
                let mut error = self.trap_error(&prepared, code, &trap);
                error.notes.extend(trace.lines());
                error
            })?;
            let mut replies = vec![Reply::Trace(trace)];
            replies.extend(self.apply_results(&values, &prepared));
            replies.extend(prepared.advice.iter().cloned().map(Reply::Note));
            return Ok(Run::Finished(replies));
        }
        // The store's fuel is the only budget: a runaway input ends with an
        // out-of-fuel trap (see `trap_error`).
        let mut steps = 0u64;
        loop {
            match execution.run_steps(&mut self.store, STEP_CHUNK) {
                Ok(Outcome::Finished(values)) => {
                    let mut replies = self.apply_results(&values, &prepared);
                    replies.extend(prepared.advice.iter().cloned().map(Reply::Note));
                    return Ok(Run::Finished(replies));
                }
                Ok(Outcome::Paused) => {
                    steps += execution.steps_done();
                    // The stepper counts from the user's first instruction,
                    // after the prologue that pushes the scratch stack.
                    let steps = steps.saturating_sub(prepared.prologue as u64);
                    if execution.hit_breakpoint() {
                        return Ok(Run::Breakpoint(
                            Box::new(prepared),
                            Box::new(execution),
                            steps,
                        ));
                    }
                    if self
                        .store
                        .interrupt
                        .swap(false, std::sync::atomic::Ordering::Relaxed)
                    {
                        return Ok(Run::Interrupted(
                            Box::new(prepared),
                            Box::new(execution),
                            steps,
                        ));
                    }
                }
                Err(trap) => return Err(self.trap_error(&prepared, code, &trap)),
            }
        }
    }
    /// Assembles, validates and instantiates the fragment module for `code`.
    pub(super) fn prepare_fragment(&mut self, code: &str) -> Result<Prepared, SessionError> {
        self.prepare_fragment_with(code, false)
    }

    /// [`Session::prepare_fragment`]; a `lean` fragment imports only the
    /// session functions `code` names (see [`named_funcs`]).
    fn prepare_fragment_with(&mut self, code: &str, lean: bool) -> Result<Prepared, SessionError> {
        let probe = self.fragment_text(code, None, lean);
        let (bytes, spans) =
            assemble_with_spans(&probe.text).map_err(|e| self.asm_error(&e, &probe, code))?;
        let prologue = self.stack.len();
        let Validated {
            types: results,
            ops,
            advice,
        } = self.fragment_results(&bytes, &spans, prologue, &probe, code)?;
        let name = |i: usize| spans.get(i).and_then(|at| probe.text.get(*at..));
        let read = |text: &str| self.shape_read_by(text);
        let shapes = super::shapes::fragment_shapes(&ops, name, prologue, &self.stack_shapes, read);
        let global_sets =
            super::shapes::global_set_shapes(&ops, name, prologue, &self.stack_shapes, read);
        if results.len() + self.locals.len() > STACK_LIMIT {
            let mut error = SessionError::new(
                ErrorKind::Usage,
                format!(
                    "the scratch stack is full: it holds at most {} values ({STACK_LIMIT} less one per scratch local), and this input would leave {}",
                    STACK_LIMIT - self.locals.len(),
                    results.len()
                ),
            );
            error
                .notes
                .push("`drop` removes the top value, `:clear` empties the stack".into());
            return Err(error);
        }
        let full = self.fragment_text(code, Some(&results), lean);
        let (bytes, spans) =
            assemble_with_spans(&full.text).map_err(|e| self.asm_error(&e, &full, code))?;
        let module = Arc::new(
            Module::from_binary_with(&bytes, features_with_threads()).map_err(|e| {
                SessionError::new(
                    ErrorKind::Invalid,
                    format!("invalid fragment: {}", e.message),
                )
            })?,
        );
        let imports: Vec<Option<Extern>> = full.imports.iter().copied().map(Some).collect();
        let instance = self
            .store
            .instantiate(&module, &imports)
            .map_err(|e| SessionError::new(ErrorKind::Link, e.to_string()))?;
        let Some(Extern::Func(func)) = self
            .store
            .instance(instance)
            .and_then(|i| i.export("fragment"))
        else {
            return Err(SessionError::new(
                ErrorKind::Invalid,
                "internal: the fragment function is missing",
            ));
        };
        let args: Vec<Value> = self
            .stack
            .iter()
            .copied()
            .chain(self.locals.iter().map(|l| l.value))
            .collect();
        Ok(Prepared {
            func,
            args,
            bytes,
            spans,
            code_start: full.code_start,
            prologue,
            shapes,
            global_sets,
            advice,
            invoked: None,
        })
    }

    /// Where in `code` the instruction at binary `offset` of the fragment is.
    pub(super) fn fragment_spot(prepared: &Prepared, code: &str, offset: usize) -> Option<usize> {
        let index = operator_index(&prepared.bytes, offset)?;
        let start = *prepared.spans.get(index)?;
        (index >= prepared.prologue
            && start >= prepared.code_start
            && start - prepared.code_start < code.len())
        .then(|| start - prepared.code_start)
    }

    /// A trap as an error pointed at the instruction where it happened.
    pub(super) fn trap_error(
        &self,
        prepared: &Prepared,
        code: &str,
        trap: &crate::vm::Trap,
    ) -> SessionError {
        let mut error = self.error_of_trap(trap, Some(prepared.func));
        let exception = trap.code == TrapCode::UncaughtException;
        match trap.site.as_ref() {
            Some(site) if site.func == prepared.func.0 && prepared.is_fragment() => {
                if let Some(at) = Session::fragment_spot(prepared, code, site.offset) {
                    error = error.at(code, at, token_len(code, at));
                }
            }
            Some(site) if !exception => self.locate_site(&mut error, site),
            Some(_) => {}
            None => {}
        }
        if trap.code == TrapCode::OutOfFuel {
            error.notes.push(self.budget_hint());
        }
        error
    }

    /// How to raise the budget, for an input that ran out of fuel.
    pub(super) fn budget_hint(&self) -> String {
        format!(
            "a runaway loop? `:limit N` gives each input N units (now {}); `:step` the input to watch where it goes",
            self.budget()
        )
    }

    /// Makes a finished fragment's results the new scratch stack and locals;
    /// `shapes` are the stack values' lane shapes.
    pub(super) fn apply_results(&mut self, values: &[Value], prepared: &Prepared) -> Vec<Reply> {
        self.note_global_shapes(&prepared.global_sets);
        self.follow_global_writes();
        let shapes = &prepared.shapes;
        let stack_len = values.len().saturating_sub(self.locals.len());
        let changed_from = self
            .stack
            .iter()
            .zip(&values[..stack_len])
            .take_while(|(a, b)| a == b)
            .count();
        let mut changed_locals = Vec::new();
        for (local, value) in self.locals.iter_mut().zip(&values[stack_len..]) {
            if local.value != *value {
                changed_locals.push(local.name.clone());
            }
            local.value = *value;
        }
        self.changed_locals = changed_locals;
        self.stack = values[..stack_len].to_vec();
        self.stack_shapes = shapes.to_vec();
        vec![Reply::Stack {
            values: self.stack.clone(),
            shapes: self.stack_shapes.clone(),
            changed_from,
            names: self.func_names(&self.stack),
        }]
    }

    /// Builds the fragment module. Without `results`, it is the probe whose
    /// body ends right after the user's code; `lean`, it imports only the
    /// session functions the code names, when it names them all by `$name`.
    fn fragment_text(&self, code: &str, results: Option<&[ValType]>, lean: bool) -> FragmentText {
        let mut text = String::from("(module\n");
        let mut imports = Vec::new();
        if let Some((module, addr)) = self.session_instance() {
            let instance = self.store.instance(addr);
            for field in self.fields.iter().filter(|f| f.keyword == "type") {
                let _ = writeln!(text, "  {}", field.text);
            }
            let wanted = named_funcs(code, module).filter(|_| lean);
            for (i, ty) in module.func_types.iter().enumerate() {
                if wanted.as_ref().is_some_and(|w| !w.contains(&(i as u32))) {
                    continue;
                }
                let Some(ty) = module.types.get(*ty as usize) else {
                    continue;
                };
                let id = wat_id(module.names.funcs.get(&(i as u32)).map(|n| &**n));
                let _ = writeln!(
                    text,
                    "  (import \"s\" \"f{i}\" (func {id} {}))",
                    signature_text(&ty.params, &ty.results)
                );
                imports.extend(
                    instance
                        .and_then(|inst| inst.funcs.get(i))
                        .map(|a| Extern::Func(*a)),
                );
            }
            let referenced = referenced_funcs(code, module);
            if !referenced.is_empty() {
                // `ref.func` needs its function declared in the module that
                // uses it (spec 3.4.10 "C.refs"); the session module's elem
                // segments do not count for the fragment module.
                let _ = writeln!(text, "  (elem declare func {referenced})");
            }
            for (i, ty) in module.global_types.iter().enumerate() {
                let id = wat_id(module.names.globals.get(&(i as u32)).map(String::as_str));
                let ty_text = if ty.mutable {
                    format!("(mut {})", ty.ty)
                } else {
                    ty.ty.to_string()
                };
                let _ = writeln!(text, "  (import \"s\" \"g{i}\" (global {id} {ty_text}))");
                imports.extend(
                    instance
                        .and_then(|inst| inst.globals.get(i))
                        .map(|a| Extern::Global(*a)),
                );
            }
            for (i, addr) in instance
                .map(|inst| inst.memories.clone())
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some(memory) = self.store.memory(*addr) else {
                    continue;
                };
                let id = wat_id(module.names.memories.get(&(i as u32)).map(String::as_str));
                let max = memory
                    .ty
                    .limits
                    .max
                    .map(|m| format!(" {m}"))
                    .unwrap_or_default();
                let shared = if memory.ty.shared { " shared" } else { "" };
                let i64 = if memory.ty.memory64 { "i64 " } else { "" };
                let page_size = match memory.ty.page_size() {
                    65536 => String::new(),
                    bytes => format!(" (pagesize {bytes})"),
                };
                let _ = writeln!(
                    text,
                    "  (import \"s\" \"m{i}\" (memory {id} {i64}{}{max}{shared}{page_size}))",
                    memory.pages()
                );
                imports.push(Extern::Memory(*addr));
            }
            for (i, addr) in instance
                .map(|inst| inst.tables.clone())
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some(table) = self.store.table(*addr) else {
                    continue;
                };
                let id = wat_id(module.names.tables.get(&(i as u32)).map(String::as_str));
                let max = table
                    .ty
                    .limits
                    .max
                    .map(|m| format!(" {m}"))
                    .unwrap_or_default();
                let index = if table.ty.table64 { "i64 " } else { "" };
                let _ = writeln!(
                    text,
                    "  (import \"s\" \"t{i}\" (table {id} {index}{}{max} {}))",
                    table.size(),
                    table.ty.elem
                );
                imports.push(Extern::Table(*addr));
            }
            for (i, addr) in instance
                .map(|inst| inst.tags.clone())
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some(tag) = self.store.tag(*addr) else {
                    continue;
                };
                let id = wat_id(module.names.tags.get(&(i as u32)).map(String::as_str));
                let params: String = tag
                    .ty
                    .params
                    .iter()
                    .map(|t| format!(" (param {t})"))
                    .collect();
                let _ = writeln!(text, "  (import \"s\" \"x{i}\" (tag {id}{params}))");
                imports.push(Extern::Tag(*addr));
            }
        }
        let _ = write!(text, "  (func {FRAGMENT} (export \"fragment\")");
        for value in &self.stack {
            let _ = write!(text, " (param {})", self.stack_param_type(value));
        }
        let local_types: Vec<String> = self
            .locals
            .iter()
            .map(|l| self.local_type_text(l.ty))
            .collect();
        for (local, ty) in self.locals.iter().zip(&local_types) {
            let _ = write!(text, " (param ${} {ty})", local.name);
        }
        if let Some(results) = results {
            let results = results.iter().map(|t| t.to_string());
            for ty in results.chain(local_types.iter().cloned()) {
                let _ = write!(text, " (result {ty})");
            }
        }
        text.push('\n');
        for i in 0..self.stack.len() {
            let _ = writeln!(text, "    local.get {i}");
        }
        let code_start = text.len();
        text.push_str(code);
        text.push('\n');
        if results.is_some() {
            for local in &self.locals {
                let _ = writeln!(text, "    local.get ${}", local.name);
            }
        }
        text.push_str("  ))\n");
        FragmentText {
            text,
            code_start,
            imports,
        }
    }

    fn asm_error(&self, e: &AsmError, fragment: &FragmentText, code: &str) -> SessionError {
        let unnamed = self.unnamed_exported_funcs();
        let message =
            crate::text::unknown_name::explain_with(&fragment.text, e.offset, &e.message, &unnamed)
                .unwrap_or_else(|| e.message.clone());
        let error = SessionError::new(ErrorKind::Syntax, message);
        if e.offset >= fragment.code_start && e.offset <= fragment.code_start + code.len() {
            let offset = e.offset - fragment.code_start;
            error.at(code, offset, token_len(code, offset))
        } else {
            let mut error = error;
            error
                .notes
                .push("the problem is in the code watlab generated around your input".into());
            error
        }
    }

    /// Validates the probe fragment up to its final `end` and returns the
    /// types left on the stack there (and the stack after each operator, and
    /// notes on operands that folded forms leave on the stack), or
    /// the first validation error, pointed at the user's instruction.
    fn fragment_results(
        &self,
        bytes: &[u8],
        spans: &[usize],
        prologue: usize,
        fragment: &FragmentText,
        code: &str,
    ) -> Result<Validated, SessionError> {
        let invalid = |message: String| SessionError::new(ErrorKind::Invalid, message);
        let mut validator = Validator::new_with_features(features_with_threads());
        for payload in Parser::new(0).parse_all(bytes) {
            let payload = payload.map_err(|e| invalid(e.message().to_string()))?;
            let ValidPayload::Func(to_validate, body) = validator
                .payload(&payload)
                .map_err(|e| invalid(e.message().to_string()))?
            else {
                continue;
            };
            let mut func = to_validate.into_validator(Default::default());
            let mut ops = Vec::new();
            // Where each operator is in `code`, for the notes on folded forms.
            let in_code = |i: usize| {
                let start = *spans.get(i)?;
                let at = start.checked_sub(fragment.code_start)?;
                (i >= prologue && at < code.len()).then_some(at)
            };
            let mut sites: Vec<OpSite> = Vec::new();
            let observe = |i, func: &wasmparser::FuncValidator<_>, taken| {
                let height = func.operand_stack_height() as usize;
                ops.push(OpStack {
                    height,
                    top_is_v128: func.get_operand_type(0).flatten()
                        == Some(wasmparser::ValType::V128),
                });
                sites.push(OpSite {
                    offset: in_code(i),
                    before: sites.last().map_or(0, |s| s.after),
                    after: height,
                    taken,
                });
            };
            let folded_head = |i| in_code(i).is_some_and(|at| is_folded_head(code, at));
            if let Err(fault) =
                check_body_observed(&mut func, &body, bytes, true, folded_head, observe)
            {
                let mut error = invalid(fault.explanation);
                if let Some(start) = spans.get(fault.index).copied()
                    && fault.index >= prologue
                    && start >= fragment.code_start
                {
                    let at = start - fragment.code_start;
                    error = error.at(code, at, token_len(code, at));
                    error.notes.extend(flat_call_hint(code, at));
                }
                return Err(error);
            }
            if func.control_stack_height() > 1 {
                return Err(invalid(
                    "a block, loop or if is still open at the end of the input: close it with `end`".into(),
                ));
            }
            let height = func.operand_stack_height() as usize;
            let types = (0..height)
                .rev()
                .map(|d| {
                    func.get_operand_type(d)
                        .flatten()
                        .and_then(|t| {
                            // Precise, so a null keeps its type (issue 12).
                            ValType::from_validator(t, func.resources())
                                .or_else(|| ValType::widened(t, func.resources()))
                        })
                        .unwrap_or(ValType::I32)
                })
                .collect();
            let notes = extra_operand_notes(code, &sites, prologue);
            return Ok(Validated {
                types,
                ops,
                advice: notes,
            });
        }
        Err(invalid(
            "internal: the fragment function was not found".into(),
        ))
    }
}

impl Session {
    /// Points `error` at a trap's `site` outside the user's input: the
    /// definition's line with a caret under the instruction, and a note
    /// naming the function and the instruction (the caret already says
    /// the line and column, so the note does not repeat them).
    pub(super) fn locate_site(&self, error: &mut SessionError, site: &crate::vm::trap::TrapSite) {
        error.notes.insert(0, self.describe_site(site));
        self.point_at_site(error, site);
    }

    /// Points `error`'s caret at `site`. A function loaded from a file is
    /// shown at that file's line (`m.wat:5:5: trap: ...`), not at a line of
    /// its definition alone.
    pub(super) fn point_at_site(&self, error: &mut SessionError, site: &crate::vm::trap::TrapSite) {
        error.spot = self.site_spot(site);
        if let (Some(spot), Some((path, file))) = (&error.spot, self.site_file(site))
            && let Some(start) = file.find(&spot.text)
        {
            *error = error.clone().in_file(&path, &file, start);
        }
    }

    /// "in $f, at i32.load" for a trap outside the fragment itself; a site
    /// the session has no text for adds its byte offset in its module.
    pub(super) fn describe_site(&self, site: &crate::vm::trap::TrapSite) -> String {
        let func = crate::vm::FuncAddr(site.func);
        let name = self.func_label(func);
        let op = match self.store.func(func) {
            Some(crate::vm::store::FuncInst::Wasm { instance, .. }) => self
                .store
                .instance(*instance)
                .and_then(|i| operator_at(&i.module.bytes, site.offset)),
            _ => None,
        };
        match op {
            Some(op) if self.site_spot(site).is_some() => format!("in {name}, at {op}"),
            Some(op) => format!(
                "in {name}, at {op} (byte 0x{:x} of its module)",
                site.offset
            ),
            None => format!("in {name}"),
        }
    }

    /// The definition's text of a site in a function the session defined,
    /// at the instruction.
    pub(super) fn site_spot(&self, site: &crate::vm::trap::TrapSite) -> Option<super::SourceSpot> {
        let func = crate::vm::FuncAddr(site.func);
        (self.module_text_spot(func, site.offset))
            .or_else(|| self.session_source(self.site_defined(site)?, site.offset))
    }

    /// The index among the session module's defined functions of the
    /// function a site lies in, when the session defined it.
    fn site_defined(&self, site: &crate::vm::trap::TrapSite) -> Option<usize> {
        let (module, addr) = self.session_instance()?;
        let Some(crate::vm::store::FuncInst::Wasm {
            instance, index, ..
        }) = self.store.func(crate::vm::FuncAddr(site.func))
        else {
            return None;
        };
        if *instance != addr {
            return None;
        }
        Some(index.checked_sub(module.imported_funcs)? as usize)
    }

    /// The file a site's function was loaded from (`:load`, `watlab FILE`),
    /// with that file's text, while the file still holds the definition.
    fn site_file(&self, site: &crate::vm::trap::TrapSite) -> Option<(String, String)> {
        let (field, _) = *self.sources.get(self.site_defined(site)?)?.first()?;
        let (shown, text, _) = self.fields.get(field)?.in_file()?;
        Some((shown, text))
    }
}

/// Index, within its function body, of the operator at byte `offset`.
pub(super) fn operator_index(module: &[u8], offset: usize) -> Option<usize> {
    crate::text::body_check::operator_position(module, offset).map(|(_, index)| index)
}

/// A hint for `call $f (i32.const 5)`: written flat, the call runs before
/// the folded operand written after it.
fn flat_call_hint(code: &str, at: usize) -> Option<String> {
    let rest = code.get(at..)?;
    let call = rest.strip_prefix("call")?;
    let name_end = call
        .trim_start()
        .find(|c: char| c.is_whitespace() || c == '(')?;
    let name = call.trim_start().get(..name_end)?;
    let after = call.trim_start().get(name_end..)?.trim_start();
    // The folded forms right after the call, each up to its closing `)`.
    let mut depth = 0usize;
    let mut end = 0;
    for (i, c) in after.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    end = i + 1;
                }
            }
            c if depth == 0 && !c.is_whitespace() => break,
            _ => {}
        }
    }
    (end > 0).then(|| {
        let args = &after[..end];
        format!(
            "hint: written flat, `call {name}` runs before the `{args}` that follows it; \
             fold the call around its arguments, (call {name} {args}), or put them first"
        )
    })
}

/// The text name of the operator at byte `offset` of a module.
pub(super) fn operator_at(module: &[u8], offset: usize) -> Option<String> {
    let reader = wasmparser::BinaryReader::new(module.get(offset..)?, offset as u64);
    let mut reader = wasmparser::OperatorsReader::new(reader);
    reader
        .read()
        .ok()
        .map(|op| crate::text::explain::operator_name(&op))
}

/// `$name` if `name` is usable as a WAT identifier, else nothing.
fn wat_id(name: Option<&str>) -> String {
    const SYMBOLS: &str = "!#$%&'*+-./:<=>?@\\^_`|~";
    match name {
        Some(n)
            if !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || SYMBOLS.contains(c)) =>
        {
            format!("${n}")
        }
        _ => String::new(),
    }
}

/// The session functions `code` calls or references, when it names each
/// by a `$name` the session module has: the fragment imports only those
/// (issue 14: an input's latency does not grow with the session). `None`
/// when it names one by index or one the module lacks: the fragment then
/// imports them all, so indices match the session module's and the
/// assembler reports an unknown one at the user's own text.
fn named_funcs(code: &str, module: &Module) -> Option<std::collections::BTreeSet<u32>> {
    use crate::text::lex::{TokenKind, tokens};
    let words: Vec<_> = tokens(code)
        .into_iter()
        .filter(|t| !matches!(t.kind, TokenKind::Space | TokenKind::Comment))
        .map(|t| (t.kind, &code[t.range]))
        .collect();
    let mut wanted = std::collections::BTreeSet::new();
    for pair in words.windows(2) {
        if !matches!(pair[0].1, "call" | "return_call" | "ref.func") {
            continue;
        }
        let (TokenKind::Name, name) = pair[1] else {
            return None;
        };
        // Compared without a `$` first: no string made per function (issue 14).
        let bare = name.strip_prefix('$')?;
        let (&index, _) = module
            .names
            .funcs
            .iter()
            .find(|(_, n)| ***n == *bare && wat_id(Some(n)) == name)?;
        wanted.insert(index);
    }
    Some(wanted)
}

/// The session functions `code` names after `ref.func`, as a list of
/// names or indices (`"$f 3"`); names and indices the module lacks are left out, so the
/// assembler reports them at the user's own text.
fn referenced_funcs(code: &str, module: &Module) -> String {
    use crate::text::lex::{TokenKind, tokens};
    let words: Vec<_> = tokens(code)
        .into_iter()
        .filter(|t| !matches!(t.kind, TokenKind::Space | TokenKind::Comment))
        .map(|t| (t.kind, &code[t.range]))
        .collect();
    let count = module.func_types.len() as u32;
    let mut indices: Vec<u32> = words
        .windows(2)
        .filter(|pair| pair[0].1 == "ref.func")
        .filter_map(|pair| match pair[1] {
            (TokenKind::Name, name) => {
                (0..count).find(|i| wat_id(module.names.funcs.get(i).map(|n| &**n)) == name)
            }
            (TokenKind::Number, number) => number.parse().ok().filter(|i| *i < count),
            _ => None,
        })
        .collect();
    indices.sort_unstable();
    indices.dedup();
    let mut list = String::new();
    for i in indices {
        // By name where it has one: the fragment may import only some functions.
        match wat_id(module.names.funcs.get(&i).map(|n| &**n)) {
            id if id.is_empty() => write!(list, " {i}"),
            id => write!(list, " {id}"),
        }
        .ok();
    }
    list.trim_start().to_string()
}

fn signature_text(params: &[ValType], results: &[ValType]) -> String {
    let mut text = String::new();
    for p in params {
        let _ = write!(text, "(param {p}) ");
    }
    for r in results {
        let _ = write!(text, "(result {r}) ");
    }
    text.trim_end().to_string()
}

/// Assembles a module and returns, with the binary, the text offsets of the
/// instructions of its last function.
fn assemble_with_spans(text: &str) -> Result<(Vec<u8>, Vec<usize>), AsmError> {
    let (bytes, mut funcs) = crate::text::assemble::assemble_with_instr_spans(text)?;
    Ok((bytes, funcs.pop().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::STACK_LIMIT;
    use crate::session::{ErrorKind, Session};

    #[test]
    fn a_full_scratch_stack_refuses_the_next_value_and_says_so() {
        let mut session = Session::new();
        session.eval("(local $x i32)").expect("a local");
        let fill = "i32.const 0 ".repeat(STACK_LIMIT - 1);
        session
            .eval(&fill)
            .expect("999 values fit beside one local");
        let error = session.eval("i32.const 1").expect_err("the stack is full");
        assert_eq!(error.kind, ErrorKind::Usage);
        assert!(
            error
                .message
                .starts_with("the scratch stack is full: it holds at most 999 values"),
            "{}",
            error.message
        );
        assert_eq!(session.stack().len(), STACK_LIMIT - 1);
        session
            .eval("drop i32.const 1")
            .expect("room again after a drop");
    }

    #[test]
    fn a_fragment_imports_only_the_functions_it_names() {
        let mut session = Session::new();
        let funcs: Vec<String> = (0..200)
            .map(|i| format!("(func $f{i} (result i32) i32.const {i})"))
            .collect();
        session.eval(&funcs.join(" ")).expect("200 functions");
        let imports =
            |code: &str, lean: bool| session.fragment_text(code, None, lean).imports.len();
        assert_eq!(imports("call $f5 call $f150 i32.add", true), 2);
        assert_eq!(imports("(ref.func $f7) drop i32.const 1", true), 1);
        // By index, or while traced or stepped (byte offsets are shown):
        // every function, so indices and offsets are the session module's.
        assert_eq!(imports("call 5", true), 200);
        assert_eq!(imports("call $f5", false), 200);
        assert_eq!(
            session
                .eval("call $f5 call $f150 i32.add")
                .map_err(|e| e.message)
                .map(|_| ()),
            Ok(())
        );
        assert_eq!(session.stack()[0].to_string(), "i32:155");
    }
}

//! Spec-script commands typed at the prompt (`invoke`, `get`, `register`,
//! every `assert_*`, `module definition`/`module instance`): the session is a
//! [`Target`] of the one script engine, and turns what each command did into
//! replies. The journal for `:export-js` and the session's instance names are
//! kept here.

use super::export_js::JsEvent;
use super::fragment::{Prepared, STEP_CHUNK};
use super::{ErrorKind, Reply, Session, SessionError};
use crate::script::{self, ExecMode, Failure, Held, OnFailure, Outcome, Rejection, Stage, Target};
use crate::vm::store::{Extern, InstanceAddr, Store};
use crate::vm::{self, Execution, InstantiationError, Module, PendingStart};
use std::sync::Arc;
use std::sync::atomic::Ordering;

impl Session {
    /// Runs the script commands in `text`, stopping at the first that fails.
    pub(super) fn script(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        // A lone `(invoke ...)` runs as an instruction input does; a call
        // that does not resolve is left to the engine, which says why.
        if let Ok(Some(call)) = script::call_of(text, self) {
            return self.run_call(text, call);
        }
        let directives = script::run(text, self, ExecMode::Run, OnFailure::Stop).map_err(|e| {
            let offset = e.span().offset();
            SessionError::new(ErrorKind::Syntax, e.message()).at(
                text,
                offset,
                super::module::token_len(text, offset),
            )
        })?;
        let mut replies = Vec::new();
        for directive in directives {
            match directive.result {
                Ok(outcome) => replies.push(self.reply(outcome)?),
                Err(failure) => return Err(session_error(self, failure, text)),
            }
        }
        Ok(replies)
    }

    /// A lone `(invoke ...)`: runs in step code in chunks, as an instruction
    /// input does, so that a breakpoint or Ctrl-C hands it to the stepper
    /// (as `call $f` would); it finishes or traps as the script command does.
    fn run_call(&mut self, code: &str, call: script::Call) -> Result<Vec<Reply>, SessionError> {
        let before = self.snapshot();
        let mut execution = Execution::new(&self.store, call.func, &call.args)
            .map_err(|t| SessionError::usage(t.to_string()))?;
        execution.use_step_mode();
        let (entries, offsets) = self.breakpoint_sites(call.func);
        // A breakpoint on the called function itself: no call enters it.
        let at_entry = entries.contains(&call.func);
        execution.set_breakpoints(entries, offsets);
        let prepared = || Prepared::invoke(&call);
        if at_entry {
            return Ok(self.pause_at_breakpoint(code, prepared(), execution, before, 0));
        }
        let mut steps = 0u64;
        loop {
            match execution.run_steps(&mut self.store, STEP_CHUNK) {
                Ok(vm::Outcome::Finished(results)) => {
                    let invoked = Outcome::Invoked {
                        instance: call.instance,
                        export: call.export,
                        args: call.args,
                        results,
                    };
                    self.changes = Default::default();
                    // A call that wrote says what, as `call $f` does.
                    let changed = self.changed_reply(before.as_ref());
                    return Ok(changed.into_iter().chain([self.reply(invoked)?]).collect());
                }
                Ok(vm::Outcome::Paused) => {
                    steps += execution.steps_done();
                    if execution.hit_breakpoint() {
                        let (p, e) = (prepared(), execution);
                        return Ok(self.pause_at_breakpoint(code, p, e, before, steps));
                    }
                    if self.store.interrupt.swap(false, Ordering::Relaxed) {
                        let (p, e) = (prepared(), execution);
                        return Ok(self.pause_interrupted(code, p, e, before, steps));
                    }
                }
                Err(trap) => {
                    let trap = match trap.code {
                        vm::TrapCode::OutOfFuel => vm::budget::locate(&self.store, trap),
                        _ => trap,
                    };
                    return Err(session_error(self, Failure::Trap(trap), code));
                }
            }
        }
    }

    /// Journals a call of `instance`'s `export` that returned `results`,
    /// for `:export-js` (run, stepped or paused and continued alike).
    pub(super) fn journal_invoke(
        &mut self,
        instance: InstanceAddr,
        export: String,
        args: Vec<vm::Value>,
        results: &[vm::Value],
    ) {
        if let Some(instance) = self.instance_name(instance) {
            self.journal.push(JsEvent::Invoke {
                instance,
                export,
                args,
                results: results.iter().map(|v| v.ty()).collect(),
            });
        }
    }

    /// The reply to a command that did what it says, journalled for `:export-js`.
    fn reply(&mut self, outcome: Outcome) -> Result<Reply, SessionError> {
        Ok(match outcome {
            Outcome::Instantiated { instance, .. } => {
                let name = self.instance_name(instance).unwrap_or_default();
                Reply::Note(format!("instantiated module {name}"))
            }
            Outcome::Defined { id: Some(id) } => Reply::Note(format!(
                "defined module ${id}: (module instance $NAME ${id}) instantiates it"
            )),
            Outcome::Defined { id: None } => {
                Reply::Note("the module validates (name it to instantiate it later)".into())
            }
            Outcome::Registered { name, instance } => {
                if let Some(instance) = self.instance_name(instance) {
                    self.journal.push(JsEvent::Register {
                        as_name: name.clone(),
                        instance,
                    });
                }
                Reply::Note(format!(
                    "registered as \"{name}\": other modules can import from it now"
                ))
            }
            Outcome::Invoked {
                instance,
                export,
                args,
                results,
            } => {
                self.journal_invoke(instance, export, args, &results);
                Reply::Values(results.clone(), self.func_names(&results))
            }
            Outcome::Got(value) => Reply::Values(vec![value], self.func_names([&value])),
            Outcome::Held(Held::Returned(values)) => {
                Reply::Note(format!("ok: returned {}", self.values_named(&values)))
            }
            Outcome::Held(Held::Trapped(trap)) => {
                Reply::Note(format!("ok: trapped with \"{}\"", trap.message()))
            }
            Outcome::Held(Held::Threw(trap)) => Reply::Note(format!(
                "ok: threw {}",
                trap.exception
                    .map_or_else(|| "an exception".into(), |e| self.exn_text(e))
            )),
            Outcome::Held(Held::Exhausted(trap)) => {
                Reply::Note(format!("ok: exhausted with \"{}\"", trap.message()))
            }
            Outcome::Held(Held::Rejected(rejection)) => Reply::Note(rejected_note(&rejection)),
            Outcome::Skipped(reason) => {
                return Err(SessionError::usage(format!("not run: {reason}")));
            }
        })
    }
}

/// "ok: invalid as expected: ..." and whether the reason is the expected one.
fn rejected_note(rejection: &Rejection) -> String {
    let stage = match rejection.stage {
        Stage::Malformed => "malformed",
        Stage::Invalid => "invalid",
        Stage::Unlinkable => "unlinkable",
    };
    if rejection.message_matches() {
        format!("ok: {stage} as expected: {}", rejection.ours)
    } else {
        format!(
            "ok: {stage}, but for another reason than \"{}\": {}",
            rejection.expected, rejection.ours
        )
    }
}

/// The session's error for a failed command; `text` is the input.
fn session_error(session: &Session, failure: Failure, text: &str) -> SessionError {
    match failure {
        Failure::Usage(message) => SessionError::usage(message),
        Failure::Malformed { message, offset } => {
            let error = SessionError::new(ErrorKind::Syntax, message);
            match offset {
                Some(at) => error.at(text, at, super::module::token_len(text, at)),
                None => error,
            }
        }
        invalid @ Failure::Invalid { .. } => {
            SessionError::new(ErrorKind::Invalid, invalid.to_string())
        }
        Failure::Uninstantiable(InstantiationError::Link(link)) => session.link_error(&link),
        Failure::Uninstantiable(InstantiationError::Trap(trap)) | Failure::Trap(trap) => {
            let mut error = session.error_of_trap(&trap, None);
            if let Some(site) = trap.site.as_ref().filter(|_| error.kind == ErrorKind::Trap) {
                session.locate_site(&mut error, site);
            }
            if trap.code == crate::vm::TrapCode::OutOfFuel {
                error.notes.push(session.budget_hint());
            }
            error
        }
        Failure::Uninstantiable(InstantiationError::Resource(message)) => {
            SessionError::new(ErrorKind::Link, message)
        }
        Failure::TrappedInstead {
            ref trap,
            ref expected,
            ref got,
        } => {
            let message = format!("assertion failed: expected {expected}, got {got}");
            let mut error = SessionError::new(ErrorKind::Assertion, message);
            if let Some(site) = &trap.site {
                session.locate_site(&mut error, site);
            }
            if let Some(detail) = &trap.detail {
                error.notes.push(detail.clone());
            }
            error
        }
        mismatch @ Failure::Mismatch { .. } => SessionError::new(
            ErrorKind::Assertion,
            format!("assertion failed: {mismatch}"),
        ),
    }
}

impl Target for Session {
    fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    fn features(&self) -> wasmparser::WasmFeatures {
        crate::vm::module::features_with_threads()
    }

    fn instance(&self, id: Option<&str>) -> Result<InstanceAddr, String> {
        match id {
            Some(id) => {
                let name = format!("${id}");
                self.named
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, i)| *i)
                    .ok_or_else(|| format!("no module named ${id} (see :instances)"))
            }
            None => self.current.ok_or_else(|| {
                "there is no module yet: define a (func ...) with an export, or a whole (module ...)"
                    .to_string()
            }),
        }
    }

    fn instantiate(&mut self, module: &Arc<Module>) -> Result<PendingStart, InstantiationError> {
        self.link_and_instantiate(module)
    }

    fn bind(&mut self, id: Option<&str>, module: &Arc<Module>, instance: InstanceAddr) {
        let name = id.map_or_else(
            || format!("#{}", self.named.len() + 1),
            |id| format!("${id}"),
        );
        self.named.retain(|(n, _)| *n != name);
        self.named.push((name.clone(), instance));
        self.journal.push(JsEvent::Instantiate {
            name,
            bytes: module.bytes.clone(),
        });
        self.current = Some(instance);
    }

    fn register(&mut self, name: &str, instance: InstanceAddr) {
        let exports = self.store.exports_of(instance);
        self.registry.insert(name.to_string(), exports);
    }

    fn define(&mut self, id: &str, module: Arc<Module>) {
        self.definitions.insert(id.to_string(), module);
    }

    fn definition(&self, id: &str) -> Option<Arc<Module>> {
        self.definitions.get(id).cloned()
    }

    /// Says which module was searched, what it exports, and where the
    /// function is exported instead (learner trial 12: `(invoke "bump")`
    /// after a `(module $calc2 ...)` looked in `$calc2` and said no more).
    fn no_function(&self, instance: InstanceAddr, named: bool, name: &str, why: String) -> String {
        // Something else by that name: the reason says what it is.
        if (self.store.instance(instance)).is_some_and(|i| i.export(name).is_some()) {
            return why;
        }
        let module = match self.instance_name(instance) {
            Some(n) if n.starts_with('$') => format!("module {n}"),
            _ => "the session module".to_string(),
        };
        // With one module there is no other to name.
        let alone = self.named.iter().all(|(_, at)| *at == instance);
        let searched = match named || alone {
            true => module,
            false => format!("{module}, the module defined last, where (invoke \"{name}\") looks"),
        };
        let exports: Vec<String> = (self.store.instance(instance))
            .map(|i| i.exports.iter())
            .into_iter()
            .flatten()
            .map(|(export, ext)| format!("{} \"{export}\"", ext.kind_name()))
            .collect();
        let exports = match exports.is_empty() {
            true => "it exports nothing".to_string(),
            false => format!("it exports {}", exports.join(", ")),
        };
        let exports_it = |at: InstanceAddr| {
            at != instance
                && (self.store.instance(at))
                    .and_then(|i| i.export(name))
                    .is_some_and(|e| matches!(e, Extern::Func(_)))
        };
        let mut instead: Vec<String> = (self.named.iter())
            .filter(|(_, at)| exports_it(*at))
            .map(|(n, _)| format!("module {n} exports it: (invoke {n} \"{name}\")"))
            .collect();
        if let Some((_, at)) = &self.session
            && *at != instance
            && let Some(Extern::Func(f)) = self.store.instance(*at).and_then(|i| i.export(name))
        {
            let label = self.func_label(f);
            instead.push(format!("the session module exports it: call {label}"));
        }
        if instead.is_empty() && !alone {
            instead.push(format!(
                "to call another module's, name it: (invoke $NAME \"{name}\")"
            ));
        }
        let mut parts = vec![format!("{why} by {searched}"), exports];
        parts.extend(instead);
        parts.join("; ")
    }
}

//! `:step (module $m ...)`: a start function stepped like any call.
//!
//! The module is instantiated up to its start function
//! ([`crate::vm::Store::instantiate_pending`]); the stepper then pauses before
//! the start function's first instruction. While paused, the instance already
//! answers to its name (`:break $m.$f`, `$m.$init` in the backtrace), as gdb
//! lets a program's symbols be used before `main`. When the start function
//! returns, the module is instantiated; when it traps or the user aborts, the
//! instantiation fails as the spec says: the name goes back to what it was
//! (or to nothing), and what the start function wrote into imported memories,
//! tables and globals before a trap stays written (V8 agrees; `abort` undoes it).

use super::super::fragment::Prepared;
use super::super::{ErrorKind, Reply, Session, SessionError};
use super::Debugger;
use crate::vm::Trap;
use crate::vm::store::{InstanceAddr, StoreData};

/// A module instantiation that waits for its start function.
pub(in crate::session) struct Starting {
    /// The instance's name (`$m`, or `#N`).
    name: String,
    /// The session's instance names and current instance before the input,
    /// for a failed instantiation.
    named: Vec<(String, InstanceAddr)>,
    current: Option<InstanceAddr>,
    /// The `:export-js` journal's length before the input.
    journal: usize,
}

impl Session {
    /// `:step (module ...)`: instantiates the module and pauses before the
    /// first instruction of its start function (a module without one is
    /// simply instantiated).
    pub(super) fn step_module(
        &mut self,
        code: &str,
        form: &str,
        before: Option<StoreData>,
    ) -> Result<Vec<Reply>, SessionError> {
        let module = self.compile_module(form)?;
        let pending = self.instantiate_pending(&module).map_err(|mut e| {
            // A segment that traps keeps what earlier segments wrote.
            if let Some(before) = before.as_ref().filter(|_| e.kind == ErrorKind::Trap) {
                e.notes.extend(self.kept_note(before, "kept"));
            }
            e
        })?;
        let saved = Starting {
            name: String::new(),
            named: self.named.clone(),
            current: self.current,
            journal: self.journal.len(),
        };
        let bound = self.bind_module(form, &module, pending.instance);
        let (Some(func), Reply::Note(note)) = (pending.start, &bound) else {
            return Ok(vec![
                bound,
                Reply::Note("the module has no start function: nothing to step".into()),
            ]);
        };
        let name = note.trim_start_matches("instantiated module ").to_string();
        let execution = pending
            .execution(&self.store)
            .and_then(|e| e.ok_or_else(|| Trap::host("the start function went missing")));
        let mut execution = match execution {
            Ok(execution) => execution,
            Err(trap) => {
                self.unbind(saved);
                return Err(self.error_of_trap(&trap, None));
            }
        };
        execution.use_step_mode();
        let mut debugger = Debugger::new(
            code,
            Prepared::call(func, Vec::new()),
            execution,
            before,
            self.record_budget,
        );
        debugger.starting = Some(Starting { name, ..saved });
        let start = self.func_label(func);
        self.debugger = Some(Box::new(debugger));
        let mut replies = vec![Reply::Note(format!(
            "instantiating module {}: paused before its start function {start} (the module is \
             instantiated when it returns; a trap or abort fails the instantiation)",
            self.debugger
                .as_ref()
                .and_then(|d| d.starting.as_ref())
                .map_or("", |s| &s.name)
        ))];
        replies.extend(self.pause_replies(None, Vec::new()));
        Ok(replies)
    }

    /// While a start function is paused: its module's instance, and the
    /// current instance before it (what `(invoke ...)` uses should the
    /// instantiation fail).
    pub(in crate::session) fn starting_instance(
        &self,
    ) -> Option<(InstanceAddr, Option<InstanceAddr>)> {
        let starting = self.debugger.as_ref()?.starting.as_ref()?;
        let (_, pending) = self.named.iter().find(|(n, _)| *n == starting.name)?;
        Some((*pending, starting.current))
    }

    /// Undoes the naming of a module whose instantiation failed.
    fn unbind(&mut self, saved: Starting) {
        self.named = saved.named;
        self.current = saved.current;
        self.journal.truncate(saved.journal);
    }

    /// The replies of a start function that returned: the module is instantiated.
    pub(super) fn start_finished(&mut self, starting: &Starting) -> Vec<Reply> {
        vec![
            Reply::Note("the start function finished".into()),
            Reply::Note(format!("instantiated module {}", starting.name)),
        ]
    }

    /// A start function that trapped or was aborted: the instantiation fails.
    /// Gives the note to add to the error or the abort.
    pub(super) fn start_failed(&mut self, starting: Starting) -> String {
        let note = format!(
            "module {} was not instantiated: its start function did not finish",
            starting.name
        );
        self.unbind(starting);
        note
    }
}

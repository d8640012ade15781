//! A trap pauses the stepper at the trapping instruction (issue 13), as gdb
//! stops at the instruction that faults and DevTools pauses on exceptions.
//!
//! A trap leaves the machine half way through its instruction, so the pause
//! is the recorded state just before it (`replay_to` the step that trapped).
//! That is also the state after the trap: a trapping instruction writes
//! nothing (stores and the bulk operations `memory.fill`, `memory.copy`,
//! `memory.init` check their bounds before writing, spec 4.4.7), so memory
//! is what the trap left. At that pause forward motion is refused, going back
//! works as anywhere, and `abort` keeps what the code wrote, as a trap does.

use crate::session::{Reply, Session, SessionError};
use crate::vm::Trap;

/// The trap the paused instruction raises.
pub(super) struct Trapped {
    /// The trap as an error: its message, where and why.
    error: SessionError,
    /// Whether the pause is still at it (not gone back or edited since);
    /// `abort` keeps what the code wrote either way.
    here: bool,
    /// The store as the trap left it (when small enough to copy): `abort`
    /// after going back keeps it, never rolling memory back.
    store: Option<crate::vm::store::StoreData>,
}

/// The trap at a pause, as the pause screen shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct TrapPause {
    /// The trap's message (`trap: out of bounds memory access`).
    pub message: String,
    /// Its explanation: where, and the numbers behind it.
    pub notes: Vec<String>,
    /// What can be done at it.
    pub choices: String,
}

/// What a learner can do at a trap: look around, go back or leave.
const CHOICES: &str = "look around (info locals, p, x, bt), go back (back, reverse-step, \
                       reverse-continue, last-write, history) or leave (abort keeps what \
                       the code wrote)";

impl Session {
    /// Pauses at the instruction that raised `trap` (state just before it).
    /// False for a stepped thread (it ends as it did) or when the state
    /// before the trap cannot be restored.
    pub(super) fn pause_at_trap(&mut self, trap: &Trap) -> bool {
        let Some(d) = self.debugger.as_ref().filter(|d| d.agent.is_none()) else {
            return false;
        };
        // The trapping step was counted when it started.
        let Some(step) = d.steps.checked_sub(1) else {
            return false;
        };
        let mut error = self.trap_error(&d.prepared, &d.code, trap);
        // The pause itself says where (`in $f, before i32.load` and a caret).
        if let Some(site) = &trap.site {
            let site = self.describe_site(site);
            error.notes.retain(|note| *note != site);
        }
        if self.replay_to(step).is_err() {
            return false;
        }
        if let Some(d) = self.debugger.as_mut() {
            d.trapped = Some(Trapped {
                error,
                here: true,
                store: None,
            });
        }
        let store = self.snapshot();
        if let Some(t) = self.debugger.as_mut().and_then(|d| d.trapped.as_mut()) {
            t.store = store;
        }
        true
    }

    /// The trap of the paused instruction, as the pause shows it.
    pub(super) fn trap_shown(&self) -> Option<TrapPause> {
        let trapped = self.debugger.as_ref()?.trapped.as_ref()?;
        let error = trapped.here.then_some(&trapped.error)?;
        Some(TrapPause {
            message: error.message.clone(),
            notes: error.notes.clone(),
            choices: format!("the next instruction traps and cannot run: {CHOICES}"),
        })
    }

    /// Refuses forward motion at a trap: the next instruction cannot run.
    pub(super) fn refuse_at_trap(&mut self) -> Result<(), SessionError> {
        let Some(error) = self
            .debugger
            .as_ref()
            .and_then(|d| d.trapped.as_ref())
            .filter(|t| t.here)
            .map(|t| t.error.message.clone())
        else {
            return Ok(());
        };
        let next = self
            .next_instruction_text()
            .unwrap_or_else(|| "the next instruction".into());
        let error = error.strip_prefix("trap: ").unwrap_or(&error);
        Err(SessionError::usage(format!(
            "{next} traps: {error}; it cannot run, and nothing changed. You can {CHOICES}"
        )))
    }

    /// The pause is no longer at the trap: it went back, or was edited.
    pub(super) fn leave_trap(&mut self) {
        if let Some(t) = self.debugger.as_mut().and_then(|d| d.trapped.as_mut()) {
            t.here = false;
        }
    }

    /// `abort` after a trap: leaves the stepper keeping what the code wrote
    /// up to the trap (also after going back), as the trap does; the stack
    /// and locals are as before the input.
    pub(super) fn abort_at_trap(&mut self) -> Option<Vec<Reply>> {
        if self.debugger.as_ref().is_none_or(|d| d.trapped.is_none()) {
            return None;
        }
        let d = self.debugger.take()?;
        // `:export-js` repeats it, trap and all (a thread's run is not repeated).
        if d.agent.is_none() {
            self.journal_run(&d.code, &d.prepared);
        }
        if let Some(store) = d.trapped.and_then(|t| t.store) {
            self.store.data = store;
        }
        let before = d.before;
        let mut replies = vec![Reply::Note(
            "aborted after the trap: the stack and locals are as before the input; memory, \
             tables and globals keep what the code wrote"
                .into(),
        )];
        match before {
            Some(before) => {
                self.changes = crate::session::diff(&before, &self.store.data);
                replies.extend(self.kept_note(&before, "kept").map(Reply::Note));
            }
            None => replies.push(Reply::Note(
                "kept: what the code wrote before the trap (memory is too large to compare)".into(),
            )),
        }
        Some(replies)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paused, session_with};
    use crate::vm::Value;

    /// Stores `$i` at `$i` for $i = 0, 4, 8, ... until the store traps.
    const RUN_OFF: &str = "(func $run_off (local $i i32) (loop $l (i32.store (local.get $i) (local.get $i)) (local.set $i (i32.add (local.get $i) (i32.const 4))) (br $l)))";

    #[test]
    fn a_chunked_run_pauses_at_the_trap_where_single_steps_reach_it_again() {
        let mut session = session_with(&["(memory 1)", RUN_OFF]);
        session.start_stepping("call $run_off").unwrap();
        assert!(session.can_run_chunks(true));
        let replies = session.continue_().unwrap();
        let info = paused(&replies).clone();
        assert!(info.trap.is_some(), "{info:?}");
        assert_eq!(info.next.as_deref(), Some("i32.store"));
        assert_eq!(info.frames[1].locals[0].value, Value::I32(65536));
        assert_eq!(session.memory0_bytes(65532, 4), [0xfc, 0xff, 0, 0]);
        // Back over the two operands, then forward again: the same trap.
        session.step_back(2).unwrap();
        let replies = session.step(5).unwrap();
        let again = paused(&replies);
        assert_eq!((again.step, &again.trap), (info.step, &info.trap));
        assert_eq!(
            again.effect.as_ref().map(|e| e.note.clone()),
            Some(Some("2 instructions".into()))
        );
        assert!(session.until().is_err(), "forward motion is refused");
        assert_eq!(session.memory0_bytes(65532, 4), [0xfc, 0xff, 0, 0]);
    }

    #[test]
    fn trapping_bulk_operations_write_nothing() {
        for code in [
            "i32.const 65530 i32.const 0xab i32.const 10 memory.fill",
            "i32.const 65530 i32.const 0 i32.const 10 memory.copy",
            "i32.const 65534 i32.const -1 i32.store",
        ] {
            let mut session = session_with(&["(memory 1)", "i32.const 0 i32.const -1 i32.store"]);
            session.start_stepping(code).unwrap();
            let replies = session.continue_().unwrap();
            assert!(paused(&replies).trap.is_some(), "{code}");
            assert_eq!(session.memory0_bytes(65530, 6), [0; 6], "{code}");
            let replies = session.abort_stepping().unwrap();
            assert_eq!(session.memory0_bytes(65530, 6), [0; 6], "{code}");
            assert_eq!(replies.len(), 1, "nothing kept: {replies:?}");
        }
    }

    #[test]
    fn an_edit_at_the_trap_lets_the_instruction_run() {
        let mut session = session_with(&[]);
        session
            .start_stepping("i32.const 7 i32.const 0 i32.div_u")
            .unwrap();
        assert!(paused(&session.continue_().unwrap()).trap.is_some());
        session.set_place("[0] 2").unwrap();
        let replies = session.step(1).unwrap();
        let info = paused(&replies);
        assert_eq!(info.trap, None);
        assert_eq!(info.frames[0].operands, [Value::I32(3)]);
    }

    #[test]
    fn back_from_the_trap_then_abort_still_keeps_what_was_written() {
        let mut session = session_with(&["(memory 1)"]);
        session
            .start_stepping("i32.const 0 i32.const 7 i32.store8 nop unreachable")
            .unwrap();
        assert!(paused(&session.continue_().unwrap()).trap.is_some());
        let replies = session.step_back(1).unwrap();
        assert_eq!(paused(&replies).trap, None, "no longer at the trap");
        session.step_back(2).unwrap();
        assert_eq!(session.memory0_bytes(0, 1), [0], "back undid the store");
        session.abort_stepping().unwrap();
        assert_eq!(session.memory0_bytes(0, 1), [7], "as the trap left it");
    }
}

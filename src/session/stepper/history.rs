//! The undo history behind `back`: before every step the stepper saves the
//! machine and the store's mutable data, bounded in entries and in bytes
//! (the oldest go first), which is all `back` needs to undo a step exactly.

use crate::session::{Reply, Session, SessionError};
use crate::vm::Execution;
use crate::vm::store::StoreData;
use std::collections::VecDeque;

/// Most undo entries kept for `back`.
const HISTORY_STEPS: usize = 10_000;
/// Most bytes of memory the undo history may hold.
const HISTORY_BYTES: usize = 64 << 20;

/// The state before one step.
pub(super) struct Saved {
    /// The machine.
    pub(super) execution: Execution,
    /// The store's data, unless memory was too large to copy.
    pub(super) data: Option<StoreData>,
    /// The step count.
    pub(super) steps: u64,
}

/// The saved states, oldest first, and the memory bytes they hold.
#[derive(Default)]
pub(super) struct History {
    entries: VecDeque<Saved>,
    bytes: usize,
}

/// Bytes of memory held by saved store data.
fn memory_size(data: &StoreData) -> usize {
    data.memories.iter().map(|m| m.bytes().len()).sum()
}

impl History {
    /// Saves the state before a step; `data` is only copied when memory is
    /// small enough (`memory_bytes` in all), so the history stays bounded.
    pub(super) fn save(
        &mut self,
        execution: &Execution,
        data: &StoreData,
        memory_bytes: usize,
        steps: u64,
    ) {
        let data = (memory_bytes <= HISTORY_BYTES / 16).then(|| data.clone());
        self.bytes += data.as_ref().map_or(0, |_| memory_bytes);
        self.entries.push_back(Saved {
            execution: execution.clone(),
            data,
            steps,
        });
        while self.entries.len() > HISTORY_STEPS || self.bytes > HISTORY_BYTES {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.data.as_ref().map_or(0, memory_size);
            }
        }
    }

    /// The state before the last step, removed from the history.
    fn take_last(&mut self) -> Option<Saved> {
        let saved = self.entries.pop_back()?;
        self.bytes -= saved.data.as_ref().map_or(0, memory_size);
        Some(saved)
    }

    /// Forgets every saved state.
    pub(super) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

impl Session {
    /// `back [N]`: undoes the last `n` steps exactly (machine, memories,
    /// tables and globals) and pauses there.
    ///
    /// # Errors
    /// A usage error when there is nothing to step back over, or when memory
    /// was too large to keep undo history.
    pub fn step_back(&mut self, n: usize) -> Result<Vec<Reply>, SessionError> {
        let Some(d) = self.debugger.as_mut() else {
            return Ok(Vec::new());
        };
        let mut restored = 0;
        while restored < n {
            let Some(saved) = d.history.take_last() else {
                break;
            };
            let Some(data) = saved.data else {
                d.history.clear();
                return Err(SessionError::usage(
                    "memory is too large to keep undo history; cannot step back",
                ));
            };
            d.execution = saved.execution;
            d.steps = saved.steps;
            self.store.data = data;
            restored += 1;
        }
        if restored == 0 {
            return Err(SessionError::usage(
                "nothing to step back over: this is where the fragment started",
            ));
        }
        let note = format!(
            "stepped back {restored} instruction{}",
            if restored == 1 { "" } else { "s" }
        );
        Ok(self.pause_replies(None, vec![note]))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paused, session_with};

    #[test]
    fn back_restores_memory_and_the_step_count_exactly() {
        let mut session = session_with(&["(memory 1)"]);
        session
            .start_stepping(
                "i32.const 0 i32.const 0x01020304 i32.store i32.const 4 i32.const -1 i32.store",
            )
            .unwrap();
        session.step(6).unwrap();
        assert_eq!(
            session.memory0_bytes(0, 8),
            [4, 3, 2, 1, 0xff, 0xff, 0xff, 0xff]
        );
        let replies = session.step_back(1).unwrap();
        let info = paused(&replies);
        assert_eq!(info.notes, ["stepped back 1 instruction"]);
        assert_eq!(info.step, 5);
        assert_eq!(session.memory0_bytes(0, 8), [4, 3, 2, 1, 0, 0, 0, 0]);
        session.step_back(5).unwrap();
        assert_eq!(session.memory0_bytes(0, 8), [0; 8]);
        assert_eq!(
            session.step_back(1).unwrap_err().message,
            "nothing to step back over: this is where the fragment started"
        );
    }
}

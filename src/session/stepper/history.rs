//! Travel in the recording: `back N` and every reverse command reach an
//! earlier step by restoring the checkpoint at or before it and executing
//! forward again (see `record`), and queries over the past (`history`,
//! `last-write`, log points) visit every recorded step the same way.

use crate::session::{Reply, Session, SessionError};
use crate::vm::Trap;
use std::sync::atomic::Ordering;

impl Session {
    /// `back [N]`: undoes the last `n` steps exactly (machine, memories,
    /// tables and globals) and pauses there.
    ///
    /// # Errors
    /// A usage error when there is nothing to step back over.
    pub fn step_back(&mut self, n: usize) -> Result<Vec<Reply>, SessionError> {
        let Some(d) = self.debugger.as_ref() else {
            return Ok(Vec::new());
        };
        let first = d.recording.first_step().unwrap_or(d.steps);
        let target = d.steps.saturating_sub(n as u64).max(first);
        let restored = d.steps - target;
        if restored == 0 {
            if first == 0 {
                return Err(SessionError::usage(
                    "nothing to step back over: this is where the fragment started",
                ));
            }
            // A breakpoint, a watchpoint or Ctrl-C handed a running input
            // over: what ran before that was not recorded.
            let input = crate::text::shorten::shortened(&d.code, 60);
            let mut error = SessionError::usage(format!(
                "nothing to step back over: the recording starts at step {first}, where the \
                 stepper took over; the steps before it ran without being recorded"
            ));
            error.notes.push(format!(
                "to step back to the input's start, `abort` and step it from there: :step {input}"
            ));
            return Err(error);
        }
        self.travel_to(target)?;
        let note = format!(
            "stepped back {restored} instruction{}",
            if restored == 1 { "" } else { "s" }
        );
        Ok(self.pause_replies(None, vec![note]))
    }

    /// Puts the paused input in the state it had at `step` (at most the
    /// current step) and forgets the recording after it.
    pub(super) fn travel_to(&mut self, step: u64) -> Result<(), SessionError> {
        self.replay_to(step)?;
        self.leave_trap();
        if let Some(d) = self.debugger.as_mut() {
            d.recording.forget_after(step);
            if let Ok(mut log) = d.recording.host_log().lock() {
                log.forget_future();
            }
        }
        Ok(())
    }

    /// Restores the checkpoint at or before `step` and executes forward to it.
    pub(super) fn replay_to(&mut self, step: u64) -> Result<(), SessionError> {
        let Some(d) = self.debugger.as_mut() else {
            return Ok(());
        };
        let Some((at, execution, data)) = d.recording.at_or_before(step) else {
            return Err(SessionError::usage(format!(
                "step {step} is no longer in the recording"
            )));
        };
        d.execution = execution.clone();
        data.restore(&mut self.store.data);
        d.steps = at;
        // No checkpoint, so no edit, lies between `at` and `step`: the steps
        // run again in one go (host calls answered from the log), but a
        // stepped thread's, whose waits would block, one at a time.
        let chunked = d.agent.is_none();
        while let Some(d) = self.debugger.as_ref().filter(|d| d.steps < step) {
            let left = step - d.steps;
            let ran = if chunked && left > 1 {
                self.replay_chunk(left).map_err(|t| replay_error(&t))?
            } else {
                0
            };
            // A chunk stops early on Ctrl-C: go on a step at a time.
            if ran == 0 {
                self.replay_one().map_err(|t| replay_error(&t))?;
            }
        }
        Ok(())
    }

    /// Executes at most `n` recorded steps again in one go; the steps run.
    fn replay_chunk(&mut self, n: u64) -> Result<u64, Trap> {
        self.with_host_log(|s| {
            let Some(d) = s.debugger.as_mut() else {
                return Ok(0);
            };
            d.execution.run_steps(&mut s.store, n)?;
            let ran = d.execution.steps_done().min(n);
            d.steps += ran;
            Ok(ran)
        })
    }

    /// Executes the next step again (a host call answered from the host
    /// log), or restores its pinned checkpoint when it was an edit.
    pub(super) fn replay_one(&mut self) -> Result<(), Trap> {
        let call = self.next_may_call_host();
        let Some(d) = self.debugger.as_mut() else {
            return Ok(());
        };
        let next = d.steps + 1;
        if let Some((execution, data)) = d.recording.pinned_at(next) {
            d.execution = execution.clone();
            data.restore(&mut self.store.data);
        } else if call {
            self.with_host_log(|s| match s.debugger.as_mut() {
                Some(d) => d.execution.step(&mut s.store).map(drop),
                None => Ok(()),
            })?;
        } else {
            d.execution.step(&mut self.store)?;
        }
        if let Some(d) = self.debugger.as_mut() {
            d.steps = next;
        }
        Ok(())
    }

    /// Calls `visit(session, step)` in the state of every recorded step from
    /// the first to the current one, in order, and ends where it started.
    ///
    /// # Errors
    /// An internal error if re-execution does not retrace the recording.
    pub(super) fn visit_past(
        &mut self,
        mut visit: impl FnMut(&Session, u64),
    ) -> Result<(), SessionError> {
        let Some(d) = self.debugger.as_ref() else {
            return Ok(());
        };
        let now = d.steps;
        let first = d.recording.first_step().unwrap_or(now);
        self.replay_to(first)?;
        loop {
            let step = self.debugger.as_ref().map_or(now, |d| d.steps);
            visit(self, step);
            if step >= now {
                return Ok(());
            }
            // Ctrl-C stops a long look back: back to the pause, as it was.
            if step.is_multiple_of(4096) && self.store.interrupt.swap(false, Ordering::Relaxed) {
                self.replay_to(now)?;
                return Err(SessionError::usage(format!(
                    "interrupted after looking at {} of the {} recorded steps; still paused where you were",
                    step - first,
                    now - first
                )));
            }
            self.replay_one().map_err(|t| replay_error(&t))?;
        }
    }
}

/// A trap while re-executing recorded steps: they ran without one before.
fn replay_error(trap: &Trap) -> SessionError {
    SessionError::usage(format!(
        "re-executing the recording trapped ({}); it cannot be retraced",
        trap.message()
    ))
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

    const SPIN: &str = "(func $spin (local $i i32) (loop $l (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xff)) (local.get $i)) (global.set $g (i32.add (global.get $g) (local.get $i))) (table.set (i32.and (local.get $i) (i32.const 1)) (ref.func $inc)) (local.set $i (call $inc (local.get $i))) (br $l)))";

    /// Memory, a global, a table and `$spin`, which writes to all three.
    const SETUP: [&str; 6] = [
        "(memory 1)",
        "(global $g (mut i32) (i32.const 0))",
        "(table 2 funcref)",
        "(func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))",
        "(elem declare func $inc)",
        SPIN,
    ];

    /// Machine, memories, tables and globals, as text to compare (without
    /// the size of the executor's last run of steps, which is no state).
    fn state(session: &crate::session::Session) -> String {
        let d = session.debugger.as_ref().unwrap();
        let execution = format!("{:?}", d.execution);
        let execution = match (
            execution.find("step_budget"),
            execution.find("break_entries"),
        ) {
            (Some(from), Some(to)) => format!("{}{}", &execution[..from], &execution[to..]),
            _ => execution,
        };
        format!(
            "{} {execution} {:?} {:?} {:?}",
            d.steps,
            session
                .store
                .data
                .memories
                .iter()
                .map(|m| m.bytes())
                .collect::<Vec<_>>(),
            session.store.data.globals,
            session.store.data.tables
        )
    }

    #[test]
    fn back_n_equals_a_fresh_run_to_that_step_across_checkpoints() {
        let mut session = session_with(&SETUP);
        session.start_stepping("call $spin").unwrap();
        session.step(5000).unwrap();
        for back in [1, 7, 1200, 2500] {
            session.step_back(back).unwrap();
            let at = session.debugger.as_ref().unwrap().steps;
            let mut fresh = session_with(&SETUP);
            fresh.start_stepping("call $spin").unwrap();
            fresh.step(at).unwrap();
            assert_eq!(state(&session), state(&fresh), "back {back} to step {at}");
        }
    }

    #[test]
    fn steps_run_in_chunks_end_where_single_steps_do() {
        let mut chunked = session_with(&SETUP);
        chunked.start_stepping("call $spin").unwrap();
        chunked.step(3000).unwrap();
        let mut single = session_with(&SETUP);
        single.start_stepping("call $spin").unwrap();
        for _ in 0..3000 {
            single.step(1).unwrap();
        }
        assert_eq!(state(&chunked), state(&single));
    }

    #[test]
    fn back_over_a_memory_grow_gives_the_smaller_memory_back() {
        let mut session = session_with(&["(memory 1)"]);
        session
            .start_stepping("i32.const 0 i32.const 7 i32.store i32.const 2 memory.grow drop i32.const 70000 i32.const 9 i32.store")
            .unwrap();
        let size = |s: &crate::session::Session| s.memory0_bytes(0, 1 << 20).len();
        session.step(8).unwrap();
        assert_eq!(size(&session), 3 << 16);
        session.step_back(5).unwrap();
        assert_eq!(size(&session), 1 << 16);
        assert_eq!(session.memory0_bytes(0, 1), [7]);
        session.step(6).unwrap();
        assert_eq!(size(&session), 3 << 16);
        assert_eq!(session.memory0_bytes(70000, 1), [9]);
    }

    #[test]
    fn a_checkpoint_holds_only_the_pages_written_since_the_one_before() {
        // 16 pages of data, one 4 KiB page written between checkpoints.
        let mut session = session_with(&[
            "(memory 16)",
            "(func $fill (local $i i32) (loop $l (i32.store (local.get $i) (i32.const -1)) (local.set $i (i32.add (local.get $i) (i32.const 4))) (br_if $l (i32.lt_u (local.get $i) (i32.const 0x100000)))))",
            "call $fill",
            "(func $spin (local $i i32) (loop $l (i32.store (i32.const 0) (local.get $i)) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))",
        ]);
        session.start_stepping("call $spin").unwrap();
        session.step(2_000_000).unwrap();
        let (bytes, checkpoints) = session.recording_usage().unwrap();
        assert!(checkpoints >= 2, "{checkpoints} checkpoints");
        // The first holds the megabyte; each later one a page and change.
        let later = (bytes - (1 << 20)) / (checkpoints - 1);
        assert!(later < 32 << 10, "{later} bytes per later checkpoint");
    }
}

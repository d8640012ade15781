//! Long runs of steps (`s N`, `continue`) in chunks: the executor's own
//! step loop runs from one checkpoint to the next with no look at each
//! step, when nothing needs one. Such a run's `did:` line learns its last
//! instruction by re-executing the step before it from the recording.

use crate::session::Session;
use crate::vm::store::FuncInst;
use crate::vm::{Outcome, Trap};

impl Session {
    /// Whether steps can run in chunks between checkpoints (the executor's
    /// step loop, no look at each step): nothing needs a look (watchpoints,
    /// log points, regions), no instance imports a host function (a step
    /// that calls one must be pinned) and no thread is stepped (waits block).
    pub(super) fn can_run_chunks(&self, stops: bool) -> bool {
        let Some(d) = self.debugger.as_ref() else {
            return false;
        };
        d.logs.is_empty()
            && (!stops || d.watches.is_empty())
            && self.regions.is_empty()
            && d.agent.is_none()
            && !self.store.instances.iter().any(|i| {
                i.funcs
                    .iter()
                    .any(|f| matches!(self.store.func(*f), Some(FuncInst::Host { .. })))
            })
    }

    /// Runs at most `max` steps in one go, recording a checkpoint first
    /// when one is due and stopping at the next due one or a breakpoint
    /// site. The steps run and how the last one ended.
    pub(super) fn run_chunk(
        &mut self,
        max: u64,
        sites: &(Vec<crate::vm::FuncAddr>, Vec<usize>),
    ) -> Result<(u64, Outcome), Trap> {
        let Some(d) = self.debugger.as_mut() else {
            return Ok((0, Outcome::Paused));
        };
        if d.recording.steps_until_due(d.steps) == 0 {
            d.recording
                .before_step(d.steps, &d.execution, &mut self.store.data);
        }
        let n = max.min(d.recording.steps_until_due(d.steps)).max(1);
        d.execution
            .set_breakpoints(sites.0.clone(), sites.1.clone());
        let outcome = d.execution.run_steps(&mut self.store, n);
        d.execution.set_breakpoints(Vec::new(), Vec::new());
        let ran = d.execution.steps_done();
        d.steps += ran;
        Ok((ran, outcome?))
    }

    /// The instruction of the last step, when it ran inside a chunk: the
    /// step before it is re-executed from the recording and the step taken
    /// again (no host function can be called in a chunk, so both are exact).
    pub(super) fn last_chunked_instruction(&mut self) -> Option<String> {
        let now = self.debugger.as_ref()?.steps;
        self.replay_to(now.checked_sub(1)?).ok()?;
        let (func, offset) = self.debugger.as_ref()?.execution.position(&self.store)?;
        let text = self.instruction_text(func, offset);
        self.replay_one().ok()?;
        text
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paused, session_with};

    const SPIN: &str = "(func $spin (local $i i32) (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 400)))))";

    #[test]
    fn long_runs_go_in_chunks_unless_a_host_function_is_imported() {
        let mut session = session_with(&[SPIN]);
        session.start_stepping("call $spin").unwrap();
        assert!(session.can_run_chunks(true));
        let mut host =
            session_with(&["(import \"console\" \"log\" (func $log (param i32)))", SPIN]);
        host.start_stepping("call $spin").unwrap();
        assert!(!host.can_run_chunks(true));
    }

    #[test]
    fn a_breakpoint_stops_a_chunked_continue_where_a_step_by_step_one_stops() {
        let setup = [
            SPIN,
            "(func $mark (param i32))",
            "(func $both (call $spin) (call $mark (i32.const 1)))",
        ];
        let mut chunked = session_with(&setup);
        chunked.add_breakpoint("$mark").unwrap();
        chunked.start_stepping("call $both").unwrap();
        let replies = chunked.continue_().unwrap();
        let info = paused(&replies);
        assert_eq!(info.notes, ["breakpoint 1 hit"]);
        let effect = info.effect.as_ref().unwrap();
        assert_eq!(effect.instruction, "call $both … call $mark");
        let at = info.step;
        // The same number of single steps lands on the same instruction.
        let mut single = session_with(&setup);
        single.start_stepping("call $both").unwrap();
        for _ in 0..at {
            single.step(1).unwrap();
        }
        assert_eq!(single.current_offset(), chunked.current_offset());
        assert_eq!(single.depth(), chunked.depth());
    }
}

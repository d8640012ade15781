//! Long runs of steps (`s N`, `continue`) in chunks: the executor's own
//! step loop runs from one checkpoint to the next with no look at each
//! step, when nothing needs one. Such a run's `did:` line learns its last
//! instruction by re-executing the step before it from the recording.

use crate::session::Session;
use crate::vm::{Outcome, Trap};

impl Session {
    /// Whether steps can run in chunks between checkpoints (the executor's
    /// step loop, no look at each step): nothing needs a look (watchpoints,
    /// log points, regions) and no thread is stepped (waits block). Host
    /// calls in a chunk go through the host log (see `host_log`).
    pub(super) fn can_run_chunks(&self, stops: bool) -> bool {
        let Some(d) = self.debugger.as_ref() else {
            return false;
        };
        d.logs.is_empty()
            && (!stops || d.watches.is_empty())
            && self.regions.is_empty()
            && d.agent.is_none()
    }

    /// Runs at most `max` steps in one go, recording a checkpoint first
    /// when one is due and stopping at the next due one or a breakpoint
    /// site. The steps run and how the last one ended.
    pub(super) fn run_chunk(
        &mut self,
        max: u64,
        sites: &(Vec<crate::vm::FuncAddr>, Vec<(crate::vm::FuncAddr, usize)>),
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
        let outcome = self.with_host_log(|s| match s.debugger.as_mut() {
            Some(d) => d.execution.run_steps(&mut s.store, n),
            None => Ok(Outcome::Paused),
        });
        let Some(d) = self.debugger.as_mut() else {
            return Ok((0, outcome?));
        };
        d.execution.set_breakpoints(Vec::new(), Vec::new());
        let ran = d.execution.steps_done();
        d.steps += ran;
        Ok((ran, outcome?))
    }

    /// The instruction of the last step, when it ran inside a chunk: the
    /// step before it is re-executed from the recording and the step taken
    /// again (host calls answered from the host log, so both are exact).
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

    /// Logs 0, 1, 2, ... and keeps the sum of `Math.random()`s in `$sum`.
    const HOST_SPIN: [&str; 4] = [
        "(import \"console\" \"log\" (func $log (param i32)))",
        "(import \"math\" \"random\" (func $random (result f64)))",
        "(global $sum (mut f64) (f64.const 0))",
        "(func $spin (local $i i32) (loop $l (call $log (local.get $i)) (global.set $sum (f64.add (global.get $sum) (call $random))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 1000)))))",
    ];

    /// The steps run and `$sum`, as text.
    fn state(session: &crate::session::Session) -> String {
        let steps = session.debugger.as_ref().map_or(0, |d| d.steps);
        let sum = session
            .global_entries(None)
            .into_iter()
            .find(|(_, n, _)| n == "$sum");
        format!("{steps} {sum:?}")
    }

    #[test]
    fn a_host_importing_program_runs_in_chunks_and_replays_its_host_calls() {
        let mut session = session_with(&HOST_SPIN);
        session.start_stepping("call $spin").unwrap();
        assert!(session.can_run_chunks(true));
        session.step(4000).unwrap();
        let at_4000 = state(&session);
        // 14 instructions an iteration, the first log call at step 4.
        let printed = session.take_console().len();
        assert_eq!(printed, 4000 / 14 + 1);
        session.step(2000).unwrap();
        session.take_console();
        // Back re-executes from a checkpoint: the host is not called again
        // (nothing printed) and random gives the numbers it gave.
        session.step_back(2000).unwrap();
        assert_eq!(state(&session), at_4000);
        assert!(session.take_console().is_empty());
        // History visits every recorded step, again without the host.
        session.value_history("$sum").unwrap();
        assert!(session.take_console().is_empty());
        assert_eq!(state(&session), at_4000);
        // Going on from there calls the host again, live.
        session.step(14).unwrap();
        assert_eq!(session.take_console(), [printed.to_string()]);
    }

    #[test]
    fn host_calls_in_chunks_see_what_single_steps_see() {
        let mut chunked = session_with(&HOST_SPIN);
        chunked.start_stepping("call $spin").unwrap();
        chunked.step(3000).unwrap();
        chunked.step_back(1500).unwrap();
        let mut single = session_with(&HOST_SPIN);
        single.start_stepping("call $spin").unwrap();
        for _ in 0..1500 {
            single.step(1).unwrap();
        }
        single.step(1500).unwrap();
        single.step_back(1500).unwrap();
        // The same seeded host: the same sum at the same step either way.
        assert_eq!(state(&chunked), state(&single));
        assert_eq!(chunked.take_console(), single.take_console());
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

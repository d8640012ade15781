//! Step control: `step`, `next`, `finish`, `continue` and `until` as stop
//! conditions over one loop that executes an instruction at a time, saving
//! undo state first, and pauses when the condition holds, a breakpoint or
//! watchpoint fires, a write crosses a region's edge, or a step cap is hit.

use super::Effect;
use super::watch::describe_access;
use crate::session::{Reply, Session, SessionError};
use crate::vm::store::FuncInst;
use crate::vm::{Outcome, Trap, Value};
use std::sync::atomic::Ordering;

/// Most steps one `continue`, `next`, `finish` or `until` runs before
/// pausing anyway (Ctrl-C pauses sooner).
const MAX_STEPS_PER_COMMAND: u64 = 50_000_000;
/// Commands of at most this many steps run one step at a time (each
/// exception caught on the way is told); longer ones run in chunks.
const CHUNKED_FROM: u64 = 1024;

/// Why a command stopped at the step cap and how to go on: `s N` names the
/// steps left, any other command is repeated (`continue`'s limit of
/// `u64::MAX` steps, which only lets it run in chunks, is no count to tell).
fn capped_note(count: u64, limit: Option<u64>) -> String {
    let grouped = crate::session::grouped;
    let most = grouped(MAX_STEPS_PER_COMMAND);
    match limit.filter(|limit| *limit != u64::MAX) {
        Some(limit) => format!(
            "stopped after {} of the {} steps asked for (one command runs at most {most}): \
             `s {}` runs the rest",
            grouped(count),
            grouped(limit),
            limit.saturating_sub(count)
        ),
        None => format!(
            "still running after {} steps (one command runs at most {most}); paused here: \
             the same command (Enter repeats it) goes on, abort leaves",
            grouped(count)
        ),
    }
}

/// Why a run of steps stopped.
enum Stop {
    /// Paused, with breakpoint and watchpoint reports.
    Paused(Vec<String>),
    /// The call returned these values.
    Finished(Vec<Value>),
    /// The call trapped.
    Trapped(Trap),
}

impl Session {
    /// `step [N]`: executes `n` instructions (at least one), entering calls,
    /// and pauses.
    ///
    /// # Errors
    /// The trap that ended the input (the stepper then stops, undoing it).
    pub fn step(&mut self, n: u64) -> Result<Vec<Reply>, SessionError> {
        let count = n.max(1);
        self.run_counted(|_, done| done >= count, false, Some(count))
    }

    /// `next`: executes one instruction, running a call to its end.
    ///
    /// # Errors
    /// The trap that ended the input.
    pub fn step_over(&mut self) -> Result<Vec<Reply>, SessionError> {
        let depth = self.depth();
        self.run_steps(move |s, done| done >= 1 && s.depth() <= depth, true)
    }

    /// `finish`: runs until the selected frame's function returns (the
    /// innermost one unless `up`/`frame` chose a caller, as in gdb).
    ///
    /// # Errors
    /// The trap that ended the input.
    pub fn finish(&mut self) -> Result<Vec<Reply>, SessionError> {
        let selected = self.debugger.as_ref().map_or(0, |d| d.selected);
        let depth = self.depth().saturating_sub(selected);
        self.run_steps(move |s, _| s.depth() < depth, true)
    }

    /// `continue`: runs until a breakpoint or watchpoint, or the end.
    ///
    /// # Errors
    /// The trap that ended the input.
    pub fn continue_(&mut self) -> Result<Vec<Reply>, SessionError> {
        self.run_counted(|_, _| false, true, Some(u64::MAX))
    }

    /// `until`: runs until an instruction after this one in the same
    /// function, so a loop's backward branch runs the loop to its end.
    ///
    /// # Errors
    /// The trap that ended the input.
    pub fn until(&mut self) -> Result<Vec<Reply>, SessionError> {
        let here = self.current_offset();
        let depth = self.depth();
        self.run_steps(
            move |s, done| done >= 1 && s.depth() <= depth && s.current_offset() > here,
            true,
        )
    }

    /// How many frames the paused input has.
    pub(super) fn depth(&self) -> usize {
        self.debugger.as_ref().map_or(0, |d| d.execution.depth())
    }

    /// The byte offset of the top frame's next instruction.
    pub(super) fn current_offset(&self) -> usize {
        self.debugger
            .as_ref()
            .and_then(|d| d.execution.position(&self.store))
            .map_or(0, |(_, offset)| offset)
    }

    /// Whether the paused program is at one of the break sites: on entry to
    /// a function of `entries` or before an instruction at one of `offsets`
    /// (function, offset in its module).
    fn at_break_site(
        &self,
        entries: &[crate::vm::FuncAddr],
        offsets: &std::collections::HashSet<(crate::vm::FuncAddr, usize)>,
    ) -> bool {
        let Some(d) = self.debugger.as_ref() else {
            return false;
        };
        if entries.is_empty() && offsets.is_empty() {
            return false;
        }
        let entered = !entries.is_empty()
            && d.execution
                .call_stack()
                .last()
                .is_some_and(|f| f.pc == 0 && entries.contains(&f.func));
        entered
            || d.execution
                .position(&self.store)
                .is_some_and(|site| offsets.contains(&site))
    }

    /// Steps until `done(session, steps)` holds, a breakpoint or watch fires
    /// (when `stops` is set), the call ends, or the step cap is reached.
    pub(super) fn run_steps(
        &mut self,
        done: impl Fn(&Session, u64) -> bool,
        stops: bool,
    ) -> Result<Vec<Reply>, SessionError> {
        self.run_counted(done, stops, None)
    }

    /// [`Session::run_steps`]; `limit`, when set, says that `done` holds
    /// only once `limit` steps ran, so steps may run in chunks.
    fn run_counted(
        &mut self,
        done: impl Fn(&Session, u64) -> bool,
        stops: bool,
        limit: Option<u64>,
    ) -> Result<Vec<Reply>, SessionError> {
        self.refuse_at_trap()?;
        let start = self.debugger.as_ref().map_or(0, |d| d.steps);
        let chunks = limit.filter(|l| *l > CHUNKED_FROM && self.can_run_chunks(stops));
        // Where the last step ran (known unless it ran in a chunk), and the
        // exceptions caught on the way.
        let mut last_at = None;
        let mut unwinds = Vec::new();
        // Throws a chunked run tells at most.
        let mut unwind_room = 8;
        let mut count = 0u64;
        let before_views = self
            .debugger
            .as_ref()
            .map(|d| d.execution.frame_views(&self.store))
            .unwrap_or_default();
        let before_instr = self.next_instruction_text();
        let access = self.memory_access();
        let before_bytes = access.as_ref().map(|a| self.memory_bytes(a));
        let mut logged = Vec::new();
        // Where breakpoints may hit: only there are they looked at in detail.
        let (entries, offsets) = match self.debugger.as_ref() {
            Some(d) if stops && !self.breakpoints.is_empty() => {
                self.breakpoint_sites(d.prepared.func)
            }
            _ => (Vec::new(), Vec::new()),
        };
        let sites = (entries, offsets);
        let offsets: std::collections::HashSet<_> = sites.1.iter().copied().collect();
        let entries = &sites.0;
        let stop = loop {
            if let Some(limit) = chunks {
                // The last step runs alone, so its instruction is known.
                let left = limit.min(MAX_STEPS_PER_COMMAND) - count;
                if left > 1 {
                    let from = self.debugger.as_ref().map_or(0, |d| d.steps);
                    match self.run_chunk(left - 1, &sites) {
                        Ok((_, Outcome::Finished(values))) => break Stop::Finished(values),
                        Err(trap) => break Stop::Trapped(trap),
                        Ok((ran, Outcome::Paused)) => count += ran,
                    }
                    last_at = None;
                    let hit = self
                        .debugger
                        .as_ref()
                        .is_some_and(|d| d.execution.hit_breakpoint());
                    unwinds.extend(self.chunk_unwinds(from, &mut unwind_room));
                    if hit {
                        break Stop::Paused(self.breakpoint_hits());
                    }
                    if self.store.interrupt.load(Ordering::Relaxed)
                        && self.store.interrupt.swap(false, Ordering::Relaxed)
                    {
                        break Stop::Paused(vec![format!("interrupted after {count} steps")]);
                    }
                    continue;
                }
            }
            let watched = self.watched_state();
            let write = if self.regions.is_empty() {
                None
            } else {
                self.memory_access().filter(|a| a.write)
            };
            // The writer a watchpoint report names.
            let site = self
                .debugger
                .as_ref()
                .filter(|d| stops && !d.watches.is_empty())
                .and_then(|d| d.execution.position(&self.store));
            let at = self
                .debugger
                .as_ref()
                .and_then(|d| d.execution.position(&self.store));
            match self.step_once() {
                Ok(Some(values)) => break Stop::Finished(values),
                Err(trap) => break Stop::Trapped(trap),
                Ok(None) => {}
            }
            last_at = at;
            count += 1;
            if self
                .debugger
                .as_ref()
                .is_some_and(|d| d.execution.unwound().is_some())
            {
                unwinds.extend(self.caught_lines(last_at));
            }
            if self.debugger.as_ref().is_some_and(|d| !d.logs.is_empty()) {
                logged.extend(self.log_lines());
            }
            let mut notes = Vec::new();
            if stops {
                let hits = self.watch_hits(&watched);
                if !hits.is_empty() {
                    let writer = site.and_then(|(func, offset)| self.instruction_at(func, offset));
                    notes.extend(hits.into_iter().map(|h| match &writer {
                        Some(w) => format!("{h}, by {w}"),
                        None => h,
                    }));
                }
                if self.at_break_site(entries, &offsets) {
                    notes.extend(self.breakpoint_hits());
                }
            }
            if let Some(write) = &write
                && let Some(crossing) = self.crossing(write.memory, write.start, write.len)
            {
                notes.push(format!("a write at 0x{:x} {crossing}", write.start));
            }
            if !notes.is_empty() || done(self, count) {
                break Stop::Paused(notes);
            }
            if self.store.interrupt.load(Ordering::Relaxed)
                && self.store.interrupt.swap(false, Ordering::Relaxed)
            {
                break Stop::Paused(vec![format!("interrupted after {count} steps")]);
            }
            if count >= MAX_STEPS_PER_COMMAND {
                break Stop::Paused(vec![capped_note(count, limit)]);
            }
        };
        // A trap pauses at its instruction (see `trapped`), shown at the pause.
        let stop = match stop {
            Stop::Trapped(trap) if self.pause_at_trap(&trap) => {
                // The steps that ran before it (a chunk does not count them).
                count = self.debugger.as_ref().map_or(0, |d| d.steps) - start;
                Stop::Paused(Vec::new())
            }
            other => other,
        };
        match stop {
            Stop::Finished(values) => Ok(logged
                .into_iter()
                .map(Reply::Note)
                .chain(self.finish_stepping(values))
                .collect()),
            Stop::Trapped(trap) => {
                let mut error = self.abort_with_trap(&trap);
                error.notes.splice(0..0, logged);
                Err(error)
            }
            Stop::Paused(notes) => {
                let mut effect = if count == 0 {
                    None
                } else if count == 1 {
                    let instr = before_instr.clone();
                    self.unwind_effect(instr)
                        .or_else(|| self.effect(&before_views, before_instr))
                } else {
                    let last = match last_at {
                        Some((func, offset)) => self.instruction_text(func, offset),
                        None => self.last_chunked_instruction(),
                    };
                    before_instr.map(|first| Effect {
                        instruction: format!("{first} … {}", last.unwrap_or_default()),
                        popped: Vec::new(),
                        pushed: Vec::new(),
                        shapes: Default::default(),
                        note: Some(format!("{count} instructions")),
                        memory: None,
                        unwinding: unwinds,
                    })
                };
                if count == 1
                    && let (Some(effect), Some(access), Some(old)) =
                        (effect.as_mut(), &access, &before_bytes)
                {
                    effect.memory = Some(describe_access(access, old, &self.memory_bytes(access)));
                }
                Ok(logged
                    .into_iter()
                    .map(Reply::Note)
                    .chain(self.pause_replies(effect, notes))
                    .collect())
            }
        }
    }

    /// Executes one instruction, recording it: a checkpoint every K steps,
    /// and a call that may reach the host through the host log.
    pub(super) fn step_once(&mut self) -> Result<Option<Vec<Value>>, Trap> {
        let call = self.next_may_call_host();
        let Some(d) = self.debugger.as_mut() else {
            return Ok(None);
        };
        d.recording
            .before_step(d.steps, &d.execution, &mut self.store.data);
        d.steps += 1;
        let outcome = if call {
            self.with_host_log(|s| match s.debugger.as_mut() {
                Some(d) => d.execution.step(&mut s.store),
                None => Ok(Outcome::Paused),
            })?
        } else {
            d.execution.step(&mut self.store)?
        };
        match outcome {
            Outcome::Paused => Ok(None),
            Outcome::Finished(values) => Ok(Some(values)),
        }
    }

    /// Records an edit of the paused state (a `set`): it counts as a step,
    /// so `back 1` undoes it, and re-execution restores it rather than
    /// re-running the instruction before it.
    ///
    /// # Errors
    /// As `edit` fails (nothing is recorded then).
    pub fn record_edit<T>(
        &mut self,
        edit: impl FnOnce(&mut Session) -> Result<T, SessionError>,
    ) -> Result<T, SessionError> {
        if let Some(d) = self.debugger.as_mut() {
            d.recording
                .before_step(d.steps, &d.execution, &mut self.store.data);
        }
        let done = edit(self)?;
        self.leave_trap();
        if let Some(d) = self.debugger.as_mut() {
            d.steps += 1;
            d.recording.pin(d.steps, &d.execution, &mut self.store.data);
        }
        Ok(done)
    }

    /// Whether the next step may call a host function: a call of any kind
    /// (read from its opcode byte), or a paused call of a host function itself.
    pub(super) fn next_may_call_host(&self) -> bool {
        let Some(d) = self.debugger.as_ref() else {
            return false;
        };
        let Some((func, offset)) = d.execution.position(&self.store) else {
            return true;
        };
        let Some(FuncInst::Wasm { instance, .. }) = self.store.func(func) else {
            return true;
        };
        self.store
            .instance(*instance)
            .and_then(|i| i.module.bytes.get(offset).copied())
            .is_some_and(|op| (0x10..=0x15).contains(&op))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{DOWN, finished, operands, paused, session_with};
    use crate::session::Reply;
    use crate::vm::Value;

    #[test]
    fn a_command_stopped_by_the_step_cap_says_why_and_how_to_go_on() {
        assert_eq!(
            super::capped_note(50_000_000, Some(2_000_000_000)),
            "stopped after 50,000,000 of the 2,000,000,000 steps asked for (one command runs \
             at most 50,000,000): `s 1950000000` runs the rest"
        );
        for unbounded in [None, Some(u64::MAX)] {
            assert!(super::capped_note(50_000_000, unbounded).starts_with(
                "still running after 50,000,000 steps (one command runs at most 50,000,000); \
                     paused here: the same command (Enter repeats it) goes on, abort leaves"
            ));
        }
    }

    const INC: &str =
        "(func $inc (param $n i32) (result i32) (i32.add (local.get $n) (i32.const 1)))";

    #[test]
    fn step_n_runs_n_instructions_into_a_call() {
        let mut session = session_with(&[INC]);
        let start = session.start_stepping("i32.const 5 call $inc").unwrap();
        let info = paused(&start);
        assert_eq!((info.step, info.next.as_deref()), (0, Some("i32.const 5")));
        let replies = session.step(2).unwrap();
        let info = paused(&replies);
        assert_eq!(info.step, 2);
        assert_eq!(info.names, ["your input", "$inc"]);
        assert_eq!(info.next.as_deref(), Some("local.get $n"));
    }

    #[test]
    fn step_reports_what_one_instruction_did() {
        let mut session = session_with(&[INC]);
        session.start_stepping("i32.const 5 call $inc").unwrap();
        let replies = session.step(1).unwrap();
        let effect = paused(&replies).effect.clone().unwrap();
        assert_eq!(effect.instruction, "i32.const 5");
        assert_eq!(effect.pushed, [Value::I32(5)]);
        assert!(effect.popped.is_empty());
    }

    #[test]
    fn next_runs_a_call_to_its_end() {
        let mut session = session_with(&[INC]);
        session.start_stepping("i32.const 5 call $inc").unwrap();
        session.step(1).unwrap();
        let replies = session.step_over().unwrap();
        let info = paused(&replies);
        assert_eq!(info.step, 6);
        assert_eq!(info.names, ["your input"]);
        assert_eq!(operands(info), [Value::I32(6)]);
        assert_eq!(info.next.as_deref(), Some("its end"));
    }

    #[test]
    fn finish_returns_to_the_caller() {
        let mut session = session_with(&[INC]);
        session.start_stepping("i32.const 5 call $inc").unwrap();
        let inside = session.step(3).unwrap();
        assert_eq!(paused(&inside).frames.len(), 2);
        let replies = session.finish().unwrap();
        let info = paused(&replies);
        assert_eq!(info.names, ["your input"]);
        assert_eq!(operands(info), [Value::I32(6)]);
    }

    #[test]
    fn until_at_the_loop_branch_runs_the_loop_out() {
        let mut session = session_with(&[
            "(func $count (result i32) (local $i i32) (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 5)))) (local.get $i))",
        ]);
        session.start_stepping("call $count").unwrap();
        let mut info = paused(&session.step(1).unwrap()).clone();
        while !info.next.as_deref().is_some_and(|n| n.starts_with("br_if")) {
            info = paused(&session.step(1).unwrap()).clone();
        }
        let branch_at = info.frames.last().map(|f| f.offset).unwrap();
        let first_local = |info: &crate::session::stepper::PauseInfo| {
            info.frames.last().map(|f| f.locals[0].value)
        };
        assert_eq!(first_local(&info), Some(Value::I32(1)));
        let replies = session.until().unwrap();
        let after = paused(&replies);
        assert!(after.frames.last().unwrap().offset > branch_at);
        assert_eq!(after.names, ["your input", "$count"]);
        assert_eq!(first_local(after), Some(Value::I32(5)));
    }

    #[test]
    fn continue_without_breakpoints_finishes_with_the_results_on_the_stack() {
        let mut session = session_with(&[INC]);
        session.start_stepping("i32.const 5 call $inc").unwrap();
        let replies = session.continue_().unwrap();
        assert!(finished(&replies));
        assert!(replies.contains(&Reply::Stack {
            values: vec![Value::I32(6)],
            shapes: vec![None],
            changed_from: 0,
            names: Default::default(),
        }));
        assert!(!session.is_stepping());
    }

    #[test]
    fn a_trap_pauses_at_its_instruction_and_abort_keeps_what_was_written() {
        let mut session = session_with(&["(memory 1)", "i32.const 3"]);
        session
            .start_stepping("i32.const 0 i32.const 7 i32.store i32.const 1 i32.const 0 i32.div_u")
            .unwrap();
        let replies = session.continue_().unwrap();
        let info = paused(&replies);
        let trap = info.trap.as_ref().expect("paused at the trap");
        assert_eq!(trap.message, "trap: integer divide by zero (1 / 0)");
        assert_eq!((info.step, info.next.as_deref()), (5, Some("i32.div_u")));
        assert_eq!(
            operands(info),
            [Value::I32(3), Value::I32(1), Value::I32(0)]
        );
        assert_eq!(session.memory0_bytes(0, 1), [7]);
        let refused = session.step(1).unwrap_err();
        assert!(
            refused
                .message
                .starts_with("i32.div_u traps: integer divide by zero (1 / 0); it cannot run"),
            "{}",
            refused.message
        );
        assert_eq!(session.current_offset(), info.frames[0].offset);
        let replies = session.abort_stepping().unwrap();
        assert!(!session.is_stepping());
        assert_eq!(session.memory0_bytes(0, 1), [7]);
        assert_eq!(session.stack(), [Value::I32(3)]);
        assert!(
            replies.contains(&Reply::Note("kept: memory 0 bytes 0x0..0x1".to_string())),
            "{replies:?}"
        );
    }

    #[test]
    fn ctrl_c_of_an_invoke_pauses_it_in_the_stepper() {
        let spin = "(func $spin (export \"spin\") (local $i i32) (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))";
        let mut session = session_with(&[spin]);
        let flag = session.interrupt_flag();
        let setter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        let replies = session.eval("(invoke \"spin\")").unwrap();
        setter.join().unwrap();
        assert_eq!(
            replies.first(),
            Some(&Reply::Note(
                "interrupted: paused where it was (abort undoes the input)".into()
            )),
            "{replies:?}"
        );
        assert!(session.is_stepping());
        assert_eq!(paused(&replies).frames.len(), 1, "paused in $spin");
    }

    #[test]
    fn ctrl_c_of_a_plain_input_pauses_with_the_real_step_count() {
        let mut session = session_with(&["(local $i i32)"]);
        let flag = session.interrupt_flag();
        let setter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        let replies = session
            .eval("(loop $spin (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $spin))")
            .unwrap();
        setter.join().unwrap();
        let info = paused(&replies);
        let Some(Value::I32(i)) = info.frames.last().map(|f| f.locals[0].value) else {
            panic!("no local $i: {info:?}");
        };
        // `loop`, then five instructions per iteration: the count is that of
        // the iterations $i counted, give or take the one under way.
        assert!(i > 1000, "only {i} iterations ran");
        let per_iteration = 5 * i as u64;
        assert!(
            (per_iteration..per_iteration + 6).contains(&info.step),
            "{} steps for {i} iterations",
            info.step
        );
    }

    #[test]
    fn finish_returns_from_the_selected_frame() {
        let mut session = session_with(&[DOWN]);
        session
            .start_stepping("(call $down (i32.const 3))")
            .unwrap();
        session.step(14).unwrap();
        let depth = session.depth();
        session
            .select_frame(super::super::FrameMove::Up(1))
            .unwrap();
        session.finish().unwrap();
        assert_eq!(
            session.depth(),
            depth - 2,
            "back in the selected frame's caller"
        );
    }

    #[test]
    fn looking_back_works_right_after_ctrl_c() {
        let mut session = session_with(&["(local $i i32)"]);
        let flag = session.interrupt_flag();
        let setter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        session
            .eval("(loop $spin (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $spin))")
            .unwrap();
        setter.join().unwrap();
        // The recording starts at the pause (was: "step N is no longer in the recording").
        let text = format!("{:?}", session.value_history("$i").unwrap());
        assert!(text.contains("where the recording starts"), "{text}");
        assert!(
            session.step_back(1).is_err(),
            "nothing before the pause is recorded"
        );
    }

    #[test]
    fn continue_answers_ctrl_c_within_100_ms() {
        let mut session = session_with(&[
            "(memory 1)",
            "(func $spin (local $i i32) (loop $l (i32.store (local.get $i) (local.get $i)) (local.set $i (i32.and (i32.add (local.get $i) (i32.const 4)) (i32.const 0xfffc))) (br $l)))",
        ]);
        session.start_stepping("call $spin").unwrap();
        let flag = session.interrupt_flag();
        let setter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
            std::time::Instant::now()
        });
        let replies = session.continue_().unwrap();
        let returned = std::time::Instant::now();
        let set_at = setter.join().unwrap();
        let latency = returned.saturating_duration_since(set_at);
        assert!(
            latency < std::time::Duration::from_millis(100),
            "{latency:?}"
        );
        assert!(paused(&replies).notes[0].starts_with("interrupted after "));
    }
}

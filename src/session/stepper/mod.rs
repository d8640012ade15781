//! The stepper: a fragment run one instruction at a time, with gdb-style
//! commands (step, next, finish, continue, breakpoints, watchpoints, reverse
//! step, backtrace, abort), each a method of [`Session`] that returns data.
//!
//! `:step FRAGMENT` prepares the fragment like any other input but drives
//! the call with [`Execution::step`]; until it finishes or is aborted, the
//! session's inputs go to the stepper. The files, one concept each:
//! - `control`: step, next, finish, continue, until (the stop conditions);
//! - `chunks`: long runs in chunks between checkpoints (no look at each step);
//! - `breaks`: breakpoints by function, offset and line;
//! - `examine`: `x`, `info` and the prompt's location; `places`: `p` and `set`;
//! - `frames`: `up`, `down` and `frame N`, the frame `p` and `info` read;
//! - `watch`: watchpoints and the memory an instruction touches;
//! - `record`: the bounded recording (checkpoints) behind `back`;
//! - `host_log`: host calls logged, so that re-execution never repeats one;
//! - `history`: travel in it (`back`) and visits of the past;
//! - `probe`: what `history` and `last-write` follow, and its changes;
//! - `logs`: hit counts and log points, recomputed from the recording;
//! - `labels`: the names of the labels around the pause;
//! - `motion`: WebAssembly-aware motion (next-iteration, leave, next-branch);
//! - `pause`: the pause, the backtrace and `display` as data;
//! - `start`: `:step (module ...)`, a start function stepped;
//! - `trapped`: a trap pauses at the trapping instruction;
//! - `dispatch`: the typed stepper commands, mapped to those methods.

mod break_lines;
mod breaks;
mod chunks;
mod control;
mod examine;
mod frames;
mod history;
mod host_log;
mod labels;
mod lanes;
mod logs;
mod motion;
mod pause;
mod places;
mod probe;
mod record;
mod record_pages;
mod record_reverse;
mod start;
mod trapped;
mod unwind;
mod watch;

pub(super) use breaks::Breakpoint;
pub use breaks::{BreakSite, StopPoint};
pub use examine::Examined;
pub use frames::{FrameMove, SelectedFrame};
pub use labels::{blocks_inside, label_word};
pub use pause::{BacktraceFrame, BranchPreview, Decision, Effect, PauseInfo};
pub(super) use record::DEFAULT_BUDGET as DEFAULT_RECORD_BUDGET;
pub use trapped::TrapPause;
pub use watch::WatchDiff;

use super::fragment::Prepared;
use super::instr_text::InstrTexts;
use super::{ErrorKind, Reply, Session, SessionError};
use crate::vm::store::StoreData;
use crate::vm::{Execution, FuncAddr, Trap, Value};
use record::Recording;
use watch::Watch;

/// The state of a paused fragment.
pub(super) struct Debugger {
    /// The fragment as typed.
    code: String,
    prepared: Prepared,
    execution: Execution,
    /// The thread being stepped, when it is one (see `agents.rs`).
    pub(super) agent: Option<usize>,
    /// The module instantiation waiting for the stepped start function.
    starting: Option<start::Starting>,
    /// The store's host functions, found the first time they are wrapped
    /// (see `host_log`).
    hosts: Option<Vec<FuncAddr>>,
    /// The store before the fragment started, for `abort`.
    before: Option<StoreData>,
    recording: Recording,
    watches: Vec<Watch>,
    /// Log points (`log LINE ...`), printed at every pass.
    logs: Vec<logs::LogPoint>,
    steps: u64,
    /// The frame (depth, function) and its locals at the last pause, for change marks.
    last_frame: Option<(usize, FuncAddr)>,
    last_locals: Vec<Value>,
    /// The globals the last pause showed (by address), and their values.
    last_globals: Vec<(crate::vm::store::GlobalAddr, Value)>,
    /// Instruction texts of the modules stepped through.
    texts: InstrTexts,
    /// Long watchpoint changes for the next pause to show.
    watch_diffs: Vec<watch::WatchDiff>,
    /// The store at the last pause (when small enough to copy), so the
    /// change marks of `:mem` and `:globals` are those of the last command.
    at_last_pause: Option<StoreData>,
    /// The trap the paused instruction raises, when a motion stopped at one.
    trapped: Option<trapped::Trapped>,
    /// The frame `p`, `info` and `set` read, counted from the innermost
    /// (0); `up`, `down` and `frame N` choose it, every pause resets it.
    selected: usize,
}

impl Debugger {
    /// Steps taken since the stepper opened (`:replay` counts a turn by them).
    pub(super) fn steps(&self) -> u64 {
        self.steps
    }

    /// Whether `func` is the typed fragment (its frame is "your input").
    pub(super) fn is_fragment(&self, func: FuncAddr) -> bool {
        func == self.prepared.func && self.prepared.is_fragment()
    }

    /// Parameters of the outermost frame that carry the scratch stack
    /// into a fragment (not shown as locals); none for a call.
    pub(super) fn scratch_params(&self, locals: usize) -> usize {
        if self.prepared.is_fragment() {
            self.prepared.args.len().saturating_sub(locals)
        } else {
            0
        }
    }

    /// A stepper for `execution`, able to undo back to `before`.
    fn new(
        code: &str,
        prepared: Prepared,
        execution: Execution,
        before: Option<StoreData>,
        budget: usize,
    ) -> Debugger {
        Debugger {
            code: code.to_string(),
            prepared,
            execution,
            agent: None,
            starting: None,
            hosts: None,
            before,
            recording: Recording::new(budget),
            watches: Vec::new(),
            logs: Vec::new(),
            steps: 0,
            last_frame: None,
            last_locals: Vec::new(),
            last_globals: Vec::new(),
            texts: InstrTexts::default(),
            at_last_pause: None,
            watch_diffs: Vec::new(),
            trapped: None,
            selected: 0,
        }
    }
}

impl Session {
    /// `:step FRAGMENT`: prepares the fragment and pauses before its first instruction.
    ///
    /// # Errors
    /// A usage error when already stepping or `code` is empty; the
    /// fragment's own syntax, validation or link error.
    pub fn start_stepping(&mut self, code: &str) -> Result<Vec<Reply>, SessionError> {
        if self.debugger.is_some() {
            return Err(SessionError::usage("already stepping; `abort` first"));
        }
        if code.trim().is_empty() {
            return Err(SessionError::usage(
                "usage: :step FRAGMENT, e.g. :step i32.const 5 call $fac",
            ));
        }
        let before = self.snapshot();
        let call =
            crate::script::call_of(code, self).map_err(|why| match why.contains("(invoke ") {
                // A reason that shows an invoke already says how to write one.
                true => SessionError::usage(why),
                false => {
                    SessionError::usage(format!("{why}; e.g. :step (invoke \"f\" (i32.const 1))"))
                }
            })?;
        if let Some(call) = call {
            return self.step_call(code, call, before);
        }
        if let super::input::Input::Module(form) = super::input::classify(code) {
            return self.step_module(code, form, before);
        }
        let prepared = match self.prepare_fragment(code) {
            Ok(p) => p,
            Err(e) => {
                if let Some(before) = before {
                    self.store.data = before;
                }
                return Err(e);
            }
        };
        self.attach(code, prepared, before)
            .map_err(|t| SessionError::new(ErrorKind::Trap, t.to_string()))?;
        // Step onto the first instruction of the user's code: past the
        // prologue that pushes the scratch stack.
        for _ in 0..self.stack.len() {
            match self.step_once() {
                Ok(None) => {}
                Ok(Some(values)) => return Ok(self.finish_stepping(values)),
                Err(trap) => return Err(self.abort_with_trap(&trap)),
            }
        }
        if let Some(d) = self.debugger.as_mut() {
            d.recording.clear();
            d.steps = 0;
        }
        Ok(self.pause_replies(None, Vec::new()))
    }

    /// `:step (invoke $m? "name" ...)`: pauses before the first instruction
    /// of the exported function.
    fn step_call(
        &mut self,
        code: &str,
        call: crate::script::Call,
        before: Option<StoreData>,
    ) -> Result<Vec<Reply>, SessionError> {
        let prepared = Prepared::invoke(&call);
        self.attach(code, prepared, before)
            .map_err(|t| SessionError::usage(t.to_string()))?;
        Ok(self.pause_replies(None, Vec::new()))
    }

    /// Starts a stepper on `prepared`, paused before its first instruction.
    fn attach(
        &mut self,
        code: &str,
        prepared: Prepared,
        before: Option<StoreData>,
    ) -> Result<(), crate::vm::Trap> {
        let mut execution = Execution::new(&self.store, prepared.func, &prepared.args)?;
        execution.use_step_mode();
        self.debugger = Some(Box::new(Debugger::new(
            code,
            prepared,
            execution,
            before,
            self.record_budget,
        )));
        Ok(())
    }

    /// Hands an interrupted input to the stepper, paused where it is.
    pub(super) fn pause_interrupted(
        &mut self,
        code: &str,
        prepared: Prepared,
        execution: Execution,
        before: Option<StoreData>,
        steps: u64,
    ) -> Vec<Reply> {
        self.hand_over(code, prepared, execution, before, steps, |_| {
            "interrupted: paused where it was".into()
        })
    }

    /// Hands an input that reached a breakpoint to the stepper.
    pub(super) fn pause_at_breakpoint(
        &mut self,
        code: &str,
        prepared: Prepared,
        execution: Execution,
        before: Option<StoreData>,
        steps: u64,
    ) -> Vec<Reply> {
        self.hand_over(code, prepared, execution, before, steps, |s| {
            format!("{}: paused", s.breakpoint_hits().join(", "))
        })
    }

    /// Puts a running input that has run `steps` instructions in the
    /// stepper and says why it paused (its recording starts there).
    fn hand_over(
        &mut self,
        code: &str,
        prepared: Prepared,
        execution: Execution,
        before: Option<StoreData>,
        steps: u64,
        why: impl FnOnce(&Session) -> String,
    ) -> Vec<Reply> {
        let mut debugger = Debugger::new(code, prepared, execution, before, self.record_budget);
        debugger.steps = steps;
        // The recording starts here (the steps before ran unrecorded), so
        // that `history`, `last-write` and `back` have a first checkpoint.
        (debugger.recording).before_step(steps, &debugger.execution, &mut self.store.data);
        self.debugger = Some(Box::new(debugger));
        let mut replies = vec![Reply::Note(format!(
            "{} (abort undoes the input)",
            why(self)
        ))];
        replies.extend(self.pause_replies(None, Vec::new()));
        replies
    }

    /// Steps thread `agent`: its execution moves into the stepper until it
    /// finishes or is detached.
    pub(super) fn step_thread(
        &mut self,
        agent: usize,
        code: &str,
        prepared: Prepared,
        execution: Execution,
    ) -> Vec<Reply> {
        let mut debugger = Debugger::new(code, prepared, execution, None, self.record_budget);
        debugger.agent = Some(agent);
        self.debugger = Some(Box::new(debugger));
        self.pause_replies(None, Vec::new())
    }

    /// Gives the stepped thread's execution back to the scheduler.
    pub(super) fn detach_thread(&mut self) {
        if self.debugger.as_ref().is_some_and(|d| d.agent.is_some())
            && let Some(d) = self.debugger.take()
            && let Some(agent) = d.agent
        {
            self.return_thread(agent, d.execution);
        }
    }

    /// Whether a fragment is paused in the stepper.
    pub fn is_stepping(&self) -> bool {
        self.debugger.is_some()
    }

    /// `abort`: leaves the stepper and undoes the paused input (a stepped
    /// thread goes back to the scheduler instead; at a trap, what the code
    /// wrote stays, as after any trap).
    ///
    /// # Errors
    /// None today; the signature is that of every command.
    pub fn abort_stepping(&mut self) -> Result<Vec<Reply>, SessionError> {
        let starting = self.debugger.as_mut().and_then(|d| d.starting.take());
        if let Some(mut replies) = self.abort_at_trap() {
            // A start function that trapped fails its module's instantiation.
            if let Some(starting) = starting {
                replies.push(Reply::Note(self.start_failed(starting)));
            }
            return Ok(replies);
        }
        let thread = self.debugger.as_ref().is_some_and(|d| d.agent.is_some());
        self.abort();
        let mut replies = vec![Reply::Note(if thread {
            "aborted: the thread goes back to :run, where it was".into()
        } else {
            "aborted: the session is as it was before the input".into()
        })];
        if let Some(starting) = starting {
            replies.push(Reply::Note(self.start_failed(starting)));
        }
        Ok(replies)
    }

    /// Ends stepping with the call's results: they become the new stack.
    fn finish_stepping(&mut self, values: Vec<Value>) -> Vec<Reply> {
        if let Some(agent) = self.debugger.as_ref().and_then(|d| d.agent) {
            // A thread's marks are those of the command that finished it.
            if let Some(last) = self
                .debugger
                .as_ref()
                .and_then(|d| d.at_last_pause.as_ref())
            {
                self.changes = super::diff(last, &self.store.data);
            }
            self.debugger = None;
            return self.thread_finished(agent, values);
        }
        if let Some(starting) = self.debugger.as_mut().and_then(|d| d.starting.take()) {
            if let Some(before) = self.debugger.take().and_then(|d| d.before) {
                self.changes = super::diff(&before, &self.store.data);
            }
            return self.start_finished(&starting);
        }
        let is_fragment = self
            .debugger
            .as_ref()
            .is_none_or(|d| d.prepared.is_fragment());
        let (before, prepared, code) = (self.debugger.take())
            .map_or((None, None, String::new()), |d| {
                (d.before, Some(d.prepared), d.code)
            });
        // An `(invoke ...)` that returned goes into `:export-js`'s replay.
        if let Some(Prepared {
            invoked: Some((instance, export)),
            args,
            ..
        }) = &prepared
        {
            self.journal_invoke(*instance, export.clone(), args.clone(), &values);
        }
        // So does an instruction input.
        if let Some(fragment) = prepared.as_ref().filter(|p| p.is_fragment()) {
            self.journal_fragment(&code, fragment);
        }
        let changed = self.changed_reply(before.as_ref());
        let mut replies = vec![Reply::Note(
            if is_fragment {
                "the fragment finished"
            } else {
                "the call finished"
            }
            .into(),
        )];
        // What the whole input changed, as it would say had it run unstepped.
        replies.extend(changed);
        if is_fragment {
            if let Some(prepared) = &prepared {
                replies.extend(self.apply_results(&values, prepared));
            }
        } else {
            let names = self.func_names(&values);
            replies.push(Reply::Values(values, names));
        }
        replies
    }

    /// Leaves the stepper, restoring the store from before the input.
    fn abort(&mut self) {
        if self.debugger.as_ref().is_some_and(|d| d.agent.is_some()) {
            self.detach_thread();
            return;
        }
        if let Some(before) = self.debugger.take().and_then(|d| d.before) {
            self.store.data = before;
            // Marks of the steps taken back would point at nothing now.
            self.changes = Default::default();
        }
    }

    /// Leaves the stepper after a trap, as an error pointed at its spot.
    fn abort_with_trap(&mut self, trap: &Trap) -> SessionError {
        let error = match self.debugger.as_ref() {
            Some(d) => self.trap_error(&d.prepared, &d.code, trap),
            None => SessionError::trap(trap),
        };
        if let Some(agent) = self.debugger.as_ref().and_then(|d| d.agent) {
            self.debugger = None;
            self.thread_trapped(agent, &error.message);
            return error;
        }
        // A trap keeps what the code wrote, as WebAssembly does.
        let mut error = error;
        // A failed instantiation drops the name first, so the kept note
        // names an imported memory as its owner knows it.
        let failed = self
            .debugger
            .as_mut()
            .and_then(|d| d.starting.take())
            .map(|starting| self.start_failed(starting));
        // `:export-js` repeats it, trap and all.
        if let Some(d) = self.debugger.as_ref().filter(|_| failed.is_none()) {
            let (code, prepared) = (d.code.clone(), d.prepared.clone());
            self.journal_run(&code, &prepared);
        }
        if let Some(before) = self.debugger.take().and_then(|d| d.before) {
            self.changes = super::diff(&before, &self.store.data);
            error.notes.extend(self.kept_note(&before, "kept"));
        }
        error.notes.extend(failed);
        error
            .notes
            .push("the stepper stopped; the stack and locals are as before the input".into());
        error
    }
}

/// Helpers for the stepper's unit tests: a session driven through `eval`
/// and the pause picked out of the replies.
#[cfg(test)]
mod testing {
    use super::PauseInfo;
    use crate::session::{Reply, Session};

    /// A session that has evaluated `inputs`, each of which must succeed.
    pub(super) fn session_with(inputs: &[&str]) -> Session {
        let mut session = Session::new();
        for input in inputs {
            session
                .eval(input)
                .unwrap_or_else(|e| panic!("{input}: {}", e.message));
        }
        session
    }

    /// The pause among `replies`.
    pub(super) fn paused(replies: &[Reply]) -> &PauseInfo {
        replies
            .iter()
            .find_map(|r| match r {
                Reply::Pause(info) => Some(&**info),
                _ => None,
            })
            .expect("the replies hold a pause")
    }

    /// `$down n`: recurses n calls deep, then returns 0 (frames to select and finish).
    pub(super) const DOWN: &str = "(func $down (param $n i32) (result i32) (if (result i32) (local.get $n) (then (call $down (i32.sub (local.get $n) (i32.const 1)))) (else (i32.const 0))))";

    /// The breakpoints and watchpoints `info break` lists.
    pub(super) fn listed(session: &Session) -> Vec<super::StopPoint> {
        match session.list_breakpoints().unwrap().as_slice() {
            [Reply::Breakpoints(points)] => points.clone(),
            other => panic!("not a breakpoint list: {other:?}"),
        }
    }

    /// The notes among `replies`, in order.
    pub(super) fn notes(replies: Vec<Reply>) -> Vec<String> {
        replies
            .into_iter()
            .filter_map(|r| match r {
                Reply::Note(n) => Some(n),
                _ => None,
            })
            .collect()
    }

    /// Whether `replies` say the stepped input finished.
    pub(super) fn finished(replies: &[Reply]) -> bool {
        replies.contains(&Reply::Note("the fragment finished".into()))
    }

    /// The top frame's operands at a pause.
    pub(super) fn operands(info: &PauseInfo) -> Vec<crate::vm::Value> {
        info.frames
            .last()
            .map(|f| f.operands.clone())
            .unwrap_or_default()
    }
}

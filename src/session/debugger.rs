//! The stepper: a fragment run one instruction at a time, with gdb-style
//! commands (step, next, finish, continue, breakpoints, watchpoints, reverse
//! step, backtrace, abort).
//!
//! `:step FRAGMENT` prepares the fragment like any other input but drives
//! the call with [`Execution::step`]; until it finishes or is aborted, the
//! session's inputs go to [`Session::debug_command`]. Every step first saves
//! the machine and the store's mutable data (bounded), which is all `back`
//! needs to undo it exactly.

use super::fragment::Prepared;
use super::{ErrorKind, Reply, Session, SessionError};
use crate::view::pause::{Effect, PauseInfo};
use crate::vm::module::Module;
use crate::vm::store::StoreData;
use crate::vm::{Execution, FuncAddr, Outcome, Value};
use std::collections::VecDeque;

/// Most undo entries kept for `back`.
const HISTORY_STEPS: usize = 10_000;
/// Most bytes of memory the undo history may hold.
const HISTORY_BYTES: usize = 64 << 20;
/// Most steps one `continue`, `next`, `finish` or `until` runs before pausing anyway.
const MAX_STEPS_PER_COMMAND: u64 = 5_000_000;

/// Where to stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Breakpoint {
    /// On entry to a function.
    Func(FuncAddr, String),
    /// Before the instruction at a byte offset of a function's module.
    Offset(usize),
}

/// A watched memory range of the session's memory 0.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Watch {
    start: u64,
    len: u64,
}

/// The state of a paused fragment.
pub(super) struct Debugger {
    code: String,
    prepared: Prepared,
    execution: Execution,
    /// The thread being stepped, when it is one (see `agents.rs`).
    pub(super) agent: Option<usize>,
    /// The store before the fragment started, for `abort`.
    before: Option<StoreData>,
    history: VecDeque<(Execution, Option<StoreData>, u64)>,
    history_bytes: usize,
    watches: Vec<Watch>,
    last_command: String,
    steps: u64,
    /// The frame (depth, function) and its locals at the last pause, for change marks.
    last_frame: Option<(usize, FuncAddr)>,
    last_locals: Vec<Value>,
    /// Global values at the last pause.
    last_globals: Vec<Value>,
}

/// Byte offsets of the instructions of defined function `defined` of a module.
fn function_offsets(module: &[u8], defined: usize) -> Vec<usize> {
    let mut index = 0;
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload else {
            continue;
        };
        if index == defined {
            let Ok(mut ops) = body.get_operators_reader() else {
                return Vec::new();
            };
            let mut offsets = Vec::new();
            while !ops.eof() {
                match ops.read_with_offset() {
                    Ok((_, at)) => offsets.push(at as usize),
                    Err(_) => break,
                }
            }
            return offsets;
        }
        index += 1;
    }
    Vec::new()
}

/// Memory an instruction reads or writes.
struct Access {
    memory: crate::vm::MemAddr,
    write: bool,
    start: u64,
    len: u64,
}

/// The index of the function named `name` (with its `$`) in `module`.
fn func_index_by_name(module: &Module, name: &str) -> Result<u32, SessionError> {
    let bare = name.strip_prefix('$').unwrap_or(name);
    module
        .names
        .funcs
        .iter()
        .find(|(_, n)| n.as_str() == bare)
        .map(|(i, _)| *i)
        .ok_or_else(|| SessionError::usage(format!("no function {name} in the session module")))
}

/// "wrote 4 bytes at 0x8: 00 00 00 00 -> 2a 00 00 00" / "read 1 byte at 0x10: 2a".
fn describe_access(access: &Access, old: &[u8], new: &[u8]) -> String {
    let hex = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let more = if access.len > 16 { " ..." } else { "" };
    let what = format!(
        "{} byte{} at 0x{:x}",
        access.len,
        if access.len == 1 { "" } else { "s" },
        access.start
    );
    if old.is_empty() && access.len > 0 {
        return format!(
            "{} {what}: outside the memory",
            if access.write { "write of" } else { "read of" }
        );
    }
    if access.write {
        format!("wrote {what}: {}{more} -> {}{more}", hex(old), hex(new))
    } else {
        format!("read {what}: {}{more}", hex(old))
    }
}

impl Debugger {
    /// A stepper for `execution`, able to undo back to `before`.
    fn new(
        code: &str,
        prepared: Prepared,
        execution: Execution,
        before: Option<StoreData>,
    ) -> Debugger {
        Debugger {
            code: code.to_string(),
            prepared,
            execution,
            agent: None,
            before,
            history: VecDeque::new(),
            history_bytes: 0,
            watches: Vec::new(),
            last_command: "step".into(),
            steps: 0,
            last_frame: None,
            last_locals: Vec::new(),
            last_globals: Vec::new(),
        }
    }
}

/// Why a run of steps stopped.
enum Stop {
    Paused(Vec<String>),
    Finished(Vec<Value>),
    Trapped(crate::vm::Trap),
}

impl Session {
    /// `:step FRAGMENT`: prepares the fragment and pauses before its first instruction.
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
        let prepared = match self.prepare_fragment(code) {
            Ok(p) => p,
            Err(e) => {
                if let Some(before) = before {
                    self.store.data = before;
                }
                return Err(e);
            }
        };
        let mut execution = Execution::new(&self.store, prepared.func, &prepared.args)
            .map_err(|t| SessionError::new(ErrorKind::Trap, t.to_string()))?;
        execution.use_step_mode();
        self.debugger = Some(Box::new(Debugger::new(code, prepared, execution, before)));
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
            d.history.clear();
            d.history_bytes = 0;
            d.steps = 0;
        }
        let mut replies = vec![Reply::Note("stepping: s(tep), n(ext), finish, c(ontinue), b(reak), watch, back, bt, abort; Enter repeats".into())];
        replies.extend(self.pause_replies(None, Vec::new()));
        Ok(replies)
    }

    /// Hands an interrupted input to the stepper, paused where it is.
    pub(super) fn pause_interrupted(
        &mut self,
        code: &str,
        prepared: Prepared,
        execution: Execution,
        before: Option<StoreData>,
    ) -> Vec<Reply> {
        self.debugger = Some(Box::new(Debugger::new(code, prepared, execution, before)));
        let mut replies = vec![Reply::Note(
            "interrupted: paused where it was. s(tep), c(ontinue), bt, abort (undo the input) ..."
                .into(),
        )];
        replies.extend(self.pause_replies(None, Vec::new()));
        replies
    }

    /// The breakpoints as an execution checks them: entry functions and offsets.
    pub(super) fn breakpoint_sites(&self) -> (Vec<FuncAddr>, Vec<usize>) {
        let mut entries = Vec::new();
        let mut offsets = Vec::new();
        for bp in &self.breakpoints {
            match bp {
                Breakpoint::Func(addr, _) => entries.push(*addr),
                Breakpoint::Offset(o) => offsets.push(*o),
            }
        }
        (entries, offsets)
    }

    /// Hands an input that reached a breakpoint to the stepper.
    pub(super) fn pause_at_breakpoint(
        &mut self,
        code: &str,
        prepared: Prepared,
        execution: Execution,
        before: Option<StoreData>,
    ) -> Vec<Reply> {
        let mut replies = self.pause_interrupted(code, prepared, execution, before);
        let hits = self.breakpoint_hits();
        replies[0] = Reply::Note(format!(
            "{}: paused; s(tep), c(ontinue), bt, abort (undo the input) ...",
            hits.join(", ")
        ));
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
        let mut debugger = Debugger::new(code, prepared, execution, None);
        debugger.agent = Some(agent);
        self.debugger = Some(Box::new(debugger));
        let mut replies = vec![Reply::Note(
            "stepping this thread: s(tep), n(ext), c(ontinue), bt; abort or :thread OTHER hands it back to :run".into(),
        )];
        replies.extend(self.pause_replies(None, Vec::new()));
        replies
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

    /// One stepper command (`step`, `next`, ...). An empty line repeats the last one.
    pub fn debug_command(&mut self, line: &str) -> Result<Vec<Reply>, SessionError> {
        let Some(debugger) = self.debugger.as_mut() else {
            return Err(SessionError::usage("not stepping"));
        };
        let line = if line.trim().is_empty() {
            debugger.last_command.clone()
        } else {
            line.trim().to_string()
        };
        debugger.last_command = line.clone();
        let (word, args) = line.split_once(char::is_whitespace).unwrap_or((&line, ""));
        let args = args.trim().to_string();
        match word {
            "s" | "step" => {
                let count = args.parse::<u64>().unwrap_or(1).max(1);
                self.run_steps(|_, _, done| done >= count, false)
            }
            "n" | "next" => {
                let depth = self.depth();
                self.run_steps(move |s, _, done| done >= 1 && s.depth() <= depth, true)
            }
            "finish" => {
                let depth = self.depth();
                self.run_steps(move |s, _, _| s.depth() < depth, true)
            }
            "c" | "continue" => self.run_steps(|_, _, _| false, true),
            "until" => {
                let here = self.current_offset();
                let depth = self.depth();
                self.run_steps(
                    move |s, _, done| done >= 1 && s.depth() <= depth && s.current_offset() > here,
                    true,
                )
            }
            "b" | "break" => self.add_breakpoint(&args),
            "delete" => self.delete_breakpoints(&args),
            "info" if args.starts_with("break") || args.starts_with("watch") => {
                Ok(vec![Reply::Text(self.breakpoint_list())])
            }
            "watch" => self.add_watch(&args),
            "region" => self.define_region(&args),
            "back" | "rs" => self.step_back(args.parse::<usize>().unwrap_or(1).max(1)),
            "where" | "bt" | "backtrace" => Ok(vec![Reply::Text(self.backtrace())]),
            "abort" => {
                self.abort();
                Ok(vec![Reply::Note(
                    "aborted: the session is as it was before the input (a stepped thread goes back to :run)".into(),
                )])
            }
            _ => Err(SessionError::usage(format!(
                "`{word}` is not a stepper command: use s(tep) [N], n(ext), finish, c(ontinue), until, b(reak) FUNC|0xOFFSET, delete [N], info break, watch ADDR [LEN]|REGION, region ADDR LEN|TYPE[N] NAME, display CMD, back [N], bt, abort (or :commands)"
            ))),
        }
    }

    fn depth(&self) -> usize {
        self.debugger
            .as_ref()
            .map_or(0, |d| d.execution.call_stack().len())
    }

    fn current_offset(&self) -> usize {
        let Some(d) = self.debugger.as_ref() else {
            return 0;
        };
        d.execution
            .frame_views(&self.store)
            .last()
            .map_or(0, |f| f.offset)
    }

    /// Steps until `done(session, notes, steps)` holds, a breakpoint or watch
    /// fires (when `stops` is set), the call ends, or the step cap is reached.
    fn run_steps(
        &mut self,
        done: impl Fn(&Session, &[String], u64) -> bool,
        stops: bool,
    ) -> Result<Vec<Reply>, SessionError> {
        let mut count = 0u64;
        let before_views = self
            .debugger
            .as_ref()
            .map(|d| d.execution.frame_views(&self.store))
            .unwrap_or_default();
        let before_instr = self.next_instruction_text();
        let access = self.memory_access();
        let before_bytes = access.as_ref().map(|a| self.memory_bytes(a));
        let stop = loop {
            let watched = self.watched_bytes();
            let write = if self.regions.is_empty() {
                None
            } else {
                self.memory_access().filter(|a| a.write)
            };
            let site = self
                .debugger
                .as_ref()
                .and_then(|d| d.execution.position(&self.store));
            match self.step_once() {
                Ok(Some(values)) => break Stop::Finished(values),
                Err(trap) => break Stop::Trapped(trap),
                Ok(None) => {}
            }
            count += 1;
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
                notes.extend(self.breakpoint_hits());
            }
            if let Some(crossing) = write.as_ref().and_then(|w| self.crossing(w.start, w.len)) {
                let w = write.as_ref().map_or(0, |w| w.start);
                notes.push(format!("a write at 0x{w:x} {crossing}"));
            }
            if !notes.is_empty() || done(self, &notes, count) {
                break Stop::Paused(notes);
            }
            if count >= MAX_STEPS_PER_COMMAND {
                break Stop::Paused(vec![format!(
                    "still running after {count} steps; paused here"
                )]);
            }
        };
        match stop {
            Stop::Finished(values) => Ok(self.finish_stepping(values)),
            Stop::Trapped(trap) => Err(self.abort_with_trap(&trap)),
            Stop::Paused(notes) => {
                let mut effect = (count == 1)
                    .then(|| self.effect(&before_views, before_instr))
                    .flatten();
                if let (Some(effect), Some(access), Some(old)) =
                    (effect.as_mut(), &access, &before_bytes)
                    && count == 1
                {
                    effect.memory = Some(describe_access(access, old, &self.memory_bytes(access)));
                }
                Ok(self.pause_replies(effect, notes))
            }
        }
    }

    /// Executes one instruction, saving undo state first.
    fn step_once(&mut self) -> Result<Option<Vec<Value>>, crate::vm::Trap> {
        let memory_bytes = self.memory_bytes_total();
        let Some(d) = self.debugger.as_mut() else {
            return Ok(None);
        };
        let data = (memory_bytes <= HISTORY_BYTES / 16).then(|| self.store.data.clone());
        d.history_bytes += data.as_ref().map_or(0, |_| memory_bytes);
        d.history.push_back((d.execution.clone(), data, d.steps));
        while d.history.len() > HISTORY_STEPS || d.history_bytes > HISTORY_BYTES {
            if let Some((_, old, _)) = d.history.pop_front() {
                d.history_bytes -=
                    old.map_or(0, |o| o.memories.iter().map(|m| m.bytes().len()).sum());
            }
        }
        d.steps += 1;
        match d.execution.step(&mut self.store)? {
            Outcome::Paused => Ok(None),
            Outcome::Finished(values) => Ok(Some(values)),
        }
    }

    fn step_back(&mut self, n: usize) -> Result<Vec<Reply>, SessionError> {
        let Some(d) = self.debugger.as_mut() else {
            return Ok(Vec::new());
        };
        let mut restored = 0;
        while restored < n {
            let Some((execution, data, steps)) = d.history.pop_back() else {
                break;
            };
            let Some(data) = data else {
                d.history.clear();
                return Err(SessionError::usage(
                    "memory is too large to keep undo history; cannot step back",
                ));
            };
            d.history_bytes -= data.memories.iter().map(|m| m.bytes().len()).sum::<usize>();
            d.execution = execution;
            d.steps = steps;
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

    fn finish_stepping(&mut self, values: Vec<Value>) -> Vec<Reply> {
        if let Some(agent) = self.debugger.as_ref().and_then(|d| d.agent) {
            self.debugger = None;
            return self.thread_finished(agent, values);
        }
        let before = self.debugger.take().and_then(|d| d.before);
        if let Some(before) = before {
            self.changes = super::diff(&before, &self.store.data);
        }
        let mut replies = vec![Reply::Note("the fragment finished".into())];
        replies.extend(self.apply_results(&values));
        replies
    }

    fn abort(&mut self) {
        if self.debugger.as_ref().is_some_and(|d| d.agent.is_some()) {
            self.detach_thread();
            return;
        }
        if let Some(before) = self.debugger.take().and_then(|d| d.before) {
            self.store.data = before;
        }
    }

    fn abort_with_trap(&mut self, trap: &crate::vm::Trap) -> SessionError {
        if let Some(agent) = self.debugger.as_ref().and_then(|d| d.agent) {
            let error = self
                .debugger
                .as_ref()
                .map(|d| self.trap_error(&d.prepared, &d.code, trap));
            self.debugger = None;
            let error = error.unwrap_or_else(|| SessionError::trap(trap));
            self.thread_trapped(agent, &error.message);
            return error;
        }
        let error = match self.debugger.as_ref() {
            Some(d) => self.trap_error(&d.prepared, &d.code, trap),
            None => SessionError::trap(trap),
        };
        self.abort();
        let mut error = error;
        error
            .notes
            .push("the stepper stopped; the session is as it was before the input".into());
        error
    }

    pub fn add_breakpoint(&mut self, target: &str) -> Result<Vec<Reply>, SessionError> {
        let line_target = match target.rsplit_once(':') {
            Some((func, line)) if func.starts_with('$') => {
                line.parse::<usize>().ok().map(|l| (Some(func), l))
            }
            _ => target.parse::<usize>().ok().map(|l| (None, l)),
        };
        let bp = if let Some((func, line)) = line_target {
            Breakpoint::Offset(self.line_offset(func, line)?)
        } else if let Some(hex) = target.strip_prefix("0x") {
            let offset = usize::from_str_radix(hex, 16)
                .map_err(|_| SessionError::usage(format!("{target} is not an offset")))?;
            Breakpoint::Offset(offset)
        } else if target.starts_with('$') {
            let (_, instance) = self
                .session_instance()
                .ok_or_else(|| SessionError::usage("the session has no functions"))?;
            let module = self
                .store
                .instance(instance)
                .map(|i| i.module.clone())
                .ok_or_else(|| SessionError::usage("no session module"))?;
            let index = func_index_by_name(&module, target)?;
            let addr = self
                .store
                .instance(instance)
                .and_then(|i| i.funcs.get(index as usize).copied())
                .ok_or_else(|| SessionError::usage("dangling function"))?;
            Breakpoint::Func(addr, target.to_string())
        } else {
            return Err(SessionError::usage(
                "usage: b $func | b LINE | b $func:LINE | b 0xOFFSET (the byte offset shown at pauses)",
            ));
        };
        self.breakpoints.push(bp);
        Ok(vec![Reply::Note(format!(
            "breakpoint {} at {target}",
            self.breakpoints.len()
        ))])
    }

    /// The byte offset of the first instruction written on `line` (1-based)
    /// of function `func`'s text, or of the text paused in.
    fn line_offset(&self, func: Option<&str>, line: usize) -> Result<usize, SessionError> {
        let no_code = || SessionError::usage(format!("no instruction starts on line {line} there"));
        let (module, instance) = self.session_instance().map(|(m, i)| (m.clone(), i)).unzip();
        let defined = match func {
            Some(name) => {
                let module = module
                    .as_ref()
                    .ok_or_else(|| SessionError::usage("the session has no functions"))?;
                let index = func_index_by_name(module, name)?;
                Some(
                    index
                        .checked_sub(module.imported_funcs)
                        .ok_or_else(|| SessionError::usage(format!("{name} is imported")))?
                        as usize,
                )
            }
            None => {
                let d = self.debugger.as_ref().ok_or_else(|| {
                    SessionError::usage("b LINE needs a pause to know which text; use b $func:LINE")
                })?;
                let top = d
                    .execution
                    .frame_views(&self.store)
                    .pop()
                    .ok_or_else(no_code)?;
                if top.func == d.prepared.func {
                    let (offsets, spans) = (
                        function_offsets(&d.prepared.bytes, 0),
                        d.prepared.spans.clone(),
                    );
                    return offsets
                        .iter()
                        .zip(&spans)
                        .find(|(_, span)| {
                            **span >= d.prepared.code_start
                                && crate::text::assemble::line_col(
                                    &d.code,
                                    **span - d.prepared.code_start,
                                )
                                .0 + 1
                                    == line
                        })
                        .map(|(o, _)| *o)
                        .ok_or_else(no_code);
                }
                let module = module
                    .as_ref()
                    .filter(|_| Some(top.instance) == instance)
                    .ok_or_else(no_code)?;
                Some((top.index - module.imported_funcs) as usize)
            }
        };
        let (defined, module) = (defined.ok_or_else(no_code)?, module.ok_or_else(no_code)?);
        let sources = self.sources.get(defined).ok_or_else(no_code)?;
        let offsets = function_offsets(&module.bytes, defined);
        offsets
            .iter()
            .zip(sources)
            .find(|(_, (field, at))| {
                self.fields
                    .get(*field)
                    .is_some_and(|f| crate::text::assemble::line_col(&f.text, *at).0 + 1 == line)
            })
            .map(|(o, _)| *o)
            .ok_or_else(no_code)
    }

    pub fn delete_breakpoints(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        if args.is_empty() {
            self.breakpoints.clear();
            if let Some(d) = self.debugger.as_mut() {
                d.watches.clear();
            }
            return Ok(vec![Reply::Note(
                "deleted all breakpoints and watchpoints".into(),
            )]);
        }
        let n: usize = args
            .parse()
            .map_err(|_| SessionError::usage("usage: delete [N]"))?;
        if n == 0 || n > self.breakpoints.len() {
            return Err(SessionError::usage(format!(
                "no breakpoint {n} (see info break)"
            )));
        }
        self.breakpoints.remove(n - 1);
        Ok(vec![Reply::Note(format!("deleted breakpoint {n}"))])
    }

    pub fn breakpoint_list(&self) -> String {
        let watches = self
            .debugger
            .as_ref()
            .map(|d| d.watches.clone())
            .unwrap_or_default();
        if self.breakpoints.is_empty() && watches.is_empty() {
            return "no breakpoints or watchpoints\n".into();
        }
        let mut text = String::new();
        for (i, bp) in self.breakpoints.iter().enumerate() {
            let what = match bp {
                Breakpoint::Func(_, name) => format!("on entry to {name}"),
                Breakpoint::Offset(o) => format!("at byte 0x{o:x}"),
            };
            text.push_str(&format!("breakpoint {}: {what}\n", i + 1));
        }
        for w in &watches {
            text.push_str(&format!(
                "watchpoint: memory 0x{:x}..0x{:x}\n",
                w.start,
                w.start + w.len
            ));
        }
        text
    }

    fn add_watch(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let words: Vec<&str> = args.split_whitespace().collect();
        if let Some(region) = words.first().and_then(|w| self.region(w)).cloned() {
            let Some(d) = self.debugger.as_mut() else {
                return Ok(Vec::new());
            };
            d.watches.push(Watch {
                start: region.start,
                len: region.len,
            });
            return Ok(vec![Reply::Note(format!(
                "watching region {} (0x{:x}..0x{:x}): execution pauses after a write there",
                region.name,
                region.start,
                region.end()
            ))]);
        }
        let number = |w: &str| match w.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).ok(),
            None => w.parse().ok(),
        };
        let (Some(start), len) = (
            words.first().and_then(|w| number(w)),
            words.get(1).map_or(Some(1), |w| number(w)),
        ) else {
            return Err(SessionError::usage("usage: watch ADDR [LEN]"));
        };
        let len = len
            .ok_or_else(|| SessionError::usage("usage: watch ADDR [LEN]"))?
            .max(1);
        let Some(d) = self.debugger.as_mut() else {
            return Ok(Vec::new());
        };
        d.watches.push(Watch { start, len });
        Ok(vec![Reply::Note(format!(
            "watching memory 0x{start:x}..0x{:x}: execution pauses after a write there",
            start + len
        ))])
    }

    /// The watched bytes of the session's memory 0, before a step.
    fn watched_bytes(&self) -> Vec<Vec<u8>> {
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        let memory = self.session_memory_bytes();
        d.watches
            .iter()
            .map(|w| {
                let start = (w.start as usize).min(memory.len());
                let end = (w.start.saturating_add(w.len) as usize).min(memory.len());
                memory[start..end].to_vec()
            })
            .collect()
    }

    fn session_memory_bytes(&self) -> &[u8] {
        self.session_instance()
            .and_then(|(_, i)| self.store.instance(i))
            .and_then(|i| i.memories.first())
            .and_then(|m| self.store.memory(*m))
            .map_or(&[], |m| m.bytes())
    }

    fn watch_hits(&self, before: &[Vec<u8>]) -> Vec<String> {
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        let after = self.watched_bytes();
        let mut notes = Vec::new();
        for ((w, old), new) in d.watches.iter().zip(before).zip(&after) {
            if old != new {
                let hex = |b: &[u8]| {
                    b.iter()
                        .map(|x| format!("{x:02x}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                notes.push(format!(
                    "watchpoint 0x{:x}..0x{:x} written: {} -> {}",
                    w.start,
                    w.start + w.len,
                    hex(old),
                    hex(new)
                ));
            }
        }
        notes
    }

    fn breakpoint_hits(&self) -> Vec<String> {
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        let frame = d.execution.call_stack().last().copied();
        let offset = self.current_offset();
        let mut notes = Vec::new();
        for (i, bp) in self.breakpoints.iter().enumerate() {
            let hit = match bp {
                Breakpoint::Func(addr, _) => frame.is_some_and(|f| f.func == *addr && f.pc == 0),
                Breakpoint::Offset(o) => *o == offset,
            };
            if hit {
                notes.push(format!("breakpoint {} hit", i + 1));
            }
        }
        notes
    }

    fn backtrace(&self) -> String {
        let Some(d) = self.debugger.as_ref() else {
            return String::new();
        };
        let views = d.execution.frame_views(&self.store);
        let mut text = String::new();
        for (depth, view) in views.iter().enumerate().rev() {
            let name = self.frame_name(view.func, d);
            text.push_str(&format!(
                "#{} {name} at byte 0x{:x}\n",
                views.len() - 1 - depth,
                view.offset
            ));
        }
        text
    }

    fn frame_name(&self, func: FuncAddr, d: &Debugger) -> String {
        if func == d.prepared.func {
            "your input".into()
        } else {
            self.store.func_name(func)
        }
    }

    /// The memory range the next instruction reads or writes, if it is a
    /// load, a store or a bulk memory instruction.
    fn memory_access(&self) -> Option<Access> {
        use wasmparser::Operator as O;
        let d = self.debugger.as_ref()?;
        let (func, offset) = d.execution.position(&self.store)?;
        let Some(crate::vm::store::FuncInst::Wasm { instance, .. }) = self.store.func(func) else {
            return None;
        };
        let instance = self.store.instance(*instance)?;
        let memory = *instance.memories.first()?;
        let bytes = instance.module.bytes.get(offset..)?;
        let mut reader =
            wasmparser::OperatorsReader::new(wasmparser::BinaryReader::new(bytes, offset as u64));
        let op = reader.read().ok()?;
        let operands = d.execution.frame_views(&self.store).pop()?.operands;
        let from_top = |depth: usize| -> Option<u64> {
            operands
                .get(operands.len().checked_sub(depth + 1)?)
                .map(|v| v.to_slot() as u32 as u64)
        };
        let (write, base_depth, size, memarg) = match op {
            O::I32Load8S { memarg }
            | O::I32Load8U { memarg }
            | O::I64Load8S { memarg }
            | O::I64Load8U { memarg } => (false, 0, 1, memarg.offset),
            O::I32Load16S { memarg }
            | O::I32Load16U { memarg }
            | O::I64Load16S { memarg }
            | O::I64Load16U { memarg } => (false, 0, 2, memarg.offset),
            O::I32Load { memarg }
            | O::F32Load { memarg }
            | O::I64Load32S { memarg }
            | O::I64Load32U { memarg } => (false, 0, 4, memarg.offset),
            O::I64Load { memarg } | O::F64Load { memarg } => (false, 0, 8, memarg.offset),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => (true, 1, 1, memarg.offset),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => (true, 1, 2, memarg.offset),
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                (true, 1, 4, memarg.offset)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => (true, 1, 8, memarg.offset),
            O::MemoryFill { .. } | O::MemoryCopy { .. } | O::MemoryInit { .. } => {
                (true, 2, from_top(0)?, 0)
            }
            _ => return None,
        };
        let start = from_top(base_depth)?.checked_add(memarg)?;
        Some(Access {
            memory,
            write,
            start,
            len: size,
        })
    }

    /// The bytes of `access` (at most 16), empty where outside the memory.
    fn memory_bytes(&self, access: &Access) -> Vec<u8> {
        let Some(memory) = self.store.memory(access.memory) else {
            return Vec::new();
        };
        let len = access.len.min(16);
        memory
            .range(access.start, len)
            .map(|r| memory.bytes()[r].to_vec())
            .unwrap_or_default()
    }

    /// The text of the instruction the top frame runs next, from wasmprinter.
    fn next_instruction_text(&self) -> Option<String> {
        let d = self.debugger.as_ref()?;
        let (func, offset) = d.execution.position(&self.store)?;
        self.instruction_text(func, offset)
    }

    /// The instruction at `offset` in `func`'s module as wasmprinter prints
    /// it, with names and immediates.
    fn instruction_text(&self, func: FuncAddr, offset: usize) -> Option<String> {
        let Some(crate::vm::store::FuncInst::Wasm { instance, .. }) = self.store.func(func) else {
            return None;
        };
        let module = &self.store.instance(*instance)?.module;
        let mut config = wasmprinter::Config::new();
        config.print_offsets(true);
        let mut out = String::new();
        config
            .print(&module.bytes, &mut wasmprinter::PrintFmtWrite(&mut out))
            .ok()?;
        let tag = format!("(;@{offset:x} ");
        let text = out
            .lines()
            .find(|l| l.starts_with(&tag))
            .and_then(|l| l.split_once(";)"))?
            .1
            .trim();
        // wasmprinter closes a function body with `)`; the instruction there is its `end`.
        Some(if text == ")" {
            "end (of the function)".to_string()
        } else {
            text.to_string()
        })
    }

    /// "i32.store in $f": an instruction and the function it is in.
    fn instruction_at(&self, func: FuncAddr, offset: usize) -> Option<String> {
        let text = self.instruction_text(func, offset)?;
        let d = self.debugger.as_ref()?;
        Some(format!("{text} in {}", self.frame_name(func, d)))
    }

    fn effect(&self, before: &[crate::vm::FrameView], instr: Option<String>) -> Option<Effect> {
        let d = self.debugger.as_ref()?;
        let after = d.execution.frame_views(&self.store);
        let instr = instr?;
        if after.len() != before.len() {
            return Some(Effect {
                instruction: instr,
                popped: Vec::new(),
                pushed: Vec::new(),
                memory: None,
                note: Some(if after.len() > before.len() {
                    "entered a call".into()
                } else {
                    "returned".into()
                }),
            });
        }
        let (old, new) = (&before.last()?.operands, &after.last()?.operands);
        let name = instr.split_whitespace().next().unwrap_or("");
        let (pops, pushes) = match crate::text::catalog::lookup(name) {
            Some(doc)
                if doc.family != crate::text::catalog::Family::Control && name != "select" =>
            {
                (doc.params.len(), doc.results.len())
            }
            _ => {
                let common = old.iter().zip(new).take_while(|(a, b)| a == b).count();
                (old.len() - common, new.len() - common)
            }
        };
        Some(Effect {
            instruction: instr,
            popped: old[old.len().saturating_sub(pops)..].to_vec(),
            pushed: new[new.len().saturating_sub(pushes)..].to_vec(),
            note: None,
            memory: None,
        })
    }

    fn pause_replies(&mut self, effect: Option<Effect>, notes: Vec<String>) -> Vec<Reply> {
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        let views = d.execution.frame_views(&self.store);
        let names: Vec<String> = views.iter().map(|v| self.frame_name(v.func, d)).collect();
        let top = views.last();
        let in_fragment = top.is_some_and(|v| v.func == d.prepared.func);
        let session_instance = self.session_instance().map(|(m, i)| (m.imported_funcs, i));
        let source = top.and_then(|v| {
            if in_fragment {
                Session::fragment_spot(&d.prepared, &d.code, v.offset).map(|at| super::SourceSpot {
                    text: d.code.clone(),
                    offset: at,
                    len: super::module::token_len(&d.code, at),
                })
            } else {
                let (imported, _) = session_instance.filter(|(_, i)| *i == v.instance)?;
                self.session_source(v.index.checked_sub(imported)? as usize, v.offset)
            }
        });
        let mut globals = self.global_rows();
        for (row, old) in globals.iter_mut().zip(&d.last_globals) {
            row.2 = row.1 != *old;
        }
        let frame_key = top.map(|v| (views.len(), v.func));
        let locals_now: Vec<Value> = top
            .map(|v| v.locals.iter().map(|l| l.value).collect())
            .unwrap_or_default();
        let changed_locals: Vec<usize> = if frame_key.is_some() && frame_key == d.last_frame {
            locals_now
                .iter()
                .zip(&d.last_locals)
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .map(|(i, _)| i)
                .collect()
        } else {
            Vec::new()
        };
        let globals_now: Vec<Value> = globals.iter().map(|g| g.1).collect();
        let info = PauseInfo {
            step: d.steps,
            next: self.next_instruction_text(),
            frames: views,
            names,
            source,
            effect,
            notes,
            globals,
            scratch_params: d.prepared.args.len() - self.locals.len(),
            changed_locals,
        };
        if let Some(d) = self.debugger.as_mut() {
            d.last_frame = frame_key;
            d.last_locals = locals_now;
            d.last_globals = globals_now;
        }
        vec![Reply::Text(crate::view::pause::render(&info))]
    }

    fn global_rows(&self) -> Vec<(String, Value, bool)> {
        let Some((module, addr)) = self.session_instance() else {
            return Vec::new();
        };
        let Some(instance) = self.store.instance(addr) else {
            return Vec::new();
        };
        instance
            .globals
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let global = self.store.global(*g)?;
                let name = module
                    .names
                    .globals
                    .get(&(i as u32))
                    .map_or_else(|| format!("{i}"), |n| format!("${n}"));
                Some((name, global.get(), false))
            })
            .collect()
    }
}

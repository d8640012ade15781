//! Execution of a call: a resumable machine whose whole state (call frames,
//! value stack, program counters) is data between instructions.
//!
//! ```text
//!  value stack:  [ frame 0: params | locals | operands ][ frame 1 ... ]
//!                  ^ fp of the root      a call's arguments become ^ its callee's params
//! ```
//!
//! [`Execution::run`] executes the fused run-mode code to completion with
//! threaded handlers (`threaded.rs`: each handler jumps to the next one's);
//! [`Execution::step`] executes the one-to-one step code one wasm
//! instruction at a time in a `match` loop (`run.rs`), which run mode also
//! uses for its cold instructions. What the plain instructions compute is
//! written once (`semantics.rs`) for both.

#[macro_use]
mod semantics;
mod atomic;
mod exceptions;
mod gc;
mod memory_n;
mod numeric;
#[cfg(feature = "pair-stats")]
pub mod pairs;
mod simd;

pub use atomic::WOKEN;
pub use exceptions::Unwind;
#[cfg(test)]
mod budget_tests;
#[cfg(test)]
mod exceptions_tests;
mod run;
#[cfg(test)]
mod tests;
mod threaded;
#[cfg(test)]
mod threaded_tests;

pub(crate) use threaded::{Threaded, thread};

use super::module::FuncBody;
use super::store::{FuncAddr, FuncInst, Store};
use super::translate::Compiled;
use super::trap::{Trap, TrapCode};
use super::value::{ValType, Value};

/// One activation: which function, where in its code, where its slots start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The function running in this frame.
    pub func: FuncAddr,
    /// Index of the next instruction in the function's code for this execution's mode.
    pub pc: u32,
    /// Index of the frame's first slot in the value stack.
    pub fp: u32,
}

/// What a call of [`Execution::step`] or [`Execution::run`] ended with.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The call returned these values.
    Finished(Vec<Value>),
    /// Stopped between two instructions (step mode); call again to go on.
    Paused,
}

/// A call in progress: created by [`Execution::new`], driven by `run`/`step`.
/// Cloning it copies the whole machine state (the stepper's undo history).
#[derive(Debug, Clone)]
pub struct Execution {
    /// Suspended callers, outermost first.
    frames: Vec<Frame>,
    /// The running frame.
    current: Frame,
    stack: Vec<u64>,
    /// Result types of the root function.
    results: Box<[ValType]>,
    /// Values, once finished.
    finished: Option<Vec<Value>>,
    /// Remaining fuel (see [`crate::vm::budget`]), if bounded.
    fuel: Option<u64>,
    /// The fuel it started with, for the message when it runs out.
    budget: Option<u64>,
    /// Whether this execution runs step code (fixed at its first run/step).
    stepping: Option<bool>,
    /// The root frame has not been entered yet.
    fresh: bool,
    /// Step mode: instructions left before the current `step`/`run_steps` pauses.
    step_budget: u64,
    /// Step mode: the budget the last `step`/`run_steps` started with.
    step_max: u64,
    /// Step mode: functions to pause on entry to.
    break_entries: Vec<FuncAddr>,
    /// Step mode: instruction byte offsets to pause before.
    break_offsets: Vec<(FuncAddr, usize)>,
    /// Whether the last pause was at a breakpoint.
    hit_breakpoint: bool,
    /// The wait this execution is blocked in, if `memory.atomic.wait` blocked.
    waiting: Option<super::store::Waiter>,
    /// What the last exception unwinding of the last run or step did.
    unwound: Option<Unwind>,
}

const INITIAL_STACK_SLOTS: usize = 1024;

impl Execution {
    /// Prepares a call of `func` with `args`.
    ///
    /// # Errors
    /// A host-error trap when the arguments do not match the signature.
    pub fn new(store: &Store, func: FuncAddr, args: &[Value]) -> Result<Execution, Trap> {
        let ty = store
            .func_type(func)
            .ok_or_else(|| Trap::host(format!("no function at address {}", func.0)))?;
        let arg_types: Vec<ValType> = args.iter().map(|a| a.ty()).collect();
        let fits = args.len() == ty.params.len()
            && args
                .iter()
                .zip(&ty.params)
                .all(|(a, t)| store.value_matches(a, *t));
        if !fits {
            return Err(Trap::host(format!(
                "arguments [{}] do not match the signature {ty}",
                arg_types
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        let mut stack = Value::to_slots(args);
        stack.resize(INITIAL_STACK_SLOTS.max(stack.len()), 0);
        Ok(Execution {
            frames: Vec::new(),
            current: Frame { func, pc: 0, fp: 0 },
            stack,
            results: ty.results.clone(),
            finished: None,
            fuel: store.limits.fuel,
            budget: store.limits.fuel,
            stepping: None,
            fresh: true,
            step_budget: 1,
            step_max: 1,
            break_entries: Vec::new(),
            break_offsets: Vec::new(),
            hit_breakpoint: false,
            waiting: None,
            unwound: None,
        })
    }

    /// Leaves the call only `fuel` units of the store's budget (what its
    /// module's segments left of it, for a start function).
    pub fn with_fuel(mut self, fuel: Option<u64>) -> Execution {
        self.fuel = fuel;
        self
    }

    /// Runs to completion in run mode.
    ///
    /// # Errors
    /// The trap that stopped execution; the machine state stays as it was at
    /// the trapping instruction for inspection.
    pub fn run(&mut self, store: &mut Store) -> Result<Vec<Value>, Trap> {
        match self.drive(store, false)? {
            Outcome::Finished(values) => Ok(values),
            Outcome::Paused => Err(Trap::host("a stepping execution cannot switch to run mode")),
        }
    }

    /// Executes one wasm instruction in step mode (into calls).
    ///
    /// # Errors
    /// The trap raised by the instruction.
    pub fn step(&mut self, store: &mut Store) -> Result<Outcome, Trap> {
        self.step_budget = 1;
        self.step_max = 1;
        self.drive(store, true)
    }

    /// Executes up to `max` wasm instructions in step mode, pausing early when
    /// the store's interrupt flag is set (e.g. by Ctrl-C). Unlike
    /// [`Execution::run`], the machine can be stepped on from any pause.
    ///
    /// # Errors
    /// The trap raised by an instruction.
    pub fn run_steps(&mut self, store: &mut Store, max: u64) -> Result<Outcome, Trap> {
        self.step_budget = max.max(1);
        self.step_max = self.step_budget;
        self.drive(store, true)
    }

    fn drive(&mut self, store: &mut Store, step: bool) -> Result<Outcome, Trap> {
        self.hit_breakpoint = false;
        self.unwound = None;
        if self.waiting.is_some() {
            return Ok(Outcome::Paused);
        }
        if let Some(values) = &self.finished {
            return Ok(Outcome::Finished(values.clone()));
        }
        if *self.stepping.get_or_insert(step) != step {
            return Err(Trap::host("this execution was started in the other mode"));
        }
        if let Some(FuncInst::Host { func, type_id, .. }) = store.func(self.current.func) {
            let (func, type_id) = (func.clone(), *type_id);
            let ty = store.type_of_id(type_id).clone();
            let args = Value::from_slots(&ty.params, &self.stack);
            let values = func(
                &mut super::store::HostContext {
                    data: &mut store.data,
                    caller_memory: None,
                },
                &args,
            )?;
            self.finished = Some(values.clone());
            return Ok(Outcome::Finished(values));
        }
        let outcome = if step {
            self.execute::<true, false>(&mut run::Parts::of(store))
        } else {
            self.run_threaded(store)
        }?;
        if let Outcome::Finished(values) = &outcome {
            self.finished = Some(values.clone());
        }
        Ok(outcome)
    }

    /// How many frames the call stack has (the running one included).
    pub fn depth(&self) -> usize {
        self.frames.len() + 1
    }

    /// Instructions the last [`Execution::run_steps`] (or `step`) completed
    /// before it paused.
    pub fn steps_done(&self) -> u64 {
        self.step_max - self.step_budget + 1
    }

    /// The call stack, outermost first, ending with the running frame.
    pub fn call_stack(&self) -> Vec<Frame> {
        let mut frames = self.frames.clone();
        frames.push(self.current);
        frames
    }

    /// Whether the call has returned.
    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }

    /// The value stack slots of `frame`, `len` slots from its base.
    pub fn frame_slots(&self, frame: &Frame, len: usize) -> &[u64] {
        let start = (frame.fp as usize).min(self.stack.len());
        let end = (start + len).min(self.stack.len());
        &self.stack[start..end]
    }

    /// Overwrites the running frame's slots from `at` (counted from its first
    /// local) with `value`, as the stepper's `set` edits a paused machine;
    /// false when they lie outside the stack.
    pub fn set_frame_value(&mut self, at: usize, value: Value) -> bool {
        let start = self.current.fp as usize + at;
        let end = start + value.ty().slot_count();
        match self.stack.get_mut(start..end) {
            Some(slots) => {
                value.write_slots(slots);
                true
            }
            None => false,
        }
    }

    /// Whether this execution runs step code.
    pub fn is_stepping(&self) -> bool {
        self.stepping == Some(true)
    }

    /// Breakpoints for step mode: pause on entry to any of `entries`, and
    /// before the instruction of a function at one of the byte `offsets` of
    /// its module (function, offset). Run mode never looks at them.
    pub fn set_breakpoints(&mut self, entries: Vec<FuncAddr>, offsets: Vec<(FuncAddr, usize)>) {
        self.break_entries = entries;
        self.break_offsets = offsets;
    }

    /// The wait the execution is blocked in (only while the store lets waits block).
    pub fn waiting(&self) -> Option<super::store::Waiter> {
        self.waiting
    }

    /// Finishes a blocked `memory.atomic.wait` with `result` (0: woken,
    /// 2: timed out) so the execution can go on after it.
    pub fn complete_wait(&mut self, store: &Store, result: u32) {
        if self.waiting.take().is_none() {
            return;
        }
        let Some(FuncInst::Wasm { body, .. }) = store.func(self.current.func) else {
            return;
        };
        let code = code_for(body, self.is_stepping());
        if let Some(super::instr::Instr::Atomic { base, .. }) =
            code.code.get(self.current.pc as usize)
        {
            let slot = self.current.fp as usize + *base as usize;
            if let Some(s) = self.stack.get_mut(slot) {
                *s = result as u64;
            }
            self.current.pc += 1;
        }
    }

    /// Whether the last pause of [`Execution::run_steps`] was at a breakpoint.
    pub fn hit_breakpoint(&self) -> bool {
        self.hit_breakpoint
    }

    /// Commits a fresh execution to step mode, so it can be inspected
    /// before its first step.
    pub fn use_step_mode(&mut self) {
        self.stepping.get_or_insert(true);
    }

    /// The running function and the byte offset of its next instruction.
    pub fn position(&self, store: &Store) -> Option<(FuncAddr, usize)> {
        let Some(FuncInst::Wasm { body, .. }) = store.func(self.current.func) else {
            return None;
        };
        let code = code_for(body, self.is_stepping());
        Some((
            self.current.func,
            body.offset_at(code, self.current.pc as usize),
        ))
    }
}

/// The code of `body` for the given mode.
pub fn code_for(body: &FuncBody, step: bool) -> &Compiled {
    if step { &body.step } else { &body.run }
}

fn exhausted() -> Trap {
    Trap::new(TrapCode::CallStackExhausted)
}

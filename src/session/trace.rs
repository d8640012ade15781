//! Trace mode: a call run one instruction at a time, recording for each
//! executed instruction the function, its byte offset, the instruction as
//! written in the text format, and the operand stack after it. Unlike
//! `wasm-interp --trace`, it shows source instructions (not internal opcodes)
//! and typed values, and it is deterministic, so traces can sit in
//! transcripts. `view::trace` renders it.

use super::instr_text::InstrTexts;
use crate::vm::store::Store;
use crate::vm::value::HeapType;
use crate::vm::{Execution, FuncAddr, Outcome, Trap, TrapCode, Value};

/// Most instructions one trace records before the rest run untraced.
pub const TRACE_LIMIT: usize = 10_000;

/// What the operand stack held after a traced instruction.
#[derive(Clone, Debug, PartialEq)]
pub enum After {
    /// The top frame's operands (or the call's results, after its last `end`).
    Stack(Vec<Value>),
    /// The instruction trapped, with this message.
    Trap(String),
}

/// One executed instruction.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    /// The display name of the function it is in.
    pub func: String,
    /// Its byte offset in its module.
    pub offset: usize,
    /// The instruction as text (`?` when it cannot be printed).
    pub instruction: String,
    /// The stack after it.
    pub after: After,
}

/// A traced call: its instructions and whether tracing stopped early.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    /// The traced instructions, in execution order.
    pub events: Vec<TraceEvent>,
    /// The limit, when the call ran on untraced after that many instructions.
    pub stopped_at: Option<usize>,
    /// Names of the functions the traced references point at.
    pub names: super::FuncNames,
}

impl TraceEvent {
    /// The trace line: function, offset, instruction, stack after, in
    /// columns; references by their `names` (see [`crate::vm::gc_names::value_text`]).
    fn line(&self, names: &super::FuncNames) -> String {
        let after = match &self.after {
            After::Stack(values) => crate::vm::gc_names::values_text(values, names),
            After::Trap(message) => format!("trap: {message}"),
        };
        format!(
            "{:<14} 0x{:04x}  {:<28} {after}",
            self.func, self.offset, self.instruction
        )
    }
}

impl Trace {
    /// The trace's lines: an event per line, then a notice when tracing
    /// stopped early. The session puts them under a trap's message; the view
    /// prints them for a finished call.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.events.iter().map(|e| e.line(&self.names)).collect();
        if let Some(limit) = self.stopped_at {
            lines.push(format!(
                "... (trace stopped after {limit} instructions; the call runs on)"
            ));
        }
        lines
    }
}

/// Runs `execution` (in step mode) to the end, tracing at most `limit`
/// instructions after the first `skip` (which run untraced); `name` names
/// functions for the trace.
///
/// # Errors
/// The trap that ended the call, with the trace until then.
pub fn trace_call(
    store: &mut Store,
    execution: &mut Execution,
    skip: usize,
    limit: usize,
    name: &dyn Fn(&Store, FuncAddr) -> String,
) -> (Result<Vec<Value>, Trap>, Trace) {
    execution.use_step_mode();
    let mut trace = Trace::default();
    for _ in 0..skip {
        match execution.step(store) {
            Ok(Outcome::Paused) => {}
            Ok(Outcome::Finished(values)) => return (Ok(values), trace),
            Err(trap) => return (Err(trap), trace),
        }
    }
    let mut texts = InstrTexts::default();
    loop {
        if trace.events.len() >= limit {
            trace.stopped_at = Some(limit);
            let result = match execution.run_steps(store, u64::MAX) {
                // Only an interrupt pauses an unbounded run.
                Ok(Outcome::Paused) => Err(Trap::new(TrapCode::Interrupted)),
                Ok(Outcome::Finished(values)) => Ok(values),
                Err(trap) => Err(trap),
            };
            return (result, trace);
        }
        let position = execution.position(store);
        let outcome = execution.step(store);
        if let Some((func, offset)) = position {
            let instruction = texts
                .get(store, func, offset)
                .map_or_else(|| "?".to_string(), |t| t.text.clone());
            let after = match &outcome {
                Ok(Outcome::Finished(values)) => After::Stack(values.clone()),
                Ok(Outcome::Paused) => After::Stack(
                    execution
                        .frame_views(store)
                        .pop()
                        .map(|f| f.operands)
                        .unwrap_or_default(),
                ),
                Err(trap) => After::Trap(trap.message().to_string()),
            };
            if let After::Stack(values) = &after {
                for value in values {
                    match value {
                        Value::FuncRef(Some(addr)) => {
                            trace
                                .names
                                .funcs
                                .entry(*addr)
                                .or_insert_with(|| name(store, FuncAddr(*addr)));
                        }
                        Value::Null(HeapType::Concrete(id)) => {
                            trace
                                .names
                                .types
                                .entry(*id)
                                .or_insert_with(|| store.type_text(*id, None));
                        }
                        _ => {}
                    }
                }
            }
            trace.events.push(TraceEvent {
                func: name(store, func),
                offset,
                instruction,
                after,
            });
        }
        match outcome {
            Ok(Outcome::Paused) => {}
            Ok(Outcome::Finished(values)) => return (Ok(values), trace),
            Err(trap) => return (Err(trap), trace),
        }
    }
}

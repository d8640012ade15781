//! Trace mode: a call run one instruction at a time, recording a line per
//! executed instruction: the function, the instruction's byte offset, the
//! instruction as written in the text format, and the operand stack after it.
//! Unlike `wasm-interp --trace`, it shows source instructions (not internal
//! opcodes) and typed values, and it is deterministic, so traces can sit in
//! transcripts.

use crate::vm::store::{FuncInst, Store};
use crate::vm::value::list;
use crate::vm::{Execution, FuncAddr, Outcome, Trap, Value};
use std::collections::HashMap;

/// Most instructions one trace records before the rest run untraced.
pub const TRACE_LIMIT: usize = 10_000;

/// The text of each instruction of a module, by byte offset (from wasmprinter).
#[derive(Default)]
pub struct InstrTexts {
    by_module: HashMap<usize, HashMap<usize, String>>,
}

impl InstrTexts {
    /// The text of the instruction at `offset` in `func`'s module.
    pub fn get(&mut self, store: &Store, func: FuncAddr, offset: usize) -> Option<&str> {
        let Some(FuncInst::Wasm { instance, .. }) = store.func(func) else {
            return None;
        };
        let module = &store.instance(*instance)?.module;
        let key = module.bytes.as_ptr() as usize;
        let texts = self
            .by_module
            .entry(key)
            .or_insert_with(|| index_module(&module.bytes));
        texts.get(&offset).map(String::as_str)
    }
}

fn index_module(bytes: &[u8]) -> HashMap<usize, String> {
    let mut config = wasmprinter::Config::new();
    config.print_offsets(true);
    let mut out = String::new();
    if config
        .print(bytes, &mut wasmprinter::PrintFmtWrite(&mut out))
        .is_err()
    {
        return HashMap::new();
    }
    out.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("(;@")?;
            let (offset, text) = rest.split_once(";)")?;
            let offset = usize::from_str_radix(offset.trim(), 16).ok()?;
            // Drop wasmprinter's label annotations (`;; label = @1`, `(;@1;)`).
            let mut text = text.split(" ;;").next().unwrap_or("").trim().to_string();
            while let Some(start) = text.find(" (;@") {
                let end = text[start..]
                    .find(";)")
                    .map_or(text.len(), |e| start + e + 2);
                text.replace_range(start..end, "");
            }
            let text = text.as_str();
            Some((
                offset,
                if text == ")" {
                    "end".to_string()
                } else {
                    text.to_string()
                },
            ))
        })
        .collect()
}

/// Runs `execution` (in step mode) to the end, tracing at most `limit`
/// instructions after the first `skip` (which run untraced); `name` names
/// functions for the trace lines.
///
/// # Errors
/// The trap that ended the call, with the lines traced until then.
pub fn trace_call(
    store: &mut Store,
    execution: &mut Execution,
    skip: usize,
    limit: usize,
    name: &dyn Fn(&Store, FuncAddr) -> String,
) -> (Result<Vec<Value>, Trap>, Vec<String>) {
    execution.use_step_mode();
    for _ in 0..skip {
        match execution.step(store) {
            Ok(Outcome::Paused) => {}
            Ok(Outcome::Finished(values)) => return (Ok(values), Vec::new()),
            Err(trap) => return (Err(trap), Vec::new()),
        }
    }
    let mut texts = InstrTexts::default();
    let mut lines = Vec::new();
    loop {
        if lines.len() >= limit {
            lines.push(format!(
                "... (trace stopped after {limit} instructions; the call runs on)"
            ));
            let result = match execution.run_steps(store, u64::MAX) {
                // Only an interrupt pauses an unbounded run.
                Ok(Outcome::Paused) => Err(Trap::new(crate::vm::TrapCode::Interrupted)),
                Ok(Outcome::Finished(values)) => Ok(values),
                Err(trap) => Err(trap),
            };
            return (result, lines);
        }
        let position = execution.position(store);
        let outcome = execution.step(store);
        if let Some((func, offset)) = position {
            let text = texts.get(store, func, offset).unwrap_or("?").to_string();
            let stack = match &outcome {
                Ok(Outcome::Finished(values)) => list(values),
                Ok(Outcome::Paused) => execution
                    .frame_views(store)
                    .last()
                    .map_or_else(String::new, |f| list(&f.operands)),
                Err(trap) => format!("trap: {}", trap.message()),
            };
            lines.push(format!(
                "{:<14} 0x{offset:04x}  {text:<28} {stack}",
                name(store, func)
            ));
        }
        match outcome {
            Ok(Outcome::Paused) => {}
            Ok(Outcome::Finished(values)) => return (Ok(values), lines),
            Err(trap) => return (Err(trap), lines),
        }
    }
}

//! Throwing and catching (WebAssembly 3.0 exception handling), out of the
//! interpreter loop: the loop has one cold arm for `throw`/`throw_ref` and
//! hands a host function's exception here too.
//!
//! Unwinding first *searches*: the running frame at the throwing
//! instruction, then each caller at its call, innermost `try_table` first
//! (see [`crate::vm::translate::ExnCode`]). Only when a clause catches does
//! it pop frames, write the clause's values to the label's slots and jump.
//! An exception no clause catches leaves the machine exactly as it was at
//! the throw, as a trap does, and ends the call with
//! [`TrapCode::UncaughtException`].

use super::{Execution, Frame, code_for};
use crate::vm::exn::{ExnInst, TagInst};
use crate::vm::instr::Instr;
use crate::vm::store::{FuncAddr, FuncInst, Instance, StoreData};
use crate::vm::translate::ExnOp;
use crate::vm::trap::{Trap, TrapCode};
use crate::vm::value::{ValType, Value, decode_ref};

/// What the last unwinding did, for the stepper to tell: the frames it
/// left and the clause that caught the exception.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unwind {
    /// The exception's store address.
    pub exn: u32,
    /// The functions whose frames were left, innermost first.
    pub left: Vec<FuncAddr>,
    /// Where it was caught: the function, the `try_table`'s byte offset and
    /// the index of the clause; `None` when nothing caught it.
    pub caught: Option<(FuncAddr, usize, usize)>,
}

/// Executes a `throw`/`throw_ref`: the exception to unwind with.
///
/// # Errors
/// `throw_ref` of a null reference traps.
pub(super) fn raise(
    op: ExnOp,
    get: &dyn Fn(u32) -> u64,
    data: &mut StoreData,
    inst: &Instance,
    tags: &[TagInst],
    at: (FuncAddr, usize),
) -> Result<u32, Trap> {
    match op {
        ExnOp::Throw { tag, base } => {
            let tag = inst.tags[tag as usize];
            let types = tags.get(tag.index()).map_or(&[][..], |t| &t.ty.params);
            let slots: Vec<u64> = (0..ValType::slots_of(types) as u32)
                .map(|i| get(base + i))
                .collect();
            Ok(data.new_exn(ExnInst {
                tag,
                payload: Value::from_slots(types, &slots),
                thrown_at: Some(at),
            }))
        }
        ExnOp::ThrowRef { src } => {
            decode_ref(get(src)).ok_or_else(|| Trap::new(TrapCode::NullExceptionReference))
        }
    }
}

/// The exception a host function's trap carries, if it is one whose
/// payload fits its tag; other traps stay traps.
pub(super) fn from_host(trap: Trap, data: &StoreData, tags: &[TagInst]) -> Result<u32, Trap> {
    let Some(addr) = trap
        .exception
        .filter(|_| trap.code == TrapCode::UncaughtException)
    else {
        return Err(trap);
    };
    let fits = data.exn(addr).is_some_and(|exn| {
        tags.get(exn.tag.index()).is_some_and(|t| {
            exn.payload
                .iter()
                .map(|v| v.ty())
                .eq(t.ty.params.iter().copied())
        })
    });
    if fits {
        Ok(addr)
    } else {
        Err(Trap::host(
            "a host function threw an exception whose values do not fit its tag",
        ))
    }
}

impl Execution {
    /// Unwinds with exception `exn` from the running frame, whose `pc` is
    /// the throwing instruction (or the call a host function threw from).
    ///
    /// # Errors
    /// [`Trap::exception`] when no clause catches it; the machine is unchanged.
    pub(super) fn unwind(
        &mut self,
        funcs: &[FuncInst],
        instances: &[Instance],
        data: &mut StoreData,
        exn: u32,
    ) -> Result<(), Trap> {
        let Some(thrown) = data.exn(exn) else {
            return Err(Trap::host("an exception reference names no exception"));
        };
        let tag = thrown.tag;
        let stepping = self.is_stepping();
        let mut depth = self.frames.len();
        let mut frame = self.current;
        let mut pc = frame.pc as usize;
        let mut left = Vec::new();
        loop {
            if let Some(FuncInst::Wasm { body, instance, .. }) = funcs.get(frame.func.index()) {
                let code = code_for(body, stepping);
                // A tail call has left its frame before its callee throws.
                let tail_call = depth == self.frames.len()
                    && matches!(
                        code.code.get(pc),
                        Some(
                            Instr::ReturnCall { .. }
                                | Instr::ReturnCallIndirect { .. }
                                | Instr::ReturnCallRef { .. }
                        )
                    );
                let tags = &instances[instance.index()].tags;
                let covering = code
                    .exceptions
                    .handlers
                    .iter()
                    .rev()
                    .filter(|h| !tail_call && (h.start as usize..h.end as usize).contains(&pc));
                for handler in covering {
                    let found =
                        handler.catches.iter().enumerate().find(|(_, c)| {
                            c.tag.is_none_or(|t| tags.get(t as usize) == Some(&tag))
                        });
                    if let Some((index, clause)) = found {
                        let mut values = match clause.tag {
                            Some(_) => thrown.payload.clone(),
                            None => Vec::new(),
                        };
                        if clause.with_ref {
                            values.push(Value::ExnRef(Some(exn)));
                        }
                        let at = frame.fp as usize + clause.dst as usize;
                        let slots = Value::to_slots(&values);
                        if let Some(out) = self.stack.get_mut(at..at + slots.len()) {
                            out.copy_from_slice(&slots);
                        }
                        self.frames.truncate(depth);
                        self.current = Frame {
                            pc: clause.target,
                            ..frame
                        };
                        self.unwound = Some(Unwind {
                            exn,
                            left,
                            caught: Some((frame.func, body.start + handler.offset as usize, index)),
                        });
                        return Ok(());
                    }
                }
            }
            left.push(frame.func);
            if depth == 0 {
                self.unwound = Some(Unwind {
                    exn,
                    left,
                    caught: None,
                });
                return Err(Trap::exception(exn));
            }
            depth -= 1;
            frame = self.frames[depth];
            pc = (frame.pc as usize).saturating_sub(1);
        }
    }

    /// What the last unwinding in this execution's last run or step did.
    pub fn unwound(&self) -> Option<&Unwind> {
        self.unwound.as_ref()
    }
}

//! Translation of exception handling (WebAssembly 3.0): `try_table`,
//! `throw` and `throw_ref`.
//!
//! `throw` and `throw_ref` become one [`Instr::Exn`] each, naming an
//! [`ExnOp`] in the code's side table, so the executor's loop has one cold
//! arm for them. A `try_table` is a block plus a [`Handler`]: the range of
//! code it covers and its catch clauses, each resolved to where its values
//! go (the target label's slots) and where execution goes on (the label's
//! continuation). The executor searches the handlers when an exception is
//! thrown; no instruction runs on entry to a `try_table`.
//!
//! ```text
//!  try_table (catch $e $l) ... end      handlers: [start..end) catch $e -> dst slot, target pc
//! ```

use super::{FrameKind, Translator};
use crate::vm::instr::{Instr, Slot};
use crate::vm::value::ValType;
use wasmparser::{Operator, TryTable};

/// What an [`Instr::Exn`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExnOp {
    /// `throw`: a new exception of tag `tag` with the payload at `base..`.
    Throw {
        /// The module's tag index.
        tag: u32,
        /// The first payload slot.
        base: Slot,
    },
    /// `throw_ref`: throws the exception the reference in `src` names again.
    ThrowRef {
        /// The `exnref` operand's slot.
        src: Slot,
    },
}

/// One catch clause of a `try_table`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Catch {
    /// The module's tag index it catches; `None` for `catch_all`/`catch_all_ref`.
    pub tag: Option<u32>,
    /// Whether the `exnref` follows the payload (`catch_ref`, `catch_all_ref`).
    pub with_ref: bool,
    /// The slot the first value goes to: the target label's first slot.
    pub dst: Slot,
    /// The instruction execution goes on with (absolute).
    pub target: u32,
}

/// A `try_table`: the instructions it covers and its catch clauses, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    /// First instruction covered.
    pub start: u32,
    /// First instruction after the covered ones.
    pub end: u32,
    /// Byte offset of the `try_table` instruction, from the body's start.
    pub offset: u32,
    /// The clauses, tried in order.
    pub catches: Vec<Catch>,
}

/// The exception side tables of a function's code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExnCode {
    /// What each [`Instr::Exn`] does, by its `op` index.
    pub ops: Vec<ExnOp>,
    /// Every `try_table`, in the order they open, so inner ones come after
    /// the ones around them.
    pub handlers: Vec<Handler>,
}

/// Handlers and clauses still waiting for their block's end.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// The side tables being built.
    pub(super) code: ExnCode,
    /// Open `try_table`s: control frame index, handler index.
    open: Vec<(usize, usize)>,
    /// Clauses branching to a block: control frame index, handler, clause.
    fixups: Vec<(usize, usize, usize)>,
    /// Clauses branching out of the function (a return): handler, clause.
    returns: Vec<(usize, usize)>,
}

impl Translator<'_> {
    /// Translates `try_table`, `throw` and `throw_ref`.
    pub(super) fn exception_operator(&mut self, op: &Operator<'_>) {
        match op {
            Operator::TryTable { try_table } => self.try_table(try_table),
            Operator::Throw { tag_index } => {
                let params = self
                    .ctx
                    .tags
                    .get(*tag_index as usize)
                    .map_or(0, |t| ValType::slots_of(&t.params));
                self.materialize_all();
                let base = self.slot(self.stack.len().saturating_sub(params));
                self.pop_n(params as u32);
                self.emit_exn(ExnOp::Throw {
                    tag: *tag_index,
                    base,
                });
            }
            Operator::ThrowRef => {
                let src = self.pop();
                self.emit_exn(ExnOp::ThrowRef { src });
            }
            _ => {}
        }
    }

    fn emit_exn(&mut self, op: ExnOp) {
        let index = self.exn.code.ops.len() as u32;
        self.exn.code.ops.push(op);
        self.emit(Instr::Exn { op: index });
        self.set_unreachable();
    }

    fn try_table(&mut self, try_table: &TryTable) {
        let handler = self.exn.code.handlers.len();
        let mut catches = Vec::with_capacity(try_table.catches.len());
        for (i, clause) in try_table.catches.iter().enumerate() {
            let (tag, with_ref, label) = match *clause {
                wasmparser::Catch::One { tag, label } => (Some(tag), false, label),
                wasmparser::Catch::OneRef { tag, label } => (Some(tag), true, label),
                wasmparser::Catch::All { label } => (None, false, label),
                wasmparser::Catch::AllRef { label } => (None, true, label),
            };
            // Labels count outward from the block around the `try_table`.
            let Some(index) = self.frames.len().checked_sub(1 + label as usize) else {
                continue;
            };
            let frame = &self.frames[index];
            let target = match frame.kind {
                FrameKind::Loop => frame.loop_start,
                FrameKind::Function => {
                    self.exn.returns.push((handler, i));
                    0
                }
                _ => {
                    self.exn.fixups.push((index, handler, i));
                    0
                }
            };
            catches.push(Catch {
                tag,
                with_ref,
                dst: self.slot(frame.height as usize),
                target,
            });
        }
        let offset = self.body_offset();
        self.push_frame(FrameKind::Block, try_table.ty);
        self.marker();
        let start = self.pc();
        self.exn.code.handlers.push(Handler {
            start,
            end: start,
            offset,
            catches,
        });
        self.exn.open.push((self.frames.len() - 1, handler));
    }

    /// At the end of the block that was control frame `index`, continuing
    /// at `here`: closes a `try_table` and points clauses at the label.
    pub(super) fn exceptions_block_end(&mut self, index: usize, here: u32) {
        let Pending {
            code, open, fixups, ..
        } = &mut self.exn;
        open.retain(|&(frame, handler)| {
            let ends = frame == index;
            if ends {
                code.handlers[handler].end = here;
            }
            !ends
        });
        fixups.retain(|&(frame, handler, clause)| {
            let ends = frame == index;
            if ends {
                code.handlers[handler].catches[clause].target = here;
            }
            !ends
        });
    }

    /// After the function's last instruction: the return that clauses
    /// branching out of the function go to (their values are at the base).
    pub(super) fn exceptions_function_end(&mut self) {
        if self.exn.returns.is_empty() {
            return;
        }
        let at = self.emit(Instr::Return {
            from: self.base,
            n: self.results,
        }) as u32;
        for (handler, clause) in std::mem::take(&mut self.exn.returns) {
            self.exn.code.handlers[handler].catches[clause].target = at;
        }
    }
}

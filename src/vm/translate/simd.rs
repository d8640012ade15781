//! Translation of the vector instructions into [`Instr::Simd`] (see
//! [`crate::vm::simd_op::Form`] for how each form lays out its operands).
//!
//! In step mode a `v128` operand always sits in its own two stack slots (a
//! vector `local.get` is a two-slot [`Instr::Copy`]). Run mode folds vector
//! `local.get`s and `v128.const`s as it does scalar ones (the operation
//! reads the local's or the constant's two slots in place), except where a
//! form needs its first operand at the result's slots (lane loads,
//! `bitselect`, `select`): those materialize their operands first.

use super::{Operand, Translator};
use crate::vm::instr::{Instr, SimdInstr};
use crate::vm::memop::MemoryOp;
use crate::vm::simd_op::{Form, SimdOp};
use crate::vm::value::ValType;
use wasmparser::Operator;

impl Translator<'_> {
    /// Translates a vector instruction, or a `global.get`/`global.set` of a
    /// `v128` global; returns whether `op` was one.
    pub(super) fn simd(&mut self, op: &Operator<'_>) -> bool {
        match *op {
            Operator::V128Const { value } => {
                let bits = u128::from_le_bytes(*value.bytes());
                if !(self.fused() && self.push_v128_const(bits)) {
                    self.v128_const(bits);
                }
                return true;
            }
            Operator::GlobalGet { global_index } if self.is_v128_global(global_index) => {
                let dst = self.push_typed(ValType::V128);
                self.emit_simd(SimdOp::GlobalGet, 0, dst, global_index, 0);
                return true;
            }
            Operator::GlobalSet { global_index } if self.is_v128_global(global_index) => {
                let src = self.pop_v128();
                self.emit_simd(SimdOp::GlobalSet, 0, src, global_index, 0);
                return true;
            }
            _ => {}
        }
        if let Some(access) = MemoryOp::vector(op)
            && !self.plain_vector_memory(access.memories()[0])
        {
            self.memory_n(access);
            return true;
        }
        let Some((simd, lane, offset)) = SimdOp::decode(op) else {
            return false;
        };
        let offset = offset as u32;
        match simd.form() {
            Form::Load => {
                let addr = self.pop();
                let dst = self.push_typed(ValType::V128);
                self.emit_simd(simd, lane, dst, addr, offset);
            }
            Form::Store | Form::StoreLane => {
                let val = self.pop_v128();
                let addr = self.pop();
                self.emit_simd(simd, lane, val, addr, offset);
            }
            Form::LoadLane => {
                self.materialize_all();
                let base = self.slot(self.stack.len().saturating_sub(3));
                self.pop_n(3);
                self.push_typed(ValType::V128);
                self.emit_simd(simd, lane, base, 0, offset);
            }
            Form::Extract => {
                let src = self.pop_v128();
                let dst = self.push();
                self.emit_simd(simd, lane, dst, src, 0);
            }
            Form::Replace => {
                let scalar = self.pop();
                let src = self.pop_v128();
                let dst = self.push_typed(ValType::V128);
                self.emit_simd(simd, lane, dst, src, scalar);
            }
            Form::Splat => {
                let src = self.pop();
                let dst = self.push_typed(ValType::V128);
                self.emit_simd(simd, 0, dst, src, 0);
            }
            Form::Unary => {
                let src = self.pop_v128();
                let dst = self.push_typed(ValType::V128);
                self.emit_simd(simd, 0, dst, src, 0);
            }
            Form::Test => {
                let src = self.pop_v128();
                let dst = self.push();
                self.emit_simd(simd, 0, dst, src, 0);
            }
            Form::Binary | Form::Shift => {
                let b = if simd.form() == Form::Shift {
                    self.pop()
                } else {
                    self.pop_v128()
                };
                let a = self.pop_v128();
                let dst = self.push_typed(ValType::V128);
                self.emit_simd(simd, 0, dst, a, b);
            }
            Form::Ternary => {
                self.materialize_all();
                let c = self.pop_v128();
                let b = self.pop_v128();
                let first = self.pop_v128();
                let dst = self.push_typed(ValType::V128);
                debug_assert_eq!(first, dst, "a vector operand is in its stack slots");
                self.emit_simd(simd, 0, dst, b, c);
            }
            Form::Shuffle => {
                let Operator::I8x16Shuffle { lanes } = *op else {
                    return false;
                };
                let b = self.pop_v128();
                let a = self.pop_v128();
                let dst = self.push_typed(ValType::V128);
                // The lane indices go to the two scratch slots above both operands.
                self.push_typed(ValType::V128);
                let scratch = self.push_typed(ValType::V128);
                self.pop_n(4);
                let mask = u128::from_le_bytes(lanes);
                self.emit(Instr::Const64 {
                    dst: scratch,
                    val: mask as u64,
                });
                self.emit(Instr::Const64 {
                    dst: scratch + 1,
                    val: (mask >> 64) as u64,
                });
                self.emit_simd(simd, 0, dst, a, b);
            }
            Form::GlobalGet | Form::GlobalSet | Form::Select => return false,
        }
        true
    }

    /// Whether the vector loads and stores on memory `index` can run as
    /// [`Instr::Simd`]: it is memory 0 and has 32-bit addresses (any page
    /// size). The others run as [`Instr::MemoryN`].
    fn plain_vector_memory(&self, index: u32) -> bool {
        index == 0 && self.ctx.memories.first().is_some_and(|m| !m.memory64)
    }

    /// Pops and pushes the operands of vector load or store `op` run as an
    /// [`Instr::MemoryN`], returning its two slots: a load's result and
    /// address, a store's address and vector, a lane load's first operand
    /// twice (its address, then the vector, and the result there).
    pub(super) fn vector_memory_slots(&mut self, op: SimdOp) -> (u32, u32) {
        match op.form() {
            Form::Load => {
                let addr = self.pop();
                (self.push_typed(ValType::V128), addr)
            }
            Form::LoadLane => {
                self.materialize_all();
                let base = self.slot(self.stack.len().saturating_sub(3));
                self.pop_n(3);
                self.push_typed(ValType::V128);
                (base, base)
            }
            _ => {
                let val = self.pop_v128();
                (self.pop(), val)
            }
        }
    }

    /// `select` of two vectors: the first stays at its slots when the condition holds.
    pub(super) fn select_v128(&mut self) {
        self.materialize_all();
        let cond = self.pop();
        let b = self.pop_v128();
        let a = self.pop_v128();
        let dst = self.push_typed(ValType::V128);
        debug_assert_eq!(a, dst, "a vector operand is in its stack slots");
        self.emit_simd(SimdOp::Select, 0, dst, b, cond);
    }

    /// `v128.const`: the two halves as 64-bit constants.
    fn v128_const(&mut self, bits: u128) {
        let dst = self.push_typed(ValType::V128);
        self.emit(Instr::Const64 {
            dst,
            val: bits as u64,
        });
        self.emit(Instr::Const64 {
            dst: dst + 1,
            val: (bits >> 64) as u64,
        });
    }

    /// Pops a `v128`, returning its first slot.
    fn pop_v128(&mut self) -> u32 {
        if self.stack.last() == Some(&Operand::High) {
            self.stack.pop();
        }
        self.pop()
    }

    fn is_v128_global(&self, index: u32) -> bool {
        self.ctx
            .global_types
            .get(index as usize)
            .is_some_and(|g| g.ty == ValType::V128)
    }

    fn emit_simd(&mut self, op: SimdOp, lane: u8, dst: u32, a: u32, b: u32) {
        let index = self.simd_ops.len() as u32;
        self.simd_ops.push(SimdInstr {
            op,
            lane,
            dst,
            a,
            b,
        });
        let at = self.emit(Instr::Simd { index });
        // Run mode may write these results straight into the local a
        // `local.set` after them names (see `set_v128_local`), which may be
        // one of its operands: each reads its operands whole before it
        // writes `dst`.
        let fresh_result = matches!(
            op.form(),
            Form::Load | Form::Splat | Form::Unary | Form::Binary | Form::Shift
        );
        if self.fused() && fresh_result {
            self.last_result = Some(at);
        }
    }

    /// `local.set` (or `local.tee`) of a `v128` local at slot `to`: the
    /// vector just computed is written there directly when the last
    /// instruction produced it (run mode, `local.set`), else copied. Folded
    /// reads of the local still on the stack are copied out first.
    pub(super) fn set_v128_local(&mut self, to: u32, tee: bool) {
        let low = self.stack.len().saturating_sub(2);
        let top = self.stack.get(low).copied();
        if top == Some(Operand::Local(to)) {
            // `local.set $v (local.get $v)`: nothing changes.
            if !tee {
                self.pop_n(2);
            }
            return;
        }
        let from = self.source(low);
        self.pop_n(2);
        if self.stack.contains(&Operand::Local(to)) {
            self.materialize_local(to);
        }
        if !tee
            && top == Some(Operand::Stack)
            && let Some(at) = self.last_result.filter(|at| at + 1 == self.code.len())
            && let Instr::Simd { index } = self.code[at]
            && let Some(simd) = self.simd_ops.get_mut(index as usize)
            && simd.dst == from
        {
            simd.dst = to;
            self.last_result = None;
            return;
        }
        self.emit(Instr::Copy { from, to, n: 2 });
        if let (true, Some(top)) = (tee, top) {
            self.stack.push(top);
            self.stack.push(Operand::High);
        }
    }
}

//! Translation of the straight-line operators: constants, numeric
//! instructions, memory and table access, references and globals.

use super::Translator;
use crate::vm::instr::{Instr, WideOp};
use crate::vm::memop::MemoryOp;
use crate::vm::module::CompileError;
use wasmparser::Operator;

macro_rules! unary {
    ($self:ident, $op:ident, [$($name:ident),* $(,)?]) => {
        match $op {
            $(Operator::$name => { $self.unary(|dst, src| Instr::$name { dst, src }); return Ok(true); })*
            _ => {}
        }
    };
}

macro_rules! binary {
    ($self:ident, $op:ident, [$($name:ident),* $(,)?]) => {
        match $op {
            $(Operator::$name => { $self.binary(|dst, a, b| Instr::$name { dst, a, b }); return Ok(true); })*
            _ => {}
        }
    };
}

macro_rules! memory_access {
    ($self:ident, $op:ident, loads: [$($l:ident),* $(,)?], stores: [$($s:ident),* $(,)?]) => {
        match $op {
            $(Operator::$l { memarg } => {
                $self.load(memarg.offset, |dst, addr, offset| Instr::$l { dst, addr, offset });
                return Ok(true);
            })*
            $(Operator::$s { memarg } => {
                $self.store(memarg.offset, |addr, val, offset| Instr::$s { addr, val, offset });
                return Ok(true);
            })*
            _ => {}
        }
    };
}

impl Translator<'_> {
    /// Translates an operator that does not touch control flow or locals.
    pub(super) fn plain_operator(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        if self.numeric(op)? || self.memory(op)? || self.atomic(op) || self.simd(op) {
            return Ok(());
        }
        match *op {
            Operator::I32Const { value } => self.push_const(value as u32 as u64, false),
            Operator::F32Const { value } => self.push_const(value.bits() as u64, false),
            Operator::I64Const { value } => self.push_const(value as u64, true),
            Operator::F64Const { value } => self.push_const(value.bits(), true),
            Operator::GlobalGet { global_index } => {
                let dst = self.push();
                self.emit_result(Instr::GlobalGet {
                    dst,
                    global: global_index,
                });
            }
            Operator::GlobalSet { global_index } => {
                let src = self.pop();
                self.emit(Instr::GlobalSet {
                    src,
                    global: global_index,
                });
            }
            Operator::RefNull { .. } => {
                let dst = self.push();
                self.emit_result(Instr::RefNull { dst });
            }
            Operator::RefIsNull => self.unary(|dst, src| Instr::RefIsNull { dst, src }),
            Operator::RefAsNonNull => self.unary(|dst, src| Instr::RefAsNonNull { dst, src }),
            Operator::RefFunc { function_index } => {
                let dst = self.push();
                self.emit_result(Instr::RefFunc {
                    dst,
                    func: function_index,
                });
            }
            Operator::TableGet { table } => {
                self.in_place(1, 1, |dst| Instr::TableGet { dst, table })
            }
            Operator::TableSet { table } => {
                self.in_place(2, 0, |base| Instr::TableSet { base, table })
            }
            Operator::TableSize { table } => {
                let dst = self.push();
                self.emit(Instr::TableSize { dst, table });
            }
            Operator::TableGrow { table } => {
                self.in_place(2, 1, |base| Instr::TableGrow { base, table })
            }
            Operator::TableFill { table } => {
                self.in_place(3, 0, |base| Instr::TableFill { base, table })
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => self.in_place(3, 0, |base| Instr::TableCopy {
                base,
                dst_table,
                src_table,
            }),
            Operator::TableInit { elem_index, table } => {
                self.in_place(3, 0, |base| Instr::TableInit {
                    base,
                    table,
                    seg: elem_index,
                })
            }
            Operator::I64Add128 => self.wide(WideOp::Add128, 4),
            Operator::I64Sub128 => self.wide(WideOp::Sub128, 4),
            Operator::I64MulWideS => self.wide(WideOp::MulWideS, 2),
            Operator::I64MulWideU => self.wide(WideOp::MulWideU, 2),
            Operator::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop { seg: elem_index });
            }
            _ => return Err(self.unsupported(op)),
        }
        Ok(())
    }

    /// A wide-arithmetic instruction taking `pops` operands and leaving two.
    fn wide(&mut self, op: WideOp, pops: u32) {
        self.in_place(pops, 2, |base| Instr::Wide { op, base });
    }

    fn unsupported(&self, op: &Operator<'_>) -> CompileError {
        let name = super::operator_name(op);
        CompileError {
            message: format!(
                "watlab does not run {name} yet (it runs WebAssembly 2.0 with SIMD and relaxed SIMD, the 3.0 proposals its README lists, and atomics with threads)"
            ),
            offset: self.offset as usize,
        }
    }

    /// The threads proposal's atomic instructions, as in-place [`Instr::Atomic`].
    fn atomic(&mut self, op: &Operator<'_>) -> bool {
        use crate::vm::instr::{AtomicKind as K, AtomicMemarg, AtomicOp};
        macro_rules! atomics {
            ($($name:ident => $kind:ident $width:literal $pops:literal $pushes:literal),* $(,)?) => {
                match *op {
                    $(Operator::$name { memarg } => (K::$kind, $width, $pops, $pushes, memarg),)*
                    Operator::AtomicFence { .. } => {
                        self.marker();
                        return true;
                    }
                    _ => return false,
                }
            };
        }
        let (kind, width, pops, pushes, memarg) = atomics! {
            MemoryAtomicNotify => Notify 4 2 1, MemoryAtomicWait32 => Wait 4 3 1, MemoryAtomicWait64 => Wait 8 3 1,
            I32AtomicLoad => Load 4 1 1, I64AtomicLoad => Load 8 1 1, I32AtomicLoad8U => Load 1 1 1,
            I32AtomicLoad16U => Load 2 1 1, I64AtomicLoad8U => Load 1 1 1, I64AtomicLoad16U => Load 2 1 1,
            I64AtomicLoad32U => Load 4 1 1,
            I32AtomicStore => Store 4 2 0, I64AtomicStore => Store 8 2 0, I32AtomicStore8 => Store 1 2 0,
            I32AtomicStore16 => Store 2 2 0, I64AtomicStore8 => Store 1 2 0, I64AtomicStore16 => Store 2 2 0,
            I64AtomicStore32 => Store 4 2 0,
            I32AtomicRmwAdd => Add 4 2 1, I64AtomicRmwAdd => Add 8 2 1, I32AtomicRmw8AddU => Add 1 2 1,
            I32AtomicRmw16AddU => Add 2 2 1, I64AtomicRmw8AddU => Add 1 2 1, I64AtomicRmw16AddU => Add 2 2 1,
            I64AtomicRmw32AddU => Add 4 2 1,
            I32AtomicRmwSub => Sub 4 2 1, I64AtomicRmwSub => Sub 8 2 1, I32AtomicRmw8SubU => Sub 1 2 1,
            I32AtomicRmw16SubU => Sub 2 2 1, I64AtomicRmw8SubU => Sub 1 2 1, I64AtomicRmw16SubU => Sub 2 2 1,
            I64AtomicRmw32SubU => Sub 4 2 1,
            I32AtomicRmwAnd => And 4 2 1, I64AtomicRmwAnd => And 8 2 1, I32AtomicRmw8AndU => And 1 2 1,
            I32AtomicRmw16AndU => And 2 2 1, I64AtomicRmw8AndU => And 1 2 1, I64AtomicRmw16AndU => And 2 2 1,
            I64AtomicRmw32AndU => And 4 2 1,
            I32AtomicRmwOr => Or 4 2 1, I64AtomicRmwOr => Or 8 2 1, I32AtomicRmw8OrU => Or 1 2 1,
            I32AtomicRmw16OrU => Or 2 2 1, I64AtomicRmw8OrU => Or 1 2 1, I64AtomicRmw16OrU => Or 2 2 1,
            I64AtomicRmw32OrU => Or 4 2 1,
            I32AtomicRmwXor => Xor 4 2 1, I64AtomicRmwXor => Xor 8 2 1, I32AtomicRmw8XorU => Xor 1 2 1,
            I32AtomicRmw16XorU => Xor 2 2 1, I64AtomicRmw8XorU => Xor 1 2 1, I64AtomicRmw16XorU => Xor 2 2 1,
            I64AtomicRmw32XorU => Xor 4 2 1,
            I32AtomicRmwXchg => Xchg 4 2 1, I64AtomicRmwXchg => Xchg 8 2 1, I32AtomicRmw8XchgU => Xchg 1 2 1,
            I32AtomicRmw16XchgU => Xchg 2 2 1, I64AtomicRmw8XchgU => Xchg 1 2 1, I64AtomicRmw16XchgU => Xchg 2 2 1,
            I64AtomicRmw32XchgU => Xchg 4 2 1,
            I32AtomicRmwCmpxchg => Cmpxchg 4 3 1, I64AtomicRmwCmpxchg => Cmpxchg 8 3 1,
            I32AtomicRmw8CmpxchgU => Cmpxchg 1 3 1, I32AtomicRmw16CmpxchgU => Cmpxchg 2 3 1,
            I64AtomicRmw8CmpxchgU => Cmpxchg 1 3 1, I64AtomicRmw16CmpxchgU => Cmpxchg 2 3 1,
            I64AtomicRmw32CmpxchgU => Cmpxchg 4 3 1,
        };
        // GC's array targets are not enabled, so validation rejected them.
        let wasmparser::MemArgTarget::Memory(memory) = memarg.target else {
            return false;
        };
        let op = AtomicOp { kind, width, pops };
        let index = self.atomic_memargs.len() as u32;
        self.atomic_memargs.push(AtomicMemarg {
            memory,
            offset: memarg.offset,
        });
        self.in_place(pops as u32, pushes, |base| Instr::Atomic {
            op,
            base,
            memarg: index,
        });
        true
    }

    /// Whether memory `index` is the one the fast instructions serve:
    /// memory 0, with 32-bit addresses and 64 KiB pages.
    fn plain_memory(&self, index: u32) -> bool {
        index == 0
            && self
                .ctx
                .memories
                .first()
                .is_some_and(|m| !m.memory64 && m.page_size_log2 == 16)
    }

    /// A memory instruction off the fast path: [`Instr::MemoryN`].
    pub(super) fn memory_n(&mut self, op: MemoryOp) {
        let index = self.memory_ops.len() as u32;
        self.memory_ops.push(op);
        let make = |a, b| Instr::MemoryN { a, b, op: index };
        match op {
            MemoryOp::Load { .. } => {
                let addr = self.pop();
                let dst = self.push();
                self.emit(make(dst, addr));
            }
            MemoryOp::Store { .. } => {
                let val = self.pop();
                let addr = self.pop();
                self.emit(make(addr, val));
            }
            MemoryOp::Vector { op, .. } => {
                let (a, b) = self.vector_memory_slots(op);
                self.emit(make(a, b));
            }
            MemoryOp::Size { .. } => {
                let dst = self.push();
                self.emit(make(dst, dst));
            }
            MemoryOp::Grow { .. } => self.in_place(1, 1, |base| make(base, base)),
            MemoryOp::Fill { .. } | MemoryOp::Copy { .. } | MemoryOp::Init { .. } => {
                self.in_place(3, 0, |base| make(base, base))
            }
        }
    }

    /// The memory instructions that name a memory other than a plain
    /// memory 0, as [`Instr::MemoryN`].
    fn memory_off_fast_path(&mut self, op: &Operator<'_>) -> bool {
        let memory_op = match *op {
            Operator::MemorySize { mem } => MemoryOp::Size { memory: mem },
            Operator::MemoryGrow { mem } => MemoryOp::Grow { memory: mem },
            Operator::MemoryFill { mem } => MemoryOp::Fill { memory: mem },
            Operator::MemoryCopy { dst_mem, src_mem } => MemoryOp::Copy {
                dst: dst_mem,
                src: src_mem,
            },
            Operator::MemoryInit { data_index, mem } => MemoryOp::Init {
                memory: mem,
                seg: data_index,
            },
            _ => match MemoryOp::access(op) {
                Some(access) => access,
                None => return false,
            },
        };
        if memory_op.memories().iter().all(|m| self.plain_memory(*m)) {
            return false;
        }
        self.memory_n(memory_op);
        true
    }

    fn memory(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        if self.memory_off_fast_path(op) {
            return Ok(true);
        }
        memory_access!(self, op,
            loads: [I32Load, I64Load, F32Load, F64Load, I32Load8S, I32Load8U, I32Load16S, I32Load16U,
                    I64Load8S, I64Load8U, I64Load16S, I64Load16U, I64Load32S, I64Load32U],
            stores: [I32Store, I64Store, F32Store, F64Store, I32Store8, I32Store16,
                     I64Store8, I64Store16, I64Store32]);
        match *op {
            Operator::MemorySize { .. } => {
                let dst = self.push();
                self.emit_result(Instr::MemorySize { dst });
            }
            Operator::MemoryGrow { .. } => self.in_place(1, 1, |dst| Instr::MemoryGrow { dst }),
            Operator::MemoryFill { .. } => self.in_place(3, 0, |base| Instr::MemoryFill { base }),
            Operator::MemoryCopy { .. } => self.in_place(3, 0, |base| Instr::MemoryCopy { base }),
            Operator::MemoryInit { data_index, .. } => {
                self.in_place(3, 0, |base| Instr::MemoryInit {
                    base,
                    seg: data_index,
                })
            }
            Operator::DataDrop { data_index } => {
                self.emit(Instr::DataDrop { seg: data_index });
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn numeric(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        unary!(
            self,
            op,
            [
                I32Eqz,
                I64Eqz,
                I32Clz,
                I32Ctz,
                I32Popcnt,
                I64Clz,
                I64Ctz,
                I64Popcnt,
                F32Abs,
                F32Neg,
                F32Ceil,
                F32Floor,
                F32Trunc,
                F32Nearest,
                F32Sqrt,
                F64Abs,
                F64Neg,
                F64Ceil,
                F64Floor,
                F64Trunc,
                F64Nearest,
                F64Sqrt,
                I32WrapI64,
                I32TruncF32S,
                I32TruncF32U,
                I32TruncF64S,
                I32TruncF64U,
                I64ExtendI32S,
                I64ExtendI32U,
                I64TruncF32S,
                I64TruncF32U,
                I64TruncF64S,
                I64TruncF64U,
                F32ConvertI32S,
                F32ConvertI32U,
                F32ConvertI64S,
                F32ConvertI64U,
                F32DemoteF64,
                F64ConvertI32S,
                F64ConvertI32U,
                F64ConvertI64S,
                F64ConvertI64U,
                F64PromoteF32,
                I32Extend8S,
                I32Extend16S,
                I64Extend8S,
                I64Extend16S,
                I64Extend32S,
                I32TruncSatF32S,
                I32TruncSatF32U,
                I32TruncSatF64S,
                I32TruncSatF64U,
                I64TruncSatF32S,
                I64TruncSatF32U,
                I64TruncSatF64S,
                I64TruncSatF64U,
            ]
        );
        // Reinterpretations only relabel the bits a slot holds.
        if matches!(
            op,
            Operator::I32ReinterpretF32
                | Operator::I64ReinterpretF64
                | Operator::F32ReinterpretI32
                | Operator::F64ReinterpretI64
        ) {
            let src = self.pop();
            let dst = self.push();
            if src != dst || !self.fused() {
                self.emit_result(Instr::Move { from: src, to: dst });
            }
            return Ok(true);
        }
        binary!(
            self,
            op,
            [
                I32Eq,
                I32Ne,
                I32LtS,
                I32LtU,
                I32GtS,
                I32GtU,
                I32LeS,
                I32LeU,
                I32GeS,
                I32GeU,
                I64Eq,
                I64Ne,
                I64LtS,
                I64LtU,
                I64GtS,
                I64GtU,
                I64LeS,
                I64LeU,
                I64GeS,
                I64GeU,
                F32Eq,
                F32Ne,
                F32Lt,
                F32Gt,
                F32Le,
                F32Ge,
                F64Eq,
                F64Ne,
                F64Lt,
                F64Gt,
                F64Le,
                F64Ge,
                I32Add,
                I32Sub,
                I32Mul,
                I32DivS,
                I32DivU,
                I32RemS,
                I32RemU,
                I32And,
                I32Or,
                I32Xor,
                I32Shl,
                I32ShrS,
                I32ShrU,
                I32Rotl,
                I32Rotr,
                I64Add,
                I64Sub,
                I64Mul,
                I64DivS,
                I64DivU,
                I64RemS,
                I64RemU,
                I64And,
                I64Or,
                I64Xor,
                I64Shl,
                I64ShrS,
                I64ShrU,
                I64Rotl,
                I64Rotr,
                F32Add,
                F32Sub,
                F32Mul,
                F32Div,
                F32Min,
                F32Max,
                F32Copysign,
                F64Add,
                F64Sub,
                F64Mul,
                F64Div,
                F64Min,
                F64Max,
                F64Copysign,
            ]
        );
        Ok(false)
    }
}

//! Memory instructions off the fast path: every load, store and `memory.*`
//! instruction on a memory other than a plain memory 0 (32-bit addresses,
//! 64 KiB pages): WebAssembly 3.0's multiple memories, 64-bit memories and
//! custom page sizes; and the vector loads and stores on any memory but a
//! 32-bit memory 0. The executor's own loads and stores stay the ones for
//! a plain memory 0; these run in `exec::memory_n`, out of the main loop.

use crate::vm::simd_op::SimdOp;

/// What an [`crate::vm::instr::Instr::MemoryN`] does, kept in its code's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryOp {
    /// A load of `width` bytes, sign- or zero-extended to 32 or 64 bits.
    Load {
        /// Memory index.
        memory: u32,
        /// The memarg's offset.
        offset: u64,
        /// Bytes read: 1, 2, 4 or 8.
        width: u8,
        /// Whether to sign-extend.
        signed: bool,
        /// Whether the result is 64 bits wide (`i64`/`f64`).
        wide: bool,
    },
    /// A store of the low `width` bytes of a value.
    Store {
        /// Memory index.
        memory: u32,
        /// The memarg's offset.
        offset: u64,
        /// Bytes written: 1, 2, 4 or 8.
        width: u8,
    },
    /// A vector load or store (`v128.load*`, `v128.store*`, `*_lane`),
    /// with its operands laid out as [`crate::vm::simd_op::Form`] says.
    Vector {
        /// Memory index.
        memory: u32,
        /// The memarg's offset.
        offset: u64,
        /// The vector instruction.
        op: SimdOp,
        /// Its lane immediate (0 when it has none).
        lane: u8,
    },
    /// `memory.size`.
    Size {
        /// Memory index.
        memory: u32,
    },
    /// `memory.grow`.
    Grow {
        /// Memory index.
        memory: u32,
    },
    /// `memory.fill`.
    Fill {
        /// Memory index.
        memory: u32,
    },
    /// `memory.copy` from memory `src` to memory `dst`.
    Copy {
        /// Destination memory index.
        dst: u32,
        /// Source memory index.
        src: u32,
    },
    /// `memory.init` from data segment `seg`.
    Init {
        /// Memory index.
        memory: u32,
        /// Data segment index.
        seg: u32,
    },
}

impl MemoryOp {
    /// The operation a load or store operator performs, with its memarg.
    pub fn access(op: &wasmparser::Operator<'_>) -> Option<MemoryOp> {
        use wasmparser::Operator as O;
        let (memarg, width, signed, wide, store) = match *op {
            O::I32Load { memarg } | O::F32Load { memarg } => (memarg, 4, false, false, false),
            O::I64Load { memarg } | O::F64Load { memarg } => (memarg, 8, false, true, false),
            O::I32Load8S { memarg } => (memarg, 1, true, false, false),
            O::I32Load8U { memarg } => (memarg, 1, false, false, false),
            O::I32Load16S { memarg } => (memarg, 2, true, false, false),
            O::I32Load16U { memarg } => (memarg, 2, false, false, false),
            O::I64Load8S { memarg } => (memarg, 1, true, true, false),
            O::I64Load8U { memarg } => (memarg, 1, false, true, false),
            O::I64Load16S { memarg } => (memarg, 2, true, true, false),
            O::I64Load16U { memarg } => (memarg, 2, false, true, false),
            O::I64Load32S { memarg } => (memarg, 4, true, true, false),
            O::I64Load32U { memarg } => (memarg, 4, false, true, false),
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                (memarg, 4, false, false, true)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => (memarg, 8, false, false, true),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => (memarg, 1, false, false, true),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => (memarg, 2, false, false, true),
            _ => return None,
        };
        // GC's array targets are not enabled, so validation rejected them.
        let wasmparser::MemArgTarget::Memory(memory) = memarg.target else {
            return None;
        };
        let offset = memarg.offset;
        Some(if store {
            MemoryOp::Store {
                memory,
                offset,
                width,
            }
        } else {
            MemoryOp::Load {
                memory,
                offset,
                width,
                signed,
                wide,
            }
        })
    }

    /// The vector load or store an operator is, with its memarg; `None`
    /// for every other operator.
    pub fn vector(op: &wasmparser::Operator<'_>) -> Option<MemoryOp> {
        let memarg = SimdOp::memarg(op)?;
        let (op, lane, offset) = SimdOp::decode(op)?;
        let wasmparser::MemArgTarget::Memory(memory) = memarg.target else {
            return None;
        };
        Some(MemoryOp::Vector {
            memory,
            offset,
            op,
            lane,
        })
    }

    /// The memory indices it uses (the destination first for `memory.copy`).
    pub fn memories(&self) -> [u32; 2] {
        match *self {
            MemoryOp::Load { memory, .. }
            | MemoryOp::Store { memory, .. }
            | MemoryOp::Vector { memory, .. }
            | MemoryOp::Size { memory }
            | MemoryOp::Grow { memory }
            | MemoryOp::Fill { memory }
            | MemoryOp::Init { memory, .. } => [memory, memory],
            MemoryOp::Copy { dst, src } => [dst, src],
        }
    }
}

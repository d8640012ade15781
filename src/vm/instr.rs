//! The internal instruction set that the executor runs.
//!
//! WebAssembly's structured control is flattened into a `Vec<Instr>` with
//! branch targets resolved to instruction indices. The operand stack has a
//! statically known height at every instruction, so operands are addressed as
//! frame slots: slot `i` is local `i` for `i < nlocals`, and operand-stack
//! position `i - nlocals` above that. Instructions therefore name their inputs
//! and output slots directly and the executor keeps no stack pointer.
//! Slots are 64 bits; a `v128` takes two consecutive ones (see
//! [`crate::vm::value`]), which the translator lays out statically.
//!
//! The same translator produces two forms of each function (see
//! [`crate::vm::translate`]): a *step* form, one entry per wasm instruction,
//! in which the operand stack is really in memory at every boundary; and a
//! *run* form, in which `local.get` is folded into the instructions that read
//! it and results are written straight into the local a `local.set` names.

/// A frame slot index (see the module documentation).
pub type Slot = u32;

/// What an atomic instruction does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomicKind {
    /// `*.atomic.load*`.
    Load,
    /// `*.atomic.store*`.
    Store,
    /// `*.atomic.rmw*.add`.
    Add,
    /// `*.atomic.rmw*.sub`.
    Sub,
    /// `*.atomic.rmw*.and`.
    And,
    /// `*.atomic.rmw*.or`.
    Or,
    /// `*.atomic.rmw*.xor`.
    Xor,
    /// `*.atomic.rmw*.xchg`.
    Xchg,
    /// `*.atomic.rmw*.cmpxchg`.
    Cmpxchg,
    /// `memory.atomic.wait32/64`.
    Wait,
    /// `memory.atomic.notify`.
    Notify,
    /// `atomic.fence`.
    Fence,
}

/// An atomic instruction: its kind and access width in bytes.
///
/// Aligned to 4 bytes so that, inside an [`Instr`], it starts at byte 4 like
/// every other field: a field in bytes 1-3 makes the run loop load that byte
/// at every dispatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(4))]
pub struct AtomicOp {
    /// What it does.
    pub kind: AtomicKind,
    /// Bytes accessed: 1, 2, 4 or 8.
    pub width: u8,
    /// Operands it takes (address first).
    pub pops: u8,
}

/// Where an atomic instruction accesses memory, kept in the code's
/// `atomic_memargs` table (inline, a 64-bit offset would widen every [`Instr`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtomicMemarg {
    /// Memory index.
    pub memory: u32,
    /// The memarg's offset.
    pub offset: u64,
}

/// A wide-arithmetic instruction (WebAssembly 3.0): 128-bit results as two `i64`s, low first.
///
/// Four bytes wide for the reason given at [`AtomicOp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum WideOp {
    /// `i64.add128`: [lo1 hi1 lo2 hi2] -> [lo hi].
    Add128,
    /// `i64.sub128`: [lo1 hi1 lo2 hi2] -> [lo hi].
    Sub128,
    /// `i64.mul_wide_s`: [a b] -> [lo hi], signed.
    MulWideS,
    /// `i64.mul_wide_u`: [a b] -> [lo hi], unsigned.
    MulWideU,
}

/// A vector instruction's operands, kept in the code's `simd_ops` table:
/// inline, its narrow `op` and `lane` fields would make every [`Instr`]'s
/// fields start at byte 1, and the run loop decode them at each dispatch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimdInstr {
    /// The operation; its [`Form`](crate::vm::simd_op::Form) says how the slots are read.
    pub op: crate::vm::simd_op::SimdOp,
    /// The lane immediate (0 when the operation has none).
    pub lane: u8,
    /// The result slot.
    pub dst: Slot,
    /// The first operand slot.
    pub a: Slot,
    /// The second operand slot.
    pub b: Slot,
}

macro_rules! define_instrs {
    (
        unary: [$($u:ident),* $(,)?],
        binary: [$($b:ident),* $(,)?],
        load: [$($l:ident),* $(,)?],
        store: [$($s:ident),* $(,)?],
        branch_compare: [$($c:ident),* $(,)?],
        counter_branch: [$($k:ident),* $(,)?],
        bit_test: [$($t:ident),* $(,)?],
    ) => {
        /// One executable instruction. Slots are relative to the frame base.
        ///
        /// `repr(u8)`: the first byte is the variant's tag, which run mode's
        /// threaded dispatch reads to find the instruction's handler.
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[repr(u8)]
        pub enum Instr {
            /// Trap with "unreachable".
            Unreachable,
            /// Do nothing: marks `block`, `loop`, `nop`, `drop`, `end` in step code.
            Nop,
            /// Jump. Every `target` in executable code is relative to the
            /// branch itself, as an `i32` stored in a `u32`, so the executor
            /// needs no code base to jump.
            Br { target: u32 },
            /// Jump back to a loop header; checks the budget and interrupts.
            BrLoop { target: u32 },
            /// Jump when `cond` is non-zero.
            BrIfNez { cond: Slot, target: u32 },
            /// Jump when `cond` is zero.
            BrIfEqz { cond: Slot, target: u32 },
            /// Jump to entry `min(index, len - 1)` of the `len` `Br`s that follow.
            BrTable { index: Slot, len: u32 },
            /// Copy `n` slots from `from` to `to` (branch values, multi-value).
            Copy { from: Slot, to: Slot, n: u32 },
            /// Copy one slot.
            Move { from: Slot, to: Slot },
            /// Return `n` values starting at `from` to the caller.
            Return { from: Slot, n: u32 },
            /// Call module function `func`; arguments start at `base`, results land there.
            Call { func: u32, base: Slot },
            /// Call through `table` with type `ty`; the index follows the arguments.
            CallIndirect { ty: u32, table: u32, base: Slot },
            /// Tail call (`return_call`): the callee replaces the running
            /// frame. A `Return` of the results follows, for host callees.
            ReturnCall { func: u32, base: Slot },
            /// Tail call through `table` (`return_call_indirect`); as [`Instr::ReturnCall`].
            ReturnCallIndirect { ty: u32, table: u32, base: Slot },
            /// `call_ref` of type `ty`: the function reference follows the arguments.
            CallRef { ty: u32, base: Slot },
            /// `return_call_ref`: a tail call through a function reference.
            ReturnCallRef { ty: u32, base: Slot },
            /// `ref.as_non_null`: traps on null, else copies `src` to `dst`.
            RefAsNonNull { dst: Slot, src: Slot },
            /// `select`: operands at `dst`, `dst + 1`, condition at `dst + 2`.
            Select { dst: Slot },
            /// Run mode's if-conversion: the value at `a` into `dst` when
            /// `cond` is not zero, else the one at `a + 1` (see
            /// `translate::select_if`).
            SelectIf { dst: Slot, cond: Slot, a: Slot },
            /// [`Instr::SelectIf`] with an `i32.eqz` folded in: the value at
            /// `a` when the i32 at `cond` is zero, else the one at `a + 1`.
            SelectIfEqz { dst: Slot, cond: Slot, a: Slot },
            /// [`Instr::SelectIf`] with an `i64.eqz` folded in: the value at
            /// `a` when the i64 at `cond` is zero, else the one at `a + 1`.
            SelectIfEqz64 { dst: Slot, cond: Slot, a: Slot },
            /// [`Instr::SelectIf`] with an `i32.and` folded in: the value at
            /// `a` when the and of the i32s at `ab & 0xffff` and `ab >> 16`
            /// is not zero, else the one at `a + 1`.
            SelectIfAnd { dst: Slot, ab: u32, a: Slot },
            /// [`Instr::SelectIfAnd`] with an `i32.eqz` folded in too: the value
            /// at `a` when the and is zero.
            SelectIfAndEqz { dst: Slot, ab: u32, a: Slot },
            /// [`Instr::SelectIfAndEqz`] of two i64s (collatz's odd/even step;
            /// an i64 and without the eqz is no `if` condition).
            SelectIfAndEqz64 { dst: Slot, ab: u32, a: Slot },
            /// Read a global of the current instance.
            GlobalGet { dst: Slot, global: u32 },
            /// Write a global of the current instance.
            GlobalSet { src: Slot, global: u32 },
            /// A 32-bit constant (i32 or f32 bits).
            Const32 { dst: Slot, val: u32 },
            /// A 64-bit constant (i64 or f64 bits).
            Const64 { dst: Slot, val: u64 },
            /// `memory.size`.
            MemorySize { dst: Slot },
            /// `memory.grow`; the delta is read from `dst`.
            MemoryGrow { dst: Slot },
            /// `memory.fill`: destination, value, length at `base..base + 3`.
            MemoryFill { base: Slot },
            /// `memory.copy`: destination, source, length at `base..base + 3`.
            MemoryCopy { base: Slot },
            /// `memory.init`: destination, source, length at `base..base + 3`.
            MemoryInit { base: Slot, seg: u32 },
            /// A memory instruction on any memory but a plain memory 0 (see
            /// [`crate::vm::memop`]): operation `op` of the code's `memory_ops`,
            /// on slots `a` and `b`.
            MemoryN { a: Slot, b: Slot, op: u32 },
            /// `data.drop`.
            DataDrop { seg: u32 },
            /// `table.get`; the index is read from `dst`.
            TableGet { dst: Slot, table: u32 },
            /// `table.set`: index at `base`, reference at `base + 1`.
            TableSet { base: Slot, table: u32 },
            /// `table.size`.
            TableSize { dst: Slot, table: u32 },
            /// `table.grow`: init value at `base`, delta at `base + 1`; result at `base`.
            TableGrow { base: Slot, table: u32 },
            /// `table.fill`: index, value, length at `base..base + 3`.
            TableFill { base: Slot, table: u32 },
            /// `table.copy` from `src` to `dst_table`: d, s, n at `base..base + 3`.
            TableCopy { base: Slot, dst_table: u32, src_table: u32 },
            /// `table.init` from element segment `seg`: d, s, n at `base..base + 3`.
            TableInit { base: Slot, table: u32, seg: u32 },
            /// `elem.drop`.
            ElemDrop { seg: u32 },
            /// `ref.null` of either type.
            RefNull { dst: Slot },
            /// `ref.is_null`.
            RefIsNull { dst: Slot, src: Slot },
            /// `ref.func` of module function `func`.
            RefFunc { dst: Slot, func: u32 },
            $(
                #[doc = concat!("Unary `", stringify!($u), "`.")]
                $u { dst: Slot, src: Slot },
            )*
            $(
                #[doc = concat!("Binary `", stringify!($b), "`.")]
                $b { dst: Slot, a: Slot, b: Slot },
            )*
            $(
                #[doc = concat!("Load `", stringify!($l), "` from address slot `addr` plus `offset`.")]
                $l { dst: Slot, addr: Slot, offset: u32 },
            )*
            $(
                #[doc = concat!("Store `", stringify!($s), "` of `val` at address slot `addr` plus `offset`.")]
                $s { addr: Slot, val: Slot, offset: u32 },
            )*
            $(
                #[doc = concat!("Run mode: `", stringify!($c), "` compare fused with a conditional branch.")]
                $c { a: Slot, b: Slot, target: u32 },
            )*
            /// An atomic instruction (threads proposal): operands at `base..`,
            /// result (if any) left at `base`; its memory and offset are entry
            /// `memarg` of the code's `atomic_memargs`.
            Atomic { op: AtomicOp, base: Slot, memarg: u32 },
            /// A vector instruction (SIMD): entry `index` of the code's
            /// `simd_ops`; executed out of line. Kept aside so that no hot
            /// instruction's fields share its layout (see [`SimdInstr`]).
            Simd { index: u32 },
            /// `throw` or `throw_ref` (exception handling): operation `op` of
            /// the code's [`ExnCode`](crate::vm::translate::ExnCode); executed out of line.
            Exn { op: u32 },
            /// A GC instruction (structs, arrays, i31, casts): operation `op`
            /// of the code's [`GcOp`](crate::vm::translate::GcOp)s; executed out of line.
            Gc { op: u32 },
            /// A wide-arithmetic instruction: operands at `base..`, the two results left at `base`.
            Wide { op: WideOp, base: Slot },
            /// Run mode: `i64.eqz` fused with a conditional branch.
            BrIfI64Eqz { cond: Slot, target: u32 },
            /// Run mode: `i64.eqz` negated, fused with a conditional branch.
            BrIfI64Nez { cond: Slot, target: u32 },
            $(
                #[doc = concat!("Run mode: `", stringify!($t), "` (`dst = a & b`) fused with \
                    the branch on `dst` that follows it (see [`Instr::fuse_bit_test`]); `ab` \
                    packs the operand slots, `target` is relative to this instruction.")]
                $t { dst: Slot, ab: u32, target: u32 },
            )*
            $(
                #[doc = concat!("Run mode: `x += step` (`i32.add`) fused with the `", stringify!($k),
                    "` of `x` and `bound` that follows it (a loop counter); `step_target` packs \
                    the step slot and the branch target (see [`Instr::fuse_counter_branch`]).")]
                $k { x: Slot, bound: Slot, step_target: u32 },
            )*
        }

        impl Instr {
            /// Whether this is a plain unary or binary numeric instruction:
            /// it reads and writes frame slots only.
            pub fn is_numeric(&self) -> bool {
                matches!(self, $(Instr::$u { .. })|* | $(Instr::$b { .. })|*)
            }

            fn compare_operands(&self) -> Option<(Slot, Slot)> {
                match *self {
                    $(Instr::$c { a, b, .. })|* => Some((a, b)),
                    _ => None,
                }
            }

            fn compare_target_mut(&mut self) -> Option<&mut u32> {
                match self {
                    $(Instr::$c { target, .. })|* => Some(target),
                    _ => None,
                }
            }

            fn numeric_dst_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(Instr::$u { dst, .. })|*
                    | $(Instr::$b { dst, .. })|*
                    | $(Instr::$l { dst, .. })|* => Some(dst),
                    _ => None,
                }
            }
        }
    };
}

define_instrs! {
    unary: [
        I32Eqz, I64Eqz,
        I32Clz, I32Ctz, I32Popcnt, I64Clz, I64Ctz, I64Popcnt,
        F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
        F64Abs, F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt,
        I32WrapI64, I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U,
        I64ExtendI32S, I64ExtendI32U, I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
        F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64,
        F64ConvertI32S, F64ConvertI32U, F64ConvertI64S, F64ConvertI64U, F64PromoteF32,
        I32Extend8S, I32Extend16S, I64Extend8S, I64Extend16S, I64Extend32S,
        I32TruncSatF32S, I32TruncSatF32U, I32TruncSatF64S, I32TruncSatF64U,
        I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
    ],
    binary: [
        I32Eq, I32Ne, I32LtS, I32LtU, I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU,
        I64Eq, I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS, I64GeU,
        F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge,
        F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge,
        I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU,
        I32And, I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr,
        I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS, I64RemU,
        I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Rotl, I64Rotr,
        F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign,
        F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign,
    ],
    load: [
        I32Load, I64Load, F32Load, F64Load,
        I32Load8S, I32Load8U, I32Load16S, I32Load16U,
        I64Load8S, I64Load8U, I64Load16S, I64Load16U, I64Load32S, I64Load32U,
    ],
    store: [
        I32Store, I64Store, F32Store, F64Store,
        I32Store8, I32Store16, I64Store8, I64Store16, I64Store32,
    ],
    branch_compare: [
        BrIfI32Eq, BrIfI32Ne, BrIfI32LtS, BrIfI32LtU, BrIfI32GtS, BrIfI32GtU,
        BrIfI32LeS, BrIfI32LeU, BrIfI32GeS, BrIfI32GeU,
        BrIfI64Eq, BrIfI64Ne, BrIfI64LtS, BrIfI64LtU, BrIfI64GtS, BrIfI64GtU,
        BrIfI64LeS, BrIfI64LeU, BrIfI64GeS, BrIfI64GeU,
    ],
    counter_branch: [
        I32AddBrIfLtU, I32AddBrIfLeU, I32AddBrIfLtS, I32AddBrIfLeS, I32AddBrIfNe,
    ],
    bit_test: [
        I32AndBrIfNez, I32AndBrIfEqz, I64AndBrIfNez, I64AndBrIfEqz,
    ],
}

impl Instr {
    /// The slot this instruction writes its one result to, if it is a plain
    /// producer whose output may be redirected (used to fuse `local.set`).
    pub fn result_slot_mut(&mut self) -> Option<&mut Slot> {
        match self {
            Instr::Move { to, .. } => Some(to),
            Instr::GlobalGet { dst, .. }
            | Instr::Const32 { dst, .. }
            | Instr::Const64 { dst, .. }
            | Instr::MemorySize { dst }
            | Instr::RefNull { dst }
            | Instr::RefIsNull { dst, .. }
            | Instr::RefFunc { dst, .. }
            | Instr::SelectIf { dst, .. }
            | Instr::SelectIfEqz { dst, .. }
            | Instr::SelectIfEqz64 { dst, .. }
            | Instr::SelectIfAnd { dst, .. }
            | Instr::SelectIfAndEqz { dst, .. }
            | Instr::SelectIfAndEqz64 { dst, .. } => Some(dst),
            other => other.numeric_dst_mut(),
        }
    }

    /// The slot [`Instr::result_slot_mut`] names, read-only.
    pub fn result_slot(&self) -> Option<Slot> {
        let mut copy = *self;
        copy.result_slot_mut().copied()
    }

    /// Points a branch at instruction `pc` (absolute, during translation).
    pub fn set_target(&mut self, pc: u32) {
        if let Some(target) = self.target_mut() {
            *target = pc;
        }
    }

    /// The branch target field, if this is a branch. Translation works with
    /// absolute targets and finally makes them relative (see [`Instr::Br`]).
    pub fn target_mut(&mut self) -> Option<&mut u32> {
        match self {
            Instr::Br { target }
            | Instr::BrLoop { target }
            | Instr::BrIfNez { target, .. }
            | Instr::BrIfEqz { target, .. }
            | Instr::BrIfI64Eqz { target, .. }
            | Instr::BrIfI64Nez { target, .. } => Some(target),
            other => other.compare_target_mut(),
        }
    }

    /// The conditional branch taken exactly when this one is not.
    pub fn negated_branch(&self) -> Option<Instr> {
        macro_rules! opposite {
            ($($x:ident <=> $y:ident),* $(,)?) => {
                match *self {
                    $(
                        Instr::$x { a, b, target } => Some(Instr::$y { a, b, target }),
                        Instr::$y { a, b, target } => Some(Instr::$x { a, b, target }),
                    )*
                    Instr::BrIfEqz { cond, target } => Some(Instr::BrIfNez { cond, target }),
                    Instr::BrIfNez { cond, target } => Some(Instr::BrIfEqz { cond, target }),
                    Instr::BrIfI64Eqz { cond, target } => Some(Instr::BrIfI64Nez { cond, target }),
                    Instr::BrIfI64Nez { cond, target } => Some(Instr::BrIfI64Eqz { cond, target }),
                    _ => None,
                }
            };
        }
        opposite! {
            BrIfI32Eq <=> BrIfI32Ne, BrIfI32LtS <=> BrIfI32GeS, BrIfI32LtU <=> BrIfI32GeU,
            BrIfI32GtS <=> BrIfI32LeS, BrIfI32GtU <=> BrIfI32LeU,
            BrIfI64Eq <=> BrIfI64Ne, BrIfI64LtS <=> BrIfI64GeS, BrIfI64LtU <=> BrIfI64GeU,
            BrIfI64GtS <=> BrIfI64LeS, BrIfI64GtU <=> BrIfI64LeU,
        }
    }

    /// The slots a conditional branch reads.
    pub fn branch_operands(&self) -> Option<(Slot, Slot)> {
        match self.negated_branch()? {
            Instr::BrIfEqz { cond, .. }
            | Instr::BrIfNez { cond, .. }
            | Instr::BrIfI64Eqz { cond, .. }
            | Instr::BrIfI64Nez { cond, .. } => Some((cond, cond)),
            other => other.compare_operands(),
        }
    }

    /// Turns an integer compare (or `eqz`) that produced `cond` into a branch
    /// taken when the comparison is true (or false, when `negate`).
    pub fn fuse_with_branch(&self, negate: bool, target: u32) -> Option<Instr> {
        macro_rules! pairs {
            ($($cmp:ident => $yes:ident / $no:ident),* $(,)?) => {
                match *self {
                    $(Instr::$cmp { a, b, .. } => Some(if negate {
                        Instr::$no { a, b, target }
                    } else {
                        Instr::$yes { a, b, target }
                    }),)*
                    Instr::I32Eqz { src, .. } => Some(if negate {
                        Instr::BrIfNez { cond: src, target }
                    } else {
                        Instr::BrIfEqz { cond: src, target }
                    }),
                    Instr::I64Eqz { src, .. } => Some(if negate {
                        Instr::BrIfI64Nez { cond: src, target }
                    } else {
                        Instr::BrIfI64Eqz { cond: src, target }
                    }),
                    _ => None,
                }
            };
        }
        pairs! {
            I32Eq => BrIfI32Eq / BrIfI32Ne, I32Ne => BrIfI32Ne / BrIfI32Eq,
            I32LtS => BrIfI32LtS / BrIfI32GeS, I32LtU => BrIfI32LtU / BrIfI32GeU,
            I32GtS => BrIfI32GtS / BrIfI32LeS, I32GtU => BrIfI32GtU / BrIfI32LeU,
            I32LeS => BrIfI32LeS / BrIfI32GtS, I32LeU => BrIfI32LeU / BrIfI32GtU,
            I32GeS => BrIfI32GeS / BrIfI32LtS, I32GeU => BrIfI32GeU / BrIfI32LtU,
            I64Eq => BrIfI64Eq / BrIfI64Ne, I64Ne => BrIfI64Ne / BrIfI64Eq,
            I64LtS => BrIfI64LtS / BrIfI64GeS, I64LtU => BrIfI64LtU / BrIfI64GeU,
            I64GtS => BrIfI64GtS / BrIfI64LeS, I64GtU => BrIfI64GtU / BrIfI64LeU,
            I64LeS => BrIfI64LeS / BrIfI64GtS, I64LeU => BrIfI64LeU / BrIfI64GtU,
            I64GeS => BrIfI64GeS / BrIfI64LtS, I64GeU => BrIfI64GeU / BrIfI64LtU,
        }
    }
}

impl Instr {
    /// Run mode: this `i32.add` into its own first operand (`x += step`)
    /// and the conditional `branch` after it, which compares `x` with a
    /// bound, as one instruction. The pair is the most executed one in loops
    /// (measured on the benchmark programs). `branch_target` is relative to
    /// the branch; the fused instruction stands in place of the add and, when
    /// not taken, goes on after the branch (which stays, for any jump to it).
    /// None when the pair does not fit: the step slot must fit in 16 bits and
    /// the target in an `i16`.
    pub fn fuse_counter_branch(&self, branch: &Instr) -> Option<Instr> {
        let Instr::I32Add { dst: x, a, b: step } = *self else {
            return None;
        };
        let (bound, target) = match *branch {
            Instr::BrIfI32LtU { a, b, target }
            | Instr::BrIfI32LeU { a, b, target }
            | Instr::BrIfI32LtS { a, b, target }
            | Instr::BrIfI32LeS { a, b, target }
            | Instr::BrIfI32Ne { a, b, target }
                if a == x =>
            {
                (b, target as i32)
            }
            _ => return None,
        };
        if a != x || step > u16::MAX as u32 {
            return None;
        }
        let target = i16::try_from(target.checked_add(1)?).ok()?;
        let step_target = step | (target as u16 as u32) << 16;
        Some(match *branch {
            Instr::BrIfI32LtU { .. } => Instr::I32AddBrIfLtU {
                x,
                bound,
                step_target,
            },
            Instr::BrIfI32LeU { .. } => Instr::I32AddBrIfLeU {
                x,
                bound,
                step_target,
            },
            Instr::BrIfI32LtS { .. } => Instr::I32AddBrIfLtS {
                x,
                bound,
                step_target,
            },
            Instr::BrIfI32LeS { .. } => Instr::I32AddBrIfLeS {
                x,
                bound,
                step_target,
            },
            _ => Instr::I32AddBrIfNe {
                x,
                bound,
                step_target,
            },
        })
    }
}

impl Instr {
    /// Run mode: a `BrLoop` back by `back` (relative, negative) to this
    /// conditional branch, as one instruction, when this branch leaves the
    /// loop for the instruction right after the `BrLoop` (`block loop br_if
    /// 1 ... br 0 end end`, as compilers lay out `while` loops). The result
    /// is this branch negated, taken back into the loop body just after this
    /// branch, so an iteration runs one instruction fewer and its budget
    /// check stays on the (backward) taken path; not taken, it falls through
    /// to the exit, exactly where this branch would have gone. None when
    /// this is no such branch.
    pub fn rotated_loop_test(&self, back: u32) -> Option<Instr> {
        let back = back as i32;
        let mut test = *self;
        let exit = *test.target_mut()? as i32;
        let mut rotated = self.negated_branch()?;
        // The exit, relative to the `BrLoop`, must be 1; the body, just after
        // this branch, must lie behind the `BrLoop` (or at it).
        if back.checked_add(exit)? != 1 || back.checked_add(1)? > 0 {
            return None;
        }
        *rotated.target_mut()? = (back + 1) as u32;
        Some(rotated)
    }
}

impl Instr {
    /// Run mode: this `i32.and` or `i64.and` and the branch after it on
    /// whether its result is zero, as one instruction (a bit test, the most
    /// executed pair of the `collatz` benchmark program). Like
    /// [`Instr::fuse_counter_branch`] it stands in place of the `and`, writes
    /// the `and`'s result as before, and when not taken goes on after the
    /// branch, which stays for any jump to it. None when the pair does not
    /// fit: the two operand slots must fit in 16 bits each.
    pub fn fuse_bit_test(&self, branch: &Instr) -> Option<Instr> {
        let (dst, a, b, wide) = match *self {
            Instr::I32And { dst, a, b } => (dst, a, b, false),
            Instr::I64And { dst, a, b } => (dst, a, b, true),
            _ => return None,
        };
        let (cond, target, zero) = match *branch {
            Instr::BrIfNez { cond, target } if !wide => (cond, target, false),
            Instr::BrIfEqz { cond, target } if !wide => (cond, target, true),
            Instr::BrIfI64Nez { cond, target } if wide => (cond, target, false),
            Instr::BrIfI64Eqz { cond, target } if wide => (cond, target, true),
            _ => return None,
        };
        if cond != dst || a > u16::MAX as u32 || b > u16::MAX as u32 {
            return None;
        }
        let (ab, target) = (a | b << 16, (target as i32).checked_add(1)? as u32);
        Some(match (wide, zero) {
            (false, false) => Instr::I32AndBrIfNez { dst, ab, target },
            (false, true) => Instr::I32AndBrIfEqz { dst, ab, target },
            (true, false) => Instr::I64AndBrIfNez { dst, ab, target },
            (true, true) => Instr::I64AndBrIfEqz { dst, ab, target },
        })
    }
}

/// The step slot and the relative branch target packed in a counter
/// branch's `step_target` (see [`Instr::fuse_counter_branch`]).
#[inline(always)]
pub fn unpack_step_target(step_target: u32) -> (Slot, isize) {
    (
        step_target & 0xffff,
        (step_target >> 16) as u16 as i16 as isize,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn instructions_stay_two_words() {
        assert_eq!(std::mem::size_of::<super::Instr>(), 16);
    }

    #[test]
    fn a_counter_branch_keeps_its_step_and_target() {
        use super::{Instr, unpack_step_target};
        let add = Instr::I32Add {
            dst: 2,
            a: 2,
            b: 17,
        };
        let back = Instr::BrIfI32LtU {
            a: 2,
            b: 0,
            target: -4i32 as u32,
        };
        let fused = add.fuse_counter_branch(&back);
        assert_eq!(
            fused,
            Some(Instr::I32AddBrIfLtU {
                x: 2,
                bound: 0,
                step_target: 17 | 0xfffd_0000
            })
        );
        assert_eq!(unpack_step_target(17 | 0xfffd_0000), (17, -3));
        // Not a counter: the add writes another slot, or the branch tests another one.
        let other = Instr::I32Add {
            dst: 3,
            a: 2,
            b: 17,
        };
        assert_eq!(other.fuse_counter_branch(&back), None);
        let other_test = Instr::BrIfI32LtU {
            a: 0,
            b: 2,
            target: 5,
        };
        assert_eq!(add.fuse_counter_branch(&other_test), None);
        // A target beyond an i16 stays unfused.
        let far = Instr::BrIfI32LtU {
            a: 2,
            b: 0,
            target: -40_000i32 as u32,
        };
        assert_eq!(add.fuse_counter_branch(&far), None);
    }

    #[test]
    fn a_bit_test_keeps_its_operands_and_target() {
        use super::Instr;
        let and = Instr::I64And { dst: 5, a: 1, b: 3 };
        let branch = Instr::BrIfI64Nez {
            cond: 5,
            target: -6i32 as u32,
        };
        assert_eq!(
            and.fuse_bit_test(&branch),
            Some(Instr::I64AndBrIfNez {
                dst: 5,
                ab: 1 | 3 << 16,
                target: -5i32 as u32
            })
        );
        // The branch tests another slot, or the widths differ.
        let other = Instr::BrIfI64Nez { cond: 4, target: 2 };
        assert_eq!(and.fuse_bit_test(&other), None);
        let narrow = Instr::BrIfNez { cond: 5, target: 2 };
        assert_eq!(and.fuse_bit_test(&narrow), None);
        let i32_and = Instr::I32And { dst: 5, a: 1, b: 3 };
        assert_eq!(
            i32_and.fuse_bit_test(&Instr::BrIfEqz { cond: 5, target: 2 }),
            Some(Instr::I32AndBrIfEqz {
                dst: 5,
                ab: 1 | 3 << 16,
                target: 3
            })
        );
        // An operand slot beyond 16 bits stays unfused.
        let far = Instr::I64And {
            dst: 5,
            a: 70_000,
            b: 3,
        };
        assert_eq!(far.fuse_bit_test(&branch), None);
    }

    #[test]
    fn a_loop_entered_at_its_exit_test_is_rotated() {
        use super::Instr;
        // 10: br_if (i >= n) to 15; ... 14: br_loop to 10; 15: after the loop.
        let test = Instr::BrIfI32GeU {
            a: 1,
            b: 0,
            target: 5,
        };
        assert_eq!(
            test.rotated_loop_test(-4i32 as u32),
            Some(Instr::BrIfI32LtU {
                a: 1,
                b: 0,
                target: -3i32 as u32
            })
        );
        let eqz = Instr::BrIfEqz { cond: 3, target: 2 };
        assert_eq!(
            eqz.rotated_loop_test(-1i32 as u32),
            Some(Instr::BrIfNez { cond: 3, target: 0 })
        );
        // The test leaves to somewhere else than right after the jump back.
        assert_eq!(test.rotated_loop_test(-5i32 as u32), None);
        // Not a conditional branch.
        let add = Instr::I32Add { dst: 1, a: 1, b: 2 };
        assert_eq!(add.rotated_loop_test(-4i32 as u32), None);
    }

    #[test]
    fn narrow_operands_do_not_share_the_tag_word() {
        // A field in bytes 1-3 of an `Instr` costs a load at every dispatch.
        assert_eq!(std::mem::align_of::<super::AtomicOp>(), 4);
        assert_eq!(std::mem::align_of::<super::WideOp>(), 4);
    }
}

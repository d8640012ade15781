//! What the plain instructions compute, written once for both dispatchers:
//! the step loop's `match` (`run.rs`) and run mode's threaded handlers
//! (`threaded.rs`) each expand this table with their own control flow.
//!
//! `shared_ops!(callback { tokens })` invokes `callback!` with the tokens,
//! then one list per kind of instruction:
//! - `binary` / `unary`: variant, operand getter, result setter, the function;
//! - `binary_checked` / `unary_checked`: the same with a function that may trap;
//! - `load`: variant, bytes, result setter, the conversion from the bytes;
//! - `store`: variant, bytes, value getter, the conversion to the bytes;
//! - `branch_zero`: variant, getter, how the value compares with 0 to branch;
//! - `branch_compare`: variant, getter, how `a` compares with `b` to branch;
//! - `counter_branch`: variant, getter, how `x` compares with `bound`
//!   (see [`Instr::fuse_counter_branch`](crate::vm::instr::Instr::fuse_counter_branch));
//! - `bit_test`: variant, getter, setter, how `a & b` compares with 0
//!   (see [`Instr::fuse_bit_test`](crate::vm::instr::Instr::fuse_bit_test)).
//!
//! Getters and setters are [`Regs`](super::run::Regs) methods; functions name
//! `num` for [`super::numeric`].

macro_rules! shared_ops {
    ($callback:ident { $($tokens:tt)* }) => {
        $callback! {
            { $($tokens)* }
            binary: [
                I32Eq u32 set_bool { |x, y| x == y },
                I32Ne u32 set_bool { |x, y| x != y },
                I32LtS i32 set_bool { |x, y| x < y },
                I32LtU u32 set_bool { |x, y| x < y },
                I32GtS i32 set_bool { |x, y| x > y },
                I32GtU u32 set_bool { |x, y| x > y },
                I32LeS i32 set_bool { |x, y| x <= y },
                I32LeU u32 set_bool { |x, y| x <= y },
                I32GeS i32 set_bool { |x, y| x >= y },
                I32GeU u32 set_bool { |x, y| x >= y },
                I64Eq get set_bool { |x, y| x == y },
                I64Ne get set_bool { |x, y| x != y },
                I64LtS i64 set_bool { |x, y| x < y },
                I64LtU get set_bool { |x, y| x < y },
                I64GtS i64 set_bool { |x, y| x > y },
                I64GtU get set_bool { |x, y| x > y },
                I64LeS i64 set_bool { |x, y| x <= y },
                I64LeU get set_bool { |x, y| x <= y },
                I64GeS i64 set_bool { |x, y| x >= y },
                I64GeU get set_bool { |x, y| x >= y },
                F32Eq f32 set_bool { |x, y| x == y },
                F32Ne f32 set_bool { |x, y| x != y },
                F32Lt f32 set_bool { |x, y| x < y },
                F32Gt f32 set_bool { |x, y| x > y },
                F32Le f32 set_bool { |x, y| x <= y },
                F32Ge f32 set_bool { |x, y| x >= y },
                F64Eq f64 set_bool { |x, y| x == y },
                F64Ne f64 set_bool { |x, y| x != y },
                F64Lt f64 set_bool { |x, y| x < y },
                F64Gt f64 set_bool { |x, y| x > y },
                F64Le f64 set_bool { |x, y| x <= y },
                F64Ge f64 set_bool { |x, y| x >= y },
                I32Add u32 set_u32 { |x, y| x.wrapping_add(y) },
                I32Sub u32 set_u32 { |x, y| x.wrapping_sub(y) },
                I32Mul u32 set_u32 { |x, y| x.wrapping_mul(y) },
                I32And u32 set_u32 { |x, y| x & y },
                I32Or u32 set_u32 { |x, y| x | y },
                I32Xor u32 set_u32 { |x, y| x ^ y },
                I32Shl u32 set_u32 { |x, y| x.wrapping_shl(y) },
                I32ShrS i32 set_i32 { |x, y| x.wrapping_shr(y as u32) },
                I32ShrU u32 set_u32 { |x, y| x.wrapping_shr(y) },
                I32Rotl u32 set_u32 { |x, y| x.rotate_left(y) },
                I32Rotr u32 set_u32 { |x, y| x.rotate_right(y) },
                I64Add get set { |x, y| x.wrapping_add(y) },
                I64Sub get set { |x, y| x.wrapping_sub(y) },
                I64Mul get set { |x, y| x.wrapping_mul(y) },
                I64And get set { |x, y| x & y },
                I64Or get set { |x, y| x | y },
                I64Xor get set { |x, y| x ^ y },
                I64Shl get set { |x, y| x.wrapping_shl(y as u32) },
                I64ShrS i64 set_i64 { |x, y| x.wrapping_shr(y as u32) },
                I64ShrU get set { |x, y| x.wrapping_shr(y as u32) },
                I64Rotl get set { |x, y| x.rotate_left((y % 64) as u32) },
                I64Rotr get set { |x, y| x.rotate_right((y % 64) as u32) },
                F32Add f32 set_f32 { |x, y| x + y },
                F32Sub f32 set_f32 { |x, y| x - y },
                F32Mul f32 set_f32 { |x, y| x * y },
                F32Div f32 set_f32 { |x, y| x / y },
                F32Min f32 set_f32 { |x, y| num::f32_min(x, y) },
                F32Max f32 set_f32 { |x, y| num::f32_max(x, y) },
                F32Copysign u32 set_u32 { |x, y| (x & 0x7fff_ffff) | (y & 0x8000_0000) },
                F64Add f64 set_f64 { |x, y| x + y },
                F64Sub f64 set_f64 { |x, y| x - y },
                F64Mul f64 set_f64 { |x, y| x * y },
                F64Div f64 set_f64 { |x, y| x / y },
                F64Min f64 set_f64 { |x, y| num::f64_min(x, y) },
                F64Max f64 set_f64 { |x, y| num::f64_max(x, y) },
                F64Copysign get set { |x, y| (x & !(1 << 63)) | (y & (1 << 63)) },
            ]
            binary_checked: [
                I32DivS i32 set_i32 { num::i32_div_s },
                I32DivU u32 set_u32 { num::i32_div_u },
                I32RemS i32 set_i32 { num::i32_rem_s },
                I32RemU u32 set_u32 { num::i32_rem_u },
                I64DivS i64 set_i64 { num::i64_div_s },
                I64DivU get set { num::i64_div_u },
                I64RemS i64 set_i64 { num::i64_rem_s },
                I64RemU get set { num::i64_rem_u },
            ]
            unary: [
                I32Eqz u32 set_bool { |x| x == 0 },
                I64Eqz get set_bool { |x| x == 0 },
                I32Clz u32 set_u32 { |x| x.leading_zeros() },
                I32Ctz u32 set_u32 { |x| x.trailing_zeros() },
                I32Popcnt u32 set_u32 { |x| x.count_ones() },
                I64Clz get set { |x| x.leading_zeros() as u64 },
                I64Ctz get set { |x| x.trailing_zeros() as u64 },
                I64Popcnt get set { |x| x.count_ones() as u64 },
                F32Abs u32 set_u32 { |x| x & 0x7fff_ffff },
                F32Neg u32 set_u32 { |x| x ^ 0x8000_0000 },
                F32Ceil f32 set_f32 { |x| num::f32_round(x, f32::ceil) },
                F32Floor f32 set_f32 { |x| num::f32_round(x, f32::floor) },
                F32Trunc f32 set_f32 { |x| num::f32_round(x, f32::trunc) },
                F32Nearest f32 set_f32 { |x| num::f32_round(x, num::f32_nearest) },
                F32Sqrt f32 set_f32 { |x| num::f32_round(x, f32::sqrt) },
                F64Abs get set { |x| x & 0x7fff_ffff_ffff_ffff },
                F64Neg get set { |x| x ^ 0x8000_0000_0000_0000 },
                F64Ceil f64 set_f64 { |x| num::f64_round(x, f64::ceil) },
                F64Floor f64 set_f64 { |x| num::f64_round(x, f64::floor) },
                F64Trunc f64 set_f64 { |x| num::f64_round(x, f64::trunc) },
                F64Nearest f64 set_f64 { |x| num::f64_round(x, num::f64_nearest) },
                F64Sqrt f64 set_f64 { |x| num::f64_round(x, f64::sqrt) },
                I32WrapI64 get set_u32 { |x| x as u32 },
                I64ExtendI32S i32 set_i64 { |x| x as i64 },
                I64ExtendI32U u32 set { |x| x as u64 },
                F32ConvertI32S i32 set_f32 { |x| x as f32 },
                F32ConvertI32U u32 set_f32 { |x| x as f32 },
                F32ConvertI64S i64 set_f32 { |x| x as f32 },
                F32ConvertI64U get set_f32 { |x| x as f32 },
                F32DemoteF64 f64 set_f32 { |x| x as f32 },
                F64ConvertI32S i32 set_f64 { |x| x as f64 },
                F64ConvertI32U u32 set_f64 { |x| x as f64 },
                F64ConvertI64S i64 set_f64 { |x| x as f64 },
                F64ConvertI64U get set_f64 { |x| x as f64 },
                F64PromoteF32 f32 set_f64 { |x| x as f64 },
                I32Extend8S u32 set_i32 { |x| x as i8 as i32 },
                I32Extend16S u32 set_i32 { |x| x as i16 as i32 },
                I64Extend8S get set_i64 { |x| x as i8 as i64 },
                I64Extend16S get set_i64 { |x| x as i16 as i64 },
                I64Extend32S get set_i64 { |x| x as i32 as i64 },
                I32TruncSatF32S f32 set_i32 { |x| num::i32_trunc_sat_f32_s(x) },
                I32TruncSatF32U f32 set_u32 { |x| num::i32_trunc_sat_f32_u(x) },
                I32TruncSatF64S f64 set_i32 { |x| num::i32_trunc_sat_f64_s(x) },
                I32TruncSatF64U f64 set_u32 { |x| num::i32_trunc_sat_f64_u(x) },
                I64TruncSatF32S f32 set_i64 { |x| num::i64_trunc_sat_f32_s(x) },
                I64TruncSatF32U f32 set { |x| num::i64_trunc_sat_f32_u(x) },
                I64TruncSatF64S f64 set_i64 { |x| num::i64_trunc_sat_f64_s(x) },
                I64TruncSatF64U f64 set { |x| num::i64_trunc_sat_f64_u(x) },
            ]
            unary_checked: [
                I32TruncF32S f32 set_i32 { num::i32_trunc_f32_s },
                I32TruncF32U f32 set_u32 { num::i32_trunc_f32_u },
                I32TruncF64S f64 set_i32 { num::i32_trunc_f64_s },
                I32TruncF64U f64 set_u32 { num::i32_trunc_f64_u },
                I64TruncF32S f32 set_i64 { num::i64_trunc_f32_s },
                I64TruncF32U f32 set { num::i64_trunc_f32_u },
                I64TruncF64S f64 set_i64 { num::i64_trunc_f64_s },
                I64TruncF64U f64 set { num::i64_trunc_f64_u },
            ]
            load: [
                I32Load 4 set_u32 { |b| u32::from_le_bytes(b) },
                I64Load 8 set { |b| u64::from_le_bytes(b) },
                F32Load 4 set_u32 { |b| u32::from_le_bytes(b) },
                F64Load 8 set { |b| u64::from_le_bytes(b) },
                I32Load8S 1 set_i32 { |b| b[0] as i8 as i32 },
                I32Load8U 1 set_u32 { |b| b[0] as u32 },
                I32Load16S 2 set_i32 { |b| i16::from_le_bytes(b) as i32 },
                I32Load16U 2 set_u32 { |b| u16::from_le_bytes(b) as u32 },
                I64Load8S 1 set_i64 { |b| b[0] as i8 as i64 },
                I64Load8U 1 set { |b| b[0] as u64 },
                I64Load16S 2 set_i64 { |b| i16::from_le_bytes(b) as i64 },
                I64Load16U 2 set { |b| u16::from_le_bytes(b) as u64 },
                I64Load32S 4 set_i64 { |b| i32::from_le_bytes(b) as i64 },
                I64Load32U 4 set { |b| u32::from_le_bytes(b) as u64 },
            ]
            store: [
                I32Store 4 u32 { |v| v.to_le_bytes() },
                I64Store 8 get { |v| v.to_le_bytes() },
                F32Store 4 u32 { |v| v.to_le_bytes() },
                F64Store 8 get { |v| v.to_le_bytes() },
                I32Store8 1 get { |v| [v as u8] },
                I32Store16 2 get { |v| (v as u16).to_le_bytes() },
                I64Store8 1 get { |v| [v as u8] },
                I64Store16 2 get { |v| (v as u16).to_le_bytes() },
                I64Store32 4 get { |v| (v as u32).to_le_bytes() },
            ]
            branch_zero: [
                BrIfNez u32 !=,
                BrIfEqz u32 ==,
                BrIfI64Nez get !=,
                BrIfI64Eqz get ==,
            ]
            branch_compare: [
                BrIfI32Eq u32 ==,
                BrIfI32Ne u32 !=,
                BrIfI32LtS i32 <,
                BrIfI32LtU u32 <,
                BrIfI32GtS i32 >,
                BrIfI32GtU u32 >,
                BrIfI32LeS i32 <=,
                BrIfI32LeU u32 <=,
                BrIfI32GeS i32 >=,
                BrIfI32GeU u32 >=,
                BrIfI64Eq get ==,
                BrIfI64Ne get !=,
                BrIfI64LtS i64 <,
                BrIfI64LtU get <,
                BrIfI64GtS i64 >,
                BrIfI64GtU get >,
                BrIfI64LeS i64 <=,
                BrIfI64LeU get <=,
                BrIfI64GeS i64 >=,
                BrIfI64GeU get >=,
            ]
            counter_branch: [
                I32AddBrIfLtU u32 <,
                I32AddBrIfLeU u32 <=,
                I32AddBrIfLtS i32 <,
                I32AddBrIfLeS i32 <=,
                I32AddBrIfNe u32 !=,
            ]
            bit_test: [
                I32AndBrIfNez u32 set_u32 !=,
                I32AndBrIfEqz u32 set_u32 ==,
                I64AndBrIfNez get set !=,
                I64AndBrIfEqz get set ==,
            ]
        }
    };
}

/// [`Instr::SelectIf`](crate::vm::instr::Instr::SelectIf) and its folded
/// forms: the value at `a` when `pick_a`, else the one at `a + 1`. Both are
/// read first and the choice is a conditional move, never a branch (the
/// point of the instruction).
#[inline(always)]
pub(super) fn select_if(regs: super::run::Regs, pick_a: bool, a: crate::vm::instr::Slot) -> u64 {
    std::hint::select_unpredictable(pick_a, regs.get(a), regs.get(a + 1))
}

/// The and of the two slots packed in `ab` (16 bits each, see
/// [`Instr::SelectIfAnd`](crate::vm::instr::Instr::SelectIfAnd)), all 64
/// bits: an i32 and's value is its low 32.
#[inline(always)]
pub(super) fn and_of(regs: super::run::Regs, ab: u32) -> u64 {
    regs.get(ab & 0xffff) & regs.get(ab >> 16)
}

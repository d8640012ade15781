//! Execution of the vector instructions, out of the interpreter loop: the
//! step loop's one [`Instr::Simd`](crate::vm::instr::Instr::Simd) arm calls
//! [`execute`], which is never inlined, so scalar code pays nothing for it;
//! run mode's vector handler runs the common ones ([`fast`]) itself.
//!
//! Portable Rust over lanes (see [`crate::vm::lanes`]). Float arithmetic
//! gives whatever NaN the hardware gives (the spec allows any arithmetic
//! NaN); min/max/rounding follow [`super::numeric`].
//!
//! Relaxed SIMD takes one deterministic choice per instruction, the same in
//! run and step mode:
//!
//! | instruction | watlab gives |
//! |---|---|
//! | `i8x16.relaxed_swizzle` | `i8x16.swizzle` (index >= 16 gives 0) |
//! | `i32x4.relaxed_trunc_*` | the matching `trunc_sat` (NaN gives 0, saturating) |
//! | `f32x4/f64x2.relaxed_madd`, `relaxed_nmadd` | unfused `a*b+c`, `-(a*b)+c` (two roundings) |
//! | `*.relaxed_laneselect` | `v128.bitselect` (bit by bit) |
//! | `f32x4/f64x2.relaxed_min/max` | `f32x4/f64x2.min/max` (NaN-propagating) |
//! | `i16x8.relaxed_q15mulr_s` | `i16x8.q15mulr_sat_s` |
//! | `i16x8.relaxed_dot_i8x16_i7x16_s` | signed x signed products, sums wrap |
//! | `i32x4.relaxed_dot_i8x16_i7x16_add_s` | signed x signed products, sums wrap |

use super::numeric as num;
use super::run::Regs;
use crate::vm::instr::{SimdInstr, Slot};
use crate::vm::lanes::*;
use crate::vm::simd_op::SimdOp;
use crate::vm::store::{Global, GlobalAddr, Instance, StoreData};

/// An access of memory 0 out of bounds: the address, offset and size the
/// loop's trap names.
#[derive(Clone, Copy, Debug)]
pub(super) struct OutOfBounds {
    /// The address operand.
    pub addr: u32,
    /// The static offset.
    pub offset: u32,
    /// Bytes accessed.
    pub size: u8,
}

/// Runs one vector instruction (operands as [`crate::vm::simd_op::Form`] says):
/// [`fast`], or else [`general`].
#[inline(never)]
pub(super) fn execute(
    s: &SimdInstr,
    slots: &mut [u64],
    memory: &mut [u8],
    data: &mut StoreData,
    inst: &Instance,
) -> Result<(), OutOfBounds> {
    // The frame's slots (`Regs`' invariant: the translator's slots are below `frame_size`).
    if fast(s, Regs(slots.as_mut_ptr()), memory)? {
        return Ok(());
    }
    general(s, slots, memory, data, inst)
}

/// Runs the vector instructions loops spend their time in (`v128.load`/
/// `store`, the lane-wise `i32x4`/`i64x2`/`f32x4`/`f64x2` arithmetic,
/// bitwise ops, `splat`, `extract_lane`) on the slots' two 64-bit halves,
/// and says so; false for every other one. Inlined into run mode's vector
/// handler, which then calls nothing for these.
#[inline(always)]
pub(super) fn fast(s: &SimdInstr, r: Regs, memory: &mut [u8]) -> Result<bool, OutOfBounds> {
    use SimdOp as S;
    let (d, a, b) = (s.dst, s.a, s.b);
    let l = u32::from(s.lane);
    match s.op {
        S::V128Load => {
            let v = u128::from_le_bytes(*at::<16>(memory, r.u32(a), s.b)?);
            r.set(d, v as u64);
            r.set(d + 1, (v >> 64) as u64);
        }
        S::V128Store => {
            let v = u128::from(r.get(d)) | u128::from(r.get(d + 1)) << 64;
            *at::<16>(memory, r.u32(a), s.b)? = v.to_le_bytes();
        }
        S::V128And => halves(r, d, a, b, |p, q| p & q),
        S::V128AndNot => halves(r, d, a, b, |p, q| p & !q),
        S::V128Or => halves(r, d, a, b, |p, q| p | q),
        S::V128Xor => halves(r, d, a, b, |p, q| p ^ q),
        S::I32x4Add => quarters(r, d, a, b, u32::wrapping_add),
        S::I32x4Sub => quarters(r, d, a, b, u32::wrapping_sub),
        S::I32x4Mul => quarters(r, d, a, b, u32::wrapping_mul),
        S::I64x2Add => halves(r, d, a, b, u64::wrapping_add),
        S::I64x2Sub => halves(r, d, a, b, u64::wrapping_sub),
        S::I64x2Mul => halves(r, d, a, b, u64::wrapping_mul),
        S::F32x4Add => quarters(r, d, a, b, |p, q| f32_op(p, q, |x, y| x + y)),
        S::F32x4Sub => quarters(r, d, a, b, |p, q| f32_op(p, q, |x, y| x - y)),
        S::F32x4Mul => quarters(r, d, a, b, |p, q| f32_op(p, q, |x, y| x * y)),
        S::F32x4Div => quarters(r, d, a, b, |p, q| f32_op(p, q, |x, y| x / y)),
        S::F64x2Add => halves(r, d, a, b, |p, q| f64_op(p, q, |x, y| x + y)),
        S::F64x2Sub => halves(r, d, a, b, |p, q| f64_op(p, q, |x, y| x - y)),
        S::F64x2Mul => halves(r, d, a, b, |p, q| f64_op(p, q, |x, y| x * y)),
        S::F64x2Div => halves(r, d, a, b, |p, q| f64_op(p, q, |x, y| x / y)),
        S::I32x4Splat | S::F32x4Splat => {
            let x = r.get(a) & 0xffff_ffff;
            r.set(d, x | x << 32);
            r.set(d + 1, x | x << 32);
        }
        S::I64x2Splat | S::F64x2Splat => {
            r.set(d + 1, r.get(a));
            r.set(d, r.get(a));
        }
        S::I32x4ExtractLane | S::F32x4ExtractLane => {
            r.set(d, r.get(a + l / 2) >> (32 * (l % 2)) & 0xffff_ffff);
        }
        S::I64x2ExtractLane | S::F64x2ExtractLane => r.set(d, r.get(a + l)),
        _ => return Ok(false),
    }
    Ok(true)
}

/// `dst` <- `f` of the 64-bit halves of the vectors at `a` and `b`.
#[inline(always)]
fn halves(r: Regs, d: Slot, a: Slot, b: Slot, f: impl Fn(u64, u64) -> u64) {
    let (x, y) = ([r.get(a), r.get(a + 1)], [r.get(b), r.get(b + 1)]);
    r.set(d, f(x[0], y[0]));
    r.set(d + 1, f(x[1], y[1]));
}

/// `dst` <- `f` of the 32-bit lanes of the vectors at `a` and `b`.
#[inline(always)]
fn quarters(r: Regs, d: Slot, a: Slot, b: Slot, f: impl Fn(u32, u32) -> u32) {
    halves(r, d, a, b, |p, q| {
        let lo = f(p as u32, q as u32);
        let hi = f((p >> 32) as u32, (q >> 32) as u32);
        u64::from(lo) | u64::from(hi) << 32
    });
}

/// An `f32` operation on lane bits.
#[inline(always)]
fn f32_op(p: u32, q: u32, f: impl Fn(f32, f32) -> f32) -> u32 {
    f(f32::from_bits(p), f32::from_bits(q)).to_bits()
}

/// An `f64` operation on lane bits.
#[inline(always)]
fn f64_op(p: u64, q: u64, f: impl Fn(f64, f64) -> f64) -> u64 {
    f(f64::from_bits(p), f64::from_bits(q)).to_bits()
}

/// The `N` bytes of memory 0 at `addr` plus `offset`, or the fault.
#[inline(always)]
fn at<const N: usize>(
    memory: &mut [u8],
    addr: u32,
    offset: u32,
) -> Result<&mut [u8; N], OutOfBounds> {
    let fault = OutOfBounds {
        addr,
        offset,
        size: N as u8,
    };
    let start = u64::from(addr) + u64::from(offset);
    if start + N as u64 > memory.len() as u64 {
        return Err(fault);
    }
    let start = start as usize;
    (&mut memory[start..start + N])
        .try_into()
        .map_err(|_| fault)
}

/// What the less common vector instructions may touch: the frame's slots,
/// memory 0, the globals.
struct Machine<'a> {
    /// The running frame's slots.
    slots: &'a mut [u64],
    /// The instance's first memory (empty when it has none).
    memory: &'a mut [u8],
    /// Every global of the store.
    globals: &'a mut [Global],
    /// The instance's globals by index.
    instance_globals: &'a [GlobalAddr],
}

impl Machine<'_> {
    fn v(&self, s: Slot) -> u128 {
        let s = s as usize;
        u128::from(self.slots[s]) | u128::from(self.slots[s + 1]) << 64
    }

    fn set_v(&mut self, s: Slot, v: u128) {
        let s = s as usize;
        self.slots[s] = v as u64;
        self.slots[s + 1] = (v >> 64) as u64;
    }

    /// The `n` bytes at address slot `addr` plus `offset`, or the fault.
    fn bytes(&mut self, addr: Slot, offset: u32, n: usize) -> Result<&mut [u8], OutOfBounds> {
        let addr = self.slots[addr as usize] as u32;
        let start = u64::from(addr) + u64::from(offset);
        if start + n as u64 > self.memory.len() as u64 {
            return Err(OutOfBounds {
                addr,
                offset,
                size: n as u8,
            });
        }
        Ok(&mut self.memory[start as usize..start as usize + n])
    }

    fn load(&mut self, addr: Slot, offset: u32, n: usize) -> Result<u128, OutOfBounds> {
        let mut buf = [0u8; 16];
        buf[..n].copy_from_slice(self.bytes(addr, offset, n)?);
        Ok(u128::from_le_bytes(buf))
    }

    fn store(&mut self, addr: Slot, offset: u32, n: usize, v: u128) -> Result<(), OutOfBounds> {
        self.bytes(addr, offset, n)?
            .copy_from_slice(&v.to_le_bytes()[..n]);
        Ok(())
    }

    fn global(&mut self, index: Slot) -> &mut Global {
        let addr = self.instance_globals[index as usize];
        &mut self.globals[addr.index()]
    }
}

/// Every vector instruction [`execute`] does not do itself.
#[cold]
#[inline(never)]
fn general(
    s: &SimdInstr,
    slots: &mut [u64],
    memory: &mut [u8],
    data: &mut StoreData,
    inst: &Instance,
) -> Result<(), OutOfBounds> {
    use SimdOp as S;
    let (op, l, dst, a, b) = (s.op, s.lane as usize, s.dst, s.a, s.b);
    let mut m = Machine {
        slots,
        memory,
        globals: &mut data.globals,
        instance_globals: &inst.globals,
    };
    match op {
        S::V128Load8x8S
        | S::V128Load8x8U
        | S::V128Load16x4S
        | S::V128Load16x4U
        | S::V128Load32x2S
        | S::V128Load32x2U
        | S::V128Load8Splat
        | S::V128Load16Splat
        | S::V128Load32Splat
        | S::V128Load64Splat
        | S::V128Load32Zero
        | S::V128Load64Zero => {
            let v = load(op, &mut m, a, b)?;
            m.set_v(dst, v);
        }
        S::V128Load8Lane | S::V128Load16Lane | S::V128Load32Lane | S::V128Load64Lane => {
            let n = access_bytes(op);
            let v = m.v(dst + 1);
            let x = m.load(dst, b, n)?;
            m.set_v(dst, with_lane(v, n, l, x));
        }
        S::V128Store8Lane | S::V128Store16Lane | S::V128Store32Lane | S::V128Store64Lane => {
            let n = access_bytes(op);
            let x = m.v(dst) >> (8 * n * l);
            m.store(a, b, n, x)?;
        }
        S::GlobalGet => {
            let g = m.global(a);
            let v = u128::from(g.value) | u128::from(g.high) << 64;
            m.set_v(dst, v);
        }
        S::GlobalSet => {
            let v = m.v(dst);
            let g = m.global(a);
            (g.value, g.high) = (v as u64, (v >> 64) as u64);
        }
        S::Select => {
            if m.slots[b as usize] as u32 == 0 {
                let v = m.v(a);
                m.set_v(dst, v);
            }
        }
        S::I8x16Shuffle => {
            let (x, y, mask) = (u8s(m.v(a)), u8s(m.v(b)), u8s(m.v(dst + 4)));
            let pick = |i: u8| {
                let i = i as usize;
                if i < 16 { x[i] } else { y[i & 15] }
            };
            m.set_v(dst, from_u8s(mask.map(pick)));
        }
        _ => {
            lanes_op(op, l, dst, a, b, m.slots);
        }
    }
    Ok(())
}

/// Bytes a vector load or store moves.
pub(super) fn access_bytes(op: SimdOp) -> usize {
    use SimdOp as S;
    match op {
        S::V128Load8Lane | S::V128Store8Lane | S::V128Load8Splat => 1,
        S::V128Load16Lane | S::V128Store16Lane | S::V128Load16Splat => 2,
        S::V128Load32Lane | S::V128Store32Lane | S::V128Load32Splat | S::V128Load32Zero => 4,
        S::V128Load | S::V128Store => 16,
        _ => 8,
    }
}

/// `v` with its `n`-byte lane `l` replaced by the low bytes of `x`.
pub(super) fn with_lane(v: u128, n: usize, l: usize, x: u128) -> u128 {
    let mask = (u128::MAX >> (128 - 8 * n)) << (8 * n * l);
    (v & !mask) | ((x << (8 * n * l)) & mask)
}

/// The extending, splatting and zero-filling loads.
fn load(op: SimdOp, m: &mut Machine<'_>, addr: Slot, offset: u32) -> Result<u128, OutOfBounds> {
    let x = m.load(addr, offset, access_bytes(op))?;
    Ok(widen(op, x))
}

/// The vector a load of `op` makes of the `access_bytes(op)` bytes `x`
/// it read (little-endian): extended, splatted or zero-filled.
pub(super) fn widen(op: SimdOp, x: u128) -> u128 {
    use SimdOp as S;
    match op {
        S::V128Load8x8S => from_i16s(std::array::from_fn(|i| i16::from(i8s(x)[i]))),
        S::V128Load8x8U => from_u16s(std::array::from_fn(|i| u16::from(u8s(x)[i]))),
        S::V128Load16x4S => from_i32s(std::array::from_fn(|i| i32::from(i16s(x)[i]))),
        S::V128Load16x4U => from_u32s(std::array::from_fn(|i| u32::from(u16s(x)[i]))),
        S::V128Load32x2S => from_i64s(std::array::from_fn(|i| i64::from(i32s(x)[i]))),
        S::V128Load32x2U => from_u64s(std::array::from_fn(|i| u64::from(u32s(x)[i]))),
        S::V128Load8Splat => from_u8s([x as u8; 16]),
        S::V128Load16Splat => from_u16s([x as u16; 8]),
        S::V128Load32Splat => from_u32s([x as u32; 4]),
        S::V128Load64Splat => from_u64s([x as u64; 2]),
        _ => x,
    }
}

macro_rules! map1 {
    ($get:ident, $put:ident, $x:expr, |$p:ident| $e:expr) => {
        $put($get($x).map(|$p| $e))
    };
}

macro_rules! map2 {
    ($get:ident, $put:ident, $x:expr, $y:expr, |$p:ident, $q:ident| $e:expr) => {{
        let (xs, ys) = ($get($x), $get($y));
        $put(std::array::from_fn(|i| {
            let ($p, $q) = (xs[i], ys[i]);
            $e
        }))
    }};
}

/// A lane comparison's result: all ones when true.
fn mask<T: From<i8>>(c: bool) -> T {
    T::from(if c { -1 } else { 0 })
}

/// Pairs of adjacent lanes of `x`, widened and added (`extadd_pairwise`, `dot`).
fn pairs<T: Copy, W: std::ops::Add<Output = W>, const N: usize, const H: usize>(
    x: [T; N],
    widen: impl Fn(T) -> W,
) -> [W; H] {
    std::array::from_fn(|i| widen(x[2 * i]) + widen(x[2 * i + 1]))
}

/// The low (`high == false`) or high half of `x`'s lanes.
fn half<T: Copy, const N: usize, const H: usize>(x: [T; N], high: bool) -> [T; H] {
    std::array::from_fn(|i| x[if high { i + H } else { i }])
}

/// Lane-wise instructions that read and write only slots.
fn lanes_op(op: SimdOp, l: usize, dst: Slot, a: Slot, b: Slot, slots: &mut [u64]) {
    use SimdOp as S;
    let v = |s: Slot| u128::from(slots[s as usize]) | u128::from(slots[s as usize + 1]) << 64;
    let scalar = |s: Slot| slots[s as usize];
    let x = v(a);
    let result: u128 = match op {
        // Lanes in and out.
        S::I8x16ExtractLaneS => return set_scalar(slots, dst, i8s(x)[l] as i32 as u32 as u64),
        S::I8x16ExtractLaneU => return set_scalar(slots, dst, u64::from(u8s(x)[l])),
        S::I16x8ExtractLaneS => return set_scalar(slots, dst, i16s(x)[l] as i32 as u32 as u64),
        S::I16x8ExtractLaneU => return set_scalar(slots, dst, u64::from(u16s(x)[l])),
        S::I8x16ReplaceLane => with_lane(x, 1, l, u128::from(scalar(b))),
        S::I16x8ReplaceLane => with_lane(x, 2, l, u128::from(scalar(b))),
        S::I32x4ReplaceLane | S::F32x4ReplaceLane => with_lane(x, 4, l, u128::from(scalar(b))),
        S::I64x2ReplaceLane | S::F64x2ReplaceLane => with_lane(x, 8, l, u128::from(scalar(b))),
        S::I8x16Splat => from_u8s([slots[a as usize] as u8; 16]),
        S::I16x8Splat => from_u16s([slots[a as usize] as u16; 8]),
        // Tests.
        S::V128AnyTrue => return set_scalar(slots, dst, u64::from(x != 0)),
        S::I8x16AllTrue => {
            return set_scalar(slots, dst, u64::from(u8s(x).iter().all(|&e| e != 0)));
        }
        S::I16x8AllTrue => {
            return set_scalar(slots, dst, u64::from(u16s(x).iter().all(|&e| e != 0)));
        }
        S::I32x4AllTrue => {
            return set_scalar(slots, dst, u64::from(u32s(x).iter().all(|&e| e != 0)));
        }
        S::I64x2AllTrue => {
            return set_scalar(slots, dst, u64::from(u64s(x).iter().all(|&e| e != 0)));
        }
        S::I8x16Bitmask => return set_scalar(slots, dst, bitmask(i8s(x).map(|e| e < 0))),
        S::I16x8Bitmask => return set_scalar(slots, dst, bitmask(i16s(x).map(|e| e < 0))),
        S::I32x4Bitmask => return set_scalar(slots, dst, bitmask(i32s(x).map(|e| e < 0))),
        S::I64x2Bitmask => return set_scalar(slots, dst, bitmask(i64s(x).map(|e| e < 0))),
        // Shifts: the count is taken modulo the lane width.
        S::I8x16Shl => map1!(u8s, from_u8s, x, |e| e.wrapping_shl(scalar(b) as u32)),
        S::I8x16ShrS => map1!(i8s, from_i8s, x, |e| e.wrapping_shr(scalar(b) as u32)),
        S::I8x16ShrU => map1!(u8s, from_u8s, x, |e| e.wrapping_shr(scalar(b) as u32)),
        S::I16x8Shl => map1!(u16s, from_u16s, x, |e| e.wrapping_shl(scalar(b) as u32)),
        S::I16x8ShrS => map1!(i16s, from_i16s, x, |e| e.wrapping_shr(scalar(b) as u32)),
        S::I16x8ShrU => map1!(u16s, from_u16s, x, |e| e.wrapping_shr(scalar(b) as u32)),
        S::I32x4Shl => map1!(u32s, from_u32s, x, |e| e.wrapping_shl(scalar(b) as u32)),
        S::I32x4ShrS => map1!(i32s, from_i32s, x, |e| e.wrapping_shr(scalar(b) as u32)),
        S::I32x4ShrU => map1!(u32s, from_u32s, x, |e| e.wrapping_shr(scalar(b) as u32)),
        S::I64x2Shl => map1!(u64s, from_u64s, x, |e| e.wrapping_shl(scalar(b) as u32)),
        S::I64x2ShrS => map1!(i64s, from_i64s, x, |e| e.wrapping_shr(scalar(b) as u32)),
        S::I64x2ShrU => map1!(u64s, from_u64s, x, |e| e.wrapping_shr(scalar(b) as u32)),
        // Three operands: the first is at `dst`.
        S::V128Bitselect
        | S::I8x16RelaxedLaneselect
        | S::I16x8RelaxedLaneselect
        | S::I32x4RelaxedLaneselect
        | S::I64x2RelaxedLaneselect => {
            let (x, y, c) = (v(dst), v(a), v(b));
            (x & c) | (y & !c)
        }
        S::F32x4RelaxedMadd | S::F32x4RelaxedNmadd => {
            let (x, y, c) = (f32s(v(dst)), f32s(v(a)), f32s(v(b)));
            let sign = if op == S::F32x4RelaxedNmadd {
                -1.0
            } else {
                1.0
            };
            from_f32s(std::array::from_fn(|i| sign * x[i] * y[i] + c[i]))
        }
        S::F64x2RelaxedMadd | S::F64x2RelaxedNmadd => {
            let (x, y, c) = (f64s(v(dst)), f64s(v(a)), f64s(v(b)));
            let sign = if op == S::F64x2RelaxedNmadd {
                -1.0
            } else {
                1.0
            };
            from_f64s(std::array::from_fn(|i| sign * x[i] * y[i] + c[i]))
        }
        S::I32x4RelaxedDotI8x16I7x16AddS => {
            let (x, y, c) = (i8s(v(dst)), i8s(v(a)), i32s(v(b)));
            from_i32s(std::array::from_fn(|i| {
                (0..4).fold(c[i], |acc, j| {
                    acc.wrapping_add(i32::from(x[4 * i + j]) * i32::from(y[4 * i + j]))
                })
            }))
        }
        _ => {
            let y = if matches!(op, S::I8x16Swizzle | S::I8x16RelaxedSwizzle) || is_binary(op) {
                v(b)
            } else {
                0
            };
            match unary(op, x) {
                Some(r) => r,
                None => binary(op, x, y),
            }
        }
    };
    let d = dst as usize;
    slots[d] = result as u64;
    slots[d + 1] = (result >> 64) as u64;
}

fn set_scalar(slots: &mut [u64], dst: Slot, value: u64) {
    slots[dst as usize] = value;
}

fn bitmask<const N: usize>(negative: [bool; N]) -> u64 {
    negative
        .iter()
        .enumerate()
        .fold(0, |acc, (i, n)| acc | (u64::from(*n) << i))
}

fn is_binary(op: SimdOp) -> bool {
    op.form() == crate::vm::simd_op::Form::Binary
}

/// One-operand lane-wise instructions; `None` for any other.
fn unary(op: SimdOp, x: u128) -> Option<u128> {
    use SimdOp as S;
    const F32_SIGN: u32 = 0x8000_0000;
    const F64_SIGN: u64 = 0x8000_0000_0000_0000;
    Some(match op {
        S::V128Not => !x,
        S::I8x16Abs => map1!(i8s, from_i8s, x, |e| e.wrapping_abs()),
        S::I8x16Neg => map1!(i8s, from_i8s, x, |e| e.wrapping_neg()),
        S::I8x16Popcnt => map1!(u8s, from_u8s, x, |e| e.count_ones() as u8),
        S::I16x8Abs => map1!(i16s, from_i16s, x, |e| e.wrapping_abs()),
        S::I16x8Neg => map1!(i16s, from_i16s, x, |e| e.wrapping_neg()),
        S::I32x4Abs => map1!(i32s, from_i32s, x, |e| e.wrapping_abs()),
        S::I32x4Neg => map1!(i32s, from_i32s, x, |e| e.wrapping_neg()),
        S::I64x2Abs => map1!(i64s, from_i64s, x, |e| e.wrapping_abs()),
        S::I64x2Neg => map1!(i64s, from_i64s, x, |e| e.wrapping_neg()),
        S::I16x8ExtAddPairwiseI8x16S => from_i16s(pairs(i8s(x), i16::from)),
        S::I16x8ExtAddPairwiseI8x16U => from_u16s(pairs(u8s(x), u16::from)),
        S::I32x4ExtAddPairwiseI16x8S => from_i32s(pairs(i16s(x), i32::from)),
        S::I32x4ExtAddPairwiseI16x8U => from_u32s(pairs(u16s(x), u32::from)),
        S::I16x8ExtendLowI8x16S => from_i16s(half::<_, 16, 8>(i8s(x), false).map(i16::from)),
        S::I16x8ExtendHighI8x16S => from_i16s(half::<_, 16, 8>(i8s(x), true).map(i16::from)),
        S::I16x8ExtendLowI8x16U => from_u16s(half::<_, 16, 8>(u8s(x), false).map(u16::from)),
        S::I16x8ExtendHighI8x16U => from_u16s(half::<_, 16, 8>(u8s(x), true).map(u16::from)),
        S::I32x4ExtendLowI16x8S => from_i32s(half::<_, 8, 4>(i16s(x), false).map(i32::from)),
        S::I32x4ExtendHighI16x8S => from_i32s(half::<_, 8, 4>(i16s(x), true).map(i32::from)),
        S::I32x4ExtendLowI16x8U => from_u32s(half::<_, 8, 4>(u16s(x), false).map(u32::from)),
        S::I32x4ExtendHighI16x8U => from_u32s(half::<_, 8, 4>(u16s(x), true).map(u32::from)),
        S::I64x2ExtendLowI32x4S => from_i64s(half::<_, 4, 2>(i32s(x), false).map(i64::from)),
        S::I64x2ExtendHighI32x4S => from_i64s(half::<_, 4, 2>(i32s(x), true).map(i64::from)),
        S::I64x2ExtendLowI32x4U => from_u64s(half::<_, 4, 2>(u32s(x), false).map(u64::from)),
        S::I64x2ExtendHighI32x4U => from_u64s(half::<_, 4, 2>(u32s(x), true).map(u64::from)),
        S::F32x4Abs => map1!(u32s, from_u32s, x, |e| e & !F32_SIGN),
        S::F32x4Neg => map1!(u32s, from_u32s, x, |e| e ^ F32_SIGN),
        S::F64x2Abs => map1!(u64s, from_u64s, x, |e| e & !F64_SIGN),
        S::F64x2Neg => map1!(u64s, from_u64s, x, |e| e ^ F64_SIGN),
        S::F32x4Sqrt => map1!(f32s, from_f32s, x, |e| e.sqrt()),
        S::F64x2Sqrt => map1!(f64s, from_f64s, x, |e| e.sqrt()),
        S::F32x4Ceil => map1!(f32s, from_f32s, x, |e| num::f32_round(e, f32::ceil)),
        S::F32x4Floor => map1!(f32s, from_f32s, x, |e| num::f32_round(e, f32::floor)),
        S::F32x4Trunc => map1!(f32s, from_f32s, x, |e| num::f32_round(e, f32::trunc)),
        S::F32x4Nearest => map1!(f32s, from_f32s, x, |e| num::f32_round(e, num::f32_nearest)),
        S::F64x2Ceil => map1!(f64s, from_f64s, x, |e| num::f64_round(e, f64::ceil)),
        S::F64x2Floor => map1!(f64s, from_f64s, x, |e| num::f64_round(e, f64::floor)),
        S::F64x2Trunc => map1!(f64s, from_f64s, x, |e| num::f64_round(e, f64::trunc)),
        S::F64x2Nearest => map1!(f64s, from_f64s, x, |e| num::f64_round(e, num::f64_nearest)),
        S::I32x4TruncSatF32x4S | S::I32x4RelaxedTruncF32x4S => {
            from_i32s(f32s(x).map(num::i32_trunc_sat_f32_s))
        }
        S::I32x4TruncSatF32x4U | S::I32x4RelaxedTruncF32x4U => {
            from_u32s(f32s(x).map(num::i32_trunc_sat_f32_u))
        }
        S::I32x4TruncSatF64x2SZero | S::I32x4RelaxedTruncF64x2SZero => {
            let f = f64s(x);
            from_i32s([
                num::i32_trunc_sat_f64_s(f[0]),
                num::i32_trunc_sat_f64_s(f[1]),
                0,
                0,
            ])
        }
        S::I32x4TruncSatF64x2UZero | S::I32x4RelaxedTruncF64x2UZero => {
            let f = f64s(x);
            from_u32s([
                num::i32_trunc_sat_f64_u(f[0]),
                num::i32_trunc_sat_f64_u(f[1]),
                0,
                0,
            ])
        }
        S::F32x4ConvertI32x4S => from_f32s(i32s(x).map(|e| e as f32)),
        S::F32x4ConvertI32x4U => from_f32s(u32s(x).map(|e| e as f32)),
        S::F64x2ConvertLowI32x4S => from_f64s(half::<_, 4, 2>(i32s(x), false).map(f64::from)),
        S::F64x2ConvertLowI32x4U => from_f64s(half::<_, 4, 2>(u32s(x), false).map(f64::from)),
        S::F32x4DemoteF64x2Zero => {
            let f = f64s(x);
            from_f32s([f[0] as f32, f[1] as f32, 0.0, 0.0])
        }
        S::F64x2PromoteLowF32x4 => from_f64s(half::<_, 4, 2>(f32s(x), false).map(f64::from)),
        _ => return None,
    })
}

/// Saturates an `i32` to the `i8`/`u8`/`i16`/`u16` range `[lo, hi]`.
fn sat(x: i32, lo: i32, hi: i32) -> i32 {
    x.clamp(lo, hi)
}

/// Rounding Q15 multiplication, saturated (`q15mulr_sat_s`).
fn q15mulr(p: i16, q: i16) -> i16 {
    sat((i32::from(p) * i32::from(q) + 0x4000) >> 15, -32768, 32767) as i16
}

/// Two-operand lane-wise instructions.
fn binary(op: SimdOp, x: u128, y: u128) -> u128 {
    use SimdOp as S;
    match op {
        S::I8x16Swizzle | S::I8x16RelaxedSwizzle => {
            let xs = u8s(x);
            map1!(u8s, from_u8s, y, |i| if i < 16 {
                xs[i as usize]
            } else {
                0
            })
        }
        // i8x16
        S::I8x16Eq => map2!(u8s, from_i8s, x, y, |p, q| mask(p == q)),
        S::I8x16Ne => map2!(u8s, from_i8s, x, y, |p, q| mask(p != q)),
        S::I8x16LtS => map2!(i8s, from_i8s, x, y, |p, q| mask(p < q)),
        S::I8x16LtU => map2!(u8s, from_i8s, x, y, |p, q| mask(p < q)),
        S::I8x16GtS => map2!(i8s, from_i8s, x, y, |p, q| mask(p > q)),
        S::I8x16GtU => map2!(u8s, from_i8s, x, y, |p, q| mask(p > q)),
        S::I8x16LeS => map2!(i8s, from_i8s, x, y, |p, q| mask(p <= q)),
        S::I8x16LeU => map2!(u8s, from_i8s, x, y, |p, q| mask(p <= q)),
        S::I8x16GeS => map2!(i8s, from_i8s, x, y, |p, q| mask(p >= q)),
        S::I8x16GeU => map2!(u8s, from_i8s, x, y, |p, q| mask(p >= q)),
        S::I8x16Add => map2!(u8s, from_u8s, x, y, |p, q| p.wrapping_add(q)),
        S::I8x16AddSatS => map2!(i8s, from_i8s, x, y, |p, q| p.saturating_add(q)),
        S::I8x16AddSatU => map2!(u8s, from_u8s, x, y, |p, q| p.saturating_add(q)),
        S::I8x16Sub => map2!(u8s, from_u8s, x, y, |p, q| p.wrapping_sub(q)),
        S::I8x16SubSatS => map2!(i8s, from_i8s, x, y, |p, q| p.saturating_sub(q)),
        S::I8x16SubSatU => map2!(u8s, from_u8s, x, y, |p, q| p.saturating_sub(q)),
        S::I8x16MinS => map2!(i8s, from_i8s, x, y, |p, q| p.min(q)),
        S::I8x16MinU => map2!(u8s, from_u8s, x, y, |p, q| p.min(q)),
        S::I8x16MaxS => map2!(i8s, from_i8s, x, y, |p, q| p.max(q)),
        S::I8x16MaxU => map2!(u8s, from_u8s, x, y, |p, q| p.max(q)),
        S::I8x16AvgrU => map2!(
            u8s,
            from_u8s,
            x,
            y,
            |p, q| (u16::from(p) + u16::from(q)).div_ceil(2) as u8
        ),
        S::I8x16NarrowI16x8S | S::I8x16NarrowI16x8U => {
            let (lo, hi) = if op == S::I8x16NarrowI16x8S {
                (-128, 127)
            } else {
                (0, 255)
            };
            let (p, q) = (i16s(x), i16s(y));
            from_u8s(std::array::from_fn(|i| {
                let e = if i < 8 { p[i] } else { q[i - 8] };
                sat(i32::from(e), lo, hi) as u8
            }))
        }
        // i16x8
        S::I16x8Eq => map2!(u16s, from_i16s, x, y, |p, q| mask(p == q)),
        S::I16x8Ne => map2!(u16s, from_i16s, x, y, |p, q| mask(p != q)),
        S::I16x8LtS => map2!(i16s, from_i16s, x, y, |p, q| mask(p < q)),
        S::I16x8LtU => map2!(u16s, from_i16s, x, y, |p, q| mask(p < q)),
        S::I16x8GtS => map2!(i16s, from_i16s, x, y, |p, q| mask(p > q)),
        S::I16x8GtU => map2!(u16s, from_i16s, x, y, |p, q| mask(p > q)),
        S::I16x8LeS => map2!(i16s, from_i16s, x, y, |p, q| mask(p <= q)),
        S::I16x8LeU => map2!(u16s, from_i16s, x, y, |p, q| mask(p <= q)),
        S::I16x8GeS => map2!(i16s, from_i16s, x, y, |p, q| mask(p >= q)),
        S::I16x8GeU => map2!(u16s, from_i16s, x, y, |p, q| mask(p >= q)),
        S::I16x8Add => map2!(u16s, from_u16s, x, y, |p, q| p.wrapping_add(q)),
        S::I16x8AddSatS => map2!(i16s, from_i16s, x, y, |p, q| p.saturating_add(q)),
        S::I16x8AddSatU => map2!(u16s, from_u16s, x, y, |p, q| p.saturating_add(q)),
        S::I16x8Sub => map2!(u16s, from_u16s, x, y, |p, q| p.wrapping_sub(q)),
        S::I16x8SubSatS => map2!(i16s, from_i16s, x, y, |p, q| p.saturating_sub(q)),
        S::I16x8SubSatU => map2!(u16s, from_u16s, x, y, |p, q| p.saturating_sub(q)),
        S::I16x8Mul => map2!(u16s, from_u16s, x, y, |p, q| p.wrapping_mul(q)),
        S::I16x8MinS => map2!(i16s, from_i16s, x, y, |p, q| p.min(q)),
        S::I16x8MinU => map2!(u16s, from_u16s, x, y, |p, q| p.min(q)),
        S::I16x8MaxS => map2!(i16s, from_i16s, x, y, |p, q| p.max(q)),
        S::I16x8MaxU => map2!(u16s, from_u16s, x, y, |p, q| p.max(q)),
        S::I16x8AvgrU => map2!(u16s, from_u16s, x, y, |p, q| (u32::from(p) + u32::from(q))
            .div_ceil(2)
            as u16),
        S::I16x8Q15MulrSatS | S::I16x8RelaxedQ15mulrS => {
            map2!(i16s, from_i16s, x, y, |p, q| q15mulr(p, q))
        }
        S::I16x8NarrowI32x4S | S::I16x8NarrowI32x4U => {
            let (lo, hi) = if op == S::I16x8NarrowI32x4S {
                (-32768, 32767)
            } else {
                (0, 65535)
            };
            let (p, q) = (i32s(x), i32s(y));
            from_u16s(std::array::from_fn(|i| {
                let e = if i < 4 { p[i] } else { q[i - 4] };
                sat(e, lo, hi) as u16
            }))
        }
        S::I16x8ExtMulLowI8x16S | S::I16x8ExtMulHighI8x16S => {
            let high = op == S::I16x8ExtMulHighI8x16S;
            let (p, q) = (
                half::<_, 16, 8>(i8s(x), high),
                half::<_, 16, 8>(i8s(y), high),
            );
            from_i16s(std::array::from_fn(|i| i16::from(p[i]) * i16::from(q[i])))
        }
        S::I16x8ExtMulLowI8x16U | S::I16x8ExtMulHighI8x16U => {
            let high = op == S::I16x8ExtMulHighI8x16U;
            let (p, q) = (
                half::<_, 16, 8>(u8s(x), high),
                half::<_, 16, 8>(u8s(y), high),
            );
            from_u16s(std::array::from_fn(|i| u16::from(p[i]) * u16::from(q[i])))
        }
        S::I16x8RelaxedDotI8x16I7x16S => {
            let (p, q) = (i8s(x), i8s(y));
            from_i16s(std::array::from_fn(|i| {
                (i16::from(p[2 * i]) * i16::from(q[2 * i]))
                    .wrapping_add(i16::from(p[2 * i + 1]) * i16::from(q[2 * i + 1]))
            }))
        }
        // i32x4
        S::I32x4Eq => map2!(u32s, from_i32s, x, y, |p, q| mask(p == q)),
        S::I32x4Ne => map2!(u32s, from_i32s, x, y, |p, q| mask(p != q)),
        S::I32x4LtS => map2!(i32s, from_i32s, x, y, |p, q| mask(p < q)),
        S::I32x4LtU => map2!(u32s, from_i32s, x, y, |p, q| mask(p < q)),
        S::I32x4GtS => map2!(i32s, from_i32s, x, y, |p, q| mask(p > q)),
        S::I32x4GtU => map2!(u32s, from_i32s, x, y, |p, q| mask(p > q)),
        S::I32x4LeS => map2!(i32s, from_i32s, x, y, |p, q| mask(p <= q)),
        S::I32x4LeU => map2!(u32s, from_i32s, x, y, |p, q| mask(p <= q)),
        S::I32x4GeS => map2!(i32s, from_i32s, x, y, |p, q| mask(p >= q)),
        S::I32x4GeU => map2!(u32s, from_i32s, x, y, |p, q| mask(p >= q)),
        S::I32x4MinS => map2!(i32s, from_i32s, x, y, |p, q| p.min(q)),
        S::I32x4MinU => map2!(u32s, from_u32s, x, y, |p, q| p.min(q)),
        S::I32x4MaxS => map2!(i32s, from_i32s, x, y, |p, q| p.max(q)),
        S::I32x4MaxU => map2!(u32s, from_u32s, x, y, |p, q| p.max(q)),
        S::I32x4DotI16x8S => {
            let (p, q) = (i16s(x), i16s(y));
            from_i32s(std::array::from_fn(|i| {
                (i32::from(p[2 * i]) * i32::from(q[2 * i]))
                    .wrapping_add(i32::from(p[2 * i + 1]) * i32::from(q[2 * i + 1]))
            }))
        }
        S::I32x4ExtMulLowI16x8S | S::I32x4ExtMulHighI16x8S => {
            let high = op == S::I32x4ExtMulHighI16x8S;
            let (p, q) = (
                half::<_, 8, 4>(i16s(x), high),
                half::<_, 8, 4>(i16s(y), high),
            );
            from_i32s(std::array::from_fn(|i| i32::from(p[i]) * i32::from(q[i])))
        }
        S::I32x4ExtMulLowI16x8U | S::I32x4ExtMulHighI16x8U => {
            let high = op == S::I32x4ExtMulHighI16x8U;
            let (p, q) = (
                half::<_, 8, 4>(u16s(x), high),
                half::<_, 8, 4>(u16s(y), high),
            );
            from_u32s(std::array::from_fn(|i| u32::from(p[i]) * u32::from(q[i])))
        }
        // i64x2
        S::I64x2Eq => map2!(u64s, from_i64s, x, y, |p, q| mask(p == q)),
        S::I64x2Ne => map2!(u64s, from_i64s, x, y, |p, q| mask(p != q)),
        S::I64x2LtS => map2!(i64s, from_i64s, x, y, |p, q| mask(p < q)),
        S::I64x2GtS => map2!(i64s, from_i64s, x, y, |p, q| mask(p > q)),
        S::I64x2LeS => map2!(i64s, from_i64s, x, y, |p, q| mask(p <= q)),
        S::I64x2GeS => map2!(i64s, from_i64s, x, y, |p, q| mask(p >= q)),
        S::I64x2ExtMulLowI32x4S | S::I64x2ExtMulHighI32x4S => {
            let high = op == S::I64x2ExtMulHighI32x4S;
            let (p, q) = (
                half::<_, 4, 2>(i32s(x), high),
                half::<_, 4, 2>(i32s(y), high),
            );
            from_i64s(std::array::from_fn(|i| i64::from(p[i]) * i64::from(q[i])))
        }
        S::I64x2ExtMulLowI32x4U | S::I64x2ExtMulHighI32x4U => {
            let high = op == S::I64x2ExtMulHighI32x4U;
            let (p, q) = (
                half::<_, 4, 2>(u32s(x), high),
                half::<_, 4, 2>(u32s(y), high),
            );
            from_u64s(std::array::from_fn(|i| u64::from(p[i]) * u64::from(q[i])))
        }
        // f32x4
        S::F32x4Eq => map2!(f32s, from_i32s, x, y, |p, q| mask(p == q)),
        S::F32x4Ne => map2!(f32s, from_i32s, x, y, |p, q| mask(p != q)),
        S::F32x4Lt => map2!(f32s, from_i32s, x, y, |p, q| mask(p < q)),
        S::F32x4Gt => map2!(f32s, from_i32s, x, y, |p, q| mask(p > q)),
        S::F32x4Le => map2!(f32s, from_i32s, x, y, |p, q| mask(p <= q)),
        S::F32x4Ge => map2!(f32s, from_i32s, x, y, |p, q| mask(p >= q)),
        S::F32x4Min | S::F32x4RelaxedMin => map2!(f32s, from_f32s, x, y, |p, q| num::f32_min(p, q)),
        S::F32x4Max | S::F32x4RelaxedMax => map2!(f32s, from_f32s, x, y, |p, q| num::f32_max(p, q)),
        S::F32x4PMin => map2!(f32s, from_f32s, x, y, |p, q| if q < p { q } else { p }),
        S::F32x4PMax => map2!(f32s, from_f32s, x, y, |p, q| if p < q { q } else { p }),
        // f64x2
        S::F64x2Eq => map2!(f64s, from_i64s, x, y, |p, q| mask(p == q)),
        S::F64x2Ne => map2!(f64s, from_i64s, x, y, |p, q| mask(p != q)),
        S::F64x2Lt => map2!(f64s, from_i64s, x, y, |p, q| mask(p < q)),
        S::F64x2Gt => map2!(f64s, from_i64s, x, y, |p, q| mask(p > q)),
        S::F64x2Le => map2!(f64s, from_i64s, x, y, |p, q| mask(p <= q)),
        S::F64x2Ge => map2!(f64s, from_i64s, x, y, |p, q| mask(p >= q)),
        S::F64x2Min | S::F64x2RelaxedMin => map2!(f64s, from_f64s, x, y, |p, q| num::f64_min(p, q)),
        S::F64x2Max | S::F64x2RelaxedMax => map2!(f64s, from_f64s, x, y, |p, q| num::f64_max(p, q)),
        S::F64x2PMin => map2!(f64s, from_f64s, x, y, |p, q| if q < p { q } else { p }),
        S::F64x2PMax => map2!(f64s, from_f64s, x, y, |p, q| if p < q { q } else { p }),
        // Every other instruction is handled before this point.
        _ => x,
    }
}

#[cfg(test)]
mod tests {
    use crate::vm::{Execution, Extern, Limits, Module, Outcome, Store, Value};
    use std::sync::Arc;

    /// The trap detail of `(call $name (i32.const addr))` on a one-page
    /// memory, in run mode and in step mode (they must agree).
    fn fault(name: &str, addr: i32) -> String {
        let wat = r#"(module (memory 1)
          (func (export "load") (param i32) (drop (v128.load offset=8 (local.get 0))))
          (func (export "store") (param i32) (v128.store offset=8 (local.get 0) (v128.const i64x2 1 2)))
          (func (export "lane") (param i32) (v128.store32_lane 1 (local.get 0) (v128.const i64x2 1 2))))"#;
        let module = Arc::new(Module::from_wat(wat).expect("valid module"));
        let details = [false, true].map(|step| {
            let mut store = Store::new(Limits::default());
            let inst = store.instantiate(&module, &[]).expect("instantiates");
            let Some(Extern::Func(f)) = store.instance(inst).and_then(|i| i.export(name)) else {
                panic!("no export {name}");
            };
            let mut exec = Execution::new(&store, f, &[Value::I32(addr)]).expect("call");
            let trap = if step {
                exec.use_step_mode();
                loop {
                    match exec.step(&mut store) {
                        Ok(Outcome::Paused) => {}
                        Ok(Outcome::Finished(_)) => panic!("{name} finished"),
                        Err(trap) => break trap,
                    }
                }
            } else {
                exec.run(&mut store).expect_err("traps")
            };
            trap.detail.unwrap_or_default()
        });
        assert_eq!(details[0], details[1], "run and step mode");
        details[0].clone()
    }

    #[test]
    fn vector_accesses_out_of_bounds_name_address_offset_and_size() {
        assert!(
            fault("load", 65520)
                .starts_with("address 65520 + offset 8 = 65528, access of 16 bytes"),
            "{}",
            fault("load", 65520)
        );
        assert!(
            fault("store", -1)
                .starts_with("address 4294967295 + offset 8 = 4294967303, access of 16 bytes")
        );
        assert!(
            fault("lane", 65533).starts_with("address 65533 + offset 0 = 65533, access of 4 bytes")
        );
    }
}

//! Run mode's dispatch: threaded handlers.
//!
//! Run code is an array of [`Threaded`] entries, each instruction beside its
//! handler (direct threading). Every hot instruction has a handler of its
//! own (common vector operations too, see [`vector`]; listed sequences of
//! instructions share one, see [`superinstructions`]), and each handler ends by
//! calling the next instruction's handler itself, in tail position with the
//! same signature: release builds turn that call into a jump (LLVM's sibling
//! call), so each handler has its own indirect jump and the branch
//! predictor learns the successors of each instruction kind apart, instead
//! of one shared jump whose prediction depends on code layout. Debug builds
//! keep every call's frame, so there a handler returns the next state to a
//! trampoline loop instead ([`TAIL_CALLS`]); the handler bodies are the same.
//!
//! The machine state the hot path needs travels in the handlers' arguments
//! (instruction pointer, frame slots, memory 0's base and length, fuel); the
//! rest is in [`Cx`]. Every exit (return, trap, pause, unwinding) writes it
//! back to the [`Execution`] as the step loop does. Instructions without a
//! handler of their own go through [`generic`], which has the step loop's
//! `match` run them in run code.

use super::numeric as num;
use super::run::{
    Parts, Regs, call_host, copy_slots, frame_and_memory, indirect_callee, load_bytes, memory_view,
    out_of_bounds, simd_step, store_bytes, wasm_body, with_site,
};
use super::semantics::{and_of, select_if};
use super::{Execution, Frame, Outcome, code_for, exhausted};
use crate::vm::instr::{Instr, SimdInstr, Slot, unpack_step_target};
use crate::vm::module::FuncBody;
use crate::vm::store::{FuncAddr, FuncInst, HostFn, Instance, Store};
use crate::vm::translate::Compiled;
use crate::vm::trap::{Trap, TrapCode};
use crate::vm::value::Value;

/// Whether a handler jumps to the next one by a tail call (release builds)
/// or returns it to the trampoline in [`Execution::run_threaded`] (debug
/// builds, where each call would keep its stack frame).
const TAIL_CALLS: bool = !cfg!(debug_assertions);

/// A handler: runs the instruction at the pointer, then the ones after it.
type Handler = fn(&mut Cx<'_>, *const Threaded, Regs, *mut u8, usize, u64) -> Flow;

/// How a handler gave control back.
#[derive(Clone, Copy)]
enum Flow {
    /// The next instruction's state is in [`Cx::resume`] (debug builds).
    Continue,
    /// The run is over; its result is in [`Cx::exit`].
    Exit,
}

/// The state handlers pass each other in registers.
#[derive(Clone, Copy)]
struct State {
    ip: *const Threaded,
    regs: Regs,
    mem: *mut u8,
    mem_len: usize,
    fuel: u64,
}

/// The rest of the machine state, behind the handlers' first argument.
struct Cx<'a> {
    exec: &'a mut Execution,
    p: Parts<'a>,
    /// The running frame (its `pc` is written on exit).
    frame: Frame,
    /// The running function's body, and its run code.
    body: &'a FuncBody,
    code: &'a Compiled,
    /// The running function's instance, and its index.
    inst: &'a Instance,
    inst_index: usize,
    /// Debug builds: the state to go on with after [`Flow::Continue`].
    resume: State,
    /// The result, after [`Flow::Exit`].
    exit: Option<Result<Outcome, Trap>>,
}

/// One instruction of run code as run mode dispatches it: next to its
/// handler, so that going on costs one load and a jump (direct threading;
/// looking the handler up by the instruction's tag is a second load that
/// every dispatch waits for).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
pub(crate) struct Threaded {
    handler: Handler,
    instr: Instr,
    /// A vector instruction's operands, for its own handler (see
    /// [`vector::packed`]): read beside the instruction, not from the code's
    /// `simd_ops` table three loads away. 0 for every other instruction.
    aux: u64,
}

/// Run code with each instruction's handler beside it (see [`Threaded`]);
/// `simd_ops` are the code's vector operands (the common vector operations
/// have handlers of their own, see [`vector`]).
pub(crate) fn thread(code: &[Instr], simd_ops: &[SimdInstr]) -> Box<[Threaded]> {
    code.iter()
        .enumerate()
        .map(|(at, instr)| {
            let (own, aux) = match instr {
                Instr::Simd { index } => simd_ops
                    .get(*index as usize)
                    .and_then(|s| Some((vector::handler(s.op)?, vector::packed(s)?)))
                    .map_or((None, 0), |(handler, aux)| (Some(handler), aux)),
                _ => (code.get(at..).and_then(superinstruction), 0),
            };
            Threaded {
                handler: own.unwrap_or(HANDLERS[tag_of(instr) as usize]),
                instr: *instr,
                aux,
            }
        })
        .collect()
}

/// The handler of the instruction at `ip`.
#[inline(always)]
fn handler_of(ip: *const Threaded) -> Handler {
    // SAFETY: `ip` points at an instruction of the running code (translation
    // ends every path with a branch or return, and resolves every branch
    // inside the function).
    unsafe { (*ip).handler }
}

/// The tag of `instr` (see [`handler_of`]).
const fn tag_of(instr: &Instr) -> u8 {
    // SAFETY: `Instr` is `repr(u8)`, so its first byte is the tag.
    unsafe { *(instr as *const Instr).cast::<u8>() }
}

/// Goes on with the instruction at `$ip`: a tail call of its handler, or
/// (debug builds) back to the trampoline.
macro_rules! dispatch {
    ($cx:ident, $ip:expr, $regs:expr, $mem:expr, $mem_len:expr, $fuel:expr) => {{
        let state = State {
            ip: $ip,
            regs: $regs,
            mem: $mem,
            mem_len: $mem_len,
            fuel: $fuel,
        };
        #[cfg(feature = "pair-stats")]
        // SAFETY: as in `handler_of`.
        crate::vm::exec::pairs::record(state.ip as usize, unsafe { (*state.ip).instr });
        if TAIL_CALLS {
            return handler_of(state.ip)(
                $cx,
                state.ip,
                state.regs,
                state.mem,
                state.mem_len,
                state.fuel,
            );
        }
        $cx.resume = state;
        return Flow::Continue;
    }};
}

/// An instruction's semantics in run mode, to be followed by `N`: what
/// runs when it falls through to the next instruction (see [`Next`]).
trait Op {
    /// The instruction as a handler of its own.
    #[inline(always)]
    fn run<N: Next>(
        cx: &mut Cx<'_>,
        ip: *const Threaded,
        regs: Regs,
        mem: *mut u8,
        mem_len: usize,
        fuel: u64,
    ) -> Flow {
        Self::body::<N, 0>(cx, ip, regs, mem, mem_len, fuel, 0)
    }

    /// The instruction as part of a superinstruction: its field number
    /// `INTO` (1-based, 0: none) is known to be `last`, the slot the
    /// instruction before wrote (see [`Then`]).
    #[allow(clippy::too_many_arguments)]
    fn body<N: Next, const INTO: usize>(
        cx: &mut Cx<'_>,
        ip: *const Threaded,
        regs: Regs,
        mem: *mut u8,
        mem_len: usize,
        fuel: u64,
        last: Slot,
    ) -> Flow;
}

/// What an [`Op`] does when it falls through to the instruction after it;
/// `last` is the slot the instruction wrote (0 when it wrote none).
trait Next {
    #[allow(clippy::too_many_arguments)]
    fn next(
        cx: &mut Cx<'_>,
        ip: *const Threaded,
        regs: Regs,
        mem: *mut u8,
        mem_len: usize,
        fuel: u64,
        last: Slot,
    ) -> Flow;
}

/// Falling through dispatches: an instruction's own handler.
struct Dispatch;

impl Next for Dispatch {
    #[inline(always)]
    fn next(
        cx: &mut Cx<'_>,
        ip: *const Threaded,
        regs: Regs,
        mem: *mut u8,
        mem_len: usize,
        fuel: u64,
        _last: Slot,
    ) -> Flow {
        dispatch!(cx, ip, regs, mem, mem_len, fuel)
    }
}

/// Falling through runs `B` in the same handler, then `N`: part of a
/// superinstruction (see [`superinstructions`]). With `INTO` > 0, `B`'s
/// field number `INTO` is the slot the instruction before wrote (checked
/// when the code is threaded): `B` then names that slot by the very value
/// the write used, so the compiler passes the written value on in a
/// register instead of reading it back from the frame (the write stays).
struct Then<B, N = Dispatch, const INTO: usize = 0>(std::marker::PhantomData<(B, N)>);

impl<B: Op, N: Next, const INTO: usize> Next for Then<B, N, INTO> {
    #[inline(always)]
    fn next(
        cx: &mut Cx<'_>,
        ip: *const Threaded,
        regs: Regs,
        mem: *mut u8,
        mem_len: usize,
        fuel: u64,
        last: Slot,
    ) -> Flow {
        B::body::<N, INTO>(cx, ip, regs, mem, mem_len, fuel, last)
    }
}

/// The slot an instruction with fields `$field`s writes, as an `Option`
/// (see [`Then`]): its `dst`, or a move's `to`.
macro_rules! written_slot {
    () => { None::<Slot> };
    (from, $to:ident) => { Some($to) };
    ($first:ident $(, $rest:ident)*) => { written_slot!(@ $first = $first) };
    (@ dst = $f:ident) => { Some($f) };
    (@ $other:ident = $f:ident) => { None::<Slot> };
}

/// Defines an [`Op`] per entry (a type in module `$module` named after its variant,
/// whose `body` destructures the variant into its fields), `$register`,
/// which puts each one's handler (`run::<Dispatch>`) in a handler table, and
/// `$fields`, an instruction's written slot and fields (for [`chained`]).
/// `$d` is a `$` for the helper macros each body gets: `next!()` (fall
/// through), `jump!(by)`, `jump_back!(by)` (a jump that costs a budget unit:
/// a loop's back-edge), `trap!(trap)`, `checked!(result)`, `state!()` and
/// `go!(result of a call or unwinding)`.
macro_rules! handlers {
    ($d:tt $module:ident $register:ident $fields:ident |$cx:ident, $ip:ident, $regs:ident, $mem:ident, $mem_len:ident, $fuel:ident|
        $($variant:ident { $($field:ident),* } => $body:block)*
    ) => {
        /// One type per instruction with a handler, named after its variant.
        mod $module {
            $(pub(super) struct $variant;)*
        }
        $(
            impl Op for $module::$variant {
                #[inline(always)]
                #[allow(unused_mut, unused_macros, unused_variables, unused_assignments)]
                fn body<N: Next, const INTO: usize>(
                    $cx: &mut Cx<'_>,
                    $ip: *const Threaded,
                    $regs: Regs,
                    mut $mem: *mut u8,
                    mut $mem_len: usize,
                    mut $fuel: u64,
                    last: Slot,
                ) -> Flow {
                    let Instr::$variant { $($field),* } = (unsafe { (*$ip).instr }) else {
                        // SAFETY: only this variant's instructions get this handler.
                        unsafe { std::hint::unreachable_unchecked() }
                    };
                    // The field the instruction before wrote, named by its value (see `Then`).
                    let mut number = 0;
                    $(
                        number += 1;
                        let $field = if INTO == number { last as _ } else { $field };
                    )*
                    macro_rules! next {
                        () => {
                            return N::next(
                                $cx, $ip.wrapping_add(1), $regs, $mem, $mem_len, $fuel,
                                written_slot!($($field),*).unwrap_or(0),
                            )
                        };
                    }
                    macro_rules! jump {
                        ($d by:expr) => {
                            dispatch!($cx, $ip.wrapping_offset($d by), $regs, $mem, $mem_len, $fuel)
                        };
                    }
                    macro_rules! trap {
                        ($d trap:expr) => {{
                            let trap: Trap = $d trap.into();
                            return $cx.trap(trap, $ip, $fuel);
                        }};
                    }
                    macro_rules! checked {
                        ($d result:expr) => {
                            match $d result {
                                Ok(v) => v,
                                Err(t) => trap!(t),
                            }
                        };
                    }
                    macro_rules! jump_back {
                        ($d by:expr) => {{
                            let to = $ip.wrapping_offset($d by);
                            if $fuel == 0 {
                                return refuel_and_jump($cx, to, $regs, $mem, $mem_len, $ip as u64);
                            }
                            dispatch!($cx, to, $regs, $mem, $mem_len, $fuel - 1)
                        }};
                    }
                    macro_rules! state {
                        () => {
                            State { ip: $ip, regs: $regs, mem: $mem, mem_len: $mem_len, fuel: $fuel }
                        };
                    }
                    macro_rules! go {
                        ($d next:expr) => {
                            match $d next {
                                Ok(s) => dispatch!($cx, s.ip, s.regs, s.mem, s.mem_len, s.fuel),
                                Err(flow) => return flow,
                            }
                        };
                    }
                    $body
                }
            }
        )*

        /// The slot an instruction of these handlers writes (if its first
        /// field is `dst`) and its fields in order (for [`Then`]'s check);
        /// `None` for other instructions.
        fn $fields(instr: &Instr) -> Option<(Option<Slot>, Vec<u64>)> {
            match *instr {
                $(Instr::$variant { $($field),* } => {
                    Some((written_slot!($($field),*), vec![$($field as u64),*]))
                })*
                _ => None,
            }
        }

        /// Puts each handler defined with this function at its variant's tag.
        const fn $register(mut table: [Handler; 256]) -> [Handler; 256] {
            $(table[tag_of(&Instr::$variant { $($field: 0),* }) as usize] =
                <$module::$variant as Op>::run::<Dispatch>;)*
            table
        }
    };
}

/// The handlers of `semantics::shared_ops!`'s tables.
macro_rules! threaded_ops {
    (
        { $d:tt }
        binary: [$($bn:ident $bg:ident $bs:ident { |$bx:ident, $by:ident| $be:expr }),* $(,)?]
        binary_checked: [$($cn:ident $cg:ident $cs:ident { $cf:path }),* $(,)?]
        unary: [$($un:ident $ug:ident $us:ident { |$ux:ident| $ue:expr }),* $(,)?]
        unary_checked: [$($vn:ident $vg:ident $vs:ident { $vf:path }),* $(,)?]
        load: [$($ln:ident $lw:literal $ls:ident { |$lb:ident| $le:expr }),* $(,)?]
        store: [$($sn:ident $sw:literal $sg:ident { |$sv:ident| $se:expr }),* $(,)?]
        branch_zero: [$($zn:ident $zg:ident $zo:tt),* $(,)?]
        branch_compare: [$($qn:ident $qg:ident $qo:tt),* $(,)?]
        counter_branch: [$($kn:ident $kg:ident $ko:tt),* $(,)?]
        bit_test: [$($tn:ident $tg:ident $ts:ident $to:tt),* $(,)?]
    ) => {
        handlers! { $d shared register_shared shared_fields |cx, ip, regs, mem, mem_len, fuel|
            $($bn { dst, a, b } => {
                let ($bx, $by) = (regs.$bg(a), regs.$bg(b));
                regs.$bs(dst, $be);
                next!()
            })*
            $($cn { dst, a, b } => {
                let (x, y) = (regs.$cg(a), regs.$cg(b));
                let v = match $cf(x, y) {
                    Ok(v) => v,
                    Err(code) => trap!(Trap::of_division(code, stringify!($cn), x, y)),
                };
                regs.$cs(dst, v);
                next!()
            })*
            $($un { dst, src } => {
                let $ux = regs.$ug(src);
                regs.$us(dst, $ue);
                next!()
            })*
            $($vn { dst, src } => {
                let v = checked!($vf(regs.$vg(src)));
                regs.$vs(dst, v);
                next!()
            })*
            $($ln { dst, addr, offset } => {
                let at = regs.u32(addr);
                let Some($lb) = load_bytes::<$lw>(mem, mem_len, at, offset) else {
                    return cx.out_of_bounds(ip, fuel, at, offset, $lw)
                };
                regs.$ls(dst, $le);
                next!()
            })*
            $($sn { addr, val, offset } => {
                let (at, $sv) = (regs.u32(addr), regs.$sg(val));
                if !store_bytes::<$sw>(mem, mem_len, at, offset, $se) {
                    return cx.out_of_bounds(ip, fuel, at, offset, $sw);
                }
                next!()
            })*
            $($zn { cond, target } => {
                if regs.$zg(cond) $zo 0 {
                    if (target as i32) <= 0 {
                        jump_back!(target as i32 as isize)
                    }
                    jump!(target as i32 as isize)
                }
                next!()
            })*
            $($qn { a, b, target } => {
                if regs.$qg(a) $qo regs.$qg(b) {
                    if (target as i32) <= 0 {
                        jump_back!(target as i32 as isize)
                    }
                    jump!(target as i32 as isize)
                }
                next!()
            })*
            $($kn { x, bound, step_target } => {
                let (step, target) = unpack_step_target(step_target);
                regs.set_u32(x, regs.u32(x).wrapping_add(regs.u32(step)));
                if regs.$kg(x) $ko regs.$kg(bound) {
                    if target <= 0 {
                        jump_back!(target)
                    }
                    jump!(target)
                }
                jump!(2)
            })*
            $($tn { dst, ab, target } => {
                let v = regs.$tg(ab & 0xffff) & regs.$tg(ab >> 16);
                regs.$ts(dst, v);
                if v $to 0 {
                    // Taken backward exactly when the branch it stands for is.
                    if (target as i32) <= 1 {
                        jump_back!(target as i32 as isize)
                    }
                    jump!(target as i32 as isize)
                }
                jump!(2)
            })*
        }
    };
}

shared_ops!(threaded_ops { $ });

handlers! { $ control register_control control_fields |cx, ip, regs, mem, mem_len, fuel|
    Nop {} => { next!() }
    Unreachable {} => { trap!(TrapCode::Unreachable) }
    Br { target } => { jump!(target as i32 as isize) }
    BrLoop { target } => { jump_back!(target as i32 as isize) }
    BrTable { index, len } => {
        let entry = ip.wrapping_add(1 + regs.u32(index).min(len - 1) as usize);
        // Each entry is a `Br` or a `BrLoop` (see the translator's
        // `br_table`): a `Br` entry is followed here, one indirect jump
        // fewer per switch (a `BrLoop` runs to spend its budget unit).
        // SAFETY: `entry` is one of the table's entries, inside the code.
        if let Instr::Br { target } = unsafe { (*entry).instr } {
            dispatch!(cx, entry.wrapping_offset(target as i32 as isize), regs, mem, mem_len, fuel)
        }
        dispatch!(cx, entry, regs, mem, mem_len, fuel)
    }
    Copy { from, to, n } => {
        copy_slots(regs, from, to, n);
        next!()
    }
    Move { from, to } => {
        regs.set(to, regs.get(from));
        next!()
    }
    Select { dst } => {
        if regs.u32(dst + 2) == 0 {
            regs.set(dst, regs.get(dst + 1));
        }
        next!()
    }
    SelectIf { dst, cond, a } => {
        regs.set(dst, select_if(regs, regs.u32(cond) != 0, a));
        next!()
    }
    SelectIfEqz { dst, cond, a } => {
        regs.set(dst, select_if(regs, regs.u32(cond) == 0, a));
        next!()
    }
    SelectIfEqz64 { dst, cond, a } => {
        regs.set(dst, select_if(regs, regs.get(cond) == 0, a));
        next!()
    }
    SelectIfAnd { dst, ab, a } => {
        regs.set(dst, select_if(regs, and_of(regs, ab) as u32 != 0, a));
        next!()
    }
    SelectIfAndEqz { dst, ab, a } => {
        regs.set(dst, select_if(regs, and_of(regs, ab) as u32 == 0, a));
        next!()
    }
    SelectIfAndEqz64 { dst, ab, a } => {
        regs.set(dst, select_if(regs, and_of(regs, ab) == 0, a));
        next!()
    }
    Const32 { dst, val } => {
        regs.set_u32(dst, val);
        next!()
    }
    Const64 { dst, val } => {
        regs.set(dst, val);
        next!()
    }
    GlobalGet { dst, global } => {
        regs.set(dst, cx.p.data.globals[cx.inst.globals[global as usize].index()].value);
        next!()
    }
    GlobalSet { src, global } => {
        cx.p.data.globals[cx.inst.globals[global as usize].index()].value = regs.get(src);
        next!()
    }
    Simd { index } => {
        // SAFETY: the running frame's and memory view, used by nothing else meanwhile.
        let (_, memory) = unsafe { frame_and_memory(cx.code, regs, (mem, mem_len)) };
        match super::simd::fast(&cx.code.simd_ops[index as usize], regs, memory) {
            Ok(true) => next!(),
            Ok(false) => return simd_general(cx, ip, regs, mem, mem_len, fuel),
            Err(e) => return cx.out_of_bounds(ip, fuel, e.addr, e.offset, e.size.into()),
        }
    }
    Call { func, base } => {
        let callee = cx.inst.funcs[func as usize];
        go!(cx.call(callee, base, state!()))
    }
    CallIndirect { ty, table, base } => {
        let (funcs, types, inst) = (cx.p.funcs, cx.p.types, cx.inst);
        let callee = checked!(indirect_callee(funcs, cx.p.data, types, inst, regs, ty, table, base));
        go!(cx.call(callee, base, state!()))
    }
    Return { from, n } => {
        if n > 2 {
            // Rare, and its copy a call: the generic handler's.
            return generic(cx, ip, regs, mem, mem_len, fuel);
        }
        copy_slots(regs, from, 0, n);
        let Some(caller) = cx.exec.frames.pop() else {
            return cx.finish_root(ip, fuel, n);
        };
        // Back in the same function (recursion), only the frame changes.
        let same = caller.func == cx.frame.func;
        cx.frame = caller;
        let (regs, mem, mem_len) = if same {
            (cx.regs(), mem, mem_len)
        } else {
            let Some((body, instance)) = wasm_body(cx.p.funcs, caller.func) else {
                trap!(Trap::host("a caller frame is not a wasm function"))
            };
            cx.enter_body(body, instance, mem, mem_len)
        };
        let ip = cx.code.threaded.as_ptr().wrapping_add(caller.pc as usize);
        dispatch!(cx, ip, regs, mem, mem_len, fuel)
    }
}

/// Handlers of the common vector operations (those [`super::simd::fast`]
/// runs), one per operation: the vector handler's `match` on the operation
/// is one more indirect jump per instruction, shared by every operation.
mod vector {
    use super::super::simd::fast;
    use super::{Cx, Flow, Handler, Regs, TAIL_CALLS, Threaded, frame_and_memory};
    use super::{SimdInstr, State, handler_of};
    use crate::vm::simd_op::SimdOp;

    macro_rules! vector_handlers {
        ($($op:ident)*) => {
            $(
                #[allow(non_snake_case)]
                fn $op(
                    cx: &mut Cx<'_>,
                    ip: *const Threaded,
                    regs: Regs,
                    mem: *mut u8,
                    mem_len: usize,
                    fuel: u64,
                ) -> Flow {
                    // SAFETY: `ip` points at a running instruction.
                    let aux = unsafe { (*ip).aux };
                    // The operation is known here: `fast` keeps only its arm.
                    let s = unpacked(SimdOp::$op, aux);
                    // SAFETY: the running memory view, used by nothing else meanwhile.
                    let (_, memory) = unsafe { frame_and_memory(cx.code, regs, (mem, mem_len)) };
                    if let Err(e) = fast(&s, regs, memory) {
                        return cx.out_of_bounds(ip, fuel, e.addr, e.offset, e.size.into());
                    }
                    dispatch!(cx, ip.wrapping_add(1), regs, mem, mem_len, fuel)
                }
            )*

            /// The handler of vector operation `op`, if it has its own.
            pub(super) fn handler(op: SimdOp) -> Option<Handler> {
                match op {
                    $(SimdOp::$op => Some($op),)*
                    _ => None,
                }
            }
        };
    }

    /// A vector instruction's operands packed for its handler: `dst` and `a`
    /// in 16 bits each, `b` (an offset or a slot) in 32; `None` when they do
    /// not fit or it has a lane (the vector handler then runs it).
    pub(super) fn packed(s: &SimdInstr) -> Option<u64> {
        let fits = s.dst <= 0xffff && s.a <= 0xffff && s.lane == 0;
        fits.then(|| u64::from(s.dst) | u64::from(s.a) << 16 | u64::from(s.b) << 32)
    }

    /// The operands [`packed`] packed, for operation `op`.
    #[inline(always)]
    fn unpacked(op: SimdOp, aux: u64) -> SimdInstr {
        SimdInstr {
            op,
            lane: 0,
            dst: (aux & 0xffff) as u32,
            a: (aux >> 16 & 0xffff) as u32,
            b: (aux >> 32) as u32,
        }
    }

    vector_handlers! {
        V128Load V128Store V128And V128AndNot V128Or V128Xor
        I32x4Add I32x4Sub I32x4Mul I64x2Add I64x2Sub I64x2Mul
        F32x4Add F32x4Sub F32x4Mul F32x4Div F64x2Add F64x2Sub F64x2Mul F64x2Div
        I32x4Splat F32x4Splat I64x2Splat F64x2Splat
        I32x4ExtractLane F32x4ExtractLane I64x2ExtractLane F64x2ExtractLane
    }
}

/// The type that runs the listed instructions after the first, then
/// dispatches: `Then<B, Then<C, Dispatch>>` for `B C`, `Then<B, .., 2>` for
/// `B[2]` (see [`Then`]).
macro_rules! then_chain {
    () => { Dispatch };
    ($b:ident::$bv:ident [] $($rest:tt)*) => { Then<$b::$bv, then_chain!($($rest)*)> };
    ($b:ident::$bv:ident [$into:literal] $($rest:tt)*) => {
        Then<$b::$bv, then_chain!($($rest)*), $into>
    };
}

/// Whether field number `into` (1-based) of `next` is the slot `prev` writes.
fn chained(prev: &Instr, next: &Instr, into: usize) -> bool {
    let fields = |i: &Instr| shared_fields(i).or_else(|| control_fields(i));
    match (fields(prev), fields(next)) {
        (Some((Some(slot), _)), Some((_, next_fields))) => {
            next_fields.get(into.wrapping_sub(1)) == Some(&u64::from(slot))
        }
        _ => false,
    }
}

/// Superinstructions: for each sequence `A B ...` listed, an `A` followed
/// by the rest gets a handler that runs them all, the rest without a
/// dispatch of their own (each keeps its own entry, for jumps to it). `B[k]`
/// matches only a `B` whose field number `k` is the slot the instruction
/// before wrote, which it then takes in a register (see [`Then`]); list
/// the plain sequence after it for the other cases. The first listed
/// sequence that matches wins, so longer ones come first.
/// Chosen from the pairs the compare benchmark counts most often (`cargo
/// bench --bench compare --features pair-stats`), kept to shapes compilers
/// emit everywhere: address arithmetic before a load (a row-major element
/// `base + ((i * n + j) << 3)` whole), a store or an update before a loop's
/// counter branch, multiply-add chains, an argument computed just before a
/// call.
macro_rules! superinstructions {
    ($($a:ident::$av:ident $($b:ident::$bv:ident $([$into:literal])?)+,)*) => {
        /// The listed sequences as written (for the test that every one runs).
        #[cfg(test)]
        pub(super) const SEQUENCES: &[&str] =
            &[$(concat!(stringify!($av) $(, " ", stringify!($bv) $(, "[", $into, "]")?)+),)*];

        /// The listed sequence `code` starts with, if any: its number in
        /// [`SEQUENCES`], its length and its handler.
        fn superinstruction_entry(code: &[Instr]) -> Option<(usize, usize, Handler)> {
            let mut number = 0;
            $(
                if let [Instr::$av { .. }, $(Instr::$bv { .. },)+ ..] = code {
                    let intos: &[usize] = &[$(0 $(+ $into)?),+];
                    let chain_holds = intos
                        .iter()
                        .enumerate()
                        .all(|(at, &into)| into == 0 || chained(&code[at], &code[at + 1], into));
                    if chain_holds {
                        let handler: Handler =
                            <$a::$av as Op>::run::<then_chain!($($b::$bv [$($into)?])+)>;
                        return Some((number, 1 + intos.len(), handler));
                    }
                }
                number += 1;
            )*
            let _ = number;
            None
        }
    };
}

/// The superinstruction handler of the listed sequence `code` starts with, if any.
fn superinstruction(code: &[Instr]) -> Option<Handler> {
    superinstruction_entry(code).map(|(_, _, handler)| handler)
}

/// The number in `SEQUENCES` and the length of the listed sequence `code`
/// starts with, if any.
#[cfg(test)]
pub(super) fn fused(code: &[Instr]) -> Option<(usize, usize)> {
    superinstruction_entry(code).map(|(number, len, _)| (number, len))
}

superinstructions! {
    shared::I32Mul shared::I32Add[2] shared::I32Shl[2] shared::I32Add[3] shared::F64Load[2],
    shared::I32Mul shared::I32Add[2] shared::I32Shl[2] shared::F64Load[2],
    shared::F64Mul shared::F64Add[3] shared::I32AddBrIfLtU,
    shared::I32Shl shared::I32Load[2] shared::I32Sub[2] shared::I32Store[2],
    shared::I32Shl shared::I32Load[2] shared::I32Add[3],
    shared::I32Shl shared::I32Load[2] shared::BrIfEqz[1],
    shared::I32Load8U shared::I32Mul[2] shared::I32Store[2],
    shared::I32Store8 shared::I32AddBrIfLeU,
    shared::I32Store8 shared::I32AddBrIfLtU,
    shared::I32Store shared::I32AddBrIfLtU,
    shared::I64Store shared::I32AddBrIfLtU,
    shared::F64Store shared::I32AddBrIfLtU,
    shared::I64Load shared::I64Store[2],
    shared::I64Store shared::I32Add,
    shared::I32Load8U shared::I32Load8U control::BrTable,
    shared::I32Load8U shared::I32Load8U,
    shared::I32Load8U shared::I32Add[3],
    shared::I32Load8U shared::I32Xor[3] shared::I32Mul[2],
    shared::I32Load8U control::BrTable,
    shared::I32Xor shared::I32Mul[2],
    shared::I32Mul shared::I32AddBrIfLtU,
    shared::I32Mul shared::I32Add[2],
    shared::I32Add shared::I32Shl[2],
    shared::I32Add shared::I32Shl,
    shared::I32Add shared::I32Add[3],
    shared::I32Add shared::I32Add,
    shared::I32Add shared::I32Sub,
    shared::I32Add shared::I32Load[2],
    shared::I32Add shared::F64Load[2],
    shared::I32Add shared::I32AddBrIfLeU,
    shared::I32Add control::BrLoop,
    shared::I32Add control::Return[1],
    shared::I32Shl shared::I32Add[3],
    shared::I32Shl shared::I32Add,
    shared::I32Shl shared::I32Load[2],
    shared::I32Shl shared::F64Load[2],
    shared::I32Sub shared::BrIfI32GeU[1],
    shared::I32ShrU shared::I32Xor[3],
    control::Move control::Return[1],
    shared::I32Sub control::Call,
    shared::I64Add shared::BrIfI64Ne,
    shared::I64ShrU shared::I64Mul shared::I64Add[2] control::SelectIfAndEqz64,
    shared::I64Mul shared::I64Add[2],
    shared::F64Load shared::F64Mul[3],
    shared::F64Mul shared::F64Add[3],
    shared::F64Add shared::I32AddBrIfLtU,
}

/// Every instruction's handler: its own, or [`generic`].
static HANDLERS: [Handler; 256] = register_control(register_shared([generic as Handler; 256]));

/// A vector instruction that [`super::simd::fast`] does not run: the whole
/// of [`simd_step`] runs it. A tail call of the vector handler's, so that
/// the common ones save no registers for this call.
#[inline(never)]
fn simd_general(
    cx: &mut Cx<'_>,
    ip: *const Threaded,
    regs: Regs,
    mem: *mut u8,
    mem_len: usize,
    fuel: u64,
) -> Flow {
    // SAFETY: only the vector handler calls this, for the instruction at `ip`.
    let Instr::Simd { index } = (unsafe { (*ip).instr }) else {
        // SAFETY: as above.
        unsafe { std::hint::unreachable_unchecked() }
    };
    let result = simd_step(cx.code, index, regs, (mem, mem_len), cx.p.data, cx.inst);
    if let Err(t) = result {
        return cx.trap(t, ip, fuel);
    }
    dispatch!(cx, ip.wrapping_add(1), regs, mem, mem_len, fuel)
}

/// A backward jump to `ip` found the fuel spent at the branch at `at`
/// (passed where the fuel goes, since that is 0): takes more and jumps, or
/// traps at the branch (out of fuel, or interrupted). Kept out of the
/// branch handlers, so that they need not save registers for the call.
#[cold]
#[inline(never)]
fn refuel_and_jump(
    cx: &mut Cx<'_>,
    ip: *const Threaded,
    regs: Regs,
    mem: *mut u8,
    mem_len: usize,
    at: u64,
) -> Flow {
    match cx.refuel(at as *const Threaded) {
        Ok(fuel) => dispatch!(cx, ip, regs, mem, mem_len, fuel - 1),
        Err(flow) => flow,
    }
}

/// Every instruction without a handler of its own (the cold ones): the step
/// loop's `match` runs it in run code from the state written back, and
/// dispatch goes on from the state it leaves.
fn generic(
    cx: &mut Cx<'_>,
    ip: *const Threaded,
    _regs: Regs,
    _mem: *mut u8,
    _mem_len: usize,
    fuel: u64,
) -> Flow {
    cx.leave(ip, fuel);
    match cx.exec.execute::<false, true>(&mut cx.p) {
        Ok(Outcome::Paused) if cx.exec.waiting.is_none() => {}
        done => return cx.finish(done),
    }
    match cx.reload() {
        Ok(s) => dispatch!(cx, s.ip, s.regs, s.mem, s.mem_len, s.fuel),
        Err(flow) => flow,
    }
}

impl<'a> Cx<'a> {
    /// The index of `ip` in the running code.
    #[inline(always)]
    fn pc(&self, ip: *const Threaded) -> usize {
        // SAFETY: `ip` points into (or one past) the running function's code.
        unsafe { ip.offset_from(self.code.threaded.as_ptr()) as usize }
    }

    /// Writes the machine state back to the execution, as every exit does.
    fn leave(&mut self, ip: *const Threaded, fuel: u64) {
        self.frame.pc = self.pc(ip) as u32;
        self.exec.current = self.frame;
        self.exec.return_fuel(fuel);
    }

    /// Ends the run with `result`.
    fn finish(&mut self, result: Result<Outcome, Trap>) -> Flow {
        self.exit = Some(result);
        Flow::Exit
    }

    /// The run's result, once a handler returned [`Flow::Exit`].
    fn result(&mut self) -> Result<Outcome, Trap> {
        self.exit
            .take()
            .unwrap_or_else(|| Err(Trap::host("run mode stopped without a result")))
    }

    /// Ends the run with `trap`, raised by the instruction at `ip`.
    #[cold]
    #[inline(never)]
    fn trap(&mut self, trap: Trap, ip: *const Threaded, fuel: u64) -> Flow {
        self.leave(ip, fuel);
        let pc = self.frame.pc as usize;
        self.finish(Err(with_site(
            trap,
            self.frame.func,
            self.body,
            self.code,
            pc,
        )))
    }

    /// Ends the run with the trap of an access of `width` bytes at `at` plus
    /// `offset` past the end of memory 0, by the instruction at `ip`. Takes
    /// plain numbers, so that a handler builds no trap in its own frame (a
    /// frame that would keep its tail calls from being jumps).
    #[cold]
    #[inline(never)]
    fn out_of_bounds(
        &mut self,
        ip: *const Threaded,
        fuel: u64,
        at: u32,
        offset: u32,
        width: u64,
    ) -> Flow {
        let trap = out_of_bounds(self.inst, &self.p.data.memories, at, offset, width);
        self.trap(trap, ip, fuel)
    }

    /// More fuel, when the handlers' runs out at the instruction at `ip`.
    #[cold]
    #[inline(never)]
    fn refuel(&mut self, ip: *const Threaded) -> Result<u64, Flow> {
        self.exec
            .refuel(self.p.interrupt, false)
            .map_err(|t| self.trap(t, ip, 0))
    }

    /// The running frame's slots.
    #[inline(always)]
    fn regs(&mut self) -> Regs {
        // SAFETY: the frame at fp was sized by `enter` when it was created.
        Regs(unsafe { self.exec.stack.as_mut_ptr().add(self.frame.fp as usize) })
    }

    /// Picks up the machine state the execution holds: at the start, and
    /// after the step loop or an unwinding changed it.
    fn reload(&mut self) -> Result<State, Flow> {
        self.frame = self.exec.current;
        let (funcs, instances) = (self.p.funcs, self.p.instances);
        let Some((body, instance)) = wasm_body(funcs, self.frame.func) else {
            let trap = Trap::host("the running function is not a wasm function");
            return Err(self.finish(Err(trap)));
        };
        self.body = body;
        self.code = code_for(body, false);
        self.inst_index = instance;
        self.inst = &instances[instance];
        let (mem, mem_len) = memory_view(self.p.data, self.inst);
        Ok(State {
            ip: self
                .code
                .threaded
                .as_ptr()
                .wrapping_add(self.frame.pc as usize),
            regs: self.regs(),
            mem,
            mem_len,
            fuel: self.exec.take_fuel(),
        })
    }

    /// Switches to the code of `body` of instance `instance` for the frame
    /// in `self.frame`: its slots, and memory 0 of its instance.
    #[inline(always)]
    fn enter_body(
        &mut self,
        body: &'a FuncBody,
        instance: usize,
        mem: *mut u8,
        mem_len: usize,
    ) -> (Regs, *mut u8, usize) {
        self.body = body;
        self.code = code_for(body, false);
        // Within one instance the memory view stays current: `memory.grow`
        // refreshes it in whichever frame grows.
        let (mem, mem_len) = if instance == self.inst_index {
            (mem, mem_len)
        } else {
            let instances = self.p.instances;
            self.inst_index = instance;
            self.inst = &instances[instance];
            memory_view(self.p.data, self.inst)
        };
        (self.regs(), mem, mem_len)
    }

    /// Calls `callee` with the arguments at `base` from the instruction in
    /// `s`: a wasm callee's frame is entered and its first instruction is
    /// next; a host callee runs and the instruction after the call is next.
    #[inline(always)]
    fn call(&mut self, callee: FuncAddr, base: Slot, s: State) -> Result<State, Flow> {
        let funcs = self.p.funcs;
        // A function calling itself (recursion) needs no lookup.
        let (body, instance) = if callee == self.frame.func {
            (self.body, self.inst_index)
        } else {
            match &funcs[callee.index()] {
                FuncInst::Wasm { body, instance, .. } => (body, instance.index()),
                FuncInst::Host { func, type_id, .. } => {
                    return self.call_host(func.as_ref(), *type_id, base, s);
                }
            }
        };
        let mut fuel = s.fuel;
        if fuel == 0 {
            fuel = self.refuel(s.ip)?;
        }
        fuel -= 1;
        let limits = self.p.limits;
        if self.exec.frames.len() as u32 >= limits.max_call_depth {
            return Err(self.trap(exhausted(), s.ip, fuel));
        }
        let fp = self.frame.fp as usize + base as usize;
        let entered = self
            .exec
            .enter(body, code_for(body, false), fp, limits.max_stack_slots);
        if let Err(t) = entered {
            return Err(self.trap(t, s.ip, fuel));
        }
        // Built in registers: writing the pc into `self.frame` and pushing
        // that would read back a store just made, partly (a forwarding stall).
        let caller = Frame {
            pc: self.pc(s.ip) as u32 + 1,
            ..self.frame
        };
        self.exec.frames.push(caller);
        self.frame = Frame {
            func: callee,
            pc: 0,
            fp: fp as u32,
        };
        let (regs, mem, mem_len) = self.enter_body(body, instance, s.mem, s.mem_len);
        Ok(State {
            ip: self.code.threaded.as_ptr(),
            regs,
            mem,
            mem_len,
            fuel,
        })
    }

    /// A host callee runs to completion; the next instruction follows.
    #[inline(never)]
    fn call_host(
        &mut self,
        func: &HostFn,
        type_id: u32,
        base: Slot,
        s: State,
    ) -> Result<State, Flow> {
        let ty = self.p.types.func(type_id);
        let memory = self.inst.memories.first().copied();
        let result = call_host(func, ty, self.p.data, memory, s.regs, base);
        let (mem, mem_len) = memory_view(self.p.data, self.inst);
        match result {
            Ok(()) => Ok(State {
                ip: s.ip.wrapping_add(1),
                mem,
                mem_len,
                ..s
            }),
            Err(t) => match super::exceptions::from_host(t, self.p.data, self.p.tags) {
                Ok(exn) => self.throw(exn, s.ip, s.fuel),
                Err(t) => Err(self.trap(t, s.ip, s.fuel)),
            },
        }
    }

    /// Exception `exn` thrown at `ip`: a clause catches it (maybe frames up)
    /// and execution goes on there, or it ends the run.
    #[cold]
    #[inline(never)]
    fn throw(&mut self, exn: u32, ip: *const Threaded, fuel: u64) -> Result<State, Flow> {
        self.leave(ip, fuel);
        let (funcs, instances) = (self.p.funcs, self.p.instances);
        if let Err(t) = self.exec.unwind(funcs, instances, self.p.data, exn) {
            let pc = self.frame.pc as usize;
            let trap = with_site(t, self.frame.func, self.body, self.code, pc);
            return Err(self.finish(Err(trap)));
        }
        self.reload()
    }

    /// The root frame returned its `n` results (from its slot 0): the call is finished.
    #[cold]
    #[inline(never)]
    fn finish_root(&mut self, ip: *const Threaded, fuel: u64, n: u32) -> Flow {
        let fp = self.frame.fp as usize;
        let values = Value::from_slots(&self.exec.results, &self.exec.stack[fp..fp + n as usize]);
        self.leave(ip.wrapping_add(1), fuel);
        self.finish(Ok(Outcome::Finished(values)))
    }
}

impl Execution {
    /// Runs the run code from the current state until the call finishes,
    /// traps or blocks (see the module documentation). Never inlined: in
    /// `drive` it would cost every step of step mode a bigger frame.
    #[inline(never)]
    pub(super) fn run_threaded(&mut self, store: &mut Store) -> Result<Outcome, Trap> {
        let p = Parts::of(store);
        let Some((body, instance)) = wasm_body(p.funcs, self.current.func) else {
            return Err(Trap::host("the running function is not a wasm function"));
        };
        let code = code_for(body, false);
        if self.current.pc == 0 && self.frames.is_empty() && self.fresh {
            self.enter(body, code, 0, p.limits.max_stack_slots)?;
            self.fresh = false;
        }
        let instances = p.instances;
        let mut cx = Cx {
            frame: self.current,
            exec: self,
            p,
            body,
            code,
            inst: &instances[instance],
            inst_index: instance,
            resume: State {
                ip: std::ptr::null(),
                regs: Regs(std::ptr::null_mut()),
                mem: std::ptr::null_mut(),
                mem_len: 0,
                fuel: 0,
            },
            exit: None,
        };
        let mut s = match cx.reload() {
            Ok(s) => s,
            Err(_) => return cx.result(),
        };
        loop {
            match handler_of(s.ip)(&mut cx, s.ip, s.regs, s.mem, s.mem_len, s.fuel) {
                Flow::Continue => s = cx.resume,
                Flow::Exit => return cx.result(),
            }
        }
    }
}

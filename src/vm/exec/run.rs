//! The step loop, and the helpers run mode's handlers share with it.
//!
//! One `match` over [`Instr`] in a loop: step mode runs step code in it, and
//! run mode's threaded handlers (`threaded.rs`) have it run their cold
//! instructions one at a time. Everything hot lives in locals: the current
//! code, the program counter, the frame's slot pointer and the current
//! memory's base and length. They are written back to the [`Execution`]
//! only when the loop leaves (return, pause, trap), so the machine state is
//! exact at every exit.

use super::numeric as num;
use super::semantics::{and_of, select_if};
use super::{Execution, Frame, Outcome, code_for, exhausted};
use crate::vm::budget;
use crate::vm::instr::{Instr, Slot, WideOp, unpack_step_target};
use crate::vm::memory::Memory;
use crate::vm::module::FuncBody;
use crate::vm::store::{FuncAddr, FuncInst, HostContext, Instance, Store, StoreData};
use crate::vm::table::narrow;
use crate::vm::translate::Compiled;
use crate::vm::trap::{Trap, TrapCode, TrapSite};
use crate::vm::value::{NULL_REF, ValType, Value};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Loop iterations and calls between two looks at the interrupt flag.
const FUEL_CHUNK: u64 = 1 << 16;

/// The running frame's slots.
///
/// Invariant (established by [`Execution::enter`], which sizes the value stack
/// before a frame starts): every slot index the translator emits for a
/// function is below its `frame_size`, and `fp + frame_size` slots exist.
#[derive(Clone, Copy)]
pub(super) struct Regs(pub(super) *mut u64);

impl Regs {
    #[inline(always)]
    pub(super) fn get(self, s: Slot) -> u64 {
        // SAFETY: see the type's invariant.
        unsafe { *self.0.add(s as usize) }
    }
    #[inline(always)]
    pub(super) fn set(self, s: Slot, v: u64) {
        // SAFETY: see the type's invariant.
        unsafe { *self.0.add(s as usize) = v }
    }
    #[inline(always)]
    pub(super) fn i32(self, s: Slot) -> i32 {
        self.get(s) as u32 as i32
    }
    #[inline(always)]
    pub(super) fn u32(self, s: Slot) -> u32 {
        self.get(s) as u32
    }
    #[inline(always)]
    pub(super) fn i64(self, s: Slot) -> i64 {
        self.get(s) as i64
    }
    #[inline(always)]
    pub(super) fn f32(self, s: Slot) -> f32 {
        f32::from_bits(self.get(s) as u32)
    }
    #[inline(always)]
    pub(super) fn f64(self, s: Slot) -> f64 {
        f64::from_bits(self.get(s))
    }
    #[inline(always)]
    pub(super) fn set_i32(self, s: Slot, v: i32) {
        self.set(s, v as u32 as u64)
    }
    #[inline(always)]
    pub(super) fn set_u32(self, s: Slot, v: u32) {
        self.set(s, v as u64)
    }
    #[inline(always)]
    pub(super) fn set_i64(self, s: Slot, v: i64) {
        self.set(s, v as u64)
    }
    #[inline(always)]
    pub(super) fn set_f32(self, s: Slot, v: f32) {
        self.set(s, v.to_bits() as u64)
    }
    #[inline(always)]
    pub(super) fn set_f64(self, s: Slot, v: f64) {
        self.set(s, v.to_bits())
    }
    #[inline(always)]
    pub(super) fn set_bool(self, s: Slot, v: bool) {
        self.set(s, v as u64)
    }
}

/// The parts of a [`Store`] a running call uses, borrowed apart so that the
/// code and instances can be read while memories and globals change.
pub(super) struct Parts<'a> {
    pub(super) funcs: &'a [FuncInst],
    pub(super) instances: &'a [Instance],
    pub(super) data: &'a mut StoreData,
    pub(super) types: &'a crate::vm::gc_types::TypeRegistry,
    pub(super) tags: &'a [crate::vm::exn::TagInst],
    pub(super) limits: crate::vm::store::Limits,
    pub(super) interrupt: &'a AtomicBool,
    pub(super) blocking_waits: bool,
}

impl<'a> Parts<'a> {
    /// Borrows the parts of `store`.
    pub(super) fn of(store: &'a mut Store) -> Parts<'a> {
        let Store {
            funcs,
            instances,
            data,
            limits,
            interrupt,
            types,
            blocking_waits,
            tags,
            ..
        } = store;
        Parts {
            funcs,
            instances,
            data,
            types,
            tags,
            limits: *limits,
            interrupt,
            blocking_waits: *blocking_waits,
        }
    }
}

pub(super) fn memory_view(data: &mut StoreData, inst: &Instance) -> (*mut u8, usize) {
    match inst.memories.first() {
        Some(addr) => data.memories[addr.index()].raw(),
        None => (std::ptr::null_mut(), 0),
    }
}

pub(super) fn wasm_body(funcs: &[FuncInst], func: FuncAddr) -> Option<(&FuncBody, usize)> {
    match funcs.get(func.index()) {
        Some(FuncInst::Wasm { body, instance, .. }) => Some((body, instance.index())),
        _ => None,
    }
}

/// Step mode: whether the instruction at `pc` is the first of the code of a
/// wasm instruction. Arriving at one after executing anything completes a
/// step, even at the same offset: a branch back to a loop whose body starts
/// with that very branch (`loop br 0 end`) runs it again.
fn starts_instruction(offsets: &[u32], pc: usize) -> bool {
    pc == 0 || offsets.get(pc - 1) != offsets.get(pc)
}

/// Adds the trap site (function and instruction offset) to a trap.
#[cold]
#[inline(never)]
pub(super) fn with_site(
    mut trap: Trap,
    func: FuncAddr,
    body: &FuncBody,
    code: &Compiled,
    pc: usize,
) -> Trap {
    trap.site = Some(TrapSite {
        func: func.0,
        offset: body.offset_at(code, pc),
    });
    trap
}

/// Calls a host function with the arguments at `base` and writes its results there.
#[inline(never)]
pub(super) fn call_host(
    func: &crate::vm::store::HostFn,
    ty: &crate::vm::types::FuncType,
    data: &mut StoreData,
    caller_memory: Option<crate::vm::MemAddr>,
    regs: Regs,
    base: Slot,
) -> Result<(), Trap> {
    let nargs = ValType::slots_of(&ty.params);
    let slots: Vec<u64> = (0..nargs).map(|i| regs.get(base + i as u32)).collect();
    let args = Value::from_slots(&ty.params, &slots);
    let values = func(
        &mut HostContext {
            data,
            caller_memory,
        },
        &args,
    )?;
    if !values.iter().map(|v| v.ty()).eq(ty.results.iter().copied()) {
        return Err(Trap::host(format!(
            "a host function returned values that do not match {ty}"
        )));
    }
    for (i, slot) in Value::to_slots(&values).into_iter().enumerate() {
        regs.set(base + i as u32, slot);
    }
    Ok(())
}

/// The function `call_indirect` with type `ty` finds in `table` at the
/// index after the arguments at `base`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) fn indirect_callee(
    funcs: &[FuncInst],
    data: &StoreData,
    types: &crate::vm::gc_types::TypeRegistry,
    inst: &Instance,
    regs: Regs,
    ty: u32,
    table: u32,
    base: Slot,
) -> Result<FuncAddr, Trap> {
    let params = ValType::slots_of(&inst.module.types[ty as usize].params) as u32;
    let at = table;
    let table = &data.tables[inst.tables[at as usize].index()];
    let index = table.operand(regs.get(base + params));
    let Some(&entry) = table.elements.get(index as usize) else {
        return Err(undefined_element(inst, at, index, table.elements.len()));
    };
    if entry == NULL_REF {
        return Err(uninitialized_element(inst, at, index));
    }
    let callee = FuncAddr((entry - 1) as u32);
    let (have, want) = (funcs[callee.index()].type_id(), inst.type_ids[ty as usize]);
    if have != want && !types.is_subtype(have, want) {
        return Err(indirect_mismatch(
            inst,
            at,
            index,
            types.func(have),
            types.func(want),
        ));
    }
    Ok(callee)
}

/// The running frame's slots (`code`'s `frame_size` from `regs`) and
/// memory 0 (`mem_len` bytes at `mem`), as slices for the vector instructions.
///
/// # Safety
/// `regs` and `mem`/`mem_len` must be the running frame's and its memory
/// view, and nothing else may use them while the slices live.
#[inline(always)]
pub(super) unsafe fn frame_and_memory<'s>(
    code: &Compiled,
    regs: Regs,
    (mem, mem_len): (*mut u8, usize),
) -> (&'s mut [u64], &'s mut [u8]) {
    // SAFETY: every slot the translator emits is below `frame_size` (see
    // `Regs`); `mem` points at `mem_len` bytes (or is null when 0).
    unsafe {
        (
            std::slice::from_raw_parts_mut(regs.0, code.frame_size as usize),
            if mem.is_null() {
                &mut []
            } else {
                std::slice::from_raw_parts_mut(mem, mem_len)
            },
        )
    }
}

/// Runs vector instruction `index` of `code` on the frame at `regs` and
/// memory 0 (`mem_len` bytes at `mem`).
pub(super) fn simd_step(
    code: &Compiled,
    index: u32,
    regs: Regs,
    memory: (*mut u8, usize),
    data: &mut StoreData,
    inst: &Instance,
) -> Result<(), Trap> {
    // SAFETY: the running frame's and memory view, used by nothing else meanwhile.
    let (slots, memory) = unsafe { frame_and_memory(code, regs, memory) };
    let simd = &code.simd_ops[index as usize];
    super::simd::execute(simd, slots, memory, data, inst)
        .map_err(|e| out_of_bounds(inst, &data.memories, e.addr, e.offset, e.size.into()))
}

/// The `N` bytes at `addr + offset` in memory 0 (`mem_len` bytes at
/// `mem`), or None when they are out of bounds.
#[inline(always)]
pub(super) fn load_bytes<const N: usize>(
    mem: *mut u8,
    mem_len: usize,
    addr: u32,
    offset: u32,
) -> Option<[u8; N]> {
    let ea = addr as u64 + offset as u64;
    if ea + N as u64 > mem_len as u64 {
        return None;
    }
    // SAFETY: `ea + N <= mem_len` was just checked, and `mem` points at `mem_len` bytes.
    Some(unsafe { std::ptr::read_unaligned(mem.add(ea as usize) as *const [u8; N]) })
}

/// Writes `bytes` at `addr + offset` in memory 0 (`mem_len` bytes at
/// `mem`); false (and nothing written) when they are out of bounds.
#[inline(always)]
pub(super) fn store_bytes<const N: usize>(
    mem: *mut u8,
    mem_len: usize,
    addr: u32,
    offset: u32,
    bytes: [u8; N],
) -> bool {
    let ea = addr as u64 + offset as u64;
    if ea + N as u64 > mem_len as u64 {
        return false;
    }
    // SAFETY: `ea + N <= mem_len` was just checked, and `mem` points at `mem_len` bytes.
    unsafe { std::ptr::write_unaligned(mem.add(ea as usize) as *mut [u8; N], bytes) };
    true
}

/// Copies `n` slots from `from` to `to` in the frame at `regs` (the ranges may overlap).
#[inline(always)]
pub(super) fn copy_slots(regs: Regs, from: Slot, to: Slot, n: u32) {
    match n {
        0 => {}
        1 => regs.set(to, regs.get(from)),
        2 => {
            // A v128 (two slots) moving, e.g. its `local.get`: two reads
            // then two writes, so overlapping ranges are fine.
            let (low, high) = (regs.get(from), regs.get(from + 1));
            regs.set(to, low);
            regs.set(to + 1, high);
        }
        // SAFETY: both ranges lie inside the frame (see `Regs`); `copy` allows overlap.
        _ => unsafe {
            std::ptr::copy(
                regs.0.add(from as usize),
                regs.0.add(to as usize),
                n as usize,
            )
        },
    }
}

/// How a trap's detail names table `at` of `inst`: `table $ops`, `table 0`.
fn table_label(inst: &Instance, at: u32) -> String {
    match inst.module.names.tables.get(&at) {
        Some(name) => format!("table ${name}"),
        None => format!("table {at}"),
    }
}

/// `call_indirect` read past the end of table `at` (`len` elements).
#[cold]
#[inline(never)]
fn undefined_element(inst: &Instance, at: u32, index: u32, len: usize) -> Trap {
    let plural = if len == 1 { "" } else { "s" };
    Trap {
        detail: Some(format!(
            "index {index} is past the end of {} ({len} element{plural}): \
             call_indirect takes an index below {len}",
            table_label(inst, at)
        )),
        ..Trap::new(TrapCode::UndefinedElement)
    }
}

/// `call_indirect` found table element `index` empty.
#[cold]
#[inline(never)]
fn uninitialized_element(inst: &Instance, at: u32, index: u32) -> Trap {
    Trap {
        element: Some(index),
        detail: Some(format!(
            "slot {index} of {} is null: put a function there with an elem segment or table.set",
            table_label(inst, at)
        )),
        ..Trap::new(TrapCode::UninitializedElement)
    }
}

/// `call_indirect` found a function of type `have` where it asked for `want`.
#[cold]
#[inline(never)]
fn indirect_mismatch(
    inst: &Instance,
    at: u32,
    index: u32,
    have: &crate::vm::types::FuncType,
    want: &crate::vm::types::FuncType,
) -> Trap {
    Trap {
        detail: Some(format!(
            "slot {index} of {} holds a function of type {have}, but call_indirect asks for \
             {want}: the signatures must match (or the function's type be a subtype)",
            table_label(inst, at)
        )),
        ..Trap::new(TrapCode::IndirectCallTypeMismatch)
    }
}

/// The numbers behind an out-of-bounds access to memory 0, for the trap's detail.
#[cold]
#[inline(never)]
pub(super) fn out_of_bounds(
    inst: &Instance,
    memories: &[Memory],
    addr: u32,
    offset: u32,
    size: u64,
) -> Trap {
    match inst.memories.first() {
        Some(m) => super::memory_n::out_of_bounds(
            super::memory_n::memory_label(inst, 0),
            addr as u64,
            offset as u64,
            size,
            &memories[m.index()],
        ),
        None => Trap::new(TrapCode::OutOfBoundsMemoryAccess),
    }
}

impl Execution {
    /// Makes room for a frame of `body` at `fp`, zeroes its locals and
    /// copies in its constants.
    #[inline(always)]
    pub(super) fn enter(
        &mut self,
        body: &FuncBody,
        code: &Compiled,
        fp: usize,
        limit: u32,
    ) -> Result<(), Trap> {
        let need = fp + code.frame_size as usize;
        if need > self.stack.len() {
            self.grow_stack(need, limit)?;
        }
        let (params, nlocals) = (body.param_slots as usize, body.local_slots as usize);
        let frame = &mut self.stack[fp..need];
        // Element-wise on purpose: frames have few locals and constants, and
        // a call into memset/memcpy costs more than the loop.
        for slot in &mut frame[params..nlocals] {
            *slot = 0;
        }
        for (slot, c) in frame[nlocals..].iter_mut().zip(code.consts.iter()) {
            *slot = *c;
        }
        Ok(())
    }

    /// Grows the value stack to at least `need` slots (doubling), within `limit`.
    #[cold]
    #[inline(never)]
    fn grow_stack(&mut self, need: usize, limit: u32) -> Result<(), Trap> {
        if need > limit as usize {
            return Err(exhausted());
        }
        let grown = (self.stack.len() * 2).clamp(need, limit as usize);
        self.stack.resize(grown, 0);
        Ok(())
    }

    pub(super) fn take_fuel(&mut self) -> u64 {
        match &mut self.fuel {
            None => FUEL_CHUNK,
            Some(left) => {
                let take = (*left).min(FUEL_CHUNK);
                *left -= take;
                take
            }
        }
    }

    pub(super) fn return_fuel(&mut self, unused: u64) {
        if let Some(left) = &mut self.fuel {
            *left += unused;
        }
    }

    pub(super) fn refuel(&mut self, interrupt: &AtomicBool, stepping: bool) -> Result<u64, Trap> {
        // Step mode pauses for an interrupt at the next instruction instead.
        if !stepping && interrupt.load(Ordering::Relaxed) {
            return Err(TrapCode::Interrupted.into());
        }
        match self.take_fuel() {
            0 => Err(budget::out_of_fuel(self.budget)),
            n => Ok(n),
        }
    }

    /// A bulk instruction's charge beyond the fuel the loop holds: takes
    /// `more` units from the rest of the budget, or nothing if it cannot.
    #[cold]
    #[inline(never)]
    fn overdraw(&mut self, more: u64) -> Result<(), Trap> {
        budget::charge(&mut self.fuel, self.budget, more)
    }

    /// The interpreter loop; see the module documentation. `STEP` runs
    /// step code; `ONE` runs one instruction of run code and returns
    /// `Paused` (the threaded handlers' way to run a cold instruction).
    #[allow(clippy::too_many_lines)]
    pub(super) fn execute<const STEP: bool, const ONE: bool>(
        &mut self,
        p: &mut Parts<'_>,
    ) -> Result<Outcome, Trap> {
        let (funcs, instances, types, tags) = (p.funcs, p.instances, p.types, p.tags);
        let (limits, interrupt, blocking_waits) = (p.limits, p.interrupt, p.blocking_waits);
        let data: &mut StoreData = p.data;

        let mut frame: Frame = self.current;
        let Some((mut body, mut inst_index)) = wasm_body(funcs, frame.func) else {
            return Err(Trap::host("the running function is not a wasm function"));
        };
        let mut code: &Compiled = code_for(body, STEP);
        if frame.pc == 0 && self.frames.is_empty() && self.fresh {
            self.enter(body, code, 0, limits.max_stack_slots)?;
            self.fresh = false;
        }
        let mut inst: &Instance = &instances[inst_index];
        let (mut mem, mut mem_len) = memory_view(data, inst);
        let mut ip: *const Instr = code.code.as_ptr().wrapping_add(frame.pc as usize);
        macro_rules! pc {
            () => {
                // SAFETY: `ip` always points into `code.code` (see the fetch below).
                unsafe { ip.offset_from(code.code.as_ptr()) as usize }
            };
        }
        // SAFETY: the frame was entered (sized) before it first ran.
        let mut regs = Regs(unsafe { self.stack.as_mut_ptr().add(frame.fp as usize) });
        let mut fuel = self.take_fuel();
        let mut start_depth = self.frames.len();
        let mut start_offset = code.offsets.get(frame.pc as usize).copied();
        let mut first = true;

        macro_rules! leave {
            () => {{
                frame.pc = pc!() as u32;
                self.current = frame;
                self.return_fuel(fuel);
            }};
        }
        macro_rules! trap {
            ($trap:expr) => {{
                leave!();
                return Err(with_site($trap.into(), frame.func, body, code, pc!()));
            }};
        }
        // An exception thrown at the current instruction: a clause catches
        // it (maybe frames up) and execution goes on there, or it leaves the call.
        macro_rules! throw {
            ($exn:expr) => {{
                leave!();
                if let Err(t) = self.unwind(funcs, instances, data, $exn) {
                    return Err(with_site(t, frame.func, body, code, pc!()));
                }
                frame = self.current;
                let Some((handler_body, handler_instance)) = wasm_body(funcs, frame.func) else {
                    return Err(Trap::host("an exception was caught outside wasm code"));
                };
                enter_body!(handler_body, handler_instance);
                ip = code.code.as_ptr().wrapping_add(frame.pc as usize);
                fuel = self.take_fuel();
                continue;
            }};
        }
        macro_rules! tick {
            () => {{
                if fuel == 0 {
                    match self.refuel(interrupt, STEP) {
                        Ok(n) => fuel = n,
                        Err(code) => trap!(code),
                    }
                }
                fuel -= 1;
            }};
        }
        // A bulk instruction's cost (see `crate::vm::budget`), paid before it
        // does its work; the loop's fuel first, then the rest of the budget.
        macro_rules! charge {
            ($cost:expr) => {{
                let cost: u64 = $cost;
                if cost <= fuel {
                    fuel -= cost;
                } else {
                    if let Err(t) = self.overdraw(cost - fuel) {
                        trap!(t);
                    }
                    fuel = 0;
                }
            }};
        }
        macro_rules! enter_body {
            ($body:expr, $instance:expr) => {{
                body = $body;
                code = code_for(body, STEP);
                // Within one instance the cached memory view stays current:
                // `memory.grow` refreshes it in whichever frame grows.
                if $instance != inst_index {
                    inst_index = $instance;
                    inst = &instances[inst_index];
                    (mem, mem_len) = memory_view(data, inst);
                }
                // SAFETY: the frame at fp was sized by `enter` when it was created.
                regs = Regs(unsafe { self.stack.as_mut_ptr().add(frame.fp as usize) });
            }};
        }
        macro_rules! call {
            ($callee:expr, $base:expr) => {{
                let callee: FuncAddr = $callee;
                let base: Slot = $base;
                match &funcs[callee.index()] {
                    FuncInst::Wasm {
                        body: callee_body,
                        instance: callee_instance,
                        ..
                    } => {
                        tick!();
                        if self.frames.len() as u32 >= limits.max_call_depth {
                            trap!(exhausted());
                        }
                        let fp = frame.fp as usize + base as usize;
                        let callee_code = code_for(callee_body, STEP);
                        if let Err(t) =
                            self.enter(callee_body, callee_code, fp, limits.max_stack_slots)
                        {
                            trap!(t);
                        }
                        frame.pc = pc!() as u32 + 1;
                        self.frames.push(frame);
                        frame = Frame {
                            func: callee,
                            pc: 0,
                            fp: fp as u32,
                        };
                        enter_body!(callee_body, callee_instance.index());
                        ip = code.code.as_ptr();
                    }
                    FuncInst::Host { func, type_id, .. } => host_call!(func, type_id, base),
                }
            }};
        }
        // A host callee runs to completion; the next instruction follows.
        macro_rules! host_call {
            ($func:expr, $type_id:expr, $base:expr) => {{
                let result = call_host(
                    $func.as_ref(),
                    types.func(*$type_id),
                    data,
                    inst.memories.first().copied(),
                    regs,
                    $base,
                );
                (mem, mem_len) = memory_view(data, inst);
                if let Err(t) = result {
                    match super::exceptions::from_host(t, data, tags) {
                        Ok(exn) => throw!(exn),
                        Err(t) => trap!(t),
                    }
                }
                ip = ip.wrapping_add(1);
            }};
        }
        // A tail call: a wasm callee takes over the running frame (its
        // arguments move down to the frame's base), so the call stack does
        // not grow; a host callee runs, and the `Return` after this
        // instruction returns its results.
        macro_rules! tail_call {
            ($callee:expr, $base:expr) => {{
                let callee: FuncAddr = $callee;
                let base: Slot = $base;
                match &funcs[callee.index()] {
                    FuncInst::Wasm {
                        body: callee_body,
                        instance: callee_instance,
                        ..
                    } => {
                        tick!();
                        let fp = frame.fp as usize;
                        let from = fp + base as usize;
                        self.stack
                            .copy_within(from..from + callee_body.param_slots as usize, fp);
                        let callee_code = code_for(callee_body, STEP);
                        if let Err(t) =
                            self.enter(callee_body, callee_code, fp, limits.max_stack_slots)
                        {
                            trap!(t);
                        }
                        frame = Frame {
                            func: callee,
                            pc: 0,
                            fp: fp as u32,
                        };
                        enter_body!(callee_body, callee_instance.index());
                        ip = code.code.as_ptr();
                    }
                    FuncInst::Host { func, type_id, .. } => host_call!(func, type_id, base),
                }
            }};
        }
        // The function a `call_ref` of type `ty` calls: the reference after
        // the arguments at `base`.
        macro_rules! ref_callee {
            ($ty:expr, $base:expr) => {{
                let params = ValType::slots_of(&inst.module.types[$ty as usize].params) as u32;
                let entry = regs.get($base + params);
                if entry == NULL_REF {
                    trap!(TrapCode::NullFunctionReference);
                }
                FuncAddr((entry - 1) as u32)
            }};
        }
        // The function `call_indirect` with type `ty` finds in `table` at
        // the index after the arguments at `base`.
        macro_rules! indirect_callee {
            ($ty:expr, $table:expr, $base:expr) => {
                checked!(indirect_callee(
                    funcs, data, types, inst, regs, $ty, $table, $base
                ))
            };
        }
        // The step loop's `match`: the arms of `semantics::shared_ops!`'s
        // tables, then the other instructions' arms.
        macro_rules! step_match {
            (
                { $scrutinee:expr; $($other:tt)* }
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
                match $scrutinee {
                    $(Instr::$bn { dst, a, b } => {
                        let ($bx, $by) = (regs.$bg(a), regs.$bg(b));
                        regs.$bs(dst, $be);
                    })*
                    $(Instr::$cn { dst, a, b } => {
                        let (x, y) = (regs.$cg(a), regs.$cg(b));
                        let v = match $cf(x, y) {
                            Ok(v) => v,
                            Err(code) => trap!(Trap::of_division(code, stringify!($cn), x, y)),
                        };
                        regs.$cs(dst, v);
                    })*
                    $(Instr::$un { dst, src } => {
                        let $ux = regs.$ug(src);
                        regs.$us(dst, $ue);
                    })*
                    $(Instr::$vn { dst, src } => {
                        let v = checked!($vf(regs.$vg(src)));
                        regs.$vs(dst, v);
                    })*
                    $(Instr::$ln { dst, addr, offset } => {
                        let at = regs.u32(addr);
                        let Some($lb) = load_bytes::<$lw>(mem, mem_len, at, offset) else {
                            trap!(out_of_bounds(inst, &data.memories, at, offset, $lw))
                        };
                        regs.$ls(dst, $le);
                    })*
                    $(Instr::$sn { addr, val, offset } => {
                        let (at, $sv) = (regs.u32(addr), regs.$sg(val));
                        if !store_bytes::<$sw>(mem, mem_len, at, offset, $se) {
                            trap!(out_of_bounds(inst, &data.memories, at, offset, $sw));
                        }
                    })*
                    $(Instr::$zn { cond, target } => {
                        if regs.$zg(cond) $zo 0 {
                            if (target as i32) <= 0 {
                                tick!();
                            }
                            ip = ip.wrapping_offset(target as i32 as isize);
                            continue;
                        }
                    })*
                    $(Instr::$qn { a, b, target } => {
                        if regs.$qg(a) $qo regs.$qg(b) {
                            if (target as i32) <= 0 {
                                tick!();
                            }
                            ip = ip.wrapping_offset(target as i32 as isize);
                            continue;
                        }
                    })*
                    $(Instr::$kn { x, bound, step_target } => {
                        let (step, target) = unpack_step_target(step_target);
                        regs.set_u32(x, regs.u32(x).wrapping_add(regs.u32(step)));
                        if regs.$kg(x) $ko regs.$kg(bound) {
                            if target <= 0 {
                                tick!();
                            }
                            ip = ip.wrapping_offset(target);
                        } else {
                            ip = ip.wrapping_add(2);
                        }
                        continue;
                    })*
                    $(Instr::$tn { dst, ab, target } => {
                        let v = regs.$tg(ab & 0xffff) & regs.$tg(ab >> 16);
                        regs.$ts(dst, v);
                        if v $to 0 {
                            // Taken backward exactly when the branch it stands for is.
                            if (target as i32) <= 1 {
                                tick!();
                            }
                            ip = ip.wrapping_offset(target as i32 as isize);
                        } else {
                            ip = ip.wrapping_add(2);
                        }
                        continue;
                    })*
                    $($other)*
                }
            };
        }
        macro_rules! checked {
            ($r:expr) => {
                match $r {
                    Ok(v) => v,
                    Err(code) => trap!(code),
                }
            };
        }
        macro_rules! memory_mut {
            () => {
                &mut data.memories[inst.memories[0].index()]
            };
        }
        macro_rules! table_mut {
            ($t:expr) => {
                &mut data.tables[inst.tables[$t as usize].index()]
            };
        }
        macro_rules! table {
            ($t:expr) => {
                &data.tables[inst.tables[$t as usize].index()]
            };
        }

        loop {
            if STEP {
                let here = code.offsets.get(pc!()).copied();
                if !first
                    && (self.frames.len() != start_depth
                        || here != start_offset
                        || starts_instruction(&code.offsets, pc!()))
                {
                    // One wasm instruction is complete.
                    let at_breakpoint = (!self.break_entries.is_empty()
                        || !self.break_offsets.is_empty())
                        && ((pc!() == 0 && self.break_entries.contains(&frame.func))
                            || here.is_some_and(|o| {
                                (self.break_offsets)
                                    .contains(&(frame.func, body.start + o as usize))
                            }));
                    if at_breakpoint {
                        self.hit_breakpoint = true;
                        leave!();
                        return Ok(Outcome::Paused);
                    }
                    if self.step_budget <= 1 || interrupt.load(Ordering::Relaxed) {
                        leave!();
                        return Ok(Outcome::Paused);
                    }
                    self.step_budget -= 1;
                    start_depth = self.frames.len();
                    start_offset = here;
                }
                first = false;
            }
            if ONE {
                if !first {
                    leave!();
                    return Ok(Outcome::Paused);
                }
                first = false;
            }
            debug_assert!(pc!() < code.code.len(), "ran off the end of the code");
            // SAFETY: translation ends every reachable path with a branch or return
            // and resolves every branch inside the function, so `ip` stays in the code.
            let instr = unsafe { *ip };
            shared_ops!(step_match { instr;
                Instr::Unreachable => trap!(TrapCode::Unreachable),
                Instr::Nop => {}
                Instr::Br { target } => {
                    ip = ip.wrapping_offset(target as i32 as isize);
                    continue;
                }
                Instr::BrLoop { target } => {
                    tick!();
                    ip = ip.wrapping_offset(target as i32 as isize);
                    continue;
                }
                Instr::BrTable { index, len } => {
                    ip = ip.wrapping_add(1 + regs.u32(index).min(len - 1) as usize);
                    continue;
                }
                Instr::Copy { from, to, n } => copy_slots(regs, from, to, n),
                Instr::Move { from, to } => regs.set(to, regs.get(from)),
                Instr::Return { from, n } => {
                    copy_slots(regs, from, 0, n);
                    match self.frames.pop() {
                        Some(caller) => {
                            frame = caller;
                            let Some((caller_body, caller_instance)) = wasm_body(funcs, frame.func)
                            else {
                                trap!(Trap::host("a caller frame is not a wasm function"))
                            };
                            enter_body!(caller_body, caller_instance);
                            ip = code.code.as_ptr().wrapping_add(frame.pc as usize);
                            continue;
                        }
                        None => {
                            let fp = frame.fp as usize;
                            let values =
                                Value::from_slots(&self.results, &self.stack[fp..fp + n as usize]);
                            ip = ip.wrapping_add(1);
                            leave!();
                            return Ok(Outcome::Finished(values));
                        }
                    }
                }
                Instr::Call { func, base } => {
                    call!(inst.funcs[func as usize], base);
                    continue;
                }
                Instr::CallIndirect { ty, table, base } => {
                    let callee = indirect_callee!(ty, table, base);
                    call!(callee, base);
                    continue;
                }
                Instr::ReturnCall { func, base } => {
                    tail_call!(inst.funcs[func as usize], base);
                    continue;
                }
                Instr::CallRef { ty, base } => {
                    let callee = ref_callee!(ty, base);
                    call!(callee, base);
                    continue;
                }
                Instr::ReturnCallRef { ty, base } => {
                    let callee = ref_callee!(ty, base);
                    tail_call!(callee, base);
                    continue;
                }
                Instr::RefAsNonNull { dst, src } => {
                    let r = regs.get(src);
                    if r == NULL_REF {
                        trap!(TrapCode::NullReference);
                    }
                    regs.set(dst, r);
                }
                Instr::ReturnCallIndirect { ty, table, base } => {
                    let callee = indirect_callee!(ty, table, base);
                    tail_call!(callee, base);
                    continue;
                }
                Instr::Select { dst } => {
                    if regs.u32(dst + 2) == 0 {
                        regs.set(dst, regs.get(dst + 1));
                    }
                }
                Instr::SelectIf { dst, cond, a } => {
                    regs.set(dst, select_if(regs, regs.u32(cond) != 0, a))
                }
                Instr::SelectIfEqz { dst, cond, a } => {
                    regs.set(dst, select_if(regs, regs.u32(cond) == 0, a))
                }
                Instr::SelectIfEqz64 { dst, cond, a } => {
                    regs.set(dst, select_if(regs, regs.get(cond) == 0, a))
                }
                Instr::SelectIfAnd { dst, ab, a } => {
                    regs.set(dst, select_if(regs, and_of(regs, ab) as u32 != 0, a))
                }
                Instr::SelectIfAndEqz { dst, ab, a } => {
                    regs.set(dst, select_if(regs, and_of(regs, ab) as u32 == 0, a))
                }
                Instr::SelectIfAndEqz64 { dst, ab, a } => {
                    regs.set(dst, select_if(regs, and_of(regs, ab) == 0, a))
                }
                Instr::GlobalGet { dst, global } => regs.set(
                    dst,
                    data.globals[inst.globals[global as usize].index()].value,
                ),
                Instr::GlobalSet { src, global } => {
                    data.globals[inst.globals[global as usize].index()].value = regs.get(src)
                }
                Instr::Const32 { dst, val } => regs.set_u32(dst, val),
                Instr::Const64 { dst, val } => regs.set(dst, val),
                Instr::MemorySize { dst } => regs.set_u32(dst, (mem_len / 65536) as u32),
                Instr::MemoryGrow { dst } => {
                    let delta = regs.u32(dst);
                    let result = memory_mut!()
                        .grow(delta as u64)
                        .map_or(-1, |old| old as i32);
                    (mem, mem_len) = memory_view(data, inst);
                    regs.set_i32(dst, result);
                }
                Instr::MemoryFill { base } => {
                    let (d, val, n) =
                        (regs.u32(base), regs.u32(base + 1) as u8, regs.u32(base + 2));
                    let memory = memory_mut!();
                    let Some(range) = memory.range(d as u64, n as u64) else {
                        trap!(out_of_bounds(inst, &data.memories, d, 0, n as u64))
                    };
                    charge!(budget::memory_cost(n as u64));
                    memory.bytes_mut()[range].fill(val);
                }
                Instr::MemoryCopy { base } => {
                    let (d, s, n) = (regs.u32(base), regs.u32(base + 1), regs.u32(base + 2));
                    let memory = memory_mut!();
                    let (Some(src), Some(_)) = (
                        memory.range(s as u64, n as u64),
                        memory.range(d as u64, n as u64),
                    ) else {
                        trap!(TrapCode::OutOfBoundsMemoryAccess)
                    };
                    charge!(budget::memory_cost(n as u64));
                    memory.bytes_mut().copy_within(src, d as usize);
                }
                Instr::MemoryInit { base, seg } => {
                    let (d, s, n) = (regs.u32(base), regs.u32(base + 1), regs.u32(base + 2));
                    let bytes = data.datas[inst.datas[seg as usize] as usize].clone();
                    let src = (s as usize)
                        .checked_add(n as usize)
                        .filter(|end| *end <= bytes.len());
                    let memory = memory_mut!();
                    let (Some(end), Some(dst)) = (src, memory.range(d as u64, n as u64)) else {
                        trap!(TrapCode::OutOfBoundsMemoryAccess)
                    };
                    charge!(budget::memory_cost(n as u64));
                    memory.bytes_mut()[dst].copy_from_slice(&bytes[s as usize..end]);
                }
                Instr::Atomic { op, base, memarg } => {
                    // Only the operands the instruction has are in the frame.
                    let arg = |i: u32| {
                        if (i as u8) < op.pops {
                            regs.get(base + i)
                        } else {
                            0
                        }
                    };
                    let args = [arg(0), arg(1), arg(2)];
                    let memarg = code.atomic_memargs[memarg as usize];
                    match super::atomic::execute(op, data, inst, memarg, args, blocking_waits) {
                        Ok(super::atomic::Done::Value(Some(value))) => regs.set(base, value),
                        Ok(super::atomic::Done::Value(None)) => {}
                        Ok(super::atomic::Done::Block(waiter)) => {
                            self.waiting = Some(waiter);
                            leave!();
                            return Ok(Outcome::Paused);
                        }
                        Err(t) => trap!(t),
                    }
                }
                Instr::Simd { index } => {
                    checked!(simd_step(code, index, regs, (mem, mem_len), data, inst))
                }
                Instr::MemoryN { a, b, op } => {
                    // Closures below capture copies (`move`, and `left` for the
                    // fuel): a loop variable whose address escapes into a call
                    // would be kept in memory for the whole loop, slowing every
                    // instruction.
                    let mut left = fuel;
                    let mut charge = |cost: u64| {
                        let paid = cost.min(left);
                        left -= paid;
                        if paid < cost {
                            self.overdraw(cost - paid)?;
                        }
                        Ok(())
                    };
                    let result = super::memory_n::execute(
                        code.memory_ops[op as usize],
                        data,
                        inst,
                        (a, b),
                        &move |s| regs.get(s),
                        &mut move |s, v| regs.set(s, v),
                        &mut charge,
                    );
                    fuel = left;
                    // `memory.grow` on any index may move memory 0 (the same memory imported twice).
                    (mem, mem_len) = memory_view(data, inst);
                    if let Err(t) = result {
                        trap!(t)
                    }
                }
                Instr::Exn { op } => {
                    let at = (frame.func, body.offset_at(code, pc!()));
                    let op = code.exceptions.ops[op as usize];
                    match super::exceptions::raise(op, &move |s| regs.get(s), data, inst, tags, at)
                    {
                        Ok(exn) => throw!(exn),
                        Err(t) => trap!(t),
                    }
                }
                Instr::Gc { op } => {
                    let mut left = fuel;
                    let mut charge = |cost: u64| {
                        let paid = cost.min(left);
                        left -= paid;
                        if paid < cost {
                            self.overdraw(cost - paid)?;
                        }
                        Ok(())
                    };
                    // SAFETY: the frame's `frame_size` slots from `fp` exist
                    // (see `Regs`), and nothing else refers to them meanwhile.
                    let slots =
                        unsafe { std::slice::from_raw_parts_mut(regs.0, code.frame_size as usize) };
                    let cx = super::gc::GcContext { inst, types, funcs };
                    let result =
                        super::gc::run(code.gc_ops[op as usize], slots, data, &cx, &mut charge);
                    fuel = left;
                    if let Err(t) = result {
                        trap!(t);
                    }
                }
                Instr::Wide { op, base } => {
                    let pops = if matches!(op, WideOp::Add128 | WideOp::Sub128) {
                        4
                    } else {
                        2
                    };
                    let mut args = [0; 4];
                    for (i, arg) in args.iter_mut().enumerate().take(pops) {
                        *arg = regs.get(base + i as u32);
                    }
                    let [lo, hi] = num::wide(op, args);
                    regs.set(base, lo);
                    regs.set(base + 1, hi);
                }
                Instr::DataDrop { seg } => {
                    data.datas[inst.datas[seg as usize] as usize] = Arc::from(&[][..])
                }
                Instr::TableGet { dst, table } => {
                    let t = table!(table);
                    let i = t.operand(regs.get(dst));
                    let Some(&r) = t.elements.get(i as usize) else {
                        trap!(TrapCode::OutOfBoundsTableAccess)
                    };
                    regs.set(dst, r);
                }
                Instr::TableSet { base, table } => {
                    let t = table_mut!(table);
                    let (i, r) = (t.operand(regs.get(base)), regs.get(base + 1));
                    let Some(slot) = t.elements.get_mut(i as usize) else {
                        trap!(TrapCode::OutOfBoundsTableAccess)
                    };
                    *slot = r;
                }
                Instr::TableSize { dst, table } => regs.set_u32(dst, table!(table).size()),
                Instr::TableGrow { base, table } => {
                    let t = table_mut!(table);
                    let (init, delta) = (regs.get(base), t.operand(regs.get(base + 1)));
                    let old = t.grow(delta, init);
                    regs.set(base, t.grow_result(old));
                }
                Instr::TableFill { base, table } => {
                    let t = table_mut!(table);
                    let (i, r) = (t.operand(regs.get(base)), regs.get(base + 1));
                    let n = t.operand(regs.get(base + 2));
                    let Some(range) = t.range(i, n) else {
                        trap!(TrapCode::OutOfBoundsTableAccess)
                    };
                    charge!(budget::table_cost(n as u64));
                    t.elements[range].fill(r);
                }
                Instr::TableCopy {
                    base,
                    dst_table,
                    src_table,
                } => {
                    let (dst64, src64) =
                        (table!(dst_table).ty.table64, table!(src_table).ty.table64);
                    let d = narrow(regs.get(base), dst64);
                    let s = narrow(regs.get(base + 1), src64);
                    let n = narrow(regs.get(base + 2), dst64 && src64);
                    let src = table!(src_table);
                    let Some(src_range) = src.range(s, n) else {
                        trap!(TrapCode::OutOfBoundsTableAccess)
                    };
                    let items = src.elements[src_range].to_vec();
                    let dst = table_mut!(dst_table);
                    let Some(dst_range) = dst.range(d, n) else {
                        trap!(TrapCode::OutOfBoundsTableAccess)
                    };
                    charge!(budget::table_cost(n as u64));
                    dst.elements[dst_range].copy_from_slice(&items);
                }
                Instr::TableInit { base, table, seg } => {
                    let d = table!(table).operand(regs.get(base));
                    let (s, n) = (regs.u32(base + 1), regs.u32(base + 2));
                    let items = &data.elems[inst.elems[seg as usize] as usize];
                    let src = (s as usize)
                        .checked_add(n as usize)
                        .filter(|end| *end <= items.len());
                    let Some(end) = src else {
                        trap!(TrapCode::OutOfBoundsTableAccess)
                    };
                    let items = items[s as usize..end].to_vec();
                    let t = table_mut!(table);
                    let Some(range) = t.range(d, n) else {
                        trap!(TrapCode::OutOfBoundsTableAccess)
                    };
                    charge!(budget::table_cost(n as u64));
                    t.elements[range].copy_from_slice(&items);
                }
                Instr::ElemDrop { seg } => {
                    data.elems[inst.elems[seg as usize] as usize] = Vec::new()
                }
                Instr::RefNull { dst } => regs.set(dst, NULL_REF),
                Instr::RefIsNull { dst, src } => regs.set_bool(dst, regs.get(src) == NULL_REF),
                Instr::RefFunc { dst, func } => {
                    regs.set(dst, inst.funcs[func as usize].0 as u64 + 1)
                }

            });
            ip = ip.wrapping_add(1);
        }
    }
}

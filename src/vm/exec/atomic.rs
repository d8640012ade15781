//! The threads proposal's atomic instructions. watlab's threads interleave
//! on one OS thread, so an atomic access is an ordinary access plus the
//! proposal's checks: natural alignment ("unaligned atomic") and, for
//! `wait`, a shared memory. Kept out of the main loop: they are rare.

use super::memory_n::{memory_label, out_of_bounds};
use crate::vm::instr::{AtomicKind, AtomicMemarg, AtomicOp};
use crate::vm::store::{Instance, StoreData, Waiter};
use crate::vm::trap::{Trap, TrapCode};

/// What an atomic instruction did.
pub enum Done {
    /// It finished, leaving this value (if any).
    Value(Option<u64>),
    /// `memory.atomic.wait` blocks: the thread waits at this address.
    Block(Waiter),
}

/// Executes `op` on the memory of `inst` that `memarg` names, with operands
/// `args` (address first, read whole for a 64-bit memory). `blocking` says
/// whether a wait may block (threads are running).
pub fn execute(
    op: AtomicOp,
    data: &mut StoreData,
    inst: &Instance,
    memarg: AtomicMemarg,
    args: [u64; 3],
    blocking: bool,
) -> Result<Done, Trap> {
    if op.kind == AtomicKind::Fence {
        return Ok(Done::Value(None));
    }
    let addr = inst
        .memories
        .get(memarg.memory as usize)
        .copied()
        .ok_or_else(|| Trap::new(TrapCode::OutOfBoundsMemoryAccess))?;
    let StoreData {
        memories, waiters, ..
    } = data;
    let memory = memories
        .get_mut(addr.index())
        .ok_or_else(|| Trap::new(TrapCode::OutOfBoundsMemoryAccess))?;
    let width = op.width as u64;
    let (address, offset) = (memory.address(args[0]), memarg.offset);
    let oob = |memory| {
        let label = memory_label(inst, memarg.memory);
        out_of_bounds(label, address, offset, width, memory)
    };
    // The alignment of the whole sum, even past 2^64 (an out-of-bounds access then).
    let ea = u128::from(address) + u128::from(offset);
    if !ea.is_multiple_of(u128::from(width)) {
        return Err(Trap::new(TrapCode::UnalignedAtomic));
    }
    let ea = ea as u64;
    let Some(range) = address
        .checked_add(offset)
        .and_then(|_| memory.range(ea, width))
    else {
        return Err(oob(memory));
    };
    let mask = if width == 8 {
        u64::MAX
    } else {
        (1u64 << (width * 8)) - 1
    };
    let mut bytes = [0u8; 8];
    bytes[..width as usize].copy_from_slice(&memory.bytes()[range.clone()]);
    let old = u64::from_le_bytes(bytes);
    let value = args[1] & mask;
    let mut write = |v: u64| {
        memory.bytes_mut()[range.clone()].copy_from_slice(&v.to_le_bytes()[..width as usize])
    };
    let result = match op.kind {
        AtomicKind::Load => old,
        AtomicKind::Store => {
            write(value);
            return Ok(Done::Value(None));
        }
        AtomicKind::Add => swap(&mut write, old, old.wrapping_add(value) & mask),
        AtomicKind::Sub => swap(&mut write, old, old.wrapping_sub(value) & mask),
        AtomicKind::And => swap(&mut write, old, old & value),
        AtomicKind::Or => swap(&mut write, old, old | value),
        AtomicKind::Xor => swap(&mut write, old, old ^ value),
        AtomicKind::Xchg => swap(&mut write, old, value),
        AtomicKind::Cmpxchg => {
            if old == value {
                write(args[2] & mask);
            }
            old
        }
        AtomicKind::Wait => {
            if !memory.ty.shared {
                return Err(Trap::host(
                    "expected shared memory: memory.atomic.wait needs a shared memory",
                ));
            }
            if old != value {
                1
            } else if blocking {
                return Ok(Done::Block(Waiter {
                    memory: addr,
                    address: ea,
                    timeout: args[2] as i64,
                    owner: 0,
                }));
            } else if (args[2] as i64) < 0 {
                // One thread waiting without a timeout on a value no one else can change.
                return Err(Trap::host(
                    "deadlock: this wait has no timeout and no other thread can notify it",
                ));
            } else {
                2
            }
        }
        AtomicKind::Notify => {
            // Wake up to `count` waiters on this address, oldest first.
            let mut woken = 0u64;
            for waiter in waiters.iter_mut() {
                if woken < value
                    && waiter.memory == addr
                    && waiter.address == ea
                    && waiter.timeout != WOKEN
                {
                    waiter.timeout = WOKEN;
                    woken += 1;
                }
            }
            woken
        }
        AtomicKind::Fence => return Ok(Done::Value(None)),
    };
    Ok(Done::Value(Some(result)))
}

/// The `timeout` a waiter gets when `notify` wakes it.
pub const WOKEN: i64 = i64::MIN;

fn swap(write: &mut impl FnMut(u64), old: u64, new: u64) -> u64 {
    write(new);
    old
}

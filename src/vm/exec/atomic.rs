//! The threads proposal's atomic instructions. watlab's agents interleave on
//! one OS thread, so an atomic access is an ordinary access plus the
//! proposal's checks: natural alignment ("unaligned atomic") and, for
//! `wait`, a shared memory. Kept out of the main loop: they are rare.

use crate::vm::instr::{AtomicKind, AtomicOp};
use crate::vm::memory::Memory;
use crate::vm::trap::{Trap, TrapCode};

/// Executes `op` on `memory` with operands `args` (address first); returns
/// the value to leave on the stack, if the instruction leaves one.
pub fn execute(
    op: AtomicOp,
    memory: Option<&mut Memory>,
    offset: u32,
    args: [u64; 3],
) -> Result<Option<u64>, Trap> {
    if op.kind == AtomicKind::Fence {
        return Ok(None);
    }
    let memory = memory.ok_or_else(|| Trap::new(TrapCode::OutOfBoundsMemoryAccess))?;
    let width = op.width as u64;
    let ea = (args[0] as u32 as u64) + offset as u64;
    if !ea.is_multiple_of(width) {
        return Err(Trap::new(TrapCode::UnalignedAtomic));
    }
    let range = memory
        .range(ea, width)
        .ok_or_else(|| Trap::new(TrapCode::OutOfBoundsMemoryAccess))?;
    let mask = if width == 8 {
        u64::MAX
    } else {
        (1u64 << (width * 8)) - 1
    };
    let read = |m: &Memory| {
        let mut bytes = [0u8; 8];
        bytes[..width as usize].copy_from_slice(&m.bytes()[range.clone()]);
        u64::from_le_bytes(bytes)
    };
    let write = |m: &mut Memory, v: u64| {
        let bytes = v.to_le_bytes();
        m.bytes_mut()[range.clone()].copy_from_slice(&bytes[..width as usize]);
    };
    let old = read(memory);
    let value = args[1] & mask;
    Ok(Some(match op.kind {
        AtomicKind::Load => old,
        AtomicKind::Store => {
            write(memory, value);
            return Ok(None);
        }
        AtomicKind::Add => rmw(memory, old, old.wrapping_add(value) & mask, write),
        AtomicKind::Sub => rmw(memory, old, old.wrapping_sub(value) & mask, write),
        AtomicKind::And => rmw(memory, old, old & value, write),
        AtomicKind::Or => rmw(memory, old, old | value, write),
        AtomicKind::Xor => rmw(memory, old, old ^ value, write),
        AtomicKind::Xchg => rmw(memory, old, value, write),
        AtomicKind::Cmpxchg => {
            if old == value {
                write(memory, args[2] & mask);
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
            } else if (args[2] as i64) < 0 {
                // One agent waiting without a timeout on a value no one else can change.
                return Err(Trap::host(
                    "deadlock: this wait has no timeout and no other thread can notify it",
                ));
            } else {
                2
            }
        }
        // No other agent can be waiting, so nothing is woken.
        AtomicKind::Notify => 0,
        AtomicKind::Fence => return Ok(None),
    }))
}

fn rmw(memory: &mut Memory, old: u64, new: u64, write: impl Fn(&mut Memory, u64)) -> u64 {
    write(memory, new);
    old
}

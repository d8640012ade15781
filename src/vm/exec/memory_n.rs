//! Memory instructions off the fast path (see [`crate::vm::memop`]): any
//! memory of a module with several, by index, and 64-bit or 1-byte-page
//! memories. Kept out of the main loop, as atomics are: the loop's own
//! loads and stores serve a plain memory 0.

use crate::vm::budget;
use crate::vm::memop::MemoryOp;
use crate::vm::memory::Memory;
use crate::vm::simd_op::Form;
use crate::vm::store::{Instance, StoreData};
use crate::vm::trap::{Trap, TrapCode};

/// Executes `op`: `a` and `b` are the instruction's slots (a load's result
/// and address, a store's address and value, the first operand of the
/// others), read through `get`; results go to slot `a` (two slots for a
/// vector) through `set`. `charge` pays a bulk instruction's cost once its
/// bounds are checked.
#[cold]
#[inline(never)]
pub(super) fn execute(
    op: MemoryOp,
    data: &mut StoreData,
    inst: &Instance,
    (a, b): (u32, u32),
    get: &dyn Fn(u32) -> u64,
    set: &mut dyn FnMut(u32, u64),
    charge: &mut dyn FnMut(u64) -> Result<(), Trap>,
) -> Result<(), Trap> {
    if let Some(value) = run(op, data, inst, (a, b), get, set, charge)? {
        set(a, value);
    }
    Ok(())
}

/// [`execute`], returning the one-slot value to write to slot `a`, if any
/// (a vector load writes its two slots through `set` itself).
fn run(
    op: MemoryOp,
    data: &mut StoreData,
    inst: &Instance,
    (a, b): (u32, u32),
    get: &dyn Fn(u32) -> u64,
    set: &mut dyn FnMut(u32, u64),
    charge: &mut dyn FnMut(u64) -> Result<(), Trap>,
) -> Result<Option<u64>, Trap> {
    let [first, second] = op.memories();
    let addr_of = |index: u32| inst.memories.get(index as usize).map(|m| m.index());
    let (Some(dst_mem), Some(src_mem)) = (addr_of(first), addr_of(second)) else {
        return Err(Trap::new(TrapCode::OutOfBoundsMemoryAccess));
    };
    let oob = |memory: &Memory, index: u32, addr: u64, offset: u64, size: u64| {
        out_of_bounds(memory_label(inst, index), addr, offset, size, memory)
    };
    match op {
        MemoryOp::Load {
            offset,
            width,
            signed,
            wide,
            memory: index,
        } => {
            let memory = &data.memories[dst_mem];
            let addr = memory.address(get(b));
            let Some(range) = addr
                .checked_add(offset)
                .and_then(|ea| memory.range(ea, width as u64))
            else {
                return Err(oob(memory, index, addr, offset, width as u64));
            };
            let mut bytes = [0u8; 8];
            bytes[..width as usize].copy_from_slice(&memory.bytes()[range]);
            let raw = u64::from_le_bytes(bytes);
            let bits = width as u32 * 8;
            let value = if signed && bits < 64 {
                ((raw << (64 - bits)) as i64 >> (64 - bits)) as u64
            } else {
                raw
            };
            Ok(Some(if wide { value } else { value as u32 as u64 }))
        }
        MemoryOp::Store {
            offset,
            width,
            memory: index,
        } => {
            let memory = &mut data.memories[dst_mem];
            let addr = memory.address(get(a));
            let Some(ea) = addr.checked_add(offset) else {
                return Err(oob(memory, index, addr, offset, width as u64));
            };
            let value = get(b).to_le_bytes();
            if !memory.write(ea, &value[..width as usize]) {
                return Err(oob(memory, index, addr, offset, width as u64));
            }
            Ok(None)
        }
        MemoryOp::Vector {
            memory: index,
            offset,
            op,
            lane,
        } => {
            let memory = &mut data.memories[dst_mem];
            let n = super::simd::access_bytes(op);
            // A load's address is at `b`, a store's and a lane load's at `a`.
            let addr_slot = if op.form() == Form::Load { b } else { a };
            let addr = memory.address(get(addr_slot));
            let Some(range) = addr
                .checked_add(offset)
                .and_then(|ea| memory.range(ea, n as u64))
            else {
                return Err(oob(memory, index, addr, offset, n as u64));
            };
            let bytes = &mut memory.bytes_mut()[range];
            let vector = |s: u32| u128::from(get(s)) | u128::from(get(s + 1)) << 64;
            let mut read = [0u8; 16];
            read[..n].copy_from_slice(bytes);
            let read = u128::from_le_bytes(read);
            let lane = lane as usize;
            let loaded = match op.form() {
                Form::Load => super::simd::widen(op, read),
                Form::LoadLane => super::simd::with_lane(vector(a + 1), n, lane, read),
                Form::StoreLane => {
                    bytes.copy_from_slice(&(vector(b) >> (8 * n * lane)).to_le_bytes()[..n]);
                    return Ok(None);
                }
                _ => {
                    bytes.copy_from_slice(&vector(b).to_le_bytes()[..n]);
                    return Ok(None);
                }
            };
            set(a, loaded as u64);
            set(a + 1, (loaded >> 64) as u64);
            Ok(None)
        }
        MemoryOp::Size { .. } => Ok(Some(data.memories[dst_mem].pages())),
        MemoryOp::Grow { .. } => {
            let memory = &mut data.memories[dst_mem];
            let delta = memory.address(get(a));
            Ok(Some(memory.grow_by(delta)))
        }
        MemoryOp::Fill { memory: index } => {
            let memory = &mut data.memories[dst_mem];
            let (d, val, n) = (
                memory.address(get(a)),
                get(a + 1) as u8,
                memory.address(get(a + 2)),
            );
            let Some(range) = memory.range(d, n) else {
                return Err(oob(memory, index, d, 0, n));
            };
            charge(budget::memory_cost(n))?;
            memory.bytes_mut()[range].fill(val);
            Ok(None)
        }
        MemoryOp::Copy { dst, src } => {
            let (d, s) = (
                data.memories[dst_mem].address(get(a)),
                data.memories[src_mem].address(get(a + 1)),
            );
            // The length has the smaller of the two address types.
            let n = data.memories[dst_mem].address(data.memories[src_mem].address(get(a + 2)));
            let Some(from) = data.memories[src_mem].range(s, n) else {
                return Err(oob(&data.memories[src_mem], src, s, 0, n));
            };
            let Some(to) = data.memories[dst_mem].range(d, n) else {
                return Err(oob(&data.memories[dst_mem], dst, d, 0, n));
            };
            charge(budget::memory_cost(n))?;
            if dst_mem == src_mem {
                data.memories[dst_mem]
                    .bytes_mut()
                    .copy_within(from, d as usize);
            } else {
                let bytes = data.memories[src_mem].bytes()[from].to_vec();
                data.memories[dst_mem].bytes_mut()[to].copy_from_slice(&bytes);
            }
            Ok(None)
        }
        MemoryOp::Init { memory: index, seg } => {
            let memory = &data.memories[dst_mem];
            let (d, s, n) = (memory.address(get(a)), get(a + 1) as u32, get(a + 2) as u32);
            let bytes = data.datas[inst.datas[seg as usize] as usize].clone();
            let src = (s as usize)
                .checked_add(n as usize)
                .filter(|end| *end <= bytes.len());
            let Some(dst) = memory.range(d, n as u64) else {
                return Err(oob(memory, index, d, 0, n as u64));
            };
            let Some(end) = src else {
                return Err(Trap::new(TrapCode::OutOfBoundsMemoryAccess));
            };
            charge(budget::memory_cost(n as u64))?;
            data.memories[dst_mem].bytes_mut()[dst].copy_from_slice(&bytes[s as usize..end]);
            Ok(None)
        }
    }
}

/// "memory 1 ($b)" when the instance has several memories, so trap
/// explanations say which one; nothing when it has one.
pub(super) fn memory_label(inst: &Instance, index: u32) -> Option<String> {
    if inst.memories.len() < 2 {
        return None;
    }
    Some(match inst.module.names.memories.get(&index) {
        Some(name) => format!("memory {index} (${name})"),
        None => format!("memory {index}"),
    })
}

/// An out-of-bounds trap with the numbers behind it, naming the memory
/// when `label` does.
#[cold]
pub(super) fn out_of_bounds(
    label: Option<String>,
    addr: u64,
    offset: u64,
    size: u64,
    memory: &Memory,
) -> Trap {
    let mut trap = Trap::new(TrapCode::OutOfBoundsMemoryAccess);
    let prefix = label.map_or_else(String::new, |l| format!("{l}: "));
    let ea = match addr.checked_add(offset) {
        Some(ea) => ea.to_string(),
        None => "more than 2^64".into(),
    };
    trap.detail = Some(format!(
        "{prefix}address {addr} + offset {offset} = {ea}, access of {size} byte{}, memory is {}",
        if size == 1 { "" } else { "s" },
        memory.describe_size(),
    ));
    trap
}

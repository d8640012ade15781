//! Execution of the GC instructions (see [`crate::vm::translate::GcOp`]):
//! allocation, field and element access, `i31`, casts and `ref.eq`.
//! Run and step mode both come here, so they cannot differ.

use crate::vm::budget;
use crate::vm::gc::{GcHeap, GcObject, MAX_OBJECT_SLOTS, pack};
use crate::vm::gc_types::TypeRegistry;
use crate::vm::store::{FuncInst, Instance, StoreData};
use crate::vm::translate::{Extend, GcOp};
use crate::vm::trap::{Trap, TrapCode};
use crate::vm::types::{CompositeType, FieldType, StorageType};
use crate::vm::value::{AnyRef, HeapType, I31_TAG, RefType, ValType};

/// What a GC instruction reads besides its operands.
pub(super) struct GcContext<'a> {
    /// The running instance (its type ids and segments).
    pub inst: &'a Instance,
    /// The store's types.
    pub types: &'a TypeRegistry,
    /// The store's functions (a cast of a function reference reads its type).
    pub funcs: &'a [FuncInst],
}

/// Runs `op` on the frame's slots.
///
/// # Errors
/// The instruction's trap (null reference, out of bounds, cast failure).
pub(super) fn run(
    op: GcOp,
    frame: &mut [u64],
    data: &mut StoreData,
    cx: &GcContext<'_>,
    charge: &mut dyn FnMut(u64) -> Result<(), Trap>,
) -> Result<(), Trap> {
    let id = |ty: u32| {
        cx.inst
            .type_ids
            .get(ty as usize)
            .copied()
            .unwrap_or(u32::MAX)
    };
    let get = |frame: &[u64], s: u32| frame.get(s as usize).copied().unwrap_or(0);
    match op {
        GcOp::StructNew { ty, base } => {
            let n = struct_fields(cx.types, id(ty))
                .iter()
                .map(slots_of)
                .sum::<usize>();
            let slots = packed_slots(cx.types, id(ty), frame_range(frame, base, n));
            frame[base as usize] = new_object(&mut data.gc, cx.types, id(ty), slots);
        }
        GcOp::StructNewDefault { ty, base } => {
            let n = struct_fields(cx.types, id(ty))
                .iter()
                .map(slots_of)
                .sum::<usize>();
            frame[base as usize] = new_object(&mut data.gc, cx.types, id(ty), vec![0; n]);
        }
        GcOp::StructGet {
            ty,
            field,
            base,
            extend,
        } => {
            let addr = object(get(frame, base), TrapCode::NullStructureReference)?;
            let fields = struct_fields(cx.types, id(ty));
            let (at, f) = field_at(&fields, field);
            let slots = &data.gc.objects[addr as usize].slots;
            frame[base as usize] = read(f.storage, extend, slots[at]);
            if slots_of(&f) == 2 {
                frame[base as usize + 1] = slots[at + 1];
            }
        }
        GcOp::StructSet { ty, field, base } => {
            let addr = object(get(frame, base), TrapCode::NullStructureReference)?;
            let fields = struct_fields(cx.types, id(ty));
            let (at, f) = field_at(&fields, field);
            let value = frame_range(frame, base + 1, slots_of(&f));
            let slots = &mut data.gc.objects[addr as usize].slots;
            for (i, v) in value.iter().enumerate() {
                slots[at + i] = pack(f.storage, *v);
            }
        }
        GcOp::ArrayNew { ty, base } => {
            let elem = array_elem(cx.types, id(ty));
            let w = slots_of(&elem);
            let value = frame_range(frame, base, w);
            let len = get(frame, base + w as u32) as u32;
            let total = alloc_size(len, w, charge)?;
            let mut slots = Vec::with_capacity(total);
            for _ in 0..len {
                slots.extend(value.iter().map(|v| pack(elem.storage, *v)));
            }
            frame[base as usize] = new_object(&mut data.gc, cx.types, id(ty), slots);
        }
        GcOp::ArrayNewDefault { ty, base } => {
            let w = slots_of(&array_elem(cx.types, id(ty)));
            let total = alloc_size(get(frame, base) as u32, w, charge)?;
            frame[base as usize] = new_object(&mut data.gc, cx.types, id(ty), vec![0; total]);
        }
        GcOp::ArrayNewFixed { ty, len, base } => {
            let elem = array_elem(cx.types, id(ty));
            let total = alloc_size(len, slots_of(&elem), charge)?;
            let slots = frame_range(frame, base, total)
                .iter()
                .map(|v| pack(elem.storage, *v))
                .collect();
            frame[base as usize] = new_object(&mut data.gc, cx.types, id(ty), slots);
        }
        GcOp::ArrayNewData { ty, seg, base } => {
            let elem = array_elem(cx.types, id(ty));
            let (offset, len) = (get(frame, base) as u32, get(frame, base + 1) as u32);
            let bytes = segment_bytes(data, cx.inst, seg, offset, len, elem.storage)?;
            alloc_size(len, slots_of(&elem), charge)?;
            let slots = decode(&bytes, elem.storage);
            frame[base as usize] = new_object(&mut data.gc, cx.types, id(ty), slots);
        }
        GcOp::ArrayNewElem { ty, seg, base } => {
            let (offset, len) = (get(frame, base) as u32, get(frame, base + 1) as u32);
            let items = segment_items(data, cx.inst, seg, offset, len)?;
            alloc_size(len, 1, charge)?;
            frame[base as usize] = new_object(&mut data.gc, cx.types, id(ty), items);
        }
        GcOp::ArrayGet { ty, base, extend } => {
            let elem = array_elem(cx.types, id(ty));
            let w = slots_of(&elem);
            let addr = object(get(frame, base), TrapCode::NullArrayReference)?;
            let index = get(frame, base + 1) as u32 as usize;
            let slots = &data.gc.objects[addr as usize].slots;
            if index >= slots.len() / w {
                return Err(out_of_bounds(index as u64, 1, slots.len() / w));
            }
            frame[base as usize] = read(elem.storage, extend, slots[index * w]);
            if w == 2 {
                frame[base as usize + 1] = slots[index * w + 1];
            }
        }
        GcOp::ArraySet { ty, base } => {
            let elem = array_elem(cx.types, id(ty));
            let w = slots_of(&elem);
            let addr = object(get(frame, base), TrapCode::NullArrayReference)?;
            let index = get(frame, base + 1) as u32 as usize;
            let value = frame_range(frame, base + 2, w);
            let slots = &mut data.gc.objects[addr as usize].slots;
            if index >= slots.len() / w {
                return Err(out_of_bounds(index as u64, 1, slots.len() / w));
            }
            for (i, v) in value.iter().enumerate() {
                slots[index * w + i] = pack(elem.storage, *v);
            }
        }
        GcOp::ArrayLen { base } => {
            let addr = object(get(frame, base), TrapCode::NullArrayReference)?;
            frame[base as usize] = array_len(&data.gc, cx.types, addr) as u64;
        }
        GcOp::ArrayFill { ty, base } => {
            let elem = array_elem(cx.types, id(ty));
            let w = slots_of(&elem);
            let addr = object(get(frame, base), TrapCode::NullArrayReference)?;
            let offset = get(frame, base + 1) as u32 as usize;
            let value = frame_range(frame, base + 2, w);
            let len = get(frame, base + 2 + w as u32) as u32 as usize;
            let slots = &mut data.gc.objects[addr as usize].slots;
            check_range(offset, len, slots.len() / w)?;
            charge(budget::table_cost(len as u64))?;
            for i in offset..offset + len {
                for (j, v) in value.iter().enumerate() {
                    slots[i * w + j] = pack(elem.storage, *v);
                }
            }
        }
        GcOp::ArrayCopy { dst_ty, base, .. } => {
            let w = slots_of(&array_elem(cx.types, id(dst_ty)));
            let dst = object(get(frame, base), TrapCode::NullArrayReference)?;
            let d = get(frame, base + 1) as u32 as usize;
            let src = object(get(frame, base + 2), TrapCode::NullArrayReference)?;
            let s = get(frame, base + 3) as u32 as usize;
            let len = get(frame, base + 4) as u32 as usize;
            check_range(d, len, data.gc.objects[dst as usize].slots.len() / w)?;
            check_range(s, len, data.gc.objects[src as usize].slots.len() / w)?;
            charge(budget::table_cost(len as u64))?;
            let from = data.gc.objects[src as usize].slots[s * w..(s + len) * w].to_vec();
            data.gc.objects[dst as usize].slots[d * w..(d + len) * w].copy_from_slice(&from);
        }
        GcOp::ArrayInitData { ty, seg, base } => {
            let elem = array_elem(cx.types, id(ty));
            let w = slots_of(&elem);
            let addr = object(get(frame, base), TrapCode::NullArrayReference)?;
            let d = get(frame, base + 1) as u32 as usize;
            let (s, len) = (get(frame, base + 2) as u32, get(frame, base + 3) as u32);
            check_range(
                d,
                len as usize,
                data.gc.objects[addr as usize].slots.len() / w,
            )?;
            let bytes = segment_bytes(data, cx.inst, seg, s, len, elem.storage)?;
            charge(budget::table_cost(u64::from(len)))?;
            let slots = decode(&bytes, elem.storage);
            data.gc.objects[addr as usize].slots[d * w..d * w + slots.len()]
                .copy_from_slice(&slots);
        }
        GcOp::ArrayInitElem { seg, base, .. } => {
            let addr = object(get(frame, base), TrapCode::NullArrayReference)?;
            let d = get(frame, base + 1) as u32 as usize;
            let (s, len) = (get(frame, base + 2) as u32, get(frame, base + 3) as u32);
            check_range(d, len as usize, data.gc.objects[addr as usize].slots.len())?;
            let items = segment_items(data, cx.inst, seg, s, len)?;
            charge(budget::table_cost(u64::from(len)))?;
            data.gc.objects[addr as usize].slots[d..d + items.len()].copy_from_slice(&items);
        }
        GcOp::RefI31 { base } => {
            frame[base as usize] = AnyRef::I31(get(frame, base) as u32).to_slot();
        }
        GcOp::I31Get { base, signed } => {
            let slot = get(frame, base);
            if slot == 0 {
                return Err(Trap::new(TrapCode::NullI31Reference));
            }
            let bits = (slot & !I31_TAG) as u32;
            frame[base as usize] = if signed {
                AnyRef::i31_signed(bits) as u32 as u64
            } else {
                u64::from(bits)
            };
        }
        GcOp::RefEq { base } => {
            frame[base as usize] = u64::from(get(frame, base) == get(frame, base + 1));
        }
        GcOp::RefTest { base, dst, target } => {
            let fits = matches(get(frame, base), canon(target, cx.inst), &data.gc, cx);
            frame[dst as usize] = u64::from(fits);
        }
        GcOp::RefCast { base, target } => {
            let slot = get(frame, base);
            if !matches(slot, canon(target, cx.inst), &data.gc, cx) {
                return Err(Trap {
                    detail: Some(cast_failure(slot, target, &data.gc, cx)),
                    ..Trap::new(TrapCode::CastFailure)
                });
            }
        }
    }
    Ok(())
}

fn slots_of(f: &FieldType) -> usize {
    f.storage.unpacked().slot_count()
}

fn frame_range(frame: &[u64], base: u32, n: usize) -> Vec<u64> {
    frame
        .get(base as usize..base as usize + n)
        .map_or_else(|| vec![0; n], <[u64]>::to_vec)
}

/// A struct type's fields (none for another type).
fn struct_fields(types: &TypeRegistry, id: u32) -> Vec<FieldType> {
    match types.def(id).map(|t| &t.composite) {
        Some(CompositeType::Struct(fields)) => fields.to_vec(),
        _ => Vec::new(),
    }
}

/// An array type's element type.
fn array_elem(types: &TypeRegistry, id: u32) -> FieldType {
    match types.def(id).map(|t| &t.composite) {
        Some(CompositeType::Array(elem)) => *elem,
        _ => FieldType {
            storage: StorageType::Val(ValType::I64),
            mutable: false,
        },
    }
}

/// The first slot of field `field` and its type.
fn field_at(fields: &[FieldType], field: u32) -> (usize, FieldType) {
    let at = fields.iter().take(field as usize).map(slots_of).sum();
    let f = fields.get(field as usize).copied().unwrap_or(FieldType {
        storage: StorageType::Val(ValType::I64),
        mutable: false,
    });
    (at, f)
}

/// Struct field values in slots, packed fields cut to their width.
fn packed_slots(types: &TypeRegistry, id: u32, values: Vec<u64>) -> Vec<u64> {
    let mut out = values;
    let mut at = 0;
    for f in struct_fields(types, id) {
        if let Some(v) = out.get_mut(at) {
            *v = pack(f.storage, *v);
        }
        at += slots_of(&f);
    }
    out
}

/// A stored field read as `extend` says.
fn read(storage: StorageType, extend: Extend, v: u64) -> u64 {
    match (storage, extend) {
        (StorageType::I8, Extend::Signed) => v as u8 as i8 as i32 as u32 as u64,
        (StorageType::I16, Extend::Signed) => v as u16 as i16 as i32 as u32 as u64,
        _ => v,
    }
}

fn new_object(heap: &mut GcHeap, types: &TypeRegistry, type_id: u32, slots: Vec<u64>) -> u64 {
    let addr = heap.alloc(GcObject { type_id, slots });
    heap.reference(types, addr).to_slot()
}

/// The slots of a new array of `len` elements of `w` slots, charged as a
/// table fill; traps when it is larger than [`MAX_OBJECT_SLOTS`].
fn alloc_size(
    len: u32,
    w: usize,
    charge: &mut dyn FnMut(u64) -> Result<(), Trap>,
) -> Result<usize, Trap> {
    let total = u64::from(len) * w as u64;
    if total > MAX_OBJECT_SLOTS {
        return Err(Trap {
            detail: Some(format!(
                "{len} elements; watlab allocates at most {MAX_OBJECT_SLOTS} slots per object"
            )),
            ..Trap::new(TrapCode::ArrayTooLarge)
        });
    }
    charge(budget::table_cost(total))?;
    Ok(total as usize)
}

/// The heap address a non-null struct or array reference names.
fn object(slot: u64, null: TrapCode) -> Result<u32, Trap> {
    if slot == 0 {
        return Err(Trap::new(null));
    }
    AnyRef::from_slot(slot)
        .object()
        .ok_or_else(|| Trap::host("internal: not a struct or array reference"))
}

fn array_len(heap: &GcHeap, types: &TypeRegistry, addr: u32) -> usize {
    let Some(o) = heap.get(addr) else { return 0 };
    o.slots.len() / slots_of(&array_elem(types, o.type_id))
}

fn out_of_bounds(index: u64, len: usize, size: usize) -> Trap {
    Trap {
        detail: Some(format!(
            "elements {index}..{} of an array of {size}",
            index + len as u64
        )),
        ..Trap::new(TrapCode::OutOfBoundsArrayAccess)
    }
}

fn check_range(offset: usize, len: usize, size: usize) -> Result<(), Trap> {
    if offset as u64 + len as u64 > size as u64 {
        return Err(out_of_bounds(offset as u64, len, size));
    }
    Ok(())
}

/// `len` elements of `storage` from data segment `seg` at byte `offset`.
fn segment_bytes(
    data: &StoreData,
    inst: &Instance,
    seg: u32,
    offset: u32,
    len: u32,
    storage: StorageType,
) -> Result<Vec<u8>, Trap> {
    let bytes = segment(&data.datas, &inst.datas, seg);
    let size = u64::from(len) * storage.byte_size() as u64;
    segment_range(
        bytes,
        u64::from(offset),
        size,
        TrapCode::OutOfBoundsMemoryAccess,
    )
}

/// Little-endian elements of `storage` as slots.
fn decode(bytes: &[u8], storage: StorageType) -> Vec<u64> {
    let size = storage.byte_size();
    let mut slots = Vec::with_capacity(bytes.len() / size * storage.unpacked().slot_count());
    for chunk in bytes.chunks_exact(size) {
        let mut le = [0u8; 16];
        le[..size].copy_from_slice(chunk);
        let v = u128::from_le_bytes(le);
        slots.push(v as u64);
        if size == 16 {
            slots.push((v >> 64) as u64);
        }
    }
    slots
}

/// `len` items of element segment `seg` from `offset`.
fn segment_items(
    data: &StoreData,
    inst: &Instance,
    seg: u32,
    offset: u32,
    len: u32,
) -> Result<Vec<u64>, Trap> {
    let items = segment(&data.elems, &inst.elems, seg);
    segment_range(
        items,
        u64::from(offset),
        u64::from(len),
        TrapCode::OutOfBoundsTableAccess,
    )
}

/// The instance's segment `seg` in the store (empty once dropped or unknown).
fn segment<'a, T, S: AsRef<[T]>>(store: &'a [S], instance: &[u32], seg: u32) -> &'a [T] {
    instance
        .get(seg as usize)
        .and_then(|i| store.get(*i as usize))
        .map_or(&[][..], AsRef::as_ref)
}

/// `len` items of a segment from `offset`, or the trap `code` when they
/// run past its end (spec: `array.new_data`/`array.init_elem` and friends).
fn segment_range<T: Clone>(
    items: &[T],
    offset: u64,
    len: u64,
    code: TrapCode,
) -> Result<Vec<T>, Trap> {
    let end = offset + len;
    if end > items.len() as u64 {
        return Err(Trap::new(code));
    }
    Ok(items[offset as usize..end as usize].to_vec())
}

/// A cast target with the store's canonical type id.
fn canon(target: RefType, inst: &Instance) -> RefType {
    match target.heap {
        HeapType::Concrete(i) => RefType {
            heap: HeapType::Concrete(inst.type_ids.get(i as usize).copied().unwrap_or(u32::MAX)),
            ..target
        },
        _ => target,
    }
}

fn matches(slot: u64, target: RefType, heap: &GcHeap, cx: &GcContext<'_>) -> bool {
    cx.types.slot_matches(
        slot,
        target,
        |f| cx.funcs.get(f as usize).map(FuncInst::type_id),
        |a| heap.get(a).map(|o| o.type_id),
    )
}

/// Plain words for a failed `ref.cast`: what the reference is, and the
/// type it is not.
fn cast_failure(slot: u64, target: RefType, heap: &GcHeap, cx: &GcContext<'_>) -> String {
    let module = &cx.inst.module;
    let local_name = |id: u32| {
        let index = cx.inst.type_ids.iter().position(|t| *t == id)?;
        Some(module.type_name(index as u32))
    };
    // A type of another module: written out (never the store's id).
    let type_name = |id: u32| {
        local_name(id).unwrap_or_else(|| {
            cx.types.def(id).map_or_else(
                || "...".into(),
                |d| d.text_with(&|i| local_name(i).unwrap_or_else(|| "...".into())),
            )
        })
    };
    let what = if slot == 0 {
        "null".to_string()
    } else {
        match cx.types.top(canon(target, cx.inst).heap) {
            HeapType::Func => format!("a function reference (func#{})", slot - 1),
            HeapType::Extern => "an external reference".to_string(),
            _ => match AnyRef::from_slot(slot) {
                AnyRef::I31(v) => format!("i31 {}", AnyRef::i31_signed(v)),
                r @ (AnyRef::Struct(a) | AnyRef::Array(a)) => {
                    let ty = heap
                        .get(a)
                        .map_or_else(String::new, |o| type_name(o.type_id));
                    format!("{r} of type {ty}")
                }
                AnyRef::Host(n) => format!("host reference {n}"),
            },
        }
    };
    let heap_name = match target.heap {
        HeapType::Concrete(i) => module.type_name(i),
        other => other.to_string(),
    };
    let null = if target.nullable { "null " } else { "" };
    format!("{what} is not a (ref {null}{heap_name})")
}

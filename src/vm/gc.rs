//! The GC heap: every struct and array made so far, by address.
//!
//! An object keeps its canonical type id and its fields (or elements) as
//! slots: one per value, two for a `v128`; a packed `i8`/`i16` keeps its
//! low bits. Objects are never collected: they stay until the store goes
//! away (the heap view says which are still reachable).

use super::gc_types::TypeRegistry;
use super::types::{CompositeType, FieldType, StorageType};
use super::value::{AnyRef, Value};

/// Most slots one object may have (a larger array traps with "array too large").
pub const MAX_OBJECT_SLOTS: u64 = 1 << 24;

/// A struct or an array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GcObject {
    /// Its canonical type id in the store.
    pub type_id: u32,
    /// Fields in order (a struct) or elements (an array), as slots.
    pub slots: Vec<u64>,
}

/// Every object allocated in a store.
#[derive(Clone, Debug, Default)]
pub struct GcHeap {
    /// Objects by address.
    pub objects: Vec<GcObject>,
}

impl GcHeap {
    /// Allocates `object` and returns its address.
    pub fn alloc(&mut self, object: GcObject) -> u32 {
        self.objects.push(object);
        self.objects.len() as u32 - 1
    }

    /// The object at `addr`.
    pub fn get(&self, addr: u32) -> Option<&GcObject> {
        self.objects.get(addr as usize)
    }

    /// The reference to the object at `addr` (a struct or an array).
    pub fn reference(&self, types: &TypeRegistry, addr: u32) -> AnyRef {
        match self.get(addr).and_then(|o| types.def(o.type_id)) {
            Some(t) if matches!(t.composite, CompositeType::Array(_)) => AnyRef::Array(addr),
            _ => AnyRef::Struct(addr),
        }
    }

    /// Which objects the references in `roots` reach, directly or through
    /// other objects' fields, by address.
    pub fn reachable(&self, types: &TypeRegistry, roots: &[Value]) -> Vec<bool> {
        let mut seen = vec![false; self.objects.len()];
        let mut todo: Vec<u32> = roots.iter().filter_map(object_of).collect();
        while let Some(addr) = todo.pop() {
            match seen.get_mut(addr as usize) {
                Some(mark) if !*mark => *mark = true,
                _ => continue,
            }
            todo.extend(self.values(types, addr).iter().filter_map(object_of));
        }
        seen
    }

    /// An object's fields or elements as typed values (packed ones
    /// zero-extended), for views.
    pub fn values(&self, types: &TypeRegistry, addr: u32) -> Vec<Value> {
        let Some(object) = self.get(addr) else {
            return Vec::new();
        };
        let fields: Vec<FieldType> = match types.def(object.type_id).map(|t| &t.composite) {
            Some(CompositeType::Struct(fields)) => fields.to_vec(),
            Some(CompositeType::Array(elem)) => {
                let n = object.slots.len() / elem.storage.unpacked().slot_count();
                vec![*elem; n]
            }
            _ => Vec::new(),
        };
        let mut at = 0;
        fields
            .iter()
            .map(|f| {
                let ty = f.storage.unpacked();
                let v = Value::read_slots(ty, object.slots.get(at..).unwrap_or(&[]));
                at += ty.slot_count();
                v
            })
            .collect()
    }
}

/// The heap address a struct or array reference names.
fn object_of(value: &Value) -> Option<u32> {
    match value {
        Value::AnyRef(Some(r)) => r.object(),
        _ => None,
    }
}

/// A GC instruction in a constant expression (type indices are the module's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcConst {
    /// `struct.new`.
    StructNew(u32),
    /// `struct.new_default`.
    StructNewDefault(u32),
    /// `array.new`.
    ArrayNew(u32),
    /// `array.new_default`.
    ArrayNewDefault(u32),
    /// `array.new_fixed` with its length.
    ArrayNewFixed(u32, u32),
    /// `ref.i31`.
    RefI31,
    /// `any.convert_extern` or `extern.convert_any`: no bits change.
    Convert,
}

impl GcConst {
    /// Reads a constant GC instruction.
    pub fn from_operator(op: &wasmparser::Operator<'_>) -> Option<GcConst> {
        use wasmparser::Operator as O;
        Some(match *op {
            O::StructNew { struct_type_index } => GcConst::StructNew(struct_type_index),
            O::StructNewDefault { struct_type_index } => {
                GcConst::StructNewDefault(struct_type_index)
            }
            O::ArrayNew { array_type_index } => GcConst::ArrayNew(array_type_index),
            O::ArrayNewDefault { array_type_index } => GcConst::ArrayNewDefault(array_type_index),
            O::ArrayNewFixed {
                array_type_index,
                array_size,
            } => GcConst::ArrayNewFixed(array_type_index, array_size),
            O::RefI31 => GcConst::RefI31,
            O::AnyConvertExtern | O::ExternConvertAny => GcConst::Convert,
            _ => return None,
        })
    }

    /// Runs on a constant expression's `stack`; `type_ids` maps the module's
    /// type indices to canonical ids. Allocation needs a `heap` (None: the
    /// expression is only read, and this gives None).
    pub fn apply(
        self,
        stack: &mut Vec<Value>,
        heap: Option<&mut GcHeap>,
        types: &TypeRegistry,
        type_ids: &[u32],
    ) -> Option<()> {
        let id = |ty: u32| type_ids.get(ty as usize).copied();
        let pop_slots = |stack: &mut Vec<Value>, n: usize| -> Option<Vec<u64>> {
            let values = stack.split_off(stack.len().checked_sub(n)?);
            Some(Value::to_slots(&values))
        };
        let (type_id, slots) = match self {
            GcConst::RefI31 => {
                let Value::I32(v) = stack.pop()? else {
                    return None;
                };
                stack.push(Value::AnyRef(Some(AnyRef::I31(v as u32))));
                return Some(());
            }
            GcConst::Convert => return Some(()),
            GcConst::StructNew(ty) | GcConst::StructNewDefault(ty) => {
                let id = id(ty)?;
                let Some(CompositeType::Struct(fields)) = types.def(id).map(|t| &t.composite)
                else {
                    return None;
                };
                let slots = if let GcConst::StructNew(_) = self {
                    let mut slots = pop_slots(stack, fields.len())?;
                    let mut at = 0;
                    for f in fields.iter() {
                        slots[at] = packed(f, slots[at]);
                        at += f.storage.unpacked().slot_count();
                    }
                    slots
                } else {
                    vec![
                        0;
                        fields
                            .iter()
                            .map(|f| f.storage.unpacked().slot_count())
                            .sum()
                    ]
                };
                (id, slots)
            }
            GcConst::ArrayNew(ty)
            | GcConst::ArrayNewDefault(ty)
            | GcConst::ArrayNewFixed(ty, _) => {
                let id = id(ty)?;
                let Some(CompositeType::Array(elem)) = types.def(id).map(|t| &t.composite) else {
                    return None;
                };
                let w = elem.storage.unpacked().slot_count();
                let slots = match self {
                    GcConst::ArrayNewFixed(_, n) => pop_slots(stack, n as usize)?
                        .into_iter()
                        .map(|s| packed(elem, s))
                        .collect(),
                    _ => {
                        let Value::I32(len) = stack.pop()? else {
                            return None;
                        };
                        let len = len as u32 as usize;
                        if len * w > MAX_OBJECT_SLOTS as usize {
                            return None;
                        }
                        let value = match self {
                            GcConst::ArrayNew(_) => pop_slots(stack, 1)?,
                            _ => vec![0; w],
                        };
                        value
                            .iter()
                            .map(|s| packed(elem, *s))
                            .cycle()
                            .take(len * w)
                            .collect()
                    }
                };
                (id, slots)
            }
        };
        let heap = heap?;
        let addr = heap.alloc(GcObject { type_id, slots });
        stack.push(Value::AnyRef(Some(heap.reference(types, addr))));
        Some(())
    }
}

/// A value as a field of type `f` keeps it (packed ones cut to their width).
fn packed(f: &FieldType, slot: u64) -> u64 {
    pack(f.storage, slot)
}

/// A slot as storage of type `storage` keeps it: `i8`/`i16` cut to their width.
pub fn pack(storage: StorageType, slot: u64) -> u64 {
    match storage {
        StorageType::I8 => slot & 0xff,
        StorageType::I16 => slot & 0xffff,
        StorageType::Val(_) => slot,
    }
}

//! Translation of the GC instructions (WebAssembly 3.0): structs, arrays,
//! `i31`, casts and `ref.eq`.
//!
//! Each becomes one [`Instr::Gc`] naming a [`GcOp`] in the code's side
//! table, so the executor's loop has one cold arm for all of them. Operands
//! are first materialized in their stack slots; an operation reads them from
//! `base..` and leaves its result at `base`. `br_on_cast` and
//! `br_on_cast_fail` are a test into a temporary slot and a conditional
//! branch; `any.convert_extern` and `extern.convert_any` change no bits (see
//! [`crate::vm::value::NULL_REF`]) and translate to nothing (a marker in step mode).

use super::Translator;
use crate::vm::instr::{Instr, Slot};
use crate::vm::types::{CompositeType, StorageType};
use crate::vm::value::{HeapType, RefType, ValType};
use wasmparser::Operator;

/// How a packed field or element is read: as stored, sign- or zero-extended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extend {
    /// A full value (`struct.get`, `array.get`).
    None,
    /// Sign-extended (`_s`).
    Signed,
    /// Zero-extended (`_u`).
    Unsigned,
}

/// What an [`Instr::Gc`] does. Type indices are the module's; operands are
/// at `base..` in the order the instruction pops them, the result at `base`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcOp {
    /// `struct.new`: the fields' values.
    StructNew { ty: u32, base: Slot },
    /// `struct.new_default`.
    StructNewDefault { ty: u32, base: Slot },
    /// `struct.get[_s|_u]`: the reference.
    StructGet {
        ty: u32,
        field: u32,
        base: Slot,
        extend: Extend,
    },
    /// `struct.set`: the reference, the value.
    StructSet { ty: u32, field: u32, base: Slot },
    /// `array.new`: the value, the length.
    ArrayNew { ty: u32, base: Slot },
    /// `array.new_default`: the length.
    ArrayNewDefault { ty: u32, base: Slot },
    /// `array.new_fixed`: `len` values.
    ArrayNewFixed { ty: u32, len: u32, base: Slot },
    /// `array.new_data`: the segment offset, the length.
    ArrayNewData { ty: u32, seg: u32, base: Slot },
    /// `array.new_elem`: the segment offset, the length.
    ArrayNewElem { ty: u32, seg: u32, base: Slot },
    /// `array.get[_s|_u]`: the reference, the index.
    ArrayGet { ty: u32, base: Slot, extend: Extend },
    /// `array.set`: the reference, the index, the value.
    ArraySet { ty: u32, base: Slot },
    /// `array.len`: the reference.
    ArrayLen { base: Slot },
    /// `array.fill`: the reference, the offset, the value, the length.
    ArrayFill { ty: u32, base: Slot },
    /// `array.copy`: destination reference and offset, source reference and offset, length.
    ArrayCopy {
        dst_ty: u32,
        src_ty: u32,
        base: Slot,
    },
    /// `array.init_data`: the reference, the offset, the segment offset, the length.
    ArrayInitData { ty: u32, seg: u32, base: Slot },
    /// `array.init_elem`: the reference, the offset, the segment offset, the length.
    ArrayInitElem { ty: u32, seg: u32, base: Slot },
    /// `ref.i31`: the `i32`.
    RefI31 { base: Slot },
    /// `i31.get_s`/`i31.get_u`: the reference.
    I31Get { base: Slot, signed: bool },
    /// `ref.eq`: the two references.
    RefEq { base: Slot },
    /// `ref.test` (and the test of `br_on_cast[_fail]`): 1 at `dst` when
    /// the reference at `base` is a value of `target`, else 0.
    RefTest {
        base: Slot,
        dst: Slot,
        target: RefType,
    },
    /// `ref.cast`: traps unless the reference at `base` is a value of `target`.
    RefCast { base: Slot, target: RefType },
}

impl Translator<'_> {
    /// Whether `op` is a GC instruction ([`Translator::gc_operator`] translates it).
    pub(super) fn is_gc_operator(op: &Operator<'_>) -> bool {
        use Operator as O;
        matches!(
            op,
            O::StructNew { .. }
                | O::StructNewDefault { .. }
                | O::StructGet { .. }
                | O::StructGetS { .. }
                | O::StructGetU { .. }
                | O::StructSet { .. }
                | O::ArrayNew { .. }
                | O::ArrayNewDefault { .. }
                | O::ArrayNewFixed { .. }
                | O::ArrayNewData { .. }
                | O::ArrayNewElem { .. }
                | O::ArrayGet { .. }
                | O::ArrayGetS { .. }
                | O::ArrayGetU { .. }
                | O::ArraySet { .. }
                | O::ArrayLen
                | O::ArrayFill { .. }
                | O::ArrayCopy { .. }
                | O::ArrayInitData { .. }
                | O::ArrayInitElem { .. }
                | O::RefTestNonNull { .. }
                | O::RefTestNullable { .. }
                | O::RefCastNonNull { .. }
                | O::RefCastNullable { .. }
                | O::BrOnCast { .. }
                | O::BrOnCastFail { .. }
                | O::AnyConvertExtern
                | O::ExternConvertAny
                | O::RefI31
                | O::I31GetS
                | O::I31GetU
                | O::RefEq
        )
    }

    /// Translates one GC instruction.
    pub(super) fn gc_operator(&mut self, op: &Operator<'_>) {
        use Operator as O;
        let r = ValType::FuncRef; // any one-slot reference type, for the stack shape
        match *op {
            O::StructNew {
                struct_type_index: ty,
            } => {
                let slots = self.field_slots(ty);
                self.gc(slots, Some(r), |base| GcOp::StructNew { ty, base });
            }
            O::StructNewDefault {
                struct_type_index: ty,
            } => self.gc(0, Some(r), |base| GcOp::StructNewDefault { ty, base }),
            O::StructGet {
                struct_type_index: ty,
                field_index: field,
            }
            | O::StructGetS {
                struct_type_index: ty,
                field_index: field,
            }
            | O::StructGetU {
                struct_type_index: ty,
                field_index: field,
            } => {
                let extend = match op {
                    O::StructGetS { .. } => Extend::Signed,
                    O::StructGetU { .. } => Extend::Unsigned,
                    _ => Extend::None,
                };
                let result = self.field_type(ty, Some(field)).unpacked();
                self.gc(1, Some(result), |base| GcOp::StructGet {
                    ty,
                    field,
                    base,
                    extend,
                });
            }
            O::StructSet {
                struct_type_index: ty,
                field_index: field,
            } => {
                let slots = 1 + self.field_type(ty, Some(field)).unpacked().slot_count();
                self.gc(slots, None, |base| GcOp::StructSet { ty, field, base });
            }
            O::ArrayNew {
                array_type_index: ty,
            } => {
                let slots = self.elem_slots(ty) + 1;
                self.gc(slots, Some(r), |base| GcOp::ArrayNew { ty, base });
            }
            O::ArrayNewDefault {
                array_type_index: ty,
            } => self.gc(1, Some(r), |base| GcOp::ArrayNewDefault { ty, base }),
            O::ArrayNewFixed {
                array_type_index: ty,
                array_size: len,
            } => {
                let slots = self.elem_slots(ty) * len as usize;
                self.gc(slots, Some(r), |base| GcOp::ArrayNewFixed { ty, len, base });
            }
            O::ArrayNewData {
                array_type_index: ty,
                array_data_index: seg,
            } => self.gc(2, Some(r), |base| GcOp::ArrayNewData { ty, seg, base }),
            O::ArrayNewElem {
                array_type_index: ty,
                array_elem_index: seg,
            } => self.gc(2, Some(r), |base| GcOp::ArrayNewElem { ty, seg, base }),
            O::ArrayGet {
                array_type_index: ty,
            }
            | O::ArrayGetS {
                array_type_index: ty,
            }
            | O::ArrayGetU {
                array_type_index: ty,
            } => {
                let extend = match op {
                    O::ArrayGetS { .. } => Extend::Signed,
                    O::ArrayGetU { .. } => Extend::Unsigned,
                    _ => Extend::None,
                };
                let result = self.field_type(ty, None).unpacked();
                self.gc(2, Some(result), |base| GcOp::ArrayGet { ty, base, extend });
            }
            O::ArraySet {
                array_type_index: ty,
            } => {
                let slots = 2 + self.elem_slots(ty);
                self.gc(slots, None, |base| GcOp::ArraySet { ty, base });
            }
            O::ArrayLen => self.gc(1, Some(ValType::I32), |base| GcOp::ArrayLen { base }),
            O::ArrayFill {
                array_type_index: ty,
            } => {
                let slots = 3 + self.elem_slots(ty);
                self.gc(slots, None, |base| GcOp::ArrayFill { ty, base });
            }
            O::ArrayCopy {
                array_type_index_dst: dst_ty,
                array_type_index_src: src_ty,
            } => self.gc(5, None, |base| GcOp::ArrayCopy {
                dst_ty,
                src_ty,
                base,
            }),
            O::ArrayInitData {
                array_type_index: ty,
                array_data_index: seg,
            } => self.gc(4, None, |base| GcOp::ArrayInitData { ty, seg, base }),
            O::ArrayInitElem {
                array_type_index: ty,
                array_elem_index: seg,
            } => self.gc(4, None, |base| GcOp::ArrayInitElem { ty, seg, base }),
            O::RefTestNonNull { hty } | O::RefTestNullable { hty } => {
                let target = target(matches!(op, O::RefTestNullable { .. }), hty);
                self.gc(1, Some(ValType::I32), |base| GcOp::RefTest {
                    base,
                    dst: base,
                    target,
                });
            }
            O::RefCastNonNull { hty } | O::RefCastNullable { hty } => {
                let target = target(matches!(op, O::RefCastNullable { .. }), hty);
                self.gc(1, Some(r), |base| GcOp::RefCast { base, target });
            }
            O::BrOnCast {
                relative_depth,
                to_ref_type,
                ..
            }
            | O::BrOnCastFail {
                relative_depth,
                to_ref_type,
                ..
            } => {
                let on_fail = matches!(op, O::BrOnCastFail { .. });
                let target = target(to_ref_type.is_nullable(), to_ref_type.heap_type());
                self.materialize_all();
                let base = self.slot(self.stack.len().saturating_sub(1));
                let dst = self.push();
                self.emit_gc(GcOp::RefTest { base, dst, target });
                let cond = self.pop();
                self.branch_when(relative_depth, |_, negate, target| {
                    if negate != on_fail {
                        Instr::BrIfEqz { cond, target }
                    } else {
                        Instr::BrIfNez { cond, target }
                    }
                });
            }
            O::AnyConvertExtern | O::ExternConvertAny => self.marker(),
            O::RefI31 => self.gc(1, Some(r), |base| GcOp::RefI31 { base }),
            O::I31GetS | O::I31GetU => {
                let signed = matches!(op, O::I31GetS);
                self.gc(1, Some(ValType::I32), |base| GcOp::I31Get { base, signed });
            }
            O::RefEq => self.gc(2, Some(ValType::I32), |base| GcOp::RefEq { base }),
            _ => {}
        }
    }

    /// Emits the operation `make(base)` on the top `slots` operand slots,
    /// replacing them with a `result`.
    fn gc(&mut self, slots: usize, result: Option<ValType>, make: impl FnOnce(Slot) -> GcOp) {
        self.materialize_all();
        let base = self.slot(self.stack.len().saturating_sub(slots));
        self.pop_n(slots as u32);
        if let Some(ty) = result {
            self.push_typed(ty);
        }
        self.emit_gc(make(base));
    }

    fn emit_gc(&mut self, op: GcOp) {
        let index = self.gc_ops.len() as u32;
        self.gc_ops.push(op);
        self.emit(Instr::Gc { op: index });
    }

    /// A struct's field `field`, or an array's element (`None`).
    fn field_type(&self, ty: u32, field: Option<u32>) -> StorageType {
        let composite = self.ctx.subtypes.get(ty as usize).map(|t| &t.composite);
        match (composite, field) {
            (Some(CompositeType::Struct(fields)), Some(f)) => fields
                .get(f as usize)
                .map_or(StorageType::I8, |f| f.storage),
            (Some(CompositeType::Array(elem)), None) => elem.storage,
            _ => StorageType::I8,
        }
    }

    /// Slots all of a struct type's fields take.
    fn field_slots(&self, ty: u32) -> usize {
        match self.ctx.subtypes.get(ty as usize).map(|t| &t.composite) {
            Some(CompositeType::Struct(fields)) => fields
                .iter()
                .map(|f| f.storage.unpacked().slot_count())
                .sum(),
            _ => 0,
        }
    }

    /// Slots one element of an array type takes.
    fn elem_slots(&self, ty: u32) -> usize {
        self.field_type(ty, None).unpacked().slot_count()
    }
}

/// A cast's target type (module type indices).
fn target(nullable: bool, heap: wasmparser::HeapType) -> RefType {
    RefType {
        nullable,
        heap: HeapType::from_wasmparser(heap).unwrap_or(HeapType::None),
    }
}

//! The GC heap as the workbench shows it: each struct and array named by
//! its type and heap address (`$point#0`), with its fields, and whether the
//! session can still reach it. Nothing is collected: an unreachable object
//! stays until the session ends, and the heap view says so.

use super::Session;
use crate::vm::FuncAddr;
use crate::vm::ValType;
use crate::vm::value::{AnyRef, HeapType, RefType, Value, format_f32, format_f64};

/// Most elements of an array written out before `...`.
const SHOWN_ELEMENTS: usize = 8;

/// One object of the heap, for `:heap`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeapRow {
    /// The object as [`Session::gc_object_label`] writes it.
    pub text: String,
    /// Whether a global, table, segment, exception, the scratch stack or a
    /// scratch local reaches it (directly or through other objects).
    pub reachable: bool,
}

impl Session {
    /// The object at heap address `addr` with its fields:
    /// `$point#0 {x: 1, y: 2}`, `$bytes#1 [1 2 3]`.
    pub fn gc_object_label(&self, addr: u32) -> String {
        let (ty, index) = self.object_type(addr);
        let values = self.store.data.gc.values(self.store.types(), addr);
        let field_names = match index {
            Some((m, i)) => self
                .store
                .instances()
                .get(m)
                .and_then(|inst| inst.module.names.fields.get(&i)),
            // An object of an earlier definition keeps that one's names.
            None => self
                .store
                .data
                .gc
                .get(addr)
                .and_then(|object| self.store.types().remembered_fields(object.type_id)),
        };
        let is_array = matches!(
            self.store.data.gc.reference(self.store.types(), addr),
            AnyRef::Array(_)
        );
        if is_array {
            let mut items: Vec<String> = values
                .iter()
                .take(SHOWN_ELEMENTS)
                .map(|v| self.field_text(v))
                .collect();
            if values.len() > SHOWN_ELEMENTS {
                items.push(format!("... ({} elements)", values.len()));
            }
            return format!("{ty}#{addr} [{}]", items.join(" "));
        }
        let fields: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let name = field_names
                    .and_then(|n| n.get(&(i as u32)))
                    .map_or_else(|| i.to_string(), |n| n.clone());
                format!("{name}: {}", self.field_text(v))
            })
            .collect();
        format!("{ty}#{addr} {{{}}}", fields.join(", "))
    }

    /// The object's type name (`$point`, `type[2]`, or written out when no
    /// module defines it any more) and, when a module
    /// defines it, that instance's index and the type's index there.
    fn object_type(&self, addr: u32) -> (String, Option<(usize, u32)>) {
        let Some(object) = self.store.data.gc.get(addr) else {
            return (format!("object#{addr}"), None);
        };
        let own = self.session.as_ref().map(|(_, a)| a.index());
        let instances = self.store.instances();
        let order = own.into_iter().chain(0..instances.len());
        for m in order {
            let Some(inst) = instances.get(m) else {
                continue;
            };
            if let Some(i) = inst.type_ids.iter().position(|t| *t == object.type_id) {
                return (inst.module.type_name(i as u32), Some((m, i as u32)));
            }
        }
        // No instance's module has it (a released fragment defined it).
        let own = self.session.as_ref().map(|(_, a)| *a);
        (self.store.type_text(object.type_id, own), None)
    }

    /// A field's value, short: a nested object by its name only.
    fn field_text(&self, value: &Value) -> String {
        match *value {
            Value::I32(v) => v.to_string(),
            Value::I64(v) => v.to_string(),
            Value::F32(bits) => format_f32(bits),
            Value::F64(bits) => format_f64(bits),
            Value::V128(bits) => crate::vm::lanes::hex(bits),
            Value::FuncRef(Some(a)) => self.func_label(FuncAddr(a)),
            Value::ExnRef(Some(a)) => self.exn_label(a),
            Value::ExternRef(Some(n)) => format!("extern {n}"),
            Value::AnyRef(Some(AnyRef::Struct(a) | AnyRef::Array(a))) => {
                format!("{}#{a}", self.object_type(a).0)
            }
            Value::AnyRef(Some(r)) => r.to_string(),
            Value::FuncRef(None)
            | Value::ExnRef(None)
            | Value::ExternRef(None)
            | Value::AnyRef(None)
            | Value::Null(_) => "null".into(),
        }
    }

    /// The type a fragment declares for a scratch stack value: a struct or
    /// array keeps its defined type (`(ref $point)`) so the next input can
    /// read its fields, an i31 is `(ref i31)`, a null `anyref` is `nullref`
    /// (which fits every `any` type), a typed null its type, a function
    /// reference its function's type (`(ref $un)`, for `call_ref $un`) when
    /// the session module defines it; other values their own type.
    pub(super) fn stack_param_type(&self, value: &Value) -> String {
        if let Value::Null(heap) = *value {
            let ty = ValType::reference(true, heap);
            // A null whose type the session module no longer has fits the
            // bottom of its hierarchy, which every type there accepts.
            let bottom = match self.store.types().top(heap) {
                HeapType::Func => "nullfuncref",
                HeapType::Extern => "nullexternref",
                HeapType::Exn => "nullexnref",
                _ => "nullref",
            };
            return self.fragment_type(ty).unwrap_or_else(|| bottom.into());
        }
        if let Value::FuncRef(Some(addr)) = *value {
            // A typed function reference stays typed: `call_ref $t` on the next input.
            let own = self
                .store
                .func(crate::vm::FuncAddr(addr))
                .map(|f| f.type_id());
            let typed = own.map(|id| ValType::reference(false, HeapType::Concrete(id)));
            return typed
                .and_then(|ty| self.fragment_type(ty))
                .unwrap_or_else(|| "funcref".into());
        }
        let Value::AnyRef(r) = *value else {
            return value.ty().to_string();
        };
        match r {
            None => "nullref".into(),
            Some(AnyRef::I31(_)) => "(ref i31)".into(),
            Some(AnyRef::Host(_)) => "(ref any)".into(),
            Some(r @ (AnyRef::Struct(a) | AnyRef::Array(a))) => {
                let own = self.session.as_ref().map(|(_, i)| i.index());
                match self.object_type(a) {
                    (name, Some((m, _))) if Some(m) == own && name.starts_with('$') => {
                        format!("(ref {name})")
                    }
                    (_, Some((m, i))) if Some(m) == own => format!("(ref {i})"),
                    _ if matches!(r, AnyRef::Array(_)) => "(ref array)".into(),
                    _ => "(ref struct)".into(),
                }
            }
        }
    }

    /// `ty` (canonical type ids) as a fragment module writes it: a defined
    /// type by the session module's `$name` or index (None when the session
    /// module's type fields do not define it).
    pub(super) fn fragment_type(&self, ty: ValType) -> Option<String> {
        let Some(RefType {
            heap: HeapType::Concrete(id),
            ..
        }) = ty.ref_type()
        else {
            return Some(ty.to_string());
        };
        let (module, addr) = self.session_instance()?;
        let fields = self.fields.iter().filter(|f| f.keyword == "type").count();
        let index = self
            .store
            .instance(addr)?
            .type_ids
            .iter()
            .take(fields)
            .position(|t| *t == id)? as u32;
        Some(ty.text_with(&|_| match module.names.types.get(&index) {
            Some(name) => format!("${name}"),
            None => index.to_string(),
        }))
    }

    /// Every object of the heap, in allocation order, for `:heap`.
    pub fn heap_rows(&self) -> Vec<HeapRow> {
        let data = &self.store.data;
        let mut roots: Vec<Value> = self.stack().to_vec();
        roots.extend(self.locals().iter().map(|l| l.value));
        roots.extend(data.globals.iter().map(|g| g.get()));
        roots.extend(data.exns.iter().flat_map(|e| e.payload.iter().copied()));
        let slots = data.tables.iter().flat_map(|t| t.elements.iter());
        let slots = slots.chain(data.elems.iter().flatten());
        roots.extend(slots.map(|s| Value::read_slots(crate::vm::ValType::Ref(ANY), &[*s])));
        let reachable = data.gc.reachable(self.store.types(), &roots);
        (0..data.gc.objects.len() as u32)
            .map(|addr| HeapRow {
                text: self.gc_object_label(addr),
                reachable: reachable.get(addr as usize).copied().unwrap_or(false),
            })
            .collect()
    }
}

/// `anyref`: table and segment slots read as it (a function reference in
/// them is untagged, so it reads as a host reference and reaches nothing).
const ANY: crate::vm::value::RefType = crate::vm::value::RefType {
    nullable: true,
    heap: crate::vm::value::HeapType::Any,
};

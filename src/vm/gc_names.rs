//! Defined types as the user wrote them: by their `$name`, or, unnamed,
//! written out (`(struct (field i32))`), never by a module index alone or
//! the store's canonical ids, which the user never sees (issue 12: link
//! errors, null references in the views).

use super::Value;
use super::module::Module;
use super::store::{InstanceAddr, Store};
use super::types::{CompositeType, ExternType, SubType};
use super::value::{HeapType, RefType};

/// How deep definitions nest in a written-out type before `...`.
const DEPTH: usize = 2;

impl SubType {
    /// The definition as WAT writes it: `(struct (field i32) (field (mut
    /// i64)))`, `(array (mut i8))`, `(func (param i32) (result i32))`;
    /// defined types inside it written by `name`.
    pub fn text_with(&self, name: &dyn Fn(u32) -> String) -> String {
        let body = match &self.composite {
            CompositeType::Struct(fields) => {
                let fields: String = fields
                    .iter()
                    .map(|f| format!(" (field {})", field_text(f, name)))
                    .collect();
                format!("(struct{fields})")
            }
            CompositeType::Array(elem) => format!("(array {})", field_text(elem, name)),
            CompositeType::Func(f) => {
                let params: String = f
                    .params
                    .iter()
                    .map(|t| format!(" (param {})", t.text_with(name)))
                    .collect();
                let results: String = f
                    .results
                    .iter()
                    .map(|t| format!(" (result {})", t.text_with(name)))
                    .collect();
                format!("(func{params}{results})")
            }
        };
        match (self.is_final, self.supertype) {
            (true, None) => body,
            (_, Some(up)) => format!("(sub {} {body})", name(up)),
            (false, None) => format!("(sub {body})"),
        }
    }
}

fn field_text(f: &super::types::FieldType, name: &dyn Fn(u32) -> String) -> String {
    let storage = match f.storage {
        super::types::StorageType::Val(t) => t.text_with(name),
        packed => packed.to_string(),
    };
    if f.mutable {
        format!("(mut {storage})")
    } else {
        storage
    }
}

/// How `module` writes its type `index`: `$point`, else its definition.
pub fn module_type_text(module: &Module, index: u32) -> String {
    module_type_at(module, index, DEPTH, true)
}

/// `module`'s type `index` by name (when `named` and it has one) or written
/// out, `depth` levels of definitions deep.
fn module_type_at(module: &Module, index: u32, depth: usize, named: bool) -> String {
    if let Some(name) = module.names.types.get(&index).filter(|_| named) {
        return format!("${name}");
    }
    match module.subtypes.get(index as usize) {
        Some(def) if depth > 0 => def.text_with(&|i| module_type_at(module, i, depth - 1, true)),
        _ => "...".into(),
    }
}

impl Store {
    /// How the user writes the defined type with canonical id `id`: the
    /// `$name` a module defining it gives it (`prefer` asked first), else
    /// the name a module gone since gave it (`$point (earlier
    /// definition)`), else its definition.
    pub fn type_text(&self, id: u32, prefer: Option<InstanceAddr>) -> String {
        self.type_text_at(id, prefer, DEPTH, true)
    }

    fn type_text_at(
        &self,
        id: u32,
        prefer: Option<InstanceAddr>,
        depth: usize,
        named: bool,
    ) -> String {
        let first = prefer.and_then(|a| self.instance(a));
        for inst in first.into_iter().chain(&self.instances).filter(|_| named) {
            let name = inst
                .type_ids
                .iter()
                .enumerate()
                .filter(|(_, t)| **t == id)
                .find_map(|(i, _)| inst.module.names.types.get(&(i as u32)));
            if let Some(name) = name {
                return format!("${name}");
            }
        }
        // No module here names it any more: a redefined `$point` leaves
        // objects of its earlier version (issue: `:heap` lost the name).
        if let Some(name) = self.types.remembered_name(id).filter(|_| named) {
            return format!("${name} (earlier definition)");
        }
        match self.types.def(id) {
            Some(def) if depth > 0 => {
                def.text_with(&|i| self.type_text_at(i, prefer, depth - 1, true))
            }
            _ => "...".into(),
        }
    }

    /// What a link error says an import of type `want` (in `module`'s type
    /// indices) expects and what it was offered (`have`, canonical ids):
    /// defined types by name, or written out where the names alone would
    /// read the same (`$t` against another module's `$t`).
    pub(crate) fn import_texts(
        &self,
        module: &Module,
        want: &ExternType,
        have: Option<&ExternType>,
    ) -> (String, Option<String>) {
        let texts = |named: bool| {
            let expected = want.text_with(&|i| module_type_at(module, i, DEPTH, named));
            let offered =
                have.map(|h| h.text_with(&|id| self.type_text_at(id, None, DEPTH, named)));
            (expected, offered)
        };
        match texts(true) {
            (expected, Some(offered)) if expected == offered => texts(false),
            texts => texts,
        }
    }
}

/// The names references get when a value is written for the user: the
/// session's views know more (a struct's fields, an exception's payload),
/// a bare store less; [`value_text`] writes the value the same way for both.
pub trait RefNames {
    /// The function at store address `addr` (`$add`).
    fn func(&self, addr: u32) -> String;
    /// The exception at store address `addr` (`$oops(7)`).
    fn exn(&self, addr: u32) -> String;
    /// The struct or array at heap address `addr` with its fields, if known.
    fn object(&self, addr: u32) -> Option<String>;
    /// The defined type with canonical id `id` as the user writes it (`$point`).
    fn defined_type(&self, id: u32) -> String;
}

/// A value on one line of text, as scripts write values (`i32:42`,
/// `funcref:$add`, `(ref null $point):null`): references by the names
/// `names` gives, a typed null by its type as written, never by a store id.
pub fn value_text(value: &Value, names: &dyn RefNames) -> String {
    match value {
        Value::FuncRef(Some(addr)) => format!("funcref:{}", names.func(*addr)),
        Value::ExnRef(Some(addr)) => format!("exnref:{}", names.exn(*addr)),
        Value::AnyRef(Some(r)) => match r.object().and_then(|a| names.object(a)) {
            Some(object) => format!("ref:{object}"),
            None => value.to_string(),
        },
        Value::Null(heap) => format!("{}:null", null_type(*heap, names)),
        other => other.to_string(),
    }
}

/// The type of a null of heap type `heap`: `(ref null $point)`, `nullref`.
pub fn null_type(heap: HeapType, names: &dyn RefNames) -> String {
    let ty = RefType {
        nullable: true,
        heap,
    };
    ty.text_with(&|id| names.defined_type(id))
}

/// Values as `[i32:1 (ref null $point):null]`, each by [`value_text`].
pub fn values_text(values: &[Value], names: &dyn RefNames) -> String {
    let shown: Vec<String> = values.iter().map(|v| value_text(v, names)).collect();
    format!("[{}]", shown.join(" "))
}

/// The names a store alone gives references: functions by their module's
/// name section, defined types by [`Store::type_text`] (`prefer`'s names first).
pub struct StoreNames<'a> {
    /// The store the references point into.
    pub store: &'a Store,
    /// The instance whose names come first, if any.
    pub prefer: Option<InstanceAddr>,
}

impl RefNames for StoreNames<'_> {
    fn func(&self, addr: u32) -> String {
        self.store.func_name(super::FuncAddr(addr))
    }

    fn exn(&self, addr: u32) -> String {
        format!("exn#{addr}")
    }

    fn object(&self, _: u32) -> Option<String> {
        None
    }

    fn defined_type(&self, id: u32) -> String {
        self.store.type_text(id, self.prefer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn types_are_named_or_written_out_never_numbered() {
        let module = Module::from_wat(
            "(module (type $point (struct (field $x i32) (field (mut i64)))) (type (array (mut i8))) (type (sub (struct (field (ref null $point))))))",
        )
        .expect("valid module");
        assert_eq!(module_type_text(&module, 0), "$point");
        assert_eq!(module_type_text(&module, 1), "(array (mut i8))");
        assert_eq!(
            module_type_text(&module, 2),
            "(sub (struct (field (ref null $point))))"
        );
        let mut store = Store::default();
        let addr = store
            .instantiate(&Arc::new(module), &[])
            .expect("instantiates");
        let ids = store.instance(addr).expect("instance").type_ids.clone();
        assert_eq!(store.type_text(ids[0], None), "$point");
        assert_eq!(store.type_text(ids[1], None), "(array (mut i8))");
        let global = ExternType::Global(crate::vm::GlobalType {
            ty: crate::vm::ValType::reference(true, crate::vm::value::HeapType::Concrete(ids[2])),
            mutable: true,
        });
        assert_eq!(
            global.text_with(&|id| store.type_text(id, None)),
            "global (mut (ref null (sub (struct (field (ref null $point))))))"
        );
        let names = StoreNames {
            store: &store,
            prefer: None,
        };
        let nulls = [
            Value::Null(crate::vm::value::HeapType::Concrete(ids[0])),
            Value::Null(crate::vm::value::HeapType::Struct),
            Value::I32(7),
        ];
        assert_eq!(
            values_text(&nulls, &names),
            "[(ref null $point):null structref:null i32:7]"
        );
    }
}

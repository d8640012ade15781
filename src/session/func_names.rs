//! Function references as the user names their functions (`$add`,
//! `$m.$f`, `func 3`) rather than by store address, which changes with every
//! rebuild of the session module (issue 11).

use super::{FuncNames, Session};
use crate::vm::store::FuncInst;
use crate::vm::{FuncAddr, Value};

impl Session {
    /// How the user names the function at `addr`: `$add` in the session
    /// module, `$m.$f` in a named one, `func 3` when unnamed, the host name
    /// for a host function.
    pub fn func_label(&self, addr: FuncAddr) -> String {
        let Some(FuncInst::Wasm {
            instance, index, ..
        }) = self.store.func(addr)
        else {
            return self.store.func_name(addr);
        };
        let module = self.store.instance(*instance).map(|i| &i.module);
        let name = match module.and_then(|m| m.names.funcs.get(index)) {
            Some(name) => format!("${name}"),
            None => format!("func {index}"),
        };
        let in_session = self.session.as_ref().is_some_and(|(_, i)| i == instance);
        match self.named.iter().find(|(_, a)| a == instance) {
            Some((module, _)) if !in_session => format!("{module}.{name}"),
            _ => name,
        }
    }

    /// Values on one line (`[i32:1 (ref null $point):null]`), references
    /// named as the views name them (see [`crate::vm::gc_names::value_text`]).
    pub fn values_named(&self, values: &[Value]) -> String {
        crate::vm::gc_names::values_text(values, &self.func_names(values))
    }

    /// One value as [`Session::values_named`] writes it (`i32:5`).
    pub fn value_named(&self, value: Value) -> String {
        crate::vm::gc_names::value_text(&value, &self.func_names([&value]))
    }

    /// A value without its type (`5`, `$add`, `null`), where the type is
    /// said elsewhere (a log point, what a trap kept); references named as
    /// [`Session::value_named`] names them.
    pub fn value_bare(&self, value: Value) -> String {
        if value.is_null() {
            return "null".into();
        }
        let text = self.value_named(value);
        // The type in front (`funcref`, `i32`, `ref`) holds no `:`.
        text.split_once(':')
            .map_or_else(|| text.clone(), |(_, bare)| bare.to_string())
    }

    /// The names of the functions and the exceptions `values` refer to, for a view.
    pub fn func_names<'a>(&self, values: impl IntoIterator<Item = &'a Value>) -> FuncNames {
        let mut names = FuncNames::default();
        for value in values {
            match value {
                Value::FuncRef(Some(addr)) => {
                    names
                        .funcs
                        .entry(*addr)
                        .or_insert_with(|| self.func_label(FuncAddr(*addr)));
                }
                Value::AnyRef(Some(r)) => {
                    if let Some(addr) = r.object() {
                        names
                            .objects
                            .entry(addr)
                            .or_insert_with(|| self.gc_object_label(addr));
                    }
                }
                Value::Null(crate::vm::value::HeapType::Concrete(id)) => {
                    let own = self.session.as_ref().map(|(_, a)| *a);
                    names
                        .types
                        .entry(*id)
                        .or_insert_with(|| self.store.type_text(*id, own));
                }
                Value::ExnRef(Some(addr)) => {
                    names
                        .exns
                        .entry(*addr)
                        .or_insert_with(|| self.exn_label(*addr));
                }
                _ => {}
            }
        }
        names
    }
}

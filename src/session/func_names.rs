//! Function references as the user names their functions (`$add`,
//! `$m.$f`, `func 3`) rather than by store address, which changes with every
//! rebuild of the session module (issue 11).

use super::{FuncNames, Session};
use crate::vm::store::FuncInst;
use crate::vm::{FuncAddr, Value};

/// An unnamed function by its export, as redefinition notes and `:forget`
/// name its field: `func "f"`.
fn exported_label(module: &crate::vm::Module, index: u32) -> Option<String> {
    (module.exports.iter())
        .find(|e| e.kind == crate::vm::module::ExportKind::Func(index))
        .map(|e| format!("func \"{}\"", e.name))
}

/// The index of the function `want` names in `module`: `$name`, or
/// `"f"` for one known by its export (as an unnamed exported function is
/// shown: `func "f"`).
pub fn func_index_named(module: &crate::vm::Module, want: &str) -> Option<u32> {
    if let Some(name) = want.strip_prefix('$') {
        return (module.names.funcs.iter())
            .find(|(_, n)| ***n == *name)
            .map(|(i, _)| *i);
    }
    let export = want.strip_prefix('"')?.strip_suffix('"')?;
    module.exports.iter().find_map(|e| match e.kind {
        crate::vm::module::ExportKind::Func(i) if *e.name == *export => Some(i),
        _ => None,
    })
}

impl Session {
    /// The session module's functions that have no name but an export, as
    /// they are shown (`func "avg"`).
    pub(super) fn unnamed_exported_funcs(&self) -> Vec<String> {
        let Some((module, _)) = self.session_instance() else {
            return Vec::new();
        };
        (0..module.func_types.len() as u32)
            .filter(|i| !module.names.funcs.contains_key(i))
            .filter_map(|i| exported_label(module, i))
            .collect()
    }

    /// The function at `addr` by its export (`func "f"`) when it has no
    /// name of its own but is exported.
    pub fn exported_func_label(&self, addr: FuncAddr) -> Option<String> {
        let Some(FuncInst::Wasm {
            instance, index, ..
        }) = self.store.func(addr)
        else {
            return None;
        };
        let module = &self.store.instance(*instance)?.module;
        if module.names.funcs.contains_key(index) {
            return None;
        }
        exported_label(module, *index)
    }

    /// How the user names the function at `addr`: `$add` in the session
    /// module, `$m.$f` in a named one, `func "f"` when unnamed but exported
    /// as `f`, `func 3` when neither, the host name
    /// for a host function; `$add (earlier definition)` in an earlier
    /// version of the session module.
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
            None => module
                .and_then(|m| exported_label(m, *index))
                .unwrap_or_else(|| format!("func {index}")),
        };
        let in_session = self.session.as_ref().is_some_and(|(_, i)| i == instance);
        match self.named.iter().find(|(_, a)| a == instance) {
            Some((module, _)) if !in_session => format!("{module}.{name}"),
            // A reference made before `$f` was redefined still calls the old code.
            _ if !in_session
                && self.stale.contains(instance)
                && !self.same_as_current(addr, *index) =>
            {
                format!("{name} (earlier definition)")
            }
            _ => name,
        }
    }

    /// Whether function `addr` (index `index` of an earlier version of the
    /// session module) is what the current session module has under its
    /// name: the same type and the same body bytes.
    fn same_as_current(&self, addr: FuncAddr, index: u32) -> bool {
        let (Some((current, now)), Some(FuncInst::Wasm { instance, .. })) =
            (self.session.as_ref(), self.store.func(addr))
        else {
            return false;
        };
        let Some(old) = self.store.instance(*instance).map(|i| &i.module) else {
            return false;
        };
        // A named function by its name, an unnamed one by its index.
        let new_index = match old.names.funcs.get(&index) {
            Some(name) => match current.names.funcs.iter().find(|(_, n)| *n == name) {
                Some((&i, _)) => i,
                None => return false,
            },
            None => index,
        };
        fn body(module: &crate::vm::Module, i: u32) -> Option<&[u8]> {
            let defined = i.checked_sub(module.imported_funcs)? as usize;
            module.bytes.get(module.bodies.get(defined)?.range())
        }
        let new_addr = self
            .store
            .instance(*now)
            .and_then(|i| i.funcs.get(new_index as usize));
        let same_type = new_addr.and_then(|a| self.store.func(*a)).is_some_and(|f| {
            f.type_id() == self.store.func(addr).map_or(u32::MAX, |f| f.type_id())
        });
        same_type && body(old, index).is_some() && body(old, index) == body(current, new_index)
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

    /// [`Session::value_bare`], a `v128` in `shape` as every view writes
    /// it (`v128:f32x4[1 2 3 4] hex[...]`).
    pub fn value_bare_in(&self, value: Value, shape: Option<crate::vm::lanes::Shape>) -> String {
        match value {
            Value::V128(_) => crate::vm::lanes::Shape::value_in(&value, shape),
            other => self.value_bare(other),
        }
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

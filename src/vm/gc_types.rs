//! The store's defined types, canonical across modules (spec "type
//! equivalence"): two recursion groups that read the same, with references
//! inside the group relative to it and those outside it canonical, are one
//! group, so their types get the same ids. Subtyping on canonical types is
//! what import matching, `call_indirect` and casts ask.

use super::module::Module;
use super::types::{CompositeType, FuncType, SubType};
use super::value::{AnyRef, HeapType, I31_TAG, OBJECT_TAG, RefType, ValType};
use std::collections::{BTreeMap, HashMap};

/// Marks a type index inside its own recursion group in a group's key.
const IN_GROUP: u32 = 1 << 31;

/// Every defined type of a store, by canonical id.
#[derive(Debug, Default)]
pub struct TypeRegistry {
    /// The type of each id (indices inside are canonical ids).
    defs: Vec<SubType>,
    /// The signature of each id (empty for struct and array types).
    funcs: Vec<FuncType>,
    /// Each group's key (see the module documentation) and first id.
    groups: HashMap<Vec<SubType>, u32>,
    /// The `$name` the latest module registering each id gave it, so that
    /// an object outlives the module that named its type by name.
    names: HashMap<u32, String>,
    /// Likewise the struct field names, by id, then field index.
    field_names: HashMap<u32, BTreeMap<u32, String>>,
}

impl TypeRegistry {
    /// The canonical id of each of `module`'s type indices, registering
    /// the recursion groups not seen before.
    pub fn register(&mut self, module: &Module) -> Vec<u32> {
        let mut ids: Vec<u32> = Vec::with_capacity(module.subtypes.len());
        for &(start, len) in &module.rec_groups {
            let key: Vec<SubType> = module.subtypes[start as usize..(start + len) as usize]
                .iter()
                .map(|t| {
                    t.map_index(&|i| {
                        if i >= start {
                            IN_GROUP | (i - start)
                        } else {
                            ids.get(i as usize).copied().unwrap_or(0)
                        }
                    })
                })
                .collect();
            let first = self.group(key);
            ids.extend(first..first + len);
        }
        for (index, name) in &module.names.types {
            if let Some(&id) = ids.get(*index as usize) {
                self.names.insert(id, name.clone());
            }
        }
        for (index, fields) in &module.names.fields {
            if let Some(&id) = ids.get(*index as usize) {
                self.field_names.insert(id, fields.clone());
            }
        }
        ids
    }

    /// The field names (by field index) a module registering id `id` last
    /// gave its fields, if any; that module may be gone.
    pub fn remembered_fields(&self, id: u32) -> Option<&BTreeMap<u32, String>> {
        self.field_names.get(&id)
    }

    /// The `$name` (without `$`) a module registering id `id` last gave
    /// it, if any; that module may be gone.
    pub fn remembered_name(&self, id: u32) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// Interns a signature as a final function type alone in its group
    /// (a host function's type), returning its id.
    pub fn intern_func(&mut self, ty: &FuncType) -> u32 {
        self.group(vec![SubType {
            is_final: true,
            supertype: None,
            composite: CompositeType::Func(ty.clone()),
        }])
    }

    fn group(&mut self, key: Vec<SubType>) -> u32 {
        if let Some(first) = self.groups.get(&key) {
            return *first;
        }
        let first = self.defs.len() as u32;
        for ty in &key {
            let ty = ty.map_index(&|i| {
                if i & IN_GROUP != 0 {
                    first + (i & !IN_GROUP)
                } else {
                    i
                }
            });
            self.funcs.push(match &ty.composite {
                CompositeType::Func(f) => f.clone(),
                _ => FuncType::new([], []),
            });
            self.defs.push(ty);
        }
        self.groups.insert(key, first);
        first
    }

    /// The signature of id `id` (empty for a struct or array type).
    pub fn func(&self, id: u32) -> &FuncType {
        &self.funcs[id as usize]
    }

    /// The defined type of id `id`.
    pub fn def(&self, id: u32) -> Option<&SubType> {
        self.defs.get(id as usize)
    }

    /// Whether type `a` is `b` or declares it as a (transitive) supertype.
    pub fn is_subtype(&self, mut a: u32, b: u32) -> bool {
        loop {
            if a == b {
                return true;
            }
            match self.def(a).and_then(|t| t.supertype) {
                Some(up) => a = up,
                None => return false,
            }
        }
    }

    /// Heap subtyping (canonical ids).
    pub fn heap_sub(&self, a: HeapType, b: HeapType) -> bool {
        use HeapType as H;
        match (a, b) {
            _ if a == b => true,
            (H::Concrete(x), H::Concrete(y)) => self.is_subtype(x, y),
            (H::Concrete(x), _) => self
                .def(x)
                .is_some_and(|t| self.heap_sub(t.abstract_heap(), b)),
            (H::None, H::Concrete(y)) => self.def(y).is_some_and(|t| t.abstract_heap() != H::Func),
            (H::NoFunc, H::Concrete(y)) => {
                self.def(y).is_some_and(|t| t.abstract_heap() == H::Func)
            }
            (_, H::Concrete(_)) => false,
            (H::Eq | H::I31 | H::Struct | H::Array | H::None, H::Any) => true,
            (H::I31 | H::Struct | H::Array | H::None, H::Eq) => true,
            (H::None, H::I31 | H::Struct | H::Array) => true,
            (H::NoFunc, H::Func) | (H::NoExtern, H::Extern) | (H::NoExn, H::Exn) => true,
            _ => false,
        }
    }

    /// Value subtyping (canonical ids).
    pub fn val_sub(&self, a: ValType, b: ValType) -> bool {
        match (a.ref_type(), b.ref_type()) {
            (Some(x), Some(y)) => self.ref_sub(x, y),
            _ => a == b,
        }
    }

    /// Reference subtyping (canonical ids).
    pub fn ref_sub(&self, a: RefType, b: RefType) -> bool {
        (!a.nullable || b.nullable) && self.heap_sub(a.heap, b.heap)
    }

    /// The top of the hierarchy `heap` belongs to: `func`, `extern`, `any` or `exn`.
    pub fn top(&self, heap: HeapType) -> HeapType {
        use HeapType as H;
        match heap {
            H::Func | H::NoFunc => H::Func,
            H::Extern | H::NoExtern => H::Extern,
            H::Exn | H::NoExn => H::Exn,
            H::Concrete(id) => match self.def(id).map(SubType::abstract_heap) {
                Some(H::Func) => H::Func,
                _ => H::Any,
            },
            _ => H::Any,
        }
    }

    /// Whether the reference in `slot` is a value of type `target`:
    /// `func_type` gives a function's type id, `object_type` a GC object's.
    pub fn slot_matches(
        &self,
        slot: u64,
        target: RefType,
        func_type: impl Fn(u32) -> Option<u32>,
        object_type: impl Fn(u32) -> Option<u32>,
    ) -> bool {
        use HeapType as H;
        if slot == 0 {
            return target.nullable;
        }
        let actual = match self.top(target.heap) {
            H::Func => match func_type((slot - 1) as u32) {
                Some(id) => H::Concrete(id),
                None => return false,
            },
            H::Extern => H::Extern,
            H::Exn => H::Exn,
            _ if slot & (I31_TAG | OBJECT_TAG) == 0 => H::Any,
            _ => match AnyRef::from_slot(slot) {
                AnyRef::I31(_) => H::I31,
                AnyRef::Struct(a) | AnyRef::Array(a) => match object_type(a) {
                    Some(id) => H::Concrete(id),
                    None => return false,
                },
                AnyRef::Host(_) => H::Any,
            },
        };
        self.heap_sub(actual, target.heap)
    }
}

impl super::store::Store {
    /// The canonical id of each of `module`'s type indices, registering
    /// its recursion groups (a type read without instantiating, such as a
    /// scratch local's declared type).
    pub fn canonical_type_ids(&mut self, module: &Module) -> Vec<u32> {
        self.types.register(module)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::module::Module;

    fn ids(registry: &mut TypeRegistry, wat: &str) -> Vec<u32> {
        let module = Module::from_wat(wat).expect("valid module");
        registry.register(&module)
    }

    #[test]
    fn equal_rec_groups_are_one_type_across_modules() {
        let mut r = TypeRegistry::default();
        let group = "(rec (type $a (struct (field (ref null $b)))) (type $b (struct (field i32))))";
        let first = ids(&mut r, &format!("(module {group})"));
        let second = ids(&mut r, &format!("(module (type (func)) {group})"));
        assert_eq!(first, second[1..]);
        // The same two types, each alone in its group, are different types.
        let apart = ids(
            &mut r,
            "(module (type $b (struct (field i32))) (type $a (struct (field (ref null $b)))))",
        );
        assert!(!apart.contains(&first[0]));
        assert_ne!(first[0], first[1]);
    }

    #[test]
    fn subtyping_follows_declared_supertypes_and_the_abstract_hierarchy() {
        let mut r = TypeRegistry::default();
        let t = ids(
            &mut r,
            "(module (type $p (sub (struct (field i32)))) (type $c (sub $p (struct (field i32 i32)))) (type $f (func)))",
        );
        let (p, c, f) = (t[0], t[1], t[2]);
        assert!(r.is_subtype(c, p));
        assert!(!r.is_subtype(p, c));
        for (a, b, fits) in [
            (HeapType::Concrete(c), HeapType::Struct, true),
            (HeapType::Concrete(c), HeapType::Eq, true),
            (HeapType::Concrete(c), HeapType::Array, false),
            (HeapType::None, HeapType::Concrete(p), true),
            (HeapType::NoFunc, HeapType::Concrete(p), false),
            (HeapType::Concrete(f), HeapType::Func, true),
            (HeapType::Concrete(f), HeapType::Any, false),
            (HeapType::I31, HeapType::Eq, true),
            (HeapType::NoExtern, HeapType::Extern, true),
        ] {
            assert_eq!(r.heap_sub(a, b), fits, "{a:?} <: {b:?}");
        }
        let nullable = RefType {
            nullable: true,
            heap: HeapType::Concrete(c),
        };
        let non_null = RefType {
            nullable: false,
            ..nullable
        };
        assert!(r.ref_sub(non_null, nullable));
        assert!(!r.ref_sub(nullable, non_null));
    }
}

//! The `spectest` host module that spec scripts import, as the spec's
//! reference interpreter defines it.

use crate::vm::store::{Extern, Store};
use crate::vm::types::{FuncType, GlobalType, Limits, MemoryType, TableType};
use crate::vm::{ValType, Value};
use std::collections::BTreeMap;

/// Adds the `spectest` objects to `store` and returns them by export name.
pub fn install(store: &mut Store) -> BTreeMap<String, Extern> {
    use ValType::{F32, F64, I32, I64};
    let mut exports = BTreeMap::new();
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.to_vec(), vec![]);
        let addr = store.add_host_func(format!("spectest.{name}"), ty, |_, _| Ok(Vec::new()));
        exports.insert(name.to_string(), Extern::Func(addr));
    }
    let globals = [
        ("global_i32", Value::I32(666)),
        ("global_i64", Value::I64(666)),
        ("global_f32", Value::f32(666.6)),
        ("global_f64", Value::f64(666.6)),
    ];
    for (name, value) in globals {
        let addr = store.add_global(
            GlobalType {
                ty: value.ty(),
                mutable: false,
            },
            value,
        );
        exports.insert(name.to_string(), Extern::Global(addr));
    }
    let table = TableType {
        elem: ValType::FuncRef,
        limits: Limits {
            min: 10,
            max: Some(20),
        },
        table64: false,
    };
    if let Ok(addr) = store.add_table(table, Value::FuncRef(None)) {
        exports.insert("table".to_string(), Extern::Table(addr));
    }
    let memory = MemoryType {
        limits: Limits {
            min: 1,
            max: Some(2),
        },
        shared: false,
        ..MemoryType::default()
    };
    if let Ok(addr) = store.add_memory(memory) {
        exports.insert("memory".to_string(), Extern::Memory(addr));
    }
    // The threads proposal's scripts also import a shared memory.
    let shared = MemoryType {
        limits: Limits {
            min: 1,
            max: Some(2),
        },
        shared: true,
        ..MemoryType::default()
    };
    if let Ok(addr) = store.add_memory(shared) {
        exports.insert("shared_memory".to_string(), Extern::Memory(addr));
    }
    exports
}

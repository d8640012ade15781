//! watlab as an engine of the harness, in run mode (`Execution::run`) or
//! step mode (`Execution::step` until finished).

use std::sync::Arc;

use crate::canon::{Item, Outcome, TrapKind, Val};
use crate::plan::{Callee, Engine};
use crate::shape::{Export, Ty};
use watlab::vm::{
    Execution, Extern, InstanceAddr, InstantiationError, Limits, Module, Store, Trap, TrapCode,
    Value,
};

/// watlab's own budget, a guard against harness bugs only: the modules'
/// fuel global stops every runaway call long before.
const SAFETY_FUEL: u64 = 10_000_000;

/// A store and the instances made in it.
pub struct Watlab {
    store: Store,
    instances: Vec<InstanceAddr>,
    step: bool,
}

impl Watlab {
    /// An empty store; `step` selects step mode.
    pub fn new(step: bool) -> Watlab {
        Watlab {
            store: Store::new(Limits {
                fuel: Some(SAFETY_FUEL),
                ..Limits::default()
            }),
            instances: Vec::new(),
            step,
        }
    }

    fn export(&self, instance: usize, name: &str) -> Option<Extern> {
        self.store.instance(self.instances[instance])?.export(name)
    }
}

fn trap(trap: &Trap) -> Outcome {
    Outcome::Trap(match trap.code {
        TrapCode::Unreachable => TrapKind::Unreachable,
        TrapCode::IntegerDivideByZero => TrapKind::IntegerDivideByZero,
        TrapCode::IntegerOverflow => TrapKind::IntegerOverflow,
        TrapCode::InvalidConversionToInteger => TrapKind::BadConversionToInteger,
        TrapCode::OutOfBoundsMemoryAccess => TrapKind::MemoryOutOfBounds,
        TrapCode::OutOfBoundsTableAccess | TrapCode::UndefinedElement => TrapKind::TableOutOfBounds,
        TrapCode::IndirectCallTypeMismatch => TrapKind::IndirectCallBadSignature,
        TrapCode::UninitializedElement => TrapKind::IndirectCallToNull,
        TrapCode::CallStackExhausted => TrapKind::StackOverflow,
        _ => return Outcome::Failed(format!("watlab: {trap}")),
    })
}

/// A harness value as watlab's, of type `ty`.
pub fn to_watlab(v: Val, ty: Ty) -> Value {
    match (v, ty) {
        (Val::I32(x), _) => Value::I32(x),
        (Val::I64(x), _) => Value::I64(x),
        (Val::F32(x), _) => Value::F32(x),
        (Val::F64(x), _) => Value::F64(x),
        (Val::Ref { .. }, Ty::ExternRef) => Value::ExternRef(None),
        (Val::Ref { .. }, _) => Value::FuncRef(None),
        (Val::V128(bits), _) => Value::V128(bits),
    }
}

fn from_watlab(v: &Value) -> Val {
    match *v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(x) => Val::F32(x),
        Value::F64(x) => Val::F64(x),
        Value::FuncRef(r) | Value::ExternRef(r) | Value::ExnRef(r) => {
            Val::Ref { null: r.is_none() }
        }
        Value::AnyRef(r) => Val::Ref { null: r.is_none() },
        Value::Null(_) => Val::Ref { null: true },
        Value::V128(bits) => Val::V128(bits),
    }
}

impl Engine for Watlab {
    fn instantiate(&mut self, wasm: &[u8]) -> Outcome {
        let module = match Module::from_binary(wasm) {
            Ok(m) => Arc::new(m),
            Err(e) => return Outcome::Failed(format!("watlab compile: {e}")),
        };
        let imports: Vec<Option<Extern>> = module
            .imports
            .iter()
            .map(|i| match self.instances.first() {
                Some(_) if i.module == "a" => self.export(0, &i.name),
                _ => None,
            })
            .collect();
        match self.store.instantiate(&module, &imports) {
            Ok(addr) => {
                self.instances.push(addr);
                Outcome::Values(Vec::new())
            }
            Err(InstantiationError::Trap(t)) => trap(&t),
            Err(e) => Outcome::Failed(format!("watlab instantiate: {e}")),
        }
    }

    fn call(&mut self, instance: usize, callee: &Callee<'_>, args: &[Val]) -> Outcome {
        let Some(Extern::Func(f)) = self.export(instance, callee.name) else {
            return Outcome::Failed(format!("watlab: no function export {:?}", callee.name));
        };
        let args: Vec<Value> = args
            .iter()
            .zip(callee.params)
            .map(|(v, t)| to_watlab(*v, *t))
            .collect();
        let store = &mut self.store;
        let result = Execution::new(store, f, &args).and_then(|mut e| {
            if !self.step {
                return e.run(store);
            }
            loop {
                match e.step(store)? {
                    watlab::vm::Outcome::Paused => continue,
                    watlab::vm::Outcome::Finished(values) => return Ok(values),
                }
            }
        });
        match result {
            Ok(values) => Outcome::Values(values.iter().map(from_watlab).collect()),
            Err(t) => trap(&t),
        }
    }

    fn set_global(&mut self, instance: usize, name: &str, value: i32) {
        if let Some(Extern::Global(g)) = self.export(instance, name) {
            self.store.set_global(g, Value::I32(value));
        }
    }

    fn item(&self, instance: usize, export: &Export) -> Item {
        match self.export(instance, &export.name) {
            Some(Extern::Memory(m)) => Item::Memory(
                self.store
                    .memory(m)
                    .map(|m| m.bytes().to_vec())
                    .unwrap_or_default(),
            ),
            Some(Extern::Global(g)) => match self.store.global(g) {
                Some(g) => Item::Global(from_watlab(&g.get())),
                None => Item::Missing,
            },
            Some(Extern::Table(t)) => Item::Table(
                self.store
                    .table(t)
                    .map(|t| (0..t.size()).map(|i| t.is_null(i)).collect())
                    .unwrap_or_default(),
            ),
            _ => Item::Missing,
        }
    }
}

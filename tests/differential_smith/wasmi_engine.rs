//! wasmi 2.0 as an engine of the harness.

use crate::canon::{Item, Outcome, TrapKind, Val};
use crate::plan::{Callee, Engine};
use crate::shape::{Export, Ty};

/// wasmi's budget (it counts instructions): a guard against harness bugs only.
const SAFETY_FUEL: u64 = 1_000_000_000;

/// A store and the instances made in it.
pub struct Wasmi {
    engine: wasmi::Engine,
    store: wasmi::Store<()>,
    instances: Vec<wasmi::Instance>,
}

impl Wasmi {
    pub fn new() -> Wasmi {
        let mut config = wasmi::Config::default();
        config.consume_fuel(true);
        // The proposals `generate::config` may use that wasmi leaves off by default.
        config.wasm_wide_arithmetic(true);
        config.wasm_custom_page_sizes(true);
        // Compile up front, so that a panic in wasmi's translator happens in
        // `instantiate` rather than in the middle of a call.
        config.compilation_mode(wasmi::CompilationMode::Eager);
        // Deeper than the modules' fuel lets any recursion go.
        config.set_max_recursion_depth(20_000);
        let engine = wasmi::Engine::new(&config);
        let store = wasmi::Store::new(&engine, ());
        Wasmi {
            engine,
            store,
            instances: Vec::new(),
        }
    }
}

fn failure(e: &wasmi::Error) -> Outcome {
    use wasmi::TrapCode as C;
    Outcome::Trap(match e.as_trap_code() {
        Some(C::UnreachableCodeReached) => TrapKind::Unreachable,
        Some(C::MemoryOutOfBounds) => TrapKind::MemoryOutOfBounds,
        Some(C::TableOutOfBounds) => TrapKind::TableOutOfBounds,
        Some(C::IndirectCallToNull) => TrapKind::IndirectCallToNull,
        Some(C::BadSignature) => TrapKind::IndirectCallBadSignature,
        Some(C::IntegerDivisionByZero) => TrapKind::IntegerDivideByZero,
        Some(C::IntegerOverflow) => TrapKind::IntegerOverflow,
        Some(C::BadConversionToInteger) => TrapKind::BadConversionToInteger,
        Some(C::StackOverflow) => TrapKind::StackOverflow,
        _ => return Outcome::Failed(format!("wasmi: {e}")),
    })
}

fn to_wasmi(v: Val, ty: Ty) -> wasmi::Val {
    match (v, ty) {
        (Val::I32(x), _) => wasmi::Val::I32(x),
        (Val::I64(x), _) => wasmi::Val::I64(x),
        (Val::F32(x), _) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
        (Val::F64(x), _) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
        (Val::Ref { .. }, Ty::ExternRef) => wasmi::Val::ExternRef(wasmi::Nullable::Null),
        (Val::Ref { .. }, _) => wasmi::Val::FuncRef(wasmi::Nullable::Null),
        (Val::V128(bits), _) => wasmi::Val::V128(bits.into()),
    }
}

fn from_wasmi(v: &wasmi::Val) -> Val {
    match v {
        wasmi::Val::I32(x) => Val::I32(*x),
        wasmi::Val::I64(x) => Val::I64(*x),
        wasmi::Val::F32(x) => Val::F32(x.to_bits()),
        wasmi::Val::F64(x) => Val::F64(x.to_bits()),
        wasmi::Val::FuncRef(r) => Val::Ref { null: r.is_null() },
        wasmi::Val::ExternRef(r) => Val::Ref { null: r.is_null() },
        wasmi::Val::V128(v) => Val::V128(v.as_u128()),
    }
}

fn default_for(ty: Ty) -> wasmi::Val {
    match ty {
        Ty::I32 => wasmi::Val::I32(0),
        Ty::I64 => wasmi::Val::I64(0),
        Ty::F32 => wasmi::Val::F32(wasmi::F32::from_bits(0)),
        Ty::F64 => wasmi::Val::F64(wasmi::F64::from_bits(0)),
        Ty::FuncRef => wasmi::Val::FuncRef(wasmi::Nullable::Null),
        Ty::ExternRef => wasmi::Val::ExternRef(wasmi::Nullable::Null),
        Ty::V128 => wasmi::Val::V128(0u128.into()),
    }
}

impl Engine for Wasmi {
    fn instantiate(&mut self, wasm: &[u8]) -> Outcome {
        let module = match wasmi::Module::new(&self.engine, wasm) {
            Ok(m) => m,
            Err(e) => return Outcome::Failed(format!("wasmi compile: {e}")),
        };
        let mut linker = wasmi::Linker::<()>::new(&self.engine);
        if let Some(first) = self.instances.first()
            && let Err(e) = linker.instance(&mut self.store, "a", *first)
        {
            return Outcome::Failed(format!("wasmi link: {e}"));
        }
        self.store.set_fuel(SAFETY_FUEL).expect("fuel is enabled");
        match linker.instantiate_and_start(&mut self.store, &module) {
            Ok(instance) => {
                self.instances.push(instance);
                Outcome::Values(Vec::new())
            }
            Err(e) if e.as_trap_code().is_some() => failure(&e),
            // An active element segment out of its table's bounds traps, as
            // the spec (since bulk memory) and V8 say; wasmi reports an
            // instantiation error instead.
            Err(e)
                if matches!(
                    e.kind(),
                    wasmi::errors::ErrorKind::Instantiation(
                        wasmi::errors::InstantiationError::ElementSegmentDoesNotFit { .. }
                    )
                ) =>
            {
                Outcome::Trap(TrapKind::TableOutOfBounds)
            }
            Err(e) => Outcome::Failed(format!("wasmi instantiate: {e}")),
        }
    }

    fn call(&mut self, instance: usize, callee: &Callee<'_>, args: &[Val]) -> Outcome {
        let Some(f) = self.instances[instance].get_func(&self.store, callee.name) else {
            return Outcome::Failed(format!("wasmi: no function export {:?}", callee.name));
        };
        let inputs: Vec<wasmi::Val> = args
            .iter()
            .zip(callee.params)
            .map(|(v, t)| to_wasmi(*v, *t))
            .collect();
        let mut outputs: Vec<wasmi::Val> = callee.results.iter().map(|t| default_for(*t)).collect();
        self.store.set_fuel(SAFETY_FUEL).expect("fuel is enabled");
        match f.call(&mut self.store, &inputs, &mut outputs) {
            Ok(()) => Outcome::Values(outputs.iter().map(from_wasmi).collect()),
            Err(e) => failure(&e),
        }
    }

    fn set_global(&mut self, instance: usize, name: &str, value: i32) {
        if let Some(g) = self.instances[instance].get_global(&self.store, name) {
            // The harness's own i32 global, always mutable.
            let _ = g.set(&mut self.store, wasmi::Val::I32(value));
        }
    }

    fn item(&self, instance: usize, export: &Export) -> Item {
        let instance = self.instances[instance];
        match instance.get_export(&self.store, &export.name) {
            Some(wasmi::Extern::Memory(m)) => Item::Memory(m.data(&self.store).to_vec()),
            Some(wasmi::Extern::Global(g)) => Item::Global(from_wasmi(&g.get(&self.store))),
            Some(wasmi::Extern::Table(t)) => Item::Table(
                (0..t.size(&self.store))
                    .map(|i| t.get(&self.store, i).is_none_or(|r| r.is_null()))
                    .collect(),
            ),
            _ => Item::Missing,
        }
    }
}

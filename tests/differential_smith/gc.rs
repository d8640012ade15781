//! The GC phase: wasm-smith modules with GC on (structs, arrays, packed
//! fields, i31, casts, `br_on_cast`, typed function references, GC values
//! in globals, tables and constant expressions). Neither wasmi 2.0 nor node
//! 20's V8 (which predates the final GC encoding) runs them, so there is no
//! referee: watlab's run mode and step mode, each in its own store, must
//! agree exactly after every call: the outcome (results, or the trap and
//! its message), then every global, memory byte, table slot and GC heap
//! object (type and fields) of the store. Both stores allocate in the same
//! order, so object addresses, and references to them, must match too.
//!
//! Each exported function is called `generate::ROUNDS` times, the module's
//! fuel global reset before each call; a parameter of a non-nullable
//! reference type cannot be made from outside, so such a function is left
//! out; a nullable one gets null. `WATLAB_SMITH_GC=N` runs N modules (the
//! long run), `WATLAB_SMITH_SEED=S` just seed S.

use crate::generate::{self, FUEL_EXPORT, MODULE_FUEL, ROUNDS, Rng};
use crate::shape::Ty;
use std::sync::Arc;
use watlab::vm::{Execution, Extern, InstanceAddr, Limits, Module, Store, ValType, Value};

/// Modules run by `cargo test` (a few seconds in the debug profile).
pub const GC_MODULES: u64 = 60;

/// A guard against harness bugs only: the fuel global ends runaway calls.
const SAFETY_FUEL: u64 = 10_000_000;

/// What wasm-smith may generate: the refereed set of proposals plus GC.
fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        gc_enabled: true,
        ..generate::config(generate::Features::Refereed)
    }
}

/// Everything a call can change in a store, for comparison.
#[derive(Debug, PartialEq)]
struct Snapshot {
    globals: Vec<Value>,
    memories: Vec<Vec<u8>>,
    tables: Vec<Vec<u64>>,
    heap: Vec<watlab::vm::gc::GcObject>,
}

fn snapshot(store: &Store) -> Snapshot {
    let data = &store.data;
    Snapshot {
        globals: data.globals.iter().map(|g| g.get()).collect(),
        memories: data.memories.iter().map(|m| m.bytes().to_vec()).collect(),
        tables: data.tables.iter().map(|t| t.elements.clone()).collect(),
        heap: data.gc.objects.clone(),
    }
}

/// One mode's store and the module's instance in it.
struct Side {
    store: Store,
    instance: InstanceAddr,
    step: bool,
}

impl Side {
    fn new(module: &Arc<Module>, step: bool) -> Result<Side, String> {
        let mut store = Store::new(Limits {
            fuel: Some(SAFETY_FUEL),
            ..Limits::default()
        });
        let instance = store
            .instantiate(module, &[])
            .map_err(|e| format!("instantiate: {e}"))?;
        Ok(Side {
            store,
            instance,
            step,
        })
    }

    fn export(&self, name: &str) -> Option<Extern> {
        self.store.instance(self.instance)?.export(name)
    }

    /// Calls export `name` with `args`: its results, or the trap as text.
    fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, String> {
        if let Some(Extern::Global(g)) = self.export(FUEL_EXPORT) {
            self.store.set_global(g, Value::I32(MODULE_FUEL));
        }
        let Some(Extern::Func(f)) = self.export(name) else {
            return Err(format!("no function {name:?}"));
        };
        let store = &mut self.store;
        let result = Execution::new(store, f, args).and_then(|mut e| {
            if !self.step {
                return e.run(store);
            }
            loop {
                if let watlab::vm::Outcome::Finished(values) = e.step(store)? {
                    return Ok(values);
                }
            }
        });
        result.map_err(|t| t.to_string())
    }
}

/// An argument of type `ty`, or None for a non-nullable reference.
fn arg(rng: &mut Rng, ty: ValType) -> Option<Value> {
    let numeric = match ty {
        ValType::I32 => Ty::I32,
        ValType::I64 => Ty::I64,
        ValType::F32 => Ty::F32,
        ValType::F64 => Ty::F64,
        ValType::V128 => Ty::V128,
        _ => {
            let r = ty.ref_type()?;
            return r.nullable.then(|| Value::null(r.heap));
        }
    };
    Some(crate::watlab_engine::to_watlab(
        generate::arg(rng, numeric),
        numeric,
    ))
}

/// What one module showed: calls made, objects allocated, or the first
/// disagreement between the modes.
struct Report {
    calls: u64,
    traps: std::collections::BTreeMap<String, u64>,
    objects: usize,
}

fn run_module(seed: u64) -> Result<Option<Report>, String> {
    let mut rng = Rng::new(seed ^ 0x6C00_0000_0000_0000);
    let Ok(wasm) = generate::module(&mut rng, config()) else {
        return Ok(None);
    };
    let module = Arc::new(Module::from_binary(&wasm).map_err(|e| format!("watlab compile: {e}"))?);
    let (mut run, mut step) = match (Side::new(&module, false), Side::new(&module, true)) {
        (Ok(run), Ok(step)) => (run, step),
        (Err(a), Err(b)) if a == b => {
            return Ok(Some(Report {
                calls: 0,
                traps: Default::default(),
                objects: 0,
            }));
        }
        (a, b) => {
            let text = |s: &Result<Side, String>| s.as_ref().err().cloned().unwrap_or_default();
            return Err(format!(
                "instantiation: run {:?}, step {:?}",
                text(&a),
                text(&b)
            ));
        }
    };
    let funcs: Vec<(String, Vec<ValType>)> = run
        .store
        .instance(run.instance)
        .map(|i| i.exports.clone())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, ext)| match ext {
            Extern::Func(f) => Some((name.to_string(), run.store.func_type(f)?.params.to_vec())),
            _ => None,
        })
        .collect();
    let mut report = Report {
        calls: 0,
        traps: Default::default(),
        objects: 0,
    };
    for _ in 0..ROUNDS {
        for (name, params) in &funcs {
            let Some(args) = params
                .iter()
                .map(|t| arg(&mut rng, *t))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let (a, b) = (run.call(name, &args), step.call(name, &args));
            report.calls += 1;
            if let Err(trap) = &a {
                let kind = trap.split(" (").next().unwrap_or_default().to_string();
                *report.traps.entry(kind).or_default() += 1;
            }
            if a != b {
                return Err(format!("call {name}: run {a:?}, step {b:?}"));
            }
            let (x, y) = (snapshot(&run.store), snapshot(&step.store));
            if x != y {
                return Err(format!("after call {name}: run {x:?}\nstep {y:?}"));
            }
        }
    }
    report.objects = run.store.data.gc.objects.len();
    Ok(Some(report))
}

#[test]
fn smith_gc_modules_run_and_step_agree() {
    let count = crate::env_u64("WATLAB_SMITH_GC").unwrap_or(GC_MODULES);
    let seeds: Vec<u64> = match crate::env_u64("WATLAB_SMITH_SEED") {
        Some(seed) => vec![seed],
        None => (0..count).collect(),
    };
    let start = std::time::Instant::now();
    let (mut plans, mut skipped, mut calls, mut objects, mut allocating) = (0, 0, 0, 0, 0);
    let mut traps = std::collections::BTreeMap::<String, u64>::new();
    let mut failures = Vec::new();
    for seed in seeds {
        match run_module(seed) {
            Ok(None) => skipped += 1,
            Ok(Some(r)) => {
                plans += 1;
                calls += r.calls;
                for (kind, n) in r.traps {
                    *traps.entry(kind).or_default() += n;
                }
                objects += r.objects;
                allocating += u64::from(r.objects > 0);
            }
            Err(e) => failures.push(format!("seed {seed}: {}", crate::clip(&e))),
        }
    }
    println!(
        "gc modules: {plans} run ({skipped} not generated) in {:.1} s, {calls} calls (traps: {traps:?}), \
         {objects} GC objects allocated by {allocating} modules; run and step mode disagreed on {}",
        start.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "run and step mode disagree:\n{}",
        failures.join("\n")
    );
    assert!(
        allocating > 0 || plans < 10,
        "no module allocated a GC object: the generator is not exercising GC"
    );
}

//! The plain `.wast` runner: a fresh store with the `spectest` module, the
//! [`Target`] a script file runs against (`watlab wast`, the conformance test).

use super::engine::{self, ExecMode, OnFailure};
use super::outcome::{Directive, Failure};
use super::report::Report;
use super::spectest;
use super::target::Target;
use crate::vm::store::{Extern, InstanceAddr, Store};
use crate::vm::{FuncSlots, InstantiationError, Limits, Module, PendingStart};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Runs the script `text` with the workbench's features; `name` is used in
/// parse error messages.
pub fn run_script(name: &str, text: &str, mode: ExecMode) -> Report {
    run_script_with(name, text, mode, crate::vm::module::features())
}

/// Like [`run_script`], validating modules with `features` (e.g. with the
/// threads proposal for its own tests).
pub fn run_script_with(
    name: &str,
    text: &str,
    mode: ExecMode,
    features: wasmparser::WasmFeatures,
) -> Report {
    run_script_with_fuel(name, text, mode, features, crate::vm::budget::DEFAULT_FUEL)
}

/// Like [`run_script_with`], giving each invocation and each instantiation
/// `fuel` units (see [`crate::vm::budget`]).
pub fn run_script_with_fuel(
    name: &str,
    text: &str,
    mode: ExecMode,
    features: wasmparser::WasmFeatures,
    fuel: u64,
) -> Report {
    let mut state = ScriptState::new(features, fuel);
    match engine::run(text, &mut state, mode, OnFailure::Continue) {
        Ok(directives) => Report { directives },
        Err(mut e) => {
            e.set_path(std::path::Path::new(name));
            e.set_text(text);
            let (line, _) = e.span().linecol_in(text);
            Report {
                directives: vec![Directive {
                    line: line + 1,
                    offset: e.span().offset(),
                    keyword: "script",
                    result: Err(Failure::Malformed {
                        message: e.to_string(),
                        offset: Some(e.span().offset()),
                    }),
                }],
            }
        }
    }
}

/// The state one script file runs against.
struct ScriptState {
    store: Store,
    /// The features modules are validated with.
    features: wasmparser::WasmFeatures,
    /// Exports of instances made visible by `register`, by registered name.
    registered: HashMap<String, BTreeMap<String, Extern>>,
    /// Instances by `$id`.
    named: HashMap<String, InstanceAddr>,
    /// Modules declared with `module definition`, by `$id`.
    definitions: HashMap<String, Arc<Module>>,
    current: Option<InstanceAddr>,
}

impl ScriptState {
    fn new(features: wasmparser::WasmFeatures, fuel: u64) -> ScriptState {
        let limits = Limits {
            max_call_depth: 5_000,
            fuel: Some(fuel),
            ..Limits::default()
        };
        let mut store = Store::new(limits);
        let mut registered = HashMap::new();
        registered.insert("spectest".to_string(), spectest::install(&mut store));
        ScriptState {
            store,
            features,
            registered,
            named: HashMap::new(),
            definitions: HashMap::new(),
            current: None,
        }
    }
}

impl Target for ScriptState {
    fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    fn features(&self) -> wasmparser::WasmFeatures {
        self.features
    }

    fn instance(&self, id: Option<&str>) -> Result<InstanceAddr, String> {
        match id {
            Some(id) => self
                .named
                .get(id)
                .copied()
                .ok_or_else(|| format!("no module named ${id}")),
            None => self
                .current
                .ok_or_else(|| "no module instantiated yet".to_string()),
        }
    }

    fn instantiate(&mut self, module: &Arc<Module>) -> Result<PendingStart, InstantiationError> {
        let imports: Vec<Option<Extern>> = module
            .imports
            .iter()
            .map(|i| {
                self.registered
                    .get(&i.module)
                    .and_then(|m| m.get(&i.name))
                    .copied()
            })
            .collect();
        self.store
            .instantiate_pending(module, &imports, FuncSlots::Append)
    }

    fn bind(&mut self, id: Option<&str>, _module: &Arc<Module>, instance: InstanceAddr) {
        self.current = Some(instance);
        if let Some(id) = id {
            self.named.insert(id.to_string(), instance);
        }
    }

    fn register(&mut self, name: &str, instance: InstanceAddr) {
        let exports = self.store.exports_of(instance);
        self.registered.insert(name.to_string(), exports);
    }

    fn define(&mut self, id: &str, module: Arc<Module>) {
        self.definitions.insert(id.to_string(), module);
    }

    fn definition(&self, id: &str) -> Option<Arc<Module>> {
        self.definitions.get(id).cloned()
    }
}

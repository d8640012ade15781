//! What the engine drives: a store with instances, named and current, and a
//! registry of import names. The plain `.wast` runner implements it once
//! ([`super::runner`]), the workbench session once (`session/script.rs`).

use crate::vm::store::{InstanceAddr, Store};
use crate::vm::{InstantiationError, Module, PendingStart};
use std::sync::Arc;

/// The state a script runs against.
pub trait Target {
    /// The store instances live in.
    fn store(&mut self) -> &mut Store;

    /// The features modules are validated with.
    fn features(&self) -> wasmparser::WasmFeatures;

    /// The instance named `$id` (given without `$`), or the current one.
    ///
    /// # Errors
    /// In words, when there is no such instance.
    fn instance(&self, id: Option<&str>) -> Result<InstanceAddr, String>;

    /// Instantiates `module`, resolving its imports by registered name, up
    /// to its start function, which the engine runs in its own mode.
    ///
    /// # Errors
    /// When an import is missing or does not match, or a segment traps.
    fn instantiate(&mut self, module: &Arc<Module>) -> Result<PendingStart, InstantiationError>;

    /// Makes a new instance of `module` the current one, named `$id` when given.
    fn bind(&mut self, id: Option<&str>, module: &Arc<Module>, instance: InstanceAddr);

    /// Makes `instance`'s exports importable from the module name `name`.
    fn register(&mut self, name: &str, instance: InstanceAddr);

    /// Keeps `module` (from `module definition $id`) for `module instance`.
    fn define(&mut self, id: &str, module: Arc<Module>);

    /// The module defined as `$id`.
    fn definition(&self, id: &str) -> Option<Arc<Module>>;

    /// Why an `(invoke ...)` of `name` found no function in `instance`
    /// (`named`: the invoke named its module), from the store's reason `why`.
    fn no_function(
        &self,
        _instance: InstanceAddr,
        _named: bool,
        _name: &str,
        why: String,
    ) -> String {
        why
    }
}

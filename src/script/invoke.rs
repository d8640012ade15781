//! One `(invoke $m? "name" args...)` resolved to the function it calls and
//! its arguments, without running it: the engine runs what it resolves, and
//! the stepper (`:step (invoke "f" ...)`) steps it.

use super::parse::{self, Command};
use super::target::Target;
use super::values;
use crate::vm::store::{Extern, InstanceAddr, Store};
use crate::vm::{FuncAddr, Value};
use wast::core::{HeapType, WastArgCore};
use wast::token::Index;
use wast::{WastArg, WastDirective, WastInvoke};

/// A call an `(invoke ...)` names.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The instance it calls into.
    pub instance: InstanceAddr,
    /// The exported function.
    pub func: FuncAddr,
    /// Its arguments.
    pub args: Vec<Value>,
    /// The name it is exported as.
    pub export: String,
}

/// The function `instance` exports as `name`.
///
/// # Errors
/// When nothing, or something other than a function, is exported so.
pub fn exported_func(
    store: &Store,
    instance: InstanceAddr,
    name: &str,
) -> Result<FuncAddr, String> {
    match store.instance(instance).and_then(|i| i.export(name)) {
        Some(Extern::Func(f)) => Ok(f),
        Some(other) => Err(format!(
            "\"{name}\" is a {}, not a function",
            other.kind_name()
        )),
        None => Err(format!("no function is exported as \"{name}\"")),
    }
}

/// The call `invoke` names in `target`.
///
/// # Errors
/// An unknown module, a bad argument or a missing export, in words.
pub fn resolve_invoke(target: &mut dyn Target, invoke: &WastInvoke<'_>) -> Result<Call, String> {
    let instance = target.instance(invoke.module.map(|m| m.name()))?;
    let args = invoke
        .args
        .iter()
        .map(|arg| typed_null(target.store(), instance, arg).unwrap_or_else(|| values::arg(arg)))
        .collect::<Result<Vec<_>, _>>()?;
    let func = exported_func(target.store(), instance, invoke.name)
        .map_err(|why| target.no_function(instance, invoke.module.is_some(), invoke.name, why))?;
    Ok(Call {
        instance,
        func,
        args,
        export: invoke.name.to_string(),
    })
}

/// A `(ref.null $t)` argument: the null of `instance`'s type `$t` (or
/// type N); `None` for any other argument.
fn typed_null(
    store: &Store,
    instance: InstanceAddr,
    arg: &WastArg<'_>,
) -> Option<Result<Value, String>> {
    let WastArg::Core(WastArgCore::RefNull(HeapType::Concrete(index))) = arg else {
        return None;
    };
    let inst = store.instance(instance)?;
    let (written, number) = match index {
        Index::Num(n, _) => (n.to_string(), Some(*n)),
        Index::Id(id) => (
            format!("${}", id.name()),
            inst.module
                .names
                .types
                .iter()
                .find_map(|(i, name)| (name == id.name()).then_some(*i)),
        ),
    };
    let id = number.and_then(|n| inst.type_ids.get(n as usize).copied());
    Some(match id {
        Some(id) => Ok(Value::Null(crate::vm::value::HeapType::Concrete(id))),
        None => Err(format!(
            "(ref.null {written}): the invoked module has no type {written}"
        )),
    })
}

/// The call of `text` when it is one `(invoke ...)`; `Ok(None)` when it is
/// anything else.
///
/// # Errors
/// What `resolve_invoke` reports, or why the text does not parse.
pub fn call_of(text: &str, target: &mut dyn Target) -> Result<Option<Call>, String> {
    let head = text.trim_start().trim_start_matches('(').trim_start();
    if !head.starts_with("invoke") {
        return Ok(None);
    }
    let buf = parse::buffer(text).map_err(|e| e.message())?;
    let commands = parse::commands(&buf).map_err(|e| e.message())?;
    match commands.as_slice() {
        [Command::Directive(WastDirective::Invoke(invoke))] => {
            resolve_invoke(target, invoke).map(Some)
        }
        _ => Ok(None),
    }
}

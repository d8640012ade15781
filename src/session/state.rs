//! Read and small write access to the session's state for the layers above
//! (commands and views): what is on the scratch stack, which instance is
//! current, how runs are limited, and looking up memories by name.

use super::{Session, SessionError};
use crate::vm::store::{Extern, InstanceAddr, MemAddr};

/// Parses `123` or `0x7b` (underscores allowed), as addresses and counts are typed.
pub fn parse_number(word: &str) -> Option<u64> {
    let word = word.replace('_', "");
    match word.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => word.parse().ok(),
    }
}

impl Session {
    /// Names of the scratch locals the last input changed.
    pub fn changed_locals(&self) -> &[String] {
        &self.changed_locals
    }

    /// Empties the scratch operand stack.
    pub fn clear_stack(&mut self) {
        self.stack.clear();
        self.stack_shapes.clear();
    }

    /// The lane shape each scratch-stack value was made in (as long as the
    /// stack, `None` for non-vectors and vectors without a shape of their own).
    pub fn stack_shapes(&self) -> &[Option<crate::vm::lanes::Shape>] {
        &self.stack_shapes
    }

    /// The instance `(invoke ...)` and `(get ...)` use when they name none.
    pub fn current_instance(&self) -> Option<InstanceAddr> {
        self.current
    }

    /// Whether instruction inputs are traced.
    pub fn tracing(&self) -> bool {
        self.trace
    }

    /// Turns tracing of instruction inputs on or off.
    pub fn set_tracing(&mut self, on: bool) {
        self.trace = on;
    }

    /// The fuel each input may use (see [`crate::vm::budget`]).
    pub fn budget(&self) -> u64 {
        self.store.limits.fuel.unwrap_or(u64::MAX)
    }

    /// Sets the fuel each input may use.
    pub fn set_budget(&mut self, fuel: u64) {
        self.store.limits.fuel = Some(fuel);
    }

    /// Starts over with an empty session; a front end's Ctrl-C flag stays
    /// wired, and `:undo` can bring the old session back.
    pub fn reset(&mut self) {
        let mut fresh = Session::new();
        fresh.undo = std::mem::take(&mut self.undo);
        let store = std::mem::replace(&mut fresh.store, std::mem::take(&mut self.store));
        *self = fresh;
        self.replace_store(store);
    }

    /// A memory by `$name` or index of the session module, a host memory
    /// by `NAME.FIELD`, or a memory of a named module instance by
    /// `$m.$name` or `$m.INDEX`; the default is the session module's memory
    /// 0. Also returns how to call it (`memory $m`, `host memory mem.pages`,
    /// `memory 0 of module $m`).
    ///
    /// # Errors
    /// When there is no such memory.
    pub fn memory_named(&self, which: Option<&str>) -> Result<(MemAddr, String), SessionError> {
        if let Some(path) = which.filter(|w| w.contains('.')) {
            if let Some(addr) = self.host_memory_named(path) {
                return Ok((addr, format!("host memory {path}")));
            }
            if let Some(addr) = self.registered_memory(path) {
                return Ok((addr, format!("memory {path}")));
            }
        }
        if let Some(found) = which.and_then(|w| self.module_memory(w)) {
            return found;
        }
        let none =
            || SessionError::usage("the session has no memory yet; define one with (memory 1)");
        let (_, addr) = self.session_instance().ok_or_else(none)?;
        self.instance_memory(addr, which, none)
    }

    /// A memory of the instance at `addr` by `$name` or index (default 0),
    /// and how to call it (`memory $m`, `memory 1`); `none` when it has none.
    fn instance_memory(
        &self,
        addr: InstanceAddr,
        which: Option<&str>,
        none: impl Fn() -> SessionError,
    ) -> Result<(MemAddr, String), SessionError> {
        let instance = self.store.instance(addr).ok_or_else(&none)?;
        let names = &instance.module.names.memories;
        let index = match which {
            None => 0,
            Some(name) if name.starts_with('$') => *names
                .iter()
                .find(|(_, n)| **n == name[1..])
                .map(|(i, _)| i)
                .ok_or_else(|| SessionError::usage(format!("no memory named {name}")))?
                as usize,
            Some(index) => parse_number(index)
                .ok_or_else(|| SessionError::usage(format!("{index} is not a memory")))?
                as usize,
        };
        let mem = instance.memories.get(index).copied().ok_or_else(&none)?;
        let label = names
            .get(&(index as u32))
            .map_or_else(|| format!("memory {index}"), |n| format!("memory ${n}"));
        Ok((mem, label))
    }

    /// A memory a registered module exports, by `NAME.EXPORT` (`m.mem`).
    fn registered_memory(&self, path: &str) -> Option<MemAddr> {
        self.registry.iter().find_map(|(name, exports)| {
            let export = path.strip_prefix(name.as_str())?.strip_prefix('.')?;
            match exports.get(export)? {
                Extern::Memory(addr) => Some(*addr),
                _ => None,
            }
        })
    }

    /// A memory of the named module instance `$m` (its memory 0), `$m.N` or
    /// `$m.$name`; `None` when `which` names no instance (a session memory
    /// named like an instance comes first).
    fn module_memory(&self, which: &str) -> Option<Result<(MemAddr, String), SessionError>> {
        let (module, memory) = match which.split_once('.') {
            Some((module, memory)) => (module, Some(memory)),
            None => (which, None),
        };
        let session_has = |name: &str| {
            self.session_instance()
                .is_some_and(|(m, _)| m.names.memories.values().any(|n| *n == name[1..]))
        };
        if memory.is_none() && session_has(which) {
            return None;
        }
        let (_, addr) = self.named.iter().find(|(n, _)| n == module)?;
        let missing = || {
            SessionError::usage(format!(
                "module {module} has no memory {}; :memory lists them",
                memory.unwrap_or("0")
            ))
        };
        Some(
            self.instance_memory(*addr, memory, missing)
                .map(|(mem, label)| (mem, format!("{label} of module {module}"))),
        )
    }

    /// A memory of the session module by `$name` or index.
    pub(super) fn memory_by_name(&self, which: &str) -> Result<MemAddr, SessionError> {
        self.memory_named(Some(which)).map(|(addr, _)| addr)
    }
}

//! The `:export-js` journal's entries for what changes state beyond
//! instantiations and calls: each new version of the session module with
//! the state watlab carried into it, each instruction input, and the inputs
//! node cannot repeat (the export says so, and warns).

use super::fragment::Prepared;
use super::{ErrorKind, Reply, Session, SessionError};
use crate::host::env::HostValue;
use crate::host::export_js::{self, Carried, DataWrite, JsEvent, SESSION, js_func, js_plain_value};
use crate::vm::store::{Extern, InstanceAddr, StoreData};
use crate::vm::{FuncAddr, MemAddr, Value};
use std::sync::Arc;

/// Why a carried value stops a version from being repeated exactly.
const UNSETTABLE: &str = "it carries over a value JavaScript cannot set (a v128 or a reference \
                          that is not a function of a module)";

/// How many of the last journal entries a fragment's binary is looked for
/// in before it is kept as a copy of its own.
const RECENT: usize = 64;

impl Session {
    /// `value` as JavaScript in the exported program: a number, or a
    /// function of the session module or a named module; `None` when node
    /// cannot be given it.
    pub(super) fn js_value(&self, value: &Value) -> Option<String> {
        let Value::FuncRef(Some(addr)) = value else {
            return js_plain_value(value);
        };
        let addr = FuncAddr(*addr);
        self.js_instances().find_map(|(name, instance)| {
            let funcs = &self.store.instance(instance)?.funcs;
            Some(js_func(&name, funcs.iter().position(|f| *f == addr)?))
        })
    }

    /// The session module's instance and the named ones, by session name.
    fn js_instances(&self) -> impl Iterator<Item = (String, InstanceAddr)> + '_ {
        let session = self.session.iter().map(|(_, i)| (SESSION.to_string(), *i));
        session.chain(self.named.iter().cloned())
    }

    /// Memory `addr` in the exported program: a host memory, or one of the
    /// session module's or a named module's.
    fn js_memory(&self, addr: MemAddr) -> Option<String> {
        let hosted = self.host.modules.iter().find_map(|(module, props)| {
            let (name, _) =
                (props.iter()).find(|(_, v)| **v == HostValue::Object(Extern::Memory(addr)))?;
            Some(export_js::js_host(module, name))
        });
        hosted.or_else(|| {
            self.js_instances().find_map(|(name, instance)| {
                let memories = &self.store.instance(instance)?.memories;
                Some(export_js::js_memory(
                    &name,
                    memories.iter().position(|m| *m == addr)?,
                ))
            })
        })
    }

    /// Journals `:write`'s `bytes` at `at` into `memory`.
    pub(super) fn journal_write(&mut self, input: &str, memory: MemAddr, at: u64, bytes: &[u8]) {
        let js = self
            .js_memory(memory)
            .map(|m| export_js::js_write(&m, at, bytes));
        self.journal_statement(input, js);
    }

    /// Journals the host action `input` as the JavaScript statement `js`,
    /// or as not repeated when there is none.
    pub(super) fn journal_statement(&mut self, input: &str, js: Option<String>) {
        match js {
            Some(js) => self.journal.push(JsEvent::Statement {
                input: input.to_string(),
                js,
            }),
            None => self.journal_unreplayed(
                input,
                "the program cannot name the object or value it changes",
            ),
        }
    }

    /// Journals the session module's new version (current now) built by
    /// `input`: its memories took over the previous version's as `memories`
    /// says (old, new index), then `data` was written, and its globals and
    /// tables are as in `state` (the store before its start function, which
    /// ran if `start`).
    pub(super) fn journal_version(
        &mut self,
        input: &str,
        state: Option<&StoreData>,
        memories: &[(u32, u32)],
        data: Vec<DataWrite>,
        start: bool,
    ) {
        let Some((module, addr)) = self.session.clone() else {
            return;
        };
        let Some(instance) = self.store.instance(addr).cloned() else {
            return;
        };
        let state = state.unwrap_or(&self.store.data);
        let mut carried = Carried {
            data,
            start,
            ..Carried::default()
        };
        carried.memories = (memories.iter())
            .filter_map(|&(old, new)| {
                let memory = state
                    .memories
                    .get(instance.memories.get(new as usize)?.index())?;
                Some((old, new, memory.pages()))
            })
            .collect();
        let mut settable = true;
        let imported = module
            .global_types
            .len()
            .saturating_sub(module.globals.len());
        for (i, def) in module.globals.iter().enumerate() {
            let index = imported + i;
            let Some(global) =
                (instance.globals.get(index)).and_then(|g| state.globals.get(g.index()))
            else {
                continue;
            };
            let value = global.get();
            // Node's new instance starts from the initializer: only a
            // mutable global holding something else needs setting.
            if !def.ty.mutable || self.store.eval_const_of(addr, &def.init) == Some(value) {
                continue;
            }
            match self.js_value(&value) {
                Some(js) => carried.globals.push((index as u32, js)),
                None => settable = false,
            }
        }
        let imported = module.tables.len().saturating_sub(module.table_inits.len());
        for (index, table) in instance.tables.iter().enumerate().skip(imported) {
            let Some(table) = state.tables.get(table.index()) else {
                continue;
            };
            // Only the elements that are not null: host.mjs nulls the rest.
            let values: Option<Vec<(u32, String)>> = (table.elements.iter().enumerate())
                .map(|(i, slot)| (i as u32, Value::from_slot(table.ty.elem, *slot)))
                .filter(|(_, value)| !value.is_null())
                .map(|(i, value)| Some((i, self.js_value(&value)?)))
                .collect();
            let size = table.elements.len() as u32;
            match values {
                Some(values) => carried.tables.push((index as u32, size, values)),
                None => settable = false,
            }
        }
        self.journal.push(JsEvent::Version {
            bytes: module.bytes.clone(),
            carried,
        });
        if !settable {
            // `:forget` rebuilds from no text of its own.
            let input = if input.trim().is_empty() {
                ":forget"
            } else {
                input
            };
            self.journal_unreplayed(input, UNSETTABLE);
        }
    }

    /// Journals the instruction input `input`, run as `prepared` (to its
    /// end, or until it trapped).
    pub(super) fn journal_fragment(&mut self, input: &str, prepared: &Prepared) {
        let args: Option<Vec<String>> = prepared.args.iter().map(|v| self.js_value(v)).collect();
        let leaves_v128 = (self.store.func_type(prepared.func))
            .is_some_and(|ty| ty.results.contains(&crate::vm::ValType::V128));
        match args {
            Some(args) => {
                let bytes = self.recent_binary(&prepared.bytes);
                self.journal.push(JsEvent::Fragment {
                    input: input.to_string(),
                    bytes,
                    args,
                });
                // JavaScript refuses to call a function with a v128 in its
                // type, before it runs (the JS API's TypeError).
                if leaves_v128 {
                    self.journal_unreplayed(
                        input,
                        "it leaves a v128 on the stack, and JavaScript cannot call a function \
                         that returns one: node does not run it (a TypeError), so what it \
                         wrote is missing there",
                    );
                }
            }
            None => self.journal_unreplayed(
                input,
                "its scratch stack or locals hold a value JavaScript cannot pass (a v128 or a \
                 reference that is not a function of a module)",
            ),
        }
    }

    /// Whether the instruction input that just finished left nothing node
    /// would see, the store having been `before` (when small enough to
    /// copy) and the host functions called `host_calls` times: nothing in
    /// the store changed and nothing was printed. Node does not print an
    /// instruction input's results, and later inputs get the scratch stack
    /// as values, so such an input need not be journalled (issue 14: every
    /// `i32.const` kept its fragment binary, 100,000 inputs 34 MiB).
    pub(super) fn left_nothing(&self, before: Option<&StoreData>, host_calls: u64) -> bool {
        before.is_some_and(|before| {
            self.store.host_calls() == host_calls && self.store.data.same_contents(before)
        })
    }

    /// `bytes` as a fragment binary to journal: the one a recent fragment
    /// has when it is the same (`call $f` typed again and again keeps one
    /// copy), else a new one.
    fn recent_binary(&self, bytes: &[u8]) -> Arc<[u8]> {
        let recent = (self.journal.iter().rev().take(RECENT)).find_map(|event| match event {
            JsEvent::Fragment { bytes: b, .. } if **b == *bytes => Some(b.clone()),
            _ => None,
        });
        recent.unwrap_or_else(|| Arc::from(bytes))
    }

    /// Runs the input `text` as [`Session::transact`] does. When it changed
    /// state without journalling how (an assertion's call, a call that
    /// trapped: watlab keeps what it wrote), journals the call, or why node
    /// does not repeat the input.
    pub(super) fn transact_journalled(
        &mut self,
        text: &str,
        f: impl FnOnce(&mut Session) -> Result<Vec<Reply>, SessionError>,
    ) -> Result<Vec<Reply>, SessionError> {
        let journalled = self.journal.len();
        let outcome = self.transact(f);
        let unjournalled = match &outcome {
            Ok(_) => {
                let c = &self.changes;
                let changed = !(c.memory.is_empty() && c.globals.is_empty() && c.grown.is_empty());
                changed && self.journal.len() == journalled
            }
            Err(e) => {
                let kinds = [ErrorKind::Trap, ErrorKind::Exception, ErrorKind::Assertion];
                kinds.contains(&e.kind)
                    && (e.notes.iter()).any(|n| n.starts_with("kept:") || n.starts_with("changed:"))
            }
        };
        if unjournalled {
            let call = self.call_in(text);
            if !call.is_some_and(|call| self.journal_run(text, &call)) {
                self.journal_unreplayed(text, "it changed state in a way host.mjs does not repeat");
            }
        }
        outcome
    }

    /// The call the script command `text` makes: a lone `(invoke ...)`, or
    /// the one inside a single assertion (`(assert_return (invoke ...) ...)`).
    fn call_in(&mut self, text: &str) -> Option<Prepared> {
        let [form] = super::input::top_level_forms(text)[..] else {
            return None;
        };
        let inner = form.trim().strip_prefix('(')?.strip_suffix(')')?;
        let invoke = (super::input::top_level_forms(inner).into_iter())
            .find(|f| f.trim_start_matches('(').trim_start().starts_with("invoke"))
            .unwrap_or(form);
        let call = crate::script::call_of(invoke, self).ok()??;
        Some(Prepared::invoke(&call))
    }

    /// Journals `prepared`, a run of the input `input` repeated for what it
    /// changes (it trapped, or an assertion made it): an instruction input,
    /// or an `(invoke ...)`. False when it is neither.
    pub(super) fn journal_run(&mut self, input: &str, prepared: &Prepared) -> bool {
        if prepared.is_fragment() {
            self.journal_fragment(input, prepared);
            return true;
        }
        let Some((addr, export)) = &prepared.invoked else {
            return false;
        };
        let Some(instance) = self.instance_name(*addr) else {
            return false;
        };
        self.journal.push(JsEvent::Call {
            input: input.to_string(),
            instance,
            export: export.clone(),
            args: prepared.args.clone(),
        });
        true
    }

    /// Journals that `input` changed state in a way node does not repeat.
    pub(super) fn journal_unreplayed(&mut self, input: &str, why: &str) {
        self.journal.push(JsEvent::Unreplayed {
            input: input.to_string(),
            why: why.to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::host::export_js::JsEvent;
    use crate::session::Session;
    use std::sync::Arc;

    #[test]
    fn a_fragment_typed_again_shares_its_binary() {
        let mut session = Session::new();
        let bump = "(global.set $g (i32.add (global.get $g) (i32.const 1)))";
        for input in [
            "(global $g (mut i32) (i32.const 0))",
            bump,
            bump,
            "i32.const 9",
            bump,
        ] {
            session.eval(input).map_err(|e| e.message).unwrap();
        }
        let binaries: Vec<Arc<[u8]>> = (session.journal.iter())
            .filter_map(|event| match event {
                JsEvent::Fragment { bytes, .. } => Some(bytes.clone()),
                _ => None,
            })
            .collect();
        // The `i32.const 9` left nothing node would see: not journalled.
        assert_eq!(binaries.len(), 3);
        assert!(Arc::ptr_eq(&binaries[0], &binaries[1]));
        // With the 9 on the scratch stack as its argument, it is another binary.
        assert_ne!(binaries[1], binaries[2]);
    }
}

//! The session's state saved as a value, for the two ways an input is taken
//! back: a rejected input (syntax, validation, link, usage) changes nothing
//! at all, and `:undo` restores everything an input changed.
//!
//! The state is split the way a trap splits it: [`StoreData`] (memories,
//! tables, globals) is what WebAssembly keeps when code traps, and
//! [`Definitions`] is everything else, which an input that fails never
//! changes (issue 10: "the scratch stack and the session's definitions stay
//! as they were before the input").

use super::{Changes, ScratchLocal, Session, agents, fields, regions, splice};
use crate::host::env::HostEnv;
use crate::vm::Module;
use crate::vm::memory::Memory;
use crate::vm::store::{Extern, InstanceAddr, StoreData};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything but the store's data: definitions, instances, stack, locals,
/// the host object and threads.
#[derive(Clone)]
pub(super) struct Definitions {
    host: HostEnv,
    registry: BTreeMap<String, BTreeMap<String, Extern>>,
    fields: Arc<Vec<fields::Field>>,
    sources: Arc<splice::Sources>,
    /// The session module's instance: its module is not kept here, so that
    /// the states `:undo` keeps do not keep compiled code (issue 14); the
    /// store has it, or its binary while the instance hibernates.
    session: Option<InstanceAddr>,
    named: Vec<(String, InstanceAddr)>,
    current: Option<InstanceAddr>,
    definitions: BTreeMap<String, Arc<Module>>,
    stack: Vec<crate::vm::Value>,
    stack_shapes: Vec<Option<crate::vm::lanes::Shape>>,
    global_shapes: Vec<(String, u128, crate::vm::lanes::Shape)>,
    locals: Vec<ScratchLocal>,
    changed_locals: Vec<String>,
    changes: Changes,
    regions: Vec<regions::Region>,
    /// How long the journal was: it is only appended to, so every later
    /// journal starts with the one this state had.
    journal: usize,
    agents: Vec<agents::Agent>,
    /// How many memories, tables, globals and segments the store held.
    lengths: [usize; 5],
}

/// Everything an input can change (settings such as `:trace`, `:limit` and
/// breakpoints are not part of it).
#[derive(Clone)]
pub(super) struct Saved {
    /// The store's data but its memories.
    data: StoreData,
    /// The memories, shared with the state saved before when they hold the
    /// same (the 100 states undo keeps had 100 copies of an untouched
    /// memory, 64 KiB each for spectest's one page, resident).
    memories: Vec<Arc<Memory>>,
    rest: Definitions,
    /// Bytes of memory the copy holds (see [`held_bytes`]).
    held: usize,
}

impl Definitions {
    /// Whether this state names instance `addr` (as the session module's,
    /// a named module's, or the target of `invoke`).
    pub(super) fn uses_instance(&self, addr: InstanceAddr) -> bool {
        self.session == Some(addr)
            || self.current == Some(addr)
            || self.named.iter().any(|(_, i)| *i == addr)
    }
}

impl Saved {
    /// Whether this state names instance `addr`.
    pub(super) fn uses_instance(&self, addr: InstanceAddr) -> bool {
        self.rest.uses_instance(addr)
    }

    /// Whether this state holds a reference to a function whose address is
    /// in `funcs` (see [`StoreData::refers_to_funcs`]).
    /// `types` are the store's defined types (ids only grow, so today's
    /// registry knows every type the state holds).
    pub(super) fn refers_to_funcs(
        &self,
        funcs: std::ops::Range<usize>,
        types: &crate::vm::gc_types::TypeRegistry,
    ) -> bool {
        let rest = &self.rest;
        let values: Vec<crate::vm::Value> = (rest.stack.iter().copied())
            .chain(rest.locals.iter().map(|l| l.value))
            .collect();
        self.data.refers_to_funcs(funcs, &values, types)
    }

    /// Whether this state shares every memory copy with `other`.
    #[cfg(test)]
    pub(super) fn shares_memories_with(&self, other: &Saved) -> bool {
        self.memories.len() == other.memories.len()
            && (self.memories.iter().zip(&other.memories)).all(|(a, b)| Arc::ptr_eq(a, b))
    }

    /// How long the journal was.
    pub(super) fn journal_len(&self) -> usize {
        self.rest.journal
    }

    /// Bytes of memory this state holds.
    pub(super) fn bytes(&self) -> usize {
        self.held
    }
}

/// Most bytes of memory an input looks through to save or compare the
/// memories (undo, change marks). Where the pages never touched can be told
/// (Linux, see `vm::memory_pages`) only the others are read, but telling
/// still costs a little per page; elsewhere finding the zero chunks of a
/// 1 GiB memory takes ~30 ms a pass, and an input makes several (a 250 MiB
/// memory cost 32 ms an input in a release build; this bound keeps it near 16).
pub(super) const SCAN_BYTES: usize = 128 << 20;

/// Bytes in all memories of `data`, whatever they hold.
pub(super) fn memory_size(data: &StoreData) -> usize {
    data.memories.iter().map(|m| m.bytes().len()).sum()
}

/// Bytes a copy of the memories of `data` holds: their chunks that are not
/// zero, which is what copying them writes (a 200 MiB memory with a few
/// bytes written costs a few KiB to keep); `None`, without reading them,
/// when they are larger than [`SCAN_BYTES`].
pub(super) fn held_bytes(data: &StoreData) -> Option<usize> {
    (memory_size(data) <= SCAN_BYTES).then(|| data.memories.iter().map(|m| m.held_bytes()).sum())
}

/// How many memories, tables, globals, element and data segments `data` holds.
fn lengths(data: &StoreData) -> [usize; 5] {
    [
        data.memories.len(),
        data.tables.len(),
        data.globals.len(),
        data.elems.len(),
        data.datas.len(),
    ]
}

impl Session {
    /// Everything but the store's data.
    pub(super) fn save_definitions(&self) -> Definitions {
        Definitions {
            host: self.host.clone(),
            registry: self.registry.clone(),
            fields: self.fields.clone(),
            sources: self.sources.clone(),
            session: self.session.as_ref().map(|(_, i)| *i),
            named: self.named.clone(),
            current: self.current,
            definitions: self.definitions.clone(),
            stack: self.stack.clone(),
            stack_shapes: self.stack_shapes.clone(),
            global_shapes: self.global_shapes.clone(),
            locals: self.locals.clone(),
            changed_locals: self.changed_locals.clone(),
            changes: self.changes.clone(),
            regions: self.regions.clone(),
            journal: self.journal.len(),
            agents: self.agents.clone(),
            lengths: lengths(&self.store.data),
        }
    }

    /// Puts everything but the store's data back as in `saved`; the host
    /// object too unless `keep_host` (after a trap, host objects made for
    /// the input keep what the code wrote into them).
    pub(super) fn restore_definitions(&mut self, saved: Definitions, keep_host: bool) {
        if !keep_host {
            self.host = saved.host;
        }
        self.registry = saved.registry;
        self.fields = saved.fields;
        self.sources = saved.sources;
        let before = self.session.as_ref().map(|(_, i)| *i);
        self.session = saved.session.and_then(|i| Some((self.wake(i)?, i)));
        // The instance the session leaves is stale now (it may be freed).
        if let Some(old) = before.filter(|old| saved.session != Some(*old)) {
            self.stale.push(old);
        }
        self.named = saved.named;
        self.current = saved.current;
        self.definitions = saved.definitions;
        self.stack = saved.stack;
        self.stack_shapes = saved.stack_shapes;
        self.global_shapes = saved.global_shapes;
        self.locals = saved.locals;
        self.changed_locals = saved.changed_locals;
        self.changes = saved.changes;
        self.regions = saved.regions;
        self.journal.truncate(saved.journal);
        self.agents = saved.agents;
    }

    /// Takes back a rejected input: definitions and host object as in
    /// `saved`, and the objects it added to the store dropped again (a
    /// rejected input writes nothing, it can only have added objects, e.g.
    /// host objects made for imports before a link error).
    pub(super) fn reject(&mut self, saved: Definitions) {
        let [memories, tables, globals, elems, datas] = saved.lengths;
        let data = &mut self.store.data;
        data.memories.truncate(memories);
        data.tables.truncate(tables);
        data.globals.truncate(globals);
        data.elems.truncate(elems);
        data.datas.truncate(datas);
        self.restore_definitions(saved, false);
    }

    /// Everything an input can change; `None` when the memories hold more
    /// than `limit` bytes of data or are too large to look at (see
    /// [`held_bytes`]).
    /// `previous` is the state saved before, whose memory copies are shared
    /// where they hold the same bytes.
    pub(super) fn save(&self, limit: usize, previous: Option<&Saved>) -> Option<Saved> {
        let held = held_bytes(&self.store.data).filter(|held| *held <= limit)?;
        Some(self.saved_state(held, previous))
    }

    /// The state as it is, holding `held` bytes of memory (see [`Session::save`]).
    fn saved_state(&self, held: usize, previous: Option<&Saved>) -> Saved {
        let live = &self.store.data;
        let memories = (live.memories.iter().enumerate())
            .map(
                |(i, memory)| match previous.and_then(|p| p.memories.get(i)) {
                    Some(copy) if copy.ty == memory.ty && copy.same_bytes(memory) => copy.clone(),
                    _ => Arc::new(memory.clone()),
                },
            )
            .collect();
        let data = StoreData {
            memories: Vec::new(),
            tables: live.tables.clone(),
            globals: live.globals.clone(),
            elems: live.elems.clone(),
            datas: live.datas.clone(),
            waiters: live.waiters.clone(),
            exns: live.exns.clone(),
            gc: live.gc.clone(),
        };
        Saved {
            data,
            memories,
            rest: self.save_definitions(),
            held,
        }
    }

    /// Puts the session back as it was when `saved` was taken: its memory
    /// copies are moved in, or copied when a kept state shares them.
    pub(super) fn restore(&mut self, saved: Saved) {
        let memories = (saved.memories.into_iter())
            .map(|m| Arc::try_unwrap(m).unwrap_or_else(|shared| (*shared).clone()))
            .collect();
        self.store.data = StoreData {
            memories,
            ..saved.data
        };
        self.restore_definitions(saved.rest, false);
    }

    /// Whether the session is still as `saved` (what the user can observe:
    /// objects, definitions, stack, locals, host object, threads).
    pub(super) fn unchanged_since(&self, saved: &Saved) -> bool {
        let rest = &saved.rest;
        // Objects added but not reachable from any definition (those of an
        // instance whose start function trapped) change nothing one can see.
        let live = &self.store.data;
        let contents = live.same_contents(&saved.data)
            && (live.memories.iter().zip(&saved.memories)).all(|(a, b)| a.same_bytes(b));
        let definitions = self.definitions.len() == rest.definitions.len()
            && self
                .definitions
                .iter()
                .zip(&rest.definitions)
                .all(|((a, m), (b, n))| a == b && Arc::ptr_eq(m, n));
        let agents = self.agents.len() == rest.agents.len()
            && self
                .agents
                .iter()
                .zip(&rest.agents)
                .all(|(a, b)| a.name == b.name && a.state == b.state && a.steps == b.steps);
        contents
            && definitions
            && agents
            && self.host.modules == rest.host.modules
            && self.registry == rest.registry
            && (Arc::ptr_eq(&self.fields, &rest.fields) || self.fields == rest.fields)
            && self.session.as_ref().map(|(_, i)| *i) == rest.session
            && self.named == rest.named
            && self.current == rest.current
            && self.stack == rest.stack
            && self.locals == rest.locals
            && self.regions == rest.regions
    }
}

/// The whole session put aside while a lesson's checks run in it (issue 11:
/// `:check` never touches the live session): everything an input can
/// change, the `:undo` history, and the breakpoints and trace setting, which
/// checks run without.
pub struct Sandbox {
    saved: Saved,
    undo: super::undo::History,
    breakpoints: Vec<super::stepper::Breakpoint>,
    trace: bool,
    /// How many functions and instances the store held, and which
    /// function slots were free.
    funcs: usize,
    instances: usize,
    freed: Vec<std::ops::Range<usize>>,
}

impl Session {
    /// Puts the session's state aside so that inputs can run on it as a
    /// trial (a lesson's checks) and [`Session::close_sandbox`] can then put
    /// everything back exactly. The inputs see the definitions, named
    /// modules, host object, threads and scratch stack as they are; they run
    /// without breakpoints or tracing, and are not recorded for `:undo`.
    ///
    /// # Errors
    /// While a fragment is paused in the stepper (the inputs would go to it).
    pub fn open_sandbox(&mut self) -> Result<Sandbox, super::SessionError> {
        if self.debugger.is_some() {
            return Err(super::SessionError::usage(
                "a fragment is paused in the stepper: finish it or abort it first",
            ));
        }
        let held = held_bytes(&self.store.data).unwrap_or_else(|| memory_size(&self.store.data));
        Ok(Sandbox {
            saved: self.saved_state(held, None),
            undo: std::mem::replace(&mut self.undo, super::undo::History::sandboxed()),
            breakpoints: std::mem::take(&mut self.breakpoints),
            trace: std::mem::replace(&mut self.trace, false),
            funcs: self.store.funcs.len(),
            instances: self.store.instances.len(),
            freed: self.store.freed(),
        })
    }

    /// Puts the session back exactly as it was when `sandbox` was opened,
    /// whatever ran in between (a store replaced by `:reset` too).
    pub fn close_sandbox(&mut self, sandbox: Sandbox) {
        let trial = std::mem::replace(&mut self.undo, sandbox.undo);
        if let Some(mut store) = trial.first_replaced_store() {
            store.interrupt = self.store.interrupt.clone();
            self.store = store;
        }
        self.debugger = None;
        self.breakpoints = sandbox.breakpoints;
        self.trace = sandbox.trace;
        self.store.funcs.truncate(sandbox.funcs);
        self.store.instances.truncate(sandbox.instances);
        self.store.set_freed(sandbox.freed);
        self.restore(sandbox.saved);
    }
}

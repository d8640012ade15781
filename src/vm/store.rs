//! The store: every runtime object, owned in one place and named by address.
//!
//! Instances hold addresses into the store, so a memory shared by two
//! instances is simply the same [`MemAddr`] in both. The store is split in
//! two: what code execution only reads (functions, instances, types) and
//! [`StoreData`], what it mutates (memories, tables, globals, segments).

use super::gc_types::TypeRegistry;
use super::memory::Memory;
use super::module::Module;
use super::table::Table;
use super::trap::Trap;
use super::types::{ExternType, FuncType, GlobalType, MemoryType, TableType};
use super::value::{HeapType, ValType, Value};
use std::fmt;
use std::sync::Arc;

macro_rules! address {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The address as an index into the store's vector.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

address! {
    /// Address of a function in the store.
    FuncAddr,
    /// Address of a memory in the store.
    MemAddr,
    /// Address of a table in the store.
    TableAddr,
    /// Address of a global in the store.
    GlobalAddr,
    /// Address of a module instance in the store.
    InstanceAddr,
    /// Address of an exception tag in the store.
    TagAddr,
}

/// Any importable/exportable runtime object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Extern {
    /// A function.
    Func(FuncAddr),
    /// A table.
    Table(TableAddr),
    /// A memory.
    Memory(MemAddr),
    /// A global.
    Global(GlobalAddr),
    /// An exception tag.
    Tag(TagAddr),
}

impl Extern {
    /// A word for the kind, as used in link errors.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Extern::Func(_) => "function",
            Extern::Table(_) => "table",
            Extern::Memory(_) => "memory",
            Extern::Global(_) => "global",
            Extern::Tag(_) => "tag",
        }
    }
}

/// What host code sees while it runs: the mutable part of the store.
pub struct HostContext<'a> {
    /// Memories, tables and globals.
    pub data: &'a mut StoreData,
    /// Memory 0 of the calling instance, if it has one (for hosts that read
    /// strings or buffers the caller passes by offset and length).
    pub caller_memory: Option<MemAddr>,
}

/// A function implemented by the host.
pub type HostFn = dyn Fn(&mut HostContext<'_>, &[Value]) -> Result<Vec<Value>, Trap> + Send + Sync;

/// A function in the store.
#[derive(Clone)]
pub enum FuncInst {
    /// Defined by a module instance.
    Wasm {
        /// Interned signature.
        type_id: u32,
        /// The instance it belongs to.
        instance: InstanceAddr,
        /// Function index inside its module.
        index: u32,
        /// Its code.
        body: super::module::FuncBody,
    },
    /// Provided by the host.
    Host {
        /// Interned signature.
        type_id: u32,
        /// Display name, e.g. `spectest.print_i32`.
        name: String,
        /// The implementation.
        func: Arc<HostFn>,
    },
}

impl FuncInst {
    /// The interned signature id.
    pub fn type_id(&self) -> u32 {
        match self {
            FuncInst::Wasm { type_id, .. } | FuncInst::Host { type_id, .. } => *type_id,
        }
    }
}

impl FuncInst {
    /// The host function's name, or an empty string for wasm functions.
    pub fn host_name(&self) -> &str {
        match self {
            FuncInst::Host { name, .. } => name,
            FuncInst::Wasm { .. } => "",
        }
    }
}

impl fmt::Debug for FuncInst {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FuncInst::Wasm {
                instance, index, ..
            } => write!(f, "wasm func {index} of instance {}", instance.0),
            FuncInst::Host { name, .. } => write!(f, "host func {name}"),
        }
    }
}

/// A global's current value and type.
#[derive(Clone, Copy, Debug)]
pub struct Global {
    /// Type.
    pub ty: GlobalType,
    /// Current value as a slot (for a `v128`, its low half).
    pub value: u64,
    /// The high half of a `v128` value; 0 for every other type.
    pub high: u64,
}

impl Global {
    /// The value, typed.
    pub fn get(&self) -> Value {
        Value::read_slots(self.ty.ty, &[self.value, self.high])
    }

    /// Stores `value` (of the global's type) in the slots.
    fn put(&mut self, value: Value) {
        let mut slots = [0; 2];
        value.write_slots(&mut slots);
        [self.value, self.high] = slots;
    }
}

/// An instantiated module: its module and the addresses of its objects.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The module it was made from.
    pub module: Arc<Module>,
    /// Function addresses by function index.
    pub funcs: Vec<FuncAddr>,
    /// Table addresses by table index.
    pub tables: Vec<TableAddr>,
    /// Memory addresses by memory index.
    pub memories: Vec<MemAddr>,
    /// Global addresses by global index.
    pub globals: Vec<GlobalAddr>,
    /// Tag addresses by tag index.
    pub tags: Vec<TagAddr>,
    /// Store indices of its element segments.
    pub elems: Vec<u32>,
    /// Store indices of its data segments.
    pub datas: Vec<u32>,
    /// Interned signature id of each module type.
    pub type_ids: Vec<u32>,
    /// Exports by name, in module order (the names shared with the module).
    pub exports: Vec<(Arc<str>, Extern)>,
}

impl Instance {
    /// An instance of `module` that holds nothing yet: instantiation fills
    /// it, and a retired instance is left like this (one place lists the fields).
    pub fn empty(module: Arc<Module>) -> Instance {
        Instance {
            module,
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            type_ids: Vec::new(),
            exports: Vec::new(),
        }
    }

    /// Looks up an export by name.
    pub fn export(&self, name: &str) -> Option<Extern> {
        self.exports
            .iter()
            .find(|(n, _)| **n == *name)
            .map(|(_, e)| *e)
    }
}

/// Resource limits for everything run in a store.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest wasm call nesting before "call stack exhausted".
    pub max_call_depth: u32,
    /// Most value-stack slots (8 bytes each) all frames may use together.
    pub max_stack_slots: u32,
    /// Most pages any memory may have.
    pub max_memory_pages: u32,
    /// Fuel each call from outside may use (see [`super::budget`]; None: unbounded).
    pub fuel: Option<u64>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_call_depth: 20_000,
            max_stack_slots: 4 * 1024 * 1024,
            max_memory_pages: 16_384,
            fuel: None,
        }
    }
}

/// The parts of the store that execution mutates.
#[derive(Debug, Default, Clone)]
pub struct StoreData {
    /// All memories.
    pub memories: Vec<Memory>,
    /// All tables.
    pub tables: Vec<Table>,
    /// All globals.
    pub globals: Vec<Global>,
    /// Element segment contents (emptied by `elem.drop`).
    pub elems: Vec<Vec<u64>>,
    /// Data segment contents (emptied by `data.drop`).
    pub datas: Vec<Arc<[u8]>>,
    /// Threads blocked in `memory.atomic.wait`, oldest first; `notify` marks
    /// the ones it wakes (timeout `i64::MIN`) and the scheduler resumes them.
    pub waiters: Vec<Waiter>,
    /// Every exception thrown so far, by address (see [`super::exn`]); an
    /// `exnref` names one. They are kept until the store goes away.
    pub exns: Vec<super::exn::ExnInst>,
    /// Every struct and array allocated so far (see [`super::gc`]).
    pub gc: super::gc::GcHeap,
}

impl StoreData {
    /// Whether a table, a global, an element segment, a GC object or one of
    /// `values` holds a reference to a function whose address is in `funcs`.
    /// `types` tells which defined types are function types.
    pub fn refers_to_funcs(
        &self,
        funcs: std::ops::Range<usize>,
        values: &[Value],
        types: &TypeRegistry,
    ) -> bool {
        let may_hold_func = |ty: ValType| may_hold_func(ty, types);
        // A function reference is its address plus one (0 is null).
        let hit = |slot: u64| slot > 0 && funcs.contains(&(slot as usize - 1));
        let is_ours =
            |v: &Value| matches!(v, Value::FuncRef(Some(a)) if funcs.contains(&(*a as usize)));
        let in_values = values.iter().any(is_ours);
        let in_exceptions = self.exns.iter().any(|e| {
            e.payload.iter().any(is_ours)
                || e.thrown_at.is_some_and(|(f, _)| funcs.contains(&f.index()))
        });
        let in_tables = self
            .tables
            .iter()
            .any(|t| may_hold_func(t.ty.elem) && t.elements.iter().any(|e| hit(*e)));
        let in_globals = self
            .globals
            .iter()
            .any(|g| may_hold_func(g.ty.ty) && hit(g.value));
        let in_elems = self.elems.iter().flatten().any(|e| hit(*e));
        // Untyped here, so any field that reads as one counts (never too few).
        let in_objects = self
            .gc
            .objects
            .iter()
            .flat_map(|o| &o.slots)
            .any(|s| hit(*s));
        in_values || in_exceptions || in_tables || in_globals || in_elems || in_objects
    }

    /// Whether the objects both states have hold the same: memory bytes,
    /// table elements, global values, segments and GC objects (objects one
    /// of them added are left out: nothing the other names refers to them).
    pub fn same_contents(&self, other: &StoreData) -> bool {
        fn same<T>(a: &[T], b: &[T], eq: impl Fn(&T, &T) -> bool) -> bool {
            a.iter().zip(b).all(|(a, b)| eq(a, b))
        }
        same(&self.memories, &other.memories, Memory::same_bytes)
            && same(&self.tables, &other.tables, |a, b| a.elements == b.elements)
            && same(&self.globals, &other.globals, |a, b| a.value == b.value)
            && same(&self.elems, &other.elems, PartialEq::eq)
            && same(&self.datas, &other.datas, PartialEq::eq)
            && same(&self.gc.objects, &other.gc.objects, PartialEq::eq)
    }
}

/// Whether a value of type `ty` can be a function reference: `funcref`,
/// `(ref func)`, and typed references to a function type (`types` knows the
/// store's defined types; an unknown one counts: never too few).
fn may_hold_func(ty: ValType, types: &TypeRegistry) -> bool {
    match ty {
        ValType::FuncRef => true,
        ValType::Ref(r) => match r.heap {
            HeapType::Func => true,
            HeapType::Concrete(id) => types
                .def(id)
                .is_none_or(|d| d.abstract_heap() == HeapType::Func),
            _ => false,
        },
        _ => false,
    }
}

/// A thread blocked in `memory.atomic.wait`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiter {
    /// The memory waited on.
    pub memory: MemAddr,
    /// The byte address waited on.
    pub address: u64,
    /// Nanoseconds (negative: forever); `i64::MIN` once woken by `notify`.
    pub timeout: i64,
    /// Which thread waits (the scheduler's number for it).
    pub owner: u32,
}

/// A hibernating instance (see [`Store::hibernate_instance`]): its address,
/// its record, its binary, and the slots of its own functions.
type Hibernated = (InstanceAddr, Instance, Arc<[u8]>, std::ops::Range<usize>);

/// Owner of all runtime objects of a session.
#[derive(Debug, Default)]
pub struct Store {
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) instances: Vec<Instance>,
    /// Memories, tables, globals and segments.
    pub data: StoreData,
    /// Every defined type, canonical across the store's modules.
    pub(crate) types: super::gc_types::TypeRegistry,
    /// Every exception tag: its payload types and a display name.
    pub(crate) tags: Vec<super::exn::TagInst>,
    /// Limits applied to execution in this store.
    pub limits: Limits,
    /// Set from another thread (e.g. a Ctrl-C handler) to stop running code.
    pub interrupt: Arc<std::sync::atomic::AtomicBool>,
    /// Whether `memory.atomic.wait` may block (set while threads run).
    pub blocking_waits: bool,
    /// Instances whose code was freed while a saved state may still bring
    /// them back (see [`Store::hibernate_instance`]): each one's record,
    /// with an empty module, the binary to compile it from again, and the
    /// slots of its own functions.
    hibernated: Vec<Hibernated>,
    /// Function slots of retired instances, free for the next session
    /// module ([`Store::take_freed`]), as sorted, separate ranges.
    freed: Vec<std::ops::Range<usize>>,
    /// Calls of the host functions added so far (see [`Store::host_calls`]).
    host_calls: Arc<std::sync::atomic::AtomicU64>,
}

impl Store {
    /// An empty store with the given limits.
    pub fn new(limits: Limits) -> Store {
        Store {
            limits,
            ..Store::default()
        }
    }

    /// Interns a signature, returning its id.
    pub fn intern_type(&mut self, ty: &FuncType) -> u32 {
        self.types.intern_func(ty)
    }

    /// The signature with interned id `id`.
    pub fn type_of_id(&self, id: u32) -> &FuncType {
        self.types.func(id)
    }

    /// Whether `value` is a value of type `ty` (canonical type ids): a
    /// reference by what it refers to, so `funcref:null` fits `(ref null $t)`.
    pub fn value_matches(&self, value: &Value, ty: ValType) -> bool {
        use super::value::HeapType as H;
        match ty.ref_type() {
            Some(target) if value.ty().is_ref() => {
                let top = self.types.top(target.heap);
                let slot = value.to_slot();
                let hierarchy = match value {
                    Value::FuncRef(_) => top == H::Func,
                    Value::ExternRef(_) => top == H::Extern,
                    Value::ExnRef(_) => top == H::Exn,
                    _ => top == H::Any || top == H::Extern,
                };
                (hierarchy || slot == 0) && self.value_slot_matches(slot, target)
            }
            _ => value.ty() == ty,
        }
    }

    /// Whether the reference in `slot` is a value of `target` (canonical ids).
    pub fn value_slot_matches(&self, slot: u64, target: super::value::RefType) -> bool {
        self.types.slot_matches(
            slot,
            target,
            |f| self.funcs.get(f as usize).map(FuncInst::type_id),
            |a| self.data.gc.get(a).map(|o| o.type_id),
        )
    }

    /// The store's defined types.
    pub fn types(&self) -> &super::gc_types::TypeRegistry {
        &self.types
    }

    /// How many times the host functions were called so far: a call may
    /// print (`console.log`) without changing anything in the store.
    pub fn host_calls(&self) -> u64 {
        self.host_calls.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Adds a host function.
    pub fn add_host_func(
        &mut self,
        name: impl Into<String>,
        ty: FuncType,
        func: impl Fn(&mut HostContext<'_>, &[Value]) -> Result<Vec<Value>, Trap>
        + Send
        + Sync
        + 'static,
    ) -> FuncAddr {
        let type_id = self.intern_type(&ty);
        let calls = self.host_calls.clone();
        self.funcs.push(FuncInst::Host {
            type_id,
            name: name.into(),
            func: Arc::new(move |context: &mut HostContext<'_>, args: &[Value]| {
                calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                func(context, args)
            }),
        });
        FuncAddr(self.funcs.len() as u32 - 1)
    }

    /// Adds a memory.
    ///
    /// # Errors
    /// When the memory is larger than the store's page limit allows.
    pub fn add_memory(&mut self, ty: MemoryType) -> Result<MemAddr, String> {
        let memory = Memory::new(ty, self.limits.max_memory_pages)?;
        self.data.memories.push(memory);
        Ok(MemAddr(self.data.memories.len() as u32 - 1))
    }

    /// Adds a table filled with `init`.
    ///
    /// # Errors
    /// When the table is too large.
    pub fn add_table(&mut self, ty: TableType, init: Value) -> Result<TableAddr, String> {
        let table = Table::new(ty, init.to_slot())?;
        self.data.tables.push(table);
        Ok(TableAddr(self.data.tables.len() as u32 - 1))
    }

    /// Adds a global holding `value`.
    pub fn add_global(&mut self, ty: GlobalType, value: Value) -> GlobalAddr {
        let mut global = Global {
            ty,
            value: 0,
            high: 0,
        };
        global.put(value);
        self.data.globals.push(global);
        GlobalAddr(self.data.globals.len() as u32 - 1)
    }

    /// The function at `addr`.
    pub fn func(&self, addr: FuncAddr) -> Option<&FuncInst> {
        self.funcs.get(addr.index())
    }

    /// The signature of the function at `addr`.
    pub fn func_type(&self, addr: FuncAddr) -> Option<&FuncType> {
        self.func(addr).map(|f| self.type_of_id(f.type_id()))
    }

    /// The instance at `addr`.
    pub fn instance(&self, addr: InstanceAddr) -> Option<&Instance> {
        self.instances.get(addr.index())
    }

    /// An instance's exports by name, as a registered module offers them to
    /// importers (empty for an unknown instance).
    pub fn exports_of(&self, addr: InstanceAddr) -> std::collections::BTreeMap<String, Extern> {
        self.instance(addr)
            .map(|i| {
                (i.exports.iter())
                    .map(|(n, e)| (n.to_string(), *e))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every instance, in creation order.
    pub fn instances(&self) -> &[Instance] {
        &self.instances
    }

    /// The memory at `addr`.
    pub fn memory(&self, addr: MemAddr) -> Option<&Memory> {
        self.data.memories.get(addr.index())
    }

    /// The memory at `addr`, writable.
    pub fn memory_mut(&mut self, addr: MemAddr) -> Option<&mut Memory> {
        self.data.memories.get_mut(addr.index())
    }

    /// The table at `addr`.
    pub fn table(&self, addr: TableAddr) -> Option<&Table> {
        self.data.tables.get(addr.index())
    }

    /// The global at `addr`.
    pub fn global(&self, addr: GlobalAddr) -> Option<&Global> {
        self.data.globals.get(addr.index())
    }

    /// Sets a mutable global's value.
    pub fn set_global(&mut self, addr: GlobalAddr, value: Value) -> bool {
        match self.data.globals.get_mut(addr.index()) {
            Some(g) if g.ty.ty == value.ty() => {
                g.put(value);
                true
            }
            _ => false,
        }
    }

    /// The type of any external object.
    pub fn extern_type(&self, ext: Extern) -> Option<ExternType> {
        Some(match ext {
            Extern::Func(a) => ExternType::Func(self.func_type(a)?.clone()),
            Extern::Table(a) => ExternType::Table(self.table(a)?.ty),
            Extern::Memory(a) => ExternType::Memory(self.memory(a)?.ty),
            Extern::Global(a) => ExternType::Global(self.global(a)?.ty),
            Extern::Tag(a) => ExternType::Tag(self.tag(a)?.ty.clone()),
        })
    }

    /// A display name for the function at `addr`.
    pub fn func_name(&self, addr: FuncAddr) -> String {
        match self.func(addr) {
            Some(FuncInst::Wasm {
                instance, index, ..
            }) => self
                .instance(*instance)
                .map_or_else(|| format!("func[{index}]"), |i| i.module.func_name(*index)),
            Some(FuncInst::Host { name, .. }) => name.clone(),
            None => format!("func#{}", addr.0),
        }
    }
}

/// How many objects of each kind a store held at one moment, so that what
/// was added afterwards (a fragment's instance) can be dropped again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreMark {
    funcs: usize,
    instances: usize,
    /// Memories, tables, globals, element and data segments.
    data: [usize; 5],
}

impl Store {
    /// The store's size now, for [`Store::release`].
    pub fn mark(&self) -> StoreMark {
        let d = &self.data;
        StoreMark {
            funcs: self.funcs.len(),
            instances: self.instances.len(),
            data: [
                d.memories.len(),
                d.tables.len(),
                d.globals.len(),
                d.elems.len(),
                d.datas.len(),
            ],
        }
    }

    /// Whether a function added since `mark` is still referenced from a
    /// table, a global, an instance made before `mark`, or one of `values`.
    pub fn refers_since(&self, mark: StoreMark, values: &[Value]) -> bool {
        let in_instances = self.instances[..mark.instances.min(self.instances.len())]
            .iter()
            .any(|i| i.funcs.iter().any(|f| f.index() >= mark.funcs));
        in_instances || self.refers_to_funcs(mark.funcs..usize::MAX, values)
    }

    /// Whether a table, a global, an element segment, a GC object or one of
    /// `values` holds a reference to a function whose address is in `funcs`.
    pub fn refers_to_funcs(&self, funcs: std::ops::Range<usize>, values: &[Value]) -> bool {
        self.data.refers_to_funcs(funcs, values, &self.types)
    }

    /// The addresses of the functions instance `addr` defined itself (not
    /// those it imported): instantiation adds them one after another.
    pub fn own_funcs(&self, addr: InstanceAddr) -> std::ops::Range<usize> {
        let own = |f: &&FuncAddr| matches!(self.funcs.get(f.index()), Some(FuncInst::Wasm { instance, .. }) if *instance == addr);
        let funcs = self
            .instance(addr)
            .map(|i| &i.funcs[..])
            .unwrap_or_default();
        match (funcs.iter().find(own), funcs.iter().rev().find(own)) {
            (Some(first), Some(last)) => first.index()..last.index() + 1,
            _ => 0..0,
        }
    }

    /// Frees the code of instance `addr`, which nothing can reach any more
    /// (an earlier version of the session module): it keeps no module
    /// (`empty` takes its place) and no objects, and its functions become
    /// host functions that trap, so their addresses stay valid (issue 14).
    /// Returns the slots its functions had, for [`Store::give_back`].
    pub fn retire_instance(
        &mut self,
        addr: InstanceAddr,
        empty: Arc<Module>,
    ) -> std::ops::Range<usize> {
        let own = self.own_funcs(addr);
        self.free_funcs(own.clone());
        // Its own memories go too, unless another instance has them: a
        // redefinition copies rather than moves when sizes differ, and the
        // old one (a `(memory 16384)`) would stay in the store for good.
        for memory in self.own_memories(addr) {
            if let Some(memory) = self.data.memories.get_mut(memory.index()) {
                memory.discard();
            }
        }
        if let Some(instance) = self.instances.get_mut(addr.index()) {
            *instance = Instance::empty(empty);
        }
        own
    }

    /// The memories instance `addr` defined (not imported) that no other
    /// instance has.
    fn own_memories(&self, addr: InstanceAddr) -> Vec<MemAddr> {
        let Some(instance) = self.instance(addr) else {
            return Vec::new();
        };
        let imports = &instance.module.imports;
        let imported = (imports.iter())
            .filter(|i| matches!(i.kind, super::module::ImportKind::Memory(_)))
            .count();
        let shared = |memory: &MemAddr| {
            (self.instances.iter().enumerate())
                .any(|(i, other)| i != addr.index() && other.memories.contains(memory))
        };
        (instance.memories.iter().skip(imported))
            .filter(|m| !shared(m))
            .copied()
            .collect()
    }

    /// How many functions the store holds (freed slots included).
    pub fn func_count(&self) -> usize {
        self.funcs.len()
    }

    /// Makes the freed function slots `slots` free for reuse, joining them
    /// with free neighbours. The caller makes sure nothing refers to them
    /// any more, in the store or in a state it may bring back.
    pub fn give_back(&mut self, slots: std::ops::Range<usize>) {
        if slots.is_empty() || slots.end > self.funcs.len() {
            return;
        }
        let at = self.freed.partition_point(|r| r.start < slots.start);
        self.freed.insert(at, slots);
        let mut joined: Vec<std::ops::Range<usize>> = Vec::with_capacity(self.freed.len());
        for range in self.freed.drain(..) {
            match joined.last_mut() {
                Some(last) if last.end >= range.start => last.end = last.end.max(range.end),
                _ => joined.push(range),
            }
        }
        self.freed = joined;
    }

    /// The first of `n` consecutive free function slots, taken out of the
    /// free ones (issue 14: a redefinition reuses the slots of the session
    /// module it replaces rather than growing the store); `None` when no
    /// run of free slots is long enough.
    pub(crate) fn take_freed(&mut self, n: usize) -> Option<usize> {
        let at = self.freed.iter().position(|r| r.len() >= n && n > 0)?;
        let start = self.freed[at].start;
        self.freed[at].start += n;
        if self.freed[at].is_empty() {
            self.freed.remove(at);
        }
        Some(start)
    }

    /// The free function slots, to put back with [`Store::set_freed`] after
    /// a trial (a sandbox) that may have taken some.
    pub fn freed(&self) -> Vec<std::ops::Range<usize>> {
        self.freed.clone()
    }

    /// Puts back the free function slots `freed` (as [`Store::freed`] gave
    /// them), without those past the store's functions.
    pub fn set_freed(&mut self, mut freed: Vec<std::ops::Range<usize>>) {
        let len = self.funcs.len();
        freed.retain(|r| r.start < len);
        for range in &mut freed {
            range.end = range.end.min(len);
        }
        self.freed = freed;
    }

    /// Turns the functions at `own` into host functions that trap, freeing
    /// their code.
    fn free_funcs(&mut self, own: std::ops::Range<usize>) {
        let freed: Arc<HostFn> = Arc::new(|_: &mut HostContext<'_>, _: &[Value]| {
            Err(Trap::host(
                "internal: a function of a freed session module was called",
            ))
        });
        for func in &mut self.funcs[own] {
            *func = FuncInst::Host {
                type_id: func.type_id(),
                name: String::new(),
                func: freed.clone(),
            };
        }
    }

    /// Frees the code of instance `addr` as [`Store::retire_instance`] does,
    /// but keeps what it takes to bring it back ([`Store::wake_instance`]):
    /// its record of addresses and its binary (issue 14: `:undo` keeps
    /// earlier session modules as their binary, not their compiled code).
    pub fn hibernate_instance(&mut self, addr: InstanceAddr, empty: Arc<Module>) {
        let own = self.own_funcs(addr);
        let Some(slot) = self.instances.get_mut(addr.index()) else {
            return;
        };
        let record = std::mem::replace(slot, Instance::empty(empty.clone()));
        let bytes = record.module.bytes.clone();
        self.free_funcs(own.clone());
        let record = Instance {
            module: empty,
            ..record
        };
        self.hibernated.push((addr, record, bytes, own));
    }

    /// The binary of instance `addr` when it is hibernating.
    pub fn hibernated_binary(&self, addr: InstanceAddr) -> Option<Arc<[u8]>> {
        let found = self.hibernated.iter().find(|(a, ..)| *a == addr);
        found.map(|(_, _, bytes, _)| bytes.clone())
    }

    /// Brings hibernating instance `addr` back with `module`, compiled
    /// again from its binary: its record and its functions' code, at the
    /// addresses they had. Returns whether it was hibernating.
    pub fn wake_instance(&mut self, addr: InstanceAddr, module: Arc<Module>) -> bool {
        let Some(at) = self.hibernated.iter().position(|(a, ..)| *a == addr) else {
            return false;
        };
        let (_, mut record, ..) = self.hibernated.swap_remove(at);
        for (i, body) in module.bodies.iter().enumerate() {
            let index = module.imported_funcs + i as u32;
            let (Some(func), Some(&type_id)) = (
                record.funcs.get(index as usize),
                record.type_ids.get(body.type_index as usize),
            ) else {
                continue;
            };
            if let Some(slot) = self.funcs.get_mut(func.index()) {
                *slot = FuncInst::Wasm {
                    type_id,
                    instance: addr,
                    index,
                    body: body.clone(),
                };
            }
        }
        record.module = module;
        if let Some(slot) = self.instances.get_mut(addr.index()) {
            *slot = record;
        }
        true
    }

    /// Lets hibernating instance `addr` go for good: nothing will wake it.
    /// Returns the slots its functions had, for [`Store::give_back`].
    pub fn forget_hibernated(&mut self, addr: InstanceAddr) -> std::ops::Range<usize> {
        let Some(at) = self.hibernated.iter().position(|(a, ..)| *a == addr) else {
            return 0..0;
        };
        let (_, _, _, slots) = self.hibernated.swap_remove(at);
        slots
    }

    /// Whether instance `addr` is hibernating.
    pub fn is_hibernating(&self, addr: InstanceAddr) -> bool {
        self.hibernated.iter().any(|(a, ..)| *a == addr)
    }

    /// Drops every object added since `mark` (a fragment's instance, its
    /// function and code), so that inputs that leave nothing behind do not
    /// grow the store (issue 14). The caller makes sure nothing refers to
    /// them any more ([`Store::refers_since`]).
    pub fn release(&mut self, mark: StoreMark) {
        self.funcs.truncate(mark.funcs);
        let freed = std::mem::take(&mut self.freed);
        self.set_freed(freed);
        self.instances.truncate(mark.instances);
        self.hibernated.retain(|(a, ..)| a.index() < mark.instances);
        let [memories, tables, globals, elems, datas] = mark.data;
        let d = &mut self.data;
        d.memories.truncate(memories);
        d.tables.truncate(tables);
        d.globals.truncate(globals);
        d.elems.truncate(elems);
        d.datas.truncate(datas);
    }
}

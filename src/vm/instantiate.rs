//! Instantiation: linking imports, allocating a module's objects, running
//! its segments and start function (spec "Modules / Instantiation").
//!
//! [`Store::instantiate`] does it all at once. [`Store::instantiate_pending`]
//! stops before the start function and hands it back as a [`PendingStart`],
//! so a caller can run it like any call: straight through, or one step at a
//! time in the stepper (issue 13, "start functions are steppable").

use super::budget;
use super::exec::Execution;
use super::gc_types::TypeRegistry;
use super::module::{ConstExpr, ConstOp, ExportKind, ImportKind, Module, SegmentMode};
use super::store::{Extern, FuncAddr, FuncInst, Instance, InstanceAddr, Store};
use super::trap::{Trap, TrapCode};
use super::types::{ExternType, GlobalType, TableType};
use super::value::Value;
use std::fmt;
use std::sync::Arc;

/// Why instantiation failed.
#[derive(Clone, Debug, PartialEq)]
pub enum InstantiationError {
    /// An import was missing or did not match (JavaScript's `LinkError`).
    Link(LinkError),
    /// A resource limit refused an allocation.
    Resource(String),
    /// A segment or the start function trapped. As the spec says, effects
    /// made before the trap (e.g. earlier segments) remain.
    Trap(Trap),
}

impl fmt::Display for InstantiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiationError::Link(e) => e.fmt(f),
            InstantiationError::Resource(m) => f.write_str(m),
            InstantiationError::Trap(t) => t.fmt(f),
        }
    }
}

/// A failed import, with what was expected and what was offered.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkError {
    /// `module.name` of the import.
    pub import: String,
    /// The import's declared type.
    pub expected: String,
    /// What was offered instead, or `None` when nothing was.
    pub offered: Option<String>,
}

impl LinkError {
    /// The spec's short wording, as `assert_unlinkable` expects it.
    pub fn spec_message(&self) -> &'static str {
        if self.offered.is_none() {
            "unknown import"
        } else {
            "incompatible import type"
        }
    }
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.offered {
            None => write!(
                f,
                "unknown import: {} was not provided (expected {})",
                self.import, self.expected
            ),
            Some(offered) => write!(
                f,
                "incompatible import type: {} expects {}, but was given {offered}",
                self.import, self.expected
            ),
        }
    }
}

/// Whether an object of type `have` may satisfy an import of type `want`
/// (both with the store's canonical type ids; a function's signature is
/// matched by its type id, see [`Store::instantiate`]).
pub fn import_matches(types: &TypeRegistry, have: &ExternType, want: &ExternType) -> bool {
    match (have, want) {
        (ExternType::Func(a), ExternType::Func(b)) => a == b,
        (ExternType::Global(a), ExternType::Global(b)) => {
            a.mutable == b.mutable
                && if a.mutable {
                    a.ty == b.ty
                } else {
                    types.val_sub(a.ty, b.ty)
                }
        }
        (ExternType::Tag(a), ExternType::Tag(b)) => a == b,
        (ExternType::Table(a), ExternType::Table(b)) => {
            a.elem == b.elem && a.table64 == b.table64 && a.limits.fits(&b.limits)
        }
        (ExternType::Memory(a), ExternType::Memory(b)) => {
            a.shared == b.shared
                && a.memory64 == b.memory64
                && a.page_size_log2 == b.page_size_log2
                && a.limits.fits(&b.limits)
        }
        _ => false,
    }
}

impl Store {
    /// Instantiates `module` with `imports` given in the module's import order.
    ///
    /// # Errors
    /// A [`LinkError`] when an import does not fit, a resource error, or the
    /// trap of a segment or start function.
    pub fn instantiate(
        &mut self,
        module: &Arc<Module>,
        imports: &[Option<Extern>],
    ) -> Result<InstanceAddr, InstantiationError> {
        let pending = self.instantiate_pending(module, imports, FuncSlots::Append)?;
        if let Some(mut execution) = pending.execution(self).map_err(InstantiationError::Trap)? {
            execution.run(self).map_err(InstantiationError::Trap)?;
        }
        Ok(pending.instance)
    }

    /// Instantiates `module` up to its start function: linking, allocation
    /// and segments are done; the start call, if any, is handed back. The
    /// instance is complete only once that call has returned: a trap in it
    /// fails the instantiation (what it wrote before the trap stays, as the
    /// spec and V8 say). `slots` says where its functions go.
    ///
    /// # Errors
    /// As [`Store::instantiate`], without the start function's trap.
    pub fn instantiate_pending(
        &mut self,
        module: &Arc<Module>,
        imports: &[Option<Extern>],
        slots: FuncSlots,
    ) -> Result<PendingStart, InstantiationError> {
        let mut inst = Instance {
            type_ids: self.types.register(module),
            ..Instance::empty(module.clone())
        };
        self.link(module, imports, &mut inst)?;
        let addr = InstanceAddr(self.instances.len() as u32);
        let freed = match slots {
            FuncSlots::Append => None,
            FuncSlots::ReuseFreed => self.take_freed(module.bodies.len()),
        };
        for (i, body) in module.bodies.iter().enumerate() {
            let index = module.imported_funcs + i as u32;
            let type_id = inst.type_ids[body.type_index as usize];
            let func = FuncInst::Wasm {
                type_id,
                instance: addr,
                index,
                body: body.clone(),
            };
            let slot = match freed {
                Some(first) => {
                    self.funcs[first + i] = func;
                    first + i
                }
                None => {
                    self.funcs.push(func);
                    self.funcs.len() - 1
                }
            };
            inst.funcs.push(FuncAddr(slot as u32));
        }
        let resource = InstantiationError::Resource;
        for (ty, init) in module.tables[inst.tables.len()..]
            .iter()
            .zip(&module.table_inits)
        {
            let value = match init {
                Some(expr) => self.eval_const(&inst, expr),
                None => Value::from_slot(ty.elem, 0),
            };
            let ty = canon_table(*ty, &inst.type_ids);
            inst.tables
                .push(self.add_table(ty, value).map_err(resource)?);
        }
        for ty in &module.memories[inst.memories.len()..] {
            inst.memories.push(self.add_memory(*ty).map_err(resource)?);
        }
        for (i, ty) in module.tag_types.iter().enumerate().skip(inst.tags.len()) {
            let name = module.tag_name(i as u32);
            let type_id = inst.type_ids[*ty as usize];
            inst.tags.push(self.add_tag_of_type(type_id, name));
        }
        for def in &module.globals {
            let value = self.eval_const(&inst, &def.init);
            let ty = canon_global(def.ty, &inst.type_ids);
            inst.globals.push(self.add_global(ty, value));
        }
        for seg in &module.elems {
            let items = seg
                .items
                .iter()
                .map(|e| self.eval_const(&inst, e).to_slot())
                .collect();
            inst.elems.push(self.data.elems.len() as u32);
            self.data.elems.push(items);
        }
        for seg in &module.datas {
            inst.datas.push(self.data.datas.len() as u32);
            self.data.datas.push(seg.bytes.clone());
        }
        for export in &module.exports {
            let ext = match export.kind {
                ExportKind::Func(i) => Extern::Func(inst.funcs[i as usize]),
                ExportKind::Table(i) => Extern::Table(inst.tables[i as usize]),
                ExportKind::Memory(i) => Extern::Memory(inst.memories[i as usize]),
                ExportKind::Global(i) => Extern::Global(inst.globals[i as usize]),
                ExportKind::Tag(i) => Extern::Tag(inst.tags[i as usize]),
            };
            inst.exports.push((export.name.clone(), ext));
        }
        self.instances.push(inst);
        let fuel = self.initialize(addr).map_err(InstantiationError::Trap)?;
        let start = module
            .start
            .map(|f| self.instances[addr.index()].funcs[f as usize]);
        Ok(PendingStart {
            instance: addr,
            start,
            fuel,
        })
    }

    fn link(
        &self,
        module: &Module,
        imports: &[Option<Extern>],
        inst: &mut Instance,
    ) -> Result<(), InstantiationError> {
        for (i, import) in module.imports.iter().enumerate() {
            let want = match &import.kind {
                ImportKind::Func(t) => ExternType::Func(module.types[*t as usize].clone()),
                ImportKind::Table(t) => ExternType::Table(*t),
                ImportKind::Memory(t) => ExternType::Memory(*t),
                ImportKind::Global(t) => ExternType::Global(*t),
                ImportKind::Tag(t) => ExternType::Tag(t.clone()),
            };
            let error = |offered: Option<&ExternType>| {
                let (expected, offered) = self.import_texts(module, &want, offered);
                InstantiationError::Link(LinkError {
                    import: format!("{}.{}", import.module, import.name),
                    expected,
                    offered,
                })
            };
            let Some(ext) = imports.get(i).copied().flatten() else {
                return Err(error(None));
            };
            let have = self.extern_type(ext).ok_or_else(|| error(None))?;
            let ids = &inst.type_ids;
            let fits = match (ext, &import.kind) {
                (Extern::Func(a), ImportKind::Func(t)) => self
                    .func(a)
                    .is_some_and(|f| self.types.is_subtype(f.type_id(), ids[*t as usize])),
                (_, ImportKind::Table(t)) => {
                    import_matches(&self.types, &have, &ExternType::Table(canon_table(*t, ids)))
                }
                (_, ImportKind::Global(t)) => import_matches(
                    &self.types,
                    &have,
                    &ExternType::Global(canon_global(*t, ids)),
                ),
                (Extern::Tag(a), ImportKind::Tag(_)) => self.tag(a).is_some_and(|t| {
                    let want = module.tag_types.get(inst.tags.len());
                    want.is_some_and(|w| t.type_id == ids[*w as usize])
                }),
                _ => import_matches(&self.types, &have, &want),
            };
            if !fits {
                return Err(error(Some(&have)));
            }
            match ext {
                Extern::Func(a) => inst.funcs.push(a),
                Extern::Table(a) => inst.tables.push(a),
                Extern::Memory(a) => inst.memories.push(a),
                Extern::Global(a) => inst.globals.push(a),
                Extern::Tag(a) => inst.tags.push(a),
            }
        }
        Ok(())
    }

    /// Evaluates a constant expression, allocating what it makes in the GC heap.
    fn eval_const(&mut self, inst: &Instance, expr: &ConstExpr) -> Value {
        let mut heap = std::mem::take(&mut self.data.gc);
        let value = self.eval_const_in(inst, expr, Some(&mut heap));
        self.data.gc = heap;
        value.unwrap_or(Value::I32(0))
    }

    /// Evaluates a constant expression; without a `heap`, one that
    /// allocates gives None.
    fn eval_const_in(
        &self,
        inst: &Instance,
        expr: &ConstExpr,
        mut heap: Option<&mut super::gc::GcHeap>,
    ) -> Option<Value> {
        Some(match expr {
            ConstExpr::Value(v) => *v,
            ConstExpr::Global(g) => {
                let addr = inst.globals[*g as usize];
                self.data.globals[addr.index()].get()
            }
            ConstExpr::RefFunc(f) => Value::FuncRef(Some(inst.funcs[*f as usize].0)),
            ConstExpr::Extended(ops) => {
                let mut stack: Vec<Value> = Vec::with_capacity(ops.len());
                for op in ops.iter() {
                    match op {
                        ConstOp::Push(e) => stack.push(self.eval_const_in(inst, e, None)?),
                        ConstOp::Arith(a) => {
                            // Validation guarantees two operands of the operator's type.
                            let (y, x) = (stack.pop()?, stack.pop()?);
                            stack.push(a.apply(x, y));
                        }
                        ConstOp::Gc(g) => {
                            g.apply(&mut stack, heap.as_deref_mut(), &self.types, &inst.type_ids)?
                        }
                    }
                }
                stack.pop()?
            }
        })
    }

    /// The value of a constant expression of the instance at `addr`, as it
    /// reads now (`None` for an unknown instance).
    pub fn eval_const_of(&self, addr: InstanceAddr, expr: &ConstExpr) -> Option<Value> {
        self.eval_const_in(self.instance(addr)?, expr, None)
    }

    /// Active segments; gives the fuel left for the start function.
    fn initialize(&mut self, addr: InstanceAddr) -> Result<Option<u64>, Trap> {
        let inst = self.instances[addr.index()].clone();
        let module = inst.module.clone();
        // Segments and the start function share one budget (see `super::budget`).
        let (limit, mut fuel) = (self.limits.fuel, self.limits.fuel);
        for (i, seg) in module.elems.iter().enumerate() {
            let store_index = inst.elems[i] as usize;
            match &seg.mode {
                SegmentMode::Active { index, offset } => {
                    let start = self.eval_const(&inst, offset).to_slot() as u32;
                    let table = &mut self.data.tables[inst.tables[*index as usize].index()];
                    let items = &self.data.elems[store_index];
                    let range = table
                        .range(start, items.len() as u32)
                        .ok_or(Trap::new(TrapCode::OutOfBoundsTableAccess))?;
                    budget::charge(&mut fuel, limit, budget::table_cost(items.len() as u64))?;
                    table.elements[range].copy_from_slice(items);
                    self.data.elems[store_index] = Vec::new();
                }
                SegmentMode::Declared => self.data.elems[store_index] = Vec::new(),
                SegmentMode::Passive => {}
            }
        }
        for (i, seg) in module.datas.iter().enumerate() {
            if let SegmentMode::Active { index, offset } = &seg.mode {
                let offset = self.eval_const(&inst, offset).to_slot();
                let memory = &self.data.memories[inst.memories[*index as usize].index()];
                let start = memory.address(offset);
                let memory = &mut self.data.memories[inst.memories[*index as usize].index()];
                if memory.range(start, seg.bytes.len() as u64).is_none() {
                    return Err(Trap::new(TrapCode::OutOfBoundsMemoryAccess));
                }
                budget::charge(
                    &mut fuel,
                    limit,
                    budget::memory_cost(seg.bytes.len() as u64),
                )?;
                memory.write(start, &seg.bytes);
                self.data.datas[inst.datas[i] as usize] = Arc::from(&[][..]);
            }
        }
        Ok(fuel)
    }
}

/// Where an instance's functions go in the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FuncSlots {
    /// After every existing function: for code whose store objects may be
    /// dropped again with [`Store::release`] (fragments, scripts).
    Append,
    /// Into slots that retired instances freed, when enough of them are free
    /// in a row (the session module, issue 14).
    ReuseFreed,
}

/// An instance whose start function has still to run (see
/// [`Store::instantiate_pending`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "the instance is not complete until its start function ran"]
pub struct PendingStart {
    /// The new instance.
    pub instance: InstanceAddr,
    /// Its start function, when the module has one.
    pub start: Option<FuncAddr>,
    /// The budget the segments left for the start function.
    fuel: Option<u64>,
}

impl PendingStart {
    /// The start call, ready to run or step (`None` without a start
    /// function); it shares the segments' budget (see `super::budget`).
    ///
    /// # Errors
    /// When the call cannot begin (call stack exhausted).
    pub fn execution(&self, store: &Store) -> Result<Option<Execution>, Trap> {
        self.start
            .map(|func| Execution::new(store, func, &[]).map(|e| e.with_fuel(self.fuel)))
            .transpose()
    }
}

/// A module's table type with the store's canonical type ids.
fn canon_table(ty: TableType, ids: &[u32]) -> TableType {
    TableType {
        elem: canon(ty.elem, ids),
        ..ty
    }
}

/// A module's global type with the store's canonical type ids.
fn canon_global(ty: GlobalType, ids: &[u32]) -> GlobalType {
    GlobalType {
        ty: canon(ty.ty, ids),
        ..ty
    }
}

fn canon(ty: super::value::ValType, ids: &[u32]) -> super::value::ValType {
    ty.map_index(|i| ids.get(i as usize).copied().unwrap_or(i))
}

#[cfg(test)]
mod tests {
    use crate::vm::{Extern, FuncSlots, Limits, Module, Outcome, Store, TrapCode};
    use std::sync::Arc;

    /// Writes byte 7 at 0 through its data segment, 9 at 1 in its start
    /// function, then traps.
    const TRAPPING_START: &str = r#"(module
      (memory (export "m") 1)
      (data (i32.const 0) "\07")
      (func $init (i32.store8 (i32.const 1) (i32.const 9)) unreachable)
      (start $init))"#;

    fn first_bytes(store: &Store, instance: crate::vm::store::InstanceAddr) -> Vec<u8> {
        match store.instance(instance).and_then(|i| i.export("m")) {
            Some(Extern::Memory(m)) => store.memory(m).expect("memory").bytes()[..2].to_vec(),
            _ => panic!("no memory export"),
        }
    }

    #[test]
    fn the_start_function_is_handed_back_after_the_segments() {
        let module = Arc::new(Module::from_wat(TRAPPING_START).expect("valid"));
        let mut store = Store::new(Limits::default());
        let pending = store
            .instantiate_pending(&module, &[], FuncSlots::Append)
            .expect("links");
        assert!(pending.start.is_some());
        assert_eq!(first_bytes(&store, pending.instance), [7, 0]);
        let mut execution = pending.execution(&store).expect("call").expect("a start");
        execution.use_step_mode();
        let trap = loop {
            match execution.step(&mut store) {
                Ok(Outcome::Paused) => {}
                Ok(Outcome::Finished(_)) => panic!("the start function traps"),
                Err(trap) => break trap,
            }
        };
        assert_eq!(trap.code, TrapCode::Unreachable);
        // What the start function wrote before the trap stays (spec, V8).
        assert_eq!(first_bytes(&store, pending.instance), [7, 9]);
    }

    #[test]
    fn instantiate_runs_the_start_function_and_fails_with_its_trap() {
        let module = Arc::new(Module::from_wat(TRAPPING_START).expect("valid"));
        let mut store = Store::new(Limits::default());
        let error = store.instantiate(&module, &[]).expect_err("start traps");
        assert!(
            matches!(error, super::InstantiationError::Trap(t) if t.code == TrapCode::Unreachable)
        );
        let module = Arc::new(Module::from_wat("(module)").expect("valid"));
        let pending = store
            .instantiate_pending(&module, &[], FuncSlots::Append)
            .expect("links");
        assert_eq!(pending.start, None);
        assert!(
            pending
                .execution(&store)
                .expect("nothing to call")
                .is_none()
        );
    }
}

//! The lane shape each value is shown in at a pause: the shape of the
//! instruction that made it ([`FrameView::made_by`]), as written in the
//! source when there is one (`v128.const f32x4 ...`), else as the module's
//! own text names it. A `global.get` passes on the global's shape
//! ([`Session::shape_of_global`]), a `local.get` the local's: the shape
//! every `local.set` and `local.tee` of it in the function writes, when
//! they agree; a `call` the shape of what the callee leaves at its end. It depends only on where the frame is, so every way of
//! getting there (`s`, `s N`, `back`, `finish`, `c`) shows the same.

use super::Session;
use crate::vm::lanes::Shape;
use crate::vm::store::FuncInst;
use crate::vm::{FrameView, FuncAddr, Value};
use wasmparser::Operator;

/// How many reads deep (a local read into another local ...) a shape is followed.
const MAX_DEPTH: u8 = 4;

impl Session {
    /// The lane shape of each of `view`'s operands (`None`: no instruction
    /// gives it one, shown as `i32x4`).
    pub(super) fn operand_shapes(&self, view: &FrameView) -> Vec<Option<Shape>> {
        (view.made_by.iter().enumerate())
            .map(|(slot, at)| at.and_then(|at| self.shape_made_at(view, slot, at, 0)))
            .collect()
    }

    /// The shape of the value the instruction at `site` (a `local.set`,
    /// `global.set`) writes: its operand's, as a pause would show it there.
    pub(super) fn shape_written_at(&self, site: Option<(FuncAddr, usize)>) -> Option<Shape> {
        self.shape_written(site?, 0)
    }

    /// The shape of local `index` of `func`'s frame: the one every
    /// `local.set`/`local.tee` of it in the function writes, when there is
    /// one and they agree (a parameter's caller is not followed).
    pub(super) fn local_shape(&self, func: FuncAddr, index: u32) -> Option<Shape> {
        self.local_shape_within(func, index, 0)
    }

    /// The shape of each of `view`'s locals ([`Session::local_shape`] for a
    /// vector, else `None`).
    pub(super) fn local_shapes(&self, view: &FrameView) -> Vec<Option<Shape>> {
        (view.locals.iter().enumerate())
            .map(|(i, local)| match local.value {
                Value::V128(_) => self.local_shape(view.func, i as u32),
                _ => None,
            })
            .collect()
    }

    /// [`Session::shape_written_at`], `depth` reads deep.
    fn shape_written(&self, (func, offset): (FuncAddr, usize), depth: u8) -> Option<Shape> {
        let made_by = self.store.operands_made_by(func, offset)?;
        let slot = made_by.len().checked_sub(1)?;
        let at = made_by.get(slot).copied().flatten()?;
        let view = self.store.view_at(func, offset)?;
        self.shape_made_at(&view, slot, at, depth)
    }

    /// [`Session::local_shape`], `depth` reads deep.
    fn local_shape_within(&self, func: FuncAddr, index: u32, depth: u8) -> Option<Shape> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let sites = self.local_writes(func, index)?;
        let mut agreed = None;
        for site in sites {
            let shape = self.shape_written((func, site), depth + 1)?;
            if agreed.is_some_and(|s| s != shape) {
                return None;
            }
            agreed = Some(shape);
        }
        agreed
    }

    /// The byte offsets of every `local.set` and `local.tee` of local
    /// `index` in `func`'s body.
    fn local_writes(&self, func: FuncAddr, index: u32) -> Option<Vec<usize>> {
        self.sites_in(func, |op| {
            matches!(op, Operator::LocalSet { local_index } | Operator::LocalTee { local_index }
                if *local_index == index)
        })
    }

    /// The byte offsets of the instructions of `func`'s body that `wanted`.
    fn sites_in(
        &self,
        func: FuncAddr,
        wanted: impl Fn(&Operator<'_>) -> bool,
    ) -> Option<Vec<usize>> {
        let Some(FuncInst::Wasm { instance, body, .. }) = self.store.func(func) else {
            return None;
        };
        let module = &self.store.instance(*instance)?.module;
        let bytes = module.bytes.get(body.range())?;
        let reader = wasmparser::BinaryReader::new(bytes, body.start as u64);
        let mut ops = wasmparser::FunctionBody::new(reader)
            .get_operators_reader()
            .ok()?;
        let mut sites = Vec::new();
        while !ops.eof() {
            let (op, at) = ops.read_with_offset().ok()?;
            if wanted(&op) {
                sites.push(at as usize);
            }
        }
        Some(sites)
    }

    /// After code ran: each vector global of the session module that holds
    /// a value no recorded write made takes the shape every `global.set` of
    /// it in the session module's functions writes, when they agree (a
    /// function's write, run without stepping, is not followed otherwise).
    pub(in crate::session) fn follow_global_writes(&mut self) {
        let Some((_, instance)) = self.session_instance() else {
            return;
        };
        let Some(inst) = self.store.instance(instance) else {
            return;
        };
        let (globals, funcs) = (inst.globals.clone(), inst.funcs.clone());
        'globals: for (index, addr) in globals.into_iter().enumerate() {
            let vector = matches!(
                self.store.global(addr).map(|g| g.get()),
                Some(Value::V128(_))
            );
            if !vector || self.shape_of_global(addr).is_some() {
                continue;
            }
            let mut agreed = None;
            for &func in &funcs {
                let wanted = |op: &Operator<'_>| matches!(op, Operator::GlobalSet { global_index } if *global_index as usize == index);
                let is_here = matches!(self.store.func(func),
                    Some(FuncInst::Wasm { instance: i, .. }) if *i == instance);
                for site in (self.sites_in(func, wanted).filter(|_| is_here)).unwrap_or_default() {
                    match (agreed, self.shape_written((func, site), 0)) {
                        (_, None) => continue 'globals,
                        (Some(a), Some(b)) if a != b => continue 'globals,
                        (_, shape) => agreed = shape,
                    }
                }
            }
            if let Some(shape) = agreed {
                self.note_global_shape(addr, shape);
            }
        }
    }

    /// What the instruction at byte `at` of `func` is, as far as the shape
    /// of what it leaves goes.
    fn made_at(&self, func: FuncAddr, at: usize) -> Option<Made> {
        let Some(FuncInst::Wasm { instance, .. }) = self.store.func(func) else {
            return None;
        };
        let instance = self.store.instance(*instance)?;
        let bytes = instance.module.bytes.get(at..)?;
        let reader = wasmparser::BinaryReader::new(bytes, at as u64);
        let global = |index: u32| instance.globals.get(index as usize).copied();
        Some(
            match wasmparser::OperatorsReader::new(reader).read().ok()? {
                Operator::GlobalGet { global_index } => Made::GlobalGet(global(global_index)?),
                Operator::GlobalSet { global_index } => Made::GlobalSet(global(global_index)?),
                Operator::LocalGet { local_index } => Made::LocalGet(local_index),
                Operator::LocalTee { .. } => Made::LocalTee,
                Operator::Call { function_index } => {
                    Made::Call(*instance.funcs.get(function_index as usize)?)
                }
                op => {
                    Made::Other(crate::vm::simd_op::SimdOp::decode(&op).map(|(s, _, _)| s.name()))
                }
            },
        )
    }

    /// The shape of the (last) result `func` returns where its body ends,
    /// `depth` reads deep (`None` for a host function or past the depth).
    pub(in crate::session) fn result_shape(&self, func: FuncAddr, depth: u8) -> Option<Shape> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let Some(FuncInst::Wasm { body, .. }) = self.store.func(func) else {
            return None;
        };
        // The body's last byte is its closing `end`.
        self.shape_written((func, body.range().end.checked_sub(1)?), depth + 1)
    }

    /// After a `global.set` at `site` stepped: the vector the global now
    /// holds was made in `shape`, which every view then shows it in.
    pub(super) fn note_global_set(&mut self, (func, at): (FuncAddr, usize), shape: Shape) {
        if let Some(Made::GlobalSet(addr)) = self.made_at(func, at) {
            self.note_global_shape(addr, shape);
        }
    }

    /// The shape the instruction at byte `at` of `view`'s function gives
    /// the value it left in operand `slot`, `depth` reads deep.
    fn shape_made_at(&self, view: &FrameView, slot: usize, at: usize, depth: u8) -> Option<Shape> {
        if let Some(d) = self.debugger.as_ref()
            && d.is_fragment(view.func)
            && d.prepared.in_prologue(at)
        {
            // The scratch stack's value from before the input.
            return self.stack_shapes.get(slot).copied().flatten();
        }
        let made = self.made_at(view.func, at);
        match made {
            Some(Made::GlobalGet(addr)) => return self.shape_of_global(addr),
            Some(Made::LocalGet(index)) => {
                return self.local_shape_within(view.func, index, depth);
            }
            Some(Made::LocalTee) if depth < MAX_DEPTH => {
                return self.shape_written((view.func, at), depth + 1);
            }
            Some(Made::Call(callee)) => return self.result_shape(callee, depth),
            Some(Made::LocalTee | Made::GlobalSet(_) | Made::Other(_)) | None => {}
        }
        let there = FrameView::at(view.func, view.instance, view.index, at);
        let spot = match self.debugger.as_ref() {
            Some(d) => self.source_spot(d, &there),
            None => self.function_spot(&there),
        };
        match (spot, made) {
            // As written: `v128.const f32x4 ...` has its shape only there.
            (Some(spot), _) => {
                let written = spot.text.get(spot.offset..).unwrap_or("");
                Shape::of_instruction(written.trim_start_matches('('))
            }
            (None, Some(Made::Other(Some(name)))) => Shape::of_instruction(name),
            (None, _) => None,
        }
    }
}

/// What an instruction is, as far as the shape of what it leaves goes.
enum Made {
    /// `global.get`, of the global at this address.
    GlobalGet(crate::vm::store::GlobalAddr),
    /// `global.set`, of the global at this address.
    GlobalSet(crate::vm::store::GlobalAddr),
    /// `local.get` of this local of the same frame.
    LocalGet(u32),
    /// `local.tee`: it leaves its own operand.
    LocalTee,
    /// `call` of the function at this address: it leaves what that returns.
    Call(FuncAddr),
    /// Anything else, with its name when it is a vector instruction.
    Other(Option<&'static str>),
}

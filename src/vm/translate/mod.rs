//! Translation of validated function bodies into [`Instr`] code.
//!
//! One pass over wasmparser's operators, driving the function validator
//! alongside (when given one), resolves every branch to an instruction index
//! and assigns every operand a frame slot. The pass runs in two modes:
//!
//! - [`Mode::Step`]: one instruction per wasm instruction (markers included),
//!   every operand materialized in its stack slot. This is what the stepper
//!   runs, so the stack seen at a pause is the real one.
//! - [`Mode::Run`]: `local.get` becomes a reference to the local's slot that
//!   later instructions read directly, results are written straight into the
//!   local a following `local.set`/`local.tee` names, and a compare followed
//!   by `br_if` or `if` becomes one conditional branch.
//!
//! Both modes share this file's control-flow handling, so they can only
//! differ in the data moves; the spec suite runs through both.

mod exceptions;
mod gc;
mod ops;
mod select_if;
mod simd;

pub use exceptions::{Catch, ExnCode, ExnOp, Handler};
pub use gc::{Extend, GcOp};

use super::instr::{Instr, Slot};
use super::module::CompileError;
use super::types::{FuncType, GlobalType};
use super::value::ValType;
use std::sync::Arc;
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

/// The text-format name of an operator (`I32TruncSatF32S` -> `i32.trunc_sat_f32_s`).
pub fn operator_name(op: &Operator<'_>) -> String {
    if let Some((simd, _, _)) = crate::vm::simd_op::SimdOp::decode(op) {
        return simd.name().to_string();
    }
    if let Operator::V128Const { .. } = op {
        return "v128.const".to_string();
    }
    let debug = format!("{op:?}");
    let variant = debug.split([' ', '{', '(']).next().unwrap_or("");
    variant_text_name(variant)
}

/// The text-format name for a wasmparser `Operator` variant name.
pub fn variant_text_name(variant: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for c in variant.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(c.to_ascii_lowercase().to_string());
        } else if let Some(last) = words.last_mut() {
            last.push(c);
        }
    }
    const PREFIXES: &[&str] = &[
        "i32", "i64", "f32", "f64", "local", "global", "memory", "table", "ref", "elem", "data",
    ];
    match words.split_first() {
        Some((first, rest)) if PREFIXES.contains(&first.as_str()) && !rest.is_empty() => {
            // Threads-proposal names nest once more: i32.atomic.rmw8.add_u.
            let name = format!("{first}.{}", rest.join("_")).replacen(".atomic_", ".atomic.", 1);
            match name.find(".rmw") {
                Some(at) => {
                    let dot = name[at + 1..].find('_').map(|i| at + 1 + i);
                    dot.map_or(name.clone(), |d| {
                        format!("{}.{}", &name[..d], &name[d + 1..])
                    })
                }
                None => name,
            }
        }
        _ if variant == "TypedSelect" => "select".to_string(),
        _ => words.join("_"),
    }
}

/// Which form of code to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Fused code for running to completion.
    Run,
    /// One instruction per wasm instruction, for stepping.
    Step,
}

/// A function body ready to execute.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The instructions.
    pub code: Arc<[Instr]>,
    /// For each instruction, the byte offset of the wasm instruction it came
    /// from, counted from the start of the function body (so the code stays
    /// right when the body moves in a new version of its module).
    pub offsets: Box<[u32]>,
    /// Slots the frame needs: locals, constants and the deepest operand stack.
    pub frame_size: u32,
    /// Run mode: the code with each instruction's handler beside it (what
    /// run mode dispatches on; empty in step code).
    pub(crate) threaded: Arc<[crate::vm::exec::Threaded]>,
    /// Run mode: constants the code reads from the slots right after the
    /// locals; copied in when a frame starts.
    pub consts: Arc<[u64]>,
    /// What each [`Instr::MemoryN`] does, by its `op` index.
    pub memory_ops: Arc<[crate::vm::memop::MemoryOp]>,
    /// The memory and offset of each [`Instr::Atomic`], by its `memarg`.
    pub atomic_memargs: Arc<[crate::vm::instr::AtomicMemarg]>,
    /// The operands of each [`Instr::Simd`], by its `index`.
    pub simd_ops: Arc<[crate::vm::instr::SimdInstr]>,
    /// What each [`Instr::Exn`] does, and the `try_table` handlers.
    pub exceptions: ExnCode,
    /// What each [`Instr::Gc`] does, by its `op` index.
    pub gc_ops: Arc<[GcOp]>,
}

/// Most constants a function keeps in slots; the rest are instructions.
const MAX_CONST_SLOTS: usize = 64;

/// What the translator needs to know about the module around a body.
pub struct ModuleContext<'a> {
    /// The module's type section.
    pub types: &'a [FuncType],
    /// Type index of every function, imports first.
    pub func_types: &'a [u32],
    /// Every global's type, imports first.
    pub global_types: &'a [GlobalType],
    /// Every memory type, imports first.
    pub memories: &'a [crate::vm::types::MemoryType],
    /// The features the module is validated with.
    pub features: wasmparser::WasmFeatures,
    /// Every tag's type, imports first.
    pub tags: &'a [FuncType],
    /// Every defined type (struct and array layouts), by type index.
    pub subtypes: &'a [crate::vm::types::SubType],
}

/// An operand-stack entry during translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operand {
    /// The value is in its own stack slot.
    Stack,
    /// The value is whatever local `n` holds (run mode only; see module doc).
    Local(u32),
    /// The upper slot of a `v128` whose lower slot is the entry below: of
    /// the local below (run mode folds a vector `local.get` or `v128.const`
    /// too), or its own stack slot.
    High,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct ControlFrame {
    kind: FrameKind,
    /// Stack height (in slots) under the block's parameters.
    height: u32,
    /// Slots of the parameters and of the results.
    params: u32,
    results: u32,
    /// Their types, to lay them out again at `else` and `end`.
    param_types: Box<[ValType]>,
    result_types: Box<[ValType]>,
    /// Loop: where `br` to this label goes, the first instruction of its
    /// body (after the step-mode `loop` marker).
    loop_start: u32,
    /// Branches waiting for the block's end.
    fixups: Vec<usize>,
    /// An `if`'s jump to its `else` (or `end`).
    else_fixup: Option<usize>,
    /// The rest of this block cannot be reached.
    unreachable: bool,
}

impl ControlFrame {
    fn label_arity(&self) -> u32 {
        if self.kind == FrameKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

/// Translates one function body.
///
/// # Errors
/// Returns the validator's error (with its byte offset) when the body is
/// invalid, or a reader error when it is malformed.
pub fn translate(
    ctx: &ModuleContext<'_>,
    ty: &FuncType,
    body: &FunctionBody<'_>,
    locals: &[ValType],
    mode: Mode,
    validator: Option<&mut FuncValidator<ValidatorResources>>,
    module_bytes: &[u8],
) -> Result<Compiled, CompileError> {
    let consts = if mode == Mode::Run {
        collect_consts(body)?
    } else {
        Vec::new()
    };
    let mut local_slots = Vec::with_capacity(locals.len());
    let mut nlocals = 0;
    for local in locals {
        local_slots.push(nlocals);
        nlocals += local.slot_count() as u32;
    }
    let results = ValType::slots_of(&ty.results) as u32;
    let mut t = Translator {
        ctx,
        mode,
        nlocals,
        local_slots,
        local_types: locals,
        base: nlocals + consts.len() as u32,
        consts,
        code: Vec::new(),
        offsets: Vec::new(),
        stack: Vec::new(),
        max_height: 0,
        frames: Vec::new(),
        dead_depth: 0,
        offset: 0,
        body_start: body.range().start as u32,
        last_result: None,
        results,
        memory_ops: Vec::new(),
        atomic_memargs: Vec::new(),
        simd_ops: Vec::new(),
        exn: exceptions::Pending::default(),
        gc_ops: Vec::new(),
        select_if: None,
        converting: None,
    };
    t.frames.push(ControlFrame {
        kind: FrameKind::Function,
        height: 0,
        params: 0,
        results,
        param_types: Box::new([]),
        result_types: ty.results.clone(),
        loop_start: 0,
        fixups: Vec::new(),
        else_fixup: None,
        unreachable: false,
    });
    let mut reader = body.get_operators_reader()?;
    let mut validator = validator;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset()?;
        if let Some(v) = validator.as_deref_mut() {
            v.op(offset, &op)?;
        }
        t.offset = offset as u32;
        t.select_if = match op {
            Operator::If {
                blockty: BlockType::Empty,
            } if mode == Mode::Run => select_if::target(reader.clone(), locals),
            _ => None,
        };
        check_v2_encoding(
            &op,
            module_bytes,
            offset as usize,
            reader.original_position() as usize,
            ctx.features,
        )?;
        t.operator(&op)?;
    }
    reader.finish()?;
    for (at, instr) in t.code.iter_mut().enumerate() {
        if let Some(target) = instr.target_mut() {
            *target = (*target as i64 - at as i64) as i32 as u32;
        }
    }
    if mode == Mode::Run {
        rotate_loop_tests(&mut t.code);
        fuse_counter_branches(&mut t.code);
        thread_jumps(&mut t.code);
    }
    let threaded = match mode {
        Mode::Run => crate::vm::exec::thread(&t.code, &t.simd_ops).into(),
        Mode::Step => Arc::default(),
    };
    Ok(Compiled {
        threaded,
        code: t.code.into(),
        offsets: t.offsets.into_boxed_slice(),
        frame_size: t.base + t.max_height,
        consts: t.consts.into(),
        memory_ops: t.memory_ops.into(),
        atomic_memargs: t.atomic_memargs.into(),
        simd_ops: t.simd_ops.into(),
        exceptions: t.exn.code,
        gc_ops: t.gc_ops.into(),
    })
}

/// Run mode: each jump back to a loop that starts with its exit test
/// becomes that test (see [`Instr::rotated_loop_test`]); targets are relative by now.
fn rotate_loop_tests(code: &mut [Instr]) {
    for at in 0..code.len() {
        let Instr::BrLoop { target } = code[at] else {
            continue;
        };
        let test_at = at.checked_add_signed(target as i32 as isize);
        if let Some(test) = test_at.and_then(|t| code.get(t))
            && let Some(rotated) = test.rotated_loop_test(target)
        {
            code[at] = rotated;
        }
    }
}

/// Run mode: each `br` goes straight to where a chain of `br`s from its
/// target ends, and a `br` that ends at a `return` becomes that `return`
/// (which names frame slots only, so it means the same anywhere in the
/// function: `if ... else ... end return` then returns from each arm).
/// Targets are relative by now.
fn thread_jumps(code: &mut [Instr]) {
    for at in 0..code.len() {
        let Instr::Br { target } = code[at] else {
            continue;
        };
        let mut to = at.checked_add_signed(target as i32 as isize);
        // A bound on the hops, should a chain ever loop.
        for _ in 0..16 {
            let Some(Instr::Br { target: next }) = to.and_then(|t| code.get(t)) else {
                break;
            };
            to = to.and_then(|t| t.checked_add_signed(*next as i32 as isize));
        }
        match to.and_then(|t| code.get(t)) {
            Some(ret @ Instr::Return { .. }) => code[at] = *ret,
            Some(_) => {
                if let Some(t) = to {
                    code[at] = Instr::Br {
                        target: (t as i64 - at as i64) as i32 as u32,
                    };
                }
            }
            None => {}
        }
    }
}

/// Run mode: fuses each loop counter's `i32.add` with the compare-and-branch
/// after it (see [`Instr::fuse_counter_branch`]), and each `and` with the
/// zero test after it (see [`Instr::fuse_bit_test`]); targets are relative by now.
fn fuse_counter_branches(code: &mut [Instr]) {
    for at in 1..code.len() {
        let fused = code[at - 1].fuse_counter_branch(&code[at]);
        if let Some(fused) = fused.or_else(|| code[at - 1].fuse_bit_test(&code[at])) {
            code[at - 1] = fused;
        }
    }
}

/// The distinct constants of a body (the first [`MAX_CONST_SLOTS`]), as slot values.
fn collect_consts(body: &FunctionBody<'_>) -> Result<Vec<u64>, CompileError> {
    let mut consts = Vec::new();
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() && consts.len() < MAX_CONST_SLOTS {
        let value = match reader.read()? {
            Operator::I32Const { value } => value as u32 as u64,
            Operator::I64Const { value } => value as u64,
            Operator::F32Const { value } => value.bits() as u64,
            Operator::F64Const { value } => value.bits(),
            Operator::V128Const { value } => {
                let bits = u128::from_le_bytes(*value.bytes());
                let halves = [bits as u64, (bits >> 64) as u64];
                let known = consts.windows(2).any(|w| w == halves);
                if !known && consts.len() + 2 <= MAX_CONST_SLOTS {
                    consts.extend(halves);
                }
                continue;
            }
            _ => continue,
        };
        if !consts.contains(&value) {
            consts.push(value);
        }
    }
    Ok(consts)
}

/// Encoding rules of WebAssembly 2.0 that wasmparser, which reads the
/// multi-memory encoding, does not apply: without multiple memories the
/// memory operand of `memory.size`/`memory.grow` is one 0x00 byte; a
/// memarg's alignment, and without 64-bit memories its offset, are u32
/// LEB128s of at most 5 bytes.
fn check_v2_encoding(
    op: &Operator<'_>,
    bytes: &[u8],
    start: usize,
    end: usize,
    features: wasmparser::WasmFeatures,
) -> Result<(), CompileError> {
    use wasmparser::WasmFeatures as F;
    let malformed = |message: &str, offset: usize| {
        Err(CompileError {
            message: message.into(),
            offset,
        })
    };
    match op {
        Operator::MemorySize { .. } | Operator::MemoryGrow { .. }
            if end != start + 2 && !features.contains(F::MULTI_MEMORY) =>
        {
            malformed("zero byte expected", start + 1)
        }
        _ if (0x28..=0x3e).contains(&bytes.get(start).copied().unwrap_or(0)) => {
            let align_len = leb_len(bytes, start + 1);
            let offset_len = leb_len(bytes, start + 1 + align_len);
            let offset_max = if features.contains(F::MEMORY64) {
                10
            } else {
                5
            };
            if align_len > 5 || offset_len > offset_max {
                return malformed("integer representation too long", start + 1);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Length in bytes of the LEB128 number starting at `pos`.
fn leb_len(bytes: &[u8], pos: usize) -> usize {
    bytes.get(pos..).map_or(0, |rest| {
        rest.iter().take_while(|b| *b & 0x80 != 0).count() + 1
    })
}

struct Translator<'a> {
    ctx: &'a ModuleContext<'a>,
    mode: Mode,
    /// Slots the locals take (a `v128` local takes two).
    nlocals: u32,
    /// The first slot of each local.
    local_slots: Vec<u32>,
    local_types: &'a [ValType],
    /// First operand-stack slot: after the locals and the constant slots.
    base: u32,
    /// Run mode: constant slot values; constant `i` lives in slot `nlocals + i`.
    consts: Vec<u64>,
    code: Vec<Instr>,
    offsets: Vec<u32>,
    stack: Vec<Operand>,
    max_height: u32,
    frames: Vec<ControlFrame>,
    /// Blocks opened inside unreachable code, whose bodies we skip.
    dead_depth: u32,
    /// Module-binary offset of the wasm instruction being translated.
    offset: u32,
    /// Module-binary offset of the body's start.
    body_start: u32,
    /// Index of the last emitted instruction whose single result may be redirected.
    last_result: Option<usize>,
    results: u32,
    /// The operations of the [`Instr::MemoryN`]s emitted so far.
    memory_ops: Vec<crate::vm::memop::MemoryOp>,
    /// The memargs of the [`Instr::Atomic`]s emitted so far.
    atomic_memargs: Vec<crate::vm::instr::AtomicMemarg>,
    /// The operands of the [`Instr::Simd`]s emitted so far.
    simd_ops: Vec<crate::vm::instr::SimdInstr>,
    /// Exception handling's side tables, being built.
    exn: exceptions::Pending,
    /// The operations of the [`Instr::Gc`]s emitted so far.
    gc_ops: Vec<GcOp>,
    /// Run mode: the local the `if` being translated sets in both arms,
    /// when it is run as a select ([`select_if`]).
    select_if: Option<u32>,
    /// Run mode: the `if` whose arms are being translated as a select.
    converting: Option<select_if::Conversion>,
}

impl Translator<'_> {
    fn fused(&self) -> bool {
        self.mode == Mode::Run
    }

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    /// The offset of the wasm instruction being translated, counted from
    /// the body's start (what [`Compiled::offsets`] holds).
    fn body_offset(&self) -> u32 {
        self.offset - self.body_start
    }

    fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.offsets.push(self.body_offset());
        self.last_result = None;
        self.code.len() - 1
    }

    fn emit_result(&mut self, instr: Instr) {
        let at = self.emit(instr);
        self.last_result = Some(at);
    }

    /// Emits a marker so the stepper stops on instructions that move no data.
    fn marker(&mut self) {
        if self.mode == Mode::Step {
            self.emit(Instr::Nop);
        }
    }

    fn slot(&self, pos: usize) -> Slot {
        self.base + pos as u32
    }

    /// Pushes a `v128` constant: in run mode a reference to its two slots
    /// when it has them; returns whether it did.
    pub(super) fn push_v128_const(&mut self, bits: u128) -> bool {
        let halves = [bits as u64, (bits >> 64) as u64];
        let Some(i) = self.consts.windows(2).position(|w| w == halves) else {
            return false;
        };
        self.stack.push(Operand::Local(self.nlocals + i as u32));
        self.stack.push(Operand::High);
        self.max_height = self.max_height.max(self.height());
        true
    }

    /// Pushes a constant: in run mode a reference to its slot when it has one.
    pub(super) fn push_const(&mut self, value: u64, wide: bool) {
        if let Some(i) = self.consts.iter().position(|c| *c == value) {
            self.stack.push(Operand::Local(self.nlocals + i as u32));
            self.max_height = self.max_height.max(self.height());
            return;
        }
        let dst = self.push();
        if wide {
            self.emit_result(Instr::Const64 { dst, val: value });
        } else {
            self.emit_result(Instr::Const32 {
                dst,
                val: value as u32,
            });
        }
    }

    /// A branch on `cond` (when true, or false if `negate`). In run mode, a
    /// compare that just produced `cond` into a temporary is folded in.
    fn conditional_branch(&mut self, cond: Slot, negate: bool, target: u32) -> Instr {
        let last = self.last_result.filter(|at| *at + 1 == self.code.len());
        if let Some(at) = last.filter(|_| self.fused() && cond >= self.base) {
            let produced_cond = self.code[at].result_slot() == Some(cond);
            if let Some(fused) = self.code[at]
                .fuse_with_branch(negate, target)
                .filter(|_| produced_cond)
            {
                self.code.pop();
                self.offsets.pop();
                self.last_result = None;
                return fused;
            }
        }
        if negate {
            Instr::BrIfEqz { cond, target }
        } else {
            Instr::BrIfNez { cond, target }
        }
    }

    fn height(&self) -> u32 {
        self.stack.len() as u32
    }

    fn push(&mut self) -> Slot {
        self.stack.push(Operand::Stack);
        self.max_height = self.max_height.max(self.height());
        self.slot(self.stack.len() - 1)
    }

    /// Pushes a value of type `ty`: one slot, or two for a `v128`.
    fn push_typed(&mut self, ty: ValType) -> Slot {
        let slot = self.push();
        if ty == ValType::V128 {
            self.stack.push(Operand::High);
            self.max_height = self.max_height.max(self.height());
        }
        slot
    }

    /// Pushes values of `types`, one after another.
    fn push_types(&mut self, types: &[ValType]) {
        for ty in types {
            self.push_typed(*ty);
        }
    }

    /// Whether the top operand is a `v128`.
    fn top_is_v128(&self) -> bool {
        self.stack.last() == Some(&Operand::High)
    }

    fn pop(&mut self) -> Slot {
        let pos = self.stack.len().saturating_sub(1);
        match self.stack.pop() {
            Some(Operand::Local(l)) => l,
            _ => self.slot(pos),
        }
    }

    fn pop_n(&mut self, n: u32) {
        let keep = self.stack.len().saturating_sub(n as usize);
        self.stack.truncate(keep);
    }

    /// Copies every folded `local.get` into its own stack slot.
    fn materialize_all(&mut self) {
        for pos in 0..self.stack.len() {
            if let Operand::Local(l) = self.stack[pos] {
                self.materialize(pos, l);
            }
        }
    }

    /// Copies folded reads of `local` out before it is written.
    fn materialize_local(&mut self, local: u32) {
        for pos in 0..self.stack.len() {
            if self.stack[pos] == Operand::Local(local) {
                self.materialize(pos, local);
            }
        }
    }

    /// Copies the folded read of `local` at `pos` into its stack slot (both
    /// slots of a vector).
    fn materialize(&mut self, pos: usize, local: u32) {
        let to = self.slot(pos);
        if self.stack.get(pos + 1) == Some(&Operand::High) {
            self.emit(Instr::Copy {
                from: local,
                to,
                n: 2,
            });
        } else {
            self.emit(Instr::Move { from: local, to });
        }
        self.stack[pos] = Operand::Stack;
    }

    /// Where the operand at `pos` is read from: a folded local's slot (the
    /// upper half of a folded vector in the local's second slot), or its own.
    fn source(&self, pos: usize) -> Slot {
        match self.stack[pos] {
            Operand::Local(l) => l,
            Operand::High => match pos.checked_sub(1).map(|below| self.stack[below]) {
                Some(Operand::Local(l)) => l + 1,
                _ => self.slot(pos),
            },
            Operand::Stack => self.slot(pos),
        }
    }

    /// Redirects the last instruction's result from `slot` into `to`, if it produced it.
    fn redirect_last_result(&mut self, slot: Slot, to: Slot) -> bool {
        let Some(at) = self.last_result else {
            return false;
        };
        match self.code[at].result_slot_mut() {
            Some(dst) if *dst == slot => {
                *dst = to;
                self.last_result = None;
                true
            }
            _ => false,
        }
    }

    /// A block's parameter and result types.
    fn block_types(&self, ty: BlockType) -> (Box<[ValType]>, Box<[ValType]>) {
        match ty {
            BlockType::Empty => (Box::new([]), Box::new([])),
            BlockType::Type(t) => (
                Box::new([]),
                Box::new([ValType::from_wasmparser(t).unwrap_or(ValType::I32)]),
            ),
            BlockType::FuncType(idx) => self.signature(Some(idx)),
        }
    }

    /// The parameter and result types of type `idx`.
    fn signature(&self, idx: Option<u32>) -> (Box<[ValType]>, Box<[ValType]>) {
        idx.and_then(|i| self.ctx.types.get(i as usize))
            .map_or((Box::new([]), Box::new([])), |t| {
                (t.params.clone(), t.results.clone())
            })
    }

    fn push_frame(&mut self, kind: FrameKind, ty: BlockType) {
        let (param_types, result_types) = self.block_types(ty);
        let params = ValType::slots_of(&param_types) as u32;
        let results = ValType::slots_of(&result_types) as u32;
        self.materialize_all();
        // A label starts here: nothing emitted before it may be fused with
        // or redirected by what follows (a loop runs it again without them).
        self.last_result = None;
        let height = self.height().saturating_sub(params);
        self.frames.push(ControlFrame {
            kind,
            height,
            params,
            results,
            param_types,
            result_types,
            loop_start: self.pc(),
            fixups: Vec::new(),
            else_fixup: None,
            unreachable: false,
        });
    }

    fn set_unreachable(&mut self) {
        if let Some(frame) = self.frames.last_mut() {
            frame.unreachable = true;
            let height = frame.height as usize;
            self.stack.truncate(height);
        }
    }

    fn current_unreachable(&self) -> bool {
        self.frames.last().is_some_and(|f| f.unreachable)
    }

    fn patch(&mut self, at: usize, target: u32) {
        if let Some(instr) = self.code.get_mut(at) {
            instr.set_target(target);
        }
    }

    /// Moves a branch's carried values down to the label's height, if they are not there.
    /// Returns the frame index, or `None` for a branch out of the function.
    fn branch_moves(&mut self, depth: u32) -> Option<usize> {
        let index = self.frames.len().checked_sub(1 + depth as usize)?;
        if self.frames[index].kind == FrameKind::Function {
            return None;
        }
        let frame = &self.frames[index];
        let (arity, to) = (frame.label_arity() as usize, frame.height as usize);
        let from = self.stack.len() - arity;
        if from != to || self.carried_are_folded(arity) {
            let all_in_slots = !self.carried_are_folded(arity);
            if arity > 1 && all_in_slots {
                let (from, to) = (self.slot(from), self.slot(to));
                self.emit(Instr::Copy {
                    from,
                    to,
                    n: arity as u32,
                });
            } else {
                for i in 0..arity {
                    let src = self.source(from + i);
                    let dst = self.slot(to + i);
                    if src != dst {
                        self.emit(Instr::Move { from: src, to: dst });
                    }
                }
            }
        }
        Some(index)
    }

    /// Whether any of the top `arity` operands is a folded `local.get`.
    fn carried_are_folded(&self, arity: usize) -> bool {
        self.stack[self.stack.len() - arity..]
            .iter()
            .any(|o| matches!(o, Operand::Local(_)))
    }

    /// Emits the jump part of a branch to frame `index` (moves already done).
    fn branch_jump(&mut self, index: usize) {
        self.jump_to(index, true);
    }

    /// Emits a jump to frame `index`'s label; a back edge may become two
    /// instructions (see [`Self::invert_loop_exit`]) only when `may_invert`
    /// (never in a `br_table`, whose entries are one instruction each).
    fn jump_to(&mut self, index: usize, may_invert: bool) {
        if self.frames[index].kind == FrameKind::Loop {
            let target = self.frames[index].loop_start;
            if !(may_invert && self.invert_loop_exit(target)) {
                self.emit(Instr::BrLoop { target });
            }
        } else {
            let at = self.emit(Instr::Br { target: 0 });
            self.frames[index].fixups.push(at);
        }
    }

    /// Run mode, for a back edge to a loop whose first instruction is a
    /// conditional exit (`loop (br_if $out (cond)) ... br $loop`): emits the
    /// exit test negated, jumping past it to the loop body, then the exit
    /// jump. Each iteration then runs one branch instead of two.
    fn invert_loop_exit(&mut self, loop_start: u32) -> bool {
        if !self.fused() {
            return false;
        }
        let Some(first) = self.code.get(loop_start as usize).copied() else {
            return false;
        };
        let reads_only_fixed_slots = first
            .branch_operands()
            .is_some_and(|(a, b)| a < self.base && b < self.base);
        let exit_frame = self
            .frames
            .iter()
            .position(|f| f.fixups.contains(&(loop_start as usize)));
        let (Some(exit_frame), Some(mut stay), true) =
            (exit_frame, first.negated_branch(), reads_only_fixed_slots)
        else {
            return false;
        };
        stay.set_target(loop_start + 1);
        self.emit(stay);
        let at = self.emit(Instr::Br { target: 0 });
        self.frames[exit_frame].fixups.push(at);
        true
    }

    fn emit_return(&mut self) {
        let n = self.results;
        let from = match self.stack.last() {
            Some(Operand::Local(l)) if n == 1 => *l,
            _ => {
                self.materialize_all();
                self.slot(self.stack.len() - n as usize)
            }
        };
        self.emit(Instr::Return { from, n });
    }

    fn branch(&mut self, depth: u32) {
        match self.branch_moves(depth) {
            Some(index) => self.branch_jump(index),
            None => self.emit_return(),
        }
    }

    /// `br_if`: when the branch needs no moves it is one conditional jump,
    /// otherwise a jump around the moves and an unconditional branch.
    fn branch_if(&mut self, depth: u32, cond: Slot) {
        self.branch_when(depth, |t, negate, target| {
            t.conditional_branch(cond, negate, target)
        });
    }

    /// A conditional branch to `depth`: `test(self, negate, target)` makes
    /// the jump taken when the condition holds (or, negated, when not).
    fn branch_when(&mut self, depth: u32, test: impl Fn(&mut Self, bool, u32) -> Instr) {
        let Some(index) = self.frames.len().checked_sub(1 + depth as usize) else {
            return;
        };
        let frame = &self.frames[index];
        let arity = frame.label_arity();
        let needs_moves = frame.kind == FrameKind::Function
            || (arity > 0 && self.height() - arity != frame.height)
            || self.carried_are_folded(arity as usize);
        if !needs_moves {
            let is_loop = frame.kind == FrameKind::Loop;
            let target = if is_loop { frame.loop_start } else { 0 };
            let branch = test(self, false, target);
            let at = self.emit(branch);
            if !is_loop {
                self.frames[index].fixups.push(at);
            }
            return;
        }
        let skip = test(self, true, 0);
        let skip = self.emit(skip);
        let saved = self.stack.clone();
        self.branch(depth);
        self.stack = saved;
        let here = self.pc();
        self.patch(skip, here);
    }

    fn operator(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        if self.select_if_operator(op) {
            return Ok(());
        }
        if self.dead_depth > 0 || self.current_unreachable() {
            return self.dead_operator(op);
        }
        self.live_operator(op)
    }

    /// Skips code after an unconditional branch, tracking nesting to find
    /// the `else` or `end` that makes code reachable again.
    fn dead_operator(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. } => self.dead_depth += 1,
            Operator::End if self.dead_depth > 0 => self.dead_depth -= 1,
            Operator::End => self.end(),
            Operator::Else if self.dead_depth == 0 => self.else_(),
            _ => {}
        }
        Ok(())
    }

    fn else_(&mut self) {
        let Some(frame) = self.frames.last() else {
            return;
        };
        let reachable = !frame.unreachable;
        if reachable {
            self.materialize_all();
            let at = self.emit(Instr::Br { target: 0 });
            if let Some(frame) = self.frames.last_mut() {
                frame.fixups.push(at);
            }
        }
        let here = self.pc();
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        frame.kind = FrameKind::Else;
        frame.unreachable = false;
        let else_fixup = frame.else_fixup.take();
        let height = frame.height as usize;
        let params = frame.param_types.clone();
        if let Some(at) = else_fixup {
            self.patch(at, here);
        }
        self.stack.truncate(height);
        self.push_types(&params);
        self.last_result = None;
    }

    fn end(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if !frame.unreachable {
            self.materialize_all();
        }
        if frame.kind == FrameKind::Function {
            if !frame.unreachable {
                self.frames.push(frame);
                self.emit_return();
                self.frames.pop();
            }
            self.exceptions_function_end();
            return;
        }
        self.marker();
        let here = self.pc();
        self.exceptions_block_end(self.frames.len(), here);
        for at in &frame.fixups {
            self.patch(*at, here);
        }
        if let Some(at) = frame.else_fixup {
            self.patch(at, here);
        }
        self.stack.truncate(frame.height as usize);
        self.push_types(&frame.result_types);
        self.last_result = None;
    }

    fn live_operator(&mut self, op: &Operator<'_>) -> Result<(), CompileError> {
        match *op {
            Operator::Unreachable => {
                self.emit(Instr::Unreachable);
                self.set_unreachable();
            }
            Operator::Nop => self.marker(),
            Operator::Block { blockty } => {
                self.push_frame(FrameKind::Block, blockty);
                self.marker();
            }
            Operator::Loop { blockty } => {
                self.push_frame(FrameKind::Loop, blockty);
                self.marker();
                // A branch to a loop continues with the first instruction of
                // its body (spec 4.4.8, `br`: the label's continuation is the
                // loop's body), so in step mode `loop` runs once, on entry.
                let body_start = self.pc();
                if let Some(frame) = self.frames.last_mut() {
                    frame.loop_start = body_start;
                }
            }
            Operator::If { .. } if self.select_if.is_some() => {
                if let Some(local) = self.select_if.take() {
                    self.begin_select_if(local);
                }
            }
            Operator::If { blockty } => {
                let cond = self.pop();
                let branch = self.conditional_branch(cond, true, 0);
                self.push_frame(FrameKind::If, blockty);
                let at = self.emit(branch);
                if let Some(frame) = self.frames.last_mut() {
                    frame.else_fixup = Some(at);
                }
            }
            Operator::Else => self.else_(),
            Operator::End => self.end(),
            Operator::TryTable { .. } | Operator::Throw { .. } | Operator::ThrowRef => {
                self.exception_operator(op)
            }
            _ if Self::is_gc_operator(op) => self.gc_operator(op),
            Operator::Br { relative_depth } => {
                self.branch(relative_depth);
                self.set_unreachable();
            }
            Operator::BrIf { relative_depth } => {
                let cond = self.pop();
                self.branch_if(relative_depth, cond);
            }
            Operator::BrTable { ref targets } => self.br_table(targets)?,
            Operator::Return => {
                self.emit_return();
                self.set_unreachable();
            }
            Operator::Call { function_index } => {
                let ty = self.ctx.func_types.get(function_index as usize).copied();
                let (params, results) = self.signature(ty);
                self.call(&params, &results, 0, |base| Instr::Call {
                    func: function_index,
                    base,
                });
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let (params, results) = self.signature(Some(type_index));
                self.call(&params, &results, 1, |base| Instr::CallIndirect {
                    ty: type_index,
                    table: table_index,
                    base,
                });
            }
            Operator::ReturnCall { function_index } => {
                let ty = self.ctx.func_types.get(function_index as usize).copied();
                let (params, results) = self.signature(ty);
                self.tail_call(&params, &results, 0, |base| Instr::ReturnCall {
                    func: function_index,
                    base,
                });
            }
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let (params, results) = self.signature(Some(type_index));
                self.tail_call(&params, &results, 1, |base| Instr::ReturnCallIndirect {
                    ty: type_index,
                    table: table_index,
                    base,
                });
            }
            Operator::CallRef { type_index } => {
                let (params, results) = self.signature(Some(type_index));
                self.call(&params, &results, 1, |base| Instr::CallRef {
                    ty: type_index,
                    base,
                });
            }
            Operator::ReturnCallRef { type_index } => {
                let (params, results) = self.signature(Some(type_index));
                self.tail_call(&params, &results, 1, |base| Instr::ReturnCallRef {
                    ty: type_index,
                    base,
                });
            }
            Operator::BrOnNull { relative_depth } => {
                // Branch on null (dropping it); else the reference stays.
                let Some(&top) = self.stack.last() else {
                    return Ok(());
                };
                let cond = self.pop();
                self.branch_when(relative_depth, |_, negate, target| {
                    if negate {
                        Instr::BrIfI64Nez { cond, target }
                    } else {
                        Instr::BrIfI64Eqz { cond, target }
                    }
                });
                self.stack.push(top);
                self.max_height = self.max_height.max(self.height());
            }
            Operator::BrOnNonNull { relative_depth } => {
                // Branch with the reference when it is not null; else drop it.
                let cond = match self.stack.last() {
                    Some(Operand::Local(l)) => *l,
                    _ => self.slot(self.stack.len().saturating_sub(1)),
                };
                self.branch_when(relative_depth, |_, negate, target| {
                    if negate {
                        Instr::BrIfI64Eqz { cond, target }
                    } else {
                        Instr::BrIfI64Nez { cond, target }
                    }
                });
                self.pop();
                self.marker();
            }
            Operator::Drop => {
                if self.top_is_v128() {
                    self.pop();
                }
                self.pop();
                self.marker();
            }
            Operator::Select | Operator::TypedSelect { .. } | Operator::TypedSelectMulti { .. }
                if self.stack.iter().rev().nth(1) == Some(&Operand::High) =>
            {
                self.select_v128()
            }
            Operator::Select | Operator::TypedSelect { .. } | Operator::TypedSelectMulti { .. } => {
                self.materialize_all();
                let dst = self.slot(self.stack.len().saturating_sub(3));
                self.pop_n(3);
                self.push();
                self.emit_result(Instr::Select { dst });
            }
            Operator::LocalGet { local_index } if self.is_v128_local(local_index) => {
                let from = self.local_slot(local_index);
                if self.fused() {
                    self.stack.push(Operand::Local(from));
                    self.stack.push(Operand::High);
                    self.max_height = self.max_height.max(self.height());
                } else {
                    let to = self.push_typed(ValType::V128);
                    self.emit(Instr::Copy { from, to, n: 2 });
                }
            }
            Operator::LocalSet { local_index } if self.is_v128_local(local_index) => {
                self.set_v128_local(self.local_slot(local_index), false);
            }
            Operator::LocalTee { local_index } if self.is_v128_local(local_index) => {
                self.set_v128_local(self.local_slot(local_index), true);
            }
            Operator::LocalGet { local_index } => {
                let local_index = self.local_slot(local_index);
                if self.fused() {
                    self.stack.push(Operand::Local(local_index));
                    self.max_height = self.max_height.max(self.height());
                } else {
                    let to = self.push();
                    self.emit_result(Instr::Move {
                        from: local_index,
                        to,
                    });
                }
            }
            Operator::LocalSet { local_index } => {
                self.local_set(self.local_slot(local_index), false)
            }
            Operator::LocalTee { local_index } => {
                self.local_set(self.local_slot(local_index), true)
            }
            _ => return self.plain_operator(op),
        }
        Ok(())
    }

    /// A call taking `params` (plus `extra` scalar operands, the table index)
    /// and leaving `results` where its arguments were.
    fn call(
        &mut self,
        params: &[ValType],
        results: &[ValType],
        extra: u32,
        make: impl FnOnce(Slot) -> Instr,
    ) {
        self.materialize_all();
        let operands = ValType::slots_of(params) as u32 + extra;
        let base = self.slot(self.stack.len().saturating_sub(operands as usize));
        self.pop_n(operands);
        self.emit(make(base));
        self.push_types(results);
    }

    /// The first slot of local `index`.
    fn local_slot(&self, index: u32) -> Slot {
        self.local_slots
            .get(index as usize)
            .copied()
            .unwrap_or(index)
    }

    /// Whether local `index` is a `v128` (moved as two slots, never folded).
    fn is_v128_local(&self, index: u32) -> bool {
        self.local_types.get(index as usize) == Some(&ValType::V128)
    }

    /// A tail call: the call, then (run only when the callee is a host
    /// function, which cannot take over the frame) a return of its results.
    fn tail_call(
        &mut self,
        params: &[ValType],
        results: &[ValType],
        extra: u32,
        make: impl FnOnce(Slot) -> Instr,
    ) {
        self.materialize_all();
        let operands = ValType::slots_of(params) as u32 + extra;
        let base = self.slot(self.stack.len().saturating_sub(operands as usize));
        self.pop_n(operands);
        self.emit(make(base));
        self.emit(Instr::Return {
            from: base,
            n: ValType::slots_of(results) as u32,
        });
        self.set_unreachable();
    }

    fn local_set(&mut self, local: u32, tee: bool) {
        let Some(&top) = self.stack.last() else {
            return;
        };
        if !self.fused() {
            let from = if tee {
                self.slot(self.stack.len() - 1)
            } else {
                self.pop()
            };
            self.emit(Instr::Move { from, to: local });
            return;
        }
        let top_slot = self.slot(self.stack.len() - 1);
        self.stack.pop();
        if top == Operand::Local(local) {
            if tee {
                self.stack.push(top);
            }
            return;
        }
        let shadowed = self.stack.contains(&Operand::Local(local));
        if shadowed {
            self.materialize_local(local);
        }
        let from = match top {
            Operand::Local(l) => l,
            Operand::Stack | Operand::High => top_slot,
        };
        let redirected = top == Operand::Stack && self.redirect_last_result(top_slot, local);
        if !redirected {
            self.emit(Instr::Move { from, to: local });
        }
        if tee {
            self.stack.push(if redirected {
                Operand::Local(local)
            } else {
                top
            });
            self.max_height = self.max_height.max(self.height());
        }
    }

    fn br_table(&mut self, targets: &wasmparser::BrTable<'_>) -> Result<(), CompileError> {
        let index = self.pop();
        self.materialize_all();
        let mut depths = Vec::with_capacity(targets.len() as usize + 1);
        for depth in targets.targets() {
            depths.push(depth?);
        }
        depths.push(targets.default());
        self.emit(Instr::BrTable {
            index,
            len: depths.len() as u32,
        });
        // Each entry is a jump; targets that need value moves go through a stub after the table.
        let first_entry = self.code.len();
        let mut stubs = Vec::new();
        for (i, &depth) in depths.iter().enumerate() {
            let index = self.frames.len().checked_sub(1 + depth as usize);
            let simple = index.filter(|&ix| {
                let frame = &self.frames[ix];
                let arity = frame.label_arity();
                frame.kind != FrameKind::Function
                    && (arity == 0 || self.height() - arity == frame.height)
                    && !self.carried_are_folded(arity as usize)
            });
            match simple {
                Some(ix) => self.jump_to(ix, false),
                None => {
                    self.emit(Instr::Br { target: 0 });
                    stubs.push((first_entry + i, depth));
                }
            }
        }
        for (entry, depth) in stubs {
            let here = self.pc();
            self.patch(entry, here);
            let saved = self.stack.clone();
            self.branch(depth);
            self.stack = saved;
        }
        self.set_unreachable();
        Ok(())
    }

    fn unary(&mut self, make: impl FnOnce(Slot, Slot) -> Instr) {
        let src = self.pop();
        let dst = self.push();
        self.emit_result(make(dst, src));
    }

    fn binary(&mut self, make: impl FnOnce(Slot, Slot, Slot) -> Instr) {
        let b = self.pop();
        let a = self.pop();
        let dst = self.push();
        self.emit_result(make(dst, a, b));
    }

    fn load(&mut self, offset: u64, make: impl FnOnce(Slot, Slot, u32) -> Instr) {
        let addr = self.pop();
        let dst = self.push();
        self.emit_result(make(dst, addr, offset as u32));
    }

    fn store(&mut self, offset: u64, make: impl FnOnce(Slot, Slot, u32) -> Instr) {
        let val = self.pop();
        let addr = self.pop();
        self.emit(make(addr, val, offset as u32));
    }

    /// An instruction reading `pops` materialized operands starting at `base`
    /// and leaving `pushes` results there.
    fn in_place(&mut self, pops: u32, pushes: u32, make: impl FnOnce(Slot) -> Instr) {
        self.materialize_all();
        let base = self.slot(self.stack.len().saturating_sub(pops as usize));
        self.pop_n(pops);
        for _ in 0..pushes {
            self.push();
        }
        self.emit(make(base));
    }
}

//! Reading a paused machine: for each frame, its function, position, locals
//! (with names), operand stack (with types) and control labels.
//!
//! Types are not stored per instruction. At a pause the function validator
//! is re-run up to the paused instruction and asked what it knows, so
//! stepping pays nothing for views nobody asks for.

use super::exec::{Execution, Frame};
use super::module::{FuncBody, Module};
use super::store::{FuncAddr, FuncInst, InstanceAddr, Store};
use super::value::{ValType, Value};
use wasmparser::{BinaryReader, BlockType, FrameKind, FuncToValidate, FunctionBody, Operator};

/// What kind of construct a label belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// The function body itself.
    Function,
    /// `block`.
    Block,
    /// `loop` (a branch to it goes back to the first instruction of its body).
    Loop,
    /// The `then` arm of an `if`.
    If,
    /// The `else` arm of an `if`.
    Else,
    /// `try_table`: a block whose catch clauses handle exceptions thrown inside it.
    TryTable,
}

/// One entry of the control stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelView {
    /// Block, loop, if, else or the function.
    pub kind: LabelKind,
    /// Values the construct takes from the stack.
    pub params: usize,
    /// Values it leaves.
    pub results: usize,
    /// Operand-stack height at the label (below its parameters).
    pub height: usize,
}

impl LabelView {
    /// How many values a branch to this label carries.
    pub fn branch_arity(&self) -> usize {
        if self.kind == LabelKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

/// One local variable.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalView {
    /// Name from the name section, without `$`.
    pub name: Option<String>,
    /// Current value.
    pub value: Value,
    /// Whether it is a parameter.
    pub is_param: bool,
}

/// One call frame at a pause.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameView {
    /// The function.
    pub func: FuncAddr,
    /// Its instance.
    pub instance: InstanceAddr,
    /// Its index inside the module.
    pub index: u32,
    /// Byte offset in the module binary of the next instruction to run
    /// (for callers: of the call they are waiting in).
    pub offset: usize,
    /// Locals, parameters first.
    pub locals: Vec<LocalView>,
    /// Operand stack, bottom first.
    pub operands: Vec<Value>,
    /// For each operand, the byte offset of the instruction that made it,
    /// whose lane shape a `v128` is read in (`i8x16.splat`, `v128.const`);
    /// a shapeless `v128.*` instruction (`v128.and`, `v128.load`) passes on
    /// its first operand's. `None` when the validator cannot say.
    pub made_by: Vec<Option<usize>>,
    /// Control stack, outermost (the function) first.
    pub labels: Vec<LabelView>,
}

impl FrameView {
    /// A view of a position alone, with no locals, operands or labels (to
    /// ask where an instruction is written).
    pub fn at(func: FuncAddr, instance: InstanceAddr, index: u32, offset: usize) -> FrameView {
        FrameView {
            func,
            instance,
            index,
            offset,
            locals: Vec::new(),
            operands: Vec::new(),
            made_by: Vec::new(),
            labels: Vec::new(),
        }
    }
}

impl Store {
    /// [`FrameView::at`] byte `offset` of `func`, a wasm function.
    pub fn view_at(&self, func: FuncAddr, offset: usize) -> Option<FrameView> {
        match self.func(func)? {
            FuncInst::Wasm {
                instance, index, ..
            } => Some(FrameView::at(func, *instance, *index, offset)),
            _ => None,
        }
    }

    /// [`FrameView::made_by`] for the operands just before the instruction
    /// at byte `offset` of `func` (what a `local.set` there writes is the last).
    pub fn operands_made_by(&self, func: FuncAddr, offset: usize) -> Option<Vec<Option<usize>>> {
        let Some(FuncInst::Wasm {
            body,
            instance,
            index,
            ..
        }) = self.func(func)
        else {
            return None;
        };
        let module = &self.instance(*instance)?.module;
        Some(types_before(module, *index, body, offset)?.made_by)
    }
}

impl Execution {
    /// Views of every frame, outermost first. Exact for executions driven by
    /// [`Execution::step`], whose operands are in memory at every pause.
    pub fn frame_views(&self, store: &Store) -> Vec<FrameView> {
        let stack = self.call_stack();
        let last = stack.len().saturating_sub(1);
        stack
            .iter()
            .enumerate()
            .filter_map(|(i, frame)| self.frame_view(store, frame, i < last))
            .collect()
    }

    fn frame_view(&self, store: &Store, frame: &Frame, waiting_in_call: bool) -> Option<FrameView> {
        let Some(FuncInst::Wasm {
            body,
            instance,
            index,
            ..
        }) = store.func(frame.func)
        else {
            return None;
        };
        let inst = store.instance(*instance)?;
        let module = &inst.module;
        // Views get the store's canonical type ids (a null names its type).
        let canon =
            |t: &ValType| t.map_index(|i| inst.type_ids.get(i as usize).copied().unwrap_or(i));
        let code = super::exec::code_for(body, self.is_stepping());
        let pc = if waiting_in_call {
            frame.pc.checked_sub(1)?
        } else {
            frame.pc
        } as usize;
        let offset = body.offset_at(code, pc);
        let Before {
            types,
            labels,
            mut made_by,
        } = types_before(module, *index, body, offset)?;
        let mut types: Vec<ValType> = types.iter().map(canon).collect();
        if waiting_in_call {
            // The arguments of the pending call now belong to the callee.
            let callee_params = callee_param_count(code.code.get(pc)?, module);
            types.truncate(types.len().saturating_sub(callee_params));
        }
        made_by.resize(types.len(), None);
        let nlocals = body.local_slots as usize;
        let slots = self.frame_slots(frame, nlocals + ValType::slots_of(&types));
        let names = module.names.locals.get(index);
        let local_types: Vec<ValType> = body.locals.iter().map(canon).collect();
        let locals = Value::from_slots(&local_types, slots)
            .into_iter()
            .enumerate()
            .map(|(i, value)| LocalView {
                name: names.and_then(|n| n.get(&(i as u32))).cloned(),
                value,
                is_param: i < body.params as usize,
            })
            .collect();
        let operands = Value::from_slots(&types, slots.get(nlocals..).unwrap_or(&[]));
        Some(FrameView {
            func: frame.func,
            instance: *instance,
            index: *index,
            offset,
            locals,
            operands,
            made_by,
            labels,
        })
    }
}

fn callee_param_count(instr: &super::instr::Instr, module: &Module) -> usize {
    use super::instr::Instr;
    match *instr {
        Instr::Call { func, .. } => module.func_type(func).map_or(0, |t| t.params.len()),
        Instr::CallIndirect { ty, .. } => module
            .types
            .get(ty as usize)
            .map_or(0, |t| t.params.len() + 1),
        _ => 0,
    }
}

/// What the validator knows just before an instruction.
struct Before {
    /// Operand types, bottom first.
    types: Vec<ValType>,
    /// Control labels, outermost first.
    labels: Vec<LabelView>,
    /// Per operand, see [`FrameView::made_by`].
    made_by: Vec<Option<usize>>,
}

/// Whether `op` computes a `v128` from vectors without a lane shape of its
/// own (`v128.and`, `v128.bitselect`; not `v128.const`, whose text writes
/// one, nor a load, whose operand is an address).
fn shapeless(op: &Operator<'_>) -> bool {
    !matches!(op, Operator::V128Const { .. })
        && super::simd_op::SimdOp::decode(op).is_some_and(|(simd, _, _)| {
            simd.name().starts_with("v128.") && !simd.name().starts_with("v128.load")
        })
}

/// Whether `op` pushes a value it computed (not `drop` or `local.set`,
/// and not a block's `end`, whose results were made inside it).
fn makes_value(op: &Operator<'_>, validator: &impl wasmparser::ModuleArity) -> bool {
    !matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
    ) && op
        .operator_arity(validator)
        .is_some_and(|(_, results)| results > 0)
}

/// Operand types and labels just before the instruction at `offset`.
fn types_before(module: &Module, index: u32, body: &FuncBody, offset: usize) -> Option<Before> {
    let resources = module.resources()?;
    let func = FuncToValidate {
        resources,
        index,
        ty: body.type_index,
        features: module.features,
    };
    let mut validator = func.into_validator(Default::default());
    let bytes = module.bytes.get(body.range())?;
    let body_reader = FunctionBody::new(BinaryReader::new(bytes, body.start as u64));
    let mut locals = body_reader.get_locals_reader().ok()?;
    for _ in 0..locals.get_count() {
        let at = locals.original_position();
        let (count, ty) = locals.read().ok()?;
        validator.define_locals(at, count, ty).ok()?;
    }
    let mut ops = body_reader.get_operators_reader().ok()?;
    let mut made_by: Vec<Option<usize>> = Vec::new();
    while !ops.eof() {
        let (op, at) = ops.read_with_offset().ok()?;
        if at as usize >= offset {
            break;
        }
        let makes = makes_value(&op, &validator);
        validator.op(at, &op).ok()?;
        // A shapeless vector instruction leaves the slot its first operand's.
        made_by.resize(validator.operand_stack_height() as usize, None);
        let keeps = shapeless(&op)
            && validator.get_operand_type(0).flatten() == Some(wasmparser::ValType::V128);
        if let Some(top) = made_by.last_mut().filter(|_| makes && !keeps) {
            *top = Some(at as usize);
        }
    }
    let height = validator.operand_stack_height() as usize;
    let types = (0..height)
        .rev()
        .map(|depth| {
            validator
                .get_operand_type(depth)
                .flatten()
                .and_then(|t| ValType::from_validator(t, validator.resources()))
                .unwrap_or(ValType::I32)
        })
        .collect();
    let depth = validator.control_stack_height() as usize;
    let labels = (0..depth)
        .rev()
        .filter_map(|d| validator.get_control_frame(d))
        .enumerate()
        .map(|(i, frame)| {
            let (params, results) = match frame.block_type {
                BlockType::Empty => (0, 0),
                BlockType::Type(_) => (0, 1),
                BlockType::FuncType(t) => module
                    .types
                    .get(t as usize)
                    .map_or((0, 0), |t| (t.params.len(), t.results.len())),
            };
            let kind = match frame.kind {
                _ if i == 0 => LabelKind::Function,
                FrameKind::Loop => LabelKind::Loop,
                FrameKind::If => LabelKind::If,
                FrameKind::Else => LabelKind::Else,
                FrameKind::TryTable => LabelKind::TryTable,
                _ => LabelKind::Block,
            };
            LabelView {
                kind,
                params,
                results,
                height: frame.height,
            }
        })
        .collect();
    Some(Before {
        types,
        labels,
        made_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::{Execution, Extern, Limits, Outcome, Store};
    use std::sync::Arc;

    fn paused_after(steps: usize) -> (Store, Execution) {
        let module = Module::from_wat(
            r#"(module
                 (func $sq (param $n i32) (result i32) (i32.mul (local.get $n) (local.get $n)))
                 (func (export "f") (param $x i32) (result i32) (local $y i32)
                   (block $b (result i32)
                     (i32.add (local.get $x) (call $sq (i32.const 3))))))"#,
        )
        .expect("valid module");
        let mut store = Store::new(Limits::default());
        let inst = store
            .instantiate(&Arc::new(module), &[])
            .expect("instantiates");
        let Some(Extern::Func(f)) = store.instance(inst).and_then(|i| i.export("f")) else {
            panic!("export f")
        };
        let mut exec = Execution::new(&store, f, &[Value::I32(10)]).expect("call");
        for _ in 0..steps {
            assert_eq!(exec.step(&mut store), Ok(Outcome::Paused));
        }
        (store, exec)
    }

    #[test]
    fn operands_have_types_and_labels_heights() {
        // block, local.get $x, i32.const 3 executed: the stack holds 10 and 3.
        let (store, exec) = paused_after(3);
        let views = exec.frame_views(&store);
        let top = views.last().expect("a frame");
        assert_eq!(top.operands, vec![Value::I32(10), Value::I32(3)]);
        assert_eq!(
            top.locals[0],
            LocalView {
                name: Some("x".into()),
                value: Value::I32(10),
                is_param: true
            }
        );
        assert_eq!(top.locals[1].name.as_deref(), Some("y"));
        let kinds: Vec<LabelKind> = top.labels.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, vec![LabelKind::Function, LabelKind::Block]);
        assert_eq!(top.labels[1].results, 1);
    }

    #[test]
    fn a_caller_waiting_in_a_call_shows_its_stack_without_the_arguments() {
        // ... then `call $sq` steps into the callee.
        let (store, exec) = paused_after(4);
        let views = exec.frame_views(&store);
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].operands, vec![Value::I32(10)]);
        assert_eq!(views[1].locals[0].value, Value::I32(3));
        assert!(views[1].operands.is_empty());
    }
}

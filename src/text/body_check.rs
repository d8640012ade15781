//! Validation errors inside function bodies, found again and explained.
//!
//! The validator says what is wrong and at which byte (`type mismatch:
//! expected i32, found i64` at 0x27). To say it in the learner's terms, the
//! function holding that byte is validated again one operator at a time,
//! keeping the operand types before each, so the rejected operator is
//! explained by [`super::explain`] (the scratch stack's explainer) and its
//! index can be mapped back to the text through the assembler's instruction
//! spans (issue 10, item 1).
//!
//! ```text
//! bytes + offset ──▶ body_error ──▶ BodyError { func, defined, fault: OpFault { index, .. } }
//!                                                         │
//! assembler spans[defined][index] ◀───────────────────────┘  (text::assemble)
//! ```

use super::explain::{invalid_operator, operand_mismatch};
use crate::vm::ValType;
use wasmparser::{
    BlockType, CompositeInnerType, FrameKind, FuncValidator, FunctionBody, Parser, ValidPayload,
    Validator, ValidatorResources, WasmFeatures, WasmModuleResources,
};

/// Why an operator of a function body was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpFault {
    /// Index of the operator in the body, in encoding order.
    pub index: usize,
    /// Byte offset of the operator in the binary.
    pub offset: usize,
    /// Whether it is the body's final `end`, which has no text of its own.
    pub final_end: bool,
    /// Plain words: what the operator needs and what the stack holds.
    pub explanation: String,
}

/// A module's validation error inside a function body, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyError {
    /// The function's index, imported functions first.
    pub func: u32,
    /// Its index among the functions the module defines (code section order).
    pub defined: usize,
    /// The function's name from the name section, if it has one.
    pub name: Option<String>,
    /// A name it is exported as, for a function without a name.
    pub export: Option<String>,
    /// The rejected operator.
    pub fault: OpFault,
    /// The rejected operator as wasmprinter writes it, e.g. `i64.const 2`.
    pub instr: Option<String>,
}

impl BodyError {
    /// `func $name`, `func "export"` for an unnamed exported function, or
    /// `func N`.
    pub fn func_label(&self) -> String {
        match (&self.name, &self.export) {
            (Some(name), _) => format!("func ${name}"),
            (None, Some(export)) => format!("func \"{export}\""),
            (None, None) => format!("func {}", self.func),
        }
    }
}

/// Validates `body` of the binary `module` (read for names) with `func`
/// one operator at a time. With `stop_at_end`
/// the body's final `end` is left unvalidated, so that the caller can read
/// the stack there.
///
/// # Errors
/// The first operator the validator rejects (or that does not decode),
/// explained.
pub fn check_body(
    func: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    module: &[u8],
    stop_at_end: bool,
) -> Result<(), OpFault> {
    check_body_observed(func, body, module, stop_at_end, |_| false, |_, _, _| {})
}

/// [`check_body`], calling `after_op` with each operator's index, the
/// validator once it has accepted the operator (to read the stack there)
/// and, for the operators `wants_taken` picks, what the operator took from
/// the stack (see [`Taken`]).
///
/// # Errors
/// As [`check_body`].
pub fn check_body_observed(
    func: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    module: &[u8],
    stop_at_end: bool,
    wants_taken: impl Fn(usize) -> bool,
    mut after_op: impl FnMut(usize, &FuncValidator<ValidatorResources>, Option<Taken>),
) -> Result<(), OpFault> {
    let fault = |index: usize, offset: u64, message: &str| OpFault {
        index,
        offset: offset as usize,
        final_end: false,
        explanation: message.to_string(),
    };
    let start = body.range().start;
    let mut locals = body
        .get_locals_reader()
        .map_err(|e| fault(0, e.offset(), e.message()))?;
    for _ in 0..locals.get_count() {
        let at = locals.original_position();
        let (count, ty) = locals
            .read()
            .map_err(|e| fault(0, e.offset(), e.message()))?;
        func.define_locals(at, count, ty)
            .map_err(|e| fault(0, e.offset(), e.message()))?;
    }
    let mut ops = body
        .get_operators_reader()
        .map_err(|e| fault(0, start, e.message()))?;
    let mut index = 0usize;
    // The operators that opened the blocks still open (index, offset, name),
    // and the last one an `end` closed: when the body's own `end` closes a
    // block instead, that block is the one left open.
    let mut openers = Vec::new();
    let mut last_closed = None;
    // The operator (index, offset) that pushed each value on the stack, so
    // a value nothing takes can be shown where it was made.
    let mut pushed_by: Vec<(usize, usize)> = Vec::new();
    while !ops.eof() {
        let (op, offset) = ops
            .read_with_offset()
            .map_err(|e| fault(index, e.offset(), e.message()))?;
        let final_end = ops.eof() && matches!(op, wasmparser::Operator::End);
        if final_end && stop_at_end {
            return Ok(());
        }
        match op {
            wasmparser::Operator::Block { .. }
            | wasmparser::Operator::Loop { .. }
            | wasmparser::Operator::If { .. }
            | wasmparser::Operator::TryTable { .. }
            | wasmparser::Operator::Try { .. } => {
                openers.push((index, offset, super::explain::operator_name(&op)));
            }
            wasmparser::Operator::End => last_closed = openers.pop(),
            _ => {}
        }
        let before = stack_types(func);
        let pops = operands::taken(&op, func, module).map(|t| t.count);
        let taken = if wants_taken(index) {
            operands::taken(&op, func, module)
        } else {
            None
        };
        if let Err(e) = func.op(offset, &op) {
            if final_end
                && let Some(fault) = unused_value(func, &before, &pushed_by, module, e.message())
            {
                return Err(fault);
            }
            let explanation = match op {
                wasmparser::Operator::End => end_mismatch(func, &before, e.message()),
                wasmparser::Operator::Br { relative_depth }
                | wasmparser::Operator::BrIf { relative_depth } => {
                    missing_label(&op, relative_depth, func, e.message())
                }
                wasmparser::Operator::TryTable { ref try_table } => {
                    catch_mismatch(func, try_table, e.message())
                }
                wasmparser::Operator::RefFunc { function_index }
                    if e.message().contains("undeclared function reference") =>
                {
                    let f = names::label(module, names::Item::Func(function_index));
                    Some(format!(
                        "ref.func {f} needs {f} declared for references: add (elem declare func {f}) \
                         (naming it in an elem segment, a global's initializer or an export does too)"
                    ))
                }
                wasmparser::Operator::StructSet {
                    struct_type_index: t,
                    field_index: i,
                } if e.message().contains("immutable") => {
                    let ty = names::label(module, names::Item::Type(t));
                    let field = names::label(module, names::Item::Field(t, i));
                    Some(format!(
                        "field {field} of {ty} is immutable, so struct.set cannot change it: \
                         declare it mutable, (field {field} (mut ...)), to write it"
                    ))
                }
                _ => None,
            };
            // Only the values above the block's start are within its reach.
            let height = func.get_control_frame(0).map_or(0, |f| f.height);
            let (beneath, reach) = before.split_at(height.min(before.len()));
            let explanation = explanation
                .or_else(|| {
                    let needs = operands::needs(&op, func, module)?;
                    let why = Some(needs.why.as_str());
                    let (message, n) = (e.message(), beneath.len());
                    operand_mismatch(&needs.title, &needs.params, why, message, reach, n)
                })
                .unwrap_or_else(|| invalid_operator(&op, e.message(), reach, beneath.len()));
            return Err(OpFault {
                index,
                offset: offset as usize,
                final_end,
                explanation,
            });
        }
        // What the operator took (all it may have, when not known) and what it left.
        let (height, now) = (before.len(), func.operand_stack_height() as usize);
        let kept = pops.map_or(height.min(now), |k| height.saturating_sub(k).min(now));
        pushed_by.truncate(kept);
        pushed_by.resize(now, (index, offset as usize));
        after_op(index, func, taken);
        index += 1;
    }
    match last_closed {
        Some((index, offset, name)) if func.control_stack_height() > 0 => Err(OpFault {
            index,
            offset: offset as usize,
            final_end: false,
            explanation: format!(
                "{} is still open at the end of the function's body: close it with `end`",
                still_open(&name)
            ),
        }),
        _ => Ok(()),
    }
}

/// Where the operator at byte `offset` of `module` is: the index of its
/// function among those the module defines, and its index in that body
/// (encoding order, as [`crate::text::assemble::assemble_with_instr_spans`]
/// lists instructions).
pub fn operator_position(module: &[u8], offset: usize) -> Option<(usize, usize)> {
    let mut defined = 0;
    for payload in Parser::new(0).parse_all(module) {
        let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload else {
            continue;
        };
        let range = body.range();
        if !(range.start as usize..range.end as usize).contains(&offset) {
            defined += 1;
            continue;
        }
        let mut ops = body.get_operators_reader().ok()?;
        let mut index = 0;
        while !ops.eof() {
            let (_, at) = ops.read_with_offset().ok()?;
            if at as usize == offset {
                return Some((defined, index));
            }
            index += 1;
        }
        return None;
    }
    None
}

/// "a block", "a loop", "an if", "a try_table": the opener left open.
fn still_open(name: &str) -> String {
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// The operand types on the validator's stack, bottom first (`?` where the
/// code is unreachable and any type would do).
pub fn stack_types(func: &FuncValidator<ValidatorResources>) -> Vec<String> {
    (0..func.operand_stack_height() as usize)
        .rev()
        .map(|depth| {
            func.get_operand_type(depth)
                .flatten()
                .and_then(ValType::from_wasmparser)
                .map_or("?".to_string(), |ty| ty.to_string())
        })
        .collect()
}

/// The body's final `end` when values nobody takes are left under the
/// results: the fault moves to the operator that pushed the first of them
/// (`(i32.add (i32.const 1) (i32.const 2) (i32.const 3))` leaves the 1),
/// since the final `end` has no text to point at; `None` for any other
/// complaint.
fn unused_value(
    func: &FuncValidator<ValidatorResources>,
    before: &[String],
    pushed_by: &[(usize, usize)],
    module: &[u8],
    message: &str,
) -> Option<OpFault> {
    let frame = func.get_control_frame(0)?;
    let results = block_types(func, frame.block_type, false)?;
    let left = before.len().checked_sub(frame.height)?;
    if func.control_stack_height() != 1 || left <= results.len() || !message.contains("remaining") {
        return None;
    }
    let &(index, offset) = pushed_by.get(frame.height)?;
    let mut reader = wasmparser::OperatorsReader::new(wasmparser::BinaryReader::new(
        module.get(offset..)?,
        offset as u64,
    ));
    let name = super::explain::operator_name(&reader.read().ok()?);
    let explanation = end_mismatch(func, before, message)?;
    let extra = left - results.len();
    Some(OpFault {
        index,
        offset,
        final_end: false,
        explanation: format!(
            "{explanation}: nothing takes the value this {name} pushes{}",
            match extra {
                1 => String::new(),
                n => format!(", nor the {} extra after it", n - 1),
            }
        ),
    })
}

/// An `end` whose block leaves other values than its type says: "the body
/// of the function must end with [i32] on the stack (its result type), but
/// it ends with [i32 i64]".
fn end_mismatch(
    func: &FuncValidator<ValidatorResources>,
    before: &[String],
    message: &str,
) -> Option<String> {
    let frame = func.get_control_frame(0)?;
    let results = block_types(func, frame.block_type, false)?;
    let what = match (frame.kind, func.control_stack_height()) {
        (_, 1) => "the function's body",
        (FrameKind::Loop, _) => "the loop",
        (FrameKind::If | FrameKind::Else, _) => "the if",
        _ => "the block",
    };
    let left = before.get(frame.height..).unwrap_or_default();
    let ends = if left.is_empty() {
        "the stack is empty there".to_string()
    } else {
        format!("it ends with [{}]", left.join(" "))
    };
    Some(format!(
        "{what} must end with [{}] on the stack (its result type), but {ends} ({message})",
        results.join(" ")
    ))
}

/// The parameter (`params`) or result types of a block type.
pub(super) fn block_types(
    func: &FuncValidator<ValidatorResources>,
    block_type: BlockType,
    params: bool,
) -> Option<Vec<String>> {
    Some(match block_type {
        BlockType::Empty => Vec::new(),
        BlockType::Type(_) if params => Vec::new(),
        BlockType::Type(ty) => vec![type_name(ty)],
        BlockType::FuncType(index) => {
            match &func.resources().sub_type_at(index)?.composite_type.inner {
                CompositeInnerType::Func(ty) if params => {
                    ty.params().iter().copied().map(type_name).collect()
                }
                CompositeInnerType::Func(ty) => {
                    ty.results().iter().copied().map(type_name).collect()
                }
                _ => return None,
            }
        }
    })
}

/// A `try_table` catch clause whose label does not take what the clause
/// sends: "try_table's clause `catch` of tag 0 sends the tag's values [i32]
/// to label 0 (a block), which takes [i64]: ...".
fn catch_mismatch(
    func: &FuncValidator<ValidatorResources>,
    try_table: &wasmparser::TryTable,
    message: &str,
) -> Option<String> {
    use wasmparser::Catch;
    let tag_params = |tag: u32| -> Option<Vec<String>> {
        let ty = func.resources().tag_at(tag)?;
        Some(ty.params().iter().copied().map(type_name).collect())
    };
    let exnref = || "exnref".to_string();
    try_table.catches.iter().find_map(|catch| {
        let (clause, label, sends, what) = match *catch {
            Catch::One { tag, label } => (
                format!("`catch` of tag {tag}"),
                label,
                tag_params(tag)?,
                "the tag's values",
            ),
            Catch::OneRef { tag, label } => {
                let mut sends = tag_params(tag)?;
                sends.push(exnref());
                let clause = format!("`catch_ref` of tag {tag}");
                (clause, label, sends, "the tag's values and the exnref")
            }
            Catch::All { label } => ("`catch_all`".into(), label, Vec::new(), "nothing"),
            Catch::AllRef { label } => (
                "`catch_all_ref`".into(),
                label,
                vec![exnref()],
                "the exnref",
            ),
        };
        let frame = func.get_control_frame(label as usize)?;
        let is_loop = frame.kind == FrameKind::Loop;
        let takes = block_types(func, frame.block_type, is_loop)?;
        if takes == sends {
            return None;
        }
        let target = match frame.kind {
            _ if label + 1 == func.control_stack_height() => "the function's body",
            FrameKind::Loop => "a loop, which a branch enters with its parameters",
            FrameKind::If | FrameKind::Else => "an if",
            FrameKind::TryTable => "a try_table",
            _ => "a block",
        };
        let types = format!("[{}]", sends.join(" "));
        let sends = if sends.is_empty() {
            what.to_string()
        } else {
            format!("{what} {types}")
        };
        Some(format!(
            "try_table's clause {clause} sends {sends} to label {label} ({target}), which takes \
             [{}]: give the label the type {types}, or catch into another label ({message})",
            takes.join(" ")
        ))
    })
}

/// A branch to a label that does not enclose it: "br 2 names label 2, but
/// only labels 0 to 1 enclose it here (0 is the innermost block, ...)".
fn missing_label(
    op: &wasmparser::Operator<'_>,
    depth: u32,
    func: &FuncValidator<ValidatorResources>,
    message: &str,
) -> Option<String> {
    if !message.contains("unknown label") {
        return None;
    }
    let name = super::explain::operator_name(op);
    let enclosing = match func.control_stack_height() {
        0 | 1 => "only label 0 (the function body) encloses it here".to_string(),
        n => format!(
            "only labels 0 to {last} enclose it here (0 is the innermost block, {last} the function body)",
            last = n - 1
        ),
    };
    Some(format!(
        "{name} {depth} names label {depth}, but {enclosing} ({message})"
    ))
}

/// A value type as watlab writes it.
pub(super) fn type_name(ty: wasmparser::ValType) -> String {
    ValType::from_wasmparser(ty).map_or_else(|| ty.to_string(), |t| t.to_string())
}

/// Finds and explains the validation error at byte `offset` of the module
/// `bytes`, when it lies in a function body (None otherwise, or when the
/// body validates after all).
pub fn body_error(bytes: &[u8], features: WasmFeatures, offset: usize) -> Option<BodyError> {
    let mut validator = Validator::new_with_features(features);
    let mut defined = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.ok()?;
        let ValidPayload::Func(to_validate, body) = validator.payload(&payload).ok()? else {
            continue;
        };
        // (Blocks left open are reported at the end of the body, one past it.)
        if !(body.range().start..=body.range().end).contains(&(offset as u64)) {
            defined += 1;
            continue;
        }
        let mut func = to_validate.into_validator(Default::default());
        let fault = check_body(&mut func, &body, bytes, false).err()?;
        return Some(BodyError {
            func: func.index(),
            defined,
            name: names::name_of(bytes, names::Item::Func(func.index())),
            export: names::export_of(bytes, func.index()),
            instr: instr_text(bytes, fault.offset),
            fault,
        });
    }
    None
}

/// The instruction at byte `offset` as wasmprinter writes it, without its
/// label annotations.
fn instr_text(bytes: &[u8], offset: usize) -> Option<String> {
    let mut storage = String::new();
    let lines = wasmprinter::Config::new()
        .offsets_and_lines(bytes, &mut storage)
        .ok()?;
    let line = lines
        .into_iter()
        .find(|(at, _)| *at == Some(offset as u64))?
        .1;
    let text = line.split(" ;;").next().unwrap_or(line);
    let text = text.split(" (;@").next().unwrap_or(text).trim();
    Some(if text == ")" {
        "end".into()
    } else {
        text.into()
    })
}

impl OpFault {
    /// Which of the function's `instrs` instructions with text (as the
    /// assembler records their spans) to point at. The final `end` has no
    /// text; the instruction before it, whose value the end found on the
    /// stack, stands for it.
    pub fn instr_index(&self, instrs: usize) -> Option<usize> {
        match instrs.checked_sub(1) {
            Some(last) if self.final_end && self.index >= instrs => Some(last),
            _ => (self.index < instrs).then_some(self.index),
        }
    }
}

mod names;
mod operands;
pub use operands::Taken;

#[cfg(test)]
mod tests;

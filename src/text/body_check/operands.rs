//! What an instruction takes from the stack when the module decides it: a
//! call takes its callee's parameters, a branch its label's types, a
//! `local.set` its local's type. The catalog's fixed signatures cover the
//! rest (`i32.add` takes [i32 i32]).

use super::names::{Item, label};
use super::{block_types, type_name};
use wasmparser::{
    CompositeInnerType, FrameKind, FuncValidator, Operator, ValidatorResources, WasmModuleResources,
};

/// The operands an instruction takes, and why those.
pub(super) struct Needs {
    /// The instruction as written, e.g. `call $add`, `br 1`.
    pub title: String,
    /// The operand types, bottom first.
    pub params: Vec<String>,
    /// Where they come from, e.g. "the parameters of $add".
    pub why: String,
}

/// How many operands an instruction takes, in words for a note: the
/// count, the instruction as written (`call $add`) and, where the module
/// decides them, the types and why (` [i32 i32] (the parameters of $add)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    /// How many values it pops.
    pub count: usize,
    /// The instruction as written, e.g. `call $add`, `i32.add`.
    pub title: String,
    /// The types and their reason, with a leading space; empty when the
    /// catalog's fixed signature decides (its types may be memory64's).
    pub detail: String,
}

/// What `op` takes from the stack, when that is a fixed number: `None` for
/// structured control (whose folded form holds its body, not operands) and
/// for catalog signatures of variable length (`struct.new`'s fields).
pub(super) fn taken(
    op: &Operator<'_>,
    func: &FuncValidator<ValidatorResources>,
    bytes: &[u8],
) -> Option<Taken> {
    if matches!(
        op,
        Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Else
            | Operator::End
            | Operator::TryTable { .. }
            | Operator::Try { .. }
            | Operator::Delegate { .. }
            | Operator::Catch { .. }
            | Operator::CatchAll
    ) {
        return None;
    }
    if let Some(needs) = needs(op, func, bytes) {
        return Some(Taken {
            count: needs.params.len(),
            detail: format!(" [{}] ({})", needs.params.join(" "), needs.why),
            title: needs.title,
        });
    }
    const VARIADIC: &[&str] = &["params", "results", "label", "fields"];
    let name = crate::text::explain::operator_name(op);
    let doc = crate::text::catalog::lookup(&name)?;
    if doc.params.iter().any(|p| VARIADIC.contains(&p.ty)) {
        return None;
    }
    Some(Taken {
        count: doc.params.len(),
        title: name,
        detail: String::new(),
    })
}

/// What `op` takes, when the module decides it (None for the catalog's
/// fixed signatures). `bytes` is the module, for names.
pub(super) fn needs(
    op: &Operator<'_>,
    func: &FuncValidator<ValidatorResources>,
    bytes: &[u8],
) -> Option<Needs> {
    let name = crate::text::explain::operator_name(op);
    let res = func.resources();
    let func_params = |ty: u32| -> Option<Vec<String>> {
        match &res.sub_type_at(ty)?.composite_type.inner {
            CompositeInnerType::Func(f) => {
                Some(f.params().iter().copied().map(type_name).collect())
            }
            _ => None,
        }
    };
    let needs = |title: String, params: Vec<String>, why: &str| {
        Some(Needs {
            title,
            params,
            why: why.to_string(),
        })
    };
    match *op {
        Operator::Call { function_index } | Operator::ReturnCall { function_index } => {
            let callee = label(bytes, Item::Func(function_index));
            let params = func_params(res.type_index_of_function(function_index)?)?;
            let why = format!("the parameters of {callee}");
            needs(format!("{name} {callee}"), params, &why)
        }
        Operator::CallIndirect {
            type_index,
            table_index,
        }
        | Operator::ReturnCallIndirect {
            type_index,
            table_index,
        } => {
            let mut params = func_params(type_index)?;
            let table64 = res.table_at(table_index)?.table64;
            params.push(if table64 { "i64" } else { "i32" }.into());
            let why = "the type's parameters, then the index into the table";
            needs(name, params, why)
        }
        Operator::CallRef { type_index } | Operator::ReturnCallRef { type_index } => {
            let mut params = func_params(type_index)?;
            params.push(format!("(ref null {type_index})"));
            needs(
                name,
                params,
                "the type's parameters, then the function reference",
            )
        }
        Operator::Br { relative_depth } => branch(func, relative_depth, &name, false),
        Operator::BrIf { relative_depth } => branch(func, relative_depth, &name, true),
        Operator::BrTable { ref targets } => branch(func, targets.default(), &name, true),
        Operator::Return => {
            let outermost = func.control_stack_height().checked_sub(1)? as usize;
            let frame = func.get_control_frame(outermost)?;
            let results = block_types(func, frame.block_type, false)?;
            needs(name, results, "the function's results")
        }
        Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
            let ty = type_name(func.get_local_type(local_index)?);
            let local = label(bytes, Item::Local(func.index(), local_index));
            needs(format!("{name} {local}"), vec![ty], "the local's type")
        }
        Operator::GlobalSet { global_index } => {
            let ty = type_name(res.global_at(global_index)?.content_type);
            let global = label(bytes, Item::Global(global_index));
            needs(format!("{name} {global}"), vec![ty], "the global's type")
        }
        Operator::Select => {
            let params = vec!["t".into(), "t".into(), "i32".into()];
            needs(name, params, "two values of one type t, then the condition")
        }
        Operator::TypedSelect { ty } => {
            let t = type_name(ty);
            needs(
                name,
                vec![t.clone(), t, "i32".into()],
                "two values, then the condition",
            )
        }
        Operator::Block { blockty } | Operator::Loop { blockty } => {
            needs(name, block_types(func, blockty, true)?, "its parameters")
        }
        Operator::If { blockty } => {
            let mut params = block_types(func, blockty, true)?;
            let why = if params.is_empty() {
                "its condition"
            } else {
                "its parameters, then the condition"
            };
            params.push("i32".into());
            needs(name, params, why)
        }
        Operator::Throw { tag_index } => {
            let ty = res.tag_at(tag_index)?;
            let params = ty.params().iter().copied().map(type_name).collect();
            needs(name, params, "the tag's parameters")
        }
        _ => None,
    }
}

/// What a branch to label `depth` takes: the label's types (a loop's
/// parameters, else its results), then the condition for `br_if`/`br_table`.
fn branch(
    func: &FuncValidator<ValidatorResources>,
    depth: u32,
    name: &str,
    condition: bool,
) -> Option<Needs> {
    let frame = func.get_control_frame(depth as usize)?;
    let is_loop = frame.kind == FrameKind::Loop;
    let mut params = block_types(func, frame.block_type, is_loop)?;
    let function = depth + 1 == func.control_stack_height();
    let target = match frame.kind {
        _ if function => "the function's results",
        FrameKind::Loop => "the parameters of the loop it goes back to",
        FrameKind::If | FrameKind::Else => "the results of the if it leaves",
        _ => "the results of the block it leaves",
    };
    let why = if condition {
        params.push("i32".into());
        format!("{target}, then the condition")
    } else {
        target.to_string()
    };
    Some(Needs {
        title: format!("{name} {depth}"),
        params,
        why,
    })
}

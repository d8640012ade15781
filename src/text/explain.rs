//! Validation errors in plain words: which instruction, what it needs, and
//! what the stack actually held at that point.

use wasmparser::Operator;

pub use crate::vm::translate::operator_name;

/// Explains why `op` was rejected, given the validator's `message` and the
/// operand types on the stack just before it (bottom first).
pub fn invalid_operator(op: &Operator<'_>, message: &str, stack: &[String]) -> String {
    let name = operator_name(op);
    let have = match stack.len() {
        0 => "the stack is empty".to_string(),
        n => format!("the stack has {n}: [{}]", stack.join(" ")),
    };
    // Signatures with placeholder types (`t`, `any`) say less than the validator does.
    const CONCRETE: &[&str] = &["i32", "i64", "f32", "f64", "funcref", "externref"];
    let doc = crate::text::catalog::lookup(&name)
        .filter(|d| d.params.iter().all(|p| CONCRETE.contains(&p.ty)));
    match doc {
        Some(doc) if message.contains("type mismatch") && stack.len() < doc.params.len() => {
            let needs = doc.params.len();
            format!(
                "{name} needs {needs} operand{} {}, {have} ({message})",
                if needs == 1 { "" } else { "s" },
                operand_types(doc)
            )
        }
        // (When the top matches the catalog's signature, the signature does not
        // apply here, e.g. an i64 address of a 64-bit memory: the validator says why.)
        Some(doc)
            if message.contains("type mismatch")
                && !doc.params.is_empty()
                && stack[stack.len() - doc.params.len()..]
                    .iter()
                    .zip(doc.params)
                    .any(|(have, p)| have != p.ty) =>
        {
            let top = &stack[stack.len() - doc.params.len()..];
            format!(
                "{name} needs {} on top of the stack, but the top is [{}] ({message})",
                operand_types(doc),
                top.join(" ")
            )
        }
        // The stack says something only when the complaint is about operands.
        _ if message.contains("type mismatch") || message.contains("stack") => {
            format!("{name}: {message}; {have}")
        }
        _ => format!("{name}: {message}"),
    }
}

fn operand_types(doc: &crate::text::catalog::InstrDoc) -> String {
    format!(
        "[{}]",
        doc.params
            .iter()
            .map(|p| p.ty)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_follow_the_text_format() {
        assert_eq!(operator_name(&Operator::I32Add), "i32.add");
        assert_eq!(
            operator_name(&Operator::I32TruncSatF32S),
            "i32.trunc_sat_f32_s"
        );
        assert_eq!(operator_name(&Operator::I64ExtendI32U), "i64.extend_i32_u");
        assert_eq!(operator_name(&Operator::I32Extend8S), "i32.extend8_s");
        assert_eq!(
            operator_name(&Operator::LocalGet { local_index: 0 }),
            "local.get"
        );
        assert_eq!(
            operator_name(&Operator::BrIf { relative_depth: 0 }),
            "br_if"
        );
        assert_eq!(
            operator_name(&Operator::MemoryGrow { mem: 0 }),
            "memory.grow"
        );
        assert_eq!(operator_name(&Operator::RefIsNull), "ref.is_null");
        assert_eq!(
            crate::vm::translate::variant_text_name("I32AtomicLoad"),
            "i32.atomic.load"
        );
        assert_eq!(
            crate::vm::translate::variant_text_name("I32AtomicRmw8AddU"),
            "i32.atomic.rmw8.add_u"
        );
    }

    #[test]
    fn wrong_types_on_top_are_named() {
        let text = invalid_operator(
            &Operator::I32Add,
            "type mismatch: expected i32, found i64",
            &["f32".into(), "i32".into(), "i64".into()],
        );
        assert!(
            text.starts_with(
                "i32.add needs [i32 i32] on top of the stack, but the top is [i32 i64]"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_short_stack_is_explained_with_the_needed_operands() {
        let text = invalid_operator(
            &Operator::I32Add,
            "type mismatch: expected i32 but nothing on stack",
            &["i32".into()],
        );
        assert!(
            text.starts_with("i32.add needs 2 operands [i32 i32], the stack has 1: [i32]"),
            "{text}"
        );
    }

    #[test]
    fn a_signature_that_does_not_apply_gives_way_to_the_validator() {
        // An i32 address on a 64-bit memory: the catalog's [i32 i64] is what
        // the stack holds, so only the validator's words explain the error.
        let memarg = wasmparser::MemArg {
            align: 3,
            max_align: 3,
            offset: 0,
            target: wasmparser::MemArgTarget::Memory(0),
            ordering: None,
        };
        let text = invalid_operator(
            &Operator::I64Store { memarg },
            "type mismatch: expected i64, found i32",
            &["i32".into(), "i64".into()],
        );
        assert_eq!(
            text,
            "i64.store: type mismatch: expected i64, found i32; the stack has 2: [i32 i64]"
        );
    }
}

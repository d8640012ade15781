//! Validation errors in plain words: which instruction, what it needs, and
//! what the stack actually held at that point.

use wasmparser::Operator;

pub use crate::vm::translate::operator_name;

/// Explains why `op` was rejected, given the validator's `message`, the
/// operand types within its block's reach just before it (`stack`, bottom
/// first) and how many values lie `beneath` them, outside the block.
pub fn invalid_operator(
    op: &Operator<'_>,
    message: &str,
    stack: &[String],
    beneath: usize,
) -> String {
    let name = operator_name(op);
    let message = &plain_ids(message);
    if name == "ref.eq" && message.contains("expected subtype of eqref") {
        return format!(
            "ref.eq compares references to structs, arrays and i31s (subtypes of eqref), but \
             {}: a function, extern or exception reference is not an eqref, and WebAssembly \
             cannot compare those",
            stack_has("the stack", stack)
        );
    }
    // Signatures with placeholder types (`t`, `any`) say less than the validator does.
    const CONCRETE: &[&str] = &["i32", "i64", "f32", "f64", "funcref", "externref"];
    let params: Option<Vec<String>> = crate::text::catalog::lookup(&name)
        .filter(|d| d.params.iter().all(|p| CONCRETE.contains(&p.ty)))
        .map(|d| d.params.iter().map(|p| p.ty.to_string()).collect());
    params
        .and_then(|params| operand_mismatch(&name, &params, None, message, stack, beneath))
        // The stack says something only when the complaint is about operands.
        .unwrap_or_else(|| {
            if message.contains("type mismatch") || message.contains("stack") {
                format!("{name}: {message}; {}", stack_has("the stack", stack))
            } else {
                format!("{name}: {message}")
            }
        })
}

/// Explains a validator's operand complaint about `title` (e.g. `call $add`),
/// which takes `params` (`t` stands for any type), `why` those: too few
/// operands, or the wrong types on top. None when the stack's types match
/// the signature (it does not apply here, e.g. an i64 address of a 64-bit
/// memory) or the complaint is not about operand types.
pub fn operand_mismatch(
    title: &str,
    params: &[String],
    why: Option<&str>,
    message: &str,
    stack: &[String],
    beneath: usize,
) -> Option<String> {
    if !message.contains("type mismatch") {
        return None;
    }
    let types = format!("[{}]", params.join(" "));
    let why = why.map_or_else(String::new, |w| format!(" ({w})"));
    let needs = params.len();
    if stack.len() < needs {
        let outside = match beneath {
            0 => String::new(),
            n => format!(
                "; {} beneath belong{} outside the block, out of its reach: pass values into a \
                 block as its parameters, e.g. (block (param i32) ...)",
                if n == 1 {
                    "the 1 value".to_string()
                } else {
                    format!("the {n} values")
                },
                if n == 1 { "s" } else { "" }
            ),
        };
        let whose = if beneath > 0 {
            "the block's stack"
        } else {
            "the stack"
        };
        let have = stack_has(whose, stack);
        return Some(format!(
            "{title} needs {needs} operand{} {types}{why}, but {have}{outside}",
            if needs == 1 { "" } else { "s" },
        ));
    }
    let top = &stack[stack.len() - needs..];
    let differs = top
        .iter()
        .zip(params)
        .any(|(have, want)| want != "t" && have != "?" && have != want);
    differs.then(|| {
        format!(
            "{title} needs {types}{why} on top of the stack, but the top is [{}] ({message})",
            top.join(" ")
        )
    })
}

/// The validator's message with its internal type ids (`(ref (id 0))`)
/// written as the stack shows types (`(ref 0)`).
fn plain_ids(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("(id ") {
        let digits = rest[at + 4..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let close = at + 4 + digits;
        if digits == 0 || rest.as_bytes().get(close) != Some(&b')') {
            out.push_str(&rest[..at + 4]);
            rest = &rest[at + 4..];
            continue;
        }
        out.push_str(&rest[..at]);
        out.push_str(&rest[at + 4..close]);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// "the stack is empty", "the stack has 2: [i32 i64]" (`whose` names the stack).
fn stack_has(whose: &str, stack: &[String]) -> String {
    match stack.len() {
        0 => format!("{whose} is empty"),
        n => format!("{whose} has {n}: [{}]", stack.join(" ")),
    }
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
    fn internal_type_ids_read_as_the_stack_writes_types() {
        assert_eq!(
            plain_ids("expected i32, found (ref null (id 12)) or (id x)"),
            "expected i32, found (ref null 12) or (id x)"
        );
    }

    #[test]
    fn ref_eq_on_function_references_says_what_it_compares() {
        let stack = ["(ref 0)".to_string(), "(ref 0)".to_string()];
        let text = invalid_operator(
            &Operator::RefEq,
            "type mismatch: expected subtype of eqref, found (ref (id 0))",
            &stack,
            0,
        );
        assert!(
            text.starts_with("ref.eq compares references to structs, arrays and i31s"),
            "{text}"
        );
        assert!(
            text.contains("the stack has 2: [(ref 0) (ref 0)]"),
            "{text}"
        );
        assert!(!text.contains("(id "), "{text}");
    }

    #[test]
    fn wrong_types_on_top_are_named() {
        let text = invalid_operator(
            &Operator::I32Add,
            "type mismatch: expected i32, found i64",
            &["f32".into(), "i32".into(), "i64".into()],
            0,
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
            0,
        );
        assert_eq!(
            text,
            "i32.add needs 2 operands [i32 i32], but the stack has 1: [i32]"
        );
        let text = invalid_operator(
            &Operator::I32Add,
            "type mismatch: expected i32 but nothing on stack",
            &["i32".into()],
            2,
        );
        assert!(
            text.starts_with("i32.add needs 2 operands [i32 i32], but the block's stack has 1: [i32]; the 2 values beneath belong outside the block"),
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
            0,
        );
        assert_eq!(
            text,
            "i64.store: type mismatch: expected i64, found i32; the stack has 2: [i32 i64]"
        );
    }
}

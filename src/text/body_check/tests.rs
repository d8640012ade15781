use super::*;
use crate::text::assemble::assemble_with_instr_spans;

/// Assembles `text`, finds its validation error and returns it with the
/// text the mapped span starts at.
fn located(text: &str) -> (BodyError, String) {
    let (bytes, spans) = assemble_with_instr_spans(text).expect("assembles");
    let offset = wasmparser::Validator::new()
        .validate_all(&bytes)
        .err()
        .expect("invalid")
        .offset() as usize;
    let error = body_error(&bytes, WasmFeatures::default(), offset).expect("in a body");
    let funcs = &spans[error.defined];
    let at = funcs[error.fault.instr_index(funcs.len()).expect("mapped")];
    let word = text[at..]
        .split([')', '\n'])
        .next()
        .unwrap_or("")
        .to_string();
    (error, word)
}

#[test]
fn a_wrong_result_is_blamed_on_the_last_instruction_and_explained() {
    let (error, word) = located("(module (func $bad (result i32) (i32.const 1) (i64.const 2)))");
    assert_eq!(word, "i64.const 2");
    assert!(error.fault.final_end);
    assert_eq!(error.func_label(), "func $bad");
    assert!(
        error.fault.explanation.starts_with(
            "the function's body must end with [i32] on the stack (its result type), but it ends with [i32 i64]"
        ),
        "{}",
        error.fault.explanation
    );
}

#[test]
fn an_operator_in_the_middle_maps_to_its_own_span() {
    let text = "(module\n  (func $m (param $a i32) (result i32)\n    local.get $a\n    f32.const 1\n    i32.add))";
    let (error, word) = located(text);
    assert_eq!(word, "i32.add");
    assert!(!error.fault.final_end);
    assert!(
        error
            .fault
            .explanation
            .starts_with("i32.add needs [i32 i32] on top of the stack, but the top is [i32 f32]"),
        "{}",
        error.fault.explanation
    );
}

#[test]
fn imported_functions_count_in_the_index_but_not_among_the_defined() {
    let text = "(module (import \"m\" \"f\" (func)) (func) (func local.get 3 drop))";
    let (error, word) = located(text);
    assert_eq!(word, "local.get 3 drop");
    assert_eq!((error.func, error.defined), (2, 1));
    assert_eq!(error.func_label(), "func 2");
    assert!(
        error.fault.explanation.contains("unknown local 3"),
        "{}",
        error.fault.explanation
    );
}

#[test]
fn a_binary_without_names_gets_the_instruction_text_from_the_printer() {
    let bytes =
        wat::parse_str("(module (func (result i32) (i32.add (i32.const 1) (f64.const 2))))")
            .expect("assembles");
    let offset = wasmparser::Validator::new()
        .validate_all(&bytes)
        .err()
        .expect("invalid")
        .offset() as usize;
    let error = body_error(&bytes, WasmFeatures::default(), offset).expect("in a body");
    assert_eq!(error.instr.as_deref(), Some("i32.add"));
    assert_eq!(error.fault.offset, offset);
    assert_eq!(error.name, None);
}

#[test]
fn an_offset_outside_every_body_is_not_a_body_error() {
    let bytes = wat::parse_str("(module (func))").expect("assembles");
    assert_eq!(body_error(&bytes, WasmFeatures::default(), 3), None);
}

#[test]
fn the_final_end_stands_on_the_last_instruction_and_an_empty_body_has_none() {
    let fault = OpFault {
        index: 0,
        offset: 0,
        final_end: true,
        explanation: String::new(),
    };
    assert_eq!(fault.instr_index(0), None);
    assert_eq!(
        OpFault {
            index: 2,
            ..fault.clone()
        }
        .instr_index(2),
        Some(1)
    );
    let inner = OpFault {
        final_end: false,
        ..fault
    };
    assert_eq!(inner.instr_index(2), Some(0));
    assert_eq!(OpFault { index: 2, ..inner }.instr_index(2), None);
}

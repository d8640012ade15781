//! Run mode's superinstructions: every listed sequence occurs in the
//! program `tests/threaded_stack.rs` runs on a small native stack, so a
//! superinstruction whose handler stops tail-calling is caught there.

use super::threaded::{SEQUENCES, fused_len};
use crate::vm::Module;
use std::collections::BTreeSet;

/// The variant name of an instruction (`I32Add` for `I32Add { .. }`).
fn variant(instr: &crate::vm::instr::Instr) -> String {
    let text = format!("{instr:?}");
    text.split([' ', '{']).next().unwrap_or_default().to_owned()
}

#[test]
fn every_superinstruction_occurs_in_the_stack_test_program() {
    let wat = include_str!("../../../tests/programs/pairs.wat");
    let module = Module::from_wat(wat).expect("the pairs program is valid");
    let mut fused = BTreeSet::new();
    for body in &module.bodies {
        let code = &body.run.code;
        for at in 0..code.len() {
            let n = fused_len(&code[at..]);
            if n > 0 {
                fused.insert(code[at..at + n].iter().map(variant).collect::<Vec<_>>());
            }
        }
    }
    let missing: Vec<_> = SEQUENCES
        .iter()
        .filter(|names| !fused.iter().any(|f| f == *names))
        .collect();
    assert!(
        missing.is_empty(),
        "sequences the program lacks: {missing:?}"
    );
}

//! Run mode's superinstructions: every listed pair occurs in the program
//! `tests/threaded_stack.rs` runs on a small native stack, so a pair whose
//! handler stops tail-calling is caught there.

use super::threaded::{PAIRS, fuses};
use crate::vm::Module;
use std::collections::BTreeSet;

/// The variant name of an instruction (`I32Add` for `I32Add { .. }`).
fn variant(instr: &crate::vm::instr::Instr) -> String {
    let text = format!("{instr:?}");
    text.split([' ', '{']).next().unwrap_or_default().to_owned()
}

#[test]
fn every_pair_occurs_in_the_stack_test_program() {
    let wat = include_str!("../../../tests/programs/pairs.wat");
    let module = Module::from_wat(wat).expect("the pairs program is valid");
    let mut fused = BTreeSet::new();
    for body in &module.bodies {
        for two in body.run.code.windows(2) {
            if fuses(&two[0], &two[1]) {
                fused.insert((variant(&two[0]), variant(&two[1])));
            }
        }
    }
    let missing: Vec<_> = PAIRS
        .iter()
        .filter(|(a, b)| !fused.contains(&((*a).to_owned(), (*b).to_owned())))
        .collect();
    assert!(missing.is_empty(), "pairs the program lacks: {missing:?}");
    assert_eq!(fused.len(), PAIRS.len(), "every fused pair is a listed one");
}

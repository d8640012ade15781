//! Run mode's superinstructions: every listed sequence occurs in the
//! program `tests/threaded_stack.rs` runs on a small native stack, so a
//! superinstruction whose handler stops tail-calling is caught there.

use super::threaded::{SEQUENCES, fused};
use crate::vm::Module;
use std::collections::BTreeSet;

#[test]
fn every_superinstruction_occurs_in_the_stack_test_program() {
    let wat = include_str!("../../../tests/programs/pairs.wat");
    let module = Module::from_wat(wat).expect("the pairs program is valid");
    let mut found = BTreeSet::new();
    for body in &module.bodies {
        let code = &body.run.code;
        for at in 0..code.len() {
            if let Some((number, _)) = fused(&code[at..]) {
                found.insert(number);
            }
        }
    }
    let missing: Vec<_> = SEQUENCES
        .iter()
        .enumerate()
        .filter(|(number, _)| !found.contains(number))
        .map(|(_, sequence)| sequence)
        .collect();
    assert!(
        missing.is_empty(),
        "sequences the program lacks: {missing:?}"
    );
}

#[test]
fn a_chained_part_fuses_only_when_it_reads_what_the_part_before_wrote() {
    use crate::vm::instr::Instr;
    let xor = Instr::I32Xor { dst: 5, a: 1, b: 2 };
    let reads_it = Instr::I32Mul { dst: 6, a: 5, b: 3 };
    let reads_another = Instr::I32Mul { dst: 6, a: 4, b: 5 };
    let sequence = |code: &[Instr]| fused(code).map(|(number, len)| (SEQUENCES[number], len));
    assert_eq!(sequence(&[xor, reads_it]), Some(("I32Xor I32Mul[2]", 2)));
    // `I32Mul[2]` takes field 2 (`a`) in a register: here that is slot 4,
    // not the xor's 5, so the pair runs as two handlers.
    assert_eq!(sequence(&[xor, reads_another]), None);
}

//! Counting which run-mode instructions follow which (feature `pair-stats`):
//! the measurement that superinstructions are chosen from.
//!
//! Off by default; with the feature on, the run loop records every executed
//! transition (this instruction, then that one, keyed by their addresses in
//! the code) in a per-thread table, and [`take`] sums them by kind. The
//! compare benchmark prints the sums (`cargo bench --bench compare
//! --features pair-stats -- --pairs`). Costs a hash lookup per instruction,
//! so it is never on in a measured build.

use crate::vm::instr::Instr;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-shift hasher for the table's address pairs (the default
/// hasher would triple the cost of counting).
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(29) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// One transition's count, with the two instructions it was first seen with.
struct Seen {
    count: u64,
    pair: (Instr, Instr),
}

#[derive(Default)]
struct Table {
    /// The instruction executed last, and where it is.
    last: Option<(usize, Instr)>,
    /// Transitions by the addresses of their two instructions.
    seen: HashMap<(usize, usize), Seen, BuildHasherDefault<AddressHasher>>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::default();
}

/// Records that the instruction at address `here` runs now (after the one recorded last).
pub(super) fn record(here: usize, instr: Instr) {
    TABLE.with_borrow_mut(|t| {
        if let Some((there, before)) = t.last.replace((here, instr)) {
            t.seen
                .entry((there, here))
                .or_insert(Seen {
                    count: 0,
                    pair: (before, instr),
                })
                .count += 1;
        }
    });
}

/// A kind of instruction: its variant name (`I32Add`), without the operands.
fn kind(instr: &Instr) -> String {
    let text = format!("{instr:?}");
    let end = text.find([' ', '{', '(']).unwrap_or(text.len());
    text[..end].to_string()
}

/// Every transition counted on this thread since the last call, summed by
/// the kinds of its two instructions, most executed first; and clears the table.
pub fn take() -> Vec<((String, String), u64)> {
    let table = TABLE.take();
    let mut sums: HashMap<(String, String), u64> = HashMap::new();
    for seen in table.seen.values() {
        let (a, b) = &seen.pair;
        *sums.entry((kind(a), kind(b))).or_default() += seen.count;
    }
    let mut sums: Vec<_> = sums.into_iter().collect();
    sums.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_are_summed_by_kind() {
        let code = [
            Instr::Const32 { dst: 0, val: 1 },
            Instr::I32Add { dst: 0, a: 0, b: 1 },
            Instr::BrLoop {
                target: -1i32 as u32,
            },
        ];
        take();
        record(&code[0], code[0]);
        for _ in 0..3 {
            record(&code[1], code[1]);
            record(&code[2], code[2]);
        }
        let sums = take();
        let count = |a: &str, b: &str| {
            sums.iter()
                .find(|((x, y), _)| x == a && y == b)
                .map(|s| s.1)
        };
        assert_eq!(count("I32Add", "BrLoop"), Some(3));
        assert_eq!(count("BrLoop", "I32Add"), Some(2));
        assert_eq!(count("Const32", "I32Add"), Some(1));
        assert_eq!(sums[0].0, ("I32Add".to_string(), "BrLoop".to_string()));
        assert!(take().is_empty());
    }
}

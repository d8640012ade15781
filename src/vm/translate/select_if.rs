//! Run mode's if-conversion: an `if` whose two arms each compute a value
//! from locals and constants, with instructions that cannot trap, and store
//! it in the same scalar local, runs as both computations and one
//! [`Instr::SelectIf`] into the local.
//!
//! A condition that follows the data (collatz's odd/even step) makes the
//! branch a coin toss for the processor; computing both arms costs one or
//! two instructions more and never mispredicts. What the program observes is
//! the same: neither arm can trap or write anything before the select, so
//! running the arm the condition does not pick changes nothing. Step code
//! keeps the `if` as written, and so does an arm with anything else in it.

use super::{Operand, Translator};
use crate::vm::instr::{Instr, Slot};
use crate::vm::value::ValType;
use wasmparser::{Operator, OperatorsReader};

/// Most instructions an arm may have besides its `local.set`: the extra
/// work of running both arms stays small.
const MAX_ARM: usize = 8;

/// An `if` being run as a select.
#[derive(Clone, Copy, Debug)]
pub(super) struct Conversion {
    /// The wasm local both arms set.
    local: u32,
    /// Stack position of the condition (the arms' values go above it).
    cond: usize,
    /// The `i32.eqz` or `i64.eqz` that computed the condition, folded into
    /// the select (see [`Translator::begin_select_if`]).
    eqz: Option<Width>,
    /// The `i32.and` or `i64.and` that computed the condition (or the
    /// eqz's operand), folded in: its two operand slots, packed 16 bits each.
    and: Option<(Width, u32)>,
}

/// The width of a folded `eqz` or `and`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Width {
    I32,
    I64,
}

/// The local an `if` (its operators next in `reader`) can be converted to a
/// select into, or `None` when the arms do anything else (see the module doc).
pub(super) fn target(mut reader: OperatorsReader<'_>, local_types: &[ValType]) -> Option<u32> {
    let scalar = |local: u32| {
        matches!(
            local_types.get(local as usize),
            Some(ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64)
        )
    };
    let mut local = None;
    for last in [true, false] {
        let mut len = 0;
        loop {
            match reader.read().ok()? {
                Operator::LocalSet { local_index } if scalar(local_index) => {
                    if *local.get_or_insert(local_index) != local_index {
                        return None;
                    }
                    break;
                }
                Operator::LocalGet { local_index } if scalar(local_index) => {}
                op if cannot_trap(&op) => {}
                _ => return None,
            }
            len += 1;
            if len > MAX_ARM {
                return None;
            }
        }
        match (reader.read().ok()?, last) {
            (Operator::Else, true) | (Operator::End, false) if len > 0 => {}
            _ => return None,
        }
    }
    local
}

/// Integer instructions that only compute (no trap, no state).
fn cannot_trap(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::I32Const { .. }
            | O::I64Const { .. }
            | O::I32Add
            | O::I32Sub
            | O::I32Mul
            | O::I32And
            | O::I32Or
            | O::I32Xor
            | O::I32Shl
            | O::I32ShrS
            | O::I32ShrU
            | O::I32Rotl
            | O::I32Rotr
            | O::I32Eqz
            | O::I32Eq
            | O::I32Ne
            | O::I32LtS
            | O::I32LtU
            | O::I32GtS
            | O::I32GtU
            | O::I32LeS
            | O::I32LeU
            | O::I32GeS
            | O::I32GeU
            | O::I64Add
            | O::I64Sub
            | O::I64Mul
            | O::I64And
            | O::I64Or
            | O::I64Xor
            | O::I64Shl
            | O::I64ShrS
            | O::I64ShrU
            | O::I64Rotl
            | O::I64Rotr
            | O::I64Eqz
            | O::I64Eq
            | O::I64Ne
            | O::I64LtS
            | O::I64LtU
            | O::I64GtS
            | O::I64GtU
            | O::I64LeS
            | O::I64LeU
            | O::I64GeS
            | O::I64GeU
            | O::I32WrapI64
            | O::I64ExtendI32S
            | O::I64ExtendI32U
    )
}

impl Translator<'_> {
    /// `if` whose arms set `local`: the condition stays where it is, and the
    /// arms compute their values above it. An `eqz` and an `and` that just
    /// computed the condition fold into the select (see [`Instr::SelectIfAnd`]):
    /// collatz's `(if (i64.eqz (i64.and (local.get $x) (i64.const 1))))` is
    /// then two instructions fewer on the path from `x` to the new `x`.
    pub(super) fn begin_select_if(&mut self, local: u32) {
        let cond = self.stack.len() - 1;
        let last = self.last_result.filter(|at| at + 1 == self.code.len());
        self.last_result = None;
        let eqz = last.and_then(|at| self.fold_eqz(at, cond));
        // An `and` folds when it produced the condition, or the operand of
        // the eqz right after it (no block began between the two: a loop
        // starting at the eqz is a branch target).
        let and_at = match eqz {
            None => last,
            Some(_) if self.stack[cond] != Operand::Stack => None,
            Some(_) => {
                let eqz_at = self.pc();
                let boundary = self.frames.iter().any(|f| f.loop_start == eqz_at);
                eqz_at
                    .checked_sub(1)
                    .filter(|_| !boundary)
                    .map(|at| at as usize)
            }
        };
        let and = and_at.and_then(|at| self.fold_and(at, cond));
        self.converting = Some(Conversion {
            local,
            cond,
            eqz,
            and,
        });
    }

    /// Removes the `eqz` at `at` (the last instruction) when it computed the
    /// condition at stack position `cond`, which then holds its operand.
    fn fold_eqz(&mut self, at: usize, cond: usize) -> Option<Width> {
        let cond_slot = self.slot(cond);
        let (width, src) = match *self.code.get(at)? {
            Instr::I32Eqz { dst, src } if dst == cond_slot => (Width::I32, src),
            Instr::I64Eqz { dst, src } if dst == cond_slot => (Width::I64, src),
            _ => return None,
        };
        // A local's (or constant's) slot, or the condition's own stack slot
        // (the eqz ran in place).
        let operand = match src {
            src if src < self.base => Operand::Local(src),
            src if src == cond_slot => Operand::Stack,
            _ => return None,
        };
        self.pop_code();
        self.stack[cond] = operand;
        Some(width)
    }

    /// Removes the `and` at `at` (the last instruction) when it computed
    /// the condition's stack slot from operands the arms cannot overwrite
    /// (locals, constants, the condition's own slot); their packed slots.
    fn fold_and(&mut self, at: usize, cond: usize) -> Option<(Width, u32)> {
        let cond_slot = self.slot(cond);
        let (width, a, b) = match *self.code.get(at)? {
            Instr::I32And { dst, a, b } if dst == cond_slot => (Width::I32, a, b),
            Instr::I64And { dst, a, b } if dst == cond_slot => (Width::I64, a, b),
            _ => return None,
        };
        let kept = |s: Slot| (s < self.base || s == cond_slot) && s <= u32::from(u16::MAX);
        if at + 1 != self.code.len() || !kept(a) || !kept(b) {
            return None;
        }
        self.pop_code();
        Some((width, a | b << 16))
    }

    /// Removes the last instruction (folded into the select).
    fn pop_code(&mut self) {
        self.code.pop();
        self.offsets.pop();
    }

    /// The operator `op` of a converted `if`'s arms, when it is one the
    /// conversion handles itself: an arm's `local.set` leaves the arm's
    /// value on the stack, `else` goes on to the second arm, and `end` selects.
    /// `false` for the arms' other instructions, translated as usual.
    pub(super) fn select_if_operator(&mut self, op: &Operator<'_>) -> bool {
        let Some(conversion) = self.converting else {
            return false;
        };
        match op {
            Operator::LocalSet { .. } | Operator::Else => true,
            Operator::End => {
                self.converting = None;
                let at = conversion.cond;
                // The two values side by side: an arm that is only a local
                // read or a constant is copied into its slot.
                for pos in [at + 1, at + 2] {
                    if let Some(&Operand::Local(local)) = self.stack.get(pos) {
                        self.materialize(pos, local);
                    }
                }
                let (cond, a) = (self.source(at), self.slot(at + 1));
                self.stack.truncate(at);
                let dst = self.push();
                self.emit_result(match (conversion.and, conversion.eqz) {
                    (None, None) => Instr::SelectIf { dst, cond, a },
                    (None, Some(Width::I32)) => Instr::SelectIfEqz { dst, cond, a },
                    (None, Some(Width::I64)) => Instr::SelectIfEqz64 { dst, cond, a },
                    (Some((_, ab)), None) => Instr::SelectIfAnd { dst, ab, a },
                    (Some((Width::I32, ab)), Some(_)) => Instr::SelectIfAndEqz { dst, ab, a },
                    (Some((Width::I64, ab)), Some(_)) => Instr::SelectIfAndEqz64 { dst, ab, a },
                });
                self.local_set(self.local_slot(conversion.local), false);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::vm::Module;
    use crate::vm::instr::Instr;

    /// Run code of the module's only function.
    fn run_code(body: &str) -> Vec<Instr> {
        let module = Module::from_wat(&format!("(module (func {body}))")).expect("valid");
        module.bodies[0].run.code.to_vec()
    }

    /// Whether run code and step code of the module's only function hold a
    /// select made from an `if`.
    fn selects(body: &str) -> (bool, bool) {
        let module = Module::from_wat(&format!("(module (func {body}))")).expect("valid");
        let has = |code: &[Instr]| {
            code.iter().any(|i| {
                matches!(
                    i,
                    Instr::SelectIf { .. }
                        | Instr::SelectIfEqz { .. }
                        | Instr::SelectIfEqz64 { .. }
                        | Instr::SelectIfAnd { .. }
                        | Instr::SelectIfAndEqz { .. }
                        | Instr::SelectIfAndEqz64 { .. }
                )
            })
        };
        let body = &module.bodies[0];
        (has(&body.run.code), has(&body.step.code))
    }

    #[test]
    fn an_eqz_and_an_and_condition_fold_into_the_select() {
        let arms = "(then (local.set $r (i32.const 1))) (else (local.set $r (i32.const 2)))";
        let has = |code: &[Instr], f: fn(&Instr) -> bool| code.iter().any(f);
        let collatz = run_code(&format!(
            "(param $x i64) (local $r i32) (if (i64.eqz (i64.and (local.get $x) (i64.const 1))) {arms})"
        ));
        assert!(
            has(
                &collatz,
                |i| matches!(i, Instr::SelectIfAndEqz64 { ab, .. } if ab & 0xffff == 0)
            ),
            "{collatz:?}"
        );
        assert!(
            !has(&collatz, |i| matches!(
                i,
                Instr::I64Eqz { .. } | Instr::I64And { .. }
            )),
            "{collatz:?}"
        );
        let and = run_code(&format!(
            "(param $x i32) (local $r i32) (if (i32.and (local.get $x) (i32.const 4)) {arms})"
        ));
        assert!(
            has(&and, |i| matches!(i, Instr::SelectIfAnd { .. })),
            "{and:?}"
        );
        // The eqz of a local: the select tests the local itself.
        let narrow = run_code(&format!(
            "(param $x i32) (local $r i32) (if (i32.eqz (local.get $x)) {arms})"
        ));
        assert!(
            has(&narrow, |i| matches!(i, Instr::SelectIfEqz { cond: 0, .. })),
            "{narrow:?}"
        );
        let plain = run_code(&format!(
            "(param $x i32) (local $r i32) (if (local.get $x) {arms})"
        ));
        assert!(
            has(&plain, |i| matches!(i, Instr::SelectIf { cond: 0, .. })),
            "{plain:?}"
        );
        // An and whose operand is a stack slot above the condition (the
        // arms' values go there) stays.
        let above = run_code(&format!(
            "(param $x i32) (local $r i32) (if (i32.and (local.get $x) (i32.add (local.get $x) (i32.const 1))) {arms})"
        ));
        assert!(
            has(&above, |i| matches!(i, Instr::I32And { .. })),
            "{above:?}"
        );
        // An and before a loop that begins with the eqz stays: a branch to
        // the loop brings a new operand for the eqz.
        let across = run_code(&format!(
            "(param $x i64) (local $r i32) (i64.and (local.get $x) (i64.const 1))
             (loop (param i64) (if (i64.eqz) {arms}) (br 0 (local.get $x)))"
        ));
        assert!(
            has(&across, |i| matches!(i, Instr::I64And { .. })),
            "{across:?}"
        );
        assert!(
            has(&across, |i| matches!(i, Instr::SelectIfEqz64 { .. })),
            "{across:?}"
        );
    }

    #[test]
    fn only_arms_that_compute_and_set_one_local_become_a_select() {
        let collatz = "(param $x i64)
            (if (i64.eqz (i64.and (local.get $x) (i64.const 1)))
              (then (local.set $x (i64.shr_u (local.get $x) (i64.const 1))))
              (else (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1)))))";
        assert_eq!(selects(collatz), (true, false));
        // A division may trap: running the arm the condition does not pick
        // could trap where the program does not.
        let divides = "(param $d i32) (local $q i32)
            (if (local.get $d)
              (then (local.set $q (i32.div_s (i32.const 100) (local.get $d))))
              (else (local.set $q (i32.const -1))))";
        assert_eq!(selects(divides), (false, false));
        let two_locals = "(param $c i32) (local $a i32) (local $b i32)
            (if (local.get $c)
              (then (local.set $a (i32.const 1)))
              (else (local.set $b (i32.const 1))))";
        assert_eq!(selects(two_locals), (false, false));
        let no_else = "(param $c i32) (local $a i32)
            (if (local.get $c) (then (local.set $a (i32.const 1))))";
        assert_eq!(selects(no_else), (false, false));
        let writes_memory = "(param $c i32) (local $a i32)
            (if (local.get $c)
              (then (local.set $a (i32.const 1)))
              (else (global.set 0 (i32.const 1)) (local.set $a (i32.const 2))))
            ) (global (mut i32) (i32.const 0)";
        assert_eq!(selects(writes_memory), (false, false));
    }
}

//! Step mode against WebAssembly's control flow (issue 10, item 5): a branch
//! to a loop continues with the first instruction of its body, `loop` and
//! `block` run once on entry, and a function is entered once per call.

use crate::vm::instr::Instr;
use crate::vm::{Execution, Extern, FuncAddr, Limits, Module, Outcome, Store, Value};
use std::sync::Arc;

/// Counts `$n` down to 0: two iterations for `$n = 2`.
const COUNTDOWN: &str = r#"(module
  (func $count (export "count") (param $n i32)
    (loop $top
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $top (local.get $n))))
  (func (export "twice")
    (call $count (i32.const 2))
    (call $count (i32.const 2))))"#;

/// A store with `wat` instantiated, and the addresses of its exports `names`.
fn instance<const N: usize>(wat: &str, names: [&str; N], limits: Limits) -> (Store, [FuncAddr; N]) {
    let module = Module::from_wat(wat).expect("valid module");
    let mut store = Store::new(limits);
    let inst = store
        .instantiate(&Arc::new(module), &[])
        .expect("instantiates");
    let funcs = names.map(
        |name| match store.instance(inst).and_then(|i| i.export(name)) {
            Some(Extern::Func(f)) => f,
            _ => panic!("no export {name}"),
        },
    );
    (store, funcs)
}

/// The byte offset of every instruction a step-mode call of `func` executes.
fn executed_offsets(store: &mut Store, func: FuncAddr, args: &[Value]) -> Vec<usize> {
    let mut exec = Execution::new(store, func, args).expect("call");
    exec.use_step_mode();
    let mut offsets = Vec::new();
    loop {
        if let Some((_, offset)) = exec.position(store) {
            offsets.push(offset);
        }
        match exec.step(store) {
            Ok(Outcome::Paused) => {}
            Ok(Outcome::Finished(_)) => return offsets,
            Err(trap) => panic!("trapped: {trap}"),
        }
    }
}

#[test]
fn a_two_iteration_loop_executes_loop_once() {
    let (mut store, [count]) = instance(COUNTDOWN, ["count"], Limits::default());
    let offsets = executed_offsets(&mut store, count, &[Value::I32(2)]);
    let loop_at = offsets[0];
    // loop, then twice: local.get, i32.const, i32.sub, local.set, local.get,
    // br_if; then the loop's end and the function's end.
    assert_eq!(offsets.len(), 1 + 2 * 6 + 2, "{offsets:x?}");
    assert_eq!(offsets.iter().filter(|o| **o == loop_at).count(), 1);
    // `loop` with an empty block type is two bytes; the body starts after it.
    let body_start = loop_at + 2;
    assert_eq!(offsets[1], body_start);
    assert_eq!(offsets[7], body_start, "the back-edge lands on the body");
}

#[test]
fn the_step_form_branches_to_the_first_instruction_of_the_loop_body() {
    let module = Module::from_wat(COUNTDOWN).expect("valid module");
    let step = &module.bodies[0].step;
    assert_eq!(step.code[0], Instr::Nop, "the `loop` marker");
    let (at, target) = step
        .code
        .iter()
        .enumerate()
        .find_map(|(at, instr)| match instr {
            Instr::BrIfNez { target, .. } => Some((at, *target)),
            _ => None,
        })
        .expect("the br_if");
    let dest = (at as i64 + i64::from(target as i32)) as usize;
    assert_eq!(dest, 1, "past the marker, at the body's first instruction");
    assert_eq!(step.offsets[dest], step.offsets[0] + 2);
}

#[test]
fn a_branch_that_lands_on_itself_is_one_step_each_time() {
    let limits = Limits {
        fuel: Some(1_000),
        ..Limits::default()
    };
    let (mut store, [spin]) = instance(
        r#"(module (func (export "spin") (loop $l (br $l))))"#,
        ["spin"],
        limits,
    );
    let mut exec = Execution::new(&store, spin, &[]).expect("call");
    assert_eq!(exec.step(&mut store), Ok(Outcome::Paused));
    let (_, br_at) = exec.position(&store).expect("a position");
    for _ in 0..3 {
        assert_eq!(exec.step(&mut store), Ok(Outcome::Paused));
        assert_eq!(exec.position(&store).map(|p| p.1), Some(br_at));
    }
}

#[test]
fn an_entry_breakpoint_on_a_function_starting_with_a_loop_fires_once_per_call() {
    let (mut store, [twice, count]) = instance(COUNTDOWN, ["twice", "count"], Limits::default());
    let mut exec = Execution::new(&store, twice, &[]).expect("call");
    exec.set_breakpoints(vec![count], Vec::new());
    let mut hits = 0;
    loop {
        match exec.run_steps(&mut store, u64::MAX) {
            Ok(Outcome::Paused) => {
                assert!(exec.hit_breakpoint());
                assert_eq!(
                    exec.call_stack().last().map(|f| (f.func, f.pc)),
                    Some((count, 0))
                );
                hits += 1;
            }
            Ok(Outcome::Finished(_)) => break,
            Err(trap) => panic!("trapped: {trap}"),
        }
    }
    assert_eq!(hits, 2);
}

//! Run mode's handlers must hand over to the next instruction by a jump
//! (a tail call that release builds turn into one), never by a nested call:
//! otherwise every executed instruction would keep a native stack frame.
//!
//! The programs here execute millions of instructions and recurse 15,000
//! wasm calls deep on a thread with a 64 KiB stack, which only fits when no
//! handler keeps a frame. This catches a handler that stops tail-calling in
//! a RELEASE build (`cargo test --release --test threaded_stack`, run by
//! `.ci/run`). Debug builds dispatch through a trampoline instead and check
//! the same results on a larger stack, since their unoptimised frames are
//! bigger than 64 KiB on their own.

use std::sync::Arc;
use watlab::vm::{Execution, Extern, Limits, Module, Store, Value};

const PROGRAM: &str = r#"
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $inc $dec)
  (type $t (func (param i32) (result i32)))
  (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $dec (type $t) (i32.sub (local.get 0) (i32.const 1)))
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func (export "spin") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (i32.store (i32.const 8) (local.get $i))
      (local.set $acc (i32.add (local.get $acc) (i32.load (i32.const 8))))
      ;; `memory.size` has no handler of its own: the generic one runs it.
      (global.set $g (i32.add (global.get $g) (memory.size)))
      (local.set $acc
        (call_indirect (type $t) (local.get $acc) (i32.and (local.get $i) (i32.const 1))))
      (block $a (block $b (br_table $a $b (i32.and (local.get $i) (i32.const 1)))))
      (local.set $acc (select (local.get $acc) (i32.const 0) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $acc) (global.get $g))))
"#;

/// Loops in every shape run mode fuses into a superinstruction (a unit test
/// in `src/vm/exec/threaded_tests.rs` checks that every listed pair occurs).
const PAIRS_PROGRAM: &str = include_str!("programs/pairs.wat");

/// Runs export `name` with `arg` in run mode on a thread with a small stack.
fn run_on_small_stack(name: &'static str, arg: i32) -> Vec<Value> {
    run_program_on_small_stack(PROGRAM, name, arg)
}

/// Runs export `name` of `program` with `arg` in run mode on a thread with a small stack.
fn run_program_on_small_stack(program: &str, name: &'static str, arg: i32) -> Vec<Value> {
    let wasm = wat::parse_str(program).expect("the test program assembles");
    let module = Arc::new(Module::from_binary(&wasm).expect("the test program is valid"));
    let mut store = Store::new(Limits::default());
    let inst = store.instantiate(&module, &[]).expect("it instantiates");
    let Some(Extern::Func(f)) = store.instance(inst).and_then(|i| i.export(name)) else {
        panic!("no export {name}");
    };
    let stack = if cfg!(debug_assertions) {
        8 << 20
    } else {
        64 << 10
    };
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let mut exec = Execution::new(&store, f, &[Value::I32(arg)]).expect("arguments fit");
            exec.run(&mut store).expect("it runs to the end")
        })
        .expect("a thread starts")
        .join()
        .expect("the run finished on its small stack")
}

#[test]
fn a_long_loop_runs_in_constant_native_stack() {
    let n: i32 = 300_000;
    // acc sums i, then +1 for even i and -1 for odd ones; g adds 1 (memory.size) per iteration.
    let expected = (n as i64 * (n as i64 - 1) / 2 + n as i64) as i32;
    assert_eq!(run_on_small_stack("spin", n), vec![Value::I32(expected)]);
}

#[test]
fn deep_recursion_runs_in_constant_native_stack() {
    assert_eq!(
        run_on_small_stack("depth", 15_000),
        vec![Value::I32(15_000)]
    );
}

/// What wasmi's `main` of `program` returns for `arg`.
fn wasmi_main(program: &str, arg: i32) -> i32 {
    let wasm = wat::parse_str(program).expect("the test program assembles");
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, &wasm[..]).expect("wasmi compiles it");
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Linker::<()>::new(&engine)
        .instantiate_and_start(&mut store, &module)
        .expect("wasmi instantiates it");
    let main = instance
        .get_typed_func::<i32, i32>(&store, "main")
        .expect("main takes and returns an i32");
    main.call(&mut store, arg).expect("wasmi runs it")
}

#[test]
fn every_superinstruction_runs_in_constant_native_stack() {
    let expected = wasmi_main(PAIRS_PROGRAM, 1000);
    assert_eq!(
        run_program_on_small_stack(PAIRS_PROGRAM, "main", 1000),
        vec![Value::I32(expected)]
    );
}

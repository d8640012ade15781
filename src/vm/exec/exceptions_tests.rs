//! Exception handling in both modes: payloads of every type, `exnref` in
//! locals, globals and tables, unwinding across frames and instances, a host
//! function that throws, and an uncaught exception that leaves the machine
//! at the throw.

use crate::vm::types::FuncType;
use crate::vm::{Execution, Extern, FuncAddr, Module, Outcome, Store, TrapCode, ValType, Value};
use std::sync::Arc;

fn export(store: &Store, inst: crate::vm::InstanceAddr, name: &str) -> Extern {
    store
        .instance(inst)
        .and_then(|i| i.export(name))
        .unwrap_or_else(|| panic!("no export {name}"))
}

fn func(store: &Store, inst: crate::vm::InstanceAddr, name: &str) -> FuncAddr {
    match export(store, inst, name) {
        Extern::Func(f) => f,
        other => panic!("{name} is a {}", other.kind_name()),
    }
}

/// Calls `f` in run mode and in step mode; both must agree.
fn call_both(store: &mut Store, f: FuncAddr, args: &[Value]) -> Result<Vec<Value>, TrapCode> {
    let run = Execution::new(store, f, args)
        .expect("call")
        .run(store)
        .map_err(|t| t.code);
    let mut exec = Execution::new(store, f, args).expect("call");
    let step = loop {
        match exec.run_steps(store, 1000) {
            Ok(Outcome::Paused) => {}
            Ok(Outcome::Finished(values)) => break Ok(values),
            Err(trap) => break Err(trap.code),
        }
    };
    assert_eq!(run, step, "run and step mode differ");
    run
}

fn instantiate(
    store: &mut Store,
    wat: &str,
    imports: &[Option<Extern>],
) -> crate::vm::InstanceAddr {
    let module = Module::from_wat(wat).expect("valid module");
    store
        .instantiate(&Arc::new(module), imports)
        .expect("instantiates")
}

const THROWER: &str = r#"(module
  (tag $pair (export "pair") (param i32 v128))
  (func (export "throw") (param i32)
    (local.get 0) (v128.const i32x4 1 2 3 4) (throw $pair)))"#;

const CATCHER: &str = r#"(module
  (tag $pair (import "m" "pair") (param i32 v128))
  (func $throw (import "m" "throw") (param i32))
  (tag $other)
  (tag $one (param i32))
  (func $throw_one (param i32) (throw $one (local.get 0)))
  (global $kept (mut exnref) (ref.null exn))
  (table $t 1 exnref)
  (func $middle (param i32) (call $throw (local.get 0)))
  (func (export "two_up") (param i32) (result i32 i32)
    (local $v v128)
    (block $skip
      (block $h (result i32 v128)
        (try_table (catch $other $skip) (catch $pair $h)
          (call $middle (local.get 0)))
        (unreachable))
      (local.set $v)
      (return (i32x4.extract_lane 3 (local.get $v))))
    (unreachable))
  (func (export "keep") (param i32) (result i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $throw (local.get 0)))
      (unreachable))
    (global.set $kept)
    (table.set $t (i32.const 0) (global.get $kept))
    (ref.is_null (table.get $t (i32.const 0))))
  (func (export "rethrow")
    (throw_ref (table.get $t (i32.const 0))))
  (func (export "null") (throw_ref (ref.null exn)))
  (func (export "loop") (result i32)
    (local $n i32)
    (loop $again
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (try_table (catch_all $again)
        (if (i32.lt_u (local.get $n) (i32.const 5)) (then (throw $other)))))
    (local.get $n))
  (func (export "out") (result i32)
    (try_table (catch $one 0) (call $throw_one (i32.const 9)))
    (i32.const -1)))"#;

fn linked() -> (Store, crate::vm::InstanceAddr, crate::vm::InstanceAddr) {
    let mut store = Store::default();
    let thrower = instantiate(&mut store, THROWER, &[]);
    let imports = [
        Some(export(&store, thrower, "pair")),
        Some(export(&store, thrower, "throw")),
    ];
    let catcher = instantiate(&mut store, CATCHER, &imports);
    (store, thrower, catcher)
}

#[test]
fn a_throw_in_another_instance_is_caught_two_frames_up_with_its_v128() {
    let (mut store, _, catcher) = linked();
    let f = func(&store, catcher, "two_up");
    assert_eq!(
        call_both(&mut store, f, &[Value::I32(7)]),
        Ok(vec![Value::I32(7), Value::I32(4)])
    );
}

#[test]
fn exnref_lives_in_globals_and_tables_and_rethrows_the_same_exception() {
    let (mut store, _, catcher) = linked();
    let keep = func(&store, catcher, "keep");
    assert_eq!(
        call_both(&mut store, keep, &[Value::I32(3)]),
        Ok(vec![Value::I32(0)])
    );
    let rethrow = func(&store, catcher, "rethrow");
    let trap = Execution::new(&store, rethrow, &[])
        .expect("call")
        .run(&mut store)
        .expect_err("uncaught");
    assert_eq!(trap.code, TrapCode::UncaughtException);
    let exn = trap.exception.expect("names the exception");
    assert_eq!(
        store.data.exn(exn).map(|e| e.payload[0]),
        Some(Value::I32(3))
    );
    let null = func(&store, catcher, "null");
    assert_eq!(
        call_both(&mut store, null, &[]),
        Err(TrapCode::NullExceptionReference)
    );
}

#[test]
fn a_catch_may_branch_to_a_loop_or_out_of_the_function() {
    let (mut store, _, catcher) = linked();
    let looped = func(&store, catcher, "loop");
    assert_eq!(call_both(&mut store, looped, &[]), Ok(vec![Value::I32(5)]));
    let out = func(&store, catcher, "out");
    assert_eq!(call_both(&mut store, out, &[]), Ok(vec![Value::I32(9)]));
}

#[test]
fn an_uncaught_exception_leaves_the_machine_at_the_throw() {
    let (mut store, thrower, _) = linked();
    let throw = func(&store, thrower, "throw");
    let mut exec = Execution::new(&store, throw, &[Value::I32(1)]).expect("call");
    let trap = exec.run(&mut store).expect_err("uncaught");
    assert_eq!(trap.code, TrapCode::UncaughtException);
    assert_eq!(exec.call_stack().len(), 1);
    assert!(trap.site.is_some(), "the throw is located");
    let unwound = exec.unwound().expect("unwinding is recorded");
    assert_eq!((unwound.left.clone(), unwound.caught), (vec![throw], None));
}

#[test]
fn a_host_function_can_throw_a_host_tag() {
    let mut store = Store::default();
    let tag = store.add_tag(&[ValType::I64], "host.oops");
    let host = store.add_host_func("host.fail", FuncType::new([], []), move |cx, _| {
        Err(cx.data.throw(tag, vec![Value::I64(-2)]))
    });
    let wat = r#"(module
      (tag $oops (import "host" "oops") (param i64))
      (func $fail (import "host" "fail"))
      (func (export "f") (result i64)
        (block $h (result i64)
          (try_table (catch $oops $h) (call $fail))
          (i64.const 0))))"#;
    let inst = instantiate(
        &mut store,
        wat,
        &[Some(Extern::Tag(tag)), Some(Extern::Func(host))],
    );
    let f = func(&store, inst, "f");
    assert_eq!(call_both(&mut store, f, &[]), Ok(vec![Value::I64(-2)]));
}

#[test]
fn a_host_exception_that_does_not_fit_its_tag_is_a_host_error() {
    let mut store = Store::default();
    let tag = store.add_tag(&[ValType::I32], "host.oops");
    let host = store.add_host_func("host.fail", FuncType::new([], []), move |cx, _| {
        Err(cx.data.throw(tag, vec![Value::F32(0)]))
    });
    let wat = r#"(module
      (func $fail (import "host" "fail"))
      (func (export "f") (try_table (catch_all 0) (call $fail))))"#;
    let inst = instantiate(&mut store, wat, &[Some(Extern::Func(host))]);
    let f = func(&store, inst, "f");
    assert_eq!(call_both(&mut store, f, &[]), Err(TrapCode::HostError));
}

#[test]
fn a_paused_machine_shows_a_try_table_label() {
    let mut store = Store::default();
    let inst = instantiate(
        &mut store,
        r#"(module (func (export "f") (try_table (catch_all 0) (nop))))"#,
        &[],
    );
    let f = func(&store, inst, "f");
    let mut exec = Execution::new(&store, f, &[]).expect("call");
    assert_eq!(exec.step(&mut store), Ok(Outcome::Paused));
    let views = exec.frame_views(&store);
    let kinds: Vec<crate::vm::LabelKind> = views[0].labels.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            crate::vm::LabelKind::Function,
            crate::vm::LabelKind::TryTable
        ]
    );
}

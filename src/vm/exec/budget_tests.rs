//! Bulk instructions, segments and start functions draw on the budget by the
//! work they do (issue 10, item 6; the units are in `crate::vm::budget`).

use crate::vm::{Execution, Extern, InstantiationError, Limits, Module, Store, TrapCode, Value};
use std::sync::Arc;

/// Bulk instructions over `$n` bytes or elements, and a loop that fills
/// 16 MiB per iteration forever.
const BULK: &str = r#"(module
  (memory (export "mem") 256)
  (table 64 funcref)
  (data $d "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
  (func $fill (export "fill") (param $n i32)
    (memory.fill (i32.const 0) (i32.const 7) (local.get $n)))
  (func (export "copy") (param $n i32)
    (memory.copy (i32.const 0x10000) (i32.const 0) (local.get $n)))
  (func (export "init") (param $n i32)
    (memory.init $d (i32.const 0) (i32.const 0) (local.get $n)))
  (func (export "table_fill") (param $n i32)
    (table.fill (i32.const 0) (ref.null func) (local.get $n)))
  (func (export "forever")
    (loop $l
      (memory.fill (i32.const 0) (i32.const 7) (i32.const 0x1000000))
      (br $l))))"#;

fn store_with(wat: &str, fuel: u64) -> Result<(Store, Arc<Module>), InstantiationError> {
    let module = Arc::new(Module::from_wat(wat).expect("valid module"));
    let mut store = Store::new(Limits {
        fuel: Some(fuel),
        ..Limits::default()
    });
    store.instantiate(&module, &[]).map(|_| (store, module))
}

/// Calls export `name` with `n` in run mode, then in step mode, on a store
/// with `fuel`; returns both outcomes (`Ok` or the trap code).
fn call(name: &str, n: i32, fuel: u64) -> [Result<(), TrapCode>; 2] {
    [false, true].map(|step| {
        let (mut store, _) = store_with(BULK, fuel).expect("instantiates");
        let Some(Extern::Func(f)) = store.instances()[0].export(name) else {
            panic!("no export {name}");
        };
        let mut exec =
            Execution::new(&store, f, &[Value::I32(n)][..usize::from(n >= 0)]).expect("call");
        let result = if step {
            exec.run_steps(&mut store, u64::MAX).map(|_| ())
        } else {
            exec.run(&mut store).map(|_| ())
        };
        result.map_err(|t| t.code)
    })
}

#[test]
fn memory_fill_costs_one_unit_per_64_bytes() {
    assert_eq!(call("fill", 0x10000, 1024), [Ok(()), Ok(())]);
    let short = Err(TrapCode::OutOfFuel);
    assert_eq!(call("fill", 0x10000, 1023), [short, short]);
    assert_eq!(call("fill", 63, 0), [Ok(()), Ok(())]);
}

#[test]
fn copy_init_and_table_fill_charge_their_sizes() {
    let short = Err(TrapCode::OutOfFuel);
    assert_eq!(call("copy", 6400, 100), [Ok(()), Ok(())]);
    assert_eq!(call("copy", 6400, 99), [short, short]);
    assert_eq!(call("init", 64, 1), [Ok(()), Ok(())]);
    assert_eq!(call("init", 64, 0), [short, short]);
    assert_eq!(call("table_fill", 64, 8), [Ok(()), Ok(())]);
    assert_eq!(call("table_fill", 64, 7), [short, short]);
}

#[test]
fn a_fill_that_cannot_be_paid_writes_nothing_and_says_where() {
    let (mut store, module) = store_with(BULK, 1000).expect("instantiates");
    let Some(Extern::Func(f)) = store.instances()[0].export("fill") else {
        panic!("no fill");
    };
    let mut exec = Execution::new(&store, f, &[Value::I32(0x10000)]).expect("call");
    let trap = exec.run(&mut store).expect_err("out of fuel");
    assert_eq!(trap.code, TrapCode::OutOfFuel);
    assert!(trap.to_string().contains("used all 1000 units"), "{trap}");
    let site = trap.site.clone().expect("a site");
    assert_eq!(module.bytes.get(site.offset), Some(&0xfc), "at memory.fill");
    assert_eq!(store.data.memories[0].bytes()[0], 0, "nothing was filled");
    let located = crate::vm::budget::locate(&store, trap).to_string();
    assert!(
        located.ends_with("; stopped in $fill, at memory.fill)"),
        "{located}"
    );
}

#[test]
fn a_loop_of_16_mib_fills_ends_within_its_budget() {
    // 0x1000000 / 64 = 262144 units per iteration: the budget lasts 3.
    let started = std::time::Instant::now();
    assert_eq!(
        call("forever", -1, 1_000_000),
        [Err(TrapCode::OutOfFuel); 2]
    );
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn data_segments_and_the_start_function_share_the_budget() {
    let data = r#"(module (memory 1) (data (i32.const 0) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))"#;
    assert!(store_with(data, 2).is_ok(), "128 bytes cost 2 units");
    let Err(InstantiationError::Trap(trap)) = store_with(data, 1) else {
        panic!("a budget of 1 cannot write 128 bytes");
    };
    assert_eq!(trap.code, TrapCode::OutOfFuel);
    let start = r#"(module (func $spin (loop $l (br $l))) (start $spin))"#;
    let Err(InstantiationError::Trap(trap)) = store_with(start, 10_000) else {
        panic!("a start function that loops forever must stop");
    };
    assert_eq!(trap.code, TrapCode::OutOfFuel);
}

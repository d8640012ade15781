//! The harness checked on a hand-written module: every trap kind, every
//! value type (i64 through BigInt, -0.0, NaN, infinities, references,
//! multiple results) and every kind of state must read the same in watlab,
//! in wasmi and through `driver.js`, so that the comparisons compare
//! something.

use crate::canon::Val;
use crate::plan::{Call, Plan, Runner};
use crate::shape::Shape;
use crate::v8;
use crate::wasmi_engine::Wasmi;
use crate::watlab_engine::Watlab;

const MODULE: &str = r#"
(module
  (type $r (func (result i32)))
  (memory (export "mem") 1 2)
  (table (export "tab") 3 4 funcref)
  (global (export "g64") (mut i64) (i64.const -5))
  (global (export "gf32") (mut f32) (f32.const -0))
  (global (export "gref") (mut externref) (ref.null extern))
  (elem (i32.const 0) func $one $two)
  (data (i32.const 8) "watlab")
  (func $one (result i32) i32.const 1)
  (func $two (param i32) (result i32) local.get 0)
  (func (export "values") (param i64 f32 f64) (result i64 f32 f64 i32 funcref externref)
    local.get 0  local.get 1  local.get 2  i32.const -7  ref.func $one  ref.null extern)
  (func (export "store") (param i32 i64)
    local.get 0 local.get 1 i64.store
    global.get 0 i64.const 1 i64.add global.set 0
    ref.null func i32.const 1 table.grow 0 drop)
  (func (export "nan") (result f32 f64) f32.const nan f64.const -inf)
  (func (export "unreachable") unreachable)
  (func (export "memory") (result i32) i32.const 65536 i32.load)
  (func (export "table") (result funcref) i32.const 9 table.get 0)
  (func (export "undefined") (result i32) i32.const 9 call_indirect (type $r))
  (func (export "null") (result i32) i32.const 2 call_indirect (type $r))
  (func (export "signature") (result i32) i32.const 1 call_indirect (type $r))
  (func (export "div") (result i32) i32.const 1 i32.const 0 i32.div_u)
  (func (export "rem") (result i64) i64.const 1 i64.const 0 i64.rem_s)
  (func (export "overflow") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
  (func (export "range") (result i32) f64.const 1e10 i32.trunc_f64_s)
  (func (export "conversion") (result i64) f32.const nan i64.trunc_f32_u)
  (func (export "init") i32.const 0 i32.const 0 i32.const 9 memory.init 0)
)
"#;

#[test]
fn the_v8_driver_reads_every_value_trap_and_state_like_watlab() {
    v8::require_node();
    let wasm = wat::parse_str(MODULE).expect("the check module assembles");
    let shape = Shape::read(&wasm).expect("its shape reads");
    let export = |name: &str| {
        shape
            .exports
            .iter()
            .position(|e| e.name == name)
            .expect("export exists")
    };
    let call = |name: &str, args: Vec<Val>| Call {
        instance: 0,
        export: export(name),
        args,
    };
    let mut calls = vec![
        call(
            "values",
            vec![
                Val::I64(i64::MIN),
                Val::F32((-0.0f32).to_bits()),
                Val::F64(f64::INFINITY.to_bits()),
            ],
        ),
        call("store", vec![Val::I32(100), Val::I64(-2)]),
        call("nan", vec![]),
    ];
    for name in [
        "unreachable",
        "memory",
        "table",
        "undefined",
        "null",
        "signature",
        "div",
        "rem",
        "overflow",
        "range",
        "conversion",
        "init",
    ] {
        calls.push(call(name, vec![]));
    }
    let plan = Plan {
        modules: vec![wasm],
        shapes: vec![shape],
        calls,
    };
    let dir = v8::dir_for("driver-check");
    v8::write(&plan, &dir).expect("the plan is written");
    let v8_lines = v8::run(&dir).expect("node runs the driver");
    let observed = Runner::new(Watlab::new(false)).run_all(&plan);
    let wasmi = Runner::new(Wasmi::new()).run_all(&plan);
    for (k, (ours, theirs)) in observed.iter().zip(&wasmi).enumerate() {
        assert!(
            ours.same(theirs, false),
            "step {k}: watlab {} but wasmi {}",
            ours.summary(),
            theirs.summary()
        );
    }
    assert_eq!(observed.len(), wasmi.len());
    let watlab: Vec<String> = observed.iter().map(|o| o.v8_line()).collect();
    let outcomes: Vec<&str> = watlab
        .iter()
        .map(|l| l.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        outcomes,
        [
            "ok[]",
            "ok[i64:-9223372036854775808,f32:80000000,f64:7ff0000000000000,i32:-7,ref:nonnull,ref:null]",
            "ok[]",
            "ok[f32:nan,f64:fff0000000000000]",
            "trap:unreachable",
            "trap:memory-out-of-bounds",
            "trap:table-out-of-bounds",
            "trap:table-out-of-bounds",
            "trap:null-or-bad-signature",
            "trap:null-or-bad-signature",
            "trap:divide-by-zero",
            "trap:divide-by-zero",
            "trap:overflow-or-bad-conversion",
            "trap:overflow-or-bad-conversion",
            "trap:overflow-or-bad-conversion",
            "trap:memory-out-of-bounds",
        ]
    );
    assert_eq!(
        watlab, v8_lines,
        "watlab (left) and V8 (right) read differently"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

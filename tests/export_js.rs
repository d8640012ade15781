//! `:export-js` end to end: the session's modules, host object and calls are
//! written as a node program, and node must print exactly the results the
//! session computed. Node is required: where it is missing the test fails
//! and says what to install (`.ci/run` installs it when absent).

use std::process::Command;
use watlab::commands::Workbench;
use watlab::session::Reply;

#[test]
fn the_exported_program_gives_the_session_results_under_node() {
    let version = Command::new("node")
        .arg("--version")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "this test runs the exported program under node, which cannot be started ({e}): \
                 install Node.js 20 or later so that `node` is on PATH \
                 (e.g. `apt-get install nodejs`)"
            )
        });
    assert!(
        version.status.success(),
        "`node --version` failed: {}",
        String::from_utf8_lossy(&version.stderr)
    );
    let dir = std::env::temp_dir().join(format!("watlab-export-js-{}", std::process::id()));
    let mut session = Workbench::new(None);
    let inputs = [
        ":host memory mem.pages initial=1 maximum=20",
        ":host global mem.data_offset i32 8",
        r#"(module $calc
             (import "math" "sin" (func $sin (param f64) (result f64)))
             (import "math" "cos" (func $cos (param f64) (result f64)))
             (import "mem" "pages" (memory 1))
             (global $data_offset (import "mem" "data_offset") i32)
             (func (export "expensive_calc") (param $a i32) (param $b i32) (result i32)
               (local $idx i32)
               (loop $next
                 (i32.store (i32.add (global.get $data_offset) (i32.shl (local.get $idx) (i32.const 2)))
                   (i32.trunc_f64_s (f64.mul (f64.const 1000)
                     (f64.add (call $sin (f64.convert_i32_s (i32.add (local.get $a) (local.get $idx))))
                              (call $cos (f64.convert_i32_s (local.get $b)))))))
                 (local.set $idx (i32.add (local.get $idx) (i32.const 1)))
                 (br_if $next (i32.lt_u (local.get $idx) (i32.const 4))))
               (i32.shl (local.get $idx) (i32.const 2))))"#,
        r#"(invoke $calc "expensive_calc" (i32.const 12) (i32.const 34))"#,
        r#"(module $reader (import "mem" "pages" (memory 1))
             (func (export "read") (param i32) (result i32) (i32.load (local.get 0)))
             (func (export "pair") (param i64) (result i64 f64) (local.get 0) (f64.const 0.5)))"#,
        r#"(register "reader" $reader)"#,
        r#"(module $user (import "reader" "read" (func $read (param i32) (result i32)))
             (func (export "twice") (param i32) (result i32) (i32.mul (call $read (local.get 0)) (i32.const 2))))"#,
        r#"(invoke $reader "read" (i32.const 8))"#,
        r#"(invoke $reader "pair" (i64.const -7))"#,
        r#"(invoke $user "twice" (i32.const 12))"#,
        // The session module, built from loose fields, is exported too.
        r#"(func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))"#,
        r#"(invoke "sq" (i32.const 9))"#,
        r#"(func (export "cube") (param i32) (result i32) (i32.mul (local.get 0) (call 0 (local.get 0))))"#,
        r#"(invoke "cube" (i32.const 3))"#,
        // Stepped, or paused by a breakpoint and continued: replayed too;
        // an aborted one never ran, and is not.
        r#":step (invoke "sq" (i32.const 4))"#,
        "s",
        "c",
        r#":step (invoke $reader "read" (i32.const 8))"#,
        "abort",
        r#":break "cube""#,
        r#"(invoke "cube" (i32.const 2))"#,
        "c",
        ":delete",
    ];
    let mut expected = Vec::new();
    for input in inputs {
        let replies = session
            .eval(input)
            .unwrap_or_else(|e| panic!("{input}: {e:?}"));
        for reply in replies {
            if let Reply::Values(values, _) = reply {
                expected.extend(values.iter().map(|v| v.to_string()));
            }
        }
    }
    assert_eq!(
        expected.len(),
        9,
        "the session produced the results to compare: {expected:?}"
    );
    let export = format!(":export-js {}", dir.display());
    session.eval(&export).expect("export succeeds");
    let out = Command::new("node")
        .arg(dir.join("host.mjs"))
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<&str> = stdout.lines().collect();
    assert_eq!(got, expected, "node's results differ from watlab's");
    let _ = std::fs::remove_dir_all(&dir);
}

//! `:export-js` end to end: the session's modules, host object and calls are
//! written as a node program, and node must print exactly the results the
//! session computed. Node is required: where it is missing the test fails
//! and says what to install (`.ci/run` installs it when absent).

use std::process::Command;
use watlab::commands::Workbench;
use watlab::session::Reply;

/// `node --version`, or a failure that says what to install.
fn require_node() {
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
}

/// What a session printed and what its export printed under node.
struct Replayed {
    /// Each value the session's inputs returned, as `TYPE:VALUE`.
    session: Vec<String>,
    /// The lines node printed.
    node: Vec<String>,
    /// The notes `:export-js` replied with.
    notes: Vec<String>,
    /// The text of `host.mjs`.
    script: String,
}

/// Runs `inputs` in a fresh session (`name` names the export's folder),
/// exports it and runs the export under node.
fn replay(name: &str, inputs: &[&str]) -> Replayed {
    require_node();
    let dir = std::env::temp_dir().join(format!("watlab-export-{name}-{}", std::process::id()));
    let mut session = Workbench::new(None);
    let mut values = Vec::new();
    for input in inputs {
        // An input may trap on purpose: what it wrote stays.
        for reply in session.eval(input).unwrap_or_default() {
            match reply {
                // host.mjs says so where watlab shows no value.
                Reply::Values(returned, _) if returned.is_empty() => {
                    values.push("returned nothing".to_string());
                }
                Reply::Values(returned, _) => values.extend(returned.iter().map(|v| v.to_string())),
                _ => {}
            }
        }
    }
    let export = format!(":export-js {}", dir.display());
    let notes = (session.eval(&export).expect("export succeeds").into_iter())
        .filter_map(|r| match r {
            Reply::Note(n) => Some(n),
            _ => None,
        })
        .collect();
    let out = Command::new("node")
        .arg(dir.join("host.mjs"))
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "node failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = std::fs::read_to_string(dir.join("host.mjs")).expect("host.mjs is written");
    let _ = std::fs::remove_dir_all(&dir);
    Replayed {
        session: values,
        node: stdout.lines().map(String::from).collect(),
        notes,
        script,
    }
}

/// Runs `inputs`, checks the session returned `expected`, and that node
/// printed the same.
fn node_agrees(name: &str, inputs: &[&str], expected: &[&str]) -> Replayed {
    let replayed = replay(name, inputs);
    assert_eq!(replayed.session, expected, "the session's results");
    assert_eq!(
        replayed.node, replayed.session,
        "node's results differ from watlab's; host.mjs:\n{}",
        replayed.script
    );
    replayed
}

#[test]
fn the_exported_program_gives_the_session_results_under_node() {
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
    let replayed = replay("calc", &inputs);
    assert_eq!(
        replayed.session.len(),
        9,
        "the session produced the results to compare: {:?}",
        replayed.session
    );
    assert_eq!(
        replayed.node, replayed.session,
        "node's results differ from watlab's"
    );
}

/// A counter: `bump` adds one to the mutable global `$n` and returns it.
const BUMP: &str = "(func $bump (export \"bump\") (result i32) \
     (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n))";

#[test]
fn a_redefinition_keeps_a_global_in_node_too() {
    node_agrees(
        "global",
        &[
            "(global $n (mut i32) (i32.const 0))",
            BUMP,
            r#"(invoke "bump")"#,
            // A new version of the session module: $n keeps its value.
            r#"(func (export "other") (result i32) (i32.const 7))"#,
            r#"(invoke "bump")"#,
            r#"(invoke "bump")"#,
        ],
        &["i32:1", "i32:2", "i32:3"],
    );
}

#[test]
fn a_redefinition_keeps_memory_in_node_too() {
    node_agrees(
        "memory",
        &[
            "(memory 1)",
            r#"(func (export "put") (param i32) (i32.store (i32.const 8) (local.get 0)))"#,
            r#"(func (export "get") (result i32) (i32.load (i32.const 8)))"#,
            r#"(invoke "put" (i32.const 42))"#,
            // Replaced: the new version keeps the memory's contents, and a
            // new data segment is written over them.
            r#"(func (export "get") (result i32) (i32.add (i32.load (i32.const 8)) (i32.load8_u (i32.const 100))))"#,
            r#"(data (i32.const 100) "\05")"#,
            r#"(invoke "get")"#,
        ],
        &["returned nothing", "i32:47"],
    );
}

#[test]
fn table_slots_follow_redefined_functions_and_a_typed_start_runs_once() {
    node_agrees(
        "table",
        &[
            "(type $t (func (result i32)))",
            "(table $tab 2 funcref)",
            "(func $a (result i32) (i32.const 1))",
            "(elem (i32.const 0) $a)",
            r#"(func (export "call0") (result i32) (call_indirect (type $t) (i32.const 0)))"#,
            r#"(invoke "call0")"#,
            "(func $a (result i32) (i32.const 11))",
            r#"(invoke "call0")"#,
            "(global $c (mut i32) (i32.const 0))",
            "(func $init (global.set $c (i32.add (global.get $c) (i32.const 5))))",
            "(start $init)",
            // Later versions do not run the start function again.
            r#"(func (export "c") (result i32) (global.get $c))"#,
            r#"(invoke "c")"#,
            "(table.set $tab (i32.const 1) (ref.func $a))",
            r#"(func (export "call1") (result i32) (call_indirect (type $t) (i32.const 1)))"#,
            r#"(invoke "call1")"#,
        ],
        &["i32:1", "i32:11", "i32:5", "i32:11"],
    );
}

#[test]
fn an_instruction_input_that_stores_is_replayed_before_the_next_invoke() {
    node_agrees(
        "store",
        &[
            "(memory 1)",
            r#"(func (export "rd") (result i32) (i32.load (i32.const 0)))"#,
            "(i32.store (i32.const 0) (i32.const 42))",
            r#"(invoke "rd")"#,
            // A value left on the scratch stack is an argument of the next input.
            "i32.const 4",
            "i32.const 7 i32.store",
            r#"(invoke "rd")"#,
            r#"(func (export "rd4") (result i32) (i32.load (i32.const 4)))"#,
            r#"(invoke "rd4")"#,
        ],
        &["i32:42", "i32:42", "i32:7"],
    );
}

#[test]
fn a_global_set_at_the_prompt_is_replayed() {
    node_agrees(
        "global-set",
        &[
            "(global $n (mut i32) (i32.const 0))",
            BUMP,
            "(global.set $n (i32.const 100))",
            r#"(invoke "bump")"#,
            // One that traps keeps what it wrote before the trap, in node too.
            "(global.set $n (i32.const 7)) unreachable",
            r#"(invoke "bump")"#,
        ],
        &["i32:101", "i32:8"],
    );
}

#[test]
fn stepped_instruction_inputs_are_replayed_when_they_finish_or_trap() {
    node_agrees(
        "stepped",
        &[
            "(global $n (mut i32) (i32.const 0))",
            "(memory 1)",
            BUMP,
            r#"(func (export "rd") (result i32) (i32.load (i32.const 0)))"#,
            ":step (i32.store (i32.const 0) (i32.const 6))",
            "c",
            r#"(invoke "rd")"#,
            ":step (global.set $n (i32.const 20)) unreachable",
            "c",
            // Paused at the trap: leaving keeps what it wrote.
            "abort",
            r#"(invoke "bump")"#,
            // An aborted one is taken back, in node too.
            ":step (global.set $n (i32.const 90))",
            "abort",
            r#"(invoke "bump")"#,
        ],
        &["i32:6", "i32:21", "i32:22"],
    );
}

#[test]
fn floats_print_as_watlab_prints_them() {
    let mut inputs = vec![
        r#"(func (export "d") (param f64) (result f64) (local.get 0))"#,
        r#"(func (export "s") (param f32) (result f32) (local.get 0))"#,
    ];
    let calls = [
        r#"(invoke "d" (f64.const 0.1))"#,
        r#"(invoke "d" (f64.const 1e21))"#,
        r#"(invoke "d" (f64.const -1.5e-10))"#,
        r#"(invoke "d" (f64.const 1e-7))"#,
        r#"(invoke "d" (f64.const -0))"#,
        r#"(invoke "d" (f64.const -inf))"#,
        r#"(invoke "d" (f64.const nan))"#,
        r#"(invoke "s" (f32.const 0.1))"#,
        r#"(invoke "s" (f32.const 3.4e38))"#,
        r#"(invoke "s" (f32.const 16777216))"#,
    ];
    inputs.extend(calls);
    node_agrees(
        "floats",
        &inputs,
        &[
            "f64:0.1",
            "f64:1e21",
            "f64:-1.5e-10",
            "f64:0.0000001",
            "f64:-0",
            "f64:-inf",
            "f64:nan",
            "f32:0.1",
            "f32:3.4e38",
            "f32:16777216",
        ],
    );
}

#[test]
fn undone_inputs_are_not_replayed() {
    node_agrees(
        "undo",
        &[
            "(global $n (mut i32) (i32.const 0))",
            "(memory 1)",
            BUMP,
            r#"(func (export "rd") (result i32) (i32.load (i32.const 0)))"#,
            r#"(invoke "bump")"#,
            "(global.set $n (i32.const 10))",
            "(i32.store (i32.const 0) (i32.const 9))",
            "(global.set $n (i32.const 50))",
            ":undo",
            r#"(func (export "other") (result i32) (i32.const 7))"#,
            "(i32.store (i32.const 0) (i32.const 5))",
            ":undo",
            r#"(invoke "bump")"#,
            r#"(invoke "rd")"#,
            r#"(func (export "third") (result i32) (i32.const 3))"#,
            ":undo",
            r#"(invoke "bump")"#,
        ],
        &["i32:1", "i32:11", "i32:9", "i32:12"],
    );
}

#[test]
fn host_writes_and_host_global_changes_are_replayed() {
    node_agrees(
        "host",
        &[
            ":host memory env.mem initial=1 maximum=4",
            ":host global env.g i32 5 mut",
            r#"(module $m (import "env" "mem" (memory 1)) (global $g (import "env" "g") (mut i32))
                 (func (export "inc") (result i32)
                   (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
                 (func (export "rd") (result i32) (i32.load (i32.const 0)))
                 (func (export "size") (result i32) (memory.size))
                 (func (export "trap") (i32.store (i32.const 0) (i32.const 3)) unreachable))"#,
            r#"(invoke $m "inc")"#,
            ":write env.mem 0 i32 1234",
            r#"(invoke $m "rd")"#,
            ":host set env.g 40",
            r#"(invoke $m "inc")"#,
            ":host grow env.mem 2",
            r#"(invoke $m "size")"#,
            r#"(invoke $m "trap")"#,
            r#"(invoke $m "rd")"#,
        ],
        &["i32:6", "i32:1234", "i32:41", "i32:3", "i32:3"],
    );
}

#[test]
fn what_node_cannot_repeat_is_said_in_the_file_and_warned_about() {
    let replayed = replay(
        "warn",
        &[
            r#"(func (export "lanes") (param v128) (result i32) (i32x4.extract_lane 1 (local.get 0)))"#,
            r#"(invoke "lanes" (v128.const i32x4 1 2 3 4))"#,
            r#"(func (export "one") (result i32) (i32.const 1))"#,
            r#"(invoke "one")"#,
        ],
    );
    const WARNING: &str = "warning: host.mjs does not match the session at ";
    let line = (replayed.notes.iter())
        .find_map(|n| n.strip_prefix(WARNING))
        .unwrap_or_else(|| panic!("a warning among {:?}", replayed.notes));
    assert!(line.starts_with(r#"(invoke "lanes" v128:"#), "{line}");
    assert!(
        line.ends_with(
            ": an argument JavaScript cannot pass (a v128, or a reference other than null)"
        ),
        "{line}"
    );
    assert!(
        replayed.script.contains(&format!("\n//   {line}\n")),
        "{}",
        replayed.script
    );
    // JavaScript cannot pass a v128: node makes only the other call.
    assert_eq!(replayed.session, ["i32:2", "i32:1"]);
    assert_eq!(replayed.node, ["i32:1"]);
}

#[test]
fn an_input_that_leaves_a_vector_on_the_stack_is_warned_about() {
    let replayed = replay(
        "vector",
        &[
            "(memory 1)",
            "i32.const 0 i32.const 7 i32.store v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
            r#"(func (export "rd") (result i32) (i32.load (i32.const 0)))"#,
            r#"(invoke "rd")"#,
        ],
    );
    let warned = (replayed.notes.iter()).any(|n| {
        n.starts_with("warning: host.mjs does not match the session at i32.const 0")
            && n.ends_with(
                "it leaves a v128 on the stack, and JavaScript cannot call a function that \
                 returns one: node does not run it (a TypeError), so what it wrote is missing there",
            )
    });
    assert!(warned, "{:?}", replayed.notes);
    // As the warning says: node never ran the store.
    assert_eq!(replayed.session, ["i32:7"]);
    assert_eq!(replayed.node, ["i32:0"]);
}

#[test]
fn calls_that_assertions_make_are_repeated() {
    node_agrees(
        "assert",
        &[
            "(global $n (mut i32) (i32.const 0))",
            BUMP,
            r#"(assert_return (invoke "bump") (i32.const 1))"#,
            r#"(invoke "bump")"#,
            // It changed the counter before it failed: watlab keeps that.
            r#"(assert_return (invoke "bump") (i32.const 7))"#,
            r#"(invoke "bump")"#,
        ],
        &["i32:2", "i32:4"],
    );
}

#[test]
fn instruction_inputs_that_leave_nothing_are_not_exported() {
    let replayed = replay(
        "compact",
        &[
            "(global $g (mut i32) (i32.const 0))",
            r#"(import "console" "log" (func $log (param i32)))"#,
            r#"(func (export "g") (result i32) global.get $g)"#,
            // Values left on the scratch stack: nothing node would see.
            "i32.const 5",
            "i32.const 6 i32.add",
            // Written: repeated, with the 11 as its argument.
            "global.set $g",
            // Changes nothing but prints: repeated.
            "(call $log (i32.const 3))",
            "i32.const 1 drop",
            r#"(invoke "g")"#,
        ],
    );
    assert_eq!(replayed.session, ["i32:11"]);
    assert_eq!(replayed.node, ["console.log: 3", "i32:11"]);
    let fragments: Vec<&str> = (replayed.script.lines())
        .filter(|l| l.starts_with("await fragment("))
        .collect();
    assert_eq!(
        fragments,
        [
            r#"await fragment("fragment_1", "global.set $g", [11]);"#,
            r#"await fragment("fragment_2", "(call $log (i32.const 3))", []);"#,
        ],
        "{}",
        replayed.script
    );
}

#[test]
fn versions_undo_can_no_longer_reach_are_exported_as_one() {
    let mut inputs: Vec<String> = [
        "(memory 1)",
        "(global $n (mut i32) (i32.const 0))",
        BUMP,
        r#"(invoke "bump")"#,
        "(i32.store (i32.const 0) (i32.const 9))",
    ]
    .map(String::from)
    .into();
    // More one-by-one definitions than :undo keeps inputs (100).
    for i in 0..130 {
        inputs.push(format!(
            r#"(func (export "f{i}") (result i32) (i32.add (i32.load (i32.const 0)) (i32.const {i})))"#
        ));
    }
    inputs.push(r#"(invoke "f129")"#.into());
    inputs.push(r#"(invoke "bump")"#.into());
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let replayed = node_agrees("versions", &inputs, &["i32:1", "i32:138", "i32:2"]);
    let versions = (replayed.script.lines())
        .filter(|l| l.contains("await instantiate(\"session_"))
        .count();
    // The memory's first version; the global's and bump's as one; the 31
    // definitions :undo can no longer take back as one; the 99 it can.
    assert_eq!(versions, 102, "{}", replayed.script);
}

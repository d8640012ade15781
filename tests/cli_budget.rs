//! One budget that measures work (issue 10, item 6): `watlab run` and
//! `watlab wast` stop a runaway loop, in a function or a start function,
//! with a message that says what ran out, where, and how to raise it.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A file `name` holding `text` in this test process's temporary directory.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("watlab-cli-budget-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the file");
    path
}

/// Runs watlab with `args` and checks it ends within a few seconds.
fn watlab(args: &[&str]) -> (Output, String, String) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_watlab"))
        .args(args)
        .output()
        .expect("the watlab binary runs");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "watlab {args:?} took {:?}",
        started.elapsed()
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

const SPIN: &str = r#"(module (func $spin (export "spin") (loop $l (br $l))))"#;

#[test]
fn run_stops_an_endless_function_by_default() {
    let file = temp_file("spin.wat", SPIN);
    let (out, _, err) = watlab(&["run", file.to_str().unwrap(), "--invoke", "spin"]);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("trap: out of fuel (used all 100000000 units"),
        "{err}"
    );
    assert!(err.contains("stopped in $spin, at br"), "{err}");
    assert!(
        err.contains("--fuel N gives the run N units (now 100000000)"),
        "{err}"
    );
}

#[test]
fn run_stops_an_endless_start_function_and_obeys_fuel() {
    let file = temp_file(
        "start.wat",
        r#"(module (func $boot (loop $l (br $l))) (start $boot))"#,
    );
    let (out, _, err) = watlab(&["run", file.to_str().unwrap(), "--fuel", "5000"]);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("used all 5000 units"), "{err}");
    assert!(err.contains("stopped in $boot, at br"), "{err}");
}

#[test]
fn run_charges_bulk_instructions_by_their_bytes() {
    let file = temp_file(
        "fill.wat",
        r#"(module (memory 256)
          (func $fill (export "fill")
            (loop $l (memory.fill (i32.const 0) (i32.const 7) (i32.const 0x1000000)) (br $l))))"#,
    );
    let (out, _, err) = watlab(&["run", file.to_str().unwrap(), "--invoke", "fill"]);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stopped in $fill, at memory.fill"), "{err}");
}

#[test]
fn wast_stops_an_endless_invocation_and_goes_on() {
    let script = format!(
        "{SPIN}\n(invoke \"spin\")\n(assert_return (invoke \"spin\"))\n\
         (module (func (export \"one\") (result i32) (i32.const 1)))\n\
         (assert_return (invoke \"one\") (i32.const 1))\n"
    );
    let file = temp_file("spin.wast", &script);
    let (out, stdout, _) = watlab(&["wast", file.to_str().unwrap(), "--fuel", "100000"]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].ends_with(":2: invoke: trap: out of fuel (used all 100000 units: 1 per loop iteration or call, 1 per 64 bytes or 8 table elements a bulk instruction touches; stopped in $spin, at br)"),
        "{stdout}"
    );
    assert_eq!(
        lines[1],
        "  a runaway loop? --fuel N gives each invocation N units (now 100000)"
    );
    assert!(
        lines[2].contains(":3: assert_return: trap: out of fuel"),
        "{stdout}"
    );
    assert_eq!(lines.last(), Some(&"3 passed, 2 failed"), "{stdout}");
}

#[test]
fn wast_stops_an_endless_start_function_by_default() {
    let file = temp_file(
        "start.wast",
        "(module (func $boot (loop $l (br $l))) (start $boot))\n",
    );
    let (out, stdout, _) = watlab(&["wast", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(":1: module: trap: out of fuel (used all 100000000 units"),
        "{stdout}"
    );
    assert!(stdout.contains("stopped in $boot, at br)"), "{stdout}");
}

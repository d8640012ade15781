//! The `watlab` binary end to end: results, exit codes and messages of
//! `watlab run` and `watlab wast`, including hostile inputs.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn watlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watlab"))
        .args(args)
        .output()
        .expect("the watlab binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A file in a fresh per-test temporary directory.
fn temp_file(test: &str, name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("watlab-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("temp file");
    path
}

#[test]
fn run_prints_each_result_in_script_style() {
    let fib = fixture("fib.wat");
    let out = watlab(&["run", fib.to_str().unwrap(), "--invoke", "fib", "20"]);
    assert_eq!(text(&out.stdout), "i32:6765\n");
    assert!(out.status.success());
    let out = watlab(&["run", fib.to_str().unwrap(), "--invoke", "pair"]);
    assert_eq!(text(&out.stdout), "i64:-7\nf64:0.5\n");
}

#[test]
fn a_trap_prints_the_spec_message_and_exits_1() {
    let out = watlab(&[
        "run",
        fixture("fib.wat").to_str().unwrap(),
        "--invoke",
        "div",
        "1",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("integer divide by zero"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_syntax_error_shows_line_and_column_and_exits_2() {
    let out = watlab(&["run", fixture("broken.wat").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("broken.wat:4:5"), "{err}");
    assert!(err.contains("unknown operator"), "{err}");
}

#[test]
fn a_validation_error_exits_2() {
    let out = watlab(&["run", fixture("invalid.wat").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("type mismatch"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn usage_errors_exit_2() {
    let fib = fixture("fib.wat");
    let fib = fib.to_str().unwrap();
    for args in [
        vec!["run", fib, "--invoke", "nope"],
        vec!["run", fib, "--invoke", "fib"],
        vec!["run", fib, "--invoke", "fib", "ten"],
        vec!["run", fib, "--invoke", "fib", "4294967296"],
        vec!["run", "/no/such/file.wat"],
        vec!["frobnicate"],
    ] {
        let out = watlab(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains("panicked"), "{args:?}");
    }
}

#[test]
fn truncated_and_garbage_modules_are_rejected_without_panicking() {
    let wasm = wat::parse_file(fixture("fib.wat")).expect("fixture assembles");
    for cut in [3, 4, 9, 12, wasm.len() / 2, wasm.len() - 1] {
        let path = temp_file("truncated", &format!("cut{cut}.wasm"), &wasm[..cut]);
        let out = watlab(&["run", path.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "cut at {cut}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains("panicked"));
    }
    let garbage = temp_file("garbage", "garbage.wat", b"(module (func (((( \xff\xfe");
    let out = watlab(&["run", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    for path in [
        garbage.parent(),
        temp_file("truncated", "cut3.wasm", b"").parent(),
    ]
    .into_iter()
    .flatten()
    {
        let _ = std::fs::remove_dir_all(path);
    }
}

#[test]
fn hostile_programs_end_cleanly() {
    let hazards = fixture("hazards.wat");
    let hazards = hazards.to_str().unwrap();
    // 10 GB is more than a 32-bit memory can have: memory.grow answers -1.
    let out = watlab(&["run", hazards, "--invoke", "grow", "163840"]);
    assert_eq!(text(&out.stdout), "i32:-1\n");
    let out = watlab(&["run", hazards, "--invoke", "deep", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("call stack exhausted"));
    let out = watlab(&["run", hazards, "--invoke", "spin", "--fuel", "100000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("instruction budget exhausted"));
    let out = watlab(&["run", hazards, "--invoke", "load", "65533"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("out of bounds memory access"), "{err}");
    assert!(err.contains("address 65533 + offset 4 = 65537"), "{err}");
}

#[test]
fn wast_reports_failures_with_lines_and_one_summary() {
    let out = watlab(&["wast", fixture("script.wast").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].ends_with("script.wast:4: assert_return: expected [i32:5], got [i32:4]"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("script.wast:5: assert_trap: expected trap \"unreachable\", got [i32:0]")
    );
    assert_eq!(lines[2], "2 passed, 2 failed");
}

#[test]
fn the_workbench_loads_a_file_and_reads_a_script_from_stdin() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_watlab"))
        .arg(fixture("fib.wat"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("watlab starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"i32.const 10 call $fib\n(invoke \"fib\"\n  (i32.const 7))\n")
        .expect("write");
    let out = child.wait_with_output().expect("watlab ends");
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("loaded "), "{stdout}");
    assert!(stdout.contains("defined func $fib"), "{stdout}");
    assert!(stdout.contains("  [0]  i32  55  0x37  <- new"), "{stdout}");
    assert!(stdout.ends_with("returned:\n  i32  13  0xd\n"), "{stdout}");
    assert!(
        !stdout.contains("wat>"),
        "no prompts when stdin is not a terminal"
    );
    assert!(out.status.success());
}

#[test]
fn a_failing_script_input_makes_the_exit_status_1() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_watlab"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("watlab starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"i32.add\ni32.const 1\n")
        .expect("write");
    let out = child.wait_with_output().expect("watlab ends");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("error: i32.add needs 2 operands"));
}

#[test]
fn run_trace_prints_a_line_per_instruction_then_the_results() {
    let out = watlab(&[
        "run",
        "--trace",
        fixture("fib.wat").to_str().unwrap(),
        "--invoke",
        "fib",
        "1",
    ]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines
            .first()
            .map(|l| l.split_whitespace().collect::<Vec<_>>()),
        Some(vec!["$fib", "0x003c", "local.get", "$n", "[i32:1]"])
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("i32.lt_u") && l.ends_with("[i32:1]")),
        "{stdout}"
    );
    assert_eq!(lines.last(), Some(&"i32:1"));
}

#[test]
fn watlab_lesson_lists_the_lessons_with_progress() {
    let home = std::env::temp_dir().join(format!("watlab-cli-{}-lessons", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_watlab"))
        .arg("lesson")
        .env("XDG_DATA_HOME", &home)
        .output()
        .expect("watlab runs");
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("  1. The stack machine                         (0/2 exercises done)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  14. Memory safety inside the sandbox"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

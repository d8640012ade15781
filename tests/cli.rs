//! The `watlab` binary end to end: results, exit codes and messages of
//! `watlab run`, `wast`, `check`, `script` and the script mode, including
//! hostile inputs and a reader that closes the pipe early.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// The per-test temporary directory of `test`.
fn temp_dir(test: &str) -> PathBuf {
    std::env::temp_dir().join(format!("watlab-cli-{}-{test}", std::process::id()))
}

/// Removes the temporary directory of a test when the test ends, passed or failed.
struct Cleanup(PathBuf);

impl Cleanup {
    fn of(test: &str) -> Self {
        Cleanup(temp_dir(test))
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A file in a fresh per-test temporary directory.
fn temp_file(test: &str, name: &str, contents: &[u8]) -> PathBuf {
    let dir = temp_dir(test);
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
    assert!(text(&out.stderr).contains("out of fuel"));
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
fn wast_names_typed_nulls_and_functions_by_their_types_and_names() {
    let _cleanup = Cleanup::of("wast-typed-nulls");
    let file = temp_file(
        "wast-typed-nulls",
        "nulls.wast",
        b"(module\n  (type $point (struct (field i32)))\n  (func $f (export \"f\") (result (ref null $point)) (ref.null $point))\n  (func $g (export \"g\") (result funcref) (ref.func $f)))\n(assert_return (invoke \"f\") (i32.const 0))\n(assert_return (invoke \"g\") (ref.null func))\n",
    );
    let out = watlab(&["wast", arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "nulls.wast:5: assert_return: expected [i32:0], got [(ref null $point):null]\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("nulls.wast:6: assert_return: expected [ref.null], got [funcref:$f]\n"),
        "{stdout}"
    );
}

#[test]
fn a_64_bit_table_uses_its_i64_indexes_whole_in_run_and_step_mode() {
    for step in [false, true] {
        let file = fixture("table64.wast");
        let mut args = vec!["wast", file.to_str().unwrap()];
        if step {
            args.push("--step");
        }
        let out = watlab(&args);
        let stdout = text(&out.stdout);
        assert_eq!(
            stdout.trim_end(),
            "13 passed, 0 failed",
            "step {step}: {stdout}"
        );
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn vector_accesses_and_atomics_use_the_memory_they_name_in_run_and_step_mode() {
    for step in [false, true] {
        let file = fixture("memories_by_index.wast");
        let mut args = vec!["wast", "--threads", file.to_str().unwrap()];
        if step {
            args.push("--step");
        }
        let out = watlab(&args);
        let stdout = text(&out.stdout);
        assert_eq!(
            stdout.trim_end(),
            "45 passed, 0 failed",
            "step {step}: {stdout}"
        );
        assert_eq!(out.status.code(), Some(0));
    }
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
        .stderr(std::process::Stdio::piped())
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
    assert!(text(&out.stderr).contains("error: <stdin>:1:1: i32.add needs 2 operands"));
    assert!(!text(&out.stdout).contains("error"), "errors go to stderr");
}

#[test]
fn a_failed_check_in_a_script_makes_the_exit_status_1() {
    let dir = std::env::temp_dir().join(format!("watlab-cli-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let script = dir.join("check.wat");
    let run = |inputs: &str| {
        std::fs::write(&script, inputs).expect("the script");
        Command::new(env!("CARGO_BIN_EXE_watlab"))
            .args(["script", script.to_str().expect("utf-8")])
            .env("XDG_DATA_HOME", &dir)
            .output()
            .expect("watlab runs")
    };
    let wrong = run(":lesson 1\n:next\ni32.const 1\n:check\n");
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong.stdout));
    assert!(
        text(&wrong.stdout).contains("FAIL"),
        "{}",
        text(&wrong.stdout)
    );
    let right = run(":lesson 1\n:next\ni32.const 43\n:check\n");
    assert_eq!(right.status.code(), Some(0), "{}", text(&right.stdout));
    std::fs::remove_dir_all(&dir).expect("cleaned up");
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
        stdout.starts_with("progress: [--------------------] 0 of "),
        "{stdout}"
    );
    assert!(
        stdout.contains("   1. 0/3  The stack machine\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  14. 0/1  Memory safety inside the sandbox"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// Runs watlab with `stdin` as its standard input.
fn watlab_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_watlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watlab starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write");
    child.wait_with_output().expect("watlab ends")
}

const SEVEN_PLUS_TWO: &str = "\
wat> i32.const 7
stack (bottom to top):
  [0]  i32  7  0x7  <- new
wat> i32.const 2
stack (bottom to top):
  [0]  i32  7  0x7
  [1]  i32  2  0x2  <- new
wat> i32.add
stack (bottom to top):
  [0]  i32  9  0x9  <- new
";

#[test]
fn check_passes_a_transcript_that_replays_identically() {
    let _cleanup = Cleanup::of("check-pass");
    let file = temp_file("check-pass", "sum.txt", SEVEN_PLUS_TWO.as_bytes());
    let out = watlab(&["check", arg(&file)]);
    assert_eq!(text(&out.stdout), "1 passed, 0 failed\n");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn check_shows_a_diff_and_exits_1_on_a_mismatch() {
    let _cleanup = Cleanup::of("check-mismatch");
    let wrong = SEVEN_PLUS_TWO.replace("9  0x9", "10  0xa");
    let file = temp_file("check-mismatch", "sum.txt", wrong.as_bytes());
    let out = watlab(&["check", arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("sum.txt (recorded)"), "{stdout}");
    assert!(
        stdout.contains("\n-  [0]  i32  10  0xa  <- new\n+  [0]  i32  9  0x9  <- new\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("0 passed, 1 failed\n"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        wrong,
        "check without --bless leaves the file alone"
    );
}

#[test]
fn check_fails_a_file_with_no_inputs() {
    let _cleanup = Cleanup::of("check-no-inputs");
    for (name, contents) in [
        ("empty.txt", ""),
        ("prose.txt", "i32.const 1\nno prompt here\n"),
    ] {
        let file = temp_file("check-no-inputs", name, contents.as_bytes());
        let out = watlab(&["check", arg(&file)]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(&format!("{name}: no inputs (no line starts with `wat> `)")),
            "{stdout}"
        );
        assert!(stdout.ends_with("0 passed, 1 failed\n"), "{stdout}");
    }
}

#[test]
fn check_exits_2_on_a_file_it_cannot_read() {
    let _cleanup = Cleanup::of("check-not-utf8");
    let out = watlab(&["check", "/no/such/transcript.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("watlab: cannot read /no/such/transcript.txt: "),
        "{}",
        text(&out.stderr)
    );
    let file = temp_file(
        "check-not-utf8",
        "latin1.txt",
        b"wat> i32.const 1\n;; caf\xe9\n",
    );
    let out = watlab(&["check", arg(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("latin1.txt:2:7: not UTF-8 text (byte 0xe9)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_bless_rewrites_the_transcript_with_the_output() {
    let _cleanup = Cleanup::of("check-bless");
    let file = temp_file(
        "check-bless",
        "sum.txt",
        b"wat> i32.const 7\nwat> i32.const 2\nstale output\nwat> i32.add\n",
    );
    let out = watlab(&["check", "--bless", arg(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("blessed "),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("blessed"),
        SEVEN_PLUS_TWO
    );
    let out = watlab(&["check", arg(&file)]);
    assert_eq!(text(&out.stdout), "1 passed, 0 failed\n");
}

#[test]
fn script_runs_the_inputs_of_a_file_and_exits_1_when_one_fails() {
    let _cleanup = Cleanup::of("script");
    let file = temp_file("script", "sum.txt", SEVEN_PLUS_TWO.as_bytes());
    let out = watlab(&["script", arg(&file)]);
    assert_eq!(out.status.code(), Some(0));
    let outputs: String = SEVEN_PLUS_TWO
        .lines()
        .filter(|l| !l.starts_with("wat> "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(text(&out.stdout), outputs);
    let file = temp_file(
        "script",
        "fails.wat",
        b"i32.const 1\ni32.add\ni32.const 2\n",
    );
    let out = watlab(&["script", arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let located = format!(
        "error: {}:2:1: i32.add needs 2 operands [i32 i32], but the stack has 1: [i32]\n  2 | i32.add\n      ^^^^^^^\n",
        file.display()
    );
    assert_eq!(text(&out.stderr), located, "the error, on stderr");
    assert!(!stdout.contains("error"), "{stdout}");
    assert!(
        stdout.ends_with("  [1]  i32  2  0x2  <- new\n"),
        "the rest runs: {stdout}"
    );
    // A script with no inputs does nothing, successfully, as an empty standard input does.
    let file = temp_file("script", "empty.wat", b"");
    let out = watlab(&["script", arg(&file)]);
    assert_eq!((out.status.code(), out.stdout.len()), (Some(0), 0));
}

#[test]
fn a_script_line_that_is_not_utf8_is_an_error_naming_it_and_the_rest_runs() {
    let _cleanup = Cleanup::of("script-not-utf8");
    let script = b"i32.const 1\n(func $f (result i32)\n  i32.const 2 ;; caf\xe9\n)\ni32.const 3\n";
    let out = watlab_with_stdin(&[], script);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        text(&out.stderr).contains(
            "error: <stdin>:3: not UTF-8 text (byte 0xe9 at column 21), \
             so the input holding it was skipped"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(!stdout.contains("defined func $f"), "{stdout}");
    assert!(stdout.ends_with("  [1]  i32  3  0x3  <- new\n"), "{stdout}");
    let file = temp_file("script-not-utf8", "latin1.wat", script);
    let out = watlab(&["script", arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error: ")
            && text(&out.stderr).contains("latin1.wat:3: not UTF-8"),
        "{}",
        text(&out.stderr)
    );
    // In a transcript, the line number is the file's, prompts and outputs included.
    let transcript = b"wat> i32.const 1\nold output\nwat> i32.const \xff\nwat> i32.const 3\n";
    let file = temp_file("script-not-utf8", "latin1.txt", transcript);
    let out = watlab(&["script", arg(&file)]);
    assert!(
        text(&out.stderr).contains("latin1.txt:3: not UTF-8 text (byte 0xff at column 11)"),
        "{}",
        text(&out.stderr)
    );
}

const ATOMIC_COUNTER: &str = r#"(module
  (memory 1 1 shared)
  (func (export "add") (param i32) (result i32)
    (i32.atomic.rmw.add (i32.const 0) (local.get 0))))
(assert_return (invoke "add" (i32.const 5)) (i32.const 0))
(assert_return (invoke "add" (i32.const 1)) (i32.const 5))
"#;

#[test]
fn wast_threads_accepts_shared_memories_and_atomics() {
    let _cleanup = Cleanup::of("wast-threads");
    let file = temp_file("wast-threads", "atomic.wast", ATOMIC_COUNTER.as_bytes());
    let out = watlab(&["wast", "--threads", arg(&file)]);
    assert_eq!(text(&out.stdout), "3 passed, 0 failed\n");
    assert_eq!(out.status.code(), Some(0));
    let out = watlab(&["wast", arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout)
            .contains("atomic.wast:1: module: invalid module: threads must be enabled"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn wast_step_runs_calls_through_the_stepper_and_names_a_failing_line() {
    let _cleanup = Cleanup::of("wast-step");
    let script = r#"(module
  (func (export "fac") (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $top
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $top)))
    (local.get $acc)))
(assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
(assert_return (invoke "fac" (i64.const 3)) (i64.const 7))
"#;
    let file = temp_file("wast-step", "fac.wast", script.as_bytes());
    for mode in [
        &["wast", "--step"][..],
        &["wast"][..],
        &["wast", "--step", "--threads"][..],
    ] {
        let out = watlab(&[mode, &[arg(&file)]].concat());
        assert_eq!(out.status.code(), Some(1), "{mode:?}");
        assert_eq!(
            text(&out.stdout),
            "fac.wast:13: assert_return: expected [i64:7], got [i64:6]\n2 passed, 1 failed\n"
                .replace("fac.wast", arg(&file)),
            "{mode:?}"
        );
    }
}

#[test]
fn usage_errors_of_every_command_exit_2() {
    for args in [
        &["check"][..],
        &["wast"],
        &["script"],
        &["run"],
        &["lesson", "one"],
        &["check", "--frobnicate", "x.txt"],
        &["wast", "/no/such/script.wast"],
        &["script", "/no/such/script.txt"],
        &["/no/such/module.wat"],
    ] {
        let out = watlab(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).is_empty(), "{args:?} says why");
        assert!(!text(&out.stderr).contains("panicked"), "{args:?}");
    }
}

/// Starts the command `make` builds, reads one line of its output, closes the
/// pipe and asserts that the command then ended quietly and successfully.
/// The command must write far more than a pipe holds (checked first, by a run
/// to the end), so that it is still writing when the reader goes away.
fn ends_quietly_when_the_reader_goes_away(make: impl Fn() -> Command) {
    let full = make().output().expect("watlab runs");
    assert!(
        full.stdout.len() > 256 * 1024,
        "{:?} writes only {} bytes, which a pipe may hold whole",
        make(),
        full.stdout.len()
    );
    let mut command = make();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watlab starts");
    let mut reader = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("a first line");
    assert!(!first.is_empty(), "{command:?} printed nothing");
    drop(reader);
    let out = child.wait_with_output().expect("watlab ends");
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{command:?}: {stderr}");
    assert_eq!(stderr, "", "{command:?} ends quietly");
    assert!(out.status.success(), "{command:?}: {:?}", out.status);
}

fn watlab_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_watlab"));
    command.args(args);
    command
}

#[test]
fn a_closed_pipe_ends_run_trace_quietly() {
    let _cleanup = Cleanup::of("pipe-run");
    let looping = temp_file(
        "pipe-run",
        "countdown.wat",
        b"(module (func (export \"f\") (param $n i32) (result i32)
            (loop $top
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $top (local.get $n)))
            (local.get $n)))",
    );
    // 10,000 trace lines, about 600 KB.
    ends_quietly_when_the_reader_goes_away(|| {
        watlab_command(&["run", "--trace", arg(&looping), "--invoke", "f", "100000"])
    });
}

#[test]
fn a_closed_pipe_ends_check_quietly() {
    let _cleanup = Cleanup::of("pipe-check");
    // Each `:help` recorded without its output: a diff of some 3.5 KB per input.
    let file = temp_file(
        "pipe-check",
        "help.txt",
        "wat> :help\n".repeat(100).as_bytes(),
    );
    ends_quietly_when_the_reader_goes_away(|| watlab_command(&["check", arg(&file)]));
}

#[test]
fn a_closed_pipe_ends_wast_quietly() {
    let _cleanup = Cleanup::of("pipe-wast");
    let mut script = String::from("(module (func (export \"one\") (result i32) (i32.const 1)))\n");
    script.push_str(&"(assert_return (invoke \"one\") (i32.const 2))\n".repeat(4_000));
    let file = temp_file("pipe-wast", "many.wast", script.as_bytes());
    ends_quietly_when_the_reader_goes_away(|| watlab_command(&["wast", arg(&file)]));
}

#[test]
fn a_closed_pipe_ends_a_script_quietly() {
    let _cleanup = Cleanup::of("pipe-script");
    let inputs = ":help\n".repeat(400);
    let file = temp_file("pipe-script", "help.wat", inputs.as_bytes());
    ends_quietly_when_the_reader_goes_away(|| watlab_command(&["script", arg(&file)]));
    ends_quietly_when_the_reader_goes_away(|| {
        let mut command = watlab_command(&[]);
        command.stdin(std::fs::File::open(&file).expect("the script"));
        command
    });
}

#[test]
fn a_script_that_fails_after_its_reader_went_away_still_exits_1() {
    let _cleanup = Cleanup::of("pipe-script-fails");
    // Far more output than a pipe holds, then a failing input.
    let mut inputs = ":help\n".repeat(400);
    inputs.push_str("i32.add\n");
    let file = temp_file("pipe-script-fails", "fails.wat", inputs.as_bytes());
    let mut child = watlab_command(&["script", arg(&file)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watlab starts");
    let mut reader = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("a first line");
    drop(reader);
    let out = child.wait_with_output().expect("watlab ends");
    assert_eq!(out.status.code(), Some(1), "the script failed");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("fails.wat:401:1: i32.add needs 2 operands"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_closed_pipe_ends_a_long_mem_quietly() {
    let _cleanup = Cleanup::of("pipe-mem");
    // One input whose answer is 65,536 rows (about 4.4 MB), printed as they are made.
    let file = temp_file(
        "pipe-mem",
        "mem.wat",
        b"(memory 16)\ni32.const 0 i32.const 0x41 i32.const 0x100000 memory.fill\n:mem 0 0x100000\n",
    );
    ends_quietly_when_the_reader_goes_away(|| watlab_command(&["script", arg(&file)]));
}

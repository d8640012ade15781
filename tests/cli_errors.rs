//! `watlab run` on modules that do not validate: the error points at the
//! user's text (`FILE:LINE:COL`, the line, a caret) or, for a binary, names
//! the function index, byte offset and instruction (issue 10, item 1).

use std::path::PathBuf;
use std::process::{Command, Output};

fn watlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watlab"))
        .args(args)
        .output()
        .expect("the watlab binary runs")
}

/// A file in a fresh per-test temporary directory.
fn temp_file(test: &str, name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("watlab-cli-errors-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("temp file");
    path
}

#[test]
fn a_type_error_in_line_3_is_shown_at_its_line_and_column_with_a_caret() {
    let source = "(module\n  (func $add (export \"add\") (param $a i32) (result i32)\n    (i32.add (local.get $a) (f32.const 1))))\n";
    let path = temp_file("line3", "bad.wat", source.as_bytes());
    let out = watlab(&["run", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let file = path.display();
    let expected = format!(
        "error: {file}:3:6: in func $add: i32.add needs [i32 i32] on top of the stack, but the top is [i32 f32] (type mismatch: expected i32, found f32)\n  3 |     (i32.add (local.get $a) (f32.const 1))))\n           ^^^^^^^\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
    assert!(out.stdout.is_empty());
}

#[test]
fn a_wrong_result_points_at_the_instruction_that_left_it() {
    let source = "(module\n  (func $bad (result i32)\n    (i32.const 1)\n    (i64.const 2)))\n";
    let path = temp_file("result", "bad.wat", source.as_bytes());
    let out = watlab(&["run", path.to_str().expect("utf-8 path")]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.starts_with(&format!(
            "error: {}:4:6: in func $bad: the function's body must end with [i32] on the stack (its result type), but it ends with [i32 i64]",
            path.display()
        )),
        "{err}"
    );
    assert!(
        err.ends_with("  4 |     (i64.const 2)))\n           ^^^^^^^^^\n"),
        "{err}"
    );
}

#[test]
fn a_binary_names_the_function_index_offset_and_instruction() {
    let bytes = wat::parse_str(
        "(module (import \"m\" \"f\" (func)) (func (result i32) (i32.add (i32.const 1) (i64.const 2))))",
    )
    .expect("assembles");
    let offset = wasmparser::Validator::new()
        .validate_all(&bytes)
        .err()
        .expect("invalid")
        .offset();
    let path = temp_file("binary", "bad.wasm", &bytes);
    let out = watlab(&["run", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {}: in func 1 at byte 0x{offset:x} (i32.add): i32.add needs [i32 i32] on top of the stack, but the top is [i32 i64] (type mismatch: expected i32, found i64)\n",
            path.display()
        )
    );
}

#[test]
fn wast_explains_a_module_that_fails_validation_names_its_function_and_line() {
    let script = "(module\n  (func $f (result i32)\n    i32.const 1\n    f32.const 2\n    i32.add))\n(assert_invalid (module (func (result i32) (i64.const 0))) \"type mismatch\")\n";
    let path = temp_file("wast", "bad.wast", script.as_bytes());
    let out = watlab(&["wast", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "{}:1: module: invalid module: in func $f at 5:5: i32.add needs [i32 i32] on top of the stack, but the top is [i32 f32] (type mismatch: expected i32, found f32)\n1 passed, 1 failed; 1 of 1 modules rejected, 1 with the expected message\n",
            path.display()
        )
    );
}

#[test]
fn an_option_after_the_call_arguments_is_named_not_counted() {
    let dir = std::env::temp_dir().join(format!("watlab-opt-after-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("inc.wat");
    std::fs::write(
        &file,
        "(module (func (export \"inc\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))",
    )
    .expect("write module");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_watlab"))
        .args(["run"])
        .arg(&file)
        .args(["--invoke", "inc", "-1", "--trace"])
        .output()
        .expect("watlab runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--trace comes after the call's arguments"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_script_prints_only_the_error_and_no_summary() {
    let out = watlab(&["wast", "no-such-file-for-watlab.wast"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("watlab: cannot read no-such-file-for-watlab.wast: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_block_left_open_is_shown_at_its_opening_with_the_function_name() {
    let source = "(module\n  (func $h (result i32)\n    block (result i32)\n    i32.const 1))\n";
    let path = temp_file("open-block", "bad2.wat", source.as_bytes());
    let out = watlab(&["run", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let expected = format!(
        "error: {}:3:5: in func $h: a block is still open at the end of the function's body: close it with `end`\n  3 |     block (result i32)\n          ^^^^^\n",
        path.display()
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
}

#[test]
fn an_unknown_local_in_a_file_lists_the_locals_at_its_line_and_column() {
    let source =
        "(module\n  (func $f (export \"f\") (local $i i32)\n    local.get $j\n    drop))\n";
    let path = temp_file("unknown-local", "un.wat", source.as_bytes());
    let out = watlab(&["run", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let expected = format!(
        "error: {}:3:15: no local named $j in $f; its locals are $i (did you mean $i?)\n  3 |     local.get $j\n                    ^^\n",
        path.display()
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
}

#[test]
fn invoking_a_missing_export_lists_the_exported_functions() {
    let source = "(module (func (export \"f\")) (func (export \"h\")) (memory (export \"m\") 1))";
    let path = temp_file("no-export", "ex.wat", source.as_bytes());
    let out = watlab(&["run", path.to_str().expect("utf-8 path"), "--invoke", "g"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "watlab: the module has no export \"g\"; the functions it exports are \"f\", \"h\"\n"
    );
}

#[test]
fn a_script_names_its_own_lines_for_errors_and_traps_in_earlier_definitions() {
    let source = "i32.const 1\n\n(func $f (result i32)\n  i32.const 1\n  i64.add)\n(func $d (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))\n(call $d (i32.const 0))\n";
    let path = temp_file("script-lines", "s2.txt", source.as_bytes());
    let out = watlab(&["script", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stderr);
    let file = path.display();
    let bad_add = format!(
        "error: {file}:5:3: in func $f: i64.add needs 2 operands [i64 i64], but the stack has 1: [i32]\n  5 |   i64.add)\n        ^^^^^^^\n"
    );
    assert!(stdout.contains(&bad_add), "{stdout}");
    let trap = format!(
        "error: {file}:6:36: trap: integer divide by zero (1 / 0)\n  6 | (func $d (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))\n                                         ^^^^^^^^^\n  in $d, at i32.div_s\n  for the input at {file}:7\n"
    );
    assert!(stdout.ends_with(&trap), "{stdout}");
}

#[test]
fn a_trap_in_a_loaded_file_names_the_files_line_once() {
    let source = "(module\n  (func $div (export \"div\") (param i32 i32) (result i32)\n    local.get 0\n    local.get 1\n    i32.div_s))\n";
    let module = temp_file("loaded-trap", "m.wat", source.as_bytes());
    let script = temp_file(
        "loaded-trap",
        "s.txt",
        b"(call $div (i32.const 1) (i32.const 0))\n",
    );
    let dir = module.parent().expect("a directory");
    let out = Command::new(env!("CARGO_BIN_EXE_watlab"))
        .current_dir(dir)
        .args(["m.wat"])
        .stdin(std::fs::File::open(&script).expect("the script opens"))
        .output()
        .expect("the watlab binary runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "loaded m.wat\ndefined func $div\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: m.wat:5:5: trap: integer divide by zero (1 / 0)\n  5 |     i32.div_s))\n          ^^^^^^^^^\n  in $div, at i32.div_s\n  for the input at <stdin>:1\n"
    );
}

#[test]
fn a_body_error_on_the_only_line_of_a_file_numbers_that_line() {
    let source = "(module (func (result i32) (i32.add (i32.const 1) (i64.const 2))))\n";
    let path = temp_file("one-line", "one.wat", source.as_bytes());
    let out = watlab(&["run", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(":1:29: in func 0: i32.add needs [i32 i32]")
            && stderr.contains("\n  1 | (module (func (result i32)"),
        "{stderr}"
    );
}

#[test]
fn a_missing_parenthesis_in_a_file_points_where_it_opens_as_at_the_prompt() {
    let source = "(module\n  (func $f (result i32)\n    (i32.const 1))\n";
    let path = temp_file("unclosed", "open.wat", source.as_bytes());
    let out = watlab(&["run", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let file = path.display();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {file}:1:1: this `(module` is never closed: add the missing `)`\n  1 | (module\n      ^\n"
        )
    );
    let script = temp_file("unclosed", "load.txt", b":load open.wat\n");
    let out = Command::new(env!("CARGO_BIN_EXE_watlab"))
        .current_dir(path.parent().expect("a directory"))
        .args(["script", script.to_str().expect("utf-8 path")])
        .output()
        .expect("the watlab binary runs");
    let script = script.display();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: open.wat:1:1: this `(module` is never closed: add the missing `)`\n  1 | (module\n      ^\n  for the input at {script}:1\n"
        )
    );
}

#[test]
fn an_unclosed_parenthesis_in_a_script_says_the_rest_did_not_run() {
    let source = "(func $e (block nop)\n(func $f (result i32) i32.const 1)\ncall $f\n";
    let path = temp_file("swallowed", "rest.wat", source.as_bytes());
    let out = watlab(&["script", path.to_str().expect("utf-8 path")]);
    let file = path.display();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {file}:1:1: this `(func` is never closed: add the missing `)`\n  1 | (func $e (block nop)\n      ^\n  the 2 lines after it were read as part of this input, so none of them ran\n"
        )
    );
}

#[test]
fn an_exception_thrown_in_a_loaded_file_names_the_files_line() {
    let source = "(module\n  (tag $oops (param i32))\n  (func $inner (param $x i32)\n    (throw $oops (local.get $x))))\n";
    let module = temp_file("loaded-throw", "ex.wat", source.as_bytes());
    let script = temp_file("loaded-throw", "s.txt", b"(call $inner (i32.const 3))\n");
    let out = Command::new(env!("CARGO_BIN_EXE_watlab"))
        .current_dir(module.parent().expect("a directory"))
        .args(["ex.wat"])
        .stdin(std::fs::File::open(&script).expect("the script opens"))
        .output()
        .expect("the watlab binary runs");
    let stdout = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("error: ex.wat:4:6: uncaught exception $oops (i32 3)\n  4 |     (throw $oops (local.get $x))))\n           ^^^^^\n  thrown in $inner, at throw\n"),
        "{stdout}"
    );
}

#[test]
fn a_trap_in_watlab_run_is_shown_at_its_line_as_at_the_prompt() {
    let source = "(module\n  (func $div (export \"div\") (param i32 i32) (result i32)\n    local.get 0\n    local.get 1\n    i32.div_s))\n";
    let path = temp_file("run-trap", "div.wat", source.as_bytes());
    let out = watlab(&[
        "run",
        path.to_str().expect("utf-8 path"),
        "--invoke",
        "div",
        "1",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let file = path.display();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {file}:5:5: trap: integer divide by zero (1 / 0)\n  5 |     i32.div_s))\n          ^^^^^^^^^\n  in $div, at i32.div_s\n"
        )
    );
}

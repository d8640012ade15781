//! Issue 14: what a session keeps does not grow with the inputs that left
//! nothing behind. Counts of store objects, not timings.

use watlab::session::Session;

fn eval(session: &mut Session, text: &str) {
    if let Err(e) = session.eval(text) {
        panic!("{text}: {}", e.message);
    }
}

#[test]
fn instruction_inputs_leave_no_instances_behind() {
    let mut session = Session::new();
    eval(&mut session, "(func $f (result i32) i32.const 7)");
    let instances = session.store().instances().len();
    for _ in 0..200 {
        eval(&mut session, "call $f");
        eval(&mut session, "drop");
    }
    eval(&mut session, "i32.const 1");
    eval(&mut session, "i32.const 2 i32.add");
    assert_eq!(session.stack().len(), 1);
    // Only the last input's fragment may still be there, and not even that.
    assert!(
        session.store().instances().len() <= instances + 1,
        "{} instances after 400 inputs, {instances} before",
        session.store().instances().len()
    );
}

/// One input as the workbench runs it, recorded for `:undo`.
fn input(session: &mut Session, text: &str) {
    session.begin_input(text);
    eval(session, text);
    session.end_input();
}

#[test]
fn undo_gives_back_a_memory_whose_contents_moved() {
    let mut session = Session::new();
    input(&mut session, "(memory 1)");
    input(&mut session, "(i32.store8 (i32.const 100) (i32.const 42))");
    input(&mut session, "(func $f)");
    input(&mut session, "(i32.store8 (i32.const 100) (i32.const 43))");
    input(&mut session, "(func $g)");
    assert_eq!(session.memory0_bytes(100, 1), vec![43]);
    session.undo(2).map_err(|e| e.message).expect("two inputs");
    assert_eq!(session.memory0_bytes(100, 1), vec![42]);
    session.undo(1).map_err(|e| e.message).expect("one input");
    assert_eq!(session.memory0_bytes(100, 1), vec![42]);
    input(&mut session, "(func $h)");
    assert_eq!(session.memory0_bytes(100, 1), vec![42]);
}

/// Bytes held by all memories of the store.
fn memory_bytes(session: &Session) -> usize {
    let memories = &session.store().data.memories;
    memories.iter().map(|m| m.bytes().len()).sum()
}

#[test]
fn redefinitions_keep_one_copy_of_memory() {
    let mut session = Session::new();
    // The host's own memories (spectest's).
    let host = memory_bytes(&session);
    eval(&mut session, "(memory 4)");
    eval(&mut session, "(i32.store (i32.const 100) (i32.const 42))");
    for i in 0..50 {
        eval(
            &mut session,
            &format!("(func $f{i} (result i32) i32.const {i})"),
        );
    }
    assert_eq!(
        memory_bytes(&session),
        host + 4 * 65536,
        "only the live memory holds bytes"
    );
    assert_eq!(session.memory0_bytes(100, 4), vec![42, 0, 0, 0]);
}

/// Instances that still hold functions (earlier session modules whose code
/// was not freed count; freed ones hold none).
fn instances_with_code(session: &Session) -> usize {
    let instances = session.store().instances();
    instances.iter().filter(|i| !i.funcs.is_empty()).count()
}

#[test]
fn earlier_session_modules_are_freed_once_undo_lets_go() {
    let mut session = Session::new();
    // The host's own (spectest's).
    let host = instances_with_code(&session);
    for i in 0..200 {
        eval(
            &mut session,
            &format!("(func $f{i} (result i32) i32.const {i})"),
        );
    }
    assert_eq!(
        instances_with_code(&session),
        host + 1,
        "only the session module's"
    );
    let mut undoable = Session::new();
    for i in 0..200 {
        input(
            &mut undoable,
            &format!("(func $f{i} (result i32) i32.const {i})"),
        );
    }
    // The states `:undo` keeps hold the earlier modules' binaries, not
    // their code.
    let kept = instances_with_code(&undoable);
    assert_eq!(kept, host + 1, "{kept} instances hold code");
    undoable
        .undo(100)
        .map_err(|e| e.message)
        .expect("100 inputs");
    input(&mut undoable, "call $f99");
    assert_eq!(undoable.stack().len(), 1);
    assert_eq!(undoable.stack()[0].to_string(), "i32:99");
}

#[test]
fn undo_compiles_an_earlier_session_module_again_with_its_table() {
    let mut session = Session::new();
    input(&mut session, "(table 2 funcref)");
    input(&mut session, "(func $a (result i32) i32.const 1)");
    input(&mut session, "(elem (i32.const 0) $a)");
    input(&mut session, "(func $a (result i32) i32.const 2)");
    input(&mut session, "(func $b (result i32) i32.const 3)");
    input(&mut session, "(call_indirect (result i32) (i32.const 0))");
    assert_eq!(session.stack()[0].to_string(), "i32:2");
    session
        .undo(3)
        .map_err(|e| e.message)
        .expect("three inputs");
    input(&mut session, "(call_indirect (result i32) (i32.const 0))");
    assert_eq!(session.stack()[0].to_string(), "i32:1");
    input(&mut session, "call $a");
    assert_eq!(session.stack()[1].to_string(), "i32:1");
}

#[test]
fn the_store_holds_functions_in_proportion_to_the_live_ones() {
    let mut session = Session::new();
    // The host's own (spectest's).
    let host = session.store().func_count();
    let live = 300;
    for i in 0..live {
        eval(
            &mut session,
            &format!("(func $f{i} (result i32) i32.const {i})"),
        );
    }
    // Each definition instantiates the session module again: without
    // reusing the slots of the one it replaces, 300 one-by-one definitions
    // leave 45,150 functions in the store.
    let grown = session.store().func_count() - host;
    assert!(grown <= 4 * live, "{grown} functions for {live} live ones");
    for k in 0..live {
        eval(
            &mut session,
            &format!("(func $f0 (result i32) i32.const {})", k + 1000),
        );
    }
    let redefined = session.store().func_count() - host;
    assert!(
        redefined <= 4 * live,
        "{redefined} functions for {live} live ones after {live} redefinitions"
    );
    eval(&mut session, "call $f0 call $f299");
    let stack: Vec<String> = session.stack().iter().map(|v| v.to_string()).collect();
    assert_eq!(stack, ["i32:1299", "i32:299"]);
}

#[test]
fn a_function_a_kept_state_refers_to_keeps_its_store_slot() {
    let mut session = Session::new();
    input(&mut session, "(func $a (result i32) i32.const 1)");
    input(&mut session, "ref.func $a");
    let Some(watlab::vm::Value::FuncRef(Some(held))) = session.stack().first().copied() else {
        panic!("a funcref on the stack");
    };
    let held = watlab::vm::store::FuncAddr(held);
    let signature = |session: &Session| session.store().func_type(held).map(|t| t.to_string());
    let before = signature(&session);
    // $a gets another signature, as do the functions defined next, so a
    // slot of theirs in the place of the held $a would show it.
    input(
        &mut session,
        "(func $a (param i64) (result i64) local.get 0)",
    );
    // The state before `drop` holds the reference on its stack and stays in
    // the undo history after the states that name $a's module have left it.
    input(&mut session, "drop");
    for i in 0..watlab::session::UNDO_INPUTS + 20 {
        input(
            &mut session,
            &format!("(func $f{i} (param i64) (result i64) local.get 0)"),
        );
    }
    assert_eq!(
        signature(&session),
        before,
        "the slot of the held $a was reused"
    );
}

#[test]
fn a_typed_function_reference_in_a_global_keeps_its_function() {
    let mut session = Session::new();
    input(&mut session, "(type $t (func (result i32)))");
    input(&mut session, "(func $a (type $t) i32.const 41)");
    input(
        &mut session,
        "(global $g (mut (ref null $t)) (ref.null $t))",
    );
    input(&mut session, "ref.func $a global.set $g");
    // $a is replaced; the global still holds the first $a, whose instance
    // must stay (a typed reference, not `funcref`).
    input(&mut session, "(func $a (type $t) i32.const 0)");
    for i in 0..watlab::session::UNDO_INPUTS + 20 {
        input(
            &mut session,
            &format!("(func $f{i} (type $t) i32.const {i})"),
        );
    }
    input(&mut session, "global.get $g call_ref $t");
    let stack: Vec<String> = session.stack().iter().map(|v| v.to_string()).collect();
    assert_eq!(stack, ["i32:41"]);
}

/// Peak resident memory of this process so far in MiB (`VmHWM`).
fn peak_resident_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM line");
    kb / 1024
}

#[test]
fn replacing_a_huge_memory_by_a_small_one_does_not_touch_its_zero_pages() {
    let mut session = Session::new();
    eval(&mut session, "(memory 16384)");
    eval(
        &mut session,
        "(i32.store (i32.const 1073741820) (i32.const 9))",
    );
    let before = peak_resident_mib();
    // The new memory grows to hold the old contents (1 GiB, nearly all zero
    // pages): only the pages that hold data may become resident.
    eval(&mut session, "(memory 2)");
    let grown = peak_resident_mib().saturating_sub(before);
    assert!(
        grown < 256,
        "replacing the memory made {grown} MiB more resident at its peak"
    );
    eval(&mut session, "(i32.load (i32.const 1073741820))");
    assert!(
        matches!(session.stack().last(), Some(watlab::vm::Value::I32(9))),
        "the kept word reads back: {:?}",
        session.stack()
    );
}

#[test]
fn listing_a_huge_memory_reads_only_what_was_written() {
    let mut session = Session::new();
    eval(&mut session, "(memory 16384)");
    eval(
        &mut session,
        "(i32.store (i32.const 1073741820) (i32.const 9))",
    );
    eval(&mut session, "(i32.store8 (i32.const 70000) (i32.const 1))");
    let started = std::time::Instant::now();
    let memories = session.memories();
    let took = started.elapsed();
    // Counting its non-zero bytes one by one took 11-12 s in a debug build
    // (0.75 s in a release one); only the written pages are read now.
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    let [memory] = &memories[..] else {
        panic!("one memory: {}", memories.len());
    };
    assert_eq!(memory.bytes, 1 << 30);
    assert_eq!(
        memory.nonzero,
        (vec![70000..70001, 1073741820..1073741821], 0)
    );
}

/// This process's resident memory in KiB (Linux), from `/proc/self/status`.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux has /proc/self/status");
    let line = (status.lines())
        .find(|l| l.starts_with("VmRSS:"))
        .expect("a VmRSS line");
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .expect("a number of KiB")
}

#[test]
fn stepping_back_through_a_huge_memory_reads_and_writes_only_what_was_written() {
    let mut bench = watlab::commands::Workbench::new(None);
    let inputs = [
        "(memory 16384)",
        "(func $f (local $i i32) (loop $l (i32.store (local.get $i) (local.get $i)) \
         (local.set $i (i32.add (local.get $i) (i32.const 4))) \
         (br_if $l (i32.lt_u (local.get $i) (i32.const 4000)))))",
    ];
    for input in inputs {
        bench.eval(input).map_err(|e| e.message).expect("defines");
    }
    let before = resident_kib();
    let started = std::time::Instant::now();
    for input in [":step call $f", "s 2000", "back", "back 500", "c"] {
        bench.eval(input).map_err(|e| e.message).expect("steps");
    }
    let took = started.elapsed();
    // The recording's checkpoints compared and restored every page of the
    // 1 GiB memory: 5 s in a debug build, and a restore wrote all of it
    // (1 GiB resident); only the pages that were written count now.
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    let grown_mib = resident_kib().saturating_sub(before) >> 10;
    assert!(grown_mib < 256, "resident memory grew by {grown_mib} MiB");
    let replies = bench
        .eval("(i32.load (i32.const 3996))")
        .map_err(|e| e.message);
    assert!(
        format!("{:?}", replies.expect("loads")).contains("3996"),
        "the loop's last store is there"
    );
}

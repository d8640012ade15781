//! Hostile input never crashes the workbench: truncations of valid inputs,
//! token soup and random bytes go through `Workbench::eval`; an input that is
//! rejected (syntax, validation, linking, usage) leaves every observable part
//! of the session exactly as it was, and afterwards the session still works.

use watlab::commands::Workbench;
use watlab::session::{ErrorKind, Reply};

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const VALID: &[&str] = &[
    "(memory 1)",
    "(func $f (export \"f\") (param $n i32) (result i32) (i32.add (local.get $n) (i32.const 1)))",
    "(global $g (mut i32) (i32.const 3))",
    "(data (i32.const 8) \"abc\")",
    "(local $x i32)",
    "i32.const 5 call $f local.set $x",
    "(invoke \"f\" (i32.const 41))",
    "(module $m (func (export \"h\") (result i64) (i64.const 7)))",
    ":mem 0 32 as i32",
    ":step i32.const 2 call $f",
    "s",
    "back",
    "c",
    ":region 0x8 u8[3] word",
    ":host memory env.mem initial=1 maximum=2",
    ":bytes (func (param i32) local.get 0 drop)",
];

const TOKENS: &[&str] = &[
    "(",
    ")",
    "(",
    ")",
    "func",
    "module",
    "i32.const",
    "i64.const",
    "f64.const",
    "local.get",
    "local.set",
    "call",
    "$f",
    "$x",
    "$nope",
    "block",
    "loop",
    "br",
    "br_if",
    "end",
    "if",
    "else",
    "i32.add",
    "i32.div_s",
    "i32.load",
    "i32.store",
    "memory.grow",
    "0",
    "-1",
    "0xffffffff",
    "1e400",
    "nan:0x1",
    "\"",
    "\"x\"",
    ";;",
    "(;",
    ";)",
    ":",
    ":mem",
    ":step",
    ":host",
    ":region",
    ":break",
    "offset=99999999999",
    "s",
    "c",
    "back",
    "abort",
    "(invoke",
    "(assert_return",
    "(register",
    "\u{202e}",
    "é",
    "\\",
    "=",
];

/// Commands that only read the session, each answered in full in the
/// fingerprint (the `:mem` window shows the change marks of the last input).
/// `:memory` is left out: it is derived from the memories and instances
/// captured anyway, and scanning every page for non-zero runs after each of
/// thousands of inputs would take most of the test's time.
const READERS: &[&str] = &[
    ":stack",
    ":locals",
    ":globals",
    ":mem",
    ":wat",
    ":instances",
    ":host",
    ":threads",
    ":region",
    ":breakpoints",
    ":limit",
];

/// Everything observable about the session through its public API.
#[derive(PartialEq)]
struct Fingerprint {
    /// The replies of the read-only commands, the session's getters, and the
    /// store's tables, globals, segments and waiters and memory types.
    text: String,
    /// The bytes of every memory of the store.
    memories: Vec<Vec<u8>>,
}

impl Fingerprint {
    fn of(session: &mut Workbench) -> Fingerprint {
        let mut text = String::new();
        for command in READERS {
            text.push_str(&format!("{command} => {:?}\n", session.eval(command)));
        }
        text.push_str(&format!(
            "stepping {}\nstack {:?}\nlocals {:?}\nchanges {:?}\nnamed {:?}\nfields {:?}\nregistry {:?}\nsession {:?}\n",
            session.session.is_stepping(),
            session.session.stack(),
            session.session.locals(),
            session.session.changes(),
            session.session.named_instances(),
            session.session.field_texts(),
            session.session.registry(),
            session.session.session_instance().map(|(_, addr)| addr),
        ));
        let data = &session.session.store().data;
        for (i, memory) in data.memories.iter().enumerate() {
            text.push_str(&format!(
                "memory {i} {:?} pages {}\n",
                memory.ty,
                memory.pages()
            ));
        }
        text.push_str(&format!(
            "tables {:?}\nglobals {:?}\nelems {:?}\ndatas {:?}\nwaiters {:?}\n",
            data.tables, data.globals, data.elems, data.datas, data.waiters
        ));
        let memories = data.memories.iter().map(|m| m.bytes().to_vec()).collect();
        Fingerprint { text, memories }
    }

    /// Where `self` and `after` first differ, for a readable failure.
    fn difference(&self, after: &Fingerprint) -> String {
        if let Some((b, a)) = self
            .text
            .lines()
            .zip(after.text.lines())
            .find(|(b, a)| b != a)
        {
            return format!("before: {b}\nafter:  {a}");
        }
        if self.text != after.text {
            return format!("before:\n{}\nafter:\n{}", self.text, after.text);
        }
        for (i, (b, a)) in self.memories.iter().zip(&after.memories).enumerate() {
            if let Some(at) = b.iter().zip(a).position(|(x, y)| x != y) {
                return format!(
                    "memory {i} at byte {at}: before {:02x}, after {:02x}",
                    b[at], a[at]
                );
            }
        }
        "the number or sizes of the memories".to_string()
    }
}

/// Inputs that the session built from [`VALID`] must reject, with the kind
/// of error: link errors after some fields were accepted, invalid fields,
/// misused commands. The hostile inputs rarely reach these paths.
const REJECTED: &[(&str, ErrorKind)] = &[
    ("(func (import \"nope\" \"f\"))", ErrorKind::Link),
    (
        "(global $g2 (mut i32) (i32.const 3)) (func (import \"nope\" \"z\"))",
        ErrorKind::Link,
    ),
    (
        "(global (import \"spectest\" \"global_i32\") i64)",
        ErrorKind::Link,
    ),
    (
        "(module (memory (import \"env\" \"mem\") 1) (data (i32.const 0) \"x\") (import \"nope\" \"g\" (func)))",
        ErrorKind::Link,
    ),
    (
        "(module $m2 (import \"env\" \"mem\" (memory 3)))",
        ErrorKind::Link,
    ),
    ("(func $h (result i32) (i64.const 1))", ErrorKind::Invalid),
    ("(start 0)", ErrorKind::Invalid),
    ("(i32.add (i32.const 1) (f32.const 2))", ErrorKind::Invalid),
    (
        "i32.const 9 local.set $x local.get $nope",
        ErrorKind::Syntax,
    ),
    (":mem $nope", ErrorKind::Usage),
    (":break $nope", ErrorKind::Usage),
    (":limit x", ErrorKind::Usage),
    ("(register \"x\" $nope)", ErrorKind::Usage),
];

/// Whether an error is a rejection: the input never ran, so it must leave
/// the session as it was. Not a rejection: a trap keeps the memory and
/// global writes made before it, as WebAssembly specifies (`:undo` takes
/// them back explicitly), and a failed assertion may have run such a
/// trapping or partly done invocation.
fn is_rejection(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Syntax | ErrorKind::Invalid | ErrorKind::Link | ErrorKind::Usage
    )
}

/// Evaluates `input` (panics are the harness's to report); when it is
/// rejected, asserts that the session is exactly as `before`, which then
/// becomes the state after the input. Returns the kind of error, if any.
fn eval_checked(
    session: &mut Workbench,
    before: &mut Fingerprint,
    input: &str,
) -> Option<ErrorKind> {
    let outcome = session.eval(input);
    if session.session.is_stepping() {
        // The stepper's pause state is meant to change; leave it and
        // start again from whatever state that leaves.
        let _ = session.eval("abort");
        *before = Fingerprint::of(session);
        return outcome.err().map(|e| e.kind);
    }
    let after = Fingerprint::of(session);
    if let Err(e) = &outcome
        && is_rejection(e.kind)
    {
        assert!(
            *before == after,
            "{input:?} failed ({:?}: {}) but changed the session:\n{}",
            e.kind,
            e.message,
            before.difference(&after)
        );
    }
    *before = after;
    outcome.err().map(|e| e.kind)
}

#[test]
fn hostile_inputs_never_panic_and_rejected_inputs_change_nothing() {
    let mut session = Workbench::new(None);
    for input in VALID {
        let _ = session.eval(input);
    }
    let _ = session.eval("abort");
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut inputs: Vec<String> = Vec::new();
    for valid in VALID {
        for cut in 0..valid.len() {
            if valid.is_char_boundary(cut) {
                inputs.push(valid[..cut].to_string());
            }
        }
    }
    for _ in 0..3000 {
        let len = 1 + rng.next() % 12;
        let soup: Vec<&str> = (0..len).map(|_| rng.pick(TOKENS)).collect();
        inputs.push(soup.join(" "));
    }
    for _ in 0..1000 {
        let len = rng.next() % 40;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 256) as u8).collect();
        inputs.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let mut before = Fingerprint::of(&mut session);
    assert!(
        before == Fingerprint::of(&mut session),
        "taking the fingerprint changes the session"
    );
    for (input, kind) in REJECTED {
        let got = eval_checked(&mut session, &mut before, input);
        assert_eq!(got, Some(*kind), "{input}");
    }
    let mut compared = 0;
    for input in &inputs {
        if eval_checked(&mut session, &mut before, input).is_some_and(is_rejection) {
            compared += 1;
        }
    }
    assert!(
        compared > 2000,
        "only {compared} rejected inputs were compared: the inputs no longer exercise rejection"
    );
    let _ = session.eval(":clear");
    let replies = session
        .eval("i32.const 20 call $f")
        .expect("the session still runs code");
    assert!(
        matches!(replies.last(), Some(Reply::Stack { values, .. }) if values.last() == Some(&watlab::vm::Value::I32(21))),
        "{replies:?}"
    );
}

/// Inputs of every kind after [`VALID`] (stepper lines aside): some trap
/// after writing, some define, register or replace things.
const UNDOABLE: &[&str] = &[
    "(func $t (export \"t\") (global.set $g (i32.add (global.get $g) (i32.const 1))) (i32.store (i32.const 4) (global.get $g)) unreachable)",
    "call $t",
    "(invoke \"t\")",
    "(assert_trap (invoke \"t\") \"unreachable\")",
    "i32.const 1 i32.const 2 (i32.store (i32.const 12) (i32.const 3)) i32.const 0 i32.div_u",
    ":write env.mem 0 i32 5",
    "(module $host (import \"env\" \"mem\" (memory 1)) (data (i32.const 0) \"ok\") (data (i32.const 65535) \"no\"))",
    "(register \"session\")",
    "(global $g (mut i32) (i32.const 4))",
    ":reset",
];

#[test]
fn undo_takes_back_every_input_that_changed_the_session_exactly() {
    let mut session = Workbench::new(None);
    let stepper = [":step i32.const 2 call $f", "s", "back", "c"];
    let inputs = VALID
        .iter()
        .filter(|i| !stepper.contains(i))
        .chain(UNDOABLE);
    let mut undone = 0;
    for (k, input) in inputs.enumerate() {
        // A marker input that always changes something: `:undo` takes back
        // the input after it when that changed something, else the marker.
        let marker = format!("(local $marker{k} i32)");
        session.eval(&marker).expect("a new local can be declared");
        let before = Fingerprint::of(&mut session);
        let outcome = session.eval(input).map_err(|e| e.message);
        assert!(!session.session.is_stepping(), "{input}");
        let replies = session
            .eval(":undo")
            .expect("the marker at least can be undone");
        if replies == [Reply::Note(format!("undid: {marker}"))] {
            continue;
        }
        assert!(
            matches!(&replies[..], [Reply::Note(n)] if n.starts_with("undid: ") && !n.contains("$marker")),
            "{input}: {replies:?}"
        );
        let after = Fingerprint::of(&mut session);
        assert!(
            before == after,
            "{input} ({outcome:?}) was not undone exactly:\n{}",
            before.difference(&after)
        );
        undone += 1;
        let _ = session.eval(input);
    }
    assert!(undone >= 19, "only {undone} inputs changed the session");
}

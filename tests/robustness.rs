//! Hostile input never crashes the workbench: truncations of valid inputs,
//! token soup and random bytes go through `Session::eval`, and afterwards the
//! session still works and still holds what it held before.

use watlab::commands::Workbench;
use watlab::session::Reply;

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

fn stack_after(session: &mut Workbench) -> Vec<Reply> {
    session.eval(":stack").expect(":stack always works")
}

#[test]
fn hostile_inputs_never_panic_and_the_session_keeps_working() {
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
    let before = stack_after(&mut session);
    for input in &inputs {
        // Errors are fine; panics are not (the test harness would report them).
        let _ = session.eval(input);
        if session.session.is_stepping() {
            let _ = session.eval("abort");
        }
    }
    let _ = session.eval(":clear");
    let replies = session
        .eval("i32.const 20 call $f")
        .expect("the session still runs code");
    assert!(
        matches!(replies.last(), Some(Reply::Stack { values, .. }) if values.last() == Some(&watlab::vm::Value::I32(21))),
        "{replies:?}"
    );
    assert!(!before.is_empty());
}

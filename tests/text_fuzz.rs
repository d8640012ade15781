//! Property test: random text through every entry point that reads what a
//! user types (the lexer behind the highlighter and the editor's validator,
//! the assembler, fragments and fields through `Session::eval`, the
//! `:host { ... }` object parser, lesson files) ends within a time and memory
//! bound. A lone `;` once sent the lexer into an endless loop (issue 10).

use proptest::prelude::*;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Pieces a learner might type, the slips among them (`;`, `;)`, `(;`).
const PIECES: &[&str] = &[
    ";",
    ";;",
    ";)",
    "(;",
    "(",
    ")",
    "{",
    "}",
    "\"",
    "\\",
    " ",
    "\n",
    "$x",
    "func",
    "module",
    "i32.const",
    "1",
    "-0x1",
    "local.get",
    "call",
    "loop",
    "br_if",
    "end",
    ":host",
    ":mem",
    ",",
    ":",
    "1n",
    "é",
    "=",
    "memory",
    "(invoke",
    "```",
    "#",
    "## Exercise:",
];

/// Most time one input may take through every entry point.
const TIME_BOUND: Duration = Duration::from_secs(10);
/// Most resident memory the test process may reach while one input runs.
const MEMORY_BOUND_BYTES: u64 = 2 << 30;

fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Feeds `text` to each entry point on a worker thread and fails if that
/// takes longer than the time bound or grows memory past the memory bound.
fn within_bounds(text: String) -> Result<(), String> {
    let (done, finished) = mpsc::channel();
    let input = text.clone();
    std::thread::spawn(move || {
        let _ = watlab::text::lex::tokens(&input);
        let _ = watlab::text::lex::is_complete(&input);
        let _ = watlab::view::theme::highlight(&input);
        let _ = watlab::text::assemble::assemble_module(&input);
        let _ = watlab::host::js::parse(&input);
        let _ = watlab::lesson::parse(&input);
        let _ = watlab::lesson::inputs(&input);
        let mut session = watlab::commands::Workbench::new(None);
        let _ = session.eval(&input);
        let _ = session.eval(&format!(":host {input}"));
        let _ = session.eval(&format!("(func {input})"));
        let _ = done.send(());
    });
    let start = Instant::now();
    loop {
        match finished.recv_timeout(Duration::from_millis(20)) {
            Ok(()) => return Ok(()),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(format!("panicked on {text:?}"));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if start.elapsed() > TIME_BOUND {
            return Err(format!("still running after {TIME_BOUND:?} on {text:?}"));
        }
        if resident_bytes() > MEMORY_BOUND_BYTES {
            return Err(format!(
                "more than {MEMORY_BOUND_BYTES} bytes resident on {text:?}"
            ));
        }
    }
}

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|pieces| pieces.join(""))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_text_entry_point_ends_within_bounds(text in soup()) {
        within_bounds(text).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn the_slips_that_once_hung_the_lexer_end() {
    for text in [";", "i32.const 1 ;", ";)", "(func $f ;)", "; ;; ;) (; ;"] {
        within_bounds(text.to_string()).expect("ends");
    }
}

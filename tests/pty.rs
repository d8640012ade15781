//! Drives the real interactive editor in a pseudo-terminal, the way a person
//! at a keyboard does: multi-line input with the `...> ` continuation prompt,
//! Tab completion of a `$name` the session just defined, Up-arrow history
//! recall, `:quit`, and the history file written on exit; pasted blocks (with
//! and without bracketed paste) running every input; Ctrl-C clearing the line
//! (left on the screen as typed, `^C` after it, without its hint, as a
//! terminal emulator (`vt100`) shows it) and pausing running code; Ctrl-D
//! dropping an unfinished input; a long lesson section paged from its
//! beginning in a 40-row terminal; Tab listing candidates and offering
//! export names inside `(invoke "`; the stepper's prompt saying where the
//! program is paused; a 1 MiB `:mem` paged in a
//! 60-column terminal, where a letter typed at `-- more --` stops paging
//! and starts the next input.
//!
//! The other test suites feed `watlab` through a pipe, which takes the
//! non-interactive script path and never touches rustyline; only a PTY
//! exercises the editor, its helper and the history file.
//!
//! # Why `rexpect` and not `expectrl`
//!
//! Both were read at their latest releases (rexpect 0.7.1, expectrl 0.9.0).
//! `rexpect` was chosen because:
//! - it lives in the `rust-cli` GitHub organisation (the Rust CLI working
//!   group, several maintainers) rather than a single-maintainer repository;
//! - it tracks its dependencies: 0.7.1 is on edition 2024 and `nix` 0.31, the
//!   very `nix` that rustyline already puts in our lockfile, whereas expectrl
//!   0.9.0 (edition 2021) pins `nix` 0.26 through itself and `ptyprocess` 0.5,
//!   which would add a second, years-old copy of `nix` to the build;
//! - it is small (about 1.5 kLOC: fork a PTY, a reader thread, a session) and
//!   the test only needs "write bytes, read what appeared".
//!
//! Its own `exp_*` matchers strip ANSI codes only naively and keep no copy of
//! what they consumed, so this file reads the PTY itself with
//! `StreamSession::try_read`, keeps the raw transcript (printed whenever an
//! expectation fails, so a failure shows exactly what the terminal got) and
//! matches on an ANSI-stripped copy. `TERM` is `xterm`, not `dumb`: rustyline
//! treats `dumb` as an unsupported terminal and falls back to plain line
//! reading without completion or history keys. `NO_COLOR=1` keeps the output
//! plain apart from rustyline's cursor control.

#![cfg(unix)]

use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long any single expectation may wait before the test fails.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Keys as a terminal sends them.
const ENTER: &str = "\r";
const TAB: &str = "\t";
const UP: &str = "\x1b[A";

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path =
            std::env::temp_dir().join(format!("watlab-pty-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes ANSI escape sequences (CSI `ESC [ ... final`, OSC `ESC ] ... BEL/ST`,
/// and two-byte `ESC x`) and carriage returns, leaving the visible text.
fn strip_ansi(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => {
                    // Parameters and intermediates, then one final byte in @..~.
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\x07' {
                            break;
                        }
                        if c == '\x1b' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// `watlab` running in a PTY, with everything it has written so far.
struct Repl {
    session: PtySession,
    /// Every byte read from the PTY, escapes included.
    raw: String,
    /// Offset in `strip_ansi(&self.raw)` up to which expectations have matched.
    cursor: usize,
    /// The exit status, once the child has been reaped.
    exit: Option<WaitStatus>,
}

impl Repl {
    fn spawn(data_home: &Path) -> Self {
        Self::spawn_command(data_home, Command::new(env!("CARGO_BIN_EXE_watlab")))
    }

    /// `watlab` in a terminal of `rows` by `columns` (set with `stty` on the
    /// PTY before watlab starts: a fresh PTY reports no size at all).
    fn spawn_sized(data_home: &Path, rows: u16, columns: u16) -> Self {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            &format!("stty rows {rows} cols {columns} && exec \"$0\""),
            env!("CARGO_BIN_EXE_watlab"),
        ]);
        Self::spawn_command(data_home, command)
    }

    fn spawn_command(data_home: &Path, mut command: Command) -> Self {
        command
            .env("XDG_DATA_HOME", data_home)
            .env("HOME", data_home)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env_remove("COLUMNS")
            .env_remove("LINES");
        let options = Options::new().timeout_ms(Some(TIMEOUT.as_millis() as u64));
        let session = spawn_with_options(command, options).expect("spawn watlab in a pty");
        Repl {
            session,
            raw: String::new(),
            cursor: 0,
            exit: None,
        }
    }

    /// Moves whatever the PTY has produced into `raw`; returns whether anything came.
    fn pump(&mut self) -> bool {
        let before = self.raw.len();
        while let Some(c) = self.session.try_read() {
            self.raw.push(c);
        }
        self.raw.len() > before
    }

    /// Reaps the child if it has exited (non-blocking).
    fn poll_exit(&mut self) {
        if self.exit.is_none() {
            match self.session.process().status() {
                Some(WaitStatus::StillAlive) | None => {}
                Some(status) => self.exit = Some(status),
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("write to pty");
        self.session.flush().expect("flush pty");
    }

    /// Waits until `needle` appears in the visible output after the last match.
    fn expect(&mut self, needle: &str) {
        self.expect_where(needle, |text| text.find(needle).map(|i| (i, needle.len())));
    }

    /// Waits until `find` locates something in the visible output after the
    /// last match; `find` returns (start, length) relative to its argument.
    fn expect_where(&mut self, what: &str, find: impl Fn(&str) -> Option<(usize, usize)>) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            self.pump();
            let visible = strip_ansi(&self.raw);
            if let Some((at, len)) = find(&visible[self.cursor..]) {
                self.cursor += at + len;
                return;
            }
            self.poll_exit();
            if self.exit.is_some() {
                // Give the reader thread a moment to deliver the last output.
                sleep(Duration::from_millis(100));
                self.pump();
                let visible = strip_ansi(&self.raw);
                if let Some((at, len)) = find(&visible[self.cursor..]) {
                    self.cursor += at + len;
                    return;
                }
                self.fail(what, "watlab exited");
            }
            if Instant::now() > deadline {
                self.fail(what, "timed out");
            }
            sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the process to exit and returns its status.
    fn wait_exit(&mut self) -> WaitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            self.pump();
            self.poll_exit();
            if let Some(status) = self.exit {
                return status;
            }
            if Instant::now() > deadline {
                self.fail("process exit", "timed out");
            }
            sleep(Duration::from_millis(10));
        }
    }

    /// The screen as a terminal of `rows` by `columns` shows it now (what is
    /// left in the scrollback after the cursor moves and erasures), a line
    /// a row, without trailing spaces.
    fn screen(&mut self, rows: NonZeroU16, columns: NonZeroU16) -> Vec<String> {
        self.pump();
        let mut terminal = vt100::Parser::new(rows, columns, 0);
        terminal.process(self.raw.as_bytes());
        terminal
            .screen()
            .rows(0, columns.get())
            .map(|row| row.trim_end().to_string())
            .collect()
    }

    fn fail(&self, what: &str, why: &str) -> ! {
        let visible = strip_ansi(&self.raw);
        panic!(
            "{why} waiting for {what:?} (exit: {:?})\n\
             --- visible output after the last match ---\n{}\n\
             --- raw PTY output (all) ---\n{:?}\n",
            self.exit,
            &visible[self.cursor..],
            self.raw,
        );
    }
}

/// The entry lines (`[i]  type  value ...`) of the last stack rendered in
/// `text`, with the offset just past its header.
fn last_stack(text: &str) -> Option<(usize, Vec<&str>)> {
    const HEADER: &str = "stack (bottom to top):";
    let end = text.rfind(HEADER)? + HEADER.len();
    let lines: Vec<&str> = text[end..]
        .lines()
        .skip(1)
        .map(str::trim)
        .take_while(|line| line.starts_with('['))
        .collect();
    Some((end, lines))
}

/// Whether a stack entry line shows an `i32` holding `value`.
fn is_i32(line: &str, value: &str) -> bool {
    let mut fields = line.split_whitespace().skip(1);
    fields.next() == Some("i32") && fields.next() == Some(value)
}

#[test]
fn editor_multiline_completion_history_and_quit() {
    let data_home = TempDir::new("xdg");
    let mut repl = Repl::spawn(data_home.path());

    // 1. Banner, then the prompt.
    repl.expect("WebAssembly Text workbench");
    repl.expect("wat> ");

    // 2. A function over two lines: the first leaves a paren open. The second
    //    closes the `(func` of the first, so on its own it has more `)` than
    //    `(`: the editor must judge it together with the lines before it.
    repl.send("(func $square (param $n i32) (result i32)");
    repl.send(ENTER);
    repl.expect("...> ");
    repl.send("(i32.mul (local.get $n) (local.get $n)))");
    repl.send(ENTER);
    repl.expect("defined func $square");
    repl.expect("wat> ");

    // 3. Tab completes the `$name` just defined; running it leaves 49.
    repl.send("i32.const 7 call $squ");
    repl.expect("call $squ");
    repl.send(TAB);
    repl.expect("call $square");
    repl.send(ENTER);
    repl.expect_where("a stack [i32 49]", |text| {
        let (end, lines) = last_stack(text)?;
        (lines.len() == 1 && is_i32(lines[0], "49")).then_some((0, end))
    });
    repl.expect("wat> ");

    // 4. Up recalls that input; running it again leaves two 49s.
    repl.send(UP);
    repl.expect("i32.const 7 call $square");
    repl.send(ENTER);
    repl.expect_where("a stack [i32 49, i32 49]", |text| {
        let (end, lines) = last_stack(text)?;
        (lines.len() == 2 && lines.iter().all(|l| is_i32(l, "49"))).then_some((0, end))
    });
    repl.expect("wat> ");

    // 5. `:quit` exits cleanly and saves the history.
    repl.send(":quit");
    repl.send(ENTER);
    let status = repl.wait_exit();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "watlab exited with {status:?}; raw PTY output:\n{:?}",
        repl.raw
    );
    drop(repl);

    let history_file = data_home.path().join("watlab").join("history");
    let history = std::fs::read_to_string(&history_file)
        .unwrap_or_else(|e| panic!("reading {}: {e}", history_file.display()));
    assert!(
        history.contains("call $square"),
        "history file lacks `call $square`:\n{history}"
    );
}

#[test]
fn ctrl_c_pauses_a_runaway_loop_in_the_stepper() {
    let data_home = TempDir::new("xdg-ctrl-c");
    let mut repl = Repl::spawn(data_home.path());
    repl.expect("wat> ");
    repl.send("(local $i i32)");
    repl.send(ENTER);
    repl.expect("local $i i32");
    repl.expect("wat> ");

    // An endless loop: the session would only stop it after billions of
    // instructions. Ctrl-C must pause it where it is instead.
    repl.send("(loop $spin (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $spin))");
    repl.send(ENTER);
    sleep(Duration::from_millis(300));
    repl.send("\x03");
    repl.expect("interrupted: paused where it was");
    repl.expect("paused after");
    // Where it pauses depends on when Ctrl-C lands (any instruction of the loop).
    repl.expect("stack:");
    repl.expect("inside: loop $spin");
    repl.expect("step input:1> ");

    // The stepper works from there, and abort undoes the input.
    repl.send("s");
    repl.send(ENTER);
    repl.expect("did:");
    repl.expect("step input:1> ");
    repl.send("abort");
    repl.send(ENTER);
    repl.expect("aborted: the session is as it was before the input");
    repl.expect("wat> ");
    repl.send(":locals");
    repl.send(ENTER);
    repl.expect("$i  i32  0  0x0");
    repl.send(":quit");
    repl.send(ENTER);
    let status = repl.wait_exit();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "watlab exited with {status:?}; raw PTY output:\n{:?}",
        repl.raw
    );
}

/// Keys that end or cancel input, as a terminal sends them.
const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";

/// Waits for a rendered stack holding exactly these `i32` values, bottom first.
fn expect_stack(repl: &mut Repl, values: &[&str]) {
    repl.expect_where(&format!("a stack of i32 {values:?}"), |text| {
        let (end, lines) = last_stack(text)?;
        (lines.len() == values.len() && lines.iter().zip(values).all(|(l, v)| is_i32(l, v)))
            .then_some((0, end))
    });
}

/// Sends `:quit` and checks that watlab leaves with status 0.
fn quit(repl: &mut Repl) {
    repl.send(":quit");
    repl.send(ENTER);
    let status = repl.wait_exit();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "watlab exited with {status:?}; raw PTY output:\n{:?}",
        repl.raw
    );
}

#[test]
fn pasted_lines_without_bracketed_paste_all_run_in_order() {
    let data_home = TempDir::new("xdg-paste");
    let mut repl = Repl::spawn(data_home.path());
    repl.expect("wat> ");
    // What a terminal without bracketed paste sends for a pasted block: the
    // keys as if typed, in one write. The function spans two lines, so the
    // second must arrive at the `...> ` prompt and join the first.
    repl.send(
        "i32.const 1\r\
         (func $sq (param i32) (result i32)\r\
         (i32.mul (local.get 0) (local.get 0)))\r\
         i32.const 3 call $sq\r",
    );
    repl.expect("...> ");
    repl.expect("defined func $sq");
    expect_stack(&mut repl, &["1", "9"]);
    repl.expect("wat> ");
    quit(&mut repl);
}

#[test]
fn a_bracketed_paste_runs_every_input_it_holds() {
    let data_home = TempDir::new("xdg-bracketed");
    let mut repl = Repl::spawn(data_home.path());
    repl.expect("wat> ");
    // A bracketed paste lands in the editor as one block; Enter submits it,
    // and each input in it runs, in order.
    repl.send("\x1b[200~(func $nine (result i32)\r  i32.const 9)\rcall $nine\r\x1b[201~");
    repl.send(ENTER);
    repl.expect("defined func $nine");
    expect_stack(&mut repl, &["9"]);
    repl.expect("wat> ");
    quit(&mut repl);
}

#[test]
fn ctrl_d_at_a_continuation_prompt_drops_the_input_and_stays() {
    let data_home = TempDir::new("xdg-ctrl-d");
    let mut repl = Repl::spawn(data_home.path());
    repl.expect("wat> ");
    repl.send("(func $half");
    repl.send(ENTER);
    repl.expect("...> ");
    repl.send(CTRL_D);
    repl.expect("unfinished input dropped");
    repl.expect("wat> ");
    // The workbench is still there, with nothing left over from `(func $half`.
    repl.send("i32.const 4");
    repl.send(ENTER);
    expect_stack(&mut repl, &["4"]);
    repl.expect("wat> ");
    // Ctrl-D at an empty `wat> ` still leaves.
    repl.send(CTRL_D);
    let status = repl.wait_exit();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "watlab exited with {status:?}; raw PTY output:\n{:?}",
        repl.raw
    );
}

#[test]
fn ctrl_d_in_the_stepper_leaves_the_stepper_not_the_workbench() {
    let data_home = TempDir::new("xdg-ctrl-d-step");
    let mut repl = Repl::spawn(data_home.path());
    repl.expect("wat> ");
    repl.send("i32.const 7");
    repl.send(ENTER);
    expect_stack(&mut repl, &["7"]);
    repl.expect("wat> ");
    repl.send(":step i32.const 1 i32.const 2 i32.add");
    repl.send(ENTER);
    repl.expect("step input:1> ");
    repl.send(CTRL_D);
    repl.expect("Ctrl-D left the stepper");
    repl.expect("wat> ");
    // The session is intact: the stack holds what it held before the step.
    repl.send("i32.const 8");
    repl.send(ENTER);
    expect_stack(&mut repl, &["7", "8"]);
    repl.expect("wat> ");
    quit(&mut repl);
}

#[test]
fn ctrl_c_at_a_prompt_clears_the_line() {
    let data_home = TempDir::new("xdg-ctrl-c-line");
    let mut repl = Repl::spawn(data_home.path());
    repl.expect("wat> ");
    repl.send("i32.const 77");
    repl.expect("i32.const 77");
    repl.send(CTRL_C);
    repl.expect("wat> ");
    // At `...> ` Ctrl-C drops the unfinished input.
    repl.send("(i32.const 66");
    repl.send(ENTER);
    repl.expect("...> ");
    repl.send(CTRL_C);
    repl.expect("unfinished input dropped");
    repl.expect("wat> ");
    repl.send("i32.const 5");
    repl.send(ENTER);
    expect_stack(&mut repl, &["5"]);
    repl.expect("wat> ");
    quit(&mut repl);
}

/// Ctrl-C leaves the abandoned line as typed, with `^C` as bash shows it,
/// and without the greyed signature hint the editor showed after it (a
/// learner trial found the hint left in the scrollback).
#[test]
fn ctrl_c_leaves_the_line_as_typed_without_its_hint() {
    let data_home = TempDir::new("xdg-ctrl-c-hint");
    let (rows, columns) = (
        NonZeroU16::MIN.saturating_add(23),
        NonZeroU16::MIN.saturating_add(59),
    );
    let mut repl = Repl::spawn_sized(data_home.path(), rows.get(), columns.get());
    repl.expect("wat> ");
    repl.send("i32.const 1 i32.add");
    // The hint: the signature of the instruction being typed.
    repl.expect("[a:i32 b:i32] -> [i32]");
    repl.send(CTRL_C);
    repl.expect("wat> ");
    let screen = repl.screen(rows, columns);
    let line = screen.iter().find(|row| row.contains("i32.add"));
    assert_eq!(
        line.map(String::as_str),
        Some("wat> i32.const 1 i32.add^C"),
        "the screen:\n{}",
        screen.join("\n")
    );
    // Nothing was run, and the next line works.
    repl.send("i32.const 5");
    repl.send(ENTER);
    expect_stack(&mut repl, &["5"]);
    quit(&mut repl);
}

#[test]
fn a_long_section_is_paged_from_its_beginning_in_a_40_row_terminal() {
    let data_home = TempDir::new("xdg-pager");
    let mut repl = Repl::spawn_sized(data_home.path(), 40, 80);
    repl.expect("wat> ");
    repl.send(":lesson 1");
    repl.send(ENTER);
    // The first screen starts with the section's heading and ends at the
    // more prompt, before the section's end; it fills at most 39 rows.
    repl.expect_where("the heading, then the more prompt", |text| {
        let heading = text.find("1. The stack machine")?;
        let more = text[heading..].find("-- more (")? + heading;
        let screen = &text[heading..more];
        assert!(
            !screen.contains("[lesson 1, section 1 of"),
            "the whole section came at once:\n{screen}"
        );
        assert!(
            screen.lines().count() <= 39,
            "the first screen is taller than the terminal:\n{screen}"
        );
        Some((more, "-- more (".len()))
    });
    // Space shows the rest, down to where the learner is.
    repl.send(" ");
    repl.expect("[lesson 1, section 1 of");
    repl.expect("wat> ");
    // q stops paging: the rest of the section is not shown.
    repl.send(":lesson 2");
    repl.send(ENTER);
    repl.expect("2. Locals and parameters");
    repl.expect("-- more (");
    repl.send("q");
    repl.expect_where("the prompt, without the section's end", |text| {
        let prompt = text.find("wat> ")?;
        assert!(
            !text[..prompt].contains("[lesson 2, section 1 of"),
            "q did not stop the pager:\n{text}"
        );
        Some((prompt, "wat> ".len()))
    });
    quit(&mut repl);
}

#[test]
fn tab_lists_candidates_and_knows_invoke_quotes_and_the_stepper_prompt_says_where() {
    let data_home = TempDir::new("xdg-tab-list");
    let mut repl = Repl::spawn(data_home.path());
    repl.expect("wat> ");
    for (input, answer) in [
        ("(module $m (func (export \"wave\")))", "$m"),
        (
            "(func $fac (export \"fac\") (result i32) i32.const 6)",
            "defined func $fac",
        ),
        ("(func $fill (export \"fill\"))", "defined func $fill"),
    ] {
        repl.send(input);
        repl.send(ENTER);
        repl.expect(answer);
        repl.expect("wat> ");
    }

    // Inside `(invoke "` Tab offers the export names of the instance it
    // calls (the session module, defined last), listed (not cycled) when
    // several fit; never a `$name`.
    repl.send("(invoke \"f");
    repl.send(TAB);
    repl.send(TAB);
    repl.expect_where("fac and fill listed", |text| {
        let at = text.find("(invoke \"f")?;
        let listed = at + text[at..].find("fac   fill")?;
        (!text[at..].contains("$fac")).then_some((at, listed + "fac   fill".len()))
    });
    repl.send("ac\")");
    repl.send(ENTER);
    repl.expect("i32  6  0x6");
    repl.expect("wat> ");
    repl.send("(invoke $m \"w");
    repl.send(TAB);
    repl.expect("(invoke $m \"wave");
    repl.send("\")");
    repl.send(ENTER);
    repl.expect("returned nothing");
    repl.expect("wat> ");

    // While paused, the prompt says where: the input, then $fac's line 1.
    repl.send(":step call $fac");
    repl.send(ENTER);
    repl.expect("step input:1> ");
    repl.send("s");
    repl.send(ENTER);
    repl.expect("step $fac:1> ");
    repl.send("c");
    repl.send(ENTER);
    repl.expect("the fragment finished");
    repl.expect("wat> ");
    quit(&mut repl);
}

#[test]
fn a_key_typed_at_the_more_prompt_stops_paging_and_starts_the_next_input() {
    let data_home = TempDir::new("xdg-more-key");
    let mut repl = Repl::spawn_sized(data_home.path(), 24, 60);
    repl.expect("wat> ");
    repl.send("(memory 16)");
    repl.send(ENTER);
    repl.expect("defined memory");
    repl.send("i32.const 0 i32.const 0x41 i32.const 0x100000 memory.fill");
    repl.send(ENTER);
    repl.expect("stack: empty");
    // A megabyte of rows: shown a screen at a time, 8 bytes a row at 60 columns.
    repl.send(":mem 0 0x100000");
    repl.send(ENTER);
    repl.expect_where("a first screen of rows, then the more prompt", |text| {
        let heading = text.find("memory 0, 1048576 bytes from 0x0:")?;
        let more = text[heading..].find("-- more (")? + heading;
        let screen = &text[heading..more];
        assert!(
            screen.contains("00000000: 4141 4141 4141 4141  AAAAAAAA\n"),
            "rows of 8 bytes expected:\n{screen}"
        );
        assert!(
            screen.lines().count() <= 23,
            "the first screen is taller than the terminal:\n{screen}"
        );
        Some((more, "-- more (".len()))
    });
    // Space: the next screen, then the prompt again.
    repl.send(" ");
    repl.expect("-- more (");
    // A letter stops paging; it is the start of the next input, not lost.
    repl.send("i");
    repl.expect("wat> i");
    repl.send("32.const 7");
    repl.send(ENTER);
    expect_stack(&mut repl, &["7"]);
    repl.expect("wat> ");
    // A whole line typed in one burst (as fast as a paste) loses nothing:
    // the first key stops paging and the rest follows it.
    repl.send(":mem 0 0x100000");
    repl.send(ENTER);
    repl.expect("-- more (");
    repl.send("i32.const 12345\r");
    expect_stack(&mut repl, &["7", "12345"]);
    repl.expect("wat> ");
    // q stops paging and types nothing.
    repl.send(":mem 0 0x100000");
    repl.send(ENTER);
    repl.expect("-- more (");
    repl.send("q");
    repl.expect("wat> ");
    repl.send("i32.const 8");
    repl.send(ENTER);
    expect_stack(&mut repl, &["7", "12345", "8"]);
    quit(&mut repl);
}

/// Learner trial 12: `watlab lesson` at 60 columns printed its list
/// unwrapped, so the terminal broke `:lesson` in the middle of the word.
/// It is laid out as `:lesson` lays it out in the workbench.
#[test]
fn the_lesson_list_wraps_at_sixty_columns() {
    let data_home = TempDir::new("xdg-lesson-list");
    let mut command = Command::new("sh");
    command.args([
        "-c",
        "stty rows 60 cols 60 && exec \"$0\" lesson",
        env!("CARGO_BIN_EXE_watlab"),
    ]);
    let mut repl = Repl::spawn_command(data_home.path(), command);
    repl.expect("lessons (exercises done/total):");
    repl.wait_exit();
    let text = strip_ansi(&repl.raw).replace('\r', "");
    for line in text.lines() {
        assert!(line.chars().count() <= 60, "too wide: {line}\n{text}");
    }
    assert!(
        text.contains("(watlab lesson 1, or\n  :lesson 1 in the workbench)"),
        "{text}"
    );
}

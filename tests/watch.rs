//! Exercises as files, end to end (issue 11): `watlab exercises DIR` writes
//! one `.wat` file per exercise and never overwrites an edited one;
//! `watlab watch DIR` checks the current exercise's file each time it is
//! saved, records a pass in the progress file and moves on.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// A fresh temporary directory for `test`, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("watlab-watch-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn watlab(args: &[&str], data: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_watlab"))
        .args(args)
        .env("XDG_DATA_HOME", data)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the watlab binary runs")
}

const FIRST: &str = "01-stack-machine/1-compute-6-7-1.wat";

#[test]
fn exercises_writes_one_commented_file_per_exercise_and_keeps_edited_ones() {
    let temp = TempDir::new("exercises");
    let dir = temp.0.join("ex");
    let dir_arg = dir.to_str().expect("utf-8 path");
    let out = watlab(&["exercises", dir_arg], &temp.0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let first = std::fs::read_to_string(dir.join(FIRST)).expect("the first exercise file");
    assert!(
        first.starts_with(
            ";; lesson 1 (The stack machine)\n;; exercise 1: \"compute 6 * 7 + 1\"\n;;\n\
             ;; Leave exactly one value on the stack"
        ),
        "{first}"
    );
    assert!(first.contains("\n;; write your answer here\n"), "{first}");
    assert!(
        !first.contains("Hint") && !first.contains("push 6 and 7"),
        "{first}"
    );
    assert!(first.lines().all(|l| l.chars().count() <= 80), "{first}");
    let files = std::fs::read_dir(dir.join("01-stack-machine"))
        .expect("a lesson directory")
        .count();
    assert_eq!(files, 3, "lesson 1 has three exercises");
    let total: usize = stdout
        .split_whitespace()
        .nth(3)
        .and_then(|n| n.parse().ok())
        .expect("wrote N of TOTAL");
    assert!(
        stdout.starts_with(&format!(
            "wrote {total} of {total} exercise files to {dir_arg};"
        )),
        "{stdout}"
    );

    // An edited file is kept, and said so; --force overwrites it.
    std::fs::write(dir.join(FIRST), "i32.const 43\n").expect("edit");
    let again = watlab(&["exercises", dir_arg], &temp.0);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success());
    assert!(
        stdout.contains(&format!(
            "kept {}: it exists (--force overwrites it)\n",
            dir.join(FIRST).display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("wrote 0 of {total} ")), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(dir.join(FIRST)).expect("kept"),
        "i32.const 43\n"
    );
    let forced = watlab(&["exercises", dir_arg, "--force"], &temp.0);
    assert!(forced.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join(FIRST)).expect("rewritten"),
        first
    );
}

#[test]
fn exercises_into_a_directory_that_cannot_be_made_says_why() {
    let temp = TempDir::new("unwritable");
    let file = temp.0.join("a-file");
    std::fs::write(&file, "").expect("a file");
    let below = file.join("ex");
    let out = watlab(&["exercises", below.to_str().expect("utf-8")], &temp.0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "watlab: cannot create the directory {}",
            below.join("01-stack-machine").display()
        )),
        "{stderr}"
    );
}

/// A running `watlab watch`: its stdin for keys and its output lines.
struct Watcher {
    child: Child,
    keys: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watcher {
    fn start(dir: &Path, data: &Path) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_watlab"))
            .arg("watch")
            .arg(dir)
            .env("XDG_DATA_HOME", data)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("watlab watch starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Watcher {
            keys: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads lines until one contains `wanted`; panics with what was read
    /// after 20 seconds.
    fn until(&mut self, wanted: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(wanted) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line with {wanted:?} from watlab watch; it printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    fn key(&mut self, key: &str) {
        let keys = self.keys.as_mut().expect("stdin open");
        writeln!(keys, "{key}").expect("send a key");
        keys.flush().expect("flush");
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.keys.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Saves `text` to `path` as an editor does: a new file renamed over it.
fn save(path: &Path, text: &str) {
    let temporary = path.with_extension("wat.tmp");
    std::fs::write(&temporary, text).expect("write");
    std::fs::rename(&temporary, path).expect("rename");
}

#[test]
fn watch_checks_the_file_on_save_and_moves_on_when_it_passes() {
    let temp = TempDir::new("watch");
    let dir = temp.0.join("ex");
    let data = temp.0.join("data");
    let mut watch = Watcher::start(&dir, &data);
    watch.until("progress: [--------------------] 0/");
    let shown = watch.until("file: ");
    assert!(shown.ends_with(FIRST), "{shown}");
    // The starter, checked at once, fails.
    watch.until("not yet: 1 of 1 check of \"compute 6 * 7 + 1\" fails");
    let file = dir.join(FIRST);

    // A wrong answer: the verdict says what was expected and found, and an
    // error in the file is placed at its line and column.
    save(
        &file,
        ";; my answer\ni32.const 6 i32.const 7 i32.const 1 i32.add i32.mul\ni32.const 1 i32.ad\n",
    );
    let error = watch.until("unknown operator");
    assert!(
        error.ends_with(&format!(
            "{}:3:13: unknown operator or unexpected token; did you mean `i32.add` or `i32.and`?",
            file.display()
        )),
        "{error}"
    );
    watch.until("not yet: 1 of 1 check");
    watch.until("the stack should be [i32:43], it is [i32:48]");
    watch.key("h");
    watch.until("hint 1 of 2: push 6 and 7, multiply, then push 1 and add.");

    // The solution passes, is recorded, and the next exercise comes up.
    save(
        &file,
        "i32.const 6 i32.const 7 i32.mul\ni32.const 1 i32.add\n",
    );
    watch.until("correct: \"compute 6 * 7 + 1\" passes every check");
    watch.until("next exercise: lesson 1 (The stack machine), exercise 2: \"a negative result\"");
    watch.until("] 1/");
    let progress =
        std::fs::read_to_string(data.join("watlab/progress")).expect("the progress file");
    assert_eq!(progress, "01-stack-machine.md: compute 6 * 7 + 1\n");

    watch.key("l");
    watch.until("  [done] 01-stack-machine/1-compute-6-7-1.wat  compute 6 * 7 + 1");
    watch.until("> [    ] 01-stack-machine/2-a-negative-result.wat  a negative result");
    watch.key("q");
    watch.until("bye: your progress is saved");
    let status = watch.child.wait().expect("watlab watch ends");
    assert!(status.success());
}

#[test]
fn check_exercise_checks_one_file_once_and_records_a_pass() {
    let temp = TempDir::new("check-once");
    let dir = temp.0.join("ex");
    let data = temp.0.join("data");
    assert!(
        watlab(&["exercises", dir.to_str().expect("utf-8")], &data)
            .status
            .success()
    );
    let file = dir.join("04-globals/1-a-counter-that-counts-down.wat");
    let file_arg = file.to_str().expect("utf-8");
    std::fs::write(
        &file,
        "(global $left (mut i32) (i32.const 10))\n\
         (func $take (export \"take\") (result i32)\n\
         \x20 (global.get $left)\n\
         \x20 (global.set $left (i32.sub (global.get $left) (i32.const 1))))\n",
    )
    .expect("a wrong answer");
    let wrong = watlab(&["check-exercise", file_arg], &data);
    let stdout = String::from_utf8_lossy(&wrong.stdout);
    assert_eq!(wrong.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "  FAIL  1. (assert_return (invoke \"take\") (i32.const 9))\n\
             \x20       assertion failed: expected [i32:9], got [i32:10]\n\
             \x20       changed: global $left 10 -> 9\n\
             \x20       where: \"take\" (func $take), called with no arguments\n"
        ),
        "{stdout}"
    );
    assert!(!data.join("watlab/progress").exists());
    std::fs::write(
        &file,
        "(global $left (mut i32) (i32.const 10))\n\
         (func (export \"take\") (result i32)\n\
         \x20 (global.set $left (i32.sub (global.get $left) (i32.const 1)))\n\
         \x20 (global.get $left))\n",
    )
    .expect("the answer");
    let right = watlab(&["check-exercise", file_arg], &data);
    let stdout = String::from_utf8_lossy(&right.stdout);
    assert!(right.status.success(), "{stdout}");
    assert!(
        stdout.contains("correct: \"a counter that counts down\" passes every check\n"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(data.join("watlab/progress")).expect("progress"),
        "04-globals.md: a counter that counts down\n"
    );
    let other = temp.0.join("other.wat");
    std::fs::write(&other, "(func)\n").expect("a file");
    let not_one = watlab(&["check-exercise", other.to_str().expect("utf-8")], &data);
    assert_eq!(not_one.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&not_one.stderr).contains("is not an exercise file"));
}

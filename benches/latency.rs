//! Input latency and memory as the session grows (issue 14, items 3 to 5).
//!
//! Through [`Workbench::eval`] (the path the REPL and `watlab script` take,
//! `:undo` bookkeeping included), each scenario in a child process of its own
//! so that its peak memory (`VmHWM`) is its own:
//! - `session N`: one input defines N one-line functions, then 50 further
//!   definitions, 50 calls, 50 redefinitions of existing functions and 50
//!   new globals each take one input; prints the time of the first input
//!   and p50/p99 of the others, and peak memory;
//! - `one-by-one N`: N functions defined one input at a time; prints the
//!   total time, the p99 of the last 100 inputs, and peak memory;
//! - `load N`: `:load` of a file of N functions (written at run time), then
//!   one more definition; prints both times and peak memory;
//! - `big-memory N`: `(memory 1024)` (64 MiB declared), a store at its last
//!   byte, then N redefinitions of one function; prints the p99 and peak
//!   memory (the earlier instances and their memories must not pile up);
//! - `instructions N`: N instruction inputs (`i32.const`, `drop` and a
//!   global write in turn); prints the p99 of the last 1,000 and peak memory.
//!
//! Run (from the crate root):
//!
//! ```text
//! CARGO_TARGET_DIR=/tmp/bench-target cargo bench --bench latency
//! ```

#[path = "support/child.rs"]
mod child;

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use watlab::commands::Workbench;

/// Inputs timed per kind in a `session` scenario.
const SAMPLES: usize = 50;

/// The text of function `$f{i}`.
fn func(i: usize) -> String {
    format!("(func $f{i} (export \"f{i}\") (result i32) i32.const {i})")
}

/// Evaluates one input, failing on an error.
fn eval(bench: &mut Workbench, text: &str) -> Result<Duration, String> {
    let start = Instant::now();
    bench
        .eval(text)
        .map_err(|e| format!("{text}: {}", e.message))?;
    Ok(start.elapsed())
}

/// The `q`-quantile of `times` in milliseconds.
fn quantile(times: &mut [Duration], q: f64) -> f64 {
    times.sort();
    let at = ((times.len() as f64 - 1.0) * q).round() as usize;
    times.get(at).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
}

/// Peak resident memory of this process in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// N functions in one input, then timed definitions and calls.
fn session(n: usize) -> Result<String, String> {
    let mut bench = Workbench::new(None);
    let all: Vec<String> = (0..n).map(func).collect();
    let build = eval(&mut bench, &all.join("\n"))?;
    let mut defs = Vec::new();
    let mut calls = Vec::new();
    let mut redefs = Vec::new();
    let mut globals = Vec::new();
    for k in 0..SAMPLES {
        defs.push(eval(&mut bench, &func(n + k))?);
        calls.push(eval(&mut bench, &format!("call $f{}", k * n / SAMPLES))?);
    }
    for k in 0..SAMPLES {
        let i = k * n / SAMPLES;
        let text = format!(
            "(func $f{i} (export \"f{i}\") (result i32) i32.const {})",
            i + 1
        );
        redefs.push(eval(&mut bench, &text)?);
        globals.push(eval(
            &mut bench,
            &format!("(global $g{k} i32 (i32.const {k}))"),
        )?);
    }
    let pair = |times: &mut Vec<Duration>| {
        format!(
            "{:>8.2} {:>8.2}",
            quantile(times, 0.5),
            quantile(times, 0.99)
        )
    };
    Ok(format!(
        "{:>9.1} | {} | {} | {} | {} | {:>8.1}",
        build.as_secs_f64() * 1e3,
        pair(&mut defs),
        pair(&mut calls),
        pair(&mut redefs),
        pair(&mut globals),
        peak_mib()
    ))
}

/// N functions, one input each.
fn one_by_one(n: usize) -> Result<String, String> {
    let mut bench = Workbench::new(None);
    let start = Instant::now();
    let mut last = Vec::new();
    for i in 0..n {
        let took = eval(&mut bench, &func(i))?;
        if i + 100 >= n {
            last.push(took);
        }
    }
    Ok(format!(
        "{:>9.1} | {:>8.2} | {:>8.1}",
        start.elapsed().as_secs_f64() * 1e3,
        quantile(&mut last, 0.99),
        peak_mib()
    ))
}

/// `:load` of a file of N functions, then one definition.
fn load(n: usize) -> Result<String, String> {
    let path = std::env::temp_dir().join(format!("watlab-latency-{}.wat", std::process::id()));
    let text: Vec<String> = (0..n).map(func).collect();
    std::fs::write(&path, text.join("\n")).map_err(|e| e.to_string())?;
    let mut bench = Workbench::new(None);
    let loaded = eval(&mut bench, &format!(":load {}", path.display()));
    let _ = std::fs::remove_file(&path);
    let loaded = loaded?;
    let define = eval(&mut bench, &func(n))?;
    Ok(format!(
        "{:>9.1} | {:>9.2} | {:>8.1}",
        loaded.as_secs_f64() * 1e3,
        define.as_secs_f64() * 1e3,
        peak_mib()
    ))
}

/// Runs scenario `name` with `n` in a child process and returns its line.
/// `(memory 1024)`, then `n` redefinitions of one function.
fn big_memory(n: usize) -> Result<String, String> {
    let mut bench = Workbench::new(None);
    eval(&mut bench, "(memory (export \"mem\") 1024)")?;
    eval(
        &mut bench,
        "(i32.store8 (i32.const 67108863) (i32.const 7))",
    )?;
    let mut times = Vec::new();
    for i in 0..n {
        let text = format!("(func $f (export \"f\") (result i32) i32.const {i})");
        times.push(eval(&mut bench, &text)?);
    }
    eval(&mut bench, "(i32.load8_u (i32.const 67108863))")?;
    Ok(format!(
        "{:>8.2} | {:>8.1}",
        quantile(&mut times, 0.99),
        peak_mib()
    ))
}

/// `n` instruction inputs into a session with one global.
fn instructions(n: usize) -> Result<String, String> {
    let mut bench = Workbench::new(None);
    eval(&mut bench, "(global $g (mut i32) (i32.const 0))")?;
    let mut last = Vec::new();
    for i in 0..n {
        let text = match i % 3 {
            0 => format!("i32.const {i}"),
            1 => "drop".to_string(),
            _ => format!("(global.set $g (i32.const {i}))"),
        };
        let took = eval(&mut bench, &text)?;
        if i + 1_000 >= n {
            last.push(took);
        }
    }
    Ok(format!(
        "{:>8.2} | {:>8.1}",
        quantile(&mut last, 0.99),
        peak_mib()
    ))
}

fn child(name: &str, n: usize) -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "no exe".into();
    };
    match Command::new(exe)
        .args(["--scenario", name, &n.to_string()])
        .output()
    {
        Ok(out) if out.status.success() => {
            String::from_utf8_lossy(&out.stdout).trim_end().to_string()
        }
        Ok(out) => format!("failed: {}", String::from_utf8_lossy(&out.stderr).trim()),
        Err(e) => format!("failed: {e}"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--scenario") {
        let Some(n) = args.get(i + 2).and_then(|a| a.parse::<usize>().ok()) else {
            return ExitCode::FAILURE;
        };
        let result = match args.get(i + 1).map(String::as_str) {
            Some("session") => session(n),
            Some("one-by-one") => one_by_one(n),
            Some("load") => load(n),
            Some("big-memory") => big_memory(n),
            Some("instructions") => instructions(n),
            _ => Err("unknown scenario".into()),
        };
        return child::report(result);
    }
    println!(
        "latency: N functions in one input, then {SAMPLES} definitions, calls, redefinitions and new globals"
    );
    println!(
        "{:>6} | {:>9} | {:>17} | {:>17} | {:>17} | {:>17} | {:>8}",
        "N",
        "build ms",
        "define p50/p99 ms",
        "call p50/p99 ms",
        "redefine p50/p99",
        "global p50/p99 ms",
        "peak MiB"
    );
    for n in [10, 100, 1_000, 10_000] {
        println!("{n:>6} | {}", child("session", n));
    }
    println!("latency: N functions defined one input at a time");
    println!(
        "{:>6} | {:>9} | {:>8} | {:>8}",
        "N", "total ms", "last-100 p99 ms", "peak MiB"
    );
    for n in [100, 1_000] {
        println!("{n:>6} | {}", child("one-by-one", n));
    }
    println!("latency: :load of a file of N functions, then one more definition");
    println!(
        "{:>6} | {:>9} | {:>9} | {:>8}",
        "N", "load ms", "define ms", "peak MiB"
    );
    for n in [1_000, 10_000] {
        println!("{n:>6} | {}", child("load", n));
    }
    println!("memory: (memory 1024) written at its last byte, then N redefinitions of a function");
    println!("{:>6} | {:>8} | {:>8}", "N", "p99 ms", "peak MiB");
    println!("{:>6} | {}", 30, child("big-memory", 30));
    println!("memory: N instruction inputs");
    println!("{:>6} | {:>8} | {:>8}", "N", "last-1000 p99 ms", "peak MiB");
    println!("{:>6} | {}", 100_000, child("instructions", 100_000));
    ExitCode::SUCCESS
}

//! The stepper's cost: recording a long run and jumping back in it.
//!
//! Through the session API this steps into `$spin`, a loop that stores to
//! memory on every iteration and never ends, and measures, each scenario in a
//! child process of its own so that its peak memory (`VmHWM`) is its own:
//! - `record`: `s N` (the stepper's stop loop, recording as it goes), with 1
//!   and with 16 pages of memory: time per million steps and peak memory;
//! - `plain`: the same N instructions through `Execution::step` on a bare
//!   store, no session and no recording (the floor);
//! - `back`: after `s N`, the time of `back N-1000` (a jump to an early step)
//!   and of `back 1` (one step);
//! - `jumps`: after `s N`, 15 jumps back, latest first, to the step before
//!   each multiple of N/16 (as far from a checkpoint as a step gets): the
//!   slowest in ms, and the recording's MiB and checkpoints before them;
//! - `ctrl-c`: `c` on the endless loop, the interrupt flag set from another
//!   thread after 300 ms: milliseconds from the flag to the pause.
//!
//! The row `1+host` runs the same with a loop that also calls the host
//! function `Math.abs` on every iteration (a host call per 7 instructions;
//! the recording logs host calls instead of calling the host again).
//!
//! Run (from the crate root; N defaults to 10,000,000):
//!
//! ```text
//! CARGO_TARGET_DIR=/tmp/bench-target cargo bench --bench stepper
//! WATLAB_BENCH_STEPS=10000000 CARGO_TARGET_DIR=/tmp/bench-target cargo bench --bench stepper
//! ```

#[path = "support/child.rs"]
mod child;

use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::Instant;

use watlab::session::Session;
use watlab::vm::{self, Execution, Extern, Limits, Outcome};

/// Steps per scenario unless `WATLAB_BENCH_STEPS` says otherwise.
const DEFAULT_STEPS: u64 = 10_000_000;

/// The loop: stores to memory on every iteration and never ends.
const SPIN: &str = "(func $spin (export \"spin\") (local $i i32)
  (loop $l
    (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc))
               (local.get $i))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))";

/// The loop of [`SPIN`] that also calls the host's `Math.abs` every iteration.
const SPIN_HOST: &str = "(func $spin (export \"spin\") (local $i i32)
  (loop $l
    (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc))
               (local.get $i))
    (drop (call $abs (f64.const -1)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))";

/// The import of `Math.abs` that [`SPIN_HOST`] calls.
const ABS: &str = "(func $abs (import \"math\" \"abs\") (param f64) (result f64))";

/// The program's fields: `pages` pages of memory and `$spin`, calling the
/// host when `host` is set.
fn fields(pages: u32, host: bool) -> Vec<String> {
    // An import comes before the definitions, as the text format wants.
    if host {
        vec![
            ABS.to_string(),
            format!("(memory {pages})"),
            SPIN_HOST.to_string(),
        ]
    } else {
        vec![format!("(memory {pages})"), SPIN.to_string()]
    }
}

/// The session, defining `pages` pages of memory and `$spin`, paused at the
/// start of `call $spin`.
fn paused_session(pages: u32, host: bool) -> Result<Session, String> {
    let mut session = Session::new();
    for form in fields(pages, host) {
        session
            .eval(&form)
            .map_err(|e| format!("{form}: {}", e.message))?;
    }
    session
        .start_stepping("call $spin")
        .map_err(|e| e.message)?;
    Ok(session)
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

/// `s N` in the stepper: prints seconds per million steps and peak MiB.
fn record(pages: u32, host: bool, steps: u64) -> Result<String, String> {
    let mut session = paused_session(pages, host)?;
    let start = Instant::now();
    session.step(steps).map_err(|e| e.message)?;
    let secs = start.elapsed().as_secs_f64();
    Ok(format!(
        "{:.3} {:.1}",
        secs * 1e6 / steps as f64,
        peak_mib()
    ))
}

/// The same instructions through `Execution::step` on a bare store.
fn plain(pages: u32, host: bool, steps: u64) -> Result<String, String> {
    let wasm = wat::parse_str(format!("(module {})", fields(pages, host).join(" ")))
        .map_err(|e| e.to_string())?;
    let module = Arc::new(vm::Module::from_binary(&wasm).map_err(|e| e.to_string())?);
    let mut store = vm::Store::new(Limits::default());
    let mut imports = Vec::new();
    if host {
        let ty = vm::FuncType::new(vec![vm::ValType::F64], vec![vm::ValType::F64]);
        let abs = store.add_host_func("math.abs", ty, |_, args| match args {
            [vm::Value::F64(bits)] => Ok(vec![vm::Value::F64(bits & !(1 << 63))]),
            _ => Err(vm::Trap::host("abs takes an f64")),
        });
        imports.push(Some(Extern::Func(abs)));
    }
    let inst = store
        .instantiate(&module, &imports)
        .map_err(|e| e.to_string())?;
    let Some(Extern::Func(spin)) = store.instance(inst).and_then(|i| i.export("spin")) else {
        return Err("no export spin".into());
    };
    let mut execution = Execution::new(&store, spin, &[]).map_err(|t| t.to_string())?;
    let start = Instant::now();
    for _ in 0..steps {
        if execution.step(&mut store).map_err(|t| t.to_string())? != Outcome::Paused {
            return Err("spin finished".into());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    Ok(format!(
        "{:.3} {:.1}",
        secs * 1e6 / steps as f64,
        peak_mib()
    ))
}

/// After `s N`: milliseconds of `back N-1000`, then of `back 1`.
fn back(pages: u32, host: bool, steps: u64) -> Result<String, String> {
    let mut session = paused_session(pages, host)?;
    session.step(steps).map_err(|e| e.message)?;
    let far = steps.saturating_sub(1000).max(1);
    let start = Instant::now();
    let far_result = session.step_back(far as usize);
    let far_ms = start.elapsed().as_secs_f64() * 1e3;
    let far_text = match far_result {
        Ok(_) => format!("{far_ms:.1}"),
        Err(e) => format!("({}: {far_ms:.1})", e.message),
    };
    let start = Instant::now();
    let one = session.step_back(1);
    let one_ms = start.elapsed().as_secs_f64() * 1e3;
    let one_text = match one {
        Ok(_) => format!("{one_ms:.2}"),
        Err(e) => format!("({}: {one_ms:.2})", e.message),
    };
    Ok(format!("{far_text}|{one_text}"))
}

/// After `s N`: the slowest of 16 jumps back (ms), each to the step before
/// a multiple of N/16 (the most re-execution from the checkpoint before
/// it), then the recording's MiB and checkpoints.
fn jumps(pages: u32, host: bool, steps: u64) -> Result<String, String> {
    let mut session = paused_session(pages, host)?;
    session.step(steps).map_err(|e| e.message)?;
    let (bytes, checkpoints) = session.recording_usage().unwrap_or_default();
    let mut worst = 0f64;
    let mut now = steps;
    for k in (1..16u64).rev() {
        let target = (steps / 16 * k).saturating_sub(1).max(1);
        let start = Instant::now();
        session
            .step_back((now - target) as usize)
            .map_err(|e| e.message)?;
        worst = worst.max(start.elapsed().as_secs_f64() * 1e3);
        now = target;
    }
    Ok(format!(
        "{worst:.1}|{:.1} MiB, {checkpoints}",
        bytes as f64 / (1 << 20) as f64
    ))
}

/// `c` on the endless loop, interrupted from another thread: ms from the
/// flag being set to `c` returning.
fn ctrl_c(pages: u32, host: bool) -> Result<String, String> {
    let mut session = paused_session(pages, host)?;
    let flag = session.interrupt_flag();
    let set_at = std::sync::Arc::new(std::sync::Mutex::new(None));
    let setter = {
        let set_at = set_at.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            if let Ok(mut at) = set_at.lock() {
                *at = Some(Instant::now());
            }
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        })
    };
    session.continue_().map_err(|e| e.message)?;
    let returned = Instant::now();
    setter
        .join()
        .map_err(|_| "the setter panicked".to_string())?;
    let at = set_at
        .lock()
        .ok()
        .and_then(|at| *at)
        .ok_or("the flag was never set")?;
    Ok(format!(
        "{:.2}",
        returned.saturating_duration_since(at).as_secs_f64() * 1e3
    ))
}

/// Runs scenario `name` in a child process and returns its output line.
fn child(name: &str, pages: u32, host: bool, steps: u64) -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "no exe".into();
    };
    let program = if host { "host" } else { "pure" };
    match Command::new(exe)
        .args([
            "--scenario",
            name,
            &pages.to_string(),
            &steps.to_string(),
            program,
        ])
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => format!("failed: {}", String::from_utf8_lossy(&out.stderr).trim()),
        Err(e) => format!("failed: {e}"),
    }
}

/// The first number of a scenario's output line.
fn first_number(line: &str) -> Option<f64> {
    line.split_whitespace().next()?.parse().ok()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--scenario") {
        let get = |k: usize| args.get(i + k).and_then(|a| a.parse::<u64>().ok());
        let (Some(pages), Some(steps)) = (get(2), get(3)) else {
            return ExitCode::FAILURE;
        };
        let pages = pages as u32;
        let host = args.get(i + 4).is_some_and(|p| p == "host");
        let result = match args.get(i + 1).map(String::as_str) {
            Some("record") => record(pages, host, steps),
            Some("plain") => plain(pages, host, steps),
            Some("back") => back(pages, host, steps),
            Some("jumps") => jumps(pages, host, steps),
            Some("ctrl-c") => ctrl_c(pages, host),
            _ => Err("unknown scenario".into()),
        };
        return child::report(result);
    }
    let steps = std::env::var("WATLAB_BENCH_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_STEPS);
    println!("stepper: {steps} steps of `call $spin` (a store per 4 instructions)");
    println!(
        "{:>6} | {:>20} | {:>20} | {:>5} | {:>12} | {:>9} | {:>14} | {:>22} | {:>11}",
        "pages",
        "s N: s/M steps, MiB",
        "plain: s/M, MiB",
        "ratio",
        "back N-1000",
        "back 1",
        "worst jump ms",
        "recording",
        "Ctrl-C ms"
    );
    for (pages, host) in [(1, false), (16, false), (1, true)] {
        let row = if host {
            format!("{pages}+host")
        } else {
            pages.to_string()
        };
        let recorded = child("record", pages, host, steps);
        let plain = child("plain", pages, host, steps);
        let ratio = match (first_number(&recorded), first_number(&plain)) {
            (Some(r), Some(p)) if p > 0.0 => format!("{:.2}x", r / p),
            _ => "?".into(),
        };
        let back = child("back", pages, host, steps);
        let (far, one) = back.split_once('|').unwrap_or((&back, ""));
        let jumps = child("jumps", pages, host, steps);
        let (worst, usage) = jumps.split_once('|').unwrap_or((&jumps, ""));
        let ctrl_c = child("ctrl-c", pages, host, steps);
        println!(
            "{row:>6} | {recorded:>20} | {plain:>20} | {ratio:>5} | {far:>12} | {one:>9} | {worst:>14} | {usage:>22} | {ctrl_c:>11}"
        );
    }
    ExitCode::SUCCESS
}

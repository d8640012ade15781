//! Side-by-side run-mode benchmark: watlab against wasmi 2.0, in one process.
//!
//! For each program in the shared bench directory (`fib`, `collatz`, `sieve`,
//! `matmul`, `hash`; see `shared/bench/README.md`) and in `benches/programs`
//! (`simd_dot`, a vectorised dot product; `bytecode_vm`, a small bytecode
//! interpreter dispatching by `br_table`; `memops`, word-at-a-time
//! `memset`/`memcpy` loops as a C compiler emits them) this assembles the WAT once,
//! instantiates it once per engine, and then measures the wall time of calls of
//! the exported zero-argument `main` only (compilation and instantiation are not
//! timed; for watlab a call is `Execution::new` + `run`, for wasmi it is
//! `TypedFunc::call`). Each engine gets 1 warm-up call and then N measured calls;
//! the engines alternate call by call (and swap which goes first every round), so
//! machine noise hits both alike. Every result is checked against the value in the
//! README table; a wrong result or a failure is reported loudly and makes the
//! bench exit with status 1.
//!
//! Output: per program the median wall time of each engine in milliseconds and
//! the ratio watlab / wasmi (below 1 means watlab is faster), then the geometric
//! mean of the ratios. Compare ratios from one run, not absolute times across runs,
//! and do not run it while something else is building (2 cores).
//!
//! Run (from the crate root):
//!
//! ```text
//! CARGO_TARGET_DIR=/tmp/bench-target cargo bench --bench compare            # all programs
//! CARGO_TARGET_DIR=/tmp/bench-target cargo bench --bench compare -- sieve   # name filter
//! ```
//!
//! Environment:
//! - `WATLAB_BENCH_DIR`: directory holding the shared `.wat` files (default
//!   `$CARGO_MANIFEST_DIR/../shared/bench`). If it does not exist only the
//!   programs of `benches/programs` run.
//! - `WATLAB_BENCH_RUNS`: number of measured calls per engine and program (default 5).
//!
//! The first argument not starting with `-` is a filter: only programs whose name
//! contains it (a trailing `.wat` is ignored) are run.
//!
//! Built with `--features pair-stats`, it also prints under each program the
//! run-mode instruction pairs watlab executed most (what superinstructions are
//! chosen from); its times are then not comparable.

use std::error::Error;
use std::io::{IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use watlab::vm::{self, Execution, Extern, FuncAddr, Limits, Value};

/// Measured calls per engine and program unless `WATLAB_BENCH_RUNS` says otherwise.
const DEFAULT_RUNS: usize = 5;

/// One benchmark program and the value its `main` must return.
struct Program {
    name: &'static str,
    expected: Value,
    /// Whether it lives in this crate's `benches/programs` rather than the
    /// shared bench directory.
    local: bool,
}

/// Where the programs kept with the crate are.
const LOCAL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/programs");

const PROGRAMS: [Program; 8] = [
    Program {
        name: "fib",
        expected: Value::I32(14_930_352),
        local: false,
    },
    Program {
        name: "collatz",
        expected: Value::I64(96_339_944),
        local: false,
    },
    Program {
        name: "sieve",
        expected: Value::I32(283_146),
        local: false,
    },
    Program {
        name: "matmul",
        expected: Value::F64(196_607_360.0_f64.to_bits()),
        local: false,
    },
    Program {
        name: "hash",
        expected: Value::I32(-2_046_043_750),
        local: false,
    },
    // Vector instructions: v128 loads, i32x4.mul/add, extract_lane.
    Program {
        name: "simd_dot",
        expected: Value::I32(-1_633_681_408),
        local: true,
    },
    // Compiler-shaped: a bytecode interpreter loop dispatching by br_table.
    Program {
        name: "bytecode_vm",
        expected: Value::I32(1_510_845_148),
        local: true,
    },
    // Compiler-shaped: word-at-a-time memset/memcpy loops with byte tails.
    Program {
        name: "memops",
        expected: Value::I32(-1_276_485_320),
        local: true,
    },
];

/// An engine with `main` instantiated and ready to be called.
trait Runner {
    /// Calls `main` once and returns its single result.
    fn call(&mut self) -> Result<Value, String>;
}

/// watlab's own interpreter, run mode.
struct WatlabRunner {
    store: vm::Store,
    main: FuncAddr,
}

impl WatlabRunner {
    fn new(wasm: &[u8]) -> Result<WatlabRunner, String> {
        let module =
            Arc::new(vm::Module::from_binary(wasm).map_err(|e| format!("compile error: {e}"))?);
        // The programs grow memory to at most a few MiB; the default limits allow 1 GiB.
        let mut store = vm::Store::new(Limits::default());
        let inst = store
            .instantiate(&module, &[])
            .map_err(|e| format!("instantiation error: {e}"))?;
        let Some(Extern::Func(main)) = store.instance(inst).and_then(|i| i.export("main")) else {
            return Err("no exported function `main`".to_string());
        };
        Ok(WatlabRunner { store, main })
    }
}

impl Runner for WatlabRunner {
    fn call(&mut self) -> Result<Value, String> {
        let results = Execution::new(&self.store, self.main, &[])
            .and_then(|mut exec| exec.run(&mut self.store))
            .map_err(|trap| format!("trap: {trap}"))?;
        match results[..] {
            [value] => Ok(value),
            _ => Err(format!("expected one result, got {results:?}")),
        }
    }
}

/// The typed handle of `main` in wasmi, by result type.
enum WasmiMain {
    I32(wasmi::TypedFunc<(), i32>),
    I64(wasmi::TypedFunc<(), i64>),
    F64(wasmi::TypedFunc<(), f64>),
}

/// wasmi 2.0 with its default configuration.
struct WasmiRunner {
    store: wasmi::Store<()>,
    main: WasmiMain,
}

impl WasmiRunner {
    fn new(wasm: &[u8], expected: Value) -> Result<WasmiRunner, String> {
        let engine = wasmi::Engine::default();
        let module =
            wasmi::Module::new(&engine, wasm).map_err(|e| format!("compile error: {e}"))?;
        let mut store = wasmi::Store::new(&engine, ());
        let linker = wasmi::Linker::<()>::new(&engine);
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .map_err(|e| format!("instantiation error: {e}"))?;
        let lookup = |e: wasmi::Error| format!("export `main`: {e}");
        let main = match expected {
            Value::I32(_) => {
                WasmiMain::I32(instance.get_typed_func(&store, "main").map_err(lookup)?)
            }
            Value::I64(_) => {
                WasmiMain::I64(instance.get_typed_func(&store, "main").map_err(lookup)?)
            }
            Value::F64(_) => {
                WasmiMain::F64(instance.get_typed_func(&store, "main").map_err(lookup)?)
            }
            other => {
                return Err(format!(
                    "the harness does not support a `main` returning {:?}",
                    other.ty()
                ));
            }
        };
        Ok(WasmiRunner { store, main })
    }
}

impl Runner for WasmiRunner {
    fn call(&mut self) -> Result<Value, String> {
        let trap = |e: wasmi::Error| format!("trap: {e}");
        Ok(match &self.main {
            WasmiMain::I32(f) => Value::I32(f.call(&mut self.store, ()).map_err(trap)?),
            WasmiMain::I64(f) => Value::I64(f.call(&mut self.store, ()).map_err(trap)?),
            WasmiMain::F64(f) => Value::f64(f.call(&mut self.store, ()).map_err(trap)?),
        })
    }
}

/// One engine's state while benchmarking one program.
struct Lane {
    engine: &'static str,
    /// `None` once setup or a call failed; the lane is then skipped.
    runner: Option<Box<dyn Runner>>,
    /// Measured wall times in milliseconds.
    times_ms: Vec<f64>,
    /// Set when something went wrong (failure or wrong result).
    problem: Option<String>,
}

impl Lane {
    fn new(engine: &'static str, setup: Result<Box<dyn Runner>, String>, program: &str) -> Lane {
        let mut lane = Lane {
            engine,
            runner: None,
            times_ms: Vec::new(),
            problem: None,
        };
        match guarded(|| setup) {
            Ok(runner) => lane.runner = Some(runner),
            Err(e) => lane.fail(program, &format!("setup failed: {e}")),
        }
        lane
    }

    fn fail(&mut self, program: &str, message: &str) {
        eprintln!("\n!!! {program}: {} FAILED: {message}\n", self.engine);
        self.runner = None;
        self.problem.get_or_insert_with(|| message.to_string());
    }

    /// Calls `main` once, timing it if `measure`, and checks the result.
    fn call(&mut self, program: &Program, measure: bool) {
        let Some(runner) = self.runner.as_mut() else {
            return;
        };
        let start = Instant::now();
        let outcome = guarded(|| runner.call());
        let elapsed = start.elapsed();
        match outcome {
            Ok(value) if value == program.expected => {
                if measure {
                    self.times_ms.push(elapsed.as_secs_f64() * 1e3);
                }
            }
            Ok(value) => {
                let message = format!(
                    "WRONG RESULT: got {}, expected {}",
                    show(value),
                    show(program.expected)
                );
                // Keep timing: the time is still informative, but the row is marked
                // and left out of the geometric mean. Reported once per lane.
                if self.problem.is_none() {
                    eprintln!("\n!!! {}: {} {message}\n", program.name, self.engine);
                    self.problem = Some(message);
                }
                if measure {
                    self.times_ms.push(elapsed.as_secs_f64() * 1e3);
                }
            }
            Err(e) => self.fail(program.name, &e),
        }
    }

    /// Median measured time, if every call succeeded.
    fn median_ms(&self) -> Option<f64> {
        if self.runner.is_none() || self.times_ms.is_empty() {
            return None;
        }
        let mut t = self.times_ms.clone();
        t.sort_by(f64::total_cmp);
        let mid = t.len() / 2;
        Some(if t.len() % 2 == 1 {
            t[mid]
        } else {
            (t[mid - 1] + t[mid]) / 2.0
        })
    }

    /// The table cell for this engine.
    fn cell(&self) -> String {
        match (self.median_ms(), &self.problem) {
            (Some(ms), None) => format!("{ms:.1}"),
            (Some(ms), Some(_)) => format!("{ms:.1} WRONG"),
            (None, _) => "FAILED".to_string(),
        }
    }
}

/// Runs `f`, turning a panic into an error (the panic hook has already printed it).
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_string());
            Err(format!("PANIC: {message}"))
        }
    }
}

/// A value as in the README table (floats as numbers, not bits).
fn show(value: Value) -> String {
    match value {
        Value::I32(v) => format!("i32 {v}"),
        Value::I64(v) => format!("i64 {v}"),
        Value::F32(bits) => format!("f32 {}", f32::from_bits(bits)),
        Value::F64(bits) => format!("f64 {}", f64::from_bits(bits)),
        other => format!("{other:?}"),
    }
}

fn bench_dir() -> PathBuf {
    match std::env::var_os("WATLAB_BENCH_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench")),
    }
}

fn runs() -> Result<usize, Box<dyn Error>> {
    match std::env::var("WATLAB_BENCH_RUNS") {
        Err(std::env::VarError::NotPresent) => Ok(DEFAULT_RUNS),
        Err(e) => Err(format!("WATLAB_BENCH_RUNS: {e}").into()),
        Ok(s) => match s.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("WATLAB_BENCH_RUNS must be a positive integer, got {s:?}").into()),
        },
    }
}

/// Benchmarks one program; returns the two lanes (watlab, wasmi).
fn bench_program(dir: &Path, program: &Program, runs: usize) -> (Lane, Lane) {
    let dir = if program.local {
        Path::new(LOCAL_DIR)
    } else {
        dir
    };
    let path = dir.join(format!("{}.wat", program.name));
    let wasm = match wat::parse_file(&path) {
        Ok(wasm) => wasm,
        Err(e) => {
            let message = format!("cannot assemble {}: {e}", path.display());
            eprintln!("\n!!! {}: {message}\n", program.name);
            let failed = |engine| Lane {
                engine,
                runner: None,
                times_ms: Vec::new(),
                problem: Some(message.clone()),
            };
            return (failed("watlab"), failed("wasmi"));
        }
    };
    let mut lanes = [
        Lane::new(
            "watlab",
            WatlabRunner::new(&wasm).map(|r| Box::new(r) as Box<dyn Runner>),
            program.name,
        ),
        Lane::new(
            "wasmi",
            WasmiRunner::new(&wasm, program.expected).map(|r| Box::new(r) as Box<dyn Runner>),
            program.name,
        ),
    ];
    // Round 0 is the warm-up; the order of the engines flips every round.
    let progress = std::io::stderr().is_terminal();
    for round in 0..=runs {
        if progress {
            let what = if round == 0 {
                " (warm-up)"
            } else {
                "          "
            };
            eprint!("\r  {:<8} round {round}/{runs}{what}", program.name);
            let _ = std::io::stderr().flush();
        }
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            lanes[i].call(program, round > 0);
        }
    }
    if progress {
        eprint!("\r{:40}\r", "");
    }
    let [watlab, wasmi] = lanes;
    (watlab, wasmi)
}

fn run() -> Result<ExitCode, Box<dyn Error>> {
    let dir = bench_dir();
    let shared = dir.is_dir();
    if !shared {
        println!(
            "compare: benchmark directory {} not found; only the programs of benches/programs run (set WATLAB_BENCH_DIR to point at the shared .wat programs)",
            dir.display()
        );
    }
    let runs = runs()?;
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let filter = filter
        .as_deref()
        .map(|f| f.strip_suffix(".wat").unwrap_or(f));
    let selected: Vec<&Program> = PROGRAMS
        .iter()
        .filter(|p| p.local || shared)
        .filter(|p| filter.is_none_or(|f| p.name.contains(f)))
        .collect();
    if selected.is_empty() {
        let names: Vec<&str> = PROGRAMS.iter().map(|p| p.name).collect();
        return Err(format!(
            "no program matches {:?}; programs: {}",
            filter.unwrap_or(""),
            names.join(", ")
        )
        .into());
    }

    println!(
        "watlab vs wasmi 2.0: median of {runs} call(s) of `main` after 1 warm-up, programs from {} and {LOCAL_DIR}",
        dir.display()
    );
    println!();
    println!(
        "{:<10} {:>14} {:>14} {:>14}",
        "program", "watlab ms", "wasmi ms", "watlab/wasmi"
    );
    println!("{}", "-".repeat(55));
    let mut ok = true;
    let mut ratios = Vec::new();
    for program in selected {
        let (watlab, wasmi) = bench_program(&dir, program, runs);
        let clean = watlab.problem.is_none() && wasmi.problem.is_none();
        ok &= clean;
        let ratio = match (watlab.median_ms(), wasmi.median_ms()) {
            (Some(a), Some(b)) if b > 0.0 => {
                if clean {
                    ratios.push(a / b);
                }
                format!("{:.2}", a / b)
            }
            _ => "-".to_string(),
        };
        println!(
            "{:<10} {:>14} {:>14} {:>14}",
            program.name,
            watlab.cell(),
            wasmi.cell(),
            ratio
        );
        #[cfg(feature = "pair-stats")]
        print_pairs();
    }
    println!("{}", "-".repeat(55));
    if ratios.is_empty() {
        println!("{:<40} {:>14}", "geomean", "-");
    } else {
        let geomean = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        let label = format!("geomean of {} ratio(s)", ratios.len());
        println!("{label:<40} {:>14}", format!("{geomean:.2}"));
    }
    if ok {
        Ok(ExitCode::SUCCESS)
    } else {
        println!();
        println!(
            "!!! FAILURE: at least one engine failed or returned a wrong result (see messages above);\n    such rows are left out of the geometric mean"
        );
        Ok(ExitCode::FAILURE)
    }
}

/// With feature `pair-stats`: the run-mode instruction pairs watlab executed
/// for the program just run (all its calls), most frequent first.
#[cfg(feature = "pair-stats")]
fn print_pairs() {
    let pairs = vm::exec::pairs::take();
    let total: u64 = pairs.iter().map(|p| p.1).sum();
    for ((a, b), n) in pairs.iter().take(PAIRS_SHOWN) {
        let share = 100.0 * *n as f64 / total.max(1) as f64;
        println!("    {share:5.1}%  {a} -> {b}");
    }
}

/// How many of a program's most executed pairs `print_pairs` shows.
#[cfg(feature = "pair-stats")]
const PAIRS_SHOWN: usize = 12;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::FAILURE
        }
    }
}

//! `watlab run FILE [--invoke NAME] [ARGS...]`: instantiate a module, call an
//! export, print each result as `TYPE:VALUE` on its own line.

use crate::vm::store::{Extern, Store};
use crate::vm::{Execution, Limits, Module};
use clap::Args;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `watlab run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A .wat or .wasm file.
    file: PathBuf,
    /// The export to call after instantiation.
    #[arg(long)]
    invoke: Option<String>,
    /// Stop after this many loop iterations plus calls (a runaway-loop guard).
    #[arg(long)]
    fuel: Option<u64>,
    /// Print one line per executed instruction (function, offset, instruction, stack after).
    #[arg(long)]
    trace: bool,
    /// Arguments for the call, read as the export's parameter types
    /// (integers in decimal or 0x hex; floats also as nan, inf, -inf).
    #[arg(allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Runs `watlab run`.
pub fn run(out: &mut impl Write, args: &RunArgs) -> io::Result<ExitCode> {
    Ok(match execute(out, args) {
        Ok(values) => {
            for value in values {
                writeln!(out, "{value}")?;
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Trap(message)) => {
            eprintln!("watlab: trap: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("watlab: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Output(e)) => return Err(e),
    })
}

/// Why `watlab run` stopped early.
enum Failure {
    /// The program trapped (exit 1).
    Trap(String),
    /// The command line, the file or the module is wrong (exit 2).
    Usage(String),
    /// Writing the trace failed (a closed pipe among others).
    Output(io::Error),
}

/// Instantiates the module, calls the export (tracing it when asked) and returns its results.
fn execute(out: &mut impl Write, args: &RunArgs) -> Result<Vec<crate::vm::Value>, Failure> {
    let module = load(&args.file).map_err(Failure::Usage)?;
    let mut store = Store::new(Limits {
        fuel: args.fuel,
        ..Limits::default()
    });
    let instance = store
        .instantiate(&module, &vec![None; module.imports.len()])
        .map_err(|e| match e {
            crate::vm::InstantiationError::Trap(trap) => Failure::Trap(trap.to_string()),
            other => Failure::Usage(other.to_string()),
        })?;
    let Some(name) = &args.invoke else {
        if !args.args.is_empty() {
            return Err(Failure::Usage("arguments given without --invoke".into()));
        }
        return Ok(Vec::new());
    };
    let func = match store.instance(instance).and_then(|i| i.export(name)) {
        Some(Extern::Func(f)) => f,
        Some(other) => {
            return Err(Failure::Usage(format!(
                "export \"{name}\" is a {}, not a function",
                other.kind_name()
            )));
        }
        None => {
            return Err(Failure::Usage(format!(
                "the module has no export \"{name}\""
            )));
        }
    };
    let ty = store
        .func_type(func)
        .cloned()
        .ok_or_else(|| Failure::Usage("dangling export".into()))?;
    if ty.params.len() != args.args.len() {
        return Err(Failure::Usage(format!(
            "\"{name}\" takes {} argument{} {ty}, {} given",
            ty.params.len(),
            if ty.params.len() == 1 { "" } else { "s" },
            args.args.len()
        )));
    }
    let values = ty
        .params
        .iter()
        .zip(&args.args)
        .map(|(t, text)| crate::text::literal::parse_value(*t, text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::Usage)?;
    let mut execution =
        Execution::new(&store, func, &values).map_err(|t| Failure::Usage(t.to_string()))?;
    if args.trace {
        let (result, trace) = crate::session::trace::trace_call(
            &mut store,
            &mut execution,
            0,
            crate::session::trace::TRACE_LIMIT,
            &|s, f| s.func_name(f),
        );
        write!(out, "{}", crate::view::trace::render(&trace)).map_err(Failure::Output)?;
        return result.map_err(|t| Failure::Trap(t.to_string()));
    }
    execution
        .run(&mut store)
        .map_err(|t| Failure::Trap(t.to_string()))
}

/// Reads a module from a `.wasm` binary or WAT text.
fn load(path: &std::path::Path) -> Result<Arc<Module>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let binary = if bytes.starts_with(b"\0asm") {
        bytes
    } else {
        let text = String::from_utf8(bytes).map_err(|_| {
            format!(
                "{} is neither a .wasm binary nor UTF-8 text",
                path.display()
            )
        })?;
        wat::parse_str(&text).map_err(|mut e| {
            e.set_path(path);
            e.to_string()
        })?
    };
    Module::from_binary(&binary)
        .map(Arc::new)
        .map_err(|e| format!("{}: invalid module: {e}", path.display()))
}

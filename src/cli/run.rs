//! `watlab run FILE [--invoke NAME] [ARGS...]`: instantiate a module, call an
//! export, print each result as `TYPE:VALUE` on its own line.

use crate::session::{ErrorKind, SessionError, token_len};
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
    /// Fuel for instantiation and the call: 1 unit per loop iteration or
    /// call, 1 per 64 bytes a bulk instruction touches (a runaway-loop guard).
    #[arg(long, default_value_t = crate::vm::budget::DEFAULT_FUEL)]
    fuel: u64,
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
        Err(Failure::TrapAt(report)) => {
            eprint!("{report}");
            ExitCode::from(1)
        }
        Err(Failure::OutOfFuel(message)) => {
            eprintln!("watlab: trap: {message}");
            eprintln!(
                "watlab: a runaway loop? --fuel N gives the run N units (now {})",
                args.fuel
            );
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("watlab: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Invalid(report)) => {
            eprint!("{report}");
            ExitCode::from(2)
        }
        Err(Failure::Output(e)) => return Err(e),
    })
}

/// Why `watlab run` stopped early.
enum Failure {
    /// The program trapped (exit 1).
    Trap(String),
    /// The program trapped in a text module's function (exit 1): the
    /// trap at `FILE:LINE:COL`, rendered with the line and a caret.
    TrapAt(String),
    /// The program used up its fuel (exit 1), where it stopped.
    OutOfFuel(String),
    /// The command line, the file or the module is wrong (exit 2).
    Usage(String),
    /// A module that does not validate, explained and rendered (exit 2).
    Invalid(String),
    /// Writing the trace failed (a closed pipe among others).
    Output(io::Error),
}

/// Instantiates the module, calls the export (tracing it when asked) and returns its results.
fn execute(out: &mut impl Write, args: &RunArgs) -> Result<Vec<crate::vm::Value>, Failure> {
    // The call's arguments may be negative numbers, so an option typed after
    // them would be read as one more argument: say so instead.
    if let Some(option) = args.args.iter().find(|a| a.starts_with("--")) {
        return Err(Failure::Usage(format!(
            "{option} comes after the call's arguments, where it would be read as one: \
             put options first, e.g. watlab run FILE {option} --invoke NAME ARGS..."
        )));
    }
    let (module, text) = load(&args.file)?;
    let trapped = |store: &Store, trap| trapped(store, trap, &args.file, text.as_deref());
    let mut store = Store::new(Limits {
        fuel: Some(args.fuel),
        ..Limits::default()
    });
    let instance = store
        .instantiate(&module, &vec![None; module.imports.len()])
        .map_err(|e| match e {
            crate::vm::InstantiationError::Trap(trap) => trapped(&store, trap),
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
            let funcs: Vec<String> = store.instance(instance).map_or_else(Vec::new, |i| {
                let funcs = i
                    .exports
                    .iter()
                    .filter(|(_, e)| matches!(e, Extern::Func(_)));
                funcs.map(|(n, _)| n.to_string()).collect()
            });
            return Err(Failure::Usage(no_export(name, &funcs)));
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
        return result.map_err(|t| trapped(&store, t));
    }
    execution.run(&mut store).map_err(|t| trapped(&store, t))
}

/// "the module has no export "g"", with the functions it does export.
fn no_export(name: &str, funcs: &[String]) -> String {
    let quoted: Vec<String> = funcs.iter().map(|e| format!("\"{e}\"")).collect();
    match quoted.len() {
        0 => format!(
            "the module has no export \"{name}\" and exports no function: export one with \
             (func (export \"{name}\") ...)"
        ),
        _ => format!(
            "the module has no export \"{name}\"; the functions it exports are {}",
            quoted.join(", ")
        ),
    }
}

/// A trap as a failure; running out of fuel says where it stopped, a trap
/// in a text module's function points at its instruction.
fn trapped(
    store: &Store,
    trap: crate::vm::Trap,
    path: &std::path::Path,
    text: Option<&str>,
) -> Failure {
    if trap.code == crate::vm::TrapCode::OutOfFuel {
        Failure::OutOfFuel(crate::vm::budget::locate(store, trap).to_string())
    } else if let Some(report) = text.and_then(|text| trap_in_text(store, &trap, path, text)) {
        Failure::TrapAt(report)
    } else {
        Failure::Trap(trap.to_string())
    }
}

/// A trap in a function of the text module `text`, as the workbench shows
/// one: `FILE:LINE:COL: trap: ...`, the line with a caret under the
/// instruction, the function and the numbers behind the trap.
fn trap_in_text(
    store: &Store,
    trap: &crate::vm::Trap,
    path: &std::path::Path,
    text: &str,
) -> Option<String> {
    let site = trap.site.as_ref()?;
    let func = crate::vm::FuncAddr(site.func);
    let Some(crate::vm::store::FuncInst::Wasm { instance, .. }) = store.func(func) else {
        return None;
    };
    let bytes = &store.instance(*instance)?.module.bytes;
    let (defined, index) = crate::text::body_check::operator_position(bytes, site.offset)?;
    let (_, spans) = crate::text::assemble::assemble_with_instr_spans(text).ok()?;
    let at = *spans.get(defined)?.get(index)?;
    let (line, col) = crate::text::assemble::line_col(text, at);
    let len = token_len(text, at);
    let message = format!(
        "{}:{}:{}: trap: {}",
        path.display(),
        line + 1,
        col + 1,
        trap.headline()
    );
    let mut error = SessionError::new(ErrorKind::Trap, message).at(text, at, len);
    let op = text.get(at..at + len).unwrap_or("?");
    error
        .notes
        .push(format!("in {}, at {op}", store.func_name(func)));
    error.notes.extend(trap.detail_note().map(String::from));
    Some(crate::view::render_error(&error).plain())
}

/// Reads a module from a `.wasm` binary or WAT text (returned too).
fn load(path: &std::path::Path) -> Result<(Arc<Module>, Option<String>), Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
    let (binary, text) = if bytes.starts_with(b"\0asm") {
        (bytes, None)
    } else {
        let text = String::from_utf8(bytes).map_err(|_| {
            Failure::Usage(format!(
                "{} is neither a .wasm binary nor UTF-8 text",
                path.display()
            ))
        })?;
        let binary = crate::text::assemble::assemble_module(&text).map_err(|e| {
            let message = crate::text::unknown_name::asm_message(&e, &text);
            let error = SessionError::new(ErrorKind::Syntax, message)
                .at(&text, e.offset, token_len(&text, e.offset))
                .in_file(&path.display().to_string(), &text, 0);
            Failure::Invalid(crate::view::render_error(&error).plain())
        })?;
        (binary, Some(text))
    };
    let module = Module::from_binary(&binary).map(Arc::new).map_err(|e| {
        match invalid_body(path, text.as_deref(), &binary, e.offset) {
            Some(report) => Failure::Invalid(report),
            None => Failure::Usage(format!("{}: invalid module: {e}", path.display())),
        }
    })?;
    Ok((module, text))
}

/// A validation error inside a function body, explained: for text, as
/// `FILE:LINE:COL` with the line and a caret under the instruction; for a
/// binary, with the function index, byte offset and instruction text.
fn invalid_body(
    path: &std::path::Path,
    text: Option<&str>,
    binary: &[u8],
    offset: usize,
) -> Option<String> {
    let features = crate::vm::module::features();
    let file = path.display();
    let error = match text {
        Some(text) => {
            let (bytes, spans) = crate::text::assemble::assemble_with_instr_spans(text).ok()?;
            let body = crate::text::body_check::body_error(&bytes, features, offset)?;
            let instrs = spans.get(body.defined)?;
            let at = match body.fault.instr_index(instrs.len()) {
                Some(i) => *instrs.get(i)?,
                None => *crate::text::assemble::defined_func_offsets(text).get(body.defined)?,
            };
            let (line, col) = crate::text::assemble::line_col(text, at);
            let message = format!(
                "{file}:{}:{}: in {}: {}",
                line + 1,
                col + 1,
                body.func_label(),
                body.fault.explanation
            );
            SessionError::new(ErrorKind::Invalid, message).at(text, at, token_len(text, at))
        }
        None => {
            let body = crate::text::body_check::body_error(binary, features, offset)?;
            let instr = body.instr.as_deref().unwrap_or("an instruction");
            SessionError::new(
                ErrorKind::Invalid,
                format!(
                    "{file}: in {} at byte 0x{:x} ({instr}): {}",
                    body.func_label(),
                    body.fault.offset,
                    body.fault.explanation
                ),
            )
        }
    };
    Some(crate::view::render_error(&error).plain())
}

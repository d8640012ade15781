//! The WebAssembly spec-script (`.wast`) runner behind `watlab wast` and the
//! conformance test.
//!
//! A script is run directive by directive against one [`Store`]. Every
//! directive counts as passed, failed or skipped (with a reason), and the
//! report lists each failure with its line. Execution goes through the same
//! [`crate::vm`] API the workbench uses, in run mode or step by step.

mod spectest;
mod values;

pub use spectest::install as spectest_exports;
pub(crate) use values::{arg as script_arg, check_results, list as value_list};

use crate::vm::module::Module;
use crate::vm::store::{Extern, InstanceAddr, Store};
use crate::vm::trap::TrapCode;
use crate::vm::{Execution, InstantiationError, Limits, Outcome, Trap, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, Wat};

/// How invocations are executed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecMode {
    /// Run mode: fused code, straight to completion.
    Run,
    /// One instruction at a time through the stepper.
    Step,
}

/// One failed directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// 1-based line of the directive.
    pub line: usize,
    /// The directive's keyword, e.g. `assert_return`.
    pub directive: &'static str,
    /// Expected versus got, in words.
    pub message: String,
}

/// One skipped directive and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// 1-based line of the directive.
    pub line: usize,
    /// Why it was not run.
    pub reason: String,
}

/// The outcome of running one script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Directives that did what the script expects.
    pub passed: usize,
    /// Directives that did not.
    pub failed: Vec<Failure>,
    /// Directives not run.
    pub skipped: Vec<Skip>,
}

impl Report {
    /// Adds another report's counts to this one.
    pub fn absorb(&mut self, other: Report) {
        self.passed += other.passed;
        self.failed.extend(other.failed);
        self.skipped.extend(other.skipped);
    }
}

/// Writes the summary line: `N passed, N failed` plus `, N skipped` when any were.
pub struct Summary<'a>(pub &'a Report);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        write!(f, "{} passed, {} failed", r.passed, r.failed.len())?;
        if !r.skipped.is_empty() {
            write!(f, ", {} skipped", r.skipped.len())?;
        }
        Ok(())
    }
}

/// Runs the script `text`; `name` is used in parse error messages.
pub fn run_script(name: &str, text: &str, mode: ExecMode) -> Report {
    run_script_with(name, text, mode, crate::vm::module::features())
}

/// Like [`run_script`], validating modules with `features` (e.g. with the
/// threads proposal for its own tests).
pub fn run_script_with(
    name: &str,
    text: &str,
    mode: ExecMode,
    features: wasmparser::WasmFeatures,
) -> Report {
    let mut report = Report::default();
    // The spec's names.wast deliberately uses bidirectional-override characters.
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buf) => buf,
        Err(e) => return parse_failure(name, text, e, report),
    };
    let script = match parser::parse::<Wast<'_>>(&buf) {
        Ok(script) => script,
        Err(e) => return parse_failure(name, text, e, report),
    };
    let mut runner = Runner::new(mode, features);
    for directive in script.directives {
        let (line, _) = directive.span().linecol_in(text);
        let keyword = keyword(&directive);
        match runner.directive(directive) {
            Ok(Verdict::Pass) => report.passed += 1,
            Ok(Verdict::Skip(reason)) => report.skipped.push(Skip {
                line: line + 1,
                reason,
            }),
            Err(message) => report.failed.push(Failure {
                line: line + 1,
                directive: keyword,
                message,
            }),
        }
    }
    report
}

fn parse_failure(name: &str, text: &str, mut e: wast::Error, mut report: Report) -> Report {
    e.set_path(std::path::Path::new(name));
    e.set_text(text);
    let line = e.span().linecol_in(text).0 + 1;
    report.failed.push(Failure {
        line,
        directive: "script",
        message: e.to_string(),
    });
    report
}

fn keyword(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
        _ => "directive",
    }
}

enum Verdict {
    Pass,
    Skip(String),
}

/// What executing an action produced.
enum Executed {
    Values(Vec<Value>),
    Trap(Trap),
}

struct Runner {
    store: Store,
    /// The features modules are validated with.
    features: wasmparser::WasmFeatures,
    mode: ExecMode,
    /// Exports of instances made visible by `register`, by registered name.
    registered: HashMap<String, BTreeMap<String, Extern>>,
    /// Instances by `$id`.
    named: HashMap<String, InstanceAddr>,
    /// Modules declared with `module definition`, by `$id`.
    definitions: HashMap<String, Arc<Module>>,
    current: Option<InstanceAddr>,
}

impl Runner {
    fn new(mode: ExecMode, features: wasmparser::WasmFeatures) -> Runner {
        let limits = Limits {
            max_call_depth: 5_000,
            ..Limits::default()
        };
        let mut store = Store::new(limits);
        let mut registered = HashMap::new();
        registered.insert("spectest".to_string(), spectest::install(&mut store));
        Runner {
            store,
            features,
            mode,
            registered,
            named: HashMap::new(),
            definitions: HashMap::new(),
            current: None,
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Result<Verdict, String> {
        match directive {
            WastDirective::Module(mut module) => {
                let id = quote_id(&module);
                let compiled = compile(&mut module, self.features)?;
                let inst = self
                    .instantiate(&compiled)
                    .map_err(|e| format!("instantiation failed: {e}"))?;
                self.current = Some(inst);
                if let Some(id) = id {
                    self.named.insert(id, inst);
                }
            }
            WastDirective::ModuleDefinition(mut module) => {
                let id = quote_id(&module);
                let compiled = compile(&mut module, self.features)?;
                if let Some(id) = id {
                    self.definitions.insert(id, compiled);
                }
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let module = module.map(|m| m.name().to_string()).unwrap_or_default();
                let compiled = self
                    .definitions
                    .get(&module)
                    .cloned()
                    .ok_or("unknown module definition")?;
                let inst = self
                    .instantiate(&compiled)
                    .map_err(|e| format!("instantiation failed: {e}"))?;
                self.current = Some(inst);
                if let Some(id) = instance {
                    self.named.insert(id.name().to_string(), inst);
                }
            }
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(module.map(|m| m.name()))?;
                let exports = self
                    .store
                    .instance(inst)
                    .map(|i| i.exports.iter().cloned().collect())
                    .unwrap_or_default();
                self.registered.insert(name.to_string(), exports);
            }
            WastDirective::Invoke(invoke) => {
                if let Executed::Trap(trap) = self.invoke(&invoke)? {
                    return Err(format!("unexpected trap: {trap}"));
                }
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = match self.execute(exec)? {
                    Executed::Values(values) => values,
                    Executed::Trap(trap) => {
                        return Err(format!("expected return, got trap: {trap}"));
                    }
                };
                values::check_results(&results, &got)?;
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec)? {
                Executed::Trap(trap) if trap_matches(&trap, message) => {}
                Executed::Trap(trap) => {
                    return Err(format!("expected trap \"{message}\", got trap \"{trap}\""));
                }
                Executed::Values(values) => {
                    return Err(format!(
                        "expected trap \"{message}\", got {}",
                        values::list(&values)
                    ));
                }
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call)? {
                Executed::Trap(trap) if trap.code == TrapCode::CallStackExhausted => {}
                Executed::Trap(trap) => {
                    return Err(format!("expected \"{message}\", got trap \"{trap}\""));
                }
                Executed::Values(values) => {
                    return Err(format!(
                        "expected \"{message}\", got {}",
                        values::list(&values)
                    ));
                }
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                if compile(&mut module, self.features).is_ok() {
                    return Err(format!(
                        "expected invalid module (\"{message}\"), but it validated"
                    ));
                }
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                if compile(&mut module, self.features).is_ok() {
                    return Err(format!(
                        "expected malformed module (\"{message}\"), but it was accepted"
                    ));
                }
            }
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let mut quoted = QuoteWat::Wat(module);
                let compiled = compile(&mut quoted, self.features)?;
                match self.instantiate(&compiled) {
                    Err(InstantiationError::Link(_)) => {}
                    Err(other) => {
                        return Err(format!(
                            "expected link error \"{message}\", got \"{other}\""
                        ));
                    }
                    Ok(_) => {
                        return Err(format!("expected link error \"{message}\", but it linked"));
                    }
                }
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                return Ok(Verdict::Skip(
                    "threads in scripts come with the threads proposal".into(),
                ));
            }
            _ => {
                return Ok(Verdict::Skip(
                    "this directive belongs to a proposal watlab does not run".into(),
                ));
            }
        }
        Ok(Verdict::Pass)
    }

    fn instance(&self, id: Option<&str>) -> Result<InstanceAddr, String> {
        match id {
            Some(id) => self
                .named
                .get(id)
                .copied()
                .ok_or_else(|| format!("no module named ${id}")),
            None => self
                .current
                .ok_or_else(|| "no module instantiated yet".to_string()),
        }
    }

    fn instantiate(&mut self, module: &Arc<Module>) -> Result<InstanceAddr, InstantiationError> {
        let imports: Vec<Option<Extern>> = module
            .imports
            .iter()
            .map(|i| {
                self.registered
                    .get(&i.module)
                    .and_then(|m| m.get(&i.name))
                    .copied()
            })
            .collect();
        self.store.instantiate(module, &imports)
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Executed, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Wat(module) => {
                let compiled = compile(&mut QuoteWat::Wat(module), self.features)?;
                match self.instantiate(&compiled) {
                    Ok(_) => Ok(Executed::Values(Vec::new())),
                    Err(InstantiationError::Trap(trap)) => Ok(Executed::Trap(trap)),
                    Err(other) => Err(format!("instantiation failed: {other}")),
                }
            }
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module.map(|m| m.name()))?;
                match self.store.instance(inst).and_then(|i| i.export(global)) {
                    Some(Extern::Global(addr)) => {
                        let value = self
                            .store
                            .global(addr)
                            .map(|g| g.get())
                            .ok_or("dangling global")?;
                        Ok(Executed::Values(vec![value]))
                    }
                    _ => Err(format!("no global export \"{global}\"")),
                }
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Executed, String> {
        let inst = self.instance(invoke.module.map(|m| m.name()))?;
        let func = match self
            .store
            .instance(inst)
            .and_then(|i| i.export(invoke.name))
        {
            Some(Extern::Func(f)) => f,
            _ => return Err(format!("no function export \"{}\"", invoke.name)),
        };
        let args = invoke
            .args
            .iter()
            .map(values::arg)
            .collect::<Result<Vec<_>, _>>()?;
        let mut execution = match Execution::new(&self.store, func, &args) {
            Ok(e) => e,
            Err(trap) => return Err(trap.to_string()),
        };
        let result = match self.mode {
            ExecMode::Run => execution.run(&mut self.store),
            ExecMode::Step => loop {
                match execution.step(&mut self.store) {
                    Ok(Outcome::Paused) => continue,
                    Ok(Outcome::Finished(values)) => break Ok(values),
                    Err(trap) => break Err(trap),
                }
            },
        };
        Ok(match result {
            Ok(values) => Executed::Values(values),
            Err(trap) => Executed::Trap(trap),
        })
    }
}

/// `assert_trap` messages are the spec's wording; ours may add detail after it.
fn trap_matches(trap: &Trap, expected: &str) -> bool {
    trap.message().starts_with(expected) || expected.starts_with(trap.message())
}

fn quote_id(module: &QuoteWat<'_>) -> Option<String> {
    match module {
        QuoteWat::Wat(Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
        _ => None,
    }
}

/// Encodes a script module (text, binary or quoted) and builds it.
fn compile(
    module: &mut QuoteWat<'_>,
    features: wasmparser::WasmFeatures,
) -> Result<Arc<Module>, String> {
    let bytes = module
        .encode()
        .map_err(|e| format!("assembling failed: {e}"))?;
    Module::from_binary_with(&bytes, features)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

//! The one spec-script engine: runs each command of a script against a
//! [`Target`] and says what it did as an [`Outcome`] or a [`Failure`].
//!
//! Messages are compared as the spec's reference interpreter does
//! (`interpreter/script/run.ml`): a trap must carry exactly the expected
//! message; a rejected module's message must start with the expected text
//! (see [`super::messages`]).

use super::outcome::{Directive, Failure, Held, Outcome, Rejection, Stage};
use super::parse::{self, Command};
use super::target::Target;
use super::values;
use crate::vm::gc_names::{RefNames, StoreNames, values_text};
use crate::vm::store::{Extern, InstanceAddr, Store};
use crate::vm::trap::TrapCode;
use crate::vm::{Execution, InstantiationError, Module, Outcome as Step, Trap, Value};
use std::sync::Arc;
use wast::{QuoteWat, WastDirective, WastExecute, WastInvoke};

/// How invocations are executed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecMode {
    /// Run mode: fused code, straight to completion.
    Run,
    /// One instruction at a time through the stepper.
    Step,
}

/// Whether to go on after a command fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnFailure {
    /// Run every command (a `.wast` file).
    Continue,
    /// Stop at the first failure (an input at the prompt).
    Stop,
}

/// Runs the script `text` against `target`, one [`Directive`] per command run.
///
/// # Errors
/// When the script does not parse; nothing has run then.
pub fn run(
    text: &str,
    target: &mut dyn Target,
    mode: ExecMode,
    on_failure: OnFailure,
) -> Result<Vec<Directive>, wast::Error> {
    let buf = parse::buffer(text)?;
    let commands = parse::commands(&buf)?;
    let mut engine = Engine { target, mode, text };
    let mut done = Vec::with_capacity(commands.len());
    for command in commands {
        let span = command.span();
        let keyword = command.keyword();
        let result = engine.command(command);
        let failed = result.is_err();
        done.push(Directive {
            line: span.linecol_in(text).0 + 1,
            offset: span.offset(),
            keyword,
            result,
        });
        if failed && on_failure == OnFailure::Stop {
            break;
        }
    }
    Ok(done)
}

struct Engine<'t> {
    target: &'t mut dyn Target,
    mode: ExecMode,
    /// The script, for the line and column of an invalid instruction.
    text: &'t str,
}

/// What executing an action produced.
type Executed = Result<Vec<Value>, Trap>;

impl Engine<'_> {
    fn command(&mut self, command: Command<'_>) -> Result<Outcome, Failure> {
        match command {
            Command::Get(exec) => match self.execute(exec)? {
                Ok(values) => match values.as_slice() {
                    [value] => Ok(Outcome::Got(*value)),
                    _ => Err(Failure::Usage("get reads exactly one global".into())),
                },
                Err(trap) => Err(Failure::Trap(trap)),
            },
            Command::Directive(directive) => self.directive(directive),
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Result<Outcome, Failure> {
        match directive {
            WastDirective::Module(mut module) => {
                let id = module.name().map(|id| id.name().to_string());
                let compiled = self.compile(&mut module)?;
                let instance = self.instantiate(&compiled)?;
                self.target.bind(id.as_deref(), &compiled, instance);
                Ok(Outcome::Instantiated { id, instance })
            }
            WastDirective::ModuleDefinition(mut module) => {
                let id = module.name().map(|id| id.name().to_string());
                let compiled = self.compile(&mut module)?;
                if let Some(id) = &id {
                    self.target.define(id, compiled);
                }
                Ok(Outcome::Defined { id })
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let name = module.map(|m| m.name()).unwrap_or_default();
                let compiled = self
                    .target
                    .definition(name)
                    .ok_or_else(|| Failure::Usage(format!("no module definition named ${name}")))?;
                let id = instance.map(|i| i.name().to_string());
                let instance = self.instantiate(&compiled)?;
                self.target.bind(id.as_deref(), &compiled, instance);
                Ok(Outcome::Instantiated { id, instance })
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.lookup(module.map(|m| m.name()))?;
                self.target.register(name, instance);
                Ok(Outcome::Registered {
                    name: name.to_string(),
                    instance,
                })
            }
            WastDirective::Invoke(invoke) => {
                let (instance, args, executed) = self.invoke(&invoke)?;
                match executed {
                    Ok(results) => Ok(Outcome::Invoked {
                        instance,
                        export: invoke.name.to_string(),
                        args,
                        results,
                    }),
                    Err(trap) => Err(Failure::Trap(trap)),
                }
            }
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec)? {
                Ok(values) => {
                    values::check_results(&results, &values, &self.names())?;
                    Ok(Outcome::Held(Held::Returned(values)))
                }
                Err(trap) if trap.code == TrapCode::UncaughtException => Err(Failure::Mismatch {
                    expected: "a return".into(),
                    got: "an uncaught exception".into(),
                }),
                Err(trap) => Err(Failure::TrappedInstead {
                    expected: "a return".into(),
                    got: format!("trap \"{}\"", trap.message()),
                    trap,
                }),
            },
            WastDirective::AssertTrap { exec, message, .. } => {
                let executed = self.execute(exec)?;
                expect_trap(executed, message, &self.names(), |_| true)
                    .map(|trap| Outcome::Held(Held::Trapped(trap)))
            }
            WastDirective::AssertException { exec, .. } => match self.execute(exec)? {
                Err(trap) if trap.code == TrapCode::UncaughtException => {
                    Ok(Outcome::Held(Held::Threw(trap)))
                }
                Err(trap) => Err(Failure::TrappedInstead {
                    expected: "an exception".into(),
                    got: format!("trap \"{}\"", trap.reference_message()),
                    trap,
                }),
                Ok(values) => Err(Failure::Mismatch {
                    expected: "an exception".into(),
                    got: values_text(&values, &self.names()),
                }),
            },
            WastDirective::AssertExhaustion { call, message, .. } => {
                let (_, _, executed) = self.invoke(&call)?;
                expect_trap(executed, message, &self.names(), |t| {
                    t.code == TrapCode::CallStackExhausted
                })
                .map(|trap| Outcome::Held(Held::Exhausted(trap)))
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.expect_rejection(&mut module, Stage::Invalid, message),
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.expect_rejection(&mut module, Stage::Malformed, message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let compiled = self.compile(&mut QuoteWat::Wat(module))?;
                match self.instantiate_started(&compiled) {
                    Err(InstantiationError::Link(link)) => {
                        Ok(rejected(Stage::Unlinkable, message, link.to_string()))
                    }
                    Err(other) => Err(Failure::Mismatch {
                        expected: format!("a link error \"{message}\""),
                        got: other.to_string(),
                    }),
                    Ok(_) => Err(Failure::Mismatch {
                        expected: format!("a link error \"{message}\""),
                        got: "a module that links".into(),
                    }),
                }
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => Ok(Outcome::Skipped(
                "threads in scripts come with the threads proposal".into(),
            )),
            _ => Ok(Outcome::Skipped(
                "this directive belongs to a proposal watlab does not run".into(),
            )),
        }
    }

    /// `assert_invalid` and `assert_malformed`: the module must not compile.
    fn expect_rejection(
        &mut self,
        module: &mut QuoteWat<'_>,
        stage: Stage,
        expected: &str,
    ) -> Result<Outcome, Failure> {
        match self.compile(module) {
            Ok(_) => Err(Failure::Mismatch {
                expected: match stage {
                    Stage::Malformed => format!("a malformed module (\"{expected}\")"),
                    _ => format!("an invalid module (\"{expected}\")"),
                },
                got: "a module that validates".into(),
            }),
            Err(Failure::Malformed { message, .. }) => Ok(rejected(stage, expected, message)),
            Err(Failure::Invalid { error, .. }) => Ok(rejected(stage, expected, error.message)),
            Err(other) => Err(other),
        }
    }

    fn lookup(&self, id: Option<&str>) -> Result<InstanceAddr, Failure> {
        self.target.instance(id).map_err(Failure::Usage)
    }

    /// Assembles a script module (text, binary or quoted) and builds it.
    fn compile(&mut self, module: &mut QuoteWat<'_>) -> Result<Arc<Module>, Failure> {
        let in_script = matches!(module, QuoteWat::Wat(_));
        let spans = match module {
            QuoteWat::Wat(wat) => crate::text::assemble::instruction_spans(wat),
            _ => Vec::new(),
        };
        let bytes = module.encode().map_err(|e| Failure::Malformed {
            message: e.message(),
            offset: in_script.then(|| e.span().offset()),
        })?;
        let features = self.target.features();
        Module::from_binary_with(&bytes, features)
            .map(Arc::new)
            .map_err(|error| Failure::Invalid {
                explained: crate::text::body_check::body_error(&bytes, features, error.offset).map(
                    |body| {
                        let at = spans
                            .get(body.defined)
                            .and_then(|s| Some(s[body.fault.instr_index(s.len())?]))
                            .map(|offset| {
                                let at =
                                    crate::text::assemble::instruction_start(self.text, offset);
                                let (line, col) = crate::text::assemble::line_col(self.text, at);
                                format!(" at {}:{}", line + 1, col + 1)
                            })
                            .unwrap_or_default();
                        format!("in {}{at}: {}", body.func_label(), body.fault.explanation)
                    },
                ),
                error,
            })
    }

    /// Instantiates `module` and runs its start function in the engine's mode.
    fn instantiate_started(
        &mut self,
        module: &Arc<Module>,
    ) -> Result<InstanceAddr, InstantiationError> {
        let pending = self.target.instantiate(module)?;
        let store = self.target.store();
        if let Some(mut execution) = pending.execution(store).map_err(InstantiationError::Trap)? {
            execute(self.mode, &mut execution, store).map_err(InstantiationError::Trap)?;
        }
        Ok(pending.instance)
    }

    fn instantiate(&mut self, module: &Arc<Module>) -> Result<InstanceAddr, Failure> {
        self.instantiate_started(module).map_err(|e| match e {
            InstantiationError::Trap(trap) => {
                Failure::Trap(crate::vm::budget::locate(self.target.store(), trap))
            }
            other => Failure::Uninstantiable(other),
        })
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Executed, Failure> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke).map(|(_, _, executed)| executed),
            WastExecute::Wat(module) => {
                let compiled = self.compile(&mut QuoteWat::Wat(module))?;
                match self.instantiate_started(&compiled) {
                    Ok(_) => Ok(Ok(Vec::new())),
                    Err(InstantiationError::Trap(trap)) => Ok(Err(trap)),
                    Err(other) => Err(Failure::Uninstantiable(other)),
                }
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.lookup(module.map(|m| m.name()))?;
                let store = self.target.store();
                match store.instance(instance).and_then(|i| i.export(global)) {
                    Some(Extern::Global(addr)) => store
                        .global(addr)
                        .map(|g| Ok(vec![g.get()]))
                        .ok_or_else(|| Failure::Usage("dangling global".into())),
                    Some(other) => Err(Failure::Usage(format!(
                        "\"{global}\" is a {}, not a global",
                        other.kind_name()
                    ))),
                    None => Err(Failure::Usage(format!(
                        "no global is exported as \"{global}\""
                    ))),
                }
            }
        }
    }

    /// How values name references and defined types in messages: by the
    /// store's names, the current instance's first.
    fn names(&mut self) -> StoreNames<'_> {
        let prefer = self.target.instance(None).ok();
        StoreNames {
            store: self.target.store(),
            prefer,
        }
    }

    fn invoke(
        &mut self,
        invoke: &WastInvoke<'_>,
    ) -> Result<(InstanceAddr, Vec<Value>, Executed), Failure> {
        let super::invoke::Call {
            instance,
            func,
            args,
            ..
        } = super::invoke::resolve_invoke(self.target, invoke).map_err(Failure::Usage)?;
        let store = self.target.store();
        let mut execution =
            Execution::new(store, func, &args).map_err(|t| Failure::Usage(t.to_string()))?;
        let executed = execute(self.mode, &mut execution, store);
        // Running out of fuel is the budget speaking, never what a script
        // asserts: it fails the command whatever the command expects.
        match executed {
            Err(trap) if trap.code == TrapCode::OutOfFuel => {
                Err(Failure::Trap(crate::vm::budget::locate(store, trap)))
            }
            executed => Ok((instance, args, executed)),
        }
    }
}

/// Runs `execution` to its end in `mode`.
fn execute(mode: ExecMode, execution: &mut Execution, store: &mut Store) -> Executed {
    match mode {
        ExecMode::Run => execution.run(store),
        ExecMode::Step => loop {
            match execution.step(store) {
                Ok(Step::Paused) => continue,
                Ok(Step::Finished(values)) => break Ok(values),
                Err(trap) => break Err(trap),
            }
        },
    }
}

fn rejected(stage: Stage, expected: &str, ours: String) -> Outcome {
    Outcome::Held(Held::Rejected(Rejection {
        stage,
        expected: expected.to_string(),
        ours,
    }))
}

/// A trap whose message, as the reference interpreter writes it, starts with
/// the `expected` text (the reference interpreter's rule), of the `kind` wanted.
fn expect_trap(
    executed: Executed,
    expected: &str,
    names: &dyn RefNames,
    kind: impl Fn(&Trap) -> bool,
) -> Result<Trap, Failure> {
    match executed {
        // An uncaught exception is not a trap, whatever its words.
        Err(trap)
            if trap.reference_message().starts_with(expected)
                && trap.code != TrapCode::UncaughtException
                && kind(&trap) =>
        {
            Ok(trap)
        }
        Err(trap) if trap.code == TrapCode::UncaughtException => Err(Failure::Mismatch {
            expected: format!("trap \"{expected}\""),
            got: "an uncaught exception".into(),
        }),
        Err(trap) => Err(Failure::TrappedInstead {
            expected: format!("trap \"{expected}\""),
            got: format!("trap \"{}\"", trap.reference_message()),
            trap,
        }),
        Ok(values) => Err(Failure::Mismatch {
            expected: format!("trap \"{expected}\""),
            got: values_text(&values, names),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Report, Totals, run_script};
    use super::*;

    fn results(text: &str) -> Vec<Result<Outcome, Failure>> {
        run_script("test.wast", text, ExecMode::Run)
            .directives
            .into_iter()
            .map(|d| d.result)
            .collect()
    }

    #[test]
    fn a_top_level_get_reads_the_global() {
        let got = results("(module (global (export \"g\") i32 (i32.const 7))) (get \"g\")");
        assert_eq!(got[1], Ok(Outcome::Got(Value::I32(7))));
    }

    #[test]
    fn trap_messages_compare_as_the_reference_interpreter_does() {
        let script = "(module
              (table 2 funcref)
              (type $v (func))
              (func (export \"f\") (unreachable))
              (func (export \"g\") (call_indirect (type $v) (i32.const 1))))
            (assert_trap (invoke \"f\") \"unreachable\")
            (assert_trap (invoke \"f\") \"unreachable code\")
            (assert_trap (invoke \"g\") \"uninitialized element 1\")
            (assert_trap (invoke \"g\") \"uninitialized element\")
            (assert_trap (invoke \"g\") \"uninitialized element 2\")";
        let got = results(script);
        assert!(matches!(got[1], Ok(Outcome::Held(Held::Trapped(_)))));
        assert!(
            matches!(&got[2], Err(Failure::TrappedInstead { expected, got, trap })
                if expected == "trap \"unreachable code\""
                    && got == "trap \"unreachable\""
                    && trap.site.is_some()),
            "{:?}",
            got[2]
        );
        assert!(matches!(got[3], Ok(Outcome::Held(Held::Trapped(_)))));
        assert!(matches!(got[4], Ok(Outcome::Held(Held::Trapped(_)))));
        assert!(got[5].is_err(), "{:?}", got[5]);
    }

    #[test]
    fn definitions_instances_and_registrations_link() {
        let script = "(module definition $m (func (export \"one\") (result i32) (i32.const 1)))
            (module instance $a $m)
            (register \"lib\" $a)
            (module (import \"lib\" \"one\" (func $one (result i32)))
              (func (export \"two\") (result i32) (i32.add (call $one) (call $one))))
            (assert_return (invoke \"two\") (i32.const 2))
            (assert_unlinkable (module (import \"lib\" \"none\" (func))) \"unknown import\")";
        let report = run_script("test.wast", script, ExecMode::Run);
        assert_eq!(report.failures().count(), 0, "{report:?}");
        assert_eq!(report.rejected(), 1);
    }

    #[test]
    fn rejections_count_whether_the_message_matches() {
        let script = "(assert_invalid (module (func (result i32) (i64.const 0))) \"type mismatch\")
            (assert_invalid (module (func (local.get 9))) \"type mismatch\")
            (assert_invalid (module (func)) \"type mismatch\")";
        let report: Report = run_script("test.wast", script, ExecMode::Run);
        let totals = Totals::of(&report);
        assert_eq!(
            (
                totals.passed,
                totals.failed,
                totals.rejected,
                totals.message_matches
            ),
            (2, 1, 2, 1)
        );
        assert_eq!(report.message_mismatches().count(), 1);
    }

    #[test]
    fn step_mode_gives_the_same_outcomes() {
        let script = "(module (func (export \"f\") (param i32) (result i32)
                (i32.div_s (i32.const 10) (local.get 0))))
            (assert_return (invoke \"f\" (i32.const 2)) (i32.const 5))
            (assert_trap (invoke \"f\" (i32.const 0)) \"integer divide by zero\")";
        let run = run_script("t.wast", script, ExecMode::Run);
        let step = run_script("t.wast", script, ExecMode::Step);
        assert_eq!(run, step);
        assert_eq!(run.passed(), 3);
    }

    #[test]
    fn a_script_that_does_not_parse_is_one_failure() {
        let report = run_script("bad.wast", "(assert_return (invoke", ExecMode::Run);
        assert_eq!(report.directives.len(), 1);
        assert_eq!(report.directives[0].keyword, "script");
        assert!(report.directives[0].result.is_err());
    }
}

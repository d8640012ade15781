//! Spec-script commands typed at the prompt: `invoke`, `get`, `register`,
//! `assert_return` and `assert_trap`, with the meaning they have in `.wast`.

use super::{ErrorKind, Reply, Session, SessionError};
use crate::vm::store::{Extern, InstanceAddr};
use crate::vm::{Execution, Trap, Value};
use crate::wast::{check_results, script_arg, value_list};
use wast::{WastDirective, WastExecute, WastInvoke};

impl Session {
    pub(super) fn script(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let syntax = |e: wast::Error| {
            let offset = e.span().offset();
            SessionError::new(ErrorKind::Syntax, e.message()).at(
                text,
                offset,
                super::module::token_len(text, offset),
            )
        };
        let buf = wast::parser::ParseBuffer::new(text).map_err(syntax)?;
        let script = wast::parser::parse::<wast::Wast<'_>>(&buf).map_err(syntax)?;
        let mut replies = Vec::new();
        for directive in script.directives {
            replies.extend(self.directive(directive)?);
        }
        Ok(replies)
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Result<Vec<Reply>, SessionError> {
        match directive {
            WastDirective::Invoke(invoke) => match self.invoke(&invoke)? {
                Ok(values) => {
                    let instance = self
                        .target(invoke.module.map(|m| m.name()))
                        .ok()
                        .and_then(|i| self.instance_name(i));
                    if let Some(instance) = instance {
                        let args = invoke
                            .args
                            .iter()
                            .filter_map(|a| script_arg(a).ok())
                            .collect();
                        let results = values.iter().map(|v| v.ty()).collect();
                        self.journal.push(super::export_js::JsEvent::Invoke {
                            instance,
                            export: invoke.name.to_string(),
                            args,
                            results,
                        });
                    }
                    Ok(vec![Reply::Values(values)])
                }
                Err(trap) => Err(SessionError::trap(&trap)),
            },
            WastDirective::Register { name, module, .. } => {
                let instance = self.target(module.map(|m| m.name()))?;
                let exports = self
                    .store
                    .instance(instance)
                    .map(|i| i.exports.iter().cloned().collect())
                    .unwrap_or_default();
                self.registry.insert(name.to_string(), exports);
                if let Some(instance) = self.instance_name(instance) {
                    self.journal.push(super::export_js::JsEvent::Register {
                        as_name: name.to_string(),
                        instance,
                    });
                }
                Ok(vec![Reply::Note(format!(
                    "registered as \"{name}\": other modules can import from it now"
                ))])
            }
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec)? {
                Ok(values) => match check_results(&results, &values) {
                    Ok(()) => Ok(vec![Reply::Note(format!(
                        "ok: returned {}",
                        value_list(&values)
                    ))]),
                    Err(message) => Err(SessionError::new(
                        ErrorKind::Assertion,
                        format!("assertion failed: {message}"),
                    )),
                },
                Err(trap) => Err(SessionError::new(
                    ErrorKind::Assertion,
                    format!(
                        "assertion failed: expected a return, got trap \"{}\"",
                        trap.message()
                    ),
                )),
            },
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec)? {
                Err(trap)
                    if trap.message().starts_with(message)
                        || message.starts_with(trap.message()) =>
                {
                    Ok(vec![Reply::Note(format!(
                        "ok: trapped with \"{}\"",
                        trap.message()
                    ))])
                }
                Err(trap) => Err(SessionError::new(
                    ErrorKind::Assertion,
                    format!(
                        "assertion failed: expected trap \"{message}\", got trap \"{}\"",
                        trap.message()
                    ),
                )),
                Ok(values) => Err(SessionError::new(
                    ErrorKind::Assertion,
                    format!(
                        "assertion failed: expected trap \"{message}\", got {}",
                        value_list(&values)
                    ),
                )),
            },
            _ => Err(SessionError::usage(
                "at the prompt, script commands are invoke, get, register, assert_return and assert_trap",
            )),
        }
    }

    /// The instance a script command names, or the current one.
    fn target(&self, id: Option<&str>) -> Result<InstanceAddr, SessionError> {
        match id {
            Some(id) => {
                let name = format!("${id}");
                self.named
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, i)| *i)
                    .ok_or_else(|| SessionError::usage(format!("no module named ${id} (see :instances)")))
            }
            None => self.current.ok_or_else(|| {
                SessionError::usage("there is no module yet: define a (func ...) with an export, or a whole (module ...)")
            }),
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Result<Vec<Value>, Trap>, SessionError> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.target(module.map(|m| m.name()))?;
                match self.store.instance(instance).and_then(|i| i.export(global)) {
                    Some(Extern::Global(addr)) => Ok(Ok(self
                        .store
                        .global(addr)
                        .map(|g| g.get())
                        .into_iter()
                        .collect())),
                    _ => Err(SessionError::usage(format!(
                        "no global is exported as \"{global}\""
                    ))),
                }
            }
            WastExecute::Wat(_) => Err(SessionError::usage(
                "assert_trap on a module is only available in .wast scripts",
            )),
        }
    }

    fn invoke(
        &mut self,
        invoke: &WastInvoke<'_>,
    ) -> Result<Result<Vec<Value>, Trap>, SessionError> {
        let instance = self.target(invoke.module.map(|m| m.name()))?;
        let func = match self
            .store
            .instance(instance)
            .and_then(|i| i.export(invoke.name))
        {
            Some(Extern::Func(f)) => f,
            Some(other) => {
                return Err(SessionError::usage(format!(
                    "\"{}\" is a {}, not a function",
                    invoke.name,
                    other.kind_name()
                )));
            }
            None => {
                return Err(SessionError::usage(format!(
                    "no function is exported as \"{}\"",
                    invoke.name
                )));
            }
        };
        let args = invoke
            .args
            .iter()
            .map(script_arg)
            .collect::<Result<Vec<_>, _>>()
            .map_err(SessionError::usage)?;
        let mut execution = Execution::new(&self.store, func, &args)
            .map_err(|t| SessionError::usage(t.to_string()))?;
        Ok(execution.run(&mut self.store))
    }
}

//! Breakpoints: where a run pauses. They are set by function (`$func`, on
//! entry), by byte offset (`0xOFFSET`, as shown at pauses) or by source line
//! (`$func:LINE`, or `LINE` of the text paused in), kept across inputs, and
//! checked by every run of an input as well as by the stepper.

use super::break_lines::{LineSite, func_index_by_name};
use crate::session::{Reply, Session, SessionError};
use crate::vm::FuncAddr;
use crate::vm::store::{FuncInst, InstanceAddr};

/// Where to stop, as the session keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::session) enum Breakpoint {
    /// On entry to a function, by the name the user wrote: looked up again
    /// at every run, so redefining the function keeps the breakpoint.
    Func(String),
    /// Before the first instruction on a line of a function's field, looked
    /// up again at every run for the same reason.
    Line(String, usize),
    /// Before the instruction at a byte offset of the module of an instance:
    /// the one paused in when it was set (your input's, a named module's),
    /// or (`None`) whichever build of the session module runs.
    Offset(usize, Option<InstanceAddr>),
}

/// Where a listed breakpoint stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BreakSite {
    /// On entry to the function of this name (with its `$`).
    Entry(String),
    /// Before the first instruction on a line of a function's field (`$f:3`).
    Line(String),
    /// Before the instruction at this byte offset.
    Offset(usize),
}

/// One entry of `info break`: a numbered breakpoint or a watched range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopPoint {
    /// Breakpoint `number` (1-based, as `delete N` takes it).
    Breakpoint {
        /// Its number.
        number: usize,
        /// Where it stops.
        site: BreakSite,
    },
    /// A watchpoint on memory `start..end` of the session's memory 0.
    Watchpoint {
        /// First watched byte.
        start: u64,
        /// One past the last watched byte.
        end: u64,
    },
    /// A watchpoint on a local or a global (`local $n of $fib`).
    ValueWatch(String),
}

impl Session {
    /// `break TARGET`: a breakpoint on entry to `$func`, before the
    /// instruction at `0xOFFSET`, or before the first instruction written on
    /// `$func:LINE` (or `LINE` of the text paused in).
    ///
    /// # Errors
    /// A usage error for a target that names no function, offset or line.
    pub fn add_breakpoint(&mut self, target: &str) -> Result<Vec<Reply>, SessionError> {
        let line_target = match target.rsplit_once(':') {
            Some((func, line)) if func.starts_with('$') => {
                line.parse::<usize>().ok().map(|l| (Some(func), l))
            }
            _ => target.parse::<usize>().ok().map(|l| (None, l)),
        };
        let mut place = target.to_string();
        let bp = if let Some((Some(func), line)) = line_target {
            self.line_site(Some(func), line)?;
            place = self.line_place(func, line);
            Breakpoint::Line(func.to_string(), line)
        } else if let Some((None, line)) = line_target {
            match self.line_site(None, line)? {
                LineSite { key: Some(key), .. } => {
                    place = self.line_place(&key, line);
                    Breakpoint::Line(key, line)
                }
                LineSite { offset, func, .. } => {
                    let text = match func {
                        None => "your input".to_string(),
                        Some(func) => self.func_label(func),
                    };
                    place = format!("line {line} of {text} (byte 0x{offset:x})");
                    let instance = match func {
                        None => self.paused_instance(),
                        Some(_) => None,
                    };
                    Breakpoint::Offset(offset, instance)
                }
            }
        } else if let Some(hex) = target.strip_prefix("0x") {
            let offset = usize::from_str_radix(hex, 16)
                .map_err(|_| SessionError::usage(format!("{target} is not an offset")))?;
            Breakpoint::Offset(offset, self.paused_instance())
        } else if target.starts_with(['$', '"']) {
            self.session_func(target)?;
            Breakpoint::Func(target.to_string())
        } else {
            return Err(SessionError::usage(
                "usage: b $func | b \"export\" | b LINE | b $func:LINE | b 0xOFFSET (the byte offset shown at pauses)",
            ));
        };
        self.breakpoints.push(bp);
        Ok(vec![Reply::Note(format!(
            "breakpoint {} at {place}",
            self.breakpoints.len()
        ))])
    }

    /// `delete [N]`: deletes breakpoint `N`, or every breakpoint and
    /// watchpoint when `args` is empty.
    ///
    /// # Errors
    /// A usage error when `args` is not the number of a breakpoint.
    pub fn delete_breakpoints(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        if args.is_empty() {
            self.breakpoints.clear();
            if let Some(d) = self.debugger.as_mut() {
                d.watches.clear();
            }
            return Ok(vec![Reply::Note(
                "deleted all breakpoints and watchpoints".into(),
            )]);
        }
        let n: usize = args
            .parse()
            .map_err(|_| SessionError::usage("usage: delete [N]"))?;
        if n == 0 || n > self.breakpoints.len() {
            return Err(SessionError::usage(format!(
                "no breakpoint {n} (:breakpoints lists them)"
            )));
        }
        self.breakpoints.remove(n - 1);
        Ok(vec![Reply::Note(format!("deleted breakpoint {n}"))])
    }

    /// `info break`: the breakpoints, then the watchpoints of the paused input.
    ///
    /// # Errors
    /// None today; the signature is that of every command.
    pub fn list_breakpoints(&self) -> Result<Vec<Reply>, SessionError> {
        Ok(vec![Reply::Breakpoints(self.stop_points())])
    }

    /// The breakpoints set by byte offset, as (number, offset): unlike those
    /// by name or line, they point into one build of the session module.
    pub fn offset_breakpoints(&self) -> Vec<(usize, usize)> {
        self.breakpoints
            .iter()
            .enumerate()
            .filter_map(|(i, bp)| match bp {
                Breakpoint::Offset(o, None) => Some((i + 1, *o)),
                _ => None,
            })
            .collect()
    }

    /// The breakpoints, then the paused input's watchpoints.
    fn stop_points(&self) -> Vec<StopPoint> {
        let breakpoints = self.breakpoints.iter().enumerate().map(|(i, bp)| {
            let site = match bp {
                Breakpoint::Func(name) => BreakSite::Entry(name.clone()),
                Breakpoint::Line(func, line) => BreakSite::Line(self.line_place(func, *line)),
                Breakpoint::Offset(o, _) => BreakSite::Offset(*o),
            };
            StopPoint::Breakpoint {
                number: i + 1,
                site,
            }
        });
        let watches = self
            .debugger
            .iter()
            .flat_map(|d| &d.watches)
            .map(|w| match w {
                super::watch::Watch::Memory { start, len, .. } => StopPoint::Watchpoint {
                    start: *start,
                    end: start + len,
                },
                super::watch::Watch::Value { spot, label } => {
                    StopPoint::ValueWatch(self.watch_title(spot, label))
                }
            });
        breakpoints.chain(watches).collect()
    }

    /// The breakpoints as an execution of `root` checks them: entry
    /// functions, and instructions as (function, offset in its module's
    /// binary). A host function, which no frame enters, stops at the calls
    /// of it in the session module and `root`'s module.
    pub(in crate::session) fn breakpoint_sites(
        &self,
        root: FuncAddr,
    ) -> (Vec<FuncAddr>, Vec<(FuncAddr, usize)>) {
        let mut entries = Vec::new();
        let mut offsets = Vec::new();
        for bp in &self.breakpoints {
            match bp {
                Breakpoint::Func(name) => match self.session_func(name) {
                    Ok(host) if matches!(self.store.func(host), Some(FuncInst::Host { .. })) => {
                        offsets.extend(self.host_call_sites(host, root));
                    }
                    found => entries.extend(found.ok()),
                },
                Breakpoint::Line(func, line) => {
                    let site = self.line_site(Some(func), *line).ok();
                    offsets.extend(site.and_then(|site| Some((site.func?, site.offset))));
                }
                Breakpoint::Offset(o, instance) => {
                    offsets.extend(self.func_at(*instance, *o).map(|func| (func, *o)));
                }
            }
        }
        (entries, offsets)
    }

    /// "breakpoint N hit" for each breakpoint at the paused position.
    pub(super) fn breakpoint_hits(&self) -> Vec<String> {
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        let frame = d.execution.call_stack().last().copied();
        let offset = self.current_offset();
        // A host function has no frame to enter: its breakpoint pauses
        // before the call, with the arguments on the stack.
        let host_call = self
            .pending_call()
            .filter(|f| matches!(self.store.func(*f), Some(FuncInst::Host { .. })));
        self.breakpoints
            .iter()
            .enumerate()
            .filter(|(_, bp)| match bp {
                Breakpoint::Func(name) => self.session_func(name).is_ok_and(|addr| {
                    frame.is_some_and(|f| f.pc == 0 && addr == f.func) || (host_call == Some(addr))
                }),
                Breakpoint::Line(func, line) => self
                    .line_offset(Some(func), *line)
                    .is_ok_and(|o| o == offset),
                Breakpoint::Offset(o, instance) => {
                    *o == offset
                        && frame.is_some_and(|f| self.func_at(*instance, *o) == Some(f.func))
                }
            })
            .map(|(i, bp)| match (bp, host_call) {
                (Breakpoint::Func(name), Some(host)) if frame.is_none_or(|f| f.pc != 0) => format!(
                    "breakpoint {} hit: the host function {name} ({}) is called next, with {}",
                    i + 1,
                    self.store.func_name(host),
                    self.values_named(&self.host_args(host))
                ),
                _ => format!("breakpoint {} hit", i + 1),
            })
            .collect()
    }

    /// `advance LOCATION`: runs until the current function reaches that line
    /// (of the text paused in) or byte offset, or returns; breakpoints and
    /// watchpoints still pause on the way.
    ///
    /// # Errors
    /// A usage error for a location that is not a line or offset of the
    /// current function; the trap that ended the input.
    pub fn advance(&mut self, target: &str) -> Result<Vec<Reply>, SessionError> {
        let target = target.trim();
        let offset = if let Some(hex) = target.strip_prefix("0x") {
            usize::from_str_radix(hex, 16)
                .map_err(|_| SessionError::usage(format!("{target} is not an offset")))?
        } else if let Ok(line) = target.parse::<usize>() {
            self.line_offset(None, line)?
        } else {
            return Err(SessionError::usage(
                "usage: advance LINE | advance 0xOFFSET (a line of the text paused in, or a byte offset shown at pauses)",
            ));
        };
        let depth = |s: &Session| {
            s.debugger
                .as_ref()
                .map_or(0, |d| d.execution.call_stack().len())
        };
        let here = depth(self);
        self.run_steps(
            move |s, done| {
                done >= 1 && (depth(s) < here || (depth(s) == here && s.current_offset() == offset))
            },
            true,
        )
    }

    /// The function `name` names: `$f` of the session module, else of the
    /// one named module instance that has a `$f`; `$m.$f` of instance `$m`.
    pub(super) fn session_func(&self, name: &str) -> Result<FuncAddr, SessionError> {
        let in_instance = |addr: InstanceAddr, func: &str| {
            let instance = self.store.instance(addr)?;
            let index = func_index_by_name(&instance.module, func).ok()?;
            instance.funcs.get(index as usize).copied()
        };
        if let Some((module, func)) = name.split_once('.')
            && module.starts_with('$')
        {
            let (_, addr) = self
                .named
                .iter()
                .find(|(n, _)| n == module)
                .ok_or_else(|| SessionError::usage(format!("no module instance {module}")))?;
            return in_instance(*addr, func)
                .ok_or_else(|| SessionError::usage(format!("no function {func} in {module}")));
        }
        if let Some(found) = self
            .session_instance()
            .and_then(|(_, addr)| in_instance(addr, name))
        {
            return Ok(found);
        }
        let mut found: Vec<(&str, FuncAddr)> = self
            .named
            .iter()
            .filter_map(|(module, addr)| Some((module.as_str(), in_instance(*addr, name)?)))
            .collect();
        found.dedup_by_key(|(_, f)| *f);
        match found.as_slice() {
            [(_, func)] => Ok(*func),
            [] => Err(SessionError::usage(format!(
                "no function {name} in the session module or a named module instance"
            ))),
            several => Err(SessionError::usage(format!(
                "{name} is in several module instances: say which, e.g. {}",
                several
                    .iter()
                    .map(|(m, _)| format!("{m}.{name}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))),
        }
    }

    /// Byte offsets of the `call`s of host function `host` in the session
    /// module and in the module of `root`.
    fn host_call_sites(&self, host: FuncAddr, root: FuncAddr) -> Vec<(FuncAddr, usize)> {
        let root_instance = match self.store.func(root) {
            Some(FuncInst::Wasm { instance, .. }) => Some(*instance),
            _ => None,
        };
        let session = self.session_instance().map(|(_, addr)| addr);
        let mut sites = Vec::new();
        for addr in [session, root_instance].into_iter().flatten() {
            let Some(instance) = self.store.instance(addr) else {
                continue;
            };
            let module = &instance.module;
            for (defined, body) in module.bodies.iter().enumerate() {
                let Some(&func) = instance.funcs.get(module.imported_funcs as usize + defined)
                else {
                    continue;
                };
                let Some(bytes) = module.bytes.get(body.range()) else {
                    continue;
                };
                let reader = wasmparser::BinaryReader::new(bytes, body.start as u64);
                let Ok(mut ops) = wasmparser::FunctionBody::new(reader).get_operators_reader()
                else {
                    continue;
                };
                while let Ok((op, at)) = ops.read_with_offset() {
                    if let wasmparser::Operator::Call { function_index } = op
                        && instance.funcs.get(function_index as usize) == Some(&host)
                    {
                        sites.push((func, at as usize));
                    }
                }
            }
        }
        sites
    }

    /// The function of `instance` (`None`: the session module's current
    /// build) whose code holds byte `offset` of its module.
    fn func_at(&self, instance: Option<InstanceAddr>, offset: usize) -> Option<FuncAddr> {
        let addr = instance.or_else(|| self.session_instance().map(|(_, addr)| addr))?;
        let instance = self.store.instance(addr)?;
        let module = &instance.module;
        let defined = module
            .bodies
            .iter()
            .position(|body| body.range().contains(&offset))?;
        instance
            .funcs
            .get(module.imported_funcs as usize + defined)
            .copied()
    }

    /// The instance of the paused frame when it is not the session
    /// module's (your input's, a named module's): where a byte offset
    /// typed now counts.
    fn paused_instance(&self) -> Option<InstanceAddr> {
        let (_, top) = self.paused_frame().ok()?;
        let session = self.session_instance().map(|(_, addr)| addr);
        (Some(top.instance) != session).then_some(top.instance)
    }

    /// The arguments a pending call of host function `host` takes from the stack.
    fn host_args(&self, host: FuncAddr) -> Vec<crate::vm::Value> {
        let params = self.store.func_type(host).map_or(0, |t| t.params.len());
        let operands = self
            .debugger
            .as_ref()
            .and_then(|d| d.execution.frame_views(&self.store).pop())
            .map(|top| top.operands)
            .unwrap_or_default();
        operands[operands.len().saturating_sub(params)..].to_vec()
    }

    /// The function the paused instruction calls, when it is a `call`.
    fn pending_call(&self) -> Option<FuncAddr> {
        let d = self.debugger.as_ref()?;
        let (func, offset) = d.execution.position(&self.store)?;
        let FuncInst::Wasm { instance, .. } = self.store.func(func)? else {
            return None;
        };
        let instance = self.store.instance(*instance)?;
        let bytes = instance.module.bytes.get(offset..)?;
        let reader = wasmparser::BinaryReader::new(bytes, offset as u64);
        match wasmparser::OperatorsReader::new(reader).read() {
            Ok(wasmparser::Operator::Call { function_index }) => {
                instance.funcs.get(function_index as usize).copied()
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{finished, listed, paused, session_with};
    use super::{BreakSite, StopPoint};
    use crate::session::Reply;
    use crate::vm::Value;

    const INC: &str =
        "(func $inc (param $n i32) (result i32) (i32.add (local.get $n) (i32.const 1)))";

    #[test]
    fn a_function_breakpoint_pauses_once_per_call() {
        let mut session = session_with(&[INC]);
        session.add_breakpoint("$inc").unwrap();
        session
            .start_stepping("i32.const 1 call $inc i32.const 2 call $inc")
            .unwrap();
        for argument in [1, 2] {
            let replies = session.continue_().unwrap();
            let info = paused(&replies);
            assert_eq!(info.notes, ["breakpoint 1 hit"]);
            assert_eq!(info.names.last().map(String::as_str), Some("$inc"));
            let local = info.frames.last().map(|f| f.locals[0].value);
            assert_eq!(local, Some(Value::I32(argument)));
        }
        assert!(finished(&session.continue_().unwrap()));
    }

    #[test]
    fn a_breakpoint_pauses_a_normal_run_too() {
        let mut session = session_with(&[INC]);
        session.add_breakpoint("$inc").unwrap();
        let replies = session.eval("i32.const 1 call $inc").unwrap();
        assert_eq!(
            replies.first(),
            Some(&Reply::Note(
                "breakpoint 1 hit: paused (abort undoes the input)".into()
            ))
        );
        assert!(session.is_stepping());
    }

    #[test]
    fn a_breakpoint_pauses_an_invoke_as_it_does_a_call() {
        let inc = "(func $inc (export \"inc\") (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1)))";
        let mut session = session_with(&[inc]);
        let returned = session.eval("(invoke \"inc\" (i32.const 4))").unwrap();
        assert!(
            matches!(returned.first(), Some(Reply::Values(v, _)) if v == &[Value::I32(5)]),
            "{returned:?}"
        );
        session.add_breakpoint("$inc").unwrap();
        let replies = session.eval("(invoke \"inc\" (i32.const 4))").unwrap();
        assert_eq!(
            replies.first(),
            Some(&Reply::Note(
                "breakpoint 1 hit: paused (abort undoes the input)".into()
            ))
        );
        assert!(session.is_stepping());
        let done = session.continue_().unwrap();
        assert_eq!(done.first(), Some(&Reply::Note("the call finished".into())));
        assert!(
            matches!(done.get(1), Some(Reply::Values(v, _)) if v == &[Value::I32(5)]),
            "{done:?}"
        );
    }

    #[test]
    fn an_offset_breakpoint_pauses_before_that_instruction() {
        let mut session = session_with(&[INC]);
        session.start_stepping("i32.const 5 call $inc").unwrap();
        let inside = session.step(3).unwrap();
        let offset = paused(&inside).frames.last().unwrap().offset;
        session.abort_stepping().unwrap();
        session.add_breakpoint(&format!("0x{offset:x}")).unwrap();
        assert_eq!(
            listed(&session),
            [StopPoint::Breakpoint {
                number: 1,
                site: BreakSite::Offset(offset)
            }]
        );
        session.start_stepping("i32.const 5 call $inc").unwrap();
        let replies = session.continue_().unwrap();
        let info = paused(&replies);
        assert_eq!(info.frames.last().unwrap().offset, offset);
        assert_eq!(info.next.as_deref(), Some("i32.const 1"));
        assert_eq!(info.notes, ["breakpoint 1 hit"]);
    }

    #[test]
    fn a_line_breakpoint_pauses_at_the_first_instruction_written_there() {
        let mut session =
            session_with(&["(func $sum (result i32)\n  i32.const 1\n  i32.const 2\n  i32.add)"]);
        session.add_breakpoint("$sum:3").unwrap();
        session.start_stepping("call $sum").unwrap();
        let replies = session.continue_().unwrap();
        let info = paused(&replies);
        assert_eq!(info.next.as_deref(), Some("i32.const 2"));
        assert_eq!(info.notes, ["breakpoint 1 hit"]);
        let error = session.add_breakpoint("$sum:9").unwrap_err();
        assert_eq!(
            error.message,
            "line 9 of $sum has no instruction; the last one is on line 4, in $sum"
        );
        let error = session.add_breakpoint("$sum:1").unwrap_err();
        assert_eq!(
            error.message,
            "line 1 of $sum has no instruction; $sum's first is on line 2"
        );
    }

    #[test]
    fn delete_removes_one_breakpoint_or_all() {
        let mut session = session_with(&[
            INC,
            "(func $dec (param i32) (result i32) (i32.sub (local.get 0) (i32.const 1)))",
        ]);
        session.add_breakpoint("$inc").unwrap();
        session.add_breakpoint("$dec").unwrap();
        session.delete_breakpoints("1").unwrap();
        assert_eq!(
            listed(&session),
            [StopPoint::Breakpoint {
                number: 1,
                site: BreakSite::Entry("$dec".into())
            }]
        );
        assert_eq!(
            session.delete_breakpoints("2").unwrap_err().message,
            "no breakpoint 2 (:breakpoints lists them)"
        );
        session.delete_breakpoints("").unwrap();
        assert!(listed(&session).is_empty());
        let replies = session.eval("i32.const 1 call $dec").unwrap();
        assert!(!session.is_stepping());
        assert!(
            matches!(replies.last(), Some(Reply::Stack { values, .. }) if values == &[Value::I32(0)])
        );
    }

    #[test]
    fn an_unknown_target_is_a_usage_error() {
        let mut session = session_with(&[INC]);
        assert_eq!(
            session.add_breakpoint("$nope").unwrap_err().message,
            "no function $nope in the session module or a named module instance"
        );
        assert!(session.add_breakpoint("inc").is_err());
        assert!(listed(&session).is_empty());
    }

    #[test]
    fn a_breakpoint_on_a_function_starting_with_a_loop_pauses_once_per_call() {
        let mut session = session_with(&[
            "(memory 1)",
            "(func $fill (param $at i32) (param $n i32) (loop $next (i32.store8 (local.get $at) (i32.const 7)) (local.set $at (i32.add (local.get $at) (i32.const 1))) (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))",
        ]);
        session.add_breakpoint("$fill").unwrap();
        session
            .start_stepping("i32.const 0 i32.const 3 call $fill i32.const 8 i32.const 3 call $fill")
            .unwrap();
        for at in [0, 8] {
            let replies = session.continue_().unwrap();
            let info = paused(&replies);
            assert_eq!(info.notes, ["breakpoint 1 hit"]);
            assert_eq!(info.next.as_deref(), Some("loop $next"));
            let local = info.frames.last().map(|f| f.locals[0].value);
            assert_eq!(local, Some(Value::I32(at)));
        }
        assert!(finished(&session.continue_().unwrap()));
        assert_eq!(session.memory0_bytes(0, 4), [7, 7, 7, 0]);
    }
}

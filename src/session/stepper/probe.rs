//! What `last-write` and `history` follow (a local, a global or a typed
//! memory read), and its changes over the recording. The probe is resolved
//! once to where its value lives, so each recorded step reads that one
//! value (a few slots or bytes) and text is made only when it changes.

use crate::session::{Session, SessionError};
use crate::vm::lanes::Shape;
use crate::vm::store::{FuncInst, GlobalAddr, MemAddr};
use crate::vm::{FuncAddr, ValType, Value};
use std::collections::VecDeque;

/// What `last-write` and `history` follow, as typed.
pub(super) enum Probe {
    /// A local of the selected frame, by name (without `$`).
    Local(String),
    /// A global, by name (with `$`).
    Global(String),
    /// A typed read of the session's memory 0: type name, width, address.
    Memory(&'static str, u64, u64),
}

/// Where a probe's value lives.
pub(super) enum Source {
    /// Local slot `at` (of type `ty`) of the frame at `depth` (1: the
    /// outermost), while that frame runs `func`.
    Local {
        depth: usize,
        func: FuncAddr,
        at: usize,
        ty: ValType,
    },
    /// A global of the session module.
    Global(GlobalAddr),
    /// `width` bytes of memory `memory` (the session's memory 0) at `addr`,
    /// a signed integer.
    Memory {
        memory: MemAddr,
        width: u64,
        addr: u64,
    },
}

/// One change of a probed value: the step before the instruction that made it.
pub(super) struct Change {
    pub step: u64,
    pub site: Option<(FuncAddr, usize)>,
    pub old: Value,
    pub new: Value,
}

/// A probe's first recorded step and value, its last [`MAX_CHANGES`]
/// changes, oldest first, and how many earlier ones are not kept.
pub(super) type Changes = (Option<(u64, Value)>, VecDeque<Change>, u64);

/// Changes `history` lists at most (the latest): a loop counter over a long
/// recording changes millions of times.
pub(super) const MAX_CHANGES: usize = 1000;

/// Parses `$name`, `TYPE[ADDR]` or `ADDR` (an i32 there).
fn parse_probe(text: &str) -> Result<Probe, SessionError> {
    let text = text.trim();
    let usage = || {
        SessionError::usage(format!(
            "cannot follow `{text}`: give $local, $global, ADDR or TYPE[ADDR] (i8, i16, i32, i64), e.g. i32[0x40]"
        ))
    };
    if let Some(name) = text.strip_prefix('$') {
        if name.is_empty() {
            return Err(usage());
        }
        return Ok(Probe::Local(name.to_string()));
    }
    let (ty, addr) = match text.split_once('[') {
        Some((ty, rest)) => (ty, rest.strip_suffix(']').ok_or_else(usage)?),
        None => ("i32", text),
    };
    let width: u64 = match ty {
        "i8" => 1,
        "i16" => 2,
        "i32" => 4,
        "i64" => 8,
        _ => return Err(usage()),
    };
    let addr = crate::session::state::parse_number(addr).ok_or_else(usage)?;
    let ty = ["i8", "i16", "i32", "i64"][width.trailing_zeros() as usize];
    Ok(Probe::Memory(ty, width, addr))
}

impl Probe {
    /// As the user may write it.
    pub(super) fn name(&self) -> String {
        match self {
            Probe::Local(name) => format!("${name}"),
            Probe::Global(name) => name.clone(),
            Probe::Memory(ty, _, addr) => format!("{ty}[0x{addr:x}]"),
        }
    }
}

impl Session {
    /// Resolves `text` to a probe and where its value lives: `$name` is a
    /// local of the selected frame, else a global of the session module.
    ///
    /// # Errors
    /// A usage error for a bad target, an unknown name or memory it passes.
    pub(super) fn resolve_probe(&self, text: &str) -> Result<(Probe, Source), SessionError> {
        let probe = parse_probe(text)?;
        match probe {
            Probe::Local(name) | Probe::Global(name) => {
                let name = name.trim_start_matches('$').to_string();
                if let Some(source) = self.local_source(&name) {
                    return Ok((Probe::Local(name), source));
                }
                let global = self
                    .session_instance()
                    .and_then(|(_, instance)| self.global_in(instance, &name))
                    .ok_or_else(|| {
                        let up = self.caller_local_hint(&name).unwrap_or_default();
                        SessionError::usage(format!("no local or global ${name} here{up}"))
                    })?;
                Ok((Probe::Global(format!("${name}")), Source::Global(global)))
            }
            Probe::Memory(_, width, addr) => {
                // Memory never shrinks: past the end now, past it at every step.
                if (self.memory0_bytes(addr, width).len() as u64) < width {
                    let room = self.memory0_bytes(addr, 1).len();
                    return Err(SessionError::usage(format!(
                        "{} reaches past the end of memory 0{}",
                        probe.name(),
                        if room == 0 {
                            String::new()
                        } else {
                            format!(": follow a narrower value, e.g. i8[0x{addr:x}]")
                        }
                    )));
                }
                let memory = self
                    .session_instance()
                    .and_then(|(_, i)| self.store.instance(i)?.memories.first().copied())
                    .ok_or_else(|| SessionError::usage("the session has no memory"))?;
                Ok((
                    probe,
                    Source::Memory {
                        memory,
                        width,
                        addr,
                    },
                ))
            }
        }
    }

    /// Where local `$name` of the frame `up`/`frame` selected lives.
    fn local_source(&self, name: &str) -> Option<Source> {
        let d = self.debugger.as_ref()?;
        let views = d.execution.frame_views(&self.store);
        let depth = views.len().checked_sub(d.selected)?;
        let frame = views.get(depth.checked_sub(1)?)?;
        let index = frame
            .locals
            .iter()
            .position(|l| l.name.as_deref() == Some(name))?;
        let at = frame.locals[..index]
            .iter()
            .map(|l| l.value.ty().slot_count())
            .sum();
        // The declared type, with the store's type ids (a null names its type).
        let Some(FuncInst::Wasm { body, instance, .. }) = self.store.func(frame.func) else {
            return None;
        };
        let ids = &self.store.instance(*instance)?.type_ids;
        let ty = body
            .locals
            .get(index)?
            .map_index(|i| ids.get(i as usize).copied().unwrap_or(i));
        Some(Source::Local {
            depth,
            func: frame.func,
            at,
            ty,
        })
    }

    /// The value at `source` now (None while a local's frame is not on the stack).
    fn source_value(&self, source: &Source) -> Option<Value> {
        match *source {
            Source::Local {
                depth,
                func,
                at,
                ty,
            } => {
                let execution = &self.debugger.as_ref()?.execution;
                if execution.depth() < depth {
                    return None;
                }
                let frames = execution.call_stack();
                let frame = frames.get(depth - 1).filter(|f| f.func == func)?;
                let slots = execution.frame_slots(frame, at + ty.slot_count());
                let slots = slots.get(at..).filter(|s| s.len() == ty.slot_count())?;
                Some(Value::read_slots(ty, slots))
            }
            Source::Global(addr) => self.store.global(addr).map(|g| g.get()),
            Source::Memory {
                memory,
                width,
                addr,
            } => {
                let start = usize::try_from(addr).ok()?;
                let bytes = self.store.memory(memory)?.bytes();
                let bytes = bytes.get(start..start.checked_add(width as usize)?)?;
                let mut buf = [0u8; 8];
                buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
                let shift = 64 - 8 * width;
                Some(Value::I64((i64::from_le_bytes(buf) << shift) >> shift))
            }
        }
    }

    /// A value read at `source`, as `history` shows it (a `v128` in
    /// `shape`, that of the instruction that made it).
    pub(super) fn source_text(
        &self,
        source: &Source,
        value: Value,
        shape: Option<Shape>,
    ) -> String {
        match (source, value) {
            (Source::Memory { .. }, Value::I64(v)) => v.to_string(),
            (_, Value::V128(_)) => Shape::value_in(&value, shape),
            _ => self.value_named(value),
        }
    }

    /// Every change of `source` in the recording, oldest first, and its
    /// value at the first recorded step.
    pub(super) fn changes_of(&mut self, source: &Source) -> Result<Changes, SessionError> {
        let mut first = None;
        let mut last: Option<Value> = None;
        let mut site = None;
        let mut changes = VecDeque::new();
        let mut dropped = 0;
        self.visit_past(|s, step| {
            let value = s.source_value(source);
            if first.is_none()
                && let Some(v) = value
            {
                first = Some((step, v));
            }
            if let (Some(old), Some(new)) = (last, value)
                && old != new
            {
                if changes.len() == MAX_CHANGES {
                    changes.pop_front();
                    dropped += 1;
                }
                changes.push_back(Change {
                    step: step - 1,
                    site,
                    old,
                    new,
                });
            }
            if value.is_some() {
                last = value;
            }
            site = s
                .debugger
                .as_ref()
                .and_then(|d| d.execution.position(&s.store));
        })?;
        Ok((first, changes, dropped))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{notes, session_with};

    #[test]
    fn history_reads_globals_and_signed_memory_cells() {
        let mut session = session_with(&[
            "(memory 1)",
            "(global $g (mut i32) (i32.const 5))",
            "(func $w (global.set $g (i32.const 6)) (i32.store8 (i32.const 3) (i32.const 0xff)))",
        ]);
        session.start_stepping("call $w").unwrap();
        session.step(6).unwrap();
        let global = notes(session.value_history("$g").unwrap());
        assert_eq!(
            global[0],
            "$g = i32:5 after 0 steps (where the recording starts)"
        );
        assert!(
            global[1].starts_with("$g = i32:6  (was i32:5) by step 3: global.set $g"),
            "{global:?}"
        );
        let cell = notes(session.value_history("i8[3]").unwrap());
        assert!(
            cell[1].starts_with("i8[0x3] = -1  (was 0) by step 6: i32.store8"),
            "{cell:?}"
        );
        assert_eq!(
            session.value_history("$nope").unwrap_err().message,
            "no local or global $nope here"
        );
    }
}

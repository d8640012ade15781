//! A step that threw, told frame by frame: the exception (tag and values),
//! each frame it left, and the `try_table` clause that caught it, with the
//! line it is written on.
//!
//! ```text
//!   did:    throw $oops  (threw $oops (i32 7))
//!   unwind: left $inner
//!           caught by try_table catch $oops in $outer, line 3
//! ```

use super::pause::Effect;
use crate::session::Session;
use crate::vm::FuncAddr;
use crate::vm::store::FuncInst;

impl Session {
    /// The effect of the step just taken if it threw an exception that a
    /// clause caught (an uncaught one ends the input with an error instead).
    pub(super) fn unwind_effect(&mut self, instruction: Option<String>) -> Option<Effect> {
        let d = self.debugger.as_ref()?;
        let unwound = d.execution.unwound()?.clone();
        let (func, offset, clause) = unwound.caught?;
        let note = format!("threw {}", self.exn_text(unwound.exn));
        let mut lines: Vec<String> = unwound
            .left
            .iter()
            .map(|f| format!("left {}", self.frame_name(*f, d)))
            .collect();
        let clause_text = self.clause_text(func, offset, clause);
        let line = self
            .written_line(func, offset)
            .map(|n| format!(", line {n}"))
            .unwrap_or_default();
        lines.push(format!(
            "caught by try_table {clause_text} in {}{line}",
            self.frame_name(func, d)
        ));
        Some(Effect {
            instruction: instruction?,
            popped: Vec::new(),
            pushed: Vec::new(),
            shapes: Default::default(),
            note: Some(note),
            memory: None,
            unwinding: lines,
        })
    }

    /// For a run of several steps: the throw at `at` that the step just
    /// taken made, when a clause caught it, as its `unwind:` lines
    /// (`throw $oops in $inner: threw $oops (i32 7)`, then the way out).
    pub(super) fn caught_lines(&mut self, at: Option<(FuncAddr, usize)>) -> Vec<String> {
        let Some((func, offset)) = at else {
            return Vec::new();
        };
        let Some(text) = self.instruction_at(func, offset) else {
            return Vec::new();
        };
        let Some(effect) = self.unwind_effect(Some(text)) else {
            return Vec::new();
        };
        let head = format!(
            "{}: {}",
            effect.instruction,
            effect.note.unwrap_or_default()
        );
        std::iter::once(head).chain(effect.unwinding).collect()
    }

    /// The `unwind:` lines of a run of steps from step `from` to now that
    /// ran in chunks: when a clause caught an exception in them (the
    /// executor remembers the last), the steps are executed again one at a
    /// time from the checkpoint before `from`, and each throw caught is told,
    /// up to `room` throws (then a line says more were caught).
    pub(super) fn chunk_unwinds(&mut self, from: u64, room: &mut usize) -> Vec<String> {
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        let now = d.steps;
        if d.execution.unwound().is_none() || *room == 0 || self.replay_to(from).is_err() {
            return Vec::new();
        }
        let mut lines = Vec::new();
        while let Some(d) = self.debugger.as_ref().filter(|d| d.steps < now) {
            if *room == 0 {
                lines.push("... more exceptions were caught on the way (not listed)".into());
                // Straight to where the run ended.
                if self.replay_to(now).is_ok() {
                    return lines;
                }
                break;
            }
            let at = d.execution.position(&self.store);
            if self.replay_one().is_err() {
                break;
            }
            if self
                .debugger
                .as_ref()
                .is_some_and(|d| d.execution.unwound().is_some())
            {
                lines.extend(self.caught_lines(at));
                *room -= 1;
            }
        }
        lines
    }

    /// Clause `index` of the `try_table` at `offset` in `func`, as written:
    /// `catch $oops`, `catch_all_ref`.
    fn clause_text(&self, func: FuncAddr, offset: usize, index: usize) -> String {
        let Some(FuncInst::Wasm { instance, .. }) = self.store.func(func) else {
            return "clause".into();
        };
        let Some(module) = self.store.instance(*instance).map(|i| &i.module) else {
            return "clause".into();
        };
        let reader = module.bytes.get(offset..).map(|bytes| {
            wasmparser::OperatorsReader::new(wasmparser::BinaryReader::new(bytes, offset as u64))
        });
        let catch = match reader.and_then(|mut r| r.read().ok()) {
            Some(wasmparser::Operator::TryTable { try_table }) => {
                try_table.catches.get(index).copied()
            }
            _ => None,
        };
        match catch {
            Some(wasmparser::Catch::One { tag, .. }) => format!("catch {}", module.tag_name(tag)),
            Some(wasmparser::Catch::OneRef { tag, .. }) => {
                format!("catch_ref {}", module.tag_name(tag))
            }
            Some(wasmparser::Catch::All { .. }) => "catch_all".into(),
            Some(wasmparser::Catch::AllRef { .. }) => "catch_all_ref".into(),
            None => "clause".into(),
        }
    }

    /// The line (from 1) of the input or definition where the instruction
    /// at `offset` of `func` is written, when the session knows its source.
    fn written_line(&self, func: FuncAddr, offset: usize) -> Option<usize> {
        let d = self.debugger.as_ref()?;
        let (text, at) = if d.is_fragment(func) {
            (
                d.code.clone(),
                Session::fragment_spot(&d.prepared, &d.code, offset)?,
            )
        } else {
            let Some(FuncInst::Wasm {
                instance, index, ..
            }) = self.store.func(func)
            else {
                return None;
            };
            let (module, session) = self.session_instance()?;
            if session != *instance {
                return None;
            }
            let spot =
                self.session_source(index.checked_sub(module.imported_funcs)? as usize, offset)?;
            (spot.text, spot.offset)
        };
        Some(text.get(..at)?.matches('\n').count() + 1)
    }
}

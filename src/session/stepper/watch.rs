//! Watchpoints and memory-access decoding: which bytes of memory the next
//! instruction reads or writes (for the pause's "memory:" line), and which
//! watched ranges of the session's memory 0, locals and globals a step
//! changed (gdb's `watch`; a local's watchpoint ends with its frame).

use crate::session::memory_rows::spaced_hex as hex;
use crate::session::memory_rows::{Line, ROW};
use crate::session::{Reply, Session, SessionError};
use crate::vm::store::{FuncInst, GlobalAddr};
use crate::vm::{FuncAddr, MemAddr, Value};

/// A watchpoint: a memory range (of memory 0 of the module paused in when it
/// was set), or a local or global (gdb's `watch $n`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Watch {
    /// Bytes `start..start + len` (`len` at least 1).
    Memory {
        /// The memory.
        memory: MemAddr,
        /// First watched byte.
        start: u64,
        /// Number of watched bytes.
        len: u64,
    },
    /// A local or a global, named as `p` names it (`local $n of $fib`).
    Value {
        /// Where the value is.
        spot: ValueSpot,
        /// How reports name it.
        label: String,
    },
}

/// Where a watched value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ValueSpot {
    /// Local `index` of the frame at place `frame` of the call stack
    /// (outermost 0) while that frame runs `func`; it ends when the frame returns.
    Local {
        /// The frame's place in the call stack, outermost 0.
        frame: usize,
        /// The function the frame runs.
        func: FuncAddr,
        /// The local's index.
        index: usize,
    },
    /// A global.
    Global(GlobalAddr),
}

/// What a watchpoint saw before a step, to compare with after it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Seen {
    /// The watched bytes.
    Bytes(Vec<u8>),
    /// The watched value; `None` once a local's frame has returned.
    Value(Option<Value>),
}

/// Watched bytes a step changed, before and after, as hex rows (the pause
/// shows them for ranges too long for one line).
#[derive(Clone, Debug, PartialEq)]
pub struct WatchDiff {
    /// The bytes before, as rows.
    pub before: Vec<Line>,
    /// The bytes after, as rows, the changed ones marked.
    pub after: Vec<Line>,
}

/// Longest watched range whose change a note spells out inline (`00 -> 2a`).
const INLINE_BYTES: usize = 8;

/// Rows of 16 bytes at 16-aligned addresses holding `bytes` from `start`,
/// marking the bytes that differ from `other`.
fn rows(start: u64, bytes: &[u8], other: &[u8]) -> Vec<Line> {
    let end = start + bytes.len() as u64;
    let row = ROW;
    (start / row * row..end)
        .step_by(ROW as usize)
        .map(|address| {
            let at = |a: u64| (start..end).contains(&a).then(|| (a - start) as usize);
            let cells: Vec<Option<usize>> = (address..address + row).map(at).collect();
            Line::Row {
                address,
                bytes: cells.iter().map(|i| i.map(|i| bytes[i])).collect(),
                changed: cells
                    .iter()
                    .map(|i| i.is_some_and(|i| other.get(i) != bytes.get(i)))
                    .collect(),
            }
        })
        .collect()
}

/// Memory an instruction reads or writes.
pub(super) struct Access {
    /// The memory.
    pub(super) memory: MemAddr,
    /// Whether it writes (a store or a bulk memory instruction).
    pub(super) write: bool,
    /// First byte.
    pub(super) start: u64,
    /// Number of bytes.
    pub(super) len: u64,
}

/// "wrote 4 bytes at 0x8: 00 00 00 00 -> 2a 00 00 00" / "read 1 byte at 0x10: 2a".
pub(super) fn describe_access(access: &Access, old: &[u8], new: &[u8]) -> String {
    let more = if access.len > 16 { " ..." } else { "" };
    let what = format!(
        "{} byte{} at 0x{:x}",
        access.len,
        if access.len == 1 { "" } else { "s" },
        access.start
    );
    if old.is_empty() && access.len > 0 {
        return format!(
            "{} {what}: outside the memory",
            if access.write { "write of" } else { "read of" }
        );
    }
    if access.write {
        format!("wrote {what}: {}{more} -> {}{more}", hex(old), hex(new))
    } else {
        format!("read {what}: {}{more}", hex(old))
    }
}

impl Session {
    /// `watch ADDR [LEN]` or `watch REGION`: pauses the stepper after a
    /// write that changes those bytes of the session's memory 0; `watch
    /// $x`: after an instruction changes local `$x` of the selected frame,
    /// or global `$x`.
    ///
    /// # Errors
    /// A usage error when `args` is neither a region, an address, nor a
    /// local or global.
    pub fn add_watch(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let words: Vec<&str> = args.split_whitespace().collect();
        if let [word] = words.as_slice()
            && word.starts_with('$')
            && self.region(word).is_none()
        {
            let (spot, label) = self.value_spot(word)?;
            let Some(d) = self.debugger.as_mut() else {
                return Ok(Vec::new());
            };
            d.watches.push(Watch::Value {
                spot,
                label: label.clone(),
            });
            let scope = match spot {
                ValueSpot::Local { .. } => " (until its frame returns)",
                ValueSpot::Global(_) => "",
            };
            return Ok(vec![Reply::Note(format!(
                "watching {label}: execution pauses after an instruction changes it{scope}"
            ))]);
        }
        if let Some(region) = words.first().and_then(|w| self.region(w)).cloned() {
            // Regions are marked in the session's memory.
            let (memory, _) = self.memory_named(None)?;
            let Some(d) = self.debugger.as_mut() else {
                return Ok(Vec::new());
            };
            d.watches.push(Watch::Memory {
                memory,
                start: region.start,
                len: region.len,
            });
            return Ok(vec![Reply::Note(format!(
                "watching region {} (0x{:x}..0x{:x}): execution pauses after a write there",
                region.name,
                region.start,
                region.end()
            ))]);
        }
        let usage =
            || SessionError::usage("usage: watch ADDR [LEN], watch REGION or watch $LOCAL|$GLOBAL");
        let start = words
            .first()
            .and_then(|w| crate::session::state::parse_number(w))
            .ok_or_else(usage)?;
        let len = words
            .get(1)
            .map_or(Some(1), |w| crate::session::state::parse_number(w))
            .ok_or_else(usage)?
            .max(1);
        // Memory 0 of the module paused in: what p and x read there.
        let (memory, _) = self.paused_memory()?;
        let Some(d) = self.debugger.as_mut() else {
            return Ok(Vec::new());
        };
        d.watches.push(Watch::Memory { memory, start, len });
        Ok(vec![Reply::Note(format!(
            "watching memory 0x{start:x}..0x{:x}: execution pauses after a write there",
            start + len
        ))])
    }

    /// What each watchpoint sees now: bytes of a memory, or a value.
    pub(super) fn watched_state(&self) -> Vec<Seen> {
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        let views = if d.watches.iter().any(|w| matches!(w, Watch::Value { .. })) {
            d.execution.frame_views(&self.store)
        } else {
            Vec::new()
        };
        d.watches
            .iter()
            .map(|w| match w {
                Watch::Memory { memory, start, len } => {
                    Seen::Bytes(self.memory_bytes_at(*memory, *start, *len))
                }
                Watch::Value {
                    spot: ValueSpot::Global(addr),
                    ..
                } => Seen::Value(self.store.global(*addr).map(|g| g.get())),
                Watch::Value {
                    spot: ValueSpot::Local { frame, func, index },
                    ..
                } => Seen::Value(
                    (views.get(*frame))
                        .filter(|v| v.func == *func)
                        .and_then(|v| Some(v.locals.get(*index)?.value)),
                ),
            })
            .collect()
    }

    /// How `info break` names a watched value: a local with the call
    /// it belongs to, numbered and shown as `bt` shows it now (`local $r of
    /// #2 $fib (n=5)`); a global by its label.
    pub(super) fn watch_title(&self, spot: &ValueSpot, label: &str) -> String {
        let ValueSpot::Local { frame, func, index } = *spot else {
            return label.to_string();
        };
        let Some(d) = self.debugger.as_deref() else {
            return label.to_string();
        };
        let views = d.execution.frame_views(&self.store);
        let Some(view) = views.get(frame).filter(|v| v.func == func) else {
            return label.to_string();
        };
        let call = self.backtrace_frame(d, view, false);
        let args = (call.args).map_or_else(String::new, |a| format!(" ({})", a.join(", ")));
        let name = view.locals.get(index).and_then(|l| l.name.as_deref());
        format!(
            "local {} of #{} {}{args}",
            super::examine::local_label(index, name),
            views.len() - 1 - frame,
            call.name
        )
    }

    /// "watchpoint 0x0..0x4 written: 00 -> 2a" for each watched range whose
    /// bytes differ from `before`, "watchpoint on local $n of $fib: i32:3 ->
    /// i32:2" for a watched value; a range longer than a few bytes is shown
    /// at the pause as rows before and after instead (see [`WatchDiff`]).
    /// A local whose frame returned is no longer watched.
    pub(super) fn watch_hits(&mut self, before: &[Seen]) -> Vec<String> {
        let (notes, diffs) = self.watch_changes(before);
        let now = self.watched_state();
        if let Some(d) = self.debugger.as_mut() {
            d.watch_diffs.extend(diffs);
            let mut seen = now.iter();
            d.watches
                .retain(|_| !matches!(seen.next(), Some(Seen::Value(None))));
        }
        notes
    }

    /// What [`Session::watch_hits`] reports, without keeping the long diffs.
    pub(super) fn watch_changes(&self, before: &[Seen]) -> (Vec<String>, Vec<WatchDiff>) {
        let after = self.watched_state();
        let Some(d) = self.debugger.as_ref() else {
            return (Vec::new(), Vec::new());
        };
        let (mut notes, mut diffs) = (Vec::new(), Vec::new());
        for ((w, old), new) in d.watches.iter().zip(before).zip(&after) {
            if old == new {
                continue;
            }
            match (w, old, new) {
                (Watch::Value { label, .. }, Seen::Value(Some(old)), Seen::Value(Some(new))) => {
                    notes.push(format!(
                        "watchpoint on {label}: {} -> {}",
                        self.value_named(*old),
                        self.value_named(*new)
                    ));
                }
                (Watch::Value { label, .. }, _, Seen::Value(None)) => {
                    notes.push(format!("watchpoint on {label} ended: its frame returned"))
                }
                (Watch::Memory { start, len, .. }, Seen::Bytes(old), Seen::Bytes(new)) => {
                    let range = format!("watchpoint 0x{start:x}..0x{:x} written", start + len);
                    if old.len() <= INLINE_BYTES {
                        notes.push(format!("{range}: {} -> {}", hex(old), hex(new)));
                    } else {
                        notes.push(format!("{range} (before and after below)"));
                        diffs.push(WatchDiff {
                            before: rows(*start, old, old),
                            after: rows(*start, new, old),
                        });
                    }
                }
                _ => {}
            }
        }
        (notes, diffs)
    }

    /// The memory range the next instruction reads or writes, if it is a
    /// load, a store or a bulk memory instruction.
    pub(super) fn memory_access(&self) -> Option<Access> {
        use wasmparser::Operator as O;
        let d = self.debugger.as_ref()?;
        let (func, offset) = d.execution.position(&self.store)?;
        let Some(FuncInst::Wasm { instance, .. }) = self.store.func(func) else {
            return None;
        };
        let instance = self.store.instance(*instance)?;
        let bytes = instance.module.bytes.get(offset..)?;
        let mut reader =
            wasmparser::OperatorsReader::new(wasmparser::BinaryReader::new(bytes, offset as u64));
        let op = reader.read().ok()?;
        // The memory it names (several since WebAssembly 3.0), and its address type.
        let index = match op {
            O::MemoryFill { mem } | O::MemoryInit { mem, .. } => mem,
            O::MemoryCopy { dst_mem, .. } => dst_mem,
            ref other => crate::vm::memop::MemoryOp::access(other).map_or(0, |a| a.memories()[0]),
        };
        let memory = *instance.memories.get(index as usize)?;
        let address_of = |slot: u64| self.store.memory(memory).map(|m| m.address(slot));
        let operands = d.execution.frame_views(&self.store).pop()?.operands;
        let from_top = |depth: usize| -> Option<u64> {
            operands
                .get(operands.len().checked_sub(depth + 1)?)
                .and_then(|v| address_of(v.to_slot()))
        };
        let (write, base_depth, size, memarg) = match op {
            O::I32Load8S { memarg }
            | O::I32Load8U { memarg }
            | O::I64Load8S { memarg }
            | O::I64Load8U { memarg } => (false, 0, 1, memarg.offset),
            O::I32Load16S { memarg }
            | O::I32Load16U { memarg }
            | O::I64Load16S { memarg }
            | O::I64Load16U { memarg } => (false, 0, 2, memarg.offset),
            O::I32Load { memarg }
            | O::F32Load { memarg }
            | O::I64Load32S { memarg }
            | O::I64Load32U { memarg } => (false, 0, 4, memarg.offset),
            O::I64Load { memarg } | O::F64Load { memarg } => (false, 0, 8, memarg.offset),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => (true, 1, 1, memarg.offset),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => (true, 1, 2, memarg.offset),
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                (true, 1, 4, memarg.offset)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => (true, 1, 8, memarg.offset),
            O::MemoryFill { .. } | O::MemoryCopy { .. } | O::MemoryInit { .. } => {
                (true, 2, from_top(0)?, 0)
            }
            _ => return None,
        };
        let start = from_top(base_depth)?.checked_add(memarg)?;
        Some(Access {
            memory,
            write,
            start,
            len: size,
        })
    }

    /// The bytes of `access` (at most 16), empty where outside the memory.
    pub(super) fn memory_bytes(&self, access: &Access) -> Vec<u8> {
        let Some(memory) = self.store.memory(access.memory) else {
            return Vec::new();
        };
        let len = access.len.min(16);
        memory
            .range(access.start, len)
            .map(|r| memory.bytes()[r].to_vec())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{finished, listed, paused, session_with};
    use crate::session::Reply;
    use crate::session::stepper::StopPoint;

    const WRITER: &str = "(func $w (i32.store (i32.const 8) (i32.const 42)) (i32.store (i32.const 100) (i32.const 7)))";

    #[test]
    fn a_write_in_the_range_pauses_with_old_and_new_bytes() {
        let mut session = session_with(&["(memory 1)", WRITER]);
        session.start_stepping("call $w").unwrap();
        session.add_watch("8 4").unwrap();
        assert_eq!(
            session.list_breakpoints().unwrap(),
            [Reply::Breakpoints(vec![StopPoint::Watchpoint {
                start: 8,
                end: 12
            }])]
        );
        let replies = session.continue_().unwrap();
        let info = paused(&replies);
        assert_eq!(
            info.notes,
            ["watchpoint 0x8..0xc written: 00 00 00 00 -> 2a 00 00 00, by i32.store in $w"]
        );
        assert_eq!(session.memory0_bytes(8, 4), [42, 0, 0, 0]);
        // The write at 100 is outside the range: the input runs to its end.
        let replies = session.continue_().unwrap();
        assert!(finished(&replies));
        assert_eq!(session.memory0_bytes(100, 1), [7]);
    }

    #[test]
    fn a_write_outside_the_range_does_not_pause() {
        let mut session = session_with(&["(memory 1)", WRITER]);
        session.start_stepping("call $w").unwrap();
        session.add_watch("0x200").unwrap();
        assert!(finished(&session.continue_().unwrap()));
    }

    #[test]
    fn one_step_reports_the_bytes_it_wrote() {
        let mut session = session_with(&["(memory 1)"]);
        session
            .start_stepping("i32.const 8 i32.const 0x1234 i32.store16")
            .unwrap();
        session.step(2).unwrap();
        let replies = session.step(1).unwrap();
        let effect = paused(&replies).effect.clone().unwrap();
        assert_eq!(
            effect.memory.as_deref(),
            Some("wrote 2 bytes at 0x8: 00 00 -> 34 12")
        );
    }

    #[test]
    fn info_break_says_which_call_a_watched_local_belongs_to() {
        let mut session = session_with(&[super::super::testing::DOWN]);
        session
            .start_stepping("(call $down (i32.const 3))")
            .unwrap();
        session.step(14).unwrap();
        session
            .select_frame(crate::session::stepper::FrameMove::Up(1))
            .unwrap();
        session.add_watch("$n").unwrap();
        assert_eq!(
            listed(&session),
            [StopPoint::ValueWatch("local $n of #1 $down (n=2)".into())]
        );
        // A deeper call renumbers the frame as bt does.
        session.step(8).unwrap();
        assert_eq!(
            listed(&session),
            [StopPoint::ValueWatch("local $n of #2 $down (n=2)".into())]
        );
    }

    #[test]
    fn watching_an_unknown_name_says_what_watch_takes_and_only_close_names() {
        let mut session = session_with(&[super::super::testing::DOWN]);
        session
            .start_stepping("(call $down (i32.const 1))")
            .unwrap();
        session.step(2).unwrap();
        assert_eq!(
            session.add_watch("$nosuch").unwrap_err().message,
            "$down has no local or global $nosuch; watch takes $local or $global \
             (info locals lists the locals), ADDR [LEN] or a region"
        );
        let close = session.add_watch("$m").unwrap_err().message;
        assert!(
            close.starts_with("$down has no local or global $m (did you mean $n?); watch takes"),
            "{close}"
        );
    }

    #[test]
    fn a_watch_needs_an_address() {
        let mut session = session_with(&["(memory 1)", WRITER]);
        session.start_stepping("call $w").unwrap();
        assert_eq!(
            session.add_watch("here").unwrap_err().message,
            "usage: watch ADDR [LEN], watch REGION or watch $LOCAL|$GLOBAL"
        );
        assert!(session.add_watch("8 lots").is_err());
    }
}

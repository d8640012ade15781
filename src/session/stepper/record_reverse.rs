//! Reverse execution over the recording: `reverse-next`, `reverse-finish`,
//! `reverse-continue`, "who wrote this?" (`last-write`) and value history
//! (`history`). Each visits the recorded steps (see `history::visit_past`),
//! finds the step it wants and travels there.

use crate::session::{Reply, Session, SessionError};
use crate::vm::FuncAddr;
use std::collections::VecDeque;

/// What `last-write` and `history` follow.
enum Probe {
    /// A local of the frame paused in, by name (without `$`).
    Local(String),
    /// A global, by name (with `$`).
    Global(String),
    /// A typed read of the session's memory 0: type name, width, address.
    Memory(&'static str, u64, u64),
}

/// One change of a probed value: the step before the instruction that made it.
struct Change {
    step: u64,
    site: Option<(FuncAddr, usize)>,
    old: String,
    new: String,
}

/// A probe's first recorded step and value, its last [`MAX_CHANGES`]
/// changes, oldest first, and how many earlier ones are not kept.
type Changes = (Option<(u64, String)>, VecDeque<Change>, u64);

/// Changes `history` lists at most (the latest): a loop counter over a long
/// recording changes millions of times.
const MAX_CHANGES: usize = 1000;

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
    fn name(&self) -> String {
        match self {
            Probe::Local(name) => format!("${name}"),
            Probe::Global(name) => name.clone(),
            Probe::Memory(ty, _, addr) => format!("{ty}[0x{addr:x}]"),
        }
    }
}

impl Session {
    /// The value of `probe` now, as text (None where it does not exist, e.g.
    /// the local's frame is not on the stack); a local is looked up in the
    /// frame at `depth` running `func`.
    fn probe_value(&self, probe: &Probe, depth: usize, func: Option<FuncAddr>) -> Option<String> {
        match probe {
            Probe::Memory(_, width, addr) => {
                let bytes = self.memory0_bytes(*addr, *width);
                let mut buf = [0u8; 8];
                buf.get_mut(..bytes.len())?.copy_from_slice(&bytes);
                (bytes.len() as u64 == *width).then(|| {
                    let v = i64::from_le_bytes(buf);
                    let shift = 64 - 8 * width;
                    ((v << shift) >> shift).to_string()
                })
            }
            Probe::Global(name) => self
                .global_rows()
                .into_iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, v, _)| self.value_named(v)),
            Probe::Local(name) => {
                let d = self.debugger.as_ref()?;
                let views = d.execution.frame_views(&self.store);
                let frame = views.get(depth.checked_sub(1)?)?;
                // The frame at `depth` (deeper calls may run above it).
                if views.len() < depth || Some(frame.func) != func {
                    return None;
                }
                frame
                    .locals
                    .iter()
                    .find(|l| l.name.as_deref() == Some(name))
                    .map(|l| self.value_named(l.value))
            }
        }
    }

    /// Resolves `$name` to a local of the paused frame or else a global.
    fn resolve_probe(&self, text: &str) -> Result<(Probe, usize, Option<FuncAddr>), SessionError> {
        let probe = parse_probe(text)?;
        let frames = self
            .debugger
            .as_ref()
            .map(|d| d.execution.call_stack())
            .unwrap_or_default();
        // A local of the frame `up`/`frame` selected (0: the innermost).
        let selected = self.debugger.as_ref().map_or(0, |d| d.selected);
        let depth = frames.len().saturating_sub(selected);
        let func = depth
            .checked_sub(1)
            .and_then(|i| frames.get(i))
            .map(|f| f.func);
        if let Probe::Local(name) = &probe
            && self.probe_value(&probe, depth, func).is_none()
        {
            let global = Probe::Global(format!("${name}"));
            if self.probe_value(&global, depth, func).is_none() {
                return Err(SessionError::usage(format!(
                    "no local or global ${name} here"
                )));
            }
            return Ok((global, depth, func));
        }
        // Memory never shrinks: past the end now, past it at every step.
        if let Probe::Memory(_, width, addr) = &probe
            && (self.memory0_bytes(*addr, *width).len() as u64) < *width
        {
            let room = self.memory0_bytes(*addr, 1).len();
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
        Ok((probe, depth, func))
    }

    /// Every change of `probe` in the recording, oldest first, and its
    /// value at the first recorded step.
    fn changes_of(
        &mut self,
        probe: &Probe,
        depth: usize,
        func: Option<FuncAddr>,
    ) -> Result<Changes, SessionError> {
        let mut first = None;
        let mut last: Option<Option<String>> = None;
        let mut site = None;
        let mut changes = VecDeque::new();
        let mut dropped = 0;
        self.visit_past(|s, step| {
            let value = s.probe_value(probe, depth, func);
            if first.is_none()
                && let Some(v) = &value
            {
                first = Some((step, v.clone()));
            }
            if let (Some(Some(old)), Some(new)) = (&last, &value)
                && old != new
            {
                if changes.len() == MAX_CHANGES {
                    changes.pop_front();
                    dropped += 1;
                }
                changes.push_back(Change {
                    step: step - 1,
                    site,
                    old: old.clone(),
                    new: new.clone(),
                });
            }
            if value.is_some() || last.is_none() {
                last = Some(value);
            }
            site = s
                .debugger
                .as_ref()
                .and_then(|d| d.execution.position(&s.store));
        })?;
        Ok((first, changes, dropped))
    }

    /// The text of the instruction at `site`.
    fn site_text(&mut self, site: Option<(FuncAddr, usize)>) -> String {
        site.and_then(|(func, offset)| self.instruction_at(func, offset))
            .unwrap_or_else(|| "an instruction".into())
    }

    /// `last-write ADDR|TYPE[ADDR]|$local|$global`: goes back to just before
    /// the instruction that last changed it and shows the old and new value.
    /// Step N is the Nth instruction run (the pause after it is "after N
    /// steps"), here and in `history`.
    ///
    /// # Errors
    /// A usage error for a bad target or when the recording never saw it change.
    pub fn last_write(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let (probe, depth, func) = self.resolve_probe(args)?;
        let (_, changes, _) = self.changes_of(&probe, depth, func)?;
        let Some(change) = changes.back() else {
            return Err(SessionError::usage(format!(
                "{} did not change in the recorded steps",
                probe.name()
            )));
        };
        let note = format!(
            "last write to {}: {} -> {} by {} (step {}); paused before it",
            probe.name(),
            change.old,
            change.new,
            self.site_text(change.site),
            change.step + 1
        );
        self.travel_to(change.step)?;
        Ok(self.pause_replies(None, vec![note]))
    }

    /// `history $i|ADDR|TYPE[ADDR]`: every value it held in the recording,
    /// with the step and instruction that wrote it.
    ///
    /// # Errors
    /// A usage error for a bad target.
    pub fn value_history(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let (probe, depth, func) = self.resolve_probe(args)?;
        let (first, changes, dropped) = self.changes_of(&probe, depth, func)?;
        let mut replies = Vec::new();
        if let Some((step, value)) = first {
            // A local exists from its frame's call on; anything else from
            // the first recorded step.
            let recorded = self
                .debugger
                .as_ref()
                .and_then(|d| d.recording.first_step());
            let since = match (&probe, func, self.debugger.as_deref()) {
                (Probe::Local(_), Some(func), Some(d)) if recorded != Some(step) => {
                    format!("when {} was called", self.frame_name(func, d))
                }
                _ => "where the recording starts".to_string(),
            };
            replies.push(Reply::Note(format!(
                "{} = {value} after {step} step{} ({since})",
                probe.name(),
                if step == 1 { "" } else { "s" }
            )));
        }
        if dropped > 0 {
            replies.push(Reply::Note(format!(
                "... {} earlier change{} not listed (the last {MAX_CHANGES} follow)",
                crate::session::grouped(dropped),
                if dropped == 1 { "" } else { "s" }
            )));
        }
        for change in &changes {
            let by = self.site_text(change.site);
            replies.push(Reply::Note(format!(
                "{} = {}  (was {}) by step {}: {by}",
                probe.name(),
                change.new,
                change.old,
                change.step + 1
            )));
        }
        Ok(replies)
    }

    /// Travels to the last recorded step before now where `wanted` holds
    /// (given the state there and at the step before), and pauses with `why`.
    fn reverse_to(
        &mut self,
        wanted: impl Fn(&Session, u64) -> Option<String>,
        none: &str,
    ) -> Result<Vec<Reply>, SessionError> {
        let now = self.debugger.as_ref().map_or(0, |d| d.steps);
        let mut found = None;
        self.visit_past(|s, step| {
            if step < now
                && let Some(why) = wanted(s, step)
            {
                found = Some((step, why));
            }
        })?;
        let Some((step, why)) = found else {
            return Err(SessionError::usage(none.to_string()));
        };
        self.travel_to(step)?;
        let back = now - step;
        let mut notes = vec![format!(
            "went back {back} instruction{}",
            if back == 1 { "" } else { "s" }
        )];
        notes.extend((!why.is_empty()).then_some(why));
        Ok(self.pause_replies(None, notes))
    }

    /// `reverse-next`: back to the previous instruction of this frame (over calls).
    ///
    /// # Errors
    /// A usage error at the start of the recording.
    pub fn reverse_next(&mut self) -> Result<Vec<Reply>, SessionError> {
        let depth = self.depth();
        self.reverse_to(
            |s, _| (s.depth() <= depth).then(String::new),
            "nothing to go back over: the recording starts here",
        )
    }

    /// `reverse-finish`: back to the call of the current function.
    ///
    /// # Errors
    /// A usage error when the call was before the recording.
    pub fn reverse_finish(&mut self) -> Result<Vec<Reply>, SessionError> {
        let depth = self.depth();
        self.reverse_to(
            |s, _| (s.depth() < depth).then(|| "before the call of this function".to_string()),
            "the call of this function is not in the recording",
        )
    }

    /// `reverse-continue`: back to the previous breakpoint or watchpoint hit.
    ///
    /// # Errors
    /// A usage error when none was hit in the recording.
    pub fn reverse_continue(&mut self) -> Result<Vec<Reply>, SessionError> {
        let mut watched_before: Vec<super::watch::Seen> = Vec::new();
        let watched = std::cell::RefCell::new(&mut watched_before);
        self.reverse_to(
            |s, _| {
                let mut notes = Vec::new();
                if !s.breakpoints.is_empty() {
                    notes.extend(s.breakpoint_hits());
                }
                let mut before = watched.borrow_mut();
                if !before.is_empty() {
                    notes.extend(s.watch_changes(&before).0);
                }
                **before = s.watched_state();
                (!notes.is_empty()).then(|| notes.join(", "))
            },
            "no breakpoint or watchpoint was hit in the recorded steps",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::FrameMove;
    use super::super::testing::{DOWN, notes, paused, session_with};
    use crate::session::Session;

    const FILL: &str = "(func $fill (local $i i32) (loop $l (i32.store (i32.mul (local.get $i) (i32.const 4)) (i32.add (local.get $i) (i32.const 40))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 20)))))";

    #[test]
    fn last_write_lands_before_the_store_that_wrote_the_address() {
        let mut session = session_with(&["(memory 1)", FILL]);
        session.start_stepping("call $fill i32.const 0").unwrap();
        session.step(200).unwrap();
        let replies = session.last_write("i32[0x8]").unwrap();
        let info = paused(&replies);
        assert_eq!(info.next.as_deref(), Some("i32.store"));
        assert_eq!(
            info.notes[0],
            format!(
                "last write to i32[0x8]: 0 -> 42 by i32.store in $fill (step {}); paused before it",
                info.step + 1
            )
        );
        assert_eq!(session.memory0_bytes(8, 4), [0; 4]);
    }

    #[test]
    fn history_lists_every_value_of_a_loop_counter() {
        let mut session = session_with(&["(memory 1)", FILL]);
        session.start_stepping("call $fill").unwrap();
        session.step(40).unwrap();
        let notes = notes(session.value_history("$i").unwrap());
        assert_eq!(notes[0], "$i = i32:0 after 1 step (when $fill was called)");
        assert!(
            notes[1].starts_with("$i = i32:1  (was i32:0) by step"),
            "{notes:?}"
        );
        assert!(notes[1].ends_with("local.set $i in $fill"), "{notes:?}");
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn history_follows_the_selected_frame() {
        let mut session = session_with(&[DOWN]);
        session
            .start_stepping("(call $down (i32.const 3))")
            .unwrap();
        session.step(14).unwrap();
        let first = |session: &mut Session| notes(session.value_history("$n").unwrap()).remove(0);
        let innermost = first(&mut session);
        session.select_frame(FrameMove::Up(1)).unwrap();
        let caller = first(&mut session);
        assert!(innermost.starts_with("$n = i32:1 "), "{innermost}");
        assert!(caller.starts_with("$n = i32:2 "), "{caller}");
    }

    /// Counts `$i` up to 3,000 (eight step-code instructions a round).
    const COUNT: &str = "(func $count (local $i i32) (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 3000)))))";

    #[test]
    fn history_lists_the_last_changes_of_a_long_recording() {
        let mut session = session_with(&[COUNT]);
        session.start_stepping("call $count").unwrap();
        session.step(10_000).unwrap();
        let notes = notes(session.value_history("$i").unwrap());
        assert_eq!(notes.len(), 2 + super::MAX_CHANGES, "{:?}", &notes[..3]);
        assert!(
            notes[1].starts_with("... 250 earlier changes not listed"),
            "{}",
            notes[1]
        );
        // Eight step-code instructions a round: 10,000 steps count $i to 1,250.
        assert!(
            notes[2].starts_with("$i = i32:251  (was i32:250)"),
            "{}",
            notes[2]
        );
    }

    #[test]
    fn ctrl_c_stops_a_long_look_back_where_it_was_paused() {
        let mut session = session_with(&[COUNT]);
        session.start_stepping("call $count").unwrap();
        session.step(10_000).unwrap();
        let steps = |s: &Session| s.debugger.as_ref().map(|d| d.steps);
        let before = steps(&session);
        session
            .interrupt_flag()
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let Err(error) = session.value_history("$i") else {
            panic!("the look back ran to the end");
        };
        assert!(
            error.message.starts_with("interrupted after looking at "),
            "{}",
            error.message
        );
        assert_eq!(steps(&session), before);
        assert!(session.value_history("$i").is_ok(), "the flag was cleared");
    }
}

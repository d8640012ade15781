//! Reverse execution over the recording: `reverse-next`, `reverse-finish`,
//! `reverse-continue`, "who wrote this?" (`last-write`) and value history
//! (`history`). Each visits the recorded steps (see `history::visit_past`),
//! finds the step it wants and travels there.

use super::probe::{MAX_CHANGES, Source};
use crate::session::{Reply, Session, SessionError};
use crate::vm::FuncAddr;

impl Session {
    /// The text of the instruction at `site`.
    fn site_text(&mut self, site: Option<(FuncAddr, usize)>) -> String {
        site.and_then(|(func, offset)| self.instruction_at(func, offset))
            .unwrap_or_else(|| "an instruction".into())
    }

    /// A value of `source` as the instruction at `site` wrote it (a
    /// `v128` in the shape of the instruction that made it).
    fn shown_written(
        &mut self,
        source: &Source,
        value: crate::vm::Value,
        site: Option<(FuncAddr, usize)>,
    ) -> String {
        let shape = match value {
            crate::vm::Value::V128(_) => self.shape_written_at(site),
            _ => None,
        };
        self.source_text(source, value, shape)
    }

    /// `last-write ADDR|TYPE[ADDR]|$local|$global`: goes back to just before
    /// the instruction that last changed it and shows the old and new value.
    /// Step N is the Nth instruction run (the pause after it is "after N
    /// steps"), here and in `history`.
    ///
    /// # Errors
    /// A usage error for a bad target or when the recording never saw it change.
    pub fn last_write(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let (probe, source) = self.resolve_probe(args)?;
        let (_, changes, _) = self.changes_of(&source)?;
        let Some(change) = changes.back() else {
            return Err(SessionError::usage(format!(
                "{} did not change in the recorded steps",
                probe.name()
            )));
        };
        let before = changes.iter().rev().nth(1).and_then(|c| c.site);
        let (old, new) = (
            self.shown_written(&source, change.old, before),
            self.shown_written(&source, change.new, change.site),
        );
        let note = format!(
            "last write to {}: {old} -> {new} by {} (step {}); paused before it",
            probe.name(),
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
        let (probe, source) = self.resolve_probe(args)?;
        let (first, changes, dropped) = self.changes_of(&source)?;
        let mut replies = Vec::new();
        if let Some((step, value)) = first {
            // A local exists from its frame's call on; anything else from
            // the first recorded step.
            let recorded = self
                .debugger
                .as_ref()
                .and_then(|d| d.recording.first_step());
            let since = match (&source, self.debugger.as_deref()) {
                (Source::Local { func, .. }, Some(d)) if recorded != Some(step) => {
                    format!("when {} was called", self.frame_name(*func, d))
                }
                _ => "where the recording starts".to_string(),
            };
            let value = self.source_text(&source, value, None);
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
        // A value was written by the change before it (the first listed:
        // by an instruction no longer known).
        let mut before = None;
        for change in &changes {
            let by = self.site_text(change.site);
            let old = self.shown_written(&source, change.old, before);
            let new = self.shown_written(&source, change.new, change.site);
            replies.push(Reply::Note(format!(
                "{} = {new}  (was {old}) by step {}: {by}",
                probe.name(),
                change.step + 1
            )));
            before = change.site;
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
        assert_eq!(
            notes.len(),
            2 + super::super::probe::MAX_CHANGES,
            "{:?}",
            &notes[..3]
        );
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

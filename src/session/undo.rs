//! `:undo`: the session as it was before each of the last inputs, so that
//! any of them (a trapped one too) can be taken back exactly.
//!
//! This is a convenience on top of WebAssembly, never part of what the
//! program observes: a trap keeps what it wrote (issue 10), and only an
//! explicit `:undo` takes it back. Before every input the whole mutable state
//! is saved ([`Saved`]); an input that changed something pushes that state
//! onto a history bounded in entries and bytes, the oldest going first.
//!
//! ```text
//!   input 1      input 2      input 3        :undo 2
//!  [saved 0] -> [saved 1] -> [saved 2]   ->  session = saved 1
//! ```

use super::Session;
use super::saved::Saved;
use crate::vm::store::{InstanceAddr, Store};
use std::collections::VecDeque;

/// Most inputs `:undo` can take back.
pub const UNDO_INPUTS: usize = 100;
/// Most bytes of memory the undo history holds, counting the chunks that
/// are not zero (what a saved copy writes); a session whose memories hold
/// more data than this cannot undo its inputs.
pub const UNDO_BYTES: usize = 256 << 20;

/// One input that can be taken back: how it was typed, the state before
/// it, and the whole store it replaced (only `:reset` replaces the store).
struct Entry {
    input: String,
    before: Saved,
    store: Option<Store>,
}

/// The input that is running (or paused in the stepper).
struct Pending {
    input: String,
    /// The state before it, or why it could not be saved (memory too large).
    before: Result<Saved, String>,
    /// The store it replaced, if it did.
    store: Option<Store>,
}

/// The inputs that can be undone, oldest first.
#[derive(Default)]
pub(super) struct History {
    entries: VecDeque<Entry>,
    bytes: usize,
    pending: Option<Pending>,
    /// Why older inputs cannot be undone, once one could not be saved:
    /// the first input of the run that could not be, and why.
    barrier: Option<String>,
    /// Whether this is the history of a sandbox's trial inputs: the state
    /// put aside may name any instance, so none is freed meanwhile.
    sandboxed: bool,
}

impl History {
    /// The history of a sandbox's trial inputs.
    pub(super) fn sandboxed() -> History {
        History {
            sandboxed: true,
            ..History::default()
        }
    }

    /// Whether a state this history keeps (or the sandbox's) may name
    /// instance `addr`.
    pub(super) fn refers_to(&self, addr: InstanceAddr) -> bool {
        let pending = self.pending.as_ref().and_then(|p| p.before.as_ref().ok());
        self.sandboxed
            || pending.is_some_and(|b| b.uses_instance(addr))
            || self.entries.iter().any(|e| e.before.uses_instance(addr))
    }

    /// Whether a state this history keeps holds a reference to a function
    /// whose address is in `funcs` (in its tables, globals, segments,
    /// objects, stack or locals).
    /// `types` are the store's defined types.
    pub(super) fn refers_to_funcs(
        &self,
        funcs: std::ops::Range<usize>,
        types: &crate::vm::gc_types::TypeRegistry,
    ) -> bool {
        let pending = self.pending.as_ref().and_then(|p| p.before.as_ref().ok());
        self.sandboxed
            || pending.is_some_and(|b| b.refers_to_funcs(funcs.clone(), types))
            || self
                .entries
                .iter()
                .any(|e| e.before.refers_to_funcs(funcs.clone(), types))
    }

    /// The shortest journal a state this history keeps may restore; `None`
    /// for a sandbox's, as the state put aside may restore any. With no
    /// state kept, `usize::MAX`.
    pub(super) fn journal_floor(&self) -> Option<usize> {
        let pending = self.pending.as_ref().and_then(|p| p.before.as_ref().ok());
        let kept = (self.entries.iter().map(|e| &e.before)).chain(pending);
        (!self.sandboxed).then(|| kept.map(Saved::journal_len).min().unwrap_or(usize::MAX))
    }

    /// Whether this is a sandbox's history (see [`History::sandboxed`]).
    pub(super) fn is_sandbox(&self) -> bool {
        self.sandboxed
    }

    fn push(&mut self, entry: Entry) {
        self.bytes += entry.before.bytes();
        self.entries.push_back(entry);
        while self.entries.len() > UNDO_INPUTS || self.bytes > UNDO_BYTES {
            match self.entries.pop_front() {
                Some(old) => self.bytes -= old.before.bytes(),
                None => break,
            }
        }
    }

    /// The first store an input replaced since this history began (the
    /// store it started with), if any input replaced it.
    pub(super) fn first_replaced_store(self) -> Option<Store> {
        let pending = self.pending.and_then(|p| p.store);
        self.entries.into_iter().find_map(|e| e.store).or(pending)
    }

    fn pop(&mut self) -> Option<Entry> {
        let entry = self.entries.pop_back()?;
        self.bytes -= entry.before.bytes();
        Some(entry)
    }
}

/// An input as `undid:` shows it: on one line, cut short between forms
/// (see [`crate::text::shorten`]); several module fields by what they
/// define (`2 fields: func $a, func $b`).
fn short(input: &str) -> String {
    if let super::input::Input::Fields(text) = super::input::classify(input)
        && let forms = super::input::top_level_forms(text)
        && forms.len() > 1
    {
        let labels: Vec<String> = forms
            .iter()
            .map(|f| super::fields::Field::new(f, None).label())
            .collect();
        return format!("{} fields: {}", forms.len(), labels.join(", "));
    }
    crate::text::shorten::shortened(input, 40)
}

impl Session {
    /// Called before an input runs: saves the session so the input can be
    /// undone. While a fragment is paused the stepped input is still
    /// running, so nothing is saved.
    pub fn begin_input(&mut self, text: &str) {
        if self.debugger.is_some() {
            return;
        }
        self.undo.pending = Some(Pending {
            input: text.to_string(),
            before: (self.save(UNDO_BYTES, self.undo.entries.back().map(|e| &e.before)))
                .ok_or_else(|| self.unsaved_note()),
            store: None,
        });
    }

    /// Why the session as it is cannot be saved for `:undo`: its memories
    /// hold too much data, or are too large to look through.
    fn unsaved_note(&self) -> String {
        match self.memory_bytes_held() {
            Some(held) => format!(
                "memories hold {} MiB of data (not zero), more than the {} MiB undo keeps",
                held >> 20,
                UNDO_BYTES >> 20
            ),
            None => format!(
                "memories are {} MiB, and undo keeps memories of at most {} MiB",
                super::saved::memory_size(&self.store.data) >> 20,
                super::saved::SCAN_BYTES >> 20
            ),
        }
    }

    /// Replaces the store with `store`, keeping the old one for `:undo` of
    /// the running input; the Ctrl-C flag stays wired.
    pub(super) fn replace_store(&mut self, mut store: Store) {
        store.interrupt = self.store.interrupt.clone();
        let old = std::mem::replace(&mut self.store, store);
        if let Some(pending) = &mut self.undo.pending
            && pending.store.is_none()
        {
            pending.store = Some(old);
        }
    }

    /// Called after an input ran: an input that changed something becomes
    /// undoable. Returns a note when the session could not be saved before
    /// it (memory too large) and the input before could be: the first of
    /// a run of inputs that cannot be undone.
    pub fn end_input(&mut self) -> Option<String> {
        if self.debugger.is_some() {
            return None;
        }
        let Pending {
            input,
            before,
            store,
        } = self.undo.pending.take()?;
        match before {
            Ok(before) if store.is_none() && self.unchanged_since(&before) => None,
            Ok(before) => {
                self.undo.push(Entry {
                    input,
                    before,
                    store,
                });
                // Older session modules may have left the history, and
                // the journal's older versions with them.
                self.retire_stale();
                self.compact_journal();
                None
            }
            Err(reason) => {
                // Said once, by the first input of a run that cannot be
                // saved (not again after every `:globals`), which `:undo`
                // then names.
                let first = self.undo.barrier.is_none() || !self.undo.entries.is_empty();
                self.undo.entries.clear();
                self.undo.bytes = 0;
                // Nothing can go back now: earlier session modules and
                // their memories go (a `(memory 2)` replacing a huge one
                // is then small enough to undo).
                self.retire_stale();
                self.compact_journal();
                first.then(|| {
                    self.undo.barrier = Some(format!("from {} on: {reason}", short(&input)));
                    format!(
                        "this input cannot be undone (nor later ones, until that changes): {reason}"
                    )
                })
            }
        }
    }

    /// `:undo [N]`: takes back the last `n` inputs that changed something,
    /// returning how each was typed, the latest first.
    ///
    /// # Errors
    /// When there is nothing to undo, or a fragment is paused in the stepper.
    pub fn undo(&mut self, n: usize) -> Result<Vec<String>, super::SessionError> {
        if self.debugger.is_some() {
            return Err(super::SessionError::usage(
                "a fragment is paused in the stepper: finish it or abort it first (abort undoes it)",
            ));
        }
        if self.undo.entries.is_empty() {
            let message = match &self.undo.barrier {
                Some(barrier) => format!("nothing to undo: inputs cannot be undone {barrier}"),
                None => "nothing to undo: no earlier input changed the session".to_string(),
            };
            return Err(super::SessionError::usage(message));
        }
        let mut undone = Vec::new();
        let mut last = None;
        // The oldest replaced store undone is the one the oldest state refers to.
        let mut store = None;
        for _ in 0..n {
            let Some(entry) = self.undo.pop() else { break };
            undone.push(short(&entry.input));
            last = Some(entry.before);
            store = entry.store.or(store);
        }
        let replaced = store.is_some();
        if let Some(mut store) = store {
            store.interrupt = self.store.interrupt.clone();
            self.store = store;
        }
        if let Some(before) = last {
            self.restore(before);
        }
        if replaced {
            // Stale instances were those of the store that went.
            self.stale.clear();
        }
        Ok(undone)
    }
}

#[cfg(test)]
mod tests {
    use super::short;
    use crate::session::Session;

    #[test]
    fn an_input_too_large_to_save_says_so_and_blocks_undo() {
        let mut session = Session::new();
        // 16384 pages are 1024 MiB, more than undo reads through for an
        // input (~30 ms a pass), however few bytes they hold.
        session
            .eval("(memory 16384)")
            .map_err(|e| e.message)
            .unwrap();
        session.begin_input("i32.const 1");
        let started = std::time::Instant::now();
        session.eval("i32.const 1").map_err(|e| e.message).unwrap();
        assert_eq!(
            session.end_input().as_deref(),
            Some(
                "this input cannot be undone (nor later ones, until that changes): memories are 1024 MiB, and undo keeps memories of at most 128 MiB"
            )
        );
        // Said once: the next input (a command that changes nothing, say) is quiet.
        session.begin_input(":memory");
        assert_eq!(session.end_input(), None);
        // A debug build scanning the memory even once took seconds here.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        let error = session.undo(1).unwrap_err();
        assert!(
            error.message
                == "nothing to undo: inputs cannot be undone from i32.const 1 on: memories are 1024 MiB, and undo keeps memories of at most 128 MiB",
            "{}",
            error.message
        );
    }

    #[test]
    fn a_large_memory_holding_a_few_bytes_is_undone() {
        let mut session = Session::new();
        // 125 MiB declared, 4 bytes written: undo keeps one 4 KiB chunk.
        session
            .eval("(memory 2000)")
            .map_err(|e| e.message)
            .unwrap();
        let store = "(i32.store (i32.const 8) (i32.const 7))";
        session.begin_input(store);
        session.eval(store).map_err(|e| e.message).unwrap();
        assert_eq!(session.end_input(), None, "no note: it can be undone");
        assert_eq!(session.undo(1).map_err(|e| e.message).unwrap(), [store]);
        assert_eq!(session.memory0_bytes(8, 4), [0; 4]);
    }

    #[test]
    fn an_input_that_changes_nothing_is_not_undone() {
        let mut session = Session::new();
        session.begin_input("(memory 1)");
        session.eval("(memory 1)").map_err(|e| e.message).unwrap();
        assert_eq!(session.end_input(), None);
        session.begin_input("i32.const 1 drop");
        session
            .eval("i32.const 1 drop")
            .map_err(|e| e.message)
            .unwrap();
        assert_eq!(session.end_input(), None);
        assert_eq!(
            session.undo(5).map_err(|e| e.message),
            Ok(vec!["(memory 1)".to_string()])
        );
    }

    #[test]
    fn states_that_hold_the_same_memory_share_one_copy() {
        let mut session = Session::new();
        for text in [
            "(memory 1)",
            "(global $g (mut i32) (i32.const 0))",
            "(i32.store (i32.const 0) (i32.const 5))",
            "(global.set $g (i32.const 1))",
            "(global.set $g (i32.const 2))",
        ] {
            session.begin_input(text);
            session.eval(text).map_err(|e| e.message).unwrap();
            assert_eq!(session.end_input(), None);
        }
        let states: Vec<_> = session.undo.entries.iter().map(|e| &e.before).collect();
        let [.., before_store, after_store, after_set] = states[..] else {
            panic!("{} states", states.len());
        };
        assert!(after_set.shares_memories_with(after_store));
        assert!(!after_store.shares_memories_with(before_store));
        // Each gives back its own memory all the same.
        session.undo(2).map_err(|e| e.message).unwrap();
        assert_eq!(session.memory0_bytes(0, 4), [5, 0, 0, 0]);
        session.undo(1).map_err(|e| e.message).unwrap();
        assert_eq!(session.memory0_bytes(0, 4), [0; 4]);
    }

    #[test]
    fn inputs_are_shown_by_their_first_words() {
        assert_eq!(short("call $w"), "call $w");
        assert_eq!(
            short("(func $w (i32.store (i32.const 0) (i32.const 7)) unreachable)"),
            "(func $w (i32.store (i32.const 0) ...))"
        );
        assert_eq!(short("(func $f\n  nop)"), "(func $f nop)");
        assert_eq!(
            short("(func $a\n  nop)\n(func (export \"b\"))"),
            "2 fields: func $a, func \"b\""
        );
    }
}

//! Keeps the `:export-js` journal from holding every version of the session
//! module (issue 14: 1,000 functions defined one input at a time kept 1,000
//! binaries, O(N²) bytes). Two versions with nothing between them are
//! replayed as the later one alone, carrying straight from the version
//! before them, once `:undo` can no longer go back to between them: the
//! earlier one becomes [`JsEvent::Superseded`], in place, so the lengths
//! that saved states keep still mark the same events.

use super::Session;
use crate::host::export_js::{Carried, JsEvent};

impl Session {
    /// Merges the adjacent versions that no state `:undo` keeps can take
    /// the journal back to between (none while a sandbox or the stepper
    /// may restore an older state).
    pub(super) fn compact_journal(&mut self) {
        if self.debugger.is_some() {
            return;
        }
        let Some(floor) = self.undo.journal_floor() else {
            return;
        };
        let floor = floor.min(self.journal.len());
        let from = self.journal_compacted.clamp(1, floor.max(1));
        for later in from..floor {
            let (before, after) = self.journal.split_at_mut(later);
            let (
                Some(JsEvent::Version { carried: a, .. }),
                Some(JsEvent::Version { carried: b, .. }),
            ) = (before.last(), after.first_mut())
            else {
                continue;
            };
            if let Some(merged) = skipping(a, b) {
                *b = merged;
                before[later - 1] = JsEvent::Superseded;
            }
        }
        self.journal_compacted = self.journal_compacted.max(floor);
    }
}

/// What version `b` carries when it is replayed right after the version
/// before `a` (`a` skipped): `None` when skipping `a` would change what node
/// computes (its start function ran, it wrote data segments, `b` carries a
/// memory `a` did not carry over or one `a` sized differently).
fn skipping(a: &Carried, b: &Carried) -> Option<Carried> {
    if a.start || !a.data.is_empty() {
        return None;
    }
    // Each memory `b` took over from `a`, taken from where `a` took it,
    // with the same size (so node copies what `a` kept, no more).
    let memories = (b.memories.iter())
        .map(|&(old, new, pages)| {
            let (from, _, _) = (a.memories.iter()).find(|(_, n, p)| *n == old && *p == pages)?;
            Some((*from, new, pages))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Carried {
        memories,
        ..b.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::skipping;
    use crate::host::export_js::Carried;
    use std::sync::Arc;

    #[test]
    fn a_version_is_skipped_only_when_node_would_compute_the_same() {
        let plain = Carried::default();
        assert!(skipping(&plain, &plain).is_some());
        let kept = |memories| Carried {
            memories,
            ..Carried::default()
        };
        let merged = skipping(&kept(vec![(1, 0, 2)]), &kept(vec![(0, 3, 2)]));
        assert_eq!(merged.map(|c| c.memories), Some(vec![(1, 3, 2)]));
        // Another size: `a` may have cut the contents short.
        assert!(skipping(&kept(vec![(1, 0, 1)]), &kept(vec![(0, 3, 2)])).is_none());
        // A memory `a` made fresh: nothing before it to carry from.
        assert!(skipping(&plain, &kept(vec![(0, 0, 1)])).is_none());
        let started = Carried {
            start: true,
            ..Carried::default()
        };
        assert!(skipping(&started, &plain).is_none());
        let data = Carried {
            data: vec![(0, 0, Arc::from(&b"x"[..]))],
            ..Carried::default()
        };
        assert!(skipping(&data, &plain).is_none());
    }
}

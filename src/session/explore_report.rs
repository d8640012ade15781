//! What `:explore` says: how many schedules it ran, whether the bound cut
//! the search, and each distinct final state with the memory the threads
//! changed, the globals, how each thread ended and one schedule leading there.

use super::explore::{Cut, DEFAULT_BOUND, DEPTH_LIMIT, Explored, FinalKey, FinalState};
use super::{Reply, Session, SessionError};
use crate::vm::MemAddr;
use crate::vm::store::{Global, StoreData};
use std::collections::BTreeMap;
use std::ops::Range;

/// Turns of a schedule shown before the rest is summed up.
const SHOWN_TURNS: usize = 12;
/// Shared accesses of one turn shown before the rest is counted.
const SHOWN_ACCESSES: usize = 4;
/// Words of one region shown per final state.
const SHOWN_WORDS: u64 = 8;

impl Session {
    /// `:explore [BOUND]`: every interleaving of the ready threads, on copies.
    ///
    /// # Errors
    /// A usage error for a bad bound, while an input is in the stepper, or
    /// when no thread is ready.
    pub fn explore(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let bound = match args.trim().replace(['_', ','], "") {
            b if b.is_empty() => DEFAULT_BOUND,
            b => b.parse().ok().filter(|b| *b > 0).ok_or_else(|| {
                SessionError::usage(
                    "usage: :explore [BOUND], the most schedules to run (default 10000)",
                )
            })?,
        };
        if self.debugger.is_some() {
            return Err(SessionError::usage(
                "the stepper is paused: abort it first (a thread goes back where it was)",
            ));
        }
        if !self
            .agents
            .iter()
            .any(|a| a.state == super::agents::AgentState::Ready)
        {
            return Err(SessionError::usage(
                "no thread is ready: start threads with :spawn NAME FRAGMENT",
            ));
        }
        let explored = self.explore_threads(bound);
        let replies = self.explore_replies(&explored);
        self.explored = Some(explored);
        Ok(replies)
    }

    fn explore_replies(&self, explored: &Explored) -> Vec<Reply> {
        let states = explored.finals.len();
        let plural =
            |n: u64, one: &str| format!("{} {one}{}", grouped(n), if n == 1 { "" } else { "s" });
        let how = match explored.cut {
            None => "every interleaving".to_string(),
            Some(Cut::Bound) => format!("bound: {}; the search was cut", grouped(explored.bound)),
            Some(Cut::Interrupted) => "interrupted; the search was cut".to_string(),
            Some(Cut::Instructions) => "instruction budget spent; the search was cut".to_string(),
        };
        let so_far = if explored.cut.is_some() {
            " so far"
        } else {
            ""
        };
        let mut notes = vec![format!(
            "explored {} ({how}); {}{so_far}",
            plural(explored.schedules, "schedule"),
            plural(states as u64, "distinct final state")
        )];
        if explored.cut.is_some() {
            notes.push(
                "other final states may exist: the search goes depth first, so the schedules it \
                 skipped differ in their early turns"
                    .into(),
            );
        }
        if explored.too_deep > 0 {
            notes.push(format!(
                "{} left out: over {} shared accesses (a thread spinning?)",
                plural(explored.too_deep, "schedule"),
                grouped(DEPTH_LIMIT as u64)
            ));
        }
        let regions = regions(&explored.finals);
        for (n, state) in explored.finals.iter().enumerate() {
            notes.push(self.state_text(n + 1, state, explored, &regions));
        }
        if states > 0 {
            notes.push(":replay N steps through the schedule of final state N".into());
        }
        notes.into_iter().map(Reply::Note).collect()
    }

    /// One final state, on three lines: what memory and globals hold, how
    /// the threads ended, the schedule.
    fn state_text(
        &self,
        n: usize,
        state: &FinalState,
        explored: &Explored,
        regions: &BTreeMap<MemAddr, Vec<Range<u64>>>,
    ) -> String {
        let mut values: Vec<String> = Vec::new();
        for (mem, ranges) in regions {
            for range in ranges {
                values.push(format!(
                    "{} {}",
                    self.memory_label(*mem),
                    words(&explored.start, &state.key, *mem, range)
                ));
            }
        }
        for (global, value, high) in &state.key.globals {
            if let Some(g) = explored.start.globals.get(*global as usize) {
                let now = Global {
                    ty: g.ty,
                    value: *value,
                    high: *high,
                };
                values.push(format!(
                    "{} = {}",
                    self.global_label(*global),
                    self.value_named(now.get())
                ));
            }
        }
        if values.is_empty() {
            values.push("no memory or global changed".into());
        }
        let name = |t: usize| explored.agents.get(t).map_or("?", |a| a.name.as_str());
        let threads: Vec<String> = state
            .key
            .threads
            .iter()
            .enumerate()
            .filter(|(t, _)| explored.agents.get(*t).is_some_and(|a| a.state.is_live()))
            .map(|(t, end)| format!("{} {end}", name(t)))
            .collect();
        let turns: Vec<&super::explore::Turn> = state
            .schedule
            .turns
            .iter()
            .filter(|t| !t.accesses.is_empty())
            .collect();
        let mut schedule: Vec<String> = turns
            .iter()
            .take(SHOWN_TURNS)
            .map(|t| format!("{}: {}", name(t.thread), accesses(&t.accesses)))
            .collect();
        if turns.len() > SHOWN_TURNS {
            schedule.push(format!("... {} more turns", turns.len() - SHOWN_TURNS));
        }
        format!(
            "final state {n} ({} of {}): {}\n  threads:  {}\n  schedule: {}",
            grouped(state.count),
            grouped(explored.schedules),
            values.join("; "),
            threads.join(", "),
            schedule.join(" | ")
        )
    }

    /// `memory N` (or `memory $name`) for a memory of the session module,
    /// else its store address.
    fn memory_label(&self, mem: MemAddr) -> String {
        let index = self
            .session_instance()
            .and_then(|(_, i)| self.store.instance(i))
            .and_then(|i| i.memories.iter().position(|m| *m == mem));
        match index {
            Some(i) => self
                .memory_named(Some(&i.to_string()))
                .map_or_else(|_| format!("memory {i}"), |(_, label)| label),
            None => format!("memory @{}", mem.0),
        }
    }

    /// `global $name` or `global N` of the session module, else its store address.
    fn global_label(&self, global: u32) -> String {
        let Some((module, instance)) = self.session_instance() else {
            return format!("global @{global}");
        };
        let index = self
            .store
            .instance(instance)
            .and_then(|i| i.globals.iter().position(|g| g.0 == global));
        match index {
            Some(i) => module
                .names
                .globals
                .get(&(i as u32))
                .map_or_else(|| format!("global {i}"), |n| format!("global ${n}")),
            None => format!("global @{global}"),
        }
    }
}

/// A turn's shared accesses: `i32.load, i32.store`, the first few of a long turn.
fn accesses(all: &[String]) -> String {
    if all.len() <= SHOWN_ACCESSES + 1 {
        return all.join(", ");
    }
    format!(
        "{}, ... {} more",
        all[..SHOWN_ACCESSES].join(", "),
        all.len() - SHOWN_ACCESSES
    )
}

/// The bytes any final state changed, widened to whole 4-byte words.
fn regions(finals: &[FinalState]) -> BTreeMap<MemAddr, Vec<Range<u64>>> {
    let mut all: BTreeMap<MemAddr, Vec<Range<u64>>> = BTreeMap::new();
    for state in finals {
        for (mem, at, bytes) in &state.key.memory {
            let start = at / 4 * 4;
            let end = (at + bytes.len() as u64).div_ceil(4) * 4;
            all.entry(*mem).or_default().push(start..end);
        }
    }
    for ranges in all.values_mut() {
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<u64>> = Vec::new();
        for r in ranges.drain(..) {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        *ranges = merged;
    }
    all
}

/// The words of `range` in a final state, e.g. `at 0x0: i32 2, 0x4: i32 7`.
fn words(start: &StoreData, key: &FinalKey, mem: MemAddr, range: &Range<u64>) -> String {
    let byte = |a: u64| -> Option<u8> {
        let changed = key.memory.iter().find_map(|(m, at, bytes)| {
            (*m == mem && (*at..*at + bytes.len() as u64).contains(&a))
                .then(|| bytes[(a - at) as usize])
        });
        changed.or_else(|| {
            start
                .memories
                .get(mem.0 as usize)?
                .bytes()
                .get(a as usize)
                .copied()
        })
    };
    let mut shown: Vec<String> = Vec::new();
    let count = (range.end - range.start) / 4;
    for w in 0..count.min(SHOWN_WORDS) {
        let at = range.start + w * 4;
        let bytes: Option<Vec<u8>> = (at..at + 4).map(byte).collect();
        shown.push(match bytes {
            Some(b) => format!(
                "0x{at:x}: i32 {}",
                i32::from_le_bytes([b[0], b[1], b[2], b[3]])
            ),
            None => format!("0x{at:x}: beyond the memory"),
        });
    }
    if count > SHOWN_WORDS {
        shown.push(format!("... {} more words", count - SHOWN_WORDS));
    }
    format!("at {}", shown.join(", "))
}

/// `n` with thousands separated by commas: `12,345` (the one such
/// formatter: reports here, the stepper's views).
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_234), "1,234");
        assert_eq!(grouped(10_000_000), "10,000,000");
    }
}

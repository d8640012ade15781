//! The bounded recording behind `back` and the reverse commands: instead of
//! saving the machine before every step, the stepper keeps checkpoints (the
//! machine and a copy of the store's data) every K steps and reaches any
//! earlier step by restoring the checkpoint at or before it and executing
//! forward again. Execution is deterministic given machine and store, with
//! two exceptions: host functions (console output, random numbers), whose
//! calls the recording logs (`host_log`: re-execution answers from the log
//! and never calls the host again, so a replay never prints twice and sees
//! exactly the values the host gave), and state edits made while paused,
//! which get a *pinned* checkpoint right after them that re-execution
//! restores instead of re-running the step before.
//!
//! A checkpoint keeps the memories as pages shared with the checkpoint
//! before it (see `record_pages`): it costs the pages written since.
//! K adapts to the memory size (a checkpoint costs about as much as K/16
//! steps), and the checkpoints stay under a byte budget (`:limit record`,
//! default 256 MiB): over it, every other unpinned checkpoint goes and K
//! doubles; when only pinned ones are left, the oldest go (the recording then
//! starts later).

use super::host_log::SharedLog;
use super::record_pages::StoreCopy;
use crate::vm::Execution;
use crate::vm::store::StoreData;
use std::sync::Arc;

/// Default byte budget of a recording.
pub(in crate::session) const DEFAULT_BUDGET: usize = 256 << 20;
/// Fewest steps between two checkpoints.
const MIN_INTERVAL: u64 = 1024;
/// Most steps between two checkpoints before thinning doubles it.
const MAX_INTERVAL: u64 = 1 << 20;
/// Bytes a checkpoint holds besides memories (machine, tables, globals).
const OVERHEAD: usize = 16 << 10;

/// The state before step `step`.
struct Checkpoint {
    step: u64,
    execution: Execution,
    data: StoreCopy,
    /// Follows a step that must not be executed again (an edit).
    pinned: bool,
    /// Host calls made before it (the host log's position).
    host_calls: usize,
    /// Bytes besides the memory pages (those are counted as they are freed).
    bytes: usize,
}

impl Checkpoint {
    /// Bytes freed when this checkpoint goes.
    fn freed(&self) -> usize {
        self.bytes + self.data.own_bytes()
    }
}

/// The checkpoints, oldest first, and the bytes they hold.
pub(super) struct Recording {
    checkpoints: Vec<Checkpoint>,
    bytes: usize,
    interval: u64,
    budget: usize,
    /// The page of zeros every checkpoint shares.
    zero: Arc<[u8]>,
    host_log: SharedLog,
}

/// Bytes a copy of `data` holds besides its memory pages.
fn size_of(data: &StoreData) -> usize {
    let tables: usize = data.tables.iter().map(|t| t.size() as usize * 8).sum();
    tables + OVERHEAD
}

/// Bytes of the store's memories (how long K is at first).
fn memory_size(data: &StoreData) -> usize {
    data.memories.iter().map(|m| m.bytes().len()).sum()
}

impl Recording {
    /// An empty recording that holds at most `budget` bytes.
    pub(super) fn new(budget: usize) -> Recording {
        Recording {
            checkpoints: Vec::new(),
            bytes: 0,
            interval: MIN_INTERVAL,
            budget,
            zero: Arc::from(vec![0; 4096]),
            host_log: SharedLog::default(),
        }
    }

    /// Called before every recorded step: takes a checkpoint when the last
    /// one is K steps old (or there is none).
    pub(super) fn before_step(&mut self, step: u64, execution: &Execution, data: &mut StoreData) {
        let due = self
            .checkpoints
            .last()
            .is_none_or(|c| step >= c.step + self.interval);
        if due {
            self.push(step, execution, data, false);
        }
    }

    /// Pins the state at `step`, reached by an edit that re-execution must
    /// not repeat.
    pub(super) fn pin(&mut self, step: u64, execution: &Execution, data: &mut StoreData) {
        self.push(step, execution, data, true);
    }

    /// Steps from `step` until the next checkpoint is due (0: due now).
    pub(super) fn steps_until_due(&self, step: u64) -> u64 {
        self.checkpoints
            .last()
            .map_or(0, |c| (c.step + self.interval).saturating_sub(step))
    }

    fn push(&mut self, step: u64, execution: &Execution, data: &mut StoreData, pinned: bool) {
        self.forget_after(step.saturating_sub(1));
        let bytes = size_of(data);
        if self.checkpoints.is_empty() {
            let steps = ((memory_size(data) + bytes) as u64 / 16).clamp(MIN_INTERVAL, MAX_INTERVAL);
            self.interval = self.interval.max(steps);
        }
        let (copy, pages) =
            StoreCopy::take(data, self.checkpoints.last().map(|c| &c.data), &self.zero);
        self.bytes += bytes + pages;
        let host_calls = self.host_log().lock().map_or(0, |log| log.position());
        self.checkpoints.push(Checkpoint {
            step,
            execution: execution.clone(),
            data: copy,
            pinned,
            host_calls,
            bytes,
        });
        self.thin();
    }

    /// Drops checkpoints until the recording fits its budget.
    fn thin(&mut self) {
        while self.bytes > self.budget && self.checkpoints.len() > 1 {
            let unpinned = self.checkpoints[1..].iter().filter(|c| !c.pinned).count();
            if unpinned >= 2 && self.interval < MAX_INTERVAL * 64 {
                let mut odd = false;
                let mut kept = Vec::with_capacity(self.checkpoints.len());
                for (i, c) in std::mem::take(&mut self.checkpoints)
                    .into_iter()
                    .enumerate()
                {
                    if i > 0 && !c.pinned {
                        odd = !odd;
                        if odd {
                            // Its pages shared with a neighbour stay.
                            self.bytes -= c.freed();
                            continue;
                        }
                    }
                    kept.push(c);
                }
                self.checkpoints = kept;
                self.interval *= 2;
            } else {
                let old = self.checkpoints.remove(0);
                self.bytes -= old.freed();
            }
        }
    }

    /// Forgets every checkpoint after `step` (the future, once execution
    /// goes on from an earlier step).
    pub(super) fn forget_after(&mut self, step: u64) {
        while self.checkpoints.last().is_some_and(|c| c.step > step) {
            if let Some(c) = self.checkpoints.pop() {
                self.bytes -= c.freed();
            }
        }
    }

    /// The first step that can still be reached.
    pub(super) fn first_step(&self) -> Option<u64> {
        self.checkpoints.first().map(|c| c.step)
    }

    /// The latest checkpoint at or before `step`: its step, machine and
    /// data; the host log goes back to its position.
    pub(super) fn at_or_before(&self, step: u64) -> Option<(u64, &Execution, &StoreCopy)> {
        let i = self.checkpoints.partition_point(|c| c.step <= step);
        let c = self.checkpoints.get(i.checked_sub(1)?)?;
        self.rewind_host_log(c);
        Some((c.step, &c.execution, &c.data))
    }

    /// The pinned checkpoint exactly at `step`, if there is one; the host
    /// log goes to its position when there is.
    pub(super) fn pinned_at(&self, step: u64) -> Option<(&Execution, &StoreCopy)> {
        let i = self.checkpoints.partition_point(|c| c.step < step);
        let c = self
            .checkpoints
            .get(i)
            .filter(|c| c.step == step && c.pinned)?;
        self.rewind_host_log(c);
        Some((&c.execution, &c.data))
    }

    fn rewind_host_log(&self, c: &Checkpoint) {
        if let Ok(mut log) = self.host_log.lock() {
            log.rewind(c.host_calls);
        }
    }

    /// The log of the host calls made in the recorded steps.
    pub(super) fn host_log(&self) -> &SharedLog {
        &self.host_log
    }

    /// Sets the byte budget (thinning at once if over it).
    pub(super) fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
        self.thin();
    }

    /// Forgets every checkpoint and host call.
    pub(super) fn clear(&mut self) {
        self.checkpoints.clear();
        self.bytes = 0;
        if let Ok(mut log) = self.host_log.lock() {
            log.clear();
        }
    }

    /// Bytes held (checkpoints and host log) and checkpoints kept.
    pub(super) fn usage(&self) -> (usize, usize) {
        let log = self.host_log.lock().map_or(0, |log| log.bytes());
        (self.bytes + log, self.checkpoints.len())
    }
}

impl crate::session::Session {
    /// `:limit record SIZE`: the most bytes the stepper's recording may hold
    /// (a recording over it thins its checkpoints at once).
    pub fn set_record_budget(&mut self, bytes: usize) {
        self.record_budget = bytes;
        if let Some(d) = self.debugger.as_mut() {
            d.recording.set_budget(bytes);
        }
    }

    /// The most bytes the stepper's recording may hold.
    pub fn record_budget(&self) -> usize {
        self.record_budget
    }

    /// Bytes held and checkpoints kept by the paused input's recording.
    pub fn recording_usage(&self) -> Option<(usize, usize)> {
        self.debugger.as_ref().map(|d| d.recording.usage())
    }
}

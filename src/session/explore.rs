//! `:explore`: every interleaving of the spawned threads, up to a bound,
//! and the distinct final states they reach (issue 13, item 6).
//!
//! The search runs on copies: the store's data and the threads' executions
//! are cloned before it starts and put back when it ends, so the session's
//! threads stay where they were. It is a depth-first search in thread order,
//! so the same threads always give the same answer.
//!
//! Reduction: only an instruction that touches state the threads share (see
//! [`is_shared_access`]) is a scheduling point. A thread's instructions on
//! its own frame commute with everything the other threads do, so each
//! thread runs them straight after its shared access, up to its next one:
//!
//! ```text
//!  a: [load]  local local local  | [store] local ...   one transition per [shared access]
//!  b: [load]  local ...          |
//! ```
//!
//! Two lost-update threads (a load and a store each) have 6 schedules,
//! not the 4^n of instruction-level interleaving.

use super::agents::AgentState;
use super::{Session, diff};
use crate::vm::exec::WOKEN;
use crate::vm::instr::Instr;
use crate::vm::store::{FuncInst, StoreData};
use crate::vm::{Execution, MemAddr, Outcome, Store};
use std::collections::HashMap;
use std::sync::atomic::Ordering;

/// Schedules `:explore` runs at most when not told.
pub const DEFAULT_BOUND: u64 = 10_000;
/// Shared accesses one schedule may make before it is cut (spin loops).
pub const DEPTH_LIMIT: usize = 10_000;
/// Instructions the whole search may execute.
const INSTRUCTION_LIMIT: u64 = 50_000_000;

/// One thread in a copy of the world.
#[derive(Clone)]
struct Run {
    execution: Execution,
    state: AgentState,
}

/// A run of consecutive instructions of one thread in a schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Turn {
    /// The thread (its index in the session's threads).
    pub thread: usize,
    /// Instructions it executes.
    pub steps: u64,
    /// The shared accesses among them, as instruction texts.
    pub accesses: Vec<String>,
}

/// How a schedule went, turn by turn.
#[derive(Clone, Debug, Default)]
pub struct Schedule {
    /// Instructions per thread, in order (what `:replay` follows).
    pub turns: Vec<Turn>,
    /// Shared accesses made so far.
    pub depth: usize,
    /// Whether a thread blocked in `memory.atomic.wait` on the way.
    pub waited: bool,
    /// Each thread's instructions before its first shared access, not yet
    /// placed: they go into its first turn (they commute with the others).
    prefix: Vec<u64>,
}

impl Schedule {
    /// Thread `thread` ran `steps` instructions, the first being `access`.
    fn add(&mut self, thread: usize, steps: u64, access: Option<String>) {
        let steps = steps + self.prefix.get_mut(thread).map_or(0, std::mem::take);
        self.depth += usize::from(access.is_some());
        match self.turns.last_mut() {
            Some(last) if last.thread == thread => {
                last.steps += steps;
                last.accesses.extend(access);
            }
            _ if steps > 0 => self.turns.push(Turn {
                thread,
                steps,
                accesses: access.into_iter().collect(),
            }),
            _ => {}
        }
    }

    /// Places the instructions of threads that never made a shared access.
    fn close(&mut self) {
        for thread in 0..self.prefix.len() {
            self.add(thread, 0, None);
        }
    }
}

/// What distinguishes two final states: the bytes that differ from the
/// start (memory, offset, bytes), changed globals, and each thread's end.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FinalKey {
    /// Changed bytes: memory, first address, the bytes.
    pub memory: Vec<(MemAddr, u64, Vec<u8>)>,
    /// Changed globals: address index and value (low, high slots).
    pub globals: Vec<(u32, u64, u64)>,
    /// How each thread ended, as `:threads` says it.
    pub threads: Vec<String>,
}

/// One distinct final state.
#[derive(Clone, Debug)]
pub struct FinalState {
    /// What it is.
    pub key: FinalKey,
    /// The first schedule found that leads there.
    pub schedule: Schedule,
    /// Schedules that led there.
    pub count: u64,
}

/// Why the search stopped before it had seen every schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// It ran the bound's number of schedules.
    Bound,
    /// Ctrl-C.
    Interrupted,
    /// The whole search ran out of instructions.
    Instructions,
}

/// What `:explore` found.
pub struct Explored {
    /// The store's data the search started from.
    pub start: StoreData,
    /// The threads as they were (what `:replay` restarts from).
    pub(super) agents: Vec<super::agents::Agent>,
    /// Distinct final states, in the order found.
    pub finals: Vec<FinalState>,
    /// Complete schedules run.
    pub schedules: u64,
    /// Schedules cut at the depth limit (a thread spinning).
    pub too_deep: u64,
    /// The bound asked for.
    pub bound: u64,
    /// Why it stopped early, if it did.
    pub cut: Option<Cut>,
    /// The replay in progress: the final state and the next turn.
    pub(super) replay: Option<(usize, usize)>,
    /// The session module's fields when the search ran (`:replay` refuses
    /// to follow a schedule on code that changed since).
    pub(super) fields: std::sync::Arc<Vec<super::fields::Field>>,
}

/// A point of the search with threads still to try.
struct Branch {
    data: StoreData,
    runs: Vec<Run>,
    schedule: Schedule,
    /// Threads still to try, the next one last.
    others: Vec<usize>,
}

/// The search's running totals.
struct Search {
    instructions: u64,
    interrupted: bool,
    /// Instruction texts, each module printed once.
    texts: super::instr_text::InstrTexts,
}

impl Session {
    /// Runs every interleaving of the ready threads (up to `bound`
    /// schedules) on copies and collects the distinct final states.
    pub(super) fn explore_threads(&mut self, bound: u64) -> Explored {
        let mut explored = Explored {
            start: self.store.data.clone(),
            agents: self.agents.clone(),
            finals: Vec::new(),
            schedules: 0,
            too_deep: 0,
            bound,
            cut: None,
            replay: None,
            fields: self.fields.clone(),
        };
        let mut runs: Vec<Run> = explored
            .agents
            .iter()
            .map(|a| Run {
                execution: a.execution.clone(),
                state: a.state.clone(),
            })
            .collect();
        let mut search = Search {
            instructions: 0,
            interrupted: false,
            texts: Default::default(),
        };
        let mut index: HashMap<FinalKey, usize> = HashMap::new();
        self.store.blocking_waits = true;
        let mut schedule = Schedule::default();
        for t in 0..runs.len() {
            let steps = self.run_local(&mut runs, t, &mut search);
            schedule.prefix.push(steps);
        }
        let mut stack: Vec<Branch> = Vec::new();
        loop {
            explored.cut = if search.interrupted {
                Some(Cut::Interrupted)
            } else if search.instructions >= INSTRUCTION_LIMIT {
                Some(Cut::Instructions)
            } else if explored.schedules >= bound {
                Some(Cut::Bound)
            } else {
                None
            };
            if explored.cut.is_some() {
                break;
            }
            let last = schedule.turns.last().map(|t| t.thread);
            let mut ready = ready_threads(&runs, last);
            if ready.is_empty() && self.time_out_waits(&mut runs, &mut schedule, &mut search) {
                continue;
            }
            let deep = schedule.depth >= DEPTH_LIMIT;
            if ready.is_empty() || deep {
                if deep {
                    explored.too_deep += 1;
                } else {
                    explored.schedules += 1;
                    self.record_final(&runs, &schedule, &mut explored, &mut index);
                }
                // Back to the latest point with a thread still to try.
                let Some(mut branch) = stack.pop() else { break };
                let next = branch.others.pop().unwrap_or_default();
                if branch.others.is_empty() {
                    (self.store.data, runs, schedule) = (branch.data, branch.runs, branch.schedule);
                } else {
                    self.store.data = branch.data.clone();
                    (runs, schedule) = (branch.runs.clone(), branch.schedule.clone());
                    stack.push(branch);
                }
                ready = vec![next];
            } else if ready.len() > 1 {
                stack.push(Branch {
                    data: self.store.data.clone(),
                    runs: runs.clone(),
                    schedule: schedule.clone(),
                    others: ready[1..].iter().rev().copied().collect(),
                });
            }
            self.transition(&mut runs, ready[0], &mut schedule, &mut search);
        }
        self.store.data = explored.start.clone();
        self.store.blocking_waits = false;
        // What host functions printed during the search never happened.
        self.take_console();
        explored
    }

    /// Thread `t` makes its shared access, then runs on to its next one.
    fn transition(
        &mut self,
        runs: &mut [Run],
        t: usize,
        schedule: &mut Schedule,
        search: &mut Search,
    ) {
        let text = runs[t]
            .execution
            .position(&self.store)
            .and_then(|(func, offset)| search.texts.get(&self.store, func, offset))
            .map_or_else(|| "a call".to_string(), |t| t.text.clone());
        let mut steps = 0;
        self.step_thread_once(runs, t, &mut steps, search);
        if runs[t].execution.waiting().is_some() {
            schedule.waited = true;
        }
        steps += self.run_local(runs, t, search);
        schedule.add(t, steps, Some(text));
        // Threads a notify woke go on with result 0 ("ok").
        let woken: Vec<usize> = self
            .store
            .data
            .waiters
            .iter()
            .filter(|w| w.timeout == WOKEN)
            .map(|w| w.owner as usize)
            .collect();
        for owner in woken {
            self.resume(runs, owner, 0, schedule, search);
        }
    }

    /// When every thread waits, those with a timeout time out (result 2),
    /// as under `:run`; false when none can.
    fn time_out_waits(
        &mut self,
        runs: &mut [Run],
        schedule: &mut Schedule,
        search: &mut Search,
    ) -> bool {
        let timed_out: Vec<usize> = self
            .store
            .data
            .waiters
            .iter()
            .filter(|w| w.timeout >= 0)
            .map(|w| w.owner as usize)
            .collect();
        for owner in &timed_out {
            self.resume(runs, *owner, 2, schedule, search);
        }
        !timed_out.is_empty()
    }

    /// Ends thread `owner`'s wait with `result` and runs it to its next shared access.
    fn resume(
        &mut self,
        runs: &mut [Run],
        owner: usize,
        result: u32,
        schedule: &mut Schedule,
        search: &mut Search,
    ) {
        self.store
            .data
            .waiters
            .retain(|w| w.owner as usize != owner);
        if let Some(run) = runs.get_mut(owner) {
            run.execution.complete_wait(&self.store, result);
            run.state = AgentState::Ready;
            let steps = self.run_local(runs, owner, search);
            schedule.add(owner, steps, None);
        }
    }

    /// Runs thread `t` while its next instruction touches only its own frame.
    fn run_local(&mut self, runs: &mut [Run], t: usize, search: &mut Search) -> u64 {
        let mut steps = 0;
        while runs[t].state == AgentState::Ready
            && !search.interrupted
            && !is_shared_access(&self.store, &runs[t].execution)
        {
            self.step_thread_once(runs, t, &mut steps, search);
        }
        steps
    }

    /// One instruction of thread `t`, and what became of the thread.
    fn step_thread_once(
        &mut self,
        runs: &mut [Run],
        t: usize,
        steps: &mut u64,
        search: &mut Search,
    ) {
        *steps += 1;
        search.instructions += 1;
        if search.instructions.is_multiple_of(4096)
            && (self.store.interrupt.swap(false, Ordering::Relaxed)
                || search.instructions >= INSTRUCTION_LIMIT)
        {
            search.interrupted = search.instructions < INSTRUCTION_LIMIT;
            runs[t].state = AgentState::Trapped("the search stopped here".into());
            return;
        }
        let outcome = runs[t].execution.step(&mut self.store);
        runs[t].state = match outcome {
            Ok(Outcome::Paused) => match runs[t].execution.waiting() {
                Some(mut waiter) => {
                    waiter.owner = t as u32;
                    self.store.data.waiters.push(waiter);
                    AgentState::Waiting(waiter.address)
                }
                None => AgentState::Ready,
            },
            Ok(Outcome::Finished(values)) => AgentState::Finished(values),
            Err(trap) => match self.agents.get(t) {
                Some(agent) => AgentState::Trapped(
                    self.trap_error(&agent.prepared, &agent.code, &trap).message,
                ),
                None => AgentState::Trapped(trap.to_string()),
            },
        };
    }

    /// Adds the end of a schedule to the distinct final states.
    fn record_final(
        &self,
        runs: &[Run],
        schedule: &Schedule,
        explored: &mut Explored,
        index: &mut HashMap<FinalKey, usize>,
    ) {
        let threads = runs.iter().map(|r| self.describe(&r.state)).collect();
        let key = final_key(&explored.start, &self.store.data, threads);
        match index.get(&key) {
            Some(i) => explored.finals[*i].count += 1,
            None => {
                index.insert(key.clone(), explored.finals.len());
                let mut schedule = schedule.clone();
                schedule.close();
                explored.finals.push(FinalState {
                    key,
                    schedule,
                    count: 1,
                });
            }
        }
    }
}

/// The threads that can run, in the order the search tries them: from the
/// one after `last` (the thread that ran last) round to `last` itself. So
/// the first schedule switches threads at every shared access, and a
/// thread spinning on a flag gives way to the thread that sets it instead
/// of spinning to the depth limit first.
fn ready_threads(runs: &[Run], last: Option<usize>) -> Vec<usize> {
    let n = runs.len();
    let first = last.map_or(0, |l| l + 1);
    (first..first + n)
        .map(|t| t % n)
        .filter(|t| runs[*t].state == AgentState::Ready)
        .collect()
}

/// What tells this end of a schedule apart from the others.
pub(super) fn final_key(start: &StoreData, end: &StoreData, threads: Vec<String>) -> FinalKey {
    let changes = diff(start, end);
    let memory = changes
        .memory
        .iter()
        .flat_map(|(mem, ranges)| {
            let bytes = end.memories[mem.0 as usize].bytes();
            ranges.iter().map(move |r| {
                (
                    *mem,
                    r.start,
                    bytes[r.start as usize..r.end as usize].to_vec(),
                )
            })
        })
        .collect();
    let globals = changes
        .globals
        .iter()
        .map(|g| {
            let global = &end.globals[g.0 as usize];
            (g.0, global.value, global.high)
        })
        .collect();
    FinalKey {
        memory,
        globals,
        threads,
    }
}

/// Whether the next instruction of `execution` may touch what other threads
/// see: memories, globals, tables, segments, host functions. Everything
/// else (numeric work, locals, control, calls of wasm functions) reads and
/// writes the thread's own frame only.
fn is_shared_access(store: &Store, execution: &Execution) -> bool {
    let Some(frame) = execution.call_stack().pop() else {
        return false;
    };
    let Some(FuncInst::Wasm { body, instance, .. }) = store.func(frame.func) else {
        return true;
    };
    let Some(instr) = crate::vm::exec::code_for(body, true)
        .code
        .get(frame.pc as usize)
    else {
        return false;
    };
    let calls_host = |func: u32| {
        let callee = store
            .instance(*instance)
            .and_then(|i| i.funcs.get(func as usize).copied());
        !matches!(
            callee.and_then(|f| store.func(f)),
            Some(FuncInst::Wasm { .. })
        )
    };
    match instr {
        Instr::Call { func, .. } | Instr::ReturnCall { func, .. } => calls_host(*func),
        Instr::Unreachable
        | Instr::Nop
        | Instr::Br { .. }
        | Instr::BrLoop { .. }
        | Instr::BrIfNez { .. }
        | Instr::BrIfEqz { .. }
        | Instr::BrTable { .. }
        | Instr::Copy { .. }
        | Instr::Move { .. }
        | Instr::Return { .. }
        | Instr::RefAsNonNull { .. }
        | Instr::Select { .. }
        | Instr::Const32 { .. }
        | Instr::Const64 { .. }
        | Instr::RefNull { .. }
        | Instr::RefIsNull { .. }
        | Instr::RefFunc { .. }
        | Instr::Wide { .. } => false,
        other => !other.is_numeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::Cut;
    use crate::session::{Reply, Session};

    /// A session that has evaluated `inputs` and spawned `threads` (name, fragment).
    fn session_with(inputs: &[&str], threads: &[&str]) -> Session {
        let mut session = Session::new();
        for input in inputs {
            session
                .eval(input)
                .unwrap_or_else(|e| panic!("{input}: {}", e.message));
        }
        for thread in threads {
            session
                .spawn(thread)
                .unwrap_or_else(|e| panic!("{thread}: {}", e.message));
        }
        session
    }

    fn notes(replies: &[Reply]) -> Vec<String> {
        replies
            .iter()
            .filter_map(|r| match r {
                Reply::Note(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    const LOST_UPDATE: &[&str] = &[
        "(memory 1 1 shared)",
        "(func $inc (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1))))",
    ];

    #[test]
    fn exploring_twice_gives_the_same_answer_and_moves_nothing() {
        let mut session = session_with(LOST_UPDATE, &["a call $inc", "b call $inc"]);
        let first = notes(&session.explore("").expect("explores"));
        let second = notes(&session.explore("").expect("explores again"));
        assert_eq!(first, second);
        assert!(first[0].contains("2 distinct final states"), "{first:?}");
        assert_eq!(session.memory0_bytes(0, 4), vec![0, 0, 0, 0]);
        // The threads are still ready, so :run runs them from the start.
        session.run_agents("").expect("runs");
        assert_eq!(session.memory0_bytes(0, 4), vec![2, 0, 0, 0]);
    }

    #[test]
    fn a_thread_nobody_notifies_ends_waiting() {
        let mut session = session_with(
            &["(memory 1 1 shared)"],
            &["w i32.const 0 i32.const 0 i64.const -1 memory.atomic.wait32"],
        );
        let found = notes(&session.explore("").expect("explores"));
        assert!(
            found[0].starts_with("explored 1 schedule (every"),
            "{found:?}"
        );
        assert!(found[1].contains("w waiting at 0x0"), "{found:?}");
        assert!(
            session.store.data.waiters.is_empty(),
            "the wait was a copy's"
        );
    }

    #[test]
    fn ctrl_c_cuts_the_search_and_leaves_the_threads_ready() {
        let mut session = session_with(
            &[
                "(memory 1 1 shared)",
                "(func $spin (local $i i32) (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 100000)))))",
            ],
            &["a call $spin"],
        );
        session
            .interrupt_flag()
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let explored = session.explore_threads(10);
        assert_eq!(explored.cut, Some(Cut::Interrupted));
        assert_eq!(explored.schedules, 0);
        assert!(session.agents.iter().all(|a| a.state.is_live()));
    }
}

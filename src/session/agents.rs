//! Threads in the session: agents that run fragments against the same store
//! (so they share its shared memories), interleaved by a deterministic
//! round-robin scheduler. The same inputs give the same interleaving every
//! time, so a data race can be shown, replayed exactly, and then fixed with
//! atomics.

use super::fragment::Prepared;
use super::{Reply, Session, SessionError, ThreadInfo, ThreadState};
use crate::vm::{Execution, Outcome, Value};

/// Where an agent is.
#[derive(Clone, Debug, PartialEq)]
pub enum AgentState {
    /// Has instructions left to run.
    Ready,
    /// Blocked in `memory.atomic.wait` at this byte address.
    Waiting(u64),
    /// In the stepper (`:thread NAME`); `:run` leaves it alone.
    Stepping,
    /// Finished with these results.
    Finished(Vec<Value>),
    /// Stopped by a trap.
    Trapped(String),
}

impl AgentState {
    /// Whether the thread may still run (ready, or waiting to be woken).
    pub fn is_live(&self) -> bool {
        matches!(self, AgentState::Ready | AgentState::Waiting(_))
    }
}

/// One agent: a fragment running in its own execution.
#[derive(Clone)]
pub struct Agent {
    /// Its name.
    pub name: String,
    /// The fragment's text.
    pub code: String,
    pub(super) prepared: Prepared,
    pub(super) execution: Execution,
    /// Where it is.
    pub state: AgentState,
    /// Instructions it has run.
    pub steps: u64,
}

/// Most instructions one `:run` executes across all agents.
const RUN_LIMIT: u64 = 50_000_000;

impl Session {
    /// `:spawn NAME FRAGMENT`.
    pub fn spawn(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let (name, code) = args.trim().split_once(char::is_whitespace).ok_or_else(|| {
            SessionError::usage(
                "usage: :spawn NAME FRAGMENT, e.g. :spawn a i32.const 100 call $count",
            )
        })?;
        if self
            .agents
            .iter()
            .any(|a| a.name == name && a.state == AgentState::Ready)
        {
            return Err(SessionError::usage(format!(
                "a thread named {name} is still running"
            )));
        }
        // An agent starts from an empty stack of its own and no scratch locals.
        let (stack, locals) = (
            std::mem::take(&mut self.stack),
            std::mem::take(&mut self.locals),
        );
        let prepared = self.prepare_fragment(code.trim());
        self.stack = stack;
        self.locals = locals;
        let prepared = prepared?;
        let mut execution = Execution::new(&self.store, prepared.func, &prepared.args)
            .map_err(|t| SessionError::usage(t.to_string()))?;
        execution.use_step_mode();
        self.agents.retain(|a| a.name != name);
        self.agents.push(Agent {
            name: name.to_string(),
            code: code.trim().to_string(),
            prepared,
            execution,
            state: AgentState::Ready,
            steps: 0,
        });
        self.journal_unreplayed(
            &format!(":spawn {args}"),
            "threads are not repeated (node runs the program on one thread)",
        );
        Ok(vec![Reply::Note(format!(
            "thread {name} is ready; :run interleaves the threads, :threads lists them"
        ))])
    }

    /// `:run [QUANTUM]`: round-robin until every thread has finished.
    pub fn run_agents(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let quantum: u64 = match args.trim() {
            "" => 10,
            n => n.parse().ok().filter(|q| *q > 0).ok_or_else(|| {
                SessionError::usage("usage: :run [QUANTUM], a number of instructions per turn")
            })?,
        };
        if !self.agents.iter().any(|a| a.state == AgentState::Ready) {
            return Err(SessionError::usage(
                "no thread is ready: start one with :spawn NAME FRAGMENT",
            ));
        }
        let before = self.snapshot();
        let mut total = 0u64;
        let mut notes: Vec<String> = Vec::new();
        self.store.blocking_waits = true;
        loop {
            let ready: Vec<usize> = (0..self.agents.len())
                .filter(|i| self.agents[*i].state == AgentState::Ready)
                .collect();
            if ready.is_empty() {
                // Everyone waits: time passes, so waits with a timeout end with 2 ("timed-out").
                let timed_out: Vec<u32> = self
                    .store
                    .data
                    .waiters
                    .iter()
                    .filter(|w| w.timeout >= 0)
                    .map(|w| w.owner)
                    .collect();
                if timed_out.is_empty() {
                    break;
                }
                for owner in timed_out {
                    self.resume_waiter(owner, 2);
                }
                continue;
            }
            if total >= RUN_LIMIT {
                break;
            }
            for i in ready {
                let outcome = self.agents[i].execution.run_steps(&mut self.store, quantum);
                self.agents[i].steps += quantum;
                total += quantum;
                match outcome {
                    Ok(Outcome::Paused) => {
                        if let Some(mut waiter) = self.agents[i].execution.waiting() {
                            waiter.owner = i as u32;
                            self.store.data.waiters.push(waiter);
                            self.agents[i].state = AgentState::Waiting(waiter.address);
                        }
                    }
                    Ok(Outcome::Finished(values)) => {
                        notes.push(format!(
                            "thread {} finished: {}",
                            self.agents[i].name,
                            self.values_named(&values)
                        ));
                        self.agents[i].state = AgentState::Finished(values);
                    }
                    Err(trap) => {
                        let agent = &self.agents[i];
                        let error = self.trap_error(&agent.prepared, &agent.code, &trap);
                        notes.push(format!("thread {} trapped: {}", agent.name, error.message));
                        self.agents[i].state = AgentState::Trapped(error.message);
                    }
                }
                // Resume the threads a notify woke (result 0: "ok").
                let woken: Vec<u32> = self
                    .store
                    .data
                    .waiters
                    .iter()
                    .filter(|w| w.timeout == crate::vm::exec::WOKEN)
                    .map(|w| w.owner)
                    .collect();
                for owner in woken {
                    self.resume_waiter(owner, 0);
                }
            }
        }
        self.store.blocking_waits = false;
        let stuck: Vec<String> = self
            .agents
            .iter()
            .filter_map(|a| match a.state {
                AgentState::Waiting(address) => Some(format!("{} (at 0x{address:x})", a.name)),
                _ => None,
            })
            .collect();
        if !stuck.is_empty() && total < RUN_LIMIT {
            notes.push(format!(
                "deadlock: {} wait{} and no running thread can notify",
                stuck.join(", "),
                if stuck.len() == 1 { "s" } else { "" }
            ));
        }
        if total >= RUN_LIMIT {
            notes.push(format!(
                "stopped after {total} instructions; :run again to go on"
            ));
        }
        if let Some(before) = before {
            self.changes = super::diff(&before, &self.store.data);
        }
        Ok(notes.into_iter().map(Reply::Note).collect())
    }

    /// Ends thread `owner`'s wait with `result` and makes it ready.
    fn resume_waiter(&mut self, owner: u32, result: u32) {
        self.store.data.waiters.retain(|w| w.owner != owner);
        if let Some(agent) = self.agents.get_mut(owner as usize) {
            agent.execution.complete_wait(&self.store, result);
            agent.state = AgentState::Ready;
        }
    }

    /// `:thread NAME`: step one thread by hand.
    pub fn thread_command(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let name = args.trim();
        let index = self
            .agents
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| SessionError::usage(format!("no thread named {name} (see :threads)")))?;
        if self.debugger.as_ref().is_some_and(|d| d.agent.is_none()) {
            return Err(SessionError::usage(
                "an input is paused in the stepper: finish or abort it first",
            ));
        }
        self.detach_thread();
        if self.agents[index].state != AgentState::Ready {
            return Err(SessionError::usage(format!(
                "thread {name} is not ready to step (see :threads)"
            )));
        }
        let agent = &mut self.agents[index];
        agent.state = AgentState::Stepping;
        let (code, prepared, execution) = (
            agent.code.clone(),
            agent.prepared.clone(),
            agent.execution.clone(),
        );
        Ok(self.step_thread(index, &code, prepared, execution))
    }

    /// A stepped thread's execution, back under the scheduler.
    pub(super) fn return_thread(&mut self, agent: usize, execution: Execution) {
        if let Some(a) = self.agents.get_mut(agent) {
            a.execution = execution;
            a.state = AgentState::Ready;
        }
    }

    /// A stepped thread finished.
    pub(super) fn thread_finished(&mut self, agent: usize, values: Vec<Value>) -> Vec<Reply> {
        let shown = self.values_named(&values);
        let Some(a) = self.agents.get_mut(agent) else {
            return Vec::new();
        };
        a.state = AgentState::Finished(values);
        vec![Reply::Note(format!("thread {} finished: {shown}", a.name))]
    }

    /// A stepped thread trapped.
    pub(super) fn thread_trapped(&mut self, agent: usize, message: &str) {
        if let Some(a) = self.agents.get_mut(agent) {
            a.state = AgentState::Trapped(message.to_string());
        }
    }

    /// The threads and their states (`:threads`).
    pub fn threads(&self) -> Vec<ThreadInfo> {
        self.agents
            .iter()
            .map(|agent| ThreadInfo {
                name: agent.name.clone(),
                code: agent.code.clone(),
                state: match &agent.state {
                    AgentState::Ready => ThreadState::Ready,
                    AgentState::Waiting(address) => ThreadState::Waiting(*address),
                    AgentState::Stepping => ThreadState::Stepping,
                    AgentState::Finished(values) => {
                        ThreadState::Finished(values.clone(), self.func_names(values))
                    }
                    AgentState::Trapped(message) => ThreadState::Trapped(message.clone()),
                },
            })
            .collect()
    }
}

impl Session {
    /// A thread's state in words, as the final states of `:explore` say it
    /// (`finished [i32:42]`, references named as `:stack` names them).
    pub(super) fn describe(&self, state: &AgentState) -> String {
        match state {
            AgentState::Ready => "ready".into(),
            AgentState::Waiting(address) => format!("waiting at 0x{address:x}"),
            AgentState::Stepping => "in the stepper".into(),
            AgentState::Finished(values) => format!("finished {}", self.values_named(values)),
            AgentState::Trapped(message) => format!("trapped: {message}"),
        }
    }
}

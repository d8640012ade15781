//! `:replay N`: the schedule of a final state found by `:explore`, turn by
//! turn in the stepper. The threads and the store go back to where the
//! search started; each turn opens its thread in the stepper (as `:thread`
//! does) for the learner to step through; `:replay` alone runs what is left
//! of the turn and opens the next one, until the threads reach final state N.

use super::agents::AgentState;
use super::explore::final_key;
use super::fields::Field;
use super::{Reply, Session, SessionError, diff};
use crate::vm::Outcome;

impl Session {
    /// `:replay N` starts replaying final state N; `:replay` goes on to the next turn.
    ///
    /// # Errors
    /// A usage error when nothing was explored, N names no final state, the
    /// session changed since, or the stepped thread left its turn.
    pub fn replay(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let Some(explored) = self.explored.as_mut() else {
            return Err(SessionError::usage(
                "nothing explored yet: :explore runs the threads' interleavings first",
            ));
        };
        let arg = args.trim();
        if arg.is_empty() {
            return self.replay_next();
        }
        let states = explored.finals.len();
        let n = arg
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=states).contains(n))
            .ok_or_else(|| {
                SessionError::usage(format!(
                    "usage: :replay N, a final state of the last :explore (1 to {states})"
                ))
            })?;
        if explored.finals[n - 1].schedule.waited {
            let turns = &explored.finals[n - 1].schedule.turns;
            let wait = turns.iter().enumerate().find_map(|(i, t)| {
                let text = t
                    .accesses
                    .iter()
                    .find(|a| a.starts_with("memory.atomic.wait"))?;
                let name = self.agents.get(t.thread).map_or("?", |a| a.name.as_str());
                Some(format!(
                    " (turn {} of {}: thread {name} runs {text})",
                    i + 1,
                    turns.len()
                ))
            });
            return Err(SessionError::usage(format!(
                "final state {n}'s schedule blocks in memory.atomic.wait{}, and :replay cannot \
                 wake a thread yet; step the threads by hand with :thread NAME and :run instead",
                wait.unwrap_or_default()
            )));
        }
        if let Some(change) = fields_changed(&explored.fields, &self.fields) {
            return Err(SessionError::usage(format!(
                "{change} since :explore, so its schedules were explored on the old code and \
                 may not happen on the new one. Threads spawned before the change still run the \
                 old code: let them finish (:run), :spawn them again, then :explore"
            )));
        }
        let (start, agents) = (&explored.start, &explored.agents);
        let same_shape = start.memories.len() == self.store.data.memories.len()
            && start.globals.len() == self.store.data.globals.len()
            && start.tables.len() == self.store.data.tables.len()
            && agents
                .iter()
                .map(|a| &a.name)
                .eq(self.agents.iter().map(|a| &a.name));
        if !same_shape {
            return Err(SessionError::usage(
                "the session's threads, memories or globals changed since :explore; :explore again",
            ));
        }
        if self.debugger.as_ref().is_some_and(|d| d.agent.is_none()) {
            return Err(SessionError::usage(
                "an input is paused in the stepper: finish or abort it first",
            ));
        }
        self.debugger = None;
        self.store.data = start.clone();
        self.agents = agents.clone();
        self.changes = Default::default();
        explored.replay = Some((n - 1, 0));
        let mut replies = vec![Reply::Note(format!(
            "replaying final state {n}: the threads and memories are back where :explore started"
        ))];
        replies.extend(self.open_turn()?);
        Ok(replies)
    }

    /// Runs what is left of the current turn, then opens the next one.
    fn replay_next(&mut self) -> Result<Vec<Reply>, SessionError> {
        let Some(explored) = self.explored.as_mut() else {
            return Ok(Vec::new());
        };
        let Some((state, next)) = explored.replay else {
            return Err(SessionError::usage(
                "no replay is going on: :replay N steps through final state N of :explore",
            ));
        };
        let turn = explored.finals[state].schedule.turns[next].clone();
        let stepped = self.debugger.as_ref().map(|d| (d.agent, d.steps()));
        let taken = match stepped {
            Some((Some(agent), steps)) if agent == turn.thread => steps,
            Some(_) => return Err(self.leave_replay("another thread or input is in the stepper")),
            None if self.agents[turn.thread].state == AgentState::Ready => 0,
            // The learner stepped the thread to its end, which ends its turn.
            None => turn.steps,
        };
        if taken > turn.steps {
            let over = taken - turn.steps;
            return Err(self.leave_replay(&format!(
                "the thread went {over} instruction{} past its turn",
                if over == 1 { "" } else { "s" }
            )));
        }
        self.detach_thread();
        let mut replies = self.run_turn(turn.thread, turn.steps - taken);
        let threads: Vec<String> = self
            .agents
            .iter()
            .map(|a| self.describe(&a.state))
            .collect();
        let Some(explored) = self.explored.as_mut() else {
            return Ok(replies);
        };
        let turns = explored.finals[state].schedule.turns.len();
        if next + 1 < turns {
            explored.replay = Some((state, next + 1));
            replies.extend(self.open_turn()?);
            return Ok(replies);
        }
        explored.replay = None;
        let reached = final_key(&explored.start, &self.store.data, threads);
        self.changes = diff(&explored.start, &self.store.data);
        replies.push(Reply::Note(if reached == explored.finals[state].key {
            format!("replayed: the threads are in final state {}", state + 1)
        } else {
            format!(
                "the threads did not reach final state {} (something was changed while stepping)",
                state + 1
            )
        }));
        Ok(replies)
    }

    /// Opens the current turn's thread in the stepper.
    fn open_turn(&mut self) -> Result<Vec<Reply>, SessionError> {
        let Some(explored) = self.explored.as_ref() else {
            return Ok(Vec::new());
        };
        let Some((state, next)) = explored.replay else {
            return Ok(Vec::new());
        };
        let turns = &explored.finals[state].schedule.turns;
        let turn = &turns[next];
        let name = self.agents[turn.thread].name.clone();
        let what = if turn.accesses.is_empty() {
            String::new()
        } else {
            format!(", {} among them", turn.accesses.join(", "))
        };
        let note = format!(
            "turn {} of {}: thread {name} runs {} instruction{}{what}; step through them, :replay goes on",
            next + 1,
            turns.len(),
            turn.steps,
            if turn.steps == 1 { "" } else { "s" }
        );
        let mut replies = vec![Reply::Note(note)];
        replies.extend(self.thread_command(&name)?);
        Ok(replies)
    }

    /// Runs `steps` instructions of thread `t` on the session's store.
    fn run_turn(&mut self, t: usize, steps: u64) -> Vec<Reply> {
        let mut replies = Vec::new();
        self.store.blocking_waits = true;
        for _ in 0..steps {
            let Some(agent) = self.agents.get_mut(t) else {
                break;
            };
            if agent.state != AgentState::Ready {
                break;
            }
            match agent.execution.step(&mut self.store) {
                Ok(Outcome::Paused) => {}
                Ok(Outcome::Finished(values)) => {
                    replies.extend(self.thread_finished(t, values));
                }
                Err(trap) => {
                    let agent = &self.agents[t];
                    let error = self.trap_error(&agent.prepared, &agent.code, &trap);
                    replies.push(Reply::Note(format!(
                        "thread {} trapped: {}",
                        agent.name, error.message
                    )));
                    self.thread_trapped(t, &error.message);
                }
            }
        }
        self.store.blocking_waits = false;
        replies
    }

    /// Ends the replay: the learner went off its schedule.
    fn leave_replay(&mut self, why: &str) -> SessionError {
        if let Some(explored) = self.explored.as_mut() {
            explored.replay = None;
        }
        SessionError::usage(format!(
            "{why}, so the schedule cannot be followed: :replay N starts it over"
        ))
    }
}

/// The first difference between the session module's fields `then` and
/// `now`, in words: `func $inc was redefined`, `... was forgotten`, `... was
/// defined`, `the fields were reordered`. None when they are the same.
fn fields_changed(then: &[Field], now: &[Field]) -> Option<String> {
    if then == now {
        return None;
    }
    let same = |a: &Field, b: &Field| a.kind == b.kind && a.label() == b.label();
    for old in then {
        match now.iter().find(|new| same(old, new)) {
            None => return Some(format!("{} was forgotten", old.label())),
            Some(new) if new.text != old.text => {
                return Some(format!("{} was redefined", old.label()));
            }
            Some(_) => {}
        }
    }
    Some(
        match now
            .iter()
            .find(|new| !then.iter().any(|old| same(old, new)))
        {
            Some(new) => format!("{} was defined", new.label()),
            None => "the session module's fields changed".into(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::{Field, fields_changed};

    fn fields(texts: &[&str]) -> Vec<Field> {
        texts.iter().map(|t| Field::new(t, None)).collect()
    }

    #[test]
    fn a_change_of_the_fields_is_named() {
        let then = fields(&["(memory 1)", "(func $inc)"]);
        assert_eq!(fields_changed(&then, &then), None);
        let redefined = fields(&["(memory 1)", "(func $inc nop)"]);
        assert_eq!(
            fields_changed(&then, &redefined).as_deref(),
            Some("func $inc was redefined")
        );
        let forgotten = fields(&["(memory 1)"]);
        assert_eq!(
            fields_changed(&then, &forgotten).as_deref(),
            Some("func $inc was forgotten")
        );
        let added = fields(&["(memory 1)", "(func $inc)", "(func $dec)"]);
        assert_eq!(
            fields_changed(&then, &added).as_deref(),
            Some("func $dec was defined")
        );
    }
}

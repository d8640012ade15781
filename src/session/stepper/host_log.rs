//! The host calls of a recording, so that re-execution never calls the host
//! again: while the stepper executes (forward or again), every host function
//! of the store is wrapped by one that answers from this log when the call
//! was already made, and otherwise calls the host and logs what it gave.
//! A replayed `console.log` prints nothing and `Math.random` gives the same
//! number, so the history re-executed is the history observed.
//!
//! A call that returned is replayed from its logged results: the
//! workbench's host functions (console, Math, spectest, `:host` values)
//! change no memory, table or global when they return. A call that failed
//! (a trap, or a `:host` thrower's exception, which it allocates in the
//! store) is made again: it prints nothing and gives the same failure on the
//! same store. Each checkpoint keeps the log's position (see `record`).

use crate::session::Session;
use crate::vm::store::{FuncInst, HostContext, HostFn};
use crate::vm::{FuncAddr, Value};
use std::sync::{Arc, Mutex, PoisonError};

/// One logged call: where its results end in `HostLog::values`, or that it failed.
#[derive(Clone, Copy)]
struct Call {
    end: u32,
    failed: bool,
}

/// The host calls made during a recording, in order, and the next to replay.
#[derive(Default)]
pub(super) struct HostLog {
    calls: Vec<Call>,
    values: Vec<Value>,
    /// Calls made before the state the machine is in now.
    cursor: usize,
}

/// A host log shared with the wrappers in the store.
pub(super) type SharedLog = Arc<Mutex<HostLog>>;

impl HostLog {
    /// Calls made before the present state (a checkpoint keeps this).
    pub(super) fn position(&self) -> usize {
        self.cursor
    }

    /// Goes back to the state after `calls` calls (a restored checkpoint).
    pub(super) fn rewind(&mut self, calls: usize) {
        self.cursor = calls.min(self.calls.len());
    }

    /// Forgets the calls after the present state (execution goes on live).
    pub(super) fn forget_future(&mut self) {
        self.calls.truncate(self.cursor);
        let end = self.calls.last().map_or(0, |c| c.end as usize);
        self.values.truncate(end);
    }

    /// Forgets every call.
    pub(super) fn clear(&mut self) {
        *self = HostLog::default();
    }

    /// Bytes the log holds.
    pub(super) fn bytes(&self) -> usize {
        self.calls.len() * std::mem::size_of::<Call>()
            + self.values.len() * std::mem::size_of::<Value>()
    }

    /// The next call's logged results, when it is being made again (None
    /// when it is new or failed: the host is called).
    fn replay(&mut self) -> Option<Option<Vec<Value>>> {
        let call = *self.calls.get(self.cursor)?;
        let start = self
            .cursor
            .checked_sub(1)
            .map_or(0, |i| self.calls[i].end as usize);
        self.cursor += 1;
        Some((!call.failed).then(|| self.values[start..call.end as usize].to_vec()))
    }

    /// Logs a new call's results (None: it failed).
    fn push(&mut self, results: Option<&[Value]>) {
        self.values.extend_from_slice(results.unwrap_or_default());
        self.calls.push(Call {
            end: self.values.len() as u32,
            failed: results.is_none(),
        });
        self.cursor = self.calls.len();
    }
}

/// `real` behind the log: replayed when the call was made before, else made and logged.
fn logged(real: Arc<HostFn>, log: SharedLog) -> Arc<HostFn> {
    Arc::new(move |ctx: &mut HostContext<'_>, args: &[Value]| {
        let replayed = log.lock().unwrap_or_else(PoisonError::into_inner).replay();
        match replayed {
            Some(Some(values)) => Ok(values),
            Some(None) => real(ctx, args),
            None => {
                let result = real(ctx, args);
                log.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(result.as_deref().ok());
                result
            }
        }
    })
}

impl Session {
    /// Runs `f` (which executes the paused input) with every host function
    /// of the store behind the recording's host log, and puts them back.
    pub(super) fn with_host_log<T>(&mut self, f: impl FnOnce(&mut Session) -> T) -> T {
        let Some(d) = self.debugger.as_mut() else {
            return f(self);
        };
        let log = d.recording.host_log().clone();
        let funcs = &mut self.store.funcs;
        // Freed functions of retired modules are host functions without a name.
        let hosts = d.hosts.get_or_insert_with(|| {
            (0..funcs.len() as u32)
                .map(FuncAddr)
                .filter(|f| matches!(&funcs[f.index()], FuncInst::Host { name, .. } if !name.is_empty()))
                .collect()
        });
        let mut saved = Vec::with_capacity(hosts.len());
        for addr in hosts.iter() {
            if let Some(FuncInst::Host {
                type_id,
                name,
                func,
            }) = funcs.get(addr.index())
            {
                let wrapper = FuncInst::Host {
                    type_id: *type_id,
                    name: name.clone(),
                    func: logged(func.clone(), log.clone()),
                };
                saved.push((*addr, std::mem::replace(&mut funcs[addr.index()], wrapper)));
            }
        }
        let out = f(self);
        for (addr, func) in saved {
            self.store.funcs[addr.index()] = func;
        }
        out
    }
}

//! Commands for threads that share the session's memories: `:spawn`, `:run`,
//! `:thread`, `:threads`.

use super::Workbench;
use super::registry::{Command, Scope};
use crate::session::{Reply, SessionError};

/// The commands of this area, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        scope: Scope::Workbench,
        name: "spawn",
        aliases: &[],
        synopsis: "NAME FRAGMENT",
        summary: "start a thread that runs a fragment against the session's memories",
        help: "Threads share the session's memories (declare them shared to share them between modules the way JavaScript workers do). They run when you say :run.",
        run: spawn,
    },
    Command {
        scope: Scope::Workbench,
        name: "run",
        aliases: &[],
        synopsis: "[QUANTUM]",
        summary: "interleave the threads round-robin, QUANTUM instructions a turn (default 10)",
        help: "The interleaving is deterministic: the same threads and quantum give the same result, so a lost update can be replayed and then fixed with atomics.",
        run: run_threads,
    },
    Command {
        scope: Scope::Workbench,
        name: "thread",
        aliases: &[],
        synopsis: "NAME",
        summary: "step one thread by hand in the stepper",
        help: "The thread pauses where it is; step it, switch to another with :thread OTHER, or abort to hand it back to :run. Interleave threads by hand this way to replay a race step by step.",
        run: thread,
    },
    Command {
        scope: Scope::Workbench,
        name: "threads",
        aliases: &[],
        synopsis: "",
        summary: "list threads and their state",
        help: "",
        run: threads,
    },
];

fn spawn(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.spawn(args)
}

fn run_threads(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.run_agents(args)
}

fn thread(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let mut replies = wb.session.thread_command(args)?;
    if wb.session.is_stepping() {
        replies.insert(
            0,
            Reply::Note(format!(
                "stepping thread {}: abort or :thread OTHER hands it back to :run",
                args.trim()
            )),
        );
    }
    Ok(replies)
}

fn threads(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let threads = wb.session.threads();
    Ok(vec![if threads.is_empty() {
        Reply::Note("no threads; start one with :spawn NAME FRAGMENT".into())
    } else {
        Reply::Threads(threads)
    }])
}

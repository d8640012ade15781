//! Commands for threads that share the session's memories: `:spawn`, `:run`,
//! `:thread`, `:threads`, `:explore`, `:replay`.

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
    Command {
        scope: Scope::Workbench,
        name: "explore",
        aliases: &[],
        synopsis: "[BOUND]",
        summary: "run every interleaving of the ready threads and list the distinct final states",
        help: "Runs on copies, so the threads stay where they are. Only instructions that touch memories, globals, tables or host functions are scheduling points: the rest of a thread's work cannot affect the others. Each final state shows the memory words any schedule changed, the globals, how each thread ended, one schedule leading there and how many did. BOUND caps the schedules run (default 10000); Ctrl-C stops early.",
        run: explore,
    },
    Command {
        scope: Scope::Workbench,
        name: "replay",
        aliases: &[],
        synopsis: "[N]",
        summary: "step through the schedule of :explore's final state N, turn by turn",
        help: "The threads and memories go back to where :explore started, and each turn opens its thread in the stepper. Step through the turn, then :replay alone runs what is left of it and opens the next one.",
        run: replay,
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

fn explore(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    wb.session.explore(args)
}

fn replay(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    wb.session.replay(args)
}

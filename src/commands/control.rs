//! Commands that set how the session runs (`:trace`, `:limit`) or end it (`:reset`, `:quit`).

use super::Workbench;
use super::registry::{Command, Scope};
use crate::session::state::parse_number;
use crate::session::{Reply, SessionError};

/// The commands of this area, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        scope: Scope::Workbench,
        name: "trace",
        aliases: &[],
        synopsis: "on|off",
        summary: "print a line per executed instruction of each input",
        help: "Each line: the function, the instruction's byte offset, the instruction, and the operand stack after it. At most 10000 lines per input.",
        run: trace,
    },
    Command {
        scope: Scope::Workbench,
        name: "limit",
        aliases: &[],
        synopsis: "[N]",
        summary: "show or set the fuel one input may use",
        help: "One budget for everything an input runs (functions it calls, (invoke ...), start functions, data segments). A unit of fuel is one loop iteration or call, or 64 bytes (8 table elements) a bulk instruction such as memory.fill touches. An input that runs out stops with \"out of fuel\" and is undone. The default (100000000) takes a few seconds, time enough to press Ctrl-C and step through it instead.",
        run: limit,
    },
    Command {
        scope: Scope::Workbench,
        name: "reset",
        aliases: &[],
        synopsis: "",
        summary: "start over with an empty session",
        help: "",
        run: reset,
    },
    Command {
        scope: Scope::Workbench,
        name: "quit",
        aliases: &[],
        synopsis: "",
        summary: "leave watlab (Ctrl-D works too)",
        help: "",
        run: quit,
    },
];

fn trace(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let on = match args.trim() {
        "on" => true,
        "off" => false,
        "" => !session.tracing(),
        other => {
            return Err(SessionError::usage(format!(
                "usage: :trace on|off (not {other})"
            )));
        }
    };
    session.set_tracing(on);
    Ok(vec![Reply::Note(format!(
        "trace {}",
        if on { "on" } else { "off" }
    ))])
}

fn limit(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    if !args.trim().is_empty() {
        let limit = parse_number(args.trim())
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                SessionError::usage("usage: :limit N, with N a positive number of fuel units")
            })?;
        session.set_budget(limit);
    }
    Ok(vec![Reply::Note(format!(
        "an input may use {} units of fuel (1 per loop iteration or call, 1 per 64 bytes a bulk instruction touches)",
        session.budget()
    ))])
}

fn reset(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    wb.session.reset();
    Ok(vec![Reply::Note("the session is empty again".into())])
}

fn quit(_: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Quit])
}

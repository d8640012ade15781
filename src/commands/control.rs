//! Commands that set how the session runs (`:trace`, `:limit`), take inputs
//! back (`:undo`) or end it (`:reset`, `:quit`).

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
        synopsis: "[N] | record [SIZE]",
        summary: "show or set the fuel one input may use, or the stepper recording's memory budget",
        help: "One budget for everything an input runs (functions it calls, (invoke ...), start functions, data segments). A unit of fuel is one loop iteration or call, or 64 bytes (8 table elements) a bulk instruction such as memory.fill touches. An input that runs out stops with \"out of fuel\" and, like a trap, keeps what it wrote (:undo takes it back). The default (100000000) takes a few seconds, time enough to press Ctrl-C and step through it instead. `:limit record 64M` sets the most memory the stepper's recording (behind back and the reverse commands) may hold, default 256M: it keeps checkpoints and executes forward from them, and beyond the budget older checkpoints thin out (going back there re-executes more) and then the oldest go.",
        run: limit,
    },
    Command {
        scope: Scope::Workbench,
        name: "undo",
        aliases: &[],
        synopsis: "[N]",
        summary: "take back the last N inputs (1 if not given), a trapped one too",
        help: "Puts the stack, scratch locals, memories, tables, globals, definitions, named modules, registrations and the host object back exactly as they were before the input, whatever kind it was (WAT, an instruction input, a script command, a workbench command such as :write or :reset). Only inputs that changed something count. A trap keeps what the code wrote, as WebAssembly does; :undo is the way to take that back. The history keeps the last 100 inputs and at most 256 MiB of saved memory, counting the 4 KiB chunks that are not zero (the oldest go first). While the memories are larger than 128 MiB, inputs cannot be undone (reading them through for every input would make each one slow): the first such input says so, and :undo names it. Settings (:trace, :limit, breakpoints) are not inputs' effects and stay.",
        run: undo,
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
    if let Some(size) = args.trim().strip_prefix("record") {
        return limit_record(session, size.trim());
    }
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

/// `:limit record [SIZE]`: shows or sets the stepper recording's byte budget.
fn limit_record(
    session: &mut crate::session::Session,
    size: &str,
) -> Result<Vec<Reply>, SessionError> {
    if !size.is_empty() {
        let (digits, unit) = match size.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
            Some((i, _)) => size.split_at(i),
            None => (size, ""),
        };
        let scale = match unit.to_ascii_uppercase().as_str() {
            "" | "B" => 1,
            "K" | "KB" | "KIB" => 1 << 10,
            "M" | "MB" | "MIB" => 1 << 20,
            "G" | "GB" | "GIB" => 1 << 30,
            _ => 0,
        };
        let bytes = parse_number(digits)
            .and_then(|n| usize::try_from(n).ok())
            .and_then(|n| n.checked_mul(scale))
            .filter(|n| *n >= 1 << 20)
            .ok_or_else(|| {
                SessionError::usage(
                    "usage: :limit record SIZE, at least 1M, e.g. :limit record 64M",
                )
            })?;
        session.set_record_budget(bytes);
    }
    let mut note = format!(
        "the stepper's recording may hold {} MiB (older checkpoints thin out beyond it)",
        session.record_budget() >> 20
    );
    if let Some((bytes, checkpoints)) = session.recording_usage() {
        note.push_str(&format!(
            "; it holds {:.1} MiB in {checkpoints} checkpoint(s)",
            bytes as f64 / f64::from(1 << 20)
        ));
    }
    Ok(vec![Reply::Note(note)])
}

fn undo(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let n = match args.trim() {
        "" => 1,
        n => parse_number(n)
            .filter(|n| *n > 0)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                SessionError::usage("usage: :undo [N], with N a positive number of inputs")
            })?,
    };
    let undone = wb.session.undo(n)?;
    let mut replies: Vec<Reply> = undone
        .iter()
        .map(|input| Reply::Note(format!("undid: {input}")))
        .collect();
    if undone.len() < n {
        replies.push(Reply::Note(format!(
            "that was all: {} input(s) undone, nothing older to undo",
            undone.len()
        )));
    }
    Ok(replies)
}

fn reset(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    wb.session.reset();
    Ok(vec![Reply::Note("the session is empty again".into())])
}

fn quit(_: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Quit])
}

#[cfg(test)]
mod tests {
    use super::COMMANDS;
    use crate::session::{UNDO_BYTES, UNDO_INPUTS};

    #[test]
    fn undo_help_states_the_bounds_the_history_keeps() {
        let undo = COMMANDS.iter().find(|c| c.name == "undo").map(|c| c.help);
        let help = undo.unwrap_or_default();
        assert!(
            help.contains(&format!("last {UNDO_INPUTS} inputs")),
            "{help}"
        );
        assert!(
            help.contains(&format!("{} MiB", UNDO_BYTES >> 20)),
            "{help}"
        );
    }
}

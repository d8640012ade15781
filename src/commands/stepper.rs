//! The stepper's commands, typed as bare words while a fragment is paused
//! (`s`, `next 3`, `b $f`), gdb style.

use super::Workbench;
use super::registry::{self, Command, Scope};
use crate::session::{ErrorKind, Reply, SessionError};

macro_rules! stepper_command {
    ($name:literal, [$($alias:literal),*], $synopsis:literal, $summary:literal, $help:literal, $run:expr) => {
        Command {
            scope: Scope::Stepper,
            name: $name,
            aliases: &[$($alias),*],
            synopsis: $synopsis,
            summary: $summary,
            help: $help,
            run: $run,
        }
    };
}

/// The stepper's commands, in help order.
pub const COMMANDS: &[Command] = &[
    stepper_command!(
        "step",
        ["s"],
        "[N]",
        "run the next instruction (or N), into calls",
        "",
        |wb, args| wb.session.step(count(args)?)
    ),
    stepper_command!(
        "next",
        ["n"],
        "",
        "run the next instruction, over calls",
        "A call runs to its return and pauses after it.",
        |wb, _| wb.session.step_over()
    ),
    stepper_command!(
        "finish",
        [],
        "",
        "run until the current function returns",
        "",
        |wb, _| wb.session.finish()
    ),
    stepper_command!(
        "continue",
        ["c"],
        "",
        "run until a breakpoint, a watchpoint or the end",
        "",
        |wb, _| wb.session.continue_()
    ),
    stepper_command!(
        "until",
        [],
        "",
        "run until execution is past this instruction in this frame (leaves a loop)",
        "",
        |wb, _| wb.session.until()
    ),
    stepper_command!(
        "break",
        ["b"],
        "$FUNC\nLINE\n$FUNC:LINE\n0xOFFSET",
        "pause on entry to a function, at a line, or at a byte offset",
        "$FUNC pauses on entry to the function; LINE before the first instruction on that line of the text paused in; $FUNC:LINE on that line of the field $FUNC was typed in; 0xOFFSET before the instruction at that byte offset (shown at pauses and in traces).",
        |wb, args| wb.session.add_breakpoint(args)
    ),
    stepper_command!(
        "delete",
        [],
        "[N]",
        "delete breakpoint N, or all",
        "",
        |wb, args| wb.session.delete_breakpoints(args)
    ),
    stepper_command!(
        "info",
        [],
        "break|watch",
        "list breakpoints and watchpoints",
        "",
        info
    ),
    stepper_command!(
        "watch",
        [],
        "ADDR [LEN]\nREGION",
        "pause when an instruction writes these bytes of memory 0",
        "The pause shows the bytes before and after the write.",
        |wb, args| wb.session.add_watch(args)
    ),
    stepper_command!(
        "region",
        [],
        "ADDR LEN|TYPE[N] NAME",
        "name a range of memory 0 (as :region)",
        "",
        |wb, args| wb.session.define_region(args)
    ),
    Command {
        scope: Scope::Stepper,
        name: "display",
        aliases: &[],
        synopsis: "COMMAND",
        summary: "show a command's output at every pause, e.g. display mem 0 16",
        help: "COMMAND is a workbench command, with or without its colon. The list ends when stepping ends.",
        run: display,
    },
    stepper_command!(
        "back",
        ["rs"],
        "[N]",
        "undo the last step (or N), memory included",
        "Steps are undone exactly: stack, locals, globals and memory go back to what they were.",
        |wb, args| wb.session.step_back(count(args)? as usize)
    ),
    stepper_command!(
        "backtrace",
        ["bt", "where"],
        "",
        "show the call stack",
        "",
        |wb, _| wb.session.backtrace()
    ),
    stepper_command!(
        "abort",
        [],
        "",
        "stop stepping; the session is as it was before the input",
        "",
        |wb, _| wb.session.abort_stepping()
    ),
];

/// A count argument: empty means 1.
fn count(args: &str) -> Result<u64, SessionError> {
    match args.trim() {
        "" => Ok(1),
        word => word.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            SessionError::new(
                ErrorKind::Usage,
                format!("{word} is not a count: give a whole number of steps, at least 1"),
            )
        }),
    }
}

/// `info break` / `info watch`: the breakpoints and watchpoints.
fn info(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    match args.trim() {
        "break" | "breakpoints" | "watch" | "watchpoints" | "b" => wb.session.list_breakpoints(),
        _ => Err(SessionError::new(
            ErrorKind::Usage,
            "usage: info break (lists breakpoints and watchpoints)",
        )),
    }
}

/// `display COMMAND`: shows the command's output at every pause from now on.
fn display(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let command = args.trim().trim_start_matches(':').to_string();
    let word = command.split_whitespace().next().unwrap_or("");
    if word.is_empty() {
        return Err(SessionError::new(
            ErrorKind::Usage,
            "usage: display COMMAND, e.g. display mem 0 16",
        ));
    }
    if registry::find_colon(word).is_none() {
        return Err(registry::unknown(Scope::Workbench, word));
    }
    wb.displays.push(command.clone());
    Ok(vec![Reply::Note(format!(
        "will show :{command} at every pause"
    ))])
}

/// `LEAD: s(tep), n(ext), ...`: the stepper's everyday words (those with a
/// short form, and `abort`), from the registry, and where the rest are.
pub fn words(lead: &str) -> String {
    let words: Vec<String> = registry::in_scope(Scope::Stepper)
        .filter(|c| !c.aliases.is_empty() || c.name == "abort")
        .map(|c| match c.aliases.first() {
            Some(alias) if c.name.len() > 6 && !c.name.starts_with(alias) => alias.to_string(),
            _ => registry::short_form(c),
        })
        .collect();
    format!(
        "{lead}: {}; Enter repeats; :help step lists every command",
        words.join(", ")
    )
}

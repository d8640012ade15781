//! The stepper's commands, typed as bare words while a fragment is paused
//! (`s`, `next 3`, `b $f`), gdb style.

use super::Workbench;
use super::registry::{self, Command, Scope};
use crate::session::{ErrorKind, Reply, SessionError};

macro_rules! stepper_command {
    ($name:literal, [$($alias:literal),*], $synopsis:literal, $summary:literal, $help:literal) => {
        Command {
            scope: Scope::Stepper,
            name: $name,
            aliases: &[$($alias),*],
            synopsis: $synopsis,
            summary: $summary,
            help: $help,
            run: |wb, args| forward(wb, $name, args),
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
        ""
    ),
    stepper_command!(
        "next",
        ["n"],
        "",
        "run the next instruction, over calls",
        "A call runs to its return and pauses after it."
    ),
    stepper_command!(
        "finish",
        [],
        "",
        "run until the current function returns",
        ""
    ),
    stepper_command!(
        "continue",
        ["c"],
        "",
        "run until a breakpoint, a watchpoint or the end",
        ""
    ),
    stepper_command!(
        "until",
        [],
        "",
        "run until execution is past this instruction in this frame (leaves a loop)",
        ""
    ),
    stepper_command!(
        "break",
        ["b"],
        "$FUNC\nLINE\n$FUNC:LINE\n0xOFFSET",
        "pause on entry to a function, at a line, or at a byte offset",
        "$FUNC pauses on entry to the function; LINE before the first instruction on that line of the text paused in; $FUNC:LINE on that line of the field $FUNC was typed in; 0xOFFSET before the instruction at that byte offset (shown at pauses and in traces)."
    ),
    stepper_command!("delete", [], "[N]", "delete breakpoint N, or all", ""),
    stepper_command!(
        "info",
        [],
        "break|watch",
        "list breakpoints and watchpoints",
        ""
    ),
    stepper_command!(
        "watch",
        [],
        "ADDR [LEN]\nREGION",
        "pause when an instruction writes these bytes of memory 0",
        "The pause shows the bytes before and after the write."
    ),
    stepper_command!(
        "region",
        [],
        "ADDR LEN|TYPE[N] NAME",
        "name a range of memory 0 (as :region)",
        ""
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
        "Steps are undone exactly: stack, locals, globals and memory go back to what they were."
    ),
    stepper_command!("backtrace", ["bt", "where"], "", "show the call stack", ""),
    stepper_command!(
        "abort",
        [],
        "",
        "stop stepping; the session is as it was before the input",
        ""
    ),
];

/// Hands one stepper command to the session's stepper.
fn forward(wb: &mut Workbench, name: &str, args: &str) -> Result<Vec<Reply>, SessionError> {
    wb.session.debug_command(&format!("{name} {args}"))
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

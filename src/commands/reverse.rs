//! The stepper's reverse commands: travel back in the recording of the
//! paused input (`rs`, `rn`, `reverse-finish`, `rc`), "who wrote this?"
//! (`last-write`) and the values something held (`history`).

use super::registry::Command;
use crate::session::SessionError;

/// The reverse commands, in help order.
pub const COMMANDS: &[Command] = &[
    stepper_command!(
        "reverse-step",
        [],
        "[N]",
        "go back one instruction (or N), into calls",
        "The same as back (and its short form rs): memory, globals, tables and the stack are exactly as they were.",
        |wb, args| wb.session.step_back(count(args)?)
    ),
    stepper_command!(
        "reverse-next",
        ["rn"],
        "",
        "go back one instruction of this frame, over calls",
        "",
        |wb, _| wb.session.reverse_next()
    ),
    stepper_command!(
        "reverse-finish",
        [],
        "",
        "go back to the call of the current function",
        "",
        |wb, _| wb.session.reverse_finish()
    ),
    stepper_command!(
        "reverse-continue",
        ["rc"],
        "",
        "go back to the previous breakpoint or watchpoint hit",
        "",
        |wb, _| wb.session.reverse_continue()
    ),
    stepper_command!(
        "last-write",
        [],
        "ADDR|TYPE[ADDR]|$local|$global",
        "go back to the instruction that last changed it",
        "Pauses just before that instruction and shows the old and new value. ADDR alone is an i32 of memory 0; TYPE is i8, i16, i32 or i64.",
        |wb, args| wb.session.last_write(args)
    ),
    stepper_command!(
        "history",
        [],
        "$local|$global|ADDR|TYPE[ADDR]",
        "every value it held in this recording, with the instruction that wrote it",
        "",
        |wb, args| wb.session.value_history(args)
    ),
];

/// The optional count of `reverse-step N` (at least 1).
fn count(args: &str) -> Result<usize, SessionError> {
    match args.trim() {
        "" => Ok(1),
        n => crate::session::state::parse_number(n)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| SessionError::usage("usage: reverse-step [N], with N a positive count")),
    }
}

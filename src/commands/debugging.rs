//! Commands that start the stepper and set where it stops: `:step`, `:break`,
//! `:breakpoints`, `:delete`, `:region`.

use super::Workbench;
use super::registry::{Command, Scope};
use crate::session::{Reply, SessionError};

/// The commands of this area, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        scope: Scope::Workbench,
        name: "step",
        aliases: &[],
        synopsis: "FRAGMENT",
        summary: "run instructions one at a time in the stepper",
        help: "e.g. :step i32.const 5 call $fac. The fragment pauses before its first instruction; the words below step it. :step (invoke $m? \"f\" ARGS...) steps an exported function; :step (module $m ...) instantiates the module and pauses before the first instruction of its start function (the module is instantiated when it returns; a trap or abort fails the instantiation). An empty line repeats the last one; :mem, :stack and the other workbench commands work as usual while paused.",
        run: step,
    },
    Command {
        scope: Scope::Workbench,
        name: "break",
        aliases: &[],
        synopsis: "$FUNC
$FUNC:LINE
0xOFFSET",
        summary: "pause any input on entry to a function or before an instruction",
        help: "$FUNC pauses on entry to the function, once per call; $FUNC:LINE before the first instruction on that line of the field $FUNC was typed in (line 1 is the line of `(func`); 0xOFFSET before the instruction at that byte offset (shown at pauses and in traces). The input then continues in the stepper (:help step).",
        run: break_at,
    },
    Command {
        scope: Scope::Workbench,
        name: "breakpoints",
        aliases: &[],
        synopsis: "",
        summary: "list breakpoints",
        help: "",
        run: breakpoints,
    },
    Command {
        scope: Scope::Workbench,
        name: "delete",
        aliases: &[],
        synopsis: "[N]",
        summary: "delete breakpoint N, or all",
        help: "",
        run: delete,
    },
    Command {
        scope: Scope::Workbench,
        name: "region",
        aliases: &[],
        synopsis: "[ADDR LEN|TYPE[N] NAME]",
        summary: "name a range of memory, or list the named ones",
        help: "e.g. :region 0x100 i32[8] scores. Active data segments get regions of their own. :mem lists the regions it shows, decoded by type; in the stepper, watch NAME watches one, and a write that runs from one region into another pauses with a report.",
        run: region,
    },
];

fn step(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    wb.session.start_stepping(args)
}

fn break_at(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.add_breakpoint(args.trim())
}

fn breakpoints(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.list_breakpoints()
}

fn delete(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.delete_breakpoints(args.trim())
}

fn region(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.define_region(args)
}

//! The stepper's commands, typed as bare words while a fragment is paused
//! (`s`, `next 3`, `b $f`), gdb style.

use super::Workbench;
use super::registry::{self, Command, Scope};
use crate::session::stepper::FrameMove;
use crate::session::{ErrorKind, Reply, SessionError};

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
        ["fin"],
        "",
        "run until the selected frame's function returns (the innermost unless up/frame chose a caller)",
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
        ["u"],
        "",
        "run until execution is past this instruction in this frame (leaves a loop)",
        "",
        |wb, _| wb.session.until()
    ),
    stepper_command!(
        "next-iteration",
        ["nit"],
        "",
        "run to the next iteration of the loop paused in (or out of it)",
        "Pauses at the first instruction of the innermost loop's body the next time it runs: a branch back to a loop lands there, `loop` itself does not run again. When the loop ends instead, pauses after it. Breakpoints, watchpoints and Ctrl-C still pause on the way.",
        |wb, _| wb.session.next_iteration()
    ),
    stepper_command!(
        "leave",
        ["lv"],
        "",
        "run until the innermost block, loop or if is left",
        "Pauses at the first instruction outside it: after its end, or where a branch out of it lands (a branch back to the loop itself stays inside). Outside any block it is finish. Breakpoints, watchpoints and Ctrl-C still pause on the way.",
        |wb, _| wb.session.leave()
    ),
    stepper_command!(
        "next-branch",
        ["nb"],
        "",
        "run until a branch jumps, and pause where it lands",
        "A br, a br_table, or a br_if (br_on_null...) whose condition holds: the pause is at the branch's target (the first instruction of a loop's body, or the instruction after a block's end) and says which branch jumped. Breakpoints, watchpoints and Ctrl-C still pause on the way.",
        |wb, _| wb.session.next_branch()
    ),
    stepper_command!(
        "advance",
        [],
        "LINE\n0xOFFSET",
        "run until that line or byte offset of the current function (or its return)",
        "LINE is a line of the text paused in, as the prompt shows it (step $fill:7>); 0xOFFSET a byte offset as pauses show it. Breakpoints and watchpoints still pause on the way.",
        |wb, args| wb.session.advance(args)
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
        ["i"],
        "locals|globals|frame|stack|registers|memory|breakpoints",
        "show the selected frame's locals, globals, frame, stack, memories or breakpoints",
        "Short forms: i lo, i g, i f, i s, i m, i b; i r (registers) shows the locals and the stack, a WebAssembly machine's registers.",
        |wb, args| if args.trim() == "hits" {
            wb.session.hits()
        } else {
            wb.session.info(args)
        }
    ),
    stepper_command!(
        "print",
        ["p"],
        "$LOCAL|INDEX\n$GLOBAL\n[N]\nTYPE[ADDR]",
        "show a local, a global, an operand or a typed memory cell",
        "e.g. p $i, p 0 (local 0), p $g, p [0] (the top of the stack; [1] is below it; $stack[0] also works), p i32[0x40], p f64[8], p u8[3] (TYPE: i8 u8 i16 u16 i32 u32 i64 u64 f32 f64, read little-endian from memory 0 of the paused function's module).",
        |wb, args| wb.session.print_place(args)
    ),
    stepper_command!(
        "x",
        [],
        "/NFU ADDR",
        "examine memory: N units of size U in format F, e.g. x/16xb 0x40",
        "As gdb's x: N units (default 8); F is x (hex, the default), d (signed), u (unsigned) or c (character); U is b (byte, the default), h (2 bytes), w (4) or g (8).",
        |wb, args| wb.session.examine(args)
    ),
    stepper_command!(
        "set",
        [],
        "PLACE VALUE",
        "change a local, a mutable global, an operand or memory; back undoes it",
        "PLACE is written as for print: set $i 5, set $g 7, set [0] 1, set i32[0x40] 9. The value is read as the place's type (5, -1, 0xff, 1.5).",
        |wb, args| wb.session.set_place(args)
    ),
    stepper_command!(
        "help",
        [],
        "[WORD]",
        "list the stepper's commands, or explain one",
        "",
        |wb, args| (super::help::HELP.run)(wb, if args.trim().is_empty() { "step" } else { args })
    ),
    stepper_command!(
        "log",
        [],
        "LINE \"TEXT\" PLACE...\n$FUNC:LINE \"TEXT\" PLACE...",
        "print a message at every pass over a line, past passes included",
        "The message is quoted text and places read as print reads them (log 3 \"i=\" $i). It is printed at once for every pass over the line in the recording so far (re-executed from checkpoints), then at each future pass, as if it had always been there. Log points end with the stepping.",
        |wb, args| wb.session.add_log_point(args)
    ),
    stepper_command!(
        "hits",
        [],
        "",
        "how often each instruction ran in the recording (also info hits)",
        "Counted by re-executing the recording; listed in code order with the function and line, the byte offset and the instruction.",
        |wb, _| wb.session.hits()
    ),
    stepper_command!(
        "watch",
        [],
        "ADDR [LEN]\nREGION\n$LOCAL|$GLOBAL",
        "pause when an instruction writes these bytes of memory 0, or changes a local or global",
        "The pause shows the bytes before and after the write, or the value before and after. A local is that of the selected frame (up/down choose it); its watchpoint ends, with a pause, when that frame returns, as gdb's does.",
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
        synopsis: "COMMAND | EXPR",
        summary: "show a command's output at every pause, e.g. display mem 0 16, display $count",
        help: "COMMAND is a workbench command (with or without its colon) or a stepper one (p $i, x/4xw 0); a bare $name or local index is printed, as gdb's display EXPR does. The list ends when stepping ends.",
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
        "up",
        [],
        "[N]",
        "select the caller's frame (or N frames up): p, info and bt read it",
        "As gdb's up: frames are numbered as bt numbers them, 0 the innermost. p $x, info locals and info frame then read the selected frame; execution still continues in frame 0, and the next pause selects it again.",
        |wb, args| wb
            .session
            .select_frame(FrameMove::Up(count(args)? as usize))
    ),
    stepper_command!(
        "down",
        [],
        "[N]",
        "select the frame called from the selected one (or N frames down)",
        "",
        |wb, args| wb
            .session
            .select_frame(FrameMove::Down(count(args)? as usize))
    ),
    stepper_command!(
        "frame",
        ["f"],
        "[N]",
        "select frame N (as bt numbers them), or show the selected frame",
        "",
        |wb, args| wb.session.select_frame(FrameMove::To(frame_number(args)?))
    ),
    stepper_command!(
        "abort",
        [],
        "",
        "stop stepping; the session is as it was before the input",
        "After a trap (the stepper pauses at the trapping instruction, where forward motion is refused), abort keeps what the code wrote up to the trap, as any trap does; the stack and locals are as before the input.",
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

/// `frame N`'s number (counted from the innermost frame, 0); none shows
/// the selected frame.
fn frame_number(args: &str) -> Result<Option<usize>, SessionError> {
    match args.trim() {
        "" => Ok(None),
        word => word.parse::<usize>().map(Some).map_err(|_| {
            SessionError::new(
                ErrorKind::Usage,
                format!(
                    "{word} is not a frame number: give one as bt lists them (0 is the innermost)"
                ),
            )
        }),
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
    // A workbench command (`mem 0 16`), a stepper one (`p $i`, `x/4xw 0`),
    // or, as in gdb, an expression to print (`display $count`).
    let line = if registry::find_colon(word).is_some() {
        format!(":{command}")
    } else if registry::find(Scope::Stepper, split(&command).0).is_some() {
        command.clone()
    } else if word.starts_with('$') || word.parse::<u32>().is_ok() {
        format!("print {command}")
    } else {
        return Err(registry::unknown(Scope::Workbench, word));
    };
    wb.displays.push(line.clone());
    Ok(vec![Reply::Note(format!(
        "will show `{line}` at every pause"
    ))])
}

/// A stepper line split into its command word and arguments; gdb's
/// `x/16xb 0x40` and `p/x` carry their format after a slash.
pub fn split(line: &str) -> (&str, &str) {
    let line = line.trim();
    let end = line.find(char::is_whitespace).unwrap_or(line.len());
    match line[..end].find('/') {
        Some(slash) if slash > 0 => (&line[..slash], &line[slash..]),
        _ => (&line[..end], line[end..].trim()),
    }
}

/// The answer to a line that is not a stepper command while paused: WAT
/// (which runs only at `wat>`) is told what to do instead; anything else
/// gets the list of commands and the closest ones.
pub fn not_a_command(word: &str, line: &str) -> SessionError {
    let looks_like_wat =
        line.starts_with('(') || crate::text::catalog::lookup(word).is_some() || word.contains('.');
    if !looks_like_wat {
        return registry::unknown(Scope::Stepper, word);
    }
    SessionError::new(
        ErrorKind::Usage,
        format!(
            "`{line}` is WebAssembly, and a program is paused: while paused, lines are stepper \
             commands. To change its state use set (set $i 5, set [0] 1); to run WAT, finish the \
             paused input first (c) or drop it (abort); help lists the stepper's commands"
        ),
    )
}

/// The words [`words`] names when stepping starts; `help` lists the rest.
const EVERYDAY: &[&str] = &[
    "step",
    "next",
    "continue",
    "break",
    "back",
    "backtrace",
    "abort",
];

/// `LEAD: s(tep), n(ext), ...`: the stepper's everyday words, from the
/// registry, and where the rest are.
pub fn words(lead: &str) -> String {
    let words: Vec<String> = registry::in_scope(Scope::Stepper)
        .filter(|c| EVERYDAY.contains(&c.name))
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

#[cfg(test)]
mod tests {
    use super::{not_a_command, split};

    #[test]
    fn a_slash_starts_the_arguments_of_x_and_p() {
        assert_eq!(split("x/16xb 0x40"), ("x", "/16xb 0x40"));
        assert_eq!(split("  p $i "), ("p", "$i"));
        assert_eq!(split("s"), ("s", ""));
        assert_eq!(split("/x 1"), ("/x", "1"));
    }

    #[test]
    fn wat_while_paused_is_told_what_to_do_instead() {
        let wat = not_a_command("i32.const", "i32.const 5").message;
        assert!(wat.starts_with("`i32.const 5` is WebAssembly, and a program is paused"));
        assert!(wat.contains("abort"), "{wat}");
        let typo = not_a_command("stpe", "stpe").message;
        assert!(typo.contains("did you mean step"), "{typo}");
    }
}

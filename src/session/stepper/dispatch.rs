//! The stepper's typed commands (`s`, `n`, `b $f`, ...) mapped to the
//! [`Session`] methods that do the work. An empty line repeats the last
//! command.

use crate::session::{Reply, Session, SessionError};

impl Session {
    /// One stepper command line (`step`, `next`, ...). An empty line repeats the last one.
    pub(in crate::session) fn debug_command(
        &mut self,
        line: &str,
    ) -> Result<Vec<Reply>, SessionError> {
        let Some(debugger) = self.debugger.as_mut() else {
            return Err(SessionError::usage("not stepping"));
        };
        let line = if line.trim().is_empty() {
            debugger.last_command.clone()
        } else {
            line.trim().to_string()
        };
        debugger.last_command = line.clone();
        let (word, args) = line.split_once(char::is_whitespace).unwrap_or((&line, ""));
        let args = args.trim();
        match word {
            "s" | "step" => self.step(args.parse().unwrap_or(1)),
            "n" | "next" => self.step_over(),
            "finish" => self.finish(),
            "c" | "continue" => self.continue_(),
            "until" => self.until(),
            "b" | "break" => self.add_breakpoint(args),
            "delete" => self.delete_breakpoints(args),
            "info" if args.starts_with("break") || args.starts_with("watch") => {
                self.list_breakpoints()
            }
            "watch" => self.add_watch(args),
            "region" => self.define_region(args),
            "display" => self.add_display(args),
            "back" | "rs" => self.step_back(args.parse::<usize>().unwrap_or(1).max(1)),
            "where" | "bt" => self.backtrace(),
            "abort" => self.abort_stepping(),
            _ => Err(SessionError::usage(format!(
                "`{word}` is not a stepper command: use s(tep) [N], n(ext), finish, c(ontinue), until, b(reak) FUNC|0xOFFSET, delete [N], info break, watch ADDR [LEN]|REGION, region ADDR LEN|TYPE[N] NAME, display CMD, back [N], bt, abort (or :commands)"
            ))),
        }
    }
}

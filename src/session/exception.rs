//! An exception that leaves the input uncaught, in plain words: its tag
//! and values, and why it ended the input. It is reported apart from a
//! trap (an exception is the program's own signal, which a `try_table`
//! could have caught), but like a trap it keeps what the code wrote.

use super::{ErrorKind, Session, SessionError};
use crate::vm::{FuncAddr, TagAddr, Trap, TrapCode};

impl Session {
    /// How the user names a tag: its `$name` in the session module (which
    /// may import a host tag under it), else the name it was made with
    /// (`$oops` of another module, `env.oops` of the host).
    pub(super) fn tag_label(&self, tag: TagAddr) -> String {
        let in_session = self.session_instance().and_then(|(module, addr)| {
            let index = self
                .store
                .instance(addr)?
                .tags
                .iter()
                .position(|t| *t == tag)?;
            Some(module.tag_name(index as u32))
        });
        in_session
            .filter(|name| name.starts_with('$'))
            .or_else(|| self.store.tag(tag).map(|t| t.name.clone()))
            .unwrap_or_else(|| format!("tag#{}", tag.0))
    }

    /// An exception as the workbench writes it: `$oops (i32 7)`.
    pub(super) fn exn_text(&self, addr: u32) -> String {
        match self.store.data.exn(addr) {
            Some(exn) => format!(
                "{} {}",
                self.tag_label(exn.tag),
                crate::vm::exn::payload_text(&exn.payload)
            ),
            None => format!("exn#{addr}"),
        }
    }

    /// The error for a trap, or for an uncaught exception (which the
    /// executor hands out as [`TrapCode::UncaughtException`]); `fragment` is
    /// the function of the user's input, if the code ran one.
    pub(super) fn error_of_trap(&self, trap: &Trap, fragment: Option<FuncAddr>) -> SessionError {
        let Some(exn) = trap
            .exception
            .filter(|_| trap.code == TrapCode::UncaughtException)
            .and_then(|addr| self.store.data.exn(addr))
        else {
            return SessionError::trap(trap);
        };
        let tag = self.tag_label(exn.tag);
        let mut error = SessionError::new(
            ErrorKind::Exception,
            format!(
                "uncaught exception {tag} {}",
                crate::vm::exn::payload_text(&exn.payload)
            ),
        );
        // A throw in the user's input is pointed at in the input itself.
        if let Some((func, offset)) = exn.thrown_at.filter(|(f, _)| Some(*f) != fragment) {
            let site = crate::vm::trap::TrapSite {
                func: func.0,
                offset,
            };
            error
                .notes
                .push(format!("thrown {}", self.describe_site(&site)));
            self.point_at_site(&mut error, &site);
        }
        let catches = format!("`catch {tag}`, `catch_all`");
        error.notes.push(match exn.thrown_at {
            Some(_) => format!(
                "no try_table on the way out caught it: a try_table with {catches} or their _ref forms around the throw or the call would have"
            ),
            None => format!(
                "a host function threw it, and no try_table with {catches} or their _ref forms around the call caught it"
            ),
        });
        error
    }
}

impl Session {
    /// An exception as a value view writes it after `exnref`: `$oops(7)`.
    pub(super) fn exn_label(&self, addr: u32) -> String {
        let Some(exn) = self.store.data.exn(addr) else {
            return format!("exn#{addr}");
        };
        crate::vm::exn::exn_words(&self.tag_label(exn.tag), &exn.payload)
    }
}

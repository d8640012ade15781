//! Choosing the frame to look at while paused, as gdb's `up`, `down` and
//! `frame N` do: `p`, `info locals` and `info frame` then read a caller's
//! locals. Frames are counted from the innermost (0), as `bt` numbers them;
//! execution still continues in the innermost frame, and every pause selects
//! it again.

use super::BacktraceFrame;
use crate::session::{Reply, Session, SessionError, SourceSpot};

/// The frame `up`, `down` or `frame` selected, as the answer shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectedFrame {
    /// Its number, counted from the innermost frame (0).
    pub depth: usize,
    /// Its backtrace line's data.
    pub frame: BacktraceFrame,
    /// The text around its next instruction (a caller's call), marked.
    pub source: Option<SourceSpot>,
}

/// How a command moves the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameMove {
    /// `up N`: N frames towards the outermost caller.
    Up(usize),
    /// `down N`: N frames towards the innermost frame.
    Down(usize),
    /// `frame N`: frame N; `frame` alone shows the selected one.
    To(Option<usize>),
}

impl Session {
    /// `up`, `down`, `frame N`: selects a frame for `p`, `info` and `set`
    /// and shows it.
    ///
    /// # Errors
    /// A usage error when not paused, or when there is no such frame
    /// (`up` from the outermost, `frame 9` of three). `up N` and `down N`
    /// past the end stop at it with a note saying how far they went.
    pub fn select_frame(&mut self, how: FrameMove) -> Result<Vec<Reply>, SessionError> {
        let (count, now) = {
            let (d, _) = self.paused_frame()?;
            (d.execution.frame_views(&self.store).len(), d.selected)
        };
        let last = count.saturating_sub(1);
        let target = match how {
            FrameMove::Up(_) if now == last => {
                return Err(SessionError::usage(format!(
                    "frame {now} is the outermost: no caller to go up to (bt lists the frames)"
                )));
            }
            FrameMove::Down(_) if now == 0 => {
                return Err(SessionError::usage(
                    "frame 0 is the innermost, where execution is: nothing below it (bt lists the frames)",
                ));
            }
            FrameMove::Up(n) => now.saturating_add(n).min(last),
            FrameMove::Down(n) => now.saturating_sub(n),
            FrameMove::To(None) => now,
            FrameMove::To(Some(n)) if n > last => {
                return Err(SessionError::usage(format!(
                    "no frame {n}: the frames are 0 (innermost) to {last}; bt lists them"
                )));
            }
            FrameMove::To(Some(n)) => n,
        };
        // `up 10` two frames from the outermost goes as far as it can, and says so.
        let short = match how {
            FrameMove::Up(n) if target - now < n => Some(format!(
                "went up {} of {n}: frame {target} is the outermost",
                target - now
            )),
            FrameMove::Down(n) if now - target < n => Some(format!(
                "went down {} of {n}: frame 0 is the innermost",
                now - target
            )),
            _ => None,
        };
        if let Some(d) = self.debugger.as_mut() {
            d.selected = target;
        }
        let d = self
            .debugger
            .as_deref()
            .ok_or_else(|| SessionError::usage("not paused"))?;
        let views = d.execution.frame_views(&self.store);
        let view = views
            .get(last - target)
            .ok_or_else(|| SessionError::usage("that frame is gone"))?;
        let mut replies: Vec<Reply> = short.into_iter().map(Reply::Note).collect();
        replies.push(Reply::Frame(SelectedFrame {
            depth: target,
            frame: self.backtrace_frame(d, view, true),
            source: self.source_spot(d, view),
        }));
        Ok(replies)
    }

    /// When a caller of the selected frame has a local `$name`, how to
    /// reach it: `; $sum (frame 1) has a local $acc: up 1 selects it`.
    pub(super) fn caller_local_hint(&self, name: &str) -> Option<String> {
        let d = self.debugger.as_deref()?;
        let views = d.execution.frame_views(&self.store);
        let (depth, view) = (views.iter().rev().enumerate())
            .skip(d.selected + 1)
            .find(|(_, v)| v.locals.iter().any(|l| l.name.as_deref() == Some(name)))?;
        Some(format!(
            "; {} (frame {depth}) has a local ${name}: `up {}` selects it",
            self.frame_name(view.func, d),
            depth - d.selected
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{notes, session_with};
    use super::FrameMove;
    use crate::session::Reply;

    const FAC: &str = "(func $fac (param $n i32) (result i32) (if (result i32) (i32.le_s (local.get $n) (i32.const 1)) (then (i32.const 1)) (else (i32.mul (local.get $n) (call $fac (i32.sub (local.get $n) (i32.const 1)))))))";

    fn printed(session: &mut crate::session::Session, place: &str) -> String {
        match session.print_place(place).unwrap().as_slice() {
            [Reply::Rows(rows)] => format!("{} = {:?}", rows.title, rows.rows[0].value),
            other => panic!("not a value: {other:?}"),
        }
    }

    #[test]
    fn up_and_down_choose_whose_locals_print_reads_and_a_step_selects_frame_0_again() {
        let mut session = session_with(&[FAC]);
        session.start_stepping("i32.const 3 call $fac").unwrap();
        session.add_breakpoint("$fac").unwrap();
        session.continue_().unwrap();
        session.continue_().unwrap();
        assert!(printed(&mut session, "$n").ends_with("I32(2)"));
        session.select_frame(FrameMove::Up(1)).unwrap();
        assert!(printed(&mut session, "$n").ends_with("I32(3)"));
        session.select_frame(FrameMove::Up(1)).unwrap();
        assert!(session.print_place("$n").is_err(), "your input has no $n");
        let err = session.select_frame(FrameMove::Up(1)).unwrap_err();
        assert!(err.message.contains("outermost"), "{}", err.message);
        session.select_frame(FrameMove::To(Some(1))).unwrap();
        session.select_frame(FrameMove::Down(1)).unwrap();
        assert!(printed(&mut session, "$n").ends_with("I32(2)"));
        assert!(session.select_frame(FrameMove::Down(1)).is_err());
        assert!(session.select_frame(FrameMove::To(Some(3))).is_err());
        session.select_frame(FrameMove::To(Some(1))).unwrap();
        let up = notes(session.select_frame(FrameMove::Up(10)).unwrap());
        assert_eq!(up, ["went up 1 of 10: frame 2 is the outermost"]);
        let down = notes(session.select_frame(FrameMove::Down(5)).unwrap());
        assert_eq!(down, ["went down 2 of 5: frame 0 is the innermost"]);
        assert!(notes(session.select_frame(FrameMove::Up(2)).unwrap()).is_empty());
        session.select_frame(FrameMove::To(Some(1))).unwrap();
        session.step(1).unwrap();
        assert!(
            printed(&mut session, "$n").ends_with("I32(2)"),
            "a pause selects frame 0"
        );
    }
}

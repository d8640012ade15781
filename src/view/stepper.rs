//! The stepper's other data as text: the breakpoint list (`info break`),
//! the backtrace (`bt`) and the output of `display` commands.

use crate::session::stepper::{BacktraceFrame, BreakSite, StopPoint};
use std::fmt::Write as _;

/// `info break`: one line per breakpoint, then per watchpoint.
pub fn render_breakpoints(points: &[StopPoint]) -> String {
    if points.is_empty() {
        return "no breakpoints or watchpoints\n".into();
    }
    let mut text = String::new();
    for point in points {
        let _ = match point {
            StopPoint::Breakpoint { number, site } => {
                let what = match site {
                    BreakSite::Entry(name) => format!("on entry to {name}"),
                    BreakSite::Line(at) => format!("at line {at}"),
                    BreakSite::Offset(o) => format!("at byte 0x{o:x}"),
                };
                writeln!(text, "breakpoint {number}: {what}")
            }
            StopPoint::Watchpoint { start, end } => {
                writeln!(text, "watchpoint: memory 0x{start:x}..0x{end:x}")
            }
        };
    }
    text
}

/// `bt`: `#0 $f at byte 0x1d`, innermost first.
pub fn render_backtrace(frames: &[BacktraceFrame]) -> String {
    let mut text = String::new();
    for (depth, frame) in frames.iter().enumerate() {
        let _ = writeln!(text, "#{depth} {} at byte 0x{:x}", frame.name, frame.offset);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakpoints_then_watchpoints_or_a_sentence_when_none() {
        assert_eq!(render_breakpoints(&[]), "no breakpoints or watchpoints\n");
        let points = [
            StopPoint::Breakpoint {
                number: 1,
                site: BreakSite::Entry("$fac".into()),
            },
            StopPoint::Breakpoint {
                number: 2,
                site: BreakSite::Offset(0x2a),
            },
            StopPoint::Watchpoint { start: 8, end: 12 },
        ];
        assert_eq!(
            render_breakpoints(&points),
            "breakpoint 1: on entry to $fac\nbreakpoint 2: at byte 0x2a\nwatchpoint: memory 0x8..0xc\n"
        );
    }

    #[test]
    fn backtrace_numbers_frames_from_the_innermost() {
        let frames = [
            BacktraceFrame {
                name: "$fac".into(),
                offset: 0x1d,
            },
            BacktraceFrame {
                name: "your input".into(),
                offset: 0x3e,
            },
        ];
        assert_eq!(
            render_backtrace(&frames),
            "#0 $fac at byte 0x1d\n#1 your input at byte 0x3e\n"
        );
    }
}

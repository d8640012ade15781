//! The stepper's other data as text: the breakpoint list (`info break`),
//! the backtrace (`bt`), the frame `up`/`down` selected, and memory
//! examined with `x/NFU`.

use crate::session::stepper::{BacktraceFrame, BreakSite, Examined, SelectedFrame, StopPoint};
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
                    BreakSite::Line(at) => format!("at {at}"),
                    BreakSite::Offset(o) => format!("at byte 0x{o:x}"),
                };
                writeln!(text, "breakpoint {number}: {what}")
            }
            StopPoint::Watchpoint { start, end } => {
                writeln!(text, "watchpoint: memory 0x{start:x}..0x{end:x}")
            }
            StopPoint::ValueWatch(what) => writeln!(text, "watchpoint: {what}"),
        };
    }
    text
}

/// `bt`: `#0 $fib (n=1) at $fib:2:30  (byte 0x19)`, innermost first: each
/// frame's arguments and where its next instruction (a caller's call) is
/// written; the frame `up`/`down` selected is marked.
pub fn render_backtrace(frames: &[BacktraceFrame]) -> String {
    let mut text = String::new();
    let mut depth = 0;
    // Frame 0 is where execution is: selecting it is marked nowhere.
    let keys =
        (frames.iter().enumerate()).map(|(i, f)| (&f.name, &f.at, f.offset, f.selected && i > 0));
    for ((name, at, offset, selected), n) in runs(keys, BT_RUN) {
        let _ = match n {
            1 => {
                let mark = if selected { "  <- selected" } else { "" };
                writeln!(text, "{}{mark}", frame_line(depth, &frames[depth]))
            }
            // Deep recursion: one line for a run of the same frame.
            n => {
                let (first, last) = (args(&frames[depth]), args(&frames[depth + n - 1]));
                let args = match first == last {
                    true => first,
                    false => format!("{first} ..{last}"),
                };
                writeln!(
                    text,
                    "#{depth}-#{} {name}{args} {}  ({} frames, each called from the next)",
                    depth + n - 1,
                    place(at, offset),
                    crate::session::grouped(n as u64)
                )
            }
        };
        depth += n;
    }
    text
}

/// `#1 $fib (n=3) at $fib:1:130  (byte 0x2a)`.
fn frame_line(depth: usize, frame: &BacktraceFrame) -> String {
    let place = place(&frame.at, frame.offset);
    format!("#{depth} {}{} {place}", frame.name, args(frame))
}

/// `at $fib:4:30  (byte 0x2a)`, or `at byte 0x2a` where there is no text.
fn place(at: &Option<String>, offset: usize) -> String {
    match at {
        Some(at) => format!("at {at}  (byte 0x{offset:x})"),
        None => format!("at byte 0x{offset:x}"),
    }
}

/// ` (n=3, m=1)`: a frame's arguments; nothing for the typed fragment.
fn args(frame: &BacktraceFrame) -> String {
    (frame.args.as_ref()).map_or_else(String::new, |a| format!(" ({})", a.join(", ")))
}

/// `up`, `down`, `frame N`: the frame's backtrace line, then its source
/// with the instruction it waits in (a caller's call) marked.
pub fn render_frame(selected: &SelectedFrame, width: Option<usize>) -> String {
    let mut text = frame_line(selected.depth, &selected.frame);
    text.push('\n');
    if let Some(spot) = &selected.source {
        super::pause::render_source(&mut text, spot, width);
    }
    text
}

/// The shortest run of one frame `bt` writes as one line (a few frames of
/// a recursion stay listed one by one, as a lesson steps through them).
const BT_RUN: usize = 10;

/// Consecutive equal items as (item, how many in a row); runs shorter than
/// `fold` stay one item each.
pub(super) fn runs<T: PartialEq + Clone>(
    items: impl IntoIterator<Item = T>,
    fold: usize,
) -> Vec<(T, usize)> {
    let mut out: Vec<(T, usize)> = Vec::new();
    for item in items {
        match out.last_mut() {
            Some((last, n)) if *last == item => *n += 1,
            _ => out.push((item, 1)),
        }
    }
    out.into_iter()
        .flat_map(|(item, n)| match n >= fold {
            true => vec![(item, n)],
            false => vec![(item, 1); n],
        })
        .collect()
}

/// `x/NFU`: gdb's layout, `0x00000040: 0x01 0x02 ...`, 8 bytes or
/// halfwords, 4 words or 2 giant words a row.
pub fn render_examined(examined: &Examined) -> String {
    let per_row = match examined.unit {
        1 | 2 => 8,
        4 => 4,
        _ => 2,
    };
    let bits = examined.unit * 8;
    let unit = |raw: u64| match examined.format {
        'd' => {
            let shift = 64 - bits;
            (((raw << shift) as i64) >> shift).to_string()
        }
        'u' => raw.to_string(),
        'c' if examined.unit == 1 => match raw as u8 {
            b @ 0x20..=0x7e => format!("'{}'", b as char),
            b => format!("'\\x{b:02x}'"),
        },
        _ => format!("0x{raw:0width$x}", width = examined.unit as usize * 2),
    };
    let cells: Vec<String> = examined.units.iter().map(|u| unit(*u)).collect();
    let width = cells.iter().map(String::len).max().unwrap_or(0);
    let mut text = String::new();
    for (row, chunk) in cells.chunks(per_row).enumerate() {
        let addr = examined.start + (row * per_row) as u64 * examined.unit;
        let _ = write!(text, "0x{addr:08x}:");
        for cell in chunk {
            let _ = write!(text, " {cell:>width$}");
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examined_memory_is_laid_out_as_gdb_does() {
        let examined = |format, unit, units: Vec<u64>| Examined {
            memory: "memory 0".into(),
            format,
            unit,
            start: 0x40,
            units,
        };
        assert_eq!(
            render_examined(&examined('x', 1, (1..=10).collect())),
            "0x00000040: 0x01 0x02 0x03 0x04 0x05 0x06 0x07 0x08\n0x00000048: 0x09 0x0a\n"
        );
        assert_eq!(
            render_examined(&examined('d', 2, vec![0xffff, 5])),
            "0x00000040: -1  5\n"
        );
        assert_eq!(
            render_examined(&examined('c', 1, vec![0x41, 0])),
            "0x00000040:    'A' '\\x00'\n"
        );
    }

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
    fn backtrace_numbers_frames_from_the_innermost_with_arguments_and_call_sites() {
        let frame =
            |name: &str, args: Option<&[&str]>, at: &str, offset, selected| BacktraceFrame {
                name: name.into(),
                args: args.map(|a: &[&str]| a.iter().map(|a| a.to_string()).collect()),
                at: Some(at.into()),
                offset,
                selected,
            };
        let frames = [
            frame("$fac", Some(&["n=1"]), "$fac:2:20", 0x1d, false),
            frame("your input", None, "input:1:13", 0x3e, true),
        ];
        assert_eq!(
            render_backtrace(&frames),
            "#0 $fac (n=1) at $fac:2:20  (byte 0x1d)\n#1 your input at input:1:13  (byte 0x3e)  <- selected\n"
        );
    }
}

//! A trace (`:trace on`, `watlab run --trace`) as text: one line per
//! executed instruction, then a notice when tracing stopped early.
//!
//! The line layout is [`Trace::lines`] in the session, because a trap's
//! error carries the same lines as notes (a `SessionError` holds text).

use crate::session::trace::Trace;

/// The trace as one block of text, a line per instruction (nothing for an
/// empty trace).
pub fn render(trace: &Trace) -> String {
    let lines = trace.lines();
    if lines.is_empty() {
        return String::new();
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::trace::{After, TraceEvent};
    use crate::vm::Value;

    #[test]
    fn events_are_columns_and_an_early_stop_is_said() {
        let trace = Trace {
            events: vec![
                TraceEvent {
                    func: "$sq".into(),
                    offset: 0x19,
                    instruction: "local.get $n".into(),
                    after: After::Stack(vec![Value::I32(3)]),
                },
                TraceEvent {
                    func: "your input".into(),
                    offset: 0x45,
                    instruction: "i32.div_u".into(),
                    after: After::Trap("integer divide by zero".into()),
                },
            ],
            stopped_at: Some(2),
            names: Default::default(),
        };
        assert_eq!(
            render(&trace),
            "$sq            0x0019  local.get $n                 [i32:3]\n\
             your input     0x0045  i32.div_u                    trap: integer divide by zero\n\
             ... (trace stopped after 2 instructions; the call runs on)\n"
        );
    }

    #[test]
    fn an_empty_trace_prints_nothing() {
        assert_eq!(render(&Trace::default()), "");
    }
}

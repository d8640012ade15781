//! Transcripts: a recorded session replayed as a test.
//!
//! A transcript is a plain copy of a session. A line starting with `wat> `
//! begins an input, following lines starting with `...> ` continue it, and
//! every other line is output the input is expected to produce. Replaying
//! evaluates the inputs in a fresh session and rebuilds the text; the
//! transcript passes when the rebuilt text is identical.

use crate::commands::Workbench;
use crate::session::Reply;

mod places;
pub use places::ScriptPlaces;

/// The prompt that starts an input.
pub const PROMPT: &str = "wat> ";
/// The prompt of continuation lines.
pub const CONTINUATION: &str = "...> ";

/// One input and the output recorded after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The input's lines, without prompts.
    pub input: Vec<String>,
    /// The recorded output lines.
    pub output: Vec<String>,
}

/// A parsed transcript: text before the first prompt, then the entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    /// Lines before the first input (kept as a preamble).
    pub preamble: Vec<String>,
    /// The inputs with their outputs.
    pub entries: Vec<Entry>,
}

/// Parses transcript text.
pub fn parse(text: &str) -> Transcript {
    let mut transcript = Transcript {
        preamble: Vec::new(),
        entries: Vec::new(),
    };
    for line in text.lines() {
        if let Some(input) = line
            .strip_prefix(PROMPT)
            .or_else(|| (line == PROMPT.trim_end()).then_some(""))
        {
            transcript.entries.push(Entry {
                input: vec![input.to_string()],
                output: Vec::new(),
            });
        } else if let (Some(rest), Some(entry)) = (
            line.strip_prefix(CONTINUATION)
                .or_else(|| (line == CONTINUATION.trim_end()).then_some("")),
            transcript.entries.last_mut(),
        ) {
            if entry.output.is_empty() {
                entry.input.push(rest.to_string());
            } else {
                entry.output.push(line.to_string());
            }
        } else {
            match transcript.entries.last_mut() {
                Some(entry) => entry.output.push(line.to_string()),
                None => transcript.preamble.push(line.to_string()),
            }
        }
    }
    transcript
}

/// The output of one evaluated input in `session`, as the REPL shows it (plain).
pub fn render_outcome(
    outcome: &Result<Vec<Reply>, crate::session::SessionError>,
    session: &Workbench,
) -> String {
    crate::view::render_outcome(outcome, &session.session).plain()
}

/// Replays `transcript` in a fresh session and returns the text it should have.
pub fn replay(transcript: &Transcript) -> String {
    let mut session = Workbench::new(None);
    let mut out = String::new();
    for line in &transcript.preamble {
        out.push_str(line);
        out.push('\n');
    }
    for entry in &transcript.entries {
        for (i, line) in entry.input.iter().enumerate() {
            let prompt = if i == 0 { PROMPT } else { CONTINUATION };
            out.push_str(format!("{prompt}{line}").trim_end());
            out.push('\n');
        }
        let outcome = session.eval(&entry.input.join("\n"));
        for line in render_outcome(&outcome, &session).lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Whether a transcript file matched, and the diff when it did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// Identical.
    Pass,
    /// A unified diff from the recorded text to the replayed one.
    Mismatch(String),
}

/// Replays `text` (named `name` in the diff) and compares.
pub fn check(name: &str, text: &str) -> (Check, String) {
    let actual = replay(&parse(text));
    if actual == text {
        return (Check::Pass, actual);
    }
    let diff = similar::TextDiff::from_lines(text, &actual)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (recorded)"), &format!("{name} (replayed)"))
        .to_string();
    (Check::Mismatch(diff), actual)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_continuations_and_output_are_told_apart() {
        let t = parse(
            "intro\nwat> (func $f\n...>   nop)\ndefined func $f\nwat> :stack\nstack: empty\n",
        );
        assert_eq!(t.preamble, vec!["intro"]);
        assert_eq!(t.entries[0].input, vec!["(func $f", "  nop)"]);
        assert_eq!(t.entries[0].output, vec!["defined func $f"]);
        assert_eq!(t.entries[1].output, vec!["stack: empty"]);
    }

    #[test]
    fn replay_fills_in_outputs_and_check_reports_a_diff() {
        let text = "wat> i32.const 7\n";
        let replayed = replay(&parse(text));
        assert!(
            replayed.starts_with(
                "wat> i32.const 7\nstack (bottom to top):\n  [0]  i32  7  0x7  <- new\n"
            ),
            "{replayed}"
        );
        let (result, _) = check("t", "wat> i32.const 7\nstack: empty\n");
        let Check::Mismatch(diff) = result else {
            panic!("expected a mismatch")
        };
        assert!(diff.contains("-stack: empty"), "{diff}");
    }
}

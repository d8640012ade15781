//! `watlab check` and `watlab script`: transcripts from files.

use crate::repl::ScriptLine;
use crate::transcript::{self, Check};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Replays each transcript; writes a diff per mismatch (or rewrites with `bless`).
///
/// A transcript without inputs fails: it would pass whatever watlab does.
pub fn check(out: &mut impl Write, files: &[PathBuf], bless: bool) -> io::Result<ExitCode> {
    let (mut passed, mut failed, mut unreadable) = (0, 0, false);
    for file in files {
        let name = file.display().to_string();
        let Some(text) = super::read_input(file) else {
            unreadable = true;
            continue;
        };
        if transcript::parse(&text).entries.is_empty() {
            writeln!(
                out,
                "{name}: no inputs (no line starts with `{prompt}`), so there is nothing to \
                 check; write each input after `{prompt}` and run `watlab check --bless {name}` \
                 to record its output",
                prompt = transcript::PROMPT
            )?;
            failed += 1;
            continue;
        }
        match transcript::check(&name, &text) {
            (Check::Pass, _) => passed += 1,
            (Check::Mismatch(_), actual) if bless => match std::fs::write(file, actual) {
                Ok(()) => {
                    writeln!(out, "blessed {name}")?;
                    passed += 1;
                }
                Err(e) => {
                    eprintln!("watlab: cannot write {name}: {e}");
                    unreadable = true;
                }
            },
            (Check::Mismatch(diff), _) => {
                write!(out, "{diff}")?;
                failed += 1;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(if unreadable {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs the inputs of `file` (prompts, if any, are stripped) and writes the output.
///
/// A file without inputs runs nothing and succeeds, as an empty script on
/// standard input does. Messages name the file's own line numbers.
pub fn script(out: &mut impl Write, file: &Path) -> io::Result<ExitCode> {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("watlab: cannot read {}: {e}", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let name = file.display();
    let lines: Vec<ScriptLine> =
        crate::repl::script_lines(bytes.as_slice(), |n| format!("{name}:{n}"))
            .collect::<io::Result<_>>()?;
    let inputs = transcript_inputs(&lines).unwrap_or(lines);
    super::script_exit(crate::repl::script(inputs.into_iter().map(Ok), out, &[]))
}

/// The input lines of a transcript (prompts stripped, as [`transcript::parse`]
/// reads them), or `None` when no line starts with a prompt.
fn transcript_inputs(lines: &[ScriptLine]) -> Option<Vec<ScriptLine>> {
    let after = |line: &[u8], prompt: &str| {
        line.strip_prefix(prompt.as_bytes())
            .or_else(|| (line == prompt.trim_end().as_bytes()).then_some(&[][..]))
            .map(<[u8]>::to_vec)
    };
    let mut inputs = Vec::new();
    let mut in_input = false;
    for (place, line) in lines {
        let input = after(line, transcript::PROMPT)
            .or_else(|| after(line, transcript::CONTINUATION).filter(|_| in_input));
        in_input = input.is_some();
        inputs.extend(input.map(|input| (place.clone(), input)));
    }
    (!inputs.is_empty()).then_some(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8]) -> Vec<ScriptLine> {
        crate::repl::script_lines(text, |n| format!("t:{n}"))
            .collect::<io::Result<_>>()
            .expect("in memory")
    }

    #[test]
    fn transcript_inputs_keep_the_file_line_numbers_and_skip_outputs() {
        let text =
            b"intro\nwat> (func $f\n...>   nop)\ndefined func $f\n...> output\nwat>\r\nwat> \xff\n";
        let inputs = transcript_inputs(&lines(text)).expect("a transcript");
        let expected: Vec<ScriptLine> = vec![
            ("t:2".into(), b"(func $f".to_vec()),
            ("t:3".into(), b"  nop)".to_vec()),
            ("t:6".into(), b"".to_vec()),
            ("t:7".into(), b"\xff".to_vec()),
        ];
        assert_eq!(inputs, expected);
        assert_eq!(transcript_inputs(&lines(b"i32.const 1\n...> 2\n")), None);
    }
}

//! The line editor's helper: completion, hints and highlighting,
//! all driven by the lexer, the instruction catalog, the command table and
//! the names the session knows.

use crate::commands::registry::{self, Scope};
use crate::text::catalog;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Cmd, ConditionalEventHandler, Context, Event, EventContext, Helper, RepeatCount};
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// rustyline helper for the `wat> ` prompt.
pub struct WatHelper {
    /// `$names` and export names currently in scope, refreshed after each input.
    pub names: Vec<String>,
    /// Whether to colour the input.
    pub colour: bool,
    /// Whether a fragment is paused, so bare words complete to stepper commands.
    pub stepping: bool,
    /// Export names by instance: `""` for the one `(invoke "...")` calls by
    /// default, `$m` for a named module instance.
    pub exports: Vec<(String, String)>,
    /// Set by [`InterruptKey`]: the line being accepted was abandoned.
    pub interrupted: Arc<AtomicBool>,
}

impl Helper for WatHelper {}

/// The instance a `(invoke "` or `(get "` before the cursor names: `""`
/// for the default one, `$m` for `(invoke $m "`; `None` outside such quotes.
fn quoted_export_target(before: &str) -> Option<&str> {
    let head = before.strip_suffix('"')?.trim_end();
    let (head, instance) = match head.rsplit_once(|c: char| c.is_whitespace() || c == '(') {
        Some((rest, word)) if word.starts_with('$') => (rest.trim_end(), word),
        _ => (head, ""),
    };
    (head.ends_with("(invoke") || head.ends_with("(get")).then_some(instance)
}

/// Start of the word that ends at `pos`.
fn word_start(line: &str, pos: usize) -> usize {
    line[..pos]
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '"')
        .map_or(0, |i| i + 1)
}

impl Completer for WatHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = word_start(line, pos);
        let word = &line[start..pos];
        let pair = |s: String| Pair {
            display: s.clone(),
            replacement: s,
        };
        let before = line[..start].trim();
        let candidates: Vec<Pair> = if let Some(command) = word.strip_prefix(':') {
            registry::complete(&[Scope::Workbench, Scope::Lesson], command)
                .into_iter()
                .map(|name| pair(format!(":{name}")))
                .collect()
        } else if before == ":host" {
            registry::complete(&[Scope::Host], word)
                .into_iter()
                .map(pair)
                .collect()
        } else if before == ":help" {
            registry::complete(
                &[Scope::Workbench, Scope::Lesson, Scope::Stepper, Scope::Host],
                word,
            )
            .into_iter()
            .map(pair)
            .collect()
        } else if self.stepping && before.is_empty() {
            registry::complete(&[Scope::Stepper], word)
                .into_iter()
                .map(pair)
                .collect()
        } else if line[..start].ends_with('"') {
            // Inside quotes only export names make sense, never a `$name`.
            match quoted_export_target(&line[..start]) {
                Some(instance) => self
                    .exports
                    .iter()
                    .filter(|(m, n)| m == instance && n.starts_with(word))
                    .map(|(_, n)| pair(n.clone()))
                    .collect(),
                None => Vec::new(),
            }
        } else if word.starts_with('$') {
            self.names
                .iter()
                .filter(|n| n.starts_with(word))
                .map(|n| pair(n.clone()))
                .collect()
        } else {
            catalog::complete(word)
                .into_iter()
                .map(|n| pair(n.to_string()))
                .collect()
        };
        Ok((start, candidates))
    }
}

impl Hinter for WatHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        if pos < line.len() || line.trim_start().starts_with(':') {
            return None;
        }
        let start = word_start(line, pos);
        let doc = catalog::lookup(&line[start..pos])?;
        Some(format!("  {}", doc.signature()))
    }
}

impl Highlighter for WatHelper {
    fn highlight<'l>(&self, line: &'l str, _: usize) -> Cow<'l, str> {
        if self.colour {
            Cow::Owned(crate::view::theme::highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _: &str, _: usize, _: CmdKind) -> bool {
        self.colour
    }
}

/// Every line is submitted as it is: `interactive` gathers continuation
/// lines itself (with the `...> ` prompt) and splits pasted text into inputs,
/// so the editor never holds a line back (a paste would pile up on it). A
/// line abandoned with Ctrl-C ends in `^C`, as bash shows it.
impl Validator for WatHelper {
    fn validate(&self, _: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let interrupted = self.interrupted.load(Ordering::Relaxed);
        Ok(ValidationResult::Valid(
            interrupted.then(|| "^C".to_string()),
        ))
    }
}

/// Ctrl-C at the prompt. rustyline's own interrupt leaves the line on the
/// screen as it was drawn, signature hint included; accepting the line
/// instead redraws it without the hint (and with the validator's `^C`), and
/// the flag tells the front end to drop it. At the pager's `-- more --`
/// prompt (`paging` set) Ctrl-C keeps its usual work.
pub struct InterruptKey {
    /// Whether the pager's prompt is up.
    pub paging: Arc<AtomicBool>,
    /// Set when a line is abandoned; the front end clears it.
    pub interrupted: Arc<AtomicBool>,
}

impl ConditionalEventHandler for InterruptKey {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, _: &EventContext) -> Option<Cmd> {
        if self.paging.load(Ordering::Relaxed) {
            return None;
        }
        self.interrupted.store(true, Ordering::Relaxed);
        Some(Cmd::AcceptLine)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustyline::history::DefaultHistory;

    #[test]
    fn completes_commands_instructions_and_names() {
        let helper = WatHelper {
            names: vec!["$fac".into(), "$factor".into()],
            colour: false,
            stepping: false,
            interrupted: Arc::default(),
            exports: vec![
                (String::new(), "fac".into()),
                (String::new(), "fill".into()),
                ("$m".into(), "wave".into()),
            ],
        };
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let (start, found) = helper.complete(":me", 3, &ctx).expect("completion");
        assert_eq!(start, 0);
        assert_eq!(
            found
                .iter()
                .map(|p| p.replacement.as_str())
                .collect::<Vec<_>>(),
            vec![":mem", ":memory"]
        );
        let (_, found) = helper.complete(":les", 4, &ctx).expect("completion");
        assert_eq!(
            found
                .iter()
                .map(|p| p.replacement.as_str())
                .collect::<Vec<_>>(),
            vec![":lesson"]
        );
        let (_, found) = helper.complete(":host me", 8, &ctx).expect("completion");
        assert_eq!(
            found
                .iter()
                .map(|p| p.replacement.as_str())
                .collect::<Vec<_>>(),
            vec!["memory"]
        );
        let (_, found) = helper.complete("call $fa", 8, &ctx).expect("completion");
        assert_eq!(found.len(), 2);
        let (start, found) = helper.complete("(i32.sto", 8, &ctx).expect("completion");
        assert_eq!(start, 1);
        assert!(found.iter().any(|p| p.replacement == "i32.store8"));
        let replacements = |line: &str| {
            let (start, found) = helper.complete(line, line.len(), &ctx).expect("completion");
            let found: Vec<String> = found.into_iter().map(|p| p.replacement).collect();
            (start, found)
        };
        assert_eq!(
            replacements("(invoke \"f"),
            (9, vec!["fac".into(), "fill".into()])
        );
        assert_eq!(replacements("(invoke $m \"w"), (12, vec!["wave".into()]));
        assert_eq!(replacements("(invoke $m \""), (12, vec!["wave".into()]));
        assert_eq!(replacements("(module \"$f"), (9, Vec::<String>::new()));
        assert_eq!(
            helper.hint("i32.store", 9, &ctx).as_deref(),
            Some("  [addr:i32 value:i32] -> []")
        );
    }
}

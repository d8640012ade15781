//! `:help`: the overview and one page per command, both written from the
//! registry, so help lists exactly the commands that exist.

use super::Workbench;
use super::registry::{self, Command, Scope};
use crate::session::{Reply, SessionError};
use std::fmt::Write as _;

/// The help command (registered with the workbench's commands).
pub const HELP: Command = Command {
    scope: Scope::Workbench,
    name: "help",
    aliases: &[],
    synopsis: "[COMMAND]",
    summary: "list commands, or explain one",
    help: "COMMAND is any command, with or without its colon: :help mem, :help check, :help step (the stepper's words too), :help host (and its sub-commands).",
    run: help,
};

const INTRO: &str = "Type WAT at the prompt:
  instructions (flat or folded) run on the scratch stack: i32.const 2 i32.const 3 i32.mul
  (local $x i32) declares a scratch local
  module fields such as (func ...), (memory 1), (global ...) build the session module
  (module $m ...) instantiates a separate module
  (invoke \"f\" (i32.const 1)), (get \"g\"), (register \"name\"), (assert_return ...), (assert_trap ...)
";

fn help(_: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let topic = args.trim();
    if topic.is_empty() {
        return Ok(vec![Reply::Text(overview())]);
    }
    let (scoped, word) = match topic.strip_prefix(":host ") {
        Some(sub) => (Some(Scope::Host), sub.trim()),
        None => (None, topic.trim_start_matches(':')),
    };
    let found: Vec<&Command> = registry::all()
        .filter(|c| scoped.is_none_or(|s| c.scope == s) && c.answers_to(word))
        .collect();
    if found.is_empty() {
        let close: Vec<String> = registry::suggest(
            &[Scope::Workbench, Scope::Lesson, Scope::Stepper, Scope::Host],
            word,
        )
        .iter()
        .map(|c| c.typed())
        .collect();
        let hint = if close.is_empty() {
            "; :help lists them".to_string()
        } else {
            format!(" (did you mean {}?)", close.join(", "))
        };
        return Err(SessionError::new(
            crate::session::ErrorKind::Usage,
            format!("no command {topic}{hint}"),
        ));
    }
    let mut text = String::new();
    for command in found {
        text.push_str(&page(command));
    }
    Ok(vec![Reply::Text(text)])
}

/// One command's page: each form, the summary, the details.
fn page(command: &Command) -> String {
    let mut text = String::new();
    let context = match command.scope {
        Scope::Stepper => "  (while paused in the stepper)",
        _ => "",
    };
    for (i, form) in command.synopsis.split('\n').enumerate() {
        let line = format!("{} {form}", command.typed());
        let _ = writeln!(
            text,
            "{}{}",
            line.trim_end(),
            if i == 0 { context } else { "" }
        );
    }
    if !command.aliases.is_empty() {
        let _ = writeln!(text, "  also: {}", command.aliases.join(", "));
    }
    let _ = writeln!(text, "  {}", command.summary);
    if !command.help.is_empty() {
        let _ = writeln!(text, "  {}", command.help);
    }
    if command.scope == Scope::Workbench && command.name == "host" {
        text.push_str(&listing(Scope::Host));
    }
    if command.scope == Scope::Workbench && command.name == "step" {
        text.push_str(&listing(Scope::Stepper));
    }
    text
}

/// `:help` without a topic.
fn overview() -> String {
    let mut text = String::from(INTRO);
    for scope in [Scope::Lesson, Scope::Workbench] {
        let _ = writeln!(text, "{}:", scope.title());
        text.push_str(&listing(scope));
    }
    let words: Vec<String> = registry::in_scope(Scope::Stepper)
        .map(registry::short_form)
        .collect();
    let _ = writeln!(
        text,
        "{}: {}\n  (:help step explains them)",
        Scope::Stepper.title(),
        words.join(", ")
    );
    text
}

/// The widest command head that sets the column of the summaries.
const MAX_HEAD: usize = 40;

/// The commands of a scope, one aligned line each: how to type it, and what it does.
fn listing(scope: Scope) -> String {
    let heads: Vec<(String, &str)> = registry::in_scope(scope)
        .map(|c| {
            let forms = c.synopsis.replace('\n', "|");
            (
                format!("{} {forms}", c.typed()).trim_end().to_string(),
                c.summary,
            )
        })
        .collect();
    // Align the summaries, but let a rare long synopsis overflow rather than push every line right.
    let width = heads
        .iter()
        .map(|(h, _)| h.len())
        .filter(|len| *len <= MAX_HEAD)
        .max()
        .unwrap_or(0)
        + 1;
    let mut text = String::new();
    for (head, summary) in heads {
        if head.len() < width {
            let _ = writeln!(text, "  {head:<width$} {summary}");
        } else {
            let _ = writeln!(text, "  {head}\n  {:width$} {summary}", "");
        }
    }
    text
}

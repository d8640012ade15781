//! `:help`: the overview and one page per command, both written from the
//! registry, so help lists exactly the commands that exist.

use super::Workbench;
use super::registry::{self, Command, Scope};
use crate::session::{Doc, Reply, Role, SessionError};

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

/// The overview's head: one line per item, which the view wraps to the
/// terminal (a line broken here would be broken again there).
const INTRO: &str = "Type WAT at the prompt:
  instructions (flat or folded) run on the scratch stack: i32.const 2 i32.const 3 i32.mul
  (local $x i32) declares a scratch local
  module fields such as (func ...), (memory 1), (global ...) build the session module
  (module $m ...) instantiates a separate module
  (invoke \"f\" (i32.const 1)), (get \"g\"), (register \"name\"), (assert_return ...), (assert_trap ...), \
(assert_invalid ...) and every other command of a .wast spec script
It runs WebAssembly 2.0 (with fixed-width SIMD) and, of 3.0: relaxed SIMD, tail calls, \
extended constant expressions, multiple memories, 64-bit memories and tables, custom \
page sizes, wide arithmetic, typed function references, exception handling (tags, \
throw, throw_ref, try_table) and GC (structs, arrays, i31, casts; :heap lists objects); \
plus the threads proposal (shared memories, atomics)
";

fn help(_: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let topic = args.trim();
    if topic.is_empty() {
        return Ok(vec![Reply::Doc(overview())]);
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
    let mut doc = Doc::default();
    for command in found {
        page(&mut doc, command);
    }
    Ok(vec![Reply::Doc(doc)])
}

/// One command's page: each form, the summary, the details.
fn page(doc: &mut Doc, command: &Command) {
    let context = match command.scope {
        Scope::Stepper => "  (while paused in the stepper)",
        _ => "",
    };
    for (i, form) in command.synopsis.split('\n').enumerate() {
        let typed = command.typed();
        let form = if form.is_empty() {
            String::new()
        } else {
            format!(" {form}")
        };
        doc.line(&[
            (&typed, Role::Command),
            (&form, Role::Plain),
            (if i == 0 { context } else { "" }, Role::Dim),
        ]);
    }
    if !command.aliases.is_empty() {
        doc.line(&[
            ("  also: ", Role::Plain),
            (&command.aliases.join(", "), Role::Command),
        ]);
    }
    doc.line(&[("  ", Role::Plain), (command.summary, Role::Plain)]);
    if !command.help.is_empty() {
        doc.line(&[("  ", Role::Plain), (command.help, Role::Plain)]);
    }
    if command.scope == Scope::Workbench && command.name == "host" {
        listing(doc, Scope::Host);
    }
    if command.scope == Scope::Workbench && command.name == "step" {
        listing(doc, Scope::Stepper);
    }
}

/// `:help` without a topic.
fn overview() -> Doc {
    let mut doc = Doc::default();
    for line in INTRO.lines() {
        doc.line(&[(line, Role::Plain)]);
    }
    for scope in [Scope::Lesson, Scope::Workbench] {
        doc.line(&[(&format!("{}:", scope.title()), Role::Heading)]);
        listing(&mut doc, scope);
    }
    let words: Vec<String> = registry::in_scope(Scope::Stepper)
        .map(registry::short_form)
        .collect();
    doc.line(&[
        (&format!("{}:", Scope::Stepper.title()), Role::Heading),
        (&format!(" {}", words.join(", ")), Role::Plain),
    ]);
    doc.line(&[("  (:help step explains them)", Role::Dim)]);
    doc
}

/// The widest command head that sets the column of the summaries.
const MAX_HEAD: usize = 40;

/// The commands of a scope, one aligned line each: how to type it, and what it does.
fn listing(doc: &mut Doc, scope: Scope) {
    let heads: Vec<(String, String, &str)> = registry::in_scope(scope)
        .map(|c| {
            let forms = c.synopsis.replace('\n', "|");
            let forms = if forms.is_empty() {
                forms
            } else {
                format!(" {forms}")
            };
            (c.typed(), forms, c.summary)
        })
        .collect();
    // Align the summaries, but let a rare long synopsis overflow rather than push every line right.
    let width = heads
        .iter()
        .map(|(t, f, _)| t.len() + f.len())
        .filter(|len| *len <= MAX_HEAD)
        .max()
        .unwrap_or(0)
        + 1;
    for (typed, forms, summary) in heads {
        // A long synopsis keeps its summary two spaces after it: where the
        // line does not fit, the view stacks the summary under the command,
        // as it stacks every other line of the listing (one layout).
        let pad = " ".repeat(width.saturating_sub(typed.len() + forms.len()).max(1) + 1);
        doc.line(&[
            ("  ", Role::Plain),
            (&typed, Role::Command),
            (&forms, Role::Plain),
            (&pad, Role::Plain),
            (summary, Role::Plain),
        ]);
    }
}

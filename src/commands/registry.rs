//! The one command registry: every command a user can type, in every scope,
//! with its name, aliases, synopsis, help text and handler. Dispatch, `:help`,
//! Tab completion and "did you mean" all read this table, so they cannot
//! drift apart (issue 9).

use super::Workbench;
use crate::session::{Reply, SessionError};

/// Where a command is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `:name args` at the workbench prompt (also while paused).
    Workbench,
    /// `:name args`, for following a lesson.
    Lesson,
    /// A bare word while a fragment is paused in the stepper (`s`, `next`).
    Stepper,
    /// `:host name args`: a sub-command of `:host`.
    Host,
}

impl Scope {
    /// How a command of this scope is typed: the text before its name.
    pub fn prefix(self) -> &'static str {
        match self {
            Scope::Workbench | Scope::Lesson => ":",
            Scope::Stepper => "",
            Scope::Host => ":host ",
        }
    }

    /// A heading for help pages.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Workbench => "Commands",
            Scope::Lesson => "Lessons",
            Scope::Stepper => "While paused in the stepper (type the word alone)",
            Scope::Host => "Host object (:host WORD ...)",
        }
    }
}

/// What a command does with the workbench and its arguments.
pub type Handler = fn(&mut Workbench, &str) -> Result<Vec<Reply>, SessionError>;

/// One command.
pub struct Command {
    /// Where it is typed.
    pub scope: Scope,
    /// Its name.
    pub name: &'static str,
    /// Other names that do the same (`s` for `step`).
    pub aliases: &'static [&'static str],
    /// Argument synopsis, e.g. `ADDR [LEN]`; each form on its own line (`\n`).
    pub synopsis: &'static str,
    /// One line for listings.
    pub summary: &'static str,
    /// More for `:help NAME` (may be empty).
    pub help: &'static str,
    /// What it does.
    pub run: Handler,
}

impl Command {
    /// Whether `word` names this command (its name or an alias).
    pub fn answers_to(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }

    /// How the user types it, e.g. `:mem` or `s(tep)`-style `step`.
    pub fn typed(&self) -> String {
        format!("{}{}", self.scope.prefix(), self.name)
    }
}

/// Every command, in help order: the workbench's, then the lesson, stepper and host scopes.
pub fn all() -> impl Iterator<Item = &'static Command> {
    std::iter::once(&super::help::HELP)
        .chain(super::inspect::COMMANDS)
        .chain(super::files::COMMANDS)
        .chain(super::definitions::COMMANDS)
        .chain(super::debugging::COMMANDS)
        .chain(super::threads::COMMANDS)
        .chain(super::host::COMMANDS)
        .chain(super::control::COMMANDS)
        .chain(super::lesson::COMMANDS)
        .chain(super::stepper::COMMANDS)
        .chain(super::reverse::COMMANDS)
        .chain(super::host::SUBCOMMANDS)
}

/// The commands of one scope, in help order.
pub fn in_scope(scope: Scope) -> impl Iterator<Item = &'static Command> {
    all().filter(move |c| c.scope == scope)
}

/// The command of `scope` that `word` names.
pub fn find(scope: Scope, word: &str) -> Option<&'static Command> {
    in_scope(scope).find(|c| c.answers_to(word))
}

/// The commands typed with `:` (workbench and lesson scopes) that `word` names.
pub fn find_colon(word: &str) -> Option<&'static Command> {
    find(Scope::Workbench, word).or_else(|| find(Scope::Lesson, word))
}

/// Commands of the given scopes whose name is close to `word`: same first
/// letters, or one edit away (two for a word of three letters or more),
/// closest first.
pub fn suggest(scopes: &[Scope], word: &str) -> Vec<&'static Command> {
    // A swap of two letters is one edit (`stpe` is one from `step`, two
    // from `save`); names it begins or is begun by count as none.
    let distance =
        |name: &str| match name.starts_with(word) || (word.len() >= 2 && word.starts_with(name)) {
            true => 0,
            false => strsim::damerau_levenshtein(name, word),
        };
    let mut close: Vec<(usize, &'static Command)> = all()
        .filter(|c| scopes.contains(&c.scope))
        .map(|c| (distance(c.name), c))
        .filter(|(d, _)| *d <= 1 || (word.len() >= 3 && *d <= 2))
        .collect();
    // Closest first; the table's order among equals.
    close.sort_by_key(|(d, _)| *d);
    close.into_iter().map(|(_, c)| c).collect()
}

/// Names (as typed) of the commands of `scopes` starting with `prefix`; an
/// alias that only lengthens its command's name (`lessons`) is left out, as
/// the name already completes.
pub fn complete(scopes: &[Scope], prefix: &str) -> Vec<String> {
    all()
        .filter(|c| scopes.contains(&c.scope))
        .flat_map(|c| {
            let others = c.aliases.iter().filter(|a| !a.starts_with(c.name));
            std::iter::once(c.name).chain(others.copied())
        })
        .filter(|n| n.starts_with(prefix) && n.len() > 1)
        .map(String::from)
        .collect()
}

/// " (did you mean `:clear`? commands start with a colon)" when the first
/// word of WAT input `code` that failed is a `:` command's name or alias
/// typed without its colon, and no instruction.
pub fn colon_hint(code: &str) -> Option<String> {
    let word = code.split_whitespace().next()?;
    if crate::text::catalog::lookup(word).is_some() {
        return None;
    }
    let command = find_colon(word)?;
    Some(format!(
        " (did you mean `{}`? commands start with a colon)",
        command.typed()
    ))
}

/// "unknown command :x (did you mean :y?); :help lists them" for a word no
/// command of `scope` answers to.
pub fn unknown(scope: Scope, word: &str) -> SessionError {
    let scopes: &[Scope] = match scope {
        Scope::Workbench | Scope::Lesson => &[Scope::Workbench, Scope::Lesson],
        other => &[other],
    };
    let close: Vec<String> = suggest(scopes, word).iter().map(|c| c.typed()).collect();
    let hint = if close.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", close.join(", "))
    };
    let message = match scope {
        Scope::Workbench | Scope::Lesson => {
            format!("unknown command :{word}{hint}; :help lists them")
        }
        Scope::Stepper => {
            let words: Vec<String> = in_scope(Scope::Stepper).map(short_form).collect();
            format!(
                "`{word}` is not a stepper command{hint}: use {} (:help step explains them)",
                words.join(", ")
            )
        }
        Scope::Host => format!("unknown command :host {word}{hint}; :help host lists them"),
    };
    SessionError::new(crate::session::ErrorKind::Usage, message)
}

/// `s(tep)` when an alias abbreviates the name, else the name.
pub fn short_form(c: &Command) -> String {
    match c.aliases.iter().find(|a| c.name.starts_with(**a)) {
        Some(short) => format!("{short}({})", &c.name[short.len()..]),
        None => c.name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique_within_a_scope() {
        for scope in [Scope::Workbench, Scope::Lesson, Scope::Stepper, Scope::Host] {
            let mut seen: Vec<&str> = Vec::new();
            for c in in_scope(scope) {
                for name in std::iter::once(c.name).chain(c.aliases.iter().copied()) {
                    assert!(!seen.contains(&name), "{name} twice in {scope:?}");
                    seen.push(name);
                }
            }
        }
        for c in in_scope(Scope::Lesson) {
            assert!(
                find(Scope::Workbench, c.name).is_none(),
                ":{} in two scopes",
                c.name
            );
        }
    }

    #[test]
    fn lookup_finds_aliases_and_suggests_close_names() {
        assert_eq!(find(Scope::Stepper, "s").map(|c| c.name), Some("step"));
        assert_eq!(
            find(Scope::Stepper, "bt").map(|c| c.name),
            Some("backtrace")
        );
        assert_eq!(find_colon("check").map(|c| c.name), Some("check"));
        let close: Vec<&str> = suggest(&[Scope::Workbench], "mme")
            .iter()
            .map(|c| c.name)
            .collect();
        assert!(close.contains(&"mem"), "{close:?}");
        // Learner trial 12: `:stpe` offered `:save` before `:step`.
        let close: Vec<&str> = suggest(&[Scope::Workbench, Scope::Lesson], "stpe")
            .iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(close.first(), Some(&"step"), "{close:?}");
        assert_eq!(
            short_form(find(Scope::Stepper, "s").expect("step")),
            "s(tep)"
        );
    }

    #[test]
    fn completion_covers_every_scope_it_is_asked_for() {
        let found = complete(&[Scope::Workbench, Scope::Lesson], "le");
        assert_eq!(found, vec!["lesson".to_string()]);
        assert!(complete(&[Scope::Workbench, Scope::Lesson], "ch").contains(&"check".to_string()));
        assert!(complete(&[Scope::Workbench, Scope::Lesson], "hi").contains(&"hint".to_string()));
    }
}

//! The `:host` command's text as a typed request (issue 9, item 6): a pure
//! function from the words after `:host` to a [`HostCommand`], or a
//! [`CommandError`] that says where in those words the problem is.
//!
//! ```text
//! :host                                         list the host object
//! :host memory mem.pages initial=1 maximum=20 shared
//! :host table env.tab initial=2 maximum=4 externref
//! :host global mem.data_offset i32 0 [mut]
//! :host seed 7                                  restart Math.random
//! :host { env: { f: Math.sin } }                replace the whole object
//! ```

use super::limits::{self, OptionError, Word, Written};
use super::literal::{self, LiteralError, PropertyError};
use super::request::{ImportObject, NewObject, PropertyPath, value_type};
use crate::text::literal::parse_value;
use crate::vm::types::GlobalType;
use std::fmt;
use std::ops::Range;

/// What a `:host` input asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum HostCommand {
    /// `:host`: show the host object.
    List,
    /// `:host memory|table|global PATH ...`: allocate an object under a name.
    Define {
        /// Where the object goes in the host object.
        path: PropertyPath,
        /// What to allocate.
        object: NewObject,
    },
    /// `:host seed N`: restart `Math.random` from a seed.
    Seed(u64),
    /// `:host { ... }`: replace the whole host object.
    Replace(ImportObject),
}

/// Why a `:host` input is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum CommandError {
    /// The `{ ... }` form is refused.
    Literal(LiteralError),
    /// An option of `memory` or `table` is refused.
    Option(OptionError),
    /// No `MODULE.NAME` after `memory`, `table` or `global`.
    MissingPath(Range<usize>),
    /// A name that is not exactly two levels.
    BadPath(String, Range<usize>),
    /// `seed` without a whole number.
    SeedUsage(Range<usize>),
    /// `global` without a type and value, or with more than `mut` after them.
    GlobalUsage(Range<usize>),
    /// The value of `global` does not read as its type.
    GlobalValue(String, Range<usize>),
    /// A word after `:host` that is no sub-command.
    Unknown(String, Range<usize>),
}

impl CommandError {
    /// Where in the text after `:host` the problem is.
    pub fn span(&self) -> Range<usize> {
        match self {
            CommandError::Literal(e) => e.span().start..e.span().end,
            CommandError::Option(e) => e.span.clone(),
            CommandError::MissingPath(span)
            | CommandError::BadPath(_, span)
            | CommandError::SeedUsage(span)
            | CommandError::GlobalUsage(span)
            | CommandError::GlobalValue(_, span)
            | CommandError::Unknown(_, span) => span.clone(),
        }
    }

    /// How to fix it, when the message alone does not say.
    pub fn hint(&self) -> Option<String> {
        match self {
            CommandError::Option(e) => e.error.hint(Written::Command),
            CommandError::Literal(LiteralError::Property {
                error: PropertyError::Limits(e),
                ..
            }) => e.hint(Written::JavaScript),
            _ => None,
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Literal(e) => e.fmt(f),
            CommandError::Option(e) => e.error.fmt(f),
            CommandError::MissingPath(_) => {
                f.write_str("name the property as MODULE.NAME, e.g. mem.pages")
            }
            CommandError::BadPath(path, _) => write!(
                f,
                "{path}: a host property has a two-level name MODULE.NAME (an import names exactly two levels)"
            ),
            CommandError::SeedUsage(_) => f.write_str("usage: :host seed N"),
            CommandError::GlobalUsage(_) => f.write_str(
                "usage: :host global MODULE.NAME TYPE VALUE [mut], e.g. :host global mem.data_offset i32 0",
            ),
            CommandError::GlobalValue(message, _) => f.write_str(message),
            CommandError::Unknown(word, _) => write!(
                f,
                "unknown :host command {word}: use :host, :host memory NAME.FIELD initial=N [maximum=M] [shared], :host table NAME.FIELD initial=N [maximum=M] [externref], :host global NAME.FIELD TYPE VALUE [mut], :host seed N, :host {{ ... }}"
            ),
        }
    }
}

impl std::error::Error for CommandError {}

/// Reads the text after `:host`.
///
/// # Errors
/// The first problem, with its place in `args`.
pub fn parse(args: &str) -> Result<HostCommand, CommandError> {
    if args.trim_start().starts_with('{') {
        return literal::import_object(args)
            .map(HostCommand::Replace)
            .map_err(CommandError::Literal);
    }
    let words = words(args);
    let end = args.trim_end().len();
    let Some((first, rest)) = words.split_first() else {
        return Ok(HostCommand::List);
    };
    let options = rest.get(1..).unwrap_or_default();
    match first.text {
        "memory" => {
            let path = path(rest.first(), end)?;
            let ty = limits::memory_options(options, end).map_err(CommandError::Option)?;
            Ok(HostCommand::Define {
                path,
                object: NewObject::Memory(ty),
            })
        }
        "table" => {
            let path = path(rest.first(), end)?;
            let ty = limits::table_options(options, end).map_err(CommandError::Option)?;
            Ok(HostCommand::Define {
                path,
                object: NewObject::Table(ty),
            })
        }
        "global" => {
            let path = path(rest.first(), end)?;
            Ok(HostCommand::Define {
                path,
                object: global(options, end)?,
            })
        }
        "seed" => match rest {
            [seed] => seed
                .text
                .parse::<u64>()
                .map(HostCommand::Seed)
                .map_err(|_| CommandError::SeedUsage(seed.span())),
            [] => Err(CommandError::SeedUsage(end..end)),
            [_, extra, ..] => Err(CommandError::SeedUsage(extra.span())),
        },
        other => Err(CommandError::Unknown(other.to_string(), first.span())),
    }
}

/// `TYPE VALUE [mut]` after `:host global PATH`.
fn global(words: &[Word<'_>], end: usize) -> Result<NewObject, CommandError> {
    let (ty, value, rest) = match words {
        [ty, value, rest @ ..] => (ty, value, rest),
        _ => return Err(CommandError::GlobalUsage(end..end)),
    };
    let mutable = match rest {
        [] => false,
        [word] if word.text == "mut" => true,
        [word, ..] => return Err(CommandError::GlobalUsage(word.span())),
    };
    let ty = value_type(ty.text).ok_or_else(|| CommandError::GlobalUsage(ty.span()))?;
    let value = parse_value(ty, value.text)
        .map_err(|message| CommandError::GlobalValue(message, value.span()))?;
    Ok(NewObject::Global(GlobalType { ty, mutable }, value))
}

/// `MODULE.NAME`, exactly two non-empty levels.
fn path(word: Option<&Word<'_>>, end: usize) -> Result<PropertyPath, CommandError> {
    let word = word.ok_or(CommandError::MissingPath(end..end))?;
    word.text
        .split_once('.')
        .filter(|(m, n)| !m.is_empty() && !n.is_empty() && !n.contains('.'))
        .map(|(module, name)| PropertyPath {
            module: module.to_string(),
            name: name.to_string(),
        })
        .ok_or_else(|| CommandError::BadPath(word.text.to_string(), word.span()))
}

/// The whitespace-separated words of `text` with their offsets.
fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(Word {
                    text: &text[s..i],
                    at: s,
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::types::{Limits, MemoryType};
    use crate::vm::{ValType, Value};

    fn path(module: &str, name: &str) -> PropertyPath {
        PropertyPath {
            module: module.into(),
            name: name.into(),
        }
    }

    /// The error for `args` as (message, the text it points at).
    fn error(args: &str) -> (String, &str) {
        let e = parse(args).expect_err(args);
        (e.to_string(), &args[e.span()])
    }

    #[test]
    fn commands_become_requests() {
        assert_eq!(parse(""), Ok(HostCommand::List));
        assert_eq!(parse("  "), Ok(HostCommand::List));
        assert_eq!(parse("seed 7"), Ok(HostCommand::Seed(7)));
        assert_eq!(
            parse("memory mem.pages  initial=1 maximum=2"),
            Ok(HostCommand::Define {
                path: path("mem", "pages"),
                object: NewObject::Memory(MemoryType {
                    limits: Limits {
                        min: 1,
                        max: Some(2)
                    },
                    shared: false
                })
            })
        );
        assert_eq!(
            parse("global mem.data_offset i32 16 mut"),
            Ok(HostCommand::Define {
                path: path("mem", "data_offset"),
                object: NewObject::Global(
                    GlobalType {
                        ty: ValType::I32,
                        mutable: true
                    },
                    Value::I32(16)
                )
            })
        );
        assert!(matches!(
            parse(" { env: { f: Math.sin } }"),
            Ok(HostCommand::Replace(modules)) if modules.len() == 1
        ));
    }

    #[test]
    fn errors_point_at_the_word() {
        assert_eq!(
            error("table t.tab initial=5 maximum=2"),
            (
                "RangeError: WebAssembly.Table(): maximum is smaller than initial".into(),
                "maximum=2"
            )
        );
        assert_eq!(
            error("memory"),
            (
                "name the property as MODULE.NAME, e.g. mem.pages".into(),
                ""
            )
        );
        assert_eq!(error("memory pages initial=1").1, "pages");
        assert_eq!(error("seed").1, "");
        assert_eq!(error("seed 1 2").1, "2");
        assert_eq!(error("global g.x i32").1, "");
        assert_eq!(error("global g.x i33 1").1, "i33");
        assert_eq!(error("global g.x i32 1 mutable").1, "mutable");
        assert_eq!(error("global g.x i32 x").1, "x");
        assert_eq!(error("frob").1, "frob");
        let (message, at) = error("{ e: { m: Math.sine } }");
        assert_eq!((message.as_str(), at), ("e.m: Math has no sine", "m"));
    }

    #[test]
    fn hints_follow_the_syntax() {
        let hint = |args: &str| parse(args).expect_err(args).hint();
        assert!(hint("memory m.p initial=1 shared").is_some_and(|h| h.ends_with("maximum=N")));
        assert!(
            hint("{ m: { p: new WebAssembly.Memory({ initial: 1, shared: true }) } }")
                .is_some_and(|h| h.ends_with("maximum: N"))
        );
        assert_eq!(hint("frob"), None);
    }
}

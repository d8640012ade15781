//! The `:host` command's text as a typed request (issue 9, item 6): a pure
//! function from the words after `:host` to a [`HostCommand`], or a
//! [`CommandError`] that says where in those words the problem is.
//!
//! ```text
//! :host                                         list the host object
//! :host memory mem.pages initial=1 maximum=20 shared
//! :host table env.tab initial=2 maximum=4 externref
//! :host global mem.data_offset i32 0 [mut]
//! :host tag env.oops i32                       new WebAssembly.Tag({ parameters: ["i32"] })
//! :host thrower env.fail env.oops 7            () => { throw new WebAssembly.Exception(env.oops, [7]) }
//! :host seed 7                                  restart Math.random
//! :host get mem.data_offset                     mem.data_offset.value
//! :host set mem.data_offset 42                  mem.data_offset.value = 42
//! :host grow mem.pages 1                        mem.pages.grow(1)
//! :host get env.tab 0 / set env.tab 0 $f        env.tab.get(0) / .set(0, f)
//! :host { env: { f: Math.sin } }                replace the whole object
//! ```
//!
//! Values are written as JavaScript passes them (`42`, `1.5`, `5n`, `null`),
//! and `$f` names a function of the session module.

use super::js::{self, JsValue};
use super::limits::{self, OptionError, Word, Written};
use super::literal::{self, LiteralError, PropertyError};
use super::request::{At, ImportObject, Method, NewObject, Operand, PropertyPath};
use crate::text::literal::parse_value;
use crate::vm::ValType;
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
    /// `:host thrower PATH TAG VALUE...`: a function that throws an
    /// exception of the host tag `TAG` carrying the values.
    Thrower {
        /// Where the function goes in the host object.
        path: PropertyPath,
        /// The tag, as the host object names it (`env.oops`).
        tag: String,
        /// The values, as written (read as the tag's types).
        values: Vec<String>,
    },
    /// `:host get|set|grow PATH ...`: a method of a host Global, Memory or Table.
    Call {
        /// The object.
        path: At<PropertyPath>,
        /// What to do with it.
        method: Method,
    },
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
    /// `tag` with a word that is no value type, or `thrower` without a tag.
    TagUsage(&'static str, Range<usize>),
    /// The value of `global` does not read as its type.
    GlobalValue(String, Range<usize>),
    /// `get`, `set` or `grow` with the wrong number of words.
    MethodUsage(&'static str, Range<usize>),
    /// A value that is not a Number, BigInt, `null` or `$name`.
    Operand(String, Range<usize>),
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
            | CommandError::TagUsage(_, span)
            | CommandError::GlobalValue(_, span)
            | CommandError::MethodUsage(_, span)
            | CommandError::Operand(_, span)
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
            CommandError::TagUsage(usage, _) => write!(f, "usage: {usage}"),
            CommandError::GlobalValue(message, _) => f.write_str(message),
            CommandError::MethodUsage(usage, _) => write!(f, "usage: {usage}"),
            CommandError::Operand(text, _) => write!(
                f,
                "{text} is not a value here: write a Number (42, -1.5), a BigInt (42n), null, or $name for a function of the session module"
            ),
            CommandError::Unknown(word, _) => write!(
                f,
                "unknown :host command {word}: use :host, :host memory NAME.FIELD initial=N [maximum=M] [shared], :host table NAME.FIELD initial=N [maximum=M] [externref], :host global NAME.FIELD TYPE VALUE [mut], :host tag NAME.FIELD TYPE..., :host thrower NAME.FIELD TAG VALUE..., :host get|set|grow NAME.FIELD ..., :host seed N, :host {{ ... }}"
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
        "tag" => {
            let path = path(rest.first(), end)?;
            let params = options
                .iter()
                .map(|w| {
                    ValType::from_name(w.text).ok_or(CommandError::TagUsage(
                        ":host tag MODULE.NAME TYPE..., e.g. :host tag env.oops i32",
                        w.span(),
                    ))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(HostCommand::Define {
                path,
                object: NewObject::Tag(params),
            })
        }
        "thrower" => {
            let path = path(rest.first(), end)?;
            let Some(tag) = options.first() else {
                return Err(CommandError::TagUsage(
                    ":host thrower MODULE.NAME TAG VALUE..., e.g. :host thrower env.fail env.oops 7",
                    end..end,
                ));
            };
            Ok(HostCommand::Thrower {
                path,
                tag: tag.text.to_string(),
                values: options[1..].iter().map(|w| w.text.to_string()).collect(),
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
        "get" | "set" | "grow" => call(first.text, rest, end),
        other => Err(CommandError::Unknown(other.to_string(), first.span())),
    }
}

/// `get PATH [INDEX]`, `set PATH [INDEX] VALUE`, `grow PATH DELTA`.
fn call(name: &str, words: &[Word<'_>], end: usize) -> Result<HostCommand, CommandError> {
    let (usage, method) = match name {
        "get" => (
            ":host get NAME.FIELD [INDEX]",
            match words {
                [_] => Some(Method::Get { index: None }),
                [_, index] => Some(Method::Get {
                    index: Some(operand(index)?),
                }),
                _ => None,
            },
        ),
        "set" => (
            ":host set NAME.FIELD [INDEX] VALUE",
            match words {
                [_, value] => Some(Method::Set {
                    index: None,
                    value: operand(value)?,
                }),
                [_, index, value] => Some(Method::Set {
                    index: Some(operand(index)?),
                    value: operand(value)?,
                }),
                _ => None,
            },
        ),
        _ => (
            ":host grow NAME.FIELD DELTA",
            match words {
                [_, delta] => Some(Method::Grow {
                    delta: operand(delta)?,
                }),
                _ => None,
            },
        ),
    };
    let Some(method) = method else {
        let most = if name == "set" { 3 } else { 2 };
        let span = words.get(most).map_or(end..end, Word::span);
        return Err(CommandError::MethodUsage(usage, span));
    };
    let first = words.first();
    Ok(HostCommand::Call {
        path: At {
            value: path(first, end)?,
            span: first.map_or(end..end, Word::span),
        },
        method,
    })
}

/// A value as JavaScript writes it, or `$name`.
fn operand(word: &Word<'_>) -> Result<At<Operand>, CommandError> {
    let value = if word.text.starts_with('$') {
        Operand::Func(word.text.to_string())
    } else {
        match js::parse(word.text) {
            Ok(JsValue::Number(n)) => Operand::Number(n),
            Ok(JsValue::BigInt(n)) => Operand::BigInt(n),
            Ok(JsValue::Null) => Operand::Null,
            _ => return Err(CommandError::Operand(word.text.to_string(), word.span())),
        }
    };
    Ok(At {
        value,
        span: word.span(),
    })
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
    let ty = ValType::from_name(ty.text).ok_or_else(|| CommandError::GlobalUsage(ty.span()))?;
    let parsed = match ty.ref_type() {
        // As JavaScript's `new WebAssembly.Global({value: "anyref"}, 42)`.
        Some(_) if ty != ValType::FuncRef => match js::parse(value.text) {
            Ok(js_value) => super::convert::to_reference(&js_value, ty),
            Err(_) => Err(format!(
                "{} is not a value: write null or a Number",
                value.text
            )),
        },
        _ => parse_value(ty, value.text),
    };
    let value = parsed.map_err(|message| CommandError::GlobalValue(message, value.span()))?;
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
                    shared: false,
                    ..MemoryType::default()
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
    fn methods_take_javascript_values() {
        fn at<T>(value: T, span: Range<usize>) -> At<T> {
            At { value, span }
        }
        assert_eq!(
            parse("set mem.offset 42"),
            Ok(HostCommand::Call {
                path: at(path("mem", "offset"), 4..14),
                method: Method::Set {
                    index: None,
                    value: at(Operand::Number(42.0), 15..17)
                }
            })
        );
        assert_eq!(
            parse("set t.tab 0 $f"),
            Ok(HostCommand::Call {
                path: at(path("t", "tab"), 4..9),
                method: Method::Set {
                    index: Some(at(Operand::Number(0.0), 10..11)),
                    value: at(Operand::Func("$f".into()), 12..14)
                }
            })
        );
        assert!(matches!(
            parse("set big.n -5n"),
            Ok(HostCommand::Call { method: Method::Set { value, .. }, .. })
                if value.value == Operand::BigInt(-5)
        ));
        assert!(matches!(
            parse("get t.tab null"),
            Ok(HostCommand::Call { method: Method::Get { index: Some(i) }, .. })
                if i.value == Operand::Null
        ));
        assert!(matches!(
            parse("grow mem.pages 0x2"),
            Ok(HostCommand::Call { method: Method::Grow { delta }, .. })
                if delta.value == Operand::Number(2.0)
        ));
        assert_eq!(error("get").0, "usage: :host get NAME.FIELD [INDEX]");
        assert_eq!(
            error("set g.x"),
            ("usage: :host set NAME.FIELD [INDEX] VALUE".into(), "")
        );
        assert_eq!(error("grow m.p 1 2").1, "2");
        assert_eq!(error("get t.tab 0 1").1, "1");
        assert_eq!(error("set g 1").1, "g");
        assert_eq!(
            error("set g.x 'a'"),
            (
                "'a' is not a value here: write a Number (42, -1.5), a BigInt (42n), null, or $name for a function of the session module".into(),
                "'a'"
            )
        );
        assert_eq!(error("set g.x 1.5n").1, "1.5n");
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

//! Reading a script into commands: the `wast` crate's directives, plus a
//! top-level `(get ...)`, which the reference interpreter accepts as a command
//! (an action on its own) but the crate only accepts inside an assertion.

use wast::parser::{self, Cursor, Parse, ParseBuffer, Parser, Peek};
use wast::token::Span;
use wast::{QuoteWat, WastDirective, WastExecute, Wat};

/// One command of a script.
#[derive(Debug)]
pub enum Command<'a> {
    /// A directive the `wast` crate parses.
    Directive(WastDirective<'a>),
    /// `(get $id? "name")`: read an exported global.
    Get(WastExecute<'a>),
}

impl Command<'_> {
    /// Where the command starts in the script text.
    pub fn span(&self) -> Span {
        match self {
            Command::Directive(d) => d.span(),
            Command::Get(exec) => exec.span(),
        }
    }

    /// The command's keyword, e.g. `assert_return`.
    pub fn keyword(&self) -> &'static str {
        let Command::Directive(d) = self else {
            return "get";
        };
        match d {
            WastDirective::Module(_) => "module",
            WastDirective::ModuleDefinition(_) => "module definition",
            WastDirective::ModuleInstance { .. } => "module instance",
            WastDirective::AssertMalformed { .. } => "assert_malformed",
            WastDirective::AssertInvalid { .. } => "assert_invalid",
            WastDirective::Register { .. } => "register",
            WastDirective::Invoke(_) => "invoke",
            WastDirective::AssertTrap { .. } => "assert_trap",
            WastDirective::AssertReturn { .. } => "assert_return",
            WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
            WastDirective::AssertException { .. } => "assert_exception",
            WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
            WastDirective::Thread(_) => "thread",
            WastDirective::Wait { .. } => "wait",
            _ => "directive",
        }
    }
}

/// A parse buffer over `text`. The spec's `names.wast` deliberately uses
/// bidirectional-override characters, so they are allowed.
///
/// # Errors
/// When `text` does not lex.
pub fn buffer(text: &str) -> Result<ParseBuffer<'_>, wast::Error> {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let mut buf = ParseBuffer::new_with_lexer(lexer)?;
    // Where each instruction was written, so an invalid one can be named by line.
    buf.track_instr_spans(true);
    Ok(buf)
}

/// The commands of the script in `buf`.
///
/// # Errors
/// When the script does not parse.
pub fn commands<'a>(buf: &'a ParseBuffer<'a>) -> Result<Vec<Command<'a>>, wast::Error> {
    parser::parse::<Commands<'a>>(buf).map(|c| c.0)
}

struct Commands<'a>(Vec<Command<'a>>);

impl<'a> Parse<'a> for Commands<'a> {
    fn parse(parser: Parser<'a>) -> parser::Result<Self> {
        let mut commands = Vec::new();
        // As in the `wast` crate: a script that does not start with a command
        // is the fields of one inline module.
        if parser.peek2::<CommandKeyword>()? {
            while !parser.is_empty() {
                commands.push(parser.parens(|p| {
                    if p.peek::<wast::kw::get>()? {
                        Ok(Command::Get(p.parse()?))
                    } else {
                        Ok(Command::Directive(p.parse()?))
                    }
                })?);
            }
        } else {
            let module = parser.parse::<Wat<'a>>()?;
            commands.push(Command::Directive(WastDirective::Module(QuoteWat::Wat(
                module,
            ))));
        }
        Ok(Commands(commands))
    }
}

/// The keywords that start a script command rather than a module field.
struct CommandKeyword;

impl Peek for CommandKeyword {
    fn peek(cursor: Cursor<'_>) -> parser::Result<bool> {
        Ok(cursor.keyword()?.is_some_and(|(kw, _)| {
            kw.starts_with("assert_")
                || matches!(
                    kw,
                    "module" | "component" | "register" | "invoke" | "get" | "thread" | "wait"
                )
        }))
    }

    fn display() -> &'static str {
        "a script command"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(text: &str) -> Vec<&'static str> {
        let buf = buffer(text).expect("lexes");
        commands(&buf)
            .expect("parses")
            .iter()
            .map(Command::keyword)
            .collect()
    }

    #[test]
    fn a_top_level_get_is_a_command() {
        assert_eq!(
            keywords("(module) (get \"g\") (get $m \"h\") (invoke \"f\")"),
            ["module", "get", "get", "invoke"]
        );
        assert_eq!(keywords("(get \"g\")"), ["get"]);
    }

    #[test]
    fn bare_fields_are_one_inline_module() {
        assert_eq!(keywords("(func) (memory 1)"), ["module"]);
    }
}

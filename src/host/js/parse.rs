//! The parser of the JavaScript subset: object literals, `Math` and
//! `console` members, and `new WebAssembly.Memory/Global/Table(...)`.

use super::lex::{Lexer, Tok, Token};
use super::value::{JsError, JsValue, Span, error};

/// How many objects (and `new` calls) may be nested inside each other.
pub const MAX_DEPTH: usize = 32;

/// Parses one value (normally an object literal) spanning the whole text.
///
/// # Errors
/// The first syntax error, with the span of the offending token.
pub fn parse(text: &str) -> Result<JsValue, JsError> {
    let mut parser = Parser {
        text,
        lexer: Lexer::new(text),
        prev_end: 0,
        peeked: None,
    };
    let value = parser.value(0, Ctx::Top)?;
    let next = parser.next()?;
    if next.tok != Tok::End {
        let what = if matches!(value, JsValue::Object(_)) {
            "object"
        } else {
            "value"
        };
        return Err(error(
            format!("unexpected text after the {what}"),
            next.span,
        ));
    }
    Ok(value)
}

const UNKNOWN_NAME_HELP: &str = "the host object may use Math, console, numbers, strings, \
                                 nested objects and new WebAssembly.Memory/Global/Table";

const ONLY_WEBASSEMBLY: &str =
    "only WebAssembly.Memory, WebAssembly.Global and WebAssembly.Table can be created here";

/// Where a value is being parsed, for the "expected a value" message.
#[derive(Clone, Copy)]
enum Ctx<'k> {
    Top,
    Key(&'k str),
    Arg(&'k str),
}

struct Parser<'a> {
    text: &'a str,
    /// The tokens (read up to the peeked token, if any).
    lexer: Lexer<'a>,
    /// End of the last token taken with `next`.
    prev_end: usize,
    peeked: Option<Token>,
}

impl Parser<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span { start, end }
    }

    fn peek(&mut self) -> Result<&Token, JsError> {
        if self.peeked.is_none() {
            let token = self.lexer.next_token()?;
            self.peeked = Some(token);
        }
        match &self.peeked {
            Some(token) => Ok(token),
            None => Err(JsError {
                message: "internal: no token".into(),
                span: Span { start: 0, end: 0 },
            }),
        }
    }

    fn next(&mut self) -> Result<Token, JsError> {
        let token = match self.peeked.take() {
            Some(token) => token,
            None => self.lexer.next_token()?,
        };
        if token.tok != Tok::End {
            self.prev_end = token.span.end;
        }
        Ok(token)
    }

    /// The source text of a span (empty if it is somehow not on a char
    /// boundary).
    fn source(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// How a token is named in "found ..." messages.
    fn describe(&self, token: &Token) -> String {
        let src = self.source(token.span);
        match &token.tok {
            Tok::End => "the end of the text".to_string(),
            Tok::Number(_) => format!("the number {src}"),
            Tok::BigInt(_) => format!("the BigInt {src}"),
            Tok::Str(_) if src.chars().count() <= 30 => format!("the string {src}"),
            Tok::Str(_) => "a string".to_string(),
            Tok::Ident(name) => format!("the name {name}"),
            _ => format!("'{src}'"),
        }
    }

    fn value(&mut self, depth: usize, ctx: Ctx<'_>) -> Result<JsValue, JsError> {
        let token = self.next()?;
        match token.tok {
            Tok::LBrace => self.object(token.span, depth + 1),
            Tok::Number(n) => Ok(JsValue::Number(n)),
            Tok::BigInt(n) => Ok(JsValue::BigInt(n)),
            Tok::Str(s) => Ok(JsValue::String(s)),
            Tok::Plus | Tok::Minus => {
                let negative = token.tok == Tok::Minus;
                let sign = if negative { '-' } else { '+' };
                let operand = self.next()?;
                let n = match &operand.tok {
                    Tok::Number(n) => *n,
                    Tok::BigInt(n) if negative => return Ok(JsValue::BigInt(n.wrapping_neg())),
                    Tok::BigInt(_) => {
                        return Err(error(
                            "TypeError: Cannot convert a BigInt value to a number \
                             (a '+' sign makes a Number; write the BigInt without it)",
                            self.span(token.span.start, operand.span.end),
                        ));
                    }
                    Tok::Ident(name) if name == "Infinity" => f64::INFINITY,
                    Tok::Ident(name) if name == "NaN" => f64::NAN,
                    _ => {
                        return Err(error(
                            format!(
                                "a '{sign}' sign must be followed by a number, found {}",
                                self.describe(&operand)
                            ),
                            operand.span,
                        ));
                    }
                };
                Ok(JsValue::Number(if negative { -n } else { n }))
            }
            Tok::Ident(name) => match name.as_str() {
                "true" => Ok(JsValue::Bool(true)),
                "null" => Ok(JsValue::Null),
                "false" => Ok(JsValue::Bool(false)),
                "Infinity" => Ok(JsValue::Number(f64::INFINITY)),
                "NaN" => Ok(JsValue::Number(f64::NAN)),
                "Math" => Ok(match self.member("Math", "Math.sin")? {
                    Some(m) => JsValue::MathMember(m),
                    None => JsValue::Math,
                }),
                "console" => Ok(match self.member("console", "console.log")? {
                    Some(m) => JsValue::ConsoleMember(m),
                    None => JsValue::Console,
                }),
                "new" => self.new_expression(token.span, depth + 1),
                "WebAssembly" => Err(error(
                    "WebAssembly objects are created with new, like \
                     new WebAssembly.Memory({ initial: 1 })",
                    token.span,
                )),
                "function" => Err(error(
                    "JavaScript functions cannot be written here; import a host function \
                     such as Math.sin or console.log",
                    token.span,
                )),
                "const" | "let" | "var" if matches!(ctx, Ctx::Top) => Err(error(
                    format!("write only the object itself, without `{name} ... =`"),
                    token.span,
                )),
                _ => Err(error(
                    format!("unknown name {name}: {UNKNOWN_NAME_HELP}"),
                    token.span,
                )),
            },
            Tok::Other('[') => Err(error(
                "arrays are not supported in the host object; use an object { ... }",
                token.span,
            )),
            Tok::Other('`') => Err(error(
                "template strings are not supported; use \"...\" or '...'",
                token.span,
            )),
            Tok::LParen => Err(error(
                "parentheses and JavaScript functions are not supported here; import a host \
                 function such as Math.sin or console.log",
                token.span,
            )),
            _ => {
                let found = self.describe(&token);
                let message = match ctx {
                    Ctx::Top => {
                        format!(
                            "expected an object like {{ env: {{ f: Math.sin }} }}, found {found}"
                        )
                    }
                    Ctx::Key(key) => format!("expected a value for the key {key:?}, found {found}"),
                    Ctx::Arg(class) => {
                        format!("expected an argument of WebAssembly.{class}, found {found}")
                    }
                };
                Err(error(message, token.span))
            }
        }
    }

    /// After `Math` or `console`: an optional `.NAME`.
    fn member(&mut self, object: &str, example: &str) -> Result<Option<String>, JsError> {
        if self.peek()?.tok != Tok::Dot {
            return Ok(None);
        }
        self.next()?;
        let name = self.next()?;
        match name.tok {
            Tok::Ident(member) => Ok(Some(member)),
            _ => Err(error(
                format!(
                    "expected a name after '{object}.', like {example}, found {}",
                    self.describe(&name)
                ),
                name.span,
            )),
        }
    }

    fn object(&mut self, open: Span, depth: usize) -> Result<JsValue, JsError> {
        if depth > MAX_DEPTH {
            return Err(error(
                format!("the values are nested too deeply (more than {MAX_DEPTH} levels)"),
                open,
            ));
        }
        let missing = || error("missing '}': this object is never closed", open);
        let mut entries: Vec<(String, JsValue, Span)> = Vec::new();
        loop {
            let token = self.next()?;
            let key = match token.tok {
                Tok::RBrace => return Ok(JsValue::Object(entries)),
                Tok::Str(key) | Tok::Ident(key) => key,
                Tok::End => return Err(missing()),
                _ => {
                    return Err(error(
                        format!(
                            "expected a key (a name or a quoted string) or '}}', found {}",
                            self.describe(&token)
                        ),
                        token.span,
                    ));
                }
            };
            let key_span = token.span;
            if entries.iter().any(|(k, _, _)| *k == key) {
                return Err(error(format!("the key {key:?} appears twice"), key_span));
            }
            let colon = self.next()?;
            if colon.tok != Tok::Colon {
                return Err(error(
                    format!("expected ':' after the key {key:?}"),
                    colon.span,
                ));
            }
            let value = self.value(depth, Ctx::Key(&key))?;
            let after = self.next()?;
            match after.tok {
                Tok::Comma | Tok::RBrace => {}
                Tok::End => return Err(missing()),
                _ => {
                    return Err(error(
                        format!(
                            "expected ',' or '}}' after the value of {key:?}, found {}",
                            self.describe(&after)
                        ),
                        after.span,
                    ));
                }
            }
            entries.push((key, value, key_span));
            if after.tok == Tok::RBrace {
                return Ok(JsValue::Object(entries));
            }
        }
    }

    /// After `new`: `WebAssembly.X(args)`.
    fn new_expression(&mut self, new_span: Span, depth: usize) -> Result<JsValue, JsError> {
        if depth > MAX_DEPTH {
            return Err(error(
                format!("the values are nested too deeply (more than {MAX_DEPTH} levels)"),
                new_span,
            ));
        }
        let namespace = self.next()?;
        if !matches!(&namespace.tok, Tok::Ident(n) if n == "WebAssembly") {
            return Err(error(ONLY_WEBASSEMBLY, namespace.span));
        }
        let dot = self.next()?;
        if dot.tok != Tok::Dot {
            return Err(error(
                format!(
                    "expected '.' after WebAssembly, as in new WebAssembly.Memory(...), found {}",
                    self.describe(&dot)
                ),
                dot.span,
            ));
        }
        let class_token = self.next()?;
        let (class, example) = match &class_token.tok {
            Tok::Ident(c) if c == "Memory" => ("Memory", "{ initial: 1, maximum: 10 }"),
            Tok::Ident(c) if c == "Global" => ("Global", "{ value: \"i32\", mutable: true }"),
            Tok::Ident(c) if c == "Table" => ("Table", "{ element: \"anyfunc\", initial: 2 }"),
            _ => return Err(error(ONLY_WEBASSEMBLY, class_token.span)),
        };
        let open = self.next()?;
        if open.tok != Tok::LParen {
            return Err(error(
                format!(
                    "expected '(' after WebAssembly.{class}: write new WebAssembly.{class}({example})"
                ),
                open.span,
            ));
        }
        let missing_paren = || {
            error(
                format!("missing ')': the arguments of WebAssembly.{class} are never closed"),
                open.span,
            )
        };
        let mut args = Vec::new();
        loop {
            match self.peek()?.tok {
                Tok::RParen => {
                    self.next()?;
                    break;
                }
                Tok::End => return Err(missing_paren()),
                _ => {}
            }
            let arg_start = self.peek()?.span.start;
            let arg = self.value(depth, Ctx::Arg(class))?;
            let arg_span = self.span(arg_start, self.prev_end);
            let position = args.len();
            if position == 0 && !matches!(arg, JsValue::Object(_)) {
                return Err(error(
                    format!(
                        "the first argument of WebAssembly.{class} must be a descriptor object, \
                         like {example}"
                    ),
                    arg_span,
                ));
            }
            let max = if class == "Memory" { 1 } else { 2 };
            if position >= max {
                let message = match class {
                    "Memory" => "WebAssembly.Memory takes only one argument, the descriptor",
                    "Global" => {
                        "WebAssembly.Global takes at most two arguments: \
                         the descriptor and the initial value"
                    }
                    _ => {
                        "WebAssembly.Table takes at most two arguments: \
                         the descriptor and the initial element"
                    }
                };
                return Err(error(message, arg_span));
            }
            args.push(arg);
            let after = self.next()?;
            match after.tok {
                Tok::Comma => {}
                Tok::RParen => break,
                Tok::End => {
                    return Err(error(
                        format!(
                            "missing ')': the arguments of WebAssembly.{class} are never closed"
                        ),
                        open.span,
                    ));
                }
                _ => {
                    return Err(error(
                        format!(
                            "expected ',' or ')' after an argument of WebAssembly.{class}, found {}",
                            self.describe(&after)
                        ),
                        after.span,
                    ));
                }
            }
        }
        let span = self.span(new_span.start, self.prev_end);
        if args.is_empty() {
            return Err(error(
                format!(
                    "new WebAssembly.{class} needs a descriptor object, like \
                     new WebAssembly.{class}({example})"
                ),
                span,
            ));
        }
        Ok(JsValue::New {
            class: class.to_string(),
            args,
            span,
        })
    }
}

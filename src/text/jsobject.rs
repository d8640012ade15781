//! The JavaScript import object typed at the prompt (`:host { ... }`).
//!
//! Learners meet imports as the second argument of
//! `WebAssembly.instantiate(bytes, importObject)`, so the workbench lets them
//! write exactly that object, in JavaScript syntax:
//!
//! ```text
//! {
//!   "math" : Math,
//!   env: { log: console.log, mem: new WebAssembly.Memory({ initial: 1 }),
//!          g: new WebAssembly.Global({ value: "i32", mutable: true }, 42) }
//! }
//! ```
//!
//! [`parse`] reads a small subset of JavaScript: object literals (quoted or
//! bare keys, optional trailing comma), numbers (decimal, exponent, `0x`
//! hex, a leading sign, `Infinity`, `NaN`), strings with simple escapes,
//! `true`/`false`, `Math`, `Math.NAME`, `console`, `console.NAME`, and
//! `new WebAssembly.Memory/Global/Table(...)`; whitespace and `//`, `/* */`
//! comments may appear anywhere. Anything else is an error with a teaching
//! message and the [`Span`] of the offending token. Nesting is limited to
//! [`MAX_DEPTH`] levels, so no input can exhaust the stack.
//!
//! [`check_two_levels`] then checks the shape every import object has:
//! module names, then import names, then values.

use std::fmt;

/// How many objects (and `new` calls) may be nested inside each other.
pub const MAX_DEPTH: usize = 32;

/// A parsed JavaScript value of the supported subset.
#[derive(Debug, Clone, PartialEq)]
pub enum JsValue {
    /// A number literal (also `Infinity`, `NaN`, with an optional sign).
    Number(f64),
    /// A string literal, escapes resolved.
    String(String),
    /// `true` or `false`.
    Bool(bool),
    /// `Math` itself.
    Math,
    /// `Math.NAME` (function or constant; the caller checks the name).
    MathMember(String),
    /// `console` itself.
    Console,
    /// `console.log` (or another member name; the caller checks).
    ConsoleMember(String),
    /// An object literal: its entries in source order, each with the span of
    /// its key (quotes included for a quoted key).
    Object(Vec<(String, JsValue, Span)>),
    /// `new WebAssembly.X(args...)`, with X one of Memory, Global, Table.
    New {
        /// `Memory`, `Global` or `Table`.
        class: String,
        /// The arguments; the first is always an object (the descriptor).
        args: Vec<JsValue>,
        /// From `new` to the closing `)`.
        span: Span,
    },
}

/// Byte range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

/// A parse error at a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsError {
    /// What is wrong, in plain words.
    pub message: String,
    /// The offending token (empty at the end of the text).
    pub span: Span,
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsError {}

/// Parses one value (normally an object literal) spanning the whole text.
///
/// # Errors
/// The first syntax error, with the span of the offending token.
pub fn parse(text: &str) -> Result<JsValue, JsError> {
    let mut parser = Parser {
        text,
        pos: 0,
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

/// Checks the shape an import object must have: an object whose values are
/// objects (or `Math`/`console`), whose values are leaves (not objects).
/// Returns the first violation, e.g. `"mem.pages.x": an import name has
/// exactly two levels (module and name); this value is nested one level
/// deeper`.
///
/// Only spans of keys and `new` expressions are kept in a [`JsValue`], so a
/// violation is reported at the key of the offending entry; a top-level value
/// that is not an object is reported at its `new` span, or at `0..0`.
///
/// # Errors
/// The first violation in source order.
pub fn check_two_levels(value: &JsValue) -> Result<(), JsError> {
    let JsValue::Object(modules) = value else {
        let span = match value {
            JsValue::New { span, .. } => *span,
            _ => Span { start: 0, end: 0 },
        };
        return Err(error(
            format!(
                "the host object must be an object of modules, like {{ env: {{ f: Math.sin }} }}; \
                 this is {}",
                kind(value)
            ),
            span,
        ));
    };
    for (module, imports, module_span) in modules {
        let imports = match imports {
            JsValue::Object(imports) => imports,
            JsValue::Math | JsValue::Console => continue,
            other => {
                return Err(error(
                    format!(
                        "{module:?}: a module must be an object of imports (or Math or console), \
                         like {module:?}: {{ name: value }}; this is {}",
                        kind(other)
                    ),
                    *module_span,
                ));
            }
        };
        for (name, import, name_span) in imports {
            match import {
                JsValue::Object(deeper) => {
                    return Err(match deeper.first() {
                        Some((key, _, key_span)) => error(
                            format!(
                                "{:?}: an import name has exactly two levels (module and name); \
                                 this value is nested one level deeper",
                                format!("{module}.{name}.{key}")
                            ),
                            *key_span,
                        ),
                        None => error(
                            format!(
                                "{:?}: an import must be a single value (a number, a function, \
                                 or a Memory, Global or Table), not an object",
                                format!("{module}.{name}")
                            ),
                            *name_span,
                        ),
                    });
                }
                JsValue::Math | JsValue::Console => {
                    let (whole, example) = if *import == JsValue::Math {
                        ("Math", "Math.sin")
                    } else {
                        ("console", "console.log")
                    };
                    return Err(error(
                        format!(
                            "{:?}: {whole} is a whole object, not an import; \
                             import one of its members, like {example}",
                            format!("{module}.{name}")
                        ),
                        *name_span,
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A short description of a value for messages.
fn kind(value: &JsValue) -> String {
    match value {
        JsValue::Number(n) => format!("the number {n}"),
        JsValue::String(_) => "a string".to_string(),
        JsValue::Bool(b) => format!("{b}"),
        JsValue::Math => "Math".to_string(),
        JsValue::MathMember(m) => format!("Math.{m}"),
        JsValue::Console => "console".to_string(),
        JsValue::ConsoleMember(m) => format!("console.{m}"),
        JsValue::Object(_) => "an object".to_string(),
        JsValue::New { class, .. } => format!("a WebAssembly.{class}"),
    }
}

fn error(message: impl Into<String>, span: Span) -> JsError {
    JsError {
        message: message.into(),
        span,
    }
}

const UNKNOWN_NAME_HELP: &str = "the host object may use Math, console, numbers, strings, \
                                 nested objects and new WebAssembly.Memory/Global/Table";

const ONLY_WEBASSEMBLY: &str =
    "only WebAssembly.Memory, WebAssembly.Global and WebAssembly.Table can be created here";

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LBrace,
    RBrace,
    LParen,
    RParen,
    Colon,
    Comma,
    Dot,
    Plus,
    Minus,
    Number(f64),
    Str(String),
    Ident(String),
    /// Any other character (`[`, `;`, `=`, ...), left to the parser to
    /// complain about in context.
    Other(char),
    End,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    tok: Tok,
    span: Span,
}

/// Where a value is being parsed, for the "expected a value" message.
#[derive(Clone, Copy)]
enum Ctx<'k> {
    Top,
    Key(&'k str),
    Arg(&'k str),
}

struct Parser<'a> {
    text: &'a str,
    /// Lexer position (after the peeked token, if any).
    pos: usize,
    /// End of the last token taken with `next`.
    prev_end: usize,
    peeked: Option<Token>,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl Parser<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span { start, end }
    }

    fn peek(&mut self) -> Result<&Token, JsError> {
        if self.peeked.is_none() {
            let token = self.lex()?;
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
            None => self.lex()?,
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
            Tok::Str(_) if src.chars().count() <= 30 => format!("the string {src}"),
            Tok::Str(_) => "a string".to_string(),
            Tok::Ident(name) => format!("the name {name}"),
            _ => format!("'{src}'"),
        }
    }

    // ----- lexer -----

    fn skip_trivia(&mut self) -> Result<(), JsError> {
        loop {
            let rest = &self.text[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Ok(());
            };
            if c.is_whitespace() || c == '\u{feff}' {
                self.pos += c.len_utf8();
            } else if rest.starts_with("//") {
                let line_end = rest
                    .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                    .unwrap_or(rest.len());
                self.pos += line_end;
            } else if let Some(body) = rest.strip_prefix("/*") {
                match body.find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => {
                        return Err(error(
                            "unterminated comment: a /* comment needs a closing */",
                            self.span(self.pos, self.pos + 2),
                        ));
                    }
                }
            } else {
                return Ok(());
            }
        }
    }

    fn lex(&mut self) -> Result<Token, JsError> {
        self.skip_trivia()?;
        let start = self.pos;
        let rest = &self.text[start..];
        let Some(c) = rest.chars().next() else {
            return Ok(Token {
                tok: Tok::End,
                span: self.span(start, start),
            });
        };
        let single = |tok| (tok, c.len_utf8());
        let (tok, len) = match c {
            '{' => single(Tok::LBrace),
            '}' => single(Tok::RBrace),
            '(' => single(Tok::LParen),
            ')' => single(Tok::RParen),
            ':' => single(Tok::Colon),
            ',' => single(Tok::Comma),
            '+' => single(Tok::Plus),
            '-' => single(Tok::Minus),
            '"' | '\'' => return self.lex_string(c),
            '0'..='9' => return self.lex_number(),
            '.' if rest[1..].starts_with(|d: char| d.is_ascii_digit()) => {
                return self.lex_number();
            }
            '.' => single(Tok::Dot),
            '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' => {
                return Err(error(
                    format!(
                        "{c} is a typographic quote; JavaScript strings use straight quotes \
                         \" or '"
                    ),
                    self.span(start, start + c.len_utf8()),
                ));
            }
            c if is_ident_start(c) => {
                let len = rest
                    .find(|d: char| !is_ident_continue(d))
                    .unwrap_or(rest.len());
                (Tok::Ident(rest[..len].to_string()), len)
            }
            other => single(Tok::Other(other)),
        };
        self.pos = start + len;
        Ok(Token {
            tok,
            span: self.span(start, start + len),
        })
    }

    fn lex_number(&mut self) -> Result<Token, JsError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let hex = self.text[start..].starts_with("0x") || self.text[start..].starts_with("0X");
        let mut end = start;
        while end < bytes.len() {
            let b = bytes[end];
            let sign_of_exponent = (b == b'+' || b == b'-')
                && !hex
                && end > start
                && matches!(bytes[end - 1], b'e' | b'E');
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'$' || sign_of_exponent
            {
                end += 1;
            } else {
                break;
            }
        }
        let span = self.span(start, end);
        let src = &self.text[start..end];
        self.pos = end;
        match number_value(src) {
            Ok(n) => Ok(Token {
                tok: Tok::Number(n),
                span,
            }),
            Err(why) => Err(error(format!("malformed number {src}: {why}"), span)),
        }
    }

    fn lex_string(&mut self, quote: char) -> Result<Token, JsError> {
        let start = self.pos;
        let mut i = start + 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[i..].chars().next() else {
                return Err(error(
                    format!("unterminated string: missing the closing {quote}"),
                    self.span(start, i),
                ));
            };
            if c == quote {
                i += 1;
                break;
            }
            match c {
                '\n' | '\r' => {
                    return Err(error(
                        format!(
                            "unterminated string: missing the closing {quote} \
                             (a string must end on the line where it starts)"
                        ),
                        self.span(start, i),
                    ));
                }
                '\\' => {
                    let (ch, len) = self.escape(i)?;
                    out.push(ch);
                    i += len;
                }
                _ => {
                    out.push(c);
                    i += c.len_utf8();
                }
            }
        }
        self.pos = i;
        Ok(Token {
            tok: Tok::Str(out),
            span: self.span(start, i),
        })
    }

    /// Decodes the escape sequence starting at the backslash at `at`:
    /// returns the character and the sequence's length in bytes.
    fn escape(&self, at: usize) -> Result<(char, usize), JsError> {
        let after = &self.text[at + 1..];
        let Some(e) = after.chars().next() else {
            return Err(error(
                "unterminated string: it ends with a lone \\",
                self.span(at, at + 1),
            ));
        };
        let simple = match e {
            '"' => Some('"'),
            '\'' => Some('\''),
            '\\' => Some('\\'),
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '0' if !after[1..].starts_with(|d: char| d.is_ascii_digit()) => Some('\0'),
            _ => None,
        };
        if let Some(ch) = simple {
            return Ok((ch, 2));
        }
        if e != 'u' {
            return Err(error(
                format!(
                    "unknown escape \\{e} in a string: the escapes here are \
                     \\\" \\' \\\\ \\n \\t and \\uXXXX"
                ),
                self.span(at, at + 1 + e.len_utf8()),
            ));
        }
        // \u{X...}
        if let Some(braced) = after[1..].strip_prefix('{') {
            let close = braced.find('}');
            let digits = close.map(|c| &braced[..c]);
            if let Some(digits) = digits
                && (1..=6).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_hexdigit())
                && let Some(ch) = u32::from_str_radix(digits, 16)
                    .ok()
                    .and_then(char::from_u32)
            {
                return Ok((ch, 4 + digits.len()));
            }
            let end = close.map_or(at + 3, |c| at + 4 + c);
            return Err(error(
                "bad \\u{...} escape: it needs 1 to 6 hex digits naming a Unicode character",
                self.span(at, end),
            ));
        }
        let four = |from: usize| -> Option<u32> {
            let digits = self.text.get(from..from + 4)?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(digits, 16).ok()
        };
        let Some(unit) = four(at + 2) else {
            let end = (at + 2..=(at + 6).min(self.text.len()))
                .rev()
                .find(|&e| self.text.is_char_boundary(e))
                .unwrap_or(at + 2);
            return Err(error(
                "bad \\u escape: write exactly four hex digits, like \\u00e9",
                self.span(at, end),
            ));
        };
        if let Some(ch) = char::from_u32(unit) {
            return Ok((ch, 6));
        }
        // A surrogate: only a high one followed by a low one makes a char.
        if (0xd800..0xdc00).contains(&unit)
            && self.text[at + 6..].starts_with("\\u")
            && let Some(low) = four(at + 8)
            && (0xdc00..0xe000).contains(&low)
            && let Some(ch) = char::from_u32(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00))
        {
            return Ok((ch, 12));
        }
        Err(error(
            format!(
                "\\u{unit:04X} is half of a surrogate pair and is not a character on its own; \
                 write the character itself or use \\u{{...}}"
            ),
            self.span(at, at + 6),
        ))
    }

    // ----- parser -----

    fn value(&mut self, depth: usize, ctx: Ctx<'_>) -> Result<JsValue, JsError> {
        let token = self.next()?;
        match token.tok {
            Tok::LBrace => self.object(token.span, depth + 1),
            Tok::Number(n) => Ok(JsValue::Number(n)),
            Tok::Str(s) => Ok(JsValue::String(s)),
            Tok::Plus | Tok::Minus => {
                let negative = token.tok == Tok::Minus;
                let sign = if negative { '-' } else { '+' };
                let operand = self.next()?;
                let n = match &operand.tok {
                    Tok::Number(n) => *n,
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

/// The value of a number literal's source (ASCII letters, digits, `.`, `_`,
/// `$` and exponent signs), or why it is malformed.
fn number_value(src: &str) -> Result<f64, &'static str> {
    const SHAPES: &str = "numbers look like 42, 1.5, 2e3 or 0x1F";
    if let Some(hex) = src.strip_prefix("0x").or_else(|| src.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("0x must be followed by hex digits 0-9 and a-f");
        }
        let significant = hex.trim_start_matches('0');
        if significant.len() <= 32 {
            let v = u128::from_str_radix(hex, 16).map_err(|_| SHAPES)?;
            return Ok(v as f64);
        }
        return Ok(hex.bytes().fold(0.0, |acc, b| {
            acc * 16.0 + f64::from(char::from(b).to_digit(16).unwrap_or(0))
        }));
    }
    let b = src.as_bytes();
    let digits_from = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let int_end = digits_from(0);
    if int_end > 1 && b[0] == b'0' {
        return Err("a number cannot start with 0 unless it is 0, 0.5 or 0x...");
    }
    let mut i = int_end;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        let frac_end = digits_from(i + 1);
        frac_digits = frac_end - (i + 1);
        i = frac_end;
    }
    if int_end + frac_digits == 0 {
        return Err(SHAPES);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_end = digits_from(i);
        if exp_end == i {
            return Err("the exponent after e needs digits, like 2e3 or 1.5e-7");
        }
        i = exp_end;
    }
    if i != b.len() {
        return Err(SHAPES);
    }
    src.parse::<f64>().map_err(|_| SHAPES)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{
  "math" : Math,
  "mem"  : { "pages" : new WebAssembly.Memory({ initial : 1, maximum : 20, shared : true }),
             "data_offset" : 0 },
  console: { log: console.log },
  env: { g: new WebAssembly.Global({ value: "i32", mutable: true }, 42), t: new WebAssembly.Table({ element: "anyfunc", initial: 2 }), sin: Math.sin, pi: Math.PI, neg: -1.5e3, hex: 0x10 }
}"#;

    /// The span of the first occurrence of `needle` in `text`.
    fn at(text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle in text");
        Span {
            start,
            end: start + needle.len(),
        }
    }

    /// The span of the key in the first occurrence of `needle` ("key:").
    fn key(text: &str, needle: &str) -> Span {
        let span = at(text, needle);
        Span {
            start: span.start,
            end: span.end - 1,
        }
    }

    fn obj(entries: Vec<(&str, JsValue, Span)>) -> JsValue {
        JsValue::Object(
            entries
                .into_iter()
                .map(|(k, v, s)| (k.to_string(), v, s))
                .collect(),
        )
    }

    fn num(n: f64) -> JsValue {
        JsValue::Number(n)
    }

    fn s(text: &str) -> JsValue {
        JsValue::String(text.to_string())
    }

    /// Parses and expects an error; returns (message, text of the span).
    fn err(text: &str) -> (String, &str) {
        let e = parse(text).expect_err(text);
        let slice = text
            .get(e.span.start..e.span.end)
            .expect("span on char boundaries");
        (e.message, slice)
    }

    /// Parses `{ v: TEXT }` and returns the value.
    fn value_of(text: &str) -> JsValue {
        let whole = format!("{{ v: {text} }}");
        match parse(&whole) {
            Ok(JsValue::Object(mut entries)) if entries.len() == 1 => entries.remove(0).1,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn example_parses_to_the_expected_tree() {
        let t = EXAMPLE;
        let memory_start = t.find("new WebAssembly.Memory").unwrap();
        let memory_end = t[memory_start..].find("})").unwrap() + memory_start + 2;
        let global_start = t.find("new WebAssembly.Global").unwrap();
        let global_end = t[global_start..].find("42)").unwrap() + global_start + 3;
        let table_start = t.find("new WebAssembly.Table").unwrap();
        let table_end = t[table_start..].find("})").unwrap() + table_start + 2;
        // keys inside nested objects: find after a unique anchor
        let after = |anchor: &str, needle: &str| {
            let base = t.find(anchor).unwrap();
            let start = base + t[base..].find(needle).unwrap();
            Span {
                start,
                end: start + needle.len(),
            }
        };
        let expected = obj(vec![
            ("math", JsValue::Math, at(t, "\"math\"")),
            (
                "mem",
                obj(vec![
                    (
                        "pages",
                        JsValue::New {
                            class: "Memory".into(),
                            args: vec![obj(vec![
                                ("initial", num(1.0), at(t, "initial")),
                                ("maximum", num(20.0), at(t, "maximum")),
                                ("shared", JsValue::Bool(true), at(t, "shared")),
                            ])],
                            span: Span {
                                start: memory_start,
                                end: memory_end,
                            },
                        },
                        at(t, "\"pages\""),
                    ),
                    ("data_offset", num(0.0), at(t, "\"data_offset\"")),
                ]),
                at(t, "\"mem\""),
            ),
            (
                "console",
                obj(vec![(
                    "log",
                    JsValue::ConsoleMember("log".into()),
                    key(t, "log:"),
                )]),
                key(t, "console:"),
            ),
            (
                "env",
                obj(vec![
                    (
                        "g",
                        JsValue::New {
                            class: "Global".into(),
                            args: vec![
                                obj(vec![
                                    ("value", s("i32"), key(t, "value:")),
                                    ("mutable", JsValue::Bool(true), at(t, "mutable")),
                                ]),
                                num(42.0),
                            ],
                            span: Span {
                                start: global_start,
                                end: global_end,
                            },
                        },
                        {
                            let span = after("env:", "g:");
                            Span {
                                start: span.start,
                                end: span.end - 1,
                            }
                        },
                    ),
                    (
                        "t",
                        JsValue::New {
                            class: "Table".into(),
                            args: vec![obj(vec![
                                ("element", s("anyfunc"), at(t, "element")),
                                ("initial", num(2.0), after("element", "initial")),
                            ])],
                            span: Span {
                                start: table_start,
                                end: table_end,
                            },
                        },
                        {
                            let span = after("env:", "t:");
                            Span {
                                start: span.start,
                                end: span.end - 1,
                            }
                        },
                    ),
                    ("sin", JsValue::MathMember("sin".into()), key(t, "sin:")),
                    ("pi", JsValue::MathMember("PI".into()), key(t, "pi:")),
                    ("neg", num(-1500.0), at(t, "neg")),
                    ("hex", num(16.0), at(t, "hex")),
                ]),
                at(t, "env"),
            ),
        ]);
        assert_eq!(parse(t), Ok(expected));
        assert_eq!(check_two_levels(&parse(t).unwrap()), Ok(()));
    }

    #[test]
    fn example_key_spans_cover_the_keys() {
        fn walk(text: &str, v: &JsValue) {
            match v {
                JsValue::Object(entries) => {
                    for (k, v, span) in entries {
                        let src = &text[span.start..span.end];
                        assert!(
                            src == k || src == format!("\"{k}\""),
                            "{src:?} is not the key {k:?}"
                        );
                        walk(text, v);
                    }
                }
                JsValue::New { args, span, .. } => {
                    assert!(text[span.start..span.end].starts_with("new WebAssembly."));
                    assert!(text[span.start..span.end].ends_with(')'));
                    args.iter().for_each(|a| walk(text, a));
                }
                _ => {}
            }
        }
        walk(EXAMPLE, &parse(EXAMPLE).unwrap());
    }

    #[test]
    fn objects_and_keys() {
        assert_eq!(parse("{}"), Ok(obj(vec![])));
        assert_eq!(parse("  { }  "), Ok(obj(vec![])));
        let t = "{ a: 1, 'b': 2, \"c\": 3, }";
        assert_eq!(
            parse(t),
            Ok(obj(vec![
                ("a", num(1.0), at(t, "a")),
                ("b", num(2.0), at(t, "'b'")),
                ("c", num(3.0), at(t, "\"c\"")),
            ]))
        );
        // keywords and unusual names are fine as keys
        let t = "{ new: 1, true: 2, $x_1: 3, café: 4, \"a b\": 5 }";
        let JsValue::Object(entries) = parse(t).unwrap() else {
            panic!()
        };
        let keys: Vec<_> = entries.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(keys, ["new", "true", "$x_1", "café", "a b"]);
        // nested, empty nested
        assert_eq!(
            value_of("{ x: {} }"),
            obj(vec![("x", obj(vec![]), Span { start: 7, end: 8 })])
        );
    }

    #[test]
    fn numbers() {
        let cases: &[(&str, f64)] = &[
            ("0", 0.0),
            ("42", 42.0),
            ("1.5", 1.5),
            ("1.", 1.0),
            (".5", 0.5),
            ("1e3", 1000.0),
            ("1E3", 1000.0),
            ("1.5e-3", 0.0015),
            ("2e+2", 200.0),
            ("0x10", 16.0),
            ("0XfF", 255.0),
            ("0xFFFFFFFFFFFFFFFF", 18446744073709551615.0),
            ("-1.5e3", -1500.0),
            ("+7", 7.0),
            ("- 7", -7.0),
            ("-0x10", -16.0),
            ("Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("+Infinity", f64::INFINITY),
            ("1e400", f64::INFINITY),
            ("0.1", 0.1),
        ];
        for &(src, expected) in cases {
            assert_eq!(value_of(src), num(expected), "{src}");
        }
        let JsValue::Number(neg_zero) = value_of("-0") else {
            panic!()
        };
        assert!(neg_zero.is_sign_negative());
        for src in ["NaN", "-NaN", "+NaN"] {
            let JsValue::Number(n) = value_of(src) else {
                panic!()
            };
            assert!(n.is_nan(), "{src}");
        }
        // a number alone is a valid whole text too
        assert_eq!(parse(" 12 "), Ok(num(12.0)));
    }

    #[test]
    fn strings_and_escapes() {
        let cases: &[(&str, &str)] = &[
            (r#""plain""#, "plain"),
            ("'single'", "single"),
            (r#""it's""#, "it's"),
            (r#"'say "hi"'"#, "say \"hi\""),
            (r#""a\"b""#, "a\"b"),
            (r#"'a\'b'"#, "a'b"),
            (r#""back\\slash""#, "back\\slash"),
            (r#""line\nbreak\ttab""#, "line\nbreak\ttab"),
            (r#""\u00e9t\u00E9""#, "été"),
            (r#""\u{1F600}""#, "😀"),
            (r#""\uD83D\uDE00""#, "😀"),
            (r#""\r\0""#, "\r\0"),
            ("\"naïve ☃\"", "naïve ☃"),
            ("''", ""),
        ];
        for &(src, expected) in cases {
            assert_eq!(value_of(src), s(expected), "{src}");
        }
    }

    #[test]
    fn names_and_members() {
        assert_eq!(value_of("true"), JsValue::Bool(true));
        assert_eq!(value_of("false"), JsValue::Bool(false));
        assert_eq!(value_of("Math"), JsValue::Math);
        assert_eq!(value_of("Math.sqrt"), JsValue::MathMember("sqrt".into()));
        assert_eq!(value_of("Math . E"), JsValue::MathMember("E".into()));
        assert_eq!(value_of("console"), JsValue::Console);
        assert_eq!(
            value_of("console.log"),
            JsValue::ConsoleMember("log".into())
        );
        assert_eq!(
            value_of("console.warn"),
            JsValue::ConsoleMember("warn".into())
        );
    }

    #[test]
    fn new_expressions() {
        let t = "{ m: new WebAssembly.Memory({ initial: 1 }) }";
        let JsValue::Object(entries) = parse(t).unwrap() else {
            panic!()
        };
        let JsValue::New { class, args, span } = &entries[0].1 else {
            panic!()
        };
        assert_eq!(class, "Memory");
        assert_eq!(args.len(), 1);
        assert_eq!(
            &t[span.start..span.end],
            "new WebAssembly.Memory({ initial: 1 })"
        );

        // Global without and with a value; Table with a second argument;
        // trailing comma in the arguments.
        let JsValue::New { args, .. } = value_of("new WebAssembly.Global({ value: 'f64' })") else {
            panic!()
        };
        assert_eq!(args.len(), 1);
        let JsValue::New { args, .. } =
            value_of("new WebAssembly.Global({ value: 'f64' }, -Infinity)")
        else {
            panic!()
        };
        assert_eq!(args[1], num(f64::NEG_INFINITY));
        let JsValue::New { class, args, .. } =
            value_of("new WebAssembly.Table({ element: 'anyfunc', initial: 1 }, console.log,)")
        else {
            panic!()
        };
        assert_eq!(class, "Table");
        assert_eq!(args[1], JsValue::ConsoleMember("log".into()));
    }

    #[test]
    fn comments_and_whitespace() {
        let t = "/* lead */{ // line\n a /* k */ : /* v */ 1 /* , */ , // end\r\n\t b\u{a0}:\u{feff}2 }// tail";
        assert_eq!(
            parse(t),
            Ok(obj(vec![
                ("a", num(1.0), Span { start: 21, end: 22 }),
                ("b", num(2.0), at(t, "b"))
            ]))
        );
        assert_eq!(parse("{}/**/"), Ok(obj(vec![])));
        assert_eq!(
            parse("{ a: Math // x\n.sin }"),
            Ok(obj(vec![(
                "a",
                JsValue::MathMember("sin".into()),
                Span { start: 2, end: 3 }
            )]))
        );
    }

    #[test]
    fn error_messages_and_spans() {
        let cases: &[(&str, &str, &str)] = &[
            (r#"{ "mem" 1 }"#, "expected ':' after the key \"mem\"", "1"),
            (
                "{ f: fetch }",
                "unknown name fetch: the host object may use Math, console, numbers, strings, \
                 nested objects and new WebAssembly.Memory/Global/Table",
                "fetch",
            ),
            (
                "{ f: undefined }",
                "unknown name undefined: the host object may use Math, console, numbers, \
                 strings, nested objects and new WebAssembly.Memory/Global/Table",
                "undefined",
            ),
            (
                "{ m: new Date() }",
                "only WebAssembly.Memory, WebAssembly.Global and WebAssembly.Table can be created here",
                "Date",
            ),
            (
                "{ m: new WebAssembly.Module(x) }",
                "only WebAssembly.Memory, WebAssembly.Global and WebAssembly.Table can be created here",
                "Module",
            ),
            (
                "{ a: { b: 1 }",
                "missing '}': this object is never closed",
                "{",
            ),
            ("{ a: 1,", "missing '}': this object is never closed", "{"),
            ("{ a: 1 } x", "unexpected text after the object", "x"),
            ("{ a: 1 };", "unexpected text after the object", ";"),
            ("1 2", "unexpected text after the value", "2"),
            ("{ mem: 1, mem: 2 }", "the key \"mem\" appears twice", "mem"),
            (
                "{ 'mem': 1, \"mem\": 2 }",
                "the key \"mem\" appears twice",
                "\"mem\"",
            ),
            (
                "{ a: 1 b: 2 }",
                "expected ',' or '}' after the value of \"a\", found the name b",
                "b",
            ),
            (
                "{ , }",
                "expected a key (a name or a quoted string) or '}', found ','",
                ",",
            ),
            (
                "{ 0: 1 }",
                "expected a key (a name or a quoted string) or '}', found the number 0",
                "0",
            ),
            (
                "{ a: }",
                "expected a value for the key \"a\", found '}'",
                "}",
            ),
            (
                "",
                "expected an object like { env: { f: Math.sin } }, found the end of the text",
                "",
            ),
            (
                "}",
                "expected an object like { env: { f: Math.sin } }, found '}'",
                "}",
            ),
            (
                "{ a: -x }",
                "a '-' sign must be followed by a number, found the name x",
                "x",
            ),
            (
                "{ a: --1 }",
                "a '-' sign must be followed by a number, found '-'",
                "-",
            ),
            (
                "{ a: Math. }",
                "expected a name after 'Math.', like Math.sin, found '}'",
                "}",
            ),
            (
                "{ a: console.'log' }",
                "expected a name after 'console.', like console.log, found the string 'log'",
                "'log'",
            ),
            (
                "{ a: [1] }",
                "arrays are not supported in the host object; use an object { ... }",
                "[",
            ),
            (
                "{ a: `x` }",
                "template strings are not supported; use \"...\" or '...'",
                "`",
            ),
            (
                "{ f: () => 1 }",
                "parentheses and JavaScript functions are not supported here; import a host \
                 function such as Math.sin or console.log",
                "(",
            ),
            (
                "{ f: function () {} }",
                "JavaScript functions cannot be written here; import a host function such as \
                 Math.sin or console.log",
                "function",
            ),
            (
                "const imports = {}",
                "write only the object itself, without `const ... =`",
                "const",
            ),
            (
                "{ m: WebAssembly.Memory({ initial: 1 }) }",
                "WebAssembly objects are created with new, like new WebAssembly.Memory({ initial: 1 })",
                "WebAssembly",
            ),
            (
                "{ m: new WebAssembly(1) }",
                "expected '.' after WebAssembly, as in new WebAssembly.Memory(...), found '('",
                "(",
            ),
            (
                "{ m: new WebAssembly.Memory }",
                "expected '(' after WebAssembly.Memory: write new WebAssembly.Memory({ initial: 1, maximum: 10 })",
                "}",
            ),
            (
                "{ m: new WebAssembly.Memory() }",
                "new WebAssembly.Memory needs a descriptor object, like new WebAssembly.Memory({ initial: 1, maximum: 10 })",
                "new WebAssembly.Memory()",
            ),
            (
                "{ m: new WebAssembly.Memory(1) }",
                "the first argument of WebAssembly.Memory must be a descriptor object, like { initial: 1, maximum: 10 }",
                "1",
            ),
            (
                "{ m: new WebAssembly.Memory({ initial: 1 }, { x: 2 }) }",
                "WebAssembly.Memory takes only one argument, the descriptor",
                "{ x: 2 }",
            ),
            (
                "{ g: new WebAssembly.Global({ value: 'i32' }, 1, -2) }",
                "WebAssembly.Global takes at most two arguments: the descriptor and the initial value",
                "-2",
            ),
            (
                "{ t: new WebAssembly.Table({}, 1, 2) }",
                "WebAssembly.Table takes at most two arguments: the descriptor and the initial element",
                "2",
            ),
            (
                "{ g: new WebAssembly.Global({} 1) }",
                "expected ',' or ')' after an argument of WebAssembly.Global, found the number 1",
                "1",
            ),
            (
                "{ g: new WebAssembly.Global({}",
                "missing ')': the arguments of WebAssembly.Global are never closed",
                "(",
            ),
            (
                "{ g: new WebAssembly.Global(, 1) }",
                "expected an argument of WebAssembly.Global, found ','",
                ",",
            ),
            // lexical errors
            (
                "{ a: 'abc }",
                "unterminated string: missing the closing '",
                "'abc }",
            ),
            (
                "{ a: \"abc\n }",
                "unterminated string: missing the closing \" (a string must end on the line where it starts)",
                "\"abc",
            ),
            (
                r#"{ a: "x\q" }"#,
                r#"unknown escape \q in a string: the escapes here are \" \' \\ \n \t and \uXXXX"#,
                r"\q",
            ),
            (
                r#"{ a: "\u12" }"#,
                r"bad \u escape: write exactly four hex digits, like \u00e9",
                r#"\u12" "#,
            ),
            (
                r#"{ a: "\u{110000}" }"#,
                r"bad \u{...} escape: it needs 1 to 6 hex digits naming a Unicode character",
                r"\u{110000}",
            ),
            (
                r#"{ a: "\uD83D!" }"#,
                r"\uD83D is half of a surrogate pair and is not a character on its own; write the character itself or use \u{...}",
                r"\uD83D",
            ),
            (
                "{ a: 1 /* open",
                "unterminated comment: a /* comment needs a closing */",
                "/*",
            ),
            (
                "{ a: 1abc }",
                "malformed number 1abc: numbers look like 42, 1.5, 2e3 or 0x1F",
                "1abc",
            ),
            (
                "{ a: 010 }",
                "malformed number 010: a number cannot start with 0 unless it is 0, 0.5 or 0x...",
                "010",
            ),
            (
                "{ a: 1e }",
                "malformed number 1e: the exponent after e needs digits, like 2e3 or 1.5e-7",
                "1e",
            ),
            (
                "{ a: 0xg }",
                "malformed number 0xg: 0x must be followed by hex digits 0-9 and a-f",
                "0xg",
            ),
            (
                "{ a: 1.2.3 }",
                "malformed number 1.2.3: numbers look like 42, 1.5, 2e3 or 0x1F",
                "1.2.3",
            ),
            (
                "{ a: 1_000 }",
                "malformed number 1_000: numbers look like 42, 1.5, 2e3 or 0x1F",
                "1_000",
            ),
            (
                "{ “a”: 1 }",
                "“ is a typographic quote; JavaScript strings use straight quotes \" or '",
                "“",
            ),
            (
                "{ a: 1 @ }",
                "expected ',' or '}' after the value of \"a\", found '@'",
                "@",
            ),
            ("{ a = 1 }", "expected ':' after the key \"a\"", "="),
            ("{ a", "expected ':' after the key \"a\"", ""),
            (
                "{ a: Math.sin.x }",
                "expected ',' or '}' after the value of \"a\", found '.'",
                ".",
            ),
        ];
        for &(text, message, span_text) in cases {
            let (got, got_span) = err(text);
            assert_eq!(got, message, "message for {text:?}");
            assert_eq!(got_span, span_text, "span for {text:?}");
        }
    }

    #[test]
    fn trailing_comma_and_eof_in_arguments() {
        // `({},)` is one argument with a trailing comma: accepted.
        let JsValue::New { args, .. } = value_of("new WebAssembly.Global({}, )") else {
            panic!()
        };
        assert_eq!(args, vec![obj(vec![])]);
        // Running out of text after the comma: the ')' is missing.
        let (message, span) = err("{ g: new WebAssembly.Global({},");
        assert_eq!(
            message,
            "missing ')': the arguments of WebAssembly.Global are never closed"
        );
        assert_eq!(span, "(");
    }

    #[test]
    fn error_at_end_has_empty_span_at_the_end() {
        let text = "{ a: ";
        let e = parse(text).unwrap_err();
        assert_eq!(e.span, Span { start: 5, end: 5 });
        assert_eq!(
            e.message,
            "expected a value for the key \"a\", found the end of the text"
        );
        assert_eq!(e.to_string(), e.message);
    }

    #[test]
    fn nesting_limit() {
        let nested = |levels: usize| {
            let mut t = String::new();
            for _ in 1..levels {
                t.push_str("{ a: ");
            }
            t.push_str("{}");
            for _ in 1..levels {
                t.push_str(" }");
            }
            t
        };
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        let too_deep = nested(MAX_DEPTH + 1);
        let e = parse(&too_deep).unwrap_err();
        assert_eq!(
            e.message,
            "the values are nested too deeply (more than 32 levels)"
        );
        assert_eq!(e.span.start, too_deep.rfind('{').unwrap());
        // `new` counts as a level too
        let mut t = nested(MAX_DEPTH);
        t = t.replacen("{}", "new WebAssembly.Memory({})", 1);
        let e = parse(&t).unwrap_err();
        assert_eq!(
            e.message,
            "the values are nested too deeply (more than 32 levels)"
        );
        // the `new` is level 32, its descriptor object level 33
        assert_eq!(&t[e.span.start..e.span.end], "{");
        // very deep inputs fail cleanly
        assert!(parse(&"{ a: ".repeat(1_000_000)).is_err());
        assert!(parse(&"{".repeat(1_000_000)).is_err());
        assert!(parse(&"new WebAssembly.Global({}, ".repeat(100_000)).is_err());
        assert!(parse(&"-".repeat(100_000)).is_err());
    }

    #[test]
    fn two_levels() {
        let check = |text: &str| check_two_levels(&parse(text).unwrap());
        assert_eq!(check("{}"), Ok(()));
        assert_eq!(check("{ m: Math, c: console, e: {} }"), Ok(()));
        assert_eq!(
            check("{ env: { f: Math.sin, m: new WebAssembly.Memory({ initial: 1 }), n: 1 } }"),
            Ok(())
        );

        let fails = |text: &str, message: &str, span_text: &str| {
            let e = check(text).unwrap_err();
            assert_eq!(e.message, message, "{text}");
            assert_eq!(&text[e.span.start..e.span.end], span_text, "{text}");
        };
        fails(
            "{ mem: { pages: { x: 1, y: 2 } } }",
            "\"mem.pages.x\": an import name has exactly two levels (module and name); \
             this value is nested one level deeper",
            "x",
        );
        fails(
            "{ mem: { pages: {} } }",
            "\"mem.pages\": an import must be a single value (a number, a function, \
             or a Memory, Global or Table), not an object",
            "pages",
        );
        fails(
            "{ ok: { a: 1 }, mem: new WebAssembly.Memory({ initial: 1 }) }",
            "\"mem\": a module must be an object of imports (or Math or console), \
             like \"mem\": { name: value }; this is a WebAssembly.Memory",
            "mem",
        );
        fails(
            "{ 'x': 3 }",
            "\"x\": a module must be an object of imports (or Math or console), \
             like \"x\": { name: value }; this is the number 3",
            "'x'",
        );
        fails(
            "{ env: { m: Math } }",
            "\"env.m\": Math is a whole object, not an import; import one of its members, \
             like Math.sin",
            "m",
        );
        fails(
            "{ env: { c: console } }",
            "\"env.c\": console is a whole object, not an import; import one of its members, \
             like console.log",
            "c",
        );
        // the first violation in source order
        fails(
            "{ a: { b: { c: 1 } }, d: 1 }",
            "\"a.b.c\": an import name has exactly two levels (module and name); \
             this value is nested one level deeper",
            "c",
        );
        // not an object at all
        let e = check_two_levels(&JsValue::Number(1.0)).unwrap_err();
        assert_eq!(
            e.message,
            "the host object must be an object of modules, like { env: { f: Math.sin } }; \
             this is the number 1"
        );
        let text = "new WebAssembly.Memory({})";
        let e = check_two_levels(&parse(text).unwrap()).unwrap_err();
        assert_eq!(&text[e.span.start..e.span.end], text);
    }

    /// Parsing must never panic, and error spans must lie on char
    /// boundaries inside the text.
    fn never_panics(text: &str) {
        if let Err(e) = parse(text) {
            assert!(e.span.start <= e.span.end, "{text:?}: {e:?}");
            assert!(
                text.get(e.span.start..e.span.end).is_some(),
                "{text:?}: {e:?}"
            );
            assert!(!e.message.is_empty());
        } else if let Ok(v) = parse(text) {
            let _ = check_two_levels(&v);
        }
    }

    #[test]
    fn every_prefix_of_the_example() {
        let boundaries = (0..=EXAMPLE.len()).filter(|&i| EXAMPLE.is_char_boundary(i));
        for end in boundaries {
            let prefix = &EXAMPLE[..end];
            never_panics(prefix);
            if end < EXAMPLE.len() && !EXAMPLE[end..].trim().is_empty() {
                assert!(parse(prefix).is_err(), "prefix {prefix:?} parsed");
            }
        }
        // and every suffix, and the example with each byte removed
        for start in (0..=EXAMPLE.len()).filter(|&i| EXAMPLE.is_char_boundary(i)) {
            never_panics(&EXAMPLE[start..]);
        }
        for i in 0..EXAMPLE.len() {
            let mut bytes = EXAMPLE.as_bytes().to_vec();
            bytes.remove(i);
            never_panics(&String::from_utf8_lossy(&bytes));
        }
    }

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_garbage_never_panics() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        // random bytes, including invalid UTF-8 (replaced) and non-ASCII
        for _ in 0..20_000 {
            let len = rng.below(40);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            never_panics(&String::from_utf8_lossy(&bytes));
        }
        // random characters from an alphabet that reaches deep into the lexer
        let alphabet: Vec<char> =
            "{}():,.+-\"'\\/*\n 0123456789xXeE_$abuUdDfF[`;=@é☃😀“\u{a0}\u{2028}{}"
                .chars()
                .collect();
        for _ in 0..50_000 {
            let len = rng.below(30);
            let text: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            never_panics(&text);
        }
        // random token soup
        let words = [
            "{",
            "}",
            "(",
            ")",
            ":",
            ",",
            ".",
            "-",
            "+",
            "new",
            "WebAssembly",
            "Memory",
            "Global",
            "Table",
            "Math",
            "console",
            "log",
            "sin",
            "\"k\"",
            "'k'",
            "a",
            "1",
            "0x1f",
            "1.5e3",
            "Infinity",
            "NaN",
            "true",
            "//c\n",
            "/*c*/",
            "\"\\u",
            "\"\\uD83D",
            "\\",
            "é",
            " ",
        ];
        for _ in 0..50_000 {
            let len = rng.below(25);
            let text: String = (0..len)
                .map(|_| words[rng.below(words.len())])
                .collect::<Vec<_>>()
                .join(" ");
            never_panics(&text);
        }
    }

    #[test]
    fn escapes_at_the_very_end_never_panic() {
        for text in [
            "\"\\",
            "\"\\u",
            "\"\\u{",
            "\"\\u{1",
            "\"\\u12",
            "\"\\uD83D",
            "\"\\uD83D\\",
            "\"\\uD83D\\u",
            "\"\\uD83D\\uDE0",
            "\"\\ué",
            "\"\\u1é",
            "\"\\u{é}",
            "'\\é'",
            "0x",
            ".",
            "-",
            "/",
            "/*",
            "/*/",
            "“",
        ] {
            never_panics(text);
            assert!(parse(text).is_err(), "{text:?}");
        }
    }
}

//! The values the JavaScript subset produces, their source spans and the
//! parse error, shared by the lexer, the parser and the shape check.

use std::fmt;

/// A parsed JavaScript value of the supported subset.
#[derive(Debug, Clone, PartialEq)]
pub enum JsValue {
    /// A number literal (also `Infinity`, `NaN`, with an optional sign).
    Number(f64),
    /// A BigInt literal (`5n`, `-0x10n`), kept modulo 2^64 as the JavaScript
    /// API's ToBigInt64 reads it for an i64.
    BigInt(i64),
    /// `null`.
    Null,
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

/// A [`JsError`] with `message` at `span`.
pub(super) fn error(message: impl Into<String>, span: Span) -> JsError {
    JsError {
        message: message.into(),
        span,
    }
}

//! The JavaScript import object typed at the prompt (`:host { ... }`):
//! `lex` makes tokens, `parse` values, `shape` checks the two levels.
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
//! hex, a leading sign, `Infinity`, `NaN`), BigInts (`5n`, `-0x10n`, for
//! i64 globals), strings with simple escapes, `true`/`false`, `null`, `Math`, `Math.NAME`, `console`, `console.NAME`, and
//! `new WebAssembly.Memory/Global/Table(...)`; whitespace and `//`, `/* */`
//! comments may appear anywhere. Anything else is an error with a teaching
//! message and the [`Span`] of the offending token. Nesting is limited to
//! [`MAX_DEPTH`] levels, so no input can exhaust the stack.
//!
//! [`check_two_levels`] then checks the shape every import object has:
//! module names, then import names, then values.
//!
//! It is JavaScript, not WAT, so it lives with the host rather than in `text/`.

mod lex;
mod parse;
mod shape;
#[cfg(test)]
mod tests;
mod value;

pub use parse::{MAX_DEPTH, parse};
pub use shape::check_two_levels;
pub use value::{JsError, JsValue, Span};

//! watlab: an interactive workbench for WebAssembly Text with its own
//! step-through interpreter.
//!
//! Layers, each depending only on those before it:
//! - [`vm`]: the interpreter core (modules, store, executor, traps);
//! - [`text`]: WAT in and out: lexing, assembling with positions, the instruction catalog;
//! - [`host`]: the JavaScript host: the import object, `Math`, `console`, JS value
//!   conversions and the JavaScript object-literal parser;
//! - [`binary`]: a module binary explained byte by byte (`:bytes`), as data;
//! - [`script`]: the one spec-script engine: `watlab wast`, the prompt's script commands, the conformance tests;
//! - [`session`]: the live workbench state, evaluating one input at a time;
//! - [`view`]: session replies rendered as text;
//! - [`transcript`]: recorded sessions replayed and compared (`watlab check`);
//! - [`lesson`]: lesson files, their worked examples and exercise checks;
//! - [`workbench`]: a session plus the guided lesson being followed;
//! - [`repl`]: the interactive line editor around a session;
//! - [`cli`]: the command-line front end.

pub mod binary;
pub mod cli;
pub mod commands;
pub mod host;
pub mod lesson;
pub mod repl;
pub mod script;
pub mod session;
pub mod text;
pub mod transcript;
pub mod view;
pub mod vm;

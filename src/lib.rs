//! watlab: an interactive workbench for WebAssembly Text with its own
//! step-through interpreter.
//!
//! Layers, each depending only on those before it:
//! - [`vm`]: the interpreter core (modules, store, executor, traps);
//! - [`wast`]: the spec-script runner used by `watlab wast` and the conformance tests;
//! - [`cli`]: the command-line front end.

pub mod cli;
pub mod vm;
pub mod wast;

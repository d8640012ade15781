//! watlab: an interactive workbench for WebAssembly Text with its own
//! step-through interpreter.
//!
//! # Layers
//!
//! Each layer uses only the layers below it; `tests/architecture.rs` checks
//! every `crate::` path against this picture.
//!
//! ```text
//!  front ends   cli ──> repl ──> transcript          (they alone print)
//!                 │       │          │
//!                 ▼       ▼          ▼
//!  commands     commands (registry, handlers,       view (replies -> Styled
//!               Workbench)  │                         text, theme of roles)
//!                 │         ▼                          │
//!  lessons        │       lesson (files, checks, guide)│
//!                 ▼         ▼                          ▼
//!  session      session (live state; eval -> Reply data, never text)
//!                 │
//!                 ▼
//!  languages    script (.wast engine)   host (JS host object)   binary   text
//!                 │                       │                              │
//!                 ▼                       ▼                              ▼
//!  core         vm (modules, store, executor, traps)
//! ```
//!
//! - [`vm`]: the interpreter core (modules, store, executor, traps);
//! - [`text`]: WAT in and out: lexing, assembling with positions, the instruction catalog;
//! - [`binary`]: a module binary explained byte by byte (`:bytes`), as data;
//! - [`host`]: the JavaScript host: the import object, `Math`, `console`, JS value
//!   conversions and the JavaScript object-literal parser;
//! - [`script`]: the one spec-script engine: `watlab wast`, the prompt's script commands, the conformance tests;
//! - [`session`]: the live workbench state, evaluating one input at a time and answering with data;
//! - [`lesson`]: lesson files, their worked examples and exercise checks, the guided flow;
//! - [`commands`]: the one command registry (workbench, lesson, stepper and host scopes), its
//!   handlers, and the [`commands::Workbench`] every front end drives;
//! - [`view`]: replies rendered as role-tagged text; the theme colours roles on terminals;
//! - [`transcript`]: recorded sessions replayed and compared (`watlab check`);
//! - [`repl`]: the interactive line editor around a workbench;
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

//! The JavaScript host: what a JavaScript program would pass to
//! `WebAssembly.instantiate` as its import object, modelled so the workbench
//! can link modules against it and a learner can write it as JavaScript.
//!
//! ```text
//!   command  literal      :host text -> request (pure, with positions)
//!      \       |
//!       limits js/        one limits check; the JavaScript object parser
//!          \   |
//!         request         what to allocate, as data
//!            |
//!           env           the host object; imports materialised in the store
//!            |            methods: get/set/grow on its Globals, Memories, Tables
//!          /   \
//!     math  console       Math and console.log as host functions
//!          \   /          export_js: the session as a JavaScript program
//!           |             (export_binary: its modules with reserved exports;
//!           |             export_replay: the statements that repeat it)
//!         convert         Number <-> wasm values (ToInt32, fround, BigInt)
//! ```
//!
//! This layer sits beside `text/` above `vm/`: it uses both and nothing above
//! them. It returns typed errors; the session words them for the user.

pub mod command;
pub mod console;
pub mod convert;
pub mod env;
pub mod export_binary;
pub mod export_js;
mod export_replay;
pub mod js;
pub mod limits;
pub mod literal;
pub mod math;
pub mod methods;
pub mod request;

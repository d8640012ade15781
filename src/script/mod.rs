//! The one WebAssembly spec-script (`.wast`) engine, behind `watlab wast`,
//! the script commands typed at the workbench prompt and the conformance test.
//!
//! ```text
//!   text ──parse──▶ commands ──engine──▶ Directive { line, Outcome | Failure }
//!                                 │
//!                          drives a Target: runner (a .wast file) or the session
//! ```
//!
//! The engine returns data, never text: the runner counts it into a
//! [`Report`], the session turns it into replies. Execution goes through the
//! same [`crate::vm`] API the workbench uses, in run mode or step by step.

mod engine;
mod invoke;
mod messages;
mod outcome;
mod parse;
mod report;
mod runner;
mod spectest;
mod target;
mod values;

pub use engine::{ExecMode, OnFailure, run};
pub use invoke::{Call, call_of};
pub use messages::{SPEC_TO_OURS, message_matches};
pub use outcome::{Directive, Failure, Held, Outcome, Rejection, Stage};
pub use report::{Report, Totals};
pub use runner::{run_script, run_script_with, run_script_with_fuel};
pub use spectest::install as spectest_exports;
pub use target::Target;
pub use values::list as value_list;

//! What running one script command produced, as data: the runner counts it,
//! the workbench turns it into replies, the conformance test compares run
//! mode with step mode on it.

use super::messages::message_matches;
use crate::vm::store::InstanceAddr;
use crate::vm::{CompileError, InstantiationError, Trap, Value};
use std::fmt;

/// One command that ran, where it is and what it did.
#[derive(Clone, Debug, PartialEq)]
pub struct Directive {
    /// 1-based line of the command in the script.
    pub line: usize,
    /// Byte offset of the command's keyword in the script.
    pub offset: usize,
    /// The command's keyword, e.g. `assert_return`.
    pub keyword: &'static str,
    /// What it did, or why it failed.
    pub result: Result<Outcome, Failure>,
}

/// A command that did what the script says.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// `module` or `module instance`: a new instance, now the current one.
    Instantiated {
        /// Its `$id`, if any.
        id: Option<String>,
        /// The instance.
        instance: InstanceAddr,
    },
    /// `module definition`: a module validated and kept for `module instance`.
    Defined {
        /// Its `$id`, if any.
        id: Option<String>,
    },
    /// `register`: an instance's exports are importable under `name`.
    Registered {
        /// The name modules import from.
        name: String,
        /// The instance registered.
        instance: InstanceAddr,
    },
    /// `invoke` returned.
    Invoked {
        /// The instance whose export was called.
        instance: InstanceAddr,
        /// The export's name.
        export: String,
        /// The arguments passed.
        args: Vec<Value>,
        /// The results.
        results: Vec<Value>,
    },
    /// `get` read a global.
    Got(Value),
    /// An `assert_*` command held.
    Held(Held),
    /// The command was not run, and why.
    Skipped(String),
}

/// What a holding assertion observed.
#[derive(Clone, Debug, PartialEq)]
pub enum Held {
    /// `assert_return`: the results matched.
    Returned(Vec<Value>),
    /// `assert_trap`: the expected trap.
    Trapped(Trap),
    /// `assert_exhaustion`: the call stack ran out.
    Exhausted(Trap),
    /// `assert_exception`: an exception left the call uncaught (the trap
    /// of code [`crate::vm::TrapCode::UncaughtException`] names it).
    Threw(Trap),
    /// `assert_invalid`, `assert_malformed` or `assert_unlinkable`: the module
    /// was rejected (perhaps for another reason than the script names).
    Rejected(Rejection),
}

/// Which stage an assertion expects to reject a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// `assert_malformed`: decoding or parsing.
    Malformed,
    /// `assert_invalid`: validation.
    Invalid,
    /// `assert_unlinkable`: linking imports.
    Unlinkable,
}

/// A module rejected as an assertion expected, with both messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The assertion's stage.
    pub stage: Stage,
    /// The message the script expects (the spec's wording).
    pub expected: String,
    /// Our message.
    pub ours: String,
}

impl Rejection {
    /// Whether our message says what the script expects, as the reference
    /// interpreter compares them (see [`message_matches`]).
    pub fn message_matches(&self) -> bool {
        message_matches(&self.expected, &self.ours)
    }
}

/// Why a command failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The command names something that is not there, or passes a bad argument.
    Usage(String),
    /// A module's text does not assemble.
    Malformed {
        /// The assembler's message.
        message: String,
        /// Byte offset in the script, when the error lies in it (not in a quoted string).
        offset: Option<usize>,
    },
    /// A module does not decode or validate.
    Invalid {
        /// The decoder's or validator's error; assertions compare its message.
        error: CompileError,
        /// Inside a function body: the function and the fault in plain words
        /// (`in func $f: i32.add needs [i32 i32] ...`).
        explained: Option<String>,
    },
    /// A module could not be instantiated (link error, resource limit).
    Uninstantiable(InstantiationError),
    /// A call (or a module's start function or segments) trapped.
    Trap(Trap),
    /// An assertion expected something else, and the code trapped (or
    /// trapped otherwise): the trap's site says where.
    TrappedInstead {
        /// What the script expected.
        expected: String,
        /// The trap as the message names it (`trap "unreachable"`).
        got: String,
        /// The trap.
        trap: Trap,
    },
    /// An assertion did not hold.
    Mismatch {
        /// What the script expected.
        expected: String,
        /// What happened.
        got: String,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Malformed { message, .. } => f.write_str(message),
            Failure::Invalid {
                explained: Some(explained),
                ..
            } => write!(f, "invalid module: {explained}"),
            Failure::Invalid { error, .. } => write!(f, "invalid module: {}", error.message),
            Failure::Uninstantiable(e) => write!(f, "instantiation failed: {e}"),
            Failure::Trap(trap) => write!(f, "trap: {trap}"),
            Failure::Mismatch { expected, got } | Failure::TrappedInstead { expected, got, .. } => {
                write!(f, "expected {expected}, got {got}")
            }
        }
    }
}

//! What checking an exercise found, as data: each check passed or failed,
//! and for a failure what was expected, what was found and where (the
//! function called and its arguments, a global, a range of memory, the
//! scratch stack). The lesson layer fills it in; `view` lays it out. It lives
//! here, beside [`super::Reply`], because a reply carries it to the front
//! ends and the session is the layer every front end shares (issue 11).

/// The checks of one exercise, in the order the lesson lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The exercise's title.
    pub exercise: String,
    /// One result per check, numbered from 1.
    pub results: Vec<CheckResult>,
}

impl CheckReport {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.failure.is_none())
    }

    /// The first check that failed, if any.
    pub fn first_failure(&self) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.failure.is_some())
    }

    /// How many checks failed.
    pub fn failures(&self) -> usize {
        self.results.iter().filter(|r| r.failure.is_some()).count()
    }
}

/// One check and how it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// Its number among the exercise's checks (1-based, as hint tags count).
    pub number: usize,
    /// The check line as the lesson writes it.
    pub check: String,
    /// Why it failed; `None` when it passed.
    pub failure: Option<CheckFailure>,
}

/// Why a check failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFailure {
    /// What went wrong (`expected [i32:4], got [i32:1]`, `the stack should
    /// be [i32:43], it is []`, `trap: ...`), then any details, a line each.
    pub message: String,
    /// Where it went wrong.
    pub place: CheckPlace,
    /// The spot in the learner's text a trap or an error points at (the
    /// instruction that trapped), shown with a caret as at the prompt.
    pub spot: Option<super::SourceSpot>,
}

/// Where a failed check looked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckPlace {
    /// A call of an exported function.
    Call {
        /// The module named in the check (`$get`), when not the session's.
        module: Option<String>,
        /// The export called.
        export: String,
        /// The function's `$name`, when it has one.
        func: Option<String>,
        /// The arguments as written (`(i32.const 40)`).
        args: Vec<String>,
    },
    /// An exported global read with `(get ...)`.
    Global {
        /// The module named in the check, when not the session's.
        module: Option<String>,
        /// The export read.
        export: String,
        /// The global's `$name`, when it has one.
        name: Option<String>,
    },
    /// Bytes of memory 0.
    Memory {
        /// The first address.
        addr: u64,
        /// The bytes expected.
        expected: Vec<u8>,
        /// The bytes found (fewer where the memory ends).
        actual: Vec<u8>,
    },
    /// The scratch stack, bottom first.
    Stack {
        /// The values expected (`i32:43`).
        expected: Vec<String>,
        /// The values found.
        actual: Vec<String>,
    },
    /// The check's input as a whole (a `:` command, a `link-error`).
    Input,
}

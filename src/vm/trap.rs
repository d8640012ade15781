//! Traps: the program's faults, as values carrying the spec's wording.
//!
//! A trap is never a Rust panic. Runtime objects (memories, tables) report
//! their own small errors; the executor turns them into a [`Trap`] that knows
//! which function and instruction it happened at.

use std::fmt;

/// Why execution trapped. [`TrapCode::message`] gives the spec's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed division overflow (`INT_MIN / -1`).
    IntegerOverflow,
    /// A trapping float-to-int conversion of NaN or an out-of-range value.
    InvalidConversionToInteger,
    /// A load, store or bulk memory operation outside the memory.
    OutOfBoundsMemoryAccess,
    /// A table access or bulk table operation outside the table.
    OutOfBoundsTableAccess,
    /// `call_indirect` found a function of another type.
    IndirectCallTypeMismatch,
    /// `call_indirect` index beyond the table.
    UndefinedElement,
    /// `call_indirect` found a null entry.
    UninitializedElement,
    /// Call depth or value stack limit reached.
    CallStackExhausted,
    /// The budget of fuel ran out (a runaway loop was stopped; see [`super::budget`]).
    OutOfFuel,
    /// The host asked the running code to stop (Ctrl-C).
    Interrupted,
    /// A host function failed.
    HostError,
    /// An atomic access at an address that is not a multiple of its size.
    UnalignedAtomic,
    /// `ref.as_non_null` found a null reference.
    NullReference,
    /// `call_ref` or `return_call_ref` found a null function reference.
    NullFunctionReference,
    /// `throw_ref` found a null exception reference.
    NullExceptionReference,
    /// An exception left the called function uncaught (not a fault of the
    /// machine: [`Trap::exception`] names the exception).
    UncaughtException,
    /// A struct instruction on a null reference (GC).
    NullStructureReference,
    /// An array instruction on a null reference (GC).
    NullArrayReference,
    /// `i31.get_s`/`i31.get_u` on a null reference (GC).
    NullI31Reference,
    /// An array index or range past the array's end (GC).
    OutOfBoundsArrayAccess,
    /// `ref.cast` of a reference that is not of the target type (GC).
    CastFailure,
    /// An array larger than watlab allocates (GC; the limit is watlab's).
    ArrayTooLarge,
}

impl TrapCode {
    /// The spec's message for this trap (what `assert_trap` compares).
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::OutOfBoundsMemoryAccess => "out of bounds memory access",
            TrapCode::OutOfBoundsTableAccess => "out of bounds table access",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::CallStackExhausted => "call stack exhausted",
            TrapCode::OutOfFuel => "out of fuel",
            TrapCode::Interrupted => "interrupted",
            TrapCode::HostError => "host error",
            TrapCode::UnalignedAtomic => "unaligned atomic",
            TrapCode::NullReference => "null reference",
            TrapCode::NullFunctionReference => "null function reference",
            TrapCode::NullExceptionReference => "null exception reference",
            TrapCode::UncaughtException => "uncaught exception",
            TrapCode::NullStructureReference => "null structure reference",
            TrapCode::NullArrayReference => "null array reference",
            TrapCode::NullI31Reference => "null i31 reference",
            TrapCode::OutOfBoundsArrayAccess => "out of bounds array access",
            TrapCode::CastFailure => "cast failure",
            TrapCode::ArrayTooLarge => "array too large",
        }
    }
}

/// Where in the program a trap happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapSite {
    /// Store address of the function that was running.
    pub func: u32,
    /// Byte offset of the instruction in the module binary.
    pub offset: usize,
}

/// A trap with its cause, location and, for memory faults, the numbers behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    /// The cause.
    pub code: TrapCode,
    /// Where it happened, when it happened inside wasm code.
    pub site: Option<TrapSite>,
    /// Extra detail, e.g. the effective address of an out-of-bounds access.
    pub detail: Option<String>,
    /// The table element a `call_indirect` found empty (the reference
    /// interpreter names it in its message: `uninitialized element 7`).
    pub element: Option<u32>,
    /// For [`TrapCode::UncaughtException`]: the store address of the exception.
    pub exception: Option<u32>,
}

impl Trap {
    /// A trap with no location yet.
    pub fn new(code: TrapCode) -> Trap {
        Trap {
            code,
            site: None,
            detail: None,
            element: None,
            exception: None,
        }
    }

    /// An exception on its way out (thrown by a host function, or uncaught
    /// by wasm code): `exn` is its store address.
    pub fn exception(exn: u32) -> Trap {
        Trap {
            exception: Some(exn),
            ..Trap::new(TrapCode::UncaughtException)
        }
    }

    /// The trap of an integer division or remainder (`instruction`, e.g.
    /// `I32RemS`) of `x` by `y`, naming them: `integer divide by zero (7 /
    /// 0)`. Built only when it traps, out of the handlers' way.
    #[cold]
    #[inline(never)]
    pub fn of_division<T: fmt::Display>(code: TrapCode, instruction: &str, x: T, y: T) -> Trap {
        let op = if instruction.contains("Rem") {
            "rem"
        } else {
            "/"
        };
        Trap {
            detail: Some(format!("{x} {op} {y}")),
            ..Trap::new(code)
        }
    }

    /// A host function's failure with its own message.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap {
            code: TrapCode::HostError,
            site: None,
            detail: Some(message.into()),
            element: None,
            exception: None,
        }
    }

    /// The trap in the words of an error's first line: the spec's message,
    /// with a division's operands (`integer divide by zero (7 / 0)`).
    pub fn headline(&self) -> String {
        match (&self.detail, self.code) {
            (Some(operands), TrapCode::IntegerDivideByZero | TrapCode::IntegerOverflow) => {
                format!("{} ({operands})", self.message())
            }
            _ => self.message().to_string(),
        }
    }

    /// Detail for a line of its own under [`Trap::headline`] (the numbers
    /// of an out-of-bounds access), when the headline does not name it.
    pub fn detail_note(&self) -> Option<&str> {
        let named = self.headline().len() > self.message().len();
        self.detail.as_deref().filter(|_| !named)
    }

    /// The spec's message, as `assert_trap` expects it.
    pub fn message(&self) -> &'static str {
        self.code.message()
    }

    /// The message as the spec's reference interpreter writes it, which
    /// `assert_trap` texts are a prefix of: the spec's words, plus the
    /// element for an empty table slot (`uninitialized element 7`).
    pub fn reference_message(&self) -> String {
        match self.element {
            Some(element) => format!("{} {element}", self.message()),
            None => self.message().to_string(),
        }
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Trap {
        Trap::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())?;
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

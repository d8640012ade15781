//! The canonical form every engine's behaviour is translated into before it
//! is compared: values, trap kinds, call outcomes and the observable state of
//! the instances (exported memories, globals and tables).

use std::fmt::Write as _;

/// A value as the harness passes and compares it; floats as IEEE bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// A `funcref` or `externref`; `true` when null (which function or host
    /// object a non-null reference names is not compared).
    Ref {
        null: bool,
    },
    /// A `v128`, bit for bit (wasm-smith's `canonicalize_nans` covers
    /// vector lanes too).
    V128(u128),
}

impl Val {
    /// Equal, with any two NaNs of a type equal unless `exact`.
    fn same(&self, other: &Val, exact: bool) -> bool {
        match (self, other) {
            (Val::F32(a), Val::F32(b)) if !exact => {
                a == b || (f32::from_bits(*a).is_nan() && f32::from_bits(*b).is_nan())
            }
            (Val::F64(a), Val::F64(b)) if !exact => {
                a == b || (f64::from_bits(*a).is_nan() && f64::from_bits(*b).is_nan())
            }
            _ => self == other,
        }
    }

    /// The text the V8 driver prints for this value (NaNs as `nan`: a NaN's
    /// payload does not survive the trip through a JavaScript number; a
    /// `v128` as just its type when `for_v8`: JavaScript cannot read one).
    fn text(&self, for_v8: bool) -> String {
        match *self {
            Val::V128(_) if for_v8 => "v128".to_string(),
            Val::V128(bits) => format!("v128:{bits:032x}"),
            Val::I32(x) => format!("i32:{x}"),
            Val::I64(x) => format!("i64:{x}"),
            Val::F32(b) if f32::from_bits(b).is_nan() => "f32:nan".to_string(),
            Val::F64(b) if f64::from_bits(b).is_nan() => "f64:nan".to_string(),
            Val::F32(b) => format!("f32:{b:08x}"),
            Val::F64(b) => format!("f64:{b:016x}"),
            Val::Ref { null } => format!("ref:{}", if null { "null" } else { "nonnull" }),
        }
    }
}

/// Why a call trapped, with the distinctions all three engines can make
/// (wasmi reports an out-of-range `call_indirect` index as a table access,
/// like V8, so that is one kind here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallToNull,
    IndirectCallBadSignature,
    IntegerDivideByZero,
    IntegerOverflow,
    BadConversionToInteger,
    StackOverflow,
}

impl TrapKind {
    /// The name in the canonical text. V8 has one message for a null entry
    /// and a signature mismatch, and one for a float-to-integer conversion
    /// of NaN or of a value out of range, which the spec (and watlab and
    /// wasmi) calls "integer overflow" like a signed division overflow; the
    /// V8 comparison merges those kinds.
    fn text(self, for_v8: bool) -> &'static str {
        match self {
            TrapKind::IntegerOverflow | TrapKind::BadConversionToInteger if for_v8 => {
                "overflow-or-bad-conversion"
            }
            TrapKind::Unreachable => "unreachable",
            TrapKind::MemoryOutOfBounds => "memory-out-of-bounds",
            TrapKind::TableOutOfBounds => "table-out-of-bounds",
            TrapKind::IndirectCallToNull | TrapKind::IndirectCallBadSignature if for_v8 => {
                "null-or-bad-signature"
            }
            TrapKind::IndirectCallToNull => "indirect-call-to-null",
            TrapKind::IndirectCallBadSignature => "indirect-call-bad-signature",
            TrapKind::IntegerDivideByZero => "divide-by-zero",
            TrapKind::IntegerOverflow => "integer-overflow",
            TrapKind::BadConversionToInteger => "bad-conversion",
            TrapKind::StackOverflow => "stack-overflow",
        }
    }
}

/// What one step of a plan (an instantiation or a call) did.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Results of a call (empty for an instantiation that succeeded).
    Values(Vec<Val>),
    Trap(TrapKind),
    /// Compiling or linking failed, or a harness limit stopped the engine;
    /// the reason is shown in reports, never compared.
    Failed(String),
}

impl Outcome {
    fn same(&self, other: &Outcome, exact: bool) -> bool {
        match (self, other) {
            (Outcome::Values(a), Outcome::Values(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.same(b, exact))
            }
            (Outcome::Trap(a), Outcome::Trap(b)) => a == b,
            (Outcome::Failed(_), Outcome::Failed(_)) => true,
            _ => false,
        }
    }

    fn text(&self, for_v8: bool) -> String {
        match self {
            Outcome::Values(values) => {
                let texts: Vec<String> = values.iter().map(|v| v.text(for_v8)).collect();
                format!("ok[{}]", texts.join(","))
            }
            Outcome::Trap(kind) => format!("trap:{}", kind.text(for_v8)),
            Outcome::Failed(_) if for_v8 => "failed".to_string(),
            Outcome::Failed(why) => format!("failed({why})"),
        }
    }
}

/// One exported memory, global or table as seen after a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Memory(Vec<u8>),
    Global(Val),
    /// One flag per element: whether it is null.
    Table(Vec<bool>),
    /// The engine has no such export (never agreement with another engine
    /// that has it).
    Missing,
}

impl Item {
    fn same(&self, other: &Item, exact: bool) -> bool {
        match (self, other) {
            (Item::Global(a), Item::Global(b)) => a.same(b, exact),
            _ => self == other,
        }
    }

    fn text(&self, for_v8: bool) -> String {
        match self {
            Item::Memory(bytes) => format!("mem:{}:{:08x}", bytes.len(), fnv1a(bytes)),
            Item::Global(v) => format!("global:{}", v.text(for_v8)),
            Item::Table(nulls) => {
                let mask: String = nulls.iter().map(|&n| if n { '0' } else { '1' }).collect();
                format!("table:{}:{mask}", nulls.len())
            }
            Item::Missing => "missing".to_string(),
        }
    }
}

/// 32-bit FNV-1a, the memory hash the V8 driver computes too.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// A step's outcome and then every live instance's exported memories,
/// globals and tables, in export order.
#[derive(Clone, Debug)]
pub struct Observation {
    pub outcome: Outcome,
    pub state: Vec<Item>,
}

impl Observation {
    /// Whether two engines agree: NaNs compared bit for bit when `exact`
    /// (watlab's run and step mode), as "any NaN" otherwise.
    pub fn same(&self, other: &Observation, exact: bool) -> bool {
        self.outcome.same(&other.outcome, exact)
            && self.state.len() == other.state.len()
            && self
                .state
                .iter()
                .zip(&other.state)
                .all(|(a, b)| a.same(b, exact))
    }

    /// What kind of difference `other` shows (for tallies): the two
    /// outcomes' kinds, or the first kind of state that differs.
    pub fn difference(&self, other: &Observation) -> String {
        let kind = |o: &Outcome| match o {
            Outcome::Values(_) => "values".to_string(),
            Outcome::Trap(kind) => format!("{kind:?}"),
            Outcome::Failed(_) => "failed".to_string(),
        };
        if !self.outcome.same(&other.outcome, false) {
            return format!("{} vs {}", kind(&self.outcome), kind(&other.outcome));
        }
        let item = self
            .state
            .iter()
            .zip(&other.state)
            .find(|(a, b)| !a.same(b, false));
        match item {
            Some((Item::Memory(_), _)) => "memory".to_string(),
            Some((Item::Global(_), _)) => "global".to_string(),
            Some((Item::Table(_), _)) => "table".to_string(),
            _ => "exports".to_string(),
        }
    }

    /// The line the V8 driver prints for the same step.
    pub fn v8_line(&self) -> String {
        let mut line = self.outcome.text(true);
        for item in &self.state {
            let _ = write!(line, " {}", item.text(true));
        }
        line
    }

    /// A short description for reports (memories by size and hash).
    pub fn summary(&self) -> String {
        let mut line = self.outcome.text(false);
        for item in &self.state {
            let _ = write!(line, " {}", item.text(false));
        }
        line
    }
}

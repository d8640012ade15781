//! What wasmparser's operator list tells the walker: each operator's
//! text-format name and how its immediates are encoded, derived from
//! [`wasmparser::for_each_operator`] so no instruction is forgotten.

use wasmparser::{
    BlockType, BrTable, HeapType, Ieee32, Ieee64, MemArg, Operator, Ordering, RefType, ResumeTable,
    TryTable, V128, ValType,
};

use super::meaning::{field_label, index_str, reftype_str, valtype_str};
use super::{Meaning, Part};

/// How one immediate of an instruction is encoded, and how to describe it.
pub(super) enum Piece {
    /// An unsigned LEB128; the label is followed by the value.
    U32(String),
    /// A single byte; the label is followed by the value.
    Byte(String),
    /// A signed LEB128 `i32` literal.
    I32,
    /// A signed LEB128 `i64` literal.
    I64,
    /// A 4-byte IEEE 754 literal.
    F32,
    /// An 8-byte IEEE 754 literal.
    F64,
    /// A fixed number of raw bytes.
    Fixed(usize, Meaning),
    /// A memory immediate.
    MemArg,
    /// A `br_table` label vector plus default.
    BrTable,
    /// A block type.
    BlockType,
    /// A `try_table` block type and catch clauses.
    TryTable,
    /// Something only shown as a whole (heap types, type lists, ...): only
    /// usable when it is the instruction's sole immediate.
    Whole(Meaning),
}

/// Describes an operator field as a [`Piece`], given the field's name.
trait ToPiece {
    fn to_piece(&self, field: &str) -> Piece;
}

impl ToPiece for u32 {
    fn to_piece(&self, field: &str) -> Piece {
        Piece::U32(field_label(field))
    }
}

impl ToPiece for u8 {
    fn to_piece(&self, field: &str) -> Piece {
        Piece::Byte(field_label(field))
    }
}

impl ToPiece for i32 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::I32
    }
}

impl ToPiece for i64 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::I64
    }
}

impl ToPiece for Ieee32 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::F32
    }
}

impl ToPiece for Ieee64 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::F64
    }
}

impl ToPiece for V128 {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::Fixed(
            16,
            // Lane by lane, as the stack writes a vector's hex, so a narrow
            // terminal breaks it between lanes.
            Meaning::text(format!(
                "v128 literal hex[{}] (i32x4 lanes, lane 0 first)",
                (0..4)
                    .map(|lane| format!("{:08x}", (self.i128() as u128 >> (32 * lane)) as u32))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        )
    }
}

impl ToPiece for [u8; 16] {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::Fixed(16, Meaning::text(format!("shuffle lane indices {self:?}")))
    }
}

impl ToPiece for MemArg {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::MemArg
    }
}

impl ToPiece for BrTable<'_> {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::BrTable
    }
}

impl ToPiece for BlockType {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::BlockType
    }
}

impl ToPiece for Ordering {
    fn to_piece(&self, _: &str) -> Piece {
        let name = match self {
            Ordering::SeqCst => "seq_cst",
            Ordering::AcqRel => "acq_rel",
        };
        Piece::Fixed(1, Meaning::text(format!("memory ordering: {name}")))
    }
}

impl ToPiece for HeapType {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::Whole(match self {
            HeapType::Abstract { shared, ty } => {
                let ty = format!("{ty:?}").to_lowercase();
                let ty = if *shared { format!("shared {ty}") } else { ty };
                Meaning::text("heap type: ").and(Part::Type(ty))
            }
            HeapType::Concrete(i) => {
                Meaning::text(format!("heap type: type index {}", index_str(i)))
            }
            HeapType::Exact(i) => {
                Meaning::text(format!("heap type: exact type index {}", index_str(i)))
            }
        })
    }
}

impl ToPiece for RefType {
    fn to_piece(&self, field: &str) -> Piece {
        Piece::Whole(
            Meaning::text(format!("{}: ", field.replace('_', " ")))
                .and(Part::Type(reftype_str(self))),
        )
    }
}

impl ToPiece for ValType {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::Whole(Meaning::text("1 type: ").and(Part::Type(valtype_str(self))))
    }
}

impl ToPiece for Vec<ValType> {
    fn to_piece(&self, _: &str) -> Piece {
        let tys: Vec<String> = self.iter().map(valtype_str).collect();
        Piece::Whole(
            Meaning::count(tys.len() as u64, "type", "types")
                .and_text(": ")
                .and(Part::Type(tys.join(" "))),
        )
    }
}

impl ToPiece for TryTable {
    fn to_piece(&self, _: &str) -> Piece {
        Piece::TryTable
    }
}

impl ToPiece for ResumeTable {
    fn to_piece(&self, field: &str) -> Piece {
        Piece::Whole(Meaning::text(format!(
            "{}: {self:?}",
            field.replace('_', " ")
        )))
    }
}

macro_rules! define_operator_tables {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The `visit_*` method name of an operator, e.g. `visit_i32_const`.
        fn visit_name(op: &Operator<'_>) -> &'static str {
            match op {
                $( Operator::$op { .. } => stringify!($visit), )*
                _ => "visit_unknown",
            }
        }

        /// The operator's immediates, in binary encoding order.
        pub(super) fn immediates_of(op: &Operator<'_>) -> Vec<Piece> {
            match op {
                $( Operator::$op $({ $($arg),* })? => vec![$($( $arg.to_piece(stringify!($arg)) ),*)?], )*
                _ => vec![Piece::Whole(Meaning::text("immediates"))],
            }
        }
    };
}
wasmparser::for_each_operator!(define_operator_tables);

/// The text-format name of an operator: `i32.const`, `br_if`.
pub(super) fn wat_name(op: &Operator<'_>) -> String {
    name_of_visit(visit_name(op))
}

/// Turns a `visit_*` name into the text-format instruction name:
/// `visit_i32_const` -> `i32.const`, `visit_i32_atomic_rmw8_add_u` ->
/// `i32.atomic.rmw8.add_u`, `visit_br_if` -> `br_if`.
fn name_of_visit(visit: &str) -> String {
    let name = visit.strip_prefix("visit_").unwrap_or(visit);
    match name {
        "typed_select" | "typed_select_multi" => return "select".to_string(),
        "ref_cast_nullable" | "ref_cast_non_null" => return "ref.cast".to_string(),
        "ref_test_nullable" | "ref_test_non_null" => return "ref.test".to_string(),
        "atomic_fence" => return "atomic.fence".to_string(),
        _ => {}
    }
    const NAMESPACES: &[&str] = &[
        "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
        "local", "global", "table", "memory", "ref", "elem", "data", "struct", "array", "any",
        "extern", "i31", "cont",
    ];
    let Some((head, tail)) = name.split_once('_') else {
        return name.to_string();
    };
    if !NAMESPACES.contains(&head) {
        return name.to_string();
    }
    let tail = match tail.strip_prefix("atomic_") {
        Some(rest) => match rest.split_once('_') {
            Some((rmw, op)) if rmw.starts_with("rmw") => format!("atomic.{rmw}.{op}"),
            _ => format!("atomic.{rest}"),
        },
        None => tail.to_string(),
    };
    format!("{head}.{tail}")
}

#[cfg(test)]
mod tests {
    use super::name_of_visit;

    #[test]
    fn operator_names() {
        assert_eq!(name_of_visit("visit_i32_const"), "i32.const");
        assert_eq!(name_of_visit("visit_br_if"), "br_if");
        assert_eq!(name_of_visit("visit_memory_fill"), "memory.fill");
        assert_eq!(
            name_of_visit("visit_i32_atomic_rmw8_add_u"),
            "i32.atomic.rmw8.add_u"
        );
        assert_eq!(
            name_of_visit("visit_memory_atomic_wait32"),
            "memory.atomic.wait32"
        );
        assert_eq!(
            name_of_visit("visit_i32_trunc_sat_f32_s"),
            "i32.trunc_sat_f32_s"
        );
        assert_eq!(name_of_visit("visit_call_indirect"), "call_indirect");
        assert_eq!(name_of_visit("visit_typed_select"), "select");
    }
}

//! Catalog entries for the vector instructions (issue 12, item 1), derived
//! from the one table of them ([`SimdOp`]) rather than written out 256
//! times: the operand form gives the signature and immediates, the shape
//! prefix and the operation word (`add`, `extend_low_i8x16_s`, ...) give a
//! one-line description from a small per-family template.
//!
//! ```text
//! SimdOp::ALL ──▶ form ─▶ signature, immediates
//!             └─▶ "i32x4" + "add" ─▶ "Adds each of the 4 i32 lanes of a and b, wrapping."
//! ```

use super::catalog::{Family, InstrDoc, Operand};
use crate::vm::lanes::Shape;
use crate::vm::simd_op::{Form, SimdOp};

const fn op(name: &'static str, ty: &'static str) -> Operand {
    Operand { name, ty }
}

const ADDR: Operand = op("addr", "i32");
const A: Operand = op("a", "v128");
const B: Operand = op("b", "v128");
const C: Operand = op("c", "v128");
const V: Operand = op("v", "v128");
const V128: Operand = op("", "v128");
const I32: Operand = op("", "i32");
const COUNT: Operand = op("count", "i32");
const I64: Operand = op("", "i64");
const F32: Operand = op("", "f32");
const F64: Operand = op("", "f64");
const X_I32: Operand = op("x", "i32");
const X_I64: Operand = op("x", "i64");
const X_F32: Operand = op("x", "f32");
const X_F64: Operand = op("x", "f64");
const MEMARG: &str = "offset=N? align=N?";

/// The entry of every vector instruction: `v128.const`, then [`SimdOp::ALL`]
/// in table order.
pub fn entries() -> Vec<InstrDoc> {
    let mut out = vec![InstrDoc {
        name: "v128.const",
        family: Family::Vector,
        immediates: "SHAPE LANE...",
        params: &[],
        results: &[V128],
        summary: "pushes a 128-bit vector written as lanes in a shape, e.g. `v128.const i32x4 1 2 3 4` or `v128.const f32x4 0.5 1 1.5 2`; lane 0 comes first and sits in the lowest bytes.",
    }];
    out.extend(SimdOp::ALL.iter().map(|&op| entry(op)));
    out
}

/// The catalog entry of one vector instruction.
fn entry(op: SimdOp) -> InstrDoc {
    let scalar = scalar_of(op.shape());
    let (immediates, params, results): (&'static str, &'static [Operand], &'static [Operand]) =
        match op.form() {
            Form::Load => (MEMARG, &[ADDR], &[V128]),
            Form::Store => (MEMARG, &[ADDR, V], &[]),
            Form::LoadLane => ("offset=N? align=N? LANE", &[ADDR, V], &[V128]),
            Form::StoreLane => ("offset=N? align=N? LANE", &[ADDR, V], &[]),
            Form::Extract => ("LANE", &[V], scalar_list(scalar)),
            Form::Replace => ("LANE", replace_params(scalar), &[V128]),
            Form::Splat => ("", splat_params(scalar), &[V128]),
            Form::Unary => ("", &[A], &[V128]),
            Form::Test => ("", &[A], &[I32]),
            Form::Binary => ("", &[A, B], &[V128]),
            Form::Shift => ("", &[A, COUNT], &[V128]),
            Form::Ternary => ("", &[A, B, C], &[V128]),
            Form::Shuffle => ("LANE x16", &[A, B], &[V128]),
            Form::GlobalGet | Form::GlobalSet | Form::Select => ("", &[], &[]),
        };
    InstrDoc {
        name: op.name(),
        family: Family::Vector,
        immediates,
        params,
        results,
        summary: leak(describe(op)),
    }
}

/// A generated description kept for the life of the program (the catalog
/// is built once, so this is a fixed amount of memory).
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The scalar type of a shape's lanes once extracted (`i8x16` -> `i32`).
fn scalar_of(shape: Option<Shape>) -> &'static str {
    match shape {
        Some(Shape::I64x2) => "i64",
        Some(Shape::F32x4) => "f32",
        Some(Shape::F64x2) => "f64",
        _ => "i32",
    }
}

fn scalar_list(ty: &str) -> &'static [Operand] {
    match ty {
        "i64" => &[I64],
        "f32" => &[F32],
        "f64" => &[F64],
        _ => &[I32],
    }
}

fn replace_params(ty: &str) -> &'static [Operand] {
    match ty {
        "i64" => &[V, X_I64],
        "f32" => &[V, X_F32],
        "f64" => &[V, X_F64],
        _ => &[V, X_I32],
    }
}

fn splat_params(ty: &str) -> &'static [Operand] {
    match ty {
        "i64" => &[X_I64],
        "f32" => &[X_F32],
        "f64" => &[X_F64],
        _ => &[X_I32],
    }
}

/// `4 i32 lanes`, `16 i8 lanes`.
fn lanes(shape: Shape) -> String {
    format!(
        "{} {} lanes",
        shape.lanes(),
        &shape.name()[..3].trim_end_matches('x')
    )
}

/// `signed`/`unsigned` from a trailing `_s`/`_u`.
fn signedness(word: &str) -> &'static str {
    if word.ends_with("_u") {
        "unsigned"
    } else {
        "signed"
    }
}

const OOB: &str = "traps with \"out of bounds memory access\" past the end of memory";

/// The one-line description of `op`, from its form, shape and operation word.
fn describe(op: SimdOp) -> String {
    let name = op.name();
    let word = name.split_once('.').map_or(name, |(_, w)| w);
    let relaxed = if op.is_relaxed() {
        "; relaxed SIMD: watlab makes one fixed choice, the same in run and step mode"
    } else {
        ""
    };
    let text = match (op.form(), op.shape()) {
        (Form::Load, _) => load_text(word),
        (Form::Store, _) => format!("stores the 16 bytes of v at addr+offset; {OOB}"),
        (Form::LoadLane, _) => {
            let bits = lane_bits(word);
            format!(
                "loads {bits} bits from addr+offset into lane LANE of v, keeping the other lanes; {OOB}"
            )
        }
        (Form::StoreLane, _) => {
            let bits = lane_bits(word);
            format!("stores lane LANE ({bits} bits) of v at addr+offset; {OOB}")
        }
        (Form::Extract, Some(shape)) => {
            let ext = match shape {
                Shape::I8x16 | Shape::I16x8 => {
                    format!(
                        ", {}-extended to i32",
                        if word.ends_with("_u") { "zero" } else { "sign" }
                    )
                }
                _ => String::new(),
            };
            format!("reads lane LANE of the {} of v{ext}", lanes(shape))
        }
        (Form::Replace, Some(shape)) => format!(
            "v with lane LANE of its {} replaced by x{}",
            lanes(shape),
            if matches!(shape, Shape::I8x16 | Shape::I16x8) {
                " (its low bits)"
            } else {
                ""
            }
        ),
        (Form::Splat, Some(shape)) => format!("a vector with x in each of its {}", lanes(shape)),
        (Form::Test, Some(shape)) if word == "all_true" => {
            format!("1 if each of the {} of a is non-zero, else 0", lanes(shape))
        }
        (Form::Test, Some(shape)) => format!(
            "an i32 whose bit i is the sign bit of lane i of the {} of a",
            lanes(shape)
        ),
        (Form::Test, None) => "1 if any bit of a is set, else 0".into(),
        (Form::Shift, Some(shape)) => {
            let (way, fill) = match word {
                "shl" => ("left", ""),
                "shr_s" => ("right", ", copying the sign bit"),
                _ => ("right", ", filling with zeros"),
            };
            format!(
                "shifts each of the {} of a {way} by count modulo the lane width{fill}",
                lanes(shape)
            )
        }
        (Form::Shuffle, _) => {
            "picks 16 bytes from the 32 bytes of a then b by the 16 lane indices (0-31)".into()
        }
        (Form::Ternary, shape) => ternary_text(word, shape),
        (Form::Unary | Form::Binary, None) => bitwise_text(word).into(),
        (Form::Unary, Some(shape)) => unary_text(word, shape),
        (Form::Binary, Some(shape)) => binary_text(word, shape),
        _ => String::new(),
    };
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "{}{}{relaxed}.",
        first.map(String::from).unwrap_or_default(),
        chars.as_str()
    )
}

/// `8` from `load8_lane`, `64` from `store64_lane`.
fn lane_bits(word: &str) -> &str {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.split('_').next().unwrap_or("")
}

fn load_text(word: &str) -> String {
    let what = match word {
        "load" => "loads 16 bytes from addr+offset".to_string(),
        "load8x8_s" | "load8x8_u" | "load16x4_s" | "load16x4_u" | "load32x2_s" | "load32x2_u" => {
            let (n, rest) = word["load".len()..].split_once('x').unwrap_or(("", ""));
            let count = rest.split('_').next().unwrap_or("");
            let wide = n.parse::<u32>().map_or(0, |n| n * 2);
            format!(
                "loads {count} {n}-bit integers from addr+offset and {} each to a {wide}-bit lane",
                if signedness(word) == "signed" {
                    "sign-extends"
                } else {
                    "zero-extends"
                }
            )
        }
        w if w.ends_with("_splat") => format!(
            "loads one {}-bit value from addr+offset into every lane",
            lane_bits(w)
        ),
        w => format!(
            "loads a {}-bit value from addr+offset into the low lane and zeroes the rest",
            lane_bits(w)
        ),
    };
    format!("{what}; {OOB}")
}

fn bitwise_text(word: &str) -> &'static str {
    match word {
        "not" => "flips every bit of a (bitwise not)",
        "and" => "the bitwise and of a and b",
        "andnot" => "the bitwise and of a and the complement of b (a & ~b)",
        "or" => "the bitwise or of a and b",
        "xor" => "the bitwise exclusive or of a and b",
        _ => "",
    }
}

fn ternary_text(word: &str, shape: Option<Shape>) -> String {
    let lanes_of = |s: Option<Shape>| s.map_or_else(String::new, lanes);
    match word {
        "bitselect" => "takes each bit from a where c has a 1 and from b where it has a 0".into(),
        "relaxed_madd" => format!("a*b+c in each of the {}", lanes_of(shape)),
        "relaxed_nmadd" => format!("-(a*b)+c in each of the {}", lanes_of(shape)),
        "relaxed_laneselect" => format!(
            "takes each bit from a where c has a 1 and from b where it has a 0, over the {}",
            lanes_of(shape)
        ),
        _ => "multiplies the 16 i8 lanes of a (signed) by those of b (7-bit), adds groups of four products to the 4 i32 lanes of c".into(),
    }
}

fn unary_text(word: &str, shape: Shape) -> String {
    let each = lanes(shape);
    let simple = match word {
        "abs" => Some("the absolute value of"),
        "neg" => Some("the negation of"),
        "popcnt" => Some("the number of 1 bits in"),
        "sqrt" => Some("the square root of"),
        "ceil" => Some("rounds up"),
        "floor" => Some("rounds down"),
        "trunc" => Some("rounds toward zero"),
        "nearest" => Some("rounds to the nearest integer (ties to even)"),
        _ => None,
    };
    if let Some(what) = simple {
        return format!("{what} each of the {each} of a");
    }
    let from = word
        .split('_')
        .find_map(Shape::from_prefix)
        .map_or_else(String::new, lanes);
    let sign = signedness(word.trim_end_matches("_zero"));
    if word.starts_with("extend_") {
        let half = if word.contains("_low_") {
            "low"
        } else {
            "high"
        };
        format!("widens the {half} half of the {from} of a ({sign}) to the {each}")
    } else if word.starts_with("extadd_pairwise") {
        format!("adds neighbouring pairs of the {from} of a ({sign}) into the {each}")
    } else if word.starts_with("trunc_sat") {
        format!(
            "converts the {from} of a to {sign} integers in the {each}, rounding toward zero and saturating (NaN gives 0); never traps"
        )
    } else if word.starts_with("relaxed_trunc") {
        format!("converts the {from} of a to {sign} integers in the {each}, rounding toward zero")
    } else if word.starts_with("convert") {
        format!("converts the {from} of a ({sign}) to the {each}")
    } else if word.starts_with("demote") {
        format!("narrows the {from} of a to the low 2 lanes of the {each}, the rest 0")
    } else {
        format!("widens the low 2 lanes of the {from} of a to the {each}")
    }
}

fn binary_text(word: &str, shape: Shape) -> String {
    let each = lanes(shape);
    let float = matches!(shape, Shape::F32x4 | Shape::F64x2);
    let sign = if float || !(word.ends_with("_s") || word.ends_with("_u")) {
        ""
    } else {
        signedness(word)
    };
    let compare = |what: &str| {
        let reading = if sign.is_empty() {
            String::new()
        } else {
            format!(" ({sign})")
        };
        format!(
            "compares each of the {each} of a and b{reading}: all 1 bits where a {what} b, else 0"
        )
    };
    let base = word.trim_end_matches("_s").trim_end_matches("_u");
    match base {
        "eq" => compare("=="),
        "ne" => compare("!="),
        "lt" => compare("<"),
        "gt" => compare(">"),
        "le" => compare("<="),
        "ge" => compare(">="),
        "add" if float => format!("adds each of the {each} of a and b"),
        "add" => format!("adds each of the {each} of a and b, wrapping"),
        "sub" if float => format!("subtracts each of the {each} of b from a"),
        "sub" => format!("subtracts each of the {each} of b from a, wrapping"),
        "mul" if float => format!("multiplies each of the {each} of a and b"),
        "mul" => format!("multiplies each of the {each} of a and b, keeping the low bits"),
        "div" => format!("divides each of the {each} of a by b"),
        "add_sat" => {
            format!("adds each of the {each} of a and b ({sign}), saturating at the limits")
        }
        "sub_sat" => {
            format!("subtracts each of the {each} of b from a ({sign}), saturating at the limits")
        }
        "min" | "max" if float => format!(
            "the {} of each of the {each} of a and b (NaN if either is NaN, -0 < +0)",
            if base == "min" { "smaller" } else { "larger" }
        ),
        "min" | "max" => format!(
            "the {} of each of the {each} of a and b ({sign})",
            if base == "min" { "smaller" } else { "larger" }
        ),
        "pmin" => format!("b < a ? b : a in each of the {each}"),
        "pmax" => format!("a < b ? b : a in each of the {each}"),
        "avgr" => format!("the rounded-up average of each of the {each} of a and b (unsigned)"),
        "q15mulr_sat" | "relaxed_q15mulr" => format!(
            "multiplies each of the {each} of a and b as Q15 fixed-point numbers, rounding and saturating"
        ),
        "swizzle" | "relaxed_swizzle" => {
            "picks bytes of a by the 16 byte indices in b (an index past 15 gives 0)".into()
        }
        "relaxed_min" | "relaxed_max" => format!(
            "the {} of each of the {each} of a and b",
            if base == "relaxed_min" {
                "smaller"
            } else {
                "larger"
            }
        ),
        "relaxed_dot_i8x16_i7x16" => format!(
            "multiplies the 16 i8 lanes of a and b and adds neighbouring pairs into the {each}"
        ),
        _ if word.starts_with("narrow") => {
            format!("narrows the lanes of a then b into the {each}, saturating ({sign})")
        }
        _ if word.starts_with("extmul") => {
            let half = if word.contains("_low_") {
                "low"
            } else {
                "high"
            };
            format!("multiplies the {half} halves of a and b ({sign}) into the wider {each}")
        }
        _ if word.starts_with("dot") => format!(
            "multiplies the 8 i16 lanes of a and b (signed) and adds neighbouring pairs into the {each}"
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vector_instruction_has_a_description_and_a_signature() {
        let entries = entries();
        assert_eq!(entries.len(), SimdOp::ALL.len() + 1);
        for doc in &entries {
            assert!(doc.summary.len() > 24, "{}: {:?}", doc.name, doc.summary);
            assert!(!doc.summary.contains("{}"), "{}", doc.name);
            assert!(
                !doc.results.is_empty() || doc.name.contains("store"),
                "{}",
                doc.name
            );
        }
    }

    #[test]
    fn descriptions_come_from_the_family_templates() {
        let find = |name: &str| {
            entries()
                .into_iter()
                .find(|d| d.name == name)
                .map(|d| (d.signature(), d.summary))
        };
        assert_eq!(
            find("i32x4.add"),
            Some((
                "[a:v128 b:v128] -> [v128]".into(),
                "Adds each of the 4 i32 lanes of a and b, wrapping."
            ))
        );
        assert_eq!(
            find("i8x16.extract_lane_u"),
            Some((
                "[v:v128] -> [i32]".into(),
                "Reads lane LANE of the 16 i8 lanes of v, zero-extended to i32."
            ))
        );
        assert_eq!(
            find("i16x8.extend_low_i8x16_u").map(|d| d.1),
            Some("Widens the low half of the 16 i8 lanes of a (unsigned) to the 8 i16 lanes.")
        );
        assert_eq!(
            find("v128.load8x8_s").map(|d| d.1.split(';').next().unwrap_or("").to_string()),
            Some(
                "Loads 8 8-bit integers from addr+offset and sign-extends each to a 16-bit lane"
                    .into()
            )
        );
        assert!(find("f32x4.relaxed_madd").is_some_and(|d| d.1.contains("one fixed choice")));
    }
}

//! Vectors for people: a `v128` shown as lanes in the shape the instruction
//! that made it works in (issue 12, item 1). `f32x4.add` makes an `f32x4`;
//! `f32x4.convert_i32x4_s` reads an `i32x4` and makes an `f32x4`;
//! `v128.and` and plain loads have no shape of their own and show `i32x4`.

use crate::vm::Value;
use crate::vm::lanes::Shape;

/// Whether `instruction` (its text, immediates and all) is a vector one.
pub fn is_vector(instruction: &str) -> bool {
    let name = instruction.split_whitespace().next().unwrap_or("");
    name.starts_with("v128.") || Shape::from_prefix(name).is_some()
}

/// The shape `instruction` reads its vector operands in: the one its name
/// converts from (`i16x8.extend_low_i8x16_s` -> `i8x16`), else its own.
pub fn operand_shape(instruction: &str) -> Option<Shape> {
    let name = instruction.split_whitespace().next().unwrap_or("");
    let (_, op) = name.split_once('.')?;
    op.split('_')
        .find_map(|word| Shape::from_prefix(word).filter(|s| s.name() == word))
        .or_else(|| Shape::of_instruction(instruction))
}

/// A value as the stepper shows it next to a vector instruction: a `v128`
/// as its lanes in `shape` (`i32x4` when none), anything else as usual.
pub fn lanes_or_value(value: &Value, shape: Option<Shape>) -> String {
    match *value {
        Value::V128(bits) => {
            format!(
                "[{}]",
                shape.unwrap_or(Shape::I32x4).lane_texts(bits).join(" ")
            )
        }
        ref other => other.to_string(),
    }
}

/// The stepper's `did:` text for a vector instruction: its name (with its
/// immediates, but without `v128.const`'s lanes, which the result shows),
/// the operands and the results lane by lane:
/// `i32x4.add [1 2 3 4] [10 20 30 40] -> [11 22 33 44]`. An instruction
/// with no shape of its own (`v128.and`) shows each value in its `shapes`
/// (popped, then pushed: the shapes of the instructions that made them).
pub fn did_line(
    instruction: &str,
    popped: &[Value],
    pushed: &[Value],
    shapes: &(Vec<Option<Shape>>, Vec<Option<Shape>>),
) -> String {
    let mut words = instruction.split_whitespace();
    let name = words.next().unwrap_or("");
    let head = if name == "v128.const" {
        format!("{name} {}", words.next().unwrap_or(""))
    } else {
        instruction.to_string()
    };
    let (ins, outs) = (
        operand_shape(instruction),
        Shape::of_instruction(instruction),
    );
    let mut line = head.trim_end().to_string();
    let made = |made: &Vec<Option<Shape>>, i: usize| made.get(i).copied().flatten();
    for (i, value) in popped.iter().enumerate() {
        line.push(' ');
        line.push_str(&lanes_or_value(value, ins.or(made(&shapes.0, i))));
    }
    line.push_str(" ->");
    if pushed.is_empty() {
        line.push_str(" nothing");
    }
    for (i, value) in pushed.iter().enumerate() {
        line.push(' ');
        line.push_str(&lanes_or_value(value, outs.or(made(&shapes.1, i))));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::lanes::{from_f32s, from_i16s, from_i32s};

    #[test]
    fn shapes_come_from_the_instruction() {
        assert_eq!(Shape::of_instruction("f32x4.add"), Some(Shape::F32x4));
        assert_eq!(
            Shape::of_instruction("v128.const f64x2 1 2"),
            Some(Shape::F64x2)
        );
        assert_eq!(Shape::of_instruction("v128.and"), None);
        assert_eq!(
            operand_shape("i16x8.extend_low_i8x16_s"),
            Some(Shape::I8x16)
        );
        assert_eq!(operand_shape("f32x4.convert_i32x4_u"), Some(Shape::I32x4));
        assert_eq!(operand_shape("i32x4.dot_i16x8_s"), Some(Shape::I16x8));
        assert_eq!(operand_shape("i8x16.add"), Some(Shape::I8x16));
        assert!(is_vector("v128.load offset=16") && is_vector("i8x16.shuffle 0 1"));
        assert!(!is_vector("i32.add"));
    }

    #[test]
    fn the_did_line_shows_lanes_in_and_out() {
        let (a, b) = (from_i32s([1, 2, 3, 4]), from_i32s([10, 20, 30, 40]));
        assert_eq!(
            did_line(
                "i32x4.add",
                &[Value::V128(a), Value::V128(b)],
                &[Value::V128(from_i32s([11, 22, 33, 44]))],
                &Default::default()
            ),
            "i32x4.add [1 2 3 4] [10 20 30 40] -> [11 22 33 44]"
        );
        assert_eq!(
            did_line(
                "v128.const f32x4 0x3f800000 0x40000000 0x40400000 0x40800000",
                &[],
                &[Value::V128(from_f32s([1.0, 2.0, 3.0, 4.0]))],
                &Default::default()
            ),
            "v128.const f32x4 -> [1 2 3 4]"
        );
        assert_eq!(
            did_line(
                "i16x8.extract_lane_s 7",
                &[Value::V128(from_i16s([0, 0, 0, 0, 0, 0, 0, -5]))],
                &[Value::I32(-5)],
                &Default::default()
            ),
            "i16x8.extract_lane_s 7 [0 0 0 0 0 0 0 -5] -> i32:-5"
        );
        assert_eq!(
            did_line(
                "v128.store",
                &[Value::I32(0), Value::V128(a)],
                &[],
                &Default::default()
            ),
            "v128.store i32:0 [1 2 3 4] -> nothing"
        );
        // A shapeless instruction shows each value as what made it.
        let halves = Value::V128(from_f32s([0.5; 4]));
        assert_eq!(
            did_line(
                "v128.store",
                &[Value::I32(0), halves],
                &[],
                &(vec![None, Some(Shape::F32x4)], vec![])
            ),
            "v128.store i32:0 [0.5 0.5 0.5 0.5] -> nothing"
        );
    }
}

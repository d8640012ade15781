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

/// The stepper's `did:` text for a vector instruction (or one that moved a
/// vector, `global.get $v`): its name (with its immediates, but without
/// `v128.const`'s lanes, which the result shows), the operands and the
/// results lane by lane, each vector as every view writes it:
/// `i32x4.add v128:i32x4[1 2 3 4] hex[...] v128:i32x4[10 20 30 40] hex[...] -> v128:i32x4[11 22 33 44] hex[...]`. An instruction
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
        line.push_str(&Shape::value_in(value, ins.or(made(&shapes.0, i))));
    }
    line.push_str(" ->");
    if pushed.is_empty() {
        line.push_str(" nothing");
    }
    for (i, value) in pushed.iter().enumerate() {
        line.push(' ');
        line.push_str(&Shape::value_in(value, outs.or(made(&shapes.1, i))));
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
            "i32x4.add v128:i32x4[1 2 3 4] hex[00000001 00000002 00000003 00000004] v128:i32x4[10 20 30 40] hex[0000000a 00000014 0000001e 00000028] -> v128:i32x4[11 22 33 44] hex[0000000b 00000016 00000021 0000002c]"
        );
        assert_eq!(
            did_line(
                "v128.const f32x4 0x3f800000 0x40000000 0x40400000 0x40800000",
                &[],
                &[Value::V128(from_f32s([1.0, 2.0, 3.0, 4.0]))],
                &Default::default()
            ),
            "v128.const f32x4 -> v128:f32x4[1 2 3 4] hex[3f800000 40000000 40400000 40800000]"
        );
        assert_eq!(
            did_line(
                "i16x8.extract_lane_s 7",
                &[Value::V128(from_i16s([0, 0, 0, 0, 0, 0, 0, -5]))],
                &[Value::I32(-5)],
                &Default::default()
            ),
            "i16x8.extract_lane_s 7 v128:i16x8[0 0 0 0 0 0 0 -5] hex[0000 0000 0000 0000 0000 0000 0000 fffb] -> i32:-5"
        );
        assert_eq!(
            did_line(
                "v128.store",
                &[Value::I32(0), Value::V128(a)],
                &[],
                &Default::default()
            ),
            "v128.store i32:0 v128:i32x4[1 2 3 4] hex[00000001 00000002 00000003 00000004] -> nothing"
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
            "v128.store i32:0 v128:f32x4[0.5 0.5 0.5 0.5] hex[3f000000 3f000000 3f000000 3f000000] -> nothing"
        );
    }
}

//! Which lane shape each scratch-stack value is shown in (issue 12, item 1).
//!
//! A `v128` is just 128 bits; the instruction that made it says how to read
//! them. While the fragment is validated, the stack height after each
//! operator is kept ([`OpStack`]); walking those heights with each
//! operator's name gives every value left on the stack the shape of the
//! instruction that pushed it:
//!
//! ```text
//! v128.const f32x4 ...  -> f32x4     (the shape as written)
//! i32x4.add             -> i32x4     (the instruction's shape)
//! v128.and, v128.load   -> the first operand's shape, else none (i32x4)
//! global.get $g         -> the global's shape (`read`)
//! local.get, call, ...  -> none
//! ```
//!
//! Values from before the input keep the shape they had.

use crate::vm::lanes::Shape;

/// The validator's stack after one operator of the fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpStack {
    /// Operand stack height after the operator.
    pub height: usize,
    /// Whether the top value is then a `v128`.
    pub top_is_v128: bool,
}

/// The shape of each value left on the stack. Operator `i` is named by
/// `name(i)` (its source text, e.g. `v128.const f32x4 1 2 3 4`); the first
/// `prologue` operators push the values from before the input, whose shapes
/// are `before`; `read` gives the shape of what a `global.get` (its text)
/// reads.
pub fn fragment_shapes<'a>(
    ops: &[OpStack],
    name: impl Fn(usize) -> Option<&'a str>,
    prologue: usize,
    before: &[Option<Shape>],
    read: impl Fn(&str) -> Option<Shape>,
) -> Vec<Option<Shape>> {
    walk(ops, name, prologue, before, read, |_, _| {})
}

/// The shape of the value each `global.set` of the fragment writes, with
/// the global as written (`$g`, or its index), where the shape is known.
pub fn global_set_shapes<'a>(
    ops: &[OpStack],
    name: impl Fn(usize) -> Option<&'a str>,
    prologue: usize,
    before: &[Option<Shape>],
    read: impl Fn(&str) -> Option<Shape>,
) -> Vec<(String, Shape)> {
    let mut sets = Vec::new();
    walk(ops, &name, prologue, before, read, |i, shapes| {
        let mut words = name(i).unwrap_or("").split_whitespace();
        if words.next() == Some("global.set")
            && let (Some(global), Some(Some(shape))) = (words.next(), shapes.last())
        {
            sets.push((global.trim_end_matches(')').to_string(), *shape));
        }
    });
    sets
}

/// [`fragment_shapes`], showing `visit` the shapes before each operator.
fn walk<'a>(
    ops: &[OpStack],
    name: impl Fn(usize) -> Option<&'a str>,
    prologue: usize,
    before: &[Option<Shape>],
    read: impl Fn(&str) -> Option<Shape>,
    mut visit: impl FnMut(usize, &[Option<Shape>]),
) -> Vec<Option<Shape>> {
    let mut shapes: Vec<Option<Shape>> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        visit(i, &shapes);
        shapes.resize(op.height, None);
        let Some(top) = op.height.checked_sub(1) else {
            continue;
        };
        if i < prologue {
            shapes[top] = before.get(i).copied().flatten();
            continue;
        }
        if !op.top_is_v128 {
            shapes[top] = None;
        } else if let Some(shape) =
            name(i).and_then(|t| Shape::of_instruction(t).or_else(|| read(t)))
        {
            shapes[top] = Some(shape);
        }
    }
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(height: usize, top_is_v128: bool) -> OpStack {
        OpStack {
            height,
            top_is_v128,
        }
    }

    #[test]
    fn each_value_takes_the_shape_of_the_instruction_that_made_it() {
        let names = [
            "local.get 0",
            "v128.const f32x4 1 2 3 4",
            "v128.const i16x8 1 2 3 4 5 6 7 8",
            "v128.and",
            "v128.const i32x4 1 2 3 4",
            "f64x2.convert_low_i32x4_s",
            "i32.const 0",
            "global.get $v)",
        ];
        let ops = [
            at(1, true),
            at(2, true),
            at(3, true),
            at(2, true),
            at(3, true),
            at(3, true),
            at(4, false),
            at(5, true),
        ];
        let read = |text: &str| text.starts_with("global.get $v").then_some(Shape::I64x2);
        let shapes = fragment_shapes(
            &ops,
            |i| names.get(i).copied(),
            1,
            &[Some(Shape::I8x16)],
            read,
        );
        assert_eq!(
            shapes,
            [
                Some(Shape::I8x16),
                Some(Shape::F32x4),
                Some(Shape::F64x2),
                None,
                Some(Shape::I64x2)
            ]
        );
    }

    #[test]
    fn a_load_has_no_shape_of_its_own() {
        let names = ["i32.const 0", "v128.load"];
        let ops = [at(1, false), at(1, true)];
        assert_eq!(
            fragment_shapes(&ops, |i| names.get(i).copied(), 0, &[], |_| None),
            [None]
        );
    }
}

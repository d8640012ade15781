//! `:bytes` shows a `v128.const` literal as every view writes a vector, in
//! the shape the input wrote it in (`v128.const f32x4 1.5 2 3 4` is
//! `v128 literal v128:f32x4[1.5 2 3 4] hex[...]`): the binary layer reads
//! only bytes, so it writes `i32x4` hex, and this puts the written shape back.

use crate::binary::{ByteRow, Meaning, Part};
use crate::vm::Value;
use crate::vm::lanes::Shape;

/// What the binary layer writes a `v128` literal's meaning as.
const LITERAL: &str = "v128 literal hex[";

/// `rows` with each `v128.const` literal's meaning in the shape `source`
/// wrote it in, literals and `v128.const` instructions matched in order.
pub(super) fn literals_in_written_shapes(rows: &mut [ByteRow], source: &str) {
    let spaced = source.replace(['(', ')'], " ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let shapes = (words.windows(2))
        .filter(|pair| pair[0] == "v128.const")
        .map(|pair| Shape::from_prefix(pair[1]));
    let literals = rows.iter_mut().filter(
        |row| matches!(row.meaning.0.as_slice(), [Part::Text(text)] if text.starts_with(LITERAL)),
    );
    for (row, shape) in literals.zip(shapes) {
        let Ok(bytes) = <[u8; 16]>::try_from(row.bytes.as_slice()) else {
            continue;
        };
        let value = Value::V128(u128::from_le_bytes(bytes));
        row.meaning = Meaning::text(format!("v128 literal {}", Shape::value_in(&value, shape)));
    }
}

#[cfg(test)]
mod tests {
    use super::literals_in_written_shapes;
    use crate::binary::Part;

    #[test]
    fn a_literal_reads_in_the_shape_it_was_written_in() {
        let source = "(module (func (v128.const f32x4 1.5 2 3 4) drop (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16) drop))";
        let binary = crate::text::assemble::assemble_module(source).expect("assembles");
        let mut rows = crate::binary::explain(&binary).expect("explains");
        literals_in_written_shapes(&mut rows, source);
        let literals: Vec<&String> = (rows.iter())
            .filter_map(|r| match r.meaning.0.as_slice() {
                [Part::Text(text)] if text.contains("literal") => Some(text),
                _ => None,
            })
            .collect();
        assert_eq!(
            literals,
            [
                "v128 literal v128:f32x4[1.5 2 3 4] hex[3fc00000 40000000 40400000 40800000]",
                "v128 literal v128:i8x16[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16] hex[01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10]",
            ]
        );
    }
}

//! Assembling WAT with source positions kept: errors come back with the
//! byte offset in the text they were found at, so the session can point at
//! the user's own input. (`wat::Error` has no span, hence `wast` directly.)

use std::fmt;

/// An assembler error at a byte offset of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmError {
    /// The assembler's message, without position decoration.
    pub message: String,
    /// Byte offset into the assembled text.
    pub offset: usize,
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Assembles a `(module ...)` text into a binary.
///
/// # Errors
/// The first syntax or name-resolution error, with its offset.
pub fn assemble_module(text: &str) -> Result<Vec<u8>, AsmError> {
    let error = |e: wast::Error| AsmError {
        message: e.message(),
        offset: e.span().offset(),
    };
    let buf = wast::parser::ParseBuffer::new(text).map_err(error)?;
    let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buf).map_err(error)?;
    wat.encode().map_err(error)
}

/// Converts a byte offset into a 0-based (line, column) pair.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let col = before.rfind('\n').map_or(before.chars().count(), |nl| {
        before[nl + 1..].chars().count()
    });
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_the_offset_of_the_bad_token() {
        let text = "(module (func i32.const 1 i32.ad drop))";
        let err = assemble_module(text).expect_err("unknown instruction");
        assert_eq!(&text[err.offset..err.offset + 6], "i32.ad");
        assert!(err.message.contains("unknown operator"), "{}", err.message);
    }

    #[test]
    fn line_and_column_are_zero_based() {
        assert_eq!(line_col("ab\ncde", 4), (1, 1));
        assert_eq!(line_col("ab", 99), (0, 2));
    }
}

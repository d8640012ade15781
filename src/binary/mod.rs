//! The binary explainer behind `:bytes`: a module's encoding, byte by byte,
//! with what each byte means, as data; the `:bytes` view renders the rows as text.
//!
//! [`explain`] walks a complete core-module binary and produces one
//! [`ByteRow`] per meaningful piece of the encoding: the magic and version,
//! every section header (id byte, then size LEB), vector counts, names
//! (length, then the UTF-8 bytes), value types, limits, and, inside function
//! bodies and constant expressions, every instruction split into its opcode
//! byte(s) and each immediate separately (`41` `i32.const`, then `2a`
//! `i32 literal 42 (signed LEB128)`).
//!
//! The rows *tile* the input: they are contiguous, in order, and together
//! cover every byte exactly once. Boundaries and values come from
//! [`wasmparser`] (its `Parser` checks the overall structure first, then
//! `BinaryReader` and `OperatorsReader::read_with_offset` decode each
//! piece); a row's byte range is always "where the reader was before" to
//! "where it is after", so nothing can be skipped or counted twice. Where an
//! instruction's immediates are too exotic to split (some GC, stack-switching
//! and shared-everything instructions) they are one row.
//!
//! ```text
//! walk.rs      header, section framing, LEB128 / name / limits primitives
//! sections.rs  section contents: types, imports, ..., elements, data
//! code.rs      function bodies and expressions, instruction by instruction
//! operators.rs each operator's name and immediate layout (from wasmparser)
//! meaning.rs   tables of what bytes mean (section ids, kinds, flags, types)
//! row.rs       the output: rows, meanings made of parts
//! ```

mod code;
mod meaning;
mod operators;
mod row;
mod sections;
mod walk;

pub use row::{ByteRow, Float, Meaning, Part};
pub use walk::{explain, explain_function_body};

#[cfg(test)]
pub(crate) mod tests;

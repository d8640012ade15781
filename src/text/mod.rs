//! WAT in and out: lexing for the editor, assembling with source positions,
//! the instruction catalog, and plain-words explanations of errors.

pub mod assemble;
pub mod body_check;
pub mod catalog;
pub mod explain;
pub mod folded;
pub mod lex;
pub mod literal;
pub mod shorten;
pub mod unknown_name;
pub mod vector_docs;

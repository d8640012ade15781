//! The one source of instruction text by byte offset, shared by the stepper
//! and trace mode: wasmprinter prints a module once, with offsets, and each
//! instruction's line is kept (cached per module) without wasmprinter's label
//! annotations (`;; label = @1`, `(;@1;)`). A branch also keeps its label
//! depths, read from the binary, so a named label (`br_if $top`) resolves
//! to its frame as surely as a numbered one.

use crate::vm::lanes::Shape;
use crate::vm::store::{FuncInst, Store};
use crate::vm::{FuncAddr, Module};
use std::collections::HashMap;
use std::sync::Arc;
use wasmparser::Operator;

/// One instruction as the text format writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstrText {
    /// The instruction with its immediates and names, e.g. `call $fac`.
    pub text: String,
    /// Whether this is the `end` that closes a function body.
    pub ends_function: bool,
    /// A branch's relative label depths (`br_table`: its targets, then the
    /// default); empty for every other instruction.
    pub depths: Vec<u32>,
}

/// Instruction texts of the modules seen so far, each printed once.
#[derive(Default)]
pub struct InstrTexts {
    /// Keyed by the module's address; the `Arc` keeps that address from
    /// being reused by another module while the entry lives.
    by_module: HashMap<usize, (Arc<Module>, HashMap<usize, InstrText>)>,
}

impl InstrTexts {
    /// The instruction at byte `offset` of the module `func` belongs to
    /// (none for host functions and offsets that start no instruction).
    pub fn get(&mut self, store: &Store, func: FuncAddr, offset: usize) -> Option<&InstrText> {
        let Some(FuncInst::Wasm { instance, .. }) = store.func(func) else {
            return None;
        };
        let module = &store.instance(*instance)?.module;
        let (_, texts) = self
            .by_module
            .entry(Arc::as_ptr(module) as usize)
            .or_insert_with(|| (module.clone(), index_module(&module.bytes)));
        texts.get(&offset)
    }
}

/// Every instruction of a module binary, by byte offset.
fn index_module(bytes: &[u8]) -> HashMap<usize, InstrText> {
    let mut config = wasmprinter::Config::new();
    config.print_offsets(true);
    let mut out = String::new();
    if config
        .print(bytes, &mut wasmprinter::PrintFmtWrite(&mut out))
        .is_err()
    {
        return HashMap::new();
    }
    let mut texts = HashMap::new();
    for (offset, mut text) in out.lines().filter_map(instruction_line) {
        if text.text.starts_with("br") {
            text.depths = branch_depths(bytes, offset);
        }
        texts.entry(offset).or_insert(text);
    }
    texts
}

/// The label depths of the branch instruction at byte `offset` of a module.
fn branch_depths(bytes: &[u8], offset: usize) -> Vec<u32> {
    let Some(rest) = bytes.get(offset..) else {
        return Vec::new();
    };
    let reader = wasmparser::BinaryReader::new(rest, offset as u64);
    match wasmparser::OperatorsReader::new(reader).read() {
        Ok(Operator::Br { relative_depth } | Operator::BrIf { relative_depth }) => {
            vec![relative_depth]
        }
        Ok(Operator::BrTable { targets }) => {
            let mut depths: Vec<u32> = targets.targets().filter_map(Result::ok).collect();
            depths.push(targets.default());
            depths
        }
        _ => Vec::new(),
    }
}

/// The offset and instruction of one line of wasmprinter's output
/// (`(;@1d  ;)      i32.const 0`), when it carries an instruction.
fn instruction_line(line: &str) -> Option<(usize, InstrText)> {
    let rest = line.strip_prefix("(;@")?;
    let (offset, text) = rest.split_once(";)")?;
    let offset = usize::from_str_radix(offset.trim(), 16).ok()?;
    let mut text = text.split(" ;;").next().unwrap_or("").trim().to_string();
    while let Some(start) = text.find(" (;@") {
        let end = text[start..]
            .find(";)")
            .map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, "");
    }
    // wasmprinter closes a function body with `)`; the instruction there is its `end`.
    let ends_function = text == ")";
    if ends_function {
        text = "end".into();
    }
    Some((
        offset,
        InstrText {
            text,
            ends_function,
            depths: Vec::new(),
        },
    ))
}

/// `v128.const` as the user wrote its shape: wasmprinter always prints
/// `v128.const i32x4 0x...` (the binary keeps no shape), so the lanes are
/// read back and shown in the shape of the source text `written` (which
/// starts at the instruction): `v128.const f32x4 1.5 2 3 4`. `None` when
/// `text` is no `v128.const` or `written` names no shape.
pub fn const_in_written_shape(text: &str, written: &str) -> Option<String> {
    let lanes: Vec<&str> = text.strip_prefix("v128.const i32x4 ")?.split(' ').collect();
    let mut words = written.split_whitespace();
    let shape = words
        .next()
        .filter(|w| *w == "v128.const")
        .and(words.next())
        .and_then(Shape::from_prefix)?;
    let bits = Shape::I32x4.parse_lanes(&lanes).ok()?;
    Some(format!(
        "v128.const {} {}",
        shape.name(),
        shape.lane_texts(bits).join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_constant_keeps_the_shape_it_was_written_in() {
        let printed = "v128.const i32x4 0x3fc00000 0x40000000 0x40400000 0x40800000";
        assert_eq!(
            const_in_written_shape(printed, "v128.const f32x4 1.5 2 3 4 f32x4.add").as_deref(),
            Some("v128.const f32x4 1.5 2 3 4")
        );
        assert_eq!(const_in_written_shape(printed, "v128.const 1"), None);
        assert_eq!(const_in_written_shape("i32.const 1", "i32.const 1"), None);
    }

    #[test]
    fn label_annotations_are_dropped_and_the_function_end_is_marked() {
        let (offset, text) = instruction_line("(;@1c  ;)      br 0 (;@1;)").unwrap();
        assert_eq!((offset, text.text.as_str()), (0x1c, "br 0"));
        let (_, text) =
            instruction_line("(;@18  ;)      block (result i32) ;; label = @1").unwrap();
        assert_eq!(text.text, "block (result i32)");
        let (_, text) = instruction_line("(;@1f  ;)    )").unwrap();
        assert_eq!(
            text,
            InstrText {
                text: "end".into(),
                ends_function: true,
                depths: Vec::new(),
            }
        );
        assert!(instruction_line("  (type (;0;) (func))").is_none());
    }

    #[test]
    fn a_module_is_indexed_by_instruction_offset() {
        let bytes = wat::parse_str("(module (func (result i32) i32.const 7))").unwrap();
        let texts = index_module(&bytes);
        let body = wasmparser::Parser::new(0)
            .parse_all(&bytes)
            .find_map(|p| match p {
                Ok(wasmparser::Payload::CodeSectionEntry(body)) => Some(body),
                _ => None,
            })
            .unwrap();
        let mut ops = body.get_operators_reader().unwrap();
        let mut found = Vec::new();
        while !ops.eof() {
            let (_, at) = ops.read_with_offset().unwrap();
            let text = &texts[&(at as usize)];
            found.push((text.text.as_str(), text.ends_function));
        }
        assert_eq!(found, [("i32.const 7", false), ("end", true)]);
    }

    #[test]
    fn branches_keep_their_label_depths_named_or_not() {
        let bytes = wat::parse_str(
            "(module (func (param i32)
               (block $out (loop $top
                 (br_if $top (local.get 0))
                 (br_table $top $out 0 (local.get 0))))))",
        )
        .unwrap();
        let texts = index_module(&bytes);
        let mut branches: Vec<(&str, &[u32])> = texts
            .values()
            .filter(|t| !t.depths.is_empty())
            .map(|t| (t.text.as_str(), t.depths.as_slice()))
            .collect();
        branches.sort();
        assert_eq!(
            branches,
            [
                ("br_if $top", &[0][..]),
                ("br_table $top $out $top", &[0, 1, 0][..]),
            ]
        );
    }
}

//! Replacing a function or adding a global without assembling the whole
//! session module again (issue 14: an input costs what its field costs).
//!
//! As for a new function ([`super::splice`]), the field is assembled in a
//! small module that declares what it may refer to with the session
//! module's indices and names, and the pieces it gives are put into the
//! session module's binary:
//! - a replaced function keeps its index: its type entry, body and local and
//!   label names take the place of the old ones; its exports must be the
//!   old ones, so the export section stays as it is;
//! - a new global is the last global (every global field comes after the
//!   imports, in typed order): its entry, exports and name are appended,
//!   in sections made where the assembler puts them if the module has none.
//!
//! Whatever the pieces cannot express exactly (a name subsection that a
//! replaced function would make appear or disappear, other exports, a
//! function reference in a global's initializer, ...) takes the whole
//! assembly, and so does any error, so that errors read exactly as before.
//! Debug builds compare every spliced binary with the whole assembly.

use super::fields::Field;
use super::splice::{
    Parts, Sources, grown, leb, name_subsections, numbers_are_not_indices, put_leb, put_section,
    renumbered_body, sections, skip_name, skip_name_map, stub_text, validates,
};
use crate::text::assemble::assemble_with_instr_spans;
use crate::vm::Module;
use std::ops::Range;

/// The session module's binary and instruction sources with the function
/// at position `position` of `fields` (the session's) replaced by `field`,
/// and which defined function that is; `None` when the field needs the
/// whole module assembled (an invalid one included).
pub(super) fn replace_func(
    module: &Module,
    sources: &[std::sync::Arc<[(usize, usize)]>],
    fields: &[Field],
    field: &Field,
    position: usize,
) -> Option<(Vec<u8>, Sources, usize)> {
    let old = fields.get(position)?;
    let plain = |f: &Field| f.keyword == "func" && !f.is_import();
    if !plain(field) || !plain(old) || field.exports != old.exports {
        return None;
    }
    if !numbers_are_not_indices(&field.text) || fields.iter().any(|f| f.keyword == "rec") {
        return None;
    }
    // Imports come first in the function index space, then the rest in order.
    let funcs = |f: &&Field| f.kind == "func";
    let imported = fields
        .iter()
        .filter(funcs)
        .filter(|f| f.is_import())
        .count();
    let before = fields[..position]
        .iter()
        .filter(funcs)
        .filter(|f| !f.is_import());
    let index = (imported + before.count()) as u32;
    let explicit = fields.iter().filter(|f| f.keyword == "type").count() as u32;
    let defined = index.checked_sub(module.imported_funcs)? as usize;
    let (stub, start, imported) = stub_text(module, field, Some(index))?;
    let (bytes, spans) = assemble_with_instr_spans(&stub).ok()?;
    let parts = Parts::of(&bytes, imported.len() as u32)?;
    if !validates(&bytes) {
        return None;
    }
    if parts.types != module.subtypes.len() as u32 || parts.exports != old.exports {
        return None;
    }
    let renumber = |i: u32| match imported.get(i as usize) {
        Some(&session) => Some(session),
        None => (i == imported.len() as u32).then_some(index),
    };
    let body = renumbered_body(&bytes, parts.body.clone(), renumber)?;
    // The types the assembler adds for inline signatures follow the explicit
    // ones in the order of their first use: the function must use those it
    // uses in the order the old one did, or other indices would move.
    let new_type = leb(&bytes, &mut parts.func_entry.start.clone())?;
    let old_body = module.bodies.get(defined)?.range();
    let old_body = module.bytes.get(old_body)?;
    let old_type = *module.func_types.get(index as usize)?;
    let (old_uses, new_uses) = (
        implicit_types(old_type, old_body, explicit)?,
        implicit_types(new_type, bytes.get(parts.body.clone())?, explicit)?,
    );
    if old_uses != new_uses {
        return None;
    }
    let mut entry = Vec::with_capacity(body.len() + 5);
    put_leb(&mut entry, body.len() as u32);
    entry.extend_from_slice(&body);
    let func_entry = bytes.get(parts.func_entry.clone())?;
    let old_bytes = &module.bytes;
    let mut out = old_bytes.get(..8)?.to_vec();
    let mut data_count = false;
    for (id, content) in sections(old_bytes)? {
        let new = match id {
            3 => with_entry(old_bytes, content, defined, func_entry, |b, at| {
                leb(b, at).map(drop)
            })?,
            10 => with_entry(old_bytes, content, defined, &entry, |b, at| {
                *at += leb(b, at)? as usize;
                (*at <= b.len()).then_some(())
            })?,
            12 => {
                data_count = true;
                old_bytes.get(content)?.to_vec()
            }
            0 if old_bytes.get(content.start..content.start + 5) == Some(b"\x04name") => {
                local_names_with(old_bytes, content, &parts, &bytes, index)?
            }
            _ => old_bytes.get(content)?.to_vec(),
        };
        put_section(&mut out, id, &new);
    }
    // The data count section is there while some function needs it: the
    // whole assembly knows whether the old body was the only one.
    let old_needed = needs_data_count(old_body);
    if data_count != parts.data_count && (parts.data_count || old_needed) {
        return None;
    }
    let mut all = sources.to_vec();
    let own = spans.last()?;
    *all.get_mut(defined)? = own.iter().map(|at| (position, at - start)).collect();
    Some((out, all, defined))
}

/// The session module's binary with the global `field` appended; `None`
/// when it needs the whole module assembled (an invalid one included).
pub(super) fn append_global(module: &Module, field: &Field) -> Option<Vec<u8>> {
    if field.keyword != "global" || field.is_import() || !numbers_are_not_indices(&field.text) {
        return None;
    }
    let (stub, _, imported) = stub_text(module, field, None)?;
    // A function reference would need its index renumbered.
    if !imported.is_empty() {
        return None;
    }
    let bytes = crate::text::assemble::assemble_module(&stub).ok()?;
    if !validates(&bytes) {
        return None;
    }
    let own = module.global_types.len() as u32;
    let parts = GlobalParts::of(&bytes, own)?;
    if parts.types != module.subtypes.len() as u32 {
        return None;
    }
    let old = &module.bytes;
    let mut exports = Vec::new();
    for name in &parts.exports {
        put_leb(&mut exports, name.len() as u32);
        exports.extend_from_slice(name.as_bytes());
        exports.push(3);
        put_leb(&mut exports, own);
    }
    let mut list = Vec::new();
    let mut seen = [false; 3];
    for (id, content) in sections(old)? {
        let new = match id {
            6 => {
                seen[0] = true;
                grown(old, content, 1, bytes.get(parts.entry.clone())?)?
            }
            7 => {
                seen[1] = true;
                grown(old, content, parts.exports.len() as u32, &exports)?
            }
            0 if old.get(content.start..content.start + 5) == Some(b"\x04name") => {
                seen[2] = true;
                global_names_with(old, content, &parts, &bytes, own)?
            }
            // Another custom section: where it goes is the text's choice.
            0 => return None,
            _ => old.get(content)?.to_vec(),
        };
        list.push((id, new));
    }
    // The sections the module gets with its first global, first export or
    // first name, where the whole assembly puts them.
    let mut first = |id: u8, entries: &[u8], count: usize| {
        let mut content = Vec::with_capacity(entries.len() + 1);
        put_leb(&mut content, count as u32);
        content.extend_from_slice(entries);
        let at = (list.iter()).position(|(other, _)| rank(*other) > rank(id));
        list.insert(at.unwrap_or(list.len()), (id, content));
    };
    if !seen[0] {
        first(6, bytes.get(parts.entry.clone())?, 1);
    }
    if !seen[1] && !parts.exports.is_empty() {
        first(7, &exports, parts.exports.len());
    }
    if let (false, Some(name)) = (seen[2], &parts.name) {
        let mut entry = Vec::new();
        put_leb(&mut entry, 1);
        put_leb(&mut entry, own);
        entry.extend_from_slice(bytes.get(name.clone())?);
        let mut content = b"\x04name".to_vec();
        put_section(&mut content, 7, &entry);
        list.push((0, content));
    }
    let mut out = old.get(..8)?.to_vec();
    for (id, content) in list {
        put_section(&mut out, id, &content);
    }
    Some(out)
}

/// Where section `id` goes among the others: custom sections (the name
/// section) last, as the assembler writes them.
fn rank(id: u8) -> usize {
    const ORDER: [u8; 13] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
    (ORDER.iter()).position(|o| *o == id).unwrap_or(ORDER.len())
}

/// A vector section's content `content` of `old` with its entry `k` (each
/// entry passed over by `skip`) replaced by `entry`.
fn with_entry(
    old: &[u8],
    content: Range<usize>,
    k: usize,
    entry: &[u8],
    skip: impl Fn(&[u8], &mut usize) -> Option<()>,
) -> Option<Vec<u8>> {
    let mut at = content.start;
    let count = leb(old, &mut at)? as usize;
    if k >= count {
        return None;
    }
    let first = at;
    for _ in 0..k {
        skip(old, &mut at)?;
    }
    let from = at;
    skip(old, &mut at)?;
    let mut out = Vec::with_capacity(content.len() + entry.len());
    out.extend_from_slice(old.get(content.start..first)?);
    out.extend_from_slice(old.get(first..from)?);
    out.extend_from_slice(entry);
    out.extend_from_slice(old.get(at..content.end)?);
    Some(out)
}

/// The name section `content` of `old` with function `index`'s local and
/// label names (subsections 2 and 3) those of the stub's function (`parts`
/// of `stub`): replaced, added or removed. `None` when a subsection would
/// appear or disappear.
fn local_names_with(
    old: &[u8],
    content: Range<usize>,
    parts: &Parts,
    stub: &[u8],
    index: u32,
) -> Option<Vec<u8>> {
    let mut out = b"\x04name".to_vec();
    let mut present = [false; 2];
    for (sub, range) in name_subsections(old, content)? {
        let new = match sub {
            2 | 3 => {
                let slot = usize::from(sub) - 2;
                present[slot] = true;
                let entry = match &parts.names[slot + 1] {
                    Some(range) => Some(stub.get(range.clone())?),
                    None => None,
                };
                indirect_map_with(old, range, index, entry)?
            }
            _ => old.get(range)?.to_vec(),
        };
        put_section(&mut out, sub, &new);
    }
    let missing = (0..2).any(|i| parts.names[i + 1].is_some() && !present[i]);
    (!missing).then_some(out)
}

/// An indirect name map (`content` of `old`: count, then function index
/// and name map, by index) with the entry of function `index` set to
/// `entry` (its name map) or removed; `None` when the map would be empty.
fn indirect_map_with(
    old: &[u8],
    content: Range<usize>,
    index: u32,
    entry: Option<&[u8]>,
) -> Option<Vec<u8>> {
    let mut at = content.start;
    let count = leb(old, &mut at)?;
    let first = at;
    // Where function `index`'s entry is or would go, and where it ends.
    let (mut from, mut to, mut had) = (content.end, content.end, false);
    for _ in 0..count {
        let start = at;
        let i = leb(old, &mut at)?;
        skip_name_map(old, &mut at)?;
        if i >= index {
            (from, to, had) = (start, if i == index { at } else { start }, i == index);
            break;
        }
    }
    let count = count - u32::from(had) + u32::from(entry.is_some());
    if count == 0 {
        return None;
    }
    let mut out = Vec::with_capacity(content.len() + entry.map_or(0, <[u8]>::len) + 5);
    put_leb(&mut out, count);
    out.extend_from_slice(old.get(first..from)?);
    if let Some(entry) = entry {
        put_leb(&mut out, index);
        out.extend_from_slice(entry);
    }
    out.extend_from_slice(old.get(to..content.end)?);
    Some(out)
}

/// Whether a function body needs the data count section (as the assembler
/// decides: `memory.init`, `data.drop`, `array.new_data`, `array.init_data`).
fn needs_data_count(body: &[u8]) -> bool {
    use wasmparser::Operator as O;
    let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(body, 0));
    let Ok(mut reader) = body.get_operators_reader() else {
        return true;
    };
    while !reader.eof() {
        match reader.read() {
            Ok(O::MemoryInit { .. } | O::DataDrop { .. })
            | Ok(O::ArrayNewData { .. } | O::ArrayInitData { .. })
            | Err(_) => return true,
            Ok(_) => {}
        }
    }
    false
}

/// The types at least `explicit` (those the assembler adds for inline
/// signatures) that a function of type `sig` with `body` uses, each once, in
/// the order of their first use.
fn implicit_types(sig: u32, body: &[u8], explicit: u32) -> Option<Vec<u32>> {
    use wasmparser::{BlockType, Operator as O};
    let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(body, 0));
    let mut reader = body.get_operators_reader().ok()?;
    let mut uses = vec![sig];
    while !reader.eof() {
        let block = match reader.read().ok()? {
            O::Block { blockty } | O::Loop { blockty } | O::If { blockty } | O::Try { blockty } => {
                blockty
            }
            O::TryTable { try_table } => try_table.ty,
            O::CallIndirect { type_index, .. } | O::ReturnCallIndirect { type_index, .. } => {
                BlockType::FuncType(type_index)
            }
            _ => continue,
        };
        if let BlockType::FuncType(index) = block {
            uses.push(index);
        }
    }
    let mut first = Vec::new();
    for index in uses {
        if index >= explicit && !first.contains(&index) {
            first.push(index);
        }
    }
    Some(first)
}

/// What [`append_global`] takes from the small module's binary.
struct GlobalParts {
    /// How many types it has.
    types: u32,
    /// The new global's entry of the global section.
    entry: Range<usize>,
    /// The names the new global is exported as.
    exports: Vec<String>,
    /// The new global's entry in name subsection 7, without its index.
    name: Option<Range<usize>>,
}

impl GlobalParts {
    /// The parts of the small module `bytes` whose defined global has index `own`.
    fn of(bytes: &[u8], own: u32) -> Option<GlobalParts> {
        let mut parts = GlobalParts {
            types: 0,
            entry: 0..0,
            exports: Vec::new(),
            name: None,
        };
        for (id, range) in sections(bytes)? {
            let mut at = range.start;
            match id {
                1 => parts.types = leb(bytes, &mut at)?,
                6 => {
                    (leb(bytes, &mut at)? == 1).then_some(())?;
                    parts.entry = at..range.end;
                }
                7 => {
                    for _ in 0..leb(bytes, &mut at)? {
                        let len = leb(bytes, &mut at)? as usize;
                        let name = std::str::from_utf8(bytes.get(at..at + len)?).ok()?;
                        at += len;
                        let kind = *bytes.get(at)?;
                        at += 1;
                        match (kind, leb(bytes, &mut at)?) {
                            (3, i) if i == own => parts.exports.push(name.to_string()),
                            (3, _) => {}
                            // Only the global's own exports are expected.
                            _ => return None,
                        }
                    }
                }
                0 if bytes.get(range.start..range.start + 5) == Some(b"\x04name") => {
                    for (sub, content) in name_subsections(bytes, range)? {
                        if sub != 7 {
                            continue;
                        }
                        let mut at = content.start;
                        for _ in 0..leb(bytes, &mut at)? {
                            let index = leb(bytes, &mut at)?;
                            let entry = at;
                            skip_name(bytes, &mut at)?;
                            if index == own {
                                parts.name = Some(entry..at);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        (!parts.entry.is_empty()).then_some(parts)
    }
}

/// The name section `content` of `old` with the new global's name (from
/// `stub`) appended to subsection 7 as global `index` (made if need be).
fn global_names_with(
    old: &[u8],
    content: Range<usize>,
    parts: &GlobalParts,
    stub: &[u8],
    index: u32,
) -> Option<Vec<u8>> {
    let mut out = b"\x04name".to_vec();
    let Some(name) = &parts.name else {
        return old.get(content).map(<[u8]>::to_vec);
    };
    let mut extra = Vec::new();
    put_leb(&mut extra, index);
    extra.extend_from_slice(stub.get(name.clone())?);
    let mut added = false;
    for (sub, range) in name_subsections(old, content)? {
        // Subsections come in the order of their ids.
        if sub > 7 && !added {
            let mut first = Vec::new();
            put_leb(&mut first, 1);
            first.extend_from_slice(&extra);
            put_section(&mut out, 7, &first);
            added = true;
        }
        let new = match sub {
            7 => {
                added = true;
                grown(old, range, 1, &extra)?
            }
            _ => old.get(range)?.to_vec(),
        };
        put_section(&mut out, sub, &new);
    }
    if !added {
        let mut first = Vec::new();
        put_leb(&mut first, 1);
        first.extend_from_slice(&extra);
        put_section(&mut out, 7, &first);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{append_global, replace_func};
    use crate::session::fields::{Field, Index};
    use crate::session::module::module_text;
    use crate::session::{Reply, Session};
    use crate::text::assemble::assemble_with_instr_spans;

    fn eval(session: &mut Session, text: &str) -> Vec<Reply> {
        session
            .eval(text)
            .unwrap_or_else(|e| panic!("{text}: {}", e.message))
    }

    fn session() -> Session {
        let mut session = Session::new();
        for field in [
            "(type $pair (func (param i32 i32) (result i32)))",
            "(type $one (func (param i32) (result i32)))",
            "(memory $m 1)",
            "(global $g (mut i32) (i32.const 5))",
            "(global $k i32 (i32.const 9))",
            "(table 2 funcref)",
            "(func $a (export \"a\") (param $x i32) (result i32) local.get $x global.get $g i32.add)",
            "(func (export \"anon\") (result i32) i32.const 1)",
            "(data $d \"hi\")",
            "(func $labelled (block $x))",
            "(func $b (param $y i32) (result i32) (call $a (local.get $y)))",
        ] {
            eval(&mut session, field);
        }
        session
    }

    /// The spliced and the whole module when `text` replaces the function
    /// it redefines; `None` when it cannot be spliced.
    fn replaced(session: &Session, text: &str) -> Option<(Vec<u8>, Vec<u8>)> {
        let (module, _) = session.session_instance()?;
        let field = Field::new(text, None);
        let old = &session.fields;
        let eligible = vec![true; old.len()];
        let at = Index::new(old, std::slice::from_ref(&field)).replaces(&field, old, &eligible)?;
        let (spliced, _, _) = replace_func(module, &session.sources, old, &field, at)?;
        let mut fields = old.to_vec();
        fields[at] = field;
        let (whole, _) = assemble_with_instr_spans(&module_text(&fields).0).ok()?;
        Some((spliced, whole))
    }

    /// The spliced and the whole module when the global `text` is added.
    fn added(session: &Session, text: &str) -> Option<(Vec<u8>, Vec<u8>)> {
        let (module, _) = session.session_instance()?;
        let field = Field::new(text, None);
        let spliced = append_global(module, &field)?;
        let fields: Vec<Field> = (session.fields.iter().cloned()).chain([field]).collect();
        let (whole, _) = assemble_with_instr_spans(&module_text(&fields).0).ok()?;
        Some((spliced, whole))
    }

    #[test]
    fn replaced_functions_assemble_as_the_whole_module_does() {
        let session = session();
        for text in [
            "(func $a (export \"a\") (param $x i32) (result i32) local.get $x i32.const 2 i32.mul)",
            // Its local named otherwise, and labels of its own.
            "(func $a (export \"a\") (param $z i32) (result i32) (block $l (result i32) local.get $z))",
            // Its local names removed ($b keeps the subsection alive).
            "(func $a (export \"a\") (param i32) (result i32) local.get 0)",
            // Another signature, both types declared.
            "(func $a (export \"a\") (type $pair) local.get 0 local.get 1 i32.sub)",
            // Recursion, and calls to functions before and after it.
            "(func $a (export \"a\") (param $x i32) (result i32) (if (result i32) (local.get $x) (then (call $a (i32.const 0))) (else (call $b (i32.const 1)))))",
            "(func (export \"anon\") (result i32) call $labelled i32.const 2)",
            "(func $labelled (block $x) (block $y (br $y)))",
            "(func $b (param $y i32) (result i32) (return_call $a (local.get $y)))",
        ] {
            let (spliced, whole) = replaced(&session, text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(spliced, whole, "{text}");
        }
    }

    #[test]
    fn replaced_functions_after_imports_and_multi_value_blocks() {
        let mut session = Session::new();
        for field in [
            "(func $two (result i32 i32) i32.const 1 i32.const 2)",
            "(import \"spectest\" \"print_i32\" (func $print (param i32)))",
            "(func $p (param $v i32) (call $print (local.get $v)))",
            "(func $blk (result i32) (block (result i32 i32) (call $two)) i32.add)",
            "(table 1 funcref)",
            "(func $ind (param i32) (call_indirect (param i32) (local.get 0) (i32.const 0)))",
        ] {
            eval(&mut session, field);
        }
        for text in [
            "(func $two (result i32 i32) i32.const 3 i32.const 4)",
            "(func $p (param $v i32) (call $print (i32.add (local.get $v) (i32.const 1))))",
            "(func $blk (result i32) (block (result i32 i32) (call $two)) i32.sub)",
            "(func $ind (param i32) (call_indirect (param i32) (local.get 0) (i32.const 0)) (call $p (local.get 0)))",
        ] {
            let (spliced, whole) = replaced(&session, text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(spliced, whole, "{text}");
        }
    }

    #[test]
    fn what_a_replacement_cannot_splice_takes_the_whole_assembly() {
        let session = session();
        for text in [
            // Other exports: the export section would change.
            "(func $a (export \"a\") (export \"a2\") (param i32) (result i32) local.get 0)",
            "(func $a (param i32) (result i32) local.get 0)",
            // A signature the module has no type for.
            "(func $a (export \"a\") (param f64) (result i32) i32.const 0)",
            // The type the assembler added for its signature would come
            // after the one it adds for $labelled's.
            "(func (export \"anon\") (param i32) (result i32) local.get 0)",
            // An index written as a number.
            "(func $labelled call 0 drop)",
            // The only labels go: the whole assembly drops the subsection.
            "(func $labelled)",
            // The first `memory.init`: the module gets a data count section.
            "(func $b (param i32) (result i32) (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) local.get 0)",
        ] {
            assert_eq!(replaced(&session, text), None, "{text}");
        }
        let mut session = session;
        eval(
            &mut session,
            "(func $b (param i32) (result i32) (data.drop $d) local.get 0)",
        );
        // The only user of the data count section is replaced.
        let text = "(func $b (param i32) (result i32) local.get 0)";
        assert_eq!(replaced(&session, text), None);
        // Another function: the section stays.
        let text = "(func $labelled (block $x (br $x)))";
        let (spliced, whole) = replaced(&session, text).expect("spliced");
        assert_eq!(spliced, whole);
    }

    #[test]
    fn added_globals_assemble_as_the_whole_module_does() {
        let session = session();
        for text in [
            "(global $h i32 (i32.const 1))",
            "(global $h (export \"h\") (export \"h2\") (mut i64) (i64.const -2))",
            "(global f32 (f32.const 1.5))",
            "(global $h i32 (global.get $k))",
        ] {
            let (spliced, whole) = added(&session, text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(spliced, whole, "{text}");
        }
        for text in [
            "(global $h funcref (ref.func $a))",
            "(global $h i32 (global.get 0))",
            // Lanes are numbers after a word the check does not know.
            "(global $h v128 (v128.const i32x4 1 2 3 4))",
            "(global $h (import \"spectest\" \"global_i32\") i32)",
        ] {
            assert_eq!(added(&session, text), None, "{text}");
        }
        // The first global, export or name: sections the module lacks.
        for (first, text) in [
            ("(func $f)", "(global $h i32 (i32.const 1))"),
            ("(func $f)", "(global $h (export \"h\") i32 (i32.const 1))"),
            ("(func)", "(global $h i32 (i32.const 1))"),
            (
                "(memory $m 1) (func (export \"f\"))",
                "(global i64 (i64.const 1))",
            ),
            (
                "(data $d \"x\") (func $f (data.drop $d))",
                "(global $h f32 (f32.const 1))",
            ),
            (
                "(table $t 1 funcref) (elem (i32.const 0) $f) (func $f)",
                "(global $h i32 (i32.const 1))",
            ),
        ] {
            let mut fresh = Session::new();
            eval(&mut fresh, first);
            let (spliced, whole) = added(&fresh, text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(spliced, whole, "{first} {text}");
        }
    }

    #[test]
    fn an_invalid_field_is_reported_as_the_whole_assembly_reports_it() {
        for text in [
            "(func $bad (result i32) i64.const 1)",
            "(func $a (export \"a\") (param $x i32) (result i32) local.get $x i64.extend_i32_u)",
            "(global $h i32 (i64.const 1))",
        ] {
            let mut spliced = session();
            let texts = |s: &Session| s.field_texts().join("\n");
            let before = texts(&spliced);
            let error = spliced.eval(text).expect_err(text);
            // Where nothing can be spliced onto: the whole assembly.
            let whole = Session::new().eval(text).expect_err(text);
            assert_eq!(error.message, whole.message, "{text}");
            assert!(error.message.contains("type mismatch"), "{}", error.message);
            let spot =
                |e: &crate::session::SessionError| e.spot.as_ref().map(|s| (s.offset, s.len));
            assert_eq!(spot(&error), spot(&whole), "{text}");
            assert!(
                spot(&error).is_some() || text.starts_with("(global"),
                "{text}"
            );
            assert_eq!(texts(&spliced), before, "{text}: nothing changed");
        }
    }

    /// One input as the workbench runs it, recorded for `:undo`.
    fn input(session: &mut Session, text: &str) -> Vec<Reply> {
        session.begin_input(text);
        let replies = eval(session, text);
        session.end_input();
        replies
    }

    /// What calling `text` gives: the value it leaves (taken off the
    /// stack again), or its error and notes.
    fn outcome(session: &mut Session, text: &str) -> String {
        match session.eval(text) {
            Ok(replies) => match replies.last() {
                Some(Reply::Stack { values, .. }) if !values.is_empty() => {
                    let top = format!("{:?}", values.last());
                    eval(session, "drop");
                    top
                }
                _ => "nothing".into(),
            },
            Err(e) => format!("{} {:?}", e.message, e.notes),
        }
    }

    #[test]
    fn spliced_inputs_behave_as_the_whole_assembly() {
        let mut spliced = session();
        input(&mut spliced, "(elem (i32.const 0) $a $b)");
        input(&mut spliced, "(i32.store (i32.const 8) (i32.const 77))");
        input(&mut spliced, "(global.set $g (i32.const 40))");
        let before = outcome(&mut spliced, "(call $b (i32.const 2))");
        assert_eq!(before, "Some(I32(42))");
        for text in [
            "(func $a (export \"a\") (param $x i32) (result i32) (i32.div_u (global.get $g) (local.get $x)))",
            "(global $h (export \"h\") (mut i32) (i32.const 3))",
            "(func $labelled (block $x (br $x)) unreachable)",
        ] {
            let replies = input(&mut spliced, text);
            assert!(
                matches!(&replies[..], [Reply::Note(_)]),
                "{text}: {replies:?}"
            );
        }
        // The same fields in one input: assembled whole.
        let mut whole = Session::new();
        eval(&mut whole, &spliced.field_texts().join("\n"));
        let bytes = |s: &Session| s.session_instance().map(|(m, _)| m.bytes.clone());
        assert_eq!(bytes(&spliced), bytes(&whole));
        assert_eq!(spliced.sources, whole.sources);
        // Its memory and globals carried over, the table following $a.
        assert_eq!(spliced.memory0_bytes(8, 1), vec![77]);
        let calls = [
            "(call $b (i32.const 2))",
            "(call_indirect (type $one) (i32.const 4) (i32.const 0))",
            "(call $a (i32.const 0))",
            "call $labelled",
            "global.get $h",
        ];
        eval(&mut whole, "(global.set $g (i32.const 40))");
        for call in calls {
            assert_eq!(
                outcome(&mut spliced, call),
                outcome(&mut whole, call),
                "{call}"
            );
        }
        assert_eq!(outcome(&mut spliced, calls[0]), "Some(I32(20))");
        assert!(outcome(&mut spliced, calls[2]).contains("integer divide by zero"));
        // `:undo` brings back the earlier $labelled, $h and $a.
        spliced
            .undo(3)
            .map_err(|e| e.message)
            .expect("three inputs");
        assert_eq!(outcome(&mut spliced, calls[0]), before);
        let gone = outcome(&mut spliced, "global.get $h");
        assert!(gone.starts_with("no global named $h"), "{gone}");
        assert_eq!(outcome(&mut spliced, "call $labelled"), "nothing");
    }
}

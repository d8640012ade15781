//! Defining one more function without assembling the whole session module
//! again (issue 14: a definition costs what the new field costs).
//!
//! The new field is assembled in a small module that declares what it may
//! refer to with the session module's own indices and names: every type (so
//! an inline signature finds the index the whole module would give it),
//! the functions it names (imported, then renumbered), every global,
//! memory, table, tag and data segment. Its body, signature, exports and
//! names are then appended to the session module's binary, which is
//! otherwise copied as it is: the same bytes assembling the whole text
//! gives (debug builds check this on every definition).
//!
//! Anything else (a replaced field, a new type, an index written as a
//! number, GC types, ...) takes the whole assembly; so does any error, so
//! that errors read exactly as before.

use super::fields::Field;
use crate::text::assemble::assemble_with_instr_spans;
use crate::text::lex::{TokenKind, tokens};
pub(super) use crate::vm::sections::{leb, put_leb, put_section, sections};
use crate::vm::types::CompositeType;
use crate::vm::{Module, ValType};
use std::fmt::Write as _;
use std::sync::Arc;

/// Where each instruction of each defined function was written: (field
/// position, byte offset in the field's text). Each function's list is
/// shared, so an input and the states `:undo` keeps share the lists of the
/// functions it did not change (issue 14).
pub(super) type Sources = Vec<Arc<[(usize, usize)]>>;

/// Words after which a number is not an index of the module.
const NUMBER_AFTER: [&str; 10] = [
    "i32.const",
    "i64.const",
    "f32.const",
    "f64.const",
    "br",
    "br_if",
    "br_table",
    "local.get",
    "local.set",
    "local.tee",
];

/// The session module's binary and instruction sources with `field` (a
/// function, the field at position `position`) appended, from `module` (the
/// session module) and its `sources`; `None` when the field needs the whole
/// module assembled (see the module documentation), an invalid field included.
pub(super) fn append_func(
    module: &Module,
    sources: &[Arc<[(usize, usize)]>],
    field: &Field,
    position: usize,
) -> Option<(Vec<u8>, Sources)> {
    if field.keyword != "func" || field.is_import() || !numbers_are_not_indices(&field.text) {
        return None;
    }
    let (stub, start, imported) = stub_text(module, field, None)?;
    let (bytes, spans) = assemble_with_instr_spans(&stub).ok()?;
    let parts = Parts::of(&bytes, imported.len() as u32)?;
    if parts.types != module.subtypes.len() as u32 || !validates(&bytes) {
        return None;
    }
    let index = module.func_types.len() as u32;
    let renumber = |i: u32| match imported.get(i as usize) {
        Some(&session) => Some(session),
        None => (i == imported.len() as u32).then_some(index),
    };
    let body = renumbered_body(&bytes, parts.body.clone(), renumber)?;
    let spliced = splice(&module.bytes, &parts, &bytes, &body, index)?;
    let mut all = sources.to_vec();
    let own = spans.last()?;
    all.push(own.iter().map(|at| (position, at - start)).collect());
    Some((spliced, all))
}

/// Whether every number in `text` is a constant, a label depth or a local
/// index (anything else may be an index the small module numbers otherwise).
pub(super) fn numbers_are_not_indices(text: &str) -> bool {
    let mut previous: Option<&str> = None;
    let mut in_table = false;
    for token in tokens(text) {
        let word = &text[token.range.clone()];
        match token.kind {
            TokenKind::Space | TokenKind::Comment => continue,
            TokenKind::Number => {
                let after_word = previous.is_some_and(|p| NUMBER_AFTER.contains(&p));
                if !after_word && !in_table {
                    return false;
                }
                in_table = in_table || previous == Some("br_table");
                previous = None;
                continue;
            }
            _ => {}
        }
        in_table = false;
        previous = Some(word);
    }
    true
}

/// Whether the small module `stub` validates on its own, as the session
/// module is validated: then its field is valid in the session module too
/// (it declares everything the field may refer to, with the same types),
/// and only the field's code needs building ([`Module::spliced`]).
pub(super) fn validates(stub: &[u8]) -> bool {
    let features = crate::vm::module::features_with_threads();
    let mut validator = wasmparser::Validator::new_with_features(features);
    validator.validate_all(stub).is_ok()
}

/// `$name` for a name the text format writes plainly; `None` for others.
fn plain_id(name: &str) -> Option<String> {
    const SYMBOLS: &str = "!#$%&'*+-./:<=>?@\\^_`|~";
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SYMBOLS.contains(c));
    plain.then(|| format!("${name}"))
}

/// The id to declare index `i` with: its name, or nothing.
fn id_of(names: &std::collections::BTreeMap<u32, impl AsRef<str>>, i: usize) -> Option<String> {
    match names.get(&(i as u32)) {
        Some(name) => plain_id(name.as_ref()),
        None => Some(String::new()),
    }
}

/// A numeric or vector type's name; `None` for references.
fn plain_type(ty: ValType) -> Option<String> {
    (!ty.is_ref()).then(|| ty.to_string())
}

/// The small module for `field`, where the field's text starts in it, and
/// the session indices of the functions it imports (in its own order): not
/// function `own`, the one the field replaces (it defines that name).
pub(super) fn stub_text(
    module: &Module,
    field: &Field,
    own: Option<u32>,
) -> Option<(String, usize, Vec<u32>)> {
    let names = &module.names;
    let mut text = String::from("(module\n");
    if module.rec_groups.iter().any(|(_, n)| *n != 1) {
        return None;
    }
    for (i, sub) in module.subtypes.iter().enumerate() {
        let CompositeType::Func(f) = &sub.composite else {
            return None;
        };
        if !sub.is_final || sub.supertype.is_some() {
            return None;
        }
        let mut signature = String::new();
        for p in &f.params {
            let _ = write!(signature, " (param {})", plain_type(*p)?);
        }
        for r in &f.results {
            let _ = write!(signature, " (result {})", plain_type(*r)?);
        }
        let _ = writeln!(text, "(type {} (func{signature}))", id_of(&names.types, i)?);
    }
    // The session functions the field names (its own name is new, or `own`'s).
    let named: Vec<&str> = tokens(&field.text)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Name)
        .map(|t| &field.text[t.range])
        .collect();
    let imported: Vec<u32> = names
        .funcs
        .iter()
        .filter(|(i, n)| {
            Some(**i) != own && named.iter().any(|w| w.strip_prefix('$') == Some(&**n))
        })
        .map(|(i, _)| *i)
        .collect();
    for &i in &imported {
        let ty = module.func_types.get(i as usize)?;
        let id = id_of(&names.funcs, i as usize)?;
        let _ = writeln!(text, "(import \"\" \"\" (func {id} (type {ty})))");
    }
    for (i, ty) in module.global_types.iter().enumerate() {
        let ty = match ty.mutable {
            true => format!("(mut {})", plain_type(ty.ty)?),
            false => plain_type(ty.ty)?,
        };
        let id = id_of(&names.globals, i)?;
        let _ = writeln!(text, "(import \"\" \"\" (global {id} {ty}))");
    }
    for (i, memory) in module.memories.iter().enumerate() {
        let wide = if memory.memory64 { "i64 " } else { "" };
        let id = id_of(&names.memories, i)?;
        let _ = writeln!(text, "(import \"\" \"\" (memory {id} {wide}0))");
    }
    for (i, table) in module.tables.iter().enumerate() {
        let elem = match table.elem {
            ValType::FuncRef | ValType::ExternRef => table.elem.to_string(),
            _ => return None,
        };
        let wide = if table.table64 { "i64 " } else { "" };
        let id = id_of(&names.tables, i)?;
        let _ = writeln!(text, "(import \"\" \"\" (table {id} {wide}0 {elem}))");
    }
    for (i, ty) in module.tag_types.iter().enumerate() {
        let id = id_of(&names.tags, i)?;
        let _ = writeln!(text, "(import \"\" \"\" (tag {id} (type {ty})))");
    }
    for i in 0..module.datas.len() {
        let _ = writeln!(text, "(data {} \"\")", id_of(&names.datas, i)?);
    }
    let elems = [
        "table.init",
        "elem.drop",
        "array.new_elem",
        "array.init_elem",
    ];
    if !module.elems.is_empty() && elems.iter().any(|w| field.text.contains(w)) {
        return None;
    }
    let start = text.len();
    text.push_str(&field.text);
    text.push_str("\n)");
    Some((text, start, imported))
}

/// What [`append_func`] takes from the small module's binary.
pub(super) struct Parts {
    /// How many types it has.
    pub(super) types: u32,
    /// The new function's entry of the function section (its type index).
    pub(super) func_entry: std::ops::Range<usize>,
    /// The new function's body (without its size).
    pub(super) body: std::ops::Range<usize>,
    /// The names the new function is exported as.
    pub(super) exports: Vec<String>,
    /// The new function's entries in name subsections 1 (its name), 2 (its
    /// locals) and 3 (its labels), each without the function index.
    pub(super) names: [Option<std::ops::Range<usize>>; 3],
    /// Whether it has a data count section (`memory.init`, `data.drop`).
    pub(super) data_count: bool,
}

/// A name (length and bytes) at `*at`, moving past it.
pub(super) fn skip_name(bytes: &[u8], at: &mut usize) -> Option<()> {
    let len = leb(bytes, at)? as usize;
    *at += len;
    (*at <= bytes.len()).then_some(())
}

/// A name map (count, then index and name pairs) at `*at`, moving past it.
pub(super) fn skip_name_map(bytes: &[u8], at: &mut usize) -> Option<()> {
    for _ in 0..leb(bytes, at)? {
        leb(bytes, at)?;
        skip_name(bytes, at)?;
    }
    Some(())
}

/// The subsections of a name section's content: (id, content range).
pub(super) fn name_subsections(
    bytes: &[u8],
    content: std::ops::Range<usize>,
) -> Option<Vec<(u8, std::ops::Range<usize>)>> {
    let mut at = content.start;
    skip_name(bytes, &mut at)?;
    let mut list = Vec::new();
    while at < content.end {
        let id = *bytes.get(at)?;
        at += 1;
        let size = leb(bytes, &mut at)? as usize;
        list.push((id, at..at + size));
        at += size;
    }
    (at == content.end).then_some(list)
}

impl Parts {
    /// The parts of the small module `bytes` whose defined function has index `own`.
    pub(super) fn of(bytes: &[u8], own: u32) -> Option<Parts> {
        let mut parts = Parts {
            types: 0,
            func_entry: 0..0,
            body: 0..0,
            exports: Vec::new(),
            names: [None, None, None],
            data_count: false,
        };
        for (id, range) in sections(bytes)? {
            let mut at = range.start;
            match id {
                1 => parts.types = leb(bytes, &mut at)?,
                12 => parts.data_count = true,
                3 => {
                    (leb(bytes, &mut at)? == 1).then_some(())?;
                    parts.func_entry = at..range.end;
                }
                7 => {
                    for _ in 0..leb(bytes, &mut at)? {
                        let len = leb(bytes, &mut at)? as usize;
                        let name = std::str::from_utf8(bytes.get(at..at + len)?).ok()?;
                        at += len;
                        let kind = *bytes.get(at)?;
                        at += 1;
                        if (kind, leb(bytes, &mut at)?) == (0, own) {
                            parts.exports.push(name.to_string());
                        }
                    }
                }
                10 => {
                    (leb(bytes, &mut at)? == 1).then_some(())?;
                    let size = leb(bytes, &mut at)? as usize;
                    parts.body = at..at + size;
                }
                0 if bytes.get(range.start..range.start + 5) == Some(b"\x04name") => {
                    for (sub, content) in name_subsections(bytes, range)? {
                        let Some(slot) = parts.names.get_mut(usize::from(sub).wrapping_sub(1))
                        else {
                            continue;
                        };
                        let mut at = content.start;
                        for _ in 0..leb(bytes, &mut at)? {
                            let index = leb(bytes, &mut at)?;
                            let entry = at;
                            match sub {
                                1 => skip_name(bytes, &mut at)?,
                                _ => skip_name_map(bytes, &mut at)?,
                            }
                            if index == own {
                                *slot = Some(entry..at);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        (!parts.body.is_empty() && !parts.func_entry.is_empty()).then_some(parts)
    }
}

/// The body at `range` of `bytes` with the function indices of `call`,
/// `return_call` and `ref.func` renumbered by `renumber`.
pub(super) fn renumbered_body(
    bytes: &[u8],
    range: std::ops::Range<usize>,
    renumber: impl Fn(u32) -> Option<u32>,
) -> Option<Vec<u8>> {
    use wasmparser::Operator as O;
    let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(
        bytes.get(range.clone())?,
        range.start as u64,
    ));
    let mut reader = body.get_operators_reader().ok()?;
    let mut out = Vec::with_capacity(range.len());
    let mut copied = range.start;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().ok()?;
        let index = match op {
            O::Call { function_index }
            | O::ReturnCall { function_index }
            | O::RefFunc { function_index } => function_index,
            _ => continue,
        };
        // The opcode is one byte; the index follows up to the next operator.
        out.extend_from_slice(bytes.get(copied..offset as usize + 1)?);
        put_leb(&mut out, renumber(index)?);
        copied = reader.original_position() as usize;
    }
    out.extend_from_slice(bytes.get(copied..range.end)?);
    Some(out)
}

/// A section's content `content` of `old` with `count` entries more and
/// `extra` appended to its entries.
pub(super) fn grown(
    old: &[u8],
    content: std::ops::Range<usize>,
    count: u32,
    extra: &[u8],
) -> Option<Vec<u8>> {
    let mut at = content.start;
    let before = leb(old, &mut at)?;
    let mut out = Vec::with_capacity(content.len() + extra.len() + 5);
    put_leb(&mut out, before.checked_add(count)?);
    out.extend_from_slice(old.get(at..content.end)?);
    out.extend_from_slice(extra);
    Some(out)
}

/// The session module `old` with the new function (its parts in `stub`,
/// its renumbered `body`) appended as function `index`.
fn splice(old: &[u8], parts: &Parts, stub: &[u8], body: &[u8], index: u32) -> Option<Vec<u8>> {
    let mut out = old.get(..8)?.to_vec();
    let mut seen = [false; 5];
    for (id, content) in sections(old)? {
        let new = match id {
            3 => {
                seen[0] = true;
                grown(old, content, 1, stub.get(parts.func_entry.clone())?)?
            }
            7 => {
                seen[1] = true;
                let mut extra = Vec::new();
                for name in &parts.exports {
                    put_leb(&mut extra, name.len() as u32);
                    extra.extend_from_slice(name.as_bytes());
                    extra.push(0);
                    put_leb(&mut extra, index);
                }
                grown(old, content, parts.exports.len() as u32, &extra)?
            }
            10 => {
                seen[2] = true;
                let mut extra = Vec::with_capacity(body.len() + 5);
                put_leb(&mut extra, body.len() as u32);
                extra.extend_from_slice(body);
                grown(old, content, 1, &extra)?
            }
            0 if old.get(content.start..content.start + 5) == Some(b"\x04name") => {
                seen[3] = true;
                names_with(old, content, parts, stub, index)?
            }
            12 => {
                seen[4] = true;
                old.get(content.clone())?.to_vec()
            }
            _ => old.get(content.clone())?.to_vec(),
        };
        put_section(&mut out, id, &new);
    }
    // A section the function needs and the module lacks: the whole assembly
    // knows where it goes.
    let needs_names = parts.names.iter().any(Option::is_some);
    let [funcs, exports, code, names, data_count] = seen;
    let exports = exports || parts.exports.is_empty();
    let names = names || !needs_names;
    let data_count = data_count || !parts.data_count;
    (funcs && code && exports && names && data_count).then_some(out)
}

/// The name section `content` of `old` with the new function's entries
/// (from `stub`) appended to subsections 1 to 3 as function `index`.
fn names_with(
    old: &[u8],
    content: std::ops::Range<usize>,
    parts: &Parts,
    stub: &[u8],
    index: u32,
) -> Option<Vec<u8>> {
    let mut out = b"\x04name".to_vec();
    let mut added = [false; 3];
    for (sub, range) in name_subsections(old, content)? {
        let entry = usize::from(sub)
            .checked_sub(1)
            .and_then(|i| Some((i, parts.names.get(i)?.clone()?)));
        let new = match entry {
            Some((i, entry)) => {
                added[i] = true;
                let mut extra = Vec::new();
                put_leb(&mut extra, index);
                extra.extend_from_slice(stub.get(entry)?);
                grown(old, range, 1, &extra)?
            }
            None => old.get(range)?.to_vec(),
        };
        put_section(&mut out, sub, &new);
    }
    let missing = (0..3).any(|i| parts.names[i].is_some() && !added[i]);
    (!missing).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::append_func;
    use crate::session::Session;
    use crate::session::fields::Field;
    use crate::session::module::module_text;
    use crate::text::assemble::assemble_with_instr_spans;

    /// What appending `text` to the session gives, if it can be appended,
    /// with the whole assembly's bytes.
    fn both(session: &Session, text: &str) -> Option<(Vec<u8>, Vec<u8>)> {
        let (module, _) = session.session_instance()?;
        let field = Field::new(text, None);
        let fields: Vec<Field> = (session.fields.iter().cloned())
            .chain([field.clone()])
            .collect();
        let (spliced, _) = append_func(module, &session.sources, &field, fields.len() - 1)?;
        let (whole, _) = assemble_with_instr_spans(&module_text(&fields).0).ok()?;
        Some((spliced, whole))
    }

    fn session() -> Session {
        let mut session = Session::new();
        for field in [
            "(type $pair (func (param i32 i32) (result i32)))",
            "(memory $m 1)",
            "(global $g (mut i32) (i32.const 5))",
            "(table 2 funcref)",
            "(func $a (export \"a\") (param $x i32) (result i32) local.get $x global.get $g i32.add)",
            "(func (export \"anon\") (result i32) i32.const 1)",
            "(data $d \"hi\")",
            "(func $labelled (block $x))",
        ] {
            session.eval(field).map_err(|e| e.message).expect("defines");
        }
        session
    }

    #[test]
    fn appended_functions_assemble_as_the_whole_module_does() {
        let session = session();
        for text in [
            "(func $b (result i32) i32.const 2)",
            "(func $c (export \"c\") (export \"c2\") (param $p i32) (result i32) (local $t i32) (block $out (result i32) local.get $p local.tee $t br $out) call $a)",
            "(func $rec (param i32) (result i32) (if (result i32) (local.get 0) (then (call $rec (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 0))))",
            "(func (type $pair) local.get 0 local.get 1 i32.add)",
            "(func $mem (result i32) (i32.store $m (i32.const 0) (i32.const 7)) (i32.load (i32.const 0)))",
            "(func $tail (result i32) (return_call $a (i32.const 1)))",
            "(func $ind (result i32) (call_indirect (type $pair) (i32.const 1) (i32.const 2) (i32.const 0)))",
        ] {
            let (spliced, whole) = both(&session, text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(spliced, whole, "{text}");
        }
    }

    #[test]
    fn unchanged_functions_keep_their_source_maps_shared() {
        let mut session = session();
        let before = session.sources.clone();
        session
            .eval("(func $b (result i32) i32.const 2)")
            .map_err(|e| e.message)
            .expect("defines");
        assert_eq!(session.sources.len(), before.len() + 1);
        for (now, was) in session.sources.iter().zip(before.iter()) {
            assert!(std::sync::Arc::ptr_eq(now, was));
        }
    }

    #[test]
    fn what_the_small_module_would_number_otherwise_takes_the_whole_assembly() {
        let session = session();
        for text in [
            "(func $n (result i32) call 0)",
            "(func $n (result i32) global.get 0)",
            "(func $n (type 0) local.get 0)",
            // A signature the session has no type for yet.
            "(func $n (param f64) (result f64) local.get 0)",
            // The first `memory.init`: the module gets a data count section.
            "(func $n (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)))",
        ] {
            assert_eq!(both(&session, text), None, "{text}");
        }
        // The first function with a named label: the module has no label
        // names yet, and the whole assembly knows where they go.
        let mut fresh = Session::new();
        fresh
            .eval("(func $f)")
            .map_err(|e| e.message)
            .expect("defines");
        for text in ["(func $g (block $l))", "(func (export \"e\"))"] {
            assert_eq!(both(&fresh, text), None, "{text}");
        }
    }
}

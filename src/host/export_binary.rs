//! The binaries `:export-js` writes: a module with every function, table,
//! memory, global and tag exported under reserved names too, so `host.mjs`
//! can reach the state watlab carries from one version of the session
//! module to the next, and hand it to the fragment modules instruction
//! inputs are run as. The session module's start section is taken out: its
//! start function runs only when the input that built a version typed
//! `(start ...)`, after the carried state is in (it is exported as `start`).

use crate::vm::sections::{leb, put_leb, put_section, sections};
use wasmparser::{Parser, Payload, TypeRef};

/// A module binary with reserved exports.
pub struct Reserved {
    /// The rewritten binary.
    pub bytes: Vec<u8>,
    /// The prefix of its reserved export names: `PREFIXf3` is function 3,
    /// `t`, `m`, `g`, `x` tables, memories, globals and tags, `PREFIXstart`
    /// the start function when it was taken out.
    pub prefix: String,
}

/// Where each known section goes in a module (custom sections go anywhere).
const ORDER: [u8; 13] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

/// Counts of each index space, the export names and the start function.
#[derive(Default)]
struct Spaces {
    counts: [u32; 5],
    names: Vec<String>,
    start: Option<u32>,
}

fn spaces(bytes: &[u8]) -> Option<Spaces> {
    let mut s = Spaces::default();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.ok()? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let kind = match import.ok()?.ty {
                        TypeRef::Func(_) | TypeRef::FuncExact(_) => 0,
                        TypeRef::Table(_) => 1,
                        TypeRef::Memory(_) => 2,
                        TypeRef::Global(_) => 3,
                        TypeRef::Tag(_) => 4,
                    };
                    s.counts[kind] += 1;
                }
            }
            Payload::FunctionSection(r) => s.counts[0] += r.count(),
            Payload::TableSection(r) => s.counts[1] += r.count(),
            Payload::MemorySection(r) => s.counts[2] += r.count(),
            Payload::GlobalSection(r) => s.counts[3] += r.count(),
            Payload::TagSection(r) => s.counts[4] += r.count(),
            Payload::ExportSection(r) => {
                for export in r {
                    s.names.push(export.ok()?.name.to_string());
                }
            }
            Payload::StartSection { func, .. } => s.start = Some(func),
            _ => {}
        }
    }
    Some(s)
}

/// `bytes` with reserved exports, its start section taken out if `strip_start`;
/// `None` when the binary cannot be read.
pub fn with_reserved_exports(bytes: &[u8], strip_start: bool) -> Option<Reserved> {
    let spaces = spaces(bytes)?;
    let mut prefix = String::from("__watlab_");
    while spaces.names.iter().any(|n| n.starts_with(&prefix)) {
        prefix.push('_');
    }
    let sections = sections(bytes)?;
    // The export section's contents: the module's own entries, then ours.
    let mut entries = Vec::new();
    let mut count = spaces.names.len() as u32;
    if let Some((_, body)) = sections.iter().find(|(id, _)| *id == 7) {
        let mut at = body.start;
        leb(bytes, &mut at)?;
        entries.extend_from_slice(bytes.get(at..body.end)?);
    }
    let mut export = |name: String, kind: u8, index: u32| {
        put_leb(&mut entries, name.len() as u32);
        entries.extend_from_slice(name.as_bytes());
        entries.push(kind);
        put_leb(&mut entries, index);
        count += 1;
    };
    for (kind, letter) in ["f", "t", "m", "g", "x"].iter().enumerate() {
        for i in 0..spaces.counts[kind] {
            export(format!("{prefix}{letter}{i}"), kind as u8, i);
        }
    }
    if let (Some(func), true) = (spaces.start, strip_start) {
        export(format!("{prefix}start"), 0, func);
    }
    let mut body = Vec::new();
    put_leb(&mut body, count);
    body.extend_from_slice(&entries);
    let rank = |id: u8| ORDER.iter().position(|o| *o == id);
    let export_rank = rank(7)?;
    let mut out = bytes.get(..8)?.to_vec();
    let mut placed = false;
    for (id, content) in &sections {
        if !placed && rank(*id).is_some_and(|r| r >= export_rank) {
            put_section(&mut out, 7, &body);
            placed = true;
        }
        if *id == 7 || (*id == 8 && strip_start) {
            continue;
        }
        put_section(&mut out, *id, bytes.get(content.clone())?);
    }
    if !placed {
        put_section(&mut out, 7, &body);
    }
    Some(Reserved { bytes: out, prefix })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exports(bytes: &[u8]) -> Vec<String> {
        spaces(bytes).map(|s| s.names).unwrap_or_default()
    }

    #[test]
    fn every_object_gets_a_reserved_export_and_the_start_goes() {
        let bytes = wat::parse_str(
            r#"(module (import "m" "f" (func)) (memory 1) (global (mut i32) (i32.const 0))
                 (func $s) (start $s) (export "__watlab_f0" (func 0)))"#,
        )
        .expect("valid");
        let out = with_reserved_exports(&bytes, true).expect("rewritten");
        assert_eq!(out.prefix, "__watlab__");
        assert_eq!(
            exports(&out.bytes),
            [
                "__watlab_f0",
                "__watlab__f0",
                "__watlab__f1",
                "__watlab__m0",
                "__watlab__g0",
                "__watlab__start"
            ]
        );
        assert_eq!(spaces(&out.bytes).and_then(|s| s.start), None);
        wasmparser::validate(&out.bytes).expect("the rewritten module validates");
        let kept = with_reserved_exports(&bytes, false).expect("rewritten");
        assert_eq!(spaces(&kept.bytes).and_then(|s| s.start), Some(1));
    }

    #[test]
    fn a_module_without_exports_gets_an_export_section_in_place() {
        let bytes = wat::parse_str("(module (func) (data \"hi\") (memory 1))").expect("valid");
        let out = with_reserved_exports(&bytes, true).expect("rewritten");
        assert_eq!(exports(&out.bytes), ["__watlab_f0", "__watlab_m0"]);
        wasmparser::validate(&out.bytes).expect("the rewritten module validates");
        assert!(with_reserved_exports(b"\0asm\x01\0\0\0\x07\x05", true).is_none());
    }
}

//! Commands that show the session's state: the scratch stack and locals,
//! globals, memory, instances, the module as WAT, and instruction docs and encodings.

use super::Workbench;
use super::registry::{Command, Scope};
use crate::session::input::{self, Input, classify};
use crate::session::state::parse_number as number;
use crate::session::{ErrorKind, Reply, Session, SessionError};
use crate::view::hexdump::{self, DumpRequest, Elem, Layout};
use crate::vm::Value;
use crate::vm::store::{InstanceAddr, MemAddr};
use std::fmt::Write as _;

/// The commands of this area, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        scope: Scope::Workbench,
        name: "stack",
        aliases: &[],
        synopsis: "",
        summary: "show the scratch operand stack",
        help: "Bottom to top, each value with its type, in decimal and hex (and unsigned when that differs).",
        run: stack,
    },
    Command {
        scope: Scope::Workbench,
        name: "clear",
        aliases: &[],
        synopsis: "",
        summary: "empty the scratch operand stack",
        help: "",
        run: clear,
    },
    Command {
        scope: Scope::Workbench,
        name: "locals",
        aliases: &[],
        synopsis: "",
        summary: "show the scratch locals",
        help: "Declare one with (local $x i32); instructions can then use local.get/local.set/local.tee $x.",
        run: locals,
    },
    Command {
        scope: Scope::Workbench,
        name: "globals",
        aliases: &[],
        synopsis: "",
        summary: "show the globals of the session module",
        help: "Name, type, mutability, value, and where an imported global comes from.",
        run: globals,
    },
    Command {
        scope: Scope::Workbench,
        name: "mem",
        aliases: &[],
        synopsis: "[MEMORY] [ADDR [LEN]] [as TYPE]",
        summary: "hex view of linear memory",
        help: "MEMORY is $name or an index of the session module (default 0). ADDR and LEN are decimal or 0x hex (default 0 and 64). Bytes the last input changed are marked with ^^. `as i8|u8|i16|u16|i32|u32|i64|f32|f64` shows typed little-endian values instead, like a JavaScript typed array.",
        run: mem,
    },
    Command {
        scope: Scope::Workbench,
        name: "memory",
        aliases: &[],
        synopsis: "",
        summary: "list memories: size, maximum, shared, owner, non-zero regions",
        help: "",
        run: memory,
    },
    Command {
        scope: Scope::Workbench,
        name: "wat",
        aliases: &[],
        synopsis: "",
        summary: "print the session module as WAT",
        help: "The fields typed so far, assembled and printed back by wasmprinter.",
        run: wat,
    },
    Command {
        scope: Scope::Workbench,
        name: "dis",
        aliases: &[],
        synopsis: "[FUNC]",
        summary: "disassemble the session module, or one function",
        help: "FUNC is $name or an index.",
        run: dis,
    },
    Command {
        scope: Scope::Workbench,
        name: "instances",
        aliases: &[],
        synopsis: "",
        summary: "list module instances and their exports",
        help: "",
        run: instances,
    },
    Command {
        scope: Scope::Workbench,
        name: "doc",
        aliases: &[],
        synopsis: "INSTR",
        summary: "signature and description of an instruction",
        help: "e.g. :doc i32.store",
        run: doc,
    },
    Command {
        scope: Scope::Workbench,
        name: "bytes",
        aliases: &[],
        synopsis: "FRAGMENT",
        summary: "the binary encoding of a fragment, byte by byte",
        help: "FRAGMENT is instructions (encoded as the body of a function of their own), module fields, or a whole (module ...). Each row shows the offset, the bytes and what they mean.",
        run: bytes,
    },
];

fn stack(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    Ok(vec![Reply::Stack {
        values: session.stack().to_vec(),
        changed_from: session.stack().len(),
    }])
}

fn clear(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.clear_stack();
    Ok(vec![Reply::Stack {
        values: Vec::new(),
        changed_from: 0,
    }])
}

fn locals(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    if session.locals().is_empty() {
        return Ok(vec![Reply::Text(
            "no scratch locals; declare one with (local $x i32)".into(),
        )]);
    }
    let rows: Vec<(String, Value, bool)> = session
        .locals()
        .iter()
        .map(|l| {
            (
                format!("${}", l.name),
                l.value,
                session.changed_locals().contains(&l.name),
            )
        })
        .collect();
    Ok(vec![Reply::Text(format!(
        "locals:\n{}",
        crate::view::value_table(&rows)
    ))])
}

fn globals(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let Some((module, addr)) = session.session_instance() else {
        return Ok(vec![Reply::Text(
            "no globals yet; define one with (global $g (mut i32) (i32.const 0))".into(),
        )]);
    };
    let Some(instance) = session.store().instance(addr) else {
        return Ok(Vec::new());
    };
    if instance.globals.is_empty() {
        return Ok(vec![Reply::Text(
            "the session module has no globals".into(),
        )]);
    }
    let imports: Vec<String> = module
        .imports
        .iter()
        .filter(|i| matches!(i.kind, crate::vm::module::ImportKind::Global(_)))
        .map(|i| format!("{}.{}", i.module, i.name))
        .collect();
    let mut text = String::from("globals:\n");
    let mut rows = Vec::new();
    for (i, g) in instance.globals.iter().enumerate() {
        let Some(global) = session.store().global(*g) else {
            continue;
        };
        let name = module
            .names
            .globals
            .get(&(i as u32))
            .map_or_else(|| format!("{i}"), |n| format!("${n}"));
        let mutability = if global.ty.mutable { "mut" } else { "const" };
        rows.push((
            format!("{name} {mutability}"),
            global.get(),
            session.changes().globals.contains(g),
        ));
    }
    let table = crate::view::value_table(&rows);
    for (i, line) in table.lines().enumerate() {
        text.push_str(line);
        if let Some(from) = imports.get(i) {
            let _ = write!(text, "  imported from {from}");
        }
        text.push('\n');
    }
    Ok(vec![Reply::Text(text)])
}

fn mem(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let (place, typed) = match args.split_once(" as ") {
        Some((place, ty)) => (place, Some(ty.trim())),
        None if args.trim_start().starts_with("as ") => ("", Some(args.trim_start()[3..].trim())),
        None => (args, None),
    };
    let mut words: Vec<&str> = place.split_whitespace().collect();
    let which = match words.first() {
        Some(w) if w.starts_with('$') || w.contains('.') || (words.len() == 3) => {
            Some(words.remove(0))
        }
        _ => None,
    };
    let (addr, label) = session.memory_named(which)?;
    let start = match words.first() {
        Some(w) => number(w).ok_or_else(|| {
            SessionError::usage(format!("{w} is not an address (use decimal or 0x hex)"))
        })?,
        None => 0,
    };
    let len = match words.get(1) {
        Some(w) => number(w).ok_or_else(|| SessionError::usage(format!("{w} is not a length")))?,
        None => 64,
    };
    if words.len() > 2 {
        return Err(SessionError::usage(
            "usage: :mem [MEMORY] [ADDR [LEN]] [as TYPE]",
        ));
    }
    let layout = match typed {
        Some(ty) => Layout::Typed(Elem::parse(ty).ok_or_else(|| {
            SessionError::usage(format!(
                "unknown element type {ty}: use i8, u8, i16, u16, i32, u32, i64, f32 or f64"
            ))
        })?),
        None => Layout::Bytes,
    };
    let memory = session
        .store()
        .memory(addr)
        .ok_or_else(|| SessionError::usage("dangling memory"))?;
    let changed = session
        .changes()
        .memory
        .get(&addr)
        .cloned()
        .unwrap_or_default();
    let lines = hexdump::dump(&DumpRequest {
        memory: memory.bytes(),
        start,
        len,
        changed: &changed,
        layout,
    });
    let regions = session.regions_in(memory.bytes(), start, len);
    let regions = if regions.is_empty() {
        String::new()
    } else {
        format!("regions:\n{regions}")
    };
    Ok(vec![Reply::Text(format!(
        "{label}, {len} bytes from 0x{start:x}:\n{}{regions}",
        hexdump::render_plain(&lines)
    ))])
}

fn memory(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let mut owners: Vec<(String, InstanceAddr)> = Vec::new();
    if let Some((_, addr)) = session.session_instance() {
        owners.push(("the session module".into(), addr));
    }
    owners.extend(
        session
            .named_instances()
            .iter()
            .map(|(n, a)| (format!("module {n}"), *a)),
    );
    let mut seen: Vec<MemAddr> = Vec::new();
    let mut text = String::new();
    for (owner, addr) in &owners {
        let Some(instance) = session.store().instance(*addr) else {
            continue;
        };
        for (i, mem) in instance.memories.iter().enumerate() {
            if seen.contains(mem) {
                let _ = writeln!(
                    text,
                    "  {owner} also uses memory #{} as its memory {i}",
                    mem.0
                );
                continue;
            }
            seen.push(*mem);
            let Some(memory) = session.store().memory(*mem) else {
                continue;
            };
            let max = memory
                .ty
                .limits
                .max
                .map_or("no maximum".to_string(), |m| format!("maximum {m}"));
            let shared = if memory.ty.shared {
                "shared"
            } else {
                "not shared"
            };
            let imported = i < instance
                .module
                .imports
                .iter()
                .filter(|i| matches!(i.kind, crate::vm::module::ImportKind::Memory(_)))
                .count();
            let origin = match session.host_name_of(*mem) {
                Some(host) if imported => format!("allocated by the host as {host}, imported by"),
                _ if imported => "imported by".to_string(),
                _ => "defined by".to_string(),
            };
            let _ = writeln!(
                text,
                "memory #{}: {} page{} ({} bytes), {max}, {shared}; {origin} {owner} as its memory {i}",
                mem.0,
                memory.pages(),
                if memory.pages() == 1 { "" } else { "s" },
                memory.bytes().len()
            );
            if let Some((old, new)) = session.changes().grown.get(mem) {
                let _ = writeln!(
                    text,
                    "  grew from {old} to {new} pages in the last input: pages {old}..{} are new (all zero until written)",
                    new - 1
                );
            }
            let regions = nonzero_regions(memory.bytes());
            if regions.is_empty() {
                let _ = writeln!(text, "  all bytes are zero");
            } else {
                let list: Vec<String> = regions
                    .iter()
                    .take(8)
                    .map(|r| format!("0x{:x}..0x{:x}", r.start, r.end))
                    .collect();
                let more = if regions.len() > 8 {
                    format!(" and {} more", regions.len() - 8)
                } else {
                    String::new()
                };
                let _ = writeln!(text, "  non-zero: {}{more}", list.join(", "));
            }
        }
    }
    if text.is_empty() {
        text = "no memories yet; define one with (memory 1)\n".into();
    }
    Ok(vec![Reply::Text(text)])
}

fn wat(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    Ok(vec![Reply::Text(printed_module(session)?)])
}

fn dis(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let text = printed_module(session)?;
    let want = args.trim();
    if want.is_empty() {
        return Ok(vec![Reply::Text(text)]);
    }
    let (module, _) = session
        .session_instance()
        .ok_or_else(|| SessionError::usage("the session module is empty"))?;
    let index = match want.strip_prefix('$') {
        Some(name) => module
            .names
            .funcs
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(i, _)| *i),
        None => number(want).map(|n| n as u32),
    }
    .ok_or_else(|| SessionError::usage(format!("no function {want}")))?;
    let header = match module.names.funcs.get(&index) {
        Some(name) => format!("(func ${name} "),
        None => format!("(func (;{index};) "),
    };
    let start = text
        .find(&header)
        .ok_or_else(|| SessionError::usage(format!("{want} is imported; it has no body")))?;
    let end = crate::session::input::top_level_forms(&text[start..])
        .first()
        .map_or(text.len(), |f| start + f.len());
    Ok(vec![Reply::Text(text[start..end].to_string())])
}

fn instances(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let mut list: Vec<(String, InstanceAddr)> = Vec::new();
    if let Some((_, addr)) = session.session_instance() {
        list.push(("session module".into(), addr));
    }
    list.extend(
        session
            .named_instances()
            .iter()
            .map(|(n, a)| (format!("module {n}"), *a)),
    );
    if list.is_empty() {
        return Ok(vec![Reply::Text("no instances yet".into())]);
    }
    let mut text = String::new();
    for (name, addr) in list {
        let current = if session.current_instance() == Some(addr) {
            "  (current: invoke and get use it)"
        } else {
            ""
        };
        let _ = writeln!(text, "{name}{current}");
        let Some(instance) = session.store().instance(addr) else {
            continue;
        };
        let registered: Vec<&String> = session
            .registry()
            .iter()
            .filter(|(_, exports)| {
                instance
                    .exports
                    .iter()
                    .all(|(n, e)| exports.get(n) == Some(e))
                    && !instance.exports.is_empty()
            })
            .map(|(n, _)| n)
            .collect();
        for r in registered {
            let _ = writeln!(text, "  registered as \"{r}\"");
        }
        for (export, ext) in &instance.exports {
            let ty = session
                .store()
                .extern_type(*ext)
                .map_or(String::new(), |t| t.to_string());
            let _ = writeln!(text, "  export \"{export}\": {ty}");
        }
        for import in &instance.module.imports {
            let _ = writeln!(text, "  import \"{}\" \"{}\"", import.module, import.name);
        }
    }
    Ok(vec![Reply::Text(text)])
}

fn doc(_: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let name = args.trim();
    match crate::text::catalog::lookup(name) {
        Some(d) => {
            let imm = if d.immediates.is_empty() {
                String::new()
            } else {
                format!(" {}", d.immediates)
            };
            Ok(vec![Reply::Text(format!(
                "{}{imm}  {}\n  {}\n",
                d.name,
                d.signature(),
                d.summary
            ))])
        }
        None => {
            let close = crate::text::catalog::complete(&name.chars().take(4).collect::<String>());
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!(
                    " (close: {})",
                    close.iter().take(6).cloned().collect::<Vec<_>>().join(", ")
                )
            };
            Err(SessionError::usage(format!(
                "unknown instruction {name}{hint}"
            )))
        }
    }
}

fn bytes(_: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let (prefix, body_only) = match classify(args) {
        Input::Module(_) => ("", false),
        Input::Fields(_) => ("(module ", false),
        Input::Instructions(_) => ("(module (func\n", true),
        _ => {
            return Err(SessionError::usage(
                "usage: :bytes FRAGMENT, e.g. :bytes i32.const 42 or :bytes (memory 1)",
            ));
        }
    };
    let fragment = input::skip_trivia(args);
    let suffix = match prefix {
        "" => "",
        "(module " => ")",
        _ => "\n))",
    };
    let text = format!("{prefix}{fragment}{suffix}");
    let binary = crate::text::assemble::assemble_module(&text).map_err(|e| {
        let offset = e.offset.saturating_sub(prefix.len()).min(fragment.len());
        SessionError::new(ErrorKind::Syntax, e.message).at(
            fragment,
            offset,
            crate::session::token_len(fragment, offset),
        )
    })?;
    let rows = if body_only {
        crate::binary::explain_function_body(&binary, 0)
    } else {
        crate::binary::explain(&binary)
    }
    .map_err(|e| SessionError::new(ErrorKind::Invalid, e))?;
    Ok(vec![Reply::Bytes(rows)])
}

fn nonzero_regions(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut regions: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        if *b != 0 {
            match regions.last_mut() {
                Some(r) if r.end + 16 >= i => r.end = i + 1,
                _ => regions.push(i..i + 1),
            }
        }
    }
    regions
}

fn printed_module(session: &Session) -> Result<String, SessionError> {
    let (module, _) = session
        .session_instance()
        .ok_or_else(|| SessionError::usage("the session module is empty"))?;
    wasmprinter::print_bytes(&module.bytes[..])
        .map_err(|e| SessionError::new(ErrorKind::Invalid, e.to_string()))
}

//! Commands that show the session's state: the scratch stack and locals,
//! globals, memory, instances, the module as WAT, and instruction docs and encodings.

use super::Workbench;
use super::registry::{Command, Scope};
use crate::session::input::{self, Input, classify};
use crate::session::memory_rows::{Elem, Layout};
use crate::session::state::parse_number as number;
use crate::session::{Doc, ErrorKind, Reply, Role, SessionError, ValueRows};
use crate::vm::lanes::Shape;

/// The commands of this area, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        scope: Scope::Workbench,
        name: "stack",
        aliases: &[],
        synopsis: "[as SHAPE]",
        summary: "show the scratch operand stack",
        help: "Bottom to top, each value with its type, in decimal and hex (and unsigned when that differs). A v128 shows its lanes in the shape of the instruction that made it (f32x4.add: f32x4; v128.and and loads: i32x4 or the first operand's) plus its hex lane by lane, lane 0 first as the lanes are listed (hex[00000001 00000002 ...]); `:stack as f32x4` reads every vector in one shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2); so do `:locals as SHAPE` and `:globals as SHAPE`. The stack holds at most 1000 values, fewer by one per scratch local; an input that would leave more is refused and changes nothing.",
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
        synopsis: "[as SHAPE]",
        summary: "show the scratch locals",
        help: "Declare one with (local $x i32), or of any type with a default value: (local $p (ref null $point)), (local $a anyref); it keeps its declared type across inputs, and instructions can then use local.get/local.set/local.tee $x. A null shows its type: (ref null $point)  null.",
        run: locals,
    },
    Command {
        scope: Scope::Workbench,
        name: "globals",
        aliases: &[],
        synopsis: "[as SHAPE]",
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
        help: "MEMORY is $name or an index of the session module (default 0), a host memory by its two-level name (mem.pages), a memory a registered module exports (m.mem), or a memory of a named module instance as $m (its memory 0), $m.$name or $m.1 (:memory lists each with its name). ADDR and LEN are decimal or 0x hex (default 0 and 64). Bytes the last input changed are marked with ^^. `as i8|u8|i16|u16|i32|u32|i64|f32|f64` shows typed little-endian values instead, like a JavaScript typed array; `as v128` (or a shape: `as i8x16`, `as f32x4`, ...) shows each 16 bytes as the lanes of a vector.",
        run: mem,
    },
    Command {
        scope: Scope::Workbench,
        name: "memory",
        aliases: &[],
        synopsis: "",
        summary: "list memories: size, maximum, shared, owner, non-zero regions",
        help: "Each memory under the name :mem takes to show it, then its size (with its page size when not 64 KiB), maximum, whether shared or 64-bit, who defines it, who imports it under which two-level name, and where it is not zero. Host memories no module imports are listed too.",
        run: memory,
    },
    Command {
        scope: Scope::Workbench,
        name: "heap",
        aliases: &[],
        synopsis: "",
        summary: "list the GC heap's structs and arrays with their fields",
        help: "Each object as $type#address with its fields ({x: 1, y: 2}) or elements ([1 2 3]). Nothing is collected: an object nothing reaches any more (from a global, a table, a segment, an exception, the scratch stack or a scratch local) is kept until the session ends and marked unreachable.",
        run: heap,
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

fn stack(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let shapes = match shape_arg(args)? {
        Some(shape) => vec![Some(shape); session.stack().len()],
        None => session.stack_shapes().to_vec(),
    };
    Ok(vec![Reply::Stack {
        values: session.stack().to_vec(),
        shapes,
        changed_from: session.stack().len(),
        names: session.func_names(session.stack()),
    }])
}

/// `as SHAPE` after `:stack`, `:locals` or `:globals`: the lane shape to
/// read every vector in (none when not given).
fn shape_arg(args: &str) -> Result<Option<Shape>, SessionError> {
    let words: Vec<&str> = args.split_whitespace().collect();
    match words.as_slice() {
        [] => Ok(None),
        ["as", name] => Shape::ALL
            .into_iter()
            .find(|s| s.name() == *name)
            .map(Some)
            .ok_or_else(|| {
                SessionError::usage(format!(
                    "{name} is not a vector shape: use i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2"
                ))
            }),
        _ => Err(SessionError::usage(format!(
            "unexpected \"{}\": write `as SHAPE`, e.g. `as f32x4`",
            args.trim()
        ))),
    }
}

fn clear(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.clear_stack();
    Ok(vec![Reply::Stack {
        values: Vec::new(),
        shapes: Vec::new(),
        changed_from: 0,
        names: Default::default(),
    }])
}

fn locals(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let shape = shape_arg(args)?;
    Ok(vec![match wb.session.locals_rows() {
        Some(rows) => Reply::Rows(ValueRows { shape, ..rows }),
        None => Reply::Note("no scratch locals; declare one with (local $x i32)".into()),
    }])
}

fn globals(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let shape = shape_arg(args)?;
    Ok(vec![match wb.session.globals_rows() {
        None => Reply::Note(
            "no globals yet; define one with (global $g (mut i32) (i32.const 0))".into(),
        ),
        Some(rows) if rows.rows.is_empty() => {
            Reply::Note("the session module has no globals".into())
        }
        Some(rows) => Reply::Rows(ValueRows { shape, ..rows }),
    }])
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
        Some(ty) => Layout::Typed(Elem::parse_view(ty).ok_or_else(|| {
            SessionError::usage(format!(
                "unknown element type {ty}: use i8, u8, i16, u16, i32, u32, i64, f32, f64, v128 or a vector shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)"
            ))
        })?),
        None => Layout::Bytes,
    };
    Ok(vec![Reply::Memory(
        session.memory_window(which, start, len, layout)?,
    )])
}

fn memory(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let memories = wb.session.memories();
    Ok(vec![if memories.is_empty() {
        Reply::Note("no memories yet; define one with (memory 1)".into())
    } else {
        Reply::Memories(memories)
    }])
}

fn wat(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Wat(wb.session.printed_module()?)])
}

fn dis(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let text = session.printed_module()?;
    let want = args.trim();
    if want.is_empty() {
        return Ok(vec![Reply::Wat(text)]);
    }
    let (module, _) = session
        .session_instance()
        .ok_or_else(|| SessionError::usage("the session module is empty"))?;
    let index = crate::session::func_index_named(module, want)
        .or_else(|| number(want).map(|n| n as u32))
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
    Ok(vec![Reply::Wat(text[start..end].to_string())])
}

fn heap(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let rows = wb.session.heap_rows();
    if rows.is_empty() {
        return Ok(vec![Reply::Note(
            "the heap is empty; struct.new and array.new allocate objects".into(),
        )]);
    }
    let live = rows.iter().filter(|r| r.reachable).count();
    let mut doc = Doc::default();
    let count = format!(
        "heap: {} object{}, {live} reachable",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    doc.line(&[(&count, Role::Heading)]);
    for row in &rows {
        let mut pieces = vec![("  ", Role::Plain), (row.text.as_str(), Role::Plain)];
        if !row.reachable {
            pieces.push(("  unreachable (kept until the session ends)", Role::Dim));
        }
        doc.line(&pieces);
    }
    Ok(vec![Reply::Doc(doc)])
}

fn instances(wb: &mut Workbench, _: &str) -> Result<Vec<Reply>, SessionError> {
    let instances = wb.session.instances();
    Ok(vec![if instances.is_empty() {
        Reply::Note("no instances yet".into())
    } else {
        Reply::Instances(instances)
    }])
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
            let mut doc = Doc::default();
            doc.line(&[
                (d.name, Role::Keyword),
                (&imm, Role::Plain),
                ("  ", Role::Plain),
                (&d.signature(), Role::Plain),
            ])
            .line(&[("  ", Role::Plain), (d.summary, Role::Plain)]);
            Ok(vec![Reply::Doc(doc)])
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
    let mut rows = if body_only {
        crate::binary::explain_function_body(&binary, 0)
    } else {
        crate::binary::explain(&binary)
    }
    .map_err(|e| SessionError::new(ErrorKind::Invalid, e))?;
    super::bytes_lanes::literals_in_written_shapes(&mut rows, fragment);
    Ok(vec![Reply::Bytes(rows)])
}

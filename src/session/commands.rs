//! Meta commands (`:help`, `:stack`, `:mem`, ...): one table drives
//! dispatch, `:help` and tab completion.

use super::{ErrorKind, Reply, Session, SessionError};
use crate::view::hexdump::{self, DumpRequest, Elem, Layout};
use crate::vm::Value;
use crate::vm::store::{InstanceAddr, MemAddr};
use std::fmt::Write as _;

/// One meta command.
pub struct Command {
    /// Name, typed after `:`.
    pub name: &'static str,
    /// Argument synopsis.
    pub args: &'static str,
    /// One line for `:help`.
    pub summary: &'static str,
    /// More for `:help NAME`.
    pub details: &'static str,
    run: fn(&mut Session, &str) -> Result<Vec<Reply>, SessionError>,
}

/// Every meta command, in `:help` order.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "help",
        args: "[COMMAND]",
        summary: "list commands, or explain one",
        details: "",
        run: help,
    },
    Command {
        name: "stack",
        args: "",
        summary: "show the scratch operand stack",
        details: "Bottom to top, each value with its type, in decimal and hex (and unsigned when that differs).",
        run: stack,
    },
    Command {
        name: "clear",
        args: "",
        summary: "empty the scratch operand stack",
        details: "",
        run: clear,
    },
    Command {
        name: "locals",
        args: "",
        summary: "show the scratch locals",
        details: "Declare one with (local $x i32); instructions can then use local.get/local.set/local.tee $x.",
        run: locals,
    },
    Command {
        name: "globals",
        args: "",
        summary: "show the globals of the session module",
        details: "Name, type, mutability, value, and where an imported global comes from.",
        run: globals,
    },
    Command {
        name: "mem",
        args: "[MEMORY] [ADDR [LEN]] [as TYPE]",
        summary: "hex view of linear memory",
        details: "MEMORY is $name or an index of the session module (default 0). ADDR and LEN are decimal or 0x hex (default 0 and 64). Bytes the last input changed are marked with ^^. `as i8|u8|i16|u16|i32|u32|i64|f32|f64` shows typed little-endian values instead, like a JavaScript typed array.",
        run: mem,
    },
    Command {
        name: "memory",
        args: "",
        summary: "list memories: size, maximum, shared, owner, non-zero regions",
        details: "",
        run: memory,
    },
    Command {
        name: "wat",
        args: "",
        summary: "print the session module as WAT",
        details: "The fields typed so far, assembled and printed back by wasmprinter.",
        run: wat,
    },
    Command {
        name: "dis",
        args: "[FUNC]",
        summary: "disassemble the session module, or one function",
        details: "FUNC is $name or an index.",
        run: dis,
    },
    Command {
        name: "step",
        args: "FRAGMENT",
        summary: "run instructions one at a time in the stepper",
        details: "e.g. :step i32.const 5 call $fac. While paused: s(tep) [N], n(ext) over calls, finish the current function, c(ontinue), until (leave a loop), b(reak) $func|0xOFFSET, delete [N], info break, watch ADDR [LEN], display CMD (a meta command shown at every pause), back [N] (undo steps exactly, memory included), bt, abort. An empty line repeats the last command; meta commands work as usual.",
        run: step,
    },
    Command {
        name: "bytes",
        args: "FRAGMENT",
        summary: "the binary encoding of a fragment, byte by byte",
        details: "FRAGMENT is instructions (encoded as the body of a function of their own), module fields, or a whole (module ...). Each row shows the offset, the bytes and what they mean.",
        run: bytes,
    },
    Command {
        name: "doc",
        args: "INSTR",
        summary: "signature and description of an instruction",
        details: "e.g. :doc i32.store",
        run: doc,
    },
    Command {
        name: "load",
        args: "FILE",
        summary: "add the fields of a .wat or .wasm module to the session",
        details: "",
        run: load,
    },
    Command {
        name: "save",
        args: "FILE",
        summary: "write the session module to a .wat file",
        details: "",
        run: save,
    },
    Command {
        name: "instances",
        args: "",
        summary: "list module instances and their exports",
        details: "",
        run: instances,
    },
    Command {
        name: "host",
        args: "[memory|global|seed ...]",
        summary: "show or extend the host object that imports are resolved from",
        details: "Every session has math (JavaScript's Math: sin, cos, log, pow, ..., PI, E) and console (log). :host memory mem.pages initial=1 maximum=20 shared adds a memory the host allocates (shared needs maximum, as in JavaScript); :host global mem.data_offset i32 0 [mut] adds a global; :host seed N makes Math.random repeat. Modules import them by two-level name: (import \"mem\" \"pages\" (memory 1)).",
        run: host,
    },
    Command {
        name: "spawn",
        args: "NAME FRAGMENT",
        summary: "start a thread that runs a fragment against the session's memories",
        details: "Threads share the session's memories (declare them shared to share them between modules the way JavaScript workers do). They run when you say :run.",
        run: spawn,
    },
    Command {
        name: "run",
        args: "[QUANTUM]",
        summary: "interleave the threads round-robin, QUANTUM instructions a turn (default 10)",
        details: "The interleaving is deterministic: the same threads and quantum give the same result, so a lost update can be replayed and then fixed with atomics.",
        run: run_threads,
    },
    Command {
        name: "thread",
        args: "NAME",
        summary: "step one thread by hand in the stepper",
        details: "The thread pauses where it is; step it, switch to another with :thread OTHER, or abort to hand it back to :run. Interleave threads by hand this way to replay a race step by step.",
        run: thread,
    },
    Command {
        name: "threads",
        args: "",
        summary: "list threads and their state",
        details: "",
        run: threads,
    },
    Command {
        name: "export-js",
        args: "DIR",
        summary: "write the modules, host object and calls as a program for node",
        details: "Writes NAME.wasm for each (module $NAME ...) and host.mjs, which builds the same host object, instantiates and registers the modules in session order and repeats each (invoke ...), printing TYPE:VALUE lines. Run it with node DIR/host.mjs.",
        run: export_js,
    },
    Command {
        name: "write",
        args: "MEMORY ADDR TYPE VALUE...",
        summary: "write values into a memory from the host side",
        details: "Like new Int32Array(mem.buffer, addr).set([...]) in JavaScript: MEMORY is a host memory (mem.pages) or one of the session module ($name or index); TYPE is i8, u8, i16, u16, i32, u32, i64, f32 or f64, written little-endian.",
        run: write,
    },
    Command {
        name: "region",
        args: "[ADDR LEN|TYPE[N] NAME]",
        summary: "name a range of memory, or list the named ones",
        details: "e.g. :region 0x100 i32[8] scores. Active data segments get regions of their own. :mem lists the regions it shows, decoded by type; in the stepper, watch NAME watches one, and a write that runs from one region into another pauses with a report.",
        run: region,
    },
    Command {
        name: "break",
        args: "$FUNC|0xOFFSET",
        summary: "pause any input on entry to a function or before an instruction",
        details: "The input then continues in the stepper (:help step). Offsets are the byte offsets shown at pauses and in traces.",
        run: break_at,
    },
    Command {
        name: "breakpoints",
        args: "",
        summary: "list breakpoints",
        details: "",
        run: breakpoints,
    },
    Command {
        name: "delete",
        args: "[N]",
        summary: "delete breakpoint N, or all",
        details: "",
        run: delete,
    },
    Command {
        name: "trace",
        args: "on|off",
        summary: "print a line per executed instruction of each input",
        details: "Each line: the function, the instruction's byte offset, the instruction, and the operand stack after it. At most 10000 lines per input.",
        run: trace,
    },
    Command {
        name: "limit",
        args: "[N]",
        summary: "show or set how many instructions one input may run",
        details: "An input that runs longer is stopped as a runaway loop and undone. The default (2147483648) takes a few seconds, time enough to press Ctrl-C and step through it instead.",
        run: limit,
    },
    Command {
        name: "reset",
        args: "",
        summary: "start over with an empty session",
        details: "",
        run: reset,
    },
    Command {
        name: "quit",
        args: "",
        summary: "leave watlab (Ctrl-D works too)",
        details: "",
        run: quit,
    },
];

/// Runs meta command `name`.
///
/// # Errors
/// An unknown command or bad arguments.
pub fn run(session: &mut Session, name: &str, args: &str) -> Result<Vec<Reply>, SessionError> {
    match COMMANDS.iter().find(|c| c.name == name) {
        Some(command) => (command.run)(session, args),
        None => {
            let close: Vec<String> = COMMANDS
                .iter()
                .filter(|c| {
                    name.chars()
                        .next()
                        .is_some_and(|first| c.name.starts_with(first))
                })
                .map(|c| format!(":{}", c.name))
                .collect();
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", close.join(", "))
            };
            Err(SessionError::usage(format!(
                "unknown command :{name}{hint}; :help lists them"
            )))
        }
    }
}

fn help(_: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    let name = args.trim().trim_start_matches(':');
    if !name.is_empty() {
        let command = COMMANDS
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| SessionError::usage(format!("no command :{name}")))?;
        let mut text = format!(
            ":{} {}\n  {}\n",
            command.name, command.args, command.summary
        );
        if !command.details.is_empty() {
            let _ = writeln!(text, "  {}", command.details);
        }
        return Ok(vec![Reply::Text(text)]);
    }
    let mut text = String::from(
        "Type WAT at the prompt:\n  instructions (flat or folded) run on the scratch stack: i32.const 2 i32.const 3 i32.mul\n  (local $x i32) declares a scratch local\n  module fields such as (func ...), (memory 1), (global ...) build the session module\n  (module $m ...) instantiates a separate module\n  (invoke \"f\" (i32.const 1)), (get \"g\"), (register \"name\"), (assert_return ...), (assert_trap ...)\nLessons: :lesson [N], :next, :prev, :check, :hint, :solution\nCommands:\n",
    );
    let width = COMMANDS
        .iter()
        .map(|c| c.name.len() + c.args.len())
        .max()
        .unwrap_or(0)
        + 2;
    for c in COMMANDS {
        let head = format!("{} {}", c.name, c.args);
        let _ = writeln!(text, "  :{head:<width$} {}", c.summary);
    }
    Ok(vec![Reply::Text(text)])
}

fn stack(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Stack {
        values: session.stack.clone(),
        changed_from: session.stack.len(),
    }])
}

fn clear(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    session.stack.clear();
    Ok(vec![Reply::Stack {
        values: Vec::new(),
        changed_from: 0,
    }])
}

fn locals(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    if session.locals.is_empty() {
        return Ok(vec![Reply::Text(
            "no scratch locals; declare one with (local $x i32)".into(),
        )]);
    }
    let rows: Vec<(String, Value, bool)> = session
        .locals
        .iter()
        .map(|l| {
            (
                format!("${}", l.name),
                l.value,
                session.changed_locals.contains(&l.name),
            )
        })
        .collect();
    Ok(vec![Reply::Text(format!(
        "locals:\n{}",
        crate::view::value_table(&rows)
    ))])
}

fn globals(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    let Some((module, addr)) = session.session_instance() else {
        return Ok(vec![Reply::Text(
            "no globals yet; define one with (global $g (mut i32) (i32.const 0))".into(),
        )]);
    };
    let Some(instance) = session.store.instance(addr) else {
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
        let Some(global) = session.store.global(*g) else {
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
            session.changes.globals.contains(g),
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

/// Parses `123` or `0x7b`.
fn number(word: &str) -> Option<u64> {
    let word = word.replace('_', "");
    match word.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => word.parse().ok(),
    }
}

impl Session {
    /// A memory of the session module by `$name` or index.
    pub(super) fn memory_by_name(&self, which: &str) -> Result<MemAddr, SessionError> {
        session_memory(self, Some(which)).map(|(addr, _)| addr)
    }
}

fn session_memory(
    session: &Session,
    which: Option<&str>,
) -> Result<(MemAddr, String), SessionError> {
    if let Some(path) = which.filter(|w| w.contains('.'))
        && let Some(addr) = session.host_memory_named(path)
    {
        return Ok((addr, format!("host memory {path}")));
    }
    let none = || SessionError::usage("the session has no memory yet; define one with (memory 1)");
    let (module, addr) = session.session_instance().ok_or_else(none)?;
    let instance = session.store.instance(addr).ok_or_else(none)?;
    let index = match which {
        None => 0,
        Some(name) if name.starts_with('$') => *module
            .names
            .memories
            .iter()
            .find(|(_, n)| **n == name[1..])
            .map(|(i, _)| i)
            .ok_or_else(|| SessionError::usage(format!("no memory named {name}")))?
            as usize,
        Some(index) => number(index)
            .ok_or_else(|| SessionError::usage(format!("{index} is not a memory")))?
            as usize,
    };
    let mem = instance.memories.get(index).copied().ok_or_else(none)?;
    let label = module
        .names
        .memories
        .get(&(index as u32))
        .map_or_else(|| format!("memory {index}"), |n| format!("memory ${n}"));
    Ok((mem, label))
}

fn mem(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
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
    let (addr, label) = session_memory(session, which)?;
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
        .store
        .memory(addr)
        .ok_or_else(|| SessionError::usage("dangling memory"))?;
    let changed = session
        .changes
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

fn memory(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    let mut owners: Vec<(String, InstanceAddr)> = Vec::new();
    if let Some((_, addr)) = session.session_instance() {
        owners.push(("the session module".into(), addr));
    }
    owners.extend(
        session
            .named
            .iter()
            .map(|(n, a)| (format!("module {n}"), *a)),
    );
    let mut seen: Vec<MemAddr> = Vec::new();
    let mut text = String::new();
    for (owner, addr) in &owners {
        let Some(instance) = session.store.instance(*addr) else {
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
            let Some(memory) = session.store.memory(*mem) else {
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
            if let Some((old, new)) = session.changes.grown.get(mem) {
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

fn wat(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Text(printed_module(session)?)])
}

fn dis(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
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

fn step(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.start_stepping(args)
}

fn bytes(_: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    use super::input::{Input, classify};
    use crate::text::bytes as encoding;
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
    let fragment = super::input::skip_trivia(args);
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
            super::module::token_len(fragment, offset),
        )
    })?;
    let rows = if body_only {
        encoding::explain_function_body(&binary, 0)
    } else {
        encoding::explain(&binary)
    }
    .map_err(|e| SessionError::new(ErrorKind::Invalid, e))?;
    Ok(vec![Reply::Text(encoding::render(&rows))])
}

fn doc(_: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
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

fn load(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    let path = args.trim();
    if path.is_empty() {
        return Err(SessionError::usage("usage: :load FILE"));
    }
    let bytes =
        std::fs::read(path).map_err(|e| SessionError::usage(format!("cannot read {path}: {e}")))?;
    let text = if bytes.starts_with(b"\0asm") {
        wasmprinter::print_bytes(&bytes)
            .map_err(|e| SessionError::new(ErrorKind::Invalid, format!("{path}: {e}")))?
    } else {
        String::from_utf8(bytes).map_err(|_| {
            SessionError::usage(format!("{path} is neither a .wasm binary nor UTF-8 text"))
        })?
    };
    let forms = super::input::top_level_forms(&text);
    let body = match forms.as_slice() {
        [module] if super::input::field_head(module).0 == "module" => {
            let inner = module.trim_start().trim_start_matches('(').trim_start();
            let inner = inner.strip_prefix("module").unwrap_or(inner).trim_start();
            let inner = if inner.starts_with('$') {
                inner.split_once(char::is_whitespace).map_or("", |(_, r)| r)
            } else {
                inner
            };
            inner
                .trim_end()
                .strip_suffix(')')
                .unwrap_or(inner)
                .to_string()
        }
        _ => text.clone(),
    };
    if super::input::top_level_forms(&body).is_empty() {
        return Ok(vec![Reply::Note(format!("{path} has no module fields"))]);
    }
    let mut replies = session.transact(|s| s.add_fields(&body))?;
    replies.insert(0, Reply::Note(format!("loaded {path}")));
    Ok(replies)
}

fn save(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    let path = args.trim();
    if path.is_empty() {
        return Err(SessionError::usage("usage: :save FILE"));
    }
    let mut text = String::from("(module\n");
    for field in &session.fields {
        let _ = writeln!(text, "  {}", field.text);
    }
    text.push_str(")\n");
    std::fs::write(path, &text)
        .map_err(|e| SessionError::usage(format!("cannot write {path}: {e}")))?;
    Ok(vec![Reply::Note(format!(
        "saved {} field(s) to {path}",
        session.fields.len()
    ))])
}

fn instances(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    let mut list: Vec<(String, InstanceAddr)> = Vec::new();
    if let Some((_, addr)) = session.session_instance() {
        list.push(("session module".into(), addr));
    }
    list.extend(
        session
            .named
            .iter()
            .map(|(n, a)| (format!("module {n}"), *a)),
    );
    if list.is_empty() {
        return Ok(vec![Reply::Text("no instances yet".into())]);
    }
    let mut text = String::new();
    for (name, addr) in list {
        let current = if session.current == Some(addr) {
            "  (current: invoke and get use it)"
        } else {
            ""
        };
        let _ = writeln!(text, "{name}{current}");
        let Some(instance) = session.store.instance(addr) else {
            continue;
        };
        let registered: Vec<&String> = session
            .registry
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
                .store
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

fn host(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.host_command(args)
}

fn spawn(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.spawn(args)
}

fn run_threads(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.run_agents(args)
}

fn thread(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.thread_command(args)
}

fn threads(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Text(session.thread_list())])
}

fn export_js(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.export_js(args)
}

fn write(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.host_write(args)
}

fn region(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.define_region(args)
}

fn break_at(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.add_breakpoint(args.trim())
}

fn breakpoints(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    session.list_breakpoints()
}

fn delete(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.delete_breakpoints(args.trim())
}

fn trace(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    session.trace = match args.trim() {
        "on" => true,
        "off" => false,
        "" => !session.trace,
        other => {
            return Err(SessionError::usage(format!(
                "usage: :trace on|off (not {other})"
            )));
        }
    };
    Ok(vec![Reply::Note(format!(
        "trace {}",
        if session.trace { "on" } else { "off" }
    ))])
}

fn limit(session: &mut Session, args: &str) -> Result<Vec<Reply>, SessionError> {
    if !args.trim().is_empty() {
        session.step_limit = number(args.trim()).filter(|n| *n > 0).ok_or_else(|| {
            SessionError::usage("usage: :limit N, with N a positive number of instructions")
        })?;
    }
    Ok(vec![Reply::Note(format!(
        "an input may run {} instructions",
        session.step_limit
    ))])
}

fn reset(session: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    let interrupt = session.interrupt_flag();
    *session = Session::new();
    session.store.interrupt = interrupt;
    Ok(vec![Reply::Note("the session is empty again".into())])
}

fn quit(_: &mut Session, _: &str) -> Result<Vec<Reply>, SessionError> {
    Ok(vec![Reply::Quit])
}

//! Commands for the host side: the `:host` object and its sub-commands,
//! `:write` into a memory, `:export-js`.

use super::Workbench;
use super::registry::{self, Command, Scope};
use crate::session::{Reply, SessionError};

/// The commands of this area, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        scope: Scope::Workbench,
        name: "host",
        aliases: &[],
        synopsis: "[memory|global|table|get|set|grow|seed ...]\n{ OBJECT }",
        summary: "show or extend the host object that imports are resolved from",
        help: "Every session has math (JavaScript's Math: sin, cos, log, pow, ..., PI, E) and console (log). :host memory mem.pages initial=1 maximum=20 shared adds a memory the host allocates (shared needs maximum, as in JavaScript); :host global mem.data_offset i32 0 [mut] adds a global; :host seed N makes Math.random repeat. Modules import them by two-level name: (import \"mem\" \"pages\" (memory 1)).",
        run: host,
    },
    Command {
        scope: Scope::Workbench,
        name: "write",
        aliases: &[],
        synopsis: "MEMORY ADDR TYPE VALUE...",
        summary: "write values into a memory from the host side",
        help: "Like new Int32Array(mem.buffer, addr).set([...]) in JavaScript: MEMORY is a host memory (mem.pages) or one of the session module ($name or index); TYPE is i8, u8, i16, u16, i32, u32, i64, f32 or f64, written little-endian.",
        run: write,
    },
    Command {
        scope: Scope::Workbench,
        name: "export-js",
        aliases: &[],
        synopsis: "DIR",
        summary: "write the modules, host object and calls as a program for node",
        help: "Writes NAME.wasm for each (module $NAME ...), session_N.wasm for each version of the session module (consecutive versions with nothing run between them are written as the last one, once :undo can no longer reach them and node would compute the same), fragment_N.wasm for each instruction input that changed memory, a table, a global or a segment or called a host function (inputs such as i32.const 5 or drop leave nothing to repeat; inputs typed the same share one file), and host.mjs, which builds the same host object and replays the inputs in session order: it instantiates and registers the modules, carries memories, tables and globals into each new version as watlab does, runs the instruction inputs and repeats each (invoke ...), printing TYPE:VALUE lines (an instruction input's results, such as a call typed at the prompt, are not printed). What node cannot repeat is listed at the top of host.mjs, and :export-js warns about it. Run it with node DIR/host.mjs.",
        run: export_js,
    },
];

fn host(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let args = args.trim();
    if args.is_empty() || args.starts_with('{') {
        return wb.session.host_command(args);
    }
    let (word, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    match registry::find(Scope::Host, word) {
        Some(command) => (command.run)(wb, rest.trim()),
        None => Err(registry::unknown(Scope::Host, word)),
    }
}

macro_rules! host_command {
    ($name:literal, $synopsis:literal, $summary:literal, $help:literal) => {
        Command {
            scope: Scope::Host,
            name: $name,
            aliases: &[],
            synopsis: $synopsis,
            summary: $summary,
            help: $help,
            run: |wb, args| wb.session.host_command(&format!("{} {args}", $name)),
        }
    };
}

/// The sub-commands of `:host`, in help order.
pub const SUBCOMMANDS: &[Command] = &[
    host_command!(
        "memory",
        "NAME.FIELD initial=N [maximum=M] [shared]",
        "add a memory the host allocates, like new WebAssembly.Memory({initial, maximum, shared})",
        "A shared memory needs a maximum, as in JavaScript. Modules import it by its two-level name: (import \"NAME\" \"FIELD\" (memory N))."
    ),
    host_command!(
        "global",
        "NAME.FIELD TYPE VALUE [mut]",
        "add a global, like new WebAssembly.Global({value, mutable}, VALUE); TYPE is i32, i64, f32, f64, v128, funcref or externref (null), or anyref, eqref, i31ref (null, or an integer from -2^30 to 2^30-1, which becomes an i31, as JavaScript's GC API does), structref, arrayref, nullref (null only: a struct or array exists only once wasm made it, and this host has no JavaScript objects to pass as anyref or externref; node 20 needs --experimental-wasm-gc for these)",
        ""
    ),
    host_command!(
        "table",
        "NAME.FIELD initial=N [maximum=M]",
        "add a table of function references, like new WebAssembly.Table({element: \"anyfunc\", initial, maximum})",
        ""
    ),
    host_command!(
        "tag",
        "NAME.FIELD TYPE...",
        "add an exception tag whose exceptions carry values of the TYPEs, like new WebAssembly.Tag({parameters: [...]})",
        "Modules import it as (import \"NAME\" \"FIELD\" (tag $t (param TYPE...))); a try_table's catch clause for $t then catches what the host throws with it."
    ),
    host_command!(
        "thrower",
        "NAME.FIELD TAG VALUE...",
        "add a function that throws an exception of host tag TAG carrying the VALUEs",
        "Like () => { throw new WebAssembly.Exception(TAG, [VALUE...]) } in JavaScript: a module imports it as a function of any signature, and every call throws. The values are read as the tag's types."
    ),
    host_command!(
        "get",
        "NAME.FIELD [INDEX]",
        "read a host global's value (g.value), or with INDEX a table element (t.get(INDEX))",
        "An i64 global shows its value as a BigInt (5n); a table element is a function ($f), a host reference or null. An index past the table's length is a RangeError, as in JavaScript."
    ),
    host_command!(
        "set",
        "NAME.FIELD [INDEX] VALUE",
        "assign a host global (g.value = VALUE), or with INDEX a table element (t.set(INDEX, VALUE))",
        "VALUE is written as JavaScript passes it: a Number (42, -1.5, NaN), a BigInt (42n) for an i64 global, null, or $name for a function of the session module. As in JavaScript, an immutable global is a TypeError, a Number for an i64 global and a BigInt for any other are TypeErrors, an index past the table's length is a RangeError and a non-function in a function table a TypeError. Every instance importing the object sees the new value."
    ),
    host_command!(
        "grow",
        "NAME.FIELD DELTA",
        "grow a host memory by DELTA pages (m.grow(DELTA)) or a table by DELTA elements (t.grow(DELTA))",
        "Answers the old size, as JavaScript's grow returns it. Growing past the maximum (or this session's limit when there is none) is a RangeError. Every instance importing the memory or table sees the new size: they share it. New table elements are null."
    ),
    host_command!(
        "seed",
        "N",
        "make Math.random repeat the same numbers from seed N",
        ""
    ),
];

fn write(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.host_write(args)
}

fn export_js(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    session.export_js(args)
}

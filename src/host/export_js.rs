//! `:export-js DIR`: a session as a JavaScript program, so a learner can
//! run exactly the same modules, host object and calls in the engine the
//! course uses (`node DIR/host.mjs`).
//!
//! [`program`] builds one `NAME.wasm` per module typed as `(module $NAME ...)`, one
//! `session_N.wasm` per version of the session module (it is rebuilt as
//! fields are typed), one `fragment_N.wasm` per instruction input, and a
//! `host.mjs` that builds the same host object, instantiates the modules in
//! session order, registers what the session registered, carries the
//! session module's state into each new version as watlab did (see
//! [`Carried`]), runs the instruction inputs against it, and repeats each
//! `(invoke ...)`, printing results as `TYPE:VALUE` lines like watlab does.
//! Each binary gets reserved exports (see [`super::export_binary`]) through
//! which `host.mjs` reaches that state. What node cannot repeat is journalled
//! as [`JsEvent::Unreplayed`]: the file says so at the top, and the session
//! warns. The session writes the files.

use super::env::{HostEnv, HostValue};
use super::export_binary;
use crate::vm::store::{Extern, Store};
use crate::vm::{ValType, Value};
use std::fmt::Write as _;
use std::sync::Arc;

/// What the session did that a JavaScript program can repeat.
#[derive(Clone, Debug)]
pub enum JsEvent {
    /// A named module was instantiated.
    Instantiate {
        /// The session's name for it (`$calc`).
        name: String,
        /// Its binary.
        bytes: Arc<[u8]>,
    },
    /// A new version of the session module replaced the previous one.
    Version {
        /// Its binary.
        bytes: Arc<[u8]>,
        /// The state watlab gave it before its start function.
        carried: Carried,
    },
    /// An instruction input ran (to its end, or until it trapped: what it
    /// wrote before the trap stays).
    Fragment {
        /// The input as typed.
        input: String,
        /// The fragment module's binary (it imports the session module's
        /// objects as `"s" "f0"`, `"g0"`, ...).
        bytes: Arc<[u8]>,
        /// Its arguments (the scratch stack and locals), as JavaScript.
        args: Vec<String>,
    },
    /// A host action (`:write`, `:host set`, `:host grow`) as JavaScript.
    Statement {
        /// The input as typed.
        input: String,
        /// The statement that does the same.
        js: String,
    },
    /// An input changed state in a way the program does not repeat.
    Unreplayed {
        /// The input as typed.
        input: String,
        /// Why node cannot repeat it.
        why: String,
    },
    /// An instance's exports were registered under a name.
    Register {
        /// The registered name.
        as_name: String,
        /// The instance's session name.
        instance: String,
    },
    /// An `(invoke ...)` that trapped (or threw) after changing state: what
    /// it wrote stays, as in watlab.
    Trapped {
        /// The input as typed.
        input: String,
        /// The instance's session name.
        instance: String,
        /// The export.
        export: String,
        /// Arguments.
        args: Vec<Value>,
    },
    /// An export was called and returned.
    Invoke {
        /// The instance's session name.
        instance: String,
        /// The export.
        export: String,
        /// Arguments.
        args: Vec<Value>,
        /// Result types.
        results: Vec<ValType>,
    },
}

/// A data segment written into a memory: (memory index, address, bytes).
pub type DataWrite = (u32, u64, Arc<[u8]>);

/// The state a new version of the session module starts from in watlab, by
/// index in the new module (imported objects are shared, and left out).
#[derive(Clone, Debug, Default)]
pub struct Carried {
    /// (old index, new index, pages after growing) of each memory whose
    /// contents the new version took over from the previous one.
    pub memories: Vec<(u32, u32, u64)>,
    /// (memory index, address, bytes) of each data segment the input wrote
    /// over the carried contents.
    pub data: Vec<DataWrite>,
    /// (index, value as JavaScript) of each mutable global.
    pub globals: Vec<(u32, String)>,
    /// (index, elements as JavaScript) of each table.
    pub tables: Vec<(u32, Vec<String>)>,
    /// Whether watlab ran the start function (the input typed `(start ...)`).
    pub start: bool,
}

/// The journal's name for the session module (built from loose fields).
pub const SESSION: &str = "session";

/// A file-name-safe form of a session name (`$calc` -> `calc`, `#2` -> `module_2`).
fn file_stem(name: &str) -> String {
    let stem: String = name
        .trim_start_matches('$')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.starts_with('#') {
        format!("module{stem}")
    } else {
        stem
    }
}

fn js_string(text: &str) -> String {
    format!("{text:?}")
}

fn js_value(value: &Value) -> String {
    match *value {
        Value::I32(v) => v.to_string(),
        Value::I64(v) => format!("{v}n"),
        Value::F32(bits) => js_number(f32::from_bits(bits) as f64),
        Value::F64(bits) => js_number(f64::from_bits(bits)),
        // ToJSValue of an i31 is its Number (JS API, GC).
        Value::AnyRef(Some(crate::vm::value::AnyRef::I31(bits))) => {
            crate::vm::value::AnyRef::i31_signed(bits).to_string()
        }
        Value::V128(_)
        | Value::FuncRef(_)
        | Value::ExternRef(_)
        | Value::ExnRef(_)
        | Value::AnyRef(_)
        | Value::Null(_) => "null".into(),
    }
}

fn js_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        format!("{x:?}")
    }
}

/// `value` as JavaScript when it needs no instance to name it: a number, a
/// BigInt, an i31 or a null reference; `None` for a `v128` and other references.
pub fn js_plain_value(value: &Value) -> Option<String> {
    match value {
        Value::V128(_) | Value::FuncRef(Some(_)) | Value::ExternRef(Some(_)) => None,
        Value::ExnRef(Some(_)) => None,
        Value::AnyRef(Some(r)) if !matches!(r, crate::vm::value::AnyRef::I31(_)) => None,
        _ => Some(js_value(value)),
    }
}

/// Function `index` of the instance the session calls `instance`, as JavaScript.
pub fn js_func(instance: &str, index: usize) -> String {
    format!("x(instances[{}], 'f', {index})", js_string(instance))
}

/// Property `name` of module `module` of the host object, as JavaScript.
pub fn js_host(module: &str, name: &str) -> String {
    format!("hostEnv[{}][{}]", js_string(module), js_string(name))
}

/// Memory `index` of the instance the session calls `instance`, as JavaScript.
pub fn js_memory(instance: &str, index: usize) -> String {
    format!("x(instances[{}], 'm', {index})", js_string(instance))
}

/// A statement that writes `bytes` at `at` into `memory` (JavaScript).
pub fn js_write(memory: &str, at: u64, bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("new Uint8Array({memory}.buffer).set(hex('{hex}'), {at});")
}

/// The helpers `host.mjs` uses after the host object.
const HELPERS: &str = "\
const instances = {};
const prefixes = new Map();
// Object KIND (f, t, m, g, x: function, table, memory, global, tag) number I of an instance.
const x = (instance, kind, i) => instance.exports[prefixes.get(instance) + kind + i];
const instantiate = async (file, prefix) => {
  const { instance } = await WebAssembly.instantiate(load(file), hostEnv);
  prefixes.set(instance, prefix);
  return (lastInstance = instance);
};
const hex = (s) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
// A memory takes over an older one's contents, growing as watlab grew it.
const carryMemory = (from, to, pages) => {
  const have = to.buffer.byteLength / 65536;
  if (pages > have) to.grow(pages - have);
  const n = Math.min(from.buffer.byteLength, to.buffer.byteLength);
  new Uint8Array(to.buffer, 0, n).set(new Uint8Array(from.buffer, 0, n));
};
const fillTable = (table, values) => {
  if (values.length > table.length) table.grow(values.length - table.length);
  values.forEach((v, i) => table.set(i, v));
};
// What an instruction input's fragment module imports: the session module's objects.
const sessionObjects = () => {
  const s = {};
  const session = instances['session'];
  if (session) {
    const prefix = prefixes.get(session);
    for (const [k, v] of Object.entries(session.exports)) if (k.startsWith(prefix)) s[k.slice(prefix.length)] = v;
  }
  return { s };
};
// An instruction input: what it writes stays, even when it traps (as in watlab).
const fragment = async (file, input, args) => {
  try {
    const { instance } = await WebAssembly.instantiate(load(file), sessionObjects());
    instance.exports.fragment(...args);
  } catch (e) {
    console.error(`${input}: ${e}`);
  }
};
";

/// The files of an exported session: the modules and `host.mjs`.
#[derive(Clone, Debug)]
pub struct JsProgram {
    /// `(file name, binary)` of each module, in session order.
    pub modules: Vec<(String, Vec<u8>)>,
    /// The text of `host.mjs`.
    pub script: String,
    /// One line per input the program does not repeat.
    pub unreplayed: Vec<String>,
}

/// The JavaScript program that repeats `journal` against the same host object.
pub fn program(host: &HostEnv, store: &Store, journal: &[JsEvent]) -> JsProgram {
    let unreplayed: Vec<String> = journal
        .iter()
        .filter_map(|e| match e {
            JsEvent::Unreplayed { input, why } => Some(format!("{}: {why}", one_line(input))),
            _ => None,
        })
        .collect();
    let mut script = String::from(
        "// Generated by watlab :export-js: the session's modules, host object and calls.\n\
         // Run with: node host.mjs\n",
    );
    if !unreplayed.is_empty() {
        script.push_str("// Not repeated here, so later results may differ from the session's:\n");
        for line in &unreplayed {
            let _ = writeln!(script, "//   {line}");
        }
    }
    script.push_str(
        "import { readFileSync } from 'node:fs';\n\
         const load = (name) => readFileSync(new URL(`./${name}.wasm`, import.meta.url));\n\
         const show = (type, v) => `${type}:${typeof v === 'bigint' ? v.toString() : String(v)}`;\n\
         const text = (a) => (typeof a === 'bigint' ? `${a}n` : String(a));\n\
         let lastInstance = null;\n\
         const memories = (o) => Object.values(o).filter((v) => v instanceof WebAssembly.Memory);\n\
         const currentMemory = () => (lastInstance && x(lastInstance, 'm', 0)) ?? Object.values(hostEnv).flatMap(memories)[0];\n",
    );
    script.push_str(&host_object(host, store));
    script.push_str(HELPERS);
    let mut modules = Vec::new();
    let mut versions = 0;
    let mut fragments = 0;
    let file = |modules: &mut Vec<(String, Vec<u8>)>, stem: String, bytes: &[u8], start| {
        let (bytes, prefix) = match export_binary::with_reserved_exports(bytes, start) {
            Some(r) => (r.bytes, r.prefix),
            None => (bytes.to_vec(), String::new()),
        };
        modules.push((format!("{stem}.wasm"), bytes));
        (js_string(&stem), js_string(&prefix))
    };
    for event in journal {
        match event {
            JsEvent::Instantiate { name, bytes } => {
                let (stem, prefix) = file(&mut modules, file_stem(name), bytes, false);
                let _ = writeln!(
                    script,
                    "instances[{}] = await instantiate({stem}, {prefix});",
                    js_string(name)
                );
            }
            JsEvent::Version { bytes, carried } => {
                versions += 1;
                let (stem, prefix) = file(&mut modules, format!("session_{versions}"), bytes, true);
                script.push_str(&version(&stem, &prefix, carried));
            }
            JsEvent::Fragment { input, bytes, args } => {
                fragments += 1;
                let stem = format!("fragment_{fragments}");
                modules.push((format!("{stem}.wasm"), bytes.to_vec()));
                let _ = writeln!(
                    script,
                    "await fragment({}, {}, [{}]);",
                    js_string(&stem),
                    js_string(&one_line(input)),
                    args.join(", ")
                );
            }
            JsEvent::Statement { input, js } => {
                let _ = writeln!(script, "{js} // {}", one_line(input));
            }
            JsEvent::Unreplayed { input, why } => {
                let _ = writeln!(script, "// not repeated: {}: {why}", one_line(input));
            }
            JsEvent::Register { as_name, instance } => {
                let _ = writeln!(
                    script,
                    "hostEnv[{}] = instances[{}].exports;",
                    js_string(as_name),
                    js_string(instance)
                );
            }
            JsEvent::Invoke {
                instance,
                export,
                args,
                results,
            } => {
                script.push_str(&invoke(instance, export, args, results));
                script.push('\n');
            }
            JsEvent::Trapped {
                input,
                instance,
                export,
                args,
            } => {
                let _ = writeln!(
                    script,
                    "try {{ {}; }} catch (e) {{ console.error(`${{{}}}: ${{e}}`); }}",
                    call(instance, export, args),
                    js_string(&one_line(input))
                );
            }
        }
    }
    JsProgram {
        modules,
        script,
        unreplayed,
    }
}

/// An input on one line, shortened, for a comment or a warning.
fn one_line(input: &str) -> String {
    let words: Vec<&str> = input.split_whitespace().collect();
    let line = words.join(" ");
    match line.char_indices().nth(60) {
        Some((at, _)) => format!("{}...", &line[..at]),
        None => line,
    }
}

/// The statements that make the session module's new version current
/// (`stem`, reserved exports `prefix`) and give it the `carried` state.
fn version(stem: &str, prefix: &str, carried: &Carried) -> String {
    let mut js = format!(
        "{{\n  const old = instances['session'];\n  const now = (instances['session'] = await instantiate({stem}, {prefix}));\n"
    );
    for (old, new, pages) in &carried.memories {
        let _ = writeln!(
            js,
            "  carryMemory(x(old, 'm', {old}), x(now, 'm', {new}), {pages});"
        );
    }
    for (memory, at, bytes) in &carried.data {
        let memory = format!("x(now, 'm', {memory})");
        let _ = writeln!(js, "  {}", js_write(&memory, *at, bytes));
    }
    for (global, value) in &carried.globals {
        let _ = writeln!(js, "  x(now, 'g', {global}).value = {value};");
    }
    for (table, values) in &carried.tables {
        let _ = writeln!(
            js,
            "  fillTable(x(now, 't', {table}), [{}]);",
            values.join(", ")
        );
    }
    if carried.start {
        js.push_str("  x(now, 'start', '')();\n");
    }
    js.push_str("}\n");
    js
}

/// A call of `export` of `instance` with `args` (JavaScript).
fn call(instance: &str, export: &str, args: &[Value]) -> String {
    let args: Vec<String> = args.iter().map(js_value).collect();
    format!(
        "instances[{}].exports[{}]({})",
        js_string(instance),
        js_string(export),
        args.join(", ")
    )
}

/// A call of `export` of `instance` with `args`, printing its results.
fn invoke(instance: &str, export: &str, args: &[Value], results: &[ValType]) -> String {
    let call = call(instance, export, args);
    match results {
        [] => format!("{call}; console.log('returned nothing');"),
        [ty] => format!("console.log(show('{ty}', {call}));"),
        many => {
            let types: Vec<String> = many.iter().map(|t| format!("'{t}'")).collect();
            format!(
                "{{ const r = {call}; [{}].forEach((t, i) => console.log(show(t, r[i]))); }}",
                types.join(", ")
            )
        }
    }
}

/// `const hostEnv = {...};`: the host object as it was made.
fn host_object(host: &HostEnv, store: &Store) -> String {
    let mut script = String::from("const hostEnv = {\n");
    for (module, props) in &host.modules {
        if module == "math" {
            script.push_str("  \"math\": Math,\n");
            continue;
        }
        let _ = writeln!(script, "  {}: {{", js_string(module));
        for (name, value) in props {
            let expr = match value {
                HostValue::ConsoleLog => {
                    "(...args) => console.log('console.log: ' + args.map(text).join(' '))"
                        .to_string()
                }
                HostValue::ConsoleLogUtf8 => "(offset, length) => console.log('console.log: ' + new TextDecoder().decode(new Uint8Array(currentMemory().buffer, offset, length)))".to_string(),
                HostValue::Math(f) => format!("Math.{f}"),
                HostValue::Number(n) => js_number(*n),
                HostValue::BigInt(n) => format!("{n}n"),
                HostValue::Object(ext) => js_constructor(host, store, *ext),
                HostValue::Thrower {
                    tag_path, payload, ..
                } => format!(
                    "() => {{ throw new WebAssembly.Exception(hostEnv.{tag_path}, [{}]) }}",
                    payload.iter().map(js_value).collect::<Vec<_>>().join(", ")
                ),
            };
            let _ = writeln!(script, "    {}: {expr},", js_string(name));
        }
        script.push_str("  },\n");
    }
    script.push_str("};\n");
    script
}

/// The constructor a host object was made with (`new WebAssembly.Memory({...})`,
/// `new WebAssembly.Global({...}, v)`, ...), or one for what it is now.
fn js_constructor(host: &HostEnv, store: &Store, ext: Extern) -> String {
    if let Some(created) = host.created.get(&ext) {
        return created.clone();
    }
    match ext {
        Extern::Memory(addr) => {
            let pages = store.memory(addr).map_or(0, |m| m.pages());
            format!("new WebAssembly.Memory({{ initial: {pages} }})")
        }
        Extern::Global(addr) => match store.global(addr) {
            Some(g) => format!(
                "new WebAssembly.Global({{ value: '{}', mutable: {} }}, {})",
                g.ty.ty,
                g.ty.mutable,
                js_value(&g.get())
            ),
            None => "undefined".into(),
        },
        Extern::Tag(addr) => match store.tag(addr) {
            Some(t) => format!(
                "new WebAssembly.Tag({{ parameters: [{}] }})",
                t.ty.params
                    .iter()
                    .map(|p| format!("'{p}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "undefined".into(),
        },
        _ => "undefined".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_repeats_the_journal() {
        let store = Store::new(crate::vm::Limits::default());
        let journal = [
            JsEvent::Instantiate {
                name: "$calc".into(),
                bytes: Arc::from(&b"\0asm"[..]),
            },
            JsEvent::Version {
                bytes: Arc::from(&b"\0asm"[..]),
                carried: Carried {
                    memories: vec![(0, 1, 2)],
                    data: vec![(1, 16, Arc::from(&b"hi"[..]))],
                    globals: vec![(0, "7n".into())],
                    tables: vec![(0, vec!["null".into(), js_func(SESSION, 3)])],
                    start: true,
                },
            },
            JsEvent::Fragment {
                input: "i32.const 1\n  global.set 0".into(),
                bytes: Arc::from(&b"\0asm"[..]),
                args: vec!["5".into()],
            },
            JsEvent::Unreplayed {
                input: ":write mem.pages 0 i32 1".into(),
                why: "the host's write".into(),
            },
            JsEvent::Invoke {
                instance: "$calc".into(),
                export: "add".into(),
                args: vec![Value::I32(1), Value::I64(2)],
                results: vec![ValType::I32],
            },
        ];
        let program = program(&HostEnv::new(), &store, &journal);
        let files: Vec<&str> = program.modules.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(files, ["calc.wasm", "session_1.wasm", "fragment_1.wasm"]);
        assert!(program.script.contains("\"math\": Math,"));
        for line in [
            "  carryMemory(x(old, 'm', 0), x(now, 'm', 1), 2);",
            "  new Uint8Array(x(now, 'm', 1).buffer).set(hex('6869'), 16);",
            "  x(now, 'g', 0).value = 7n;",
            "  fillTable(x(now, 't', 0), [null, x(instances[\"session\"], 'f', 3)]);",
            "  x(now, 'start', '')();",
            "await fragment(\"fragment_1\", \"i32.const 1 global.set 0\", [5]);",
            "//   :write mem.pages 0 i32 1: the host's write",
        ] {
            assert!(
                program.script.contains(line),
                "{line} in {}",
                program.script
            );
        }
        assert_eq!(
            program.unreplayed,
            [":write mem.pages 0 i32 1: the host's write"]
        );
        assert!(
            program.script.contains(
                "console.log(show('i32', instances[\"$calc\"].exports[\"add\"](1, 2n)));"
            )
        );
    }

    #[test]
    fn names_become_file_stems() {
        assert_eq!(file_stem("$calc"), "calc");
        assert_eq!(file_stem("#2"), "module_2");
        assert_eq!(js_number(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(js_value(&Value::I64(-5)), "-5n");
    }
}

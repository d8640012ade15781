//! `:export-js DIR`: a session as a JavaScript program, so a learner can
//! run exactly the same modules, host object and calls in the engine the
//! course uses (`node DIR/host.mjs`).
//!
//! [`program`] builds one `NAME.wasm` per module typed as `(module $NAME ...)`, one
//! `session_N.wasm` per version of the session module (it is rebuilt as
//! fields are typed; versions with nothing between them that `:undo` can no
//! longer reach count as the last), one `fragment_N.wasm` per instruction
//! input that left something node sees (a write, a host call), and a
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
use super::export_replay::{HELPERS, Replay};
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
    /// A version of the session module that the next one replaces with
    /// nothing between them: node skips it (see `session::journal_compact`).
    Superseded,
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
    /// A call repeated for what it changes, its results not printed: an
    /// `(invoke ...)` that trapped (what it wrote stays, as in watlab), or
    /// the call an assertion made.
    Call {
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

/// A table's contents: (index, size, (element index, value as JavaScript)
/// of each element that is not null).
pub type TableState = (u32, u32, Vec<(u32, String)>);

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
    /// Each table's contents.
    pub tables: Vec<TableState>,
    /// Whether watlab ran the start function (the input typed `(start ...)`).
    pub start: bool,
}

/// The journal's name for the session module (built from loose fields).
pub const SESSION: &str = "session";

/// A file-name-safe form of a session name (`$calc` -> `calc`, `#2` -> `module_2`).
pub(super) fn file_stem(name: &str) -> String {
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

pub(super) fn js_string(text: &str) -> String {
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

/// `show(type, v)`: a result as watlab shows it (`i32:7`, `f64:0.0000001`,
/// `f32:0.1`, `f64:inf`), floats by the rules of [`crate::vm::value::format_f64`]
/// (JavaScript keeps no NaN payload: every NaN is `nan`).
const SHOW: &str = r#"// A float as watlab shows it: the shortest digits (of the f32, for an f32),
// a plain decimal from 1e-9 up to 1e21, else scientific.
const float = (v, single) => {
  if (Number.isNaN(v)) return 'nan';
  if (Math.abs(v) === Infinity) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  let n = v;
  for (let p = 1; single && p <= 9; p++) {
    if (Math.fround(Number(v.toPrecision(p))) === v) { n = Number(v.toPrecision(p)); break; }
  }
  const [m, e] = Math.abs(n).toExponential().split('e');
  const sign = n < 0 ? '-' : '';
  if (Math.abs(n) < 1e-9 || Math.abs(n) >= 1e21) return `${sign}${m}e${Number(e)}`;
  const digits = m.replace('.', '');
  const point = Number(e) + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
};
const show = (type, v) =>
  `${type}:${type === 'f32' || type === 'f64' ? float(v, type === 'f32') : typeof v === 'bigint' ? v.toString() : String(v)}`;
"#;

/// The JavaScript program that repeats `journal` against the same host object.
pub fn program(host: &HostEnv, store: &Store, journal: &[JsEvent]) -> JsProgram {
    let mut replay = Replay::new(host);
    for event in journal {
        replay.event(event);
    }
    let mut script = String::from(
        "// Generated by watlab :export-js: the session's modules, host object and calls.\n\
         // Run with: node host.mjs\n",
    );
    if !replay.unreplayed.is_empty() {
        script.push_str("// Where this program does not match the session (not repeated, or shown otherwise):\n");
        for line in &replay.unreplayed {
            let _ = writeln!(script, "//   {line}");
        }
    }
    script.push_str(
        "import { readFileSync } from 'node:fs';\n\
         const load = (name) => readFileSync(new URL(`./${name}.wasm`, import.meta.url));\n\
         const text = (a) => (typeof a === 'bigint' ? `${a}n` : String(a));\n\
         let lastInstance = null;\n\
         const memories = (o) => Object.values(o).filter((v) => v instanceof WebAssembly.Memory);\n\
         const currentMemory = () => (lastInstance && x(lastInstance, 'm', 0)) ?? Object.values(hostEnv).flatMap(memories)[0];\n",
    );
    script.push_str(SHOW);
    script.push_str(&host_object(host, store));
    script.push_str(HELPERS);
    script.push_str(&replay.script);
    JsProgram {
        modules: replay.modules,
        script,
        unreplayed: replay.unreplayed,
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
                    tables: vec![(0, 3, vec![(1, js_func(SESSION, 3))])],
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
            "  fillTable(x(now, 't', 0), 3, [[1, x(instances[\"session\"], 'f', 3)]]);",
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

//! The statements of `host.mjs` that repeat the session's journal, one
//! [`JsEvent`] at a time, and the helpers they call; what node cannot repeat
//! is gathered as it goes (see [`super::export_js`]).

use super::env::HostEnv;
use super::export_binary;
use super::export_js::{Carried, JsEvent, SESSION, file_stem, js_plain_value, js_string, js_write};
use crate::vm::{ValType, Value};
use std::fmt::Write as _;

/// The helpers `host.mjs` uses after the host object.
pub(super) const HELPERS: &str = "\
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
// A table of SIZE elements, null but for the [index, value] ENTRIES.
const fillTable = (table, size, entries) => {
  if (size > table.length) table.grow(size - table.length);
  for (let i = 0; i < size; i++) table.set(i, null);
  for (const [i, v] of entries) table.set(i, v);
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

/// The journal turned into statements, and the files they load.
pub(super) struct Replay<'a> {
    host: &'a HostEnv,
    /// The statements.
    pub(super) script: String,
    /// `(file name, binary)` of each module, in session order.
    pub(super) modules: Vec<(String, Vec<u8>)>,
    /// One line per input the statements do not repeat, and why.
    pub(super) unreplayed: Vec<String>,
    versions: usize,
    fragments: usize,
}

impl<'a> Replay<'a> {
    /// Nothing repeated yet, against the host object `host`.
    pub(super) fn new(host: &'a HostEnv) -> Replay<'a> {
        Replay {
            host,
            script: String::new(),
            modules: Vec::new(),
            unreplayed: Vec::new(),
            versions: 0,
            fragments: 0,
        }
    }

    /// Adds `bytes` as `STEM.wasm` with reserved exports (its start section
    /// taken out if `strip_start`); returns the stem and the exports' prefix
    /// as JavaScript strings.
    fn file(&mut self, stem: String, bytes: &[u8], strip_start: bool) -> (String, String) {
        let (bytes, prefix) = match export_binary::with_reserved_exports(bytes, strip_start) {
            Some(r) => (r.bytes, r.prefix),
            None => (bytes.to_vec(), String::new()),
        };
        if self.imports_random(&bytes) {
            self.unreplayed.push(format!(
                "{stem}.wasm imports Math.random: node's numbers are not watlab's (seeded) ones"
            ));
        }
        self.modules.push((format!("{stem}.wasm"), bytes));
        (js_string(&stem), js_string(&prefix))
    }

    /// Whether module `bytes` imports the host's `Math.random`.
    fn imports_random(&self, bytes: &[u8]) -> bool {
        let random = super::env::HostValue::Math("random");
        wasmparser::Parser::new(0).parse_all(bytes).any(|payload| {
            let Ok(wasmparser::Payload::ImportSection(reader)) = payload else {
                return false;
            };
            reader.into_imports().flatten().any(|import| {
                let value = self.host.modules.get(import.module);
                value.and_then(|m| m.get(import.name)) == Some(&random)
            })
        })
    }

    /// Adds the statements that repeat `event`.
    pub(super) fn event(&mut self, event: &JsEvent) {
        match event {
            JsEvent::Instantiate { name, bytes } => {
                let (stem, prefix) = self.file(file_stem(name), bytes, false);
                let _ = writeln!(
                    self.script,
                    "instances[{}] = await instantiate({stem}, {prefix});",
                    js_string(name)
                );
            }
            JsEvent::Version { bytes, carried } => {
                self.versions += 1;
                let (stem, prefix) = self.file(format!("session_{}", self.versions), bytes, true);
                self.script.push_str(&version(&stem, &prefix, carried));
            }
            JsEvent::Fragment { input, bytes, args } => {
                self.fragments += 1;
                let stem = format!("fragment_{}", self.fragments);
                self.modules.push((format!("{stem}.wasm"), bytes.to_vec()));
                let _ = writeln!(
                    self.script,
                    "await fragment({}, {}, [{}]);",
                    js_string(&stem),
                    js_string(&one_line(input)),
                    args.join(", ")
                );
            }
            JsEvent::Superseded => {}
            JsEvent::Statement { input, js } => {
                let _ = writeln!(self.script, "{js} // {}", one_line(input));
            }
            JsEvent::Unreplayed { input, why } => self.unreplayed(&one_line(input), why),
            JsEvent::Register { as_name, instance } => {
                let _ = writeln!(
                    self.script,
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
            } => self.invoke(instance, export, args, results),
            JsEvent::Call {
                input,
                instance,
                export,
                args,
            } => match call(instance, export, args) {
                Some(call) => {
                    let _ = writeln!(
                        self.script,
                        "try {{ {call}; }} catch (e) {{ console.error(`${{{}}}: ${{e}}`); }}",
                        js_string(&one_line(input))
                    );
                }
                None => self.unreplayed(&one_line(input), UNPASSABLE),
            },
        }
    }

    /// Notes, in place and in the list, that `input` is not repeated and why.
    fn unreplayed(&mut self, input: &str, why: &str) {
        let _ = writeln!(self.script, "// not repeated: {input}: {why}");
        self.unreplayed.push(format!("{input}: {why}"));
    }

    /// A call of `export` of `instance` with `args` that printed `results`.
    fn invoke(&mut self, instance: &str, export: &str, args: &[Value], results: &[ValType]) {
        // The call as the session would show it.
        let typed = || {
            let args: String = args.iter().map(|a| format!(" {a}")).collect();
            match instance {
                SESSION => format!("(invoke \"{export}\"{args})"),
                named => format!("(invoke {named} \"{export}\"{args})"),
            }
        };
        let Some(call) = call(instance, export, args) else {
            return self.unreplayed(&one_line(&typed()), UNPASSABLE);
        };
        if results.contains(&ValType::V128) {
            // The call runs, and JavaScript refuses its result after.
            let _ = writeln!(self.script, "try {{ {call}; }} catch {{}}");
            return self.unreplayed(
                &one_line(&typed()),
                "it is called, but a v128 result cannot reach JavaScript to be printed",
            );
        }
        if results.iter().any(|t| t.is_ref()) {
            // Printed all the same: a null reads `TYPE:null` in both.
            self.unreplayed.push(format!(
                "{}: a reference result prints as JavaScript shows it, not as watlab's func#N",
                one_line(&typed())
            ));
        }
        let shown = match results {
            [] => format!("{call}; console.log('returned nothing');"),
            [ty] => format!("console.log(show('{ty}', {call}));"),
            many => {
                let types: Vec<String> = many.iter().map(|t| format!("'{t}'")).collect();
                format!(
                    "{{ const r = {call}; [{}].forEach((t, i) => console.log(show(t, r[i]))); }}",
                    types.join(", ")
                )
            }
        };
        self.script.push_str(&shown);
        self.script.push('\n');
    }
}

/// Why a call is not repeated when an argument cannot be passed.
const UNPASSABLE: &str =
    "an argument JavaScript cannot pass (a v128, or a reference other than null)";

/// An input on one line, shortened, for a comment or a warning.
fn one_line(input: &str) -> String {
    crate::text::shorten::shortened(input, 60)
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
    for (table, size, entries) in &carried.tables {
        let entries: Vec<String> = (entries.iter())
            .map(|(i, value)| format!("[{i}, {value}]"))
            .collect();
        let _ = writeln!(
            js,
            "  fillTable(x(now, 't', {table}), {size}, [{}]);",
            entries.join(", ")
        );
    }
    if carried.start {
        js.push_str("  x(now, 'start', '')();\n");
    }
    js.push_str("}\n");
    js
}

/// A call of `export` of `instance` with `args` (JavaScript); `None` when
/// JavaScript cannot pass an argument.
fn call(instance: &str, export: &str, args: &[Value]) -> Option<String> {
    let args: Option<Vec<String>> = args.iter().map(js_plain_value).collect();
    Some(format!(
        "instances[{}].exports[{}]({})",
        js_string(instance),
        js_string(export),
        args?.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn calls_javascript_cannot_make_or_print_are_named() {
        let host = HostEnv::new();
        let mut replay = Replay::new(&host);
        let invoke = |export: &str, args, results| JsEvent::Invoke {
            instance: if export == "v" { "$m" } else { SESSION }.into(),
            export: export.into(),
            args,
            results,
        };
        replay.event(&invoke("v", vec![Value::ExternRef(Some(1))], vec![]));
        replay.event(&invoke("w", vec![], vec![ValType::V128]));
        replay.event(&invoke(
            "n",
            vec![Value::FuncRef(None)],
            vec![ValType::FuncRef],
        ));
        assert_eq!(
            replay.unreplayed,
            [
                format!("(invoke $m \"v\" externref:1): {UNPASSABLE}"),
                "(invoke \"w\"): it is called, but a v128 result cannot reach \
                 JavaScript to be printed"
                    .to_string(),
                "(invoke \"n\" funcref:null): a reference result prints as JavaScript shows \
                 it, not as watlab's func#N"
                    .to_string()
            ]
        );
        assert!(
            (replay.script).contains("try { instances[\"session\"].exports[\"w\"](); } catch {}")
        );
        assert!((replay.script).contains(
            "console.log(show('funcref', instances[\"session\"].exports[\"n\"](null)));"
        ));
    }

    #[test]
    fn a_module_that_imports_math_random_is_named() {
        let host = HostEnv::new();
        let mut replay = Replay::new(&host);
        let bytes = wat::parse_str(r#"(module (import "math" "random" (func (result f64))))"#)
            .expect("valid");
        replay.event(&JsEvent::Instantiate {
            name: "$r".into(),
            bytes: Arc::from(bytes.as_slice()),
        });
        assert_eq!(
            replay.unreplayed,
            ["r.wasm imports Math.random: node's numbers are not watlab's (seeded) ones"]
        );
    }
}

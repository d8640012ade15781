//! The layers of `src/` import downward only (issue 9). Each top-level module
//! may name (as `crate::NAME`) only the modules the table below allows; a new
//! module must be added to the table, and the table itself must have no
//! cycle. The crate doc in `src/lib.rs` draws the same layers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each module and the modules it may use, bottom layer first.
const ALLOWED: &[(&str, &[&str])] = &[
    ("vm", &[]),
    ("text", &["vm"]),
    ("binary", &[]),
    ("host", &["vm", "text"]),
    ("script", &["vm", "text"]),
    ("session", &["vm", "text", "binary", "host", "script"]),
    ("lesson", &["vm", "text", "session"]),
    (
        "commands",
        &[
            "vm", "text", "binary", "host", "script", "session", "lesson",
        ],
    ),
    ("view", &["vm", "text", "binary", "session"]),
    ("transcript", &["vm", "text", "session", "commands", "view"]),
    (
        "repl",
        &["vm", "text", "session", "commands", "view", "transcript"],
    ),
    (
        "cli",
        &[
            "vm",
            "text",
            "binary",
            "host",
            "script",
            "session",
            "lesson",
            "commands",
            "view",
            "transcript",
            "repl",
        ],
    ),
];

fn allowed(module: &str) -> Option<&'static [&'static str]> {
    ALLOWED.iter().find(|(m, _)| *m == module).map(|(_, a)| *a)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/vm/exec/run.rs` -> `vm`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        name => Some(name.trim_end_matches(".rs").to_string()),
    }
}

/// Every `crate::NAME` in code (comments skipped).
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push((number + 1, name));
            }
            rest = after;
        }
        // `use crate::{a, b}` groups.
        if let Some(at) = code.find("crate::{") {
            let group = &code[at + "crate::{".len()..];
            for name in group.split([',', '}']) {
                let name: String = name
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push((number + 1, name));
                }
            }
        }
    }
    found
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let Some(allowed) = allowed(&module) else {
            violations.push(format!(
                "{}: module `{module}` is not in the layer table of tests/architecture.rs",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("readable source");
        for (line, name) in crate_paths(&text) {
            if name != module && !allowed.contains(&name.as_str()) {
                violations.push(format!(
                    "{}:{line}: `{module}` uses `crate::{name}`, which is not below it",
                    file.display()
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_layer_table_has_no_cycle_and_names_every_module_of_lib_rs() {
    // Each module may only use modules listed before it in the table.
    let mut seen: Vec<&str> = Vec::new();
    for (module, uses) in ALLOWED {
        for used in *uses {
            assert!(
                seen.contains(used),
                "`{module}` uses `{used}`, which is not listed before it"
            );
        }
        seen.push(module);
    }
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let mut listed: BTreeMap<&str, ()> = ALLOWED.iter().map(|(m, _)| (*m, ())).collect();
    for module in &declared {
        assert!(
            listed.remove(module).is_some(),
            "src/lib.rs declares `{module}`, which the layer table does not list"
        );
    }
    assert!(
        listed.is_empty(),
        "the layer table lists modules src/lib.rs does not declare: {listed:?}"
    );
}

#[test]
fn the_scanner_finds_plain_and_grouped_paths() {
    let found =
        crate_paths("use crate::view::x;\nuse crate::{session, text::lex};\n// crate::cli\n");
    let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["view", "session", "text"]);
}

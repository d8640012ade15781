//! The referee: node (V8) performs the same plan through `driver.js` and
//! prints one canonical line per step.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::canon::Val;
use crate::generate::{FUEL_EXPORT, MODULE_FUEL};
use crate::plan::{Plan, Step};
use crate::shape::ExportType;

const DRIVER: &str = include_str!("driver.js");

/// Fails the test, saying how to get node, unless `node` runs.
pub fn require_node() {
    let found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the differential test needs node (V8) as its referee and found none on PATH: \
         install node 20 or later (Debian: `apt-get install nodejs`; .ci/run does this)"
    );
}

fn hex(name: &str) -> String {
    name.bytes().map(|b| format!("{b:02x}")).collect()
}

fn arg_text(v: &Val) -> String {
    match *v {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(b) => format!("f32:{b:08x}"),
        Val::F64(b) => format!("f64:{b:016x}"),
        Val::Ref { .. } => "ref:null".to_string(),
        // Plans V8 runs call no function with a v128 (see `generate::calls`).
        Val::V128(bits) => format!("v128:{bits:032x}"),
    }
}

/// The plan as the driver reads it.
fn plan_text(plan: &Plan) -> String {
    let mut text = String::new();
    for (i, shape) in plan.shapes.iter().enumerate() {
        for export in &shape.exports {
            if let ExportType::Global { ty, .. } = export.ty {
                let _ = writeln!(text, "global {i} {} {}", hex(&export.name), ty.name());
            }
        }
    }
    for step in plan.steps() {
        match step {
            Step::Instantiate(i) => {
                let _ = writeln!(text, "module m{i}.wasm");
            }
            Step::Call(call) => {
                let callee = plan.callee(call);
                let results: Vec<&str> = callee.results.iter().map(|t| t.name()).collect();
                let results = if results.is_empty() {
                    "-".to_string()
                } else {
                    results.join(",")
                };
                let _ = write!(
                    text,
                    "call {} {} {results}",
                    call.instance,
                    hex(callee.name)
                );
                for arg in &call.args {
                    let _ = write!(text, " {}", arg_text(arg));
                }
                text.push('\n');
            }
        }
    }
    text
}

/// Writes the plan into `dir` (the modules, `plan.txt`, `driver.js`); the
/// line [`rerun`] gives reproduces it by hand.
pub fn write(plan: &Plan, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (i, wasm) in plan.modules.iter().enumerate() {
        std::fs::write(dir.join(format!("m{i}.wasm")), wasm)?;
    }
    std::fs::write(dir.join("plan.txt"), plan_text(plan))?;
    std::fs::write(dir.join("driver.js"), DRIVER)
}

/// The directory a plan is written to for V8.
pub fn dir_for(label: &str) -> PathBuf {
    let label = label.replace(' ', "-");
    std::env::temp_dir().join(format!("watlab-smith-{}-{label}", std::process::id()))
}

/// V8 flags for the proposals `generate::config` turns on that node 20
/// ships behind a flag (SIMD and tail calls are on by default).
const FLAGS: &[&str] = &["--experimental-wasm-extended-const"];

/// The command that performs the plan in `dir` under node.
pub fn rerun(dir: &Path) -> String {
    format!(
        "node {1} {0}/driver.js {0} {FUEL_EXPORT} {MODULE_FUEL}",
        dir.display(),
        FLAGS.join(" ")
    )
}

/// Runs the plan written in `dir` under node: one line per step performed.
pub fn run(dir: &Path) -> Result<Vec<String>, String> {
    let out = Command::new("node")
        .args(FLAGS)
        .arg(dir.join("driver.js"))
        .arg(dir)
        .arg(FUEL_EXPORT)
        .arg(MODULE_FUEL.to_string())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "node failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

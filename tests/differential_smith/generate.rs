//! Seeded generation: wasm-smith modules from a fixed PRNG, and the calls
//! (export, arguments) each plan makes.

use crate::canon::Val;
use crate::plan::{Call, Plan};
use crate::shape::{ExportType, Shape, Ty};
use arbitrary::Unstructured;
use watlab::vm::sections::{leb as read_leb, put_leb};

/// Fuel of the global wasm-smith's `ensure_termination` adds to a module:
/// one unit per function entry and loop iteration, so a runaway call ends
/// with `unreachable` at the same point in every engine. The harness exports
/// the global as [`FUEL_EXPORT`] and sets it again before every call. It
/// also bounds recursion far below every engine's stack.
pub const MODULE_FUEL: i32 = 1_000;

/// The export name given to the fuel global.
pub const FUEL_EXPORT: &str = "watlab-smith-fuel";

/// Argument sets each exported function is called with.
pub const ROUNDS: usize = 3;

/// SplitMix64 (Steele, Lea, Flood): deterministic for a given seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_5A17_D1FF_0002)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Which proposals a plan's modules use, and so who can referee them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Features {
    /// WebAssembly 2.0 plus what node 20's V8 also runs: SIMD, tail calls,
    /// extended-const (behind a flag, see `v8::FLAGS`). V8 referees.
    Refereed,
    /// SIMD, tail calls and extended-const with multi-memory, memory64, wide
    /// arithmetic and custom page sizes, which node 20 lacks (memory64 only
    /// behind a flag): watlab's run and step mode and wasmi only.
    WasmiOnly,
}

/// What wasm-smith may generate for `features`. Every proposal watlab's
/// engine runs is on, except relaxed SIMD (its results are
/// implementation-defined, so engines may differ legitimately), threads
/// (one thread has no races to compare), exceptions and GC (not in watlab).
pub fn config(features: Features) -> wasm_smith::Config {
    let wasmi_only = features == Features::WasmiOnly;
    wasm_smith::Config {
        // In watlab, wasmi and V8; with several or 64-bit memories, in
        // watlab and wasmi (vector loads and stores on any memory).
        simd_enabled: true,
        tail_call_enabled: true,
        extended_const_enabled: true,
        // In watlab and wasmi, not in node 20's V8.
        max_memories: if wasmi_only { 3 } else { 1 },
        memory64_enabled: wasmi_only,
        wide_arithmetic_enabled: wasmi_only,
        custom_page_sizes_enabled: wasmi_only,
        // Not compared (see above) or not in watlab.
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        compact_imports_enabled: false,
        custom_descriptors_enabled: false,
        acquire_release_atomics_enabled: false,
        multibyte_array_access_enabled: false,
        // WebAssembly 2.0, all on.
        multi_value_enabled: true,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        sign_extension_ops_enabled: true,
        saturating_float_to_int_enabled: true,
        allow_floats: true,
        max_tables: 3,
        // Deterministic across engines: NaNs written to memory or
        // reinterpreted are canonical; sizes stay far below every engine's
        // limits, and growth beyond a declared maximum fails everywhere alike.
        canonicalize_nans: true,
        memory_max_size_required: true,
        max_memory32_bytes: 4 * 65_536,
        max_memory64_bytes: 4 * 65_536,
        table_max_size_required: true,
        max_table_elements: 1_000,
        // Everything observable; imports only where a plan links two modules.
        export_everything: true,
        max_imports: 0,
        min_types: 1,
        min_funcs: 3,
        max_funcs: 20,
        ..wasm_smith::Config::default()
    }
}

/// One module from `rng`'s bytes, made to terminate (see [`MODULE_FUEL`]).
pub fn module(rng: &mut Rng, config: wasm_smith::Config) -> Result<Vec<u8>, String> {
    let len = 1_000 + rng.below(7_000);
    let bytes = rng.bytes(len);
    let mut u = Unstructured::new(&bytes);
    let mut module = wasm_smith::Module::new(config, &mut u).map_err(|e| e.to_string())?;
    let fuel = module
        .ensure_termination(MODULE_FUEL as u32)
        .map_err(|e| e.to_string())?;
    export_global(&module.to_bytes(), FUEL_EXPORT, fuel)
}

/// Adds an export of global `index` as `name` to the export section of
/// `wasm` (wasm-smith offers no way to export the fuel global it adds).
fn export_global(wasm: &[u8], name: &str, index: u32) -> Result<Vec<u8>, String> {
    const EXPORT_SECTION: u8 = 7;
    let mut at = 8;
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        let size = read_leb(wasm, &mut at).ok_or("bad section size")? as usize;
        let body = at;
        at += size;
        if id != EXPORT_SECTION {
            continue;
        }
        let mut count_end = body;
        let count = read_leb(wasm, &mut count_end).ok_or("bad export count")?;
        let mut content = Vec::new();
        put_leb(&mut content, count + 1);
        content.extend_from_slice(wasm.get(count_end..at).ok_or("short section")?);
        put_leb(&mut content, name.len() as u32);
        content.extend_from_slice(name.as_bytes());
        content.push(0x03); // a global
        put_leb(&mut content, index);
        let mut out = wasm[..start].to_vec();
        out.push(EXPORT_SECTION);
        put_leb(&mut out, content.len() as u32);
        out.extend_from_slice(&content);
        out.extend_from_slice(&wasm[at..]);
        return Ok(out);
    }
    Err("the module has no export section".to_string())
}

/// An argument of numeric or nullable reference type `ty`.
pub fn arg(rng: &mut Rng, ty: Ty) -> Val {
    let f32s = [
        0.0f32,
        -0.0,
        1.0,
        -1.5,
        0.1,
        3.4e38,
        1e-45,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ];
    let f64s = [
        0.0f64,
        -0.0,
        1.0,
        -2.5,
        0.1,
        1e300,
        5e-324,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    let wild = rng.below(4) == 0;
    match ty {
        Ty::I32 if wild => Val::I32(rng.next() as i32),
        Ty::I32 => Val::I32(rng.pick(&[0, 1, -1, 2, 7, 100, 65_535, 65_536, i32::MIN, i32::MAX])),
        Ty::I64 if wild => Val::I64(rng.next() as i64),
        Ty::I64 => Val::I64(rng.pick(&[0, 1, -1, 3, 1 << 32, -1 << 40, i64::MIN, i64::MAX])),
        // Any float but a NaN with a payload (a JavaScript number carries none).
        Ty::F32 if wild => Val::F32(((rng.next() as i32) as f32 / 64.0).to_bits()),
        Ty::F32 => Val::F32(rng.pick(&f32s).to_bits()),
        Ty::F64 if wild => Val::F64(((rng.next() as i32) as f64 / 64.0).to_bits()),
        Ty::F64 => Val::F64(rng.pick(&f64s).to_bits()),
        Ty::FuncRef | Ty::ExternRef => Val::Ref { null: true },
        Ty::V128 => Val::V128(u128::from(rng.next()) << 64 | u128::from(rng.next())),
    }
}

/// Every exported function of each instance, `ROUNDS` times, interleaved;
/// for `features` that V8 referees, only those JavaScript can call (no
/// `v128` parameter or result).
fn calls(rng: &mut Rng, shapes: &[Shape], features: Features) -> Vec<Call> {
    let mut calls = Vec::new();
    for _ in 0..ROUNDS {
        for (instance, shape) in shapes.iter().enumerate() {
            for (export, e) in shape.exports.iter().enumerate() {
                if let ExportType::Func { params, results } = &e.ty {
                    let v128 = params.iter().chain(results).any(|t| *t == Ty::V128);
                    if v128 && features == Features::Refereed {
                        continue;
                    }
                    let args = params.iter().map(|t| arg(rng, *t)).collect();
                    calls.push(Call {
                        instance,
                        export,
                        args,
                    });
                }
            }
        }
    }
    calls
}

/// The plan of seed `seed`: one module and calls into it.
pub fn single(seed: u64, features: Features) -> Result<Plan, String> {
    let mut rng = Rng::new(seed);
    let wasm = module(&mut rng, config(features))?;
    let shapes = vec![Shape::read(&wasm)?];
    let calls = calls(&mut rng, &shapes, features);
    Ok(Plan {
        modules: vec![wasm],
        shapes,
        calls,
    })
}

/// The plan of seed `seed` for a linked pair: module `a` exports everything
/// (memory, tables, globals, functions); the second module may import any of
/// it (wasm-smith's `available_imports`); calls go into both.
pub fn linked(seed: u64, features: Features) -> Result<Plan, String> {
    let mut rng = Rng::new(seed ^ 0x0011_4ED0_0000_0000);
    let a_config = wasm_smith::Config {
        min_memories: 1,
        min_tables: 1,
        ..config(features)
    };
    let a = module(&mut rng, a_config)?;
    let a_shape = Shape::read(&a)?;
    let importer = wat::parse_str(a_shape.importer_wat()).map_err(|e| e.to_string())?;
    let mut b_config = config(features);
    b_config.available_imports = Some(importer);
    b_config.max_imports = 100;
    let b = module(&mut rng, b_config)?;
    let shapes = vec![a_shape, Shape::read(&b)?];
    let calls = calls(&mut rng, &shapes, features);
    Ok(Plan {
        modules: vec![a, b],
        shapes,
        calls,
    })
}

//! The instruction catalog: one entry for every instruction watlab runs
//! (WebAssembly 2.0 with SIMD, and the 3.0 additions listed in the README), with its text-format
//! name, immediates, stack signature and a short plain-words description. The vector
//! instructions' entries are derived from the interpreter's table of them (see [`super::vector_docs`]).
//!
//! It backs three things: `:doc INSTR` (signature plus summary), the inline
//! hint shown while typing (`i32.store  [addr:i32 value:i32] -> []`), and
//! error messages that name what an instruction expected
//! (`i32.add needs 2 operands [i32 i32]`).
//!
//! Instructions whose real stack effect depends on their immediates or on
//! the surrounding code (`block`, `br`, `call`, `local.get`, `select`, ...)
//! carry a generic signature with placeholder types (`t`, `any`, `params`,
//! `results`, `label`, `ref`); their summaries say what decides the real
//! types.

/// The family an instruction belongs to, for grouping in help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Structured control flow, branches and calls.
    Control,
    /// Creating and testing references.
    Reference,
    /// `drop` and `select`, which work on any value type.
    Parametric,
    /// Locals and globals.
    Variable,
    /// Table access and bulk table operations.
    Table,
    /// Loads, stores and bulk memory operations.
    Memory,
    /// Constants and arithmetic, comparison and conversion operators.
    Numeric,
    /// Vector (`v128`) instructions: fixed-width and relaxed SIMD.
    Vector,
}

/// One operand or result in a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operand {
    /// What the value means (`addr`, `count`); empty when the type says it all.
    pub name: &'static str,
    /// Its type: `i32`, `i64`, `f32`, `f64`, `funcref`, or a placeholder
    /// (`ref`, `any`, `t`, `params`, `results`, `label`).
    pub ty: &'static str,
}

/// Everything watlab knows about one instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InstrDoc {
    /// Text-format name, e.g. `i32.store`.
    pub name: &'static str,
    /// Family, for grouping in help.
    pub family: Family,
    /// Text-format immediates, e.g. `offset=N? align=N?` or `$label`; empty if none.
    pub immediates: &'static str,
    /// Operands popped, bottom of the stack first.
    pub params: &'static [Operand],
    /// Results pushed, bottom of the stack first.
    pub results: &'static [Operand],
    /// One short paragraph: what it does, including when it traps.
    pub summary: &'static str,
}

impl InstrDoc {
    /// The stack signature, e.g. `[addr:i32 value:i32] -> []`.
    pub fn signature(&self) -> String {
        format!(
            "[{}] -> [{}]",
            operand_list(self.params),
            operand_list(self.results)
        )
    }
}

/// Space-separated `name:ty` (or just `ty` when unnamed).
fn operand_list(operands: &[Operand]) -> String {
    let mut out = String::new();
    for (i, operand) in operands.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if !operand.name.is_empty() {
            out.push_str(operand.name);
            out.push(':');
        }
        out.push_str(operand.ty);
    }
    out
}

/// The written entries followed by the vector ones, built once.
static ALL: std::sync::LazyLock<Vec<InstrDoc>> = std::sync::LazyLock::new(|| {
    let mut all = CATALOG.to_vec();
    all.extend(super::vector_docs::entries());
    all
});

/// All instructions, in spec order (the order of the text-format chapter:
/// control, reference, parametric, variable, table, memory, numeric, vector).
pub fn all() -> &'static [InstrDoc] {
    &ALL
}

/// Look up by exact text name.
pub fn lookup(name: &str) -> Option<&'static InstrDoc> {
    all().iter().find(|doc| doc.name == name)
}

/// Names starting with `prefix`, sorted, for tab completion.
pub fn complete(prefix: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = all()
        .iter()
        .map(|doc| doc.name)
        .filter(|name| name.starts_with(prefix))
        .collect();
    names.sort_unstable();
    names
}

const fn op(name: &'static str, ty: &'static str) -> Operand {
    Operand { name, ty }
}

const fn doc(
    name: &'static str,
    family: Family,
    immediates: &'static str,
    params: &'static [Operand],
    results: &'static [Operand],
    summary: &'static str,
) -> InstrDoc {
    InstrDoc {
        name,
        family,
        immediates,
        params,
        results,
        summary,
    }
}

/// A numeric instruction without immediates (everything but the constants).
const fn num(
    name: &'static str,
    params: &'static [Operand],
    results: &'static [Operand],
    summary: &'static str,
) -> InstrDoc {
    doc(name, Family::Numeric, "", params, results, summary)
}

// Operands, shared by many entries. An empty name prints as just the type.
const ADDR: Operand = op("addr", "i32");
const ARGS_PARAMS: Operand = op("args", "params");
const A_F32: Operand = op("a", "f32");
const A_F64: Operand = op("a", "f64");
const A_I32: Operand = op("a", "i32");
const A_I64: Operand = op("a", "i64");
const A_T: Operand = op("a", "t");
const B_F32: Operand = op("b", "f32");
const B_F64: Operand = op("b", "f64");
const B_I32: Operand = op("b", "i32");
const B_I64: Operand = op("b", "i64");
const B_T: Operand = op("b", "t");
const COND: Operand = op("cond", "i32");
const COUNT_I32: Operand = op("count", "i32");
const COUNT_I64: Operand = op("count", "i64");
const DELTA: Operand = op("delta", "i32");
const DEST: Operand = op("dest", "i32");
const DIVIDEND_F32: Operand = op("dividend", "f32");
const DIVIDEND_F64: Operand = op("dividend", "f64");
const DIVIDEND_I32: Operand = op("dividend", "i32");
const DIVIDEND_I64: Operand = op("dividend", "i64");
const DIVISOR_F32: Operand = op("divisor", "f32");
const DIVISOR_F64: Operand = op("divisor", "f64");
const DIVISOR_I32: Operand = op("divisor", "i32");
const DIVISOR_I64: Operand = op("divisor", "i64");
const F32: Operand = op("", "f32");
const F64: Operand = op("", "f64");
const FUNCREF: Operand = op("", "funcref");
const I32: Operand = op("", "i32");
const I64: Operand = op("", "i64");
const INDEX: Operand = op("index", "i32");
const INIT_REF: Operand = op("init", "ref");
const LEN: Operand = op("len", "i32");
const MAGNITUDE_F32: Operand = op("magnitude", "f32");
const MAGNITUDE_F64: Operand = op("magnitude", "f64");
const OLD_SIZE: Operand = op("old_size", "i32");
const REF: Operand = op("", "ref");
const RESULTS: Operand = op("", "results");
const SIGN_F32: Operand = op("sign", "f32");
const SIGN_F64: Operand = op("sign", "f64");
const SIZE: Operand = op("size", "i32");
const SRC: Operand = op("src", "i32");
const T: Operand = op("", "t");
const VALUES_LABEL: Operand = op("values", "label");
const VALUES_RESULTS: Operand = op("values", "results");
const VALUE_ANY: Operand = op("value", "any");
const VALUE_F32: Operand = op("value", "f32");
const VALUE_F64: Operand = op("value", "f64");
const VALUE_I32: Operand = op("value", "i32");
const VALUE_I64: Operand = op("value", "i64");
const VALUE_REF: Operand = op("value", "ref");
const VALUE_T: Operand = op("value", "t");
const X_F32: Operand = op("x", "f32");
const X_F64: Operand = op("x", "f64");
const X_I32: Operand = op("x", "i32");
const X_I64: Operand = op("x", "i64");

/// The catalog itself, in the order of the text-format chapter of the spec.
static CATALOG: &[InstrDoc] = &[
    // ---- Control ----
    doc(
        "unreachable",
        Family::Control,
        "",
        &[],
        &[],
        "Traps immediately with \"unreachable\". It marks code that must never run; since it never completes, the validator treats the stack after it as polymorphic: the code there may pop whatever it needs.",
    ),
    doc(
        "nop",
        Family::Control,
        "",
        &[],
        &[],
        "Does nothing. Handy as a placeholder or to mark a spot while stepping.",
    ),
    doc(
        "block",
        Family::Control,
        "$label? (param t*)* (result t*)*",
        &[ARGS_PARAMS],
        &[RESULTS],
        "Starts a block that runs to its matching end. The block type decides the real types: it takes its params from the stack and must leave its results. A branch to its label jumps forward to just after the end, carrying the result values.",
    ),
    doc(
        "loop",
        Family::Control,
        "$label? (param t*)* (result t*)*",
        &[ARGS_PARAMS],
        &[RESULTS],
        "Starts a loop that runs to its matching end. The block type decides the real types (params taken, results left). A branch to its label jumps backward to the start of the loop, carrying the loop's params; reaching the end simply leaves the loop, so repeating needs an explicit br.",
    ),
    doc(
        "if",
        Family::Control,
        "$label? (param t*)* (result t*)*",
        &[ARGS_PARAMS, COND],
        &[RESULTS],
        "Pops an i32 condition and runs the then-branch if it is nonzero, otherwise the else-branch. The block type decides the params and results; the else-branch may be omitted only if they are the same. A branch to its label jumps to just after the end.",
    ),
    doc(
        "else",
        Family::Control,
        "$label?",
        &[VALUES_RESULTS],
        &[ARGS_PARAMS],
        "Ends the then-branch of an if and starts the else-branch. The then-branch must leave exactly the if's result types; the else-branch then starts again from the if's params. A label, if given, must repeat the if's label.",
    ),
    doc(
        "end",
        Family::Control,
        "$label?",
        &[VALUES_RESULTS],
        &[RESULTS],
        "Closes the innermost block, loop or if (or the function body). The enclosing construct's result types decide the real types: the values it left must match them exactly, and they stay on the stack for the code that follows. A label, if given, must repeat the opening label.",
    ),
    doc(
        "br",
        Family::Control,
        "$label",
        &[VALUES_LABEL],
        &[],
        "Branches to a label, named or given as a relative depth (0 is the innermost). The target decides the operands: a block's or if's results, or a loop's params. Targeting a block or if exits past its end; targeting a loop restarts it. Code after br is unreachable (polymorphic stack).",
    ),
    doc(
        "br_if",
        Family::Control,
        "$label",
        &[VALUES_LABEL, COND],
        &[VALUES_LABEL],
        "Pops an i32 condition; if it is nonzero, branches to the label exactly like br, otherwise falls through and leaves the label's values on the stack. The target decides the types: a block's or if's results, or a loop's params.",
    ),
    doc(
        "br_table",
        Family::Control,
        "$label* $default",
        &[VALUES_LABEL, INDEX],
        &[],
        "Pops an i32 index and branches to the label at that position in the list, or to the default label if the index is out of range (it never traps). All targets must carry the same types, which decide the operands. Code after it is unreachable.",
    ),
    doc(
        "return",
        Family::Control,
        "",
        &[VALUES_RESULTS],
        &[],
        "Returns from the current function. The function's result types decide the operands: those values are taken from the top of the stack and anything below them in the frame is discarded. Code after it is unreachable.",
    ),
    doc(
        "call",
        Family::Control,
        "$func",
        &[ARGS_PARAMS],
        &[RESULTS],
        "Calls a function by name or index. The callee's type decides the real types: it pops the callee's params (first param deepest) and pushes its results. A trap inside the callee aborts the whole call chain; deep recursion traps with \"call stack exhausted\".",
    ),
    doc(
        "call_indirect",
        Family::Control,
        "$table? (type $t)",
        &[ARGS_PARAMS, INDEX],
        &[RESULTS],
        "Pops an i32 index, reads that element of the table (table 0 by default) and calls the function it refers to; the type annotation decides the args and results. Traps with \"undefined element\" if the index is out of bounds, \"uninitialized element\" if the slot is null, and \"indirect call type mismatch\" if the function's type differs.",
    ),
    doc(
        "return_call",
        Family::Control,
        "$func",
        &[ARGS_PARAMS],
        &[],
        "Tail call (WebAssembly 3.0): calls a function and returns its results as this function's own. The callee replaces the current frame instead of stacking on it, so a loop written as tail recursion runs in constant stack space. The callee's results must be this function's results; code after it is unreachable.",
    ),
    doc(
        "return_call_indirect",
        Family::Control,
        "$table? (type $t)",
        &[ARGS_PARAMS, INDEX],
        &[],
        "Tail call through a table (WebAssembly 3.0): `call_indirect` whose callee replaces the current frame, returning its results as this function's own. Traps as `call_indirect` does (\"undefined element\", \"uninitialized element\", \"indirect call type mismatch\").",
    ),
    doc(
        "call_ref",
        Family::Control,
        "$type",
        &[ARGS_PARAMS, op("callee", "ref")],
        &[RESULTS],
        "Typed function references (WebAssembly 3.0): pops a reference to a function of the given type and calls it with the args beneath it. No table and no type check at run time: the reference's type already says what it takes. Traps with \"null function reference\" if the reference is null.",
    ),
    doc(
        "return_call_ref",
        Family::Control,
        "$type",
        &[ARGS_PARAMS, op("callee", "ref")],
        &[],
        "Tail call through a function reference (WebAssembly 3.0): `call_ref` whose callee replaces the current frame, returning its results as this function's own. Traps with \"null function reference\" if the reference is null.",
    ),
    doc(
        "br_on_null",
        Family::Control,
        "$label",
        &[op("values", "label"), REF],
        &[op("values", "label"), op("", "ref")],
        "Typed function references (WebAssembly 3.0): if the reference on top is null, drops it and branches to the label with the values beneath; otherwise leaves it on the stack, now known to be non-null, and goes on.",
    ),
    doc(
        "br_on_non_null",
        Family::Control,
        "$label",
        &[op("values", "label"), REF],
        &[op("values", "label")],
        "Typed function references (WebAssembly 3.0): if the reference on top is not null, branches to the label carrying it (as the label's last value); otherwise drops the null and goes on.",
    ),
    doc(
        "try_table",
        Family::Control,
        "$label? (result t)* (catch $tag $l | catch_ref $tag $l | catch_all $l | catch_all_ref $l)*",
        &[op("", "params")],
        &[RESULTS],
        "Exception handling (WebAssembly 3.0): a block whose clauses catch exceptions thrown inside it, even in functions it calls. The first clause that fits wins: `catch $tag` branches to its label with the values, `catch_ref` adds an exnref, `catch_all` carries nothing, `catch_all_ref` just the exnref. Labels count from the block around the try_table. Unmatched exceptions go on outward.",
    ),
    doc(
        "throw",
        Family::Control,
        "$tag",
        &[op("values", "params")],
        &[],
        "Exception handling (WebAssembly 3.0): pops the values the tag's type lists and throws an exception of that tag carrying them. The innermost try_table with a clause for the tag (or catch_all) catches it, frames up if need be. Uncaught, it ends the call like a trap (what the code wrote stays) but is reported as an exception.",
    ),
    doc(
        "throw_ref",
        Family::Control,
        "",
        &[op("exn", "exnref")],
        &[],
        "Exception handling (WebAssembly 3.0): throws again the exception an exnref (from catch_ref or catch_all_ref) refers to, with its tag and values unchanged. Traps with \"null exception reference\" if the reference is null.",
    ),
    doc(
        "br_on_cast",
        Family::Control,
        "$label rt1 rt2",
        &[op("values", "label"), REF],
        &[op("values", "label"), REF],
        "GC (WebAssembly 3.0): if the reference on top is a value of type rt2, branches to the label carrying it (as the label's last value); otherwise leaves it on the stack and goes on. rt1 is the type the operand has.",
    ),
    doc(
        "br_on_cast_fail",
        Family::Control,
        "$label rt1 rt2",
        &[op("values", "label"), REF],
        &[op("values", "label"), REF],
        "GC (WebAssembly 3.0): the opposite of br_on_cast: branches with the reference when it is NOT a value of type rt2; otherwise leaves it on the stack, now known to be an rt2, and goes on.",
    ),
    // ---- Reference ----
    doc(
        "ref.null",
        Family::Reference,
        "func | extern | exn",
        &[],
        &[REF],
        "Pushes a null reference of the given type: a funcref for `func`, an externref for `extern`, an exnref for `exn`.",
    ),
    doc(
        "ref.is_null",
        Family::Reference,
        "",
        &[VALUE_REF],
        &[I32],
        "Pops a reference (funcref or externref) and pushes 1 if it is null, otherwise 0.",
    ),
    doc(
        "ref.func",
        Family::Reference,
        "$func",
        &[],
        &[FUNCREF],
        "Pushes a non-null funcref to the given function. The function must also be mentioned outside function bodies (in an element segment, an export or a global initializer), or validation fails.",
    ),
    doc(
        "ref.as_non_null",
        Family::Reference,
        "",
        &[REF],
        &[REF],
        "Typed function references (WebAssembly 3.0): passes a reference on unchanged, now typed as non-null. Traps with \"null reference\" if it is null.",
    ),
    doc(
        "struct.new",
        Family::Reference,
        "$type",
        &[op("fields", "fields")],
        &[op("", "(ref $type)")],
        "GC (WebAssembly 3.0): allocates a struct of the given type from one value per field (first field deepest) and pushes a reference to it. `:heap` lists what is allocated.",
    ),
    doc(
        "struct.new_default",
        Family::Reference,
        "$type",
        &[],
        &[op("", "(ref $type)")],
        "GC (WebAssembly 3.0): allocates a struct of the given type with every field zero (numbers) or null (references) and pushes a reference to it.",
    ),
    doc(
        "struct.get",
        Family::Reference,
        "$type $field",
        &[REF],
        &[op("", "t")],
        "GC (WebAssembly 3.0): reads a field of a struct. Traps with \"null structure reference\" if the reference is null. Packed i8/i16 fields need struct.get_s or struct.get_u.",
    ),
    doc(
        "struct.get_s",
        Family::Reference,
        "$type $field",
        &[REF],
        &[op("", "i32")],
        "GC (WebAssembly 3.0): reads a packed i8 or i16 field of a struct, sign-extended to i32. Traps with \"null structure reference\" if the reference is null.",
    ),
    doc(
        "struct.get_u",
        Family::Reference,
        "$type $field",
        &[REF],
        &[op("", "i32")],
        "GC (WebAssembly 3.0): reads a packed i8 or i16 field of a struct, zero-extended to i32. Traps with \"null structure reference\" if the reference is null.",
    ),
    doc(
        "struct.set",
        Family::Reference,
        "$type $field",
        &[REF, op("value", "t")],
        &[],
        "GC (WebAssembly 3.0): writes a mutable field of a struct (a packed field keeps the low 8 or 16 bits). Traps with \"null structure reference\" if the reference is null.",
    ),
    doc(
        "array.new",
        Family::Reference,
        "$type",
        &[op("value", "t"), op("len", "i32")],
        &[op("", "(ref $type)")],
        "GC (WebAssembly 3.0): allocates an array of len elements, each the value, and pushes a reference to it.",
    ),
    doc(
        "array.new_default",
        Family::Reference,
        "$type",
        &[op("len", "i32")],
        &[op("", "(ref $type)")],
        "GC (WebAssembly 3.0): allocates an array of len elements, each zero or null, and pushes a reference to it.",
    ),
    doc(
        "array.new_fixed",
        Family::Reference,
        "$type N",
        &[op("values", "t*N")],
        &[op("", "(ref $type)")],
        "GC (WebAssembly 3.0): allocates an array of the N values on the stack (first element deepest) and pushes a reference to it.",
    ),
    doc(
        "array.new_data",
        Family::Reference,
        "$type $data",
        &[op("offset", "i32"), op("len", "i32")],
        &[op("", "(ref $type)")],
        "GC (WebAssembly 3.0): allocates an array of len numeric elements read little-endian from a data segment from byte offset. Traps with \"out of bounds memory access\" if the segment is too short.",
    ),
    doc(
        "array.new_elem",
        Family::Reference,
        "$type $elem",
        &[op("offset", "i32"), op("len", "i32")],
        &[op("", "(ref $type)")],
        "GC (WebAssembly 3.0): allocates an array of len references copied from an element segment from offset. Traps with \"out of bounds table access\" if the segment is too short.",
    ),
    doc(
        "array.get",
        Family::Reference,
        "$type",
        &[REF, INDEX],
        &[op("", "t")],
        "GC (WebAssembly 3.0): reads element index of an array. Traps with \"null array reference\" or \"out of bounds array access\". Packed i8/i16 elements need array.get_s or array.get_u.",
    ),
    doc(
        "array.get_s",
        Family::Reference,
        "$type",
        &[REF, INDEX],
        &[op("", "i32")],
        "GC (WebAssembly 3.0): reads a packed i8 or i16 element, sign-extended to i32. Traps like array.get.",
    ),
    doc(
        "array.get_u",
        Family::Reference,
        "$type",
        &[REF, INDEX],
        &[op("", "i32")],
        "GC (WebAssembly 3.0): reads a packed i8 or i16 element, zero-extended to i32. Traps like array.get.",
    ),
    doc(
        "array.set",
        Family::Reference,
        "$type",
        &[REF, INDEX, op("value", "t")],
        &[],
        "GC (WebAssembly 3.0): writes element index of a mutable array. Traps with \"null array reference\" or \"out of bounds array access\".",
    ),
    doc(
        "array.len",
        Family::Reference,
        "",
        &[REF],
        &[op("len", "i32")],
        "GC (WebAssembly 3.0): the number of elements of an array. Traps with \"null array reference\" if the reference is null.",
    ),
    doc(
        "array.fill",
        Family::Reference,
        "$type",
        &[REF, op("offset", "i32"), op("value", "t"), op("len", "i32")],
        &[],
        "GC (WebAssembly 3.0): sets len elements from offset to the value. Traps with \"null array reference\" or \"out of bounds array access\" (checked before anything is written).",
    ),
    doc(
        "array.copy",
        Family::Reference,
        "$dst $src",
        &[
            op("dst", "ref"),
            op("d", "i32"),
            op("src", "ref"),
            op("s", "i32"),
            op("len", "i32"),
        ],
        &[],
        "GC (WebAssembly 3.0): copies len elements from src at s to dst at d (the ranges may overlap, as in memory.copy). Traps with \"null array reference\" or \"out of bounds array access\".",
    ),
    doc(
        "array.init_data",
        Family::Reference,
        "$type $data",
        &[REF, op("d", "i32"), op("s", "i32"), op("len", "i32")],
        &[],
        "GC (WebAssembly 3.0): overwrites len elements from d with numbers read from a data segment from byte s. Traps with \"null array reference\", \"out of bounds array access\" or \"out of bounds memory access\".",
    ),
    doc(
        "array.init_elem",
        Family::Reference,
        "$type $elem",
        &[REF, op("d", "i32"), op("s", "i32"), op("len", "i32")],
        &[],
        "GC (WebAssembly 3.0): overwrites len elements from d with references from an element segment from s. Traps with \"null array reference\", \"out of bounds array access\" or \"out of bounds table access\".",
    ),
    doc(
        "ref.i31",
        Family::Reference,
        "",
        &[op("", "i32")],
        &[op("", "(ref i31)")],
        "GC (WebAssembly 3.0): packs the low 31 bits of an i32 into an i31ref, an unboxed integer reference: no allocation, and ref.eq compares the numbers.",
    ),
    doc(
        "i31.get_s",
        Family::Reference,
        "",
        &[op("", "i31ref")],
        &[op("", "i32")],
        "GC (WebAssembly 3.0): the 31-bit integer of an i31ref, sign-extended. Traps with \"null i31 reference\" if the reference is null.",
    ),
    doc(
        "i31.get_u",
        Family::Reference,
        "",
        &[op("", "i31ref")],
        &[op("", "i32")],
        "GC (WebAssembly 3.0): the 31-bit integer of an i31ref, zero-extended. Traps with \"null i31 reference\" if the reference is null.",
    ),
    doc(
        "ref.test",
        Family::Reference,
        "rt",
        &[REF],
        &[op("", "i32")],
        "GC (WebAssembly 3.0): 1 if the reference is a value of type rt (a struct or array of that type or a subtype, an i31 for i31, null only for a nullable rt), else 0.",
    ),
    doc(
        "ref.cast",
        Family::Reference,
        "rt",
        &[REF],
        &[op("", "rt")],
        "GC (WebAssembly 3.0): passes the reference on, now typed as rt, if it is a value of rt (as ref.test decides). Otherwise traps with \"cast failure\", naming what the reference is and the type it is not.",
    ),
    doc(
        "ref.eq",
        Family::Reference,
        "",
        &[op("a", "eqref"), op("b", "eqref")],
        &[op("", "i32")],
        "GC (WebAssembly 3.0): 1 if the two references are the same object (or both null, or i31s of the same number), else 0.",
    ),
    doc(
        "any.convert_extern",
        Family::Reference,
        "",
        &[op("", "externref")],
        &[op("", "anyref")],
        "GC (WebAssembly 3.0): the same reference seen as an anyref (a host reference becomes an internal one; one that came from extern.convert_any is the original again).",
    ),
    doc(
        "extern.convert_any",
        Family::Reference,
        "",
        &[op("", "anyref")],
        &[op("", "externref")],
        "GC (WebAssembly 3.0): the same reference seen as an externref, to hand a struct, array or i31 to the host. any.convert_extern turns it back.",
    ),
    // ---- Parametric ----
    doc(
        "drop",
        Family::Parametric,
        "",
        &[VALUE_ANY],
        &[],
        "Pops one value of any type and throws it away.",
    ),
    doc(
        "select",
        Family::Parametric,
        "(result t)?",
        &[A_T, B_T, COND],
        &[T],
        "Pops an i32 condition and two values a and b of the same type t; pushes a if the condition is nonzero, otherwise b. Without an annotation t is inferred from the operands and must be numeric; the typed form `select (result t)` names t and is required for funcref and externref.",
    ),
    // ---- Variable ----
    doc(
        "local.get",
        Family::Variable,
        "$local",
        &[],
        &[VALUE_T],
        "Pushes the current value of a local (a parameter or a declared local). The local's declared type decides t.",
    ),
    doc(
        "local.set",
        Family::Variable,
        "$local",
        &[VALUE_T],
        &[],
        "Pops a value and stores it in a local. The local's declared type decides t.",
    ),
    doc(
        "local.tee",
        Family::Variable,
        "$local",
        &[VALUE_T],
        &[VALUE_T],
        "Stores the top value in a local but leaves it on the stack, like local.set followed by local.get. The local's declared type decides t.",
    ),
    doc(
        "global.get",
        Family::Variable,
        "$global",
        &[],
        &[VALUE_T],
        "Pushes the current value of a global. The global's declared type decides t.",
    ),
    doc(
        "global.set",
        Family::Variable,
        "$global",
        &[VALUE_T],
        &[],
        "Pops a value and stores it in a global, which must be declared mutable, `(mut t)`. The global's declared type decides t.",
    ),
    // ---- Table ----
    doc(
        "table.get",
        Family::Table,
        "$table?",
        &[INDEX],
        &[REF],
        "Pops an index and pushes the reference stored in that slot of the table (table 0 by default); the table's element type decides ref. Traps with \"out of bounds table access\" if index >= the table size.",
    ),
    doc(
        "table.set",
        Family::Table,
        "$table?",
        &[INDEX, VALUE_REF],
        &[],
        "Pops a reference and an index and stores the reference in that slot of the table. Traps with \"out of bounds table access\" if index >= the table size.",
    ),
    doc(
        "table.size",
        Family::Table,
        "$table?",
        &[],
        &[SIZE],
        "Pushes the current number of elements in the table (table 0 by default).",
    ),
    doc(
        "table.grow",
        Family::Table,
        "$table?",
        &[INIT_REF, DELTA],
        &[OLD_SIZE],
        "Grows the table by delta elements, fills the new slots with init, and pushes the old size. If the table cannot grow (past its declared maximum or an implementation limit) it pushes -1 and leaves the table unchanged; it never traps.",
    ),
    doc(
        "table.fill",
        Family::Table,
        "$table?",
        &[INDEX, VALUE_REF, LEN],
        &[],
        "Sets len slots starting at index to value. Traps with \"out of bounds table access\" if index + len exceeds the table size; the check happens before anything is written.",
    ),
    doc(
        "table.copy",
        Family::Table,
        "$dest_table? $src_table?",
        &[DEST, SRC, LEN],
        &[],
        "Copies len references from slot src to slot dest (both tables default to table 0). Overlapping ranges are copied correctly, as if through a temporary buffer. Traps with \"out of bounds table access\" if src + len or dest + len exceeds its table's size, before anything is written.",
    ),
    doc(
        "table.init",
        Family::Table,
        "$table? $elem",
        &[DEST, SRC, LEN],
        &[],
        "Copies len references from an element segment, starting at offset src, into the table at dest. Traps with \"out of bounds table access\" if src + len exceeds the segment's length (0 once dropped) or dest + len exceeds the table size, before anything is written.",
    ),
    doc(
        "elem.drop",
        Family::Table,
        "$elem",
        &[],
        &[],
        "Drops an element segment: from now on it behaves as empty, so table.init from it traps unless len is 0. Active and declarative segments are dropped automatically at instantiation.",
    ),
    // ---- Memory ----
    doc(
        "i32.load",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I32],
        "Pops an address and reads 4 bytes at addr + offset as a little-endian i32. Traps with \"out of bounds memory access\" if addr + offset + 4 exceeds the memory size in bytes (no wrap-around). The align immediate is only a hint and never changes the result.",
    ),
    doc(
        "i64.load",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I64],
        "Pops an address and reads 8 bytes at addr + offset as a little-endian i64. Traps with \"out of bounds memory access\" if addr + offset + 8 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "f32.load",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[F32],
        "Pops an address and reads 4 bytes at addr + offset as a little-endian f32 (bits unchanged, NaN payloads included). Traps with \"out of bounds memory access\" if addr + offset + 4 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "f64.load",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[F64],
        "Pops an address and reads 8 bytes at addr + offset as a little-endian f64 (bits unchanged, NaN payloads included). Traps with \"out of bounds memory access\" if addr + offset + 8 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i32.load8_s",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I32],
        "Pops an address and reads 1 byte at addr + offset as a signed byte, sign-extended to i32. Traps with \"out of bounds memory access\" if addr + offset + 1 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i32.load8_u",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I32],
        "Pops an address and reads 1 byte at addr + offset as an unsigned byte, zero-extended to i32. Traps with \"out of bounds memory access\" if addr + offset + 1 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i32.load16_s",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I32],
        "Pops an address and reads 2 bytes at addr + offset as a signed little-endian 16-bit value, sign-extended to i32. Traps with \"out of bounds memory access\" if addr + offset + 2 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i32.load16_u",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I32],
        "Pops an address and reads 2 bytes at addr + offset as an unsigned little-endian 16-bit value, zero-extended to i32. Traps with \"out of bounds memory access\" if addr + offset + 2 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.load8_s",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I64],
        "Pops an address and reads 1 byte at addr + offset as a signed byte, sign-extended to i64. Traps with \"out of bounds memory access\" if addr + offset + 1 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.load8_u",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I64],
        "Pops an address and reads 1 byte at addr + offset as an unsigned byte, zero-extended to i64. Traps with \"out of bounds memory access\" if addr + offset + 1 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.load16_s",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I64],
        "Pops an address and reads 2 bytes at addr + offset as a signed little-endian 16-bit value, sign-extended to i64. Traps with \"out of bounds memory access\" if addr + offset + 2 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.load16_u",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I64],
        "Pops an address and reads 2 bytes at addr + offset as an unsigned little-endian 16-bit value, zero-extended to i64. Traps with \"out of bounds memory access\" if addr + offset + 2 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.load32_s",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I64],
        "Pops an address and reads 4 bytes at addr + offset as a signed little-endian 32-bit value, sign-extended to i64. Traps with \"out of bounds memory access\" if addr + offset + 4 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.load32_u",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR],
        &[I64],
        "Pops an address and reads 4 bytes at addr + offset as an unsigned little-endian 32-bit value, zero-extended to i64. Traps with \"out of bounds memory access\" if addr + offset + 4 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i32.store",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_I32],
        &[],
        "Pops a value and an address and writes the i32 as 4 little-endian bytes at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 4 exceeds the memory size in bytes (no wrap-around). The align immediate is only a hint and never changes the result.",
    ),
    doc(
        "i64.store",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_I64],
        &[],
        "Pops a value and an address and writes the i64 as 8 little-endian bytes at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 8 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "f32.store",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_F32],
        &[],
        "Pops a value and an address and writes the f32's bits as 4 little-endian bytes (NaN payloads included) at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 4 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "f64.store",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_F64],
        &[],
        "Pops a value and an address and writes the f64's bits as 8 little-endian bytes (NaN payloads included) at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 8 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i32.store8",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_I32],
        &[],
        "Pops a value and an address and writes the low 8 bits of the i32 as 1 byte at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 1 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i32.store16",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_I32],
        &[],
        "Pops a value and an address and writes the low 16 bits of the i32 as 2 little-endian bytes at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 2 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.store8",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_I64],
        &[],
        "Pops a value and an address and writes the low 8 bits of the i64 as 1 byte at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 1 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.store16",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_I64],
        &[],
        "Pops a value and an address and writes the low 16 bits of the i64 as 2 little-endian bytes at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 2 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "i64.store32",
        Family::Memory,
        "offset=N? align=N?",
        &[ADDR, VALUE_I64],
        &[],
        "Pops a value and an address and writes the low 32 bits of the i64 as 4 little-endian bytes at addr + offset. Traps with \"out of bounds memory access\" if addr + offset + 4 exceeds the memory size in bytes (no wrap-around).",
    ),
    doc(
        "memory.size",
        Family::Memory,
        "",
        &[],
        &[SIZE],
        "Pushes the current size of the memory in pages: 64 KiB (65536 bytes) each, or 1 byte each for a memory declared with (pagesize 1) (custom page sizes); :memory says which.",
    ),
    doc(
        "memory.grow",
        Family::Memory,
        "",
        &[DELTA],
        &[OLD_SIZE],
        "Grows the memory by delta pages (64 KiB each, or 1 byte each with (pagesize 1)), zero-filled, and pushes the old size in pages. If it cannot grow (past the declared maximum, past 4 GiB for a 32-bit memory, or out of resources) it pushes -1 and leaves the memory unchanged; it never traps.",
    ),
    doc(
        "memory.fill",
        Family::Memory,
        "",
        &[DEST, VALUE_I32, LEN],
        &[],
        "Sets len bytes starting at dest to the low 8 bits of value. Traps with \"out of bounds memory access\" if dest + len exceeds the memory size in bytes; the check happens before anything is written.",
    ),
    doc(
        "memory.copy",
        Family::Memory,
        "",
        &[DEST, SRC, LEN],
        &[],
        "Copies len bytes from src to dest. Overlapping ranges are copied correctly, like memmove. Traps with \"out of bounds memory access\" if src + len or dest + len exceeds the memory size, before anything is written.",
    ),
    doc(
        "memory.init",
        Family::Memory,
        "$data",
        &[DEST, SRC, LEN],
        &[],
        "Copies len bytes from a data segment, starting at offset src, into memory at dest. Traps with \"out of bounds memory access\" if src + len exceeds the segment's length (0 once dropped) or dest + len exceeds the memory size, before anything is written.",
    ),
    doc(
        "data.drop",
        Family::Memory,
        "$data",
        &[],
        &[],
        "Drops a data segment: from now on it behaves as empty, so memory.init from it traps unless len is 0. Active segments are dropped automatically at instantiation.",
    ),
    // ---- Numeric ----
    doc(
        "i32.const",
        Family::Numeric,
        "N",
        &[],
        &[I32],
        "Pushes a constant i32. The literal may be written signed or unsigned, in decimal or hex, with optional underscores (-1, 0xffff_ffff), as long as it fits in 32 bits.",
    ),
    doc(
        "i64.const",
        Family::Numeric,
        "N",
        &[],
        &[I64],
        "Pushes a constant i64. The literal may be written signed or unsigned, in decimal or hex, with optional underscores (-1, 0xffff_ffff_ffff_ffff), as long as it fits in 64 bits.",
    ),
    doc(
        "f32.const",
        Family::Numeric,
        "Z",
        &[],
        &[F32],
        "Pushes a constant f32. The literal may be decimal (1.5e3) or hexadecimal (0x1.8p-3), or inf, nan, or nan:0x... with an explicit payload; values are rounded to the nearest f32.",
    ),
    doc(
        "f64.const",
        Family::Numeric,
        "Z",
        &[],
        &[F64],
        "Pushes a constant f64. The literal may be decimal (1.5e3) or hexadecimal (0x1.8p-3), or inf, nan, or nan:0x... with an explicit payload; values are rounded to the nearest f64.",
    ),
    num(
        "i32.clz",
        &[X_I32],
        &[I32],
        "Counts the leading zero bits (from the most significant end); 0 gives 32.",
    ),
    num(
        "i32.ctz",
        &[X_I32],
        &[I32],
        "Counts the trailing zero bits (from the least significant end); 0 gives 32.",
    ),
    num(
        "i32.popcnt",
        &[X_I32],
        &[I32],
        "Counts the bits that are 1 (the population count).",
    ),
    num(
        "i32.add",
        &[A_I32, B_I32],
        &[I32],
        "Pushes a + b, wrapping modulo 2^32 on overflow; signed and unsigned give the same bits.",
    ),
    num(
        "i32.sub",
        &[A_I32, B_I32],
        &[I32],
        "Pushes a - b, wrapping modulo 2^32 on overflow; signed and unsigned give the same bits.",
    ),
    num(
        "i32.mul",
        &[A_I32, B_I32],
        &[I32],
        "Pushes a * b, keeping the low 32 bits of the product (wraps modulo 2^32); signed and unsigned give the same bits.",
    ),
    num(
        "i32.div_s",
        &[DIVIDEND_I32, DIVISOR_I32],
        &[I32],
        "Signed division, rounding toward zero. Traps with \"integer divide by zero\" if divisor is 0, and with \"integer overflow\" for -2^31 / -1, whose result, 2^31, does not fit.",
    ),
    num(
        "i32.div_u",
        &[DIVIDEND_I32, DIVISOR_I32],
        &[I32],
        "Unsigned division, rounding down. Traps with \"integer divide by zero\" if divisor is 0.",
    ),
    num(
        "i32.rem_s",
        &[DIVIDEND_I32, DIVISOR_I32],
        &[I32],
        "Signed remainder of the truncating division; the result has the sign of the dividend (-7 rem 2 = -1). Traps with \"integer divide by zero\" if divisor is 0; -2^31 rem -1 is 0 and does not trap.",
    ),
    num(
        "i32.rem_u",
        &[DIVIDEND_I32, DIVISOR_I32],
        &[I32],
        "Unsigned remainder. Traps with \"integer divide by zero\" if divisor is 0.",
    ),
    num(
        "i32.and",
        &[A_I32, B_I32],
        &[I32],
        "Bitwise AND of a and b.",
    ),
    num("i32.or", &[A_I32, B_I32], &[I32], "Bitwise OR of a and b."),
    num(
        "i32.xor",
        &[A_I32, B_I32],
        &[I32],
        "Bitwise exclusive OR of a and b.",
    ),
    num(
        "i32.shl",
        &[VALUE_I32, COUNT_I32],
        &[I32],
        "Shifts value left by count bits, filling with zeros. The count is taken modulo 32, so shifting by 32 is the same as by 0.",
    ),
    num(
        "i32.shr_s",
        &[VALUE_I32, COUNT_I32],
        &[I32],
        "Arithmetic shift right: shifts value right by count bits, copying the sign bit in (so negative values stay negative). The count is taken modulo 32, so shifting by 32 is the same as by 0.",
    ),
    num(
        "i32.shr_u",
        &[VALUE_I32, COUNT_I32],
        &[I32],
        "Logical shift right: shifts value right by count bits, filling with zeros. The count is taken modulo 32, so shifting by 32 is the same as by 0.",
    ),
    num(
        "i32.rotl",
        &[VALUE_I32, COUNT_I32],
        &[I32],
        "Rotates value left by count bits: bits shifted out at the top come back in at the bottom. The count is taken modulo 32.",
    ),
    num(
        "i32.rotr",
        &[VALUE_I32, COUNT_I32],
        &[I32],
        "Rotates value right by count bits: bits shifted out at the bottom come back in at the top. The count is taken modulo 32.",
    ),
    num(
        "i64.clz",
        &[X_I64],
        &[I64],
        "Counts the leading zero bits (from the most significant end); 0 gives 64.",
    ),
    num(
        "i64.ctz",
        &[X_I64],
        &[I64],
        "Counts the trailing zero bits (from the least significant end); 0 gives 64.",
    ),
    num(
        "i64.popcnt",
        &[X_I64],
        &[I64],
        "Counts the bits that are 1 (the population count).",
    ),
    num(
        "i64.add",
        &[A_I64, B_I64],
        &[I64],
        "Pushes a + b, wrapping modulo 2^64 on overflow; signed and unsigned give the same bits.",
    ),
    num(
        "i64.sub",
        &[A_I64, B_I64],
        &[I64],
        "Pushes a - b, wrapping modulo 2^64 on overflow; signed and unsigned give the same bits.",
    ),
    num(
        "i64.mul",
        &[A_I64, B_I64],
        &[I64],
        "Pushes a * b, keeping the low 64 bits of the product (wraps modulo 2^64); signed and unsigned give the same bits.",
    ),
    num(
        "i64.div_s",
        &[DIVIDEND_I64, DIVISOR_I64],
        &[I64],
        "Signed division, rounding toward zero. Traps with \"integer divide by zero\" if divisor is 0, and with \"integer overflow\" for -2^63 / -1, whose result, 2^63, does not fit.",
    ),
    num(
        "i64.div_u",
        &[DIVIDEND_I64, DIVISOR_I64],
        &[I64],
        "Unsigned division, rounding down. Traps with \"integer divide by zero\" if divisor is 0.",
    ),
    num(
        "i64.rem_s",
        &[DIVIDEND_I64, DIVISOR_I64],
        &[I64],
        "Signed remainder of the truncating division; the result has the sign of the dividend (-7 rem 2 = -1). Traps with \"integer divide by zero\" if divisor is 0; -2^63 rem -1 is 0 and does not trap.",
    ),
    num(
        "i64.rem_u",
        &[DIVIDEND_I64, DIVISOR_I64],
        &[I64],
        "Unsigned remainder. Traps with \"integer divide by zero\" if divisor is 0.",
    ),
    num(
        "i64.and",
        &[A_I64, B_I64],
        &[I64],
        "Bitwise AND of a and b.",
    ),
    num("i64.or", &[A_I64, B_I64], &[I64], "Bitwise OR of a and b."),
    num(
        "i64.xor",
        &[A_I64, B_I64],
        &[I64],
        "Bitwise exclusive OR of a and b.",
    ),
    num(
        "i64.shl",
        &[VALUE_I64, COUNT_I64],
        &[I64],
        "Shifts value left by count bits, filling with zeros. The count is taken modulo 64, so shifting by 64 is the same as by 0.",
    ),
    num(
        "i64.shr_s",
        &[VALUE_I64, COUNT_I64],
        &[I64],
        "Arithmetic shift right: shifts value right by count bits, copying the sign bit in (so negative values stay negative). The count is taken modulo 64, so shifting by 64 is the same as by 0.",
    ),
    num(
        "i64.shr_u",
        &[VALUE_I64, COUNT_I64],
        &[I64],
        "Logical shift right: shifts value right by count bits, filling with zeros. The count is taken modulo 64, so shifting by 64 is the same as by 0.",
    ),
    num(
        "i64.rotl",
        &[VALUE_I64, COUNT_I64],
        &[I64],
        "Rotates value left by count bits: bits shifted out at the top come back in at the bottom. The count is taken modulo 64.",
    ),
    num(
        "i64.rotr",
        &[VALUE_I64, COUNT_I64],
        &[I64],
        "Rotates value right by count bits: bits shifted out at the bottom come back in at the top. The count is taken modulo 64.",
    ),
    num(
        "f32.abs",
        &[X_F32],
        &[F32],
        "Clears the sign bit, giving the absolute value. It works on the bits alone, so -0 gives +0 and a NaN keeps its payload (only its sign is cleared).",
    ),
    num(
        "f32.neg",
        &[X_F32],
        &[F32],
        "Flips the sign bit. It works on the bits alone, so -(+0) is -0 and a NaN keeps its payload.",
    ),
    num(
        "f32.ceil",
        &[X_F32],
        &[F32],
        "Rounds up to the nearest integral value (toward +infinity), e.g. -1.5 gives -1.0; NaN gives NaN, and infinities and zeros are returned unchanged. Values between -1 and 0 give -0.",
    ),
    num(
        "f32.floor",
        &[X_F32],
        &[F32],
        "Rounds down to the nearest integral value (toward -infinity), e.g. -1.5 gives -2.0; NaN gives NaN, and infinities and zeros are returned unchanged.",
    ),
    num(
        "f32.trunc",
        &[X_F32],
        &[F32],
        "Rounds toward zero, dropping the fractional part, e.g. -1.5 gives -1.0; NaN gives NaN, and infinities and zeros are returned unchanged.",
    ),
    num(
        "f32.nearest",
        &[X_F32],
        &[F32],
        "Rounds to the nearest integral value, with ties going to the even one: 2.5 gives 2.0 and 3.5 gives 4.0 (unlike C's round). NaN gives NaN, and infinities and zeros are returned unchanged.",
    ),
    num(
        "f32.sqrt",
        &[X_F32],
        &[F32],
        "Pushes the square root, correctly rounded. Negative inputs give NaN, except -0, whose square root is -0; +infinity gives +infinity.",
    ),
    num(
        "f32.add",
        &[A_F32, B_F32],
        &[F32],
        "Pushes a + b, rounded to the nearest f32 (ties to even). It never traps: overflow gives an infinity, and a NaN operand gives NaN.",
    ),
    num(
        "f32.sub",
        &[A_F32, B_F32],
        &[F32],
        "Pushes a - b, rounded to the nearest f32 (ties to even). It never traps: overflow gives an infinity, and a NaN operand gives NaN.",
    ),
    num(
        "f32.mul",
        &[A_F32, B_F32],
        &[F32],
        "Pushes a * b, rounded to the nearest f32 (ties to even). It never traps: overflow gives an infinity, and a NaN operand gives NaN.",
    ),
    num(
        "f32.div",
        &[DIVIDEND_F32, DIVISOR_F32],
        &[F32],
        "Pushes dividend / divisor, rounded to the nearest f32. It never traps: a nonzero value divided by 0 gives an infinity with the combined sign, and 0 / 0 or infinity / infinity gives NaN.",
    ),
    num(
        "f32.min",
        &[A_F32, B_F32],
        &[F32],
        "Pushes the smaller of a and b. If either is NaN the result is NaN, and -0 counts as smaller than +0 (unlike C's fmin, which ignores a NaN).",
    ),
    num(
        "f32.max",
        &[A_F32, B_F32],
        &[F32],
        "Pushes the larger of a and b. If either is NaN the result is NaN, and +0 counts as larger than -0 (unlike C's fmax, which ignores a NaN).",
    ),
    num(
        "f32.copysign",
        &[MAGNITUDE_F32, SIGN_F32],
        &[F32],
        "Pushes magnitude with its sign bit replaced by the sign bit of sign. It works on the bits alone, so it also applies to zeros and NaNs.",
    ),
    num(
        "f64.abs",
        &[X_F64],
        &[F64],
        "Clears the sign bit, giving the absolute value. It works on the bits alone, so -0 gives +0 and a NaN keeps its payload (only its sign is cleared).",
    ),
    num(
        "f64.neg",
        &[X_F64],
        &[F64],
        "Flips the sign bit. It works on the bits alone, so -(+0) is -0 and a NaN keeps its payload.",
    ),
    num(
        "f64.ceil",
        &[X_F64],
        &[F64],
        "Rounds up to the nearest integral value (toward +infinity), e.g. -1.5 gives -1.0; NaN gives NaN, and infinities and zeros are returned unchanged. Values between -1 and 0 give -0.",
    ),
    num(
        "f64.floor",
        &[X_F64],
        &[F64],
        "Rounds down to the nearest integral value (toward -infinity), e.g. -1.5 gives -2.0; NaN gives NaN, and infinities and zeros are returned unchanged.",
    ),
    num(
        "f64.trunc",
        &[X_F64],
        &[F64],
        "Rounds toward zero, dropping the fractional part, e.g. -1.5 gives -1.0; NaN gives NaN, and infinities and zeros are returned unchanged.",
    ),
    num(
        "f64.nearest",
        &[X_F64],
        &[F64],
        "Rounds to the nearest integral value, with ties going to the even one: 2.5 gives 2.0 and 3.5 gives 4.0 (unlike C's round). NaN gives NaN, and infinities and zeros are returned unchanged.",
    ),
    num(
        "f64.sqrt",
        &[X_F64],
        &[F64],
        "Pushes the square root, correctly rounded. Negative inputs give NaN, except -0, whose square root is -0; +infinity gives +infinity.",
    ),
    num(
        "f64.add",
        &[A_F64, B_F64],
        &[F64],
        "Pushes a + b, rounded to the nearest f64 (ties to even). It never traps: overflow gives an infinity, and a NaN operand gives NaN.",
    ),
    num(
        "f64.sub",
        &[A_F64, B_F64],
        &[F64],
        "Pushes a - b, rounded to the nearest f64 (ties to even). It never traps: overflow gives an infinity, and a NaN operand gives NaN.",
    ),
    num(
        "f64.mul",
        &[A_F64, B_F64],
        &[F64],
        "Pushes a * b, rounded to the nearest f64 (ties to even). It never traps: overflow gives an infinity, and a NaN operand gives NaN.",
    ),
    num(
        "f64.div",
        &[DIVIDEND_F64, DIVISOR_F64],
        &[F64],
        "Pushes dividend / divisor, rounded to the nearest f64. It never traps: a nonzero value divided by 0 gives an infinity with the combined sign, and 0 / 0 or infinity / infinity gives NaN.",
    ),
    num(
        "f64.min",
        &[A_F64, B_F64],
        &[F64],
        "Pushes the smaller of a and b. If either is NaN the result is NaN, and -0 counts as smaller than +0 (unlike C's fmin, which ignores a NaN).",
    ),
    num(
        "f64.max",
        &[A_F64, B_F64],
        &[F64],
        "Pushes the larger of a and b. If either is NaN the result is NaN, and +0 counts as larger than -0 (unlike C's fmax, which ignores a NaN).",
    ),
    num(
        "f64.copysign",
        &[MAGNITUDE_F64, SIGN_F64],
        &[F64],
        "Pushes magnitude with its sign bit replaced by the sign bit of sign. It works on the bits alone, so it also applies to zeros and NaNs.",
    ),
    num(
        "i32.eqz",
        &[X_I32],
        &[I32],
        "Pushes 1 (as i32) if x is zero, otherwise 0. Often used as logical not.",
    ),
    num(
        "i32.eq",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a equals b, otherwise 0.",
    ),
    num(
        "i32.ne",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a differs from b, otherwise 0.",
    ),
    num(
        "i32.lt_s",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a < b when both are read as signed integers, otherwise 0 (so -1 is below 0).",
    ),
    num(
        "i32.lt_u",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a < b when both are read as unsigned integers, otherwise 0 (so -1 is the largest value, 2^32-1).",
    ),
    num(
        "i32.gt_s",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a > b when both are read as signed integers, otherwise 0 (so -1 is below 0).",
    ),
    num(
        "i32.gt_u",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a > b when both are read as unsigned integers, otherwise 0 (so -1 is the largest value, 2^32-1).",
    ),
    num(
        "i32.le_s",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a <= b when both are read as signed integers, otherwise 0 (so -1 is below 0).",
    ),
    num(
        "i32.le_u",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a <= b when both are read as unsigned integers, otherwise 0 (so -1 is the largest value, 2^32-1).",
    ),
    num(
        "i32.ge_s",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a >= b when both are read as signed integers, otherwise 0 (so -1 is below 0).",
    ),
    num(
        "i32.ge_u",
        &[A_I32, B_I32],
        &[I32],
        "Pushes 1 (as i32) if a >= b when both are read as unsigned integers, otherwise 0 (so -1 is the largest value, 2^32-1).",
    ),
    num(
        "i64.eqz",
        &[X_I64],
        &[I32],
        "Pushes 1 (as i32) if x is zero, otherwise 0. Often used as logical not.",
    ),
    num(
        "i64.eq",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a equals b, otherwise 0.",
    ),
    num(
        "i64.ne",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a differs from b, otherwise 0.",
    ),
    num(
        "i64.lt_s",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a < b when both are read as signed integers, otherwise 0 (so -1 is below 0).",
    ),
    num(
        "i64.lt_u",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a < b when both are read as unsigned integers, otherwise 0 (so -1 is the largest value, 2^64-1).",
    ),
    num(
        "i64.gt_s",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a > b when both are read as signed integers, otherwise 0 (so -1 is below 0).",
    ),
    num(
        "i64.gt_u",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a > b when both are read as unsigned integers, otherwise 0 (so -1 is the largest value, 2^64-1).",
    ),
    num(
        "i64.le_s",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a <= b when both are read as signed integers, otherwise 0 (so -1 is below 0).",
    ),
    num(
        "i64.le_u",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a <= b when both are read as unsigned integers, otherwise 0 (so -1 is the largest value, 2^64-1).",
    ),
    num(
        "i64.ge_s",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a >= b when both are read as signed integers, otherwise 0 (so -1 is below 0).",
    ),
    num(
        "i64.ge_u",
        &[A_I64, B_I64],
        &[I32],
        "Pushes 1 (as i32) if a >= b when both are read as unsigned integers, otherwise 0 (so -1 is the largest value, 2^64-1).",
    ),
    num(
        "f32.eq",
        &[A_F32, B_F32],
        &[I32],
        "Pushes 1 (as i32) if a equals b, otherwise 0. NaN equals nothing, not even itself, and -0 equals +0.",
    ),
    num(
        "f32.ne",
        &[A_F32, B_F32],
        &[I32],
        "Pushes 1 (as i32) if a does not equal b, otherwise 0. It gives 1 whenever either operand is NaN.",
    ),
    num(
        "f32.lt",
        &[A_F32, B_F32],
        &[I32],
        "Pushes 1 (as i32) if a < b, otherwise 0. It gives 0 whenever either operand is NaN, and treats -0 and +0 as equal.",
    ),
    num(
        "f32.gt",
        &[A_F32, B_F32],
        &[I32],
        "Pushes 1 (as i32) if a > b, otherwise 0. It gives 0 whenever either operand is NaN, and treats -0 and +0 as equal.",
    ),
    num(
        "f32.le",
        &[A_F32, B_F32],
        &[I32],
        "Pushes 1 (as i32) if a <= b, otherwise 0. It gives 0 whenever either operand is NaN, and treats -0 and +0 as equal.",
    ),
    num(
        "f32.ge",
        &[A_F32, B_F32],
        &[I32],
        "Pushes 1 (as i32) if a >= b, otherwise 0. It gives 0 whenever either operand is NaN, and treats -0 and +0 as equal.",
    ),
    num(
        "f64.eq",
        &[A_F64, B_F64],
        &[I32],
        "Pushes 1 (as i32) if a equals b, otherwise 0. NaN equals nothing, not even itself, and -0 equals +0.",
    ),
    num(
        "f64.ne",
        &[A_F64, B_F64],
        &[I32],
        "Pushes 1 (as i32) if a does not equal b, otherwise 0. It gives 1 whenever either operand is NaN.",
    ),
    num(
        "f64.lt",
        &[A_F64, B_F64],
        &[I32],
        "Pushes 1 (as i32) if a < b, otherwise 0. It gives 0 whenever either operand is NaN, and treats -0 and +0 as equal.",
    ),
    num(
        "f64.gt",
        &[A_F64, B_F64],
        &[I32],
        "Pushes 1 (as i32) if a > b, otherwise 0. It gives 0 whenever either operand is NaN, and treats -0 and +0 as equal.",
    ),
    num(
        "f64.le",
        &[A_F64, B_F64],
        &[I32],
        "Pushes 1 (as i32) if a <= b, otherwise 0. It gives 0 whenever either operand is NaN, and treats -0 and +0 as equal.",
    ),
    num(
        "f64.ge",
        &[A_F64, B_F64],
        &[I32],
        "Pushes 1 (as i32) if a >= b, otherwise 0. It gives 0 whenever either operand is NaN, and treats -0 and +0 as equal.",
    ),
    num(
        "i32.wrap_i64",
        &[X_I64],
        &[I32],
        "Keeps the low 32 bits of an i64, dropping the high 32 (wraps modulo 2^32).",
    ),
    num(
        "i32.trunc_f32_s",
        &[X_F32],
        &[I32],
        "Converts an f32 to a signed i32 by rounding toward zero. Traps with \"invalid conversion to integer\" if x is NaN and with \"integer overflow\" if the truncated value is outside -2^31..2^31-1 (infinities included). See i32.trunc_sat_f32_s for a version that never traps.",
    ),
    num(
        "i32.trunc_f32_u",
        &[X_F32],
        &[I32],
        "Converts an f32 to an unsigned i32 by rounding toward zero. Traps with \"invalid conversion to integer\" if x is NaN and with \"integer overflow\" if the truncated value is outside 0..2^32-1 (infinities included). Values between -1 and 0 truncate to 0 and are fine. See i32.trunc_sat_f32_u for a version that never traps.",
    ),
    num(
        "i32.trunc_f64_s",
        &[X_F64],
        &[I32],
        "Converts an f64 to a signed i32 by rounding toward zero. Traps with \"invalid conversion to integer\" if x is NaN and with \"integer overflow\" if the truncated value is outside -2^31..2^31-1 (infinities included). See i32.trunc_sat_f64_s for a version that never traps.",
    ),
    num(
        "i32.trunc_f64_u",
        &[X_F64],
        &[I32],
        "Converts an f64 to an unsigned i32 by rounding toward zero. Traps with \"invalid conversion to integer\" if x is NaN and with \"integer overflow\" if the truncated value is outside 0..2^32-1 (infinities included). Values between -1 and 0 truncate to 0 and are fine. See i32.trunc_sat_f64_u for a version that never traps.",
    ),
    num(
        "i64.extend_i32_s",
        &[X_I32],
        &[I64],
        "Sign-extends an i32 to an i64: the i32 is read as signed, so -1 stays -1.",
    ),
    num(
        "i64.extend_i32_u",
        &[X_I32],
        &[I64],
        "Zero-extends an i32 to an i64: the i32 is read as unsigned, so -1 becomes 4294967295.",
    ),
    num(
        "i64.trunc_f32_s",
        &[X_F32],
        &[I64],
        "Converts an f32 to a signed i64 by rounding toward zero. Traps with \"invalid conversion to integer\" if x is NaN and with \"integer overflow\" if the truncated value is outside -2^63..2^63-1 (infinities included). See i64.trunc_sat_f32_s for a version that never traps.",
    ),
    num(
        "i64.trunc_f32_u",
        &[X_F32],
        &[I64],
        "Converts an f32 to an unsigned i64 by rounding toward zero. Traps with \"invalid conversion to integer\" if x is NaN and with \"integer overflow\" if the truncated value is outside 0..2^64-1 (infinities included). Values between -1 and 0 truncate to 0 and are fine. See i64.trunc_sat_f32_u for a version that never traps.",
    ),
    num(
        "i64.trunc_f64_s",
        &[X_F64],
        &[I64],
        "Converts an f64 to a signed i64 by rounding toward zero. Traps with \"invalid conversion to integer\" if x is NaN and with \"integer overflow\" if the truncated value is outside -2^63..2^63-1 (infinities included). See i64.trunc_sat_f64_s for a version that never traps.",
    ),
    num(
        "i64.trunc_f64_u",
        &[X_F64],
        &[I64],
        "Converts an f64 to an unsigned i64 by rounding toward zero. Traps with \"invalid conversion to integer\" if x is NaN and with \"integer overflow\" if the truncated value is outside 0..2^64-1 (infinities included). Values between -1 and 0 truncate to 0 and are fine. See i64.trunc_sat_f64_u for a version that never traps.",
    ),
    num(
        "f32.convert_i32_s",
        &[X_I32],
        &[F32],
        "Converts x, read as a signed integer, to the nearest f32 (ties to even). Large magnitudes (above 2^24) may lose precision. Never traps.",
    ),
    num(
        "f32.convert_i32_u",
        &[X_I32],
        &[F32],
        "Converts x, read as an unsigned integer, to the nearest f32 (ties to even). Large magnitudes (above 2^24) may lose precision. Never traps.",
    ),
    num(
        "f32.convert_i64_s",
        &[X_I64],
        &[F32],
        "Converts x, read as a signed integer, to the nearest f32 (ties to even). Large magnitudes (above 2^24) may lose precision. Never traps.",
    ),
    num(
        "f32.convert_i64_u",
        &[X_I64],
        &[F32],
        "Converts x, read as an unsigned integer, to the nearest f32 (ties to even). Large magnitudes (above 2^24) may lose precision. Never traps.",
    ),
    num(
        "f32.demote_f64",
        &[X_F64],
        &[F32],
        "Rounds an f64 to the nearest f32 (ties to even). Values too large become infinities, very small ones may become subnormal or zero, and NaN stays NaN. Never traps.",
    ),
    num(
        "f64.convert_i32_s",
        &[X_I32],
        &[F64],
        "Converts x, read as a signed integer, to the f64 with the same value; every i32 fits exactly, so no rounding happens. Never traps.",
    ),
    num(
        "f64.convert_i32_u",
        &[X_I32],
        &[F64],
        "Converts x, read as an unsigned integer, to the f64 with the same value; every i32 fits exactly, so no rounding happens. Never traps.",
    ),
    num(
        "f64.convert_i64_s",
        &[X_I64],
        &[F64],
        "Converts x, read as a signed integer, to the nearest f64 (ties to even). Large magnitudes (above 2^53) may lose precision. Never traps.",
    ),
    num(
        "f64.convert_i64_u",
        &[X_I64],
        &[F64],
        "Converts x, read as an unsigned integer, to the nearest f64 (ties to even). Large magnitudes (above 2^53) may lose precision. Never traps.",
    ),
    num(
        "f64.promote_f32",
        &[X_F32],
        &[F64],
        "Converts an f32 to the f64 with exactly the same value; NaN stays NaN. Never traps.",
    ),
    num(
        "i32.reinterpret_f32",
        &[X_F32],
        &[I32],
        "Pushes the 32 bits of an f32 unchanged, now typed as i32; no numeric conversion happens. Handy for looking at (or building) a float's sign, exponent and mantissa bits.",
    ),
    num(
        "i64.reinterpret_f64",
        &[X_F64],
        &[I64],
        "Pushes the 64 bits of an f64 unchanged, now typed as i64; no numeric conversion happens. Handy for looking at (or building) a float's sign, exponent and mantissa bits.",
    ),
    num(
        "f32.reinterpret_i32",
        &[X_I32],
        &[F32],
        "Pushes the 32 bits of an i32 unchanged, now typed as f32; no numeric conversion happens. Handy for looking at (or building) a float's sign, exponent and mantissa bits.",
    ),
    num(
        "f64.reinterpret_i64",
        &[X_I64],
        &[F64],
        "Pushes the 64 bits of an i64 unchanged, now typed as f64; no numeric conversion happens. Handy for looking at (or building) a float's sign, exponent and mantissa bits.",
    ),
    num(
        "i32.extend8_s",
        &[X_I32],
        &[I32],
        "Sign-extends the low 8 bits of x to a full i32: bit 7 is copied into all higher bits, so 0x80 becomes negative. The input's other bits are ignored.",
    ),
    num(
        "i32.extend16_s",
        &[X_I32],
        &[I32],
        "Sign-extends the low 16 bits of x to a full i32: bit 15 is copied into all higher bits, so 0x8000 becomes negative. The input's other bits are ignored.",
    ),
    num(
        "i64.extend8_s",
        &[X_I64],
        &[I64],
        "Sign-extends the low 8 bits of x to a full i64: bit 7 is copied into all higher bits, so 0x80 becomes negative. The input's other bits are ignored.",
    ),
    num(
        "i64.extend16_s",
        &[X_I64],
        &[I64],
        "Sign-extends the low 16 bits of x to a full i64: bit 15 is copied into all higher bits, so 0x8000 becomes negative. The input's other bits are ignored.",
    ),
    num(
        "i64.extend32_s",
        &[X_I64],
        &[I64],
        "Sign-extends the low 32 bits of x to a full i64: bit 31 is copied into all higher bits, so 0x80000000 becomes negative. The input's other bits are ignored.",
    ),
    num(
        "i32.trunc_sat_f32_s",
        &[X_F32],
        &[I32],
        "Converts an f32 to a signed i32 by rounding toward zero, but never traps: NaN gives 0, and values below or above the i32 range saturate to -2^31 or 2^31-1 (infinities included).",
    ),
    num(
        "i32.trunc_sat_f32_u",
        &[X_F32],
        &[I32],
        "Converts an f32 to an unsigned i32 by rounding toward zero, but never traps: NaN and values below 0 give 0, and values above 2^32-1 give 2^32-1 (infinities included).",
    ),
    num(
        "i32.trunc_sat_f64_s",
        &[X_F64],
        &[I32],
        "Converts an f64 to a signed i32 by rounding toward zero, but never traps: NaN gives 0, and values below or above the i32 range saturate to -2^31 or 2^31-1 (infinities included).",
    ),
    num(
        "i32.trunc_sat_f64_u",
        &[X_F64],
        &[I32],
        "Converts an f64 to an unsigned i32 by rounding toward zero, but never traps: NaN and values below 0 give 0, and values above 2^32-1 give 2^32-1 (infinities included).",
    ),
    num(
        "i64.trunc_sat_f32_s",
        &[X_F32],
        &[I64],
        "Converts an f32 to a signed i64 by rounding toward zero, but never traps: NaN gives 0, and values below or above the i64 range saturate to -2^63 or 2^63-1 (infinities included).",
    ),
    num(
        "i64.trunc_sat_f32_u",
        &[X_F32],
        &[I64],
        "Converts an f32 to an unsigned i64 by rounding toward zero, but never traps: NaN and values below 0 give 0, and values above 2^64-1 give 2^64-1 (infinities included).",
    ),
    num(
        "i64.trunc_sat_f64_s",
        &[X_F64],
        &[I64],
        "Converts an f64 to a signed i64 by rounding toward zero, but never traps: NaN gives 0, and values below or above the i64 range saturate to -2^63 or 2^63-1 (infinities included).",
    ),
    num(
        "i64.trunc_sat_f64_u",
        &[X_F64],
        &[I64],
        "Converts an f64 to an unsigned i64 by rounding toward zero, but never traps: NaN and values below 0 give 0, and values above 2^64-1 give 2^64-1 (infinities included).",
    ),
    num(
        "i64.add128",
        &[
            op("a_lo", "i64"),
            op("a_hi", "i64"),
            op("b_lo", "i64"),
            op("b_hi", "i64"),
        ],
        &[op("lo", "i64"), op("hi", "i64")],
        "Wide arithmetic (WebAssembly 3.0): adds two 128-bit integers, each given as two i64 halves (low half deeper), and pushes the 128-bit sum the same way. Wraps around modulo 2^128; never traps.",
    ),
    num(
        "i64.sub128",
        &[
            op("a_lo", "i64"),
            op("a_hi", "i64"),
            op("b_lo", "i64"),
            op("b_hi", "i64"),
        ],
        &[op("lo", "i64"), op("hi", "i64")],
        "Wide arithmetic (WebAssembly 3.0): subtracts the 128-bit integer b from a, each given as two i64 halves (low half deeper), and pushes the difference the same way. Wraps around modulo 2^128; never traps.",
    ),
    num(
        "i64.mul_wide_s",
        &[op("a", "i64"), op("b", "i64")],
        &[op("lo", "i64"), op("hi", "i64")],
        "Wide arithmetic (WebAssembly 3.0): multiplies two signed i64s into their full signed 128-bit product, pushed as its low then its high i64 half. Never overflows or traps.",
    ),
    num(
        "i64.mul_wide_u",
        &[op("a", "i64"), op("b", "i64")],
        &[op("lo", "i64"), op("hi", "i64")],
        "Wide arithmetic (WebAssembly 3.0): multiplies two unsigned i64s into their full unsigned 128-bit product, pushed as its low then its high i64 half. Never overflows or traps.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    // Expected size of the catalog:
    //   Control     24  unreachable nop block loop if else end br br_if br_table
    //                   return call call_indirect return_call return_call_indirect
    //                   call_ref return_call_ref br_on_null br_on_non_null
    //                   try_table throw throw_ref br_on_cast br_on_cast_fail
    //   Reference   32  ref.null ref.is_null ref.func ref.as_non_null
    //                   + 6 struct + 14 array + ref.i31 i31.get_s/u
    //                   + ref.test ref.cast ref.eq any.convert_extern extern.convert_any
    //   Parametric   2  drop select (one entry covers both `select` and
    //                   `select (result t)`, which share a text name)
    //   Variable     5  local.get/set/tee global.get/set
    //   Table        8  table.get/set/size/grow/fill/copy/init elem.drop
    //   Memory      29  14 loads (4 full-width + 4 i32 narrow + 6 i64 narrow)
    //                   + 9 stores (4 full-width + 2 i32 narrow + 3 i64 narrow)
    //                   + memory.size/grow/fill/copy/init data.drop
    //   Numeric    144  4 consts
    //                   + 2 x 29 integer ops (eqz, 10 compares, clz ctz popcnt,
    //                     15 binary: add sub mul div_s div_u rem_s rem_u and or
    //                     xor shl shr_s shr_u rotl rotr)
    //                   + 2 x 20 float ops (6 compares, 7 unary: abs neg ceil
    //                     floor trunc nearest sqrt, 7 binary: add sub mul div
    //                     min max copysign)
    //                   + 25 conversions (wrap, 8 trunc, 2 extend, 8 convert,
    //                     demote, promote, 4 reinterpret)
    //                   + 5 sign extensions + 8 saturating truncations
    //                   + 4 wide arithmetic (add128 sub128 mul_wide_s/u)
    //   Vector     256  236 fixed-width SIMD instructions and 20 relaxed ones
    //   Total      500
    const EXPECTED: [(Family, usize); 8] = [
        (Family::Control, 24),
        (Family::Reference, 32),
        (Family::Parametric, 2),
        (Family::Variable, 5),
        (Family::Table, 8),
        (Family::Memory, 29),
        (Family::Numeric, 144),
        // 236 fixed-width SIMD instructions and 20 relaxed ones.
        (Family::Vector, 256),
    ];

    #[test]
    fn names_are_unique_and_found() {
        let mut seen = HashSet::new();
        for doc in all() {
            assert!(seen.insert(doc.name), "duplicate name {}", doc.name);
            let found = lookup(doc.name).expect(doc.name);
            assert!(
                std::ptr::eq(found, doc),
                "lookup({}) found another entry",
                doc.name
            );
        }
        assert_eq!(lookup("i32.frobnicate"), None);
        assert_eq!(lookup("I32.ADD"), None);
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn catalog_has_expected_size() {
        assert_eq!(all().len(), 244 + 256);
        for (family, count) in EXPECTED {
            let got = all().iter().filter(|d| d.family == family).count();
            assert_eq!(got, count, "{family:?}");
        }
    }

    #[test]
    fn families_appear_in_spec_order() {
        for pair in all().windows(2) {
            assert!(
                pair[0].family <= pair[1].family,
                "{} ({:?}) before {} ({:?})",
                pair[0].name,
                pair[0].family,
                pair[1].name,
                pair[1].family
            );
        }
    }

    #[test]
    fn spot_checked_names_exist() {
        let names = [
            "unreachable",
            "nop",
            "block",
            "loop",
            "if",
            "else",
            "end",
            "br",
            "br_if",
            "br_table",
            "return",
            "call",
            "call_indirect",
            "return_call",
            "return_call_indirect",
            "ref.null",
            "ref.is_null",
            "ref.func",
            "drop",
            "select",
            "local.tee",
            "global.set",
            "table.get",
            "table.grow",
            "table.copy",
            "table.init",
            "elem.drop",
            "i64.load32_u",
            "i32.load16_s",
            "f64.store",
            "i64.store32",
            "memory.size",
            "memory.grow",
            "memory.fill",
            "memory.copy",
            "memory.init",
            "data.drop",
            "i32.const",
            "f64.const",
            "i32.eqz",
            "i64.ge_u",
            "f32.ne",
            "i32.popcnt",
            "i64.rotr",
            "f32.copysign",
            "f64.nearest",
            "i32.wrap_i64",
            "i32.trunc_f32_s",
            "i64.extend_i32_u",
            "f32.demote_f64",
            "f64.promote_f32",
            "i32.reinterpret_f32",
            "f64.reinterpret_i64",
            "i32.extend8_s",
            "i64.extend32_s",
            "i32.trunc_sat_f64_u",
            "i64.trunc_sat_f32_s",
        ];
        for name in names {
            assert!(lookup(name).is_some(), "missing {name}");
        }
        for name in ["v128.load", "i32x4.add", "i8x16.shuffle", "v128.const"] {
            assert!(lookup(name).is_some(), "missing {name}");
        }
        // Not an instruction watlab runs, or not a text-format name.
        for name in ["memory.atomic.notify", "i32.trunc_s/f32"] {
            assert!(lookup(name).is_none(), "unexpected {name}");
        }
    }

    #[test]
    fn signatures_format() {
        let sig = |name| lookup(name).unwrap().signature();
        assert_eq!(sig("i32.store"), "[addr:i32 value:i32] -> []");
        assert_eq!(sig("i64.load8_s"), "[addr:i32] -> [i64]");
        assert_eq!(sig("i32.add"), "[a:i32 b:i32] -> [i32]");
        assert_eq!(sig("i64.shl"), "[value:i64 count:i64] -> [i64]");
        assert_eq!(sig("f64.lt"), "[a:f64 b:f64] -> [i32]");
        assert_eq!(sig("f32.copysign"), "[magnitude:f32 sign:f32] -> [f32]");
        assert_eq!(sig("i32.trunc_sat_f64_u"), "[x:f64] -> [i32]");
        assert_eq!(sig("drop"), "[value:any] -> []");
        assert_eq!(sig("select"), "[a:t b:t cond:i32] -> [t]");
        assert_eq!(sig("local.get"), "[] -> [value:t]");
        assert_eq!(sig("local.tee"), "[value:t] -> [value:t]");
        assert_eq!(sig("call"), "[args:params] -> [results]");
        assert_eq!(sig("call_indirect"), "[args:params index:i32] -> [results]");
        assert_eq!(sig("nop"), "[] -> []");
        assert_eq!(sig("memory.grow"), "[delta:i32] -> [old_size:i32]");
        assert_eq!(sig("memory.fill"), "[dest:i32 value:i32 len:i32] -> []");
        assert_eq!(sig("table.grow"), "[init:ref delta:i32] -> [old_size:i32]");
        assert_eq!(sig("ref.func"), "[] -> [funcref]");
    }

    #[test]
    fn immediates() {
        let imm = |name| lookup(name).unwrap().immediates;
        assert_eq!(imm("i32.store"), "offset=N? align=N?");
        assert_eq!(imm("br"), "$label");
        assert_eq!(imm("i32.add"), "");
        assert_eq!(imm("memory.init"), "$data");
    }

    #[test]
    fn completion() {
        assert_eq!(
            complete("i32.lo"),
            [
                "i32.load",
                "i32.load16_s",
                "i32.load16_u",
                "i32.load8_s",
                "i32.load8_u"
            ]
        );
        assert_eq!(
            complete("memory."),
            [
                "memory.copy",
                "memory.fill",
                "memory.grow",
                "memory.init",
                "memory.size"
            ]
        );
        assert_eq!(
            complete("br"),
            [
                "br",
                "br_if",
                "br_on_cast",
                "br_on_cast_fail",
                "br_on_non_null",
                "br_on_null",
                "br_table"
            ]
        );
        assert!(complete("zz").is_empty());
        let everything = complete("");
        assert_eq!(everything.len(), all().len());
        assert!(everything.is_sorted());
    }

    #[test]
    fn summaries_are_short_paragraphs() {
        for doc in all() {
            let s = doc.summary;
            assert!(!s.trim().is_empty(), "{} has no summary", doc.name);
            assert!(s.len() <= 400, "{} summary is {} chars", doc.name, s.len());
            assert!(
                !s.contains('\n'),
                "{} summary is not one paragraph",
                doc.name
            );
            assert!(
                s.ends_with('.'),
                "{} summary does not end a sentence",
                doc.name
            );
            assert_eq!(s, s.trim(), "{} summary has stray spaces", doc.name);
            assert!(!s.contains("  "), "{} summary has a double space", doc.name);
        }
    }

    #[test]
    fn numeric_signatures_match_names() {
        const TESTS: [&str; 11] = [
            "eqz", "eq", "ne", "lt", "gt", "le", "ge", "lt_s", "lt_u", "gt_s", "gt_u",
        ];
        for doc in all().iter().filter(|d| d.family == Family::Numeric) {
            let (ty, op) = doc.name.split_once('.').unwrap();
            // Wide arithmetic leaves a 128-bit result as two i64 halves.
            let wide = ["add128", "sub128", "mul_wide_s", "mul_wide_u"].contains(&op);
            assert_eq!(doc.results.len(), if wide { 2 } else { 1 }, "{}", doc.name);
            let is_test = TESTS.contains(&op) || op.starts_with("le_") || op.starts_with("ge_");
            let expected = if is_test { "i32" } else { ty };
            assert_eq!(doc.results[0].ty, expected, "{}", doc.name);
            // Conversions name their source type (`i32.trunc_f64_s`); every
            // other numeric instruction takes operands of its own type.
            let source = op
                .split('_')
                .find(|part| ["i32", "i64", "f32", "f64"].contains(part))
                .unwrap_or(ty);
            for param in doc.params {
                assert_eq!(param.ty, source, "{}", doc.name);
            }
        }
    }

    #[test]
    fn memory_access_operands() {
        for doc in all()
            .iter()
            .filter(|d| d.name.contains(".load") || d.name.contains(".store"))
            .filter(|d| d.family != Family::Vector)
        {
            assert_eq!(doc.family, Family::Memory);
            assert_eq!(doc.immediates, "offset=N? align=N?", "{}", doc.name);
            assert_eq!(
                doc.params[0],
                Operand {
                    name: "addr",
                    ty: "i32"
                },
                "{}",
                doc.name
            );
            assert!(
                doc.summary.contains("out of bounds memory access"),
                "{}",
                doc.name
            );
        }
    }

    #[test]
    fn trapping_arithmetic_mentions_its_traps() {
        for doc in all() {
            let s = doc.summary;
            if doc.name.contains(".div_") || doc.name.contains(".rem_") {
                assert!(s.contains("integer divide by zero"), "{}", doc.name);
            }
            if doc.name.contains(".trunc_f") {
                assert!(s.contains("invalid conversion to integer"), "{}", doc.name);
                assert!(s.contains("integer overflow"), "{}", doc.name);
            }
            if doc.name.contains(".trunc_sat_") {
                assert!(s.contains("never traps"), "{}", doc.name);
            }
        }
        assert!(
            lookup("i32.div_s")
                .unwrap()
                .summary
                .contains("integer overflow")
        );
        assert!(lookup("i64.div_s").unwrap().summary.contains("-2^63 / -1"));
    }
}

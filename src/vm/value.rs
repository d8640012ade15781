//! Value types and runtime values, in the spec's vocabulary.
//!
//! Inside the executor every value is untyped: scalars and references take
//! one 64-bit slot, a `v128` takes two consecutive slots (low half first).
//! The translator knows every operand's type statically, so it lays a
//! vector out over two slots and scalar code keeps its narrow slots (a
//! 128-bit slot would double the frame traffic of every scalar instruction).
//! [`Value`] is the typed form that crosses the API boundary (arguments,
//! results, views); [`Value::write_slots`] and [`Value::read_slots`] convert.

use std::fmt;

/// A WebAssembly value type. The three nullable abstract references of
/// WebAssembly 2.0 (and `exnref`) keep their own variants; every other
/// reference type (WebAssembly 3.0: non-nullable, `anyref`, `(ref $t)`, ...)
/// is a [`ValType::Ref`] (see [`ValType::reference`], which normalises).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// 128-bit vector (fixed-width SIMD).
    V128,
    /// Nullable reference to a function.
    FuncRef,
    /// Nullable opaque host reference.
    ExternRef,
    /// Nullable reference to a caught exception (WebAssembly 3.0's `exnref`).
    ExnRef,
    /// Any other reference type (never `(ref null func)`, `(ref null extern)`
    /// or `(ref null exn)`, which are the variants above).
    Ref(RefType),
}

/// The heap type a reference points to: an abstract one or a defined type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Every function.
    Func,
    /// Every host reference (and externalized GC value).
    Extern,
    /// Every internal GC value: i31, structs, arrays, internalized host references.
    Any,
    /// Values `ref.eq` compares: i31, structs, arrays.
    Eq,
    /// Unboxed 31-bit integers.
    I31,
    /// Every struct.
    Struct,
    /// Every array.
    Array,
    /// Every exception.
    Exn,
    /// The bottom of `any`: no value.
    None,
    /// The bottom of `func`.
    NoFunc,
    /// The bottom of `extern`.
    NoExtern,
    /// The bottom of `exn`.
    NoExn,
    /// A defined type: a module's type index in a module, a canonical
    /// (rec-group-equivalent) id in the store.
    Concrete(u32),
}

impl HeapType {
    /// The WAT keyword of an abstract heap type (None for a defined type).
    pub fn keyword(self) -> Option<&'static str> {
        Some(match self {
            HeapType::Func => "func",
            HeapType::Extern => "extern",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::Exn => "exn",
            HeapType::None => "none",
            HeapType::NoFunc => "nofunc",
            HeapType::NoExtern => "noextern",
            HeapType::NoExn => "noexn",
            HeapType::Concrete(_) => return None,
        })
    }

    /// Converts from wasmparser's heap type (a defined type keeps its index:
    /// the module's, or the validator's id inside a function validator).
    pub fn from_wasmparser(ty: wasmparser::HeapType) -> Option<HeapType> {
        use wasmparser::AbstractHeapType as A;
        Some(match ty {
            wasmparser::HeapType::Concrete(i) | wasmparser::HeapType::Exact(i) => {
                HeapType::Concrete(match i {
                    wasmparser::UnpackedIndex::Module(i)
                    | wasmparser::UnpackedIndex::RecGroup(i) => i,
                    wasmparser::UnpackedIndex::Id(id) => {
                        u32::try_from(wasmparser::types::TypeIdentifier::index(&id)).ok()?
                    }
                })
            }
            wasmparser::HeapType::Abstract { shared: false, ty } => match ty {
                A::Func => HeapType::Func,
                A::Extern => HeapType::Extern,
                A::Any => HeapType::Any,
                A::Eq => HeapType::Eq,
                A::I31 => HeapType::I31,
                A::Struct => HeapType::Struct,
                A::Array => HeapType::Array,
                A::Exn => HeapType::Exn,
                A::None => HeapType::None,
                A::NoFunc => HeapType::NoFunc,
                A::NoExtern => HeapType::NoExtern,
                A::NoExn => HeapType::NoExn,
                _ => return None,
            },
            wasmparser::HeapType::Abstract { shared: true, .. } => return None,
        })
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeapType::Concrete(i) => write!(f, "{i}"),
            other => f.write_str(other.keyword().unwrap_or_default()),
        }
    }
}

/// A reference type: nullability and heap type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    /// Whether null is a value of the type.
    pub nullable: bool,
    /// What it points to.
    pub heap: HeapType,
}

impl RefType {
    /// WAT's form: the shorthand (`anyref`, `nullfuncref`) for a nullable
    /// abstract type, else `(ref null? heap)`, a defined type written by
    /// `name` (its index, `$point`, its definition).
    pub fn text_with(self, name: &dyn Fn(u32) -> String) -> String {
        match (self.nullable, self.heap) {
            (true, HeapType::None) => "nullref".into(),
            (true, HeapType::NoFunc | HeapType::NoExtern | HeapType::NoExn) => {
                format!("null{}ref", &self.heap.to_string()[2..])
            }
            (nullable, HeapType::Concrete(i)) => {
                let null = if nullable { "null " } else { "" };
                format!("(ref {null}{})", name(i))
            }
            (true, heap) => format!("{heap}ref"),
            (false, heap) => format!("(ref {heap})"),
        }
    }
}

impl fmt::Display for RefType {
    /// [`RefType::text_with`], a defined type by its index.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text_with(&|i| i.to_string()))
    }
}

impl ValType {
    /// Every value type watlab runs, in the order WAT lists them.
    pub const ALL: [ValType; 8] = [
        ValType::I32,
        ValType::I64,
        ValType::F32,
        ValType::F64,
        ValType::V128,
        ValType::FuncRef,
        ValType::ExternRef,
        ValType::ExnRef,
    ];

    /// The type a WAT keyword names (`i32`, `funcref`, `anyref`, `nullref`),
    /// the inverse of `Display` for these.
    pub fn from_name(word: &str) -> Option<ValType> {
        use HeapType as H;
        let shorthands = [H::Any, H::Eq, H::I31, H::Struct, H::Array, H::None]
            .into_iter()
            .chain([H::NoFunc, H::NoExtern, H::NoExn])
            .map(|heap| ValType::reference(true, heap));
        ValType::ALL
            .into_iter()
            .chain(shorthands)
            .find(|ty| ty.to_string() == word)
    }

    /// Converts from wasmparser's type, rejecting what watlab does not run
    /// (shared references).
    pub fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) => {
                ValType::reference(r.is_nullable(), HeapType::from_wasmparser(r.heap_type())?)
            }
        })
    }

    /// Like [`ValType::from_wasmparser`] for a type a function validator
    /// reports, whose defined types are the validator's ids: a defined type
    /// becomes the module's type index again (None when no index has it).
    pub fn from_validator(
        ty: wasmparser::ValType,
        resources: &impl wasmparser::WasmModuleResources,
    ) -> Option<ValType> {
        use wasmparser::{HeapType as W, UnpackedIndex as U};
        let wasmparser::ValType::Ref(r) = ty else {
            return ValType::from_wasmparser(ty);
        };
        let heap = match r.heap_type() {
            W::Concrete(U::Id(id)) => {
                let index_of = |i: u32| {
                    let mut heap = W::Concrete(U::Module(i));
                    resources.check_heap_type(&mut heap, 0).ok()?;
                    Some(heap)
                };
                let index = (0..)
                    .map_while(|i| resources.sub_type_at(i).map(|_| i))
                    .find(|i| index_of(*i) == Some(W::Concrete(U::Id(id))))?;
                HeapType::Concrete(index)
            }
            other => HeapType::from_wasmparser(other)?,
        };
        Some(ValType::reference(r.is_nullable(), heap))
    }

    /// Like [`ValType::from_wasmparser`], a reference widened to the
    /// nullable top of its hierarchy (`funcref`, `externref`, `anyref`,
    /// `exnref`): the type a wrapper declares to hand any such value on.
    pub fn widened(
        ty: wasmparser::ValType,
        resources: &impl wasmparser::WasmModuleResources,
    ) -> Option<ValType> {
        match ty {
            wasmparser::ValType::Ref(r) => {
                let top = resources.top_type(&r.heap_type());
                Some(ValType::reference(true, HeapType::from_wasmparser(top)?))
            }
            other => ValType::from_wasmparser(other),
        }
    }

    /// The reference type `(ref null? heap)`, normalised: the nullable
    /// `func`, `extern` and `exn` are [`ValType::FuncRef`], [`ValType::ExternRef`]
    /// and [`ValType::ExnRef`].
    pub fn reference(nullable: bool, heap: HeapType) -> ValType {
        match (nullable, heap) {
            (true, HeapType::Func) => ValType::FuncRef,
            (true, HeapType::Extern) => ValType::ExternRef,
            (true, HeapType::Exn) => ValType::ExnRef,
            _ => ValType::Ref(RefType { nullable, heap }),
        }
    }

    /// The reference type, for any reference (None for numbers and vectors).
    pub fn ref_type(self) -> Option<RefType> {
        let nullable = |heap| RefType {
            nullable: true,
            heap,
        };
        match self {
            ValType::FuncRef => Some(nullable(HeapType::Func)),
            ValType::ExternRef => Some(nullable(HeapType::Extern)),
            ValType::ExnRef => Some(nullable(HeapType::Exn)),
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// The same type with each defined type index mapped by `f` (a module's
    /// index to the store's canonical id).
    pub fn map_index(self, f: impl Fn(u32) -> u32) -> ValType {
        match self {
            ValType::Ref(RefType {
                nullable,
                heap: HeapType::Concrete(i),
            }) => ValType::Ref(RefType {
                nullable,
                heap: HeapType::Concrete(f(i)),
            }),
            other => other,
        }
    }

    /// WAT's name of the type, a defined type written by `name` (see
    /// [`RefType::text_with`]).
    pub fn text_with(self, name: &dyn Fn(u32) -> String) -> String {
        match self {
            ValType::Ref(r) => r.text_with(name),
            other => other.to_string(),
        }
    }

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        self.ref_type().is_some()
    }

    /// The value every local of this type starts with.
    pub fn default_value(self) -> Value {
        Value::read_slots(self, &[if self.is_ref() { NULL_REF } else { 0 }, 0])
    }

    /// How many executor slots a value of this type takes: 2 for `v128`, else 1.
    pub fn slot_count(self) -> usize {
        if self == ValType::V128 { 2 } else { 1 }
    }

    /// Total slots of a sequence of types (parameters, results, locals).
    pub fn slots_of(types: &[ValType]) -> usize {
        types.iter().map(|t| t.slot_count()).sum()
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
            ValType::ExnRef => "exnref",
            ValType::Ref(r) => return r.fmt(f),
        })
    }
}

/// Slot encoding of a null reference. Non-null references store `index + 1`
/// (a function address, a host reference's number, an exception address),
/// except the GC values below, which are tagged so that one slot reads the
/// same in the `any` and `extern` hierarchies (`any.convert_extern` and
/// `extern.convert_any` change no bits).
pub const NULL_REF: u64 = 0;

/// Tag of an `i31` in a slot: the tag, then the 31 bits.
pub const I31_TAG: u64 = 1 << 62;

/// Tag of a GC heap object in a slot: the tag, then the object's address.
pub const OBJECT_TAG: u64 = 1 << 61;

/// Set with [`OBJECT_TAG`] when the object is an array (so a value says
/// whether it is a struct or an array without the heap).
pub const ARRAY_TAG: u64 = 1 << 60;

/// A non-null reference in the `any` hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnyRef {
    /// An unboxed 31-bit integer (`ref.i31`), as its low 31 bits.
    I31(u32),
    /// A struct: its address in the store's GC heap.
    Struct(u32),
    /// An array: its address in the store's GC heap.
    Array(u32),
    /// A host reference brought in with `any.convert_extern`: its number.
    Host(u32),
}

impl AnyRef {
    /// The slot encoding.
    pub fn to_slot(self) -> u64 {
        match self {
            AnyRef::I31(v) => I31_TAG | u64::from(v & 0x7fff_ffff),
            AnyRef::Struct(a) => OBJECT_TAG | u64::from(a),
            AnyRef::Array(a) => OBJECT_TAG | ARRAY_TAG | u64::from(a),
            AnyRef::Host(n) => u64::from(n) + 1,
        }
    }

    /// Decodes a non-null slot.
    pub fn from_slot(slot: u64) -> AnyRef {
        if slot & I31_TAG != 0 {
            AnyRef::I31(slot as u32 & 0x7fff_ffff)
        } else if slot & (OBJECT_TAG | ARRAY_TAG) == OBJECT_TAG | ARRAY_TAG {
            AnyRef::Array(slot as u32)
        } else if slot & OBJECT_TAG != 0 {
            AnyRef::Struct(slot as u32)
        } else {
            AnyRef::Host(slot.wrapping_sub(1) as u32)
        }
    }

    /// A struct's or array's heap address.
    pub fn object(self) -> Option<u32> {
        match self {
            AnyRef::Struct(a) | AnyRef::Array(a) => Some(a),
            _ => None,
        }
    }

    /// An `i31`'s value, sign-extended from 31 bits (`i31.get_s`).
    pub fn i31_signed(bits: u32) -> i32 {
        ((bits << 1) as i32) >> 1
    }
}

impl fmt::Display for AnyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AnyRef::I31(v) => write!(f, "i31 {}", AnyRef::i31_signed(v)),
            AnyRef::Struct(a) => write!(f, "struct#{a}"),
            AnyRef::Array(a) => write!(f, "array#{a}"),
            AnyRef::Host(n) => write!(f, "host {n}"),
        }
    }
}

/// A typed WebAssembly value. Floats are kept as raw bits so NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its IEEE bits.
    F32(u32),
    /// An `f64`, as its IEEE bits.
    F64(u64),
    /// A `v128`; lane 0 is the least significant part (memory order is little-endian).
    V128(u128),
    /// A function reference: a store function address, or null.
    FuncRef(Option<u32>),
    /// A host reference: the host's number for it, or null.
    ExternRef(Option<u32>),
    /// An exception reference: the store's exception address, or null.
    ExnRef(Option<u32>),
    /// A reference in the `any` hierarchy (an i31, a struct or array, an
    /// internalized host reference), or null. An `externref` that holds an
    /// externalized i31 or object reads as this too.
    AnyRef(Option<AnyRef>),
    /// A null reference of a type below the four nullable tops (`funcref`,
    /// `externref`, `exnref`, `anyref` have their own nulls): `(ref null
    /// $point)`, `structref`, `nullref`, ... A defined type is the store's
    /// canonical id, so a view can name it as the user wrote it (issue 12).
    Null(HeapType),
}

impl Value {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::V128(_) => ValType::V128,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
            Value::ExnRef(_) => ValType::ExnRef,
            Value::AnyRef(_) => ValType::Ref(RefType {
                nullable: true,
                heap: HeapType::Any,
            }),
            Value::Null(heap) => ValType::reference(true, *heap),
        }
    }

    /// The null reference of heap type `heap`: the top types' own nulls
    /// (`funcref:null`, ...), else [`Value::Null`].
    pub fn null(heap: HeapType) -> Value {
        match heap {
            HeapType::Func => Value::FuncRef(None),
            HeapType::Extern => Value::ExternRef(None),
            HeapType::Exn => Value::ExnRef(None),
            HeapType::Any => Value::AnyRef(None),
            other => Value::Null(other),
        }
    }

    /// Whether this is a null reference (of any type).
    pub fn is_null(&self) -> bool {
        matches!(
            self,
            Value::FuncRef(None)
                | Value::ExternRef(None)
                | Value::ExnRef(None)
                | Value::AnyRef(None)
                | Value::Null(_)
        )
    }

    /// The untyped slot form used inside the executor; for a `v128`, its
    /// first (low) slot only (see [`Value::write_slots`]).
    pub fn to_slot(self) -> u64 {
        match self {
            Value::I32(v) => v as u32 as u64,
            Value::I64(v) => v as u64,
            Value::F32(v) => v as u64,
            Value::F64(v) => v,
            Value::V128(v) => v as u64,
            Value::FuncRef(r) | Value::ExternRef(r) | Value::ExnRef(r) => encode_ref(r),
            Value::AnyRef(r) => r.map_or(NULL_REF, AnyRef::to_slot),
            Value::Null(_) => NULL_REF,
        }
    }

    /// Reads one slot as a value of type `ty` (a `v128` gets a zero high half;
    /// see [`Value::read_slots`]).
    pub fn from_slot(ty: ValType, slot: u64) -> Value {
        Value::read_slots(ty, &[slot, 0])
    }

    /// Writes the value's [`ValType::slot_count`] slots to the front of `out`
    /// (as many as fit).
    pub fn write_slots(self, out: &mut [u64]) {
        let halves = match self {
            Value::V128(v) => [v as u64, (v >> 64) as u64],
            other => [other.to_slot(), 0],
        };
        for (slot, half) in out.iter_mut().zip(&halves[..self.ty().slot_count()]) {
            *slot = *half;
        }
    }

    /// Reads a value of type `ty` from the front of `slots` (missing slots read as 0).
    pub fn read_slots(ty: ValType, slots: &[u64]) -> Value {
        let slot = slots.first().copied().unwrap_or(0);
        match ty {
            ValType::I32 => Value::I32(slot as u32 as i32),
            ValType::I64 => Value::I64(slot as i64),
            ValType::F32 => Value::F32(slot as u32),
            ValType::F64 => Value::F64(slot),
            ValType::V128 => {
                let high = slots.get(1).copied().unwrap_or(0);
                Value::V128(u128::from(slot) | u128::from(high) << 64)
            }
            ValType::FuncRef => Value::FuncRef(decode_ref(slot)),
            ValType::ExternRef => Value::ExternRef(decode_ref(slot)),
            ValType::ExnRef => Value::ExnRef(decode_ref(slot)),
            ValType::Ref(r) => Value::of_ref(r.heap, slot),
        }
    }

    /// A reference slot of heap type `heap` as a value. A defined type's
    /// slot says what it holds (functions are untagged, GC objects tagged);
    /// a null keeps its heap type (see [`Value::null`]).
    fn of_ref(heap: HeapType, slot: u64) -> Value {
        let gc = slot & (I31_TAG | OBJECT_TAG) != 0;
        if slot == NULL_REF {
            return Value::null(heap);
        }
        match heap {
            HeapType::Func | HeapType::NoFunc => Value::FuncRef(decode_ref(slot)),
            HeapType::Exn | HeapType::NoExn => Value::ExnRef(decode_ref(slot)),
            HeapType::Extern | HeapType::NoExtern if !gc => Value::ExternRef(decode_ref(slot)),
            HeapType::Concrete(_) if slot != NULL_REF && !gc => Value::FuncRef(decode_ref(slot)),
            _ => Value::AnyRef((slot != NULL_REF).then(|| AnyRef::from_slot(slot))),
        }
    }

    /// Values laid out in slots, one after another.
    pub fn to_slots(values: &[Value]) -> Vec<u64> {
        let mut slots = vec![0; values.iter().map(|v| v.ty().slot_count()).sum()];
        let mut at = 0;
        for v in values {
            v.write_slots(&mut slots[at..]);
            at += v.ty().slot_count();
        }
        slots
    }

    /// Values of `types` read from consecutive slots.
    pub fn from_slots(types: &[ValType], slots: &[u64]) -> Vec<Value> {
        let mut at = 0;
        types
            .iter()
            .map(|ty| {
                let v = Value::read_slots(*ty, slots.get(at..).unwrap_or(&[]));
                at += ty.slot_count();
                v
            })
            .collect()
    }

    /// Convenience constructor for an `f32` from a Rust float.
    pub fn f32(v: f32) -> Value {
        Value::F32(v.to_bits())
    }

    /// Convenience constructor for an `f64` from a Rust float.
    pub fn f64(v: f64) -> Value {
        Value::F64(v.to_bits())
    }
}

/// Encodes an optional reference index into a slot.
pub fn encode_ref(r: Option<u32>) -> u64 {
    match r {
        None => NULL_REF,
        Some(i) => i as u64 + 1,
    }
}

/// Decodes a slot into an optional reference index.
pub fn decode_ref(slot: u64) -> Option<u32> {
    if slot == NULL_REF {
        None
    } else {
        Some((slot - 1) as u32)
    }
}

/// Writes `v` in spec-script style: `i32:42`, `f64:1.5`, `funcref:null`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::I32(v) => write!(f, "i32:{v}"),
            Value::I64(v) => write!(f, "i64:{v}"),
            Value::F32(bits) => write!(f, "f32:{}", format_f32(bits)),
            Value::F64(bits) => write!(f, "f64:{}", format_f64(bits)),
            Value::V128(bits) => write!(f, "v128:{}", super::lanes::Shape::I32x4.describe(bits)),
            Value::FuncRef(None) => write!(f, "funcref:null"),
            Value::FuncRef(Some(a)) => write!(f, "funcref:func#{a}"),
            Value::ExternRef(None) => write!(f, "externref:null"),
            Value::ExternRef(Some(a)) => write!(f, "externref:{a}"),
            Value::ExnRef(None) => write!(f, "exnref:null"),
            Value::ExnRef(Some(a)) => write!(f, "exnref:exn#{a}"),
            Value::AnyRef(None) => write!(f, "anyref:null"),
            Value::AnyRef(Some(r)) => write!(f, "anyref:{r}"),
            Value::Null(heap) => write!(f, "{}:null", Value::Null(heap).ty()),
        }
    }
}

/// Values written as `[i32:1 f64:2.5]`, as results and traces show them.
pub fn list(values: &[Value]) -> String {
    format!(
        "[{}]",
        values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// The one text form of an `f32` shown to the user (stack, memory views,
/// traces, the binary explainer): see [`format_f64`] for the rules.
pub fn format_f32(bits: u32) -> String {
    let v = f32::from_bits(bits);
    if v.is_nan() {
        return format_nan(bits >> 31 == 1, u64::from(bits & 0x007f_ffff), 0x0040_0000);
    }
    if plain_decimal(f64::from(v)) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// The one text form of an `f64` shown to the user, so the stack and
/// `:mem ... as f64` agree (issue 9, item 7).
///
/// The shortest digits that read back to the same bits, written as a plain
/// decimal (`0.0000001`, `16777216`, `-0`) unless that would be a wall of
/// zeros: below 1e-9 or from 1e21 up, scientific (`1e-10`, `1.5e300`).
/// Infinities are `inf`/`-inf`; NaNs are `nan`/`-nan`, with the payload
/// (`nan:0x1`) when it is not the canonical one, as in the text format.
pub fn format_f64(bits: u64) -> String {
    let v = f64::from_bits(bits);
    if v.is_nan() {
        return format_nan(
            bits >> 63 == 1,
            bits & 0x000f_ffff_ffff_ffff,
            0x0008_0000_0000_0000,
        );
    }
    if plain_decimal(v) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// Whether a non-NaN float reads best as a plain decimal: zero, the
/// infinities, and magnitudes in `[1e-9, 1e21)`.
fn plain_decimal(v: f64) -> bool {
    let a = v.abs();
    a == 0.0 || a.is_infinite() || (1e-9..1e21).contains(&a)
}

/// `nan`, `-nan`, or `nan:0x...` when the payload is not the canonical one.
fn format_nan(negative: bool, payload: u64, canonical: u64) -> String {
    let sign = if negative { "-" } else { "" };
    if payload == canonical {
        format!("{sign}nan")
    } else {
        format!("{sign}nan:0x{payload:x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_types_are_named_as_wat_names_them() {
        for ty in ValType::ALL {
            assert_eq!(ValType::from_name(&ty.to_string()), Some(ty));
        }
        assert_eq!(ValType::from_name("anyfunc"), None);
        assert_eq!(
            ValType::from_name("i31ref").map(|t| t.to_string()),
            Some("i31ref".to_string())
        );
        assert_eq!(ValType::from_name("I32"), None);
    }

    #[test]
    fn slots_round_trip_every_type() {
        for v in [
            Value::I32(-7),
            Value::I64(i64::MIN),
            Value::F32(0x7fc0_0001),
            Value::F64(0xfff8_0000_0000_0001),
            Value::FuncRef(None),
            Value::V128(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10),
            Value::FuncRef(Some(0)),
            Value::ExternRef(Some(41)),
        ] {
            let slots = Value::to_slots(&[v, Value::I32(9)]);
            assert_eq!(slots.len(), v.ty().slot_count() + 1);
            assert_eq!(
                Value::from_slots(&[v.ty(), ValType::I32], &slots),
                [v, Value::I32(9)]
            );
        }
    }

    #[test]
    fn floats_print_shortest_and_nan_payloads() {
        assert_eq!(Value::f64(0.1).to_string(), "f64:0.1");
        assert_eq!(Value::f32(-0.0).to_string(), "f32:-0");
        assert_eq!(Value::F32(0x7fc0_0000).to_string(), "f32:nan");
        assert_eq!(Value::F32(0xffa0_0000).to_string(), "f32:-nan:0x200000");
        assert_eq!(Value::f64(f64::NEG_INFINITY).to_string(), "f64:-inf");
    }

    #[test]
    fn floats_are_plain_decimals_unless_a_wall_of_zeros() {
        let f64s = [
            (1e-7f64, "0.0000001"),
            (1e-9, "0.000000001"),
            (9.9e-10, "9.9e-10"),
            (5e-324, "5e-324"),
            (123456.789, "123456.789"),
            (1e20, "100000000000000000000"),
            (1e21, "1e21"),
            (-1.7976931348623157e308, "-1.7976931348623157e308"),
        ];
        for (v, text) in f64s {
            assert_eq!(format_f64(v.to_bits()), text, "{v:e}");
        }
        assert_eq!(format_f32(1e-7f32.to_bits()), "0.0000001");
        assert_eq!(format_f32(16777216f32.to_bits()), "16777216");
        assert_eq!(format_f32(f32::MAX.to_bits()), "3.4028235e38");
        assert_eq!(format_f32(1e-45f32.to_bits()), "1e-45");
        assert_eq!(format_f32(f32::INFINITY.to_bits()), "inf");
    }
}

//! Values crossing between wasm and JavaScript, converted as the JavaScript
//! API does (WebAssembly JS API, "ToJSValue" and "ToWebAssemblyValue"):
//! numbers go out as Numbers, come back through ToInt32, fround or as they
//! are, and an i64 is a BigInt that a Number cannot stand in for.

use super::request::Operand;
use crate::vm::{ValType, Value};
use std::fmt;

/// A conversion JavaScript refuses with a `TypeError`.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeError {
    /// An i64 argument reached a function that wants Numbers.
    BigIntToNumber,
    /// A reference reached a function that wants Numbers.
    ReferenceToNumber,
    /// A Number (or `undefined` when `None`) returned where an i64 is declared.
    NumberToBigInt(Option<f64>),
    /// A Number returned where a reference is declared.
    NumberToReference,
    /// A value a GC or external reference cannot be made from (see [`to_reference`]).
    Reference(String),
    /// The import declares several results; a JavaScript function returns one value.
    SeveralResults,
    /// A BigInt given where a Number is wanted: what wants it.
    BigIntForNumber(String),
    /// A value that is not a BigInt (as JavaScript shows it) given for an i64.
    NotBigInt(String),
    /// A Number that is no index or size ([EnforceRange] unsigned long).
    NotAnIndex(f64),
    /// A function reference given where a Number is wanted.
    FunctionForNumber,
    /// A `v128` crossed the JavaScript boundary (JS API: always a TypeError).
    V128,
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeError::BigIntToNumber => f.write_str(
                "TypeError: Cannot convert a BigInt value to a number (an i64 reaches JavaScript as a BigInt)",
            ),
            TypeError::ReferenceToNumber => f.write_str("TypeError: a reference is not a number"),
            TypeError::V128 => f.write_str(
                "TypeError: type incompatibility when transforming from/to JS (a v128 cannot reach JavaScript)",
            ),
            TypeError::NumberToBigInt(n) => write!(
                f,
                "TypeError: Cannot convert {} to a BigInt (an i64 result needs a BigInt)",
                n.map_or("undefined".into(), number_to_string)
            ),
            TypeError::NumberToReference => {
                f.write_str("TypeError: a number cannot become a reference")
            }
            TypeError::Reference(message) => f.write_str(message),
            TypeError::SeveralResults => f.write_str(
                "TypeError: a JavaScript function returns one value, but the import declares several",
            ),
            TypeError::BigIntForNumber(what) => write!(
                f,
                "TypeError: Cannot convert a BigInt value to a number ({what} takes a Number; only an i64 takes a BigInt)"
            ),
            TypeError::NotBigInt(shown) => write!(
                f,
                "TypeError: Cannot convert {shown} to a BigInt (an i64 holds a BigInt: write {shown}n)"
            ),
            TypeError::NotAnIndex(n) => write!(
                f,
                "TypeError: {} is not a valid index or size: it must be a whole number from 0 to 4294967295",
                number_to_string(*n)
            ),
            TypeError::FunctionForNumber => {
                f.write_str("TypeError: a function is not a number")
            }
        }
    }
}

impl std::error::Error for TypeError {}

/// ECMAScript ToInt32: a Number as an i32, wrapping modulo 2^32.
pub fn to_int32(x: f64) -> i32 {
    if !x.is_finite() {
        return 0;
    }
    let t = x.trunc().rem_euclid(4294967296.0);
    t as u64 as u32 as i32
}

/// ECMAScript ToUint32: a Number as a u32, wrapping modulo 2^32.
pub fn to_uint32(x: f64) -> u32 {
    to_int32(x) as u32
}

/// `Math.fround`: the nearest f32, as JavaScript passes an f32 result.
pub fn fround(x: f64) -> f64 {
    x as f32 as f64
}

/// JavaScript's Number-to-string conversion (`String(x)`).
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let abs = x.abs();
    if (1e-6..1e21).contains(&abs) {
        return format!("{x}");
    }
    let text = format!("{x:e}");
    match text.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => text,
    }
}

/// A wasm value passed to JavaScript, as a Number.
///
/// # Errors
/// An i64 (a BigInt in JavaScript) or a reference.
pub fn to_number(value: &Value) -> Result<f64, TypeError> {
    match *value {
        Value::I32(v) => Ok(v as f64),
        Value::F32(bits) => Ok(f32::from_bits(bits) as f64),
        Value::F64(bits) => Ok(f64::from_bits(bits)),
        Value::I64(_) => Err(TypeError::BigIntToNumber),
        Value::V128(_) => Err(TypeError::V128),
        Value::FuncRef(_)
        | Value::ExternRef(_)
        | Value::ExnRef(_)
        | Value::AnyRef(_)
        | Value::Null(_) => Err(TypeError::ReferenceToNumber),
    }
}

/// Smallest and largest Number an `i31ref` holds (JS API, GC: "ToWebAssemblyValue").
const I31_RANGE: std::ops::RangeInclusive<f64> = -1_073_741_824.0..=1_073_741_823.0;

/// A JavaScript value as the initial value of a Global of reference type
/// `ty`, as the JS API's ToWebAssemblyValue makes it (GC proposal): `null`
/// for a nullable type; for `anyref`, `eqref` and `i31ref` a Number that is
/// an integer in the i31 range becomes that `i31`.
///
/// # Errors
/// The `TypeError` JavaScript throws (an `i31ref` out of range, a `structref`
/// that is no wasm struct), or, for what JavaScript would accept but this
/// host cannot make, why: another Number or an object in an `anyref` is
/// wrapped as an opaque host value, and in an `externref` any value is,
/// but the host here has no JavaScript objects to wrap (only `null` and
/// i31 Numbers), and a wasm struct or array exists only once wasm made it.
pub fn to_reference(value: &super::js::JsValue, ty: ValType) -> Result<Value, String> {
    use crate::vm::value::{AnyRef, HeapType as H};
    let Some(r) = ty.ref_type() else {
        return Err(format!("{ty} is not a reference type"));
    };
    let number = match value {
        super::js::JsValue::Null if r.nullable => return Ok(Value::null(r.heap)),
        super::js::JsValue::Null => {
            return Err(format!("TypeError: a Global of type {ty} cannot be null"));
        }
        super::js::JsValue::Number(n) => Some(*n),
        _ => None,
    };
    let i31 = number.filter(|n| n.fract() == 0.0 && I31_RANGE.contains(n));
    let i31_range = "an integer Number from -1073741824 to 1073741823 (an i31)";
    match (r.heap, i31) {
        (H::Any | H::Eq | H::I31, Some(n)) => {
            Ok(Value::AnyRef(Some(AnyRef::I31(n as i32 as u32))))
        }
        (H::I31, None) => Err(format!(
            "TypeError: a Global of type i31ref must be null or {i31_range}"
        )),
        (H::Any, None) => Err(format!(
            "JavaScript would wrap this value in an anyref as an opaque host reference, but this host has no JavaScript objects to wrap: give null or {i31_range}"
        )),
        (H::Extern, _) => Err(
            "JavaScript would wrap any value in an externref, but this host has no JavaScript objects to wrap: give null".into(),
        ),
        (H::Eq | H::Struct | H::Array, _) => Err(format!(
            "TypeError: a Global of type {ty} must be null{}, or a wasm struct or array, which only wasm code makes (a module can export a global holding one)",
            if r.heap == H::Eq { format!(", {i31_range}") } else { String::new() }
        )),
        _ => Err(format!("TypeError: a Global of type {ty} can only be null here")),
    }
}

/// A Number as a value of a numeric type other than i64 (`None` for i64 and
/// references, which a Number cannot become).
pub fn number_to_value(number: f64, ty: ValType) -> Option<Value> {
    match ty {
        ValType::I32 => Some(Value::I32(to_int32(number))),
        ValType::F32 => Some(Value::f32(fround(number) as f32)),
        ValType::F64 => Some(Value::f64(number)),
        _ => None,
    }
}

/// A JavaScript value as a value of the numeric type `ty`, as assigning to
/// `Global.value` converts it (ToInt32, fround, ToBigInt64; `null` is 0 to
/// ToNumber).
///
/// # Errors
/// A BigInt for a Number type, anything else for i64, a function for a Number.
pub fn operand_to_value(operand: &Operand, ty: ValType) -> Result<Value, TypeError> {
    let shown = operand.to_string();
    match (operand, ty) {
        (Operand::BigInt(n), ValType::I64) => Ok(Value::I64(*n)),
        (_, ValType::I64) => Err(TypeError::NotBigInt(shown)),
        (Operand::BigInt(_), _) => Err(TypeError::BigIntForNumber(format!("an {ty} global"))),
        (Operand::Func(_), _) => Err(TypeError::FunctionForNumber),
        (Operand::Number(_) | Operand::Null, _) if ty.is_ref() && ty != ValType::FuncRef => {
            let js = match operand {
                Operand::Number(n) => super::js::JsValue::Number(*n),
                _ => super::js::JsValue::Null,
            };
            to_reference(&js, ty).map_err(TypeError::Reference)
        }
        (Operand::Number(n), _) => number_to_value(*n, ty).ok_or(TypeError::ReferenceToNumber),
        (Operand::Null, _) => number_to_value(0.0, ty).ok_or(TypeError::ReferenceToNumber),
    }
}

/// WebIDL's `[EnforceRange] unsigned long`, as `Memory.grow`, `Table.get`
/// and friends read their index or size: truncated, and refused when not
/// finite or outside 0..=2^32-1.
///
/// # Errors
/// A BigInt, `null` taken as 0 aside, or a Number outside the range.
pub fn operand_to_index(operand: &Operand) -> Result<u32, TypeError> {
    let n = match operand {
        Operand::Number(n) => *n,
        Operand::Null => 0.0,
        Operand::BigInt(_) => {
            return Err(TypeError::BigIntForNumber("an index or size".into()));
        }
        Operand::Func(_) => return Err(TypeError::FunctionForNumber),
    };
    let t = n.trunc();
    if !t.is_finite() || !(0.0..=f64::from(u32::MAX)).contains(&t) {
        return Err(TypeError::NotAnIndex(n));
    }
    Ok(t as u32)
}

/// A JavaScript function's result (`None`: undefined) as the declared results.
///
/// # Errors
/// A result JavaScript could not convert: a Number for an i64 or a reference,
/// or more than one declared result.
pub fn from_number(result: Option<f64>, results: &[ValType]) -> Result<Vec<Value>, TypeError> {
    let number = result.unwrap_or(f64::NAN);
    match results {
        [] => Ok(Vec::new()),
        [ValType::I64] => Err(TypeError::NumberToBigInt(result)),
        [ty] => number_to_value(number, *ty)
            .map(|v| vec![v])
            .ok_or(TypeError::NumberToReference),
        _ => Err(TypeError::SeveralResults),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_int32_follows_ecmascript() {
        assert_eq!(to_int32(4294967297.0), 1);
        assert_eq!(to_int32(-1.5), -1);
        assert_eq!(to_int32(f64::NAN), 0);
        assert_eq!(to_int32(f64::INFINITY), 0);
        assert_eq!(to_int32(2147483648.0), i32::MIN);
        assert_eq!(to_uint32(-1.0), u32::MAX);
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        assert_eq!(number_to_string(42.0), "42");
        assert_eq!(number_to_string(0.1), "0.1");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1.5e-7), "1.5e-7");
        assert_eq!(number_to_string(-0.0), "0");
        assert_eq!(number_to_string(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(number_to_string(f64::NAN), "NaN");
    }

    #[test]
    fn wasm_values_become_numbers_except_bigints_and_references() {
        assert_eq!(to_number(&Value::I32(-3)), Ok(-3.0));
        assert_eq!(to_number(&Value::f32(1.5)), Ok(1.5));
        assert_eq!(to_number(&Value::I64(1)), Err(TypeError::BigIntToNumber));
        assert!(
            TypeError::BigIntToNumber
                .to_string()
                .starts_with("TypeError: Cannot convert a BigInt")
        );
    }

    #[test]
    fn operands_convert_as_global_value_assignment_does() {
        let value = |o: Operand, ty| operand_to_value(&o, ty);
        assert_eq!(value(Operand::Number(1.9), ValType::I32), Ok(Value::I32(1)));
        assert_eq!(
            value(Operand::Number(4294967299.0), ValType::I32),
            Ok(Value::I32(3))
        );
        assert_eq!(value(Operand::Null, ValType::F64), Ok(Value::f64(0.0)));
        assert_eq!(value(Operand::BigInt(-1), ValType::I64), Ok(Value::I64(-1)));
        assert_eq!(
            value(Operand::Number(5.0), ValType::I64).map_err(|e| e.to_string()),
            Err("TypeError: Cannot convert 5 to a BigInt (an i64 holds a BigInt: write 5n)".into())
        );
        assert_eq!(
            value(Operand::BigInt(5), ValType::I32),
            Err(TypeError::BigIntForNumber("an i32 global".into()))
        );
        assert_eq!(
            value(Operand::Func("$f".into()), ValType::F32),
            Err(TypeError::FunctionForNumber)
        );
    }

    #[test]
    fn indexes_are_enforced_unsigned_longs() {
        let index = |o: Operand| operand_to_index(&o);
        assert_eq!(index(Operand::Number(1.5)), Ok(1));
        assert_eq!(index(Operand::Number(4294967295.0)), Ok(u32::MAX));
        assert_eq!(
            index(Operand::Number(-1.0)),
            Err(TypeError::NotAnIndex(-1.0))
        );
        assert_eq!(
            index(Operand::Number(4294967296.0)),
            Err(TypeError::NotAnIndex(4294967296.0))
        );
        assert!(index(Operand::Number(f64::NAN)).is_err());
        assert_eq!(
            index(Operand::BigInt(1)),
            Err(TypeError::BigIntForNumber("an index or size".into()))
        );
    }

    #[test]
    fn results_convert_by_declared_type() {
        assert_eq!(
            from_number(Some(3.7), &[ValType::I32]),
            Ok(vec![Value::I32(3)])
        );
        assert_eq!(from_number(None, &[ValType::I32]), Ok(vec![Value::I32(0)]));
        assert_eq!(
            from_number(Some(0.1), &[ValType::F32]),
            Ok(vec![Value::f32(0.1)])
        );
        assert_eq!(from_number(Some(1.0), &[]), Ok(vec![]));
        assert_eq!(
            from_number(Some(1.0), &[ValType::I64]),
            Err(TypeError::NumberToBigInt(Some(1.0)))
        );
        assert_eq!(
            from_number(None, &[ValType::I64]).map_err(|e| e.to_string()),
            Err(
                "TypeError: Cannot convert undefined to a BigInt (an i64 result needs a BigInt)"
                    .into()
            )
        );
        assert_eq!(
            from_number(Some(1.0), &[ValType::ExternRef]),
            Err(TypeError::NumberToReference)
        );
        assert_eq!(
            from_number(Some(1.0), &[ValType::I32, ValType::I32]),
            Err(TypeError::SeveralResults)
        );
        assert_eq!(fround(0.1), 0.1f32 as f64);
    }
}

//! Script values: turning `.wast` arguments into [`Value`]s and checking
//! results against expectations (including `nan:canonical`/`nan:arithmetic`).

use super::outcome::Failure;
use crate::vm::Value;
use crate::vm::gc_names::{RefNames, values_text};
use crate::vm::value::AnyRef;
use wast::core::{
    AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore as ArgCore,
    WastRetCore as RetCore,
};
use wast::{WastArg, WastRet};

fn unsupported_arg(arg: &WastArg<'_>) -> String {
    format!("unsupported argument {arg:?}")
}

fn unsupported_ret(ret: &WastRet<'_>) -> String {
    format!("unsupported expected value {ret:?}")
}

/// Converts one script argument.
///
/// # Errors
/// For an argument watlab has no value for (e.g. a GC reference).
pub fn arg(arg: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(core) = arg else {
        return Err(unsupported_arg(arg));
    };
    Ok(match core {
        ArgCore::I32(v) => Value::I32(*v),
        ArgCore::I64(v) => Value::I64(*v),
        ArgCore::F32(v) => Value::F32(v.bits),
        ArgCore::F64(v) => Value::F64(v.bits),
        ArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
            ..
        }) => Value::ExternRef(None),
        ArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
            ..
        }) => Value::FuncRef(None),
        ArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
            ..
        }) => Value::ExnRef(None),
        ArgCore::RefNull(HeapType::Abstract {
            ty:
                AbstractHeapType::Any
                | AbstractHeapType::Eq
                | AbstractHeapType::I31
                | AbstractHeapType::Struct
                | AbstractHeapType::Array
                | AbstractHeapType::None,
            ..
        }) => Value::AnyRef(None),
        ArgCore::RefExtern(n) => Value::ExternRef(Some(*n)),
        ArgCore::RefHost(n) => Value::AnyRef(Some(AnyRef::Host(*n))),
        ArgCore::V128(v) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        _ => return Err(unsupported_arg(arg)),
    })
}

pub use crate::vm::value::list;

/// Checks `got` against the expected results.
///
/// # Errors
/// A [`Failure::Mismatch`] when they differ, [`Failure::Usage`] for an
/// expectation watlab cannot check.
pub fn check_results(
    expected: &[WastRet<'_>],
    got: &[Value],
    names: &dyn RefNames,
) -> Result<(), Failure> {
    let fits = expected.len() == got.len()
        && expected
            .iter()
            .zip(got)
            .map(|(e, g)| matches(e, g))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Failure::Usage)?
            .iter()
            .all(|ok| *ok);
    if fits {
        Ok(())
    } else {
        let want: Vec<String> = expected.iter().map(describe).collect();
        Err(Failure::Mismatch {
            expected: format!("[{}]", want.join(" ")),
            got: values_text(got, names),
        })
    }
}

fn matches(expected: &WastRet<'_>, got: &Value) -> Result<bool, String> {
    let WastRet::Core(core) = expected else {
        return Err(unsupported_ret(expected));
    };
    Ok(core_matches(core, got))
}

fn core_matches(core: &RetCore<'_>, got: &Value) -> bool {
    match (core, got) {
        (RetCore::I32(e), Value::I32(g)) => e == g,
        (RetCore::I64(e), Value::I64(g)) => e == g,
        (RetCore::F32(pattern), Value::F32(bits)) => f32_matches(pattern, *bits),
        (RetCore::F64(pattern), Value::F64(bits)) => f64_matches(pattern, *bits),
        (RetCore::V128(pattern), Value::V128(bits)) => v128_matches(pattern, *bits),
        (RetCore::Either(cases), _) => cases.iter().any(|case| core_matches(case, got)),
        (RetCore::RefNull(_), Value::FuncRef(r) | Value::ExternRef(r) | Value::ExnRef(r)) => {
            r.is_none()
        }
        (RetCore::RefNull(_), Value::AnyRef(r)) => r.is_none(),
        (RetCore::RefNull(_), Value::Null(_)) => true,
        (RetCore::RefExtern(None), Value::ExternRef(r)) => r.is_some(),
        // An externalized i31, struct or array reads as the value it wraps.
        (RetCore::RefExtern(None), Value::AnyRef(r)) => {
            r.is_some_and(|r| !matches!(r, AnyRef::Host(_)))
        }
        (RetCore::RefExtern(Some(n)), Value::ExternRef(r)) => *r == Some(*n),
        (RetCore::RefHost(n), Value::AnyRef(r)) => *r == Some(AnyRef::Host(*n)),
        (RetCore::RefFunc(_), Value::FuncRef(r)) => r.is_some(),
        (RetCore::RefAny, Value::AnyRef(r)) => r.is_some(),
        (RetCore::RefEq, Value::AnyRef(r)) => r.is_some_and(|r| !matches!(r, AnyRef::Host(_))),
        (RetCore::RefI31, Value::AnyRef(r)) => matches!(r, Some(AnyRef::I31(_))),
        (RetCore::RefStruct, Value::AnyRef(r)) => matches!(r, Some(AnyRef::Struct(_))),
        (RetCore::RefArray, Value::AnyRef(r)) => matches!(r, Some(AnyRef::Array(_))),
        _ => false,
    }
}

fn f32_matches(pattern: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(pattern: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

/// A vector against a lane pattern (float lanes may be NaN patterns).
fn v128_matches(pattern: &V128Pattern, bits: u128) -> bool {
    use crate::vm::lanes;
    match pattern {
        V128Pattern::I8x16(l) => lanes::from_i8s(*l) == bits,
        V128Pattern::I16x8(l) => lanes::from_i16s(*l) == bits,
        V128Pattern::I32x4(l) => lanes::from_i32s(*l) == bits,
        V128Pattern::I64x2(l) => lanes::from_i64s(*l) == bits,
        V128Pattern::F32x4(l) => l
            .iter()
            .zip(lanes::u32s(bits))
            .all(|(p, b)| f32_matches(p, b)),
        V128Pattern::F64x2(l) => l
            .iter()
            .zip(lanes::u64s(bits))
            .all(|(p, b)| f64_matches(p, b)),
    }
}

/// A lane pattern as the `v128` display writes vectors.
fn describe_v128(pattern: &V128Pattern) -> String {
    fn nan<T>(p: &NanPattern<T>, bits: impl Fn(&T) -> String) -> String {
        match p {
            NanPattern::CanonicalNan => "nan:canonical".into(),
            NanPattern::ArithmeticNan => "nan:arithmetic".into(),
            NanPattern::Value(v) => bits(v),
        }
    }
    let (shape, lanes): (&str, Vec<String>) = match pattern {
        V128Pattern::I8x16(l) => ("i8x16", l.iter().map(|x| x.to_string()).collect()),
        V128Pattern::I16x8(l) => ("i16x8", l.iter().map(|x| x.to_string()).collect()),
        V128Pattern::I32x4(l) => ("i32x4", l.iter().map(|x| x.to_string()).collect()),
        V128Pattern::I64x2(l) => ("i64x2", l.iter().map(|x| x.to_string()).collect()),
        V128Pattern::F32x4(l) => (
            "f32x4",
            l.iter()
                .map(|p| nan(p, |v| crate::vm::value::format_f32(v.bits)))
                .collect(),
        ),
        V128Pattern::F64x2(l) => (
            "f64x2",
            l.iter()
                .map(|p| nan(p, |v| crate::vm::value::format_f64(v.bits)))
                .collect(),
        ),
    };
    format!("v128:{shape}[{}]", lanes.join(" "))
}

fn describe(expected: &WastRet<'_>) -> String {
    let WastRet::Core(core) = expected else {
        return format!("{expected:?}");
    };
    describe_core(core)
}

fn describe_core(core: &RetCore<'_>) -> String {
    let nan = |p: &str, bits: String| format!("{p}:{bits}");
    match core {
        RetCore::I32(v) => Value::I32(*v).to_string(),
        RetCore::I64(v) => Value::I64(*v).to_string(),
        RetCore::F32(NanPattern::CanonicalNan) => nan("f32", "nan:canonical".into()),
        RetCore::F32(NanPattern::ArithmeticNan) => nan("f32", "nan:arithmetic".into()),
        RetCore::F32(NanPattern::Value(v)) => Value::F32(v.bits).to_string(),
        RetCore::F64(NanPattern::CanonicalNan) => nan("f64", "nan:canonical".into()),
        RetCore::F64(NanPattern::ArithmeticNan) => nan("f64", "nan:arithmetic".into()),
        RetCore::F64(NanPattern::Value(v)) => Value::F64(v.bits).to_string(),
        RetCore::RefNull(_) => "ref.null".into(),
        RetCore::RefExtern(Some(n)) => format!("externref:{n}"),
        RetCore::RefExtern(None) => "externref:any".into(),
        RetCore::RefFunc(_) => "funcref:any".into(),
        RetCore::V128(pattern) => describe_v128(pattern),
        RetCore::Either(cases) => format!(
            "(either {})",
            cases
                .iter()
                .map(describe_core)
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => format!("{other:?}"),
    }
}

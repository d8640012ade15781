//! Script values: turning `.wast` arguments into [`Value`]s and checking
//! results against expectations (including `nan:canonical`/`nan:arithmetic`).

use super::outcome::Failure;
use crate::vm::Value;
use wast::core::{
    AbstractHeapType, HeapType, NanPattern, WastArgCore as ArgCore, WastRetCore as RetCore,
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
/// For an argument watlab has no value for (e.g. `v128`).
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
            ty: AbstractHeapType::Extern,
            ..
        }) => Value::ExternRef(None),
        ArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        }) => Value::FuncRef(None),
        ArgCore::RefExtern(n) => Value::ExternRef(Some(*n)),
        _ => return Err(unsupported_arg(arg)),
    })
}

pub use crate::vm::value::list;

/// Checks `got` against the expected results.
///
/// # Errors
/// A [`Failure::Mismatch`] when they differ, [`Failure::Usage`] for an
/// expectation watlab cannot check.
pub fn check_results(expected: &[WastRet<'_>], got: &[Value]) -> Result<(), Failure> {
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
            got: list(got),
        })
    }
}

fn matches(expected: &WastRet<'_>, got: &Value) -> Result<bool, String> {
    let WastRet::Core(core) = expected else {
        return Err(unsupported_ret(expected));
    };
    Ok(match (core, got) {
        (RetCore::I32(e), Value::I32(g)) => e == g,
        (RetCore::I64(e), Value::I64(g)) => e == g,
        (RetCore::F32(pattern), Value::F32(bits)) => match pattern {
            NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
            NanPattern::Value(v) => v.bits == *bits,
        },
        (RetCore::F64(pattern), Value::F64(bits)) => match pattern {
            NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
            NanPattern::Value(v) => v.bits == *bits,
        },
        (RetCore::RefNull(_), Value::FuncRef(r) | Value::ExternRef(r)) => r.is_none(),
        (RetCore::RefExtern(None), Value::ExternRef(r)) => r.is_some(),
        (RetCore::RefExtern(Some(n)), Value::ExternRef(r)) => *r == Some(*n),
        (RetCore::RefFunc(_), Value::FuncRef(r)) => r.is_some(),
        (RetCore::V128(_), _) => return Err(unsupported_ret(expected)),
        _ => false,
    })
}

fn describe(expected: &WastRet<'_>) -> String {
    let WastRet::Core(core) = expected else {
        return format!("{expected:?}");
    };
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
        other => format!("{other:?}"),
    }
}

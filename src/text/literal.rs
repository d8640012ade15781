//! Values written as plain literals (command-line arguments, `:host global`):
//! integers in decimal or `0x` hex, floats also as `nan`, `inf`, `-inf`.

use crate::vm::{ValType, Value};

/// Parses a command-line argument as a value of type `ty`.
pub fn parse_value(ty: ValType, text: &str) -> Result<Value, String> {
    let bad = || format!("\"{text}\" is not a valid {ty}");
    let int = |t: &str| -> Option<i128> {
        let (neg, digits) = t.strip_prefix('-').map_or((false, t), |d| (true, d));
        let digits = digits.replace('_', "");
        let v = match digits.strip_prefix("0x") {
            Some(hex) => i128::from_str_radix(hex, 16).ok()?,
            None => digits.parse::<i128>().ok()?,
        };
        Some(if neg { -v } else { v })
    };
    let float = |t: &str| -> Option<f64> {
        match t {
            "nan" => Some(f64::NAN),
            "inf" | "+inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            _ => t.parse::<f64>().ok(),
        }
    };
    Ok(match ty {
        ValType::I32 => {
            let v = int(text)
                .filter(|v| (i32::MIN as i128..=u32::MAX as i128).contains(v))
                .ok_or_else(bad)?;
            Value::I32(v as i32)
        }
        ValType::I64 => {
            let v = int(text)
                .filter(|v| (i64::MIN as i128..=u64::MAX as i128).contains(v))
                .ok_or_else(bad)?;
            Value::I64(v as i64)
        }
        ValType::F32 => Value::f32(float(text).ok_or_else(bad)? as f32),
        ValType::F64 => Value::f64(float(text).ok_or_else(bad)?),
        ValType::V128 => Value::V128(crate::vm::lanes::parse_v128(text)?),
        ValType::FuncRef | ValType::ExternRef if text == "null" => Value::from_slot(ty, 0),
        _ => {
            return Err(format!(
                "{ty} arguments cannot be given on the command line (only null)"
            ));
        }
    })
}

//! `console.log` and `console.log_utf8` as host functions: what they print
//! is collected in a [`Console`] that the session empties after each input.

use super::convert::{self, from_number, to_number};
use crate::vm::store::Store;
use crate::vm::{FuncAddr, FuncType, Trap, ValType, Value};
use std::sync::{Arc, Mutex};

/// The lines `console.log` printed, shared with the host functions.
#[derive(Clone, Debug, Default)]
pub struct Console(Arc<Mutex<Vec<String>>>);

impl Console {
    /// The lines printed since the last call, oldest first.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut out| std::mem::take(&mut *out))
            .unwrap_or_default()
    }

    fn push(&self, line: String) {
        if let Ok(mut out) = self.0.lock() {
            out.push(line);
        }
    }

    /// Adds `console.log` with the signature `ty` the import declares.
    pub fn add_log(&self, store: &mut Store, ty: &FuncType) -> FuncAddr {
        let console = self.clone();
        let results = ty.results.clone();
        store.add_host_func("console.log", ty.clone(), move |_, args| {
            console.push(log_line(args));
            from_number(None, &results).map_err(|e| Trap::host(e.to_string()))
        })
    }

    /// Adds `console.log_utf8(offset, length)`, which prints UTF-8 text from
    /// the caller's memory.
    pub fn add_log_utf8(&self, store: &mut Store) -> FuncAddr {
        let console = self.clone();
        store.add_host_func("console.log_utf8", log_utf8_type(), move |ctx, args| {
            let (Some(Value::I32(offset)), Some(Value::I32(len))) = (args.first(), args.get(1))
            else {
                return Err(Trap::host("console.log_utf8 takes (offset, length)"));
            };
            let memory = ctx
                .caller_memory
                .and_then(|m| ctx.data.memories.get(m.index()))
                .ok_or_else(|| Trap::host("console.log_utf8: the calling module has no memory"))?;
            let (offset, len) = (*offset as u32 as u64, *len as u32 as u64);
            let range = memory.range(offset, len).ok_or_else(|| {
                Trap::host(format!(
                    "RangeError: bytes {offset}..{} lie outside the memory",
                    offset + len
                ))
            })?;
            console.push(String::from_utf8_lossy(&memory.bytes()[range]).into_owned());
            Ok(Vec::new())
        })
    }
}

/// The one signature `console.log_utf8` has: `(param i32 i32)`.
pub fn log_utf8_type() -> FuncType {
    FuncType::new(vec![ValType::I32, ValType::I32], vec![])
}

/// The arguments of `console.log` as JavaScript prints them, space-separated
/// (an i64 is a BigInt: `5n`).
pub fn log_line(args: &[Value]) -> String {
    let words: Vec<String> = args
        .iter()
        .map(|v| match v {
            Value::I64(n) => format!("{n}n"),
            // A null reference of any type is JavaScript's `null`.
            v if v.is_null() => "null".into(),
            other => to_number(other).map_or_else(|_| other.to_string(), convert::number_to_string),
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_prints_numbers_and_bigints_like_javascript() {
        assert_eq!(
            log_line(&[
                Value::I32(-1),
                Value::I64(5),
                Value::f64(0.5),
                Value::f32(2.0)
            ]),
            "-1 5n 0.5 2"
        );
        assert_eq!(log_line(&[]), "");
    }

    #[test]
    fn take_empties_the_console() {
        let console = Console::default();
        console.push("a".into());
        console.push("b".into());
        assert_eq!(console.take(), ["a", "b"]);
        assert!(console.take().is_empty());
    }
}

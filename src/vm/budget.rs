//! The one budget every run of code draws on: fuel (issue 10, item 6).
//!
//! Fuel measures work, not instructions, so that counting costs nothing per
//! instruction in the run loop. One unit of fuel is
//!
//! ```text
//!   one loop iteration (a branch back to a loop)    1 unit
//!   one call of a wasm function                      1 unit
//!   a bulk instruction touching N bytes of memory    N / 64 units   memory.fill/copy/init
//!   a bulk instruction touching N table elements     N / 8 units    table.fill/copy/init
//!   an active data or element segment at instantiation: as the bulk instruction
//! ```
//!
//! Between two charges a function runs at most its own code once, so a
//! budget of N units bounds the time any call can take. Growing a memory or
//! table is not charged: the store's size limits already bound how often it
//! can happen. The budget is per call from outside (an input at the prompt,
//! an `(invoke)`, a start function together with its module's segments), set
//! with [`super::Limits::fuel`]; `:limit N` and `--fuel N` set it.

use super::store::{FuncAddr, FuncInst, Store};
use super::trap::{Trap, TrapCode};

/// The budget a front end gives each call unless told otherwise: a few
/// seconds of work, so no command runs forever unasked.
pub const DEFAULT_FUEL: u64 = 100_000_000;

/// Bytes of memory a bulk instruction touches per unit of fuel.
pub const BYTES_PER_UNIT: u64 = 64;

/// Table elements (8 bytes each) a bulk instruction touches per unit of fuel.
pub const ELEMENTS_PER_UNIT: u64 = 8;

/// What touching `bytes` bytes of memory costs.
pub fn memory_cost(bytes: u64) -> u64 {
    bytes / BYTES_PER_UNIT
}

/// What touching `elements` table elements costs.
pub fn table_cost(elements: u64) -> u64 {
    elements / ELEMENTS_PER_UNIT
}

/// The trap for a budget of `budget` units that ran out.
#[cold]
#[inline(never)]
pub fn out_of_fuel(budget: Option<u64>) -> Trap {
    let mut trap = Trap::new(TrapCode::OutOfFuel);
    let budget = budget.map_or_else(|| "its".to_string(), |n| n.to_string());
    trap.detail = Some(format!(
        "used all {budget} units: 1 per loop iteration or call, 1 per {BYTES_PER_UNIT} bytes or {ELEMENTS_PER_UNIT} table elements a bulk instruction touches"
    ));
    trap
}

/// Adds where an out-of-fuel trap stopped (`in $spin, at br 0`) to its
/// detail, for front ends that show no source; other traps are returned as
/// they are.
pub fn locate(store: &Store, mut trap: Trap) -> Trap {
    let Some(site) = trap
        .site
        .as_ref()
        .filter(|_| trap.code == TrapCode::OutOfFuel)
    else {
        return trap;
    };
    let func = FuncAddr(site.func);
    let op = match store.func(func) {
        Some(FuncInst::Wasm { instance, .. }) => store.instance(*instance).and_then(|i| {
            let reader = wasmparser::BinaryReader::new(i.module.bytes.get(site.offset..)?, 0);
            let op = wasmparser::OperatorsReader::new(reader).read().ok()?;
            Some(super::translate::operator_name(&op))
        }),
        _ => None,
    };
    let place = match op {
        Some(op) => format!("stopped in {}, at {op}", store.func_name(func)),
        None => format!("stopped in {}", store.func_name(func)),
    };
    trap.detail = Some(match trap.detail.take() {
        Some(detail) => format!("{detail}; {place}"),
        None => place,
    });
    trap
}

/// Takes `cost` units from `fuel` (unbounded when `None`).
///
/// # Errors
/// The out-of-fuel trap when fewer than `cost` units are left; `fuel` is
/// then unchanged.
pub fn charge(fuel: &mut Option<u64>, budget: Option<u64>, cost: u64) -> Result<(), Trap> {
    match fuel {
        None => Ok(()),
        Some(left) if *left >= cost => {
            *left -= cost;
            Ok(())
        }
        Some(_) => Err(out_of_fuel(budget)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_costs_are_per_64_bytes_and_per_8_elements() {
        assert_eq!(memory_cost(63), 0);
        assert_eq!(memory_cost(0x100_0000), 0x100_0000 / 64);
        assert_eq!(table_cost(7), 0);
        assert_eq!(table_cost(800), 100);
    }

    #[test]
    fn a_charge_beyond_what_is_left_fails_and_takes_nothing() {
        let mut fuel = Some(10);
        assert!(charge(&mut fuel, Some(10), 4).is_ok());
        assert_eq!(fuel, Some(6));
        let trap = charge(&mut fuel, Some(10), 7).expect_err("too much");
        assert_eq!(trap.code, TrapCode::OutOfFuel);
        assert!(trap.to_string().contains("used all 10 units"), "{trap}");
        assert_eq!(fuel, Some(6));
        let mut unbounded = None;
        assert!(charge(&mut unbounded, None, u64::MAX).is_ok());
    }
}

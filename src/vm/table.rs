//! Tables: growable arrays of references (encoded as slots, see `value.rs`).

use super::types::TableType;
use super::value::NULL_REF;

/// Most elements any table may have, so a huge `table.grow` fails instead of
/// exhausting the host.
pub const MAX_TABLE_ELEMENTS: u32 = 10_000_000;

/// A table operand as a `u32`: an `i64` one (`wide`) above `u32::MAX`
/// saturates to `u32::MAX`, which is beyond every table (see
/// [`MAX_TABLE_ELEMENTS`]), so it traps as out of bounds as the full value would.
pub fn narrow(slot: u64, wide: bool) -> u32 {
    if wide {
        slot.min(u32::MAX as u64) as u32
    } else {
        slot as u32
    }
}

/// One table instance.
#[derive(Debug, Clone)]
pub struct Table {
    /// Declared type; `limits.min` tracks the current size.
    pub ty: TableType,
    /// The references.
    pub elements: Vec<u64>,
}

impl Table {
    /// A table of `ty.limits.min` copies of `init`.
    ///
    /// # Errors
    /// A message when the table would exceed [`MAX_TABLE_ELEMENTS`].
    pub fn new(ty: TableType, init: u64) -> Result<Table, String> {
        if ty.limits.min > MAX_TABLE_ELEMENTS as u64 {
            return Err(format!(
                "table of {} elements exceeds the limit of {MAX_TABLE_ELEMENTS}",
                ty.limits.min
            ));
        }
        Ok(Table {
            ty,
            elements: vec![init; ty.limits.min as usize],
        })
    }

    /// An index or count operand of this table's index type, as a `u32`.
    pub fn operand(&self, slot: u64) -> u32 {
        narrow(slot, self.ty.table64)
    }

    /// `table.grow`'s result in this table's index type: `-1` when it failed.
    pub fn grow_result(&self, old: Option<u32>) -> u64 {
        match old {
            Some(old) => old as u64,
            None if self.ty.table64 => u64::MAX,
            None => u32::MAX as u64,
        }
    }

    /// Current number of elements.
    pub fn size(&self) -> u32 {
        self.elements.len() as u32
    }

    /// `table.grow`: returns the old size, or `None` when over the maximum.
    pub fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new as u64
            > self
                .ty
                .limits
                .max
                .unwrap_or(u64::MAX)
                .min(MAX_TABLE_ELEMENTS as u64)
        {
            return None;
        }
        self.elements.resize(new as usize, init);
        self.ty.limits.min = new as u64;
        Some(old)
    }

    /// The range `[start, start + len)` if it lies inside the table.
    pub fn range(&self, start: u32, len: u32) -> Option<std::ops::Range<usize>> {
        let end = start.checked_add(len)?;
        (end <= self.size()).then_some(start as usize..end as usize)
    }

    /// Whether element `i` is null or out of range.
    pub fn is_null(&self, i: u32) -> bool {
        self.elements.get(i as usize).is_none_or(|e| *e == NULL_REF)
    }
}

//! What replacing a memory changed besides its contents: its type (address
//! type, page size, sharing) and the size it took to hold the old bytes.
//!
//! A redefinition defines a new memory, so `(memory 2 (pagesize 1))` typed
//! over `(memory i64 2)` makes an `i32` memory of 1-byte pages; the kept
//! bytes are counted in bytes and the memory grows (as `memory.grow` would)
//! as far as its maximum allows to hold them. The note says all of it, so
//! no change goes unmentioned.

use crate::vm::memory::pages_text;
use crate::vm::types::MemoryType;

/// The note for a replaced memory: `kept` (what happened to its contents)
/// after what changed in its type from `old` to `new`, and before the size
/// it grew to when that is more than the `declared` minimum.
pub(super) fn replaced_note(
    kept: String,
    old: &MemoryType,
    new: &MemoryType,
    declared: u64,
) -> String {
    let pages = pages_text(new.limits.min, new.page_size());
    let grown = (new.limits.min > declared).then(|| match new.limits.max {
        Some(max) if max == new.limits.min => format!("; it grew to its maximum, {pages}"),
        _ => format!(
            "; it grew from {declared} to {pages} to hold them (for an empty one, :forget memory first, or :reset)"
        ),
    });
    // A memory declared larger than the old one: what was kept is not its size.
    let larger = (old.page_size() == new.page_size() && new.limits.min > old.limits.min)
        .then(|| format!("; the memory now has {pages}"));
    let grown = grown.or(larger);
    let kept = format!("{kept}{}", grown.unwrap_or_default());
    match type_change(old, new) {
        Some(change) => format!("its type changed ({change}); {kept}"),
        None => kept,
    }
}

/// `addresses i64 -> i32, page size 64 KiB -> 1 byte`: each part of a
/// memory type that differs; `None` when none does.
fn type_change(old: &MemoryType, new: &MemoryType) -> Option<String> {
    let address = |m: &MemoryType| if m.memory64 { "i64" } else { "i32" };
    let page = |m: &MemoryType| match m.page_size() {
        65536 => "64 KiB".to_string(),
        1 => "1 byte".to_string(),
        n => format!("{n} bytes"),
    };
    let shared = |m: &MemoryType| if m.shared { "shared" } else { "not shared" };
    let mut parts = Vec::new();
    if old.memory64 != new.memory64 {
        parts.push(format!("addresses {} -> {}", address(old), address(new)));
    }
    if old.page_size_log2 != new.page_size_log2 {
        parts.push(format!("page size {} -> {}", page(old), page(new)));
    }
    if old.shared != new.shared {
        parts.push(format!("{} -> {}", shared(old), shared(new)));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::types::Limits;

    fn ty(min: u64, memory64: bool, page_size_log2: u8) -> MemoryType {
        MemoryType {
            limits: Limits { min, max: None },
            shared: false,
            memory64,
            page_size_log2,
        }
    }

    #[test]
    fn a_new_address_type_and_page_size_are_named_with_the_size_it_grew_to() {
        let note = replaced_note(
            "131072 bytes kept".into(),
            &ty(2, true, 16),
            &ty(131072, false, 0),
            2,
        );
        assert_eq!(
            note,
            "its type changed (addresses i64 -> i32, page size 64 KiB -> 1 byte); 131072 bytes kept; it grew from 2 to 131072 pages of 1 byte to hold them (for an empty one, :forget memory first, or :reset)"
        );
    }

    #[test]
    fn the_same_type_and_size_says_only_what_was_kept() {
        let note = replaced_note(
            "2 pages kept".into(),
            &ty(2, false, 16),
            &ty(2, false, 16),
            2,
        );
        assert_eq!(note, "2 pages kept");
    }

    #[test]
    fn a_memory_declared_larger_says_its_size_beside_what_was_kept() {
        // Learner trial 12: "1 page kept" for (memory 16384) over (memory 1)
        // read like the new size.
        let note = replaced_note(
            "1 page kept".into(),
            &ty(1, false, 16),
            &ty(2, false, 16),
            2,
        );
        assert_eq!(note, "1 page kept; the memory now has 2 pages");
    }
}

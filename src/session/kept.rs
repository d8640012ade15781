//! How a failed input ends. WebAssembly does not roll back memories, tables
//! or globals when code traps (spec, "Execution / Instructions": a trap
//! aborts the computation, it does not undo its effects; V8 agrees), so an
//! input whose code ran keeps what it wrote and the error says what that
//! was: `kept: memory 0 bytes 0x0..0x1, global $calls 0 -> 1`. An
//! input rejected before any code ran (syntax, validation, link, usage)
//! changes nothing at all.

use super::saved::Definitions;
use super::{ErrorKind, Reply, Session, SessionError, diff};
use crate::host::env::HostValue;
use crate::vm::store::{Extern, Instance, StoreData};
use std::ops::Range;

/// Most ranges shown per memory or table.
const SHOWN_RANGES: usize = 3;

impl Session {
    /// Ends an input that failed with `error`. A rejected input changes
    /// nothing (`saved` comes back whole); one whose code ran (a trap, a
    /// failed assertion, a runaway stopped) keeps the store's data as the
    /// code left it and gets a `kept:` note; its definitions, stack and
    /// locals are as in `saved`. `before` is the store's data before the
    /// input, when it was small enough to copy. The note says `changed:` when
    /// the code finished without trapping (an assertion on its results
    /// failed): nothing was "kept" against a trap then (issue 11).
    pub(super) fn settle_error(
        &mut self,
        mut error: SessionError,
        before: Option<&StoreData>,
        saved: Definitions,
    ) -> SessionError {
        if !matches!(
            error.kind,
            ErrorKind::Trap | ErrorKind::Exception | ErrorKind::Assertion
        ) {
            self.reject(saved);
            return error;
        }
        self.restore_definitions(saved, true);
        // A failed assertion says "expected ..., got trap ..." when its call
        // trapped, "got an uncaught exception" when it threw.
        let trapped = matches!(error.kind, ErrorKind::Trap | ErrorKind::Exception)
            || error.message.contains(", got trap ")
            || error.message.contains(", got an uncaught exception");
        let word = if trapped { "kept" } else { "changed" };
        match before {
            Some(before) => {
                self.changes = diff(before, &self.store.data);
                error.notes.extend(self.kept_note(before, word));
            }
            None => error.notes.push(format!(
                "{word}: what the code wrote{} (memory is too large to compare)",
                if trapped { " before it stopped" } else { "" }
            )),
        }
        error
    }

    /// Marks what a finished input changed since `before` (for `:mem` and
    /// `:globals`) and says it in a `changed:` line, if anything did.
    pub(super) fn changed_reply(&mut self, before: Option<&StoreData>) -> Option<Reply> {
        let before = before?;
        self.changes = diff(before, &self.store.data);
        self.kept_note(before, "changed").map(Reply::Note)
    }

    /// What changed in the store since `before`, as a line headed `word:`
    /// (`kept:` after a trap, `changed:` after a finished call).
    pub(super) fn kept_note(&self, before: &StoreData, word: &str) -> Option<String> {
        let after = &self.store.data;
        let changes = diff(before, after);
        let mut parts = Vec::new();
        for (addr, ranges) in &changes.memory {
            let label = self.object_label(Extern::Memory(*addr));
            let hex = |r: &Range<u64>| format!("0x{:x}..0x{:x}", r.start, r.end);
            let ranges = spans(ranges);
            parts.push(format!("{label} bytes {}", shown(&ranges, hex)));
        }
        for (addr, (old, new)) in &changes.grown {
            let label = self.object_label(Extern::Memory(*addr));
            let page_size = self
                .store
                .memory(*addr)
                .map_or(1 << 16, |m| m.ty.page_size());
            let new = crate::vm::memory::pages_text(*new, page_size);
            parts.push(format!("{label} grew from {old} to {new}"));
        }
        for addr in &changes.globals {
            let (Some(old), Some(new)) = (
                before.globals.get(addr.index()),
                after.globals.get(addr.index()),
            ) else {
                continue;
            };
            let label = self.object_label(Extern::Global(*addr));
            // A vector in the shape every view shows it in.
            let bare =
                |value| self.value_bare_in(value, self.shape_of_global_holding(*addr, value));
            parts.push(format!(
                "{label} {} -> {}",
                bare(old.get()),
                bare(new.get())
            ));
        }
        for (i, (old, new)) in before.tables.iter().zip(&after.tables).enumerate() {
            let label = self.object_label(Extern::Table(crate::vm::store::TableAddr(i as u32)));
            let ranges = changed_ranges(&old.elements, &new.elements);
            if !ranges.is_empty() {
                let plain = |r: &Range<u64>| format!("{}..{}", r.start, r.end);
                parts.push(format!("{label} elements {}", shown(&ranges, plain)));
            }
            if new.elements.len() > old.elements.len() {
                parts.push(format!(
                    "{label} grew from {} to {} elements",
                    old.elements.len(),
                    new.elements.len()
                ));
            }
        }
        (!parts.is_empty()).then(|| format!("{word}: {}", parts.join(", ")))
    }

    /// How the user names a memory, table or global: by the session
    /// module's `$name` or index, by a named module, or as a host object.
    fn object_label(&self, ext: Extern) -> String {
        let kind = ext.kind_name();
        let index_in = |instance: &Instance| -> Option<usize> {
            match ext {
                Extern::Memory(a) => instance.memories.iter().position(|m| *m == a),
                Extern::Table(a) => instance.tables.iter().position(|t| *t == a),
                Extern::Global(a) => instance.globals.iter().position(|g| *g == a),
                Extern::Func(a) => instance.funcs.iter().position(|f| *f == a),
                Extern::Tag(a) => instance.tags.iter().position(|t| *t == a),
            }
        };
        if let Some((module, addr)) = self.session_instance()
            && let Some(index) = self.store.instance(addr).and_then(index_in)
        {
            let at = index as u32;
            let names = &module.names;
            let name = match ext {
                Extern::Memory(_) => names.memories.get(&at).map(String::as_str),
                Extern::Table(_) => names.tables.get(&at).map(String::as_str),
                Extern::Global(_) => names.globals.get(&at).map(String::as_str),
                Extern::Func(_) => names.funcs.get(&at).map(|n| &**n),
                Extern::Tag(_) => names.tags.get(&at).map(String::as_str),
            };
            return match name {
                Some(name) => format!("{kind} ${name}"),
                None => format!("{kind} {index}"),
            };
        }
        // A host object by its own name, before the modules that import it.
        for (module, properties) in &self.host.modules {
            for (name, value) in properties {
                if *value == HostValue::Object(ext) {
                    return format!("host {kind} {module}.{name}");
                }
            }
        }
        for (name, addr) in &self.named {
            if let Some(index) = self.store.instance(*addr).and_then(index_in) {
                return format!("{kind} {index} of module {name}");
            }
        }
        let address = match ext {
            Extern::Memory(a) => a.0,
            Extern::Table(a) => a.0,
            Extern::Global(a) => a.0,
            Extern::Func(a) => a.0,
            Extern::Tag(a) => a.0,
        };
        format!("{kind} at store address {address}")
    }
}

/// Changed bytes closer than [`SPAN_GAP`] as one range: a store of `1` as
/// an `i32` changes one byte of four, a `v128.store` of `1 2 3 4` four, and
/// the note names the word written, not each byte.
fn spans(ranges: &[Range<u64>]) -> Vec<Range<u64>> {
    let mut spans: Vec<Range<u64>> = Vec::new();
    for range in ranges {
        match spans.last_mut() {
            Some(last) if range.start.saturating_sub(last.end) < SPAN_GAP => last.end = range.end,
            _ => spans.push(range.clone()),
        }
    }
    spans
}

/// Unchanged bytes between two changed ones that still make one range.
const SPAN_GAP: u64 = 8;

/// The first few `ranges`, written by `show`, and how many more there are.
fn shown(ranges: &[Range<u64>], show: impl Fn(&Range<u64>) -> String) -> String {
    let mut text: Vec<String> = ranges.iter().take(SHOWN_RANGES).map(show).collect();
    if ranges.len() > SHOWN_RANGES {
        text.push(format!("and {} more ranges", ranges.len() - SHOWN_RANGES));
    }
    text.join(", ")
}

/// Index ranges where two tables' common elements differ.
fn changed_ranges(old: &[u64], new: &[u64]) -> Vec<Range<u64>> {
    let mut ranges: Vec<Range<u64>> = Vec::new();
    for (i, (a, b)) in old.iter().zip(new).enumerate() {
        if a == b {
            continue;
        }
        let i = i as u64;
        match ranges.last_mut() {
            Some(r) if r.end == i => r.end += 1,
            _ => ranges.push(i..i + 1),
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::{changed_ranges, shown};

    #[test]
    fn changed_table_elements_form_ranges() {
        assert_eq!(changed_ranges(&[0, 1, 2, 3], &[0, 9, 9, 3]), vec![1..3]);
        assert_eq!(changed_ranges(&[0, 1], &[0, 1]), Vec::new());
    }

    #[test]
    fn long_lists_of_ranges_are_cut_short() {
        let ranges: Vec<_> = (0..5u64).map(|i| i * 4..i * 4 + 1).collect();
        let text = shown(&ranges, |r| format!("{}..{}", r.start, r.end));
        assert_eq!(text, "0..1, 4..5, 8..9, and 2 more ranges");
    }
}

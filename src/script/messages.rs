//! Comparing a rejection's message with the one a script expects, as the
//! spec's reference interpreter does: the expected text must be a prefix of
//! ours. The validator (wasmparser) often puts the spec's words after its own
//! context (`invalid var_u32: integer representation too long`), so each
//! `: `-separated part of ours is tried. Where the words differ but mean the
//! same, [`SPEC_TO_OURS`] says so; it is the only place that knows.

/// Spec wording, and the start of our message that says the same thing.
/// A rejection for another reason must not be listed here: it is counted
/// as rejected without the expected message, so the figures stay honest.
pub const SPEC_TO_OURS: &[(&str, &str)] = &[
    ("invalid UTF-8 encoding", "malformed UTF-8 encoding"),
    ("invalid section id", "malformed section id"),
    ("malformed mutability", "malformed global flags"),
    ("invalid mutability", "malformed global flags"),
    ("malformed import kind", "invalid leading byte"),
    (
        "memory size must be at most 65536 pages (4GiB)",
        "memory size must be at most 0x10000 65536-byte pages",
    ),
    ("start function", "invalid start function type"),
    (
        "data count and data section have inconsistent lengths",
        "data count is non-zero but data section is absent",
    ),
    (
        "function and code section have inconsistent lengths",
        "function section has non-zero count but code section is absent",
    ),
    (
        "function and code section have inconsistent lengths",
        "function section is absent but code section has non-zero count",
    ),
    (
        "unexpected end of section or function",
        "unexpected end-of-file",
    ),
    // The reference interpreter names the operator (`unknown operator get_local`).
    ("unknown operator", "unknown operator or unexpected token"),
    ("unexpected token", "unknown operator or unexpected token"),
    (
        "unexpected token",
        "result before parameter (or unexpected token)",
    ),
];

/// Whether `ours` says what `expected` (the spec's wording) says.
pub fn message_matches(expected: &str, ours: &str) -> bool {
    let parts =
        std::iter::once(ours).chain(ours.match_indices(": ").map(|(at, _)| &ours[at + 2..]));
    parts.into_iter().any(|part| {
        part.starts_with(expected)
            || SPEC_TO_OURS
                .iter()
                .any(|(spec, mine)| expected.starts_with(spec) && part.starts_with(mine))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expected_text_must_start_ours() {
        assert!(message_matches(
            "type mismatch",
            "type mismatch: expected i32"
        ));
        assert!(!message_matches(
            "type mismatch: expected i32",
            "type mismatch"
        ));
        assert!(!message_matches("unknown global", "type mismatch"));
    }

    #[test]
    fn the_spec_words_may_follow_our_context() {
        assert!(message_matches(
            "integer representation too long",
            "invalid var_u32: integer representation too long"
        ));
        assert!(!message_matches(
            "too long",
            "invalid var_u32: integer too long"
        ));
    }

    #[test]
    fn synonyms_come_from_the_table() {
        assert!(message_matches(
            "invalid UTF-8 encoding",
            "malformed UTF-8 encoding"
        ));
        assert!(message_matches(
            "unknown operator get_local",
            "unknown operator or unexpected token"
        ));
        assert!(!message_matches(
            "invalid UTF-8 encoding",
            "unexpected end-of-file"
        ));
    }
}

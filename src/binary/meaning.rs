//! Tables of what bytes mean: section ids, external kinds, segment flags,
//! and types written as the text format writes them.

use wasmparser::{HeapType, RefType, UnpackedIndex, ValType};

/// `1 type`, `3 types`: for error messages (rows use [`super::Meaning::count`]).
pub(super) fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The name of a section by its id byte (binary format §5.5.2).
pub(super) fn section_name(id: u8) -> &'static str {
    match id {
        0 => "custom",
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "data count",
        13 => "tag",
        _ => "unknown",
    }
}

/// The kind byte of an import or export: what it names.
pub(super) fn external_kind(kind: u8) -> &'static str {
    match kind {
        0x00 => "function",
        0x01 => "table",
        0x02 => "memory",
        0x03 => "global",
        0x04 => "tag",
        0x20 => "exact function",
        _ => "unknown",
    }
}

/// What an element segment's flags say (binary format §5.5.12).
pub(super) fn element_flags(flags: u32) -> &'static str {
    match flags {
        0 => "active, table 0, function indices",
        1 => "passive, function indices",
        2 => "active, explicit table index, function indices",
        3 => "declarative, function indices",
        4 => "active, table 0, expressions",
        5 => "passive, expressions",
        6 => "active, explicit table index, expressions",
        7 => "declarative, expressions",
        _ => "invalid",
    }
}

/// What a data segment's flags say (binary format §5.5.14).
pub(super) fn data_flags(flags: u32) -> &'static str {
    match flags {
        0 => "active, memory 0",
        1 => "passive",
        2 => "active, explicit memory index",
        _ => "invalid",
    }
}

/// The wording of a limits flag byte: which bounds follow, and how the
/// memory or table is addressed.
pub(super) fn limits_flags(flags: u8) -> String {
    let mut m = String::from(if flags & 1 == 0 {
        "limits: min only"
    } else {
        "limits: min and max"
    });
    if flags & 2 != 0 {
        m.push_str(", shared");
    }
    if flags & 4 != 0 {
        m.push_str(", 64-bit addresses");
    }
    if flags & 8 != 0 {
        m.push_str(", custom page size");
    }
    m
}

/// A global's (or global import's) mutability byte, or `None` if invalid.
pub(super) fn global_mutability(byte: u8) -> Option<&'static str> {
    match byte {
        0 => Some("immutable"),
        1 => Some("mutable"),
        2 => Some("immutable, shared"),
        3 => Some("mutable, shared"),
        _ => None,
    }
}

/// A type definition's form byte.
pub(super) fn type_form(byte: u8) -> &'static str {
    match byte {
        0x60 => "func type",
        0x5f => "struct type",
        0x5e => "array type",
        0x5d => "cont type",
        _ => "unknown type form",
    }
}

/// A `try_table` catch clause's kind byte.
pub(super) fn catch_kind(byte: u8) -> &'static str {
    match byte {
        0x00 => "catch",
        0x01 => "catch_ref",
        0x02 => "catch_all",
        0x03 => "catch_all_ref",
        _ => "invalid catch kind",
    }
}

/// A type index as a plain number (wasmparser's `Display` adds `(module N)`).
pub(super) fn index_str(index: &UnpackedIndex) -> String {
    match index {
        UnpackedIndex::Module(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// A reference type in text-format style: `funcref`, `(ref null 3)`.
pub(super) fn reftype_str(ty: &RefType) -> String {
    let null = if ty.is_nullable() { "null " } else { "" };
    match ty.heap_type() {
        HeapType::Concrete(i) => format!("(ref {null}{})", index_str(&i)),
        HeapType::Exact(i) => format!("(ref {null}(exact {}))", index_str(&i)),
        HeapType::Abstract { .. } => ty.to_string(),
    }
}

/// A value type in text-format style: `i32`, `funcref`, `(ref null 3)`.
pub(super) fn valtype_str(ty: &ValType) -> String {
    match ty {
        ValType::Ref(r) => reftype_str(r),
        other => other.to_string(),
    }
}

/// The words for an operator's immediate field, by the field's name in
/// wasmparser: `relative_depth` reads as `label depth`.
pub(super) fn field_label(field: &str) -> String {
    match field {
        "relative_depth" => "label depth",
        "function_index" => "function index",
        "type_index" => "type index",
        "table_index" | "table" => "table index",
        "local_index" => "local index",
        "global_index" => "global index",
        "mem" => "memory index",
        "dst_mem" => "destination memory index",
        "src_mem" => "source memory index",
        "dst_table" => "destination table index",
        "src_table" => "source table index",
        "data_index" => "data segment index",
        "elem_index" => "element segment index",
        "tag_index" => "tag index",
        "lane" => "lane index",
        other => return other.replace('_', " "),
    }
    .to_string()
}

//! Names from a module's name section, for explanations that say `$add`
//! where the binary says function 3.

use wasmparser::{KnownCustom, Name, Parser, Payload};

/// Which name a lookup wants.
#[derive(Clone, Copy)]
pub(super) enum Item {
    /// A function, by function index.
    Func(u32),
    /// A global, by global index.
    Global(u32),
    /// A local (or parameter) of a function: (function index, local index).
    Local(u32, u32),
    /// A defined type, by type index.
    Type(u32),
    /// A field of a struct type: (type index, field index).
    Field(u32, u32),
}

/// The name section's name for `item`, without its `$`.
pub(super) fn name_of(bytes: &[u8], item: Item) -> Option<String> {
    let find = |map: wasmparser::NameMap<'_>, index: u32| {
        map.into_iter()
            .flatten()
            .find(|n| n.index == index)
            .map(|n| n.name.to_string())
    };
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(Payload::CustomSection(section)) = payload else {
            continue;
        };
        let KnownCustom::Name(reader) = section.as_known() else {
            continue;
        };
        for name in reader.into_iter().flatten() {
            let found = match (name, item) {
                (Name::Function(map), Item::Func(i)) => find(map, i),
                (Name::Global(map), Item::Global(i)) => find(map, i),
                (Name::Local(map), Item::Local(f, i)) | (Name::Field(map), Item::Field(f, i)) => {
                    map.into_iter()
                        .flatten()
                        .find(|n| n.index == f)
                        .and_then(|n| find(n.names, i))
                }
                (Name::Type(map), Item::Type(i)) => find(map, i),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The first name function `func` is exported as, if any.
pub(super) fn export_of(bytes: &[u8], func: u32) -> Option<String> {
    Parser::new(0).parse_all(bytes).find_map(|payload| {
        let Ok(Payload::ExportSection(reader)) = payload else {
            return None;
        };
        reader.into_iter().flatten().find_map(|e| {
            (e.kind == wasmparser::ExternalKind::Func && e.index == func)
                .then(|| e.name.to_string())
        })
    })
}

/// `$name` when the item has one, else its index.
pub(super) fn label(bytes: &[u8], item: Item) -> String {
    let index = match item {
        Item::Func(i) | Item::Global(i) | Item::Local(_, i) | Item::Type(i) | Item::Field(_, i) => {
            i
        }
    };
    name_of(bytes, item).map_or_else(|| index.to_string(), |n| format!("${n}"))
}

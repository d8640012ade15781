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
                (Name::Local(map), Item::Local(f, i)) => map
                    .into_iter()
                    .flatten()
                    .find(|n| n.index == f)
                    .and_then(|n| find(n.names, i)),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// `$name` when the item has one, else its index.
pub(super) fn label(bytes: &[u8], item: Item) -> String {
    let index = match item {
        Item::Func(i) | Item::Global(i) | Item::Local(_, i) => i,
    };
    name_of(bytes, item).map_or_else(|| index.to_string(), |n| format!("${n}"))
}

//! Exception tags and exceptions (WebAssembly 3.0 exception handling).
//!
//! A tag is a runtime object like a global: modules define, import and
//! export it, and the host can make one (JavaScript's `WebAssembly.Tag`).
//! `throw` allocates an exception (the tag plus its payload values) in the
//! store; an `exnref` names it by address. Exceptions are never freed while
//! the store lives (there is no collector), which only costs memory.
//!
//! ```text
//!  throw $e (i32 7) ──> ExnInst { tag, payload: [i32:7], thrown_at } ──> exnref = address + 1
//! ```

use super::store::{FuncAddr, Store, StoreData, TagAddr};
use super::trap::Trap;
use super::types::FuncType;
use super::value::Value;

/// A tag in the store: the types of the values an exception of it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagInst {
    /// Its type: parameters are the payload; results are always empty.
    pub ty: FuncType,
    /// Its canonical type id in the store (import matching compares these).
    pub type_id: u32,
    /// A display name: `$oops` from the name section, `tag[0]`, or the host's name.
    pub name: String,
}

/// An exception: an instance of a tag with its payload.
#[derive(Clone, Debug, PartialEq)]
pub struct ExnInst {
    /// Its tag.
    pub tag: TagAddr,
    /// The payload values, in the tag's parameter order.
    pub payload: Vec<Value>,
    /// Where it was first thrown: the function and the instruction's byte
    /// offset (none when the host threw it).
    pub thrown_at: Option<(FuncAddr, usize)>,
}

impl StoreData {
    /// Allocates an exception and returns its address.
    pub fn new_exn(&mut self, exn: ExnInst) -> u32 {
        self.exns.push(exn);
        self.exns.len() as u32 - 1
    }

    /// The exception at address `addr`.
    pub fn exn(&self, addr: u32) -> Option<&ExnInst> {
        self.exns.get(addr as usize)
    }

    /// A host function's way to throw: allocates an exception of `tag` with
    /// `payload` and returns the [`Trap`] that carries it out of the host
    /// function, so the wasm caller's handlers can catch it. The executor
    /// checks the payload against the tag's type.
    pub fn throw(&mut self, tag: TagAddr, payload: Vec<Value>) -> Trap {
        Trap::exception(self.new_exn(ExnInst {
            tag,
            payload,
            thrown_at: None,
        }))
    }
}

impl Store {
    /// Adds a tag whose exceptions carry values of `params`.
    pub fn add_tag(
        &mut self,
        params: &[super::value::ValType],
        name: impl Into<String>,
    ) -> TagAddr {
        let ty = FuncType::new(params.to_vec(), Vec::new());
        let type_id = self.intern_type(&ty);
        self.add_tag_of_type(type_id, name)
    }

    /// Adds a tag of the store's (canonical) function type `type_id`.
    pub fn add_tag_of_type(&mut self, type_id: u32, name: impl Into<String>) -> TagAddr {
        self.tags.push(TagInst {
            ty: self.types.func(type_id).clone(),
            type_id,
            name: name.into(),
        });
        TagAddr(self.tags.len() as u32 - 1)
    }

    /// The tag at `addr`.
    pub fn tag(&self, addr: TagAddr) -> Option<&TagInst> {
        self.tags.get(addr.index())
    }
}

impl Store {
    /// An exception as the views show it: its tag's name and its payload
    /// (`$oops(7)`, `$pair(1 2.5)`), or `exn#N` for an unknown address.
    pub fn describe_exn(&self, addr: u32) -> String {
        let Some(exn) = self.data.exn(addr) else {
            return format!("exn#{addr}");
        };
        let tag = self.tag(exn.tag).map_or("tag?", |t| t.name.as_str());
        exn_words(tag, &exn.payload)
    }
}

/// A tag's name and a payload in one word, as every value list shows an
/// exception: `$oops(7)`, `$pair(1 2.5)`, `$done` with no payload.
pub fn exn_words(tag: &str, payload: &[Value]) -> String {
    if payload.is_empty() {
        return tag.to_string();
    }
    let values: Vec<String> = payload.iter().map(plain).collect();
    format!("{tag}({})", values.join(" "))
}

/// A payload as WAT writes constants: `(i32 7) (f64 2.5)`, or `(no values)`.
pub fn payload_text(payload: &[Value]) -> String {
    if payload.is_empty() {
        return "(no values)".into();
    }
    payload
        .iter()
        .map(|v| format!("({} {})", v.ty(), plain(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A payload value without its type prefix (`7`, `2.5`, `null`).
fn plain(value: &Value) -> String {
    let shown = value.to_string();
    match shown.split_once(':') {
        Some((_, rest)) => rest.to_string(),
        None => shown,
    }
}

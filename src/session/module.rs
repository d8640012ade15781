//! The session module, grown one field at a time, and whole modules typed
//! in at the prompt.
//!
//! Every change rebuilds the session module from its fields and instantiates
//! it afresh; memory contents and global values are then carried over from
//! the previous instance wherever the new definitions still admit them.

use super::{ErrorKind, Reply, Session, SessionError, SourceSpot, input};
use crate::text::assemble::{AsmError, assemble_with_instr_spans, defined_func_offsets};
use crate::text::body_check::{BodyError, body_error};
use crate::vm::module::SegmentMode;
use crate::vm::store::InstanceAddr;
use crate::vm::{InstantiationError, Module};
use std::sync::Arc;

impl Field {
    /// Whether the field imports something (`(import ...)` or an inline import).
    fn is_import(&self) -> bool {
        if self.keyword == "import" {
            return true;
        }
        let rest = self.text.trim_start().trim_start_matches('(').trim_start();
        let rest = rest
            .strip_prefix(self.keyword.as_str())
            .unwrap_or(rest)
            .trim_start();
        let rest = match &self.id {
            Some(id) => rest.strip_prefix(id.as_str()).unwrap_or(rest).trim_start(),
            None => rest,
        };
        rest.starts_with("(import")
    }
}

/// A rebuilt session module: the module, its instance, notes about what
/// did not carry over, and where each function's instructions were written.
type Built = (
    Arc<Module>,
    InstanceAddr,
    Vec<String>,
    Vec<Vec<(usize, usize)>>,
);

/// One field of the session module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// `func`, `memory`, ...
    pub keyword: String,
    /// `$id`, when it has one.
    pub id: Option<String>,
    /// The field's text as typed.
    pub text: String,
}

impl Session {
    pub(super) fn add_fields(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let forms = input::top_level_forms(text);
        if forms.is_empty() {
            return Err(SessionError::new(
                ErrorKind::Syntax,
                "expected a module field such as (func ...)",
            )
            .at(text, 0, 1));
        }
        let mut fields = self.fields.clone();
        let mut notes = Vec::new();
        let mut new_data = Vec::new();
        for form in &forms {
            let (keyword, id) = input::field_head(form);
            if !input::FIELD_KEYWORDS.contains(&keyword.as_str()) {
                let offset = form.as_ptr() as usize - text.as_ptr() as usize;
                return Err(SessionError::new(
                    ErrorKind::Syntax,
                    format!("({keyword} ...) cannot be mixed with module fields in one input"),
                )
                .at(text, offset, form.len()));
            }
            let field = Field {
                keyword: keyword.clone(),
                id: id.clone(),
                text: form.to_string(),
            };
            let existing = fields
                .iter()
                .position(|f| id.is_some() && f.keyword == keyword && f.id == id);
            let what = format!(
                "{keyword}{}",
                id.as_deref().map(|i| format!(" {i}")).unwrap_or_default()
            );
            match existing {
                Some(i) => {
                    fields[i] = field;
                    notes.push(format!("replaced {what}"));
                }
                None => {
                    if keyword == "data" {
                        new_data.push(
                            fields.iter().filter(|f| f.keyword == "data").count() + new_data.len(),
                        );
                    }
                    fields.push(field);
                    notes.push(format!("defined {what}"));
                }
            }
        }
        let first_new = forms[0].as_ptr() as usize - text.as_ptr() as usize;
        let (module, instance, carry_notes, sources) =
            self.build_session_module(&fields, text, first_new)?;
        self.apply_new_data(&module, instance, &new_data)?;
        self.fields = fields;
        self.sources = sources;
        self.session = Some((module, instance));
        self.current = Some(instance);
        self.seed_regions();
        if let Some((module, _)) = &self.session {
            let bytes = module.bytes.clone();
            self.journal.push(super::export_js::JsEvent::Instantiate {
                name: super::export_js::SESSION.into(),
                bytes,
            });
        }
        notes.extend(carry_notes);
        Ok(notes.into_iter().map(Reply::Note).collect())
    }

    /// Assembles, validates and instantiates the session module from `fields`,
    /// carrying memory and globals over from the previous instance.
    fn build_session_module(
        &mut self,
        fields: &[Field],
        input: &str,
        input_offset: usize,
    ) -> Result<Built, SessionError> {
        // The text format wants imports before definitions; fields keep their
        // typed order otherwise.
        let mut order: Vec<usize> = (0..fields.len())
            .filter(|i| fields[*i].is_import())
            .collect();
        order.extend((0..fields.len()).filter(|i| !fields[*i].is_import()));
        let mut text = String::from("(module\n");
        let mut input_start = None;
        let mut starts = Vec::new();
        for &i in &order {
            if i + 1 == fields.len() {
                input_start = Some(text.len());
            }
            starts.push(text.len());
            text.push_str(&fields[i].text);
            text.push('\n');
        }
        text.push(')');
        let (bytes, spans) = assemble_with_instr_spans(&text)
            .map_err(|e| map_asm_error(&e, &text, input_start, input, input_offset))?;
        // Each instruction's place as (field, offset in the field's text).
        let place = |at: usize| {
            let position = starts.iter().rposition(|s| *s <= at).unwrap_or(0);
            (order[position], at - starts[position])
        };
        let sources: Vec<Vec<(usize, usize)>> = spans
            .iter()
            .map(|func| func.iter().map(|at| place(*at)).collect())
            .collect();
        let module = compile(&bytes, |body| {
            let instrs: &Vec<(usize, usize)> = sources.get(body.defined)?;
            let (field, at) = match body.fault.instr_index(instrs.len()) {
                Some(i) => *instrs.get(i)?,
                None => place(*defined_func_offsets(&text).get(body.defined)?),
            };
            field_spot(&fields[field].text, at, input)
        })?;
        let instance = self.instantiate(&module)?;
        let notes = self.carry_over(&module, instance);
        Ok((module, instance, notes, sources))
    }

    pub(super) fn instantiate(
        &mut self,
        module: &Arc<Module>,
    ) -> Result<InstanceAddr, SessionError> {
        self.link_and_instantiate(module).map_err(|e| match e {
            InstantiationError::Link(link) => self.link_error(&link),
            InstantiationError::Trap(trap) => SessionError::trap(&trap),
            InstantiationError::Resource(m) => SessionError::new(ErrorKind::Link, m),
        })
    }

    /// Instantiates `module` with imports from the registry or the host
    /// environment (host objects are made on demand).
    pub(super) fn link_and_instantiate(
        &mut self,
        module: &Arc<Module>,
    ) -> Result<InstanceAddr, InstantiationError> {
        let mut imports = Vec::with_capacity(module.imports.len());
        for (i, import) in module.imports.iter().enumerate() {
            let registered = self
                .registry
                .get(&import.module)
                .and_then(|m| m.get(&import.name))
                .copied();
            let hosted = self.host.modules.contains_key(&import.module);
            let ext = match registered {
                Some(ext) => Some(ext),
                None if hosted => {
                    let want = module.extern_type(module.import_kind(i)).ok_or_else(|| {
                        InstantiationError::Resource("dangling import type".into())
                    })?;
                    let ext = self
                        .host
                        .materialize(&mut self.store, &import.module, &import.name, &want)
                        .map_err(|m| {
                            InstantiationError::Resource(format!(
                                "link error: {}.{}: {m}",
                                import.module, import.name
                            ))
                        })?;
                    Some(ext)
                }
                // Nothing provides it: the store reports this import, the
                // first that fails, as JavaScript does.
                None => break,
            };
            imports.push(ext);
        }
        self.store.instantiate(module, &imports)
    }

    /// Copies memory contents and global values from the previous session
    /// instance into `instance`, saying where that was not possible.
    fn carry_over(&mut self, module: &Module, instance: InstanceAddr) -> Vec<String> {
        let mut notes = Vec::new();
        let Some((old_module, old_instance)) = self.session.clone() else {
            return notes;
        };
        let (Some(old), Some(new)) = (
            self.store.instance(old_instance).cloned(),
            self.store.instance(instance).cloned(),
        ) else {
            return notes;
        };
        let imported_mems = module
            .imports
            .iter()
            .filter(|i| matches!(i.kind, crate::vm::module::ImportKind::Memory(_)))
            .count();
        for (i, (old_addr, new_addr)) in old.memories.iter().zip(&new.memories).enumerate() {
            if i < imported_mems || old_addr == new_addr {
                continue;
            }
            let old_bytes = self
                .store
                .memory(*old_addr)
                .map(|m| m.bytes().to_vec())
                .unwrap_or_default();
            let Some(memory) = self.store.memory_mut(*new_addr) else {
                continue;
            };
            let old_pages = (old_bytes.len() / 65536) as u32;
            if memory.pages() < old_pages {
                let _ = memory.grow(old_pages - memory.pages());
            }
            let keep = old_bytes.len().min(memory.bytes().len());
            memory.bytes_mut()[..keep].copy_from_slice(&old_bytes[..keep]);
            if keep < old_bytes.len() {
                notes.push(format!(
                    "memory {i} now has {} page(s); the contents past byte {keep} were dropped",
                    memory.pages()
                ));
            }
        }
        for (i, new_addr) in new.globals.iter().enumerate() {
            let name = module.names.globals.get(&(i as u32));
            let old_index = match name {
                Some(name) => old_module
                    .names
                    .globals
                    .iter()
                    .find(|(_, n)| *n == name)
                    .map(|(j, _)| *j as usize),
                None => Some(i),
            };
            let Some(old_addr) = old_index.and_then(|j| old.globals.get(j)) else {
                continue;
            };
            if old_addr == new_addr {
                continue;
            }
            let (Some(old_global), Some(new_global)) = (
                self.store.global(*old_addr).copied(),
                self.store.global(*new_addr).copied(),
            ) else {
                continue;
            };
            if old_global.ty == new_global.ty && old_global.value != new_global.value {
                self.store.data.globals[new_addr.index()].value = old_global.value;
            } else if old_global.ty != new_global.ty {
                let label = name.map_or_else(|| format!("global {i}"), |n| format!("global ${n}"));
                notes.push(format!(
                    "{label} changed type ({} -> {}), so it starts from its initializer",
                    old_global.ty, new_global.ty
                ));
            }
        }
        notes
    }

    /// Writes the active data segments that this input added, over the
    /// carried-over memory contents.
    fn apply_new_data(
        &mut self,
        module: &Module,
        instance: InstanceAddr,
        new_data: &[usize],
    ) -> Result<(), SessionError> {
        for &index in new_data {
            let Some(seg) = module.datas.get(index) else {
                continue;
            };
            let SegmentMode::Active { index: mem, offset } = &seg.mode else {
                continue;
            };
            let start = match offset {
                crate::vm::module::ConstExpr::Value(v) => v.to_slot() as u32 as u64,
                crate::vm::module::ConstExpr::Global(g) => self
                    .store
                    .instance(instance)
                    .and_then(|i| i.globals.get(*g as usize).copied())
                    .and_then(|a| self.store.global(a))
                    .map_or(0, |g| g.value as u32 as u64),
                crate::vm::module::ConstExpr::RefFunc(_) => 0,
            };
            let addr = self
                .store
                .instance(instance)
                .and_then(|i| i.memories.get(*mem as usize).copied());
            if let Some(memory) = addr.and_then(|a| self.store.memory_mut(a))
                && !memory.write(start, &seg.bytes)
            {
                return Err(SessionError::new(
                    ErrorKind::Trap,
                    "trap: out of bounds memory access",
                )
                .with_note(Some(format!(
                    "the data segment of {} bytes at {start} does not fit in the memory",
                    seg.bytes.len()
                ))));
            }
        }
        Ok(())
    }

    pub(super) fn add_module(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let (bytes, spans) = assemble_with_instr_spans(text).map_err(|e| {
            SessionError::new(ErrorKind::Syntax, e.message.clone()).at(
                text,
                e.offset,
                token_len(text, e.offset),
            )
        })?;
        let module = compile(&bytes, |body| {
            let instrs = spans.get(body.defined)?;
            let at = match body.fault.instr_index(instrs.len()) {
                Some(i) => *instrs.get(i)?,
                None => *defined_func_offsets(text).get(body.defined)?,
            };
            Some(spot(text, at))
        })?;
        let instance = self.instantiate(&module)?;
        let (_, id) = input::field_head(text);
        let name = id.unwrap_or_else(|| format!("#{}", self.named.len() + 1));
        self.named.retain(|(n, _)| *n != name);
        self.named.push((name.clone(), instance));
        self.journal.push(super::export_js::JsEvent::Instantiate {
            name: name.clone(),
            bytes: module.bytes.clone(),
        });
        self.current = Some(instance);
        Ok(vec![Reply::Note(format!("instantiated module {name}"))])
    }
}

impl Session {
    /// The user's text of the session-module instruction at binary `offset`
    /// of defined function `defined`, as the field it was written in.
    pub(super) fn session_source(
        &self,
        defined: usize,
        offset: usize,
    ) -> Option<super::SourceSpot> {
        let (module, _) = self.session_instance()?;
        let index = super::fragment::operator_index(&module.bytes, offset)?;
        let (field, at) = *self.sources.get(defined)?.get(index)?;
        let text = &self.fields.get(field)?.text;
        Some(super::SourceSpot {
            text: text.clone(),
            offset: at,
            len: token_len(text, at),
        })
    }
}

impl SessionError {
    /// The error of an input that is the part of file `path` (holding `file`)
    /// from byte `start` on: its spot moves to the whole file, and the message
    /// starts with `FILE:LINE:COL`.
    pub fn in_file(mut self, path: &str, file: &str, start: usize) -> SessionError {
        if let Some(spot) = &mut self.spot
            && file.get(start..start + spot.text.len()) == Some(spot.text.as_str())
        {
            spot.offset += start;
            spot.text = file.to_string();
            let (line, col) = crate::text::assemble::line_col(file, spot.offset);
            self.message = format!("{path}:{}:{}: {}", line + 1, col + 1, self.message);
        }
        self
    }

    fn with_note(mut self, note: Option<String>) -> SessionError {
        self.notes.extend(note);
        self
    }
}

/// Maps an assembler error in the generated module text back into the input.
fn map_asm_error(
    e: &AsmError,
    text: &str,
    field_start: Option<usize>,
    input: &str,
    input_offset: usize,
) -> SessionError {
    let error = SessionError::new(ErrorKind::Syntax, e.message.clone());
    match field_start {
        Some(start) if e.offset >= start && e.offset - start <= input.len() - input_offset => {
            let offset = input_offset + (e.offset - start);
            error.at(input, offset, token_len(input, offset))
        }
        _ => error.with_note(Some(format!("in the session module:\n{text}"))),
    }
}

/// Validates and translates a module the workbench assembled (threads
/// proposal validation included), explaining a rejection; one inside a
/// function body is pointed at the spot `locate` finds for it.
fn compile(
    bytes: &[u8],
    locate: impl Fn(&BodyError) -> Option<SourceSpot>,
) -> Result<Arc<Module>, SessionError> {
    let features = crate::vm::module::features_with_threads();
    Module::from_binary_with(bytes, features)
        .map(Arc::new)
        .map_err(|e| match body_error(bytes, features, e.offset) {
            Some(body) => SessionError {
                spot: locate(&body),
                ..SessionError::new(
                    ErrorKind::Invalid,
                    format!("in {}: {}", body.func_label(), body.fault.explanation),
                )
            },
            None => SessionError::new(ErrorKind::Invalid, format!("invalid module: {}", e.message)),
        })
}

/// The spot of `at` bytes into a field's text: in `input` when the field was
/// typed in it, else in the field's own text (a field defined earlier).
fn field_spot(field: &str, at: usize, input: &str) -> Option<SourceSpot> {
    Some(match input.find(field) {
        Some(start) => spot(input, start + at),
        None => spot(field, at),
    })
}

/// The spot of the token at `offset` of `text`.
fn spot(text: &str, offset: usize) -> SourceSpot {
    SourceSpot {
        text: text.to_string(),
        offset,
        len: token_len(text, offset),
    }
}

/// Length of the token starting at `offset`.
pub fn token_len(text: &str, offset: usize) -> usize {
    text.get(offset..).map_or(1, |rest| {
        rest.find(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .unwrap_or(rest.len())
            .max(1)
    })
}

//! The session module, grown one field at a time, and whole modules typed
//! in at the prompt.
//!
//! Every change rebuilds the session module from its fields and instantiates
//! it afresh; memory contents, global values and table contents are then
//! carried over from the previous instance wherever the new definitions still
//! admit them (table references to the session's functions follow them to
//! their new versions), and only the segments the input added are applied.

use super::fields::{self, Field};
use super::kinds::Kinds;
use super::{ErrorKind, Reply, Session, SessionError, SourceSpot, input};
use super::{splice, splice_replace};
use crate::text::assemble::{AsmError, assemble_with_instr_spans, defined_func_offsets};
use crate::text::body_check::{BodyError, body_error};
use crate::text::unknown_name::asm_message;
use crate::vm::memory::Memory;
use crate::vm::module::{Change, SegmentMode};
use crate::vm::store::{Extern, FuncInst, InstanceAddr, MemAddr, TableAddr};
use crate::vm::trap::Trap;
use crate::vm::types::{ExternType, FuncType, GlobalType, TableType};
use crate::vm::value::NULL_REF;
use crate::vm::{FuncSlots, InstantiationError, Module, PendingStart, ValType};
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::Arc;

/// A rebuilt session module: the module, its instance, what carrying memory
/// over did (a field's position and words about it), where each function's
/// instructions were written, the memories whose contents moved (old,
/// new), and each memory that took over an old one's contents (old, new index).
type Built = (
    Arc<Module>,
    PendingStart,
    Vec<(usize, String)>,
    splice::Sources,
    Vec<(MemAddr, MemAddr)>,
    Vec<(u32, u32)>,
);

/// The session module an input asks for: its fields and, for each, the
/// field of the current list it continues or replaces and where this input
/// wrote it.
struct Plan {
    fields: Vec<Field>,
    /// The index in the current list of the field each one keeps or replaces.
    previous: Vec<Option<usize>>,
    /// Where this input wrote each field, for the fields it wrote.
    typed_at: Vec<Option<usize>>,
    /// What the input did, each with the field it concerns.
    notes: Vec<(Option<usize>, String)>,
    /// Where the fields of each kind are: found once planning is done.
    kinds: OnceCell<Kinds>,
}

impl Plan {
    /// Whether this input typed a `(start ...)`: its function runs once, over
    /// the carried-over state and the new segments (a module's order).
    fn runs_start(&self) -> bool {
        (self.kinds().get("start").iter()).any(|at| self.typed_at[*at].is_some())
    }

    /// Where the fields of each kind are.
    fn kinds(&self) -> &Kinds {
        self.kinds.get_or_init(|| Kinds::of(&self.fields))
    }

    /// The current fields, unchanged.
    fn keep(fields: &[Field]) -> Plan {
        Plan {
            fields: fields.to_vec(),
            previous: (0..fields.len()).map(Some).collect(),
            typed_at: vec![None; fields.len()],
            notes: Vec::new(),
            kinds: OnceCell::new(),
        }
    }

    /// The fields without the one at `at`.
    fn remove(&mut self, at: usize) {
        self.kinds = OnceCell::new();
        self.fields.remove(at);
        self.previous.remove(at);
        self.typed_at.remove(at);
    }

    /// Which fields this input wrote.
    fn fresh(&self) -> Vec<bool> {
        self.typed_at.iter().map(Option::is_some).collect()
    }
}

impl Session {
    pub(super) fn add_fields(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let plan = self.plan_fields(text, None)?;
        self.rebuild(plan, text)
    }

    /// Adds the module fields of file `path` as one input: all or nothing.
    /// Fields it loaded before are replaced, and those no longer in it removed.
    ///
    /// # Errors
    /// As for fields typed at the prompt.
    pub fn load_fields(&mut self, path: &str, text: &str) -> Result<Vec<Reply>, SessionError> {
        self.not_paused()?;
        self.transact(|s| {
            let plan = s.plan_fields(text, Some(path))?;
            s.rebuild(plan, text)
        })
    }

    /// Removes the field `target` names (`$f`, `"export"`, `memory`, `start`)
    /// from the session module: all or nothing.
    ///
    /// # Errors
    /// When no field or several answer to `target`, or when what is left
    /// does not validate (a caller of a forgotten function); nothing changes.
    pub fn forget(&mut self, target: &str) -> Result<Vec<Reply>, SessionError> {
        self.not_paused()?;
        let at = fields::find(&self.fields, target)?;
        let label = self.fields[at].label();
        self.transact(|s| {
            let mut plan = Plan::keep(&s.fields);
            plan.remove(at);
            plan.notes.push((None, format!("forgot {label}")));
            let users = (s.fields[at].id.as_deref())
                .map_or_else(Vec::new, |id| fields::users_of(&s.fields, at, id));
            s.rebuild(plan, "").map_err(|mut e| {
                if let [first, rest @ ..] = users.as_slice() {
                    let more = match rest.len() {
                        0 => String::new(),
                        n => format!(" (and {n} more: {})", rest.join(", ")),
                    };
                    e.message = format!("cannot forget {label}: {first} uses it{more}");
                }
                e.notes.push(format!(
                    "hint: nothing was forgotten; forget or redefine what uses {label} first"
                ));
                e
            })
        })
    }

    /// Fails while a fragment is paused: it runs against the current instance.
    fn not_paused(&self) -> Result<(), SessionError> {
        match self.debugger {
            Some(_) => Err(SessionError::usage(
                "a fragment is paused in the stepper: step it, or abort it first",
            )),
            None => Ok(()),
        }
    }

    /// The fields after the input `text` (from file `origin`, if any): each
    /// new field replaces the earlier one it redefines ([`fields::Index::replaces`]).
    fn plan_fields(&self, text: &str, origin: Option<&str>) -> Result<Plan, SessionError> {
        let forms = input::top_level_forms(text);
        if forms.is_empty() {
            return Err(SessionError::new(
                ErrorKind::Syntax,
                "expected a module field such as (func ...)",
            )
            .at(text, 0, 1));
        }
        let mut plan = Plan::keep(&self.fields);
        let typed: Vec<Field> = forms.iter().map(|f| Field::new(f, origin)).collect();
        // The current fields, which planning leaves as they are: a field it
        // replaced is no longer eligible, and new ones are not indexed.
        let index = fields::Index::new(&self.fields, &typed);
        let mut eligible = vec![true; plan.fields.len()];
        for (form, field) in forms.iter().zip(typed) {
            let offset = form.as_ptr() as usize - text.as_ptr() as usize;
            if !input::FIELD_KEYWORDS.contains(&field.keyword.as_str()) {
                return Err(SessionError::new(
                    ErrorKind::Syntax,
                    format!(
                        "({} ...) cannot be mixed with module fields in one input",
                        field.keyword
                    ),
                )
                .at(text, offset, form.len()));
            }
            match index.replaces(&field, &plan.fields, &eligible) {
                Some(i) => {
                    eligible[i] = false;
                    let note = format!("replaced {}", plan.fields[i].label());
                    plan.notes.push((Some(i), note));
                    plan.fields[i] = field;
                    plan.typed_at[i] = Some(offset);
                }
                None => {
                    let note = format!("defined {}", field.label());
                    plan.notes.push((Some(plan.fields.len()), note));
                    plan.fields.push(field);
                    plan.previous.push(None);
                    plan.typed_at.push(Some(offset));
                }
            }
        }
        if let Some(path) = origin {
            // What the file loaded last time and no longer holds.
            while let Some(at) = (0..plan.fields.len()).find(|i| {
                plan.typed_at[*i].is_none() && plan.fields[*i].origin.as_deref() == Some(path)
            }) {
                let note = format!(
                    "removed {}: {path} no longer has it",
                    plan.fields[at].label()
                );
                plan.notes.push((None, note));
                plan.remove(at);
                for (field, _) in plan.notes.iter_mut() {
                    *field = field.map(|f| if f > at { f - 1 } else { f });
                }
            }
        }
        if let Some((at, error)) = fields::clash(&plan.fields, &plan.fresh()) {
            let offset = plan.typed_at[at].unwrap_or(0);
            let field = &plan.fields[at].text;
            let len = field.find('\n').unwrap_or(field.len());
            return Err(error.at(text, offset, len));
        }
        Ok(plan)
    }

    /// Makes `plan` the session module: assembles, instantiates and carries
    /// state over, then writes the data segments the input wrote.
    fn rebuild(&mut self, plan: Plan, text: &str) -> Result<Vec<Reply>, SessionError> {
        let new_data: Vec<usize> = (plan.kinds().get("data"))
            .iter()
            .enumerate()
            .filter(|(_, pos)| plan.typed_at[**pos].is_some())
            .map(|(index, _)| index)
            .collect();
        let new_elems: Vec<usize> = (plan.kinds().get("elem"))
            .iter()
            .enumerate()
            .filter(|(_, pos)| plan.typed_at[**pos].is_some())
            .map(|(index, _)| index)
            .collect();
        let (module, pending, carried, sources, moved, taken_over) =
            self.build_session_module(&plan, text)?;
        let instance = pending.instance;
        let runs_start = plan.runs_start();
        // The state the start function runs on, to say what it changed.
        let mut before_start = None;
        let mut written = Vec::new();
        let applied = self
            .apply_new_data(&module, instance, &new_data)
            .and_then(|data| {
                written = data;
                self.apply_new_elems(&module, instance, &new_elems)
            })
            .and_then(|()| match runs_start {
                true => {
                    before_start = Some(self.store.data.clone());
                    (self.run_start(&pending))
                        .map_err(|trap| self.start_error(&trap, &module, instance, &sources, &plan))
                }
                false => Ok(()),
            });
        let memories = &mut self.store.data.memories;
        for (old, new) in moved {
            let Some((old, new)) = two(memories, old.index(), new.index()) else {
                continue;
            };
            match applied {
                // The old memories keep what they held: the input failed.
                Err(_) => old.swap_contents(new),
                Ok(()) => old.discard(),
            }
        }
        applied?;
        let mut notes = plan.notes;
        for (field, detail) in carried {
            match notes.iter_mut().find(|(f, _)| *f == Some(field)) {
                Some((_, note)) => *note = format!("{note}: {detail}"),
                None => notes.push((None, format!("{}: {detail}", plan.fields[field].label()))),
            }
        }
        let replaced =
            (plan.typed_at.iter().zip(&plan.previous)).any(|(t, p)| t.is_some() && p.is_some());
        if replaced {
            notes.extend(self.frozen_registrations().into_iter().map(|name| {
                (None, format!(
                    "\"{name}\" (registered) still exports the earlier version: modules that imported from it keep it; (register \"{name}\") again to export this one"
                ))
            }));
        }
        self.fields = Arc::new(plan.fields);
        if let Some(kinds) = plan.kinds.into_inner() {
            self.kinds = Some((self.fields.clone(), Arc::new(kinds)));
        }
        self.sources = Arc::new(sources);
        if let Some((_, old)) = self.session.replace((module, instance)) {
            self.stale.push(old);
        }
        self.current = Some(instance);
        self.retire_stale();
        self.seed_regions();
        self.journal_version(
            text,
            before_start.as_ref(),
            &taken_over,
            written,
            runs_start,
        );
        if let Some(before) = before_start {
            let changed = self.kept_note(&before, "changed");
            notes.push((
                None,
                match changed {
                    Some(changed) => format!("ran the start function ({changed})"),
                    None => "ran the start function (it changed nothing)".into(),
                },
            ));
            self.changes_since = Some(before);
        }
        Ok(notes.into_iter().map(|(_, n)| Reply::Note(n)).collect())
    }

    /// Assembles, validates and instantiates the session module from the
    /// fields of `plan` up to its start function, carrying memory and
    /// globals over from the previous instance; `input` is the text this
    /// input typed.
    fn build_session_module(&mut self, plan: &Plan, input: &str) -> Result<Built, SessionError> {
        let (module, sources) = match self.spliced(plan) {
            Some(built) => built,
            None => self.assembled(plan, input)?,
        };
        let pending = self.instantiate_pending(&module)?;
        let (mut moved, mut taken_over) = (Vec::new(), Vec::new());
        let notes = self.carry_over(pending.instance, plan, &mut moved, &mut taken_over);
        Ok((module, pending, notes, sources, moved, taken_over))
    }

    /// The session module of `plan` when it only adds one function or
    /// global to the current one or replaces one function, and that field
    /// can be assembled on its own (see [`splice`] and [`splice_replace`]);
    /// `None` for anything else, an error included.
    fn spliced(&self, plan: &Plan) -> Option<(Arc<Module>, splice::Sources)> {
        let (earlier, _) = self.session.as_ref()?;
        let kept = self.fields.len();
        let mut typed = (0..plan.fields.len()).filter(|i| plan.typed_at[*i].is_some());
        let (Some(at), None) = (typed.next(), typed.next()) else {
            return None;
        };
        if !(0..kept).all(|i| plan.previous.get(i) == Some(&Some(i))) {
            return None;
        }
        let field = &plan.fields[at];
        let added = plan.fields.len() == kept + 1 && at == kept;
        let (bytes, sources, change) = if added && field.keyword == "global" {
            let bytes = splice_replace::append_global(earlier, field)?;
            (bytes, self.sources.to_vec(), Change::AddGlobal)
        } else if added {
            let (bytes, sources) = splice::append_func(earlier, &self.sources, field, kept)?;
            (bytes, sources, Change::AddFunc)
        } else if plan.fields.len() == kept {
            let (bytes, sources, defined) =
                splice_replace::replace_func(earlier, &self.sources, &self.fields, field, at)?;
            (bytes, sources, Change::ReplaceFunc(defined))
        } else {
            return None;
        };
        if cfg!(debug_assertions) {
            // The whole assembly is the reference: the same bytes, the same places.
            let (text, place) = module_text(&plan.fields);
            if let Ok((whole, spans)) = assemble_with_instr_spans(&text) {
                let places: splice::Sources = (spans.iter())
                    .map(|func| func.iter().map(|at| place(*at)).collect())
                    .collect();
                assert!(
                    whole == bytes && places == sources,
                    "spliced module differs"
                );
            }
        }
        // The new field validated on its own: only its code is new.
        let module = match Module::spliced(earlier, &bytes, change) {
            Some(module) => Arc::new(module),
            None => compile(&bytes, Some(earlier), |_| None).ok()?,
        };
        Some((module, sources))
    }

    /// The session module of `plan` assembled from all its fields' text,
    /// validated and translated (the code of unchanged bodies reused).
    fn assembled(
        &self,
        plan: &Plan,
        input: &str,
    ) -> Result<(Arc<Module>, splice::Sources), SessionError> {
        let fields = &plan.fields;
        let (text, place) = module_text(fields);
        let (bytes, spans) = assemble_with_instr_spans(&text)
            .map_err(|e| map_asm_error(&e, &text, plan, input, place(e.offset)))?;
        let sources: splice::Sources = spans
            .iter()
            .map(|func| func.iter().map(|at| place(*at)).collect())
            .collect();
        let earlier = self.session.as_ref().map(|(m, _)| m.clone());
        let module = compile(&bytes, earlier.as_deref(), |body| {
            let instrs: &[(usize, usize)] = sources.get(body.defined)?;
            let (field, at) = match body.fault.instr_index(instrs.len()) {
                Some(i) => *instrs.get(i)?,
                None => place(*defined_func_offsets(&text).get(body.defined)?),
            };
            field_spot(&fields[field].text, at, input)
        })
        .map_err(|e| start_type_error(e, plan, input))
        .map_err(|e| earlier_field_hint(e, plan))?;
        Ok((module, sources))
    }

    pub(super) fn instantiate(
        &mut self,
        module: &Arc<Module>,
    ) -> Result<InstanceAddr, SessionError> {
        let pending = self.instantiate_pending(module)?;
        (self.run_start(&pending)).map_err(|trap| self.error_of_trap(&trap, None))?;
        Ok(pending.instance)
    }

    /// The names under which the current session instance was registered
    /// (`(register "s")`): they keep exporting it when a new version replaces it.
    fn frozen_registrations(&self) -> Vec<String> {
        let Some(inst) = self
            .session
            .as_ref()
            .and_then(|(_, a)| self.store.instance(*a))
        else {
            return Vec::new();
        };
        let ours = |e: &Extern| match e {
            Extern::Func(a) => inst.funcs.contains(a),
            Extern::Memory(a) => inst.memories.contains(a),
            Extern::Table(a) => inst.tables.contains(a),
            Extern::Global(a) => inst.globals.contains(a),
            Extern::Tag(a) => inst.tags.contains(a),
        };
        (self.registry.iter())
            .filter(|(_, exports)| exports.values().any(ours))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Runs the start function of `pending`, if it has one.
    fn run_start(&mut self, pending: &PendingStart) -> Result<(), Trap> {
        let started = pending
            .execution(&self.store)
            .and_then(|e| e.map_or(Ok(Vec::new()), |mut e| e.run(&mut self.store)));
        started.map(drop)
    }

    /// The error of a trap in the start function of `module`, the session
    /// module this input builds (`instance`, not current yet): pointed at
    /// the instruction in its definition, as a trap in any function is.
    fn start_error(
        &self,
        trap: &Trap,
        module: &Module,
        instance: InstanceAddr,
        sources: &splice::Sources,
        plan: &Plan,
    ) -> SessionError {
        let mut error = self.error_of_trap(trap, None);
        let Some(site) = &trap.site else {
            return error;
        };
        let func = crate::vm::FuncAddr(site.func);
        let Some(FuncInst::Wasm {
            instance: owner,
            index,
            ..
        }) = self.store.func(func)
        else {
            return error;
        };
        let spot = || {
            let defined = index.checked_sub(module.imported_funcs)? as usize;
            let op = super::fragment::operator_index(&module.bytes, site.offset)?;
            let (field, at) = *sources.get(defined)?.get(op)?;
            let text = &plan.fields.get(field)?.text;
            Some(SourceSpot {
                text: text.clone(),
                offset: at,
                len: token_len(text, at),
            })
        };
        if let Some(spot) = spot().filter(|_| *owner == instance) {
            let op = super::fragment::operator_at(&module.bytes, site.offset).unwrap_or_default();
            let name = self.store.func_name(func);
            error
                .notes
                .insert(0, format!("in {name}, the start function, at {op}"));
            error.spot = Some(spot);
        }
        error
    }

    /// Instantiates `module` up to its start function (see
    /// [`crate::vm::Store::instantiate_pending`]), errors in words.
    pub(super) fn instantiate_pending(
        &mut self,
        module: &Arc<Module>,
    ) -> Result<PendingStart, SessionError> {
        self.link_and_instantiate(module).map_err(|e| match e {
            InstantiationError::Link(link) => self.link_error(&link),
            InstantiationError::Trap(trap) => self.error_of_trap(&trap, None),
            InstantiationError::Resource(m) => SessionError::new(ErrorKind::Link, m),
        })
    }

    /// Instantiates `module` with imports from the registry or the host
    /// environment (host objects are made on demand), up to its start function.
    pub(super) fn link_and_instantiate(
        &mut self,
        module: &Arc<Module>,
    ) -> Result<PendingStart, InstantiationError> {
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
                    let want = self.canonical_extern(module, want);
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
        self.store
            .instantiate_pending(module, &imports, FuncSlots::ReuseFreed)
    }

    /// `want` (an import's type in `module`'s type indices) with the
    /// store's canonical type ids, as a host object must be made with.
    fn canonical_extern(&mut self, module: &Module, want: ExternType) -> ExternType {
        let ids = self.store.canonical_type_ids(module);
        let canon = |t: &ValType| t.map_index(|i| ids.get(i as usize).copied().unwrap_or(i));
        match want {
            ExternType::Func(ty) => ExternType::Func(FuncType::new(
                ty.params.iter().map(canon).collect::<Vec<_>>(),
                ty.results.iter().map(canon).collect::<Vec<_>>(),
            )),
            ExternType::Global(g) => ExternType::Global(GlobalType {
                ty: canon(&g.ty),
                ..g
            }),
            ExternType::Table(t) => ExternType::Table(TableType {
                elem: canon(&t.elem),
                ..t
            }),
            other => other,
        }
    }

    /// Copies memory contents and global values from the previous session
    /// instance into `instance`: memories into the memory that keeps or
    /// replaces them (saying how much fitted, by field position), global
    /// values into globals the input did not redefine. Memories whose
    /// contents moved rather than were copied go to `moved` as (old, new);
    /// every memory that took over contents to `taken_over` as (old, new index).
    fn carry_over(
        &mut self,
        instance: InstanceAddr,
        plan: &Plan,
        moved: &mut Vec<(MemAddr, MemAddr)>,
        taken_over: &mut Vec<(u32, u32)>,
    ) -> Vec<(usize, String)> {
        let mut notes = Vec::new();
        let Some((_, old_instance)) = self.session.clone() else {
            return notes;
        };
        // Not their functions and exports: as many as the module has (issue 14).
        let objects = |addr| {
            (self.store.instance(addr))
                .map(|i| (i.memories.clone(), i.tables.clone(), i.globals.clone()))
        };
        let (Some(old), Some(new)) = (objects(old_instance), objects(instance)) else {
            return notes;
        };
        let old_kinds = self.kinds();
        // The index the field at `pos` of the plan had in the previous module.
        let old_index = |kind: &str, pos: usize| {
            let was = plan.previous.get(pos).copied().flatten()?;
            old_kinds.get(kind).iter().position(|p| *p == was)
        };
        let new_mems = plan.kinds().get("memory");
        let old_mems = old_kinds.get("memory");
        for (i, new_addr) in new.0.iter().enumerate() {
            let Some(&pos) = new_mems.get(i) else {
                continue;
            };
            let Some(j) = old_index("memory", pos) else {
                continue;
            };
            let old_imported = old_mems.get(j).is_some_and(|p| self.fields[*p].is_import());
            let Some(old_addr) = old.0.get(j) else {
                continue;
            };
            if plan.fields[pos].is_import() || old_imported || old_addr == new_addr {
                continue;
            }
            taken_over.push((j as u32, i as u32));
            let only_user = self.only_user(old_instance, *old_addr);
            let old_len = self.store.memory(*old_addr).map_or(0, |m| m.bytes().len());
            let declared = self.store.memory(*new_addr).map_or(0, |m| m.pages());
            let declared_len = self.store.memory(*new_addr).map_or(0, |m| m.bytes().len());
            // A memory typed again smaller keeps the old contents, but not
            // the zeros above its new size: when nothing above it was
            // written it keeps the size typed (issue 14: `(memory 2)` after
            // `(memory 16384)` kept 16,384 pages, and undo gave up on them).
            let zeros_above = plan.typed_at[pos].is_some()
                && declared_len < old_len
                && self.store.memory(*old_addr).map_or(0, Memory::data_end) <= declared_len;
            let hold = if zeros_above { declared_len } else { old_len };
            // Grow the new memory (in its own page size) to hold the old
            // contents, as far as its maximum allows.
            if let Some(memory) = self.store.memory_mut(*new_addr) {
                let needed = (hold as u64).div_ceil(memory.ty.page_size());
                let allowed = memory.ty.limits.max.unwrap_or(u64::MAX).min(needed);
                if memory.pages() < allowed {
                    let _ = memory.grow_untouched(allowed - memory.pages());
                }
            }
            let memories = &mut self.store.data.memories;
            let Some((old_memory, memory)) = two(memories, old_addr.index(), new_addr.index())
            else {
                continue;
            };
            // Nothing else reaches the old memory: move its contents rather
            // than copy them (issue 14); `rebuild` frees it once the input is
            // through, or moves them back if it fails.
            // A start function that traps fails the new instance, and what it
            // wrote into the new memory goes with it: copy, keep the old.
            if memory.bytes().len() == old_len && only_user && !plan.runs_start() {
                memory.swap_contents(old_memory);
                moved.push((*old_addr, *new_addr));
            } else {
                memory.carry_from(old_memory);
            }
            let keep = old_len.min(memory.bytes().len());
            if plan.typed_at[pos].is_none() && keep == old_len {
                continue;
            }
            let note = memory_note(keep as u64, old_len as u64, &memory.ty, zeros_above);
            let note =
                super::memory_retype::replaced_note(note, &old_memory.ty, &memory.ty, declared);
            notes.push((pos, note));
        }
        // Only `funcref` tables and globals follow redefined functions.
        let funcref = (new.1.iter()).any(|t| {
            self.store
                .table(*t)
                .is_some_and(|t| t.ty.elem == ValType::FuncRef)
        }) || (new.2.iter()).any(|g| {
            self.store
                .global(*g)
                .is_some_and(|g| g.ty.ty == ValType::FuncRef)
        });
        let moved_funcs = match funcref {
            true => self.moved_funcs((old_instance, instance), plan, &old_kinds),
            false => HashMap::new(),
        };
        let new_globals = plan.kinds().get("global");
        let old_globals = old_kinds.get("global");
        for (i, new_addr) in new.2.iter().enumerate() {
            let Some(&pos) = new_globals.get(i) else {
                continue;
            };
            if plan.typed_at[pos].is_some() {
                // Redefined: it starts from its new initializer.
                continue;
            }
            let was = plan.previous.get(pos).copied().flatten();
            let j = was.and_then(|was| old_globals.iter().position(|p| *p == was));
            let Some(old_addr) = j.and_then(|j| old.2.get(j)) else {
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
            if old_global.ty == new_global.ty {
                let global = &mut self.store.data.globals[new_addr.index()];
                global.value = match moved_funcs.get(&old_global.value) {
                    // A `funcref` follows a redefined function, as table slots do.
                    Some(&now) if global.ty.ty == ValType::FuncRef => now,
                    _ => old_global.value,
                };
                global.high = old_global.high;
            }
        }
        let tables = (&old.1[..], &new.1[..]);
        notes.extend(self.carry_tables(tables, plan, &moved_funcs, &old_kinds));
        notes
    }

    /// Where the session's fields of each kind are: found when the fields
    /// were planned, or now.
    fn kinds(&mut self) -> Arc<Kinds> {
        match &self.kinds {
            Some((fields, kinds)) if Arc::ptr_eq(fields, &self.fields) => kinds.clone(),
            _ => {
                let kinds = Arc::new(Kinds::of(&self.fields));
                self.kinds = Some((self.fields.clone(), kinds.clone()));
                kinds
            }
        }
    }

    /// Frees the code of the earlier session-module instances that nothing
    /// can reach any more (issue 14): not the session's, `invoke`'s or a
    /// named module's, not registered, and none of their functions
    /// referenced from a table, global, segment, the stack or a local. One
    /// that a state `:undo` keeps names hibernates instead: its binary is
    /// kept and compiled again if `:undo` goes back to it ([`Session::wake`]).
    /// While named modules or threads exist nothing is freed (they may have
    /// imported from them).
    pub(super) fn retire_stale(&mut self) {
        if !self.named.is_empty() || !self.agents.is_empty() || self.debugger.is_some() {
            return;
        }
        let Ok(empty) = Module::from_binary(b"\0asm\x01\0\0\0") else {
            return;
        };
        let empty = Arc::new(empty);
        let values: Vec<crate::vm::Value> = self
            .stack
            .iter()
            .copied()
            .chain(self.locals.iter().map(|l| l.value))
            .collect();
        let stale = std::mem::take(&mut self.stale);
        for addr in stale {
            let undoable = self.undo.refers_to(addr);
            if self.store.is_hibernating(addr) {
                // Its code is freed already; its binary goes once `:undo` lets go.
                match undoable {
                    true => self.stale.push(addr),
                    false => {
                        let slots = self.store.forget_hibernated(addr);
                        self.reuse_slots(slots, &values);
                    }
                }
                continue;
            }
            let live = self.session.as_ref().is_some_and(|(_, i)| *i == addr)
                || self.current == Some(addr);
            let own = self.store.own_funcs(addr);
            let registered = self.registry.values().flat_map(|e| e.values()).any(|e| {
                let ours = self.store.instance(addr).is_some_and(|i| match e {
                    Extern::Memory(m) => i.memories.contains(m),
                    Extern::Table(t) => i.tables.contains(t),
                    Extern::Global(g) => i.globals.contains(g),
                    Extern::Tag(t) => i.tags.contains(t),
                    Extern::Func(_) => false,
                });
                ours || matches!(e, Extern::Func(f) if own.contains(&f.index()))
            });
            if live || registered || self.store.refers_to_funcs(own, &values) {
                self.stale.push(addr);
            } else if !undoable {
                let slots = self.store.retire_instance(addr, empty.clone());
                self.reuse_slots(slots, &values);
            } else {
                // A state `:undo` keeps names it: keep its binary, not its
                // code (a sandbox's states keep everything as it is).
                if !self.undo.is_sandbox() {
                    self.store.hibernate_instance(addr, empty.clone());
                }
                self.stale.push(addr);
            }
        }
    }

    /// Lets the next session module take the freed function slots `slots`
    /// (issue 14) unless something can still call what was there: a
    /// reference in the store, in `values` (the scratch stack and locals),
    /// or in a state `:undo` may bring back.
    fn reuse_slots(&mut self, slots: std::ops::Range<usize>, values: &[crate::vm::Value]) {
        if !self.store.refers_to_funcs(slots.clone(), values)
            && !self.undo.refers_to_funcs(slots.clone(), self.store.types())
        {
            self.store.give_back(slots);
        }
    }

    /// The module of session instance `addr`, compiled again from its
    /// binary when it hibernates (a state `:undo` brings back).
    pub(super) fn wake(&mut self, addr: InstanceAddr) -> Option<Arc<Module>> {
        if let Some(bytes) = self.store.hibernated_binary(addr) {
            let module = compile(&bytes, None, |_| None).ok()?;
            self.store.wake_instance(addr, module.clone());
            return Some(module);
        }
        self.store.instance(addr).map(|i| i.module.clone())
    }

    /// Whether instance `owner` is all that can reach memory `addr`: no
    /// other instance uses it, no registered name exports it, and no thread
    /// runs (a thread may be running the owner's code).
    fn only_user(&self, owner: InstanceAddr, addr: MemAddr) -> bool {
        let others = self
            .store
            .instances()
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != owner.index())
            .any(|(_, inst)| inst.memories.contains(&addr));
        let registered = self
            .registry
            .values()
            .any(|exports| exports.values().any(|e| *e == Extern::Memory(addr)));
        !others && !registered && self.agents.is_empty()
    }

    /// The function entries (address + 1) of the previous session instance
    /// that the new instance keeps or replaces, mapped to the new entries:
    /// what `funcref` table slots and globals follow.
    fn moved_funcs(
        &self,
        (old, new): (InstanceAddr, InstanceAddr),
        plan: &Plan,
        old_kinds: &Kinds,
    ) -> HashMap<u64, u64> {
        let (Some(old), Some(new)) = (self.store.instance(old), self.store.instance(new)) else {
            return HashMap::new();
        };
        let old_funcs = old_kinds.get("func");
        // Position in the current fields -> field position in the plan, and
        // field position in the plan -> function index.
        let mut now_of = vec![None; self.fields.len()];
        for (pos, was) in plan.previous.iter().enumerate() {
            if let Some(slot) = was.and_then(|was| now_of.get_mut(was)) {
                *slot = Some(pos);
            }
        }
        let mut index_of = vec![None; plan.fields.len()];
        for (k, pos) in plan.kinds().get("func").iter().enumerate() {
            if let Some(slot) = index_of.get_mut(*pos) {
                *slot = Some(k);
            }
        }
        old.funcs
            .iter()
            .enumerate()
            .filter_map(|(k, old_addr)| {
                let was = *old_funcs.get(k)?;
                let now = (*index_of.get((*now_of.get(was)?)?)?)?;
                Some((
                    old_addr.index() as u64 + 1,
                    new.funcs.get(now)?.index() as u64 + 1,
                ))
            })
            .collect()
    }

    /// Copies the previous instance's table contents into the tables that
    /// keep or replace them (a replaced table keeps what its new limits
    /// admit, as a memory does; the input's element segments are written
    /// over them afterwards), `funcref` slots following redefined functions
    /// (`moved`). Returns a note per replaced table, by field position.
    fn carry_tables(
        &mut self,
        (old, new): (&[TableAddr], &[TableAddr]),
        plan: &Plan,
        moved: &HashMap<u64, u64>,
        old_kinds: &Kinds,
    ) -> Vec<(usize, String)> {
        let mut notes = Vec::new();
        let old_tables = old_kinds.get("table");
        let new_tables = plan.kinds().get("table");
        for (i, new_addr) in new.iter().enumerate() {
            let Some(&pos) = new_tables.get(i) else {
                continue;
            };
            if plan.fields[pos].is_import() {
                continue;
            }
            let Some(was) = plan.previous.get(pos).copied().flatten() else {
                continue;
            };
            let Some(j) = old_tables.iter().position(|p| *p == was) else {
                continue;
            };
            let Some(old_addr) = old.get(j) else {
                continue;
            };
            if self.fields[was].is_import() || old_addr == new_addr {
                continue;
            }
            let Some(old_table) = self.store.table(*old_addr).cloned() else {
                continue;
            };
            let table = &mut self.store.data.tables[new_addr.index()];
            if table.ty.elem != old_table.ty.elem {
                if plan.typed_at[pos].is_some() {
                    notes.push((pos, "contents dropped: the element type changed".into()));
                }
                continue;
            }
            let funcref = table.ty.elem == ValType::FuncRef;
            let old_len = old_table.elements.len();
            let missing = old_len.saturating_sub(table.elements.len());
            let room = table.ty.limits.max.map_or(u64::MAX, |m| m) - table.elements.len() as u64;
            if missing > 0 {
                let _ = table.grow(missing.min(room as usize) as u32, NULL_REF);
            }
            for (slot, &entry) in table.elements.iter_mut().zip(&old_table.elements) {
                *slot = match moved.get(&entry) {
                    Some(&now) if funcref => now,
                    _ => entry,
                };
            }
            let kept = old_len.min(table.elements.len());
            if plan.typed_at[pos].is_some() {
                let count = |n: usize| format!("{n} element{}", if n == 1 { "" } else { "s" });
                notes.push((
                    pos,
                    match kept == old_len {
                        true => format!("{} kept", count(kept)),
                        false => format!(
                            "{} of {} kept, the rest dropped: the new maximum is smaller",
                            kept,
                            count(old_len)
                        ),
                    },
                ));
            }
        }
        notes
    }

    /// Writes the active element segments that this input added, over the
    /// carried-over table contents.
    fn apply_new_elems(
        &mut self,
        module: &Module,
        instance: InstanceAddr,
        new_elems: &[usize],
    ) -> Result<(), SessionError> {
        for &index in new_elems {
            let Some(seg) = module.elems.get(index) else {
                continue;
            };
            let SegmentMode::Active {
                index: table,
                offset,
            } = &seg.mode
            else {
                continue;
            };
            let start = self
                .store
                .eval_const_of(instance, offset)
                .map_or(0, |v| v.to_slot() as u32);
            let items: Vec<u64> = seg
                .items
                .iter()
                .filter_map(|item| self.store.eval_const_of(instance, item))
                .map(|v| v.to_slot())
                .collect();
            let addr = self
                .store
                .instance(instance)
                .and_then(|i| i.tables.get(*table as usize).copied());
            if let Some(addr) = addr {
                let table = &mut self.store.data.tables[addr.index()];
                if let Some(range) = table.range(start, items.len() as u32) {
                    table.elements[range].copy_from_slice(&items);
                }
            }
        }
        Ok(())
    }

    /// Writes the active data segments that this input added, over the
    /// carried-over memory contents; returns what it wrote as (memory index,
    /// address, bytes).
    fn apply_new_data(
        &mut self,
        module: &Module,
        instance: InstanceAddr,
        new_data: &[usize],
    ) -> Result<Vec<super::export_js::DataWrite>, SessionError> {
        let mut written = Vec::new();
        for &index in new_data {
            let Some(seg) = module.datas.get(index) else {
                continue;
            };
            let SegmentMode::Active { index: mem, offset } = &seg.mode else {
                continue;
            };
            let start = self
                .store
                .eval_const_of(instance, offset)
                .map_or(0, |v| v.to_slot() as u32 as u64);
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
            written.push((*mem, start, seg.bytes.clone()));
        }
        Ok(written)
    }

    pub(super) fn add_module(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let module = self.compile_module(text)?;
        let instance = self.instantiate(&module)?;
        Ok(vec![self.bind_module(text, &module, instance)])
    }

    /// Assembles and validates a whole `(module ...)` typed at the prompt.
    pub(super) fn compile_module(&mut self, text: &str) -> Result<Arc<Module>, SessionError> {
        let (bytes, spans) = assemble_with_instr_spans(text).map_err(|e| {
            SessionError::new(ErrorKind::Syntax, asm_message(&e, text)).at(
                text,
                e.offset,
                token_len(text, e.offset),
            )
        })?;
        let module = compile(&bytes, None, |body| {
            let instrs = spans.get(body.defined)?;
            let at = match body.fault.instr_index(instrs.len()) {
                Some(i) => *instrs.get(i)?,
                None => *defined_func_offsets(text).get(body.defined)?,
            };
            Some(spot(text, at))
        })?;
        self.keep_module_text(text, &module, spans);
        Ok(module)
    }

    /// Names the instance of the `(module ...)` in `text` (`$m`, or `#N`)
    /// and makes it the current one.
    pub(super) fn bind_module(
        &mut self,
        text: &str,
        module: &Arc<Module>,
        instance: InstanceAddr,
    ) -> Reply {
        let (_, id) = input::field_head(text);
        let name = id.unwrap_or_else(|| format!("#{}", self.named.len() + 1));
        self.named.retain(|(n, _)| *n != name);
        self.named.push((name.clone(), instance));
        self.journal.push(super::export_js::JsEvent::Instantiate {
            name: name.clone(),
            bytes: module.bytes.clone(),
        });
        self.current = Some(instance);
        Reply::Note(format!("instantiated module {name}"))
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

/// The memories at `a` and `b` (different) of `memories`, both writable.
fn two(memories: &mut [Memory], a: usize, b: usize) -> Option<(&mut Memory, &mut Memory)> {
    if a == b || a.max(b) >= memories.len() {
        return None;
    }
    let (low, high) = memories.split_at_mut(a.max(b));
    let (first, second) = (&mut low[a.min(b)], &mut high[0]);
    Some(if a < b {
        (first, second)
    } else {
        (second, first)
    })
}

/// What replacing a memory that held `old` bytes did with its contents, now
/// that `kept` bytes of them fit in the new memory of type `ty` (the rest
/// dropped because they were all zero if `zeros_above`, else because the
/// new maximum is smaller): in pages while both sizes are whole 64 KiB
/// pages, else in bytes.
fn memory_note(
    kept: u64,
    old: u64,
    ty: &crate::vm::types::MemoryType,
    zeros_above: bool,
) -> String {
    let page = ty.page_size();
    let (unit, size) = if page == 65536 && old.is_multiple_of(page) {
        ("page", page)
    } else {
        ("byte", 1)
    };
    let count = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let max = ty.limits.max.map_or_else(String::new, |m| match page {
        65536 => format!(" ({})", count(m, "page")),
        _ => format!(" ({} of {})", count(m, "page"), count(page, "byte")),
    });
    let (kept, old) = (kept / size, old / size);
    match kept {
        k if k == old => format!("{} kept", count(k, unit)),
        k if zeros_above => format!(
            "{k} of {} kept: nothing was written above them",
            count(old, unit)
        ),
        0 => format!(
            "contents dropped: the new maximum{max} is smaller than the old size ({})",
            count(old, unit)
        ),
        k => format!(
            "{k} of {} kept, the rest dropped: the new maximum{max} is smaller",
            count(old, unit)
        ),
    }
}

/// The session module's text from `fields` (imports first, as the text
/// format wants, the rest in typed order), with a map from a place in it to
/// (field position, offset in the field's text).
pub(super) fn module_text(fields: &[Field]) -> (String, impl Fn(usize) -> (usize, usize)) {
    let order = super::fields::module_order(fields);
    let mut text = String::from("(module\n");
    let mut starts = Vec::new();
    for &i in &order {
        starts.push(text.len());
        text.push_str(&fields[i].text);
        text.push('\n');
    }
    text.push(')');
    let place = move |at: usize| {
        let position = starts.partition_point(|s| *s <= at).saturating_sub(1);
        (order[position], at - starts[position])
    };
    (text, place)
}

/// Maps an assembler error in the generated module text back to where the
/// user wrote it: in this input, or in an earlier field's own text.
/// `(field, at)` is the error's place as a field of `plan` and an offset in it.
fn map_asm_error(
    e: &AsmError,
    text: &str,
    plan: &Plan,
    input: &str,
    (field, at): (usize, usize),
) -> SessionError {
    let error = SessionError::new(ErrorKind::Syntax, asm_message(e, text));
    let Some(written) = plan.fields.get(field).filter(|f| at <= f.text.len()) else {
        return error.with_note(Some(format!("in the session module:\n{text}")));
    };
    match plan.typed_at.get(field).copied().flatten() {
        Some(start) => error.at(input, start + at, token_len(input, start + at)),
        None => error
            .at(&written.text, at, token_len(&written.text, at))
            .with_note(Some(format!("in {}, defined earlier", written.label()))),
    }
}

/// Validates and translates a module the workbench assembled (threads
/// proposal validation included), explaining a rejection; one inside a
/// function body is pointed at the spot `locate` finds for it. The code of
/// bodies `earlier` had already is taken from it.
fn compile(
    bytes: &[u8],
    earlier: Option<&Module>,
    locate: impl Fn(&BodyError) -> Option<SourceSpot>,
) -> Result<Arc<Module>, SessionError> {
    let features = crate::vm::module::features_with_threads();
    match earlier {
        Some(earlier) => Module::from_binary_reusing(bytes, features, earlier),
        None => Module::from_binary_with(bytes, features),
    }
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

/// An error in a field defined before this input (a caller of a function
/// the input redefined with another signature) says that nothing ran and
/// what to change; any other error as it is.
fn earlier_field_hint(mut error: SessionError, plan: &Plan) -> SessionError {
    let Some(spot) = &error.spot else {
        return error;
    };
    let earlier = (plan.fields.iter().zip(&plan.typed_at))
        .find(|(f, typed)| typed.is_none() && f.text == spot.text);
    let typed: Vec<String> = (plan.fields.iter().zip(&plan.typed_at))
        .filter(|(_, typed)| typed.is_some())
        .map(|(f, _)| f.label())
        .collect();
    if let (Some((user, _)), false) = (earlier, typed.is_empty()) {
        error.notes.push(format!(
            "hint: nothing changed: the new {} does not fit how {} uses it; redefine {} too, or keep what it uses as it was",
            typed.join(", "),
            user.label(),
            user.label()
        ));
    }
    error
}

/// The validator's "invalid start function type" in plain words, pointed
/// at the `(start ...)` field; any other error as it is.
fn start_type_error(error: SessionError, plan: &Plan, input: &str) -> SessionError {
    if !error.message.ends_with("invalid start function type") {
        return error;
    }
    let Some(&at) = plan.kinds().get("start").first() else {
        return error;
    };
    let field = &plan.fields[at].text;
    let named = field
        .trim_start_matches('(')
        .trim_start()
        .strip_prefix("start")
        .map_or("", |rest| rest.trim().trim_end_matches(')').trim());
    let mut error = SessionError::new(
        ErrorKind::Invalid,
        format!(
            "the start function {named} must take no parameters and return nothing: the module runs it with no arguments and nothing receives its results"
        ),
    )
    .with_note(Some(format!(
        "check the signature of {named}, or name another function in `{}`",
        field.trim()
    )));
    error.spot = field_spot(field, 0, input);
    error
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

#[cfg(test)]
mod tests {
    use crate::session::{Reply, Session};

    fn notes(replies: &[Reply]) -> Vec<String> {
        replies
            .iter()
            .filter_map(|r| match r {
                Reply::Note(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn loading_a_file_again_replaces_and_removes_what_it_loaded() {
        let mut session = Session::new();
        let first = session
            .load_fields("a.wat", "(func $keep) (func $gone) (func)")
            .expect("first load");
        assert_eq!(
            notes(&first),
            ["defined func $keep", "defined func $gone", "defined func"]
        );
        session
            .eval("(func $mine)")
            .expect("a field typed at the prompt");
        let again = session
            .load_fields("a.wat", "(func $keep (nop)) (func (nop))")
            .expect("second load");
        assert_eq!(
            notes(&again),
            [
                "replaced func $keep",
                "replaced func",
                "removed func $gone: a.wat no longer has it"
            ]
        );
        assert_eq!(
            session.field_texts(),
            ["(func $keep (nop))", "(func (nop))", "(func $mine)"]
        );
    }

    #[test]
    fn a_forgotten_field_that_is_still_used_changes_nothing() {
        let mut session = Session::new();
        session
            .eval("(func $f) (func $g (call $f))")
            .expect("two functions");
        let error = session.forget("$f").expect_err("$g calls $f");
        assert!(
            error
                .notes
                .iter()
                .any(|n| n.starts_with("hint: nothing was forgotten"))
        );
        assert_eq!(session.field_texts().len(), 2);
        session.forget("$g").expect("nothing calls $g");
        assert_eq!(session.field_texts(), ["(func $f)"]);
    }

    #[test]
    fn saved_fields_list_imports_first_so_the_module_assembles() {
        let mut session = Session::new();
        session
            .host_command("global env.off i32 8")
            .expect("a host global");
        for field in [
            "(global $g (mut i32) (i32.const 5))",
            "(global $off (import \"env\" \"off\") i32)",
            "(func $f (result i32) (global.get $off))",
        ] {
            session.eval(field).expect(field);
        }
        let texts = session.field_texts();
        assert_eq!(texts[0], "(global $off (import \"env\" \"off\") i32)");
        let module = format!("(module {})", texts.join(" "));
        wat::parse_str(&module).expect("the saved text is a valid module");
    }
}

//! The session's state as data for the commands that show it: locals and
//! globals with change marks, a window of memory, the memories and instances
//! of the store, the session module as WAT.

use super::memory_rows::{DumpRequest, Layout, Lines, lines};
use super::{
    InstanceInfo, MemoryInfo, MemoryUser, MemoryWindow, Session, SessionError, ValueRow, ValueRows,
};
use crate::host::env::HostValue;
use crate::vm::Extern;
use crate::vm::Value;
use crate::vm::lanes::Shape;
use crate::vm::module::ImportKind;
use crate::vm::store::{GlobalAddr, InstanceAddr, MemAddr};

/// How many of a vector global's latest values keep the shape they were
/// written in (the one it holds, and the ones a `changed:` line shows it
/// changed from).
const SHAPES_KEPT: usize = 4;

/// Most non-zero ranges `:memory` lists per memory.
const NONZERO_LISTED: usize = 8;

impl Session {
    /// The scratch locals, or `None` when there are none.
    pub fn locals_rows(&self) -> Option<ValueRows> {
        if self.locals.is_empty() {
            return None;
        }
        let rows = self
            .locals
            .iter()
            .map(|l| ValueRow {
                label: format!("${}", l.name),
                value: l.value,
                changed: self.changed_locals.contains(&l.name),
                imported_from: None,
                shape: None,
            })
            .collect();
        Some(ValueRows {
            title: "locals".into(),
            names: self.func_names(self.locals.iter().map(|l| &l.value)),
            rows,
            shape: None,
        })
    }

    /// The globals of the session module, or `None` before it has an instance.
    pub fn globals_rows(&self) -> Option<ValueRows> {
        self.globals_rows_of(self.session_instance()?.1)
    }

    /// The globals of instance `addr` in aligned columns (name, mutability,
    /// type, value, where imported from), as `:globals` and the stepper's
    /// `info globals` show them.
    pub(super) fn globals_rows_of(&self, addr: InstanceAddr) -> Option<ValueRows> {
        let instance = self.store.instance(addr)?;
        let module = &instance.module;
        let mut imports = module
            .imports
            .iter()
            .filter(|i| matches!(i.kind, ImportKind::Global(_)))
            .map(|i| format!("{}.{}", i.module, i.name));
        let mut rows = Vec::new();
        for (i, g) in instance.globals.iter().enumerate() {
            let imported_from = imports.next();
            let Some(global) = self.store.global(*g) else {
                continue;
            };
            let name = module
                .names
                .globals
                .get(&(i as u32))
                .map_or_else(|| format!("{i}"), |n| format!("${n}"));
            let mutability = if global.ty.mutable { "mut" } else { "const" };
            let shape = self.shape_of_global(*g);
            rows.push(ValueRow {
                label: format!("{name}\t{mutability}"),
                value: global.get(),
                changed: self.changes.globals.contains(g),
                imported_from,
                shape,
            });
        }
        Some(ValueRows {
            title: "globals".into(),
            names: self.func_names(rows.iter().map(|r: &ValueRow| &r.value)),
            rows,
            shape: None,
        })
    }

    /// The lane shape the vector global at `addr` is shown in, everywhere
    /// (`:globals`, `i g`, the pause, `p`, what `global.get` pushes): the
    /// shape of the last write watlab followed (an input's `global.set`, a
    /// stepped one, see also `Session::follow_global_writes`), while it
    /// holds that value, else of the `v128.const` its definition writes,
    /// while it holds that; `None` (shown as `i32x4`) when neither says.
    pub(crate) fn shape_of_global(&self, addr: GlobalAddr) -> Option<Shape> {
        self.shape_of_global_holding(addr, self.store.global(addr)?.get())
    }

    /// [`Session::shape_of_global`] for a value the global held (what a
    /// `changed:` line shows it changed from).
    pub(super) fn shape_of_global_holding(&self, addr: GlobalAddr, value: Value) -> Option<Shape> {
        let Value::V128(bits) = value else {
            return None;
        };
        let name = self.session_global_name(addr)?;
        let written = (self.global_shapes.iter().rev())
            .find(|(n, written, _)| *n == name && *written == bits);
        if let Some((_, _, shape)) = written {
            return Some(*shape);
        }
        let field =
            (self.fields.iter()).find(|f| f.kind == "global" && f.id.as_deref() == Some(&name))?;
        let at = field.text.find("v128.const")?;
        let init = field.text.get(at..)?.split(')').next()?;
        let shape = Shape::of_instruction(init)?;
        let lanes: Vec<&str> = init.split_whitespace().skip(2).collect();
        (shape.parse_lanes(&lanes).ok()? == bits).then_some(shape)
    }

    /// The shape of the vector a `global.get $g` (or `global.get N`) of the
    /// session module reads ([`Session::shape_of_global`]), or a `call $f`
    /// leaves (what `$f` returns at its end), from the instruction's text;
    /// `None` for any other instruction.
    pub(super) fn shape_read_by(&self, text: &str) -> Option<Shape> {
        let mut words = text.split_whitespace();
        let (op, target) = (words.next()?, words.next()?.trim_end_matches(')'));
        match op {
            "global.get" => self.shape_of_global(self.session_global(target)?),
            "call" => {
                let (module, instance) = self.session_instance()?;
                let index = match target.parse::<u32>() {
                    Ok(index) => index,
                    Err(_) => super::func_names::func_index_named(module, target)?,
                };
                let func = *self.store.instance(instance)?.funcs.get(index as usize)?;
                self.result_shape(func, 0)
            }
            _ => None,
        }
    }

    /// How the session module names the global at `addr`: `$g`, or its index.
    fn session_global_name(&self, addr: GlobalAddr) -> Option<String> {
        let (_, instance) = self.session_instance()?;
        let instance = self.store.instance(instance)?;
        let index = instance.globals.iter().position(|g| *g == addr)?;
        Some(
            (instance.module.names.globals.get(&(index as u32)))
                .map_or_else(|| format!("{index}"), |n| format!("${n}")),
        )
    }

    /// Records that the vector global `addr` now holds was made in `shape`
    /// (a `global.set` the stepper ran).
    pub(super) fn note_global_shape(&mut self, addr: GlobalAddr, shape: Shape) {
        if let (Some(name), Some(Value::V128(bits))) = (
            self.session_global_name(addr),
            self.store.global(addr).map(|g| g.get()),
        ) {
            // The last few values of each global keep their shapes.
            self.global_shapes
                .retain(|(n, b, _)| *n != name || *b != bits);
            let kept = self
                .global_shapes
                .iter()
                .filter(|(n, _, _)| *n == name)
                .count();
            if kept >= SHAPES_KEPT
                && let Some(oldest) = self.global_shapes.iter().position(|(n, _, _)| *n == name)
            {
                self.global_shapes.remove(oldest);
            }
            self.global_shapes.push((name, bits, shape));
        }
    }

    /// Records the shape of each vector a fragment's `global.set` wrote
    /// (`sets`: the global as written, `$g` or an index, and the shape).
    pub(super) fn note_global_shapes(&mut self, sets: &[(String, Shape)]) {
        for (global, shape) in sets {
            if let Some(addr) = self.session_global(global) {
                self.note_global_shape(addr, *shape);
            }
        }
    }

    /// The session module's global `global` names: `$g`, or its index.
    fn session_global(&self, global: &str) -> Option<GlobalAddr> {
        let (_, instance) = self.session_instance()?;
        match global.strip_prefix('$') {
            Some(name) => self.global_in(instance, name),
            None => (global.parse::<usize>().ok())
                .and_then(|i| self.store.instance(instance)?.globals.get(i).copied()),
        }
    }

    /// `len` bytes of a memory (see [`Session::memory_named`]) from `start`,
    /// to be shown as rows with the last input's changes marked
    /// ([`Session::memory_lines`] makes them as the front end prints them),
    /// and the regions there.
    ///
    /// # Errors
    /// When there is no such memory.
    pub fn memory_window(
        &self,
        which: Option<&str>,
        start: u64,
        len: u64,
        layout: Layout,
    ) -> Result<MemoryWindow, SessionError> {
        let (addr, label) = self.memory_named(which)?;
        let memory = self
            .store
            .memory(addr)
            .ok_or_else(|| SessionError::usage("that memory no longer exists"))?;
        Ok(MemoryWindow {
            label,
            memory: addr,
            start,
            len,
            shown: len.min((memory.bytes().len() as u64).saturating_sub(start)),
            layout,
            page_size: memory.ty.page_size(),
            address_digits: if memory.ty.memory64 { 16 } else { 8 },
            regions: self.regions_in(addr, memory.bytes(), start, len),
        })
    }

    /// The rows of `window`, made one at a time as they are asked for, so a
    /// 64 MiB view costs no more memory than a 16-byte one (issue 13). A
    /// memory gone since the window was made has no rows.
    pub fn memory_lines(&self, window: &MemoryWindow) -> Lines<'_> {
        let (memory, changed): (&[u8], &[std::ops::Range<u64>]) =
            match self.store.memory(window.memory) {
                Some(memory) => (
                    memory.bytes(),
                    self.changes
                        .memory
                        .get(&window.memory)
                        .map_or(&[], Vec::as_slice),
                ),
                None => (&[], &[]),
            };
        lines(&DumpRequest {
            memory,
            start: window.start,
            len: window.len,
            changed,
            layout: window.layout,
            page_size: window.page_size,
        })
    }

    /// Every memory of the session, once each: those its instances use
    /// (the session module's first), then those the host allocated that no
    /// instance imports; each with every instance that uses it.
    pub fn memories(&self) -> Vec<MemoryInfo> {
        let mut owners: Vec<(String, Option<&str>, InstanceAddr)> = Vec::new();
        if let Some((_, addr)) = self.session_instance() {
            owners.push(("the session module".into(), None, addr));
        }
        owners.extend(
            self.named
                .iter()
                .map(|(n, a)| (format!("module {n}"), Some(n.as_str()), *a)),
        );
        let mut out: Vec<(MemAddr, MemoryInfo)> = Vec::new();
        for (owner, module_name, addr) in &owners {
            let Some(instance) = self.store.instance(*addr) else {
                continue;
            };
            let mut imports = instance
                .module
                .imports
                .iter()
                .filter(|i| matches!(i.kind, ImportKind::Memory(_)));
            for (index, mem) in instance.memories.iter().enumerate() {
                let name = instance.module.names.memories.get(&(index as u32));
                let user = MemoryUser {
                    owner: owner.clone(),
                    index,
                    name: name.map(|n| format!("${n}")),
                    import: imports.next().map(|i| (i.module.clone(), i.name.clone())),
                };
                if let Some((_, info)) = out.iter_mut().find(|(a, _)| a == mem) {
                    // The definer goes first; the session module's name is the one `:mem` takes.
                    let at = if user.import.is_none() {
                        0
                    } else {
                        info.users.len()
                    };
                    info.users.insert(at, user);
                    continue;
                }
                let Some(info) = self.memory_info(*mem) else {
                    continue;
                };
                // How `:mem` reaches it: the session module's name or
                // index, the host's name, or `$m.NAME` of module `$m`.
                let own = user.name.clone().unwrap_or_else(|| index.to_string());
                let (mem_name, label) = match (module_name, &info.host) {
                    (None, _) => (own.clone(), format!("memory {own}")),
                    (Some(_), Some(host)) => (host.clone(), format!("host memory {host}")),
                    (Some(module), None) => (
                        format!("{module}.{own}"),
                        format!("memory {own} of module {module}"),
                    ),
                };
                out.push((
                    *mem,
                    MemoryInfo {
                        mem_name,
                        label,
                        users: vec![user],
                        ..info
                    },
                ));
            }
        }
        for props in self.host.modules.values() {
            for value in props.values() {
                if let HostValue::Object(Extern::Memory(mem)) = value
                    && !out.iter().any(|(a, _)| a == mem)
                    && let Some(info) = self.memory_info(*mem)
                {
                    let host = info.host.clone().unwrap_or_default();
                    out.push((
                        *mem,
                        MemoryInfo {
                            mem_name: host.clone(),
                            label: format!("host memory {host}"),
                            ..info
                        },
                    ));
                }
            }
        }
        out.into_iter().map(|(_, info)| info).collect()
    }

    /// What the memory at `mem` is, without its users or names.
    fn memory_info(&self, mem: MemAddr) -> Option<MemoryInfo> {
        let memory = self.store.memory(mem)?;
        let nonzero = nonzero_ranges(memory.chunks().with_data());
        let more = nonzero.len().saturating_sub(NONZERO_LISTED);
        Some(MemoryInfo {
            mem_name: String::new(),
            label: String::new(),
            pages: memory.pages(),
            page_size: memory.ty.page_size(),
            bytes: memory.bytes().len() as u64,
            maximum: memory.ty.limits.max,
            shared: memory.ty.shared,
            memory64: memory.ty.memory64,
            host: self.host_name_of(mem),
            users: Vec::new(),
            grown: self.changes.grown.get(&mem).copied(),
            nonzero: (nonzero.into_iter().take(NONZERO_LISTED).collect(), more),
        })
    }

    /// Every instance of the session, the session module first.
    pub fn instances(&self) -> Vec<InstanceInfo> {
        let mut list: Vec<(String, InstanceAddr)> = Vec::new();
        if let Some((_, addr)) = self.session_instance() {
            list.push(("session module".into(), addr));
        }
        list.extend(self.named.iter().map(|(n, a)| (format!("module {n}"), *a)));
        // A module whose start function is paused is not instantiated yet:
        // it is not the current instance, and says so.
        let (starting, current) = match self.starting_instance() {
            Some((pending, before)) => (Some(pending), before),
            None => (None, self.current),
        };
        list.into_iter()
            .filter_map(|(name, addr)| {
                let instance = self.store.instance(addr)?;
                let registered = self
                    .registry
                    .iter()
                    .filter(|(_, exports)| {
                        !instance.exports.is_empty()
                            && instance
                                .exports
                                .iter()
                                .all(|(n, e)| exports.get(&**n) == Some(e))
                    })
                    .map(|(n, _)| n.clone())
                    .collect();
                let exports = instance
                    .exports
                    .iter()
                    .map(|(export, ext)| {
                        let ty = self
                            .store
                            .extern_type(*ext)
                            .map_or(String::new(), |t| t.to_string());
                        (export.to_string(), ty)
                    })
                    .collect();
                let imports = instance
                    .module
                    .imports
                    .iter()
                    .map(|i| (i.module.clone(), i.name.clone()))
                    .collect();
                let name = match starting == Some(addr) {
                    true => format!("{name}  (being instantiated: its start function is paused)"),
                    false => name,
                };
                Some(InstanceInfo {
                    name,
                    current: current == Some(addr),
                    registered,
                    exports,
                    imports,
                })
            })
            .collect()
    }

    /// The session module printed as WAT.
    ///
    /// # Errors
    /// When the session module is empty.
    pub fn printed_module(&self) -> Result<String, SessionError> {
        let (module, _) = self
            .session_instance()
            .ok_or_else(|| SessionError::usage("the session module is empty"))?;
        wasmprinter::print_bytes(&module.bytes[..])
            .map_err(|e| SessionError::new(super::ErrorKind::Invalid, e.to_string()))
    }
}

/// Ranges of non-zero bytes in `pieces` (offset, bytes), merging those less
/// than 16 zero bytes apart.
fn nonzero_ranges<'a>(
    pieces: impl Iterator<Item = (usize, &'a [u8])>,
) -> Vec<std::ops::Range<usize>> {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (offset, bytes) in pieces {
        for (i, b) in bytes.iter().enumerate() {
            let i = offset + i;
            if *b != 0 {
                match ranges.last_mut() {
                    Some(r) if r.end + 16 >= i => r.end = i + 1,
                    _ => ranges.push(i..i + 1),
                }
            }
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonzero_ranges_merge_close_bytes() {
        let mut bytes = [0u8; 100];
        bytes[1] = 1;
        bytes[10] = 1;
        bytes[60] = 1;
        let ranges = nonzero_ranges([(0, &bytes[..50]), (50, &bytes[50..])].into_iter());
        assert_eq!(ranges, vec![1..11, 60..61]);
        assert!(nonzero_ranges(std::iter::once((0, &[0u8; 8][..]))).is_empty());
    }

    #[test]
    fn memories_list_each_memory_once_with_all_its_users() {
        let mut session = Session::new();
        session.eval("(memory (export \"m\") 1)").expect("memory");
        session
            .eval("(i32.store8 (i32.const 3) (i32.const 9))")
            .expect("store");
        session.eval("(register \"s\")").expect("register");
        session
            .eval("(module $b (memory (import \"s\" \"m\") 1))")
            .expect("importer");
        let memories = session.memories();
        assert_eq!(memories.len(), 1);
        let users: Vec<(&str, Option<(&str, &str)>)> = memories[0]
            .users
            .iter()
            .map(|u| {
                let import = u.import.as_ref();
                (
                    u.owner.as_str(),
                    import.map(|(m, n)| (m.as_str(), n.as_str())),
                )
            })
            .collect();
        assert_eq!(
            users,
            vec![
                ("the session module", None),
                ("module $b", Some(("s", "m")))
            ]
        );
        assert_eq!(memories[0].mem_name, "0");
        assert_eq!(memories[0].nonzero.0.first(), Some(&(3..4)));
        assert_eq!(memories[0].nonzero.0.len(), 1);
        assert_eq!(memories[0].nonzero.1, 0);
    }

    #[test]
    fn globals_carry_their_import_and_change_marks() {
        let mut session = Session::new();
        session
            .eval("(global $g (mut i32) (i32.const 1))")
            .expect("global");
        session.eval("i32.const 5 global.set $g").expect("set");
        let rows = session.globals_rows().expect("an instance");
        assert_eq!(rows.rows.len(), 1);
        assert_eq!(rows.rows[0].label, "$g\tmut");
        assert!(rows.rows[0].changed);
        assert_eq!(rows.rows[0].imported_from, None);
    }
}

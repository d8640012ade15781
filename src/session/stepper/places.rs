//! The places `p` and `set` name in a paused program, read and written
//! (the top frame's view, as the pause shows it):
//!
//! ```text
//!  $i  0         a local, by name or index (locals shadow globals)
//!  $g            a global of the paused function's module (else the session's)
//!  [0] $stack[0] an operand; [0] is the top of the stack, [1] the one below
//!  i32[0x40]     memory 0 of the paused function's module, read as i8 u8 i16
//!                u16 i32 u32 i64 u64 f32 f64 (little-endian, as loads read)
//! ```
//!
//! An edit is recorded before it is made ([`Session::record_edit`]), so `back`
//! steps back over it as over an instruction.

use super::Debugger;
use super::examine::local_label;
use super::watch::ValueSpot;
use crate::session::state::parse_number;
use crate::session::{Reply, Session, SessionError, ValueRow, ValueRows};
use crate::vm::store::{GlobalAddr, InstanceAddr, MemAddr};
use crate::vm::{FrameView, ValType, Value};

/// What `p` and `set` take, for their errors.
const P_AND_SET: &str = "p and set take $local, a local's index, $global, [N] (operand N from the \
     top of the stack) or TYPE[ADDR] such as i32[0x40] (info locals lists the locals)";

/// What `watch` takes, for its errors about a `$name`.
const WATCH: &str = "watch takes $local or $global (info locals lists the locals), \
     ADDR [LEN] or a region";

/// A memory read or written with a type, as `i32[0x40]` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cell {
    /// The type as typed (`u8`, `f64`).
    name: &'static str,
    /// Bytes read.
    size: u64,
    /// Whether narrower reads extend the sign.
    signed: bool,
    /// The value type the bytes become.
    ty: ValType,
}

/// The cell types `p` and `set` read and write.
const CELLS: &[Cell] = &[
    cell("i8", 1, true, ValType::I32),
    cell("u8", 1, false, ValType::I32),
    cell("i16", 2, true, ValType::I32),
    cell("u16", 2, false, ValType::I32),
    cell("i32", 4, true, ValType::I32),
    cell("u32", 4, false, ValType::I32),
    cell("i64", 8, true, ValType::I64),
    cell("u64", 8, false, ValType::I64),
    cell("f32", 4, false, ValType::F32),
    cell("f64", 8, false, ValType::F64),
];

const fn cell(name: &'static str, size: u64, signed: bool, ty: ValType) -> Cell {
    Cell {
        name,
        size,
        signed,
        ty,
    }
}

/// What a `p` or `set` names.
#[derive(Clone, Debug, PartialEq)]
enum Place {
    /// Local `index` of the top frame.
    Local(usize),
    /// A global, with its name as typed.
    Global(GlobalAddr),
    /// Operand `depth` counted from the top of the top frame's stack.
    Operand(usize),
    /// A typed cell of memory.
    Memory(MemAddr, Cell, u64),
}

impl Session {
    /// `p PLACE`: the value of a local, global, operand or typed memory cell.
    ///
    /// # Errors
    /// A usage error naming what was not understood or does not exist.
    pub fn print_place(&mut self, text: &str) -> Result<Vec<Reply>, SessionError> {
        let (d, top) = self.paused_frame()?;
        let place = self.place(d, &top, text.trim(), P_AND_SET)?;
        let value = self.read_place(&top, &place)?;
        let title = self.describe_place(d, &top, &place, text.trim());
        let shape = match place {
            Place::Operand(depth) => {
                let shapes = self.operand_shapes(&top);
                (shapes.len().checked_sub(depth + 1)).and_then(|i| shapes.get(i).copied().flatten())
            }
            Place::Global(addr) => self.shape_of_global(addr),
            Place::Local(index) => self.local_shape(top.func, index as u32),
            Place::Memory(..) => None,
        };
        Ok(vec![Reply::Rows(ValueRows {
            title,
            shape: None,
            names: self.func_names([&value]),
            rows: vec![ValueRow {
                label: String::new(),
                value,
                changed: false,
                imported_from: None,
                shape,
            }],
        })])
    }

    /// `set PLACE VALUE`: changes a local, a mutable global, an operand or
    /// memory of the paused program; `back` undoes it.
    ///
    /// # Errors
    /// A usage error for an unknown place, a value of the wrong type, an
    /// immutable global or an address out of bounds.
    pub fn set_place(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let usage = || {
            SessionError::usage(
                "usage: set PLACE VALUE, e.g. set $i 5, set $g 7, set [0] 1, set i32[0x40] 9",
            )
        };
        let (target, literal) = args
            .trim()
            .rsplit_once(char::is_whitespace)
            .ok_or_else(usage)?;
        let (target, literal) = (target.trim(), literal.trim());
        let (place, old, title) = {
            let (d, top) = self.paused_frame()?;
            let place = self.place(d, &top, target, P_AND_SET)?;
            let old = self.read_place(&top, &place)?;
            (
                place.clone(),
                old,
                self.describe_place(d, &top, &place, target),
            )
        };
        let selected = self.debugger.as_ref().map_or(0, |d| d.selected);
        if selected > 0 && matches!(place, Place::Local(_) | Place::Operand(_)) {
            return Err(SessionError::usage(format!(
                "set changes locals and operands of frame 0 only, where execution is; frame {selected} is selected: `frame 0` goes back (globals and memory can be set from any frame)"
            )));
        }
        if let Place::Global(addr) = place
            && self.store.global(addr).is_some_and(|g| !g.ty.mutable)
        {
            return Err(SessionError::usage(format!(
                "{title} is immutable: WebAssembly never changes it, so neither does set"
            )));
        }
        let ty = match place {
            Place::Memory(_, cell, _) => cell.ty,
            _ => old.ty(),
        };
        let new = parse_value(ty, literal).ok_or_else(|| {
            SessionError::usage(format!(
                "{literal} is not a valid {ty} value for {title} (write e.g. 5, -1, 0xff or 1.5)"
            ))
        })?;
        self.record_edit(|s| s.write_place(&place, new))?;
        let note = Reply::Note(format!(
            "{title} = {} (was {}); back undoes it",
            self.value_named(new),
            self.value_named(old)
        ));
        // The operand a branch decides by may be what changed.
        Ok([note].into_iter().chain(self.branch_ahead()).collect())
    }

    /// The value `text` names in the top frame now (as `p` reads it).
    pub(super) fn place_value(&self, text: &str) -> Result<Value, SessionError> {
        let (d, top) = self.paused_frame()?;
        let place = self.place(d, &top, text, P_AND_SET)?;
        self.read_place(&top, &place)
    }

    /// What `watch $x` watches: a local of the selected frame (by its place
    /// in the call stack, outermost 0) or a global, and how to name it.
    ///
    /// # Errors
    /// As for `p`; an operand or a memory cell is refused (`watch ADDR` takes memory).
    pub(super) fn value_spot(&self, text: &str) -> Result<(ValueSpot, String), SessionError> {
        let (d, frame) = self.paused_frame()?;
        let place = self.place(d, &frame, text, WATCH)?;
        let label = self.describe_place(d, &frame, &place, text);
        let spot = match place {
            Place::Local(index) => ValueSpot::Local {
                frame: d.execution.frame_views(&self.store).len() - 1 - d.selected,
                func: frame.func,
                index,
            },
            Place::Global(addr) => ValueSpot::Global(addr),
            Place::Operand(_) | Place::Memory(..) => {
                return Err(SessionError::usage(format!(
                    "watch takes a local or a global ($n, $g), or memory as watch ADDR [LEN]; {label} is neither"
                )));
            }
        };
        Ok((spot, label))
    }

    /// What `text` names in the top frame; an error ends with `takes`,
    /// what the command takes.
    fn place(
        &self,
        d: &Debugger,
        top: &FrameView,
        text: &str,
        takes: &str,
    ) -> Result<Place, SessionError> {
        let unknown = |why: String| SessionError::usage(format!("{why}; {takes}"));
        if let Some(inner) = text
            .strip_prefix("$stack[")
            .or_else(|| text.strip_prefix('['))
            .and_then(|t| t.strip_suffix(']'))
        {
            let depth = parse_number(inner.trim())
                .ok_or_else(|| unknown(format!("`{inner}` is not a stack position")))?
                as usize;
            return match top.operands.len() {
                n if depth < n => Ok(Place::Operand(depth)),
                0 => Err(SessionError::usage("the stack is empty")),
                n => Err(SessionError::usage(format!(
                    "the stack holds {n} value{}: [0] to [{}]",
                    if n == 1 { "" } else { "s" },
                    n - 1
                ))),
            };
        }
        if let Some((ty, rest)) = text.split_once('[')
            && let Some(cell) = CELLS.iter().find(|c| c.name == ty.trim())
        {
            let inner = rest.strip_suffix(']').unwrap_or(rest).trim();
            let addr = parse_number(inner)
                .ok_or_else(|| unknown(format!("`{inner}` is not an address")))?;
            let (memory, label) = self.paused_memory()?;
            if self
                .store
                .memory(memory)
                .and_then(|m| m.range(addr, cell.size))
                .is_none()
            {
                return Err(SessionError::usage(format!(
                    "{}[0x{addr:x}] is out of bounds of {label}",
                    cell.name
                )));
            }
            return Ok(Place::Memory(memory, *cell, addr));
        }
        if let Some(name) = text.strip_prefix('$') {
            if let Some(i) = top
                .locals
                .iter()
                .position(|l| l.name.as_deref() == Some(name))
            {
                return Ok(Place::Local(i));
            }
            return self
                .global_named(top, name)
                .map(Place::Global)
                .ok_or_else(|| {
                    let hint = (self.caller_local_hint(name))
                        .or_else(|| {
                            (self.closest_place_name(top, name))
                                .map(|n| format!(" (did you mean ${n}?)"))
                        })
                        .unwrap_or_default();
                    unknown(format!(
                        "{} has no local or global ${name}{hint}",
                        self.frame_name(top.func, d)
                    ))
                });
        }
        match parse_number(text) {
            Some(i) if (i as usize) < top.locals.len() => Ok(Place::Local(i as usize)),
            Some(i) => Err(SessionError::usage(format!(
                "{} has {} locals, so there is no local {i}",
                self.frame_name(top.func, d),
                top.locals.len()
            ))),
            None => Err(unknown(format!("`{text}` is not a place"))),
        }
    }

    /// The global `$name` of the paused function's module, else of the session's.
    fn global_named(&self, top: &FrameView, name: &str) -> Option<GlobalAddr> {
        self.global_in(top.instance, name)
            .or_else(|| self.global_in(self.session_instance()?.1, name))
    }

    /// The global `$name` (without `$`) of instance `addr`.
    pub(in crate::session) fn global_in(
        &self,
        addr: InstanceAddr,
        name: &str,
    ) -> Option<GlobalAddr> {
        let instance = self.store.instance(addr)?;
        let (index, _) = instance
            .module
            .names
            .globals
            .iter()
            .find(|(_, n)| n.as_str() == name)?;
        instance.globals.get(*index as usize).copied()
    }

    /// The name of a local of `top` or a global it can see that is close
    /// to the mistyped `name`, as the assembler's errors find one.
    fn closest_place_name(&self, top: &FrameView, name: &str) -> Option<String> {
        let globals = |addr| {
            self.store
                .instance(addr)
                .map(|i| i.module.names.globals.values().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let session = self.session_instance().map(|(_, i)| i);
        let names: Vec<String> = (top.locals.iter())
            .filter_map(|l| l.name.clone())
            .chain(globals(top.instance))
            .chain(session.map(globals).unwrap_or_default())
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        crate::text::unknown_name::closest(name, &names).map(str::to_string)
    }

    /// "local $i of $fill", "global $g", "[0] (top of the stack)", "u8 at 0x3 of memory 0".
    fn describe_place(&self, d: &Debugger, top: &FrameView, place: &Place, text: &str) -> String {
        let func = self.frame_name(top.func, d);
        match place {
            Place::Local(i) => format!(
                "local {} of {func}",
                local_label(*i, top.locals.get(*i).and_then(|l| l.name.as_deref()))
            ),
            Place::Global(addr) => self.global_title(top, *addr, text),
            Place::Operand(0) => "[0] (the top of the stack)".into(),
            Place::Operand(n) => format!("[{n}] ({n} below the top of the stack)"),
            Place::Memory(_, cell, addr) => format!("{}[0x{addr:x}]", cell.name),
        }
    }

    /// "global $g", or, for a global of the session module read while
    /// paused in another module that has none of that name, whose it is:
    /// "global $g of the session module ($m has no $g)".
    fn global_title(&self, top: &FrameView, addr: GlobalAddr, text: &str) -> String {
        let own = (self.store.instance(top.instance)).is_some_and(|i| i.globals.contains(&addr));
        match self.instance_name(top.instance) {
            Some(module) if !own => {
                format!("global {text} of the session module ({module} has no {text})")
            }
            _ => format!("global {text}"),
        }
    }

    /// The value at `place`.
    fn read_place(&self, top: &FrameView, place: &Place) -> Result<Value, SessionError> {
        let gone = || SessionError::usage("that place no longer exists");
        match place {
            Place::Local(i) => top.locals.get(*i).map(|l| l.value).ok_or_else(gone),
            Place::Operand(depth) => top
                .operands
                .iter()
                .rev()
                .nth(*depth)
                .copied()
                .ok_or_else(gone),
            Place::Global(addr) => self.store.global(*addr).map(|g| g.get()).ok_or_else(gone),
            Place::Memory(memory, cell, addr) => {
                let memory = self.store.memory(*memory).ok_or_else(gone)?;
                let range = memory.range(*addr, cell.size).ok_or_else(gone)?;
                let raw = memory.bytes()[range]
                    .iter()
                    .rev()
                    .fold(0u64, |acc, b| acc << 8 | u64::from(*b));
                Ok(cell_value(*cell, raw))
            }
        }
    }

    /// Writes `value` to `place` in the paused program.
    fn write_place(&mut self, place: &Place, value: Value) -> Result<(), SessionError> {
        let failed = || SessionError::usage("that place cannot be written");
        match place {
            Place::Global(addr) => self
                .store
                .set_global(*addr, value)
                .then_some(())
                .ok_or_else(failed),
            Place::Memory(memory, cell, addr) => {
                let bytes = value.to_slot().to_le_bytes();
                self.store
                    .memory_mut(*memory)
                    .is_some_and(|m| m.write(*addr, &bytes[..cell.size as usize]))
                    .then_some(())
                    .ok_or_else(failed)
            }
            Place::Local(_) | Place::Operand(_) => {
                let (_, top) = self.paused_frame()?;
                let slots = |values: &mut dyn Iterator<Item = Value>| -> usize {
                    values.map(|v| v.ty().slot_count()).sum()
                };
                let locals = || top.locals.iter().map(|l| l.value);
                let at = match place {
                    Place::Local(i) => slots(&mut locals().take(*i)),
                    Place::Operand(depth) => {
                        let below = top.operands.len() - 1 - depth;
                        slots(&mut locals()) + slots(&mut top.operands.iter().copied().take(below))
                    }
                    _ => 0,
                };
                let d = self.debugger.as_mut().ok_or_else(failed)?;
                d.execution
                    .set_frame_value(at, value)
                    .then_some(())
                    .ok_or_else(failed)
            }
        }
    }
}

/// The value a load of `cell` makes of the little-endian `raw` bytes.
fn cell_value(cell: Cell, raw: u64) -> Value {
    let bits = cell.size * 8;
    let extended = if cell.signed && bits < 64 {
        let shift = 64 - bits;
        ((raw << shift) as i64 >> shift) as u64
    } else {
        raw
    };
    Value::read_slots(cell.ty, &[extended])
}

/// A literal of type `ty`: decimal or `0x` hex integers (negative too),
/// decimal floats, `nan` and `inf`.
fn parse_value(ty: ValType, text: &str) -> Option<Value> {
    let int = || -> Option<i128> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let digits = digits.replace('_', "");
        let n = match digits.strip_prefix("0x") {
            Some(hex) => i128::from_str_radix(hex, 16).ok()?,
            None => digits.parse::<i128>().ok()?,
        };
        Some(if negative { -n } else { n })
    };
    let float = || -> Option<f64> {
        match text {
            "nan" => Some(f64::NAN),
            "inf" | "+inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            _ => text.parse::<f64>().ok().or_else(|| int().map(|n| n as f64)),
        }
    };
    match ty {
        ValType::I32 => {
            let n = int().filter(|n| (-(1 << 31)..1 << 32).contains(n))?;
            Some(Value::I32(n as u32 as i32))
        }
        ValType::I64 => {
            let n = int().filter(|n| (-(1 << 63)..1 << 64).contains(n))?;
            Some(Value::I64(n as u64 as i64))
        }
        ValType::F32 => float().map(|f| Value::f32(f as f32)),
        ValType::F64 => float().map(Value::f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paused, session_with};
    use super::parse_value;
    use crate::session::Reply;
    use crate::vm::{ValType, Value};

    const FILL: &str = "(func $fill (param $at i32) (local $i i32)\n  (local.set $i (i32.const 3))\n  (i32.store8 (local.get $at) (local.get $i)))";

    fn printed(replies: &[Reply]) -> (String, Value) {
        match replies {
            [Reply::Rows(rows)] => (rows.title.clone(), rows.rows[0].value),
            other => panic!("not a printed value: {other:?}"),
        }
    }

    #[test]
    fn print_reads_locals_operands_globals_and_memory() {
        let mut session = session_with(&[
            "(memory 1)",
            "(global $g (mut i32) (i32.const 7))",
            FILL,
            "(data (i32.const 0x40) \"\\ff\\01\")",
        ]);
        session.start_stepping("i32.const 8 call $fill").unwrap();
        session.step(6).unwrap();
        let (title, value) = printed(&session.print_place("$at").unwrap());
        assert_eq!(
            (title.as_str(), value),
            ("local $at of $fill", Value::I32(8))
        );
        assert_eq!(printed(&session.print_place("1").unwrap()).1, Value::I32(3));
        assert_eq!(
            printed(&session.print_place("[0]").unwrap()).1,
            Value::I32(3)
        );
        assert_eq!(
            printed(&session.print_place("$stack[1]").unwrap()).1,
            Value::I32(8)
        );
        assert_eq!(
            printed(&session.print_place("$g").unwrap()).1,
            Value::I32(7)
        );
        assert_eq!(
            printed(&session.print_place("u8[0x40]").unwrap()).1,
            Value::I32(255)
        );
        assert_eq!(
            printed(&session.print_place("i8[0x40]").unwrap()).1,
            Value::I32(-1)
        );
        assert_eq!(
            printed(&session.print_place("u16[0x40]").unwrap()).1,
            Value::I32(0x1ff)
        );
        let error = session.print_place("[2]").unwrap_err();
        assert_eq!(error.message, "the stack holds 2 values: [0] to [1]");
        assert!(session.print_place("$nope").is_err());
        assert!(session.print_place("i32[0x10000]").is_err());
    }

    #[test]
    fn set_edits_the_paused_program_and_back_undoes_it() {
        let mut session = session_with(&["(memory 1)", FILL]);
        session.start_stepping("i32.const 8 call $fill").unwrap();
        session.step(6).unwrap();
        session.set_place("$i 5").unwrap();
        session.set_place("[0] 9").unwrap();
        session.set_place("i32[0x40] 0x01020304").unwrap();
        assert_eq!(session.memory0_bytes(0x40, 4), [4, 3, 2, 1]);
        assert_eq!(
            printed(&session.print_place("$i").unwrap()).1,
            Value::I32(5)
        );
        let info = paused(&session.step(1).unwrap()).clone();
        assert_eq!(
            info.step, 10,
            "each edit is recorded as a step, so back undoes it"
        );
        assert_eq!(
            session.memory0_bytes(8, 1),
            [9],
            "the edited operand was stored"
        );
        session.step_back(2).unwrap();
        assert_eq!(session.memory0_bytes(0x40, 4), [0, 0, 0, 0]);
        assert_eq!(
            printed(&session.print_place("[0]").unwrap()).1,
            Value::I32(9)
        );
        session.step_back(1).unwrap();
        assert_eq!(
            printed(&session.print_place("[0]").unwrap()).1,
            Value::I32(3)
        );
        let error = session.set_place("$i 1.5").unwrap_err();
        assert!(
            error.message.starts_with("1.5 is not a valid i32 value"),
            "{}",
            error.message
        );
    }

    #[test]
    fn set_refuses_an_immutable_global() {
        let mut session = session_with(&["(global $k i32 (i32.const 1))", "(func $f)"]);
        session.start_stepping("call $f").unwrap();
        let error = session.set_place("$k 2").unwrap_err();
        assert_eq!(
            error.message,
            "global $k is immutable: WebAssembly never changes it, so neither does set"
        );
    }

    #[test]
    fn literals_follow_the_type() {
        assert_eq!(parse_value(ValType::I32, "-1"), Some(Value::I32(-1)));
        assert_eq!(
            parse_value(ValType::I32, "0xffffffff"),
            Some(Value::I32(-1))
        );
        assert_eq!(parse_value(ValType::I32, "0x100000000"), None);
        assert_eq!(parse_value(ValType::F64, "1.5"), Some(Value::f64(1.5)));
        assert_eq!(parse_value(ValType::F32, "2"), Some(Value::f32(2.0)));
    }
}

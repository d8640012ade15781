//! Looking at a paused program, in gdb's words: `x/NFU ADDR`,
//! `info locals|globals|frame|stack|registers|memory`, and where the
//! program is (the stepper's prompt, `step $fill:7> `). `p` and `set` are
//! in `places`.

use super::Debugger;
use crate::session::state::parse_number;
use crate::session::{Reply, Session, SessionError, ValueRow, ValueRows};
use crate::vm::lanes::Shape;
use crate::vm::store::MemAddr;
use crate::vm::{FrameView, FuncAddr, Value};

/// `x/NFU ADDR`: memory examined as gdb's `x` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Examined {
    /// Which memory (`memory 0`).
    pub memory: String,
    /// The format letter: `x` hex, `d` signed, `u` unsigned, `c` character.
    pub format: char,
    /// Bytes per unit: 1 (b), 2 (h), 4 (w) or 8 (g).
    pub unit: u64,
    /// Address of the first unit.
    pub start: u64,
    /// The units read (little-endian), zero-extended.
    pub units: Vec<u64>,
}

/// Most units one `x` shows.
const MAX_UNITS: u64 = 4096;

impl Session {
    /// Where the paused program is, for the prompt: `$fill:7` (function and
    /// line within its text; `fill.wat:12`, file name and line, for a
    /// function `:load` read from a file, however long its path), `input:1`
    /// in the typed fragment, or `$wave@0x4a` (byte offset) when the
    /// function has no text here.
    pub fn pause_location(&self) -> Option<String> {
        let d = self.debugger.as_ref()?;
        let (func, offset) = d.execution.position(&self.store)?;
        let view = self.store.view_at(func, offset)?;
        let place = self.place_in_text(d, &view, false);
        let short = self.file_of(&view).and_then(|(path, _, _)| {
            let name = std::path::Path::new(&path).file_name()?.to_str()?;
            Some(format!("{name}{}", place.strip_prefix(path.as_str())?))
        });
        Some(short.unwrap_or(place))
    }

    /// `$fill:7`, `input:1` or `$wave@0x4a`: where byte `offset` of `func` is.
    pub(super) fn location_of(
        &self,
        d: &Debugger,
        func: FuncAddr,
        offset: usize,
    ) -> Option<String> {
        let view = self.store.view_at(func, offset)?;
        Some(self.place_in_text(d, &view, false))
    }

    /// `$fill:7` (`$fill:7:12` with the column), `input:1` in the typed
    /// fragment, or `$wave@0x4a` when the function has no text here: where
    /// `view`'s next instruction (a caller's call) is written.
    pub(super) fn place_in_text(&self, d: &Debugger, view: &FrameView, column: bool) -> String {
        self.written_at(d, view, column)
            .unwrap_or_else(|| format!("{}@0x{:x}", self.frame_name(view.func, d), view.offset))
    }

    /// [`Session::place_in_text`] when the instruction has text here.
    pub(super) fn written_at(
        &self,
        d: &Debugger,
        view: &FrameView,
        column: bool,
    ) -> Option<String> {
        let name = if d.is_fragment(view.func) {
            "input".to_string()
        } else if let Some((path, _, _)) = self.file_of(view) {
            path
        } else {
            self.frame_name(view.func, d)
        };
        let spot = self.source_spot(d, view)?;
        let (line, col) = crate::text::assemble::line_col(&spot.text, spot.offset);
        Some(match column {
            true => format!("{name}:{}:{}", line + 1, col + 1),
            false => format!("{name}:{}", line + 1),
        })
    }

    /// `x/NFU ADDR`: `N` units (default 8) of size `U` (b h w g, default b)
    /// from `ADDR`, in format `F` (x d u c, default x).
    ///
    /// # Errors
    /// A usage error for a bad specification or a range out of bounds.
    pub fn examine(&self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let usage = |why: &str| {
            SessionError::usage(format!(
                "{why}; usage: x/NFU ADDR, e.g. x/16xb 0x40 (N units; F: x hex, d signed, \
                 u unsigned, c char; U: b byte, h 2 bytes, w 4, g 8)"
            ))
        };
        let args = args.trim();
        let (spec, addr) = match args.strip_prefix('/') {
            Some(rest) => rest.split_once(char::is_whitespace).unwrap_or((rest, "")),
            None => ("", args),
        };
        let digits = spec.chars().take_while(char::is_ascii_digit).count();
        let count = match &spec[..digits] {
            "" => 8,
            n => n.parse::<u64>().map_err(|_| usage("too many units"))?,
        };
        let (mut format, mut unit) = ('x', 1);
        for letter in spec[digits..].chars() {
            match letter {
                'x' | 'd' | 'u' | 'c' => format = letter,
                'b' => unit = 1,
                'h' => unit = 2,
                'w' => unit = 4,
                'g' => unit = 8,
                other => return Err(usage(&format!("`{other}` is not a format or unit"))),
            }
        }
        if count == 0 || count > MAX_UNITS {
            return Err(usage(&format!("show 1 to {MAX_UNITS} units")));
        }
        let start = parse_number(addr.trim())
            .ok_or_else(|| usage(&format!("`{}` is not an address", addr.trim())))?;
        let (memory, label) = self.paused_memory()?;
        let bytes = self
            .store
            .memory(memory)
            .and_then(|m| Some(&m.bytes()[m.range(start, count * unit)?]))
            .ok_or_else(|| {
                SessionError::usage(format!(
                    "0x{start:x}..0x{:x} is out of bounds of {label}",
                    start + count * unit
                ))
            })?;
        let units = bytes
            .chunks(unit as usize)
            .map(|c| c.iter().rev().fold(0u64, |acc, b| acc << 8 | u64::from(*b)))
            .collect();
        Ok(vec![Reply::Examine(Examined {
            memory: label,
            format,
            unit,
            start,
            units,
        })])
    }

    /// `info locals|globals|frame|stack|memory|registers`.
    ///
    /// # Errors
    /// A usage error for another word.
    pub fn info(&mut self, what: &str) -> Result<Vec<Reply>, SessionError> {
        // The selected frame's block names (a caller's: around its call).
        let names = match self.paused_frame() {
            Ok((_, top)) => self.label_names_at(top.func, top.offset),
            Err(_) => Vec::new(),
        };
        let (shapes, local_shapes) = match self.paused_frame() {
            Ok((_, top)) => (self.operand_shapes(&top), self.local_shapes(&top)),
            Err(_) => Default::default(),
        };
        let (d, top) = self.paused_frame()?;
        let name = self.frame_name(top.func, d);
        let rows = |title: String, rows: Vec<(String, Value, Option<Shape>)>| {
            Reply::Rows(ValueRows {
                title,
                shape: None,
                names: self.func_names(rows.iter().map(|(_, v, _)| v)),
                rows: rows
                    .into_iter()
                    .map(|(label, value, shape)| ValueRow {
                        label,
                        value,
                        changed: false,
                        imported_from: None,
                        shape,
                    })
                    .collect(),
            })
        };
        let locals = || {
            let skip = if d.is_fragment(top.func) {
                d.scratch_params(self.locals.len())
            } else {
                0
            };
            let listed: Vec<(String, Value, Option<Shape>)> = top
                .locals
                .iter()
                .enumerate()
                .skip(skip)
                .map(|(i, l)| {
                    // As the pause marks them; the input's own frame has
                    // scratch values, not parameters.
                    let label = local_label(i, l.name.as_deref());
                    let shape = local_shapes.get(i).copied().flatten();
                    match l.is_param && skip == 0 && !d.is_fragment(top.func) {
                        true => (format!("{label} (param)"), l.value, shape),
                        false => (label, l.value, shape),
                    }
                })
                .collect();
            if listed.is_empty() {
                Reply::Note(format!("{name} has no locals"))
            } else {
                rows(format!("locals of {name}"), listed)
            }
        };
        let stack = || {
            let listed: Vec<(String, Value, Option<Shape>)> = (top.operands.iter().enumerate())
                .rev()
                .enumerate()
                .map(|(depth, (i, v))| (format!("[{depth}]"), *v, shapes.get(i).copied().flatten()))
                .collect();
            if listed.is_empty() {
                Reply::Note(format!("the stack of {name} is empty"))
            } else {
                rows(format!("stack of {name}, top first"), listed)
            }
        };
        Ok(match what.trim() {
            "locals" | "lo" | "l" | "args" => vec![locals()],
            "stack" | "s" => vec![stack()],
            "registers" | "r" | "all-registers" => vec![locals(), stack()],
            // Your input's globals are the session module's, which its
            // fragment imports: shown as the session's, not as imports.
            "globals" | "g" => vec![match if d.is_fragment(top.func) {
                self.globals_rows()
            } else {
                self.globals_rows_of(top.instance)
            } {
                Some(rows) if !rows.rows.is_empty() => Reply::Rows(rows),
                _ => Reply::Note("no globals".into()),
            }],
            "frame" | "f" => {
                let blocks = super::labels::blocks_inside(&top.labels, &names);
                let count =
                    |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
                vec![Reply::Note(format!(
                    "frame {}: {name} at {}, byte 0x{:x}; {}, {}; {}",
                    d.selected,
                    self.place_in_text(d, &top, false),
                    top.offset,
                    count(top.locals.len(), "local"),
                    count(top.operands.len(), "operand"),
                    match blocks.is_empty() {
                        true => "in no block".to_string(),
                        false => format!("inside: {}", blocks.join(" > ")),
                    }
                ))]
            }
            "memory" | "m" | "mem" => vec![Reply::Memories(self.memories())],
            "break" | "breakpoints" | "watch" | "watchpoints" | "b" => self.list_breakpoints()?,
            other => {
                let what = match other {
                    "" => "info what?".to_string(),
                    other => format!("info {other}:"),
                };
                return Err(SessionError::usage(format!(
                    "{what} say info locals, globals, frame, stack, registers, memory or \
                     breakpoints (short: i lo, i g, i f, i s, i r, i m, i b)"
                )));
            }
        })
    }

    /// The debugger and the selected frame (the innermost unless `up`,
    /// `down` or `frame` chose another), or "not paused".
    pub(super) fn paused_frame(&self) -> Result<(&Debugger, FrameView), SessionError> {
        let d = self
            .debugger
            .as_deref()
            .ok_or_else(|| SessionError::usage("not paused: start with :step FRAGMENT"))?;
        let mut views = d.execution.frame_views(&self.store);
        let at = views.len().checked_sub(1 + d.selected);
        let frame = at
            .map(|at| views.swap_remove(at))
            .ok_or_else(|| SessionError::usage("the paused call has no frame to look at"))?;
        Ok((d, frame))
    }

    /// Memory 0 of the paused function's module, else the session's.
    pub(super) fn paused_memory(&self) -> Result<(MemAddr, String), SessionError> {
        let top = self.paused_frame().ok().map(|(_, top)| top);
        let own = top
            .and_then(|t| self.store.instance(t.instance))
            .and_then(|i| i.memories.first().copied());
        match own {
            Some(addr) => Ok((addr, "memory 0".into())),
            None => self.memory_named(None),
        }
    }
}

/// `$name`, or the index when the local has no name.
pub(super) fn local_label(index: usize, name: Option<&str>) -> String {
    name.map_or_else(|| index.to_string(), |n| format!("${n}"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::session_with;
    use super::Examined;
    use crate::session::Reply;

    const FILL: &str = "(func $fill (param $at i32) (local $i i32)\n  (local.set $i (i32.const 3))\n  (i32.store8 (local.get $at) (local.get $i)))";

    #[test]
    fn the_location_names_the_function_and_its_line() {
        let mut session = session_with(&["(memory 1)", FILL]);
        session.start_stepping("i32.const 8 call $fill").unwrap();
        assert_eq!(session.pause_location().as_deref(), Some("input:1"));
        session.step(2).unwrap();
        assert_eq!(session.pause_location().as_deref(), Some("$fill:2"));
    }

    #[test]
    fn a_loaded_file_is_located_by_its_name_not_its_path() {
        let mut session = session_with(&[]);
        let text = "(func $one (result i32)\n  i32.const 1)";
        let dir =
            std::env::temp_dir().join(format!("watlab-{}/some/long/path", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.wat");
        std::fs::write(&path, text).unwrap();
        (session.load_fields(&path.display().to_string(), text)).unwrap();
        session.start_stepping("call $one").unwrap();
        session.step(1).unwrap();
        assert_eq!(session.pause_location().as_deref(), Some("f.wat:2"));
    }

    #[test]
    fn a_typed_module_is_located_at_its_own_lines() {
        let module = "(module $m\n  (func $len (export \"len\") (result i32)\n    i32.const 1))";
        let mut session = session_with(&[module]);
        session.start_stepping("(invoke $m \"len\")").unwrap();
        assert_eq!(session.pause_location().as_deref(), Some("$m.$len:3"));
    }

    #[test]
    fn examine_reads_units_little_endian() {
        let mut session =
            session_with(&["(memory 1)", "(data (i32.const 0x40) \"\\01\\02\\03\\04\")"]);
        session.start_stepping("nop").unwrap();
        let replies = session.examine("/2xh 0x40").unwrap();
        assert_eq!(
            replies,
            [Reply::Examine(Examined {
                memory: "memory 0".into(),
                format: 'x',
                unit: 2,
                start: 0x40,
                units: vec![0x0201, 0x0403],
            })]
        );
        assert!(session.examine("/4q 0").is_err());
        assert!(session.examine("/2xg 0xfffc").is_err());
    }
}

//! The pause as data: where execution stopped, what the last instruction
//! did, the frames with their labels and locals, the globals (with change
//! marks against the previous pause), the call stack, and the output of the
//! `display` commands. `view::pause` renders it.

use super::Debugger;
use crate::session::instr_text::InstrText;
use crate::session::module::token_len;
use crate::session::{Reply, Session, SessionError, SourceSpot};
use crate::text::catalog::{self, Family};
use crate::vm::store::{FuncInst, GlobalAddr};
use crate::vm::{FrameView, FuncAddr, LabelKind, Value};

/// What the last instruction did to the operand stack.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// The instruction, as text.
    pub instruction: String,
    /// Values it took.
    pub popped: Vec<Value>,
    /// Values it left.
    pub pushed: Vec<Value>,
    /// The lane shape of each popped value, then of each pushed one (see
    /// [`Session::operand_shapes`]; `None`: `i32x4` or not a vector).
    pub shapes: (
        Vec<Option<crate::vm::lanes::Shape>>,
        Vec<Option<crate::vm::lanes::Shape>>,
    ),
    /// Instead of stack effects: "entered a call", "returned".
    pub note: Option<String>,
    /// The memory it read or wrote: "wrote 4 bytes at 0x8: 00 00 00 00 -> 2a 00 00 00".
    pub memory: Option<String>,
    /// An exception's way out: "left $inner", ..., "caught by try_table catch $oops in $outer".
    pub unwinding: Vec<String>,
}

/// What the branch about to run will do (the pause screen's `next:` line).
/// A branch to a loop continues with the first instruction of its body; to
/// any other label, after its `end` (spec 4.4.8).
#[derive(Clone, Debug, PartialEq)]
pub struct BranchPreview {
    /// The branch as written, e.g. `br_if $top`.
    pub instruction: String,
    /// Whether it jumps: false for a `br_if` whose condition is 0.
    pub taken: bool,
    /// What decides where it goes.
    pub decided_by: Decision,
    /// The kind of the target label.
    pub kind: LabelKind,
    /// The target label's name as written (`$top`), or its depth (`0`);
    /// none for `return`.
    pub label: Option<String>,
    /// The values it carries to the label.
    pub carried: Vec<Value>,
}

/// What decides a branch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    /// Nothing: `br` and `return` always jump.
    Always,
    /// A `br_if`'s condition (it jumps when not 0).
    Condition(Value),
    /// A `br_table`'s index, and whether it is past the table (the default).
    Index {
        /// The index on the stack.
        index: Value,
        /// Whether the index chose the default label.
        default: bool,
    },
}

/// Everything the pause screen shows.
#[derive(Clone, Debug, PartialEq)]
pub struct PauseInfo {
    /// Instructions executed so far.
    pub step: u64,
    /// The next instruction, as text (`its end` before the typed
    /// fragment's own end, `end (of the function)` before a function's).
    pub next: Option<String>,
    /// What the next instruction will do, when it is a branch.
    pub branch: Option<BranchPreview>,
    /// Frames, outermost first.
    pub frames: Vec<FrameView>,
    /// The lane shape of each operand of the innermost frame (see
    /// [`Session::operand_shapes`]).
    pub shapes: Vec<Option<crate::vm::lanes::Shape>>,
    /// Display names of the frames' functions.
    pub names: Vec<String>,
    /// The user's input with the next instruction marked, when paused in it.
    pub source: Option<SourceSpot>,
    /// The last instruction's effect.
    pub effect: Option<Effect>,
    /// Breakpoint and watchpoint reports.
    pub notes: Vec<String>,
    /// Globals of the session module: name, value, changed since the last
    /// pause, and the lane shape a vector is shown in.
    pub globals: Vec<(String, Value, bool, Option<crate::vm::lanes::Shape>)>,
    /// The lane shape of each of the top frame's locals (see
    /// [`Session::local_shape`]).
    pub local_shapes: Vec<Option<crate::vm::lanes::Shape>>,
    /// Parameters of the outermost frame that carry the scratch stack (not shown as locals).
    pub scratch_params: usize,
    /// Whether the outermost frame is a function the input called
    /// (`(invoke ...)`, a start function) rather than the input's own code.
    pub called_by_input: bool,
    /// Indices of the top frame's locals that changed since the last pause.
    pub changed_locals: Vec<usize>,
    /// Watched ranges too long for a note, before and after the write.
    pub watch_diffs: Vec<super::WatchDiff>,
    /// How the functions that references on the screen point at are named.
    pub func_names: crate::session::FuncNames,
    /// The top frame's label names, outermost (the function) first.
    pub label_names: Vec<Option<String>>,
    /// The trap the next instruction raises, when paused at one.
    pub trap: Option<super::TrapPause>,
}

/// One frame of a backtrace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BacktraceFrame {
    /// The function's display name ("your input" for the fragment).
    pub name: String,
    /// Its parameters now, as `name=value` (`n=3`), in order; `None` for
    /// the typed fragment, which has none.
    pub args: Option<Vec<String>>,
    /// Where its next instruction (a caller's call) is written:
    /// `$fib:4:30` (function, line, column) or `input:1:13`; `None` when
    /// the function has no text here.
    pub at: Option<String>,
    /// The byte offset of its next instruction.
    pub offset: usize,
    /// Whether `up`/`down`/`frame` selected it (what `p` and `info` read).
    pub selected: bool,
}

impl Session {
    /// `bt`: the call stack of the paused input, innermost frame first.
    ///
    /// # Errors
    /// None today; the signature is that of every command.
    pub fn backtrace(&self) -> Result<Vec<Reply>, SessionError> {
        let frames = self.debugger.as_ref().map_or_else(Vec::new, |d| {
            let views = d.execution.frame_views(&self.store);
            (views.iter().rev().enumerate())
                .map(|(depth, view)| self.backtrace_frame(d, view, depth == d.selected))
                .collect()
        });
        Ok(vec![Reply::Backtrace(frames)])
    }

    /// `view` as a backtrace line's data.
    pub(super) fn backtrace_frame(
        &self,
        d: &Debugger,
        view: &FrameView,
        selected: bool,
    ) -> BacktraceFrame {
        let args = (!d.is_fragment(view.func)).then(|| {
            (view.locals.iter().enumerate())
                .filter(|(_, l)| l.is_param)
                .map(|(i, l)| {
                    let name = l.name.clone().unwrap_or_else(|| i.to_string());
                    let shape = match l.value {
                        Value::V128(_) => self.local_shape(view.func, i as u32),
                        _ => None,
                    };
                    format!("{name}={}", self.value_bare_in(l.value, shape))
                })
                .collect()
        });
        BacktraceFrame {
            name: self.frame_name(view.func, d),
            args,
            at: self.written_at(d, view, true),
            offset: view.offset,
            selected,
        }
    }

    /// "your input" for the fragment, else the function's name (its export,
    /// `func "f"`, when it has none; `$m.$f` in named instance `$m`).
    pub(super) fn frame_name(&self, func: FuncAddr, d: &Debugger) -> String {
        let named = |instance: &crate::vm::store::InstanceAddr| {
            self.named.iter().any(|(_, a)| a == instance)
                && self.session_instance().is_none_or(|(_, s)| s != *instance)
        };
        if d.is_fragment(func) {
            "your input".into()
        } else if let Some(FuncInst::Wasm { instance, .. }) = self.store.func(func)
            && named(instance)
        {
            self.func_label(func)
        } else {
            (self.exported_func_label(func)).unwrap_or_else(|| self.store.func_name(func))
        }
    }

    /// Where the branch the top frame runs next goes, as the pause's `next:`
    /// line says, when the next instruction is a branch.
    pub(super) fn branch_ahead(&mut self) -> Option<Reply> {
        let next = self.next_instruction()?;
        let d = self.debugger.as_ref()?;
        let branch = branch_preview(&next, d.execution.frame_views(&self.store).last()?)?;
        let names = self.func_names(&branch.carried);
        Some(Reply::NextBranch(Box::new(branch), names))
    }

    /// The text of the instruction the top frame runs next.
    pub(super) fn next_instruction_text(&mut self) -> Option<String> {
        let text = shown(&self.next_instruction()?);
        Some(self.in_written_shape(&text).unwrap_or(text))
    }

    /// A `v128.const` in the shape the source at the pause writes it in.
    fn in_written_shape(&self, text: &str) -> Option<String> {
        let d = self.debugger.as_ref()?;
        let spot = self.source_spot(d, d.execution.frame_views(&self.store).last()?)?;
        crate::session::instr_text::const_in_written_shape(text, spot.text.get(spot.offset..)?)
    }

    /// The instruction the top frame runs next.
    fn next_instruction(&mut self) -> Option<InstrText> {
        let d = self.debugger.as_mut()?;
        let (func, offset) = d.execution.position(&self.store)?;
        d.texts.get(&self.store, func, offset).cloned()
    }

    /// The instruction at `offset` in `func`'s module, with names and
    /// immediates; a function's closing `end` says so.
    pub(super) fn instruction_text(&mut self, func: FuncAddr, offset: usize) -> Option<String> {
        let d = self.debugger.as_mut()?;
        d.texts.get(&self.store, func, offset).map(shown)
    }

    /// "i32.store in $f": an instruction and the function it is in.
    pub(super) fn instruction_at(&mut self, func: FuncAddr, offset: usize) -> Option<String> {
        let text = self.instruction_text(func, offset)?;
        let d = self.debugger.as_ref()?;
        Some(format!("{text} in {}", self.frame_name(func, d)))
    }

    /// What instruction `instr` did, comparing the frames `before` it with now.
    pub(super) fn effect(&mut self, before: &[FrameView], instr: Option<String>) -> Option<Effect> {
        let d = self.debugger.as_ref()?;
        let after = d.execution.frame_views(&self.store);
        let instr = instr?;
        let name = instr.split_whitespace().next().unwrap_or("");
        let old = &before.last()?.operands;
        // A tail call into wasm code takes over the caller's frame.
        let tail_call = name.starts_with("return_call") && after.len() == before.len();
        if after.len() != before.len() || tail_call {
            let entered = tail_call || after.len() > before.len();
            let note = if tail_call {
                let callee = self.frame_name(after.last()?.func, d);
                format!("replaced the frame: {callee} runs in its place")
            } else if entered {
                "entered a call".into()
            } else {
                "returned".into()
            };
            // A call took its arguments: the callee's parameters.
            let args = match entered {
                true => (after.last()?.locals.iter()).filter(|l| l.is_param).count(),
                false => 0,
            };
            let popped = old[old.len().saturating_sub(args)..].to_vec();
            let shapes = self.popped_shapes(before, popped.len());
            return Some(Effect {
                instruction: instr,
                popped,
                pushed: Vec::new(),
                shapes: (shapes, Vec::new()),
                memory: None,
                note: Some(note),
                unwinding: Vec::new(),
            });
        }
        let new = &after.last()?.operands;
        let (pops, pushes) = match catalog::lookup(name) {
            Some(doc) if doc.family != Family::Control && name != "select" => {
                (doc.params.len(), doc.results.len())
            }
            _ => {
                let common = old.iter().zip(new).take_while(|(a, b)| a == b).count();
                (old.len() - common, new.len() - common)
            }
        };
        let popped = old[old.len().saturating_sub(pops)..].to_vec();
        let pushed = new[new.len().saturating_sub(pushes)..].to_vec();
        let top = after.last()?.clone();
        let mut pushed_shapes = self.operand_shapes(&top);
        pushed_shapes.drain(..pushed_shapes.len().saturating_sub(pushed.len()));
        let shapes = (self.popped_shapes(before, popped.len()), pushed_shapes);
        if let (Some(Value::V128(_)), Some(Some(shape)), Some(site)) =
            (popped.last(), shapes.0.last(), before.last())
        {
            self.note_global_set((site.func, site.offset), *shape);
        }
        Some(Effect {
            instruction: instr,
            popped,
            pushed,
            shapes,
            note: None,
            memory: None,
            unwinding: Vec::new(),
        })
    }

    /// The shapes of the top `count` operands of the innermost of `before`.
    fn popped_shapes(
        &mut self,
        before: &[FrameView],
        count: usize,
    ) -> Vec<Option<crate::vm::lanes::Shape>> {
        let Some(top) = before.last() else {
            return vec![None; count];
        };
        let mut shapes = self.operand_shapes(top);
        shapes.drain(..shapes.len().saturating_sub(count));
        shapes
    }

    /// The pause as a reply, after `effect` and with `notes` (breakpoint and
    /// watchpoint reports); remembers locals and globals for the next
    /// pause's change marks and runs the `display` commands.
    pub(super) fn pause_replies(
        &mut self,
        effect: Option<Effect>,
        notes: Vec<String>,
    ) -> Vec<Reply> {
        if let Some(d) = self.debugger.as_mut() {
            d.selected = 0;
        }
        self.follow_global_writes();
        let next = self.next_instruction();
        let watch_diffs = self
            .debugger
            .as_mut()
            .map(|d| std::mem::take(&mut d.watch_diffs))
            .unwrap_or_default();
        let label_names = self.label_names();
        let trap = self.trap_shown();
        let top_view =
            (self.debugger.as_ref()).and_then(|d| d.execution.frame_views(&self.store).pop());
        let shapes = (top_view.as_ref())
            .map(|v| self.operand_shapes(v))
            .unwrap_or_default();
        let local_shapes = (top_view.as_ref())
            .map(|v| self.local_shapes(v))
            .unwrap_or_default();
        let Some(d) = self.debugger.as_ref() else {
            return Vec::new();
        };
        let views = d.execution.frame_views(&self.store);
        let branch = next
            .as_ref()
            .zip(views.last())
            .and_then(|(next, frame)| branch_preview(next, frame));
        let names: Vec<String> = views.iter().map(|v| self.frame_name(v.func, d)).collect();
        let top = views.last();
        let source = top.and_then(|v| self.source_spot(d, v));
        let entries = self.global_entries(top.map(|v| v.instance));
        let globals: Vec<_> = (entries.iter())
            .map(|(addr, name, value)| {
                let before = d.last_globals.iter().find(|(a, _)| a == addr);
                let changed = before.is_some_and(|(_, old)| old != value);
                (name.clone(), *value, changed, self.shape_of_global(*addr))
            })
            .collect();
        let frame_key = top.map(|v| (views.len(), v.func));
        let locals_now: Vec<Value> = top
            .map(|v| v.locals.iter().map(|l| l.value).collect())
            .unwrap_or_default();
        let changed_locals: Vec<usize> = if frame_key.is_some() && frame_key == d.last_frame {
            locals_now
                .iter()
                .zip(&d.last_locals)
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .map(|(i, _)| i)
                .collect()
        } else {
            Vec::new()
        };
        let globals_now: Vec<(GlobalAddr, Value)> = entries
            .iter()
            .map(|(addr, _, value)| (*addr, *value))
            .collect();
        let func_names = self.func_names(
            views
                .iter()
                .flat_map(|v| v.locals.iter().map(|l| &l.value).chain(&v.operands))
                .chain(globals_now.iter().map(|(_, value)| value))
                .chain(effect.iter().flat_map(|e| e.popped.iter().chain(&e.pushed))),
        );
        let called_by_input = views.first().is_some_and(|v| !d.is_fragment(v.func));
        let info = PauseInfo {
            step: d.steps,
            next: next.as_ref().map(|text| match text.ends_function {
                // The typed fragment's own end: what is left is its results.
                true if top.is_some_and(|v| d.is_fragment(v.func)) => "its end".to_string(),
                _ => {
                    let text = shown(text);
                    self.in_written_shape(&text).unwrap_or(text)
                }
            }),
            branch,
            frames: views,
            shapes,
            local_shapes,
            names,
            source,
            effect,
            notes,
            globals,
            scratch_params: d.scratch_params(self.locals.len()),
            called_by_input,
            changed_locals,
            watch_diffs,
            func_names,
            label_names,
            trap,
        };
        let now = self.snapshot();
        if let Some(d) = self.debugger.as_mut() {
            d.last_frame = frame_key;
            d.last_locals = locals_now;
            d.last_globals = globals_now;
            // The marks `:mem` shows while paused are those of this command.
            let before = std::mem::replace(&mut d.at_last_pause, now);
            self.changes = before
                .map(|b| crate::session::diff(&b, &self.store.data))
                .unwrap_or_default();
        }
        vec![Reply::Pause(Box::new(info))]
    }

    /// The text around the frame's next instruction: the user's input when
    /// paused in it, else the session function's field (the whole file,
    /// when `:load` read the field from one).
    pub(super) fn source_spot(&self, d: &Debugger, view: &FrameView) -> Option<SourceSpot> {
        if d.is_fragment(view.func) {
            let Some(at) = Session::fragment_spot(&d.prepared, &d.code, view.offset) else {
                // The fragment's closing `end`: just past the text typed.
                self.ends_function(view)?;
                let end = d.code.trim_end().len();
                return Some(SourceSpot {
                    text: d.code.clone(),
                    offset: end,
                    len: 1,
                });
            };
            return Some(SourceSpot {
                text: d.code.clone(),
                offset: at,
                len: token_len(&d.code, at),
            });
        }
        self.function_spot(view)
    }

    /// [`Session::source_spot`] in a function of a module (not the input).
    pub(super) fn function_spot(&self, view: &FrameView) -> Option<SourceSpot> {
        if let Some(spot) = self.module_text_spot(view.func, view.offset) {
            return Some(spot);
        }
        let defined = self.defined_index(view)?;
        let spot = self
            .session_source(defined, view.offset)
            .or_else(|| self.closing_paren(defined, view))?;
        // A function loaded from a file is shown in the file, at its lines.
        Some(match self.file_of(view) {
            Some((_, file, start)) => SourceSpot {
                text: file,
                offset: start + spot.offset,
                len: spot.len,
            },
            None => spot,
        })
    }

    /// The index among the session module's defined functions of the
    /// frame's function, when the session defined it.
    fn defined_index(&self, view: &FrameView) -> Option<usize> {
        let (module, instance) = self.session_instance()?;
        if instance != view.instance {
            return None;
        }
        Some(view.index.checked_sub(module.imported_funcs)? as usize)
    }

    /// The file the frame's function was loaded from, as the trap heading
    /// names it, its text and the byte its field starts at.
    pub(super) fn file_of(&self, view: &FrameView) -> Option<(String, String, usize)> {
        let (field, _) = *self.sources.get(self.defined_index(view)?)?.first()?;
        self.fields.get(field)?.in_file()
    }

    /// Before a function's closing `end` (which has no text of its own,
    /// e.g. after a catch lands past the last block): the `)` that closes
    /// the function in its definition.
    fn closing_paren(&self, defined: usize, view: &FrameView) -> Option<SourceSpot> {
        self.ends_function(view)?;
        let (field, _) = *self.sources.get(defined)?.first()?;
        let text = &self.fields.get(field)?.text;
        let at = text.rfind(')')?;
        Some(SourceSpot {
            text: text.clone(),
            offset: at,
            len: 1,
        })
    }

    /// `Some` when the frame's next instruction is its function's closing `end`.
    fn ends_function(&self, view: &FrameView) -> Option<()> {
        let Some(crate::vm::store::FuncInst::Wasm { body, .. }) = self.store.func(view.func) else {
            return None;
        };
        (view.offset + 1 == body.range().end).then_some(())
    }

    /// The globals of instance `of` (else the session module's): address,
    /// name (or index), value. The pause screen shows those of the paused
    /// function's module, as `info globals` does; change marks compare by
    /// address (a fragment and the session module share their globals).
    pub(super) fn global_entries(
        &self,
        of: Option<crate::vm::store::InstanceAddr>,
    ) -> Vec<(GlobalAddr, String, Value)> {
        let Some(addr) = of.or_else(|| self.session_instance().map(|(_, i)| i)) else {
            return Vec::new();
        };
        let Some(instance) = self.store.instance(addr) else {
            return Vec::new();
        };
        let module = &instance.module;
        instance
            .globals
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let global = self.store.global(*g)?;
                let name = module
                    .names
                    .globals
                    .get(&(i as u32))
                    .map_or_else(|| format!("{i}"), |n| format!("${n}"));
                Some((*g, name, global.get()))
            })
            .collect()
    }
}

/// An instruction as the pause screen names it: a function's closing `end` says so.
fn shown(text: &InstrText) -> String {
    if text.ends_function {
        "end (of the function)".to_string()
    } else {
        text.text.clone()
    }
}

/// What `next` will do in `frame`, when it is a branch (`br`, `br_if`,
/// `br_table`, `return`): its target label, whether it jumps, and the values
/// it carries there.
fn branch_preview(next: &InstrText, frame: &FrameView) -> Option<BranchPreview> {
    let mut words = next.text.split_whitespace();
    let op = words.next()?;
    let top = frame.operands.last().copied();
    let (depth, decided_by, label) = match op {
        "return" => (frame.labels.len().checked_sub(1)?, Decision::Always, None),
        "br" => (
            *next.depths.first()? as usize,
            Decision::Always,
            words.next(),
        ),
        "br_if" => {
            let depth = *next.depths.first()? as usize;
            (depth, Decision::Condition(top?), words.next())
        }
        "br_table" => {
            let index = top?;
            let last = next.depths.len().checked_sub(1)?;
            let chosen = (index.to_slot() as u32 as usize).min(last);
            let decided_by = Decision::Index {
                index,
                default: chosen == last,
            };
            (
                *next.depths.get(chosen)? as usize,
                decided_by,
                words.nth(chosen),
            )
        }
        _ => return None,
    };
    let target = frame
        .labels
        .get(frame.labels.len().checked_sub(depth + 1)?)?;
    let taken = match decided_by {
        Decision::Condition(c) => c.to_slot() as u32 != 0,
        _ => true,
    };
    let carried = if taken {
        let end = frame.operands.len() - usize::from(decided_by != Decision::Always);
        frame.operands[end.saturating_sub(target.branch_arity())..end].to_vec()
    } else {
        Vec::new()
    };
    Some(BranchPreview {
        instruction: next.text.clone(),
        taken,
        decided_by,
        kind: target.kind,
        label: label.map(str::to_string),
        carried,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paused, session_with};
    use super::BacktraceFrame;
    use crate::session::Reply;

    const INC: &str =
        "(func $inc (param $n i32) (result i32) (i32.add (local.get $n) (i32.const 1)))";

    #[test]
    fn the_backtrace_lists_frames_innermost_first() {
        let mut session = session_with(&[INC]);
        session.start_stepping("i32.const 5 call $inc").unwrap();
        let inside = session.step(2).unwrap();
        let offsets: Vec<usize> = paused(&inside).frames.iter().map(|f| f.offset).collect();
        let frames = match session.backtrace().unwrap().as_slice() {
            [Reply::Backtrace(frames)] => frames.clone(),
            other => panic!("not a backtrace: {other:?}"),
        };
        assert_eq!(
            frames,
            [
                BacktraceFrame {
                    name: "$inc".into(),
                    args: Some(vec!["n=5".into()]),
                    at: Some("$inc:1:50".into()),
                    offset: offsets[1],
                    selected: true,
                },
                BacktraceFrame {
                    name: "your input".into(),
                    args: None,
                    at: Some("input:1:13".into()),
                    offset: offsets[0],
                    selected: false,
                },
            ]
        );
    }

    #[test]
    fn memory_marks_while_paused_are_those_of_the_last_command() {
        let mut session = session_with(&["(memory 1)", "i32.const 0 i32.const 5 i32.store"]);
        let written = |s: &crate::session::Session| -> Vec<(u64, u64)> {
            let ranges = s.changes().memory.values().flatten();
            ranges.map(|r| (r.start, r.end)).collect()
        };
        assert_eq!(written(&session), [(0, 1)]);
        session
            .start_stepping("i32.const 8 i32.const 7 i32.store8 nop")
            .unwrap();
        assert!(written(&session).is_empty(), "not the input before :step");
        session.step(3).unwrap();
        assert_eq!(written(&session), [(8, 9)]);
        session.step(1).unwrap();
        assert!(written(&session).is_empty(), "nop wrote nothing");
    }

    #[test]
    fn changed_globals_and_locals_are_marked_against_the_last_pause() {
        let mut session = session_with(&[
            "(global $g (mut i32) (i32.const 0))",
            "(func $set (param $x i32) (local.set $x (i32.const 9)) (global.set $g (local.get $x)))",
        ]);
        session.start_stepping("i32.const 1 call $set").unwrap();
        session.step(3).unwrap();
        let replies = session.step(1).unwrap();
        assert_eq!(paused(&replies).changed_locals, [0]);
        let replies = session.step(2).unwrap();
        let info = paused(&replies);
        assert_eq!(info.globals.len(), 1);
        assert!(info.globals[0].2, "global $g changed: {:?}", info.globals);
    }

    #[test]
    fn the_pause_shows_the_globals_of_the_paused_functions_module() {
        let mut session = session_with(&[
            "(global $g (mut i32) (i32.const 9))",
            "(module $gm (global $h (mut i32) (i32.const 3)) (func (export \"f\") (global.set $h (i32.const 4))))",
        ]);
        let names = |replies: &[Reply]| -> Vec<String> {
            paused(replies)
                .globals
                .iter()
                .map(|g| g.0.clone())
                .collect()
        };
        let replies = session.start_stepping("(invoke $gm \"f\")").unwrap();
        assert_eq!(
            names(&replies),
            ["$h"],
            "$gm's global, not the session's $g"
        );
        let replies = session.step(2).unwrap();
        let info = paused(&replies);
        assert_eq!(info.globals[0].1, crate::vm::Value::I32(4));
        assert!(info.globals[0].2, "marked: it changed since the last pause");
    }

    #[test]
    fn a_branch_to_a_named_loop_is_previewed_with_its_label_and_lands_on_the_body() {
        use super::{Decision, LabelKind};
        use crate::vm::Value;
        let mut session = session_with(&[
            "(func $twice (local $n i32) (loop $top (local.set $n (i32.add (local.get $n) (i32.const 1))) (br_if $top (i32.lt_u (local.get $n) (i32.const 2)))))",
        ]);
        session.start_stepping("call $twice").unwrap();
        // call, loop, 4 to set $n, 3 to compare: paused before br_if $top.
        let replies = session.step(9).unwrap();
        let info = paused(&replies);
        let branch = info.branch.clone().expect("a branch preview");
        assert_eq!(branch.instruction, "br_if $top");
        assert_eq!(branch.label.as_deref(), Some("$top"));
        assert_eq!(branch.kind, LabelKind::Loop);
        assert!(branch.taken);
        assert_eq!(branch.decided_by, Decision::Condition(Value::I32(1)));
        let replies = session.step(1).unwrap();
        let info = paused(&replies);
        assert_eq!(
            info.next.as_deref(),
            Some("local.get $n"),
            "the body's first instruction"
        );
        assert_eq!(info.branch, None);
        // The second time round the branch falls through.
        let replies = session.step(7).unwrap();
        let branch = paused(&replies).branch.clone().expect("a branch preview");
        assert!(!branch.taken);
        assert_eq!(branch.decided_by, Decision::Condition(Value::I32(0)));
    }
}

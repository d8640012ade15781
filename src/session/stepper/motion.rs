//! WebAssembly-aware motion: `next-iteration` (to the next pass over the
//! first instruction of the loop paused in), `leave` (out of the innermost
//! block, loop or if) and `next-branch` (to where the next taken branch
//! lands). Each is a stop condition for `run_steps`, so breakpoints,
//! watchpoints and Ctrl-C still pause on the way. A branch to a loop lands
//! on the first instruction of its body: `loop` itself does not run again.

use crate::session::{Reply, Session, SessionError};
use crate::vm::FuncAddr;
use crate::vm::store::FuncInst;
use std::cell::Cell;
use std::collections::hash_map::Entry;
use wasmparser::Operator;

/// A structured instruction of a function body, by byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Construct {
    is_loop: bool,
    /// The `block`, `loop` or `if` instruction.
    start: usize,
    /// The first instruction inside it.
    body: usize,
    /// Its `end`.
    end: usize,
}

impl Construct {
    /// Whether the instruction at `offset` is inside it (its `end` included).
    fn holds(&self, offset: usize) -> bool {
        (self.body..=self.end).contains(&offset)
    }
}

/// The byte offsets of a function's instructions and its constructs.
struct Shape {
    ops: Vec<usize>,
    constructs: Vec<Construct>,
}

impl Shape {
    /// The offset of the instruction after the one at `offset`.
    fn after(&self, offset: usize) -> Option<usize> {
        let i = self.ops.partition_point(|o| *o <= offset);
        self.ops.get(i).copied()
    }

    /// The innermost construct holding `offset` (a loop, when `loops`).
    fn innermost(&self, offset: usize, loops: bool) -> Option<Construct> {
        self.constructs
            .iter()
            .filter(|c| c.holds(offset) && (c.is_loop || !loops))
            .max_by_key(|c| c.start)
            .copied()
    }
}

/// A branch about to run: frame depth, function, offset, and the offset of
/// the instruction after it (where it goes when it does not jump).
type Branch = (usize, FuncAddr, usize, Option<usize>);

/// Whether the opcode byte starts a branch: `br`, `br_if`, `br_table`,
/// `br_on_null`, `br_on_non_null`.
fn is_branch(op: u8) -> bool {
    matches!(op, 0x0c..=0x0e | 0xd5 | 0xd6)
}

impl Session {
    /// `next-iteration`: runs to the next pass over the first instruction
    /// of the innermost loop the paused instruction is in, or out of it.
    ///
    /// # Errors
    /// A usage error outside any loop; the trap that ended the input.
    pub fn next_iteration(&mut self) -> Result<Vec<Reply>, SessionError> {
        let (func, offset) = self.position()?;
        let shape = self.shape(func)?;
        let Some(lp) = shape.innermost(offset, true) else {
            return Err(SessionError::usage(
                "not in a loop: next-iteration runs to the next pass over the first \
                 instruction of the loop the paused instruction is in (leave leaves a block, \
                 finish the function)",
            ));
        };
        let depth = self.depth();
        let name = self.construct_name(func, lp.start);
        let replies = self.run_steps(
            move |s, done| {
                done >= 1
                    && (s.depth() < depth
                        || (s.depth() == depth && {
                            let at = s.current_offset();
                            at == lp.body || !lp.holds(at)
                        }))
            },
            true,
        )?;
        let note = match self.position() {
            Ok((f, at)) if f == func && self.depth() == depth && at == lp.body => {
                format!("next iteration of {name}")
            }
            Ok((_, at)) if self.depth() < depth || !lp.holds(at) => {
                format!("{name} ended: no more iterations")
            }
            _ => return Ok(replies),
        };
        Ok(with_note(replies, note))
    }

    /// `leave`: runs until the innermost block, loop or if around the paused
    /// instruction is left, past its `end` or by a branch out of it (the
    /// function itself, outside any: as `finish`).
    ///
    /// # Errors
    /// The trap that ended the input.
    pub fn leave(&mut self) -> Result<Vec<Reply>, SessionError> {
        let (func, offset) = self.position()?;
        let depth = self.depth();
        let Some(block) = self.shape(func)?.innermost(offset, false) else {
            let replies = self.finish()?;
            return Ok(with_note(replies, "left the function".into()));
        };
        let name = self.construct_name(func, block.start);
        let replies = self.run_steps(
            move |s, _| {
                s.depth() < depth || (s.depth() == depth && !block.holds(s.current_offset()))
            },
            true,
        )?;
        let left = self.position().is_ok_and(|(_, at)| {
            self.depth() < depth || (self.depth() == depth && !block.holds(at))
        });
        Ok(if left {
            with_note(replies, format!("left {name}"))
        } else {
            replies
        })
    }

    /// `next-branch`: runs until a branch is taken (a `br`, a `br_table`, a
    /// `br_if` whose condition is not 0...) and pauses where it lands.
    ///
    /// # Errors
    /// The trap that ended the input.
    pub fn next_branch(&mut self) -> Result<Vec<Reply>, SessionError> {
        let last: Cell<Option<Branch>> = Cell::new(None);
        let taken: Cell<Option<(FuncAddr, usize)>> = Cell::new(None);
        let mut shapes: std::collections::HashMap<FuncAddr, Shape> = Default::default();
        let mut pending = |s: &Session| -> Option<Branch> {
            let (func, offset) = s.position().ok()?;
            if !s.opcode_at(func, offset).is_some_and(is_branch) {
                return None;
            }
            let after = match shapes.entry(func) {
                Entry::Occupied(shape) => shape.get().after(offset),
                Entry::Vacant(slot) => slot.insert(s.shape(func).ok()?).after(offset),
            };
            Some((s.depth(), func, offset, after))
        };
        last.set(pending(self));
        let pending = std::cell::RefCell::new(pending);
        let replies = self.run_steps(
            |s, _| {
                if let Some((depth, func, offset, after)) = last.get() {
                    let now = s.depth();
                    if now < depth || (now == depth && Some(s.current_offset()) != after) {
                        taken.set(Some((func, offset)));
                        return true;
                    }
                }
                last.set((pending.borrow_mut())(s));
                false
            },
            true,
        )?;
        Ok(match taken.get() {
            Some((func, offset)) => {
                let branch = self
                    .instruction_at(func, offset)
                    .unwrap_or_else(|| "a branch".into());
                with_note(replies, format!("{branch} (byte 0x{offset:x}) jumped here"))
            }
            None => replies,
        })
    }

    /// The paused function and the offset of its next instruction.
    fn position(&self) -> Result<(FuncAddr, usize), SessionError> {
        self.debugger
            .as_ref()
            .and_then(|d| d.execution.position(&self.store))
            .ok_or_else(|| SessionError::usage("not paused in a WebAssembly function"))
    }

    /// The first byte of the instruction at `offset` of `func`'s module.
    pub(super) fn opcode_at(&self, func: FuncAddr, offset: usize) -> Option<u8> {
        let Some(FuncInst::Wasm { instance, .. }) = self.store.func(func) else {
            return None;
        };
        self.store
            .instance(*instance)
            .and_then(|i| i.module.bytes.get(offset).copied())
    }

    /// "loop $l" or "block (byte 0x2a)": a construct as the user knows it.
    fn construct_name(&mut self, func: FuncAddr, start: usize) -> String {
        let text = self
            .debugger
            .as_mut()
            .and_then(|d| d.texts.get(&self.store, func, start))
            .map(|t| t.text.clone())
            .unwrap_or_default();
        let mut words = text.split_whitespace();
        match (words.next(), words.next()) {
            (Some(kind), Some(label)) if label.starts_with('$') => format!("{kind} {label}"),
            (Some(kind), _) => format!("the {kind} at byte 0x{start:x}"),
            _ => format!("the construct at byte 0x{start:x}"),
        }
    }

    /// The instructions and constructs of `func`'s body.
    fn shape(&self, func: FuncAddr) -> Result<Shape, SessionError> {
        let unreadable = || SessionError::usage("the paused function's code cannot be read");
        let Some(FuncInst::Wasm { instance, body, .. }) = self.store.func(func) else {
            return Err(unreadable());
        };
        let module = &self
            .store
            .instance(*instance)
            .ok_or_else(unreadable)?
            .module;
        let bytes = module.bytes.get(body.range()).ok_or_else(unreadable)?;
        let reader = wasmparser::BinaryReader::new(bytes, body.start as u64);
        let mut ops = wasmparser::FunctionBody::new(reader)
            .get_operators_reader()
            .map_err(|_| unreadable())?;
        let mut shape = Shape {
            ops: Vec::new(),
            constructs: Vec::new(),
        };
        // Open constructs: index in `constructs`, or None for the function.
        let mut open: Vec<Option<usize>> = vec![None];
        let mut opened: Option<(bool, usize)> = None;
        while !ops.eof() {
            let (op, at) = ops.read_with_offset().map_err(|_| unreadable())?;
            let at = at as usize;
            shape.ops.push(at);
            if let Some((is_loop, start)) = opened.take() {
                open.push(Some(shape.constructs.len()));
                shape.constructs.push(Construct {
                    is_loop,
                    start,
                    body: at,
                    end: at,
                });
            }
            match op {
                Operator::Block { .. } | Operator::If { .. } | Operator::TryTable { .. } => {
                    opened = Some((false, at));
                }
                Operator::Loop { .. } => opened = Some((true, at)),
                Operator::End => {
                    if let Some(Some(i)) = open.pop()
                        && let Some(c) = shape.constructs.get_mut(i)
                    {
                        c.end = at;
                    }
                }
                _ => {}
            }
        }
        Ok(shape)
    }
}

/// `replies` with `note` added to their pause (if they pause).
fn with_note(mut replies: Vec<Reply>, note: String) -> Vec<Reply> {
    if let Some(info) = replies.iter_mut().find_map(|r| match r {
        Reply::Pause(info) => Some(info),
        _ => None,
    }) {
        info.notes.push(note);
    }
    replies
}

#[cfg(test)]
mod tests {
    use super::super::testing::{paused, session_with};

    const COUNT: &str = "(func $count (result i32) (local $i i32) (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 5)))) (local.get $i))";

    #[test]
    fn a_breakpoint_stops_next_iteration_on_the_way() {
        let mut session = session_with(&[COUNT]);
        session.start_stepping("call $count").unwrap();
        session.step(2).unwrap();
        let info = paused(&session.step(7).unwrap()).clone();
        assert!(info.next.as_deref().is_some_and(|n| n.starts_with("br_if")));
        let branch = info.frames[1].offset;
        session.step_back(7).unwrap();
        session.add_breakpoint(&format!("0x{branch:x}")).unwrap();
        let replies = session.next_iteration().unwrap();
        let info = paused(&replies);
        assert_eq!(info.frames[1].offset, branch);
        assert_eq!(info.notes, ["breakpoint 1 hit"]);
    }

    #[test]
    fn next_branch_lands_on_the_loop_body_without_rerunning_loop() {
        let mut session = session_with(&[COUNT]);
        session.start_stepping("call $count").unwrap();
        let body = paused(&session.step(2).unwrap()).frames[1].offset;
        let replies = session.next_branch().unwrap();
        let info = paused(&replies);
        assert_eq!(info.frames[1].offset, body);
        assert!(
            info.notes[0].starts_with("br_if $l in $count"),
            "{:?}",
            info.notes
        );
        assert_eq!(info.frames[1].locals[0].value, crate::vm::Value::I32(1));
    }
}

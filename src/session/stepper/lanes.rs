//! The lane shape each operand is shown in at a pause: the shape of the
//! instruction that made it ([`FrameView::made_by`]), as written in the
//! source when there is one (`v128.const f32x4 ...`), else as the module's
//! own text names it. It depends only on where the frame is, so every way
//! of getting there (`s`, `s N`, `back`, `finish`, `c`) shows the same.

use super::Session;
use crate::vm::lanes::Shape;
use crate::vm::{FrameView, FuncAddr};

impl Session {
    /// The lane shape of each of `view`'s operands (`None`: no instruction
    /// gives it one, shown as `i32x4`).
    pub(super) fn operand_shapes(&mut self, view: &FrameView) -> Vec<Option<Shape>> {
        (view.made_by.iter().enumerate())
            .map(|(slot, at)| at.and_then(|at| self.shape_made_at(view, slot, at)))
            .collect()
    }

    /// The shape of the value the instruction at `site` (a `local.set`,
    /// `global.set`) writes: its operand's, as a pause would show it there.
    pub(super) fn shape_written_at(&mut self, site: Option<(FuncAddr, usize)>) -> Option<Shape> {
        let (func, offset) = site?;
        let made_by = self.store.operands_made_by(func, offset)?;
        let slot = made_by.len().checked_sub(1)?;
        let at = made_by.get(slot).copied().flatten()?;
        let view = self.store.view_at(func, offset)?;
        self.shape_made_at(&view, slot, at)
    }

    /// The shape the instruction at byte `at` of `view`'s function gives
    /// the value it left in operand `slot`.
    fn shape_made_at(&mut self, view: &FrameView, slot: usize, at: usize) -> Option<Shape> {
        let d = self.debugger.as_ref()?;
        if d.is_fragment(view.func) && d.prepared.in_prologue(at) {
            // The scratch stack's value from before the input.
            return self.stack_shapes.get(slot).copied().flatten();
        }
        let there = FrameView::at(view.func, view.instance, view.index, at);
        if let Some(spot) = self.source_spot(d, &there) {
            let written = spot.text.get(spot.offset..).unwrap_or("");
            return Shape::of_instruction(written.trim_start_matches('('));
        }
        let d = self.debugger.as_mut()?;
        let text = d.texts.get(&self.store, view.func, at)?;
        Shape::of_instruction(&text.text)
    }
}

//! The labels around a paused instruction: their names (`block $h`,
//! `loop $again`), read from the instructions that open them, and the words
//! for them that the pause's `inside:` line and `info frame` share.

use crate::session::Session;
use crate::vm::inspect::{LabelKind, LabelView};
use crate::vm::store::FuncInst;
use wasmparser::{BinaryReader, FunctionBody, Operator};

/// The word for a kind of label: `block`, `loop`, `if`, ...
pub fn label_word(kind: LabelKind) -> &'static str {
    match kind {
        LabelKind::Function => "function",
        LabelKind::Block => "block",
        LabelKind::Loop => "loop",
        LabelKind::If => "if",
        LabelKind::Else => "else",
        LabelKind::TryTable => "try_table",
    }
}

/// The blocks an instruction is inside, outermost first, in plain words
/// (`loop $again > if (else)`), given its frame's labels and their
/// [`Session::label_names`]; the function's own label is the frame, left out.
pub fn blocks_inside(labels: &[LabelView], names: &[Option<String>]) -> Vec<String> {
    (labels.iter().enumerate().skip(1))
        .map(|(i, l)| {
            let name = names.get(i).cloned().flatten();
            let arm = match l.kind {
                LabelKind::If => " (then)",
                LabelKind::Else => " (else)",
                _ => "",
            };
            let word = match l.kind {
                LabelKind::Else => "if",
                kind => label_word(kind),
            };
            let name = name.map(|n| format!(" {n}")).unwrap_or_default();
            format!("{word}{name}{arm}")
        })
        .collect()
}

impl Session {
    /// For each label of the top frame, outermost (the function) first: the
    /// name its opening instruction gives it, if any.
    pub(super) fn label_names(&mut self) -> Vec<Option<String>> {
        let Some((func, offset)) = self
            .debugger
            .as_ref()
            .and_then(|d| d.execution.position(&self.store))
        else {
            return Vec::new();
        };
        self.label_names_at(func, offset)
    }

    /// [`Session::label_names`] for the instruction at `offset` of `func`.
    pub(super) fn label_names_at(
        &mut self,
        func: crate::vm::FuncAddr,
        offset: usize,
    ) -> Vec<Option<String>> {
        let starts = self.open_blocks(func, offset);
        std::iter::once(None)
            .chain(starts.into_iter().map(|at| {
                let text = self.instruction_text(func, at)?;
                let name = text.split_whitespace().nth(1)?;
                name.starts_with('$').then(|| name.to_string())
            }))
            .collect()
    }

    /// Byte offsets of the blocks open before `offset` in `func`, outermost first.
    fn open_blocks(&self, func: crate::vm::FuncAddr, offset: usize) -> Vec<usize> {
        let Some(FuncInst::Wasm { body, instance, .. }) = self.store.func(func) else {
            return Vec::new();
        };
        let Some(bytes) = self
            .store
            .instance(*instance)
            .and_then(|i| i.module.bytes.get(body.range()))
        else {
            return Vec::new();
        };
        let reader = FunctionBody::new(BinaryReader::new(bytes, body.start as u64));
        let Ok(mut ops) = reader.get_operators_reader() else {
            return Vec::new();
        };
        let mut open = Vec::new();
        while !ops.eof() {
            let Ok((op, at)) = ops.read_with_offset() else {
                break;
            };
            let at = at as usize;
            if at >= offset {
                break;
            }
            match op {
                Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. } => open.push(at),
                Operator::End => {
                    open.pop();
                }
                _ => {}
            }
        }
        open
    }
}

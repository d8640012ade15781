//! The names of the labels around the paused instruction (`block $h`,
//! `loop $again`), read from the instructions that open them.

use crate::session::Session;
use crate::vm::store::FuncInst;
use wasmparser::{BinaryReader, FunctionBody, Operator};

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
            .and_then(|i| i.module.bytes.get(body.range.clone()))
        else {
            return Vec::new();
        };
        let reader = FunctionBody::new(BinaryReader::new(bytes, body.range.start as u64));
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

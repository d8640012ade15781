//! The text of each whole `(module ...)` typed or pasted at the prompt, kept
//! as the session module's fields are: the stepper lists its lines, its
//! prompt and `bt` name them (`step $m.$len:3> `), and a trap in it points
//! at the line with a caret instead of a byte offset.

use super::{Session, SourceSpot, token_len};
use crate::vm::store::FuncInst;
use crate::vm::{FuncAddr, Module};
use std::sync::{Arc, Weak};

/// A typed module's text and where each of its instructions is written.
pub(super) struct ModuleText {
    /// The module compiled from the text; entries whose module is gone are dropped.
    module: Weak<Module>,
    /// The text as typed, `(module ...)` and all.
    text: Arc<str>,
    /// For each defined function, the text offset of each instruction, in
    /// encoding order (as [`crate::text::assemble::assemble_with_instr_spans`]).
    funcs: Vec<Vec<usize>>,
}

impl Session {
    /// Keeps `text`, from which `module` was compiled, with its
    /// instructions' offsets `funcs`.
    pub(super) fn keep_module_text(
        &mut self,
        text: &str,
        module: &Arc<Module>,
        funcs: Vec<Vec<usize>>,
    ) {
        self.module_texts
            .retain(|kept| kept.module.strong_count() > 0);
        self.module_texts.push(ModuleText {
            module: Arc::downgrade(module),
            text: text.into(),
            funcs,
        });
    }

    /// The typed text of the instruction at byte `offset` of `func`, when
    /// `func` belongs to a module typed at the prompt; its function's
    /// closing `)` for the function's final `end`.
    pub(super) fn module_text_spot(&self, func: FuncAddr, offset: usize) -> Option<SourceSpot> {
        let Some(FuncInst::Wasm { instance, body, .. }) = self.store.func(func) else {
            return None;
        };
        let module = &self.store.instance(*instance)?.module;
        // A live module at that address (a freed one's may be reused).
        let kept = (self.module_texts.iter()).find(|kept| {
            kept.module.strong_count() > 0
                && std::ptr::eq(kept.module.as_ptr(), Arc::as_ptr(module))
        })?;
        let text = &kept.text;
        let (defined, index) = crate::text::body_check::operator_position(&module.bytes, offset)?;
        let at = match kept.funcs.get(defined)?.get(index) {
            Some(at) => *at,
            // The body's last `end`, which has no text of its own.
            None if offset + 1 == body.range().end => {
                let start = *crate::text::assemble::defined_func_offsets(text).get(defined)?;
                crate::text::lex::enclosing_close(text, start)?
            }
            None => return None,
        };
        Some(SourceSpot {
            text: text.to_string(),
            offset: at,
            len: token_len(text, at),
        })
    }
}

//! A module built from the one before it when its binary changed in one
//! place (issue 14: an input costs what its field costs): the session module
//! after an input that added a function or a global or replaced a function
//! (`crate::session::splice`). Only the new or replaced body is translated;
//! nothing is validated again (the caller validated the new field on its
//! own), and every other body's code is taken over. Debug builds compare the
//! result with a whole build of the same binary.

use super::{Builder, FuncBody, Module, context_kept, reads_declarations};
use wasmparser::{BinaryReader, Chunk, CodeSectionReader, Parser, Payload};

/// The one place where a spliced binary differs from the earlier module's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A function appended after the others.
    AddFunc,
    /// Defined function `n` (counted after the imported ones) replaced by
    /// one of the same type.
    ReplaceFunc(usize),
    /// A global appended after the others.
    AddGlobal,
}

impl Module {
    /// The module of `bytes`, which is `earlier`'s binary with `change`
    /// made, whose new field the caller has validated on its own. `None`
    /// when the rest cannot simply carry over (another type for a replaced
    /// function, a new body that reads segments or declarations, ...): the
    /// caller then builds it whole.
    pub fn spliced(earlier: &Module, bytes: &[u8], change: Change) -> Option<Module> {
        let mut builder = Builder::new(bytes);
        builder.earlier = Some(earlier);
        builder.module.features = earlier.features;
        let code = builder.sections_but_code()?;
        let m = &builder.module;
        let (old, new) = (earlier.func_types.len(), m.func_types.len());
        let fresh = match change {
            Change::AddFunc if new == old + 1 => new - 1 - m.imported_funcs as usize,
            Change::ReplaceFunc(n) if new == old => n,
            Change::AddGlobal if new == old && m.globals.len() == earlier.globals.len() + 1 => {
                usize::MAX
            }
            _ => return None,
        };
        if !context_kept(earlier, m) {
            return None;
        }
        let reader = CodeSectionReader::new(BinaryReader::new(
            bytes.get(code.clone())?,
            code.start as u64,
        ))
        .ok()?;
        if reader.count() as usize + m.imported_funcs as usize != new {
            return None;
        }
        for (i, body) in reader.into_iter().enumerate() {
            let body = body.ok()?;
            if i == fresh {
                if reads_declarations(&body) {
                    return None;
                }
                builder.body(&body, None).ok()?;
                continue;
            }
            let old = earlier.bodies.get(i)?;
            let range = body.range();
            let range = range.start as usize..range.end as usize;
            if earlier.bytes.get(old.range()) != bytes.get(range.clone()) {
                return None;
            }
            builder.module.bodies.push(FuncBody {
                start: range.start,
                code: old.code.clone(),
            });
        }
        let module = builder.module;
        #[cfg(debug_assertions)]
        check_against_whole(&module);
        Some(module)
    }
}

impl Builder<'_> {
    /// Reads every section but the code section's entries; gives the code
    /// section's content range (empty when there is none).
    fn sections_but_code(&mut self) -> Option<std::ops::Range<usize>> {
        let mut parser = Parser::new(0);
        let mut at = 0;
        let mut code = 0..0;
        loop {
            let Chunk::Parsed { consumed, payload } =
                parser.parse(self.bytes.get(at..)?, true).ok()?
            else {
                return None;
            };
            at += consumed;
            match payload {
                Payload::CodeSectionStart {
                    unchecked_range: range,
                    size,
                    ..
                } => {
                    code = range.start as usize..range.end as usize;
                    parser.skip_section();
                    at += size as usize;
                }
                Payload::End(_) => return Some(code),
                Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => return None,
                payload => self.section(payload).ok()?,
            }
        }
    }
}

/// Debug builds: `module` is what building its binary whole gives.
#[cfg(debug_assertions)]
fn check_against_whole(module: &Module) {
    let whole = Module::from_binary_with(&module.bytes, module.features)
        .unwrap_or_else(|e| panic!("a spliced module does not validate whole: {e}"));
    let code = |m: &Module| -> Vec<_> {
        (m.bodies.iter())
            .map(|b| {
                let (run, step) = (&b.run, &b.step);
                let code = (run.code.clone(), run.offsets.clone(), step.code.clone());
                (
                    b.range(),
                    b.type_index,
                    b.locals.clone(),
                    code,
                    step.offsets.clone(),
                )
            })
            .collect()
    };
    assert_eq!(code(module), code(&whole), "spliced bodies differ");
    assert_eq!(module.func_types, whole.func_types);
    assert_eq!(module.exports, whole.exports);
    assert_eq!(module.globals, whole.globals);
    assert_eq!(module.datas, whole.datas);
    assert_eq!(module.names.funcs, whole.names.funcs);
}

#[cfg(test)]
mod tests {
    use super::Change;
    use crate::vm::module::{Module, features};
    use std::sync::Arc;

    fn module(text: &str) -> Module {
        let bytes = wat::parse_str(text).expect("assembles");
        Module::from_binary_with(&bytes, features()).expect("valid")
    }

    fn spliced(earlier: &Module, text: &str, change: Change) -> Option<Module> {
        let bytes = wat::parse_str(text).expect("assembles");
        Module::spliced(earlier, &bytes, change)
    }

    const TWO: &str = "(module
        (func $a (export \"a\") (result i32) i32.const 1)
        (func $b (param i32) (result i32) (block (result i32) local.get 0)))";

    #[test]
    fn unchanged_bodies_are_taken_over_and_only_the_new_one_is_built() {
        let earlier = module(TWO);
        // A function appended: every body moves, none is built again.
        let three = "(module
            (func $a (export \"a\") (result i32) i32.const 1)
            (func $b (param i32) (result i32) (block (result i32) local.get 0))
            (func $c (export \"c\") (result i32) call $a))";
        let added = spliced(&earlier, three, Change::AddFunc).expect("spliced");
        let whole = module(three);
        assert_eq!(added.bodies.len(), 3);
        for (got, want) in added.bodies.iter().zip(&whole.bodies) {
            assert_eq!(got.range(), want.range());
            assert_eq!(got.step.offsets, want.step.offsets);
            assert_eq!(got.run.code, want.run.code);
        }
        assert_eq!(added.exports, whole.exports);
        // The export names the earlier module had are shared, not copied.
        assert!(Arc::ptr_eq(
            &added.exports[0].name,
            &earlier.exports[0].name
        ));
        // The last body replaced: the one before it stays where it was.
        let replaced = "(module
            (func $a (export \"a\") (result i32) i32.const 1)
            (func $b (param i32) (result i32) local.get 0 i32.const 2 i32.add))";
        let module = spliced(&earlier, replaced, Change::ReplaceFunc(1)).expect("spliced");
        assert!(Arc::ptr_eq(&module.bodies[0].code, &earlier.bodies[0].code));
        assert!(!Arc::ptr_eq(
            &module.bodies[1].code,
            &earlier.bodies[1].code
        ));
        assert_eq!(
            module.bodies[1].run.code,
            self::module(replaced).bodies[1].run.code
        );
        // A global appended.
        let global = "(module
            (func $a (export \"a\") (result i32) i32.const 1)
            (func $b (param i32) (result i32) (block (result i32) local.get 0))
            (global $g i32 (i32.const 7)))";
        let module = spliced(&earlier, global, Change::AddGlobal).expect("spliced");
        assert_eq!(module.globals, self::module(global).globals);
    }

    #[test]
    fn a_body_whose_callee_index_moved_is_not_taken_over() {
        let earlier =
            module("(module (func $f (result i32) i32.const 1) (func $g (result i32) call 0))");
        // $g's bytes are the same, but `call 0` now names an import.
        let moved = |result: &str| {
            format!(
                "(module (import \"m\" \"h\" (func (result {result})))
                    (func $f (result i32) i32.const 1) (func $g (result i32) call 0))"
            )
        };
        let (fits, misfits) = (moved("i32"), moved("i64"));
        assert!(spliced(&earlier, &fits, Change::AddFunc).is_none());
        let reusing = |text: &str| {
            let bytes = wat::parse_str(text).expect("assembles");
            Module::from_binary_reusing(&bytes, features(), &earlier)
        };
        let rebuilt = reusing(&fits).expect("valid");
        assert!(!Arc::ptr_eq(
            &rebuilt.bodies[1].code,
            &earlier.bodies[1].code
        ));
        assert_eq!(
            rebuilt.bodies[1].step.offsets,
            module(&fits).bodies[1].step.offsets
        );
        // Checked again: the import returns an i64 where $g returns an i32.
        let error = reusing(&misfits).expect_err("invalid");
        assert!(error.message.contains("type mismatch"), "{}", error.message);
    }

    #[test]
    fn what_cannot_simply_carry_over_is_built_whole() {
        let earlier = module(TWO);
        // Another type for the replaced function: its callers may not fit.
        let retyped = "(module
            (func $a (export \"a\") (result i64) i64.const 1)
            (func $b (param i32) (result i32) (block (result i32) local.get 0)))";
        assert!(spliced(&earlier, retyped, Change::ReplaceFunc(0)).is_none());
        // A new body with a function reference: declarations matter.
        let reference = "(module
            (func $a (export \"a\") (result i32) i32.const 1)
            (func $b (param i32) (result i32) (block (result i32) local.get 0))
            (func $c (result funcref) ref.func $a))";
        assert!(spliced(&earlier, reference, Change::AddFunc).is_none());
        // Not the change it claims to be.
        assert!(spliced(&earlier, TWO, Change::AddFunc).is_none());
        assert!(spliced(&earlier, TWO, Change::AddGlobal).is_none());
    }
}

//! The declared types of scratch locals: `(local $p (ref null $point))`
//! keeps `(ref null $point)` across inputs, so the next input can
//! `local.get $p` and read its fields (issue 12). A type is kept with the
//! store's canonical ids and written back with the session module's names
//! each time a fragment is built.

use super::{Session, SessionError};
use crate::vm::{Module, ValType};

/// What a scratch local's type may be, for the error that refuses one.
const TYPES: &str = "i32, i64, f32, f64, v128, a nullable reference type (funcref, externref, anyref, eqref, i31ref, structref, arrayref, exnref) or (ref null $t) of a type you defined";

impl Session {
    /// The type `text` of a scratch local (`i32`, `anyref`, `(ref null
    /// $point)`), with the store's canonical ids.
    ///
    /// # Errors
    /// A usage error for an unknown or non-nullable type: a scratch local
    /// starts as the default value of its type, and `(ref $t)` has none.
    pub(super) fn scratch_local_type(&mut self, text: &str) -> Result<ValType, SessionError> {
        if let Some(ty) = ValType::from_name(text) {
            return Ok(ty);
        }
        let types: String = self
            .fields
            .iter()
            .filter(|f| f.keyword == "type")
            .map(|f| format!("{}\n", f.text))
            .collect();
        let probe = format!("(module {types}(func (param {text})))");
        let unknown = |why: &str| SessionError::usage(format!("unknown type {text}: {why}"));
        let module = Module::from_wat(&probe).map_err(|e| {
            if !text.starts_with('(') {
                return unknown(&format!("a scratch local's type is {TYPES}"));
            }
            let first = e.lines().next().unwrap_or_default();
            let mut error = unknown(first.strip_prefix("unknown type: ").unwrap_or(first));
            error
                .notes
                .push(format!("a scratch local's type is {TYPES}"));
            error
        })?;
        let Some(ty) = module
            .func_types
            .last()
            .and_then(|t| module.types.get(*t as usize))
            .and_then(|f| f.params.first().copied())
        else {
            return Err(unknown("not a value type"));
        };
        if ty.ref_type().is_some_and(|r| !r.nullable) {
            let mut error = SessionError::usage(format!(
                "a scratch local cannot be of type {text}: it starts as its type's default value, and a non-nullable reference has none"
            ));
            error.notes.push(format!(
                "declare it nullable instead: {}",
                text.replacen("(ref ", "(ref null ", 1)
            ));
            return Err(error);
        }
        let ids = self.store.canonical_type_ids(&module);
        Ok(ty.map_index(|i| ids.get(i as usize).copied().unwrap_or(i)))
    }

    /// A scratch local's type as a fragment module writes it: a defined
    /// type by the session module's name or index, or, when the session
    /// module no longer defines it, the top of its hierarchy (`anyref`,
    /// `funcref`), which then asks for a cast to read it.
    pub(super) fn local_type_text(&self, ty: ValType) -> String {
        self.fragment_type(ty).unwrap_or_else(|| {
            let heap = ty.ref_type().map(|r| self.store.types().top(r.heap));
            heap.map_or_else(
                || ty.to_string(),
                |h| ValType::reference(true, h).to_string(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::session::Session;

    #[test]
    fn a_scratch_local_keeps_its_declared_reference_type_across_inputs() {
        let mut session = Session::new();
        for input in [
            "(type $point (struct (field $x i32) (field $y i32)))",
            "(local $p (ref null $point))",
            "i32.const 7 i32.const 2 struct.new $point local.set $p",
        ] {
            session.eval(input).map_err(|e| e.message).expect(input);
        }
        session
            .eval("local.get $p struct.get $point $x")
            .map_err(|e| e.message)
            .expect("the local is still a (ref null $point)");
        assert_eq!(session.stack()[0].to_string(), "i32:7");
        let error = session
            .eval("(local $q (ref $point))")
            .expect_err("no default value");
        assert!(error.message.contains("non-nullable"), "{}", error.message);
        let error = session
            .eval("(local $q (ref null $nope))")
            .expect_err("unknown type");
        assert!(
            error.message.starts_with("unknown type (ref null $nope)"),
            "{}",
            error.message
        );
    }
}

//! Where the fields of each kind are among the session module's fields, in
//! one pass (issue 14: an input does not look through every field once per
//! kind it carries over).

use super::fields::Field;

/// The positions of the fields of each kind, in index order: imports first,
/// as in the assembled module, then the rest in typed order.
pub(super) struct Kinds(Vec<(String, Vec<usize>)>);

impl Kinds {
    /// The kinds of `fields`.
    pub(super) fn of(fields: &[Field]) -> Kinds {
        let mut lists: Vec<(String, Vec<usize>)> = Vec::new();
        for import in [true, false] {
            let mut last = 0;
            for (i, field) in fields.iter().enumerate() {
                if field.is_import() != import {
                    continue;
                }
                // Fields of one kind tend to follow each other.
                if lists.get(last).is_none_or(|(kind, _)| *kind != field.kind) {
                    last = match lists.iter().position(|(kind, _)| *kind == field.kind) {
                        Some(at) => at,
                        None => {
                            lists.push((field.kind.clone(), Vec::new()));
                            lists.len() - 1
                        }
                    };
                }
                lists[last].1.push(i);
            }
        }
        Kinds(lists)
    }

    /// The positions of the fields of `kind`, in index order.
    pub(super) fn get(&self, kind: &str) -> &[usize] {
        (self.0.iter())
            .find(|(k, _)| k == kind)
            .map_or(&[], |(_, list)| list)
    }
}

#[cfg(test)]
mod tests {
    use super::Kinds;
    use crate::session::fields::Field;

    #[test]
    fn imports_come_first_then_the_rest_in_order() {
        let fields: Vec<Field> = [
            "(func $a)",
            "(memory 1)",
            "(import \"m\" \"f\" (func $i))",
            "(func $b)",
            "(func $c (import \"m\" \"g\"))",
            "(global $g i32 (i32.const 0))",
        ]
        .iter()
        .map(|t| Field::new(t, None))
        .collect();
        let kinds = Kinds::of(&fields);
        assert_eq!(kinds.get("func"), [2, 4, 0, 3]);
        assert_eq!(kinds.get("memory"), [1]);
        assert_eq!(kinds.get("global"), [5]);
        assert_eq!(kinds.get("table"), [] as [usize; 0]);
    }
}

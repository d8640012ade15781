//! The fields of the session module and the rule that decides which earlier
//! field a new one replaces (issue 10, item 4: redefinition that follows
//! intent).
//!
//! A learner fixes a definition by typing it again, so a new field replaces:
//!
//! ```text
//!   (func $f ...)             the earlier field of the same kind named $f
//!   (func (export "sq") ...)  (unnamed) the earlier field of the same kind exporting "sq"
//!   (memory 1), (table ...)   (unnamed) the earlier unnamed memory or table
//!   (import "m" "n" (func))   (unnamed) the earlier unnamed import of m.n of the same kind
//!   (start ...)               the earlier start field
//! ```
//!
//! and, when `:load` reads a file again, an unnamed field the file loaded
//! last time that nothing above matched is replaced by the next new unnamed
//! field of its kind.
//! What is left over is a real conflict: [`clash`] explains it with the fix.

use super::{ErrorKind, SessionError};
use crate::text::lex::{TokenKind, tokens};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One field of the session module, shared: the states `:undo` keeps hold
/// the same fields, not copies (issue 14: 1,000 definitions one at a time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field(Arc<FieldData>);

/// What a [`Field`] is made of.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldData {
    /// The keyword it starts with: `func`, `memory`, `import`, ...
    pub keyword: String,
    /// What it defines: the keyword, or for `(import ...)` the kind of its
    /// descriptor (`func`, `memory`, ...).
    pub kind: String,
    /// `$id`, when it has one (for `(import ...)`, the descriptor's).
    pub id: Option<String>,
    /// The names it exports, inline or as an `(export ...)` field.
    pub exports: Vec<String>,
    /// `(module, name)` when it imports something.
    pub import: Option<(String, String)>,
    /// The file `:load` read it from, when it came from one.
    pub origin: Option<String>,
    /// The field's text as typed.
    pub text: String,
}

impl std::ops::Deref for Field {
    type Target = FieldData;

    fn deref(&self) -> &FieldData {
        &self.0
    }
}

impl Field {
    /// The field written as `text`, from file `origin` when `:load` read it.
    pub fn new(text: &str, origin: Option<&str>) -> Field {
        let (top, children) = words(text);
        let keyword = top.first().cloned().unwrap_or_default();
        let named = |w: Option<&String>| w.filter(|w| w.starts_with('$')).cloned();
        let mut field = FieldData {
            kind: keyword.clone(),
            id: named(top.get(1)),
            exports: Vec::new(),
            import: None,
            origin: origin.map(str::to_string),
            text: text.to_string(),
            keyword,
        };
        if field.keyword == "start" {
            // `(start $f)` names the function it calls, not itself.
            field.id = None;
        } else if field.keyword == "import" {
            if let [module, name, ..] = &top[1..] {
                field.import = Some((unquote(module), unquote(name)));
            }
            if let Some(descriptor) = children.first() {
                field.kind = descriptor.first().cloned().unwrap_or_default();
                field.id = named(descriptor.get(1));
            }
        } else if field.keyword == "export" {
            field.exports.extend(top.get(1).map(|n| unquote(n)));
        }
        for child in &children {
            match child.as_slice() {
                [export, name, ..] if export == "export" => field.exports.push(unquote(name)),
                [import, module, name, ..] if import == "import" => {
                    field.import = Some((unquote(module), unquote(name)));
                }
                _ => {}
            }
        }
        Field(Arc::new(field))
    }

    /// Where the field is in the file `:load` (or `watlab FILE`) read it
    /// from: the file as the learner named it (from the working directory
    /// when under it), the file's text and the byte the field starts at.
    /// None for a typed field, or when the file no longer holds it.
    pub fn in_file(&self) -> Option<(String, String, usize)> {
        let path = self.origin.as_deref()?;
        let text = std::fs::read_to_string(path).ok()?;
        let start = text.find(&self.text)?;
        let cwd = std::env::current_dir().ok();
        let shown = cwd
            .as_deref()
            .and_then(|cwd| std::path::Path::new(path).strip_prefix(cwd).ok())
            .map_or_else(|| path.to_string(), |p| p.display().to_string());
        Some((shown, text, start))
    }

    /// Whether the field imports what it defines (`(import ...)` or inline).
    pub fn is_import(&self) -> bool {
        self.import.is_some()
    }

    /// How replies name the field: `func $f`, `func "sq"`, `memory`.
    pub fn label(&self) -> String {
        match (&self.id, self.exports.first()) {
            (Some(id), _) => format!("{} {id}", self.kind),
            (None, Some(export)) if self.keyword != "export" => {
                format!("{} \"{export}\"", self.kind)
            }
            (None, Some(export)) => format!("export \"{export}\""),
            (None, None) => self.kind.clone(),
        }
    }

    /// How `:forget` names the field: its `$id`, an export, or its kind.
    fn forget_name(&self) -> String {
        match (&self.id, self.exports.first()) {
            (Some(id), _) => id.clone(),
            (None, Some(export)) => format!("\"{export}\""),
            (None, None) => self.kind.clone(),
        }
    }
}

/// The labels of the fields other than `at` whose text names `id` (`$f`)
/// as a whole word: what forgetting the field `at` would break.
pub fn users_of(fields: &[Field], at: usize, id: &str) -> Vec<String> {
    let is_id_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-./:<=>?@\\^_`|~".contains(c);
    let names = |text: &str| {
        text.match_indices(id).any(|(i, _)| {
            !text[i + id.len()..].starts_with(is_id_char) && !text[..i].ends_with(is_id_char)
        })
    };
    (fields.iter().enumerate())
        .filter(|(i, f)| *i != at && names(&f.text))
        .map(|(_, f)| f.label())
        .collect()
}

/// Where each name, export and unnamed field of a kind is among the fields,
/// so that finding the field a new one replaces does not compare it with
/// every field (issue 14: a `:load` of 10,000 functions). It borrows the
/// fields' words rather than copying them.
pub struct Index<'a> {
    /// `(kind, $id)` -> positions, in order.
    names: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// `(kind, export)` -> positions, in order.
    exports: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// kind -> positions of the unnamed fields of that kind, in order.
    unnamed: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    /// The index of `fields` for finding what the fields `wanted` replace:
    /// only their names, exports and kinds are indexed.
    pub fn new(fields: &'a [Field], wanted: &[Field]) -> Index<'a> {
        let names = Keys::new(
            wanted
                .iter()
                .filter_map(|f| Some((f.kind.as_str(), f.id.as_deref()?))),
        );
        let exports = Keys::new(
            (wanted.iter()).flat_map(|f| f.exports.iter().map(|e| (f.kind.as_str(), e.as_str()))),
        );
        // Only a field without a name (or a start) looks among the unnamed.
        let unnamed = Keys::new(
            (wanted.iter())
                .filter(|f| f.id.is_none() || f.kind == "start")
                .map(|f| (f.kind.as_str(), "")),
        );
        let mut index = Index {
            names: HashMap::new(),
            exports: HashMap::new(),
            unnamed: HashMap::new(),
        };
        for (i, f) in fields.iter().enumerate() {
            let kind = f.kind.as_str();
            match &f.id {
                Some(id) if names.contains((kind, id)) => {
                    index.names.entry((kind, id.as_str())).or_default().push(i);
                }
                Some(_) => {}
                None if unnamed.contains((kind, "")) => {
                    index.unnamed.entry(kind).or_default().push(i);
                }
                None => {}
            }
            for export in &f.exports {
                if exports.contains((kind, export)) {
                    index
                        .exports
                        .entry((kind, export.as_str()))
                        .or_default()
                        .push(i);
                }
            }
        }
        index
    }

    /// The earlier field that `new` replaces: one of `fields` (those this
    /// index was made of, in the same places) whose `eligible` entry is true.
    pub fn replaces(&self, new: &Field, fields: &[Field], eligible: &[bool]) -> Option<usize> {
        let ok = |i: &usize| eligible.get(*i).copied().unwrap_or(false);
        let first = |list: Option<&Vec<usize>>| list.and_then(|l| l.iter().copied().find(ok));
        let unnamed = || {
            self.unnamed
                .get(new.kind.as_str())
                .into_iter()
                .flatten()
                .copied()
                .filter(ok)
        };
        // `(start ...)` fields have no id, so they are all unnamed.
        let found = if new.kind == "start" {
            unnamed().next()
        } else if let Some(id) = &new.id {
            first(self.names.get(&(new.kind.as_str(), id.as_str())))
        } else {
            new.exports
                .iter()
                .filter_map(|e| first(self.exports.get(&(new.kind.as_str(), e.as_str()))))
                .min()
                .or_else(|| {
                    new.import.as_ref()?;
                    unnamed().find(|i| fields[*i].import == new.import)
                })
                .or_else(|| {
                    matches!(new.kind.as_str(), "memory" | "table")
                        .then(|| unnamed().next())
                        .flatten()
                })
        };
        found.or_else(|| {
            // A file loaded again: its unnamed fields take the places of last time's.
            new.origin.as_ref().filter(|_| new.id.is_none())?;
            unnamed().find(|i| fields[*i].origin == new.origin)
        })
    }
}

/// A conflict among `fields` that replacing did not resolve, pinned to a
/// field this input wrote (`fresh`): its index and the error explaining it.
pub fn clash(fields: &[Field], fresh: &[bool]) -> Option<(usize, SessionError)> {
    // Several memories are fine since WebAssembly 3.0 (multiple memories).
    let is_fresh = |i: usize| fresh.get(i).copied().unwrap_or(false);
    let wanted = (fields.iter().enumerate())
        .filter(|(i, _)| is_fresh(*i))
        .flat_map(|(_, f)| f.exports.iter().map(|e| (e.as_str(), "")));
    let wanted = Keys::new(wanted);
    let mut exporters: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, f) in fields.iter().enumerate() {
        for name in f.exports.iter().filter(|e| wanted.contains((e, ""))) {
            exporters.entry(name.as_str()).or_default().push(i);
        }
    }
    for (new, field) in fields.iter().enumerate().filter(|(i, _)| is_fresh(*i)) {
        for name in &field.exports {
            let Some(old) = exporters.get(name.as_str()).and_then(|list| {
                list.iter()
                    .copied()
                    .find(|j| *j != new && (*j < new || !is_fresh(*j)))
            }) else {
                continue;
            };
            let other = &fields[old];
            let hint = if is_fresh(old) {
                format!("two fields of this input export \"{name}\": rename one export")
            } else if other.kind == field.kind && other.id.is_some() && field.id != other.id {
                format!(
                    "to replace {}, give this {} the name {}; or type :forget {} first",
                    other.label(),
                    field.kind,
                    other.id.as_deref().unwrap_or_default(),
                    other.forget_name()
                )
            } else {
                format!(
                    "rename the export, or type :forget {} first",
                    other.forget_name()
                )
            };
            let error = SessionError::new(
                ErrorKind::Invalid,
                format!("\"{name}\" is already exported by {}", other.label()),
            );
            return Some((new, with_hint(error, hint)));
        }
    }
    None
}

/// The field `:forget` means by `target`: `$name` (optionally after a kind,
/// `global $x`), an export name in quotes, `memory`, `table`, `start`, or a
/// kind and a number for the Nth field of that kind (`elem 2`), which is
/// how an unnamed field is told from another.
///
/// # Errors
/// When nothing or more than one field answers to it.
pub fn find(fields: &[Field], target: &str) -> Result<usize, SessionError> {
    let words: Vec<&str> = target.split_whitespace().collect();
    let (kind, name) = match words.as_slice() {
        [name] => (None, *name),
        [kind, name] => (Some(*kind), *name),
        _ => {
            return Err(SessionError::usage(
                "usage: :forget NAME, where NAME is $name, \"export\", memory, table or start",
            ));
        }
    };
    let of_kind = |f: &Field| kind.is_none_or(|k| f.kind == k);
    if let (Some(kind), Ok(n)) = (kind, name.parse::<usize>()) {
        let nth = (0..fields.len())
            .filter(|i| fields[*i].kind == kind)
            .nth(n.wrapping_sub(1));
        return nth.ok_or_else(|| {
            let count = fields.iter().filter(|f| f.kind == kind).count();
            SessionError::usage(format!(
                "there is no {kind} {n}: the session module has {count} {kind} field{}, numbered from 1",
                if count == 1 { "" } else { "s" }
            ))
        });
    }
    let matches: Vec<usize> = (0..fields.len())
        .filter(|i| {
            let f = &fields[*i];
            of_kind(f)
                && if name.starts_with('$') {
                    f.id.as_deref() == Some(name)
                } else if name.starts_with('"') {
                    f.exports.contains(&unquote(name))
                } else {
                    f.kind == name
                }
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(with_hint(
            SessionError::usage(format!("nothing in the session module answers to {target}")),
            ":wat shows the session module; forget a field by $name, by \"export\", or as memory, table or start".into(),
        )),
        several => {
            // An unnamed field goes by its kind and number (`elem 2`), shown
            // with its first words so the two can be told apart (issue 11).
            let numbered = |i: usize| {
                let f = &fields[i];
                let n = fields[..i].iter().filter(|g| g.kind == f.kind).count() + 1;
                match &f.id {
                    Some(id) => (f.label(), format!("{} {id}", f.kind)),
                    None => (
                        format!("{} {n} {}", f.kind, first_words(&f.text)),
                        format!("{} {n}", f.kind),
                    ),
                }
            };
            let labels: Vec<(String, String)> = several.iter().map(|i| numbered(*i)).collect();
            let listed: Vec<&str> = labels.iter().map(|(l, _)| l.as_str()).collect();
            Err(SessionError::usage(format!(
                "{target} could mean {}: say which, e.g. :forget {}",
                listed.join(" or "),
                labels[0].1
            )))
        }
    }
}

/// The first words of a field's text, to tell unnamed fields apart:
/// `(elem declare func $f)`, or `(elem (i32.const 0) ...)` when longer.
fn first_words(text: &str) -> String {
    const WORDS: usize = 4;
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= WORDS {
        words.join(" ")
    } else {
        format!("{} ...", words[..WORDS].join(" "))
    }
}

/// `error` with a `hint:` line.
fn with_hint(mut error: SessionError, hint: String) -> SessionError {
    error.notes.push(format!("hint: {hint}"));
    error
}

/// The words of a field: those directly inside it (a child form shows as
/// `(`), and those directly inside each of its parenthesised children
/// (comments and spaces left out).
fn words(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut top = Vec::new();
    let mut children: Vec<Vec<String>> = Vec::new();
    let mut depth = 0usize;
    for token in tokens(text) {
        let word = &text[token.range.clone()];
        match token.kind {
            TokenKind::Space | TokenKind::Comment => {}
            TokenKind::Paren if word == "(" => {
                depth += 1;
                if depth == 2 {
                    top.push("(".to_string());
                    children.push(Vec::new());
                }
            }
            TokenKind::Paren => depth = depth.saturating_sub(1),
            _ if depth == 1 => top.push(word.to_string()),
            _ if depth == 2 => children
                .last_mut()
                .into_iter()
                .for_each(|c| c.push(word.to_string())),
            _ => {}
        }
    }
    (top, children)
}

/// A string literal's text without its quotes.
fn unquote(word: &str) -> String {
    word.strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .unwrap_or(word)
        .to_string()
}

/// Keys looked for among many fields: compared one by one while they are
/// few, hashed when they are many (issue 14: looking for what one input
/// replaces among 10,000 fields allocates nothing per field).
enum Keys<'w> {
    Few(Vec<(&'w str, &'w str)>),
    Many(HashSet<(&'w str, &'w str)>),
}

impl<'w> Keys<'w> {
    /// The set of `keys`.
    fn new(keys: impl Iterator<Item = (&'w str, &'w str)>) -> Keys<'w> {
        let keys: Vec<_> = keys.collect();
        match keys.len() {
            0..=8 => Keys::Few(keys),
            _ => Keys::Many(keys.into_iter().collect()),
        }
    }

    /// Whether `key` is one of them.
    fn contains(&self, key: (&str, &str)) -> bool {
        match self {
            Keys::Few(keys) => keys.contains(&key),
            Keys::Many(keys) => keys.contains(&key),
        }
    }
}

/// The positions of `fields` in the order a module's text must list them:
/// imports first (the text format wants them before any definition), the
/// rest in typed order.
pub fn module_order(fields: &[Field]) -> Vec<usize> {
    let (mut order, rest): (Vec<usize>, Vec<usize>) =
        (0..fields.len()).partition(|&i| fields[i].is_import());
    order.extend(rest);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(texts: &[&str]) -> Vec<Field> {
        texts.iter().map(|t| Field::new(t, None)).collect()
    }

    fn replaces(new: &Field, fields: &[Field], eligible: &[bool]) -> Option<usize> {
        Index::new(fields, std::slice::from_ref(new)).replaces(new, fields, eligible)
    }

    fn replaced(earlier: &[&str], new: &str) -> Option<usize> {
        let earlier = fields(earlier);
        replaces(&Field::new(new, None), &earlier, &vec![true; earlier.len()])
    }

    #[test]
    fn heads_of_every_kind() {
        let f = Field::new("(func $f (export \"f\") (param i32))", None);
        assert_eq!((f.kind.as_str(), f.id.as_deref()), ("func", Some("$f")));
        assert_eq!(f.exports, vec!["f"]);
        let i = Field::new("(import \"js\" \"log\" (func $log (param i32)))", None);
        assert_eq!((i.kind.as_str(), i.id.as_deref()), ("func", Some("$log")));
        assert_eq!(i.import, Some(("js".into(), "log".into())));
        let inline = Field::new("(memory (import \"js\" \"mem\") 1)", None);
        assert!(inline.is_import());
        assert_eq!(inline.label(), "memory");
        let e = Field::new("(export \"sq\" (func 0))", None);
        assert_eq!(
            (e.kind.as_str(), e.exports.clone()),
            ("export", vec!["sq".into()])
        );
        let d = Field::new("(data (i32.const 0) \"(export \\\"x\\\")\")", None);
        assert!(d.exports.is_empty(), "strings are not exports");
        let elem = Field::new("(elem (i32.const 0) $twice $answer)", None);
        assert_eq!(
            elem.id, None,
            "references after the offset are not its name"
        );
        assert_eq!(Field::new("(start $main)", None).id, None);
    }

    #[test]
    fn a_name_replaces_the_same_kind_and_name() {
        let earlier = [
            "(global $f i32 (i32.const 0))",
            "(func $f)",
            "(type $t (func))",
            "(data $d \"a\")",
            "(elem $e func)",
            "(table $t 1 funcref)",
        ];
        assert_eq!(
            replaced(&earlier, "(func $f (result i32) i32.const 1)"),
            Some(1)
        );
        assert_eq!(replaced(&earlier, "(global $f i64 (i64.const 0))"), Some(0));
        assert_eq!(replaced(&earlier, "(type $t (func (param i32)))"), Some(2));
        assert_eq!(replaced(&earlier, "(data $d \"b\")"), Some(3));
        assert_eq!(replaced(&earlier, "(elem $e func 0)"), Some(4));
        assert_eq!(replaced(&earlier, "(table $t 2 funcref)"), Some(5));
        assert_eq!(replaced(&earlier, "(func $g)"), None);
        assert_eq!(
            replaced(&earlier, "(import \"m\" \"f\" (func $f))"),
            Some(1),
            "an import of func $f replaces func $f"
        );
    }

    #[test]
    fn an_unnamed_field_replaces_the_one_exporting_its_name() {
        let earlier = [
            "(func (export \"squares\") (result i32) i32.const 1)",
            "(memory (export \"squares\") 1)",
            "(func (export \"other\"))",
        ];
        assert_eq!(replaced(&earlier, "(func (export \"squares\"))"), Some(0));
        assert_eq!(replaced(&earlier, "(func (export \"new\"))"), None);
        assert_eq!(
            replaced(&earlier, "(func)"),
            None,
            "unnamed functions add up"
        );
        assert_eq!(
            replaced(
                &["(global i32 (i32.const 1))"],
                "(global i32 (i32.const 2))"
            ),
            None
        );
        assert_eq!(
            replaced(&["(export \"a\" (func 0))"], "(export \"a\" (func 1))"),
            Some(0)
        );
    }

    #[test]
    fn unnamed_memories_tables_imports_and_starts() {
        let earlier = [
            "(memory 1)",
            "(table $named 1 funcref)",
            "(table 2 funcref)",
            "(import \"js\" \"log\" (func (param i32)))",
            "(start 0)",
        ];
        assert_eq!(replaced(&earlier, "(memory 2)"), Some(0));
        assert_eq!(replaced(&earlier, "(table 1 externref)"), Some(2));
        assert_eq!(
            replaced(&earlier, "(import \"js\" \"log\" (func (param f64)))"),
            Some(3)
        );
        assert_eq!(
            replaced(&earlier, "(import \"js\" \"warn\" (func (param i32)))"),
            None
        );
        assert_eq!(replaced(&earlier, "(start 1)"), Some(4));
        assert_eq!(
            replaced(&earlier, "(memory $m 1)"),
            None,
            "a name is not the unnamed one"
        );
    }

    #[test]
    fn only_eligible_fields_are_replaced() {
        let earlier = fields(&["(memory 1)"]);
        assert_eq!(
            replaces(&Field::new("(memory 2)", None), &earlier, &[false]),
            None
        );
    }

    #[test]
    fn a_file_loaded_again_takes_its_old_places() {
        let earlier = vec![
            Field::new("(func $named)", Some("b.wat")),
            Field::new("(func)", Some("a.wat")),
            Field::new("(func)", None),
            Field::new("(func)", Some("b.wat")),
        ];
        let new = Field::new("(func (result i32) i32.const 1)", Some("b.wat"));
        assert_eq!(replaces(&new, &earlier, &[true; 4]), Some(3));
        assert_eq!(replaces(&new, &earlier, &[true, true, true, false]), None);
    }

    #[test]
    fn clashes_say_how_to_replace() {
        let both = fields(&["(memory $a 1)", "(memory $b 1)"]);
        assert!(
            clash(&both, &[false, true]).is_none(),
            "two memories are fine"
        );
        let exports = fields(&["(func $a (export \"x\"))", "(func $b (export \"x\"))"]);
        let (at, error) = clash(&exports, &[false, true]).expect("one export twice");
        assert_eq!(at, 1);
        assert_eq!(error.message, "\"x\" is already exported by func $a");
        assert_eq!(
            error.notes,
            vec!["hint: to replace func $a, give this func the name $a; or type :forget $a first"]
        );
        assert!(
            clash(
                &fields(&["(memory 1)", "(func (export \"x\"))"]),
                &[true, true]
            )
            .is_none()
        );
    }

    #[test]
    fn forget_finds_by_name_export_or_kind() {
        let all = fields(&[
            "(func $f)",
            "(global $f i32 (i32.const 0))",
            "(func (export \"sq\"))",
            "(memory 1)",
            "(start $f)",
        ]);
        assert_eq!(find(&all, "\"sq\"").ok(), Some(2));
        assert_eq!(find(&all, "memory").ok(), Some(3));
        assert_eq!(find(&all, "start").ok(), Some(4));
        assert_eq!(find(&all, "global $f").ok(), Some(1));
        let ambiguous = find(&all, "$f").expect_err("two kinds are named $f");
        assert_eq!(
            ambiguous.message,
            "$f could mean func $f or global $f: say which, e.g. :forget func $f"
        );
        assert!(find(&all, "$nope").is_err());
    }
}

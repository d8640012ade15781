//! The assembler's "unknown local: failed to find name `$j`" in plain
//! words: which names of that kind the text defines (for locals and labels,
//! those of the function the name is used in), the closest one, and how to
//! define it.
//!
//! ```text
//! no local named $j in $f; its locals are $i, $n (did you mean $i?)
//! ```

use super::lex::{TokenKind, tokens};

/// How the names watlab generates around a prompt's input start.
const GENERATED: &str = "$__watlab";

/// What a namespace of the assembler (a field's keyword) is called in
/// words, and the field that defines one, e.g. ("function", "(func $NAME ...)").
pub fn kind_words(ns: &str) -> Option<(&'static str, &'static str)> {
    Some(match ns {
        "func" => ("function", "(func $NAME ...)"),
        "global" => ("global", "(global $NAME i32 (i32.const 0))"),
        "type" => ("type", "(type $NAME (func (param i32)))"),
        "memory" => ("memory", "(memory $NAME 1)"),
        "table" => ("table", "(table $NAME 1 funcref)"),
        "tag" => ("tag", "(tag $NAME (param i32))"),
        "elem" => ("element segment", "(elem $NAME func ...)"),
        "data" => ("data segment", "(data $NAME \"...\")"),
        "local" => ("local", "(local $NAME i32)"),
        "label" => ("label", "block $NAME ... end"),
        _ => return None,
    })
}

/// A name the text defines: its namespace, `$name`, and whether it is a
/// parameter (for locals).
struct Defined {
    ns: &'static str,
    name: String,
    at: usize,
    param: bool,
}

/// The plain-words message for an assembler `message` about an unknown
/// name used at byte `offset` of `text`; None for other messages.
pub fn explain(text: &str, offset: usize, message: &str) -> Option<String> {
    explain_with(text, offset, message, &[])
}

/// [`explain`], where the text also has the unnamed functions `unnamed`,
/// named by their exports (`func "avg"`), which its own words do not show
/// (the prompt's input imports the session's functions without exports).
pub fn explain_with(
    text: &str,
    offset: usize,
    message: &str,
    unnamed: &[String],
) -> Option<String> {
    let rest = message.strip_prefix("unknown ")?;
    let (ns, name) = rest.split_once(": failed to find name `")?;
    let name = name.strip_suffix('`')?;
    let (what, how) = kind_words(ns)?;
    let (mut defined, func) = definitions(text, offset);
    defined.extend(unnamed.iter().map(|name| Defined {
        ns: "func",
        name: name.clone(),
        at: 0,
        param: false,
    }));
    let scoped = matches!(ns, "local" | "label");
    let candidates: Vec<&Defined> = defined
        .iter()
        .filter(|d| d.ns == ns)
        .filter(|d| !scoped || func.as_ref().is_some_and(|f| f.1.contains(&d.at)))
        .collect();
    let names: Vec<&str> = candidates
        .iter()
        .map(|d| d.name.as_str())
        .filter(|n| !n.starts_with(GENERATED))
        .collect();
    let owner = match func.as_ref().and_then(|f| f.0.clone()) {
        // The prompt's input runs as a generated function; its locals are the scratch locals.
        Some(f) if f.starts_with(GENERATED) => "the scratch locals".to_string(),
        Some(f) => f,
        None => "this function".into(),
    };
    let listed = list(&names);
    // `$avg` for the unnamed `(func (export "avg") ...)`: it needs a name to be called by.
    let export = format!("\"{}\"", name.trim_start_matches('$'));
    let unnamed = format!("func {export}");
    let suggestion = match closest(name, &names) {
        _ if ns == "func" && names.contains(&unnamed.as_str()) => format!(
            " ({unnamed} has no $name: name it, (func {name} (export {export}) ...), to call it so)"
        ),
        Some(n) => format!(" (did you mean {n}?)"),
        None => String::new(),
    };
    let define = how.replace("$NAME", name);
    Some(match ns {
        "local" if owner == "the scratch locals" => format!(
            "no scratch local named {name}{}: declare one with {define}",
            if names.is_empty() {
                String::new()
            } else {
                format!("; the scratch locals are {listed}{suggestion}")
            }
        ),
        "local" if names.is_empty() => format!(
            "no local named {name} in {owner}, which has no named locals: declare one after the \
             parameters, e.g. {define}"
        ),
        "local" => {
            let whose = if candidates.iter().any(|d| d.param) {
                "its parameters and locals are"
            } else {
                "its locals are"
            };
            format!("no local named {name} in {owner}; {whose} {listed}{suggestion}")
        }
        "label" if names.is_empty() => format!(
            "no label named {name} in {owner}: a branch names a block, loop or if around it, \
             e.g. {define}, or counts outward from 0 (br 0 leaves the innermost)"
        ),
        "label" => format!(
            "no label named {name} in {owner}; its labels are {listed}{suggestion}: a branch can \
             only name a block, loop or if around it"
        ),
        _ if names.is_empty() => {
            format!("no {what} named {name} is defined: define it first, e.g. {define}")
        }
        _ => format!(
            "no {what} named {name}; the {what}s are {listed}{suggestion}: use one of them, or \
             define it, e.g. {define}"
        ),
    })
}

/// The message of assembler error `e` in `text` (the text it assembled),
/// explained when it is about an unknown name.
pub fn asm_message(e: &super::assemble::AsmError, text: &str) -> String {
    explain(text, e.offset, &e.message).unwrap_or_else(|| e.message.clone())
}

/// "$a, $b and $c", the first eight and how many more.
fn list(names: &[&str]) -> String {
    const SHOWN: usize = 8;
    let mut shown = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        shown.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    shown
}

/// The defined name closest to `name` (a swap or one or two edits; one for
/// short names), if one is that close. Ties go to the name whose differing
/// letters are nearest in the alphabet (`$i` for `$j`, not `$n`).
pub fn closest<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    let allowed = (name.len() / 3).clamp(1, 2);
    let gap = |n: &str| -> u32 {
        n.chars()
            .zip(name.chars())
            .map(|(a, b)| (a as u32).abs_diff(b as u32))
            .sum()
    };
    names
        .iter()
        .map(|n| (strsim::damerau_levenshtein(n, name), gap(n), *n))
        .filter(|(d, _, _)| *d <= allowed)
        .min_by_key(|(d, g, _)| (*d, *g))
        .map(|(_, _, n)| n)
}

/// The function around a use: its `$name` if it has one, and its byte range.
type Around = (Option<String>, std::ops::Range<usize>);

/// Every name `text` defines, and the function around `offset`.
fn definitions(text: &str, offset: usize) -> (Vec<Defined>, Option<Around>) {
    let words: Vec<(&str, usize, TokenKind)> = tokens(text)
        .into_iter()
        .filter(|t| !matches!(t.kind, TokenKind::Space | TokenKind::Comment))
        .map(|t| (&text[t.range.clone()], t.range.start, t.kind))
        .collect();
    let mut defined = Vec::new();
    // Open parentheses: the index of each and the keyword after it.
    let mut open: Vec<(usize, &str)> = Vec::new();
    let mut func = None;
    for (i, &(word, at, kind)) in words.iter().enumerate() {
        let next = |k: usize| words.get(i + k).map(|w| w.0);
        let named = |k: usize| words.get(i + k).filter(|w| w.2 == TokenKind::Name);
        match word {
            "(" => open.push((i, next(1).unwrap_or(""))),
            ")" => {
                if let Some((j, "func")) = open.pop()
                    && (words[j].1..=at).contains(&offset)
                {
                    let id = words.get(j + 2).filter(|w| w.2 == TokenKind::Name);
                    func = Some((id.map(|w| w.0.to_string()), words[j].1..at));
                }
            }
            _ if kind == TokenKind::Keyword => {
                let after_paren = i > 0 && words[i - 1].0 == "(";
                let ns = match word {
                    "func" | "global" | "memory" | "table" | "tag" | "elem" | "data"
                        if after_paren =>
                    {
                        Some(match word {
                            "func" => "func",
                            "global" => "global",
                            "memory" => "memory",
                            "table" => "table",
                            "tag" => "tag",
                            "elem" => "elem",
                            _ => "data",
                        })
                    }
                    "type" if after_paren && next(2) == Some("(") => Some("type"),
                    "param" | "local" if after_paren => Some("local"),
                    "block" | "loop" | "if" | "try_table" | "try" => Some("label"),
                    _ => None,
                };
                if let (Some(ns), Some(&(name, at, _))) = (ns, named(1)) {
                    defined.push(Defined {
                        ns,
                        name: name.to_string(),
                        at,
                        param: word == "param",
                    });
                } else if word == "func"
                    && after_paren
                    && next(1) == Some("(")
                    && next(2) == Some("export")
                    && let Some(&(export, _, TokenKind::String)) = words.get(i + 3)
                {
                    // Unnamed but exported: named by its export, as `:dis "avg"` takes it.
                    defined.push(Defined {
                        ns: "func",
                        name: format!("func {export}"),
                        at,
                        param: false,
                    });
                }
            }
            _ => {}
        }
    }
    (defined, func)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "(module (global $count (mut i32) (i32.const 0)) (func $add (param $a i32) (local $i i32) (local $n i32) (local.get $j)) (func $g (call $ad)))";

    fn at(word: &str) -> usize {
        TEXT.find(word).unwrap_or(0)
    }

    #[test]
    fn an_unknown_local_lists_the_functions_locals_and_the_closest() {
        let text = explain(TEXT, at("$j"), "unknown local: failed to find name `$j`");
        assert_eq!(
            text.as_deref(),
            Some(
                "no local named $j in $add; its parameters and locals are $a, $i, $n (did you mean $i?)"
            )
        );
    }

    #[test]
    fn an_unnamed_exported_function_is_listed_by_its_export() {
        let text = "(module (func $two) (func (export \"avg\")) (func (call $avg)))";
        let message = |name: &str| format!("unknown func: failed to find name `{name}`");
        assert_eq!(
            explain(text, text.find("$avg").unwrap_or(0), &message("$avg")).as_deref(),
            Some(
                "no function named $avg; the functions are $two, func \"avg\" (func \"avg\" has no \
                 $name: name it, (func $avg (export \"avg\") ...), to call it so): use one of them, \
                 or define it, e.g. (func $avg ...)"
            )
        );
        let fragment = "(module (import \"s\" \"f0\" (func $two)) (func call $one))";
        let unnamed = ["func \"avg\"".to_string()];
        assert_eq!(
            explain_with(
                fragment,
                fragment.find("$one").unwrap_or(0),
                &message("$one"),
                &unnamed
            )
            .as_deref(),
            Some(
                "no function named $one; the functions are $two, func \"avg\": use one of them, \
                 or define it, e.g. (func $one ...)"
            )
        );
    }

    #[test]
    fn an_unknown_function_lists_the_functions_and_says_how_to_define_one() {
        let text = explain(TEXT, at("$ad)"), "unknown func: failed to find name `$ad`");
        assert_eq!(
            text.as_deref(),
            Some(
                "no function named $ad; the functions are $add, $g (did you mean $add?): use one of them, or define it, e.g. (func $ad ...)"
            )
        );
        let text = explain(TEXT, at("$ad)"), "unknown memory: failed to find name `$m`");
        assert_eq!(
            text.as_deref(),
            Some("no memory named $m is defined: define it first, e.g. (memory $m 1)")
        );
    }

    #[test]
    fn other_messages_are_left_alone() {
        assert_eq!(explain(TEXT, 0, "unexpected token"), None);
    }
}

//! Sorting one input into what it is: a meta command, module fields, a
//! whole module, a script command, a scratch local, or instructions.

/// What an input asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input<'a> {
    /// Only spaces and comments.
    Empty,
    /// `:command args`.
    Meta {
        /// The command word, without the colon.
        name: &'a str,
        /// Everything after it, trimmed.
        args: &'a str,
    },
    /// `(local $x i32)`: a scratch local.
    Local(&'a str),
    /// One or more module fields: `(func ...)`, `(memory ...)`, ...
    Fields(&'a str),
    /// `(module $name? ...)`.
    Module(&'a str),
    /// A spec-script command: `(invoke ...)`, `(get ...)`, `(register ...)`,
    /// `(assert_* ...)`, `(module definition ...)`, `(module instance ...)`,
    /// `(module quote ...)`.
    Script(&'a str),
    /// Flat or folded instructions for the scratch stack.
    Instructions(&'a str),
}

/// Keywords that start a module field.
pub const FIELD_KEYWORDS: &[&str] = &[
    "func", "global", "memory", "data", "table", "elem", "type", "import", "export", "start", "tag",
];

/// Keywords of spec-script commands accepted at the prompt (the script
/// engine runs them as a `.wast` file would).
pub const SCRIPT_KEYWORDS: &[&str] = &[
    "invoke",
    "get",
    "register",
    "assert_return",
    "assert_trap",
    "assert_exhaustion",
    "assert_exception",
    "assert_invalid",
    "assert_malformed",
    "assert_unlinkable",
    "thread",
    "wait",
];

/// Words after `(module` that make it a script command rather than a module
/// for the session to instantiate under its name.
const SCRIPT_MODULE_WORDS: &[&str] = &["definition", "instance", "quote"];

/// Classifies `text` (leading spaces and comments are skipped).
pub fn classify(text: &str) -> Input<'_> {
    let body = skip_trivia(text);
    if body.is_empty() {
        return Input::Empty;
    }
    if let Some(rest) = body.strip_prefix(':') {
        let rest = rest.trim();
        let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        return Input::Meta {
            name,
            args: args.trim(),
        };
    }
    let Some(inner) = body.strip_prefix('(') else {
        return Input::Instructions(body);
    };
    let keyword: String = skip_trivia(inner)
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    match keyword.as_str() {
        "local" => Input::Local(body),
        "module" if is_script_module(inner) => Input::Script(body),
        "module" => Input::Module(body),
        k if FIELD_KEYWORDS.contains(&k) => Input::Fields(body),
        k if SCRIPT_KEYWORDS.contains(&k) => Input::Script(body),
        _ => Input::Instructions(body),
    }
}

/// Whether `(module` is followed by a script word, e.g. `(module definition`,
/// possibly after a `$id`; `inner` is the text after the parenthesis.
fn is_script_module(inner: &str) -> bool {
    let mut words = skip_trivia(inner)
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .skip(1);
    let word = match words.next() {
        Some(id) if id.starts_with('$') => words.next(),
        other => other,
    };
    word.is_some_and(|w| SCRIPT_MODULE_WORDS.contains(&w))
}

/// `text` without leading whitespace and comments.
pub fn skip_trivia(text: &str) -> &str {
    let mut rest = text.trim_start();
    loop {
        if rest.starts_with(";;") {
            rest = rest.find('\n').map_or("", |nl| &rest[nl..]).trim_start();
        } else if rest.starts_with("(;") {
            rest = rest
                .find(";)")
                .map_or("", |end| &rest[end + 2..])
                .trim_start();
        } else {
            return rest;
        }
    }
}

/// The keyword and `$id` of a field text such as `(func $f ...)`.
pub fn field_head(field: &str) -> (String, Option<String>) {
    let inner = skip_trivia(field.trim_start().strip_prefix('(').unwrap_or(field));
    let mut words = inner
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty());
    let keyword = words.next().unwrap_or("").to_string();
    let id = words
        .next()
        .filter(|w| w.starts_with('$'))
        .map(|w| w.to_string());
    (keyword, id)
}

/// Splits a sequence of parenthesised forms into the forms' texts.
pub fn top_level_forms(text: &str) -> Vec<&str> {
    let mut forms = Vec::new();
    let mut depth = 0i64;
    let mut start = None;
    for token in crate::text::lex::tokens(text) {
        if token.kind != crate::text::lex::TokenKind::Paren {
            continue;
        }
        if &text[token.range.clone()] == "(" {
            if depth == 0 {
                start = Some(token.range.start);
            }
            depth += 1;
        } else {
            depth -= 1;
            if depth == 0
                && let Some(s) = start.take()
            {
                forms.push(&text[s..token.range.end]);
            }
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_classified_by_their_first_form() {
        assert_eq!(classify("  ;; nothing\n"), Input::Empty);
        assert_eq!(
            classify(":mem 0 32"),
            Input::Meta {
                name: "mem",
                args: "0 32"
            }
        );
        assert_eq!(
            classify("i32.const 1 i32.const 2"),
            Input::Instructions("i32.const 1 i32.const 2")
        );
        assert_eq!(
            classify("(i32.add (i32.const 1) (i32.const 2))"),
            Input::Instructions("(i32.add (i32.const 1) (i32.const 2))")
        );
        assert_eq!(classify("(local $x i32)"), Input::Local("(local $x i32)"));
        assert!(matches!(classify("(func $f)"), Input::Fields(_)));
        assert!(matches!(classify("(module $m)"), Input::Module(_)));
        assert!(matches!(classify("(invoke \"f\")"), Input::Script(_)));
        assert!(matches!(classify("(get \"g\")"), Input::Script(_)));
        assert!(matches!(
            classify("(assert_invalid (module) \"x\")"),
            Input::Script(_)
        ));
        assert!(matches!(
            classify("(module definition $m (func))"),
            Input::Script(_)
        ));
        assert!(matches!(
            classify("(module quote \"(func)\")"),
            Input::Script(_)
        ));
        assert!(matches!(
            classify("(module instance $i $m)"),
            Input::Script(_)
        ));
        assert!(matches!(classify("(module $defined)"), Input::Module(_)));
    }

    #[test]
    fn field_heads_and_forms() {
        assert_eq!(
            field_head("(func $fac (param i32))"),
            ("func".into(), Some("$fac".into()))
        );
        assert_eq!(field_head("(memory 1)"), ("memory".into(), None));
        assert_eq!(
            top_level_forms("(func $a) (global $g i32 (i32.const 0))"),
            vec!["(func $a)", "(global $g i32 (i32.const 0))"]
        );
    }
}

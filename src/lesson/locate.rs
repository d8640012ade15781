//! Where a script-command check looks: the exported function it calls with
//! its arguments, or the exported global it reads, with the `$name` the
//! learner gave it, so a failure can say "in `at` (func $at), called with
//! (i32.const 40)" (issue 11).

use crate::session::input::{field_head, top_level_forms};
use crate::session::{CheckPlace, Session};
use crate::text::lex::{TokenKind, tokens};
use crate::vm::module::ExportKind;

/// The place a check line such as `(assert_return (invoke "f" ...) ...)`,
/// `(invoke $m "f" ...)` or `(assert_return (get "g") ...)` looks at, with
/// names read from `session`; [`CheckPlace::Input`] for anything else.
pub fn locate(line: &str, session: &Session) -> CheckPlace {
    action(line.trim())
        .and_then(|(kind, module, export, rest)| {
            let names = names_in(session, module.as_deref(), &export);
            match kind.as_str() {
                "invoke" => Some(CheckPlace::Call {
                    args: top_level_forms(rest)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                    func: names.and_then(|(func, _)| func),
                    module,
                    export,
                }),
                "get" => Some(CheckPlace::Global {
                    name: names.and_then(|(_, global)| global),
                    module,
                    export,
                }),
                _ => None,
            }
        })
        .unwrap_or(CheckPlace::Input)
}

/// The action of a check line (its own `(invoke ...)`/`(get ...)`, or the
/// one an `assert_...` wraps): its keyword, module `$id`, export name and
/// the text after the name.
fn action(form: &str) -> Option<(String, Option<String>, String, &str)> {
    let (keyword, _) = field_head(form);
    let action = if keyword.starts_with("assert_") {
        let inner = form.strip_prefix('(')?;
        top_level_forms(inner)
            .into_iter()
            .next()
            .filter(|f| matches!(field_head(f).0.as_str(), "invoke" | "get"))?
    } else {
        form
    };
    let (keyword, module) = field_head(action);
    let name = tokens(action)
        .into_iter()
        .find(|t| t.kind == TokenKind::String)?;
    let export = action[name.range.clone()].trim_matches('"').to_string();
    let rest = action[name.range.end..].trim_end();
    let rest = rest.strip_suffix(')').unwrap_or(rest);
    Some((keyword, module, export, rest))
}

/// The `$name`s of the function and of the global exported as `export` by
/// the module `$id` (or the session's module), when it has them.
fn names_in(
    session: &Session,
    module: Option<&str>,
    export: &str,
) -> Option<(Option<String>, Option<String>)> {
    let addr = match module {
        Some(id) => session
            .named_instances()
            .iter()
            .find(|(name, _)| name == id)
            .map(|(_, addr)| *addr)?,
        None => session.current_instance()?,
    };
    let module = &session.store().instance(addr)?.module;
    let kind = module.exports.iter().find(|e| *e.name == *export)?.kind;
    let named = |name: Option<&str>| name.map(|n| format!("${n}"));
    Some(match kind {
        ExportKind::Func(i) => (named(module.names.funcs.get(&i).map(|n| &**n)), None),
        ExportKind::Global(i) => (
            None,
            named(module.names.globals.get(&i).map(String::as_str)),
        ),
        _ => (None, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_and_globals_are_located_with_their_names() {
        let mut session = Session::new();
        for input in [
            "(func $avg (export \"avg\") (param i32 i32) (result i32) (local.get 0))",
            "(func (export \"anon\"))",
            "(global $left (export \"left\") i32 (i32.const 3))",
        ] {
            session.eval(input).expect(input);
        }
        assert_eq!(
            locate(
                "(assert_return (invoke \"avg\" (i32.const 10) (i32.const 20)) (i32.const 15))",
                &session
            ),
            CheckPlace::Call {
                module: None,
                export: "avg".into(),
                func: Some("$avg".into()),
                args: vec!["(i32.const 10)".into(), "(i32.const 20)".into()],
            }
        );
        assert_eq!(
            locate("(invoke \"anon\")", &session),
            CheckPlace::Call {
                module: None,
                export: "anon".into(),
                func: None,
                args: vec![],
            }
        );
        assert_eq!(
            locate("(assert_return (get \"left\") (i32.const 3))", &session),
            CheckPlace::Global {
                module: None,
                export: "left".into(),
                name: Some("$left".into()),
            }
        );
        assert_eq!(
            locate(
                "(assert_return (invoke $get \"value\") (i32.const 2))",
                &session
            ),
            CheckPlace::Call {
                module: Some("$get".into()),
                export: "value".into(),
                func: None,
                args: vec![],
            }
        );
        assert_eq!(locate(":run 3", &session), CheckPlace::Input);
        assert_eq!(
            locate("(assert_invalid (module) \"x\")", &session),
            CheckPlace::Input
        );
    }
}

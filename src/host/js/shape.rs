//! The shape every import object has: module names, then import names, then
//! values (`{ env: { f: Math.sin } }`), checked after parsing.

use super::value::{JsError, JsValue, Span, error};

/// Checks the shape an import object must have: an object whose values are
/// objects (or `Math`/`console`), whose values are leaves (not objects).
/// Returns the first violation, e.g. `"mem.pages.x": an import name has
/// exactly two levels (module and name); this value is nested one level
/// deeper`.
///
/// Only spans of keys and `new` expressions are kept in a [`JsValue`], so a
/// violation is reported at the key of the offending entry; a top-level value
/// that is not an object is reported at its `new` span, or at `0..0`.
///
/// # Errors
/// The first violation in source order.
pub fn check_two_levels(value: &JsValue) -> Result<(), JsError> {
    let JsValue::Object(modules) = value else {
        let span = match value {
            JsValue::New { span, .. } => *span,
            _ => Span { start: 0, end: 0 },
        };
        return Err(error(
            format!(
                "the host object must be an object of modules, like {{ env: {{ f: Math.sin }} }}; \
                 this is {}",
                kind(value)
            ),
            span,
        ));
    };
    for (module, imports, module_span) in modules {
        let imports = match imports {
            JsValue::Object(imports) => imports,
            JsValue::Math | JsValue::Console => continue,
            other => {
                return Err(error(
                    format!(
                        "{module:?}: a module must be an object of imports (or Math or console), \
                         like {module:?}: {{ name: value }}; this is {}",
                        kind(other)
                    ),
                    *module_span,
                ));
            }
        };
        for (name, import, name_span) in imports {
            match import {
                JsValue::Object(deeper) => {
                    return Err(match deeper.first() {
                        Some((key, _, key_span)) => error(
                            format!(
                                "{:?}: an import name has exactly two levels (module and name); \
                                 this value is nested one level deeper",
                                format!("{module}.{name}.{key}")
                            ),
                            *key_span,
                        ),
                        None => error(
                            format!(
                                "{:?}: an import must be a single value (a number, a function, \
                                 or a Memory, Global or Table), not an object",
                                format!("{module}.{name}")
                            ),
                            *name_span,
                        ),
                    });
                }
                JsValue::Math | JsValue::Console => {
                    let (whole, example) = if *import == JsValue::Math {
                        ("Math", "Math.sin")
                    } else {
                        ("console", "console.log")
                    };
                    return Err(error(
                        format!(
                            "{:?}: {whole} is a whole object, not an import; \
                             import one of its members, like {example}",
                            format!("{module}.{name}")
                        ),
                        *name_span,
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A short description of a value for messages.
fn kind(value: &JsValue) -> String {
    match value {
        JsValue::Number(n) => format!("the number {n}"),
        JsValue::BigInt(n) => format!("the BigInt {n}n"),
        JsValue::Null => "null".to_string(),
        JsValue::String(_) => "a string".to_string(),
        JsValue::Bool(b) => format!("{b}"),
        JsValue::Math => "Math".to_string(),
        JsValue::MathMember(m) => format!("Math.{m}"),
        JsValue::Console => "console".to_string(),
        JsValue::ConsoleMember(m) => format!("console.{m}"),
        JsValue::Object(_) => "an object".to_string(),
        JsValue::New { class, .. } => format!("a WebAssembly.{class}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::js::parse;

    #[test]
    fn two_levels() {
        let check = |text: &str| check_two_levels(&parse(text).unwrap());
        assert_eq!(check("{}"), Ok(()));
        assert_eq!(check("{ m: Math, c: console, e: {} }"), Ok(()));
        assert_eq!(
            check("{ env: { f: Math.sin, m: new WebAssembly.Memory({ initial: 1 }), n: 1 } }"),
            Ok(())
        );

        let fails = |text: &str, message: &str, span_text: &str| {
            let e = check(text).unwrap_err();
            assert_eq!(e.message, message, "{text}");
            assert_eq!(&text[e.span.start..e.span.end], span_text, "{text}");
        };
        fails(
            "{ mem: { pages: { x: 1, y: 2 } } }",
            "\"mem.pages.x\": an import name has exactly two levels (module and name); \
             this value is nested one level deeper",
            "x",
        );
        fails(
            "{ mem: { pages: {} } }",
            "\"mem.pages\": an import must be a single value (a number, a function, \
             or a Memory, Global or Table), not an object",
            "pages",
        );
        fails(
            "{ ok: { a: 1 }, mem: new WebAssembly.Memory({ initial: 1 }) }",
            "\"mem\": a module must be an object of imports (or Math or console), \
             like \"mem\": { name: value }; this is a WebAssembly.Memory",
            "mem",
        );
        fails(
            "{ 'x': 3 }",
            "\"x\": a module must be an object of imports (or Math or console), \
             like \"x\": { name: value }; this is the number 3",
            "'x'",
        );
        fails(
            "{ env: { m: Math } }",
            "\"env.m\": Math is a whole object, not an import; import one of its members, \
             like Math.sin",
            "m",
        );
        fails(
            "{ env: { c: console } }",
            "\"env.c\": console is a whole object, not an import; import one of its members, \
             like console.log",
            "c",
        );
        // the first violation in source order
        fails(
            "{ a: { b: { c: 1 } }, d: 1 }",
            "\"a.b.c\": an import name has exactly two levels (module and name); \
             this value is nested one level deeper",
            "c",
        );
        // not an object at all
        let e = check_two_levels(&JsValue::Number(1.0)).unwrap_err();
        assert_eq!(
            e.message,
            "the host object must be an object of modules, like { env: { f: Math.sin } }; \
             this is the number 1"
        );
        let text = "new WebAssembly.Memory({})";
        let e = check_two_levels(&parse(text).unwrap()).unwrap_err();
        assert_eq!(&text[e.span.start..e.span.end], text);
    }
}

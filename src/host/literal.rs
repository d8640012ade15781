//! `:host { ... }`: a JavaScript import object, parsed by [`super::js`] and
//! turned into an [`ImportObject`] request, checking each property as
//! `WebAssembly.instantiate` and the `WebAssembly.*` constructors would.

use super::convert::{self, number_to_string};
use super::js::{self, JsError, JsValue, Span};
use super::limits::{self, LimitsError, Sized};
use super::math;
use super::request::{ImportObject, ModuleSpec, NewObject, Property, PropertyPath};
use crate::vm::types::{GlobalType, MemoryType, TableType};
use crate::vm::{ValType, Value};
use std::fmt;

/// Why one property of the import object cannot be imported.
#[derive(Clone, Debug, PartialEq)]
pub enum PropertyError {
    /// `Math.NAME` that `Math` does not have.
    MathHasNo(String),
    /// `console.NAME` other than `log` and `log_utf8`.
    ConsoleHasNo(String),
    /// A memory's or table's sizes.
    Limits(LimitsError),
    /// `value: "v128"` or another type a Global cannot hold here.
    GlobalValueType(String),
    /// A reference Global's initial value that JavaScript refuses, or this host cannot make.
    GlobalReference(String),
    /// A Global descriptor without `value`.
    GlobalNeedsValueType,
    /// A Number as the initial value of an i64 Global.
    NumberToBigInt,
    /// A BigInt as the initial value of a Global of another type.
    BigIntToNumber(ValType),
    /// An initial value that is not a Number.
    InitialNotNumber,
    /// A Table descriptor without a usable `element`.
    TableElement,
    /// A string or boolean property.
    StringOrBool,
    /// Anything else (`Math` alone, `console` alone).
    NotImportable,
}

impl fmt::Display for PropertyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropertyError::MathHasNo(name) => write!(f, "Math has no {name}"),
            PropertyError::ConsoleHasNo(name) => write!(
                f,
                "console.{name} is not available: use console.log or console.log_utf8"
            ),
            PropertyError::Limits(e) => e.fmt(f),
            PropertyError::GlobalValueType(t) => {
                write!(f, "TypeError: value type {t} is not a type a Global holds here (i32, i64, f32, f64, externref, anyref, eqref, i31ref, structref, arrayref, nullref)")
            }
            PropertyError::GlobalReference(message) => f.write_str(message),
            PropertyError::GlobalNeedsValueType => f.write_str(
                "TypeError: WebAssembly.Global(): the descriptor needs value: \"i32\" (or i64, f32, f64)",
            ),
            PropertyError::NumberToBigInt => f.write_str(
                "TypeError: Cannot convert a Number to a BigInt (an i64 global needs a BigInt)",
            ),
            PropertyError::BigIntToNumber(ty) => write!(
                f,
                "TypeError: Cannot convert a BigInt value to a number (only an i64 global takes a BigInt; an {ty} global takes a Number)"
            ),
            PropertyError::InitialNotNumber => {
                f.write_str("TypeError: the initial value must be a number")
            }
            PropertyError::TableElement => f.write_str(
                "TypeError: WebAssembly.Table(): the descriptor needs element: \"anyfunc\" or \"externref\"",
            ),
            PropertyError::StringOrBool => {
                f.write_str("a string or boolean cannot be imported by wasm")
            }
            PropertyError::NotImportable => f.write_str("this value cannot be imported"),
        }
    }
}

/// Why `:host { ... }` is refused, and where.
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralError {
    /// The text is not the JavaScript subset, or not shaped as an import object.
    Syntax(JsError),
    /// One property cannot be imported.
    Property {
        /// Its name.
        path: PropertyPath,
        /// Why.
        error: PropertyError,
        /// Its key in the text.
        span: Span,
    },
}

impl LiteralError {
    /// Where in the text the error is.
    pub fn span(&self) -> Span {
        match self {
            LiteralError::Syntax(e) => e.span,
            LiteralError::Property { span, .. } => *span,
        }
    }
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiteralError::Syntax(e) => e.fmt(f),
            LiteralError::Property { path, error, .. } => {
                write!(f, "{}.{}: {error}", path.module, path.name)
            }
        }
    }
}

impl std::error::Error for LiteralError {}

/// Parses `{ module: { name: value } }` into the request it makes.
///
/// # Errors
/// The first syntax error, shape error or property that cannot be imported.
pub fn import_object(text: &str) -> Result<ImportObject, LiteralError> {
    let value = js::parse(text).map_err(LiteralError::Syntax)?;
    js::check_two_levels(&value).map_err(LiteralError::Syntax)?;
    // check_two_levels accepts only an object of objects, Math and console.
    let JsValue::Object(modules) = value else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (module, props, _) in modules {
        let spec = match props {
            JsValue::Math => ModuleSpec::Math,
            JsValue::Console => ModuleSpec::Console,
            JsValue::Object(items) => {
                let mut properties = Vec::new();
                for (name, item, span) in items {
                    match property(&item) {
                        Ok(p) => properties.push((name, p)),
                        Err(error) => {
                            return Err(LiteralError::Property {
                                path: PropertyPath { module, name },
                                error,
                                span,
                            });
                        }
                    }
                }
                ModuleSpec::Properties(properties)
            }
            _ => ModuleSpec::Properties(Vec::new()),
        };
        out.push((module, spec));
    }
    Ok(out)
}

/// One property value as the host property it requests.
fn property(value: &JsValue) -> Result<Property, PropertyError> {
    Ok(match value {
        JsValue::Number(n) => Property::Number(*n),
        JsValue::BigInt(n) => Property::BigInt(*n),
        JsValue::MathMember(name) => math_member(name)?,
        JsValue::ConsoleMember(name) if name == "log" => Property::ConsoleLog,
        JsValue::ConsoleMember(name) if name == "log_utf8" => Property::ConsoleLogUtf8,
        JsValue::ConsoleMember(name) => return Err(PropertyError::ConsoleHasNo(name.clone())),
        JsValue::New { class, args, .. } => Property::New(match class.as_str() {
            "Memory" => memory(args)?,
            "Global" => global(args)?,
            "Table" => table(args)?,
            _ => return Err(PropertyError::NotImportable),
        }),
        JsValue::String(_) | JsValue::Bool(_) => return Err(PropertyError::StringOrBool),
        _ => return Err(PropertyError::NotImportable),
    })
}

/// `Math.NAME`: a function or a constant.
fn math_member(name: &str) -> Result<Property, PropertyError> {
    if let Some((f, _)) = math::FUNCTIONS.iter().find(|(f, _)| *f == name) {
        return Ok(Property::Math(f));
    }
    math::CONSTANTS
        .iter()
        .find(|(c, _)| *c == name)
        .map(|(_, v)| Property::Number(*v))
        .ok_or_else(|| PropertyError::MathHasNo(name.to_string()))
}

/// A field of the descriptor (the first argument).
fn field<'a>(args: &'a [JsValue], key: &str) -> Option<&'a JsValue> {
    match args.first() {
        Some(JsValue::Object(entries)) => {
            entries.iter().find(|(k, _, _)| k == key).map(|(_, v, _)| v)
        }
        _ => None,
    }
}

/// `initial` or `maximum` of a descriptor, if given.
fn size(args: &[JsValue], of: Sized, option: &'static str) -> Result<Option<u32>, LimitsError> {
    let Some(value) = field(args, option) else {
        return Ok(None);
    };
    let (number, shown) = match value {
        JsValue::Number(n) => (*n, number_to_string(*n)),
        JsValue::BigInt(n) => (f64::NAN, format!("the BigInt {n}n")),
        JsValue::String(s) => (f64::NAN, format!("the string {s:?}")),
        JsValue::Bool(b) => (f64::NAN, b.to_string()),
        _ => (f64::NAN, "that value".to_string()),
    };
    limits::count(of, option, number, &shown).map(Some)
}

fn memory(args: &[JsValue]) -> Result<NewObject, PropertyError> {
    let of = Sized::Memory;
    let initial = size(args, of, "initial").map_err(PropertyError::Limits)?;
    let maximum = size(args, of, "maximum").map_err(PropertyError::Limits)?;
    let shared = matches!(field(args, "shared"), Some(JsValue::Bool(true)));
    let limits = limits::check(of, initial, maximum, shared).map_err(PropertyError::Limits)?;
    Ok(NewObject::Memory(MemoryType {
        limits,
        shared,
        ..MemoryType::default()
    }))
}

fn table(args: &[JsValue]) -> Result<NewObject, PropertyError> {
    let elem = match field(args, "element") {
        Some(JsValue::String(e)) if e == "anyfunc" || e == "funcref" => ValType::FuncRef,
        Some(JsValue::String(e)) if e == "externref" => ValType::ExternRef,
        _ => return Err(PropertyError::TableElement),
    };
    let of = Sized::Table;
    let initial = size(args, of, "initial").map_err(PropertyError::Limits)?;
    let maximum = size(args, of, "maximum").map_err(PropertyError::Limits)?;
    let limits = limits::check(of, initial, maximum, false).map_err(PropertyError::Limits)?;
    Ok(NewObject::Table(TableType {
        elem,
        limits,
        table64: false,
    }))
}

fn global(args: &[JsValue]) -> Result<NewObject, PropertyError> {
    let ty = match field(args, "value") {
        Some(JsValue::String(t)) => ValType::from_name(t)
            .filter(|t| !t.is_ref() || *t != ValType::FuncRef)
            .ok_or_else(|| PropertyError::GlobalValueType(t.clone()))?,
        _ => return Err(PropertyError::GlobalNeedsValueType),
    };
    let mutable = matches!(field(args, "mutable"), Some(JsValue::Bool(true)));
    let value = match args.get(1) {
        None if ty == ValType::ExternRef => {
            return Err(PropertyError::GlobalReference(
                "JavaScript's default for an externref Global is undefined, which this host cannot hold: give null".into(),
            ));
        }
        None => ty.default_value(),
        Some(v) if ty.is_ref() => {
            convert::to_reference(v, ty).map_err(PropertyError::GlobalReference)?
        }
        Some(JsValue::Number(n)) => {
            convert::number_to_value(*n, ty).ok_or(PropertyError::NumberToBigInt)?
        }
        Some(JsValue::BigInt(n)) if ty == ValType::I64 => Value::I64(*n),
        Some(JsValue::BigInt(_)) => return Err(PropertyError::BigIntToNumber(ty)),
        Some(_) => return Err(PropertyError::InitialNotNumber),
    };
    Ok(NewObject::Global(GlobalType { ty, mutable }, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn property_error(text: &str) -> (String, String) {
        match import_object(text) {
            Err(e) => {
                let span = e.span();
                (e.to_string(), text[span.start..span.end].to_string())
            }
            Ok(v) => panic!("{text} was accepted: {v:?}"),
        }
    }

    #[test]
    fn a_whole_import_object_becomes_a_request() {
        let got = import_object(
            "{ math: Math, env: { f: Math.sin, pi: Math.PI, log: console.log, \
             m: new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }), \
             g: new WebAssembly.Global({ value: 'f32', mutable: true }, 0.5) } }",
        )
        .expect("accepted");
        let memory = MemoryType {
            limits: crate::vm::types::Limits {
                min: 1,
                max: Some(2),
            },
            shared: true,
            ..MemoryType::default()
        };
        assert_eq!(
            got,
            vec![
                ("math".to_string(), ModuleSpec::Math),
                (
                    "env".to_string(),
                    ModuleSpec::Properties(vec![
                        ("f".into(), Property::Math("sin")),
                        ("pi".into(), Property::Number(std::f64::consts::PI)),
                        ("log".into(), Property::ConsoleLog),
                        ("m".into(), Property::New(NewObject::Memory(memory))),
                        (
                            "g".into(),
                            Property::New(NewObject::Global(
                                GlobalType {
                                    ty: ValType::F32,
                                    mutable: true
                                },
                                Value::f32(0.5)
                            ))
                        ),
                    ])
                ),
            ]
        );
    }

    #[test]
    fn tables_and_memories_share_the_limits_checks() {
        assert_eq!(
            property_error(
                "{ t: { tab: new WebAssembly.Table({ element: 'anyfunc', initial: 5, maximum: 2 }) } }"
            ),
            (
                "t.tab: RangeError: WebAssembly.Table(): maximum is smaller than initial".into(),
                "tab".into()
            )
        );
        assert_eq!(
            property_error("{ m: { p: new WebAssembly.Memory({ initial: 1.5 }) } }").0,
            "m.p: TypeError: WebAssembly.Memory(): initial must be a whole number of pages, not 1.5"
        );
        assert_eq!(
            property_error("{ m: { p: new WebAssembly.Memory({ maximum: 'lots' }) } }").0,
            "m.p: TypeError: WebAssembly.Memory(): maximum must be a whole number of pages, not the string \"lots\""
        );
        assert_eq!(
            property_error("{ m: { p: new WebAssembly.Table({ element: 'externref' }) } }").0,
            "m.p: TypeError: WebAssembly.Table(): Property 'initial' is required"
        );
    }

    #[test]
    fn bigints_make_i64_globals() {
        let got = import_object(
            "{ e: { g: new WebAssembly.Global({ value: 'i64', mutable: true }, -5n), big: 0x10n } }",
        )
        .expect("accepted");
        assert_eq!(
            got,
            vec![(
                "e".to_string(),
                ModuleSpec::Properties(vec![
                    (
                        "g".into(),
                        Property::New(NewObject::Global(
                            GlobalType {
                                ty: ValType::I64,
                                mutable: true
                            },
                            Value::I64(-5)
                        ))
                    ),
                    ("big".into(), Property::BigInt(16)),
                ])
            )]
        );
        assert_eq!(
            property_error("{ e: { g: new WebAssembly.Global({ value: 'i32' }, 5n) } }").0,
            "e.g: TypeError: Cannot convert a BigInt value to a number (only an i64 global takes a BigInt; an i32 global takes a Number)"
        );
        assert_eq!(
            property_error("{ m: { p: new WebAssembly.Memory({ initial: 1n }) } }").0,
            "m.p: TypeError: WebAssembly.Memory(): initial must be a whole number of pages, not the BigInt 1n"
        );
    }

    #[test]
    fn properties_that_cannot_be_imported() {
        let cases = [
            (
                "{ e: { s: 'x' } }",
                "e.s: a string or boolean cannot be imported by wasm",
            ),
            ("{ e: { m: Math.sine } }", "e.m: Math has no sine"),
            (
                "{ e: { w: console.warn } }",
                "e.w: console.warn is not available: use console.log or console.log_utf8",
            ),
            (
                "{ e: { g: new WebAssembly.Global({ value: 'i64' }, 5) } }",
                "e.g: TypeError: Cannot convert a Number to a BigInt (an i64 global needs a BigInt)",
            ),
            (
                "{ e: { g: new WebAssembly.Global({ value: 'externref' }) } }",
                "e.g: JavaScript's default for an externref Global is undefined, which this host cannot hold: give null",
            ),
            (
                "{ e: { g: new WebAssembly.Global({ value: 'anyref' }, 2.5) } }",
                "e.g: JavaScript would wrap this value in an anyref as an opaque host reference, but this host has no JavaScript objects to wrap: give null or an integer Number from -1073741824 to 1073741823 (an i31)",
            ),
            (
                "{ e: { g: new WebAssembly.Global({ value: 'v4' }) } }",
                "e.g: TypeError: value type v4 is not a type a Global holds here (i32, i64, f32, f64, externref, anyref, eqref, i31ref, structref, arrayref, nullref)",
            ),
            (
                "{ e: { g: new WebAssembly.Global({ value: 'i32' }, 'x') } }",
                "e.g: TypeError: the initial value must be a number",
            ),
            (
                "{ e: { t: new WebAssembly.Table({ initial: 1 }) } }",
                "e.t: TypeError: WebAssembly.Table(): the descriptor needs element: \"anyfunc\" or \"externref\"",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(property_error(text).0, message, "{text}");
        }
        // syntax errors keep the parser's position
        assert_eq!(
            property_error("{ \"env\" { } }"),
            ("expected ':' after the key \"env\"".into(), "{".into())
        );
    }
}

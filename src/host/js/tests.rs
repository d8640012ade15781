//! Tests of the whole JavaScript subset: parse trees, spans, every error
//! message, and inputs that must never panic.

use super::*;

const EXAMPLE: &str = r#"{
  "math" : Math,
  "mem"  : { "pages" : new WebAssembly.Memory({ initial : 1, maximum : 20, shared : true }),
             "data_offset" : 0 },
  console: { log: console.log },
  env: { g: new WebAssembly.Global({ value: "i32", mutable: true }, 42), t: new WebAssembly.Table({ element: "anyfunc", initial: 2 }), sin: Math.sin, pi: Math.PI, neg: -1.5e3, hex: 0x10 }
}"#;

/// The span of the first occurrence of `needle` in `text`.
fn at(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("needle in text");
    Span {
        start,
        end: start + needle.len(),
    }
}

/// The span of the key in the first occurrence of `needle` ("key:").
fn key(text: &str, needle: &str) -> Span {
    let span = at(text, needle);
    Span {
        start: span.start,
        end: span.end - 1,
    }
}

fn obj(entries: Vec<(&str, JsValue, Span)>) -> JsValue {
    JsValue::Object(
        entries
            .into_iter()
            .map(|(k, v, s)| (k.to_string(), v, s))
            .collect(),
    )
}

fn num(n: f64) -> JsValue {
    JsValue::Number(n)
}

fn s(text: &str) -> JsValue {
    JsValue::String(text.to_string())
}

/// Parses and expects an error; returns (message, text of the span).
fn err(text: &str) -> (String, &str) {
    let e = parse(text).expect_err(text);
    let slice = text
        .get(e.span.start..e.span.end)
        .expect("span on char boundaries");
    (e.message, slice)
}

/// Parses `{ v: TEXT }` and returns the value.
fn value_of(text: &str) -> JsValue {
    let whole = format!("{{ v: {text} }}");
    match parse(&whole) {
        Ok(JsValue::Object(mut entries)) if entries.len() == 1 => entries.remove(0).1,
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn example_parses_to_the_expected_tree() {
    let t = EXAMPLE;
    let memory_start = t.find("new WebAssembly.Memory").unwrap();
    let memory_end = t[memory_start..].find("})").unwrap() + memory_start + 2;
    let global_start = t.find("new WebAssembly.Global").unwrap();
    let global_end = t[global_start..].find("42)").unwrap() + global_start + 3;
    let table_start = t.find("new WebAssembly.Table").unwrap();
    let table_end = t[table_start..].find("})").unwrap() + table_start + 2;
    // keys inside nested objects: find after a unique anchor
    let after = |anchor: &str, needle: &str| {
        let base = t.find(anchor).unwrap();
        let start = base + t[base..].find(needle).unwrap();
        Span {
            start,
            end: start + needle.len(),
        }
    };
    let expected = obj(vec![
        ("math", JsValue::Math, at(t, "\"math\"")),
        (
            "mem",
            obj(vec![
                (
                    "pages",
                    JsValue::New {
                        class: "Memory".into(),
                        args: vec![obj(vec![
                            ("initial", num(1.0), at(t, "initial")),
                            ("maximum", num(20.0), at(t, "maximum")),
                            ("shared", JsValue::Bool(true), at(t, "shared")),
                        ])],
                        span: Span {
                            start: memory_start,
                            end: memory_end,
                        },
                    },
                    at(t, "\"pages\""),
                ),
                ("data_offset", num(0.0), at(t, "\"data_offset\"")),
            ]),
            at(t, "\"mem\""),
        ),
        (
            "console",
            obj(vec![(
                "log",
                JsValue::ConsoleMember("log".into()),
                key(t, "log:"),
            )]),
            key(t, "console:"),
        ),
        (
            "env",
            obj(vec![
                (
                    "g",
                    JsValue::New {
                        class: "Global".into(),
                        args: vec![
                            obj(vec![
                                ("value", s("i32"), key(t, "value:")),
                                ("mutable", JsValue::Bool(true), at(t, "mutable")),
                            ]),
                            num(42.0),
                        ],
                        span: Span {
                            start: global_start,
                            end: global_end,
                        },
                    },
                    {
                        let span = after("env:", "g:");
                        Span {
                            start: span.start,
                            end: span.end - 1,
                        }
                    },
                ),
                (
                    "t",
                    JsValue::New {
                        class: "Table".into(),
                        args: vec![obj(vec![
                            ("element", s("anyfunc"), at(t, "element")),
                            ("initial", num(2.0), after("element", "initial")),
                        ])],
                        span: Span {
                            start: table_start,
                            end: table_end,
                        },
                    },
                    {
                        let span = after("env:", "t:");
                        Span {
                            start: span.start,
                            end: span.end - 1,
                        }
                    },
                ),
                ("sin", JsValue::MathMember("sin".into()), key(t, "sin:")),
                ("pi", JsValue::MathMember("PI".into()), key(t, "pi:")),
                ("neg", num(-1500.0), at(t, "neg")),
                ("hex", num(16.0), at(t, "hex")),
            ]),
            at(t, "env"),
        ),
    ]);
    assert_eq!(parse(t), Ok(expected));
    assert_eq!(check_two_levels(&parse(t).unwrap()), Ok(()));
}

#[test]
fn example_key_spans_cover_the_keys() {
    fn walk(text: &str, v: &JsValue) {
        match v {
            JsValue::Object(entries) => {
                for (k, v, span) in entries {
                    let src = &text[span.start..span.end];
                    assert!(
                        src == k || src == format!("\"{k}\""),
                        "{src:?} is not the key {k:?}"
                    );
                    walk(text, v);
                }
            }
            JsValue::New { args, span, .. } => {
                assert!(text[span.start..span.end].starts_with("new WebAssembly."));
                assert!(text[span.start..span.end].ends_with(')'));
                args.iter().for_each(|a| walk(text, a));
            }
            _ => {}
        }
    }
    walk(EXAMPLE, &parse(EXAMPLE).unwrap());
}

#[test]
fn objects_and_keys() {
    assert_eq!(parse("{}"), Ok(obj(vec![])));
    assert_eq!(parse("  { }  "), Ok(obj(vec![])));
    let t = "{ a: 1, 'b': 2, \"c\": 3, }";
    assert_eq!(
        parse(t),
        Ok(obj(vec![
            ("a", num(1.0), at(t, "a")),
            ("b", num(2.0), at(t, "'b'")),
            ("c", num(3.0), at(t, "\"c\"")),
        ]))
    );
    // keywords and unusual names are fine as keys
    let t = "{ new: 1, true: 2, $x_1: 3, café: 4, \"a b\": 5 }";
    let JsValue::Object(entries) = parse(t).unwrap() else {
        panic!()
    };
    let keys: Vec<_> = entries.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(keys, ["new", "true", "$x_1", "café", "a b"]);
    // nested, empty nested
    assert_eq!(
        value_of("{ x: {} }"),
        obj(vec![("x", obj(vec![]), Span { start: 7, end: 8 })])
    );
}

#[test]
fn numbers() {
    let cases: &[(&str, f64)] = &[
        ("0", 0.0),
        ("42", 42.0),
        ("1.5", 1.5),
        ("1.", 1.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("1E3", 1000.0),
        ("1.5e-3", 0.0015),
        ("2e+2", 200.0),
        ("0x10", 16.0),
        ("0XfF", 255.0),
        ("0xFFFFFFFFFFFFFFFF", 18446744073709551615.0),
        ("-1.5e3", -1500.0),
        ("+7", 7.0),
        ("- 7", -7.0),
        ("-0x10", -16.0),
        ("Infinity", f64::INFINITY),
        ("-Infinity", f64::NEG_INFINITY),
        ("+Infinity", f64::INFINITY),
        ("1e400", f64::INFINITY),
        ("0.1", 0.1),
    ];
    for &(src, expected) in cases {
        assert_eq!(value_of(src), num(expected), "{src}");
    }
    let JsValue::Number(neg_zero) = value_of("-0") else {
        panic!()
    };
    assert!(neg_zero.is_sign_negative());
    for src in ["NaN", "-NaN", "+NaN"] {
        let JsValue::Number(n) = value_of(src) else {
            panic!()
        };
        assert!(n.is_nan(), "{src}");
    }
    // a number alone is a valid whole text too
    assert_eq!(parse(" 12 "), Ok(num(12.0)));
}

#[test]
fn bigints_and_null() {
    assert_eq!(value_of("5n"), JsValue::BigInt(5));
    assert_eq!(value_of("-5n"), JsValue::BigInt(-5));
    assert_eq!(value_of("- 0x10n"), JsValue::BigInt(-16));
    assert_eq!(value_of("0n"), JsValue::BigInt(0));
    assert_eq!(value_of("null"), JsValue::Null);
    assert!(matches!(
        value_of("new WebAssembly.Global({ value: 'i64' }, 5n)"),
        JsValue::New { args, .. } if args.get(1) == Some(&JsValue::BigInt(5))
    ));
    // unary plus makes a Number, which a BigInt refuses (a TypeError in JavaScript)
    assert_eq!(
        err("+5n"),
        (
            "TypeError: Cannot convert a BigInt value to a number (a '+' sign makes a Number; \
             write the BigInt without it)"
                .into(),
            "+5n"
        )
    );
    assert_eq!(err("05n").1, "05n");
}

#[test]
fn strings_and_escapes() {
    let cases: &[(&str, &str)] = &[
        (r#""plain""#, "plain"),
        ("'single'", "single"),
        (r#""it's""#, "it's"),
        (r#"'say "hi"'"#, "say \"hi\""),
        (r#""a\"b""#, "a\"b"),
        (r#"'a\'b'"#, "a'b"),
        (r#""back\\slash""#, "back\\slash"),
        (r#""line\nbreak\ttab""#, "line\nbreak\ttab"),
        (r#""\u00e9t\u00E9""#, "été"),
        (r#""\u{1F600}""#, "😀"),
        (r#""\uD83D\uDE00""#, "😀"),
        (r#""\r\0""#, "\r\0"),
        ("\"naïve ☃\"", "naïve ☃"),
        ("''", ""),
    ];
    for &(src, expected) in cases {
        assert_eq!(value_of(src), s(expected), "{src}");
    }
}

#[test]
fn names_and_members() {
    assert_eq!(value_of("true"), JsValue::Bool(true));
    assert_eq!(value_of("false"), JsValue::Bool(false));
    assert_eq!(value_of("Math"), JsValue::Math);
    assert_eq!(value_of("Math.sqrt"), JsValue::MathMember("sqrt".into()));
    assert_eq!(value_of("Math . E"), JsValue::MathMember("E".into()));
    assert_eq!(value_of("console"), JsValue::Console);
    assert_eq!(
        value_of("console.log"),
        JsValue::ConsoleMember("log".into())
    );
    assert_eq!(
        value_of("console.warn"),
        JsValue::ConsoleMember("warn".into())
    );
}

#[test]
fn new_expressions() {
    let t = "{ m: new WebAssembly.Memory({ initial: 1 }) }";
    let JsValue::Object(entries) = parse(t).unwrap() else {
        panic!()
    };
    let JsValue::New { class, args, span } = &entries[0].1 else {
        panic!()
    };
    assert_eq!(class, "Memory");
    assert_eq!(args.len(), 1);
    assert_eq!(
        &t[span.start..span.end],
        "new WebAssembly.Memory({ initial: 1 })"
    );

    // Global without and with a value; Table with a second argument;
    // trailing comma in the arguments.
    let JsValue::New { args, .. } = value_of("new WebAssembly.Global({ value: 'f64' })") else {
        panic!()
    };
    assert_eq!(args.len(), 1);
    let JsValue::New { args, .. } = value_of("new WebAssembly.Global({ value: 'f64' }, -Infinity)")
    else {
        panic!()
    };
    assert_eq!(args[1], num(f64::NEG_INFINITY));
    let JsValue::New { class, args, .. } =
        value_of("new WebAssembly.Table({ element: 'anyfunc', initial: 1 }, console.log,)")
    else {
        panic!()
    };
    assert_eq!(class, "Table");
    assert_eq!(args[1], JsValue::ConsoleMember("log".into()));
}

#[test]
fn comments_and_whitespace() {
    let t = "/* lead */{ // line\n a /* k */ : /* v */ 1 /* , */ , // end\r\n\t b\u{a0}:\u{feff}2 }// tail";
    assert_eq!(
        parse(t),
        Ok(obj(vec![
            ("a", num(1.0), Span { start: 21, end: 22 }),
            ("b", num(2.0), at(t, "b"))
        ]))
    );
    assert_eq!(parse("{}/**/"), Ok(obj(vec![])));
    assert_eq!(
        parse("{ a: Math // x\n.sin }"),
        Ok(obj(vec![(
            "a",
            JsValue::MathMember("sin".into()),
            Span { start: 2, end: 3 }
        )]))
    );
}

#[test]
fn error_messages_and_spans() {
    let cases: &[(&str, &str, &str)] = &[
        (r#"{ "mem" 1 }"#, "expected ':' after the key \"mem\"", "1"),
        (
            "{ f: fetch }",
            "unknown name fetch: the host object may use Math, console, numbers, strings, \
                 nested objects and new WebAssembly.Memory/Global/Table",
            "fetch",
        ),
        (
            "{ f: undefined }",
            "unknown name undefined: the host object may use Math, console, numbers, \
                 strings, nested objects and new WebAssembly.Memory/Global/Table",
            "undefined",
        ),
        (
            "{ m: new Date() }",
            "only WebAssembly.Memory, WebAssembly.Global and WebAssembly.Table can be created here",
            "Date",
        ),
        (
            "{ m: new WebAssembly.Module(x) }",
            "only WebAssembly.Memory, WebAssembly.Global and WebAssembly.Table can be created here",
            "Module",
        ),
        (
            "{ a: { b: 1 }",
            "missing '}': this object is never closed",
            "{",
        ),
        ("{ a: 1,", "missing '}': this object is never closed", "{"),
        ("{ a: 1 } x", "unexpected text after the object", "x"),
        ("{ a: 1 };", "unexpected text after the object", ";"),
        ("1 2", "unexpected text after the value", "2"),
        ("{ mem: 1, mem: 2 }", "the key \"mem\" appears twice", "mem"),
        (
            "{ 'mem': 1, \"mem\": 2 }",
            "the key \"mem\" appears twice",
            "\"mem\"",
        ),
        (
            "{ a: 1 b: 2 }",
            "expected ',' or '}' after the value of \"a\", found the name b",
            "b",
        ),
        (
            "{ , }",
            "expected a key (a name or a quoted string) or '}', found ','",
            ",",
        ),
        (
            "{ 0: 1 }",
            "expected a key (a name or a quoted string) or '}', found the number 0",
            "0",
        ),
        (
            "{ a: }",
            "expected a value for the key \"a\", found '}'",
            "}",
        ),
        (
            "",
            "expected an object like { env: { f: Math.sin } }, found the end of the text",
            "",
        ),
        (
            "}",
            "expected an object like { env: { f: Math.sin } }, found '}'",
            "}",
        ),
        (
            "{ a: -x }",
            "a '-' sign must be followed by a number, found the name x",
            "x",
        ),
        (
            "{ a: --1 }",
            "a '-' sign must be followed by a number, found '-'",
            "-",
        ),
        (
            "{ a: Math. }",
            "expected a name after 'Math.', like Math.sin, found '}'",
            "}",
        ),
        (
            "{ a: console.'log' }",
            "expected a name after 'console.', like console.log, found the string 'log'",
            "'log'",
        ),
        (
            "{ a: [1] }",
            "arrays are not supported in the host object; use an object { ... }",
            "[",
        ),
        (
            "{ a: `x` }",
            "template strings are not supported; use \"...\" or '...'",
            "`",
        ),
        (
            "{ f: () => 1 }",
            "parentheses and JavaScript functions are not supported here; import a host \
                 function such as Math.sin or console.log",
            "(",
        ),
        (
            "{ f: function () {} }",
            "JavaScript functions cannot be written here; import a host function such as \
                 Math.sin or console.log",
            "function",
        ),
        (
            "const imports = {}",
            "write only the object itself, without `const ... =`",
            "const",
        ),
        (
            "{ m: WebAssembly.Memory({ initial: 1 }) }",
            "WebAssembly objects are created with new, like new WebAssembly.Memory({ initial: 1 })",
            "WebAssembly",
        ),
        (
            "{ m: new WebAssembly(1) }",
            "expected '.' after WebAssembly, as in new WebAssembly.Memory(...), found '('",
            "(",
        ),
        (
            "{ m: new WebAssembly.Memory }",
            "expected '(' after WebAssembly.Memory: write new WebAssembly.Memory({ initial: 1, maximum: 10 })",
            "}",
        ),
        (
            "{ m: new WebAssembly.Memory() }",
            "new WebAssembly.Memory needs a descriptor object, like new WebAssembly.Memory({ initial: 1, maximum: 10 })",
            "new WebAssembly.Memory()",
        ),
        (
            "{ m: new WebAssembly.Memory(1) }",
            "the first argument of WebAssembly.Memory must be a descriptor object, like { initial: 1, maximum: 10 }",
            "1",
        ),
        (
            "{ m: new WebAssembly.Memory({ initial: 1 }, { x: 2 }) }",
            "WebAssembly.Memory takes only one argument, the descriptor",
            "{ x: 2 }",
        ),
        (
            "{ g: new WebAssembly.Global({ value: 'i32' }, 1, -2) }",
            "WebAssembly.Global takes at most two arguments: the descriptor and the initial value",
            "-2",
        ),
        (
            "{ t: new WebAssembly.Table({}, 1, 2) }",
            "WebAssembly.Table takes at most two arguments: the descriptor and the initial element",
            "2",
        ),
        (
            "{ g: new WebAssembly.Global({} 1) }",
            "expected ',' or ')' after an argument of WebAssembly.Global, found the number 1",
            "1",
        ),
        (
            "{ g: new WebAssembly.Global({}",
            "missing ')': the arguments of WebAssembly.Global are never closed",
            "(",
        ),
        (
            "{ g: new WebAssembly.Global(, 1) }",
            "expected an argument of WebAssembly.Global, found ','",
            ",",
        ),
        // lexical errors
        (
            "{ a: 'abc }",
            "unterminated string: missing the closing '",
            "'abc }",
        ),
        (
            "{ a: \"abc\n }",
            "unterminated string: missing the closing \" (a string must end on the line where it starts)",
            "\"abc",
        ),
        (
            r#"{ a: "x\q" }"#,
            r#"unknown escape \q in a string: the escapes here are \" \' \\ \n \t and \uXXXX"#,
            r"\q",
        ),
        (
            r#"{ a: "\u12" }"#,
            r"bad \u escape: write exactly four hex digits, like \u00e9",
            r#"\u12" "#,
        ),
        (
            r#"{ a: "\u{110000}" }"#,
            r"bad \u{...} escape: it needs 1 to 6 hex digits naming a Unicode character",
            r"\u{110000}",
        ),
        (
            r#"{ a: "\uD83D!" }"#,
            r"\uD83D is half of a surrogate pair and is not a character on its own; write the character itself or use \u{...}",
            r"\uD83D",
        ),
        (
            "{ a: 1 /* open",
            "unterminated comment: a /* comment needs a closing */",
            "/*",
        ),
        (
            "{ a: 1abc }",
            "malformed number 1abc: numbers look like 42, 1.5, 2e3 or 0x1F",
            "1abc",
        ),
        (
            "{ a: 010 }",
            "malformed number 010: a number cannot start with 0 unless it is 0, 0.5 or 0x...",
            "010",
        ),
        (
            "{ a: 1e }",
            "malformed number 1e: the exponent after e needs digits, like 2e3 or 1.5e-7",
            "1e",
        ),
        (
            "{ a: 0xg }",
            "malformed number 0xg: 0x must be followed by hex digits 0-9 and a-f",
            "0xg",
        ),
        (
            "{ a: 1.2.3 }",
            "malformed number 1.2.3: numbers look like 42, 1.5, 2e3 or 0x1F",
            "1.2.3",
        ),
        (
            "{ a: 1_000 }",
            "malformed number 1_000: numbers look like 42, 1.5, 2e3 or 0x1F",
            "1_000",
        ),
        (
            "{ “a”: 1 }",
            "“ is a typographic quote; JavaScript strings use straight quotes \" or '",
            "“",
        ),
        (
            "{ a: 1 @ }",
            "expected ',' or '}' after the value of \"a\", found '@'",
            "@",
        ),
        ("{ a = 1 }", "expected ':' after the key \"a\"", "="),
        ("{ a", "expected ':' after the key \"a\"", ""),
        (
            "{ a: Math.sin.x }",
            "expected ',' or '}' after the value of \"a\", found '.'",
            ".",
        ),
    ];
    for &(text, message, span_text) in cases {
        let (got, got_span) = err(text);
        assert_eq!(got, message, "message for {text:?}");
        assert_eq!(got_span, span_text, "span for {text:?}");
    }
}

#[test]
fn trailing_comma_and_eof_in_arguments() {
    // `({},)` is one argument with a trailing comma: accepted.
    let JsValue::New { args, .. } = value_of("new WebAssembly.Global({}, )") else {
        panic!()
    };
    assert_eq!(args, vec![obj(vec![])]);
    // Running out of text after the comma: the ')' is missing.
    let (message, span) = err("{ g: new WebAssembly.Global({},");
    assert_eq!(
        message,
        "missing ')': the arguments of WebAssembly.Global are never closed"
    );
    assert_eq!(span, "(");
}

#[test]
fn error_at_end_has_empty_span_at_the_end() {
    let text = "{ a: ";
    let e = parse(text).unwrap_err();
    assert_eq!(e.span, Span { start: 5, end: 5 });
    assert_eq!(
        e.message,
        "expected a value for the key \"a\", found the end of the text"
    );
    assert_eq!(e.to_string(), e.message);
}

#[test]
fn nesting_limit() {
    let nested = |levels: usize| {
        let mut t = String::new();
        for _ in 1..levels {
            t.push_str("{ a: ");
        }
        t.push_str("{}");
        for _ in 1..levels {
            t.push_str(" }");
        }
        t
    };
    assert!(parse(&nested(MAX_DEPTH)).is_ok());
    let too_deep = nested(MAX_DEPTH + 1);
    let e = parse(&too_deep).unwrap_err();
    assert_eq!(
        e.message,
        "the values are nested too deeply (more than 32 levels)"
    );
    assert_eq!(e.span.start, too_deep.rfind('{').unwrap());
    // `new` counts as a level too
    let mut t = nested(MAX_DEPTH);
    t = t.replacen("{}", "new WebAssembly.Memory({})", 1);
    let e = parse(&t).unwrap_err();
    assert_eq!(
        e.message,
        "the values are nested too deeply (more than 32 levels)"
    );
    // the `new` is level 32, its descriptor object level 33
    assert_eq!(&t[e.span.start..e.span.end], "{");
    // very deep inputs fail cleanly
    assert!(parse(&"{ a: ".repeat(1_000_000)).is_err());
    assert!(parse(&"{".repeat(1_000_000)).is_err());
    assert!(parse(&"new WebAssembly.Global({}, ".repeat(100_000)).is_err());
    assert!(parse(&"-".repeat(100_000)).is_err());
}

/// Parsing must never panic, and error spans must lie on char
/// boundaries inside the text.
fn never_panics(text: &str) {
    if let Err(e) = parse(text) {
        assert!(e.span.start <= e.span.end, "{text:?}: {e:?}");
        assert!(
            text.get(e.span.start..e.span.end).is_some(),
            "{text:?}: {e:?}"
        );
        assert!(!e.message.is_empty());
    } else if let Ok(v) = parse(text) {
        let _ = check_two_levels(&v);
    }
}

#[test]
fn every_prefix_of_the_example() {
    let boundaries = (0..=EXAMPLE.len()).filter(|&i| EXAMPLE.is_char_boundary(i));
    for end in boundaries {
        let prefix = &EXAMPLE[..end];
        never_panics(prefix);
        if end < EXAMPLE.len() && !EXAMPLE[end..].trim().is_empty() {
            assert!(parse(prefix).is_err(), "prefix {prefix:?} parsed");
        }
    }
    // and every suffix, and the example with each byte removed
    for start in (0..=EXAMPLE.len()).filter(|&i| EXAMPLE.is_char_boundary(i)) {
        never_panics(&EXAMPLE[start..]);
    }
    for i in 0..EXAMPLE.len() {
        let mut bytes = EXAMPLE.as_bytes().to_vec();
        bytes.remove(i);
        never_panics(&String::from_utf8_lossy(&bytes));
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_garbage_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // random bytes, including invalid UTF-8 (replaced) and non-ASCII
    for _ in 0..20_000 {
        let len = rng.below(40);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        never_panics(&String::from_utf8_lossy(&bytes));
    }
    // random characters from an alphabet that reaches deep into the lexer
    let alphabet: Vec<char> =
        "{}():,.+-\"'\\/*\n 0123456789xXeE_$abuUdDfF[`;=@é☃😀“\u{a0}\u{2028}{}"
            .chars()
            .collect();
    for _ in 0..50_000 {
        let len = rng.below(30);
        let text: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        never_panics(&text);
    }
    // random token soup
    let words = [
        "{",
        "}",
        "(",
        ")",
        ":",
        ",",
        ".",
        "-",
        "+",
        "new",
        "WebAssembly",
        "Memory",
        "Global",
        "Table",
        "Math",
        "console",
        "log",
        "sin",
        "\"k\"",
        "'k'",
        "a",
        "1",
        "0x1f",
        "1.5e3",
        "Infinity",
        "NaN",
        "true",
        "//c\n",
        "/*c*/",
        "\"\\u",
        "\"\\uD83D",
        "\\",
        "é",
        " ",
    ];
    for _ in 0..50_000 {
        let len = rng.below(25);
        let text: String = (0..len)
            .map(|_| words[rng.below(words.len())])
            .collect::<Vec<_>>()
            .join(" ");
        never_panics(&text);
    }
}

#[test]
fn escapes_at_the_very_end_never_panic() {
    for text in [
        "\"\\",
        "\"\\u",
        "\"\\u{",
        "\"\\u{1",
        "\"\\u12",
        "\"\\uD83D",
        "\"\\uD83D\\",
        "\"\\uD83D\\u",
        "\"\\uD83D\\uDE0",
        "\"\\ué",
        "\"\\u1é",
        "\"\\u{é}",
        "'\\é'",
        "0x",
        ".",
        "-",
        "/",
        "/*",
        "/*/",
        "“",
    ] {
        never_panics(text);
        assert!(parse(text).is_err(), "{text:?}");
    }
}

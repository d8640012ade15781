//! Assembling WAT with source positions kept: errors come back with the
//! byte offset in the text they were found at, so the session can point at
//! the user's own input. (`wat::Error` has no span, hence `wast` directly.)

use std::fmt;

/// An assembler error at a byte offset of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmError {
    /// The assembler's message, without position decoration.
    pub message: String,
    /// Byte offset into the assembled text.
    pub offset: usize,
}

impl AsmError {
    /// The assembler's error, with a hint where the text at the error is a
    /// common slip (a lone `;` taken for a comment).
    pub fn from_wast(text: &str, e: &wast::Error) -> AsmError {
        let offset = e.span().offset();
        let mut message = e.message();
        let rest = text.get(offset..).unwrap_or("");
        if rest.starts_with(';') && !rest.starts_with(";;") {
            message.push_str(
                "; a single `;` is not a comment in WAT: write `;;` for a comment to the end \
                 of the line, or `(; ... ;)` around a comment",
            );
        }
        let field = message.starts_with("expected valid module field");
        if message.starts_with("unknown operator") || field {
            // A bad field is reported at its `(`, an instruction at its word.
            let at = if field {
                rest.strip_prefix('(').unwrap_or(rest)
            } else {
                rest
            };
            let word: String = at
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && !"()".contains(*c))
                .collect();
            let in_form = field || text[..offset].trim_end().ends_with('(');
            if let Some(names) = close_instructions(&word, in_form) {
                message.push_str(&format!("; did you mean {names}?"));
            }
        }
        if message == "expected `(`"
            && let Some(fixed) = limits_after_pagesize(text, offset)
        {
            message.push_str(&format!(
                "; a memory's limits come before its page size: {fixed}"
            ));
        }
        if let Some(rewrite) = missing_const_operand(text, offset, &message) {
            return rewrite;
        }
        // At the end of the text, "expected `)`" means a `(` was never
        // closed: point at it, as the workbench does for an input.
        if message == "expected `)`"
            && rest.trim().is_empty()
            && let Some(open) = super::lex::unclosed(text)
        {
            return AsmError {
                message: super::lex::never_closed(text, open),
                offset: open,
            };
        }
        if let Some(rest) = message.strip_prefix("expected a i") {
            message = format!("expected an i{rest}");
        }
        AsmError { message, offset }
    }
}

/// A `T.const` with no value after it, before a `)` (wast says "expected a
/// i32" there, possibly in code around the user's input): the error put
/// on the instruction itself, with an example (issue 11).
fn missing_const_operand(text: &str, offset: usize, message: &str) -> Option<AsmError> {
    let at_close = text.get(offset..)?.trim_start().starts_with(')');
    if !at_close || !(message.starts_with("expected a") || message.starts_with("unexpected token"))
    {
        return None;
    }
    let before = text.get(..offset)?.trim_end();
    let start = before
        .rfind(|c: char| c.is_whitespace() || "()".contains(c))
        .map_or(0, |i| i + 1);
    let word = &before[start..];
    let example = match word {
        "i32.const" | "i64.const" => "42",
        "f32.const" | "f64.const" => "1.5",
        "v128.const" => "i32x4 1 2 3 4",
        _ => return None,
    };
    Some(AsmError {
        message: format!("{word} needs a value, e.g. {word} {example}"),
        offset: start,
    })
}

/// `(memory (pagesize 1) 3 5)`, limits after the page size (an error at
/// `3`): the memory written the right way round, `(memory 3 5 (pagesize 1))`.
fn limits_after_pagesize(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let open = before.rfind("(memory")?;
    let head = before.get(open..)?;
    let size_at = head.find("(pagesize")?;
    let size_end = size_at + head.get(size_at..)?.find(')')? + 1;
    // Nothing but the page size between the memory's head and the error.
    if !head.get(size_end..)?.trim().is_empty() {
        return None;
    }
    let rest = text.get(offset..)?;
    let limits = rest.get(..rest.find(')')?)?.trim();
    Some(format!(
        "{}{limits} {})",
        head.get(..size_at)?,
        head.get(size_at..size_end)?
    ))
}

/// The words that open a form other than an instruction: module fields and
/// the parts of one (`(fucn ...)` is a misspelt `func`, not an instruction).
const FORM_KEYWORDS: &[&str] = &[
    "module", "func", "param", "result", "local", "global", "memory", "table", "type", "import",
    "export", "data", "elem", "start", "tag", "then", "else", "struct", "array", "field", "rec",
    "sub", "mut", "offset", "item", "declare",
];

/// The instruction names (and, `in_form`, right after a `(`, the form
/// keywords) closest to a mistyped `word` (at most two edits, a swap of
/// neighbours counting as one), as "`a`" or "`a` or `b`"; `None` when
/// nothing is that close.
fn close_instructions(word: &str, in_form: bool) -> Option<String> {
    if word.len() < 3 {
        return None;
    }
    let keywords = FORM_KEYWORDS.iter().copied().filter(|_| in_form);
    let scored = crate::text::catalog::all()
        .iter()
        .map(|doc| doc.name)
        .chain(keywords)
        .map(|name| (strsim::damerau_levenshtein(name, word), name));
    let best = scored.clone().map(|(d, _)| d).min()?;
    if best > 2 || best * 3 > word.len() {
        return None;
    }
    let names: Vec<String> = scored
        .filter(|&(d, _)| d == best)
        .map(|(_, name)| format!("`{name}`"))
        .take(3)
        .collect();
    Some(names.join(" or "))
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Assembles a `(module ...)` text into a binary.
///
/// # Errors
/// The first syntax or name-resolution error, with its offset.
pub fn assemble_module(text: &str) -> Result<Vec<u8>, AsmError> {
    let error = |e: wast::Error| AsmError::from_wast(text, &e);
    let buf = wast::parser::ParseBuffer::new(text).map_err(error)?;
    let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buf).map_err(error)?;
    wat.encode().map_err(error)
}

/// Assembles a module and returns, with the binary, for each function defined
/// in the text (in order) the text offset of each of its instructions, in the
/// order they are encoded (folded operands first).
///
/// # Errors
/// As [`assemble_module`].
pub fn assemble_with_instr_spans(text: &str) -> Result<(Vec<u8>, Vec<Vec<usize>>), AsmError> {
    let error = |e: wast::Error| AsmError::from_wast(text, &e);
    let mut buf = wast::parser::ParseBuffer::new(text).map_err(error)?;
    buf.track_instr_spans(true);
    let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buf).map_err(error)?;
    let mut funcs = instruction_spans(&wat);
    let bytes = wat.encode().map_err(error)?;
    // A recorded span may sit just before its instruction (on the end of the
    // previous token); move each to the instruction name it belongs to. The
    // `end` of a folded block is its closing parenthesis, and stays there.
    let tokens = crate::text::lex::tokens(text);
    for spans in &mut funcs {
        for span in spans.iter_mut().filter(|s| !text[**s..].starts_with(')')) {
            // Tokens are in text order: look from the first one at the span on.
            let from = tokens.partition_point(|t| t.range.start < *span);
            *span = tokens[from..]
                .iter()
                .find(|t| is_instruction(text, t))
                .map_or(*span, |t| t.range.start);
        }
    }
    Ok((bytes, funcs))
}

/// The text offset of the `func` keyword of each function the module text
/// defines (imported ones left out), in order: where to point when a body
/// has no instruction to point at. Empty when the text does not parse.
pub fn defined_func_offsets(text: &str) -> Vec<usize> {
    let Ok(buf) = wast::parser::ParseBuffer::new(text) else {
        return Vec::new();
    };
    let Ok(wat) = wast::parser::parse::<wast::Wat<'_>>(&buf) else {
        return Vec::new();
    };
    defined_funcs(&wat)
        .map(|(func, _)| func.span.offset())
        .collect()
}

/// For each function a text module defines, in order, the offsets the parser
/// recorded for its instructions (in encoding order; empty without
/// `track_instr_spans`, and for binary modules).
pub fn instruction_spans(wat: &wast::Wat<'_>) -> Vec<Vec<usize>> {
    defined_funcs(wat)
        .map(|(_, expression)| {
            expression
                .instr_spans
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .map(|s| s.offset())
                .collect()
        })
        .collect()
}

/// The functions a text module defines (not imports), with their bodies, in order.
fn defined_funcs<'a, 'b>(
    wat: &'b wast::Wat<'a>,
) -> impl Iterator<Item = (&'b wast::core::Func<'a>, &'b wast::core::Expression<'a>)> {
    let fields: &[wast::core::ModuleField<'a>] = match wat {
        wast::Wat::Module(wast::core::Module {
            kind: wast::core::ModuleKind::Text(fields),
            ..
        }) => fields,
        _ => &[],
    };
    fields.iter().filter_map(|field| match field {
        wast::core::ModuleField::Func(func) => match &func.kind {
            wast::core::FuncKind::Inline { expression, .. } => Some((func, expression)),
            wast::core::FuncKind::Import(..) => None,
        },
        _ => None,
    })
}

/// Whether a token is an instruction's name.
fn is_instruction(text: &str, token: &crate::text::lex::Token) -> bool {
    token.kind == crate::text::lex::TokenKind::Keyword
        && instruction_names().contains(&text[token.range.clone()])
}

/// The catalog's instruction names, as a set (a catalog lookup compares
/// with every entry; issue 14: a module of 10,000 functions).
fn instruction_names() -> &'static std::collections::HashSet<&'static str> {
    static NAMES: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    NAMES.get_or_init(|| crate::text::catalog::all().iter().map(|d| d.name).collect())
}

/// The start of the first instruction name at or after `offset` (a span the
/// parser recorded may sit just before its instruction), or `offset` itself.
pub fn instruction_start(text: &str, offset: usize) -> usize {
    let Some(rest) = text.get(offset..) else {
        return offset;
    };
    crate::text::lex::tokens(rest)
        .iter()
        .find(|t| is_instruction(rest, t))
        .map_or(offset, |t| offset + t.range.start)
}

/// Converts a byte offset into a 0-based (line, column) pair.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let col = before.rfind('\n').map_or(before.chars().count(), |nl| {
        before[nl + 1..].chars().count()
    });
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_the_offset_of_the_bad_token() {
        let text = "(module (func i32.const 1 i32.ad drop))";
        let err = assemble_module(text).expect_err("unknown instruction");
        assert_eq!(&text[err.offset..err.offset + 6], "i32.ad");
        assert!(err.message.contains("unknown operator"), "{}", err.message);
        assert!(
            err.message
                .ends_with("did you mean `i32.add` or `i32.and`?"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_parenthesis_never_closed_is_pointed_at_where_it_opens() {
        let text = "(module\n  (func (result i32)\n    (i32.const 1)\n";
        let err = assemble_module(text).expect_err("unclosed");
        // The innermost form open where the text ends.
        assert_eq!(
            err.message,
            "this `(func` is never closed: add the missing `)`"
        );
        assert_eq!(err.offset, text.find("(func").unwrap_or(0));
        let text = "(module (func (result i32) (i32.const 1)) (func";
        let err = assemble_module(text).expect_err("the second func is open");
        assert_eq!(&text[err.offset..], "(func");
        let text = "(module (func (result i32) (i32.const 1)) (func)";
        let err = assemble_module(text).expect_err("the module is open");
        assert_eq!(err.offset, 0);
    }

    #[test]
    fn mistyped_instructions_get_the_closest_names() {
        let err = assemble_module("(module (func i32.cosnt 1 drop))").expect_err("typo");
        assert!(
            err.message.ends_with("; did you mean `i32.const`?"),
            "{}",
            err.message
        );
        let err = assemble_module("(module (fucn $f))").expect_err("a misspelt field");
        assert!(
            err.message.ends_with("; did you mean `func`?"),
            "{}",
            err.message
        );
        let err = assemble_module("(module (func frobnicate))").expect_err("no such word");
        assert!(!err.message.contains("did you mean"), "{}", err.message);
    }

    #[test]
    fn instruction_spans_follow_encoding_order() {
        let text = "(module (func) (func (i32.add (i32.const 1) (i32.const 2)) drop))";
        let (_, funcs) = assemble_with_instr_spans(text).expect("assembles");
        let word = |at: &usize| text[*at..].split([' ', ')', '(']).next().unwrap_or("");
        assert!(funcs[0].is_empty());
        assert_eq!(
            funcs[1].iter().map(word).collect::<Vec<_>>(),
            vec!["i32.const", "i32.const", "i32.add", "drop"]
        );
        assert_eq!(funcs[1][0], text.find("i32.const 1").expect("in the text"));
    }

    #[test]
    fn a_folded_blocks_end_is_its_closing_parenthesis() {
        let text = "(module (func (block (i32.const 1)) (nop)))";
        let (_, funcs) = assemble_with_instr_spans(text).expect("assembles");
        let at = |i: usize| &text[funcs[0][i]..funcs[0][i] + 3];
        assert_eq!([at(0), at(1), at(2), at(3)], ["blo", "i32", ") (", "nop"]);
    }

    #[test]
    fn defined_functions_are_found_at_their_keyword() {
        let text = "(module (func (import \"m\" \"f\")) (func $a) (func (result i32)))";
        let found: Vec<&str> = defined_func_offsets(text)
            .iter()
            .map(|at| &text[*at..*at + 7])
            .collect();
        assert_eq!(found, ["func $a", "func (r"]);
        assert!(defined_func_offsets("(module (func").is_empty());
    }

    #[test]
    fn limits_after_a_page_size_are_put_first_in_the_hint() {
        let error = assemble_module("(module (memory $m (pagesize 1) 3 5))").unwrap_err();
        assert_eq!(
            error.message,
            "expected `(`; a memory's limits come before its page size: (memory $m 3 5 (pagesize 1))"
        );
    }

    #[test]
    fn line_and_column_are_zero_based() {
        assert_eq!(line_col("ab\ncde", 4), (1, 1));
        assert_eq!(line_col("ab", 99), (0, 2));
        assert_eq!(
            line_col("é!", 1),
            (0, 0),
            "an offset inside a character counts from its start"
        );
    }
}

//! A forgiving WAT lexer for the line editor and the transcript reader:
//! it tells whether an input is complete (parentheses balanced outside
//! strings and comments) and splits text into coloured-able tokens. It never
//! fails; the real assembler reports errors.

/// What kind of text a token is, for highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `(` or `)`.
    Paren,
    /// A keyword or instruction name (`func`, `i32.add`).
    Keyword,
    /// A `$name`.
    Name,
    /// A number literal.
    Number,
    /// A string literal.
    String,
    /// A `;;` line comment or `(; ;)` block comment.
    Comment,
    /// Spaces and newlines.
    Space,
    /// Anything else (e.g. `offset=4`, a meta command word).
    Other,
}

/// One token: its kind and byte range in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Kind.
    pub kind: TokenKind,
    /// Byte range in the text.
    pub range: std::ops::Range<usize>,
}

/// Splits `text` into tokens covering every byte.
pub fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b'(' if bytes.get(i + 1) == Some(&b';') => {
                i = block_comment_end(bytes, i);
                TokenKind::Comment
            }
            b'(' | b')' | b'{' | b'}' => {
                i += 1;
                TokenKind::Paren
            }
            b';' if bytes.get(i + 1) == Some(&b';') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                TokenKind::Comment
            }
            b'"' => {
                i = string_end(bytes, i);
                TokenKind::String
            }
            c if c.is_ascii_whitespace() => {
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                TokenKind::Space
            }
            // A `;` that starts no comment (a lone `;`, or `;)` outside a
            // block comment) is a token of its own, so the loop always advances.
            b';' => {
                i += 1;
                TokenKind::Other
            }
            _ => {
                while i < bytes.len()
                    && !matches!(bytes[i], b'(' | b')' | b'{' | b'}' | b'"' | b';')
                    && !bytes[i].is_ascii_whitespace()
                {
                    i += 1;
                }
                classify(&text[start..i])
            }
        };
        out.push(Token {
            kind,
            range: start..i.min(bytes.len()),
        });
    }
    out
}

fn classify(word: &str) -> TokenKind {
    let first = word.chars().next().unwrap_or(' ');
    if first == '$' {
        TokenKind::Name
    } else if first.is_ascii_digit()
        || ((first == '-' || first == '+') && word.len() > 1)
        || word == "inf"
        || word.starts_with("nan")
    {
        TokenKind::Number
    } else if first.is_ascii_lowercase() && !word.contains('=') {
        TokenKind::Keyword
    } else {
        TokenKind::Other
    }
}

fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn block_comment_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i + 1 < bytes.len() {
        if bytes[i] == b'(' && bytes[i + 1] == b';' {
            depth += 1;
            i += 2;
        } else if bytes[i] == b';' && bytes[i + 1] == b')' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// How many parentheses (or braces, for `:host { ... }`) are still open at
/// the end of `text` (negative when there are too many closing ones).
/// Strings and comments do not count.
pub fn open_parens(text: &str) -> i64 {
    let mut depth = 0i64;
    for token in tokens(text) {
        if token.kind == TokenKind::Paren {
            depth += if matches!(&text[token.range], "(" | "{") {
                1
            } else {
                -1
            };
        }
    }
    depth
}

/// The byte offset of the first `)` that closes a parenthesis `text` never
/// opened (strings and comments do not count), if any.
pub fn stray_close(text: &str) -> Option<usize> {
    let mut depth = 0i64;
    tokens(text).into_iter().find_map(|token| {
        if token.kind != TokenKind::Paren || !matches!(&text[token.range.clone()], "(" | ")") {
            return None;
        }
        depth += if &text[token.range.clone()] == ")" {
            -1
        } else {
            1
        };
        (depth < 0).then_some(token.range.start)
    })
}

/// What to say at the `(` at byte `at` of `text` that is never closed (see
/// [`unclosed`]), naming the form it opens: "this `(i32.store` is never
/// closed: add the missing `)`".
pub fn never_closed(text: &str, at: usize) -> String {
    let form = tokens(text)
        .into_iter()
        .find(|t| t.range.start > at && !matches!(t.kind, TokenKind::Space | TokenKind::Comment))
        .filter(|t| t.kind != TokenKind::Paren)
        .map_or(String::new(), |t| text[t.range].to_string());
    format!("this `({form}` {NEVER_CLOSED}")
}

/// The end of every [`never_closed`] message.
const NEVER_CLOSED: &str = "is never closed: add the missing `)`";

/// Whether `message` is a [`never_closed`] one.
pub fn is_never_closed(message: &str) -> bool {
    message.starts_with("this `(") && message.ends_with(NEVER_CLOSED)
}

/// The byte offset of the `(` that `text` most likely never closes
/// (strings and comments do not count), if any `(` is left open: the
/// first form a later line starts at or left of the indentation it started
/// at (that line reads as its sibling, so its `)` went missing before it,
/// and a later `)` closed it instead of its parent), else the innermost
/// form still open where the text ends, as rustc points at the unclosed
/// delimiter.
pub fn unclosed(text: &str) -> Option<usize> {
    // Open parentheses: offset, and the indentation of their line when
    // they are the first thing on it.
    let mut open: Vec<(usize, Option<usize>)> = Vec::new();
    let mut suspect = None;
    let mut line_start = true;
    let mut indent = 0;
    for token in tokens(text) {
        let word = &text[token.range.clone()];
        if token.kind == TokenKind::Space {
            if let Some(last) = word.rfind('\n') {
                line_start = true;
                indent = word[last + 1..].chars().count();
            } else if token.range.start == 0 {
                indent = word.chars().count();
            }
            continue;
        }
        if line_start && suspect.is_none() && word != ")" {
            suspect = (open.iter())
                .find(|(_, at)| at.is_some_and(|at| at >= indent))
                .map(|(offset, _)| *offset);
        }
        match (token.kind, word) {
            (TokenKind::Paren, "(") => open.push((token.range.start, line_start.then_some(indent))),
            (TokenKind::Paren, ")") => {
                open.pop();
            }
            _ => {}
        }
        line_start = word.ends_with('\n');
    }
    let innermost = open.last()?.0;
    Some(suspect.unwrap_or(innermost))
}

/// The byte offset of the `)` that closes the form `at` is inside of
/// (`at` being past its `(`), strings and comments not counting.
pub fn enclosing_close(text: &str, at: usize) -> Option<usize> {
    let mut depth = 0usize;
    tokens(text)
        .into_iter()
        .filter(|t| t.range.start >= at)
        .find_map(|token| {
            match (token.kind, &text[token.range.clone()]) {
                (TokenKind::Paren, "(") => depth += 1,
                (TokenKind::Paren, ")") if depth == 0 => return Some(token.range.start),
                (TokenKind::Paren, ")") => depth -= 1,
                _ => {}
            }
            None
        })
}

/// Whether `text` ends inside a string or block comment.
pub fn unterminated(text: &str) -> bool {
    tokens(text).last().is_some_and(|t| match t.kind {
        TokenKind::String => !text[t.range.clone()].ends_with('"') || t.range.len() == 1,
        TokenKind::Comment => {
            text[t.range.clone()].starts_with("(;") && !text[t.range.clone()].ends_with(";)")
        }
        _ => false,
    })
}

/// Whether an input is ready to evaluate: nothing left open.
pub fn is_complete(text: &str) -> bool {
    open_parens(text) <= 0 && !unterminated(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_ignores_strings_and_comments() {
        assert_eq!(open_parens("(func (param i32)"), 1);
        assert_eq!(open_parens("(data \"(((\")"), 0);
        assert_eq!(open_parens("(func ;; (((\n)"), 0);
        assert_eq!(open_parens("(func (; ( ;) )"), 0);
        assert_eq!(open_parens("))"), -2);
        assert_eq!(open_parens(":host { \"mem\": {"), 2);
    }

    #[test]
    fn the_enclosing_close_paren_skips_inner_forms_strings_and_comments() {
        let text = "(module (func $f (i32.const 1) \")\" ;; )\n drop))";
        assert_eq!(enclosing_close(text, 9), Some(text.len() - 2));
        assert_eq!(enclosing_close(text, 1), Some(text.len() - 1));
        assert_eq!(enclosing_close("(func (nop)", 1), None);
    }

    #[test]
    fn a_stray_close_paren_is_found_outside_strings_and_comments() {
        assert_eq!(stray_close("(func $f\n  nop)) nop"), Some(15));
        assert_eq!(stray_close("(i32.const 1) \")\" ;; )"), None);
        assert_eq!(stray_close("i32.const 1 (; ) ;)"), None);
    }

    #[test]
    fn the_unclosed_paren_is_the_innermost_or_the_one_layout_gives_away() {
        assert_eq!(unclosed("(func (result i32)\n  (i32.const 1)"), Some(0));
        assert_eq!(unclosed("(a) (b (c)"), Some(4));
        assert_eq!(unclosed("(a) (b (c (d)"), Some(7));
        assert_eq!(unclosed("(data \"(\") ;; ("), None);
        // A line that starts where an open form started is its sibling:
        // that form's `)` went missing, though a later `)` closed it.
        let text = "(func $f\n  (i32.store (local.get 0) (i32.const 1)\n  (drop (i32.const 2)))";
        assert_eq!(unclosed(text), text.find("(i32.store"));
        assert_eq!(
            never_closed(text, text.find("(i32.store").unwrap_or(0)),
            "this `(i32.store` is never closed: add the missing `)`"
        );
        let text = "(module\n  (func $f (result i32)\n    (i32.const 1))\n";
        assert_eq!(unclosed(text), Some(0));
        assert!(is_never_closed(&never_closed(text, 0)));
        // A `)` on a line of its own, and comments, say nothing of layout.
        let text = "(func $f\n  ;; a block\n  (block\n    nop\n  )\n  (drop";
        assert_eq!(unclosed(text), text.find("(drop"));
    }

    #[test]
    fn completeness_waits_for_strings_and_block_comments() {
        assert!(!is_complete("(data \"abc"));
        assert!(!is_complete("(; open"));
        assert!(is_complete("i32.const 1"));
        assert!(is_complete("(data \"a\\\"b\")"));
    }

    #[test]
    fn a_semicolon_outside_a_comment_is_a_token_of_its_own() {
        for text in [";", "i32.const 1 ;", ";)", "a;b"] {
            let toks = tokens(text);
            assert_eq!(
                toks.iter().map(|t| t.range.len()).sum::<usize>(),
                text.len()
            );
        }
        assert_eq!(tokens(";)").len(), 2);
        assert_eq!(open_parens(";)"), -1);
    }

    #[test]
    fn tokens_cover_the_text_and_classify() {
        let text = "(i32.add (local.get $x) (i32.const -7)) ;; done";
        let toks = tokens(text);
        assert_eq!(
            toks.iter().map(|t| t.range.len()).sum::<usize>(),
            text.len()
        );
        let kinds: Vec<TokenKind> = toks
            .iter()
            .filter(|t| t.kind != TokenKind::Space)
            .map(|t| t.kind)
            .collect();
        use TokenKind::*;
        assert_eq!(
            kinds,
            vec![
                Paren, Keyword, Paren, Keyword, Name, Paren, Paren, Keyword, Number, Paren, Paren,
                Comment
            ]
        );
    }
}

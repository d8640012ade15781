//! The lexer of the JavaScript subset: tokens with spans, string escapes,
//! number literals, and comments and whitespace skipped.

use super::value::{JsError, Span, error};

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    LBrace,
    RBrace,
    LParen,
    RParen,
    Colon,
    Comma,
    Dot,
    Plus,
    Minus,
    Number(f64),
    /// A BigInt literal, modulo 2^64.
    BigInt(i64),
    Str(String),
    Ident(String),
    /// Any other character (`[`, `;`, `=`, ...), left to the parser to
    /// complain about in context.
    Other(char),
    End,
}

/// A token and its place in the text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    /// What the token is.
    pub(super) tok: Tok,
    /// Where it is.
    pub(super) span: Span,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Turns the text into tokens, one at a time.
pub(super) struct Lexer<'a> {
    text: &'a str,
    /// Offset of the next unread byte.
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `text`.
    pub(super) fn new(text: &'a str) -> Lexer<'a> {
        Lexer { text, pos: 0 }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span { start, end }
    }

    fn skip_trivia(&mut self) -> Result<(), JsError> {
        loop {
            let rest = &self.text[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Ok(());
            };
            if c.is_whitespace() || c == '\u{feff}' {
                self.pos += c.len_utf8();
            } else if rest.starts_with("//") {
                let line_end = rest
                    .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                    .unwrap_or(rest.len());
                self.pos += line_end;
            } else if let Some(body) = rest.strip_prefix("/*") {
                match body.find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => {
                        return Err(error(
                            "unterminated comment: a /* comment needs a closing */",
                            self.span(self.pos, self.pos + 2),
                        ));
                    }
                }
            } else {
                return Ok(());
            }
        }
    }

    /// The next token (`Tok::End` at the end of the text).
    pub(super) fn next_token(&mut self) -> Result<Token, JsError> {
        self.skip_trivia()?;
        let start = self.pos;
        let rest = &self.text[start..];
        let Some(c) = rest.chars().next() else {
            return Ok(Token {
                tok: Tok::End,
                span: self.span(start, start),
            });
        };
        let single = |tok| (tok, c.len_utf8());
        let (tok, len) = match c {
            '{' => single(Tok::LBrace),
            '}' => single(Tok::RBrace),
            '(' => single(Tok::LParen),
            ')' => single(Tok::RParen),
            ':' => single(Tok::Colon),
            ',' => single(Tok::Comma),
            '+' => single(Tok::Plus),
            '-' => single(Tok::Minus),
            '"' | '\'' => return self.lex_string(c),
            '0'..='9' => return self.lex_number(),
            '.' if rest[1..].starts_with(|d: char| d.is_ascii_digit()) => {
                return self.lex_number();
            }
            '.' => single(Tok::Dot),
            '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' => {
                return Err(error(
                    format!(
                        "{c} is a typographic quote; JavaScript strings use straight quotes \
                         \" or '"
                    ),
                    self.span(start, start + c.len_utf8()),
                ));
            }
            c if is_ident_start(c) => {
                let len = rest
                    .find(|d: char| !is_ident_continue(d))
                    .unwrap_or(rest.len());
                (Tok::Ident(rest[..len].to_string()), len)
            }
            other => single(Tok::Other(other)),
        };
        self.pos = start + len;
        Ok(Token {
            tok,
            span: self.span(start, start + len),
        })
    }

    fn lex_number(&mut self) -> Result<Token, JsError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let hex = self.text[start..].starts_with("0x") || self.text[start..].starts_with("0X");
        let mut end = start;
        while end < bytes.len() {
            let b = bytes[end];
            let sign_of_exponent = (b == b'+' || b == b'-')
                && !hex
                && end > start
                && matches!(bytes[end - 1], b'e' | b'E');
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'$' || sign_of_exponent
            {
                end += 1;
            } else {
                break;
            }
        }
        let span = self.span(start, end);
        let src = &self.text[start..end];
        self.pos = end;
        let value = match src.strip_suffix('n') {
            Some(digits) => bigint_value(digits).map(Tok::BigInt),
            None => number_value(src).map(Tok::Number),
        };
        match value {
            Ok(tok) => Ok(Token { tok, span }),
            Err(why) => Err(error(format!("malformed number {src}: {why}"), span)),
        }
    }

    fn lex_string(&mut self, quote: char) -> Result<Token, JsError> {
        let start = self.pos;
        let mut i = start + 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[i..].chars().next() else {
                return Err(error(
                    format!("unterminated string: missing the closing {quote}"),
                    self.span(start, i),
                ));
            };
            if c == quote {
                i += 1;
                break;
            }
            match c {
                '\n' | '\r' => {
                    return Err(error(
                        format!(
                            "unterminated string: missing the closing {quote} \
                             (a string must end on the line where it starts)"
                        ),
                        self.span(start, i),
                    ));
                }
                '\\' => {
                    let (ch, len) = self.escape(i)?;
                    out.push(ch);
                    i += len;
                }
                _ => {
                    out.push(c);
                    i += c.len_utf8();
                }
            }
        }
        self.pos = i;
        Ok(Token {
            tok: Tok::Str(out),
            span: self.span(start, i),
        })
    }

    /// Decodes the escape sequence starting at the backslash at `at`:
    /// returns the character and the sequence's length in bytes.
    fn escape(&self, at: usize) -> Result<(char, usize), JsError> {
        let after = &self.text[at + 1..];
        let Some(e) = after.chars().next() else {
            return Err(error(
                "unterminated string: it ends with a lone \\",
                self.span(at, at + 1),
            ));
        };
        let simple = match e {
            '"' => Some('"'),
            '\'' => Some('\''),
            '\\' => Some('\\'),
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '0' if !after[1..].starts_with(|d: char| d.is_ascii_digit()) => Some('\0'),
            _ => None,
        };
        if let Some(ch) = simple {
            return Ok((ch, 2));
        }
        if e != 'u' {
            return Err(error(
                format!(
                    "unknown escape \\{e} in a string: the escapes here are \
                     \\\" \\' \\\\ \\n \\t and \\uXXXX"
                ),
                self.span(at, at + 1 + e.len_utf8()),
            ));
        }
        // \u{X...}
        if let Some(braced) = after[1..].strip_prefix('{') {
            let close = braced.find('}');
            let digits = close.map(|c| &braced[..c]);
            if let Some(digits) = digits
                && (1..=6).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_hexdigit())
                && let Some(ch) = u32::from_str_radix(digits, 16)
                    .ok()
                    .and_then(char::from_u32)
            {
                return Ok((ch, 4 + digits.len()));
            }
            let end = close.map_or(at + 3, |c| at + 4 + c);
            return Err(error(
                "bad \\u{...} escape: it needs 1 to 6 hex digits naming a Unicode character",
                self.span(at, end),
            ));
        }
        let four = |from: usize| -> Option<u32> {
            let digits = self.text.get(from..from + 4)?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(digits, 16).ok()
        };
        let Some(unit) = four(at + 2) else {
            let end = (at + 2..=(at + 6).min(self.text.len()))
                .rev()
                .find(|&e| self.text.is_char_boundary(e))
                .unwrap_or(at + 2);
            return Err(error(
                "bad \\u escape: write exactly four hex digits, like \\u00e9",
                self.span(at, end),
            ));
        };
        if let Some(ch) = char::from_u32(unit) {
            return Ok((ch, 6));
        }
        // A surrogate: only a high one followed by a low one makes a char.
        if (0xd800..0xdc00).contains(&unit)
            && self.text[at + 6..].starts_with("\\u")
            && let Some(low) = four(at + 8)
            && (0xdc00..0xe000).contains(&low)
            && let Some(ch) = char::from_u32(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00))
        {
            return Ok((ch, 12));
        }
        Err(error(
            format!(
                "\\u{unit:04X} is half of a surrogate pair and is not a character on its own; \
                 write the character itself or use \\u{{...}}"
            ),
            self.span(at, at + 6),
        ))
    }
}

/// The value of a BigInt literal's digits (the source without its `n`),
/// modulo 2^64 (ECMAScript BigInt literals are decimal, `0x`, `0o` or `0b`
/// integers; watlab reads decimal and hex), or why it is malformed.
fn bigint_value(digits: &str) -> Result<i64, &'static str> {
    const SHAPES: &str = "a BigInt is a whole number followed by n, like 42n or 0x10n";
    let (radix, digits) = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => (16, hex),
        None if digits.len() > 1 && digits.starts_with('0') => {
            return Err("a BigInt cannot start with 0 unless it is 0n or 0x...n");
        }
        None => (10, digits),
    };
    if digits.is_empty() {
        return Err(SHAPES);
    }
    digits
        .chars()
        .try_fold(0u64, |acc, c| {
            let d = c.to_digit(radix).ok_or(SHAPES)?;
            Ok(acc
                .wrapping_mul(u64::from(radix))
                .wrapping_add(u64::from(d)))
        })
        .map(|v| v as i64)
}

/// The value of a number literal's source (ASCII letters, digits, `.`, `_`,
/// `$` and exponent signs), or why it is malformed.
fn number_value(src: &str) -> Result<f64, &'static str> {
    const SHAPES: &str = "numbers look like 42, 1.5, 2e3 or 0x1F";
    if let Some(hex) = src.strip_prefix("0x").or_else(|| src.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("0x must be followed by hex digits 0-9 and a-f");
        }
        let significant = hex.trim_start_matches('0');
        if significant.len() <= 32 {
            let v = u128::from_str_radix(hex, 16).map_err(|_| SHAPES)?;
            return Ok(v as f64);
        }
        return Ok(hex.bytes().fold(0.0, |acc, b| {
            acc * 16.0 + f64::from(char::from(b).to_digit(16).unwrap_or(0))
        }));
    }
    let b = src.as_bytes();
    let digits_from = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let int_end = digits_from(0);
    if int_end > 1 && b[0] == b'0' {
        return Err("a number cannot start with 0 unless it is 0, 0.5 or 0x...");
    }
    let mut i = int_end;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        let frac_end = digits_from(i + 1);
        frac_digits = frac_end - (i + 1);
        i = frac_end;
    }
    if int_end + frac_digits == 0 {
        return Err(SHAPES);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_end = digits_from(i);
        if exp_end == i {
            return Err("the exponent after e needs digits, like 2e3 or 1.5e-7");
        }
        i = exp_end;
    }
    if i != b.len() {
        return Err(SHAPES);
    }
    src.parse::<f64>().map_err(|_| SHAPES)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `text` up to the end.
    fn tokens(text: &str) -> Vec<Tok> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            match lexer.next_token() {
                Ok(Token { tok: Tok::End, .. }) => return out,
                Ok(token) => out.push(token.tok),
                Err(e) => panic!("{text}: {e}"),
            }
        }
    }

    #[test]
    fn tokens_skip_comments_and_whitespace() {
        assert_eq!(
            tokens("{ a: /* c */ 'x', // line\n b: -1.5e3 }"),
            vec![
                Tok::LBrace,
                Tok::Ident("a".into()),
                Tok::Colon,
                Tok::Str("x".into()),
                Tok::Comma,
                Tok::Ident("b".into()),
                Tok::Colon,
                Tok::Minus,
                Tok::Number(1500.0),
                Tok::RBrace,
            ]
        );
        assert_eq!(tokens("[ ;"), vec![Tok::Other('['), Tok::Other(';')]);
    }

    #[test]
    fn number_literals() {
        assert_eq!(number_value("0x1F"), Ok(31.0));
        assert_eq!(number_value(".5"), Ok(0.5));
        assert_eq!(number_value("2e+2"), Ok(200.0));
        assert!(number_value("010").is_err());
        assert!(number_value("1e").is_err());
        assert!(number_value("0x").is_err());
        assert!(number_value("1_0").is_err());
    }

    #[test]
    fn bigint_literals_wrap_to_64_bits() {
        assert_eq!(
            tokens("5n -0x10n"),
            vec![Tok::BigInt(5), Tok::Minus, Tok::BigInt(16)]
        );
        assert_eq!(bigint_value("0"), Ok(0));
        assert_eq!(bigint_value("0xffffffffffffffff"), Ok(-1));
        // 2^64 + 3 wraps to 3, as BigInt.asIntN(64, ...) does
        assert_eq!(bigint_value("18446744073709551619"), Ok(3));
        assert!(bigint_value("1.5").is_err());
        assert!(bigint_value("1e3").is_err());
        assert!(bigint_value("010").is_err());
        assert!(bigint_value("0x").is_err());
        let e = Lexer::new("1.5n").next_token().expect_err("a fraction");
        assert_eq!(
            e.message,
            "malformed number 1.5n: a BigInt is a whole number followed by n, like 42n or 0x10n"
        );
    }

    #[test]
    fn lexical_errors_carry_their_span() {
        let e = Lexer::new("  'open")
            .next_token()
            .expect_err("unterminated");
        assert_eq!((e.span.start, e.span.end), (2, 7));
        let e = Lexer::new("\"\\q\"").next_token().expect_err("bad escape");
        assert_eq!((e.span.start, e.span.end), (1, 3));
    }
}

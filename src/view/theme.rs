//! Colour for terminals: roles (keyword, number, name, error, changed) mapped
//! to colours, applied to already-rendered plain text. Never used for
//! transcripts or when `NO_COLOR` is set.

use owo_colors::OwoColorize;

/// Whether colour should be used on a stream that is (or is not) a terminal.
pub fn use_colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Colours a rendered reply or error: error lines red, change markers and
/// carets yellow.
pub fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let ending = &line[body.len()..];
        if body.starts_with("error:") {
            out.push_str(&body.red().bold().to_string());
        } else if body.trim_start().starts_with('^') {
            out.push_str(&body.yellow().bold().to_string());
        } else if body.ends_with("<- new") || body.ends_with("<- changed") {
            out.push_str(&body.green().to_string());
        } else {
            out.push_str(body);
        }
        out.push_str(ending);
    }
    out
}

/// Syntax colouring of WAT input for the line editor.
pub fn highlight(text: &str) -> String {
    use crate::text::lex::{TokenKind, tokens};
    let mut out = String::with_capacity(text.len() * 2);
    for token in tokens(text) {
        let piece = &text[token.range];
        let _ = match token.kind {
            TokenKind::Keyword => {
                std::fmt::Write::write_fmt(&mut out, format_args!("{}", piece.cyan()))
            }
            TokenKind::Name => {
                std::fmt::Write::write_fmt(&mut out, format_args!("{}", piece.magenta()))
            }
            TokenKind::Number => {
                std::fmt::Write::write_fmt(&mut out, format_args!("{}", piece.yellow()))
            }
            TokenKind::String => {
                std::fmt::Write::write_fmt(&mut out, format_args!("{}", piece.green()))
            }
            TokenKind::Comment => {
                std::fmt::Write::write_fmt(&mut out, format_args!("{}", piece.dimmed()))
            }
            _ => std::fmt::Write::write_str(&mut out, piece),
        };
    }
    out
}

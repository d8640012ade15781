//! An input shortened to name it in a line (`undid:`, a note, a warning):
//! on one line, cut between tokens where an instruction or a form begins
//! or ends, never inside a word, a number or a string, and the forms it
//! cut closed again:
//!
//! ```text
//! (func $w (i32.store (i32.const 0) (i32.const 7)) unreachable)
//!   -> (func $w (i32.store (i32.const 0) ...))
//! i32.const 1 i32.const 2 i32.add i32.const 3 i32.mul
//!   -> i32.const 1 i32.const 2 i32.add ...
//! ```

/// `input` on one line (white space squeezed), at most `most` characters
/// long: cut as the module comment shows when longer.
pub fn shortened(input: &str, most: usize) -> String {
    let tokens = tokens(input);
    let whole = joined(&tokens);
    if whole.chars().count() <= most {
        return whole;
    }
    let mut kept = String::new();
    let mut best: Option<String> = None;
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        let before = i.checked_sub(1).and_then(|b| tokens.get(b)).copied();
        let cut_here = match before {
            None | Some("(") => false,
            Some(")") => *token != ")",
            Some(_) => starts_something(token),
        };
        if cut_here {
            let candidate = format!("{kept} ...{}", ")".repeat(depth));
            if candidate.chars().count() > most {
                break;
            }
            best = Some(candidate);
        }
        push_token(&mut kept, token);
        match *token {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    best.or_else(|| first_word(&tokens).filter(|w| w.chars().count() <= most))
        .unwrap_or_else(|| {
            // Not even the first word fits: it is cut where the line ends.
            let head: String = whole.chars().take(most.saturating_sub(3)).collect();
            format!("{head}...")
        })
}

/// The first instruction or form alone: `i32.const ...`, `(func ...)`.
fn first_word(tokens: &[&str]) -> Option<String> {
    match tokens {
        ["(", word, ..] => Some(format!("({word} ...)")),
        [word, ..] => Some(format!("{word} ...")),
        [] => None,
    }
}

/// Whether a cut may come just before `token` (after a form's end it
/// always may): a form opens, or an instruction or keyword begins (not an
/// immediate such as `7`, `$f`, `"text"` or `offset=4`).
fn starts_something(token: &str) -> bool {
    token == "(" || (token.starts_with(|c: char| c.is_ascii_alphabetic()) && !token.contains('='))
}

/// Tokens joined as WAT is written: `(` and `)` against what they enclose.
fn joined(tokens: &[&str]) -> String {
    let mut out = String::new();
    for token in tokens {
        push_token(&mut out, token);
    }
    out
}

/// `token` added to `out` as [`joined`] writes it.
fn push_token(out: &mut String, token: &str) {
    if !out.is_empty() && token != ")" && !out.ends_with('(') {
        out.push(' ');
    }
    out.push_str(token);
}

/// `text` split into parentheses, strings (with their escapes) and words.
fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            return tokens;
        };
        let len = match first {
            '(' | ')' => 1,
            '"' => string_len(rest),
            _ => rest
                .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                .unwrap_or(rest.len()),
        };
        let (token, after) = rest.split_at(len.max(1).min(rest.len()));
        tokens.push(token);
        rest = after;
    }
}

/// The length in bytes of the string `text` starts with, quotes included
/// (to its end when it is not closed).
fn string_len(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return i + 1,
            _ => escaped = false,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_comes_between_forms_and_closes_what_it_cut() {
        let store = "(func $w (i32.store (i32.const 0) (i32.const 7)) unreachable)";
        assert_eq!(
            shortened(store, 40),
            "(func $w (i32.store (i32.const 0) ...))"
        );
        assert_eq!(
            shortened("(i32.store (i32.const 16) (i32.const 0x11223344))", 32),
            "(i32.store (i32.const 16) ...)"
        );
        assert_eq!(
            shortened("i32.const 1 i32.const 2 i32.add i32.const 3 i32.mul", 36),
            "i32.const 1 i32.const 2 i32.add ..."
        );
        // White space is squeezed; what fits stays whole.
        assert_eq!(shortened("(func $f\n   nop)", 40), "(func $f nop)");
    }

    #[test]
    fn words_numbers_and_strings_are_never_cut() {
        let data = r#"(data (i32.const 0) "a string with \" and spaces in it")"#;
        assert_eq!(shortened(data, 40), "(data (i32.const 0) ...)");
        assert_eq!(
            shortened("i32.const 123456789 drop drop", 24),
            "i32.const 123456789 ..."
        );
        // With no room for more, the first instruction alone.
        assert_eq!(shortened("i32.const 123456789 drop", 20), "i32.const ...");
        assert_eq!(
            shortened("(memory.fill (i32.const 0))", 20),
            "(memory.fill ...)"
        );
        // Only a first word longer than the line is cut, where it ends.
        assert_eq!(shortened(&"x".repeat(30), 10), "xxxxxxx...");
        assert_eq!(shortened("", 10), "");
    }
}

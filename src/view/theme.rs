//! Colour for terminals: one colour per [`Role`], applied to rendered
//! [`Styled`] output at the edge. Never used for transcripts, pipes or when
//! `NO_COLOR` is set.

use super::Styled;
use crate::session::Role;
use owo_colors::{OwoColorize, Style};

/// Whether colour should be used on a stream that is (or is not) a terminal.
pub fn use_colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The colour of a role.
fn style(role: Role) -> Style {
    let style = Style::new();
    match role {
        Role::Plain => style,
        Role::Heading => style.bold(),
        Role::Command => style.cyan().bold(),
        Role::Keyword => style.cyan(),
        Role::Number => style.yellow(),
        Role::Name => style.magenta(),
        Role::Dim => style.dimmed(),
        Role::Changed => style.green(),
        Role::Error => style.red().bold(),
        Role::Trap => style.magenta().bold(),
        Role::Emphasis => style.italic(),
        Role::Strong => style.bold(),
        Role::Code => style.cyan(),
    }
}

/// Rendered output with each piece in its role's colour. Styles stop at line
/// ends, so a line never inherits the colour of the one before.
pub fn paint(styled: &Styled) -> String {
    let mut out = String::new();
    for (text, role) in styled.pieces() {
        if *role == Role::Plain {
            out.push_str(text);
            continue;
        }
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches('\n');
            out.push_str(&body.style(style(*role)).to_string());
            out.push_str(&line[body.len()..]);
        }
    }
    out
}

/// Syntax colouring of WAT input for the line editor.
pub fn highlight(text: &str) -> String {
    let mut styled = Styled::default();
    super::wat(&mut styled, text);
    paint(&styled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_get_colours_and_plain_text_stays_plain() {
        let mut styled = Styled::default();
        styled.push("error: x\n", Role::Error);
        styled.plain_text("plain\n");
        let painted = paint(&styled);
        assert!(painted.starts_with("\u{1b}["), "{painted:?}");
        assert!(painted.ends_with("\nplain\n"), "{painted:?}");
        assert!(highlight("i32.const 1").contains("\u{1b}["));
    }
}

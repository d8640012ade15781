//! Rendered output before it meets a terminal: text pieces, each tagged with
//! its [`Role`]. Plain text (transcripts, pipes, `NO_COLOR`) joins the
//! pieces; [`super::theme::paint`] colours them by role. No view decides a
//! colour, and no theme guesses a role from the text.

use crate::session::Role;

/// Text pieces with roles, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Styled {
    pieces: Vec<(String, Role)>,
}

impl Styled {
    /// Adds `text` in `role`.
    pub fn push(&mut self, text: impl Into<String>, role: Role) {
        let text = text.into();
        if !text.is_empty() {
            self.pieces.push((text, role));
        }
    }

    /// Adds plain text.
    pub fn plain_text(&mut self, text: impl Into<String>) {
        self.push(text, Role::Plain);
    }

    /// Adds another rendering after this one.
    pub fn append(&mut self, other: Styled) {
        self.pieces.extend(other.pieces);
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[(String, Role)] {
        &self.pieces
    }

    /// The text without roles.
    pub fn plain(&self) -> String {
        self.pieces.iter().map(|(text, _)| text.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_joins_the_pieces_and_drops_empty_ones() {
        let mut styled = Styled::default();
        styled.push("error: ", Role::Error);
        styled.plain_text("");
        styled.plain_text("x\n");
        assert_eq!(styled.plain(), "error: x\n");
        assert_eq!(styled.pieces().len(), 2);
    }
}

//! Text laid out to the terminal's width, at spaces only, never inside a
//! word: documents (help pages, instruction docs) line by line, and the
//! paragraphs of rendered Markdown (lesson text). Transcripts and pipes get
//! no wrapping of documents.

use crate::session::{Role, Span};

/// A piece of text and its role.
pub type Piece = (String, Role);

/// `line`'s pieces laid out in lines of at most `width` characters; a wrapped
/// line goes on under its own indentation plus two (a word longer than the
/// width stays whole on a line of its own). A term and its description
/// (`  :mem [ADDR]  hex view ...`) that do not fit side by side are stacked:
/// the description under the term, indented four, every line of it in that
/// column. Help text has no other layout.
pub fn wrap_line(line: &[Span], width: usize) -> Vec<Vec<Piece>> {
    let pieces: Vec<Piece> = line.iter().map(|s| (s.text.clone(), s.role)).collect();
    if length(&pieces) <= width {
        return vec![pieces];
    }
    let indent = indentation(&pieces);
    if let Some((term, text)) = split_columns(&pieces, indent) {
        // A term and its description that do not fit side by side: the
        // description goes under the term, as clap lays out narrow help.
        let hang = " ".repeat(indent + 4);
        let room = width.saturating_sub(hang.len());
        let mut lines = hanging(&term, width, indent + 2);
        for mut line in fill(&text, room, room) {
            line.insert(0, (hang.clone(), Role::Plain));
            lines.push(line);
        }
        return lines;
    }
    hanging(&pieces, width, indent + 2)
}

/// A line of prose (an error, its notes, a trace line) laid out in lines of
/// at most `width` characters, going on under its indentation plus two; no
/// columns are looked for in it.
pub fn prose(line: &[Span], width: usize) -> Vec<Vec<Piece>> {
    let pieces: Vec<Piece> = line.iter().map(|s| (s.text.clone(), s.role)).collect();
    let indent = indentation(&pieces);
    hanging(&pieces, width, indent + 2)
}

/// The spaces `pieces` start with.
fn indentation(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .flat_map(|(text, _)| text.chars())
        .take_while(|c| *c == ' ')
        .count()
}

/// `pieces` laid out in lines of at most `width` characters, the lines after
/// the first indented by `hang` spaces.
pub fn hanging(pieces: &[Piece], width: usize, hang: usize) -> Vec<Vec<Piece>> {
    let spaces = " ".repeat(hang);
    let mut lines = fill(pieces, width, width.saturating_sub(hang));
    for line in lines.iter_mut().skip(1) {
        line.insert(0, (spaces.clone(), Role::Plain));
    }
    lines
}

/// A line of plain text laid out in lines of at most `width` characters,
/// each continuing under the value after its label (`  locals: `) when that
/// is in the first half of the line, else under its indentation plus two.
pub fn under_label(line: &str, width: usize) -> Vec<Vec<Piece>> {
    let indent = line.len() - line.trim_start().len();
    let hang = line
        .find(": ")
        .map(|at| {
            let value = line[at + 2..].trim_start();
            line.len() - value.len()
        })
        .map(|at| line[..at].chars().count())
        .filter(|hang| *hang <= width / 2)
        .unwrap_or(indent + 2);
    hanging(&[(line.to_string(), Role::Plain)], width, hang)
}

/// A two-column line (`  :help [COMMAND]    list commands`) split at the
/// first run of two or more spaces after its indentation: the term (with the
/// indentation) and the description.
fn split_columns(pieces: &[Piece], indent: usize) -> Option<(Vec<Piece>, Vec<Piece>)> {
    let text: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
    let gap = text[indent..].find("  ")? + indent;
    let rest = gap + text[gap..].len() - text[gap..].trim_start_matches(' ').len();
    if rest == text.len() {
        return None;
    }
    let (mut term, mut description) = (Vec::new(), Vec::new());
    let mut at = 0;
    for (piece, role) in pieces {
        let end = at + piece.len();
        for (from, to, side) in [(at, gap, &mut term), (rest, end, &mut description)] {
            let (from, to) = (from.max(at), to.min(end));
            if from < to {
                side.push((piece[from - at..to - at].to_string(), *role));
            }
        }
        at = end;
    }
    Some((term, description))
}

/// `pieces` broken at spaces into lines: the first at most `first`
/// characters, the others at most `rest` (a longer word stays whole on a line
/// of its own). The first line keeps its leading spaces; the spaces at a
/// break start no line.
pub fn fill(pieces: &[Piece], first: usize, rest: usize) -> Vec<Vec<Piece>> {
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    let mut line: Vec<Piece> = Vec::new();
    let mut used = 0;
    for word in words(pieces) {
        let len = length(&word);
        let limit = if lines.is_empty() { first } else { rest };
        if used > 0 && used + len > limit {
            lines.push(std::mem::take(&mut line));
            let word = trim_leading_spaces(word);
            used = length(&word);
            line.extend(word);
        } else {
            used += len;
            line.extend(word);
        }
    }
    lines.push(line);
    lines
}

/// Characters in `pieces`.
pub fn length(pieces: &[Piece]) -> usize {
    pieces.iter().map(|(text, _)| text.chars().count()).sum()
}

/// Words, each with the spaces before it, keeping their roles.
fn words(pieces: &[Piece]) -> Vec<Vec<Piece>> {
    let mut words: Vec<Vec<Piece>> = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut in_word = false;
    for (text, role) in pieces {
        for c in text.chars() {
            let space = c == ' ';
            if space && in_word {
                words.push(std::mem::take(&mut current));
                in_word = false;
            }
            if !space {
                in_word = true;
            }
            match current.last_mut() {
                Some((text, last)) if last == role => text.push(c),
                _ => current.push((c.to_string(), *role)),
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn trim_leading_spaces(word: Vec<Piece>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut leading = true;
    for (text, role) in word {
        let text = if leading {
            text.trim_start_matches(' ').to_string()
        } else {
            text
        };
        if !text.is_empty() {
            leading = false;
            out.push((text, role));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Vec<Piece>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|(t, _)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn long_lines_wrap_at_spaces_under_their_indentation() {
        let line = vec![Span {
            text: "  one two three four five six".into(),
            role: Role::Plain,
        }];
        assert_eq!(
            plain(&wrap_line(&line, 14)),
            vec!["  one two", "    three four", "    five six"]
        );
        assert_eq!(
            plain(&wrap_line(&line, 80)),
            vec!["  one two three four five six"]
        );
    }

    #[test]
    fn a_word_longer_than_the_width_stays_whole_and_roles_survive() {
        let line = vec![
            Span {
                text: ":command".into(),
                role: Role::Command,
            },
            Span {
                text: " averyveryverylongword end".into(),
                role: Role::Plain,
            },
        ];
        let wrapped = wrap_line(&line, 10);
        assert_eq!(
            plain(&wrapped),
            vec![":command", "  averyveryverylongword", "  end"]
        );
        assert_eq!(wrapped[0][0].1, Role::Command);
    }

    #[test]
    fn a_term_and_description_too_wide_stack_up() {
        let line = vec![
            Span {
                text: "  :mem [ADDR]".into(),
                role: Role::Command,
            },
            Span {
                text: "    hex view of linear memory".into(),
                role: Role::Plain,
            },
        ];
        let wrapped = wrap_line(&line, 24);
        assert_eq!(
            plain(&wrapped),
            vec!["  :mem [ADDR]", "      hex view of linear", "      memory"]
        );
        assert!(wrapped[0].iter().all(|(_, role)| *role == Role::Command));
        assert_eq!(wrapped[1][1], ("hex".to_string(), Role::Plain));
        // A term wider than the terminal wraps under its indentation plus
        // two; the description's lines all start in one column.
        let wrapped = wrap_line(&line, 10);
        assert_eq!(
            plain(&wrapped),
            vec![
                "  :mem",
                "    [ADDR]",
                "      hex",
                "      view",
                "      of",
                "      linear",
                "      memory"
            ]
        );
    }

    #[test]
    fn a_labelled_line_goes_on_under_its_value() {
        let line = "  locals: $a=1  $b=2  $c=3";
        assert_eq!(
            plain(&under_label(line, 20)),
            vec!["  locals: $a=1  $b=2", "          $c=3"]
        );
        // Counted in characters; a label past the middle hangs by two.
        assert_eq!(
            plain(&under_label("  … é: one two three", 14)),
            vec!["  … é: one two", "       three"]
        );
        assert_eq!(
            plain(&under_label("a long label here: one two", 20)),
            vec!["a long label here:", "  one two"]
        );
    }

    #[test]
    fn fill_gives_the_first_line_its_own_width() {
        let pieces = vec![("aa bb cc dd".to_string(), Role::Plain)];
        assert_eq!(plain(&fill(&pieces, 5, 8)), vec!["aa bb", "cc dd"]);
        assert_eq!(plain(&fill(&pieces, 2, 5)), vec!["aa", "bb cc", "dd"]);
        assert_eq!(plain(&fill(&[], 5, 5)), vec![""]);
    }
}

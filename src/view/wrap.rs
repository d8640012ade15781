//! Documents (help pages, instruction docs, lesson text) wrapped to the
//! terminal's width, at spaces only, never inside a word; a wrapped line goes
//! on under its own indentation. Transcripts and pipes get no wrapping.

use crate::session::{Role, Span};

/// `line`'s pieces laid out in lines of at most `width` characters (a word
/// longer than that stays whole on a line of its own).
pub fn wrap_line(line: &[Span], width: usize) -> Vec<Vec<(String, Role)>> {
    let text: String = line.iter().map(|s| s.text.as_str()).collect();
    if text.chars().count() <= width {
        return vec![line.iter().map(|s| (s.text.clone(), s.role)).collect()];
    }
    let indent = text.chars().take_while(|c| *c == ' ').count();
    let hang = " ".repeat(indent + 2);
    // Words (with the spaces before them) keeping their roles.
    let mut words: Vec<Vec<(String, Role)>> = Vec::new();
    let mut current: Vec<(String, Role)> = Vec::new();
    let mut in_word = false;
    for span in line {
        for c in span.text.chars() {
            let space = c == ' ';
            if space && in_word {
                words.push(std::mem::take(&mut current));
                in_word = false;
            }
            if !space {
                in_word = true;
            }
            match current.last_mut() {
                Some((text, role)) if *role == span.role => text.push(c),
                _ => current.push((c.to_string(), span.role)),
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut lines: Vec<Vec<(String, Role)>> = Vec::new();
    let mut line_out: Vec<(String, Role)> = Vec::new();
    let mut used = 0;
    for word in words {
        let len: usize = word.iter().map(|(t, _)| t.chars().count()).sum();
        if used > 0 && used + len > width {
            lines.push(std::mem::take(&mut line_out));
            line_out.push((hang.clone(), Role::Plain));
            used = hang.len();
            // The spaces that separated the word start no line.
            let trimmed: Vec<(String, Role)> = trim_leading_spaces(word);
            used += trimmed
                .iter()
                .map(|(t, _)| t.chars().count())
                .sum::<usize>();
            line_out.extend(trimmed);
        } else {
            used += len;
            line_out.extend(word);
        }
    }
    lines.push(line_out);
    lines
}

fn trim_leading_spaces(word: Vec<(String, Role)>) -> Vec<(String, Role)> {
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

    fn plain(lines: &[Vec<(String, Role)>]) -> Vec<String> {
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
}

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
/// the first indented by `hang` spaces, a parenthesised expression kept
/// whole where a break outside it will do.
pub fn hanging(pieces: &[Piece], width: usize, hang: usize) -> Vec<Vec<Piece>> {
    hanging_keeping(pieces, width, hang, KEPT_WHOLE)
}

/// [`hanging`], keeping whole a parenthesised expression of up to `most`
/// characters.
fn hanging_keeping(pieces: &[Piece], width: usize, hang: usize, most: usize) -> Vec<Vec<Piece>> {
    let spaces = " ".repeat(hang);
    let mut lines = fill_with(pieces, width, width.saturating_sub(hang), Some(most));
    for line in lines.iter_mut().skip(1) {
        line.insert(0, (spaces.clone(), Role::Plain));
    }
    lines
}

/// Holds the words of a string or a line comment together in [`code`].
const NO_BREAK: char = '\u{a0}';

/// A line of WAT laid out in lines of at most `width` characters, as a
/// lesson shows code: broken at spaces, outside the parentheses a break
/// would split when it can (see [`fill`]), never inside a string or a line
/// comment (`;; ...` moves whole), the lines after the first going on under
/// its indentation plus two. WAT reads the same broken at any space, so the
/// lines can be typed or pasted as shown.
pub fn code(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let mut held = String::with_capacity(line.len());
    let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if !in_string && !in_comment && c == ';' && chars.peek() == Some(&';') {
            in_comment = true;
        }
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' && !in_comment {
            in_string = true;
        }
        held.push(if c == ' ' && (in_string || in_comment) {
            NO_BREAK
        } else {
            c
        });
    }
    let indent = line.len() - line.trim_start().len();
    // Code keeps any expression whole where it can: a line typed at the
    // prompt must break inside parentheses or not at all.
    hanging_keeping(&[(held, Role::Plain)], width, indent + 2, usize::MAX)
        .iter()
        .map(|pieces| {
            let text: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
            text.replace(NO_BREAK, " ")
        })
        .collect()
}

/// [`code`] for a line typed at the prompt, whose lines go on at `...> `:
/// broken only inside parentheses, where the workbench waits for the rest
/// of the input (a line that breaks elsewhere would run on its own), else
/// left whole.
pub fn typed_code(line: &str, width: usize) -> Vec<String> {
    let parts = code(line, width);
    let mut depth = 0;
    for part in &parts[..parts.len().saturating_sub(1)] {
        depth = depth_after(depth, &[(part.clone(), Role::Plain)], false);
        if depth == 0 {
            return vec![line.to_string()];
        }
    }
    parts
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
/// break start no line. Prose as a paragraph is filled: every line as full
/// as it can be.
pub fn fill(pieces: &[Piece], first: usize, rest: usize) -> Vec<Vec<Piece>> {
    fill_with(pieces, first, rest, None)
}

/// [`fill`], breaking outside the parentheses a break would split when
/// `keep` gives the longest expression to keep whole and a line stays at
/// least half full (see [`shallower_break`]): messages quote code, and
/// `(i32.const 3)` reads best whole.
fn fill_with(pieces: &[Piece], first: usize, rest: usize, keep: Option<usize>) -> Vec<Vec<Piece>> {
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    // The words of the line being filled, each with the depth of the
    // parentheses around it.
    let mut line: Vec<(Vec<Piece>, usize)> = Vec::new();
    let mut depth = 0;
    let all = words(pieces);
    for (i, word) in all.iter().enumerate() {
        let word = word.clone();
        let limit = if lines.is_empty() { first } else { rest };
        let used: usize = line.iter().map(|(w, _)| length(w)).sum();
        if !line.is_empty() && used + length(&word) > limit {
            let upcoming = all.get(i..).unwrap_or_default();
            let room = (limit, rest);
            let at = (keep.and_then(|most| shallower_break(&line, upcoming, depth, room, most)))
                .unwrap_or(line.len());
            let mut carried = line.split_off(at);
            if let Some((first, _)) = carried.first_mut() {
                *first = trim_leading_spaces(std::mem::take(first));
            }
            lines.push(line.into_iter().flat_map(|(w, _)| w).collect());
            line = carried;
            // What was carried over may leave no room for the word either.
            let carried_len: usize = line.iter().map(|(w, _)| length(w)).sum();
            if !line.is_empty() && carried_len + length(&word) > rest {
                lines.push(
                    std::mem::take(&mut line)
                        .into_iter()
                        .flat_map(|(w, _)| w)
                        .collect(),
                );
            }
        }
        let next = depth_after(depth, &word, true);
        let word = match line.is_empty() && !lines.is_empty() {
            true => trim_leading_spaces(word),
            false => word,
        };
        line.push((word, depth));
        depth = next;
    }
    lines.push(line.into_iter().flat_map(|(w, _)| w).collect());
    lines
}

/// Where to break a full `line` (its words and their depths) instead of
/// before the next word, at `depth`: before its last word that is outside
/// the parentheses that word is in, when that keeps half the line and the
/// expression kept whole (to its closing parenthesis in `upcoming`, the
/// words after the line) is at most `most` characters, so
/// `(i32.const 3)` is not split while a break outside it will do, but a
/// long aside in parentheses does not end its line early (learner trial 6:
/// `:help undo` at 120 columns broke at 75); a bracketed list that fits on
/// the next line (`rest` wide; `limit`: this line's width) always moves whole.
fn shallower_break(
    line: &[(Vec<Piece>, usize)],
    upcoming: &[Vec<Piece>],
    depth: usize,
    (limit, rest): (usize, usize),
    most: usize,
) -> Option<usize> {
    let mut before = 0;
    let mut best = None;
    for (k, (word, d)) in line.iter().enumerate() {
        // A bracketed list (`hex[...]`) that fits on a line is never split.
        let list = opens_bracket(word);
        let most = if list { rest } else { most };
        if k > 0
            && *d < depth
            && (list || before >= limit / 2)
            && expression_len(line, k, upcoming, depth, most) <= most
        {
            best = Some(k);
        }
        before += length(word);
    }
    best
}

/// Whether the first bracket `word` opens is a square one (a lane list).
fn opens_bracket(word: &[Piece]) -> bool {
    word.iter()
        .flat_map(|(text, _)| text.chars())
        .find(|c| matches!(c, '(' | '['))
        == Some('[')
}

/// The length of the parenthesised expression that starts at word `k` of
/// `line`, through the `upcoming` words to where it closes (`depth`: the
/// depth after the line), counted up to just past `most`.
fn expression_len(
    line: &[(Vec<Piece>, usize)],
    k: usize,
    upcoming: &[Vec<Piece>],
    depth: usize,
    most: usize,
) -> usize {
    let outside = line.get(k).map_or(0, |(_, d)| *d);
    let mut len: usize = line.iter().skip(k).map(|(w, _)| length(w)).sum();
    let mut depth = depth;
    for word in upcoming {
        if depth <= outside || len > most {
            break;
        }
        len += length(word);
        depth = depth_after(depth, word, true);
    }
    len
}

/// The longest parenthesised expression a break in prose keeps whole
/// (`(call $sum_of_three (i64.const 1)`); a longer one is split where the
/// line ends.
const KEPT_WHOLE: usize = 40;

/// The depth of parentheses (and of square brackets, with `brackets`: a
/// lane list `[1 2 3 4]` reads best whole too) after `word`, from `depth`
/// before it.
fn depth_after(depth: usize, word: &[Piece], brackets: bool) -> usize {
    word.iter()
        .flat_map(|(text, _)| text.chars())
        .fold(depth, |d, c| match c {
            '(' => d + 1,
            '[' if brackets => d + 1,
            ')' => d.saturating_sub(1),
            ']' if brackets => d.saturating_sub(1),
            _ => d,
        })
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
    fn a_break_keeps_a_parenthesised_expression_whole_when_it_can() {
        let pieces = vec![(
            "calls $avg with (i32.const 3) (i32.const 4)".to_string(),
            Role::Plain,
        )];
        assert_eq!(
            plain(&fill_with(&pieces, 27, 27, Some(KEPT_WHOLE))),
            vec!["calls $avg with", "(i32.const 3) (i32.const 4)"]
        );
        // Half the line at least stays: a long expression is split inside.
        let long = vec![("f (a b c d e f g h)".to_string(), Role::Plain)];
        assert_eq!(
            plain(&fill_with(&long, 10, 10, Some(KEPT_WHOLE))),
            vec!["f (a b c d", "e f g h)"]
        );
        // A long aside in parentheses does not end its line early.
        let aside = vec![(
            "alpha bravo charlie delta echo foxtrot (golf hotel india juliet kilo lima mike november)"
                .to_string(),
            Role::Plain,
        )];
        assert_eq!(
            plain(&fill_with(&aside, 60, 60, Some(KEPT_WHOLE))),
            vec![
                "alpha bravo charlie delta echo foxtrot (golf hotel india",
                "juliet kilo lima mike november)"
            ]
        );
        // A paragraph is filled full.
        assert_eq!(
            plain(&fill(&pieces, 27, 27)),
            vec!["calls $avg with (i32.const", "3) (i32.const 4)"]
        );
    }

    #[test]
    fn code_breaks_outside_strings_comments_and_short_expressions() {
        let line = "  (func $f (param $a i32) (result i32) ;; adds one";
        assert_eq!(
            code(line, 30),
            vec!["  (func $f (param $a i32)", "    (result i32) ;; adds one"]
        );
        assert_eq!(
            code("(data (i32.const 0) \"a b c d e\")", 24),
            vec!["(data (i32.const 0)", "  \"a b c d e\")"]
        );
        assert_eq!(code("(i32.const 1)", 13), vec!["(i32.const 1)"]);
    }

    #[test]
    fn fill_gives_the_first_line_its_own_width() {
        let pieces = vec![("aa bb cc dd".to_string(), Role::Plain)];
        assert_eq!(plain(&fill(&pieces, 5, 8)), vec!["aa bb", "cc dd"]);
        assert_eq!(plain(&fill(&pieces, 2, 5)), vec!["aa", "bb cc", "dd"]);
        assert_eq!(plain(&fill(&[], 5, 5)), vec![""]);
    }
}

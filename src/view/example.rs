//! A worked example (a `watlab` block of lesson text) laid out for a width,
//! the way the live views lay out the same answers at that width, so the
//! terminal never wraps a line and no caret ends up on a line of its own:
//!
//! - what is typed after a `wat> ` or `...> ` prompt is code, highlighted
//!   as WAT; a line too long goes on at a `...> ` prompt, broken at a space
//!   inside its parentheses (see [`wrap::typed_code`]), as it can be typed;
//! - a source line with a caret under it (`  | ...`, ` >  3 | ...`), its
//!   context lines and memory rows (`00000010: ...`) are cut around the
//!   carets with `…` where cut, as [`clip`] cuts them live: the caret stays
//!   under the characters it marks;
//! - any other answer line wraps at spaces: an error message under its
//!   indentation plus two, as [`super::render_error_in`] wraps it, other
//!   lines under the value after their label (`  stack:  `), as the pause
//!   screen wraps them.
//!
//! ```text
//!   wat> i32.const 1 i64.const 2 i32.add
//!   error: i32.add needs [i32 i32] on top of the stack,
//!     but the top is [i32 i64] (type mismatch: ...)
//!     | i32.const 1 i64.const 2 i32.add
//!                               ^^^^^^^
//! ```

use super::{Styled, clip, wat, wrap};
use crate::session::Role;

/// Words held to the word after them while wrapping: a change mark
/// (`<- new`) and a pause's byte offset (`(byte 0x44)`).
const HELD: [&str; 2] = ["<-", "(byte"];

/// The no-break space that holds them.
const NO_BREAK: char = '\u{a0}';

/// The prompts a typed line starts with.
const PROMPTS: [&str; 2] = ["wat> ", "...> "];

/// The example `text` laid out in lines of at most `room` columns where its
/// answers can be, each line but the last ending in a newline.
pub fn render(out: &mut Styled, text: &str, room: usize) {
    let lines: Vec<&str> = text.split('\n').collect();
    let laid = layout(&lines, room);
    let mut first = true;
    for (line, laid) in lines.iter().zip(laid) {
        if let Some(prompt) = PROMPTS.iter().find(|p| line.starts_with(*p)) {
            // Typed code that does not fit goes on at a `...> ` prompt, as
            // the workbench takes it.
            let room = room.saturating_sub(prompt.len());
            for (i, part) in wrap::typed_code(&line[prompt.len()..], room)
                .iter()
                .enumerate()
            {
                if !first {
                    out.plain_text("\n");
                }
                first = false;
                out.push(if i == 0 { *prompt } else { PROMPTS[1] }, Role::Dim);
                wat(out, part);
            }
            continue;
        }
        for part in laid {
            if !first {
                out.plain_text("\n");
            }
            first = false;
            out.plain_text(part);
        }
    }
}

/// Each line of an example as the lines it becomes in `room` columns.
fn layout(lines: &[&str], room: usize) -> Vec<Vec<String>> {
    let mut laid: Vec<Vec<String>> = lines.iter().map(|l| vec![(*l).to_string()]).collect();
    let mut i = 0;
    while i < lines.len() {
        let window = window_at(lines, i);
        if window > i {
            cut_window(&lines[i..window], room, &mut laid[i..window]);
            i = window;
            continue;
        }
        if !is_typed(lines[i]) && lines[i].chars().count() > room {
            laid[i] = wrap_answer(lines[i], room);
        }
        i += 1;
    }
    laid
}

/// Whether `line` is typed after a prompt.
fn is_typed(line: &str) -> bool {
    PROMPTS.iter().any(|p| line.starts_with(p))
}

/// Whether `line` is only carets (and spaces).
fn is_caret_line(line: &str) -> bool {
    line.contains('^') && line.chars().all(|c| c == '^' || c == ' ')
}

/// The columns before the text of a source or memory line: `  | `,
/// ` >  3 | `, `00000010: `.
fn gutter(line: &str) -> Option<usize> {
    if let Some(bar) = line
        .find("| ")
        .or_else(|| line.ends_with('|').then(|| line.len() - 1))
    {
        let head = &line[..bar];
        if head
            .chars()
            .all(|c| c == ' ' || c == '>' || c.is_ascii_digit())
        {
            return Some((bar + 2).min(line.len()));
        }
    }
    let colon = line.find(": ")?;
    let address = &line[..colon];
    (address.len() >= 4 && address.chars().all(|c| c.is_ascii_hexdigit())).then_some(colon + 2)
}

/// The end of the window of source or memory lines that starts at line `i`
/// (`i` itself when none does): lines with a gutter, the caret lines under
/// them, and a line a caret line marks.
fn window_at(lines: &[&str], i: usize) -> usize {
    let member = |j: usize| {
        let line = lines[j];
        !is_typed(line)
            && (gutter(line).is_some()
                || (is_caret_line(line) && j > i)
                || lines.get(j + 1).is_some_and(|next| is_caret_line(next)))
    };
    let mut end = i;
    while end < lines.len() && member(end) {
        end += 1;
    }
    end
}

/// A window's lines cut around the spot its first caret line marks (its
/// start when none does) when one of them is wider than `room`.
fn cut_window(lines: &[&str], room: usize, laid: &mut [Vec<String>]) {
    if lines.iter().all(|l| l.chars().count() <= room) {
        return;
    }
    let spot = lines.iter().enumerate().skip(1).find_map(|(j, line)| {
        let carets: Vec<usize> = caret_columns(line);
        let start = gutter(lines[j - 1]).unwrap_or(0);
        let first = *carets.first()?;
        let last = *carets.last()?;
        Some((first.saturating_sub(start), last + 1 - first))
    });
    let (col, len) = spot.unwrap_or((0, 1));
    // The start of the text, how far it moved left, its visible length.
    let mut above: Option<(usize, usize, usize)> = None;
    for (j, line) in lines.iter().enumerate() {
        if is_caret_line(line) {
            let Some((start, moved, visible)) = above else {
                continue;
            };
            let mut marks: Vec<char> = line.chars().skip(start + moved).take(visible).collect();
            if moved > 0
                && let Some(first) = marks.first_mut()
            {
                // Under the `…`.
                *first = ' ';
            }
            let marks: String = marks.into_iter().collect();
            laid[j] = vec![format!("{}{}", " ".repeat(start), marks.trim_end())];
            continue;
        }
        let start = gutter(line).unwrap_or(0);
        let (head, text) = split_chars(line, start);
        let (text, at, _) = clip::around(&text, col, len, Some(room.saturating_sub(start)));
        let visible = text.chars().count() - usize::from(text.ends_with('…'));
        above = Some((start, col.saturating_sub(at), visible));
        laid[j] = vec![format!("{head}{text}")];
    }
}

/// The columns of the carets in `line`.
fn caret_columns(line: &str) -> Vec<usize> {
    if !is_caret_line(line) {
        return Vec::new();
    }
    line.chars()
        .enumerate()
        .filter(|(_, c)| *c == '^')
        .map(|(i, _)| i)
        .collect()
}

/// `line` split after its first `at` characters.
fn split_chars(line: &str, at: usize) -> (String, String) {
    let head: String = line.chars().take(at).collect();
    let rest: String = line.chars().skip(at).collect();
    (head, rest)
}

/// An answer line wrapped at spaces to `room`: an error message under its
/// indentation plus two, another line under the value after its label.
/// A change mark (`<- new`) and a byte offset are never split.
fn wrap_answer(line: &str, room: usize) -> Vec<String> {
    let held = HELD.iter().fold(line.to_string(), |line, word| {
        line.replace(&format!("{word} "), &format!("{word}{NO_BREAK}"))
    });
    let lines = if line.starts_with("error: ") {
        let pieces = [(held, Role::Plain)];
        wrap::hanging(&pieces, room, 2)
    } else {
        wrap::under_label(&held, room)
    };
    lines
        .iter()
        .map(|pieces| {
            let line: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
            line.replace(NO_BREAK, " ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str, room: usize) -> String {
        let mut out = Styled::default();
        render(&mut out, text, room);
        out.plain()
    }

    #[test]
    fn an_error_wraps_and_its_caret_stays_under_the_instruction() {
        let text = "\
wat> i32.const 1 i64.const 2 i32.const 3 i32.const 4 i32.add
error: i32.add needs [i32 i32] on top of the stack, but the top is [i32 i64]
  | i32.const 1 i64.const 2 i32.const 3 i32.const 4 i32.add
                                                    ^^^^^^^
  address 4294967292 + offset 8 = 4294967300, access of 4 bytes";
        assert_eq!(
            plain(text, 40),
            "\
wat> i32.const 1 i64.const 2 i32.const 3 i32.const 4 i32.add
error: i32.add needs [i32 i32] on top of
  the stack, but the top is [i32 i64]
  | … 2 i32.const 3 i32.const 4 i32.add
                                ^^^^^^^
  address 4294967292 + offset 8 =
    4294967300, access of 4 bytes"
        );
    }

    #[test]
    fn a_source_window_is_cut_at_one_place_and_its_labels_hang() {
        let text = [
            "    2 |   (loop $again",
            " >  3 |     (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))",
            "                                                                        ^^^^^^^^^",
            "    4 |     (local.tee $n (i32.sub (local.get $n) (i32.const 1)))",
            "  stack:  i32:0 i32:50 i32:1 i32:2 i32:3 i32:4 i32:5 i32:6",
        ];
        let out = plain(&text.join("\n"), 44);
        let expected = [
            "    2 |   (loop $again",
            " >  3 | …oad (i32.const 0)) (i32.const 1)))",
            "                             ^^^^^^^^^",
            "    4 | …sub (local.get $n) (i32.const 1)))",
            "  stack:  i32:0 i32:50 i32:1 i32:2 i32:3",
            "          i32:4 i32:5 i32:6",
        ];
        assert_eq!(out, expected.join("\n"));
    }

    #[test]
    fn memory_rows_are_cut_at_the_same_place_as_their_marks() {
        let text = "\
00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................
00000010: 4433 2211 0000 0000 0000 0000 0000 0000  D3\".............
          ^^^^ ^^^^";
        assert_eq!(
            plain(text, 56),
            "\
00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ...…
00000010: 4433 2211 0000 0000 0000 0000 0000 0000  D3\"…
          ^^^^ ^^^^"
        );
    }

    #[test]
    fn a_change_mark_moves_whole() {
        let text = "  [0]  i32  -2147483648  0x80000000  u32:2147483648  <- new";
        assert_eq!(
            plain(text, 56),
            "  [0]  i32  -2147483648  0x80000000  u32:2147483648\n    <- new"
        );
    }

    #[test]
    fn a_long_typed_form_goes_on_at_the_continuation_prompt() {
        let text =
            "wat> (func $sum_sq (param $a i32) (param $b i32) (result i32)\ndefined func $sum_sq";
        assert_eq!(
            plain(text, 40),
            "wat> (func $sum_sq (param $a i32)\n...>   (param $b i32) (result i32)\ndefined func $sum_sq"
        );
        // Flat instructions would run line by line: they stay whole.
        let flat = "wat> i32.const 64 i32.const 11 i32.const 0x6c call $count";
        assert_eq!(plain(flat, 40), flat);
    }

    #[test]
    fn what_fits_is_left_as_written() {
        let text = "wat> (memory 1)\ndefined memory\n  | (i32.load)\n     ^^^^^^^^";
        assert_eq!(plain(text, 60), text);
        let mut out = Styled::default();
        render(&mut out, "wat> i32.const 1\nstack: empty", 80);
        assert!(out.pieces().contains(&("wat> ".to_string(), Role::Dim)));
        assert!(
            out.pieces()
                .contains(&("i32.const".to_string(), Role::Keyword))
        );
    }
}

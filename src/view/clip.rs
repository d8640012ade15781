//! A source line too long for the terminal, cut to a window around the spot
//! a caret points at, with `…` where it was cut, so the caret still lands
//! under the right characters and nothing wraps.

/// `line` cut to at most `room` characters around `len` characters from
/// column `col`; returns the text and the caret's column and length in it.
/// Without a `room` (not a terminal), or when the line fits, it is whole.
pub fn around(line: &str, col: usize, len: usize, room: Option<usize>) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let len = len.max(1);
    let Some(room) = room.filter(|room| chars.len() > *room) else {
        return (line.to_string(), col, len);
    };
    // Two columns for the marks, and never less than a few characters.
    let inner = room.saturating_sub(2).max(8);
    // A third of the window before the spot, the rest for it and after.
    let mut from = col.saturating_sub(inner / 3).min(col);
    let to = (from + inner).min(chars.len());
    from = from.min(to.saturating_sub(inner));
    let mut text = String::new();
    if from > 0 {
        text.push('…');
    }
    text.extend(&chars[from..to]);
    if to < chars.len() {
        text.push('…');
    }
    let caret = col.saturating_sub(from) + usize::from(from > 0);
    let len = len.min(to.saturating_sub(col).max(1));
    (text, caret, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_around_the_spot() {
        let line = "i32.const 1 i32.const 2 i32.add i32.const 3 i32.mul i64.const 9 i32.add drop";
        let at = line.find("i64.const").unwrap_or(0);
        let (text, caret, len) = around(line, at, 9, Some(30));
        assert!(text.chars().count() <= 30, "{text}");
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        let under: String = text.chars().skip(caret).take(len).collect();
        assert_eq!(under, "i64.const");
        assert_eq!(around(line, at, 9, None), (line.to_string(), at, 9));
        assert_eq!(around("short", 1, 2, Some(30)), ("short".to_string(), 1, 2));
        // A spot at the very start keeps the start.
        let (text, caret, _) = around(line, 0, 9, Some(30));
        assert!(text.starts_with("i32.const 1") && text.ends_with('…') && caret == 0);
    }
}

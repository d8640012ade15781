//! One screen at a time, as gdb and `less` page: an answer taller than the
//! terminal stops after a screenful at a `-- more --` prompt (Enter or Space:
//! the next screen; q, Ctrl-C or Ctrl-D: stop there), so a long lesson
//! section or help page is read from its beginning.
//!
//! Only the interactive workbench on a terminal pages; scripts, pipes and
//! transcripts get every line at once, so their output stays complete and
//! deterministic.

use super::helper::WatHelper;
use rustyline::history::DefaultHistory;
use rustyline::{
    Cmd, ConditionalEventHandler, Editor, Event, EventContext, EventHandler, KeyEvent, Modifiers,
    RepeatCount,
};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Pages output through the line editor, whose keys it binds.
pub struct Pager {
    /// Whether the `-- more --` prompt is up (the key bindings only act then).
    prompting: Arc<AtomicBool>,
}

/// A key that does `cmd` at the `-- more --` prompt and its usual work elsewhere.
struct MoreKey {
    prompting: Arc<AtomicBool>,
    cmd: Cmd,
}

impl ConditionalEventHandler for MoreKey {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, _: &EventContext) -> Option<Cmd> {
        self.prompting
            .load(Ordering::Relaxed)
            .then(|| self.cmd.clone())
    }
}

impl Pager {
    /// A pager whose one-key answers (Space, q) are bound in `editor`.
    pub fn install(editor: &mut Editor<WatHelper, DefaultHistory>) -> Pager {
        let prompting = Arc::new(AtomicBool::new(false));
        for (key, cmd) in [(' ', Cmd::AcceptLine), ('q', Cmd::Interrupt)] {
            let handler = MoreKey {
                prompting: prompting.clone(),
                cmd,
            };
            editor.bind_sequence(
                KeyEvent::new(key, Modifiers::NONE),
                EventHandler::Conditional(Box::new(handler)),
            );
        }
        Pager { prompting }
    }

    /// Writes `painted` (whose visible text is `plain`, line for line) a
    /// screen at a time on a terminal of `size` (columns, rows); all at once
    /// without a size.
    ///
    /// # Errors
    /// Writing to `out` failed.
    pub fn write(
        &self,
        out: &mut impl Write,
        editor: &mut Editor<WatHelper, DefaultHistory>,
        painted: &str,
        plain: &str,
        size: Option<(usize, usize)>,
    ) -> std::io::Result<()> {
        let lines: Vec<&str> = painted.split_inclusive('\n').collect();
        let Some((columns, rows)) = size else {
            return out.write_all(painted.as_bytes());
        };
        let plain_lines: Vec<&str> = plain.split_inclusive('\n').collect();
        let mut shown = 0;
        for (i, count) in screens(&plain_lines, columns, rows).into_iter().enumerate() {
            if i > 0 && !self.more(out, editor, lines.len() - shown)? {
                return Ok(());
            }
            for line in &lines[shown..shown + count] {
                out.write_all(line.as_bytes())?;
            }
            shown += count;
        }
        Ok(())
    }

    /// Asks whether to go on with `left` lines still to show; the prompt is
    /// erased afterwards, so the pages read on without it.
    fn more(
        &self,
        out: &mut impl Write,
        editor: &mut Editor<WatHelper, DefaultHistory>,
        left: usize,
    ) -> std::io::Result<bool> {
        out.flush()?;
        self.prompting.store(true, Ordering::Relaxed);
        let answer = editor.readline(&format!(
            "-- more ({left} line{}): Enter or Space, q to stop --",
            if left == 1 { "" } else { "s" }
        ));
        self.prompting.store(false, Ordering::Relaxed);
        // Up to the prompt's line (the editor ended it), and clear it.
        write!(out, "\x1b[1A\x1b[2K")?;
        Ok(matches!(answer, Ok(typed) if typed.trim() != "q"))
    }
}

/// How many lines go on each screen of a terminal `columns` wide and `rows`
/// high: a screen keeps its last row for a prompt (`-- more --` or the
/// next `wat> `), and a line wider than the
/// terminal takes several rows (every screen shows at least one line).
pub fn screens(lines: &[&str], columns: usize, rows: usize) -> Vec<usize> {
    let room = rows.saturating_sub(1).max(1);
    let columns = columns.max(1);
    let mut screens = Vec::new();
    let (mut count, mut used) = (0, 0);
    for line in lines {
        let height = line
            .trim_end_matches('\n')
            .chars()
            .count()
            .div_ceil(columns)
            .max(1);
        if count > 0 && used + height > room {
            screens.push(count);
            (count, used) = (0, 0);
        }
        count += 1;
        used += height;
    }
    if count > 0 {
        screens.push(count);
    }
    screens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screen_keeps_a_row_for_the_prompt_and_long_lines_take_several() {
        let lines = vec!["a\n"; 10];
        assert_eq!(screens(&lines, 80, 4), vec![3, 3, 3, 1]);
        assert_eq!(screens(&lines, 80, 40), vec![10]);
        assert_eq!(screens(&lines, 80, 11), vec![10]);
        let wide = "x".repeat(100) + "\n";
        let lines = vec![wide.as_str(), "b\n", "c\n", "d\n"];
        // The wide line takes two rows of a 60-column terminal.
        assert_eq!(screens(&lines, 60, 4), vec![2, 2]);
        assert_eq!(screens(&[], 60, 4), Vec::<usize>::new());
        assert_eq!(screens(&lines, 60, 0), vec![1, 1, 1, 1]);
    }
}

//! The learner's progress: finished exercises, one line `FILE: TITLE` each,
//! in the file the workbench and `watlab watch` share
//! (`$XDG_DATA_HOME/watlab/progress`).

use std::path::Path;

/// The progress line of an exercise: `01-stack-machine.md: compute 6 * 7 + 1`.
pub fn line(file: &str, title: &str) -> String {
    format!("{file}: {title}")
}

/// Whether `progress` (the file's text) records the exercise as done.
pub fn is_done(progress: &str, file: &str, title: &str) -> bool {
    let wanted = line(file, title);
    progress.lines().any(|l| l == wanted)
}

/// The progress file's text; empty when there is none yet (or no file).
pub fn read(path: Option<&Path>) -> String {
    path.and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default()
}

/// Records the exercise as done in the file at `path` (creating it);
/// returns a warning when it cannot.
pub fn record(path: &Path, file: &str, title: &str) -> Option<String> {
    let mut text = read(Some(path));
    if is_done(&text, file, title) {
        return None;
    }
    text.push_str(&line(file, title));
    text.push('\n');
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(path, text));
    written
        .err()
        .map(|e| format!("warning: progress not saved to {}: {e}", path.display()))
}

/// A progress bar 20 columns wide: `[#####---------------]`.
pub fn bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 20;
    let filled = (done.min(total) * WIDTH).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(WIDTH - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(bar(0, 17), "[--------------------]");
        assert_eq!(bar(5, 10), "[##########----------]");
        assert_eq!(bar(3, 3), "[####################]");
        assert_eq!(bar(0, 0), "[--------------------]");
    }

    #[test]
    fn a_recorded_exercise_is_done_once() {
        let dir = std::env::temp_dir().join(format!("watlab-progress-{}", std::process::id()));
        let path = dir.join("sub").join("progress");
        assert_eq!(read(Some(&path)), "");
        assert_eq!(record(&path, "01-a.md", "x"), None);
        assert_eq!(record(&path, "01-a.md", "x"), None);
        assert_eq!(record(&path, "01-a.md", "y"), None);
        let text = read(Some(&path));
        assert_eq!(text, "01-a.md: x\n01-a.md: y\n");
        assert!(is_done(&text, "01-a.md", "y") && !is_done(&text, "01-a.md", "z"));
        let blocked = dir.join("sub").join("progress").join("below");
        assert!(record(&blocked, "f", "t").is_some_and(|w| w.starts_with("warning:")));
        let _ = std::fs::remove_dir_all(dir);
    }
}

//! Every lesson laid out for a 60-column terminal (a learner trial found
//! worked examples overflowing, the terminal wrapping them, and a caret
//! landing on a line of its own): no line is wider than 60 columns but
//! code (what a learner types, and WAT blocks, which are never re-flowed),
//! and every caret has a character above it.

use std::path::Path;
use watlab::view::markdown::render;

/// The narrow terminal of the trial.
const WIDTH: usize = 60;

/// The lines of `markdown` that are code: lines of blocks other than worked
/// examples, and the typed lines of worked examples.
fn code_lines(markdown: &str) -> Vec<String> {
    let mut code = Vec::new();
    let mut block: Option<&str> = None;
    for line in markdown.lines() {
        if let Some(info) = line.strip_prefix("```") {
            block = if block.is_some() { None } else { Some(info) };
            continue;
        }
        let typed = line.starts_with("wat> ") || line.starts_with("...> ");
        if block.is_some_and(|info| info != "watlab" || typed) {
            code.push(line.trim().to_string());
        }
    }
    code
}

#[test]
fn every_lesson_fits_sixty_columns_and_its_carets_point_at_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("lessons directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    assert!(files.len() > 20, "the lessons are found: {files:?}");
    let mut problems = Vec::new();
    for file in &files {
        let markdown = std::fs::read_to_string(file).expect("readable lesson");
        let code = code_lines(&markdown);
        let text = render(&markdown, WIDTH).plain();
        let lines: Vec<&str> = text.lines().collect();
        let name = file.file_name().map(|n| n.to_string_lossy().to_string());
        let name = name.unwrap_or_default();
        for (i, line) in lines.iter().enumerate() {
            if line.chars().count() > WIDTH && !code.contains(&line.trim().to_string()) {
                problems.push(format!("{name}: too wide: {line}"));
            }
            if !line.contains('^') || !line.chars().all(|c| c == '^' || c == ' ') {
                continue;
            }
            let above: Vec<char> = i
                .checked_sub(1)
                .map(|j| lines[j].chars().collect())
                .unwrap_or_default();
            for (col, c) in line.chars().enumerate() {
                if c == '^' && above.get(col).is_none_or(|a| *a == ' ') {
                    problems.push(format!(
                        "{name}: caret at column {col} under nothing: {line}"
                    ));
                    break;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

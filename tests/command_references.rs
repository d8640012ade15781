//! Every command a message, a help text, a lesson or the README names must
//! exist (issue 9: a stepper error once advised `:commands`, which did not).
//! The test reads the string literals of `src/`, every lesson and the README,
//! finds each `:word` and resolves it through the one command registry.

use std::path::{Path, PathBuf};
use watlab::commands::registry;

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The string literals of a Rust source line (escaped quotes kept inside).
fn literals(line: &str) -> Vec<&str> {
    let code = line.split("// ").next().unwrap_or("");
    let mut out = Vec::new();
    let mut start = None;
    let mut escaped = false;
    for (i, c) in code.char_indices() {
        match (c, start) {
            ('\\', Some(_)) if !escaped => {
                escaped = true;
                continue;
            }
            ('"', None) => start = Some(i + 1),
            ('"', Some(s)) if !escaped => {
                out.push(&code[s..i]);
                start = None;
            }
            _ => {}
        }
        escaped = false;
    }
    out
}

/// Each `:word` in `text` that reads as a command: the colon starts a word
/// (after a space, quote, backtick or bracket) and a letter follows it.
fn command_words(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices(':') {
        let before_ok = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'`' | b'"' | b'(' | b'\'' | b'\n' | b'\t' | b'|'
            );
        let word: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        let next = text[i + 1 + word.len()..].chars().next();
        let ends_ok = !matches!(next, Some(':') | Some('/') | Some('_'));
        if before_ok && word.len() > 1 && ends_ok && !word.ends_with('-') {
            out.push(word);
        }
    }
    out
}

#[test]
fn every_named_command_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut sources = Vec::new();
    files(&root.join("src"), "rs", &mut sources);
    for file in &sources {
        let text = std::fs::read_to_string(file).expect("readable source");
        // Test modules type partial commands on purpose (completion of `:me`).
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            for literal in literals(line) {
                for word in command_words(literal) {
                    checked += 1;
                    if registry::find_colon(&word).is_none() {
                        problems.push(format!("{}:{}: :{word}", file.display(), n + 1));
                    }
                }
            }
        }
    }
    let mut docs = vec![root.join("README.md")];
    files(&root.join("lessons"), "md", &mut docs);
    for file in &docs {
        let text = std::fs::read_to_string(file).expect("readable document");
        for (n, line) in text.lines().enumerate() {
            for word in command_words(line) {
                checked += 1;
                if registry::find_colon(&word).is_none() {
                    problems.push(format!("{}:{}: :{word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} command names found: is the scan broken?"
    );
    assert!(
        problems.is_empty(),
        "these name commands that do not exist:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_help_text_names_only_real_commands_and_every_command_has_help() {
    for command in registry::all() {
        assert!(
            !command.summary.is_empty(),
            "{} has no summary",
            command.typed()
        );
        for text in [command.summary, command.help, command.synopsis] {
            for word in command_words(text) {
                assert!(
                    registry::find_colon(&word).is_some(),
                    "{}'s help names :{word}, which does not exist",
                    command.typed()
                );
            }
        }
    }
}

#[test]
fn the_scanner_finds_commands_and_skips_paths_and_typed_values() {
    assert_eq!(command_words("try :help or `:mem 0`"), ["help", "mem"]);
    assert!(command_words("crate::view i32:42 https://x").is_empty());
    assert_eq!(
        literals(r#"let x = "a \"q\" :b"; // ":c""#),
        [r#"a \"q\" :b"#]
    );
}

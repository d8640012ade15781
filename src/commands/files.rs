//! Commands that move modules between files and the session: `:load`, `:save`.

use super::Workbench;
use super::registry::{Command, Scope};
use crate::session::input;
use crate::session::{ErrorKind, Reply, SessionError};
use std::fmt::Write as _;

/// The commands of this area, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        scope: Scope::Workbench,
        name: "load",
        aliases: &[],
        synopsis: "FILE",
        summary: "add the fields of a .wat or .wasm module to the session",
        help: "Each field replaces the session's field it redefines (the same $name, the same export, the unnamed memory or table, the start). Loading the same file again replaces what it loaded last time, and removes what it no longer has.",
        run: load,
    },
    Command {
        scope: Scope::Workbench,
        name: "save",
        aliases: &[],
        synopsis: "FILE",
        summary: "write the session module to a .wat file",
        help: "",
        run: save,
    },
];

fn load(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let path = args.trim();
    if path.is_empty() {
        return Err(SessionError::usage("usage: :load FILE"));
    }
    let bytes =
        std::fs::read(path).map_err(|e| SessionError::usage(format!("cannot read {path}: {e}")))?;
    let binary = bytes.starts_with(b"\0asm");
    let text = if binary {
        wasmprinter::print_bytes(&bytes)
            .map_err(|e| SessionError::new(ErrorKind::Invalid, format!("{path}: {e}")))?
    } else {
        String::from_utf8(bytes).map_err(|_| {
            SessionError::usage(format!("{path} is neither a .wasm binary nor UTF-8 text"))
        })?
    };
    if let Some(open) = crate::text::lex::unclosed(&text) {
        return Err(SessionError::new(
            ErrorKind::Syntax,
            crate::text::lex::never_closed(&text, open),
        )
        .at(&text, open, 1)
        .in_file(path, &text, 0));
    }
    let forms = input::top_level_forms(&text);
    let body = match forms.as_slice() {
        [module] if input::field_head(module).0 == "module" => {
            let inner = module.trim_start().trim_start_matches('(').trim_start();
            let inner = inner.strip_prefix("module").unwrap_or(inner).trim_start();
            let inner = if inner.starts_with('$') {
                inner.split_once(char::is_whitespace).map_or("", |(_, r)| r)
            } else {
                inner
            };
            inner
                .trim_end()
                .strip_suffix(')')
                .unwrap_or(inner)
                .to_string()
        }
        _ => text.clone(),
    };
    if input::top_level_forms(&body).is_empty() {
        return Ok(vec![Reply::Note(format!("{path} has no module fields"))]);
    }
    let start = text.find(body.as_str()).unwrap_or(0);
    // The file's identity, so that loading it again replaces what it loaded.
    let origin =
        std::fs::canonicalize(path).map_or_else(|_| path.to_string(), |p| p.display().to_string());
    // A binary's lines and columns are those of its text as wasmprinter prints it.
    let shown = if binary {
        format!("{path} (printed as text)")
    } else {
        path.to_string()
    };
    let replies = session
        .load_fields(&origin, &body)
        .map_err(|e| e.in_file(&shown, &text, start))?;
    let mut replies = summarized(replies);
    replies.insert(0, Reply::Note(format!("loaded {path}")));
    Ok(replies)
}

/// Fields a load lists one by one; more are counted by kind.
const LISTED_FIELDS: usize = 10;

/// The replies of a load, with plain `defined KIND ...` / `replaced KIND ...`
/// notes counted by kind when there are many (`defined 2000 functions, 1
/// memory`); notes with more to say (`replaced memory: 1 page kept`) stay.
fn summarized(replies: Vec<Reply>) -> Vec<Reply> {
    fn plain(r: &Reply) -> Option<(&str, &str)> {
        match r {
            Reply::Note(n) if !n.contains(':') => {
                let mut words = n.split(' ');
                let verb = words
                    .next()
                    .filter(|v| ["defined", "replaced"].contains(v))?;
                Some((verb, words.next()?))
            }
            _ => None,
        }
    }
    if replies.iter().filter(|r| plain(r).is_some()).count() <= LISTED_FIELDS {
        return replies;
    }
    // (verb, [(kind, count)]) in order of first appearance.
    let mut counts: Vec<(&str, Vec<(&str, usize)>)> = Vec::new();
    for (verb, kind) in replies.iter().filter_map(plain) {
        let at = match counts.iter().position(|(v, _)| *v == verb) {
            Some(at) => at,
            None => {
                counts.push((verb, Vec::new()));
                counts.len() - 1
            }
        };
        let kinds = &mut counts[at].1;
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    let mut summary: Vec<Reply> = counts
        .iter()
        .map(|(verb, kinds)| {
            let listed: Vec<String> = kinds.iter().map(|(k, n)| counted(k, *n)).collect();
            Reply::Note(format!("{verb} {}", listed.join(", ")))
        })
        .collect();
    summary.extend(replies.iter().filter(|r| plain(r).is_none()).cloned());
    summary
}

/// `n` fields of `kind` in words: `2000 functions`, `1 memory` (the
/// words of [`crate::text::unknown_name::kind_words`]).
fn counted(kind: &str, n: usize) -> String {
    let one = match kind {
        "start" => "start function",
        "rec" => "rec group",
        other => crate::text::unknown_name::kind_words(other).map_or(other, |(word, _)| word),
    };
    match (n, one) {
        (1, _) => format!("1 {one}"),
        (_, "memory") => format!("{n} memories"),
        _ => format!("{n} {one}s"),
    }
}

fn save(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let session = &mut wb.session;
    let path = args.trim();
    if path.is_empty() {
        return Err(SessionError::usage("usage: :save FILE"));
    }
    let mut text = String::from("(module\n");
    for field in session.field_texts() {
        let _ = writeln!(text, "  {field}");
    }
    text.push_str(")\n");
    std::fs::write(path, &text)
        .map_err(|e| SessionError::usage(format!("cannot write {path}: {e}")))?;
    let count = session.field_texts().len();
    let fields = if count == 1 { "field" } else { "fields" };
    Ok(vec![Reply::Note(format!(
        "saved {count} {fields} to {path}: the definitions only (what the code wrote since, in memories, globals and tables, starts afresh when it is loaded)"
    ))])
}

//! The interactive workbench: a rustyline loop around a [`crate::commands::Workbench`].
//!
//! Inputs that leave parentheses open continue on `...> ` lines until they
//! close; pasted blocks run input by input (`input.rs`). Answers are laid
//! out to the terminal's width and paged a screen at a time (`pager.rs`).
//! History lives in the user's data directory; failing to read or write it
//! is a warning, never fatal.

mod helper;
mod input;
mod pager;
mod script;

use crate::commands::{Workbench, data_file};
use crate::session::Reply;
use crate::view::theme;
use helper::{InterruptKey, WatHelper};
use input::{Gathered, Gatherer};
use pager::{Pager, Screen};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor, EventHandler, KeyEvent};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The terminal's size (columns, rows), when the output is one.
fn size(editor: &mut Editor<WatHelper, DefaultHistory>) -> Option<(usize, usize)> {
    editor
        .dimensions()
        .map(|(columns, rows)| (usize::from(columns), usize::from(rows)))
        .filter(|(columns, _)| *columns >= 20)
}

/// Evaluates `input` and shows the answer as it is made, a screen at a
/// time on a terminal; returns whether to quit.
fn answer(
    out: &mut impl Write,
    editor: &mut Editor<WatHelper, DefaultHistory>,
    pager: &Pager,
    session: &mut Workbench,
    input: &str,
    colour: bool,
) -> std::io::Result<bool> {
    let size = size(editor);
    let outcome = session.eval(input);
    let quit = matches!(&outcome, Ok(replies) if replies.contains(&Reply::Quit));
    let mut screen = Screen::new(size);
    let width = size.map(|(columns, _)| columns);
    crate::view::stream_outcome(&outcome, width, &session.session, &mut |piece| {
        let plain = piece.plain();
        let painted = if colour {
            theme::paint(&piece)
        } else {
            plain.clone()
        };
        pager.write(&mut screen, out, editor, &painted, &plain)
    })?;
    out.flush()?;
    Ok(quit)
}

/// Runs the interactive workbench, after evaluating `preload` inputs (e.g.
/// `:load FILE`), writing its answers to `out`.
///
/// # Errors
/// When the output cannot be written (a closed pipe among others); the
/// history is saved first.
pub fn interactive(out: &mut impl Write, preload: &[String]) -> std::io::Result<()> {
    let colour = theme::use_colour(std::io::stdout().is_terminal());
    let mut session = Workbench::new(data_file("progress"));
    // Tab lists the candidates, as gdb and bash do, instead of cycling through them.
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: Editor<WatHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(editor) => editor,
        Err(e) => return Err(std::io::Error::other(e.to_string())),
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    editor.set_helper(Some(WatHelper {
        names: Vec::new(),
        colour,
        stepping: false,
        exports: Vec::new(),
        interrupted: interrupted.clone(),
    }));
    let history = data_file("history");
    if let Some(path) = &history
        && path.exists()
        && let Err(e) = editor.load_history(path)
    {
        eprintln!(
            "watlab: warning: cannot read history {}: {e}",
            path.display()
        );
    }
    // Ctrl-C while code runs pauses it (the stepper takes over); at the
    // prompt, rustyline reads it as a key and the line is abandoned.
    let interrupt = session.session.interrupt_flag();
    let flag = interrupt.clone();
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        eprintln!("watlab: warning: Ctrl-C cannot pause running code: {e}");
    }
    let pager = Pager::install(&mut editor);
    editor.bind_sequence(
        KeyEvent::ctrl('C'),
        EventHandler::Conditional(Box::new(InterruptKey {
            paging: pager.paging(),
            interrupted: interrupted.clone(),
        })),
    );
    let outcome = run_inputs(
        out,
        &mut editor,
        (&pager, &interrupted),
        &mut session,
        preload,
        colour,
    );
    if let Some(path) = &history {
        let saved = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                editor
                    .save_history(path)
                    .map_err(|e| std::io::Error::other(e.to_string()))
            });
        if let Err(e) = saved {
            eprintln!(
                "watlab: warning: cannot save history to {}: {e}",
                path.display()
            );
        }
    }
    outcome
}

/// The banner, the preloaded inputs, then inputs from the editor until the
/// user leaves or the output cannot be written; `interrupted` is set when
/// Ctrl-C abandoned the line the editor gives back.
fn run_inputs(
    out: &mut impl Write,
    editor: &mut Editor<WatHelper, DefaultHistory>,
    (pager, interrupted): (&Pager, &AtomicBool),
    session: &mut Workbench,
    preload: &[String],
    colour: bool,
) -> std::io::Result<()> {
    let interrupt = session.session.interrupt_flag();
    writeln!(
        out,
        "watlab {}: WebAssembly Text workbench.\n:help lists commands, :lesson the course, Ctrl-D quits.",
        env!("CARGO_PKG_VERSION")
    )?;
    for input in preload {
        answer(out, editor, pager, session, input, colour)?;
    }
    out.flush()?;
    let mut gatherer = Gatherer::default();
    loop {
        gatherer.prompt = stepper_prompt(&session.session);
        // What was typed at a `-- more --` prompt starts the next line.
        let mut typed = pager.take_typed();
        let input = match gatherer.next(&mut |prompt| {
            let line = match typed.take() {
                Some(text) => editor.readline_with_initial(prompt, (&text, "")),
                None => editor.readline(prompt),
            };
            if interrupted.swap(false, Ordering::Relaxed) {
                return Err(ReadlineError::Interrupted);
            }
            line
        }) {
            Gathered::Input(input) => input,
            Gathered::Cleared => continue,
            Gathered::Cancelled => {
                writeln!(out, "(unfinished input dropped)")?;
                continue;
            }
            Gathered::End if session.session.is_stepping() => {
                // Ctrl-D in the stepper leaves the stepped input, not the
                // workbench (and the session with it).
                answer(out, editor, pager, session, "abort", colour)?;
                writeln!(out, "(Ctrl-D left the stepper; Ctrl-D at wat> quits)")?;
                continue;
            }
            Gathered::End => break,
            Gathered::Failed(e) => {
                eprintln!("watlab: {e}");
                break;
            }
        };
        if !input.trim().is_empty() {
            let _ = editor.add_history_entry(input.as_str());
        }
        // A Ctrl-C that came while no code ran must not pause this input.
        interrupt.store(false, Ordering::Relaxed);
        let quit = answer(out, editor, pager, session, &input, colour)?;
        if let Some(helper) = editor.helper_mut() {
            helper.names = names_in_scope(&session.session);
            helper.stepping = session.session.is_stepping();
            helper.exports = exports_in_scope(&session.session);
        }
        if quit {
            return Ok(());
        }
    }
    Ok(())
}

/// `step $fill:7> ` while a program is paused (where it is), else `None` (`wat> `).
pub fn stepper_prompt(session: &crate::session::Session) -> Option<String> {
    session
        .pause_location()
        .map(|place| format!("step {place}> "))
}

/// Export names for `(invoke "` completion: the default instance's under
/// `""`, each named module instance's under its `$name`.
fn exports_in_scope(session: &crate::session::Session) -> Vec<(String, String)> {
    let store = session.store();
    let default = session.current_instance().map(|addr| (String::new(), addr));
    let named = session.named_instances().iter().cloned();
    default
        .into_iter()
        .chain(named)
        .filter_map(|(name, addr)| Some((name, store.instance(addr)?)))
        .flat_map(|(name, instance)| {
            instance
                .exports
                .iter()
                .map(move |(export, _)| (name.clone(), export.to_string()))
        })
        .collect()
}

/// `$names` of the session module and the scratch locals, for completion.
fn names_in_scope(session: &crate::session::Session) -> Vec<String> {
    let mut names = Vec::new();
    if let Some((module, _)) = session.session_instance() {
        names.extend(module.names.funcs.values().map(|n| format!("${n}")));
        names.extend(module.names.globals.values().map(|n| format!("${n}")));
        names.extend(module.names.memories.values().map(|n| format!("${n}")));
    }
    names.extend(session.locals().iter().map(|l| format!("${}", l.name)));
    names.sort();
    names.dedup();
    names
}

pub use script::{ScriptLine, script, script_lines};

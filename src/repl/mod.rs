//! The interactive workbench: a rustyline loop around a [`crate::commands::Workbench`].
//!
//! Inputs that leave parentheses open continue on `...> ` lines until they
//! close; pasted blocks run input by input (`input.rs`). History lives in the user's data directory; failing to read or
//! write it is a warning, never fatal.

mod helper;
mod input;

use crate::commands::{Workbench, data_file};
use crate::session::Reply;
use crate::text::lex;
use crate::transcript::render_outcome;
use crate::view::{Styled, theme};
use helper::WatHelper;
use input::{Gathered, Gatherer};
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::Ordering;

/// Evaluates one input and returns what to print and whether to quit.
fn respond(session: &mut Workbench, input: &str) -> (Styled, bool) {
    let outcome = session.eval(input);
    let quit = matches!(&outcome, Ok(replies) if replies.contains(&Reply::Quit));
    (crate::view::render_outcome(&outcome), quit)
}

/// Output as the terminal shows it: coloured by role, or plain.
fn shown(styled: &Styled, colour: bool) -> String {
    if colour {
        theme::paint(styled)
    } else {
        styled.plain()
    }
}

/// Runs the interactive workbench, after evaluating `preload` inputs (e.g. `:load FILE`).
pub fn interactive(preload: &[String]) -> std::io::Result<()> {
    let colour = theme::use_colour(std::io::stdout().is_terminal());
    let mut session = Workbench::new(data_file("progress"));
    let config = Config::builder().auto_add_history(false).build();
    let mut editor: Editor<WatHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(editor) => editor,
        Err(e) => return Err(std::io::Error::other(e.to_string())),
    };
    editor.set_helper(Some(WatHelper {
        names: Vec::new(),
        colour,
        stepping: false,
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
    // prompt, rustyline reads it as a key and clears the line.
    let interrupt = session.session.interrupt_flag();
    let flag = interrupt.clone();
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        eprintln!("watlab: warning: Ctrl-C cannot pause running code: {e}");
    }
    println!(
        "watlab {}: WebAssembly Text workbench. :help lists commands, Ctrl-D quits.",
        env!("CARGO_PKG_VERSION")
    );
    for input in preload {
        let (styled, _) = respond(&mut session, input);
        print!("{}", shown(&styled, colour));
    }
    let mut stdout = std::io::stdout();
    let mut gatherer = Gatherer::default();
    loop {
        let input = match gatherer.next(&mut |prompt| editor.readline(prompt)) {
            Gathered::Input(input) => input,
            Gathered::Cleared => continue,
            Gathered::Cancelled => {
                println!("(unfinished input dropped)");
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
        let (styled, quit) = respond(&mut session, &input);
        print!("{}", shown(&styled, colour));
        let _ = stdout.flush();
        if let Some(helper) = editor.helper_mut() {
            helper.names = names_in_scope(&session.session);
            helper.stepping = session.session.is_stepping();
        }
        if quit {
            break;
        }
    }
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
    Ok(())
}

/// `$names` of the session module and export names of every instance, for completion.
fn names_in_scope(session: &crate::session::Session) -> Vec<String> {
    let mut names = Vec::new();
    if let Some((module, _)) = session.session_instance() {
        names.extend(module.names.funcs.values().map(|n| format!("${n}")));
        names.extend(module.names.globals.values().map(|n| format!("${n}")));
        names.extend(module.names.memories.values().map(|n| format!("${n}")));
    }
    names.extend(session.locals().iter().map(|l| format!("${}", l.name)));
    for instance in session.store().instances() {
        names.extend(instance.exports.iter().map(|(n, _)| n.clone()));
    }
    names.sort();
    names.dedup();
    names
}

/// Runs inputs read from `reader` without prompts or colour, printing the output.
/// Returns whether every input succeeded.
pub fn script(reader: impl BufRead, preload: &[String]) -> std::io::Result<bool> {
    let mut session = Workbench::new(None);
    let mut ok = true;
    let mut stdout = std::io::stdout().lock();
    for input in preload {
        let outcome = session.eval(input);
        ok &= outcome.is_ok();
        write!(stdout, "{}", render_outcome(&outcome))?;
    }
    let mut pending = String::new();
    for line in reader.lines() {
        let line = line?;
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if !lex::is_complete(&pending) {
            continue;
        }
        let outcome = session.eval(&pending);
        pending.clear();
        ok &= outcome.is_ok();
        let quit = matches!(&outcome, Ok(replies) if replies.contains(&Reply::Quit));
        write!(stdout, "{}", render_outcome(&outcome))?;
        if quit {
            return Ok(ok);
        }
    }
    if !pending.trim().is_empty() {
        let outcome = session.eval(&pending);
        ok &= outcome.is_ok();
        write!(stdout, "{}", render_outcome(&outcome))?;
    }
    Ok(ok)
}

//! What a user can say to the workbench: one registry of commands in four
//! scopes (workbench `:commands`, lesson commands, the stepper's words, `:host`
//! sub-commands) and their handlers, grouped by area, plus the [`Workbench`]
//! that sends every input where it belongs.
//!
//! Handlers parse the user's words and call the session, which returns data;
//! they never print.

/// A stepper-scope command of the registry (shared by the stepper's forward
/// and reverse command tables).
macro_rules! stepper_command {
    ($name:literal, [$($alias:literal),*], $synopsis:literal, $summary:literal, $help:literal, $run:expr) => {
        $crate::commands::registry::Command {
            scope: $crate::commands::registry::Scope::Stepper,
            name: $name,
            aliases: &[$($alias),*],
            synopsis: $synopsis,
            summary: $summary,
            help: $help,
            run: $run,
        }
    };
}

mod bytes_lanes;
mod control;
mod debugging;
mod definitions;
mod files;
mod help;
mod host;
mod inspect;
mod lesson;
pub mod registry;
mod reverse;
pub mod stepper;
mod threads;
mod workbench;

pub use workbench::{Workbench, data_file};

//! Commands about the session module's definitions: `:forget`.

use super::Workbench;
use super::registry::{Command, Scope};
use crate::session::{Reply, SessionError};

/// The commands of this area, in help order.
pub const COMMANDS: &[Command] = &[Command {
    scope: Scope::Workbench,
    name: "forget",
    aliases: &[],
    synopsis: "NAME",
    summary: "remove a field ($name, \"export\", memory, table, start) from the session module",
    help: "NAME is a field's $name, a name it exports in quotes (\"squares\"), or memory, table or start. Put the kind first when several kinds share a name (:forget global $x); an unnamed field goes by its kind and number (:forget elem 2 is the second elem field). When something still uses the field (a call of a forgotten function), the error it would cause is shown and nothing changes.",
    run: forget,
}];

fn forget(wb: &mut Workbench, args: &str) -> Result<Vec<Reply>, SessionError> {
    let target = args.trim();
    if target.is_empty() {
        return Err(SessionError::usage(
            "usage: :forget NAME, where NAME is $name, \"export\", memory, table or start",
        ));
    }
    wb.session.forget(target)
}

//! Listings of the session's state: named values, a memory window with its
//! regions, the memories and instances of the store, regions, threads.

use super::{Styled, hexdump, marked_lines, value_table_with};
use crate::session::{
    HostModuleInfo, InstanceInfo, MemoryInfo, MemoryOrigin, MemoryWindow, RegionInfo, Role,
    ThreadInfo, ThreadState, ValueRows,
};
use crate::vm::value::list;

/// `locals:` / `globals:` and their rows.
pub fn rows(out: &mut Styled, rows: &ValueRows) {
    out.push(format!("{}:", rows.title), Role::Heading);
    out.plain_text("\n");
    let cells: Vec<_> = rows
        .rows
        .iter()
        .map(|r| (r.label.clone(), r.value, r.changed))
        .collect();
    let suffixes: Vec<Option<String>> = rows
        .rows
        .iter()
        .map(|r| {
            r.imported_from
                .as_ref()
                .map(|f| format!("imported from {f}"))
        })
        .collect();
    let shapes = vec![rows.shape; cells.len()];
    value_table_with(out, &cells, "<- changed", &suffixes, &shapes, &rows.names);
}

/// `name 0x100..0x120 (i32[8])`.
fn region_head(region: &RegionInfo) -> String {
    format!(
        "{} 0x{:x}..0x{:x} ({}[{}])",
        region.name,
        region.start,
        region.end,
        region.elem.name(),
        region.count
    )
}

/// The hex (or typed) rows of a window, as many bytes a row as fit in
/// `columns` (16 when not a terminal), then the regions it shows.
pub fn memory_window(out: &mut Styled, window: &MemoryWindow, columns: Option<usize>) {
    out.push(
        format!(
            "{}, {} bytes from 0x{:x}:",
            window.label, window.len, window.start
        ),
        Role::Heading,
    );
    out.plain_text("\n");
    marked_lines(
        out,
        &hexdump::render(&window.lines, columns, window.address_digits),
    );
    if !window.regions.is_empty() {
        out.plain_text("regions:\n");
        for region in &window.regions {
            let values = region.values.as_deref().unwrap_or("");
            out.plain_text(format!("  {} = {values}\n", region_head(region)));
        }
    }
}

/// `:region` without arguments.
pub fn regions(out: &mut Styled, regions: &[RegionInfo]) {
    if regions.is_empty() {
        out.plain_text("no regions; name one with :region ADDR LEN|TYPE[N] NAME\n");
    }
    for region in regions {
        out.plain_text(format!("region {}\n", region_head(region)));
    }
}

/// `:memory`: each memory, who uses it, how it grew, where it is not zero.
pub fn memories(out: &mut Styled, memories: &[MemoryInfo]) {
    for memory in memories {
        let max = memory
            .maximum
            .map_or("no maximum".to_string(), |m| format!("maximum {m}"));
        let shared = if memory.shared {
            "shared"
        } else {
            "not shared"
        };
        let plural = if memory.pages == 1 { "" } else { "s" };
        for user in &memory.users {
            let origin = match &user.origin {
                MemoryOrigin::Defined => "defined by".to_string(),
                MemoryOrigin::Imported => "imported by".to_string(),
                MemoryOrigin::Host(host) => format!("allocated by the host as {host}, imported by"),
                MemoryOrigin::Shared => continue,
            };
            out.push(memory.label.clone(), Role::Heading);
            let name = user
                .name
                .as_ref()
                .map_or(String::new(), |n| format!(" {n}"));
            out.plain_text(format!(
                ": {} page{plural} ({} bytes), {max}, {shared}; {origin} {} as its memory {}{name}\n",
                memory.pages, memory.bytes, user.owner, user.index
            ));
        }
        if let Some((old, new)) = memory.grown {
            out.push(
                format!(
                    "  grew from {old} to {new} pages in the last input: pages {old}..{} are new (all zero until written)\n",
                    new.saturating_sub(1)
                ),
                Role::Changed,
            );
        }
        let (ranges, more) = &memory.nonzero;
        if ranges.is_empty() {
            out.plain_text("  all bytes are zero\n");
        } else {
            let list: Vec<String> = ranges
                .iter()
                .map(|r| format!("0x{:x}..0x{:x}", r.start, r.end))
                .collect();
            let more = if *more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            out.plain_text(format!("  non-zero: {}{more}\n", list.join(", ")));
        }
        for user in memory
            .users
            .iter()
            .filter(|u| u.origin == MemoryOrigin::Shared)
        {
            out.plain_text(format!(
                "  {} also uses {} as its memory {}\n",
                user.owner, memory.label, user.index
            ));
        }
    }
}

/// `:instances`: each instance, whether it is current, its registrations, exports and imports.
pub fn instances(out: &mut Styled, instances: &[InstanceInfo]) {
    for instance in instances {
        out.push(instance.name.clone(), Role::Heading);
        if instance.current {
            out.plain_text("  (current: invoke and get use it)");
        }
        out.plain_text("\n");
        for name in &instance.registered {
            out.plain_text(format!("  registered as \"{name}\"\n"));
        }
        for (export, ty) in &instance.exports {
            out.plain_text(format!("  export \"{export}\": {ty}\n"));
        }
        for (module, name) in &instance.imports {
            out.plain_text(format!("  import \"{module}\" \"{name}\"\n"));
        }
    }
}

/// `:host`: the host object, module by module.
pub fn host_object(out: &mut Styled, modules: &[HostModuleInfo]) {
    out.push("host object:", Role::Heading);
    out.plain_text("\n");
    for module in modules {
        out.plain_text(format!("  {}:\n", module.name));
        if !module.math_functions.is_empty() {
            out.plain_text(format!(
                "    functions of Math: {}\n",
                module.math_functions.join(" ")
            ));
        }
        for (name, description) in &module.properties {
            out.plain_text(format!("    {name}: {description}\n"));
        }
    }
}

/// `:threads`: each thread's state and code.
pub fn threads(out: &mut Styled, threads: &[ThreadInfo]) {
    for thread in threads {
        let state = match &thread.state {
            ThreadState::Ready => "ready".to_string(),
            ThreadState::Waiting(address) => format!("waiting at 0x{address:x}"),
            ThreadState::Stepping => "in the stepper".to_string(),
            ThreadState::Finished(values) => format!("finished {}", list(values)),
            ThreadState::Trapped(message) => format!("trapped: {message}"),
        };
        out.plain_text(format!(
            "thread {}: {state}  ({})\n",
            thread.name, thread.code
        ));
    }
}

//! Listings of the session's state: named values, a memory window with its
//! regions, the memories and instances of the store, regions, threads.

use super::hexdump::RowLayout;
use super::{Emit, Styled, marked_lines, value_table_with, wrapped};
use crate::session::memory_rows::{Line, Lines};
use crate::session::{
    HostModuleInfo, InstanceInfo, MemoryInfo, MemoryUser, MemoryWindow, RegionInfo, Role, Span,
    ThreadInfo, ThreadState, ValueRows,
};
use crate::vm::memory::pages_text;

/// `locals:` / `globals:` and their rows, for a terminal `width` wide when
/// there is one.
pub fn rows(out: &mut Styled, rows: &ValueRows, width: Option<usize>) {
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
    let shapes: Vec<_> = (rows.rows.iter()).map(|r| rows.shape.or(r.shape)).collect();
    value_table_with(
        out,
        &cells,
        "<- changed",
        &suffixes,
        &shapes,
        &rows.names,
        width,
    );
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
/// `columns` (16 when not a terminal), then the regions it shows: each line
/// goes to `emit` as `lines` makes it, so no more than one line is held
/// here whatever the window's length (issue 13). Returns `false` when
/// `emit` asked to stop.
///
/// # Errors
/// The first error `emit` returned.
pub fn memory_window(
    window: &MemoryWindow,
    lines: Lines<'_>,
    columns: Option<usize>,
    emit: &mut Emit<'_>,
) -> std::io::Result<bool> {
    let digits = window
        .address_digits
        .max(RowLayout::digits_for(lines.last_address()));
    let mut head = Styled::default();
    let pages = crate::vm::memory::page_unit(window.page_size)
        .map_or_else(String::new, |unit| format!(" (pages of {unit})"));
    head.push(
        format!(
            "{}{pages}, {} byte{} from 0x{:x}:",
            window.label,
            window.shown,
            if window.shown == 1 { "" } else { "s" },
            window.start
        ),
        Role::Heading,
    );
    head.plain_text("\n");
    if !emit(head)? {
        return Ok(false);
    }
    if !memory_rows(lines, RowLayout::new(digits, columns), emit)? {
        return Ok(false);
    }
    if window.regions.is_empty() {
        return Ok(true);
    }
    let mut regions = Styled::default();
    regions.plain_text("regions:\n");
    for region in &window.regions {
        let values = region.values.as_deref().unwrap_or("");
        regions.plain_text(format!("  {} = {values}\n", region_head(region)));
    }
    emit(regions)
}

/// Each line rendered and handed to `emit` before the next is made.
fn memory_rows(
    lines: impl Iterator<Item = Line>,
    layout: RowLayout,
    emit: &mut Emit<'_>,
) -> std::io::Result<bool> {
    let mut text = String::new();
    for line in layout.rows(lines) {
        text.clear();
        layout.line(&mut text, &line);
        let mut piece = Styled::default();
        marked_lines(&mut piece, &text);
        if !emit(piece)? {
            return Ok(false);
        }
    }
    Ok(true)
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

/// `:memory`: each memory under the name `:mem` takes, then its size and
/// limits, who defines it, who imports it under which two-level name, how
/// it grew, where it is not zero: each fact once, a line each, wrapped to
/// `width` (issue 13).
pub fn memories(out: &mut Styled, memories: &[MemoryInfo], width: Option<usize>) {
    for memory in memories {
        let reach = format!("  (:mem {})", memory.mem_name);
        line(
            out,
            width,
            &[(&memory.label, Role::Heading), (&reach, Role::Dim)],
        );
        line(out, width, &[(&format!("  {}", size(memory)), Role::Plain)]);
        if let Some(host) = &memory.host {
            // Its name is said once: in the label, by an import under the
            // same two-level name, or here.
            let named = memory.label.ends_with(host.as_str())
                || memory.users.iter().any(|u| {
                    u.import
                        .as_ref()
                        .is_some_and(|(m, n)| format!("{m}.{n}") == *host)
                });
            let text = if named {
                "  allocated by the host".to_string()
            } else {
                format!("  allocated by the host as {host}")
            };
            line(out, width, &[(&text, Role::Plain)]);
        }
        for (i, user) in memory.users.iter().enumerate() {
            let text = match &user.import {
                None => format!("  defined by {}", user.owner),
                Some((module, name)) => {
                    format!("  imported by {} as \"{module}\" \"{name}\"", user.owner)
                }
            };
            let its = its_memory(&memory.label, i == 0, user);
            line(out, width, &[(&format!("{text}{its}"), Role::Plain)]);
        }
        if let Some((old, new)) = memory.grown {
            let text = format!(
                "  grew from {old} to {} in the last input: pages {old}..{} are new (all zero until written)",
                pages_text(new, memory.page_size),
                new.saturating_sub(1)
            );
            line(out, width, &[(&text, Role::Changed)]);
        }
        let (ranges, more) = &memory.nonzero;
        let text = if ranges.is_empty() {
            "  all bytes are zero".to_string()
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
            format!("  non-zero: {}{more}", list.join(", "))
        };
        line(out, width, &[(&text, Role::Plain)]);
    }
}

/// ` (its memory 1 $b)`: how `user` calls the memory, unless the label
/// (which the first user gave) said it already.
fn its_memory(label: &str, first: bool, user: &MemoryUser) -> String {
    let said = |what: &str| {
        first
            && (label == format!("memory {what}") || label.starts_with(&format!("memory {what} ")))
    };
    match &user.name {
        _ if said(&user.index.to_string()) => String::new(),
        Some(name) if !said(name) => format!(" (its memory {} {name})", user.index),
        _ => format!(" (its memory {})", user.index),
    }
}

/// `3 pages (196608 bytes), maximum 4, shared, 64-bit addresses`.
fn size(memory: &MemoryInfo) -> String {
    let mut text = format!(
        "{} ({} byte{}), {}",
        pages_text(memory.pages, memory.page_size),
        memory.bytes,
        if memory.bytes == 1 { "" } else { "s" },
        memory
            .maximum
            .map_or("no maximum".to_string(), |m| format!("maximum {m}"))
    );
    if memory.shared {
        text.push_str(", shared");
    }
    if memory.memory64 {
        text.push_str(", 64-bit addresses");
    }
    text
}

/// One line of pieces, wrapped to `width` under its indentation plus two.
fn line(out: &mut Styled, width: Option<usize>, pieces: &[(&str, Role)]) {
    let spans: Vec<Span> = pieces
        .iter()
        .map(|(text, role)| Span {
            text: (*text).to_string(),
            role: *role,
        })
        .collect();
    for line in wrapped(&spans, width) {
        out.append(line);
    }
}

/// `:instances`: each instance, whether it is current, its registrations,
/// exports and imports, a line each, wrapped to `width`.
pub fn instances(out: &mut Styled, instances: &[InstanceInfo], width: Option<usize>) {
    for instance in instances {
        let current = if instance.current {
            "  (current: invoke and get use it)"
        } else {
            ""
        };
        line(
            out,
            width,
            &[(&instance.name, Role::Heading), (current, Role::Plain)],
        );
        for name in &instance.registered {
            line(
                out,
                width,
                &[(&format!("  registered as \"{name}\""), Role::Plain)],
            );
        }
        for (export, ty) in &instance.exports {
            line(
                out,
                width,
                &[(&format!("  export \"{export}\": {ty}"), Role::Plain)],
            );
        }
        for (module, name) in &instance.imports {
            line(
                out,
                width,
                &[(&format!("  import \"{module}\" \"{name}\""), Role::Plain)],
            );
        }
    }
}

/// `:host`: the host object, module by module, wrapped to `width`.
pub fn host_object(out: &mut Styled, modules: &[HostModuleInfo], width: Option<usize>) {
    out.push("host object:", Role::Heading);
    out.plain_text("\n");
    for module in modules {
        line(out, width, &[(&format!("  {}:", module.name), Role::Plain)]);
        if !module.math_functions.is_empty() {
            let text = format!("    functions of Math: {}", module.math_functions.join(" "));
            line(out, width, &[(&text, Role::Plain)]);
        }
        for (name, description) in &module.properties {
            line(
                out,
                width,
                &[(&format!("    {name}: {description}"), Role::Plain)],
            );
        }
    }
}

/// `:threads`: each thread's state and code, wrapped to `width`.
pub fn threads(out: &mut Styled, threads: &[ThreadInfo], width: Option<usize>) {
    for thread in threads {
        let state = match &thread.state {
            ThreadState::Ready => "ready".to_string(),
            ThreadState::Waiting(address) => format!("waiting at 0x{address:x}"),
            ThreadState::Stepping => "in the stepper".to_string(),
            ThreadState::Finished(values, names) => {
                format!(
                    "finished {}",
                    crate::vm::gc_names::values_text(values, names)
                )
            }
            ThreadState::Trapped(message) => format!("trapped: {message}"),
        };
        let text = format!("thread {}: {state}  ({})", thread.name, thread.code);
        line(out, width, &[(&text, Role::Plain)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::memory_rows::{DumpRequest, Layout, lines};
    use std::cell::Cell;

    /// `:memory` on a 60-column terminal: every line fits, and a long one
    /// goes on under its indentation plus two.
    #[test]
    fn memories_fit_sixty_columns() {
        let user = |owner: &str, import| MemoryUser {
            owner: owner.into(),
            index: 0,
            name: None,
            import,
        };
        let memory = MemoryInfo {
            mem_name: "mem.pages".into(),
            label: "host memory mem.pages".into(),
            pages: 3,
            page_size: 1,
            bytes: 3,
            maximum: Some(65536),
            shared: true,
            memory64: true,
            host: Some("mem.pages".into()),
            users: vec![
                user(
                    "module $a_module_with_a_long_name",
                    Some(("mem".into(), "pages".into())),
                ),
                user("module $b", Some(("env".into(), "memory".into()))),
            ],
            grown: Some((1, 3)),
            nonzero: ((0..8).map(|i| i * 100..i * 100 + 9).collect(), 3),
        };
        let one = MemoryInfo {
            pages: 1,
            bytes: 1,
            ..memory.clone()
        };
        assert!(size(&one).starts_with("1 page of 1 byte (1 byte), "));
        let mut out = Styled::default();
        memories(&mut out, &[memory], Some(60));
        let text = out.plain();
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        assert!(text.contains("\n    "), "no continuation line:\n{text}");
        assert_eq!(
            text,
            "\
host memory mem.pages  (:mem mem.pages)
  3 pages of 1 byte (3 bytes), maximum 65536, shared, 64-bit
    addresses
  allocated by the host
  imported by module $a_module_with_a_long_name as \"mem\"
    \"pages\" (its memory 0)
  imported by module $b as \"env\" \"memory\" (its memory 0)
  grew from 1 to 3 pages of 1 byte in the last input: pages
    1..2 are new (all zero until written)
  non-zero: 0x0..0x9, 0x64..0x6d, 0xc8..0xd1, 0x12c..0x135,
    0x190..0x199, 0x1f4..0x1fd, 0x258..0x261, 0x2bc..0x2c5
    and 3 more
"
        );
    }

    /// The view renders and hands out each line before the next is made
    /// (issue 13: memory use independent of the range), and stops making
    /// lines when the reader stops.
    #[test]
    fn each_row_is_printed_before_the_next_is_made() {
        let memory: Vec<u8> = (1..=255u8).cycle().take(1 << 20).collect();
        let req = DumpRequest {
            memory: &memory,
            start: 0,
            len: 1 << 20,
            changed: &[],
            layout: Layout::Bytes,
            page_size: 65536,
        };
        let made = Cell::new(0usize);
        let counted = lines(&req).inspect(|_| made.set(made.get() + 1));
        let mut printed = 0usize;
        let mut text = 0usize;
        let layout = RowLayout::new(8, None);
        let done = memory_rows(counted, layout, &mut |piece| {
            printed += 1;
            assert!(
                made.get() <= printed,
                "{} lines made, {printed} printed",
                made.get()
            );
            text = text.max(piece.plain().len());
            Ok(true)
        })
        .expect("no write error");
        assert!(done);
        assert_eq!(printed, 65536 + 16);
        // One row of text at a time: 67 characters and a newline.
        assert_eq!(text, 68);

        // The reader stops after 10 pieces: no more lines are made.
        made.set(0);
        let counted = lines(&req).inspect(|_| made.set(made.get() + 1));
        let mut printed = 0;
        let done = memory_rows(counted, layout, &mut |_| {
            printed += 1;
            Ok(printed < 10)
        })
        .expect("no write error");
        assert!(!done);
        assert_eq!(made.get(), 10);
    }
}

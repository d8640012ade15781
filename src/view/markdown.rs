//! Markdown (lesson text) rendered for a terminal, as role-tagged text.
//!
//! The Markdown is parsed by `pulldown-cmark` (CommonMark, with tables) and
//! laid out the way `man` lays out a page: a two-column margin, headings
//! underlined (`=` for `#`, `-` for `##`), paragraphs and list items filled
//! to the width at spaces (a wrapped item hangs under its text), block quotes
//! behind a bar, tables aligned, links shown as their text. Code blocks are
//! indented and never re-wrapped; `wat` blocks are highlighted by the WAT
//! lexer the prompt uses, and `watlab` blocks (worked examples) highlight
//! what is typed after each `wat> ` prompt. Emphasis, strong text and inline
//! code lose their markers and keep a [`Role`], so plain output (pipes,
//! transcripts, `NO_COLOR`) still reads as prose.
//!
//! ```text
//!   1. The stack machine
//!   ====================
//!
//!   Goal: see how WebAssembly computes with an operand stack: constants go
//!   on, arithmetic takes values off and puts its result back.
//!
//!     wat> i32.const 40
//! ```
//!
//! Nothing here knows about lessons: which blocks a learner may see is the
//! lesson's business (`lesson::guided`).

use super::{Styled, example, wat, wrap};
use crate::session::Role;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use wrap::Piece;

/// The width Markdown is laid out to when the output is not a terminal
/// (pipes, transcripts): fixed, so the output is deterministic.
pub const PLAIN_WIDTH: usize = 80;

/// The left margin of every line.
const MARGIN: &str = "  ";
/// The indentation of code blocks, after the margin.
const CODE_INDENT: &str = "  ";
/// Text is never squeezed narrower than this, however deep the nesting.
const MIN_TEXT: usize = 20;
/// Inline code up to this long is never broken across lines.
const KEPT_WHOLE: usize = 32;
/// Holds the words of a short code span together until the line is written.
const NO_BREAK: &str = "\u{a0}";

/// `markdown` laid out in lines of at most `width` columns (a word, a code
/// line or a table row wider than that stays whole).
pub fn render(markdown: &str, width: usize) -> Styled {
    let mut renderer = Renderer {
        width,
        ..Renderer::default()
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        renderer.event(event);
    }
    renderer.flush_inline();
    renderer.out
}

/// A block that holds other blocks and adds to their lines' prefixes.
enum Container {
    /// `> ...`: a bar before every line.
    Quote,
    /// A list; the number of its next item when ordered.
    List(Option<u64>),
    /// A list item: its marker until its first line is out, then as many spaces.
    Item {
        marker: Option<String>,
        width: usize,
    },
}

/// A table being collected: alignments, rows of cells, how many rows head it.
#[derive(Default)]
struct Table {
    align: Vec<Alignment>,
    rows: Vec<Vec<Vec<Piece>>>,
    head: usize,
}

#[derive(Default)]
struct Renderer {
    width: usize,
    out: Styled,
    /// Whether any line is out.
    started: bool,
    /// Whether the next block is set off by a blank line.
    blank: bool,
    /// Running text not laid out yet.
    inline: Vec<Piece>,
    /// The roles of the inline elements open (`*`, `**`, a heading).
    roles: Vec<Role>,
    containers: Vec<Container>,
    /// The info string and text of the code block being collected.
    code: Option<(String, String)>,
    table: Option<Table>,
    /// The destinations of the links open.
    links: Vec<String>,
}

impl Renderer {
    fn role(&self) -> Role {
        self.roles.last().copied().unwrap_or(Role::Plain)
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Html(text) => match &mut self.code {
                Some((_, code)) => code.push_str(&text),
                None => self.push(&text, self.role()),
            },
            Event::Code(text) => self.push(&code_span(&text), Role::Code),
            Event::InlineHtml(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.push(&text, self.role());
            }
            Event::FootnoteReference(label) => self.push(&format!("[{label}]"), Role::Plain),
            Event::SoftBreak => self.push(" ", Role::Plain),
            Event::HardBreak => self.push("\n", Role::Plain),
            Event::Rule => {
                self.begin_block();
                let (first, _) = self.prefixes();
                let len = self.width.saturating_sub(wrap::length(&first)).min(40);
                self.line(first, vec![("-".repeat(len), Role::Dim)]);
                self.blank = true;
            }
            Event::TaskListMarker(done) => {
                self.push(if done { "[x] " } else { "[ ] " }, Role::Plain);
            }
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => self.begin_block(),
            Tag::Heading { .. } => {
                self.begin_block();
                self.roles.push(Role::Heading);
            }
            Tag::BlockQuote(_) => {
                self.begin_block();
                self.containers.push(Container::Quote);
            }
            Tag::CodeBlock(kind) => {
                self.begin_block();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((info, String::new()));
            }
            Tag::HtmlBlock => {
                self.begin_block();
                self.code = Some((String::new(), String::new()));
            }
            Tag::List(first) => {
                self.begin_block();
                self.containers.push(Container::List(first));
            }
            Tag::Item => {
                self.flush_inline();
                let marker = match self.containers.last_mut() {
                    Some(Container::List(Some(n))) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "• ".to_string(),
                };
                let width = marker.chars().count();
                self.containers.push(Container::Item {
                    marker: Some(marker),
                    width,
                });
            }
            Tag::Table(align) => {
                self.begin_block();
                self.table = Some(Table {
                    align,
                    ..Table::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.roles.push(Role::Emphasis),
            Tag::Strong => self.roles.push(Role::Strong),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.to_string());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                self.blank = true;
            }
            TagEnd::Heading(level) => {
                let width = self.flush_inline();
                self.roles.pop();
                let rule = match level {
                    HeadingLevel::H1 => Some("="),
                    HeadingLevel::H2 => Some("-"),
                    _ => None,
                };
                if let Some(rule) = rule {
                    let (_, rest) = self.prefixes();
                    self.line(rest, vec![(rule.repeat(width), Role::Dim)]);
                }
                self.blank = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.containers.pop();
                self.blank = true;
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                if let Some((info, text)) = self.code.take() {
                    self.code_block(&info, &text);
                }
                self.blank = true;
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.containers.pop();
                // A nested list ends inside its item: the next item follows on.
                self.blank = !self
                    .containers
                    .iter()
                    .any(|c| matches!(c, Container::Item { .. }));
            }
            TagEnd::Item => {
                self.flush_inline();
                self.containers.pop();
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline);
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.head = table.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.table(&table);
                }
                self.blank = true;
            }
            TagEnd::Emphasis | TagEnd::Strong => {
                self.roles.pop();
            }
            TagEnd::Link | TagEnd::Image => {
                let dest = self.links.pop().unwrap_or_default();
                let text: String = self.inline.iter().map(|(t, _)| t.as_str()).collect();
                // A web address is worth showing; a link to another lesson
                // file means nothing at the prompt.
                let web = dest.starts_with("https://") || dest.starts_with("http://");
                if web && !text.ends_with(&dest) {
                    self.push(&format!(" ({dest})"), Role::Dim);
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, text: &str, role: Role) {
        match self.inline.last_mut() {
            Some((last, r)) if *r == role => last.push_str(text),
            _ => self.inline.push((text.to_string(), role)),
        }
    }

    /// Starts a block: lays out the running text before it (a tight list
    /// item's), then the blank line that sets it off, if one is due.
    fn begin_block(&mut self) {
        self.flush_inline();
        if self.blank && self.started {
            let (_, rest) = self.prefixes();
            self.line(rest, Vec::new());
        }
        self.blank = false;
    }

    /// The prefixes of the next block's first line and of its other lines;
    /// list markers are used up.
    fn prefixes(&mut self) -> (Vec<Piece>, Vec<Piece>) {
        let mut first = vec![(MARGIN.to_string(), Role::Plain)];
        let mut rest = first.clone();
        for container in &mut self.containers {
            match container {
                Container::Quote => {
                    first.push(("│ ".into(), Role::Dim));
                    rest.push(("│ ".into(), Role::Dim));
                }
                Container::List(_) => {}
                Container::Item { marker, width } => {
                    let pad = " ".repeat(*width);
                    first.push((marker.take().unwrap_or_else(|| pad.clone()), Role::Dim));
                    rest.push((pad, Role::Plain));
                }
            }
        }
        (first, rest)
    }

    /// The width of the prefixes [`Self::prefixes`] would give.
    fn prefix_width(&self) -> usize {
        let nested: usize = self
            .containers
            .iter()
            .map(|container| match container {
                Container::Quote => 2,
                Container::List(_) => 0,
                Container::Item { width, .. } => *width,
            })
            .sum();
        MARGIN.len() + nested
    }

    /// Writes one line: the prefix then the body, without trailing spaces.
    fn line(&mut self, prefix: Vec<Piece>, body: Vec<Piece>) {
        let mut pieces: Vec<Piece> = Vec::new();
        for (text, role) in prefix.into_iter().chain(body) {
            match pieces.last_mut() {
                Some((last, r)) if *r == role => last.push_str(&text),
                _ => pieces.push((text, role)),
            }
        }
        while let Some((text, _)) = pieces.last_mut() {
            let kept = text.trim_end_matches(' ').len();
            if kept > 0 {
                text.truncate(kept);
                break;
            }
            pieces.pop();
        }
        for (text, role) in pieces {
            self.out.push(text.replace(NO_BREAK, " "), role);
        }
        self.out.plain_text("\n");
        self.started = true;
    }

    /// Lays out the running text, filled to the width; returns the width of
    /// its longest line (without prefixes).
    fn flush_inline(&mut self) -> usize {
        let inline = std::mem::take(&mut self.inline);
        if inline.iter().all(|(t, _)| t.trim().is_empty()) {
            return 0;
        }
        let mut widest = 0;
        for segment in split_at_newlines(&inline) {
            let (first, rest) = self.prefixes();
            let room = |prefix: &[Piece]| {
                self.width
                    .saturating_sub(wrap::length(prefix))
                    .max(MIN_TEXT)
            };
            let lines = wrap::fill(&segment, room(&first), room(&rest));
            for (i, body) in lines.into_iter().enumerate() {
                widest = widest.max(wrap::length(&body));
                let prefix = if i == 0 { first.clone() } else { rest.clone() };
                self.line(prefix, body);
            }
        }
        widest
    }

    /// A code block, indented; WAT that does not fit is broken at spaces
    /// (see [`wrap::code`]), other text never re-wrapped.
    fn code_block(&mut self, info: &str, text: &str) {
        let language = info.split_whitespace().next().unwrap_or("");
        let text = text.strip_suffix('\n').unwrap_or(text);
        let mut styled = Styled::default();
        let room = self
            .width
            .saturating_sub(self.prefix_width() + CODE_INDENT.len())
            .max(MIN_TEXT);
        match language {
            "wat" | "wast" => {
                let lines: Vec<String> =
                    text.split('\n').flat_map(|l| wrap::code(l, room)).collect();
                wat(&mut styled, &lines.join("\n"));
            }
            "watlab" => example::render(&mut styled, text, room),
            _ => styled.plain_text(text),
        }
        for (i, body) in split_at_newlines(styled.pieces()).into_iter().enumerate() {
            let (first, rest) = self.prefixes();
            let mut prefix = if i == 0 { first } else { rest };
            prefix.push((CODE_INDENT.to_string(), Role::Plain));
            self.line(prefix, body);
        }
    }

    /// A table: columns as wide as their widest cell, narrowed (the widest
    /// first, never below its longest word) until the table fits, cells
    /// wrapped in their columns; a rule under the head.
    fn table(&mut self, table: &Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        let cells = |c: usize| table.rows.iter().filter_map(move |row| row.get(c));
        let mut widths: Vec<usize> = (0..columns)
            .map(|c| cells(c).map(|cell| wrap::length(cell)).max().unwrap_or(0))
            .collect();
        let least: Vec<usize> = (0..columns)
            .map(|c| cells(c).map(|cell| longest_word(cell)).max().unwrap_or(0))
            .collect();
        let (first, _) = self.prefixes();
        let room = self.width.saturating_sub(wrap::length(&first));
        let gaps = 2 * columns.saturating_sub(1);
        while widths.iter().sum::<usize>() + gaps > room {
            let Some(widest) = (0..columns)
                .filter(|c| widths[*c] > least[*c])
                .max_by_key(|c| widths[*c])
            else {
                break;
            };
            widths[widest] -= 1;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let head = r < table.head;
            let wrapped: Vec<Vec<Vec<Piece>>> = widths
                .iter()
                .enumerate()
                .map(|(c, w)| match row.get(c) {
                    Some(cell) => wrap::fill(cell, *w, *w),
                    None => Vec::new(),
                })
                .collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for i in 0..height {
                let mut body: Vec<Piece> = Vec::new();
                for (c, width) in widths.iter().enumerate() {
                    let part = wrapped[c].get(i).cloned().unwrap_or_default();
                    if c > 0 {
                        body.push(("  ".into(), Role::Plain));
                    }
                    body.extend(aligned(part, *width, table.align.get(c), head));
                }
                let (first, _) = self.prefixes();
                self.line(first, body);
            }
            if r + 1 == table.head {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                let (first, _) = self.prefixes();
                self.line(first, vec![(rule.join("  "), Role::Dim)]);
            }
        }
    }
}

/// One line of a table cell padded to `width` as the column is aligned; a
/// head cell's plain text is a heading.
fn aligned(part: Vec<Piece>, width: usize, align: Option<&Alignment>, head: bool) -> Vec<Piece> {
    let gap = width.saturating_sub(wrap::length(&part));
    let before = match align {
        Some(Alignment::Right) => gap,
        Some(Alignment::Center) => gap / 2,
        _ => 0,
    };
    let mut out = vec![(" ".repeat(before), Role::Plain)];
    for (text, role) in part {
        let role = if head && role == Role::Plain {
            Role::Heading
        } else {
            role
        };
        out.push((text, role));
    }
    out.push((" ".repeat(gap - before), Role::Plain));
    out
}

/// The length of the longest word in `pieces`.
fn longest_word(pieces: &[Piece]) -> usize {
    let text: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
    text.split(' ')
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0)
}

/// An inline code span as shown: in backticks (unless it holds one), so
/// plain text still tells code from prose, and held together (no-break
/// spaces) when it is short.
fn code_span(text: &str) -> String {
    if text.contains('`') {
        // Backticks around backticks would read as noise: the text as it is.
        text.to_string()
    } else if text.chars().count() <= KEPT_WHOLE {
        format!("`{}`", text.replace(' ', NO_BREAK))
    } else {
        format!("`{text}`")
    }
}

/// Pieces split into lines at `\n`, each line's pieces in order.
fn split_at_newlines(pieces: &[Piece]) -> Vec<Vec<Piece>> {
    let mut lines: Vec<Vec<Piece>> = vec![Vec::new()];
    for (text, role) in pieces {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if let Some(line) = lines.last_mut()
                && !part.is_empty()
            {
                line.push((part.to_string(), *role));
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(markdown: &str, width: usize) -> String {
        render(markdown, width).plain()
    }

    /// The role of the first piece holding `text`.
    fn role_of(markdown: &str, text: &str) -> Option<Role> {
        render(markdown, 80)
            .pieces()
            .iter()
            .find(|(t, _)| t.contains(text))
            .map(|(_, r)| *r)
    }

    #[test]
    fn headings_are_underlined_and_emphasis_loses_its_markers() {
        let text =
            "# 1. The stack\n\nSome *operand* **stack** and `i32.add`.\n\n## Next\n\n### Small\n";
        assert_eq!(
            plain(text, 80),
            "  1. The stack\n  ============\n\n  Some operand stack and `i32.add`.\n\n  Next\n  ----\n\n  Small\n"
        );
        assert_eq!(role_of(text, "The stack"), Some(Role::Heading));
        assert_eq!(role_of(text, "operand"), Some(Role::Emphasis));
        assert_eq!(role_of(text, "stack"), Some(Role::Heading));
        assert_eq!(role_of(" **stack**", "stack"), Some(Role::Strong));
        assert_eq!(role_of(text, "i32.add"), Some(Role::Code));
    }

    #[test]
    fn lists_hang_under_their_text_when_wrapped() {
        let text = "Before:\n\n- one two three four five six seven\n- eight\n  1. nine ten\n  2. eleven\n\nAfter.\n";
        assert_eq!(
            plain(text, 24),
            "  Before:\n\n  • one two three four\n    five six seven\n  • eight\n    1. nine ten\n    2. eleven\n\n  After.\n"
        );
    }

    #[test]
    fn paragraphs_wrap_at_60_columns_never_inside_a_word() {
        let words: Vec<String> = (0..60).map(|i| format!("word{i}")).collect();
        let text = format!("{}\n", words.join(" "));
        let out = plain(&text, 60);
        assert!(out.lines().count() > 5, "{out}");
        for line in out.lines() {
            assert!(line.chars().count() <= 60, "{line:?}");
            assert!(line.starts_with("  word"), "{line:?}");
        }
        let again: Vec<&str> = out.split_whitespace().collect();
        assert_eq!(again, words);
    }

    #[test]
    fn code_blocks_are_indented_highlighted_and_never_rewrapped() {
        let long = "i32.const 1 i32.const 2 i32.add i32.const 3 i32.mul drop drop drop";
        let text = format!(
            "Type:\n\n```watlab\nwat> {long}\nstack: empty\n```\n\n```wat\n(func $f)\n```\n"
        );
        let out = plain(&text, 40);
        assert_eq!(
            out,
            format!("  Type:\n\n    wat> {long}\n    stack: empty\n\n    (func $f)\n")
        );
        let styled = render(&text, 40);
        let roles: Vec<(&str, Role)> = styled
            .pieces()
            .iter()
            .map(|(t, r)| (t.as_str(), *r))
            .collect();
        assert!(roles.contains(&("wat> ", Role::Dim)), "{roles:?}");
        assert!(roles.contains(&("i32.const", Role::Keyword)), "{roles:?}");
        assert!(roles.contains(&("$f", Role::Name)), "{roles:?}");
        assert!(
            roles.contains(&("    stack: empty", Role::Plain)),
            "{roles:?}"
        );
    }

    #[test]
    fn tables_align_their_columns() {
        let text = "| op | pops | pushes |\n|----|:----:|-------:|\n| i32.add | 2 | 1 |\n| drop | 1 | 0 |\n";
        assert_eq!(
            plain(text, 80),
            "  op       pops  pushes\n  -------  ----  ------\n  i32.add   2         1\n  drop      1         0\n"
        );
        assert_eq!(role_of(text, "pops"), Some(Role::Heading));
    }

    #[test]
    fn a_table_too_wide_narrows_its_widest_column_and_wraps_its_cells() {
        let text = "| check | passes when |\n|---|---|\n| `stack T:V` | the scratch stack is exactly these values, bottom first |\n";
        assert_eq!(
            plain(text, 40),
            "  check        passes when\n  -----------  -------------------------\n  `stack T:V`  the scratch stack is\n               exactly these values,\n               bottom first\n"
        );
    }

    #[test]
    fn quotes_get_a_bar_and_links_show_their_text() {
        let text = "> Note: see [lesson 6](06-linear-memory.md) and [the spec](https://webassembly.github.io/spec/).\n";
        assert_eq!(
            plain(text, 80),
            "  │ Note: see lesson 6 and the spec (https://webassembly.github.io/spec/).\n"
        );
    }

    #[test]
    fn short_inline_code_is_never_broken() {
        assert_eq!(
            plain("push it with `i32.const 40` now\n", 24),
            "  push it with\n  `i32.const 40` now\n"
        );
    }

    #[test]
    fn hard_breaks_and_rules_start_new_lines() {
        assert_eq!(
            plain("one\\\ntwo\n\n---\n", 80),
            "  one\n  two\n\n  ----------------------------------------\n"
        );
    }
}

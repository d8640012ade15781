//! Zero rows folded in the rows a narrow terminal shows. The byte view is
//! made in rows of 16 bytes ([`ROW`]) and a terminal too narrow for one
//! shows each as two rows of 8 (or four of 4); folding in 16-byte rows then
//! left zero halves unfolded next to a folded run (learner trial 12 at 60
//! columns: `:mem 0 128` showed rows 0x0 and 0x8 and three more zero rows
//! before its run). Here the rows are split first and every run of two or
//! more zero rows folds the same way, as `xxd -a` does.

use crate::session::memory_rows::{Line, ROW};
use std::collections::VecDeque;

/// `lines` with each byte row split into rows of `per_row` bytes and the
/// zero ones folded with the runs beside them; as they are when `per_row`
/// is a whole row.
pub fn split_rows(lines: impl Iterator<Item = Line>, per_row: usize) -> impl Iterator<Item = Line> {
    let mut split = Split {
        per_row: per_row.clamp(1, ROW as usize),
        run: None,
        ready: VecDeque::new(),
    };
    let mut lines = lines.fuse();
    std::iter::from_fn(move || {
        loop {
            if let Some(line) = split.ready.pop_front() {
                return Some(line);
            }
            match lines.next() {
                Some(line) => split.take(line),
                None => {
                    split.flush();
                    return split.ready.pop_front();
                }
            }
        }
    })
}

/// The state of [`split_rows`].
struct Split {
    per_row: usize,
    /// The zero rows not shown yet: first address and end.
    run: Option<(u64, u64)>,
    ready: VecDeque<Line>,
}

impl Split {
    fn take(&mut self, line: Line) {
        match line {
            Line::Row {
                address,
                bytes,
                changed,
            } if self.per_row < ROW as usize => {
                for (i, part) in bytes.chunks(self.per_row).enumerate() {
                    if part.iter().all(Option::is_none) {
                        continue;
                    }
                    let at = i * self.per_row;
                    let marks = changed.get(at..at + part.len()).unwrap_or_default();
                    let from = address.saturating_add(at as u64);
                    let zero = part.iter().all(|b| *b == Some(0)) && !marks.contains(&true);
                    match zero && part.len() == self.per_row {
                        true => self.extend(from, from.saturating_add(self.per_row as u64)),
                        false => {
                            self.flush();
                            self.ready.push_back(Line::Row {
                                address: from,
                                bytes: part.to_vec(),
                                changed: marks.to_vec(),
                            });
                        }
                    }
                }
            }
            Line::ZeroRun { from, to, .. } if self.per_row < ROW as usize => self.extend(from, to),
            other => {
                self.flush();
                self.ready.push_back(other);
            }
        }
    }

    /// Adds zero bytes `from..to` to the run, which they go on or start anew.
    fn extend(&mut self, from: u64, to: u64) {
        match &mut self.run {
            Some((_, end)) if *end == from => *end = to,
            _ => {
                self.flush();
                self.run = Some((from, to));
            }
        }
    }

    /// Shows the pending run: one zero row as it is, more as a count.
    fn flush(&mut self) {
        let Some((from, to)) = self.run.take() else {
            return;
        };
        let per_row = self.per_row as u64;
        let rows = (to - from) / per_row;
        self.ready.push_back(match rows {
            1 => Line::Row {
                address: from,
                bytes: vec![Some(0); self.per_row],
                changed: vec![false; self.per_row],
            },
            _ => Line::ZeroRun { rows, from, to },
        });
    }
}

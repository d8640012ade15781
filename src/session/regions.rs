//! Memory regions: named, typed ranges of linear memory (`scores` is
//! `i32[4]` at 0x100). They make data structures visible in the hex view and
//! let the stepper report a write that runs from one structure into the next,
//! the "trampling" a sandbox does not prevent.

use super::{RegionInfo, Reply, Session, SessionError};
use crate::session::memory_rows::Elem;
use crate::vm::Value;
use crate::vm::module::{ConstExpr, SegmentMode};
use crate::vm::store::MemAddr;

/// A named range of the session's memory 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// Name, without `$`.
    pub name: String,
    /// First byte.
    pub start: u64,
    /// Length in bytes.
    pub len: u64,
    /// How to decode it.
    pub elem: Elem,
}

impl Region {
    /// One past the last byte.
    pub fn end(&self) -> u64 {
        self.start.saturating_add(self.len)
    }

    fn contains(&self, addr: u64) -> bool {
        (self.start..self.end()).contains(&addr)
    }

    /// The region as reply data, with its decoded contents when given.
    fn info(&self, values: Option<String>) -> RegionInfo {
        RegionInfo {
            name: self.name.clone(),
            start: self.start,
            end: self.end(),
            elem: self.elem,
            count: self.len / self.elem.size() as u64,
            values,
        }
    }

    fn describe(&self) -> String {
        let count = self.len / self.elem.size() as u64;
        format!(
            "{} 0x{:x}..0x{:x} ({}[{count}])",
            self.name,
            self.start,
            self.end(),
            self.elem.name()
        )
    }
}

impl Session {
    /// `region ADDR LEN|TYPE[N] NAME`.
    pub fn define_region(&mut self, args: &str) -> Result<Vec<Reply>, SessionError> {
        let words: Vec<&str> = args.split_whitespace().collect();
        let usage = || {
            SessionError::usage(
                "usage: region ADDR LEN|TYPE[N] NAME, e.g. region 0x100 i32[8] scores",
            )
        };
        let [addr, size, name] = words.as_slice() else {
            return if words.is_empty() {
                Ok(vec![Reply::Regions(self.regions())])
            } else {
                Err(usage())
            };
        };
        let start = super::state::parse_number(addr).ok_or_else(usage)?;
        let (elem, len) = match size.split_once('[') {
            Some((ty, count)) => {
                let elem = Elem::parse(ty).ok_or_else(usage)?;
                let count = count
                    .strip_suffix(']')
                    .and_then(super::state::parse_number)
                    .ok_or_else(usage)?;
                (elem, count.saturating_mul(elem.size() as u64))
            }
            None => (
                Elem::U8,
                super::state::parse_number(size).ok_or_else(usage)?,
            ),
        };
        if len == 0 {
            return Err(SessionError::usage("a region needs at least one byte"));
        }
        let name = name.trim_start_matches('$').to_string();
        self.regions.retain(|r| r.name != name);
        let region = Region {
            name,
            start,
            len,
            elem,
        };
        let text = format!("region {}", region.describe());
        self.regions.push(region);
        self.regions.sort_by_key(|r| r.start);
        Ok(vec![Reply::Note(text)])
    }

    /// The regions, in address order.
    pub fn regions(&self) -> Vec<RegionInfo> {
        self.regions.iter().map(|r| r.info(None)).collect()
    }

    /// A region by name.
    pub(super) fn region(&self, name: &str) -> Option<&Region> {
        self.regions
            .iter()
            .find(|r| r.name == name.trim_start_matches('$'))
    }

    /// Adds a region for each active data segment of the session module that
    /// does not have one yet, named after the segment (`$name`, or `dataN`).
    pub(super) fn seed_regions(&mut self) {
        let Some((module, _)) = self.session_instance() else {
            return;
        };
        let mut seeded = Vec::new();
        for (i, seg) in module.datas.iter().enumerate() {
            let SegmentMode::Active {
                index: 0,
                offset: ConstExpr::Value(Value::I32(at)),
            } = seg.mode
            else {
                continue;
            };
            let name = module
                .names
                .datas
                .get(&(i as u32))
                .cloned()
                .unwrap_or_else(|| format!("data{i}"));
            if seg.bytes.is_empty() || self.regions.iter().any(|r| r.name == name) {
                continue;
            }
            seeded.push(Region {
                name,
                start: at as u32 as u64,
                len: seg.bytes.len() as u64,
                elem: Elem::U8,
            });
        }
        self.regions.extend(seeded);
        self.regions.sort_by_key(|r| r.start);
    }

    /// The memory regions describe: the session module's memory 0.
    fn regions_memory(&self) -> Option<MemAddr> {
        let (_, instance) = self.session_instance()?;
        self.store.instance(instance)?.memories.first().copied()
    }

    /// The regions overlapping `[start, start + len)` of memory `addr`,
    /// decoded from its bytes `memory`; none for any other memory than the
    /// one regions describe.
    pub(super) fn regions_in(
        &self,
        addr: MemAddr,
        memory: &[u8],
        start: u64,
        len: u64,
    ) -> Vec<RegionInfo> {
        if self.regions_memory() != Some(addr) {
            return Vec::new();
        }
        let end = start.saturating_add(len);
        self.regions
            .iter()
            .filter(|r| r.start < end && r.end() > start)
            .map(|r| r.info(Some(decode(r, memory))))
            .collect()
    }

    /// "starts in region a and runs into region b" for a write to memory
    /// `addr` that does.
    pub(super) fn crossing(&self, addr: MemAddr, start: u64, len: u64) -> Option<String> {
        if self.regions_memory() != Some(addr) {
            return None;
        }
        let last = start.checked_add(len.checked_sub(1)?)?;
        let from = self.regions.iter().find(|r| r.contains(start))?;
        if from.contains(last) {
            return None;
        }
        match self.regions.iter().find(|r| r.contains(last)) {
            Some(into) => Some(format!(
                "starts in region {} and runs into region {}",
                from.name, into.name
            )),
            None => Some(format!(
                "starts in region {} and runs past its end",
                from.name
            )),
        }
    }
}

/// A region's contents: text for printable byte regions, typed values otherwise.
fn decode(region: &Region, memory: &[u8]) -> String {
    let start = (region.start as usize).min(memory.len());
    let end = (region.end() as usize).min(memory.len());
    let bytes = &memory[start..end];
    if bytes.len() < region.len as usize {
        return "(outside the memory)".into();
    }
    if region.elem == Elem::U8 && bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        return format!("\"{}\"", String::from_utf8_lossy(bytes));
    }
    let size = region.elem.size();
    let values: Vec<String> = bytes
        .chunks_exact(size)
        .map(|chunk| region.elem.format(chunk))
        .collect();
    format!("[{}]", values.join(" "))
}

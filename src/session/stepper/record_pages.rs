//! A checkpoint's copy of the store: everything but the memories cloned,
//! and each memory kept as 4 KiB pages shared with the checkpoint before it
//! where they did not change, so a checkpoint costs the pages dirtied since
//! the previous one (plus one zero page shared by all), not the memory.

use crate::vm::memory::is_zero;
use crate::vm::store::StoreData;
use std::sync::Arc;

/// Bytes of a page: a memory's chunk, whose [`crate::vm::memory::Memory::chunks`]
/// tell which may have been written.
const PAGE: usize = crate::vm::memory::CHUNK;

/// One memory of a checkpoint: its pages and its size in wasm pages.
struct PagedMemory {
    pages: Vec<Arc<[u8]>>,
    wasm_pages: u64,
}

/// The store's data at a checkpoint.
pub(super) struct StoreCopy {
    /// The data without its memories.
    rest: StoreData,
    memories: Vec<PagedMemory>,
}

impl StoreCopy {
    /// A copy of `data` that shares the unchanged pages of `previous` (and
    /// `zero` for pages of zeros); also the bytes of the pages it added.
    pub(super) fn take(
        data: &mut StoreData,
        previous: Option<&StoreCopy>,
        zero: &Arc<[u8]>,
    ) -> (StoreCopy, usize) {
        let memories = std::mem::take(&mut data.memories);
        let rest = data.clone();
        data.memories = memories;
        let mut added = 0;
        let copies = data
            .memories
            .iter()
            .enumerate()
            .map(|(i, memory)| {
                let old = previous.and_then(|p| p.memories.get(i));
                // Only chunks that may have been written are read: a 1 GiB
                // memory holding a few bytes costs a few pages to look at.
                let chunks = memory.chunks();
                let pages = (0..chunks.len())
                    .map(|n| {
                        let bytes = chunks.get(n);
                        if !chunks.written(n) && bytes.len() == zero.len() {
                            return Arc::clone(zero);
                        }
                        if let Some(page) = old.and_then(|o| o.pages.get(n))
                            && **page == *bytes
                        {
                            return Arc::clone(page);
                        }
                        if bytes.len() == zero.len() && is_zero(bytes) {
                            return Arc::clone(zero);
                        }
                        added += bytes.len();
                        Arc::from(bytes)
                    })
                    .collect();
                PagedMemory {
                    pages,
                    wasm_pages: memory.pages(),
                }
            })
            .collect();
        (
            StoreCopy {
                rest,
                memories: copies,
            },
            added,
        )
    }

    /// Puts this copy back into `data` (whose memories are those of a later
    /// state of the same store: the same count, as large or larger).
    pub(super) fn restore(&self, data: &mut StoreData) {
        let mut memories = std::mem::take(&mut data.memories);
        *data = self.rest.clone();
        for (memory, copy) in memories.iter_mut().zip(&self.memories) {
            if memory.pages() != copy.wasm_pages {
                memory.discard();
                // It had this size before, so it can have it again.
                let _ = memory.grow(copy.wasm_pages);
            }
            // A page that is zero in both stays unwritten (writing every
            // page of a 1 GiB memory would make all of it resident).
            let chunks = memory.chunks();
            let written: Vec<bool> = (0..chunks.len()).map(|n| chunks.written(n)).collect();
            let pages = memory.bytes_mut().chunks_mut(PAGE).zip(&copy.pages);
            for (n, (bytes, page)) in pages.enumerate() {
                if written.get(n) == Some(&false) && is_zero(page) {
                    continue;
                }
                bytes.copy_from_slice(page);
            }
        }
        data.memories = memories;
    }

    /// Bytes of pages that only this copy holds (freed when it goes).
    pub(super) fn own_bytes(&self) -> usize {
        self.memories
            .iter()
            .flat_map(|m| &m.pages)
            .filter(|p| Arc::strong_count(p) == 1)
            .map(|p| p.len())
            .sum()
    }
}

//! Linear memory: a growable byte array measured in 64 KiB pages.
//!
//! Memories know nothing of traps: out-of-range requests come back as
//! `None`/`false` and the executor reports the spec's trap at the instruction.
//!
//! Pages nobody wrote cost nothing (issue 14): the bytes come zeroed from the
//! allocator (`calloc`, which the kernel backs on first touch), and copying
//! a memory writes only the chunks that are not zero, so a `(memory 16384)`
//! is not resident until the program uses it.

use super::types::{MemoryType, PAGE_SIZE};

/// `3 pages`, or `3 pages of 1 byte` when pages are not the standard 64 KiB
/// (custom page sizes): how every message counts a memory's pages.
pub fn pages_text(count: u64, page_size: u64) -> String {
    let word = if count == 1 { "page" } else { "pages" };
    match page_unit(page_size) {
        None => format!("{count} {word}"),
        Some(unit) => format!("{count} {word} of {unit}"),
    }
}

/// `1 byte` for pages that are not the standard 64 KiB (custom page
/// sizes), which every message that counts pages then says; `None` for 64 KiB.
pub fn page_unit(page_size: u64) -> Option<String> {
    (page_size != PAGE_SIZE)
        .then(|| format!("{page_size} byte{}", if page_size == 1 { "" } else { "s" }))
}

/// Bytes compared at a time when copying only what is not zero.
pub const CHUNK: usize = 4096;

/// A chunk of zeros to compare with: a slice comparison is a `memcmp`,
/// fast in every build (a byte loop took seconds a copy in a debug build).
static ZEROS: [u8; CHUNK] = [0; CHUNK];

/// Whether `chunk` (at most [`CHUNK`] bytes) is all zero.
pub fn is_zero(chunk: &[u8]) -> bool {
    ZEROS.get(..chunk.len()) == Some(chunk)
}

/// One linear memory instance.
#[derive(Debug)]
pub struct Memory {
    /// The declared (or host-requested) type; `limits.min` tracks the current size.
    pub ty: MemoryType,
    bytes: Vec<u8>,
    /// Most pages this store allows any memory to have.
    page_limit: u32,
    /// Which [`CHUNK`]s of `bytes` are known to be all zero: set by a copy
    /// (which looked at every chunk), dropped by anything that may write.
    /// A copy's zero chunks are then compared and copied without reading
    /// them, so its untouched pages stay unmapped.
    zero_chunks: Option<std::sync::Arc<Vec<bool>>>,
}

impl Memory {
    /// Allocates a zeroed memory of `ty.limits.min` pages.
    ///
    /// # Errors
    /// A message when the initial size exceeds `page_limit` (in 64 KiB
    /// pages, whatever the memory's page size) or cannot be allocated.
    pub fn new(ty: MemoryType, page_limit: u32) -> Result<Memory, String> {
        let len = ty.limits.min.checked_mul(ty.page_size());
        let Some(len) = len.filter(|len| *len <= page_limit as u64 * PAGE_SIZE) else {
            return Err(format!(
                "memory of {} pages exceeds this session's limit of {page_limit} pages",
                ty.limits.min
            ));
        };
        let bytes = zeroed(len as usize)
            .ok_or_else(|| format!("cannot allocate {} pages", ty.limits.min))?;
        Ok(Memory {
            ty,
            bytes,
            page_limit,
            zero_chunks: None,
        })
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.bytes.len() as u64 >> self.ty.page_size_log2
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, writable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        self.zero_chunks = None;
        &mut self.bytes
    }

    /// The bytes [`CHUNK`] by [`CHUNK`], knowing which chunks were never
    /// written: a copy's zero chunks, or (see [`super::memory_pages`]) the
    /// chunks on pages never touched. Those read as zeros without being
    /// read, so looking for data costs what was written, not the size.
    pub fn chunks(&self) -> Chunks<'_> {
        let count = self.bytes.len().div_ceil(CHUNK);
        let written = match &self.zero_chunks {
            Some(zeros) => zeros.iter().map(|zero| !zero).collect(),
            None => super::memory_pages::touched_chunks(&self.bytes, CHUNK)
                .unwrap_or_else(|| vec![true; count]),
        };
        Chunks {
            bytes: &self.bytes,
            written,
        }
    }

    /// Whether both memories hold the same bytes.
    pub fn same_bytes(&self, other: &Memory) -> bool {
        if self.bytes.len() != other.bytes.len() {
            return false;
        }
        let (a, b) = (self.chunks(), other.chunks());
        (0..a.len())
            .filter(|i| a.written(*i) || b.written(*i))
            .all(|i| a.get(i) == b.get(i))
    }

    /// `memory.grow`: adds `delta` pages and returns the old size, or `None`
    /// when the maximum, the address type, the store's limit or the
    /// allocator says no.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let (old, new, new_len) = self.grown_size(delta)?;
        self.zero_chunks = None;
        if self.bytes.is_empty() {
            self.bytes = zeroed(new_len as usize)?;
        } else {
            // `realloc` moves large blocks without copying; the zeros for
            // the new pages are written (the pages the program asked for).
            self.bytes
                .try_reserve_exact(new_len as usize - self.bytes.len())
                .ok()?;
            self.bytes.resize(new_len as usize, 0);
        }
        self.ty.limits.min = new;
        Some(old)
    }

    /// Grows by `delta` pages as [`Memory::grow`] does, into a fresh zeroed
    /// allocation the current contents are copied into: the new pages stay
    /// untouched until written. For a redefined memory growing to hold its
    /// predecessor's contents (a 1 GiB memory replaced by a 2-page one must
    /// not write 1 GiB of zeros); `memory.grow` keeps `grow`, which copies
    /// nothing when the allocator can extend the block.
    pub fn grow_untouched(&mut self, delta: u64) -> Option<u64> {
        let (old, new, new_len) = self.grown_size(delta)?;
        self.zero_chunks = None;
        let mut bytes = zeroed(new_len as usize)?;
        copy_nonzero(&mut bytes, &self.chunks());
        self.bytes = bytes;
        self.ty.limits.min = new;
        Some(old)
    }

    /// The size in pages now and after growing by `delta`, and the new size
    /// in bytes; `None` past the maximum, the address type or the store's limit.
    fn grown_size(&self, delta: u64) -> Option<(u64, u64, u64)> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let max = self
            .ty
            .limits
            .max
            .unwrap_or(u64::MAX)
            .min(self.ty.max_pages());
        let new_len = new.checked_mul(self.ty.page_size())?;
        (new <= max && new_len <= self.page_limit as u64 * PAGE_SIZE).then_some((old, new, new_len))
    }

    /// The range `[addr, addr + len)` as indices, if it lies inside the memory.
    pub fn range(&self, addr: u64, len: u64) -> Option<std::ops::Range<usize>> {
        let end = addr.checked_add(len)?;
        (end <= self.bytes.len() as u64).then_some(addr as usize..end as usize)
    }

    /// Writes `data` at `addr` if it fits entirely.
    pub fn write(&mut self, addr: u64, data: &[u8]) -> bool {
        self.zero_chunks = None;
        match self.range(addr, data.len() as u64) {
            Some(r) => {
                self.bytes[r].copy_from_slice(data);
                true
            }
            None => false,
        }
    }

    /// An address operand as this memory reads it: the low 32 bits for a
    /// 32-bit memory, all 64 for a 64-bit one.
    pub fn address(&self, slot: u64) -> u64 {
        if self.ty.memory64 {
            slot
        } else {
            slot as u32 as u64
        }
    }

    /// `memory.grow` by an address-typed `delta`: the old size, or -1 of
    /// the address type when the memory cannot grow.
    pub fn grow_by(&mut self, delta: u64) -> u64 {
        let failed = self.address(u64::MAX);
        self.grow(self.address(delta)).unwrap_or(failed)
    }

    /// "65536 bytes (1 page)" ("3 bytes (3 pages of 1 byte)" with custom
    /// page sizes), for trap explanations.
    pub fn describe_size(&self) -> String {
        format!(
            "{} bytes ({})",
            self.bytes.len(),
            pages_text(self.pages(), self.ty.page_size())
        )
    }

    /// The bytes a copy of this memory writes, and so holds resident: its
    /// chunks that are not all zero (a `(memory 16384)` with a few bytes
    /// written holds 4 KiB, not 1 GiB).
    pub fn held_bytes(&self) -> usize {
        self.chunks().with_data().map(|(_, c)| c.len()).sum()
    }

    /// Where the data ends: one past the last byte that is not zero (0 when
    /// all are), reading only the chunks that may have been written.
    pub fn data_end(&self) -> usize {
        let last = self.chunks().with_data().last();
        last.map_or(0, |(at, chunk)| {
            at + chunk.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1)
        })
    }

    /// Copies into this fresh (all zero) memory as many bytes of `from`
    /// as fit, writing only the chunks that are not zero.
    pub fn carry_from(&mut self, from: &Memory) {
        self.zero_chunks = None;
        copy_nonzero(&mut self.bytes, &from.chunks());
    }

    /// Exchanges the contents of two memories of the same size in bytes
    /// (moving an earlier memory's contents into its replacement without a
    /// copy); each counts its size in its own page size.
    pub fn swap_contents(&mut self, other: &mut Memory) {
        std::mem::swap(&mut self.bytes, &mut other.bytes);
        std::mem::swap(&mut self.zero_chunks, &mut other.zero_chunks);
        self.ty.limits.min = self.pages();
        other.ty.limits.min = other.pages();
    }

    /// Frees the contents of a memory that nothing can reach any more (an
    /// earlier session module's): it is left with no pages.
    pub fn discard(&mut self) {
        self.zero_chunks = None;
        self.bytes = Vec::new();
        self.ty.limits.min = 0;
    }

    /// Raw base pointer and length, for the executor's cached view.
    pub(crate) fn raw(&mut self) -> (*mut u8, usize) {
        self.zero_chunks = None;
        (self.bytes.as_mut_ptr(), self.bytes.len())
    }
}

impl Clone for Memory {
    /// A copy that leaves the zero pages of the original unwritten, and
    /// knows which chunks are zero (see `zero_chunks`).
    fn clone(&self) -> Memory {
        let mut bytes = zeroed(self.bytes.len()).unwrap_or_else(|| vec![0; self.bytes.len()]);
        let zeros = copy_nonzero(&mut bytes, &self.chunks());
        Memory {
            ty: self.ty,
            bytes,
            page_limit: self.page_limit,
            zero_chunks: Some(std::sync::Arc::new(zeros)),
        }
    }
}

/// A memory's bytes [`CHUNK`] by [`CHUNK`] (the last may be shorter), and
/// which chunks may have been written (see [`Memory::chunks`]).
pub struct Chunks<'a> {
    bytes: &'a [u8],
    written: Vec<bool>,
}

impl<'a> Chunks<'a> {
    /// How many chunks there are.
    pub fn len(&self) -> usize {
        self.written.len()
    }

    /// Whether there are none (a memory of no pages).
    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }

    /// Whether chunk `i` may hold a byte that is not zero.
    pub fn written(&self, i: usize) -> bool {
        self.written.get(i).copied().unwrap_or(false)
    }

    /// The chunks that may hold a byte that is not zero, in order.
    pub fn written_indices(&self) -> impl Iterator<Item = usize> + '_ {
        (self.written.iter().enumerate()).filter_map(|(i, w)| w.then_some(i))
    }

    /// The chunks that hold a byte that is not zero, with their offsets in
    /// the memory (only the chunks that may have been written are read).
    pub fn with_data(&self) -> impl Iterator<Item = (usize, &'a [u8])> + '_ {
        (self.written_indices())
            .map(|i| (Self::offset(i), self.get(i)))
            .filter(|(_, chunk)| !is_zero(chunk))
    }

    /// The offset of chunk `i` in the memory.
    pub fn offset(i: usize) -> usize {
        i.saturating_mul(CHUNK)
    }

    /// Chunk `i` (empty past the end), read only when it may have been
    /// written: otherwise zeros of its length.
    pub fn get(&self, i: usize) -> &'a [u8] {
        let start = Self::offset(i).min(self.bytes.len());
        let end = start.saturating_add(CHUNK).min(self.bytes.len());
        match self.written(i) {
            true => &self.bytes[start..end],
            false => &ZEROS[..end - start],
        }
    }
}

/// `len` zero bytes straight from the allocator (`calloc`), so that pages no
/// one writes are never made resident; `None` when the allocator says no.
fn zeroed(len: usize) -> Option<Vec<u8>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).ok()?;
    // SAFETY: `layout` has a non-zero size. A non-null result is an
    // allocation of exactly `len` zeroed (so initialised) bytes with the
    // alignment of `u8`, made by the global allocator: what
    // `Vec::from_raw_parts` needs for length and capacity `len`.
    unsafe {
        let ptr = std::alloc::alloc_zeroed(layout);
        if ptr.is_null() {
            return None;
        }
        Some(Vec::from_raw_parts(ptr, len, len))
    }
}

/// Copies the chunks of `from` that are not zero into the zeroed `to`, as
/// far as it reaches, leaving the other pages of `to` untouched; returns
/// which chunks of `to` it left zero.
fn copy_nonzero(to: &mut [u8], from: &Chunks) -> Vec<bool> {
    let mut zeros = vec![true; to.len().div_ceil(CHUNK)];
    for (start, src) in from.with_data() {
        let Some(dst) = to.get_mut(start..(start + src.len()).min(to.len())) else {
            break;
        };
        dst.copy_from_slice(&src[..dst.len()]);
        if let Some(zero) = zeros.get_mut(start / CHUNK) {
            *zero = false;
        }
    }
    zeros
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::types::Limits;

    fn mem(min: u64, max: Option<u64>) -> Memory {
        Memory::new(
            MemoryType {
                limits: Limits { min, max },
                shared: false,
                ..MemoryType::default()
            },
            100,
        )
        .expect("small memory")
    }

    #[test]
    fn a_copy_knows_its_zero_chunks_until_something_writes() {
        let mut m = mem(2, None);
        assert!(m.write(70000, &[1]));
        let copy = m.clone();
        assert!(copy.same_bytes(&m) && m.same_bytes(&copy));
        assert_eq!(copy.held_bytes(), CHUNK);
        assert_eq!((copy.data_end(), mem(1, None).data_end()), (70001, 0));
        let mut written = copy.clone();
        assert!(written.write(5, &[9]));
        // The write is seen: the chunk is no longer taken for zero.
        assert_eq!(written.chunks().get(0)[5], 9);
        assert!(!written.same_bytes(&m));
        assert_eq!(written.held_bytes(), 2 * CHUNK);
        written.bytes_mut()[5] = 0;
        assert!(written.same_bytes(&m));
    }

    #[test]
    fn grow_respects_maximum_and_store_limit() {
        let mut m = mem(1, Some(3));
        assert_eq!(m.grow(2), Some(1));
        assert_eq!(m.grow(1), None);
        assert_eq!(m.pages(), 3);
        let mut unbounded = mem(0, None);
        assert_eq!(unbounded.grow(101), None);
        assert_eq!(unbounded.grow(u64::MAX), None);
    }

    #[test]
    fn growing_and_copying_keep_the_contents() {
        let mut m = mem(1, None);
        assert!(m.write(70, &[1, 2, 3]));
        assert!(m.write(65535, &[9]));
        assert_eq!(m.grow(2), Some(1));
        let copy = m.clone();
        assert_eq!(copy.bytes().len(), 3 * 65536);
        assert_eq!(&copy.bytes()[70..73], &[1, 2, 3]);
        assert_eq!(copy.bytes()[65535], 9);
        assert_eq!(copy.bytes().iter().filter(|b| **b != 0).count(), 4);
        let mut fresh = mem(1, None);
        fresh.carry_from(&copy);
        assert_eq!(fresh.bytes(), &copy.bytes()[..65536]);
        let mut same = mem(3, None);
        same.swap_contents(&mut m);
        assert_eq!(same.bytes(), copy.bytes());
        assert_eq!(m.bytes().iter().filter(|b| **b != 0).count(), 0);
        m.discard();
        assert_eq!(m.pages(), 0);
    }

    #[test]
    fn ranges_reject_overflow_and_past_end() {
        let m = mem(1, None);
        assert!(m.range(65535, 1).is_some());
        assert!(m.range(65535, 2).is_none());
        assert!(m.range(u64::MAX, 2).is_none());
    }

    #[test]
    fn one_byte_pages_and_64_bit_addresses() {
        let ty = MemoryType {
            limits: Limits {
                min: 3,
                max: Some(5),
            },
            page_size_log2: 0,
            ..MemoryType::default()
        };
        let mut m = Memory::new(ty, 1).expect("three bytes");
        assert_eq!((m.pages(), m.bytes().len()), (3, 3));
        assert_eq!(m.grow_by(2), 3);
        assert_eq!(m.grow_by(1), u32::MAX as u64, "-1 as an i32");
        assert_eq!(m.address(u64::MAX), u32::MAX as u64);
        let wide = MemoryType {
            memory64: true,
            ..MemoryType::default()
        };
        let mut m = Memory::new(wide, 1).expect("empty");
        assert_eq!(m.address(1 << 40), 1 << 40);
        assert_eq!(m.grow_by(1 << 40), u64::MAX, "-1 as an i64");
    }
}

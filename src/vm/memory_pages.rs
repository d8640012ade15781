//! Which pages of a memory's bytes were ever touched, so that looking for
//! data reads only those (issue 14): a memory's bytes come zeroed from the
//! allocator, and on Linux a page that is neither present nor swapped out
//! (`/proc/self/pagemap`) was never written since, so it holds zeros. Reading
//! it would map it, and reading all of a 1 GiB memory took 0.75 s.
//!
//! Elsewhere, or when the file cannot be read or does not show pages (a
//! probe checks that a written page shows), every page counts as touched.

/// For each `chunk`-byte chunk of `bytes` (the last may be shorter), whether
/// it lies on a page that was touched; `None` when that cannot be told.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
pub(super) fn touched_chunks(bytes: &[u8], chunk: usize) -> Option<Vec<bool>> {
    if bytes.is_empty() || chunk == 0 {
        return Some(Vec::new());
    }
    if !shows_pages() {
        return None;
    }
    let pages = touched_pages(bytes)?;
    let start = bytes.as_ptr() as usize;
    let first = start / PAGE;
    let chunks = (0..bytes.len().div_ceil(chunk)).map(|i| {
        let lo = start + i * chunk;
        let hi = (lo + chunk).min(start + bytes.len()) - 1;
        (lo / PAGE - first..=hi / PAGE - first).any(|p| pages.get(p) != Some(&false))
    });
    Some(chunks.collect())
}

/// For each `chunk`-byte chunk of `bytes`, whether it lies on a page that
/// was touched: here that cannot be told.
#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
pub(super) fn touched_chunks(_bytes: &[u8], _chunk: usize) -> Option<Vec<bool>> {
    None
}

/// Bytes in a page (x86-64 Linux).
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const PAGE: usize = 4096;

/// For each page `bytes` lies on, whether it is present or swapped out.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn touched_pages(bytes: &[u8]) -> Option<Vec<bool>> {
    use std::os::unix::fs::FileExt;
    let start = bytes.as_ptr() as usize / PAGE;
    let end = (bytes.as_ptr() as usize + bytes.len() - 1) / PAGE + 1;
    let file = std::fs::File::open("/proc/self/pagemap").ok()?;
    // One 64-bit entry a page: bit 63 present, bit 62 swapped.
    let mut entries = vec![0u8; (end - start) * 8];
    file.read_exact_at(&mut entries, start as u64 * 8).ok()?;
    let touched = entries.chunks_exact(8).map(|e| {
        let mut word = [0; 8];
        word.copy_from_slice(e);
        u64::from_le_bytes(word) >> 62 != 0
    });
    Some(touched.collect())
}

/// Whether the pagemap shows a page this process just wrote (a sandbox may
/// give a file of zeros, which would make every page look untouched).
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn shows_pages() -> bool {
    static SHOWS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SHOWS.get_or_init(|| {
        let mut probe = vec![0u8; 2 * PAGE];
        probe[PAGE] = 1;
        let probe = std::hint::black_box(probe);
        touched_pages(&probe[PAGE..=PAGE]).is_some_and(|p| p == [true])
    })
}

#[cfg(all(test, target_os = "linux", target_arch = "x86_64"))]
mod tests {
    use super::*;

    #[test]
    fn only_written_pages_of_a_fresh_allocation_are_touched() {
        // 64 MiB: more than glibc ever serves from its heaps (32 MiB), so a
        // fresh mapping whatever other tests freed.
        let len = 16384 * PAGE;
        let layout = std::alloc::Layout::array::<u8>(len).expect("layout");
        // SAFETY: a non-zero size; the zeroed allocation of `len` bytes is
        // what `Vec::from_raw_parts` needs, and is checked for null first.
        let mut bytes = unsafe {
            let ptr = std::alloc::alloc_zeroed(layout);
            assert!(!ptr.is_null());
            Vec::from_raw_parts(ptr, len, len)
        };
        bytes[10 * PAGE + 5] = 1;
        let bytes = std::hint::black_box(bytes);
        let chunks = touched_chunks(&bytes, PAGE).expect("this machine has a pagemap");
        assert_eq!(chunks.len(), 16384);
        // The chunk written is touched (and the one before, which shares
        // its page when the allocation is not page-aligned); the first may
        // share a page with the allocator's header.
        assert!(chunks[10]);
        assert!(chunks.iter().filter(|t| **t).count() < 8, "{chunks:?}");
    }
}

//! LEB128 numbers and the sections of a module binary, for the code that
//! edits binaries: the session's splices, `:export-js`'s reserved exports.

/// A LEB128 number at `*at` of `bytes`, moving `*at` past it.
pub fn leb(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut value = 0u64;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(value).ok();
        }
    }
    None
}

/// `value` as LEB128, appended to `out`.
pub fn put_leb(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The sections of a binary: (id, content range), after the header.
pub fn sections(bytes: &[u8]) -> Option<Vec<(u8, std::ops::Range<usize>)>> {
    let mut at = 8;
    let mut list = Vec::new();
    while at < bytes.len() {
        let id = bytes[at];
        at += 1;
        let size = leb(bytes, &mut at)? as usize;
        list.push((id, at..at + size));
        at += size;
    }
    (at == bytes.len()).then_some(list)
}

/// `section` (id and content) appended to `out`.
pub fn put_section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
    out.push(id);
    put_leb(out, content.len() as u32);
    out.extend_from_slice(content);
}

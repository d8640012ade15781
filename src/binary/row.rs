//! The explainer's output as data: one [`ByteRow`] per meaningful piece of a
//! module binary, its meaning made of [`Part`]s that a view joins into text
//! (and may colour by role: numbers, names, instructions, types).

/// One row: the bytes at `offset` and what they mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteRow {
    /// Offset of the first byte within the module binary.
    pub offset: usize,
    /// The bytes this row explains (never empty).
    pub bytes: Vec<u8>,
    /// What the bytes mean, e.g. `i32.const` or `section size 7 bytes`.
    pub meaning: Meaning,
    /// Nesting level: 0 for the header and section headers, growing inside
    /// section contents, items and blocks.
    pub depth: usize,
}

impl ByteRow {
    /// The byte range this row covers within the module binary.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset.saturating_add(self.bytes.len())
    }
}

/// What some bytes mean: parts read left to right, so a view can render each
/// by its role instead of re-parsing a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Meaning(pub Vec<Part>);

/// One piece of a [`Meaning`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Fixed wording, e.g. `section size ` or ` (signed LEB128)`.
    Text(String),
    /// A number read from the bytes: a count, size, index, flag or literal.
    Int(i128),
    /// A float literal by its bits, written by the one float formatter.
    Float(Float),
    /// An instruction name, e.g. `i32.const` or `end`.
    Instruction(String),
    /// A value, reference or heap type in text-format style: `i32`, `(ref null 3)`.
    Type(String),
    /// A name stored in the binary (import, export, custom section), shown quoted.
    Name(String),
    /// Raw segment bytes, shown as an escaped ASCII preview.
    Data(Vec<u8>),
}

/// A float literal's bits, kept exact (NaN payloads included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Float {
    /// An `f32` literal.
    F32(u32),
    /// An `f64` literal.
    F64(u64),
}

impl Meaning {
    /// A meaning that starts with `part`.
    pub fn of(part: Part) -> Meaning {
        Meaning(vec![part])
    }

    /// A meaning that starts with fixed wording.
    pub fn text(text: impl Into<String>) -> Meaning {
        Meaning::of(Part::Text(text.into()))
    }

    /// A counted noun, `1 type` or `3 types`.
    pub fn count(n: impl Into<i128>, one: &str, many: &str) -> Meaning {
        Meaning::default().and_count(n, one, many)
    }

    /// This meaning followed by `part`.
    pub fn and(mut self, part: Part) -> Meaning {
        self.0.push(part);
        self
    }

    /// This meaning followed by fixed wording.
    pub fn and_text(self, text: impl Into<String>) -> Meaning {
        self.and(Part::Text(text.into()))
    }

    /// This meaning followed by a number.
    pub fn and_int(self, n: impl Into<i128>) -> Meaning {
        self.and(Part::Int(n.into()))
    }

    /// This meaning followed by a counted noun, `1 byte` or `4 bytes`.
    pub fn and_count(self, n: impl Into<i128>, one: &str, many: &str) -> Meaning {
        let n = n.into();
        let noun = if n == 1 { one } else { many };
        self.and_int(n).and_text(format!(" {noun}"))
    }
}

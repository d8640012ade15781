//! A `v128` seen as lanes: the six shapes (`i8x16` ... `f64x2`), conversions
//! between a `u128` and arrays of lanes, and the text forms views and
//! arguments use.
//!
//! Lane 0 is the least significant part of the `u128`, which is the first
//! bytes in memory (WebAssembly is little-endian), so `v128.load` is a plain
//! `u128::from_le_bytes`.

use super::value::{format_f32, format_f64};

macro_rules! int_lanes {
    ($($get:ident, $put:ident, $t:ty, $u:ty, $n:literal;)*) => {$(
        #[doc = concat!("The ", stringify!($n), " lanes of a vector as `", stringify!($t), "`, lane 0 first.")]
        pub fn $get(v: u128) -> [$t; $n] {
            std::array::from_fn(|i| (v >> (i * (128 / $n))) as $u as $t)
        }

        #[doc = concat!("A vector of ", stringify!($n), " `", stringify!($t), "` lanes, lane 0 first.")]
        pub fn $put(lanes: [$t; $n]) -> u128 {
            lanes
                .iter()
                .enumerate()
                .fold(0, |acc, (i, x)| acc | (u128::from(*x as $u) << (i * (128 / $n))))
        }
    )*};
}

int_lanes! {
    i8s, from_i8s, i8, u8, 16;
    u8s, from_u8s, u8, u8, 16;
    i16s, from_i16s, i16, u16, 8;
    u16s, from_u16s, u16, u16, 8;
    i32s, from_i32s, i32, u32, 4;
    u32s, from_u32s, u32, u32, 4;
    i64s, from_i64s, i64, u64, 2;
    u64s, from_u64s, u64, u64, 2;
}

/// The four `f32` lanes of a vector.
pub fn f32s(v: u128) -> [f32; 4] {
    u32s(v).map(f32::from_bits)
}

/// A vector of four `f32` lanes.
pub fn from_f32s(lanes: [f32; 4]) -> u128 {
    from_u32s(lanes.map(f32::to_bits))
}

/// The two `f64` lanes of a vector.
pub fn f64s(v: u128) -> [f64; 2] {
    u64s(v).map(f64::from_bits)
}

/// A vector of two `f64` lanes.
pub fn from_f64s(lanes: [f64; 2]) -> u128 {
    from_u64s(lanes.map(f64::to_bits))
}

/// How a `v128` is read as lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Sixteen 8-bit integers.
    I8x16,
    /// Eight 16-bit integers.
    I16x8,
    /// Four 32-bit integers.
    I32x4,
    /// Two 64-bit integers.
    I64x2,
    /// Four 32-bit floats.
    F32x4,
    /// Two 64-bit floats.
    F64x2,
}

impl Shape {
    /// Every shape, in the order the text format lists them.
    pub const ALL: [Shape; 6] = [
        Shape::I8x16,
        Shape::I16x8,
        Shape::I32x4,
        Shape::I64x2,
        Shape::F32x4,
        Shape::F64x2,
    ];

    /// The shape's text-format name (`i32x4`).
    pub fn name(self) -> &'static str {
        match self {
            Shape::I8x16 => "i8x16",
            Shape::I16x8 => "i16x8",
            Shape::I32x4 => "i32x4",
            Shape::I64x2 => "i64x2",
            Shape::F32x4 => "f32x4",
            Shape::F64x2 => "f64x2",
        }
    }

    /// The shape a name (`f32x4`) or an instruction name (`f32x4.add`) starts with.
    pub fn from_prefix(text: &str) -> Option<Shape> {
        let head = text.split('.').next().unwrap_or(text);
        Shape::ALL.into_iter().find(|s| s.name() == head)
    }

    /// `value` as watlab writes it, a `v128` in `shape` (`i32x4` when none):
    /// `v128:f32x4[1 2 3 4] hex[...]`; anything else as its `Display` does.
    pub fn value_in(value: &super::Value, shape: Option<Shape>) -> String {
        match *value {
            super::Value::V128(bits) => {
                format!("v128:{}", shape.unwrap_or(Shape::I32x4).describe(bits))
            }
            ref other => other.to_string(),
        }
    }

    /// The shape an instruction's text (immediates and all) gives what it
    /// leaves: its prefix (`f32x4.add`), or the shape written after
    /// `v128.const` (`v128.const f64x2 1 2`); `None` for `v128.and`.
    pub fn of_instruction(text: &str) -> Option<Shape> {
        let mut words = text.split_whitespace();
        let first = words.next()?;
        if first == "v128.const" {
            return words.next().and_then(Shape::from_prefix);
        }
        Shape::from_prefix(first)
    }

    /// Number of lanes.
    pub fn lanes(self) -> usize {
        match self {
            Shape::I8x16 => 16,
            Shape::I16x8 => 8,
            Shape::I32x4 | Shape::F32x4 => 4,
            Shape::I64x2 | Shape::F64x2 => 2,
        }
    }

    /// Each lane as text: integers signed, floats as the stack shows them.
    pub fn lane_texts(self, v: u128) -> Vec<String> {
        fn texts<T: ToString>(lanes: impl IntoIterator<Item = T>) -> Vec<String> {
            lanes.into_iter().map(|l| l.to_string()).collect()
        }
        match self {
            Shape::I8x16 => texts(i8s(v)),
            Shape::I16x8 => texts(i16s(v)),
            Shape::I32x4 => texts(i32s(v)),
            Shape::I64x2 => texts(i64s(v)),
            Shape::F32x4 => u32s(v).into_iter().map(format_f32).collect(),
            Shape::F64x2 => u64s(v).into_iter().map(format_f64).collect(),
        }
    }

    /// The vector in this shape plus its hex: `i32x4[1 2 3 4] hex[00000001 ... 00000004]`.
    pub fn describe(self, v: u128) -> String {
        format!(
            "{}[{}] {}",
            self.name(),
            self.lane_texts(v).join(" "),
            self.hex(v)
        )
    }

    /// Each lane's bits in hex, lane 0 first as the lanes are listed:
    /// `hex[00000001 00000002 00000003 00000004]`.
    pub fn hex(self, v: u128) -> String {
        let bits = 128 / self.lanes();
        let digits = bits / 4;
        let lanes: Vec<String> = (0..self.lanes())
            .map(|i| format!("{:0digits$x}", (v >> (i * bits)) & ((1u128 << bits) - 1)))
            .collect();
        format!("hex[{}]", lanes.join(" "))
    }

    /// Parses lanes written as WAT writes them after `v128.const i32x4`
    /// (decimal or `0x` hex, floats also `nan`, `inf`).
    ///
    /// # Errors
    /// Says which lane is wrong, or how many lanes the shape needs.
    pub fn parse_lanes(self, lanes: &[&str]) -> Result<u128, String> {
        if lanes.len() != self.lanes() {
            return Err(format!(
                "{} takes {} lanes, got {}",
                self.name(),
                self.lanes(),
                lanes.len()
            ));
        }
        let bits = 128 / self.lanes();
        let mut v = 0u128;
        for (i, text) in lanes.iter().enumerate() {
            let lane = parse_lane(self, text).ok_or_else(|| {
                format!(
                    "lane {i} of {}: \"{text}\" is not a valid lane",
                    self.name()
                )
            })?;
            let mask = if bits == 128 {
                u128::MAX
            } else {
                (1u128 << bits) - 1
            };
            v |= (lane & mask) << (i * bits);
        }
        Ok(v)
    }
}

/// One lane's bits from its text.
fn parse_lane(shape: Shape, text: &str) -> Option<u128> {
    let float = |t: &str| -> Option<f64> {
        match t.trim_start_matches('+') {
            "nan" => Some(f64::NAN),
            "inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            other => other.replace('_', "").parse().ok(),
        }
    };
    match shape {
        Shape::F32x4 => Some(u128::from((float(text)? as f32).to_bits())),
        Shape::F64x2 => Some(u128::from(float(text)?.to_bits())),
        _ => {
            let bits = 128 / shape.lanes() as u32;
            let (neg, digits) = text.strip_prefix('-').map_or((false, text), |d| (true, d));
            let digits = digits.replace('_', "");
            let magnitude = match digits.strip_prefix("0x") {
                Some(hex) => i128::from_str_radix(hex, 16).ok()?,
                None => digits.parse::<i128>().ok()?,
            };
            let value = if neg { -magnitude } else { magnitude };
            let (lo, hi) = (-(1i128 << (bits - 1)), (1i128 << bits) - 1);
            (lo..=hi).contains(&value).then_some(value as u128)
        }
    }
}

/// A vector's hex with no shape of its own: in 32-bit lanes, lane 0 first.
pub fn hex(v: u128) -> String {
    Shape::I32x4.hex(v)
}

/// Parses a vector typed as an argument: `i32x4:1,2,3,4` or one hex number
/// `0x...` (underscores allowed).
///
/// # Errors
/// Says what form is expected.
pub fn parse_v128(text: &str) -> Result<u128, String> {
    if let Some(hex) = text.strip_prefix("0x") {
        let digits = hex.replace('_', "");
        if let Some(v) = (digits.len() <= 32)
            .then(|| u128::from_str_radix(&digits, 16).ok())
            .flatten()
        {
            return Ok(v);
        }
    }
    let (shape, lanes) = text.split_once(':').unwrap_or((text, ""));
    let Some(shape) = Shape::from_prefix(shape).filter(|s| s.name() == shape) else {
        return Err(format!(
            "\"{text}\" is not a v128: write SHAPE:LANE,LANE,... (e.g. i32x4:1,2,3,4) or a hex number 0x..."
        ));
    };
    let lanes: Vec<&str> = lanes.split(',').map(str::trim).collect();
    shape.parse_lanes(&lanes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_round_trip_lane_zero_lowest() {
        let v = from_i32s([1, -2, 3, -4]);
        assert_eq!(i32s(v), [1, -2, 3, -4]);
        assert_eq!(v & 0xffff_ffff, 1);
        assert_eq!(u8s(from_u8s([7; 16])), [7; 16]);
        assert_eq!(f64s(from_f64s([1.5, -0.0]))[0], 1.5);
    }

    #[test]
    fn describes_lanes_and_hex() {
        assert_eq!(
            Shape::I32x4.describe(from_i32s([1, 2, 3, -1])),
            "i32x4[1 2 3 -1] hex[00000001 00000002 00000003 ffffffff]"
        );
        assert_eq!(
            Shape::F32x4.describe(from_f32s([1.5, 0.0, -2.0, f32::INFINITY])),
            "f32x4[1.5 0 -2 inf] hex[3fc00000 00000000 c0000000 7f800000]"
        );
        assert_eq!(
            Shape::I8x16.hex(from_i32s([0x0b, 0, 0, 0x1_0000])),
            "hex[0b 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00]"
        );
    }

    #[test]
    fn parses_arguments_in_both_forms() {
        assert_eq!(parse_v128("i32x4:1,2,3,-1"), Ok(from_i32s([1, 2, 3, -1])));
        assert_eq!(
            parse_v128("i8x16:255,-128,0,0,0,0,0,0,0,0,0,0,0,0,0,1"),
            Ok(from_u8s([
                255, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
            ]))
        );
        assert_eq!(parse_v128("0xff"), Ok(255));
        assert!(parse_v128("i32x4:1,2").is_err_and(|e| e.contains("takes 4 lanes")));
        assert!(parse_v128("i8x16:256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0").is_err());
        assert!(parse_v128("v:1").is_err_and(|e| e.contains("i32x4:1,2,3,4")));
    }
}

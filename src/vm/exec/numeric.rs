//! Numeric semantics that Rust's operators do not give directly: the spec's
//! float min/max/nearest, and float-to-integer conversions (trapping and
//! saturating). NaN results of arithmetic are whatever the hardware gives,
//! which the spec allows (any arithmetic NaN).

use crate::vm::trap::TrapCode;

macro_rules! float_ops {
    ($min:ident, $max:ident, $nearest:ident, $t:ty) => {
        /// Spec `fmin`: NaN if either is NaN, and -0 below +0.
        pub fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                // Only differs for zeros of different sign: prefer the negative one.
                return if a.is_sign_negative() { a } else { b };
            }
            if a < b { a } else { b }
        }

        /// Spec `fmax`: NaN if either is NaN, and +0 above -0.
        pub fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                return if a.is_sign_positive() { a } else { b };
            }
            if a > b { a } else { b }
        }

        /// Round to nearest, ties to even.
        pub fn $nearest(a: $t) -> $t {
            a.round_ties_even()
        }
    };
}

float_ops!(f32_min, f32_max, f32_nearest, f32);
float_ops!(f64_min, f64_max, f64_nearest, f64);

/// Applies a rounding function with the spec's NaN rule: a NaN input gives a
/// quiet NaN (libm's rounding functions may pass a signalling NaN through).
pub fn f32_round(x: f32, f: fn(f32) -> f32) -> f32 {
    if x.is_nan() {
        f32::from_bits(x.to_bits() | 0x0040_0000)
    } else {
        f(x)
    }
}

/// The `f64` version of [`f32_round`].
pub fn f64_round(x: f64, f: fn(f64) -> f64) -> f64 {
    if x.is_nan() {
        f64::from_bits(x.to_bits() | 0x0008_0000_0000_0000)
    } else {
        f(x)
    }
}

macro_rules! trunc {
    ($name:ident, $sat:ident, $from:ty, $to:ty, $lo:expr, $hi:expr) => {
        /// Trapping truncation: NaN or out of range is a trap.
        pub fn $name(x: $from) -> Result<$to, TrapCode> {
            if x.is_nan() {
                return Err(TrapCode::InvalidConversionToInteger);
            }
            // Exclusive bounds that are exact in the source float type.
            if !(x > $lo && x < $hi) {
                return Err(TrapCode::IntegerOverflow);
            }
            Ok(x as $to)
        }

        /// Saturating truncation: NaN is 0, out of range clamps.
        pub fn $sat(x: $from) -> $to {
            x as $to
        }
    };
}

trunc!(
    i32_trunc_f32_s,
    i32_trunc_sat_f32_s,
    f32,
    i32,
    -2147483904.0_f32,
    2147483648.0_f32
);
trunc!(
    i32_trunc_f32_u,
    i32_trunc_sat_f32_u,
    f32,
    u32,
    -1.0_f32,
    4294967296.0_f32
);
trunc!(
    i32_trunc_f64_s,
    i32_trunc_sat_f64_s,
    f64,
    i32,
    -2147483649.0_f64,
    2147483648.0_f64
);
trunc!(
    i32_trunc_f64_u,
    i32_trunc_sat_f64_u,
    f64,
    u32,
    -1.0_f64,
    4294967296.0_f64
);
trunc!(
    i64_trunc_f32_s,
    i64_trunc_sat_f32_s,
    f32,
    i64,
    -9223373136366403584.0_f32,
    9223372036854775808.0_f32
);
trunc!(
    i64_trunc_f32_u,
    i64_trunc_sat_f32_u,
    f32,
    u64,
    -1.0_f32,
    18446744073709551616.0_f32
);
trunc!(
    i64_trunc_f64_s,
    i64_trunc_sat_f64_s,
    f64,
    i64,
    -9223372036854777856.0_f64,
    9223372036854775808.0_f64
);
trunc!(
    i64_trunc_f64_u,
    i64_trunc_sat_f64_u,
    f64,
    u64,
    -1.0_f64,
    18446744073709551616.0_f64
);

macro_rules! division {
    ($div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident, $s:ty, $u:ty) => {
        /// Signed division: traps on a zero divisor and on `MIN / -1`.
        #[inline(always)]
        pub fn $div_s(x: $s, y: $s) -> Result<$s, TrapCode> {
            if y == 0 {
                return Err(TrapCode::IntegerDivideByZero);
            }
            if x == <$s>::MIN && y == -1 {
                return Err(TrapCode::IntegerOverflow);
            }
            Ok(x / y)
        }

        /// Unsigned division: traps on a zero divisor.
        #[inline(always)]
        pub fn $div_u(x: $u, y: $u) -> Result<$u, TrapCode> {
            x.checked_div(y).ok_or(TrapCode::IntegerDivideByZero)
        }

        /// Signed remainder: traps on a zero divisor; `MIN % -1` is 0.
        #[inline(always)]
        pub fn $rem_s(x: $s, y: $s) -> Result<$s, TrapCode> {
            if y == 0 {
                return Err(TrapCode::IntegerDivideByZero);
            }
            Ok(x.wrapping_rem(y))
        }

        /// Unsigned remainder: traps on a zero divisor.
        #[inline(always)]
        pub fn $rem_u(x: $u, y: $u) -> Result<$u, TrapCode> {
            x.checked_rem(y).ok_or(TrapCode::IntegerDivideByZero)
        }
    };
}

division!(i32_div_s, i32_div_u, i32_rem_s, i32_rem_u, i32, u32);
division!(i64_div_s, i64_div_u, i64_rem_s, i64_rem_u, i64, u64);

/// A wide-arithmetic instruction on its operands (`[lo1 hi1 lo2 hi2]` or
/// `[a b]`): the 128-bit result as `[lo hi]`.
#[cold]
#[inline(never)]
pub fn wide(op: crate::vm::instr::WideOp, args: [u64; 4]) -> [u64; 2] {
    use crate::vm::instr::WideOp;
    let pair = |lo: u64, hi: u64| (hi as u128) << 64 | lo as u128;
    let result = match op {
        WideOp::Add128 => pair(args[0], args[1]).wrapping_add(pair(args[2], args[3])),
        WideOp::Sub128 => pair(args[0], args[1]).wrapping_sub(pair(args[2], args[3])),
        WideOp::MulWideS => ((args[0] as i64 as i128) * (args[1] as i64 as i128)) as u128,
        WideOp::MulWideU => (args[0] as u128) * (args[1] as u128),
    };
    [result as u64, (result >> 64) as u64]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_order_signed_zeros() {
        assert!(f32_min(0.0, -0.0).is_sign_negative());
        assert!(f64_max(-0.0, 0.0).is_sign_positive());
        assert!(f64_min(f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn trapping_truncation_bounds() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_f32_s(2147483648.0),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(
            i64_trunc_f64_u(f64::NAN),
            Err(TrapCode::InvalidConversionToInteger)
        );
        assert_eq!(i32_trunc_sat_f64_s(1e300), i32::MAX);
    }

    #[test]
    fn rounding_quiets_signalling_nans() {
        let snan = f32::from_bits(0x7fa0_0000);
        assert_eq!(f32_round(snan, f32::floor).to_bits(), 0x7fe0_0000);
        assert_eq!(f64_round(2.5, f64_nearest), 2.0);
    }

    #[test]
    fn nearest_ties_to_even() {
        assert_eq!(f64_nearest(2.5), 2.0);
        assert_eq!(f32_nearest(-3.5), -4.0);
    }
}

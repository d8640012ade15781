//! JavaScript's `Math`, for the default `math` host module: the same results
//! a learner gets from `Math` in V8, including its edge cases (`Math.round`
//! rounds halves up, `1 ** NaN` is NaN), and a seeded `Math.random`.

use super::convert::{fround, to_int32, to_uint32};

/// The names of `Math`'s functions, with how many arguments they use
/// (`None`: any number).
pub const FUNCTIONS: &[(&str, Option<usize>)] = &[
    ("abs", Some(1)),
    ("acos", Some(1)),
    ("acosh", Some(1)),
    ("asin", Some(1)),
    ("asinh", Some(1)),
    ("atan", Some(1)),
    ("atanh", Some(1)),
    ("atan2", Some(2)),
    ("cbrt", Some(1)),
    ("ceil", Some(1)),
    ("clz32", Some(1)),
    ("cos", Some(1)),
    ("cosh", Some(1)),
    ("exp", Some(1)),
    ("expm1", Some(1)),
    ("floor", Some(1)),
    ("fround", Some(1)),
    ("hypot", None),
    ("imul", Some(2)),
    ("log", Some(1)),
    ("log1p", Some(1)),
    ("log10", Some(1)),
    ("log2", Some(1)),
    ("max", None),
    ("min", None),
    ("pow", Some(2)),
    ("random", Some(0)),
    ("round", Some(1)),
    ("sign", Some(1)),
    ("sin", Some(1)),
    ("sinh", Some(1)),
    ("sqrt", Some(1)),
    ("tan", Some(1)),
    ("tanh", Some(1)),
    ("trunc", Some(1)),
];

/// `Math`'s constants.
pub const CONSTANTS: &[(&str, f64)] = &[
    ("E", std::f64::consts::E),
    ("LN10", std::f64::consts::LN_10),
    ("LN2", std::f64::consts::LN_2),
    ("LOG10E", std::f64::consts::LOG10_E),
    ("LOG2E", std::f64::consts::LOG2_E),
    ("PI", std::f64::consts::PI),
    ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
    ("SQRT2", std::f64::consts::SQRT_2),
];

/// A deterministic stand-in for `Math.random` (xorshift64*), so sessions and
/// transcripts replay identically; the seed is settable.
#[derive(Clone, Debug)]
pub struct Random(u64);

impl Random {
    /// A generator from `seed` (0 is replaced by 1).
    pub fn new(seed: u64) -> Random {
        Random(seed.max(1))
    }

    /// The next number in [0, 1).
    pub fn next_number(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Calls `Math.name(args...)`. `random` is only used by `random`.
pub fn call(name: &str, args: &[f64], random: &mut Random) -> Option<f64> {
    let a = |i: usize| args.get(i).copied().unwrap_or(f64::NAN);
    Some(match name {
        "abs" => a(0).abs(),
        "acos" => a(0).acos(),
        "acosh" => a(0).acosh(),
        "asin" => a(0).asin(),
        "asinh" => a(0).asinh(),
        "atan" => a(0).atan(),
        "atanh" => a(0).atanh(),
        "atan2" => a(0).atan2(a(1)),
        "cbrt" => a(0).cbrt(),
        "ceil" => a(0).ceil(),
        "clz32" => to_uint32(a(0)).leading_zeros() as f64,
        "cos" => a(0).cos(),
        "cosh" => a(0).cosh(),
        "exp" => a(0).exp(),
        "expm1" => a(0).exp_m1(),
        "floor" => a(0).floor(),
        "fround" => fround(a(0)),
        "hypot" => hypot(args),
        "imul" => to_int32(a(0)).wrapping_mul(to_int32(a(1))) as f64,
        "log" => a(0).ln(),
        "log1p" => a(0).ln_1p(),
        "log10" => a(0).log10(),
        "log2" => a(0).log2(),
        "max" => args.iter().copied().fold(f64::NEG_INFINITY, max),
        "min" => args.iter().copied().fold(f64::INFINITY, min),
        "pow" => pow(a(0), a(1)),
        "random" => random.next_number(),
        "round" => round(a(0)),
        "sign" => sign(a(0)),
        "sin" => a(0).sin(),
        "sinh" => a(0).sinh(),
        "sqrt" => a(0).sqrt(),
        "tan" => a(0).tan(),
        "tanh" => a(0).tanh(),
        "trunc" => a(0).trunc(),
        _ => return None,
    })
}

fn max(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == y {
        if x.is_sign_positive() { x } else { y }
    } else {
        x.max(y)
    }
}

fn min(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == y {
        if x.is_sign_negative() { x } else { y }
    } else {
        x.min(y)
    }
}

fn hypot(args: &[f64]) -> f64 {
    if args.iter().any(|x| x.is_infinite()) {
        return f64::INFINITY;
    }
    if args.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    args.iter().fold(0.0, |acc: f64, x| acc.hypot(*x))
}

fn pow(x: f64, y: f64) -> f64 {
    // JavaScript differs from C: 1 ** NaN and (-1) ** Infinity are NaN.
    if y.is_nan() || (x.abs() == 1.0 && y.is_infinite()) {
        return f64::NAN;
    }
    x.powf(y)
}

fn round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let r = x.floor();
    let rounded = if x - r >= 0.5 { r + 1.0 } else { r };
    if rounded == 0.0 && x < 0.0 {
        -0.0
    } else {
        rounded
    }
}

fn sign(x: f64) -> f64 {
    if x.is_nan() || x == 0.0 {
        x
    } else {
        x.signum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math_matches_javascript_edge_cases() {
        let m = |n: &str, a: &[f64]| call(n, a, &mut Random::new(1)).expect("a Math function");
        assert_eq!(m("round", &[2.5]), 3.0);
        assert_eq!(m("round", &[-2.5]), -2.0);
        assert!(m("round", &[-0.4]).is_sign_negative());
        assert!(m("pow", &[1.0, f64::NAN]).is_nan());
        assert_eq!(m("max", &[]), f64::NEG_INFINITY);
        assert!(m("min", &[0.0, -0.0]).is_sign_negative());
        assert_eq!(m("hypot", &[3.0, 4.0]), 5.0);
        assert_eq!(m("hypot", &[f64::NAN, f64::INFINITY]), f64::INFINITY);
        assert_eq!(m("imul", &[3.0, 4294967295.0]), -3.0);
        assert_eq!(m("clz32", &[1.0]), 31.0);
        assert_eq!(m("sign", &[-3.0]), -1.0);
        assert_eq!(m("fround", &[0.1]), 0.1f32 as f64);
        assert_eq!(call("sine", &[1.0], &mut Random::new(1)), None);
    }

    #[test]
    fn every_listed_function_is_callable() {
        for (name, _) in FUNCTIONS {
            assert!(
                call(name, &[1.0, 2.0], &mut Random::new(1)).is_some(),
                "{name}"
            );
        }
    }

    #[test]
    fn random_is_seeded_and_in_range() {
        let mut r = Random::new(1);
        let (x, y) = (r.next_number(), r.next_number());
        assert!((0.0..1.0).contains(&x) && x != y);
        assert_eq!(Random::new(7).next_number(), Random::new(7).next_number());
        assert_eq!(Random::new(0).next_number(), Random::new(1).next_number());
    }
}

//! Float-to-text the way Python does it: `repr` (shortest round-trip digits, §7.3) and the
//! correctly rounded digit strings that the format specs (§7.4) and `round_dig` need.
//!
//! Rust's float formatting already produces shortest round-trip digits (`{:e}`) and exactly
//! rounded fixed/scientific digits with ties to even on the exact binary value (`{:.N}`,
//! `{:.Ne}`), which is what CPython's dtoa does; only the layout differs, so this module
//! re-lays the digits out.

/// Decimal digits (no leading zeros unless the value is zero) and the decimal exponent of the
/// first digit: `d.ddd × 10^exp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Digits {
    pub digits: String,
    pub exp: i32,
}

/// Splits Rust's `{:e}` output (`"1.2345e-6"`) into digits and exponent.
fn split_exp(text: &str) -> Digits {
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    Digits {
        digits: mantissa.chars().filter(|c| c.is_ascii_digit()).collect(),
        exp: exp.parse().unwrap_or(0),
    }
}

/// Shortest digits that round-trip to `x` (finite, sign ignored).
pub(super) fn shortest_digits(x: f64) -> Digits {
    split_exp(&format!("{:e}", x.abs()))
}

/// `sig` (≥ 1) significant digits of `x` (finite, sign ignored), correctly rounded.
pub(super) fn sig_digits(x: f64, sig: usize) -> Digits {
    split_exp(&format!("{:.*e}", sig.saturating_sub(1), x.abs()))
}

/// `x` (finite, sign ignored) with `prec` digits after the point, correctly rounded.
pub(super) fn fixed_digits(x: f64, prec: usize) -> String {
    format!("{:.*}", prec, x.abs())
}

/// Exponent suffix like Python: sign always, at least two digits (`e+16`, `e-05`).
pub(super) fn exp_suffix(exp: i32, upper: bool) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    let e = if upper { 'E' } else { 'e' };
    format!("{e}{sign}{:02}", exp.unsigned_abs())
}

/// Lays out `digits × 10^exp` in fixed notation (no sign), adding `.0` when there is no
/// fractional part.
fn layout_fixed(d: &Digits) -> String {
    let digits = d.digits.as_str();
    if d.exp < 0 {
        let zeros = "0".repeat((-d.exp - 1) as usize);
        return format!("0.{zeros}{digits}");
    }
    let int_len = d.exp as usize + 1;
    if digits.len() <= int_len {
        let zeros = "0".repeat(int_len - digits.len());
        format!("{digits}{zeros}.0")
    } else {
        format!("{}.{}", &digits[..int_len], &digits[int_len..])
    }
}

/// Lays out `digits × 10^exp` in scientific notation (no sign): `1e+16`, `1.5e-05`.
fn layout_sci(d: &Digits, upper: bool) -> String {
    let (first, rest) = d.digits.split_at(d.digits.len().min(1));
    let mut out = first.to_string();
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push_str(&exp_suffix(d.exp, upper));
    out
}

/// Python's `repr(float)`: `1.0`, `0.0001`, `1e-05`, `1e+16`, `0.30000000000000004`,
/// `inf`, `-inf`, `nan`, `-0.0`.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    let d = shortest_digits(x);
    // Python switches to exponent notation when the decimal point position is outside
    // (-4, 16], i.e. the exponent of the first digit is outside [-4, 16).
    let body = if (-4..16).contains(&d.exp) {
        layout_fixed(&d)
    } else {
        layout_sci(&d, false)
    };
    format!("{sign}{body}")
}

/// Rounds `x` to `ndigits` decimals (negative: to tens, hundreds, …), ties to even on the
/// exact binary value, like Python's `round(x, ndigits)` for floats.
pub(super) fn round_decimal(x: f64, ndigits: i64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    // Every finite f64 has at most 1074 fractional digits, so beyond that nothing changes;
    // below -330 everything rounds to zero.
    if ndigits > 1100 {
        return x;
    }
    if ndigits < -330 {
        return 0.0_f64.copysign(x);
    }
    // The exact decimal expansion of x, then decimal rounding on the string.
    let exact = format!("{:.1100}", x.abs());
    let (int_part, frac_part) = exact.split_once('.').unwrap_or((exact.as_str(), ""));
    let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
    let point = int_part.len() as i64;
    // Number of digits kept (counted from the start of `digits`).
    let keep = point + ndigits;
    if keep < 0 {
        return 0.0_f64.copysign(x);
    }
    let keep = keep as usize;
    let round_up = match digits.get(keep) {
        None => false,
        Some(&first) => {
            let rest_nonzero = digits[keep + 1..].iter().any(|&c| c != b'0');
            let prev_odd = keep > 0 && (digits[keep - 1] - b'0') % 2 == 1;
            first > b'5' || (first == b'5' && (rest_nonzero || prev_odd))
        }
    };
    digits.truncate(keep);
    let mut carry = round_up;
    for digit in digits.iter_mut().rev() {
        if !carry {
            break;
        }
        if *digit == b'9' {
            *digit = b'0';
        } else {
            *digit += 1;
            carry = false;
        }
    }
    let mut text = String::new();
    if carry {
        text.push('1');
    }
    text.push_str(&String::from_utf8_lossy(&digits));
    if text.is_empty() {
        text.push('0');
    }
    // `text` holds the kept digits; scale back by the number of kept fractional digits.
    let scaled = format!("{text}e{}", -ndigits);
    let value: f64 = scaled.parse().unwrap_or(f64::INFINITY);
    value.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        let cases: [(f64, &str); 16] = [
            (1.0, "1.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (123.456, "123.456"),
            (1.5e-7, "1.5e-07"),
            (1e100, "1e+100"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-2.5, "-2.5"),
        ];
        for (x, want) in cases {
            assert_eq!(float_repr(x), want, "repr of {x:?}");
        }
    }

    #[test]
    fn digits_are_correctly_rounded() {
        assert_eq!(
            sig_digits(2.675, 3),
            Digits {
                digits: "267".into(),
                exp: 0
            }
        );
        assert_eq!(
            sig_digits(9.9999, 3),
            Digits {
                digits: "100".into(),
                exp: 1
            }
        );
        assert_eq!(fixed_digits(0.125, 2), "0.12");
        assert_eq!(fixed_digits(0.375, 2), "0.38");
        assert_eq!(exp_suffix(-5, false), "e-05");
        assert_eq!(exp_suffix(123, true), "E+123");
    }

    #[test]
    fn round_decimal_is_python_round() {
        assert_eq!(round_decimal(2.675, 2), 2.67);
        assert_eq!(round_decimal(0.125, 2), 0.12);
        assert_eq!(round_decimal(0.375, 2), 0.38);
        assert_eq!(round_decimal(2.5, 0), 2.0);
        assert_eq!(round_decimal(3.5, 0), 4.0);
        assert_eq!(round_decimal(1234.5, -2), 1200.0);
        assert_eq!(round_decimal(1250.0, -2), 1200.0);
        assert_eq!(round_decimal(1350.0, -2), 1400.0);
        assert_eq!(round_decimal(500.0, -3), 0.0);
        assert_eq!(round_decimal(501.0, -3), 1000.0);
        assert_eq!(round_decimal(-0.5, 0).to_bits(), (-0.0_f64).to_bits());
        assert_eq!(round_decimal(12.12341234, 3), 12.123);
        assert_eq!(round_decimal(99.96, 1), 100.0);
        assert_eq!(round_decimal(1e-300, 5), 0.0);
        assert_eq!(round_decimal(1.2345, 2000), 1.2345);
    }
}

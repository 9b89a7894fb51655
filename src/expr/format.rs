//! Applying a [`FormatSpec`] to a value, following CPython's `format()` for int, float and str
//! (§7.4). A string whose formatting fails is auto-typed and formatted again.
//!
//! Two choices differ from current Python on purpose: the `0` flag without an explicit
//! alignment means `=` alignment for every type (Python < 3.10), so `'42'` with `05` is not
//! left-aligned text (`42000`) but fails for text and is retried as the number 42 (`00042`);
//! and bools format as `True`/`False` text unless a numeric type is given.

use super::error::ExprError;
use super::format_spec::FormatSpec;
use super::pyfloat::{exp_suffix, fixed_digits, float_repr, sig_digits};
use super::value::Value;

impl FormatSpec {
    /// Formats `value`. Lists and mappings are errors; a string that cannot be formatted as
    /// text is auto-typed and retried.
    pub fn apply(&self, value: &Value) -> Result<String, ExprError> {
        let failed = |reason: String, v: &Value| {
            ExprError::new(format!(
                "cannot format {} with ':{}': {reason}",
                v.describe(),
                self.source
            ))
        };
        match self.format_scalar(value) {
            Ok(text) => Ok(text),
            Err(reason) => {
                if let Value::Str(s) = value {
                    let typed = Value::auto_type(s);
                    if !matches!(typed, Value::Str(_)) {
                        return self.format_scalar(&typed).map_err(|r| failed(r, &typed));
                    }
                }
                Err(failed(reason, value))
            }
        }
    }

    fn format_scalar(&self, value: &Value) -> Result<String, String> {
        match value {
            Value::Int(i) => self.format_int(*i),
            Value::Float(f) => self.format_float(*f),
            Value::Str(s) => self.format_str(s),
            Value::Null => self.format_str("None"),
            Value::Bool(b) => match self.kind {
                None | Some('s') => self
                    .format_str(if *b { "True" } else { "False" })
                    .or_else(|_| self.format_int(i64::from(*b))),
                Some(_) => self.format_int(i64::from(*b)),
            },
            Value::List(_) => Err("value resolved to a list".to_string()),
            Value::Map(_) => Err("value resolved to a mapping".to_string()),
        }
    }

    fn fill(&self) -> char {
        self.fill.unwrap_or(if self.zero { '0' } else { ' ' })
    }

    fn align_or(&self, default: char) -> char {
        self.align.unwrap_or(if self.zero { '=' } else { default })
    }

    fn format_str(&self, text: &str) -> Result<String, String> {
        if let Some(kind) = self.kind.filter(|&k| k != 's') {
            return Err(format!("unknown format code '{kind}' for a string"));
        }
        if self.sign.is_some() {
            return Err("sign not allowed for a string".into());
        }
        if self.alternate {
            return Err("alternate form (#) not allowed for a string".into());
        }
        if let Some(g) = self.grouping {
            return Err(format!("cannot specify '{g}' for a string"));
        }
        let align = self.align_or('<');
        if align == '=' {
            return Err("'=' alignment (or the 0 flag) not allowed for a string".into());
        }
        let text: String = match self.precision {
            Some(p) => text.chars().take(p).collect(),
            None => text.to_string(),
        };
        Ok(pad(&text, self.width.unwrap_or(0), self.fill(), align))
    }

    fn format_int(&self, i: i64) -> Result<String, String> {
        let kind = self.kind.unwrap_or('d');
        if "eEfFgG%".contains(kind) {
            return self.format_float(i as f64);
        }
        if !"dnbcoxX".contains(kind) {
            return Err(format!("unknown format code '{kind}' for an int"));
        }
        if self.precision.is_some() {
            return Err("precision not allowed for an int".into());
        }
        if let Some(g) = self.grouping {
            let allowed = kind == 'd' || (g == '_' && "boxX".contains(kind));
            if !allowed {
                return Err(format!("cannot specify '{g}' with '{kind}'"));
            }
        }
        if kind == 'c' {
            if self.sign.is_some() {
                return Err("sign not allowed with 'c'".into());
            }
            if self.alternate {
                return Err("alternate form (#) not allowed with 'c'".into());
            }
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| format!("{i} is not a valid character code"))?;
            return Ok(self.layout("", "", &c.to_string(), "", 3));
        }
        let magnitude = i.unsigned_abs();
        let (digits, prefix) = match kind {
            'b' => (format!("{magnitude:b}"), "0b"),
            'o' => (format!("{magnitude:o}"), "0o"),
            'x' => (format!("{magnitude:x}"), "0x"),
            'X' => (format!("{magnitude:X}"), "0X"),
            _ => (magnitude.to_string(), ""),
        };
        let prefix = if self.alternate { prefix } else { "" };
        let group = if "boxX".contains(kind) { 4 } else { 3 };
        Ok(self.layout(self.sign_text(i < 0), prefix, &digits, "", group))
    }

    fn format_float(&self, f: f64) -> Result<String, String> {
        let kind = self.kind;
        if let Some(k) = kind.filter(|k| !"eEfFgGn%".contains(*k)) {
            return Err(format!("unknown format code '{k}' for a float"));
        }
        if let (Some(g), Some('n')) = (self.grouping, kind) {
            return Err(format!("cannot specify '{g}' with 'n'"));
        }
        let upper = kind.is_some_and(|k| "EFG".contains(k));
        let negative = f.is_sign_negative() && !f.is_nan();
        let x = f.abs();
        let body = if !x.is_finite() {
            let word = if x.is_nan() { "nan" } else { "inf" };
            let word = if upper {
                word.to_uppercase()
            } else {
                word.to_string()
            };
            if kind == Some('%') {
                word + "%"
            } else {
                word
            }
        } else {
            match kind {
                None => match self.precision {
                    None => {
                        let repr = float_repr(x);
                        match repr.split_once('e') {
                            // `#` keeps a decimal point even in `1e-05` → `1.e-05`.
                            Some((mantissa, exp)) if self.alternate && !mantissa.contains('.') => {
                                format!("{mantissa}.e{exp}")
                            }
                            _ => repr,
                        }
                    }
                    Some(p) => self.general(x, p, true),
                },
                Some('g' | 'G' | 'n') => self.general(x, self.precision.unwrap_or(6), false),
                Some('e' | 'E') => self.scientific(x, self.precision.unwrap_or(6), upper),
                Some('%') => self.fixed(x * 100.0, self.precision.unwrap_or(6)) + "%",
                _ => self.fixed(x, self.precision.unwrap_or(6)),
            }
        };
        let body = if upper { body.to_uppercase() } else { body };
        let split = body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len());
        let (digits, rest) = body.split_at(split);
        Ok(self.layout(self.sign_text(negative), "", digits, rest, 3))
    }

    fn fixed(&self, x: f64, precision: usize) -> String {
        let mut text = fixed_digits(x, precision);
        if precision == 0 && self.alternate {
            text.push('.');
        }
        text
    }

    fn scientific(&self, x: f64, precision: usize, upper: bool) -> String {
        let d = sig_digits(x, precision + 1);
        let (first, rest) = d.digits.split_at(1.min(d.digits.len()));
        let point = if rest.is_empty() && !self.alternate {
            ""
        } else {
            "."
        };
        format!("{first}{point}{rest}{}", exp_suffix(d.exp, upper))
    }

    /// `g` (and the type-less form with a precision, which keeps one decimal: `add_dot_0`).
    fn general(&self, x: f64, precision: usize, add_dot_0: bool) -> String {
        let p = precision.max(1);
        let d = sig_digits(x, p);
        let mut digits = d.digits.clone();
        if !self.alternate {
            let kept = digits.trim_end_matches('0').len().max(1);
            digits.truncate(kept);
        }
        // Python: exponent notation when exp < -4 or exp >= p (p - 1 for the type-less form).
        let limit = if add_dot_0 { p as i32 - 1 } else { p as i32 };
        if d.exp < -4 || d.exp >= limit {
            let (first, rest) = digits.split_at(1);
            let point = if rest.is_empty() && !self.alternate {
                ""
            } else {
                "."
            };
            return format!("{first}{point}{rest}{}", exp_suffix(d.exp, false));
        }
        let mut text = if d.exp < 0 {
            format!("0.{}{digits}", "0".repeat((-d.exp - 1) as usize))
        } else {
            let int_len = d.exp as usize + 1;
            if digits.len() <= int_len {
                let mut t = format!("{digits}{}", "0".repeat(int_len - digits.len()));
                if self.alternate {
                    t.push('.');
                }
                t
            } else {
                format!("{}.{}", &digits[..int_len], &digits[int_len..])
            }
        };
        if add_dot_0 && !text.contains('.') {
            text.push_str(".0");
        }
        text
    }

    fn sign_text(&self, negative: bool) -> &'static str {
        match (negative, self.sign) {
            (true, _) => "-",
            (false, Some('+')) => "+",
            (false, Some(' ')) => " ",
            _ => "",
        }
    }

    /// Lays out a number: `[sign][prefix][grouped digits][rest]` padded per fill/align/width.
    fn layout(&self, sign: &str, prefix: &str, digits: &str, rest: &str, group: usize) -> String {
        let width = self.width.unwrap_or(0);
        let fill = self.fill();
        let align = self.align_or('>');
        let digits = match self.grouping {
            // inf and nan have no digits to group (CPython skips grouping there too).
            Some(_) if digits.is_empty() => String::new(),
            Some(sep) => {
                // Zero padding goes inside the grouping (`00,001,234`), like CPython.
                let min_width = if fill == '0' && align == '=' {
                    width.saturating_sub(sign.len() + prefix.len() + rest.chars().count())
                } else {
                    0
                };
                group_digits(digits, sep, group, min_width)
            }
            None => digits.to_string(),
        };
        let used = sign.len() + prefix.len() + digits.chars().count() + rest.chars().count();
        let padding = width.saturating_sub(used);
        if align == '=' {
            let fill_text: String = std::iter::repeat_n(fill, padding).collect();
            return format!("{sign}{prefix}{fill_text}{digits}{rest}");
        }
        pad(&format!("{sign}{prefix}{digits}{rest}"), width, fill, align)
    }
}

/// Pads `text` to `width` characters with `fill` (`<` left, `>` right, `^` centre).
fn pad(text: &str, width: usize, fill: char, align: char) -> String {
    let padding = width.saturating_sub(text.chars().count());
    let (left, right) = match align {
        '<' => (0, padding),
        '^' => (padding / 2, padding - padding / 2),
        _ => (padding, 0),
    };
    let mut out: String = std::iter::repeat_n(fill, left).collect();
    out.push_str(text);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// Inserts `sep` every `group` digits from the right, zero-padding to at least `min_width`
/// characters (separators included) the way CPython does.
fn group_digits(digits: &str, sep: char, group: usize, min_width: usize) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let mut remaining = chars.len() as i64;
    let mut min_width = min_width as i64;
    let group = group as i64;
    let mut end = chars.len();
    let mut groups: Vec<String> = Vec::new();
    loop {
        let len = group.min(remaining.max(min_width).max(1));
        let taken = remaining.min(len).max(0);
        let zeros = (len - remaining).max(0);
        let start = end - taken as usize;
        let mut chunk: String = std::iter::repeat_n('0', zeros as usize).collect();
        chunk.extend(&chars[start..end]);
        groups.push(chunk);
        end = start;
        remaining -= taken;
        min_width -= len;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    groups.reverse();
    groups.join(&sep.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(spec: &str, value: Value) -> String {
        FormatSpec::parse(spec)
            .unwrap()
            .apply(&value)
            .unwrap_or_else(|e| panic!("{spec} on {value:?}: {e}"))
    }

    fn fmt_err(spec: &str, value: Value) -> String {
        FormatSpec::parse(spec)
            .unwrap()
            .apply(&value)
            .unwrap_err()
            .message
    }

    #[test]
    fn grouping_inside_zero_padding() {
        assert_eq!(group_digits("1234", ',', 3, 0), "1,234");
        assert_eq!(group_digits("1234", ',', 3, 10), "00,001,234");
        assert_eq!(group_digits("0", ',', 3, 0), "0");
        assert_eq!(group_digits("1234567", '_', 4, 0), "123_4567");
    }

    #[test]
    fn integers() {
        assert_eq!(fmt("", Value::Int(42)), "42");
        assert_eq!(fmt(">5", Value::Int(42)), "   42");
        assert_eq!(fmt("<5", Value::Int(42)), "42   ");
        assert_eq!(fmt("^6", Value::Int(42)), "  42  ");
        assert_eq!(fmt("*^7", Value::Int(42)), "**42***");
        assert_eq!(fmt("05", Value::Int(-42)), "-0042");
        assert_eq!(fmt("+d", Value::Int(42)), "+42");
        assert_eq!(fmt(" d", Value::Int(42)), " 42");
        assert_eq!(fmt("=+6", Value::Int(42)), "+   42");
        assert_eq!(fmt(",", Value::Int(1234567)), "1,234,567");
        assert_eq!(fmt("_", Value::Int(-1234567)), "-1_234_567");
        assert_eq!(fmt("010,", Value::Int(1234)), "00,001,234");
        assert_eq!(fmt("b", Value::Int(5)), "101");
        assert_eq!(fmt("#b", Value::Int(5)), "0b101");
        assert_eq!(fmt("o", Value::Int(8)), "10");
        assert_eq!(fmt("#o", Value::Int(8)), "0o10");
        assert_eq!(fmt("x", Value::Int(255)), "ff");
        assert_eq!(fmt("#X", Value::Int(255)), "0XFF");
        assert_eq!(fmt("#010x", Value::Int(255)), "0x000000ff");
        assert_eq!(fmt("_x", Value::Int(0xfffff)), "f_ffff");
        assert_eq!(fmt("c", Value::Int(65)), "A");
        assert_eq!(fmt("n", Value::Int(1234)), "1234");
        assert_eq!(fmt("%", Value::Int(1)), "100.000000%");
        assert_eq!(fmt("e", Value::Int(12345)), "1.234500e+04");
        assert_eq!(fmt(".2f", Value::Int(3)), "3.00");
        assert_eq!(fmt("d", Value::Int(i64::MIN)), "-9223372036854775808");
    }

    #[test]
    fn integer_errors() {
        assert!(fmt_err(".2", Value::Int(1)).contains("precision not allowed"));
        assert!(fmt_err(",x", Value::Int(1)).contains("cannot specify ','"));
        assert!(fmt_err(",n", Value::Int(1)).contains("cannot specify ','"));
        assert!(fmt_err("+c", Value::Int(65)).contains("sign not allowed"));
        assert!(fmt_err("s", Value::Int(1)).contains("unknown format code 's'"));
        assert!(fmt_err("c", Value::Int(-1)).contains("not a valid character"));
    }

    #[test]
    fn floats() {
        assert_eq!(fmt("0.3f", Value::Float(2f64.sqrt())), "1.414");
        assert_eq!(fmt("", Value::Float(1.0)), "1.0");
        assert_eq!(fmt(">6", Value::Float(1.5)), "   1.5");
        assert_eq!(fmt("f", Value::Float(1.5)), "1.500000");
        assert_eq!(fmt(".0f", Value::Float(2.5)), "2");
        assert_eq!(fmt("#.0f", Value::Float(2.5)), "2.");
        assert_eq!(fmt(".2f", Value::Float(2.675)), "2.67");
        assert_eq!(fmt("e", Value::Float(1234.5)), "1.234500e+03");
        assert_eq!(fmt(".2E", Value::Float(0.000123)), "1.23E-04");
        assert_eq!(fmt(".0e", Value::Float(5.0)), "5e+00");
        assert_eq!(fmt("#.0e", Value::Float(5.0)), "5.e+00");
        assert_eq!(fmt("g", Value::Float(1234.5)), "1234.5");
        assert_eq!(fmt("g", Value::Float(1234567.0)), "1.23457e+06");
        assert_eq!(fmt("g", Value::Float(0.0001)), "0.0001");
        assert_eq!(fmt("g", Value::Float(0.00001)), "1e-05");
        assert_eq!(fmt("G", Value::Float(0.00001)), "1E-05");
        assert_eq!(fmt("#g", Value::Float(123.0)), "123.000");
        assert_eq!(fmt(".3g", Value::Float(123.0)), "123");
        assert_eq!(fmt(".3", Value::Float(123.0)), "1.23e+02");
        assert_eq!(fmt(".3", Value::Float(12.0)), "12.0");
        assert_eq!(fmt(".2", Value::Float(0.5)), "0.5");
        assert_eq!(fmt("g", Value::Float(0.0)), "0");
        assert_eq!(fmt("n", Value::Float(1234.5)), "1234.5");
        assert_eq!(fmt("%", Value::Float(0.25)), "25.000000%");
        assert_eq!(fmt(".1%", Value::Float(0.125)), "12.5%");
        assert_eq!(fmt(",.2f", Value::Float(1234567.891)), "1,234,567.89");
        assert_eq!(fmt("012,.1f", Value::Float(1234.5)), "00,001,234.5");
        assert_eq!(fmt("+.1f", Value::Float(-0.0)), "-0.0");
        assert_eq!(fmt("+.1f", Value::Float(0.04)), "+0.0");
        assert_eq!(fmt("08.2f", Value::Float(-7.12345)), "-0007.12");
        assert_eq!(fmt("", Value::Float(1e16)), "1e+16");
        assert_eq!(fmt("f", Value::Float(f64::INFINITY)), "inf");
        assert_eq!(fmt("F", Value::Float(f64::NEG_INFINITY)), "-INF");
        assert_eq!(fmt("", Value::Float(f64::NAN)), "nan");
    }

    #[test]
    fn float_errors() {
        assert!(fmt_err("d", Value::Float(1.0)).contains("unknown format code 'd' for a float"));
        assert!(fmt_err(",n", Value::Float(1.0)).contains("cannot specify ','"));
    }

    #[test]
    fn strings_and_retry_with_auto_typing() {
        assert_eq!(fmt(">5", Value::Str("ab".into())), "   ab");
        assert_eq!(fmt("", Value::Str("ab".into())), "ab");
        assert_eq!(fmt(".1s", Value::Str("ab".into())), "a");
        assert_eq!(fmt("-^6", Value::Str("ab".into())), "--ab--");
        assert_eq!(fmt(">6", Value::Str("1.10".into())), "  1.10");
        assert_eq!(fmt("05", Value::Str("42".into())), "00042");
        assert_eq!(fmt("d", Value::Str("42".into())), "42");
        assert_eq!(fmt(".2f", Value::Str("3.14159".into())), "3.14");
        assert_eq!(fmt(",", Value::Str("1234".into())), "1,234");
        assert_eq!(
            fmt_err("010d", Value::Str("1712345678.123".into())),
            "cannot format 1712345678.123 with ':010d': unknown format code 'd' for a float"
        );
        assert_eq!(
            fmt_err("d", Value::Str("abc".into())),
            "cannot format 'abc' with ':d': unknown format code 'd' for a string"
        );
        assert!(fmt_err("05", Value::Str("ab".into())).contains("'=' alignment"));
        assert!(fmt_err("+", Value::Str("ab".into())).contains("sign not allowed"));
        assert!(fmt_err("#", Value::Str("ab".into())).contains("alternate"));
        assert!(fmt_err("", Value::List(vec![])).contains("value resolved to a list"));
    }

    #[test]
    fn bools_and_null() {
        assert_eq!(fmt("", Value::Bool(true)), "True");
        assert_eq!(fmt(">6", Value::Bool(false)), " False");
        assert_eq!(fmt("d", Value::Bool(true)), "1");
        assert_eq!(fmt("+", Value::Bool(true)), "+1");
        assert_eq!(fmt(".1f", Value::Bool(true)), "1.0");
        assert_eq!(fmt(">5", Value::Null), " None");
    }
}

//! The expression functions of §7.5: argument counts, argument conversion (numbers are
//! auto-typed, texts accept numbers) and the scalar/text functions. The list statistics and
//! filters live in `functions_stats`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use super::error::ExprError;
use super::functions_stats as stats;
use super::ops::{to_num, truth, Num};
use super::pyfloat::round_decimal;
use super::value::Value;

/// Largest list `range()` may build, so a typo cannot exhaust memory.
const MAX_RANGE: i64 = 1_000_000;

/// (min, max) argument counts of a function; `None` if there is no such function.
pub(super) fn arity(name: &str) -> Option<(usize, usize)> {
    Some(match name {
        "random" => (0, 0),
        "round" | "floor" | "ceil" | "sqrt" | "sum" | "min" | "max" | "avg" | "len" | "keys"
        | "all" | "any" => (1, 1),
        "int" | "log" | "range" => (1, 2),
        "round_dig" | "re_search" => (2, 2),
        "replace" | "outliers" => (3, 3),
        "high_pass_filter" | "low_pass_filter" => (2, 3),
        _ => return None,
    })
}

/// The error for a wrong argument count.
pub(super) fn arity_message(name: &str, min: usize, max: usize, got: usize) -> String {
    let want = match (min, max) {
        (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
        (a, b) => format!("{a} to {b} arguments"),
    };
    format!("{name}() takes {want}, got {got}")
}

/// An argument-type error naming the function.
pub(super) fn arg_error(func: &str, index: usize, want: &str, got: &Value) -> ExprError {
    ExprError::new(format!(
        "{func}(): argument {} must be {want}, got {} {}",
        index + 1,
        got.type_name(),
        got.describe()
    ))
}

pub(super) fn num_arg(func: &str, index: usize, v: &Value) -> Result<Num, ExprError> {
    match v {
        Value::List(_) | Value::Map(_) | Value::Null => Err(arg_error(func, index, "a number", v)),
        _ => to_num(v, func).map_err(|_| arg_error(func, index, "a number", v)),
    }
}

fn int_arg(func: &str, index: usize, v: &Value) -> Result<i64, ExprError> {
    match num_arg(func, index, v) {
        Ok(Num::Int(i)) => Ok(i),
        _ => Err(arg_error(func, index, "an integer", v)),
    }
}

/// Texts accept strings and scalars (converted to text).
pub(super) fn str_arg(func: &str, index: usize, v: &Value) -> Result<String, ExprError> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => v.to_text(),
        _ => Err(arg_error(func, index, "a string", v)),
    }
}

pub(super) fn list_arg<'v>(
    func: &str,
    index: usize,
    v: &'v Value,
) -> Result<&'v [Value], ExprError> {
    match v {
        Value::List(items) => Ok(items),
        _ => Err(arg_error(func, index, "a list", v)),
    }
}

fn arg(args: &[Value], index: usize) -> &Value {
    args.get(index).unwrap_or(&Value::Null)
}

/// Calls function `name` (already checked by the parser) with evaluated arguments.
pub(super) fn call(name: &str, args: &[Value]) -> Result<Value, ExprError> {
    if let Some((min, max)) = arity(name) {
        if args.len() < min || args.len() > max {
            return Err(ExprError::new(arity_message(name, min, max, args.len())));
        }
    }
    let a0 = arg(args, 0);
    match name {
        "int" => {
            let base = if args.len() > 1 {
                int_arg(name, 1, arg(args, 1))?
            } else {
                10
            };
            let text = match a0 {
                Value::Float(_) => return Err(arg_error(name, 0, "a string", a0)),
                other => str_arg(name, 0, other)?,
            };
            parse_int(&text, base).map(Value::Int)
        }
        "round" => match num_arg(name, 0, a0)? {
            Num::Int(i) => Ok(Value::Int(i)),
            Num::Float(f) => float_to_int(name, f.round_ties_even()),
        },
        "round_dig" => {
            let x = num_arg(name, 0, a0)?.as_f64();
            let digits = int_arg(name, 1, arg(args, 1))?;
            Ok(Value::Float(round_decimal(x, digits)))
        }
        "floor" | "ceil" => match num_arg(name, 0, a0)? {
            Num::Int(i) => Ok(Value::Int(i)),
            Num::Float(f) if name == "floor" => float_to_int(name, f.floor()),
            Num::Float(f) => float_to_int(name, f.ceil()),
        },
        "log" => {
            let x = num_arg(name, 0, a0)?.as_f64();
            let base = match args.get(1) {
                Some(b) => num_arg(name, 1, b)?.as_f64(),
                None => std::f64::consts::E,
            };
            if x <= 0.0 || base <= 0.0 {
                return Err(ExprError::new(
                    "log(): math domain error (the number and the base must be > 0)",
                ));
            }
            if base == 1.0 {
                return Err(ExprError::new("log(): the base must not be 1"));
            }
            Ok(Value::Float(x.ln() / base.ln()))
        }
        "sqrt" => {
            let x = num_arg(name, 0, a0)?.as_f64();
            if x < 0.0 {
                return Err(ExprError::new(
                    "sqrt(): math domain error (negative number)",
                ));
            }
            Ok(Value::Float(x.sqrt()))
        }
        "sum" => stats::sum(list_arg(name, 0, a0)?),
        "min" | "max" => stats::extreme(name, list_arg(name, 0, a0)?),
        "avg" => stats::avg(list_arg(name, 0, a0)?),
        "len" => {
            let len = match a0 {
                Value::Str(s) => s.chars().count(),
                Value::List(items) => items.len(),
                Value::Map(map) => map.len(),
                other => return Err(arg_error(name, 0, "a string, list or mapping", other)),
            };
            Ok(Value::Int(i64::try_from(len).unwrap_or(i64::MAX)))
        }
        "keys" => match a0 {
            Value::Map(map) => Ok(Value::List(
                map.keys().map(|k| Value::Str(k.clone())).collect(),
            )),
            other => Err(arg_error(name, 0, "a mapping", other)),
        },
        "all" => Ok(Value::Bool(list_arg(name, 0, a0)?.iter().all(truth))),
        "any" => Ok(Value::Bool(list_arg(name, 0, a0)?.iter().any(truth))),
        "random" => Ok(Value::Float(random_unit())),
        "range" => {
            let (start, end) = match args.get(1) {
                Some(b) => (int_arg(name, 0, a0)?, int_arg(name, 1, b)?),
                None => (0, int_arg(name, 0, a0)?),
            };
            if (end as i128) - (start as i128) > MAX_RANGE as i128 {
                return Err(ExprError::new(format!(
                    "range(): more than {MAX_RANGE} items"
                )));
            }
            Ok(Value::List((start..end).map(Value::Int).collect()))
        }
        "re_search" => {
            let regex = str_arg(name, 0, a0)?;
            let text = str_arg(name, 1, arg(args, 1))?;
            re_search(&regex, &text).map(Value::Str)
        }
        "replace" => {
            let text = str_arg(name, 0, a0)?;
            let find = str_arg(name, 1, arg(args, 1))?;
            let repl = str_arg(name, 2, arg(args, 2))?;
            Ok(Value::Str(text.replace(&find, &repl)))
        }
        "high_pass_filter" | "low_pass_filter" => stats::pass_filter(name, args),
        "outliers" => stats::outliers(args),
        _ => Err(ExprError::new(format!("no function named '{name}'"))),
    }
}

fn float_to_int(func: &str, f: f64) -> Result<Value, ExprError> {
    // 2^63 is exactly representable; anything at or above it does not fit.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        Ok(Value::Int(f as i64))
    } else {
        Err(ExprError::new(format!(
            "{func}(): {} does not fit in a 64-bit integer",
            Value::Float(f).describe()
        )))
    }
}

/// `int(s, base)`: optional sign, optional `0x`/`0o`/`0b` prefix matching the base.
fn parse_int(text: &str, base: i64) -> Result<i64, ExprError> {
    if !(2..=36).contains(&base) {
        return Err(ExprError::new(format!(
            "int(): base must be between 2 and 36, got {base}"
        )));
    }
    let invalid = || ExprError::new(format!("int(): invalid literal for base {base}: '{text}'"));
    let trimmed = text.trim();
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let prefix = match base {
        16 => ["0x", "0X"],
        8 => ["0o", "0O"],
        2 => ["0b", "0B"],
        _ => ["", ""],
    };
    let digits = prefix
        .iter()
        .filter(|p| !p.is_empty())
        .find_map(|p| body.strip_prefix(p))
        .unwrap_or(body);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid());
    }
    // `base` is within 2..=36 here.
    let magnitude = u64::from_str_radix(digits, base as u32).map_err(|err| {
        if digits.chars().all(|c| c.is_digit(base as u32)) {
            ExprError::new(format!("int(): '{text}' does not fit in 64 bits ({err})"))
        } else {
            invalid()
        }
    })?;
    let value = if negative {
        -(magnitude as i128)
    } else {
        magnitude as i128
    };
    i64::try_from(value)
        .map_err(|_| ExprError::new(format!("int(): '{text}' does not fit in 64 bits")))
}

/// Compiled `re_search` patterns: a suite uses a few patterns across thousands of
/// permutations and results, and compiling is far dearer than matching.
fn compiled(regex: &str) -> Result<std::rc::Rc<fancy_regex::Regex>, fancy_regex::Error> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;
    thread_local! {
        static CACHE: RefCell<HashMap<String, Rc<fancy_regex::Regex>>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|c| {
        if let Some(re) = c.borrow().get(regex) {
            return Ok(re.clone());
        }
        let re = Rc::new(fancy_regex::Regex::new(regex)?);
        let mut c = c.borrow_mut();
        // Bounded: generated patterns must not grow the cache without limit.
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(regex.to_string(), re.clone());
        Ok(re)
    })
}

/// `re_search(regex, s)`: group 1 if the regex has groups, else the whole match, else `""`.
fn re_search(regex: &str, text: &str) -> Result<String, ExprError> {
    let re = compiled(regex).map_err(|err| {
        ExprError::new(format!(
            "re_search(): invalid regular expression '{regex}': {err}"
        ))
    })?;
    let caps = re
        .captures(text)
        .map_err(|err| ExprError::new(format!("re_search(): regex '{regex}' failed: {err}")))?;
    let Some(caps) = caps else {
        return Ok(String::new());
    };
    let group = if re.captures_len() > 1 { 1 } else { 0 };
    Ok(caps
        .get(group)
        .map(|m| m.as_str().to_string())
        .unwrap_or_default())
}

/// A float in [0, 1) from std's randomly keyed hasher; no extra dependency needed.
fn random_unit() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, AtomicOrdering::Relaxed));
    // splitmix64 finaliser spreads the hash over all bits.
    let mut z = hasher.finish().wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_parsing() {
        assert_eq!(parse_int("0x1f", 16), Ok(31));
        assert_eq!(parse_int("1f", 16), Ok(31));
        assert_eq!(parse_int("-0b101", 2), Ok(-5));
        assert_eq!(parse_int("+0o17", 8), Ok(15));
        assert_eq!(parse_int(" 42 ", 10), Ok(42));
        assert_eq!(parse_int("zz", 36), Ok(1295));
        assert_eq!(parse_int("-9223372036854775808", 10), Ok(i64::MIN));
        assert!(parse_int("9223372036854775808", 10)
            .unwrap_err()
            .message
            .contains("does not fit"));
        assert_eq!(
            parse_int("0x1f", 10).unwrap_err().message,
            "int(): invalid literal for base 10: '0x1f'"
        );
        assert!(parse_int("12", 1)
            .unwrap_err()
            .message
            .contains("between 2 and 36"));
        assert!(parse_int("", 10).is_err());
        assert!(parse_int("1 2", 10).is_err());
        assert!(parse_int("+-1", 10).is_err());
    }

    #[test]
    fn regex_search() {
        assert_eq!(re_search(r"(\d+) nodes", "on 12 nodes"), Ok("12".into()));
        assert_eq!(re_search(r"\d+", "on 12 nodes"), Ok("12".into()));
        assert_eq!(re_search(r"x(\d+)", "on 12 nodes"), Ok(String::new()));
        assert_eq!(re_search(r"(?<=on )\w+", "on 12 nodes"), Ok("12".into()));
        assert_eq!(re_search(r"(a)|b", "b"), Ok(String::new()));
        assert!(re_search(r"(", "x")
            .unwrap_err()
            .message
            .contains("invalid regular"));
    }

    #[test]
    fn random_is_in_unit_interval_and_varies() {
        let draws: Vec<f64> = (0..1000).map(|_| random_unit()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(draws.iter().any(|&x| x != draws[0]));
    }
}

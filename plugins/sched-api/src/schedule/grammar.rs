//! The value grammars of SCHEDULING.md §0.1 and C3: `Count`, `Percent`, `NodeCount`, `Duration`,
//! `ByteSize`, `Name` and booleans, each turning a (trimmed) string into a typed value or into
//! an "expected …" message that the validator attaches to the key path.
//!
//! Everything is exact (C4): percentages become reduced [`Ratio`]s, sizes and durations are
//! checked integers, never floats.

use super::{NodeCount, Ratio};

/// What a `NodeCount` looks like, for messages.
pub const NODE_COUNT_EXPECTED: &str =
    "expected a node count: an integer >= 1, a percentage such as 50%, or all";

/// What a `Duration` looks like, for messages.
pub const DURATION_EXPECTED: &str =
    "expected a duration: hours as an integer (2), units in descending order (1h30m, 90s), \
     H:MM:SS or D-H:MM:SS";

/// Greatest common divisor (Euclid); `gcd(0, b) = b`.
pub(crate) fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `num/den` in lowest terms (den > 0).
pub(crate) fn reduced(num: u64, den: u64) -> Ratio {
    let g = gcd(num, den).max(1);
    Ratio {
        num: num / g,
        den: den / g,
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A non-negative integer (C3: `^[0-9]+$`, no sign, no underscores).
pub fn parse_uint(s: &str) -> Result<u64, String> {
    let s = s.trim();
    if !all_digits(s) {
        return Err("expected a non-negative integer".to_string());
    }
    s.parse::<u64>()
        .map_err(|_| "integer is too large".to_string())
}

/// `Count`: an integer ≥ 1.
pub fn parse_count(s: &str) -> Result<u64, String> {
    match parse_uint(s) {
        Ok(0) => Err("expected an integer >= 1, got 0".to_string()),
        Ok(n) => Ok(n),
        Err(e) if e.starts_with("expected") => Err("expected an integer >= 1".to_string()),
        Err(e) => Err(e),
    }
}

/// `Percent`: `^[0-9]+(\.[0-9]{1,6})?%$` with 0 < P ≤ 100, as the exact fraction P/100 in
/// lowest terms (`12.5%` → 1/8).
pub fn parse_percent(s: &str) -> Result<Ratio, String> {
    let s = s.trim();
    let bad = || "expected a percentage such as 50% or 12.5% (at most 6 decimals)".to_string();
    let body = s.strip_suffix('%').ok_or_else(bad)?;
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if !all_digits(int) || (body.contains('.') && !(1..=6).contains(&frac.len())) {
        return Err(bad());
    }
    if !frac.is_empty() && !all_digits(frac) {
        return Err(bad());
    }
    let too_big = || format!("percentage {s} is above 100%");
    let int_v = int.parse::<u64>().map_err(|_| too_big())?;
    if int_v > 100 {
        return Err(too_big());
    }
    let scale = 10u64.pow(frac.len() as u32);
    let frac_v = if frac.is_empty() {
        0
    } else {
        frac.parse::<u64>().map_err(|_| bad())?
    };
    let num = int_v * scale + frac_v;
    let den = 100 * scale;
    if num == 0 {
        return Err(format!("percentage {s} must be above 0%"));
    }
    if num > den {
        return Err(too_big());
    }
    Ok(reduced(num, den))
}

/// `NodeCount`: `Count | Percent | all`. `0` is an error (callers that accept `0` test for it
/// first).
pub fn parse_node_count(s: &str) -> Result<NodeCount, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("all") {
        return Ok(NodeCount::Fraction(Ratio::ONE));
    }
    if s.ends_with('%') {
        return parse_percent(s).map(NodeCount::Fraction);
    }
    match parse_uint(s) {
        Ok(0) => Err(format!("{NODE_COUNT_EXPECTED}; 0 is not allowed")),
        Ok(n) => Ok(NodeCount::Count(n)),
        Err(e) if e.starts_with("expected") => Err(NODE_COUNT_EXPECTED.to_string()),
        Err(e) => Err(e),
    }
}

/// Seconds rounded up to whole minutes (C6, for scheduler-facing limits).
pub fn round_up_minutes(secs: u64) -> u64 {
    secs.div_ceil(60).saturating_mul(60)
}

/// `Duration` (§0.1) as exact seconds: a bare integer is **hours**; `<int><unit>` groups with
/// units strictly descending from `d, h, m, s`; `H:MM:SS`; `D-H:MM:SS`. `MM:SS` and anything
/// else are errors, and so is a duration that is 0 (it would not be ≥ 1 after rounding up to
/// minutes).
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let secs = if all_digits(s) {
        let h = s
            .parse::<u64>()
            .map_err(|_| "duration is too large".to_string())?;
        h.checked_mul(3600)
    } else if s.contains(':') {
        Some(parse_clock(s)?)
    } else {
        Some(parse_units(s)?)
    };
    match secs {
        None => Err("duration is too large".to_string()),
        Some(0) => Err("a duration must be at least 1 second".to_string()),
        Some(v) => Ok(v),
    }
}

/// `H:MM:SS` or `D-H:MM:SS`.
fn parse_clock(s: &str) -> Result<u64, String> {
    let bad = || {
        if s.split(':').count() == 2 {
            format!("{DURATION_EXPECTED} (MM:SS is ambiguous: write 0:MM:SS or H:MM:00)")
        } else {
            DURATION_EXPECTED.to_string()
        }
    };
    let (days, clock) = match s.split_once('-') {
        Some((d, rest)) if all_digits(d) => (d.parse::<u64>().map_err(|_| bad())?, rest),
        Some(_) => return Err(bad()),
        None => (0, s),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let [h, m, sec] = parts.as_slice() else {
        return Err(bad());
    };
    let two = |x: &str| x.len() == 2 && all_digits(x);
    if !all_digits(h) || !two(m) || !two(sec) {
        return Err(bad());
    }
    let h = h
        .parse::<u64>()
        .map_err(|_| "duration is too large".to_string())?;
    let (m, sec) = (
        m.parse::<u64>().map_err(|_| bad())?,
        sec.parse::<u64>().map_err(|_| bad())?,
    );
    if m > 59 || sec > 59 {
        return Err(format!(
            "{DURATION_EXPECTED} (minutes and seconds must be 00-59)"
        ));
    }
    days.checked_mul(86_400)
        .and_then(|d| h.checked_mul(3600).and_then(|hs| hs.checked_add(d)))
        .and_then(|t| t.checked_add(m * 60 + sec))
        .ok_or_else(|| "duration is too large".to_string())
}

/// One or more `<int><unit>` groups, units strictly descending from `d, h, m, s`.
fn parse_units(s: &str) -> Result<u64, String> {
    const UNITS: [(char, u64); 4] = [('d', 86_400), ('h', 3600), ('m', 60), ('s', 1)];
    let bad = || DURATION_EXPECTED.to_string();
    let mut total: u64 = 0;
    let mut next_unit = 0usize; // index into UNITS of the largest unit still allowed
    let mut rest = s;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let (num, tail) = rest.split_at(digits);
        let unit = tail.chars().next().ok_or_else(bad)?;
        let pos = UNITS.iter().position(|(u, _)| *u == unit).ok_or_else(bad)?;
        if pos < next_unit {
            return Err(format!(
                "{DURATION_EXPECTED} (units must be in the order d, h, m, s)"
            ));
        }
        next_unit = pos + 1;
        let v = num
            .parse::<u64>()
            .map_err(|_| "duration is too large".to_string())?;
        total = v
            .checked_mul(UNITS[pos].1)
            .and_then(|x| x.checked_add(total))
            .ok_or_else(|| "duration is too large".to_string())?;
        rest = &tail[unit.len_utf8()..];
    }
    Ok(total)
}

/// `ByteSize`: an integer (bytes), or an integer with a unit `K, M, G, T, P`, optionally followed
/// by `i` and/or `B`, case-insensitive; all units binary.
pub fn parse_byte_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let bad = || "expected a size in bytes, or with a unit: 64G, 64GiB, 512MB, 4096K".to_string();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(bad());
    }
    let (num, unit) = s.split_at(digits);
    let v = num
        .parse::<u64>()
        .map_err(|_| "size is too large".to_string())?;
    if unit.is_empty() {
        return Ok(v);
    }
    let lower = unit.to_ascii_lowercase();
    let mut chars = lower.chars();
    let power = match chars.next() {
        Some('k') => 1,
        Some('m') => 2,
        Some('g') => 3,
        Some('t') => 4,
        Some('p') => 5,
        _ => return Err(bad()),
    };
    let tail: String = chars.collect();
    if !matches!(tail.as_str(), "" | "i" | "b" | "ib") {
        return Err(bad());
    }
    1024u64
        .checked_pow(power)
        .and_then(|m| v.checked_mul(m))
        .ok_or_else(|| "size is too large".to_string())
}

/// `Name`: `^[^\s'"#]+$`, at most 256 bytes.
pub fn parse_name(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.len() > 256 {
        return Err("expected a name of at most 256 bytes".to_string());
    }
    if s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || matches!(c, '\'' | '"' | '#'))
    {
        return Err("expected a name without whitespace, quotes or '#'".to_string());
    }
    Ok(s.to_string())
}

/// Booleans (C3): `true/false/yes/no`, case-insensitive.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") {
        Ok(true)
    } else if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") {
        Ok(false)
    } else {
        Err("expected true, false, yes or no".to_string())
    }
}

/// A case-insensitive choice, normalised to the listed spelling.
pub fn parse_choice(s: &str, choices: &[&'static str]) -> Result<&'static str, String> {
    let s = s.trim();
    choices
        .iter()
        .find(|c| c.eq_ignore_ascii_case(s))
        .copied()
        .ok_or_else(|| format!("expected one of: {}", choices.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(num: u64, den: u64) -> Ratio {
        Ratio { num, den }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count(" 7 "), Ok(7));
        assert!(parse_count("0").is_err());
        assert!(parse_count("-1").is_err());
        assert!(parse_count("+1").is_err());
        assert!(parse_count("1_000").is_err());
        assert!(parse_count("1.0").is_err());
        assert_eq!(
            parse_count("99999999999999999999999"),
            Err("integer is too large".into())
        );
        assert_eq!(parse_uint("0"), Ok(0));
    }

    #[test]
    fn percents_are_exact_and_bounded() {
        assert_eq!(parse_percent("12.5%"), Ok(r(1, 8)));
        assert_eq!(parse_percent("7%"), Ok(r(7, 100)));
        assert_eq!(parse_percent("100%"), Ok(r(1, 1)));
        assert_eq!(parse_percent("0.000001%"), Ok(r(1, 100_000_000)));
        assert!(parse_percent("0%").is_err());
        assert!(parse_percent("0.0%").is_err());
        assert!(parse_percent("100.5%").is_err());
        assert!(parse_percent("101%").is_err());
        assert!(parse_percent("1.1234567%").is_err());
        assert!(parse_percent("1.%").is_err());
        assert!(parse_percent(".5%").is_err());
        assert!(parse_percent("50").is_err());
        assert!(parse_percent("5 0%").is_err());
    }

    #[test]
    fn node_counts() {
        assert_eq!(parse_node_count("4"), Ok(NodeCount::Count(4)));
        assert_eq!(parse_node_count("ALL"), Ok(NodeCount::Fraction(Ratio::ONE)));
        assert_eq!(parse_node_count("50%"), Ok(NodeCount::Fraction(r(1, 2))));
        assert_eq!(
            parse_node_count("0"),
            Err(format!("{NODE_COUNT_EXPECTED}; 0 is not allowed"))
        );
        assert_eq!(parse_node_count("four"), Err(NODE_COUNT_EXPECTED.into()));
    }

    #[test]
    fn durations_valid() {
        assert_eq!(parse_duration("1"), Ok(3600));
        assert_eq!(parse_duration("2h"), Ok(7200));
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("1d2h3m4s"), Ok(86_400 + 7200 + 180 + 4));
        assert_eq!(parse_duration("1:30:00"), Ok(5400));
        assert_eq!(parse_duration("100:00:01"), Ok(360_001));
        assert_eq!(parse_duration("2-1:00:00"), Ok(2 * 86_400 + 3600));
        assert_eq!(parse_duration("0:00:01"), Ok(1));
    }

    #[test]
    fn durations_invalid() {
        for bad in [
            "",
            "0",
            "0s",
            "0:00:00",
            "30:00",
            "1:60:00",
            "1:00:60",
            "1:0:00",
            "m",
            "1h1h",
            "30m1h",
            "1x",
            "1.5h",
            "-1:00:00",
            "1-1:00",
            "h1",
            "1H",
            "1h 30m",
            "a-1:00:00",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
        }
        let e = parse_duration("30:00").unwrap_err();
        assert!(e.contains("MM:SS is ambiguous"), "{e}");
        assert_eq!(
            parse_duration("99999999999999999999"),
            Err("duration is too large".into())
        );
    }

    #[test]
    fn minutes_round_up() {
        assert_eq!(round_up_minutes(1), 60);
        assert_eq!(round_up_minutes(60), 60);
        assert_eq!(round_up_minutes(90), 120);
    }

    #[test]
    fn byte_sizes() {
        const G: u64 = 1 << 30;
        assert_eq!(parse_byte_size("4096"), Ok(4096));
        assert_eq!(parse_byte_size("64G"), Ok(64 * G));
        assert_eq!(parse_byte_size("64GiB"), Ok(64 * G));
        assert_eq!(parse_byte_size("64gib"), Ok(64 * G));
        assert_eq!(parse_byte_size("64Gi"), Ok(64 * G));
        assert_eq!(parse_byte_size("512MB"), Ok(512 << 20));
        assert_eq!(parse_byte_size("1k"), Ok(1024));
        assert_eq!(parse_byte_size("2P"), Ok(2 << 50));
        for bad in [
            "", "G", "64B", "64X", "64GBi", "64 G", "-1", "1.5G", "64GiBs",
        ] {
            assert!(parse_byte_size(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            parse_byte_size("99999999P"),
            Err("size is too large".into())
        );
    }

    #[test]
    fn names_and_bools() {
        assert_eq!(parse_name(" pbatch "), Ok("pbatch".into()));
        assert!(parse_name("a b").is_err());
        assert!(parse_name("a'b").is_err());
        assert!(parse_name("a\"b").is_err());
        assert!(parse_name("a#b").is_err());
        assert!(parse_name(&"x".repeat(257)).is_err());
        assert!(parse_name(&"x".repeat(256)).is_ok());
        assert_eq!(parse_bool("Yes"), Ok(true));
        assert_eq!(parse_bool("FALSE"), Ok(false));
        assert!(parse_bool("1").is_err());
        assert_eq!(
            parse_choice("RAND_dist", &["contiguous", "rand_dist"]),
            Ok("rand_dist")
        );
        assert_eq!(
            parse_choice("x", &["a", "b"]),
            Err("expected one of: a, b".to_string())
        );
    }
}

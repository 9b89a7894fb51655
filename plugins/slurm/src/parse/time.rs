//! Slurm durations and timestamps (SCHEDULING.md §5.3).
//!
//! Durations: `[D-]HH:MM:SS`, `HH:MM:SS`, `MM:SS`, `MM:SS.mmm` (sacct's `TotalCPU` under an
//! hour), `D-HH[:MM]`, a bare number of minutes (Slurm's time-limit convention). `UNLIMITED`,
//! `INFINITE`, `Unknown`, `None`, `N/A`, `INVALID` and anything else unparseable are absent.
//!
//! Timestamps: loggia runs `squeue`/`sacct` with `SLURM_TIME_FORMAT=%s`, so times arrive as unix
//! seconds. Slurm's default `YYYY-MM-DDTHH:MM:SS` is local time without a zone and cannot be
//! converted reliably here, so it is treated as absent rather than guessed.

/// A duration in milliseconds, or `None` when absent or unparseable.
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let (days, rest) = match s.split_once('-') {
        Some((d, r)) => (Some(digits(d)?), r),
        None => (None, s),
    };
    let (clock, millis) = match rest.split_once('.') {
        Some((c, f)) => (c, fraction_ms(f)?),
        None => (rest, 0),
    };
    let parts: Vec<u64> = clock.split(':').map(digits).collect::<Option<_>>()?;
    let secs = match (days, parts.as_slice()) {
        // `D-HH`, `D-HH:MM`, `D-HH:MM:SS`.
        (Some(_), [h]) => h.checked_mul(3600)?,
        (Some(_), [h, m]) => h.checked_mul(3600)?.checked_add(m.checked_mul(60)?)?,
        (_, [h, m, s]) => h
            .checked_mul(3600)?
            .checked_add(m.checked_mul(60)?)?
            .checked_add(*s)?,
        // `MM:SS` (and `MM:SS.mmm`).
        (None, [m, s]) => m.checked_mul(60)?.checked_add(*s)?,
        // A bare number is minutes; a fraction makes no sense there.
        (None, [m]) if millis == 0 && !rest.contains('.') => m.checked_mul(60)?,
        _ => return None,
    };
    let day_secs = days.unwrap_or(0).checked_mul(86_400)?;
    secs.checked_add(day_secs)?
        .checked_mul(1000)?
        .checked_add(millis)
}

/// Seconds (with milliseconds) as `f64`, for [`loggia_sched::Usage`].
pub fn parse_duration_s(s: &str) -> Option<f64> {
    // Durations of real jobs are far below 2^53 ms, so the conversion is exact.
    parse_duration_ms(s).map(|ms| ms as f64 / 1000.0)
}

/// Unix seconds, from a `SLURM_TIME_FORMAT=%s` timestamp; anything else is absent.
pub fn parse_timestamp(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    digits(s).map(|n| n as f64)
}

fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `.mmm` → milliseconds (1–3 digits; more digits are truncated to milliseconds).
fn fraction_ms(f: &str) -> Option<u64> {
    if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms = f
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0, |acc, b| acc * 10 + u64::from(b - b'0'));
    Some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("00:01:25"), Some(85_000));
        assert_eq!(parse_duration_ms("00:00.031"), Some(31));
        assert_eq!(parse_duration_ms("01:02.5"), Some(62_500));
        assert_eq!(parse_duration_ms("00:00:00"), Some(0));
        assert_eq!(parse_duration_ms("1-02:03:04"), Some(93_784_000));
        assert_eq!(parse_duration_ms("2-03"), Some(183_600_000));
        assert_eq!(parse_duration_ms("2-03:30"), Some(185_400_000));
        assert_eq!(parse_duration_ms("10:00"), Some(600_000));
        assert_eq!(parse_duration_ms("30"), Some(1_800_000));
        assert_eq!(parse_duration_ms("123:00:00"), Some(442_800_000));
        assert_eq!(parse_duration_s("00:00.002"), Some(0.002));
        assert_eq!(parse_duration_s("01:00:00"), Some(3600.0));
    }

    #[test]
    fn absent_durations() {
        for s in [
            "",
            "UNLIMITED",
            "INFINITE",
            "Unknown",
            "None",
            "N/A",
            "INVALID",
            "1:2:3:4",
            "a:b",
            "-1",
            "1-",
            "30.5",
            "1:-2",
            "::",
            "1-2-3",
            "99999999999999999999:00",
        ] {
            assert_eq!(parse_duration_ms(s), None, "{s}");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("1795218442"), Some(1_795_218_442.0));
        assert_eq!(parse_timestamp(" 0 "), Some(0.0));
        for s in ["2026-11-21T23:47:22", "Unknown", "None", "N/A", "", "1e9"] {
            assert_eq!(parse_timestamp(s), None, "{s}");
        }
    }
}

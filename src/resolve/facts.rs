//! System and loggia facts: the `sys` and `pav` variable sets (CONFIG.md §1.4). Dates are UTC
//! (loggia has no time-zone database; documented in the README).

use std::collections::BTreeMap;

/// The short host name (up to the first `.`).
pub fn short_hostname() -> String {
    let h = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "localhost".to_string());
    h.split('.').next().unwrap_or("localhost").to_string()
}

/// `login3` → `login`: the short host name without trailing digits.
pub fn sys_name_of(host: &str) -> String {
    let t = host.trim_end_matches(|c: char| c.is_ascii_digit());
    if t.is_empty() {
        host.to_string()
    } else {
        t.to_string()
    }
}

fn os_release() -> (String, String) {
    let text = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let mut id = String::new();
    let mut ver = String::new();
    for line in text.lines() {
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim().trim_matches('"').to_string();
            match k.trim() {
                "ID" => id = v,
                "VERSION_ID" => ver = v,
                _ => {}
            }
        }
    }
    (id, ver)
}

fn arch() -> String {
    nix::sys::utsname::uname()
        .map(|u| u.machine().to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A fact: a plain value or a one-item mapping (`sys_os`).
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Str(String),
    Map(BTreeMap<String, String>),
}

/// The `sys` set. `host_*` facts are deferred (known on the node the test runs on).
pub fn sys_vars(overrides: &BTreeMap<String, String>) -> BTreeMap<String, Fact> {
    let host = short_hostname();
    let (os_id, os_ver) = os_release();
    let os = Fact::Map(BTreeMap::from([
        ("name".to_string(), os_id),
        ("version".to_string(), os_ver),
    ]));
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut m = BTreeMap::new();
    m.insert("sys_name".to_string(), Fact::Str(sys_name_of(&host)));
    m.insert("sys_host".to_string(), Fact::Str(host.clone()));
    m.insert("sys_arch".to_string(), Fact::Str(arch()));
    m.insert("sys_os".to_string(), os.clone());
    m.insert("host_cpus".to_string(), Fact::Str(cpus.to_string()));
    m.insert("host_name".to_string(), Fact::Str(host));
    m.insert("host_arch".to_string(), Fact::Str(arch()));
    m.insert("host_os".to_string(), os);
    for (k, v) in overrides {
        m.insert(k.clone(), Fact::Str(v.clone()));
    }
    m
}

/// `sys` facts that are only final inside the allocation.
pub const DEFERRED_SYS: &[&str] = &["host_name", "host_arch", "host_os"];

const WEEKDAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The `pav` set at unix time `now`.
pub fn pav_vars(now: f64, extra: &BTreeMap<String, String>) -> BTreeMap<String, Fact> {
    let secs = now.floor() as i64;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    let micros = ((now - now.floor()) * 1e6).round().min(999_999.0) as u32;
    let user = nix::unistd::User::from_uid(nix::unistd::getuid())
        .ok()
        .flatten()
        .map(|u| u.name)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".to_string());
    let mut m = BTreeMap::new();
    let s = |v: String| Fact::Str(v);
    m.insert("timestamp".into(), s(format!("{now:.6}")));
    m.insert("year".into(), s(y.to_string()));
    m.insert("month".into(), s(mo.to_string()));
    m.insert("day".into(), s(d.to_string()));
    m.insert(
        "weekday".into(),
        s(WEEKDAYS[days.rem_euclid(7) as usize].to_string()),
    );
    m.insert(
        "time".into(),
        s(format!(
            "{:02}:{:02}:{:02}.{micros:06}",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )),
    );
    m.insert("user".into(), s(user));
    m.insert("user_id".into(), s(nix::unistd::getuid().to_string()));
    m.insert("version".into(), s(env!("CARGO_PKG_VERSION").to_string()));
    for (k, v) in extra {
        m.insert(k.clone(), s(v.clone()));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sys_name_drops_trailing_digits() {
        assert_eq!(sys_name_of("login3"), "login");
        assert_eq!(sys_name_of("cn0123"), "cn");
        assert_eq!(sys_name_of("1234"), "1234");
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        let p = pav_vars(1_704_067_200.5, &BTreeMap::new());
        assert_eq!(p["year"], Fact::Str("2024".into()));
        assert_eq!(p["weekday"], Fact::Str("Monday".into()));
        assert_eq!(p["time"], Fact::Str("00:00:00.500000".into()));
    }
}

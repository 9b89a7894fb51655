//! The kernel's process table as the `raw` plugin needs it: the few fields of `/proc/<pid>/stat`
//! that identify a job's processes (state, process group, session, start time).
//!
//! `start_ticks` (field 22, clock ticks since boot) never changes for a process, exec included, so
//! `(pid, start_ticks)` names one process for the lifetime of the machine even when the kernel
//! reuses pid numbers.

use std::io;
use std::path::Path;

/// The fields of one `/proc/<pid>/stat` line that the plugin uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcStat {
    pub pid: i32,
    /// The executable name as the kernel keeps it (up to 15 bytes; may hold spaces and `)`).
    pub comm: String,
    /// One letter: `R`, `S`, `D`, `T`, `Z`, `X`, …
    pub state: char,
    pub ppid: i32,
    pub pgrp: i32,
    pub session: i32,
    /// Field 22: start time in clock ticks after boot.
    pub start_ticks: u64,
}

impl ProcStat {
    /// Whether the process still runs code: zombies (`Z`) and dead tasks (`X`, `x`) do not.
    pub fn is_live(&self) -> bool {
        !matches!(self.state, 'Z' | 'X' | 'x')
    }
}

/// Field number (1-based, as in proc(5)) of the last field [`parse_stat`] needs.
const START_TICKS_FIELD: usize = 22;

/// Parses one `/proc/<pid>/stat` line.
///
/// `comm` (field 2) is parenthesised but may itself contain spaces and parentheses, so the fields
/// after it are counted from the *last* `)`.
pub fn parse_stat(line: &str) -> Result<ProcStat, String> {
    let bad = |what: &str| format!("malformed /proc stat line ({what}): '{}'", line.trim_end());
    let open = line.find('(').ok_or_else(|| bad("no '('"))?;
    let close = line.rfind(')').ok_or_else(|| bad("no ')'"))?;
    if close < open {
        return Err(bad("')' before '('"));
    }
    let pid = line[..open]
        .trim()
        .parse::<i32>()
        .map_err(|_| bad("pid is not a number"))?;
    let comm = line[open + 1..close].to_string();
    // rest[0] is field 3 (state), so field n is rest[n - 3].
    let rest: Vec<&str> = line[close + 1..].split_whitespace().collect();
    let field = |n: usize| -> Result<&str, String> {
        rest.get(n - 3)
            .copied()
            .ok_or_else(|| bad(&format!("only {} fields", rest.len() + 2)))
    };
    let int = |n: usize, name: &str| -> Result<i32, String> {
        field(n)?
            .parse::<i32>()
            .map_err(|_| bad(&format!("{name} is not a number")))
    };
    let mut state_chars = field(3)?.chars();
    let state = match (state_chars.next(), state_chars.next()) {
        (Some(c), None) => c,
        _ => return Err(bad("state is not one letter")),
    };
    let start_ticks = field(START_TICKS_FIELD)?
        .parse::<u64>()
        .map_err(|_| bad("start time is not a number"))?;
    Ok(ProcStat {
        pid,
        comm,
        state,
        ppid: int(4, "ppid")?,
        pgrp: int(5, "process group")?,
        session: int(6, "session")?,
        start_ticks,
    })
}

/// Reads `/proc/<pid>/stat`; `Ok(None)` when no such process exists (any more).
pub fn read_stat(pid: i32) -> io::Result<Option<ProcStat>> {
    read_stat_at(&Path::new("/proc").join(pid.to_string()).join("stat"))
}

fn read_stat_at(path: &Path) -> io::Result<Option<ProcStat>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        // ESRCH: the process exited between opening and reading the file.
        Err(e)
            if e.kind() == io::ErrorKind::NotFound
                || e.raw_os_error() == Some(nix::libc::ESRCH) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    // comm is arbitrary bytes; only the numeric fields matter, so a lossy decode is enough.
    parse_stat(&String::from_utf8_lossy(&bytes))
        .map(Some)
        .map_err(|m| io::Error::new(io::ErrorKind::InvalidData, m))
}

/// Every process of the machine, in one pass over `/proc`. Processes that vanish during the scan
/// or whose stat cannot be read are skipped: the scan is a snapshot, repeated by its callers.
pub fn scan() -> io::Result<Vec<ProcStat>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc")? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        if let Ok(Some(st)) = read_stat(pid) {
            out.push(st);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Recorded from a copy of `sleep` named `x) (y z)`: comm holds spaces and both parentheses.
    const TRICKY: &str = "13405 (x) (y z)) S 1 13401 3703 0 -1 4194304 134 0 0 0 0 0 0 0 20 0 1 0 \
        56135 2990080 424 18446744073709551615 94776736018432 94776736036361 140732766448464 0 0 \
        0 0 6 0 1 0 0 17 0 0 0 0 0 0 94776736050448 94776736051712 94777632739328 \
        140732766452457 140732766452470 140732766452470 140732766453741 0\n";
    // Recorded from a shell child that exited and was never waited for.
    const ZOMBIE: &str = "13428 (sh) Z 13426 13423 3703 0 -1 4227148 22 0 0 0 0 0 0 0 20 0 1 0 \
        56388 0 0 18446744073709551615 0 0 0 0 0 0 0 6 65536 1 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0";
    const PLAIN: &str = "13409 (cat) R 13401 13401 3703 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 \
        56166 3133440 411 18446744073709551615 93908851957760 93908851977641 140723834299296 0 0";

    #[test]
    fn comm_with_spaces_and_parentheses() {
        let st = parse_stat(TRICKY).unwrap();
        assert_eq!(
            st,
            ProcStat {
                pid: 13405,
                comm: "x) (y z)".to_string(),
                state: 'S',
                ppid: 1,
                pgrp: 13401,
                session: 3703,
                start_ticks: 56135,
            }
        );
        assert!(st.is_live());
    }

    #[test]
    fn zombie_is_not_live() {
        let st = parse_stat(ZOMBIE).unwrap();
        assert_eq!(
            (st.pid, st.state, st.ppid, st.pgrp),
            (13428, 'Z', 13426, 13423)
        );
        assert_eq!((st.session, st.start_ticks), (3703, 56388));
        assert!(!st.is_live());
    }

    #[test]
    fn plain_running_process() {
        let st = parse_stat(PLAIN).unwrap();
        assert_eq!((st.pid, st.comm.as_str(), st.state), (13409, "cat", 'R'));
        assert_eq!(st.start_ticks, 56166);
        assert!(st.is_live());
    }

    #[test]
    fn dead_states_are_not_live() {
        for (s, live) in [
            ("X", false),
            ("x", false),
            ("D", true),
            ("T", true),
            ("I", true),
        ] {
            let line = PLAIN.replacen(" R ", &format!(" {s} "), 1);
            assert_eq!(parse_stat(&line).unwrap().is_live(), live, "state {s}");
        }
    }

    #[test]
    fn malformed_lines_say_what_is_wrong() {
        let cut = "13409 (cat) R 13401 13401 3703 0 -1";
        assert_eq!(
            parse_stat(cut).unwrap_err(),
            format!("malformed /proc stat line (only 8 fields): '{cut}'")
        );
        assert!(parse_stat("13409 cat R").unwrap_err().contains("(no '(')"));
        assert!(parse_stat("x (cat) R")
            .unwrap_err()
            .contains("(pid is not a number)"));
        let bad_ticks = PLAIN.replacen(" 56166 ", " 5x ", 1);
        assert!(parse_stat(&bad_ticks)
            .unwrap_err()
            .contains("(start time is not a number)"));
        let bad_state = PLAIN.replacen(" R ", " RS ", 1);
        assert!(parse_stat(&bad_state)
            .unwrap_err()
            .contains("(state is not one letter)"));
        assert!(parse_stat(") 1 (")
            .unwrap_err()
            .contains("(')' before '(')"));
    }

    #[test]
    fn reads_own_process() {
        let me = std::process::id() as i32;
        let st = read_stat(me).unwrap().unwrap();
        assert_eq!(st.pid, me);
        assert_eq!(st.ppid, nix::unistd::getppid().as_raw());
        assert_eq!(st.pgrp, nix::unistd::getpgrp().as_raw());
        assert_eq!(st.session, nix::unistd::getsid(None).unwrap().as_raw());
        assert!(st.is_live());
        assert!(scan()
            .unwrap()
            .iter()
            .any(|p| p.pid == me && p.start_ticks == st.start_ticks));
    }

    #[test]
    fn missing_process_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_stat_at(&dir.path().join("stat")).unwrap(), None);
    }
}

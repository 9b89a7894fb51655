//! Test status files (CONFIG.md §13): an append-only log of state changes, one line per change,
//! `<unix time with 6 decimals> <STATE> <note>`. Each line is written with a single `write` on an
//! `O_APPEND` descriptor and is at most 4096 bytes, so concurrent writers (the harness, the
//! in-allocation runner, `loggia cancel`) never interleave within a line.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Longest status line, newline included.
const MAX_LINE: usize = 4096;

/// Every state a status file may hold.
pub const STATES: &[&str] = &[
    "CREATED",
    "CREATION_ERROR",
    "SKIPPED",
    "BUILDING",
    "BUILD_CREATED",
    "BUILD_DEFERRED",
    "BUILD_WAIT",
    "BUILD_REUSED",
    "BUILD_COPIED",
    "BUILD_DONE",
    "BUILD_SUCCESS",
    "BUILD_FAILED",
    "BUILD_TIMEOUT",
    "BUILD_ERROR",
    "SCHEDULED",
    "SCHED_STARTUP",
    "SCHED_ERROR",
    "SCHED_CANCELLED",
    "CANCELLED",
    "FINALIZED",
    "RUN_READY",
    "PREPPING_RUN",
    "RUNNING",
    "ENV_FAILED",
    "RUN_TIMEOUT",
    "RUN_ERROR",
    "RUN_DONE",
    "RUN_USER",
    "RESULTS",
    "RESULTS_ERROR",
    "COMPLETE",
    "INFO",
    "WARNING",
    "UNKNOWN",
    "INVALID",
    "STATUS_ERROR",
    "STATUS_CREATED",
    "ABORTED",
];

/// One parsed status line.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusEntry {
    pub time: f64,
    pub state: String,
    pub note: String,
}

/// Formats one line: validates the state, escapes newlines, truncates at a UTF-8 boundary.
pub fn format_line(time: f64, state: &str, note: &str) -> String {
    let valid = state.len() <= 15
        && !state.is_empty()
        && state.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        && STATES.contains(&state);
    let (state, note) = if valid {
        (state.to_string(), note.replace('\n', "\\n"))
    } else {
        (
            "INVALID".to_string(),
            format!("({state}) {}", note.replace('\n', "\\n")),
        )
    };
    let head = format!("{time:.6} {state} ");
    let room = MAX_LINE - 1 - head.len();
    let note = loggia_sched::text::head_bytes(&note, room);
    format!("{head}{note}\n")
}

/// Appends a state change to the status file at `path`.
pub fn append(path: &Path, state: &str, note: &str) -> std::io::Result<()> {
    append_many(path, &[(state, note)])
}

/// Appends several state changes in one write (steps that follow each other at once).
pub fn append_many(path: &Path, changes: &[(&str, &str)]) -> std::io::Result<()> {
    let now = crate::fsutil::unix_now();
    let text: String = changes
        .iter()
        .map(|(s, n)| format_line(now, s, n))
        .collect();
    let mut f = OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(text.as_bytes())
}

/// Parses one line; accepts the legacy `%Y-%m-%dT%H:%M:%S.%f` time as time 0.
pub fn parse_line(line: &str) -> Option<StatusEntry> {
    let mut it = line.splitn(3, ' ');
    let time = it.next()?;
    let state = it.next()?.trim_end();
    let note = it.next().unwrap_or("").trim_end_matches('\n');
    let time = time.parse::<f64>().unwrap_or(0.0);
    if state.is_empty() {
        return None;
    }
    Some(StatusEntry {
        time,
        state: state.to_string(),
        note: note.replace("\\n", "\n"),
    })
}

/// The last entry of the file, reading only its tail.
pub fn current(path: &Path) -> std::io::Result<Option<StatusEntry>> {
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let start = len.saturating_sub(MAX_LINE as u64 * 2);
    f.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    let buf = String::from_utf8_lossy(&bytes);
    Ok(buf.lines().rev().find_map(parse_line))
}

/// Every entry of the file.
pub fn history(path: &Path) -> std::io::Result<Vec<StatusEntry>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text.lines().filter_map(parse_line).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip() {
        let l = format_line(12.5, "RUNNING", "two\nlines");
        assert_eq!(l, "12.500000 RUNNING two\\nlines\n");
        let e = parse_line(&l).unwrap();
        assert_eq!(e.state, "RUNNING");
        assert_eq!(e.note, "two\nlines");
    }

    #[test]
    fn unknown_states_become_invalid() {
        let l = format_line(1.0, "BOGUS", "x");
        assert_eq!(l, "1.000000 INVALID (BOGUS) x\n");
        let l = format_line(1.0, "lower", "x");
        assert!(l.contains("INVALID (lower)"));
    }

    #[test]
    fn long_notes_are_truncated_at_a_char_boundary() {
        let l = format_line(1.0, "INFO", &"é".repeat(5000));
        assert!(l.len() <= MAX_LINE);
        assert!(l.ends_with('\n'));
    }

    #[test]
    fn current_reads_the_last_entry() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("status");
        append(&p, "CREATED", "made").unwrap();
        for _ in 0..100 {
            append(&p, "INFO", &"x".repeat(100)).unwrap();
        }
        append(&p, "COMPLETE", "done").unwrap();
        assert_eq!(current(&p).unwrap().unwrap().state, "COMPLETE");
        assert_eq!(history(&p).unwrap().len(), 102);
    }

    #[test]
    fn legacy_times_are_accepted() {
        let e = parse_line("2024-01-01T10:00:00.000000 CREATED hi").unwrap();
        assert_eq!(e.state, "CREATED");
        assert_eq!(e.time, 0.0);
    }
}

//! `sacct --noheader --parsable2 --noconvert --format=JobIDRaw,State,ExitCode,Start,End,Elapsed,
//! TotalCPU,MaxRSS,NodeList` (SCHEDULING.md §5.3): rows whose `JobIDRaw` has no `.` are jobs;
//! `.batch`, `.extern` and `.N` rows are their steps and are folded into the job.

use super::time::{parse_duration_ms, parse_timestamp};
use std::collections::HashMap;

/// `ExitCode` `code:signal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitCode {
    pub code: i32,
    pub signal: i32,
}

/// One job with its steps folded in.
#[derive(Debug, Clone, PartialEq)]
pub struct SacctJob {
    pub id: String,
    /// The first word of the job row's `State` (`CANCELLED by 0` → `CANCELLED`).
    pub state: String,
    /// The job row's `State` as printed.
    pub state_text: String,
    pub exit: Option<ExitCode>,
    /// `ExitCode` of the `.batch` step (it carries the signal of a timed-out or cancelled batch
    /// shell when the job row says `0:0`).
    pub batch_exit: Option<ExitCode>,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub elapsed_ms: Option<u64>,
    /// The job row's `TotalCPU`, else the sum over steps that report one.
    pub cpu_ms: Option<u64>,
    /// Maximum `MaxRSS` (bytes) over the job and all its steps.
    pub max_rss: Option<u64>,
    /// Compressed hostlist; absent for `None assigned` or empty.
    pub nodes: Option<String>,
}

struct Row<'a> {
    id: &'a str,
    state: &'a str,
    exit: Option<ExitCode>,
    start: Option<f64>,
    end: Option<f64>,
    elapsed_ms: Option<u64>,
    cpu_ms: Option<u64>,
    max_rss: Option<u64>,
    nodes: &'a str,
}

fn parse_exit(s: &str) -> Option<ExitCode> {
    let (c, sig) = s.trim().split_once(':')?;
    Some(ExitCode {
        code: c.parse().ok()?,
        signal: sig.parse().ok()?,
    })
}

/// `MaxRSS` with `--noconvert` is bytes; a unit suffix (`K`, `M`, `G`, `T`, binary) is
/// accepted for output produced without it.
pub fn parse_mem_bytes(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.as_bytes().last()? {
        b'K' | b'k' => (&s[..s.len() - 1], 1u64 << 10),
        b'M' | b'm' => (&s[..s.len() - 1], 1 << 20),
        b'G' | b'g' => (&s[..s.len() - 1], 1 << 30),
        b'T' | b't' => (&s[..s.len() - 1], 1 << 40),
        _ => (s, 1),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    num.parse::<u64>().ok()?.checked_mul(mult)
}

fn parse_row(line: &str) -> Option<Row<'_>> {
    let f: Vec<&str> = line.trim_end_matches('\r').splitn(9, '|').collect();
    let [id, state, exit, start, end, elapsed, cpu, rss, nodes] = f.as_slice() else {
        return None;
    };
    let id = id.trim();
    if id.is_empty() {
        return None;
    }
    Some(Row {
        id,
        state: state.trim(),
        exit: parse_exit(exit),
        start: parse_timestamp(start),
        end: parse_timestamp(end),
        elapsed_ms: parse_duration_ms(elapsed),
        cpu_ms: parse_duration_ms(cpu),
        max_rss: parse_mem_bytes(rss),
        nodes: nodes.trim(),
    })
}

/// Jobs in the order their job rows appear. Steps whose job row is missing are dropped;
/// malformed lines are skipped.
pub fn parse_sacct(text: &str) -> Vec<SacctJob> {
    let rows: Vec<Row> = text.lines().filter_map(parse_row).collect();
    let mut jobs: Vec<SacctJob> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for r in rows.iter().filter(|r| !r.id.contains('.')) {
        if index.contains_key(r.id) {
            continue;
        }
        index.insert(r.id, jobs.len());
        let nodes = (!r.nodes.is_empty() && r.nodes != "None assigned" && r.nodes != "None")
            .then(|| r.nodes.to_string());
        jobs.push(SacctJob {
            id: r.id.to_string(),
            state: r.state.split_whitespace().next().unwrap_or("").to_string(),
            state_text: r.state.to_string(),
            exit: r.exit,
            batch_exit: None,
            start: r.start,
            end: r.end,
            elapsed_ms: r.elapsed_ms,
            cpu_ms: r.cpu_ms,
            max_rss: r.max_rss,
            nodes,
        });
    }
    let mut step_cpu: HashMap<usize, u64> = HashMap::new();
    for r in rows.iter() {
        let Some((job, step)) = r.id.split_once('.') else {
            continue;
        };
        let Some(&i) = index.get(job) else {
            continue;
        };
        let j = &mut jobs[i];
        if step == "batch" {
            j.batch_exit = r.exit;
        }
        j.max_rss = match (j.max_rss, r.max_rss) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if let Some(c) = r.cpu_ms {
            let sum = step_cpu.entry(i).or_insert(0);
            *sum = sum.saturating_add(c);
        }
    }
    for (i, sum) in step_cpu {
        if jobs[i].cpu_ms.is_none() {
            jobs[i].cpu_ms = Some(sum);
        }
    }
    jobs
}

/// Whether sacct's stderr says that accounting is off on this cluster.
pub fn accounting_disabled(stderr: &str) -> bool {
    stderr
        .to_ascii_lowercase()
        .contains("accounting storage is disabled")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORE: &str = include_str!("../../testdata/slurm-22.05/sacct-core.out");
    const RUNNING: &str = include_str!("../../testdata/slurm-22.05/sacct-running.out");
    const FINISHED: &str = include_str!("../../testdata/slurm-22.05/sacct-finished.out");
    const UNKNOWN: &str = include_str!("../../testdata/slurm-22.05/sacct-unknown-id.out");
    const DISABLED: &str = include_str!("../../testdata/slurm-22.05/sacct-accounting-disabled.err");

    fn ec(code: i32, signal: i32) -> Option<ExitCode> {
        Some(ExitCode { code, signal })
    }

    #[test]
    fn core_capture() {
        let jobs = parse_sacct(CORE);
        let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["3", "4", "5", "6", "7", "18", "19"]);
        let j3 = &jobs[0];
        assert_eq!(j3.state, "COMPLETED");
        assert_eq!(j3.exit, ec(0, 0));
        assert_eq!(j3.elapsed_ms, Some(1000));
        assert_eq!(j3.cpu_ms, Some(2));
        assert_eq!(j3.max_rss, Some(1_822_720));
        assert_eq!(j3.nodes.as_deref(), Some("node02"));
        assert_eq!(jobs[1].exit, ec(3, 0));
        assert_eq!(jobs[1].batch_exit, ec(3, 0));
        let j5 = &jobs[2];
        assert_eq!(j5.cpu_ms, Some(31));
        assert_eq!(j5.max_rss, Some(1_699_840));
        assert_eq!(j5.nodes.as_deref(), Some("node[01-03]"));
        let j6 = &jobs[3];
        assert_eq!((j6.state.as_str(), j6.exit), ("FAILED", ec(0, 9)));
        assert_eq!(j6.batch_exit, ec(0, 9));
        let j7 = &jobs[4];
        assert_eq!((j7.state.as_str(), j7.exit), ("TIMEOUT", ec(0, 0)));
        assert_eq!(j7.batch_exit, ec(0, 15));
        assert_eq!(j7.elapsed_ms, Some(85_000));
        assert_eq!(j7.max_rss, Some(3_366_912));
        let j18 = &jobs[5];
        assert_eq!(j18.state, "CANCELLED");
        assert_eq!(j18.state_text, "CANCELLED by 0");
        assert_eq!(j18.nodes, None);
        assert_eq!(j18.elapsed_ms, Some(0));
        assert_eq!(j18.max_rss, None);
        assert_eq!(jobs[6].batch_exit, ec(0, 15));
        // Times are local ISO strings in the capture: absent (see time.rs).
        assert_eq!(j3.start, None);
    }

    #[test]
    fn running_finished_unknown_disabled() {
        let jobs = parse_sacct(RUNNING);
        let states: Vec<(&str, &str)> = jobs
            .iter()
            .map(|j| (j.id.as_str(), j.state.as_str()))
            .collect();
        assert_eq!(
            states,
            [
                ("3", "COMPLETED"),
                ("4", "FAILED"),
                ("5", "COMPLETED"),
                ("7", "RUNNING"),
                ("8", "RUNNING"),
                ("10", "PENDING"),
                ("13", "PENDING"),
                ("16", "PENDING")
            ]
        );
        assert_eq!(jobs[3].elapsed_ms, Some(17_000));
        assert_eq!(jobs[5].nodes, None);
        let all = parse_sacct(FINISHED);
        assert_eq!(all.len(), 27);
        assert!(all.iter().all(|j| !j.id.contains('.')));
        assert!(parse_sacct(UNKNOWN).is_empty());
        assert!(accounting_disabled(DISABLED));
        assert!(!accounting_disabled(""));
    }

    #[test]
    fn memory_and_odd_rows() {
        assert_eq!(parse_mem_bytes("1656K"), Some(1_695_744));
        assert_eq!(parse_mem_bytes("2G"), Some(2 << 30));
        assert_eq!(parse_mem_bytes("12"), Some(12));
        assert_eq!(parse_mem_bytes(""), None);
        assert_eq!(parse_mem_bytes("K"), None);
        assert_eq!(parse_mem_bytes("1.5G"), None);
        let text = "9.batch|RUNNING|0:0||||||n1\n9|RUNNING|x|||||4K|\nshort|row\n";
        let jobs = parse_sacct(text);
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].exit, None);
        assert_eq!(jobs[0].batch_exit, ec(0, 0));
        assert_eq!(jobs[0].max_rss, Some(4096));
        assert_eq!(jobs[0].cpu_ms, None);
    }
}

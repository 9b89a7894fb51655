//! `squeue --noheader --format=%i|%T|%r|%N|%S` lines (SCHEDULING.md §5.3).

use super::time::parse_timestamp;

/// One queue line. `reason` is Slurm's text (`None` when Slurm printed `None` or nothing);
/// `nodes` is the compressed hostlist, absent when empty.
#[derive(Debug, Clone, PartialEq)]
pub struct SqueueRow {
    pub id: String,
    pub state: String,
    pub reason: Option<String>,
    pub nodes: Option<String>,
    pub start: Option<f64>,
}

/// Every well-formed line: five `|`-separated fields with a non-empty id and state. The id and
/// state come from the left, nodes and start from the right, so a reason containing `|` is kept
/// whole. Other lines are skipped.
pub fn parse_squeue(text: &str) -> Vec<SqueueRow> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<SqueueRow> {
    let mut left = line.trim_end_matches('\r').splitn(3, '|');
    let id = left.next()?.trim();
    let state = left.next()?.trim();
    let rest = left.next()?;
    let mut right = rest.rsplitn(3, '|');
    let start = right.next()?;
    let nodes = right.next()?.trim();
    let reason = right.next()?.trim();
    if id.is_empty() || state.is_empty() {
        return None;
    }
    Some(SqueueRow {
        id: id.to_string(),
        state: state.to_string(),
        reason: (!reason.is_empty() && reason != "None").then(|| reason.to_string()),
        nodes: (!nodes.is_empty()).then(|| nodes.to_string()),
        start: parse_timestamp(start),
    })
}

/// `squeue --noheader --format=%i` (submission adoption): the job ids, one per line.
pub fn parse_ids(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PENDING: &str = include_str!("../../testdata/slurm-22.05/squeue-pending-running.out");
    const FINISHED: &str = include_str!("../../testdata/slurm-22.05/squeue-finished.out");
    const EMPTY: &str = include_str!("../../testdata/slurm-22.05/squeue-empty.out");
    const NAME: &str = include_str!("../../testdata/slurm-22.05/squeue-name.out");
    const NAME_NONE: &str = include_str!("../../testdata/slurm-22.05/squeue-name-none.out");

    fn row(id: &str, state: &str, reason: Option<&str>, nodes: Option<&str>) -> SqueueRow {
        SqueueRow {
            id: id.into(),
            state: state.into(),
            reason: reason.map(Into::into),
            nodes: nodes.map(Into::into),
            start: None,
        }
    }

    #[test]
    fn pending_running_capture() {
        let rows = parse_squeue(PENDING);
        assert_eq!(rows.len(), 20);
        assert_eq!(rows[0], row("1", "COMPLETED", None, Some("node[02,05-06]")));
        assert_eq!(
            rows[4],
            row("4", "FAILED", Some("NonZeroExitCode"), Some("node02"))
        );
        assert_eq!(
            rows[8],
            row(
                "12",
                "PENDING",
                Some("ReqNodeNotAvail, UnavailableNodes:node04"),
                None
            )
        );
        assert_eq!(rows[15], row("13", "PENDING", Some("JobHeldAdmin"), None));
        assert_eq!(rows[19], row("19", "RUNNING", None, Some("node01")));
    }

    #[test]
    fn finished_capture_and_empties() {
        let rows = parse_squeue(FINISHED);
        assert_eq!(rows.len(), 28);
        let t = rows.iter().find(|r| r.id == "7").unwrap();
        assert_eq!(*t, row("7", "TIMEOUT", Some("TimeLimit"), Some("node08")));
        let c = rows.iter().find(|r| r.id == "30").unwrap();
        assert_eq!(*c, row("30", "FAILED", Some("BadConstraints"), None));
        assert!(parse_squeue(EMPTY).is_empty());
        assert_eq!(parse_ids(NAME).len(), 1);
        assert!(parse_ids(NAME_NONE).is_empty());
    }

    #[test]
    fn odd_lines() {
        let r = parse_squeue("5|PENDING|a|b|c||1795218442\nbad\n|X|||\n");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].reason.as_deref(), Some("a|b|c"));
        assert_eq!(r[0].nodes, None);
        assert_eq!(r[0].start, Some(1_795_218_442.0));
        assert_eq!(parse_ids("12\n\n x \n13\n"), ["12", "13"]);
    }
}

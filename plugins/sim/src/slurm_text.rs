//! The Slurm text inventory format: the concatenated output of `scontrol --oneliner show node`,
//! `show reservation` and `show partition`, one record per line, told apart by the line's first
//! key. Lines are parsed by the slurm plugin's own `scontrol --oneliner` parser, so a saved
//! inventory reads exactly like a live one.

use crate::load::{dup_error, Format, Loaded};
use loggia_sched::SchedError;
use loggia_sched_slurm::oneliner_records;
use std::collections::HashMap;
use std::path::Path;

/// The three record kinds, by their first key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Node,
    Reservation,
    Partition,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Node, Kind::Reservation, Kind::Partition];

    fn key(self) -> &'static str {
        match self {
            Kind::Node => "NodeName",
            Kind::Reservation => "ReservationName",
            Kind::Partition => "PartitionName",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Kind::Node => "node",
            Kind::Reservation => "reservation",
            Kind::Partition => "partition",
        }
    }

    fn of(line: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| {
            line.strip_prefix(k.key())
                .is_some_and(|rest| rest.starts_with('='))
        })
    }
}

/// Whether a trimmed line starts with a record key.
pub(crate) fn is_record_line(line: &str) -> bool {
    Kind::of(line).is_some()
}

/// The notices `scontrol` prints instead of records (`No reservations in the system`).
pub(crate) fn is_notice(line: &str) -> bool {
    line.starts_with("No ") && line.ends_with(" in the system")
}

/// Parses the text format. Blank lines, `#` comments and `scontrol` notices are skipped.
pub(crate) fn parse(text: &str, path: &Path) -> Result<Loaded, SchedError> {
    let mut out = Loaded::new(Format::SlurmText, path);
    let mut seen: HashMap<(usize, String), usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let err = |what: String| {
            SchedError::msg(format!(
                "sim inventory {}: line {n}: {what}",
                path.display()
            ))
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || is_notice(trimmed) {
            continue;
        }
        let Some(kind) = Kind::of(trimmed) else {
            let start: String = trimmed.chars().take(40).collect();
            return Err(err(format!(
                "expected a NodeName=, ReservationName= or PartitionName= record, found '{start}'"
            )));
        };
        let mut records = oneliner_records(trimmed);
        let (Some(rec), true) = (records.pop(), records.is_empty()) else {
            return Err(err("not one scontrol --oneliner record".to_string()));
        };
        let name = match rec.get(kind.key()) {
            Some(v) if !v.trim().is_empty() => v.trim().to_string(),
            _ => return Err(err(format!("{} record without a name", kind.word()))),
        };
        if let Some(first) = seen.insert((kind as usize, name.clone()), n) {
            return Err(dup_error(path, kind.word(), &name, "lines", first, n));
        }
        match kind {
            Kind::Node => out.nodes.push(rec),
            Kind::Reservation => out.extra.reservations.push(rec),
            Kind::Partition => out.extra.partitions.push(rec),
        }
    }
    Ok(out)
}

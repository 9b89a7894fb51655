//! The Slurm inventory straight from `scontrol --oneliner show node|reservation|partition` text
//! to NodeInfo (SCHEDULING.md §3.1): the plugin's `AdvancedScheduler::inventory`, one step
//! instead of `raw_nodes` then `transform` per record, with the same result.
//!
//! A 100 000-node inventory is ~70 MB of text read on every invocation. Here each node line is
//! scanned once into borrowed [`NodeFields`] and turned into its NodeInfo at once, so no raw
//! record is allocated, copied or freed; the reservation index is built once; and the text is
//! split into one part per core at line boundaries.

use crate::inventory::{inventory_extra, node_info, reservation_map, NodeFields};
use crate::parse::{present, scan_text, split_lines, Event, PARALLEL_MIN_BYTES};
use loggia_sched::advanced::par_map;
use loggia_sched::scheduler::RawExtra;
use loggia_sched::{NodeInfo, SchedError};

/// Well under a `scontrol show node` line (656–740 bytes in the recorded Slurm 22.05 outputs);
/// shorter lines only cost the vector a regrowth.
const LINE_BYTES_AT_LEAST: usize = 400;

/// One part's nodes, or the part's record number (0-based) of its first bad record and why.
type PartNodes = Result<Vec<NodeInfo>, (usize, SchedError)>;

/// The NodeInfo of every node line of `nodes` (in text order; lines without a key are not
/// records) and the reservation and partition records. Equal to `transform` of each record of
/// [`crate::inventory::inventory_records`]; an error names the first record (1-based) without a
/// name, as the two-step path does.
pub fn nodes_from_text(
    nodes: &str,
    reservations: &str,
    partitions: &str,
) -> Result<(Vec<NodeInfo>, RawExtra), SchedError> {
    let extra = inventory_extra(reservations, partitions);
    let held = reservation_map(&extra.reservations);
    let reservations_of = |name: &str| held.get(name).cloned().unwrap_or_default();
    let parts = split_lines(nodes, PARALLEL_MIN_BYTES);
    let parsed: Vec<(usize, PartNodes)> = par_map(&parts, 1, |part| {
        let mut records = 0;
        // Sized up front for Slurm's node lines (~700 bytes): NodeInfo is ~200 bytes, and
        // growing by doubling would copy the part's nodes about twice more.
        let mut out = Vec::with_capacity(part.len() / LINE_BYTES_AT_LEAST + 1);
        let mut fields = NodeFields::default();
        let mut failed = None;
        scan_text(part, |e| match e {
            Event::Key(key, value) => {
                if let Some(slot) = fields.slot(key) {
                    *slot = present(value);
                }
            }
            Event::LineEnd(had_key) => {
                if had_key && failed.is_none() {
                    match node_info(&fields, &reservations_of) {
                        Ok(node) => out.push(node),
                        Err(e) => failed = Some((records, e)),
                    }
                    records += 1;
                }
                fields = NodeFields::default();
            }
        });
        match failed {
            Some(bad) => (records, Err(bad)),
            None => (records, Ok(out)),
        }
    });
    let mut all = Vec::with_capacity(parsed.iter().map(|(n, _)| n).sum());
    let mut before = 0;
    for (records, part) in parsed {
        match part {
            Ok(nodes) => all.extend(nodes),
            Err((i, e)) => {
                return Err(SchedError::msg(format!(
                    "node record {} of the inventory: {}",
                    before + i + 1,
                    e.detail()
                )))
            }
        }
        before += records;
    }
    Ok((all, extra))
}

#[cfg(test)]
#[path = "nodes_text_tests.rs"]
mod tests;

//! The Slurm inventory straight from `scontrol --oneliner show node|reservation|partition` text
//! to NodeInfo (SCHEDULING.md §3.1): the plugin's `AdvancedScheduler::inventory`, one step
//! instead of `raw_nodes` then `transform` per record, with the same result.
//!
//! A 100 000-node inventory is ~70 MB of text read on every invocation. Here each node line is
//! scanned once into borrowed [`NodeFields`] (only the kept values are sliced) and turned into its
//! NodeInfo at once, so no raw record is allocated, copied or freed; the reservation index is
//! built once; and the text is split at line boundaries into a few parts per core, which the
//! cores take one by one.

use crate::inventory::{inventory_extra, reservation_map};
use crate::node_fields::{Field, NodeBuilder, NodeFields};
use crate::parse::{present, scan, split_lines, Visit, PARALLEL_MIN_BYTES};
use loggia_sched::advanced::{par_concat, par_each};
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
    let parsed: Vec<(usize, PartNodes)> = par_each(&parts, |part| {
        let mut lines = NodeLines {
            fields: NodeFields::default(),
            wanted: Field::Name,
            builder: NodeBuilder::new(&reservations_of),
            // Sized up front for Slurm's node lines (~700 bytes): NodeInfo is ~200 bytes, and
            // growing by doubling would copy the part's nodes about twice more.
            out: Vec::with_capacity(part.len() / LINE_BYTES_AT_LEAST + 1),
            records: 0,
            failed: None,
        };
        scan(part, &mut lines);
        match lines.failed {
            Some(bad) => (lines.records, Err(bad)),
            None => (lines.records, Ok(lines.out)),
        }
    });
    let mut done = Vec::with_capacity(parsed.len());
    let mut before = 0;
    for (records, part) in parsed {
        match part {
            Ok(nodes) => done.push(nodes),
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
    let all = par_concat(done);
    Ok((all, extra))
}

/// The scan of one part's node lines: each line's kept fields, then its NodeInfo.
struct NodeLines<'a, 'r> {
    fields: NodeFields<'a>,
    /// The field of the key whose value comes next.
    wanted: Field,
    builder: NodeBuilder<'a, 'r>,
    out: Vec<NodeInfo>,
    /// Lines with a key so far.
    records: usize,
    /// The first bad record (0-based within the part); nothing is built after it.
    failed: Option<(usize, SchedError)>,
}

impl<'a> Visit<'a> for NodeLines<'a, '_> {
    #[inline(always)]
    fn key(&mut self, key: &'a str) -> bool {
        match self.fields.wants(key) {
            Some(field) => {
                self.wanted = field;
                true
            }
            None => false,
        }
    }

    #[inline(always)]
    fn value(&mut self, value: &'a str) {
        self.fields.put(self.wanted, present(value));
    }

    fn line_end(&mut self, had_key: bool) {
        if had_key && self.failed.is_none() {
            match self.builder.node(&self.fields) {
                Ok(node) => self.out.push(node),
                Err(e) => self.failed = Some((self.records, e)),
            }
            self.records += 1;
        }
        self.fields = NodeFields::default();
    }
}

#[cfg(test)]
#[path = "nodes_text_tests.rs"]
mod tests;

//! Slurm node records → [`NodeInfo`] (SCHEDULING.md §2.7), classification under a test's state
//! sets (§3.2) and Slurm's custom filters (§3.3: required features, default partition).
//!
//! Reservation membership comes from `show reservation`'s `Nodes=` hostlists (node lines have no
//! reservation field). Expanding those per node would cost O(reserved nodes) for each of up to
//! 100 000 nodes, so the expansion is built once per distinct reservation list and memoised in
//! [`ReservationIndex`].

pub use crate::node_fields::NODE_KEYS;
use crate::node_fields::{Field, NodeBuilder, NodeFields};
use crate::node_filter::SlurmFilter;
use crate::parse::{oneliner_records, oneliner_records_keeping};
use crate::schema::{NAME, STATE_DEFAULTS};
use loggia_sched::advanced::classify_states;
use loggia_sched::advanced::ConfigHooks;
use loggia_sched::hostlist;
use loggia_sched::scheduler::{RawExtra, RawNode};
use loggia_sched::{NodeInfo, SchedError, ScheduleConfig, Text};
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// `(ReservationName, Nodes)` of each reservation, the key of the memoised index.
type ResKey = Vec<(String, String)>;

/// Node name → names of the reservations holding it. Looked up once per node of the
/// inventory, so with foldhash, several times faster than std's SipHash on short names.
pub type ResMap = HashMap<String, Vec<Text>, foldhash::fast::RandomState>;

/// Node name → names of the reservations that contain it, for the last reservation list seen.
#[derive(Debug, Default)]
pub struct ReservationIndex {
    last: RwLock<Option<(ResKey, ResMap)>>,
}

impl ReservationIndex {
    pub const fn new() -> Self {
        ReservationIndex {
            last: RwLock::new(None),
        }
    }

    /// The reservations holding node `name` under `reservations`, building the index on
    /// first use of that list. Called once per node, from several threads for a large
    /// inventory, so a hit takes only a shared lock and allocates nothing but the answer: the
    /// list is compared with the memoised key in place.
    pub fn reservations_of(&self, reservations: &[RawNode], name: &str) -> Vec<Text> {
        let lookup = |last: &Option<(ResKey, ResMap)>| {
            last.as_ref()
                .filter(|(k, _)| same_key(k, reservations))
                .map(|(_, idx)| idx.get(name).cloned().unwrap_or_default())
        };
        // A panic elsewhere while the lock was held leaves valid data behind: the map is only
        // ever replaced whole.
        if let Some(found) = lookup(&self.last.read().unwrap_or_else(PoisonError::into_inner)) {
            return found;
        }
        let mut last = self.last.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = lookup(&last) {
            return found;
        }
        let key: ResKey = res_key(reservations)
            .map(|(n, l)| (n.to_string(), l.to_string()))
            .collect();
        let idx = reservation_map(reservations);
        let found = idx.get(name).cloned().unwrap_or_default();
        *last = Some((key, idx));
        found
    }
}

/// `(ReservationName, Nodes)` of each named reservation, borrowed.
fn res_key(reservations: &[RawNode]) -> impl Iterator<Item = (&str, &str)> {
    reservations.iter().filter_map(|r| {
        let name = r.get("ReservationName")?;
        Some((name, r.get("Nodes").unwrap_or("")))
    })
}

fn same_key(key: &ResKey, reservations: &[RawNode]) -> bool {
    key.iter()
        .map(|(n, l)| (n.as_str(), l.as_str()))
        .eq(res_key(reservations))
}

/// Node name → the reservations holding it, from the reservations' `Nodes=` hostlists. A
/// list that does not parse is skipped with a warning.
pub(crate) fn reservation_map(reservations: &[RawNode]) -> ResMap {
    let mut idx = ResMap::default();
    for (name, nodes) in res_key(reservations) {
        match hostlist::expand_dedup(nodes) {
            Ok(names) => {
                for n in names {
                    idx.entry(n).or_default().push(Text::from(name));
                }
            }
            Err(e) => {
                tracing::warn!(reservation = %name, error = %e,
                    "ignoring the node list of a Slurm reservation");
            }
        }
    }
    idx
}

/// The GPU count of a `Gres=` value: the sum over entries named `gpu` (`gpu:2`,
/// `gpu:a100:4(S:0-1)`; a bare `gpu` is one). `None` when no entry is a GPU.
pub fn gres_gpus(gres: &str) -> Option<u32> {
    let mut total: Option<u32> = None;
    let mut depth = 0u32;
    let mut start = 0;
    let mut entries = Vec::new();
    for (i, c) in gres.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                entries.push(&gres[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    entries.push(&gres[start..]);
    for entry in entries {
        let entry = entry.split('(').next().unwrap_or("").trim();
        let mut parts = entry.split(':');
        if parts.next() != Some("gpu") {
            continue;
        }
        let rest: Vec<&str> = parts.collect();
        let count = match rest.last() {
            None => Some(1),
            Some(last) => match last.parse::<u32>() {
                Ok(n) => Some(n),
                // `gpu:a100` (a type without a count) is one GPU.
                Err(_) if rest.len() == 1 && !last.is_empty() => Some(1),
                Err(_) => None,
            },
        };
        if let Some(n) = count {
            total = Some(total.unwrap_or(0).saturating_add(n));
        }
    }
    total
}

/// Whether [`transform`] reads `key` (one of [`NODE_KEYS`]).
pub fn is_node_key(key: &str) -> bool {
    Field::of(key).is_some()
}

/// The reservation and partition records of `show reservation` and `show partition` outputs,
/// every key kept, since the filter hooks and the harness's checks read them.
pub(crate) fn inventory_extra(reservations: &str, partitions: &str) -> RawExtra {
    RawExtra {
        reservations: oneliner_records(reservations),
        partitions: oneliner_records(partitions),
        ..RawExtra::default()
    }
}

/// The records of `scontrol --oneliner show node`, `show reservation` and `show partition`
/// outputs. Node records hold only [`NODE_KEYS`].
pub fn inventory_records(
    nodes: &str,
    reservations: &str,
    partitions: &str,
) -> (Vec<RawNode>, RawExtra) {
    let extra = inventory_extra(reservations, partitions);
    (oneliner_records_keeping(nodes, &is_node_key), extra)
}

/// One `scontrol --oneliner show node` record → NodeInfo (§2.7 table). Reads only
/// [`NODE_KEYS`].
pub fn transform(
    raw: &RawNode,
    extra: &RawExtra,
    reservations: &ReservationIndex,
) -> Result<NodeInfo, SchedError> {
    let mut fields = NodeFields::default();
    for (key, value) in raw {
        if let Some(field) = fields.wants(key) {
            fields.put(field, Some(value));
        }
    }
    let reservations_of = |name: &str| {
        if extra.reservations.is_empty() {
            Vec::new()
        } else {
            reservations.reservations_of(&extra.reservations, name)
        }
    };
    NodeBuilder::new(&reservations_of).node(&fields)
}

/// `(up, available)` of `node` under the test's state sets (reserved states added when the
/// test asks for a reservation).
pub fn classify(cfg: &ScheduleConfig, node: &NodeInfo) -> (bool, bool) {
    classify_states(cfg, NAME, &STATE_DEFAULTS, &node.states)
}

/// Slurm's custom filter (§3.3 step 7): required features first, then the default partition.
pub fn filter_custom(cfg: &ScheduleConfig, extra: &RawExtra, node: &NodeInfo) -> Option<String> {
    SlurmFilter::new(cfg, extra).filter_custom(node)
}

#[cfg(test)]
#[path = "inventory_tests.rs"]
mod tests;

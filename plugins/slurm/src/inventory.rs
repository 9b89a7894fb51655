//! Slurm node records → [`NodeInfo`] (SCHEDULING.md §2.7), classification under a test's state
//! sets (§3.2) and Slurm's custom filters (§3.3: required features, default partition).
//!
//! Reservation membership comes from `show reservation`'s `Nodes=` hostlists (node lines have no
//! reservation field). Expanding those per node would cost O(reserved nodes) for each of up to
//! 100 000 nodes, so the expansion is built once per distinct reservation list and memoised in
//! [`ReservationIndex`].

use crate::node_filter::SlurmFilter;
use crate::parse::{oneliner_records, oneliner_records_keeping};
use crate::schema::{NAME, STATE_DEFAULTS};
use loggia_sched::advanced::ConfigHooks;
use loggia_sched::advanced::{classify_states, parse_slurm_state, StateSets};
use loggia_sched::hostlist;
use loggia_sched::scheduler::{RawExtra, RawNode};
use loggia_sched::{NodeInfo, SchedError, ScheduleConfig};
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

const MIB: u64 = 1024 * 1024;

/// `(ReservationName, Nodes)` of each reservation, the key of the memoised index.
type ResKey = Vec<(String, String)>;

/// Node name → names of the reservations holding it.
pub type ResMap = HashMap<String, Vec<String>>;

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
    pub fn reservations_of(&self, reservations: &[RawNode], name: &str) -> Vec<String> {
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
    let mut idx = ResMap::new();
    for (name, nodes) in res_key(reservations) {
        match hostlist::expand_dedup(nodes) {
            Ok(names) => {
                for n in names {
                    idx.entry(n).or_default().push(name.to_string());
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

fn num<T: std::str::FromStr>(value: Option<&str>) -> Option<T> {
    value.and_then(|v| v.trim().parse().ok())
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
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

/// The node-record keys [`transform`] reads. The inventory keeps only these
/// ([`is_node_key`]): allocating all ~35 keys of every node line was most of the cost of
/// reading a 100 000-node inventory.
pub const NODE_KEYS: [&str; 11] = [
    "NodeName",
    "State",
    "CPUTot",
    "RealMemory",
    "AllocMem",
    "Gres",
    "ActiveFeatures",
    "Features",
    "Partitions",
    "Arch",
    "Reason",
];

/// Whether [`transform`] reads `key` (one of [`NODE_KEYS`]).
pub fn is_node_key(key: &str) -> bool {
    NodeFields::default().slot(key).is_some()
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
    node_info(&NodeFields::of(raw), &|name| {
        if extra.reservations.is_empty() {
            Vec::new()
        } else {
            reservations.reservations_of(&extra.reservations, name)
        }
    })
}

/// The NodeInfo of one node's fields; `reservations_of(name)` names the reservations holding
/// it. Shared by [`transform`] (one record) and [`crate::nodes_text`] (straight from text).
pub(crate) fn node_info(
    f: &NodeFields<'_>,
    reservations_of: &dyn Fn(&str) -> Vec<String>,
) -> Result<NodeInfo, SchedError> {
    let name = f
        .name
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| SchedError::msg("Slurm node record has no NodeName"))?;
    let mut node = NodeInfo {
        name: name.to_string(),
        ..NodeInfo::default()
    };
    if let Some(state) = f.state {
        let (base, flags) = parse_slurm_state(state);
        if !base.is_empty() {
            node.states.reserve(flags.len() + 1);
            node.states.push(base);
            node.states.extend(flags);
        }
    }
    node.cpus = num(f.cpus);
    let real: Option<u64> = num(f.real_memory);
    node.mem = real.and_then(|m| m.checked_mul(MIB));
    let alloc: Option<u64> = num(f.alloc_mem);
    node.mem_free = real
        .zip(alloc)
        .and_then(|(r, a)| r.saturating_sub(a).checked_mul(MIB));
    node.gpus = f.gres.and_then(gres_gpus);
    node.features = f
        .active_features
        .or(f.features)
        .map(split_list)
        .unwrap_or_default();
    node.partitions = Some(f.partitions.map(split_list).unwrap_or_default());
    node.reservations = Some(reservations_of(name));
    node.arch = f.arch.map(str::to_string);
    if let Some(reason) = f.reason {
        node.extra.insert("reason".to_string(), reason.to_string());
    }
    let (up, available) = StateSets::defaults(&STATE_DEFAULTS).classify(&node.states);
    node.up = up;
    node.available = available;
    Ok(node)
}

/// The [`NODE_KEYS`] values of one record, gathered in one pass over it rather than by eleven
/// map searches (this runs for each of up to 100 000 nodes).
#[derive(Default)]
pub(crate) struct NodeFields<'a> {
    name: Option<&'a str>,
    state: Option<&'a str>,
    cpus: Option<&'a str>,
    real_memory: Option<&'a str>,
    alloc_mem: Option<&'a str>,
    gres: Option<&'a str>,
    active_features: Option<&'a str>,
    features: Option<&'a str>,
    partitions: Option<&'a str>,
    arch: Option<&'a str>,
    reason: Option<&'a str>,
}

impl<'a> NodeFields<'a> {
    fn of(raw: &'a RawNode) -> Self {
        let mut f = NodeFields::default();
        for (key, value) in raw {
            f.set(key, value);
        }
        f
    }

    /// Records `value` for `key` when it is one of [`NODE_KEYS`] not yet seen (the first value
    /// of a key wins).
    fn set(&mut self, key: &str, value: &'a str) {
        if let Some(slot) = self.slot(key) {
            *slot = Some(value);
        }
    }

    /// The empty slot of `key` when it is one of [`NODE_KEYS`] not yet seen. Asked for each of
    /// the ~40 keys of every node line, so that only the kept values are looked at further.
    pub(crate) fn slot(&mut self, key: &str) -> Option<&mut Option<&'a str>> {
        let slot = match key {
            "NodeName" => &mut self.name,
            "State" => &mut self.state,
            "CPUTot" => &mut self.cpus,
            "RealMemory" => &mut self.real_memory,
            "AllocMem" => &mut self.alloc_mem,
            "Gres" => &mut self.gres,
            "ActiveFeatures" => &mut self.active_features,
            "Features" => &mut self.features,
            "Partitions" => &mut self.partitions,
            "Arch" => &mut self.arch,
            "Reason" => &mut self.reason,
            _ => return None,
        };
        slot.is_none().then_some(slot)
    }
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

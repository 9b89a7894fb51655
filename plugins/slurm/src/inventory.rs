//! Slurm node records → [`NodeInfo`] (SCHEDULING.md §2.7), classification under a test's state
//! sets (§3.2) and Slurm's custom filters (§3.3: required features, default partition).
//!
//! Reservation membership comes from `show reservation`'s `Nodes=` hostlists (node lines have no
//! reservation field). Expanding those per node would cost O(reserved nodes) for each of up to
//! 100 000 nodes, so the expansion is built once per distinct reservation list and memoised in
//! [`ReservationIndex`].

use crate::schema::{DEFAULT_AVAIL_STATES, DEFAULT_RESERVED_STATES, DEFAULT_UP_STATES, NAME};
use loggia_sched::advanced::parse_slurm_state;
use loggia_sched::hostlist;
use loggia_sched::scheduler::{RawExtra, RawNode};
use loggia_sched::{NodeInfo, SchedError, ScheduleConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

const MIB: u64 = 1024 * 1024;

/// `(ReservationName, Nodes)` of each reservation, the key of the memoised index.
type ResKey = Vec<(String, String)>;

/// Node name → names of the reservations holding it.
pub type ResMap = HashMap<String, Vec<String>>;

/// Node name → names of the reservations that contain it, for the last reservation list seen.
#[derive(Debug, Default)]
pub struct ReservationIndex {
    last: Mutex<Option<(ResKey, Arc<ResMap>)>>,
}

impl ReservationIndex {
    pub const fn new() -> Self {
        ReservationIndex {
            last: Mutex::new(None),
        }
    }

    /// The index for `reservations`, built on first use of that list.
    pub fn get(&self, reservations: &[RawNode]) -> Arc<ResMap> {
        let key: ResKey = reservations
            .iter()
            .filter_map(|r| {
                let name = r.get("ReservationName")?;
                Some((name.clone(), r.get("Nodes").cloned().unwrap_or_default()))
            })
            .collect();
        // A panic elsewhere while the lock was held leaves valid data behind: the map is only
        // ever replaced whole.
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((k, idx)) = last.as_ref() {
            if *k == key {
                return Arc::clone(idx);
            }
        }
        let idx = Arc::new(build_index(&key));
        *last = Some((key, Arc::clone(&idx)));
        idx
    }
}

fn build_index(key: &ResKey) -> ResMap {
    let mut idx = ResMap::new();
    for (name, nodes) in key {
        match hostlist::expand_dedup(nodes) {
            Ok(names) => {
                for n in names {
                    idx.entry(n).or_default().push(name.clone());
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

fn num<T: std::str::FromStr>(raw: &RawNode, key: &str) -> Option<T> {
    raw.get(key).and_then(|v| v.trim().parse().ok())
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

/// One `scontrol --oneliner show node` record → NodeInfo (§2.7 table).
pub fn transform(
    raw: &RawNode,
    extra: &RawExtra,
    reservations: &ReservationIndex,
) -> Result<NodeInfo, SchedError> {
    let name = raw
        .get("NodeName")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| SchedError::msg("Slurm node record has no NodeName"))?;
    let mut node = NodeInfo {
        name: name.to_string(),
        ..NodeInfo::default()
    };
    if let Some(state) = raw.get("State") {
        let (base, flags) = parse_slurm_state(state);
        if !base.is_empty() {
            node.states.reserve(flags.len() + 1);
            node.states.push(base);
            node.states.extend(flags);
        }
    }
    node.cpus = num(raw, "CPUTot");
    let real: Option<u64> = num(raw, "RealMemory");
    node.mem = real.and_then(|m| m.checked_mul(MIB));
    let alloc: Option<u64> = num(raw, "AllocMem");
    node.mem_free = real
        .zip(alloc)
        .and_then(|(r, a)| r.saturating_sub(a).checked_mul(MIB));
    node.gpus = raw.get("Gres").and_then(|g| gres_gpus(g));
    node.features = raw
        .get("ActiveFeatures")
        .or_else(|| raw.get("Features"))
        .map(|f| split_list(f))
        .unwrap_or_default();
    node.partitions = Some(
        raw.get("Partitions")
            .map(|p| split_list(p))
            .unwrap_or_default(),
    );
    let res = if extra.reservations.is_empty() {
        Vec::new()
    } else {
        reservations
            .get(&extra.reservations)
            .get(name)
            .cloned()
            .unwrap_or_default()
    };
    node.reservations = Some(res);
    node.arch = raw.get("Arch").cloned();
    if let Some(reason) = raw.get("Reason") {
        node.extra.insert("reason".to_string(), reason.clone());
    }
    let (up, available) = classify_with(&node.states, DEFAULT_UP_STATES, DEFAULT_AVAIL_STATES, &[]);
    node.up = up;
    node.available = available;
    Ok(node)
}

/// §3.2 over plain sets: every state token in `up` (+`extra`) → up; also all in `avail`
/// (+`extra`) → available. A node without states is neither.
fn classify_with<S: AsRef<str>>(
    states: &[String],
    up: &[S],
    avail: &[S],
    extra: &[S],
) -> (bool, bool) {
    if states.first().is_none_or(|s| s.is_empty()) {
        return (false, false);
    }
    let within = |set: &[S]| {
        states.iter().all(|s| {
            set.iter()
                .chain(extra)
                .any(|x| x.as_ref().eq_ignore_ascii_case(s))
        })
    };
    let is_up = within(up);
    (is_up, is_up && within(avail))
}

/// A list of the test's slurm subsection, or the schema default when the config lacks it
/// (a config not validated for slurm).
fn cfg_list<'a>(cfg: &'a ScheduleConfig, key: &str, default: &'a [&'a str]) -> Vec<&'a str> {
    match cfg.plugin_value(NAME, key) {
        Some(_) => cfg
            .plugin_list(NAME, key)
            .iter()
            .map(String::as_str)
            .collect(),
        None => default.to_vec(),
    }
}

/// `(up, available)` of `node` under the test's state sets (reserved states added when the
/// test asks for a reservation).
pub fn classify(cfg: &ScheduleConfig, node: &NodeInfo) -> (bool, bool) {
    let up = cfg_list(cfg, "up_states", DEFAULT_UP_STATES);
    let avail = cfg_list(cfg, "avail_states", DEFAULT_AVAIL_STATES);
    let reserved = if cfg.reservation.is_some() {
        cfg_list(cfg, "reserved_states", DEFAULT_RESERVED_STATES)
    } else {
        Vec::new()
    };
    classify_with(&node.states, &up, &avail, &reserved)
}

/// The name of the cluster's default partition (`Default=YES`), if any.
pub fn default_partition(extra: &RawExtra) -> Option<&str> {
    extra
        .partitions
        .iter()
        .find(|p| {
            p.get("Default")
                .is_some_and(|d| d.eq_ignore_ascii_case("YES"))
        })
        .and_then(|p| p.get("PartitionName"))
        .map(String::as_str)
}

/// Slurm's custom filter (§3.3 step 7): required features first, then the default partition.
pub fn filter_custom(cfg: &ScheduleConfig, extra: &RawExtra, node: &NodeInfo) -> Option<String> {
    for entry in cfg.plugin_list(NAME, "features") {
        let ok = entry
            .split('|')
            .any(|alt| node.features.iter().any(|f| f == alt));
        if !ok {
            return Some(format!("missing required feature ({entry})"));
        }
    }
    if cfg.partition.is_none() {
        if let (Some(def), Some(parts)) = (default_partition(extra), node.partitions.as_ref()) {
            if !parts.iter().any(|p| p == def) {
                return Some(format!(
                    "not in the default partition '{def}' (schedule.partition unset)"
                ));
            }
        }
    }
    None
}

#[cfg(test)]
#[path = "inventory_tests.rs"]
mod tests;

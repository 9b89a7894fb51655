//! The `sched.*` variables (SCHEDULING.md §4.2): config-time (initial) values for the advanced
//! tier (from the filtered list and chunks) and the basic tier (from `cluster_info`), and the
//! allocation-time (final) values of the deferred variables, including `test_cmd` (§4.3).
//!
//! At config time a deferred variable holds an empty placeholder (`""`, or `[]` for
//! `test_node_list`) and is listed in [`SchedVars::deferred`]; the config layer stores strings
//! that use it unresolved (CONFIG.md §6.4).

use super::chunk::ChunkSet;
use super::inventory::Inventory;
use super::range::node_range;
use super::test_cmd::join_test_cmd;
use super::tpn::resolve_tpn;
use crate::kickoff::LaunchInput;
use crate::node::NodeInfo;
use crate::schedule::ScheduleConfig;
use std::collections::{BTreeMap, BTreeSet};

/// A variable value: a string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchedVar {
    Str(String),
    List(Vec<String>),
}

/// Variables by name (without the `sched.` prefix) and which of them are deferred.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchedVars {
    pub values: BTreeMap<String, SchedVar>,
    pub deferred: BTreeSet<String>,
}

impl SchedVars {
    fn str(&mut self, name: &str, v: impl ToString) {
        self.values
            .insert(name.to_string(), SchedVar::Str(v.to_string()));
    }

    fn list(&mut self, name: &str, v: Vec<String>) {
        self.values.insert(name.to_string(), SchedVar::List(v));
    }

    fn placeholder(&mut self, name: &str) {
        if name == "test_node_list" {
            self.list(name, Vec::new());
        } else {
            self.str(name, "");
        }
        self.deferred.insert(name.to_string());
    }

    pub fn get(&self, name: &str) -> Option<&SchedVar> {
        self.values.get(name)
    }
}

/// The deferred variables, in table order (`test_cmd` only when the plugin's launcher needs
/// allocation facts).
pub const DEFERRED: [&str; 8] = [
    "test_cmd",
    "tasks_per_node",
    "tasks_total",
    "test_nodes",
    "test_node_list",
    "test_min_cpus",
    "test_min_mem",
    "job_id",
];

/// What the variables need to know about the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginFacts {
    pub concurrent_default: u32,
    /// [`crate::Scheduler::test_cmd_deferred`].
    pub test_cmd_deferred: bool,
}

/// The variables every tier sets the same way at config time.
fn common(cfg: &ScheduleConfig, plugin: PluginFacts, errors: Vec<String>) -> SchedVars {
    let mut v = SchedVars::default();
    for name in DEFERRED {
        if name == "test_cmd" && !plugin.test_cmd_deferred {
            v.str(name, join_test_cmd::<&str>(&[], cfg.wrapper.as_deref()));
        } else {
            v.placeholder(name);
        }
    }
    v.str("concurrent_default", plugin.concurrent_default);
    v.str("partition", cfg.partition.as_deref().unwrap_or(""));
    v.list("errors", errors);
    v
}

/// Initial values on the advanced tier. `filtered` is F (natural order), `list_id` its index in
/// the invocation's table, `errors` the §3.5 messages plus plugin errors.
pub fn initial_advanced(
    cfg: &ScheduleConfig,
    plugin: PluginFacts,
    inv: &Inventory,
    filtered: &[u32],
    list_id: usize,
    chunks: &ChunkSet,
    errors: Vec<String>,
) -> SchedVars {
    let mut v = common(cfg, plugin, errors);
    let chunk0 = chunks.chunks.first().map_or(0, |c| c.nodes.len() as u64);
    v.list(
        "chunk_ids",
        (0..chunks.chunks.len()).map(|i| i.to_string()).collect(),
    );
    v.str("chunk_size", chunk0);
    v.str("requested_nodes", node_range(cfg, chunk0).requested_text());
    v.str("node_list_id", list_id);
    v.str("nodes", filtered.len());
    v.list("node_list", inv.names(filtered));
    let min_cpus = filtered.iter().filter_map(|&i| inv.node(i).cpus).min();
    let min_mem = filtered.iter().filter_map(|&i| inv.node(i).mem).min();
    v.str("min_cpus", min_cpus.unwrap_or(cfg.cluster_info.cpus));
    v.str("min_mem", min_mem.unwrap_or(cfg.cluster_info.mem));
    v
}

/// Initial values on the basic tier (everything from `cluster_info`).
pub fn initial_basic(cfg: &ScheduleConfig, plugin: PluginFacts, errors: Vec<String>) -> SchedVars {
    let mut v = common(cfg, plugin, errors);
    v.list("chunk_ids", Vec::new());
    v.str("chunk_size", "");
    v.str("requested_nodes", "");
    v.str("node_list_id", "");
    v.str("nodes", cfg.cluster_info.node_count);
    v.list("node_list", Vec::new());
    v.str("min_cpus", cfg.cluster_info.cpus);
    v.str("min_mem", cfg.cluster_info.mem);
    v
}

/// Final values of the deferred variables inside the allocation. `nodes` is H (scheduler
/// order, de-duplicated), `facts` the per-node facts known there, `parts` the plugin's launcher
/// (`Scheduler::test_cmd`).
pub fn final_vars(
    cfg: &ScheduleConfig,
    nodes: &[String],
    facts: &BTreeMap<String, NodeInfo>,
    job_id: &str,
    parts: &dyn Fn(&LaunchInput) -> Vec<String>,
) -> SchedVars {
    let known = || nodes.iter().filter_map(|n| facts.get(n));
    let min_cpus = known()
        .filter_map(|n| n.cpus)
        .min()
        .unwrap_or(cfg.cluster_info.cpus);
    let min_mem = known()
        .filter_map(|n| n.mem)
        .min()
        .unwrap_or(cfg.cluster_info.mem);
    let tpn = resolve_tpn(cfg, u64::from(min_cpus));
    let total = cfg
        .tasks
        .unwrap_or_else(|| tpn.saturating_mul(nodes.len() as u64));
    let input = LaunchInput {
        schedule: cfg.clone(),
        nodes: nodes.to_vec(),
        tasks_per_node: tpn,
        tasks_total: total,
        node_info: nodes
            .iter()
            .filter_map(|n| facts.get(n).map(|f| (n.clone(), f.clone())))
            .collect(),
    };
    let mut v = SchedVars::default();
    v.str(
        "test_cmd",
        join_test_cmd(&parts(&input), cfg.wrapper.as_deref()),
    );
    v.str("tasks_per_node", tpn);
    v.str("tasks_total", total);
    v.str("test_nodes", nodes.len());
    v.list("test_node_list", nodes.to_vec());
    v.str("test_min_cpus", min_cpus);
    v.str("test_min_mem", min_mem);
    v.str("job_id", job_id);
    v
}

#[cfg(test)]
#[path = "vars_tests.rs"]
mod tests;

//! The `schedule:` section of a test (SCHEDULING.md §1) in its raw form ([`RawValue`], every leaf
//! a string after variable resolution) and its validated, typed form ([`ScheduleConfig`]).
//!
//! Exact arithmetic (C4): percentages are [`Ratio`]s, never floats. Memory is bytes, durations
//! are whole seconds.
//!
//! Submodules: [`grammar`] (the value grammars of §0.1), [`mod@validate`] (raw section → config, with
//! every error collected), [`pattern`] (whole-value regexes for plugin schemas); plugin
//! subsections are checked by `plugin.rs`.

pub mod grammar;
pub mod pattern;
mod plugin;
pub mod validate;

pub use plugin::plugin_defaults;
pub use validate::{
    allocation_keys, validate, validate_for, KeyError, KeyWarning, Validated, MPIRUN_OBJECTS,
};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A `schedule:` value after variable resolution: strings, lists of raw values, or mappings.
/// YAML nulls never appear here: the harness drops them (C2, empty means unset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawValue {
    Str(String),
    List(Vec<RawValue>),
    Map(Vec<(String, RawValue)>),
}

/// An exact non-negative fraction `num/den` (den > 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `ceil(num·n / den)` with 128-bit intermediates (C4).
    pub fn ceil_of(self, n: u64) -> u64 {
        let p = u128::from(self.num) * u128::from(n);
        let d = u128::from(self.den);
        u64::try_from(p.div_ceil(d)).unwrap_or(u64::MAX)
    }

    /// `floor(num·n / den)`.
    pub fn floor_of(self, n: u64) -> u64 {
        let p = u128::from(self.num) * u128::from(n);
        u64::try_from(p / u128::from(self.den)).unwrap_or(u64::MAX)
    }
}

/// `Count | Percent | All` (§0.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeCount {
    Count(u64),
    Fraction(Ratio),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShareMode {
    No,
    #[default]
    Yes,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeState {
    #[default]
    Up,
    Available,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeSelection {
    #[default]
    Contiguous,
    Random,
    Distributed,
    RandDist,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChunkExtra {
    #[default]
    Backfill,
    Discard,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Chunking {
    /// `None` means no chunking (`0` or unset).
    pub size: Option<NodeCount>,
    pub node_selection: NodeSelection,
    pub extra: ChunkExtra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterInfo {
    pub node_count: u64,
    pub cpus: u32,
    /// Bytes.
    pub mem: u64,
}

impl Default for ClusterInfo {
    fn default() -> Self {
        ClusterInfo {
            node_count: 1,
            cpus: 4,
            mem: 4 * 1024 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MpirunOpts {
    pub bind_to: Option<String>,
    pub rank_by: Option<String>,
    /// `(param, value)` pairs, each → `--mca param value`.
    pub mca: Vec<(String, String)>,
    pub extra: Vec<String>,
}

/// A validated plugin-subsection value (§2.6 kinds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PluginValue {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
    Map(BTreeMap<String, String>),
}

/// The validated `schedule:` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleConfig {
    pub nodes: Option<NodeCount>,
    pub min_nodes: Option<NodeCount>,
    pub tasks: Option<u64>,
    pub tasks_per_node: NodeCount,
    pub min_tasks_per_node: Option<u64>,
    pub node_state: NodeState,
    pub partition: Option<String>,
    pub reservation: Option<String>,
    pub qos: Option<String>,
    pub account: Option<String>,
    pub core_spec: Option<u32>,
    /// Seconds.
    pub time_limit_s: u64,
    pub wrapper: Option<String>,
    pub share_allocation: ShareMode,
    pub across_nodes: Vec<String>,
    pub include_nodes: Vec<String>,
    pub exclude_nodes: Vec<String>,
    pub chunking: Chunking,
    pub cluster_info: ClusterInfo,
    pub mpirun_opts: MpirunOpts,
    /// Plugin subsections by plugin name, validated against each plugin's schema.
    pub plugins: BTreeMap<String, BTreeMap<String, PluginValue>>,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            nodes: None,
            min_nodes: None,
            tasks: None,
            tasks_per_node: NodeCount::Count(1),
            min_tasks_per_node: None,
            node_state: NodeState::Up,
            partition: None,
            reservation: None,
            qos: None,
            account: None,
            core_spec: None,
            time_limit_s: 3600,
            wrapper: None,
            share_allocation: ShareMode::Yes,
            across_nodes: Vec::new(),
            include_nodes: Vec::new(),
            exclude_nodes: Vec::new(),
            chunking: Chunking::default(),
            cluster_info: ClusterInfo::default(),
            mpirun_opts: MpirunOpts::default(),
            plugins: BTreeMap::new(),
        }
    }
}

impl ScheduleConfig {
    /// Flex: the scheduler chooses the nodes (no chunking, no `across_nodes`).
    pub fn flex(&self) -> bool {
        self.chunking.size.is_none() && self.across_nodes.is_empty()
    }

    /// The plugin subsection value for `plugin.key`, if set.
    pub fn plugin_value(&self, plugin: &str, key: &str) -> Option<&PluginValue> {
        self.plugins.get(plugin).and_then(|m| m.get(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_percentages() {
        let seven = Ratio { num: 7, den: 100 };
        assert_eq!(seven.ceil_of(100), 7);
        assert_eq!(seven.floor_of(100), 7);
        let p = Ratio { num: 57, den: 100 };
        assert_eq!(p.floor_of(100), 57);
        assert_eq!(Ratio { num: 1, den: 3 }.ceil_of(10), 4);
        assert_eq!(Ratio { num: 1, den: 3 }.floor_of(10), 3);
    }

    #[test]
    fn flex_rule() {
        let mut c = ScheduleConfig::default();
        assert!(c.flex());
        c.across_nodes = vec!["n1".into()];
        assert!(!c.flex());
    }
}

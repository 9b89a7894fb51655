//! Per-node facts of an advanced plugin's inventory (SCHEDULING.md §2.3). Memory is always bytes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The string type of NodeInfo's names and tokens: stored inline up to 24 bytes, so the name,
/// states, features and partitions of a node cost no allocation of their own (an inventory
/// holds up to ~100 000 nodes of about ten such strings each).
pub type Text = compact_str::CompactString;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeInfo {
    pub name: Text,
    /// Plugin-default classification: allocatable.
    pub up: bool,
    /// Plugin-default classification: up and not allocated.
    pub available: bool,
    /// Native state tokens, base state first (`["IDLE", "DRAIN"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_free: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpus: Option<u32>,
    /// Absent: the partition filter is skipped for this node; empty: in no partition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<Vec<Text>>,
    /// Same absent/empty rule as `partitions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservations: Option<Vec<Text>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<Text>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl NodeInfo {
    /// A node that is up and available, with nothing else known.
    pub fn named(name: impl Into<Text>) -> Self {
        NodeInfo {
            name: name.into(),
            up: true,
            available: true,
            ..Default::default()
        }
    }
}

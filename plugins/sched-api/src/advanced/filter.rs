//! Node filtering (SCHEDULING.md §3.3): the seven steps in their normative order, the first
//! failing reason per filtered node, and reasons aggregated as `reason → names` in order of
//! first occurrence. The explain view (`explain.rs`) evaluates the same steps without stopping.

use super::inventory::{Inventory, NodeIds};
use super::parallel::par_chunks;
use crate::node::NodeInfo;
use crate::schedule::{NodeState, ScheduleConfig};
use crate::scheduler::{AdvancedScheduler, RawExtra};
use std::fmt;

/// The plugin hooks filtering needs: per-config classification and the custom filter.
/// `Sync`, since large inventories are filtered on several threads. Hooks must not read the
/// config's `chunking`: one invocation filters once per distinct config without it
/// ([`super::ChunkCache::filtered`]).
pub trait NodeHooks: Sync {
    /// `(up, available)` under `cfg` (default: the NodeInfo's own classification).
    fn classify(&self, _cfg: &ScheduleConfig, node: &NodeInfo) -> (bool, bool) {
        (node.up, node.available)
    }

    /// A plugin-specific reason to filter `node`, or `None`.
    fn filter_custom(&self, _cfg: &ScheduleConfig, _node: &NodeInfo) -> Option<String> {
        None
    }

    /// The hooks under one config, prepared once per filtering pass and then asked for every
    /// node. Default: `classify` and `filter_custom` with the config, node by node.
    fn prepare<'a>(&'a self, cfg: &'a ScheduleConfig) -> Box<dyn ConfigHooks + 'a> {
        Box::new(PerNode { hooks: self, cfg })
    }
}

/// [`NodeHooks`] under one config (see [`NodeHooks::prepare`] and
/// [`AdvancedScheduler::node_filter`]).
pub trait ConfigHooks: Sync {
    /// `(up, available)` of `node`.
    fn classify(&self, node: &NodeInfo) -> (bool, bool);

    /// A plugin-specific reason to filter `node`, or `None`.
    fn filter_custom(&self, node: &NodeInfo) -> Option<String>;
}

/// Unprepared hooks: each node asks the per-node methods with the config.
struct PerNode<'a, H: ?Sized> {
    hooks: &'a H,
    cfg: &'a ScheduleConfig,
}

impl<H: NodeHooks + ?Sized> ConfigHooks for PerNode<'_, H> {
    fn classify(&self, node: &NodeInfo) -> (bool, bool) {
        self.hooks.classify(self.cfg, node)
    }

    fn filter_custom(&self, node: &NodeInfo) -> Option<String> {
        self.hooks.filter_custom(self.cfg, node)
    }
}

/// No plugin hooks: the NodeInfo's own `up`/`available`, no custom filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultHooks;

impl NodeHooks for DefaultHooks {}

/// The hooks of an advanced plugin, with the shared raw inventory data its filter may use.
pub struct PluginHooks<'a> {
    pub plugin: &'a dyn AdvancedScheduler,
    pub extra: &'a RawExtra,
}

impl NodeHooks for PluginHooks<'_> {
    fn classify(&self, cfg: &ScheduleConfig, node: &NodeInfo) -> (bool, bool) {
        self.plugin.classify(cfg, node)
    }

    fn filter_custom(&self, cfg: &ScheduleConfig, node: &NodeInfo) -> Option<String> {
        self.plugin.filter_custom(cfg, self.extra, node)
    }

    fn prepare<'a>(&'a self, cfg: &'a ScheduleConfig) -> Box<dyn ConfigHooks + 'a> {
        self.plugin.node_filter(cfg, self.extra)
    }
}

/// Why a node was filtered (one per step of §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Step 1; the state text (`IDLE+DRAIN`, `unknown`).
    NotUp(String),
    /// Step 2.
    NotAvailable(String),
    /// Step 3.
    NotInPartition(String),
    /// Step 4.
    NotInReservation(String),
    /// Step 5.
    NotAcross,
    /// Step 6.
    Excluded,
    /// Step 7: the plugin's text.
    Custom(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotUp(s) => write!(f, "not up (state {s})"),
            Reason::NotAvailable(s) => {
                write!(
                    f,
                    "not available (state {s}; schedule.node_state=available)"
                )
            }
            Reason::NotInPartition(p) => write!(f, "not in partition '{p}'"),
            Reason::NotInReservation(r) => write!(f, "not in reservation '{r}'"),
            Reason::NotAcross => f.write_str("not in schedule.across_nodes"),
            Reason::Excluded => f.write_str("excluded by schedule.exclude_nodes"),
            Reason::Custom(s) => f.write_str(s),
        }
    }
}

/// A node's state tokens joined with `+` (base first), or `unknown` without a state.
pub fn state_text(node: &NodeInfo) -> String {
    if node.states.is_empty() {
        "unknown".to_string()
    } else {
        node.states.join("+")
    }
}

/// The result of filtering an inventory under one config.
#[derive(Debug, Clone)]
pub struct Filtered {
    /// Kept nodes, natural order.
    pub kept: NodeIds,
    /// Filtered nodes with their first failing reason, natural order.
    pub removed: Vec<(u32, Reason)>,
}

/// The per-config lookups every step needs, built once per filtering pass: `across_nodes` and
/// `exclude_nodes` become per-position masks, so each node costs O(1) beyond the hooks.
pub(crate) struct Steps<'a> {
    cfg: &'a ScheduleConfig,
    hooks: Box<dyn ConfigHooks + 'a>,
    /// `None` when `across_nodes` is empty (no restriction).
    across: Option<Vec<bool>>,
    exclude: Vec<bool>,
}

impl<'a> Steps<'a> {
    pub(crate) fn new(inv: &Inventory, cfg: &'a ScheduleConfig, hooks: &'a dyn NodeHooks) -> Self {
        let mask = |names: &[String]| {
            let mut m = vec![false; inv.len()];
            for id in inv.ids_of(names) {
                m[id as usize] = true;
            }
            m
        };
        Steps {
            cfg,
            hooks: hooks.prepare(cfg),
            across: (!cfg.across_nodes.is_empty()).then(|| mask(&cfg.across_nodes)),
            exclude: mask(&cfg.exclude_nodes),
        }
    }

    /// Evaluates steps 1–7 for the node at position `id`, in order; stops at the first failure
    /// unless `all`. Returns the classification too (the explain view shows it).
    pub(crate) fn evaluate(
        &self,
        id: usize,
        node: &NodeInfo,
        all: bool,
    ) -> ((bool, bool), Vec<Reason>) {
        let cfg = self.cfg;
        let mut out = Vec::new();
        let (up, available) = self.hooks.classify(node);
        macro_rules! fail {
            ($r:expr) => {{
                out.push($r);
                if !all {
                    return ((up, available), out);
                }
            }};
        }
        if !up {
            fail!(Reason::NotUp(state_text(node)));
        }
        if cfg.node_state == NodeState::Available && !available {
            fail!(Reason::NotAvailable(state_text(node)));
        }
        if let (Some(p), Some(parts)) = (&cfg.partition, &node.partitions) {
            if !parts.iter().any(|x| x == p) {
                fail!(Reason::NotInPartition(p.clone()));
            }
        }
        if let (Some(r), Some(resvs)) = (&cfg.reservation, &node.reservations) {
            if !resvs.iter().any(|x| x == r) {
                fail!(Reason::NotInReservation(r.clone()));
            }
        }
        if self.across.as_ref().is_some_and(|m| !m[id]) {
            fail!(Reason::NotAcross);
        }
        if self.exclude[id] {
            fail!(Reason::Excluded);
        }
        if let Some(r) = self.hooks.filter_custom(node) {
            fail!(Reason::Custom(r));
        }
        ((up, available), out)
    }
}

/// Fewest nodes per thread when filtering in parallel: a plugin's hooks cost ~100 ns a node,
/// so a part this size repays starting a thread several times over.
const FILTER_MIN_PART: usize = 8_192;

/// Filters `inv` under `cfg` (§3.3). O(n) plus the hooks' cost, split over the cores for
/// large inventories (every node is judged on its own).
pub fn filter_nodes(inv: &Inventory, cfg: &ScheduleConfig, hooks: &dyn NodeHooks) -> Filtered {
    let steps = Steps::new(inv, cfg, hooks);
    let parts = par_chunks(inv.nodes(), FILTER_MIN_PART, |base, nodes| {
        let mut kept = Vec::with_capacity(nodes.len());
        let mut removed = Vec::new();
        for (i, node) in (base..).zip(nodes) {
            // Inventory positions fit in u32 (checked when it was built).
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            let (_, mut reasons) = steps.evaluate(i, node, false);
            match reasons.pop() {
                None => kept.push(id),
                Some(r) => removed.push((id, r)),
            }
        }
        (kept, removed)
    });
    let mut kept = Vec::with_capacity(inv.len());
    let mut removed = Vec::new();
    for (k, r) in parts {
        kept.extend(k);
        removed.extend(r);
    }
    Filtered {
        kept: kept.into(),
        removed,
    }
}

/// `reason → [node names]` in order of first occurrence (names in natural order).
pub fn aggregate_reasons(inv: &Inventory, removed: &[(u32, Reason)]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (id, reason) in removed {
        let text = reason.to_string();
        let slot = match index.get(&text) {
            Some(&k) => k,
            None => {
                index.insert(text.clone(), out.len());
                out.push((text, Vec::new()));
                out.len() - 1
            }
        };
        out[slot].1.push(inv.name(*id).to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classifies by the first state token; filters nodes with a `bad` feature.
    struct Hooks;

    impl NodeHooks for Hooks {
        fn classify(&self, _cfg: &ScheduleConfig, n: &NodeInfo) -> (bool, bool) {
            let all = |set: &[&str]| {
                !n.states.is_empty() && n.states.iter().all(|s| set.contains(&s.as_str()))
            };
            (all(&["IDLE", "ALLOCATED"]), all(&["IDLE"]))
        }
        fn filter_custom(&self, _cfg: &ScheduleConfig, n: &NodeInfo) -> Option<String> {
            n.features
                .iter()
                .any(|f| f == "bad")
                .then(|| "missing required feature (good)".into())
        }
    }

    fn node(name: &str, states: &[&str]) -> NodeInfo {
        NodeInfo {
            states: states.iter().map(|&s| s.into()).collect(),
            partitions: Some(vec!["batch".into()]),
            reservations: Some(vec!["r1".into()]),
            ..NodeInfo::named(name)
        }
    }

    pub(crate) fn inventory() -> Inventory {
        let mut nodes = vec![
            node("n1", &["IDLE"]),
            node("n2", &["IDLE", "DRAIN"]),
            node("n3", &["ALLOCATED"]),
            node("n4", &["IDLE"]),
            node("n5", &["IDLE"]),
            node("n6", &["IDLE"]),
            node("n7", &["IDLE"]),
            node("n8", &[]),
            NodeInfo {
                partitions: None,
                reservations: None,
                ..node("n9", &["IDLE"])
            },
        ];
        nodes[3].partitions = Some(vec!["debug".into()]);
        nodes[4].reservations = Some(vec![]);
        nodes[6].features = vec!["bad".into()];
        Inventory::new(nodes).unwrap()
    }

    fn reasons(f: &Filtered, inv: &Inventory) -> Vec<(String, String)> {
        f.removed
            .iter()
            .map(|(i, r)| (inv.name(*i).to_string(), r.to_string()))
            .collect()
    }

    #[test]
    fn large_inventories_filter_like_one_node_at_a_time() {
        // Enough nodes for several parallel parts, with removals spread across all of them.
        let nodes: Vec<NodeInfo> = (0..3 * FILTER_MIN_PART + 17)
            .map(|i| {
                let states: &[&str] = match i % 7 {
                    0 => &["IDLE", "DRAIN"],
                    3 => &["ALLOCATED"],
                    _ => &["IDLE"],
                };
                let mut n = node(&format!("cn{i}"), states);
                if i % 11 == 0 {
                    n.features = vec!["bad".into()];
                }
                n
            })
            .collect();
        let inv = Inventory::new(nodes).unwrap();
        let cfg = ScheduleConfig {
            node_state: NodeState::Available,
            ..ScheduleConfig::default()
        };
        let f = filter_nodes(&inv, &cfg, &Hooks);
        let steps = Steps::new(&inv, &cfg, &Hooks);
        let mut kept = Vec::new();
        let mut removed = Vec::new();
        for (i, n) in inv.nodes().iter().enumerate() {
            match steps.evaluate(i, n, false).1.pop() {
                None => kept.push(i as u32),
                Some(r) => removed.push((i as u32, r)),
            }
        }
        assert_eq!(&f.kept[..], &kept[..]);
        assert_eq!(f.removed, removed);
        assert_eq!(f.kept.len() + f.removed.len(), inv.len());
        assert!(f.kept.len() > 5_000 && f.removed.len() > 5_000);
    }

    #[test]
    fn default_config_keeps_up_nodes() {
        let inv = inventory();
        let f = filter_nodes(&inv, &ScheduleConfig::default(), &Hooks);
        assert_eq!(inv.names(&f.kept), vec!["n1", "n3", "n4", "n5", "n6", "n9"]);
        let expect = [
            ("n2", "not up (state IDLE+DRAIN)"),
            ("n7", "missing required feature (good)"),
            ("n8", "not up (state unknown)"),
        ];
        let expect: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(reasons(&f, &inv), expect);
    }

    #[test]
    fn every_step_and_first_reason_only() {
        let inv = inventory();
        let cfg = ScheduleConfig {
            node_state: NodeState::Available,
            partition: Some("batch".into()),
            reservation: Some("r1".into()),
            across_nodes: vec![
                "n1".into(),
                "n2".into(),
                "n3".into(),
                "n4".into(),
                "n5".into(),
            ],
            exclude_nodes: vec!["n1".into(), "n9".into()],
            ..ScheduleConfig::default()
        };
        let f = filter_nodes(&inv, &cfg, &Hooks);
        assert!(f.kept.is_empty());
        let got = reasons(&f, &inv);
        let expect = [
            ("n1", "excluded by schedule.exclude_nodes"),
            ("n2", "not up (state IDLE+DRAIN)"),
            (
                "n3",
                "not available (state ALLOCATED; schedule.node_state=available)",
            ),
            ("n4", "not in partition 'batch'"),
            ("n5", "not in reservation 'r1'"),
            ("n6", "not in schedule.across_nodes"),
            ("n7", "not in schedule.across_nodes"),
            ("n8", "not up (state unknown)"),
            ("n9", "not in schedule.across_nodes"),
        ];
        let expect: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn absent_partitions_skip_the_partition_step() {
        let inv = inventory();
        let cfg = ScheduleConfig {
            partition: Some("other".into()),
            reservation: Some("other".into()),
            ..ScheduleConfig::default()
        };
        let f = filter_nodes(&inv, &cfg, &Hooks);
        assert_eq!(inv.names(&f.kept), vec!["n9"]);
        // n9 has neither partitions nor reservations, so both steps are skipped for it.
        assert_eq!(f.removed[4].1, Reason::NotInPartition("other".into()));
    }

    #[test]
    fn aggregation_keeps_first_occurrence_order() {
        let inv = inventory();
        let cfg = ScheduleConfig {
            across_nodes: vec!["n2".into()],
            ..Default::default()
        };
        let f = filter_nodes(&inv, &cfg, &Hooks);
        let agg = aggregate_reasons(&inv, &f.removed);
        let keys: Vec<&str> = agg.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "not in schedule.across_nodes",
                "not up (state IDLE+DRAIN)",
                "not up (state unknown)"
            ]
        );
        assert_eq!(agg[0].1, vec!["n1", "n3", "n4", "n5", "n6", "n7", "n9"]);
        assert_eq!(agg[1].1, vec!["n2"]);
    }

    #[test]
    fn default_hooks_use_node_flags() {
        let mut nodes = vec![NodeInfo::named("a"), NodeInfo::named("b")];
        nodes[1].up = false;
        let inv = Inventory::new(nodes).unwrap();
        let f = filter_nodes(&inv, &ScheduleConfig::default(), &DefaultHooks);
        assert_eq!(inv.names(&f.kept), vec!["a"]);
        assert_eq!(f.removed[0].1.to_string(), "not up (state unknown)");
    }
}

//! The explain view's data (SCHEDULING.md §3.3): **all seven** filter steps evaluated for every
//! inventory node, not only the first failure. Rendering (table or JSON) is the CLI's job.

use super::filter::{state_text, NodeHooks, Steps};
use super::inventory::Inventory;
use crate::schedule::ScheduleConfig;
use serde::Serialize;

/// One node of the explain view: `NODE STATE UP AVAIL PARTITIONS VERDICT REASONS`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainRow {
    pub name: String,
    /// State tokens joined with `+`, or `unknown`.
    pub state: String,
    pub up: bool,
    pub available: bool,
    /// `None` when the node does not report partitions.
    pub partitions: Option<Vec<String>>,
    /// The verdict: kept (`true`) or filtered.
    pub kept: bool,
    /// Every failing step's text, first failure first.
    pub reasons: Vec<String>,
}

/// Evaluates every step for every node, natural order.
pub fn explain(inv: &Inventory, cfg: &ScheduleConfig, hooks: &dyn NodeHooks) -> Vec<ExplainRow> {
    let steps = Steps::new(inv, cfg, hooks);
    inv.nodes()
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let ((up, available), reasons) = steps.evaluate(i, node, true);
            ExplainRow {
                name: node.name.to_string(),
                state: state_text(node),
                up,
                available,
                partitions: node
                    .partitions
                    .as_ref()
                    .map(|ps| ps.iter().map(ToString::to_string).collect()),
                kept: reasons.is_empty(),
                reasons: reasons.iter().map(ToString::to_string).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::NodeInfo;

    struct Hooks;

    impl NodeHooks for Hooks {
        fn classify(&self, _cfg: &ScheduleConfig, n: &NodeInfo) -> (bool, bool) {
            let idle = n.states.first().is_some_and(|s| s == "IDLE");
            (idle, idle)
        }
        fn filter_custom(&self, _cfg: &ScheduleConfig, n: &NodeInfo) -> Option<String> {
            (n.features.is_empty()).then(|| "missing required feature (ib)".to_string())
        }
    }

    #[test]
    fn all_failing_steps_are_listed_in_order() {
        let nodes = vec![
            NodeInfo {
                states: vec!["DOWN".into()],
                partitions: Some(vec!["debug".into()]),
                reservations: Some(vec![]),
                ..NodeInfo::named("cn1")
            },
            NodeInfo {
                states: vec!["IDLE".into()],
                features: vec!["ib".into()],
                ..NodeInfo::named("cn2")
            },
        ];
        let inv = Inventory::new(nodes).unwrap();
        let cfg = ScheduleConfig {
            node_state: crate::schedule::NodeState::Available,
            partition: Some("batch".into()),
            reservation: Some("r".into()),
            across_nodes: vec!["cn2".into()],
            exclude_nodes: vec!["cn1".into()],
            ..ScheduleConfig::default()
        };
        let rows = explain(&inv, &cfg, &Hooks);
        assert_eq!(
            rows[0],
            ExplainRow {
                name: "cn1".into(),
                state: "DOWN".into(),
                up: false,
                available: false,
                partitions: Some(vec!["debug".into()]),
                kept: false,
                reasons: vec![
                    "not up (state DOWN)".into(),
                    "not available (state DOWN; schedule.node_state=available)".into(),
                    "not in partition 'batch'".into(),
                    "not in reservation 'r'".into(),
                    "not in schedule.across_nodes".into(),
                    "excluded by schedule.exclude_nodes".into(),
                    "missing required feature (ib)".into(),
                ],
            }
        );
        assert!(rows[1].kept);
        assert!(rows[1].reasons.is_empty());
        assert_eq!(rows[1].partitions, None);
        let json = serde_json::to_value(&rows[1]).unwrap();
        assert_eq!(json["kept"], true);
        assert_eq!(json["state"], "IDLE");
    }
}

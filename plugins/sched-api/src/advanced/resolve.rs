//! The whole config-time path of one test on the advanced tier (SCHEDULING.md §2.5): filter
//! (§3.3) → chunk (§3.6) → checks (§3.5) → initial `sched.*` variables (§4.2), sharing the
//! invocation's [`ChunkCache`].

use super::checks::{config_checks, CheckInput, CheckOutcome};
use super::chunk::{ChunkCache, ChunkSet};
use super::filter::{filter_nodes, Filtered, NodeHooks};
use super::inventory::Inventory;
use super::vars::{initial_advanced, PluginFacts, SchedVars};
use crate::schedule::ScheduleConfig;
use std::sync::Arc;

/// One test's inputs.
#[derive(Clone, Copy)]
pub struct AdvancedInput<'a> {
    pub plugin: &'a str,
    pub facts: PluginFacts,
    pub inv: &'a Inventory,
    pub cfg: &'a ScheduleConfig,
    pub hooks: &'a dyn NodeHooks,
    /// The raw top-level `chunk:` value.
    pub chunk: Option<&'a str>,
    /// Partitions the scheduler knows (check 10), when the plugin can tell.
    pub known_partitions: Option<&'a [String]>,
    /// Plugin errors (check 11).
    pub plugin_errors: &'a [String],
}

/// Everything resolution produces for one test; keep `chunks` and `checks.chunk` for kickoff.
#[derive(Debug, Clone)]
pub struct AdvancedResolution {
    /// Shared by every test of the invocation with the same plugin and config up to `chunking`.
    pub filtered: Arc<Filtered>,
    /// `sched.node_list_id`.
    pub list_id: usize,
    pub chunks: Arc<ChunkSet>,
    pub checks: CheckOutcome,
    /// Initial values; `errors` holds `checks.errors`.
    pub vars: SchedVars,
}

/// Filter, chunk, check and compute the initial variables of one test.
pub fn resolve_advanced(input: &AdvancedInput<'_>, cache: &mut ChunkCache) -> AdvancedResolution {
    let (filtered, list_id) = cache.filtered(input.plugin, input.cfg, || {
        filter_nodes(input.inv, input.cfg, input.hooks)
    });
    let chunks = cache.chunks_of_list(input.inv, &filtered.kept, list_id, input.cfg);
    let checks = config_checks(&CheckInput {
        plugin: input.plugin,
        inv: input.inv,
        cfg: input.cfg,
        filtered: &filtered,
        chunks: &chunks,
        chunk: input.chunk,
        known_partitions: input.known_partitions,
        plugin_errors: input.plugin_errors,
    });
    let vars = initial_advanced(
        input.cfg,
        input.facts,
        input.inv,
        &filtered.kept,
        list_id,
        &chunks,
        checks.errors.clone(),
    );
    AdvancedResolution {
        filtered,
        list_id,
        chunks,
        checks,
        vars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advanced::filter::DefaultHooks;
    use crate::advanced::vars::SchedVar;
    use crate::node::NodeInfo;
    use crate::schedule::NodeCount;

    #[test]
    fn end_to_end_for_one_test() {
        let mut nodes: Vec<NodeInfo> = (1..=6).map(|i| NodeInfo::named(format!("n{i}"))).collect();
        nodes[5].up = false;
        let inv = Inventory::new(nodes).unwrap();
        let mut cfg = ScheduleConfig {
            nodes: Some(NodeCount::Count(2)),
            ..Default::default()
        };
        cfg.chunking.size = Some(NodeCount::Count(2));
        let input = AdvancedInput {
            plugin: "slurm",
            facts: PluginFacts {
                concurrent_default: 1,
                test_cmd_deferred: true,
            },
            inv: &inv,
            cfg: &cfg,
            hooks: &DefaultHooks,
            chunk: Some("7"),
            known_partitions: None,
            plugin_errors: &[],
        };
        let mut cache = ChunkCache::new(5);
        let r = resolve_advanced(&input, &mut cache);
        assert_eq!(r.filtered.kept.len(), 5);
        assert_eq!(r.chunks.chunks.len(), 3);
        let err = "chunk 7 requested but only 3 chunks exist (0-2)".to_string();
        assert_eq!(r.checks.errors, vec![err.clone()]);
        assert_eq!(r.vars.get("errors"), Some(&SchedVar::List(vec![err])));
        assert_eq!(r.vars.get("nodes"), Some(&SchedVar::Str("5".into())));
        // A second test with the same key gets the very same chunks.
        let again = resolve_advanced(&input, &mut cache);
        assert!(Arc::ptr_eq(&r.chunks, &again.chunks));
    }
}

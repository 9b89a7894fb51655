//! Kickoff planning on the advanced tier (SCHEDULING.md §3.7, §3.8): the tests of one plugin,
//! with the chunk sets their resolution produced, become launch units with explicit node lists
//! or ranges; explicit units carry the inventory facts of their nodes (the job's
//! `node_info.json`, read inside the allocation).

use super::select_env::DiskEnv;
use super::state::{AdvancedTest, SchedState};
use loggia_sched::advanced::{schedule_tests, GroupInput, Plan, PluginSelect};
use loggia_sched::schedule::validate::allocation_keys;
use loggia_sched::{NodeInfo, NodeSpec, ScheduleConfig, SchedulerRegistration};
use std::collections::BTreeMap;

/// One test to plan: its id, validated config and resolution data.
pub struct PlanTest<'a> {
    pub id: u64,
    pub cfg: &'a ScheduleConfig,
    pub advanced: &'a AdvancedTest,
}

/// Plans the launch units of `tests` (all of plugin `reg`). `Err` when the inventory is gone
/// (it was gathered at resolution, so this means resolution failed for every test).
pub fn plan(
    state: &SchedState,
    reg: &'static SchedulerRegistration,
    tests: &[PlanTest<'_>],
) -> Result<Plan, String> {
    let pinv = state
        .inventory(reg)
        .ok_or_else(|| format!("scheduler '{}' has no node inventory", reg.name))??;
    let schema = (reg.config_schema)();
    let inputs: Vec<GroupInput> = tests
        .iter()
        .map(|t| GroupInput {
            id: t.id,
            cfg: t.cfg,
            alloc_keys: allocation_keys(t.cfg, reg.name, &schema),
            chunks: t.advanced.chunks.clone(),
            choice: t.advanced.choice,
        })
        .collect();
    let window = loggia_sched::schedule::grammar::parse_duration(&state.settings().live_job_window)
        .unwrap_or(7 * 24 * 3600);
    let mut env = DiskEnv::new(state.working_dir(), reg.name, window);
    let cx = state.cx();
    let mut select = reg
        .plugin
        .advanced()
        .map(|plugin| PluginSelect { plugin, cx: &cx });
    Ok(schedule_tests(
        reg.name,
        &pinv.inv,
        &inputs,
        &mut env,
        select
            .as_mut()
            .map(|s| s as &mut dyn loggia_sched::advanced::NodeSelect),
    ))
}

/// The inventory facts of an explicit unit's nodes (empty for ranges: the scheduler picks).
pub fn node_facts(
    state: &SchedState,
    reg: &'static SchedulerRegistration,
    spec: &NodeSpec,
) -> BTreeMap<String, NodeInfo> {
    let NodeSpec::Explicit { nodes } = spec else {
        return BTreeMap::new();
    };
    let Some(Ok(pinv)) = state.inventory(reg) else {
        return BTreeMap::new();
    };
    nodes
        .iter()
        .filter_map(|n| pinv.inv.get(n).map(|i| (n.clone(), i.clone())))
        .collect()
}

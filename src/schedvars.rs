//! The harness side of scheduling: validating `schedule:` against the registered plugins'
//! schemas, the `sched.*` variables of the basic tier at config time and inside the allocation
//! (SCHEDULING.md §4.2, §4.3), and grouping created tests into jobs (§3.8–§3.9).

use crate::advanced::kickoff::PlanTest;
use crate::advanced::select_env::ChunkNote;
use crate::advanced::SchedState;
use crate::config::site::Site;
use crate::resolve::proto::ProtoTest;
use crate::resolve::vars::Item;
use crate::run::job::{self, Unit};
use crate::run::testrun::TestRun;
use loggia_sched::advanced::{
    initial_basic, schedule_tests_basic, BasicGroupInput, LaunchUnit, Plan, PluginFacts, SchedVar,
    SchedVars,
};
use loggia_sched::schedule::validate::{allocation_keys, validate_for, KeyError};
use loggia_sched::schedule::{NodeCount, RawValue};
use loggia_sched::{Context, ScheduleConfig, SchedulerRegistration};
use std::collections::BTreeMap;

/// A validated `schedule:` section and the warnings about it (each `path: message`).
pub type Validated = (ScheduleConfig, Vec<String>);

/// Validates a resolved `schedule:` section for `scheduler`.
pub fn validate(raw: &[(String, RawValue)], scheduler: &str) -> Result<Validated, Vec<KeyError>> {
    let schemas = |name: &str| {
        loggia_sched::registry()
            .get(name)
            .ok()
            .map(|r| (r.config_schema)())
    };
    let v = validate_for(raw, &schemas, Some(scheduler));
    let warnings = v.warnings.iter().map(ToString::to_string).collect();
    v.config.map(|c| (c, warnings))
}

/// SCHEDULING §1.3: keys a basic-tier plugin cannot honour are ignored with a warning.
pub fn basic_tier_warnings(cfg: &ScheduleConfig, chunk: Option<&str>) -> Vec<String> {
    let mut w = Vec::new();
    let mut ignored = |key: &str| w.push(format!("{key}: ignored by a basic-tier scheduler"));
    if !cfg.across_nodes.is_empty() {
        ignored("schedule.across_nodes");
    }
    if cfg.chunking.size.is_some() {
        ignored("schedule.chunking");
    }
    if cfg.node_state != loggia_sched::schedule::NodeState::Up {
        ignored("schedule.node_state");
    }
    if chunk.is_some_and(|c| !c.trim().is_empty()) {
        ignored("chunk");
    }
    w
}

/// Config-time `sched.*` values and which of them are deferred.
pub struct Initial {
    pub values: BTreeMap<String, Vec<Item>>,
    pub deferred: Vec<String>,
}

fn items(v: SchedVars) -> BTreeMap<String, Vec<Item>> {
    v.values
        .into_iter()
        .map(|(k, v)| {
            let items = match v {
                SchedVar::Str(s) => vec![Item::Str(s)],
                SchedVar::List(l) => l.into_iter().map(Item::Str).collect(),
            };
            (k, items)
        })
        .collect()
}

/// Basic-tier initial values (§4.2 "Basic" column); deferred ones hold placeholders.
pub fn initial(reg: &SchedulerRegistration, cfg: &ScheduleConfig) -> Initial {
    let facts = PluginFacts {
        concurrent_default: reg.plugin.concurrent_default(),
        test_cmd_deferred: reg.plugin.test_cmd_deferred(),
    };
    from_sched_vars(initial_basic(cfg, facts, Vec::new()))
}

/// Config-time values as variable items (either tier).
pub fn from_sched_vars(v: SchedVars) -> Initial {
    let deferred = v.deferred.iter().cloned().collect();
    Initial {
        values: items(v),
        deferred,
    }
}

/// Facts about the allocation, the same for every test of a job: gathered once per runner.
pub struct AllocFacts {
    pub nodes: Vec<String>,
    pub node_info: BTreeMap<String, loggia_sched::NodeInfo>,
    pub job_id: String,
}

impl AllocFacts {
    /// The allocation's nodes and their facts (§6.6): an explicit job uses its own node list
    /// (the scheduler's list only differs when something is wrong, which is logged) and the
    /// inventory snapshot `node_info.json` written at kickoff; otherwise the plugin's
    /// `alloc_nodes` and `alloc_node_info`. The job id comes from the job's `info` (the kickoff
    /// script exports `LOGGIA_JOB_DIR`).
    pub fn gather(reg: &SchedulerRegistration, cx: &Context) -> Result<AllocFacts, String> {
        let alloc = reg.plugin.alloc_nodes(cx).map_err(|e| e.detail())?;
        let job_dir = std::env::var_os("LOGGIA_JOB_DIR").map(std::path::PathBuf::from);
        let record = job_dir.as_deref().and_then(job::read_record);
        let nodes = match record.as_ref().map(|r| &r.node_spec) {
            Some(loggia_sched::NodeSpec::Explicit { nodes }) => {
                if *nodes != alloc {
                    tracing::warn!(
                        "the allocation's nodes ({}) differ from the job's ({})",
                        alloc.join(","),
                        nodes.join(",")
                    );
                }
                nodes.clone()
            }
            _ => alloc,
        };
        let snapshot: Option<BTreeMap<String, loggia_sched::NodeInfo>> = job_dir
            .as_deref()
            .and_then(|d| crate::fsutil::read_json(&d.join("node_info.json")).ok());
        let node_info = match snapshot {
            Some(s) => s,
            None => nodes
                .iter()
                .filter_map(|n| reg.plugin.alloc_node_info(cx, n).map(|i| (n.clone(), i)))
                .collect(),
        };
        let job_id = record.map(|r| r.info.id).unwrap_or_default();
        Ok(AllocFacts {
            nodes,
            node_info,
            job_id,
        })
    }
}

/// Final (allocation-time) values of the deferred variables of one basic-tier test: a
/// fractional `nodes` takes its rounded-up share of the allocation (§6.6).
pub fn final_vars(
    reg: &SchedulerRegistration,
    cfg: &ScheduleConfig,
    alloc: &AllocFacts,
) -> BTreeMap<String, Vec<Item>> {
    let mut h: &[String] = &alloc.nodes;
    // Advanced plugins resolved fractions against the chunk at kickoff already.
    let basic = reg.plugin.advanced().is_none();
    if let (true, Some(NodeCount::Fraction(r))) = (basic, cfg.nodes) {
        let n = r.ceil_of(h.len() as u64).max(1) as usize;
        h = &h[..n.min(h.len())];
    }
    let parts = |input: &loggia_sched::LaunchInput| reg.plugin.test_cmd(input);
    items(loggia_sched::advanced::final_vars(
        cfg,
        h,
        &alloc.node_info,
        &alloc.job_id,
        &parts,
    ))
}

/// The basic-tier plan (§3.9): a plugin that ignores node counts sees every test on one
/// one-node pseudo-chunk, so only the share key groups them.
fn plan_basic(reg: &SchedulerRegistration, tests: &[(u64, &ProtoTest)]) -> Vec<LaunchUnit> {
    let schema = (reg.config_schema)();
    let cfgs: Vec<ScheduleConfig> = tests
        .iter()
        .map(|(_, p)| {
            let mut c = p.schedule.clone();
            if !reg.plugin.uses_node_counts() {
                c.cluster_info.node_count = 1;
            }
            c
        })
        .collect();
    let inputs: Vec<BasicGroupInput> = tests
        .iter()
        .zip(&cfgs)
        .map(|((id, _), cfg)| BasicGroupInput {
            id: *id,
            cfg,
            alloc_keys: allocation_keys(cfg, reg.name, &schema),
        })
        .collect();
    schedule_tests_basic(reg.name, &inputs)
}

/// The advanced-tier plan (§3.7–§3.8); tests without chunk data fail alone.
fn plan_advanced(
    state: &SchedState,
    reg: &'static SchedulerRegistration,
    tests: &[(u64, &ProtoTest)],
) -> Result<Plan, String> {
    let mut missing = Vec::new();
    let mut input = Vec::new();
    for (id, p) in tests {
        match &p.advanced {
            Some(a) => input.push(PlanTest {
                id: *id,
                cfg: &p.schedule,
                advanced: a,
            }),
            None => missing.push((
                *id,
                "chunk data for this test is not available in this process; re-create the test"
                    .to_string(),
            )),
        }
    }
    let mut plan = crate::advanced::kickoff::plan(state, reg, &input)?;
    plan.errors.extend(missing);
    Ok(plan)
}

/// Groups tests into jobs (§3.8–§3.9, per scheduler, in test-id order) and launches them;
/// returns the failures, already recorded on their tests.
pub fn kickoff(site: &Site, state: &SchedState, ready: &[(TestRun, &ProtoTest)]) -> Vec<String> {
    let mut failures = Vec::new();
    let cx = state.cx();
    let mut by_scheduler: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    for (i, (_, p)) in ready.iter().enumerate() {
        by_scheduler.entry(p.scheduler.name).or_default().push(i);
    }
    for idxs in by_scheduler.values() {
        let reg = ready[idxs[0]].1.scheduler;
        let by_id: BTreeMap<u64, usize> = idxs.iter().map(|&i| (ready[i].0.id, i)).collect();
        let tests: Vec<(u64, &ProtoTest)> =
            idxs.iter().map(|&i| (ready[i].0.id, ready[i].1)).collect();
        let named = |ids: &[u64]| -> Vec<(&TestRun, String)> {
            ids.iter()
                .filter_map(|id| by_id.get(id))
                .map(|&i| (&ready[i].0, ready[i].1.full_name()))
                .collect()
        };
        let units = if state.is_advanced(reg) {
            match plan_advanced(state, reg, &tests) {
                Ok(plan) => {
                    for (id, msg) in &plan.errors {
                        job::fail_unit(site, &named(&[*id]), msg);
                        failures.push(msg.clone());
                    }
                    plan.units
                }
                Err(msg) => {
                    let all: Vec<u64> = tests.iter().map(|(id, _)| *id).collect();
                    job::fail_unit(site, &named(&all), &msg);
                    failures.push(msg);
                    continue;
                }
            }
        } else {
            plan_basic(reg, &tests)
        };
        for unit in units {
            let members = named(&unit.tests);
            let Some(lead) = unit.tests.first().and_then(|id| by_id.get(id)) else {
                continue;
            };
            let node_spec = match unit.node_spec {
                Ok(n) => n,
                Err(msg) => {
                    job::fail_unit(site, &members, &msg);
                    failures.push(msg);
                    continue;
                }
            };
            let first = ready[*lead].1;
            let mut schedule = first.schedule.clone();
            schedule.time_limit_s = unit.time_limit_s;
            let node_info = crate::advanced::kickoff::node_facts(state, reg, &node_spec);
            let unit = Unit {
                tests: members,
                node_spec,
                schedule,
                time_limit_s: unit.time_limit_s,
                shebang: first
                    .cfg
                    .shebang
                    .clone()
                    .unwrap_or_else(|| "#!/usr/bin/bash".to_string()),
                kind: unit.kind,
                chunk: unit.chunk.map(ChunkNote::new),
                chunk_seed: unit.chunk.map(|_| state.chunk_seed()),
                node_info,
            };
            if let Err(e) = job::launch(site, reg, &cx, &unit) {
                failures.push(e);
            }
        }
    }
    failures
}

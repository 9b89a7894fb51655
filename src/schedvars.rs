//! The harness side of scheduling: validating `schedule:` against the registered plugins'
//! schemas, the `sched.*` variables of the basic tier at config time and inside the allocation
//! (SCHEDULING.md §4.2, §4.3), and grouping created tests into jobs (§3.8–§3.9).

use crate::config::site::Site;
use crate::resolve::proto::ProtoTest;
use crate::resolve::vars::Item;
use crate::run::job::{self, Unit};
use crate::run::testrun::TestRun;
use loggia_sched::advanced::{
    initial_basic, schedule_tests_basic, BasicGroupInput, PluginFacts, SchedVar, SchedVars,
};
use loggia_sched::schedule::validate::{allocation_keys, validate_for, KeyError};
use loggia_sched::schedule::{NodeCount, RawValue};
use loggia_sched::{Context, ScheduleConfig, SchedulerRegistration};
use std::collections::BTreeMap;

/// Validates a resolved `schedule:` section for `scheduler`.
pub fn validate(
    raw: &[(String, RawValue)],
    scheduler: &str,
) -> Result<ScheduleConfig, Vec<KeyError>> {
    let schemas = |name: &str| {
        loggia_sched::registry()
            .get(name)
            .ok()
            .map(|r| (r.config_schema)())
    };
    validate_for(raw, &schemas, Some(scheduler)).config
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
    let v = initial_basic(cfg, facts, Vec::new());
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
    /// Asks the plugin for the allocation's nodes and their facts; the job id comes from the
    /// job's `info` (the kickoff script exports `LOGGIA_JOB_DIR`).
    pub fn gather(reg: &SchedulerRegistration, cx: &Context) -> Result<AllocFacts, String> {
        let nodes = reg.plugin.alloc_nodes(cx).map_err(|e| e.detail())?;
        let node_info = nodes
            .iter()
            .filter_map(|n| reg.plugin.alloc_node_info(cx, n).map(|i| (n.clone(), i)))
            .collect();
        let job_id = std::env::var_os("LOGGIA_JOB_DIR")
            .and_then(|d| job::read_record(std::path::Path::new(&d)))
            .map(|r| r.info.id)
            .unwrap_or_default();
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
    if let Some(NodeCount::Fraction(r)) = cfg.nodes {
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

/// Groups tests into jobs (§3.8–§3.9, per scheduler, in test-id order) and launches them;
/// returns the failures, already recorded on their tests.
pub fn kickoff(site: &Site, ready: &[(TestRun, &ProtoTest)]) -> Vec<String> {
    let mut failures = Vec::new();
    let local = crate::run::local::Local::new();
    let cx = local.cx(site);
    let mut by_scheduler: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    for (i, (_, p)) in ready.iter().enumerate() {
        by_scheduler.entry(p.scheduler.name).or_default().push(i);
    }
    for idxs in by_scheduler.values() {
        let reg = ready[idxs[0]].1.scheduler;
        let schema = (reg.config_schema)();
        // A plugin that ignores node counts sees every test on one one-node pseudo-chunk, so
        // only the share key groups them.
        let cfgs: Vec<ScheduleConfig> = idxs
            .iter()
            .map(|&i| {
                let mut c = ready[i].1.schedule.clone();
                if !reg.plugin.uses_node_counts() {
                    c.cluster_info.node_count = 1;
                }
                c
            })
            .collect();
        let inputs: Vec<BasicGroupInput> = idxs
            .iter()
            .zip(&cfgs)
            .map(|(&i, cfg)| BasicGroupInput {
                id: ready[i].0.id,
                cfg,
                alloc_keys: allocation_keys(cfg, reg.name, &schema),
            })
            .collect();
        let by_id: BTreeMap<u64, usize> = idxs.iter().map(|&i| (ready[i].0.id, i)).collect();
        for unit in schedule_tests_basic(reg.name, &inputs) {
            let members: Vec<usize> = unit
                .tests
                .iter()
                .filter_map(|id| by_id.get(id).copied())
                .collect();
            let Some(&lead) = members.first() else {
                continue;
            };
            let tests: Vec<(&TestRun, String)> = members
                .iter()
                .map(|&i| (&ready[i].0, ready[i].1.full_name()))
                .collect();
            let node_spec = match unit.node_spec {
                Ok(n) => n,
                Err(msg) => {
                    job::fail_unit(site, &tests, &msg);
                    failures.push(msg);
                    continue;
                }
            };
            let first = ready[lead].1;
            let mut schedule = first.schedule.clone();
            schedule.time_limit_s = unit.time_limit_s;
            let unit = Unit {
                tests,
                node_spec,
                schedule,
                time_limit_s: unit.time_limit_s,
                shebang: first
                    .cfg
                    .shebang
                    .clone()
                    .unwrap_or_else(|| "#!/usr/bin/bash".to_string()),
                kind: unit.kind,
            };
            if let Err(e) = job::launch(site, reg, &cx, &unit) {
                failures.push(e);
            }
        }
    }
    failures
}

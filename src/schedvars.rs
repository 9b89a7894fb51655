//! The harness side of scheduling: validating `schedule:` against the registered plugins'
//! schemas, the `sched.*` variables of the basic tier at config time and inside the allocation
//! (SCHEDULING.md §4.2, §4.3), and grouping created tests into jobs (§3.8–§3.9).

use crate::config::site::Site;
use crate::resolve::proto::ProtoTest;
use crate::resolve::vars::Item;
use crate::run::job::{self, Unit};
use crate::run::testrun::TestRun;
use loggia_sched::advanced::{initial_basic, PluginFacts, SchedVar, SchedVars};
use loggia_sched::schedule::validate::{allocation_keys, validate_for, KeyError};
use loggia_sched::schedule::{NodeCount, RawValue, ShareMode};
use loggia_sched::{Context, NodeSpec, ScheduleConfig, SchedulerRegistration};
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

/// Final (allocation-time) values of the deferred variables for a basic-tier test: the
/// allocation's nodes (a fractional `nodes` takes its rounded-up share, §6.6) and their facts.
pub fn final_vars(
    reg: &SchedulerRegistration,
    cx: &Context,
    cfg: &ScheduleConfig,
    alloc: &[String],
) -> Result<BTreeMap<String, Vec<Item>>, String> {
    let mut h: Vec<String> = alloc.to_vec();
    if let Some(NodeCount::Fraction(r)) = cfg.nodes {
        let n = r.ceil_of(h.len() as u64).max(1) as usize;
        h.truncate(n.min(h.len()));
    }
    let facts: BTreeMap<String, loggia_sched::NodeInfo> = h
        .iter()
        .filter_map(|n| reg.plugin.alloc_node_info(cx, n).map(|i| (n.clone(), i)))
        .collect();
    let job_id = std::env::var_os("LOGGIA_JOB_DIR")
        .and_then(|d| job::read_record(std::path::Path::new(&d)))
        .map(|r| r.info.id)
        .unwrap_or_default();
    let parts = |input: &loggia_sched::LaunchInput| reg.plugin.test_cmd(input);
    Ok(items(loggia_sched::advanced::final_vars(
        cfg, &h, &facts, &job_id, &parts,
    )))
}

/// The share key of a basic-tier test (§3.8; the chunk is the one pseudo-chunk).
fn share_key(reg: &SchedulerRegistration, cfg: &ScheduleConfig) -> String {
    let schema = (reg.config_schema)();
    let key = (
        reg.name,
        cfg.share_allocation == ShareMode::Max,
        (cfg.nodes, cfg.min_nodes, cfg.tasks),
        (
            &cfg.partition,
            &cfg.reservation,
            &cfg.account,
            &cfg.qos,
            cfg.core_spec,
        ),
        (&cfg.include_nodes, &cfg.exclude_nodes, cfg.node_state),
        allocation_keys(cfg, reg.name, &schema),
    );
    serde_json::to_string(&key).unwrap_or_default()
}

fn range_of(cfg: &ScheduleConfig) -> NodeSpec {
    let n = cfg.cluster_info.node_count;
    let max = match cfg.nodes {
        None if cfg.tasks.is_some() => None,
        None => Some(1),
        Some(NodeCount::Count(c)) => Some(c),
        Some(NodeCount::Fraction(r)) => Some(r.ceil_of(n).max(1)),
    };
    let min = match cfg.min_nodes {
        None => max.unwrap_or(1),
        Some(NodeCount::Count(c)) => c,
        Some(NodeCount::Fraction(r)) => r.ceil_of(n).max(1),
    };
    NodeSpec::Range {
        min,
        max,
        include: cfg.include_nodes.clone(),
        exclude: cfg.exclude_nodes.clone(),
    }
}

/// Groups tests into jobs by scheduler and share key and launches them; returns failures.
pub fn kickoff(site: &Site, ready: &[(TestRun, &ProtoTest)]) -> Vec<String> {
    let mut failures = Vec::new();
    let host = crate::resolve::facts::short_hostname();
    let sys_name = crate::resolve::facts::sys_name_of(&host);
    let runner = loggia_sched::SystemRunner;
    let cx = Context {
        runner: &runner,
        working_dir: &site.working_dir,
        sys_name: &sys_name,
        host: &host,
        settings: &site.scheduling,
    };
    // Units in the order of their first test; shared groups keyed by share key.
    let mut units: Vec<(Vec<usize>, bool)> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (_, p)) in ready.iter().enumerate() {
        if p.schedule.share_allocation == ShareMode::No {
            units.push((vec![i], false));
            continue;
        }
        let k = share_key(p.scheduler, &p.schedule);
        match by_key.get(&k) {
            Some(&u) => units[u].0.push(i),
            None => {
                by_key.insert(k, units.len());
                units.push((vec![i], true));
            }
        }
    }
    for (members, _) in units {
        let (_, first) = &ready[members[0]];
        let reg = first.scheduler;
        let time_limit_s = members
            .iter()
            .map(|&i| ready[i].1.schedule.time_limit_s)
            .max()
            .unwrap_or(3600);
        let mut schedule = first.schedule.clone();
        schedule.time_limit_s = time_limit_s;
        let unit = Unit {
            tests: members
                .iter()
                .map(|&i| (&ready[i].0, ready[i].1.full_name()))
                .collect(),
            node_spec: range_of(&schedule),
            schedule,
            time_limit_s,
            shebang: first
                .cfg
                .shebang
                .clone()
                .unwrap_or_else(|| "#!/usr/bin/bash".to_string()),
            mode: "individual, flex".to_string(),
        };
        if let Err(e) = job::launch(site, reg, &cx, &unit) {
            failures.push(e);
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_ranges() {
        let mut c = ScheduleConfig::default();
        assert_eq!(
            range_of(&c),
            NodeSpec::Range {
                min: 1,
                max: Some(1),
                include: vec![],
                exclude: vec![]
            }
        );
        c.tasks = Some(8);
        assert!(matches!(range_of(&c), NodeSpec::Range { max: None, .. }));
    }
}

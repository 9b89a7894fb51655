//! The plugin as the harness finds it: registration and the constant answers of the contract,
//! plus this host's node facts.

mod common;

use common::World;
use loggia_sched::{
    registry, Availability, LaunchInput, NodeInfo, ScheduleConfig, Scheduler, Tier,
};
use loggia_sched_raw::Raw;
use std::collections::BTreeMap;
use std::time::Duration;

#[test]
fn registered_as_raw() {
    let reg = registry().get("raw").unwrap();
    assert_eq!(reg.name, "raw");
    assert_eq!(reg.tier, Tier::Basic);
    assert_eq!(reg.description, loggia_sched_raw::DESCRIPTION);
    assert!(!reg.description.contains('\n'));
    assert_eq!(reg.plugin.name(), "raw");
    assert!((reg.config_schema)().keys.is_empty());
    assert_eq!(registry().names(), vec!["raw"]);
}

#[test]
fn contract_constants() {
    let w = World::new();
    let p: &dyn Scheduler = registry().get("raw").unwrap().plugin;
    assert_eq!(p.available(&w.cx()), Availability::Available);
    assert_eq!(p.concurrent_default(), 100);
    assert!(!p.test_cmd_deferred());
    let input = LaunchInput {
        schedule: ScheduleConfig::default(),
        nodes: vec!["testhost".into()],
        tasks_per_node: 4,
        tasks_total: 4,
        node_info: BTreeMap::new(),
    };
    assert_eq!(p.test_cmd(&input), Vec::<String>::new());
    assert_eq!(p.min_poll_interval(&w.cx()), Duration::from_millis(100));
    assert!(!p.has_accounting());
    assert!(p.advanced().is_none());
    assert!(p.header_lines(&w.job("h", "exit 0\n")).is_empty());
}

#[test]
fn alloc_nodes_is_the_short_host_name() {
    let w = World::on_host("cn07.cluster.example.org");
    assert_eq!(Raw.alloc_nodes(&w.cx()).unwrap(), vec!["cn07".to_string()]);
    let empty = World::on_host("");
    let err = Raw.alloc_nodes(&empty.cx()).unwrap_err();
    assert_eq!(err.message, "the host name of this machine is empty");
}

/// `cpuN` lines of `/proc/stat` and `MemTotal` of `/proc/meminfo`, read independently.
fn proc_facts() -> (u32, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap();
    let cpus = stat
        .lines()
        .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
        .count();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (cpus as u32, kib * 1024)
}

#[test]
fn alloc_node_info_measures_this_host() {
    let w = World::on_host("cn07.cluster.example.org");
    let info = Raw.alloc_node_info(&w.cx(), "cn07").unwrap();
    let (cpus, mem) = proc_facts();
    let expected = NodeInfo {
        cpus: Some(cpus),
        mem: Some(mem),
        ..NodeInfo::named("cn07")
    };
    assert_eq!(info, expected);
    assert_eq!(Raw.alloc_node_info(&w.cx(), "cn08"), None);
}

//! Tests of the `sched.*` variables (`vars.rs`): initial advanced, initial basic, final.

use super::*;
use crate::advanced::chunk::ChunkCache;
use crate::advanced::inventory::NodeIds;
use crate::schedule::{NodeCount, Ratio};

const GIB: u64 = 1 << 30;

fn s(v: &str) -> SchedVar {
    SchedVar::Str(v.to_string())
}

fn l(v: &[&str]) -> SchedVar {
    SchedVar::List(v.iter().map(|x| x.to_string()).collect())
}

const SLURM: PluginFacts = PluginFacts {
    concurrent_default: 1,
    test_cmd_deferred: true,
};
const RAW: PluginFacts = PluginFacts {
    concurrent_default: 100,
    test_cmd_deferred: false,
};

fn expect(pairs: &[(&str, SchedVar)]) -> BTreeMap<String, SchedVar> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn initial_advanced_values() {
    let nodes = (1..=5)
        .map(|i| NodeInfo {
            cpus: (i != 1).then_some(8 + i),
            mem: (i != 2).then_some(u64::from(i) * GIB),
            ..NodeInfo::named(format!("cn{i}"))
        })
        .collect();
    let inv = Inventory::new(nodes).unwrap();
    let mut cfg = ScheduleConfig {
        nodes: Some(NodeCount::Count(2)),
        min_nodes: Some(NodeCount::Count(1)),
        partition: Some("batch".into()),
        ..Default::default()
    };
    cfg.chunking.size = Some(NodeCount::Count(2));
    let filtered: NodeIds = vec![0u32, 1, 2, 3].into();
    let mut cache = ChunkCache::new(0);
    cache.list_id(&vec![4u32].into());
    let list_id = cache.list_id(&filtered);
    let chunks = cache.chunks(&inv, &filtered, &cfg);
    let v = initial_advanced(
        &cfg,
        SLURM,
        &inv,
        &filtered,
        list_id,
        &chunks,
        vec!["e1".into()],
    );
    assert_eq!(
        v.values,
        expect(&[
            ("chunk_ids", l(&["0", "1"])),
            ("chunk_size", s("2")),
            ("concurrent_default", s("1")),
            ("errors", l(&["e1"])),
            ("job_id", s("")),
            ("min_cpus", s("10")),
            ("min_mem", s(&GIB.to_string())),
            ("node_list", l(&["cn1", "cn2", "cn3", "cn4"])),
            ("node_list_id", s("1")),
            ("nodes", s("4")),
            ("partition", s("batch")),
            ("requested_nodes", s("1-2")),
            ("tasks_per_node", s("")),
            ("tasks_total", s("")),
            ("test_cmd", s("")),
            ("test_min_cpus", s("")),
            ("test_min_mem", s("")),
            ("test_node_list", l(&[])),
            ("test_nodes", s("")),
        ])
    );
    let deferred: Vec<&str> = v.deferred.iter().map(String::as_str).collect();
    let mut all = DEFERRED.to_vec();
    all.sort_unstable();
    assert_eq!(deferred, all);
}

#[test]
fn initial_advanced_falls_back_to_cluster_info() {
    let inv = Inventory::new(vec![NodeInfo::named("a")]).unwrap();
    let cfg = ScheduleConfig {
        tasks: Some(4),
        ..Default::default()
    };
    let filtered: NodeIds = vec![0u32].into();
    let mut cache = ChunkCache::new(0);
    let chunks = cache.chunks(&inv, &filtered, &cfg);
    let v = initial_advanced(&cfg, SLURM, &inv, &filtered, 0, &chunks, vec![]);
    assert_eq!(v.get("min_cpus"), Some(&s("4")));
    assert_eq!(v.get("min_mem"), Some(&s(&(4 * GIB).to_string())));
    // Task-only: no maximum, so no requested node count.
    assert_eq!(v.get("requested_nodes"), Some(&s("")));
    assert_eq!(v.get("chunk_ids"), Some(&l(&["0"])));
}

#[test]
fn initial_basic_values() {
    let mut cfg = ScheduleConfig {
        wrapper: Some(" time ".into()),
        ..Default::default()
    };
    cfg.cluster_info.node_count = 16;
    cfg.cluster_info.cpus = 32;
    cfg.cluster_info.mem = 64 * GIB;
    let v = initial_basic(&cfg, RAW, vec![]);
    assert_eq!(
        v.values,
        expect(&[
            ("chunk_ids", l(&[])),
            ("chunk_size", s("")),
            ("concurrent_default", s("100")),
            ("errors", l(&[])),
            ("job_id", s("")),
            ("min_cpus", s("32")),
            ("min_mem", s(&(64 * GIB).to_string())),
            ("node_list", l(&[])),
            ("node_list_id", s("")),
            ("nodes", s("16")),
            ("partition", s("")),
            ("requested_nodes", s("")),
            ("tasks_per_node", s("")),
            ("tasks_total", s("")),
            ("test_cmd", s("time")),
            ("test_min_cpus", s("")),
            ("test_min_mem", s("")),
            ("test_node_list", l(&[])),
            ("test_nodes", s("")),
        ])
    );
    // raw: test_cmd is the wrapper, not deferred.
    assert!(!v.deferred.contains("test_cmd"));
    assert_eq!(v.deferred.len(), 7);
}

fn srun(i: &LaunchInput) -> Vec<String> {
    let mut p: Vec<String> = vec!["srun".into(), "-N".into(), i.nodes.len().to_string()];
    p.extend([
        "-w".to_string(),
        crate::hostlist::compress(&i.nodes, crate::hostlist::Style::Slurm),
    ]);
    p.extend(["-n".to_string(), i.tasks_total.to_string()]);
    p
}

#[test]
fn final_values_and_test_cmd() {
    let nodes: Vec<String> = vec!["cn08".into(), "cn07".into()];
    let facts: BTreeMap<String, NodeInfo> = [
        (
            "cn07".to_string(),
            NodeInfo {
                cpus: Some(8),
                mem: Some(16 * GIB),
                ..NodeInfo::named("cn07")
            },
        ),
        (
            "cn08".to_string(),
            NodeInfo {
                cpus: Some(4),
                ..NodeInfo::named("cn08")
            },
        ),
        (
            "cn99".to_string(),
            NodeInfo {
                cpus: Some(1),
                ..NodeInfo::named("cn99")
            },
        ),
    ]
    .into();
    let cfg = ScheduleConfig {
        tasks_per_node: NodeCount::Count(4),
        wrapper: Some("valgrind --quiet".into()),
        ..Default::default()
    };
    let v = final_vars(&cfg, &nodes, &facts, "1234", &srun);
    assert_eq!(
        v.values,
        expect(&[
            ("job_id", s("1234")),
            ("tasks_per_node", s("4")),
            ("tasks_total", s("8")),
            (
                "test_cmd",
                s("srun -N 2 -w cn[07-08] -n 8 valgrind --quiet")
            ),
            ("test_min_cpus", s("4")),
            ("test_min_mem", s(&(16 * GIB).to_string())),
            ("test_node_list", l(&["cn08", "cn07"])),
            ("test_nodes", s("2")),
        ])
    );
    assert!(v.deferred.is_empty());
}

#[test]
fn final_tasks_use_resolved_tpn_and_fallbacks() {
    let nodes: Vec<String> = vec!["a".into(), "b".into(), "c".into()];
    let mut cfg = ScheduleConfig {
        tasks_per_node: NodeCount::Fraction(Ratio { num: 1, den: 2 }),
        min_tasks_per_node: Some(3),
        ..Default::default()
    };
    cfg.cluster_info.cpus = 4;
    let none = |_: &LaunchInput| Vec::new();
    let v = final_vars(&cfg, &nodes, &BTreeMap::new(), "7", &none);
    // 50% of 4 cpus = 2, raised to min_tasks_per_node 3; 3 nodes → 9 tasks.
    assert_eq!(v.get("tasks_per_node"), Some(&s("3")));
    assert_eq!(v.get("tasks_total"), Some(&s("9")));
    assert_eq!(v.get("test_min_cpus"), Some(&s("4")));
    assert_eq!(v.get("test_min_mem"), Some(&s(&(4 * GIB).to_string())));
    assert_eq!(v.get("test_cmd"), Some(&s("")));
    cfg.tasks = Some(5);
    let v = final_vars(&cfg, &nodes, &BTreeMap::new(), "7", &none);
    assert_eq!(v.get("tasks_total"), Some(&s("5")));
}

use super::*;
use crate::test_util::fixture;
use loggia_sched::advanced::join_test_cmd;
use loggia_sched::schedule::{MpirunOpts, PluginValue};
use loggia_sched::ScheduleConfig;
use std::collections::BTreeMap;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let m: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| m.get(k).cloned()
}

/// `KEY=value` of a recorded `env` dump.
fn recorded(file: &str, key: &str) -> String {
    fixture(file)
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")).map(str::to_string))
        .unwrap()
}

#[test]
fn nodes_from_the_recorded_job_environment() {
    let list = recorded("job-env-3nodes.out", "SLURM_JOB_NODELIST");
    assert_eq!(list, "node[02,05-06]");
    let nodes = alloc_nodes(&env(&[("SLURM_JOB_NODELIST", &list)])).unwrap();
    let hostnames: Vec<String> = fixture("job-hostnames-3nodes.out")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(nodes, hostnames);
    let one = recorded("job-env-1node.out", "SLURM_JOB_NODELIST");
    assert_eq!(
        alloc_nodes(&env(&[("SLURM_JOB_NODELIST", &one)])).unwrap(),
        ["node08"]
    );
}

#[test]
fn fallback_dedup_and_errors() {
    let nodes = alloc_nodes(&env(&[
        ("SLURM_JOB_NODELIST", " "),
        ("SLURM_NODELIST", "b[2-3],a1,b2"),
    ]))
    .unwrap();
    assert_eq!(nodes, ["b2", "b3", "a1"]);
    let e = alloc_nodes(&env(&[])).unwrap_err();
    assert_eq!(
        e.message,
        "not inside a Slurm allocation: SLURM_JOB_NODELIST and SLURM_NODELIST are unset"
    );
    let e = alloc_nodes(&env(&[("SLURM_JOB_NODELIST", "n[1-")])).unwrap_err();
    assert!(
        e.message.starts_with("cannot read SLURM_JOB_NODELIST: "),
        "{}",
        e.message
    );
}

fn input(cfg: ScheduleConfig, nodes: &[&str], p: u64, t: u64) -> LaunchInput {
    LaunchInput {
        schedule: cfg,
        nodes: nodes.iter().map(|s| s.to_string()).collect(),
        tasks_per_node: p,
        tasks_total: t,
        node_info: BTreeMap::new(),
    }
}

#[test]
fn srun_form() {
    let mut cfg = ScheduleConfig::default();
    let i = input(cfg.clone(), &["cn07", "cn08"], 4, 8);
    assert_eq!(
        join_test_cmd(&test_cmd(&i), Some("valgrind --quiet")),
        "srun -N 2 -w cn[07-08] -n 8 --overlap valgrind --quiet"
    );
    cfg.plugins.entry("slurm".into()).or_default().insert(
        "srun_extra".into(),
        PluginValue::List(vec!["--mpi=pmix".into(), "--cpu-bind=cores -l".into()]),
    );
    let i = input(cfg, &["a1"], 1, 1);
    assert_eq!(
        test_cmd(&i),
        [
            "srun",
            "-N",
            "1",
            "-w",
            "a1",
            "-n",
            "1",
            "--overlap",
            "--mpi=pmix",
            "--cpu-bind=cores -l"
        ]
    );
}

#[test]
fn mpirun_form() {
    let mut cfg = ScheduleConfig::default();
    cfg.plugins
        .entry("slurm".into())
        .or_default()
        .insert("mpi_cmd".into(), PluginValue::Str("mpirun".into()));
    let plain = input(cfg.clone(), &["n1", "n2"], 2, 4);
    assert_eq!(
        test_cmd(&plain),
        ["mpirun", "-np", "4", "-N", "2", "--host", "n1:2,n2:2"]
    );
    cfg.mpirun_opts = MpirunOpts {
        bind_to: Some("core".into()),
        rank_by: Some("slot".into()),
        mca: vec![("btl".into(), "self,tcp".into()), ("x".into(), "1".into())],
        extra: vec!["--oversubscribe".into()],
    };
    let full = input(cfg, &["n1"], 3, 3);
    assert_eq!(
        test_cmd(&full),
        [
            "mpirun",
            "-np",
            "3",
            "-N",
            "3",
            "--rank-by",
            "slot",
            "--bind-to",
            "core",
            "--mca",
            "btl",
            "self,tcp",
            "--mca",
            "x",
            "1",
            "--oversubscribe",
            "--host",
            "n1:3"
        ]
    );
}

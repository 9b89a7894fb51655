//! Tests of `schedule:` validation (`validate.rs`): every generic key with valid and invalid
//! values, C1/C2 rules, unknown keys (C8), plugin subsections and warnings.

use super::*;
use crate::schedule::{ClusterInfo, MpirunOpts};
use crate::schema::{Default as KeyDefault, KeySpec, Kind, Validator};

fn s(v: &str) -> RawValue {
    RawValue::Str(v.to_string())
}

fn list(v: &[&str]) -> RawValue {
    RawValue::List(v.iter().map(|x| s(x)).collect())
}

fn map(v: &[(&str, RawValue)]) -> RawValue {
    RawValue::Map(v.iter().map(|(k, x)| (k.to_string(), x.clone())).collect())
}

fn entries(v: &[(&str, RawValue)]) -> Vec<(String, RawValue)> {
    v.iter().map(|(k, x)| (k.to_string(), x.clone())).collect()
}

fn slurm_schema() -> PluginSchema {
    PluginSchema {
        keys: vec![
            KeySpec {
                key: "features",
                kind: Kind::List,
                default: KeyDefault::List(&[]),
                validator: Validator::Regex(r"^[A-Za-z0-9_.:=+-]+(\|[A-Za-z0-9_.:=+-]+)*$"),
                help: "h",
                example: "e",
                allocation: true,
            },
            KeySpec {
                key: "mpi_cmd",
                kind: Kind::Str,
                default: KeyDefault::Str("srun"),
                validator: Validator::Choices(&["srun", "mpirun"]),
                help: "h",
                example: "e",
                allocation: false,
            },
        ],
    }
}

fn schemas(name: &str) -> Option<PluginSchema> {
    match name {
        "slurm" => Some(slurm_schema()),
        "raw" => Some(PluginSchema::default()),
        _ => None,
    }
}

fn ok(v: &[(&str, RawValue)]) -> ScheduleConfig {
    match validate(&entries(v), &schemas) {
        Ok(c) => c,
        Err(e) => panic!("unexpected errors: {e:?}"),
    }
}

fn errs(v: &[(&str, RawValue)]) -> Vec<String> {
    match validate(&entries(v), &schemas) {
        Ok(c) => panic!("expected errors, got {c:?}"),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn empty_section_gives_defaults() {
    assert_eq!(ok(&[]), ScheduleConfig::default());
    // C2: empty values are unset.
    let c = ok(&[
        ("nodes", s("  ")),
        ("across_nodes", list(&[])),
        ("chunking", map(&[])),
    ]);
    assert_eq!(c, ScheduleConfig::default());
}

#[test]
fn every_generic_key() {
    let c = ok(&[
        ("nodes", s("50%")),
        ("min_nodes", s("2")),
        ("tasks", s("16")),
        ("tasks_per_node", s("all")),
        ("min_tasks_per_node", s("2")),
        ("node_state", s("Available")),
        ("partition", s("pbatch")),
        ("reservation", s("dat")),
        ("qos", s("high")),
        ("account", s("proj1")),
        ("core_spec", s("0")),
        ("time_limit", s("90s")),
        ("wrapper", s("  valgrind --quiet ")),
        ("share_allocation", s("MAX")),
        ("across_nodes", s("n[1-3],n2")),
        ("include_nodes", list(&["n2", "n1"])),
        ("exclude_nodes", list(&["n10", "n9", "n10"])),
        (
            "chunking",
            map(&[
                ("size", s("4")),
                ("node_selection", s("rand_dist")),
                ("extra", s("discard")),
            ]),
        ),
        (
            "cluster_info",
            map(&[("node_count", s("8")), ("cpus", s("36")), ("mem", s("64G"))]),
        ),
        (
            "mpirun_opts",
            map(&[
                ("bind_to", s("CORE")),
                ("rank_by", s("l3CACHE")),
                ("mca", list(&["btl  self", "pml ob1"])),
                ("extra", s("--oversubscribe")),
            ]),
        ),
    ]);
    let expect = ScheduleConfig {
        nodes: Some(NodeCount::Fraction(Ratio { num: 1, den: 2 })),
        min_nodes: Some(NodeCount::Count(2)),
        tasks: Some(16),
        tasks_per_node: NodeCount::Fraction(Ratio::ONE),
        min_tasks_per_node: Some(2),
        node_state: NodeState::Available,
        partition: Some("pbatch".into()),
        reservation: Some("dat".into()),
        qos: Some("high".into()),
        account: Some("proj1".into()),
        core_spec: Some(0),
        time_limit_s: 120,
        wrapper: Some("valgrind --quiet".into()),
        share_allocation: ShareMode::Max,
        across_nodes: vec!["n1".into(), "n2".into(), "n3".into()],
        include_nodes: vec!["n1".into(), "n2".into()],
        exclude_nodes: vec!["n9".into(), "n10".into()],
        chunking: crate::schedule::Chunking {
            size: Some(NodeCount::Count(4)),
            node_selection: NodeSelection::RandDist,
            extra: ChunkExtra::Discard,
        },
        cluster_info: ClusterInfo {
            node_count: 8,
            cpus: 36,
            mem: 64 << 30,
        },
        mpirun_opts: MpirunOpts {
            bind_to: Some("core".into()),
            rank_by: Some("L3cache".into()),
            mca: vec![("btl".into(), "self".into()), ("pml".into(), "ob1".into())],
            extra: vec!["--oversubscribe".into()],
        },
        plugins: Default::default(),
    };
    assert_eq!(c, expect);
}

#[test]
fn zero_forms() {
    let c = ok(&[
        ("min_nodes", s("0")),
        ("chunking", map(&[("size", s("0"))])),
    ]);
    assert_eq!((c.min_nodes, c.chunking.size), (None, None));
    assert_eq!(
        ok(&[("tasks_per_node", s("min"))]).tasks_per_node,
        NodeCount::Count(1)
    );
    assert_eq!(ok(&[("time_limit", s("2"))]).time_limit_s, 7200);
    assert_eq!(ok(&[("time_limit", s("1:00:01"))]).time_limit_s, 3660);
    assert_eq!(
        ok(&[("share_allocation", s("no"))]).share_allocation,
        ShareMode::No
    );
    assert_eq!(
        ok(&[("share_allocation", s("Yes"))]).share_allocation,
        ShareMode::Yes
    );
}

#[test]
fn all_errors_are_collected() {
    let e = errs(&[
        ("nodes", s("0")),
        ("tasks", s("-2")),
        ("tasks_per_node", s("0")),
        ("node_state", s("idle")),
        ("partition", s("a b")),
        ("time_limit", s("30:00")),
        ("share_allocation", s("maybe")),
        ("core_spec", s("x")),
        ("across_nodes", list(&["n[1-", "ok1"])),
        (
            "chunking",
            map(&[("size", s("101%")), ("node_selection", s("spread"))]),
        ),
        ("cluster_info", map(&[("mem", s("4X")), ("cpus", s("0"))])),
        (
            "mpirun_opts",
            map(&[("mca", s("a b c")), ("bind_to", s("die"))]),
        ),
    ]);
    assert_eq!(
        e,
        vec![
            format!("schedule.nodes: invalid value '0': {}; 0 is not allowed", super::super::grammar::NODE_COUNT_EXPECTED),
            "schedule.tasks: invalid value '-2': expected an integer >= 1".to_string(),
            "schedule.tasks_per_node: invalid value '0': expected tasks per node: an integer >= 1, a percentage such as 50%, all or min".to_string(),
            "schedule.node_state: invalid value 'idle': expected one of: up, available".to_string(),
            "schedule.partition: invalid value 'a b': expected a name without whitespace, quotes or '#'".to_string(),
            format!(
                "schedule.time_limit: invalid value '30:00': {} (MM:SS is ambiguous: write 0:MM:SS or H:MM:00)",
                super::super::grammar::DURATION_EXPECTED
            ),
            "schedule.share_allocation: invalid value 'maybe': expected true, false or max (also yes/no)".to_string(),
            "schedule.core_spec: invalid value 'x': expected a non-negative integer".to_string(),
            "schedule.across_nodes: invalid value 'n[1-': invalid hostlist 'n[1-': unbalanced brackets at column 2".to_string(),
            "schedule.chunking.size: invalid value '101%': percentage 101% is above 100%".to_string(),
            "schedule.chunking.node_selection: invalid value 'spread': expected one of: contiguous, random, distributed, rand_dist".to_string(),
            "schedule.cluster_info.mem: invalid value '4X': expected a size in bytes, or with a unit: 64G, 64GiB, 512MB, 4096K".to_string(),
            "schedule.cluster_info.cpus: invalid value '0': expected an integer >= 1, got 0".to_string(),
            "schedule.mpirun_opts.mca: invalid value 'a b c': expected '<param> <value>': two words separated by whitespace".to_string(),
            "schedule.mpirun_opts.bind_to: invalid value 'die': expected one of: slot, hwthread, core, L1cache, L2cache, L3cache, socket, numa, board, node".to_string(),
        ]
    );
}

#[test]
fn unknown_keys_suggest() {
    assert_eq!(
        errs(&[("partiton", s("x"))]),
        vec!["unknown key 'schedule.partiton' (did you mean 'partition'?)"]
    );
    assert_eq!(
        errs(&[("frobnicate", s("x"))]),
        vec!["unknown key 'schedule.frobnicate'"]
    );
    assert_eq!(
        errs(&[("chunking", map(&[("sise", s("2"))]))]),
        vec!["unknown key 'schedule.chunking.sise' (did you mean 'size'?)"]
    );
    // A mapping under a name close to a generic key is a typo, not a foreign plugin.
    assert_eq!(
        errs(&[("chunkin", map(&[("size", s("2"))]))]),
        vec!["unknown key 'schedule.chunkin' (did you mean 'chunking'?)"]
    );
    assert_eq!(
        errs(&[("nodes", s("1")), ("nodes", s("2"))]),
        vec!["schedule.nodes: key given twice"]
    );
}

#[test]
fn type_errors() {
    assert_eq!(
        errs(&[("nodes", list(&["1", "2"]))]),
        vec!["schedule.nodes: expected a single value, got a list"]
    );
    assert_eq!(
        errs(&[("chunking", s("4"))]),
        vec!["schedule.chunking: expected a mapping"]
    );
    assert_eq!(
        errs(&[("exclude_nodes", map(&[("a", s("b"))]))]),
        vec!["schedule.exclude_nodes: expected a list of strings, got a mapping"]
    );
    assert_eq!(
        errs(&[("slurm", s("x"))]),
        vec!["schedule.slurm: expected a mapping (plugin subsection)"]
    );
}

#[test]
fn plugin_subsections() {
    let c = ok(&[(
        "slurm",
        map(&[("features", s("a100|h100")), ("mpi_cmd", s("MPIRUN"))]),
    )]);
    let sl = &c.plugins["slurm"];
    assert_eq!(sl["features"], PluginValue::List(vec!["a100|h100".into()]));
    assert_eq!(sl["mpi_cmd"], PluginValue::Str("mpirun".into()));
    assert_eq!(
        c.plugin_list("slurm", "features"),
        ["a100|h100".to_string()]
    );
    assert_eq!(c.plugin_str("slurm", "mpi_cmd"), Some("mpirun"));
    assert_eq!(
        allocation_keys(&c, "slurm", &slurm_schema()),
        vec![("features".to_string(), "[\"a100|h100\"]".to_string())]
    );
    assert_eq!(
        errs(&[("slurm", map(&[("feature", s("x"))]))]),
        vec!["unknown key 'schedule.slurm.feature' (did you mean 'features'?)"]
    );
    assert_eq!(
        errs(&[("raw", map(&[("x", s("1"))]))]),
        vec!["unknown key 'schedule.raw.x'"]
    );
}

#[test]
fn unregistered_plugins_warn_and_scheduler_defaults_fill() {
    let raw = entries(&[("cobalt", map(&[("queue", s("q"))]))]);
    let v = validate_for(&raw, &schemas, Some("slurm"));
    let c = v.config.unwrap();
    assert!(!c.plugins.contains_key("cobalt"));
    assert_eq!(c.plugin_str("slurm", "mpi_cmd"), Some("srun"));
    assert_eq!(
        c.plugin_value("slurm", "features"),
        None,
        "an empty list default is unset"
    );
    assert_eq!(
        v.warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            "schedule.cobalt: no scheduler plugin 'cobalt' is registered here; subsection ignored"
        ]
    );
}

use super::*;
use loggia_sched::schedule::PluginValue;
use loggia_sched::ScheduleConfig;
use std::path::PathBuf;

fn req(spec: NodeSpec, cfg: ScheduleConfig, time: u64) -> KickoffRequest {
    KickoffRequest {
        job_id: "89abcdef000000000000000000000000".into(),
        job_dir: PathBuf::from("/w/jobs/x"),
        script_path: PathBuf::from("/w/jobs/x/kickoff"),
        job_name: "loggia.89abcdef.suite.test".into(),
        tests: vec!["main.1".into()],
        schedule: cfg,
        node_spec: spec,
        time_limit_s: time,
        env_strip: vec![],
    }
}

fn slurm_opts(cfg: &mut ScheduleConfig, key: &str, v: PluginValue) {
    cfg.plugins
        .entry("slurm".into())
        .or_default()
        .insert(key.into(), v);
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn recorded_kickoff_header() {
    // The header of sbatch-kickoff-ok.script (recorded without --exclusive).
    let mut cfg = ScheduleConfig {
        partition: Some("debug".into()),
        tasks: Some(2),
        ..Default::default()
    };
    slurm_opts(&mut cfg, "exclusive", PluginValue::Bool(false));
    let spec = NodeSpec::Explicit {
        nodes: strs(&["node01", "node02"]),
    };
    let lines = header_lines(&req(spec, cfg, 300));
    let script = crate::test_util::fixture("sbatch-kickoff-ok.script");
    let recorded: Vec<&str> = script
        .lines()
        .filter(|l| l.starts_with("#SBATCH"))
        .collect();
    assert_eq!(lines, recorded);
}

#[test]
fn every_option_in_order() {
    let mut cfg = ScheduleConfig {
        core_spec: Some(2),
        partition: Some("batch".into()),
        reservation: Some("maint".into()),
        qos: Some("high".into()),
        account: Some("proj1".into()),
        tasks: Some(64),
        ..Default::default()
    };
    slurm_opts(
        &mut cfg,
        "features",
        PluginValue::List(strs(&["haswell", "ib|opa"])),
    );
    slurm_opts(&mut cfg, "exclusive", PluginValue::Bool(true));
    slurm_opts(
        &mut cfg,
        "sbatch_extra",
        PluginValue::List(strs(&["--gres=gpu:2", " --mem=0 "])),
    );
    let spec = NodeSpec::Range {
        min: 2,
        max: Some(4),
        include: strs(&["cn01", "cn02", "cn03"]),
        exclude: strs(&["cn10", "cn9"]),
    };
    assert_eq!(
        header_lines(&req(spec, cfg, 90_061)),
        [
            "#SBATCH --job-name=loggia.89abcdef.suite.test",
            "#SBATCH --core-spec=2",
            "#SBATCH --partition=batch",
            "#SBATCH --reservation=maint",
            "#SBATCH --qos=high",
            "#SBATCH --account=proj1",
            "#SBATCH --constraint=haswell&(ib|opa)",
            "#SBATCH --time=1-01:02:00",
            "#SBATCH --nodelist=cn[01-03]",
            "#SBATCH --exclude=cn[9-10]",
            "#SBATCH --nodes=2-4",
            "#SBATCH --ntasks=64",
            "#SBATCH --exclusive",
            "#SBATCH --gres=gpu:2",
            "#SBATCH --mem=0",
        ]
    );
}

#[test]
fn minimal_and_defaults() {
    // No slurm subsection at all: exclusive defaults to true.
    let spec = NodeSpec::Range {
        min: 1,
        max: None,
        include: vec![],
        exclude: vec![],
    };
    assert_eq!(
        header_lines(&req(spec, ScheduleConfig::default(), 3600)),
        [
            "#SBATCH --job-name=loggia.89abcdef.suite.test",
            "#SBATCH --time=1:00:00",
            "#SBATCH --exclusive",
        ]
    );
}

#[test]
fn node_specs_and_times() {
    let range = |min, max| NodeSpec::Range {
        min,
        max,
        include: vec![],
        exclude: vec![],
    };
    assert_eq!(nodes_spec(&range(3, Some(3))).as_deref(), Some("3"));
    assert_eq!(nodes_spec(&range(1, Some(8))).as_deref(), Some("1-8"));
    assert_eq!(nodes_spec(&range(4, None)).as_deref(), Some("4"));
    assert_eq!(nodes_spec(&range(1, None)), None);
    let explicit = NodeSpec::Explicit {
        nodes: strs(&["a1", "a2", "a3"]),
    };
    assert_eq!(nodes_spec(&explicit).as_deref(), Some("3"));
    assert_eq!(format_time(1), "0:01:00");
    assert_eq!(format_time(0), "0:01:00");
    assert_eq!(format_time(61), "0:02:00");
    assert_eq!(format_time(86_399), "1-00:00:00");
    assert_eq!(format_time(86_340), "23:59:00");
    assert_eq!(format_time(3 * 86_400 + 5 * 3600), "3-05:00:00");
    assert_eq!(feature_expr(&["a"]), "a");
    assert_eq!(feature_expr(&["a|b", "c"]), "(a|b)&c");
}

use super::*;
use crate::test_util::{fixture, with_cx};
use loggia_sched::scripted::{Reply, ScriptedRunner};

/// A directory with fake executables `names` (and a non-executable `sinfo` when asked).
fn bin_dir(names: &[&str]) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let d = std::env::temp_dir().join(format!(
        "loggia-slurm-probe-{}-{}",
        std::process::id(),
        names.len()
    ));
    std::fs::create_dir_all(&d).unwrap();
    for n in names {
        let p = d.join(n);
        std::fs::write(&p, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    d
}

#[test]
fn missing_executables_are_named() {
    let d = bin_dir(&["sbatch", "squeue"]);
    let path = format!("/nonexistent::{}", d.display());
    assert_eq!(missing_executables(&path), ["scontrol", "scancel", "sinfo"]);
    let r = ScriptedRunner::new();
    let a = with_cx(&r, |cx| available(cx, Some(&path)));
    assert_eq!(
        a,
        Availability::Unavailable("not on PATH: scontrol, scancel, sinfo".into())
    );
    assert!(r.argvs().is_empty());
    assert_eq!(missing_executables("").len(), 5);
}

#[test]
fn probe_decides() {
    let d = bin_dir(&REQUIRED);
    let path = d.display().to_string();
    let r = ScriptedRunner::new();
    r.once(&PROBE, Reply::ok(fixture("sinfo-partitions.out")));
    assert_eq!(
        with_cx(&r, |cx| available(cx, Some(&path))),
        Availability::Available
    );
    assert_eq!(r.calls()[0].timeout, Duration::from_secs(10));
    let r = ScriptedRunner::new();
    r.once(&PROBE, Reply::fail(1, fixture("ctld-down-sinfo.err")));
    assert_eq!(
        with_cx(&r, |cx| available(cx, Some(&path))),
        Availability::Unavailable(
            "'sinfo --noheader --format=%P' exited 1: slurm_load_partitions: Unable to contact \
             slurm controller (connect failure)"
                .into()
        )
    );
}

/// A runner answering the three inventory commands once each, with the reservations of
/// fixture `reservations`.
fn inventory_script(reservations: &str) -> ScriptedRunner {
    let r = ScriptedRunner::new();
    r.once(
        &["scontrol", "--oneliner", "show", "node"],
        Reply::ok(fixture("show-node-reservation.out")),
    )
    .once(
        &["scontrol", "--oneliner", "show", "reservation"],
        Reply::ok(fixture(reservations)),
    )
    .once(
        &["scontrol", "--oneliner", "show", "partition"],
        Reply::ok(fixture("show-partition.out")),
    );
    r
}

#[test]
fn inventory_commands() {
    let r = inventory_script("show-reservation-none.out");
    let (nodes, extra) = with_cx(&r, raw_nodes).unwrap();
    assert_eq!(nodes.len(), 8);
    assert!(extra.reservations.is_empty());
    assert_eq!(extra.partitions.len(), 2);
    assert_eq!(r.argvs().len(), 3);
    let r = ScriptedRunner::new();
    r.once(
        &["scontrol"],
        Reply::fail(1, fixture("ctld-down-scontrol-show-node.err")),
    );
    let e = with_cx(&r, raw_nodes).unwrap_err();
    assert!(e.transient);
    assert_eq!(e.message, "cannot read the Slurm node list");
}

#[test]
fn the_plugin_inventory_runs_the_same_commands_and_equals_the_two_step_path() {
    use loggia_sched::AdvancedScheduler;
    let r = inventory_script("show-reservation-maint.out");
    let (inv, extra) = with_cx(&r, |cx| crate::SLURM.inventory(cx)).unwrap();
    assert_eq!(r.argvs().len(), 3);
    let r = inventory_script("show-reservation-maint.out");
    let (raw, raw_extra) = with_cx(&r, raw_nodes).unwrap();
    let want = loggia_sched::advanced::transform_all(&crate::SLURM, &raw, &raw_extra).unwrap();
    assert_eq!(inv.nodes(), want.nodes());
    assert_eq!(extra, raw_extra);
    assert_eq!(
        inv.get("node05").unwrap().reservations,
        Some(vec!["maint".into()])
    );
    let r = ScriptedRunner::new();
    r.once(
        &["scontrol"],
        Reply::fail(1, fixture("ctld-down-scontrol-show-node.err")),
    );
    let e = with_cx(&r, |cx| crate::SLURM.inventory(cx)).unwrap_err();
    assert!(e.transient);
}

use super::*;
use crate::test_util::{fixture, job, with_cx};
use loggia_sched::registry;
use loggia_sched::scripted::{Reply, ScriptedRunner};

#[test]
fn registered_as_advanced() {
    let reg = registry().get("slurm").unwrap();
    assert_eq!(reg.tier, Tier::Advanced);
    assert_eq!(reg.plugin.name(), "slurm");
    assert!(reg.plugin.advanced().is_some());
    assert_eq!((reg.config_schema)().keys.len(), 8);
    assert_eq!(SLURM.concurrent_default(), 1);
    assert!(SLURM.test_cmd_deferred());
    assert_eq!(SLURM.transient_patterns().len(), 7);
}

#[test]
fn accounting_switches_off_once_disabled() {
    let s = Slurm::new();
    assert!(s.has_accounting());
    let r = ScriptedRunner::new();
    r.once(
        &["sacct"],
        Reply::fail(1, fixture("sacct-accounting-disabled.err")),
    );
    let m = with_cx(&r, |cx| s.accounting_status(cx, &[job("1")])).unwrap();
    assert!(m.is_empty());
    assert!(!s.has_accounting());
    // No second sacct.
    let m = with_cx(&r, |cx| s.accounting_status(cx, &[job("1")])).unwrap();
    assert!(m.is_empty());
    assert_eq!(r.count("sacct"), 1);
}

#[test]
fn whole_inventory_through_the_trait() {
    let recs = oneliner_records(&fixture("show-node-draining.out"));
    let extra = RawExtra {
        reservations: oneliner_records(&fixture("show-reservation-maint.out")),
        partitions: oneliner_records(&fixture("show-partition.out")),
        ..RawExtra::default()
    };
    let nodes: Vec<NodeInfo> = recs
        .iter()
        .map(|r| SLURM.transform(r, &extra).unwrap())
        .collect();
    let up: Vec<(&str, bool, bool)> = nodes
        .iter()
        .map(|n| (n.name.as_str(), n.up, n.available))
        .collect();
    assert_eq!(
        up,
        [
            ("node01", true, false),
            ("node02", true, false),
            ("node03", false, false),
            ("node04", false, false),
            ("node05", false, false),
            ("node06", false, false),
            ("node07", false, false),
            ("node08", true, false),
        ]
    );
}

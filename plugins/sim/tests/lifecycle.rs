//! A sim job's life with real local processes: kickoff records the nodes and starts the script
//! detached, status reports it running on those nodes, the job reads them back through
//! `alloc_nodes`, and cancel stops it. Also availability and the header lines.

mod common;

use common::{inventories_dir, range, wait_until, World};
use loggia_sched::{Availability, JobState, NodeSpec, Scheduler, StatusSource};
use loggia_sched_sim::alloc::NODES_FILE;
use loggia_sched_sim::env::{INVENTORY_VAR, JOB_DIR_VAR};
use loggia_sched_sim::{MapEnv, Sim, SIM};

/// Waits (at most a minute) for a `go` file, then ends.
const GATED: &str = "echo started\nfor _ in $(seq 3000); do [ -e go ] && break; sleep 0.02; done\n";

#[test]
fn kickoff_status_alloc_nodes_and_cancel() {
    let w = World::new(&inventories_dir().join("cluster300.txt"));
    let req = w.job(
        "j1",
        "echo started\nsleep 60\n",
        range(3, &["cn007"], &["cn001"]),
    );
    let info = SIM.kickoff(&w.cx(), &req).unwrap();
    assert_eq!(info.plugin, "sim");
    assert_eq!(info.job_dir, req.job_dir);
    // cn007 (allocated, but asked for), then the first available nodes after the excluded cn001.
    assert_eq!(info.extra["nodes"], "cn[002-003,007]");
    assert_eq!(info.extra["host"], common::HOST);
    assert_eq!(
        std::fs::read_to_string(req.job_dir.join(NODES_FILE)).unwrap(),
        "cn002\ncn003\ncn007\n"
    );

    let status = SIM
        .job_status(&w.cx(), std::slice::from_ref(&info))
        .unwrap();
    let s = &status[&info.id];
    assert_eq!(s.state, JobState::Running);
    assert_eq!(s.source, StatusSource::Local);
    let nodes = vec![
        "cn002".to_string(),
        "cn003".to_string(),
        "cn007".to_string(),
    ];
    assert_eq!(s.nodes.as_ref(), Some(&nodes));

    let inside = Sim::with_env(MapEnv::new([(
        JOB_DIR_VAR,
        req.job_dir.display().to_string(),
    )]));
    assert_eq!(inside.alloc_nodes(&w.cx()).unwrap(), nodes);

    let results = SIM.cancel(&w.cx(), std::slice::from_ref(&info));
    assert_eq!(results[&info.id], Ok(()));
    assert!(SIM
        .job_status(&w.cx(), std::slice::from_ref(&info))
        .unwrap()
        .is_empty());
    // Cancelling again: already gone counts as success.
    assert_eq!(
        SIM.cancel(&w.cx(), std::slice::from_ref(&info))[&info.id],
        Ok(())
    );
}

#[test]
fn explicit_nodes_and_job_end() {
    let w = World::new(&inventories_dir().join("small.json"));
    let spec = NodeSpec::Explicit {
        nodes: vec!["n2".into(), "n10".into()],
    };
    let req = w.job("j2", GATED, spec);
    let info = SIM.kickoff(&w.cx(), &req).unwrap();
    assert_eq!(info.extra["nodes"], "n2,n10");
    std::fs::write(req.job_dir.join("go"), "").unwrap();
    wait_until("the job ended", || {
        SIM.job_status(&w.cx(), std::slice::from_ref(&info))
            .unwrap()
            .is_empty()
    });
    assert_eq!(
        std::fs::read_to_string(req.job_dir.join("sched.log")).unwrap(),
        "started\n"
    );
}

#[test]
fn impossible_allocations_start_nothing() {
    let w = World::new(&inventories_dir().join("small.json"));
    let req = w.job("j3", "touch ran\n", range(5, &[], &[]));
    let err = SIM.kickoff(&w.cx(), &req).unwrap_err();
    assert_eq!(
        err.message,
        "sim kickoff: cannot allocate 5 nodes: only 4 of the 6 inventory nodes qualify\n  \
         (1) not up (state unknown): login1\n  \
         (1) not up (state DOWN): n4"
    );
    let req = w.job(
        "j4",
        "touch ran\n",
        NodeSpec::Explicit {
            nodes: vec!["cn1".into()],
        },
    );
    assert_eq!(
        SIM.kickoff(&w.cx(), &req).unwrap_err().message,
        "sim kickoff: node cn1 is not in the sim inventory"
    );
    assert!(!req.job_dir.join("ran").exists());
    assert!(!req.job_dir.join(NODES_FILE).exists());
}

#[test]
fn alloc_nodes_outside_a_job_is_an_error() {
    let w = World::new(&inventories_dir().join("small.json"));
    let outside = Sim::with_env(MapEnv::default());
    assert_eq!(
        outside.alloc_nodes(&w.cx()).unwrap_err().message,
        "not inside a sim allocation: LOGGIA_JOB_DIR is not set"
    );
}

#[test]
fn availability_and_inventory_override() {
    let small = inventories_dir().join("small.json");
    let mut w = World::new(&small);
    let plain = Sim::with_env(MapEnv::default());
    assert_eq!(plain.available(&w.cx()), Availability::Available);
    let missing = w.dir.path().join("missing.txt");
    let overridden = Sim::with_env(MapEnv::new([(
        INVENTORY_VAR,
        missing.display().to_string(),
    )]));
    assert_eq!(
        overridden.available(&w.cx()),
        Availability::Unavailable(format!(
            "the sim inventory {} does not exist",
            missing.display()
        ))
    );
    assert_eq!(overridden.inventory_path(&w.settings).unwrap(), missing);
    w.settings.sim_inventory = None;
    assert_eq!(
        plain.available(&w.cx()),
        Availability::Unavailable(
            "the sim scheduler has no inventory: set scheduling.sim_inventory in the site \
             config or LOGGIA_SIM_INVENTORY"
                .into()
        )
    );
    let empty = Sim::with_env(MapEnv::new([(INVENTORY_VAR, "")]));
    assert!(matches!(
        empty.available(&w.cx()),
        Availability::Unavailable(_)
    ));
}

#[test]
fn header_lines_describe_the_request() {
    let w = World::new(&inventories_dir().join("small.json"));
    let req = w.job("h1", "true\n", range(2, &["n1"], &["n3", "n4"]));
    assert_eq!(
        SIM.header_lines(&req),
        [
            "# sim: 2 node(s) chosen from the inventory at kickoff",
            "# sim: including n1",
            "# sim: excluding n3,n4",
            "# sim: time limit 1:30:00 (not enforced)",
        ]
    );
    let mut req = w.job(
        "h2",
        "true\n",
        NodeSpec::Explicit {
            nodes: vec!["n1".into(), "n2".into(), "n3".into()],
        },
    );
    req.time_limit_s = 59;
    assert_eq!(
        SIM.header_lines(&req),
        [
            "# sim: nodes n[1-3] (3)",
            "# sim: time limit 0:00:59 (not enforced)"
        ]
    );
    assert_eq!(SIM.concurrent_default(), 1);
    assert!(!SIM.test_cmd_deferred());
    assert_eq!(SIM.min_poll_interval(&w.cx()).as_millis(), 100);
    assert!(SIM.advanced().is_some());
}

#[test]
fn registered_as_an_advanced_plugin() {
    let reg = loggia_sched::registry().get("sim").unwrap();
    assert_eq!(reg.tier, loggia_sched::Tier::Advanced);
    assert_eq!(reg.plugin.name(), "sim");
}

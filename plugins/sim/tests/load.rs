//! Loading inventory files of every format, and every loader error naming file and record.

use loggia_sched::{AdvancedScheduler, NodeInfo, ScheduleConfig};
use loggia_sched_sim::load::{FORMAT_KEY, SOURCE_KEY};
use loggia_sched_sim::plugin::SEMANTICS_KEY;
use loggia_sched_sim::{build_inventory, load_inventory, parse_inventory, SIM};
use std::path::Path;

const FILE: &str = "/site/inv.txt";

fn load(text: &str) -> Vec<NodeInfo> {
    let (raw, extra) = parse_inventory(text, Path::new(FILE)).unwrap();
    build_inventory(&SIM, &raw, &extra)
        .unwrap()
        .nodes()
        .to_vec()
}

fn error(text: &str) -> String {
    parse_inventory(text, Path::new(FILE)).unwrap_err().message
}

const SLURM_TEXT: &str = "\
# saved from a test cluster
NodeName=n2 Arch=x86_64 CPUTot=4 RealMemory=4000 AllocMem=1000 State=MIXED Partitions=batch Gres=(null)

NodeName=n1 Arch=x86_64 CPUTot=4 RealMemory=4000 AllocMem=0 State=IDLE+DRAIN Partitions=debug,batch Reason=bad disk [root@2026-11-21T23:47:23]
NodeName=n3 CPUTot=8 State=IDLE ActiveFeatures=gpu Gres=gpu:2 Partitions=batch
No reservations in the system
ReservationName=maint Nodes=n[2-3] State=ACTIVE
PartitionName=debug Default=NO Nodes=n1
PartitionName=batch Default=YES Nodes=n[1-3]
";

#[test]
fn slurm_text_gets_slurm_semantics() {
    let (raw, extra) = parse_inventory(SLURM_TEXT, Path::new(FILE)).unwrap();
    assert_eq!(raw.len(), 3);
    assert_eq!(extra.reservations.len(), 1);
    assert_eq!(extra.partitions.len(), 2);
    assert_eq!(extra.other[FORMAT_KEY], "slurm");
    assert_eq!(extra.other[SOURCE_KEY], FILE);
    let nodes = load(SLURM_TEXT);
    let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["n1", "n2", "n3"]);
    let n1 = &nodes[0];
    assert_eq!(n1.states, ["IDLE", "DRAIN"]);
    assert_eq!((n1.up, n1.available), (false, false));
    assert_eq!(n1.extra["reason"], "bad disk [root@2026-11-21T23:47:23]");
    assert_eq!(n1.extra[SEMANTICS_KEY], "slurm");
    let n2 = &nodes[1];
    assert_eq!((n2.up, n2.available), (true, false));
    assert_eq!(n2.mem_free, Some(3000 * 1024 * 1024));
    assert_eq!(n2.reservations.as_deref(), Some(&["maint".into()][..]));
    assert_eq!(nodes[2].gpus, Some(2));
    // Classification follows the test's config, as for the slurm plugin: IDLE+DRAIN stays down,
    // and a reservation request admits RESERVED states.
    let cfg = ScheduleConfig::default();
    assert_eq!(SIM.classify(&cfg, n1), (false, false));
    assert_eq!(SIM.classify(&cfg, &nodes[2]), (true, true));
    // The default partition is Slurm's custom filter.
    assert_eq!(SIM.filter_custom(&cfg, &extra, n1), None);
    let mut outside = nodes[2].clone();
    outside.partitions = Some(vec!["debug".into()]);
    assert_eq!(
        SIM.filter_custom(&cfg, &extra, &outside).as_deref(),
        Some("not in the default partition 'batch' (schedule.partition unset)")
    );
}

const YAML: &str = "\
# a YAML list of NodeInfo
- name: b10
  up: true
  available: false
  states: [ALLOCATED]
  cpus: 16
- name: b9
  up: false
  available: false
  extra: {reason: cabling}
";

#[test]
fn yaml_list_keeps_its_own_classification() {
    let (raw, extra) = parse_inventory(YAML, Path::new(FILE)).unwrap();
    assert_eq!(extra.other[FORMAT_KEY], "nodeinfo");
    assert!(extra.partitions.is_empty() && extra.reservations.is_empty());
    let nodes = build_inventory(&SIM, &raw, &extra)
        .unwrap()
        .nodes()
        .to_vec();
    let b9 = NodeInfo {
        up: false,
        available: false,
        extra: [("reason".to_string(), "cabling".to_string())].into(),
        ..NodeInfo::named("b9")
    };
    let b10 = NodeInfo {
        available: false,
        states: vec!["ALLOCATED".into()],
        cpus: Some(16),
        ..NodeInfo::named("b10")
    };
    assert_eq!(nodes, [b9.clone(), b10.clone()]);
    // No Slurm rules: the node's own flags, no custom filter, whatever the states say.
    let cfg = ScheduleConfig::default();
    assert_eq!(SIM.classify(&cfg, &b10), (true, false));
    assert_eq!(SIM.filter_custom(&cfg, &extra, &b9), None);
}

#[test]
fn json_map_with_partitions_and_opt_in_slurm_semantics() {
    let text = r#"{"nodes": [
        {"name": "g1", "up": false, "available": false, "states": ["IDLE"],
         "extra": {"sim_semantics": "slurm"}},
        {"name": "g2", "up": true, "available": true, "partitions": ["p"]}],
      "partitions": [{"PartitionName": "p", "Default": true, "MaxNodes": 4}],
      "reservations": []}"#;
    let (raw, extra) = parse_inventory(text, Path::new(FILE)).unwrap();
    assert_eq!(extra.partitions.len(), 1);
    let p = &extra.partitions[0];
    assert_eq!(
        (p.get("Default"), p.get("MaxNodes")),
        (Some("YES"), Some("4"))
    );
    let nodes = build_inventory(&SIM, &raw, &extra)
        .unwrap()
        .nodes()
        .to_vec();
    // g1 opted into Slurm semantics: IDLE is up and available under the default state sets.
    assert_eq!(
        SIM.classify(&ScheduleConfig::default(), &nodes[0]),
        (true, true)
    );
    assert_eq!(
        SIM.classify(&ScheduleConfig::default(), &nodes[1]),
        (true, true)
    );
}

#[test]
fn the_saved_file_is_read_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.yaml");
    std::fs::write(&path, YAML).unwrap();
    let (raw, extra) = load_inventory(&path).unwrap();
    assert_eq!(raw.len(), 2);
    assert_eq!(extra.other[SOURCE_KEY], path.display().to_string());
    let missing = dir.path().join("nope.txt");
    assert_eq!(
        load_inventory(&missing).unwrap_err().message,
        format!(
            "cannot read sim inventory {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
}

#[test]
fn slurm_text_errors_name_the_line() {
    assert_eq!(
        error("NodeName=n1 State=IDLE\n\nNodeName= State=IDLE\n"),
        "sim inventory /site/inv.txt: line 3: node record without a name"
    );
    assert_eq!(
        error("NodeName=n1\nNodeName=(null) State=IDLE\n"),
        "sim inventory /site/inv.txt: line 2: node record without a name"
    );
    assert_eq!(
        error("NodeName=n1 State=IDLE\nNodeName=n2\n# x\nNodeName=n1 State=DOWN\n"),
        "duplicate node name n1 in sim inventory /site/inv.txt (lines 1 and 4)"
    );
    assert_eq!(
        error("NodeName=n1\nPartitionName=a\nPartitionName=a Default=YES\n"),
        "duplicate partition name a in sim inventory /site/inv.txt (lines 2 and 3)"
    );
    assert_eq!(
        error("NodeName=n1\nnodename=n2 state=idle\n"),
        "sim inventory /site/inv.txt: line 2: expected a NodeName=, ReservationName= or \
         PartitionName= record, found 'nodename=n2 state=idle'"
    );
    // Node and partition names live in separate namespaces.
    assert_eq!(load("NodeName=a State=IDLE\nPartitionName=a\n").len(), 1);
}

#[test]
fn structured_errors_name_the_record() {
    let e = error("[{\"name\": \"a\", \"up\": true, \"available\": true},\n {\"name\": \"b\"");
    assert!(
        e.starts_with("sim inventory /site/inv.txt: invalid JSON: EOF while parsing"),
        "{e}"
    );
    assert!(e.ends_with("line 2 column 13"), "{e}");
    let e = error("- name: a\n  up: true\n available: [\n");
    assert!(
        e.starts_with("sim inventory /site/inv.txt: invalid YAML: "),
        "{e}"
    );
    assert!(e.contains("line 3"), "{e}");
    assert_eq!(
        error("[{\"name\": \"a\", \"up\": true, \"available\": true}, {\"up\": true, \"available\": true}]"),
        "sim inventory /site/inv.txt: node 2: missing field `name`"
    );
    assert_eq!(
        error("- {name: '', up: true, available: true}\n"),
        "sim inventory /site/inv.txt: node 1: the node has an empty name"
    );
    assert_eq!(
        error("- {name: a, up: true, available: true, cpu: 4}\n"),
        "sim inventory /site/inv.txt: node 1 (a): unknown field `cpu`, expected one of \
         `name`, `up`, `available`, `states`, `cpus`, `mem`, `mem_free`, `gpus`, `partitions`, \
         `reservations`, `features`, `arch`, `extra`"
    );
    assert_eq!(
        error(
            "- {name: a, up: true, available: true}\n- {name: b, up: true, available: true}\n\
             - {name: a, up: false, available: false}\n"
        ),
        "duplicate node name a in sim inventory /site/inv.txt (nodes 1 and 3)"
    );
    assert_eq!(
        error("nodes: []\npartitions:\n  - {Default: 'YES'}\n"),
        "sim inventory /site/inv.txt: partition 1: the record has no PartitionName"
    );
    assert_eq!(
        error("nodes: []\nreservations:\n  - {ReservationName: r, Nodes: [a]}\n"),
        "sim inventory /site/inv.txt: reservation 1 (r): 'Nodes' must be a string, number or \
         boolean, found a list"
    );
    assert_eq!(
        error("nodes: []\nreservations:\n  - {ReservationName: r}\n  - {ReservationName: r}\n"),
        "duplicate reservation name r in sim inventory /site/inv.txt (reservations 1 and 2)"
    );
    assert_eq!(
        error("node: []\n"),
        "sim inventory /site/inv.txt: unknown key 'node' (expected nodes, reservations, partitions)"
    );
    assert_eq!(
        error("nodes: {a: 1}\n"),
        "sim inventory /site/inv.txt: 'nodes' must be a list, found a map"
    );
    assert_eq!(
        error(""),
        "sim inventory /site/inv.txt: expected a list of nodes or a map with 'nodes', found nothing"
    );
}

#[test]
fn transform_rejects_records_without_a_name() {
    let extra = loggia_sched::scheduler::RawExtra::default();
    let raw = [("State".to_string(), "IDLE".to_string())].into();
    assert_eq!(
        SIM.transform(&raw, &extra).unwrap_err().message,
        "Slurm node record has no NodeName"
    );
    let raw = [(
        loggia_sched_sim::structured::NODEINFO_KEY.to_string(),
        r#"{"name": "", "up": true, "available": true}"#.to_string(),
    )]
    .into();
    assert_eq!(
        SIM.transform(&raw, &extra).unwrap_err().message,
        "sim node record without a name"
    );
    let dup = [
        [("NodeName".to_string(), "x".to_string())].into(),
        [("NodeName".to_string(), "x".to_string())].into(),
    ];
    assert_eq!(
        build_inventory(&SIM, &dup, &extra).unwrap_err().message,
        "duplicate node name x in inventory"
    );
    let bad = [[("State".to_string(), "IDLE".to_string())].into()];
    assert_eq!(
        build_inventory(&SIM, &bad, &extra).unwrap_err().message,
        "node record 1 of the inventory: Slurm node record has no NodeName"
    );
}

use super::*;
use crate::node_filter::default_partition;
use crate::parse::oneliner_records;
use crate::test_util::fixture;
use loggia_sched::schedule::PluginValue;

fn extra(res: &str) -> RawExtra {
    RawExtra {
        reservations: oneliner_records(&fixture(res)),
        partitions: oneliner_records(&fixture("show-partition.out")),
        ..RawExtra::default()
    }
}

fn nodes(file: &str, res: &str) -> Vec<NodeInfo> {
    let ex = extra(res);
    let idx = ReservationIndex::new();
    oneliner_records(&fixture(file))
        .iter()
        .map(|r| transform(r, &ex, &idx).unwrap())
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn texts(v: &[&str]) -> Vec<Text> {
    v.iter().map(|&s| Text::from(s)).collect()
}

#[test]
fn idle_node_fields() {
    let n = &nodes("show-node-idle.out", "show-reservation-none.out")[0];
    assert_eq!(
        *n,
        NodeInfo {
            name: "node01".into(),
            up: true,
            available: true,
            states: texts(&["IDLE"]),
            cpus: Some(4),
            mem: Some(4000 * 1024 * 1024),
            mem_free: Some(4000 * 1024 * 1024),
            gpus: None,
            partitions: Some(texts(&["debug", "batch"])),
            reservations: Some(vec![]),
            features: texts(&["standard"]),
            arch: Some("x86_64".into()),
            extra: Default::default(),
        }
    );
}

#[test]
fn gpu_node() {
    let n = &nodes("show-node-node08.out", "show-reservation-none.out")[0];
    assert_eq!(n.gpus, Some(2));
    assert_eq!(n.features, texts(&["bigmem", "gpu"]));
    assert_eq!(n.partitions, Some(texts(&["batch"])));
    assert_eq!(n.mem, Some(8000 * 1024 * 1024));
}

#[test]
fn drained_down_mixed() {
    let ns = nodes("show-node-mixed-allocated.out", "show-reservation-none.out");
    let got: Vec<(&str, Vec<Text>, bool, bool)> = ns
        .iter()
        .map(|n| (n.name.as_str(), n.states.clone(), n.up, n.available))
        .collect();
    assert_eq!(got[0], ("node01", texts(&["MIXED"]), true, false));
    assert_eq!(got[1], ("node02", texts(&["ALLOCATED"]), true, false));
    assert_eq!(got[2], ("node03", texts(&["IDLE", "DRAIN"]), false, false));
    assert_eq!(got[3], ("node04", texts(&["DOWN"]), false, false));
    assert_eq!(got[4], ("node05", texts(&["IDLE"]), true, true));
    assert_eq!(
        ns[2].extra.get("reason").map(String::as_str),
        Some("bad disk [root@2026-11-21T23:47:23]")
    );
    assert_eq!(
        ns[3].extra.get("reason").map(String::as_str),
        Some("node04 is dead [root@2026-11-21T23:47:23]")
    );
    // mem_free = RealMemory − AllocMem on the busy nodes.
    let raw = oneliner_records(&fixture("show-node-mixed-allocated.out"));
    let alloc: u64 = raw[0].get("AllocMem").unwrap().parse().unwrap();
    let real: u64 = raw[0].get("RealMemory").unwrap().parse().unwrap();
    assert_eq!(ns[0].mem_free, Some((real - alloc) * 1024 * 1024));
}

#[test]
fn reservation_and_draining() {
    let ns = nodes("show-node-reservation.out", "show-reservation-maint.out");
    assert_eq!(ns[4].states, texts(&["IDLE", "MAINTENANCE", "RESERVED"]));
    assert_eq!(ns[4].reservations, Some(texts(&["maint"])));
    assert_eq!(ns[5].reservations, Some(texts(&["maint"])));
    assert_eq!(ns[6].reservations, Some(vec![]));
    assert_eq!((ns[4].up, ns[4].available), (false, false));
    let ns = nodes("show-node-draining.out", "show-reservation-two.out");
    assert_eq!(ns[6].states, texts(&["MIXED", "DRAIN"]));
    assert_eq!(ns[0].reservations, Some(texts(&["future"])));
    assert_eq!(ns[5].states, texts(&["MIXED", "MAINTENANCE", "RESERVED"]));
    assert_eq!(ns[5].reservations, Some(texts(&["maint"])));
    let ns = nodes("show-node-after-resume.out", "show-reservation-none.out");
    assert_eq!(ns[2].states, texts(&["IDLE", "NOT_RESPONDING"]));
    assert_eq!((ns[2].up, ns[2].available), (false, false));
}

fn cfg_with(reservation: Option<&str>) -> ScheduleConfig {
    ScheduleConfig {
        reservation: reservation.map(Into::into),
        ..Default::default()
    }
}

#[test]
fn classify_with_reservations() {
    let ns = nodes("show-node-reservation.out", "show-reservation-maint.out");
    let plain = cfg_with(None);
    let resv = cfg_with(Some("maint"));
    assert_eq!(classify(&plain, &ns[4]), (false, false));
    assert_eq!(classify(&resv, &ns[4]), (true, true));
    assert_eq!(classify(&resv, &ns[2]), (false, false));
    let ns = nodes("show-node-draining.out", "show-reservation-maint.out");
    // MIXED+MAINTENANCE+RESERVED in the reservation: up, not available.
    assert_eq!(classify(&resv, &ns[5]), (true, false));
    // Custom sets from the config, case-insensitive.
    let mut c = ScheduleConfig::default();
    let m = c.plugins.entry("slurm".into()).or_default();
    m.insert(
        "up_states".into(),
        PluginValue::List(strs(&["idle", "drain", "mixed"])),
    );
    m.insert(
        "avail_states".into(),
        PluginValue::List(strs(&["IDLE", "DRAIN"])),
    );
    let ns = nodes("show-node-drained.out", "show-reservation-none.out");
    assert_eq!(classify(&c, &ns[2]), (true, true));
    let no_state = NodeInfo::named("x");
    assert_eq!(
        classify(
            &plain,
            &NodeInfo {
                states: vec![],
                ..no_state
            }
        ),
        (false, false)
    );
}

#[test]
fn custom_filters() {
    let ex = extra("show-reservation-none.out");
    let ns = nodes("show-node-idle.out", "show-reservation-none.out");
    let mut c = ScheduleConfig::default();
    // batch (Default=YES) holds every node: nothing filtered.
    assert_eq!(filter_custom(&c, &ex, &ns[0]), None);
    let outside = NodeInfo {
        partitions: Some(texts(&["debug"])),
        ..ns[0].clone()
    };
    assert_eq!(
        filter_custom(&c, &ex, &outside).as_deref(),
        Some("not in the default partition 'batch' (schedule.partition unset)")
    );
    let unknown = NodeInfo {
        partitions: None,
        ..ns[0].clone()
    };
    assert_eq!(filter_custom(&c, &ex, &unknown), None);
    c.partition = Some("debug".into());
    assert_eq!(filter_custom(&c, &ex, &outside), None);
    c.plugins.entry("slurm".into()).or_default().insert(
        "features".into(),
        PluginValue::List(strs(&["bigmem|standard", "gpu"])),
    );
    assert_eq!(
        filter_custom(&c, &ex, &ns[0]).as_deref(),
        Some("missing required feature (gpu)")
    );
    assert_eq!(filter_custom(&c, &ex, &ns[7]), None);
    c.plugins
        .entry("slurm".into())
        .or_default()
        .insert("features".into(), PluginValue::List(strs(&["a|b"])));
    assert_eq!(
        filter_custom(&c, &ex, &ns[7]).as_deref(),
        Some("missing required feature (a|b)")
    );
    assert_eq!(default_partition(&RawExtra::default()), None);
}

#[test]
fn gres_forms() {
    assert_eq!(gres_gpus("gpu:2"), Some(2));
    assert_eq!(gres_gpus("gpu:a100:4(S:0-1)"), Some(4));
    assert_eq!(gres_gpus("gpu:a100:4(S:0,1),gpu:v100:2,mps:100"), Some(6));
    assert_eq!(gres_gpus("gpu"), Some(1));
    assert_eq!(gres_gpus("gpu:tesla"), Some(1));
    assert_eq!(gres_gpus("mps:100"), None);
    assert_eq!(gres_gpus(""), None);
    assert_eq!(gres_gpus("gpu:x:y"), None);
}

#[test]
fn records_without_names_and_bad_reservations() {
    let idx = ReservationIndex::new();
    let e = transform(&RawNode::new(), &RawExtra::default(), &idx).unwrap_err();
    assert_eq!(e.message, "Slurm node record has no NodeName");
    let rec = oneliner_records("NodeName=n1 RealMemory=x CPUTot=-1")
        .pop()
        .unwrap();
    let bad = RawExtra {
        reservations: oneliner_records("ReservationName=r Nodes=n[1-\nReservationName=s Nodes=n1"),
        ..RawExtra::default()
    };
    let n = transform(&rec, &bad, &idx).unwrap();
    assert_eq!(n.reservations, Some(texts(&["s"])));
    assert_eq!((n.cpus, n.mem, n.mem_free), (None, None, None));
    assert_eq!(n.states, Vec::<String>::new());
    assert_eq!(n.partitions, Some(vec![]));
    assert_eq!((n.up, n.available), (false, false));
}

#[test]
fn transform_reads_only_node_keys() {
    let ex = extra("show-reservation-two.out");
    let idx = ReservationIndex::new();
    let mut seen = 0;
    for file in [
        "show-node-idle.out",
        "show-node-draining.out",
        "show-node-drained.out",
        "show-node-mixed-allocated.out",
        "show-node-reservation.out",
        "show-node-after-resume.out",
        "show-node-node08.out",
        "show-node-down.out",
    ] {
        let text = fixture(file);
        let full = oneliner_records(&text);
        let kept = crate::parse::oneliner_records_keeping(&text, &is_node_key);
        assert_eq!(full.len(), kept.len(), "{file}");
        for (f, k) in full.iter().zip(&kept) {
            assert!(k.len() < f.len(), "{file}");
            assert!(k.keys().all(|key| NODE_KEYS.contains(&key)));
            assert_eq!(
                transform(f, &ex, &idx).unwrap(),
                transform(k, &ex, &idx).unwrap(),
                "{file}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 57);
    for key in NODE_KEYS {
        assert!(is_node_key(key), "{key}");
    }
    for other in [
        "OS",
        "reason",
        "NodeAddr",
        "Gre",
        "Arch ",
        "CfgTRES",
        "",
        "ActiveFeature",
    ] {
        assert!(!is_node_key(other), "{other}");
    }
}

#[test]
fn reservation_index_follows_the_list() {
    let idx = ReservationIndex::new();
    let two = extra("show-reservation-two.out").reservations;
    let maint = extra("show-reservation-maint.out").reservations;
    assert_eq!(idx.reservations_of(&two, "node01"), texts(&["future"]));
    assert_eq!(idx.reservations_of(&maint, "node01"), Vec::<String>::new());
    assert_eq!(idx.reservations_of(&maint, "node05"), texts(&["maint"]));
    assert_eq!(idx.reservations_of(&two, "node01"), texts(&["future"]));
    assert_eq!(idx.reservations_of(&[], "node05"), Vec::<String>::new());
}

#[test]
fn the_prepared_filter_agrees_with_the_per_node_hooks() {
    use crate::SLURM;
    use loggia_sched::AdvancedScheduler;
    let mut configs = vec![cfg_with(None), cfg_with(Some("maint"))];
    let mut custom = cfg_with(None);
    let m = custom.plugins.entry("slurm".into()).or_default();
    m.insert(
        "up_states".into(),
        PluginValue::List(strs(&["idle", "mixed", "drain"])),
    );
    m.insert("avail_states".into(), PluginValue::List(strs(&["IDLE"])));
    m.insert("features".into(), PluginValue::List(strs(&["bigmem|gpu"])));
    configs.push(custom.clone());
    custom.partition = Some("debug".into());
    configs.push(custom);
    for (file, res) in [
        ("show-node-reservation.out", "show-reservation-maint.out"),
        ("show-node-draining.out", "show-reservation-two.out"),
        ("show-node-node08.out", "show-reservation-none.out"),
    ] {
        let ex = extra(res);
        for cfg in &configs {
            let prepared = SLURM.node_filter(cfg, &ex);
            for n in nodes(file, res) {
                assert_eq!(
                    prepared.classify(&n),
                    SLURM.classify(cfg, &n),
                    "{file} {}",
                    n.name
                );
                assert_eq!(
                    prepared.filter_custom(&n),
                    SLURM.filter_custom(cfg, &ex, &n),
                    "{file} {}",
                    n.name
                );
            }
        }
    }
}

//! Tests of the config-time checks (`checks.rs`): every row's exact message.

use super::*;
use crate::advanced::chunk::ChunkCache;
use crate::advanced::filter::{filter_nodes, DefaultHooks};
use crate::node::NodeInfo;
use crate::schedule::NodeCount;

/// n1..n12 down, n13..n15 up.
fn inventory() -> Inventory {
    Inventory::new(
        (1..=15)
            .map(|i| {
                let up = i > 12;
                NodeInfo {
                    up,
                    available: up,
                    states: vec![if up { "IDLE" } else { "DOWN" }.into()],
                    ..NodeInfo::named(format!("n{i}"))
                }
            })
            .collect(),
    )
    .unwrap()
}

fn check(cfg: &ScheduleConfig, chunk: Option<&str>, known: Option<&[String]>) -> CheckOutcome {
    let inv = inventory();
    let filtered = filter_nodes(&inv, cfg, &DefaultHooks);
    let mut cache = ChunkCache::new(0);
    let chunks = cache.chunks(&inv, &filtered.kept, cfg);
    let plugin_errors = vec!["plugin says no".to_string()];
    config_checks(&CheckInput {
        plugin: "slurm",
        inv: &inv,
        cfg,
        filtered: &filtered,
        chunks: &chunks,
        chunk,
        known_partitions: known,
        plugin_errors: if chunk == Some("with-plugin-error") {
            &plugin_errors
        } else {
            &[]
        },
    })
}

fn errors(cfg: &ScheduleConfig) -> Vec<String> {
    check(cfg, None, None).errors
}

#[test]
fn a_good_config_passes() {
    let out = check(&ScheduleConfig::default(), Some("any"), None);
    assert_eq!(
        out,
        CheckOutcome {
            chunk: Some(ChunkChoice::default()),
            ..Default::default()
        }
    );
}

#[test]
fn rows_1_and_2_include_nodes() {
    let cfg = ScheduleConfig {
        include_nodes: vec!["n2".into(), "n13".into(), "zz9".into()],
        nodes: Some(NodeCount::Count(3)),
        ..Default::default()
    };
    assert_eq!(
        errors(&cfg),
        vec![
            "include node n2 was filtered out: not up (state DOWN)",
            "include node zz9 is not in the slurm inventory",
        ]
    );
}

#[test]
fn row_3_include_fills_the_chunk() {
    let mut cfg = ScheduleConfig {
        include_nodes: vec!["n13".into(), "n14".into()],
        nodes: Some(NodeCount::Count(2)),
        ..Default::default()
    };
    cfg.chunking.size = Some(NodeCount::Count(2));
    assert_eq!(
        errors(&cfg),
        vec!["schedule.include_nodes has 2 nodes but the chunk size is only 2"]
    );
}

#[test]
fn rows_4_and_5_ranges() {
    let cfg = ScheduleConfig {
        nodes: Some(NodeCount::Count(2)),
        min_nodes: Some(NodeCount::Count(3)),
        ..Default::default()
    };
    assert_eq!(
        errors(&cfg),
        vec!["requested 3-2 nodes: the minimum is larger than the maximum"]
    );
    let cfg = ScheduleConfig {
        nodes: Some(NodeCount::Count(1)),
        include_nodes: vec!["n13".into(), "n14".into()],
        ..Default::default()
    };
    assert_eq!(
        errors(&cfg),
        vec!["requested at most 1 nodes but schedule.include_nodes lists 2"]
    );
}

#[test]
fn row_6_insufficient_nodes_with_reasons() {
    let cfg = ScheduleConfig {
        nodes: Some(NodeCount::Count(4)),
        min_nodes: Some(NodeCount::Count(3)),
        exclude_nodes: vec!["n13".into()],
        ..Default::default()
    };
    let e = errors(&cfg);
    assert_eq!(e.len(), 1);
    let expect = format!(
        "insufficient nodes: asked for 3-4 nodes but only 2 remain after filtering\n  \
         (12) not up (state DOWN): n[1-10], …\n  \
         (1) excluded by schedule.exclude_nodes: n13\n  \
         schedule: {}",
        serde_json::to_string(&cfg).unwrap()
    );
    assert_eq!(e[0], expect);
    let cfg = ScheduleConfig {
        nodes: Some(NodeCount::Count(4)),
        ..Default::default()
    };
    assert!(errors(&cfg)[0].starts_with("insufficient nodes: asked for 4 nodes but only 3 remain"));
}

#[test]
fn reason_lines_list_at_most_ten_names() {
    let names: Vec<String> = ["c1", "c2", "c3"].iter().map(|s| s.to_string()).collect();
    assert_eq!(reason_line("excluded", &names), "  (3) excluded: c[1-3]");
}

#[test]
fn flex_clamp_is_a_warning() {
    let cfg = ScheduleConfig {
        nodes: Some(NodeCount::Count(10)),
        min_nodes: Some(NodeCount::Count(1)),
        ..Default::default()
    };
    let out = check(&cfg, None, None);
    assert!(out.errors.is_empty());
    assert_eq!(
        out.warnings,
        vec!["requested up to 10 nodes but only 3 remain after filtering; asking for 1-3"]
    );
}

#[test]
fn row_7_chunks_too_small() {
    let mut cfg = ScheduleConfig {
        nodes: Some(NodeCount::Count(3)),
        ..Default::default()
    };
    cfg.chunking.size = Some(NodeCount::Count(2));
    assert_eq!(
        errors(&cfg),
        vec!["requested 3 nodes but chunks have only 2 nodes"]
    );
    // Flex never needs chunks this large.
    cfg.chunking.size = None;
    assert!(errors(&cfg).is_empty());
}

#[test]
fn rows_8_and_9_chunk_selector() {
    let cfg = ScheduleConfig::default();
    assert_eq!(
        check(&cfg, Some("5"), None).errors,
        vec!["chunk 5 requested but only 1 chunks exist (0-0)"]
    );
    assert_eq!(
        check(&cfg, Some("0"), None).chunk,
        Some(ChunkChoice::Index(0))
    );
    assert_eq!(
        check(&cfg, Some("first"), None).errors,
        vec![
            "invalid chunk 'first': expected any, least_used, fewest_jobs, most_free_memory, \
              round_robin or an index"
        ]
    );
}

#[test]
fn rows_10_and_11_partition_and_plugin() {
    let cfg = ScheduleConfig {
        partition: Some("gpu".into()),
        ..Default::default()
    };
    let known = vec!["batch".to_string(), "debug".to_string()];
    assert_eq!(
        check(&cfg, None, Some(&known)).errors,
        vec!["unknown partition 'gpu' (known: batch, debug)"]
    );
    let out = check(&ScheduleConfig::default(), Some("with-plugin-error"), None);
    assert_eq!(
        out.errors.last().map(String::as_str),
        Some("plugin says no")
    );
}

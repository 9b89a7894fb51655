//! Tests of the launch planner (`plan.rs`): each launch mode, node specs, time limits, chunk
//! assignment, plugin node selection and the basic tier.

use super::*;
use crate::advanced::chunk::ChunkCache;
use crate::advanced::inventory::NodeIds;
use crate::advanced::select::{ChunkStrategy, MemoryEnv};
use crate::schedule::{NodeCount, ShareMode};
use std::collections::BTreeMap;

/// A unit's kind, tests, node spec and time limit.
type Row = (UnitKind, Vec<u64>, Result<NodeSpec, String>, u64);

fn inventory(n: usize) -> Inventory {
    Inventory::new(
        (1..=n)
            .map(|i| NodeInfo {
                cpus: Some(4),
                ..NodeInfo::named(format!("n{i}"))
            })
            .collect(),
    )
    .unwrap()
}

fn all(inv: &Inventory) -> NodeIds {
    (0..inv.len() as u32).collect::<Vec<_>>().into()
}

fn explicit(names: &[&str]) -> Result<NodeSpec, String> {
    Ok(NodeSpec::Explicit {
        nodes: names.iter().map(|s| s.to_string()).collect(),
    })
}

fn range(min: u64, max: Option<u64>) -> Result<NodeSpec, String> {
    Ok(NodeSpec::Range {
        min,
        max,
        include: vec![],
        exclude: vec![],
    })
}

fn nodes(n: u64) -> ScheduleConfig {
    ScheduleConfig {
        nodes: Some(NodeCount::Count(n)),
        ..Default::default()
    }
}

struct Setup {
    inv: Inventory,
    cache: ChunkCache,
}

impl Setup {
    fn new(n: usize) -> Setup {
        Setup {
            inv: inventory(n),
            cache: ChunkCache::new(1),
        }
    }

    fn input<'a>(
        &mut self,
        id: u64,
        cfg: &'a ScheduleConfig,
        choice: ChunkChoice,
    ) -> GroupInput<'a> {
        let chunks = self.cache.chunks(&self.inv, &all(&self.inv), cfg);
        GroupInput {
            id,
            cfg,
            alloc_keys: vec![],
            chunks,
            choice,
        }
    }
}

#[test]
fn explicit_units_get_disjoint_nodes() {
    let mut s = Setup::new(8);
    let across: Vec<String> = (1..=8).map(|i| format!("n{i}")).collect();
    let a = ScheduleConfig {
        across_nodes: across.clone(),
        ..nodes(2)
    };
    let solo = ScheduleConfig {
        share_allocation: ShareMode::No,
        ..nodes(3)
    };
    let solo = ScheduleConfig {
        across_nodes: across,
        time_limit_s: 60,
        ..solo
    };
    let any = ChunkChoice::default();
    let tests = vec![
        s.input(3, &solo, any),
        s.input(1, &a, any),
        s.input(2, &a, any),
    ];
    let plan = schedule_tests("slurm", &s.inv, &tests, &mut MemoryEnv::default(), None);
    assert!(plan.errors.is_empty());
    let got: Vec<Row> = plan
        .units
        .iter()
        .map(|u| (u.kind, u.tests.clone(), u.node_spec.clone(), u.time_limit_s))
        .collect();
    // 8 nodes / max 2 → 4 spread bins for the two sharers: one test each.
    assert_eq!(
        got,
        vec![
            (UnitKind::Shared, vec![1], explicit(&["n1", "n2"]), 3600),
            (UnitKind::Shared, vec![2], explicit(&["n3", "n4"]), 3600),
            (
                UnitKind::IndivChunk,
                vec![3],
                explicit(&["n5", "n6", "n7"]),
                60
            ),
        ]
    );
    let c = plan.units[0].chunk.unwrap();
    assert_eq!((c.set, c.index), (0, 0));
}

#[test]
fn flex_units_get_ranges_and_the_longest_limit() {
    let mut s = Setup::new(8);
    let short = ScheduleConfig {
        min_nodes: Some(NodeCount::Count(1)),
        include_nodes: vec!["n2".into()],
        exclude_nodes: vec!["n8".into()],
        share_allocation: ShareMode::Max,
        ..nodes(4)
    };
    let long = ScheduleConfig {
        time_limit_s: 7200,
        ..short.clone()
    };
    let alone = ScheduleConfig {
        share_allocation: ShareMode::No,
        ..nodes(20)
    };
    let alone = ScheduleConfig {
        min_nodes: Some(NodeCount::Count(2)),
        ..alone
    };
    let any = ChunkChoice::default();
    let tests = vec![
        s.input(1, &short, any),
        s.input(2, &long, any),
        s.input(3, &alone, any),
    ];
    let plan = schedule_tests("slurm", &s.inv, &tests, &mut MemoryEnv::default(), None);
    let u = &plan.units;
    assert_eq!(u.len(), 2);
    assert_eq!(
        (u[0].kind, u[0].tests.clone(), u[0].time_limit_s),
        (UnitKind::Shared, vec![1, 2], 7200)
    );
    assert_eq!(
        u[0].node_spec,
        Ok(NodeSpec::Range {
            min: 1,
            max: Some(4),
            include: vec!["n2".into()],
            exclude: vec!["n8".into()]
        })
    );
    // Flex: a maximum above the 8 filtered nodes is clamped when the minimum fits.
    assert_eq!(
        (u[1].kind, u[1].node_spec.clone()),
        (UnitKind::IndivFlex, range(2, Some(8)))
    );
}

#[test]
fn chunks_are_assigned_least_used_and_grouped_per_chunk() {
    let mut s = Setup::new(8);
    let mut c = nodes(4);
    c.chunking.size = Some(NodeCount::Count(4));
    let any = ChunkChoice::default();
    let tests: Vec<GroupInput> = (1..=3).map(|i| s.input(i, &c, any)).collect();
    let plan = schedule_tests("slurm", &s.inv, &tests, &mut MemoryEnv::default(), None);
    let got: Vec<(Vec<u64>, usize, Result<NodeSpec, String>)> = plan
        .units
        .iter()
        .map(|u| {
            (
                u.tests.clone(),
                u.chunk.map(|c| c.index).unwrap_or(99),
                u.node_spec.clone(),
            )
        })
        .collect();
    // Tests 1 and 3 share chunk 0 (chunked → one shared unit); test 2 is alone in chunk 1.
    assert_eq!(
        got,
        vec![
            (vec![1, 3], 0, explicit(&["n1", "n2", "n3", "n4"])),
            (vec![2], 1, explicit(&["n5", "n6", "n7", "n8"])),
        ]
    );
    assert_eq!(plan.units[1].kind, UnitKind::IndivChunk);
}

#[test]
fn task_only_explicit_tests_get_needed_nodes() {
    let mut s = Setup::new(8);
    let mut c = ScheduleConfig {
        tasks: Some(6),
        share_allocation: ShareMode::No,
        ..Default::default()
    };
    c.chunking.size = Some(NodeCount::Count(8));
    let tests = vec![s.input(1, &c, ChunkChoice::Index(0))];
    let plan = schedule_tests("slurm", &s.inv, &tests, &mut MemoryEnv::default(), None);
    // 6 tasks at 1 task per node → 6 nodes.
    assert_eq!(
        plan.units[0].node_spec,
        explicit(&["n1", "n2", "n3", "n4", "n5", "n6"])
    );
}

#[test]
fn assignment_errors_affect_only_their_test() {
    let mut s = Setup::new(4);
    let c = nodes(1);
    let rr = ChunkChoice::Strategy(ChunkStrategy::RoundRobin);
    let tests = vec![s.input(1, &c, ChunkChoice::Index(5)), s.input(2, &c, rr)];
    let plan = schedule_tests("slurm", &s.inv, &tests, &mut MemoryEnv::default(), None);
    assert_eq!(
        plan.errors,
        vec![(
            1,
            "chunk 5 requested but only 1 chunks exist (0-0)".to_string()
        )]
    );
    assert_eq!(plan.units.len(), 1);
    assert_eq!(plan.units[0].tests, vec![2]);
}

struct Reverse;

impl NodeSelect for Reverse {
    fn select(
        &mut self,
        _cfg: &ScheduleConfig,
        chunk: &[&NodeInfo],
        count: u64,
        _include: &[String],
        uses: &BTreeMap<String, u64>,
    ) -> Option<Result<Vec<String>, String>> {
        if uses.values().any(|u| *u > 0) {
            return Some(Err("busy".into()));
        }
        Some(Ok(chunk
            .iter()
            .rev()
            .take(count as usize)
            .map(|n| n.name.to_string())
            .collect()))
    }
}

#[test]
fn plugin_node_select_replaces_the_picker() {
    let mut s = Setup::new(4);
    let c = ScheduleConfig {
        across_nodes: vec!["n1".into(), "n2".into(), "n3".into(), "n4".into()],
        share_allocation: ShareMode::No,
        ..nodes(2)
    };
    let any = ChunkChoice::default();
    let tests = vec![s.input(1, &c, any), s.input(2, &c, any)];
    let mut hook = Reverse;
    let plan = schedule_tests(
        "x",
        &s.inv,
        &tests,
        &mut MemoryEnv::default(),
        Some(&mut hook),
    );
    assert_eq!(plan.units[0].node_spec, explicit(&["n3", "n4"]));
    assert_eq!(plan.units[1].node_spec, Err("busy".to_string()));
}

#[test]
fn basic_tier_uses_ranges_and_the_pseudo_chunk() {
    let mut two = nodes(2);
    two.cluster_info.node_count = 4;
    let mut half = ScheduleConfig {
        nodes: Some(NodeCount::Fraction(crate::schedule::Ratio {
            num: 1,
            den: 2,
        })),
        ..two.clone()
    };
    half.time_limit_s = 120;
    let mut other = two.clone();
    other.cluster_info.node_count = 10;
    let tests = vec![
        BasicGroupInput {
            id: 1,
            cfg: &two,
            alloc_keys: vec![],
        },
        BasicGroupInput {
            id: 2,
            cfg: &half,
            alloc_keys: vec![],
        },
        BasicGroupInput {
            id: 3,
            cfg: &two,
            alloc_keys: vec![],
        },
        BasicGroupInput {
            id: 4,
            cfg: &other,
            alloc_keys: vec![],
        },
    ];
    let units = schedule_tests_basic("lsf", &tests);
    let got: Vec<Row> = units
        .iter()
        .map(|u| (u.kind, u.tests.clone(), u.node_spec.clone(), u.time_limit_s))
        .collect();
    // node_count 4, max 2 → 2 bins; `half` resolves to 2 of 4 too, so all three share a key.
    assert_eq!(
        got,
        vec![
            (UnitKind::Shared, vec![1, 3], range(2, Some(2)), 3600),
            (UnitKind::Shared, vec![2], range(2, Some(2)), 120),
            (UnitKind::IndivFlex, vec![4], range(2, Some(2)), 3600),
        ]
    );
    assert!(units.iter().all(|u| u.chunk.is_none()));
}

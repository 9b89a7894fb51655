//! The advanced tier's config-time and kickoff path at 1k, 10k and 100k nodes (issue #4), with
//! the code loggia runs: parse `scontrol --oneliner show node|reservation|partition` text with
//! the slurm plugin's inventory parser (node lines keep only the keys `transform` reads), build
//! the inventory with the harness's `build_inventory` (parallel transform, natural sort), and
//! for each chunk node-selection method (§3.6, chunk size 64) resolve a test (filter with the
//! plugin hooks, chunk, checks, initial variables), then plan 32 tests' launches under each
//! chunk strategy (§3.7).
//!
//! Group `advanced_path` times the whole path; group `advanced_stage` times each stage alone on
//! prepared inputs. The synthetic clusters come from `loggia_sched_sim::synth` (real Slurm 22.05
//! line format, a realistic mix of states, partitions, features and GPUs). Run with
//! `cargo bench --bench advanced_path`; the sample settings keep a full run under two minutes.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use loggia::advanced::state::build_inventory;
use loggia_sched::advanced::{
    filter_nodes, initial_advanced, parse_chunk, resolve_advanced, schedule_tests, AdvancedInput,
    ChunkCache, GroupInput, Inventory, MemoryEnv, Plan, PluginFacts, PluginHooks,
};
use loggia_sched::schedule::{NodeCount, NodeSelection, ShareMode};
use loggia_sched::scheduler::{RawExtra, RawNode};
use loggia_sched::{NodeInfo, ScheduleConfig};
use loggia_sched_sim::synth::{slurm_cluster, SlurmCluster};
use loggia_sched_slurm::inventory::inventory_records;
use loggia_sched_slurm::SLURM;
use std::hint::black_box;
use std::time::Duration;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const SELECTIONS: [NodeSelection; 4] = [
    NodeSelection::Contiguous,
    NodeSelection::Random,
    NodeSelection::Distributed,
    NodeSelection::RandDist,
];
const STRATEGIES: [&str; 5] = [
    "least_used",
    "fewest_jobs",
    "most_free_memory",
    "round_robin",
    "3",
];
const FACTS: PluginFacts = PluginFacts {
    concurrent_default: 1,
    test_cmd_deferred: true,
};
/// Tests planned per chunk strategy.
const TESTS: u64 = 32;

/// One test's config: 4 nodes out of chunks of 64 picked by `selection`, not shared.
fn config(selection: NodeSelection) -> ScheduleConfig {
    let mut cfg = ScheduleConfig {
        nodes: Some(NodeCount::Count(4)),
        share_allocation: ShareMode::No,
        ..ScheduleConfig::default()
    };
    cfg.chunking.size = Some(NodeCount::Count(64));
    cfg.chunking.node_selection = selection;
    cfg
}

fn parse(c: &SlurmCluster) -> (Vec<RawNode>, RawExtra) {
    inventory_records(&c.nodes, &c.reservations, &c.partitions)
}

fn build(raw: &[RawNode], extra: RawExtra) -> Inventory {
    build_inventory(&SLURM, raw, extra)
        .expect("synthetic records have unique names")
        .inv
}

fn inventory(nodes: Vec<NodeInfo>) -> Inventory {
    Inventory::new(nodes).expect("synthetic names are unique")
}

/// Resolution of one test per selection method, then one plan per chunk strategy.
fn resolve_and_plan(inv: &Inventory, extra: &RawExtra, cfgs: &[ScheduleConfig]) -> usize {
    let hooks = PluginHooks {
        plugin: &SLURM,
        extra,
    };
    let mut cache = ChunkCache::new(0x5eed);
    let mut units = 0;
    for cfg in cfgs {
        let r = resolve_advanced(
            &AdvancedInput {
                plugin: "slurm",
                facts: FACTS,
                inv,
                cfg,
                hooks: &hooks,
                chunk: None,
                known_partitions: None,
                plugin_errors: &[],
            },
            &mut cache,
        );
        for strategy in STRATEGIES {
            units += plan(inv, cfg, &r.chunks, strategy).units.len();
        }
    }
    units
}

fn plan(
    inv: &Inventory,
    cfg: &ScheduleConfig,
    chunks: &std::sync::Arc<loggia_sched::advanced::ChunkSet>,
    strategy: &str,
) -> Plan {
    let choice = parse_chunk(strategy).expect("known strategy");
    let tests: Vec<GroupInput> = (0..TESTS)
        .map(|id| GroupInput {
            id,
            cfg,
            alloc_keys: Vec::new(),
            chunks: chunks.clone(),
            choice,
        })
        .collect();
    schedule_tests("slurm", inv, &tests, &mut MemoryEnv::default(), None)
}

fn whole_path(c: &mut Criterion) {
    let mut group = c.benchmark_group("advanced_path");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    let cfgs: Vec<ScheduleConfig> = SELECTIONS.iter().map(|&s| config(s)).collect();
    for n in SIZES {
        let cluster = slurm_cluster(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &cluster, |b, cluster| {
            b.iter(|| {
                let (raw, extra) = parse(cluster);
                let pinv = build_inventory(&SLURM, &raw, extra).expect("unique names");
                black_box(resolve_and_plan(&pinv.inv, &pinv.extra, &cfgs))
            })
        });
    }
    group.finish();
}

/// A deterministic shuffle (SplitMix64-driven Fisher–Yates), to time sorting unsorted input.
fn shuffled(mut nodes: Vec<NodeInfo>) -> Vec<NodeInfo> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..nodes.len()).rev() {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        nodes.swap(i, (z % (i as u64 + 1)) as usize);
    }
    nodes
}

fn stages(c: &mut Criterion) {
    let mut group = c.benchmark_group("advanced_stage");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_secs(1));
    for n in SIZES {
        let cluster = slurm_cluster(n);
        let (raw, extra) = parse(&cluster);
        let inv = build(&raw, extra.clone());
        let nodes = inv.nodes().to_vec();
        let mixed = shuffled(nodes.clone());
        let hooks = PluginHooks {
            plugin: &SLURM,
            extra: &extra,
        };
        let base = config(NodeSelection::Contiguous);
        let filtered = filter_nodes(&inv, &base, &hooks).kept;

        group.bench_function(BenchmarkId::new("parse", n), |b| {
            b.iter(|| parse(black_box(&cluster)))
        });
        group.bench_function(BenchmarkId::new("build_inventory", n), |b| {
            b.iter_batched(
                || extra.clone(),
                |extra| build(black_box(&raw), extra),
                criterion::BatchSize::SmallInput,
            )
        });
        group.bench_function(BenchmarkId::new("inventory_sorted", n), |b| {
            b.iter_batched(
                || nodes.clone(),
                inventory,
                criterion::BatchSize::LargeInput,
            )
        });
        group.bench_function(BenchmarkId::new("inventory_shuffled", n), |b| {
            b.iter_batched(
                || mixed.clone(),
                inventory,
                criterion::BatchSize::LargeInput,
            )
        });
        group.bench_function(BenchmarkId::new("filter", n), |b| {
            b.iter(|| filter_nodes(&inv, black_box(&base), &hooks))
        });
        for sel in SELECTIONS {
            let cfg = config(sel);
            let name = format!("chunk_{sel:?}").to_lowercase();
            group.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| ChunkCache::new(7).chunks(&inv, black_box(&filtered), &cfg))
            });
        }
        let chunks = ChunkCache::new(7).chunks(&inv, &filtered, &base);
        for strategy in STRATEGIES {
            group.bench_function(BenchmarkId::new(format!("plan_{strategy}"), n), |b| {
                b.iter(|| plan(&inv, &base, &chunks, black_box(strategy)))
            });
        }
        group.bench_function(BenchmarkId::new("vars", n), |b| {
            b.iter(|| initial_advanced(&base, FACTS, &inv, &filtered, 0, &chunks, Vec::new()))
        });
    }
    group.finish();
}

criterion_group!(benches, whole_path, stages);
criterion_main!(benches);

//! The advanced tier's config-time path at 1k, 10k and 100k nodes (issue #4), with the code
//! loggia runs: the Slurm plugin's inventory straight from `scontrol --oneliner show
//! node|reservation|partition` text (parse and transform in one parallel pass), the natural-order
//! [`Inventory`], then a test's resolution (filter with the plugin hooks, chunk with size 64,
//! config-time checks, initial `sched.*` variables).
//!
//! Group `advanced_path` times the whole path once per chunk node-selection method (§3.6), and
//! once with all four methods in one invocation (four tests sharing one inventory). Each
//! iteration's result is freed after its timing ends ([`PER_ITERATION`]): loggia keeps the
//! inventory until the command ends. Stage `free_inventory` shows what freeing costs. Group
//! `advanced_stage` times each stage alone on prepared inputs, the two-step `raw_nodes` +
//! `transform` path of the plugin contract, and kickoff's launch plans (32 tests under each
//! chunk strategy of §3.7). `advanced_path/cpu_probe` is a fixed workload that shows how fast
//! the machine was during the run. The synthetic clusters come from `loggia_sched_sim::synth` (real
//! Slurm 22.05 line format, a realistic mix of states, partitions, features and GPUs). Run with
//! `cargo bench --bench advanced_path`; the sample settings keep a full run near two minutes.

// Linked for its global allocator (mimalloc), the one the `loggia` binary runs with.
extern crate loggia;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use loggia_sched::advanced::{
    filter_nodes, initial_advanced, parse_chunk, resolve_advanced, schedule_tests, transform_all,
    AdvancedInput, AdvancedResolution, ChunkCache, GroupInput, Inventory, MemoryEnv, Plan,
    PluginFacts, PluginHooks,
};
use loggia_sched::schedule::{NodeCount, NodeSelection, ShareMode};
use loggia_sched::scheduler::RawExtra;
use loggia_sched::{NodeInfo, ScheduleConfig};
use loggia_sched_sim::synth::{slurm_cluster, SlurmCluster};
use loggia_sched_slurm::inventory::inventory_records;
use loggia_sched_slurm::nodes_text::nodes_from_text;
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
/// Inventories are freed outside the timing, one at a time, so that memory does not pile up
/// across a batch of iterations (which would time the OS handing out fresh pages instead).
const PER_ITERATION: BatchSize = BatchSize::PerIteration;

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

/// The plugin's inventory from the cluster's text.
fn inventory_of(c: &SlurmCluster) -> (Inventory, RawExtra) {
    let (nodes, extra) =
        nodes_from_text(&c.nodes, &c.reservations, &c.partitions).expect("valid synthetic text");
    (inventory(nodes), extra)
}

/// The contract's two-step path: records, then `transform` of each.
fn two_step(c: &SlurmCluster) -> Inventory {
    let (raw, extra) = inventory_records(&c.nodes, &c.reservations, &c.partitions);
    transform_all(&SLURM, &raw, &extra).expect("valid synthetic records")
}

fn inventory(nodes: Vec<NodeInfo>) -> Inventory {
    Inventory::new(nodes).expect("synthetic names are unique")
}

/// One test's resolution: filter, chunk, checks and initial variables.
fn resolve(
    inv: &Inventory,
    extra: &RawExtra,
    cfg: &ScheduleConfig,
    cache: &mut ChunkCache,
) -> AdvancedResolution {
    let hooks = PluginHooks {
        plugin: &SLURM,
        extra,
    };
    resolve_advanced(
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
        cache,
    )
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

fn name(sel: NodeSelection) -> String {
    format!("{sel:?}").to_lowercase()
}

/// A fixed single-threaded workload (FNV-1a over 16 MiB) whose time tells how fast this
/// machine is at the moment of a run: shared VMs slow down by 2x and more when their host is
/// busy, and the other figures move with this one.
fn cpu_probe(data: &[u8]) -> u64 {
    loggia_sched::advanced::StableHasher::new()
        .bytes(data)
        .finish()
}

fn whole_path(c: &mut Criterion) {
    let mut group = c.benchmark_group("advanced_path");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    let probe: Vec<u8> = (0..16u32 << 20).map(|i| (i % 251) as u8).collect();
    group.bench_function("cpu_probe", |b| b.iter(|| cpu_probe(black_box(&probe))));
    for n in SIZES {
        let cluster = slurm_cluster(n);
        for sel in SELECTIONS {
            let cfg = config(sel);
            group.bench_with_input(BenchmarkId::new(name(sel), n), &cluster, |b, cluster| {
                b.iter_batched(
                    || (),
                    |()| {
                        let (inv, extra) = inventory_of(cluster);
                        let r = resolve(&inv, &extra, &cfg, &mut ChunkCache::new(0x5eed));
                        (inv, extra, r)
                    },
                    PER_ITERATION,
                )
            });
        }
        let cfgs: Vec<ScheduleConfig> = SELECTIONS.iter().map(|&s| config(s)).collect();
        group.bench_with_input(BenchmarkId::new("all_four", n), &cluster, |b, cluster| {
            b.iter_batched(
                || (),
                |()| {
                    let (inv, extra) = inventory_of(cluster);
                    let mut cache = ChunkCache::new(0x5eed);
                    let rs: Vec<AdvancedResolution> = cfgs
                        .iter()
                        .map(|cfg| resolve(&inv, &extra, cfg, &mut cache))
                        .collect();
                    (inv, extra, rs)
                },
                PER_ITERATION,
            )
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
        let (inv, extra) = inventory_of(&cluster);
        let nodes = inv.nodes().to_vec();
        let mixed = shuffled(nodes.clone());
        let hooks = PluginHooks {
            plugin: &SLURM,
            extra: &extra,
        };
        let base = config(NodeSelection::Contiguous);
        let filtered = filter_nodes(&inv, &base, &hooks).kept;

        group.bench_function(BenchmarkId::new("parse_transform", n), |b| {
            b.iter_batched(
                || (),
                |()| nodes_from_text(&cluster.nodes, &cluster.reservations, &cluster.partitions),
                PER_ITERATION,
            )
        });
        group.bench_function(BenchmarkId::new("two_step", n), |b| {
            b.iter_batched(|| (), |()| two_step(black_box(&cluster)), PER_ITERATION)
        });
        // Not part of the path: the inventory lives until the process exits.
        group.bench_function(BenchmarkId::new("free_inventory", n), |b| {
            b.iter_batched(|| inv.clone(), drop, BatchSize::LargeInput)
        });
        group.bench_function(BenchmarkId::new("inventory_sorted", n), |b| {
            b.iter_batched(|| nodes.clone(), inventory, BatchSize::LargeInput)
        });
        group.bench_function(BenchmarkId::new("inventory_shuffled", n), |b| {
            b.iter_batched(|| mixed.clone(), inventory, BatchSize::LargeInput)
        });
        group.bench_function(BenchmarkId::new("filter", n), |b| {
            b.iter(|| filter_nodes(&inv, black_box(&base), &hooks))
        });
        for sel in SELECTIONS {
            let cfg = config(sel);
            group.bench_function(BenchmarkId::new(format!("chunk_{}", name(sel)), n), |b| {
                b.iter(|| ChunkCache::new(7).chunks(&inv, black_box(&filtered), &cfg))
            });
        }
        let chunks = ChunkCache::new(7).chunks(&inv, &filtered, &base);
        group.bench_function(BenchmarkId::new("vars", n), |b| {
            b.iter(|| initial_advanced(&base, FACTS, &inv, &filtered, 0, &chunks, Vec::new()))
        });
        for strategy in STRATEGIES {
            group.bench_function(BenchmarkId::new(format!("plan_{strategy}"), n), |b| {
                b.iter(|| plan(&inv, &base, &chunks, black_box(strategy)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, whole_path, stages);
criterion_main!(benches);

//! Tests of chunking (`chunk.rs`): every node-selection method with both extra modes, include
//! nodes, sizes, the cache, reproducibility, and property tests over random inputs.

use super::*;
use crate::node::NodeInfo;
use crate::schedule::Ratio;
use proptest::prelude::*;

fn inventory(n: usize) -> Inventory {
    Inventory::new((1..=n).map(|i| NodeInfo::named(format!("n{i}"))).collect()).unwrap()
}

fn all(inv: &Inventory) -> NodeIds {
    (0..inv.len() as u32).collect::<Vec<_>>().into()
}

fn cfg(size: u64, sel: NodeSelection, extra: ChunkExtra) -> ScheduleConfig {
    let mut c = ScheduleConfig::default();
    c.chunking.size = Some(NodeCount::Count(size));
    c.chunking.node_selection = sel;
    c.chunking.extra = extra;
    c
}

fn names(inv: &Inventory, set: &ChunkSet) -> Vec<String> {
    set.chunks
        .iter()
        .map(|c| inv.names(&c.nodes).join(","))
        .collect()
}

fn run(n: usize, c: &ScheduleConfig, seed: u64) -> Vec<String> {
    let inv = inventory(n);
    let mut cache = ChunkCache::new(seed);
    let set = cache.chunks(&inv, &all(&inv), c);
    names(&inv, &set)
}

/// A filter result keeping the first `n` nodes.
fn first(n: u32) -> Filtered {
    Filtered {
        kept: (0..n).collect::<Vec<_>>().into(),
        removed: Vec::new(),
    }
}

#[test]
fn filter_results_are_shared_by_configs_equal_up_to_chunking() {
    let mut cache = ChunkCache::new(1);
    let mut calls = 0;
    let mut filter = |cache: &mut ChunkCache, plugin: &str, c: &ScheduleConfig, n: u32| {
        cache.filtered(plugin, c, || {
            calls += 1;
            first(n)
        })
    };
    let a = cfg(4, NodeSelection::Contiguous, ChunkExtra::Backfill);
    let b = cfg(8, NodeSelection::RandDist, ChunkExtra::Discard);
    let (fa, ida) = filter(&mut cache, "slurm", &a, 10);
    let (fb, idb) = filter(&mut cache, "slurm", &b, 99);
    assert!(Arc::ptr_eq(&fa, &fb));
    assert_eq!((ida, idb, fb.kept.len()), (0, 0, 10));
    // Any other difference, or another plugin, filters again.
    let mut c = a.clone();
    c.partition = Some("debug".into());
    let (fc, idc) = filter(&mut cache, "slurm", &c, 5);
    let (fd, idd) = filter(&mut cache, "pbs", &a, 10);
    assert_eq!((fc.kept.len(), idc), (5, 1));
    // The same kept list under another config keeps its list id.
    assert_eq!((fd.kept.len(), idd), (10, 0));
    assert_eq!(calls, 3);
}

#[test]
fn filter_results_beyond_the_memo_bound_are_still_right() {
    let mut cache = ChunkCache::new(1);
    for round in 0..2 {
        for i in 0..FILTER_MEMOS as u32 + 10 {
            let c = ScheduleConfig {
                exclude_nodes: vec![format!("x{i}")],
                ..Default::default()
            };
            let (f, id) = cache.filtered("slurm", &c, || first(i + 1));
            assert_eq!(
                (f.kept.len(), id),
                (i as usize + 1, i as usize),
                "round {round}"
            );
        }
    }
}

#[test]
fn contiguous_backfill_and_discard() {
    let c = cfg(3, NodeSelection::Contiguous, ChunkExtra::Backfill);
    assert_eq!(
        run(10, &c, 1),
        vec!["n1,n2,n3", "n4,n5,n6", "n7,n8,n9", "n7,n8,n10"]
    );
    let c = cfg(3, NodeSelection::Contiguous, ChunkExtra::Discard);
    assert_eq!(run(10, &c, 1), vec!["n1,n2,n3", "n4,n5,n6", "n7,n8,n9"]);
}

#[test]
fn distributed_backfill_and_discard() {
    let c = cfg(3, NodeSelection::Distributed, ChunkExtra::Backfill);
    assert_eq!(
        run(10, &c, 1),
        vec!["n1,n4,n7", "n2,n5,n8", "n3,n6,n9", "n3,n6,n10"]
    );
    let c = cfg(3, NodeSelection::Distributed, ChunkExtra::Discard);
    assert_eq!(run(10, &c, 1), vec!["n1,n4,n7", "n2,n5,n8", "n3,n6,n9"]);
}

#[test]
fn random_methods_shape_reproducibility_and_seeds() {
    for sel in [NodeSelection::Random, NodeSelection::RandDist] {
        for extra in [ChunkExtra::Backfill, ChunkExtra::Discard] {
            let c = cfg(4, sel, extra);
            let a = run(30, &c, 7);
            assert_eq!(a, run(30, &c, 7), "{sel:?} {extra:?} must be reproducible");
            assert_ne!(
                a,
                run(30, &c, 8),
                "{sel:?} {extra:?} must depend on the seed"
            );
            let expect_len = if extra == ChunkExtra::Backfill { 8 } else { 7 };
            assert_eq!(a.len(), expect_len);
            for chunk in &a {
                assert_eq!(chunk.split(',').count(), 4, "{chunk}");
            }
            // The full chunks partition the first 28 picks: no node twice.
            let mut seen: Vec<&str> = a[..7].iter().flat_map(|c| c.split(',')).collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), 28);
        }
    }
}

#[test]
fn rand_dist_picks_one_node_per_stride() {
    let inv = inventory(12);
    let c = cfg(3, NodeSelection::RandDist, ChunkExtra::Discard);
    let mut cache = ChunkCache::new(99);
    let set = cache.chunks(&inv, &all(&inv), &c);
    // First chunk: strides of 4 over n1..n12, one node from each.
    let first: Vec<u32> = set.chunks[0].nodes.to_vec();
    for (i, id) in first.iter().enumerate() {
        assert!((i as u32 * 4..i as u32 * 4 + 4).contains(id), "{first:?}");
    }
}

#[test]
fn include_nodes_join_every_chunk() {
    let mut c = cfg(3, NodeSelection::Contiguous, ChunkExtra::Backfill);
    c.include_nodes = vec!["n5".into()];
    assert_eq!(
        run(10, &c, 1),
        vec!["n1,n2,n5", "n3,n4,n5", "n5,n6,n7", "n5,n8,n9", "n5,n8,n10"]
    );
    // Without chunking the include nodes fill k = N only when they are every node.
    let mut c = ScheduleConfig {
        include_nodes: vec!["n1".into(), "n2".into()],
        ..Default::default()
    };
    assert_eq!(run(2, &c, 1), vec!["n1,n2"]);
    c.include_nodes = vec!["n2".into(), "n9".into()];
    assert_eq!(run(3, &c, 1), vec!["n1,n2,n3"]);
}

#[test]
fn sizes() {
    let inv = inventory(100);
    let mut c = ScheduleConfig::default();
    assert_eq!(chunk_size(&c, 100), 100);
    c.chunking.size = Some(NodeCount::Fraction(Ratio { num: 57, den: 100 }));
    assert_eq!(chunk_size(&c, 100), 57);
    c.chunking.size = Some(NodeCount::Fraction(Ratio { num: 1, den: 1000 }));
    assert_eq!(chunk_size(&c, 100), 1);
    c.chunking.size = Some(NodeCount::Count(500));
    assert_eq!(chunk_size(&c, 100), 100);
    let mut cache = ChunkCache::new(0);
    let set = cache.chunks(&inv, &all(&inv), &c);
    assert_eq!(set.chunks.len(), 1);
    assert_eq!(set.chunks[0].nodes.len(), 100);
    // No nodes: one empty chunk.
    let empty: NodeIds = Vec::new().into();
    let set = cache.chunks(&inv, &empty, &ScheduleConfig::default());
    assert_eq!(set.chunks.len(), 1);
    assert!(set.chunks[0].nodes.is_empty());
}

#[test]
fn cache_shares_sets_and_numbers_lists() {
    let inv = inventory(10);
    let mut cache = ChunkCache::new(3);
    let c = cfg(5, NodeSelection::Random, ChunkExtra::Backfill);
    let a = cache.chunks(&inv, &all(&inv), &c);
    let b = cache.chunks(&inv, &all(&inv), &c.clone());
    assert!(Arc::ptr_eq(&a, &b));
    let other: NodeIds = vec![0u32, 1, 2].into();
    assert_eq!(cache.list_id(&all(&inv)), 0);
    assert_eq!(cache.list_id(&other), 1);
    assert_eq!(cache.list_id(&vec![0u32, 1, 2].into()), 1);
    let d = cache.chunks(
        &inv,
        &all(&inv),
        &cfg(2, NodeSelection::Random, ChunkExtra::Backfill),
    );
    assert_eq!((a.id, d.id), (0, 1));
    assert_ne!(a.fingerprint, d.fingerprint);
}

#[test]
fn chunk_facts() {
    let nodes = (1..=4)
        .map(|i| NodeInfo {
            cpus: (i != 2).then_some(8 * i),
            mem_free: (i != 3).then_some(u64::from(i) << 30),
            ..NodeInfo::named(format!("n{i}"))
        })
        .collect();
    let inv = Inventory::new(nodes).unwrap();
    let mut cache = ChunkCache::new(0);
    let set = cache.chunks(
        &inv,
        &all(&inv),
        &cfg(2, NodeSelection::Contiguous, ChunkExtra::Discard),
    );
    assert_eq!(set.chunks[0].min_cpus, Some(8));
    assert_eq!(set.chunks[1].min_cpus, Some(24));
    assert_eq!(set.chunks[0].free_mem, 3 << 30);
    assert_eq!(set.chunks[1].free_mem, 4 << 30);
    assert_eq!(set.chunks[0].fingerprint, names_fingerprint(["n1", "n2"]));
}

proptest! {
    #[test]
    fn chunks_are_subsets_without_duplicates(
        n in 0usize..120,
        size in 1u64..40,
        seed in any::<u64>(),
        sel in 0u8..4,
        backfill in any::<bool>(),
        inc in proptest::collection::vec(0usize..120, 0..3),
    ) {
        let inv = inventory(n.max(1));
        let filtered: NodeIds = (0..n as u32).collect::<Vec<_>>().into();
        let selection = [NodeSelection::Contiguous, NodeSelection::Random,
            NodeSelection::Distributed, NodeSelection::RandDist][sel as usize];
        let extra = if backfill { ChunkExtra::Backfill } else { ChunkExtra::Discard };
        let mut c = cfg(size, selection, extra);
        c.include_nodes = inc.iter().filter(|&&i| i < n).map(|i| format!("n{}", i + 1)).collect();
        let mut cache = ChunkCache::new(seed);
        let set = cache.chunks(&inv, &filtered, &c);
        let k = chunk_size(&c, n as u64) as usize;
        let include = &set.key.include;
        let mut covered = std::collections::HashSet::new();
        for chunk in &set.chunks {
            let mut v = chunk.nodes.to_vec();
            prop_assert!(v.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
            prop_assert!(v.iter().all(|i| (*i as usize) < n));
            prop_assert!(include.iter().all(|i| v.contains(i)));
            if n > 0 && k > include.len() {
                prop_assert_eq!(v.len(), k);
            } else if n > 0 {
                prop_assert_eq!(&v, include);
            }
            covered.extend(v.drain(..));
        }
        if backfill && k > include.len() {
            prop_assert_eq!(covered.len(), n);
        } else if n > 0 && k > include.len() {
            let m = k - include.len();
            let full = (n - include.len()) / m;
            prop_assert_eq!(set.chunks.len(), full);
        }
    }
}

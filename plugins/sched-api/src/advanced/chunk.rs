//! Chunking (SCHEDULING.md §3.6): splitting a filtered node list into chunks of `k` nodes with
//! the four node-selection methods and the backfill/discard rule, plus the per-invocation
//! [`ChunkCache`] that makes every test with the same chunk key see identical chunks and numbers
//! the distinct filtered lists (`sched.node_list_id`).
//!
//! Cost: O(N log N) per chunk key. `contiguous` and `random` chunks are consecutive blocks of
//! the filtered list, in order or shuffled: O(N). For `distributed` and `rand_dist` the
//! remaining list is an order-statistics set ([`AliveSet`]), so selecting and removing a
//! chunk's `m` nodes costs O(m log N), never O(N).
//!
//! Randomness: one [`Rng`] stream per chunk key, `Rng::for_stream(seed, key_hash)`, where
//! `key_hash` is the stable hash (see `rng.rs`) of: the text `loggia-chunks-v2`, the filtered
//! names (count, then each name's [`name_hash`]), `k`, the selection method (0 contiguous,
//! 1 random, 2 distributed, 3 rand_dist), the extra mode (0 backfill, 1 discard) and the
//! include names (count, then each name's hash). Names rather than positions are hashed so
//! that the same filtered list gives the same chunks under the same seed in any invocation.
//! Draws: `random` shuffles the filtered list forward (`for i in 0..full·m: swap L[i] with
//! L[i + below(len − i)]`) and chunk `c` is block `c` of `m`, so each chunk is a uniformly
//! random `m`-subset of the nodes the earlier chunks left; `rand_dist` draws `r_i = below(s)`
//! for `i = 0..m`, chunk by chunk.

use super::fenwick::AliveSet;
use super::filter::Filtered;
use super::inventory::{name_hash, Inventory, NodeIds};
use super::parallel::par_map;
use super::rng::{Rng, StableHasher};
use crate::schedule::{ChunkExtra, NodeCount, NodeSelection, ScheduleConfig};
use std::collections::HashMap;
use std::sync::Arc;

/// The resolved chunk size `k` for `n` filtered nodes: `N` without chunking, `n` for a count,
/// `max(floor(p·N/q), 1)` for a fraction; never above `N`.
pub fn chunk_size(cfg: &ScheduleConfig, n: u64) -> u64 {
    let k = match cfg.chunking.size {
        None => n,
        Some(NodeCount::Count(c)) => c,
        Some(NodeCount::Fraction(r)) => r.floor_of(n).max(1),
    };
    k.min(n)
}

/// One chunk: its nodes and the facts chunk selection needs, computed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Inventory positions, natural order.
    pub nodes: NodeIds,
    /// Stable hash of the chunk's node names (recorded in job `info`, used by `fewest_jobs`).
    pub fingerprint: u64,
    /// Σ `mem_free` of the chunk's nodes, bytes (nodes without it count 0). Every chunk node
    /// passed the filter's `up` step, so all of them count.
    pub free_mem: u128,
    /// Smallest `cpus` among the chunk's nodes that report it.
    pub min_cpus: Option<u32>,
}

/// What identifies a chunk list within one invocation (§3.6 `key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChunkKey {
    /// Index of the filtered list in the invocation's table ([`ChunkCache::list_id`]).
    pub list_id: usize,
    pub k: u64,
    pub selection: NodeSelection,
    pub extra: ChunkExtra,
    /// Include nodes that are in the filtered list, inventory positions ascending.
    pub include: Vec<u32>,
}

/// The chunks of one chunk key. Chunk identity is `(id, index)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkSet {
    /// Number of this key in the invocation (order of first use).
    pub id: usize,
    pub key: ChunkKey,
    /// Chunk index = position.
    pub chunks: Vec<Chunk>,
    /// Stable hash of the whole chunk list (names the `round_robin` counter).
    pub fingerprint: u64,
}

/// Per-invocation tables: filter results, distinct filtered lists and chunk sets by key. Owned
/// by the caller; one cache serves one inventory per plugin.
#[derive(Debug, Clone, Default)]
pub struct ChunkCache {
    seed: u64,
    list_ids: HashMap<NodeIds, usize>,
    lists: Vec<NodeIds>,
    sets: HashMap<ChunkKey, Arc<ChunkSet>>,
    filters: Vec<FilterMemo>,
}

/// One filter result and its list id, under a plugin and a config without `chunking`.
#[derive(Debug, Clone)]
struct FilterMemo {
    plugin: String,
    cfg: ScheduleConfig,
    filtered: Arc<Filtered>,
    list_id: usize,
}

/// Distinct configs whose filter results are kept; a suite's tests mostly share a few
/// schedules, and a lookup compares configs one by one.
const FILTER_MEMOS: usize = 64;

impl ChunkCache {
    /// A fresh cache for one invocation using the chunking seed `seed`.
    pub fn new(seed: u64) -> ChunkCache {
        ChunkCache {
            seed,
            ..Default::default()
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The filter result of `cfg` under `plugin` and its list id ([`ChunkCache::list_id`]):
    /// `filter()` runs once per distinct config up to `chunking` (which filtering never reads,
    /// see [`super::NodeHooks`]), so the tests of a suite that share a schedule are filtered
    /// once, not once each.
    pub fn filtered(
        &mut self,
        plugin: &str,
        cfg: &ScheduleConfig,
        filter: impl FnOnce() -> Filtered,
    ) -> (Arc<Filtered>, usize) {
        let key = ScheduleConfig {
            chunking: Default::default(),
            ..cfg.clone()
        };
        if let Some(m) = self
            .filters
            .iter()
            .find(|m| m.plugin == plugin && m.cfg == key)
        {
            return (m.filtered.clone(), m.list_id);
        }
        let filtered = Arc::new(filter());
        let list_id = self.list_id(&filtered.kept);
        if self.filters.len() < FILTER_MEMOS {
            self.filters.push(FilterMemo {
                plugin: plugin.to_string(),
                cfg: key,
                filtered: filtered.clone(),
                list_id,
            });
        }
        (filtered, list_id)
    }

    /// The index of `filtered` in this invocation's table of distinct filtered lists (first
    /// = 0), adding it when new.
    pub fn list_id(&mut self, filtered: &NodeIds) -> usize {
        if let Some(&id) = self.list_ids.get(filtered) {
            return id;
        }
        let id = self.lists.len();
        self.lists.push(filtered.clone());
        self.list_ids.insert(filtered.clone(), id);
        id
    }

    /// The chunks of `filtered` under `cfg`, computed once per chunk key.
    pub fn chunks(
        &mut self,
        inv: &Inventory,
        filtered: &NodeIds,
        cfg: &ScheduleConfig,
    ) -> Arc<ChunkSet> {
        let list_id = self.list_id(filtered);
        self.chunks_of_list(inv, filtered, list_id, cfg)
    }

    /// [`ChunkCache::chunks`] of a list whose [`ChunkCache::list_id`] is known (finding it
    /// hashes the whole list).
    pub fn chunks_of_list(
        &mut self,
        inv: &Inventory,
        filtered: &NodeIds,
        list_id: usize,
        cfg: &ScheduleConfig,
    ) -> Arc<ChunkSet> {
        let k = chunk_size(cfg, filtered.len() as u64);
        let include: Vec<u32> = inv
            .ids_of(&cfg.include_nodes)
            .into_iter()
            .filter(|i| filtered.binary_search(i).is_ok())
            .collect();
        let key = ChunkKey {
            list_id,
            k,
            selection: cfg.chunking.node_selection,
            extra: cfg.chunking.extra,
            include,
        };
        if let Some(set) = self.sets.get(&key) {
            return set.clone();
        }
        let lists = make_chunks(inv, filtered, &key, self.seed);
        // Describing hashes every node name of every chunk: independent per chunk.
        let chunks: Vec<Chunk> = par_map(&lists, DESCRIBE_MIN_PART, |ids| describe(inv, ids));
        let mut h = StableHasher::new();
        h.u64(chunks.len() as u64);
        for c in &chunks {
            h.u64(c.nodes.len() as u64).u64(c.fingerprint);
        }
        let set = Arc::new(ChunkSet {
            id: self.sets.len(),
            key: key.clone(),
            chunks,
            fingerprint: h.finish(),
        });
        self.sets.insert(key, set.clone());
        set
    }
}

/// Stable hash of a node-name list (the chunk fingerprint of §3.7): the names' [`name_hash`]es
/// in order.
pub fn names_fingerprint<'a>(names: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut h = StableHasher::new();
    for n in names {
        h.u64(name_hash(n));
    }
    h.finish()
}

/// Fewest chunks per thread when describing chunks in parallel (~1 µs each at size 64).
const DESCRIBE_MIN_PART: usize = 256;

fn describe(inv: &Inventory, ids: &[u32]) -> Chunk {
    let mut h = StableHasher::new();
    let mut free_mem = 0u128;
    let mut min_cpus: Option<u32> = None;
    for &i in ids {
        h.u64(inv.name_hash(i));
        free_mem += u128::from(inv.mem_free(i));
        if let Some(c) = inv.cpus(i) {
            min_cpus = Some(min_cpus.map_or(c, |m| m.min(c)));
        }
    }
    Chunk {
        nodes: ids.into(),
        fingerprint: h.finish(),
        free_mem,
        min_cpus,
    }
}

fn key_hash(inv: &Inventory, filtered: &[u32], key: &ChunkKey) -> u64 {
    let mut h = StableHasher::new();
    h.str("loggia-chunks-v2").u64(filtered.len() as u64);
    for &i in filtered {
        h.u64(inv.name_hash(i));
    }
    let sel = match key.selection {
        NodeSelection::Contiguous => 0,
        NodeSelection::Random => 1,
        NodeSelection::Distributed => 2,
        NodeSelection::RandDist => 3,
    };
    let extra = match key.extra {
        ChunkExtra::Backfill => 0,
        ChunkExtra::Discard => 1,
    };
    h.u64(key.k)
        .u64(sel)
        .u64(extra)
        .u64(key.include.len() as u64);
    for &i in &key.include {
        h.u64(inv.name_hash(i));
    }
    h.finish()
}

/// Ranks (0-based, ascending, distinct) of the `m` nodes `distributed` (no `rng`) or
/// `rand_dist` (with its `rng`) picks from a remaining list of length `len ≥ m`.
fn stride_ranks(len: usize, m: usize, rng: &mut Option<Rng>) -> Vec<usize> {
    let s = len / m.max(1);
    match rng.as_mut() {
        Some(r) => (0..m).map(|i| i * s + r.below(s as u64) as usize).collect(),
        None => (0..m).map(|i| i * s).collect(),
    }
}

/// Consecutive blocks of `m` of `order` as chunks (each with the include nodes, natural order),
/// plus the backfill chunk: the leftovers padded with the first nodes of the last full block.
fn blocks(inc: &[u32], mut order: Vec<u32>, m: usize, extra: ChunkExtra) -> Vec<Vec<u32>> {
    let full = order.len() / m;
    for block in order[..full * m].chunks_exact_mut(m) {
        block.sort_unstable();
    }
    let mut out: Vec<Vec<u32>> = order
        .chunks_exact(m)
        .map(|c| merge_sorted(inc, c.iter().copied()))
        .collect();
    let rest = order.len() % m;
    if rest > 0 && full > 0 && extra == ChunkExtra::Backfill {
        let last = &order[(full - 1) * m..full * m];
        let tail = order[full * m..].iter().chain(&last[..m - rest]);
        out.push(merged(inc, tail.copied()));
    }
    out
}

/// The chunk lists of §3.6 for `filtered` (inventory positions, natural order).
pub(crate) fn make_chunks(
    inv: &Inventory,
    filtered: &[u32],
    key: &ChunkKey,
    seed: u64,
) -> Vec<Vec<u32>> {
    if filtered.is_empty() {
        return vec![Vec::new()];
    }
    let inc = &key.include;
    let pool: Vec<u32> = filtered
        .iter()
        .copied()
        .filter(|i| inc.binary_search(i).is_err())
        .collect();
    let k = usize::try_from(key.k).unwrap_or(usize::MAX);
    if k <= inc.len() {
        return vec![inc.clone()];
    }
    let m = k - inc.len();
    let full = pool.len() / m;
    let mut rng = matches!(
        key.selection,
        NodeSelection::Random | NodeSelection::RandDist
    )
    .then(|| Rng::for_stream(seed, key_hash(inv, filtered, key)));
    if matches!(
        key.selection,
        NodeSelection::Contiguous | NodeSelection::Random
    ) {
        // Taking `L[0..m)` each time leaves a suffix, so contiguous chunks are consecutive
        // blocks of L. A uniformly random m-subset of what remains, chunk after chunk, is a
        // consecutive block of a uniformly shuffled L: one O(N) shuffle instead of N lookups.
        let mut order = pool;
        if let Some(r) = rng.as_mut() {
            for i in 0..full * m {
                let j = i + r.below((order.len() - i) as u64) as usize;
                order.swap(i, j);
            }
        }
        return blocks(inc, order, m, key.extra);
    }
    let mut alive = AliveSet::full(pool.len());
    let mut out = Vec::with_capacity(full + 1);
    let mut last: Vec<usize> = Vec::new();
    for _ in 0..full {
        let ranks = stride_ranks(alive.len(), m, &mut rng);
        let positions = alive.take_sorted(&ranks);
        out.push(merge_sorted(inc, positions.iter().map(|&p| pool[p])));
        last = positions;
    }
    if alive.len() > 0 && key.extra == ChunkExtra::Backfill {
        let rest = alive.remaining();
        let pad = last.iter().take(m - rest.len());
        out.push(merged(inc, rest.iter().chain(pad).map(|&p| pool[p])));
    }
    out
}

/// Merges two ascending sequences.
fn merge_sorted(inc: &[u32], picked: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut out = Vec::with_capacity(inc.len() + picked.size_hint().0);
    let mut inc = inc.iter().copied().peekable();
    for p in picked {
        while let Some(i) = inc.next_if(|&i| i < p) {
            out.push(i);
        }
        out.push(p);
    }
    out.extend(inc);
    out
}

fn merged(inc: &[u32], picked: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut v: Vec<u32> = inc.iter().copied().chain(picked).collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
#[path = "chunk_tests.rs"]
mod tests;

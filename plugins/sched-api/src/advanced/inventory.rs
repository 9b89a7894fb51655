//! The memoised node inventory of one advanced plugin (SCHEDULING.md §3.1), held in natural order
//! (C7) with a name index. Everything downstream (filtered lists, chunks, picks) refers to nodes
//! by their `u32` position here, so node lists are shared and compared as integer slices instead
//! of being cloned as strings per test.
//!
//! Chunking reads three facts of every node (its name's hash, free memory, CPUs); they are
//! also kept in compact per-position columns, so that chunking 100 000 nodes walks a few
//! hundred kilobytes instead of every ~200-byte NodeInfo and every name.

use super::parallel::par_chunks;
use super::rng::StableHasher;
use crate::natural::{natural_cmp, natural_key};
use crate::node::NodeInfo;
use std::sync::Arc;

/// A list of inventory positions, ascending (= natural order of the names).
pub type NodeIds = Arc<[u32]>;

/// Config-independent node facts, natural order, names unique. Lookups by name are binary
/// searches in natural order (names equal under `natural_cmp` are byte-identical).
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    nodes: Vec<NodeInfo>,
    /// [`name_hash`] of each node's name.
    name_hashes: Vec<u64>,
    /// `mem_free` of each node (0 when unknown).
    mem_free: Vec<u64>,
    cpus: Vec<Option<u32>>,
}

/// The stable hash of one node name, the unit of chunk fingerprints and chunk-key hashes.
pub fn name_hash(name: &str) -> u64 {
    StableHasher::new().str(name).finish()
}

/// Fewest nodes per thread when hashing names or comparing neighbours (~50 ns each).
const HASH_MIN_PART: usize = 8_192;

/// The columns of `nodes`, and whether every name is naturally before the next one (so the
/// nodes are in natural order and no name repeats: names equal under `natural_cmp` are
/// byte-identical). One pass per part on every core, since scheduler output is usually already
/// in natural order.
fn columns_if_strictly_ordered(nodes: &[NodeInfo]) -> (bool, Columns) {
    let parts = par_chunks(nodes, HASH_MIN_PART, |base, part| {
        // Each part also checks its first node against the previous part's last.
        let seam = base
            .checked_sub(1)
            .and_then(|i| nodes.get(i))
            .zip(part.first())
            .is_none_or(|(a, b)| natural_cmp(&a.name, &b.name).is_lt());
        let ordered = seam
            && part
                .windows(2)
                .all(|w| natural_cmp(&w[0].name, &w[1].name).is_lt());
        (ordered, Columns::of(part))
    });
    let mut all = Columns::with_capacity(nodes.len());
    let mut ordered = true;
    for (ok, part) in parts {
        ordered &= ok;
        all.extend(part);
    }
    (ordered, all)
}

/// The per-position facts chunking reads.
#[derive(Debug, Default)]
struct Columns {
    name_hashes: Vec<u64>,
    mem_free: Vec<u64>,
    cpus: Vec<Option<u32>>,
}

impl Columns {
    fn with_capacity(n: usize) -> Self {
        Columns {
            name_hashes: Vec::with_capacity(n),
            mem_free: Vec::with_capacity(n),
            cpus: Vec::with_capacity(n),
        }
    }

    fn of(nodes: &[NodeInfo]) -> Self {
        Columns {
            name_hashes: nodes.iter().map(|n| name_hash(&n.name)).collect(),
            mem_free: nodes.iter().map(|n| n.mem_free.unwrap_or(0)).collect(),
            cpus: nodes.iter().map(|n| n.cpus).collect(),
        }
    }

    fn extend(&mut self, part: Columns) {
        self.name_hashes.extend(part.name_hashes);
        self.mem_free.extend(part.mem_free);
        self.cpus.extend(part.cpus);
    }
}

impl Inventory {
    /// Sorts `nodes` into natural order. A repeated name is an error
    /// (`duplicate node name <n> in inventory`).
    pub fn new(nodes: Vec<NodeInfo>) -> Result<Inventory, String> {
        if u32::try_from(nodes.len()).is_err() {
            return Err(format!("inventory of {} nodes is too large", nodes.len()));
        }
        let (ordered, columns) = columns_if_strictly_ordered(&nodes);
        let (nodes, columns) = if ordered {
            (nodes, columns)
        } else {
            // A permutation of indices is sorted, so the large records are moved only once.
            let mut order: Vec<usize> = (0..nodes.len()).collect();
            // Byte keys compare far faster than `natural_cmp`; keys are unique up to duplicate
            // names, which the stable sort keeps in input order (and which are rejected below).
            order.sort_by_cached_key(|&i| natural_key(&nodes[i].name));
            let mut slots: Vec<Option<NodeInfo>> = nodes.into_iter().map(Some).collect();
            let nodes: Vec<NodeInfo> = order.iter().filter_map(|&i| slots[i].take()).collect();
            if let Some(w) = nodes.windows(2).find(|w| w[0].name == w[1].name) {
                return Err(format!("duplicate node name {} in inventory", w[0].name));
            }
            let columns = columns_if_strictly_ordered(&nodes).1;
            (nodes, columns)
        };
        Ok(Inventory {
            nodes,
            name_hashes: columns.name_hashes,
            mem_free: columns.mem_free,
            cpus: columns.cpus,
        })
    }

    /// All nodes, natural order.
    pub fn nodes(&self) -> &[NodeInfo] {
        &self.nodes
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The position of `name`, if the inventory has it. O(log n).
    pub fn index_of(&self, name: &str) -> Option<u32> {
        let i = self
            .nodes
            .binary_search_by(|n| natural_cmp(&n.name, name))
            .ok()?;
        u32::try_from(i).ok()
    }

    pub fn get(&self, name: &str) -> Option<&NodeInfo> {
        self.index_of(name).map(|i| self.node(i))
    }

    /// The node at position `i` (positions come from this inventory's own lists).
    pub fn node(&self, i: u32) -> &NodeInfo {
        &self.nodes[i as usize]
    }

    pub fn name(&self, i: u32) -> &str {
        &self.node(i).name
    }

    /// [`name_hash`] of the name of the node at position `i`.
    pub fn name_hash(&self, i: u32) -> u64 {
        self.name_hashes[i as usize]
    }

    /// `mem_free` of the node at position `i`, 0 when unknown.
    pub fn mem_free(&self, i: u32) -> u64 {
        self.mem_free[i as usize]
    }

    /// `cpus` of the node at position `i`.
    pub fn cpus(&self, i: u32) -> Option<u32> {
        self.cpus[i as usize]
    }

    /// Names of `ids`, in the given order.
    pub fn names(&self, ids: &[u32]) -> Vec<String> {
        ids.iter().map(|&i| self.name(i).to_string()).collect()
    }

    /// Positions of those `names` that are in the inventory, ascending, de-duplicated.
    pub fn ids_of<S: AsRef<str>>(&self, names: &[S]) -> Vec<u32> {
        let mut ids: Vec<u32> = names
            .iter()
            .filter_map(|n| self.index_of(n.as_ref()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_and_index() {
        let inv = Inventory::new(
            ["cn10", "cn2", "cn1"]
                .iter()
                .map(|n| NodeInfo::named(*n))
                .collect(),
        )
        .unwrap();
        assert_eq!(inv.names(&[0, 1, 2]), vec!["cn1", "cn2", "cn10"]);
        assert_eq!(inv.index_of("cn10"), Some(2));
        assert_eq!(inv.ids_of(&["cn10", "nope", "cn1", "cn10"]), vec![0, 2]);
        assert_eq!(inv.get("cn2").map(|n| n.name.as_str()), Some("cn2"));
        assert_eq!(inv.name_hash(2), name_hash("cn10"));
        assert_ne!(inv.name_hash(0), inv.name_hash(1));
        assert_eq!((inv.mem_free(0), inv.cpus(0)), (0, None));
    }

    #[test]
    fn large_inventories_are_checked_and_sorted_across_parts() {
        // Sorted except at one spot deep inside the second part, or right at a part seam.
        let n = 3 * HASH_MIN_PART;
        for swap in [HASH_MIN_PART + 17, n / 2 - 1, n / 2] {
            let mut names: Vec<String> = (0..n).map(|i| format!("cn{i}")).collect();
            let sorted = names.clone();
            names.swap(swap, swap + 1);
            assert!(columns_if_strictly_ordered(&[]).0);
            let nodes: Vec<NodeInfo> = names.iter().map(NodeInfo::named).collect();
            assert!(!columns_if_strictly_ordered(&nodes).0, "swap at {swap}");
            let inv = Inventory::new(nodes).unwrap();
            assert_eq!(
                inv.names(&[0, 1, (n - 1) as u32]),
                ["cn0", "cn1", &sorted[n - 1]]
            );
            assert!(inv.nodes().iter().map(|x| &x.name).eq(sorted.iter()));
            assert_eq!(inv.name_hash(swap as u32), name_hash(&sorted[swap]));
        }
    }

    #[test]
    fn duplicates_anywhere_are_found_across_parts() {
        let n = 3 * HASH_MIN_PART;
        for dup in [5, HASH_MIN_PART - 1, HASH_MIN_PART, n - 2] {
            let mut names: Vec<String> = (0..n).map(|i| format!("cn{i}")).collect();
            names[dup + 1] = names[dup].clone();
            let nodes: Vec<NodeInfo> = names.iter().map(NodeInfo::named).collect();
            assert!(!columns_if_strictly_ordered(&nodes).0, "dup at {dup}");
            assert_eq!(
                Inventory::new(nodes).unwrap_err(),
                format!("duplicate node name cn{dup} in inventory")
            );
        }
    }

    #[test]
    fn duplicate_names_are_errors() {
        let e = Inventory::new(vec![NodeInfo::named("a1"), NodeInfo::named("a1")]).unwrap_err();
        assert_eq!(e, "duplicate node name a1 in inventory");
        let nodes = ["b2", "a1", "b2"]
            .iter()
            .map(|n| NodeInfo::named(*n))
            .collect();
        assert_eq!(
            Inventory::new(nodes).unwrap_err(),
            "duplicate node name b2 in inventory"
        );
    }
}

//! The memoised node inventory of one advanced plugin (SCHEDULING.md §3.1), held in natural order
//! (C7) with a name index. Everything downstream (filtered lists, chunks, picks) refers to nodes
//! by their `u32` position here, so node lists are shared and compared as integer slices instead
//! of being cloned as strings per test.

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
}

impl Inventory {
    /// Sorts `nodes` into natural order. A repeated name is an error
    /// (`duplicate node name <n> in inventory`).
    pub fn new(nodes: Vec<NodeInfo>) -> Result<Inventory, String> {
        if u32::try_from(nodes.len()).is_err() {
            return Err(format!("inventory of {} nodes is too large", nodes.len()));
        }
        // Scheduler output is often already in natural order; checking is O(n). Otherwise a
        // permutation of indices is sorted, so the large records are moved only once.
        let sorted = nodes
            .windows(2)
            .all(|w| natural_cmp(&w[0].name, &w[1].name).is_le());
        let nodes = if sorted {
            nodes
        } else {
            let mut order: Vec<usize> = (0..nodes.len()).collect();
            // Byte keys compare far faster than `natural_cmp`; keys are unique up to duplicate
            // names, which the stable sort keeps in input order (and which are rejected below).
            order.sort_by_cached_key(|&i| natural_key(&nodes[i].name));
            let mut slots: Vec<Option<NodeInfo>> = nodes.into_iter().map(Some).collect();
            order.iter().filter_map(|&i| slots[i].take()).collect()
        };
        if let Some(w) = nodes.windows(2).find(|w| w[0].name == w[1].name) {
            return Err(format!("duplicate node name {} in inventory", w[0].name));
        }
        Ok(Inventory { nodes })
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

//! The NodePicker of SCHEDULING.md §3.8: explicit node choice within one chunk, distinct nodes
//! while they last, then least-used first, cyclically from a cursor. A plugin's `node_select`
//! can replace [`NodePicker::pick`] through [`NodeSelect`]; it sees the usage counts, and its
//! choice is counted like the picker's own.

use super::inventory::{Inventory, NodeIds};
use crate::node::NodeInfo;
use crate::schedule::ScheduleConfig;
use crate::scheduler::{AdvancedScheduler, Context};
use std::collections::BTreeMap;

/// A replacement for the default pick (plugin `node_select`, external `node-select`).
pub trait NodeSelect {
    /// `count` distinct chunk node names containing `include`, `None` to use the default
    /// picker, or an error for this launch unit.
    fn select(
        &mut self,
        cfg: &ScheduleConfig,
        chunk: &[&NodeInfo],
        count: u64,
        include: &[String],
        uses: &BTreeMap<String, u64>,
    ) -> Option<Result<Vec<String>, String>>;
}

/// An advanced plugin's `node_select` as a [`NodeSelect`] (errors keep only their message;
/// the unit's tests fail with it).
pub struct PluginSelect<'a> {
    pub plugin: &'a dyn AdvancedScheduler,
    pub cx: &'a Context<'a>,
}

impl NodeSelect for PluginSelect<'_> {
    fn select(
        &mut self,
        cfg: &ScheduleConfig,
        chunk: &[&NodeInfo],
        count: u64,
        include: &[String],
        uses: &BTreeMap<String, u64>,
    ) -> Option<Result<Vec<String>, String>> {
        self.plugin
            .node_select(self.cx, cfg, chunk, count, include, uses)
            .map(|r| r.map_err(|e| e.detail()))
    }
}

/// Node choice within one chunk.
#[derive(Debug, Clone)]
pub struct NodePicker {
    chunk: NodeIds,
    inc: Vec<u32>,
    pool: Vec<u32>,
    /// Uses per pool position.
    uses: Vec<u64>,
    cursor: usize,
    /// Scratch space reused by every pick.
    order: Vec<(u64, usize)>,
}

impl NodePicker {
    /// `inc = include ∩ C`, `pool = C − inc`, all unused, cursor 0.
    pub fn new(chunk: &NodeIds, include: &[u32]) -> NodePicker {
        let inc: Vec<u32> = include
            .iter()
            .copied()
            .filter(|i| chunk.binary_search(i).is_ok())
            .collect();
        let pool: Vec<u32> = chunk
            .iter()
            .copied()
            .filter(|i| inc.binary_search(i).is_err())
            .collect();
        let uses = vec![0; pool.len()];
        NodePicker {
            chunk: chunk.clone(),
            inc,
            pool,
            uses,
            cursor: 0,
            order: Vec::new(),
        }
    }

    /// `k` nodes (clamped to `len(inc)..=len(C)`), natural order: the include nodes plus the
    /// `k − len(inc)` pool nodes ordered by `(uses, (index − cursor) mod len(pool))`.
    /// O(len(C)) per pick.
    pub fn pick(&mut self, k: u64) -> Vec<u32> {
        let k = usize::try_from(k)
            .unwrap_or(usize::MAX)
            .clamp(self.inc.len(), self.chunk.len());
        let m = k - self.inc.len();
        let p = self.pool.len();
        let mut chosen: Vec<u32> = self.inc.clone();
        if m > 0 && p > 0 {
            self.order.clear();
            self.order
                .extend((0..p).map(|i| (self.uses[i], (i + p - self.cursor) % p)));
            self.order.select_nth_unstable(m - 1);
            self.order.truncate(m);
            self.order.sort_unstable();
            let mut last = 0;
            for &(_, dist) in &self.order {
                let i = (dist + self.cursor) % p;
                self.uses[i] += 1;
                chosen.push(self.pool[i]);
                last = i;
            }
            self.cursor = (last + 1) % p;
        }
        chosen.sort_unstable();
        chosen
    }

    /// Counts a choice made elsewhere (a plugin's `node_select`).
    pub fn record(&mut self, nodes: &[u32]) {
        for n in nodes {
            if let Ok(i) = self.pool.binary_search(n) {
                self.uses[i] += 1;
            }
        }
    }

    /// Uses per pool node name (include nodes are not counted), for `node_select`.
    pub fn uses(&self, inv: &Inventory) -> BTreeMap<String, u64> {
        self.pool
            .iter()
            .zip(&self.uses)
            .map(|(&i, &u)| (inv.name(i).to_string(), u))
            .collect()
    }

    /// The include nodes within the chunk.
    pub fn include(&self) -> &[u32] {
        &self.inc
    }

    pub fn chunk(&self) -> &NodeIds {
        &self.chunk
    }
}

/// Checks a `node_select` answer: `count` distinct chunk nodes containing the include nodes.
/// Returns them as inventory positions, natural order.
pub fn check_selection(
    inv: &Inventory,
    picker: &NodePicker,
    count: u64,
    names: &[String],
) -> Result<Vec<u32>, String> {
    let mut ids = Vec::with_capacity(names.len());
    for n in names {
        match inv.index_of(n) {
            Some(i) if picker.chunk().binary_search(&i).is_ok() => ids.push(i),
            _ => {
                return Err(format!(
                    "node_select returned node '{n}', which is not in the chunk"
                ))
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != names.len() || ids.len() as u64 != count {
        return Err(format!(
            "node_select returned {} nodes ({} distinct) but {count} were requested",
            names.len(),
            ids.len()
        ));
    }
    if let Some(&missing) = picker
        .include()
        .iter()
        .find(|i| ids.binary_search(i).is_err())
    {
        return Err(format!(
            "node_select left out include node {}",
            inv.name(missing)
        ));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(n: u32) -> NodeIds {
        (0..n).collect::<Vec<_>>().into()
    }

    #[test]
    fn disjoint_while_nodes_last_then_least_used() {
        let mut p = NodePicker::new(&chunk(6), &[]);
        assert_eq!(p.pick(2), vec![0, 1]);
        assert_eq!(p.pick(2), vec![2, 3]);
        assert_eq!(p.pick(3), vec![0, 4, 5]);
        // uses: 0→2, 1..5→1; cursor after 0 = 1.
        assert_eq!(p.pick(2), vec![1, 2]);
        assert_eq!(p.pick(6), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn include_nodes_are_always_chosen() {
        let mut p = NodePicker::new(&chunk(5), &[2, 9]);
        assert_eq!(p.include(), &[2]);
        assert_eq!(p.pick(2), vec![0, 2]);
        assert_eq!(p.pick(3), vec![1, 2, 3]);
        assert_eq!(p.pick(2), vec![2, 4]);
        assert_eq!(p.pick(0), vec![2]);
        assert_eq!(p.pick(99), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn recorded_choices_count_as_uses() {
        let inv =
            Inventory::new((0..4).map(|i| NodeInfo::named(format!("n{i}"))).collect()).unwrap();
        let mut p = NodePicker::new(&chunk(4), &[]);
        p.record(&[0, 1]);
        assert_eq!(p.uses(&inv)["n0"], 1);
        assert_eq!(p.pick(2), vec![2, 3]);
        let names: Vec<String> = vec!["n1".into(), "n3".into()];
        assert_eq!(check_selection(&inv, &p, 2, &names), Ok(vec![1, 3]));
        let dup: Vec<String> = vec!["n1".into(), "n1".into()];
        assert!(check_selection(&inv, &p, 2, &dup).is_err());
        let foreign: Vec<String> = vec!["zz".into()];
        assert_eq!(
            check_selection(&inv, &p, 1, &foreign),
            Err("node_select returned node 'zz', which is not in the chunk".to_string())
        );
        let p2 = NodePicker::new(&chunk(4), &[0]);
        assert_eq!(
            check_selection(&inv, &p2, 1, &["n1".to_string()]),
            Err("node_select left out include node n0".to_string())
        );
    }
}

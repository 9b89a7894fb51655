//! Tasks per node (SCHEDULING.md §3.10) and `needed(t)` of §3.8: how many nodes an explicit
//! launch of a task-only test takes from its chunk.

use super::range::node_range;
use crate::schedule::{NodeCount, ScheduleConfig};

/// `resolve_tpn(cfg, min_cpus)`: a count as is, a fraction of the smallest CPU count rounded
/// **down** but at least 1, then raised to `min_tasks_per_node`.
pub fn resolve_tpn(cfg: &ScheduleConfig, min_cpus: u64) -> u64 {
    let tpn = match cfg.tasks_per_node {
        NodeCount::Count(n) => n,
        NodeCount::Fraction(r) => r.floor_of(min_cpus).max(1),
    };
    tpn.max(cfg.min_tasks_per_node.unwrap_or(1))
}

/// `needed(t)` for a chunk of `chunk_len` nodes whose smallest CPU count is `min_cpus`: the
/// range maximum when there is one; for task-only configs
/// `min(len(C), max(min, len(include_nodes), ceil(tasks / tpn)))`.
pub fn needed(cfg: &ScheduleConfig, chunk_len: u64, min_cpus: u64) -> u64 {
    let r = node_range(cfg, chunk_len);
    if let Some(max) = r.max {
        return max;
    }
    let tpn = resolve_tpn(cfg, min_cpus).max(1);
    let by_tasks = cfg.tasks.unwrap_or(0).div_ceil(tpn);
    let want = r.min.max(cfg.include_nodes.len() as u64).max(by_tasks);
    want.min(chunk_len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Ratio;

    fn tpn(tpn: NodeCount, min: Option<u64>, cpus: u64) -> u64 {
        let c = ScheduleConfig {
            tasks_per_node: tpn,
            min_tasks_per_node: min,
            ..Default::default()
        };
        resolve_tpn(&c, cpus)
    }

    #[test]
    fn every_form() {
        assert_eq!(tpn(NodeCount::Count(4), None, 36), 4);
        // `all`
        assert_eq!(tpn(NodeCount::Fraction(Ratio::ONE), None, 36), 36);
        // 50% of 36, 33% of 10 rounds down, a small share is at least 1.
        assert_eq!(
            tpn(NodeCount::Fraction(Ratio { num: 1, den: 2 }), None, 36),
            18
        );
        assert_eq!(
            tpn(NodeCount::Fraction(Ratio { num: 33, den: 100 }), None, 10),
            3
        );
        assert_eq!(
            tpn(NodeCount::Fraction(Ratio { num: 1, den: 100 }), None, 10),
            1
        );
        // `min` is Count(1).
        assert_eq!(tpn(NodeCount::Count(1), None, 36), 1);
        assert_eq!(tpn(NodeCount::Count(1), Some(8), 36), 8);
        assert_eq!(tpn(NodeCount::Count(16), Some(8), 36), 16);
    }

    #[test]
    fn needed_nodes() {
        let mut c = ScheduleConfig {
            nodes: Some(NodeCount::Count(3)),
            ..Default::default()
        };
        assert_eq!(needed(&c, 8, 4), 3);
        c.nodes = None;
        c.tasks = Some(10);
        c.tasks_per_node = NodeCount::Count(4);
        assert_eq!(needed(&c, 8, 4), 3);
        c.tasks = Some(100);
        assert_eq!(needed(&c, 8, 4), 8);
        c.tasks = Some(1);
        c.include_nodes = vec!["a".into(), "b".into()];
        assert_eq!(needed(&c, 8, 4), 2);
        c.min_nodes = Some(NodeCount::Count(5));
        assert_eq!(needed(&c, 8, 4), 5);
        c.tasks_per_node = NodeCount::Fraction(Ratio::ONE);
        c.min_nodes = None;
        c.include_nodes.clear();
        c.tasks = Some(9);
        assert_eq!(needed(&c, 8, 4), 3);
    }
}

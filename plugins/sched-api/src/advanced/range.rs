//! Node-range resolution (SCHEDULING.md §3.4) and the flex clamp of §3.5: `nodes`/`min_nodes`
//! against a node count `N`, percentages rounded **up** and never below one node.

use crate::schedule::{NodeCount, ScheduleConfig};

/// `Count(n) → n`; `Fraction(p/q) → max(ceil(p·N/q), 1)`.
pub fn resolve_count(v: NodeCount, n: u64) -> u64 {
    match v {
        NodeCount::Count(c) => c,
        NodeCount::Fraction(r) => r.ceil_of(n).max(1),
    }
}

/// A resolved node range; `max = None` is a task-only request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeRange {
    pub min: u64,
    pub max: Option<u64>,
}

impl NodeRange {
    /// `sched.requested_nodes`: `"N"` when min = max, `"min-max"` otherwise, `""` without a
    /// maximum.
    pub fn requested_text(&self) -> String {
        match self.max {
            None => String::new(),
            Some(m) if m == self.min => m.to_string(),
            Some(m) => format!("{}-{m}", self.min),
        }
    }

    /// `min[-max]` as check 6 writes it: the maximum only when there is one that differs.
    pub fn asked_text(&self) -> String {
        match self.max {
            Some(m) if m != self.min => format!("{}-{m}", self.min),
            _ => self.min.to_string(),
        }
    }
}

/// `node_range(cfg, N)` of §3.4.
pub fn node_range(cfg: &ScheduleConfig, n: u64) -> NodeRange {
    let max = match cfg.nodes {
        None if cfg.tasks.is_some() => None,
        None => Some(1),
        Some(v) => Some(resolve_count(v, n)),
    };
    let min = match cfg.min_nodes {
        None => max.unwrap_or(1),
        Some(v) => resolve_count(v, n),
    };
    NodeRange { min, max }
}

/// The range actually requested from the scheduler: in flex mode a maximum above `f` (the
/// number of filtered nodes) is clamped to `f` when the minimum still fits, with a warning.
pub fn effective_range(cfg: &ScheduleConfig, n: u64, f: u64) -> (NodeRange, Option<String>) {
    let r = node_range(cfg, n);
    match r.max {
        Some(max) if cfg.flex() && max > f && r.min <= f => (
            NodeRange {
                min: r.min,
                max: Some(f),
            },
            Some(format!(
                "requested up to {max} nodes but only {f} remain after filtering; \
                 asking for {}",
                NodeRange {
                    min: r.min,
                    max: Some(f)
                }
                .asked_text()
            )),
        ),
        _ => (r, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Ratio;

    fn cfg(nodes: Option<NodeCount>, min: Option<NodeCount>, tasks: Option<u64>) -> ScheduleConfig {
        ScheduleConfig {
            nodes,
            min_nodes: min,
            tasks,
            ..Default::default()
        }
    }

    const HALF: NodeCount = NodeCount::Fraction(Ratio { num: 1, den: 2 });

    #[test]
    fn counts_and_fractions() {
        assert_eq!(resolve_count(NodeCount::Count(3), 100), 3);
        assert_eq!(
            resolve_count(NodeCount::Fraction(Ratio { num: 7, den: 100 }), 100),
            7
        );
        assert_eq!(resolve_count(HALF, 5), 3);
        assert_eq!(resolve_count(HALF, 0), 1);
        assert_eq!(resolve_count(NodeCount::Fraction(Ratio::ONE), 17), 17);
    }

    #[test]
    fn each_form() {
        let r = |c: &ScheduleConfig, n| node_range(c, n);
        assert_eq!(
            r(&cfg(None, None, None), 10),
            NodeRange {
                min: 1,
                max: Some(1)
            }
        );
        assert_eq!(
            r(&cfg(None, None, Some(8)), 10),
            NodeRange { min: 1, max: None }
        );
        let c = cfg(None, Some(NodeCount::Count(2)), Some(8));
        assert_eq!(r(&c, 10), NodeRange { min: 2, max: None });
        let c = cfg(Some(NodeCount::Count(4)), None, None);
        assert_eq!(
            r(&c, 10),
            NodeRange {
                min: 4,
                max: Some(4)
            }
        );
        let c = cfg(Some(HALF), Some(NodeCount::Count(2)), None);
        assert_eq!(
            r(&c, 9),
            NodeRange {
                min: 2,
                max: Some(5)
            }
        );
        let c = cfg(Some(NodeCount::Count(2)), Some(HALF), None);
        assert_eq!(
            r(&c, 10),
            NodeRange {
                min: 5,
                max: Some(2)
            }
        );
    }

    #[test]
    fn texts() {
        assert_eq!(
            NodeRange {
                min: 3,
                max: Some(3)
            }
            .requested_text(),
            "3"
        );
        assert_eq!(
            NodeRange {
                min: 2,
                max: Some(5)
            }
            .requested_text(),
            "2-5"
        );
        assert_eq!(NodeRange { min: 2, max: None }.requested_text(), "");
        assert_eq!(NodeRange { min: 2, max: None }.asked_text(), "2");
        assert_eq!(
            NodeRange {
                min: 2,
                max: Some(2)
            }
            .asked_text(),
            "2"
        );
        assert_eq!(
            NodeRange {
                min: 2,
                max: Some(4)
            }
            .asked_text(),
            "2-4"
        );
    }

    #[test]
    fn flex_clamp() {
        let c = cfg(Some(NodeCount::Count(10)), Some(NodeCount::Count(2)), None);
        let (r, w) = effective_range(&c, 6, 6);
        assert_eq!(
            r,
            NodeRange {
                min: 2,
                max: Some(6)
            }
        );
        assert_eq!(
            w.as_deref(),
            Some("requested up to 10 nodes but only 6 remain after filtering; asking for 2-6")
        );
        // The minimum does not fit: no clamp (check 6 reports it).
        let c = cfg(Some(NodeCount::Count(10)), None, None);
        assert_eq!(
            effective_range(&c, 6, 6),
            (
                NodeRange {
                    min: 10,
                    max: Some(10)
                },
                None
            )
        );
        // Not flex: no clamp (check 7 reports it).
        let mut c = cfg(Some(NodeCount::Count(10)), Some(NodeCount::Count(2)), None);
        c.across_nodes = vec!["a".into()];
        assert_eq!(effective_range(&c, 6, 6).1, None);
    }
}

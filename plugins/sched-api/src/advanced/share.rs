//! Job sharing (SCHEDULING.md §3.8): the share key with **all** its components, and the grouping
//! of one chunk's tests into launch units (shared groups, lone sharers, individual tests),
//! including the spread-bins rule, ordered by first test id.

use super::range::{effective_range, NodeRange};
use crate::schedule::{NodeState, ScheduleConfig, ShareMode};
use std::collections::HashMap;

/// Which chunk a test runs in: a real chunk `(set id, index)` or the basic tier's pseudo-chunk
/// of `cluster_info.node_count` anonymous nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkIdentity {
    Real { set: usize, index: usize },
    Pseudo { node_count: u64 },
}

/// Tests share a job only when every component is equal (lists compared as ordered lists).
/// `flex` is added to the spec's tuple so that a flex test and a `chunking.size: all` test with
/// identical chunks never end up in one job with an ambiguous node choice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShareKey {
    pub scheduler: String,
    pub chunk: ChunkIdentity,
    pub flex: bool,
    /// `Yes` or `Max` (tests with `No` never get a key).
    pub mode: ShareMode,
    /// `node_range(cfg, len(chunk))`, flex-clamped like the request itself.
    pub range: NodeRange,
    pub tasks: Option<u64>,
    pub partition: Option<String>,
    pub reservation: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
    pub core_spec: Option<u32>,
    pub include_nodes: Vec<String>,
    pub exclude_nodes: Vec<String>,
    pub node_state: NodeState,
    /// The plugin subsection keys that affect the allocation, canonical text values.
    pub alloc_keys: Vec<(String, String)>,
}

/// The share key of a test in a chunk of `chunk_len` nodes.
pub fn share_key(
    scheduler: &str,
    chunk: ChunkIdentity,
    flex: bool,
    cfg: &ScheduleConfig,
    alloc_keys: &[(String, String)],
    chunk_len: u64,
) -> ShareKey {
    ShareKey {
        scheduler: scheduler.to_string(),
        chunk,
        flex,
        mode: cfg.share_allocation,
        range: effective_range(cfg, chunk_len, chunk_len).0,
        tasks: cfg.tasks,
        partition: cfg.partition.clone(),
        reservation: cfg.reservation.clone(),
        account: cfg.account.clone(),
        qos: cfg.qos.clone(),
        core_spec: cfg.core_spec,
        include_nodes: cfg.include_nodes.clone(),
        exclude_nodes: cfg.exclude_nodes.clone(),
        node_state: cfg.node_state,
        alloc_keys: alloc_keys.to_vec(),
    }
}

/// How a launch unit gets its nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// Several tests (or one spread bin) in one job.
    Shared,
    /// One test, the scheduler picks the nodes.
    IndivFlex,
    /// One test, loggia picks the nodes from its chunk.
    IndivChunk,
}

/// One test of a chunk, as grouping sees it.
pub(crate) struct Member<'a> {
    pub id: u64,
    pub cfg: &'a ScheduleConfig,
    pub key: ShareKey,
    /// `chunked(t)`: `chunking.size` set and not 0 (always false on the basic tier).
    pub chunked: bool,
}

/// Groups one chunk's members (test-id order) into units of member indices, ordered by their
/// first test id.
pub(crate) fn group_units(members: &[Member<'_>], chunk_len: u64) -> Vec<(UnitKind, Vec<usize>)> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_key: HashMap<&ShareKey, usize> = HashMap::new();
    let mut indiv: Vec<usize> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if m.cfg.share_allocation == ShareMode::No {
            indiv.push(i);
            continue;
        }
        let slot = *by_key.entry(&m.key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[slot].push(i);
    }
    let mut units = Vec::new();
    for g in groups {
        if g.len() == 1 {
            indiv.push(g[0]);
            continue;
        }
        let first = &members[g[0]];
        match first.key.range.max {
            Some(mx) if first.key.mode != ShareMode::Max && !first.chunked => {
                let bins = usize::try_from(chunk_len / mx.max(1))
                    .unwrap_or(usize::MAX)
                    .max(1);
                let mut out: Vec<Vec<usize>> = vec![Vec::new(); bins.min(g.len())];
                for (j, t) in g.iter().enumerate() {
                    out[j % bins].push(*t);
                }
                units.extend(out.into_iter().map(|b| (UnitKind::Shared, b)));
            }
            _ => units.push((UnitKind::Shared, g)),
        }
    }
    for i in indiv {
        let kind = if members[i].key.flex {
            UnitKind::IndivFlex
        } else {
            UnitKind::IndivChunk
        };
        units.push((kind, vec![i]));
    }
    units.sort_by_key(|(_, tests)| members[tests[0]].id);
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::NodeCount;

    const CHUNK: ChunkIdentity = ChunkIdentity::Real { set: 0, index: 0 };

    fn key(c: &ScheduleConfig) -> ShareKey {
        share_key("slurm", CHUNK, c.flex(), c, &[], 10)
    }

    #[test]
    fn every_component_separates() {
        let base = ScheduleConfig {
            nodes: Some(NodeCount::Count(2)),
            ..Default::default()
        };
        let k0 = key(&base);
        let variants: Vec<(&str, ScheduleConfig)> = vec![
            (
                "mode",
                ScheduleConfig {
                    share_allocation: ShareMode::Max,
                    ..base.clone()
                },
            ),
            (
                "max",
                ScheduleConfig {
                    nodes: Some(NodeCount::Count(3)),
                    ..base.clone()
                },
            ),
            (
                "min",
                ScheduleConfig {
                    min_nodes: Some(NodeCount::Count(1)),
                    ..base.clone()
                },
            ),
            (
                "tasks",
                ScheduleConfig {
                    tasks: Some(4),
                    ..base.clone()
                },
            ),
            (
                "partition",
                ScheduleConfig {
                    partition: Some("p".into()),
                    ..base.clone()
                },
            ),
            (
                "reservation",
                ScheduleConfig {
                    reservation: Some("r".into()),
                    ..base.clone()
                },
            ),
            (
                "account",
                ScheduleConfig {
                    account: Some("a".into()),
                    ..base.clone()
                },
            ),
            (
                "qos",
                ScheduleConfig {
                    qos: Some("q".into()),
                    ..base.clone()
                },
            ),
            (
                "core_spec",
                ScheduleConfig {
                    core_spec: Some(0),
                    ..base.clone()
                },
            ),
            (
                "include",
                ScheduleConfig {
                    include_nodes: vec!["n1".into()],
                    ..base.clone()
                },
            ),
            (
                "exclude",
                ScheduleConfig {
                    exclude_nodes: vec!["n1".into()],
                    ..base.clone()
                },
            ),
            (
                "node_state",
                ScheduleConfig {
                    node_state: NodeState::Available,
                    ..base.clone()
                },
            ),
        ];
        for (what, c) in &variants {
            assert_ne!(key(c), k0, "{what} must be part of the share key");
        }
        let other_chunk = share_key(
            "slurm",
            ChunkIdentity::Real { set: 0, index: 1 },
            true,
            &base,
            &[],
            10,
        );
        assert_ne!(other_chunk, k0, "chunk");
        assert_ne!(
            share_key("pbs", CHUNK, true, &base, &[], 10),
            k0,
            "scheduler"
        );
        assert_ne!(share_key("slurm", CHUNK, false, &base, &[], 10), k0, "flex");
        let alloc = [("features".to_string(), "[\"gpu\"]".to_string())];
        assert_ne!(
            share_key("slurm", CHUNK, true, &base, &alloc, 10),
            k0,
            "plugin keys"
        );
        let slow = ScheduleConfig {
            time_limit_s: 7200,
            ..base.clone()
        };
        assert_eq!(key(&slow), k0, "time_limit is not part of the key");
    }

    fn members<'a>(cfgs: &'a [ScheduleConfig]) -> Vec<Member<'a>> {
        cfgs.iter()
            .enumerate()
            .map(|(i, c)| Member {
                id: 10 + i as u64,
                cfg: c,
                key: key(c),
                chunked: c.chunking.size.is_some(),
            })
            .collect()
    }

    fn ids(units: &[(UnitKind, Vec<usize>)]) -> Vec<(UnitKind, Vec<usize>)> {
        units.to_vec()
    }

    #[test]
    fn modes_lone_sharers_and_spread_bins() {
        let two = ScheduleConfig {
            nodes: Some(NodeCount::Count(2)),
            ..Default::default()
        };
        let no = ScheduleConfig {
            share_allocation: ShareMode::No,
            ..two.clone()
        };
        let max = ScheduleConfig {
            share_allocation: ShareMode::Max,
            ..two.clone()
        };
        let lone = ScheduleConfig {
            nodes: Some(NodeCount::Count(3)),
            ..Default::default()
        };
        let cfgs = vec![
            two.clone(),
            no,
            max.clone(),
            two.clone(),
            lone,
            max,
            two.clone(),
            two.clone(),
            two.clone(),
            two.clone(),
            two.clone(),
            two,
        ];
        let m = members(&cfgs);
        // Chunk of 10 nodes, max 2 → 5 bins over the eight `two` tests.
        let u = group_units(&m, 10);
        use UnitKind::*;
        assert_eq!(
            ids(&u),
            vec![
                (Shared, vec![0, 9]),
                (IndivFlex, vec![1]),
                (Shared, vec![2, 5]),
                (Shared, vec![3, 10]),
                (IndivFlex, vec![4]),
                (Shared, vec![6, 11]),
                (Shared, vec![7]),
                (Shared, vec![8]),
            ]
        );
        // Without a maximum (task-only) or with chunking there is one shared unit.
        let t = ScheduleConfig {
            tasks: Some(4),
            ..Default::default()
        };
        let mut chunked = t.clone();
        chunked.chunking.size = Some(NodeCount::Count(5));
        for c in [t, chunked] {
            let cfgs = vec![c.clone(), c.clone(), c];
            let u = group_units(&members(&cfgs), 10);
            let kind = u[0].0;
            assert_eq!(ids(&u), vec![(kind, vec![0, 1, 2])]);
            assert_eq!(kind, Shared);
        }
    }

    #[test]
    fn non_flex_singles_are_chunk_units() {
        let c = ScheduleConfig {
            across_nodes: vec!["n1".into()],
            ..Default::default()
        };
        let no = ScheduleConfig {
            share_allocation: ShareMode::No,
            ..c.clone()
        };
        let cfgs = vec![c, no];
        let u = group_units(&members(&cfgs), 1);
        assert_eq!(
            ids(&u),
            vec![
                (UnitKind::IndivChunk, vec![0]),
                (UnitKind::IndivChunk, vec![1])
            ]
        );
    }
}

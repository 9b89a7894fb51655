//! `schedule_tests` (SCHEDULING.md §3.8, §3.9) as a pure planner: assign chunks, group each
//! chunk's tests into launch units, and give every unit its `NodeSpec`, time limit and chunk.
//! The caller then kicks off the units in order; a unit's failure affects only its own tests.

use super::chunk::ChunkSet;
use super::inventory::Inventory;
use super::picker::{check_selection, NodePicker, NodeSelect};
use super::range::{effective_range, NodeRange};
use super::select::{ChunkAssigner, ChunkChoice, SelectEnv};
use super::share::{group_units, share_key, ChunkIdentity, Member, UnitKind};
use super::tpn::needed;
use crate::kickoff::NodeSpec;
use crate::node::NodeInfo;
use crate::schedule::ScheduleConfig;
use std::collections::HashMap;
use std::sync::Arc;

/// One test handed to [`schedule_tests`].
#[derive(Debug, Clone)]
pub struct GroupInput<'a> {
    /// Orders tests (test-id order) and names them in the output.
    pub id: u64,
    pub cfg: &'a ScheduleConfig,
    /// The plugin allocation keys ([`crate::schedule::allocation_keys`]).
    pub alloc_keys: Vec<(String, String)>,
    /// The test's chunk set, from the [`super::ChunkCache`] at resolution.
    pub chunks: Arc<ChunkSet>,
    pub choice: ChunkChoice,
}

/// One test handed to [`schedule_tests_basic`].
#[derive(Debug, Clone)]
pub struct BasicGroupInput<'a> {
    pub id: u64,
    pub cfg: &'a ScheduleConfig,
    pub alloc_keys: Vec<(String, String)>,
}

/// The chunk a unit runs in, as recorded in the job `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkRef {
    /// The chunk set's id in this invocation (chunk identity is `(set, index)`).
    pub set: usize,
    pub index: usize,
    /// Stable hash of the chunk's node names.
    pub fingerprint: u64,
}

/// One job to submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchUnit {
    pub kind: UnitKind,
    /// Test ids, ascending. The first one's config is the job's `schedule`.
    pub tests: Vec<u64>,
    /// The nodes, or why none could be chosen (this unit's tests fail, the rest go on).
    pub node_spec: Result<NodeSpec, String>,
    /// Maximum `time_limit` over this unit's own tests, seconds.
    pub time_limit_s: u64,
    /// `None` on the basic tier.
    pub chunk: Option<ChunkRef>,
}

/// The planned launches of one `schedule_tests` call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Chunk by chunk (order of first assignment), each chunk's units by first test id.
    pub units: Vec<LaunchUnit>,
    /// Tests that could not be assigned a chunk, with the reason.
    pub errors: Vec<(u64, String)>,
}

fn range_spec(r: NodeRange, cfg: &ScheduleConfig) -> NodeSpec {
    NodeSpec::Range {
        min: r.min,
        max: r.max,
        include: cfg.include_nodes.clone(),
        exclude: cfg.exclude_nodes.clone(),
    }
}

/// Plans the launches of advanced-tier tests. `select` replaces the default node picker when
/// the plugin has a `node_select`.
pub fn schedule_tests(
    scheduler: &str,
    inv: &Inventory,
    tests: &[GroupInput<'_>],
    env: &mut dyn SelectEnv,
    mut select: Option<&mut dyn NodeSelect>,
) -> Plan {
    let mut order: Vec<usize> = (0..tests.len()).collect();
    order.sort_by_key(|&i| tests[i].id);
    let mut plan = Plan::default();
    let mut assigner = ChunkAssigner::new();
    let mut chunk_order: Vec<(usize, usize)> = Vec::new();
    let mut per_chunk: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for i in order {
        let t = &tests[i];
        match assigner.assign(&t.chunks, t.choice, env) {
            Ok(index) => {
                let slot = (t.chunks.id, index);
                per_chunk
                    .entry(slot)
                    .or_insert_with(|| {
                        chunk_order.push(slot);
                        Vec::new()
                    })
                    .push(i);
            }
            Err(e) => plan.errors.push((t.id, e)),
        }
    }
    for slot in chunk_order {
        let idxs = per_chunk.remove(&slot).unwrap_or_default();
        let Some(&first) = idxs.first() else { continue };
        let set = tests[first].chunks.clone();
        let Some(chunk) = set.chunks.get(slot.1) else {
            continue;
        };
        let clen = chunk.nodes.len() as u64;
        let ident = ChunkIdentity::Real {
            set: slot.0,
            index: slot.1,
        };
        let members: Vec<Member<'_>> = idxs
            .iter()
            .map(|&i| {
                let t = &tests[i];
                Member {
                    id: t.id,
                    cfg: t.cfg,
                    key: share_key(scheduler, ident, t.cfg.flex(), t.cfg, &t.alloc_keys, clen),
                    chunked: t.cfg.chunking.size.is_some(),
                }
            })
            .collect();
        let mut picker = NodePicker::new(&chunk.nodes, &set.key.include);
        let chunk_ref = ChunkRef {
            set: slot.0,
            index: slot.1,
            fingerprint: chunk.fingerprint,
        };
        for (kind, ms) in group_units(&members, clen) {
            let lead = &members[ms[0]];
            let cfg = lead.cfg;
            let node_spec = match kind {
                UnitKind::Shared if lead.key.flex => Ok(range_spec(lead.key.range, cfg)),
                UnitKind::IndivFlex => Ok(range_spec(effective_range(cfg, clen, clen).0, cfg)),
                UnitKind::Shared | UnitKind::IndivChunk => {
                    let min_cpus = chunk
                        .min_cpus
                        .map_or(u64::from(cfg.cluster_info.cpus), u64::from);
                    let count = needed(cfg, clen, min_cpus);
                    explicit(inv, cfg, &mut picker, count, select.as_deref_mut())
                }
            };
            plan.units.push(LaunchUnit {
                kind,
                tests: ms.iter().map(|&m| members[m].id).collect(),
                node_spec,
                time_limit_s: ms
                    .iter()
                    .map(|&m| members[m].cfg.time_limit_s)
                    .max()
                    .unwrap_or(0),
                chunk: Some(chunk_ref),
            });
        }
    }
    plan
}

fn explicit<'s>(
    inv: &Inventory,
    cfg: &ScheduleConfig,
    picker: &mut NodePicker,
    count: u64,
    select: Option<&mut (dyn NodeSelect + 's)>,
) -> Result<NodeSpec, String> {
    if picker.chunk().is_empty() {
        return Err("no nodes are left after filtering to choose from".to_string());
    }
    let count = count.clamp(picker.include().len() as u64, picker.chunk().len() as u64);
    let chosen = match select {
        Some(hook) => {
            let nodes: Vec<&NodeInfo> = picker.chunk().iter().map(|&i| inv.node(i)).collect();
            let include = inv.names(picker.include());
            match hook.select(cfg, &nodes, count, &include, &picker.uses(inv)) {
                None => picker.pick(count),
                Some(Err(e)) => return Err(e),
                Some(Ok(names)) => {
                    let ids = check_selection(inv, picker, count, &names)?;
                    picker.record(&ids);
                    ids
                }
            }
        }
        None => picker.pick(count),
    };
    if chosen.is_empty() {
        return Err("no nodes were chosen".to_string());
    }
    Ok(NodeSpec::Explicit {
        nodes: inv.names(&chosen),
    })
}

/// Plans the launches of basic-tier tests (§3.9): one pseudo-chunk of
/// `cluster_info.node_count` anonymous nodes per distinct node count, every unit a `Range`.
pub fn schedule_tests_basic(scheduler: &str, tests: &[BasicGroupInput<'_>]) -> Vec<LaunchUnit> {
    let mut order: Vec<usize> = (0..tests.len()).collect();
    order.sort_by_key(|&i| tests[i].id);
    let mut chunk_order: Vec<u64> = Vec::new();
    let mut per_chunk: HashMap<u64, Vec<usize>> = HashMap::new();
    for i in order {
        let nc = tests[i].cfg.cluster_info.node_count;
        per_chunk
            .entry(nc)
            .or_insert_with(|| {
                chunk_order.push(nc);
                Vec::new()
            })
            .push(i);
    }
    let mut units = Vec::new();
    for nc in chunk_order {
        let idxs = per_chunk.remove(&nc).unwrap_or_default();
        let ident = ChunkIdentity::Pseudo { node_count: nc };
        let members: Vec<Member<'_>> = idxs
            .iter()
            .map(|&i| {
                let t = &tests[i];
                Member {
                    id: t.id,
                    cfg: t.cfg,
                    // Basic plugins ignore `across_nodes` and `chunking`: every launch is flex.
                    key: share_key(scheduler, ident, true, t.cfg, &t.alloc_keys, nc),
                    chunked: false,
                }
            })
            .collect();
        for (kind, ms) in group_units(&members, nc) {
            let lead = &members[ms[0]];
            let range = match kind {
                UnitKind::Shared => lead.key.range,
                _ => effective_range(lead.cfg, nc, nc).0,
            };
            units.push(LaunchUnit {
                kind,
                tests: ms.iter().map(|&m| members[m].id).collect(),
                node_spec: Ok(range_spec(range, lead.cfg)),
                time_limit_s: ms
                    .iter()
                    .map(|&m| members[m].cfg.time_limit_s)
                    .max()
                    .unwrap_or(0),
                chunk: None,
            });
        }
    }
    units
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;

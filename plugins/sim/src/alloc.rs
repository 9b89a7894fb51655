//! Which nodes a sim job gets, and where they are recorded. An `Explicit` spec is honoured by
//! name; a `Range` spec gets `min` nodes chosen from the inventory the way a batch system would:
//! the include nodes, then up and available nodes, then nodes that are up but busy, each group in
//! natural order. The choice is written to [`NODES_FILE`] in the job directory before the job
//! starts, and `alloc_nodes` reads it back inside the job.

use loggia_sched::advanced::{aggregate_reasons, filter_nodes, Inventory, NodeHooks};
use loggia_sched::hostlist::{self, Style};
use loggia_sched::natural::natural_sort_dedup;
use loggia_sched::schedule::NodeState;
use loggia_sched::{NodeSpec, SchedError, ScheduleConfig};
use std::path::Path;

/// The job directory file listing the job's nodes, one per line, natural order.
pub const NODES_FILE: &str = "sim_nodes";

/// The nodes of a job with `spec` under the job's config `cfg`.
pub fn choose_nodes(
    inv: &Inventory,
    cfg: &ScheduleConfig,
    hooks: &dyn NodeHooks,
    spec: &NodeSpec,
) -> Result<Vec<String>, String> {
    match spec {
        NodeSpec::Explicit { nodes } => {
            if nodes.is_empty() {
                return Err("an explicit node list must not be empty".to_string());
            }
            if let Some(n) = nodes.iter().find(|n| inv.index_of(n).is_none()) {
                return Err(format!("node {n} is not in the sim inventory"));
            }
            let mut nodes = nodes.clone();
            natural_sort_dedup(&mut nodes);
            Ok(nodes)
        }
        NodeSpec::Range {
            min,
            include,
            exclude,
            ..
        } => pick_range(inv, cfg, hooks, (*min).max(1), include, exclude),
    }
}

/// `min` nodes containing `include` and avoiding `exclude` (see the module docs).
fn pick_range(
    inv: &Inventory,
    cfg: &ScheduleConfig,
    hooks: &dyn NodeHooks,
    min: u64,
    include: &[String],
    exclude: &[String],
) -> Result<Vec<String>, String> {
    // A batch system allocates busy nodes too (the job waits), so only `up` is required; the
    // request's exclude list joins the config's, and every other filter step applies as usual.
    let mut cfg = cfg.clone();
    cfg.node_state = NodeState::Up;
    cfg.exclude_nodes.extend(exclude.iter().cloned());
    let filtered = filter_nodes(inv, &cfg, hooks);

    let mut chosen: Vec<u32> = Vec::new();
    for name in include {
        let Some(id) = inv.index_of(name) else {
            return Err(format!("include node {name} is not in the sim inventory"));
        };
        if let Some((_, reason)) = filtered.removed.iter().find(|(i, _)| *i == id) {
            return Err(format!("include node {name} cannot be allocated: {reason}"));
        }
        if !chosen.contains(&id) {
            chosen.push(id);
        }
    }
    let (free, busy): (Vec<u32>, Vec<u32>) = filtered
        .kept
        .iter()
        .copied()
        .filter(|id| !chosen.contains(id))
        .partition(|&id| hooks.classify(&cfg, inv.node(id)).1);
    let want = usize::try_from(min).unwrap_or(usize::MAX);
    for id in free.into_iter().chain(busy) {
        if chosen.len() >= want {
            break;
        }
        chosen.push(id);
    }
    if chosen.len() < want {
        let mut msg = format!(
            "cannot allocate {min} nodes: only {} of the {} inventory nodes qualify",
            filtered.kept.len(),
            inv.len()
        );
        for (reason, names) in aggregate_reasons(inv, &filtered.removed) {
            msg.push_str(&format!(
                "\n  ({}) {reason}: {}",
                names.len(),
                hostlist::compress(&names, Style::Extended)
            ));
        }
        return Err(msg);
    }
    chosen.sort_unstable();
    Ok(inv.names(&chosen))
}

/// Writes the job's node list into `job_dir`.
pub fn write_nodes(job_dir: &Path, nodes: &[String]) -> Result<(), SchedError> {
    let path = job_dir.join(NODES_FILE);
    let mut text = nodes.join("\n");
    text.push('\n');
    std::fs::write(&path, text)
        .map_err(|e| SchedError::msg(format!("cannot write {}: {e}", path.display())))
}

/// Reads the node list that kickoff recorded in `job_dir`.
pub fn read_nodes(job_dir: &Path) -> Result<Vec<String>, SchedError> {
    let path = job_dir.join(NODES_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        SchedError::msg(format!(
            "cannot read the sim job's node list {}: {e}",
            path.display()
        ))
    })?;
    let nodes: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if nodes.is_empty() {
        return Err(SchedError::msg(format!(
            "the sim job's node list {} is empty",
            path.display()
        )));
    }
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use loggia_sched::advanced::DefaultHooks;
    use loggia_sched::NodeInfo;

    /// n1..n8: n2 down, n3 and n6 busy (up, not available), n8 in partition `debug` only.
    fn inv() -> Inventory {
        let nodes = (1..=8)
            .map(|i| {
                let mut n = NodeInfo::named(format!("n{i}"));
                n.partitions = Some(vec![if i == 8 { "debug" } else { "batch" }.into()]);
                match i {
                    2 => (n.up, n.available) = (false, false),
                    3 | 6 => n.available = false,
                    _ => {}
                }
                n
            })
            .collect();
        Inventory::new(nodes).unwrap()
    }

    fn range(min: u64, include: &[&str], exclude: &[&str]) -> NodeSpec {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
        NodeSpec::Range {
            min,
            max: None,
            include: v(include),
            exclude: v(exclude),
        }
    }

    fn pick(cfg: &ScheduleConfig, spec: &NodeSpec) -> Result<Vec<String>, String> {
        choose_nodes(&inv(), cfg, &DefaultHooks, spec)
    }

    #[test]
    fn available_nodes_first_in_natural_order() {
        let cfg = ScheduleConfig::default();
        assert_eq!(pick(&cfg, &range(3, &[], &[])).unwrap(), ["n1", "n4", "n5"]);
        // Busy nodes only once the available ones are used up.
        assert_eq!(
            pick(&cfg, &range(7, &[], &[])).unwrap(),
            ["n1", "n3", "n4", "n5", "n6", "n7", "n8"]
        );
    }

    #[test]
    fn include_and_exclude_are_honoured() {
        let cfg = ScheduleConfig::default();
        assert_eq!(
            pick(&cfg, &range(3, &["n6"], &["n1", "n4"])).unwrap(),
            ["n5", "n6", "n7"]
        );
        let cfg = ScheduleConfig {
            exclude_nodes: vec!["n5".into()],
            partition: Some("batch".into()),
            ..Default::default()
        };
        assert_eq!(
            pick(&cfg, &range(4, &[], &["n1"])).unwrap(),
            ["n3", "n4", "n6", "n7"]
        );
    }

    #[test]
    fn impossible_requests_say_why() {
        let cfg = ScheduleConfig {
            partition: Some("batch".into()),
            ..Default::default()
        };
        assert_eq!(
            pick(&cfg, &range(7, &[], &["n7"])).unwrap_err(),
            "cannot allocate 7 nodes: only 5 of the 8 inventory nodes qualify\n  \
             (1) not up (state unknown): n2\n  \
             (1) excluded by schedule.exclude_nodes: n7\n  \
             (1) not in partition 'batch': n8"
        );
        assert_eq!(
            pick(&cfg, &range(1, &["n9"], &[])).unwrap_err(),
            "include node n9 is not in the sim inventory"
        );
        assert_eq!(
            pick(&cfg, &range(1, &["n2"], &[])).unwrap_err(),
            "include node n2 cannot be allocated: not up (state unknown)"
        );
    }

    #[test]
    fn explicit_nodes_are_used_by_name() {
        let cfg = ScheduleConfig::default();
        let spec = |v: &[&str]| NodeSpec::Explicit {
            nodes: v.iter().map(|x| x.to_string()).collect(),
        };
        // Even a down node: loggia chose it, and a batch system would queue the job.
        assert_eq!(
            pick(&cfg, &spec(&["n2", "n10", "n1"])).unwrap_err(),
            "node n10 is not in the sim inventory"
        );
        assert_eq!(pick(&cfg, &spec(&["n2", "n1"])).unwrap(), ["n1", "n2"]);
        assert_eq!(
            pick(&cfg, &spec(&[])).unwrap_err(),
            "an explicit node list must not be empty"
        );
    }

    #[test]
    fn node_file_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let nodes = vec!["n1".to_string(), "n10".to_string()];
        write_nodes(dir.path(), &nodes).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join(NODES_FILE)).unwrap(),
            "n1\nn10\n"
        );
        assert_eq!(read_nodes(dir.path()).unwrap(), nodes);
        std::fs::write(dir.path().join(NODES_FILE), "\n \n").unwrap();
        let e = read_nodes(dir.path()).unwrap_err().message;
        assert!(e.ends_with("sim_nodes is empty"), "{e}");
        let e = read_nodes(&dir.path().join("nope")).unwrap_err().message;
        assert!(e.starts_with("cannot read the sim job's node list"), "{e}");
    }
}

//! Inside the allocation: the allocation's nodes (SCHEDULING.md §6.6) and the launcher parts of
//! `sched.test_cmd` (§4.3).
//!
//! The srun form adds `--overlap`: the in-allocation runner may run several tests of a shared
//! job at once, each as a job step on the same nodes, and since Slurm 20.11 a step that asks
//! for CPUs already held by a running step waits ("Requested nodes are busy") unless it may
//! overlap. `--overlap` lets the steps share the allocation, which is what `run.concurrent > 1`
//! asks for, and changes nothing when steps run one at a time.

use crate::schema::NAME;
use loggia_sched::hostlist::{self, compress, Style};
use loggia_sched::{LaunchInput, SchedError};

/// The allocation's node names, from `SLURM_JOB_NODELIST` (else `SLURM_NODELIST`), expanded
/// and de-duplicated in Slurm's order. `var` reads the environment (a seam for tests).
pub fn alloc_nodes(var: &dyn Fn(&str) -> Option<String>) -> Result<Vec<String>, SchedError> {
    let (name, list) = ["SLURM_JOB_NODELIST", "SLURM_NODELIST"]
        .into_iter()
        .find_map(|k| var(k).filter(|v| !v.trim().is_empty()).map(|v| (k, v)))
        .ok_or_else(|| {
            SchedError::msg(
                "not inside a Slurm allocation: SLURM_JOB_NODELIST and SLURM_NODELIST are unset",
            )
        })?;
    let nodes = hostlist::expand_dedup(list.trim())
        .map_err(|e| SchedError::msg(format!("cannot read {name}: {e}")))?;
    if nodes.is_empty() {
        return Err(SchedError::msg(format!("{name} names no nodes: '{list}'")));
    }
    Ok(nodes)
}

/// The launcher parts (§4.3) for `slurm.mpi_cmd` = `srun` (default) or `mpirun`.
pub fn test_cmd(input: &LaunchInput) -> Vec<String> {
    let cfg = &input.schedule;
    let n = input.nodes.len().to_string();
    let t = input.tasks_total.to_string();
    if cfg.plugin_str(NAME, "mpi_cmd") == Some("mpirun") {
        let p = input.tasks_per_node.to_string();
        let mut parts = vec![
            "mpirun".to_string(),
            "-np".into(),
            t,
            "-N".into(),
            p.clone(),
        ];
        let o = &cfg.mpirun_opts;
        if let Some(r) = &o.rank_by {
            parts.extend(["--rank-by".to_string(), r.clone()]);
        }
        if let Some(b) = &o.bind_to {
            parts.extend(["--bind-to".to_string(), b.clone()]);
        }
        for (k, v) in &o.mca {
            parts.extend(["--mca".to_string(), k.clone(), v.clone()]);
        }
        parts.extend(o.extra.iter().cloned());
        let hosts: Vec<String> = input.nodes.iter().map(|h| format!("{h}:{p}")).collect();
        parts.extend(["--host".to_string(), hosts.join(",")]);
        return parts;
    }
    let mut parts = vec![
        "srun".to_string(),
        "-N".into(),
        n,
        "-w".into(),
        compress(&input.nodes, Style::Slurm),
        "-n".into(),
        t,
        "--overlap".into(),
    ];
    parts.extend(cfg.plugin_list(NAME, "srun_extra").iter().cloned());
    parts
}

#[cfg(test)]
#[path = "launch_tests.rs"]
mod tests;

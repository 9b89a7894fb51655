//! The `#SBATCH` header lines of a kickoff script (SCHEDULING.md §6.3), exact and in order.

use crate::schema::NAME;
use loggia_sched::hostlist::{compress, Style};
use loggia_sched::{KickoffRequest, NodeSpec};

/// A time limit for Slurm: whole minutes, rounded up (C6), as `H:MM:SS`, or `D-HH:MM:SS` from
/// 24 hours on. At least one minute: Slurm reads `0` as "no limit".
pub fn format_time(secs: u64) -> String {
    let mins = secs.div_ceil(60).max(1);
    let (h, m) = (mins / 60, mins % 60);
    if h >= 24 {
        format!("{}-{:02}:{:02}:00", h / 24, h % 24, m)
    } else {
        format!("{h}:{m:02}:00")
    }
}

/// Feature entries joined by `&`, an entry with alternatives written `(a|b)`.
pub fn feature_expr<S: AsRef<str>>(features: &[S]) -> String {
    features
        .iter()
        .map(|f| {
            let f = f.as_ref();
            if f.contains('|') {
                format!("({f})")
            } else {
                f.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The `--nodes` value, or `None` when the line is omitted.
pub fn nodes_spec(spec: &NodeSpec) -> Option<String> {
    match spec {
        NodeSpec::Explicit { nodes } => Some(nodes.len().to_string()),
        NodeSpec::Range { min, max, .. } => match max {
            Some(max) if max > min => Some(format!("{min}-{max}")),
            Some(_) => Some(min.to_string()),
            None if *min > 1 => Some(min.to_string()),
            None => None,
        },
    }
}

/// The header lines of `req`, in the §6.3 order.
pub fn header_lines(req: &KickoffRequest) -> Vec<String> {
    let cfg = &req.schedule;
    let mut out = vec![format!("#SBATCH --job-name={}", req.job_name)];
    let mut opt = |flag: &str, v: Option<String>| {
        if let Some(v) = v {
            out.push(format!("#SBATCH --{flag}={v}"));
        }
    };
    opt("core-spec", cfg.core_spec.map(|c| c.to_string()));
    opt("partition", cfg.partition.clone());
    opt("reservation", cfg.reservation.clone());
    opt("qos", cfg.qos.clone());
    opt("account", cfg.account.clone());
    let features = cfg.plugin_list(NAME, "features");
    opt(
        "constraint",
        (!features.is_empty()).then(|| feature_expr(features)),
    );
    opt("time", Some(format_time(req.time_limit_s)));
    let (nodelist, exclude): (&[String], &[String]) = match &req.node_spec {
        NodeSpec::Explicit { nodes } => (nodes, &[]),
        NodeSpec::Range {
            include, exclude, ..
        } => (include, exclude),
    };
    opt(
        "nodelist",
        (!nodelist.is_empty()).then(|| compress(nodelist, Style::Slurm)),
    );
    opt(
        "exclude",
        (!exclude.is_empty()).then(|| compress(exclude, Style::Slurm)),
    );
    opt("nodes", nodes_spec(&req.node_spec));
    opt("ntasks", cfg.tasks.map(|t| t.to_string()));
    if cfg.plugin_bool(NAME, "exclusive").unwrap_or(true) {
        out.push("#SBATCH --exclusive".to_string());
    }
    for item in cfg.plugin_list(NAME, "sbatch_extra") {
        out.push(format!("#SBATCH {}", item.trim()));
    }
    out
}

#[cfg(test)]
#[path = "header_tests.rs"]
mod tests;

//! Config-time checks (SCHEDULING.md §3.5): after filtering and chunking, each failed check adds
//! one message to the test's `sched.errors` (rows 1–11, in row order), and the flex clamp adds a
//! warning. The texts are normative.

use super::chunk::{chunk_size, ChunkSet};
use super::filter::{aggregate_reasons, Filtered};
use super::inventory::Inventory;
use super::range::{effective_range, node_range};
use super::select::{index_error, parse_chunk, ChunkChoice};
use crate::hostlist::{compress, Style};
use crate::schedule::ScheduleConfig;

/// Everything the checks look at.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    /// The plugin name, for row 1 (`not in the <plugin> inventory`).
    pub plugin: &'a str,
    pub inv: &'a Inventory,
    pub cfg: &'a ScheduleConfig,
    pub filtered: &'a Filtered,
    pub chunks: &'a ChunkSet,
    /// The raw top-level `chunk:` value (`None` = unset = `any`).
    pub chunk: Option<&'a str>,
    /// Row 10: the partitions the scheduler knows, when the plugin can tell (Slurm).
    pub known_partitions: Option<&'a [String]>,
    /// Row 11: the plugin's own errors, appended verbatim.
    pub plugin_errors: &'a [String],
}

/// The checks' result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOutcome {
    /// Messages for `sched.errors`; non-empty means the test cannot be created.
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    /// The parsed `chunk:` value when it is valid.
    pub chunk: Option<ChunkChoice>,
}

/// Row 6's per-reason line: `  (<count>) <reason>: <first 10 names, compressed>[, …]`.
pub fn reason_line(reason: &str, names: &[String]) -> String {
    let shown = &names[..names.len().min(10)];
    let more = if names.len() > 10 { ", …" } else { "" };
    format!(
        "  ({}) {reason}: {}{more}",
        names.len(),
        compress(shown, Style::Extended)
    )
}

/// Runs rows 1–11 in order.
pub fn config_checks(input: &CheckInput<'_>) -> CheckOutcome {
    let CheckInput {
        plugin,
        inv,
        cfg,
        filtered,
        chunks,
        ..
    } = *input;
    let mut out = CheckOutcome::default();
    let errors = &mut out.errors;
    // Rows 1 and 2, include node by include node (natural order).
    for n in &cfg.include_nodes {
        match inv.index_of(n) {
            None => errors.push(format!("include node {n} is not in the {plugin} inventory")),
            Some(id) => {
                if let Ok(k) = filtered.removed.binary_search_by_key(&id, |(i, _)| *i) {
                    let reason = &filtered.removed[k].1;
                    errors.push(format!("include node {n} was filtered out: {reason}"));
                }
            }
        }
    }
    let f = filtered.kept.len() as u64;
    let inc = cfg.include_nodes.len() as u64;
    // Row 3.
    let k = chunk_size(cfg, f);
    if cfg.chunking.size.is_some() && k > 0 && inc >= k {
        errors.push(format!(
            "schedule.include_nodes has {inc} nodes but the chunk size is only {k}"
        ));
    }
    // Rows 4–6 against the filtered count.
    let r = node_range(cfg, f);
    if let Some(max) = r.max {
        if r.min > max {
            errors.push(format!(
                "requested {}-{max} nodes: the minimum is larger than the maximum",
                r.min
            ));
        }
        if max < inc {
            errors.push(format!(
                "requested at most {max} nodes but schedule.include_nodes lists {inc}"
            ));
        }
    }
    if f < r.min {
        let mut msg = format!(
            "insufficient nodes: asked for {} nodes but only {f} remain after filtering",
            r.asked_text()
        );
        for (reason, names) in aggregate_reasons(inv, &filtered.removed) {
            msg.push('\n');
            msg.push_str(&reason_line(&reason, &names));
        }
        msg.push_str("\n  schedule: ");
        msg.push_str(&serde_json::to_string(cfg).unwrap_or_default());
        errors.push(msg);
    } else if let (_, Some(w)) = effective_range(cfg, f, f) {
        out.warnings.push(w);
    }
    // Row 7.
    let k0 = chunks.chunks.first().map_or(0, |c| c.nodes.len() as u64);
    if let Some(max) = r.max {
        if !cfg.flex() && max > k0 {
            errors.push(format!(
                "requested {max} nodes but chunks have only {k0} nodes"
            ));
        }
    }
    // Rows 8 and 9.
    match parse_chunk(input.chunk.unwrap_or("")) {
        Ok(choice) => {
            if let Some(e) = index_error(choice, chunks.chunks.len()) {
                errors.push(e);
            }
            out.chunk = Some(choice);
        }
        Err(e) => errors.push(e),
    }
    // Row 10.
    if let (Some(p), Some(known)) = (&cfg.partition, input.known_partitions) {
        if !known.contains(p) {
            errors.push(format!(
                "unknown partition '{p}' (known: {})",
                known.join(", ")
            ));
        }
    }
    // Row 11.
    errors.extend(input.plugin_errors.iter().cloned());
    out
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;

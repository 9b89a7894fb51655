//! The `sim` plugin itself: inventory operations over the file, kickoff/status/cancel through
//! the `raw` plugin (jobs are local process sessions), allocations recorded in the job directory.

use crate::alloc::{choose_nodes, read_nodes, write_nodes};
use crate::env::{Env, ProcessEnv, INVENTORY_VAR, JOB_DIR_VAR};
use crate::load::load_inventory;
use crate::structured;
use loggia_sched::advanced::{ConfigHooks, Inventory, PluginHooks};
use loggia_sched::hostlist::{self, Style};
use loggia_sched::scheduler::{CancelResults, RawExtra, RawNode};
use loggia_sched::{
    AdvancedScheduler, Availability, Context, JobInfo, JobStatus, KickoffRequest, NodeInfo,
    NodeSpec, PluginSchema, SchedError, SchedSettings, ScheduleConfig, Scheduler,
    SchedulerRegistration, Tier,
};
use loggia_sched_raw::Raw;
use loggia_sched_slurm::SLURM;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The plugin's name.
pub const NAME: &str = "sim";

/// The plugin's one-line description.
pub const DESCRIPTION: &str =
    "Simulated cluster: node inventory from a file, jobs run as local processes";

/// `NodeInfo::extra` key marking a node classified and filtered with Slurm's rules (set on every
/// node of a Slurm text inventory; a JSON/YAML node may set it too).
pub const SEMANTICS_KEY: &str = "sim_semantics";

/// `JobInfo::extra` key: the job's nodes as a hostlist.
pub const NODES_KEY: &str = "nodes";

/// How often the core may poll: a status is one small `/proc` read per job, as for `raw`.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The `sim` scheduler, reading environment variables through `E`.
#[derive(Debug, Default, Clone)]
pub struct Sim<E = ProcessEnv> {
    env: E,
}

impl<E: Env> Sim<E> {
    pub const fn with_env(env: E) -> Self {
        Sim { env }
    }

    /// `LOGGIA_SIM_INVENTORY` when set and non-empty, else the site's `scheduling.sim_inventory`.
    pub fn inventory_path(&self, settings: &SchedSettings) -> Result<PathBuf, SchedError> {
        match self.env.var(INVENTORY_VAR).filter(|v| !v.trim().is_empty()) {
            Some(v) => Ok(PathBuf::from(v)),
            None => settings.sim_inventory.clone().ok_or_else(|| {
                SchedError::msg(format!(
                    "the sim scheduler has no inventory: set scheduling.sim_inventory in the \
                     site config or {INVENTORY_VAR}"
                ))
            }),
        }
    }
}

/// The registered instance.
pub static SIM: Sim = Sim::with_env(ProcessEnv);

loggia_sched::inventory::submit! {
    SchedulerRegistration {
        name: NAME,
        description: DESCRIPTION,
        tier: Tier::Advanced,
        plugin: &SIM,
        config_schema: PluginSchema::default,
    }
}

/// Whether `node` follows Slurm's classification and filters.
fn slurm_semantics(node: &NodeInfo) -> bool {
    node.extra.get(SEMANTICS_KEY).is_some_and(|s| s == "slurm")
}

/// Transforms every record of a loaded inventory (SCHEDULING.md §3.1), naming the record of a
/// failure.
pub fn build_inventory(
    plugin: &dyn AdvancedScheduler,
    raw: &[RawNode],
    extra: &RawExtra,
) -> Result<Inventory, SchedError> {
    loggia_sched::advanced::transform_all(plugin, raw, extra).map_err(SchedError::msg)
}

/// `H:MM:SS`.
fn hms(secs: u64) -> String {
    format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

impl<E: Env> Scheduler for Sim<E> {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        DESCRIPTION
    }

    /// Available when an inventory file is configured and exists; its content is checked when
    /// the inventory is read.
    fn available(&self, cx: &Context) -> Availability {
        match self.inventory_path(cx.settings) {
            Err(e) => Availability::Unavailable(e.message),
            Ok(p) if p.is_file() => Availability::Available,
            Ok(p) => Availability::Unavailable(format!(
                "the sim inventory {} does not exist",
                p.display()
            )),
        }
    }

    fn header_lines(&self, req: &KickoffRequest) -> Vec<String> {
        let mut out = Vec::new();
        match &req.node_spec {
            NodeSpec::Explicit { nodes } => out.push(format!(
                "# sim: nodes {} ({})",
                hostlist::compress(nodes, Style::Extended),
                nodes.len()
            )),
            NodeSpec::Range {
                min,
                max,
                include,
                exclude,
            } => {
                let count = match max {
                    Some(m) if m > min => format!("{min}-{m}"),
                    _ => min.to_string(),
                };
                out.push(format!(
                    "# sim: {count} node(s) chosen from the inventory at kickoff"
                ));
                if !include.is_empty() {
                    let s = hostlist::compress(include, Style::Extended);
                    out.push(format!("# sim: including {s}"));
                }
                if !exclude.is_empty() {
                    let s = hostlist::compress(exclude, Style::Extended);
                    out.push(format!("# sim: excluding {s}"));
                }
            }
        }
        out.push(format!(
            "# sim: time limit {} (not enforced)",
            hms(req.time_limit_s)
        ));
        out
    }

    /// Chooses and records the job's nodes, then starts the script exactly as `raw` does.
    fn kickoff(&self, cx: &Context, req: &KickoffRequest) -> Result<JobInfo, SchedError> {
        let (raw, extra) = self.raw_nodes(cx)?;
        let inv = build_inventory(self, &raw, &extra)?;
        let hooks = PluginHooks {
            plugin: self,
            extra: &extra,
        };
        let nodes = choose_nodes(&inv, &req.schedule, &hooks, &req.node_spec)
            .map_err(|e| SchedError::msg(format!("sim kickoff: {e}")))?;
        write_nodes(&req.job_dir, &nodes)?;
        let mut info = Raw.kickoff(cx, req)?;
        info.plugin = NAME.to_string();
        info.extra.insert(
            NODES_KEY.to_string(),
            hostlist::compress(&nodes, Style::Slurm),
        );
        Ok(info)
    }

    /// `raw`'s status, with the job's recorded nodes.
    fn job_status(
        &self,
        cx: &Context,
        jobs: &[JobInfo],
    ) -> Result<BTreeMap<String, JobStatus>, SchedError> {
        let mut out = Raw.job_status(cx, jobs)?;
        for job in jobs {
            let Some(status) = out.get_mut(&job.id) else {
                continue;
            };
            if let Some(nodes) = job.extra.get(NODES_KEY) {
                status.nodes = hostlist::expand(nodes).ok();
            }
        }
        Ok(out)
    }

    fn cancel(&self, cx: &Context, jobs: &[JobInfo]) -> CancelResults {
        Raw.cancel(cx, jobs)
    }

    /// The nodes kickoff recorded in `$LOGGIA_JOB_DIR`.
    fn alloc_nodes(&self, _cx: &Context) -> Result<Vec<String>, SchedError> {
        let dir = self
            .env
            .var(JOB_DIR_VAR)
            .filter(|d| !d.is_empty())
            .ok_or_else(|| {
                SchedError::msg(format!(
                    "not inside a sim allocation: {JOB_DIR_VAR} is not set"
                ))
            })?;
        read_nodes(std::path::Path::new(&dir))
    }

    /// The test runs locally: `sched.test_cmd` is the wrapper alone.
    fn test_cmd_deferred(&self) -> bool {
        false
    }

    fn concurrent_default(&self) -> u32 {
        1
    }

    fn min_poll_interval(&self, _cx: &Context) -> Duration {
        MIN_POLL_INTERVAL
    }

    fn advanced(&self) -> Option<&dyn AdvancedScheduler> {
        Some(self)
    }
}

impl<E: Env> AdvancedScheduler for Sim<E> {
    fn raw_nodes(&self, cx: &Context) -> Result<(Vec<RawNode>, RawExtra), SchedError> {
        load_inventory(&self.inventory_path(cx.settings)?)
    }

    /// JSON/YAML records carry their NodeInfo; Slurm records go through Slurm's transform and
    /// are marked for Slurm semantics.
    fn transform(&self, raw: &RawNode, extra: &RawExtra) -> Result<NodeInfo, SchedError> {
        if let Some(node) = structured::node_of(raw) {
            return node;
        }
        let mut node = SLURM.transform(raw, extra)?;
        node.extra
            .insert(SEMANTICS_KEY.to_string(), "slurm".to_string());
        Ok(node)
    }

    fn classify(&self, cfg: &ScheduleConfig, node: &NodeInfo) -> (bool, bool) {
        // Slurm's classification reads nothing of the raw data.
        SimFilter::new(cfg, &RawExtra::default()).classify(node)
    }

    fn filter_custom(
        &self,
        cfg: &ScheduleConfig,
        extra: &RawExtra,
        node: &NodeInfo,
    ) -> Option<String> {
        SimFilter::new(cfg, extra).filter_custom(node)
    }

    /// Slurm's prepared filter for the nodes read from Slurm text, the NodeInfo's own
    /// classification for the others (as the per-node methods).
    fn node_filter<'a>(
        &'a self,
        cfg: &'a ScheduleConfig,
        extra: &'a RawExtra,
    ) -> Box<dyn ConfigHooks + 'a> {
        Box::new(SimFilter::new(cfg, extra))
    }
}

/// Slurm's filter for nodes read from Slurm text; the others keep their own classification
/// and have no custom filter.
struct SimFilter<'a> {
    slurm: Box<dyn ConfigHooks + 'a>,
}

impl<'a> SimFilter<'a> {
    fn new(cfg: &'a ScheduleConfig, extra: &'a RawExtra) -> Self {
        SimFilter {
            slurm: SLURM.node_filter(cfg, extra),
        }
    }
}

impl ConfigHooks for SimFilter<'_> {
    fn classify(&self, node: &NodeInfo) -> (bool, bool) {
        if slurm_semantics(node) {
            self.slurm.classify(node)
        } else {
            (node.up, node.available)
        }
    }

    fn filter_custom(&self, node: &NodeInfo) -> Option<String> {
        slurm_semantics(node)
            .then(|| self.slurm.filter_custom(node))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limits_as_hms() {
        assert_eq!(hms(0), "0:00:00");
        assert_eq!(hms(3661), "1:01:01");
        assert_eq!(hms(90000), "25:00:00");
    }
}

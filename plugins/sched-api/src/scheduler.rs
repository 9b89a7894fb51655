//! The plugin traits (SCHEDULING.md §2.2, §2.3). Object-safe and synchronous: the harness holds
//! plugins as `&'static dyn Scheduler`, and every command they run goes through
//! [`Context::runner`].

use crate::advanced::{ConfigHooks, Inventory};
use crate::job::{JobInfo, JobStatus};
use crate::kickoff::{KickoffRequest, LaunchInput};
use crate::node::NodeInfo;
use crate::runner::CommandRunner;
use crate::schedule::ScheduleConfig;
use crate::settings::SchedSettings;
use crate::SchedError;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// What a plugin operation may use of the outside world.
pub struct Context<'a> {
    pub runner: &'a dyn CommandRunner,
    pub working_dir: &'a Path,
    /// `sys.sys_name` of this host; jobs of another cluster are refused.
    pub sys_name: &'a str,
    /// Short host name of this host.
    pub host: &'a str,
    pub settings: &'a SchedSettings,
}

impl Context<'_> {
    pub fn command_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.settings.status.command_timeout.max(0.001))
    }

    pub fn submit_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.settings.submit_timeout.max(0.001))
    }
}

/// Whether a plugin can be used on this host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Available,
    Unavailable(String),
}

/// Per-job outcome of a batched cancel.
pub type CancelResults = BTreeMap<String, Result<(), String>>;

/// The operations every plugin provides.
pub trait Scheduler: Send + Sync + 'static {
    /// Matches `^[a-z][a-z0-9_-]*$`.
    fn name(&self) -> &'static str;
    fn description(&self) -> &'static str;

    /// Cheap, side-effect free; the harness calls it at most once per invocation.
    fn available(&self, cx: &Context) -> Availability;

    /// Directive lines for the kickoff script (§6.3); may be empty.
    fn header_lines(&self, _req: &KickoffRequest) -> Vec<String> {
        Vec::new()
    }

    /// Submit the kickoff script. Must not retry by itself (the core retries transient errors).
    fn kickoff(&self, cx: &Context, req: &KickoffRequest) -> Result<JobInfo, SchedError>;

    /// Batched: one call covers all live jobs of this plugin with O(1) scheduler commands.
    /// Jobs it cannot find are absent from the map (keyed by `JobInfo::id`).
    fn job_status(
        &self,
        cx: &Context,
        jobs: &[JobInfo],
    ) -> Result<BTreeMap<String, JobStatus>, SchedError>;

    /// Whether [`Scheduler::accounting_status`] can find jobs that left the queue.
    fn has_accounting(&self) -> bool {
        false
    }

    /// Batched lookup of jobs absent from the queue.
    fn accounting_status(
        &self,
        _cx: &Context,
        _jobs: &[JobInfo],
    ) -> Result<BTreeMap<String, JobStatus>, SchedError> {
        Ok(BTreeMap::new())
    }

    /// Batched. An already finished or unknown job counts as success.
    fn cancel(&self, cx: &Context, jobs: &[JobInfo]) -> CancelResults;

    /// Runs inside the allocation: node names in the scheduler's order, de-duplicated.
    fn alloc_nodes(&self, cx: &Context) -> Result<Vec<String>, SchedError>;

    /// Basic tier: facts of one allocation node (default: none known; the harness then uses
    /// `cluster_info`).
    fn alloc_node_info(&self, _cx: &Context, _node: &str) -> Option<NodeInfo> {
        None
    }

    /// The launcher parts before the wrapper (§4.3).
    fn test_cmd(&self, _input: &LaunchInput) -> Vec<String> {
        Vec::new()
    }

    /// Whether `sched.test_cmd` needs allocation facts (false for `raw`: it is the wrapper).
    fn test_cmd_deferred(&self) -> bool {
        true
    }

    /// Whether node counts shape job grouping on the basic tier (§3.9). `raw` runs every
    /// group on this one host, so it groups tests by share key alone.
    fn uses_node_counts(&self) -> bool {
        true
    }

    /// Default of `run.concurrent`.
    fn concurrent_default(&self) -> u32 {
        1
    }

    /// Shortest sensible interval between status polls. Local plugins poll cheaply and return
    /// a short interval; batch systems use the site `min_interval`.
    fn min_poll_interval(&self, cx: &Context) -> Duration {
        Duration::from_secs_f64(cx.settings.status.min_interval.max(0.001))
    }

    /// Case-insensitive stderr fragments that mark a command error transient (§5.5).
    fn transient_patterns(&self) -> &'static [&'static str] {
        &[]
    }

    /// The advanced tier, for plugins that provide a node inventory.
    fn advanced(&self) -> Option<&dyn AdvancedScheduler> {
        None
    }
}

pub use crate::raw_node::RawNode;

/// Shared raw data of an inventory (reservations, partitions, anything else a plugin needs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawExtra {
    pub reservations: Vec<RawNode>,
    pub partitions: Vec<RawNode>,
    pub other: BTreeMap<String, String>,
}

/// Inventory operations of advanced plugins (§2.3). All but `raw_nodes` are pure.
pub trait AdvancedScheduler: Scheduler {
    /// Raw per-node records plus shared data; independent of any test's config.
    fn raw_nodes(&self, cx: &Context) -> Result<(Vec<RawNode>, RawExtra), SchedError>;

    /// One record → NodeInfo. A record without a name is an error.
    fn transform(&self, raw: &RawNode, extra: &RawExtra) -> Result<NodeInfo, SchedError>;

    /// The whole inventory (§3.1): by default `raw_nodes`, then `transform` of every record
    /// (in parallel for large inventories; an error names the first bad record, 1-based). A
    /// plugin overrides it when it can build NodeInfo straight from the scheduler's output; the
    /// result must equal the default's.
    fn inventory(&self, cx: &Context) -> Result<(Inventory, RawExtra), SchedError> {
        let (raw, extra) = self.raw_nodes(cx)?;
        let inv = crate::advanced::transform_all(self, &raw, &extra).map_err(SchedError::msg)?;
        Ok((inv, extra))
    }

    /// `(up, available)` of a node under a test's config (default: the NodeInfo's own).
    fn classify(&self, _cfg: &ScheduleConfig, node: &NodeInfo) -> (bool, bool) {
        (node.up, node.available)
    }

    /// A plugin-specific filter reason, or `None` to keep the node.
    fn filter_custom(
        &self,
        _cfg: &ScheduleConfig,
        _extra: &RawExtra,
        _node: &NodeInfo,
    ) -> Option<String> {
        None
    }

    /// `classify` and `filter_custom` prepared for one test's config and this inventory's raw
    /// data (§3.3): built once per filtering pass, then asked for every node on several
    /// threads. A plugin overrides it when per-config work (reading its state sets from the
    /// config, finding the default partition) would otherwise repeat for each of 100 000
    /// nodes; the answers must equal the per-node methods'. Default: the per-node methods.
    fn node_filter<'a>(
        &'a self,
        cfg: &'a ScheduleConfig,
        extra: &'a RawExtra,
    ) -> Box<dyn ConfigHooks + 'a> {
        Box::new(PerNodeFilter {
            plugin: self,
            cfg,
            extra,
        })
    }

    /// Replaces the default node picker of §3.8 when it returns `Some`: `count` distinct
    /// names of `chunk` that contain `include`. `uses` counts earlier picks per chunk node in
    /// this `schedule_tests` call. Default: `None` (use the picker).
    fn node_select(
        &self,
        _cx: &Context,
        _cfg: &ScheduleConfig,
        _chunk: &[&NodeInfo],
        _count: u64,
        _include: &[String],
        _uses: &BTreeMap<String, u64>,
    ) -> Option<Result<Vec<String>, SchedError>> {
        None
    }
}

/// The unprepared [`AdvancedScheduler::node_filter`]: each node asks the per-node methods.
struct PerNodeFilter<'a, P: ?Sized> {
    plugin: &'a P,
    cfg: &'a ScheduleConfig,
    extra: &'a RawExtra,
}

impl<P: AdvancedScheduler + ?Sized> ConfigHooks for PerNodeFilter<'_, P> {
    fn classify(&self, node: &NodeInfo) -> (bool, bool) {
        self.plugin.classify(self.cfg, node)
    }

    fn filter_custom(&self, node: &NodeInfo) -> Option<String> {
        self.plugin.filter_custom(self.cfg, self.extra, node)
    }
}

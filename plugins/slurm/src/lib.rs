//! The `slurm` scheduler plugin (SCHEDULING.md §2.7, §3.2, §5, §6.3): the advanced tier over
//! Slurm's command-line tools. Every command goes through the context's runner.
//!
//! Modules: [`parse`] (command output parsers), [`inventory`] (records → NodeInfo,
//! classification, custom filters), [`header`] (`#SBATCH` lines), `submit` (sbatch),
//! [`status`] (squeue), [`accounting`] (sacct), `cancel` (scancel), [`launch`] (allocation
//! nodes, `test_cmd`), `probe` (availability, inventory commands), [`states`] (§5.2 mapping).

pub mod accounting;
mod cancel;
pub mod header;
pub mod inventory;
pub mod launch;
mod node_fields;
pub mod node_filter;
pub mod nodes_text;
pub mod parse;
mod probe;
pub mod schema;
pub mod states;
pub mod status;
mod submit;
#[cfg(test)]
mod test_util;

pub use parse::oneliner_records;

use inventory::ReservationIndex;
use loggia_sched::advanced::{ConfigHooks, Inventory};
use loggia_sched::scheduler::{CancelResults, RawExtra, RawNode};
use loggia_sched::{
    AdvancedScheduler, Availability, Context, JobInfo, JobStatus, KickoffRequest, LaunchInput,
    NodeInfo, SchedError, ScheduleConfig, Scheduler, SchedulerRegistration, Tier,
};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// The plugin's one-line description.
pub const DESCRIPTION: &str = "Slurm: sbatch, squeue, sacct, scancel; node inventory from scontrol";

/// Case-insensitive stderr fragments that make a Slurm command error transient (§5.5).
pub const TRANSIENT: &[&str] = &[
    "Socket timed out",
    "Unable to contact slurm controller",
    "slurm_load_jobs error",
    "Transport endpoint is not connected",
    "Connection refused",
    "try again",
    "Resource temporarily unavailable",
];

/// The `slurm` scheduler. Its state is per process: the reservation index memo, whether
/// accounting turned out to be off, and whether `squeue --me` was rejected.
#[derive(Debug)]
pub struct Slurm {
    reservations: ReservationIndex,
    accounting_off: AtomicBool,
    squeue_by_user: AtomicBool,
}

impl Slurm {
    pub const fn new() -> Self {
        Slurm {
            reservations: ReservationIndex::new(),
            accounting_off: AtomicBool::new(false),
            squeue_by_user: AtomicBool::new(false),
        }
    }
}

impl Default for Slurm {
    fn default() -> Self {
        Self::new()
    }
}

/// The registered instance.
pub static SLURM: Slurm = Slurm::new();

loggia_sched::inventory::submit! {
    SchedulerRegistration {
        name: schema::NAME,
        description: DESCRIPTION,
        tier: Tier::Advanced,
        plugin: &SLURM,
        config_schema: schema::config_schema,
    }
}

fn env_var(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

fn login() -> Option<String> {
    env_var("USER")
        .or_else(|| env_var("LOGNAME"))
        .filter(|u| !u.is_empty())
}

impl Scheduler for Slurm {
    fn name(&self) -> &'static str {
        schema::NAME
    }

    fn description(&self) -> &'static str {
        DESCRIPTION
    }

    fn available(&self, cx: &Context) -> Availability {
        probe::available(cx, env_var("PATH").as_deref())
    }

    fn header_lines(&self, req: &KickoffRequest) -> Vec<String> {
        header::header_lines(req)
    }

    fn kickoff(&self, cx: &Context, req: &KickoffRequest) -> Result<JobInfo, SchedError> {
        submit::kickoff(cx, req)
    }

    fn job_status(
        &self,
        cx: &Context,
        jobs: &[JobInfo],
    ) -> Result<BTreeMap<String, JobStatus>, SchedError> {
        status::job_status(cx, jobs, &self.squeue_by_user, &login)
    }

    /// `false` once sacct said that accounting storage is disabled (or sacct is missing).
    fn has_accounting(&self) -> bool {
        !self.accounting_off.load(Ordering::Relaxed)
    }

    fn accounting_status(
        &self,
        cx: &Context,
        jobs: &[JobInfo],
    ) -> Result<BTreeMap<String, JobStatus>, SchedError> {
        if !self.has_accounting() {
            return Ok(BTreeMap::new());
        }
        match accounting::accounting_status(cx, jobs)? {
            accounting::Outcome::Found(map) => Ok(map),
            accounting::Outcome::Disabled => {
                tracing::info!("Slurm accounting is not available; not asking sacct again");
                self.accounting_off.store(true, Ordering::Relaxed);
                Ok(BTreeMap::new())
            }
        }
    }

    fn cancel(&self, cx: &Context, jobs: &[JobInfo]) -> CancelResults {
        cancel::cancel(cx, jobs)
    }

    fn alloc_nodes(&self, _cx: &Context) -> Result<Vec<String>, SchedError> {
        launch::alloc_nodes(&env_var)
    }

    fn test_cmd(&self, input: &LaunchInput) -> Vec<String> {
        launch::test_cmd(input)
    }

    fn concurrent_default(&self) -> u32 {
        1
    }

    fn transient_patterns(&self) -> &'static [&'static str] {
        TRANSIENT
    }

    fn advanced(&self) -> Option<&dyn AdvancedScheduler> {
        Some(self)
    }
}

impl AdvancedScheduler for Slurm {
    fn raw_nodes(&self, cx: &Context) -> Result<(Vec<RawNode>, RawExtra), SchedError> {
        probe::raw_nodes(cx)
    }

    fn transform(&self, raw: &RawNode, extra: &RawExtra) -> Result<NodeInfo, SchedError> {
        inventory::transform(raw, extra, &self.reservations)
    }

    /// Straight from `scontrol` text to NodeInfo ([`nodes_text`]), equal to the default.
    fn inventory(&self, cx: &Context) -> Result<(Inventory, RawExtra), SchedError> {
        let [nodes, reservations, partitions] = probe::inventory_texts(cx)?;
        let (nodes, extra) = nodes_text::nodes_from_text(&nodes, &reservations, &partitions)?;
        Ok((Inventory::new(nodes).map_err(SchedError::msg)?, extra))
    }

    fn classify(&self, cfg: &ScheduleConfig, node: &NodeInfo) -> (bool, bool) {
        inventory::classify(cfg, node)
    }

    fn filter_custom(
        &self,
        cfg: &ScheduleConfig,
        extra: &RawExtra,
        node: &NodeInfo,
    ) -> Option<String> {
        inventory::filter_custom(cfg, extra, node)
    }

    fn node_filter<'a>(
        &'a self,
        cfg: &'a ScheduleConfig,
        extra: &'a RawExtra,
    ) -> Box<dyn ConfigHooks + 'a> {
        Box::new(node_filter::SlurmFilter::new(cfg, extra))
    }
}

#[cfg(test)]
#[path = "lib_tests.rs"]
mod tests;

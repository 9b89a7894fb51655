//! The loggia scheduler plugin contract.
//!
//! A scheduler plugin is a `&'static dyn Scheduler` registered with [`inventory`] through a
//! [`SchedulerRegistration`]. The harness (crate `loggia`) talks to batch systems only through
//! this crate's types, and every external command a plugin runs goes through the
//! [`CommandRunner`] handed to it in the [`Context`], so that tests can script scheduler replies.
//!
//! Layout: [`job`] (job identity, normalized states, exit info), [`node`] (per-node facts),
//! [`kickoff`] (what a plugin is asked to submit), [`schedule`] (the validated `schedule:`
//! section), [`scheduler`] (the traits), [`registry`] (plugin lookup), [`runner`] (the one
//! command runner), [`schema`] (plugin subsection schemas).

pub mod advanced;
pub mod error;
pub mod hostlist;
pub mod job;
pub mod kickoff;
pub mod natural;
pub mod node;
pub mod raw_node;
pub mod registry;
pub mod runner;
pub mod schedule;
pub mod scheduler;
pub mod schema;
pub mod scripted;
pub mod settings;
pub mod text;

pub use error::SchedError;
pub use job::{ExitInfo, JobInfo, JobState, JobStatus, StatusSource, Usage};
pub use kickoff::{KickoffRequest, LaunchInput, NodeSpec};
pub use node::{NodeInfo, Text};
pub use registry::{registry, Registry, SchedulerRegistration, Tier};
pub use runner::{Cmd, CmdError, CmdOutput, CommandRunner, SystemRunner};
pub use schedule::ScheduleConfig;
pub use scheduler::{AdvancedScheduler, Availability, Context, Scheduler};
pub use schema::{KeySpec, PluginSchema};
pub use settings::SchedSettings;

/// Re-exported so plugin crates can `inventory::submit!` without naming the crate themselves.
pub use inventory;

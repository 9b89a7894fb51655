//! Plugin registration through `inventory` (SCHEDULING.md §2.4). Each plugin crate submits a
//! [`SchedulerRegistration`]; [`registry`] collects them once into a name-sorted map.
//! `inventory`'s iteration order is unspecified, so nothing here depends on it.

use crate::scheduler::Scheduler;
use crate::schema::PluginSchema;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Basic plugins only submit and poll; advanced plugins also provide a node inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Basic,
    Advanced,
}

/// What a plugin crate submits with `inventory::submit!`.
pub struct SchedulerRegistration {
    pub name: &'static str,
    pub description: &'static str,
    pub tier: Tier,
    pub plugin: &'static dyn Scheduler,
    pub config_schema: fn() -> PluginSchema,
}

impl std::fmt::Debug for SchedulerRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchedulerRegistration")
            .field("name", &self.name)
            .field("tier", &self.tier)
            .finish_non_exhaustive()
    }
}

inventory::collect!(SchedulerRegistration);

/// The built-in plugins by name.
pub struct Registry {
    by_name: BTreeMap<&'static str, &'static SchedulerRegistration>,
}

/// Looking up a name that no plugin registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scheduler '{name}' (available: {}){}", available.join(", "),
    suggestion.as_ref().map(|s| format!("; did you mean '{s}'?")).unwrap_or_default())]
pub struct UnknownScheduler {
    pub name: String,
    pub available: Vec<String>,
    pub suggestion: Option<String>,
}

impl Registry {
    /// Builds a registry from registrations. A duplicate name is a program bug.
    pub fn build<I>(regs: I) -> Result<Registry, String>
    where
        I: IntoIterator<Item = &'static SchedulerRegistration>,
    {
        let mut by_name = BTreeMap::new();
        for r in regs {
            if by_name.insert(r.name, r).is_some() {
                return Err(format!("scheduler '{}' is registered twice", r.name));
            }
        }
        Ok(Registry { by_name })
    }

    /// Sorted plugin names.
    pub fn names(&self) -> Vec<&'static str> {
        self.by_name.keys().copied().collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static SchedulerRegistration> + '_ {
        self.by_name.values().copied()
    }

    pub fn get(&self, name: &str) -> Result<&'static SchedulerRegistration, UnknownScheduler> {
        self.by_name
            .get(name)
            .copied()
            .ok_or_else(|| UnknownScheduler {
                name: name.to_string(),
                available: self.names().iter().map(|s| s.to_string()).collect(),
                suggestion: crate::text::did_you_mean(name, self.names()).map(str::to_string),
            })
    }
}

/// The process-wide registry of built-in plugins, built on first use.
///
/// # Panics
/// When two linked plugins register the same name: a build mistake, caught by the test that
/// lists the registered plugins.
pub fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(
        || match Registry::build(inventory::iter::<SchedulerRegistration>) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{JobInfo, JobStatus};
    use crate::scheduler::{Availability, CancelResults, Context};
    use crate::{KickoffRequest, SchedError};

    struct Dummy;
    impl Scheduler for Dummy {
        fn name(&self) -> &'static str {
            "dummy"
        }
        fn description(&self) -> &'static str {
            "test double"
        }
        fn available(&self, _: &Context) -> Availability {
            Availability::Available
        }
        fn kickoff(&self, _: &Context, _: &KickoffRequest) -> Result<JobInfo, SchedError> {
            Err(SchedError::msg("not here"))
        }
        fn job_status(
            &self,
            _: &Context,
            _: &[JobInfo],
        ) -> Result<BTreeMap<String, JobStatus>, SchedError> {
            Ok(BTreeMap::new())
        }
        fn cancel(&self, _: &Context, _: &[JobInfo]) -> CancelResults {
            BTreeMap::new()
        }
        fn alloc_nodes(&self, _: &Context) -> Result<Vec<String>, SchedError> {
            Ok(vec![])
        }
    }

    static A: SchedulerRegistration = SchedulerRegistration {
        name: "slurm",
        description: "a",
        tier: Tier::Basic,
        plugin: &Dummy,
        config_schema: PluginSchema::default,
    };
    static B: SchedulerRegistration = SchedulerRegistration {
        name: "raw",
        description: "b",
        tier: Tier::Basic,
        plugin: &Dummy,
        config_schema: PluginSchema::default,
    };

    #[test]
    fn names_are_sorted_and_lookup_suggests() {
        let r = Registry::build([&A, &B]).unwrap();
        assert_eq!(r.names(), vec!["raw", "slurm"]);
        let e = r.get("slrum").err().unwrap();
        assert_eq!(
            e.to_string(),
            "unknown scheduler 'slrum' (available: raw, slurm); did you mean 'slurm'?"
        );
        assert!(r.get("zzzzzzzz").err().unwrap().suggestion.is_none());
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let err = Registry::build([&A, &A]).err().unwrap();
        assert_eq!(err, "scheduler 'slurm' is registered twice");
    }
}

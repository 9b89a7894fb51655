//! The environment variables the plugin reads, behind a seam so that tests never mutate the
//! process environment (which is shared by every test thread).

use std::collections::BTreeMap;

/// Overrides the site's `scheduling.sim_inventory`.
pub const INVENTORY_VAR: &str = "LOGGIA_SIM_INVENTORY";

/// Set by the kickoff script (SCHEDULING.md §6.2): the job directory inside the allocation.
pub const JOB_DIR_VAR: &str = "LOGGIA_JOB_DIR";

/// Read access to environment variables.
pub trait Env: Send + Sync + 'static {
    /// The variable's value; `None` when unset or not valid UTF-8.
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
#[derive(Debug, Default, Clone, Copy)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// A fixed set of variables, for tests and tools.
#[derive(Debug, Default, Clone)]
pub struct MapEnv(pub BTreeMap<String, String>);

impl MapEnv {
    pub fn new<K: Into<String>, V: Into<String>>(vars: impl IntoIterator<Item = (K, V)>) -> Self {
        MapEnv(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_env_answers_only_its_variables() {
        let env = MapEnv::new([(JOB_DIR_VAR, "/w/jobs/1")]);
        assert_eq!(env.var(JOB_DIR_VAR).as_deref(), Some("/w/jobs/1"));
        assert_eq!(env.var(INVENTORY_VAR), None);
    }
}

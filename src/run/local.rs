//! The facts of the host loggia runs on that every scheduler call needs, gathered once, and the
//! plugin [`Context`] built from them.

use crate::config::site::Site;
use loggia_sched::{Context, SystemRunner};

/// This host's names and the real command runner.
pub struct Local {
    pub host: String,
    pub sys_name: String,
    pub runner: SystemRunner,
}

impl Local {
    pub fn new() -> Self {
        let host = crate::resolve::facts::short_hostname();
        let sys_name = crate::resolve::facts::sys_name_of(&host);
        Local {
            host,
            sys_name,
            runner: SystemRunner,
        }
    }

    /// The context for plugin calls under `site`.
    pub fn cx<'a>(&'a self, site: &'a Site) -> Context<'a> {
        Context {
            runner: &self.runner,
            working_dir: &site.working_dir,
            sys_name: &self.sys_name,
            host: &self.host,
            settings: &site.scheduling,
        }
    }
}

impl Default for Local {
    fn default() -> Self {
        Self::new()
    }
}

//! Slurm's classification and custom filter under one test's config (SCHEDULING.md §3.2,
//! §3.3 step 7), prepared once per filtering pass: the state sets are read from the config and
//! the default partition is found once, instead of for each of up to 100 000 nodes.

use crate::schema::{NAME, STATE_DEFAULTS};
use loggia_sched::advanced::{ConfigHooks, StateSets};
use loggia_sched::scheduler::RawExtra;
use loggia_sched::{NodeInfo, ScheduleConfig};

/// The name of the cluster's default partition (`Default=YES`), if any.
pub fn default_partition(extra: &RawExtra) -> Option<&str> {
    extra
        .partitions
        .iter()
        .find(|p| {
            p.get("Default")
                .is_some_and(|d| d.eq_ignore_ascii_case("YES"))
        })
        .and_then(|p| p.get("PartitionName"))
}

/// What Slurm's filter needs of one config and inventory.
pub(crate) struct SlurmFilter<'a> {
    sets: StateSets<'a>,
    /// `schedule.slurm.features`: each entry is `a|b` alternatives, all entries required.
    features: &'a [String],
    /// The default partition a node must be in, when the test names no partition.
    default_partition: Option<&'a str>,
}

impl<'a> SlurmFilter<'a> {
    pub(crate) fn new(cfg: &'a ScheduleConfig, extra: &'a RawExtra) -> Self {
        SlurmFilter {
            sets: StateSets::from_config(cfg, NAME, &STATE_DEFAULTS),
            features: cfg.plugin_list(NAME, "features"),
            default_partition: cfg
                .partition
                .is_none()
                .then(|| default_partition(extra))
                .flatten(),
        }
    }
}

impl ConfigHooks for SlurmFilter<'_> {
    fn classify(&self, node: &NodeInfo) -> (bool, bool) {
        self.sets.classify(&node.states)
    }

    /// Required features first, then the default partition.
    fn filter_custom(&self, node: &NodeInfo) -> Option<String> {
        for entry in self.features {
            let ok = entry
                .split('|')
                .any(|alt| node.features.iter().any(|f| f == alt));
            if !ok {
                return Some(format!("missing required feature ({entry})"));
            }
        }
        if let (Some(def), Some(parts)) = (self.default_partition, node.partitions.as_ref()) {
            if !parts.iter().any(|p| p == def) {
                return Some(format!(
                    "not in the default partition '{def}' (schedule.partition unset)"
                ));
            }
        }
        None
    }
}

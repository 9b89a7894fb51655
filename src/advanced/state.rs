//! Per-invocation scheduler state: availability checked at most once per plugin, the advanced
//! inventory gathered at most once per plugin (§3.1), and one [`ChunkCache`] so that every
//! test of the invocation shares filtered lists and chunk sets. Tests must be kicked off by
//! the process that resolved them (§2.5), because the chunk tables live here, in memory.

use crate::config::site::Site;
use crate::run::local::Local;
use loggia_sched::advanced::{
    resolve_advanced, AdvancedInput, AdvancedResolution, ChunkCache, ChunkChoice, ChunkSet,
    Inventory, PluginFacts, PluginHooks,
};
use loggia_sched::scheduler::RawExtra;
use loggia_sched::{
    AdvancedScheduler, Availability, Context, SchedSettings, ScheduleConfig, SchedulerRegistration,
};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// One advanced plugin's inventory: NodeInfo in natural order plus the shared raw data its
/// hooks need.
#[derive(Debug)]
pub struct PluginInventory {
    pub inv: Inventory,
    pub extra: RawExtra,
    /// Partition names the scheduler reported (check 10), when it reported any.
    pub known_partitions: Option<Vec<String>>,
}

/// What kickoff needs of a test's resolution (§2.5: chunk data stays in this process).
#[derive(Debug, Clone)]
pub struct AdvancedTest {
    pub chunks: Arc<ChunkSet>,
    pub choice: ChunkChoice,
}

/// A test's config-time scheduler result on the advanced tier.
pub struct Resolved {
    pub resolution: AdvancedResolution,
    pub test: AdvancedTest,
}

impl PluginInventory {
    /// The inventory with the partition names the plugin's raw data reports (`PartitionName`,
    /// or `name` in structured inventories).
    pub fn new(inv: Inventory, extra: RawExtra) -> PluginInventory {
        let known_partitions = (!extra.partitions.is_empty()).then(|| {
            extra
                .partitions
                .iter()
                .filter_map(|p| p.get("PartitionName").or_else(|| p.get("name")))
                .map(str::to_string)
                .collect()
        });
        PluginInventory {
            inv,
            extra,
            known_partitions,
        }
    }
}

/// The scheduler state of one loggia invocation.
pub struct SchedState {
    local: Local,
    settings: SchedSettings,
    working_dir: PathBuf,
    /// `show nodes --inventory FILE`: every advanced plugin's inventory and hooks come from
    /// the `sim` plugin reading that file.
    from_file: bool,
    avail: RefCell<BTreeMap<&'static str, Availability>>,
    inventories: RefCell<BTreeMap<&'static str, Result<Rc<PluginInventory>, String>>>,
    cache: RefCell<ChunkCache>,
}

fn seed(settings: &SchedSettings) -> u64 {
    settings.chunk_seed.unwrap_or_else(|| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        t ^ u64::from(std::process::id()).rotate_left(32)
    })
}

impl SchedState {
    pub fn new(site: &Site) -> SchedState {
        SchedState {
            local: Local::new(),
            settings: site.scheduling.clone(),
            working_dir: site.working_dir.clone(),
            from_file: false,
            avail: RefCell::new(BTreeMap::new()),
            inventories: RefCell::new(BTreeMap::new()),
            cache: RefCell::new(ChunkCache::new(seed(&site.scheduling))),
        }
    }

    /// A state whose advanced inventories all come from `file` (read by the `sim` plugin, so
    /// Slurm text keeps Slurm semantics); no scheduler is asked anything.
    pub fn with_inventory_file(site: &Site, file: PathBuf) -> SchedState {
        let mut s = SchedState::new(site);
        s.settings.sim_inventory = Some(crate::fsutil::absolute(&file));
        s.from_file = true;
        s
    }

    pub fn cx(&self) -> Context<'_> {
        Context {
            runner: &self.local.runner,
            working_dir: &self.working_dir,
            sys_name: &self.local.sys_name,
            host: &self.local.host,
            settings: &self.settings,
        }
    }

    pub fn settings(&self) -> &SchedSettings {
        &self.settings
    }

    pub fn working_dir(&self) -> &std::path::Path {
        &self.working_dir
    }

    pub fn chunk_seed(&self) -> u64 {
        self.cache.borrow().seed()
    }

    /// The plugin that provides inventory and hooks for `reg` in this state.
    fn advanced_of(
        &self,
        reg: &'static SchedulerRegistration,
    ) -> Option<&'static dyn AdvancedScheduler> {
        if self.from_file {
            return loggia_sched::registry()
                .get("sim")
                .ok()
                .and_then(|s| s.plugin.advanced());
        }
        reg.plugin.advanced()
    }

    /// Whether `reg` is on the advanced tier here.
    pub fn is_advanced(&self, reg: &'static SchedulerRegistration) -> bool {
        self.advanced_of(reg).is_some()
    }

    /// `Err(reason)` when `reg` cannot be used on this host; checked once per invocation.
    pub fn check_available(&self, reg: &'static SchedulerRegistration) -> Result<(), String> {
        if self.from_file {
            return Ok(());
        }
        let mut avail = self.avail.borrow_mut();
        let a = avail
            .entry(reg.name)
            .or_insert_with(|| reg.plugin.available(&self.cx()));
        match a {
            Availability::Available => Ok(()),
            Availability::Unavailable(why) => Err(format!(
                "scheduler '{}' is not available here: {why}",
                reg.name
            )),
        }
    }

    /// The memoised inventory of an advanced plugin (`None` on the basic tier).
    pub fn inventory(
        &self,
        reg: &'static SchedulerRegistration,
    ) -> Option<Result<Rc<PluginInventory>, String>> {
        let plugin = self.advanced_of(reg)?;
        let mut invs = self.inventories.borrow_mut();
        let entry = invs.entry(reg.name).or_insert_with(|| {
            let (inv, extra) = plugin
                .inventory(&self.cx())
                .map_err(|e| format!("node inventory of '{}': {}", reg.name, e.detail()))?;
            Ok(Rc::new(PluginInventory::new(inv, extra)))
        });
        Some(entry.clone())
    }

    /// Filter, chunk, check and compute the initial `sched.*` variables of one test (§2.5).
    /// `None` on the basic tier; `Some(Err)` when the inventory could not be gathered.
    pub fn resolve(
        &self,
        reg: &'static SchedulerRegistration,
        cfg: &ScheduleConfig,
    ) -> Option<Result<Resolved, String>> {
        let plugin = self.advanced_of(reg)?;
        let pinv = match self.inventory(reg)? {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        let hooks = PluginHooks {
            plugin,
            extra: &pinv.extra,
        };
        let input = AdvancedInput {
            plugin: reg.name,
            facts: PluginFacts {
                concurrent_default: reg.plugin.concurrent_default(),
                test_cmd_deferred: reg.plugin.test_cmd_deferred(),
            },
            inv: &pinv.inv,
            cfg,
            hooks: &hooks,
            // `chunk:` may name `sched.chunk_ids`; the caller checks it per permutation.
            chunk: None,
            known_partitions: pinv.known_partitions.as_deref(),
            plugin_errors: &[],
        };
        let resolution = resolve_advanced(&input, &mut self.cache.borrow_mut());
        let test = AdvancedTest {
            chunks: resolution.chunks.clone(),
            choice: ChunkChoice::default(),
        };
        Some(Ok(Resolved { resolution, test }))
    }

    /// The hooks of `reg`'s advanced plugin over `pinv` (for the explain view).
    pub fn hooks<'a>(
        &self,
        reg: &'static SchedulerRegistration,
        pinv: &'a PluginInventory,
    ) -> Option<PluginHooks<'a>> {
        self.advanced_of(reg).map(|plugin| PluginHooks {
            plugin,
            extra: &pinv.extra,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use loggia_sched::advanced::transform_all;
    use loggia_sched::scheduler::RawNode;
    use loggia_sched_slurm::SLURM;

    fn record(name: &str) -> RawNode {
        [("NodeName", name), ("State", "IDLE"), ("CPUTot", "8")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn large_inventories_build_in_parallel_and_name_the_first_bad_record() {
        // Above the parallel threshold, scrambled so that sorting has work to do.
        let raw: Vec<RawNode> = (0..5_000u32)
            .map(|i| record(&format!("cn{}", i.wrapping_mul(7_919) % 5_000)))
            .collect();
        let extra = RawExtra {
            partitions: vec![[("PartitionName".to_string(), "batch".to_string())].into()],
            ..RawExtra::default()
        };
        let build = |raw: &[RawNode]| {
            transform_all(&SLURM, raw, &extra).map(|inv| PluginInventory::new(inv, extra.clone()))
        };
        let pinv = build(&raw).unwrap();
        assert_eq!(pinv.inv.len(), 5_000);
        assert_eq!(pinv.inv.nodes()[0].name, "cn0");
        assert_eq!(pinv.inv.nodes()[4_999].name, "cn4999");
        assert_eq!(pinv.inv.nodes()[42].cpus, Some(8));
        assert_eq!(pinv.known_partitions, Some(vec!["batch".to_string()]));
        // One bad record in each half (each thread's part on two cores): the lower wins.
        let mut bad = raw;
        bad[4_100].remove("NodeName");
        bad[1_200].remove("NodeName");
        let e = build(&bad).unwrap_err();
        assert_eq!(
            e,
            "node record 1201 of the inventory: Slurm node record has no NodeName"
        );
    }
}

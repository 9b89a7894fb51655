//! Inventory gathering's pure half (SCHEDULING.md §3.1): every raw record through the plugin's
//! `transform`, in parallel for large inventories, into one [`Inventory`]. Shared by the
//! harness (once per invocation) and by plugins that need their own inventory (`sim` picks
//! nodes for ranges at kickoff).

use super::inventory::Inventory;
use super::parallel::try_par_map;
use crate::scheduler::{AdvancedScheduler, RawExtra, RawNode};

/// Fewest records per thread: a 2-core host splits from 2,000 records on, below which thread
/// start-up is not repaid.
const MIN_PART: usize = 1_000;

/// Transforms `raw` into an inventory. Errors name the first bad record (1-based) or the
/// duplicate node name.
pub fn transform_all<P: AdvancedScheduler + ?Sized>(
    plugin: &P,
    raw: &[RawNode],
    extra: &RawExtra,
) -> Result<Inventory, String> {
    let nodes = try_par_map(raw, MIN_PART, |i, r| {
        plugin
            .transform(r, extra)
            .map_err(|e| format!("node record {} of the inventory: {}", i + 1, e.detail()))
    })?;
    Inventory::new(nodes)
}

//! The harness side of the advanced scheduler tier (SCHEDULING.md §2.5, §3): the per-invocation
//! state (each plugin's availability and memoised inventory, the chunk tables), the
//! config-time resolution of one test ([`state::SchedState::resolve`]), the disk-backed chunk
//! selection environment, and kickoff planning. The algorithms themselves are the pure
//! functions of `loggia_sched::advanced`; this module only feeds them and stores their output.

pub mod kickoff;
pub mod select_env;
pub mod state;

pub use state::{AdvancedTest, PluginInventory, SchedState};

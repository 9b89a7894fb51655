//! The advanced tier as pure functions (SCHEDULING.md §3, §4): data in, data out, no processes
//! and no files. The harness gathers the inventory once per invocation and then, per test:
//!
//! 1. [`filter_nodes`] (or [`explain`] for `loggia show nodes --explain`) under the test's
//!    validated config, with the plugin's [`NodeHooks`] ([`PluginHooks`] wraps an
//!    [`crate::AdvancedScheduler`]);
//! 2. [`ChunkCache::chunks`] — one cache per invocation, seeded with the chunk seed;
//! 3. [`config_checks`] → `sched.errors`, and [`initial_advanced`] → the initial `sched.*`
//!    variables ([`resolve_advanced`] does 1–3 in one call; [`initial_basic`] on the basic
//!    tier);
//! 4. at kickoff, [`schedule_tests`] ([`schedule_tests_basic`]) → launch units with node specs;
//! 5. inside the allocation, [`final_vars`] → the deferred variables and `test_cmd`.
//!
//! Node lists are inventory positions (`u32`, ascending = natural order) shared through `Arc`,
//! so nothing clones name lists per test and every step is O(n log n) or better.

mod checks;
mod chunk;
mod classify;
mod explain;
mod fenwick;
mod filter;
mod inventory;
mod parallel;
mod picker;
mod plan;
mod range;
mod resolve;
mod rng;
mod select;
mod share;
mod test_cmd;
mod tpn;
mod transform;
mod vars;

pub use checks::{config_checks, reason_line, CheckInput, CheckOutcome};
pub use chunk::{chunk_size, names_fingerprint, Chunk, ChunkCache, ChunkKey, ChunkSet};
pub use classify::{
    classify_states, parse_pbs_state, parse_slurm_state, StateDefaults, StateSet, StateSets,
};
pub use explain::{explain, ExplainRow};
pub use filter::{
    aggregate_reasons, filter_nodes, state_text, ConfigHooks, DefaultHooks, Filtered, NodeHooks,
    PluginHooks, Reason,
};
pub use inventory::{name_hash, Inventory, NodeIds};
pub use parallel::{par_chunks, par_concat, par_each, par_map, parts_for, try_par_map};
pub use picker::{check_selection, NodePicker, NodeSelect, PluginSelect};
pub use plan::{
    schedule_tests, schedule_tests_basic, BasicGroupInput, ChunkRef, GroupInput, LaunchUnit, Plan,
};
pub use range::{effective_range, node_range, resolve_count, NodeRange};
pub use resolve::{resolve_advanced, AdvancedInput, AdvancedResolution};
pub use rng::{hex, splitmix64, Rng, StableHasher};
pub use select::{
    index_error, parse_chunk, ChunkAssigner, ChunkChoice, ChunkStrategy, MemoryEnv, SelectEnv,
};
pub use share::{share_key, ChunkIdentity, ShareKey, UnitKind};
pub use test_cmd::join_test_cmd;
pub use tpn::{needed, resolve_tpn};
pub use transform::transform_all;
pub use vars::{
    final_vars, initial_advanced, initial_basic, PluginFacts, SchedVar, SchedVars, DEFERRED,
};

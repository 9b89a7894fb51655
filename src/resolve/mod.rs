//! From a layered test tree to a resolved test (CONFIG.md §1.3 steps 7–9, §6–§9): variables,
//! string resolution with deferred values kept for the allocation, permutations,
//! `only_if`/`not_if`, and the typed interpretation of the keys the harness acts on.

pub mod checks;
pub mod conditions;
pub mod facts;
pub mod permute;
pub mod proto;
pub mod request;
pub mod sched_permute;
pub mod strings;
pub mod vars;

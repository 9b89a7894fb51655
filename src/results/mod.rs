//! Results (CONFIG.md §11–§12): the base result keys, `result_evaluate` expressions evaluated
//! over the result mapping, `results.json`, the shared result log, and CI outputs (JSON lines,
//! JUnit XML).

pub mod evaluate;
pub mod junit;
pub mod record;

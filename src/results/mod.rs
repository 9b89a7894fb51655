//! Results (CONFIG.md §10–§12): result parsers, the base result keys, `result_evaluate`
//! expressions evaluated over the result mapping, `results.json`, the shared result log, and CI
//! outputs (JSON lines, JUnit XML).

pub mod evaluate;
pub mod junit;
pub mod parse;
pub mod record;

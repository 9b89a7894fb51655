//! loggia: an HPC test harness. YAML test suites are loaded and resolved ([`config`],
//! [`resolve`], [`expr`]), become test runs on disk ([`run`]), are handed to scheduler plugins
//! (crate `loggia_sched`), run inside their allocation by `loggia _run`, and end as results
//! ([`results`]) for people and CI. [`cli`] is the command line.

pub mod advanced;
pub mod cli;
pub mod config;
pub mod exit;
pub mod expr;
pub mod fsutil;
mod plugins;
pub mod resolve;
pub mod results;
pub mod run;
pub mod schedvars;
pub mod schema;

/// loggia allocates many small strings (inventories of 100k nodes, thousands of permutations);
/// mimalloc is markedly faster than the system allocator at that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    cli::main()
}

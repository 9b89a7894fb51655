//! Parsers of Slurm command output. Each is a pure function that never panics on any input:
//! text that does not fit is skipped or reported as absent.

mod oneliner;
mod sacct;
mod sbatch;
mod scan;
mod squeue;
mod time;

pub use oneliner::{oneliner_record, oneliner_records, oneliner_records_keeping};
pub(crate) use oneliner::{present, split_lines, PARALLEL_MIN_BYTES};
pub use sacct::{accounting_disabled, parse_mem_bytes, parse_sacct, ExitCode, SacctJob};
pub use sbatch::parse_parsable;
pub(crate) use scan::{scan, Visit};
pub use squeue::{parse_ids, parse_squeue, SqueueRow};
pub use time::{parse_duration_ms, parse_duration_s, parse_timestamp};

#[cfg(test)]
mod proptests;

//! Names every linked scheduler plugin crate, so the linker keeps their `inventory`
//! registrations (a crate nothing names is dropped, and its plugin silently missing).

use loggia_sched_raw as _;
use loggia_sched_sim as _;
use loggia_sched_slurm as _;

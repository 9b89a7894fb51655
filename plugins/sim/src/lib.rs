//! The `sim` scheduler plugin: an advanced-tier scheduler for tests and demos whose node
//! inventory comes from a file and whose jobs run as local processes.
//!
//! # Inventory file
//!
//! The file is `LOGGIA_SIM_INVENTORY` when that variable is set and not empty, else the site's
//! `scheduling.sim_inventory`. Its format is detected from the content:
//!
//! * **Slurm text** — the first line that is neither blank nor a `#` comment starts with
//!   `NodeName=`, `ReservationName=` or `PartitionName=`: the concatenated output of
//!   `scontrol --oneliner show node`, `show reservation` and `show partition`, one record per
//!   line (reservation and partition records are optional; blank lines, `#` lines and notices
//!   such as `No reservations in the system` are skipped). Nodes get Slurm semantics: the
//!   slurm plugin's `transform`, its classification under `schedule.slurm.*_states`, and its
//!   custom filter (`schedule.slurm.features`, the default partition).
//! * **JSON** (the document starts with `[` or `{`) or **YAML** (anything else): either a list
//!   of NodeInfo records (SCHEDULING.md §2.3 field names; unknown fields are errors) or a map
//!   `{nodes: [...], reservations: [...], partitions: [...]}` whose reservation and partition
//!   records are flat maps in Slurm's spelling (`ReservationName`, `PartitionName`, `Nodes`,
//!   `Default: "YES"`, …). Each node is classified by its own `up`/`available` and has no
//!   custom filter, unless its `extra` holds `sim_semantics: slurm`.
//!
//! Errors (unreadable file, bad JSON/YAML, a record without a name, duplicate names) name the
//! file and the record: the line for Slurm text, the 1-based position (and name) otherwise.
//!
//! # Jobs
//!
//! `kickoff` chooses the job's nodes (`Explicit`: those, which must be in the inventory;
//! `Range`: `min` nodes, see [`alloc`]), writes them to `<job_dir>/sim_nodes` and starts the
//! kickoff script exactly as the `raw` plugin does (a detached local session); status and
//! cancel are `raw`'s. Inside the job, `alloc_nodes` reads `sim_nodes` from `$LOGGIA_JOB_DIR`,
//! so a test sees its nodes in `sched.test_node_list` (and the variables derived from it). The
//! test itself runs on this host: `sched.test_cmd` is just the wrapper.

pub mod alloc;
pub mod env;
pub mod load;
pub mod plugin;
pub mod structured;
pub mod synth;

mod slurm_text;

pub use env::{Env, MapEnv, ProcessEnv};
pub use load::{load_inventory, parse_inventory, Format};
pub use plugin::{build_inventory, Sim, SIM};

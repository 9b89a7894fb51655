//! Talking to the controller outside of jobs: the availability check and the inventory
//! commands (SCHEDULING.md §2.7).

use crate::inventory::inventory_records;
use crate::TRANSIENT;
use loggia_sched::scheduler::{RawExtra, RawNode};
use loggia_sched::{Availability, Cmd, Context, SchedError};
use std::path::Path;
use std::time::Duration;

/// The executables `available` requires (`sacct` is optional).
pub const REQUIRED: [&str; 5] = ["sbatch", "squeue", "scontrol", "scancel", "sinfo"];

/// The trivial query of the availability check.
pub const PROBE: [&str; 3] = ["sinfo", "--noheader", "--format=%P"];

/// Longest the availability probe may take (§2.2).
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The required executables missing from `path` (a `PATH` value).
pub fn missing_executables(path: &str) -> Vec<&'static str> {
    REQUIRED
        .into_iter()
        .filter(|exe| {
            !std::env::split_paths(path)
                .any(|d| !d.as_os_str().is_empty() && is_executable(&d.join(exe)))
        })
        .collect()
}

/// Executables on `PATH`, then `sinfo --noheader --format=%P` exiting 0 within 10 s.
pub fn available(cx: &Context, path: Option<&str>) -> Availability {
    let missing = missing_executables(path.unwrap_or(""));
    if !missing.is_empty() {
        return Availability::Unavailable(format!("not on PATH: {}", missing.join(", ")));
    }
    let cmd = Cmd::new(PROBE).timeout(cx.command_timeout().min(PROBE_TIMEOUT));
    match cx.runner.run(&cmd) {
        Ok(out) if out.success() => Availability::Available,
        Ok(out) => {
            let why = out
                .stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let status = out
                .code
                .map_or_else(|| "was killed".to_string(), |c| format!("exited {c}"));
            Availability::Unavailable(format!("'{}' {status}: {}", PROBE.join(" "), why.trim()))
        }
        Err(e) => Availability::Unavailable(e.to_string()),
    }
}

/// `scontrol --oneliner show <what>`'s output.
fn show(cx: &Context, what: &str) -> Result<String, SchedError> {
    let cmd = Cmd::new(["scontrol", "--oneliner", "show", what]).timeout(cx.command_timeout());
    let out = cx.runner.run(&cmd)?;
    if !out.success() {
        return Err(SchedError::from_output(
            format!("cannot read the Slurm {what} list"),
            &out,
            TRANSIENT,
        ));
    }
    Ok(out.stdout)
}

/// The text of `show node`, `show reservation` and `show partition` (three commands).
pub fn inventory_texts(cx: &Context) -> Result<[String; 3], SchedError> {
    Ok([
        show(cx, "node")?,
        show(cx, "reservation")?,
        show(cx, "partition")?,
    ])
}

/// Nodes, reservations and partitions, parsed by [`inventory_records`].
pub fn raw_nodes(cx: &Context) -> Result<(Vec<RawNode>, RawExtra), SchedError> {
    let [nodes, reservations, partitions] = inventory_texts(cx)?;
    Ok(inventory_records(&nodes, &reservations, &partitions))
}

#[cfg(test)]
#[path = "probe_tests.rs"]
mod tests;

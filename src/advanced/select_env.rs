//! The chunk-selection environment of a real invocation (SCHEDULING.md §3.7): live loggia jobs
//! per chunk from the job directories of this working_dir (`fewest_jobs`), and the persisted
//! round-robin counters under `working_dir/sched/<plugin>/` guarded by a file lock.

use crate::fsutil::{self, FileLock};
use crate::run::job;
use loggia_sched::advanced::SelectEnv;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a job's `info` records about its chunk (`JobRecord::chunk`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChunkNote {
    pub set: usize,
    pub index: usize,
    /// Stable hash of the chunk's node names, hex (JSON numbers lose u64 precision).
    pub fingerprint: String,
}

impl ChunkNote {
    pub fn new(c: loggia_sched::advanced::ChunkRef) -> ChunkNote {
        ChunkNote {
            set: c.set,
            index: c.index,
            fingerprint: loggia_sched::advanced::hex(c.fingerprint),
        }
    }
}

/// Disk-backed [`SelectEnv`] for one plugin.
pub struct DiskEnv {
    working_dir: PathBuf,
    plugin: String,
    /// Oldest submission time that still counts as live.
    since: f64,
    /// Scanned on the first `fewest_jobs` question only, so that every answer of one
    /// planning pass sees the same counts and plans without that strategy read nothing.
    live: std::cell::OnceCell<HashMap<String, u64>>,
}

impl DiskEnv {
    pub fn new(working_dir: &Path, plugin: &str, window_s: u64) -> DiskEnv {
        DiskEnv {
            working_dir: working_dir.to_path_buf(),
            plugin: plugin.to_string(),
            since: fsutil::unix_now() - window_s as f64,
            live: std::cell::OnceCell::new(),
        }
    }

    /// Live jobs by chunk fingerprint: jobs of this plugin submitted within the window that
    /// still have an incomplete test.
    fn scan(&self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Ok(rd) = std::fs::read_dir(self.working_dir.join("jobs")) else {
            return out;
        };
        for e in rd.flatten() {
            let Some(rec) = job::read_record(&e.path()) else {
                continue;
            };
            if rec.info.plugin != self.plugin || rec.info.submitted < self.since {
                continue;
            }
            let Some(note) = rec
                .chunk
                .and_then(|c| serde_json::from_value::<ChunkNote>(c).ok())
            else {
                continue;
            };
            let live = rec.tests.iter().any(|id| {
                let dir = e.path().join("tests").join(id);
                !dir.join("RUN_COMPLETE").exists() && dir.exists()
            });
            if live {
                *out.entry(note.fingerprint).or_insert(0) += 1;
            }
        }
        out
    }
}

impl SelectEnv for DiskEnv {
    fn live_jobs(&self, fingerprint: u64) -> u64 {
        let key = loggia_sched::advanced::hex(fingerprint);
        let live = self.live.get_or_init(|| self.scan());
        live.get(&key).copied().unwrap_or(0)
    }

    fn round_robin_next(&mut self, list_fingerprint: u64) -> Result<u64, String> {
        let dir = self.working_dir.join("sched").join(&self.plugin);
        let path = dir.join(format!(
            "rr-{}",
            loggia_sched::advanced::hex(list_fingerprint)
        ));
        let err = |e: std::io::Error| format!("round-robin counter {}: {e}", path.display());
        fsutil::create_dir_all(&dir).map_err(err)?;
        let _lock = FileLock::acquire(&path.with_extension("lock")).map_err(err)?;
        let current = match std::fs::read_to_string(&path) {
            Ok(s) => s.trim().parse::<u64>().map_err(|_| {
                format!(
                    "round-robin counter {}: expected an integer, found '{}'",
                    path.display(),
                    s.trim()
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(err(e)),
        };
        fsutil::write_atomic(&path, format!("{}\n", current + 1).as_bytes()).map_err(err)?;
        Ok(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_counters_persist_per_list() {
        let d = tempfile::tempdir().unwrap();
        let mut env = DiskEnv::new(d.path(), "sim", 3600);
        assert_eq!(env.round_robin_next(7).unwrap(), 0);
        assert_eq!(env.round_robin_next(7).unwrap(), 1);
        assert_eq!(env.round_robin_next(8).unwrap(), 0);
        let mut again = DiskEnv::new(d.path(), "sim", 3600);
        assert_eq!(again.round_robin_next(7).unwrap(), 2);
    }

    #[test]
    fn a_corrupt_counter_is_an_error_not_a_reset() {
        let d = tempfile::tempdir().unwrap();
        let mut env = DiskEnv::new(d.path(), "sim", 3600);
        env.round_robin_next(7).unwrap();
        let p = d
            .path()
            .join("sched/sim")
            .join(format!("rr-{}", loggia_sched::advanced::hex(7)));
        std::fs::write(&p, "garbage").unwrap();
        let e = env.round_robin_next(7).unwrap_err();
        assert!(e.contains("expected an integer, found 'garbage'"), "{e}");
    }

    /// A job dir of plugin `plugin` in chunk `fp` whose one test is complete or not.
    fn job(wd: &Path, name: &str, plugin: &str, fp: u64, submitted: f64, complete: bool) {
        let dir = wd.join("jobs").join(name);
        let test = dir.join("tests").join("main.1");
        std::fs::create_dir_all(&test).unwrap();
        if complete {
            std::fs::write(test.join("RUN_COMPLETE"), "{}").unwrap();
        }
        let rec = serde_json::json!({
            "plugin": plugin, "id": name, "sys_name": "s", "host": "h",
            "submitted": submitted, "job_dir": dir,
            "tests": ["main.1"], "node_spec": {"kind": "explicit", "nodes": ["n1"]},
            "time_limit_s": 60, "job_name": "loggia.x",
            "chunk": {"set": 0, "index": 0, "fingerprint": loggia_sched::advanced::hex(fp)},
            "chunk_seed": 1,
        });
        std::fs::write(dir.join("info"), rec.to_string()).unwrap();
    }

    #[test]
    fn live_jobs_count_incomplete_recent_jobs_of_the_plugin_per_chunk() {
        let d = tempfile::tempdir().unwrap();
        let now = fsutil::unix_now();
        job(d.path(), "a", "sim", 7, now, false);
        job(d.path(), "b", "sim", 7, now, false);
        job(d.path(), "c", "sim", 7, now, true);
        job(d.path(), "d", "slurm", 7, now, false);
        job(d.path(), "e", "sim", 7, now - 7200.0, false);
        job(d.path(), "f", "sim", 8, now, false);
        let env = DiskEnv::new(d.path(), "sim", 3600);
        assert_eq!(env.live_jobs(7), 2);
        assert_eq!(env.live_jobs(8), 1);
        assert_eq!(env.live_jobs(9), 0);
    }

    #[test]
    fn no_jobs_means_no_live_jobs() {
        let d = tempfile::tempdir().unwrap();
        let env = DiskEnv::new(d.path(), "sim", 3600);
        assert_eq!(env.live_jobs(1), 0);
    }
}

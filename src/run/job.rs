//! Job directories (SCHEDULING.md §6.1) and launching one unit of tests as a job: the kickoff
//! script, the plugin's submission (transient errors retried with backoff, §5.5), `info`, and
//! the links between the job and its test runs.

use super::script::{kickoff_script, KickoffEnv};
use super::testrun::TestRun;
use crate::config::site::Site;
use crate::fsutil::{self, write_json};
use loggia_sched::advanced::UnitKind;
use loggia_sched::{
    Context, JobInfo, JobStatus, KickoffRequest, NodeSpec, SchedError, SchedSettings,
    ScheduleConfig, SchedulerRegistration,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The job `info` file: JobInfo plus what was asked for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobRecord {
    #[serde(flatten)]
    pub info: JobInfo,
    pub tests: Vec<String>,
    pub node_spec: NodeSpec,
    pub time_limit_s: u64,
    pub chunk: Option<serde_json::Value>,
    pub chunk_seed: Option<u64>,
    pub job_name: String,
}

/// Poll bookkeeping (`status.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct JobPoll {
    pub silent_polls: u32,
    pub seen_running: bool,
    pub first_terminal_seen: Option<f64>,
    pub last: Option<JobStatus>,
}

/// `exit_record.json` (§6.5).
#[derive(Debug, Clone, Deserialize)]
pub struct ExitRecord {
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub host: Option<String>,
}

pub fn read_record(job_dir: &Path) -> Option<JobRecord> {
    fsutil::read_json(&job_dir.join("info")).ok()
}

pub fn read_poll(job_dir: &Path) -> JobPoll {
    fsutil::read_json(&job_dir.join("status.json")).unwrap_or_default()
}

pub fn write_poll(job_dir: &Path, p: &JobPoll) {
    let _ = write_json(&job_dir.join("status.json"), p);
}

pub fn read_exit_record(job_dir: &Path) -> Option<ExitRecord> {
    fsutil::read_json(&job_dir.join("exit_record.json")).ok()
}

/// `loggia.<8 hex>.<suffix>` (§6.7).
pub fn job_name(uuid: &str, tests: &[String]) -> String {
    let suffix = if tests.len() == 1 {
        tests[0].clone()
    } else {
        let mut s = tests.iter().take(4).cloned().collect::<Vec<_>>().join("+");
        if tests.len() > 4 {
            s.push_str("+...");
        }
        s
    };
    let raw = format!("loggia.{}.{suffix}", &uuid[..8.min(uuid.len())]);
    let clean: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._+-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    clean.chars().take(128).collect()
}

/// One unit of tests to launch as a job.
pub struct Unit<'a> {
    pub tests: Vec<(&'a TestRun, String)>,
    pub schedule: ScheduleConfig,
    pub node_spec: NodeSpec,
    pub time_limit_s: u64,
    pub shebang: String,
    pub kind: UnitKind,
    /// Advanced tier: the chunk the job runs in (for `fewest_jobs` and the record).
    pub chunk: Option<crate::advanced::select_env::ChunkNote>,
    pub chunk_seed: Option<u64>,
    /// Inventory facts of the job's explicit nodes (`node_info.json`, §6.6).
    pub node_info: std::collections::BTreeMap<String, loggia_sched::NodeInfo>,
}

/// Whether the site's extra `transient_patterns` for `plugin` (regexes, SCHEDULING §10) match
/// the error's stderr. A pattern that is not a valid regex is matched as plain text.
pub fn site_transient(settings: &SchedSettings, plugin: &str, e: &SchedError) -> bool {
    let Some(patterns) = settings.transient_patterns.get(plugin) else {
        return false;
    };
    patterns.iter().any(|p| match fancy_regex::Regex::new(p) {
        Ok(re) => re.is_match(&e.stderr).unwrap_or(false),
        Err(_) => e.stderr.contains(p.as_str()),
    })
}

/// Retries `f` on transient errors (the plugin's verdict, or the site's extra patterns for
/// `plugin`): delays `backoff_base·2^i` with ±25 % jitter, at most `retries` times (§5.5).
pub fn with_retries<T>(
    settings: &SchedSettings,
    plugin: &str,
    mut f: impl FnMut() -> Result<T, SchedError>,
) -> Result<T, SchedError> {
    let st = &settings.status;
    let mut i = 0;
    loop {
        match f() {
            Err(e) if (e.transient || site_transient(settings, plugin, &e)) && i < st.retries => {
                let jitter = 0.75 + (fsutil::unix_now().fract() * 0.5);
                let delay = st.backoff_base * 2f64.powi(i as i32) * jitter;
                std::thread::sleep(Duration::from_secs_f64(delay.max(0.0)));
                i += 1;
            }
            other => return other,
        }
    }
}

/// Launches a unit; on failure every test of the unit is completed with SCHED_ERROR.
pub fn launch(
    site: &Site,
    reg: &'static SchedulerRegistration,
    cx: &Context,
    unit: &Unit,
) -> Result<JobInfo, String> {
    let uuid = uuid::Uuid::new_v4().simple().to_string();
    let job_dir = site.working_dir.join("jobs").join(&uuid);
    let ids: Vec<String> = unit.tests.iter().map(|(t, _)| t.full_id()).collect();
    let names: Vec<String> = unit.tests.iter().map(|(_, n)| n.clone()).collect();
    let res = submit(site, reg, cx, unit, &uuid, &job_dir, &ids, &names);
    match &res {
        Ok(info) => {
            let n = unit.tests.len();
            let how = match unit.kind {
                _ if n > 1 => format!("(shared with {} other tests)", n - 1),
                UnitKind::IndivChunk => format!("(individual, {n} nodes of its chunk)"),
                _ => "(individual, flex)".to_string(),
            };
            for (t, _) in &unit.tests {
                let _ = t.set_status(
                    "SCHEDULED",
                    &format!("kicked off by {} as job {} {how}", reg.name, info.id),
                );
            }
        }
        Err(msg) => fail_unit(site, &unit.tests, msg),
    }
    res
}

/// Marks every test of a unit that could not be kicked off `SCHED_ERROR` and completes it;
/// the other units go on (§3.8).
pub fn fail_unit(site: &Site, tests: &[(&TestRun, String)], msg: &str) {
    for (t, _) in tests {
        crate::results::record::fail(t, &site.result_log, "SCHED_ERROR", msg);
    }
}

#[allow(clippy::too_many_arguments)]
fn submit(
    site: &Site,
    reg: &'static SchedulerRegistration,
    cx: &Context,
    unit: &Unit,
    uuid: &str,
    job_dir: &Path,
    ids: &[String],
    names: &[String],
) -> Result<JobInfo, String> {
    let io = |e: std::io::Error| format!("job directory {}: {e}", job_dir.display());
    fsutil::create_dir_all(&job_dir.join("tests")).map_err(io)?;
    for (t, _) in &unit.tests {
        let _ = std::os::unix::fs::symlink(&t.dir, job_dir.join("tests").join(t.full_id()));
        let _ = std::fs::remove_file(t.path("job"));
        std::os::unix::fs::symlink(job_dir, t.path("job")).map_err(io)?;
    }
    let name = job_name(uuid, names);
    let script_path = job_dir.join("kickoff");
    let req = KickoffRequest {
        job_id: uuid.to_string(),
        job_dir: job_dir.to_path_buf(),
        script_path: script_path.clone(),
        job_name: name.clone(),
        tests: ids.to_vec(),
        schedule: unit.schedule.clone(),
        node_spec: unit.node_spec.clone(),
        time_limit_s: unit.time_limit_s,
        env_strip: site.scheduling.env_strip.clone(),
    };
    let headers = reg.plugin.header_lines(&req);
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find the loggia executable: {e}"))?;
    let exe_dir: PathBuf = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    let text = kickoff_script(&KickoffEnv {
        shebang: &unit.shebang,
        headers: &headers,
        job_uuid: uuid,
        job_dir,
        loggia_dir: &exe_dir,
        config_file: site.file.as_deref(),
        env_setup: &site.env_setup,
        tests: ids,
    });
    super::create::write_script(&script_path, &text).map_err(io)?;
    if !unit.node_info.is_empty() {
        write_json(&job_dir.join("node_info.json"), &unit.node_info).map_err(io)?;
    }
    let info = with_retries(&site.scheduling, reg.name, || reg.plugin.kickoff(cx, &req))
        .map_err(|e| format!("kickoff by {} failed: {}", reg.name, e.detail()))?;
    let rec = JobRecord {
        info: info.clone(),
        tests: ids.to_vec(),
        node_spec: unit.node_spec.clone(),
        time_limit_s: unit.time_limit_s,
        chunk: unit
            .chunk
            .as_ref()
            .and_then(|c| serde_json::to_value(c).ok()),
        chunk_seed: unit.chunk_seed,
        job_name: name,
    };
    write_json(&job_dir.join("info"), &rec).map_err(io)?;
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_follow_the_rule() {
        let u = "0123456789abcdef0123456789abcdef";
        assert_eq!(job_name(u, &["s.t".into()]), "loggia.01234567.s.t");
        let many: Vec<String> = (0..6).map(|i| format!("s.t{i}")).collect();
        assert_eq!(
            job_name(u, &many),
            "loggia.01234567.s.t0+s.t1+s.t2+s.t3+..."
        );
        assert_eq!(job_name(u, &["s.a b".into()]), "loggia.01234567.s.a_b");
    }

    fn quick_settings() -> SchedSettings {
        let mut s = SchedSettings::default();
        s.status.retries = 3;
        s.status.backoff_base = 0.001;
        s
    }

    #[test]
    fn retries_only_transient_errors() {
        let mut n = 0;
        let r: Result<(), SchedError> = with_retries(&quick_settings(), "slurm", || {
            n += 1;
            Err(SchedError::msg("x").transient(n < 3))
        });
        assert!(r.is_err());
        assert_eq!(n, 3);
    }

    #[test]
    fn site_patterns_make_errors_transient_for_their_plugin_only() {
        let mut s = quick_settings();
        s.transient_patterns.insert(
            "slurm".into(),
            vec!["Zero Bytes were transmitted".into(), "bad[".into()],
        );
        let mut e = SchedError::msg("sbatch failed");
        e.stderr = "sbatch: error: Zero Bytes were transmitted or received".into();
        assert!(site_transient(&s, "slurm", &e));
        assert!(!site_transient(&s, "pbs", &e));
        e.stderr = "error: bad[ thing".into();
        assert!(
            site_transient(&s, "slurm", &e),
            "invalid regex matches as text"
        );
        let mut n = 0;
        let r: Result<(), SchedError> = with_retries(&s, "slurm", || {
            n += 1;
            let mut e = SchedError::msg("x");
            e.stderr = "Zero Bytes were transmitted".into();
            Err(e)
        });
        assert!(r.is_err());
        assert_eq!(n, 4, "first try plus three retries");
    }
}

//! Submission (SCHEDULING.md §6.4, §5.5): `sbatch --parsable --output=<job_dir>/sched.log
//! --chdir=<job_dir> <script>` in the job dir, with the site's `env_strip` removed and the
//! submit timeout. The plugin never retries; when sbatch times out (the job may exist) it looks
//! for a job with the request's unique name and adopts it instead of failing.

use crate::parse::{parse_ids, parse_parsable};
use crate::TRANSIENT;
use loggia_sched::{Cmd, CmdError, Context, JobInfo, KickoffRequest, SchedError};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// The exact §6.4 argv.
pub fn sbatch_argv(req: &KickoffRequest) -> Vec<String> {
    let dir = req.job_dir.display();
    vec![
        "sbatch".into(),
        "--parsable".into(),
        format!("--output={dir}/sched.log"),
        format!("--chdir={dir}"),
        req.script_path.display().to_string(),
    ]
}

/// The §5.5 adoption query for a job name.
pub fn adopt_argv(job_name: &str) -> Vec<String> {
    vec![
        "squeue".into(),
        "--me".into(),
        "--noheader".into(),
        format!("--name={job_name}"),
        "--format=%i".into(),
    ]
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

fn info(
    cx: &Context,
    req: &KickoffRequest,
    id: String,
    extra: BTreeMap<String, String>,
) -> JobInfo {
    JobInfo {
        plugin: crate::schema::NAME.to_string(),
        id,
        sys_name: cx.sys_name.to_string(),
        host: cx.host.to_string(),
        submitted: unix_now(),
        job_dir: req.job_dir.clone(),
        extra,
    }
}

/// After a submission timeout: the id of the job carrying our unique name, if Slurm has one.
fn adopt(cx: &Context, req: &KickoffRequest) -> Option<String> {
    let cmd = Cmd::new(adopt_argv(&req.job_name)).timeout(cx.command_timeout());
    match cx.runner.run(&cmd) {
        Ok(out) if out.success() => parse_ids(&out.stdout).into_iter().next(),
        Ok(out) => {
            tracing::warn!(stderr = %out.stderr, "cannot look for a job submitted before a timeout");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot look for a job submitted before a timeout");
            None
        }
    }
}

/// Submits `req`; see the module doc.
pub fn kickoff(cx: &Context, req: &KickoffRequest) -> Result<JobInfo, SchedError> {
    let cmd = Cmd::new(sbatch_argv(req))
        .cwd(&req.job_dir)
        .env_remove(&req.env_strip)
        .timeout(cx.submit_timeout());
    let out = match cx.runner.run(&cmd) {
        Ok(out) => out,
        Err(e @ CmdError::Timeout { .. }) => {
            if let Some(id) = adopt(cx, req) {
                tracing::info!(id = %id, name = %req.job_name, "adopted a job submitted before sbatch timed out");
                let extra = BTreeMap::from([("adopted".to_string(), "true".to_string())]);
                return Ok(info(cx, req, id, extra));
            }
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    };
    if !out.success() {
        return Err(SchedError::from_output(
            "sbatch could not submit the job",
            &out,
            TRANSIENT,
        ));
    }
    let Some((id, cluster)) = parse_parsable(&out.stdout) else {
        let mut e = SchedError::from_output(
            format!(
                "sbatch succeeded but printed no job id (expected '<id>' or '<id>;<cluster>', got {:?})",
                loggia_sched::text::head_bytes(out.stdout.trim(), 200)
            ),
            &out,
            &[],
        );
        e.transient = false;
        return Err(e);
    };
    let mut extra = BTreeMap::new();
    if let Some(c) = cluster {
        extra.insert("cluster".to_string(), c);
    }
    Ok(info(cx, req, id, extra))
}

#[cfg(test)]
#[path = "submit_tests.rs"]
mod tests;

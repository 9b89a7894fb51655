//! `loggia cancel` (SCHEDULING.md §5.8): marks tests cancelled, then cancels each job whose
//! tests are all cancelled or complete, one batched call per plugin, and completes the tests the
//! cancelled jobs can no longer complete themselves.

use crate::exit::Exit;
use crate::fsutil;
use crate::results::record::fail;
use crate::run::job;
use crate::run::testrun::TestRun;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Test ids (`N` or `label.N`); default: the tests of the last `loggia run`.
    ids: Vec<String>,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    let site = super::load_site()?;
    let tests = super::select_tests(&site, &a.ids)?;
    let user = std::env::var("USER").unwrap_or_default();
    let mut jobs: BTreeMap<PathBuf, Vec<TestRun>> = BTreeMap::new();
    for t in &tests {
        if t.is_complete() {
            continue;
        }
        let _ = std::fs::write(
            t.path("cancel"),
            format!(
                "{{\"time\": {}, \"user\": \"{user}\"}}\n",
                fsutil::unix_now()
            ),
        );
        let _ = t.set_status("CANCELLED", "loggia cancel requested");
        match t.job_dir() {
            Some(d) => jobs.entry(d).or_default().push(t.clone()),
            None => {
                // Never kicked off: nothing else will complete it.
                fail(
                    t,
                    &site.result_log,
                    "SCHED_CANCELLED",
                    "cancelled before kickoff",
                );
            }
        }
    }
    let local = crate::run::local::Local::new();
    let cx = local.cx(&site);
    let mut by_plugin: BTreeMap<String, Vec<(PathBuf, job::JobRecord)>> = BTreeMap::new();
    let mut exit = Exit::Success;
    for dir in jobs.keys() {
        let Some(rec) = job::read_record(dir) else {
            continue;
        };
        let others_running = rec
            .tests
            .iter()
            .filter_map(|f| TestRun::parse_full_id(f).ok())
            .map(|(l, i)| TestRun::new(&site.working_dir, &l, i))
            .filter(|t| !t.is_complete() && !t.cancel_requested())
            .count();
        if others_running > 0 {
            println!(
                "job {} not cancelled: {others_running} tests of job {} are still running",
                rec.info.id, rec.info.id
            );
            continue;
        }
        let _ = std::fs::write(
            dir.join("cancel_requested"),
            format!(
                "{{\"time\": {}, \"user\": \"{user}\"}}\n",
                fsutil::unix_now()
            ),
        );
        by_plugin
            .entry(rec.info.plugin.clone())
            .or_default()
            .push((dir.clone(), rec));
    }
    for (plugin, recs) in by_plugin {
        let reg = match loggia_sched::registry().get(&plugin) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                exit = Exit::SchedulerError;
                continue;
            }
        };
        let infos: Vec<_> = recs.iter().map(|(_, r)| r.info.clone()).collect();
        let results = reg.plugin.cancel(&cx, &infos);
        for (dir, rec) in &recs {
            match results.get(&rec.info.id) {
                Some(Ok(())) | None => {
                    println!("cancelled job {} ({plugin})", rec.info.id);
                    for t in jobs.get(dir).into_iter().flatten() {
                        if !t.is_complete() {
                            fail(
                                t,
                                &site.result_log,
                                "SCHED_CANCELLED",
                                &format!("job {} was cancelled", rec.info.id),
                            );
                        }
                    }
                }
                Some(Err(e)) => {
                    eprintln!("error: cancelling job {} failed: {e}", rec.info.id);
                    exit = Exit::SchedulerError;
                }
            }
        }
    }
    for t in &tests {
        println!("{}  cancelled", t.full_id());
    }
    Ok(exit)
}

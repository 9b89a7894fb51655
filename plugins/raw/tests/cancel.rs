//! Cancel and batched status over real processes: whole sessions die, reused pids are left
//! alone, foreign jobs are refused.

mod common;

use common::{live_in_session, stat, wait_until, World, HOST, SYS};
use loggia_sched::{JobInfo, JobState, JobStatus, Scheduler, StatusSource};
use loggia_sched_raw::Raw;
use std::collections::{BTreeMap, BTreeSet};

/// A kickoff whose children live in its own process group and in another group of the session.
const TWO_GROUPS: &str = "sleep 300 &\n(set -m; sleep 300 &)\necho ready > ready\nwait\n";

#[test]
fn cancel_leaves_no_process_of_the_session() {
    let w = World::new();
    let req = w.job("c1", TWO_GROUPS);
    let info = Raw.kickoff(&w.cx(), &req).unwrap();
    let sid: i32 = info.id.parse().unwrap();
    wait_until("bash and both sleeps run in two process groups", || {
        let live = live_in_session(sid);
        let groups: BTreeSet<i32> = live.iter().map(|p| p.pgrp).collect();
        live.len() == 3 && groups.len() == 2
    });
    let other_group = live_in_session(sid)
        .into_iter()
        .find(|p| p.pgrp != sid)
        .unwrap();
    assert_eq!(other_group.comm, "sleep");

    let results = Raw.cancel(&w.cx(), std::slice::from_ref(&info));
    assert_eq!(results, BTreeMap::from([(info.id.clone(), Ok(()))]));
    assert_eq!(live_in_session(sid), vec![]);
    assert!(Raw
        .job_status(&w.cx(), std::slice::from_ref(&info))
        .unwrap()
        .is_empty());
    // Cancelling a finished job again is a success.
    let again = Raw.cancel(&w.cx(), std::slice::from_ref(&info));
    assert_eq!(again, BTreeMap::from([(info.id.clone(), Ok(()))]));
}

#[test]
fn reused_pid_is_neither_running_nor_cancelled() {
    let w = World::new();
    let req = w.job("r1", "exec sleep 300\n");
    let info = Raw.kickoff(&w.cx(), &req).unwrap();
    let pid: i32 = info.id.parse().unwrap();
    let mut impostor = info.clone();
    let ticks: u64 = info.extra["start_ticks"].parse().unwrap();
    impostor
        .extra
        .insert("start_ticks".into(), (ticks + 1).to_string());

    assert!(Raw
        .job_status(&w.cx(), std::slice::from_ref(&impostor))
        .unwrap()
        .is_empty());
    let r = Raw.cancel(&w.cx(), std::slice::from_ref(&impostor));
    assert_eq!(r, BTreeMap::from([(info.id.clone(), Ok(()))]));
    assert!(stat(pid).is_live(), "the other process must survive");
    let status = Raw
        .job_status(&w.cx(), std::slice::from_ref(&info))
        .unwrap();
    assert_eq!(status[&info.id].state, JobState::Running);

    let r = Raw.cancel(&w.cx(), std::slice::from_ref(&info));
    assert_eq!(r, BTreeMap::from([(info.id.clone(), Ok(()))]));
    assert_eq!(live_in_session(pid), vec![]);
}

#[test]
fn non_session_leader_is_not_signalled() {
    let w = World::new();
    let mut child = std::process::Command::new("sleep")
        .arg("300")
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let info = JobInfo {
        plugin: "raw".into(),
        id: pid.to_string(),
        sys_name: SYS.into(),
        host: HOST.into(),
        submitted: 0.0,
        job_dir: w.dir.path().to_path_buf(),
        extra: BTreeMap::from([("start_ticks".into(), stat(pid).start_ticks.to_string())]),
    };
    let r = Raw.cancel(&w.cx(), std::slice::from_ref(&info));
    let reason = format!(
        "process {pid} does not lead its own session, so it is not a raw job; not signalled"
    );
    assert_eq!(r, BTreeMap::from([(info.id.clone(), Err(reason))]));
    assert_eq!(child.try_wait().unwrap(), None);
    child.kill().unwrap();
    child.wait().unwrap();
}

fn foreign(mut info: JobInfo, sys: Option<&str>, host: Option<&str>) -> JobInfo {
    if let Some(s) = sys {
        info.sys_name = s.into();
    }
    if let Some(h) = host {
        info.host = h.into();
    }
    info.id = format!("{}-{}", info.id, sys.or(host).unwrap_or(""));
    info
}

#[test]
fn batched_status_and_cancel_over_fifty_jobs() {
    let w = World::new();
    let jobs: Vec<JobInfo> = (0..50)
        .map(|i| {
            Raw.kickoff(&w.cx(), &w.job(&format!("b{i}"), "exec sleep 300\n"))
                .unwrap()
        })
        .collect();
    let ended = Raw.kickoff(&w.cx(), &w.job("ended", "exit 0\n")).unwrap();
    let ended_pid: i32 = ended.id.parse().unwrap();
    wait_until("the short job ended", || !stat(ended_pid).is_live());
    let other_cluster = foreign(jobs[0].clone(), Some("elsewhere"), None);
    let other_host = foreign(jobs[1].clone(), None, Some("otherhost"));

    let mut all = jobs.clone();
    all.extend([ended.clone(), other_cluster.clone(), other_host.clone()]);
    let status = Raw.job_status(&w.cx(), &all).unwrap();
    assert_eq!(status.len(), 52);
    for j in &jobs {
        assert_eq!(status[&j.id].state, JobState::Running, "job {}", j.id);
        assert_eq!(status[&j.id].source, StatusSource::Local);
    }
    assert!(!status.contains_key(&ended.id));
    assert_eq!(
        status[&other_cluster.id],
        JobStatus::unknown("job belongs to cluster 'elsewhere'", StatusSource::Local)
    );
    assert_eq!(
        status[&other_host.id],
        JobStatus::unknown(
            "started on host otherhost; status can only be checked there",
            StatusSource::Local
        )
    );

    let results = Raw.cancel(&w.cx(), &all);
    assert_eq!(results.len(), 53);
    for j in jobs.iter().chain([&ended]) {
        assert_eq!(results[&j.id], Ok(()), "job {}", j.id);
    }
    assert_eq!(
        results[&other_cluster.id],
        Err("job belongs to cluster 'elsewhere'".to_string())
    );
    assert_eq!(
        results[&other_host.id],
        Err("started on host otherhost; it can only be cancelled there".to_string())
    );
    for j in &jobs {
        assert_eq!(
            live_in_session(j.id.parse().unwrap()),
            vec![],
            "job {}",
            j.id
        );
    }
    assert!(Raw.job_status(&w.cx(), &jobs).unwrap().is_empty());
}

#[test]
fn invalid_ids_are_reported() {
    let w = World::new();
    let mut bad = Raw.kickoff(&w.cx(), &w.job("i1", "exit 0\n")).unwrap();
    bad.id = "not-a-pid".into();
    let status = Raw.job_status(&w.cx(), std::slice::from_ref(&bad)).unwrap();
    let reason = "invalid raw job id 'not-a-pid': expected a process id";
    assert_eq!(
        status[&bad.id],
        JobStatus::unknown(reason, StatusSource::Local)
    );
    let r = Raw.cancel(&w.cx(), std::slice::from_ref(&bad));
    assert_eq!(
        r,
        BTreeMap::from([(bad.id.clone(), Err(reason.to_string()))])
    );
}

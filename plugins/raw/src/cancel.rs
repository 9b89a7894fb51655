//! Cancelling raw jobs (SCHEDULING.md §5.8, raw): every process of each job's session is
//! stopped, not only the kickoff script's process group, because the in-allocation runner puts
//! each test's `run.sh` in a process group of its own.
//!
//! All jobs are handled together: each round scans `/proc` once, signals what is left of every
//! session, and sleeps one poll interval. SIGTERM (followed by SIGCONT, so stopped processes can
//! act on it) goes to every process group of a session as soon as the group is seen; after the
//! grace period every remaining process and group gets SIGKILL until it is gone or the kill wait
//! runs out.

use crate::procfs::{self, ProcStat};
use loggia_sched::scheduler::CancelResults;
use nix::errno::Errno;
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// How long cancellation waits, and how often it looks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    pub poll: Duration,
    /// Time after SIGTERM before SIGKILL.
    pub grace: Duration,
    /// Time after the first SIGKILL before a surviving process is reported.
    pub kill_wait: Duration,
}

impl Timing {
    pub const DEFAULT: Timing = Timing {
        poll: Duration::from_millis(100),
        grace: Duration::from_secs(5),
        kill_wait: Duration::from_secs(2),
    };
}

/// Live (non-zombie) processes of the wanted sessions, by session id. Zombies are left out: they
/// cannot be signalled and only wait for their parent (or init) to reap them.
pub(crate) fn live_members(
    procs: &[ProcStat],
    sids: &BTreeSet<i32>,
) -> BTreeMap<i32, Vec<ProcStat>> {
    let mut out: BTreeMap<i32, Vec<ProcStat>> = BTreeMap::new();
    for p in procs
        .iter()
        .filter(|p| p.is_live() && sids.contains(&p.session))
    {
        out.entry(p.session).or_default().push(p.clone());
    }
    out
}

/// One session being cancelled.
#[derive(Default)]
struct Pending {
    /// Job ids that named this session (normally one).
    ids: Vec<String>,
    /// Process groups already sent SIGTERM.
    termed: BTreeSet<i32>,
    /// Signal errors other than "no such process", for the failure reason.
    errors: BTreeSet<String>,
}

impl Pending {
    fn note(&mut self, what: &str, r: nix::Result<()>) {
        match r {
            Ok(()) | Err(Errno::ESRCH) => {}
            Err(e) => {
                self.errors.insert(format!("{what}: {e}"));
            }
        }
    }

    fn signal(&mut self, members: &[ProcStat], escalate: bool) {
        // Groups and sessions live as long as a member does, so their ids in a fresh scan still
        // name this session's groups.
        let groups: BTreeSet<i32> = members.iter().map(|m| m.pgrp).filter(|&g| g > 1).collect();
        if escalate {
            for g in &groups {
                self.note(
                    &format!("SIGKILL group {g}"),
                    killpg(Pid::from_raw(*g), Signal::SIGKILL),
                );
            }
            for m in members.iter().filter(|m| m.pid > 1) {
                self.note(
                    &format!("SIGKILL {}", m.pid),
                    kill(Pid::from_raw(m.pid), Signal::SIGKILL),
                );
            }
            return;
        }
        for g in groups {
            if self.termed.insert(g) {
                let pg = Pid::from_raw(g);
                self.note(&format!("SIGTERM group {g}"), killpg(pg, Signal::SIGTERM));
                self.note(&format!("SIGCONT group {g}"), killpg(pg, Signal::SIGCONT));
            }
        }
    }
}

/// Stops every process of the given sessions (`(job id, session id)` pairs) and reports per job.
pub(crate) fn kill_sessions(targets: &[(String, i32)], timing: &Timing) -> CancelResults {
    let mut results = CancelResults::new();
    let mut pending: BTreeMap<i32, Pending> = BTreeMap::new();
    for (id, sid) in targets {
        pending.entry(*sid).or_default().ids.push(id.clone());
    }
    let start = Instant::now();
    while !pending.is_empty() {
        let procs = match procfs::scan() {
            Ok(p) => p,
            Err(e) => {
                for p in pending.into_values() {
                    for id in p.ids {
                        results.insert(id, Err(format!("cannot list processes in /proc: {e}")));
                    }
                }
                return results;
            }
        };
        let sids: BTreeSet<i32> = pending.keys().copied().collect();
        let members = live_members(&procs, &sids);
        let elapsed = start.elapsed();
        let give_up = elapsed >= timing.grace + timing.kill_wait;
        let finished: Vec<i32> = sids
            .iter()
            .copied()
            .filter(|s| !members.contains_key(s))
            .collect();
        for sid in finished {
            if let Some(p) = pending.remove(&sid) {
                for id in p.ids {
                    results.insert(id, Ok(()));
                }
            }
        }
        for (sid, p) in pending.iter_mut() {
            let Some(m) = members.get(sid) else { continue };
            if give_up {
                let reason = survivors_reason(*sid, m, &p.errors);
                for id in p.ids.drain(..) {
                    results.insert(id, Err(reason.clone()));
                }
            } else {
                p.signal(m, elapsed >= timing.grace);
            }
        }
        if give_up {
            break;
        }
        if !pending.is_empty() {
            std::thread::sleep(timing.poll);
        }
    }
    results
}

fn survivors_reason(sid: i32, members: &[ProcStat], errors: &BTreeSet<String>) -> String {
    let pids: Vec<String> = members
        .iter()
        .map(|m| format!("{} ({})", m.pid, m.comm))
        .collect();
    let mut s = format!(
        "{} process(es) of session {sid} survived SIGKILL: {}",
        members.len(),
        pids.join(", ")
    );
    if !errors.is_empty() {
        s.push_str(&format!(
            "; signal errors: {}",
            errors.iter().cloned().collect::<Vec<_>>().join("; ")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spawn::{spawn_detached, Launch};
    use std::os::unix::fs::PermissionsExt;

    fn p(pid: i32, state: char, pgrp: i32, session: i32) -> ProcStat {
        ProcStat {
            pid,
            comm: "c".into(),
            state,
            ppid: 1,
            pgrp,
            session,
            start_ticks: 1,
        }
    }

    #[test]
    fn members_skip_zombies_and_other_sessions() {
        let procs = vec![
            p(10, 'S', 10, 10),
            p(11, 'R', 10, 10),
            p(12, 'Z', 10, 10),
            p(13, 'S', 13, 10),
            p(20, 'S', 20, 20),
            p(30, 'S', 30, 30),
        ];
        let m = live_members(&procs, &BTreeSet::from([10, 20, 40]));
        let pids: BTreeMap<i32, Vec<i32>> = m
            .iter()
            .map(|(s, v)| (*s, v.iter().map(|p| p.pid).collect()))
            .collect();
        assert_eq!(
            pids,
            BTreeMap::from([(10, vec![10, 11, 13]), (20, vec![20])])
        );
    }

    #[test]
    fn survivors_are_listed() {
        let r = survivors_reason(
            10,
            &[p(10, 'D', 10, 10), p(11, 'D', 11, 10)],
            &BTreeSet::from(["SIGKILL 11: EPERM: Operation not permitted".to_string()]),
        );
        assert_eq!(
            r,
            "2 process(es) of session 10 survived SIGKILL: 10 (c), 11 (c); \
             signal errors: SIGKILL 11: EPERM: Operation not permitted"
        );
    }

    #[test]
    fn escalates_to_sigkill_when_sigterm_is_trapped() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("kickoff");
        // The trap records SIGTERM and keeps looping, so only SIGKILL ends it.
        std::fs::write(
            &script,
            "#!/bin/bash\ntrap 'echo term >> got_term' TERM\necho ready > ready\n\
             for _ in $(seq 1200); do sleep 0.05; done\n",
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let log = dir.path().join("sched.log");
        let launch = Launch {
            script: &script,
            cwd: dir.path(),
            log: &log,
            env_strip: &[],
        };
        let pid = spawn_detached(&launch).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !dir.path().join("ready").exists() {
            assert!(Instant::now() < deadline, "script did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        let timing = Timing {
            poll: Duration::from_millis(50),
            grace: Duration::from_secs(2),
            kill_wait: Duration::from_secs(5),
        };
        let r = kill_sessions(&[("j".to_string(), pid)], &timing);
        assert_eq!(r, CancelResults::from([("j".to_string(), Ok(()))]));
        let left = live_members(&procfs::scan().unwrap(), &BTreeSet::from([pid]));
        assert!(left.is_empty(), "{left:?}");
        let got = std::fs::read_to_string(dir.path().join("got_term")).unwrap();
        assert_eq!(got, "term\n");
    }
}

//! Running one script with its output in a log file and a *silence* timeout (no new output for
//! N seconds, CONFIG.md §4.1 `timeout`), in its own process group, collecting exit status and
//! resource usage with `wait4`. Used for builds; the in-allocation runner uses the same pieces
//! for many tests at once.

use loggia_sched::{ExitInfo, Usage};
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Reaps `pid` if it has exited (`block = false`) or waits for it; returns its exit info.
pub fn wait4(pid: i32, block: bool) -> std::io::Result<Option<ExitInfo>> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it when it returns a pid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let flags = if block { 0 } else { libc::WNOHANG };
    // SAFETY: valid pointers to locals; pid is one of our own children.
    let r = unsafe { libc::wait4(pid, &mut status, flags, &mut ru) };
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if r == 0 {
        return Ok(None);
    }
    Ok(Some(exit_info(status, &ru)))
}

fn exit_info(status: libc::c_int, ru: &libc::rusage) -> ExitInfo {
    let exited = libc::WIFEXITED(status);
    let signaled = libc::WIFSIGNALED(status);
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    ExitInfo {
        exit_code: if exited {
            Some(libc::WEXITSTATUS(status))
        } else if signaled {
            Some(128 + libc::WTERMSIG(status))
        } else {
            None
        },
        signal: signaled.then(|| libc::WTERMSIG(status)),
        core_dumped: Some(signaled && libc::WCOREDUMP(status)),
        usage: Some(Usage {
            cpu_time_s: Some(tv(ru.ru_utime) + tv(ru.ru_stime)),
            // Linux reports ru_maxrss in KiB.
            max_rss_bytes: Some((ru.ru_maxrss.max(0) as u64) * 1024),
            walltime_s: None,
        }),
        ..Default::default()
    }
}

/// Starts `script arg` with cwd `cwd`, stdout+stderr appended to `log`, in a new process group.
pub fn spawn_logged(
    script: &Path,
    arg: &str,
    cwd: &Path,
    log: &Path,
    env: &[(String, String)],
) -> std::io::Result<i32> {
    let out = File::options().create(true).append(true).open(log)?;
    let err = out.try_clone()?;
    let mut c = Command::new(script);
    c.arg(arg)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0);
    for (k, v) in env {
        c.env(k, v);
    }
    let child = c.spawn()?;
    // We reap by pid with wait4 to get resource usage; std's handle is not needed.
    let pid = child.id() as i32;
    std::mem::forget(child);
    Ok(pid)
}

/// SIGTERM the group, up to `grace` for it to go, then SIGKILL.
pub fn kill_group(pgid: i32, grace: Duration) {
    use nix::sys::signal::{killpg, Signal};
    use nix::unistd::Pid;
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGTERM);
    let end = Instant::now() + grace;
    while Instant::now() < end {
        if killpg(Pid::from_raw(pgid), None).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
}

/// The size and modification state of a followed file, to detect silence.
pub fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Runs a script to completion with a silence timeout on `follow` (usually the log).
pub fn run_with_timeout(
    script: &Path,
    arg: &str,
    cwd: &Path,
    log: &Path,
    follow: &Path,
    timeout: Option<Duration>,
    env: &[(String, String)],
) -> std::io::Result<ExitInfo> {
    let start = Instant::now();
    let pid = spawn_logged(script, arg, cwd, log, env)?;
    let mut last_len = file_len(follow);
    let mut last_change = Instant::now();
    let mut nap = Duration::from_millis(1);
    loop {
        if let Some(mut info) = wait4(pid, false)? {
            if let Some(u) = info.usage.as_mut() {
                u.walltime_s = Some(start.elapsed().as_secs_f64());
            }
            return Ok(info);
        }
        let len = file_len(follow);
        if len != last_len {
            last_len = len;
            last_change = Instant::now();
        }
        if let Some(t) = timeout {
            if last_change.elapsed() > t {
                kill_group(pid, Duration::from_secs(5));
                let mut info = wait4(pid, true)?.unwrap_or_default();
                info.timed_out = true;
                return Ok(info);
            }
        }
        std::thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dir: &Path, body: &str) -> std::path::PathBuf {
        let p = dir.join("s.sh");
        crate::run::create::write_script(&p, &format!("#!/bin/bash\n{body}\n")).unwrap();
        p
    }

    #[test]
    fn exit_codes_and_logs() {
        let d = tempfile::tempdir().unwrap();
        let s = script(d.path(), "echo hi; exit 3");
        let log = d.path().join("log");
        let info = run_with_timeout(&s, "1", d.path(), &log, &log, None, &[]).unwrap();
        assert_eq!(info.exit_code, Some(3));
        assert_eq!(info.signal, None);
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "hi\n");
        assert!(info.usage.unwrap().walltime_s.is_some());
    }

    #[test]
    fn silence_times_out() {
        let d = tempfile::tempdir().unwrap();
        let s = script(d.path(), "echo start; sleep 30");
        let log = d.path().join("log");
        let info = run_with_timeout(
            &s,
            "1",
            d.path(),
            &log,
            &log,
            Some(Duration::from_millis(300)),
            &[],
        )
        .unwrap();
        assert!(info.timed_out);
        assert_eq!(info.signal, Some(15));
    }
}

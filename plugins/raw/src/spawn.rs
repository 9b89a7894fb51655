//! Starting a kickoff script as a detached local process (SCHEDULING.md §6.4, raw row).
//!
//! The script must outlive loggia and never become loggia's zombie, so it is double-forked:
//! loggia forks an intermediate process `P1` (std's `Command`), `P1` forks the job process `P2`
//! inside `pre_exec`, reports `P2`'s pid through a pipe and `_exit`s at once; `P2` calls
//! `setsid` (so it leads a new session and process group: sid = pgid = pid) and continues into
//! std's normal exec path. loggia reaps `P1` immediately; `P2` is re-parented to init (or the
//! nearest subreaper).
//!
//! Why this is sound:
//! * The closure runs in `P1`, a child of a possibly multi-threaded process, where only
//!   async-signal-safe calls are allowed. It calls only `fork`, `setsid`, `write`, `kill` and
//!   `_exit`, allocates nothing and takes no lock. `P1` is single-threaded, and glibc resets its
//!   internal locks in a fork child, so the second `fork` cannot wait on a lock held by a thread
//!   that no longer exists; Rust's std registers no `pthread_atfork` handlers, nor does loggia.
//! * Everything std prepared before the first fork (argv, envp, the stdio descriptors, the working
//!   directory change, the reset signal mask) is already in place in `P1` and is inherited by `P2`,
//!   which returns from the closure into std's exec. If that exec fails, `P2` writes the errno into
//!   std's close-on-exec error pipe and std's `spawn` returns it, so a missing or unexecutable
//!   script is reported as an error. std's `spawn` returns only once every copy of that pipe is
//!   closed, i.e. after `P1` exited and `P2` exec'd, so `P2`'s pid is in our pipe by then.
//! * Both pipes are close-on-exec, so the job never inherits them.

use loggia_sched::SchedError;
use nix::fcntl::OFlag;
use nix::libc;
use nix::unistd::{fork, pipe2, setsid, ForkResult};
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// One detached start.
pub(crate) struct Launch<'a> {
    pub script: &'a Path,
    /// Working directory of the job (its job directory).
    pub cwd: &'a Path,
    /// Receives stdout and stderr, appended.
    pub log: &'a Path,
    /// Environment variable globs (`*`, `?`) removed for the job.
    pub env_strip: &'a [String],
}

/// Starts `launch.script` detached and returns its pid.
pub(crate) fn spawn_detached(launch: &Launch) -> Result<i32, SchedError> {
    let script = std::path::absolute(launch.script).map_err(|e| {
        SchedError::msg(format!(
            "invalid kickoff script path '{}': {e}",
            launch.script.display()
        ))
    })?;
    let log_error = |e: io::Error| {
        SchedError::msg(format!(
            "cannot open '{}' for the job's output: {e}",
            launch.log.display()
        ))
    };
    let out = OpenOptions::new()
        .create(true)
        .append(true)
        .open(launch.log)
        .map_err(log_error)?;
    // One open file description for both streams, like `>> sched.log 2>&1`.
    let err = out.try_clone().map_err(log_error)?;
    let (pid_r, pid_w) = pipe2(OFlag::O_CLOEXEC)
        .map_err(|e| SchedError::msg(format!("cannot create a pipe to start the job: {e}")))?;
    let pid_w_raw = pid_w.as_raw_fd();

    let mut cmd = Command::new(&script);
    cmd.current_dir(launch.cwd)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    for (name, _) in std::env::vars_os() {
        if let Some(n) = name.to_str() {
            if launch.env_strip.iter().any(|g| glob_match(g, n)) {
                cmd.env_remove(&name);
            }
        }
    }
    // SAFETY: `detach` only makes async-signal-safe calls (see the module docs).
    unsafe {
        cmd.pre_exec(move || detach(pid_w_raw));
    }
    let spawned = cmd.spawn();
    // Our copy of the write end must go before reading, or a missing pid would block forever.
    drop(pid_w);
    let mut intermediate = spawned.map_err(|e| start_error(&script, launch.cwd, &e))?;
    let pid = read_pid(File::from(pid_r));
    // P1 `_exit`s right after reporting; reaping it keeps loggia free of zombies.
    if let Err(e) = intermediate.wait() {
        tracing::warn!(error = %e, "cannot reap the intermediate process of a raw kickoff");
    }
    let pid = pid.map_err(|e| {
        SchedError::msg(format!(
            "kickoff script '{}' was started but its pid could not be read: {e}",
            script.display()
        ))
    })?;
    tracing::debug!(pid, script = %script.display(), "raw job started");
    Ok(pid)
}

/// The `pre_exec` hook, run in the intermediate process `P1`.
fn detach(pid_w: RawFd) -> io::Result<()> {
    // SAFETY: `P1` is single-threaded; both branches make only async-signal-safe calls.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            setsid()?;
            Ok(())
        }
        Ok(ForkResult::Parent { child }) => {
            let bytes = child.as_raw().to_ne_bytes();
            // SAFETY: `pid_w` is open in this process (inherited from the parent, which holds it
            // until `spawn` returns) and `bytes` is a live local buffer.
            let n = unsafe { libc::write(pid_w, bytes.as_ptr().cast(), bytes.len()) };
            let status = if usize::try_from(n) == Ok(bytes.len()) {
                0
            } else {
                // Nobody would know the job's pid: stop it rather than leave it untracked.
                // SAFETY: plain system calls on a pid we just created.
                unsafe { libc::kill(child.as_raw(), libc::SIGKILL) };
                1
            };
            // SAFETY: ends P1 without running Rust or libc exit handlers.
            unsafe { libc::_exit(status) }
        }
        Err(e) => Err(e.into()),
    }
}

fn read_pid(mut r: File) -> io::Result<i32> {
    let mut buf = [0u8; 4];
    r.read_exact(&mut buf)?;
    let pid = i32::from_ne_bytes(buf);
    if pid <= 1 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bogus pid {pid}"),
        ));
    }
    Ok(pid)
}

fn start_error(script: &Path, cwd: &Path, e: &io::Error) -> SchedError {
    // Out of processes or memory may pass; a missing or unexecutable script will not.
    let transient = matches!(e.raw_os_error(), Some(libc::EAGAIN | libc::ENOMEM));
    SchedError::msg(format!(
        "cannot start kickoff script '{}' (working directory '{}'): {e}",
        script.display(),
        cwd.display()
    ))
    .transient(transient)
}

/// Shell-style wildcard match of a whole variable name: `*` is any run of characters, `?` one.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Greedy with backtracking to the last `*`: linear in practice, no recursion.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("SBATCH_*", "SBATCH_ACCOUNT"));
        assert!(glob_match("SBATCH_*", "SBATCH_"));
        assert!(!glob_match("SBATCH_*", "XSBATCH_A"));
        assert!(!glob_match("SBATCH_*", "SBATCH"));
        assert!(glob_match("HOME", "HOME"));
        assert!(!glob_match("HOME", "HOMER"));
        assert!(glob_match("*_ID", "SLURM_JOB_ID"));
        assert!(!glob_match("*_ID", "SLURM_JOB_IDS"));
        assert!(glob_match("P?S_*", "PBS_JOBID"));
        assert!(!glob_match("P?S_*", "PS_JOBID"));
        assert!(glob_match("*A*B*", "xxAyyAzzB"));
        assert!(!glob_match("*A*B*", "xxByyA"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("", "A"));
    }

    #[test]
    fn bogus_pids_are_rejected() {
        let (r, w) = pipe2(OFlag::O_CLOEXEC).unwrap();
        nix::unistd::write(&w, &1i32.to_ne_bytes()).unwrap();
        drop(w);
        assert_eq!(
            read_pid(File::from(r)).unwrap_err().to_string(),
            "bogus pid 1"
        );
        let (r, w) = pipe2(OFlag::O_CLOEXEC).unwrap();
        drop(w);
        assert_eq!(
            read_pid(File::from(r)).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
    }
}

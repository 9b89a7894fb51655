//! The one command runner (SCHEDULING.md C10): every external command loggia or a plugin runs
//! goes through a [`CommandRunner`]. The real one, [`SystemRunner`], runs an explicit argv (never a
//! shell string) in its own process group with a timeout, logs the argv at debug level and keeps
//! stderr (trimmed to 64 KiB). Tests substitute a scripted runner.

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longest stderr kept from one command.
pub const STDERR_KEEP: usize = 64 * 1024;

/// One external command to run.
#[derive(Debug, Clone)]
pub struct Cmd {
    pub argv: Vec<String>,
    pub cwd: Option<PathBuf>,
    /// Variables set for the command (on top of the inherited environment).
    pub env: Vec<(String, String)>,
    /// Variable names or `*`-suffixed prefixes removed from the environment (site `env_strip`).
    pub env_remove: Vec<String>,
    pub stdin: Option<Vec<u8>>,
    pub timeout: Duration,
}

impl Cmd {
    pub fn new<I, S>(argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Cmd {
            argv: argv.into_iter().map(Into::into).collect(),
            cwd: None,
            env: Vec::new(),
            env_remove: Vec::new(),
            stdin: None,
            timeout: Duration::from_secs(60),
        }
    }

    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    pub fn env(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(data.into());
        self
    }

    pub fn env_remove(mut self, globs: &[String]) -> Self {
        self.env_remove.extend(globs.iter().cloned());
        self
    }

    pub fn display(&self) -> String {
        self.argv.join(" ")
    }
}

/// What a command that ran (to any exit status) produced.
#[derive(Debug, Clone, Default)]
pub struct CmdOutput {
    pub argv: Vec<String>,
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl CmdOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// A command that could not be run to an exit status.
#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    #[error("cannot run '{}': {source}", argv.join(" "))]
    Spawn {
        argv: Vec<String>,
        #[source]
        source: std::io::Error,
    },
    #[error("'{}' timed out after {}s", argv.join(" "), after.as_secs_f64())]
    Timeout {
        argv: Vec<String>,
        after: Duration,
        stderr: String,
    },
    #[error("i/o error talking to '{}': {source}", argv.join(" "))]
    Io {
        argv: Vec<String>,
        #[source]
        source: std::io::Error,
    },
}

/// Runs external commands. Object-safe so a `&dyn CommandRunner` can sit in the [`crate::Context`].
pub trait CommandRunner: Send + Sync {
    fn run(&self, cmd: &Cmd) -> Result<CmdOutput, CmdError>;
}

/// The real runner: a child process in its own process group, killed as a group on timeout
/// (SIGTERM, 5 s grace, SIGKILL) so a timed-out command leaves nothing behind.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRunner;

fn env_matches(name: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

fn read_all(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        // A read error only truncates what we keep; the exit status still decides.
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

impl CommandRunner for SystemRunner {
    fn run(&self, cmd: &Cmd) -> Result<CmdOutput, CmdError> {
        let argv = cmd.argv.clone();
        tracing::debug!(argv = ?argv, cwd = ?cmd.cwd, "running command");
        let Some((prog, args)) = argv.split_first() else {
            return Err(CmdError::Spawn {
                argv,
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty argv"),
            });
        };
        let mut c = Command::new(prog);
        c.args(args)
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c.stdin(if cmd.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        if let Some(d) = &cmd.cwd {
            c.current_dir(d);
        }
        if !cmd.env_remove.is_empty() {
            for (k, _) in std::env::vars_os() {
                let k = k.to_string_lossy();
                if cmd.env_remove.iter().any(|p| env_matches(&k, p)) {
                    c.env_remove(k.as_ref());
                }
            }
        }
        for (k, v) in &cmd.env {
            c.env(k, v);
        }
        let start = Instant::now();
        let mut child = c.spawn().map_err(|source| CmdError::Spawn {
            argv: argv.clone(),
            source,
        })?;
        let pid = child.id() as i32;
        if let (Some(data), Some(mut sin)) = (cmd.stdin.clone(), child.stdin.take()) {
            std::thread::spawn(move || {
                // A command that exits without reading its stdin is not our error.
                let _ = sin.write_all(&data);
            });
        }
        let out_h = child.stdout.take().map(read_all);
        let err_h = child.stderr.take().map(read_all);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        let status = match rx.recv_timeout(cmd.timeout) {
            Ok(s) => s.map_err(|source| CmdError::Io {
                argv: argv.clone(),
                source,
            })?,
            Err(_) => {
                kill_group(pid, &rx);
                let stderr = err_h
                    .and_then(|h| h.join().ok())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                return Err(CmdError::Timeout {
                    argv,
                    after: cmd.timeout,
                    stderr: crate::text::tail_bytes(&stderr, STDERR_KEEP).to_string(),
                });
            }
        };
        let stdout = out_h.and_then(|h| h.join().ok()).unwrap_or_default();
        let stderr = err_h.and_then(|h| h.join().ok()).unwrap_or_default();
        let stderr = String::from_utf8_lossy(&stderr);
        let out = CmdOutput {
            argv,
            code: status.code(),
            signal: status.signal(),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: crate::text::tail_bytes(&stderr, STDERR_KEEP).to_string(),
            elapsed: start.elapsed(),
        };
        tracing::debug!(argv = ?out.argv, code = ?out.code, signal = ?out.signal,
            elapsed_ms = out.elapsed.as_millis() as u64, "command finished");
        Ok(out)
    }
}

/// SIGTERM the group, give it 5 s, then SIGKILL. `rx` reports when the leader was reaped.
fn kill_group(pid: i32, rx: &mpsc::Receiver<std::io::Result<std::process::ExitStatus>>) {
    use nix::sys::signal::{killpg, Signal};
    use nix::unistd::Pid;
    let _ = killpg(Pid::from_raw(pid), Signal::SIGTERM);
    if rx.recv_timeout(Duration::from_secs(5)).is_err() {
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        let _ = rx.recv_timeout(Duration::from_secs(5));
    } else {
        // The leader is gone; members of its group may linger.
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_stdout_stderr_and_code() {
        let out = SystemRunner
            .run(&Cmd::new(["sh", "-c", "echo out; echo err >&2; exit 3"]))
            .unwrap();
        assert_eq!(out.stdout, "out\n");
        assert_eq!(out.stderr, "err\n");
        assert_eq!(out.code, Some(3));
        assert!(!out.success());
    }

    #[test]
    fn passes_stdin() {
        let out = SystemRunner.run(&Cmd::new(["cat"]).stdin("hello")).unwrap();
        assert_eq!(out.stdout, "hello");
    }

    #[test]
    fn times_out_and_kills_the_group() {
        let err = SystemRunner
            .run(&Cmd::new(["sh", "-c", "sleep 30 & sleep 30"]).timeout(Duration::from_millis(200)))
            .unwrap_err();
        assert!(matches!(err, CmdError::Timeout { .. }), "{err}");
    }

    #[test]
    fn missing_program_is_a_spawn_error() {
        let err = SystemRunner
            .run(&Cmd::new(["/nonexistent/prog"]))
            .unwrap_err();
        assert!(matches!(err, CmdError::Spawn { .. }));
        assert!(err.to_string().contains("/nonexistent/prog"));
    }

    #[test]
    fn env_globs_strip_variables() {
        assert!(env_matches("SBATCH_ACCOUNT", "SBATCH_*"));
        assert!(!env_matches("XSBATCH", "SBATCH_*"));
        assert!(env_matches("HOME", "HOME"));
    }
}

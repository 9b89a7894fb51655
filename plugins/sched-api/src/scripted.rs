//! A scripted [`CommandRunner`] for tests of plugins and of the harness: commands are answered
//! from a table of `argv prefix → reply`, every command run is recorded (so a test can assert
//! that a status poll issued exactly one `squeue`), and a command nobody scripted fails with a
//! clear spawn error naming its argv instead of reaching a real scheduler.
//!
//! Rules are tried in the order they were added; the first whose prefix matches the argv and
//! that is not used up answers. A rule added with [`ScriptedRunner::once`] answers one command,
//! one added with [`ScriptedRunner::always`] answers any number.

use crate::runner::{Cmd, CmdError, CmdOutput, CommandRunner};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// What a scripted command produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The command ran and exited with `code`.
    Exit {
        code: i32,
        stdout: String,
        stderr: String,
    },
    /// The command was killed by `signal`.
    Signal { signal: i32, stderr: String },
    /// The command timed out (`CmdError::Timeout`, after the command's own timeout).
    Timeout { stderr: String },
    /// The command could not be started (`CmdError::Spawn`, e.g. not on `PATH`).
    NotFound,
}

impl Reply {
    /// Exit 0 with `stdout`.
    pub fn ok(stdout: impl Into<String>) -> Reply {
        Reply::Exit {
            code: 0,
            stdout: stdout.into(),
            stderr: String::new(),
        }
    }

    /// Exit `code` with `stderr` and no stdout.
    pub fn fail(code: i32, stderr: impl Into<String>) -> Reply {
        Reply::Exit {
            code,
            stdout: String::new(),
            stderr: stderr.into(),
        }
    }
}

#[derive(Debug)]
struct Rule {
    prefix: Vec<String>,
    reply: Reply,
    /// `None`: unlimited.
    remaining: Option<usize>,
}

#[derive(Debug, Default)]
struct State {
    rules: Vec<Rule>,
    calls: Vec<Cmd>,
}

/// A thread-safe scripted runner. Never panics.
#[derive(Debug, Default)]
pub struct ScriptedRunner {
    state: Mutex<State>,
}

fn owned<S: AsRef<str>>(prefix: &[S]) -> Vec<String> {
    prefix.iter().map(|s| s.as_ref().to_string()).collect()
}

impl ScriptedRunner {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn add(&self, prefix: Vec<String>, reply: Reply, remaining: Option<usize>) {
        self.lock().rules.push(Rule {
            prefix,
            reply,
            remaining,
        });
    }

    /// Answers the next command whose argv starts with `prefix`, once.
    pub fn once<S: AsRef<str>>(&self, prefix: &[S], reply: Reply) -> &Self {
        self.add(owned(prefix), reply, Some(1));
        self
    }

    /// Answers every command whose argv starts with `prefix`.
    pub fn always<S: AsRef<str>>(&self, prefix: &[S], reply: Reply) -> &Self {
        self.add(owned(prefix), reply, None);
        self
    }

    /// Every command run so far, in order.
    pub fn calls(&self) -> Vec<Cmd> {
        self.lock().calls.clone()
    }

    /// The argv of every command run so far, in order.
    pub fn argvs(&self) -> Vec<Vec<String>> {
        self.lock().calls.iter().map(|c| c.argv.clone()).collect()
    }

    /// How many commands run so far had `program` as `argv[0]`.
    pub fn count(&self, program: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.argv.first().is_some_and(|p| p == program))
            .count()
    }

    /// How many scripted one-shot replies were not used.
    pub fn unused(&self) -> usize {
        self.lock()
            .rules
            .iter()
            .filter(|r| r.remaining.is_some_and(|n| n > 0))
            .count()
    }
}

impl CommandRunner for ScriptedRunner {
    fn run(&self, cmd: &Cmd) -> Result<CmdOutput, CmdError> {
        let mut st = self.lock();
        st.calls.push(cmd.clone());
        let argv = cmd.argv.clone();
        let rule = st.rules.iter_mut().find(|r| {
            r.remaining != Some(0)
                && r.prefix.len() <= argv.len()
                && r.prefix.iter().zip(&argv).all(|(p, a)| p == a)
        });
        let Some(rule) = rule else {
            let msg = format!("ScriptedRunner: no reply scripted for '{}'", argv.join(" "));
            return Err(CmdError::Spawn {
                argv,
                source: std::io::Error::new(std::io::ErrorKind::NotFound, msg),
            });
        };
        if let Some(n) = rule.remaining.as_mut() {
            *n -= 1;
        }
        match rule.reply.clone() {
            Reply::Exit {
                code,
                stdout,
                stderr,
            } => Ok(CmdOutput {
                argv,
                code: Some(code),
                signal: None,
                stdout,
                stderr,
                elapsed: Duration::ZERO,
            }),
            Reply::Signal { signal, stderr } => Ok(CmdOutput {
                argv,
                code: None,
                signal: Some(signal),
                stdout: String::new(),
                stderr,
                elapsed: Duration::ZERO,
            }),
            Reply::Timeout { stderr } => Err(CmdError::Timeout {
                argv,
                after: cmd.timeout,
                stderr,
            }),
            Reply::NotFound => Err(CmdError::Spawn {
                argv,
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not found"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_prefix_in_order_and_records() {
        let r = ScriptedRunner::new();
        r.once(&["squeue", "--me"], Reply::ok("1|RUNNING"))
            .always(&["squeue"], Reply::fail(1, "boom"));
        let first = r.run(&Cmd::new(["squeue", "--me", "-h"])).unwrap();
        assert_eq!(first.stdout, "1|RUNNING");
        assert_eq!(first.argv, ["squeue", "--me", "-h"]);
        assert!(first.success());
        let second = r.run(&Cmd::new(["squeue", "--me"])).unwrap();
        assert_eq!((second.code, second.stderr.as_str()), (Some(1), "boom"));
        assert_eq!(r.count("squeue"), 2);
        assert_eq!(r.unused(), 0);
        assert_eq!(r.argvs()[1], ["squeue", "--me"]);
    }

    #[test]
    fn unexpected_commands_fail_clearly() {
        let r = ScriptedRunner::new();
        r.once(&["sbatch", "--parsable"], Reply::ok("1"));
        let e = r.run(&Cmd::new(["sbatch"])).unwrap_err();
        assert!(matches!(e, CmdError::Spawn { .. }));
        assert!(
            e.to_string().contains("no reply scripted for 'sbatch'"),
            "{e}"
        );
        assert_eq!(r.unused(), 1);
        assert_eq!(r.count("sbatch"), 1);
    }

    #[test]
    fn timeouts_signals_and_missing_programs() {
        let r = ScriptedRunner::new();
        r.once(
            &["a"],
            Reply::Timeout {
                stderr: "late".into(),
            },
        )
        .once(
            &["b"],
            Reply::Signal {
                signal: 9,
                stderr: String::new(),
            },
        )
        .once(&["c"], Reply::NotFound);
        let cmd = Cmd::new(["a"]).timeout(Duration::from_secs(7));
        match r.run(&cmd).unwrap_err() {
            CmdError::Timeout { after, stderr, .. } => {
                assert_eq!(after, Duration::from_secs(7));
                assert_eq!(stderr, "late");
            }
            other => panic!("{other}"),
        }
        assert_eq!(r.run(&Cmd::new(["b"])).unwrap().signal, Some(9));
        assert!(matches!(
            r.run(&Cmd::new(["c"])).unwrap_err(),
            CmdError::Spawn { .. }
        ));
        // A used-up one-shot rule does not answer again.
        assert!(r.run(&Cmd::new(["a"])).is_err());
    }

    #[test]
    fn shared_between_threads() {
        let r = std::sync::Arc::new(ScriptedRunner::new());
        r.always(&["x"], Reply::ok(""));
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let r = r.clone();
                std::thread::spawn(move || r.run(&Cmd::new(["x"])).is_ok())
            })
            .collect();
        assert!(hs.into_iter().all(|h| h.join().unwrap()));
        assert_eq!(r.count("x"), 4);
    }
}

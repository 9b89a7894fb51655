//! The error a scheduler operation returns: what failed, the command behind it, and whether
//! retrying may help (SCHEDULING.md §2.2, §5.5).

use crate::runner::CmdError;

/// A failed scheduler operation. `stderr` is the command's stderr verbatim (trimmed to 64 KiB);
/// `transient` says whether the core may retry (§5.5).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SchedError {
    pub message: String,
    pub argv: Vec<String>,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub stderr: String,
    pub transient: bool,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl SchedError {
    /// An error that did not come from a command (bad scheduler output, missing environment).
    pub fn msg(message: impl Into<String>) -> Self {
        SchedError {
            message: message.into(),
            argv: Vec::new(),
            exit_code: None,
            signal: None,
            stderr: String::new(),
            transient: false,
            source: None,
        }
    }

    /// A command that ran and failed; transient when `patterns` match its stderr.
    pub fn from_output(
        message: impl Into<String>,
        out: &crate::runner::CmdOutput,
        patterns: &[&str],
    ) -> Self {
        let transient = out.signal.is_some() || is_transient_text(&out.stderr, patterns);
        SchedError {
            message: message.into(),
            argv: out.argv.clone(),
            exit_code: out.code,
            signal: out.signal,
            stderr: out.stderr.clone(),
            transient,
            source: None,
        }
    }

    pub fn transient(mut self, yes: bool) -> Self {
        self.transient = yes;
        self
    }

    /// The message plus the command and its stderr, for people.
    pub fn detail(&self) -> String {
        let mut s = self.message.clone();
        if !self.argv.is_empty() {
            s.push_str(&format!("\n  command: {}", self.argv.join(" ")));
        }
        match (self.exit_code, self.signal) {
            (Some(c), _) => s.push_str(&format!("\n  exit status: {c}")),
            (None, Some(sig)) => s.push_str(&format!("\n  killed by signal {sig}")),
            _ => {}
        }
        let err = self.stderr.trim_end();
        if !err.is_empty() {
            s.push_str("\n  stderr:\n");
            for line in err.lines() {
                s.push_str("    ");
                s.push_str(line);
                s.push('\n');
            }
            s.pop();
        }
        s
    }
}

impl From<CmdError> for SchedError {
    fn from(e: CmdError) -> Self {
        let transient = matches!(e, CmdError::Timeout { .. });
        let (argv, stderr) = match &e {
            CmdError::Spawn { argv, .. } => (argv.clone(), String::new()),
            CmdError::Timeout { argv, stderr, .. } => (argv.clone(), stderr.clone()),
            CmdError::Io { argv, .. } => (argv.clone(), String::new()),
        };
        SchedError {
            message: e.to_string(),
            argv,
            exit_code: None,
            signal: None,
            stderr,
            transient,
            source: Some(Box::new(e)),
        }
    }
}

/// Whether `stderr` contains any of the (case-insensitive) transient patterns.
pub fn is_transient_text(stderr: &str, patterns: &[&str]) -> bool {
    let low = stderr.to_ascii_lowercase();
    patterns
        .iter()
        .any(|p| low.contains(&p.to_ascii_lowercase()))
}

//! The `command` parser (CONFIG.md §10.2): runs a shell command once, in the test's `build/`
//! directory, through the runner's process helpers (own process group, silence timeout), and
//! gives its exit status or its output.

use crate::expr::Value;
use crate::run::proc;
use std::path::Path;
use std::time::Duration;

/// How long a command may go without output before it is killed.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The wrapper that runs its first argument with `/bin/sh -c`; the process helpers run a
/// script with one argument.
fn wrapper(stderr_null: bool) -> String {
    let redirect = if stderr_null { " 2>/dev/null" } else { "" };
    format!("#!/bin/sh\nexec /bin/sh -c \"$1\"{redirect}\n")
}

/// Runs `command`; `scratch` holds the wrapper and the output while it runs (both removed).
pub fn run(
    command: &str,
    cwd: &Path,
    scratch: &Path,
    stdout: bool,
    stderr_null: bool,
    timeout: Duration,
) -> Result<Value, String> {
    let script = scratch.join(".result_command.sh");
    let out = scratch.join(".result_command.out");
    let cleanup = || {
        let _ = std::fs::remove_file(&script);
        let _ = std::fs::remove_file(&out);
    };
    cleanup();
    let fail = |e: std::io::Error| format!("could not run command '{command}': {e}");
    crate::run::create::write_script(&script, &wrapper(stderr_null)).map_err(fail)?;
    let info = proc::run_with_timeout(&script, command, cwd, &out, &out, Some(timeout), &[]);
    let text = std::fs::read(&out).unwrap_or_default();
    cleanup();
    let info = info.map_err(fail)?;
    if info.timed_out {
        return Err(format!(
            "command '{command}' was killed after {timeout:?} without output"
        ));
    }
    if stdout {
        let mut text = String::from_utf8_lossy(&text).to_string();
        if text.ends_with('\n') {
            text.pop();
        }
        Ok(Value::Str(text))
    } else {
        info.exit_code
            .map(|c| Value::Int(c.into()))
            .ok_or_else(|| format!("command '{command}' ended without an exit status"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(cmd: &str, stdout: bool, stderr_null: bool) -> Result<Value, String> {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("f.txt"), "x").unwrap();
        let v = run(
            cmd,
            d.path(),
            d.path(),
            stdout,
            stderr_null,
            Duration::from_secs(20),
        );
        let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "scratch files are removed");
        v
    }

    #[test]
    fn exit_status_and_output() {
        assert_eq!(go("exit 3", false, false), Ok(Value::Int(3)));
        assert_eq!(go("ls", true, false), Ok(Value::Str("f.txt".into())));
        assert_eq!(
            go("echo out; echo err >&2; printf 'x\\n\\n'", true, false),
            Ok(Value::Str("out\nerr\nx\n".into()))
        );
        assert_eq!(
            go("echo out; echo err >&2", true, true),
            Ok(Value::Str("out".into()))
        );
    }

    #[test]
    fn silence_is_killed() {
        let d = tempfile::tempdir().unwrap();
        let e = run(
            "sleep 30",
            d.path(),
            d.path(),
            false,
            false,
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "command 'sleep 30' was killed after 300ms without output"
        );
    }
}

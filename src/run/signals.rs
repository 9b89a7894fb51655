//! Remembering the last termination signal a process received, for loops that must react to
//! it between steps (the in-allocation runner, `loggia run` while kicking off).

use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::sync::atomic::{AtomicI32, Ordering};

static LAST: AtomicI32 = AtomicI32::new(0);

extern "C" fn record(sig: libc::c_int) {
    LAST.store(sig, Ordering::SeqCst);
}

/// Installs the recorder for `signals` (no SA_RESTART, so blocking calls return early).
pub fn install(signals: &[Signal]) {
    let act = SigAction::new(
        SigHandler::Handler(record),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for s in signals {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        let _ = unsafe { sigaction(*s, &act) };
    }
}

/// The signals the kickoff script forwards to the runner.
pub const RUNNER: [Signal; 6] = [
    Signal::SIGTERM,
    Signal::SIGINT,
    Signal::SIGHUP,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGXCPU,
];

/// The last recorded signal number, or 0.
pub fn last() -> i32 {
    LAST.load(Ordering::SeqCst)
}

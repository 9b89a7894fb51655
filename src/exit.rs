//! Named process exit codes, so CI can tell failing tests from broken configs and schedulers.

/// How a loggia command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything ran and every test passed.
    Success = 0,
    /// Some tests failed or errored (or are incomplete after a wait timeout).
    TestsFailed = 1,
    /// Bad input: config files, requests, command-line arguments.
    ConfigError = 2,
    /// A scheduler refused or failed an operation.
    SchedulerError = 3,
    /// A bug or an environment problem inside loggia.
    InternalError = 4,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}

//! The command line (clap): one file per command. Every command returns an [`Exit`].

mod cancel;
mod internal_run;
mod layers;
mod log;
mod output;
mod results;
mod run;
mod schema;
mod show;
mod show_nodes;
mod show_test;
mod status;
mod wait;

use crate::config::site::{self, Site};
use crate::exit::Exit;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "loggia",
    version,
    about = "An HPC test harness: YAML test suites on local machines and batch schedulers"
)]
struct Cli {
    /// More log output (repeat for debug, e.g. every command loggia runs).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create, build and kick off tests: `suite`, `suite.test`, `suite.test.subtitle`, `N*suite`, or a suite file.
    Run(run::Args),
    /// Show the state of tests (default: those of the last `loggia run`).
    Status(status::Args),
    /// Wait for tests to complete (default: those of the last `loggia run`).
    Wait(wait::Args),
    /// Cancel tests and, when all their tests are cancelled, their jobs.
    Cancel(cancel::Args),
    /// Show results of completed tests.
    Results(results::Args),
    /// Print a test's run, build or kickoff log.
    Log(log::Args),
    /// Show schedulers and other facts.
    Show(show::Args),
    /// Print the JSON schema of suite files (`test`) or of loggia.yaml (`site`), for editors.
    Schema(schema::Args),
    /// Run tests inside their allocation (started by the kickoff script).
    #[command(name = "_run", hide = true)]
    InternalRun(internal_run::Args),
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("LOGGIA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Report commands end quietly when their reader goes away (`loggia results | head`), like other
/// Unix tools, instead of failing to print: SIGPIPE gets its default action back. Commands that
/// run tests or feed a child's stdin keep Rust's default (ignored, so writes fail with EPIPE).
fn restore_sigpipe() {
    use nix::sys::signal::{signal, SigHandler, Signal};
    // SAFETY: called once at startup before any thread exists; SIG_DFL installs no handler code.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
}

/// Loads the site config or prints why not.
pub(crate) fn load_site() -> Result<Site, Exit> {
    match site::load() {
        Ok(s) => {
            for w in &s.warnings {
                eprintln!("warning: {w}");
            }
            Ok(s)
        }
        Err(e) => {
            eprintln!("{}", e.render());
            Err(Exit::ConfigError)
        }
    }
}

/// Parses and runs the command line.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::ConfigError.code()
            } else {
                Exit::Success.code()
            };
        }
    };
    init_logging(cli.verbose);
    if matches!(
        cli.cmd,
        Cmd::Status(_) | Cmd::Results(_) | Cmd::Log(_) | Cmd::Show(_) | Cmd::Schema(_)
    ) {
        restore_sigpipe();
    }
    let r = match cli.cmd {
        Cmd::Run(a) => run::run(a),
        Cmd::Status(a) => status::run(a),
        Cmd::Wait(a) => wait::run(a),
        Cmd::Cancel(a) => cancel::run(a),
        Cmd::Results(a) => results::run(a),
        Cmd::Log(a) => log::run(a),
        Cmd::Show(a) => show::run(a),
        Cmd::Schema(a) => schema::run(a),
        Cmd::InternalRun(a) => internal_run::run(a),
    };
    match r {
        Ok(e) | Err(e) => e.code(),
    }
}

/// Test runs named on the command line, or the last run's.
pub(crate) fn select_tests(
    site: &Site,
    ids: &[String],
) -> Result<Vec<crate::run::testrun::TestRun>, Exit> {
    use crate::run::testrun::TestRun;
    if ids.is_empty() {
        let t = crate::run::last_run(site);
        if t.is_empty() {
            eprintln!(
                "error: no tests given and no previous `loggia run` in {}",
                site.working_dir.display()
            );
            return Err(Exit::ConfigError);
        }
        return Ok(t);
    }
    let mut out = Vec::new();
    for s in ids {
        match TestRun::parse_full_id(s) {
            Ok((l, i)) => {
                let t = TestRun::new(&site.working_dir, &l, i);
                if !t.dir.is_dir() {
                    eprintln!(
                        "error: no test run {s} in {}",
                        site.working_dir.join("test_runs").display()
                    );
                    return Err(Exit::ConfigError);
                }
                out.push(t);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Err(Exit::ConfigError);
            }
        }
    }
    Ok(out)
}

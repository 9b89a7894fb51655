//! `loggia run`: resolve requests, create, build and kick off tests; with `-w`, wait for them.

use super::output::{self, Progress};
use crate::exit::Exit;
use crate::resolve::proto;

#[derive(clap::Args)]
pub struct Args {
    /// Test requests: suite, suite.test, suite.test.subtitle (globs allowed), N*request, or a suite file.
    #[arg(required = true)]
    requests: Vec<String>,
    /// Wait for the tests to complete and report their results.
    #[arg(short, long)]
    wait: bool,
    #[command(flatten)]
    layers: super::layers::Layers,
    /// With --wait: write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<std::path::PathBuf>,
    /// With --wait: give up waiting after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    let site = super::load_site()?;
    let opts = a.layers.options();
    let env = proto::Env::new(&site, &opts);
    let protos = match proto::resolve_requests(&env, &a.requests) {
        Ok(p) => p,
        Err(errs) => return Err(super::layers::report(&errs)),
    };
    print_warnings(&protos);
    let user = crate::resolve::facts::pav_vars(0.0, &Default::default())
        .get("user")
        .and_then(|f| match f {
            crate::resolve::facts::Fact::Str(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let started = match crate::run::start(&site, &env.sched, &protos, &user) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(Exit::InternalError);
        }
    };
    for (name, why) in &started.skipped {
        eprintln!("skipped {name}: {why}");
    }
    for f in &started.failures {
        eprintln!("error: {f}");
    }
    let n = started.tests.len();
    let first = started
        .tests
        .first()
        .map(|t| t.full_id())
        .unwrap_or_default();
    let last = started
        .tests
        .last()
        .map(|t| t.full_id())
        .unwrap_or_default();
    if n > 0 {
        eprintln!(
            "created {n} test run(s) ({first}{})",
            if n > 1 {
                format!(" … {last}")
            } else {
                String::new()
            }
        );
    }
    if !a.wait {
        return Ok(if started.failures.is_empty() {
            Exit::Success
        } else {
            Exit::SchedulerError
        });
    }
    let mut rep = Progress::new().quiet_passes(n > 20);
    let timeout = a.timeout.map(std::time::Duration::from_secs_f64);
    let tally = crate::run::watch::wait(&site, &started.tests, &mut rep, timeout);
    eprintln!("{}", output::summary(&tally, n));
    if let Some(path) = &a.junit {
        super::results::write_junit(path, &started.tests)?;
    }
    let e = output::exit_for(&tally);
    Ok(if e == Exit::Success && !started.failures.is_empty() {
        Exit::SchedulerError
    } else {
        e
    })
}

/// Each distinct warning once, naming the tests it concerns.
fn print_warnings(protos: &[proto::ProtoTest]) {
    let mut by_text: Vec<(&str, Vec<String>)> = Vec::new();
    for p in protos {
        for w in &p.warnings {
            match by_text.iter_mut().find(|(t, _)| *t == w.as_str()) {
                Some((_, tests)) => tests.push(p.full_name()),
                None => by_text.push((w.as_str(), vec![p.full_name()])),
            }
        }
    }
    for (text, tests) in by_text {
        let more = if tests.len() > 3 {
            format!(" and {} more", tests.len() - 3)
        } else {
            String::new()
        };
        let names: Vec<&str> = tests.iter().take(3).map(String::as_str).collect();
        eprintln!("warning: {text} ({}{more})", names.join(", "));
    }
}

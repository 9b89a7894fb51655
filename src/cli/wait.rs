//! `loggia wait`: wait for tests to complete and report them.

use super::output::{self, Progress};
use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Test ids (`N` or `label.N`); default: the tests of the last `loggia run`.
    ids: Vec<String>,
    /// Give up after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<std::path::PathBuf>,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    let site = super::load_site()?;
    let tests = super::select_tests(&site, &a.ids)?;
    let mut rep = Progress::new().quiet_passes(tests.len() > 20);
    let tally = crate::run::watch::wait(
        &site,
        &tests,
        &mut rep,
        a.timeout.map(std::time::Duration::from_secs_f64),
    );
    eprintln!("{}", output::summary(&tally, tests.len()));
    if let Some(p) = &a.junit {
        super::results::write_junit(p, &tests)?;
    }
    Ok(output::exit_for(&tally))
}

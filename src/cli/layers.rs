//! What every command that resolves tests shares: the layering options of CONFIG.md §1.3
//! (`-H`, `-o`, `-m`, `-c`) and how resolution errors are reported.

use crate::config::yaml::ConfigError;
use crate::exit::Exit;
use crate::resolve::proto::Options;

/// Host, OS and mode layers and `-c` overrides, as for `loggia run`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Layers {
    /// Host config to use (default: sys.sys_name).
    #[arg(short = 'H', long)]
    host: Option<String>,
    /// OS config to use (default: <os id>-<version>).
    #[arg(short = 'o', long)]
    os: Option<String>,
    /// Mode configs to apply, in order.
    #[arg(short = 'm', long = "mode")]
    modes: Vec<String>,
    /// Overrides `key=value` applied last (e.g. -c run.timeout=60).
    #[arg(short = 'c', value_name = "KEY=VALUE")]
    overrides: Vec<String>,
}

impl Layers {
    pub fn options(&self) -> Options {
        Options {
            host: self.host.clone(),
            os: self.os.clone(),
            modes: self.modes.clone(),
            overrides: self.overrides.clone(),
        }
    }
}

/// Prints every resolution error (and their number when there are several).
pub fn report(errs: &[ConfigError]) -> Exit {
    for e in errs {
        eprintln!("{}", e.render());
    }
    if errs.len() > 1 {
        eprintln!("{} errors", errs.len());
    }
    Exit::ConfigError
}

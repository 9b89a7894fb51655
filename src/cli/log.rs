//! `loggia log <id> [run|build|kickoff]`: print one of a test's logs.

use crate::exit::Exit;

#[derive(Clone, Copy, clap::ValueEnum)]
enum Which {
    Run,
    Build,
    Kickoff,
}

#[derive(clap::Args)]
pub struct Args {
    /// The test id (`N` or `label.N`).
    id: String,
    /// Which log.
    #[arg(value_enum, default_value = "run")]
    which: Which,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    let site = super::load_site()?;
    let t = super::select_tests(&site, std::slice::from_ref(&a.id))?.remove(0);
    let path = match a.which {
        Which::Run => t.path("run.log"),
        Which::Build => t.path("build.log"),
        Which::Kickoff => match t.job_dir() {
            Some(d) => d.join("kickoff.log"),
            None => {
                eprintln!("error: test {} was never kicked off", t.full_id());
                return Err(Exit::ConfigError);
            }
        },
    };
    match std::fs::read(&path) {
        Ok(b) => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(&b);
            Ok(Exit::Success)
        }
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            Err(Exit::ConfigError)
        }
    }
}

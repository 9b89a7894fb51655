//! `loggia _run <ids>`: the in-allocation runner, started by the kickoff script.

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Full test ids to run.
    #[arg(required = true)]
    ids: Vec<String>,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    let site = super::load_site()?;
    match crate::run::inalloc::run(&site, &a.ids) {
        Ok(0) => Ok(Exit::Success),
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e}");
            Err(Exit::InternalError)
        }
    }
}

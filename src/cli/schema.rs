//! `loggia schema`: prints (or writes) the JSON schema of a suite file or of `loggia.yaml`, for
//! editors. The committed copies under `configs/schema/` are regenerated with this command.

use crate::exit::Exit;
use crate::schema::{self, SchemaKind};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Which schema: `test` (a suite file, the default) or `site` (loggia.yaml).
    #[arg(value_enum, default_value = "test")]
    kind: SchemaKind,
    /// Write the schema to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    let text = schema::render(a.kind);
    match &a.output {
        None => {
            print!("{text}");
            Ok(Exit::Success)
        }
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => Ok(Exit::Success),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                Err(Exit::ConfigError)
            }
        },
    }
}

//! `loggia show`: facts about this installation (schedulers, …).

use crate::exit::Exit;
use loggia_sched::Availability;

#[derive(clap::Subcommand)]
enum What {
    /// Every scheduler plugin: name, tier, availability and description.
    Schedulers,
    /// The fully resolved config of each permutation of the requested tests (YAML; --json).
    Test(super::show_test::Args),
    /// Every variable of the requested tests, its value and where it came from.
    Vars(super::show_test::Args),
    /// The node inventory of an advanced scheduler, kept or filtered under tests' schedules.
    Nodes(super::show_nodes::NodesArgs),
    /// The chunks of tests and the jobs a run would submit.
    Chunks(super::show_nodes::ChunksArgs),
}

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    match a.what {
        What::Test(t) => super::show_test::run_test(t),
        What::Vars(t) => super::show_test::run_vars(t),
        What::Nodes(n) => super::show_nodes::nodes(&super::load_site()?, n),
        What::Chunks(c) => super::show_nodes::chunks(&super::load_site()?, c),
        What::Schedulers => {
            let site = super::load_site()?;
            let local = crate::run::local::Local::new();
            let cx = local.cx(&site);
            println!(
                "{:<10} {:<9} {:<40} DESCRIPTION",
                "NAME", "TIER", "AVAILABLE"
            );
            for r in loggia_sched::registry().iter() {
                let avail = match r.plugin.available(&cx) {
                    Availability::Available => "yes".to_string(),
                    Availability::Unavailable(why) => format!("no: {why}"),
                };
                let tier = match r.tier {
                    loggia_sched::Tier::Basic => "basic",
                    loggia_sched::Tier::Advanced => "advanced",
                };
                println!("{:<10} {:<9} {:<40} {}", r.name, tier, avail, r.description);
            }
            Ok(Exit::Success)
        }
    }
}

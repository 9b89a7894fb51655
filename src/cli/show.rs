//! `loggia show`: facts about this installation (schedulers, …).

use crate::exit::Exit;
use loggia_sched::Availability;

#[derive(clap::Subcommand)]
enum What {
    /// Every scheduler plugin: name, tier, availability and description.
    Schedulers,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    match a.what {
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

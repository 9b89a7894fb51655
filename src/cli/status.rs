//! `loggia status`: the current state of tests, one line each (or JSON lines).

use crate::exit::Exit;

#[derive(clap::Args)]
pub struct Args {
    /// Test ids (`N` or `label.N`); default: the tests of the last `loggia run`.
    ids: Vec<String>,
    /// One JSON object per test.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    let site = super::load_site()?;
    let tests = super::select_tests(&site, &a.ids)?;
    // One poll, so tests whose job died are reported as such rather than as still scheduled.
    let mut quiet = Quiet;
    crate::run::watch::wait(&site, &tests, &mut quiet, Some(std::time::Duration::ZERO));
    if !a.json {
        println!(
            "{:>10}  {:<30} {:<16} {:<7} NOTE",
            "ID", "NAME", "STATE", "RESULT"
        );
    }
    for t in &tests {
        let attrs = t.attributes().ok();
        let st = t.status().ok().flatten();
        let name = attrs.as_ref().map(|a| a.name.clone()).unwrap_or_default();
        let result = attrs
            .as_ref()
            .and_then(|a| a.result.clone())
            .unwrap_or_default();
        let (state, note, time) = st.map(|s| (s.state, s.note, s.time)).unwrap_or((
            "UNKNOWN".into(),
            "no status file".into(),
            0.0,
        ));
        if a.json {
            let j = serde_json::json!({"id": t.full_id(), "name": name, "state": state, "result": result, "note": note, "time": time});
            println!("{j}");
        } else {
            println!(
                "{:>10}  {:<30} {:<16} {:<7} {}",
                t.full_id(),
                name,
                state,
                result,
                note
            );
        }
    }
    Ok(Exit::Success)
}

struct Quiet;

impl crate::run::watch::Reporter for Quiet {
    fn begin(&mut self, _: usize, _: usize) {}
    fn test_done(&mut self, _: &str, _: &str, _: &str) {}
    fn note(&mut self, _: &str) {}
    fn end(&mut self) {}
}

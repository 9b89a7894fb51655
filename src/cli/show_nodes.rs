//! `loggia show nodes` and `loggia show chunks`: the advanced tier made visible (SCHEDULING.md
//! §3.3 explain view, §3.6–§3.8). With `--inventory FILE` everything runs from a saved
//! inventory (Slurm `scontrol --oneliner` text, or a JSON/YAML NodeInfo list) and no scheduler
//! is asked anything, so a suite's node choice on a 10,000-node machine can be previewed on a
//! laptop.

use crate::advanced::{PluginInventory, SchedState};
use crate::config::site::Site;
use crate::exit::Exit;
use crate::resolve::proto::{self, ProtoTest};
use loggia_sched::advanced::{
    explain, schedule_tests, ExplainRow, GroupInput, MemoryEnv, NodeSelect, PluginSelect, UnitKind,
};
use loggia_sched::hostlist::{compress, Style};
use loggia_sched::schedule::validate::allocation_keys;
use loggia_sched::{NodeSpec, ScheduleConfig, SchedulerRegistration};
use serde_json::json;
use std::path::PathBuf;
use std::rc::Rc;

/// Where the inventory comes from and which tests shape the view.
#[derive(clap::Args)]
pub struct Source {
    /// Scheduler whose inventory to use (default: the tests' scheduler, else `sim` with
    /// --inventory, else `slurm`).
    scheduler: Option<String>,
    /// Read the inventory from this file instead of asking the scheduler.
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// Apply the `schedule:` of these tests (a test request, as for `loggia run`).
    #[arg(long = "test", value_name = "REQUEST")]
    tests: Vec<String>,
    #[command(flatten)]
    layers: super::layers::Layers,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct NodesArgs {
    #[command(flatten)]
    src: Source,
    /// Evaluate every filter step for every node and list all reasons.
    #[arg(long)]
    explain: bool,
}

#[derive(clap::Args)]
pub struct ChunksArgs {
    #[command(flatten)]
    src: Source,
}

/// The resolved inputs of either view.
struct View {
    state: SchedState,
    reg: &'static SchedulerRegistration,
    pinv: Rc<PluginInventory>,
    protos: Vec<ProtoTest>,
}

fn prepare(site: &Site, src: &Source) -> Result<View, Exit> {
    let state = match &src.inventory {
        Some(f) => SchedState::with_inventory_file(site, f.clone()),
        None => SchedState::new(site),
    };
    let opts = src.layers.options();
    let env = proto::Env::with_sched(site, &opts, state);
    let protos = if src.tests.is_empty() {
        Vec::new()
    } else {
        proto::resolve_requests(&env, &src.tests).map_err(|e| super::layers::report(&e))?
    };
    let default = if src.inventory.is_some() {
        "sim"
    } else {
        "slurm"
    };
    let name = src
        .scheduler
        .clone()
        .or_else(|| protos.first().map(|p| p.scheduler.name.to_string()))
        .unwrap_or_else(|| default.to_string());
    let reg = loggia_sched::registry().get(&name).map_err(|e| {
        eprintln!("error: {e}");
        Exit::ConfigError
    })?;
    if let Some(p) = protos.iter().find(|p| p.scheduler.name != reg.name) {
        eprintln!(
            "error: test {} uses scheduler '{}', not '{}'",
            p.full_name(),
            p.scheduler.name,
            reg.name
        );
        return Err(Exit::ConfigError);
    }
    let state = env.sched;
    let pinv = match state.inventory(reg) {
        None => {
            eprintln!(
                "error: scheduler '{}' is on the basic tier: it has no node inventory",
                reg.name
            );
            return Err(Exit::ConfigError);
        }
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return Err(Exit::SchedulerError);
        }
        Some(Ok(p)) => p,
    };
    Ok(View {
        state,
        reg,
        pinv,
        protos,
    })
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The scheduler's own note on a node (Slurm's drain/down `Reason`), shown after loggia's.
fn scheduler_reason<'a>(inv: &'a loggia_sched::advanced::Inventory, name: &str) -> Option<&'a str> {
    inv.get(name)
        .and_then(|n| n.extra.get("reason"))
        .map(String::as_str)
        .filter(|r| !r.is_empty())
}

fn print_rows(rows: &[ExplainRow], inv: &loggia_sched::advanced::Inventory, all_reasons: bool) {
    println!(
        "{:<16} {:<24} {:<3} {:<5} {:<16} {:<8} REASONS",
        "NODE", "STATE", "UP", "AVAIL", "PARTITIONS", "VERDICT"
    );
    for r in rows {
        let parts = r
            .partitions
            .as_ref()
            .map(|p| p.join(","))
            .unwrap_or_else(|| "-".to_string());
        let mut reasons = if all_reasons {
            r.reasons.join("; ")
        } else {
            r.reasons.first().cloned().unwrap_or_default()
        };
        if let (false, Some(why)) = (r.kept, scheduler_reason(inv, &r.name)) {
            reasons.push_str(&format!(" [scheduler: {why}]"));
        }
        println!(
            "{:<16} {:<24} {:<3} {:<5} {:<16} {:<8} {}",
            r.name,
            r.state,
            yes(r.up),
            yes(r.available),
            parts,
            if r.kept { "kept" } else { "filtered" },
            reasons
        );
    }
}

/// `loggia show nodes`.
pub fn nodes(site: &Site, a: NodesArgs) -> Result<Exit, Exit> {
    let v = prepare(site, &a.src)?;
    let Some(hooks) = v.state.hooks(v.reg, &v.pinv) else {
        return Err(Exit::InternalError);
    };
    let default_cfg;
    let configs: Vec<(String, &ScheduleConfig)> = if v.protos.is_empty() {
        default_cfg = crate::schedvars::validate(&[], v.reg.name)
            .map(|(c, _)| c)
            .unwrap_or_default();
        vec![("(default schedule)".to_string(), &default_cfg)]
    } else {
        v.protos
            .iter()
            .map(|p| (p.full_name(), &p.schedule))
            .collect()
    };
    let mut out = Vec::new();
    for (name, cfg) in &configs {
        let rows = explain(&v.pinv.inv, cfg, &hooks);
        if a.src.json {
            out.push(json!({ "test": name, "scheduler": v.reg.name, "nodes": rows }));
            continue;
        }
        let kept = rows.iter().filter(|r| r.kept).count();
        println!(
            "{name} on {}: {kept} of {} nodes kept",
            v.reg.name,
            rows.len()
        );
        print_rows(&rows, &v.pinv.inv, a.explain);
        println!();
    }
    if a.src.json {
        println!("{}", serde_json::Value::Array(out));
    }
    Ok(Exit::Success)
}

fn kind_text(k: UnitKind) -> &'static str {
    match k {
        UnitKind::Shared => "shared",
        UnitKind::IndivFlex => "individual-flex",
        UnitKind::IndivChunk => "individual-chunk",
    }
}

fn spec_json(spec: &Result<NodeSpec, String>) -> serde_json::Value {
    match spec {
        Ok(NodeSpec::Explicit { nodes }) => json!({ "kind": "explicit", "nodes": nodes }),
        Ok(NodeSpec::Range {
            min,
            max,
            include,
            exclude,
        }) => {
            json!({ "kind": "range", "min": min, "max": max, "include": include, "exclude": exclude })
        }
        Err(e) => json!({ "error": e }),
    }
}

fn spec_text(spec: &Result<NodeSpec, String>) -> String {
    match spec {
        Ok(NodeSpec::Explicit { nodes }) => compress(nodes, Style::Extended),
        Ok(NodeSpec::Range { min, max, .. }) => match max {
            Some(m) if m != min => format!("{min}-{m} nodes (scheduler's choice)"),
            Some(_) => format!("{min} nodes (scheduler's choice)"),
            None => format!("at least {min} nodes (scheduler's choice)"),
        },
        Err(e) => format!("error: {e}"),
    }
}

/// `loggia show chunks`: each test's chunks and the jobs a run would submit (planned with a
/// throw-away selection state, so round-robin counters are not advanced).
pub fn chunks(site: &Site, a: ChunksArgs) -> Result<Exit, Exit> {
    if a.src.tests.is_empty() {
        eprintln!("error: show chunks needs --test <request>");
        return Err(Exit::ConfigError);
    }
    let v = prepare(site, &a.src)?;
    let inv = &v.pinv.inv;
    let schema = (v.reg.config_schema)();
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for (i, p) in v.protos.iter().enumerate() {
        let id = i as u64 + 1;
        if !p.sched_errors.is_empty() {
            errors.push((p.full_name(), p.sched_errors.join("\n")));
            continue;
        }
        if let Some(adv) = &p.advanced {
            inputs.push(GroupInput {
                id,
                cfg: &p.schedule,
                alloc_keys: allocation_keys(&p.schedule, v.reg.name, &schema),
                chunks: adv.chunks.clone(),
                choice: adv.choice,
            });
        }
    }
    let cx = v.state.cx();
    let mut select = v
        .state
        .is_advanced(v.reg)
        .then(|| v.reg.plugin.advanced())
        .flatten()
        .map(|plugin| PluginSelect { plugin, cx: &cx });
    let plan = schedule_tests(
        v.reg.name,
        inv,
        &inputs,
        &mut MemoryEnv::default(),
        select.as_mut().map(|s| s as &mut dyn NodeSelect),
    );
    let name_of = |id: u64| {
        v.protos
            .get(id.saturating_sub(1) as usize)
            .map(|p| p.full_name())
            .unwrap_or_default()
    };
    let mut sets: Vec<&loggia_sched::advanced::ChunkSet> = Vec::new();
    for g in &inputs {
        if !sets.iter().any(|s| s.id == g.chunks.id) {
            sets.push(&g.chunks);
        }
    }
    if a.src.json {
        let sets_json: Vec<_> = sets
            .iter()
            .map(|s| {
                json!({
                    "set": s.id,
                    "chunks": s.chunks.iter().enumerate().map(|(i, c)| json!({
                        "index": i,
                        "nodes": inv.names(&c.nodes),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let jobs: Vec<_> = plan
            .units
            .iter()
            .map(|u| {
                json!({
                    "kind": kind_text(u.kind),
                    "chunk": u.chunk.map(|c| json!({"set": c.set, "index": c.index})),
                    "tests": u.tests.iter().map(|&t| name_of(t)).collect::<Vec<_>>(),
                    "node_spec": spec_json(&u.node_spec),
                    "time_limit_s": u.time_limit_s,
                })
            })
            .collect();
        let errs: Vec<_> = plan
            .errors
            .iter()
            .map(|(id, e)| (name_of(*id), e.clone()))
            .chain(errors)
            .map(|(t, e)| json!({"test": t, "error": e}))
            .collect();
        println!(
            "{}",
            json!({ "scheduler": v.reg.name, "chunk_sets": sets_json, "jobs": jobs, "errors": errs })
        );
        return Ok(Exit::Success);
    }
    for s in &sets {
        println!("chunk set {} ({} chunks)", s.id, s.chunks.len());
        println!("  {:<6} {:<6} NODES", "CHUNK", "SIZE");
        for (i, c) in s.chunks.iter().enumerate() {
            println!(
                "  {:<6} {:<6} {}",
                i,
                c.nodes.len(),
                compress(&inv.names(&c.nodes), Style::Extended)
            );
        }
    }
    println!("jobs:");
    println!(
        "  {:<4} {:<17} {:<8} {:<30} TESTS",
        "JOB", "KIND", "CHUNK", "NODES"
    );
    for (i, u) in plan.units.iter().enumerate() {
        let chunk = u
            .chunk
            .map(|c| format!("{}/{}", c.set, c.index))
            .unwrap_or_default();
        let tests: Vec<String> = u.tests.iter().map(|&t| name_of(t)).collect();
        println!(
            "  {:<4} {:<17} {:<8} {:<30} {}",
            i + 1,
            kind_text(u.kind),
            chunk,
            spec_text(&u.node_spec),
            tests.join(" ")
        );
    }
    for (id, e) in &plan.errors {
        println!("  {} not scheduled: {e}", name_of(*id));
    }
    for (t, e) in &errors {
        println!("  {t} cannot be created: {e}");
    }
    Ok(Exit::Success)
}

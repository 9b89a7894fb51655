//! `loggia show test` and `loggia show vars`: what a request resolves to, without creating
//! anything. `show test` prints the fully resolved config of every permutation (YAML, or JSON
//! with `--json`); `show vars` prints every variable of every set with its value and where it
//! came from (the `file:line` of the defining layer, a `sys`/`pav` fact, or the scheduler).

use crate::exit::Exit;
use crate::resolve::proto::{self, ProtoTest};
use crate::resolve::vars::{Item, SETS};
use serde_yaml::{Mapping, Value as Yaml};

/// Requests and the layering options of `loggia run`.
#[derive(clap::Args)]
pub struct Args {
    /// Test requests: suite, suite.test, suite.test.subtitle (globs allowed), N*request, or a suite file.
    #[arg(required = true)]
    requests: Vec<String>,
    /// Print JSON instead of YAML / a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    layers: super::layers::Layers,
}

/// Resolves the requests as `loggia run` would, printing errors.
fn resolve(
    a: &Args,
    f: impl FnOnce(&[ProtoTest], &crate::config::site::Site) -> String,
) -> Result<Exit, Exit> {
    let site = super::load_site()?;
    let opts = a.layers.options();
    let env = proto::Env::new(&site, &opts);
    match proto::resolve_requests(&env, &a.requests) {
        Ok(protos) => {
            print!("{}", f(&protos, &site));
            Ok(Exit::Success)
        }
        Err(errs) => Err(super::layers::report(&errs)),
    }
}

/// `loggia show test`.
pub fn run_test(a: Args) -> Result<Exit, Exit> {
    let json = a.json;
    resolve(&a, |protos, _| {
        let docs: Vec<Yaml> = protos.iter().map(test_doc).collect();
        if json {
            serde_json::to_string_pretty(&docs).unwrap_or_default() + "\n"
        } else {
            let mut out = String::new();
            for (p, d) in protos.iter().zip(&docs) {
                out.push_str(&format!("--- # {}\n", p.full_name()));
                out.push_str(&serde_yaml::to_string(d).unwrap_or_default());
            }
            out
        }
    })
}

/// `loggia show vars`.
pub fn run_vars(a: Args) -> Result<Exit, Exit> {
    let json = a.json;
    resolve(&a, |protos, site| {
        let tables: Vec<(String, Vec<VarRow>)> = protos
            .iter()
            .map(|p| (p.full_name(), var_rows(p, site)))
            .collect();
        if json {
            let v: Vec<serde_json::Value> = tables
                .iter()
                .map(|(name, rows)| serde_json::json!({"test": name, "variables": rows}))
                .collect();
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        } else {
            render_tables(&tables)
        }
    })
}

fn s(text: &str) -> Yaml {
    Yaml::String(text.to_string())
}

/// The resolved config of one test: hidden keys, the resolved test variables, the config tree,
/// then what is still to be resolved in the allocation and why the test would be skipped.
fn test_doc(p: &ProtoTest) -> Yaml {
    let mut m = Mapping::new();
    m.insert(s("name"), s(&p.full_name()));
    m.insert(s("suite"), s(&p.suite));
    m.insert(s("cfg_label"), s(&p.cfg_label));
    m.insert(s("suite_path"), s(&p.suite_path.display().to_string()));
    if !p.permute_values.is_empty() {
        let pv: Mapping = p.permute_values.iter().map(|(k, v)| (s(k), s(v))).collect();
        m.insert(s("permute_values"), Yaml::Mapping(pv));
    }
    let vars: Mapping = p
        .vars
        .raw("var")
        .map(|set| {
            set.keys()
                .map(|name| (s(name), var_value(p, "var", name).0))
                .collect()
        })
        .unwrap_or_default();
    m.insert(s("variables"), Yaml::Mapping(vars));
    if let Ok(Yaml::Mapping(cfg)) = serde_yaml::to_value(&p.node) {
        for (k, v) in cfg {
            m.insert(k, v);
        }
    }
    if !p.deferred.is_empty() {
        m.insert(
            s("deferred"),
            Yaml::Sequence(p.deferred.iter().map(|d| s(d)).collect()),
        );
    }
    if let Some(why) = &p.skip_reason {
        m.insert(s("skipped"), s(why));
    }
    Yaml::Mapping(m)
}

fn item_yaml(it: &Item) -> Yaml {
    match it {
        Item::Str(t) => s(t),
        Item::Map(m) => Yaml::Mapping(m.iter().map(|(k, v)| (s(k), s(v))).collect()),
    }
}

/// A variable's value (one item as itself, several as a list) and whether it is deferred.
/// Deferred variables show their text as written: the value exists only in the allocation.
fn var_value(p: &ProtoTest, set: &str, name: &str) -> (Yaml, bool) {
    let deferred = p.vars.is_deferred(Some(set), name);
    let items: Vec<Yaml> = if deferred {
        p.vars
            .raw(set)
            .and_then(|m| m.get(name))
            .map(|items| items.iter().map(item_yaml).collect())
            .unwrap_or_default()
    } else {
        match p.vars.resolved(set, name) {
            Ok(vals) => vals
                .iter()
                .map(|v| item_yaml(&Item::from_value(v)))
                .collect(),
            Err(e) => vec![s(&format!("<error: {}>", e.message))],
        }
    };
    let v = match <[Yaml; 1]>::try_from(items) {
        Ok([one]) => one,
        Err(items) => Yaml::Sequence(items),
    };
    (v, deferred)
}

#[derive(serde::Serialize)]
struct VarRow {
    set: String,
    name: String,
    value: serde_json::Value,
    origin: String,
    deferred: bool,
}

fn var_rows(p: &ProtoTest, site: &crate::config::site::Site) -> Vec<VarRow> {
    let mut rows = Vec::new();
    for set in SETS {
        let Some(names) = p.vars.raw(set) else {
            continue;
        };
        for name in names.keys() {
            let (v, deferred) = var_value(p, set, name);
            let origin = match set {
                "var" => p
                    .var_origins
                    .get(name)
                    .map(|o| o.to_string())
                    .unwrap_or_else(|| "permutation".to_string()),
                "sys" if site.sys_vars.contains_key(name) => "loggia.yaml sys_vars".to_string(),
                "pav" if site.pav_vars.contains_key(name) => "loggia.yaml pav_vars".to_string(),
                "sched" => format!("sched plugin {}", p.scheduler.name),
                other => format!("{other} fact"),
            };
            rows.push(VarRow {
                set: set.to_string(),
                name: name.clone(),
                value: serde_json::to_value(&v).unwrap_or_default(),
                origin,
                deferred,
            });
        }
    }
    rows
}

/// One block per test: `set.name  value  origin`, aligned.
fn render_tables(tables: &[(String, Vec<VarRow>)]) -> String {
    let mut out = String::new();
    for (name, rows) in tables {
        out.push_str(&format!("{name}\n"));
        let cells: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| {
                let value = match &r.value {
                    serde_json::Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                let origin = if r.deferred {
                    format!("{} (deferred)", r.origin)
                } else {
                    r.origin.clone()
                };
                (format!("{}.{}", r.set, r.name), value, origin)
            })
            .collect();
        let w0 = cells.iter().map(|c| c.0.chars().count()).max().unwrap_or(0);
        let w1 = cells
            .iter()
            .map(|c| c.1.chars().count())
            .max()
            .unwrap_or(0)
            .min(48);
        for (n, v, o) in cells {
            out.push_str(&format!("  {n:<w0$}  {v:<w1$}  {o}\n"));
        }
    }
    out
}

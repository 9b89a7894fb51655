//! The JSON/YAML inventory format: a list of `NodeInfo` records, or a map
//! `{nodes: [...], reservations: [...], partitions: [...]}` whose reservation and partition
//! records are flat maps in Slurm's spelling (`ReservationName`, `PartitionName`, `Nodes`,
//! `Default`, …) with scalar values. Each node travels to `transform` as its NodeInfo in JSON
//! under [`NODEINFO_KEY`], so nothing is lost between loading and transforming.

use crate::load::{dup_error, Format, Loaded};
use loggia_sched::scheduler::RawNode;
use loggia_sched::{NodeInfo, SchedError, Text};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// The raw-record key holding one node's NodeInfo as JSON.
pub const NODEINFO_KEY: &str = "sim.nodeinfo";

/// The top-level keys of the map form.
const MAP_KEYS: [&str; 3] = ["nodes", "reservations", "partitions"];

/// Parses a JSON (`json = true`) or YAML document of the structured format.
pub(crate) fn parse(text: &str, json: bool, path: &Path) -> Result<Loaded, SchedError> {
    let err = |what: String| SchedError::msg(format!("sim inventory {}: {what}", path.display()));
    let doc: Value = if json {
        serde_json::from_str(text).map_err(|e| err(format!("invalid JSON: {e}")))?
    } else {
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| err(format!("invalid YAML: {e}")))?;
        serde_json::to_value(yaml).map_err(|e| err(format!("unsupported YAML value: {e}")))?
    };
    let (nodes, reservations, partitions) = match doc {
        Value::Array(nodes) => (nodes, Vec::new(), Vec::new()),
        Value::Object(mut map) => {
            if let Some(k) = map.keys().find(|k| !MAP_KEYS.contains(&k.as_str())) {
                return Err(err(format!(
                    "unknown key '{k}' (expected nodes, reservations, partitions)"
                )));
            }
            let mut list = |key: &str| match map.remove(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(v)) => Ok(v),
                Some(other) => Err(err(format!(
                    "'{key}' must be a list, found {}",
                    kind(&other)
                ))),
            };
            (list("nodes")?, list("reservations")?, list("partitions")?)
        }
        other => {
            return Err(err(format!(
                "expected a list of nodes or a map with 'nodes', found {}",
                kind(&other)
            )))
        }
    };

    let mut out = Loaded::new(Format::NodeInfo, path);
    let mut seen: HashMap<Text, usize> = HashMap::new();
    for (i, value) in nodes.into_iter().enumerate() {
        let at = format!("node {}{}", i + 1, name_hint(&value, "name"));
        let node: NodeInfo =
            serde_json::from_value(value).map_err(|e| err(format!("{at}: {e}")))?;
        if node.name.is_empty() {
            return Err(err(format!("{at}: the node has an empty name")));
        }
        if let Some(first) = seen.insert(node.name.clone(), i + 1) {
            return Err(dup_error(path, "node", &node.name, "nodes", first, i + 1));
        }
        let json = serde_json::to_string(&node).map_err(|e| err(format!("{at}: {e}")))?;
        out.nodes
            .push(RawNode::from([(NODEINFO_KEY.to_string(), json)]));
    }
    out.extra.reservations = records(reservations, "reservation", "ReservationName", path)?;
    out.extra.partitions = records(partitions, "partition", "PartitionName", path)?;
    Ok(out)
}

/// Flat records with a unique, non-empty `name_key`; scalar values become strings.
fn records(
    values: Vec<Value>,
    what: &str,
    name_key: &str,
    path: &Path,
) -> Result<Vec<RawNode>, SchedError> {
    let err = |what: String| SchedError::msg(format!("sim inventory {}: {what}", path.display()));
    let mut out = Vec::with_capacity(values.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, value) in values.into_iter().enumerate() {
        let at = format!("{what} {}{}", i + 1, name_hint(&value, name_key));
        let Value::Object(map) = value else {
            return Err(err(format!("{at}: expected a map, found {}", kind(&value))));
        };
        let mut rec = RawNode::new();
        for (k, v) in map {
            let s = match v {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => if b { "YES" } else { "NO" }.to_string(),
                other => {
                    return Err(err(format!(
                        "{at}: '{k}' must be a string, number or boolean, found {}",
                        kind(&other)
                    )))
                }
            };
            rec.insert(k, s);
        }
        let name = match rec.get(name_key) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => return Err(err(format!("{at}: the record has no {name_key}"))),
        };
        if let Some(first) = seen.insert(name.clone(), i + 1) {
            return Err(dup_error(
                path,
                what,
                &name,
                &format!("{what}s"),
                first,
                i + 1,
            ));
        }
        out.push(rec);
    }
    Ok(out)
}

/// ` (name)` when the record has a string `key`, for error messages.
fn name_hint(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) if !s.is_empty() => format!(" ({s})"),
        _ => String::new(),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// The NodeInfo a structured raw record carries.
pub(crate) fn node_of(raw: &RawNode) -> Option<Result<NodeInfo, SchedError>> {
    let json = raw.get(NODEINFO_KEY)?;
    Some(
        serde_json::from_str::<NodeInfo>(json)
            .map_err(|e| SchedError::msg(format!("invalid sim node record: {e}")))
            .and_then(|n| {
                if n.name.is_empty() {
                    Err(SchedError::msg("sim node record without a name"))
                } else {
                    Ok(n)
                }
            }),
    )
}

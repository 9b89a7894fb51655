//! Validation of a resolved `schedule:` section (SCHEDULING.md §1.1, §1.2, §0 C1–C3, C8) into a
//! [`ScheduleConfig`]. Every error is collected (not only the first), each naming its key path
//! and the offending value; unknown keys get a "did you mean" suggestion.

use super::grammar::{
    parse_bool, parse_byte_size, parse_choice, parse_count, parse_duration, parse_name,
    parse_node_count, parse_percent, parse_uint, round_up_minutes,
};
use super::plugin::{plugin_defaults, validate_plugin};
use super::{
    ChunkExtra, NodeCount, NodeSelection, NodeState, PluginValue, Ratio, RawValue, ScheduleConfig,
    ShareMode,
};
use crate::schema::PluginSchema;

/// One invalid key of a `schedule:` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    /// Dotted key path, e.g. `schedule.chunking.size`.
    pub path: String,
    /// The offending value (one list item for list keys), when there is one.
    pub value: Option<String>,
    pub message: String,
    /// Set when the key itself is unknown (C8), so callers can point at the key.
    pub unknown: Option<UnknownKey>,
}

/// An unknown key: its own name, the closest known one, and every known key at that level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    pub key: String,
    pub suggestion: Option<String>,
    pub known: Vec<String>,
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}: invalid value '{v}': {}", self.path, self.message),
            None if self.message.contains(&self.path) => f.write_str(&self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for KeyError {}

/// Something accepted but worth telling the user (an unregistered plugin's subsection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyWarning {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for KeyWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The outcome of [`validate_for`]: the config or every error, plus warnings either way.
#[derive(Debug, Clone)]
pub struct Validated {
    pub config: Result<ScheduleConfig, Vec<KeyError>>,
    pub warnings: Vec<KeyWarning>,
}

/// A scalar after C2: unset, a trimmed non-empty string, or a type error (already recorded).
pub(crate) enum Leaf {
    Unset,
    Set(String),
    Invalid,
}

/// Collects errors and warnings while walking the raw section.
#[derive(Default)]
pub(crate) struct Checker {
    pub(crate) errors: Vec<KeyError>,
    pub(crate) warnings: Vec<KeyWarning>,
}

impl Checker {
    pub(crate) fn error(&mut self, path: &str, value: Option<String>, message: String) {
        self.errors.push(KeyError {
            path: path.to_string(),
            value,
            message,
            unknown: None,
        });
    }

    /// C8: `unknown key 'schedule.partiton' (did you mean 'partition'?)`.
    pub(crate) fn unknown_key<'a>(
        &mut self,
        path: &str,
        key: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) {
        let known: Vec<String> = candidates.into_iter().map(str::to_string).collect();
        let suggestion =
            crate::text::did_you_mean(key, known.iter().map(String::as_str)).map(str::to_string);
        let hint = suggestion
            .as_deref()
            .map(|s| format!(" (did you mean '{s}'?)"))
            .unwrap_or_default();
        self.errors.push(KeyError {
            path: path.to_string(),
            value: None,
            message: format!("unknown key '{path}'{hint}"),
            unknown: Some(UnknownKey {
                key: key.to_string(),
                suggestion,
                known,
            }),
        });
    }

    /// A single value (C2: trimmed, empty means unset).
    pub(crate) fn scalar(&mut self, path: &str, raw: &RawValue) -> Leaf {
        match raw {
            RawValue::Str(s) if s.trim().is_empty() => Leaf::Unset,
            RawValue::Str(s) => Leaf::Set(s.trim().to_string()),
            RawValue::List(items) if items.is_empty() => Leaf::Unset,
            RawValue::Map(entries) if entries.is_empty() => Leaf::Unset,
            RawValue::List(_) => {
                self.error(
                    path,
                    None,
                    "expected a single value, got a list".to_string(),
                );
                Leaf::Invalid
            }
            RawValue::Map(_) => {
                self.error(
                    path,
                    None,
                    "expected a single value, got a mapping".to_string(),
                );
                Leaf::Invalid
            }
        }
    }

    /// A list of strings (C1: a scalar is a one-item list); items trimmed, empty items dropped.
    /// `None` after a type error.
    pub(crate) fn list(&mut self, path: &str, raw: &RawValue) -> Option<Vec<String>> {
        let items: Vec<&RawValue> = match raw {
            RawValue::Str(_) => vec![raw],
            RawValue::List(items) => items.iter().collect(),
            RawValue::Map(e) if e.is_empty() => Vec::new(),
            RawValue::Map(_) => {
                self.error(
                    path,
                    None,
                    "expected a list of strings, got a mapping".to_string(),
                );
                return None;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match item {
                RawValue::Str(s) if s.trim().is_empty() => {}
                RawValue::Str(s) => out.push(s.trim().to_string()),
                _ => {
                    self.error(path, None, "list items must be strings".to_string());
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// A mapping; `None` after a type error or when empty.
    pub(crate) fn map<'r>(
        &mut self,
        path: &str,
        raw: &'r RawValue,
    ) -> Option<&'r [(String, RawValue)]> {
        match raw {
            RawValue::Map(e) if e.is_empty() => None,
            RawValue::Map(e) => Some(e),
            RawValue::Str(s) if s.trim().is_empty() => None,
            RawValue::List(l) if l.is_empty() => None,
            _ => {
                self.error(path, None, "expected a mapping".to_string());
                None
            }
        }
    }

    /// Parses a set scalar with `f`; records the error with the value.
    fn typed<T>(
        &mut self,
        path: &str,
        raw: &RawValue,
        f: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.scalar(path, raw) {
            Leaf::Set(s) => match f(&s) {
                Ok(v) => Some(v),
                Err(m) => {
                    self.error(path, Some(s), m);
                    None
                }
            },
            Leaf::Unset | Leaf::Invalid => None,
        }
    }
}

const GENERIC_KEYS: &[&str] = &[
    "nodes",
    "min_nodes",
    "tasks",
    "tasks_per_node",
    "min_tasks_per_node",
    "node_state",
    "partition",
    "reservation",
    "qos",
    "account",
    "core_spec",
    "time_limit",
    "wrapper",
    "share_allocation",
    "across_nodes",
    "include_nodes",
    "exclude_nodes",
    "chunking",
    "cluster_info",
    "mpirun_opts",
];

/// The `mpirun_opts.bind_to` / `rank_by` values.
pub const MPIRUN_OBJECTS: &[&str] = &[
    "slot", "hwthread", "core", "L1cache", "L2cache", "L3cache", "socket", "numa", "board", "node",
];

/// Validates a `schedule:` section. Plugin subsections are checked against `schemas(name)`;
/// a map-valued key that is neither generic nor a known plugin is ignored (use
/// [`validate_for`] to get the warning). Absent plugin subsections stay absent.
pub fn validate(
    raw: &[(String, RawValue)],
    schemas: &dyn Fn(&str) -> Option<PluginSchema>,
) -> Result<ScheduleConfig, Vec<KeyError>> {
    validate_for(raw, schemas, None).config
}

/// [`validate`] plus warnings; when `scheduler` names a plugin with a schema, its subsection is
/// filled with the schema defaults even if the section does not mention it, so the plugin
/// always finds its keys.
pub fn validate_for(
    raw: &[(String, RawValue)],
    schemas: &dyn Fn(&str) -> Option<PluginSchema>,
    scheduler: Option<&str>,
) -> Validated {
    let mut ck = Checker::default();
    let mut cfg = ScheduleConfig::default();
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in raw {
        let path = format!("schedule.{key}");
        if seen.contains(&key.as_str()) {
            ck.error(&path, None, "key given twice".to_string());
            continue;
        }
        seen.push(key);
        if !generic(&mut ck, &mut cfg, key, &path, value) {
            plugin_section(&mut ck, &mut cfg, key, &path, value, schemas);
        }
    }
    if let Some(name) = scheduler {
        if !cfg.plugins.contains_key(name) {
            if let Some(schema) = schemas(name) {
                match plugin_defaults(name, &schema) {
                    Ok(d) if !d.is_empty() => {
                        cfg.plugins.insert(name.to_string(), d);
                    }
                    Ok(_) => {}
                    Err(errs) => ck.errors.extend(errs),
                }
            }
        }
    }
    let config = if ck.errors.is_empty() {
        Ok(cfg)
    } else {
        Err(ck.errors)
    };
    Validated {
        config,
        warnings: ck.warnings,
    }
}

/// A non-generic key: a registered plugin's subsection, an unregistered plugin's (warning), or
/// an unknown key.
fn plugin_section(
    ck: &mut Checker,
    cfg: &mut ScheduleConfig,
    key: &str,
    path: &str,
    value: &RawValue,
    schemas: &dyn Fn(&str) -> Option<PluginSchema>,
) {
    let close_to_generic = crate::text::did_you_mean(key, GENERIC_KEYS.iter().copied()).is_some();
    match (value, schemas(key)) {
        (RawValue::Map(entries), Some(schema)) => {
            let v = validate_plugin(ck, key, entries, &schema);
            if !v.is_empty() {
                cfg.plugins.insert(key.to_string(), v);
            }
        }
        (RawValue::Map(entries), None) if !close_to_generic => {
            if !entries.is_empty() {
                ck.warnings.push(KeyWarning {
                    path: path.to_string(),
                    message: format!(
                        "no scheduler plugin '{key}' is registered here; subsection ignored"
                    ),
                });
            }
        }
        (_, Some(_)) => {
            ck.error(
                path,
                None,
                "expected a mapping (plugin subsection)".to_string(),
            );
        }
        _ => ck.unknown_key(path, key, GENERIC_KEYS.iter().copied()),
    }
}

/// Handles a generic key; false when `key` is not one.
fn generic(
    ck: &mut Checker,
    cfg: &mut ScheduleConfig,
    key: &str,
    path: &str,
    v: &RawValue,
) -> bool {
    match key {
        "nodes" => cfg.nodes = ck.typed(path, v, parse_node_count),
        "min_nodes" => cfg.min_nodes = ck.typed(path, v, zero_or_node_count).flatten(),
        "tasks" => cfg.tasks = ck.typed(path, v, parse_count),
        "tasks_per_node" => {
            if let Some(t) = ck.typed(path, v, parse_tasks_per_node) {
                cfg.tasks_per_node = t;
            }
        }
        "min_tasks_per_node" => cfg.min_tasks_per_node = ck.typed(path, v, parse_count),
        "node_state" => {
            let choice = ck.typed(path, v, |s| parse_choice(s, &["up", "available"]));
            if choice == Some("available") {
                cfg.node_state = NodeState::Available;
            }
        }
        "partition" => cfg.partition = ck.typed(path, v, parse_name),
        "reservation" => cfg.reservation = ck.typed(path, v, parse_name),
        "qos" => cfg.qos = ck.typed(path, v, parse_name),
        "account" => cfg.account = ck.typed(path, v, parse_name),
        "core_spec" => cfg.core_spec = ck.typed(path, v, |s| to_u32(parse_uint(s))),
        "time_limit" => {
            if let Some(s) = ck.typed(path, v, parse_duration) {
                cfg.time_limit_s = round_up_minutes(s);
            }
        }
        "wrapper" => cfg.wrapper = ck.typed(path, v, |s| Ok(s.to_string())),
        "share_allocation" => {
            if let Some(m) = ck.typed(path, v, parse_share) {
                cfg.share_allocation = m;
            }
        }
        "across_nodes" => cfg.across_nodes = hostlists(ck, path, v),
        "include_nodes" => cfg.include_nodes = hostlists(ck, path, v),
        "exclude_nodes" => cfg.exclude_nodes = hostlists(ck, path, v),
        "chunking" => chunking(ck, cfg, path, v),
        "cluster_info" => cluster_info(ck, cfg, path, v),
        "mpirun_opts" => mpirun_opts(ck, cfg, path, v),
        _ => return false,
    }
    true
}

fn to_u32(r: Result<u64, String>) -> Result<u32, String> {
    r.and_then(|n| u32::try_from(n).map_err(|_| "integer is too large".to_string()))
}

fn zero_or_node_count(s: &str) -> Result<Option<NodeCount>, String> {
    if s == "0" {
        Ok(None)
    } else {
        parse_node_count(s).map(Some)
    }
}

/// `Count | Percent | all | min`.
pub fn parse_tasks_per_node(s: &str) -> Result<NodeCount, String> {
    let expected = "expected tasks per node: an integer >= 1, a percentage such as 50%, all or min";
    if s.eq_ignore_ascii_case("min") {
        Ok(NodeCount::Count(1))
    } else if s.eq_ignore_ascii_case("all") {
        Ok(NodeCount::Fraction(Ratio::ONE))
    } else if s.ends_with('%') {
        parse_percent(s).map(NodeCount::Fraction)
    } else {
        parse_count(s).map(NodeCount::Count).map_err(|e| {
            if e.contains("too large") {
                e
            } else {
                expected.to_string()
            }
        })
    }
}

fn parse_share(s: &str) -> Result<ShareMode, String> {
    if s.eq_ignore_ascii_case("max") {
        return Ok(ShareMode::Max);
    }
    match parse_bool(s) {
        Ok(true) => Ok(ShareMode::Yes),
        Ok(false) => Ok(ShareMode::No),
        Err(_) => Err("expected true, false or max (also yes/no)".to_string()),
    }
}

/// `HostlistList`: expanded, de-duplicated, natural order; each bad expression is reported.
fn hostlists(ck: &mut Checker, path: &str, v: &RawValue) -> Vec<String> {
    let Some(items) = ck.list(path, v) else {
        return Vec::new();
    };
    match crate::hostlist::expand_all(&items) {
        Ok(names) => names,
        Err(_) => {
            for item in &items {
                if let Err(e) = crate::hostlist::expand(item) {
                    ck.error(path, Some(item.clone()), e.to_string());
                }
            }
            Vec::new()
        }
    }
}

fn chunking(ck: &mut Checker, cfg: &mut ScheduleConfig, path: &str, v: &RawValue) {
    const KEYS: &[&str] = &["size", "node_selection", "extra"];
    let Some(entries) = ck.map(path, v) else {
        return;
    };
    for (key, value) in entries {
        let p = format!("{path}.{key}");
        match key.as_str() {
            "size" => cfg.chunking.size = ck.typed(&p, value, zero_or_node_count).flatten(),
            "node_selection" => {
                let choices = &["contiguous", "random", "distributed", "rand_dist"];
                if let Some(c) = ck.typed(&p, value, |s| parse_choice(s, choices)) {
                    cfg.chunking.node_selection = match c {
                        "random" => NodeSelection::Random,
                        "distributed" => NodeSelection::Distributed,
                        "rand_dist" => NodeSelection::RandDist,
                        _ => NodeSelection::Contiguous,
                    };
                }
            }
            "extra" => {
                if let Some(c) = ck.typed(&p, value, |s| parse_choice(s, &["backfill", "discard"]))
                {
                    cfg.chunking.extra = if c == "discard" {
                        ChunkExtra::Discard
                    } else {
                        ChunkExtra::Backfill
                    };
                }
            }
            _ => ck.unknown_key(&p, key, KEYS.iter().copied()),
        }
    }
}

fn cluster_info(ck: &mut Checker, cfg: &mut ScheduleConfig, path: &str, v: &RawValue) {
    const KEYS: &[&str] = &["node_count", "cpus", "mem"];
    let Some(entries) = ck.map(path, v) else {
        return;
    };
    for (key, value) in entries {
        let p = format!("{path}.{key}");
        match key.as_str() {
            "node_count" => {
                if let Some(n) = ck.typed(&p, value, parse_count) {
                    cfg.cluster_info.node_count = n;
                }
            }
            "cpus" => {
                if let Some(n) = ck.typed(&p, value, |s| to_u32(parse_count(s))) {
                    cfg.cluster_info.cpus = n;
                }
            }
            "mem" => {
                if let Some(n) = ck.typed(&p, value, parse_byte_size) {
                    cfg.cluster_info.mem = n;
                }
            }
            _ => ck.unknown_key(&p, key, KEYS.iter().copied()),
        }
    }
}

fn mpirun_opts(ck: &mut Checker, cfg: &mut ScheduleConfig, path: &str, v: &RawValue) {
    const KEYS: &[&str] = &["bind_to", "rank_by", "mca", "extra"];
    let Some(entries) = ck.map(path, v) else {
        return;
    };
    for (key, value) in entries {
        let p = format!("{path}.{key}");
        match key.as_str() {
            "bind_to" | "rank_by" => {
                let got = ck
                    .typed(&p, value, |s| parse_choice(s, MPIRUN_OBJECTS))
                    .map(str::to_string);
                if key == "bind_to" {
                    cfg.mpirun_opts.bind_to = got;
                } else {
                    cfg.mpirun_opts.rank_by = got;
                }
            }
            "mca" => {
                for item in ck.list(&p, value).unwrap_or_default() {
                    let words: Vec<&str> = item.split_whitespace().collect();
                    match words.as_slice() {
                        [param, val] => cfg
                            .mpirun_opts
                            .mca
                            .push((param.to_string(), val.to_string())),
                        _ => ck.error(
                            &p,
                            Some(item.clone()),
                            "expected '<param> <value>': two words separated by whitespace"
                                .to_string(),
                        ),
                    }
                }
            }
            "extra" => cfg.mpirun_opts.extra = ck.list(&p, value).unwrap_or_default(),
            _ => ck.unknown_key(&p, key, KEYS.iter().copied()),
        }
    }
}

impl ScheduleConfig {
    /// A plugin list value (empty when unset or not a list).
    pub fn plugin_list(&self, plugin: &str, key: &str) -> &[String] {
        match self.plugin_value(plugin, key) {
            Some(PluginValue::List(v)) => v,
            _ => &[],
        }
    }

    /// A plugin string value.
    pub fn plugin_str(&self, plugin: &str, key: &str) -> Option<&str> {
        match self.plugin_value(plugin, key) {
            Some(PluginValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// A plugin boolean value.
    pub fn plugin_bool(&self, plugin: &str, key: &str) -> Option<bool> {
        match self.plugin_value(plugin, key) {
            Some(PluginValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }
}

/// The plugin subsection keys of `schema` that are part of the share key (§3.8), with the
/// config's values in a canonical text form (schema order; unset keys included as `""`).
pub fn allocation_keys(
    cfg: &ScheduleConfig,
    plugin: &str,
    schema: &PluginSchema,
) -> Vec<(String, String)> {
    schema
        .keys
        .iter()
        .filter(|k| k.allocation)
        .map(|k| {
            let v = match cfg.plugin_value(plugin, k.key) {
                None => String::new(),
                Some(v) => serde_json::to_string(v).unwrap_or_default(),
            };
            (k.key.to_string(), v)
        })
        .collect()
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;

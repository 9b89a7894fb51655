//! The schema of the `schedule:` section: the generic keys of SCHEDULING.md §1.1 with their
//! value grammars (§0.1), and one subsection per registered scheduler plugin built from the
//! plugin's [`PluginSchema`] (§2.6). A mapping under any other name is accepted: the loader
//! ignores an unregistered plugin's subsection with a warning.

use super::leaf::{
    boolean, choices, ci_alternation, describe, integer, list_of, patterned, scalar, EXPR,
};
use loggia_sched::schedule::MPIRUN_OBJECTS;
use loggia_sched::schema::{Default as KeyDefault, KeySpec, Kind, PluginSchema, Validator};
use schemars::{Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

const COUNT: &str = "0*[1-9][0-9]*";
const PERCENT: &str = r"[0-9]+(\.[0-9]{1,6})?%";
const NAME: &str = r##"[^\s'"#]{1,256}"##;
const DURATION: &str = "0*[1-9][0-9]*|(?=[0-9])([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?\
                        |([0-9]+-)?[0-9]+:[0-5][0-9]:[0-5][0-9]";

fn node_count(with_zero: bool, extra: &[&str]) -> Value {
    let mut words = vec!["all"];
    words.extend_from_slice(extra);
    let grammar = format!(
        "{}{COUNT}|{PERCENT}|{}",
        if with_zero { "0+|" } else { "" },
        ci_alternation(&words)
    );
    json!({
        "anyOf": [
            { "type": "integer", "minimum": if with_zero { 0 } else { 1 } },
            { "type": "string", "pattern": super::leaf::pattern(&grammar) },
        ]
    })
}

fn object(props: Vec<(&str, Value)>) -> Value {
    let props: Map<String, Value> = props.into_iter().map(|(k, v)| (k.into(), v)).collect();
    json!({ "type": ["object", "null"], "additionalProperties": false, "properties": props })
}

/// The generic keys, in the order of SCHEDULING.md §1.1.
fn generic_keys() -> Vec<(&'static str, Value)> {
    let name = || patterned(NAME, true);
    let hosts = || list_of(json!({ "type": "string" }));
    vec![
        ("nodes", describe(node_count(false, &[]), "Allocation size: an integer >= 1, a percentage such as 50%, or all. Default 1.")),
        ("min_nodes", describe(node_count(true, &[]), "Lower bound of the node range (0 = unset = nodes).")),
        ("tasks", describe(integer(1, None), "Total MPI tasks (integer >= 1).")),
        ("tasks_per_node", describe(node_count(false, &["min"]), "Tasks per node: an integer >= 1, a percentage of the smallest CPU count, all or min. Default 1.")),
        ("min_tasks_per_node", describe(integer(1, None), "Lower bound of the resolved tasks per node.")),
        ("node_state", describe(choices(&["up", "available"]), "Node filter: up (allocatable, default) or available (up and idle).")),
        ("partition", describe(name(), "Partition or queue: node filter and submit option.")),
        ("reservation", describe(name(), "Reservation: node filter and submit option.")),
        ("qos", describe(name(), "Quality of service submit option.")),
        ("account", describe(name(), "Account, project or bank submit option.")),
        ("core_spec", describe(integer(0, None), "Cores reserved for the system per node (Slurm --core-spec).")),
        ("time_limit", describe(json!({
            "anyOf": [
                { "type": "integer", "minimum": 1 },
                { "type": "string", "pattern": super::leaf::pattern(DURATION) },
            ]
        }), "Job wall-clock limit: hours as an integer, 1h30m-style units, H:MM:SS or D-H:MM:SS. Default 1 (hour).")),
        ("wrapper", describe(json!({ "type": "string" }), "Appended after the launcher in sched.test_cmd.")),
        ("share_allocation", describe(json!({
            "anyOf": [
                { "type": "boolean" },
                { "enum": ["true", "false", "max", "yes", "no"] },
                { "type": "string", "pattern": super::leaf::pattern(&ci_alternation(&["true", "false", "max", "yes", "no"])) },
            ]
        }), "Job sharing: true (default), false or max.")),
        ("across_nodes", describe(hosts(), "Only these nodes (hostlist expressions) are considered.")),
        ("include_nodes", describe(hosts(), "Nodes every allocation must contain (hostlist expressions).")),
        ("exclude_nodes", describe(hosts(), "Nodes never used (hostlist expressions).")),
        ("chunking", describe(object(vec![
            ("size", describe(node_count(true, &[]), "Chunk size: 0 (no chunking, default), an integer, a percentage or all.")),
            ("node_selection", describe(choices(&["contiguous", "random", "distributed", "rand_dist"]), "How each chunk's nodes are picked (default contiguous).")),
            ("extra", describe(choices(&["backfill", "discard"]), "What to do with leftover nodes (default backfill).")),
        ]), "Splitting the filtered nodes into chunks.")),
        ("cluster_info", describe(object(vec![
            ("node_count", describe(integer(1, None), "Assumed system size for basic-tier plugins (default 1).")),
            ("cpus", describe(integer(1, None), "Assumed CPUs per node when the plugin reports none (default 4).")),
            ("mem", describe(json!({
                "anyOf": [
                    { "type": "integer", "minimum": 0 },
                    { "type": "string", "pattern": super::leaf::pattern("[0-9]+([kKmMgGtTpP][iI]?[bB]?)?") },
                ]
            }), "Assumed memory per node: bytes, or 64G, 64GiB, 512MB (binary units). Default 4G.")),
        ]), "Assumptions for plugins that cannot report the nodes.")),
        ("mpirun_opts", describe(object(vec![
            ("bind_to", describe(choices(MPIRUN_OBJECTS), "mpirun --bind-to.")),
            ("rank_by", describe(choices(MPIRUN_OBJECTS), "mpirun --rank-by.")),
            ("mca", describe(list_of(patterned(r"\S+\s+\S+", false)), "'<param> <value>' items, each becoming --mca <param> <value>.")),
            ("extra", describe(list_of(json!({ "type": "string" })), "Arguments appended verbatim.")),
        ]), "Options of the mpirun launcher form.")),
    ]
}

/// A value of `kind` checked by `validator`.
fn plugin_value(kind: Kind, validator: &Validator) -> Value {
    let item = || match validator {
        Validator::Choices(words) => choices(words),
        Validator::Regex(re) => patterned(re, true),
        Validator::Range(min, max) => integer(*min, Some(*max)),
        Validator::None => json!({ "type": "string" }),
    };
    match kind {
        Kind::Str => item(),
        Kind::Int => match validator {
            Validator::Range(min, max) => integer(*min, Some(*max)),
            // C3: integers are unsigned digits.
            _ => integer(0, None),
        },
        Kind::Bool => boolean(),
        Kind::List => list_of(item()),
        Kind::Map => json!({ "type": "object", "additionalProperties": scalar() }),
    }
}

/// A YAML example or default written as text, as JSON (the text itself when it is not YAML).
fn yaml_value(text: &str) -> Value {
    serde_yaml::from_str::<Value>(text).unwrap_or_else(|_| json!(text))
}

fn plugin_key(spec: &KeySpec) -> Value {
    let mut v = plugin_value(spec.kind, &spec.validator);
    if let Some(o) = v.as_object_mut() {
        o.insert("description".into(), json!(spec.help));
        match &spec.default {
            KeyDefault::None => {}
            KeyDefault::Str(s) => {
                o.insert("default".into(), yaml_value(s));
            }
            KeyDefault::List(items) => {
                o.insert("default".into(), json!(items));
            }
        }
        if !spec.example.is_empty() {
            o.insert("examples".into(), json!([yaml_value(spec.example)]));
        }
    }
    v
}

/// The subsection of one plugin.
pub fn plugin_subsection(name: &str, description: &str, schema: &PluginSchema) -> Value {
    let props: Map<String, Value> = schema
        .keys
        .iter()
        .map(|k| (k.key.to_string(), plugin_key(k)))
        .collect();
    json!({
        "type": ["object", "null"],
        "description": format!("Settings of the {name} scheduler plugin: {description}"),
        "additionalProperties": false,
        "properties": props,
    })
}

/// The whole `schedule:` schema for the plugins registered in this binary.
pub fn schedule_value() -> Value {
    let mut props: Map<String, Value> = generic_keys()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for reg in loggia_sched::registry().iter() {
        props.insert(
            reg.name.to_string(),
            plugin_subsection(reg.name, reg.description, &(reg.config_schema)()),
        );
    }
    json!({
        "type": ["object", "null"],
        "description": "Allocation and scheduling settings (SCHEDULING.md §1). Values may use \
                        var, sys and pav variables, not sched ones.",
        "properties": props,
        "additionalProperties": {
            "type": ["object", "null"],
            "description": "The subsection of a scheduler plugin not registered in this build \
                            (ignored with a warning).",
        },
        "propertyNames": { "not": { "pattern": EXPR } },
    })
}

/// `schemars` hook for [`crate::config::test::TestConfig::schedule`].
pub fn schedule(_: &mut SchemaGenerator) -> Schema {
    Schema::try_from(schedule_value()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use loggia_sched::schedule::{validate, RawValue};

    fn matches(pattern: &str, s: &str) -> bool {
        fancy_regex::Regex::new(pattern)
            .unwrap()
            .is_match(s)
            .unwrap()
    }

    #[test]
    fn every_generic_key_is_one_the_validator_knows() {
        let no_plugins = |_: &str| None;
        for (key, _) in generic_keys() {
            let raw = vec![(key.to_string(), RawValue::Str(String::new()))];
            assert!(validate(&raw, &no_plugins).is_ok(), "{key}");
        }
        let raw = vec![("nodez".to_string(), RawValue::Str("1".into()))];
        assert!(validate(&raw, &no_plugins).is_err());
    }

    #[test]
    fn value_grammars() {
        let keys: Map<String, Value> = generic_keys()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let pat = |k: &str| keys[k]["anyOf"][1]["pattern"].as_str().unwrap().to_string();
        let nodes = pat("nodes");
        for ok in ["4", "50%", "12.5%", "ALL", "{{var.n}}", " 7 "] {
            assert!(matches(&nodes, ok), "{ok}");
        }
        for bad in ["0", "-1", "half", "5.5", "%"] {
            assert!(!matches(&nodes, bad), "{bad}");
        }
        assert!(matches(&pat("min_nodes"), "0"));
        let t = pat("time_limit");
        for ok in [
            "2",
            "1h30m",
            "90s",
            "2d",
            "1:00:00",
            "1-12:00:00",
            "{{ t }}",
        ] {
            assert!(matches(&t, ok), "{ok}");
        }
        for bad in ["0", "12:61", "30:00", "1m1h", "h", ""] {
            assert!(!matches(&t, bad), "{bad}");
        }
        assert!(matches(&pat("tasks_per_node"), "Min"));
    }

    #[test]
    fn plugin_keys_carry_help_default_and_example() {
        let schema = PluginSchema {
            keys: vec![
                KeySpec {
                    key: "mode",
                    kind: Kind::Str,
                    default: KeyDefault::Str("fast"),
                    validator: Validator::Choices(&["fast", "slow"]),
                    help: "How.",
                    example: "slow",
                    allocation: false,
                },
                KeySpec {
                    key: "extra",
                    kind: Kind::List,
                    default: KeyDefault::List(&["-a"]),
                    validator: Validator::Regex("-[a-z]"),
                    help: "More.",
                    example: "[-b, -c]",
                    allocation: true,
                },
                KeySpec {
                    key: "exclusive",
                    kind: Kind::Bool,
                    default: KeyDefault::Str("true"),
                    validator: Validator::None,
                    help: "Whole nodes.",
                    example: "false",
                    allocation: true,
                },
            ],
        };
        let s = plugin_subsection("x", "test plugin", &schema);
        assert_eq!(s["additionalProperties"], json!(false));
        let mode = &s["properties"]["mode"];
        assert_eq!(mode["description"], json!("How."));
        assert_eq!(mode["default"], json!("fast"));
        assert_eq!(mode["examples"], json!(["slow"]));
        assert_eq!(mode["anyOf"][0], json!({"enum": ["fast", "slow"]}));
        let extra = &s["properties"]["extra"];
        assert_eq!(extra["default"], json!(["-a"]));
        assert_eq!(extra["examples"], json!([["-b", "-c"]]));
        assert_eq!(extra["items"]["pattern"], json!(r"^\s*(?:-[a-z])\s*$|\{\{"));
        let excl = &s["properties"]["exclusive"];
        assert_eq!(excl["default"], json!(true));
        assert_eq!(excl["examples"], json!([false]));
    }

    #[test]
    fn registered_plugins_have_subsections() {
        let s = schedule_value();
        for name in loggia_sched::registry().names() {
            assert_eq!(
                s["properties"][name]["additionalProperties"],
                json!(false),
                "{name}"
            );
        }
        assert!(s["properties"]["slurm"]["properties"]["mpi_cmd"].is_object());
    }
}

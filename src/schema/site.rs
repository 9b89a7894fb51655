//! The schema of `loggia.yaml`'s `scheduling:` section ([`SchedSettings`], which lives in the
//! plugin-contract crate and so cannot derive the schema itself).

use loggia_sched::SchedSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{json, Value};

fn seconds(description: &str) -> Value {
    json!({ "type": "number", "minimum": 0, "description": description })
}

fn count(description: &str) -> Value {
    json!({ "type": "integer", "minimum": 0, "description": description })
}

/// The `scheduling:` schema, defaults taken from [`SchedSettings::default`].
pub fn scheduling_value() -> Value {
    let defaults = serde_json::to_value(SchedSettings::default()).unwrap_or(Value::Null);
    let mut status = json!({
        "type": "object",
        "additionalProperties": false,
        "description": "Job status polling.",
        "properties": {
            "min_interval": seconds("Seconds: minimum age of the shared status cache before re-querying."),
            "max_interval": seconds("Seconds: upper bound of the growing poll interval."),
            "max_silent_polls": count("Polls without any news before a job's state is re-checked in full."),
            "disappear_grace": seconds("Seconds after submission before a job can be declared disappeared."),
            "completion_grace": seconds("Seconds after a terminal job state before an incomplete test is failed."),
            "retries": count("Retries of a failing status command."),
            "backoff_base": seconds("Base of the exponential retry backoff, in seconds."),
            "command_timeout": seconds("Seconds per status or cancel command."),
        }
    });
    let mut s = json!({
        "type": "object",
        "additionalProperties": false,
        "description": "Scheduling settings (SCHEDULING.md §10).",
        "properties": {
            "status": status.take(),
            "submit_timeout": seconds("Seconds per submission command."),
            "env_strip": {
                "type": "array", "items": { "type": "string" },
                "description": "Environment variable globs removed for submission commands.",
            },
            "transient_patterns": {
                "type": "object",
                "additionalProperties": { "type": "array", "items": { "type": "string" } },
                "description": "Plugin name → extra regexes marking command errors transient.",
            },
            "chunk_seed": { "type": ["integer", "null"], "minimum": 0, "description": "Seed of random chunk node selection." },
            "live_job_window": { "type": "string", "description": "How far back fewest_jobs looks for live jobs, as a duration (e.g. 7d)." },
            "raw_max_concurrent": { "type": ["integer", "null"], "minimum": 1, "description": "Most tests the raw scheduler runs at once on this host." },
            "sim_inventory": { "type": ["string", "null"], "description": "Node inventory file of the sim scheduler (relative to this file; LOGGIA_SIM_INVENTORY overrides it)." },
        }
    });
    set_defaults(&mut s, &defaults);
    s
}

/// Copies each default in `defaults` onto the property of the same name, recursively.
fn set_defaults(schema: &mut Value, defaults: &Value) {
    let (Some(props), Some(d)) = (
        schema.get_mut("properties").and_then(Value::as_object_mut),
        defaults.as_object(),
    ) else {
        return;
    };
    for (k, prop) in props.iter_mut() {
        match d.get(k) {
            Some(v @ Value::Object(_)) if prop.get("properties").is_some() => set_defaults(prop, v),
            Some(v) if !v.is_null() => {
                if let Some(o) = prop.as_object_mut() {
                    o.insert("default".into(), v.clone());
                }
            }
            _ => {}
        }
    }
}

/// `schemars` hook for [`crate::config::site::SiteFile::scheduling`].
pub fn scheduling(_: &mut SchemaGenerator) -> Schema {
    Schema::try_from(scheduling_value()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names of the properties of a schema object, recursively as dotted paths.
    fn paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
        for (k, sub) in v.as_object().into_iter().flatten() {
            let p = format!("{prefix}{k}");
            out.push(p.clone());
            if let Some(props) = sub.get("properties") {
                paths(props, &format!("{p}."), out);
            }
        }
    }

    /// Every key of the settings struct (serialized defaults) is in the schema and the other way
    /// round, so a new setting cannot be forgotten here.
    #[test]
    fn schema_keys_match_the_settings_struct() {
        let s = scheduling_value();
        let mut in_schema = Vec::new();
        paths(&s["properties"], "", &mut in_schema);
        let d = serde_json::to_value(SchedSettings::default()).unwrap();
        let mut in_struct = Vec::new();
        for (k, v) in d.as_object().unwrap() {
            in_struct.push(k.clone());
            if let Some(inner) = v.as_object().filter(|_| k == "status") {
                in_struct.extend(inner.keys().map(|i| format!("{k}.{i}")));
            }
        }
        in_schema.sort();
        in_struct.sort();
        assert_eq!(in_schema, in_struct);
        assert_eq!(
            s["properties"]["status"]["properties"]["min_interval"]["default"],
            json!(10.0)
        );
        assert_eq!(s["properties"]["env_strip"]["default"], json!(["SBATCH_*"]));
        assert!(s["properties"]["chunk_seed"].get("default").is_none());
    }
}

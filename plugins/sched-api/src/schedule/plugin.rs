//! Validation of one plugin subsection `schedule.<plugin>` against the plugin's
//! [`PluginSchema`] (SCHEDULING.md §2.6): unknown keys are errors (with a suggestion), present
//! values are checked by kind and validator and normalised, absent keys get their defaults.

use super::grammar::{parse_bool, parse_choice};
use super::pattern::Pattern;
use super::validate::{Checker, Leaf};
use super::{PluginValue, RawValue};
use crate::schema::{Default as KeyDefault, KeySpec, Kind, PluginSchema, Validator};
use std::collections::BTreeMap;

/// The defaults of every key of `schema` that has one, validated like given values. A default
/// that fails its own validator is a schema bug and is reported as an error on that key.
pub fn plugin_defaults(
    plugin: &str,
    schema: &PluginSchema,
) -> Result<BTreeMap<String, PluginValue>, Vec<super::KeyError>> {
    let mut ck = Checker::default();
    let out = defaults_into(&mut ck, plugin, schema, &BTreeMap::new());
    if ck.errors.is_empty() {
        Ok(out)
    } else {
        Err(ck.errors)
    }
}

fn defaults_into(
    ck: &mut Checker,
    plugin: &str,
    schema: &PluginSchema,
    present: &BTreeMap<String, PluginValue>,
) -> BTreeMap<String, PluginValue> {
    let mut out = present.clone();
    for spec in &schema.keys {
        if out.contains_key(spec.key) {
            continue;
        }
        let raw = match &spec.default {
            KeyDefault::None => continue,
            KeyDefault::Str(s) => RawValue::Str((*s).to_string()),
            KeyDefault::List(items) => RawValue::List(
                items
                    .iter()
                    .map(|s| RawValue::Str((*s).to_string()))
                    .collect(),
            ),
        };
        let path = format!("schedule.{plugin}.{}", spec.key);
        let before = ck.errors.len();
        if let Some(v) = value(ck, &path, spec, &raw) {
            out.insert(spec.key.to_string(), v);
        } else if ck.errors.len() > before {
            for e in &mut ck.errors[before..] {
                e.message = format!("invalid default in the plugin schema: {}", e.message);
            }
        }
    }
    out
}

/// Validates the entries of `schedule.<plugin>`, recording errors in `ck`.
pub(crate) fn validate_plugin(
    ck: &mut Checker,
    plugin: &str,
    entries: &[(String, RawValue)],
    schema: &PluginSchema,
) -> BTreeMap<String, PluginValue> {
    let mut present = BTreeMap::new();
    for (key, raw) in entries {
        let path = format!("schedule.{plugin}.{key}");
        let Some(spec) = schema.keys.iter().find(|s| s.key == key) else {
            ck.unknown_key(&path, key, schema.keys.iter().map(|s| s.key));
            continue;
        };
        if present.contains_key(key) {
            ck.error(&path, None, "key given twice".to_string());
            continue;
        }
        if let Some(v) = value(ck, &path, spec, raw) {
            present.insert(key.clone(), v);
        }
    }
    defaults_into(ck, plugin, schema, &present)
}

/// One value by kind and validator; `None` when unset (C2) or invalid (error recorded).
fn value(ck: &mut Checker, path: &str, spec: &KeySpec, raw: &RawValue) -> Option<PluginValue> {
    match spec.kind {
        Kind::Str | Kind::Int | Kind::Bool => {
            let Leaf::Set(s) = ck.scalar(path, raw) else {
                return None;
            };
            let checked = match spec.kind {
                Kind::Bool => parse_bool(&s).map(PluginValue::Bool),
                Kind::Int => int(&s, &spec.validator).map(PluginValue::Int),
                _ => text(&s, &spec.validator).map(PluginValue::Str),
            };
            checked.map_err(|m| ck.error(path, Some(s), m)).ok()
        }
        Kind::List => {
            let items = ck.list(path, raw)?;
            if items.is_empty() {
                return None;
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match text(&item, &spec.validator) {
                    Ok(v) => out.push(v),
                    Err(m) => ck.error(path, Some(item), m),
                }
            }
            Some(PluginValue::List(out))
        }
        Kind::Map => {
            let entries = ck.map(path, raw)?;
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let sub = format!("{path}.{k}");
                if let Leaf::Set(s) = ck.scalar(&sub, v) {
                    out.insert(k.clone(), s);
                }
            }
            (!out.is_empty()).then_some(PluginValue::Map(out))
        }
    }
}

fn int(s: &str, v: &Validator) -> Result<i64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected a non-negative integer".to_string());
    }
    let n: i64 = s.parse().map_err(|_| "integer is too large".to_string())?;
    match v {
        Validator::Range(lo, hi) if n < *lo || n > *hi => {
            Err(format!("expected an integer from {lo} to {hi}"))
        }
        Validator::Choices(_) | Validator::Regex(_) => text(s, v).map(|_| n),
        _ => Ok(n),
    }
}

fn text(s: &str, v: &Validator) -> Result<String, String> {
    match v {
        Validator::None | Validator::Range(..) => Ok(s.to_string()),
        Validator::Choices(choices) => parse_choice(s, choices).map(str::to_string),
        Validator::Regex(re) => {
            let p = Pattern::new(re).map_err(|e| format!("plugin schema error: {e}"))?;
            if p.matches(s) {
                Ok(s.to_string())
            } else {
                Err(format!("expected a value matching {re}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(key: &'static str, kind: Kind, default: KeyDefault, validator: Validator) -> KeySpec {
        KeySpec {
            key,
            kind,
            default,
            validator,
            help: "h",
            example: "e",
            allocation: false,
        }
    }

    fn schema() -> PluginSchema {
        PluginSchema {
            keys: vec![
                spec(
                    "up_states",
                    Kind::List,
                    KeyDefault::List(&["IDLE", "MIXED"]),
                    Validator::Regex("^[A-Za-z][A-Za-z0-9_-]*$"),
                ),
                spec(
                    "mpi_cmd",
                    Kind::Str,
                    KeyDefault::Str("srun"),
                    Validator::Choices(&["srun", "mpirun"]),
                ),
                spec(
                    "exclusive",
                    Kind::Bool,
                    KeyDefault::Str("true"),
                    Validator::None,
                ),
                spec(
                    "retries",
                    Kind::Int,
                    KeyDefault::None,
                    Validator::Range(1, 5),
                ),
                spec("env", Kind::Map, KeyDefault::None, Validator::None),
            ],
        }
    }

    fn s(v: &str) -> RawValue {
        RawValue::Str(v.to_string())
    }

    #[test]
    fn defaults_fill_absent_keys() {
        let d = plugin_defaults("slurm", &schema()).unwrap();
        assert_eq!(
            d["up_states"],
            PluginValue::List(vec!["IDLE".into(), "MIXED".into()])
        );
        assert_eq!(d["mpi_cmd"], PluginValue::Str("srun".into()));
        assert_eq!(d["exclusive"], PluginValue::Bool(true));
        assert!(!d.contains_key("retries"));
    }

    #[test]
    fn values_are_checked_and_normalised() {
        let mut ck = Checker::default();
        let entries = vec![
            ("mpi_cmd".to_string(), s("MPIRUN")),
            ("up_states".to_string(), s("IDLE")),
            ("exclusive".to_string(), s("no")),
            ("retries".to_string(), s("3")),
            (
                "env".to_string(),
                RawValue::Map(vec![("A".into(), s(" 1 ")), ("B".into(), s(""))]),
            ),
        ];
        let v = validate_plugin(&mut ck, "slurm", &entries, &schema());
        assert!(ck.errors.is_empty(), "{:?}", ck.errors);
        assert_eq!(v["mpi_cmd"], PluginValue::Str("mpirun".into()));
        assert_eq!(v["up_states"], PluginValue::List(vec!["IDLE".into()]));
        assert_eq!(v["exclusive"], PluginValue::Bool(false));
        assert_eq!(v["retries"], PluginValue::Int(3));
        assert_eq!(
            v["env"],
            PluginValue::Map([("A".to_string(), "1".to_string())].into())
        );
    }

    #[test]
    fn every_bad_value_is_reported() {
        let mut ck = Checker::default();
        let entries = vec![
            ("mpi_cmd".to_string(), s("aprun")),
            (
                "up_states".to_string(),
                RawValue::List(vec![s("IDLE"), s("1BAD"), s("X+Y")]),
            ),
            ("exclusive".to_string(), s("maybe")),
            ("retries".to_string(), s("9")),
            ("exlusive".to_string(), s("true")),
        ];
        let v = validate_plugin(&mut ck, "slurm", &entries, &schema());
        let msgs: Vec<String> = ck.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            vec![
                "schedule.slurm.mpi_cmd: invalid value 'aprun': expected one of: srun, mpirun",
                "schedule.slurm.up_states: invalid value '1BAD': expected a value matching \
                 ^[A-Za-z][A-Za-z0-9_-]*$",
                "schedule.slurm.up_states: invalid value 'X+Y': expected a value matching \
                 ^[A-Za-z][A-Za-z0-9_-]*$",
                "schedule.slurm.exclusive: invalid value 'maybe': expected true, false, yes or no",
                "schedule.slurm.retries: invalid value '9': expected an integer from 1 to 5",
                "unknown key 'schedule.slurm.exlusive' (did you mean 'exclusive'?)",
            ]
        );
        // Invalid values fall back to the default rather than vanishing.
        assert_eq!(v["mpi_cmd"], PluginValue::Str("srun".into()));
    }
}

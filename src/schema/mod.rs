//! The published JSON schemas (draft-07) of a suite file and of the site config `loggia.yaml`,
//! for editors (yaml-language-server) and `loggia schema`. They are generated from the config
//! structs ([`crate::config::test`], [`crate::config::site`]) plus hand-written parts for what
//! the loader walks itself: `schedule:` with every registered plugin's subsection
//! ([`schedule`]), `variables:` ([`test`]) and the site's `scheduling:` ([`site`]).
//!
//! The schemas describe what the loader accepts, so they follow its YAML rules ([`leaf`]):
//! scalars for strings, one item for a list, `key+`, and `{{ }}` expressions in any value.

pub mod leaf;
pub mod schedule;
pub mod site;
pub mod test;

use crate::config::site::SiteFile;
use crate::config::test::{TestConfig, BUILD_ONLY, RUN_ONLY};
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

/// Which schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// A suite file `tests/<suite>.yaml` (also host, OS and mode configs' test keys).
    Test,
    /// The site config `loggia.yaml`.
    Site,
}

impl SchemaKind {
    /// The committed file name under `configs/schema/`.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Test => "test.schema.json",
            SchemaKind::Site => "site.schema.json",
        }
    }
}

const DRAFT07: &str = "http://json-schema.org/draft-07/schema#";

/// The schema as a JSON value.
pub fn generate(kind: SchemaKind) -> Value {
    match kind {
        SchemaKind::Test => suite_schema(),
        SchemaKind::Site => site_schema(),
    }
}

/// The schema as pretty-printed JSON with a final newline (the committed files' format).
pub fn render(kind: SchemaKind) -> String {
    let mut s = serde_json::to_string_pretty(&generate(kind)).unwrap_or_default();
    s.push('\n');
    s
}

fn suite_schema() -> Value {
    let mut generator = SchemaSettings::draft07().into_generator();
    let test_ref = generator.subschema_for::<TestConfig>();
    let mut defs = generator.take_definitions(true);
    split_script_sections(&mut defs);
    let test_ref = test_ref
        .get("$ref")
        .and_then(Value::as_str)
        .unwrap_or("#/definitions/TestConfig")
        .to_string();
    let mut root = json!({ "$schema": DRAFT07, "title": "loggia test suite" });
    if let (Some(r), Value::Object(body)) = (root.as_object_mut(), test::suite(&test_ref)) {
        r.extend(body);
        r.insert("definitions".into(), Value::Object(defs));
    }
    leaf::yaml_leaves(&mut root, true);
    root
}

/// `build:` and `run:` share one struct; each section's schema drops the other's own keys, as
/// the loader rejects them.
fn split_script_sections(defs: &mut Map<String, Value>) {
    let Some(shared) = defs.remove("ScriptSection") else {
        return;
    };
    for (name, drop, key) in [
        ("BuildSection", RUN_ONLY, "build"),
        ("RunSection", BUILD_ONLY, "run"),
    ] {
        let mut section = shared.clone();
        if let Some(props) = section.get_mut("properties").and_then(Value::as_object_mut) {
            props.retain(|k, _| !drop.contains(&k.as_str()));
        }
        section["description"] = json!(format!("The `{key}:` section."));
        defs.insert(name.to_string(), section);
        let target = defs
            .get_mut("TestConfig")
            .and_then(|t| t.get_mut("properties"))
            .and_then(|p| p.get_mut(key));
        if let Some(prop) = target {
            redirect_ref(
                prop,
                "#/definitions/ScriptSection",
                &format!("#/definitions/{name}"),
            );
        }
    }
}

fn redirect_ref(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::Object(o) => {
            if o.get("$ref").and_then(Value::as_str) == Some(from) {
                o.insert("$ref".into(), json!(to));
            }
            o.values_mut().for_each(|x| redirect_ref(x, from, to));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| redirect_ref(x, from, to)),
        _ => {}
    }
}

fn site_schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut root = generator.into_root_schema_for::<SiteFile>().to_value();
    if let Some(o) = root.as_object_mut() {
        o.insert("title".into(), json!("loggia site config (loggia.yaml)"));
        o.insert("$schema".into(), json!(DRAFT07));
    }
    leaf::yaml_leaves(&mut root, false);
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_schema_shape() {
        let s = generate(SchemaKind::Test);
        assert_eq!(s["$schema"], json!(DRAFT07));
        assert_eq!(s["additionalProperties"], json!(false));
        let defs = &s["definitions"];
        assert!(defs.get("ScriptSection").is_none());
        let build = &defs["BuildSection"]["properties"];
        let run = &defs["RunSection"]["properties"];
        assert!(build.get("source_path").is_some() && build.get("concurrent").is_none());
        assert!(run.get("concurrent").is_some() && run.get("source_path").is_none());
        assert!(run.get("cmds+").is_some());
        let test = &defs["TestConfig"];
        assert_eq!(test["additionalProperties"], json!(false));
        assert!(test["properties"]["schedule"]["properties"]["nodes"].is_object());
        let text = render(SchemaKind::Test);
        assert!(
            text.contains("#/definitions/BuildSection"),
            "build is redirected"
        );
        assert!(!text.contains("#/definitions/ScriptSection"));
    }

    #[test]
    fn site_schema_shape() {
        let s = generate(SchemaKind::Site);
        assert_eq!(s["additionalProperties"], json!(false));
        assert!(s["properties"]["scheduling"]["properties"]["status"].is_object());
        assert!(s["properties"].get("config_dirs+").is_none());
        assert!(render(SchemaKind::Site).ends_with("}\n"));
    }
}

//! Schema building blocks for YAML leaves, and the pass that adapts derived schemas to how
//! loggia reads YAML (CONFIG.md §0): every leaf becomes a string (Y2), so `10` and `true` are
//! as good as `"10"`; a scalar given for a list is a one-item list (Y3); any list key may be
//! written `key+` to extend the inherited list (§5); and a string may hold `{{ }}` expressions,
//! so patterned values also accept anything containing `{{`.

use serde_json::{json, Map, Value};

/// Matches a string holding an expression: such values are only known after resolution.
pub const EXPR: &str = r"\{\{";

/// A YAML scalar as the loader accepts it.
pub fn scalar() -> Value {
    json!({ "type": ["string", "number", "boolean"] })
}

/// `^\s*(?:<grammar>)\s*$`, or any string with an expression.
pub fn pattern(grammar: &str) -> String {
    format!(r"^\s*(?:{grammar})\s*$|{EXPR}")
}

/// A case-insensitive regex alternation of `words` (`[uU][pP]|…`): JSON-schema regexes have
/// no flags, and choices are matched case-insensitively (SCHEDULING.md §0.1).
pub fn ci_alternation(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else {
                        regex_escape(c)
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn regex_escape(c: char) -> String {
    if r"\^$.|?*+()[]{}/-".contains(c) {
        format!(r"\{c}")
    } else {
        c.to_string()
    }
}

/// One of `choices` (listed for editor completion), in any case, or an expression.
pub fn choices(words: &[&str]) -> Value {
    json!({
        "anyOf": [
            { "enum": words },
            { "type": "string", "pattern": pattern(&ci_alternation(words)) },
        ]
    })
}

/// An integer in `[min, max]` written as a YAML int or as digits in a string, or an expression.
/// A string's range cannot be checked by a schema; the loader checks it.
pub fn integer(min: i64, max: Option<i64>) -> Value {
    let mut int = json!({ "type": "integer", "minimum": min });
    if let Some(max) = max {
        int["maximum"] = json!(max);
    }
    let digits = if min >= 1 { "0*[1-9][0-9]*" } else { "[0-9]+" };
    json!({ "anyOf": [int, { "type": "string", "pattern": pattern(digits) }] })
}

/// A boolean (`true/false/yes/no`, any case; CONFIG.md Y6) or an expression.
pub fn boolean() -> Value {
    json!({
        "anyOf": [
            { "type": "boolean" },
            { "type": "string", "pattern": pattern(&ci_alternation(&["true", "false", "yes", "no"])) },
        ]
    })
}

/// A string matching `grammar` (or an expression); YAML numbers are accepted when `numbers`.
pub fn patterned(grammar: &str, numbers: bool) -> Value {
    let ty = if numbers {
        json!(["string", "number"])
    } else {
        json!("string")
    };
    json!({ "type": ty, "pattern": pattern(grammar) })
}

/// A list of `item`s (the Y3 and `key+` rules are added by [`yaml_leaves`]).
pub fn list_of(item: Value) -> Value {
    json!({ "type": "array", "items": item })
}

/// Sets `description` (and more annotation keys) on a schema object.
pub fn describe(mut schema: Value, description: &str) -> Value {
    if let Some(o) = schema.as_object_mut() {
        o.insert("description".into(), json!(description));
    }
    schema
}

fn types(schema: &Map<String, Value>) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_list(schema: &Value) -> bool {
    schema
        .as_object()
        .is_some_and(|o| types(o).contains(&"array"))
}

/// Applies the Y2/Y3/§5 rules of the module docs to a whole schema tree, in place:
/// a plain string becomes a scalar, a list also accepts one item, and (when `layered`: test
/// configs, not the site file) every list property of a closed mapping gets a `<key>+` twin.
pub fn yaml_leaves(schema: &mut Value, layered: bool) {
    match schema {
        Value::Object(o) => {
            if layered {
                add_extend_keys(o);
            }
            for (k, v) in o.iter_mut() {
                // Annotations hold data, not schemas.
                if !matches!(k.as_str(), "default" | "examples" | "enum" | "const") {
                    yaml_leaves(v, layered);
                }
            }
            widen_string(o);
            let list = types(o).contains(&"array") && o.get("items").is_some_and(Value::is_object);
            if list {
                single_item_list(o);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| yaml_leaves(v, layered)),
        _ => {}
    }
}

fn add_extend_keys(o: &mut Map<String, Value>) {
    if o.get("additionalProperties") != Some(&Value::Bool(false)) {
        return;
    }
    let Some(Value::Object(props)) = o.get_mut("properties") else {
        return;
    };
    let lists: Vec<(String, Value)> = props
        .iter()
        .filter(|(k, v)| !k.ends_with('+') && is_list(v))
        .map(|(k, v)| {
            let mut twin = v.clone();
            if let Some(t) = twin.as_object_mut() {
                t.insert(
                    "description".into(),
                    json!(format!("Extends the inherited `{k}` list.")),
                );
                t.remove("default");
            }
            (format!("{k}+"), twin)
        })
        .collect();
    for (k, v) in lists {
        props.entry(k).or_insert(v);
    }
}

/// `{"type": "string"}` (nullable or not) without constraints → any scalar.
fn widen_string(o: &mut Map<String, Value>) {
    let ts = types(o);
    let constrained = ["pattern", "enum", "const", "format"]
        .iter()
        .any(|k| o.contains_key(*k));
    if constrained || !ts.contains(&"string") || ts.iter().any(|t| !matches!(*t, "string" | "null"))
    {
        return;
    }
    let mut widened = vec![json!("string"), json!("number"), json!("boolean")];
    if ts.contains(&"null") {
        widened.push(json!("null"));
    }
    o.insert("type".into(), Value::Array(widened));
}

/// Y3: the list schema becomes `anyOf [list, item]`, annotations staying outside.
fn single_item_list(o: &mut Map<String, Value>) {
    let Some(item) = o.get("items").cloned() else {
        return;
    };
    let mut list = Map::new();
    for k in ["type", "items", "minItems", "maxItems", "uniqueItems"] {
        if let Some(v) = o.remove(k) {
            list.insert(k.to_string(), v);
        }
    }
    o.insert("anyOf".into(), json!([Value::Object(list), item]));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> bool {
        fancy_regex::Regex::new(pattern)
            .unwrap()
            .is_match(s)
            .unwrap()
    }

    #[test]
    fn case_insensitive_alternation() {
        assert_eq!(ci_alternation(&["up", "L1"]), "[uU][pP]|[lL]1");
        assert_eq!(ci_alternation(&["a-b"]), r"[aA]\-[bB]");
        let p = pattern(&ci_alternation(&["up", "available"]));
        assert!(matches(&p, " UP "));
        assert!(matches(&p, "Available"));
        assert!(matches(&p, "{{ var.state }}"));
        assert!(!matches(&p, "down"));
        assert!(!matches(&p, "upx"));
    }

    #[test]
    fn integers_accept_digits_and_expressions_only() {
        let v = integer(1, None);
        let p = v["anyOf"][1]["pattern"].as_str().unwrap();
        assert!(matches(p, "12"));
        assert!(matches(p, "{{n}}"));
        assert!(!matches(p, "0"));
        assert!(!matches(p, "-3"));
        assert_eq!(v["anyOf"][0], json!({"type": "integer", "minimum": 1}));
    }

    #[test]
    fn strings_widen_lists_take_one_item_and_get_extend_twins() {
        let mut s = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "cmds": {"description": "d", "type": "array", "items": {"type": "string"}, "default": []},
                "name": {"type": ["string", "null"]},
                "state": {"type": "string", "pattern": "^x$"},
            }
        });
        let mut site = s.clone();
        yaml_leaves(&mut site, false);
        assert!(site["properties"].get("cmds+").is_none());
        yaml_leaves(&mut s, true);
        let props = &s["properties"];
        assert_eq!(
            props["name"]["type"],
            json!(["string", "number", "boolean", "null"])
        );
        assert_eq!(props["state"]["type"], json!("string"));
        assert_eq!(
            props["cmds"],
            json!({
                "description": "d",
                "default": [],
                "anyOf": [
                    {"type": "array", "items": {"type": ["string", "number", "boolean"]}},
                    {"type": ["string", "number", "boolean"]},
                ]
            })
        );
        assert_eq!(
            props["cmds+"]["description"],
            json!("Extends the inherited `cmds` list.")
        );
        assert_eq!(props["cmds+"]["anyOf"], props["cmds"]["anyOf"]);
        assert!(props.get("name+").is_none());
    }

    #[test]
    fn open_mappings_get_no_extend_twins() {
        let mut s = json!({
            "type": "object",
            "properties": {"a": {"type": "array", "items": {}}}
        });
        yaml_leaves(&mut s, true);
        assert!(s["properties"].get("a+").is_none());
    }
}

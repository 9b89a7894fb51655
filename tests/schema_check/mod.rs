//! A small JSON-schema (draft-07) validator for the tests: just the keywords loggia's published
//! schemas use (`$ref` into `definitions`, `type`, `enum`, `pattern`, `properties`,
//! `patternProperties`, `additionalProperties`, `propertyNames`, `items`, `anyOf`, `allOf`,
//! `not`, `minimum`, `maximum`). An unknown keyword fails loudly, so the schemas cannot outgrow
//! it unnoticed. (The `jsonschema` crate is not in the offline crate cache of this project.)

use serde_json::Value;

const ANNOTATIONS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "default",
    "examples",
    "definitions",
    "format",
];

/// Every violation of `schema` by `value`, as `<json path>: <what>`; empty when valid.
pub fn validate(root: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(root, root, value, "$", &mut errors);
    errors
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

fn check(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let s = match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => return errors.push(format!("{at}: not allowed")),
        Value::Object(s) => s,
        _ => return errors.push(format!("{at}: schema is not an object")),
    };
    for (kw, arg) in s {
        match kw.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => {
                let name = arg.as_str().and_then(|r| r.strip_prefix("#/definitions/"));
                match name.and_then(|n| root["definitions"].get(n)) {
                    Some(target) => check(root, target, v, at, errors),
                    None => errors.push(format!("{at}: unresolvable $ref {arg}")),
                }
            }
            "type" => {
                let ok = match arg {
                    Value::String(t) => type_ok(t, v),
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_ok(t, v)),
                    _ => false,
                };
                if !ok {
                    errors.push(format!("{at}: {v} is not of type {arg}"));
                }
            }
            "enum" => {
                if !arg.as_array().is_some_and(|a| a.contains(v)) {
                    errors.push(format!("{at}: {v} is not one of {arg}"));
                }
            }
            "pattern" => {
                if let (Some(p), Some(text)) = (arg.as_str(), v.as_str()) {
                    let re = fancy_regex::Regex::new(p).expect("schema regex");
                    if !re.is_match(text).unwrap_or(false) {
                        errors.push(format!("{at}: {text:?} does not match {p}"));
                    }
                }
            }
            "minimum" | "maximum" => {
                if let (Some(limit), Some(n)) = (arg.as_f64(), v.as_f64()) {
                    if (kw == "minimum" && n < limit) || (kw == "maximum" && n > limit) {
                        errors.push(format!("{at}: {n} is beyond the {kw} {limit}"));
                    }
                }
            }
            "items" => {
                for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                    check(root, arg, item, &format!("{at}[{i}]"), errors);
                }
            }
            "anyOf" | "allOf" => {
                let subs = arg.as_array().cloned().unwrap_or_default();
                let results: Vec<Vec<String>> = subs
                    .iter()
                    .map(|sub| {
                        let mut e = Vec::new();
                        check(root, sub, v, at, &mut e);
                        e
                    })
                    .collect();
                if kw == "anyOf" && !results.iter().any(Vec::is_empty) {
                    errors.push(format!("{at}: {v} matches no alternative: {results:?}"));
                } else if kw == "allOf" {
                    errors.extend(results.into_iter().flatten());
                }
            }
            "not" => {
                let mut e = Vec::new();
                check(root, arg, v, at, &mut e);
                if e.is_empty() {
                    errors.push(format!("{at}: {v} matches a forbidden schema"));
                }
            }
            "propertyNames" => {
                for k in v.as_object().into_iter().flat_map(|o| o.keys()) {
                    check(
                        root,
                        arg,
                        &Value::String(k.clone()),
                        &format!("{at}.{k}"),
                        errors,
                    );
                }
            }
            "properties" | "patternProperties" | "additionalProperties" => {}
            other => errors.push(format!("{at}: keyword '{other}' is not supported here")),
        }
    }
    if let Some(o) = v.as_object() {
        check_members(root, s, o, at, errors);
    }
}

fn check_members(
    root: &Value,
    s: &serde_json::Map<String, Value>,
    o: &serde_json::Map<String, Value>,
    at: &str,
    errors: &mut Vec<String>,
) {
    for (k, member) in o {
        let path = format!("{at}.{k}");
        let mut matched = false;
        if let Some(sub) = s.get("properties").and_then(|p| p.get(k)) {
            matched = true;
            check(root, sub, member, &path, errors);
        }
        for (pat, sub) in s
            .get("patternProperties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let re = fancy_regex::Regex::new(pat).expect("schema regex");
            if re.is_match(k).unwrap_or(false) {
                matched = true;
                check(root, sub, member, &path, errors);
            }
        }
        if !matched {
            if let Some(extra) = s.get("additionalProperties") {
                match extra {
                    Value::Bool(false) => errors.push(format!("{path}: unknown key")),
                    other => check(root, other, member, &path, errors),
                }
            }
        }
    }
}

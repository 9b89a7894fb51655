//! The `json` parser (CONFIG.md §10.2): JSON text from the start line to the end of the file
//! (or up to a `stop_at` line), with dotted `exclude` paths removed and only the dotted
//! `include_only` paths kept.

use crate::expr::Value;
use fancy_regex::Regex;
use serde_json::{Map, Value as Json};

/// Parses the JSON that starts at `lines[0]`.
pub fn parse(
    lines: &[&str],
    stop_at: Option<&Regex>,
    include_only: &[String],
    exclude: &[String],
) -> Result<Value, String> {
    let mut text = String::new();
    for line in lines {
        if let Some(re) = stop_at {
            if super::scan::search(re, line)? {
                break;
            }
        }
        text.push_str(line);
        text.push('\n');
    }
    let mut json: Json = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    for path in exclude {
        remove(&mut json, path)?;
    }
    if !include_only.is_empty() {
        let mut kept = Json::Object(Map::new());
        for path in include_only {
            include(&json, &mut kept, path)?;
        }
        json = kept;
    }
    Ok(Value::from_json(&json))
}

fn not_mapping(path: &str, parent: &[&str]) -> String {
    format!(
        "JSON key '{path}': the value of '{}' is not a mapping",
        parent.join(".")
    )
}

/// Removes the dotted `path`; a missing key is an error.
fn remove(json: &mut Json, path: &str) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut cur = json;
    for (i, part) in parts.iter().enumerate() {
        let Json::Object(map) = cur else {
            return Err(not_mapping(path, &parts[..i]));
        };
        if i + 1 == parts.len() {
            return map
                .remove(*part)
                .map(|_| ())
                .ok_or_else(|| format!("excluded JSON key '{path}' does not exist"));
        }
        cur = map
            .get_mut(*part)
            .ok_or_else(|| format!("excluded JSON key '{path}' does not exist"))?;
    }
    Ok(())
}

/// Copies the value at the dotted `path` of `from` into `into`, creating the mappings on the
/// way; a missing key is an error.
fn include(from: &Json, into: &mut Json, path: &str) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let missing = || format!("included JSON key '{path}' does not exist");
    let mut src = from;
    for (i, part) in parts.iter().enumerate() {
        let Json::Object(map) = src else {
            return Err(not_mapping(path, &parts[..i]));
        };
        src = map.get(*part).ok_or_else(missing)?;
    }
    let mut dst = into;
    for (i, part) in parts.iter().enumerate() {
        let Json::Object(map) = dst else {
            return Err(not_mapping(path, &parts[..i]));
        };
        if i + 1 == parts.len() {
            map.insert(part.to_string(), src.clone());
            break;
        }
        dst = map
            .entry(part.to_string())
            .or_insert_with(|| Json::Object(Map::new()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &[&str] = &[
        r#"{"a": {"b": 1, "c": [1, 2]},"#,
        r#" "d": "x", "e": 2.5}"#,
        "END",
        "trailing text",
    ];

    fn stop() -> Regex {
        Regex::new("^END").unwrap()
    }

    #[test]
    fn reads_up_to_stop_at() {
        let v = parse(DOC, Some(&stop()), &[], &[]).unwrap();
        assert_eq!(
            v.to_json(),
            serde_json::json!({"a": {"b": 1, "c": [1, 2]}, "d": "x", "e": 2.5})
        );
        let e = parse(DOC, None, &[], &[]).unwrap_err();
        assert!(e.starts_with("invalid JSON: "), "{e}");
    }

    #[test]
    fn exclude_and_include_paths() {
        let v = parse(DOC, Some(&stop()), &[], &["a.c".into(), "d".into()]).unwrap();
        assert_eq!(v.to_json(), serde_json::json!({"a": {"b": 1}, "e": 2.5}));
        let v = parse(DOC, Some(&stop()), &["a.b".into(), "e".into()], &[]).unwrap();
        assert_eq!(v.to_json(), serde_json::json!({"a": {"b": 1}, "e": 2.5}));
        assert_eq!(
            parse(DOC, Some(&stop()), &["a.zz".into()], &[]).unwrap_err(),
            "included JSON key 'a.zz' does not exist"
        );
        assert_eq!(
            parse(DOC, Some(&stop()), &[], &["q".into()]).unwrap_err(),
            "excluded JSON key 'q' does not exist"
        );
        assert_eq!(
            parse(DOC, Some(&stop()), &["d.x".into()], &[]).unwrap_err(),
            "JSON key 'd.x': the value of 'd' is not a mapping"
        );
    }
}

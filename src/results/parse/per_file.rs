//! `per_file` (CONFIG.md §10.4): combining the values of a key's files, and storing a value
//! under a (multi-)key.

use super::action::{apply, is_empty, is_match};
use super::spec::{key_names, Action, PerFile};
use crate::expr::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One file's parsed (pre-action) value; `name` is `None` for the non-match entry of a glob
/// that matched nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct FileValue {
    pub name: Option<String>,
    pub value: Value,
}

/// What a key stores.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    /// One value under the key.
    Value(Value),
    /// `per_file: name`: a value per normalised file name.
    PerName(Vec<(String, Value)>),
}

/// Base name, lower-cased, last extension removed, every non-alphanumeric character → `_`.
pub fn normalise_file_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect()
}

fn collisions(key: &str, names: &[&str], errors: &mut Vec<String>) {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if seen.contains(n) {
            errors.push(format!(
                "key '{key}': several files have the normalised name '{n}' (the last one wins)"
            ));
        } else {
            seen.push(n);
        }
    }
}

/// Combines the values of `files` (in file order) for `key`.
pub fn combine(
    key: &str,
    per_file: PerFile,
    action: Action,
    files: &[FileValue],
    errors: &mut Vec<String>,
) -> Stored {
    // Non-match entries of unmatched globs only count for `all`/`any`.
    let real: Vec<&FileValue> = files.iter().filter(|f| f.name.is_some()).collect();
    let acted = || real.iter().map(|f| apply(action, &f.value));
    let pick = |vals: Vec<Value>, errors: &mut Vec<String>| {
        let found = vals.iter().find(|v| !is_empty(v)).or(vals.first()).cloned();
        found.unwrap_or_else(|| {
            errors.push(format!("no matches for key '{key}'"));
            Value::Null
        })
    };
    match per_file {
        PerFile::First => Stored::Value(pick(acted().collect(), errors)),
        PerFile::Last => Stored::Value(pick(acted().rev().collect(), errors)),
        PerFile::Name => {
            let names: Vec<&str> = real.iter().filter_map(|f| f.name.as_deref()).collect();
            collisions(key, &names, errors);
            Stored::PerName(
                real.iter()
                    .filter_map(|f| Some((f.name.clone()?, apply(action, &f.value))))
                    .collect(),
            )
        }
        PerFile::NameList => {
            let names: Vec<&str> = real.iter().filter_map(|f| f.name.as_deref()).collect();
            collisions(key, &names, errors);
            Stored::Value(Value::List(
                real.iter()
                    .filter(|f| is_match(&f.value))
                    .filter_map(|f| f.name.clone().map(Value::Str))
                    .collect(),
            ))
        }
        PerFile::List => {
            let mut out = Vec::new();
            for v in acted().filter(|v| !is_empty(v)) {
                match v {
                    Value::List(items) => out.extend(items),
                    other => out.push(other),
                }
            }
            Stored::Value(Value::List(out))
        }
        PerFile::All => Stored::Value(Value::Bool(
            !files.is_empty() && files.iter().all(|f| is_match(&apply(action, &f.value))),
        )),
        PerFile::Any => Stored::Value(Value::Bool(
            files.iter().any(|f| is_match(&apply(action, &f.value))),
        )),
    }
}

/// Stores `value` under the (multi-)key `key` in `into`.
pub fn store(
    key: &str,
    value: Value,
    into: &mut BTreeMap<String, Value>,
    errors: &mut Vec<String>,
) {
    if !key.contains(',') {
        into.insert(key.trim().to_string(), value);
        return;
    }
    let names = key_names(key);
    let Value::List(items) = value else {
        match names.iter().flatten().next() {
            Some(first) => {
                errors.push(format!(
                    "multi-key '{key}' needs a list value, found {}; stored under '{first}'",
                    value.describe()
                ));
                into.insert(first.clone(), value);
            }
            None => errors.push(format!("multi-key '{key}' has no key to store under")),
        }
        return;
    };
    if items.len() < names.len() {
        errors.push(format!(
            "multi-key '{key}' has {} keys but the value has only {} items; the rest are null",
            names.len(),
            items.len()
        ));
    }
    let mut items = items.into_iter();
    for name in names {
        let v = items.next().unwrap_or(Value::Null);
        if let Some(name) = name {
            into.insert(name, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fv(name: &str, v: Value) -> FileValue {
        FileValue {
            name: Some(name.to_string()),
            value: v,
        }
    }

    fn s(x: &str) -> Value {
        Value::Str(x.to_string())
    }

    fn files() -> Vec<FileValue> {
        vec![
            fv("a", Value::Null),
            fv("b", s("1")),
            fv("c", Value::List(vec![s("2"), s("3")])),
            fv("d", Value::Null),
        ]
    }

    fn one(per_file: PerFile, action: Action, f: &[FileValue]) -> (Stored, Vec<String>) {
        let mut e = vec![];
        let v = combine("k", per_file, action, f, &mut e);
        (v, e)
    }

    #[test]
    fn first_last_list() {
        let f = files();
        assert_eq!(
            one(PerFile::First, Action::Store, &f).0,
            Stored::Value(Value::Int(1))
        );
        assert_eq!(
            one(PerFile::Last, Action::Store, &f).0,
            Stored::Value(Value::List(vec![Value::Int(2), Value::Int(3)]))
        );
        assert_eq!(
            one(PerFile::List, Action::Store, &f).0,
            Stored::Value(Value::List(vec![
                Value::Int(1),
                Value::Int(2),
                Value::Int(3)
            ]))
        );
        // All empty: the first value; no files: an error.
        let empty = vec![fv("a", Value::List(vec![])), fv("b", Value::Null)];
        assert_eq!(
            one(PerFile::First, Action::StoreStr, &empty).0,
            Stored::Value(Value::List(vec![]))
        );
        let (v, e) = one(PerFile::First, Action::Store, &[]);
        assert_eq!(
            (v, e),
            (
                Stored::Value(Value::Null),
                vec!["no matches for key 'k'".to_string()]
            )
        );
        // `false` is kept by list.
        let bools = vec![fv("a", Value::Null), fv("b", s("x"))];
        assert_eq!(
            one(PerFile::List, Action::StoreTrue, &bools).0,
            Stored::Value(Value::List(vec![Value::Bool(false), Value::Bool(true)]))
        );
    }

    #[test]
    fn all_any_and_unmatched_globs() {
        let f = files();
        assert_eq!(
            one(PerFile::All, Action::Store, &f).0,
            Stored::Value(Value::Bool(false))
        );
        assert_eq!(
            one(PerFile::Any, Action::Store, &f).0,
            Stored::Value(Value::Bool(true))
        );
        assert_eq!(
            one(PerFile::All, Action::StoreFalse, &[fv("a", Value::Null)]).0,
            Stored::Value(Value::Bool(true))
        );
        assert_eq!(
            one(PerFile::All, Action::Store, &[]).0,
            Stored::Value(Value::Bool(false))
        );
        let missing = vec![
            fv("a", s("x")),
            FileValue {
                name: None,
                value: Value::Null,
            },
        ];
        assert_eq!(
            one(PerFile::All, Action::Store, &missing).0,
            Stored::Value(Value::Bool(false))
        );
        assert_eq!(
            one(PerFile::First, Action::Store, &missing).0,
            Stored::Value(s("x"))
        );
    }

    #[test]
    fn names() {
        let f = vec![fv("a", s("1")), fv("b", Value::Null), fv("a", s("2"))];
        let (v, e) = one(PerFile::Name, Action::Store, &f);
        assert_eq!(
            v,
            Stored::PerName(vec![
                ("a".into(), Value::Int(1)),
                ("b".into(), Value::Null),
                ("a".into(), Value::Int(2))
            ])
        );
        assert_eq!(e.len(), 1, "{e:?}");
        let (v, _) = one(PerFile::NameList, Action::Count, &f);
        assert_eq!(v, Stored::Value(Value::List(vec![s("a"), s("a")])));
        assert_eq!(
            normalise_file_name(Path::new("/x/Node%3.foo.out")),
            "node_3_foo"
        );
        assert_eq!(normalise_file_name(Path::new("run.log")), "run");
    }

    #[test]
    fn multi_keys_spread_lists() {
        let mut r = BTreeMap::new();
        let mut e = vec![];
        store(
            "a, _, b",
            Value::List(vec![s("1"), s("2"), s("3"), s("4")]),
            &mut r,
            &mut e,
        );
        assert_eq!(r.get("a"), Some(&s("1")));
        assert_eq!(r.get("b"), Some(&s("3")));
        assert_eq!(r.len(), 2);
        assert!(e.is_empty());
        store("c, d", Value::List(vec![s("5")]), &mut r, &mut e);
        assert_eq!(
            (r.get("c"), r.get("d")),
            (Some(&s("5")), Some(&Value::Null))
        );
        assert_eq!(e.len(), 1);
        store("f, g", s("x"), &mut r, &mut e);
        assert_eq!(r.get("f"), Some(&s("x")));
        assert!(!r.contains_key("g"));
        assert_eq!(e.len(), 2);
        store("h,", Value::List(vec![s("7"), s("8")]), &mut r, &mut e);
        assert_eq!(r.get("h"), Some(&s("7")));
        assert_eq!(e.len(), 2);
    }
}

//! Layering one config tree over another (spec §5): mappings merge key by key, recursively;
//! scalars and lists are replaced wholesale; `key+` extends the earlier list instead.
//!
//! An empty value (`key:` or `key: ~`) in the upper layer does not erase the lower one: in
//! Pavilion an unset key means "not given here", and an explicit `[]` or `""` is how a layer
//! clears a value. `prepend_cmds`/`append_cmds` are ordinary keys here; folding them into `cmds`
//! is the caller's job. The top-level `variables` mapping merges by its own rules (§6.2, see
//! `merge_vars`).

use std::collections::HashMap;

use super::error::{ConfigError, ErrorKind};
use super::node::{Key, Node, NodeKind};
use super::path::KeyPath;

#[path = "merge_vars.rs"]
mod vars;
pub use vars::merge_variables;

/// Merges `over` onto `base` and returns the result; neither input changes.
///
/// Every value in the result keeps the span of the layer it came from; a merged mapping takes
/// the span of `over` (the layer being applied). Keys keep the position they first had, new keys
/// follow in `over`'s order. In the result, `key+` becomes `key`; on the `base` side `+` keys
/// are taken as already resolved and copied unchanged.
pub fn merge(base: &Node, over: &Node) -> Result<Node, ConfigError> {
    merge_value(Some(base), over, &KeyPath::Root(""))
}

fn merge_value(base: Option<&Node>, over: &Node, path: &KeyPath<'_>) -> Result<Node, ConfigError> {
    match (&over.kind, base) {
        (NodeKind::Null, Some(base)) => Ok(base.clone()),
        (NodeKind::Map(over_entries), Some(base)) => {
            merge_maps(base.entries(), over_entries, over, path)
        }
        // Without a lower layer the mapping is still walked, so nested `key+` lose their `+`.
        (NodeKind::Map(over_entries), None) => merge_maps(&[], over_entries, over, path),
        _ => Ok(over.clone()),
    }
}

fn merge_maps(
    base: &[(Key, Node)],
    over: &[(Key, Node)],
    over_node: &Node,
    path: &KeyPath<'_>,
) -> Result<Node, ConfigError> {
    let mut out: Vec<(Key, Node)> = base.to_vec();
    let mut index: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (key.name.clone(), i))
        .collect();
    for (key, value) in over {
        let (name, extend) = match key.name.strip_suffix('+') {
            Some(name) if !name.is_empty() => (name, true),
            _ => (key.name.as_str(), false),
        };
        let existing = index.get(name).map(|&i| &out[i].1);
        let child_path = path.key(name);
        let merged = if name == "variables" && !extend && matches!(path, KeyPath::Root(_)) {
            vars::merge_variables(existing, value)?
        } else if extend {
            extend_list(existing, key, value, &child_path)?
        } else {
            merge_value(existing, value, &child_path)?
        };
        let Some(merged) = merged_or_kept(existing, value, merged) else {
            continue;
        };
        let entry = (Key::new(name, key.span.clone()), merged);
        match index.get(name) {
            Some(&i) => out[i] = entry,
            None => {
                index.insert(name.to_owned(), out.len());
                out.push(entry);
            }
        }
    }
    Ok(Node::synthetic(NodeKind::Map(out), over_node.span.clone()))
}

/// `None` when the upper value was empty and a lower one exists: the entry (key span included)
/// stays as it was.
fn merged_or_kept(existing: Option<&Node>, over: &Node, merged: Node) -> Option<Node> {
    if over.is_null() && existing.is_some() {
        None
    } else {
        Some(merged)
    }
}

/// The value of `key+: value`: the earlier items followed by the new ones. A scalar or a mapping
/// counts as a one-item list on either side (spec Y3; variables have mapping items).
fn extend_list(
    existing: Option<&Node>,
    key: &Key,
    value: &Node,
    path: &KeyPath<'_>,
) -> Result<Node, ConfigError> {
    let mut items: Vec<Node> = match existing.map(|node| &node.kind) {
        None | Some(NodeKind::Null) => Vec::new(),
        Some(NodeKind::Seq(items)) => items.clone(),
        Some(NodeKind::Scalar(_)) => existing.into_iter().cloned().collect(),
        Some(NodeKind::Map(_)) => {
            let mut err = ConfigError::at(
                &key.span,
                format!(
                    "cannot extend '{}' with '+': the earlier value is a mapping",
                    &key.name
                ),
            )
            .with_expected(format!(
                "'{}:' to merge into the mapping",
                key.name.trim_end_matches('+')
            ));
            err.kind = ErrorKind::Merge;
            err.key_path = path.render();
            return Err(err);
        }
    };
    let in_variables = path
        .render()
        .is_some_and(|p| p.split('.').any(|part| part == "variables"));
    match &value.kind {
        NodeKind::Null => {}
        NodeKind::Seq(new) => items.extend(new.iter().cloned()),
        // Only variables have mapping items; elsewhere `key+: {…}` means a mapping key.
        NodeKind::Map(_) if !in_variables => {
            let name = key.name.trim_end_matches('+');
            let mut err = ConfigError::at(
                &key.span,
                format!("'{}' extends a list, but its value is a mapping", key.name),
            )
            .with_expected(format!("'{name}:' (without '+') to set or merge a mapping"));
            err.kind = ErrorKind::Merge;
            err.key_path = path.render();
            return Err(err);
        }
        NodeKind::Scalar(_) | NodeKind::Map(_) => items.push(value.clone()),
    }
    Ok(Node::synthetic(NodeKind::Seq(items), value.span.clone()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::load::load_str;
    use super::*;

    fn load(name: &str, text: &str) -> Node {
        load_str(Path::new(name), text).unwrap_or_else(|err| panic!("{err}"))
    }

    fn merged(base: &str, over: &str) -> Node {
        merge(&load("base.yaml", base), &load("over.yaml", over))
            .unwrap_or_else(|err| panic!("{err}"))
    }

    #[test]
    fn nested_mappings_merge_key_by_key() {
        let result = merged(
            "run: {cmds: [a], env: {A: '1', B: '2'}}\nsummary: base\n",
            "run:\n  env:\n    B: x\n    C: y\nbuild: {cmds: [make]}\n",
        );
        assert_eq!(
            result.to_string(),
            r#"{"run": {"cmds": ["a"], "env": {"A": "1", "B": "x", "C": "y"}}, "summary": "base", "build": {"cmds": ["make"]}}"#
        );
    }

    #[test]
    fn lists_and_scalars_are_replaced_wholesale() {
        let result = merged(
            "cmds: [a, b]\nx: 1\ny: {k: v}\n",
            "cmds: [c]\nx: [2]\ny: flat\n",
        );
        assert_eq!(
            result.to_string(),
            r#"{"cmds": ["c"], "x": ["2"], "y": "flat"}"#
        );
    }

    #[test]
    fn empty_upper_values_keep_the_lower_ones() {
        let result = merged("a: 1\nb: [x]\nc: {k: v}\n", "a:\nb: ~\nc:\nd:\ne: []\n");
        assert_eq!(
            result.to_string(),
            r#"{"a": "1", "b": ["x"], "c": {"k": "v"}, "d": null, "e": []}"#
        );
        let explicit_clear = merged("b: [x]\n", "b: []\n");
        assert_eq!(explicit_clear.to_string(), r#"{"b": []}"#);
    }

    #[test]
    fn plus_extends_lists_at_any_depth() {
        let result = merged(
            "run:\n  modules: [gcc]\n  env: {A: '1'}\nbuild: {cmds: make}\n",
            "run:\n  modules+: [fftw, mpi]\nbuild:\n  cmds+: make install\n  new+: [x]\n",
        );
        assert_eq!(
            result.to_string(),
            r#"{"run": {"modules": ["gcc", "fftw", "mpi"], "env": {"A": "1"}}, "build": {"cmds": ["make", "make install"], "new": ["x"]}}"#
        );
    }

    #[test]
    fn plus_without_a_lower_layer_just_sets_and_loses_the_plus() {
        let result = merged(
            "summary: s\n",
            "run:\n  modules+: [fftw]\n  env: {PATH+: /x}\n",
        );
        assert_eq!(
            result.to_string(),
            r#"{"summary": "s", "run": {"modules": ["fftw"], "env": {"PATH": ["/x"]}}}"#
        );
        assert_eq!(merged("a: [1]\n", "a+:\n").to_string(), r#"{"a": ["1"]}"#);
        assert_eq!(merged("{}", "a+:\n").to_string(), r#"{"a": []}"#);
        assert_eq!(merged("{}", "+: lone\n").to_string(), r#"{"+": "lone"}"#);
    }

    #[test]
    fn plain_key_then_plus_key_in_one_layer_apply_in_order() {
        let result = merged("cmds: [a]\n", "cmds: [b]\ncmds+: [c]\n");
        assert_eq!(result.to_string(), r#"{"cmds": ["b", "c"]}"#);
    }

    #[test]
    fn a_mapping_value_extends_only_variables() {
        let err = merge(
            &load("base.yaml", "{}"),
            &load("m.yaml", "run:\n  cmds+: {a: b}\n"),
        )
        .err()
        .map(|e| e.render())
        .unwrap_or_default();
        assert!(
            err.contains("'cmds+' extends a list, but its value is a mapping"),
            "{err}"
        );
        assert!(err.contains("m.yaml:2:3"), "{err}");
        let ok = merged("variables: {}\n", "variables:\n  x+: {a: b}\n");
        assert_eq!(ok.to_string(), r#"{"variables": {"x": [{"a": "b"}]}}"#);
    }

    #[test]
    fn extending_a_mapping_is_an_error_at_the_plus_key() {
        let err = merge(
            &load("base.yaml", "run:\n  env: {A: '1'}\n"),
            &load("mode.yaml", "run:\n  env+: {B: '2'}\n"),
        )
        .err();
        let rendered = err.map(|e| e.render()).unwrap_or_default();
        assert_eq!(
            rendered,
            "error: cannot extend 'env+' with '+': the earlier value is a mapping in 'run.env'\n\
             \x20--> mode.yaml:2:3\n\
             \x20 |\n\
             2 |   env+: {B: '2'}\n\
             \x20 |   ^^^^\n\
             \x20 = expected 'env:' to merge into the mapping\n"
        );
    }

    #[test]
    fn spans_follow_the_layer_each_value_came_from() {
        let result = merged(
            "run:\n  cmds: [a]\n  env: {A: '1'}\nsummary: s\n",
            "\n\nrun:\n  cmds+: [b]\n  env: {B: '2'}\n",
        );
        let run = result.get("run").unwrap_or_else(|| panic!("no run"));
        assert_eq!(run.span.location(), "over.yaml:4:3");
        let (cmds_key, cmds) = run.get_entry("cmds").unwrap_or_else(|| panic!("no cmds"));
        assert_eq!(cmds_key.span.location(), "over.yaml:4:3");
        assert_eq!(cmds_key.span.len, 5);
        let items: Vec<String> = cmds
            .as_seq()
            .unwrap_or_default()
            .iter()
            .map(|item| item.span.location())
            .collect();
        assert_eq!(items, ["base.yaml:2:10", "over.yaml:4:11"]);
        let env = run.get("env").unwrap_or_else(|| panic!("no env"));
        let a = env.get("A").map(|n| n.span.location());
        let b = env.get("B").map(|n| n.span.location());
        assert_eq!(a.as_deref(), Some("base.yaml:3:12"));
        assert_eq!(b.as_deref(), Some("over.yaml:5:12"));
        let summary = result.get_entry("summary").map(|(k, _)| k.span.location());
        assert_eq!(summary.as_deref(), Some("base.yaml:4:1"));
    }

    #[test]
    fn merging_onto_a_non_mapping_replaces_it() {
        assert_eq!(
            merged("a: x\n", "a: {b: c}\n").to_string(),
            r#"{"a": {"b": "c"}}"#
        );
        let base = load("b.yaml", "[1, 2]");
        let over = load("o.yaml", "k: v");
        let result = merge(&base, &over).map(|n| n.to_string()).ok();
        assert_eq!(result.as_deref(), Some(r#"{"k": "v"}"#));
    }
}

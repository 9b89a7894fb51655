//! Layering `variables:` mappings (CONFIG.md §6.2). Variables do not merge like other keys:
//! `name?` gives a default (or, empty, makes the variable required), `name+` appends items, and
//! a plain `name` replaces the items while sub-key defaults set earlier stay in force.
//!
//! The merged mapping keeps the two things a later layer may still change apart: `name` holds
//! the real items (always a list) and `name?` the default (a list of plain items, a mapping of
//! sub-key defaults, or null for "required"). Which one wins, and the filling-in of sub-key
//! defaults, is decided only once every layer is merged (`resolve::vars::parse_variables`).
//! Every item keeps the span of the layer that wrote it, which is how `show vars` tells where a
//! value came from.

use crate::config::yaml::{ConfigError, ErrorKind, Key, Node, NodeKind, Span};

/// The merged state of one variable.
#[derive(Default)]
struct Var {
    /// The real items and the key that set them last (`None` = not set by any layer yet).
    real: Option<(Key, Node)>,
    /// The default and the key that set it.
    default: Option<(Key, Node)>,
}

/// Merges the `variables` mapping `over` onto the already merged `base` (`None` for the first
/// layer). Applying the result to itself again changes nothing, so it also normalises a single
/// unmerged layer.
pub fn merge_variables(base: Option<&Node>, over: &Node) -> Result<Node, ConfigError> {
    let over_entries = match &over.kind {
        NodeKind::Map(m) => m.as_slice(),
        NodeKind::Null => return Ok(base.cloned().unwrap_or_else(|| over.clone())),
        _ => {
            return Err(merge_error(
                ConfigError::at(&over.span, "'variables' must be a mapping")
                    .with_path("variables")
                    .with_expected("a mapping of variable names to values"),
            ))
        }
    };
    let mut order: Vec<String> = Vec::new();
    let mut vars: std::collections::HashMap<String, Var> = std::collections::HashMap::new();
    if let Some(base) = base {
        // The base is already merged, but a base that was never merged (an override adding
        // `name+`) is read with the same rules as an upper layer.
        apply_layer(&mut order, &mut vars, base.entries())?;
    }
    apply_layer(&mut order, &mut vars, over_entries)?;
    let mut out = Vec::new();
    for name in order {
        let Some(v) = vars.remove(&name) else {
            continue;
        };
        if let Some((k, d)) = v.default {
            out.push((Key::new(format!("{name}?"), k.span), d));
        }
        if let Some((k, r)) = v.real {
            out.push((Key::new(name.clone(), k.span), r));
        }
    }
    Ok(Node::synthetic(NodeKind::Map(out), over.span.clone()))
}

fn merge_error(mut e: ConfigError) -> ConfigError {
    e.kind = ErrorKind::Merge;
    e
}

/// A merge error at sub-key `k` of the variable at `path`, expecting one of the sub-keys of
/// `defs`.
fn subkey_error(k: &Key, path: &str, message: String, defs: &[(Key, Node)]) -> ConfigError {
    let known: Vec<&str> = defs.iter().map(|(d, _)| d.name.as_str()).collect();
    merge_error(
        ConfigError::at(&k.span, message)
            .with_path(format!("{path}.{}", k.name))
            .with_expected(format!("one of: {}", known.join(", "))),
    )
}

/// Applies one layer: plain keys first, then `?` defaults, then `+` appends, so the order of
/// keys inside one file does not matter.
fn apply_layer(
    order: &mut Vec<String>,
    vars: &mut std::collections::HashMap<String, Var>,
    entries: &[(Key, Node)],
) -> Result<(), ConfigError> {
    for (key, _) in entries {
        let (name, _) = split_suffix(&key.name);
        if !vars.contains_key(name) {
            order.push(name.to_string());
            vars.insert(name.to_string(), Var::default());
        }
    }
    for pass in ['=', '?', '+'] {
        for (key, value) in entries {
            let (name, kind) = split_suffix(&key.name);
            if kind != pass {
                continue;
            }
            let var = vars.entry(name.to_string()).or_default();
            let path = format!("variables.{}", key.name);
            match kind {
                '?' => set_default(var, key, value, &path)?,
                '+' => append(var, key, value, &path)?,
                _ => set_real(var, key, value, &path)?,
            }
        }
    }
    Ok(())
}

/// `name?` → (`name`, '?'), `name+` → (`name`, '+'), else (`name`, '=').
pub(crate) fn split_suffix(key: &str) -> (&str, char) {
    match key.strip_suffix('?') {
        Some(n) if !n.is_empty() => (n, '?'),
        _ => match key.strip_suffix('+') {
            Some(n) if !n.is_empty() => (n, '+'),
            _ => (key, '='),
        },
    }
}

/// The items of a value: a list is its items, anything else one item.
fn items_of(n: &Node) -> Vec<Node> {
    match &n.kind {
        NodeKind::Seq(items) => items.clone(),
        NodeKind::Null => Vec::new(),
        _ => vec![n.clone()],
    }
}

fn as_list(items: Vec<Node>, span: &Span) -> Node {
    Node::synthetic(NodeKind::Seq(items), span.clone())
}

/// The sub-key defaults of a default value: a mapping, or a list holding one mapping.
fn subkey_defaults(d: &Node) -> Option<&[(Key, Node)]> {
    match &d.kind {
        NodeKind::Map(m) => Some(m),
        NodeKind::Seq(items) if items.len() == 1 => match &items[0].kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        },
        _ => None,
    }
}

fn set_real(var: &mut Var, key: &Key, value: &Node, path: &str) -> Result<(), ConfigError> {
    if value.is_null() && var.real.is_some() {
        // An empty value means "not given here" (as for every other key).
        return Ok(());
    }
    if let Some(defs) = var.default.as_ref().and_then(|(_, d)| subkey_defaults(d)) {
        for (i, item) in items_of(value).iter().enumerate() {
            let NodeKind::Map(m) = &item.kind else {
                return Err(merge_error(
                    ConfigError::at(
                        &item.span,
                        "items of mixed shape: this variable has sub-key defaults, but this item is a plain value",
                    )
                    .with_path(format!("{path}.{i}"))
                    .with_expected("a mapping of sub-keys"),
                ));
            };
            if let Some((k, _)) = m
                .iter()
                .find(|(k, _)| !defs.iter().any(|(d, _)| d.name == k.name))
            {
                return Err(subkey_error(
                    k,
                    path,
                    format!(
                        "sub-key '{}' is not one of the sub-keys given defaults earlier",
                        k.name
                    ),
                    defs,
                ));
            }
        }
    }
    let list = match &value.kind {
        NodeKind::Null => value.clone(),
        _ => as_list(items_of(value), &value.span),
    };
    var.real = Some((key.clone(), list));
    Ok(())
}

fn set_default(var: &mut Var, key: &Key, value: &Node, path: &str) -> Result<(), ConfigError> {
    if value.is_null() {
        // Required; an earlier default already satisfies the requirement.
        if var.default.is_none() {
            var.default = Some((key.clone(), value.clone()));
        }
        return Ok(());
    }
    let Some(new_defs) = subkey_defaults(value) else {
        var.default = Some((key.clone(), as_list(items_of(value), &value.span)));
        return Ok(());
    };
    if let Some((_, real)) = &var.real {
        if let Some(plain) = items_of(real).iter().find(|i| !i.is_map()) {
            return Err(merge_error(
                ConfigError::at(
                    &value.span,
                    "items of mixed shape: sub-key defaults given for a variable whose items are plain values",
                )
                .with_path(path.to_string())
                .with_detail(format!("plain item at {}", plain.span.location())),
            ));
        }
    }
    let merged = match var.default.as_ref().and_then(|(_, d)| subkey_defaults(d)) {
        Some(old) => {
            let mut out: Vec<(Key, Node)> = old.to_vec();
            for (k, v) in new_defs {
                match out.iter_mut().find(|(o, _)| o.name == k.name) {
                    Some(slot) => *slot = (k.clone(), v.clone()),
                    None => {
                        return Err(subkey_error(
                            k,
                            path,
                            format!(
                                "new default sub-key '{}' after sub-key defaults were already given",
                                k.name
                            ),
                            old,
                        ));
                    }
                }
            }
            out
        }
        None => new_defs.to_vec(),
    };
    var.default = Some((
        key.clone(),
        Node::synthetic(NodeKind::Map(merged), value.span.clone()),
    ));
    Ok(())
}

fn append(var: &mut Var, key: &Key, value: &Node, path: &str) -> Result<(), ConfigError> {
    let new = items_of(value);
    if new.is_empty() {
        return Err(merge_error(
            ConfigError::at(
                &key.span,
                format!("'{}' must append at least one item", key.name),
            )
            .with_path(path.to_string())
            .with_expected("one or more items to append"),
        ));
    }
    // `+` extends the value the variable has so far: its real items, else its default.
    let mut items = match (&var.real, &var.default) {
        (Some((_, r)), _) if !r.is_null() => items_of(r),
        (_, Some((_, d))) if !d.is_null() => match &d.kind {
            NodeKind::Map(_) => vec![d.clone()],
            _ => items_of(d),
        },
        _ => Vec::new(),
    };
    items.extend(new);
    var.real = Some((key.clone(), as_list(items, &value.span)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::load_str;
    use std::path::Path;

    fn load(name: &str, text: &str) -> Node {
        load_str(Path::new(name), text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn layers(texts: &[&str]) -> Result<Node, ConfigError> {
        let mut acc: Option<Node> = None;
        for (i, t) in texts.iter().enumerate() {
            let n = load(&format!("l{i}.yaml"), t);
            acc = Some(merge_variables(acc.as_ref(), &n)?);
        }
        acc.ok_or_else(|| ConfigError::plain("no layers"))
    }

    fn show(texts: &[&str]) -> String {
        layers(texts)
            .map(|n| n.to_string())
            .unwrap_or_else(|e| e.render())
    }

    #[test]
    fn plain_replaces_and_defaults_stay_apart() {
        assert_eq!(
            show(&["a: 1\nb?: x\n", "a: [2, 3]\n"]),
            r#"{"a": ["2", "3"], "b?": ["x"]}"#
        );
        assert_eq!(show(&["a?: 1\n", "a?: 2\n"]), r#"{"a?": ["2"]}"#);
        assert_eq!(show(&["a: 1\n", "a:\n"]), r#"{"a": ["1"]}"#);
    }

    #[test]
    fn append_extends_real_items_else_the_default() {
        assert_eq!(
            show(&["a: [1]\n", "a+: [2, 3]\n"]),
            r#"{"a": ["1", "2", "3"]}"#
        );
        assert_eq!(
            show(&["a?: [d]\n", "a+: x\n"]),
            r#"{"a?": ["d"], "a": ["d", "x"]}"#
        );
        assert_eq!(show(&["a+: x\n"]), r#"{"a": ["x"]}"#);
        // Inside one layer the key order does not matter: plain, then defaults, then appends.
        assert_eq!(show(&["a+: z\na: y\n"]), r#"{"a": ["y", "z"]}"#);
        assert!(show(&["a: [1]\n", "a+: []\n"]).contains("'a+' must append at least one item"));
    }

    #[test]
    fn empty_default_is_required_and_keeps_an_earlier_default() {
        assert_eq!(show(&["a?:\n"]), r#"{"a?": null}"#);
        assert_eq!(show(&["a?: 4\n", "a?:\n"]), r#"{"a?": ["4"]}"#);
    }

    #[test]
    fn subkey_defaults_merge_and_guard_their_keys() {
        assert_eq!(
            show(&["m?: {a: 1, b: 2}\n", "m?: {b: 3}\n"]),
            r#"{"m?": {"a": "1", "b": "3"}}"#
        );
        let e = show(&["m?: {a: 1}\n", "m?: {c: 3}\n"]);
        assert!(e.contains("new default sub-key 'c'"), "{e}");
        assert!(e.contains("l1.yaml:1:6"), "{e}");
        let e = show(&["m?: {a: 1}\n", "m: {a: 2, z: 1}\n"]);
        assert!(
            e.contains("sub-key 'z' is not one of the sub-keys given defaults earlier"),
            "{e}"
        );
        let e = show(&["m?: {a: 1}\n", "m: plain\n"]);
        assert!(e.contains("items of mixed shape"), "{e}");
        let e = show(&["m: [x]\n", "m?: {a: 1}\n"]);
        assert!(e.contains("items of mixed shape"), "{e}");
    }

    #[test]
    fn merging_is_idempotent() {
        let once = layers(&["a?: 1\nb+: [x]\nm?: {k: v}\nm: [{k: w}]\n"])
            .unwrap_or_else(|e| panic!("{e}"));
        let twice = merge_variables(
            Some(&once),
            &Node::synthetic(NodeKind::Map(Vec::new()), once.span.clone()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(once.to_string(), twice.to_string());
    }

    #[test]
    fn items_keep_the_span_of_their_layer() {
        let n = layers(&["a: [1]\n", "\na+: [2]\n"]).unwrap_or_else(|e| panic!("{e}"));
        let locs: Vec<String> = n
            .get("a")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .map(|i| i.span.location())
            .collect();
        assert_eq!(locs, ["l0.yaml:1:5", "l1.yaml:2:6"]);
    }
}

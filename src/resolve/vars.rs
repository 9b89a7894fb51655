//! Variable sets (CONFIG.md §6): `var` (test variables), `sys`, `pav` and `sched`, looked up in
//! that order for unqualified names. Test variables may reference other variables; they are
//! resolved on demand with loop detection. A variable is *deferred* when its value is known only
//! inside the allocation, directly or through a reference.

use super::facts::Fact;
use crate::config::yaml::{ConfigError, Node, NodeKind, Span};
use crate::expr::{ExprError, Resolver, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One item of a variable: a string or a mapping of sub-keys.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Item {
    Str(String),
    Map(BTreeMap<String, String>),
}

impl Item {
    /// The item as an expression value (mappings of strings stay mappings).
    pub fn to_value(&self) -> Value {
        match self {
            Item::Str(s) => Value::Str(s.clone()),
            Item::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
                    .collect(),
            ),
        }
    }

    /// An expression value as an item: mappings by sub-key, everything else as text.
    pub fn from_value(v: &Value) -> Item {
        match v {
            Value::Map(m) => Item::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.to_text().unwrap_or_default()))
                    .collect(),
            ),
            other => Item::Str(other.to_text().unwrap_or_default()),
        }
    }
}

pub const SETS: [&str; 4] = ["var", "sys", "pav", "sched"];

/// All variable sets of one test. Clones share nothing (every setter clears the cache).
#[derive(Debug, Default, Clone)]
pub struct VarSets {
    /// Shared between the permutations of a test: a set is copied only when one changes it.
    sets: BTreeMap<&'static str, Arc<BTreeMap<String, Vec<Item>>>>,
    /// `set.name` of variables that are deferred by nature (sys host facts, sched deferred vars).
    deferred_base: BTreeSet<String>,
    /// Resolved values by set, then name (looked up without building a key).
    cache: RefCell<BTreeMap<&'static str, BTreeMap<String, Vec<Value>>>>,
    /// `set.name` (and bare `name` for unqualified lookups) → whether it reaches a deferred
    /// value: every config string asks.
    deferred_cache: RefCell<BTreeMap<String, bool>>,
    stack: RefCell<Vec<String>>,
}

/// Facts as variable items (one item each).
pub fn fact_items(facts: BTreeMap<String, Fact>) -> BTreeMap<String, Vec<Item>> {
    facts
        .into_iter()
        .map(|(k, f)| {
            let item = match f {
                Fact::Str(s) => Item::Str(s),
                Fact::Map(m) => Item::Map(m),
            };
            (k, vec![item])
        })
        .collect()
}

fn set_index(set: &str) -> Option<&'static str> {
    SETS.iter().copied().find(|s| *s == set)
}

impl VarSets {
    pub fn new() -> Self {
        let mut sets = BTreeMap::new();
        for s in SETS {
            sets.insert(s, Arc::new(BTreeMap::new()));
        }
        VarSets {
            sets,
            ..Default::default()
        }
    }

    /// Replaces one whole set.
    pub fn set_all(&mut self, set: &'static str, vars: BTreeMap<String, Vec<Item>>) {
        self.set_shared(set, Arc::new(vars));
    }

    /// Replaces one whole set with a shared one (no copy).
    pub fn set_shared(&mut self, set: &'static str, vars: Arc<BTreeMap<String, Vec<Item>>>) {
        self.sets.insert(set, vars);
        self.cache.borrow_mut().clear();
        self.deferred_cache.borrow_mut().clear();
    }

    /// Sets one variable.
    pub fn insert(&mut self, set: &'static str, name: &str, items: Vec<Item>) {
        Arc::make_mut(self.sets.entry(set).or_default()).insert(name.to_string(), items);
        self.cache.borrow_mut().clear();
        self.deferred_cache.borrow_mut().clear();
    }

    pub fn facts(&mut self, set: &'static str, facts: BTreeMap<String, Fact>) {
        self.set_all(set, fact_items(facts));
    }

    pub fn mark_deferred(&mut self, set: &str, name: &str) {
        self.deferred_base.insert(format!("{set}.{name}"));
        self.deferred_cache.borrow_mut().clear();
    }

    pub fn clear_deferred(&mut self) {
        self.deferred_base.clear();
        self.cache.borrow_mut().clear();
        self.deferred_cache.borrow_mut().clear();
    }

    pub fn raw(&self, set: &str) -> Option<&BTreeMap<String, Vec<Item>>> {
        self.sets.get(set).map(|m| &**m)
    }

    /// Which set an (optionally qualified) name lives in.
    pub fn locate(&self, set: Option<&str>, name: &str) -> Option<&'static str> {
        match set {
            Some(s) => {
                set_index(s).filter(|s| self.sets.get(s).is_some_and(|m| m.contains_key(name)))
            }
            None => SETS
                .iter()
                .copied()
                .find(|s| self.sets.get(s).is_some_and(|m| m.contains_key(name))),
        }
    }

    /// Whether a reference reaches a deferred value (directly or through test variables).
    pub fn is_deferred(&self, set: Option<&str>, name: &str) -> bool {
        // Fast path without allocating: unqualified names are cached under the bare name.
        if set.is_none() {
            if let Some(d) = self.deferred_cache.borrow().get(name) {
                return *d;
            }
        }
        let d = self.deferred_inner(set, name, &mut Vec::new());
        if set.is_none() {
            self.deferred_cache.borrow_mut().insert(name.to_string(), d);
        }
        d
    }

    /// Memoised per variable: every config string asks about the same few variables. A
    /// variable inside a reference loop is not deferred through the loop itself (the loop is
    /// reported when it is resolved).
    fn deferred_inner(&self, set: Option<&str>, name: &str, seen: &mut Vec<String>) -> bool {
        let Some(s) = self.locate(set, name) else {
            return false;
        };
        let key = format!("{s}.{name}");
        if let Some(d) = self.deferred_cache.borrow().get(&key) {
            return *d;
        }
        if self.deferred_base.contains(&key) {
            return true;
        }
        if s != "var" || seen.contains(&key) {
            return false;
        }
        seen.push(key.clone());
        let texts: Vec<&String> = self
            .sets
            .get("var")
            .and_then(|m| m.get(name))
            .map(|items| {
                items
                    .iter()
                    .flat_map(|it| match it {
                        Item::Str(s) => vec![s],
                        Item::Map(m) => m.values().collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let deferred = texts.into_iter().any(|t| {
            super::strings::parse_cached(t)
                .map(|tpl| {
                    tpl.refs()
                        .iter()
                        .any(|r| self.deferred_inner(r.set.as_deref(), &r.name, seen))
                })
                .unwrap_or(false)
        });
        seen.pop();
        self.deferred_cache.borrow_mut().insert(key, deferred);
        deferred
    }

    /// The resolved items of a variable, as texts (for results and `show vars`).
    pub fn resolved(&self, set: &str, name: &str) -> Result<Vec<Value>, ExprError> {
        self.items(Some(set), name)
    }
}

impl Resolver for VarSets {
    fn items(&self, set: Option<&str>, name: &str) -> Result<Vec<Value>, ExprError> {
        let Some(s) = self.locate(set, name) else {
            let msg = match set {
                Some(st) if set_index(st).is_none() => {
                    format!("unknown variable set '{st}' (known: var, sys, pav, sched)")
                }
                Some(st) => {
                    format!("could not find a variable named '{name}' in the '{st}' variable set")
                }
                None => format!("could not find a variable named '{name}' in any variable set"),
            };
            return Err(ExprError::new(msg));
        };
        if let Some(v) = self.cache.borrow().get(s).and_then(|m| m.get(name)) {
            return Ok(v.clone());
        }
        let remember = |vals: &Vec<Value>| {
            self.cache
                .borrow_mut()
                .entry(s)
                .or_default()
                .insert(name.to_string(), vals.clone());
        };
        let items: &[Item] = self
            .sets
            .get(s)
            .and_then(|m| m.get(name))
            .map(Vec::as_slice)
            .unwrap_or_default();
        if s != "var" {
            let vals = items.iter().map(Item::to_value).collect::<Vec<_>>();
            remember(&vals);
            return Ok(vals);
        }
        let key = format!("{s}.{name}");
        if self.stack.borrow().contains(&key) {
            let mut cycle: Vec<String> = self.stack.borrow().clone();
            cycle.push(key);
            return Err(ExprError::new(format!(
                "reference loop in variables: {}",
                cycle.join(" → ")
            )));
        }
        self.stack.borrow_mut().push(key.clone());
        let out = items
            .iter()
            .map(|it| match it {
                Item::Str(t) => render_text(t, self).map(Value::Str),
                Item::Map(m) => m
                    .iter()
                    .map(|(k, t)| render_text(t, self).map(|v| (k.clone(), Value::Str(v))))
                    .collect::<Result<BTreeMap<_, _>, _>>()
                    .map(Value::Map),
            })
            .collect::<Result<Vec<_>, _>>();
        self.stack.borrow_mut().pop();
        // Only the innermost variable names the context; a loop already names every variable.
        let out = out.map_err(|e| {
            if e.message.starts_with("in variable '") || e.message.starts_with("reference loop") {
                e
            } else {
                ExprError::new(format!("in variable '{name}': {}", e.message))
            }
        })?;
        remember(&out);
        Ok(out)
    }
}

fn render_text(t: &str, r: &dyn Resolver) -> Result<String, ExprError> {
    let tpl = super::strings::parse_cached(t)?;
    if tpl.is_literal() {
        return Ok(t.to_string());
    }
    tpl.render(r)
}

fn valid_var_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic())
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.kind {
        NodeKind::Scalar(s) => Some(s.clone()),
        NodeKind::Null => Some(String::new()),
        _ => None,
    }
}

fn node_items(n: &Node, path: &str) -> Result<Vec<Item>, ConfigError> {
    let map_item = |m: &Vec<(crate::config::yaml::Key, Node)>| -> Result<Item, ConfigError> {
        let mut out = BTreeMap::new();
        for (k, v) in m {
            if !valid_var_name(&k.name) {
                return Err(
                    ConfigError::at(&k.span, format!("invalid sub-key name '{}'", k.name))
                        .with_path(path.to_string())
                        .with_expected("a letter followed by letters, digits or '_'"),
                );
            }
            let t = scalar_text(v).ok_or_else(|| {
                ConfigError::at(
                    &v.span,
                    format!("sub-key '{}' must be a single value", k.name),
                )
                .with_path(format!("{path}.{}", k.name))
            })?;
            out.insert(k.name.clone(), t);
        }
        Ok(Item::Map(out))
    };
    Ok(match &n.kind {
        NodeKind::Null => Vec::new(),
        NodeKind::Scalar(s) => vec![Item::Str(s.clone())],
        NodeKind::Map(m) => vec![map_item(m)?],
        NodeKind::Seq(items) => {
            let mut out = Vec::new();
            for (i, it) in items.iter().enumerate() {
                out.push(match &it.kind {
                    NodeKind::Scalar(s) => Item::Str(s.clone()),
                    NodeKind::Null => Item::Str(String::new()),
                    NodeKind::Map(m) => map_item(m)?,
                    NodeKind::Seq(_) => {
                        return Err(
                            ConfigError::at(&it.span, "a variable item cannot be a list")
                                .with_path(format!("{path}.{i}"))
                                .with_expected("a string or a mapping of sub-keys"),
                        )
                    }
                });
            }
            out
        }
    })
}

/// Reads the merged `variables:` of a test (§6.1–§6.2): real items win over defaults, sub-key
/// defaults fill every mapping item, a variable nobody gave a value is an error, and all items of
/// a variable must have the same shape and sub-keys. Works on one unmerged layer too.
pub fn parse_variables(
    node: Option<&Node>,
    test: &str,
) -> Result<BTreeMap<String, Vec<Item>>, ConfigError> {
    let mut out = BTreeMap::new();
    for v in merged_vars(node, test)? {
        let path = format!("{test}.variables.{}", v.name);
        let (value, from_default) = match (v.real, v.default) {
            (Some((_, r)), _) if !r.is_null() => (r, false),
            (_, Some((_, d))) if !d.is_null() => (d, true),
            (real, default) => {
                let key = real.or(default).map(|(k, _)| k);
                let span = key
                    .map(|k| k.span)
                    .unwrap_or_else(|| Span::synthetic("<variables>"));
                return Err(ConfigError::at(
                    &span,
                    format!("variable '{}' was defined but wasn't given a value", v.name),
                )
                .with_path(path)
                .with_expected(
                    "a value from this or a later layer (host, mode, child test or -c)",
                ));
            }
        };
        let mut items = node_items(&value, &path)?;
        if !from_default {
            if let Some(Item::Map(defs)) = v.subkey_defaults.as_ref() {
                for it in items.iter_mut() {
                    if let Item::Map(m) = it {
                        for (k, d) in defs {
                            m.entry(k.clone()).or_insert_with(|| d.clone());
                        }
                    }
                }
            }
        }
        check_consistent(&items, &value, &path)?;
        out.insert(v.name, items);
    }
    Ok(out)
}

/// One variable of a merged `variables:` mapping.
struct MergedVar {
    name: String,
    real: Option<(crate::config::yaml::Key, Node)>,
    default: Option<(crate::config::yaml::Key, Node)>,
    subkey_defaults: Option<Item>,
}

fn merged_vars(node: Option<&Node>, test: &str) -> Result<Vec<MergedVar>, ConfigError> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let merged = crate::config::yaml::merge_variables(None, node)
        .map_err(|e| crate::config::suite::in_test(e, test))?;
    let mut out: Vec<MergedVar> = Vec::new();
    for (k, v) in merged.entries() {
        let (name, is_default) = match k.name.strip_suffix('?') {
            Some(n) => (n, true),
            None => (k.name.as_str(), false),
        };
        if !valid_var_name(name) {
            return Err(ConfigError::at(&k.span, format!("invalid variable name '{}'", k.name))
                .with_path(format!("{test}.variables.{}", k.name))
                .with_expected("a letter followed by letters, digits or '_', optionally ending in '?' or '+'"));
        }
        let i = match out.iter().position(|m| m.name == name) {
            Some(i) => i,
            None => {
                out.push(MergedVar {
                    name: name.to_string(),
                    real: None,
                    default: None,
                    subkey_defaults: None,
                });
                out.len() - 1
            }
        };
        if is_default {
            if let NodeKind::Map(_) = &v.kind {
                let path = format!("{test}.variables.{name}");
                out[i].subkey_defaults = node_items(v, &path)?.into_iter().next();
            }
            out[i].default = Some((k.clone(), v.clone()));
        } else {
            out[i].real = Some((k.clone(), v.clone()));
        }
    }
    Ok(out)
}

/// All items plain, or all mappings with the same sub-keys (§6.1).
fn check_consistent(items: &[Item], node: &Node, path: &str) -> Result<(), ConfigError> {
    let keys = |it: &Item| match it {
        Item::Str(_) => None,
        Item::Map(m) => Some(m.keys().cloned().collect::<Vec<_>>()),
    };
    let Some(first) = items.first() else {
        return Ok(());
    };
    let want = keys(first);
    for (i, it) in items.iter().enumerate().skip(1) {
        let have = keys(it);
        if have == want {
            continue;
        }
        let span = node
            .as_seq()
            .and_then(|s| s.get(i))
            .map(|n| n.span.clone())
            .unwrap_or_else(|| node.span.clone());
        let shape = |k: &Option<Vec<String>>| match k {
            None => "a plain value".to_string(),
            Some(k) => format!("sub-keys [{}]", k.join(", ")),
        };
        return Err(ConfigError::at(
            &span,
            format!(
                "items of mixed shape: item {i} has {}, item 0 has {}",
                shape(&have),
                shape(&want)
            ),
        )
        .with_path(format!("{path}.{i}"))
        .with_expected("every item of a variable with the same shape and sub-keys"));
    }
    Ok(())
}

/// One layer a variable's value came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Place {
    /// `suite`, `host`, `os`, `mode` or `override` (from the directory of the file).
    pub layer: &'static str,
    /// The file and line of the value.
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}:{}", self.layer, self.file, self.line)
    }
}

/// Where a test variable's value was written (for `show vars`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VarOrigin {
    /// The distinct places its items came from, in item order.
    pub places: Vec<Place>,
    /// Whether the value is a `name?` default (nobody gave a real value).
    pub default: bool,
}

impl std::fmt::Display for VarOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let places: Vec<String> = self.places.iter().map(Place::to_string).collect();
        write!(f, "{}", places.join(", "))?;
        if self.default {
            write!(f, " (default)")?;
        }
        Ok(())
    }
}

/// The layer kind of a config file, from the directory it is in (CONFIG.md §1.2).
fn layer_of(path: &std::path::Path) -> &'static str {
    if path.to_string_lossy().starts_with("<-c") {
        return "override";
    }
    let dir = path
        .parent()
        .and_then(|d| d.file_name())
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    match dir.as_str() {
        "hosts" => "host",
        "modes" => "mode",
        "os" => "os",
        _ => "suite",
    }
}

/// Where each variable's value was written: the layers its items came from, or of its default.
pub fn variable_origins(node: Option<&Node>) -> BTreeMap<String, VarOrigin> {
    let mut out = BTreeMap::new();
    let Ok(vars) = merged_vars(node, "") else {
        return out;
    };
    for v in vars {
        let (n, default) = match (&v.real, &v.default) {
            (Some((_, r)), _) if !r.is_null() => (r, false),
            (_, Some((_, d))) if !d.is_null() => (d, true),
            _ => continue,
        };
        let spans: Vec<&Span> = match &n.kind {
            NodeKind::Seq(items) if !items.is_empty() => items.iter().map(|i| &i.span).collect(),
            _ => vec![&n.span],
        };
        let mut places: Vec<Place> = Vec::new();
        for s in spans {
            let p = Place {
                layer: layer_of(s.path()),
                file: s.path().display().to_string(),
                line: s.line,
            };
            if !places.contains(&p) {
                places.push(p);
            }
        }
        out.insert(v.name, VarOrigin { places, default });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::{load_str, merge};
    use std::path::Path;

    fn layered(texts: &[&str]) -> Result<BTreeMap<String, Vec<Item>>, ConfigError> {
        let mut acc = Node::synthetic(NodeKind::Map(Vec::new()), Span::synthetic("<t>"));
        for (i, t) in texts.iter().enumerate() {
            let n = load_str(
                Path::new(&format!("l{i}.yaml")),
                &format!("variables:\n{t}"),
            )?;
            acc = merge(&acc, &n)?;
        }
        parse_variables(acc.get("variables"), "s.t")
    }

    fn strs(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Str(s) => s.clone(),
                Item::Map(m) => format!("{m:?}"),
            })
            .collect()
    }

    fn get(texts: &[&str], name: &str) -> Vec<String> {
        let v = layered(texts).unwrap_or_else(|e| panic!("{}", e.render()));
        strs(v.get(name).map(Vec::as_slice).unwrap_or_default())
    }

    fn err(texts: &[&str]) -> String {
        match layered(texts) {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e.render(),
        }
    }

    #[test]
    fn definition_forms() {
        let v = layered(&["  c: gcc\n  s: [64, 128]\n  m: {name: ompi, ver: '4.1'}\n  t:\n    - {h: a}\n    - {h: b}\n"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(strs(&v["c"]), ["gcc"]);
        assert_eq!(strs(&v["s"]), ["64", "128"]);
        assert_eq!(strs(&v["m"]), [r#"{"name": "ompi", "ver": "4.1"}"#]);
        assert_eq!(strs(&v["t"]), [r#"{"h": "a"}"#, r#"{"h": "b"}"#]);
    }

    #[test]
    fn defaults_lose_to_real_values_in_any_layer_order() {
        assert_eq!(get(&["  a?: d\n", "  a: r\n"], "a"), ["r"]);
        assert_eq!(get(&["  a: r\n", "  a?: d\n"], "a"), ["r"]);
        assert_eq!(get(&["  a?: d\n", "  a?: e\n"], "a"), ["e"]);
        assert_eq!(get(&["  a?: [1, 2]\n", "  a+: 3\n"], "a"), ["1", "2", "3"]);
        assert_eq!(
            get(&["  a: [1]\n", "  a+: [2]\n", "  a: [9]\n"], "a"),
            ["9"]
        );
    }

    #[test]
    fn required_variables() {
        let e = err(&["  a?:\n"]);
        assert!(
            e.contains("variable 'a' was defined but wasn't given a value"),
            "{e}"
        );
        assert!(e.contains("l0.yaml:2:3"), "{e}");
        assert!(e.contains("s.t.variables.a"), "{e}");
        assert_eq!(get(&["  a?:\n", "  a: set\n"], "a"), ["set"]);
        assert_eq!(get(&["  a?:\n", "  a+: x\n"], "a"), ["x"]);
        assert!(err(&["  a:\n"]).contains("wasn't given a value"));
    }

    #[test]
    fn subkey_defaults_fill_every_item() {
        let v = get(
            &[
                "  m?: {a: A, b: B}\n",
                "  m: [{a: 1}, {b: 2}]\n",
                "  m+: {a: 3, b: 4}\n",
            ],
            "m",
        );
        assert_eq!(
            v,
            [
                r#"{"a": "1", "b": "B"}"#,
                r#"{"a": "A", "b": "2"}"#,
                r#"{"a": "3", "b": "4"}"#
            ]
        );
        // The defaults alone are the value when nobody sets one.
        assert_eq!(get(&["  m?: {a: A}\n"], "m"), [r#"{"a": "A"}"#]);
        // Later defaults change earlier ones, also for items set before them.
        assert_eq!(
            get(&["  m: {a: 1}\n  m?: {b: B}\n", "  m?: {b: C}\n"], "m"),
            [r#"{"a": "1", "b": "C"}"#]
        );
    }

    #[test]
    fn inconsistent_items_are_errors() {
        let e = err(&["  t: [{a: 1}, {b: 2}]\n"]);
        assert!(
            e.contains("item 1 has sub-keys [b], item 0 has sub-keys [a]"),
            "{e}"
        );
        assert!(e.contains("l0.yaml:2:15"), "{e}");
        assert!(err(&["  t: [x, {b: 2}]\n"]).contains("items of mixed shape"));
        assert!(err(&["  t: [{a: 1}]\n", "  t+: [x]\n"]).contains("item 1 has a plain value"));
        assert!(err(&["  1x: a\n"]).contains("invalid variable name '1x'"));
    }

    #[test]
    fn references_resolve_and_loops_are_named() {
        let mut vs = VarSets::new();
        let v = layered(&["  a: '{{b}}-{{c.1}}'\n  b: B\n  c: [x, y]\n  l1: '{{l2}}'\n  l2: '{{l3}}'\n  l3: '{{l1}}'\n"])
            .unwrap_or_else(|e| panic!("{e}"));
        vs.set_all("var", v);
        assert_eq!(
            vs.resolved("var", "a").ok(),
            Some(vec![Value::Str("B-y".into())])
        );
        let e = vs
            .resolved("var", "l1")
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(
            e.contains("reference loop in variables: var.l1 → var.l2 → var.l3 → var.l1"),
            "{e}"
        );
    }

    #[test]
    fn origins_name_each_layer() {
        let mut acc = Node::synthetic(NodeKind::Map(Vec::new()), Span::synthetic("<t>"));
        for (i, t) in [
            "variables:\n  a: [1]\n  d?: x\n",
            "\nvariables:\n  a+: [2]\n",
        ]
        .iter()
        .enumerate()
        {
            let n = load_str(Path::new(&format!("l{i}.yaml")), t).unwrap_or_else(|e| panic!("{e}"));
            acc = merge(&acc, &n).unwrap_or_else(|e| panic!("{e}"));
        }
        let o = variable_origins(acc.get("variables"));
        let text = |k: &str| o.get(k).map(|o| o.to_string()).unwrap_or_default();
        assert_eq!(text("a"), "suite l0.yaml:2, suite l1.yaml:3");
        assert_eq!(text("d"), "suite l0.yaml:3 (default)");
        assert_eq!(layer_of(Path::new("/x/hosts/h.yaml")), "host");
        assert_eq!(layer_of(Path::new("/x/modes/m.yaml")), "mode");
        assert_eq!(layer_of(Path::new("/x/os/o.yaml")), "os");
        assert_eq!(layer_of(Path::new("<-c variables.a>")), "override");
    }
}

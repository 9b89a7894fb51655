//! Variable sets (CONFIG.md §6): `var` (test variables), `sys`, `pav` and `sched`, looked up in
//! that order for unqualified names. Test variables may reference other variables; they are
//! resolved on demand with loop detection. A variable is *deferred* when its value is known only
//! inside the allocation, directly or through a reference.

use super::facts::Fact;
use crate::config::yaml::{ConfigError, Node, NodeKind, Span};
use crate::expr::{ExprError, Resolver, Template, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

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

/// All variable sets of one test.
#[derive(Debug, Default)]
pub struct VarSets {
    sets: BTreeMap<&'static str, BTreeMap<String, Vec<Item>>>,
    /// `set.name` of variables that are deferred by nature (sys host facts, sched deferred vars).
    deferred_base: BTreeSet<String>,
    cache: RefCell<BTreeMap<String, Vec<Value>>>,
    stack: RefCell<Vec<String>>,
}

fn set_index(set: &str) -> Option<&'static str> {
    SETS.iter().copied().find(|s| *s == set)
}

impl VarSets {
    pub fn new() -> Self {
        let mut sets = BTreeMap::new();
        for s in SETS {
            sets.insert(s, BTreeMap::new());
        }
        VarSets {
            sets,
            ..Default::default()
        }
    }

    /// Replaces one whole set.
    pub fn set_all(&mut self, set: &'static str, vars: BTreeMap<String, Vec<Item>>) {
        self.sets.insert(set, vars);
        self.cache.borrow_mut().clear();
    }

    /// Sets one variable.
    pub fn insert(&mut self, set: &'static str, name: &str, items: Vec<Item>) {
        self.sets
            .entry(set)
            .or_default()
            .insert(name.to_string(), items);
        self.cache.borrow_mut().clear();
    }

    pub fn facts(&mut self, set: &'static str, facts: BTreeMap<String, Fact>) {
        let vars = facts
            .into_iter()
            .map(|(k, f)| {
                let item = match f {
                    Fact::Str(s) => Item::Str(s),
                    Fact::Map(m) => Item::Map(m),
                };
                (k, vec![item])
            })
            .collect();
        self.set_all(set, vars);
    }

    pub fn mark_deferred(&mut self, set: &str, name: &str) {
        self.deferred_base.insert(format!("{set}.{name}"));
    }

    pub fn clear_deferred(&mut self) {
        self.deferred_base.clear();
        self.cache.borrow_mut().clear();
    }

    pub fn raw(&self, set: &str) -> Option<&BTreeMap<String, Vec<Item>>> {
        self.sets.get(set)
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
        self.deferred_inner(set, name, &mut Vec::new())
    }

    fn deferred_inner(&self, set: Option<&str>, name: &str, seen: &mut Vec<String>) -> bool {
        let Some(s) = self.locate(set, name) else {
            return false;
        };
        let key = format!("{s}.{name}");
        if self.deferred_base.contains(&key) {
            return true;
        }
        if s != "var" || seen.contains(&key) {
            return false;
        }
        seen.push(key);
        let items = self
            .sets
            .get("var")
            .and_then(|m| m.get(name))
            .cloned()
            .unwrap_or_default();
        items.iter().any(|it| {
            let texts: Vec<&String> = match it {
                Item::Str(s) => vec![s],
                Item::Map(m) => m.values().collect(),
            };
            texts.into_iter().any(|t| {
                Template::parse(t)
                    .map(|tpl| {
                        tpl.refs()
                            .iter()
                            .any(|r| self.deferred_inner(r.set.as_deref(), &r.name, seen))
                    })
                    .unwrap_or(false)
            })
        })
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
        let key = format!("{s}.{name}");
        if let Some(v) = self.cache.borrow().get(&key) {
            return Ok(v.clone());
        }
        let items = self
            .sets
            .get(s)
            .and_then(|m| m.get(name))
            .cloned()
            .unwrap_or_default();
        if s != "var" {
            let vals = items.iter().map(Item::to_value).collect::<Vec<_>>();
            self.cache.borrow_mut().insert(key, vals.clone());
            return Ok(vals);
        }
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
        let out =
            out.map_err(|e| ExprError::new(format!("in variable '{name}': {}", e.message)))?;
        self.cache.borrow_mut().insert(key, out.clone());
        Ok(out)
    }
}

fn render_text(t: &str, r: &dyn Resolver) -> Result<String, ExprError> {
    let tpl = Template::parse(t)?;
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
            let maps = out.iter().filter(|i| matches!(i, Item::Map(_))).count();
            if maps != 0 && maps != out.len() {
                return Err(ConfigError::at(
                    &n.span,
                    "items of mixed shape (plain values and mappings)",
                )
                .with_path(path.to_string()));
            }
            out
        }
    })
}

/// Reads `variables:` (§6.1–§6.2): plain, `name?` defaults (empty = required) and `name+`
/// appends, in that precedence.
pub fn parse_variables(
    node: Option<&Node>,
    test: &str,
) -> Result<BTreeMap<String, Vec<Item>>, ConfigError> {
    let Some(node) = node else {
        return Ok(BTreeMap::new());
    };
    let entries = match &node.kind {
        NodeKind::Map(m) => m,
        NodeKind::Null => return Ok(BTreeMap::new()),
        _ => {
            return Err(ConfigError::at(&node.span, "'variables' must be a mapping")
                .with_path(format!("{test}.variables")))
        }
    };
    let mut values: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    let mut defaults: BTreeMap<String, (Vec<Item>, Span)> = BTreeMap::new();
    let mut appends: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for (k, v) in entries {
        let (name, kind) = match k.name.strip_suffix('?') {
            Some(n) => (n, '?'),
            None => match k.name.strip_suffix('+') {
                Some(n) => (n, '+'),
                None => (k.name.as_str(), '='),
            },
        };
        let path = format!("{test}.variables.{name}");
        if !valid_var_name(name) {
            return Err(ConfigError::at(&k.span, format!("invalid variable name '{}'", k.name))
                .with_path(path)
                .with_expected("a letter followed by letters, digits or '_', optionally ending in '?' or '+'"));
        }
        let items = node_items(v, &path)?;
        match kind {
            '?' => {
                defaults.insert(name.to_string(), (items, k.span.clone()));
            }
            '+' => {
                if items.is_empty() {
                    return Err(ConfigError::at(
                        &k.span,
                        format!("'{}' must append at least one item", k.name),
                    )
                    .with_path(path));
                }
                appends.entry(name.to_string()).or_default().extend(items);
            }
            _ => {
                values.insert(name.to_string(), items);
            }
        }
    }
    let mut out = BTreeMap::new();
    let names: BTreeSet<String> = values
        .keys()
        .chain(defaults.keys())
        .chain(appends.keys())
        .cloned()
        .collect();
    for name in names {
        let mut items = match (values.remove(&name), defaults.get(&name)) {
            (Some(v), Some((d, _))) => apply_subkey_defaults(v, d),
            (Some(v), None) => v,
            (None, Some((d, span))) => {
                if d.is_empty() && !appends.contains_key(&name) {
                    return Err(ConfigError::at(
                        span,
                        format!("variable '{name}' was defined but wasn't given a value"),
                    )
                    .with_path(format!("{test}.variables.{name}")));
                }
                d.clone()
            }
            (None, None) => Vec::new(),
        };
        items.extend(appends.remove(&name).unwrap_or_default());
        out.insert(name, items);
    }
    Ok(out)
}

/// A single-mapping default supplies missing sub-keys of every item.
fn apply_subkey_defaults(values: Vec<Item>, defaults: &[Item]) -> Vec<Item> {
    let [Item::Map(d)] = defaults else {
        return values;
    };
    values
        .into_iter()
        .map(|it| match it {
            Item::Map(mut m) => {
                for (k, v) in d {
                    m.entry(k.clone()).or_insert_with(|| v.clone());
                }
                Item::Map(m)
            }
            other => other,
        })
        .collect()
}

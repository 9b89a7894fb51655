//! Variable references: the [`Resolver`] trait, the §6.3 interpretation of a reference
//! (`[set.]name[.index|.*|[i]|[a:b]][.subkey]`) applied on top of [`Resolver::items`], and the
//! §11 interpretation over a result mapping ([`MapResolver`]).

use std::collections::BTreeMap;

use super::ast::{Kind, Node, Seg};
use super::error::ExprError;
use super::value::Value;

/// Variable sets, in lookup order for unqualified names (§6.3).
pub const VAR_SETS: [&str; 4] = ["var", "sys", "pav", "sched"];

/// One evaluated component of a reference path, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefPart {
    /// `name`, `.name` or `.12` (digits kept as written, so `table.01` finds the key `"01"`).
    Key(String),
    /// `.*`
    All,
    /// `[i]` (negative counts from the end)
    Index(i64),
    /// `[a:b]` (Python slice rules, clamped)
    Slice(Option<i64>, Option<i64>),
}

/// How a variable reference selects items (§6.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefIndex {
    /// No index: item 0, or every item inside an iteration.
    None,
    /// `name.2`, `name[2]`, `name[-1]`
    Index(i64),
    /// `name[1:3]`
    Slice(Option<i64>, Option<i64>),
    /// `name.*`
    All,
    /// `name[expr]` whose index is only known when evaluated (it is still an indexed use).
    Computed,
}

/// A variable reference as written: optional set, name, index and sub-key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VarRef {
    pub set: Option<String>,
    pub name: String,
    pub index: RefIndex,
    pub subkey: Option<String>,
}

/// How expressions look variables up.
///
/// Config resolution implements [`Resolver::items`] over the variable sets (lookup order
/// var → sys → pav → sched for unqualified names); the §6.3 rules for indexes and sub-keys are
/// then applied by the default [`Resolver::resolve`]. Result evaluation uses [`MapResolver`],
/// which overrides `resolve` with the §11 path rules.
pub trait Resolver {
    /// All items of the variable named by (set, name): strings, or mappings for items with
    /// sub-keys. An unknown variable is an error (`could not find a variable named 'x' in any
    /// variable set`).
    fn items(&self, set: Option<&str>, name: &str) -> Result<Vec<Value>, ExprError>;

    /// The value of a whole reference path (first part is always a `Key`).
    fn resolve(&self, parts: &[RefPart]) -> Result<Value, ExprError> {
        resolve_var_path(self, parts)
    }
}

/// A reference component before classification (brackets may still be uncomputed).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Comp {
    Key(String),
    All,
    Bracket(RefIndex),
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn comp_of_part(part: &RefPart) -> Comp {
    match part {
        RefPart::Key(k) => Comp::Key(k.clone()),
        RefPart::All => Comp::All,
        RefPart::Index(i) => Comp::Bracket(RefIndex::Index(*i)),
        RefPart::Slice(a, b) => Comp::Bracket(RefIndex::Slice(*a, *b)),
    }
}

/// An integer known without evaluation: `3`, `-3`, `+3`.
fn const_int(node: &Node) -> Option<i64> {
    match &node.kind {
        Kind::Lit(Value::Int(i)) => Some(*i),
        Kind::Neg(inner) => const_int(inner).and_then(i64::checked_neg),
        Kind::Pos(inner) => const_int(inner),
        _ => None,
    }
}

/// Components of a parsed reference, with constant brackets folded.
pub(super) fn comps_of_segs(segs: &[Seg]) -> Vec<Comp> {
    segs.iter()
        .map(|seg| match seg {
            Seg::Key(k) => Comp::Key(k.clone()),
            Seg::All => Comp::All,
            Seg::Index(node) => {
                Comp::Bracket(const_int(node).map_or(RefIndex::Computed, RefIndex::Index))
            }
            Seg::Slice(a, b) => {
                let bound = |n: &Option<Box<Node>>| match n {
                    None => Some(None),
                    Some(node) => const_int(node).map(Some),
                };
                match (bound(a), bound(b)) {
                    (Some(a), Some(b)) => Comp::Bracket(RefIndex::Slice(a, b)),
                    _ => Comp::Bracket(RefIndex::Computed),
                }
            }
        })
        .collect()
}

fn dotted(comps: &[Comp]) -> String {
    let mut out = String::new();
    for comp in comps {
        match comp {
            Comp::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Comp::All => out.push_str(".*"),
            Comp::Bracket(RefIndex::Index(i)) => out.push_str(&format!("[{i}]")),
            Comp::Bracket(RefIndex::Slice(a, b)) => {
                let show = |v: &Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
                out.push_str(&format!("[{}:{}]", show(a), show(b)));
            }
            Comp::Bracket(_) => out.push_str("[…]"),
        }
    }
    out
}

impl VarRef {
    /// Classifies reference components per §6.3: at most set, name, index and sub-key.
    pub(super) fn classify(comps: &[Comp]) -> Result<VarRef, ExprError> {
        let too_many = || {
            ExprError::new(format!(
                "invalid variable reference '{}': a reference has at most four parts \
                 (set, name, index, sub-key)",
                dotted(comps)
            ))
        };
        let Some(Comp::Key(first)) = comps.first() else {
            return Err(ExprError::new(
                "a variable reference must start with a name",
            ));
        };
        let mut i = 1;
        let (set, name) = match comps.get(1) {
            Some(Comp::Key(second)) if VAR_SETS.contains(&first.as_str()) && !is_digits(second) => {
                i = 2;
                (Some(first.clone()), second.clone())
            }
            _ => (None, first.clone()),
        };
        let mut index = RefIndex::None;
        match comps.get(i) {
            Some(Comp::Bracket(ix)) => {
                index = ix.clone();
                i += 1;
            }
            Some(Comp::All) => {
                index = RefIndex::All;
                i += 1;
            }
            Some(Comp::Key(k)) if is_digits(k) => {
                index = RefIndex::Index(k.parse().unwrap_or(i64::MAX));
                i += 1;
            }
            _ => {}
        }
        let mut subkey = None;
        if let Some(Comp::Key(k)) = comps.get(i) {
            subkey = Some(k.clone());
            i += 1;
        }
        match comps.get(i) {
            None => {}
            Some(Comp::Key(_)) => return Err(too_many()),
            Some(_) => {
                return Err(ExprError::new(format!(
                    "invalid variable reference '{}': an index must come right after the \
                     variable name",
                    dotted(comps)
                )))
            }
        }
        Ok(VarRef {
            set,
            name,
            index,
            subkey,
        })
    }

    /// Classifies an evaluated reference path.
    pub fn from_parts(parts: &[RefPart]) -> Result<VarRef, ExprError> {
        let comps: Vec<Comp> = parts.iter().map(comp_of_part).collect();
        VarRef::classify(&comps)
    }

    /// `set.name` or `name`.
    pub fn qualified_name(&self) -> String {
        match &self.set {
            Some(set) => format!("{set}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Whether an iteration iterates over this reference (no index, slice or `*`).
    pub fn is_iterated(&self) -> bool {
        self.index == RefIndex::None
    }
}

impl std::fmt::Display for VarRef {
    /// The reference as it would be written: `sys.hosts[-1].name`, `x.2`, `m.*.port`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.qualified_name())?;
        match &self.index {
            RefIndex::None => {}
            RefIndex::Index(i) if *i >= 0 => write!(f, ".{i}")?,
            RefIndex::Index(i) => write!(f, "[{i}]")?,
            RefIndex::Slice(a, b) => {
                let show = |v: &Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
                write!(f, "[{}:{}]", show(a), show(b))?;
            }
            RefIndex::All => f.write_str(".*")?,
            RefIndex::Computed => f.write_str("[…]")?,
        }
        if let Some(sub) = &self.subkey {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// Python index normalisation; `None` when out of range.
fn normalize_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i128;
    let i = if i < 0 { i as i128 + len } else { i as i128 };
    (0..len).contains(&i).then_some(i as usize)
}

/// Python slice bounds, clamped.
fn slice_bounds(a: Option<i64>, b: Option<i64>, len: usize) -> (usize, usize) {
    let clamp = |v: i64| -> usize {
        let v = if v < 0 {
            v as i128 + len as i128
        } else {
            v as i128
        };
        v.clamp(0, len as i128) as usize
    };
    let start = a.map_or(0, clamp);
    let end = b.map_or(len, clamp);
    (start, end.max(start))
}

/// Applies a reference's sub-key to one item.
fn apply_subkey(r: &VarRef, item: Value) -> Result<Value, ExprError> {
    match (item, &r.subkey) {
        (Value::Map(mut map), Some(key)) => map.remove(key).ok_or_else(|| {
            ExprError::new(format!(
                "variable '{}' has no sub-key '{key}'",
                r.qualified_name()
            ))
        }),
        (Value::Map(_), None) => Err(ExprError::new(
            "variable has sub-values; one must be requested explicitly",
        )),
        (_, Some(key)) => Err(ExprError::new(format!(
            "variable '{}' has no sub-keys (asked for '{key}')",
            r.qualified_name()
        ))),
        (item, None) => Ok(item),
    }
}

/// Applies index and sub-key of `r` to the items of its variable (§6.3).
pub(super) fn select_items(r: &VarRef, mut items: Vec<Value>) -> Result<Value, ExprError> {
    let len = items.len();
    let index_error = |i: i64| {
        ExprError::new(format!(
            "index {i} is out of range for variable '{}' ({len} item{})",
            r.qualified_name(),
            if len == 1 { "" } else { "s" }
        ))
    };
    let list = |items: Vec<Value>| -> Result<Value, ExprError> {
        items
            .into_iter()
            .map(|item| apply_subkey(r, item))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List)
    };
    match r.index {
        RefIndex::None => {
            if items.is_empty() {
                return Err(index_error(0));
            }
            apply_subkey(r, items.swap_remove(0))
        }
        RefIndex::Index(i) => {
            let at = normalize_index(i, len).ok_or_else(|| index_error(i))?;
            apply_subkey(r, items.swap_remove(at))
        }
        RefIndex::Slice(a, b) => {
            let (start, end) = slice_bounds(a, b, len);
            list(items.drain(start..end).collect())
        }
        RefIndex::All => list(items),
        RefIndex::Computed => Err(ExprError::new(format!(
            "the index of variable '{}' was not computed",
            r.qualified_name()
        ))),
    }
}

/// The default §6.3 resolution of a reference path through [`Resolver::items`].
pub fn resolve_var_path<R: Resolver + ?Sized>(
    vars: &R,
    parts: &[RefPart],
) -> Result<Value, ExprError> {
    let r = VarRef::from_parts(parts)?;
    let items = vars.items(r.set.as_deref(), &r.name)?;
    select_items(&r, items)
}

/// A [`Resolver`] over a result mapping (§11): dotted paths of any depth, integer components
/// index lists, one `*` or slice per reference yields the list of values under it (nulls
/// removed, mappings in sorted key order). String leaves are auto-typed, like Pavilion.
#[derive(Debug, Clone, Copy)]
pub struct MapResolver<'a>(pub &'a BTreeMap<String, Value>);

impl Resolver for MapResolver<'_> {
    fn items(&self, set: Option<&str>, name: &str) -> Result<Vec<Value>, ExprError> {
        let mut parts = Vec::new();
        if let Some(set) = set {
            parts.push(RefPart::Key(set.to_string()));
        }
        parts.push(RefPart::Key(name.to_string()));
        Ok(match self.resolve(&parts)? {
            Value::List(items) => items,
            other => vec![other],
        })
    }

    fn resolve(&self, parts: &[RefPart]) -> Result<Value, ExprError> {
        let Some((RefPart::Key(first), rest)) = parts.split_first() else {
            return Err(ExprError::new("a reference must start with a name"));
        };
        let value = self
            .0
            .get(first)
            .ok_or_else(|| ExprError::new(format!("result key '{first}' does not exist")))?;
        navigate(value, rest, first, false, true)
    }
}

fn auto_type_deep(value: &Value) -> Value {
    match value {
        Value::Str(s) => Value::auto_type(s),
        Value::List(items) => Value::List(items.iter().map(auto_type_deep).collect()),
        Value::Map(map) => Value::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), auto_type_deep(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn describe_part(part: &RefPart) -> String {
    match part {
        RefPart::Key(k) => format!(".{k}"),
        RefPart::All => ".*".to_string(),
        RefPart::Index(i) => format!("[{i}]"),
        RefPart::Slice(a, b) => {
            let show = |v: &Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
            format!("[{}:{}]", show(a), show(b))
        }
    }
}

/// Walks `parts` from `value` (§11 rules). `path` names `value` in error messages; `auto`
/// auto-types string leaves.
pub(super) fn navigate(
    value: &Value,
    parts: &[RefPart],
    path: &str,
    star_used: bool,
    auto: bool,
) -> Result<Value, ExprError> {
    let Some((part, rest)) = parts.split_first() else {
        return Ok(if auto {
            auto_type_deep(value)
        } else {
            value.clone()
        });
    };
    let here = format!("{path}{}", describe_part(part));
    let not_container = || {
        ExprError::new(format!(
            "'{path}' is {}, so '{here}' does not exist",
            match value {
                Value::Null => "null".to_string(),
                other => format!("a {}", other.type_name()),
            }
        ))
    };
    match part {
        RefPart::Key(key) => match value {
            Value::Map(map) => match map.get(key) {
                Some(v) => navigate(v, rest, &here, star_used, auto),
                None => Err(ExprError::new(format!(
                    "key '{key}' does not exist in '{path}'"
                ))),
            },
            Value::List(items) if is_digits(key) => {
                let at = key
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < items.len())
                    .ok_or_else(|| {
                        ExprError::new(format!(
                            "index {key} is out of range for '{path}' ({} items)",
                            items.len()
                        ))
                    })?;
                navigate(&items[at], rest, &here, star_used, auto)
            }
            Value::List(_) => Err(ExprError::new(format!(
                "'{path}' is a list, so the component '{key}' must be an index"
            ))),
            _ => Err(not_container()),
        },
        RefPart::Index(i) => match value {
            Value::List(items) => {
                let at = normalize_index(*i, items.len()).ok_or_else(|| {
                    ExprError::new(format!(
                        "index {i} is out of range for '{path}' ({} items)",
                        items.len()
                    ))
                })?;
                navigate(&items[at], rest, &here, star_used, auto)
            }
            _ => Err(not_container()),
        },
        RefPart::All | RefPart::Slice(..) => {
            if star_used {
                return Err(ExprError::new(format!(
                    "'{here}': a reference may contain only one '*' or slice"
                )));
            }
            let members: Vec<&Value> = match value {
                Value::List(items) => items.iter().collect(),
                Value::Map(map) => map.values().collect(),
                _ => return Err(not_container()),
            };
            let (start, end) = match part {
                RefPart::Slice(a, b) => slice_bounds(*a, *b, members.len()),
                _ => (0, members.len()),
            };
            let mut out = Vec::with_capacity(end - start);
            for member in &members[start..end] {
                let v = navigate(member, rest, &here, true, auto)?;
                if v != Value::Null {
                    out.push(v);
                }
            }
            Ok(Value::List(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> RefPart {
        RefPart::Key(k.to_string())
    }

    fn keys(path: &str) -> Vec<RefPart> {
        path.split('.')
            .map(|p| if p == "*" { RefPart::All } else { key(p) })
            .collect()
    }

    #[test]
    fn classification_of_the_spec_table() {
        let r = VarRef::from_parts(&keys("name")).unwrap();
        assert_eq!((r.set, r.index, r.subkey), (None, RefIndex::None, None));
        let r = VarRef::from_parts(&keys("name.2")).unwrap();
        assert_eq!(r.index, RefIndex::Index(2));
        let r = VarRef::from_parts(&keys("name.*.sub")).unwrap();
        assert_eq!((r.index, r.subkey.as_deref()), (RefIndex::All, Some("sub")));
        let r = VarRef::from_parts(&keys("sys.sys_os.name")).unwrap();
        assert_eq!(
            (r.set.as_deref(), r.name.as_str(), r.subkey.as_deref()),
            (Some("sys"), "sys_os", Some("name"))
        );
        let r = VarRef::from_parts(&keys("sched.x.1.sub")).unwrap();
        assert_eq!(r.index, RefIndex::Index(1));
        let r = VarRef::from_parts(&[key("name"), RefPart::Slice(Some(1), None)]).unwrap();
        assert_eq!(r.index, RefIndex::Slice(Some(1), None));
        let err = VarRef::from_parts(&keys("sys.a.1.b.c")).unwrap_err();
        assert!(
            err.message.contains("at most four parts"),
            "{}",
            err.message
        );
        let err = VarRef::from_parts(&keys("a.b.c")).unwrap_err();
        assert!(err.message.contains("'a.b.c'"), "{}", err.message);
        let err = VarRef::from_parts(&[key("a"), key("b"), RefPart::Index(1)]).unwrap_err();
        assert!(err.message.contains("right after"), "{}", err.message);
        let shown: Vec<String> = [
            keys("sys.x.1.sub"),
            vec![key("x"), RefPart::Index(-1), key("name")],
            vec![key("x"), RefPart::Slice(None, Some(2))],
            keys("m.*.port"),
            keys("plain"),
        ]
        .iter()
        .map(|parts| VarRef::from_parts(parts).unwrap().to_string())
        .collect();
        assert_eq!(
            shown,
            ["sys.x.1.sub", "x[-1].name", "x[:2]", "m.*.port", "plain"]
        );
    }

    fn strs(items: &[&str]) -> Vec<Value> {
        items.iter().map(|s| Value::Str(s.to_string())).collect()
    }

    #[test]
    fn selecting_items() {
        let sel = |path: &[RefPart], items: Vec<Value>| {
            select_items(&VarRef::from_parts(path).unwrap(), items)
        };
        let abc = strs(&["a", "b", "c"]);
        assert_eq!(sel(&keys("x"), abc.clone()), Ok(Value::Str("a".into())));
        assert_eq!(
            sel(&[key("x"), RefPart::Index(-1)], abc.clone()),
            Ok(Value::Str("c".into()))
        );
        assert_eq!(
            sel(&[key("x"), RefPart::Slice(Some(1), Some(99))], abc.clone()),
            Ok(Value::List(strs(&["b", "c"])))
        );
        assert_eq!(
            sel(&[key("x"), RefPart::Slice(Some(-2), Some(-5))], abc.clone()),
            Ok(Value::List(vec![]))
        );
        assert_eq!(
            sel(&keys("x.3"), abc.clone()).unwrap_err().message,
            "index 3 is out of range for variable 'x' (3 items)"
        );
        assert_eq!(
            sel(&keys("x"), vec![]).unwrap_err().message,
            "index 0 is out of range for variable 'x' (0 items)"
        );
        let mapped = vec![Value::Map(BTreeMap::from([(
            "host".to_string(),
            Value::Str("n1".into()),
        )]))];
        assert_eq!(
            sel(&keys("x"), mapped.clone()).unwrap_err().message,
            "variable has sub-values; one must be requested explicitly"
        );
        assert_eq!(
            sel(&keys("x.host"), mapped.clone()),
            Ok(Value::Str("n1".into()))
        );
        assert_eq!(
            sel(&keys("x.*.host"), mapped.clone()),
            Ok(Value::List(strs(&["n1"])))
        );
        assert_eq!(
            sel(&keys("x.port"), mapped).unwrap_err().message,
            "variable 'x' has no sub-key 'port'"
        );
        assert_eq!(
            sel(&keys("x.sub"), abc).unwrap_err().message,
            "variable 'x' has no sub-keys (asked for 'sub')"
        );
    }

    fn results() -> BTreeMap<String, Value> {
        let json = serde_json::json!({
            "table": {"cn02": {"speed": "2.5"}, "cn01": {"speed": 1}, "cn03": {"speed": null}},
            "list": [10, 20, [30, 40]],
            "n": "7",
            "rows": {"01": "x"}
        });
        match Value::from_json(&json) {
            Value::Map(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn map_resolver_paths() {
        let res = results();
        let r = MapResolver(&res);
        assert_eq!(r.resolve(&keys("n")), Ok(Value::Int(7)));
        assert_eq!(r.resolve(&keys("table.cn02.speed")), Ok(Value::Float(2.5)));
        assert_eq!(
            r.resolve(&keys("table.*.speed")),
            Ok(Value::List(vec![Value::Int(1), Value::Float(2.5)]))
        );
        assert_eq!(r.resolve(&keys("list.1")), Ok(Value::Int(20)));
        assert_eq!(r.resolve(&keys("list.2.0")), Ok(Value::Int(30)));
        assert_eq!(
            r.resolve(&[key("list"), RefPart::Index(-1), RefPart::Index(-1)]),
            Ok(Value::Int(40))
        );
        assert_eq!(
            r.resolve(&[key("list"), RefPart::Slice(None, Some(2))]),
            Ok(Value::List(vec![Value::Int(10), Value::Int(20)]))
        );
        assert_eq!(r.resolve(&keys("rows.01")), Ok(Value::Str("x".into())));
        assert_eq!(
            r.resolve(&keys("table.*.*")).unwrap_err().message,
            "'table.*.*': a reference may contain only one '*' or slice"
        );
        assert_eq!(
            r.resolve(&keys("nope")).unwrap_err().message,
            "result key 'nope' does not exist"
        );
        assert_eq!(
            r.resolve(&keys("list.5")).unwrap_err().message,
            "index 5 is out of range for 'list' (3 items)"
        );
        assert_eq!(
            r.resolve(&keys("list.x")).unwrap_err().message,
            "'list' is a list, so the component 'x' must be an index"
        );
        assert_eq!(
            r.resolve(&keys("n.x")).unwrap_err().message,
            "'n' is a string, so 'n.x' does not exist"
        );
        assert_eq!(
            r.items(None, "list"),
            Ok(vec![
                Value::Int(10),
                Value::Int(20),
                Value::List(vec![Value::Int(30), Value::Int(40)])
            ])
        );
    }
}

//! Permutations over test variables (CONFIG.md §8 phases 1–2): one test per combination of
//! the items of the `var` variables named in `permute_on`, sorted by name with the last varying
//! fastest, and the default subtitle. `sched.*` names are permuted later, per branch, once the
//! scheduler variables exist (`sched_permute`); the caller splits them off before calling
//! [`combinations`]. Items are picked as written, so a permuted variable that references other
//! variables is resolved in each branch with that branch's values.

use super::vars::Item;
use crate::config::yaml::{ConfigError, Node};
use std::collections::BTreeMap;

/// Every combination as `(variable, its one item)` lists; one empty combination without
/// `permute_on`.
pub fn combinations(
    vars: &BTreeMap<String, Vec<Item>>,
    permute_on: &[String],
    node: &Node,
    test: &str,
) -> Result<Vec<Vec<(String, Item)>>, ConfigError> {
    let list_span = super::proto::span_at(node, "permute_on");
    let mut names: Vec<String> = Vec::new();
    for p in permute_on {
        let span = item_span(node, p).unwrap_or_else(|| list_span.clone());
        let p = p.trim();
        let name = p.strip_prefix("var.").unwrap_or(p);
        if name.contains('.') || name.contains('[') {
            let msg = if name.starts_with("sched.")
                || name.starts_with("sys.")
                || name.starts_with("pav.")
            {
                format!("permute_on '{p}': only test variables and 'sched.*' variables can be permuted on ('sys' and 'pav' variables have one value)")
            } else {
                format!("permute_on '{p}': indexes and sub-keys cannot be permuted on")
            };
            return Err(ConfigError::at(&span, msg).with_path(format!("{test}.permute_on")));
        }
        if !vars.contains_key(name) {
            let mut e =
                ConfigError::at(&span, format!("permute_on names unknown variable '{name}'"))
                    .with_path(format!("{test}.permute_on"));
            if let Some(s) = loggia_sched::text::did_you_mean(name, vars.keys().map(String::as_str))
            {
                e = e.with_suggestion(s);
            }
            return Err(e);
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names.sort();
    if let Some(n) = names.iter().find(|n| reaches_deferred(vars, n)) {
        let span = item_span(node, n).unwrap_or_else(|| list_span.clone());
        return Err(ConfigError::at(
            &span,
            format!("permute_on '{n}': the variable uses a deferred value (known only inside the allocation)"),
        )
        .with_path(format!("{test}.permute_on"))
        .with_expected("a variable whose items are known when the test is created"));
    }
    let span = list_span;
    let mut out: Vec<Vec<(String, Item)>> = vec![Vec::new()];
    for n in &names {
        let items = &vars[n];
        if items.is_empty() {
            return Err(
                ConfigError::at(&span, format!("permute_on variable '{n}' has no values"))
                    .with_path(format!("{test}.permute_on")),
            );
        }
        let mut next = Vec::with_capacity(out.len() * items.len());
        for combo in &out {
            for it in items {
                let mut c = combo.clone();
                c.push((n.clone(), it.clone()));
                next.push(c);
            }
        }
        out = next;
    }
    Ok(out)
}

/// Whether a test variable reaches a deferred `sys` fact (§6.4). Deferred `sched.*` values are
/// checked when the scheduler variables exist.
fn reaches_deferred(vars: &BTreeMap<String, Vec<Item>>, name: &str) -> bool {
    let mut probe = super::vars::VarSets::new();
    probe.set_all("var", vars.clone());
    let sys = super::facts::DEFERRED_SYS
        .iter()
        .map(|d| (d.to_string(), vec![Item::Str(String::new())]))
        .collect();
    probe.set_all("sys", sys);
    for d in super::facts::DEFERRED_SYS {
        probe.mark_deferred("sys", d);
    }
    probe.is_deferred(Some("var"), name)
}

/// The span of the `permute_on` entry written as `entry`, to point errors at it.
fn item_span(node: &Node, entry: &str) -> Option<crate::config::yaml::Span> {
    let list = node.get("permute_on")?;
    let items: &[Node] = match list.as_seq() {
        Some(items) => items,
        None => std::slice::from_ref(list),
    };
    items
        .iter()
        .find(|n| n.as_str() == Some(entry))
        .map(|n| n.span.clone())
}

/// [`default_subtitle`] with every item resolved with the branch's variables: an item may
/// reference other variables (`n: ['{{base}}-1']`) and the subtitle becomes part of the test's
/// name, so it must be plain text. Deferred values are errors (CONFIG.md §6.4).
pub fn resolved_default_subtitle(
    perm: &[(String, Item)],
    vars: &super::vars::VarSets,
    node: &Node,
    test: &str,
) -> Result<String, ConfigError> {
    let err = |msg: String| {
        ConfigError::at(&super::proto::span_at(node, "permute_on"), msg)
            .with_path(format!("{test}.subtitle"))
    };
    let mut parts = Vec::with_capacity(perm.len());
    for (n, it) in perm {
        let text = match it {
            Item::Map(_) => format!("_{n}_"),
            Item::Str(s) => {
                let tpl = super::strings::parse_cached(s)
                    .map_err(|e| err(format!("permuted variable '{n}': {}", e.message)))?;
                if tpl.is_literal() {
                    s.clone()
                } else {
                    if let Some(r) = tpl
                        .refs()
                        .iter()
                        .find(|r| vars.is_deferred(r.set.as_deref(), &r.name))
                    {
                        return Err(err(format!(
                            "permuted variable '{n}' uses deferred variable '{}', which cannot be used in 'subtitle'",
                            r.qualified_name()
                        )));
                    }
                    tpl.render(vars as &dyn crate::expr::Resolver)
                        .map_err(|e| err(format!("permuted variable '{n}': {}", e.message)))?
                }
            }
        };
        parts.push(text);
    }
    Ok(parts.join("-"))
}

/// `{{name}}` per plain variable, `_name_` per mapping variable, joined with `-`.
pub fn default_subtitle(perm: &[(String, Item)]) -> String {
    perm.iter()
        .map(|(n, it)| match it {
            Item::Str(s) => s.clone(),
            Item::Map(_) => format!("_{n}_"),
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::load_str;
    use std::path::Path;

    fn setup(yaml: &str) -> (Node, BTreeMap<String, Vec<Item>>, Vec<String>) {
        let node = load_str(Path::new("p.yaml"), yaml).unwrap_or_else(|e| panic!("{e}"));
        let vars = crate::resolve::vars::parse_variables(node.get("variables"), "s.t")
            .unwrap_or_else(|e| panic!("{e}"));
        let on = node
            .get("permute_on")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect();
        (node, vars, on)
    }

    fn subtitles(yaml: &str) -> Result<Vec<String>, String> {
        let (node, vars, on) = setup(yaml);
        combinations(&vars, &on, &node, "s.t")
            .map(|c| c.iter().map(|p| default_subtitle(p)).collect())
            .map_err(|e| e.render())
    }

    #[test]
    fn sorted_by_name_last_fastest_and_once_per_name() {
        let s = subtitles(
            "permute_on: [z, a, var.z]\nvariables:\n  z: [1, 2]\n  a: [x, y]\n  o: [p, q]\n",
        );
        assert_eq!(
            s.ok(),
            Some(vec!["x-1".into(), "x-2".into(), "y-1".into(), "y-2".into()])
        );
    }

    #[test]
    fn no_permute_on_is_one_empty_combination() {
        assert_eq!(
            subtitles("variables: {a: [1, 2]}\n").ok(),
            Some(vec![String::new()])
        );
    }

    #[test]
    fn mapping_items_give_name_marks_in_the_default_subtitle() {
        let s = subtitles("permute_on: [m]\nvariables:\n  m: [{k: a}, {k: b}]\n");
        assert_eq!(s.ok(), Some(vec!["_m_".into(), "_m_".into()]));
    }

    #[test]
    fn errors_point_at_the_entry() {
        let e = subtitles("permute_on: [a, sise]\nvariables:\n  size: [1]\n  a: [1]\n")
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("permute_on names unknown variable 'sise'"),
            "{e}"
        );
        assert!(e.contains("p.yaml:1:17"), "{e}");
        assert!(e.contains("did you mean 'size'"), "{e}");
        let e = subtitles("permute_on: [a.k]\nvariables:\n  a: {k: v}\n")
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("indexes and sub-keys cannot be permuted on"),
            "{e}"
        );
        let e = subtitles("permute_on: [sys.sys_name]\n")
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("'sys' and 'pav' variables have one value"),
            "{e}"
        );
        let e = subtitles("permute_on: [h]\nvariables:\n  h: ['{{sys.host_name}}']\n")
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("permute_on 'h': the variable uses a deferred value"),
            "{e}"
        );
        let e = subtitles("permute_on: [a]\nvariables:\n  a: []\n")
            .err()
            .unwrap_or_default();
        assert!(e.contains("permute_on variable 'a' has no values"), "{e}");
    }
}

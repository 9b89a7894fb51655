//! Permutations over test variables (CONFIG.md §8): one test per combination of the items of
//! the `permute_on` variables, sorted by name with the last varying fastest, and the default
//! subtitle. Permuting on `sched.*` variables needs the advanced tier and is refused here with a
//! clear message until that lands.

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
    let span = super::proto::span_at(node, "permute_on");
    let mut names: Vec<String> = Vec::new();
    for p in permute_on {
        let p = p.trim();
        let name = p.strip_prefix("var.").unwrap_or(p);
        if name.contains('.') || name.contains('[') {
            let msg = if name.starts_with("sched.")
                || name.starts_with("sys.")
                || name.starts_with("pav.")
            {
                format!("permute_on '{p}': only test variables can be permuted on in this version of loggia")
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

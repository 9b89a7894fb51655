//! Permutations over scheduler variables (CONFIG.md §8 phase 3): `permute_on: [sched.chunk_ids]`
//! runs one test per item of a `sched.*` list, after the initial scheduler variables exist.

use super::vars::Item;
use crate::config::yaml::{ConfigError, Node};
use std::collections::BTreeMap;

/// The combinations of the `sched.*` names in `names` (sorted by name, the last varying
/// fastest), each as `[("sched.<name>", item)]`. No names → one empty combination. Unknown,
/// deferred or empty variables are errors at `permute_on`.
pub fn combinations(
    values: &BTreeMap<String, Vec<Item>>,
    deferred: &[String],
    names: &[String],
    node: &Node,
    test: &str,
) -> Result<Vec<Vec<(String, Item)>>, ConfigError> {
    let span = super::proto::span_at(node, "permute_on");
    let err = |msg: String| ConfigError::at(&span, msg).with_path(format!("{test}.permute_on"));
    let mut sorted: Vec<&str> = names.iter().map(|n| n.trim()).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out: Vec<Vec<(String, Item)>> = vec![Vec::new()];
    for full in sorted {
        let name = full.trim_start_matches("sched.");
        if name.contains('.') || name.contains('[') {
            return Err(err(format!(
                "permute_on '{full}': indexes and sub-keys cannot be permuted on"
            )));
        }
        let Some(items) = values.get(name) else {
            let mut e = err(format!(
                "permute_on names unknown scheduler variable '{full}'"
            ));
            if let Some(s) =
                loggia_sched::text::did_you_mean(name, values.keys().map(String::as_str))
            {
                e = e.with_suggestion(format!("sched.{s}"));
            }
            return Err(e);
        };
        if deferred.iter().any(|d| d == name) {
            return Err(err(format!(
                "permute_on '{full}': the variable is only known inside the allocation (deferred)"
            )));
        }
        if items.is_empty() {
            return Err(err(format!(
                "permute_on '{full}': the scheduler variable has no values here"
            )));
        }
        out = out
            .into_iter()
            .flat_map(|prefix| {
                items.iter().map(move |it| {
                    let mut p = prefix.clone();
                    p.push((full.to_string(), it.clone()));
                    p
                })
            })
            .collect();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::load_str;

    fn node() -> Node {
        load_str(
            std::path::Path::new("t.yaml"),
            "permute_on: [sched.chunk_ids]\n",
        )
        .unwrap()
    }

    fn s(x: &str) -> Item {
        Item::Str(x.to_string())
    }

    #[test]
    fn one_combination_per_item_last_name_fastest() {
        let mut v = BTreeMap::new();
        v.insert("chunk_ids".to_string(), vec![s("0"), s("1")]);
        v.insert("node_list".to_string(), vec![s("a"), s("b")]);
        let names = vec!["sched.node_list".to_string(), "sched.chunk_ids".to_string()];
        let c = combinations(&v, &[], &names, &node(), "s.t").unwrap();
        let flat: Vec<String> = c
            .iter()
            .map(|p| {
                p.iter()
                    .map(|(k, i)| {
                        format!(
                            "{k}={}",
                            match i {
                                Item::Str(s) => s.clone(),
                                Item::Map(_) => "map".into(),
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        assert_eq!(
            flat,
            [
                "sched.chunk_ids=0,sched.node_list=a",
                "sched.chunk_ids=0,sched.node_list=b",
                "sched.chunk_ids=1,sched.node_list=a",
                "sched.chunk_ids=1,sched.node_list=b"
            ]
        );
    }

    #[test]
    fn no_names_is_one_empty_combination() {
        let c = combinations(&BTreeMap::new(), &[], &[], &node(), "s.t").unwrap();
        assert_eq!(c, vec![Vec::new()]);
    }

    #[test]
    fn unknown_deferred_and_empty_are_located_errors() {
        let mut v = BTreeMap::new();
        v.insert("chunk_ids".to_string(), Vec::new());
        v.insert("test_nodes".to_string(), vec![s("")]);
        let n = node();
        let e = combinations(&v, &[], &["sched.chunk_idz".into()], &n, "s.t").unwrap_err();
        let r = e.render();
        assert!(
            r.contains("unknown scheduler variable 'sched.chunk_idz'"),
            "{r}"
        );
        assert!(r.contains("sched.chunk_ids"), "{r}");
        assert!(r.contains("t.yaml:1:13"), "{r}");
        let e = combinations(
            &v,
            &["test_nodes".into()],
            &["sched.test_nodes".into()],
            &n,
            "s.t",
        )
        .unwrap_err();
        assert!(e.render().contains("deferred"));
        let e = combinations(&v, &[], &["sched.chunk_ids".into()], &n, "s.t").unwrap_err();
        assert!(e.render().contains("has no values"));
    }
}

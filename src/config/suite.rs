//! Suites and layering (CONFIG.md §1.2, §1.3 steps 1–6, §5): finds a suite in the config dirs,
//! builds the `__base__` test from OS and host configs, resolves `inherits_from` chains, folds
//! `prepend_cmds`/`append_cmds`, merges modes and applies `-c key=value` overrides. Everything
//! works on located YAML trees, so later errors still point at the file a value came from.

use super::site::ConfigDir;
use super::yaml::{self, ConfigError, Key, Node, NodeKind, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One test of a suite after layering and inheritance, before variables.
#[derive(Debug, Clone)]
pub struct RawTest {
    pub suite: String,
    pub name: String,
    pub suite_path: PathBuf,
    pub cfg_label: String,
    pub node: Node,
}

/// A loaded suite file: test name → its located config (no inheritance yet).
#[derive(Debug, Clone)]
pub struct SuiteFile {
    pub suite: String,
    pub path: PathBuf,
    pub cfg_label: String,
    pub tests: Vec<(Key, Node)>,
}

fn valid_test_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphanumeric() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

/// Finds `tests/<suite>.yaml` in the config dirs (first hit wins), or takes `request` as a
/// path when it names a YAML file.
pub fn find_suite(dirs: &[ConfigDir], suite: &str) -> Result<(PathBuf, String), ConfigError> {
    let as_path = Path::new(suite);
    if (suite.ends_with(".yaml") || suite.ends_with(".yml")) && as_path.is_file() {
        let label = dirs
            .iter()
            .find(|d| crate::fsutil::absolute(as_path).starts_with(&d.path))
            .map(|d| d.label.clone())
            .unwrap_or_else(|| "main".to_string());
        return Ok((as_path.to_path_buf(), label));
    }
    for d in dirs {
        for ext in ["yaml", "yml"] {
            let p = d.path.join("tests").join(format!("{suite}.{ext}"));
            if p.is_file() {
                return Ok((p, d.label.clone()));
            }
        }
    }
    let searched: Vec<String> = dirs
        .iter()
        .map(|d| d.path.join("tests").display().to_string())
        .collect();
    let mut msg = format!("no suite '{suite}' (looked in: {})", searched.join(", "));
    let known = known_suites(dirs);
    if let Some(s) = loggia_sched::text::did_you_mean(suite, known.iter().map(String::as_str)) {
        msg.push_str(&format!("; did you mean '{s}'?"));
    } else if !known.is_empty() {
        msg.push_str(&format!("; suites here: {}", known.join(", ")));
    }
    Err(ConfigError::plain(msg))
}

/// Names of every suite in the config dirs.
pub fn known_suites(dirs: &[ConfigDir]) -> Vec<String> {
    let mut out = Vec::new();
    for d in dirs {
        if let Ok(rd) = std::fs::read_dir(d.path.join("tests")) {
            for e in rd.flatten() {
                let p = e.path();
                if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
                    if let Some(s) = p.file_stem() {
                        out.push(s.to_string_lossy().into_owned());
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Loads and checks the top level of a suite file.
pub fn load_suite(path: &Path, cfg_label: &str) -> Result<SuiteFile, ConfigError> {
    let node = yaml::load_file(path)?;
    let suite = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tests = match node.kind {
        NodeKind::Map(entries) => entries,
        NodeKind::Null => Vec::new(),
        _ => {
            return Err(ConfigError::at(
                &node.span,
                "a suite must be a mapping of test names to test configs",
            )
            .with_expected("a mapping"))
        }
    };
    for (k, v) in &tests {
        if !valid_test_name(&k.name) {
            return Err(
                ConfigError::at(&k.span, format!("invalid test name '{}'", k.name))
                    .with_expected("letters, digits, '_' and '-', not starting with '-'"),
            );
        }
        if !matches!(v.kind, NodeKind::Map(_) | NodeKind::Null) {
            return Err(
                ConfigError::at(&v.span, format!("test '{}' must be a mapping", k.name))
                    .with_path(format!("{suite}.{}", k.name))
                    .with_expected("a mapping of test keys"),
            );
        }
    }
    Ok(SuiteFile {
        suite,
        path: path.to_path_buf(),
        cfg_label: cfg_label.to_string(),
        tests,
    })
}

/// Loads `<kind>/<name>.yaml` from the first config dir that has it.
pub fn load_layer(dirs: &[ConfigDir], kind: &str, name: &str) -> Result<Option<Node>, ConfigError> {
    for d in dirs {
        let p = d.path.join(kind).join(format!("{name}.yaml"));
        if p.is_file() {
            let mut n = yaml::load_file(&p)?;
            restore_shell_words(&mut n);
            return Ok(Some(n));
        }
    }
    Ok(None)
}

/// The source text under a span, when the span points into a file.
fn source_text(span: &yaml::Span) -> Option<String> {
    let line = span.source.line_text(span.line)?;
    Some(
        line.chars()
            .skip(span.col.saturating_sub(1))
            .take(span.len)
            .collect(),
    )
}

/// The entries of the `build` and `run` mappings of a test tree.
fn script_sections(node: &mut Node) -> Vec<(Span, &mut Vec<(Key, Node)>)> {
    let NodeKind::Map(entries) = &mut node.kind else {
        return Vec::new();
    };
    entries
        .iter_mut()
        .filter(|(k, _)| k.name == "build" || k.name == "run")
        .filter_map(|(_, sect)| match &mut sect.kind {
            NodeKind::Map(items) => Some((sect.span.clone(), items)),
            _ => None,
        })
        .collect()
}

/// Shell command lines keep their words: a plain `true` in `cmds` is the shell built-in, not
/// the YAML boolean `True` that Y2 would make of it (`run: cmds: [true]` must run `true`).
pub fn restore_shell_words(node: &mut Node) {
    for (_, items) in script_sections(node) {
        for (ik, list) in items.iter_mut() {
            if !matches!(
                ik.name.as_str(),
                "cmds" | "prepend_cmds" | "append_cmds" | "cmds+" | "preamble"
            ) {
                continue;
            }
            let scalars: Vec<&mut Node> = match &mut list.kind {
                NodeKind::Seq(v) => v.iter_mut().collect(),
                NodeKind::Scalar(_) => vec![list],
                _ => Vec::new(),
            };
            for n in scalars {
                if let NodeKind::Scalar(t) = &n.kind {
                    if t == "True" || t == "False" {
                        if let Some(orig) = source_text(&n.span).filter(|o| {
                            o.eq_ignore_ascii_case(t)
                                || matches!(
                                    o.to_ascii_lowercase().as_str(),
                                    "yes" | "no" | "on" | "off"
                                )
                        }) {
                            n.kind = NodeKind::Scalar(orig);
                        }
                    }
                }
            }
        }
    }
}

/// Folds `prepend_cmds`/`append_cmds` of `build`/`run` into `cmds` (§5).
pub fn fold_cmds(node: &mut Node) {
    for (fallback, items) in script_sections(node) {
        let take = |items: &mut Vec<(Key, Node)>, name: &str| -> Option<Node> {
            let i = items.iter().position(|(k, _)| k.name == name)?;
            Some(items.remove(i).1)
        };
        let pre = take(items, "prepend_cmds");
        let app = take(items, "append_cmds");
        if pre.is_none() && app.is_none() {
            continue;
        }
        let cmds_i = items.iter().position(|(k, _)| k.name == "cmds");
        let as_list = |n: Option<Node>| -> Vec<Node> {
            match n.map(|n| n.kind) {
                Some(NodeKind::Seq(v)) => v,
                Some(NodeKind::Null) | None => Vec::new(),
                Some(other) => vec![Node::synthetic(other, fallback.clone())],
            }
        };
        let anchor = pre
            .as_ref()
            .or(app.as_ref())
            .map(|n| n.span.clone())
            .unwrap_or(fallback.clone());
        let mut out = as_list(pre);
        let existing = cmds_i.map(|i| items.remove(i));
        let key = existing.as_ref().map(|(k, _)| k.clone()).unwrap_or(Key {
            name: "cmds".into(),
            span: anchor.clone(),
        });
        out.extend(as_list(existing.map(|(_, n)| n)));
        out.extend(as_list(app));
        items.push((key, Node::synthetic(NodeKind::Seq(out), anchor)));
    }
}

fn remove_key(node: &mut Node, key: &str) -> Option<Node> {
    let NodeKind::Map(entries) = &mut node.kind else {
        return None;
    };
    let i = entries.iter().position(|(k, _)| k.name == key)?;
    Some(entries.remove(i).1)
}

/// Resolves inheritance for every test of a suite over `base` (§5). Returns tests in file order.
pub fn resolve_inheritance(suite: &SuiteFile, base: &Node) -> Result<Vec<RawTest>, ConfigError> {
    let by_name: BTreeMap<&str, &(Key, Node)> =
        suite.tests.iter().map(|e| (e.0.name.as_str(), e)).collect();
    let mut done: BTreeMap<String, Node> = BTreeMap::new();
    let mut out = Vec::new();
    for (key, _) in &suite.tests {
        let node = resolve_one(&key.name, &by_name, base, &mut done, &mut Vec::new(), suite)?;
        out.push(RawTest {
            suite: suite.suite.clone(),
            name: key.name.clone(),
            suite_path: suite.path.clone(),
            cfg_label: suite.cfg_label.clone(),
            node,
        });
    }
    Ok(out)
}

fn resolve_one(
    name: &str,
    by_name: &BTreeMap<&str, &(Key, Node)>,
    base: &Node,
    done: &mut BTreeMap<String, Node>,
    stack: &mut Vec<String>,
    suite: &SuiteFile,
) -> Result<Node, ConfigError> {
    if let Some(n) = done.get(name) {
        return Ok(n.clone());
    }
    let Some((key, raw)) = by_name.get(name).copied() else {
        return Err(ConfigError::plain(format!("unknown test '{name}'")));
    };
    if stack.iter().any(|s| s == name) {
        let mut cycle = stack.clone();
        cycle.push(name.to_string());
        return Err(ConfigError::at(
            &key.span,
            format!("inheritance cycle: {}", cycle.join(" → ")),
        )
        .with_path(format!("{}.{name}", suite.suite)));
    }
    stack.push(name.to_string());
    let mut child = raw.clone();
    if matches!(child.kind, NodeKind::Null) {
        child = Node::synthetic(NodeKind::Map(Vec::new()), raw.span.clone());
    }
    restore_shell_words(&mut child);
    let parent_ref = remove_key(&mut child, "inherits_from");
    let parent = match parent_ref {
        Some(p) => {
            let Some(pname) = p.as_str().map(|t| t.trim().to_string()) else {
                return Err(ConfigError::at(&p.span, "wrong type for 'inherits_from'")
                    .with_path(format!("{}.{name}.inherits_from", suite.suite))
                    .with_expected("the name of one test of this suite"));
            };
            if !by_name.contains_key(pname.as_str()) {
                let names = by_name.keys().copied();
                let mut e = ConfigError::at(
                    &p.span,
                    format!("test '{name}' inherits from unknown test '{pname}'"),
                )
                .with_path(format!("{}.{name}.inherits_from", suite.suite));
                if let Some(s) = loggia_sched::text::did_you_mean(&pname, names) {
                    e = e.with_suggestion(s);
                }
                return Err(e);
            }
            resolve_one(&pname, by_name, base, done, stack, suite)?
        }
        None => base.clone(),
    };
    let mut merged =
        yaml::merge(&parent, &child).map_err(|e| in_test(e, &format!("{}.{name}", suite.suite)))?;
    fold_cmds(&mut merged);
    stack.pop();
    done.insert(name.to_string(), merged.clone());
    Ok(merged)
}

/// Puts the test's name in front of an error's key path (CONFIG.md Y8), for errors found by code
/// that sees only part of the test (merging).
pub fn in_test(mut e: ConfigError, test: &str) -> ConfigError {
    e.key_path = Some(match e.key_path.take() {
        Some(p) if !p.starts_with(&format!("{test}.")) => format!("{test}.{p}"),
        Some(p) => p,
        None => test.to_string(),
    });
    e
}

/// Applies one `-c key=value` override (§2.2) to a test's tree.
pub fn apply_override(node: &mut Node, spec: &str) -> Result<(), ConfigError> {
    let Some((path, value)) = spec.split_once('=') else {
        return Err(ConfigError::plain(format!(
            "override '{spec}' is not key=value"
        )));
    };
    const FIXED: &[&str] = &[
        "name",
        "suite",
        "suite_path",
        "cfg_label",
        "working_dir",
        "host",
        "os",
        "modes",
        "permute_base",
    ];
    let parts: Vec<&str> = path.trim().split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(ConfigError::plain(format!(
            "override key '{path}' has an empty component"
        )));
    }
    if FIXED.contains(&parts[0]) {
        return Err(ConfigError::plain(format!(
            "'{}' cannot be overridden",
            parts[0]
        )));
    }
    let src_path = PathBuf::from(format!("<-c {path}>"));
    let value_node = yaml::load_str(&src_path, value)?;
    let value_node = match value_node.kind {
        // An empty document is an empty string here, not an empty mapping.
        NodeKind::Map(ref m) if m.is_empty() && value.trim().is_empty() => {
            Node::synthetic(NodeKind::Null, value_node.span.clone())
        }
        _ => value_node,
    };
    set_path(node, &parts, value_node, path)
}

fn set_path(node: &mut Node, parts: &[&str], value: Node, full: &str) -> Result<(), ConfigError> {
    let Some((first, rest)) = parts.split_first() else {
        *node = value;
        return Ok(());
    };
    match &mut node.kind {
        NodeKind::Seq(items) => {
            let i: usize = first.parse().map_err(|_| {
                ConfigError::plain(format!("override '{full}': '{first}' is not a list index"))
            })?;
            let len = items.len();
            let item = items.get_mut(i).ok_or_else(|| {
                ConfigError::plain(format!(
                    "override '{full}': index {i} is out of range (the list has {len} items)"
                ))
            })?;
            set_path(item, rest, value, full)
        }
        kind => {
            if matches!(kind, NodeKind::Null | NodeKind::Scalar(_)) {
                *kind = NodeKind::Map(Vec::new());
            }
            let NodeKind::Map(entries) = kind else {
                return Err(ConfigError::plain(format!(
                    "override '{full}' cannot be applied here"
                )));
            };
            let pos = entries.iter().position(|(k, _)| k.name == *first);
            let i = match pos {
                Some(i) => i,
                None => {
                    // A key the override adds is blamed on the override, not on the file.
                    entries.push((
                        Key {
                            name: first.to_string(),
                            span: value.span.clone(),
                        },
                        Node::synthetic(NodeKind::Null, value.span.clone()),
                    ));
                    entries.len() - 1
                }
            };
            set_path(&mut entries[i].1, rest, value, full)
        }
    }
}

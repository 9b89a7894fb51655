//! Resolving every string of a test tree (CONFIG.md §7.1): expressions and iterations are
//! rendered in place, list elements that are a single list-valued expression are spliced, and
//! strings that use deferred values are kept as written and their key paths recorded, to be
//! resolved by the in-allocation runner.

use super::vars::VarSets;
use crate::config::yaml::{ConfigError, Node, NodeKind};
use crate::expr::{ExprError, Resolver, Template};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Parsed templates are kept per thread: every permutation of a test resolves the same config
/// strings and variable items, and parsing dominated resolution before this cache.
const TEMPLATE_CACHE_MAX: usize = 50_000;

thread_local! {
    static TEMPLATES: RefCell<HashMap<String, Rc<Template>>> = RefCell::new(HashMap::new());
}

/// [`Template::parse`], cached per thread (errors are not cached; they end resolution anyway).
pub fn parse_cached(text: &str) -> Result<Rc<Template>, ExprError> {
    if let Some(t) = TEMPLATES.with(|c| c.borrow().get(text).cloned()) {
        return Ok(t);
    }
    let t = Rc::new(Template::parse(text)?);
    TEMPLATES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= TEMPLATE_CACHE_MAX {
            c.clear();
        }
        c.insert(text.to_string(), Rc::clone(&t));
    });
    Ok(t)
}

/// Top-level keys taken literally (§7.1): never resolved.
const LITERAL_KEYS: &[&str] = &["inherits_from", "permute_on", "variables"];

/// Sections where deferred values are errors (§6.4).
const NO_DEFERRED: &[&str] = &[
    "schedule",
    "build",
    "scheduler",
    "chunk",
    "only_if",
    "not_if",
    "subtitle",
];

/// Resolves `node` in place; returns the dotted key paths of strings kept for the allocation.
pub fn resolve_tree(
    node: &mut Node,
    vars: &VarSets,
    test: &str,
) -> Result<Vec<String>, ConfigError> {
    let mut deferred = Vec::new();
    let NodeKind::Map(entries) = &mut node.kind else {
        return Ok(deferred);
    };
    for (k, v) in entries.iter_mut() {
        if LITERAL_KEYS.contains(&k.name.as_str()) {
            continue;
        }
        let mut cx = Walk {
            vars,
            test,
            top: &k.name,
            deferred: &mut deferred,
        };
        cx.walk(v, &k.name)?;
        if k.name == "only_if" || k.name == "not_if" {
            // Only the keys of these mappings are expressions; resolve them too.
            resolve_map_keys(v, vars, test, &k.name)?;
        }
    }
    Ok(deferred)
}

struct Walk<'a> {
    vars: &'a VarSets,
    test: &'a str,
    top: &'a str,
    deferred: &'a mut Vec<String>,
}

impl Walk<'_> {
    fn err(&self, node: &Node, path: &str, msg: String) -> ConfigError {
        ConfigError::at(&node.span, msg).with_path(format!("{}.{path}", self.test))
    }

    /// Renders one scalar. `None` = deferred (kept as written).
    fn render(
        &mut self,
        node: &Node,
        text: &str,
        path: &str,
    ) -> Result<Option<Rc<Template>>, ConfigError> {
        let tpl = parse_cached(text)
            .map_err(|e| self.err(node, path, format!("invalid expression: {}", e.message)))?;
        if tpl.is_literal() {
            return Ok(Some(tpl));
        }
        let deferred_ref = tpl
            .refs()
            .into_iter()
            .find(|r| self.vars.is_deferred(r.set.as_deref(), &r.name));
        if let Some(r) = deferred_ref {
            if NO_DEFERRED.contains(&self.top) {
                let full = match &r.set {
                    Some(s) => format!("{s}.{}", r.name),
                    None => r.name.clone(),
                };
                return Err(self.err(
                    node,
                    path,
                    format!(
                        "deferred variable '{full}' cannot be used in '{}'",
                        self.top
                    ),
                ));
            }
            return Ok(None);
        }
        Ok(Some(tpl))
    }

    fn walk(&mut self, node: &mut Node, path: &str) -> Result<(), ConfigError> {
        match &mut node.kind {
            NodeKind::Scalar(s) => {
                let text = s.clone();
                match self.render(node, &text, path)? {
                    None => self.deferred.push(path.to_string()),
                    Some(tpl) if !tpl.is_literal() => {
                        let v = tpl
                            .render(self.vars as &dyn Resolver)
                            .map_err(|e| self.err(node, path, e.message))?;
                        node.kind = NodeKind::Scalar(v);
                    }
                    Some(_) => {}
                }
            }
            NodeKind::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    self.walk(v, &format!("{path}.{}", k.name))?;
                }
            }
            NodeKind::Seq(items) => {
                let old = std::mem::take(items);
                let mut out = Vec::with_capacity(old.len());
                for (i, mut it) in old.into_iter().enumerate() {
                    let ipath = format!("{path}.{i}");
                    let NodeKind::Scalar(text) = &it.kind else {
                        self.walk(&mut it, &ipath)?;
                        out.push(it);
                        continue;
                    };
                    let text = text.clone();
                    match self.render(&it, &text, &ipath)? {
                        None => {
                            // Record the position the item ends up at, after earlier splices.
                            self.deferred.push(format!("{path}.{}", out.len()));
                            out.push(it);
                        }
                        Some(tpl) if tpl.is_literal() => out.push(it),
                        Some(tpl) => {
                            let vals = tpl
                                .render_list(self.vars as &dyn Resolver)
                                .map_err(|e| self.err(&it, &ipath, e.message))?;
                            for v in vals {
                                out.push(Node::synthetic(NodeKind::Scalar(v), it.span.clone()));
                            }
                        }
                    }
                }
                *items = out;
            }
            NodeKind::Null => {}
        }
        Ok(())
    }
}

fn resolve_map_keys(
    node: &mut Node,
    vars: &VarSets,
    test: &str,
    top: &str,
) -> Result<(), ConfigError> {
    let NodeKind::Map(entries) = &mut node.kind else {
        return Ok(());
    };
    for (k, _) in entries.iter_mut() {
        let tpl = parse_cached(&k.name).map_err(|e| {
            ConfigError::at(&k.span, format!("invalid expression: {}", e.message))
                .with_path(format!("{test}.{top}"))
        })?;
        if tpl.is_literal() {
            continue;
        }
        if let Some(r) = tpl
            .refs()
            .into_iter()
            .find(|r| vars.is_deferred(r.set.as_deref(), &r.name))
        {
            let full = match &r.set {
                Some(set) => format!("{set}.{}", r.name),
                None => r.name.clone(),
            };
            return Err(ConfigError::at(
                &k.span,
                format!("deferred variable '{full}' cannot be used in '{top}'"),
            )
            .with_path(format!("{test}.{top}")));
        }
        k.name = tpl
            .render(vars as &dyn Resolver)
            .map_err(|e| ConfigError::at(&k.span, e.message).with_path(format!("{test}.{top}")))?;
    }
    Ok(())
}

/// Resolves the strings at `paths` (recorded as deferred) with final variables, inside the
/// allocation.
pub fn resolve_deferred(
    node: &mut Node,
    paths: &[String],
    vars: &VarSets,
    test: &str,
) -> Result<(), ConfigError> {
    for p in paths {
        let parts: Vec<&str> = p.split('.').collect();
        if let Some(target) = find_mut(node, &parts) {
            let NodeKind::Scalar(text) = &target.kind else {
                continue;
            };
            let tpl = Template::parse(text).map_err(|e| {
                ConfigError::at(&target.span, e.message).with_path(format!("{test}.{p}"))
            })?;
            let v = tpl.render(vars as &dyn Resolver).map_err(|e| {
                ConfigError::at(&target.span, e.message).with_path(format!("{test}.{p}"))
            })?;
            target.kind = NodeKind::Scalar(v);
        }
    }
    Ok(())
}

fn find_mut<'a>(node: &'a mut Node, parts: &[&str]) -> Option<&'a mut Node> {
    let Some((first, rest)) = parts.split_first() else {
        return Some(node);
    };
    match &mut node.kind {
        NodeKind::Map(entries) => {
            let (_, v) = entries.iter_mut().find(|(k, _)| k.name == *first)?;
            find_mut(v, rest)
        }
        NodeKind::Seq(items) => {
            let i: usize = first.parse().ok()?;
            find_mut(items.get_mut(i)?, rest)
        }
        _ => None,
    }
}
